//! The surface realiser: turns dialogue acts and tool rows into varied English, deterministically.
//!
//! The act is the record; text is a rendering of it. Each row's `text_seed` seeds a tiny local generator, so
//! the same row renders the same text in every run, thread and output. Customer turns are shaped to the
//! customer's verbosity with fillers and pleasantries that never change what is said.
//!
//! ```
//! use sim_core::act::Slot;
//! use sim_personas::realise::render_value;
//!
//! assert_eq!(render_value(Slot::Phone, 9776252661), "(977) 625-2661");
//! assert_eq!(render_value(Slot::Amount, 8400), "$84.00");
//! assert_eq!(render_value(Slot::FullName, 5005), "Crystal Minh");
//! ```

mod agent;
mod customer;
mod phrases;
mod pools;
#[cfg(test)]
mod tests;
mod tool;

use sim_core::act::{Act, ActKind, Slot, Speaker};
use sim_core::customer::Customer;
use sim_core::record::{TurnRecord, membership_name};
use sim_core::spec::{AccountField, IntentId, IntentSpec, Outcome, ScenarioSpec};

use pools::entry;

/// What the realiser needs beyond the row itself.
#[derive(Clone, Copy, Debug)]
pub struct RenderContext<'a> {
    /// The scenario, for intent and tool ids.
    pub scenario: &'a ScenarioSpec,
    /// The customer's verbosity trait: the words per utterance their turns aim for.
    pub verbosity: f64,
    /// The customer's intent, so `new_value` codes render as the field being changed; `None` when unknown.
    pub intent: Option<IntentId>,
}

