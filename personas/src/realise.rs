//! The surface realiser: turns dialogue acts and tool rows into varied English, deterministically.
//!
//! The act is the record; text is a rendering of it. Each row's `text_seed` seeds a tiny local generator, so
//! the same row renders the same text in every run, thread and output. Customer turns are shaped to the
//! customer's verbosity with fillers and pleasantries that never change what is said, then written in their
//! style: a casual customer (formality below 0.35) starts in lower case, drops the final full stop and prefers
//! "hey"/"hi" phrasings; a formal one (above 0.65) capitalises, punctuates and prefers "Hello", "please" and
//! "thank you"; in between the text is left as phrased. Each word of a customer's own text then gets a typo with
//! probability `typo_rate`; the slot values they give (names, emails, ids, phone numbers, amounts, addresses)
//! are never touched, so they can be read back exactly. Style draws come after every other choice, so a
//! customer with a middling formality and no typos reads exactly as before styles existed.
//!
//! [`render_into`] appends to a caller's buffer and allocates nothing else: candidate phrasings are static
//! templates written on demand, and their lengths are counted as they would be written.
//!
//! Slots a scenario declares render by their field's type ([`FieldType::render`]: "$12.34", "0042", an enum
//! label), the agent asks for them by their noun, and the customer labels them with it.
//!
//! ```
//! use sim_core::act::Slot;
//! use sim_core::field::{FieldSpec, FieldType, Gen};
//! use sim_core::spec::{ScenarioSpec, SlotSpec};
//! use sim_personas::realise::render_value;
//!
//! let scenario = ScenarioSpec {
//!     fields: vec![FieldSpec {
//!         name: "card.last4".into(),
//!         ty: FieldType::Digits(4),
//!         generator: Gen::Fixed(0),
//!         instance: None,
//!     }],
//!     slots: vec![SlotSpec {
//!         name: "card_last4".into(),
//!         noun: "the last four digits of the card".into(),
//!         field: 0,
//!         identity: true,
//!         remembered: false,
//!         aliases: Vec::new(),
//!     }],
//!     ..sim_core::testing::tiny_scenario()
//! };
//! assert_eq!(render_value(&scenario, Slot::PHONE, 9776252661), "(977) 625-2661");
//! assert_eq!(render_value(&scenario, Slot::AMOUNT, 8400), "$84.00");
//! assert_eq!(render_value(&scenario, Slot::FULL_NAME, 5005), "Crystal Minh");
//! assert_eq!(render_value(&scenario, Slot(Slot::FIRST_DECLARED), 42), "0042");
//! ```
//!
//! [`FieldType::render`]: sim_core::field::FieldType::render

mod agent;
mod customer;
mod phrases;
mod pools;
mod read;
mod sink;
mod style;
mod tag;
#[cfg(test)]
mod tests;
mod tool;

use sim_core::act::{Act, ActKind, Slot, Speaker};
use sim_core::customer::Customer;
use sim_core::field::FieldType;
use sim_core::record::{TurnRecord, membership_name};
use sim_core::spec::{AccountField, IntentId, IntentSpec, Outcome, ScenarioSpec, SlotSpec};

use pools::entry;
pub use read::{is_unmatched, parse_value, read_value, unmatched};
use sink::{Sink, put_list, put_lowercase, put_owned, put_uint};
pub use tag::{tag, words_at};

