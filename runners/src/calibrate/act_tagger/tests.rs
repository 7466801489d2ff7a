//! The tagger's counts and posteriors worked by hand on three messages, its estimator against known word rates,
//! precision and recall counted by hand, and its file.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::transcripts::{Conversation, Corpus, Speaker, Turn};

fn examples(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(text, act)| ((*text).to_owned(), (*act).to_owned())).collect()
}

/// "hi there" and "hi" greet, "yes" confirms; alpha 1, every token kept.
fn three() -> ActTagger {
    let training = examples(&[
        ("hi there", "openinggreeting"),
        ("Hi!", "openinggreeting"),
        ("yes", "confirmation"),
    ]);
    ActTagger::train(&training, 1.0, 1)
}

#[test]
fn counts_and_posteriors_as_worked_by_hand() {
    let tagger = three();
    assert_eq!(tagger.acts, ["confirmation", "openinggreeting"]);
    assert_eq!(tagger.messages, [1, 2]);
    // confirmation: yes, <len:0-3>; openinggreeting: hi ×2, there, hi_there, <len:0-3> ×2
    assert_eq!(tagger.tokens, [2, 6]);
    let counts = |token: &str| tagger.vocabulary[token].clone();
    assert_eq!(counts("hi"), [0, 2]);
    assert_eq!(counts("hi_there"), [0, 1]);
    assert_eq!(counts("<len:0-3>"), [1, 2]);
    assert_eq!(tagger.vocabulary.len(), 5);

    // "yes": priors (1+1)/(3+2) and (2+1)/(3+2); P(yes|·) = 2/7 and 1/11, P(<len:0-3>|·) = 2/7 and 3/11
    let confirm = 0.4 * (2.0 / 7.0) * (2.0 / 7.0);
    let greet = 0.6 * (1.0 / 11.0) * (3.0 / 11.0);
    let reading = tagger.tag("yes");
    assert_eq!(reading.act, "confirmation");
    assert!((reading.confidence - confirm / (confirm + greet)).abs() < 1e-12, "{reading:?}");
    // words it never saw count for nothing: "yes please" reads as "yes"
    assert_eq!(tagger.tag("yes please"), reading);
    assert_eq!(tagger.tag("hi").act, "openinggreeting");
    let why = tagger.explain("hi there", "openinggreeting", 2);
    assert_eq!(why.iter().map(|(token, _)| token.as_str()).collect::<Vec<_>>(), ["hi", "hi_there"]);
}

#[test]
fn precision_and_recall_as_counted_by_hand() {
    // tagged: yes → confirmation (right), hi → openinggreeting (labelled confirmation), hi there → openinggreeting
    let held_out = examples(&[
        ("yes", "confirmation"),
        ("hi", "confirmation"),
        ("hi there", "openinggreeting"),
    ]);
    let evaluation = three().evaluate(&held_out);
    assert_eq!(evaluation.messages, 3);
    assert!((evaluation.accuracy - 2.0 / 3.0).abs() < 1e-12);
    // the most frequent training act is openinggreeting: one of the three
    assert!((evaluation.majority_accuracy - 1.0 / 3.0).abs() < 1e-12);
    let confirmation = &evaluation.acts[0];
    assert_eq!((confirmation.support, confirmation.tagged), (2, 1));
    assert_eq!((confirmation.precision, confirmation.recall), (Some(1.0), Some(0.5)));
    let greeting = &evaluation.acts[1];
    assert_eq!((greeting.support, greeting.tagged), (1, 2));
    assert_eq!((greeting.precision, greeting.recall), (Some(0.5), Some(1.0)));
}

/// Two made-up acts, each writing three words from its own five at known rates (one in ten from a shared word);
/// the counts recover each act's word rates, and fresh messages are read right.
#[test]
fn the_word_rates_are_recovered_and_fresh_messages_read_right() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut draw = |act: &str| {
        let words: Vec<String> = (0..3)
            .map(|_| {
                if rng.random_bool(0.1) {
                    "ok".to_owned()
                } else {
                    format!("{act}{}", rng.random_range(0..5))
                }
            })
            .collect();
        (words.join(" "), act.to_owned())
    };
    let training: Vec<(String, String)> =
        (0..4000).map(|idx| draw(if idx % 4 == 0 { "b" } else { "a" })).collect();
    let fresh: Vec<(String, String)> =
        (0..1000).map(|idx| draw(if idx % 4 == 0 { "b" } else { "a" })).collect();
    let tagger = ActTagger::train(&training, 0.5, 3);
    assert_eq!(tagger.messages, [3000, 1000]);
    // a's tokens: 3 words, 2 pairs (most pairs kept at this size) and a length token per message
    let words_of_a = 3000.0 * 3.0;
    let share = tagger.vocabulary["ok"][0] as f64 / words_of_a;
    assert!((share - 0.1).abs() < 0.01, "ok under a: {share}");
    let share = tagger.vocabulary["a2"][0] as f64 / words_of_a;
    assert!((share - 0.18).abs() < 0.015, "a2 under a: {share}");
    assert_eq!(tagger.vocabulary["a2"][1], 0);
    let evaluation = tagger.evaluate(&fresh);
    // only "ok ok ok" (one in a thousand) is ambiguous
    assert!(evaluation.accuracy > 0.995, "{evaluation:?}");
    assert!((evaluation.majority_accuracy - 0.75).abs() < 1e-12);
}

