//! The customer moves of a fixture conversation read by hand, and a fit that recovers the reply table it was drawn
//! from, chooses the variable that matters, survives its own file and scores fresh conversations below the unigram.

use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim_core::moves::Context;

use super::observe::{self, END, NONE, START, UNLABELLED};
use super::*;
use crate::transcripts::{Corpus, Speaker, Turn};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../calibration-data/fixtures");

/// The customer-text fixture's three STAR conversations (h1 and h2 hotel_book, w1 weather), prepared as
/// `calibrate --scenario` reads them (customer acts by the built-in tagger, wizard labels as rehearse acts).
pub(super) fn star_hotel_fixture() -> Vec<crate::transcripts::Conversation> {
    let path = Path::new(FIXTURES).join("customer-text/star-hotel.jsonl");
    let mut conversations = crate::transcripts::read_jsonl(&path).unwrap().conversations;
    let tagger = crate::customer_text::load_tagger(None).unwrap();
    crate::customer_text::prepare(&mut conversations, &tagger);
    conversations
}

fn context(pairs: &[(&str, &str)]) -> Context {
    pairs.iter().map(|(variable, value)| ((*variable).to_owned(), (*value).to_owned())).collect()
}

/// MultiDoGO's conversation `a1` (airline): turn 0 "hey there" (openinggreeting), an agent turn, turn 2 "can i move
/// to a window seat" (changeseatassignment: a domain goal), an agent turn, turns 4 "ana conf kq 77" and 5 "ok"
/// (contentonly, twice in a row), an agent turn, turn 7 "thx bye" (thankyou<div>closinggreeting: its first act),
/// then the transcript stops. MultiDoGO's agent turns carry no act. Lengths in words 2, 7, 4, 1, 2: means so far
/// 2, 4.5, 4.33, 3.5 and 3.2, in whole words 2, 4, 4, 3, 3.
#[test]
fn the_moves_of_a_multidogo_conversation_as_counted_by_hand() {
    let path = Path::new(FIXTURES).join("multidogo/customer_turns_turn_level.jsonl");
    let converted = crate::transcripts::convert(Corpus::Multidogo, &path).unwrap();
    let a1 = converted.conversations.iter().find(|conversation| conversation.id == "a1").unwrap();
    let moves = observe::observe(a1);
    let row =
        |agent: &str, previous: &str, previous_length: &str, own: &str, goal: &str, turn: &str| {
            context(&[
                ("agent_act", agent),
                ("previous_act", previous),
                ("previous_length", previous_length),
                ("own_length", own),
                ("goal_stated", goal),
                ("turn", turn),
                ("domain", "airline"),
            ])
        };
    let contexts = [
        row(START, START, START, START, "no", "0"),
        row(UNLABELLED, "openinggreeting", "0-3", "0-3", "no", "1"),
        row(UNLABELLED, "goal", "4-7", "4-7", "yes", "2"),
        row(NONE, "contentonly", "4-7", "4-7", "yes", "3"),
        row(UNLABELLED, "contentonly", "0-3", "0-3", "yes", "4"),
        row(UNLABELLED, "thankyou", "0-3", "0-3", "yes", "5"),
    ];
    let acts = ["openinggreeting", "goal", "contentonly", "contentonly", "thankyou", END];
    let observed: Vec<(&Context, &str)> = moves
        .act
        .iter()
        .map(|observation| (&observation.context, observation.outcome.as_str()))
        .collect();
    let expected: Vec<(&Context, &str)> = contexts.iter().zip(acts).collect();
    assert_eq!(observed, expected);

    let lengths = ["0-3", "4-7", "4-7", "0-3", "0-3"];
    assert_eq!(moves.length.len(), 5);
    for ((observation, context), (act, length)) in
        moves.length.iter().zip(&contexts).zip(acts.iter().zip(lengths))
    {
        let mut given_act = context.clone();
        given_act.insert("act".to_owned(), (*act).to_owned());
        assert_eq!((&observation.context, observation.outcome.as_str()), (&given_act, length));
    }
    assert_eq!(moves.customer_turns, 5);
}

/// A customer message without an act label (STAR's customers carry none) gives a length (given the act
/// `(unknown)`) but no act, and a conversation with no act at all gives no end either.
#[test]
fn an_unlabelled_message_gives_a_length_and_no_act() {
    let turns = vec![
        Turn::said(Speaker::Agent, "how can i help".to_owned()),
        Turn::said(Speaker::Customer, "hello".to_owned()),
    ];
    let conversation = Conversation::new(Corpus::Star, "s1".to_owned(), turns);
    let moves = observe::observe(&conversation);
    assert!(moves.act.is_empty());
    assert_eq!(moves.length.len(), 1);
    assert_eq!(moves.length[0].context["act"], sim_core::moves::UNKNOWN);
    assert_eq!(moves.length[0].outcome, "0-3");
    assert_eq!(moves.customer_turns, 1);
}

