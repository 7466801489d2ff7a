//! Scenario and persona specifications: the validated, plain-data form the engine runs.
//!
//! The `sim-scenarios` and `sim-personas` crates build these from RON files; tests may build them by hand.

use crate::act::SlotSet;
use crate::expr::Expr;
use crate::field::{FieldId, FieldSpec};
use crate::list::{Layout, ListId, ListSpec};

/// Index of a tool in [`ScenarioSpec::tools`].
pub type ToolId = u8;
/// Index of an intent in [`ScenarioSpec::intents`].
pub type IntentId = u16;

/// The agent's words for one act, the scenario's own (a source's template replies, STAR's "What hotel would you like
/// to stay at?"): what the built-in agents' turns say for it instead of the realiser's phrasings.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentReply {
    /// The act.
    pub act: crate::act::ActKind,
    /// The slots the act asks for or tells, exactly; empty for an act that carries none.
    pub slots: SlotSet,
    /// The intent it is said for (the customer's); `None` for any.
    pub intent: Option<IntentId>,
    /// The tool call it follows: for a `Deny`, the check that refused; for an `InformResult`, the latest call that
    /// passed (STAR's "OK, I've successfully completed this booking" after a booking, not after a declined offer);
    /// `None` for any.
    pub after: Option<ToolId>,
    /// The words, with `{slot}` holes: the act's value of the slot, else the one the customer holds.
    pub text: String,
    /// How often it is said against the other replies that fit the same turn (positive; 1 for a source's template,
    /// less for a wording its agents used now and then).
    pub weight: f64,
}

/// The most slots one question asks for.
pub const MAX_ASKED_AT_ONCE: u8 = 3;

/// A whole scenario: how worlds are generated, the tools, the intents and the policy.
#[derive(Clone, Debug)]
pub struct ScenarioSpec {
    /// Scenario id (the file stem), part of every episode's seed.
    pub id: String,
    /// One-line description.
    pub description: String,
    /// The policy as the text an agent would be given (its system prompt); rules cite its sentences.
    pub policy: String,
    /// Tools the agent may call.
    pub tools: Vec<ToolSpec>,
    /// Customer intents with their weights, steps and resolution.
    pub intents: Vec<IntentSpec>,
    /// Policy rules the oracles check.
    pub rules: Vec<RuleSpec>,
    /// How customer records and orders are generated.
    pub world: WorldGen,
    /// Turn limit: the episode ends when this many turns have been taken.
    pub max_turns: u16,
    /// The built-in agents' words for some acts, in place of the realiser's phrasings; several for one act are
    /// picked among by the turn's text seed.
    pub agent_replies: Vec<AgentReply>,
    /// The most slots the built-in agents ask for in one question (1 to [`MAX_ASKED_AT_ONCE`]): a flow chart that
    /// asks one at a time, as STAR's do, sets 1.
    pub asks_at_once: u8,
    /// Slots the scenario declares beyond the built-in ones, numbered from [`Slot::FIRST_DECLARED`].
    ///
    /// [`Slot::FIRST_DECLARED`]: crate::act::Slot::FIRST_DECLARED
    pub slots: Vec<SlotSpec>,
    /// Field cells of the scenario's own entities, generated at the start of every episode (`entity.field` names); a
    /// field of a list entity has one cell per possible instance, numbered from its first.
    pub fields: Vec<FieldSpec>,
    /// The scenario's list entities (several instances per episode).
    pub lists: Vec<ListSpec>,
    /// Where the lists' cells are in the field buffer ([`Layout::new`] of `lists` and `fields`).
    pub layout: Layout,
    /// Business measures evaluated on the final world of every episode (revenue kept, amount refunded…).
    pub metrics: Vec<MetricSpec>,
    /// How a customer of this domain opens without saying what they need ("hi, I have a question about my card");
    /// empty uses the realiser's built-in retail lines.
    pub vague_openings: Vec<String>,
    /// How the agent's free text is read into acts (the scenario's phrases before the default English ones).
    pub tagger: crate::tagging::TaggerSpec,
    /// What a transcript corpus calls the scenario's slots (a slot type of real transcripts, then the slot), for
    /// customer text drawn from real conversations; the engine never reads it.
    pub corpus_slots: Vec<(String, crate::act::Slot)>,
    /// What a transcript corpus calls the scenario's intents (a conversation's intent label, then the intent's id),
    /// for customer text drawn from real conversations; an intent not named is matched by its own id.
    pub corpus_intents: Vec<(String, String)>,
    /// What the customers are called, in place of the realiser's built-in first and last names: the names the
    /// customers of a transcript corpus gave (`run --customer-text`), empty for the built-in ones. A name code
    /// (first × 1000 + last) renders as the entry its (first, last) pair counts to, round the list, so every entry
    /// is some codes' name; the engine never reads it.
    pub customer_names: Vec<String>,
}

/// The most metrics a scenario may declare.
pub const MAX_METRICS: usize = 4;

/// A measure of an episode's outcome, evaluated on the final world and the customer's goal values.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricSpec {
    /// Name in outputs.
    pub name: String,
    /// Whether the value is money in cents (rendered as dollars).
    pub money: bool,
    /// The measure.
    pub value: Expr,
}

