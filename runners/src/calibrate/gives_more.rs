//! A persona's `gives_more`, counted from real conversations: how often a customer asked for one value of their
//! request gives the rest of it with the answer ("May 4th to 31st", asked the day they arrive).
//!
//! The request of a conversation is what its tool calls took (each argument read as the scenario's slot through its
//! `corpus_slots`), less what is no goal of the conversation's intent (a name). The slot an agent message asks for
//! is the one whose words (the scenario tagger's `slot_words`) it has, when it has one slot's alone. The customer's
//! first message after it that gives that slot's value (the values found in the customer's words, `Turn::slots`)
//! counts when values of the request were still to give; it gave more when it gives some of those too. Where a
//! conversation never called a tool, or asks nothing the tagger names, nothing is counted.

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use sim_core::act::{Slot, SlotSet};
use sim_core::spec::ScenarioSpec;

use crate::transcripts::{Conversation, Speaker, Turn};

/// By the slot asked for (its name): the answers that gave more, and all the answers counted.
pub type GivesMore = BTreeMap<String, (u64, u64)>;

/// Counts the answers of `conversations` (prepared by [`crate::customer_text::prepare`]) in `scenario`'s terms.
pub fn count(conversations: &[Conversation], scenario: &ScenarioSpec) -> GivesMore {
    let mut out = GivesMore::new();
    for conversation in conversations {
        let Some(goals) = intent_goals(conversation, scenario) else { continue };
        let request = SlotSet(called(conversation, scenario).0 & goals.0);
        if request.is_empty() {
            continue;
        }
        let mut given = SlotSet::EMPTY;
        let mut asked: Option<Slot> = None;
        for turn in &conversation.turns {
            match turn.speaker {
                Speaker::Agent if turn.action.is_none() => asked = asked_in(&turn.text, scenario),
                Speaker::Customer => {
                    let gives = values_in(turn, scenario);
                    if let Some(slot) = asked.take().filter(|slot| gives.contains(*slot)) {
                        let left = request.0 & !given.0 & !SlotSet::EMPTY.with(slot).0;
                        if left != 0 {
                            let counts =
                                out.entry(scenario.slot_name(slot).to_owned()).or_default();
                            counts.0 += u64::from(gives.0 & left != 0);
                            counts.1 += 1;
                        }
                    }
                    given = SlotSet(given.0 | gives.0);
                }
                _ => {}
            }
        }
    }
    out
}

/// The goal slots of the scenario intent the conversation's label names.
fn intent_goals(conversation: &Conversation, scenario: &ScenarioSpec) -> Option<SlotSet> {
    let index = scenario.corpus_intent(conversation.intent.as_deref()?)?;
    Some(scenario.intents[index].goal_slots)
}

/// The slots the conversation's tool calls took.
fn called(conversation: &Conversation, scenario: &ScenarioSpec) -> SlotSet {
    let calls = conversation.turns.iter().filter_map(|turn| Some((turn.action.as_ref()?, turn)));
    let mut out = SlotSet::EMPTY;
    for (action, turn) in calls {
        for name in turn.arguments.iter().flat_map(|arguments| arguments.keys()) {
            if let Some(slot) = scenario.corpus_slot(&format!("{action}.{name}")) {
                out = out.with(slot);
            }
        }
    }
    out
}

/// The slots whose values a customer message gives.
fn values_in(turn: &Turn, scenario: &ScenarioSpec) -> SlotSet {
    let slots = turn.slots.keys().filter_map(|name| scenario.corpus_slot(name));
    slots.fold(SlotSet::EMPTY, SlotSet::with)
}

/// The one slot an agent message asks for by the tagger's words, if it names one alone: each of its `slot_words`
/// found as whole words (as the tagger finds them), longest first, where no longer one was found ("your name"
/// before "name").
fn asked_in(text: &str, scenario: &ScenarioSpec) -> Option<Slot> {
    let text = text.to_lowercase();
    let mut taken = vec![false; text.len()];
    let mut slots = SlotSet::EMPTY;
    for (slot, words) in &scenario.tagger.slot_words {
        for start in sim_personas::realise::words_at(&text, words) {
            let end = start + words.len();
            if !taken[start..end].contains(&true) {
                taken[start..end].fill(true);
                slots = slots.with(*slot);
            }
        }
    }
    (slots.len() == 1).then(|| slots.iter().next()).flatten()
}
