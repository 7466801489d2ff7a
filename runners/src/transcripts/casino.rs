//! CaSiNo (shared/data/casino, see its README) into the transcript format: one dialogue per line of
//! `casino_train_valid.jsonl(.gz)`.
//!
//! Negotiation has no customer by nature: `mturk_agent_1` is taken as the customer and `mturk_agent_2` as the agent,
//! and the traits are `mturk_agent_1`'s. The four deal moves are turns with empty text and an action:
//! `submit_deal` (arguments `issue2youget` and `issue2theyget`, as in the corpus), `accept_deal`, `reject_deal`,
//! `walk_away`. In annotated dialogues an utterance's act is its strategy labels (comma-separated, as in the corpus),
//! matched to the utterances in order by their text; an utterance with no annotation, or an annotation with no
//! utterance, is reported. Outcome: `agreed` (the last move is Accept-Deal) or `walked_away`. Traits: priorities
//! (`priority_high` … the item) and reasons (`reason_high` …), points, satisfaction and opponent likeness,
//! demographics, SVO and Big Five, all under the corpus's own names. Domain: `campsite`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::read::{self, Problem};
use super::{Conversation, Converted, Corpus, Speaker, Trait, TranscriptError, Turn};

/// Converts CaSiNo's dialogues at `input` (the file, or the folder holding it).
pub fn convert(input: &Path) -> Result<Converted, TranscriptError> {
    let names = ["casino_train_valid.jsonl.gz", "casino_train_valid.jsonl"];
    let path = read::input_file(input, &names)?;
    read::json_lines(&path, to_conversation)
}

/// The participant taken as the customer.
const CUSTOMER: &str = "mturk_agent_1";

/// One line of the file: only what conversion reads.
#[derive(Deserialize)]
struct Dialogue {
    dialogue_id: u64,
    chat_logs: Vec<ChatLog>,
    #[serde(default)]
    participant_info: BTreeMap<String, Map<String, Value>>,
    #[serde(default)]
    annotations: Vec<(String, String)>,
}

/// One message or deal move.
#[derive(Deserialize)]
struct ChatLog {
    id: String,
    text: String,
    #[serde(default)]
    task_data: Map<String, Value>,
}

fn to_conversation(
    dialogue: Dialogue,
    problems: &mut Vec<Problem>,
) -> Result<Conversation, Problem> {
    let mut turns = Vec::new();
    let mut annotations = dialogue.annotations.into_iter().peekable();
    let annotated = annotations.peek().is_some();
    for (turn_idx, log) in dialogue.chat_logs.into_iter().enumerate() {
        let speaker = match log.id.as_str() {
            CUSTOMER => Speaker::Customer,
            "mturk_agent_2" => Speaker::Agent,
            other => {
                let detail = format!("turn {turn_idx}: {other:?}");
                return Err(Problem::conversation("unknown participant", detail));
            }
        };
        let action = match log.text.as_str() {
            "Submit-Deal" => "submit_deal",
            "Accept-Deal" => "accept_deal",
            "Reject-Deal" => "reject_deal",
            "Walk-Away" => "walk_away",
            _ => {
                let act = annotations.next_if(|(text, _)| *text == log.text).map(|(_, act)| act);
                if annotated && act.is_none() {
                    problems.push(Problem::label(
                        "utterance without its annotation",
                        format!("turn {turn_idx}"),
                    ));
                }
                turns.push(Turn { act, ..Turn::said(speaker, log.text) });
                continue;
            }
        };
        let arguments = (action == "submit_deal").then(|| {
            let deal = log.task_data.into_iter();
            deal.filter(|(key, _)| key == "issue2youget" || key == "issue2theyget").collect()
        });
        turns.push(Turn { action: Some(action.to_owned()), arguments, ..Turn::said(speaker, "") });
    }
    for (text, _) in annotations {
        problems.push(Problem::label("annotation without its utterance", format!("{text:?}")));
    }
    if turns.is_empty() {
        return Err(Problem::conversation("no turns", ""));
    }
    let last_move = turns.iter().rev().find_map(|turn| turn.action.as_deref());
    let outcome = match last_move {
        Some("accept_deal") => Some("agreed"),
        Some("walk_away") => Some("walked_away"),
        _ => None,
    };
    let mut conversation =
        Conversation::new(Corpus::Casino, dialogue.dialogue_id.to_string(), turns);
    conversation.domain = Some("campsite".to_owned());
    conversation.outcome = outcome.map(str::to_owned);
    match dialogue.participant_info.get(CUSTOMER) {
        Some(info) => flatten("", info, &mut conversation.traits),
        None => problems.push(Problem::label("no participant_info for the customer", CUSTOMER)),
    }
    Ok(conversation)
}

/// Puts every number or string leaf of `info` into `traits` under its own key; `value2issue` and `value2reason`
/// become `priority_<level>` and `reason_<level>`.
fn flatten(prefix: &str, info: &Map<String, Value>, traits: &mut BTreeMap<String, Trait>) {
    for (key, value) in info {
        let name = format!("{prefix}{key}");
        match value {
            Value::Object(inner) => {
                let prefix = match key.as_str() {
                    "value2issue" => "priority_",
                    "value2reason" => "reason_",
                    _ => "",
                };
                flatten(prefix, inner, traits);
            }
            Value::Number(number) => {
                traits.insert(
                    name.to_lowercase(),
                    Trait::Number(number.as_f64().unwrap_or(f64::NAN)),
                );
            }
            Value::String(text) => {
                traits.insert(name.to_lowercase(), Trait::Text(text.clone()));
            }
            Value::Null | Value::Bool(_) | Value::Array(_) => {}
        }
    }
}
