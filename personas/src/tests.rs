//! Loader and validation tests: built-ins, every validation problem with its position, syntax errors, fuzzing,
//! and the built-in personas driving the engine.

use std::path::Path;
use std::sync::Arc;

use sim_core::engine::{Engine, EngineConfig};
use sim_core::spec::{Dist, PersonaSpec, StyleSpec};

use crate::realise::{RenderContext, render};
use crate::{
    built_in_dir, list_built_in, load_all_built_in, load_built_in, load_persona, parse_persona,
};

const CALM: &str = include_str!("../data/calm.ron");

/// Parses `source` as `p/calm.ron`; "ok" or the error's full text must equal `expect`.
fn check(source: &str, expect: &str) {
    let got = match parse_persona(source, Path::new("p/calm.ron")) {
        Ok(_) => "ok".to_owned(),
        Err(err) => err.to_string(),
    };
    assert_eq!(got, expect, "source:\n{source}");
}

/// The calm file with each `from` replaced by its `to` (each `from` must occur).
fn calm_with(edits: &[(&str, &str)]) -> String {
    edits.iter().fold(CALM.to_owned(), |source, (from, to)| {
        assert!(source.contains(from), "`{from}` not in calm.ron");
        source.replacen(from, to, 1)
    })
}

#[test]
fn built_ins_load_from_embedded_and_disk() {
    let ids: Vec<String> = list_built_in().into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["calm", "impatient", "confused", "social-engineer"]);
    for spec in load_all_built_in() {
        let on_disk = load_persona(&built_in_dir().join(format!("{}.ron", spec.id)));
        assert_eq!(
            format!("{:?}", on_disk.map_err(|err| err.to_string())),
            format!("{:?}", Ok::<_, String>(spec))
        );
    }
}

/// Calm is sim-core's reference persona, but for its style: the reference predates styles and keeps the neutral
/// default.
#[test]
fn calm_matches_the_engine_reference_persona() {
    let reference = PersonaSpec { description: String::new(), ..sim_core::testing::calm_persona() };
    let calm = load_built_in("calm").map(|spec| PersonaSpec {
        description: String::new(),
        style: StyleSpec::default(),
        ..spec
    });
    assert_eq!(format!("{calm:?}"), format!("{:?}", Ok::<_, ()>(reference)));
}

#[test]
fn social_engineer_is_a_limited_impostor() {
    let spec = load_built_in("social-engineer").map(|spec| (spec.impostor, spec.intents.len()));
    assert_eq!(spec.ok(), Some((true, 16)));
}

#[test]
fn calm_is_valid() {
    check(CALM, "ok");
}
#[test]
fn unknown_built_in() {
    let err = load_built_in("grumpy").map(|_| ()).map_err(|err| err.to_string());
    assert_eq!(err, Err("no built-in persona `grumpy`; built-ins are calm, impatient, confused, social-engineer".into()));
}
#[test]
fn missing_file() {
    let err =
        load_persona(Path::new("/nonexistent/x.ron")).map(|_| ()).map_err(|err| err.to_string());
    assert!(
        err.is_err_and(|msg| msg.starts_with("/nonexistent/x.ron: cannot read persona file: "))
    );
}
#[test]
fn bad_id() {
    let err = parse_persona(CALM, Path::new("p/two words.ron"))
        .map(|_| ())
        .map_err(|err| err.to_string());
    assert_eq!(err, Err("p/two words.ron: file stem `two words` is not a persona id (use letters, digits, `-` and `_`)".into()));
}
#[test]
fn default_weight_is_one() {
    let spec = parse_persona(&calm_with(&[("    weight: 1.0,\n", "")]), Path::new("p/calm.ron"));
    assert_eq!(spec.map(|spec| spec.weight).ok(), Some(1.0));
}

/// Parses `source` as `p/calm.ron`; its style must be `expect`.
fn check_style(source: &str, expect: StyleSpec) {
    let style = parse_persona(source, Path::new("p/calm.ron")).map(|spec| spec.style);
    assert_eq!(style.map_err(|err| err.to_string()), Ok(expect), "source:\n{source}");
}

/// The calm file with its style block replaced by `style` (which may be empty).
fn calm_with_style(style: &str) -> String {
    let start = CALM.find("    style: (").expect("calm.ron has a style block");
    let end =
        start + CALM[start..].find("\n    ),\n").expect("the block ends") + "\n    ),\n".len();
    format!("{}{style}{}", &CALM[..start], &CALM[end..])
}

