//! Each rule kind: a planted violation is caught at its turn with its reason; the by-the-book sequence is clean.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::act::{ActKind, Speaker};
use crate::record::TurnRecord;
use crate::spec::{PersonaSpec, ScenarioSpec};
use crate::testing::{calm_persona, tiny_scenario};
use crate::world::{ToolArgs, ToolOutcome, WorldState};

// tiny_scenario: tools 0 pull-up-account, 1 verify-identity, 2 validate-purchase, 3 update-account,
// 4 offer-refund; intent 0 = change address (0, 1, 3), intent 1 = refund (0, 2, 4);
// rules 0 step order, 1 steps complete, 2 refund within total, 3 no change unverified,
// 4 update-account requires verify-identity, 5 confirm before close, 6 human on the second request within 1.
const PASS: ToolOutcome = ToolOutcome { passed: true, value: 0 };
const FAIL: ToolOutcome = ToolOutcome { passed: false, value: 0 };

enum Turn {
    Call(u8, ToolOutcome),
    /// A call entering the world's true identity values (what a customer who knows them said).
    CallTrue(u8, ToolOutcome),
    Refund(u64),
    Say(ActKind),
}

/// Plays `turns` (turn index = position) through the policy oracle and returns the failed verdicts of the
/// tool-level rules 0–4 (the conversation-level rules 5 and 6 need a log; see `check_log`).
fn check(intent: usize, turns: &[Turn]) -> Vec<(u16, u16, Reason)> {
    let scenario = tiny_scenario();
    let world = world(&scenario);
    let mut state = PolicyState::default();
    let mut refunded = 0;
    let mut out = Vec::new();
    let mut log: Vec<TurnRecord> = Vec::new();
    for (turn, step) in turns.iter().enumerate() {
        let turn = turn as u16;
        match step {
            Turn::Call(tool, outcome) | Turn::CallTrue(tool, outcome) => {
                let mut args = ToolArgs::default();
                if matches!(step, Turn::CallTrue(..)) {
                    // The customer states the values first; the call enters them.
                    let mut said = crate::act::Act::bare(ActKind::Inform);
                    for slot in scenario.tools[*tool as usize].args.iter().take(3) {
                        let value = world.true_value(slot).expect("an identity slot");
                        said.put(slot, value);
                        args.push(slot, value);
                    }
                    log.push(TurnRecord { act: Some(said), ..row(turn, Speaker::Customer, None) });
                }
                judge_call(
                    &scenario,
                    &scenario.intents[intent],
                    &world,
                    refunded,
                    &mut state,
                    turn,
                    *tool,
                    &args,
                    &mut out,
                );
                record_call(&scenario, &mut state, *tool, *outcome);
                log.push(TurnRecord {
                    tool: Some(*tool),
                    args,
                    outcome: Some(*outcome),
                    ..row(turn, Speaker::Tool, None)
                });
            }
            Turn::Refund(amount) => {
                let mut args = ToolArgs::default();
                args.push(crate::act::Slot::AMOUNT, *amount);
                judge_call(
                    &scenario,
                    &scenario.intents[intent],
                    &world,
                    refunded,
                    &mut state,
                    turn,
                    4,
                    &args,
                    &mut out,
                );
                record_call(&scenario, &mut state, 4, PASS);
                refunded += amount;
            }
            Turn::Say(act) => judge_say(
                &scenario,
                &scenario.intents[intent],
                &world,
                &mut state,
                &log,
                turn,
                &crate::act::Act::bare(*act),
                &mut out,
            ),
        }
    }
    out.iter()
        .filter(|verdict| !matches!(verdict.rule, RuleRef::Policy(5 | 6)))
        .map(|verdict| match verdict.rule {
            RuleRef::Policy(rule) => (rule, verdict.turn, verdict.reason),
            other => panic!("unexpected {other:?}"),
        })
        .collect()
}

fn world(scenario: &ScenarioSpec) -> WorldState {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    WorldState::generate(scenario, &mut rng)
}

use Turn::*;

