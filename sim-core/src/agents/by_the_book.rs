//! The by-the-book agent: reads the customer's need, walks the guideline's steps in order, asks for what each step needs.

use std::sync::Arc;

use crate::act::{Act, ActKind, MAX_VALUES, Slot, SlotSet, SlotValues};
use crate::agent::{Action, AgentUnderTest, EpisodeStart, Observation};
use crate::spec::{Effect, IntentId, RuleKind, ScenarioSpec, ToolId, When};
use crate::world::ToolArgs;

/// Where a case stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Working through the steps.
    #[default]
    Working,
    /// The request was declined.
    Declined,
    /// "Anything else?" was asked.
    AskedElse,
}

/// What the agent knows about one episode; shared with the sloppy agent.
#[derive(Clone, Debug, Default)]
pub(crate) struct Case {
    pub(crate) intent: Option<IntentId>,
    pub(crate) known: SlotValues,
    pub(crate) known_set: SlotSet,
    pub(crate) unknown: SlotSet,
    pub(crate) burned: SlotSet,
    /// Slots whose value alone failed a check: known to be wrong for the rest of the episode.
    pub(crate) known_wrong: SlotSet,
    /// Steps done (bit per step index).
    pub(crate) done: u64,
    pub(crate) oracle: Option<bool>,
    pub(crate) pending_call: Option<(usize, SlotSet)>,
    pub(crate) phase: Phase,
    pub(crate) demands: u8,
    pub(crate) denials: u8,
    /// The check the refusal names (kept for refusing again).
    pub(crate) deny_reason: Option<ToolId>,
    /// Whether the customer asked again (a step `when: Unsatisfied` now applies).
    pub(crate) pushed: bool,
    pub(crate) reported: bool,
    /// The account's username code, from a successful pull-up-account.
    pub(crate) account_handle: Option<u64>,
    /// Tools that have succeeded at least once (bit per tool).
    pub(crate) succeeded: u64,
    /// Approval tools already asked for (bit per tool); a refused approval is not asked again.
    pub(crate) approvals_tried: u64,
    /// Tools whose latest call passed (bit per tool).
    pub(crate) last_passed: u64,
    /// Tools whose latest call failed (bit per tool).
    pub(crate) last_failed: u64,
    /// The customer's answer to the intent's offer, once given.
    pub(crate) offer_answer: Option<bool>,
    /// The steps done (as `done`) when the customer last turned the offer down.
    pub(crate) done_when_declined: Option<u64>,
    /// The value last offered.
    pub(crate) offered: Option<u64>,
    /// Whether the customer objected to an offer.
    pub(crate) objected: bool,
    /// Whether the one concession was made.
    pub(crate) conceded: bool,
    /// The remedy tool of an objection the customer just raised, to call before offering again.
    pub(crate) remedy_due: Option<ToolId>,
    /// The value each tool last reported (a quoted price), by tool.
    pub(crate) tool_values: ToolValues,
    /// What the latest call that showed facts besides its value showed (a forecast's temperature), and its tool.
    pub(crate) shown: Option<(ToolId, ToolArgs)>,
    /// Whether the customer said their problem is gone (steps `when: Unfixed` no longer apply).
    pub(crate) fixed: bool,
    /// Whether a step the customer is told of (`Step::tell`) just passed: told before the next step, if one is left.
    pub(crate) tell_due: bool,
}

/// The value each tool last reported, by tool.
#[derive(Clone, Debug)]
pub(crate) struct ToolValues(pub(crate) [u64; crate::oracle::MAX_TOOLS]);

impl Default for ToolValues {
    fn default() -> Self {
        ToolValues([0; crate::oracle::MAX_TOOLS])
    }
}

/// An offer of `value` in `slot`.
pub(crate) fn offer_act(intent: u16, slot: Slot, value: u64) -> Act {
    let mut act = Act { intent, ..Act::bare(ActKind::Offer) };
    act.put(slot, value);
    act
}

/// Whether a failed call of a tool with this effect means the request is refused (rather than a value being wrong):
/// the membership check, and data effects that check no values.
pub(crate) fn is_refusal(effect: &Effect) -> bool {
    match effect {
        Effect::Membership => true,
        Effect::Data(data) => data.check.is_empty(),
        _ => false,
    }
}

