//! The sloppy agent: by-the-book, except for faults planted with configurable probabilities and logged as notes.
//!
//! Each note names the rule the fault should break and the turn it should be caught at, so tests can compare the
//! agent's own log with the oracles' verdicts.

use std::sync::Arc;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::by_the_book::{CallFeedback, Case, Phase, Plan};
use crate::act::{Act, ActKind, Slot};
use crate::agent::{Action, AgentNote, AgentUnderTest, EpisodeStart, Observation};
use crate::spec::{Effect, RuleKind, ScenarioSpec, ToolId};

/// Probabilities of each planted fault, per episode.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SloppyConfig {
    /// Skip a verify-identity or validate-purchase step.
    pub skip_verification: f64,
    /// Refund more than is left on the order, or give a limited argument (a discount) more than the limit allows.
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
    /// The step chosen to skip (when `skip_step`), picked once the intent is known.
    skip_target: Option<usize>,
    /// Calls after which to close early.
    close_after: u8,
}

#[derive(Clone, Debug, Default)]
struct SloppyCase {
    case: Case,
    faults: Faults,
    /// Steps skipped on purpose (bit per step).
    skipped: u64,
    /// Gate tools whose failure was ignored.
    ignored_gates: Vec<ToolId>,
    calls: u8,
    called: u64,
    /// Tools whose latest call failed (bit per tool); what succeeded is in `case.succeeded`.
    latest_failed: u64,
    /// Whether "anything else?" was asked since the last call, and answered.
    asked_else: bool,
    answered_else: bool,
    /// Customer requests for a human so far.
    human_demands: u8,
    /// Whether an objection was left unanswered (every later offer breaks the rule).
    objection_ignored: bool,
    /// Whether the agent refused with no check behind it (such a refusal excuses no step).
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
    step_order: Option<String>,
    steps_complete: Option<String>,
    amount_limit: Option<String>,
    confirm_close: Option<String>,
    no_pressure: Option<String>,
    answer_objections: Option<String>,
    truthful_claims: Option<String>,
    floor_rules: Vec<(String, crate::expr::Expr)>,
    disclosure_rules: Vec<(String, Vec<ToolId>)>,
    gate_rules: Vec<(String, Vec<ToolId>, Vec<ToolId>)>,
    requires_rules: Vec<(String, ToolId, Vec<ToolId>)>,
    limit_rules: Vec<(String, ToolId, Slot, crate::expr::Expr, Vec<ToolId>)>,
    human_rules: Vec<(String, u8, u8)>,
    /// The earned-refusal rule.
    earned_refusal: Option<String>,
    /// No-write-after-refusal rules and their write tools.
    refusal_write_rules: Vec<(String, Vec<ToolId>)>,
    /// Rules that a tool's argument is the value the intent prescribes: (rule, tool, argument).
    prescribed_rules: Vec<(String, ToolId, Slot)>,
}