/// What the realiser needs beyond the row itself.
#[derive(Clone, Copy, Debug)]
pub struct RenderContext<'a> {
    /// The scenario, for intent and tool ids.
    pub scenario: &'a ScenarioSpec,
    /// The customer's verbosity trait: the words per utterance their turns aim for.
    pub verbosity: f64,
    /// The customer's intent, so `new_value` codes render as the field being changed; `None` when unknown.
    pub intent: Option<IntentId>,
    /// The customer's formality: 0 casual to 1 formal; between 0.35 and 0.65 their text is left as phrased.
    pub formality: f64,
    /// The customer's expected typos per word of their own text (never inside the values they give).
    pub typo_rate: f64,
    /// What the customer holds, for the holes of the scenario's agent replies that the act does not fill ("the
    /// forecast for {forecast_day}"); `None` when unknown.
    pub known: Option<&'a sim_core::customer::Knowledge>,
    /// The episode's turns before the one rendered: a hole of an agent reply that the act does not fill takes the
    /// value said or looked up last ("the forecast for {forecast_day}" after the customer asked about Friday), before
    /// what the customer holds at the end.
    pub earlier: &'a [TurnRecord],
}

impl<'a> RenderContext<'a> {
    /// The context for rendering an episode with this customer (as in `EpisodeRecord::customer`).
    pub fn for_customer(scenario: &'a ScenarioSpec, customer: &'a Customer) -> RenderContext<'a> {
        RenderContext {
            scenario,
            verbosity: customer.traits.verbosity,
            intent: Some(customer.intent),
            formality: customer.traits.formality,
            typo_rate: customer.traits.typo_rate,
            known: Some(&customer.knowledge),
            earlier: &[],
        }
    }

    /// The intent with this index, if the scenario has it.
    fn intent_spec(&self, intent: u16) -> Option<&'a IntentSpec> {
        self.scenario.intents.get(intent as usize)
    }

    /// The account field the customer wants changed, if their intent changes one.
    fn field(&self) -> Option<AccountField> {
        self.intent.and_then(|intent| self.intent_spec(intent)).and_then(account_field)
    }

    /// What slots render with: the scenario and the account field `new_value` codes replace.
    fn slots(&self) -> SlotCtx<'a> {
        SlotCtx { scenario: self.scenario, field: self.field() }
    }
}

/// What rendering a slot needs beyond its value: the scenario that declares slots past the built-in ones, and
/// the account field a `new_value` code replaces.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SlotCtx<'a> {
    /// The scenario, for declared slots' nouns and field types.
    pub(crate) scenario: &'a ScenarioSpec,
    /// The account field `new_value` codes replace; `None` guesses from the code's range.
    pub(crate) field: Option<AccountField>,
}

impl<'a> SlotCtx<'a> {
    /// The same scenario, with `new_value` codes read without a known field.
    pub(crate) fn without_field(self) -> SlotCtx<'a> {
        SlotCtx { field: None, ..self }
    }

    /// A declared slot's spec and its field's type; `None` for built-in slots and ids the scenario lacks.
    pub(crate) fn declared(self, slot: Slot) -> Option<(&'a SlotSpec, &'a FieldType)> {
        let spec = self.scenario.declared_slot(slot)?;
        Some((spec, &self.scenario.declared_field(slot)?.ty))
    }
}

/// The text of a turn: the agent's own words if it wrote any, else the act or tool call rendered.
///
/// A convenience over [`render_into`], which appends to a reused buffer instead of allocating.
pub fn render(row: &TurnRecord, ctx: &RenderContext) -> String {
    let mut text = String::new();
    render_into(row, ctx, &mut text);
    text
}

/// Appends the text of a turn to `out`: exactly what [`render`] returns, without allocating beyond `out`
/// growing.
pub fn render_into(row: &TurnRecord, ctx: &RenderContext, out: &mut String) {
    if let Some(text) = &row.text {
        out.push_str(text);
        return;
    }
    let mut pick = Pick::new(row.text_seed);
    match (row.speaker, &row.act) {
        (Speaker::Tool, _) => tool::render_into(row, ctx, out),
        (speaker, Some(act)) if is_customer_act(act.kind) => {
            customer::render_into(act, ctx, &mut pick, speaker == Speaker::Customer, out);
        }
        (_, Some(act)) => agent::render_into(act, ctx, &mut pick, out),
        (_, None) => out.push_str("(nothing said)"),
    }
}