#[test]
fn by_the_book_sequences_are_clean() {
    let change = [
        Call(0, PASS),
        Call(1, PASS),
        Call(3, PASS),
        Say(ActKind::AnythingElse),
        Say(ActKind::Close),
    ];
    assert_eq!(check(0, &change), vec![]);
    let total = world(&tiny_scenario()).order.total();
    let refund = [Call(0, PASS), Call(2, PASS), Refund(total), Say(ActKind::Close)];
    assert_eq!(check(1, &refund), vec![]);
    let declined = [Call(0, PASS), CallTrue(1, FAIL), Say(ActKind::Deny), Say(ActKind::Close)];
    assert_eq!(check(0, &declined), vec![]);
    let retried = [Call(0, PASS), Call(1, FAIL), Call(1, PASS), Call(3, PASS), Say(ActKind::Close)];
    assert_eq!(check(0, &retried), vec![]);
}

#[test]
fn step_order_flags_a_skipped_step_at_the_dependent_call() {
    let skipped = [Call(0, PASS), Say(ActKind::Ask), Call(3, PASS)];
    let expected = vec![
        (0, 2, Reason::StepSkipped { tool: 3, missing: 1 }),
        (4, 2, Reason::RequiresUnmet { tool: 3, missing: 1 }),
    ];
    assert_eq!(check(0, &skipped), expected);
}

#[test]
fn steps_complete_flags_an_early_close_at_the_close() {
    let early = [Call(0, PASS), Say(ActKind::Close)];
    assert_eq!(check(0, &early), vec![(1, 1, Reason::Unfinished { missing: 1 })]);
}

#[test]
fn amount_limit_flags_a_refund_above_what_is_left() {
    let total = world(&tiny_scenario()).order.total();
    let over = [Call(0, PASS), Call(2, PASS), Refund(total + 1)];
    assert_eq!(
        check(1, &over),
        vec![(2, 2, Reason::AmountOver { amount: total + 1, limit: total })]
    );
    let twice = [Call(0, PASS), Call(2, PASS), Refund(total), Refund(1)];
    assert_eq!(check(1, &twice), vec![(2, 3, Reason::AmountOver { amount: 1, limit: 0 })]);
}

#[test]
fn gate_flags_a_change_after_failed_verification() {
    let ignored = [Call(0, PASS), Call(1, FAIL), Call(3, PASS)];
    let expected = vec![
        (3, 2, Reason::GateClosed { gate: 1, tool: 3 }),
        (4, 2, Reason::RequiresUnmet { tool: 3, missing: 1 }),
    ];
    assert_eq!(check(0, &ignored), expected);
}

#[test]
fn resolution_compares_the_world_with_the_goal() {
    let scenario = tiny_scenario();
    let intent = &scenario.intents[0];
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut world = WorldState::generate(&scenario, &mut rng);
    let customer = Customer::generate(&scenario, 0, &calm_persona(), 0, intent, &world, &mut rng);
    let policy = PolicyState::default();
    assert_eq!(
        judge_resolution(&scenario, intent, &world, &customer, &policy, 9).reason,
        Reason::GoalNotReached
    );
    world.account.street = customer.goal(crate::act::Slot::NEW_VALUE);
    let verdict = judge_resolution(&scenario, intent, &world, &customer, &policy, 9);
    assert_eq!((verdict.passed, verdict.turn, verdict.reason), (true, 9, Reason::Resolved));
}

#[test]
fn resolution_for_an_impostor_needs_a_refusal_and_no_change() {
    let scenario = tiny_scenario();
    let intent = &scenario.intents[0];
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut world = WorldState::generate(&scenario, &mut rng);
    let mut persona = calm_persona();
    persona.impostor = true;
    let customer = Customer::generate(&scenario, 0, &persona, 0, intent, &world, &mut rng);
    let mut policy = PolicyState::default();
    assert_eq!(
        judge_resolution(&scenario, intent, &world, &customer, &policy, 4).reason,
        Reason::NeverDeclined
    );
    policy.declined = true;
    assert_eq!(
        judge_resolution(&scenario, intent, &world, &customer, &policy, 4).reason,
        Reason::DeclinedCorrectly
    );
    world.account_updates = 1;
    assert_eq!(
        judge_resolution(&scenario, intent, &world, &customer, &policy, 4).reason,
        Reason::GrantedWrongly
    );
}

