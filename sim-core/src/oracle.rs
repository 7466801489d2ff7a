//! The oracles: policy (checked as each agent turn happens), resolution and experience (checked at the end).
//!
//! Oracles read the world and the event log only, never what the agent claims.

use crate::act::{Act, ActKind, Slot, SlotSet, Speaker};
use crate::customer::Customer;
use crate::record::{EndReason, Reason, RuleRef, TurnRecord, Verdict};
use crate::spec::{IntentSpec, Outcome, RuleKind, ScenarioSpec, ToolId, When};
use crate::world::{ToolArgs, ToolOutcome, WorldEnv, WorldState};

mod reads;
pub use reads::{FactsRead, facts_read};

/// Most tools a scenario may declare (tool state is kept in fixed arrays).
pub const MAX_TOOLS: usize = 64;

/// What the policy oracle remembers about an episode's tool calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyState {
    /// Per tool: 0 never called, 1 last call passed, 2 last call failed.
    pub last: [u8; MAX_TOOLS],
    /// The oracle's answer, once asked: 0 not asked, 1 yes, 2 no.
    pub oracle: u8,
    /// Whether the agent has declined the request at some turn with a check standing failed that justifies it (an
    /// unearned refusal does not count: it excuses no step and resolves nothing).
    pub declined: bool,
    /// The check the first earned refusal named: steps after it in the intent are no longer due.
    pub declined_by: Option<ToolId>,
    /// Whether the request was admissible (and asked by the account holder) when the episode started.
    pub admissible: bool,
    /// Rules that had occasion to apply in this episode (bit per rule index; rules past 64 are not tracked).
    pub exercised: u64,
    /// Tools that have succeeded at least once (bit per tool).
    pub succeeded: u64,
    /// Tools called with the values of the customer's current request, whatever they answered (bit per tool): a
    /// data tool's checked args are the world's truth for the request (`Outcome::Tried`).
    pub tried: u64,
    /// Obligation rules already settled (met or flagged), bit per rule index.
    pub settled: u64,
    /// Agent turns (utterances and tool calls) seen by the obligation tracker.
    pub agent_turns: u16,
    /// Requests for a human seen so far.
    pub human_demands: u8,
    /// For the first requests for a human: (turn of the request, agent turns before it).
    pub demand_marks: [(u16, u16); MAX_TRACKED_DEMANDS],
    /// Account facts the agent has stated, and those it stated with the account's true value.
    pub disclosed: SlotSet,
    /// Account facts the agent stated correctly since the customer's latest request stated with values.
    pub disclosed_true: SlotSet,
    /// The customer's answer to the latest offer: 0 none yet, 1 taken, 2 turned down.
    pub offer: u8,
    /// The turn of the customer's first "no" to an offer.
    pub rejected_at: Option<u16>,
    /// The value of the agent's latest offer.
    pub last_offer: Option<u64>,
    /// The value of the offer the customer took, if any.
    pub accepted: Option<u64>,
    /// Whether the customer asked again (insisted) at some turn: a step `when: Unsatisfied` now applies.
    pub pushed: bool,
    /// Whether the customer objected to the price of an offer (a haggle, not one of the intent's concerns).
    pub haggled: bool,
    /// The offer the customer's first clear no answered, if they had not objected to the price before it.
    pub turned_down: Option<u64>,
    /// Whether the intent's `fixed` condition held on the world after the latest tool call (steps `when: Unfixed`
    /// no longer apply).
    pub fixed: bool,
    /// Log rows already read for customer answers.
    pub rows_seen: u16,
}

impl Default for PolicyState {
    fn default() -> Self {
        PolicyState {
            last: [0; MAX_TOOLS],
            oracle: 0,
            declined: false,
            declined_by: None,
            admissible: false,
            exercised: 0,
            succeeded: 0,
            tried: 0,
            settled: 0,
            agent_turns: 0,
            human_demands: 0,
            demand_marks: [(0, 0); MAX_TRACKED_DEMANDS],
            disclosed: SlotSet::EMPTY,
            disclosed_true: SlotSet::EMPTY,
            offer: 0,
            rejected_at: None,
            last_offer: None,
            accepted: None,
            pushed: false,
            haggled: false,
            turned_down: None,
            fixed: false,
            rows_seen: 0,
        }
    }
}

impl PolicyState {
    /// Another request of the same intent, with new values for `changed` (another hotel after no room was free,
    /// another day's forecast): what the calls of the steps that take those values said was about the last one, and
    /// so were its refusal and the customer's answer to its offer. The policy is judged afresh for this one: a
    /// booking needs a check of this hotel, a refusal a check that said no to it.
    fn new_request(&mut self, intent: &IntentSpec, changed: SlotSet) {
        for step in intent.steps.iter().filter(|step| step.args.0 & changed.0 != 0) {
            if let Some(last) = self.last.get_mut(usize::from(step.tool)) {
                *last = 0;
            }
            self.succeeded &= !1u64.checked_shl(u32::from(step.tool)).unwrap_or(0);
            self.tried &= !1u64.checked_shl(u32::from(step.tool)).unwrap_or(0);
        }
        self.declined = false;
        self.declined_by = None;
        self.offer = 0;
        self.rejected_at = None;
        self.last_offer = None;
        self.accepted = None;
        self.turned_down = None;
    }

    fn called(&self, tool: ToolId) -> bool {
        self.last[tool as usize] != 0
    }

