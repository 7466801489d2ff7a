//! MultiDoGO (shared/data/multidogo, see its README) into the transcript format: one conversation per line of
//! `customer_turns_turn_level.jsonl(.gz)`, which holds only the customer's turns.
//!
//! Each customer turn keeps its utterance as text and its intent label as act (several intents stay joined by
//! `<div>`, as in the corpus); its slot labels, one per word, become `slots` (slot type to the words labelled with
//! it, separate spans joined by `, `), or are dropped and reported when their count differs from the words'. The
//! agent's turns are the gaps in `turn_number` (which counts both sides from 0): each missing number before a
//! customer turn becomes an agent turn with empty text, so turn order and the customer's consecutive turns are kept.
//! Domain: the corpus's domain; intent: the first domain-goal intent of the conversation (not one of the seven
//! generic labels). Conversations without customer turns, or whose turn numbers do not increase, are rejected.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::read::{self, Problem};
use super::{Conversation, Converted, Corpus, Speaker, TranscriptError, Turn};

/// The intents every domain shares; any other is a domain goal.
pub const GENERIC_INTENTS: [&str; 7] = [
    "contentonly",
    "confirmation",
    "rejection",
    "openinggreeting",
    "closinggreeting",
    "thankyou",
    "outofdomain",
];

/// Converts MultiDoGO's conversations at `input` (the file, or the folder holding it).
pub fn convert(input: &Path) -> Result<Converted, TranscriptError> {
    let names = ["customer_turns_turn_level.jsonl.gz", "customer_turns_turn_level.jsonl"];
    let path = read::input_file(input, &names)?;
    read::json_lines(&path, to_conversation)
}

/// One line of the file.
#[derive(Deserialize)]
struct Line {
    domain: String,
    conversation_id: String,
    customer_turns: Vec<CustomerTurn>,
}

/// One customer turn.
#[derive(Deserialize)]
struct CustomerTurn {
    turn_number: u32,
    utterance: String,
    slot_labels: String,
    intent: String,
}

fn to_conversation(line: Line, problems: &mut Vec<Problem>) -> Result<Conversation, Problem> {
    if line.customer_turns.is_empty() {
        return Err(Problem::conversation("no turns", ""));
    }
    let mut turns = Vec::new();
    let mut next_number = 0;
    for customer in line.customer_turns {
        if customer.turn_number < next_number {
            return Err(Problem::conversation(
                "turn numbers do not increase",
                format!("turn {} after turn {}", customer.turn_number, next_number - 1),
            ));
        }
        for _ in next_number..customer.turn_number {
            turns.push(Turn::said(Speaker::Agent, ""));
        }
        next_number = customer.turn_number + 1;
        let words: Vec<&str> = customer.utterance.split_whitespace().collect();
        let labels: Vec<&str> = customer.slot_labels.split_whitespace().collect();
        let mut slots = BTreeMap::new();
        if words.len() == labels.len() {
            slots = spans(&words, &labels);
        } else {
            problems.push(Problem::label(
                "slot labels do not match the utterance's words",
                format!(
                    "turn {}: {} words, {} labels",
                    customer.turn_number,
                    words.len(),
                    labels.len()
                ),
            ));
        }
        turns.push(Turn {
            act: Some(customer.intent),
            slots,
            ..Turn::said(Speaker::Customer, customer.utterance)
        });
    }
    let intent = turns
        .iter()
        .filter_map(|turn| turn.act.as_deref())
        .find(|intent| !intent.contains("<div>") && !GENERIC_INTENTS.contains(intent));
    let intent = intent.map(str::to_owned);
    let mut conversation = Conversation::new(Corpus::Multidogo, line.conversation_id, turns);
    conversation.domain = Some(line.domain);
    conversation.intent = intent;
    Ok(conversation)
}

/// Slot type to the words labelled with it: a run of equal labels is one span, spans of one type joined by `, `.
fn spans(words: &[&str], labels: &[&str]) -> BTreeMap<String, String> {
    let mut slots: BTreeMap<String, String> = BTreeMap::new();
    let mut prev = "O";
    for (word, label) in words.iter().zip(labels) {
        if *label != "O" {
            let value = slots.entry((*label).to_owned()).or_default();
            if !value.is_empty() {
                value.push_str(if *label == prev { " " } else { ", " });
            }
            value.push_str(word);
        }
        prev = label;
    }
    slots
}
