//! Intents and their steps: tool references, step args and their defaults, oracle conditions, reachable outcomes, goal slots.

use sim_core::act::{Slot, SlotSet};
use sim_core::expr::ExprType;
use sim_core::spec::{
    Effect, Eligibility, IntentSpec, MAX_OBJECTIONS, ObjectionSpec, Outcome, Step, ToolSpec, When,
};

use super::records::{Names, Reads};
use super::{Issues, ToolIds, check_min_args, check_unique, slot_set};
use crate::file::{EligibilityFile, IntentFile, OutcomeFile, SlotName, StepFile, WhenFile};
use crate::path::FieldPath;

/// Most steps an intent may have (agents keep one bit per step).
pub const MAX_STEPS: usize = 64;

pub(super) fn intents(
    files: &[IntentFile],
    tools: &[ToolSpec],
    tool_ids: &ToolIds,
    names: &Names,
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
        .map(|(idx, file)| intent(file, tools, tool_ids, names, &at.index(idx), issues))
        .collect()
}

fn intent(
    file: &IntentFile,
    tools: &[ToolSpec],
    tool_ids: &ToolIds,
    names: &Names,
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
    let mut conditions = Vec::new();
    for (idx, step_file) in file.steps.iter().enumerate() {
        let what = format!("intent `{name}` step {}", idx + 1);
        let at = steps_path.index(idx);
        let when = match &step_file.when {
            WhenFile::Holds(condition) => {
                conditions.push(world_condition(condition, name, names, &at.field("when"), issues));
                Some(When::Holds(u8::try_from(conditions.len() - 1).unwrap_or(u8::MAX)))
            }
            WhenFile::Unfixed => {
                if file.fixed.is_none() {
                    let at = at.field("when");
                    issues.push(at, format!("{what} applies while the problem is not fixed, but intent `{name}` says nothing of when it is (`fixed:`)"));
                }
                Some(When::Unfixed)
            }
            _ => None,
        };
        let ctx =
            StepCtx { oracle_asked_before: asks_oracle, earlier: &steps, tools, tool_ids, names };
        let mut step = step(step_file, &what, &ctx, &at, issues);
        if let Some(when) = when {
            step.when = when;
        }
        let tool = tool_ids.get(&step_file.tool).map(|id| &tools[usize::from(id)]);
        if let Some(tool) = tool {
            asks_oracle |= tool.effect == Effect::AskOracle;
            known.push((&tool.effect, step.args));
        }
        steps.push(step);
    }
    if file.oracle_no_ends && !asks_oracle {
        issues.push(
            at.field("oracle_no_ends"),
            format!("intent `{name}` ends on the oracle's no but no step asks the oracle"),
        );
    }
    let is_identity = |slot: Slot| {
        if slot.is_standard() {
            return slot.is_identity();
        }
        names.declared(slot).is_some_and(|spec| spec.identity)
    };
    let answers =
        super::records::answers(file, &steps, tools, tool_ids, names, &at.field("answers"), issues);
    // What the customer brings: the non-identity values the steps take, except the facts they ask about.
    let goal_slots = steps
        .iter()
        .flat_map(|step: &Step| step.args.iter())
        .filter(|slot| !answers.iter().any(|(answer, _)| answer == slot))
        .fold(SlotSet::EMPTY, |set, slot| if is_identity(slot) { set } else { set.with(slot) });
    let eligibility = match &file.eligibility {
        EligibilityFile::Always => Eligibility::Always,
        EligibilityFile::ReturnWindow => Eligibility::ReturnWindow,
        EligibilityFile::OracleOrMember => Eligibility::OracleOrMember,
        EligibilityFile::OracleYes => Eligibility::OracleYes,
        EligibilityFile::Holds(condition) => Eligibility::Holds(world_condition(
            condition,
            name,
            names,
            &at.field("eligibility"),
            issues,
        )),
    };
    let resolved_path = at.field("resolved");
    let with_goals = Reads { args: false, goals: true };
    let resolved = file
        .resolved
        .iter()
        .enumerate()
        .map(|(idx, outcome)| {
            let at = resolved_path.index(idx);
            resolved_outcome(outcome, file, (&steps, tool_ids), names, with_goals, &at, issues)
        })
        .collect::<Vec<_>>();
    let spec = IntentSpec {
        id: name.clone(),
        flow: file.flow.clone(),
        weight: file.weight,
        steps,
        eligibility,
        resolved,
        goal_slots,
        oracle_no_ends: file.oracle_no_ends,
        phrase: file.phrase.clone(),
        claims: super::records::claims(file, tools, tool_ids, names, &at.field("claims"), issues),
        offer: file.offer.as_ref().and_then(|offer| {
            super::records::offer(offer, names, tool_ids, &at.field("offer"), issues)
        }),
        objections: objections(file, tools, tool_ids, &at.field("objections"), issues),
        goals: world_goals(file, goal_slots, names, &at.field("goals"), issues),
        answers,
        premise: file
            .premise
            .as_ref()
            .map(|condition| world_condition(condition, name, names, &at.field("premise"), issues)),
        conditions,
        fixed: file
            .fixed
            .as_ref()
            .map(|condition| world_condition(condition, name, names, &at.field("fixed"), issues)),
    };
    let conditioned =
        spec.steps.iter().any(|step| matches!(step.when, When::Accepted | When::Rejected));
    if conditioned && spec.offer.is_none() {
        issues.push(
            at.field("steps"),
            format!(
                "intent `{name}` has steps that depend on an offer's answer but makes no offer"
            ),
        );
    }
    if spec.offer.is_some() && !conditioned {
        issues.push(
            at.field("offer"),
            format!("intent `{name}` makes an offer but no step depends on the answer (use `when: Accepted` or `Rejected`)"),
        );
    }
    if known.len() == file.steps.len() {
        // Otherwise a step names an unknown tool (already reported) and what the intent can reach is unknown too.
        check_outcomes(file, &spec, &known, asks_oracle, names, at, issues);
    }
    spec
}