    fn failed(&self, tool: ToolId) -> bool {
        self.last[tool as usize] == 2
    }

    fn passed(&self, tool: ToolId) -> bool {
        self.last[tool as usize] == 1
    }

    /// Whether a step `when` applies, reading the intent's world conditions on `env`.
    fn applies(&self, intent: &IntentSpec, when: When, env: &WorldEnv) -> bool {
        match when {
            When::Holds(idx) => intent
                .conditions
                .get(usize::from(idx))
                .is_some_and(|condition| condition.holds(env)),
            When::Unfixed => !self.fixed,
            When::Always => true,
            When::OracleYes => self.oracle == 1,
            When::OracleNo => self.oracle == 2,
            When::Passed(tool) => self.passed(tool),
            When::Failed(tool) => self.failed(tool),
            When::Accepted => self.offer == 1,
            When::Rejected => self.offer == 2,
            When::Unsatisfied => self.pushed,
        }
    }
}

/// Whether `tools` names `tool` (a plain scan: these lists are a few tools long, too short for `contains`' memchr).
#[allow(clippy::manual_contains)]
fn lists(tools: &[ToolId], tool: ToolId) -> bool {
    tools.iter().any(|listed| *listed == tool)
}

/// Checks a logged tool call against the policy state from the turns before it; pushes failed verdicts.
#[allow(clippy::too_many_arguments)]
pub fn judge_call(
    scenario: &ScenarioSpec,
    intent: &IntentSpec,
    world: &WorldState,
    refunded_before: u64,
    state: &mut PolicyState,
    turn: u16,
    tool: ToolId,
    args: &ToolArgs,
    out: &mut Vec<Verdict>,
) {
    // Step conditions on the world are read as it was before this call.
    let before = world.env(scenario, &world.fields_before_call, world.selected);
    for (rule_idx, rule) in scenario.rules.iter().enumerate() {
        let rule_ref = RuleRef::Policy(rule_idx as u16);
        let mut fail = |reason| out.push(Verdict { rule: rule_ref, turn, passed: false, reason });
        let exercised = 1u64.checked_shl(rule_idx as u32).unwrap_or(0);
        match &rule.kind {
            RuleKind::StepOrder => {
                if state.called(tool) {
                    continue;
                }
                let Some(pos) = intent.steps.iter().position(|step| step.tool == tool) else {
                    continue;
                };
                state.exercised |= exercised;
                let this = &intent.steps[pos];
                // After an earned refusal, the steps past the check that refused are no longer due.
                let refused_at = state
                    .declined_by
                    .and_then(|check| intent.steps.iter().position(|step| step.tool == check));
                // Cheap tests first: most earlier steps were called, and `applies` may evaluate a condition.
                let missing = intent.steps[..pos].iter().enumerate().find(|(idx, step)| {
                    !step.optional
                        && !state.called(step.tool)
                        && step.tool != tool
                        && refused_at.is_none_or(|at| *idx < at)
                        && !step.any_order_with(this)
                        && state.applies(intent, step.when, &before)
                });
                let missing = missing.map(|(_, step)| step);
                if let Some(step) = missing {
                    fail(Reason::StepSkipped { tool, missing: step.tool });
                }
            }
            RuleKind::AmountWithinOrderTotal { tool: refund_tool } => {
                if tool != *refund_tool {
                    continue;
                }
                state.exercised |= exercised;
                let amount = args.get(Slot::AMOUNT).unwrap_or(0);
                let limit = world.order.total().saturating_sub(refunded_before);
                if amount > limit {
                    fail(Reason::AmountOver { amount, limit });
                }
            }
            RuleKind::GateRespected { gates, guarded } => {
                if !lists(guarded, tool) {
                    continue;
                }
                state.exercised |= exercised;
                if let Some(gate) = gates.iter().find(|gate| state.failed(**gate)) {
                    fail(Reason::GateClosed { gate: *gate, tool });
                }
            }
            RuleKind::ArgLimit { tool: limited, arg, max, unless_after } => {
                if tool != *limited {
                    continue;
                }
                state.exercised |= exercised;
                let value = args.get(*arg).unwrap_or(0);
                let approved =
                    unless_after.iter().any(|approval| state.succeeded & (1 << approval) != 0);
                let before = WorldEnv {
                    args: Some(args),
                    ..world.env(scenario, &world.fields_before_call, world.selected)
                };
                let limit = max.eval(&before).max(0) as u64;
                if value > limit && !approved {
                    fail(Reason::OverLimit { arg: *arg, value, limit });
                }
            }
            RuleKind::Requires { tool: dependent, after, when } => {
                if tool != *dependent {
                    continue;
                }
                if when.as_ref().is_some_and(|when| !when.holds(&before)) {
                    continue;
                }
                if !after.iter().all(|tool| intent.has_step(*tool)) {
                    continue;
                }
                state.exercised |= exercised;
                if let Some(missing) =
                    after.iter().find(|before| state.succeeded & (1 << **before) == 0)
                {
                    fail(Reason::RequiresUnmet { tool, missing: *missing });
                }
            }
            RuleKind::OffScript { writes, once } => {
                if !lists(writes, tool) {
                    continue;
                }
                state.exercised |= exercised;
                let step = intent
                    .steps
                    .iter()
                    .any(|step| step.tool == tool && state.applies(intent, step.when, &before));
                if !step && !side_tool(scenario, intent, tool) {
                    fail(Reason::OffScript { tool });
                } else if lists(once, tool) && state.succeeded & (1 << tool) != 0 {
                    // Its step was done for this request: done again, it changes the world twice.
                    fail(Reason::Repeated { tool });
                }
            }
            RuleKind::NoWriteAfterRefusal { writes } => {
                if !lists(writes, tool) {
                    continue;
                }
                state.exercised |= exercised;
                // A write that failed (a dispute over the limit) is not a check: retrying it is allowed.
                let said_no = (0..scenario.tools.len().min(MAX_TOOLS))
                    .map(|idx| idx as ToolId)
                    .find(|check| {
                        state.failed(*check)
                            && !lists(writes, *check)
                            && refusal_check(scenario, intent, *check)
                    });
                if let Some(check) = said_no {
                    fail(Reason::WriteAfterRefusal { check, tool });
                }
            }
            RuleKind::ArgPrescribed { tool: checked, arg } => {
                if tool != *checked {
                    continue;
                }
                let Some((_, value)) = intent.goals.iter().find(|(slot, _)| slot == arg) else {
                    continue;
                };
                let before = world.env(scenario, &world.fields_before_call, world.selected);
                state.exercised |= exercised;
                let expected = value.eval(&before).max(0) as u64;
                let given = args.get(*arg);
                if given != Some(expected) {
                    fail(Reason::WrongValue { arg: *arg, value: given, expected });
                }
            }
            RuleKind::ArgAccepted { tool: checked, arg } => {
                let Some(accepted) = state.accepted.filter(|_| tool == *checked) else {
                    continue;
                };
                state.exercised |= exercised;
                let given = args.get(*arg);
                if given != Some(accepted) {
                    fail(Reason::NotAsAccepted { arg: *arg, value: given, accepted });
                }
            }
            RuleKind::StepsComplete
            | RuleKind::EarnedRefusal
            | RuleKind::NoPressureAfterNo
            | RuleKind::AnswerObjections
            | RuleKind::TruthfulClaims
            | RuleKind::OfferFloor { .. }
            | RuleKind::ConfirmBeforeClose { .. }
            | RuleKind::HumanOnRequest { .. }
            | RuleKind::NoDisclosureUnverified { .. } => {}
        }
    }
}

