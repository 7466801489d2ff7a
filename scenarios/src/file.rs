//! The RON scenario format: serde `…File` types, exactly as written in `scenarios/data/*.ron`.
//!
//! These types only describe syntax; [`ScenarioFile::to_spec`](crate::ScenarioFile::to_spec) checks them and
//! builds the engine's [`ScenarioSpec`](sim_core::spec::ScenarioSpec).

mod records;

use serde::{Deserialize, Deserializer};
use sim_core::act::Slot;
use sim_core::spec::{AccountField, Effect, Outcome};

pub use records::{
    AddFile, CountFile, DataEffectFile, EntityFile, ExprFile, FieldFile, FieldTypeFile, GenFile,
    SlotFile, VariantFile,
};

/// A whole scenario file: `Scenario(id: …, description: …, max_turns: …, world: …, personas: …, tools: …, intents: …,
/// rules: …)`.
///
/// Optional fields are written bare
/// (`min_args: 3`, not `Some(3)`): the loader enables ron's `implicit_some`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Scenario", deny_unknown_fields)]
pub struct ScenarioFile {
    /// The scenario's id (lower-case letters, digits, `-` and `_`): names it in outputs and, with the run seed, seeds
    /// every episode's random stream, so renaming or moving the file changes no episode.
    pub id: String,
    /// One-line description.
    pub description: String,
    /// The policy as the text an agent would be given (its system prompt); rules cite its sentences with `cites`.
    #[serde(default)]
    pub policy: String,
    /// Turn limit per episode (at least 4).
    pub max_turns: u16,
    /// The most slots the built-in agents ask for in one question, 1 to 3 (default 3).
    #[serde(default = "default_asks_at_once")]
    pub asks_at_once: u8,
    /// How the built-in account and order are generated; defaults to [`WorldFile::default`].
    #[serde(default)]
    pub world: WorldFile,
    /// The scenario's own record types (a card, a charge, a subscription), one instance each per episode.
    #[serde(default)]
    pub entities: Vec<EntityFile>,
    /// Slots the scenario declares, backed by its own fields.
    #[serde(default)]
    pub slots: Vec<SlotFile>,
    /// Default persona mix: (persona id, weight) pairs, e.g. `("calm", 0.4)`; empty means a run must name its
    /// personas with `--persona`.
    #[serde(default)]
    pub personas: Vec<(String, f64)>,
    /// Tools (ABCD buttons) the agent may call; at most 64.
    pub tools: Vec<ToolFile>,
    /// Customer intents (ABCD subflows); at least one.
    pub intents: Vec<IntentFile>,
    /// Policy rules the oracles check.
    pub rules: Vec<RuleFile>,
    /// Business measures on the final world: `(name: "revenue_kept", unit: Money, value: …)`.
    #[serde(default)]
    pub metrics: Vec<MetricFile>,
    /// How a customer opens without saying what they need: `["hi, I have a question about my card"]`; empty uses
    /// built-in lines about an order or an account.
    #[serde(default)]
    pub vague_openings: Vec<String>,
    /// How the agent's free text is read into acts: phrases and words put before the default English tagger's
    /// (`scenarios/tagger/english.ron`), which every scenario extends.
    #[serde(default)]
    pub tagger: TaggerFile,
    /// What a transcript corpus calls the scenario's slots, for customer text drawn from real conversations
    /// (`rehearse run --customer-text`): `[("hotel_book.Name", hotel_name)]`, a slot type of the transcripts' `slots`
    /// then the scenario's slot it stands for.
    #[serde(default)]
    pub corpus_slots: Vec<(String, SlotName)>,
    /// What a transcript corpus calls the scenario's intents: `[("reportlostcard", "lost_card")]`, a conversation's
    /// intent label then the intent's id; an intent not named here is matched by its own id.
    #[serde(default)]
    pub corpus_intents: Vec<(String, String)>,
    /// The built-in agents' words for some acts, a source's template replies: `[(act: "ask", slots: [hotel_name],
    /// text: "What hotel would you like to stay at?")]`; `{slot}` holes take the act's value, else the customer's.
    #[serde(default)]
    pub agent_replies: Vec<AgentReplyFile>,
}