/// A limit the agent can know without seeing the world: `None` when it reads world fields.
pub(crate) fn visible_limit(max: &crate::expr::Expr, args: &ToolArgs) -> Option<u64> {
    if max.reads_world() {
        return None;
    }
    Some(max.eval(&ArgsOnly(args)).max(0) as u64)
}

/// An expression environment with a tool call's arguments and nothing else.
struct ArgsOnly<'a>(&'a ToolArgs);

impl crate::expr::Env for ArgsOnly<'_> {
    fn cell(&self, _: usize) -> u64 {
        0
    }

    fn original_cell(&self, _: usize) -> u64 {
        0
    }

    fn arg(&self, slot: u8) -> Option<u64> {
        if usize::from(slot) >= crate::act::MAX_SLOTS {
            return None;
        }
        self.0.get(Slot(slot))
    }

    fn goal(&self, _: u8) -> Option<u64> {
        None
    }
}

/// A decision the sloppy agent can tamper with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Say this act.
    Say(Act),
    /// Call the tool of step `step` with `args`.
    Call { step: usize, args: ToolArgs },
    /// Call a tool outside the guideline's steps, without arguments: an approval a policy limit asks for, or the
    /// remedy of an objection the customer raised.
    Side { tool: ToolId },
}

/// What happened to the previous call, for the sloppy agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CallFeedback {
    /// No call was pending.
    None,
    /// The step's call passed.
    Passed,
    /// The step's call failed; the case will retry or decline.
    Failed { step: usize },
}

/// Follows the scenario's guideline exactly.
#[derive(Debug)]
pub struct ByTheBook {
    scenario: Arc<ScenarioSpec>,
    cases: Vec<Case>,
}

impl ByTheBook {
    /// A by-the-book agent for `scenario`.
    pub fn new(scenario: Arc<ScenarioSpec>) -> ByTheBook {
        ByTheBook { scenario, cases: Vec::new() }
    }
}

impl AgentUnderTest for ByTheBook {
    fn name(&self) -> &str {
        "by-the-book"
    }

    fn begin(&mut self, start: EpisodeStart) {
        let slot = start.slot as usize;
        if self.cases.len() <= slot {
            self.cases.resize(slot + 1, Case::default());
        }
        self.cases[slot] = Case::default();
    }

    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        for obs in batch {
            let case = &mut self.cases[obs.slot as usize];
            let feedback = case.observe(&self.scenario, obs);
            let plan = case.decide(&self.scenario, obs, feedback);
            out.push(case.commit(&self.scenario, plan));
        }
    }
}

