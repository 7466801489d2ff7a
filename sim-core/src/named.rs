//! Tool calls and utterances by name with values written as text (agents outside rehearse), read into typed actions.
//!
//! The tool is found by its id and each argument by its slot's name (one the tool or a step with it takes); each value is read by the [`TextReader`]
//! against what it may stand for: the world's true value of the slot and every value the customer stated for it.
//! A value that matches nothing reads as a code no world value equals, so the tool's check fails as it would for a
//! built-in agent entering a wrong value. What cannot be read at all (an unknown tool, an argument the tool does not
//! take, more arguments than a call holds) is a protocol error, returned with the reply quoted.

use crate::act::{Act, ActKind, MAX_VALUES, Slot, Speaker};
use crate::agent::{Action, TextReader};
use crate::record::TurnRecord;
use crate::spec::ScenarioSpec;
use crate::world::{ToolArgs, WorldState};

/// Whether `action` names its tool or act as text ([`Action::CallNamed`], [`Action::SayNamed`]).
#[inline]
pub fn is_named(action: &Action) -> bool {
    matches!(action, Action::CallNamed { .. } | Action::SayNamed(_))
}

/// Reads an action by name into the typed action, or [`Action::Fail`] with the protocol error; other actions, and
/// any when there is no reader, are returned as they are or as a failure saying so.
pub fn read_named(
    scenario: &ScenarioSpec,
    world: &WorldState,
    turns: &[TurnRecord],
    reader: Option<&dyn TextReader>,
    action: &Action,
) -> Action {
    let read = match (action, reader) {
        (Action::CallNamed { tool, args }, Some(reader)) => {
            read_call(scenario, world, turns, reader, tool, args)
        }
        (Action::SayNamed(say), Some(reader)) => read_say(scenario, world, turns, reader, say),
        (Action::CallNamed { .. } | Action::SayNamed(_), None) => {
            Err("the engine was given no text reader for actions by name".to_owned())
        }
        (other, _) => Ok(other.clone()),
    };
    read.unwrap_or_else(|reason| Action::Fail { reason })
}

/// Reads a call by name into [`Action::Call`], or the protocol error's reason (for [`Action::Fail`]).
pub fn read_call(
    scenario: &ScenarioSpec,
    world: &WorldState,
    turns: &[TurnRecord],
    reader: &dyn TextReader,
    tool: &str,
    args: &[(String, String)],
) -> Result<Action, String> {
    let error = |problem: String| {
        let written: Vec<String> =
            args.iter().map(|(name, value)| format!("{name}={value:?}")).collect();
        format!("protocol error: {problem} (the call was `{tool}` with {{{}}})", written.join(", "))
    };
    let Some(id) = scenario.tool_id(tool) else {
        return Err(error(format!("the scenario has no tool `{tool}`")));
    };
    if args.len() > MAX_VALUES {
        return Err(error(format!(
            "{} arguments given; a call holds at most {MAX_VALUES}",
            args.len()
        )));
    }
    let takes = scenario.tool_takes(id);
    let mut typed = ToolArgs::default();
    let mut candidates = Vec::new();
    for (name, text) in args {
        let Some(slot) = scenario.slot_named(name).filter(|slot| takes.contains(*slot)) else {
            return Err(error(format!("`{tool}` takes no argument `{name}`")));
        };
        if typed.slots.contains(slot) {
            return Err(error(format!("`{name}` given twice")));
        }
        candidates.clear();
        candidates.extend(world.truth(scenario, slot));
        candidates.extend(customer_said(turns, slot));
        typed.push(slot, reader.read_value(scenario, slot, text, &candidates));
    }
    Ok(Action::Call { tool: id, args: typed })
}

/// An utterance with its act and payload named as text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NamedSay {
    /// The act's name (`ask`, `disclose`, `deny`, `offer`, `inform_result`, `close`...; see [`ActKind::AGENT`]).
    pub act: String,
    /// Slots by name: asked (no value), or stated with their values as written (`disclose`, `offer`).
    pub slots: Vec<(String, Option<String>)>,
    /// For `deny`: the tool whose check said no, by id.
    pub reason: Option<String>,
    /// The request the act is about, by intent id (`inform_result`, `deny`).
    pub intent: Option<String>,
    /// The agent's own words, if any.
    pub text: Option<String>,
}

/// Reads an utterance by name into [`Action::Say`], or the protocol error's reason (for [`Action::Fail`]): the act
/// by name, each slot by name, each stated value like a call's argument (against the world's truth and what the
/// customer said), a refusal's reason by its tool id and the request by its intent id.
pub fn read_say(
    scenario: &ScenarioSpec,
    world: &WorldState,
    turns: &[TurnRecord],
    reader: &dyn TextReader,
    say: &NamedSay,
) -> Result<Action, String> {
    let error = |problem: String| format!("protocol error: {problem} (the act was {say:?})");
    let Some(kind) = ActKind::agent_act(&say.act) else {
        return Err(error(format!("no agent act is named `{}`", say.act)));
    };
    if say.slots.len() > MAX_VALUES {
        return Err(error(format!(
            "{} slots given; an act holds at most {MAX_VALUES}",
            say.slots.len()
        )));
    }
    let mut act = Act::bare(kind);
    if let Some(intent) = &say.intent {
        let Some(id) = scenario.intent_id(intent) else {
            return Err(error(format!("the scenario has no intent `{intent}`")));
        };
        act.intent = id;
    }
    if let Some(reason) = &say.reason {
        let Some(tool) = scenario.tool_id(reason).filter(|_| kind == ActKind::Deny) else {
            return Err(error(format!("`{reason}` is no tool a refusal can name")));
        };
        act = Act::deny(act.intent, Some(tool));
    }
    let mut candidates = Vec::new();
    for (name, value) in &say.slots {
        let Some(slot) = scenario.slot_named(name) else {
            return Err(error(format!("the scenario has no slot `{name}`")));
        };
        if act.slots.contains(slot) {
            return Err(error(format!("`{name}` given twice")));
        }
        match value {
            None => act.slots = act.slots.with(slot),
            Some(text) => {
                candidates.clear();
                candidates.extend(world.truth(scenario, slot));
                candidates.extend(customer_said(turns, slot));
                act.put(slot, reader.read_value(scenario, slot, text, &candidates));
            }
        }
    }
    Ok(Action::Say { act, text: say.text.clone() })
}

/// Every value the customer stated for `slot`, in order.
pub fn customer_said(
    turns: &[TurnRecord],
    slot: Slot,
) -> impl DoubleEndedIterator<Item = u64> + '_ {
    let said = turns.iter().filter(|row| row.speaker == Speaker::Customer);
    said.filter_map(move |row| row.act?.value_of(slot))
}

#[cfg(test)]
mod tests;
