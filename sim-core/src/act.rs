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

/// A piece of information a customer can hold and an agent can ask for: an index into the scenario's slot table.
///
/// The first [`Slot::STANDARD`] slots are built in (identity facts of the account and order, and the goal values of
/// retail support); a scenario may declare more (`card_last4`, `charge_amount`…), numbered from
/// [`Slot::FIRST_DECLARED`], each backed by a world field or a goal value with a type.
/// Values are carried as `u64` codes (an index into a name pool, a number, cents); the surface realiser turns them into
/// text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Slot(pub u8);

/// The most slots a scenario may have, built-in ones included (a [`SlotSet`] is a 64-bit mask).
pub const MAX_SLOTS: usize = 64;

impl Slot {
    /// Full name on the account (first and last).
    pub const FULL_NAME: Slot = Slot(0);
    /// Account id.
    pub const ACCOUNT_ID: Slot = Slot(1);
    /// Username.
    pub const USERNAME: Slot = Slot(2);
    /// Email address.
    pub const EMAIL: Slot = Slot(3);
    /// Phone number.
    pub const PHONE: Slot = Slot(4);
    /// Zip code.
    pub const ZIP_CODE: Slot = Slot(5);
    /// Order id of the order in question.
    pub const ORDER_ID: Slot = Slot(6);
    /// Account PIN.
    pub const PIN_NUMBER: Slot = Slot(7);
    /// Answer to the security question.
    pub const SECURITY_ANSWER: Slot = Slot(8);
    /// Membership level (guest, bronze, silver, gold).
    pub const MEMBERSHIP_LEVEL: Slot = Slot(9);
    /// Street address.
    pub const STREET_ADDRESS: Slot = Slot(10);
    /// Full postal address.
    pub const FULL_ADDRESS: Slot = Slot(11);
    /// Payment method (credit card, debit card, paypal).
    pub const PAYMENT_METHOD: Slot = Slot(12);
    /// A money amount in cents.
    pub const AMOUNT: Slot = Slot(13);
    /// The reason the customer gives (refund reason, where they heard about it…).
    pub const REASON: Slot = Slot(14);
    /// A product (brand and type).
    pub const PRODUCT: Slot = Slot(15);
    /// How the refund should be paid (gift card, add value, paper check, credit card).
    pub const REFUND_METHOD: Slot = Slot(16);
    /// An order option (by mail, in store, drop off center, change date…).
    pub const ORDER_OPTION: Slot = Slot(17);
    /// The new value the customer wants a field changed to.
    pub const NEW_VALUE: Slot = Slot(18);
    /// Days since purchase or since waiting.
    pub const DAYS: Slot = Slot(19);

    /// Every built-in slot, in order.
    pub const STANDARD: [Slot; 20] = [
        Slot::FULL_NAME,
        Slot::ACCOUNT_ID,
        Slot::USERNAME,
        Slot::EMAIL,
        Slot::PHONE,
        Slot::ZIP_CODE,
        Slot::ORDER_ID,
        Slot::PIN_NUMBER,
        Slot::SECURITY_ANSWER,
        Slot::MEMBERSHIP_LEVEL,
        Slot::STREET_ADDRESS,
        Slot::FULL_ADDRESS,
        Slot::PAYMENT_METHOD,
        Slot::AMOUNT,
        Slot::REASON,
        Slot::PRODUCT,
        Slot::REFUND_METHOD,
        Slot::ORDER_OPTION,
        Slot::NEW_VALUE,
        Slot::DAYS,
    ];

    /// The first slot id a scenario may declare.
    pub const FIRST_DECLARED: u8 = 20;

    /// The slot id of the scenario's `idx`-th declared slot.
    pub fn declared(idx: usize) -> Slot {
        Slot(Slot::FIRST_DECLARED + idx as u8)
    }

    /// The slot's position in per-slot arrays.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// Whether this is one of the built-in slots.
    pub fn is_standard(self) -> bool {
        self.0 < Slot::FIRST_DECLARED
    }

    /// Stable snake_case name of a built-in slot (`None` for declared slots: the scenario names those).
    pub fn standard_name(self) -> Option<&'static str> {
        const NAMES: [&str; 20] = [
            "full_name",
            "account_id",
            "username",
            "email",
            "phone",
            "zip_code",
            "order_id",
            "pin_number",
            "security_answer",
            "membership_level",
            "street_address",
            "full_address",
            "payment_method",
            "amount",
            "reason",
            "product",
            "refund_method",
            "order_option",
            "new_value",
            "days",
        ];
        NAMES.get(self.index()).copied()
    }

    /// Identity facts a customer may misremember; goal facts (amount, reason, new value…) are always known.
    /// Declared slots say so in the scenario.
    pub fn is_identity(self) -> bool {
        matches!(
            self,
            Slot::FULL_NAME
                | Slot::ACCOUNT_ID
                | Slot::USERNAME
                | Slot::EMAIL
                | Slot::PHONE
                | Slot::ZIP_CODE
                | Slot::ORDER_ID
                | Slot::PIN_NUMBER
                | Slot::SECURITY_ANSWER
                | Slot::MEMBERSHIP_LEVEL
                | Slot::STREET_ADDRESS
                | Slot::FULL_ADDRESS
                | Slot::PAYMENT_METHOD
        )
    }
}

