//! Realism's features read by hand from a fixture, its estimators against figures worked out by hand, and the
//! score near its ceiling for two samples of one distribution and near 0 for disjoint ones.

use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::features::{Bins, Sample, Value};
use super::*;
use crate::transcripts::{Corpus, Speaker, Turn};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../calibration-data/fixtures");

fn number(context: Option<&str>, value: f64) -> Sample {
    Sample { context: context.map(str::to_owned), value: Value::Number(value) }
}

fn category(context: Option<&str>, value: &str) -> Sample {
    Sample { context: context.map(str::to_owned), value: Value::Category(value.to_owned()) }
}

/// The rehearse fixture's two episodes, counted by hand: episode 0 is "hi" / "hello, what can I do for you?" /
/// "where is my parcel" / a pull-up-account call (not a message) / "It arrives Monday."; episode 1 is one customer
/// turn of two lines, sent as two messages, "reset my 2fa" and "now please", then "I cannot help with that.".
#[test]
fn features_of_the_rehearse_fixture_as_counted_by_hand() {
    let path = Path::new(FIXTURES).join("rehearse/transcripts.jsonl");
    let converted = crate::transcripts::convert(Corpus::Rehearse, &path).unwrap();
    let all = features::extract(&converted.conversations);
    let start = Some(features::START);
    let expected: Vec<(&str, Vec<Sample>)> = vec![
        ("messages_per_conversation", vec![number(None, 4.0), number(None, 3.0)]),
        (
            "customer_words",
            vec![number(None, 1.0), number(None, 4.0), number(None, 3.0), number(None, 2.0)],
        ),
        ("agent_words", vec![number(None, 7.0), number(None, 3.0), number(None, 5.0)]),
        ("opening_words", vec![number(None, 1.0), number(None, 3.0)]),
        (
            "customer_messages_in_a_row",
            vec![number(None, 1.0), number(None, 1.0), number(None, 2.0)],
        ),
        (
            "customer_act",
            vec![
                category(None, "greet"),
                category(None, "state_need"),
                category(None, "state_need"),
                category(None, "state_need"),
            ],
        ),
        (
            "customer_act_given_agent_act",
            vec![
                category(start, "greet"),
                category(Some("ask_need"), "state_need"),
                category(start, "state_need"),
                category(start, "state_need"),
            ],
        ),
        (
            "reply_words_given_agent_act",
            vec![
                number(start, 1.0),
                number(Some("ask_need"), 4.0),
                number(start, 3.0),
                number(start, 2.0),
            ],
        ),
        ("outcome", vec![category(None, "completed"), category(None, "abandoned")]),
    ];
    assert_eq!(all.len(), expected.len());
    for (name, samples) in expected {
        assert_eq!(all[name], samples, "{name}");
    }
}

#[test]
fn bins_are_labelled_by_their_edges() {
    let bins = Bins::Edges(&[0.0, 1.0, 7.0, 31.0]);
    let label = |value: f64| score::bin_label(bins, &Value::Number(value));
    assert_eq!(
        [label(0.0), label(1.0), label(6.0), label(7.0), label(30.0)],
        ["0", "1–6", "1–6", "7–30", "7–30"]
    );
    assert_eq!(label(31.0), "31+");
    assert_eq!(label(-3.0), "0", "below the first edge: the first bin");
}

/// Simulated [1, 1, 2] over the 14 word bins: P(1) = (2 + 0.1) / (3 + 14 × 0.1) = 2.1 / 4.4, P(2) = 1.1 / 4.4;
/// real [1, 2] scores exp((ln 2.1/4.4 + ln 1.1/4.4) / 2) = √(2.1 × 1.1) / 4.4.
#[test]
fn the_score_is_the_geometric_mean_likelihood_with_a_pseudocount() {
    let words = features::FEATURES.iter().find(|f| f.name == "customer_words").unwrap().bins;
    let sim = [number(None, 1.0), number(None, 1.0), number(None, 2.0)];
    let real = [number(None, 1.0), number(None, 2.0)];
    let score = score::likelihood_score(words, &sim, &real).unwrap();
    assert!((score - (2.1f64 * 1.1).sqrt() / 4.4).abs() < 1e-12, "{score}");
    assert_eq!(score::likelihood_score(words, &[], &real), None);
    assert_eq!(score::likelihood_score(words, &sim, &[]), None);
}

