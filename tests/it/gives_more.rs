//! Customers who give more than they were asked (STAR's hotel customers asked the day they arrive give the day they
//! leave with it, 36 of 49 times): a persona's `gives_more`, by the slot asked for; and the values a need said with
//! values gives (MultiDoGO's customers disputing a charge name its amount more often than its date): `need_gives`.

use std::sync::Arc;

use sim_core::prelude::*;

use crate::support::built_in;

/// star-hotel's hotel requests by the book, its customers opening without values and, asked for a slot listed,
/// giving the rest of their request with it.
fn run(gives_more: &[(&str, f64)]) -> (Arc<ScenarioSpec>, ShardOutput) {
    let (spec, _) = built_in("star-hotel");
    let persona = PersonaSpec {
        vague_opening: 0.0,
        need_with_values: 0.0,
        gives_more: gives_more.iter().map(|(slot, p)| ((*slot).to_owned(), *p)).collect(),
        intents: vec!["hotel_book".to_owned()],
        ..sim_core::testing::calm_persona()
    };
    let personas: Arc<[PersonaSpec]> = vec![persona].into();
    let agent = sim_core::agents::built_in("by-the-book", &spec).unwrap();
    let mut engine =
        Engine::new(spec.clone(), personas, agent, EngineConfig { slots: 64 }).unwrap();
    let out = engine.run(9, 0..300);
    (spec, out)
}

/// Per episode, each customer answer to a question: (the slots asked, the slots given, the slots told before).
fn answers(turns: &[TurnRecord]) -> Vec<(SlotSet, SlotSet, SlotSet)> {
    let (mut asked, mut told) = (None, SlotSet::EMPTY);
    let mut out = Vec::new();
    for row in turns {
        let Some(act) = row.act else { continue };
        match row.speaker {
            Speaker::Agent => asked = (act.kind == ActKind::Ask).then_some(act.slots),
            Speaker::Customer => {
                if let Some(asked) = asked.take().filter(|_| act.kind == ActKind::Inform) {
                    out.push((asked, act.slots, told));
                }
                if matches!(act.kind, ActKind::Inform | ActKind::StateNeed) {
                    told = SlotSet(told.0 | act.slots.0);
                }
            }
            _ => {}
        }
    }
    out
}

/// "Asked for it, the customer also gives the values of their request not given yet": asked the day they arrive,
/// the customers of `gives_more: [("arrival_day", 1.0)]` give the day they leave with it, so the agent never asks
/// for it; asked for the hotel, they give the hotel alone. Without it, the day they leave is asked for.
#[test]
fn asked_the_day_they_arrive_they_give_the_day_they_leave() {
    let (spec, out) = run(&[("arrival_day", 1.0)]);
    let slot = |name: &str| spec.slot_named(name).unwrap();
    let (hotel, arrive, depart) = (slot("hotel_name"), slot("arrival_day"), slot("departure_day"));
    let mut gave_more = 0;
    for record in &out.episodes {
        for (asked, given, told) in answers(out.turns_of(record)) {
            assert!(
                !asked.contains(depart),
                "episode {}: the day they leave asked",
                record.episode
            );
            if asked.contains(arrive) && !told.contains(depart) && given.contains(arrive) {
                assert!(given.contains(depart), "episode {}: {given:?}", record.episode);
                gave_more += 1;
            }
            if asked.contains(hotel) {
                assert_eq!(given, SlotSet::EMPTY.with(hotel), "episode {}", record.episode);
            }
        }
        assert_eq!(
            record.violations,
            0,
            "episode {}: {:?}",
            record.episode,
            out.verdicts_of(record)
        );
    }
    assert!(gave_more > 200, "{gave_more} answers gave more");
    let (_, out) = run(&[]);
    let asked_to_leave = out.episodes.iter().filter(|record| {
        answers(out.turns_of(record)).iter().any(|(asked, _, _)| asked.contains(depart))
    });
    assert!(asked_to_leave.count() > 200);
}

/// Asked for the hotel by `gives_more: [("hotel_name", 1.0)]`, they give the days too: one question for the three.
#[test]
fn asked_the_hotel_they_give_the_days_too() {
    let (spec, out) = run(&[("hotel_name", 1.0)]);
    let slot = |name: &str| spec.slot_named(name).unwrap();
    let (hotel, arrive, depart) = (slot("hotel_name"), slot("arrival_day"), slot("departure_day"));
    let mut asked_hotel = 0;
    for record in &out.episodes {
        for (asked, given, _) in answers(out.turns_of(record)) {
            assert!(
                !asked.contains(arrive) && !asked.contains(depart),
                "episode {}",
                record.episode
            );
            if asked.contains(hotel) && given.contains(hotel) {
                asked_hotel += 1;
                assert!(
                    given.contains(arrive) && given.contains(depart),
                    "episode {}",
                    record.episode
                );
            }
        }
    }
    assert!(asked_hotel > 200, "{asked_hotel}");
}

/// A persona's `need_gives` draws, slot by slot, the values a need said with values gives: bank-card-services'
/// disputes, the charge's date listed at 0 never comes with it, the charge's amount at a half about half the time, and
/// the amount to dispute, not listed, always does.
#[test]
fn a_need_gives_each_listed_slot_by_its_chance_and_the_others_always() {
    let (spec, _) = built_in("bank-card-services");
    let persona = PersonaSpec {
        vague_opening: 0.0,
        need_with_values: 1.0,
        need_gives: vec![("charge_date".to_owned(), 0.0), ("charge_amount".to_owned(), 0.5)],
        intents: vec!["dispute_charge".to_owned()],
        ..sim_core::testing::calm_persona()
    };
    let agent = sim_core::agents::built_in("by-the-book", &spec).unwrap();
    let mut engine =
        Engine::new(spec.clone(), vec![persona].into(), agent, EngineConfig { slots: 64 }).unwrap();
    let out = engine.run(9, 0..600);
    let slot = |name| spec.slot_named(name).unwrap();
    let (date, charge, dispute) =
        (slot("charge_date"), slot("charge_amount"), slot("dispute_amount"));
    let mut halves = 0;
    for record in &out.episodes {
        let opening = out.turns_of(record)[0].act.expect("the customer opens");
        assert_eq!(opening.kind, ActKind::StateNeed, "episode {}", record.episode);
        assert!(!opening.slots.contains(date), "episode {}: {opening:?}", record.episode);
        assert!(opening.slots.contains(dispute), "episode {}: {opening:?}", record.episode);
        halves += usize::from(opening.slots.contains(charge));
    }
    assert!((240..=360).contains(&halves), "{halves} of 600 gave the charge's amount");
}
