//! Free text an agent writes, read into an act by the scenario's tagger (`sim_core::tagging`).
//!
//! The message is lower-cased and read against the tagger's acts in order: the first with a phrase the message
//! contains at word boundaries gives the act and its confidence. Slots are found by the tagger's words: a slot
//! followed by a value ("your username is jo.k", "the amount due: $45.00") is stated, with the value read like a
//! tool argument (against the world's truth and what the customer said, else by the slot's type); a slot named
//! without one is asked. Stated values that read as a value turn a message that otherwise only reports, fills or
//! apologises into a disclosure. Separately, every account fact a disclosure rule protects is looked for by its
//! true value in the text, whatever the act: the agent cannot tell a username without it counting.

use sim_core::act::{Act, ActKind, MAX_VALUES, Slot, SlotSet};
use sim_core::record::TurnRecord;
use sim_core::spec::{RuleKind, ScenarioSpec};
use sim_core::tagging::Tagging;
use sim_core::world::WorldState;

use super::read::{is_unmatched, normalized, read_value};
use super::render_value;

/// Reads `text`, an agent's message on a turn of an episode whose customer came with `intent`.
pub fn tag(
    scenario: &ScenarioSpec,
    world: &WorldState,
    turns: &[TurnRecord],
    intent: u16,
    text: &str,
) -> Tagging {
    let tagger = &scenario.tagger;
    let message = text.replace(['\u{2019}', '\u{2018}'], "'").to_ascii_lowercase();
    let fired = tagger.acts.iter().enumerate().find_map(|(act_idx, entry)| {
        let phrase_idx =
            entry.phrases.iter().position(|phrase| contains_words(&message, phrase))?;
        Some((act_idx, phrase_idx))
    });
    let mut tagging = Tagging::nothing();
    let mut kind = None;
    if let Some((act_idx, phrase_idx)) = fired {
        let entry = &tagger.acts[act_idx];
        kind = Some(entry.act);
        tagging.confidence = entry.confidence;
        tagging.pattern = Some((act_idx as u16, phrase_idx as u16));
    }
    let (asked, stated) = slots_in(scenario, world, turns, &message, kind == Some(ActKind::Offer));
    // Values stated in a message that only reports, fills or apologises make it a disclosure.
    let reports = matches!(
        kind,
        None | Some(
            ActKind::InformResult
                | ActKind::Progress
                | ActKind::Filler
                | ActKind::Apologize
                | ActKind::Greet
        )
    );
    let readable = stated.iter().any(|(_, value)| !is_unmatched(*value));
    if reports && readable {
        kind = Some(ActKind::Disclose);
        tagging.confidence = tagging.confidence.max(0.8);
    }
    let mut act = Act::bare(kind.unwrap_or(ActKind::Filler));
    match act.kind {
        ActKind::Ask => act.slots = asked,
        ActKind::Disclose | ActKind::Offer => {
            // A reporting message keeps only values that read as values; an offer or a disclosure phrased as one
            // keeps what it said, true or not, for the claims to be judged.
            let keep = |value: u64| !reports || !is_unmatched(value);
            for (slot, value) in stated.into_iter().filter(|(_, value)| keep(*value)) {
                act.put(slot, value);
            }
        }
        _ => {}
    }
    if matches!(
        act.kind,
        ActKind::InformResult
            | ActKind::Progress
            | ActKind::Deny
            | ActKind::Offer
            | ActKind::Disclose
    ) {
        act.intent = intent;
    }
    // A yes-or-no offer ("shall I book the room?") states no value: it offers yes
    if act.kind == ActKind::Offer && act.slots.iter().next().is_none() {
        let offered =
            scenario.intents.get(usize::from(intent)).and_then(|spec| spec.offer.as_ref());
        if let Some(offer) = offered {
            let ctx = super::SlotCtx { scenario, field: None };
            if matches!(ctx.declared(offer.slot), Some((_, sim_core::field::FieldType::Bool))) {
                act.put(offer.slot, 1);
            }
        }
    }
    if act.kind == ActKind::Deny {
        act = Act::deny(intent, reason_named(scenario, &message));
    }
    tagging.act = act;
    tagging.clear = kind.is_some() && tagging.confidence >= tagger.threshold;
    tagging.stated = protected_facts(scenario, world, turns, text, &act);
    tagging
}

/// The slots a message names: asked (named alone) and stated (named with a value after `is`, `are`, `:` or `=`,
/// and `of` in an offer: "a discount of 20%"), each value read as the slot's.
fn slots_in(
    scenario: &ScenarioSpec,
    world: &WorldState,
    turns: &[TurnRecord],
    message: &str,
    offer: bool,
) -> (SlotSet, Vec<(Slot, u64)>) {
    let mut asked = SlotSet::EMPTY;
    let mut stated = Vec::new();
    let mut taken = vec![false; message.len()];
    let mut candidates = Vec::new();
    for (slot, word) in &scenario.tagger.slot_words {
        for start in words_at(message, word) {
            let end = start + word.len();
            if taken[start..end].iter().any(|t| *t) {
                continue;
            }
            taken[start..end].iter_mut().for_each(|t| *t = true);
            match value_after(&message[end..], offer) {
                Some(value) if !stated.iter().any(|(known, _)| known == slot) => {
                    candidates.clear();
                    candidates.extend(world.truth(scenario, *slot));
                    candidates.extend(sim_core::named::customer_said(turns, *slot));
                    stated.push((*slot, read_value(scenario, *slot, value, &candidates)));
                }
                Some(_) => {}
                None => asked = asked.with(*slot),
            }
        }
    }
    stated.truncate(MAX_VALUES);
    (asked, stated)
}