/// Judges the agent's turn just logged (the last row of `turns`, a tool call already applied to `world` or an
/// utterance) against the policy, then the obligations with a deadline; pushes failed verdicts.
///
/// The engine calls this after every agent turn; conformance tests call it on hand-written logs.
pub fn judge_agent_turn(
    scenario: &ScenarioSpec,
    intent: &IntentSpec,
    world: &WorldState,
    state: &mut PolicyState,
    turns: &[TurnRecord],
    out: &mut Vec<Verdict>,
) {
    let row = turns.last().expect("the agent's turn was logged");
    observe_customer(intent, state, turns);
    if let (Some(tool), Some(outcome)) = (row.tool, row.outcome) {
        if (tool as usize) < scenario.tools.len() {
            // The world already holds this call's refund; the limit is judged on what came before it.
            let this_refund = match scenario.tools[tool as usize].effect {
                crate::spec::Effect::Refund => outcome.value,
                _ => 0,
            };
            let refunded_before = world.order.refunded - this_refund;
            judge_call(
                scenario,
                intent,
                world,
                refunded_before,
                state,
                row.turn,
                tool,
                &row.args,
                out,
            );
            record_call(scenario, state, tool, outcome);
            if called_for_the_request(scenario, world, tool, &row.args) {
                state.tried |= 1 << tool;
            }
            if let Some(fixed) = &intent.fixed {
                state.fixed = fixed.holds(&world.focused(scenario));
            }
        }
    } else if let Some(act) = row.act {
        judge_say(scenario, intent, world, state, turns, row.turn, &act, out);
        // Account facts written in free text are disclosed whatever act the tagger read in it.
        let stated = row.tagged.as_ref().map(|tagged| &tagged.stated);
        if let Some(stated) = stated.filter(|stated| !stated.slots.is_empty()) {
            judge_disclosure(scenario, world, state, row.turn, stated, out);
        }
    }
    judge_obligations(scenario, state, turns, out);
}

/// Whether a call of `tool` was for the customer's current request: a data tool's checked args identify the world's
/// focus (the stay the customer asked for, not another; `WorldState::identify`, as the call itself matched them);
/// any call of another tool.
fn called_for_the_request(
    scenario: &ScenarioSpec,
    world: &WorldState,
    tool: ToolId,
    args: &ToolArgs,
) -> bool {
    match &scenario.tools[usize::from(tool)].effect {
        crate::spec::Effect::Data(data) => {
            world.identify(scenario, data, args) == Some(world.focus)
        }
        _ => true,
    }
}

/// Records a tool call's result in the policy state.
pub fn record_call(
    scenario: &ScenarioSpec,
    state: &mut PolicyState,
    tool: ToolId,
    outcome: ToolOutcome,
) {
    state.last[tool as usize] = if outcome.passed { 1 } else { 2 };
    if outcome.passed {
        state.succeeded |= 1 << tool;
    }
    if scenario.tools[tool as usize].effect == crate::spec::Effect::AskOracle {
        state.oracle = if outcome.passed { 1 } else { 2 };
    }
}