/// A condition on the world alone (a premise, a step's `Holds`, when a problem is fixed), checked.
fn world_condition(
    condition: &crate::file::ExprFile,
    intent: &str,
    names: &Names,
    at: &FieldPath,
    issues: &mut Issues,
) -> sim_core::expr::Expr {
    let world_only = Reads { args: false, goals: false };
    let condition = names.expr(condition, ExprType::Bool, world_only, None, at, issues);
    names.focus_reads(&condition, &format!("intent `{intent}`"), at, issues);
    condition
}

/// Builds one resolved outcome, with the expressions in it checked.
fn resolved_outcome(
    outcome: &OutcomeFile,
    file: &IntentFile,
    (steps, tool_ids): (&[Step], &ToolIds),
    names: &Names,
    reads: Reads,
    at: &FieldPath,
    issues: &mut Issues,
) -> Outcome {
    let name = &file.id;
    match outcome {
        OutcomeFile::Holds(condition) => {
            let condition = names.expr(condition, ExprType::Bool, reads, None, at, issues);
            names.focus_reads(&condition, &format!("intent `{name}`"), at, issues);
            Outcome::Holds(condition)
        }
        OutcomeFile::TurnedDown(most) => {
            let world_only = Reads { args: false, goals: false };
            let most = names.expr(most, ExprType::Number, world_only, None, at, issues);
            names.focus_reads(&most, &format!("intent `{name}`"), at, issues);
            if file.offer.is_none() {
                issues.push(
                    at.clone(),
                    format!("intent `{name}`: TurnedDown needs an offer to turn down"),
                );
            }
            Outcome::TurnedDown(most)
        }
        OutcomeFile::AnyOf(outcomes) => Outcome::AnyOf(
            outcomes
                .iter()
                .enumerate()
                .map(|(idx, inner)| {
                    let at = at.index(idx);
                    resolved_outcome(inner, file, (steps, tool_ids), names, reads, &at, issues)
                })
                .collect(),
        ),
        OutcomeFile::Tried(tool) => {
            let id = tool_ids.get(tool).filter(|id| steps.iter().any(|step| step.tool == *id));
            if id.is_none() {
                issues.push(
                    at.clone(),
                    format!("intent `{name}`: Tried names `{tool}`, which is no tool of its steps"),
                );
            }
            Outcome::Tried(id.unwrap_or(0))
        }
        OutcomeFile::Fixed if file.fixed.is_none() => {
            issues.push(at.clone(), format!("intent `{name}`: Fixed needs `fixed:`, the condition under which the problem is gone"));
            Outcome::Fixed
        }
        OutcomeFile::IfUnsatisfied(inner) if inner.native().is_none() => {
            issues.push(
                at.clone(),
                format!("intent `{name}`: IfUnsatisfied takes a native outcome, not a condition"),
            );
            Outcome::StepsTaken
        }
        native => native.native().expect("every other outcome is native"),
    }
}

