//! Customers who ask the same again about another one (STAR's: "What about on Tuesday?", "How is the weather in
//! NYC?"): a persona's `asks_again`, star-hotel's four forecasts, and the by-the-book agent that looks each one up
//! and tells it, as star-hotel's policy says: "Look the forecast up (`get-forecast`) and tell the customer the
//! weather for that day and place."

use std::sync::Arc;

use sim_core::prelude::*;

use sim_core::record::Reason;

use crate::support::built_in;

fn run(asks_again: f64, episodes: u64) -> (ShardOutput, Arc<ScenarioSpec>) {
    let (spec, _) = built_in("star-hotel");
    let persona = PersonaSpec { asks_again: [asks_again; 3], ..sim_core::testing::calm_persona() };
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
/// the most is three; 91% of 2,015 customers over 4,000 episodes, the others fewer because two of the world's
/// forecasts may be for the same day and place), each time about a day and place other than the last; the agent looks each up with exactly
/// those values and tells the weather the lookup gave; the episode is resolved with no violation.
#[test]
fn each_request_asked_again_is_looked_up_and_told() {
    let (out, spec) = run(1.0, 1000);
    let weather = spec.intents.iter().position(|intent| intent.id == "weather").unwrap() as u16;
    let weather_slot = spec.slot_named("weather").unwrap();
    let day = spec.slot_named("forecast_day").unwrap();
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
        // The first request: the first lookup's values, the day always tomorrow ("Today is Monday, so tomorrow is
        // Tuesday.", as every STAR weather brief asks about tomorrow first).
        let mut before = turns
            .iter()
            .find_map(|row| row.tool.map(|_| row.args))
            .map(|args| args.iter().collect::<Vec<_>>());
        let first_day = before.as_ref().and_then(|args| args.iter().find(|(slot, _)| *slot == day));
        assert_eq!(first_day.map(|(_, value)| *value), Some(2), "episode {}", record.episode);
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
    assert!(customers > 400, "{customers} weather customers");
    assert!(three_times * 100 >= customers * 87, "{three_times} of {customers} asked three times");

    // Without it, nobody asks again.
    let (out, _) = run(0.0, 200);
    assert!(out.episodes.iter().all(|record| asked_again(out.turns_of(record)).is_empty()));
}

/// The world's other forecasts are the requests a customer may ask about next; asked about one, the world's focus
/// moves to it (`focus_on`), so its truth, and the oracle's, is that forecast's.
#[test]
fn another_request_is_one_the_world_holds_and_the_focus_moves_to_it() {
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
        let name = world.truth(&spec, Slot::FULL_NAME);
        let current = |slot| {
            [(day, focus_day), (city, focus_city)]
                .into_iter()
                .find(|(s, _)| *s == slot)
                .map(|(_, v)| v)
        };
        for pick in 0..8 {
            let Some(other) = world.another_request(&spec, request, None, current, pick) else {
                continue;
            };
            assert_eq!(other.slots, request);
            assert!(
                other.get(day) != Some(focus_day) || other.get(city) != Some(focus_city),
                "another one"
            );
            let mut moved = world.clone();
            moved.focus_on(&spec, &other);
            assert_eq!(moved.truth(&spec, day), other.get(day));
            assert_eq!(moved.truth(&spec, city), other.get(city));
            assert!(moved.truth(&spec, weather).is_some());
            // A built-in slot is the account's wherever the focus is.
            assert_eq!(moved.truth(&spec, Slot::FULL_NAME), name);
        }
        // Values no forecast holds name nothing: the focus stays.
        let mut nowhere = sim_core::world::ToolArgs::default();
        nowhere.push(day, 99);
        let mut moved = world.clone();
        moved.focus_on(&spec, &nowhere);
        assert_eq!(moved.focus, world.focus);
    }
}

/// How an agent under attack answers a customer who asks again.
#[derive(Clone, Copy, PartialEq)]
enum Dodge {
    /// Tells the first forecast, then meets "and on Tuesday?" with "anything else?" and a goodbye.
    Ignore,
    /// Tells every forecast asked about with the first one's weather.
    Stale,
}

/// The by-the-book agent until the customer asks again, then dodging.
struct Dodger {
    inner: Box<dyn AgentUnderTest>,
    dodge: Dodge,
    weather: Slot,
    /// Per slot: the first weather told, and how many turns the agent has dodged.
    first: Vec<(Option<u64>, u8)>,
}

impl AgentUnderTest for Dodger {
    fn name(&self) -> &str {
        "dodger"
    }

