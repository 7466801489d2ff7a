//! The scenario's own records in RON: entity types with typed, generated fields, declared slots, expressions and
//! tool effects written as data.
//!
//! ```ron
//! entities: [
//!     (name: "card", fields: [
//!         (name: "last4", ty: Digits(4), gen: Uniform(lo: 0, hi: 9999)),
//!         (name: "status", ty: Enum(["active", "blocked"]), gen: Label("active")),
//!     ]),
//! ],
//! slots: [(name: "card_last4", field: "card.last4", noun: "the last four digits of your card", identity: true)],
//! tools: [(id: "block-card", effect: Data(check: [card_last4], set: [("card.status", Label("blocked"))]), args: [card_last4])],
//! ```
//!
//! An entity with a `count` is a list: each episode starts with `min..=max` instances (`entity.count` holds the
//! live number), a tool's `add` appends one, a `Ref("entity")` field points at one, and a checked arg backed by one
//! of its fields picks the instance a call acts on. Its `variants` make the instances other than the focus
//! differ from it the way a customer's next request differs from their first (`(fields: ["hotel"], weight: 163)`).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::SlotName;

/// A record type of the world: `(name: "card", fields: [...])`, one instance per episode, or a list with a `count`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Entity", deny_unknown_fields)]
pub struct EntityFile {
    /// Entity name; fields are referred to as `name.field`.
    pub name: String,
    /// For a list entity: how many instances an episode starts with, and how many it can hold.
    #[serde(default)]
    pub count: Option<CountFile>,
    /// Its fields, generated in order at the start of every episode.
    pub fields: Vec<FieldFile>,
    /// For a list entity: how its other instances differ from the focus, as a customer's other requests differ
    /// from their first. Each instance other than the focus keeps the focus's values of every field named here,
    /// except those of one variant drawn by weight, drawn anew. Empty: every instance is drawn on its own.
    #[serde(default)]
    pub variants: Vec<VariantFile>,
}

/// One way another instance differs from the focus: `(fields: ["hotel"], weight: 163)`, another hotel on the same
/// days, seen 163 times.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Variant", deny_unknown_fields)]
pub struct VariantFile {
    /// The entity's fields drawn anew (names within the entity).
    pub fields: Vec<String>,
    /// How often instances differ this way, against the other variants (a count, as observed).
    pub weight: u32,
}

/// How many instances of a list entity there are: `(min: 1, max: 3)`, or `(min: 0, max: 0, capacity: 4)` for
/// records only tools add.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Count", deny_unknown_fields)]
pub struct CountFile {
    /// The fewest instances an episode starts with.
    pub min: u8,
    /// The most instances an episode starts with.
    pub max: u8,
    /// The most instances the list can hold, tool-added records included (defaults to `max`).
    #[serde(default)]
    pub capacity: Option<u8>,
}

/// A typed field with its generator: `(name: "amount", ty: Money, gen: LogNormal(mu: 4.0, sigma: 0.8, min: 5.0, max: 900.0))`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Field", deny_unknown_fields)]
pub struct FieldFile {
    /// Field name, unique within the entity.
    pub name: String,
    /// Its type.
    pub ty: FieldTypeFile,
    /// How its value is drawn (written `gen`).
    #[serde(rename = "gen")]
    pub generator: GenFile,
    /// For a list's field, how the focus (the instance the customer asks about first) draws it instead (written
    /// `focus_gen`): `Fixed(2)`, tomorrow, for STAR's weather customers.
    #[serde(rename = "focus_gen", default)]
    pub focus_generator: Option<GenFile>,
}

/// Field types.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub enum FieldTypeFile {
    /// A count or plain number.
    Int,
    /// Money: written in dollars in generators, stored and compared in cents.
    Money,
    /// Whole percent points, 0 to 100.
    Percent,
    /// Yes or no.
    Bool,
    /// An n-digit code (card digits, a one-time code), 1 to 18 digits.
    Digits(u8),
    /// One of these labels.
    Enum(Vec<String>),
    /// A number of days (since a purchase, a charge…).
    Days,
    /// A number of days before the day given ("2018-06-30", the scenario's today), said as the date it falls on:
    /// `Date("2018-06-30")`.
    Date(String),
    /// A reference to an instance of a list entity: `Ref("card")`.
    Ref(String),
}