/// A slot a scenario declares, backed by one of its fields.
#[derive(Clone, Debug, PartialEq)]
pub struct SlotSpec {
    /// Slot name as files, acts and outputs spell it (snake_case).
    pub name: String,
    /// How the agent asks for it ("the last four digits of your card").
    pub noun: String,
    /// The field whose true value the customer knows.
    pub field: FieldId,
    /// Whether it is an identity fact (misremembered, unknown to impostors) rather than a goal fact.
    pub identity: bool,
    /// Whether this identity fact is one no customer misremembers, such as their own name: every customer knows
    /// it, an impostor the holder's.
    pub remembered: bool,
    /// Other words customers write for some of its values, each with the value it stands for: STAR's weather
    /// customers ask about "tomorrow" (Tuesday, the scenario's today being Monday) and "nyc". They read as that
    /// value, and a real customer's message that wrote one says the new value's own, when it has one.
    pub aliases: Vec<(String, u64)>,
}

/// A tool the agent may call, with its arguments and native effect.
#[derive(Clone, Debug)]
pub struct ToolSpec {
    /// Tool id as the agent names it (an ABCD button id such as `pull-up-account`).
    pub id: String,
    /// Slots the tool takes as arguments.
    pub args: SlotSet,
    /// How many of `args` must be given (3 of 4 for verify-identity; all for most tools).
    pub min_args: u8,
    /// What the tool does to the world.
    pub effect: Effect,
    /// For an action the customer performs on their own device ("restart your router"): what the agent asks them
    /// to do. The effect applies only if the customer manages it; `None` for the agent's own tools.
    pub instruction: Option<String>,
    /// The text the tool returns to the agent, for a passed and a failed call, with `{slot}` and `{value}`
    /// placeholders; `None` uses a generic rendering.
    pub says: Option<ToolText>,
}

/// What a tool says when it passes and when it fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolText {
    /// A passed call.
    pub done: String,
    /// A failed call.
    pub failed: String,
}

/// The effect of a tool on the world: one of the native retail effects, or one written as data.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Opens the account named by full name or account id (its value is the account's username code); fails if
    /// neither matches.
    PullUpAccount,
    /// Passes when at least `min_args` of the given identity values match the account.
    VerifyIdentity,
    /// Passes when username, email and order id all match.
    ValidatePurchase,
    /// Records a reason or a detail; always passes.
    Record,
    /// Adds the `amount` argument to the order's refunded total.
    Refund,
    /// Sets the account field named by the intent's `AccountFieldIsGoal` outcome to the `new_value` argument; in an
    /// intent without one (ABCD's service and subscription changes) it counts the update, whatever it is given.
    UpdateAccount,
    /// Sets the order's pending change to the `order_option` argument.
    UpdateOrder,
    /// Resets the password; passes when the PIN or security answer matches.
    MakePassword,
    /// Sends a link (reset code, security best practices, payment link).
    SendLink,
    /// Issues a promo code.
    PromoCode,
    /// Answers the intent's yes/no question from the world (was it a company error?).
    AskOracle,
    /// Reports the order's shipping status.
    ShippingStatus,
    /// Checks the membership privilege for the intent's eligibility rule.
    Membership,
    /// Notifies an internal team.
    NotifyTeam,
    /// Places an order for a product.
    MakePurchase,
    /// Checks, a condition and field updates written in the scenario file.
    Data(DataEffect),
}

/// A tool effect written as data.
///
/// A call passes when it gives at least `check_min` of the checked slots, every checked slot it gives matches its
/// field, and `pre` holds (evaluated with the call's arguments); only then are `set` applied, in order, each reading
/// the world as the earlier ones left it; a passed call reports `value` and shows the `shows` slots' values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DataEffect {
    /// Slots whose given values must match the world (the account for built-in slots, the field for declared ones).
    pub check: Vec<crate::act::Slot>,
    /// How many checked slots a call must give.
    pub check_min: u8,
    /// A condition on the world and the arguments; when it fails the request is refused.
    pub pre: Option<Expr>,
    /// Field updates when the call passes.
    pub set: Vec<(FieldId, Expr)>,
    /// The value the tool reports.
    pub value: Option<Expr>,
    /// A record the call adds to a list entity, after `set`.
    pub add: Option<AddRecord>,
    /// Declared slots whose true values a passed call shows besides its value, read from the instances it selected
    /// (a forecast's temperature beside its weather); at most [`crate::act::MAX_VALUES`].
    pub shows: crate::act::SlotSet,
}

/// A record a tool adds to a list entity (a dispute filed, a line added); a full list refuses the call.
///
/// The new instance is selected while its fields are set, so `set` expressions read it; fields not set take their
/// fixed generator value, or 0.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AddRecord {
    /// The list.
    pub list: ListId,
    /// Fields of the new record and their values.
    pub set: Vec<(FieldId, Expr)>,
}

/// An account field that `update-account` can change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccountField {
    /// Street address.
    Address,
    /// Full name.
    Name,
    /// Phone number.
    Phone,
    /// Payment method.
    PaymentMethod,
}

