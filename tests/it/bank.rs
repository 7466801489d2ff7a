//! bank-card-services, a scenario written only in the scenario language (declared entities, slots, data effects):
//! the sloppy agent's plants are caught at their turns, by-the-book is never flagged, resolves legitimate
//! customers and stops every social engineer.

use sim_core::agents::SloppyConfig;
use sim_core::prelude::*;
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
    let (scenario, personas) = crate::support::built_in("bank-card-services");
    let agent = sim_core::agents::built_in("by-the-book", &scenario).unwrap();
    let mut engine =
        Engine::new(scenario.clone(), personas.clone(), agent, EngineConfig { slots: 256 })
            .unwrap();
    let out = engine.run(11, 0..50_000);
    let flagged: Vec<u64> =
        out.episodes.iter().filter(|r| r.violations > 0).map(|r| r.episode).collect();
    assert!(flagged.is_empty(), "{} flagged, first {:?}", flagged.len(), flagged.first());
    let persona = |id: &str| personas.iter().position(|p| p.id == id).unwrap() as u16;
    let (calm, impostor) = (persona("calm"), persona("social-engineer"));
    let calm_episodes: Vec<_> =
        out.episodes.iter().filter(|r| r.customer.persona == calm).collect();
    let resolved =
        calm_episodes.iter().filter(|r| r.resolved).count() as f64 / calm_episodes.len() as f64;
    assert!(resolved >= 0.90, "calm resolution {resolved:.3}");
    let mut impostors = 0;
    for record in out.episodes.iter().filter(|r| r.customer.persona == impostor) {
        impostors += 1;
        let granted = out.verdicts_of(record).iter().any(|v| v.reason == Reason::GrantedWrongly);
        assert!(!granted, "episode {}: a social engineer got a card action", record.episode);
    }
    assert!(impostors > 5_000, "only {impostors} social-engineer episodes");
}
