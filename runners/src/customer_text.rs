//! `rehearse run --customer-text FILE`: simulated customers speak with real customers' words.
//!
//! Every customer message of a transcript file is read as a rehearse customer act by the rules of
//! `runners/data/customer-text-acts.ron` (its act as the customer-act tagger reads it, the act of the agent message
//! it answers, whether it gives slot values, where it is in the conversation), its values cut out as holes, and filed
//! in a [`Phrasebook`]; a run renders each customer turn from a message of its act ([`Retriever`]), its holes filled
//! with the act's own values. The slot types of the transcripts are read as the scenario's slots through its
//! `corpus_slots`, and a stated need counts for the scenario's intent that its `corpus_intents` names for the
//! conversation's intent, else the one of the same id.
//! [`Report`] says what was filed and why the rest was not; the run's summary counts the turns that still used the
//! built-in phrasings.

pub mod names;
#[cfg(test)]
mod tests;
mod unfound;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use sim_core::act::{ActKind, Slot, SlotSet};
use sim_core::spec::ScenarioSpec;
use sim_personas::phrasebook::{After, Key, Phrasebook, Piece, Retriever, Template};

use crate::calibrate::act_tagger::ActTagger;
use crate::transcripts::{Conversation, Speaker, Turn};

/// The reading rules, embedded.
const RULES: &str = include_str!("../data/customer-text-acts.ron");

/// The customer-act tagger shipped in `calibration-data/fitted/customer-acts.ron`, embedded: the default reader of
/// a message's act.
pub const DEFAULT_TAGGER: &str = include_str!("../../calibration-data/fitted/customer-acts.ron");

/// The customer-act tagger at `path` (`rehearse customer-acts`), or the built-in one.
pub fn load_tagger(
    path: Option<&std::path::Path>,
) -> Result<ActTagger, crate::calibrate::CalibrateError> {
    match path {
        Some(path) => Ok(crate::calibrate::act_tagger::load(path)?.tagger),
        None => {
            let file: crate::calibrate::act_tagger::TaggerFile = ron::from_str(DEFAULT_TAGGER)
                .expect(
                    "calibration-data/fitted/customer-acts.ron is a tagger file (a test reads it)",
                );
            Ok(file.tagger)
        }
    }
}

/// One reading rule (see `runners/data/customer-text-acts.ron`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The customer act a message it fits is read as.
    pub read: ActKind,
    /// The tagger's acts it fits.
    pub tagged: Vec<String>,
    /// The agent acts the message must answer; empty for any.
    #[serde(default)]
    pub after: Vec<ActKind>,
    /// Whether the message must answer an agent message whose act is not known.
    #[serde(default)]
    pub after_unknown: bool,
    /// Whether the message gives slot values.
    pub gives: bool,
    /// Where in the conversation the message is.
    #[serde(default)]
    pub at: At,
}

/// Where a message is in its conversation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub enum At {
    /// Anywhere.
    #[default]
    Anywhere,
    /// The conversation's first customer message.
    Opening,
    /// The first customer message that is not a greeting (tagged `openinggreeting`), if it is one of the first two
    /// and no message before it said the need (was tagged `goal`).
    FirstNeed,
    /// A message tagged `goal` after the need was said.
    LaterGoal,
    /// A message the agent answers with a lookup (its next move is a tool call, the wizard's query): a request.
    BeforeQuery,
    /// The conversation's last customer message: what they said when they were done.
    Last,
    /// A message the customer said more after, once the agent answered: their next message is not thanks or a
    /// goodbye (tagged `thankyou` or `closinggreeting`), so this one was not their farewell.
    BeforeMore,
}

/// The embedded reading rules.
pub fn rules() -> Vec<Rule> {
    ron::from_str(RULES).expect("runners/data/customer-text-acts.ron is valid (a test reads it)")
}

/// The phrasebook of a transcript file, ready to render a run's customers, and how it was read.
#[derive(Debug)]
pub struct CustomerText {
    /// The messages by act.
    pub book: Arc<Phrasebook>,
    /// What was read.
    pub report: Report,
    /// What the file's customers are called ([`names::of`]), for the scenario's `customer_names`; empty for the
    /// built-in names.
    pub names: Vec<String>,
}