/// A customer intent (an ABCD subflow): what the customer wants and what the guideline requires.
#[derive(Clone, Debug)]
pub struct IntentSpec {
    /// Subflow id, e.g. `refund_initiate`.
    pub id: String,
    /// Flow id, e.g. `product_defect`.
    pub flow: String,
    /// Relative weight in the scenario's intent mix.
    pub weight: f64,
    /// The guideline's ordered steps.
    pub steps: Vec<Step>,
    /// Which eligibility rule the `membership` tool applies, and whether the request is granted at all.
    pub eligibility: Eligibility,
    /// What the world must look like at the end when the request is granted.
    pub resolved: Vec<Outcome>,
    /// Values the customer brings for the goal (the slots the steps ask that are not identity facts).
    pub goal_slots: SlotSet,
    /// Whether the agent may close after a negative oracle answer without the remaining steps.
    pub oracle_no_ends: bool,
    /// What the agent may offer instead (a retention discount, a price) and when the customer takes it.
    pub offer: Option<OfferSpec>,
    /// How a customer says the need ("cancel my subscription"), for the realiser; `None` uses built-in phrases.
    pub phrase: Option<String>,
    /// Facts the agent states with its offer, each as the named tool reported it ("the plan covers single sign-on").
    pub claims: Vec<(crate::act::Slot, ToolId)>,
    /// Concerns a customer may raise against the offer, and what answers each (at most [`MAX_OBJECTIONS`]).
    pub objections: Vec<ObjectionSpec>,
    /// Goal values read from the world instead of the built-in draw (the amount to refund is the billing error):
    /// `(slot, expression over the world)`.
    pub goals: Vec<(crate::act::Slot, Expr)>,
    /// The facts an information request asks for, each as the named tool reports it: the request is resolved only
    /// once the agent stated each one (a `Disclose` act carrying the world's value); the customer does not know them.
    pub answers: Vec<(crate::act::Slot, ToolId)>,
    /// What must be true of the world for a customer to come with this need; the engine draws the world again
    /// (at most [`MAX_PREMISE_DRAWS`] times) until it holds.
    pub premise: Option<Expr>,
    /// World conditions steps depend on (`When::Holds(n)` reads `conditions[n]`; files write the expression inline).
    pub conditions: Vec<Expr>,
    /// For a problem the customer can see go away (a site that works again): the condition on the world under which
    /// it is gone. The customer says so as soon as it holds, steps `when: Unfixed` apply only until then, and the
    /// outcome `Fixed` asks for it.
    pub fixed: Option<Expr>,
}

/// How many worlds the engine draws for an intent's premise before it keeps the last one.
pub const MAX_PREMISE_DRAWS: u32 = 64;

/// The most objections an intent may declare.
pub const MAX_OBJECTIONS: usize = 8;

/// A concern a customer may raise against an offer ("is our data safe with you?") and the tool that answers it.
///
/// The price objection ("that's more than I wanted to pay") is built in: a persona's flexibility decides when it is
/// raised, and the agent's one concession answers it.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectionSpec {
    /// Name, matched against the personas' objection rates.
    pub name: String,
    /// How a customer says it.
    pub phrase: String,
    /// P(a customer holds this concern) for personas that give no rate of their own.
    pub rate: f64,
    /// The tool whose passing call answers it (a security overview sent, the cancellation terms explained); it takes
    /// no arguments.
    pub remedy: ToolId,
}

/// An offer the agent may make during an intent; steps conditioned on `Accepted`/`Rejected` follow the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OfferSpec {
    /// The slot the offer is made in (e.g. `discount_percent`); an accepted offer becomes the customer's goal value.
    pub slot: crate::act::Slot,
    /// The value the by-the-book agent offers first.
    pub value: OfferValue,
    /// After a customer's objection, how many percent the agent may concede once (off a price, onto a discount).
    pub concession: u8,
    /// The customer's hidden threshold (a field of the world, e.g. the least discount that keeps them).
    pub threshold: FieldId,
    /// Which side of the threshold the customer takes.
    pub accept: Accept,
}

/// Where the agent's first offer comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfferValue {
    /// A fixed value (a 20% discount).
    Fixed(u64),
    /// The value the latest call of this tool reported (a quoted list price).
    FromTool(ToolId),
}

/// When a customer takes an offer, comparing the offered value with their threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accept {
    /// The offer is at least the threshold (a discount).
    AtLeast,
    /// The offer is at most the threshold (a price within budget).
    AtMost,
}

/// One guideline step: call `tool` with `args`, when `when` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// The tool to call.
    pub tool: ToolId,
    /// When the step applies.
    pub when: When,
    /// The slots this step's call takes (the tool's own args unless the guideline says otherwise).
    pub args: SlotSet,
    /// How many of `args` the call needs.
    pub min_args: u8,
    /// Whether the guideline lets the agent skip it: later steps do not wait for it, a close does not need it.
    pub optional: bool,
    /// Steps with the same nonzero group may be taken in any order among themselves; 0 keeps the step in order.
    pub group: u8,
    /// The fact this step's call reports for this request (a lookup shows the agent the field the request is about):
    /// a passed call's value is the slot's true value; `None` reports the tool's own value.
    pub reports: Option<crate::act::Slot>,
    /// Whether the agent tells the customer once this step's call passes, before going on (`ActKind::Progress`:
    /// "Thank you, you're verified"), where the rest of the request is still to do.
    pub tell: bool,
}