impl<'a> RenderContext<'a> {
    /// The context for rendering an episode with this customer (as in `EpisodeRecord::customer`).
    pub fn for_customer(scenario: &'a ScenarioSpec, customer: &Customer) -> RenderContext<'a> {
        RenderContext {
            scenario,
            verbosity: customer.traits.verbosity,
            intent: Some(customer.intent),
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
}

/// The text of a turn: the agent's own words if it wrote any, else the act or tool call rendered.
pub fn render(row: &TurnRecord, ctx: &RenderContext) -> String {
    if let Some(text) = &row.text {
        return text.to_string();
    }
    let mut pick = Pick::new(row.text_seed);
    match (row.speaker, &row.act) {
        (Speaker::Tool, _) => tool::render(row, ctx),
        (speaker, Some(act)) if is_customer_act(act.kind) => {
            customer::render(act, ctx, &mut pick, speaker == Speaker::Customer)
        }
        (_, Some(act)) => agent::render(act, ctx, &mut pick),
        (_, None) => "(nothing said)".to_owned(),
    }
}

/// A slot value as a customer would write it (`(977) 625-2661`, `$84.00`, `cminh730@email.com`).
///
/// `new_value` codes mean different things per intent; without one this guesses from the code's range
/// (see [`render_new_value`] to render it for a known field).
pub fn render_value(slot: Slot, value: u64) -> String {
    render_slot(slot, value, None)
}

/// A `new_value` code rendered as the account field it replaces; `None` guesses from the code's range.
pub fn render_new_value(field: Option<AccountField>, value: u64) -> String {
    match field {
        Some(AccountField::Address) => render_value(Slot::StreetAddress, value),
        Some(AccountField::Name) => render_value(Slot::FullName, value),
        Some(AccountField::Phone) => render_value(Slot::Phone, value),
        Some(AccountField::PaymentMethod) => render_value(Slot::PaymentMethod, value),
        None if value >= 1_000_000_000 => render_value(Slot::Phone, value),
        None if value % 1000 < 48 && value < 48_000 => render_value(Slot::FullName, value),
        None if value >= 10_000 => render_value(Slot::StreetAddress, value),
        None => value.to_string(),
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

/// Renders a slot value, reading `new_value` as `field`.
pub(crate) fn render_slot(slot: Slot, value: u64, field: Option<AccountField>) -> String {
    match slot {
        Slot::FullName => {
            let first = entry(&pools::FIRST_NAMES, value / 1000);
            format!("{first} {}", entry(&pools::LAST_NAMES, value % 1000))
        }
        Slot::AccountId => account_id(value),
        Slot::Username => username(value),
        Slot::Email => format!("{}@email.com", username(value)),
        Slot::Phone => {
            let digits = format!("{:010}", value % 10_000_000_000);
            format!("({}) {}-{}", &digits[..3], &digits[3..6], &digits[6..])
        }
        Slot::ZipCode => format!("{:05}", value % 100_000),
        Slot::OrderId => format!("{:010}", value % 10_000_000_000),
        Slot::PinNumber => format!("{:04}", value % 10_000),
        Slot::SecurityAnswer => entry(&pools::SECURITY_ANSWERS, value).to_owned(),
        Slot::MembershipLevel => membership_name(value).to_owned(),
        Slot::StreetAddress => format!("{} {}", value / 100, entry(&pools::STREETS, value % 100)),
        Slot::FullAddress => {
            // The code carries only the street; city and zip are derived from it so they stay stable.
            let city = entry(&pools::CITIES, value / 100 + value % 100);
            let zip = 10_000 + value.wrapping_mul(7919) % 90_000;
            format!("{}, {city} {zip}", render_value(Slot::StreetAddress, value))
        }
        Slot::PaymentMethod => entry(&pools::PAYMENT_METHODS, value).to_owned(),
        Slot::Amount => format!("${}.{:02}", value / 100, value % 100),
        Slot::Reason => entry(&pools::REASONS, value).to_owned(),
        Slot::Product => entry(&pools::PRODUCTS, value).to_owned(),
        Slot::RefundMethod => entry(&pools::REFUND_METHODS, value).to_owned(),
        Slot::OrderOption => entry(&pools::ORDER_OPTIONS, value).to_owned(),
        Slot::NewValue => render_new_value(field, value),
        Slot::Days if value == 1 => "1 day".to_owned(),
        Slot::Days => format!("{value} days"),
    }
}

/// Ten base-36 characters, upper case, as ABCD account ids.
fn account_id(value: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut code = value;
    let mut out = [b'0'; 10];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(code % 36) as usize];
        code /= 36;
    }
    out.iter().map(|byte| char::from(*byte)).collect()
}

/// First initial, last name and three digits, lower case: `cminh730`.
fn username(handle: u64) -> String {
    let name = handle / 1000;
    let first = entry(&pools::FIRST_NAMES, name / 1000);
    let last = entry(&pools::LAST_NAMES, name % 1000);
    let initial = first.chars().next().unwrap_or('x');
    format!("{initial}{last}{:03}", handle % 1000).to_lowercase()
}

/// A noun phrase for an asked slot, with its determiner: `("your", "email address")`.
pub(crate) fn slot_noun(slot: Slot, field: Option<AccountField>) -> (&'static str, &'static str) {
    match slot {
        Slot::FullName => ("your", "full name"),
        Slot::AccountId => ("your", "account ID"),
        Slot::Username => ("your", "username"),
        Slot::Email => ("your", "email address"),
        Slot::Phone => ("your", "phone number"),
        Slot::ZipCode => ("your", "zip code"),
        Slot::OrderId => ("your", "order ID"),
        Slot::PinNumber => ("your", "PIN"),
        Slot::SecurityAnswer => ("your", "security answer"),
        Slot::MembershipLevel => ("your", "membership level"),
        Slot::StreetAddress => ("your", "street address"),
        Slot::FullAddress => ("your", "full address"),
        Slot::PaymentMethod => ("your", "payment method"),
        Slot::Amount => ("the", "refund amount"),
        Slot::Reason => ("the", "reason"),
        Slot::Product => ("the", "product"),
        Slot::RefundMethod => ("your", "preferred refund method"),
        Slot::OrderOption => ("the", "option you'd like"),
        Slot::NewValue => match field {
            Some(AccountField::Address) => ("the", "new address"),
            Some(AccountField::Name) => ("the", "new name"),
            Some(AccountField::Phone) => ("the", "new phone number"),
            Some(AccountField::PaymentMethod) => ("the", "new payment method"),
            None => ("the", "new details"),
        },
        Slot::Days => ("the", "number of days since the purchase"),
    }
}

/// The slots of `act` as a list of noun phrases, dropping a determiner the previous item already had:
/// "your username, email address and order ID".
pub(crate) fn slot_list(act: &Act, field: Option<AccountField>, your: &str) -> String {
    let mut items = Vec::new();
    let mut previous = "";
    for slot in act.slots.iter() {
        let (det, noun) = slot_noun(slot, field);
        let det = if det == "your" { your } else { det };
        items.push(if det == previous { noun.to_owned() } else { format!("{det} {noun}") });
        previous = det;
    }
    join_list(&items)
}

/// "a", "a and b", "a, b and c".
pub(crate) fn join_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The phrase of the intent an act names, or a generic one.
pub(crate) fn act_intent_phrase(act: &Act, ctx: &RenderContext) -> &'static str {
    let id = ctx.intent_spec(act.intent).map_or("", |intent| intent.id.as_str());
    phrases::INTENT_PHRASES
        .iter()
        .find(|(known, _)| *known == id)
        .map_or("sort this out", |(_, p)| p)
}

/// Whether an act kind is the customer's.
pub(crate) fn is_customer_act(kind: ActKind) -> bool {
    (kind as u8) <= ActKind::Nudge as u8
}

/// Lower-cases the first letter when the first word is a plain capitalised word (not "I", not a code).
pub(crate) fn decapitalise(text: &str) -> String {
    let first_word = text.split([' ', ',', '.', '!', '?', ':', '\'']).next().unwrap_or_default();
    let plain = first_word.len() > 1
        && !pools::FIRST_NAMES.contains(&first_word)
        && !pools::SECURITY_ANSWERS.contains(&first_word)
        && first_word.chars().next().is_some_and(|ch| ch.is_ascii_uppercase())
        && first_word.chars().skip(1).all(|ch| ch.is_ascii_lowercase());
    if !plain {
        return text.to_owned();
    }
    let mut chars = text.chars();
    chars.next().map(|ch| ch.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
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
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    /// One of `options` (non-empty).
    pub(crate) fn one<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[self.below(options.len())]
    }
}