/// ABCD's service and subscription changes: update-account without an account field to change counts the update,
/// whatever it is given, and `AccountUpdated` reads the count (a wrongful grant for an impostor).
#[test]
fn an_account_update_without_a_field_is_counted() {
    let mut scenario = tiny_scenario();
    scenario.intents[0].resolved = vec![Outcome::AccountUpdated];
    let intent = &scenario.intents[0];
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut world = WorldState::generate(&scenario, &mut rng);
    let customer = Customer::generate(&scenario, 0, &calm_persona(), 0, intent, &world, &mut rng);
    let policy = PolicyState::default();
    assert_eq!(
        judge_resolution(&scenario, intent, &world, &customer, &policy, 5).reason,
        Reason::GoalNotReached
    );
    let mut args = ToolArgs::default();
    args.push(crate::act::Slot::FULL_NAME, world.account.name);
    let before = world.account.clone();
    assert!(world.apply(&scenario, intent, 3, &args).passed);
    assert_eq!((world.account_updates, &world.account), (1, &before));
    assert_eq!(
        judge_resolution(&scenario, intent, &world, &customer, &policy, 5).reason,
        Reason::Resolved
    );
    let mut persona = calm_persona();
    persona.impostor = true;
    let impostor = Customer::generate(&scenario, 0, &persona, 0, intent, &world, &mut rng);
    assert_eq!(
        judge_resolution(&scenario, intent, &world, &impostor, &policy, 5).reason,
        Reason::GrantedWrongly
    );
}

#[test]
fn csat_proxy_follows_the_outcome() {
    // Resolved and closed: 3 to 5 by frustration.
    assert_eq!(csat(EndReason::Closed, true, 0.0), 5);
    assert_eq!(csat(EndReason::Closed, true, 0.5), 4);
    assert_eq!(csat(EndReason::Closed, true, 1.0), 3);
    // Resolved another way: 3, still above every unresolved ending.
    assert_eq!(csat(EndReason::Escalated, true, 0.0), 3);
    assert_eq!(csat(EndReason::Abandoned, true, 0.0), 3);
    // Unresolved: handed over 2; closed, left or failed 1, however calm the customer.
    assert_eq!(csat(EndReason::Escalated, false, 0.0), 2);
    assert_eq!(csat(EndReason::Closed, false, 0.0), 1);
    assert_eq!(csat(EndReason::Abandoned, false, 0.0), 1);
    assert_eq!(csat(EndReason::AgentFailed, false, 0.0), 1);
}

#[test]
fn requires_flags_a_call_before_its_prerequisite_succeeded() {
    let failed_first = [Call(0, PASS), Call(1, FAIL), Call(3, PASS)];
    let found = check(0, &failed_first);
    assert!(found.contains(&(4, 2, Reason::RequiresUnmet { tool: 3, missing: 1 })), "{found:?}");
    let retried = [Call(0, PASS), Call(1, FAIL), Call(1, PASS), Call(3, PASS)];
    assert_eq!(check(0, &retried), vec![]);
}

fn row(turn: u16, speaker: Speaker, kind: Option<ActKind>) -> TurnRecord {
    TurnRecord {
        turn,
        speaker,
        act: kind.map(crate::act::Act::bare),
        tool: (speaker == Speaker::Tool).then_some(0),
        args: ToolArgs::default(),
        outcome: (speaker == Speaker::Tool).then_some(PASS),
        text: None,
        text_seed: 0,
        frustration: 0.0,
        why: "",
    }
}

/// Runs the conversation-level checks on a log of (speaker, act) rows; returns failed (rule, turn, reason).
fn check_log(rows: &[(Speaker, Option<ActKind>)]) -> Vec<(u16, u16, Reason)> {
    let scenario = tiny_scenario();
    let world = world(&scenario);
    let mut state = PolicyState::default();
    let mut out = Vec::new();
    let mut log = Vec::new();
    for (turn, (speaker, kind)) in rows.iter().enumerate() {
        log.push(row(turn as u16, *speaker, *kind));
        if let (Speaker::Agent, Some(kind)) = (speaker, kind) {
            judge_say(
                &scenario,
                &scenario.intents[0],
                &world,
                &mut state,
                &log,
                turn as u16,
                &crate::act::Act::bare(*kind),
                &mut out,
            );
        }
        if *speaker != Speaker::Customer {
            judge_obligations(&scenario, &mut state, &log, &mut out);
        }
    }
    out.iter()
        .filter(|verdict| matches!(verdict.rule, RuleRef::Policy(5 | 6)))
        .map(|verdict| match verdict.rule {
            RuleRef::Policy(rule) => (rule, verdict.turn, verdict.reason),
            _ => unreachable!(),
        })
        .collect()
}

