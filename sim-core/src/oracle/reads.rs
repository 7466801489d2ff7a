//! Which world facts each oracle reads to give its verdict, so a replay can show them beside it.
//!
//! The list is by rule kind and mirrors what [`super`] evaluates: the conditions of the intent's steps for step
//! rules, the eligibility rule and the checks' pre-conditions for refusals, a limit's or a prescribed value's
//! expression, the eligibility and resolution outcomes for the resolution verdict. Facts a verdict's reason already
//! states (an amount over a limit, a false claim's true value) and rules that read only the log read nothing here.

use crate::expr::{Builtin, Expr};
use crate::record::RuleRef;
use crate::spec::{Effect, Eligibility, IntentSpec, Outcome, RuleKind, ScenarioSpec, When};

/// World facts: declared fields (bit per field) and built-in facts (bit per index into [`Builtin::ALL`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FactsRead {
    /// Declared fields, bit per [`FieldId`](crate::field::FieldId): a list field by its first cell, and a list
    /// the expression counts or selects from by its length's cell.
    pub cells: u64,
    /// Built-in facts of the account, order and oracle.
    pub builtins: u8,
}

impl FactsRead {
    /// Whether nothing is read.
    pub fn is_empty(&self) -> bool {
        self.cells == 0 && self.builtins == 0
    }

