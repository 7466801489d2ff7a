//! Customer text drawn from real customers: a phrasebook of real customer messages, each filed under the rehearse
//! act it was read as (a [`Key`]: the act's kind, the slots it gives, the intent it states) and the agent act it
//! answered, with the values it gives cut out as holes ([`Template`]).
//!
//! [`Retriever`] renders a customer turn as one of the messages filed under its act, picked by the turn's text seed (so
//! the same row reads the same in every run), its holes filled with the act's own values written as the realiser writes
//! them, in the case and number form of the values they replace ("pittsburgh", "9120029930"), so an agent reads exactly
//! the values the act carries, written as real customers write them. It looks first among the messages that answered
//! the same agent act, when there are at least [`MIN_ANSWERING`] (a need, which says the customer's first request or
//! another by what it answers, whenever there are any, unless it answers a result told: the 35 follow-ups STAR's
//! customers wrote after a forecast with a day in them were an eighth of a run's customer messages, each one many
//! times), then among all of the act's messages that answered some agent
//! act (an opening answers none), then among all of the act's. An acknowledgement is only ever taken from messages that
//! answered the same agent act ("bummer, oh well" answers a refusal, not a booking), a disclosure counting as a result
//! told, or else from those whose agent act is not known. A message may be several lines: real messages one customer
//! sent one after another before the agent answered, filed as one turn by the caller. An answer giving several values
//! that no single message gives, or that fewer than [`MIN_TOGETHER`] give (one real customer's words would speak for
//! every simulated one), is said as the messages of the largest sets of them that some do, joined by commas, and a
//! value no message of the phrasebook gives at all (MultiDoGO never gives a one-time code) said bare after them, as
//! real customers answer ("…, 123456"), or alone ("123456") when no message gives any; a need said with values, as
//! the need with the most of them that some message gives, then the rest so. An act the phrasebook has no message for,
//! and every turn that is not the customer's, renders by the template [`Realiser`]; [`Phrasebook::render`] says which,
//! so a run can count them ([`Phrasebook::covers`] asks without writing).
//!
//! Reading real messages as acts needs transcripts and a tagger, so the phrasebook is filled by its caller
//! ([`Phrasebook::add`]); nothing here reads files.
//!
//! ```
//! use sim_core::act::{Act, ActKind, Slot, SlotSet, Speaker};
//! use sim_core::record::TurnRecord;
//! use sim_personas::phrasebook::{After, Drawn, Key, Phrasebook, Template};
//!
//! let scenario = sim_core::testing::tiny_scenario();
//! let mut book = Phrasebook::default();
//! let template = Template::cut("its ben thx", &[(Slot::FULL_NAME, "ben")]).unwrap();
//! book.add(Key::new(ActKind::Inform, SlotSet::EMPTY.with(Slot::FULL_NAME), None), After::Agent(ActKind::Ask), template);
//!
//! let mut act = Act::bare(ActKind::Inform);
//! act.put(Slot::FULL_NAME, 5005);
//! let row = TurnRecord { act: Some(act), ..TurnRecord::blank(2, Speaker::Customer) };
//! let mut text = String::new();
//! assert_eq!(book.render(&scenario, &[], &row, &mut text), Some(Drawn::Real));
//! assert_eq!(text, "its crystal minh thx");
//! ```

use std::collections::BTreeMap;

use sim_core::act::{ActKind, MAX_VALUES, Slot, SlotSet, Speaker};
use sim_core::customer::Customer;
use sim_core::record::TurnRecord;
use sim_core::spec::{IntentId, ScenarioSpec};

use crate::realise::{Pick, Realiser, render_value_into};