/// A context the simulation met uses its own counts; one it never met uses every context's. Simulated: after
/// `a`, x three times; after `c`, y once. Real y after `c`: (1 + 0.1) / (1 + 2 × 0.1); real y after `b` (unseen):
/// (1 + 0.1) / (4 + 2 × 0.1).
#[test]
fn an_unseen_context_falls_back_to_all_contexts() {
    let sim = [
        category(Some("a"), "x"),
        category(Some("a"), "x"),
        category(Some("a"), "x"),
        category(Some("c"), "y"),
    ];
    let seen =
        score::likelihood_score(Bins::Categories, &sim, &[category(Some("c"), "y")]).unwrap();
    assert!((seen - 1.1 / 1.2).abs() < 1e-12, "{seen}");
    let unseen =
        score::likelihood_score(Bins::Categories, &sim, &[category(Some("b"), "y")]).unwrap();
    assert!((unseen - 1.1 / 4.2).abs() < 1e-12, "{unseen}");
}

/// Simulated: after `ask` A, A, A, B; after `offer` A. Real: A after `ask`, B after `greet` (a context the simulation
/// never met). Two bins, pseudocount 0.1: P(A | ask) = 3.1 / 4.2; `greet` is scored against all five simulated
/// values, P(B) = 1.1 / 5.2. Nats lost: ln(4.2 / 3.1) = 0.3037 and ln(5.2 / 1.1) = 1.5534, so `ask` holds 0.3037 /
/// 1.8570 = 16.4% of the loss and `greet` 83.6%.
#[test]
fn each_context_shows_its_score_and_its_share_of_the_loss() {
    let ask = Some("ask");
    let sim = [
        category(ask, "A"),
        category(ask, "A"),
        category(ask, "A"),
        category(ask, "B"),
        category(Some("offer"), "A"),
    ];
    let real = [category(ask, "A"), category(Some("greet"), "B")];
    let contexts = score::by_context(Bins::Categories, &sim, &real);
    let summary: Vec<(&str, usize, usize)> =
        contexts.iter().map(|c| (c.context.as_str(), c.n_real, c.n_sim)).collect();
    assert_eq!(summary, [("ask", 1, 4), ("greet", 1, 0)], "only contexts with real values");
    assert!((contexts[0].score - 3.1 / 4.2).abs() < 1e-9, "{}", contexts[0].score);
    assert!((contexts[1].score - 1.1 / 5.2).abs() < 1e-9, "{}", contexts[1].score);
    assert!((contexts[0].share_of_loss - 0.1635).abs() < 1e-3, "{}", contexts[0].share_of_loss);
    assert!((contexts[1].share_of_loss - 0.8365).abs() < 1e-3, "{}", contexts[1].share_of_loss);
    assert_eq!(
        contexts[0].bins,
        [("A".to_owned(), 1.0, 0.75), ("B".to_owned(), 0.0, 0.25)],
        "each side's shares within the context"
    );
    assert!(score::by_context(Bins::Categories, &sim, &[category(None, "A")]).is_empty());
}

#[test]
fn ks_and_wasserstein_of_small_samples_by_hand() {
    let samples = |values: &[f64]| values.iter().map(|v| number(None, *v)).collect::<Vec<_>>();
    let (a, b, c) = (samples(&[1.0, 2.0, 3.0]), samples(&[4.0, 5.0, 6.0]), samples(&[2.0, 3.0]));
    assert_eq!(score::ks(&a, &a), Some(0.0));
    assert_eq!(score::ks(&a, &b), Some(1.0));
    // F_{1,2} and F_{2,3}: at 1, 1/2 against 0; at 2, 1 against 1/2.
    assert_eq!(score::ks(&samples(&[1.0, 2.0]), &c), Some(0.5));
    // Every value moved by one: distance 1; {1, 3} against {2, 2}: (|1 − 2| + |3 − 2|) / 2 = 1.
    assert_eq!(score::wasserstein(&samples(&[1.0, 2.0]), &c), Some(1.0));
    assert_eq!(score::wasserstein(&samples(&[1.0, 3.0]), &samples(&[2.0, 2.0])), Some(1.0));
    assert_eq!(score::wasserstein(&a, &a), Some(0.0));
    assert_eq!(score::ks(&[category(None, "x")], &a), None);
}