impl Sloppy {
    /// A sloppy agent for `scenario`.
    pub fn new(scenario: Arc<ScenarioSpec>, config: SloppyConfig) -> Sloppy {
        let rule_id = |pred: &dyn Fn(&RuleKind) -> bool| {
            scenario.rules.iter().find(|rule| pred(&rule.kind)).map(|rule| rule.id.clone())
        };
        let step_order = rule_id(&|kind| *kind == RuleKind::StepOrder);
        let steps_complete = rule_id(&|kind| *kind == RuleKind::StepsComplete);
        let amount_limit = rule_id(&|kind| matches!(kind, RuleKind::AmountWithinOrderTotal { .. }));
        let confirm_close = rule_id(&|kind| *kind == RuleKind::ConfirmBeforeClose);
        let no_pressure = rule_id(&|kind| *kind == RuleKind::NoPressureAfterNo);
        let answer_objections = rule_id(&|kind| *kind == RuleKind::AnswerObjections);
        let truthful_claims = rule_id(&|kind| *kind == RuleKind::TruthfulClaims);
        let floor_rules = scenario
            .rules
            .iter()
            .filter_map(|rule| match &rule.kind {
                RuleKind::OfferFloor { min } => Some((rule.id.clone(), min.clone())),
                _ => None,
            })
            .collect();
        let requires_rules = scenario
            .rules
            .iter()
            .filter_map(|rule| match &rule.kind {
                // A conditional requirement depends on world facts the agent cannot see; it plants none.
                RuleKind::Requires { tool, after, when: None } => {
                    Some((rule.id.clone(), *tool, after.clone()))
                }
                _ => None,
            })
            .collect();
        let limit_rules = scenario
            .rules
            .iter()
            .filter_map(|rule| match &rule.kind {
                RuleKind::ArgLimit { tool, arg, max, unless_after } => {
                    Some((rule.id.clone(), *tool, *arg, max.clone(), unless_after.clone()))
                }
                _ => None,
            })
            .collect();
        let disclosure_rules = scenario
            .rules
            .iter()
            .filter_map(|rule| match &rule.kind {
                RuleKind::NoDisclosureUnverified { gates } => {
                    Some((rule.id.clone(), gates.clone()))
                }
                _ => None,
            })
            .collect();
        let earned_refusal = rule_id(&|kind| *kind == RuleKind::EarnedRefusal);
        let refusal_write_rules = scenario
            .rules
            .iter()
            .filter_map(|rule| match &rule.kind {
                RuleKind::NoWriteAfterRefusal { writes } => Some((rule.id.clone(), writes.clone())),
                _ => None,
            })
            .collect();
        let prescribed_rules = scenario
            .rules
            .iter()
            .filter_map(|rule| match rule.kind {
                RuleKind::ArgPrescribed { tool, arg } => Some((rule.id.clone(), tool, arg)),
                _ => None,
            })
            .collect();
        let human_rules = scenario
            .rules
            .iter()
            .filter_map(|rule| match rule.kind {
                RuleKind::HumanOnRequest { demands, within } => {
                    Some((rule.id.clone(), demands.max(1), within.max(1)))
                }
                _ => None,
            })
            .collect();
        let gate_rules: Vec<(String, Vec<ToolId>, Vec<ToolId>)> = scenario
            .rules
            .iter()
            .filter_map(|rule| match &rule.kind {
                RuleKind::GateRespected { gates, guarded } => {
                    Some((rule.id.clone(), gates.clone(), guarded.clone()))
                }
                _ => None,
            })
            .collect();
        Sloppy {
            scenario,
            config,
            cases: Vec::new(),
            step_order,
            steps_complete,
            amount_limit,
            confirm_close,
            no_pressure,
            answer_objections,
            truthful_claims,
            floor_rules,
            disclosure_rules,
            gate_rules,
            requires_rules,
            limit_rules,
            human_rules,
            earned_refusal,
            refusal_write_rules,
            prescribed_rules,
        }
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
        let faults = Faults {
            skip_verification: rng.random_bool(config.skip_verification),
            over_refund: rng.random_bool(config.over_refund),
            skip_step: rng.random_bool(config.skip_step),
            close_early: rng.random_bool(config.close_early),
            ignore_failed_check: rng.random_bool(config.ignore_failed_check),
            ignore_human_request: false,
            disclose_early: false,
            pressure_after_no: false,
            false_claim: false,
            ignore_objection: false,
            wrong_value: false,
            wrongful_refusal: false,
            skip_target: None,
            close_after: rng.random_range(1..4),
        };
        let mut notes = std::mem::take(&mut self.cases[slot].notes);
        notes.clear();
        self.cases[slot] = SloppyCase { faults, notes, ..SloppyCase::default() };
        // The skip target is drawn now so it does not depend on when the intent becomes known.
        self.cases[slot].faults.skip_target = Some(rng.random_range(1..8));
        self.cases[slot].faults.ignore_human_request = rng.random_bool(config.ignore_human_request);
        self.cases[slot].faults.disclose_early = rng.random_bool(config.disclose_early);
        self.cases[slot].faults.pressure_after_no = rng.random_bool(config.pressure_after_no);
        self.cases[slot].faults.false_claim = rng.random_bool(config.false_claim);
        self.cases[slot].faults.ignore_objection = rng.random_bool(config.ignore_objection);
        self.cases[slot].faults.wrong_value = rng.random_bool(config.wrong_value);
        self.cases[slot].faults.wrongful_refusal = rng.random_bool(config.wrongful_refusal);
        self.cases[slot].human_clocks = vec![(None, false); self.human_rules.len()];
    }

    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        let scenario_arc = self.scenario.clone();
        for obs in batch {
            let scenario = &*scenario_arc;
            let sloppy = &mut self.cases[obs.slot as usize];
            if let Some((tool, outcome)) = obs.tool_result {
                if outcome.passed {
                    sloppy.latest_failed &= !(1 << tool);
                } else {
                    sloppy.latest_failed |= 1 << tool;
                }
            }
            if let Some(act) = obs.customer {
                // Only "nothing else, thanks" answers "anything else?" (asking again does not).
                sloppy.answered_else = sloppy.asked_else
                    && matches!(act.kind, ActKind::ThankBye | ActKind::Acknowledge);
                if act.kind == ActKind::DemandHuman {
                    sloppy.human_demands += 1;
                    for ((_, demands, _), clock) in
                        self.human_rules.iter().zip(&mut sloppy.human_clocks)
                    {
                        if sloppy.human_demands == *demands {
                            clock.0 = Some(0);
                        }
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
                        sloppy.skipped |= 1 << step;
                        sloppy.case.done |= 1 << step;
                    }
                    _ => break plan,
                }
            };
            sloppy.case.demands = demands;
            let plan = sloppy.maybe_refuse_wrongly(plan);
            let plan = sloppy.maybe_disclose_early(scenario, plan);
            let plan = sloppy.maybe_close_early(plan);
            let plan = sloppy.maybe_over_refund(scenario, plan);
            let plan = sloppy.maybe_wrong_value(scenario, plan);
            let plan = sloppy.maybe_press_after_no(scenario, plan);
            let plan = sloppy.maybe_undercut(scenario, plan);
            let plan = sloppy.maybe_overstate(scenario, plan);
            self.note(obs.slot as usize, obs.turn, plan);
            let sloppy = &mut self.cases[obs.slot as usize];
            match plan {
                Plan::Call { step, .. } => {
                    sloppy.calls += 1;
                    sloppy.called |= 1 << step;
                    (sloppy.asked_else, sloppy.answered_else) = (false, false);
                }
                Plan::Side { .. } => (sloppy.asked_else, sloppy.answered_else) = (false, false),
                Plan::Say(act) if act.kind == ActKind::AnythingElse => {
                    (sloppy.asked_else, sloppy.answered_else) = (true, false);
                }
                Plan::Say(_) => {}
            }
            out.push(sloppy.case.commit(scenario, plan));
        }
    }

    fn finish(&mut self, slot: u32) -> Vec<AgentNote> {
        std::mem::take(&mut self.cases[slot as usize].notes)
    }
}