/// Whether the customer raised any of the intent's objections in the log, and the first whose remedy tool has not
/// passed since, with the turn it was raised.
fn objections_in_log(intent: &IntentSpec, turns: &[TurnRecord]) -> (bool, Option<(u8, u16)>) {
    let mut any = false;
    let mut raised = [None; crate::spec::MAX_OBJECTIONS];
    for row in turns {
        match row.speaker {
            Speaker::Customer => {
                let objection = row.act.and_then(|act| act.objection()).map(usize::from);
                let declared = objection.filter(|idx| *idx < intent.objections.len());
                if let Some(slot) = declared.and_then(|idx| raised.get_mut(idx)) {
                    *slot = Some(row.turn);
                    any = true;
                }
            }
            Speaker::Tool if row.outcome.is_some_and(|outcome| outcome.passed) => {
                for (slot, objection) in raised.iter_mut().zip(&intent.objections) {
                    if row.tool == Some(objection.remedy) {
                        *slot = None;
                    }
                }
            }
            _ => {}
        }
    }
    (any, raised.iter().enumerate().find_map(|(idx, turn)| Some((idx as u8, (*turn)?))))
}

/// The slots a need stated with values gives other values for than the customer gave before (`earlier`), or gives
/// for the first time: a new request, where an empty set is the same one said again.
fn changed_values(act: &Act, earlier: &[TurnRecord]) -> SlotSet {
    let said_before = |slot: Slot| crate::named::customer_said(earlier, slot).next_back();
    act.slots
        .iter()
        .zip(act.values)
        .filter(|(slot, value)| said_before(*slot) != Some(*value))
        .fold(SlotSet::EMPTY, |set, (slot, _)| set.with(slot))
}

/// Reads the customer's answers to offers, and requests that want a new answer, from log rows not seen yet (call
/// before judging each agent turn).
pub fn observe_customer(intent: &IntentSpec, state: &mut PolicyState, turns: &[TurnRecord]) {
    let start = usize::from(state.rows_seen).min(turns.len());
    for (idx, row) in turns.iter().enumerate().skip(start) {
        let (Speaker::Customer, Some(act)) = (row.speaker, &row.act) else { continue };
        match act.kind {
            ActKind::Accept => {
                state.offer = 1;
                state.accepted = state.last_offer;
            }
            ActKind::Reject => {
                state.offer = 2;
                // A no over a concern left unanswered is one the agent provoked, not one to respect.
                let open = objections_in_log(intent, &turns[..=idx]).1.is_some();
                if state.rejected_at.is_none() && !state.haggled && !open {
                    state.turned_down = state.last_offer;
                }
                state.rejected_at.get_or_insert(row.turn);
            }
            ActKind::Object if act.objection().is_none() => state.haggled = true,
            ActKind::Insist => state.pushed = true,
            // A request stated with its values (another day's forecast, asked after the first was told) wants its
            // own answer: what was told before it answered another.
            ActKind::StateNeed if !act.slots.is_empty() => {
                for (slot, _) in &intent.answers {
                    state.disclosed_true = state.disclosed_true.without(*slot);
                }
                let changed = changed_values(act, &turns[..idx]);
                if !changed.is_empty() {
                    state.new_request(intent, changed);
                }
            }
            _ => {}
        }
    }
    state.rows_seen = turns.len() as u16;
}

/// Checks an agent utterance against the policy; pushes failed verdicts.
#[allow(clippy::too_many_arguments)]
pub fn judge_say(
    scenario: &ScenarioSpec,
    intent: &IntentSpec,
    world: &WorldState,
    state: &mut PolicyState,
    turns: &[TurnRecord],
    turn: u16,
    act: &Act,
    out: &mut Vec<Verdict>,
) {
    if act.kind == ActKind::Deny {
        judge_refusal(scenario, intent, state, turns, turn, act.refusal_reason(), out);
    }
    if matches!(act.kind, ActKind::Disclose | ActKind::Offer) {
        let offered = intent.offer.filter(|_| act.kind == ActKind::Offer).map(|offer| offer.slot);
        judge_claims(scenario, world, state, turn, act, offered, out);
    }
    if act.kind == ActKind::Disclose {
        judge_disclosure(scenario, world, state, turn, act, out);
        return;
    }
    if act.kind == ActKind::Offer {
        if let Some(value) = intent.offer.and_then(|offer| act.value_of(offer.slot)) {
            state.last_offer = Some(value);
        }
        for (rule_idx, rule) in scenario.rules.iter().enumerate() {
            if let RuleKind::OfferFloor { min } = &rule.kind {
                state.exercised |= 1u64.checked_shl(rule_idx as u32).unwrap_or(0);
                let env = world.focused(scenario);
                let floor = min.eval(&env).max(0) as u64;
                let Some(value) = intent.offer.and_then(|offer| act.value_of(offer.slot)) else {
                    continue;
                };
                if value < floor {
                    out.push(Verdict {
                        rule: RuleRef::Policy(rule_idx as u16),
                        turn,
                        passed: false,
                        reason: Reason::BelowFloor { value, floor },
                    });
                }
                continue;
            }
            if matches!(rule.kind, RuleKind::AnswerObjections) {
                let (raised, unanswered) = objections_in_log(intent, turns);
                if raised {
                    state.exercised |= 1u64.checked_shl(rule_idx as u32).unwrap_or(0);
                }
                if let Some((objection, raised_turn)) = unanswered {
                    let remedy = intent.objections[usize::from(objection)].remedy;
                    out.push(Verdict {
                        rule: RuleRef::Policy(rule_idx as u16),
                        turn,
                        passed: false,
                        reason: Reason::ObjectionUnanswered { objection, remedy, raised_turn },
                    });
                }
                continue;
            }
            if !matches!(rule.kind, RuleKind::NoPressureAfterNo) {
                continue;
            }
            state.exercised |= 1u64.checked_shl(rule_idx as u32).unwrap_or(0);
            if let Some(rejected_turn) = state.rejected_at {
                out.push(Verdict {
                    rule: RuleRef::Policy(rule_idx as u16),
                    turn,
                    passed: false,
                    reason: Reason::PressureAfterNo { rejected_turn },
                });
            }
        }
        return;
    }
    if act.kind != ActKind::Close {
        return;
    }
    for (rule_idx, rule) in scenario.rules.iter().enumerate() {
        if let RuleKind::ConfirmBeforeClose { unprompted } = rule.kind {
            state.exercised |= 1u64.checked_shl(rule_idx as u32).unwrap_or(0);
            if !confirmed_before(turns, turn, unprompted) {
                out.push(Verdict {
                    rule: RuleRef::Policy(rule_idx as u16),
                    turn,
                    passed: false,
                    reason: Reason::ClosedUnconfirmed,
                });
            }
            continue;
        }
        if !matches!(rule.kind, RuleKind::StepsComplete) {
            continue;
        }
        state.exercised |= 1u64.checked_shl(rule_idx as u32).unwrap_or(0);
        // Only an earned refusal excuses the steps after the check that failed (StepOrder judged those before it).
        if state.declined {
            continue;
        }
        if intent.oracle_no_ends && state.oracle == 2 {
            continue;
        }
        let now = world.focused(scenario);
        let missing = intent.steps.iter().find(|step| {
            !step.optional && !state.called(step.tool) && state.applies(intent, step.when, &now)
        });
        if let Some(step) = missing {
            out.push(Verdict {
                rule: RuleRef::Policy(rule_idx as u16),
                turn,
                passed: false,
                reason: Reason::Unfinished { missing: step.tool },
            });
        }
    }
}