#[test]
fn style_parses() {
    let formality = Dist::Normal { mean: 0.6, sd: 0.15, min: 0.0, max: 1.0 };
    check_style(CALM, StyleSpec { formality, typo_rate: Dist::Uniform(0.0, 0.01) });
}
#[test]
fn style_absent_is_neutral() {
    check_style(&calm_with_style(""), StyleSpec::default());
}
#[test]
fn style_empty_is_neutral() {
    check_style(&calm_with_style("    style: (),\n"), StyleSpec::default());
}
#[test]
fn style_fields_default_one_by_one() {
    let formality_only = calm_with_style("    style: (formality: Fixed(0.9)),\n");
    check_style(&formality_only, StyleSpec { formality: Dist::Fixed(0.9), ..StyleSpec::default() });
    let typos_only = calm_with_style("    style: (typo_rate: Fixed(0.02)),\n");
    check_style(&typos_only, StyleSpec { typo_rate: Dist::Fixed(0.02), ..StyleSpec::default() });
}
#[test]
fn built_in_styles() {
    let styles: Vec<(String, f64, f64)> = load_all_built_in()
        .into_iter()
        .map(|spec| match spec.style {
            StyleSpec {
                formality: Dist::Normal { mean, .. },
                typo_rate: Dist::Uniform(_, typos_hi),
            } => (spec.id, mean, typos_hi),
            other => panic!("{}: unexpected style {other:?}", spec.id),
        })
        .collect();
    let expect = [
        ("calm", 0.6, 0.01),
        ("impatient", 0.25, 0.04),
        ("confused", 0.4, 0.06),
        ("social-engineer", 0.7, 0.01),
    ]
    .map(|(id, mean, hi)| (id.to_owned(), mean, hi));
    assert_eq!(styles, expect);
}
#[test]
fn style_formality_range() {
    check(
        &calm_with(&[("max: 1.0)", "max: 1.5)")]),
        "p/calm.ron:23:58: style.formality: Normal values must be in [0, 1], but can be 1.5",
    );
}
#[test]
fn style_formality_fixed() {
    check(
        &calm_with_style("    style: (formality: Fixed(-0.2)),\n"),
        "p/calm.ron:22:13: style.formality: Fixed values must be in [0, 1], but can be -0.2",
    );
}
#[test]
fn style_typo_rate_unreadable() {
    check(
        &calm_with(&[("hi: 0.01", "hi: 0.5")]),
        "p/calm.ron:24:37: style.typo_rate: typo_rate above 0.3 makes text unreadable, but Uniform can give 0.5",
    );
}
#[test]
fn style_typo_rate_at_the_limit() {
    check(&calm_with(&[("hi: 0.01", "hi: 0.3")]), "ok");
}
#[test]
fn style_typo_rate_negative() {
    check(
        &calm_with(&[("lo: 0.0, hi: 0.01", "lo: -0.01, hi: 0.01")]),
        "p/calm.ron:24:28: style.typo_rate: Uniform values must be in [0, 1], but can be -0.01",
    );
}
#[test]
fn style_typo_rate_beta_reaches_one() {
    check(
        &calm_with(&[("Uniform(lo: 0.0, hi: 0.01)", "Beta(a: 1, b: 60)")]),
        "p/calm.ron:24:9: style.typo_rate: typo_rate above 0.3 makes text unreadable, but Beta can give 1",
    );
}
#[test]
fn style_typo_rate_nan() {
    check(
        &calm_with(&[("hi: 0.01", "hi: NaN")]),
        "p/calm.ron:24:37: style.typo_rate: Uniform hi must be a finite number, got NaN",
    );
}
#[test]
fn style_unknown_field() {
    check(
        &calm_with_style("    style: (formality: Fixed(0.5), tone: 1),\n"),
        "p/calm.ron:22:36: Unexpected field named `tone` in `StyleFile`, expected either `formality` or `typo_rate` instead",
    );
}
#[test]
fn style_problems_with_the_rest() {
    let source = calm_with(&[
        ("Beta(a: 18", "Beta(a: 0"),
        ("max: 1.0)", "max: 2.0)"),
        ("hi: 0.01", "hi: 0.4"),
        ("denial: 0.15", "denial: NaN"),
    ]);
    check(
        &source,
        "p/calm.ron:9:31: cooperativeness: Beta a must be > 0, got 0
p/calm.ron:23:58: style.formality: Normal values must be in [0, 1], but can be 2
p/calm.ron:24:37: style.typo_rate: typo_rate above 0.3 makes text unreadable, but Uniform can give 0.4
p/calm.ron:32:9: mood.denial: must be a finite number, got NaN",
    );
}

