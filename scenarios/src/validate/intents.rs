//! Intents and their steps: tool references, step args and their defaults, oracle conditions, reachable outcomes, goal slots.

use sim_core::act::{Slot, SlotSet};
use sim_core::spec::{Effect, IntentSpec, Outcome, Step, ToolSpec, When};

use super::{Issues, ToolIds, check_min_args, check_unique, slot_set};
use crate::file::{EligibilityFile, IntentFile, OutcomeFile, StepFile};
use crate::path::FieldPath;

/// Most steps an intent may have (agents keep one bit per step).
pub const MAX_STEPS: usize = 64;

pub(super) fn intents(
    files: &[IntentFile],
    tools: &[ToolSpec],
    tool_ids: &ToolIds,
    at: &FieldPath,
    issues: &mut Issues,
) -> Vec<IntentSpec> {
    if files.is_empty() {
        issues.push(at.clone(), "scenario has no intents".to_owned());
    } else {
        issues.weights(
            at,
            "intent weights",
            files.iter().enumerate().map(|(idx, file)| {
                (
                    at.index(idx).field("weight"),
                    format!("weight of intent `{}`", file.id),
                    file.weight,
                )
            }),
        );
    }
    check_unique(
        files.iter().enumerate().map(|(idx, file)| (file.id.as_str(), at.index(idx).field("id"))),
        "intent",
        issues,
    );
    files
        .iter()
        .enumerate()
        .map(|(idx, file)| intent(file, tools, tool_ids, &at.index(idx), issues))
        .collect()
}

fn intent(
    file: &IntentFile,
    tools: &[ToolSpec],
    tool_ids: &ToolIds,
    at: &FieldPath,
    issues: &mut Issues,
) -> IntentSpec {
    let name = &file.id;
    let steps_path = at.field("steps");
    if file.steps.is_empty() {
        issues.push(steps_path.clone(), format!("intent `{name}` has no steps"));
    }
    if file.steps.len() > MAX_STEPS {
        issues.push(
            steps_path.index(MAX_STEPS),
            format!(
                "intent `{name}` has {} steps; at most {MAX_STEPS} are supported",
                file.steps.len()
            ),
        );
    }
    let mut steps = Vec::with_capacity(file.steps.len());
    // The effect and args of each step whose tool exists, for the outcome checks.
    let mut known = Vec::with_capacity(file.steps.len());
    let mut asks_oracle = false;
    for (idx, step_file) in file.steps.iter().enumerate() {
        let what = format!("intent `{name}` step {}", idx + 1);
        let step =
            step(step_file, &what, asks_oracle, tools, tool_ids, &steps_path.index(idx), issues);
        let tool = tool_ids.get(&step_file.tool).map(|id| &tools[usize::from(id)]);
        if let Some(tool) = tool {
            asks_oracle |= tool.effect == Effect::AskOracle;
            known.push((tool.effect, step.args));
        }
        steps.push(step);
    }
    if file.oracle_no_ends && !asks_oracle {
        issues.push(
            at.field("oracle_no_ends"),
            format!("intent `{name}` ends on the oracle's no but no step asks the oracle"),
        );
    }
    let goal_slots = steps
        .iter()
        .flat_map(|step: &Step| step.args.iter())
        .fold(SlotSet::EMPTY, |set, slot| if slot.is_identity() { set } else { set.with(slot) });
    let spec = IntentSpec {
        id: name.clone(),
        flow: file.flow.clone(),
        weight: file.weight,
        steps,
        eligibility: file.eligibility.into(),
        resolved: file.resolved.iter().map(|outcome| Outcome::from(*outcome)).collect(),
        goal_slots,
        oracle_no_ends: file.oracle_no_ends,
    };
    if known.len() == file.steps.len() {
        // Otherwise a step names an unknown tool (already reported) and what the intent can reach is unknown too.
        check_outcomes(file, &known, asks_oracle, at, issues);
    }
    spec
}