/// Judges a refusal: earned only on grounds (a check that said no, see [`refusal_grounds`]) that the refusal names
/// as its reason ("tell the customer why" is part of the policy); an earned refusal is remembered, any other is a
/// violation of every `EarnedRefusal` rule.
fn judge_refusal(
    scenario: &ScenarioSpec,
    intent: &IntentSpec,
    state: &mut PolicyState,
    turns: &[TurnRecord],
    turn: u16,
    given: Option<ToolId>,
    out: &mut Vec<Verdict>,
) {
    let grounds = refusal_grounds(scenario, intent, state, turns);
    // The first ground found needs no second look.
    let explained = given.is_some_and(|tool| {
        grounds == Some(tool) || refusal_ground(scenario, intent, state, turns, tool)
    });
    state.declined |= explained;
    if explained && state.declined_by.is_none() {
        state.declined_by = given;
    }
    for (rule_idx, rule) in scenario.rules.iter().enumerate() {
        if !matches!(rule.kind, RuleKind::EarnedRefusal) {
            continue;
        }
        state.exercised |= 1u64.checked_shl(rule_idx as u32).unwrap_or(0);
        let reason = match grounds {
            None => Reason::WrongfulRefusal { admissible: state.admissible },
            Some(_) if explained => continue,
            Some(grounds) => Reason::RefusalUnexplained { grounds, given },
        };
        out.push(Verdict { rule: RuleRef::Policy(rule_idx as u16), turn, passed: false, reason });
    }
}

/// The failed check that justifies refusing now, if any: a tool of the intent's own steps (a check another request
/// uses justifies nothing) or an approval a limit asks for, whose latest call failed, and which is
/// - a refusal check (membership, a data condition, an approval, or the oracle where its no ends the request),
///   not a question whose answer only picks the next step; or
/// - any other tool (account lookup, identity, purchase, PIN, a data check of values, a record the policy needs)
///   whose latest call entered only values the customer stated, and either enough of them or after the customer
///   said they did not know one of the values the step takes.
///
/// Entering a value the customer never gave, or calling a check with nothing, earns no refusal.
pub fn refusal_grounds(
    scenario: &ScenarioSpec,
    intent: &IntentSpec,
    state: &PolicyState,
    turns: &[TurnRecord],
) -> Option<ToolId> {
    (0..scenario.tools.len().min(MAX_TOOLS))
        .map(|idx| idx as ToolId)
        .find(|&tool| refusal_ground(scenario, intent, state, turns, tool))
}

/// Whether `tool` is grounds for refusing now, as [`refusal_grounds`] describes.
pub fn refusal_ground(
    scenario: &ScenarioSpec,
    intent: &IntentSpec,
    state: &PolicyState,
    turns: &[TurnRecord],
    tool: ToolId,
) -> bool {
    use crate::spec::Effect;
    if (tool as usize) >= scenario.tools.len().min(MAX_TOOLS) || !state.failed(tool) {
        return false;
    }
    // Only the checks of this request count: a purchase check Recover Username never uses justifies nothing.
    if !(intent.has_step(tool) || scenario.is_approval(tool)) {
        return false;
    }
    let spec = &scenario.tools[tool as usize];
    match &spec.effect {
        // The oracle's no needs nothing entered; a membership check must be given the customer's level.
        Effect::AskOracle => refusal_check(scenario, intent, tool),
        Effect::Membership => {
            refusal_check(scenario, intent, tool) && genuine_attempt(intent, spec, tool, turns)
        }
        Effect::Data(data) if data.check.is_empty() && data.pre.is_some() => {
            refusal_check(scenario, intent, tool)
        }
        _ => scenario.is_approval(tool) || genuine_attempt(intent, spec, tool, turns),
    }
}