#[test]
fn beta_param() {
    check(
        &calm_with(&[("Beta(a: 18", "Beta(a: 0")]),
        "p/calm.ron:9:31: cooperativeness: Beta a must be > 0, got 0",
    );
}
#[test]
fn beta_b() {
    check(
        &calm_with(&[("b: 1)", "b: -2)")]),
        "p/calm.ron:9:38: cooperativeness: Beta b must be > 0, got -2",
    );
}
#[test]
fn normal_sd() {
    check(
        &calm_with(&[("sd: 5", "sd: 0")]),
        "p/calm.ron:8:36: patience: Normal sd must be > 0, got 0",
    );
}
#[test]
fn normal_min_above_max() {
    check(
        &calm_with(&[("min: 3, max: 40", "min: 50, max: 40")]),
        "p/calm.ron:10:44: verbosity: Normal min must not exceed max (50 > 40)",
    );
}
#[test]
fn uniform_lo_above_hi() {
    check(
        &calm_with(&[("lo: 0.0, hi: 0.2", "lo: 0.2, hi: 0.1")]),
        "p/calm.ron:12:28: pushiness: Uniform lo must not exceed hi (0.2 > 0.1)",
    );
}
#[test]
fn probability_range() {
    check(
        &calm_with(&[("hi: 0.04", "hi: 1.5")]),
        "p/calm.ron:13:40: recall_error: Uniform values must be in [0, 1], but can be 1.5",
    );
}
#[test]
fn fixed_probability() {
    check(
        &calm_with(&[("Fixed(1.0)", "Fixed(-0.1)")]),
        "p/calm.ron:11:9: honesty: Fixed values must be in [0, 1], but can be -0.1",
    );
}
#[test]
fn scalar_probability() {
    check(
        &calm_with(&[("vague_opening: 0.1", "vague_opening: 1.1")]),
        "p/calm.ron:26:5: vague_opening: must be in [0, 1], got 1.1",
    );
}
#[test]
fn negative_weight() {
    check(
        &calm_with(&[("weight: 1.0", "weight: -1.0")]),
        "p/calm.ron:6:5: weight: must be >= 0, got -1",
    );
}
#[test]
fn patience_below_two() {
    check(
        &calm_with(&[("min: 15", "min: 1")]),
        "p/calm.ron:8:43: patience: patience must be at least 2 turns, but Normal can give 1",
    );
}
#[test]
fn demand_above_abandon() {
    check(
        &calm_with(&[("demand_human_at: 0.8", "demand_human_at: 0.99")]),
        "p/calm.ron:27:5: demand_human_at: must not exceed abandon_at (0.99 > 0.95)",
    );
}
#[test]
fn nan_trait() {
    check(
        &calm_with(&[("Fixed(1.0)", "Fixed(NaN)")]),
        "p/calm.ron:11:9: honesty: Fixed value must be a finite number, got NaN",
    );
}
#[test]
fn nan_mood() {
    check(
        &calm_with(&[("denial: 0.15", "denial: NaN")]),
        "p/calm.ron:32:9: mood.denial: must be a finite number, got NaN",
    );
}
#[test]
fn duplicate_intent() {
    check(
        &calm_with(&[("    mood:", "    intents: [\"cost\", \"cost\"],\n    mood:")]),
        "p/calm.ron:29:5: intents: intent `cost` is listed twice",
    );
}
#[test]
fn intent_shares_are_shares_of_intents_named_once_and_not_all_zero() {
    check(
        &calm_with(&[(
            "    mood:",
            "    intent_shares: [(\"cost\", 1.5), (\"cost\", 0.2)],\n    mood:",
        )]),
        "p/calm.ron:29:5: intent_shares: the share of intent `cost` must be in [0, 1], got 1.5
p/calm.ron:29:5: intent_shares: intent `cost` is listed twice",
    );
    check(
        &calm_with(&[("    mood:", "    intent_shares: [(\"cost\", 0.0)],\n    mood:")]),
        "p/calm.ron:29:5: intent_shares: at least one intent's share must be above 0: no customer could come",
    );
}