/// What a step is checked against.
struct StepCtx<'a> {
    oracle_asked_before: bool,
    earlier: &'a [Step],
    tools: &'a [ToolSpec],
    tool_ids: &'a ToolIds<'a>,
    names: &'a Names,
}

/// Goal values an intent reads from the world: each for a built-in slot its steps ask as a goal, a number read from
/// the world (the focus of lists).
fn world_goals(
    file: &IntentFile,
    goal_slots: SlotSet,
    names: &Names,
    at: &FieldPath,
    issues: &mut Issues,
) -> Vec<(Slot, sim_core::expr::Expr)> {
    let world_only = Reads { args: false, goals: false };
    let mut out = Vec::new();
    for (idx, (crate::file::SlotName(slot_name), value)) in file.goals.iter().enumerate() {
        let path = at.index(idx);
        let value = names.expr(value, ExprType::Number, world_only, None, &path, issues);
        names.focus_reads(&value, &format!("intent `{}`", file.id), &path, issues);
        let Some(slot) = names.slot(slot_name) else {
            issues.push(path, format!("unknown slot `{slot_name}`"));
            continue;
        };
        if !slot.is_standard() || !goal_slots.contains(slot) {
            issues.push(
                path,
                format!(
                    "`{slot_name}` is not a built-in goal slot of intent `{}` (declared slots hold their field's value already)",
                    file.id
                ),
            );
            continue;
        }
        out.push((slot, value));
    }
    out
}

/// Builds an intent's objections: each with a name of its own, a phrase, a rate in [0, 1] and a remedy tool that
/// takes no arguments.
fn objections(
    file: &IntentFile,
    tools: &[ToolSpec],
    tool_ids: &ToolIds,
    at: &FieldPath,
    issues: &mut Issues,
) -> Vec<ObjectionSpec> {
    let name = &file.id;
    if !file.objections.is_empty() && file.offer.is_none() {
        issues.push(at.clone(), format!("intent `{name}` has objections but makes no offer"));
    }
    if file.objections.len() > MAX_OBJECTIONS {
        issues.push(at.clone(), format!("an intent declares at most {MAX_OBJECTIONS} objections"));
    }
    let mut out = Vec::new();
    for (idx, objection) in file.objections.iter().enumerate().take(MAX_OBJECTIONS) {
        let path = at.index(idx);
        let what = format!("objection `{}`", objection.name);
        if file.objections[..idx].iter().any(|other| other.name == objection.name) {
            issues.push(path.field("name"), format!("{what} is declared twice"));
        }
        if objection.phrase.trim().is_empty() {
            issues.push(path.field("phrase"), format!("{what} has an empty phrase"));
        }
        if !objection.rate.is_finite() || !(0.0..=1.0).contains(&objection.rate) {
            issues.push(
                path.field("rate"),
                format!("{what} has rate {}; it must be in [0, 1]", objection.rate),
            );
        }
        let Some(remedy) = tool_ids.get(&objection.remedy) else {
            issues.push(
                path.field("remedy"),
                format!("{what} names unknown tool `{}`", objection.remedy),
            );
            continue;
        };
        if !tools[usize::from(remedy)].args.is_empty() {
            issues.push(
                path.field("remedy"),
                format!("{what}: remedy `{}` must take no args", objection.remedy),
            );
        }
        out.push(ObjectionSpec {
            name: objection.name.clone(),
            phrase: objection.phrase.clone(),
            rate: objection.rate,
            remedy,
        });
    }
    out
}

