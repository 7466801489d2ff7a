//! The sloppy agent: by-the-book, except for faults planted with configurable probabilities.
//!
//! The agent logs each fault where it commits it, as a note with the fault's name ([`Fault::name`]) and the turn of
//! the action that carries it. It never names a rule: which rules each fault must break is written by hand, per
//! scenario, in `tests/faults/*.ron`, and the tests hold the oracles' verdicts to that table episode by episode.

use std::sync::Arc;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::by_the_book::{CallFeedback, Case, Phase, Plan};
use crate::act::{Act, ActKind, Slot};
use crate::agent::{Action, AgentNote, AgentUnderTest, EpisodeStart, Observation};
use crate::spec::{Effect, IntentSpec, RuleKind, ScenarioSpec, ToolId, When};

/// A fault the sloppy agent plants. Its name is what the agent logs, at the turn of the action that carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    /// Moved past an identity or purchase check it never ran: logged at the first call of a new tool, or the close,
    /// after the skip.
    SkippedVerification,
    /// Moved past another required step it never ran: logged like [`Fault::SkippedVerification`].
    SkippedStep,
    /// Closed the conversation while steps remained.
    ClosedEarly,
    /// Refunded more than the order total (the amount asked for plus a goodwill sum larger than any order).
    OverRefund,
    /// Gave an argument more than a limit the agent can see allows (a discount beyond its authority).
    OverLimit,
    /// Offered less than a price floor the agent can see (a concession that goes too far).
    UnderFloor,
    /// Changed something, or told an account fact, while an identity or purchase check it ignored stood failed.
    ActedUnverified,
    /// Changed something while a check that refuses the request (a membership, a window) stood failed and ignored.
    WroteAfterRefusal,
    /// Did not hand over to a human within the turns the policy allows after the customer's demands.
    IgnoredHumanRequest,
    /// Told the customer their account facts before verifying them.
    DisclosedEarly,
    /// Offered again after the customer turned the offer down.
    PressedAfterNo,
    /// Said "yes" for a fact that goes with the offer where the tool reported "no".
    FalseClaim,
    /// Made an offer while an objection stood unanswered.
    IgnoredObjection,
    /// Entered a value next to the one the customer asked for or took (a cent off, the next option).
    WrongValue,
    /// Refused while no check had said no.
    WrongfulRefusal,
    /// Refused on a check that said no, without saying which.
    UnexplainedRefusal,
    /// Called a write tool that is not among the intent's steps.
    OffScriptWrite,
}

impl Fault {
    /// Every fault, in the order of the table files.
    pub const ALL: [Fault; 17] = [
        Fault::SkippedVerification,
        Fault::SkippedStep,
        Fault::ClosedEarly,
        Fault::OverRefund,
        Fault::OverLimit,
        Fault::UnderFloor,
        Fault::ActedUnverified,
        Fault::WroteAfterRefusal,
        Fault::IgnoredHumanRequest,
        Fault::DisclosedEarly,
        Fault::PressedAfterNo,
        Fault::FalseClaim,
        Fault::IgnoredObjection,
        Fault::WrongValue,
        Fault::WrongfulRefusal,
        Fault::UnexplainedRefusal,
        Fault::OffScriptWrite,
    ];

    /// The name the agent logs.
    pub fn name(self) -> &'static str {
        match self {
            Fault::SkippedVerification => "skipped-verification",
            Fault::SkippedStep => "skipped-step",
            Fault::ClosedEarly => "closed-early",
            Fault::OverRefund => "over-refund",
            Fault::OverLimit => "over-limit",
            Fault::UnderFloor => "under-floor",
            Fault::ActedUnverified => "acted-unverified",
            Fault::WroteAfterRefusal => "wrote-after-refusal",
            Fault::IgnoredHumanRequest => "ignored-human-request",
            Fault::DisclosedEarly => "disclosed-early",
            Fault::PressedAfterNo => "pressed-after-no",
            Fault::FalseClaim => "false-claim",
            Fault::IgnoredObjection => "ignored-objection",
            Fault::WrongValue => "wrong-value",
            Fault::WrongfulRefusal => "wrongful-refusal",
            Fault::UnexplainedRefusal => "unexplained-refusal",
            Fault::OffScriptWrite => "off-script-write",
        }
    }
}