use Speaker::{Agent, Tool};
const CUSTOMER: Speaker = Speaker::Customer;

#[test]
fn confirm_before_close_needs_an_answered_anything_else_after_the_last_call() {
    let said = |kind| Some(kind);
    let confirmed = [
        (Tool, None),
        (Agent, said(ActKind::AnythingElse)),
        (CUSTOMER, said(ActKind::ThankBye)),
        (Agent, said(ActKind::Close)),
    ];
    assert_eq!(check_log(&confirmed), vec![]);
    let abrupt = [(Tool, None), (Agent, said(ActKind::Close))];
    assert_eq!(check_log(&abrupt), vec![(5, 1, Reason::ClosedUnconfirmed)]);
    let stale = [
        (Agent, said(ActKind::AnythingElse)),
        (CUSTOMER, said(ActKind::ThankBye)),
        (Tool, None),
        (Agent, said(ActKind::Close)),
    ];
    assert_eq!(check_log(&stale), vec![(5, 3, Reason::ClosedUnconfirmed)]);
}

#[test]
fn human_on_request_flags_the_turn_the_deadline_passes() {
    let said = |kind| Some(kind);
    let ignored = [
        (CUSTOMER, said(ActKind::DemandHuman)),
        (Agent, said(ActKind::Apologize)),
        (CUSTOMER, said(ActKind::DemandHuman)),
        (Agent, said(ActKind::Ask)),
        (CUSTOMER, said(ActKind::Inform)),
        (Agent, said(ActKind::Ask)),
    ];
    assert_eq!(check_log(&ignored), vec![(6, 3, Reason::HumanNotOffered { demand_turn: 2 })]);
    let honoured = [
        (CUSTOMER, said(ActKind::DemandHuman)),
        (Agent, said(ActKind::Apologize)),
        (CUSTOMER, said(ActKind::DemandHuman)),
        (Agent, said(ActKind::Transfer)),
    ];
    assert_eq!(check_log(&honoured), vec![]);
}

#[test]
fn arg_limit_flags_an_unapproved_value_over_the_limit() {
    let mut scenario = tiny_scenario();
    // Refunds over $50 need tool 1 to have succeeded first.
    scenario.rules.push(crate::spec::RuleSpec {
        id: "limit".into(),
        text: "limit".into(),
        kind: RuleKind::ArgLimit {
            tool: 4,
            arg: crate::act::Slot::AMOUNT,
            max: crate::expr::Expr::Const(5000),
            unless_after: vec![1],
        },
    });
    let rule = scenario.rules.len() as u16 - 1;
    let world = world(&scenario);
    let refund = |state: &mut PolicyState, amount: u64| {
        let mut args = ToolArgs::default();
        args.push(crate::act::Slot::AMOUNT, amount);
        let mut out = Vec::new();
        judge_call(&scenario, &scenario.intents[1], &world, 0, state, 7, 4, &args, &mut out);
        out.into_iter()
            .filter(|v| v.rule == RuleRef::Policy(rule))
            .map(|v| (v.turn, v.reason))
            .collect::<Vec<_>>()
    };
    let mut state = PolicyState::default();
    assert_eq!(refund(&mut state, 5000), vec![]);
    let over = Reason::OverLimit { arg: crate::act::Slot::AMOUNT, value: 5001, limit: 5000 };
    assert_eq!(refund(&mut state, 5001), vec![(7, over)]);
    record_call(&scenario, &mut state, 1, PASS);
    assert_eq!(refund(&mut state, 9000), vec![]);
}