/// The agent's words for one act: `(act: "deny", intent: "hotel_book", text: "There is no room at the
/// {hotel_name}.")`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentReplyFile {
    /// An agent act by name (`greet`, `ask`, `disclose`, `deny`, `offer`, `anything_else`, `close`, …).
    pub act: String,
    /// The slots the act asks for or tells, exactly; empty (the default) for an act that carries none.
    #[serde(default)]
    pub slots: Vec<SlotName>,
    /// Only for customers with this intent; any when absent.
    #[serde(default)]
    pub intent: Option<String>,
    /// Only after a call of this tool: a `deny` its failure is the reason for, an `inform_result` whose latest
    /// passed call it was; after any when absent.
    #[serde(default)]
    pub after: Option<String>,
    /// The words, with `{slot}` holes.
    pub text: String,
    /// How often it is said against the other replies that fit the same turn: 1 (the default) for a source's
    /// template, less for a wording its agents used now and then.
    #[serde(default = "one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}

/// An act tagger, or a scenario's additions to the default one: `(threshold: 0.5, acts: [(act: "deny", confidence:
/// 0.9, phrases: ["can't approve"])], slot_words: [(slot: zip_code, words: ["postal code"])])`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename = "Tagger", deny_unknown_fields)]
pub struct TaggerFile {
    /// Below this confidence a message is unclear; a scenario that leaves it out keeps the default's.
    #[serde(default)]
    pub threshold: Option<f32>,
    /// Phrases per act, in order of precedence: the first act with a phrase the message contains wins.
    #[serde(default)]
    pub acts: Vec<ActPhrasesFile>,
    /// Words naming a slot (a declared slot is also named by its noun without its determiner).
    #[serde(default)]
    pub slot_words: Vec<SlotWordsFile>,
    /// Words naming a tool, as a refusal's reason (a tool is also named by its id, with spaces for dashes).
    #[serde(default)]
    pub tool_words: Vec<ToolWordsFile>,
}

/// Phrases that mark an agent act.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Act", deny_unknown_fields)]
pub struct ActPhrasesFile {
    /// The agent act's name (`greet`, `ask`, `deny`…).
    pub act: String,
    /// How sure a match makes the tagger, in (0, 1].
    pub confidence: f32,
    /// Lower-case phrases, matched at word boundaries.
    pub phrases: Vec<String>,
}

/// Words that name a slot.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Slot", deny_unknown_fields)]
pub struct SlotWordsFile {
    /// The slot.
    pub slot: SlotName,
    /// Lower-case words or phrases.
    pub words: Vec<String>,
}

/// Words that name a tool.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Tool", deny_unknown_fields)]
pub struct ToolWordsFile {
    /// The tool's id.
    pub tool: String,
    /// Lower-case words or phrases.
    pub words: Vec<String>,
}

/// A measure of an episode's outcome, evaluated on its final world.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Metric", deny_unknown_fields)]
pub struct MetricFile {
    /// Name in outputs.
    pub name: String,
    /// How the value reads; defaults to `Number`.
    #[serde(default)]
    pub unit: UnitFile,
    /// The measure, a number expression (cents for money).
    pub value: ExprFile,
}

/// The unit of a metric.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub enum UnitFile {
    /// A plain number.
    #[default]
    Number,
    /// Money in cents, shown as dollars.
    Money,
}

/// How the built-in customer account and order are generated.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "World", deny_unknown_fields)]
pub struct WorldFile {
    /// Weights of the membership levels.
    pub membership_weights: MembershipWeightsFile,
    /// Item price in dollars.
    pub price: PriceFile,
    /// Days since purchase, uniform over `min..=max`.
    pub days_since_purchase: RangeFile<u32>,
    /// Weights of the payment methods.
    pub payment_weights: PaymentWeightsFile,
    /// Items per order, uniform over `min..=max` (within 1..=4).
    pub items_per_order: RangeFile<u8>,
    /// Probability that `ask-the-oracle` answers yes.
    pub oracle_yes: f64,
}