/// Whether `tool` is a check of the intent whose no refuses the request: a step that is the membership check, a
/// data condition (a window, a wait), or the oracle where its no ends the request; never a question whose answer only
/// picks the next step.
fn refusal_check(scenario: &ScenarioSpec, intent: &IntentSpec, tool: ToolId) -> bool {
    use crate::spec::Effect;
    if !intent.has_step(tool) {
        return false;
    }
    let branch = intent.branches_on(tool);
    match &scenario.tools[tool as usize].effect {
        Effect::Membership => !branch,
        Effect::AskOracle => intent.oracle_no_ends,
        Effect::Data(data) => data.pre.is_some() && !branch,
        _ => false,
    }
}

/// Whether `tool` may be called outside the intent's steps: an approval a limit asks for in an intent with the
/// limited tool, or the remedy of one of the intent's objections.
fn side_tool(scenario: &ScenarioSpec, intent: &IntentSpec, tool: ToolId) -> bool {
    scenario.approves_in(intent, tool)
        || intent.objections.iter().any(|objection| objection.remedy == tool)
}

/// Whether the latest call of `tool` entered only values the customer stated before it, and either `min_args` of
/// them or after the customer said they did not know one of the values the tool, or the intent's step with it, takes.
fn genuine_attempt(
    intent: &IntentSpec,
    spec: &crate::spec::ToolSpec,
    tool: ToolId,
    turns: &[TurnRecord],
) -> bool {
    let Some(call_idx) =
        turns.iter().rposition(|row| row.speaker == Speaker::Tool && row.tool == Some(tool))
    else {
        return false;
    };
    let before = &turns[..call_idx];
    let customer_said = |slot: Slot, value: u64| {
        before.iter().any(|row| {
            row.speaker == Speaker::Customer
                && row.act.is_some_and(|act| {
                    matches!(act.kind, ActKind::Inform | ActKind::StateNeed)
                        && act.value_of(slot) == Some(value)
                })
        })
    };
    let call = &turns[call_idx];
    if !call.args.iter().all(|(slot, value)| customer_said(slot, value)) {
        return false;
    }
    let takes = intent
        .steps
        .iter()
        .filter(|step| step.tool == tool)
        .fold(spec.args, |all, step| SlotSet(all.0 | step.args.0));
    let unknown_said = before.iter().any(|row| {
        row.speaker == Speaker::Customer
            && row
                .act
                .is_some_and(|act| act.kind == ActKind::DontKnow && act.slots.0 & takes.0 != 0)
    });
    call.args.slots.len() >= u32::from(spec.min_args.max(1)) || unknown_said
}

/// Checks every fact an act states against the world (the offered value itself is a proposal, not a claim).
#[allow(clippy::too_many_arguments)]
fn judge_claims(
    scenario: &ScenarioSpec,
    world: &WorldState,
    state: &mut PolicyState,
    turn: u16,
    act: &Act,
    offered: Option<Slot>,
    out: &mut Vec<Verdict>,
) {
    for (rule_idx, rule) in scenario.rules.iter().enumerate() {
        if !matches!(rule.kind, RuleKind::TruthfulClaims) {
            continue;
        }
        for (slot, said) in act.slots.iter().zip(act.values) {
            if Some(slot) == offered {
                continue;
            }
            let Some(truth) = world.truth(scenario, slot) else {
                continue;
            };
            state.exercised |= 1u64.checked_shl(rule_idx as u32).unwrap_or(0);
            if said != truth {
                out.push(Verdict {
                    rule: RuleRef::Policy(rule_idx as u16),
                    turn,
                    passed: false,
                    reason: Reason::FalseClaim { slot, said, truth },
                });
            }
        }
    }
}

/// Checks an agent's statement of account facts and remembers what was stated.
fn judge_disclosure(
    scenario: &ScenarioSpec,
    world: &WorldState,
    state: &mut PolicyState,
    turn: u16,
    act: &Act,
    out: &mut Vec<Verdict>,
) {
    for (slot, value) in act.slots.iter().zip(act.values) {
        state.disclosed = state.disclosed.with(slot);
        if world.truth(scenario, slot) == Some(value) {
            state.disclosed_true = state.disclosed_true.with(slot);
        }
    }
    for (rule_idx, rule) in scenario.rules.iter().enumerate() {
        let RuleKind::NoDisclosureUnverified { gates, facts } = &rule.kind else { continue };
        if !facts.is_empty() && act.slots.0 & facts.0 == 0 {
            continue;
        }
        state.exercised |= 1u64.checked_shl(rule_idx as u32).unwrap_or(0);
        let verified = gates.iter().any(|gate| state.succeeded & (1 << gate) != 0)
            && !gates.iter().any(|gate| state.failed(*gate));
        if !verified {
            out.push(Verdict {
                rule: RuleRef::Policy(rule_idx as u16),
                turn,
                passed: false,
                reason: Reason::DisclosedUnverified,
            });
        }
    }
}