impl Case {
    /// Takes in the customer's act and the last tool result.
    pub(crate) fn observe(&mut self, scenario: &ScenarioSpec, obs: &Observation) -> CallFeedback {
        if let Some(act) = obs.customer {
            match act.kind {
                ActKind::StateNeed | ActKind::Insist
                    if (act.intent as usize) < scenario.intents.len() =>
                {
                    self.intent.get_or_insert(act.intent);
                    self.pushed |= act.kind == ActKind::Insist;
                    // Another request: after the last was answered or declined, or with values other than the
                    // ones given (a customer who changes their plans when offered the room).
                    let changed = || {
                        act.slots.iter().zip(act.values).any(|(slot, value)| {
                            self.known_set.contains(slot) && self.known[slot] != value
                        })
                    };
                    if act.kind == ActKind::StateNeed
                        && self.intent == Some(act.intent)
                        && !act.slots.is_empty()
                        && (self.reported || self.phase != Phase::Working || changed())
                    {
                        self.new_request(scenario, act.slots);
                    }
                    // A need said with the request's values gives them as an answer would.
                    for (slot, value) in act.slots.iter().zip(act.values) {
                        self.known[slot] = value;
                        self.known_set = self.known_set.with(slot);
                        self.unknown = self.unknown.without(slot);
                    }
                }
                ActKind::Inform => {
                    for (slot, value) in act.slots.iter().zip(act.values) {
                        self.known[slot] = value;
                        self.known_set = self.known_set.with(slot);
                        self.unknown = self.unknown.without(slot);
                    }
                }
                ActKind::DontKnow => self.unknown = SlotSet(self.unknown.0 | act.slots.0),
                ActKind::DemandHuman => self.demands += 1,
                ActKind::Accept => self.offer_answer = Some(true),
                ActKind::Works => self.fixed = true,
                ActKind::Reject => {
                    self.offer_answer = Some(false);
                    self.done_when_declined = Some(self.done);
                }
                ActKind::Object => {
                    let intent = self.intent.and_then(|id| scenario.intents.get(usize::from(id)));
                    let objection = act.objection().and_then(|idx| {
                        intent.and_then(|intent| intent.objections.get(usize::from(idx)))
                    });
                    match objection {
                        Some(objection) => self.remedy_due = Some(objection.remedy),
                        None => self.objected = true,
                    }
                }
                _ => {}
            }
        }
        let Some((tool, outcome)) = obs.tool_result else { return CallFeedback::None };
        if let Some(value) = self.tool_values.0.get_mut(tool as usize) {
            *value = outcome.value;
        }
        if !outcome.shown.is_empty() || self.shown.is_some_and(|(by, _)| by == tool) {
            self.shown = Some((tool, outcome.shown));
        }
        if outcome.passed {
            self.succeeded |= 1 << tool;
            self.last_passed |= 1 << tool;
            self.last_failed &= !(1 << tool);
        } else {
            self.last_failed |= 1 << tool;
            self.last_passed &= !(1 << tool);
        }
        let Some((step_idx, used)) = self.pending_call.take() else { return CallFeedback::None };
        let intent =
            &scenario.intents[self.intent.expect("a call implies a known intent") as usize];
        let step = intent.steps[step_idx];
        let effect = &scenario.tools[step.tool as usize].effect;
        if *effect == Effect::PullUpAccount && outcome.passed {
            self.account_handle = Some(outcome.value);
        }
        let asks_question = intent.branches_on(step.tool);
        if *effect == Effect::AskOracle {
            self.oracle = Some(outcome.passed);
        }
        // A question's answer is recorded (`last_passed`/`last_failed`) either way; the step is done.
        if *effect == Effect::AskOracle || asks_question {
            self.done |= 1 << step_idx;
            return CallFeedback::Passed;
        }
        if outcome.passed {
            self.done |= 1 << step_idx;
            self.burned = SlotSet::EMPTY;
            self.tell_due = step.tell;
            CallFeedback::Passed
        } else {
            self.burned = SlotSet(self.burned.0 | used.0);
            if used.len() == 1 {
                self.known_wrong = SlotSet(self.known_wrong.0 | used.0);
            }
            CallFeedback::Failed { step: step_idx }
        }
    }

    /// The same request again about another one (another day's forecast, another hotel after no room was free),
    /// once the last was answered or declined: the steps that take its values run again (what their tools said was
    /// about the last one), the offer is made again, and the outcome is told again.
    fn new_request(&mut self, scenario: &ScenarioSpec, slots: SlotSet) {
        let Some(intent) = self.intent.and_then(|id| scenario.intents.get(usize::from(id))) else {
            return;
        };
        for (idx, step) in intent.steps.iter().enumerate() {
            if step.args.0 & slots.0 != 0 {
                self.done &= !(1 << idx);
                let about_the_last = !(1u64 << step.tool);
                self.last_passed &= about_the_last;
                self.last_failed &= about_the_last;
                self.succeeded &= about_the_last;
            }
        }
        self.offer_answer = None;
        self.done_when_declined = None;
        self.offered = None;
        self.deny_reason = None;
        self.denials = 0;
        // The last failed call's values were those of the last request; values kept from it are not suspect.
        self.burned = SlotSet::EMPTY;
        let fresh = SlotSet(!slots.0);
        self.known_wrong = SlotSet(self.known_wrong.0 & fresh.0);
        self.unknown = SlotSet(self.unknown.0 & fresh.0);
        self.reported = false;
        self.phase = Phase::Working;
    }