impl Default for WorldFile {
    /// The retail-support values: scenarios about other records may leave `world` out.
    fn default() -> Self {
        WorldFile {
            membership_weights: MembershipWeightsFile {
                guest: 0.2,
                bronze: 0.35,
                silver: 0.25,
                gold: 0.2,
            },
            price: PriceFile { mu: 4.2, sigma: 0.6, min: 10.0, max: 400.0 },
            days_since_purchase: RangeFile { min: 1, max: 240 },
            payment_weights: PaymentWeightsFile {
                credit_card: 0.6,
                debit_card: 0.25,
                paypal: 0.15,
            },
            items_per_order: RangeFile { min: 1, max: 3 },
            oracle_yes: 0.5,
        }
    }
}

/// Relative weights of the membership levels (not necessarily summing to 1).
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(rename = "MembershipWeights", deny_unknown_fields)]
pub struct MembershipWeightsFile {
    /// Guest (no membership).
    pub guest: f64,
    /// Bronze.
    pub bronze: f64,
    /// Silver.
    pub silver: f64,
    /// Gold.
    pub gold: f64,
}

/// Relative weights of the payment methods.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(rename = "PaymentWeights", deny_unknown_fields)]
pub struct PaymentWeightsFile {
    /// Credit card.
    pub credit_card: f64,
    /// Debit card.
    pub debit_card: f64,
    /// PayPal.
    pub paypal: f64,
}

/// Item price in dollars: `LogNormal(mu: …, sigma: …, min: …, max: …)`, log-normal clamped to `[min, max]`.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(rename = "LogNormal", deny_unknown_fields)]
pub struct PriceFile {
    /// Mean of ln(price).
    pub mu: f64,
    /// Standard deviation of ln(price); positive.
    pub sigma: f64,
    /// Lowest price.
    pub min: f64,
    /// Highest price.
    pub max: f64,
}

/// An inclusive integer range `(min: …, max: …)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename = "Range", deny_unknown_fields)]
pub struct RangeFile<T> {
    /// Lowest value.
    pub min: T,
    /// Highest value.
    pub max: T,
}

/// A tool: `(id: "offer-refund", effect: Refund, args: [amount])`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Tool", deny_unknown_fields)]
pub struct ToolFile {
    /// Tool id as the agent names it (an ABCD button id).
    pub id: String,
    /// What the tool does to the world.
    pub effect: EffectFile,
    /// Slots the tool takes, as snake_case slot names.
    #[serde(default)]
    pub args: Vec<SlotName>,
    /// How many of `args` a call must give; defaults to all of them.
    #[serde(default)]
    pub min_args: Option<u8>,
    /// For an action the customer performs on their own device: what the agent asks ("restart your router").
    #[serde(default)]
    pub instruction: Option<String>,
    /// What the tool returns to the agent: `(done: "Card ending {card_last4} blocked.", failed: "No card ending
    /// {card_last4}.")`; `{slot}` is a given argument (or, in `done`, a slot the effect `shows`), `{value}` the
    /// reported value.
    #[serde(default)]
    pub says: Option<ToolTextFile>,
}

/// What a tool says when it passes and when it fails.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename = "Says", deny_unknown_fields)]
pub struct ToolTextFile {
    /// A passed call.
    pub done: String,
    /// A failed call.
    pub failed: String,
}