/// Of the needs like `key` giving some of its values, the one giving the most that `lists` has messages for
/// (perhaps none of the values): the values it gives, and its messages.
fn most_said<'a>(key: Key, lists: impl Fn(Key) -> Option<&'a [u32]>) -> Option<(u64, &'a [u32])> {
    let all = key.slots.0;
    let mut best: Option<(u32, u64, &[u32])> = None;
    let mut subset = all;
    loop {
        let need = Key { slots: SlotSet(subset), ..key };
        if let Some(list) = lists(need)
            && best.is_none_or(|(most, _, _)| subset.count_ones() > most)
        {
            best = Some((subset.count_ones(), subset, list));
        }
        if subset == 0 {
            break;
        }
        subset = (subset - 1) & all;
    }
    best.map(|(_, said, list)| (said, list))
}

/// The fewest messages an answer giving several values is drawn from whole; fewer are said in parts, if parts can.
pub const MIN_TOGETHER: usize = 3;

/// The fewest messages answering the same agent act a turn is drawn from; with fewer, it is drawn from all of its act's
/// that answered some agent act (which hold them): three real asides after a question would be every simulated one's
/// (STAR's hotel and weather customers wrote three; one, "the blog is really dope and i trust it", was 77 of a run's
/// 11,616 customer messages, and the classifier on single messages found it).
pub const MIN_ANSWERING: usize = 20;

/// What a message is filed under: the act it was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// The act's kind.
    pub act: ActKind,
    /// The slots it gives (an `Inform`'s), as the scenario's slots.
    pub slots: SlotSet,
    /// The intent it states (a `StateNeed` or an `Insist`), as the scenario's intent.
    pub intent: Option<IntentId>,
}

impl Key {
    /// A key; the intent is kept only for the acts that state one.
    pub fn new(act: ActKind, slots: SlotSet, intent: Option<IntentId>) -> Key {
        let intent = intent.filter(|_| states_intent(act));
        Key { act, slots, intent }
    }

    /// The key of a customer's act as the engine logged it.
    fn of(act: &sim_core::act::Act) -> Key {
        let gives = matches!(act.kind, ActKind::Inform | ActKind::StateNeed);
        let slots = if gives { act.slots } else { SlotSet::EMPTY };
        Key::new(act.kind, slots, Some(act.intent))
    }
}

/// What a real message answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After {
    /// Nothing: it opened the conversation.
    Start,
    /// An agent utterance read as this act.
    Agent(ActKind),
    /// An agent utterance whose act is not known: the message is only found by its key alone.
    Unknown,
}

/// Whether a message of this kind says what the customer came for, so is filed by intent.
fn states_intent(act: ActKind) -> bool {
    matches!(act, ActKind::StateNeed | ActKind::Insist)
}

/// The agent act a message is filed as answering: a disclosure (the agent stating facts, a forecast) is answered like
/// any other result told.
fn answered(act: ActKind) -> ActKind {
    if act == ActKind::Disclose { ActKind::InformResult } else { act }
}

/// Whether a message of this kind only fits the agent act it answered.
fn answers_only_its_act(act: ActKind) -> bool {
    act == ActKind::Acknowledge
}

/// One piece of a message: words as the customer wrote them, or a hole for a slot's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Words kept as written.
    Text(String),
    /// Where the value of this slot goes, written the way the customer wrote theirs.
    Hole(Slot, Written),
}

/// How a real customer wrote a value, so the value put in its place reads the same way: "pittsburgh" in lower
/// case, "9120029930" and "325" as bare digits. Only the writing changes, never the value: letters are lower-cased,
/// and a number's dollar sign, thousands commas, brackets, dashes and spaces are dropped, its decimal point kept
/// (and no cents at all, "128", when they are none); a date is written in the customer's way of writing one
/// ([`DateStyle`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// The customer wrote letters, none of them upper-case.
    pub lower: bool,
    /// The customer wrote digits alone.
    pub digits: bool,
    /// The customer wrote a date, this way.
    pub date: Option<DateStyle>,
    /// The customer wrote one of the slot's aliases ("tomorrow", "nyc"): the value put in its place is written as
    /// an alias of its own when it has one ("today"), else as itself ("friday").
    pub alias: bool,
}