    /// Decides the next move from the case as it stands.
    pub(crate) fn decide(
        &mut self,
        scenario: &ScenarioSpec,
        obs: &Observation,
        feedback: CallFeedback,
    ) -> Plan {
        let customer = obs.customer.map(|act| act.kind);
        // A goodbye said unasked is answered with "anything else?" where the policy wants the question asked
        // whatever the customer said ("As always, wrap up by asking…"); one given up unhappy is let go.
        let must_ask = |scenario: &ScenarioSpec| {
            scenario
                .rules
                .iter()
                .any(|rule| rule.kind == RuleKind::ConfirmBeforeClose { unprompted: false })
        };
        let happy_bye =
            obs.customer.is_some_and(|act| act.kind == ActKind::ThankBye && !act.is_unhappy_bye());
        if happy_bye && self.phase != Phase::AskedElse && must_ask(scenario) {
            self.phase = Phase::AskedElse;
            return Plan::Say(Act::bare(ActKind::AnythingElse));
        }
        if matches!(customer, Some(ActKind::ThankBye | ActKind::Leave)) {
            return Plan::Say(Act::bare(ActKind::Close));
        }
        if self.demands >= 2 {
            return Plan::Say(Act::bare(ActKind::Transfer));
        }
        if customer == Some(ActKind::DemandHuman) {
            return Plan::Say(Act::bare(ActKind::Apologize));
        }
        if customer == Some(ActKind::AskWhy) && self.denials > 0 {
            // Asked why: the refusal again, with its reason.
            return self.deny(None);
        }
        if self.phase == Phase::AskedElse && customer == Some(ActKind::Insist) && self.denials == 0
        {
            // Still unhappy after the answer: the steps for an unsatisfied customer now apply, if the intent has any.
            let more = self.intent.map(|id| &scenario.intents[id as usize]).is_some_and(|intent| {
                intent.steps.iter().enumerate().any(|(idx, step)| {
                    step.when == When::Unsatisfied && !step.optional && self.done & (1 << idx) == 0
                })
            });
            if more {
                self.phase = Phase::Working;
                self.reported = false;
            }
        }
        if self.phase == Phase::AskedElse {
            // Talk about something else is no answer to "anything else?": ask again before closing.
            if customer == Some(ActKind::OffTopic) {
                return Plan::Say(Act::bare(ActKind::AnythingElse));
            }
            if customer != Some(ActKind::Insist) {
                return Plan::Say(Act::bare(ActKind::Close));
            }
            // Asked again after "anything else?": refuse once more with the reason, or hand over.
            return if self.denials > 0 && self.denials < 2 {
                self.deny(None)
            } else {
                Plan::Say(Act::bare(ActKind::Transfer))
            };
        }
        if self.phase == Phase::Declined {
            if customer == Some(ActKind::Insist) {
                return if self.denials < 2 {
                    self.deny(None)
                } else {
                    Plan::Say(Act::bare(ActKind::Transfer))
                };
            }
            self.phase = Phase::AskedElse;
            return Plan::Say(Act::bare(ActKind::AnythingElse));
        }
        let Some(intent_id) = self.intent else { return Plan::Say(Act::bare(ActKind::AskNeed)) };
        let intent = &scenario.intents[intent_id as usize];
        if let CallFeedback::Failed { step } = feedback {
            let tool = &scenario.tools[intent.steps[step].tool as usize];
            // A customer who could not do something on their device is asked again.
            if tool.instruction.is_none()
                && (is_refusal(&tool.effect) || !self.can_gather(&intent.steps[step]))
            {
                return self.deny(Some(intent.steps[step].tool));
            }
        }
        if intent.oracle_no_ends && self.oracle == Some(false) {
            let oracle = intent
                .steps
                .iter()
                .map(|step| step.tool)
                .find(|tool| scenario.tools[*tool as usize].effect == Effect::AskOracle);
            return self.deny(oracle);
        }
        let tell = std::mem::take(&mut self.tell_due);
        if let Some(tool) = self.remedy_due.take() {
            return Plan::Side { tool };
        }
        if let Some(offer) = self.offer_due(intent) {
            return Plan::Say(offer);
        }
        let next = intent.steps.iter().enumerate().find(|(idx, step)| {
            // Optional steps are left out: the guideline lets the agent skip them.
            !step.optional && self.done & (1 << idx) == 0 && self.applies(step.when)
        });
        if tell && next.is_some() {
            // A step done with more to do: told now; the outcome is told when every step is done.
            return Plan::Say(Act { intent: intent_id, ..Act::bare(ActKind::Progress) });
        }
        let Some((step_idx, step)) = next else {
            // Turned down, with nothing done since: there is no outcome to tell ("I'll leave it, then").
            let nothing_since_no =
                self.offer_answer == Some(false) && self.done_when_declined == Some(self.done);
            if !self.reported && !nothing_since_no {
                self.reported = true;
                if let Some(disclosure) = self.disclosure(intent) {
                    return Plan::Say(disclosure);
                }
                return Plan::Say(Act { intent: intent_id, ..Act::bare(ActKind::InformResult) });
            }
            self.phase = Phase::AskedElse;
            return Plan::Say(Act::bare(ActKind::AnythingElse));
        };
        let unusable = SlotSet(self.burned.0 | self.known_wrong.0);
        let have = SlotSet(step.args.0 & self.known_set.0 & !unusable.0);
        let need = u32::from(step.min_args).min(step.args.len());
        if have.len() >= need {
            let mut args = ToolArgs::default();
            for slot in have.iter().take(MAX_VALUES) {
                args.push(slot, self.known[slot]);
            }
            match self.approval_needed(scenario, step.tool, &args) {
                Some(Some(approval)) => {
                    self.approvals_tried |= 1 << approval;
                    return Plan::Side { tool: approval };
                }
                Some(None) => {
                    // Every approval was refused: the one that said no is the reason.
                    let refused = (0..scenario.tools.len())
                        .map(|idx| idx as ToolId)
                        .find(|tool| self.approvals_tried & self.last_failed & (1 << tool) != 0);
                    return self.deny(refused);
                }
                None => {}
            }
            return Plan::Call { step: step_idx, args };
        }
        let candidates = SlotSet(step.args.0 & !self.known_set.0 & !self.unknown.0 & !unusable.0);
        if !self.can_gather(step) {
            if self.last_failed & (1 << step.tool) != 0 {
                return self.deny(Some(step.tool));
            }
            // A refusal must rest on a failed check: run it with everything the customer could give, asked first.
            if candidates.is_empty() {
                let mut args = ToolArgs::default();
                for slot in have.iter().take(MAX_VALUES) {
                    args.push(slot, self.known[slot]);
                }
                return Plan::Call { step: step_idx, args };
            }
        }
        let mut ask = SlotSet::EMPTY;
        let at_once = u32::from(scenario.asks_at_once.clamp(1, crate::spec::MAX_ASKED_AT_ONCE));
        let wanted = if self.can_gather(step) { need - have.len() } else { candidates.len() };
        for slot in candidates.iter().take(wanted.min(at_once) as usize) {
            ask = ask.with(slot);
        }
        Plan::Say(Act::ask(ask))
    }