/// One value per slot, indexed by [`Slot`] (unused entries are 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SlotValues(pub [u64; MAX_SLOTS]);

impl Default for SlotValues {
    fn default() -> Self {
        SlotValues([0; MAX_SLOTS])
    }
}

impl std::ops::Index<Slot> for SlotValues {
    type Output = u64;

    fn index(&self, slot: Slot) -> &u64 {
        &self.0[slot.index()]
    }
}

impl std::ops::IndexMut<Slot> for SlotValues {
    fn index_mut(&mut self, slot: Slot) -> &mut u64 {
        &mut self.0[slot.index()]
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for SlotValues {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.as_slice().serialize(serializer)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for SlotValues {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let values = Vec::<u64>::deserialize(deserializer)?;
        let mut out = SlotValues::default();
        if values.len() > MAX_SLOTS {
            return Err(serde::de::Error::invalid_length(values.len(), &"at most 64 slot values"));
        }
        out.0[..values.len()].copy_from_slice(&values);
        Ok(out)
    }
}

/// A small set of slots, as a bit mask.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SlotSet(pub u64);

impl SlotSet {
    /// The empty set.
    pub const EMPTY: SlotSet = SlotSet(0);

    /// A set of one slot.
    pub fn one(slot: Slot) -> SlotSet {
        SlotSet(1 << slot.0)
    }

    /// Whether `slot` is in the set.
    pub fn contains(self, slot: Slot) -> bool {
        self.0 & (1 << slot.0) != 0
    }

    /// This set with `slot` added.
    pub fn with(self, slot: Slot) -> SlotSet {
        SlotSet(self.0 | (1 << slot.0))
    }

    /// This set with `slot` removed.
    pub fn without(self, slot: Slot) -> SlotSet {
        SlotSet(self.0 & !(1 << slot.0))
    }

    /// How many members of the set come before `slot` in slot order: its index among values stored in slot order.
    pub fn rank(self, slot: Slot) -> usize {
        (self.0 & ((1u64 << slot.0) - 1)).count_ones() as usize
    }

    /// Number of slots in the set.
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The slots in the set, in slot order.
    pub fn iter(self) -> impl Iterator<Item = Slot> {
        let mut rest = self.0;
        std::iter::from_fn(move || {
            if rest == 0 {
                return None;
            }
            let slot = rest.trailing_zeros() as u8;
            rest &= rest - 1;
            Some(Slot(slot))
        })
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
    /// The customer asks why their request was refused.
    AskWhy,
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
    /// The agent offers something (a retention discount, a price): the offer is in `slots` and `values`.
    Offer,
    // Customer answers to an offer.
    /// The customer takes the offer.
    Accept,
    /// The customer turns the offer down: a clear no.
    Reject,
    /// The customer objects to the offer (too expensive, too little) without saying no.
    Object,
    /// The customer did what the agent asked on their own device.
    Performed,
    /// The customer could not do what the agent asked.
    Unable,
    /// The customer says their problem is gone (the site works again, or the order went through for them).
    Works,
    /// The customer did not understand the agent's message and asks what they mean (free text the tagger could
    /// not read with confidence).
    Clarify,
    /// The agent tells the customer that a step of their request is done, with more of it still to do ("Thank you,
    /// you're verified"): not the outcome, which `InformResult` tells. (An agent act declared last, so the acts
    /// before keep their codes.)
    Progress,
}

impl ActKind {
    /// The acts an agent says, in declaration order.
    pub const AGENT: [ActKind; 13] = [
        ActKind::Greet,
        ActKind::AskNeed,
        ActKind::Ask,
        ActKind::InformResult,
        ActKind::Disclose,
        ActKind::Deny,
        ActKind::Apologize,
        ActKind::AnythingElse,
        ActKind::Transfer,
        ActKind::Close,
        ActKind::Filler,
        ActKind::Offer,
        ActKind::Progress,
    ];

    /// The agent act with this [`name`](ActKind::name).
    pub fn agent_act(name: &str) -> Option<ActKind> {
        ActKind::AGENT.into_iter().find(|kind| kind.name() == name)
    }

    /// Whether the customer (rather than the agent) says acts of this kind.
    pub fn by_customer(self) -> bool {
        matches!(
            self,
            ActKind::StateNeed
                | ActKind::VagueNeed
                | ActKind::Inform
                | ActKind::DontKnow
                | ActKind::OffTopic
                | ActKind::Insist
                | ActKind::AskWhy
                | ActKind::DemandHuman
                | ActKind::Acknowledge
                | ActKind::ThankBye
                | ActKind::Leave
                | ActKind::Nudge
                | ActKind::Accept
                | ActKind::Reject
                | ActKind::Object
                | ActKind::Performed
                | ActKind::Unable
                | ActKind::Works
                | ActKind::Clarify
        )
    }

    /// Stable snake_case name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            ActKind::StateNeed => "state_need",
            ActKind::VagueNeed => "vague_need",
            ActKind::Inform => "inform",
            ActKind::DontKnow => "dont_know",
            ActKind::OffTopic => "off_topic",
            ActKind::Insist => "insist",
            ActKind::AskWhy => "ask_why",
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
            ActKind::Offer => "offer",
            ActKind::Accept => "accept",
            ActKind::Reject => "reject",
            ActKind::Object => "object",
            ActKind::Performed => "performed",
            ActKind::Unable => "unable",
            ActKind::Works => "works",
            ActKind::Clarify => "clarify",
            ActKind::Progress => "progress",
        }
    }
}

/// Up to four slot values carried by one act, in slot order.
pub const MAX_VALUES: usize = 4;

/// Adds `slot` (not yet in `slots`) with `value` to values kept in slot order; ignored when `MAX_VALUES` are
/// already carried.
pub fn insert_value(slots: &mut SlotSet, values: &mut [u64; MAX_VALUES], slot: Slot, value: u64) {
    let n = slots.len() as usize;
    if n >= MAX_VALUES {
        return;
    }
    let pos = slots.rank(slot);
    values.copy_within(pos..n, pos + 1);
    values[pos] = value;
    *slots = slots.with(slot);
}

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