/// Reports an eligibility rule no step checks and outcomes no step can bring about.
fn check_outcomes(
    file: &IntentFile,
    spec: &IntentSpec,
    known: &[(&Effect, SlotSet)],
    asks_oracle: bool,
    names: &Names,
    at: &FieldPath,
    issues: &mut Issues,
) {
    let name = &file.id;
    let has_effect = |effect| known.iter().any(|(step_effect, _)| **step_effect == effect);
    // A data tool checks a condition when it has a `pre` and checks nothing but which list instance it is about.
    let refuses = known.iter().any(|(effect, _)| match effect {
        Effect::Data(data) => {
            data.pre.is_some()
                && data.check.iter().all(|slot| names.list_picked_by(*slot).is_some())
        }
        other => **other == Effect::Membership,
    });
    let eligibility_checked = match file.eligibility {
        EligibilityFile::Holds(_) => refuses,
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
                "intent `{name}` has eligibility {} but no step checks it (a Membership step, a data tool with only a `pre` condition, or oracle_no_ends after an AskOracle step)",
                eligibility_name(&file.eligibility)
            ),
        );
    }
    let resolved_path = at.field("resolved");
    if file.resolved.is_empty() {
        issues.push(resolved_path.clone(), format!("intent `{name}` has no resolved outcomes"));
    }
    for (idx, outcome) in file.resolved.iter().enumerate() {
        if let Some(problem) = unreachable(outcome, &spec.resolved[idx], spec, known, names) {
            issues
                .push(resolved_path.index(idx), format!("intent `{name}` cannot reach {problem}"));
        }
    }
}

