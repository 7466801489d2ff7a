//! Typed world fields a scenario declares (money, percent, codes, labels…) and the generators that draw them.
//!
//! Every field value is stored as a `u64` in the field's unit (cents for money, whole points for
//! percent, an index for enums), in a fixed [`FieldValues`] array, so cloning a world never allocates.
//! Drawing, misremembering and rendering take the episode's ChaCha stream and never allocate.

use std::collections::BTreeSet;
use std::fmt::Write;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal};

use crate::list::{Instance, ListId, ListSpec, MAX_LISTS, Selection};

pub mod calendar;
#[cfg(test)]
mod tests;

/// Index of a field in an episode's flat field buffer.
pub type FieldId = u8;

/// The most field cells a scenario may use (the buffer is a fixed array, so cloning a world never allocates); a
/// field of a list entity takes one cell per possible instance.
pub const MAX_FIELDS: usize = 64;

/// An episode's field cells (all stored as u64 in the field's unit); indexes and iterates as the array it wraps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldValues(pub [u64; MAX_FIELDS]);

impl Default for FieldValues {
    fn default() -> FieldValues {
        FieldValues([0; MAX_FIELDS])
    }
}

impl std::ops::Deref for FieldValues {
    type Target = [u64; MAX_FIELDS];

    fn deref(&self) -> &[u64; MAX_FIELDS] {
        &self.0
    }
}

impl std::ops::DerefMut for FieldValues {
    fn deref_mut(&mut self) -> &mut [u64; MAX_FIELDS] {
        &mut self.0
    }
}

/// The widest [`FieldType::Digits`] code: 10^18 still fits a `u64`.
pub const MAX_DIGITS: u8 = 18;

/// What a field holds, which decides how its value is checked, misremembered and rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// A count or plain number.
    Int,
    /// An amount of money in cents.
    Money,
    /// Whole percent points, 0 to 100.
    Percent,
    /// 0 (no) or 1 (yes).
    Bool,
    /// An n-digit code (card last four, one-time code), rendered zero-padded; n in 1..=18.
    Digits(u8),
    /// An index into these labels.
    Enum(Vec<String>),
    /// A number of days (e.g. since purchase), rendered "N days".
    Days,
    /// A reference to an instance of a list entity (its index), rendered "#N" from 1.
    Ref(ListId),
    /// A number of days before a fixed day (its days since 1970-01-01: the scenario's today), rendered as the
    /// calendar date it falls on, "June 12, 2018"; compared as the number of days, so a window reads it as `Days`.
    Date(i64),
}

/// How a field's starting value is drawn; parameters are in the field's stored unit (cents for money).
#[derive(Clone, Debug, PartialEq)]
pub enum Gen {
    /// Always this value.
    Fixed(u64),
    /// Uniform between `lo` and `hi`, both included.
    Uniform {
        /// The smallest value.
        lo: u64,
        /// The largest value.
        hi: u64,
    },
    /// A normal draw, rounded and clamped to `min..=max`.
    Normal {
        /// The mean.
        mean: f64,
        /// The standard deviation.
        sd: f64,
        /// The smallest value kept.
        min: f64,
        /// The largest value kept.
        max: f64,
    },
    /// A log-normal draw (`mu` and `sigma` are of ln(value)), rounded and clamped to `min..=max`.
    LogNormal {
        /// The mean of ln(value).
        mu: f64,
        /// The standard deviation of ln(value).
        sigma: f64,
        /// The smallest value kept.
        min: f64,
        /// The largest value kept.
        max: f64,
    },
    /// An index drawn in proportion to these weights (for enums and bools: one weight per label, no first).
    Categorical(Vec<f64>),
    /// 1 with this probability, else 0 (bools only).
    Bernoulli(f64),
    /// One of the live instances of the list, uniformly (references only; 0 when the list is empty).
    Instance(ListId),
    /// A number drawn by `of`, rounded to the nearest multiple of `step` (stored units: 100 is whole dollars).
    Rounded {
        /// The multiple, at least 1.
        step: u64,
        /// The generator whose draw is rounded.
        of: Box<Gen>,
    },
}