/// Conversations drawn from one made-up distribution: a customer who opens with 1–3 words, answers the agent's
/// `ask` with an `inform` of 2–6 words and its `offer` with `accept` or `decline`, sometimes twice in a row; the
/// agent says 5–12 words; `shift` moves every count and renames every label, so the two are disjoint.
fn synthetic(seed: u64, n: usize, shift: f64) -> Vec<crate::transcripts::Conversation> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let label = |name: &str| if shift > 0.0 { format!("other_{name}") } else { name.to_owned() };
    (0..n)
        .map(|idx| {
            let mut turns = Vec::new();
            let say = |speaker, words: f64, act: &str| Turn {
                act: Some(label(act)),
                ..Turn::said(speaker, vec!["w"; (words + shift) as usize].join(" "))
            };
            turns.push(say(Speaker::Customer, rng.random_range(1..=3) as f64, "greet"));
            for _ in 0..rng.random_range(1..=6) {
                let (agent_act, answers) = if rng.random_bool(0.6) {
                    ("ask", ["inform", "inform"])
                } else {
                    ("offer", ["accept", "decline"])
                };
                turns.push(say(Speaker::Agent, rng.random_range(5..=12) as f64, agent_act));
                for _ in 0..if rng.random_bool(0.2) { 2 } else { 1 } {
                    let act = answers[rng.random_range(0..2)];
                    turns.push(say(Speaker::Customer, rng.random_range(2..=6) as f64, act));
                }
            }
            let mut conversation =
                crate::transcripts::Conversation::new(Corpus::Rehearse, idx.to_string(), turns);
            conversation.outcome =
                Some(label(if rng.random_bool(0.8) { "completed" } else { "abandoned" }));
            conversation
        })
        .collect()
}

/// Two samples of one distribution: every feature scores at least 0.95 of its ceiling.
#[test]
fn one_distribution_scores_at_its_ceiling() {
    let report = closed_loop(&synthetic(1, 3000, 0.0), &synthetic(2, 3000, 0.0));
    for feature in &report.features {
        let (score, ceiling) = (feature.score.unwrap(), feature.ceiling.unwrap());
        assert!(score >= 0.95 * ceiling, "{}: {score} against {ceiling}", feature.name);
        assert!(feature.ks.is_none_or(|ks| ks < 0.05), "{}: KS {:?}", feature.name, feature.ks);
    }
    assert!(report.score.unwrap() >= 0.95 * report.ceiling.unwrap());
}

/// Disjoint distributions: every feature scores under 1% of its ceiling, KS is 1.
#[test]
fn disjoint_distributions_score_near_zero() {
    let report = closed_loop(&synthetic(1, 3000, 0.0), &synthetic(2, 3000, 40.0));
    for feature in &report.features {
        let (score, ceiling) = (feature.score.unwrap(), feature.ceiling.unwrap());
        if feature.name == "messages_per_conversation"
            || feature.name == "customer_messages_in_a_row"
        {
            continue; // the shift changes words and labels, not how many messages
        }
        assert!(score < 0.01 * ceiling, "{}: {score} against {ceiling}", feature.name);
        assert!(feature.ks.is_none_or(|ks| ks == 1.0), "{}: KS {:?}", feature.name, feature.ks);
    }
    assert!(report.score.unwrap() < 0.5 * report.ceiling.unwrap());
}

/// A side without a feature's values leaves it unscored and out of the overall score.
#[test]
fn a_feature_one_side_lacks_is_left_out() {
    let mut real = synthetic(1, 200, 0.0);
    for conversation in &mut real {
        conversation.outcome = None;
    }
    let report = closed_loop(&real, &synthetic(2, 200, 0.0));
    let outcome = report.features.iter().find(|f| f.name == "outcome").unwrap();
    assert_eq!((outcome.score, outcome.n_real), (None, 0));
    let text = table(&report);
    assert!(text.lines().any(|line| line.starts_with("outcome") && line.contains('–')), "{text}");
}

/// Positives 0.35 and 0.8 against negatives 0.1 and 0.4: three of the four pairs are ordered, AUC 3/4; a tie
/// counts half.
#[test]
fn auc_by_hand() {
    assert_eq!(classifier::auc(&[0.35, 0.8], &[0.1, 0.4]), Some(0.75));
    assert_eq!(classifier::auc(&[0.5], &[0.5]), Some(0.5));
    assert_eq!(classifier::auc(&[0.9, 0.7], &[0.1, 0.2, 0.3]), Some(1.0));
    assert_eq!(classifier::auc(&[], &[0.1]), None);
}

