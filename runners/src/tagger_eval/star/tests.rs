//! Tests for reading STAR: labelled samples from gzipped fixture dialogues, errors with file and line, the
//! mapping file's checks, and the mapping against the real tasks.json when shared/data/star is present.

use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

use super::{MAPPING, parse_mapping, star_samples};

/// Where the real corpus sits in a checkout: shared/ beside the repository.
const STAR_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/star");

/// Writes `lines` gzipped as `dialogues.jsonl.gz` in a temp dir, reads it and compares the rendering: one
/// `act label text` line per sample, then the unmapped count and unknown labels, or the error with the dir as `$DIR`.
fn check(lines: &[String], expect: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(lines.join("\n").as_bytes()).unwrap();
    std::fs::write(dir.path().join("dialogues.jsonl.gz"), encoder.finish().unwrap()).unwrap();
    check_dir(dir.path(), expect);
}

fn check_dir(dir: &Path, expect: &str) {
    let actual = match star_samples(dir) {
        Ok(found) => {
            let mut out = String::new();
            for sample in &found.samples {
                out += &format!("{} {} {:?}\n", sample.act.name(), sample.label, sample.text);
            }
            out + &format!("unmapped {}\nunknown {:?}", found.unmapped, found.unknown_labels)
        }
        Err(err) => format!("error: {err}").replace(&dir.display().to_string(), "$DIR"),
    };
    assert_eq!(actual, expect.trim());
}

/// Parses mapping RON and shows the labels it maps, or the error.
fn check_mapping(source: &str, expect: &str) {
    let actual = match parse_mapping(source) {
        Ok(mapping) => format!("{mapping:?}"),
        Err(err) => format!("error: {err}"),
    };
    assert_eq!(actual, expect);
}

/// One dialogue line with these events.
fn dialogue(id: u32, events: &[Value]) -> String {
    json!({ "DialogueID": id, "FORMAT-VERSION": 7, "Events": events }).to_string()
}

/// A wizard's picked template.
fn pick(label: &str, text: &str) -> Value {
    json!({
        "Agent": "Wizard", "Action": "pick_suggestion", "ActionLabel": label,
        "ActionLabelOptions": [label, "hello"], "Text": text, "UnixTime": 1,
    })
}

/// A free-text message by `agent`.
fn utter(agent: &str, text: &str) -> Value {
    json!({ "Agent": agent, "Action": "utter", "Text": text, "UnixTime": 1 })
}

/// A wizard's knowledge-base query and its answer: events that are no messages.
fn query() -> [Value; 2] {
    [
        json!({ "Agent": "Wizard", "Action": "query", "APIName": "weather", "Constraints": [] }),
        json!({ "Agent": "KnowledgeBase", "Action": "return_item", "Item": {}, "TotalItems": 1 }),
    ]
}

#[test]
fn picks_in_file_order_utters_skipped_none_counted_unknown_listed() {
    let [ask_kb, kb_answer] = query();
    let first = dialogue(
        1,
        &[
            utter("User", "What's the weather in Paris?"),
            pick("hello", "Hello, how can I help?"),
            utter("Wizard", "One moment, please."),
            pick("weather_ask_day", "For what day would you like the weather forecast?"),
            ask_kb,
            kb_answer,
            pick("weather_inform_forecast", "It will be sunny all day on Monday in Paris."),
            pick("zz_new_label", "Something new."),
        ],
    );
    let second = dialogue(
        2,
        &[
            pick("custom", "Ride booked."),
            pick("trivia_ask_question", "A ____ takes 33 hours to crawl one mile"),
            pick("bank_inform_balance", "Your current balance is 3572 in credit."),
            pick("aa_new_label", "Another."),
            pick("zz_new_label", "Again."),
            pick("goodbye_1", "Thank you and goodbye."),
            json!({ "Agent": "User", "Action": "complete", "UnixTime": 2 }),
        ],
    );
    check(
        &[first, second],
        r#"
ask_need star:hello "Hello, how can I help?"
ask star:weather_ask_day "For what day would you like the weather forecast?"
disclose star:weather_inform_forecast "It will be sunny all day on Monday in Paris."
disclose star:bank_inform_balance "Your current balance is 3572 in credit."
close star:goodbye_1 "Thank you and goodbye."
unmapped 2
unknown ["aa_new_label", "zz_new_label"]
"#,
    );
}

#[test]
fn blank_lines_and_dialogues_without_wizard_picks_give_nothing() {
    check(
        &[dialogue(1, &[utter("User", "hi")]), String::new(), dialogue(2, &[])],
        "unmapped 0\nunknown []",
    );
}

#[test]
fn bad_json_names_its_line() {
    check(
        &[dialogue(1, &[]), "{\"Events\": [".to_owned()],
        "error: $DIR/dialogues.jsonl.gz:2: not a dialogue of the corpus's format: EOF while parsing a list at line 1 column 12",
    );
}