/// One field a scenario declares.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldSpec {
    /// The qualified name, e.g. `card.status`.
    pub name: String,
    /// What the field holds.
    pub ty: FieldType,
    /// How its starting value is drawn.
    pub generator: Gen,
    /// For a field of a list entity, the instance this cell holds; `None` for single-instance entities.
    pub instance: Option<Instance>,
}

/// Draws the lists' lengths and focus, then every live cell in order (so the draws are deterministic), the focus's
/// cells of the fields a list draws otherwise for it again ([`ListSpec::focus_draws`]), then makes
/// the instances of lists with variants variants of their focus ([`vary`](crate::list::vary)), zeroing the rest of
/// `out`.
///
/// # Panics
///
/// If more than [`MAX_FIELDS`] cells are given; the scenario loader rejects such scenarios.
pub fn generate(
    fields: &[FieldSpec],
    lists: &[ListSpec],
    rng: &mut ChaCha8Rng,
    out: &mut FieldValues,
    focus: &mut Selection,
) {
    assert!(
        fields.len() <= MAX_FIELDS,
        "{} field cells declared; at most {MAX_FIELDS} are supported",
        fields.len()
    );
    let used = fields.len().min(MAX_FIELDS);
    out[used..].fill(0);
    let mut lengths = [0; MAX_LISTS];
    crate::list::draw(lists, rng, &mut lengths, focus);
    for (value, field) in out.iter_mut().zip(fields) {
        let live = field.instance.is_none_or(|instance| {
            instance.index < lengths.get(usize::from(instance.list)).copied().unwrap_or(0)
        });
        *value = if live { field.generator.sample(rng, &lengths) } else { 0 };
    }
    // A list's fields whose focus is drawn otherwise ("the day asked about first is tomorrow") draw it again.
    for (list, at) in lists.iter().zip(focus.iter()) {
        for (field, generator) in &list.focus_draws {
            if let Some(value) = out.get_mut(usize::from(*field) + usize::from(*at)) {
                *value = generator.sample(rng, &lengths);
            }
        }
    }
    crate::list::vary(fields, lists, &lengths, focus, rng, &mut out[..used]);
    for (list, length) in lists.iter().zip(lengths) {
        if let Some(count) = out.get_mut(usize::from(list.count)) {
            *count = u64::from(length);
        }
    }
}

impl Gen {
    /// Draws one value (`lengths` are the lists' live lengths, for references); never panics, even for a
    /// generator that did not pass [`FieldType::check_gen`].
    pub fn sample(&self, rng: &mut ChaCha8Rng, lengths: &Selection) -> u64 {
        match self {
            Gen::Fixed(value) => *value,
            Gen::Uniform { lo, hi } => {
                if lo < hi {
                    rng.random_range(*lo..=*hi)
                } else {
                    *lo
                }
            }
            Gen::Normal { mean, sd, min, max } => {
                let draw = match Normal::new(*mean, *sd) {
                    Ok(normal) => normal.sample(rng),
                    Err(_) => *mean,
                };
                round_and_clamp(draw, *min, *max)
            }
            Gen::LogNormal { mu, sigma, min, max } => {
                let draw = match LogNormal::new(*mu, *sigma) {
                    Ok(log_normal) => log_normal.sample(rng),
                    Err(_) => mu.exp(),
                };
                round_and_clamp(draw, *min, *max)
            }
            Gen::Categorical(weights) => categorical_index(weights, rng),
            Gen::Bernoulli(probability) => {
                let probability =
                    if probability.is_nan() { 0.0 } else { probability.clamp(0.0, 1.0) };
                u64::from(rng.random_bool(probability))
            }
            Gen::Instance(list) => {
                let length = lengths.get(usize::from(*list)).copied().unwrap_or(0);
                u64::from(crate::list::any_instance(length, rng))
            }
            Gen::Rounded { step, of } => {
                let step = (*step).max(1);
                of.sample(rng, lengths).saturating_add(step / 2) / step * step
            }
        }
    }

