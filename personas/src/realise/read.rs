//! Values an agent writes, read back into slot codes: the inverse of the realiser's renderings.
//!
//! A value is read against what it may stand for first (the world's true value, what the customer said): a text
//! that renders the same as a candidate, case, spacing and punctuation aside, is that candidate. This settles the
//! renderings that name no single code (a username keeps only the first name's initial). Otherwise the text is
//! parsed by the slot's type; a text that is no value of it reads as [`unmatched`], a code no world value equals.

use sim_core::act::Slot;
use sim_core::field::{FieldType, calendar};
use sim_core::spec::ScenarioSpec;

use super::{SlotCtx, membership_name, pools, render_value};

/// Reads `text`, written for `slot`, as a code: a candidate it renders as, else its parse, else [`unmatched`].
///
/// A new value (`new_value`) is written as the account field it changes, which the value alone does not say: it
/// reads as a candidate it renders like as any of them, else as the first of them it parses as.
pub fn read_value(scenario: &ScenarioSpec, slot: Slot, text: &str, candidates: &[u64]) -> u64 {
    let wanted = normalized(text);
    let written_as: &[Slot] = if slot == Slot::NEW_VALUE { &NEW_VALUE_AS } else { &[] };
    let renders_as = |code: u64| {
        let as_itself = normalized(&render_value(scenario, slot, code)) == wanted;
        as_itself
            || written_as
                .iter()
                .any(|field| normalized(&render_value(scenario, *field, code)) == wanted)
    };
    // A date may be written in the customer's way ("06112018"), which names either of two days: it is the one a
    // candidate is.
    let date_reads = |code: u64| match (SlotCtx { scenario, field: None }).declared(slot) {
        Some((_, FieldType::Date(today))) => calendar::readings(text).any(|written| {
            let day = calendar::days_of(written, *today);
            day.and_then(|day| calendar::days_before(*today, day)) == Some(code)
        }),
        _ => false,
    };
    let candidate = candidates.iter().find(|code| renders_as(**code) || date_reads(**code));
    let parsed = || {
        let as_field = || written_as.iter().find_map(|field| parse_value(scenario, *field, text));
        parse_value(scenario, slot, text).or_else(as_field)
    };
    match candidate {
        Some(code) => *code,
        None => parsed().unwrap_or_else(|| unmatched(text)),
    }
}

/// The slots a new value is written as: the account fields an update changes (an address is its street).
const NEW_VALUE_AS: [Slot; 4] =
    [Slot::STREET_ADDRESS, Slot::FULL_NAME, Slot::PHONE, Slot::PAYMENT_METHOD];

/// The value `words` stand for as one of the slot's aliases, case, spacing and punctuation aside.
pub(super) fn alias_code(spec: &sim_core::spec::SlotSpec, words: &str) -> Option<u64> {
    let words = normalized(words);
    spec.aliases.iter().find(|(alias, _)| normalized(alias) == words).map(|(_, code)| *code)
}

/// The code a text that reads as no value becomes: the high bit set (no generated value has it) and a hash of the
/// text, so two different unreadable texts stay different.
pub fn unmatched(text: &str) -> u64 {
    let hash = normalized(text).bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
    });
    (1 << 63) | (hash >> 1)
}

/// Whether `code` is one [`unmatched`] made.
pub fn is_unmatched(code: u64) -> bool {
    code >> 63 == 1
}