/// A slot value as a customer would write it (`(977) 625-2661`, `$84.00`, `cminh730@email.com`); a slot the
/// scenario declares renders by its field's type (`0042`, `$12.34`, an enum label).
///
/// `new_value` codes mean different things per intent; without one this guesses from the code's range (a turn's
/// act renders it as the field its intent changes).
pub fn render_value(scenario: &ScenarioSpec, slot: Slot, value: u64) -> String {
    let mut text = String::new();
    render_value_into(scenario, slot, value, &mut text);
    text
}

/// Appends a slot value to `out`, exactly as [`render_value`] renders it.
pub fn render_value_into(scenario: &ScenarioSpec, slot: Slot, value: u64, out: &mut String) {
    put_slot(out, slot, value, SlotCtx { scenario, field: None });
}

/// How an agent names a slot, with its determiner: "your full name", "the last four digits of the card".
pub fn slot_phrase(scenario: &ScenarioSpec, slot: Slot) -> String {
    match slot_noun(slot, SlotCtx { scenario, field: None }) {
        ("", noun) => noun.to_owned(),
        (determiner, noun) => format!("{determiner} {noun}"),
    }
}

/// Whether a slot holds a calendar date (a declared slot backed by a `Date` field).
pub fn slot_is_date(scenario: &ScenarioSpec, slot: Slot) -> bool {
    let declared = (SlotCtx { scenario, field: None }).declared(slot);
    matches!(declared, Some((_, FieldType::Date(_))))
}

/// Whether `words` are one of `slot`'s aliases ("tomorrow", "NYC"), case, spacing and punctuation aside.
pub fn is_alias(scenario: &ScenarioSpec, slot: Slot, words: &str) -> bool {
    scenario.declared_slot(slot).is_some_and(|spec| read::alias_code(spec, words).is_some())
}

/// Every value a slot can take, rendered, when they are a short closed list (an `Enum` field's labels, membership
/// levels, payment and refund methods, ABCD's order options, reasons and products); `None` for open values.
pub fn slot_choices(scenario: &ScenarioSpec, slot: Slot) -> Option<Vec<String>> {
    let owned = |labels: &[&str]| Some(labels.iter().map(|label| (*label).to_owned()).collect());
    if let Some((_, ty)) = (SlotCtx { scenario, field: None }).declared(slot) {
        return match ty {
            FieldType::Enum(labels) => Some(labels.clone()),
            _ => None,
        };
    }
    match slot {
        Slot::MEMBERSHIP_LEVEL => {
            Some((0..4).map(|level| membership_name(level).to_owned()).collect())
        }
        Slot::PAYMENT_METHOD => owned(&pools::PAYMENT_METHODS),
        Slot::REFUND_METHOD => owned(&pools::REFUND_METHODS),
        Slot::ORDER_OPTION => owned(&pools::ORDER_OPTIONS),
        Slot::REASON => owned(&pools::REASONS),
        Slot::PRODUCT => owned(&pools::PRODUCTS),
        _ => None,
    }
}

/// The account field an intent changes (from its `AccountFieldIsGoal` outcome), if any.
pub fn account_field(intent: &IntentSpec) -> Option<AccountField> {
    intent.resolved.iter().find_map(|outcome| match outcome {
        Outcome::AccountFieldIsGoal(field) => Some(*field),
        _ => None,
    })
}

/// What an ABCD subflow is about, as a verb phrase fitting "I want to …" (`return_size`: "return an item that
/// is the wrong size"); unknown ids get "get some help".
pub fn intent_phrase(intent_id: &str) -> &str {
    phrases::INTENT_PHRASES
        .iter()
        .find(|(id, _)| *id == intent_id)
        .map_or("get some help", |(_, phrase)| phrase)
}