impl Written {
    /// How `words` (a value as a customer wrote it) are written.
    pub fn of(words: &str) -> Written {
        let lower =
            words.chars().any(char::is_alphabetic) && !words.chars().any(char::is_uppercase);
        let digits = !words.is_empty() && words.bytes().all(|byte| byte.is_ascii_digit());
        Written { lower, digits, date: DateStyle::of(words), alias: false }
    }

    /// Appends `value` (a value as the realiser writes it) written this way.
    pub fn put(self, value: &str, out: &mut String) {
        // A date as the realiser writes one names its month ("June 3, 2018"); digits alone are a code or a number.
        if let Some(style) = self.date
            && value.chars().any(char::is_alphabetic)
            && let Some(day) = sim_core::field::calendar::parse(value)
        {
            // A date in words has its month lower-cased when the customer's was.
            style.put(day, self.lower, out);
            return;
        }
        const DROPPED: &[char] = &['$', ',', '(', ')', '-', ' ', '+'];
        let number = value.chars().any(|c| c.is_ascii_digit())
            && value.chars().all(|c| c.is_ascii_digit() || c == '.' || DROPPED.contains(&c));
        if self.digits && number {
            // A leading minus is the value's sign, not a dash.
            let (sign, rest) = value.strip_prefix('-').map_or(("", value), |rest| ("-", rest));
            out.push_str(sign);
            let number: String = rest.chars().filter(|c| !DROPPED.contains(c)).collect();
            // "$128.00" is 128, as a customer writing bare digits writes it.
            out.push_str(number.strip_suffix(".00").unwrap_or(&number));
        } else if self.lower {
            out.extend(value.chars().flat_map(char::to_lowercase));
        } else {
            out.push_str(value);
        }
    }
}

/// A real message with the values it gives cut out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    /// Its pieces in order.
    pub pieces: Vec<Piece>,
}

impl Template {
    /// Cuts each `(slot, value)` out of `text`: the value's first occurrence as written, as whole words. `None`
    /// when a value is not in the text, or overlaps another.
    pub fn cut(text: &str, values: &[(Slot, &str)]) -> Option<Template> {
        let mut spans: Vec<(usize, usize, Slot)> = Vec::with_capacity(values.len());
        for &(slot, value) in values {
            let start = find_words(text, value)?;
            spans.push((start, start + value.len(), slot));
        }
        spans.sort_unstable();
        let mut pieces = Vec::with_capacity(spans.len() * 2 + 1);
        let mut at = 0;
        for (start, end, slot) in spans {
            if start < at {
                return None;
            }
            if start > at {
                pieces.push(Piece::Text(text[at..start].to_owned()));
            }
            pieces.push(Piece::Hole(slot, Written::of(&text[start..end])));
            at = end;
        }
        if at < text.len() {
            pieces.push(Piece::Text(text[at..].to_owned()));
        }
        Some(Template { pieces })
    }

    /// The same words, with the holes of `slot` marked as written as an alias of its value ([`Written::alias`]).
    pub fn said_as_alias(mut self, slot: Slot) -> Template {
        for piece in &mut self.pieces {
            if let Piece::Hole(hole, written) = piece
                && *hole == slot
            {
                written.alias = true;
            }
        }
        self
    }

    /// Messages sent one after the other as one turn: their pieces, one message a line.
    pub fn lines(messages: &[&Template]) -> Template {
        let mut pieces = Vec::new();
        for (index, message) in messages.iter().enumerate() {
            if index > 0 {
                pieces.push(Piece::Text("\n".to_owned()));
            }
            pieces.extend(message.pieces.iter().cloned());
        }
        Template { pieces }
    }

    /// The same words with `from`'s holes for `to`'s value.
    pub fn renamed(&self, from: Slot, to: Slot) -> Template {
        let rename = |piece: &Piece| match piece {
            Piece::Hole(slot, written) if *slot == from => Piece::Hole(to, *written),
            other => other.clone(),
        };
        Template { pieces: self.pieces.iter().map(rename).collect() }
    }

