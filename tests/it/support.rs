//! Helpers shared by the integration tests: run the default job into a temp dir through the runners library.

use std::path::Path;

use clap::Parser;
use sim_runners::cli::{Cli, Command, RunArgs};

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