impl Step {
    /// Whether this step and `other` may come in either order (the same nonzero group).
    pub fn any_order_with(&self, other: &Step) -> bool {
        self.group != 0 && self.group == other.group
    }
}

/// The condition under which a step applies, read from earlier tool results, the customer's answers or the world.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// Always.
    Always,
    /// Only if `ask-the-oracle` answered yes.
    OracleYes,
    /// Only if `ask-the-oracle` answered no.
    OracleNo,
    /// Only if the latest call of this tool passed.
    Passed(ToolId),
    /// Only if the latest call of this tool failed.
    Failed(ToolId),
    /// Only if the customer took the intent's offer.
    Accepted,
    /// Only if the customer turned the offer down.
    Rejected,
    /// Only once the customer, having heard the answer, asked again (ABCD's "If they are still unhappy", "If the
    /// customer keeps pushing").
    Unsatisfied,
    /// Only while the intent's condition `conditions[n]` holds on the world (ABCD's "If Bronze or Guest members").
    /// The oracle reads the world; an agent that cannot see it may take the step anyway (a check in doubt).
    Holds(u8),
    /// Only while the customer's problem is not gone (the intent's `fixed` condition does not hold): Troubleshoot
    /// Site's options, "If nothing works, just apologize and end the conversation".
    Unfixed,
}

/// How a request is judged admissible from world facts.
#[derive(Clone, Debug, PartialEq)]
pub enum Eligibility {
    /// Always granted (given identity checks pass).
    Always,
    /// ABCD return window: gold unlimited, silver 180 days, bronze 90, guest 30.
    ReturnWindow,
    /// Granted when the oracle says the company erred, or the member is above guest.
    OracleOrMember,
    /// Granted only when the oracle says yes.
    OracleYes,
    /// Granted when this condition on the world holds.
    Holds(Expr),
}

/// A world fact the resolution oracle checks.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The order's refunded total equals the goal amount.
    RefundedGoalAmount,
    /// The account field equals the customer's desired new value.
    AccountFieldIsGoal(AccountField),
    /// The order's pending change equals the customer's desired option.
    OrderOptionIsGoal,
    /// The password was reset.
    PasswordReset,
    /// A link was sent.
    LinkSent,
    /// A promo code was issued.
    PromoIssued,
    /// A purchase was placed.
    Purchased,
    /// An internal team was notified.
    TeamNotified,
    /// The account was updated (a service added or removed, a subscription renewed or extended).
    AccountUpdated,
    /// The agent told the customer the account's true value of this slot (username or email).
    Disclosed(crate::act::Slot),
    /// This condition on the world and the customer's goal values holds.
    Holds(Expr),
    /// Every step that applies was taken and its latest call passed (the procedure itself is what the customer came
    /// for, such as an explanation after the checks).
    StepsTaken,
    /// This tool was called for the customer's current request (a data tool with its checked args the request's
    /// values), whatever it answered: all an agent can do where the tool may fail on its own (a booking the hotel's
    /// system fails).
    Tried(ToolId),
    /// This outcome, if the customer asked again after hearing the answer; otherwise nothing.
    IfUnsatisfied(Box<Outcome>),
    /// The customer's problem is gone: the intent's `fixed` condition holds.
    Fixed,
    /// At least one of these outcomes.
    AnyOf(Vec<Outcome>),
    /// The customer turned an offer down with a clear no, without objecting to the price first, when the offer was at
    /// most this value (an expression over the world, e.g. the list price): a no the policy says to respect ("Once
    /// the prospect says no, stop selling"), not one the agent provoked by asking too much or could have answered
    /// with a concession.
    TurnedDown(Expr),
}

/// A policy rule the policy oracle checks.
#[derive(Clone, Debug)]
pub struct RuleSpec {
    /// Rule id as reported in verdicts.
    pub id: String,
    /// The rule as a human sentence.
    pub text: String,
    /// The sentence of the scenario's policy text this rule enforces, verbatim; empty if the scenario has none.
    pub cites: String,
    /// What the rule checks.
    pub kind: RuleKind,
}