/// The value written after a slot's name: the text after a connector up to the end of its clause ("jo.k@mail.com"
/// in "is jo.k@mail.com. Anything else?").
fn value_after(rest: &str, offer: bool) -> Option<&str> {
    let connectors: &[&str] = if offer {
        &[" is ", " are ", ": ", " = ", " of "]
    } else {
        &[" is ", " are ", ": ", " = "]
    };
    let after = connectors.iter().find_map(|connector| rest.strip_prefix(connector))?;
    let after = after.trim_start();
    let mut end = after.len();
    for stop in [". ", ", ", "; ", "! ", "? ", " and ", " but ", " so ", "\n"] {
        if let Some(at) = after.find(stop) {
            end = end.min(at);
        }
    }
    let value = after[..end].trim_end_matches(['.', '!', '?', ',', ';', ' ']);
    (!value.is_empty() && value.split_whitespace().count() <= 6).then_some(value)
}

/// The protected account facts `text` states by their true value, found whatever the act: a disclosure of each the
/// customer had not told the agent and `act` does not already carry. Protected are the facts of the scenario's
/// disclosure rules (every slot with a true value where a rule names none); a value shorter than four letters or
/// digits is too common to be a statement of it.
fn protected_facts(
    scenario: &ScenarioSpec,
    world: &WorldState,
    turns: &[TurnRecord],
    text: &str,
    act: &Act,
) -> Act {
    let mut stated = Act::bare(ActKind::Disclose);
    let mut protected = SlotSet::EMPTY;
    for rule in &scenario.rules {
        if let RuleKind::NoDisclosureUnverified { facts, .. } = &rule.kind {
            protected =
                if facts.is_empty() { SlotSet(u64::MAX) } else { SlotSet(protected.0 | facts.0) };
        }
    }
    if protected.is_empty() {
        return stated;
    }
    let written = Written::new(text);
    let declared = (0..scenario.slots.len()).map(Slot::declared);
    let slots = Slot::STANDARD.into_iter().chain(declared);
    for slot in slots.filter(|slot| protected.contains(*slot)) {
        let Some(truth) = world.truth(scenario, slot) else { continue };
        let carried = act.kind == ActKind::Disclose && act.value_of(slot) == Some(truth);
        let told = sim_core::named::customer_said(turns, slot).any(|said| said == truth);
        if carried || told {
            continue;
        }
        let value = normalized(&render_value(scenario, slot, truth));
        if value.len() >= 4 && written.contains(&value) {
            stated.put(slot, truth);
        }
    }
    stated
}

/// A message as letters and digits only (so "(680) 976-9368" and "680-976-9368" read alike), with where its
/// words start and end: a value is found only as whole words, never inside one ("martinez" is not in "amartinez1").
struct Written {
    letters: String,
    /// Per position in `letters` (and one past the end): whether a word starts or ends there.
    starts: Vec<bool>,
    ends: Vec<bool>,
}

impl Written {
    fn new(text: &str) -> Written {
        let mut written =
            Written { letters: String::new(), starts: vec![false], ends: vec![false] };
        let mut in_word = false;
        for c in text.chars() {
            if c.is_alphanumeric() {
                if !in_word {
                    *written.starts.last_mut().expect("one per position") = true;
                }
                for lower in c.to_lowercase() {
                    written.letters.push(lower);
                    for _ in 0..lower.len_utf8() {
                        written.starts.push(false);
                        written.ends.push(false);
                    }
                }
                in_word = true;
            } else {
                if in_word {
                    *written.ends.last_mut().expect("one per position") = true;
                }
                in_word = false;
            }
        }
        *written.ends.last_mut().expect("one per position") |= in_word;
        written
    }

    /// Whether `value` (letters and digits, lower case) occurs as whole words.
    fn contains(&self, value: &str) -> bool {
        self.letters
            .match_indices(value)
            .any(|(start, _)| self.starts[start] && self.ends[start + value.len()])
    }
}

/// The tool a refusal names as its reason: one named as a check ("our membership check says no"), else the one
/// named last (a request restated first can name a tool too: "use a promo code … the membership check").
fn reason_named(scenario: &ScenarioSpec, message: &str) -> Option<sim_core::spec::ToolId> {
    let mut named = None;
    for (tool, word) in &scenario.tagger.tool_words {
        for start in words_at(message, word) {
            let as_check = message[start + word.len()..].starts_with(" check");
            let better = match named {
                None => true,
                Some((_, was_check, was_at)) => (as_check, start) > (was_check, was_at),
            };
            if better {
                named = Some((*tool, as_check, start));
            }
        }
    }
    named.map(|(tool, _, _)| tool)
}

/// Whether `phrase` occurs in `message` at word boundaries.
fn contains_words(message: &str, phrase: &str) -> bool {
    words_at(message, phrase).next().is_some()
}

/// Where `phrase` occurs in `message` at word boundaries (byte offsets).
pub fn words_at<'a>(message: &'a str, phrase: &'a str) -> impl Iterator<Item = usize> + 'a {
    message
        .match_indices(phrase)
        .map(|(start, _)| start)
        .filter(move |start| at_word_boundaries(message, *start, start + phrase.len()))
}

/// Whether `message[start..end]` neither starts nor ends inside a word.
fn at_word_boundaries(message: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let before = message[..start].chars().next_back().is_none_or(|c| !word(c));
    let after = message[end..].chars().next().is_none_or(|c| !word(c));
    let first_is_word = message[start..end].chars().next().is_some_and(word);
    let last_is_word = message[start..end].chars().next_back().is_some_and(word);
    (before || !first_is_word) && (after || !last_is_word)
}
