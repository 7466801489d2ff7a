//! ABCD (shared/data/abcd, see its README) into the transcript format: the dialogues of one JSON file, either a
//! list (`abcd_sample.json`) or the full corpus's object of splits (`{"train": [...], "dev": [...], ...}`).
//!
//! Turns come from `original` (`[speaker, text]` pairs): `customer` and `agent` as themselves, `action` (the system's
//! text after the agent pressed a button) as a tool turn whose action is the button (`targets[2]` of the same turn in
//! `delexed`) and whose arguments are `{"values": targets[3]}`; an action turn `delexed` does not label is kept without
//! them and reported. Domain: the scenario's flow; intent: its subflow; traits: the customer's `member_level`.
//! A dialogue with another speaker, or not shaped like ABCD's, is rejected, named by its `convo_id` (or its position
//! in the file, from 0, when it has none).

use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::read::{self, Problem};
use super::{Conversation, Converted, Corpus, Place, Speaker, Trait, TranscriptError, Turn};

/// Converts ABCD's dialogues at `input` (the file, or the folder holding `abcd_sample.json` or `abcd_v1.1.json`).
pub fn convert(input: &Path) -> Result<Converted, TranscriptError> {
    let names = ["abcd_v1.1.json.gz", "abcd_v1.1.json", "abcd_sample.json"];
    let path = read::input_file(input, &names)?;
    let dialogues = match read::json_value::<Value>(&path)? {
        Value::Array(dialogues) => dialogues,
        Value::Object(splits) => splits
            .into_iter()
            .flat_map(|(_, split)| match split {
                Value::Array(dialogues) => dialogues,
                other => vec![other],
            })
            .collect(),
        _ => {
            return Err(TranscriptError::Format {
                path,
                message: "not ABCD's JSON: neither a list of dialogues nor an object of splits"
                    .into(),
            });
        }
    };
    let mut converted = Converted::default();
    for (idx, dialogue) in dialogues.into_iter().enumerate() {
        let id = match dialogue.get("convo_id") {
            Some(Value::String(id)) => id.clone(),
            Some(id @ Value::Number(_)) => id.to_string(),
            _ => format!("#{idx}"),
        };
        let mut problems = Vec::new();
        let res = serde_json::from_value::<Dialogue>(dialogue)
            .map_err(|err| {
                Problem::conversation("not a dialogue of the corpus's format", err.to_string())
            })
            .and_then(|dialogue| to_conversation(id.clone(), dialogue, &mut problems));
        converted.push(&path, Place::Dialogue(id), res, problems);
    }
    Ok(converted)
}

/// One dialogue: only what conversion reads.
#[derive(Deserialize)]
struct Dialogue {
    scenario: Scenario,
    original: Vec<(String, String)>,
    #[serde(default)]
    delexed: Vec<Delexed>,
}

/// The scenario: only what conversion reads.
#[derive(Deserialize)]
struct Scenario {
    #[serde(default)]
    personal: Map<String, Value>,
    flow: Option<String>,
    subflow: Option<String>,
}

/// A delexed turn: only what conversion reads.
#[derive(Deserialize)]
struct Delexed {
    speaker: String,
    #[serde(default)]
    targets: Vec<Value>,
}

fn to_conversation(
    id: String,
    dialogue: Dialogue,
    problems: &mut Vec<Problem>,
) -> Result<Conversation, Problem> {
    let mut turns = Vec::new();
    for (turn_idx, (speaker, text)) in dialogue.original.into_iter().enumerate() {
        let turn = match speaker.as_str() {
            "customer" => Turn::said(Speaker::Customer, text),
            "agent" => Turn::said(Speaker::Agent, text),
            "action" => {
                let delexed = dialogue.delexed.get(turn_idx).filter(|d| d.speaker == "action");
                let targets = delexed.map_or(&[][..], |d| &d.targets[..]);
                match (targets.get(2), targets.get(3)) {
                    (Some(Value::String(button)), Some(values)) => Turn {
                        action: Some(button.clone()),
                        arguments: Some(Map::from_iter([("values".to_owned(), values.clone())])),
                        ..Turn::said(Speaker::Tool, text)
                    },
                    _ => {
                        problems.push(Problem::label(
                            "action turn without its button in delexed",
                            format!("turn {turn_idx}"),
                        ));
                        Turn::said(Speaker::Tool, text)
                    }
                }
            }
            other => {
                return Err(Problem::conversation(
                    "unknown speaker",
                    format!("turn {turn_idx}: {other:?}"),
                ));
            }
        };
        turns.push(turn);
    }
    if turns.is_empty() {
        return Err(Problem::conversation("no turns", ""));
    }
    let mut conversation = Conversation::new(Corpus::Abcd, id, turns);
    conversation.domain = dialogue.scenario.flow;
    conversation.intent = dialogue.scenario.subflow;
    if let Some(Value::String(level)) = dialogue.scenario.personal.get("member_level") {
        conversation.traits.insert("member_level".to_owned(), Trait::Text(level.clone()));
    }
    Ok(conversation)
}