/// Kinds of policy rule.
#[derive(Clone, Debug, PartialEq)]
pub enum RuleKind {
    /// Each step's tool is called only after every earlier applicable step of the intent was called.
    StepOrder,
    /// The agent closes only after every applicable step was done, unless a gate failed or a denial was given.
    StepsComplete,
    /// The `amount` of `tool` never exceeds what is left of the order total.
    AmountWithinOrderTotal {
        /// The refund tool.
        tool: ToolId,
    },
    /// None of `guarded` is called while the latest result of any of `gates` is a failure.
    GateRespected {
        /// Tools whose failure closes the gate.
        gates: Vec<ToolId>,
        /// Tools that must not run behind a closed gate.
        guarded: Vec<ToolId>,
    },
    /// `tool` is called only after every tool in `after` has succeeded at least once in the episode; judged only in
    /// intents whose steps include every tool of `after` (a guideline without the check does not ask for it).
    Requires {
        /// The dependent tool.
        tool: ToolId,
        /// Tools that must have succeeded first.
        after: Vec<ToolId>,
        /// Only while this condition on the world holds (e.g. the account carries a fraud flag); always if `None`.
        when: Option<Expr>,
    },
    /// The `arg` of `tool` stays at or below `max` (in the slot's unit: cents for amounts; an expression over the
    /// world as it was before the call) unless one of `unless_after` has succeeded first (an approval).
    ArgLimit {
        /// The limited tool.
        tool: ToolId,
        /// The limited argument.
        arg: crate::act::Slot,
        /// The largest value allowed without approval.
        max: Expr,
        /// Tools whose success approves a larger value.
        unless_after: Vec<ToolId>,
    },
    /// The agent closes only after asking whether anything else is needed (after its last tool call) and hearing
    /// the customer's answer; with `unprompted`, a customer who said so of their own accord after that call ("thanks,
    /// that's all, bye", not a goodbye given up unhappy) need not be asked.
    ConfirmBeforeClose {
        /// Whether a goodbye the customer said unasked counts as their answer.
        unprompted: bool,
    },
    /// A call of `tool` enters, as `arg`, the value of the offer the customer took (a deal at the price they accepted);
    /// calls before any offer was taken are not judged.
    ArgAccepted {
        /// The tool.
        tool: ToolId,
        /// The argument that carries the offer.
        arg: crate::act::Slot,
    },
    /// The agent states no account fact while none of `gates` has succeeded, or after the latest call of one failed.
    NoDisclosureUnverified {
        /// Tools whose success verifies the customer.
        gates: Vec<ToolId>,
        /// The facts the rule protects (a statement of none of them, such as a store FAQ answer, is not judged);
        /// empty protects every stated fact.
        facts: crate::act::SlotSet,
    },
    /// After the customer has turned an offer down, the agent makes no further offer (no pressure after a clear no).
    NoPressureAfterNo,
    /// Every fact the agent states (in an offer or a disclosure) about a slot backed by the world is true.
    TruthfulClaims,
    /// None of `writes` is called unless it is an applicable step of the customer's intent (its `when` holds), an
    /// approval a limit asks for, or the remedy of one of the intent's objections: no write outside the script.
    OffScript {
        /// The tools that change the world in a way the customer or the business would notice.
        writes: Vec<ToolId>,
        /// Those of `writes` a request calls for once: called again after one passed for this request, they break
        /// the rule too (a second replacement card shipped). Tools a cumulative limit governs (partial disputes,
        /// refunds up to the order total) are left out.
        once: Vec<ToolId>,
    },
    /// None of `writes` is called while a check of the intent that can refuse (membership, a data condition, the
    /// oracle where its no ends the request) stands failed: no write after a check said no.
    NoWriteAfterRefusal {
        /// The tools that change the world.
        writes: Vec<ToolId>,
    },
    /// The `arg` of `tool` equals the value the customer's intent prescribes for it (its [`IntentSpec::goals`]
    /// expression for the slot, on the world as it was before the call): the $8 shipping refund, the option
    /// "tomorrow" for an upgrade. A call without the argument breaks it too; intents that prescribe nothing for the
    /// slot (the customer's own new address) are not judged.
    ArgPrescribed {
        /// The tool.
        tool: ToolId,
        /// The argument.
        arg: crate::act::Slot,
    },
    /// A refusal comes only after a check the policy uses has failed and stands failed
    /// ([`refusal_grounds`](crate::oracle::refusal_grounds)); refusing without one is a wrongful refusal.
    EarnedRefusal,
    /// After the customer raises one of the intent's objections, the agent offers again only once a call of the
    /// objection's remedy tool has passed.
    AnswerObjections,
    /// Every offer's value is at least `min` (a price floor; an expression over the world).
    OfferFloor {
        /// The lowest value the agent may offer.
        min: Expr,
    },
    /// Once the customer has asked for a human `demands` times, one of the agent's next `within` turns hands over.
    HumanOnRequest {
        /// Which request for a human starts the clock (1 = the first).
        demands: u8,
        /// Agent turns allowed before the handover.
        within: u8,
    },
}

/// Distributions used to generate customer records and orders.
#[derive(Clone, Debug)]
pub struct WorldGen {
    /// Weights of membership levels guest, bronze, silver, gold.
    pub membership_weights: [f64; 4],
    /// Item price in dollars: log-normal (mu, sigma) of the natural log, clamped to [min, max].
    pub price: PriceGen,
    /// Days since purchase: uniform over [min, max].
    pub days_since_purchase: (u32, u32),
    /// Weights of payment methods credit card, debit card, paypal.
    pub payment_weights: [f64; 3],
    /// Items per order: uniform over [min, max].
    pub items_per_order: (u8, u8),
    /// Probability that `ask-the-oracle` answers yes.
    pub oracle_yes: f64,
}

/// Log-normal price generator.
#[derive(Clone, Copy, Debug)]
pub struct PriceGen {
    /// Mean of ln(price in dollars).
    pub mu: f64,
    /// Standard deviation of ln(price).
    pub sigma: f64,
    /// Lowest price in dollars.
    pub min: f64,
    /// Highest price in dollars.
    pub max: f64,
}

