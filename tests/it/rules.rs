//! Every policy rule of retail-support, one planted fault at a time: each plant is caught at its turn under the
//! rule it targets, nothing else is flagged; and by-the-book is never flagged over 100,000 episodes.

use std::collections::BTreeMap;

use sim_core::agents::{Sloppy, SloppyConfig};
use sim_core::prelude::*;
use sim_core::spec::RuleKind;

pub(crate) const NO_FAULTS: SloppyConfig = SloppyConfig {
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
};

/// Runs the sloppy agent with `config`; returns how many plants carried each label, after checking that the
/// agent's notes and the oracle's failed policy verdicts agree exactly, episode by episode.
fn check(config: SloppyConfig, episodes: u64) -> BTreeMap<String, usize> {
    check_scenario("retail-support", config, episodes)
}

/// [`check`] on any built-in scenario.
///
/// A limit that depends on the world (dispute no more than is left of the charge) is out of the agent's sight: it
/// cannot plant a breach of it on purpose, but a breach can follow from another fault (filing an impostor's
/// made-up amount after ignoring a failed check). Those rules are left out of the exact comparison; every such
/// verdict must still come at a turn where the agent planted some other violation.
pub(crate) fn check_scenario(
    name: &str,
    config: SloppyConfig,
    episodes: u64,
) -> BTreeMap<String, usize> {
    let (scenario, personas) = crate::support::built_in(name);
    let agent = Box::new(Sloppy::new(scenario.clone(), config));
    let mut engine =
        Engine::new(scenario.clone(), personas, agent, EngineConfig { slots: 128 }).unwrap();
    let out = engine.run(21, 0..episodes);
    let unseen: Vec<&str> = scenario
        .rules
        .iter()
        .filter(|rule| match &rule.kind {
            RuleKind::ArgLimit { max, .. } => max.reads_world(),
            _ => false,
        })
        .map(|rule| rule.id.as_str())
        .collect();
    let mut planted = BTreeMap::new();
    for record in &out.episodes {
        let mut notes: Vec<(String, u16)> =
            record.agent_notes.iter().map(|n| (n.label.clone(), n.turn)).collect();
        let mut caught: Vec<(String, u16)> = out
            .verdicts_of(record)
            .iter()
            .filter(|v| !v.passed && matches!(v.rule, RuleRef::Policy(_)))
            .map(|v| (v.rule.id(&scenario).to_owned(), v.turn))
            .collect();
        let (emergent, seen): (Vec<_>, Vec<_>) =
            caught.into_iter().partition(|(rule, _)| unseen.contains(&rule.as_str()));
        caught = seen;
        for (rule, turn) in emergent {
            assert!(
                notes.iter().any(|(_, planted_turn)| *planted_turn == turn),
                "episode {}: {rule} at turn {turn} follows from no planted fault",
                record.episode
            );
        }
        notes.sort();
        caught.sort();
        assert_eq!(notes, caught, "episode {}: planted vs caught", record.episode);
        for (label, _) in notes {
            *planted.entry(label).or_insert(0) += 1;
        }
    }
    planted
}

pub(crate) fn assert_plants(planted: &BTreeMap<String, usize>, rule: &str) {
    assert!(planted.get(rule).copied().unwrap_or(0) >= 20, "too few `{rule}` plants: {planted:?}");
}

#[test]
fn skipped_verification_breaks_step_order() {
    let planted = check(SloppyConfig { skip_verification: 1.0, ..NO_FAULTS }, 3000);
    assert_plants(&planted, "abcd-step-order");
}

#[test]
fn skipped_step_breaks_step_order_or_completeness() {
    let planted = check(SloppyConfig { skip_step: 1.0, ..NO_FAULTS }, 3000);
    assert_plants(&planted, "abcd-step-order");
    assert_plants(&planted, "abcd-steps-complete");
}

#[test]
fn early_close_breaks_completeness() {
    let planted = check(SloppyConfig { close_early: 1.0, ..NO_FAULTS }, 3000);
    assert_plants(&planted, "abcd-steps-complete");
}

#[test]
fn over_refund_breaks_the_refund_limit() {
    let planted = check(SloppyConfig { over_refund: 1.0, ..NO_FAULTS }, 3000);
    assert_plants(&planted, "refund-within-total");
    assert_plants(&planted, "large-refund-needs-approval");
    assert_plants(&planted, "refund-amount-per-guideline");
}

