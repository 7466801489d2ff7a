//! Agents that read text get the customer's turn rendered by the realiser: the same words the transcripts show,
//! and asking for text changes nothing about the episodes.

use std::sync::{Arc, Mutex};

use sim_core::prelude::*;

/// By-the-book, reading the customer's text and remembering it by (episode, turn).
struct Reader {
    inner: Box<dyn AgentUnderTest>,
    seen: Arc<Mutex<Vec<(u64, u16, String)>>>,
}

impl AgentUnderTest for Reader {
    fn name(&self) -> &str {
        "reader"
    }
    fn wants_text(&self) -> bool {
        true
    }
    fn begin(&mut self, start: EpisodeStart) {
        self.inner.begin(start);
    }
    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        let mut seen = self.seen.lock().unwrap();
        for obs in batch {
            assert_eq!(
                obs.customer.is_some(),
                obs.customer_text.is_some(),
                "episode {} turn {}",
                obs.episode,
                obs.turn
            );
            if let Some(text) = &obs.customer_text {
                // The customer's row is the one just before the agent's turn.
                seen.push((obs.episode, obs.turn - 1, text.clone()));
            }
        }
        self.inner.act(batch, out);
    }
}

#[test]
fn text_agents_read_exactly_what_the_transcripts_show() {
    let (scenario, personas) = crate::support::retail_support();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let inner = sim_core::agents::built_in("by-the-book", &scenario).unwrap();
    let reader = Box::new(Reader { inner, seen: seen.clone() });
    let mut engine =
        Engine::new(scenario.clone(), personas.clone(), reader, EngineConfig { slots: 32 })
            .unwrap();
    engine.set_text_renderer(Arc::new(sim_personas::realise::Realiser));
    let out = engine.run(5, 0..300);
    let plain_agent = sim_core::agents::built_in("by-the-book", &scenario).unwrap();
    let plain = Engine::new(scenario.clone(), personas, plain_agent, EngineConfig { slots: 32 })
        .unwrap()
        .run(5, 0..300);
    assert_eq!(out.turns, plain.turns, "reading text changed the episodes");
    let seen = seen.lock().unwrap();
    assert!(seen.len() > 1000, "only {} customer texts seen", seen.len());
    for (episode, turn, text) in seen.iter() {
        let record = &out.episodes[*episode as usize];
        let row = &out.turns_of(record)[*turn as usize];
        let ctx = sim_personas::realise::RenderContext::for_customer(&scenario, &record.customer);
        assert_eq!(
            text,
            &sim_personas::realise::render(row, &ctx),
            "episode {episode} turn {turn}"
        );
    }
}
