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
    sim_runners::run::run(args, &plan).expect("run succeeds");
}
