//! The `rehearse` binary: parse flags, run the command, map the outcome to an exit code.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Parser;
use sim_runners::agent_io::record::{REPLIES, Recorder};
use sim_runners::batch::AgentChoice;
use sim_runners::cli::{Cli, Command, TranscriptsCommand};
use sim_runners::interrupt::{Interrupt, Interrupted};
use sim_runners::stdout::{ClosedStdout, print};
use sim_runners::{bench, calibrate, lint, list, policy, replay, run, setup, show, transcripts};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (out, record) = match &cli.command {
        Command::Run(args) => (Some(args.out.clone()), args.record.clone()),
        _ => (None, None),
    };
    match dispatch(cli) {
        Ok(code) => code,
        Err(err) if err.downcast_ref::<ClosedStdout>().is_some() => ExitCode::SUCCESS,
        Err(err) if err.downcast_ref::<Interrupted>().is_some() => {
            let interrupted = err.downcast_ref::<Interrupted>().expect("checked above");
            let kept = match &out {
                Some(out) if out.join("summary.json").exists() => {
                    format!("; {} still holds the previous complete run", out.display())
                }
                Some(out) => format!("; nothing was written to {}", out.display()),
                None => String::new(),
            };
            eprintln!("{interrupted}: stopped, partial output removed{kept}");
            if let Some(dir) = record.filter(|dir| dir.join(REPLIES).exists()) {
                eprintln!(
                    "the agent replies so far are kept in {}; run again with --resume to go on from them",
                    dir.display()
                );
            }
            ExitCode::from(interrupted.exit_code())
        }
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
            if let Some(every) = args.sample_every {
                setup::check_count("--sample-every", every, args.episodes.max(1))?;
            }
            let mut args = args;
            setup::check_replay_run(&args.sim, args.episodes)?;
            args.sim = setup::with_recorded_agent(&args.sim)?;
            let mut plan = setup::plan(&args.sim, args.episodes)?;
            let mut recording = None;
            if let Some(dir) = &args.record {
                let about = serde_json::json!({
                    "agent": plan.agent.config_json(),
                    "flags": setup::agent_flags(&args.sim),
                    "run": setup::run_flags(&args.sim, args.episodes),
                });
                let resumed = match args.resume {
                    true => setup::resumed_replies(&args.sim, dir)?.map(Arc::new),
                    false => None,
                };
                let recorder = Recorder::start(dir, &about, resumed.as_deref(), args.episodes)?;
                let recorder = Arc::new(recorder);
                if let Some(replies) = &resumed {
                    plan.agent =
                        AgentChoice::Resumed(Box::new(plan.agent.clone()), replies.clone());
                }
                plan.agent = AgentChoice::Recorded(Box::new(plan.agent.clone()), recorder.clone());
                recording = Some((dir, about, recorder, resumed));
            }
            if let (Some(text), Some(path), false) =
                (&plan.customer_text, &args.sim.customer_text, args.quiet)
            {
                eprint!("{}", text.report.describe(&path.display().to_string()));
            }
            let interrupt = Interrupt::install()?;
            let report = run::run(&args, &plan, &interrupt)?;
            if let Some((dir, about, recorder, resumed)) = recording {
                recorder.finish(&about)?;
                if !args.quiet {
                    let from = resumed.map_or(String::new(), |replies| {
                        format!(
                            " ({} turns answered from the recording resumed)",
                            replies.answered()
                        )
                    });
                    print(&format!("agent replies recorded in {}{from}\n", dir.display()))?;
                }
            }
            if let AgentChoice::Replay(replies) = &plan.agent
                && let (diverged @ 1.., Some((episode, turn))) = replies.divergences()
            {
                eprintln!(
                    "replay: {diverged} turns diverged from the recording (first: episode {episode}, turn \
                     {turn}); those episodes end as agent_failed"
                );
                return Ok(ExitCode::from(3));
            }
            if args.fail_on_violation && report.stats.total.with_violation > 0 {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Replay(args) => {
            let (line, source) = replay::find_or_resimulate(&args.out, args.episode, args.force)?;
            if source == replay::Source::Resimulated {
                print(
                    "(not in transcripts.jsonl: re-simulated from the inputs in summary.json)\n",
                )?;
            }
            print(&replay::render(&line))?;
        }
        Command::Bench(args) => bench::run(&args)?,
        Command::Compare(args) => {
            let comparison = sim_runners::compare::compare(&args)?;
            print(&sim_runners::compare::table(&comparison))?;
            write_json(&args.out, "compare.json", &comparison)?;
        }
        Command::Fork(args) => {
            let line = sim_runners::fork::fork(&args)?;
            print(&replay::render(&line))?;
            if let Some(path) = &args.json {
                let json = serde_json::to_string(&line)? + "\n";
                sim_runners::output::write_whole(path, json.as_bytes())
                    .with_context(|| format!("writing {}", path.display()))?;
            }
        }
        Command::List => print(&list::render())?,
        Command::Show(args) => print(show::source(&args.name)?)?,
        Command::Policy(args) => print(&policy::render(&args)?)?,
        Command::Tools(args) => {
            let (scenario, _) = setup::load_scenario(&args.scenario)?;
            let schemas = sim_runners::agent_io::schema::tool_schemas(&scenario);
            print(&format!("{}\n", serde_json::to_string_pretty(&schemas)?))?;
        }
        Command::TaggerEval(args) => {
            let scores = sim_runners::tagger_eval::evaluate(&args)?;
            print(&sim_runners::tagger_eval::table(&scores))?;
            if let Some(path) = &args.json {
                let json = serde_json::to_string_pretty(&scores)?;
                std::fs::write(path, json + "\n")
                    .with_context(|| format!("writing {}", path.display()))?;
            }
        }
        Command::Transcripts(TranscriptsCommand::Convert(args)) => {
            let converted = transcripts::convert(args.from, &args.input)?;
            for rejected in &converted.rejected {
                eprintln!("{}: {rejected}", rejected.dropped);
            }
            if converted.conversations.is_empty() {
                anyhow::bail!(
                    "{}: no conversation read as {} ({} rows rejected); {} left as it was",
                    args.input.display(),
                    args.from.name(),
                    converted.rejected.len(),
                    args.out.display()
                );
            }
            transcripts::write_jsonl(&args.out, &converted.conversations)?;
            print(&converted.summary(&args.out))?;
        }
        Command::Transcripts(TranscriptsCommand::Split(args)) => {
            if !(args.fraction > 0.0 && args.fraction < 1.0) {
                anyhow::bail!(setup::BadInput(format!(
                    "--fraction {}: give a share of conversations between 0 and 1",
                    args.fraction
                )));
            }
            let converted = transcripts::read_jsonl(&args.input)?;
            for rejected in &converted.rejected {
                eprintln!("{}: {rejected}", rejected.dropped);
            }
            let (held_out, train): (Vec<_>, Vec<_>) =
                converted.conversations.into_iter().partition(|conversation| {
                    transcripts::held_out_by(conversation, args.by, args.fraction)
                });
            if train.is_empty() || held_out.is_empty() {
                anyhow::bail!(setup::BadInput(format!(
                    "{}: {} conversations for training and {} held out; both need some",
                    args.input.display(),
                    train.len(),
                    held_out.len()
                )));
            }
            transcripts::write_jsonl(&args.train, &train)?;
            transcripts::write_jsonl(&args.held_out, &held_out)?;
            print(&format!(
                "{} conversations to {}, {} held out to {}\n",
                train.len(),
                args.train.display(),
                held_out.len(),
                args.held_out.display()
            ))?;
            if args.by != transcripts::SplitBy::Id {
                let unseen = transcripts::unseen(&train, &held_out, args.by);
                print(&format!("held out, never in training: {}\n", unseen.join(", ")))?;
            }
        }
        Command::Transcripts(TranscriptsCommand::Filter(args)) => {
            if args.intent.is_empty() && args.domain.is_empty() {
                anyhow::bail!(setup::BadInput(
                    "give --intent or --domain: the labels of the conversations to keep".to_owned()
                ));
            }
            let converted = transcripts::read_jsonl(&args.input)?;
            for rejected in &converted.rejected {
                eprintln!("{}: {rejected}", rejected.dropped);
            }
            let mut kept = converted.conversations;
            let read = kept.len();
            of_labels(&args.domain, &args.intent, &mut kept, &args.input)?;
            transcripts::write_jsonl(&args.out, &kept)?;
            print(&format!("{} of {read} conversations to {}\n", kept.len(), args.out.display()))?;
        }
        Command::Realism(args) => {
            let read = |path: &std::path::Path| -> Result<Vec<transcripts::Conversation>> {
                let converted = transcripts::read_any(path)?;
                if !converted.rejected.is_empty() {
                    eprintln!("{}: {} rows not read", path.display(), converted.rejected.len());
                }
                if converted.conversations.is_empty() {
                    anyhow::bail!(setup::BadInput(format!("{}: no conversation", path.display())));
                }
                Ok(converted.conversations)
            };
            let mut real = read(&args.real)?;
            let read_in = real.len();
            keep_labelled("intent", |c| c.intent.as_deref(), &args.intent, &mut real, &args.real)?;
            if real.len() < read_in {
                eprintln!(
                    "{}: {} of {read_in} conversations kept, those of the intent {}",
                    args.real.display(),
                    real.len(),
                    args.intent.join(" or ")
                );
            }
            tag_acts(args.acts.as_deref(), &mut real, &args.real)?;
            match (&args.sim, &args.persona) {
                (Some(sim), _) => {
                    let mut simulated = read(sim)?;
                    tag_acts(args.acts.as_deref(), &mut simulated, sim)?;
                    // STAR's wizard labels as rehearse's agent acts, so "given the agent's act" means the same
                    calibrate::act_tagger::star_agent_acts(&mut real);
                    calibrate::act_tagger::star_agent_acts(&mut simulated);
                    let report = sim_runners::realism::closed_loop(&real, &simulated);
                    print(&sim_runners::realism::table(&report))?;
                    write_json(&args.out, "realism.json", &report)?;
                    let page = sim_runners::realism::html::page(&report);
                    write_file(&args.out, "realism.html", page.as_bytes())?;
                }
                (None, Some(persona)) => {
                    let persona = calibrate::load(persona)
                        .map_err(|error| setup::BadInput(error.to_string()))?;
                    let report = sim_runners::realism::open_loop::open_loop(&persona, &real);
                    print(&sim_runners::realism::open_loop::table(&report))?;
                    write_json(&args.out, "realism.json", &report)?;
                    let page = sim_runners::realism::html::open_loop_page(&report);
                    write_file(&args.out, "realism.html", page.as_bytes())?;
                }
                (None, None) => unreachable!("clap requires --sim or --persona"),
            }
        }
        Command::Calibrate(args) if args.scenario.is_some() => fit_persona(&args)?,
        Command::Calibrate(args) => {
            let mut converted = transcripts::read_any(&args.transcripts)?;
            let (kept, _) = of_labels(
                args.domain.as_slice(),
                &args.intent,
                &mut converted.conversations,
                &args.transcripts,
            )?;
            tag_acts(args.acts.as_deref(), &mut converted.conversations, &args.transcripts)?;
            if !converted.rejected.is_empty() {
                eprintln!(
                    "{}: {} rows not read",
                    args.transcripts.display(),
                    converted.rejected.len()
                );
            }
            let bytes = std::fs::read(&args.transcripts)
                .with_context(|| format!("reading {}", args.transcripts.display()))?;
            let name = args.out.file_stem().map_or("fitted".into(), |stem| stem.to_string_lossy());
            let acts = args.acts.as_ref().map(|acts| format!(" --acts {}", acts.display()));
            let command = format!(
                "rehearse calibrate --transcripts {}{}{kept} --out {}",
                args.transcripts.display(),
                acts.unwrap_or_default(),
                args.out.display()
            );
            let given = args.transcripts.display().to_string();
            let fitted =
                calibrate::calibrate(&name, &converted.conversations, (&given, &bytes), &command);
            if fitted.model.factors.is_empty() {
                anyhow::bail!(setup::BadInput(format!(
                    "{}: no customer move to fit ({} conversations)",
                    args.transcripts.display(),
                    converted.conversations.len()
                )));
            }
            write_creating(&args.out, calibrate::to_ron(&fitted).as_bytes())?;
            print(&calibrate::summary(&fitted, &args.out))?;
        }
        Command::CustomerActs(args) => {
            let read = |path: &std::path::Path| -> Result<Vec<transcripts::Conversation>> {
                let converted = transcripts::read_any(path)?;
                if calibrate::act_tagger::labelled(&converted.conversations).is_empty() {
                    anyhow::bail!(setup::BadInput(format!(
                        "{}: no customer message with an act ({} conversations)",
                        path.display(),
                        converted.conversations.len()
                    )));
                }
                Ok(converted.conversations)
            };
            let (train, held_out) = (read(&args.train)?, read(&args.held_out)?);
            let bytes = std::fs::read(&args.train)
                .with_context(|| format!("reading {}", args.train.display()))?;
            let command = format!(
                "rehearse customer-acts --train {} --held-out {} --out {}",
                args.train.display(),
                args.held_out.display(),
                args.out.display()
            );
            let (given, held) =
                (args.train.display().to_string(), args.held_out.display().to_string());
            let file = calibrate::act_tagger::train_file(
                &train,
                (&given, &bytes),
                (&held, &held_out),
                &command,
            );
            write_creating(&args.out, calibrate::act_tagger::to_ron(&file).as_bytes())?;
            print(&format!(
                "trained on {} labelled customer messages of {}; on {}:\n{}\nwritten to {}\n",
                file.source.customer_turns,
                args.train.display(),
                args.held_out.display(),
                calibrate::act_tagger::table(&file.evaluation),
                args.out.display()
            ))?;
        }
        Command::Lint(args) => {
            let mut report = lint::lint(&args.paths);
            if let Some(scenario) = &args.scenario {
                report = lint::against_scenario(report, &setup::load_scenario(scenario)?.0);
            }
            print(&report.to_string())?;
            if !report.is_clean() {
                return Ok(ExitCode::from(2));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// With a tagger file, puts the customer acts of `conversations` (read from `from`) in the tagger's terms
/// (`act_tagger::tag`), and says how many messages it read on standard error.
fn tag_acts(
    tagger: Option<&std::path::Path>,
    conversations: &mut [transcripts::Conversation],
    from: &std::path::Path,
) -> Result<()> {
    let Some(path) = tagger else { return Ok(()) };
    let file =
        calibrate::act_tagger::load(path).map_err(|error| setup::BadInput(error.to_string()))?;
    let tagged = calibrate::act_tagger::tag(&file.tagger, conversations);
    eprintln!(
        "{}: {tagged} customer messages without an act the tagger knows, read by {}",
        from.display(),
        path.display()
    );
    Ok(())
}

/// Writes `value` as pretty JSON to `dir/name` ([`write_file`]).
fn write_json(dir: &std::path::Path, name: &str, value: &impl serde::Serialize) -> Result<()> {
    let json = serde_json::to_string_pretty(value)? + "\n";
    write_file(dir, name, json.as_bytes())
}

/// Writes `bytes` to `dir/name` (the folder created if missing, the file whole or not at all) and says where.
fn write_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> Result<()> {
    write_creating(&dir.join(name), bytes)?;
    print(&format!("\n{name} in {}\n", dir.display()))?;
    Ok(())
}

/// Writes `bytes` to `path` whole or not at all, creating its folder if missing.
fn write_creating(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    sim_runners::output::write_whole(path, bytes)
        .with_context(|| format!("writing {}", path.display()))
}

/// Keeps the conversations of one of `domains` and one of `intents` (either unconstrained when empty): what
/// `calibrate` fits on and `transcripts filter` writes; none left is bad input naming the labels there are. Returns
/// what was kept, as the options that keep it (" --domain finance") and in words (" of the domain finance").
fn of_labels(
    domains: &[String],
    intents: &[String],
    conversations: &mut Vec<transcripts::Conversation>,
    path: &std::path::Path,
) -> Result<(String, String)> {
    let (mut options, mut words) = (String::new(), String::new());
    type Label<'a> = (&'a str, &'a [String], fn(&transcripts::Conversation) -> Option<&str>);
    let labels: [Label; 2] = [
        ("domain", domains, |c| c.domain.as_deref()),
        ("intent", intents, |c| c.intent.as_deref()),
    ];
    for (label, wanted, of) in labels {
        if wanted.is_empty() {
            continue;
        }
        keep_labelled(label, of, wanted, conversations, path)?;
        options.extend(wanted.iter().map(|value| format!(" --{label} {value}")));
        words += &format!(" of the {label} {}", wanted.join(" or "));
    }
    Ok((options, words))
}

/// Keeps the conversations whose `label` (read by `of`) is one of `wanted` (all when `wanted` is empty); none left
/// is bad input naming the labels there are.
fn keep_labelled(
    label: &str,
    of: fn(&transcripts::Conversation) -> Option<&str>,
    wanted: &[String],
    conversations: &mut Vec<transcripts::Conversation>,
    path: &std::path::Path,
) -> Result<()> {
    if wanted.is_empty() {
        return Ok(());
    }
    let there: std::collections::BTreeSet<String> =
        conversations.iter().filter_map(|c| of(c).map(str::to_owned)).collect();
    conversations
        .retain(|conversation| of(conversation).is_some_and(|l| wanted.iter().any(|w| w == l)));
    if conversations.is_empty() {
        let there: Vec<&str> = there.iter().map(String::as_str).collect();
        anyhow::bail!(setup::BadInput(format!(
            "{}: no conversation of the {label} `{}` (its {label}s: {})",
            path.display(),
            wanted.join("` or `"),
            if there.is_empty() { "none".to_owned() } else { there.join(", ") }
        )));
    }
    Ok(())
}

/// `rehearse calibrate --scenario S`: a persona for S fitted to the transcripts' customers.
fn fit_persona(args: &sim_runners::cli::CalibrateArgs) -> Result<()> {
    let scenario_arg = args.scenario.as_deref().expect("called with --scenario");
    let (scenario, _, _) = setup::load_scenario_pinned(scenario_arg)?;
    let tagger = sim_runners::customer_text::load_tagger(args.acts.as_deref())
        .map_err(|error| setup::BadInput(error.to_string()))?;
    let Some(base) = sim_personas::built_in_source(&args.base) else {
        anyhow::bail!(setup::BadInput(format!("no built-in persona `{}`", args.base)));
    };
    let bytes = std::fs::read(&args.transcripts)
        .with_context(|| format!("reading {}", args.transcripts.display()))?;
    let sha256 = sim_runners::inputs::Pinned::of("transcripts", "", &bytes).sha256;
    let converted = transcripts::read_any(&args.transcripts)?;
    let mut conversations = converted.conversations;
    let (kept, of) =
        of_labels(args.domain.as_slice(), &args.intent, &mut conversations, &args.transcripts)?;
    sim_runners::customer_text::prepare(&mut conversations, &tagger);
    let rules = sim_runners::customer_text::rules();
    let mut reactions = calibrate::persona::reactions(&conversations, &rules);
    calibrate::persona::of_scenario_intents(&mut reactions, &scenario);
    if !args.intent_shares {
        reactions.conversations_of.clear();
    }
    reactions.gives_more = calibrate::gives_more::count(&conversations, &scenario);
    let acts = args.acts.as_ref().map(|acts| format!(" --acts {}", acts.display()));
    let read = match conversations.len() {
        1 => "1 conversation".to_owned(),
        n => format!("{n} conversations"),
    };
    let header = format!(
        "A persona fitted by `rehearse calibrate` to {} ({read}{}, SHA-256 {sha256}) for the scenario {}.\n\
         Regenerate: rehearse calibrate --transcripts {}{}{kept} --scenario {scenario_arg} --base {}{} --out {}",
        args.transcripts.display(),
        of,
        scenario.id,
        args.transcripts.display(),
        acts.unwrap_or_default(),
        args.base,
        if args.intent_shares { " --intent-shares" } else { "" },
        args.out.display()
    );
    let description = format!(
        "the customers of {} ({read}{}) in {}'s terms; otherwise {}",
        args.transcripts.display(),
        of,
        scenario.id,
        args.base
    );
    let text =
        calibrate::persona::persona_file(&reactions, (&args.base, base), &header, &description)
            .map_err(setup::BadInput)?;
    sim_personas::parse_persona(&text, &args.out)
        .with_context(|| format!("the fitted persona does not load:\n{text}"))?;
    write_creating(&args.out, text.as_bytes())?;
    let fitted: Vec<&str> = text
        .lines()
        .filter(|line| line.trim_start().starts_with("// Fitted:"))
        .map(str::trim)
        .collect();
    print(&format!("{}\nwritten to {}\n", fitted.join("\n"), args.out.display()))?;
    Ok(())
}