/// Probabilities of each planted fault, per episode.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SloppyConfig {
    /// Skip a verify-identity or validate-purchase step.
    pub skip_verification: f64,
    /// Refund more than is left on the order, give a limited argument (a discount) more than the limit allows, or
    /// offer under a price floor.
    pub over_refund: f64,
    /// Skip one other required step.
    pub skip_step: f64,
    /// Close the conversation before the last step.
    pub close_early: f64,
    /// Carry on after a failed identity, purchase or membership check as if it passed.
    pub ignore_failed_check: f64,
    /// Keep working instead of handing over when the customer insists on a human.
    pub ignore_human_request: f64,
    /// Tell the customer their account facts (a recovered username) before verifying them.
    pub disclose_early: f64,
    /// Make another offer after the customer has turned one down.
    pub pressure_after_no: f64,
    /// Overstate a fact that goes with an offer (claim a "no" as a "yes").
    pub false_claim: f64,
    /// Offer again after a customer's objection without answering it.
    pub ignore_objection: f64,
    /// Enter a value other than the one the policy prescribes (and the customer asked for).
    pub wrong_value: f64,
    /// Refuse the request before any check has said no.
    pub wrongful_refusal: f64,
    /// Call a write tool outside the intent's steps before the first step.
    pub off_script: f64,
    /// Refuse on a check that said no without saying which (once per episode).
    pub unexplained_refusal: f64,
}

impl SloppyConfig {
    /// No faults: by-the-book. Set one rate on top of it to plant one fault.
    pub const NONE: SloppyConfig = SloppyConfig {
        skip_verification: 0.0,
        over_refund: 0.0,
        skip_step: 0.0,
        close_early: 0.0,
        ignore_failed_check: 0.0,
        ignore_human_request: 0.0,
        disclose_early: 0.0,
        pressure_after_no: 0.0,
        false_claim: 0.0,
        ignore_objection: 0.0,
        wrong_value: 0.0,
        wrongful_refusal: 0.0,
        off_script: 0.0,
        unexplained_refusal: 0.0,
    };
}