/// Reports an eligibility rule no step checks and outcomes no step can bring about.
fn check_outcomes(
    file: &IntentFile,
    known: &[(Effect, SlotSet)],
    asks_oracle: bool,
    at: &FieldPath,
    issues: &mut Issues,
) {
    let name = &file.id;
    let has_effect = |effect| known.iter().any(|(step_effect, _)| *step_effect == effect);
    let eligibility_checked = match file.eligibility {
        EligibilityFile::Always => true,
        EligibilityFile::ReturnWindow | EligibilityFile::OracleOrMember => {
            has_effect(Effect::Membership)
        }
        EligibilityFile::OracleYes => {
            has_effect(Effect::Membership) || (file.oracle_no_ends && asks_oracle)
        }
    };
    if !eligibility_checked {
        issues.push(
            at.field("eligibility"),
            format!(
                "intent `{name}` has eligibility {:?} but no Membership step (or oracle_no_ends after an AskOracle step) checks it",
                file.eligibility
            ),
        );
    }
    let resolved_path = at.field("resolved");
    if file.resolved.is_empty() {
        issues.push(resolved_path.clone(), format!("intent `{name}` has no resolved outcomes"));
    }
    for (idx, outcome) in file.resolved.iter().enumerate() {
        let (effect, slot) = needs(*outcome);
        let reachable = known.iter().any(|(step_effect, args)| {
            *step_effect == effect && slot.is_none_or(|slot| args.contains(slot))
        });
        if !reachable {
            let with = slot
                .map(|slot| format!(" and arg `{}`", slot.standard_name().unwrap_or("?")))
                .unwrap_or_default();
            issues.push(
                resolved_path.index(idx),
                format!(
                    "intent `{name}` cannot reach {outcome:?}: no step calls a tool with effect {effect:?}{with}"
                ),
            );
        }
    }
}

fn step(
    file: &StepFile,
    what: &str,
    oracle_asked_before: bool,
    tools: &[ToolSpec],
    tool_ids: &ToolIds,
    at: &FieldPath,
    issues: &mut Issues,
) -> Step {
    let tool_id = tool_ids.get(&file.tool);
    if tool_id.is_none() {
        issues.push(at.field("tool"), format!("{what} names unknown tool `{}`", file.tool));
    }
    let tool = tool_id.map(|id| &tools[usize::from(id)]);
    let when = When::from(file.when);
    if when != When::Always && !oracle_asked_before {
        issues.push(
            at.field("when"),
            format!("{what} depends on the oracle's answer but no earlier step asks the oracle"),
        );
    }
    let (args, default_min) = match (&file.args, tool) {
        (Some(names), _) => {
            let args = slot_set(names, &at.field("args"), issues);
            let n_args = u8::try_from(args.len()).unwrap_or(u8::MAX);
            match tool {
                Some(tool) if tool.effect == Effect::VerifyIdentity => {
                    (args, tool.min_args.min(n_args))
                }
                _ => (args, n_args),
            }
        }
        (None, Some(tool)) => (tool.args, tool.min_args),
        (None, None) => (SlotSet::EMPTY, 0),
    };
    let min_args = file.min_args.unwrap_or(default_min);
    let step = Step { tool: tool_id.unwrap_or(0), when, args, min_args };
    if file.args.is_none() && file.min_args.is_none() {
        // The tool's own args and min_args, checked with the tool.
        return step;
    }
    let min_path = if file.min_args.is_some() { at.field("min_args") } else { at.field("args") };
    let reported = check_min_args(min_args, args, what, min_path.clone(), issues);
    let too_few = tool.filter(|tool| !reported && min_args < tool.min_args);
    if let Some(tool) = too_few {
        issues.push(
            min_path,
            format!(
                "{what} needs only {min_args} args but tool `{}` fails with fewer than {}",
                tool.id, tool.min_args
            ),
        );
    }
    step
}

/// The tool effect, and the argument it must be given, that can bring `outcome` about.
fn needs(outcome: OutcomeFile) -> (Effect, Option<Slot>) {
    match outcome {
        OutcomeFile::RefundedGoalAmount => (Effect::Refund, Some(Slot::AMOUNT)),
        OutcomeFile::AccountFieldIsGoal(_) => (Effect::UpdateAccount, Some(Slot::NEW_VALUE)),
        OutcomeFile::OrderOptionIsGoal => (Effect::UpdateOrder, Some(Slot::ORDER_OPTION)),
        OutcomeFile::PasswordReset => (Effect::MakePassword, None),
        OutcomeFile::LinkSent => (Effect::SendLink, None),
        OutcomeFile::PromoIssued => (Effect::PromoCode, None),
        OutcomeFile::Purchased => (Effect::MakePurchase, None),
        OutcomeFile::TeamNotified => (Effect::NotifyTeam, None),
        OutcomeFile::Disclosed(_) => (Effect::PullUpAccount, None),
    }
}