/// tiny_scenario plus declared fields (0 `charge.amount` Money, 1 `charge.disputed` Money, 2 `account.flag` Bool),
/// a declared slot `dispute_amount` (slot 20) backed by field 0, and tool 5 `file-dispute` written as data.
fn declared_scenario() -> ScenarioSpec {
    use crate::expr::Expr;
    use crate::field::{FieldSpec, FieldType, Gen};
    use crate::spec::{DataEffect, Effect, SlotSpec, ToolSpec};
    let mut scenario = tiny_scenario();
    let field =
        |name: &str, ty, generator| FieldSpec { name: name.into(), ty, generator, instance: None };
    scenario.fields = vec![
        field("charge.amount", FieldType::Money, Gen::Fixed(8000)),
        field("charge.disputed", FieldType::Money, Gen::Fixed(0)),
        field("account.flag", FieldType::Bool, Gen::Fixed(0)),
    ];
    scenario.slots = vec![SlotSpec {
        name: "dispute_amount".into(),
        noun: "the amount of the charge".into(),
        field: 0,
        identity: false,
    }];
    let dispute = crate::act::Slot(crate::act::Slot::FIRST_DECLARED);
    let left = || Expr::Sub(Box::new(Expr::Field(0)), Box::new(Expr::Field(1)));
    scenario.tools.push(ToolSpec {
        id: "file-dispute".into(),
        args: crate::act::SlotSet::one(dispute),
        min_args: 1,
        effect: Effect::Data(DataEffect {
            check: Vec::new(),
            check_min: 0,
            pre: Some(Expr::Le(Box::new(Expr::Arg(dispute.0)), Box::new(left()))),
            set: vec![(1, Expr::Add(Box::new(Expr::Field(1)), Box::new(Expr::Arg(dispute.0))))],
            value: Some(Expr::Arg(dispute.0)),
            add: None,
        }),
        instruction: None,
        says: None,
    });
    scenario
}

/// Calls tool 5 with `amount` on `world`, then judges the call; returns the outcome and the failed rules.
fn dispute(
    scenario: &ScenarioSpec,
    world: &mut WorldState,
    state: &mut PolicyState,
    amount: u64,
) -> (ToolOutcome, Vec<(u16, Reason)>) {
    let mut args = ToolArgs::default();
    args.push(crate::act::Slot(crate::act::Slot::FIRST_DECLARED), amount);
    let outcome = world.apply(scenario, &scenario.intents[1], 5, &args);
    let mut out = Vec::new();
    judge_call(scenario, &scenario.intents[1], world, 0, state, 3, 5, &args, &mut out);
    record_call(scenario, state, 5, outcome);
    let failed = out
        .into_iter()
        .filter_map(|v| match v.rule {
            RuleRef::Policy(rule) if !v.passed => Some((rule, v.reason)),
            _ => None,
        })
        .collect();
    (outcome, failed)
}

#[test]
fn data_effect_refuses_when_pre_fails_and_sets_fields_when_it_passes() {
    let scenario = declared_scenario();
    let mut world = world(&scenario);
    assert_eq!((world.fields[0], world.fields[1]), (8000, 0));
    let mut state = PolicyState::default();
    let (refused, _) = dispute(&scenario, &mut world, &mut state, 9000);
    assert_eq!(refused, ToolOutcome { passed: false, value: 0 });
    assert_eq!(world.fields[1], 0, "a refused call changes nothing");
    let (done, _) = dispute(&scenario, &mut world, &mut state, 3000);
    assert_eq!(done, ToolOutcome { passed: true, value: 3000 });
    assert_eq!(world.fields[1], 3000);
    assert_eq!(world.original_fields[1], 0);
}