/// Writes a slot value: a declared slot by its field's type, `new_value` as `slots.field`.
pub(crate) fn put_slot(sink: &mut impl Sink, slot: Slot, value: u64, slots: SlotCtx) {
    match slots.declared(slot) {
        Some((_, ty)) => sink.put_field(ty, value),
        None => put_standard(sink, slot, value, slots.field, &slots.scenario.customer_names),
    }
}

/// Writes a built-in slot value, reading `new_value` as `field` and names from `names` (a scenario's
/// `customer_names`; empty for the built-in first and last names); other ids as a plain number.
fn put_standard(
    sink: &mut impl Sink,
    slot: Slot,
    value: u64,
    field: Option<AccountField>,
    names: &[String],
) {
    match slot {
        Slot::FULL_NAME => match customer_name(names, value) {
            Some(name) => sink.put(name),
            None => {
                sink.put(entry(&pools::FIRST_NAMES, value / 1000));
                sink.put(" ");
                sink.put(entry(&pools::LAST_NAMES, value % 1000));
            }
        },
        Slot::ACCOUNT_ID => put_account_id(sink, value),
        Slot::USERNAME => put_username(sink, value, names),
        Slot::EMAIL => {
            put_username(sink, value, names);
            sink.put("@email.com");
        }
        Slot::PHONE => {
            let digits = value % 10_000_000_000;
            sink.put("(");
            put_uint(sink, digits / 10_000_000, 3);
            sink.put(") ");
            put_uint(sink, digits / 10_000 % 1000, 3);
            sink.put("-");
            put_uint(sink, digits % 10_000, 4);
        }
        Slot::ZIP_CODE => put_uint(sink, value % 100_000, 5),
        Slot::ORDER_ID => put_uint(sink, value % 10_000_000_000, 10),
        Slot::PIN_NUMBER => put_uint(sink, value % 10_000, 4),
        Slot::SECURITY_ANSWER => sink.put(entry(&pools::SECURITY_ANSWERS, value)),
        Slot::MEMBERSHIP_LEVEL => sink.put(membership_name(value)),
        Slot::STREET_ADDRESS => {
            put_uint(sink, value / 100, 0);
            sink.put(" ");
            sink.put(entry(&pools::STREETS, value % 100));
        }
        Slot::FULL_ADDRESS => {
            let (street, city, zip) = sim_core::world::split_full_address(value);
            put_standard(sink, Slot::STREET_ADDRESS, street, None, names);
            sink.put(", ");
            sink.put(entry(&pools::CITIES, city));
            sink.put(" ");
            put_uint(sink, zip, 5);
        }
        Slot::PAYMENT_METHOD => sink.put(entry(&pools::PAYMENT_METHODS, value)),
        Slot::AMOUNT => {
            sink.put("$");
            put_uint(sink, value / 100, 0);
            sink.put(".");
            put_uint(sink, value % 100, 2);
        }
        Slot::REASON => sink.put(entry(&pools::REASONS, value)),
        Slot::PRODUCT => sink.put(entry(&pools::PRODUCTS, value)),
        Slot::REFUND_METHOD => sink.put(entry(&pools::REFUND_METHODS, value)),
        Slot::ORDER_OPTION => sink.put(entry(&pools::ORDER_OPTIONS, value)),
        Slot::NEW_VALUE => put_new_value(sink, field, value, names),
        Slot::DAYS if value == 1 => sink.put("1 day"),
        Slot::DAYS => {
            put_uint(sink, value, 0);
            sink.put(" days");
        }
        _ => put_uint(sink, value, 0),
    }
}

/// Writes a `new_value` code as the account field it replaces; `None` guesses from the code's range.
fn put_new_value(sink: &mut impl Sink, field: Option<AccountField>, value: u64, names: &[String]) {
    let slot = match field {
        Some(AccountField::Address) => Slot::STREET_ADDRESS,
        Some(AccountField::Name) => Slot::FULL_NAME,
        Some(AccountField::Phone) => Slot::PHONE,
        Some(AccountField::PaymentMethod) => Slot::PAYMENT_METHOD,
        None if value >= 1_000_000_000 => Slot::PHONE,
        None if value % 1000 < 48 && value < 48_000 => Slot::FULL_NAME,
        None if value >= 10_000 => Slot::STREET_ADDRESS,
        None => return put_uint(sink, value, 0),
    };
    put_standard(sink, slot, value, None, names);
}

