//! Batches: episodes split into shards, shards simulated on a rayon pool with one reused Engine per worker,
//! results handed on in episode order while the next wave is simulated.

use std::ops::Range;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use rayon::prelude::*;
use sim_core::agents::{self, SloppyConfig};

use crate::agent_io::record::{Playback, Recorder, Replies, Resumed};
use sim_core::prelude::*;

/// Which agent to run.
#[derive(Clone, Debug)]
pub enum AgentChoice {
    /// A built-in agent by name.
    BuiltIn(String),
    /// The sloppy agent with explicit fault probabilities.
    Sloppy(SloppyConfig),
    /// A command speaking the stdio protocol (`--agent cmd:COMMAND`), one process per worker.
    Command {
        /// The shell command.
        command: String,
        /// How long a batch's reply may take, in seconds.
        timeout: f64,
        /// Processes per engine worker (`--agent-workers`).
        workers: usize,
    },
    /// An OpenAI-compatible chat-completions API (`--agent openai:URL --model NAME`).
    Chat(crate::agent_io::chat::Endpoint),
    /// A recorded agent played back (`--replay DIR`): named and configured as the agent that was recorded.
    Replay(Arc<Replies>),
    /// An agent whose replies are recorded (`run --record DIR`).
    Recorded(Box<AgentChoice>, Arc<Recorder>),
    /// An agent that answers only the turns a recording does not hold (`run --record DIR --resume`).
    Resumed(Box<AgentChoice>, Arc<Replies>),
    /// An agent whose finished episodes move a progress bar one by one (a slow agent's run shows its progress
    /// before a shard of 4,096 episodes is done).
    Counted(Box<AgentChoice>, indicatif::ProgressBar),
}

impl AgentChoice {
    /// The agent's name as shown in outputs.
    pub fn name(&self) -> &str {
        match self {
            AgentChoice::BuiltIn(name) => name,
            AgentChoice::Sloppy(_) => "sloppy",
            AgentChoice::Command { command, .. } => command,
            AgentChoice::Chat(endpoint) => &endpoint.base,
            AgentChoice::Replay(replies) => &replies.name,
            AgentChoice::Recorded(inner, _)
            | AgentChoice::Resumed(inner, _)
            | AgentChoice::Counted(inner, _) => inner.name(),
        }
    }

    /// The agent's configuration as JSON: its name, and the sloppy agent's fault probabilities.
    pub fn config_json(&self) -> serde_json::Value {
        match self {
            AgentChoice::BuiltIn(name) => serde_json::json!({"agent": name}),
            AgentChoice::Sloppy(config) => serde_json::json!({"agent": "sloppy", "faults": config}),
            AgentChoice::Command { command, timeout, workers } => serde_json::json!({
                "agent": "cmd",
                "command": command,
                "timeout_s": timeout,
                "workers": workers,
            }),
            AgentChoice::Chat(endpoint) => serde_json::json!({
                "agent": "openai",
                "base_url": endpoint.base,
                "model": endpoint.model,
                "timeout_s": endpoint.timeout.as_secs_f64(),
                "workers": endpoint.workers,
                "system_prompt_sha256": endpoint.system.as_deref().map(crate::inputs::sha256_hex),
            }),
            AgentChoice::Replay(replies) => replies.agent.clone(),
            AgentChoice::Recorded(inner, _)
            | AgentChoice::Resumed(inner, _)
            | AgentChoice::Counted(inner, _) => inner.config_json(),
        }
    }

    /// Builds a fresh agent for one engine.
    pub fn build(&self, scenario: &Arc<ScenarioSpec>) -> Result<Box<dyn AgentUnderTest>> {
        match self {
            AgentChoice::BuiltIn(name) => agents::built_in(name, scenario).with_context(|| {
                let known: Vec<&str> = agents::BUILT_IN.iter().map(|(name, _)| *name).collect();
                format!("unknown agent `{name}`; built-in agents: {}", known.join(", "))
            }),
            AgentChoice::Sloppy(config) => {
                Ok(Box::new(agents::Sloppy::new(scenario.clone(), *config)))
            }
            AgentChoice::Command { command, timeout, workers } => {
                let timeout = std::time::Duration::from_secs_f64(*timeout);
                crate::agent_io::stdio::StdioAgent::start(
                    command,
                    scenario.clone(),
                    timeout,
                    *workers,
                )
                .map(|agent| Box::new(agent) as Box<dyn AgentUnderTest>)
                .map_err(|err| crate::setup::BadInput(err).into())
            }
            AgentChoice::Chat(endpoint) => {
                Ok(Box::new(crate::agent_io::chat::ChatAgent::start(endpoint.clone(), scenario)))
            }
            AgentChoice::Replay(replies) => Ok(Box::new(Playback::new(replies.clone()))),
            AgentChoice::Recorded(inner, recorder) => Ok(recorder.wrap(inner.build(scenario)?)),
            AgentChoice::Resumed(inner, replies) => {
                Ok(Box::new(Resumed::new(inner.build(scenario)?, replies.clone())))
            }
            AgentChoice::Counted(inner, progress) => {
                Ok(Box::new(Counting { inner: inner.build(scenario)?, progress: progress.clone() }))
            }
        }
    }

    /// Whether the agent runs outside rehearse (a program or a chat-completions API), where one episode can take
    /// seconds.
    pub fn is_outside(&self) -> bool {
        match self {
            AgentChoice::Command { .. } | AgentChoice::Chat(_) => true,
            AgentChoice::Recorded(inner, _)
            | AgentChoice::Resumed(inner, _)
            | AgentChoice::Counted(inner, _) => inner.is_outside(),
            AgentChoice::BuiltIn(_) | AgentChoice::Sloppy(_) | AgentChoice::Replay(_) => false,
        }
    }
}