#[test]
fn event_without_agent_names_its_line() {
    check(
        &[dialogue(1, &[json!({ "Action": "utter", "Text": "hi" })])],
        "error: $DIR/dialogues.jsonl.gz:1: not a dialogue of the corpus's format: missing field `Agent` at line 1 column 56",
    );
}

#[test]
fn pick_without_text_names_line_and_event() {
    let pick_no_text =
        json!({ "Agent": "Wizard", "Action": "pick_suggestion", "ActionLabel": "hello" });
    check(
        &[dialogue(1, &[]), dialogue(2, &[utter("User", "hi"), pick_no_text])],
        "error: $DIR/dialogues.jsonl.gz:2: event without a field it needs: event 1: Wizard pick_suggestion without Text",
    );
}

#[test]
fn pick_without_label_names_line_and_event() {
    let pick_no_label = json!({ "Agent": "Wizard", "Action": "pick_suggestion", "Text": "Hello" });
    check(
        &[dialogue(1, &[pick_no_label])],
        "error: $DIR/dialogues.jsonl.gz:1: event without a field it needs: event 0: Wizard pick_suggestion without ActionLabel",
    );
}

#[test]
fn missing_file_names_it() {
    let dir = tempfile::tempdir().unwrap();
    check_dir(
        dir.path(),
        "error: cannot read STAR dialogues: $DIR/dialogues.jsonl.gz: cannot open: No such file or directory (os error 2)",
    );
}

#[test]
fn plain_text_under_a_gzip_name_is_read_as_text() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dialogues.jsonl.gz"), "{\"Events\": []}\n").unwrap();
    check_dir(
        dir.path(),
        "error: $DIR/dialogues.jsonl.gz:1: not a dialogue of the corpus's format: missing field `DialogueID` at line 1 column 14",
    );
}

#[test]
fn mapping_act_and_none() {
    check_mapping(
        r#"{ "hello": Act("greet"), "yes": None("flow-chart node") }"#,
        r#"{"hello": Some(Greet), "yes": None}"#,
    );
}

#[test]
fn mapping_duplicate_label() {
    check_mapping(
        "{\n  \"hello\": Act(\"greet\"),\n  \"hello\": Act(\"close\"),\n}",
        "error: runners/data/star-wizard-acts.ron:3:4: label `hello` is mapped twice",
    );
}

#[test]
fn mapping_customer_act_is_no_agent_act() {
    check_mapping(
        r#"{ "hello": Act("state_need") }"#,
        "error: runners/data/star-wizard-acts.ron:1:17: `state_need` is not an agent act; agent acts are greet, \
         ask_need, ask, inform_result, disclose, deny, apologize, anything_else, transfer, close, filler, offer, progress",
    );
}

#[test]
fn mapping_none_needs_a_reason() {
    check_mapping(
        r#"{ "yes": None(" ") }"#,
        "error: runners/data/star-wizard-acts.ron:1:16: None needs a reason",
    );
}

#[test]
fn mapping_bare_none_is_a_syntax_error() {
    check_mapping(
        r#"{ "yes": None }"#,
        "error: runners/data/star-wizard-acts.ron:1:14: Expected opening `(`",
    );
}

/// Every label of every task's flow.replies and responses in the real tasks.json is in the mapping.
#[test]
fn mapping_covers_every_label_in_tasks_json() {
    let path = Path::new(STAR_DIR).join("tasks.json");
    if !path.exists() {
        eprintln!("skipped: {} is absent", path.display());
        return;
    }
    let mapping = parse_mapping(MAPPING).unwrap();
    let tasks: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut missing = Vec::new();
    let mut n_labels = 0;
    for (task, spec) in tasks.as_object().unwrap() {
        for labels in [&spec["flow"]["replies"], &spec["responses"]] {
            for label in labels.as_object().unwrap().keys() {
                n_labels += 1;
                if !mapping.contains_key(label) {
                    missing.push(format!("{task}: {label}"));
                }
            }
        }
    }
    assert!(n_labels > 300, "tasks.json has only {n_labels} labels: wrong file?");
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "labels of {} missing from the mapping",
        path.display()
    );
}

/// The real dialogues (about 2 s unoptimised): every picked label is in the mapping, and every pick is counted.
#[test]
fn real_corpus_has_no_unknown_labels() {
    let dir = Path::new(STAR_DIR);
    if !dir.join("dialogues.jsonl.gz").exists() {
        eprintln!("skipped: {} is absent", dir.join("dialogues.jsonl.gz").display());
        return;
    }
    let found = star_samples(dir).unwrap();
    assert_eq!(found.unknown_labels, Vec::<String>::new());
    // The README's count of wizard picks in the 5,302 dialogues.
    assert_eq!(found.samples.len() + found.unmapped, 37_347);
}
