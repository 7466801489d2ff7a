//! Labelled agent messages from rehearse itself: a built-in agent's acts rendered as free text by the realiser and
//! sent as text alone, so the engine's tagger reads them back; the act the agent meant is the label.

use std::sync::{Arc, Mutex};

use sim_core::prelude::*;
use sim_personas::realise::{Realiser, RenderContext, render_into};

/// An agent's acts, each with the episode and turn it was said on.
pub type Said = Arc<Mutex<Vec<(u64, u16, Act)>>>;

/// A built-in agent whose utterances are written as the realiser's text alone ([`Action::SayText`]); what it meant
/// is kept in `said`. Tool calls are passed on as they are.
pub struct TextOnly {
    inner: Box<dyn AgentUnderTest>,
    scenario: Arc<ScenarioSpec>,
    /// The customer's intent per slot, once stated, so a new value is asked for by its field ("the new address").
    intents: Vec<Option<u16>>,
    said: Said,
}

impl TextOnly {
    /// Wraps `inner`; `said` collects what it meant.
    pub fn new(
        inner: Box<dyn AgentUnderTest>,
        scenario: Arc<ScenarioSpec>,
        said: Said,
    ) -> TextOnly {
        TextOnly { inner, scenario, intents: Vec::new(), said }
    }
}

impl AgentUnderTest for TextOnly {
    fn name(&self) -> &str {
        "text-only"
    }

    fn begin(&mut self, start: EpisodeStart) {
        let slot = start.slot as usize;
        if self.intents.len() <= slot {
            self.intents.resize(slot + 1, None);
        }
        self.intents[slot] = None;
        self.inner.begin(start);
    }

    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        let start = out.len();
        self.inner.act(batch, out);
        let mut said = self.said.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for (obs, action) in batch.iter().zip(&mut out[start..]) {
            let stated = obs.customer.filter(|act| act.kind == ActKind::StateNeed);
            if let Some(act) = stated {
                self.intents[obs.slot as usize] = Some(act.intent);
            }
            let Action::Say { act, text: None } = action else { continue };
            said.push((obs.episode, obs.turn, *act));
            let ctx = RenderContext {
                scenario: &self.scenario,
                verbosity: 10.0,
                intent: self.intents[obs.slot as usize],
                formality: 0.5,
                typo_rate: 0.0,
                known: None,
                earlier: &[],
            };
            let mut row = TurnRecord::blank(obs.turn, Speaker::Agent);
            row.act = Some(*act);
            // A text seed of the episode and turn: a pure function of what the agent was told.
            row.text_seed = (obs.episode as u32).wrapping_mul(0x9e37_79b9) ^ u32::from(obs.turn);
            let mut text = String::new();
            render_into(&row, &ctx, &mut text);
            *action = Action::SayText { text };
        }
    }

    fn finish(&mut self, slot: u32) -> Vec<AgentNote> {
        self.inner.finish(slot)
    }
}

/// One tagged message with the act its writer meant.
#[derive(Clone, Debug, PartialEq)]
pub struct Tagged {
    /// The act meant.
    pub meant: Act,
    /// What the tagger read, if the message was clear.
    pub read: Option<Act>,
    /// The message.
    pub text: String,
}

/// Runs `inner` on `episodes` episodes of `scenario` speaking only text, and returns each of its messages with what
/// it meant and what the tagger read, and the run's output.
pub fn run_text_only(
    scenario: Arc<ScenarioSpec>,
    personas: Arc<[PersonaSpec]>,
    inner: Box<dyn AgentUnderTest>,
    seed: u64,
    episodes: u64,
) -> Result<(Vec<Tagged>, ShardOutput), BuildError> {
    let said = Said::default();
    let text_only = TextOnly::new(inner, scenario.clone(), said.clone());
    let mut engine =
        Engine::new(scenario, personas, Box::new(text_only), EngineConfig { slots: 64 })?;
    engine.set_text_reader(Arc::new(Realiser));
    let out = engine.run(seed, 0..episodes);
    let mut meant: Vec<(u64, u16, Act)> =
        std::mem::take(&mut *said.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    meant.sort_by_key(|(episode, turn, _)| (*episode, *turn));
    let mut tagged = Vec::new();
    for record in &out.episodes {
        for row in out.turns_of(record) {
            let Some(tagging) = row.tagged.as_deref() else { continue };
            let key = (record.episode, row.turn);
            let Ok(idx) = meant.binary_search_by_key(&key, |(episode, turn, _)| (*episode, *turn))
            else {
                continue;
            };
            tagged.push(Tagged {
                meant: meant[idx].2,
                read: tagging.clear.then_some(tagging.act),
                text: row.text.as_deref().unwrap_or_default().to_owned(),
            });
        }
    }
    Ok((tagged, out))
}