impl Default for SloppyConfig {
    fn default() -> Self {
        SloppyConfig {
            skip_verification: 0.15,
            over_refund: 0.3,
            skip_step: 0.1,
            close_early: 0.05,
            ignore_failed_check: 0.5,
            ignore_human_request: 0.5,
            disclose_early: 0.5,
            pressure_after_no: 0.5,
            false_claim: 0.5,
            ignore_objection: 0.5,
            wrong_value: 0.3,
            wrongful_refusal: 0.1,
            off_script: 0.1,
            unexplained_refusal: 0.3,
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Faults {
    skip_verification: bool,
    over_refund: bool,
    skip_step: bool,
    close_early: bool,
    ignore_failed_check: bool,
    ignore_human_request: bool,
    disclose_early: bool,
    pressure_after_no: bool,
    false_claim: bool,
    ignore_objection: bool,
    wrong_value: bool,
    wrongful_refusal: bool,
    off_script: bool,
    unexplained_refusal: bool,
    /// The step chosen to skip (when `skip_step`), picked once the intent is known.
    skip_target: Option<usize>,
    /// Calls after which to close early.
    close_after: u8,
    /// Which of the candidate off-script tools to call.
    stray_pick: u8,
}

#[derive(Clone, Debug, Default)]
struct SloppyCase {
    case: Case,
    faults: Faults,
    /// The turn being acted on.
    turn: u16,
    /// Skips not yet logged: each is logged with the action that moves past it.
    pending_skips: Vec<Fault>,
    /// Checks whose failure was ignored.
    ignored_gates: Vec<ToolId>,
    /// Identity or purchase checks skipped (bit per tool).
    skipped_checks: u64,
    calls: u8,
    /// Tools called so far (bit per tool).
    called_tools: u64,
    /// Tools whose latest call failed (bit per tool); what succeeded is in `case.succeeded`.
    latest_failed: u64,
    /// Customer requests for a human so far.
    human_demands: u8,
    /// Whether an objection was left unanswered (every later offer carries the fault).
    objection_ignored: bool,
    /// Whether the agent refused with no check behind it.
    refused_wrongly: bool,
    /// Per human-on-request rule: agent turns since its clock started, or `None`; and whether it is settled.
    human_clocks: Vec<(Option<u8>, bool)>,
    notes: Vec<AgentNote>,
}

/// By-the-book with planted faults.
#[derive(Debug)]
pub struct Sloppy {
    scenario: Arc<ScenarioSpec>,
    config: SloppyConfig,
    cases: Vec<SloppyCase>,
    /// The policy's hand-over obligations: (demands, within agent turns).
    human_rules: Vec<(u8, u8)>,
    /// The tools that change something on the request's behalf (bit per tool).
    writes: u64,
}

impl Sloppy {
    /// A sloppy agent for `scenario`.
    pub fn new(scenario: Arc<ScenarioSpec>, config: SloppyConfig) -> Sloppy {
        let human_rules = scenario
            .rules
            .iter()
            .filter_map(|rule| match rule.kind {
                RuleKind::HumanOnRequest { demands, within } => {
                    Some((demands.max(1), within.max(1)))
                }
                _ => None,
            })
            .collect();
        let writes = write_tools(&scenario);
        Sloppy { scenario, config, cases: Vec::new(), human_rules, writes }
    }
}

impl AgentUnderTest for Sloppy {
    fn name(&self) -> &str {
        "sloppy"
    }

    fn begin(&mut self, start: EpisodeStart) {
        let slot = start.slot as usize;
        if self.cases.len() <= slot {
            self.cases.resize(slot + 1, SloppyCase::default());
        }
        let mut rng = ChaCha8Rng::seed_from_u64(start.agent_seed);
        let config = self.config;
        let mut faults = Faults {
            skip_verification: rng.random_bool(config.skip_verification),
            over_refund: rng.random_bool(config.over_refund),
            skip_step: rng.random_bool(config.skip_step),
            close_early: rng.random_bool(config.close_early),
            ignore_failed_check: rng.random_bool(config.ignore_failed_check),
            close_after: rng.random_range(1..4),
            ..Faults::default()
        };
        // The skip target is drawn now so it does not depend on when the intent becomes known.
        faults.skip_target = Some(rng.random_range(1..8));
        faults.ignore_human_request = rng.random_bool(config.ignore_human_request);
        faults.disclose_early = rng.random_bool(config.disclose_early);
        faults.pressure_after_no = rng.random_bool(config.pressure_after_no);
        faults.false_claim = rng.random_bool(config.false_claim);
        faults.ignore_objection = rng.random_bool(config.ignore_objection);
        faults.wrong_value = rng.random_bool(config.wrong_value);
        faults.wrongful_refusal = rng.random_bool(config.wrongful_refusal);
        faults.off_script = rng.random_bool(config.off_script);
        faults.stray_pick = rng.random();
        faults.unexplained_refusal = rng.random_bool(config.unexplained_refusal);
        let mut notes = std::mem::take(&mut self.cases[slot].notes);
        notes.clear();
        self.cases[slot] = SloppyCase {
            faults,
            notes,
            human_clocks: vec![(None, false); self.human_rules.len()],
            ..SloppyCase::default()
        };
    }

    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        let scenario_arc = self.scenario.clone();
        for obs in batch {
            let scenario = &*scenario_arc;
            let sloppy = &mut self.cases[obs.slot as usize];
            sloppy.turn = obs.turn;
            if let Some((tool, outcome)) = obs.tool_result {
                if outcome.passed {
                    sloppy.latest_failed &= !(1 << tool);
                } else {
                    sloppy.latest_failed |= 1 << tool;
                }
            }
            if obs.customer.is_some_and(|act| act.kind == ActKind::DemandHuman) {
                sloppy.human_demands += 1;
                for ((demands, _), clock) in self.human_rules.iter().zip(&mut sloppy.human_clocks) {
                    if sloppy.human_demands == *demands {
                        clock.0 = Some(0);
                    }
                }
            }
            let feedback = sloppy.case.observe(scenario, obs);
            let feedback = sloppy.maybe_ignore_failure(scenario, feedback);
            if sloppy.faults.ignore_objection && sloppy.case.remedy_due.take().is_some() {
                sloppy.faults.ignore_objection = false;
                sloppy.objection_ignored = true;
            }
            // Ignoring a request for a human: decide as if the customer had asked only once.
            let demands = sloppy.case.demands;
            if sloppy.faults.ignore_human_request {
                sloppy.case.demands = demands.min(1);
            }
            let plan = loop {
                let plan = sloppy.case.decide(scenario, obs, feedback);
                match plan {
                    Plan::Call { step, .. } if sloppy.wants_to_skip(scenario, step) => {
                        sloppy.case.done |= 1 << step;
                    }
                    _ => break plan,
                }
            };
            sloppy.case.demands = demands;
            let plan = sloppy.maybe_refuse_wrongly(plan);
            let plan = sloppy.maybe_leave_reason_out(plan);
            let plan = sloppy.maybe_off_script(scenario, self.writes, plan);
            let plan = sloppy.maybe_disclose_early(scenario, plan);
            let plan = sloppy.maybe_close_early(scenario, plan);
            let plan = sloppy.maybe_over_refund(scenario, plan);
            let plan = sloppy.maybe_wrong_value(scenario, plan);
            let plan = sloppy.maybe_press_after_no(scenario, plan);
            let plan = sloppy.maybe_undercut(scenario, plan);
            let plan = sloppy.maybe_overstate(scenario, plan);
            sloppy.log_carried_faults(scenario, &self.human_rules, self.writes, plan);
            if matches!(plan, Plan::Call { .. }) {
                sloppy.calls += 1;
            }
            let action = sloppy.case.commit(scenario, plan);
            if let Action::Call { tool, .. } = action {
                sloppy.called_tools |= 1 << tool;
            }
            out.push(action);
        }
    }

    fn finish(&mut self, slot: u32) -> Vec<AgentNote> {
        std::mem::take(&mut self.cases[slot as usize].notes)
    }
}

/// The tools that change something on the request's behalf (bit per tool): those the scenario's off-script rule
/// lists whose effect writes (a record entry it lists is off-script too, but recording a reason before the identity
/// check is ABCD's order, no change made for the customer), or, without one, those whose effect writes.
fn write_tools(scenario: &ScenarioSpec) -> u64 {
    let listed = scenario.rules.iter().find_map(|rule| match &rule.kind {
        RuleKind::OffScript { writes, .. } => Some(writes),
        _ => None,
    });
    let mut mask = 0u64;
    for (idx, tool) in scenario.tools.iter().enumerate() {
        let write = match listed {
            Some(listed) => listed.contains(&(idx as ToolId)) && writes(&tool.effect),
            None => writes(&tool.effect),
        };
        if write {
            mask |= 1 << idx;
        }
    }
    mask
}

/// Whether a tool's effect changes something (as opposed to checking or looking up).
fn writes(effect: &Effect) -> bool {
    match effect {
        Effect::Refund
        | Effect::UpdateAccount
        | Effect::UpdateOrder
        | Effect::MakePassword
        | Effect::SendLink
        | Effect::PromoCode
        | Effect::MakePurchase
        | Effect::NotifyTeam => true,
        Effect::Data(data) => !data.set.is_empty() || data.add.is_some(),
        Effect::PullUpAccount
        | Effect::VerifyIdentity
        | Effect::ValidatePurchase
        | Effect::Record
        | Effect::AskOracle
        | Effect::ShippingStatus
        | Effect::Membership => false,
    }
}

impl SloppyCase {
    /// Logs `fault` at the turn being acted on (once per turn).
    fn plant(&mut self, fault: Fault) {
        let turn = self.turn;
        if !self.notes.iter().any(|note| note.turn == turn && note.fault == fault.name()) {
            self.notes.push(AgentNote { turn, fault: fault.name().to_owned() });
        }
    }

    /// Logs the faults the action carries out beyond the one that chose it: a skip it moves past, an ignored check or
    /// objection it acts on, a demand for a human it leaves unanswered past the policy's deadline, a refusal with
    /// nothing behind it.
    fn log_carried_faults(
        &mut self,
        scenario: &ScenarioSpec,
        human_rules: &[(u8, u8)],
        writes: u64,
        plan: Plan,
    ) {
        let said = match plan {
            Plan::Say(act) => Some(act.kind),
            _ => None,
        };
        let intent = self.case.intent.map(|id| &scenario.intents[id as usize]);
        let tool = match (plan, intent) {
            (Plan::Call { step, .. }, Some(intent)) => Some(intent.steps[step].tool),
            (Plan::Side { tool }, _) => Some(tool),
            _ => None,
        };
        let moves_on = tool.is_some_and(|tool| {
            self.called_tools & (1 << tool) == 0 && intent.is_some_and(|i| i.has_step(tool))
        });
        if moves_on || said == Some(ActKind::Close) {
            for skip in std::mem::take(&mut self.pending_skips) {
                self.plant(skip);
            }
        }
        if said == Some(ActKind::Offer) && self.objection_ignored {
            self.plant(Fault::IgnoredObjection);
        }
        if said == Some(ActKind::Deny) && self.refused_wrongly {
            self.plant(Fault::WrongfulRefusal);
        }
        // Asking a manager to approve is not itself a change.
        let write =
            tool.is_some_and(|tool| writes & (1 << tool) != 0 && !scenario.is_approval(tool));
        let standing = |effect: fn(&Effect) -> bool, case: &SloppyCase| {
            case.ignored_gates.iter().any(|gate| {
                effect(&scenario.tools[*gate as usize].effect)
                    && case.latest_failed & (1 << gate) != 0
            })
        };
        let identity =
            |effect: &Effect| matches!(effect, Effect::VerifyIdentity | Effect::ValidatePurchase);
        if (write || said == Some(ActKind::Disclose)) && standing(identity, self) {
            self.plant(Fault::ActedUnverified);
        }
        if said == Some(ActKind::Disclose) && self.skipped_checks & !self.case.succeeded != 0 {
            self.plant(Fault::DisclosedEarly);
        }
        if write
            && let Some(intent) = intent
            && ignored_refusal(scenario, intent, self)
        {
            self.plant(Fault::WroteAfterRefusal);
        }
        let transfer = said == Some(ActKind::Transfer);
        let mut late = false;
        for ((_, within), clock) in human_rules.iter().zip(&mut self.human_clocks) {
            let (Some(count), false) = *clock else { continue };
            clock.0 = Some(count + 1);
            if transfer {
                clock.1 = true;
            } else if count + 1 >= *within {
                clock.1 = true;
                late = true;
            }
        }
        if late {
            self.plant(Fault::IgnoredHumanRequest);
        }
    }
}

/// Whether a check of this intent that refuses the request (a membership, a window, a wait), which no step branches
/// on, said no, still stands failed, and was ignored.
fn ignored_refusal(scenario: &ScenarioSpec, intent: &IntentSpec, sloppy: &SloppyCase) -> bool {
    sloppy.ignored_gates.iter().any(|gate| {
        let refuses = match &scenario.tools[*gate as usize].effect {
            Effect::Membership => true,
            Effect::Data(data) => data.pre.is_some(),
            _ => false,
        };
        refuses && !intent.branches_on(*gate) && sloppy.latest_failed & (1 << gate) != 0
    })
}

impl SloppyCase {
    /// Whether to skip this step; a step is skipped only where skipping it is unambiguous: required, in no any-order
    /// group, the only step with its tool, and not the one that prices the offer.
    fn wants_to_skip(&mut self, scenario: &ScenarioSpec, step: usize) -> bool {
        let Some(intent_id) = self.case.intent else { return false };
        let intent = &scenario.intents[intent_id as usize];
        let this = &intent.steps[step];
        let effect = &scenario.tools[this.tool as usize].effect;
        let alone = intent.steps.iter().filter(|s| s.tool == this.tool).count() == 1;
        // Without the step whose result is the offer, there would be nothing to offer.
        let priced = intent
            .offer
            .is_some_and(|offer| offer.value == crate::spec::OfferValue::FromTool(this.tool));
        let conditional = matches!(this.when, When::Holds(_) | When::Unfixed);
        if this.optional || this.group != 0 || !alone || priced || conditional {
            return false;
        }
        let verification = matches!(effect, Effect::VerifyIdentity | Effect::ValidatePurchase);
        if self.faults.skip_verification && verification {
            self.faults.skip_verification = false;
            self.skipped_checks |= 1 << this.tool;
            self.pending_skips.push(Fault::SkippedVerification);
            return true;
        }
        if self.faults.skip_step
            && self.faults.skip_target == Some(step)
            && step > 0
            && !verification
            && !matches!(effect, Effect::AskOracle)
        {
            self.faults.skip_step = false;
            self.pending_skips.push(Fault::SkippedStep);
            return true;
        }
        false
    }

    fn maybe_ignore_failure(
        &mut self,
        scenario: &ScenarioSpec,
        feedback: CallFeedback,
    ) -> CallFeedback {
        let CallFeedback::Failed { step } = feedback else { return feedback };
        if !self.faults.ignore_failed_check {
            return feedback;
        }
        let intent =
            &scenario.intents[self.case.intent.expect("a call implies an intent") as usize];
        let tool = intent.steps[step].tool;
        let spec = &scenario.tools[tool as usize];
        let check = match &spec.effect {
            Effect::VerifyIdentity | Effect::ValidatePurchase | Effect::Membership => true,
            // A data tool that refuses on a condition (a window passed, a plan that does not fit).
            Effect::Data(data) => data.pre.is_some() && spec.instruction.is_none(),
            _ => false,
        };
        if !check {
            return feedback;
        }
        self.case.done |= 1 << step;
        self.case.burned = crate::act::SlotSet::EMPTY;
        self.ignored_gates.push(tool);
        CallFeedback::Passed
    }

    /// Tells the customer the facts their request is about before identity was verified, instead of a call.
    fn maybe_disclose_early(&mut self, scenario: &ScenarioSpec, plan: Plan) -> Plan {
        if !self.faults.disclose_early || !matches!(plan, Plan::Call { .. }) {
            return plan;
        }
        let verified = scenario.tools.iter().enumerate().any(|(idx, tool)| {
            tool.effect == Effect::VerifyIdentity && self.case.succeeded & (1 << idx) != 0
        });
        if verified {
            return plan;
        }
        let Some(intent_id) = self.case.intent else { return plan };
        let Some(disclosure) = self.case.disclosure(&scenario.intents[intent_id as usize]) else {
            return plan;
        };
        self.faults.disclose_early = false;
        self.case.reported = true;
        self.plant(Fault::DisclosedEarly);
        Plan::Say(disclosure)
    }

    /// Closes instead of a step it has not called yet (a retry of a failed call is not left undone).
    fn maybe_close_early(&mut self, scenario: &ScenarioSpec, plan: Plan) -> Plan {
        let Plan::Call { step, .. } = plan else { return plan };
        let Some(intent) = self.case.intent.map(|id| &scenario.intents[id as usize]) else {
            return plan;
        };
        let untried = self.called_tools & (1 << intent.steps[step].tool) == 0;
        if self.faults.close_early && self.calls >= self.faults.close_after && untried {
            self.faults.close_early = false;
            self.case.phase = Phase::AskedElse;
            self.plant(Fault::ClosedEarly);
            return Plan::Say(Act::bare(ActKind::Close));
        }
        plan
    }

    /// Before the first step, calls a write tool the intent's steps do not have (a promo code at the start of a
    /// refund); approvals and objection remedies are left out, they have their own place outside the steps.
    fn maybe_off_script(&mut self, scenario: &ScenarioSpec, writes: u64, plan: Plan) -> Plan {
        if !self.faults.off_script || self.calls > 0 || !matches!(plan, Plan::Call { .. }) {
            return plan;
        }
        let Some(intent) = self.case.intent.map(|id| &scenario.intents[id as usize]) else {
            return plan;
        };
        let stray = |tool: &ToolId| {
            writes & (1 << tool) != 0
                && !intent.has_step(*tool)
                && !scenario.is_approval(*tool)
                && !intent.objections.iter().any(|objection| objection.remedy == *tool)
        };
        let tools = (0..scenario.tools.len()).map(|idx| idx as ToolId);
        let count = tools.clone().filter(stray).count();
        if count == 0 {
            return plan;
        }
        let pick = usize::from(self.faults.stray_pick) % count;
        let tool = tools.filter(stray).nth(pick).expect("pick < count");
        self.faults.off_script = false;
        self.plant(Fault::OffScriptWrite);
        Plan::Side { tool }
    }

    /// Claims "yes" for a fact that goes with the offer where the tool reported "no".
    fn maybe_overstate(&mut self, scenario: &ScenarioSpec, plan: Plan) -> Plan {
        let Plan::Say(mut act) = plan else { return plan };
        if act.kind != ActKind::Offer || !self.faults.false_claim {
            return plan;
        }
        let Some(intent_id) = self.case.intent else { return plan };
        let mut overstated = false;
        for &(slot, _) in &scenario.intents[intent_id as usize].claims {
            if act.value_of(slot) == Some(0) {
                act.put(slot, 1);
                overstated = true;
            }
        }
        if overstated {
            self.faults.false_claim = false;
            self.plant(Fault::FalseClaim);
        }
        Plan::Say(act)
    }

    /// With the over-the-limit fault, offers less than a price floor the agent can see (the concession goes too far).
    fn maybe_undercut(&mut self, scenario: &ScenarioSpec, plan: Plan) -> Plan {
        let Plan::Say(mut act) = plan else { return plan };
        if act.kind != ActKind::Offer || !self.faults.over_refund || !self.case.conceded {
            return plan;
        }
        let floor = scenario.rules.iter().find_map(|rule| match &rule.kind {
            RuleKind::OfferFloor { min } => {
                super::by_the_book::visible_limit(min, &crate::world::ToolArgs::default())
            }
            _ => None,
        });
        let Some(floor) = floor.filter(|floor| *floor > 0) else { return plan };
        let Some(offer) = self.case.intent.and_then(|id| scenario.intents[id as usize].offer)
        else {
            return plan;
        };
        self.faults.over_refund = false;
        let undercut = floor - floor / 10;
        act.put(offer.slot, undercut);
        self.case.known[offer.slot] = undercut;
        self.case.offered = Some(undercut);
        self.plant(Fault::UnderFloor);
        Plan::Say(act)
    }

    /// Once the customer has turned the offer down, offers again (a better deal) instead of the next step.
    fn maybe_press_after_no(&mut self, scenario: &ScenarioSpec, plan: Plan) -> Plan {
        if !self.faults.pressure_after_no || self.case.offer_answer != Some(false) {
            return plan;
        }
        let Some(intent_id) = self.case.intent else { return plan };
        let Some(offer) = scenario.intents[intent_id as usize].offer else { return plan };
        if matches!(plan, Plan::Say(act) if matches!(act.kind, ActKind::Close | ActKind::Transfer))
        {
            return plan;
        }
        self.faults.pressure_after_no = false;
        if matches!(plan, Plan::Say(act) if act.kind == ActKind::AnythingElse) {
            // The offer is said instead: "anything else?" was not asked.
            self.case.phase = super::by_the_book::Phase::Working;
        }
        let last = self.case.offered.unwrap_or(0);
        // A "better" deal: more off a price, more onto a discount.
        let value = match offer.accept {
            crate::spec::Accept::AtMost => last - last / 4,
            crate::spec::Accept::AtLeast => last + last / 2 + 1,
        };
        self.plant(Fault::PressedAfterNo);
        Plan::Say(super::by_the_book::offer_act(intent_id, offer.slot, value))
    }

    /// Refuses without naming the check that said no (the first grounded refusal only).
    fn maybe_leave_reason_out(&mut self, plan: Plan) -> Plan {
        let Plan::Say(act) = plan else { return plan };
        if !self.faults.unexplained_refusal || act.refusal_reason().is_none() {
            return plan;
        }
        self.faults.unexplained_refusal = false;
        self.plant(Fault::UnexplainedRefusal);
        Plan::Say(Act::deny(act.intent, None))
    }

    /// Refuses instead of the first call once the need is known, before any check said no.
    fn maybe_refuse_wrongly(&mut self, plan: Plan) -> Plan {
        if !self.faults.wrongful_refusal
            || self.case.intent.is_none()
            || self.latest_failed != 0
            || !matches!(plan, Plan::Call { .. })
        {
            return plan;
        }
        self.faults.wrongful_refusal = false;
        self.refused_wrongly = true;
        self.case.deny(None)
    }

    /// Enters a value next to the one the customer gave where the intent prescribes it, or next to the offer they
    /// took (a cent off, the next option).
    fn maybe_wrong_value(&mut self, scenario: &ScenarioSpec, plan: Plan) -> Plan {
        let Plan::Call { step, args } = plan else { return plan };
        if !self.faults.wrong_value {
            return plan;
        }
        let Some(intent) = self.case.intent.map(|id| &scenario.intents[id as usize]) else {
            return plan;
        };
        let tool = intent.steps[step].tool;
        let accepted = self.case.offer_answer == Some(true);
        let target = scenario.rules.iter().find_map(|rule| match rule.kind {
            RuleKind::ArgPrescribed { tool: checked, arg }
                if checked == tool
                    && args.get(arg).is_some()
                    && intent.goals.iter().any(|(slot, _)| *slot == arg) =>
            {
                Some(arg)
            }
            RuleKind::ArgAccepted { tool: checked, arg }
                if checked == tool && accepted && args.get(arg).is_some() =>
            {
                Some(arg)
            }
            _ => None,
        });
        let Some(arg) = target else { return plan };
        self.faults.wrong_value = false;
        let mut wrong = crate::world::ToolArgs::default();
        for (slot, value) in args.iter() {
            let value = match (slot == arg, value) {
                (false, value) => value,
                (true, 0) => 1,
                (true, value) => value - 1,
            };
            wrong.push(slot, value);
        }
        self.plant(Fault::WrongValue);
        Plan::Call { step, args: wrong }
    }

    fn maybe_over_refund(&mut self, scenario: &ScenarioSpec, plan: Plan) -> Plan {
        let Plan::Call { step, args } = plan else { return plan };
        let intent =
            &scenario.intents[self.case.intent.expect("a call implies an intent") as usize];
        let tool = intent.steps[step].tool;
        if !self.faults.over_refund {
            return plan;
        }
        if scenario.tools[tool as usize].effect != Effect::Refund {
            return self.exceed_limit(scenario, step, tool, args);
        }
        // Refund the amount asked for plus a goodwill sum larger than any order.
        let asked = args.get(Slot::AMOUNT).unwrap_or(0);
        let mut inflated = crate::world::ToolArgs::default();
        for (slot, value) in args.iter() {
            inflated.push(slot, if slot == Slot::AMOUNT { asked + 1_000_000 } else { value });
        }
        self.plant(Fault::OverRefund);
        Plan::Call { step, args: inflated }
    }

    /// Gives a limited argument of this call (a discount) more than a limit the agent can see allows.
    fn exceed_limit(
        &mut self,
        scenario: &ScenarioSpec,
        step: usize,
        tool: ToolId,
        args: crate::world::ToolArgs,
    ) -> Plan {
        let limit = scenario.rules.iter().find_map(|rule| match &rule.kind {
            RuleKind::ArgLimit { tool: limited, arg, max, .. } if *limited == tool => {
                let limit = super::by_the_book::visible_limit(max, &args)?;
                args.get(*arg).map(|_| (*arg, limit))
            }
            _ => None,
        });
        let Some((limited_arg, limit)) = limit else { return Plan::Call { step, args } };
        let mut inflated = crate::world::ToolArgs::default();
        for (slot, value) in args.iter() {
            inflated.push(slot, if slot == limited_arg { limit + 1 + limit / 4 } else { value });
        }
        self.plant(Fault::OverLimit);
        Plan::Call { step, args: inflated }
    }
}