    /// The slots it has holes for.
    pub fn slots(&self) -> SlotSet {
        self.pieces.iter().fold(SlotSet::EMPTY, |set, piece| match piece {
            Piece::Hole(slot, _) => set.with(*slot),
            Piece::Text(_) => set,
        })
    }

    /// Writes it with each hole filled by `value(slot)`, written as the value it replaces was.
    fn write(&self, scenario: &ScenarioSpec, value: impl Fn(Slot) -> u64, out: &mut String) {
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Hole(slot, written) => {
                    let code = value(*slot);
                    let alias = written.alias.then(|| scenario.declared_slot(*slot)).flatten();
                    let alias =
                        alias.and_then(|spec| spec.aliases.iter().find(|(_, of)| *of == code));
                    if let Some((words, _)) = alias {
                        written.put(words, out);
                        continue;
                    }
                    let start = out.len();
                    render_value_into(scenario, *slot, code, out);
                    if *written != Written::default() {
                        let said = out.split_off(start);
                        written.put(&said, out);
                    }
                }
            }
        }
    }
}

/// The first byte offset where `needle` occurs in `text` as whole words (no letter or digit just before or after).
fn find_words(text: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let alnum_at = |index: Option<char>| index.is_some_and(char::is_alphanumeric);
    text.match_indices(needle).map(|(start, _)| start).find(|&start| {
        let before = text[..start].chars().next_back();
        let after = text[start + needle.len()..].chars().next();
        !alnum_at(before) && !alnum_at(after)
    })
}

/// The messages a turn is said with, in parts (at most one per value it gives), and the values no message gives,
/// said bare after them.
#[derive(Clone, Copy, Debug, Default)]
struct Parts<'a> {
    lists: [&'a [u32]; MAX_VALUES],
    len: usize,
    bare: SlotSet,
}

/// How a customer turn was said.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drawn {
    /// In real customers' words.
    Real,
    /// In real customers' words, with values that no message gives said bare after them ("…, an online store").
    WithBareValues,
    /// Values alone, none of which any message gives ("$17.72"): how real customers answer a question, where the
    /// phrasebook has no words for it.
    BareValues,
    /// No message fits: the template realiser's words.
    Templates,
}

impl<'a> Parts<'a> {
    fn one(list: &'a [u32]) -> Parts<'a> {
        let mut parts = Parts::default();
        parts.lists[0] = list;
        parts.len = 1;
        parts
    }
}

/// Real customer messages by the act they were read as.
#[derive(Clone, Debug, Default)]
pub struct Phrasebook {
    templates: Vec<Template>,
    /// Indices into `templates` by key and the agent act answered (`None`: the conversation's start).
    answering: BTreeMap<(Key, Option<ActKind>), Vec<u32>>,
    /// Indices into `templates` by key alone.
    any: BTreeMap<Key, Vec<u32>>,
    /// Indices into `templates` by key, of messages that answered an agent (that did not open the conversation).
    midway: BTreeMap<Key, Vec<u32>>,
    /// Indices into `templates` by key, of messages whose agent act is not known.
    unknown: BTreeMap<Key, Vec<u32>>,
}

impl Phrasebook {
    /// Files a message under `key`, answering `after`. A message whose holes are not the key's slots is not filed
    /// (returns false).
    pub fn add(&mut self, key: Key, after: After, template: Template) -> bool {
        if template.slots() != key.slots {
            return false;
        }
        let index = u32::try_from(self.templates.len()).expect("fewer than 2^32 messages");
        self.templates.push(template);
        let answered = match after {
            After::Start => Some(None),
            After::Agent(act) => Some(Some(answered(act))),
            After::Unknown => None,
        };
        match answered {
            Some(answered) => self.answering.entry((key, answered)).or_default().push(index),
            None => self.unknown.entry(key).or_default().push(index),
        }
        if after != After::Start {
            self.midway.entry(key).or_default().push(index);
        }
        self.any.entry(key).or_default().push(index);
        true
    }

    /// How many messages it holds.
    pub fn len(&self) -> usize {
        self.templates.len()
    }

