//! Dialogue acts and information slots: the canonical record of what each side meant.
//!
//! Text is a rendering of an act; the act is what the engine, the oracles and the outputs reason about.

/// Who produced a turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Speaker {
    /// The simulated customer.
    Customer,
    /// The agent under test, speaking.
    Agent,
    /// The agent under test, calling a tool (the row also carries the tool's result).
    Tool,
}

impl Speaker {
    /// Stable lower-case name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Speaker::Customer => "customer",
            Speaker::Agent => "agent",
            Speaker::Tool => "tool",
        }
    }
}

/// A piece of information a customer can hold and an agent can ask for.
///
/// Values are carried as `u64` codes (an index into a name pool, a number, cents); the surface realiser turns them into text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[repr(u8)]
pub enum Slot {
    /// Full name on the account (first and last).
    FullName,
    /// Account id.
    AccountId,
    /// Username.
    Username,
    /// Email address.
    Email,
    /// Phone number.
    Phone,
    /// Zip code.
    ZipCode,
    /// Order id of the order in question.
    OrderId,
    /// Account PIN.
    PinNumber,
    /// Answer to the security question.
    SecurityAnswer,
    /// Membership level (guest, bronze, silver, gold).
    MembershipLevel,
    /// Street address.
    StreetAddress,
    /// Full postal address.
    FullAddress,
    /// Payment method (credit card, debit card, paypal).
    PaymentMethod,
    /// A money amount in cents.
    Amount,
    /// The reason the customer gives (refund reason, where they heard about it…).
    Reason,
    /// A product (brand and type).
    Product,
    /// How the refund should be paid (gift card, add value, paper check, credit card).
    RefundMethod,
    /// An order option (by mail, in store, drop off center, change date…).
    OrderOption,
    /// The new value the customer wants a field changed to.
    NewValue,
    /// Days since purchase or since waiting.
    Days,
}

impl Slot {
    /// Every slot, in declaration order.
    pub const ALL: [Slot; 20] = [
        Slot::FullName,
        Slot::AccountId,
        Slot::Username,
        Slot::Email,
        Slot::Phone,
        Slot::ZipCode,
        Slot::OrderId,
        Slot::PinNumber,
        Slot::SecurityAnswer,
        Slot::MembershipLevel,
        Slot::StreetAddress,
        Slot::FullAddress,
        Slot::PaymentMethod,
        Slot::Amount,
        Slot::Reason,
        Slot::Product,
        Slot::RefundMethod,
        Slot::OrderOption,
        Slot::NewValue,
        Slot::Days,
    ];

    /// Stable snake_case name used in RON files and outputs.
    pub fn name(self) -> &'static str {
        match self {
            Slot::FullName => "full_name",
            Slot::AccountId => "account_id",
            Slot::Username => "username",
            Slot::Email => "email",
            Slot::Phone => "phone",
            Slot::ZipCode => "zip_code",
            Slot::OrderId => "order_id",
            Slot::PinNumber => "pin_number",
            Slot::SecurityAnswer => "security_answer",
            Slot::MembershipLevel => "membership_level",
            Slot::StreetAddress => "street_address",
            Slot::FullAddress => "full_address",
            Slot::PaymentMethod => "payment_method",
            Slot::Amount => "amount",
            Slot::Reason => "reason",
            Slot::Product => "product",
            Slot::RefundMethod => "refund_method",
            Slot::OrderOption => "order_option",
            Slot::NewValue => "new_value",
            Slot::Days => "days",
        }
    }

    /// Identity facts a customer may misremember; goal facts (amount, reason, new value…) are always known.
    pub fn is_identity(self) -> bool {
        matches!(
            self,
            Slot::FullName
                | Slot::AccountId
                | Slot::Username
                | Slot::Email
                | Slot::Phone
                | Slot::ZipCode
                | Slot::OrderId
                | Slot::PinNumber
                | Slot::SecurityAnswer
                | Slot::MembershipLevel
                | Slot::StreetAddress
                | Slot::FullAddress
                | Slot::PaymentMethod
        )
    }
}

/// A small set of slots, as a bit mask.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SlotSet(pub u32);

impl SlotSet {
    /// The empty set.
    pub const EMPTY: SlotSet = SlotSet(0);

    /// A set of one slot.
    pub fn one(slot: Slot) -> SlotSet {
        SlotSet(1 << slot as u32)
    }

    /// Whether `slot` is in the set.
    pub fn contains(self, slot: Slot) -> bool {
        self.0 & (1 << slot as u32) != 0
    }

    /// This set with `slot` added.
    pub fn with(self, slot: Slot) -> SlotSet {
        SlotSet(self.0 | (1 << slot as u32))
    }