/// Parses `text` as a value of `slot` by the slot's type, or as one of its aliases ("tomorrow"), where its rendering
/// names one code; `None` otherwise
/// (text that is no value of the slot, a username or email, which only a candidate settles, and `new_value`, whose
/// type depends on the request).
pub fn parse_value(scenario: &ScenarioSpec, slot: Slot, text: &str) -> Option<u64> {
    if let Some((spec, ty)) = (SlotCtx { scenario, field: None }).declared(slot) {
        return ty.parse(text).or_else(|| alias_code(spec, text));
    }
    let text = text.trim().to_lowercase();
    let words: Vec<&str> = text.split_whitespace().collect();
    match slot {
        Slot::FULL_NAME if !scenario.customer_names.is_empty() => {
            customer_name_code(&scenario.customer_names, &words)
        }
        Slot::FULL_NAME => match words.as_slice() {
            [first, last] => {
                Some(index(&pools::FIRST_NAMES, first)? * 1000 + index(&pools::LAST_NAMES, last)?)
            }
            _ => None,
        },
        Slot::ACCOUNT_ID => {
            let code = text.trim();
            (code.len() == 10).then_some(())?;
            code.chars().try_fold(0u64, |value, c| Some(value * 36 + u64::from(c.to_digit(36)?)))
        }
        Slot::PHONE => {
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            let digits = match digits.len() {
                11 if digits.starts_with('1') => &digits[1..],
                10 => &digits[..],
                _ => return None,
            };
            let ok = text.chars().all(|c| c.is_ascii_digit() || " ()-.+".contains(c));
            digits.parse().ok().filter(|_| ok)
        }
        Slot::ZIP_CODE => FieldType::Digits(5).parse(&text),
        Slot::ORDER_ID => FieldType::Digits(10).parse(&text),
        Slot::PIN_NUMBER => FieldType::Digits(4).parse(&text),
        Slot::SECURITY_ANSWER => index(&pools::SECURITY_ANSWERS, &text),
        Slot::MEMBERSHIP_LEVEL => (0..4).find(|level| membership_name(*level) == text),
        Slot::STREET_ADDRESS => street(&text),
        Slot::FULL_ADDRESS => {
            // "8206 river rd, richmond, va 17846": the city's entry holds its state.
            let (street_text, rest) = text.split_once(',')?;
            let (city_text, zip) = rest.trim().rsplit_once(' ')?;
            let city = index(&pools::CITIES, city_text)?;
            let zip = FieldType::Digits(5).parse(zip)?;
            Some(sim_core::world::full_address(street(street_text)?, city, zip))
        }
        Slot::PAYMENT_METHOD => index(&pools::PAYMENT_METHODS, &text),
        Slot::AMOUNT => FieldType::Money.parse(&text),
        Slot::REASON => index(&pools::REASONS, &text),
        Slot::PRODUCT => index(&pools::PRODUCTS, &text),
        Slot::REFUND_METHOD => index(&pools::REFUND_METHODS, &text),
        Slot::ORDER_OPTION => index(&pools::ORDER_OPTIONS, &text),
        Slot::DAYS => FieldType::Days.parse(&text),
        Slot::USERNAME | Slot::EMAIL | Slot::NEW_VALUE => None,
        _ => FieldType::Int.parse(&text),
    }
}

/// The first code that renders as the name of `words` among a scenario's `customer_names` (see
/// [`super::customer_name`]); `None` for a name not among them.
fn customer_name_code(names: &[String], words: &[&str]) -> Option<u64> {
    let at = names.iter().position(|name| {
        name.split_whitespace().map(str::to_lowercase).eq(words.iter().map(|word| word.to_owned()))
    })? as u64;
    let last_names = sim_core::world::pools::LAST_NAMES;
    (at < sim_core::world::pools::FIRST_NAMES * last_names)
        .then_some(at / last_names * 1000 + at % last_names)
}

/// "8206 river rd" as its code: the house number × 100 + the street's index.
fn street(text: &str) -> Option<u64> {
    let (number, name) = text.trim().split_once(' ')?;
    Some(FieldType::Int.parse(number)?.checked_mul(100)? + index(&pools::STREETS, name)?)
}

/// The index of `text` in a pool, case and outer spaces aside.
fn index(pool: &[&str], text: &str) -> Option<u64> {
    let text = text.trim();
    pool.iter().position(|entry| entry.eq_ignore_ascii_case(text)).map(|idx| idx as u64)
}

/// Lower-case letters and digits only: "(680) 976-9368" and "6809769368" are one text.
pub(super) fn normalized(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}