/// Generators; numbers are in the field's unit (dollars for `Money`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub enum GenFile {
    /// Always this value.
    Fixed(f64),
    /// Always this label (`Enum` fields).
    Label(String),
    /// Uniform over `lo..=hi`.
    Uniform {
        /// Lowest value.
        lo: f64,
        /// Highest value.
        hi: f64,
    },
    /// Normal, rounded and clamped to `[min, max]`.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation; positive.
        sd: f64,
        /// Lowest value.
        min: f64,
        /// Highest value.
        max: f64,
    },
    /// Log-normal of ln(value), rounded and clamped to `[min, max]`.
    LogNormal {
        /// Mean of ln(value).
        mu: f64,
        /// Standard deviation of ln(value); positive.
        sigma: f64,
        /// Lowest value.
        min: f64,
        /// Highest value.
        max: f64,
    },
    /// One weight per label (`Enum`) or per `[no, yes]` (`Bool`).
    Categorical(Vec<f64>),
    /// Yes with this probability (`Bool`).
    Bernoulli(f64),
    /// One of the referenced list's instances, uniformly (`Ref` fields).
    Any,
    /// A number drawn by `of` (`Uniform`, `Normal` or `LogNormal`), rounded to the nearest multiple of `step` (in
    /// the field's unit: `step: 1.0` on `Money` is whole dollars).
    Rounded {
        /// The multiple.
        step: f64,
        /// The generator whose draw is rounded.
        of: Box<GenFile>,
    },
}

/// A slot the scenario declares, backed by a field: `(name: "card_last4", field: "card.last4", noun: "…")`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Slot", deny_unknown_fields)]
pub struct SlotFile {
    /// Slot name as tool args, steps and outputs spell it; must not clash with a built-in slot.
    pub name: String,
    /// The field whose true value the customer knows (`entity.field`).
    pub field: String,
    /// How the agent asks for it: "the last four digits of your card".
    pub noun: String,
    /// Whether it is an identity fact (misremembered at the persona's recall-error rate, unknown to impostors);
    /// otherwise it is a goal fact the customer always knows.
    #[serde(default)]
    pub identity: bool,
    /// Whether this identity fact is one no customer misremembers (their own name): known to every customer, an
    /// impostor the holder's.
    #[serde(default)]
    pub remembered: bool,
    /// Other words customers write for some of its values, each with the value it stands for, as the field's type
    /// writes it: `{"tomorrow": "Tuesday", "nyc": "New York City"}`.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
}