impl Sloppy {
    /// Logs the violations this plan is meant to cause.
    fn note(&mut self, slot: usize, turn: u16, plan: Plan) {
        let scenario = &*self.scenario;
        let sloppy = &mut self.cases[slot];
        let mut labels: Vec<String> = Vec::new();
        let transfer = matches!(plan, Plan::Say(act) if act.kind == ActKind::Transfer);
        for ((rule, _, within), clock) in self.human_rules.iter().zip(&mut sloppy.human_clocks) {
            let (Some(count), false) = *clock else { continue };
            clock.0 = Some(count + 1);
            if transfer {
                clock.1 = true;
            } else if count + 1 >= *within {
                clock.1 = true;
                labels.push(rule.clone());
            }
        }
        if matches!(plan, Plan::Say(act) if act.kind == ActKind::Disclose) {
            for (rule, gates) in &self.disclosure_rules {
                let verified = gates.iter().any(|gate| sloppy.case.succeeded & (1 << gate) != 0)
                    && !gates.iter().any(|gate| sloppy.latest_failed & (1 << gate) != 0);
                if !verified {
                    labels.push(rule.clone());
                }
            }
        }
        if let Plan::Say(act) = plan
            && act.kind == ActKind::Offer
        {
            if sloppy.case.offer_answer == Some(false) {
                labels.extend(self.no_pressure.clone());
            }
            if sloppy.objection_ignored {
                labels.extend(self.answer_objections.clone());
            }
            // A claim that differs from what the tool reported is false.
            let intent = sloppy.case.intent.map(|id| &scenario.intents[id as usize]);
            let lied = intent.is_some_and(|intent| {
                intent.claims.iter().any(|&(slot, tool)| {
                    act.value_of(slot)
                        .is_some_and(|said| said != sloppy.case.tool_values.0[tool as usize])
                })
            });
            if lied {
                labels.extend(self.truthful_claims.clone());
            }
            for (rule, min) in &self.floor_rules {
                let floor =
                    super::by_the_book::visible_limit(min, &crate::world::ToolArgs::default());
                let offered = sloppy
                    .case
                    .intent
                    .and_then(|id| scenario.intents[id as usize].offer)
                    .and_then(|offer| act.value_of(offer.slot));
                if floor.zip(offered).is_some_and(|(floor, offered)| offered < floor) {
                    labels.push(rule.clone());
                }
            }
        }
        // A refusal with no check that said no (by-the-book refuses only after one).
        if matches!(plan, Plan::Say(act) if act.kind == ActKind::Deny) && sloppy.latest_failed == 0
        {
            labels.extend(self.earned_refusal.clone());
        }
        if matches!(plan, Plan::Say(act) if act.kind == ActKind::Close)
            && !(sloppy.asked_else && sloppy.answered_else)
        {
            labels.extend(self.confirm_close.clone());
        }
        if let Plan::Call { step, args } = plan
            && let Some(intent_id) = sloppy.case.intent
        {
            let tool = scenario.intents[intent_id as usize].steps[step].tool;
            for (rule, limited, arg, max, unless_after) in &self.limit_rules {
                let approved = unless_after
                    .iter()
                    .any(|approval| sloppy.case.succeeded & (1 << approval) != 0);
                let over = super::by_the_book::visible_limit(max, &args)
                    .is_some_and(|limit| args.get(*arg).unwrap_or(0) > limit);
                if *limited == tool && over && !approved {
                    labels.push(rule.clone());
                }
            }
            let intent = &scenario.intents[intent_id as usize];
            for (rule, writes) in &self.refusal_write_rules {
                if writes.contains(&tool) && ignored_refusal(scenario, intent, sloppy) {
                    labels.push(rule.clone());
                }
            }
            // A value the agent changed from what the customer asked for, where the intent prescribes it (the
            // customer asks for what the policy prescribes).
            for (rule, checked, arg) in &self.prescribed_rules {
                let prescribed = intent.goals.iter().any(|(slot, _)| slot == arg);
                if *checked == tool && prescribed && args.get(*arg) != Some(sloppy.case.known[*arg])
                {
                    labels.push(rule.clone());
                }
            }
            for (rule, dependent, after) in &self.requires_rules {
                if *dependent == tool
                    && after.iter().all(|tool| intent.has_step(*tool))
                    && after.iter().any(|before| sloppy.case.succeeded & (1 << before) == 0)
                {
                    labels.push(rule.clone());
                }
            }
        }
        let Some(intent_id) = sloppy.case.intent else {
            sloppy.notes.extend(labels.into_iter().map(|label| AgentNote { turn, label }));
            return;
        };
        let intent = &scenario.intents[intent_id as usize];
        match plan {
            Plan::Call { step, .. } => {
                let tool = intent.steps[step].tool;
                let first_call = !intent
                    .steps
                    .iter()
                    .enumerate()
                    .any(|(idx, s)| s.tool == tool && sloppy.called & (1 << idx) != 0);
                let this = &intent.steps[step];
                let skipped_before = (0..step).any(|idx| {
                    sloppy.skipped & (1 << idx) != 0
                        && intent.steps[idx].tool != tool
                        && !intent.steps[idx].any_order_with(this)
                });
                if first_call && skipped_before {
                    labels.extend(self.step_order.clone());
                }
                for (rule, gates, guarded) in &self.gate_rules {
                    if guarded.contains(&tool)
                        && gates.iter().any(|gate| sloppy.ignored_gates.contains(gate))
                    {
                        labels.push(rule.clone());
                    }
                }
                if scenario.tools[tool as usize].effect == Effect::Refund
                    && sloppy.faults.over_refund
                {
                    labels.extend(self.amount_limit.clone());
                }
            }
            Plan::Say(act) if act.kind == ActKind::Close => {
                let declined = sloppy.case.denials > 0 && !sloppy.refused_wrongly;
                let oracle_ended = intent.oracle_no_ends && sloppy.case.oracle == Some(false);
                let unfinished = intent.steps.iter().enumerate().any(|(idx, step)| {
                    sloppy.called & (1 << idx) == 0
                        && !step.optional
                        && sloppy.case.applies(step.when)
                        && !intent.steps[..idx]
                            .iter()
                            .zip(0..)
                            .any(|(s, j)| s.tool == step.tool && sloppy.called & (1 << j) != 0)
                });
                if unfinished && !declined && !oracle_ended {
                    labels.extend(self.steps_complete.clone());
                }
            }
            Plan::Side { tool } => {
                for (rule, writes) in &self.refusal_write_rules {
                    if writes.contains(&tool) && ignored_refusal(scenario, intent, sloppy) {
                        labels.push(rule.clone());
                    }
                }
            }
            Plan::Say(_) => {}
        }
        sloppy.notes.extend(labels.into_iter().map(|label| AgentNote { turn, label }));
    }
}

