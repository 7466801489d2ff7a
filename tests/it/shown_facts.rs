//! Facts a lookup shows besides its value: star-hotel's forecast tells the weather and, as STAR's template reply
//! says it ("It will be {weather} all day on {day} in {city}, with temperatures of around {temperature} degrees
//! celsius."), the temperature. The by-the-book agent tells both as the lookup gave them; an agent that tells
//! another temperature breaks `true-forecast`, whose policy sentence is "Look the forecast up (`get-forecast`) and
//! tell the customer the weather for that day and place."; one that tells the weather alone keeps the policy.

use std::sync::Arc;

use sim_core::prelude::*;

use sim_core::record::Reason;

use crate::support::{Rewritten, built_in};

/// How the agent under test changes the by-the-book agent's forecasts.
#[derive(Clone, Copy, PartialEq)]
enum Telling {
    /// As the lookup gave it.
    AsLookedUp,
    /// One degree warmer than the lookup gave.
    Warmer,
    /// The weather, without the temperature.
    WeatherOnly,
}

/// 300 star-hotel episodes (weather and hotel customers) against the by-the-book agent told to tell as `telling`.
fn told(telling: Telling) -> (ShardOutput, Arc<ScenarioSpec>) {
    let (spec, _) = built_in("star-hotel");
    let (weather, temperature) =
        (spec.slot_named("weather").unwrap(), spec.slot_named("temperature").unwrap());
    let agent = Rewritten {
        name: "teller",
        inner: sim_core::agents::built_in("by-the-book", &spec).unwrap(),
        rewrite: move |action: &mut Action| {
            let Action::Say { act, .. } = action else { return };
            let (Some(told), Some(degrees)) = (act.value_of(weather), act.value_of(temperature))
            else {
                return;
            };
            match telling {
                Telling::AsLookedUp => {}
                // 36 temperatures, -5 to 30: the warmest wraps to the coldest, still another one.
                Telling::Warmer => act.put(temperature, (degrees + 1) % 36),
                Telling::WeatherOnly => {
                    let mut only = Act { intent: act.intent, ..Act::bare(ActKind::Disclose) };
                    only.put(weather, told);
                    *act = only;
                }
            }
        },
    };
    let personas: Arc<[PersonaSpec]> = vec![sim_core::testing::calm_persona()].into();
    let mut engine =
        Engine::new(spec.clone(), personas, Box::new(agent), EngineConfig { slots: 64 }).unwrap();
    (engine.run(13, 0..300), spec)
}

/// Each forecast told: its turn, and the temperature told (if any) beside the one the lookup before it showed.
fn forecasts(
    out: &ShardOutput,
    record: &EpisodeRecord,
    spec: &ScenarioSpec,
) -> Vec<(u16, Option<u64>, u64)> {
    let temperature = spec.slot_named("temperature").unwrap();
    let weather = spec.slot_named("weather").unwrap();
    let turns = out.turns_of(record);
    turns
        .iter()
        .filter(|row| row.speaker == Speaker::Agent)
        .filter_map(|row| {
            let act = row.act?;
            act.value_of(weather)?;
            let shown = turns
                .iter()
                .rev()
                .filter(|earlier| earlier.turn < row.turn && earlier.tool.is_some())
                .find_map(|earlier| earlier.outcome?.shown.get(temperature))
                .expect("a forecast told after a lookup that showed its temperature");
            Some((row.turn, act.value_of(temperature), shown))
        })
        .collect()
}

/// The by-the-book agent tells the temperature each lookup showed, and keeps every rule.
#[test]
fn the_temperature_is_told_as_the_lookup_showed_it() {
    let (out, spec) = told(Telling::AsLookedUp);
    let mut told = 0;
    for record in &out.episodes {
        for (turn, said, shown) in forecasts(&out, record, &spec) {
            assert_eq!(said, Some(shown), "episode {} turn {turn}", record.episode);
            told += 1;
        }
        assert_eq!(
            record.violations,
            0,
            "episode {}: {:?}",
            record.episode,
            out.verdicts_of(record)
        );
    }
    assert!(told > 100, "{told} forecasts told");
}

/// "Tell the customer the weather for that day and place": a forecast told with a temperature the lookup did not
/// show is a false claim at that turn, though the weather is right; the request itself is answered (the weather is
/// what it asks), so the verdict is the rule's alone.
#[test]
fn a_temperature_other_than_the_lookups_breaks_true_forecast() {
    let (out, spec) = told(Telling::Warmer);
    let temperature = spec.slot_named("temperature").unwrap();
    let rule = spec.rules.iter().position(|rule| rule.id == "true-forecast").unwrap() as u16;
    let mut flagged = 0;
    for record in &out.episodes {
        let verdicts = out.verdicts_of(record);
        for (turn, said, shown) in forecasts(&out, record, &spec) {
            let said = said.unwrap();
            assert_ne!(said, shown);
            let claim = Reason::FalseClaim { slot: temperature, said, truth: shown };
            assert!(
                verdicts.iter().any(|v| v.rule == RuleRef::Policy(rule)
                    && v.turn == turn
                    && v.reason == claim),
                "episode {} turn {turn}: {verdicts:?}",
                record.episode
            );
            flagged += 1;
        }
    }
    assert!(flagged > 100, "{flagged} false temperatures flagged");
}

/// Telling the weather without the temperature breaks no rule and answers the request: the policy asks for the
/// weather, and the temperature is what STAR's wizards add.
#[test]
fn the_weather_alone_answers_the_request() {
    let (out, spec) = told(Telling::WeatherOnly);
    let weather = spec.intents.iter().position(|intent| intent.id == "weather").unwrap() as u16;
    let mut answered = 0;
    for record in out.episodes.iter().filter(|record| record.customer.intent == weather) {
        assert_eq!(
            record.violations,
            0,
            "episode {}: {:?}",
            record.episode,
            out.verdicts_of(record)
        );
        answered += usize::from(record.resolved);
    }
    assert!(answered > 100, "{answered} weather requests answered");
}