/// An agent that moves a progress bar each time one of its episodes ends.
struct Counting {
    inner: Box<dyn AgentUnderTest>,
    progress: indicatif::ProgressBar,
}

impl AgentUnderTest for Counting {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn wants_text(&self) -> bool {
        self.inner.wants_text()
    }

    fn begin(&mut self, start: EpisodeStart) {
        self.inner.begin(start);
    }

    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        self.inner.act(batch, out);
    }

    fn adopt(&mut self, obs: &Observation, action: &Action) {
        self.inner.adopt(obs, action);
    }

    fn finish(&mut self, slot: u32) -> Vec<AgentNote> {
        self.progress.inc(1);
        self.inner.finish(slot)
    }
}

/// Everything needed to simulate a run.
#[derive(Clone, Debug)]
pub struct SimPlan {
    /// The scenario.
    pub scenario: Arc<ScenarioSpec>,
    /// The personas, with their mix weights.
    pub personas: Arc<[PersonaSpec]>,
    /// The agent.
    pub agent: AgentChoice,
    /// Run seed.
    pub seed: u64,
    /// Episodes to run: `0..episodes`.
    pub episodes: u64,
    /// Worker threads.
    pub threads: usize,
    /// Concurrent episodes per World.
    pub slots: usize,
    /// Episodes per shard (the unit of work and of output row groups).
    pub shard_size: u64,
    /// The inputs' content hashes.
    pub pinned: Vec<crate::inputs::Pinned>,
    /// Real customers' words for the customers (`--customer-text`); `None` for the built-in phrasings.
    pub customer_text: Option<Arc<crate::customer_text::CustomerText>>,
}

impl SimPlan {
    /// How turns become text, for agents that read it and for the outputs.
    pub fn renderer(&self) -> Arc<dyn sim_core::agent::TextRenderer> {
        match &self.customer_text {
            Some(text) => Arc::new(text.renderer()),
            None => Arc::new(sim_personas::realise::Realiser),
        }
    }
}

/// The shards of a plan, produced as they are needed: a run of 10^12 episodes holds no more of them than one of 10^6.
pub fn shards(plan: &SimPlan) -> impl Iterator<Item = Range<u64>> + use<> {
    let (size, episodes) = (plan.shard_size.max(1), plan.episodes);
    (0..episodes.div_ceil(size)).map(move |idx| idx * size..((idx + 1) * size).min(episodes))
}

/// Simulates every shard, maps each through `process` on the worker that ran it, and hands results to `sink` in
/// episode order, one wave at a time, while the next wave runs.
pub fn run<T, P, S>(plan: &SimPlan, process: P, mut sink: S) -> Result<()>
where
    T: Send,
    P: Fn(&ShardOutput) -> T + Sync,
    S: FnMut(Vec<T>) -> Result<()> + Send,
{
    let threads = plan.threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    // One engine per worker thread, built on first use and reused for every shard that worker runs.
    let engines: Vec<Mutex<Option<Engine>>> = (0..threads).map(|_| Mutex::new(None)).collect();
    let mut all_shards = shards(plan);
    let wave_len = threads * 4;
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<T>>(1);
    std::thread::scope(|scope| -> Result<()> {
        let writer = scope.spawn(move || -> Result<()> {
            for wave in receiver {
                sink(wave)?;
            }
            Ok(())
        });
        let mut simulate = || -> Result<()> {
            loop {
                let wave: Vec<Range<u64>> = all_shards.by_ref().take(wave_len).collect();
                if wave.is_empty() {
                    break;
                }
                let results: Result<Vec<T>> = pool.install(|| {
                    wave.par_iter()
                        .map(|range| {
                            let worker = rayon::current_thread_index().unwrap_or(0) % threads;
                            let mut slot = engines[worker].lock().expect("engine lock poisoned");
                            if slot.is_none() {
                                let agent = plan.agent.build(&plan.scenario)?;
                                let config = EngineConfig { slots: plan.slots };
                                let mut engine = Engine::new(
                                    plan.scenario.clone(),
                                    plan.personas.clone(),
                                    agent,
                                    config,
                                )?;
                                engine.set_text_renderer(plan.renderer());
                                engine.set_text_reader(Arc::new(sim_personas::realise::Realiser));
                                *slot = Some(engine);
                            }
                            let engine = slot.as_mut().expect("engine was just built");
                            let out = engine.run(plan.seed, range.clone());
                            drop(slot);
                            Ok(process(&out))
                        })
                        .collect()
                });
                if sender.send(results?).is_err() {
                    break;
                }
            }
            Ok(())
        };
        let simulated = simulate();
        drop(sender);
        let written = writer.join().expect("writer thread panicked");
        simulated.and(written)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_range_exactly() {
        let plan = SimPlan {
            scenario: Arc::new(sim_core::testing::tiny_scenario()),
            personas: vec![sim_core::testing::calm_persona()].into(),
            agent: AgentChoice::BuiltIn("by-the-book".into()),
            seed: 1,
            episodes: 10_001,
            threads: 2,
            slots: 8,
            shard_size: 1000,
            pinned: Vec::new(),
            customer_text: None,
        };
        let ranges: Vec<_> = shards(&plan).collect();
        assert_eq!(ranges.len(), 11);
        assert_eq!(ranges.last().unwrap(), &(10_000..10_001));
        let mut seen = Vec::new();
        run(
            &plan,
            |out| out.episodes.iter().map(|ep| ep.episode).collect::<Vec<_>>(),
            |wave| {
                seen.extend(wave.into_iter().flatten());
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen, (0..10_001).collect::<Vec<_>>());
    }
}
