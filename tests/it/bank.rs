//! bank-card-services, a scenario written only in the scenario language (declared entities, slots, data effects):
//! the sloppy agent's plants are caught at their turns, by-the-book is never flagged, resolves legitimate
//! customers and stops every social engineer.

use sim_core::agents::SloppyConfig;
use sim_core::record::Reason;

use crate::rules::{assert_plants, check_scenario};

#[test]
fn sloppy_plants_on_bank_cards_are_all_caught() {
    let planted = check_scenario("bank-card-services", SloppyConfig::default(), 20_000);
    for rule in [
        "card-step-order",
        "card-steps-complete",
        "no-card-action-unverified",
        "replacement-needs-verification",
        "dispute-needs-verification",
        "confirm-before-close",
        "human-on-second-request",
    ] {
        assert_plants(&planted, rule);
    }
}

#[test]
fn by_the_book_keeps_every_card_rule_resolves_account_holders_and_stops_impostors() {
    let (out, personas) = crate::support::clean_by_the_book_run("bank-card-services", 11, 50_000);
    let resolved = crate::support::resolution_of(&out, &personas, "calm");
    assert!(resolved >= 0.90, "calm resolution {resolved:.3}");
    let impostor = personas.iter().position(|p| p.id == "social-engineer").unwrap() as u16;
    let mut impostors = 0;
    for record in out.episodes.iter().filter(|r| r.customer.persona == impostor) {
        impostors += 1;
        let granted = out.verdicts_of(record).iter().any(|v| v.reason == Reason::GrantedWrongly);
        assert!(!granted, "episode {}: a social engineer got a card action", record.episode);
    }
    assert!(impostors > 5_000, "only {impostors} social-engineer episodes");
}
