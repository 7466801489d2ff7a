//! Agents that read text get the customer's turn rendered by the realiser: the same words the transcripts show,
//! and asking for text changes nothing about the episodes; a scenario's declared slots read by their nouns and
//! field types.

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

#[test]
fn bank_card_turns_name_declared_slots_and_show_amounts_as_money() {
    let (scenario, personas) = crate::support::built_in("bank-card-services");
    let agent = sim_core::agents::built_in("by-the-book", &scenario).unwrap();
    let out = Engine::new(scenario.clone(), personas, agent, EngineConfig { slots: 32 })
        .unwrap()
        .run(5, 0..200);
    let dispute_amount = scenario.slot_named("dispute_amount").unwrap();
    let (mut n_declared, mut n_amounts) = (0, 0);
    for record in &out.episodes {
        let ctx = sim_personas::realise::RenderContext::for_customer(&scenario, &record.customer);
        for row in out.turns_of(record) {
            let Some(act) = row.act.filter(|_| row.speaker != Speaker::Tool) else { continue };
            if act.slots.iter().all(Slot::is_standard) {
                continue;
            }
            n_declared += 1;
            let text = sim_personas::realise::render(row, &ctx);
            let at = format!("episode {} turn {}: {text:?}", record.episode, row.turn);
            assert!(!text.contains("details"), "a declared slot fell back to \"details\" in {at}");
            let given = act.slots.iter().zip(act.values).find(|(slot, _)| *slot == dispute_amount);
            if let Some((_, value)) = given.filter(|_| act.kind == ActKind::Inform) {
                let amount = sim_personas::realise::render_value(&scenario, dispute_amount, value);
                assert!(amount.starts_with('$') && text.contains(&amount), "{amount} not in {at}");
                n_amounts += 1;
            }
        }
    }
    assert!(n_declared > 100 && n_amounts > 10, "{n_declared} declared turns, {n_amounts} amounts");
}