/// A customer intent (an ABCD subflow) with the guideline's ordered steps.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Intent", deny_unknown_fields)]
pub struct IntentFile {
    /// Subflow id, e.g. `refund_initiate`.
    pub id: String,
    /// Flow id, e.g. `product_defect`.
    pub flow: String,
    /// Relative weight in the scenario's intent mix.
    pub weight: f64,
    /// When the request is admissible; defaults to `Always`.
    #[serde(default)]
    pub eligibility: EligibilityFile,
    /// The guideline's steps, in order.
    pub steps: Vec<StepFile>,
    /// What the world must look like at the end when the request is granted.
    pub resolved: Vec<OutcomeFile>,
    /// Whether the agent may close after a negative oracle answer without the remaining steps.
    #[serde(default)]
    pub oracle_no_ends: bool,
    /// What the agent may offer instead: `(slot: discount_percent, value: Fixed(20), accept: AtLeast("customer.min_discount"))`.
    #[serde(default)]
    pub offer: Option<OfferFile>,
    /// How a customer says the need, completing "I'd like to …": `"cancel my subscription"`.
    #[serde(default)]
    pub phrase: Option<String>,
    /// Facts the agent states with its offer, each as a tool reported it: `[(fits_need, "check-fit")]`.
    #[serde(default)]
    pub claims: Vec<(SlotName, String)>,
    /// Concerns a customer may raise against the offer, each answered by a tool (the price objection is built in).
    #[serde(default)]
    pub objections: Vec<ObjectionFile>,
    /// Goal values of built-in slots read from the world rather than drawn: `[(amount, Field("bill.error_amount"))]`.
    #[serde(default)]
    pub goals: Vec<(SlotName, ExprFile)>,
    /// The facts an information request asks for, each as the named tool reports it: `[(payment_amount,
    /// "subscription-status")]`. The request is resolved only once the agent told the customer each one, matching the
    /// world; the customer does not know them.
    #[serde(default)]
    pub answers: Vec<(SlotName, String)>,
    /// What must be true of the world for a customer to come with this need (their internet is really down):
    /// worlds where it does not hold are drawn again, so the need a customer states is never already met.
    #[serde(default)]
    pub premise: Option<ExprFile>,
    /// For a problem the customer can see go away (a site that works again): when it is gone. The customer says so
    /// as soon as it holds; steps `when: Unfixed` apply until then; the outcome `Fixed` asks for it.
    #[serde(default)]
    pub fixed: Option<ExprFile>,
}

/// An objection: `(name: "security", phrase: "how do I know our data is safe with you?", rate: 0.3, remedy:
/// "send-security-overview")`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Objection", deny_unknown_fields)]
pub struct ObjectionFile {
    /// Name, matched against the personas' objection rates.
    pub name: String,
    /// How a customer says it.
    pub phrase: String,
    /// P(a customer holds it), for personas that give no rate of their own.
    pub rate: f64,
    /// The tool whose passing call answers it; it takes no arguments.
    pub remedy: String,
}

/// An offer: the slot it is made in, the value the by-the-book agent offers, and the customer's hidden threshold.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename = "Offer", deny_unknown_fields)]
pub struct OfferFile {
    /// The slot the offer is made in.
    pub slot: SlotName,
    /// The value the by-the-book agent offers first: `Fixed(20)` (in the slot's unit: percent points, cents) or
    /// `FromTool("quote-price")` (what that tool last reported).
    pub value: OfferValueFile,
    /// When the customer takes it.
    pub accept: AcceptFile,
    /// Percent the agent may concede once after an objection; defaults to 0.
    #[serde(default)]
    pub concession: u8,
}

/// Where an offer's value comes from.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub enum OfferValueFile {
    /// This value.
    Fixed(u64),
    /// What the named tool last reported.
    FromTool(String),
}

/// When the customer takes an offer, against a field holding their threshold.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub enum AcceptFile {
    /// The offer is at least the field's value (a discount).
    AtLeast(String),
    /// The offer is at most the field's value (a price within budget).
    AtMost(String),
}

