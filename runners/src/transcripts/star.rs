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
//!
//! STAR labels no words, so a customer turn's `slots` come from the wizard's queries: for each argument of a query
//! whose value is a string (`"Ben"` or `api.is_equal_to("Ben")`, trimmed; other forms are skipped), the latest
//! customer turn before the query that has it as whole words, ignoring case, gets `{API}.{argument}` mapped to the
//! words as the customer wrote them. `RequestType` is skipped: the wizard picks it, the customer does not say it.
//! A value is also found in the other words STAR's customers write for it (`other_words`): a city's short name
//! ("NYC", "New York" and "LA" for New York City and Los Angeles) and, when the user's instructions say what day it
//! is ("Today is Wednesday"), "tomorrow" for the day after it and "today" or "tonight" for that day.

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
    annotate_slots(&mut turns);
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

/// Fills customer turns' `slots` from the queries after them, as the module's doc says.
pub(super) fn annotate_slots(turns: &mut [Turn]) {
    for query_idx in 0..turns.len() {
        let today = turns[..query_idx]
            .iter()
            .rev()
            .filter(|turn| turn.speaker == Speaker::System)
            .find_map(|turn| {
                let at = turn.text.find("Today is ")? + "Today is ".len();
                DAYS.iter().position(|day| turn.text[at..].starts_with(day))
            });
        let (before, rest) = turns.split_at_mut(query_idx);
        let query = &rest[0];
        let (Speaker::Agent, Some(action), Some(arguments)) =
            (query.speaker, &query.action, &query.arguments)
        else {
            continue;
        };
        for (name, value) in arguments {
            if name == "RequestType" {
                continue;
            }
            let Some(wanted) = value.as_str().and_then(constraint_text) else {
                continue;
            };
            let words = other_words(wanted, today);
            for turn in before.iter_mut().rev() {
                if turn.speaker != Speaker::Customer {
                    continue;
                }
                let found = std::iter::once(wanted)
                    .chain(words.iter().copied())
                    .find_map(|words| find_whole_words(&turn.text, words));
                if let Some(said) = found {
                    let said = said.to_owned();
                    turn.slots.insert(format!("{action}.{name}"), said);
                    break;
                }
            }
        }
    }
}

/// The days of the week, from Sunday.
const DAYS: [&str; 7] =
    ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/// Other words STAR's customers write for a query's value: a city's short names; for the day after `today` (an
/// index into [`DAYS`]) "tomorrow", for `today` itself "today" and "tonight".
pub(super) fn other_words(wanted: &str, today: Option<usize>) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = match wanted {
        "New York City" => vec!["New York", "NYC"],
        "Los Angeles" => vec!["LA", "L.A."],
        "San Francisco" => vec!["San Fran", "SF"],
        _ => Vec::new(),
    };
    if let (Some(today), Some(day)) =
        (today, DAYS.iter().position(|day| day.eq_ignore_ascii_case(wanted)))
    {
        if day == (today + 1) % 7 {
            out.push("tomorrow");
        }
        if day == today {
            out.extend(["today", "tonight"]);
        }
    }
    out
}

/// The text a constraint asks for: `"Ben"` and `api.is_equal_to("Ben")` give `Ben`, trimmed; other forms, or an
/// empty text, give none.
fn constraint_text(constraint: &str) -> Option<&str> {
    let inner = constraint
        .strip_prefix("api.is_equal_to(")
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or(constraint);
    let text = inner.strip_prefix('"')?.strip_suffix('"')?.trim();
    (!text.is_empty()).then_some(text)
}

/// The first place `wanted` occurs in `text` ignoring case and not inside a word (no letter or digit just before
/// or after it), as `text` has it.
fn find_whole_words<'a>(text: &'a str, wanted: &str) -> Option<&'a str> {
    for (start, _) in text.char_indices() {
        let Some(len) = caseless_prefix_len(&text[start..], wanted) else {
            continue;
        };
        let end = start + len;
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return Some(&text[start..end]);
        }
    }
    None
}

/// The length in bytes of the start of `text` that equals `wanted` ignoring case, if `text` starts so.
fn caseless_prefix_len(text: &str, wanted: &str) -> Option<usize> {
    let mut text_chars = text.chars();
    let mut len = 0;
    for wanted_char in wanted.chars() {
        let text_char = text_chars.next()?;
        if !text_char.to_lowercase().eq(wanted_char.to_lowercase()) {
            return None;
        }
        len += text_char.len_utf8();
    }
    Some(len)
}