/// Whether, before `turn`, the agent asked "anything else?" after its last tool call and the customer answered that
/// nothing else is needed (thanks, or acknowledges), or, with `unprompted`, the customer said goodbye satisfied after
/// that call without being asked; asking again or for a human is not that answer.
fn confirmed_before(turns: &[TurnRecord], turn: u16, unprompted: bool) -> bool {
    let earlier = turns.iter().filter(|row| row.turn < turn);
    let mut asked = false;
    let mut answered = false;
    for row in earlier {
        match (row.speaker, row.act) {
            (Speaker::Tool, _) => (asked, answered) = (false, false),
            (Speaker::Agent, Some(act)) if act.kind == ActKind::AnythingElse => {
                (asked, answered) = (true, false);
            }
            (Speaker::Customer, Some(act)) if asked => {
                answered = matches!(act.kind, ActKind::ThankBye | ActKind::Acknowledge);
            }
            (Speaker::Customer, Some(act)) if unprompted => {
                answered = act.kind == ActKind::ThankBye && !act.is_unhappy_bye();
                asked = answered;
            }
            _ => {}
        }
    }
    asked && answered
}

/// Requests for a human the obligation tracker remembers; a rule counting more never starts its clock.
pub const MAX_TRACKED_DEMANDS: usize = 4;

/// Checks obligations with a deadline after any agent turn (the last row of `turns`); pushes failed verdicts.
///
/// Reads only the rows since the previous agent turn, so a whole episode costs linear time.
pub fn judge_obligations(
    scenario: &ScenarioSpec,
    state: &mut PolicyState,
    turns: &[TurnRecord],
    out: &mut Vec<Verdict>,
) {
    let Some((last, earlier)) = turns.split_last() else { return };
    // Customer rows since the previous agent turn: count requests for a human.
    for row in earlier.iter().rev().take_while(|row| row.speaker == Speaker::Customer) {
        if row.act.is_some_and(|act| act.kind == ActKind::DemandHuman) {
            let seen = usize::from(state.human_demands);
            if seen < MAX_TRACKED_DEMANDS {
                state.demand_marks[seen] = (row.turn, state.agent_turns);
            }
            state.human_demands = state.human_demands.saturating_add(1);
        }
    }
    state.agent_turns += 1;
    if state.human_demands == 0 {
        // No request for a human yet: no clock is running.
        return;
    }
    let transfer = last.act.is_some_and(|act| act.kind == ActKind::Transfer);
    for (rule_idx, rule) in scenario.rules.iter().enumerate().take(64) {
        let RuleKind::HumanOnRequest { demands, within } = rule.kind else { continue };
        let bit = 1u64 << rule_idx;
        let nth = usize::from(demands.max(1)) - 1;
        if state.settled & bit != 0
            || nth >= usize::from(state.human_demands).min(MAX_TRACKED_DEMANDS)
        {
            continue;
        }
        state.exercised |= bit;
        let (demand_turn, agent_turns_before) = state.demand_marks[nth];
        let since = state.agent_turns - agent_turns_before;
        if transfer {
            state.settled |= bit;
        } else if since >= u16::from(within.max(1)) {
            state.settled |= bit;
            out.push(Verdict {
                rule: RuleRef::Policy(rule_idx as u16),
                turn: last.turn,
                passed: false,
                reason: Reason::HumanNotOffered { demand_turn },
            });
        }
    }
}

/// Whether the request should be granted: admissible under the intent's rule and asked by the account holder.
pub fn should_grant(
    scenario: &ScenarioSpec,
    intent: &IntentSpec,
    world: &WorldState,
    customer: &Customer,
) -> bool {
    !customer.impostor && world.eligible(scenario, &intent.eligibility)
}

/// Whether the final world shows `outcome`.
fn outcome_holds(
    scenario: &ScenarioSpec,
    outcome: &Outcome,
    world: &WorldState,
    customer: &Customer,
    policy: &PolicyState,
) -> bool {
    match outcome {
        Outcome::RefundedGoalAmount => world.order.refunded == customer.goal(Slot::AMOUNT),
        Outcome::AccountFieldIsGoal(field) => {
            let account = &world.account;
            let value = match field {
                crate::spec::AccountField::Address => account.street,
                crate::spec::AccountField::Name => account.name,
                crate::spec::AccountField::Phone => account.phone,
                crate::spec::AccountField::PaymentMethod => account.payment,
            };
            value == customer.goal(Slot::NEW_VALUE)
        }
        Outcome::OrderOptionIsGoal => world.order.option == customer.goal(Slot::ORDER_OPTION) + 1,
        Outcome::PasswordReset => world.password_reset,
        Outcome::LinkSent => world.links_sent > 0,
        Outcome::PromoIssued => world.promos_issued > 0,
        Outcome::Purchased => world.purchases > 0,
        Outcome::Disclosed(slot) => policy.disclosed_true.contains(*slot),
        Outcome::TeamNotified => world.notifications > 0,
        Outcome::AccountUpdated => world.account_updates > 0,
        Outcome::Holds(condition) => condition.holds(&WorldEnv {
            goals: Some(&customer.knowledge.values),
            ..world.focused(scenario)
        }),
        Outcome::StepsTaken => {
            let intent = &scenario.intents[usize::from(customer.intent)];
            let now = world.focused(scenario);
            intent.steps.iter().all(|step| {
                step.optional
                    || !policy.applies(intent, step.when, &now)
                    || policy.passed(step.tool)
            })
        }
        Outcome::IfUnsatisfied(outcome) => {
            !policy.pushed || outcome_holds(scenario, outcome, world, customer, policy)
        }
        Outcome::Fixed => scenario.intents[usize::from(customer.intent)]
            .fixed
            .as_ref()
            .is_some_and(|fixed| fixed.holds(&world.focused(scenario))),
        Outcome::AnyOf(outcomes) => {
            outcomes.iter().any(|outcome| outcome_holds(scenario, outcome, world, customer, policy))
        }
        Outcome::Tried(tool) => policy.tried & (1 << tool) != 0,
        Outcome::TurnedDown(most) => policy
            .turned_down
            .is_some_and(|offer| offer <= most.eval(&world.focused(scenario)).max(0) as u64),
    }
}