    /// The generator's name in problem sentences.
    fn kind(&self) -> &'static str {
        match self {
            Gen::Fixed(_) => "fixed",
            Gen::Uniform { .. } => "uniform",
            Gen::Normal { .. } => "normal",
            Gen::LogNormal { .. } => "lognormal",
            Gen::Categorical(_) => "categorical",
            Gen::Bernoulli(_) => "bernoulli",
            Gen::Instance(_) => "instance",
            Gen::Rounded { .. } => "rounded",
        }
    }
}

impl FieldType {
    /// Whether the field is a yes/no (it reads as a Bool in expressions).
    pub fn is_bool(&self) -> bool {
        matches!(self, FieldType::Bool)
    }

    /// Checks the type itself and a generator for it, returning every problem as a sentence.
    pub fn check_gen(&self, generator: &Gen) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        self.check_type(&mut problems);
        check_parameters(generator, &mut problems);
        match (self, generator) {
            (FieldType::Enum(labels), Gen::Categorical(weights))
                if weights.len() != labels.len() =>
            {
                problems.push(format!(
                    "categorical has {} weights but the enum has {} labels",
                    weights.len(),
                    labels.len()
                ));
            }
            (FieldType::Bool, Gen::Categorical(weights)) if weights.len() != 2 => {
                problems.push(format!(
                    "categorical has {} weights but a bool needs 2 (no, then yes)",
                    weights.len()
                ));
            }
            (FieldType::Bool, Gen::Bernoulli(_)) => {}
            (_, Gen::Bernoulli(_)) => {
                problems.push(format!("bernoulli is only for bool fields, not {}", self.kind()));
            }
            (FieldType::Ref(to), Gen::Instance(of)) if to != of => {
                problems.push("instance draws from another list than the reference's".to_owned());
            }
            (FieldType::Ref(_), Gen::Instance(_) | Gen::Fixed(_)) => {}
            (FieldType::Ref(_), _) => {
                problems.push(format!(
                    "a reference is drawn with instance or fixed, not {}",
                    generator.kind()
                ));
            }
            (_, Gen::Instance(_)) => {
                problems.push(format!("instance is only for references, not {}", self.kind()));
            }
            (
                FieldType::Int
                | FieldType::Money
                | FieldType::Percent
                | FieldType::Days
                | FieldType::Date(_),
                Gen::Rounded { of, step },
            ) => match **of {
                Gen::Uniform { .. } | Gen::Normal { .. } | Gen::LogNormal { .. } => {
                    problems.extend(self.check_gen(of).err().unwrap_or_default());
                    // A percent rounded up past 100 by a step that does not divide it.
                    if let Some(max) = self.max_value()
                        && *step > 0
                        && max % step != 0
                    {
                        problems.push(format!(
                            "rounded step {step} does not divide {max}, the most a {} holds",
                            self.kind()
                        ));
                    }
                }
                _ => problems.push(format!("rounded rounds a number's draw, not {}", of.kind())),
            },
            (_, Gen::Rounded { .. }) => {
                problems.push(format!("rounded is only for numbers, not {}", self.kind()));
            }
            _ => {}
        }
        self.check_fit(generator, &mut problems);
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// A plausible different value of the same type, for a customer who misremembers.
    ///
    /// Never equal to `truth`, except for an enum with a single label, where there is no other value.
    pub fn wrong_value(&self, truth: u64, rng: &mut ChaCha8Rng) -> u64 {
        match self {
            FieldType::Bool => u64::from(truth == 0),
            FieldType::Digits(width) => wrong_digits(truth, (*width).clamp(1, MAX_DIGITS), rng),
            FieldType::Enum(labels) => {
                let n_labels = labels.len() as u64;
                if n_labels <= 1 {
                    return truth;
                }
                let other = rng.random_range(0..n_labels - 1);
                if truth < n_labels && other >= truth { other + 1 } else { other }
            }
            FieldType::Percent => nudge(truth, 100, rng),
            FieldType::Int | FieldType::Money | FieldType::Days | FieldType::Date(_) => {
                nudge(truth, u64::MAX, rng)
            }
            FieldType::Ref(_) => truth + 1,
        }
    }