impl CustomerText {
    /// The text renderer that draws customer turns from the book.
    pub fn renderer(&self) -> Retriever {
        Retriever { book: self.book.clone() }
    }
}

/// What reading a transcript file into a phrasebook did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Conversations read.
    pub conversations: usize,
    /// Customer messages read.
    pub messages: usize,
    /// Messages filed, by the act they were read as.
    pub filed: BTreeMap<&'static str, usize>,
    /// Messages not used, by reason.
    pub skipped: BTreeMap<&'static str, usize>,
    /// Runs of messages sent before the agent answered, filed as one turn (counted once in `filed`).
    pub runs_joined: usize,
    /// Different names the file's customers gave, which a run's customers are called by (0: the built-in names).
    pub names: usize,
}

impl Report {
    /// Messages filed.
    pub fn filed_total(&self) -> usize {
        self.filed.values().sum()
    }

    /// One paragraph for the terminal.
    pub fn describe(&self, source: &str) -> String {
        let list = |counts: &BTreeMap<&str, usize>| {
            let mut counts: Vec<_> = counts.iter().collect();
            counts.sort_by_key(|(name, count)| (std::cmp::Reverse(**count), **name));
            counts
                .iter()
                .map(|(name, count)| format!("{name} {count}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = format!(
            "customer text: {} of {} real customer messages in {source} ({} conversations) filed by act: {}\n",
            self.filed_total(),
            self.messages,
            self.conversations,
            list(&self.filed)
        );
        if self.runs_joined > 0 {
            out += &format!(
                "  of which {} runs of messages sent before the agent answered, each filed as one turn\n",
                self.runs_joined
            );
        }
        if !self.skipped.is_empty() {
            out += &format!("  not used: {}\n", list(&self.skipped));
        }
        if self.names > 0 {
            out += &format!(
                "  customers are called by the {} names the file's customers gave\n",
                self.names
            );
        }
        out
    }
}

/// Reads `conversations` into a phrasebook for `scenario`: each customer message's act by `tagger` (kept where the
/// corpus labels it in the tagger's terms), STAR's wizard labels as agent acts, then each message by the rules.
pub fn build(
    conversations: &mut [Conversation],
    scenario: &ScenarioSpec,
    tagger: &ActTagger,
) -> CustomerText {
    prepare(conversations, tagger);
    let rules = rules();
    let values = ClosedValues::of(scenario);
    let aliases = Aliases::of(scenario);
    let mut book = Phrasebook::default();
    let mut report = Report { conversations: conversations.len(), ..Report::default() };
    for conversation in conversations.iter() {
        read_conversation(
            conversation,
            scenario,
            &rules,
            (&values, &aliases),
            &mut book,
            &mut report,
        );
    }
    let names = names::of(conversations, scenario);
    report.names = names.len();
    CustomerText { book: Arc::new(book), report, names }
}

/// A customer message as the rules read it.
#[derive(Clone, Debug)]
pub struct Message<'a> {
    /// Its index among the conversation's turns.
    pub index: usize,
    /// The turn.
    pub turn: &'a Turn,
    /// The agent message it answered.
    pub after: After,
    /// Whether it is the customer's first message since that agent message: their reaction to it.
    pub first_answer: bool,
    /// The rule that reads it (a message with any `slots` gives values), if one does.
    pub rule: Option<&'a Rule>,
}

/// Every customer message of `conversation` with what it answered and the rule that reads it.
pub fn read_messages<'a>(conversation: &'a Conversation, rules: &'a [Rule]) -> Vec<Message<'a>> {
    let mut after = After::Start;
    let mut answered = false;
    let mut needed = false;
    let mut out: Vec<Message> = Vec::new();
    // Per turn, whether the agent's next turn after it is a tool call.
    let mut queried = vec![false; conversation.turns.len()];
    let mut next_is_call = false;
    for (index, turn) in conversation.turns.iter().enumerate().rev() {
        queried[index] = next_is_call;
        if turn.speaker == Speaker::Agent {
            next_is_call = turn.action.is_some();
        }
    }
    let last = conversation.turns.iter().rposition(|turn| turn.speaker == Speaker::Customer);
    // Per turn, whether the customer's first message after the agent's next one says more than thanks or goodbye;
    // walking back, `run` is that of the first message of the run of customer messages walked last, `next` that of
    // the run after the agent's turn that follows.
    let mut more_after = vec![false; conversation.turns.len()];
    let (mut run, mut next, mut agent_after) = (None, None, false);
    for (index, turn) in conversation.turns.iter().enumerate().rev() {
        if turn.speaker != Speaker::Customer {
            agent_after = true;
            continue;
        }
        if std::mem::take(&mut agent_after) {
            next = run.take();
        }
        more_after[index] = next.unwrap_or(false);
        run = Some(!matches!(turn.act.as_deref(), Some("thankyou" | "closinggreeting")));
    }
    for (index, turn) in conversation.turns.iter().enumerate() {
        match turn.speaker {
            // An agent message; one without text (MultiDoGO keeps only the customer's words) is one of unknown act.
            // Before the customer's first message, an agent message of unknown act is the agent's greeting
            // (MultiDoGO's agents greet first in about half its conversations): the customer's first message still
            // opens the conversation, as a simulated customer's does.
            Speaker::Agent if turn.action.is_none() => {
                let act = turn.act.as_deref().and_then(ActKind::agent_act);
                after = match act {
                    None if out.is_empty() => After::Start,
                    None => After::Unknown,
                    Some(act) => After::Agent(act),
                };
                answered = false;
                continue;
            }
            Speaker::Customer => {}
            _ => continue,
        }
        let tagged = turn.act.as_deref().unwrap_or_default();
        let place = |at: At| match at {
            At::Anywhere => true,
            At::Opening => out.is_empty(),
            At::FirstNeed => tagged != "openinggreeting" && !needed && out.len() < 2,
            At::LaterGoal => tagged == "goal" && needed,
            At::BeforeQuery => queried[index],
            At::Last => Some(index) == last,
            At::BeforeMore => more_after[index],
        };
        let fits = |rule: &&Rule| {
            rule.tagged.iter().any(|act| act == tagged)
                && place(rule.at)
                && rule.gives != turn.slots.is_empty()
                && (!rule.after_unknown || after == After::Unknown)
                && (rule.after.is_empty()
                    || matches!(after, After::Agent(act) if rule.after.contains(&act)))
        };
        let rule = rules.iter().find(fits);
        needed |= tagged == "goal" || rule.is_some_and(|rule| rule.read == ActKind::StateNeed);
        out.push(Message { index, turn, after, first_answer: !answered, rule });
        answered = true;
    }
    out
}

/// Puts every customer message's act in the tagger's terms (kept where the corpus labels it so) and STAR's wizard
/// labels in rehearse's agent acts, as the rules read them.
pub fn prepare(conversations: &mut [Conversation], tagger: &ActTagger) {
    crate::calibrate::act_tagger::tag(tagger, conversations);
    crate::calibrate::act_tagger::star_agent_acts(conversations);
}

/// A message as it is filed: its act, what it answered, its words.
type Filed = (Key, After, Template);

/// Files each customer message of one conversation that a rule reads and whose words fit the scenario.
fn read_conversation(
    conversation: &Conversation,
    scenario: &ScenarioSpec,
    rules: &[Rule],
    (values, aliases): (&ClosedValues, &Aliases),
    book: &mut Phrasebook,
    report: &mut Report,
) {
    let intent = conversation
        .intent
        .as_deref()
        .and_then(|label| u16::try_from(scenario.corpus_intent(label)?).ok());
    let unfound = unfound::Unfound::of(conversation, scenario);
    // Each message as it would be filed alone, with whether it starts a run (the customer's first message since the
    // agent's last).
    let mut read: Vec<(bool, Option<Filed>)> = Vec::new();
    for Message { index, turn, after, rule, first_answer } in read_messages(conversation, rules) {
        report.messages += 1;
        let skip = |report: &mut Report, reason| *report.skipped.entry(reason).or_default() += 1;
        read.push((first_answer, None));
        if turn.text.trim().is_empty() {
            skip(report, "empty");
            continue;
        }
        let mut given = Vec::with_capacity(turn.slots.len());
        for (corpus_slot, words) in &turn.slots {
            match scenario.corpus_slot(corpus_slot) {
                Some(slot) => given.push((slot, words.as_str())),
                None => break,
            }
        }
        if given.len() < turn.slots.len() {
            skip(report, "gives a value the scenario has no slot for");
            continue;
        }
        let Some(rule) = rule else {
            skip(report, "no rule reads it");
            continue;
        };
        if !matches!(rule.read, ActKind::Inform | ActKind::StateNeed) && !given.is_empty() {
            skip(report, "gives values its act does not carry");
            continue;
        }
        let may_name =
            matches!(rule.read, ActKind::StateNeed | ActKind::Insist | ActKind::OffTopic);
        if may_name && unfound.may_name(scenario, index, &turn.text) {
            skip(report, "may name a value a later query has and no message gives");
            continue;
        }
        let Some(mut template) = Template::cut(&turn.text, &given) else {
            skip(report, "its values overlap");
            continue;
        };
        for &(slot, words) in &given {
            if sim_personas::realise::is_alias(scenario, slot, words) {
                template = template.said_as_alias(slot);
            }
        }
        // A date written in none of the ways a date is put back ("yesterday", "15618") would be said as rehearse
        // writes one, "June 15, 2018", which no real customer of MultiDoGO writes.
        let unwritable = |piece: &Piece| {
            matches!(piece, Piece::Hole(slot, written)
                if written.date.is_none() && sim_personas::realise::slot_is_date(scenario, *slot))
        };
        if template.pieces.iter().any(unwritable) {
            skip(report, "writes a date in no way rehearse writes one");
            continue;
        }
        if values.named_in(&template) {
            skip(report, "names a value it does not give");
            continue;
        }
        let states = matches!(rule.read, ActKind::StateNeed | ActKind::Insist);
        if states && intent.is_none() {
            skip(report, "states an intent the scenario does not have");
            continue;
        }
        let slots = given.iter().fold(SlotSet::EMPTY, |set, (slot, _)| set.with(*slot));
        if given.len() != slots.len() as usize {
            skip(report, "gives one slot twice");
            continue;
        }
        if let Some(last) = read.last_mut() {
            last.1 = Some((Key::new(rule.read, slots, intent), after, template));
        }
    }
    // A run of messages sent before the agent answered is one turn of the customer's: filed as one, its messages
    // kept apart (one a line), when one act says them all; else each alone.
    let mut start = 0;
    while start < read.len() {
        let end = start + 1 + read[start + 1..].iter().take_while(|(first, _)| !first).count();
        let run: Vec<&Filed> =
            read[start..end].iter().filter_map(|(_, filed)| filed.as_ref()).collect();
        let keys: Vec<Key> = run.iter().map(|(key, _, _)| *key).collect();
        let joined =
            (run.len() == end - start && run.len() > 1).then(|| joined_key(&keys)).flatten();
        match joined {
            Some(key) => {
                let parts: Vec<&Template> = run.iter().map(|(_, _, template)| template).collect();
                book.add(key, run[0].1, Template::lines(&parts));
                *report.filed.entry(key.act.name()).or_default() += 1;
                report.runs_joined += 1;
            }
            None => {
                for (key, after, template) in run {
                    book.add(*key, *after, template.clone());
                    *report.filed.entry(key.act.name()).or_default() += 1;
                    for (said, also) in &aliases.0 {
                        if key.act == ActKind::Inform && key.slots == SlotSet::EMPTY.with(*said) {
                            let key =
                                Key::new(ActKind::Inform, SlotSet::EMPTY.with(*also), key.intent);
                            book.add(key, *after, template.renamed(*said, *also));
                        }
                    }
                }
            }
        }
        start = end;
    }
}

/// Pairs of declared slots backed by the same field, the first one a corpus slot maps to and the second one none
/// does: a message answering with the first alone is filed as an answer with the second too. MultiDoGO's customers
/// name a charge's amount ("150", "the charge was 65 dollars") and never an amount to dispute, which bank-card-services
/// asks for as the same charge's amount (`dispute_amount`, of `charge.amount`, all of it when the whole charge is
/// disputed): said in their words rather than bare.
struct Aliases(Vec<(Slot, Slot)>);

impl Aliases {
    fn of(scenario: &ScenarioSpec) -> Aliases {
        let mapped = |slot: Slot| scenario.corpus_slots.iter().any(|(_, to)| *to == slot);
        let field = |slot: Slot| scenario.declared_slot(slot).map(|spec| spec.field);
        let declared: Vec<Slot> = (0..scenario.slots.len()).map(Slot::declared).collect();
        let mut pairs = Vec::new();
        for &said in declared.iter().filter(|slot| mapped(**slot)) {
            for &also in declared.iter().filter(|slot| !mapped(**slot)) {
                if field(said) == field(also) {
                    pairs.push((said, also));
                }
            }
        }
        Aliases(pairs)
    }
}

/// The one act a run of messages says, if there is one: fillers (a greeting, an acknowledgement) before or after
/// messages of one act (an answer's values in parts, thanks and goodbye in two), which carry the run's values and
/// intent; `None` when two acts differ, values repeat or there are more than a turn can carry.
pub fn joined_key(keys: &[Key]) -> Option<Key> {
    let filler = |key: &Key| matches!(key.act, ActKind::VagueNeed | ActKind::Acknowledge);
    let content: Vec<&Key> = keys.iter().filter(|key| !filler(key)).collect();
    let Some(first) = content.first() else {
        // Fillers only: one kind of them ("ok", "okay").
        return keys.iter().all(|key| key.act == keys[0].act).then_some(keys[0]);
    };
    let mut slots = SlotSet::EMPTY;
    for key in &content {
        if key.act != first.act || key.intent != first.intent || slots.0 & key.slots.0 != 0 {
            return None;
        }
        slots = SlotSet(slots.0 | key.slots.0);
    }
    (slots.len() as usize <= sim_core::act::MAX_VALUES)
        .then(|| Key::new(first.act, slots, first.intent))
}

/// The values the scenario's own closed slots and those its corpus names can take (hotels, days, cities),
/// lower-cased, each also by its first word when that is distinctive ("hilton" for "Hilton Hotel"), and the slots'
/// aliases ("tomorrow"): words that, outside a hole, would name a value the act does not give.
struct ClosedValues(Vec<String>);

impl ClosedValues {
    fn of(scenario: &ScenarioSpec) -> ClosedValues {
        let mut words = Vec::new();
        let declared = (0..scenario.slots.len()).map(Slot::declared);
        let mapped = scenario.corpus_slots.iter().map(|(_, slot)| *slot);
        for slot in declared.chain(mapped) {
            for label in sim_personas::realise::slot_choices(scenario, slot).unwrap_or_default() {
                let label = label.to_lowercase();
                if let Some((first, _)) = label.split_once(' ')
                    && first.len() >= 4
                {
                    words.push(first.to_owned());
                }
                words.push(label);
            }
        }
        let aliases = scenario.slots.iter().flat_map(|spec| &spec.aliases);
        words.extend(aliases.map(|(alias, _)| alias.to_lowercase()));
        words.sort();
        words.dedup();
        ClosedValues(words)
    }

    /// Whether the words of `template` outside its holes hold a digit or one of the values.
    fn named_in(&self, template: &Template) -> bool {
        template.pieces.iter().any(|piece| match piece {
            sim_personas::phrasebook::Piece::Text(text) => {
                let text = text.to_lowercase();
                text.bytes().any(|byte| byte.is_ascii_digit())
                    || self.0.iter().any(|value| contains_words(&text, value))
            }
            sim_personas::phrasebook::Piece::Hole(..) => false,
        })
    }
}

/// Whether `needle` occurs in `text` as whole words.
fn contains_words(text: &str, needle: &str) -> bool {
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(needle).any(|(start, _)| {
        !alnum(text[..start].chars().next_back())
            && !alnum(text[start + needle.len()..].chars().next())
    })
}
