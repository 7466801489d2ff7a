//! Tool calls by name with arguments written as text (agents outside rehearse), read into typed calls.
//!
//! The tool is found by its id and each argument by its slot's name (one the tool or a step with it takes); each value is read by the [`TextReader`]
//! against what it may stand for: the world's true value of the slot and every value the customer stated for it.
//! A value that matches nothing reads as a code no world value equals, so the tool's check fails as it would for a
//! built-in agent entering a wrong value. What cannot be read at all (an unknown tool, an argument the tool does not
//! take, more arguments than a call holds) is a protocol error, returned with the reply quoted.

use crate::act::{MAX_VALUES, Speaker};
use crate::agent::{Action, TextReader};
use crate::record::TurnRecord;
use crate::spec::ScenarioSpec;
use crate::world::{ToolArgs, WorldState};

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
        let said = turns.iter().filter(|row| row.speaker == Speaker::Customer);
        candidates.extend(said.filter_map(|row| row.act?.value_of(slot)));
        typed.push(slot, reader.read_value(scenario, slot, text, &candidates));
    }
    Ok(Action::Call { tool: id, args: typed })
}

#[cfg(test)]
mod tests;
