//! Each rule kind: a planted violation is caught at its turn with its reason; the by-the-book sequence is clean.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::act::ActKind;
use crate::spec::ScenarioSpec;
use crate::testing::{calm_persona, tiny_scenario};
use crate::world::{ToolArgs, ToolOutcome, WorldState};

// tiny_scenario: tools 0 pull-up-account, 1 verify-identity, 2 validate-purchase, 3 update-account,
// 4 offer-refund; intent 0 = change address (0, 1, 3), intent 1 = refund (0, 2, 4);
// rules 0 step order, 1 steps complete, 2 refund within total, 3 no change unverified.
const PASS: ToolOutcome = ToolOutcome { passed: true, value: 0 };
const FAIL: ToolOutcome = ToolOutcome { passed: false, value: 0 };

enum Turn {
    Call(u8, ToolOutcome),
    Refund(u64),
    Say(ActKind),
}

/// Plays `turns` (turn index = position) through the policy oracle and returns the failed verdicts.
fn check(intent: usize, turns: &[Turn]) -> Vec<(u16, u16, Reason)> {
    let scenario = tiny_scenario();
    let world = world(&scenario);
    let mut state = PolicyState::default();
    let mut refunded = 0;
    let mut out = Vec::new();
    for (turn, step) in turns.iter().enumerate() {
        let turn = turn as u16;
        match step {
            Turn::Call(tool, outcome) => {
                judge_call(
                    &scenario,
                    &scenario.intents[intent],
                    &world,
                    refunded,
                    &mut state,
                    turn,
                    *tool,
                    &ToolArgs::default(),
                    &mut out,
                );
                record_call(&scenario, &mut state, *tool, *outcome);
            }
            Turn::Refund(amount) => {
                let mut args = ToolArgs::default();
                args.push(crate::act::Slot::Amount, *amount);
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
            Turn::Say(act) => {
                judge_say(&scenario, &scenario.intents[intent], &mut state, turn, *act, &mut out)
            }
        }
    }
    out.iter()
        .map(|verdict| match verdict.rule {
            RuleRef::Policy(rule) => (rule, verdict.turn, verdict.reason),
            other => panic!("unexpected {other:?}"),
        })
        .collect()
}

fn world(scenario: &ScenarioSpec) -> WorldState {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    WorldState::generate(&scenario.world, &scenario.intents[1], &mut rng)
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
    let declined = [Call(0, PASS), Call(1, FAIL), Say(ActKind::Deny), Say(ActKind::Close)];
    assert_eq!(check(0, &declined), vec![]);
    let retried = [Call(0, PASS), Call(1, FAIL), Call(1, PASS), Call(3, PASS), Say(ActKind::Close)];
    assert_eq!(check(0, &retried), vec![]);
}

#[test]
fn step_order_flags_a_skipped_step_at_the_dependent_call() {
    let skipped = [Call(0, PASS), Say(ActKind::Ask), Call(3, PASS)];
    assert_eq!(check(0, &skipped), vec![(0, 2, Reason::StepSkipped { tool: 3, missing: 1 })]);
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
    assert_eq!(check(0, &ignored), vec![(3, 2, Reason::GateClosed { gate: 1, tool: 3 })]);
}

#[test]
fn resolution_compares_the_world_with_the_goal() {
    let scenario = tiny_scenario();
    let intent = &scenario.intents[0];
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut world = WorldState::generate(&scenario.world, intent, &mut rng);
    let customer = Customer::generate(0, &calm_persona(), 0, intent, &world, &mut rng);
    let policy = PolicyState::default();
    assert_eq!(
        judge_resolution(intent, &world, &customer, &policy, 9).reason,
        Reason::GoalNotReached
    );
    world.account.street = customer.goal(crate::act::Slot::NewValue);
    let verdict = judge_resolution(intent, &world, &customer, &policy, 9);
    assert_eq!((verdict.passed, verdict.turn, verdict.reason), (true, 9, Reason::Resolved));
}

#[test]
fn resolution_for_an_impostor_needs_a_refusal_and_no_change() {
    let scenario = tiny_scenario();
    let intent = &scenario.intents[0];
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut world = WorldState::generate(&scenario.world, intent, &mut rng);
    let mut persona = calm_persona();
    persona.impostor = true;
    let customer = Customer::generate(0, &persona, 0, intent, &world, &mut rng);
    let mut policy = PolicyState::default();
    assert_eq!(
        judge_resolution(intent, &world, &customer, &policy, 4).reason,
        Reason::NeverDeclined
    );
    policy.declined = true;
    assert_eq!(
        judge_resolution(intent, &world, &customer, &policy, 4).reason,
        Reason::DeclinedCorrectly
    );
    world.account_updates = 1;
    assert_eq!(
        judge_resolution(intent, &world, &customer, &policy, 4).reason,
        Reason::GrantedWrongly
    );
}

#[test]
fn csat_proxy_is_on_a_one_to_five_scale() {
    assert_eq!(csat(EndReason::Abandoned, true, 0.0), 1);
    assert_eq!(csat(EndReason::Closed, true, 0.0), 5);
    assert_eq!(csat(EndReason::Closed, false, 0.5), 2);
    assert_eq!(csat(EndReason::Escalated, true, 0.25), 4);
}