    /// Whether it holds no message.
    pub fn is_empty(&self) -> bool {
        self.templates.is_empty()
    }

    /// The messages `row` (a customer turn answering the last agent utterance in `earlier`) can be drawn from, as
    /// parts said one after the other: one part, or for an answer giving several values that no single message
    /// gives, the messages of the largest sets of them that some do.
    fn candidates(&self, earlier: &[TurnRecord], row: &TurnRecord) -> Option<Parts<'_>> {
        let act = row.act.as_ref().filter(|_| row.speaker == Speaker::Customer)?;
        let key = Key::of(act);
        let after = earlier
            .iter()
            .rev()
            .find(|turn| turn.speaker == Speaker::Agent && turn.act.is_some())
            .and_then(|turn| turn.act.map(|act| answered(act.kind)));
        let answering = self.answering.get(&(key, after)).map(Vec::as_slice);
        let whole = match answers_only_its_act(act.kind) {
            true => answering.or_else(|| self.unknown.get(&key).map(Vec::as_slice)),
            // An opening is no answer: a turn answering an agent backs off to the messages that answered one (which
            // hold its own), then to all of its act's. A need is said as the customer's first or another request by
            // what it answers: never backed off, unless it follows a result told (asking about another forecast),
            // where a few real follow-ups would be every simulated customer's.
            false => answering
                .filter(|list| {
                    (states_intent(act.kind) && after != Some(ActKind::InformResult))
                        || list.len() >= MIN_ANSWERING
                })
                .or_else(|| after.and_then(|_| self.midway.get(&key)).map(Vec::as_slice))
                .or_else(|| self.any.get(&key).map(Vec::as_slice)),
        };
        // A combination of values one or two real customers gave together would be said by every simulated one
        // that gives it: said in parts where parts can say it.
        let rare = act.kind == ActKind::Inform && key.slots.len() > 1;
        if let Some(list) = whole.filter(|list| !rare || list.len() >= MIN_TOGETHER) {
            return Some(Parts::one(list));
        }
        match act.kind {
            ActKind::Inform => self.split_apart(key.slots).or_else(|| whole.map(Parts::one)),
            ActKind::StateNeed => self.need_then_values(key, after),
            _ => None,
        }
    }