    /// Renders a value for a customer or agent to read, pushing it onto `out`.
    pub fn render(&self, value: u64, out: &mut String) {
        // Writing to a String cannot fail.
        let _ = match self {
            FieldType::Int => write!(out, "{value}"),
            FieldType::Money => write!(out, "${}.{:02}", value / 100, value % 100),
            FieldType::Percent => write!(out, "{value}%"),
            FieldType::Bool => {
                out.push_str(if value == 0 { "no" } else { "yes" });
                Ok(())
            }
            FieldType::Digits(width) => write!(out, "{value:0width$}", width = usize::from(*width)),
            FieldType::Enum(labels) => {
                let label = usize::try_from(value).ok().and_then(|idx| labels.get(idx));
                out.push_str(label.map_or("?", String::as_str));
                Ok(())
            }
            FieldType::Days if value == 1 => write!(out, "1 day"),
            FieldType::Days => write!(out, "{value} days"),
            FieldType::Ref(_) => write!(out, "#{}", value.saturating_add(1)),
            FieldType::Date(today) => {
                let day = calendar::day_before(*today, value);
                let month = calendar::MONTHS[day.month as usize - 1];
                write!(out, "{month} {}, {}", day.day, day.year)
            }
        };
    }

    /// Reads a value written as [`FieldType::render`] writes it, or as a person would type it: case, spaces and
    /// thousands separators aside ("$1,250.5", "1250.50" and "$1250.50" are one amount; "#2" and "2" one reference;
    /// "48 days" and "48" one number of days); `None` for text that is no value of the type.
    pub fn parse(&self, text: &str) -> Option<u64> {
        let text = text.trim().to_lowercase();
        let number = |text: &str| -> Option<u64> {
            let digits: String = text.chars().filter(|c| !matches!(c, ',' | ' ' | '_')).collect();
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.parse().ok()
        };
        match self {
            FieldType::Int => number(&text),
            FieldType::Money => {
                let amount = text.strip_prefix('$').unwrap_or(&text).trim();
                let amount = amount.strip_suffix("dollars").unwrap_or(amount).trim();
                let (whole, cents) = amount.split_once('.').unwrap_or((amount, ""));
                let whole = if whole.is_empty() { 0 } else { number(whole)? };
                let cents = match cents.len() {
                    0 => 0,
                    1 => number(cents)? * 10,
                    2 => number(cents)?,
                    _ => return None,
                };
                whole.checked_mul(100)?.checked_add(cents)
            }
            FieldType::Percent => {
                let value = text.strip_suffix('%').or_else(|| text.strip_suffix("percent"));
                number(value.unwrap_or(&text).trim()).filter(|value| *value <= 100)
            }
            FieldType::Bool => match text.as_str() {
                "yes" | "y" | "true" => Some(1),
                "no" | "n" | "false" => Some(0),
                _ => None,
            },
            FieldType::Digits(width) => {
                let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
                let fits = !digits.is_empty() && digits.len() <= usize::from(*width);
                number(&digits).filter(|_| fits)
            }
            FieldType::Enum(labels) => labels
                .iter()
                .position(|label| label.trim().to_lowercase() == text)
                .map(|idx| idx as u64),
            FieldType::Days => {
                let value = text.strip_suffix("days").or_else(|| text.strip_suffix("day"));
                number(value.unwrap_or(&text).trim())
            }
            FieldType::Ref(_) => {
                number(text.strip_prefix('#').unwrap_or(&text).trim())?.checked_sub(1)
            }
            FieldType::Date(today) => {
                calendar::days_before(*today, calendar::days_of(calendar::read(&text)?, *today)?)
            }
        }
    }