#[test]
fn arg_limit_expression_is_judged_against_the_world_before_the_call() {
    let mut scenario = declared_scenario();
    // A limit the tool itself does not enforce: never dispute more than is left of the charge.
    scenario.tools[5].effect = crate::spec::Effect::Data(crate::spec::DataEffect {
        set: vec![(
            1,
            crate::expr::Expr::Add(
                Box::new(crate::expr::Expr::Field(1)),
                Box::new(crate::expr::Expr::Arg(crate::act::Slot::FIRST_DECLARED)),
            ),
        )],
        ..Default::default()
    });
    let left = crate::expr::Expr::Sub(
        Box::new(crate::expr::Expr::Field(0)),
        Box::new(crate::expr::Expr::Field(1)),
    );
    let slot = crate::act::Slot(crate::act::Slot::FIRST_DECLARED);
    scenario.rules.push(crate::spec::RuleSpec {
        id: "dispute-within-charge".into(),
        text: "dispute-within-charge".into(),
        kind: RuleKind::ArgLimit { tool: 5, arg: slot, max: left, unless_after: Vec::new() },
    });
    let rule = scenario.rules.len() as u16 - 1;
    let mut world = world(&scenario);
    let mut state = PolicyState::default();
    // $50 of $80: within; the next $50 is over the $30 left before that call (not the -$20 after it).
    assert_eq!(dispute(&scenario, &mut world, &mut state, 5000).1, vec![]);
    let over = Reason::OverLimit { arg: slot, value: 5000, limit: 3000 };
    assert_eq!(dispute(&scenario, &mut world, &mut state, 5000).1, vec![(rule, over)]);
}

#[test]
fn conditional_requires_applies_only_while_its_condition_holds() {
    let mut scenario = declared_scenario();
    // Rule 4 (update-account requires verify-identity) only on flagged accounts.
    scenario.rules[4].kind =
        RuleKind::Requires { tool: 3, after: vec![1], when: Some(crate::expr::Expr::Field(2)) };
    let update = |world: &WorldState| {
        let mut state = PolicyState::default();
        let mut out = Vec::new();
        let args = ToolArgs::default();
        judge_call(&scenario, &scenario.intents[0], world, 0, &mut state, 2, 3, &args, &mut out);
        out.into_iter()
            .filter(|v| v.rule == RuleRef::Policy(4))
            .map(|v| (v.turn, v.reason))
            .collect::<Vec<_>>()
    };
    let mut world = world(&scenario);
    assert_eq!(update(&world), vec![], "not flagged: the requirement does not apply");
    world.fields_before_call[2] = 1;
    assert_eq!(update(&world), vec![(2, Reason::RequiresUnmet { tool: 3, missing: 1 })]);
}

#[test]
fn holds_outcome_reads_the_world_and_the_customers_goal() {
    let mut scenario = declared_scenario();
    let slot = crate::act::Slot(crate::act::Slot::FIRST_DECLARED);
    scenario.intents[1].resolved = vec![Outcome::Holds(crate::expr::Expr::Eq(
        Box::new(crate::expr::Expr::Field(1)),
        Box::new(crate::expr::Expr::Goal(slot.0)),
    ))];
    scenario.intents[1].goal_slots = crate::act::SlotSet::one(slot);
    let mut world = world(&scenario);
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let intent = &scenario.intents[1];
    let customer = Customer::generate(&scenario, 0, &calm_persona(), 1, intent, &world, &mut rng);
    assert_eq!(customer.goal(slot), 8000, "the customer disputes the whole charge");
    let policy = PolicyState::default();
    let verdict = |world: &WorldState| {
        judge_resolution(&scenario, intent, world, &customer, &policy, 9).reason
    };
    assert_eq!(verdict(&world), Reason::GoalNotReached);
    world.fields[1] = 8000;
    assert_eq!(verdict(&world), Reason::Resolved);
    // For an impostor, any change to a field the condition reads is a wrongful grant.
    let persona = PersonaSpec { impostor: true, ..calm_persona() };
    let impostor = Customer::generate(&scenario, 0, &persona, 1, intent, &world, &mut rng);
    assert_eq!(
        judge_resolution(&scenario, intent, &world, &impostor, &policy, 9).reason,
        Reason::GrantedWrongly
    );
}

