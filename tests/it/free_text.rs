//! Free text read by the tagger: by-the-book writing only the realiser's text for its acts is read back as the acts
//! it meant and runs (nearly) the episodes it runs with acts; values stated in text count as disclosed whatever the
//! act; an unclear message makes the customer ask what the agent means.

use std::sync::Arc;

use sim_core::engine::EpisodeStarts;
use sim_core::prelude::*;
use sim_personas::realise::{Realiser, render_value};
use sim_runners::tagger_eval::renderings::run_text_only;

const EPISODES: u64 = 1500;

fn typed(name: &str) -> ShardOutput {
    let (scenario, personas) = crate::support::built_in(name);
    let agent = sim_core::agents::built_in("by-the-book", &scenario).unwrap();
    let mut engine = Engine::new(scenario, personas, agent, EngineConfig { slots: 64 }).unwrap();
    engine.run(11, 0..EPISODES)
}

#[test]
fn by_the_book_in_free_text_is_read_as_it_meant() {
    for (name, _) in sim_scenarios::list_built_in() {
        let (scenario, personas) = crate::support::built_in(&name);
        let inner = sim_core::agents::built_in("by-the-book", &scenario).unwrap();
        let (tagged, text) =
            run_text_only(scenario.clone(), personas, inner, 11, EPISODES).unwrap();
        let typed = typed(&name);
        let same_kind =
            tagged.iter().filter(|t| t.read.map(|a| a.kind) == Some(t.meant.kind)).count();
        let same_act = tagged.iter().filter(|t| t.read == Some(t.meant)).count();
        let agree = text
            .episodes
            .iter()
            .zip(&typed.episodes)
            .filter(|(a, b)| a.success() == b.success())
            .count();
        eprintln!(
            "{name}: {} messages, kind {:.2}%, act {:.2}%, success agreement {:.2}%",
            tagged.len(),
            100.0 * same_kind as f64 / tagged.len() as f64,
            100.0 * same_act as f64 / tagged.len() as f64,
            100.0 * agree as f64 / EPISODES as f64
        );
        let misread = tagged.iter().filter(|t| t.read != Some(t.meant));
        for t in misread.take(12) {
            eprintln!("   meant {:?} read {:?}: {}", t.meant, t.read, t.text);
        }
        let messages = tagged.len() as f64;
        assert!(same_act as f64 >= 0.995 * messages, "{name}: acts read as meant");
        assert!(agree as f64 >= 0.99 * EPISODES as f64, "{name}: success agreement");
    }
}

/// An agent that knows the account's username (as a tool's result would show it) and writes it in its greeting,
/// then closes: the username is in the text, so it is a disclosure before verification, whatever act the tagger
/// read (the greeting reads as one, or as asking what they need).
struct Leaker {
    scenario: Arc<ScenarioSpec>,
    starts: EpisodeStarts,
    run_seed: u64,
}

impl AgentUnderTest for Leaker {
    fn name(&self) -> &str {
        "leaker"
    }
    fn begin(&mut self, _: EpisodeStart) {}
    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        let key = sim_core::rng::scenario_key(&self.scenario.id);
        for obs in batch {
            let world =
                self.starts.world(sim_core::rng::episode_seed(self.run_seed, key, obs.episode));
            let username = world.truth(&self.scenario, Slot::USERNAME).unwrap();
            let username = render_value(&self.scenario, Slot::USERNAME, username);
            let text = if obs.turn == 1 {
                format!("Hi there! I can see your account is {username}. How can I help?")
            } else {
                "Goodbye.".to_owned()
            };
            out.push(Action::SayText { text });
        }
    }
}

#[test]
fn a_fact_written_in_text_is_disclosed_whatever_the_act() {
    let (scenario, personas) = crate::support::built_in("retail-support");
    let starts = EpisodeStarts::new(scenario.clone(), personas.clone()).unwrap();
    let agent = Leaker { scenario: scenario.clone(), starts, run_seed: 5 };
    let mut engine =
        Engine::new(scenario.clone(), personas, Box::new(agent), EngineConfig { slots: 16 })
            .unwrap();
    engine.set_text_reader(Arc::new(Realiser));
    let out = engine.run(5, 0..200);
    for record in &out.episodes {
        let greeting = &out.turns_of(record)[1];
        let tagging = greeting.tagged.as_deref().expect("free text is tagged");
        let kind = tagging.act.kind;
        assert!(matches!(kind, ActKind::Greet | ActKind::AskNeed), "{kind:?}: {:?}", greeting.text);
        assert_eq!(
            tagging.stated.slots,
            SlotSet::EMPTY.with(Slot::USERNAME),
            "{:?}",
            greeting.text
        );
        let leaked = out.verdicts_of(record).iter().any(|verdict| {
            !verdict.passed
                && verdict.turn == 1
                && verdict.rule.id(&scenario) == "no-disclosure-unverified"
        });
        assert!(leaked, "episode {}: the username in the greeting was not judged", record.episode);
    }
}

/// Text no phrase matches is unclear: the turn does nothing (a filler), is marked, and the customer asks what the
/// agent means.
#[test]
fn an_unclear_message_makes_the_customer_ask_what_it_means() {
    let (scenario, personas) = crate::support::built_in("telecom-troubleshooting");
    let agent = Mumbler;
    let mut engine =
        Engine::new(scenario, personas, Box::new(agent), EngineConfig { slots: 16 }).unwrap();
    engine.set_text_reader(Arc::new(Realiser));
    let out = engine.run(5, 0..100);
    for record in &out.episodes {
        let turns = out.turns_of(record);
        let mumble = &turns[1];
        let tagging = mumble.tagged.as_deref().expect("free text is tagged");
        assert!(!tagging.clear && tagging.confidence == 0.0 && tagging.pattern.is_none());
        assert_eq!(mumble.act.map(|act| act.kind), Some(ActKind::Filler));
        let answer = turns.get(2).and_then(|row| row.act).map(|act| act.kind);
        // The customer asks what they mean, unless this turn exhausted their patience.
        assert!(
            matches!(answer, Some(ActKind::Clarify | ActKind::Leave | ActKind::DemandHuman)),
            "{answer:?}"
        );
        assert!(!record.success());
    }
    let clarified = out
        .episodes
        .iter()
        .filter(|record| {
            out.turns_of(record)[2].act.is_some_and(|act| act.kind == ActKind::Clarify)
        })
        .count();
    assert!(clarified >= 90, "{clarified} of 100 asked what the agent meant");
}

/// Writes text no tagger phrase matches, every turn.
struct Mumbler;

impl AgentUnderTest for Mumbler {
    fn name(&self) -> &str {
        "mumbler"
    }
    fn begin(&mut self, _: EpisodeStart) {}
    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        out.extend(batch.iter().map(|_| Action::SayText { text: "Blorp zzz qux.".to_owned() }));
    }
}
