//! subscription-retention: offers and their answers. The sloppy agent's plants (pressure after a no, a discount
//! beyond authority, skipped steps…) are caught at their turns (customers here rarely ask twice for a human, so that
//! rule's plants are checked on retail-support); by-the-book keeps every rule, never traps a customer
//! who says no, and keeps revenue from the customers its offer satisfies.

use sim_core::act::ActKind;
use sim_core::prelude::*;

#[test]
fn by_the_book_never_traps_a_customer_who_says_no_and_keeps_revenue_from_those_who_stay() {
    let (out, personas) =
        crate::support::clean_by_the_book_run("subscription-retention", 5, 30_000);
    let said = |record: &EpisodeRecord, kind: ActKind| {
        out.turns_of(record).iter().any(|row| {
            row.speaker == Speaker::Customer && row.act.is_some_and(|act| act.kind == kind)
        })
    };
    let (mut stayed, mut left) = (0, 0);
    for record in out.episodes.iter().filter(|r| r.end == EndReason::Closed) {
        let impostor = personas[record.customer.persona as usize].impostor;
        if impostor {
            continue;
        }
        if said(record, ActKind::Reject) {
            left += 1;
            assert!(record.resolved, "episode {}: said no but was not cancelled", record.episode);
            assert_eq!(record.metrics[0], 0, "episode {}: revenue after a cancel", record.episode);
        } else if said(record, ActKind::Accept) {
            stayed += 1;
            assert!(record.resolved, "episode {}: took the offer, not applied", record.episode);
            assert!(
                record.metrics[0] > 0,
                "episode {}: a kept customer brings revenue",
                record.episode
            );
        }
    }
    assert!(stayed > 3_000 && left > 3_000, "stayed {stayed}, left {left}");
}

#[test]
fn a_reaction_table_row_decides_offers_for_its_persona() {
    use sim_core::spec::{Chance, ReactionRule, ReactionWhen, Response};
    let (scenario, personas) = crate::support::built_in("subscription-retention");
    let calm = personas.iter().find(|p| p.id == "calm").unwrap().clone();
    let always_stays = ReactionRule {
        on: ActKind::Offer,
        when: ReactionWhen::Always,
        responses: vec![(Response::Accept, Chance::Fixed(1.0))],
    };
    let persona = PersonaSpec { reactions: vec![always_stays], ..calm };
    let agent = sim_core::agents::built_in("by-the-book", &scenario).unwrap();
    let mut engine =
        Engine::new(scenario, vec![persona].into(), agent, EngineConfig { slots: 64 }).unwrap();
    let out = engine.run(2, 0..2_000);
    let answers: Vec<ActKind> = out
        .turns
        .iter()
        .filter(|row| row.speaker == Speaker::Customer)
        .filter_map(|row| row.act.map(|act| act.kind))
        .filter(|kind| matches!(kind, ActKind::Accept | ActKind::Reject | ActKind::Object))
        .collect();
    assert!(answers.len() > 1_000, "only {} answers to offers", answers.len());
    assert!(answers.iter().all(|kind| *kind == ActKind::Accept), "{answers:?}");
    let kept = out.episodes.iter().filter(|r| r.metrics[0] > 0).count();
    assert!(kept > 1_000, "only {kept} subscriptions kept");
}
