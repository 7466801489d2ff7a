//! Customers who ask the same again about another one (STAR's: "What about on Tuesday?", "How is the weather in
//! NYC?"): a persona's `asks_again`, star-hotel's four forecasts, and the by-the-book agent that looks each one up
//! and tells it, as star-hotel's policy says: "Look the forecast up (`get-forecast`) and tell the customer the
//! weather for that day and place."

use std::sync::Arc;

use sim_core::prelude::*;

use crate::support::built_in;

fn run(asks_again: f64, episodes: u64) -> (ShardOutput, Arc<ScenarioSpec>) {
    let (spec, _) = built_in("star-hotel");
    let persona = PersonaSpec { asks_again, ..sim_core::testing::calm_persona() };
    let agent = sim_core::agents::built_in("by-the-book", &spec).unwrap();
    let personas: Arc<[PersonaSpec]> = vec![persona].into();
    let mut engine =
        Engine::new(spec.clone(), personas, agent, EngineConfig { slots: 64 }).unwrap();
    (engine.run(5, 0..episodes), spec)
}

/// The needs stated with values after the agent's first disclosure.
fn asked_again(turns: &[TurnRecord]) -> Vec<(usize, Act)> {
    let first =
        turns.iter().position(|row| row.act.is_some_and(|act| act.kind == ActKind::Disclose));
    let Some(first) = first else { return Vec::new() };
    (first..turns.len())
        .filter_map(|at| turns[at].act.map(|act| (at, act)))
        .filter(|(at, act)| {
            turns[*at].speaker == Speaker::Customer
                && act.kind == ActKind::StateNeed
                && !act.slots.is_empty()
        })
        .collect()
}

/// Every weather customer of a persona with `asks_again: 1` asks again three times (star-hotel holds four forecasts;
/// the most is three), each time about a day and place other than the last; the agent looks each up with exactly
/// those values and tells the weather the lookup gave; the episode is resolved with no violation.
#[test]
fn each_request_asked_again_is_looked_up_and_told() {
    let (out, spec) = run(1.0, 200);
    let weather = spec.intents.iter().position(|intent| intent.id == "weather").unwrap() as u16;
    let weather_slot = spec.slot_named("weather").unwrap();
    let mut customers = 0;
    let mut three_times = 0;
    for record in &out.episodes {
        let turns = out.turns_of(record);
        let again = asked_again(turns);
        if record.customer.intent != weather {
            assert!(
                again.is_empty(),
                "episode {}: only an information request is asked again",
                record.episode
            );
            continue;
        }
        if turns.len() < 2 {
            continue;
        }
        customers += 1;
        assert!(again.len() <= 3, "episode {}: {} times", record.episode, again.len());
        three_times += usize::from(again.len() == 3);
        for (at, need) in &again {
            assert_eq!(need.intent, weather);
            let call = turns[*at..]
                .iter()
                .find(|row| row.tool.is_some())
                .expect("a lookup after the request");
            assert_eq!(spec.tools[call.tool.unwrap() as usize].id, "get-forecast");
            for (slot, value) in need.slots.iter().zip(need.values) {
                assert_eq!(
                    call.args.get(slot),
                    Some(value),
                    "episode {}: looked up what was asked",
                    record.episode
                );
            }
            let outcome = call.outcome.expect("a call has an outcome");
            assert!(
                outcome.passed,
                "episode {}: the world holds the forecast asked about",
                record.episode
            );
            let said = *at
                + turns[*at..]
                    .iter()
                    .position(|row| row.act.is_some_and(|act| act.kind == ActKind::Disclose))
                    .expect("the forecast told");
            let told = turns[said].act.unwrap();
            assert_eq!(
                told.value_of(weather_slot),
                Some(outcome.value),
                "episode {}",
                record.episode
            );
            // Its words name the day and place asked about, not the first request's.
            let ctx = sim_personas::realise::RenderContext {
                earlier: &turns[..said],
                ..sim_personas::realise::RenderContext::for_customer(&spec, &record.customer)
            };
            let mut text = String::new();
            sim_personas::realise::render_into(&turns[said], &ctx, &mut text);
            for (slot, value) in need.slots.iter().zip(need.values) {
                let value = sim_personas::realise::render_value(&spec, slot, value);
                assert!(
                    text.contains(&value),
                    "episode {}: {text:?} names {value}",
                    record.episode
                );
            }
        }
        // Each request is about another day or place than the one before it.
        let asked = |act: &Act| act.slots.iter().zip(act.values).collect::<Vec<_>>();
        // The first request: the first lookup's values.
        let mut before = turns
            .iter()
            .find_map(|row| row.tool.map(|_| row.args))
            .map(|args| args.iter().collect::<Vec<_>>());
        for (_, need) in &again {
            assert_ne!(
                before.as_ref(),
                Some(&asked(need)),
                "episode {}: asked about the same",
                record.episode
            );
            before = Some(asked(need));
        }
        assert!(record.resolved, "episode {}", record.episode);
        assert_eq!(
            record.violations,
            0,
            "episode {}: {:?}",
            record.episode,
            out.verdicts_of(record)
        );
    }
    assert!(customers > 60, "{customers} weather customers");
    assert!(three_times * 10 >= customers * 9, "{three_times} of {customers} asked three times");

    // Without it, nobody asks again.
    let (out, _) = run(0.0, 200);
    assert!(out.episodes.iter().all(|record| asked_again(out.turns_of(record)).is_empty()));
}

/// The world's other forecasts are the requests a customer may ask about next; the oracle judges a forecast against
/// the one the customer named: `asked_about` finds it, `truth_at` reads it there.
#[test]
fn another_request_is_one_the_world_holds_and_the_oracle_reads_it_there() {
    let (spec, _) = built_in("star-hotel");
    let day = spec.slot_named("forecast_day").unwrap();
    let city = spec.slot_named("city").unwrap();
    let weather = spec.slot_named("weather").unwrap();
    let request = SlotSet::EMPTY.with(day).with(city);
    let mut rng = sim_core::rng::episode_rng(3);
    for _ in 0..50 {
        let world = sim_core::world::WorldState::generate(&spec, &mut rng);
        let focus_day = world.truth(&spec, day).unwrap();
        let focus_city = world.truth(&spec, city).unwrap();
        let current = |slot| {
            [(day, focus_day), (city, focus_city)]
                .into_iter()
                .find(|(s, _)| *s == slot)
                .map(|(_, v)| v)
        };
        for pick in 0..8 {
            let Some(other) = world.another_request(&spec, request, current, pick) else {
                continue;
            };
            assert_eq!(other.slots, request);
            assert!(
                other.get(day) != Some(focus_day) || other.get(city) != Some(focus_city),
                "another one"
            );
            let about = world.asked_about(&spec, &other);
            assert_eq!(world.truth_at(&spec, day, &about), other.get(day));
            assert_eq!(world.truth_at(&spec, city, &about), other.get(city));
            assert!(world.truth_at(&spec, weather, &about).is_some());
        }
        // The focus reads as the world's own truth; a built-in slot is the account's wherever.
        assert_eq!(world.truth_at(&spec, weather, &world.focus), world.truth(&spec, weather));
        assert_eq!(
            world.truth_at(&spec, Slot::FULL_NAME, &world.focus),
            world.truth(&spec, Slot::FULL_NAME)
        );
        // Values no forecast holds name nothing: the focus.
        let mut nowhere = sim_core::world::ToolArgs::default();
        nowhere.push(day, 99);
        assert_eq!(world.asked_about(&spec, &nowhere), world.focus);
    }
}