/// The name a name code (first × 1000 + last) renders as from a scenario's `customer_names`: the entry its
/// (first, last) pair counts to, round the list; `None` without names (the built-in first and last names).
pub(crate) fn customer_name(names: &[String], code: u64) -> Option<&str> {
    let count = names.len() as u64;
    let at =
        (code / 1000).wrapping_mul(sim_core::world::pools::LAST_NAMES).wrapping_add(code % 1000);
    (count > 0).then(|| names[(at % count) as usize].as_str())
}

/// Ten base-36 characters, upper case, as ABCD account ids.
fn put_account_id(sink: &mut impl Sink, value: u64) {
    const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut code = value;
    let mut out = [b'0'; 10];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(code % 36) as usize];
        code /= 36;
    }
    sink.put(std::str::from_utf8(&out).expect("base-36 digits are ASCII"));
}

/// First initial, last name and three digits, lower case: `cminh730`; from a scenario's `customer_names`, the
/// name's initial and last word (`ndevi730` for Nirmala Devi).
fn put_username(sink: &mut impl Sink, handle: u64, names: &[String]) {
    let name = handle / 1000;
    let (first, last) = match customer_name(names, name) {
        Some(name) => (name, name.rsplit(' ').next().unwrap_or(name)),
        None => (entry(&pools::FIRST_NAMES, name / 1000), entry(&pools::LAST_NAMES, name % 1000)),
    };
    let initial = first.chars().next().unwrap_or('x');
    put_lowercase(sink, initial.encode_utf8(&mut [0; 4]));
    put_lowercase(sink, last);
    put_uint(sink, handle % 1000, 3);
}

/// A noun phrase for an asked slot, with its determiner: `("your", "email address")`; a declared slot's noun
/// is whole, so its determiner is empty: `("", "the last four digits of the card")`.
pub(crate) fn slot_noun<'a>(slot: Slot, slots: SlotCtx<'a>) -> (&'a str, &'a str) {
    if let Some((spec, _)) = slots.declared(slot) {
        return ("", spec.noun.as_str());
    }
    match slot {
        Slot::FULL_NAME => ("your", "full name"),
        Slot::ACCOUNT_ID => ("your", "account ID"),
        Slot::USERNAME => ("your", "username"),
        Slot::EMAIL => ("your", "email address"),
        Slot::PHONE => ("your", "phone number"),
        Slot::ZIP_CODE => ("your", "zip code"),
        Slot::ORDER_ID => ("your", "order ID"),
        Slot::PIN_NUMBER => ("your", "PIN"),
        Slot::SECURITY_ANSWER => ("your", "security answer"),
        Slot::MEMBERSHIP_LEVEL => ("your", "membership level"),
        Slot::STREET_ADDRESS => ("your", "street address"),
        Slot::FULL_ADDRESS => ("your", "full address"),
        Slot::PAYMENT_METHOD => ("your", "payment method"),
        Slot::AMOUNT => ("the", "refund amount"),
        Slot::REASON => ("the", "reason"),
        Slot::PRODUCT => ("the", "product"),
        Slot::REFUND_METHOD => ("your", "preferred refund method"),
        Slot::ORDER_OPTION => ("the", "option you'd like"),
        Slot::NEW_VALUE => match slots.field {
            Some(AccountField::Address) => ("the", "new address"),
            Some(AccountField::Name) => ("the", "new name"),
            Some(AccountField::Phone) => ("the", "new phone number"),
            Some(AccountField::PaymentMethod) => ("the", "new payment method"),
            None => ("the", "new details"),
        },
        Slot::DAYS => ("the", "number of days since the purchase"),
        _ => ("the", "details"),
    }
}