/// A persona: a distribution over simulated customers.
#[derive(Clone, Debug)]
pub struct PersonaSpec {
    /// Persona id (the file stem).
    pub id: String,
    /// One-line description.
    pub description: String,
    /// Weight in a scenario's default mix.
    pub weight: f64,
    /// Patience: turns the customer will wait for resolution.
    pub patience: Dist,
    /// P(answer what was asked).
    pub cooperativeness: Dist,
    /// Words per utterance.
    pub verbosity: Dist,
    /// P(telling the truth when they do not know a fact); 1 - honesty is P(a false claim).
    pub honesty: Dist,
    /// P(re-asking after a denial).
    pub pushiness: Dist,
    /// P(an identity fact is misremembered or missing).
    pub recall_error: Dist,
    /// P(taking an offer that falls short of what the customer wanted): how far sales talk moves them.
    pub persuadability: Dist,
    /// Willingness to pay: scales the customer's threshold from the world (above 1: pays more, needs a smaller
    /// discount).
    pub willingness_to_pay: Dist,
    /// Price sensitivity: how far past their threshold (a fraction of it) an offer may be and still draw an objection
    /// ("that's more than I wanted to pay") rather than a clear no.
    pub flexibility: Dist,
    /// P(holding a concern), by objection name, overriding the scenario's rate for that objection.
    pub objections: Vec<(String, f64)>,
    /// How the surface realiser writes for this persona.
    pub style: StyleSpec,
    /// Reaction table rows that replace the built-in reaction model where they match (first match wins).
    pub reactions: Vec<ReactionRule>,
    /// P(the opening turn is vague rather than stating the need).
    pub vague_opening: f64,
    /// P(a need is stated with the values of the request the customer has: the hotel and days, not who they are),
    /// at the opening or when asked what they need.
    pub need_with_values: f64,
    /// `need_with_values` by intent id, for the intents listed (weather customers name the day and place more often
    /// than hotel customers name the stay).
    pub need_with_values_of: Vec<(String, f64)>,
    /// By slot (`[("merchant", 0.0)]`): P(a need said with values gives this slot's value), for the slots listed;
    /// the others' values always come with it. MultiDoGO's customers who name their disputed charge name its
    /// amount, never the merchant.
    pub need_gives: Vec<(String, f64)>,
    /// P(the customer is gone before the agent answers: they open the chat and leave, as chat customers who tire of
    /// the queue do); drawn only when above 0.
    pub leaves_unanswered: f64,
    /// P(told the answer to their request, the customer asks the same about another one the world holds: the
    /// forecast for another day or place), by the times they asked again so far (at most [`MAX_ASKED_AGAIN`]): STAR's
    /// weather customers ask about a second and a third forecast nearly always and about a fifth rarely, which one
    /// chance each time cannot say. Drawn only when above 0.
    pub asks_again: [f64; MAX_ASKED_AGAIN as usize],
    /// P(told no, the customer tries again with another request like theirs the world holds: another hotel or other
    /// days after "there is no room available"), by the times they asked again so far (the count `asks_again`
    /// reads too): half of STAR's hotel customers told no try another. Drawn only when above 0.
    pub tries_again: [f64; MAX_ASKED_AGAIN as usize],
    /// P(offered what they asked for, the customer changes their plans and asks for another like it the world holds
    /// instead of answering: STAR's "I've changed my mind and want to stay at the Hyatt", a quarter of its hotel
    /// customers' first answers to "can I book this room for you?"); counted with the times asked again, at most
    /// [`MAX_ASKED_AGAIN`]. Drawn only when above 0.
    pub changes_plans: f64,
    /// P(told their request is done, the customer changes their plans and asks for another like it the world holds:
    /// STAR's "I just got a text from my partner… change my reservation to the 4th-19th", 17 of 72 of its hotel
    /// customers told their booking went through); counted with the times asked again, at most
    /// [`MAX_ASKED_AGAIN`]. Drawn only when above 0.
    pub changes_after_done: f64,
    /// By the slot asked for (`[("arrival_day", 0.67)]`): P(asked for it, the customer also gives the values of
    /// their request not given yet, as STAR's customers asked the day they arrive give the day they leave with
    /// it). Drawn only when the answer gives the slot asked and the request has values left to give.
    pub gives_more: Vec<(String, f64)>,
    /// Frustration at which the customer demands a human.
    pub demand_human_at: f64,
    /// Frustration at which the customer leaves.
    pub abandon_at: f64,
    /// How frustration moves.
    pub mood: MoodParams,
    /// Whether the customer is not the account holder (knows only the name and what they invent).
    pub impostor: bool,
    /// Intents this persona can hold (empty: all).
    pub intents: Vec<String>,
    /// How often this persona's customers come with each intent (`[("lost_card", 0.58)]`), in place of the
    /// scenario's weights: in a scenario with any intent listed, only the intents listed are played, in these
    /// proportions; in one with none (ids it does not have are ignored), and when empty, the scenario's weights. A
    /// persona fitted to transcripts comes for what their customers came for, and plays other scenarios as theirs do.
    pub intent_shares: Vec<(String, f64)>,
}