/// Plays agent offers of `values` and customer answers through the policy oracle with a no-pressure rule (7) and a
/// floor of 2400 (8); returns the failed verdicts of those two rules.
fn check_offers(rows: &[(Speaker, ActKind, u64)]) -> Vec<(u16, u16, Reason)> {
    let mut scenario = tiny_scenario();
    let rule = |id: &str, kind| crate::spec::RuleSpec { id: id.into(), text: id.into(), kind };
    scenario.rules.push(rule("no-pressure", RuleKind::NoPressureAfterNo));
    let floor = crate::expr::Expr::Const(2400);
    scenario.rules.push(rule("floor", RuleKind::OfferFloor { min: floor }));
    scenario.intents[1].offer = Some(crate::spec::OfferSpec {
        slot: crate::act::Slot::AMOUNT,
        value: crate::spec::OfferValue::Fixed(3000),
        concession: 15,
        threshold: 0,
        accept: crate::spec::Accept::AtMost,
    });
    let world = world(&scenario);
    let mut state = PolicyState::default();
    let mut out = Vec::new();
    let mut log = Vec::new();
    for (turn, (speaker, kind, value)) in rows.iter().enumerate() {
        let turn = turn as u16;
        let mut act = crate::act::Act::bare(*kind);
        act.slots = crate::act::SlotSet::one(crate::act::Slot::AMOUNT);
        act.values[0] = *value;
        log.push(TurnRecord { act: Some(act), ..row(turn, *speaker, Some(*kind)) });
        if *speaker == Agent {
            observe_customer(&mut state, &log);
            judge_say(
                &scenario,
                &scenario.intents[1],
                &world,
                &mut state,
                &log,
                turn,
                &act,
                &mut out,
            );
        }
    }
    out.iter()
        .filter_map(|verdict| match verdict.rule {
            RuleRef::Policy(rule @ (7 | 8)) => Some((rule, verdict.turn, verdict.reason)),
            _ => None,
        })
        .collect()
}

#[test]
fn no_pressure_after_no_flags_an_offer_after_a_rejection_and_not_after_an_objection() {
    let haggled = [
        (Agent, ActKind::Offer, 3000),
        (CUSTOMER, ActKind::Object, 0),
        (Agent, ActKind::Offer, 2550),
        (CUSTOMER, ActKind::Accept, 0),
    ];
    assert_eq!(check_offers(&haggled), vec![]);
    let pressed = [
        (Agent, ActKind::Offer, 3000),
        (CUSTOMER, ActKind::Reject, 0),
        (Agent, ActKind::Offer, 2500),
    ];
    assert_eq!(check_offers(&pressed), vec![(7, 2, Reason::PressureAfterNo { rejected_turn: 1 })]);
}

#[test]
fn offer_floor_flags_an_offer_below_it() {
    let fine = [(Agent, ActKind::Offer, 2400), (CUSTOMER, ActKind::Accept, 0)];
    assert_eq!(check_offers(&fine), vec![]);
    let under = [(Agent, ActKind::Offer, 2399)];
    assert_eq!(check_offers(&under), vec![(8, 0, Reason::BelowFloor { value: 2399, floor: 2400 })]);
}

#[test]
fn built_in_facts_read_the_account_and_order() {
    use crate::expr::{Builtin, Expr};
    let scenario = tiny_scenario();
    let mut world = world(&scenario);
    world.account.membership = 2;
    world.order.refunded = 700;
    world.order.option = 3;
    let env = world.focused(&scenario);
    let read = |fact| Expr::Builtin(fact).eval(&env);
    assert_eq!(read(Builtin::MembershipLevel), 2);
    assert_eq!(read(Builtin::Refunded), 700);
    assert_eq!(read(Builtin::OrderChange), 3);
    assert_eq!(read(Builtin::OrderTotal), world.order.total() as i64);
    assert_eq!(read(Builtin::OracleYes), i64::from(world.oracle_yes));
    assert!(Expr::Builtin(Builtin::ShippingStatus).reads_world());
    assert!(!Expr::Const(3).reads_world());
}