    /// The type's name in problem sentences.
    fn kind(&self) -> &'static str {
        match self {
            FieldType::Int => "int",
            FieldType::Money => "money",
            FieldType::Percent => "percent",
            FieldType::Bool => "bool",
            FieldType::Digits(_) => "digits",
            FieldType::Enum(_) => "enum",
            FieldType::Days => "days",
            FieldType::Ref(_) => "reference",
            FieldType::Date(_) => "date",
        }
    }

    /// The largest value the type holds, if it is bounded and well-formed.
    fn max_value(&self) -> Option<u64> {
        match self {
            FieldType::Bool => Some(1),
            FieldType::Percent => Some(100),
            FieldType::Digits(width @ 1..=MAX_DIGITS) => Some(10u64.pow(u32::from(*width)) - 1),
            FieldType::Enum(labels) if !labels.is_empty() => Some(labels.len() as u64 - 1),
            _ => None,
        }
    }

    /// Problems with the type itself: a digit width out of range, enum labels missing or repeated.
    fn check_type(&self, problems: &mut Vec<String>) {
        match self {
            FieldType::Digits(width) if !(1..=MAX_DIGITS).contains(width) => {
                problems.push(format!("digits width {width} must be between 1 and {MAX_DIGITS}"));
            }
            FieldType::Enum(labels) if labels.is_empty() => {
                problems.push("an enum needs at least one label".to_owned());
            }
            FieldType::Enum(labels) => {
                let mut seen = BTreeSet::new();
                let mut repeated = BTreeSet::new();
                for label in labels {
                    if !seen.insert(label.as_str()) && repeated.insert(label.as_str()) {
                        problems.push(format!("enum label `{label}` appears more than once"));
                    }
                }
            }
            _ => {}
        }
    }

    /// Problems with values the generator can produce that the type cannot hold.
    fn check_fit(&self, generator: &Gen, problems: &mut Vec<String>) {
        let Some(type_max) = self.max_value() else { return };
        let largest = match generator {
            Gen::Fixed(value) => Some(("fixed value", *value)),
            Gen::Uniform { hi, .. } => Some(("uniform hi", *hi)),
            Gen::Normal { max, .. } if !max.is_nan() => Some(("normal max", max.round() as u64)),
            Gen::LogNormal { max, .. } if !max.is_nan() => {
                Some(("lognormal max", max.round() as u64))
            }
            // For enums and bools the weight count is checked instead.
            Gen::Categorical(weights)
                if !weights.is_empty() && !matches!(self, FieldType::Enum(_) | FieldType::Bool) =>
            {
                Some(("categorical index", weights.len() as u64 - 1))
            }
            _ => None,
        };
        if let Some((what, value)) = largest
            && value > type_max
        {
            problems.push(format!(
                "{what} {value} is out of range for {} (at most {type_max})",
                self.kind()
            ));
        }
    }
}

/// Problems with a generator's own parameters, whatever the field type.
fn check_parameters(generator: &Gen, problems: &mut Vec<String>) {
    match generator {
        Gen::Fixed(_) | Gen::Instance(_) => {}
        Gen::Uniform { lo, hi } => {
            if lo > hi {
                problems.push(format!("uniform lo {lo} is greater than hi {hi}"));
            }
        }
        Gen::Normal { mean, sd, min, max } => {
            check_bell(generator.kind(), ("mean", *mean), ("sd", *sd), *min, *max, problems);
        }
        Gen::LogNormal { mu, sigma, min, max } => {
            check_bell(generator.kind(), ("mu", *mu), ("sigma", *sigma), *min, *max, problems);
        }
        Gen::Categorical(weights) => {
            if weights.is_empty() {
                problems.push("categorical has no weights".to_owned());
                return;
            }
            for (idx, weight) in weights.iter().enumerate() {
                if !weight.is_finite() || *weight < 0.0 {
                    problems.push(format!(
                        "categorical weight {idx} is {weight}; weights must be finite and at least 0"
                    ));
                }
            }
            if weights.iter().all(|weight| *weight == 0.0) {
                problems.push("categorical weights are all zero".to_owned());
            }
        }
        Gen::Bernoulli(probability) => {
            if !(0.0..=1.0).contains(probability) {
                problems.push(format!("bernoulli probability {probability} is outside 0 to 1"));
            }
        }
        Gen::Rounded { step: 0, .. } => {
            problems.push("rounded step is 0; it must be at least 1 in the stored unit".to_owned());
        }
        Gen::Rounded { .. } => {}
    }
}