#[test]
fn every_problem_at_once() {
    let source = calm_with(&[
        ("sd: 5", "sd: -1"),
        ("Beta(a: 18", "Beta(a: 0"),
        ("abandon_at: 0.95", "abandon_at: 1.2"),
        ("waiting: 0.005", "waiting: NaN"),
    ]);
    check(
        &source,
        "p/calm.ron:8:36: patience: Normal sd must be > 0, got -1
p/calm.ron:9:31: cooperativeness: Beta a must be > 0, got 0
p/calm.ron:28:5: abandon_at: must be in [0, 1], got 1.2
p/calm.ron:34:9: mood.waiting: must be a finite number, got NaN",
    );
}

#[test]
fn syntax_error_position() {
    check(
        &calm_with(&[("0.1,\n    demand", "0.1\n    demand")]),
        "p/calm.ron:27:5: Expected comma",
    );
}
#[test]
fn unknown_field() {
    check(
        &calm_with(&[("    weight", "    colour: 3,\n    weight")]),
        "p/calm.ron:6:5: Unexpected field named `colour` in `Persona`, expected one of `description`, `weight`, `traits`, `style`, `vague_opening`, `need_with_values`, `need_with_values_of`, `need_gives`, `leaves_unanswered`, `asks_again`, `tries_again`, `changes_plans`, `changes_after_done`, `gives_more`, `demand_human_at`, `abandon_at`, `mood`, `impostor`, `intents`, `intent_shares`, `reactions`, or `objections` instead",
    );
}
#[test]
fn missing_field() {
    check(
        &calm_with(&[("    abandon_at: 0.95,\n", "")]),
        "p/calm.ron:37:1: Unexpected missing field named `abandon_at` in `Persona`",
    );
}
#[test]
fn wrong_type() {
    check(
        &calm_with(&[("    weight: 1.0,", "    impostor: 3,")]),
        "p/calm.ron:6:14: Expected boolean",
    );
}