/// The made-up customer: greets, then answers each of the agent's one to four questions, `confirm` with a
/// confirmation (80%) or a rejection, `ask` with content (90%) or a rejection; confirmations are one word, content
/// five, rejections two; the agent says nothing the customer model reads but its act.
fn synthetic(seed: u64, n: usize) -> Vec<Conversation> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|idx| {
            let say = |speaker, words: usize, act: &str| Turn {
                act: Some(act.to_owned()),
                ..Turn::said(speaker, vec!["w"; words].join(" "))
            };
            let mut turns = vec![say(Speaker::Customer, 1, "greet")];
            for _ in 0..rng.random_range(1..=4) {
                let (agent, reply) = if rng.random_bool(0.5) {
                    ("confirm", if rng.random_bool(0.8) { "confirmation" } else { "rejection" })
                } else {
                    ("ask", if rng.random_bool(0.9) { "content" } else { "rejection" })
                };
                let words = match reply {
                    "confirmation" => 1,
                    "content" => 5,
                    _ => 2,
                };
                turns.push(say(Speaker::Agent, 6, agent));
                turns.push(say(Speaker::Customer, words, reply));
            }
            turns.push(say(Speaker::Agent, 3, "close"));
            Conversation::new(Corpus::Rehearse, idx.to_string(), turns)
        })
        .collect()
}

#[test]
fn a_fit_recovers_the_reply_table_and_chooses_the_agents_act() {
    let conversations = synthetic(7, 4000);
    let fitted = calibrate("made-up", &conversations, ("made-up.jsonl", b"bytes"), "by hand");
    let act = fitted.model.factor("act").unwrap();
    assert_eq!(act.given.first().map(String::as_str), Some("agent_act"));
    let given = |agent: &str| context(&[("agent_act", agent)]);
    let after_confirm = act.row(&["confirm".to_owned()]).unwrap();
    let share = after_confirm.count("confirmation") as f64 / after_confirm.n as f64;
    assert!((share - 0.8).abs() < 0.03, "P(confirmation | confirm) counted {share}");
    let after_ask = act.row(&["ask".to_owned()]).unwrap();
    let share = after_ask.count("content") as f64 / after_ask.n as f64;
    assert!((share - 0.9).abs() < 0.03, "P(content | ask) counted {share}");
    // the customer never greets after a question, and every act the data has is an outcome
    assert!(act.probability(&given("ask"), "greet") < 0.01);
    assert!(act.outcomes.iter().any(|outcome| outcome == END));

    let length = fitted.model.factor("length").unwrap();
    assert_eq!(length.given.first().map(String::as_str), Some("act"));
    let one_word = context(&[("act", "confirmation")]);
    assert!(length.probability(&one_word, "0-3") > 0.99);

    assert_eq!(fitted.source.conversations, 4000);
    let messages: usize =
        conversations.iter().map(|conversation| conversation.turns.len().div_ceil(2)).sum();
    assert_eq!(fitted.source.customer_turns, messages);
    for fit in &fitted.fit {
        assert!(fit.validation_nats < fit.unigram_validation_nats - 0.1, "{}", fit.factor);
        assert!(fit.validation_observations * 4 < fit.observations, "{}", fit.factor);
    }
}

#[test]
fn a_fitted_file_reads_back_as_written_and_scores_fresh_conversations() {
    let fitted = calibrate("made-up", &synthetic(7, 2000), ("made-up.jsonl", b"bytes"), "by hand");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("made-up.ron");
    std::fs::write(&path, to_ron(&fitted)).unwrap();
    assert_eq!(load(&path).unwrap(), fitted);

    // a table edited by hand so that it no longer holds together is refused, naming the factor and row
    let mut edited = fitted.clone();
    edited.model.factors[1].rows[0].n += 1;
    std::fs::write(&path, to_ron(&edited)).unwrap();
    let message = load(&path).unwrap_err().to_string();
    assert!(
        message.contains("do not hold together") && message.contains("factor `length`: row 0 []"),
        "{message}"
    );

    let report = crate::realism::open_loop::open_loop(&fitted, &synthetic(8, 1000));
    assert_eq!(report.factors.len(), 2);
    // a reply given the agent's act carries at most ln 2 of the act's nats (the coin between two replies); the
    // unigram pays for not knowing which question was asked
    assert!(report.nats_per_turn < report.baseline_nats_per_turn - 0.3, "{report:?}");
    let act = &report.factors[0];
    assert!(act.nats_per_turn < 1.0, "{act:?}");
    // a model fitted on the same process is calibrated: per outcome the real share and the mean predicted
    // probability agree; both columns add up to 1
    let (real, predicted): (f64, f64) = act
        .shares
        .iter()
        .map(|share| (share.real, share.sim))
        .fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
    assert!((real - 1.0).abs() < 1e-9 && (predicted - 1.0).abs() < 1e-9, "{:?}", act.shares);
    for share in &act.shares {
        assert!((share.real - share.sim).abs() < 0.02, "{share:?}");
    }
    // the length without its act: a conversation has a greeting and 2.5 replies on average, half of them to
    // `ask`, whose length is a coin of 0.9 / 0.1 (0.325 nats); every other length is certain: 1.25 × 0.325 / 3.5 =
    // 0.116 nats a message. The unigram sees 1.125 long messages in 3.5: H(0.321) = 0.628 nats.
    let unknown = report.length_act_unknown.as_ref().unwrap();
    assert!((unknown.nats_per_turn - 0.116).abs() < 0.02, "{unknown:?}");
    assert!((unknown.baseline_nats_per_turn - 0.628).abs() < 0.02, "{unknown:?}");
}