    /// Records that a plan is being carried out and turns it into an action.
    pub(crate) fn commit(&mut self, scenario: &ScenarioSpec, plan: Plan) -> Action {
        match plan {
            Plan::Say(act) => Action::Say { act, text: None },
            Plan::Call { step, args } => {
                let intent =
                    &scenario.intents[self.intent.expect("a call implies a known intent") as usize];
                self.pending_call = Some((step, args.slots));
                Action::Call { tool: intent.steps[step].tool, args }
            }
            Plan::Side { tool } => Action::Call { tool, args: ToolArgs::default() },
        }
    }

    /// Whether a limit rule stands in the way of calling `tool` with `args`: `None` if not, `Some(Some(tool))`
    /// for an approval still to ask for, `Some(None)` if every approval was refused (the request is declined).
    pub(crate) fn approval_needed(
        &self,
        scenario: &ScenarioSpec,
        tool: ToolId,
        args: &ToolArgs,
    ) -> Option<Option<ToolId>> {
        let approved = |unless_after: &[ToolId]| {
            unless_after.iter().any(|approval| self.succeeded & (1 << approval) != 0)
        };
        scenario.rules.iter().find_map(|rule| match &rule.kind {
            RuleKind::ArgLimit { tool: limited, arg, max, unless_after }
                if *limited == tool
                    && visible_limit(max, args)
                        .is_some_and(|limit| args.get(*arg).unwrap_or(0) > limit)
                    && !approved(unless_after) =>
            {
                let untried = unless_after
                    .iter()
                    .copied()
                    .find(|approval| self.approvals_tried & (1 << approval) == 0);
                Some(untried)
            }
            _ => None,
        })
    }