    /// This set with `slot` removed.
    pub fn without(self, slot: Slot) -> SlotSet {
        SlotSet(self.0 & !(1 << slot as u32))
    }

    /// How many members of the set come before `slot` in slot order: its index among values stored in slot order.
    pub fn rank(self, slot: Slot) -> usize {
        (self.0 & ((1u32 << slot as u32) - 1)).count_ones() as usize
    }

    /// Number of slots in the set.
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The slots in the set, in declaration order.
    pub fn iter(self) -> impl Iterator<Item = Slot> {
        Slot::ALL.into_iter().filter(move |slot| self.contains(*slot))
    }
}

/// What a turn meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[repr(u8)]
pub enum ActKind {
    // Customer acts.
    /// The customer states why they came (the intent is in the turn's `intent` field).
    StateNeed,
    /// The customer says something is wrong without saying what.
    VagueNeed,
    /// The customer gives the values of the asked slots.
    Inform,
    /// The customer does not know an asked slot.
    DontKnow,
    /// The customer ignores the question or talks about something else.
    OffTopic,
    /// The customer repeats the request after a denial.
    Insist,
    /// The customer asks for a human.
    DemandHuman,
    /// The customer accepts what was said.
    Acknowledge,
    /// The customer thanks the agent and says they need nothing more.
    ThankBye,
    /// The customer gives up and leaves.
    Leave,
    /// The customer nudges a silent agent.
    Nudge,
    // Agent acts.
    /// The agent greets and asks how it can help.
    Greet,
    /// The agent asks what the customer needs.
    AskNeed,
    /// The agent asks for the slots in the turn's `slots` field.
    Ask,
    /// The agent tells the customer the outcome of a step.
    InformResult,
    /// The agent states account facts (the turn's `slots` and `values`), e.g. a recovered username.
    Disclose,
    /// The agent declines the request and says why.
    Deny,
    /// The agent apologises.
    Apologize,
    /// The agent asks whether there is anything else.
    AnythingElse,
    /// The agent hands the customer to a human.
    Transfer,
    /// The agent ends the conversation.
    Close,
    /// The agent says something that does not move the conversation on.
    Filler,
}

impl ActKind {
    /// Stable snake_case name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            ActKind::StateNeed => "state_need",
            ActKind::VagueNeed => "vague_need",
            ActKind::Inform => "inform",
            ActKind::DontKnow => "dont_know",
            ActKind::OffTopic => "off_topic",
            ActKind::Insist => "insist",
            ActKind::DemandHuman => "demand_human",
            ActKind::Acknowledge => "acknowledge",
            ActKind::ThankBye => "thank_bye",
            ActKind::Leave => "leave",
            ActKind::Nudge => "nudge",
            ActKind::Greet => "greet",
            ActKind::AskNeed => "ask_need",
            ActKind::Ask => "ask",
            ActKind::InformResult => "inform_result",
            ActKind::Disclose => "disclose",
            ActKind::Deny => "deny",
            ActKind::Apologize => "apologize",
            ActKind::AnythingElse => "anything_else",
            ActKind::Transfer => "transfer",
            ActKind::Close => "close",
            ActKind::Filler => "filler",
        }
    }
}

/// Up to four slot values carried by one act, in slot order.
pub const MAX_VALUES: usize = 4;

/// One act with its slot payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Act {
    /// What kind of act.
    pub kind: ActKind,
    /// The slots asked for (agent `Ask`) or given (customer `Inform`, `DontKnow`).
    pub slots: SlotSet,
    /// Values of `slots` in slot order (customer `Inform`, agent `Disclose`; unused entries are 0).
    pub values: [u64; MAX_VALUES],
    /// The intent index (customer `StateNeed`, agent `InformResult` about an intent); `u16::MAX` when none.
    pub intent: u16,
}

impl Act {
    /// An act with no payload.
    pub fn bare(kind: ActKind) -> Act {
        Act { kind, slots: SlotSet::EMPTY, values: [0; MAX_VALUES], intent: u16::MAX }
    }

    /// An agent question for `slots`.
    pub fn ask(slots: SlotSet) -> Act {
        Act { kind: ActKind::Ask, slots, values: [0; MAX_VALUES], intent: u16::MAX }
    }

    /// The value given for `slot`, if this act carries it.
    pub fn value_of(&self, slot: Slot) -> Option<u64> {
        if !matches!(self.kind, ActKind::Inform | ActKind::Disclose) || !self.slots.contains(slot) {
            return None;
        }
        self.values.get(self.slots.rank(slot)).copied()
    }
}
