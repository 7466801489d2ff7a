//! Every policy rule of retail-support, one planted fault at a time: each plant is caught at its turn by a rule its
//! row of `tests/faults/retail-support.ron` names, nothing else is flagged; and by-the-book is never flagged over
//! 100,000 episodes.

use sim_core::agents::SloppyConfig;

use crate::faults::{Plants, assert_plants, check_scenario};

pub(crate) const NO_FAULTS: SloppyConfig = SloppyConfig::NONE;

/// [`check_scenario`] on retail-support.
fn check(config: SloppyConfig, episodes: u64) -> Plants {
    check_scenario("retail-support", config, episodes)
}

#[test]
fn skipped_verification_breaks_step_order() {
    let plants = check(SloppyConfig { skip_verification: 1.0, ..NO_FAULTS }, 3000);
    assert_plants(&plants, "abcd-step-order");
}

#[test]
fn skipped_step_breaks_step_order_or_completeness() {
    let plants = check(SloppyConfig { skip_step: 1.0, ..NO_FAULTS }, 3000);
    assert_plants(&plants, "abcd-step-order");
    assert_plants(&plants, "abcd-steps-complete");
}

#[test]
fn early_close_breaks_completeness() {
    let plants = check(SloppyConfig { close_early: 1.0, ..NO_FAULTS }, 3000);
    assert_plants(&plants, "abcd-steps-complete");
}

#[test]
fn over_refund_breaks_the_refund_limit() {
    let plants = check(SloppyConfig { over_refund: 1.0, ..NO_FAULTS }, 3000);
    assert_plants(&plants, "refund-within-total");
    assert_plants(&plants, "large-refund-needs-approval");
    assert_plants(&plants, "refund-amount-per-guideline");
}

#[test]
fn ignored_failed_checks_break_the_gates() {
    let plants = check(SloppyConfig { ignore_failed_check: 1.0, ..NO_FAULTS }, 6000);
    assert_plants(&plants, "no-change-unverified");
    assert_plants(&plants, "no-write-after-refusal");
}

#[test]
fn ignored_requests_for_a_human_break_the_obligation() {
    let plants = check(SloppyConfig { ignore_human_request: 1.0, ..NO_FAULTS }, 20_000);
    assert_plants(&plants, "human-on-second-request");
}

#[test]
fn wrong_values_break_the_prescribed_value_rules() {
    let plants = check(SloppyConfig { wrong_value: 1.0, ..NO_FAULTS }, 6000);
    assert_plants(&plants, "refund-amount-per-guideline");
    assert_plants(&plants, "order-option-per-guideline");
}

#[test]
fn a_refusal_before_any_check_is_wrongful_and_excuses_no_step() {
    let plants = check(SloppyConfig { wrongful_refusal: 1.0, ..NO_FAULTS }, 12_000);
    assert_plants(&plants, "wrongful-refusal");
    assert_plants(&plants, "abcd-steps-complete");
}

#[test]
fn early_disclosure_breaks_the_disclosure_rule() {
    let plants = check(SloppyConfig { disclose_early: 1.0, ..NO_FAULTS }, 6000);
    assert_plants(&plants, "no-disclosure-unverified");
}

#[test]
fn off_script_writes_break_the_off_script_rule() {
    let plants = check(SloppyConfig { off_script: 1.0, ..NO_FAULTS }, 3000);
    assert_plants(&plants, "off-script-write");
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