/// Truncations and byte flips of the calm file never panic; every error has a position from 1:1.
#[test]
fn fuzz_never_panics() {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut lcg = move || {
        state =
            state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    let mut sources: Vec<String> =
        (0..CALM.len()).step_by(3).map(|end| CALM[..end].to_owned()).collect();
    const BYTES: &[u8] = b"(),:[]\"/*-.0123456789eaNxtrue \n";
    for _ in 0..600 {
        let mut bytes = CALM.as_bytes().to_vec();
        for _ in 0..1 + lcg() % 3 {
            let at = lcg() % bytes.len();
            bytes[at] = BYTES[lcg() % BYTES.len()];
        }
        sources.push(String::from_utf8(bytes).expect("ASCII in, ASCII out"));
    }
    for source in sources {
        if let Err(err) = parse_persona(&source, Path::new("p/calm.ron")) {
            let lines = match &err {
                crate::LoadError::Syntax { line, col, .. } => vec![(*line, *col)],
                crate::LoadError::Invalid { problems, .. } => {
                    problems.iter().map(|p| (p.line, p.col)).collect()
                }
                other => panic!("unexpected error kind: {other}"),
            };
            assert!(
                !lines.is_empty() && lines.iter().all(|(line, col)| *line >= 1 && *col >= 1),
                "{err}"
            );
        }
    }
}

/// The built-in personas drive the engine with the by-the-book agent: no panics, no violations, all text renders.
#[test]
fn personas_run_in_the_engine() {
    let scenario = Arc::new(sim_core::testing::tiny_scenario());
    // The tiny scenario's two intents are among social-engineer's, so all four personas fit as written.
    let personas = load_all_built_in();
    let agent = sim_core::agents::built_in("by-the-book", &scenario).expect("built-in agent");
    let mut engine =
        Engine::new(scenario.clone(), personas.into(), agent, EngineConfig { slots: 64 })
            .expect("the built-in personas suit the tiny scenario");
    let out = engine.run(11, 0..2000);
    assert_eq!(out.episodes.len(), 2000);
    for record in &out.episodes {
        assert_eq!(record.violations, 0, "episode {}", record.episode);
        let ctx = RenderContext::for_customer(&scenario, &record.customer);
        assert!(out.turns_of(record).iter().all(|row| !render(row, &ctx).trim().is_empty()));
    }
}

/// Calm customers are resolved at least 90% of the time by the by-the-book agent.
#[test]
fn calm_resolves_mostly() {
    let scenario = Arc::new(sim_core::testing::tiny_scenario());
    let personas = vec![load_built_in("calm").expect("calm loads")];
    let agent = sim_core::agents::built_in("by-the-book", &scenario).expect("built-in agent");
    let mut engine =
        Engine::new(scenario, personas.into(), agent, EngineConfig { slots: 64 }).expect("engine");
    let out = engine.run(3, 0..1000);
    let resolved = out.episodes.iter().filter(|record| record.resolved).count();
    assert!(resolved >= 900, "{resolved} of 1000 resolved");
}

#[test]
fn reaction_table_parses_into_rules() {
    let spec = load_built_in("impatient").unwrap();
    assert_eq!(spec.reactions.len(), 1);
    let row = &spec.reactions[0];
    assert_eq!(row.on, sim_core::act::ActKind::Deny);
    assert_eq!(row.when, sim_core::spec::ReactionWhen::FrustrationAtLeast(0.5));
    assert_eq!(row.responses.len(), 3);
    assert_eq!(
        row.responses[2],
        (sim_core::spec::Response::Acknowledge, sim_core::spec::Chance::Rest)
    );
}

#[test]
fn reaction_table_problems_are_all_reported() {
    let table = "    reactions: [(on: Ask, when: FrustrationBelow(2), respond: [(Leave, Rest), (Answer, Fixed(0.7)), (OffTopic, Fixed(0.6))])],\n    mood: (";
    check(
        &calm_with(&[("    mood: (", table)]),
        "p/calm.ron:29:5: reactions: row 0 (on Ask): frustration level must be in [0, 1], got 2\n\
         p/calm.ron:29:5: reactions: row 0 (on Ask): Rest must be the last response\n\
         p/calm.ron:29:5: reactions: row 0 (on Ask): fixed chances add up to 1.2999999999999998, more than 1",
    );
}

#[test]
fn reaction_table_rejects_acts_a_customer_does_not_answer() {
    let table = "    reactions: [(on: Close, respond: [(Leave, Rest)])],\n    mood: (";
    let got = parse_persona(&calm_with(&[("    mood: (", table)]), Path::new("p/calm.ron"))
        .unwrap_err()
        .to_string();
    assert!(got.starts_with("p/calm.ron:29:") && got.contains("Close"), "{got}");
}

#[test]
fn objection_rates_load_and_bad_ones_are_reported_together() {
    let end = "        apology: -0.05,\n    ),\n)";
    let with = |objections: &str| {
        let replaced = format!("        apology: -0.05,\n    ),\n    objections: {objections},\n)");
        calm_with(&[(end, replaced.as_str())])
    };
    let path = Path::new("p/calm.ron");
    let spec = parse_persona(&with(r#"[("security", 0.6)]"#), path);
    assert_eq!(spec.map(|spec| spec.objections).ok(), Some(vec![("security".into(), 0.6)]));
    let bad = with(r#"[("security", 1.5), ("security", 0.2), ("", 0.1)]"#);
    let got = parse_persona(&bad, path).map(|_| ()).map_err(|err| err.to_string()).unwrap_err();
    for expected in [
        "the rate of objection `security` must be in [0, 1], got 1.5",
        "objection `security` is listed twice",
        "objection names must not be empty",
    ] {
        assert!(got.contains(expected), "{got}");
    }
}

#[test]
fn shares_of_needs_with_values_by_intent_load_and_bad_ones_are_reported_together() {
    let path = Path::new("p/calm.ron");
    let with = |list: &str| {
        let source = include_str!("../data/calm.ron");
        source.replacen("    mood: (", &format!("    need_with_values_of: {list},\n    mood: ("), 1)
    };
    let spec = parse_persona(&with(r#"[("weather", 0.83)]"#), path).unwrap();
    assert_eq!(spec.need_with_values_of, [("weather".to_owned(), 0.83)]);
    let bad = with(r#"[("weather", -0.1), ("weather", 0.2), (" ", 0.1)]"#);
    let got = parse_persona(&bad, path).map(|_| ()).map_err(|err| err.to_string()).unwrap_err();
    for expected in [
        "the share of intent `weather` must be in [0, 1], got -0.1",
        "intent `weather` is listed twice",
        "intent names must not be empty",
    ] {
        assert!(got.contains(expected), "{got}");
    }
}

#[test]
fn chances_of_the_values_a_need_gives_load_and_bad_ones_are_reported_together() {
    let path = Path::new("p/calm.ron");
    let with = |list: &str| {
        let source = include_str!("../data/calm.ron");
        source.replacen("    mood: (", &format!("    need_gives: {list},\n    mood: ("), 1)
    };
    let spec =
        parse_persona(&with(r#"[("merchant", 0.0), ("charge_amount", 0.9)]"#), path).unwrap();
    assert_eq!(spec.need_gives, [("merchant".to_owned(), 0.0), ("charge_amount".to_owned(), 0.9)]);
    let bad = with(r#"[("merchant", 1.5), ("merchant", 0.2)]"#);
    let got = parse_persona(&bad, path).map(|_| ()).map_err(|err| err.to_string()).unwrap_err();
    for expected in [
        "the chance of slot `merchant` must be in [0, 1], got 1.5",
        "slot `merchant` is listed twice",
    ] {
        assert!(got.contains(expected), "{got}");
    }
}

/// `asks_again` is one chance for every time (at most three) or a list by the times asked so far, past whose end
/// the customer asks no more; a list too long or a chance out of [0, 1] is reported with the rest.
#[test]
fn asks_again_loads_as_one_chance_or_a_list_by_times() {
    let path = Path::new("p/calm.ron");
    let with = |value: &str| {
        let source = include_str!("../data/calm.ron");
        source.replacen("    mood: (", &format!("    asks_again: {value},\n    mood: ("), 1)
    };
    assert_eq!(parse_persona(&with("0.4"), path).unwrap().asks_again, [0.4, 0.4, 0.4]);
    assert_eq!(parse_persona(&with("[0.83, 0.74]"), path).unwrap().asks_again, [0.83, 0.74, 0.0]);
    assert_eq!(parse_persona(&with("[]"), path).unwrap().asks_again, [0.0; 3]);
    let got = parse_persona(&with("[0.5, 1.5, 0.2, 0.1]"), path).unwrap_err().to_string();
    for expected in
        ["lists at most 3 chances (one per time asked again), got 4", "must be in [0, 1], got 1.5"]
    {
        assert!(got.contains(expected), "{got}");
    }
    let got = parse_persona(&with("-0.2"), path).unwrap_err().to_string();
    assert!(got.contains("must be in [0, 1], got -0.2"), "{got}");
}

/// `tries_again` (after a refusal) is written as `asks_again` is and kept apart from it; each is reported by its
/// own name.
#[test]
fn tries_again_loads_beside_asks_again() {
    let path = Path::new("p/calm.ron");
    let with = |lines: &str| {
        let source = include_str!("../data/calm.ron");
        source.replacen("    mood: (", &format!("{lines}\n    mood: ("), 1)
    };
    let both = parse_persona(&with("    asks_again: 0.25,\n    tries_again: [0.53, 0.54],"), path)
        .unwrap();
    assert_eq!((both.asks_again, both.tries_again), ([0.25; 3], [0.53, 0.54, 0.0]));
    assert_eq!(parse_persona(&with(""), path).unwrap().tries_again, [0.0; 3]);
    let got = parse_persona(&with("    tries_again: [0.5, 2.0],"), path).unwrap_err().to_string();
    assert!(got.contains("tries_again") && got.contains("must be in [0, 1], got 2"), "{got}");
    assert!(!got.contains("asks_again"), "{got}");
}

/// `[(DemandHuman, Fixed(0.5))]` used to demand a human every time: a draw past the chances fell on the last
/// response. A row must now end with `Rest`, so every response is drawn at its stated chance.
#[test]
fn a_reaction_row_must_end_with_rest() {
    let source = include_str!("../data/calm.ron").replacen(
        "    mood: (",
        "    reactions: [(on: Deny, respond: [(DemandHuman, Fixed(0.5))])],\n    mood: (",
        1,
    );
    let err = parse_persona(&source, Path::new("p/calm.ron")).unwrap_err().to_string();
    assert!(err.contains("row 0 (on Deny): the last response must take the Rest"), "{err}");
}