/// Problems with a normal or log-normal generator: its centre, spread and clamp range.
fn check_bell(
    kind: &str,
    (centre_name, centre): (&str, f64),
    (spread_name, spread): (&str, f64),
    min: f64,
    max: f64,
    problems: &mut Vec<String>,
) {
    if !centre.is_finite() {
        problems.push(format!("{kind} {centre_name} {centre} must be finite"));
    }
    if !spread.is_finite() || spread <= 0.0 {
        problems.push(format!("{kind} {spread_name} {spread} must be finite and greater than 0"));
    }
    if min.is_nan() || max.is_nan() {
        problems.push(format!("{kind} min and max must be numbers, not NaN"));
    } else if min > max {
        problems.push(format!("{kind} min {min} is greater than max {max}"));
    }
    if min < 0.0 {
        problems.push(format!("{kind} min {min} is below 0, but field values cannot be negative"));
    }
}

/// Rounds a draw and clamps it to `min..=max` without panicking on NaN or crossed bounds.
fn round_and_clamp(draw: f64, min: f64, max: f64) -> u64 {
    // `f64::max` and `f64::min` ignore a NaN side; the cast saturates (negative and NaN give 0).
    draw.round().max(min).min(max) as u64
}

/// An index drawn in proportion to the weights; bad weights count as 0, and no usable weight gives 0.
fn categorical_index(weights: &[f64], rng: &mut ChaCha8Rng) -> u64 {
    let usable = |weight: f64| if weight.is_finite() && weight > 0.0 { weight } else { 0.0 };
    let total: f64 = weights.iter().map(|weight| usable(*weight)).sum();
    if !(total.is_finite() && total > 0.0) {
        return 0;
    }
    let mut draw = rng.random::<f64>() * total;
    let mut last_usable = 0;
    for (idx, weight) in weights.iter().enumerate() {
        let weight = usable(*weight);
        if weight == 0.0 {
            continue;
        }
        if draw < weight {
            return idx as u64;
        }
        draw -= weight;
        last_usable = idx;
    }
    // Rounding can leave a sliver past the last weight.
    last_usable as u64
}

/// Another code of `width` digits: one or two digits of `truth` changed.
fn wrong_digits(truth: u64, width: u8, rng: &mut ChaCha8Rng) -> u64 {
    let code = truth % 10u64.pow(u32::from(width));
    let first_position = rng.random_range(0..width);
    let mut wrong = change_digit(code, first_position, rng);
    if width >= 2 && rng.random_bool(0.5) {
        let other = rng.random_range(0..width - 1);
        let second_position = if other >= first_position { other + 1 } else { other };
        wrong = change_digit(wrong, second_position, rng);
    }
    wrong
}

/// `code` with the digit at `position` (0 = units) replaced by a different digit.
fn change_digit(code: u64, position: u8, rng: &mut ChaCha8Rng) -> u64 {
    let place = 10u64.pow(u32::from(position));
    let old_digit = code / place % 10;
    let new_digit = (old_digit + rng.random_range(1..10)) % 10;
    code - old_digit * place + new_digit * place
}

/// `truth` moved up or down by 5–25% (at least 1), staying within `0..=max`.
fn nudge(truth: u64, max: u64, rng: &mut ChaCha8Rng) -> u64 {
    if truth > max {
        return max;
    }
    let fraction = rng.random_range(0.05..0.25);
    let delta = ((truth as f64 * fraction).round() as u64).max(1);
    let room_up = max - truth;
    let go_up = match (room_up > 0, truth > 0) {
        (true, true) => rng.random_bool(0.5),
        (can_go_up, _) => can_go_up,
    };
    if go_up { truth + delta.min(room_up) } else { truth - delta.min(truth) }
}