/// Labels the tagger knows stay; MultiDoGO's intents are read as its acts; a label of another set (rehearse's
/// `state_need`) and a missing one are read by the tagger; agent turns are left alone.
#[test]
fn customer_acts_are_put_in_the_taggers_terms() {
    let turns = |acts: [Option<&str>; 3]| {
        let texts = ["hi", "hi", "yes"];
        let speakers = [Speaker::Agent, Speaker::Customer, Speaker::Customer];
        (0..3)
            .map(|index| Turn {
                act: acts[index].map(str::to_owned),
                ..Turn::said(speakers[index], texts[index])
            })
            .collect::<Vec<_>>()
    };
    let mut conversations = vec![
        Conversation::new(Corpus::Star, "s".to_owned(), turns([None, Some("confirmation"), None])),
        Conversation::new(
            Corpus::Rehearse,
            "r".to_owned(),
            turns([Some("greet"), Some("state_need"), None]),
        ),
        Conversation::new(
            Corpus::Multidogo,
            "m".to_owned(),
            turns([None, Some("openinggreeting"), Some("bookflight")]),
        ),
    ];
    // read by the tagger: STAR's unlabelled "yes", rehearse's two, MultiDoGO's goal
    assert_eq!(tag(&three(), &mut conversations), 4);
    let acts: Vec<Vec<Option<&str>>> = conversations
        .iter()
        .map(|conversation| conversation.turns.iter().map(|turn| turn.act.as_deref()).collect())
        .collect();
    assert_eq!(
        acts,
        [
            [None, Some("confirmation"), Some("confirmation")],
            [Some("greet"), Some("openinggreeting"), Some("confirmation")],
            // "bookflight" is a domain goal: `goal`, which this tagger does not know, so it reads "yes"
            [None, Some("openinggreeting"), Some("confirmation")],
        ]
    );
}

#[test]
fn a_tagger_file_reads_back_and_a_broken_one_is_refused() {
    let conversation = |id: &str, text: &str, act: &str| {
        let turn = Turn { act: Some(act.to_owned()), ..Turn::said(Speaker::Customer, text) };
        Conversation::new(Corpus::Rehearse, id.to_owned(), vec![turn])
    };
    let train =
        [conversation("1", "hi", "openinggreeting"), conversation("2", "yes", "confirmation")];
    let held_out = [conversation("3", "yes", "confirmation")];
    let file = train_file(&train, ("train.jsonl", b"bytes"), ("held.jsonl", &held_out), "by hand");
    assert_eq!((file.source.customer_turns, file.evaluation.messages), (2, 1));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acts.ron");
    std::fs::write(&path, to_ron(&file)).unwrap();
    assert_eq!(load(&path).unwrap(), file);

    let mut broken = file.clone();
    broken.tagger.vocabulary.insert("odd".to_owned(), vec![1]);
    broken.tagger.alpha = -1.0;
    std::fs::write(&path, to_ron(&broken)).unwrap();
    let message = load(&path).unwrap_err().to_string();
    assert!(message.contains("token `odd` has 1 counts for 2 acts"), "{message}");
    assert!(message.contains("alpha -1 is not a positive number"), "{message}");
}

/// STAR's wizard labels become rehearse's agent acts, as runners/data/star-wizard-acts.ron maps them ("What hotel
/// would you like to stay at?" asks; "Hello, how can I help?" greets; `yes`, a flow-chart node, is no act); another
/// corpus's agent labels and tool calls are left alone.
#[test]
fn star_wizard_labels_become_rehearse_agent_acts() {
    let agent =
        |label: &str| Turn { act: Some(label.to_owned()), ..Turn::said(Speaker::Agent, "…") };
    let labels = ["hello", "hotel_ask_hotel", "yes"];
    let mut conversations = vec![
        Conversation::new(
            Corpus::Star,
            "s".to_owned(),
            labels.iter().map(|label| agent(label)).collect(),
        ),
        Conversation::new(
            Corpus::Rehearse,
            "r".to_owned(),
            labels.iter().map(|label| agent(label)).collect(),
        ),
    ];
    assert_eq!(star_agent_acts(&mut conversations), 3);
    let acts = |conversation: &Conversation| -> Vec<Option<String>> {
        conversation.turns.iter().map(|turn| turn.act.clone()).collect()
    };
    assert_eq!(
        acts(&conversations[0]),
        [Some("ask_need".to_owned()), Some("ask".to_owned()), None]
    );
    assert_eq!(acts(&conversations[1]), labels.map(|label| Some(label.to_owned())));
}