impl PersonaSpec {
    /// The weight this persona's customers come with `intent` of `scenario` by: its share when the persona lists
    /// shares for the scenario's intents, else the scenario's weight; `None` when they never come with it (not among
    /// `intents`, or shares that do not list it or give it 0).
    pub fn weight_of(&self, intent: &IntentSpec, scenario: &ScenarioSpec) -> Option<f64> {
        if !self.intents.is_empty() && !self.intents.contains(&intent.id) {
            return None;
        }
        let share = |id: &str| self.intent_shares.iter().find(|(listed, _)| listed == id);
        if scenario.intents.iter().any(|intent| share(&intent.id).is_some()) {
            share(&intent.id).map(|(_, share)| *share).filter(|share| *share > 0.0)
        } else {
            Some(intent.weight)
        }
    }
}

/// The most times a customer asks the same again about another one ([`PersonaSpec::asks_again`], told the answer,
/// and [`PersonaSpec::tries_again`], told no).
pub const MAX_ASKED_AGAIN: u8 = 3;

/// A row of a persona's reaction table: P(customer response | agent act, customer state).
#[derive(Clone, Debug, PartialEq)]
pub struct ReactionRule {
    /// The agent act this row answers.
    pub on: crate::act::ActKind,
    /// The customer state in which it applies.
    pub when: ReactionWhen,
    /// Responses with their chances, tried in order; one draw decides.
    pub responses: Vec<(Response, Chance)>,
}

/// When a reaction row applies, judged before the agent's act moves the customer's mood.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ReactionWhen {
    /// Always.
    Always,
    /// Frustration is at least this.
    FrustrationAtLeast(f64),
    /// Frustration is below this.
    FrustrationBelow(f64),
    /// The customer has been denied at least this many times before.
    DenialsAtLeast(u8),
}

/// What a customer can answer with in a reaction table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Response {
    /// Give the asked values they know (the built-in answer model; only meaningful after `Ask`).
    Answer,
    /// Accept what was said.
    Acknowledge,
    /// Repeat the request.
    Insist,
    /// Ask for a human.
    DemandHuman,
    /// Talk about something else.
    OffTopic,
    /// Nudge the agent.
    Nudge,
    /// Leave.
    Leave,
    /// Thank and say they need nothing more.
    ThankBye,
    /// Weigh an offer by the built-in model (threshold, flexibility, persuadability; only meaningful after `Offer`).
    Consider,
    /// Take the offer.
    Accept,
    /// Turn the offer down.
    Reject,
    /// Object to the offer without saying no.
    Object,
    /// Answer as the built-in model would (what a persona without the row says): for a row that fits only some
    /// responses, such as the share of asides, and leaves the rest to what the customer wants and was given.
    AsBuiltIn,
}

/// The chance of a response.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Chance {
    /// A fixed probability.
    Fixed(f64),
    /// The customer's drawn trait (or current frustration) as the probability.
    Trait(TraitRef),
    /// Whatever probability the earlier responses left.
    Rest,
}

/// A customer trait usable as a probability.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraitRef {
    /// P(answer what was asked).
    Cooperativeness,
    /// P(not inventing).
    Honesty,
    /// P(re-asking after a denial).
    Pushiness,
    /// P(misremembering).
    RecallError,
    /// Current frustration.
    Frustration,
    /// P(taking an offer that falls short).
    Persuadability,
}

/// Writing style: drawn per customer, used by the surface realiser only (never by the engine's decisions).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StyleSpec {
    /// 0 = casual (lower case, "hey", no punctuation), 1 = formal (full sentences, "Hello", "please").
    pub formality: Dist,
    /// Expected typos per word of customer text (a swapped, dropped or doubled letter).
    pub typo_rate: Dist,
}

impl Default for StyleSpec {
    fn default() -> Self {
        StyleSpec { formality: Dist::Fixed(0.5), typo_rate: Dist::Fixed(0.0) }
    }
}

/// Frustration dynamics: additive steps, clamped to [0, 1].
#[derive(Clone, Copy, Debug)]
pub struct MoodParams {
    /// Starting frustration.
    pub initial: f64,
    /// When asked for something already given.
    pub repeated_question: f64,
    /// When the agent denies the request.
    pub denial: f64,
    /// When the agent says something irrelevant.
    pub irrelevant: f64,
    /// Each agent turn that does not visibly move things on (tool calls, waiting).
    pub waiting: f64,
    /// When the agent reports progress (negative: frustration falls).
    pub progress: f64,
    /// When the agent apologises (negative).
    pub apology: f64,
}

/// A scalar distribution for a trait.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Dist {
    /// Always this value.
    Fixed(f64),
    /// Uniform over [lo, hi].
    Uniform(f64, f64),
    /// Normal(mean, sd) clamped to [min, max].
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
        /// Lower clamp.
        min: f64,
        /// Upper clamp.
        max: f64,
    },
    /// Beta(a, b) on [0, 1].
    Beta(f64, f64),
}

/// The declared slot behind `slot` in a slot table (`None` for built-in slots and ids past the table).
pub fn declared_slot(declared: &[SlotSpec], slot: crate::act::Slot) -> Option<&SlotSpec> {
    declared.get(slot.index().checked_sub(crate::act::Slot::FIRST_DECLARED as usize)?)
}

/// The name of a slot: built-in, or declared in `declared`.
pub fn slot_name_in(declared: &[SlotSpec], slot: crate::act::Slot) -> Option<&str> {
    slot.standard_name().or_else(|| Some(declared_slot(declared, slot)?.name.as_str()))
}