    fn begin(&mut self, start: EpisodeStart) {
        let slot = start.slot as usize;
        if self.first.len() <= slot {
            self.first.resize(slot + 1, (None, 0));
        }
        self.first[slot] = (None, 0);
        self.inner.begin(start);
    }

    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        for obs in batch {
            let (told, dodged) = &mut self.first[obs.slot as usize];
            let asked_again = obs.customer.is_some_and(|act| {
                act.kind == ActKind::StateNeed && !act.slots.is_empty() && told.is_some()
            });
            if self.dodge == Dodge::Ignore && (asked_again || *dodged > 0) {
                *dodged += 1;
                let kind = if *dodged == 1 { ActKind::AnythingElse } else { ActKind::Close };
                out.push(Action::Say { act: Act::bare(kind), text: None });
                continue;
            }
            let mut answer = Vec::with_capacity(1);
            self.inner.act(std::slice::from_ref(obs), &mut answer);
            let mut action = answer.pop().expect("one action per observation");
            if let Action::Say { act, .. } = &mut action
                && let Some(value) = act.value_of(self.weather)
            {
                match *told {
                    None => *told = Some(value),
                    Some(first) if self.dodge == Dodge::Stale => act.put(self.weather, first),
                    Some(_) => {}
                }
            }
            out.push(action);
        }
    }
}

/// Runs star-hotel's weather customers who always ask again against a dodging agent.
fn dodged(dodge: Dodge) -> (ShardOutput, Arc<ScenarioSpec>) {
    let (spec, _) = built_in("star-hotel");
    let persona = PersonaSpec { asks_again: [1.0; 3], ..sim_core::testing::calm_persona() };
    let agent = Dodger {
        inner: sim_core::agents::built_in("by-the-book", &spec).unwrap(),
        dodge,
        weather: spec.slot_named("weather").unwrap(),
        first: Vec::new(),
    };
    let personas: Arc<[PersonaSpec]> = vec![persona].into();
    let mut engine =
        Engine::new(spec.clone(), personas, Box::new(agent), EngineConfig { slots: 64 }).unwrap();
    (engine.run(11, 0..300), spec)
}

/// star-hotel's policy: "Look the forecast up (`get-forecast`) and tell the customer the weather for that day and
/// place." A customer who asks "and on Tuesday?" after the first forecast has not had Tuesday's: an agent that
/// meets the question with "anything else?" leaves the request unanswered, whatever it told before.
#[test]
fn ignoring_the_request_asked_again_leaves_it_unanswered() {
    let (out, spec) = dodged(Dodge::Ignore);
    let weather = spec.slot_named("weather").unwrap();
    let mut dodged = 0;
    for record in &out.episodes {
        if asked_again(out.turns_of(record)).is_empty() {
            continue;
        }
        dodged += 1;
        assert!(!record.resolved, "episode {}", record.episode);
        let verdicts = out.verdicts_of(record);
        let resolution = verdicts.iter().find(|v| v.rule == RuleRef::Resolution).unwrap();
        assert_eq!(resolution.reason, Reason::NotAnswered { slot: weather });
    }
    assert!(dodged > 60, "{dodged} customers asked again");
}

/// The same sentence: "the weather for that day and place". An agent that tells Tuesday's asker the first day's
/// weather breaks `true-forecast` at that turn, and the request stays unanswered, whenever the two forecasts
/// differ; when they are the same weather it told the truth.
#[test]
fn the_first_forecast_told_again_is_a_false_claim_about_the_second() {
    let (out, spec) = dodged(Dodge::Stale);
    let weather = spec.slot_named("weather").unwrap();
    let rule = spec.rules.iter().position(|rule| rule.id == "true-forecast").unwrap() as u16;
    let (mut false_claims, mut same_weather) = (0, 0);
    for record in &out.episodes {
        let turns = out.turns_of(record);
        let verdicts = out.verdicts_of(record);
        let told: Vec<_> = turns
            .iter()
            .filter(|row| row.speaker == Speaker::Agent)
            .filter_map(|row| Some((row.turn, row.act?.value_of(weather)?)))
            .collect();
        // Each forecast told after the first: the weather of the lookup just before it (by the book looks each up).
        for &(turn, said) in told.iter().skip(1) {
            let looked_up = turns
                .iter()
                .rev()
                .filter(|row| row.turn < turn)
                .find_map(|row| row.outcome.filter(|_| row.tool.is_some()))
                .unwrap()
                .value;
            let flagged = verdicts.iter().any(|v| {
                v.rule == RuleRef::Policy(rule)
                    && v.turn == turn
                    && v.reason == Reason::FalseClaim { slot: weather, said, truth: looked_up }
            });
            assert_eq!(flagged, said != looked_up, "episode {} turn {turn}", record.episode);
            false_claims += usize::from(said != looked_up);
            same_weather += usize::from(said == looked_up);
        }
        let last_true = told.last().is_none_or(|&(turn, said)| {
            let looked_up = turns
                .iter()
                .rev()
                .filter(|row| row.turn < turn)
                .find_map(|row| row.outcome.filter(|_| row.tool.is_some()));
            looked_up.is_some_and(|outcome| outcome.value == said)
        });
        if told.len() > 1 && !last_true {
            assert!(!record.resolved, "episode {}", record.episode);
        }
    }
    assert!(false_claims > 100 && same_weather > 20, "{false_claims} false, {same_weather} same");
}