    /// The statement of the facts the intent resolves by (a recovered username, the amount due as the lookup
    /// reported it), if any.
    pub(crate) fn disclosure(&self, intent: &crate::spec::IntentSpec) -> Option<Act> {
        let mut act =
            Act { intent: self.intent.unwrap_or(u16::MAX), ..Act::bare(ActKind::Disclose) };
        if let Some(handle) = self.account_handle {
            for outcome in &intent.resolved {
                if let crate::spec::Outcome::Disclosed(slot @ (Slot::USERNAME | Slot::EMAIL)) =
                    outcome
                {
                    act.put(*slot, handle);
                }
            }
        }
        for &(slot, tool) in &intent.answers {
            if (self.last_passed | self.last_failed) & (1 << tool) != 0 {
                act.put(slot, self.tool_values.0[tool as usize]);
            }
            // What the lookup showed besides is told with it ("…, around 21 degrees").
            if let Some((_, shown)) = self.shown.filter(|(by, _)| *by == tool) {
                for (slot, value) in shown.iter() {
                    act.put(slot, value);
                }
            }
        }
        (!act.slots.is_empty()).then_some(act)
    }

    /// The intent's offer, when every step before the first one that depends on its answer is done and the customer
    /// has not answered yet; the offered value becomes known for the steps that apply it.
    pub(crate) fn offer_due(&mut self, intent: &crate::spec::IntentSpec) -> Option<Act> {
        let offer = intent.offer?;
        if self.offer_answer.is_some() {
            return None;
        }
        let first = intent
            .steps
            .iter()
            .position(|step| matches!(step.when, When::Accepted | When::Rejected))?;
        let ready = intent.steps[..first].iter().enumerate().all(|(idx, step)| {
            step.optional || self.done & (1 << idx) != 0 || !self.applies(step.when)
        });
        if !ready {
            return None;
        }
        let first_value = match offer.value {
            crate::spec::OfferValue::Fixed(value) => value,
            crate::spec::OfferValue::FromTool(tool) => self.tool_values.0[tool as usize],
        };
        let value = if self.objected && !self.conceded {
            // One concession after an objection: off a price, onto a discount.
            self.conceded = true;
            let step = first_value * u64::from(offer.concession) / 100;
            match offer.accept {
                crate::spec::Accept::AtMost => first_value - step,
                crate::spec::Accept::AtLeast => first_value + step,
            }
        } else {
            self.offered.unwrap_or(first_value)
        };
        self.offered = Some(value);
        self.known[offer.slot] = value;
        self.known_set = self.known_set.with(offer.slot);
        let mut act = offer_act(self.intent.unwrap_or(u16::MAX), offer.slot, value);
        // The facts that go with the offer, as the tools reported them (nothing is said about what was not checked).
        for &(slot, tool) in &intent.claims {
            if (self.last_passed | self.last_failed) & (1 << tool) != 0 {
                act.put(slot, self.tool_values.0[tool as usize]);
            }
        }
        Some(act)
    }

    /// Refuses, naming `reason` (the check that said no), or the reason given before when `None`.
    pub(crate) fn deny(&mut self, reason: Option<ToolId>) -> Plan {
        self.phase = Phase::Declined;
        self.denials += 1;
        self.deny_reason = reason.or(self.deny_reason);
        Plan::Say(Act::deny(self.intent.unwrap_or(u16::MAX), self.deny_reason))
    }

    pub(crate) fn applies(&self, when: When) -> bool {
        match when {
            When::Always => true,
            When::OracleYes => self.oracle == Some(true),
            When::OracleNo => self.oracle == Some(false),
            When::Passed(tool) => self.last_passed & (1 << tool) != 0,
            When::Failed(tool) => self.last_failed & (1 << tool) != 0,
            When::Accepted => self.offer_answer == Some(true),
            When::Rejected => self.offer_answer == Some(false),
            When::Unsatisfied => self.pushed,
            // The world is not the agent's to see: a step on a world condition is taken (a check in doubt).
            When::Holds(_) => true,
            When::Unfixed => !self.fixed,
        }
    }

    /// Whether enough of the step's arguments are known or still askable.
    fn can_gather(&self, step: &crate::spec::Step) -> bool {
        let usable = SlotSet(step.args.0 & !self.unknown.0 & !self.burned.0 & !self.known_wrong.0);
        usable.len() >= u32::from(step.min_args).min(step.args.len())
    }
}