    /// An answer giving `slots` in parts, none of which gives them all.
    fn split_apart(&self, slots: SlotSet) -> Option<Parts<'_>> {
        self.split_at_most(slots, Parts::default(), slots.len().saturating_sub(1))
    }

    /// A need said with values no single message gives with it: the need with the most of them some message gives
    /// (perhaps none), then the rest as an answer in parts; among needs that answered the same agent act (a request
    /// asked again after a forecast) where there are any, else among all.
    fn need_then_values(&self, key: Key, after: Option<ActKind>) -> Option<Parts<'_>> {
        let answering = |need| self.answering.get(&(need, after)).map(Vec::as_slice);
        let any = |need| self.any.get(&need).map(Vec::as_slice);
        let (said, list) = most_said(key, answering).or_else(|| most_said(key, any))?;
        self.split(SlotSet(key.slots.0 & !said), Parts::one(list))
    }

    /// `parts` followed by the messages of an answer giving `slots` in parts: each time the largest set of the slots
    /// left that some message gives (the first in slot order among sets as large); the slots no message gives are
    /// said bare; `None` when a slot some message gives has no part to say it alone, or there is nothing to say.
    fn split<'a>(&'a self, slots: SlotSet, parts: Parts<'a>) -> Option<Parts<'a>> {
        self.split_at_most(slots, parts, u32::MAX)
    }

    /// [`split`](Phrasebook::split), each part giving at most `most` of the values.
    fn split_at_most<'a>(
        &'a self,
        slots: SlotSet,
        mut parts: Parts<'a>,
        most: u32,
    ) -> Option<Parts<'a>> {
        let mut left = slots.0;
        let unsaid = slots
            .iter()
            .filter(|slot| {
                !self.any.keys().any(|key| key.act == ActKind::Inform && key.slots.contains(*slot))
            })
            .fold(SlotSet::EMPTY, |bare, slot| bare.with(slot));
        parts.bare = unsaid;
        left &= !unsaid.0;
        while left != 0 && parts.len < MAX_VALUES {
            let mut best: Option<(u32, u64, &[u32])> = None;
            let mut subset = left;
            while subset != 0 {
                let key = Key::new(ActKind::Inform, SlotSet(subset), None);
                if let Some(list) = self.any.get(&key).filter(|_| subset.count_ones() <= most) {
                    let size = subset.count_ones();
                    if best.is_none_or(|(most, first, _)| {
                        (size, std::cmp::Reverse(subset)) > (most, std::cmp::Reverse(first))
                    }) {
                        best = Some((size, subset, list));
                    }
                }
                subset = (subset - 1) & left;
            }
            let (_, subset, list) = best?;
            parts.lists[parts.len] = list;
            parts.len += 1;
            left &= !subset;
        }
        (left == 0 && (parts.len > 0 || parts.bare.0 != 0)).then_some(parts)
    }

    /// How `row` would be said ([`Drawn`]); `None` for a turn that is not a customer's act (or has text of its own).
    pub fn covers(&self, earlier: &[TurnRecord], row: &TurnRecord) -> Option<Drawn> {
        if row.speaker != Speaker::Customer || row.act.is_none() || row.text.is_some() {
            return None;
        }
        Some(Self::drawn(self.candidates(earlier, row)))
    }

    fn drawn(parts: Option<Parts<'_>>) -> Drawn {
        match parts {
            None => Drawn::Templates,
            Some(parts) if parts.len == 0 => Drawn::BareValues,
            Some(parts) if parts.bare.0 != 0 => Drawn::WithBareValues,
            Some(_) => Drawn::Real,
        }
    }

    /// Appends the text of customer turn `row` from real messages, if one fits, and says how, as [`covers`] does:
    /// nothing is written for `Drawn::Templates`; `None` for a turn that is not a customer's act (or has text of
    /// its own).
    ///
    /// [`covers`]: Phrasebook::covers
    pub fn render(
        &self,
        scenario: &ScenarioSpec,
        earlier: &[TurnRecord],
        row: &TurnRecord,
        out: &mut String,
    ) -> Option<Drawn> {
        if row.speaker != Speaker::Customer || row.text.is_some() {
            return None;
        }
        let act = row.act.as_ref()?;
        let parts = self.candidates(earlier, row);
        let Some(parts) = parts else {
            return Some(Drawn::Templates);
        };
        let mut pick = Pick::new(row.text_seed);
        for (index, candidates) in parts.lists[..parts.len].iter().enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            let template = &self.templates[candidates[pick.below(candidates.len())] as usize];
            template.write(scenario, |slot| act.value_of(slot).unwrap_or_default(), out);
        }
        for (index, slot) in parts.bare.iter().enumerate() {
            if index + parts.len > 0 {
                out.push_str(", ");
            }
            render_value_into(scenario, slot, act.value_of(slot).unwrap_or_default(), out);
        }
        Some(Self::drawn(Some(parts)))
    }
}

/// The engine's and the outputs' text renderer with a phrasebook: customer turns from real messages where one fits,
/// everything else by the template realiser.
#[derive(Clone, Debug)]
pub struct Retriever {
    /// The messages to draw from.
    pub book: std::sync::Arc<Phrasebook>,
}

impl sim_core::agent::TextRenderer for Retriever {
    fn render(
        &self,
        scenario: &ScenarioSpec,
        customer: &Customer,
        earlier: &[TurnRecord],
        row: &TurnRecord,
        out: &mut String,
    ) {
        if matches!(self.book.render(scenario, earlier, row, out), None | Some(Drawn::Templates)) {
            sim_core::agent::TextRenderer::render(&Realiser, scenario, customer, earlier, row, out);
        }
    }
}

mod date_style;
#[cfg(test)]
mod tests;

pub use date_style::{DateStyle, Ordinal};
