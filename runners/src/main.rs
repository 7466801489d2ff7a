//! The `rehearse` binary: parse flags, run the command, map the outcome to an exit code.

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use sim_runners::cli::{Cli, Command};
use sim_runners::{bench, lint, list, policy, replay, run, setup};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run(args) => {
            let plan = setup::plan(&args.sim, args.episodes)?;
            let report = run::run(&args, &plan)?;
            if args.fail_on_violation && report.stats.total.with_violation > 0 {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Replay(args) => {
            let (line, source) = replay::find_or_resimulate(&args.out, args.episode)?;
            if source == replay::Source::Resimulated {
                println!(
                    "(not in transcripts.jsonl: re-simulated from the inputs in summary.json)"
                );
            }
            print!("{}", replay::render(&line));
        }
        Command::Bench(args) => bench::run(&args)?,
        Command::List => print!("{}", list::render()),
        Command::Policy(args) => print!("{}", policy::render(&args)?),
        Command::Lint(args) => {
            let report = lint::lint(&args.paths);
            print!("{report}");
            if !report.is_clean() {
                return Ok(ExitCode::from(2));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
