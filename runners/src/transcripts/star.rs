//! STAR (shared/data/star, see its README) into the transcript format: one dialogue per line of
//! `dialogues.jsonl(.gz)`, its Events in order.
//!
//! The user is the customer, the wizard the agent. User `utter` is a customer turn; wizard `utter` an agent turn and
//! wizard `pick_suggestion` an agent turn whose act is the template's ActionLabel; UserGuide `instruct` a system turn;
//! wizard `query` an agent turn with no text, the API as its action and the constraints as its arguments; the
//! KnowledgeBase's `return_item` a tool turn whose text is `{"item": …, "total_items": …}` and whose action is the API
//! it answers. Events the user never sees (`request_suggestions`, `select_*`) and the user's `complete` are left out.
//! Domain: the scenario's Domains joined by `+`; intent: the wizard's tasks joined by `+`; outcome from
//! CompletionLevel: `completed` (Complete, DisconnectDuringQuestionnaire) or `abandoned` (the two disconnects during
//! the dialogue). A dialogue with an unknown event, or an event without its Text or ActionLabel, is rejected.
//! Dialogues where nobody wrote a message (336 in shared/: users who left before a word, with no events or only
//! their instruction) are kept, with outcome `abandoned`, so that abandonment is counted as it happened.

use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::read::{self, Problem};
use super::{Conversation, Converted, Corpus, Speaker, TranscriptError, Turn};

/// Converts STAR's dialogues at `input` (the file, or the folder holding `dialogues.jsonl.gz`).
pub fn convert(input: &Path) -> Result<Converted, TranscriptError> {
    let path = read::input_file(input, &["dialogues.jsonl.gz", "dialogues.jsonl"])?;
    read::json_lines(&path, to_conversation)
}

/// A STAR dialogue: only what conversion reads.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Dialogue {
    #[serde(rename = "DialogueID")]
    dialogue_id: u64,
    completion_level: Option<String>,
    #[serde(default)]
    scenario: Scenario,
    events: Vec<Event>,
}

/// The dialogue's scenario: only what conversion reads.
#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Scenario {
    #[serde(default)]
    domains: Vec<Option<String>>,
    #[serde(default)]
    wizard_capabilities: Vec<Capability>,
}

/// A task the wizard can do.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Capability {
    task: Option<String>,
}

/// One event: only what conversion reads.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Event {
    agent: String,
    action: String,
    action_label: Option<String>,
    text: Option<String>,
    #[serde(rename = "APIName")]
    api_name: Option<String>,
    #[serde(default)]
    constraints: Vec<Map<String, Value>>,
    item: Option<Value>,
    total_items: Option<Value>,
    unix_time: Option<i64>,
}

fn to_conversation(
    dialogue: Dialogue,
    problems: &mut Vec<Problem>,
) -> Result<Conversation, Problem> {
    let id = dialogue.dialogue_id;
    let mut turns = Vec::new();
    let mut last_api = None;
    for (event_idx, event) in dialogue.events.into_iter().enumerate() {
        let missing = |field: &str| {
            Problem::conversation(
                "event without a field it needs",
                format!("event {event_idx}: {} {} without {field}", event.agent, event.action),
            )
        };
        let text = || event.text.clone().ok_or_else(|| missing("Text"));
        let mut turn = match (event.agent.as_str(), event.action.as_str()) {
            ("User", "utter") => Turn::said(Speaker::Customer, text()?),
            ("Wizard", "utter") => Turn::said(Speaker::Agent, text()?),
            ("Wizard", "pick_suggestion") => Turn {
                act: Some(event.action_label.clone().ok_or_else(|| missing("ActionLabel"))?),
                ..Turn::said(Speaker::Agent, text()?)
            },
            ("UserGuide", "instruct") => Turn::said(Speaker::System, text()?),
            ("Wizard", "query") => {
                let api = event.api_name.clone().ok_or_else(|| missing("APIName"))?;
                last_api = Some(api.clone());
                let arguments = event.constraints.iter().flatten();
                Turn {
                    action: Some(api),
                    arguments: Some(arguments.map(|(k, v)| (k.clone(), v.clone())).collect()),
                    ..Turn::said(Speaker::Agent, "")
                }
            }
            ("KnowledgeBase", "return_item") => {
                let answer = json!({ "item": event.item, "total_items": event.total_items });
                Turn {
                    action: event.api_name.clone().or_else(|| last_api.clone()),
                    ..Turn::said(Speaker::Tool, answer.to_string())
                }
            }
            ("User", "complete")
            | (
                "Wizard",
                "request_suggestions" | "select_task" | "select_primary" | "select_secondary",
            ) => {
                continue;
            }
            (agent, action) => {
                return Err(Problem::conversation(
                    "unknown event",
                    format!("event {event_idx}: {agent} {action}"),
                ));
            }
        };
        turn.timestamp = event.unix_time;
        turns.push(turn);
    }
    let mut conversation = Conversation::new(Corpus::Star, id.to_string(), turns);
    let joined = |names: Vec<String>| (!names.is_empty()).then(|| names.join("+"));
    conversation.domain = joined(dialogue.scenario.domains.into_iter().flatten().collect());
    let tasks = dialogue.scenario.wizard_capabilities.into_iter().filter_map(|c| c.task);
    conversation.intent = joined(tasks.collect());
    conversation.outcome = match dialogue.completion_level.as_deref() {
        Some("Complete" | "DisconnectDuringQuestionnaire") => Some("completed".to_owned()),
        Some("EarlyDisconnectDuringDialogue" | "DisconnectDuringDialogue") => {
            Some("abandoned".to_owned())
        }
        Some(other) => {
            problems.push(Problem::label("unknown CompletionLevel", other));
            None
        }
        None => None,
    };
    Ok(conversation)
}