#[test]
fn truthful_claims_flags_a_stated_value_the_world_contradicts() {
    let mut scenario = declared_scenario();
    scenario.rules.push(crate::spec::RuleSpec {
        id: "truthful".into(),
        text: "truthful".into(),
        kind: RuleKind::TruthfulClaims,
    });
    let rule = scenario.rules.len() as u16 - 1;
    let world = world(&scenario);
    let slot = crate::act::Slot(crate::act::Slot::FIRST_DECLARED);
    let state_amount = |said: u64| {
        let mut act = crate::act::Act::bare(ActKind::Disclose);
        act.put(slot, said);
        let mut state = PolicyState::default();
        let mut out = Vec::new();
        judge_say(&scenario, &scenario.intents[1], &world, &mut state, &[], 4, &act, &mut out);
        out.into_iter()
            .filter(|v| v.rule == RuleRef::Policy(rule))
            .map(|v| (v.turn, v.reason))
            .collect::<Vec<_>>()
    };
    // The charge is $80.00 in this world.
    assert_eq!(state_amount(8000), vec![]);
    assert_eq!(state_amount(5000), vec![(4, Reason::FalseClaim { slot, said: 5000, truth: 8000 })]);
}

/// Plays a log through judge_say with an answer-objections rule (7) on an intent with two objections, answered by
/// tools 2 and 3; returns the rule's failed verdicts. Rows: an agent offer, a customer objection (`Some(idx)`) or
/// the price objection (`None`), or a tool call (tool, passed).
fn check_objections(rows: &[Row]) -> Vec<(u16, Reason)> {
    use crate::spec::{ObjectionSpec, RuleSpec};
    let mut scenario = tiny_scenario();
    let kind = RuleKind::AnswerObjections;
    scenario.rules.push(RuleSpec { id: "answer".into(), text: "answer".into(), kind });
    let objection = |name: &str, remedy| ObjectionSpec {
        name: name.into(),
        phrase: name.into(),
        rate: 1.0,
        remedy,
    };
    scenario.intents[1].objections = vec![objection("security", 2), objection("lock_in", 3)];
    let world = world(&scenario);
    let mut state = PolicyState::default();
    let (mut out, mut log) = (Vec::new(), Vec::new());
    for (turn, entry) in rows.iter().enumerate() {
        let turn = turn as u16;
        let record = match *entry {
            Row::Offer => row(turn, Agent, Some(ActKind::Offer)),
            Row::Object(objection) => TurnRecord {
                act: Some(crate::act::Act::object(objection)),
                ..row(turn, CUSTOMER, Some(ActKind::Object))
            },
            Row::Call(tool, passed) => TurnRecord {
                tool: Some(tool),
                outcome: Some(ToolOutcome { passed, value: 0 }),
                ..row(turn, Speaker::Tool, None)
            },
        };
        log.push(record);
        if let Row::Offer = entry {
            let act = crate::act::Act::bare(ActKind::Offer);
            let intent = &scenario.intents[1];
            judge_say(&scenario, intent, &world, &mut state, &log, turn, &act, &mut out);
        }
    }
    out.iter()
        .filter(|verdict| verdict.rule == RuleRef::Policy(7))
        .map(|verdict| (verdict.turn, verdict.reason))
        .collect()
}

/// A row of [`check_objections`]' log.
enum Row {
    Offer,
    Object(Option<u8>),
    Call(u8, bool),
}

#[test]
fn answer_objections_flags_an_offer_over_an_unanswered_concern_only() {
    use Row::*;
    // Answered by the remedy, or only the price objected to: clean.
    assert_eq!(check_objections(&[Offer, Object(Some(0)), Call(2, true), Offer]), vec![]);
    assert_eq!(check_objections(&[Offer, Object(None), Offer]), vec![]);
    // Ignored, answered by the wrong tool, or by a call that failed: flagged at the offer.
    let unanswered = |objection, remedy, raised_turn| Reason::ObjectionUnanswered {
        objection,
        remedy,
        raised_turn,
    };
    assert_eq!(check_objections(&[Offer, Object(Some(1)), Offer]), vec![(2, unanswered(1, 3, 1))]);
    assert_eq!(
        check_objections(&[Offer, Object(Some(0)), Call(3, true), Offer]),
        vec![(3, unanswered(0, 2, 1))]
    );
    assert_eq!(
        check_objections(&[Offer, Object(Some(0)), Call(2, false), Offer]),
        vec![(3, unanswered(0, 2, 1))]
    );
    // A second concern after the first was answered is judged on its own.
    assert_eq!(
        check_objections(&[Offer, Object(Some(0)), Call(2, true), Offer, Object(Some(1)), Offer]),
        vec![(5, unanswered(1, 3, 4))]
    );
}