/// The slot with the given name: built-in, or declared in `declared`.
pub fn slot_by_name(declared: &[SlotSpec], name: &str) -> Option<crate::act::Slot> {
    let standard =
        crate::act::Slot::STANDARD.into_iter().find(|slot| slot.standard_name() == Some(name));
    standard.or_else(|| {
        let idx = declared.iter().position(|spec| spec.name == name)?;
        Some(crate::act::Slot::declared(idx))
    })
}

impl IntentSpec {
    /// Whether `tool` is one of the intent's steps.
    pub fn has_step(&self, tool: ToolId) -> bool {
        self.step_with(tool).is_some()
    }

    /// The intent's (first) step that calls `tool`, if any.
    pub fn step_with(&self, tool: ToolId) -> Option<&Step> {
        self.steps.iter().find(|step| step.tool == tool)
    }

    /// Whether a required step depends on `tool`'s latest result (`Passed(tool)` or `Failed(tool)`): then `tool` is
    /// a question whose answer picks the next step, not a check that refuses. Optional steps on a failed check (a
    /// refused customer escalated to a manager) leave it a check that refuses.
    pub fn branches_on(&self, tool: ToolId) -> bool {
        self.steps.iter().any(|step| {
            !step.optional && matches!(step.when, When::Passed(t) | When::Failed(t) if t == tool)
        })
    }
}

impl ScenarioSpec {
    /// Every slot a call of `tool` may give: the tool's own arguments and those of every intent's step with it (a
    /// step may record more than the tool declares: ABCD's reason for a return, where a customer heard of a promo).
    pub fn tool_takes(&self, tool: ToolId) -> crate::act::SlotSet {
        let own =
            self.tools.get(usize::from(tool)).map_or(crate::act::SlotSet::EMPTY, |spec| spec.args);
        let steps =
            self.intents.iter().flat_map(|intent| &intent.steps).filter(|step| step.tool == tool);
        steps.fold(own, |all, step| crate::act::SlotSet(all.0 | step.args.0))
    }

    /// Whether `tool` is an approval some `ArgLimit` rule accepts for a tool that `intent` has a step with ("The one
    /// exception is `notify-team` to approve a refund over $200": an approval where nothing can need it is not one).
    pub fn approves_in(&self, intent: &IntentSpec, tool: ToolId) -> bool {
        self.rules.iter().any(|rule| {
            matches!(&rule.kind, RuleKind::ArgLimit { tool: limited, unless_after, .. }
                if unless_after.contains(&tool) && intent.has_step(*limited))
        })
    }

    /// Whether `tool` is an approval some `ArgLimit` rule accepts instead of the limit.
    pub fn is_approval(&self, tool: ToolId) -> bool {
        self.rules.iter().any(|rule| {
            matches!(&rule.kind, RuleKind::ArgLimit { unless_after, .. } if unless_after.contains(&tool))
        })
    }

    /// The name of a slot: built-in or declared by this scenario.
    pub fn slot_name(&self, slot: crate::act::Slot) -> &str {
        slot_name_in(&self.slots, slot).unwrap_or("unknown_slot")
    }

    /// The slot with the given name, built-in or declared.
    pub fn slot_named(&self, name: &str) -> Option<crate::act::Slot> {
        slot_by_name(&self.slots, name)
    }

    /// The slot a transcript corpus's slot type names (`hotel_book.StartDate`), through `corpus_slots`.
    pub fn corpus_slot(&self, name: &str) -> Option<crate::act::Slot> {
        self.corpus_slots.iter().find(|(corpus, _)| corpus == name).map(|(_, slot)| *slot)
    }

    /// The index of the intent a transcript's intent label names: the one `corpus_intents` maps it to, else the
    /// one of the same id.
    pub fn corpus_intent(&self, label: &str) -> Option<usize> {
        let mapped = self.corpus_intents.iter().find(|(corpus, _)| corpus == label);
        let id = mapped.map_or(label, |(_, id)| id.as_str());
        self.intents.iter().position(|intent| intent.id == id)
    }

    /// The declared slot behind `slot` (`None` for built-in slots).
    pub fn declared_slot(&self, slot: crate::act::Slot) -> Option<&SlotSpec> {
        declared_slot(&self.slots, slot)
    }

    /// Every field cell an expression may read, one bit per cell: a list field reads all its instances.
    pub fn cells_read(&self, expr: &Expr) -> u64 {
        self.layout.widen(expr.fields_read(), expr.lists_read())
    }

    /// The field behind a declared slot.
    pub fn declared_field(&self, slot: crate::act::Slot) -> Option<&FieldSpec> {
        self.fields.get(usize::from(self.declared_slot(slot)?.field))
    }

    /// The tool with the given id.
    pub fn tool_id(&self, id: &str) -> Option<ToolId> {
        self.tools.iter().position(|tool| tool.id == id).map(|idx| idx as ToolId)
    }

    /// The intent with the given id.
    pub fn intent_id(&self, id: &str) -> Option<IntentId> {
        self.intents.iter().position(|intent| intent.id == id).map(|idx| idx as IntentId)
    }
}