    /// A customer objection to an offer: the price (`None`), or the intent's objection with this index; the index is
    /// carried as `values[0] - 1`, with no slots.
    pub fn object(objection: Option<u8>) -> Act {
        let mut act = Act::bare(ActKind::Object);
        act.values[0] = objection.map_or(0, |idx| u64::from(idx) + 1);
        act
    }

    /// Which of the intent's objections an `Object` act raises (`None` for the price, or another kind of act).
    pub fn objection(&self) -> Option<u8> {
        u8::try_from(self.tag(ActKind::Object)?.checked_sub(1)?).ok()
    }

    /// The tag an act of `kind` carries in `values[0]` when it has no slots (an objection, a refusal's reason, an
    /// unhappy goodbye); `None` for another kind of act or one with slots.
    fn tag(&self, kind: ActKind) -> Option<u64> {
        (self.kind == kind && self.slots.is_empty()).then_some(self.values[0])
    }

    /// A customer's goodbye with their need unmet ("fine, I guess that's it"): a `ThankBye` carrying `values[0] = 1`,
    /// with no slots; it ends the chat like any goodbye.
    pub fn unhappy_bye() -> Act {
        let mut act = Act::bare(ActKind::ThankBye);
        act.values[0] = 1;
        act
    }

    /// Whether a `ThankBye` is said with the need unmet.
    pub fn is_unhappy_bye(&self) -> bool {
        self.tag(ActKind::ThankBye) == Some(1)
    }

    /// An agent refusal of `intent`, naming the check that said no (`reason`), or with no reason given; the tool is
    /// carried as `values[0] - 1`, with no slots.
    pub fn deny(intent: u16, reason: Option<crate::spec::ToolId>) -> Act {
        let mut act = Act { intent, ..Act::bare(ActKind::Deny) };
        act.values[0] = reason.map_or(0, |tool| u64::from(tool) + 1);
        act
    }

    /// The check a `Deny` names as the reason (`None` when it gives none, or for another kind of act).
    pub fn refusal_reason(&self) -> Option<crate::spec::ToolId> {
        u8::try_from(self.tag(ActKind::Deny)?.checked_sub(1)?).ok()
    }

    /// Sets `slot = value`, keeping values in slot order (ignored when four other slots are already carried).
    pub fn put(&mut self, slot: Slot, value: u64) {
        if self.slots.contains(slot) {
            self.values[self.slots.rank(slot)] = value;
        } else {
            insert_value(&mut self.slots, &mut self.values, slot, value);
        }
    }

    /// The value given for `slot`, if this act carries it.
    pub fn value_of(&self, slot: Slot) -> Option<u64> {
        if !matches!(
            self.kind,
            ActKind::Inform | ActKind::StateNeed | ActKind::Disclose | ActKind::Offer
        ) || !self.slots.contains(slot)
        {
            return None;
        }
        self.values.get(self.slots.rank(slot)).copied()
    }
}