#[test]
fn ignored_failed_checks_break_the_gates() {
    let planted = check(SloppyConfig { ignore_failed_check: 1.0, ..NO_FAULTS }, 6000);
    assert_plants(&planted, "no-change-unverified");
    assert_plants(&planted, "no-write-after-refusal");
}

#[test]
fn ignored_requests_for_a_human_break_the_obligation() {
    let planted = check(SloppyConfig { ignore_human_request: 1.0, ..NO_FAULTS }, 20_000);
    assert_plants(&planted, "human-on-second-request");
}

#[test]
fn wrong_values_break_the_prescribed_value_rules() {
    let planted = check(SloppyConfig { wrong_value: 1.0, ..NO_FAULTS }, 6000);
    assert_plants(&planted, "refund-amount-per-guideline");
    assert_plants(&planted, "order-option-per-guideline");
}

#[test]
fn a_refusal_before_any_check_is_wrongful_and_excuses_no_step() {
    let planted = check(SloppyConfig { wrongful_refusal: 1.0, ..NO_FAULTS }, 3000);
    assert_plants(&planted, "wrongful-refusal");
    assert_plants(&planted, "abcd-steps-complete");
}

#[test]
fn early_disclosure_breaks_the_disclosure_rule() {
    let planted = check(SloppyConfig { disclose_early: 1.0, ..NO_FAULTS }, 6000);
    assert_plants(&planted, "no-disclosure-unverified");
}

#[test]
fn default_sloppy_plants_every_kind_and_all_are_caught() {
    let planted = check(SloppyConfig::default(), 20_000);
    for rule in [
        "abcd-step-order",
        "abcd-steps-complete",
        "refund-within-total",
        "no-change-unverified",
        "no-write-after-refusal",
        "refund-amount-per-guideline",
        "refund-needs-valid-purchase",
        "account-change-needs-verification",
        "confirm-before-close",
        "human-on-second-request",
        "no-disclosure-unverified",
        "large-refund-needs-approval",
        "order-option-per-guideline",
        "wrongful-refusal",
    ] {
        assert_plants(&planted, rule);
    }
}

#[test]
fn by_the_book_is_never_flagged_over_100k_episodes_and_resolves_calm_customers() {
    let (out, personas) = crate::support::clean_by_the_book_run("retail-support", 7, 100_000);
    let resolved = crate::support::resolution_of(&out, &personas, "calm");
    assert!(resolved >= 0.90, "calm resolution {resolved:.3}");
}

/// Manage Dispute Bill follows ABCD's rule: gold always, silver when the billing error is under $10, bronze and guest
/// when the oracle agrees; the customer disputes (and is refunded) the error itself, capped at the order total.
#[test]
fn manage_dispute_bill_refunds_silver_members_only_an_error_under_ten_dollars() {
    use sim_core::act::Slot;
    use sim_core::customer::Customer;
    let (scenario, personas) = crate::support::retail_support();
    let intent_id = scenario.intent_id("manage_dispute_bill").unwrap();
    let intent = &scenario.intents[intent_id as usize];
    let error = scenario.fields.iter().position(|f| f.name == "bill.error_amount").unwrap() as u8;
    let calm = personas.iter().find(|p| p.id == "calm").unwrap();
    let mut silver = [0, 0];
    for seed in 0..4_000 {
        let world = sim_core::testing::world_from_seed(&scenario, seed);
        let amount = world.value(&scenario, error);
        let (level, oracle) = (world.account.membership, world.oracle_yes);
        let expected = level == 3 || (level == 2 && amount < 1_000) || (level <= 1 && oracle);
        assert_eq!(world.eligible(&scenario, &intent.eligibility), expected, "seed {seed}");
        if level == 2 {
            silver[usize::from(expected)] += 1;
        }
        let mut rng = sim_core::testing::rng_from_seed(seed);
        let customer = Customer::generate(&scenario, 0, calm, intent_id, intent, &world, &mut rng);
        assert_eq!(customer.goal(Slot::AMOUNT), amount.min(world.order.total()), "seed {seed}");
    }
    assert!(silver.iter().all(|n| *n > 200), "silver refused / granted: {silver:?}");
}