/// Writes the slots of `act` as a list of noun phrases, dropping a determiner the previous item already had:
/// "your username, email address and order ID"; `your` replaces "your" ("my" for the customer), in declared
/// nouns too.
pub(crate) fn put_slot_list<S: Sink>(sink: &mut S, act: &Act, slots: SlotCtx, your: &str) {
    let mut previous = "";
    put_list(sink, act.slots.iter().count(), act.slots.iter(), |sink, slot| {
        let (det, noun) = slot_noun(slot, slots);
        if det.is_empty() {
            put_owned(sink, noun, your);
            previous = det;
            return;
        }
        let det = if det == "your" { your } else { det };
        if det != previous {
            sink.put(det);
            sink.put(" ");
        }
        sink.put(noun);
        previous = det;
    });
}

/// The phrase of the intent an act names, or a generic one.
pub(crate) fn act_intent_phrase<'a>(act: &Act, ctx: &RenderContext<'a>) -> &'a str {
    let intent = ctx.intent_spec(act.intent);
    if let Some(phrase) = intent.and_then(|intent| intent.phrase.as_deref()) {
        return phrase;
    }
    let id = intent.map_or("", |intent| intent.id.as_str());
    phrases::INTENT_PHRASES
        .iter()
        .find(|(known, _)| *known == id)
        .map_or("sort this out", |(_, p)| p)
}

/// Whether an act kind is the customer's.
pub(crate) fn is_customer_act(kind: ActKind) -> bool {
    kind.by_customer()
}

/// Lower-cases the first letter of `text`, in place, when its first word is a plain capitalised word (not
/// "I", not a name or code).
pub(crate) fn decapitalise(text: &mut str) {
    let end = text.bytes().position(|byte| b" ,.!?:'".contains(&byte)).unwrap_or(text.len());
    let first_word = &text[..end];
    let plain = first_word.len() > 1
        && first_word.as_bytes()[0].is_ascii_uppercase()
        && first_word.bytes().skip(1).all(|byte| byte.is_ascii_lowercase())
        && !pools::FIRST_NAMES.contains(&first_word)
        && !pools::SECURITY_ANSWERS.contains(&first_word);
    if plain {
        text[..1].make_ascii_lowercase();
    }
}

/// A tiny splitmix64 generator seeded from a row's `text_seed`; local to one rendering.
pub(crate) struct Pick(u64);

impl Pick {
    pub(crate) fn new(seed: u32) -> Pick {
        Pick(u64::from(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// An index below `n` (`n` > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A number in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One of `options` (non-empty).
    pub(crate) fn one<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[self.below(options.len())]
    }
}

/// The surface realiser as the engine's text renderer (for agents that read customer text) and text reader (for
/// agents that write tool arguments as text).
#[derive(Clone, Copy, Debug, Default)]
pub struct Realiser;

impl sim_core::agent::TextRenderer for Realiser {
    fn render(
        &self,
        scenario: &ScenarioSpec,
        customer: &sim_core::customer::Customer,
        earlier: &[TurnRecord],
        row: &TurnRecord,
        out: &mut String,
    ) {
        render_into(
            row,
            &RenderContext { earlier, ..RenderContext::for_customer(scenario, customer) },
            out,
        );
    }
}

impl sim_core::agent::TextReader for Realiser {
    fn read_value(
        &self,
        scenario: &ScenarioSpec,
        slot: Slot,
        text: &str,
        candidates: &[u64],
    ) -> u64 {
        read_value(scenario, slot, text, candidates)
    }

    fn tag(
        &self,
        scenario: &ScenarioSpec,
        world: &sim_core::world::WorldState,
        turns: &[TurnRecord],
        intent: u16,
        text: &str,
    ) -> sim_core::tagging::Tagging {
        tag::tag(scenario, world, turns, intent, text)
    }
}
