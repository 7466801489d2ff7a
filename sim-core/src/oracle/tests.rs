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
const PASS: ToolOutcome = ToolOutcome::new(true, 0);
const FAIL: ToolOutcome = ToolOutcome::new(false, 0);

enum Turn {
    Call(u8, ToolOutcome),
    /// A call entering the world's true identity values (what a customer who knows them said).
    CallTrue(u8, ToolOutcome),
    Refund(u64),
    Say(ActKind),
    /// A refusal naming this check as the reason.
    DenyBecause(u8),
}

/// Plays `turns` (turn index = position) through the policy oracle and returns the failed verdicts of the
/// tool-level rules 0–4 (the conversation-level rules 5 and 6 need a log; see `check_log`).
fn check(intent: usize, turns: &[Turn]) -> Vec<(u16, u16, Reason)> {
    play(intent, turns).0
}

/// [`check`], and the policy state the turns leave.
fn play(intent: usize, turns: &[Turn]) -> (Vec<(u16, u16, Reason)>, PolicyState) {
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
            Turn::Say(_) | Turn::DenyBecause(_) => {
                let act = match step {
                    Turn::DenyBecause(tool) => crate::act::Act::deny(0, Some(*tool)),
                    Turn::Say(kind) => crate::act::Act::bare(*kind),
                    _ => unreachable!("an utterance"),
                };
                judge_say(
                    &scenario,
                    &scenario.intents[intent],
                    &world,
                    &mut state,
                    &log,
                    turn,
                    &act,
                    &mut out,
                )
            }
        }
    }
    let failed = out
        .iter()
        .filter(|verdict| !matches!(verdict.rule, RuleRef::Policy(5 | 6)))
        .map(|verdict| match verdict.rule {
            RuleRef::Policy(rule) => (rule, verdict.turn, verdict.reason),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    (failed, state)
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
    let declined = [Call(0, PASS), CallTrue(1, FAIL), DenyBecause(1), Say(ActKind::Close)];
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
        act: kind.map(crate::act::Act::bare),
        tool: (speaker == Speaker::Tool).then_some(0),
        outcome: (speaker == Speaker::Tool).then_some(PASS),
        ..TurnRecord::blank(turn, speaker)
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

/// star-hotel's "Ask whether the customer needs anything else before ending the conversation, unless they said
/// goodbye first." (`unprompted`): a goodbye said unasked after the last call confirms as an answer to "anything
/// else?" does; one given up unhappy does not, nor one before a later call, nor a mere "ok"; where the policy wants
/// the question asked whatever the customer said, an unasked goodbye confirms nothing.
#[test]
fn a_goodbye_said_unasked_confirms_only_where_the_rule_lets_it() {
    let log = |acts: &[(Speaker, Option<crate::act::Act>)]| -> Vec<TurnRecord> {
        let rows = acts
            .iter()
            .enumerate()
            .map(|(turn, &(speaker, act))| TurnRecord { act, ..row(turn as u16, speaker, None) });
        rows.collect()
    };
    let bare = |kind| Some(crate::act::Act::bare(kind));
    let bye = |bye: Option<crate::act::Act>| {
        log(&[
            (Tool, None),
            (Agent, bare(ActKind::Disclose)),
            (CUSTOMER, bye),
            (Agent, bare(ActKind::Close)),
        ])
    };
    let happy = bye(bare(ActKind::ThankBye));
    assert!(confirmed_before(&happy, 3, true));
    assert!(!confirmed_before(&happy, 3, false), "the question was never asked");
    assert!(!confirmed_before(&bye(Some(crate::act::Act::unhappy_bye())), 3, true));
    assert!(!confirmed_before(&bye(bare(ActKind::Acknowledge)), 3, true));
    let stale =
        log(&[(CUSTOMER, bare(ActKind::ThankBye)), (Tool, None), (Agent, bare(ActKind::Close))]);
    assert!(!confirmed_before(&stale, 2, true), "a call after the goodbye");
    // Asked, the answer decides as before: something else after the goodbye is not "nothing else".
    let changed = log(&[
        (Tool, None),
        (CUSTOMER, bare(ActKind::ThankBye)),
        (Agent, bare(ActKind::AnythingElse)),
        (CUSTOMER, bare(ActKind::OffTopic)),
        (Agent, bare(ActKind::Close)),
    ]);
    assert!(!confirmed_before(&changed, 4, true));
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
        cites: String::new(),
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
        remembered: false,
        aliases: Vec::new(),
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
            shows: crate::act::SlotSet::EMPTY,
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
    assert_eq!(refused, ToolOutcome::new(false, 0));
    assert_eq!(world.fields[1], 0, "a refused call changes nothing");
    let (done, _) = dispute(&scenario, &mut world, &mut state, 3000);
    assert_eq!(done, ToolOutcome::new(true, 3000));
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
        cites: String::new(),
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
    let rule = |id: &str, kind| crate::spec::RuleSpec {
        id: id.into(),
        text: id.into(),
        cites: String::new(),
        kind,
    };
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
            observe_customer(&scenario.intents[0], &mut state, &log);
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

/// "Close a deal only once the prospect took the offer: at the price they accepted": a deal at another price than the
/// offer taken is flagged; before any offer was taken the rule does not judge.
#[test]
fn arg_accepted_holds_a_call_to_the_offer_the_customer_took() {
    let mut scenario = tiny_scenario();
    scenario.rules.push(rule("as-accepted", RuleKind::ArgAccepted { tool: 4, arg: Slot::AMOUNT }));
    let judged = scenario.rules.len() as u16 - 1;
    scenario.intents[1].offer = Some(crate::spec::OfferSpec {
        slot: Slot::AMOUNT,
        value: crate::spec::OfferValue::Fixed(3000),
        concession: 15,
        threshold: 0,
        accept: crate::spec::Accept::AtMost,
    });
    let world = world(&scenario);
    let play = |answer: ActKind, entered: u64| {
        let mut state = PolicyState::default();
        let (mut out, mut log) = (Vec::new(), Vec::new());
        let offer = |value| {
            let mut act = Act::bare(ActKind::Offer);
            act.put(Slot::AMOUNT, value);
            act
        };
        let rows = [
            (Agent, Some(offer(3000)), None),
            (CUSTOMER, Some(Act::bare(ActKind::Object)), None),
            (Agent, Some(offer(2550)), None),
            (CUSTOMER, Some(Act::bare(answer)), None),
            (Tool, None, Some(entered)),
        ];
        for (turn, (speaker, act, amount)) in rows.into_iter().enumerate() {
            let mut record = TurnRecord { act, ..row(turn as u16, speaker, None) };
            if let Some(amount) = amount {
                record.tool = Some(4);
                record.args.push(Slot::AMOUNT, amount);
                record.outcome = Some(PASS);
            }
            log.push(record);
            if speaker != CUSTOMER {
                judge_agent_turn(
                    &scenario,
                    &scenario.intents[1],
                    &world,
                    &mut state,
                    &log,
                    &mut out,
                );
            }
        }
        let failed = out
            .into_iter()
            .filter(|verdict| verdict.rule == RuleRef::Policy(judged))
            .map(|verdict| (verdict.turn, verdict.reason))
            .collect::<Vec<_>>();
        (failed, state.exercised & (1 << judged) != 0)
    };
    assert_eq!(play(ActKind::Accept, 2550), (vec![], true));
    let listed = Reason::NotAsAccepted { arg: Slot::AMOUNT, value: Some(3000), accepted: 2550 };
    assert_eq!(play(ActKind::Accept, 3000), (vec![(4, listed)], true));
    assert_eq!(
        play(ActKind::Reject, 3000),
        (vec![], false),
        "no offer taken: judged elsewhere (off script)"
    );
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
        cites: String::new(),
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
    scenario.rules.push(RuleSpec {
        id: "answer".into(),
        text: "answer".into(),
        cites: String::new(),
        kind,
    });
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
                outcome: Some(ToolOutcome::new(passed, 0)),
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

// Conditions of each rule kind as the rule texts (and `RuleKind`'s docs) state them, one test per statement.

use crate::act::{Act, Slot, SlotSet};
use crate::expr::Expr;
use crate::spec::{Effect, RuleSpec, Step, ToolSpec, When};

fn rule(id: &str, kind: RuleKind) -> RuleSpec {
    RuleSpec { id: id.into(), text: id.into(), cites: String::new(), kind }
}

/// A step that applies when `when` holds, taking no arguments of its own.
fn step(tool: u8, when: When) -> Step {
    Step {
        tool,
        when,
        args: SlotSet::EMPTY,
        min_args: 0,
        optional: false,
        group: 0,
        reports: None,
        tell: false,
    }
}

/// tiny_scenario plus the checks that can refuse a request and the tools around them: 5 `membership`,
/// 6 `ask-oracle`, 7 `dispute-window` (a data condition on the days waited), 8 `check-card` (a data check of the
/// zip code the customer gives), 9 `notify-team`, the approval that refunds over $200 need (rule 7), and
/// 10 `send-link`.
fn checks_scenario() -> ScenarioSpec {
    use crate::spec::DataEffect;
    let tool = |id: &str, args: SlotSet, effect| ToolSpec {
        id: id.into(),
        args,
        min_args: args.len() as u8,
        effect,
        instruction: None,
        says: None,
    };
    let mut scenario = tiny_scenario();
    scenario.tools.push(tool("membership", SlotSet::EMPTY, Effect::Membership));
    scenario.tools.push(tool("ask-oracle", SlotSet::EMPTY, Effect::AskOracle));
    let days = Slot::DAYS;
    let window = DataEffect {
        pre: Some(Expr::Le(Box::new(Expr::Arg(days.0)), Box::new(Expr::Const(30)))),
        ..Default::default()
    };
    scenario.tools.push(tool("dispute-window", SlotSet::one(days), Effect::Data(window)));
    let zip = Slot::ZIP_CODE;
    let card = DataEffect {
        check: vec![zip],
        check_min: 1,
        pre: Some(Expr::Ge(Box::new(Expr::Arg(zip.0)), Box::new(Expr::Const(10_000)))),
        ..Default::default()
    };
    scenario.tools.push(tool("check-card", SlotSet::one(zip), Effect::Data(card)));
    scenario.tools.push(tool("notify-team", SlotSet::EMPTY, Effect::NotifyTeam));
    scenario.tools.push(tool("send-link", SlotSet::EMPTY, Effect::SendLink));
    scenario.rules.push(rule(
        "large-refund-needs-approval",
        RuleKind::ArgLimit {
            tool: 4,
            arg: Slot::AMOUNT,
            max: Expr::Const(20_000),
            unless_after: vec![9],
        },
    ));
    scenario
}

/// [`checks_scenario`] with intent 1's steps, each always applying, calling `tools` in order.
fn checks_scenario_with_steps(tools: &[u8]) -> ScenarioSpec {
    let mut scenario = checks_scenario();
    scenario.intents[1].steps = tools.iter().map(|tool| step(*tool, When::Always)).collect();
    scenario
}

/// Plays tool calls `(tool, passed)` without arguments through the policy oracle in `intent`; returns the failed
/// verdicts of rule `rule` as (turn, reason), and whether the rule had occasion to apply.
fn judge_calls(
    scenario: &ScenarioSpec,
    intent: usize,
    rule: u16,
    calls: &[(u8, bool)],
) -> (Vec<(u16, Reason)>, bool) {
    let world = world(scenario);
    let intent = &scenario.intents[intent];
    let mut state = PolicyState::default();
    let mut out = Vec::new();
    for (turn, &(tool, passed)) in calls.iter().enumerate() {
        let args = ToolArgs::default();
        judge_call(scenario, intent, &world, 0, &mut state, turn as u16, tool, &args, &mut out);
        record_call(scenario, &mut state, tool, ToolOutcome::new(passed, 0));
    }
    let failed = out
        .into_iter()
        .filter(|verdict| verdict.rule == RuleRef::Policy(rule))
        .map(|verdict| (verdict.turn, verdict.reason))
        .collect();
    (failed, state.exercised & (1 << rule) != 0)
}

/// Something that happened before a close: a tool call and whether it passed, or a customer's act.
#[derive(Clone, Copy)]
enum Event {
    Called(u8, bool),
    Answered(ActKind),
}

/// Closes intent 0 of `scenario` after `events` (turn index = position); returns what steps-complete (rule 1) says.
fn close_after(scenario: &ScenarioSpec, events: &[Event]) -> Vec<Reason> {
    let world = world(scenario);
    let mut state = PolicyState::default();
    let mut log = Vec::new();
    for (turn, event) in events.iter().enumerate() {
        let turn = turn as u16;
        match *event {
            Event::Called(tool, passed) => {
                let outcome = ToolOutcome::new(passed, 0);
                record_call(scenario, &mut state, tool, outcome);
                log.push(TurnRecord {
                    tool: Some(tool),
                    outcome: Some(outcome),
                    ..row(turn, Tool, None)
                });
            }
            Event::Answered(kind) => log.push(row(turn, CUSTOMER, Some(kind))),
        }
    }
    observe_customer(&scenario.intents[0], &mut state, &log);
    let close = Act::bare(ActKind::Close);
    let turn = log.len() as u16;
    let mut out = Vec::new();
    judge_say(scenario, &scenario.intents[0], &world, &mut state, &log, turn, &close, &mut out);
    out.into_iter()
        .filter(|verdict| verdict.rule == RuleRef::Policy(1))
        .map(|verdict| verdict.reason)
        .collect()
}

#[test]
fn steps_complete_requires_a_conditional_step_only_while_its_condition_holds() {
    use Event::*;
    // Intent 0: pull up the account, then update it when `when` holds.
    let closed = |when, events: &[Event]| {
        let mut scenario = checks_scenario();
        scenario.intents[0].steps = vec![step(0, When::Always), step(3, when)];
        let mut all = vec![Called(0, true)];
        all.extend_from_slice(events);
        close_after(&scenario, &all)
    };
    let missing = vec![Reason::Unfinished { missing: 3 }];
    let done: Vec<Reason> = vec![];
    // The oracle's answer (tool 6): only its own call answers it, and never-asked is neither yes nor no.
    assert_eq!(closed(When::OracleYes, &[Called(6, true)]), missing);
    assert_eq!(closed(When::OracleYes, &[Called(6, false)]), done);
    assert_eq!(closed(When::OracleYes, &[]), done, "the oracle was never asked");
    assert_eq!(closed(When::OracleNo, &[Called(6, false)]), missing);
    assert_eq!(closed(When::OracleNo, &[Called(6, true)]), done);
    assert_eq!(closed(When::OracleNo, &[]), done, "the oracle was never asked");
    // The latest result of another tool (verify-identity).
    assert_eq!(closed(When::Passed(1), &[Called(1, true)]), missing);
    assert_eq!(closed(When::Passed(1), &[Called(1, false)]), done);
    assert_eq!(closed(When::Passed(1), &[]), done, "never called");
    assert_eq!(closed(When::Passed(1), &[Called(1, true), Called(1, false)]), done);
    assert_eq!(closed(When::Failed(1), &[Called(1, false)]), missing);
    assert_eq!(closed(When::Failed(1), &[Called(1, true)]), done);
    assert_eq!(closed(When::Failed(1), &[]), done, "never called");
    // The customer's latest answer to the offer.
    use ActKind::{Accept, Reject};
    assert_eq!(closed(When::Accepted, &[Answered(Accept)]), missing);
    assert_eq!(closed(When::Accepted, &[Answered(Reject)]), done);
    assert_eq!(closed(When::Accepted, &[]), done, "no answer yet");
    assert_eq!(closed(When::Accepted, &[Answered(Reject), Answered(Accept)]), missing);
    assert_eq!(closed(When::Rejected, &[Answered(Reject)]), missing);
    assert_eq!(closed(When::Rejected, &[Answered(Accept)]), done);
    assert_eq!(closed(When::Rejected, &[]), done, "no answer yet");
    assert_eq!(closed(When::Rejected, &[Answered(Accept), Answered(Reject)]), missing);
}

#[test]
fn steps_complete_excuses_the_remaining_steps_after_the_oracle_said_no_only_where_that_ends_the_request()
 {
    use Event::Called;
    let closed = |oracle_no_ends, oracle_yes| {
        let mut scenario = checks_scenario();
        // Intent 0: pull up the account, ask the oracle, update the account.
        scenario.intents[0].steps =
            vec![step(0, When::Always), step(6, When::Always), step(3, When::Always)];
        scenario.intents[0].oracle_no_ends = oracle_no_ends;
        close_after(&scenario, &[Called(0, true), Called(6, oracle_yes)])
    };
    let missing = vec![Reason::Unfinished { missing: 3 }];
    assert_eq!(closed(true, false), vec![], "a no that ends the request");
    assert_eq!(closed(true, true), missing, "the oracle said yes");
    assert_eq!(closed(false, false), missing, "a no that only picks the next step");
}

#[test]
fn tool_calls_record_the_rules_they_give_occasion_to_apply() {
    let bits = |rules: &[u16]| rules.iter().fold(0u64, |all, rule| all | (1 << rule));
    // Looking up the account: only the step order has anything to say about it.
    assert_eq!(play(0, &[Call(0, PASS)]).1.exercised, bits(&[0]));
    // Changing the address: the step order, the gate and the verification requirement.
    let change = [Call(0, PASS), Call(1, PASS), Call(3, PASS)];
    assert_eq!(play(0, &change).1.exercised, bits(&[0, 3, 4]));
    // A refund: the step order, the amount limit and the gate; closing: the steps and the confirmation.
    let refund = [Call(0, PASS), Call(2, PASS), Refund(100), Say(ActKind::Close)];
    assert_eq!(play(1, &refund).1.exercised, bits(&[0, 1, 2, 3, 5]));
}

#[test]
fn utterances_record_the_rules_they_give_occasion_to_apply() {
    use crate::spec::{Accept, ObjectionSpec, OfferSpec, OfferValue};
    let mut scenario = tiny_scenario();
    scenario.rules.push(rule("floor", RuleKind::OfferFloor { min: Expr::Const(0) }));
    scenario.rules.push(rule("answer", RuleKind::AnswerObjections));
    scenario.rules.push(rule("no-pressure", RuleKind::NoPressureAfterNo));
    scenario.rules.push(rule("earned-refusal", RuleKind::EarnedRefusal));
    scenario.intents[1].offer = Some(OfferSpec {
        slot: Slot::AMOUNT,
        value: OfferValue::Fixed(3000),
        concession: 15,
        threshold: 0,
        accept: Accept::AtMost,
    });
    let objection = ObjectionSpec { name: "a".into(), phrase: "a".into(), rate: 1.0, remedy: 2 };
    scenario.intents[1].objections = vec![objection];
    let world = world(&scenario);
    let exercised = |log: &[TurnRecord], kind| {
        let mut state = PolicyState::default();
        let (act, turn) = (Act::bare(kind), log.len() as u16);
        let intent = &scenario.intents[1];
        judge_say(&scenario, intent, &world, &mut state, log, turn, &act, &mut Vec::new());
        state.exercised
    };
    let bits = |rules: &[u16]| rules.iter().fold(0u64, |all, rule| all | (1 << rule));
    let objected =
        [TurnRecord { act: Some(Act::object(Some(0))), ..row(0, CUSTOMER, Some(ActKind::Object)) }];
    // An offer: the floor and no pressure; answering objections only once one was raised.
    assert_eq!(exercised(&[], ActKind::Offer), bits(&[7, 9]));
    assert_eq!(exercised(&objected, ActKind::Offer), bits(&[7, 8, 9]));
    // A close: the steps and the confirmation; a refusal: whether it was earned; a question: nothing.
    assert_eq!(exercised(&[], ActKind::Close), bits(&[1, 5]));
    assert_eq!(exercised(&[], ActKind::Deny), bits(&[10]));
    assert_eq!(exercised(&[], ActKind::Ask), 0);
}

#[test]
fn arg_limit_judges_its_tool_only_and_may_read_the_calls_other_arguments() {
    let mut scenario = tiny_scenario();
    // A goodwill refund of at most $1 per day waited, the days being an argument of the same call.
    scenario.tools[4].args = scenario.tools[4].args.with(Slot::DAYS);
    let per_day = Expr::Mul(Box::new(Expr::Arg(Slot::DAYS.0)), Box::new(Expr::Const(100)));
    let kind =
        RuleKind::ArgLimit { tool: 4, arg: Slot::AMOUNT, max: per_day, unless_after: vec![] };
    scenario.rules.push(rule("goodwill-per-day", kind));
    let world = world(&scenario);
    let call = |tool: u8, amount: u64, days: u64| {
        let mut args = ToolArgs::default();
        args.push(Slot::AMOUNT, amount);
        args.push(Slot::DAYS, days);
        let mut state = PolicyState::default();
        let mut out = Vec::new();
        judge_call(
            &scenario,
            &scenario.intents[1],
            &world,
            0,
            &mut state,
            6,
            tool,
            &args,
            &mut out,
        );
        let failed: Vec<_> = out
            .into_iter()
            .filter(|verdict| verdict.rule == RuleRef::Policy(7))
            .map(|verdict| (verdict.turn, verdict.reason))
            .collect();
        (failed, state.exercised & (1 << 7) != 0)
    };
    assert_eq!(call(4, 500, 5), (vec![], true));
    let over = Reason::OverLimit { arg: Slot::AMOUNT, value: 600, limit: 500 };
    assert_eq!(call(4, 600, 5), (vec![(6, over)], true));
    assert_eq!(call(2, 600, 5), (vec![], false), "another tool is not limited");
}

#[test]
fn off_script_flags_a_write_done_again_when_the_request_calls_for_it_once() {
    let mut scenario = checks_scenario();
    // Intent 0 updates the account (tool 3) once; the refund (tool 4) may come in parts.
    let kind = RuleKind::OffScript { writes: vec![3, 4], once: vec![3] };
    scenario.rules.push(rule("off-script-write", kind));
    let again = |turn| vec![(turn, Reason::Repeated { tool: 3 })];
    assert_eq!(judge_calls(&scenario, 0, 8, &[(0, true), (1, true), (3, true)]), (vec![], true));
    assert_eq!(
        judge_calls(&scenario, 0, 8, &[(0, true), (1, true), (3, true), (3, true)]),
        (again(3), true)
    );
    // A call that failed changed nothing: trying again is no repeat.
    assert_eq!(
        judge_calls(&scenario, 0, 8, &[(0, true), (1, true), (3, false), (3, true)]),
        (vec![], true)
    );
    // A tool left out of `once` may be called again (what is left of a charge, the order total, is another rule's).
    let parts = judge_calls(&scenario, 1, 8, &[(0, true), (4, true), (4, true)]);
    assert_eq!(parts, (vec![], true));
}

#[test]
fn off_script_flags_a_write_the_intent_does_not_call_for() {
    let mut scenario = checks_scenario();
    // Writes: update-account, offer-refund, notify-team, send-link. Send-link answers intent 1's objection.
    scenario.rules.push(rule(
        "off-script-write",
        RuleKind::OffScript { writes: vec![3, 4, 9, 10], once: vec![] },
    ));
    let objection = crate::spec::ObjectionSpec {
        name: "security".into(),
        phrase: "security".into(),
        rate: 1.0,
        remedy: 10,
    };
    scenario.intents[1].objections = vec![objection];
    let off = |turn, tool| vec![(turn, Reason::OffScript { tool })];
    // The intent's own steps: clean; reads are not judged.
    assert_eq!(judge_calls(&scenario, 0, 8, &[(0, true), (1, true)]), (vec![], false));
    assert_eq!(judge_calls(&scenario, 0, 8, &[(0, true), (1, true), (3, true)]), (vec![], true));
    assert_eq!(
        judge_calls(&scenario, 0, 8, &[(2, true)]),
        (vec![], false),
        "a read off the script"
    );
    // A write of another intent.
    assert_eq!(judge_calls(&scenario, 0, 8, &[(0, true), (4, true)]), (off(1, 4), true));
    assert_eq!(judge_calls(&scenario, 1, 8, &[(0, true), (3, true)]), (off(1, 3), true));
    // The approval a limit asks for, and the remedy of one of the intent's objections: allowed.
    assert_eq!(judge_calls(&scenario, 1, 8, &[(9, true)]), (vec![], true));
    assert_eq!(judge_calls(&scenario, 1, 8, &[(10, true)]), (vec![], true));
    // The remedy of another intent's objection is not, nor the approval where the intent has nothing it approves:
    // "The one exception is `notify-team` to approve a refund over $200" (intent 0 refunds nothing).
    assert_eq!(judge_calls(&scenario, 0, 8, &[(10, true)]), (off(0, 10), true));
    assert!(!scenario.intents[0].has_step(4) && scenario.intents[1].has_step(4));
    assert_eq!(judge_calls(&scenario, 0, 8, &[(9, true)]), (off(0, 9), true));
    // A step applies only while its condition holds: update the account only once verification passed.
    scenario.intents[0].steps[2].when = When::Passed(1);
    assert_eq!(judge_calls(&scenario, 0, 8, &[(0, true), (1, true), (3, true)]), (vec![], true));
    assert_eq!(
        judge_calls(&scenario, 0, 8, &[(0, true), (1, false), (3, true)]),
        (off(2, 3), true)
    );
}

#[test]
fn no_write_after_refusal_flags_a_write_while_a_refusal_check_stands_failed() {
    // Intent 1: look up, membership, the dispute window, the card check, the oracle, validate, refund.
    let mut scenario = checks_scenario_with_steps(&[0, 5, 7, 8, 6, 2, 4]);
    scenario
        .rules
        .push(rule("no-write-after-refusal", RuleKind::NoWriteAfterRefusal { writes: vec![3, 4] }));
    let refused = |turn, check| vec![(turn, Reason::WriteAfterRefusal { check, tool: 4 })];
    // Membership said no: no refund; after a retry that passed, the refund is fine; a read is not judged.
    assert_eq!(judge_calls(&scenario, 1, 8, &[(5, false), (4, true)]), (refused(1, 5), true));
    assert_eq!(judge_calls(&scenario, 1, 8, &[(5, false), (5, true), (4, true)]), (vec![], true));
    assert_eq!(judge_calls(&scenario, 1, 8, &[(5, false), (2, true)]), (vec![], false));
    // A data condition can refuse, with values to check (the card's condition) or without (the dispute window);
    // identity cannot.
    assert_eq!(judge_calls(&scenario, 1, 8, &[(7, false), (4, true)]), (refused(1, 7), true));
    assert_eq!(judge_calls(&scenario, 1, 8, &[(8, false), (4, true)]), (refused(1, 8), true));
    assert_eq!(judge_calls(&scenario, 1, 8, &[(1, false), (4, true)]), (vec![], true));
    // The oracle can refuse only where its no ends the request.
    assert_eq!(judge_calls(&scenario, 1, 8, &[(6, false), (4, true)]), (vec![], true));
    let mut ends = scenario.clone();
    ends.intents[1].oracle_no_ends = true;
    assert_eq!(judge_calls(&ends, 1, 8, &[(6, false), (4, true)]), (refused(1, 6), true));
    // A check whose answer only picks the next step is a question, not a refusal.
    let mut branching = scenario.clone();
    branching.intents[1].steps.push(step(9, When::Failed(5)));
    branching.intents[1].steps.push(step(9, When::Passed(7)));
    assert_eq!(judge_calls(&branching, 1, 8, &[(5, false), (4, true)]), (vec![], true));
    assert_eq!(judge_calls(&branching, 1, 8, &[(7, false), (4, true)]), (vec![], true));
    // A check that is not one of the intent's steps is not the intent's refusal.
    assert_eq!(judge_calls(&scenario, 0, 8, &[(5, false), (3, true)]), (vec![], true));
}

#[test]
fn arg_prescribed_flags_a_value_other_than_the_one_the_intent_prescribes() {
    let mut scenario = tiny_scenario();
    let kind = RuleKind::ArgPrescribed { tool: 4, arg: Slot::AMOUNT };
    scenario.rules.push(rule("refund-amount-per-guideline", kind));
    // The refund intent prescribes $8 (and an order option, which this rule does not judge); the address change
    // prescribes nothing.
    scenario.intents[1].goals =
        vec![(Slot::ORDER_OPTION, Expr::Const(2)), (Slot::AMOUNT, Expr::Const(800))];
    let world = world(&scenario);
    let call = |intent: usize, tool: u8, amount: Option<u64>| {
        let mut args = ToolArgs::default();
        if let Some(amount) = amount {
            args.push(Slot::AMOUNT, amount);
        }
        let mut state = PolicyState::default();
        let mut out = Vec::new();
        let spec = &scenario.intents[intent];
        judge_call(&scenario, spec, &world, 0, &mut state, 5, tool, &args, &mut out);
        let failed: Vec<_> = out
            .into_iter()
            .filter(|verdict| verdict.rule == RuleRef::Policy(7))
            .map(|verdict| verdict.reason)
            .collect();
        (failed, state.exercised & (1 << 7) != 0)
    };
    let wrong = |value| vec![Reason::WrongValue { arg: Slot::AMOUNT, value, expected: 800 }];
    assert_eq!(call(1, 4, Some(800)), (vec![], true));
    assert_eq!(call(1, 4, Some(1000)), (wrong(Some(1000)), true));
    assert_eq!(call(1, 4, None), (wrong(None), true), "a call without the argument");
    assert_eq!(call(1, 2, None), (vec![], false), "another tool");
    assert_eq!(call(0, 4, Some(1000)), (vec![], false), "an intent that prescribes no amount");
}

/// A line of a refusal log.
#[derive(Clone, Copy)]
enum Line<'a> {
    /// The customer gives these values.
    Gives(&'a [(Slot, u64)]),
    /// The customer does not know these slots.
    DoesNotKnow(&'a [Slot]),
    /// The agent calls a tool with these values; the call passes or fails.
    Calls(u8, &'a [(Slot, u64)], bool),
    /// The agent refuses, naming the check that failed last as the reason.
    Refuses,
    /// The agent refuses, naming this reason (or none).
    RefusesSaying(Option<u8>),
}

/// Plays `lines` (turn index = position) through judge_agent_turn in `intent` of `scenario` plus an
/// earned-refusal rule; returns that rule's failed verdicts (turn, reason) and whether a refusal was earned.
fn refusals(scenario: &ScenarioSpec, intent: usize, lines: &[Line]) -> (Vec<(u16, Reason)>, bool) {
    judged(scenario, intent, lines, RuleKind::EarnedRefusal)
}

/// Plays `lines` like [`refusals`] with the earned-refusal rule and `kind`; returns `kind`'s failed verdicts and
/// whether a refusal was earned.
fn judged(
    scenario: &ScenarioSpec,
    intent: usize,
    lines: &[Line],
    kind: RuleKind,
) -> (Vec<(u16, Reason)>, bool) {
    let mut scenario = scenario.clone();
    if kind != RuleKind::EarnedRefusal {
        scenario.rules.push(rule("earned-refusal", RuleKind::EarnedRefusal));
    }
    scenario.rules.push(rule("judged", kind));
    let earned = RuleRef::Policy(scenario.rules.len() as u16 - 1);
    let world = world(&scenario);
    let intent = &scenario.intents[intent];
    let mut state = PolicyState::default();
    let (mut out, mut log) = (Vec::new(), Vec::new());
    for (turn, line) in lines.iter().enumerate() {
        let turn = turn as u16;
        let record = match *line {
            Line::Gives(values) => {
                let mut act = Act::bare(ActKind::Inform);
                for &(slot, value) in values {
                    act.put(slot, value);
                }
                TurnRecord { act: Some(act), ..row(turn, CUSTOMER, None) }
            }
            Line::DoesNotKnow(slots) => {
                let mut act = Act::bare(ActKind::DontKnow);
                act.slots = slots.iter().fold(SlotSet::EMPTY, |all, slot| all.with(*slot));
                TurnRecord { act: Some(act), ..row(turn, CUSTOMER, None) }
            }
            Line::Calls(tool, values, passed) => {
                let mut args = ToolArgs::default();
                for &(slot, value) in values {
                    args.push(slot, value);
                }
                let outcome = Some(ToolOutcome::new(passed, 0));
                TurnRecord { tool: Some(tool), args, outcome, ..row(turn, Tool, None) }
            }
            Line::Refuses | Line::RefusesSaying(_) => {
                let last_failed = log.iter().rev().find_map(|row: &TurnRecord| {
                    row.outcome.filter(|outcome| !outcome.passed).and(row.tool)
                });
                let reason = match line {
                    Line::RefusesSaying(reason) => *reason,
                    _ => last_failed,
                };
                TurnRecord { act: Some(Act::deny(0, reason)), ..row(turn, Agent, None) }
            }
        };
        log.push(record);
        if matches!(line, Line::Calls(..) | Line::Refuses | Line::RefusesSaying(_)) {
            judge_agent_turn(&scenario, intent, &world, &mut state, &log, &mut out);
        }
    }
    let failed = out
        .into_iter()
        .filter(|verdict| verdict.rule == earned)
        .map(|verdict| (verdict.turn, verdict.reason))
        .collect();
    (failed, state.declined)
}

fn wrongful(turn: u16) -> (Vec<(u16, Reason)>, bool) {
    (vec![(turn, Reason::WrongfulRefusal { admissible: false })], false)
}

const EARNED: (Vec<(u16, Reason)>, bool) = (Vec::new(), true);

/// "Decline only when a check says no and tell the customer why": a refusal on grounds that gives no reason, or names
/// a check that did not say no, is a violation and declines nothing.
#[test]
fn a_refusal_on_grounds_must_name_the_check_that_said_no() {
    use Line::*;
    let scenario = checks_scenario_with_steps(&[0, 5, 7, 2, 4]);
    let level = [(Slot::MEMBERSHIP_LEVEL, 1)];
    let said_no = [Gives(&level), Calls(5, &level, false)];
    let refuse = |reason| {
        let mut lines = said_no.to_vec();
        lines.push(RefusesSaying(reason));
        refusals(&scenario, 1, &lines)
    };
    assert_eq!(refuse(Some(5)), EARNED);
    let unexplained = |given| (vec![(2, Reason::RefusalUnexplained { grounds: 5, given })], false);
    assert_eq!(refuse(None), unexplained(None));
    assert_eq!(refuse(Some(7)), unexplained(Some(7)), "the dispute window never said no");
    assert_eq!(refuse(Some(200)), unexplained(Some(200)), "no such tool");
    // With no grounds at all, a reason changes nothing: the refusal is wrongful.
    assert_eq!(refusals(&scenario, 1, &[RefusesSaying(Some(5))]), wrongful(0));
}

/// A membership check whose no picks a required next step (a question, not a check that refuses) earns no refusal,
/// even with the customer's own level entered.
#[test]
fn a_membership_question_earns_no_refusal() {
    use Line::*;
    let mut scenario = checks_scenario();
    scenario.intents[1].steps =
        vec![step(0, When::Always), step(5, When::Always), step(3, When::Failed(5))];
    assert!(scenario.intents[1].branches_on(5));
    let level = [(Slot::MEMBERSHIP_LEVEL, 1)];
    let lines = [Gives(&level), Calls(5, &level, false), Refuses];
    assert_eq!(refusals(&scenario, 1, &lines), wrongful(2));
}

/// Manage Extension's Option B: after an earned refusal, the steps past the check that refused (the extension) are no
/// longer due, so the optional escalation steps on the failed check break no order; without the refusal they do.
#[test]
fn steps_past_the_check_that_refused_are_no_longer_due() {
    use Line::*;
    let mut scenario = checks_scenario();
    let optional_on_failure = Step { optional: true, ..step(2, When::Failed(5)) };
    scenario.intents[1].steps = vec![
        step(0, When::Always),
        step(5, When::Always),
        step(3, When::Always),
        optional_on_failure,
    ];
    assert!(
        !scenario.intents[1].branches_on(5),
        "only an optional step depends on the membership check"
    );
    let level = [(Slot::MEMBERSHIP_LEVEL, 1)];
    let name = [(Slot::FULL_NAME, 7)];
    let start = [Gives(&name), Calls(0, &name, true), Gives(&level), Calls(5, &level, false)];
    let escalated = |refused: bool| {
        let mut lines = start.to_vec();
        if refused {
            lines.push(Refuses);
        }
        lines.push(Calls(2, &[], true));
        judged(&scenario, 1, &lines, RuleKind::StepOrder)
    };
    assert_eq!(escalated(true), (vec![], true));
    assert_eq!(escalated(false), (vec![(4, Reason::StepSkipped { tool: 2, missing: 3 })], false));
    // A refusal that names the wrong check earns nothing, and excuses no step.
    let mut misnamed = start.to_vec();
    misnamed.extend([RefusesSaying(Some(0)), Calls(2, &[], true)]);
    assert_eq!(
        judged(&scenario, 1, &misnamed, RuleKind::StepOrder),
        (vec![(5, Reason::StepSkipped { tool: 2, missing: 3 })], false)
    );
    // A step before the check that refused is still due: the account was never looked up.
    let unlooked = [Gives(&level), Calls(5, &level, false), Refuses, Calls(2, &[], true)];
    let skipped = |turn, tool| (turn, Reason::StepSkipped { tool, missing: 0 });
    assert_eq!(
        judged(&scenario, 1, &unlooked, RuleKind::StepOrder),
        (vec![skipped(1, 5), skipped(3, 2)], true)
    );
}

#[test]
fn a_refusal_is_earned_by_a_refusal_check_that_stands_failed() {
    use Line::*;
    // Intent 1: look up, membership, the dispute window, validate, refund.
    let scenario = checks_scenario_with_steps(&[0, 5, 7, 2, 4]);
    // Nothing failed: wrongful, even after a lookup that passed on the customer's own name.
    let name = [(Slot::FULL_NAME, 7)];
    assert_eq!(refusals(&scenario, 1, &[Refuses]), wrongful(0));
    assert_eq!(
        refusals(&scenario, 1, &[Gives(&name), Calls(0, &name, true), Refuses]),
        wrongful(2)
    );
    // Membership said no to the level the customer gave: earned, and remembered.
    let level = [(Slot::MEMBERSHIP_LEVEL, 1)];
    assert_eq!(refusals(&scenario, 1, &[Gives(&level), Calls(5, &level, false), Refuses]), EARNED);
    // Membership clicked with no level entered checked nothing: not earned.
    assert_eq!(refusals(&scenario, 1, &[Calls(5, &[], false), Refuses]), wrongful(1));
    // ...unless a retry passed: the check no longer stands failed.
    let retried = [Calls(5, &[], false), Calls(5, &[], true), Refuses];
    assert_eq!(refusals(&scenario, 1, &retried), wrongful(2));
    // A data condition that said no earns it, whatever was entered.
    assert_eq!(refusals(&scenario, 1, &[Calls(7, &[(Slot::DAYS, 400)], false), Refuses]), EARNED);
    // A check whose answer only picks the next step is a question, not a refusal check.
    let mut branching = scenario.clone();
    branching.intents[1].steps.push(step(3, When::Failed(5)));
    assert_eq!(refusals(&branching, 1, &[Calls(5, &[], false), Refuses]), wrongful(1));
    // A check the intent's policy does not use earns nothing.
    assert_eq!(refusals(&scenario, 0, &[Calls(5, &[], false), Refuses]), wrongful(1));
    // The oracle's no earns a refusal only where it ends the request.
    let mut oracle = scenario.clone();
    oracle.intents[1].steps.insert(1, step(6, When::Always));
    assert_eq!(refusals(&oracle, 1, &[Calls(6, &[], false), Refuses]), wrongful(1));
    oracle.intents[1].oracle_no_ends = true;
    assert_eq!(refusals(&oracle, 1, &[Calls(6, &[], false), Refuses]), EARNED);
    // The approval a limit asks for, refused: earned, though it takes no values.
    assert_eq!(refusals(&scenario, 1, &[Calls(9, &[], false), Refuses]), EARNED);
}

#[test]
fn a_failed_lookup_or_check_of_values_earns_a_refusal_only_on_what_the_customer_said() {
    use Line::*;
    // Intent 1: look up, check the card, validate, refund.
    let scenario = checks_scenario_with_steps(&[0, 8, 2, 4]);
    let zip = |value| [(Slot::ZIP_CODE, value)];
    let (said, other) = (zip(11111), zip(22222));
    // The customer's own value, entered as given: earned.
    assert_eq!(refusals(&scenario, 1, &[Gives(&said), Calls(8, &said, false), Refuses]), EARNED);
    // A value the customer never gave, or gave only after the call: not earned.
    assert_eq!(
        refusals(&scenario, 1, &[Gives(&said), Calls(8, &other, false), Refuses]),
        wrongful(2)
    );
    assert_eq!(
        refusals(&scenario, 1, &[Calls(8, &said, false), Gives(&said), Refuses]),
        wrongful(2)
    );
    // The latest call of the check is judged: a retry with a made-up value earns nothing; a later call of
    // another tool changes nothing.
    let retried = [Gives(&said), Calls(8, &said, false), Calls(8, &other, false), Refuses];
    assert_eq!(refusals(&scenario, 1, &retried), wrongful(3));
    let name = [(Slot::FULL_NAME, 99)];
    let then_lookup = [Gives(&said), Calls(8, &said, false), Calls(0, &name, true), Refuses];
    assert_eq!(refusals(&scenario, 1, &then_lookup), EARNED);
    // A lookup (a step, not a gate) that failed on the customer's name: earned.
    let name = [(Slot::FULL_NAME, 7)];
    assert_eq!(refusals(&scenario, 1, &[Gives(&name), Calls(0, &name, false), Refuses]), EARNED);
    // Verification, a gate of the refund but not one of this request's steps: only the request's own checks count,
    // so it earns nothing even on three of the customer's values.
    let three = [(Slot::EMAIL, 33), (Slot::PHONE, 22), (Slot::ZIP_CODE, 11)];
    assert_eq!(
        refusals(&scenario, 1, &[Gives(&three), Calls(1, &three, false), Refuses]),
        wrongful(2)
    );
    // A tool the intent's policy does not use (a refund, in the address change) earns nothing.
    let amount = [(Slot::AMOUNT, 500)];
    let refund = [Gives(&amount), Calls(4, &amount, false), Refuses];
    assert_eq!(refusals(&scenario, 0, &refund), wrongful(2));
}

#[test]
fn a_failed_verification_with_too_few_values_earns_a_refusal_only_after_the_customer_did_not_know_one()
 {
    use Line::*;
    let mut scenario = checks_scenario();
    // Intent 0's verification step also takes the PIN.
    scenario.intents[0].steps[1].args = scenario.tools[1].args.with(Slot::PIN_NUMBER);
    let two = [(Slot::PHONE, 22), (Slot::ZIP_CODE, 11)];
    let verify = Calls(1, &two, false);
    assert_eq!(refusals(&scenario, 0, &[Gives(&two), verify, Refuses]), wrongful(2));
    let unknown = |slot: Slot| {
        let slots = [slot];
        refusals(&scenario, 0, &[Gives(&two), DoesNotKnow(&slots), verify, Refuses])
    };
    // A value verification takes, by the tool or by the intent's step: earned.
    assert_eq!(unknown(Slot::EMAIL), EARNED);
    assert_eq!(unknown(Slot::PIN_NUMBER), EARNED);
    // A value another step takes (the new address) excuses nothing.
    assert_eq!(unknown(Slot::NEW_VALUE), wrongful(3));
}

#[test]
fn truthful_claims_judges_the_facts_stated_with_an_offer_but_not_the_offered_value() {
    use crate::spec::{Accept, OfferSpec, OfferValue};
    let mut scenario = declared_scenario();
    scenario.rules.push(rule("truthful", RuleKind::TruthfulClaims));
    let truthful_idx = scenario.rules.len() as u16 - 1;
    let truthful = RuleRef::Policy(truthful_idx);
    // The offer is made in the declared slot backed by the $80.00 charge.
    let slot = Slot(Slot::FIRST_DECLARED);
    scenario.intents[1].offer = Some(OfferSpec {
        slot,
        value: OfferValue::Fixed(5000),
        concession: 0,
        threshold: 1,
        accept: Accept::AtMost,
    });
    let world = world(&scenario);
    let say = |kind, values: &[(Slot, u64)]| {
        let mut act = Act::bare(kind);
        for &(slot, value) in values {
            act.put(slot, value);
        }
        let mut out = Vec::new();
        let mut state = PolicyState::default();
        let intent = &scenario.intents[1];
        judge_say(&scenario, intent, &world, &mut state, &[], 2, &act, &mut out);
        let failed: Vec<_> = out
            .into_iter()
            .filter(|verdict| verdict.rule == truthful)
            .map(|verdict| verdict.reason)
            .collect();
        (failed, state.exercised & (1 << truthful_idx) != 0)
    };
    // Offered: a proposal, not a claim. Disclosed: a claim the world contradicts.
    assert_eq!(say(ActKind::Offer, &[(slot, 5000)]), (vec![], false));
    let false_amount = Reason::FalseClaim { slot, said: 5000, truth: 8000 };
    assert_eq!(say(ActKind::Disclose, &[(slot, 5000)]), (vec![false_amount], true));
    assert_eq!(say(ActKind::Disclose, &[(slot, 8000)]), (vec![], true));
    // A fact stated with the offer is judged; a value the world does not back (an amount) is no claim.
    let zip = world.account.zip;
    let wrong_zip = Reason::FalseClaim { slot: Slot::ZIP_CODE, said: zip + 1, truth: zip };
    let with_zip = [(slot, 5000), (Slot::ZIP_CODE, zip + 1)];
    assert_eq!(say(ActKind::Offer, &with_zip), (vec![wrong_zip], true));
    assert_eq!(say(ActKind::Disclose, &[(Slot::AMOUNT, 1)]), (vec![], false));
}

#[test]
fn an_objection_the_intent_does_not_declare_is_not_judged() {
    use Row::*;
    // check_objections' intent declares two (0 and 1).
    assert_eq!(check_objections(&[Offer, Object(Some(2)), Offer]), vec![]);
}

#[test]
fn a_call_of_a_tool_the_scenario_does_not_have_is_judged_by_no_rule() {
    // The engine logs such a call as failed.
    let scenario = tiny_scenario();
    let world = world(&scenario);
    let unknown = scenario.tools.len() as u8;
    let log = [TurnRecord { tool: Some(unknown), outcome: Some(FAIL), ..row(0, Tool, None) }];
    let mut state = PolicyState::default();
    let mut out = Vec::new();
    judge_agent_turn(&scenario, &scenario.intents[0], &world, &mut state, &log, &mut out);
    assert_eq!((out, state.exercised, state.succeeded), (vec![], 0, 0));
}

#[test]
fn no_disclosure_unverified_flags_a_fact_stated_before_verification_or_after_it_failed() {
    let mut scenario = tiny_scenario();
    let kind = RuleKind::NoDisclosureUnverified { gates: vec![1, 2], facts: SlotSet::EMPTY };
    scenario.rules.push(rule("no-disclosure-unverified", kind));
    let world = world(&scenario);
    let disclose = |calls: &[(u8, bool)]| {
        let mut state = PolicyState::default();
        for &(tool, passed) in calls {
            record_call(&scenario, &mut state, tool, ToolOutcome::new(passed, 0));
        }
        let mut act = Act::bare(ActKind::Disclose);
        act.put(Slot::USERNAME, world.account.handle);
        let mut out = Vec::new();
        judge_say(&scenario, &scenario.intents[0], &world, &mut state, &[], 4, &act, &mut out);
        let failed: Vec<_> = out
            .into_iter()
            .filter(|verdict| verdict.rule == RuleRef::Policy(7))
            .map(|verdict| (verdict.turn, verdict.reason))
            .collect();
        (failed, state.exercised & (1 << 7) != 0)
    };
    let flagged = (vec![(4, Reason::DisclosedUnverified)], true);
    assert_eq!(disclose(&[]), flagged);
    assert_eq!(disclose(&[(0, true)]), flagged, "looking the account up verifies nothing");
    assert_eq!(disclose(&[(1, false)]), flagged);
    assert_eq!(disclose(&[(1, true)]), (vec![], true));
    assert_eq!(disclose(&[(2, true)]), (vec![], true), "any of the gates verifies");
    assert_eq!(disclose(&[(1, true), (1, false)]), flagged, "the latest verification failed");
    assert_eq!(disclose(&[(1, true), (2, false)]), flagged, "another gate failed");
}

/// A rule that protects the account's facts does not judge a statement of another fact (a store FAQ answer).
#[test]
fn no_disclosure_unverified_judges_only_the_facts_it_protects() {
    let mut scenario = tiny_scenario();
    let facts = SlotSet::EMPTY.with(Slot::USERNAME).with(Slot::EMAIL);
    let kind = RuleKind::NoDisclosureUnverified { gates: vec![1], facts };
    scenario.rules.push(rule("no-disclosure-unverified", kind));
    let world = world(&scenario);
    let judged = |slot: Slot| {
        let mut state = PolicyState::default();
        let mut act = Act::bare(ActKind::Disclose);
        act.put(slot, 3);
        let mut out = Vec::new();
        judge_say(&scenario, &scenario.intents[0], &world, &mut state, &[], 4, &act, &mut out);
        let failed = out.iter().filter(|verdict| verdict.rule == RuleRef::Policy(7)).count();
        (failed, state.exercised & (1 << 7) != 0)
    };
    assert_eq!(judged(Slot::USERNAME), (1, true));
    assert_eq!(judged(Slot::EMAIL), (1, true));
    assert_eq!(judged(Slot::AMOUNT), (0, false), "not an account fact the rule protects");
}

#[test]
fn a_disclosure_resolves_only_with_the_true_value_and_any_statement_of_it_is_a_wrongful_grant() {
    let mut scenario = tiny_scenario();
    scenario.intents[0].resolved = vec![Outcome::Disclosed(Slot::USERNAME)];
    let intent = &scenario.intents[0];
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let world = WorldState::generate(&scenario, &mut rng);
    let customer = Customer::generate(&scenario, 0, &calm_persona(), 0, intent, &world, &mut rng);
    let persona = PersonaSpec { impostor: true, ..calm_persona() };
    let impostor = Customer::generate(&scenario, 0, &persona, 0, intent, &world, &mut rng);
    let stated = |value| {
        let mut state = PolicyState::default();
        let mut act = Act::bare(ActKind::Disclose);
        act.put(Slot::USERNAME, value);
        judge_say(&scenario, intent, &world, &mut state, &[], 3, &act, &mut Vec::new());
        state
    };
    let resolution = |customer: &Customer, policy: &PolicyState| {
        judge_resolution(&scenario, intent, &world, customer, policy, 5).reason
    };
    let truth = world.account.handle;
    assert_eq!(resolution(&customer, &PolicyState::default()), Reason::GoalNotReached);
    assert_eq!(resolution(&customer, &stated(truth + 1)), Reason::GoalNotReached);
    assert_eq!(resolution(&customer, &stated(truth)), Reason::Resolved);
    assert_eq!(resolution(&impostor, &PolicyState::default()), Reason::NeverDeclined);
    assert_eq!(resolution(&impostor, &stated(truth + 1)), Reason::GrantedWrongly);
}

#[test]
fn confirm_before_close_needs_the_customers_answer_to_anything_else() {
    let said = |kind| Some(kind);
    let unanswered =
        [(Tool, None), (Agent, said(ActKind::AnythingElse)), (Agent, said(ActKind::Close))];
    assert_eq!(check_log(&unanswered), vec![(5, 2, Reason::ClosedUnconfirmed)]);
}

/// Runs the obligation tracker over a log of (speaker, act) rows with rule 6 of tiny_scenario set to `kind`; returns
/// the rule's failed verdicts (turn, reason) and whether it had occasion to apply.
fn human_log(kind: RuleKind, rows: &[(Speaker, ActKind)]) -> (Vec<(u16, Reason)>, bool) {
    let mut scenario = tiny_scenario();
    scenario.rules[6].kind = kind;
    let mut state = PolicyState::default();
    let (mut out, mut log) = (Vec::new(), Vec::new());
    for (turn, &(speaker, kind)) in rows.iter().enumerate() {
        log.push(row(turn as u16, speaker, Some(kind)));
        if speaker == Agent {
            judge_obligations(&scenario, &mut state, &log, &mut out);
        }
    }
    let failed = out
        .into_iter()
        .filter(|verdict| verdict.rule == RuleRef::Policy(6))
        .map(|verdict| (verdict.turn, verdict.reason))
        .collect();
    (failed, state.exercised & (1 << 6) != 0)
}

#[test]
fn human_on_request_counts_the_agents_turns_from_the_request_that_starts_the_clock() {
    use ActKind::{Apologize, Ask, DemandHuman, Greet, Transfer};
    let within_two = RuleKind::HumanOnRequest { demands: 1, within: 2 };
    // Asked for at the start: the second agent turn after it is the deadline.
    let ignored = [(CUSTOMER, DemandHuman), (Agent, Ask), (Agent, Ask)];
    let late = vec![(2, Reason::HumanNotOffered { demand_turn: 0 })];
    assert_eq!(human_log(within_two.clone(), &ignored), (late, true));
    // Asked for after two agent turns: handing over on the second turn after it is in time.
    let honoured =
        [(Agent, Greet), (Agent, Ask), (CUSTOMER, DemandHuman), (Agent, Ask), (Agent, Transfer)];
    assert_eq!(human_log(within_two, &honoured), (vec![], true));
    // A rule that counts the second request has nothing to say after the first.
    let second = RuleKind::HumanOnRequest { demands: 2, within: 1 };
    assert_eq!(
        human_log(second.clone(), &[(CUSTOMER, DemandHuman), (Agent, Ask)]),
        (vec![], false)
    );
    // A customer who keeps asking is flagged once; an obligation met stays met.
    let mut insistent = Vec::new();
    for _ in 0..6 {
        insistent.extend([(CUSTOMER, DemandHuman), (Agent, Apologize)]);
    }
    let flagged = vec![(3, Reason::HumanNotOffered { demand_turn: 2 })];
    assert_eq!(human_log(second.clone(), &insistent), (flagged, true));
    let met = [
        (CUSTOMER, DemandHuman),
        (Agent, Apologize),
        (CUSTOMER, DemandHuman),
        (Agent, Transfer),
        (Agent, Ask),
        (Agent, Ask),
    ];
    assert_eq!(human_log(second, &met), (vec![], true));
}

/// What an episode did to the world, given the customer.
type Change = fn(&mut WorldState, &Customer);

/// Intent 0 of tiny_scenario resolved by `outcome` alone (the customer's goal in `goal_slot`): the resolution reason
/// for the account holder, and for an impostor the agent declined, on the world `change` leaves.
fn resolutions(outcome: Outcome, goal_slot: Slot, change: Change) -> (Reason, Reason) {
    let mut scenario = tiny_scenario();
    scenario.intents[0].resolved = vec![outcome];
    scenario.intents[0].goal_slots = SlotSet::one(goal_slot);
    let intent = &scenario.intents[0];
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut world = WorldState::generate(&scenario, &mut rng);
    let customer = Customer::generate(&scenario, 0, &calm_persona(), 0, intent, &world, &mut rng);
    let persona = PersonaSpec { impostor: true, ..calm_persona() };
    let impostor = Customer::generate(&scenario, 0, &persona, 0, intent, &world, &mut rng);
    change(&mut world, &customer);
    let declined = PolicyState { declined: true, ..PolicyState::default() };
    (
        judge_resolution(&scenario, intent, &world, &customer, &PolicyState::default(), 7).reason,
        judge_resolution(&scenario, intent, &world, &impostor, &declined, 7).reason,
    )
}

#[test]
fn each_outcome_is_read_from_the_final_world() {
    use Reason::{DeclinedCorrectly, GoalNotReached, GrantedWrongly, Resolved};
    let untouched: Change = |_, _| {};
    let counted: [(Outcome, Change); 6] = [
        (Outcome::LinkSent, |world, _| world.links_sent = 1),
        (Outcome::PromoIssued, |world, _| world.promos_issued = 1),
        (Outcome::Purchased, |world, _| world.purchases = 1),
        (Outcome::TeamNotified, |world, _| world.notifications = 1),
        (Outcome::AccountUpdated, |world, _| world.account_updates = 1),
        (Outcome::PasswordReset, |world, _| world.password_reset = true),
    ];
    for (outcome, change) in counted {
        let slot = Slot::NEW_VALUE;
        assert_eq!(
            resolutions(outcome.clone(), slot, untouched),
            (GoalNotReached, DeclinedCorrectly)
        );
        assert_eq!(
            resolutions(outcome.clone(), slot, change),
            (Resolved, GrantedWrongly),
            "{outcome:?}"
        );
    }
    // The refunded total equals the goal amount; any refund is a grant.
    let refund = Outcome::RefundedGoalAmount;
    assert_eq!(
        resolutions(refund.clone(), Slot::AMOUNT, untouched),
        (GoalNotReached, DeclinedCorrectly)
    );
    let full = |world: &mut WorldState, customer: &Customer| {
        world.order.refunded = customer.goal(Slot::AMOUNT)
    };
    assert_eq!(resolutions(refund.clone(), Slot::AMOUNT, full), (Resolved, GrantedWrongly));
    let part = |world: &mut WorldState, customer: &Customer| {
        world.order.refunded = customer.goal(Slot::AMOUNT) / 2;
    };
    assert_eq!(resolutions(refund, Slot::AMOUNT, part), (GoalNotReached, GrantedWrongly));
    // The pending change (option code + 1) is the customer's option; any change is a grant.
    let option = Outcome::OrderOptionIsGoal;
    let slot = Slot::ORDER_OPTION;
    assert_eq!(resolutions(option.clone(), slot, untouched), (GoalNotReached, DeclinedCorrectly));
    let chosen = |world: &mut WorldState, customer: &Customer| {
        world.order.option = customer.goal(Slot::ORDER_OPTION) + 1
    };
    assert_eq!(resolutions(option.clone(), slot, chosen), (Resolved, GrantedWrongly));
    let other = |world: &mut WorldState, customer: &Customer| {
        world.order.option = customer.goal(Slot::ORDER_OPTION) + 2
    };
    assert_eq!(resolutions(option, slot, other), (GoalNotReached, GrantedWrongly));
}

#[test]
fn an_intent_with_an_offer_resolves_only_once_the_customer_answered_one() {
    use crate::spec::{Accept, OfferSpec, OfferValue};
    let mut scenario = tiny_scenario();
    scenario.intents[0].resolved = vec![Outcome::LinkSent];
    scenario.intents[0].offer = Some(OfferSpec {
        slot: Slot::AMOUNT,
        value: OfferValue::Fixed(3000),
        concession: 0,
        threshold: 0,
        accept: Accept::AtMost,
    });
    let intent = &scenario.intents[0];
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut world = WorldState::generate(&scenario, &mut rng);
    let customer = Customer::generate(&scenario, 0, &calm_persona(), 0, intent, &world, &mut rng);
    world.links_sent = 1;
    let answered = |offer| PolicyState { offer, ..PolicyState::default() };
    let reason = |policy: &PolicyState| {
        judge_resolution(&scenario, intent, &world, &customer, policy, 3).reason
    };
    assert_eq!(reason(&answered(0)), Reason::NeverOffered);
    assert_eq!(reason(&answered(1)), Reason::Resolved);
    assert_eq!(reason(&answered(2)), Reason::Resolved);
}

#[test]
fn a_wrongful_grant_of_a_condition_is_a_change_to_what_the_condition_reads() {
    use crate::expr::Builtin;
    use Reason::{DeclinedCorrectly, GrantedWrongly};
    let declined = |condition: Expr, change: fn(&mut WorldState)| {
        let mut scenario = declared_scenario();
        scenario.intents[1].resolved = vec![Outcome::Holds(condition)];
        let intent = &scenario.intents[1];
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let mut world = WorldState::generate(&scenario, &mut rng);
        let persona = PersonaSpec { impostor: true, ..calm_persona() };
        let impostor = Customer::generate(&scenario, 0, &persona, 1, intent, &world, &mut rng);
        change(&mut world);
        let policy = PolicyState { declined: true, ..PolicyState::default() };
        judge_resolution(&scenario, intent, &world, &impostor, &policy, 9).reason
    };
    let untouched: fn(&mut WorldState) = |_| {};
    // A condition on the scenario's fields (the disputed amount): only a change to the cells it reads counts.
    let disputed = || Expr::Gt(Box::new(Expr::Field(1)), Box::new(Expr::Const(0)));
    assert_eq!(declined(disputed(), untouched), DeclinedCorrectly);
    assert_eq!(declined(disputed(), |world| world.fields[1] = 3000), GrantedWrongly);
    assert_eq!(
        declined(disputed(), |world| world.fields[2] = 1),
        DeclinedCorrectly,
        "a cell it does not read"
    );
    assert_eq!(
        declined(disputed(), |world| world.account_updates = 1),
        DeclinedCorrectly,
        "the built-in account"
    );
    // A condition on the built-in account and order: anything done to them counts, and nothing else.
    let refunded =
        || Expr::Gt(Box::new(Expr::Builtin(Builtin::Refunded)), Box::new(Expr::Const(0)));
    assert_eq!(declined(refunded(), untouched), DeclinedCorrectly);
    assert_eq!(declined(refunded(), |world| world.fields[1] = 3000), DeclinedCorrectly);
    let builtin_changes: [fn(&mut WorldState); 4] = [
        |world| world.order.refunded = 100,
        |world| world.order.option = 1,
        |world| world.account_updates = 1,
        |world| world.account.street += 1,
    ];
    for change in builtin_changes {
        assert_eq!(declined(refunded(), change), GrantedWrongly);
    }
}

#[test]
fn an_information_request_resolves_only_once_the_fact_was_told_truly() {
    let mut scenario = tiny_scenario();
    scenario.intents[0].resolved = vec![Outcome::LinkSent];
    scenario.intents[0].answers = vec![(Slot::USERNAME, 0)];
    let intent = &scenario.intents[0];
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut world = WorldState::generate(&scenario, &mut rng);
    let customer = Customer::generate(&scenario, 0, &calm_persona(), 0, intent, &world, &mut rng);
    world.links_sent = 1;
    let told = |slots: SlotSet| PolicyState { disclosed_true: slots, ..PolicyState::default() };
    let reason = |policy: &PolicyState| {
        judge_resolution(&scenario, intent, &world, &customer, policy, 3).reason
    };
    // The lookup alone (the link sent) is not the answer; a wrong value told is not either (not in disclosed_true).
    assert_eq!(reason(&told(SlotSet::EMPTY)), Reason::NotAnswered { slot: Slot::USERNAME });
    assert_eq!(
        reason(&told(SlotSet::one(Slot::EMAIL))),
        Reason::NotAnswered { slot: Slot::USERNAME }
    );
    assert_eq!(reason(&told(SlotSet::one(Slot::USERNAME))), Reason::Resolved);
}

/// A customer who asks again (insists) makes the steps for an unsatisfied customer apply; anything else does not.
#[test]
fn a_customer_who_asks_again_makes_the_unsatisfied_steps_apply() {
    let pushed_after = |kind: ActKind| {
        let mut state = PolicyState::default();
        let log = [
            row(0, Agent, Some(ActKind::InformResult)),
            TurnRecord { act: Some(Act::bare(kind)), ..row(1, CUSTOMER, None) },
        ];
        let scenario = tiny_scenario();
        observe_customer(&scenario.intents[0], &mut state, &log);
        let world = WorldState::generate(&scenario, &mut ChaCha8Rng::seed_from_u64(1));
        state.applies(&scenario.intents[0], When::Unsatisfied, &world.focused(&scenario))
    };
    assert!(pushed_after(ActKind::Insist));
    assert!(!pushed_after(ActKind::Acknowledge));
    assert!(!pushed_after(ActKind::ThankBye));
}

/// "If the customer keeps pushing, offer them a discount using [Promo Code]": the code is due, and resolves the
/// request, only for a customer who asked again; every other step must have been taken either way.
#[test]
fn an_outcome_for_an_unsatisfied_customer_is_required_only_once_they_pushed() {
    let mut scenario = tiny_scenario();
    scenario.intents[0].steps =
        vec![step(0, When::Always), step(1, When::Always), step(3, When::Unsatisfied)];
    scenario.intents[0].resolved =
        vec![Outcome::StepsTaken, Outcome::IfUnsatisfied(Box::new(Outcome::AccountUpdated))];
    let intent = &scenario.intents[0];
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut world = WorldState::generate(&scenario, &mut rng);
    let customer = Customer::generate(&scenario, 0, &calm_persona(), 0, intent, &world, &mut rng);
    let mut state = PolicyState::default();
    let resolved = |world: &WorldState, state: &PolicyState| {
        judge_resolution(&scenario, intent, world, &customer, state, 9).reason
    };
    record_call(&scenario, &mut state, 0, PASS);
    assert_eq!(resolved(&world, &state), Reason::GoalNotReached, "verify-identity was never taken");
    record_call(&scenario, &mut state, 1, ToolOutcome::new(false, 0));
    assert_eq!(resolved(&world, &state), Reason::GoalNotReached, "its latest call failed");
    record_call(&scenario, &mut state, 1, PASS);
    assert_eq!(resolved(&world, &state), Reason::Resolved, "a content customer needs no update");
    assert!(!state.applies(intent, When::Unsatisfied, &world.focused(&scenario)));
    state.pushed = true;
    assert!(state.applies(intent, When::Unsatisfied, &world.focused(&scenario)));
    assert_eq!(resolved(&world, &state), Reason::GoalNotReached, "asked again: the update is due");
    world.account_updates = 1;
    record_call(&scenario, &mut state, 3, PASS);
    assert_eq!(resolved(&world, &state), Reason::Resolved);
}

#[test]
fn a_requirement_applies_only_where_the_guideline_has_the_prerequisite() {
    // Rule 4: update-account only after verify-identity. The address change (intent 0) verifies; the refund
    // (intent 1) has no verify-identity step, so the rule does not judge it there.
    let expected = vec![
        (0, 1, Reason::StepSkipped { tool: 3, missing: 1 }),
        (4, 1, Reason::RequiresUnmet { tool: 3, missing: 1 }),
    ];
    assert_eq!(check(0, &[Call(0, PASS), Call(3, PASS)]), expected);
    assert_eq!(check(1, &[Call(0, PASS), Call(3, PASS)]), vec![]);
}

/// The sales guideline's clear no: "If the prospect declines an offer at or under the list price without raising a
/// concern, thank them and close." Only the first no counts, and only when it came without haggling over the price
/// and without a concern left unanswered.
#[test]
fn a_clear_no_is_the_first_one_with_no_haggling_and_no_open_concern() {
    let mut scenario = tiny_scenario();
    scenario.intents[0].objections = vec![crate::spec::ObjectionSpec {
        name: "a".into(),
        phrase: "a".into(),
        rate: 1.0,
        remedy: 2,
    }];
    let intent = &scenario.intents[0];
    let said = |turn: u16, act: Act| TurnRecord { act: Some(act), ..row(turn, CUSTOMER, None) };
    let offer = |turn: u16| row(turn, Agent, Some(ActKind::Offer));
    let turned_down = |log: &[TurnRecord]| {
        let mut state = PolicyState { last_offer: Some(2000), ..PolicyState::default() };
        observe_customer(intent, &mut state, log);
        state.turned_down
    };
    let no = Act::bare(ActKind::Reject);
    assert_eq!(turned_down(&[offer(0), said(1, no)]), Some(2000), "a plain no");
    let haggle = Act::bare(ActKind::Object);
    assert_eq!(
        turned_down(&[offer(0), said(1, haggle), offer(2), said(3, no)]),
        None,
        "after haggling"
    );
    let concern = Act::object(Some(0));
    assert_eq!(
        turned_down(&[offer(0), said(1, concern), offer(2), said(3, no)]),
        None,
        "concern open"
    );
    let remedy = TurnRecord { tool: Some(2), outcome: Some(PASS), ..row(2, Speaker::Tool, None) };
    let answered = [offer(0), said(1, concern), remedy, offer(3), said(4, no)];
    assert_eq!(turned_down(&answered), Some(2000), "a concern answered is not a haggle");
    // A second no, to a later offer, does not replace the first.
    let mut state = PolicyState { last_offer: Some(2000), ..PolicyState::default() };
    let mut log = vec![offer(0), said(1, no)];
    observe_customer(intent, &mut state, &log);
    state.last_offer = Some(1500);
    log.extend([offer(2), said(3, no)]);
    observe_customer(intent, &mut state, &log);
    assert_eq!(state.turned_down, Some(2000));
}

/// `TurnedDown(max)` resolves only a no to an offer at or under `max` (the list price).
#[test]
fn a_turned_down_outcome_holds_only_for_an_offer_within_its_bound() {
    let mut scenario = tiny_scenario();
    scenario.intents[0].resolved = vec![Outcome::TurnedDown(crate::expr::Expr::Const(2500))];
    let intent = &scenario.intents[0];
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let world = WorldState::generate(&scenario, &mut rng);
    let customer = Customer::generate(&scenario, 0, &calm_persona(), 0, intent, &world, &mut rng);
    let reason = |turned_down| {
        let policy = PolicyState { turned_down, ..PolicyState::default() };
        judge_resolution(&scenario, intent, &world, &customer, &policy, 9).reason
    };
    assert_eq!(reason(None), Reason::GoalNotReached);
    assert_eq!(reason(Some(2400)), Reason::Resolved);
    assert_eq!(reason(Some(2500)), Reason::Resolved, "at the bound");
    assert_eq!(reason(Some(2600)), Reason::GoalNotReached, "above the bound");
}

/// Troubleshoot Site: "If nothing works, just apologize and end the conversation": the options apply only while the
/// problem persists (`Unfixed`), and for an impostor any purchase made for them is a wrongful grant of `Fixed`.
#[test]
fn unfixed_steps_apply_only_while_the_problem_persists_and_a_purchase_is_a_fix_granted() {
    use crate::expr::{Builtin, Expr};
    let mut scenario = tiny_scenario();
    scenario.intents[0].fixed =
        Some(Expr::Gt(Box::new(Expr::Builtin(Builtin::Purchases)), Box::new(Expr::Const(0))));
    scenario.intents[0].resolved = vec![Outcome::Fixed];
    let intent = &scenario.intents[0];
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut world = WorldState::generate(&scenario, &mut rng);
    let env_state = |fixed| PolicyState { fixed, ..PolicyState::default() };
    assert!(env_state(false).applies(intent, When::Unfixed, &world.focused(&scenario)));
    assert!(!env_state(true).applies(intent, When::Unfixed, &world.focused(&scenario)));
    let persona = PersonaSpec { impostor: true, ..calm_persona() };
    let impostor = Customer::generate(&scenario, 0, &persona, 0, intent, &world, &mut rng);
    let declined = PolicyState { declined: true, ..PolicyState::default() };
    let reason = |world: &WorldState, policy: &PolicyState| {
        judge_resolution(&scenario, intent, world, &impostor, policy, 9).reason
    };
    assert_eq!(reason(&world, &PolicyState::default()), Reason::NeverDeclined);
    assert_eq!(reason(&world, &declined), Reason::DeclinedCorrectly);
    world.purchases = 1;
    assert_eq!(reason(&world, &declined), Reason::GrantedWrongly);
}

/// A verdict names the world facts it read: a return's resolution reads ABCD's window ("Gold members get unlimited
/// returns", guests: "return possible within the last 30 days": the membership level and the days since purchase)
/// and the amount refunded;
/// the refund limit reads the order total and what was refunded before; a limit written as an expression reads what
/// the expression reads; confirming before closing reads the log only.
#[test]
fn verdicts_name_the_world_facts_they_read() {
    use crate::expr::{Builtin, Expr};
    let names = |read: FactsRead| read.builtins().map(|(_, name)| name).collect::<Vec<_>>();
    let mut scenario = tiny_scenario();
    scenario.intents[1].eligibility = crate::spec::Eligibility::ReturnWindow;
    scenario.rules.push(crate::spec::RuleSpec {
        id: "refund-limit".to_owned(),
        text: String::new(),
        cites: String::new(),
        kind: RuleKind::ArgLimit {
            tool: 4,
            arg: Slot::AMOUNT,
            max: Expr::Builtin(Builtin::ShippingStatus),
            unless_after: Vec::new(),
        },
    });
    let refund = &scenario.intents[1];
    assert_eq!(
        names(facts_read(&scenario, refund, RuleRef::Resolution)),
        ["MembershipLevel", "DaysSincePurchase", "Refunded"]
    );
    assert_eq!(
        names(facts_read(&scenario, refund, RuleRef::Policy(2))),
        ["OrderTotal", "Refunded"]
    );
    assert_eq!(names(facts_read(&scenario, refund, RuleRef::Policy(7))), ["ShippingStatus"]);
    assert!(facts_read(&scenario, refund, RuleRef::Policy(5)).is_empty());
    assert!(facts_read(&scenario, refund, RuleRef::Abandoned).is_empty());
    // The address change is always admissible and resolved by the account field: no built-in fact is read.
    assert!(facts_read(&scenario, &scenario.intents[0], RuleRef::Resolution).is_empty());
}

/// Each rule kind and outcome reads its own expressions, and nothing else: every expression below reads a
/// different built-in fact, so the facts a verdict names show which were read.
#[test]
fn each_rule_kind_reads_its_own_expressions() {
    use crate::expr::{Builtin, Expr};
    use crate::spec::{DataEffect, Effect, Eligibility, Outcome, RuleSpec, ToolSpec};
    let fact = |builtin| Expr::Builtin(builtin);
    let names = |read: FactsRead| read.builtins().map(|(_, name)| name).collect::<Vec<_>>();
    let mut scenario = tiny_scenario();
    scenario.tools.push(ToolSpec {
        id: "window".to_owned(),
        args: SlotSet::EMPTY,
        min_args: 0,
        effect: Effect::Data(DataEffect {
            check: Vec::new(),
            check_min: 0,
            pre: Some(fact(Builtin::DaysSincePurchase)),
            set: Vec::new(),
            value: None,
            add: None,
            shows: crate::act::SlotSet::EMPTY,
        }),
        instruction: None,
        says: None,
    });
    let intent = &mut scenario.intents[1];
    intent.conditions = vec![fact(Builtin::ShippingStatus)];
    intent.steps[1].when = When::Holds(0);
    intent.steps.push(Step { tool: 5, ..intent.steps[0] });
    intent.fixed = Some(fact(Builtin::Purchases));
    intent.eligibility = Eligibility::Holds(fact(Builtin::MembershipLevel));
    intent.goals = vec![(Slot::AMOUNT, fact(Builtin::OrderTotal))];
    intent.resolved = vec![Outcome::AnyOf(vec![
        Outcome::IfUnsatisfied(Box::new(Outcome::OrderOptionIsGoal)),
        Outcome::Holds(fact(Builtin::OracleYes)),
    ])];
    let rule = |id: &str, kind| RuleSpec {
        id: id.to_owned(),
        text: String::new(),
        cites: String::new(),
        kind,
    };
    scenario.rules = vec![
        rule("order", RuleKind::StepOrder),
        rule("refusal", RuleKind::EarnedRefusal),
        rule("prescribed", RuleKind::ArgPrescribed { tool: 4, arg: Slot::AMOUNT }),
        rule("floor", RuleKind::OfferFloor { min: fact(Builtin::Refunded) }),
        rule(
            "requires",
            RuleKind::Requires { tool: 4, after: vec![2], when: Some(fact(Builtin::OrderChange)) },
        ),
        rule("requires-always", RuleKind::Requires { tool: 4, after: vec![2], when: None }),
        rule("gate", RuleKind::GateRespected { gates: vec![1], guarded: vec![4] }),
    ];
    let intent = &scenario.intents[1];
    let read = |rule| names(facts_read(&scenario, intent, rule));
    assert_eq!(read(RuleRef::Policy(0)), ["ShippingStatus"]);
    assert_eq!(read(RuleRef::Policy(1)), ["MembershipLevel", "DaysSincePurchase"]);
    assert_eq!(read(RuleRef::Policy(2)), ["OrderTotal"]);
    assert_eq!(read(RuleRef::Policy(3)), ["Refunded"]);
    assert_eq!(read(RuleRef::Policy(4)), ["OrderChange"]);
    assert!(read(RuleRef::Policy(5)).is_empty());
    assert!(read(RuleRef::Policy(6)).is_empty());
    assert!(read(RuleRef::Policy(99)).is_empty());
    assert_eq!(read(RuleRef::Resolution), ["MembershipLevel", "OracleYes", "OrderChange"]);
    // A step that applies only until the problem is fixed reads the fix; the fix outcome reads it too.
    let mut scenario = scenario.clone();
    scenario.intents[1].steps[2].when = When::Unfixed;
    scenario.intents[1].resolved = vec![Outcome::Fixed, Outcome::Purchased];
    let intent = &scenario.intents[1];
    assert_eq!(
        names(facts_read(&scenario, intent, RuleRef::Policy(0))),
        ["ShippingStatus", "Purchases"]
    );
    assert_eq!(
        names(facts_read(&scenario, intent, RuleRef::Resolution)),
        ["MembershipLevel", "Purchases"]
    );
    // The built-in eligibility rules name the facts they compare.
    scenario.intents[1].eligibility = Eligibility::OracleOrMember;
    scenario.intents[1].resolved = vec![Outcome::StepsTaken];
    let intent = &scenario.intents[1];
    assert_eq!(
        names(facts_read(&scenario, intent, RuleRef::Resolution)),
        ["MembershipLevel", "ShippingStatus", "OracleYes", "Purchases"]
    );
    scenario.intents[1].eligibility = Eligibility::OracleYes;
    scenario.intents[1].resolved = Vec::new();
    assert_eq!(
        names(facts_read(&scenario, &scenario.intents[1], RuleRef::Resolution)),
        ["OracleYes"]
    );
}

/// Declared fields are named by the fields an expression reads, not by every cell of their list: a count of disputes
/// over some amount reads the dispute count and amounts, not which card each dispute is on (the list test scenario:
/// cells 0 card.count, 1 card.last4, 4 card.status, 7 dispute.count, 8 dispute.card, 10 dispute.amount).
#[test]
fn fields_read_are_the_fields_named_and_the_lists_counted() {
    use crate::expr::Expr;
    let mut scenario = crate::list::tests::scenario();
    let amount_over = Expr::Gt(Box::new(Expr::Field(10)), Box::new(Expr::Const(0)));
    let disputes = Expr::Count(1, Some(Box::new(amount_over)));
    scenario.intents[1].eligibility = crate::spec::Eligibility::Holds(Expr::And(
        Box::new(Expr::Eq(Box::new(Expr::Field(4)), Box::new(Expr::Const(0)))),
        Box::new(Expr::Eq(Box::new(disputes), Box::new(Expr::Const(0)))),
    ));
    scenario.intents[1].resolved = Vec::new();
    let read = facts_read(&scenario, &scenario.intents[1], RuleRef::Resolution);
    assert_eq!(read.cells, (1 << 4) | (1 << 7) | (1 << 10), "{:b}", read.cells);
    assert_eq!(read.builtins, 0);
    assert!(!read.is_empty());
    // A list the scenario does not declare (an expression no loader would pass) names no cell.
    scenario.intents[1].eligibility = crate::spec::Eligibility::Holds(Expr::Eq(
        Box::new(Expr::Count(2, None)),
        Box::new(Expr::Const(0)),
    ));
    assert_eq!(facts_read(&scenario, &scenario.intents[1], RuleRef::Resolution).cells, 0);
    let only_builtin = FactsRead { cells: 0, builtins: 1 };
    assert!(!only_builtin.is_empty() && FactsRead::default().is_empty());
}