    /// The built-in facts read, in [`Builtin::ALL`] order.
    pub fn builtins(&self) -> impl Iterator<Item = (Builtin, &'static str)> + '_ {
        Builtin::ALL
            .iter()
            .enumerate()
            .filter(|(idx, _)| self.builtins & (1 << idx) != 0)
            .map(|(_, builtin)| *builtin)
    }

    fn expr(&mut self, scenario: &ScenarioSpec, expr: &Expr) {
        // The fields named, not every cell `cells_read` widens to (a count of disputes reads no dispute's amount).
        self.cells |= expr.fields_read();
        let lists = expr.lists_read();
        for list in (0..crate::list::MAX_LISTS as u8).filter(|list| lists & (1 << list) != 0) {
            let count = scenario
                .layout
                .count_cell(list)
                .filter(|_| usize::from(list) < scenario.lists.len());
            self.cells |= count.map_or(0, |cell| 1u64.checked_shl(u32::from(cell)).unwrap_or(0));
        }
        expr.builtins_read().into_iter().for_each(|builtin| self.builtin(builtin));
    }

    fn builtin(&mut self, builtin: Builtin) {
        let idx = Builtin::ALL.iter().position(|(each, _)| *each == builtin);
        self.builtins |= idx.map_or(0, |idx| 1 << idx);
    }

    fn eligibility(&mut self, scenario: &ScenarioSpec, eligibility: &Eligibility) {
        match eligibility {
            Eligibility::Always => {}
            Eligibility::ReturnWindow => {
                self.builtin(Builtin::MembershipLevel);
                self.builtin(Builtin::DaysSincePurchase);
            }
            Eligibility::OracleOrMember => {
                self.builtin(Builtin::OracleYes);
                self.builtin(Builtin::MembershipLevel);
            }
            Eligibility::OracleYes => self.builtin(Builtin::OracleYes),
            Eligibility::Holds(condition) => self.expr(scenario, condition),
        }
    }

    /// The conditions deciding whether each of the intent's steps is due.
    fn step_conditions(&mut self, scenario: &ScenarioSpec, intent: &IntentSpec) {
        for step in &intent.steps {
            match step.when {
                When::Holds(idx) => {
                    if let Some(condition) = intent.conditions.get(usize::from(idx)) {
                        self.expr(scenario, condition);
                    }
                }
                When::Unfixed => {
                    if let Some(fixed) = &intent.fixed {
                        self.expr(scenario, fixed);
                    }
                }
                When::OracleYes | When::OracleNo => self.builtin(Builtin::OracleYes),
                When::Always
                | When::Passed(_)
                | When::Failed(_)
                | When::Accepted
                | When::Rejected
                | When::Unsatisfied => {}
            }
        }
    }

    /// The pre-conditions of the intent's data checks (a window, a wait): what a refusal can stand on.
    fn checks(&mut self, scenario: &ScenarioSpec, intent: &IntentSpec) {
        for step in &intent.steps {
            let tool = scenario.tools.get(usize::from(step.tool));
            if let Some(Effect::Data(data)) = tool.map(|tool| &tool.effect)
                && let Some(pre) = &data.pre
            {
                self.expr(scenario, pre);
            }
        }
    }

    fn outcome(&mut self, scenario: &ScenarioSpec, intent: &IntentSpec, outcome: &Outcome) {
        match outcome {
            Outcome::Holds(expr) | Outcome::TurnedDown(expr) => self.expr(scenario, expr),
            Outcome::RefundedGoalAmount => self.builtin(Builtin::Refunded),
            Outcome::OrderOptionIsGoal => self.builtin(Builtin::OrderChange),
            Outcome::Purchased => self.builtin(Builtin::Purchases),
            Outcome::Fixed => {
                if let Some(fixed) = &intent.fixed {
                    self.expr(scenario, fixed);
                }
            }
            Outcome::StepsTaken => self.step_conditions(scenario, intent),
            Outcome::IfUnsatisfied(inner) => self.outcome(scenario, intent, inner),
            Outcome::AnyOf(all) => {
                all.iter().for_each(|inner| self.outcome(scenario, intent, inner));
            }
            Outcome::AccountFieldIsGoal(_)
            | Outcome::PasswordReset
            | Outcome::LinkSent
            | Outcome::PromoIssued
            | Outcome::Disclosed(_)
            | Outcome::TeamNotified
            | Outcome::AccountUpdated
            | Outcome::Tried(_) => {}
        }
    }
}

/// The world facts the verdicts of `rule` read for a request of `intent`.
pub fn facts_read(scenario: &ScenarioSpec, intent: &IntentSpec, rule: RuleRef) -> FactsRead {
    let mut read = FactsRead::default();
    match rule {
        RuleRef::Resolution => {
            read.eligibility(scenario, &intent.eligibility);
            intent.resolved.iter().for_each(|outcome| read.outcome(scenario, intent, outcome));
        }
        RuleRef::Policy(idx) => {
            let Some(rule) = scenario.rules.get(usize::from(idx)) else { return read };
            match &rule.kind {
                RuleKind::StepOrder | RuleKind::StepsComplete | RuleKind::OffScript { .. } => {
                    read.step_conditions(scenario, intent);
                }
                RuleKind::EarnedRefusal | RuleKind::NoWriteAfterRefusal { .. } => {
                    read.eligibility(scenario, &intent.eligibility);
                    read.checks(scenario, intent);
                }
                RuleKind::AmountWithinOrderTotal { .. } => {
                    read.builtin(Builtin::OrderTotal);
                    read.builtin(Builtin::Refunded);
                }
                RuleKind::ArgLimit { max, .. } => read.expr(scenario, max),
                RuleKind::Requires { when: Some(when), .. } => read.expr(scenario, when),
                RuleKind::ArgPrescribed { arg, .. } => {
                    for (_, value) in intent.goals.iter().filter(|(slot, _)| slot == arg) {
                        read.expr(scenario, value);
                    }
                }
                RuleKind::OfferFloor { min } => read.expr(scenario, min),
                RuleKind::Requires { when: None, .. }
                | RuleKind::GateRespected { .. }
                | RuleKind::ArgAccepted { .. }
                | RuleKind::NoPressureAfterNo
                | RuleKind::AnswerObjections
                | RuleKind::TruthfulClaims
                | RuleKind::ConfirmBeforeClose { .. }
                | RuleKind::HumanOnRequest { .. }
                | RuleKind::NoDisclosureUnverified { .. } => {}
            }
        }
        RuleRef::Abandoned | RuleRef::Escalated | RuleRef::TurnLimit | RuleRef::AgentFailed => {}
    }
    read
}