/// Conversations of customer messages of 1–8 words drawn from `vocabulary`.
fn chatter(seed: u64, n: usize, vocabulary: &[&str]) -> Vec<crate::transcripts::Conversation> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|idx| {
            let turns = (0..4)
                .map(|_| {
                    let words: Vec<&str> = (0..rng.random_range(1..=8))
                        .map(|_| vocabulary[rng.random_range(0..vocabulary.len())])
                        .collect();
                    Turn::said(Speaker::Customer, words.join(" "))
                })
                .collect();
            crate::transcripts::Conversation::new(Corpus::Rehearse, idx.to_string(), turns)
        })
        .collect()
}

const WORDS_A: &[&str] =
    &["hi", "my", "order", "is", "late", "can", "you", "check", "it", "thanks", "ok", "the"];
const WORDS_B: &[&str] = &["wrt", "zyx", "quvw", "pst", "nrtz", "qq", "vvx", "szt", "rrp", "wyz"];

/// Messages drawn from one vocabulary cannot be told apart (AUC within 0.05 of 0.5); from two vocabularies with no
/// letter in common they always can.
#[test]
fn the_classifier_tells_apart_only_what_differs() {
    let same =
        classifier::two_sample_auc(&chatter(1, 1500, WORDS_A), &chatter(2, 1500, WORDS_A)).unwrap();
    assert_eq!(same.messages, 6000);
    assert!((same.auc - 0.5).abs() < 0.05, "{}", same.auc);
    let apart =
        classifier::two_sample_auc(&chatter(1, 1500, WORDS_A), &chatter(2, 1500, WORDS_B)).unwrap();
    assert!(apart.auc > 0.99, "{}", apart.auc);
    // the telltales: distinct texts, each side's own words, the most telling first
    assert_eq!(apart.most_simulated.len(), classifier::TELLTALES);
    for (telltales, words, sign) in
        [(&apart.most_simulated, WORDS_B, 1.0), (&apart.most_real, WORDS_A, -1.0)]
    {
        let texts: std::collections::BTreeSet<&str> =
            telltales.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts.len(), telltales.len(), "each text once");
        for pair in telltales.windows(2) {
            assert!(sign * pair[0].log_ratio >= sign * pair[1].log_ratio, "{pair:?}");
        }
        for telltale in telltales {
            assert!(sign * telltale.log_ratio > 0.0, "{telltale:?}");
            assert!(telltale.times >= 1);
            assert!(telltale.text.split(' ').all(|word| words.contains(&word)), "{telltale:?}");
        }
    }
    assert_eq!(
        classifier::two_sample_auc(&chatter(1, 1, WORDS_A), &chatter(2, 1500, WORDS_A)),
        None
    );
}

/// The page has the overall figures, the table, and one chart per feature (a feature without values says so).
#[test]
fn the_page_draws_a_chart_per_feature() {
    let mut real = synthetic(1, 200, 0.0);
    for conversation in &mut real {
        conversation.outcome = None;
    }
    let report = closed_loop(&real, &synthetic(2, 200, 0.0));
    let page = html::page(&report);
    assert_eq!(page.matches("<svg").count(), features::FEATURES.len(), "one chart each");
    assert!(page.contains("classifier AUC"));
    for feature in features::FEATURES {
        assert!(page.contains(&format!("<h2 id=\"{}\">", feature.name)), "{}", feature.name);
    }
    assert!(!page.contains("chart not drawn"));
    assert!(page.contains(">simulated<") || page.contains("simulated\n"), "legend");
    // the telltales, their text escaped
    let mut report = report;
    report.most_simulated_messages[0].text = "a <b> & \"c\"".to_owned();
    let page = html::page(&report);
    assert!(page.contains("The simulated customer messages that give themselves away most"));
    assert!(page.contains("The real customer messages that give themselves away most"));
    assert!(page.contains("<q>a &lt;b&gt; &amp; &quot;c&quot;</q>"), "escaped");
    // the same report draws the same bytes (each chart's bars in the bins' order, not a hash map's)
    for _ in 0..4 {
        assert!(html::page(&report) == page, "the page differs between two drawings");
    }
}