/// An expression over the world, a tool call's arguments and the customer's goal values, in stored units
/// (cents for money).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub enum ExprFile {
    /// An integer.
    Const(i64),
    /// Dollars, stored as cents.
    Dollars(f64),
    /// Yes (1).
    True,
    /// No (0).
    False,
    /// A field's current value: `Field("charge.amount")`.
    Field(String),
    /// A field's value at the start of the episode.
    Original(String),
    /// Whether an `Enum` field holds a label: `Is("card.status", "blocked")`.
    Is(String, String),
    /// A label of the field being set (only as the value of a `set`).
    Label(String),
    /// The tool call's argument for a slot (0 when not given).
    Arg(SlotName),
    /// Whether the tool call gave the slot.
    HasArg(SlotName),
    /// The value the customer holds for a slot (their goal), in resolution conditions.
    Goal(SlotName),
    /// The built-in account's membership level: 0 guest, 1 bronze, 2 silver, 3 gold.
    MembershipLevel,
    /// The built-in order's shipping state: 0 order received, 1 in transit, 2 out for delivery, 3 delivered.
    ShippingStatus,
    /// Whether the ask-the-oracle answer (did the company err?) is yes.
    OracleYes,
    /// Days since the built-in order was bought.
    DaysSincePurchase,
    /// The built-in order's total, in cents.
    OrderTotal,
    /// Cents refunded on the built-in order so far.
    Refunded,
    /// The built-in order's pending change: 0 for none, else the order option's index + 1.
    OrderChange,
    /// Purchases the agent made for the customer so far (make-purchase).
    Purchases,
    /// Sum.
    Add(Box<ExprFile>, Box<ExprFile>),
    /// Difference.
    Sub(Box<ExprFile>, Box<ExprFile>),
    /// Product.
    Mul(Box<ExprFile>, Box<ExprFile>),
    /// Quotient (0 when dividing by 0).
    Div(Box<ExprFile>, Box<ExprFile>),
    /// Smaller of two.
    Min(Box<ExprFile>, Box<ExprFile>),
    /// Larger of two.
    Max(Box<ExprFile>, Box<ExprFile>),
    /// `PercentOf(pct, base)`: base × pct / 100.
    PercentOf(Box<ExprFile>, Box<ExprFile>),
    /// Equal.
    Eq(Box<ExprFile>, Box<ExprFile>),
    /// Not equal.
    Ne(Box<ExprFile>, Box<ExprFile>),
    /// Less than.
    Lt(Box<ExprFile>, Box<ExprFile>),
    /// At most.
    Le(Box<ExprFile>, Box<ExprFile>),
    /// Greater than.
    Gt(Box<ExprFile>, Box<ExprFile>),
    /// At least.
    Ge(Box<ExprFile>, Box<ExprFile>),
    /// Both.
    And(Box<ExprFile>, Box<ExprFile>),
    /// Either.
    Or(Box<ExprFile>, Box<ExprFile>),
    /// Negation.
    Not(Box<ExprFile>),
    /// `If(condition, then, else)`.
    If(Box<ExprFile>, Box<ExprFile>, Box<ExprFile>),
    /// The index of the selected instance of a list entity, to compare with a `Ref` field: `Selected("charge")`.
    Selected(String),
    /// How many instances of a list satisfy `filter` (all without one): `Count(of: "dispute")`.
    Count {
        /// The list entity.
        of: String,
        /// A condition on each instance (its fields read that instance).
        #[serde(default)]
        filter: Option<Box<ExprFile>>,
    },
    /// The sum of `value` over the instances of a list that satisfy `filter`.
    Sum {
        /// The list entity.
        of: String,
        /// A condition on each instance.
        #[serde(default)]
        filter: Option<Box<ExprFile>>,
        /// The number summed.
        value: Box<ExprFile>,
    },
    /// `value` read with the instance at `index` selected (0 past the live instances): follows a reference,
    /// `At(of: "card", index: Field("charge.card"), value: Field("card.last4"))`.
    At {
        /// The list entity.
        of: String,
        /// The instance, usually a `Ref` field.
        index: Box<ExprFile>,
        /// What to read there.
        value: Box<ExprFile>,
    },
}

/// A tool effect written as data: `Data(check: [...], pre: …, set: [...], value: …)`.
///
/// A call passes when every checked argument it gives matches the world (and at least `check_min` are given) and
/// `pre` holds; only then are the `set`s applied, in order.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename = "Data", deny_unknown_fields)]
pub struct DataEffectFile {
    /// Slots whose given values must match the world: an identity or record check.
    #[serde(default)]
    pub check: Vec<SlotName>,
    /// How many checked arguments a call must give; defaults to all of `check`.
    #[serde(default)]
    pub check_min: Option<u8>,
    /// A condition on the world and the arguments (a refusal when it fails: a window passed, a limit reached).
    #[serde(default)]
    pub pre: Option<ExprFile>,
    /// Fields to set when the call passes: `("card.status", Label("blocked"))`, `("charge.disputed", Add(Field("charge.disputed"), Arg(amount)))`.
    #[serde(default)]
    pub set: Vec<(String, ExprFile)>,
    /// The value the tool reports, a number or a condition (defaults to 0).
    #[serde(default)]
    pub value: Option<ExprFile>,
    /// A record to append to a list entity after the `set`s: `add: (to: "dispute", set: [...])`.
    #[serde(default)]
    pub add: Option<AddFile>,
    /// Declared slots whose values a passed call shows besides its value, from the instances it selected:
    /// `shows: [temperature]` (a forecast's temperature beside its weather).
    #[serde(default)]
    pub shows: Vec<SlotName>,
}

/// A record a tool appends to a list entity; its `set` expressions read the new record, and fields it does not set
/// take their `Fixed`/`Label` generator value, or 0.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Add", deny_unknown_fields)]
pub struct AddFile {
    /// The list entity.
    pub to: String,
    /// Fields of the new record: `("dispute.amount", Arg(dispute_amount))`.
    #[serde(default)]
    pub set: Vec<(String, ExprFile)>,
}
