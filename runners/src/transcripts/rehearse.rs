//! rehearse's own runs into the transcript format, so simulated and real conversations go through one feature code
//! path: `transcripts.jsonl` of a run folder, one episode per line (`output::TranscriptLine`).
//!
//! Customer messages are `customer` turns, agent messages `agent` turns, each with its act (the act the customer
//! meant, the act the agent meant or, for free text, the act the tagger read); a customer turn of several lines
//! (real messages sent one after another before the agent answered, `run --customer-text`) is that many `customer`
//! turns, each with the turn's act; a tool message becomes an agent turn
//! with the tool as `action` and its arguments, then a `tool` turn with the result's text. Conversation id: the
//! episode index; domain: the flow; intent: the subflow; outcome: `completed` for an episode the agent closed, else
//! its end (`abandoned`, `escalated`, `turn_limit`, `agent_failed`); traits: the customer's drawn traits and
//! `persona`. A line that is not an episode is rejected with its number.

use std::path::Path;

use serde_json::{Map, Value};

use super::read::{self, Problem};
use super::{Conversation, Converted, Corpus, Speaker, Trait, TranscriptError, Turn};
use crate::output::TranscriptLine;

/// Converts the run at `input` (its folder, or its `transcripts.jsonl`).
pub fn convert(input: &Path) -> Result<Converted, TranscriptError> {
    let path = read::input_file(input, &["transcripts.jsonl"])?;
    read::json_lines(&path, to_conversation)
}

fn to_conversation(line: TranscriptLine, _: &mut Vec<Problem>) -> Result<Conversation, Problem> {
    let mut turns = Vec::with_capacity(line.messages.len());
    for message in line.messages {
        let act = message.act.or(message.tagged.map(|tagged| tagged.act));
        match message.role.as_str() {
            // A customer turn sent as several messages (retrieved from a real run of them) has one a line.
            "user" => turns.extend(
                message
                    .content
                    .split('\n')
                    .map(|text| Turn { act: act.clone(), ..Turn::said(Speaker::Customer, text) }),
            ),
            "assistant" => turns.push(Turn { act, ..Turn::said(Speaker::Agent, message.content) }),
            "tool" => {
                let arguments = message
                    .arguments
                    .as_deref()
                    .map(serde_json::from_str::<Map<String, Value>>)
                    .transpose()
                    .map_err(|err| {
                        Problem::conversation(
                            "tool arguments are not a JSON object",
                            err.to_string(),
                        )
                    })?;
                turns.push(Turn {
                    action: message.name,
                    arguments,
                    ..Turn::said(Speaker::Agent, "")
                });
                turns.push(Turn::said(Speaker::Tool, message.content));
            }
            other => {
                let detail = format!("turn {}: {other:?}", message.turn);
                return Err(Problem::conversation("unknown role", detail));
            }
        }
    }
    let mut conversation = Conversation::new(Corpus::Rehearse, line.episode.to_string(), turns);
    conversation.domain = Some(line.flow);
    conversation.intent = Some(line.subflow);
    conversation.outcome = Some(match line.outcome.end.as_str() {
        "closed" => "completed".to_owned(),
        end => end.to_owned(),
    });
    for (name, value) in line.customer.traits {
        conversation.traits.insert(name, Trait::Number(value));
    }
    conversation.traits.insert("persona".to_owned(), Trait::Text(line.persona));
    Ok(conversation)
}
