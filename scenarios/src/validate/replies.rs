//! The agent's words for some acts (a source's template replies): each names an agent act, slots the scenario
//! has, an intent it has, a tool it follows (a refusal's check, a result's call), holes that name slots, and a
//! positive weight.

use sim_core::act::{ActKind, SlotSet};
use sim_core::spec::{AgentReply, IntentSpec};

use super::records::Names;
use super::{Issues, ToolIds};
use crate::file::AgentReplyFile;
use crate::path::FieldPath;

/// Checks and builds the scenario's agent replies; every problem is reported at its entry.
pub(super) fn agent_replies(
    files: &[AgentReplyFile],
    intents: &[IntentSpec],
    tools: &ToolIds,
    names: &Names,
    at: &FieldPath,
    issues: &mut Issues,
) -> Vec<AgentReply> {
    let mut out = Vec::with_capacity(files.len());
    for (idx, file) in files.iter().enumerate() {
        let at = at.index(idx);
        let before = issues.0.len();
        let act = ActKind::agent_act(&file.act);
        if act.is_none() {
            let acts: Vec<&str> = ActKind::AGENT.iter().map(|act| act.name()).collect();
            issues.push(
                at.field("act"),
                format!("`{}` is not an agent act; agent acts are {}", file.act, acts.join(", ")),
            );
        }
        let mut slots = SlotSet::EMPTY;
        for slot in &file.slots {
            match names.slot(&slot.0) {
                Some(found) => slots = slots.with(found),
                None => issues.push(at.field("slots"), format!("unknown slot `{}`", slot.0)),
            }
        }
        let intent = file.intent.as_ref().and_then(|id| {
            let found = intents.iter().position(|intent| intent.id == *id);
            if found.is_none() {
                issues.push(at.field("intent"), format!("unknown intent `{id}`"));
            }
            found.and_then(|index| u16::try_from(index).ok())
        });
        let after = file.after.as_ref().and_then(|id| {
            if !matches!(act, None | Some(ActKind::Deny | ActKind::InformResult | ActKind::Progress)) {
                issues.push(
                    at.field("after"),
                    "only a `deny` (after its check), an `inform_result` or a `progress` (after its call) follows \
                     a tool"
                        .to_owned(),
                );
            }
            let found = tools.get(id);
            if found.is_none() {
                issues.push(at.field("after"), format!("unknown tool `{id}`"));
            }
            found
        });
        match holes(&file.text) {
            Ok(holes) => {
                for hole in holes.into_iter().filter(|hole| names.slot(hole).is_none()) {
                    issues.push(at.field("text"), format!("`{{{hole}}}` names no slot"));
                }
            }
            Err(problem) => issues.push(at.field("text"), problem),
        }
        if file.text.trim().is_empty() {
            issues.push(at.field("text"), "the text is empty".to_owned());
        }
        if !(file.weight.is_finite() && file.weight > 0.0) {
            issues.push(at.field("weight"), format!("{} is no positive weight", file.weight));
        }
        if let (Some(act), true) = (act, issues.0.len() == before) {
            let (text, weight) = (file.text.clone(), file.weight);
            out.push(AgentReply { act, slots, intent, after, text, weight });
        }
    }
    out
}

/// The slot names of a text's `{slot}` holes, or what is wrong with its braces.
pub fn holes(text: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err("a `}` closes no `{`".to_owned());
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| "a `{` is not closed".to_owned())?;
        let name = &after[..close];
        if name.is_empty() || name.contains('{') {
            return Err(format!("`{{{name}}}` is not a slot name"));
        }
        out.push(name);
        rest = &after[close + 1..];
    }
    Ok(out)
}
