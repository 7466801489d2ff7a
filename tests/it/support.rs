//! Helpers shared by the integration tests: the built-in scenario with its persona mix, and the default job run
//! into a temp dir, both through the runners library.

use std::path::Path;
use std::sync::Arc;

use clap::Parser;
use sim_core::prelude::*;
use sim_runners::cli::{Cli, Command, RunArgs};

/// retail-support and its default persona mix, loaded the way `rehearse run` loads them.
pub fn retail_support() -> (Arc<ScenarioSpec>, Arc<[PersonaSpec]>) {
    built_in("retail-support")
}

/// A built-in scenario with its default persona mix, loaded as `rehearse run --scenario NAME` loads it.
pub fn built_in(name: &str) -> (Arc<ScenarioSpec>, Arc<[PersonaSpec]>) {
    let (scenario, mix) = sim_runners::setup::load_scenario(name).unwrap();
    let personas = sim_runners::setup::load_personas(&[], &mix).unwrap();
    (Arc::new(scenario), personas.into())
}

/// Parses `rehearse run ARGS` and runs it quietly into `out`.
pub fn run_into(out: &Path, args: &[&str]) {
    let out = out.to_str().expect("utf-8 temp path");
    let mut argv = vec!["rehearse", "run", "--quiet", "--out", out];
    argv.extend_from_slice(args);
    let Command::Run(args): Command = Cli::parse_from(argv).command else {
        unreachable!("parsed a run command")
    };
    run_args(&args);
}

fn run_args(args: &RunArgs) {
    let plan = sim_runners::setup::plan(&args.sim, args.episodes).expect("valid plan");
    let interrupt = sim_runners::interrupt::Interrupt::unwatched();
    sim_runners::run::run(args, &plan, &interrupt).expect("run succeeds");
}

/// A by-the-book run of a built-in scenario, checked to break no rule; returns the output and the personas.
pub fn clean_by_the_book_run(
    name: &str,
    seed: u64,
    episodes: u64,
) -> (ShardOutput, Arc<[PersonaSpec]>) {
    let (scenario, personas) = built_in(name);
    let agent = sim_core::agents::built_in("by-the-book", &scenario).unwrap();
    let mut engine =
        Engine::new(scenario, personas.clone(), agent, EngineConfig { slots: 256 }).unwrap();
    let out = engine.run(seed, 0..episodes);
    let flagged: Vec<u64> =
        out.episodes.iter().filter(|r| r.violations > 0).map(|r| r.episode).collect();
    assert!(flagged.is_empty(), "{name}: {} flagged, first {:?}", flagged.len(), flagged.first());
    (out, personas)
}

/// The share of a persona's episodes the resolution oracle passed.
pub fn resolution_of(out: &ShardOutput, personas: &[PersonaSpec], persona: &str) -> f64 {
    let idx = personas.iter().position(|p| p.id == persona).unwrap() as u16;
    let mine: Vec<_> = out.episodes.iter().filter(|r| r.customer.persona == idx).collect();
    mine.iter().filter(|r| r.resolved).count() as f64 / mine.len() as f64
}

/// An agent whose every action is another agent's (by the book, mostly), rewritten by `rewrite`: the attacks and
/// the agents outside rehearse that tests play.
pub struct Rewritten<F> {
    /// What it is called in outputs.
    pub name: &'static str,
    /// The agent whose actions are rewritten.
    pub inner: Box<dyn AgentUnderTest>,
    /// Rewrites one action in place.
    pub rewrite: F,
}

impl<F: Fn(&mut Action) + Send + Sync> AgentUnderTest for Rewritten<F> {
    fn name(&self) -> &str {
        self.name
    }
    fn begin(&mut self, start: EpisodeStart) {
        self.inner.begin(start);
    }
    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        let start = out.len();
        self.inner.act(batch, out);
        out[start..].iter_mut().for_each(&self.rewrite);
    }
    fn finish(&mut self, slot: u32) -> Vec<AgentNote> {
        self.inner.finish(slot)
    }
}
