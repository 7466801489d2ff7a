//! Deal or No Deal (shared/data/dealornodeal, see its README; non-commercial licence) into the transcript format:
//! one dialogue per line of `dialogues.jsonl(.gz)`, the corpus's own join of data.txt's mirrored lines.
//!
//! Negotiation has no customer by nature: A (the "YOU" of the dialogue's first line) is taken as the customer and B
//! as the agent. Text is as in the corpus (lower case, tokenised). Outcome: `agreed` for `deal_agreed`, else the
//! corpus's own (`conflicting_selections`, `no_agreement`, `disconnect`). Traits: A's view of the pool,
//! `book_count`, `book_value`, `hat_count`, `hat_value`, `ball_count`, `ball_value` (item0, item1, item2), and
//! `reward`, the points A's choice earned, when it is a number. Domain: `item split`.
//! A dialogue without turns, with another speaker, or whose A vector is not 6 numbers, is rejected.

use std::path::Path;

use serde::Deserialize;

use super::read::{self, Problem};
use super::{Conversation, Converted, Corpus, Speaker, Trait, TranscriptError, Turn};

/// Converts Deal or No Deal's dialogues at `input` (the file, or the folder holding `dialogues.jsonl.gz`).
pub fn convert(input: &Path) -> Result<Converted, TranscriptError> {
    let path = read::input_file(input, &["dialogues.jsonl.gz", "dialogues.jsonl"])?;
    read::json_lines(&path, to_conversation)
}

/// The traits `a_counts_values` holds, in its order.
const POOL: [&str; 6] =
    ["book_count", "book_value", "hat_count", "hat_value", "ball_count", "ball_value"];

/// One line of the file: only what conversion reads.
#[derive(Deserialize)]
struct Dialogue {
    id: String,
    a_counts_values: Vec<u32>,
    turns: Vec<LineTurn>,
    a_reward: Option<String>,
    outcome: Option<String>,
}

/// One turn.
#[derive(Deserialize)]
struct LineTurn {
    speaker: String,
    text: String,
}

fn to_conversation(dialogue: Dialogue, _: &mut Vec<Problem>) -> Result<Conversation, Problem> {
    if dialogue.turns.is_empty() {
        return Err(Problem::conversation("no turns", ""));
    }
    if dialogue.a_counts_values.len() != POOL.len() {
        let detail = format!("{} numbers", dialogue.a_counts_values.len());
        return Err(Problem::conversation("a_counts_values is not 6 numbers", detail));
    }
    let mut turns = Vec::new();
    for (turn_idx, turn) in dialogue.turns.into_iter().enumerate() {
        let speaker = match turn.speaker.as_str() {
            "A" => Speaker::Customer,
            "B" => Speaker::Agent,
            other => {
                let detail = format!("turn {turn_idx}: {other:?}");
                return Err(Problem::conversation("unknown speaker", detail));
            }
        };
        turns.push(Turn::said(speaker, turn.text));
    }
    let mut conversation = Conversation::new(Corpus::Dealornodeal, dialogue.id, turns);
    conversation.domain = Some("item split".to_owned());
    conversation.outcome = dialogue.outcome.map(|outcome| match outcome.as_str() {
        "deal_agreed" => "agreed".to_owned(),
        _ => outcome,
    });
    for (name, value) in POOL.iter().zip(dialogue.a_counts_values) {
        conversation.traits.insert((*name).to_owned(), Trait::Number(value.into()));
    }
    if let Some(reward) = dialogue.a_reward.and_then(|reward| reward.parse::<f64>().ok()) {
        conversation.traits.insert("reward".to_owned(), Trait::Number(reward));
    }
    Ok(conversation)
}
