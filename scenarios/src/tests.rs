//! Loader tests: a small valid scenario, edited, goes in; the rendered result or error comes out.
//!
//! [`check`] is the one caller of the loading API for these and the validation tests.

use std::path::Path;

use sim_core::act::SlotSet;
use sim_core::spec::When;

use super::*;

/// A small valid scenario; tests edit it. Line numbers in expectations refer to this text after the edits.
pub(crate) const MINI: &str = r#"Scenario(id: "mini",
    description: "two intents",
    max_turns: 60,
    world: (
        membership_weights: (guest: 0.25, bronze: 0.25, silver: 0.25, gold: 0.25),
        price: LogNormal(mu: 4.0, sigma: 0.5, min: 10.0, max: 500.0),
        days_since_purchase: (min: 1, max: 200),
        payment_weights: (credit_card: 0.5, debit_card: 0.3, paypal: 0.2),
        items_per_order: (min: 1, max: 3),
        oracle_yes: 0.5,
    ),
    personas: [("calm", 0.7), ("impatient", 0.3)],
    tools: [
        (id: "pull-up-account", effect: PullUpAccount, args: [full_name, account_id], min_args: 1),
        (id: "verify-identity", effect: VerifyIdentity, args: [zip_code, phone, email, order_id], min_args: 3),
        (id: "ask-the-oracle", effect: AskOracle),
        (id: "promo-code", effect: PromoCode),
        (id: "offer-refund", effect: Refund, args: [amount]),
    ],
    intents: [
        (id: "refund", flow: "product_defect", weight: 1.0, steps: [
            (tool: "pull-up-account"),
            (tool: "verify-identity"),
            (tool: "offer-refund"),
        ], resolved: [RefundedGoalAmount]),
        (id: "promo", flow: "purchase_dispute", weight: 2.0, steps: [
            (tool: "pull-up-account"),
            (tool: "ask-the-oracle"),
            (tool: "promo-code", when: OracleYes),
        ], resolved: [PromoIssued], eligibility: OracleYes, oracle_no_ends: true),
    ], // end of intents
    rules: [
        (id: "step-order", text: "steps in order", kind: StepOrder),
        (id: "refund-within-total", text: "no over-refund", kind: AmountWithinOrderTotal(tool: "offer-refund")),
        (id: "no-change-unverified", text: "verify first", kind: GateRespected(gates: ["verify-identity"], guarded: ["offer-refund", "promo-code"])),
    ],
)
"#;

/// Applies `edits` (each replaces the first occurrence of its left side) to [`MINI`], loads it as `t.ron`, and
/// compares a rendering of the result: the error's display, or a summary of the loaded scenario.
pub(crate) fn check(edits: &[(&str, &str)], expect: &str) {
    let mut source = MINI.to_owned();
    for (from, to) in edits {
        assert!(source.contains(from), "edit target {from:?} is not in the scenario");
        source = source.replacen(from, to, 1);
    }
    let got = match parse_scenario(&source, Path::new("t.ron")) {
        Ok(scenario) => summary(&scenario),
        Err(err) => err.to_string(),
    };
    assert_eq!(got, expect, "\n--- got ---\n{got}\n--- expected ---\n{expect}\n");
}

/// Intents with their steps as `tool[args]/min_args` (and `if yes`/`if no` for oracle conditions), then the persona mix.
pub(crate) fn summary(scenario: &LoadedScenario) -> String {
    let spec = &scenario.spec;
    let slots =
        |set: SlotSet| set.iter().map(|slot| spec.slot_name(slot)).collect::<Vec<_>>().join(" ");
    let mut lines = Vec::new();
    for intent in &spec.intents {
        let steps: Vec<String> = intent
            .steps
            .iter()
            .map(|step| {
                let tool = &spec.tools[usize::from(step.tool)].id;
                let when = match step.when {
                    When::Always => String::new(),
                    When::OracleYes => " if yes".to_owned(),
                    When::OracleNo => " if no".to_owned(),
                    When::Passed(tool) => format!(" if {} passed", spec.tools[tool as usize].id),
                    When::Failed(tool) => format!(" if {} failed", spec.tools[tool as usize].id),
                    When::Accepted => " if accepted".to_owned(),
                    When::Rejected => " if rejected".to_owned(),
                    When::Unsatisfied => " if unsatisfied".to_owned(),
                    When::Holds(idx) => format!(" if {:?}", intent.conditions[usize::from(idx)]),
                    When::Unfixed => " if unfixed".to_owned(),
                };
                format!("{tool}[{}]/{}{when}", slots(step.args), step.min_args)
            })
            .collect();
        lines.push(format!(
            "{}: {} goal[{}]",
            intent.id,
            steps.join(", "),
            slots(intent.goal_slots)
        ));
    }
    lines.push(format!("personas: {:?}", scenario.persona_mix));
    lines.join("\n")
}