#[test]
fn a_file_that_is_not_a_fitted_persona_names_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.ron");
    std::fs::write(&path, "(\n  name: \"x\",\n  source: 3,\n)").unwrap();
    let message = load(&path).unwrap_err().to_string();
    assert!(message.starts_with(&format!("{}:3:", path.display())), "{message}");
}

/// The fitted persona files shipped in `calibration-data/fitted/` load, hold together, say how to write them again,
/// count every observation in their unigram, and predict each factor on the conversations their fit validated on
/// well below its unigram (the held-out figures are in calibration-data/README.md and the test below); both have
/// an act factor given what the agent did (STAR's customer acts read by the shipped tagger); PersuasionForGood's
/// also carries the persuadees' traits and what they gave.
#[test]
fn the_shipped_fitted_personas_load_and_keep_their_figures() {
    let folder = Path::new(FIXTURES).join("../fitted");
    for corpus in ["star", "multidogo", "persuasionforgood"] {
        let persona =
            load(&folder.join(format!("{corpus}.ron"))).unwrap_or_else(|err| panic!("{err}"));
        let command =
            format!("rehearse calibrate --transcripts runs/calibration/{corpus}-train.jsonl");
        assert!(
            persona.source.command.starts_with(&command),
            "{corpus}: {}",
            persona.source.command
        );
        assert_eq!(persona.fit.len(), 2, "{corpus}");
        for fit in &persona.fit {
            assert!(fit.validation_nats < fit.unigram_validation_nats - 0.1, "{corpus}: {fit:?}");
            let unigram = persona.model.factor(&fit.factor).unwrap().row(&[]).unwrap();
            assert_eq!(unigram.n as usize, fit.observations, "{corpus}: {}", fit.factor);
        }
        assert!(
            persona
                .model
                .factor("act")
                .unwrap()
                .given
                .iter()
                .any(|variable| variable == "agent_act")
        );
    }
    // PersuasionForGood's willingness to give: 51% of persuadees gave (the README's 53.6% counts the entry errors
    // above the $2 task payment, which the adapter leaves out), never more than $2
    let sales = load(&folder.join("persuasionforgood.ron")).unwrap();
    let donation = sales.traits.numeric.iter().find(|numeric| numeric.name == "donation").unwrap();
    let gave = donation.share_above_zero().unwrap();
    assert!((0.45..0.6).contains(&gave) && donation.high <= 2.0, "{donation:?}");
    assert!(sales.traits.numeric.iter().any(|numeric| numeric.name == "extrovert"));
}

/// The shipped files on the conversations `transcripts split` holds out of the real corpora, when ../shared/data
/// has them (the figures of calibration-data/README.md; the issue's bounds): MultiDoGO's act at most 1.30 nats a
/// customer turn (act bigram ≈ 1.36); STAR's reply length, its act unknown, at most 1.24 (given the wizard's act
/// alone 1.246), its customer acts read by the shipped tagger.
#[test]
fn the_shipped_files_keep_the_issues_figures_on_held_out_real_conversations() {
    let shared = Path::new(FIXTURES).join("../../../shared/data");
    let folder = Path::new(FIXTURES).join("../fitted");
    let tagger = act_tagger::load(&folder.join("customer-acts.ron")).unwrap().tagger;
    for (corpus, name) in [(Corpus::Multidogo, "multidogo"), (Corpus::Star, "star")] {
        let dir = shared.join(name);
        if !dir.is_dir() {
            eprintln!("skipped: {} is absent", dir.display());
            continue;
        }
        let converted = crate::transcripts::convert(corpus, &dir).unwrap();
        let mut held_out: Vec<Conversation> = converted
            .conversations
            .into_iter()
            .filter(|conversation| crate::transcripts::held_out(conversation, 0.2))
            .collect();
        act_tagger::tag(&tagger, &mut held_out);
        let persona = load(&folder.join(format!("{name}.ron"))).unwrap();
        let report = crate::realism::open_loop::open_loop(&persona, &held_out);
        let act = report.factors.iter().find(|factor| factor.factor == "act").unwrap();
        let length = report.length_act_unknown.as_ref().unwrap();
        match corpus {
            Corpus::Multidogo => assert!(act.nats_per_turn <= 1.30, "{report:?}"),
            _ => assert!(length.nats_per_turn <= 1.24, "{report:?}"),
        }
    }
}