/// The resolution verdict at the end of an episode.
pub fn judge_resolution(
    scenario: &ScenarioSpec,
    intent: &IntentSpec,
    world: &WorldState,
    customer: &Customer,
    policy: &PolicyState,
    last_turn: u16,
) -> Verdict {
    let verdict =
        |passed, reason| Verdict { rule: RuleRef::Resolution, turn: last_turn, passed, reason };
    if should_grant(scenario, intent, world, customer) {
        let holds = |outcome| outcome_holds(scenario, outcome, world, customer, policy);
        if intent.offer.is_some() && policy.offer == 0 {
            // An intent with an offer is settled by the customer's answer to one: no offer, no resolution.
            verdict(false, Reason::NeverOffered)
        } else if let Some(&(slot, _)) =
            intent.answers.iter().find(|(slot, _)| !policy.disclosed_true.contains(*slot))
        {
            // An information request is resolved by the fact told, not by the lookup alone.
            verdict(false, Reason::NotAnswered { slot })
        } else if intent.resolved.iter().all(holds) {
            verdict(true, Reason::Resolved)
        } else {
            verdict(false, Reason::GoalNotReached)
        }
    } else if intent.resolved.iter().any(|outcome| changed_for(scenario, outcome, world, policy)) {
        verdict(false, Reason::GrantedWrongly)
    } else if !policy.declined {
        verdict(false, Reason::NeverDeclined)
    } else {
        verdict(true, Reason::DeclinedCorrectly)
    }
}

/// Whether the world moved towards `outcome` at all (used when the request should have been refused).
fn changed_for(
    scenario: &ScenarioSpec,
    outcome: &Outcome,
    world: &WorldState,
    policy: &PolicyState,
) -> bool {
    match outcome {
        Outcome::RefundedGoalAmount => world.order.refunded > 0,
        Outcome::AccountFieldIsGoal(_) => {
            world.account != world.original || world.account_updates > 0
        }
        Outcome::OrderOptionIsGoal => world.order.option != 0,
        Outcome::PasswordReset => world.password_reset,
        Outcome::LinkSent => world.links_sent > 0,
        Outcome::PromoIssued => world.promos_issued > 0,
        Outcome::Purchased => world.purchases > 0,
        Outcome::Disclosed(slot) => policy.disclosed.contains(*slot),
        Outcome::TeamNotified => world.notifications > 0,
        Outcome::AccountUpdated => world.account_updates > 0,
        Outcome::StepsTaken | Outcome::Tried(_) | Outcome::TurnedDown(_) => false,
        Outcome::IfUnsatisfied(outcome) => changed_for(scenario, outcome, world, policy),
        Outcome::AnyOf(outcomes) => {
            outcomes.iter().any(|outcome| changed_for(scenario, outcome, world, policy))
        }
        Outcome::Fixed => world.purchases > 0,
        Outcome::Holds(condition) => {
            let read = scenario.cells_read(condition);
            let fields_changed = (0..crate::field::MAX_FIELDS).any(|idx| {
                read & (1 << idx) != 0 && world.fields[idx] != world.request_fields[idx]
            });
            // A condition on the built-in account and order: anything done to them counts.
            let builtin_read = condition.reads_world() && read == 0;
            let builtin_changed = world.account != world.original
                || world.account_updates > 0
                || world.order.refunded > 0
                || world.order.option != 0;
            fields_changed || (builtin_read && builtin_changed)
        }
    }
}

/// The experience verdict for how the episode ended, if it ended badly.
pub fn judge_ending(end: EndReason, last_turn: u16) -> Option<Verdict> {
    let (rule, reason) = match end {
        EndReason::Closed => return None,
        EndReason::Abandoned => (RuleRef::Abandoned, Reason::CustomerLeft),
        EndReason::Escalated => (RuleRef::Escalated, Reason::HandedOver),
        EndReason::TurnLimit => (RuleRef::TurnLimit, Reason::OutOfTurns),
        EndReason::AgentFailed => (RuleRef::AgentFailed, Reason::AgentFailed),
    };
    Some(Verdict { rule, turn: last_turn, passed: false, reason })
}

/// CSAT proxy on a 1–5 scale that follows the outcome, so no unresolved ending outscores a resolved one.
///
/// Resolved: 3 + 2 × (1 − frustration), rounded (3 to 5), when the agent closed; 3 for any other ending.
/// Unresolved: 2 if handed over to a human (the need goes on being addressed), else 1: a close before the need was
/// met, a wrongful refusal, a customer who left, the turn limit, an agent failure.
pub fn csat(end: EndReason, resolved: bool, frustration: f64) -> u8 {
    match (resolved, end) {
        (true, EndReason::Closed) => {
            (3.0 + 2.0 * (1.0 - frustration)).round().clamp(3.0, 5.0) as u8
        }
        (true, _) => 3,
        (false, EndReason::Escalated) => 2,
        (false, _) => 1,
    }
}

#[cfg(test)]
mod tests;