#[test]
fn mini_loads() {
    check(
        &[],
        "refund: pull-up-account[full_name account_id]/1, verify-identity[email phone zip_code order_id]/3, offer-refund[amount]/1 goal[amount]
promo: pull-up-account[full_name account_id]/1, ask-the-oracle[]/0, promo-code[]/0 if yes goal[]
personas: [(\"calm\", 0.7), (\"impatient\", 0.3)]",
    );
}

#[test]
fn step_args_override_sets_min_args_to_their_number() {
    check(
        &[(r#"(tool: "offer-refund")"#, r#"(tool: "offer-refund", args: [amount, reason])"#)],
        "refund: pull-up-account[full_name account_id]/1, verify-identity[email phone zip_code order_id]/3, offer-refund[amount reason]/2 goal[amount reason]
promo: pull-up-account[full_name account_id]/1, ask-the-oracle[]/0, promo-code[]/0 if yes goal[]
personas: [(\"calm\", 0.7), (\"impatient\", 0.3)]",
    );
}

#[test]
fn verify_identity_override_keeps_the_tool_min_args() {
    check(
        &[(r#"(tool: "verify-identity")"#, r#"(tool: "verify-identity", args: [full_name, account_id, phone, order_id])"#)],
        "refund: pull-up-account[full_name account_id]/1, verify-identity[full_name account_id phone order_id]/3, offer-refund[amount]/1 goal[amount]
promo: pull-up-account[full_name account_id]/1, ask-the-oracle[]/0, promo-code[]/0 if yes goal[]
personas: [(\"calm\", 0.7), (\"impatient\", 0.3)]",
    );
}

#[test]
fn syntax_error_names_file_line_and_column() {
    check(&[("max_turns: 60,", "max_turns: 60,,")], "t.ron:3:19: Expected identifier");
}

#[test]
fn type_error_points_at_the_value() {
    check(&[("max_turns: 60", "max_turns: \"sixty\"")], "t.ron:3:16: Expected integer");
}

#[test]
fn unknown_field_is_rejected_with_its_position() {
    check(
        &[(r#"(tool: "offer-refund")"#, r#"(tool: "offer-refund", wehn: OracleNo)"#)],
        "t.ron:24:36: Unexpected field named `wehn` in `Step`, expected one of `tool`, `when`, `args`, `min_args`, `optional`, `group`, `reports`, or `tell` instead",
    );
}

#[test]
fn unknown_field_in_an_enum_variant_is_rejected() {
    check(
        &[(
            r#"AmountWithinOrderTotal(tool: "offer-refund")"#,
            r#"AmountWithinOrderTotal(tool: "offer-refund", cap: 2)"#,
        )],
        "t.ron:34:112: Unexpected field named `cap` in `AmountWithinOrderTotal`, expected `tool` instead",
    );
}

#[test]
fn problems_carry_their_field_path() {
    let source = MINI.replacen(r#"guarded: ["offer-refund""#, r#"guarded: ["offer-refnd""#, 1);
    let fields = match parse_scenario(&source, Path::new("t.ron")) {
        Err(LoadError::Invalid { problems, .. }) => problems.into_iter().map(|p| p.field).collect(),
        other => vec![format!("{:?}", other.map(|scenario| scenario.spec.id))],
    };
    assert_eq!(fields, ["rules[2].kind.guarded[0]"]);
}

#[test]
fn wrong_struct_name_is_rejected() {
    check(
        &[("price: LogNormal(", "price: Normal(")],
        "t.ron:6:16: Expected struct `LogNormal` but found `Normal`",
    );
}

#[test]
fn slot_written_as_string_is_rejected() {
    check(&[("args: [amount]", r#"args: ["amount"]"#)], "t.ron:18:53: Expected identifier");
}

#[test]
fn empty_file_is_a_syntax_error() {
    check(&[(MINI, "")], "t.ron:1:1: Expected opening `(` for struct `Scenario`");
}

#[test]
fn id_is_declared_in_the_file_not_taken_from_its_name() {
    let id = |path: &str| parse_scenario(MINI, Path::new(path)).map(|scenario| scenario.spec.id);
    assert_eq!(id("some/dir/my-scenario.ron").unwrap(), "mini");
    assert_eq!(id("/").unwrap(), "mini");
    let bad = MINI.replacen(r#"id: "mini""#, r#"id: "My Scenario""#, 1);
    let err = parse_scenario(&bad, Path::new("x.ron")).err().map(|err| err.to_string());
    assert!(
        err.as_deref().is_some_and(|msg| msg.contains("x.ron:1:14") && msg.contains("lower-case")),
        "{err:?}"
    );
    let missing = MINI.replacen(r#"id: "mini","#, "", 1);
    let err = parse_scenario(&missing, Path::new("x.ron")).err().map(|err| err.to_string());
    assert!(err.as_deref().is_some_and(|msg| msg.contains("id")), "{err:?}");
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let err = load_scenario("no/such/scenario.ron").err().map(|err| err.to_string());
    assert!(err.is_some_and(|msg| msg.starts_with("cannot read no/such/scenario.ron: ")));
}

/// A built-in scenario with one piece of text replaced (which must occur), loaded as `x.ron`: its problems as
/// `line:col: message`, or empty when it loads.
fn edited(id: &str, from: &str, to: &str) -> Vec<String> {
    let source = built_in_source(id).unwrap();
    assert!(source.contains(from), "{from:?} is not in {id}");
    match parse_scenario(&source.replacen(from, to, 1), Path::new("x.ron")) {
        Ok(_) => Vec::new(),
        Err(err) => err.to_string().lines().map(|line| line.replace("x.ron:", "")).collect(),
    }
}

/// The line (from 1) of the first occurrence of `text` in built-in scenario `id`.
fn line_of(id: &str, text: &str) -> usize {
    built_in_source(id).unwrap().lines().position(|line| line.contains(text)).unwrap() + 1
}

/// What `run` got wrong and lint let through: each is now a problem at its value.
#[test]
fn a_number_set_to_an_enum_field_is_rejected_at_the_value() {
    let from = r#"set: [("card.status", Label("blocked"))]"#;
    let problems = edited("bank-card-services", from, r#"set: [("card.status", Const(7))]"#);
    let line = line_of("bank-card-services", from);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with(&format!("{line}:")), "{problems:?}");
    assert!(problems[0].contains("`card.status` is an Enum: set it with a label"), "{problems:?}");
}

#[test]
fn money_beyond_a_billion_dollars_is_rejected_in_generators_and_constants() {
    let from = "OfferFloor(min: Dollars(24.0))";
    let problems = edited("inbound-sales", from, "OfferFloor(min: Dollars(1e300))");
    let line = line_of("inbound-sales", from);
    assert_eq!(
        problems,
        [format!("{line}:35: Dollars(1e300) is beyond ±1e9, the range of a Money value")]
    );
    let from = r#"(name: "list_price", ty: Money, gen: Fixed(30.0))"#;
    let problems =
        edited("inbound-sales", from, r#"(name: "list_price", ty: Money, gen: Fixed(1e300))"#);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].ends_with("the value is 1e300; at most 1e9 fits its type"), "{problems:?}");
    let from = "gen: LogNormal(mu: 3.37, sigma: 0.18, min: 15.0, max: 60.0)";
    let problems = edited(
        "inbound-sales",
        from,
        "gen: LogNormal(mu: 3.37, sigma: 0.18, min: 15.0, max: 6e12)",
    );
    assert!(problems.iter().any(|problem| problem.contains("max is 6e12")), "{problems:?}");
    assert!(edited("inbound-sales", from, from).is_empty());
}

/// "the loader rejects a condition that reads no field any step's tool sets": a field of a list that another field
/// of the same list is set by a step no longer counts.
#[test]
fn a_goal_reading_a_list_field_no_step_sets_is_rejected_though_a_step_sets_another_field_of_that_list()
 {
    let from = r#"resolved: [Holds(Ge(Field("card.replacements"), Const(1)))]"#;
    let problems =
        edited("bank-card-services", from, r#"resolved: [Holds(Is("card.status", "blocked"))]"#);
    let line = line_of("bank-card-services", from);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with(&format!("{line}:")), "{problems:?}");
    assert!(problems[0].contains("cannot reach its resolved condition"), "{problems:?}");
}

/// An alias stands for a value of its slot's field and is none itself; a focus generator belongs to a list's field
/// and fits its type. Each problem is reported at its value, all at once.
#[test]
fn aliases_and_focus_generators_are_checked() {
    let from = r#"aliases: {"tomorrow": "Tuesday"}"#;
    let line = line_of("star-hotel", from);
    // The column of the value after `key: ` in the first line of star-hotel holding `text`.
    let column = |text: &str, key: &str| {
        let source = built_in_source("star-hotel").unwrap();
        let line = source.lines().find(|line| line.contains(text)).unwrap();
        line.find(&format!("{key}: ")).unwrap() + key.len() + 3
    };
    let at = format!("{line}:{}", column(from, "aliases"));
    let problems = edited(
        "star-hotel",
        from,
        r#"aliases: {"tomorrow": "Tusday", "Monday": "Tuesday", " ": "Friday"}"#,
    );
    assert_eq!(
        problems,
        [
            format!("{at}: slot `forecast_day` has an empty alias"),
            format!(
                "{at}: alias `Monday` of slot `forecast_day` is already a value of field `forecast.day`"
            ),
            format!(
                "{at}: alias `tomorrow` of slot `forecast_day` stands for `Tusday`, which is no value of field `forecast.day`"
            ),
        ]
    );
    let from = "gen: Uniform(lo: 0, hi: 6), focus_gen: Fixed(2)";
    let line = line_of("star-hotel", from);
    let problems = edited("star-hotel", from, "gen: Uniform(lo: 0, hi: 6), focus_gen: Fixed(7)");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with(&format!("{line}:")), "{problems:?}");
    assert!(problems[0].contains("field `forecast.day`"), "{problems:?}");
    let from = "gen: Categorical([61.0, 56.0, 48.0, 47.0, 38.0])";
    let line = line_of("star-hotel", from);
    let problems = edited("star-hotel", from, "gen: Fixed(0), focus_gen: Fixed(1)");
    let at = column(from, "gen") + "Fixed(0), focus_gen: ".len();
    assert_eq!(
        problems,
        [format!(
            "{line}:{at}: field `guest.name` has a focus_gen, but only a list (an entity with a count) has a focus"
        )]
    );
}