/// One guideline step: `(tool: "record-reason", args: [refund_method], when: OracleNo)`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Step", deny_unknown_fields)]
pub struct StepFile {
    /// The tool id.
    pub tool: String,
    /// When the step applies; defaults to `Always`.
    #[serde(default)]
    pub when: WhenFile,
    /// The slots this step's call takes, overriding the tool's own.
    #[serde(default)]
    pub args: Option<Vec<SlotName>>,
    /// How many of the step's args the call needs; see [`ScenarioFile::to_spec`](crate::ScenarioFile::to_spec) for the default.
    #[serde(default)]
    pub min_args: Option<u8>,
    /// Whether the guideline lets the agent skip the step ("Optional Step"): later steps do not wait for it and a
    /// close does not need it, but taking it is on script.
    #[serde(default)]
    pub optional: bool,
    /// Steps with the same nonzero group may be taken in any order among themselves ("Choose these in any
    /// order"); 0, the default, keeps the step in order.
    #[serde(default)]
    pub group: u8,
    /// The fact the call reports for this request (`reports: due_in`): a passed call shows the agent that slot's
    /// true value instead of the tool's own value.
    #[serde(default)]
    pub reports: Option<SlotName>,
    /// Whether the agent tells the customer once the call passes, before going on ("Thank you, you're verified"):
    /// its words are the scenario's `progress` reply said after the tool. Default false: the built-in agents
    /// tell the outcome once, when every step is done.
    #[serde(default)]
    pub tell: bool,
}

/// A policy rule: `(id: "abcd-step-order", text: "…", kind: StepOrder)`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Rule", deny_unknown_fields)]
pub struct RuleFile {
    /// Rule id as reported in verdicts.
    pub id: String,
    /// The rule as a human sentence.
    pub text: String,
    /// The sentence of the scenario's `policy` this rule enforces, copied verbatim.
    #[serde(default)]
    pub cites: Option<String>,
    /// What the rule checks.
    pub kind: RuleKindFile,
}

/// Kinds of policy rule; tools are named by id.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RuleKindFile {
    /// Steps are called in the guideline's order.
    StepOrder,
    /// The agent closes only after every applicable step.
    StepsComplete,
    /// The `amount` of `tool` never exceeds what is left of the order total.
    AmountWithinOrderTotal {
        /// The refund tool's id.
        tool: String,
    },
    /// None of `guarded` is called while the latest result of any of `gates` is a failure.
    GateRespected {
        /// Ids of the tools whose failure closes the gate.
        gates: Vec<String>,
        /// Ids of the tools that must not run behind a closed gate.
        guarded: Vec<String>,
    },
    /// The `arg` of `tool` stays at or below `max` (cents for amounts) unless a tool of `unless_after` succeeded first.
    ArgLimit {
        /// Id of the limited tool.
        tool: String,
        /// The limited argument.
        arg: SlotName,
        /// The largest value allowed without approval: `Const(20000)`, `Dollars(200.0)` or an expression over the
        /// world before the call, e.g. `Sub(Field("charge.amount"), Field("charge.disputed"))`.
        max: ExprFile,
        /// Ids of the tools whose success approves more (empty: a hard limit).
        #[serde(default)]
        unless_after: Vec<String>,
    },
    /// `tool` only after every tool of `after` has succeeded in the episode.
    Requires {
        /// Id of the dependent tool.
        tool: String,
        /// Ids of the tools that must have succeeded first.
        after: Vec<String>,
        /// Only while this condition on the world holds (e.g. `Field("account.fraud_flag")`).
        #[serde(default)]
        when: Option<ExprFile>,
    },
    /// Close only after asking whether anything else is needed and hearing the answer.
    ConfirmBeforeClose,
    /// Close only once the customer said nothing else is needed: in answer to "anything else?", or of their own
    /// accord ("thanks, that's all, bye") after the agent's last tool call.
    NothingElseBeforeClose,
    /// No further offer once the customer has turned one down.
    NoPressureAfterNo,
    /// After the customer raises one of the intent's objections, offer again only once its remedy tool has passed.
    AnswerObjections,
    /// Every fact the agent states about a slot backed by the world is true.
    TruthfulClaims,
    /// A refusal only after a check the policy uses failed (a wrongful refusal otherwise).
    EarnedRefusal,
    /// None of `writes` outside the intent's applicable steps (approvals and objection remedies excepted).
    OffScript {
        /// Ids of the tools that change the world.
        writes: Vec<String>,
        /// Ids of those of `writes` a request calls for once; empty when absent.
        #[serde(default)]
        once: Vec<String>,
    },
    /// None of `writes` while a check of the intent that can refuse stands failed.
    NoWriteAfterRefusal {
        /// Ids of the tools that change the world.
        writes: Vec<String>,
    },
    /// The `arg` of `tool` equals what the customer's intent prescribes for it (its `goals` entry for the slot):
    /// `ArgPrescribed(tool: "offer-refund", arg: amount)`.
    ArgPrescribed {
        /// Id of the tool.
        tool: String,
        /// The argument.
        arg: SlotName,
    },
    /// Every offer is at least `min`: `OfferFloor(min: Dollars(24.0))`.
    OfferFloor {
        /// The lowest value the agent may offer (an expression over the world, stored units).
        min: ExprFile,
    },
    /// The call's `arg` is the value of the offer the customer took: `ArgAccepted(tool: "close-deal", arg: price_per_seat)`.
    ArgAccepted {
        /// Tool id.
        tool: String,
        /// The argument that carries the offer.
        arg: SlotName,
    },
    /// State no account fact until one of `gates` has succeeded (and none has failed since).
    NoDisclosureUnverified {
        /// Ids of the tools whose success verifies the customer.
        gates: Vec<String>,
        /// The slots the rule protects (the account's facts); omitted, every stated fact.
        #[serde(default)]
        facts: Vec<SlotName>,
    },
    /// After the customer's `demands`-th request for a human, hand over within `within` agent turns.
    HumanOnRequest {
        /// Which request starts the clock (1 = the first).
        demands: u8,
        /// Agent turns allowed.
        within: u8,
    },
}