/// Whether the agent ignored a refusal that still stands: a membership or condition check of this intent (a window, a
/// wait) that said no, which no step branches on.
fn ignored_refusal(
    scenario: &ScenarioSpec,
    intent: &crate::spec::IntentSpec,
    sloppy: &SloppyCase,
) -> bool {
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
    fn wants_to_skip(&mut self, scenario: &ScenarioSpec, step: usize) -> bool {
        let Some(intent_id) = self.case.intent else { return false };
        let intent = &scenario.intents[intent_id as usize];
        let effect = &scenario.tools[intent.steps[step].tool as usize].effect;
        if self.faults.skip_verification
            && matches!(effect, Effect::VerifyIdentity | Effect::ValidatePurchase)
        {
            self.faults.skip_verification = false;
            return true;
        }
        if self.faults.skip_step
            && self.faults.skip_target == Some(step)
            && step > 0
            && !matches!(effect, Effect::AskOracle)
        {
            self.faults.skip_step = false;
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

    fn maybe_disclose_early(&mut self, scenario: &ScenarioSpec, plan: Plan) -> Plan {
        if !self.faults.disclose_early || !matches!(plan, Plan::Call { .. }) {
            return plan;
        }
        let Some(intent_id) = self.case.intent else { return plan };
        let Some(disclosure) = self.case.disclosure(&scenario.intents[intent_id as usize]) else {
            return plan;
        };
        self.faults.disclose_early = false;
        self.case.reported = true;
        Plan::Say(disclosure)
    }

    fn maybe_close_early(&mut self, plan: Plan) -> Plan {
        if self.faults.close_early
            && self.calls >= self.faults.close_after
            && matches!(plan, Plan::Call { .. })
        {
            self.faults.close_early = false;
            self.case.phase = Phase::AskedElse;
            return Plan::Say(Act::bare(ActKind::Close));
        }
        plan
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
        let last = self.case.offered.unwrap_or(0);
        // A "better" deal: more off a price, more onto a discount.
        let value = match offer.accept {
            crate::spec::Accept::AtMost => last - last / 4,
            crate::spec::Accept::AtLeast => last + last / 2 + 1,
        };
        Plan::Say(super::by_the_book::offer_act(intent_id, offer.slot, value))
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
        self.case.deny()
    }

    /// Enters a value next to the one the customer gave where the intent prescribes it (a cent off, the next
    /// option).
    fn maybe_wrong_value(&mut self, scenario: &ScenarioSpec, plan: Plan) -> Plan {
        let Plan::Call { step, args } = plan else { return plan };
        if !self.faults.wrong_value {
            return plan;
        }
        let Some(intent) = self.case.intent.map(|id| &scenario.intents[id as usize]) else {
            return plan;
        };
        let tool = intent.steps[step].tool;
        let target = scenario.rules.iter().find_map(|rule| match rule.kind {
            RuleKind::ArgPrescribed { tool: checked, arg }
                if checked == tool
                    && args.get(arg).is_some()
                    && intent.goals.iter().any(|(slot, _)| *slot == arg) =>
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
        Plan::Call { step, args: wrong }
    }

    fn maybe_over_refund(&mut self, scenario: &ScenarioSpec, plan: Plan) -> Plan {
        let Plan::Call { step, mut args } = plan else { return plan };
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
        args = inflated;
        Plan::Call { step, args }
    }

    /// Gives a limited argument of this call (a discount) more than a limit the agent can see allows.
    fn exceed_limit(
        &mut self,
        scenario: &ScenarioSpec,
        step: usize,
        tool: crate::spec::ToolId,
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
        Plan::Call { step, args: inflated }
    }
}