fn step(file: &StepFile, what: &str, ctx: &StepCtx, at: &FieldPath, issues: &mut Issues) -> Step {
    let StepCtx { oracle_asked_before, earlier, tools, tool_ids, names } = *ctx;
    let tool_id = tool_ids.get(&file.tool);
    if tool_id.is_none() {
        issues.push(at.field("tool"), format!("{what} names unknown tool `{}`", file.tool));
    }
    let tool = tool_id.map(|id| &tools[usize::from(id)]);
    let when = match &file.when {
        WhenFile::Always => When::Always,
        WhenFile::Accepted => When::Accepted,
        WhenFile::Rejected => When::Rejected,
        WhenFile::Unsatisfied => When::Unsatisfied,
        // Built by the caller, which keeps the intent's conditions.
        WhenFile::Holds(_) | WhenFile::Unfixed => When::Always,
        WhenFile::OracleYes | WhenFile::OracleNo => {
            if !oracle_asked_before {
                issues.push(
                    at.field("when"),
                    format!(
                        "{what} depends on the oracle's answer but no earlier step asks the oracle"
                    ),
                );
            }
            if file.when == WhenFile::OracleYes { When::OracleYes } else { When::OracleNo }
        }
        WhenFile::Passed(name) | WhenFile::Failed(name) => {
            let id = tool_ids.get(name);
            match id {
                None => issues
                    .push(at.field("when"), format!("{what} depends on unknown tool `{name}`")),
                Some(id) if !earlier.iter().any(|step| step.tool == id) => issues.push(
                    at.field("when"),
                    format!("{what} depends on tool `{name}` but no earlier step calls it"),
                ),
                Some(_) => {}
            }
            let id = id.unwrap_or(0);
            if matches!(file.when, WhenFile::Passed(_)) {
                When::Passed(id)
            } else {
                When::Failed(id)
            }
        }
    };
    let (args, default_min) = match (&file.args, tool) {
        (Some(slot_names), _) => {
            let args = slot_set(slot_names, names, &at.field("args"), issues);
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
    let reports = file.reports.as_ref().and_then(|SlotName(name)| {
        let slot = names.slot(name);
        if slot.is_none() {
            issues.push(at.field("reports"), format!("{what} reports unknown slot `{name}`"));
        }
        let data = tool.is_some_and(|tool| matches!(tool.effect, Effect::Data(_)));
        if tool.is_some() && !data {
            let at = at.field("reports");
            issues.push(at, format!("{what}: only a data tool's step can report a slot"));
        }
        slot
    });
    let step = Step {
        tool: tool_id.unwrap_or(0),
        when,
        args,
        min_args,
        optional: file.optional,
        group: file.group,
        reports,
        tell: file.tell,
    };
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

/// Why no step of the intent can bring `outcome` about, if none can.
fn unreachable(
    file: &OutcomeFile,
    outcome: &Outcome,
    spec: &IntentSpec,
    known: &[(&Effect, SlotSet)],
    names: &Names,
) -> Option<String> {
    let condition = match (file, outcome) {
        (_, Outcome::Holds(condition)) => condition,
        (OutcomeFile::Fixed, _) => spec.fixed.as_ref()?,
        (OutcomeFile::AnyOf(files), Outcome::AnyOf(outcomes)) => {
            let mut why = Vec::new();
            for (file, outcome) in files.iter().zip(outcomes) {
                why.push(unreachable(file, outcome, spec, known, names)?);
            }
            return Some(format!("any of its AnyOf outcomes: {}", why.join("; ")));
        }
        (
            OutcomeFile::StepsTaken
            | OutcomeFile::Tried(_)
            | OutcomeFile::TurnedDown(_)
            | OutcomeFile::IfUnsatisfied(_),
            _,
        ) => {
            let inner = match file {
                OutcomeFile::IfUnsatisfied(inner) if inner.native().is_some() => inner,
                _ => return None,
            };
            return unreachable(inner, &inner.native()?, spec, known, names);
        }
        (file, _) => {
            let (effect, slot) = needs(file);
            let reachable = known.iter().any(|(step_effect, args)| {
                **step_effect == effect && slot.is_none_or(|slot| args.contains(slot))
            });
            if reachable {
                return None;
            }
            let with = slot
                .map(|slot| format!(" and arg `{}`", slot.standard_name().unwrap_or("?")))
                .unwrap_or_default();
            return Some(format!("{file:?}: no step calls a tool with effect {effect:?}{with}"));
        }
    };
    let layout = &names.layout;
    // Every instance of each field read, and the lists read as a whole (Count, Sum, At) or through a field.
    let fields = layout.instances(condition.fields_read());
    let lists = condition.lists_read() | layout.lists_in(condition.fields_read());
    let changes_builtin = condition.builtins_read().iter().any(|fact| {
        fact.changed_by().is_some_and(|needed| known.iter().any(|(effect, _)| **effect == needed))
    });
    let sets = changes_builtin
        || known.iter().any(|(effect, _)| match effect {
            Effect::Data(data) => {
                let added = data.add.as_ref().is_some_and(|add| lists & (1 << add.list) != 0);
                let set = data
                    .set
                    .iter()
                    .fold(0, |cells, (field, _)| cells | layout.instances(1u64 << field));
                fields & set != 0 || added
            }
            _ => false,
        });
    (!sets).then(|| "its resolved condition: no step's tool sets a field it reads, adds a record it counts, or changes a built-in fact it reads".to_owned())
}

/// The tool effect, and the argument it must be given, that can bring `outcome` about.
fn needs(outcome: &OutcomeFile) -> (Effect, Option<Slot>) {
    match outcome {
        OutcomeFile::RefundedGoalAmount => (Effect::Refund, Some(Slot::AMOUNT)),
        OutcomeFile::AccountFieldIsGoal(_) => (Effect::UpdateAccount, Some(Slot::NEW_VALUE)),
        OutcomeFile::OrderOptionIsGoal => (Effect::UpdateOrder, Some(Slot::ORDER_OPTION)),
        OutcomeFile::PasswordReset => (Effect::MakePassword, None),
        OutcomeFile::LinkSent => (Effect::SendLink, None),
        OutcomeFile::PromoIssued => (Effect::PromoCode, None),
        OutcomeFile::Purchased => (Effect::MakePurchase, None),
        OutcomeFile::TeamNotified => (Effect::NotifyTeam, None),
        OutcomeFile::AccountUpdated => (Effect::UpdateAccount, None),
        OutcomeFile::Disclosed(_) => (Effect::PullUpAccount, None),
        OutcomeFile::Holds(_)
        | OutcomeFile::StepsTaken
        | OutcomeFile::Tried(_)
        | OutcomeFile::IfUnsatisfied(_)
        | OutcomeFile::Fixed
        | OutcomeFile::AnyOf(_)
        | OutcomeFile::TurnedDown(_) => {
            unreachable!(
                "conditions are checked by the fields they read; the others need no particular tool"
            )
        }
    }
}

/// An eligibility rule's name for messages.
fn eligibility_name(eligibility: &EligibilityFile) -> &'static str {
    match eligibility {
        EligibilityFile::Always => "Always",
        EligibilityFile::ReturnWindow => "ReturnWindow",
        EligibilityFile::OracleOrMember => "OracleOrMember",
        EligibilityFile::OracleYes => "OracleYes",
        EligibilityFile::Holds(_) => "Holds(...)",
    }
}