/// Mirror of [`sim_core::spec::Effect`], plus `Data(...)` for effects written as data.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[expect(missing_docs, reason = "each variant mirrors the sim-core Effect of the same name")]
pub enum EffectFile {
    PullUpAccount,
    VerifyIdentity,
    ValidatePurchase,
    Record,
    Refund,
    UpdateAccount,
    UpdateOrder,
    MakePassword,
    SendLink,
    PromoCode,
    AskOracle,
    ShippingStatus,
    Membership,
    NotifyTeam,
    MakePurchase,
    Data(Box<DataEffectFile>),
}

/// Mirror of [`sim_core::spec::Eligibility`].
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[expect(missing_docs, reason = "each variant mirrors the sim-core Eligibility of the same name")]
pub enum EligibilityFile {
    #[default]
    Always,
    ReturnWindow,
    OracleOrMember,
    OracleYes,
    Holds(ExprFile),
}

/// Mirror of [`sim_core::spec::Outcome`].
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[expect(missing_docs, reason = "each variant mirrors the sim-core Outcome of the same name")]
pub enum OutcomeFile {
    RefundedGoalAmount,
    AccountFieldIsGoal(AccountFieldFile),
    OrderOptionIsGoal,
    PasswordReset,
    LinkSent,
    PromoIssued,
    Purchased,
    TeamNotified,
    AccountUpdated,
    Disclosed(DisclosableFile),
    Holds(ExprFile),
    StepsTaken,
    Tried(String),
    IfUnsatisfied(Box<OutcomeFile>),
    Fixed,
    AnyOf(Vec<OutcomeFile>),
    TurnedDown(ExprFile),
}

/// An account fact the agent can state once the account is pulled up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum DisclosableFile {
    /// The account's username.
    Username,
    /// The account's email address.
    Email,
}

/// Mirror of [`sim_core::spec::AccountField`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[expect(missing_docs, reason = "each variant mirrors the sim-core AccountField of the same name")]
pub enum AccountFieldFile {
    Address,
    Name,
    Phone,
    PaymentMethod,
}

/// Mirror of [`sim_core::spec::When`]; `Passed` and `Failed` name a tool by id.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[expect(missing_docs, reason = "each variant mirrors the sim-core When of the same name")]
pub enum WhenFile {
    #[default]
    Always,
    OracleYes,
    OracleNo,
    Passed(String),
    Failed(String),
    Accepted,
    Rejected,
    Unsatisfied,
    Holds(ExprFile),
    Unfixed,
}

/// A slot written as a bare snake_case identifier (`full_name`); unknown names are reported by validation, not by the parser.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SlotName(pub String);

impl<'de> Deserialize<'de> for SlotName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = SlotName;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a slot name such as `full_name`")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<SlotName, E> {
                Ok(SlotName(name.to_owned()))
            }
        }
        deserializer.deserialize_identifier(Visitor)
    }
}

impl EffectFile {
    /// The native effect, or `None` for a data effect (built by validation).
    pub fn native(&self) -> Option<Effect> {
        Some(match self {
            EffectFile::PullUpAccount => Effect::PullUpAccount,
            EffectFile::VerifyIdentity => Effect::VerifyIdentity,
            EffectFile::ValidatePurchase => Effect::ValidatePurchase,
            EffectFile::Record => Effect::Record,
            EffectFile::Refund => Effect::Refund,
            EffectFile::UpdateAccount => Effect::UpdateAccount,
            EffectFile::UpdateOrder => Effect::UpdateOrder,
            EffectFile::MakePassword => Effect::MakePassword,
            EffectFile::SendLink => Effect::SendLink,
            EffectFile::PromoCode => Effect::PromoCode,
            EffectFile::AskOracle => Effect::AskOracle,
            EffectFile::ShippingStatus => Effect::ShippingStatus,
            EffectFile::Membership => Effect::Membership,
            EffectFile::NotifyTeam => Effect::NotifyTeam,
            EffectFile::MakePurchase => Effect::MakePurchase,
            EffectFile::Data(_) => return None,
        })
    }
}

impl OutcomeFile {
    /// The native outcome, or `None` for one with an expression in it (built by validation).
    pub fn native(&self) -> Option<Outcome> {
        Some(match self {
            OutcomeFile::StepsTaken => Outcome::StepsTaken,
            OutcomeFile::Fixed => Outcome::Fixed,
            OutcomeFile::IfUnsatisfied(inner) => Outcome::IfUnsatisfied(Box::new(inner.native()?)),
            OutcomeFile::AnyOf(_) | OutcomeFile::TurnedDown(_) | OutcomeFile::Tried(_) => {
                return None;
            }
            OutcomeFile::RefundedGoalAmount => Outcome::RefundedGoalAmount,
            OutcomeFile::AccountFieldIsGoal(field) => Outcome::AccountFieldIsGoal((*field).into()),
            OutcomeFile::OrderOptionIsGoal => Outcome::OrderOptionIsGoal,
            OutcomeFile::PasswordReset => Outcome::PasswordReset,
            OutcomeFile::LinkSent => Outcome::LinkSent,
            OutcomeFile::PromoIssued => Outcome::PromoIssued,
            OutcomeFile::Purchased => Outcome::Purchased,
            OutcomeFile::TeamNotified => Outcome::TeamNotified,
            OutcomeFile::AccountUpdated => Outcome::AccountUpdated,
            OutcomeFile::Disclosed(DisclosableFile::Username) => Outcome::Disclosed(Slot::USERNAME),
            OutcomeFile::Disclosed(DisclosableFile::Email) => Outcome::Disclosed(Slot::EMAIL),
            OutcomeFile::Holds(_) => return None,
        })
    }
}

impl From<AccountFieldFile> for AccountField {
    fn from(field: AccountFieldFile) -> AccountField {
        match field {
            AccountFieldFile::Address => AccountField::Address,
            AccountFieldFile::Name => AccountField::Name,
            AccountFieldFile::Phone => AccountField::Phone,
            AccountFieldFile::PaymentMethod => AccountField::PaymentMethod,
        }
    }
}

fn default_asks_at_once() -> u8 {
    sim_core::spec::MAX_ASKED_AT_ONCE
}
