//! Resolving what the user named (built-in ids or file paths) into loaded, validated specs and a simulation plan.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use sim_core::agents::SloppyConfig;
use sim_core::prelude::*;

use crate::agent_io::record::{self, Replies};
use crate::batch::{AgentChoice, SimPlan};
use crate::cli::SimArgs;
use crate::inputs::Pinned;

/// Input the user got wrong: reported with exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// Whether a scenario or persona argument names a file rather than a built-in id.
pub fn looks_like_path(arg: &str) -> bool {
    arg.ends_with(".ron") || arg.contains('/') || arg.contains(std::path::MAIN_SEPARATOR)
}

/// A scenario's default persona mix: (persona id or path, weight).
pub type PersonaMix = Vec<(String, f64)>;

/// Loads a scenario by built-in id or path; returns it with its default persona mix, every persona of which loads
/// and can hold one of its intents (problems named with the file, line and column of the mix entry).
pub fn load_scenario(arg: &str) -> Result<(ScenarioSpec, PersonaMix)> {
    load_scenario_pinned(arg).map(|(spec, mix, _)| (spec, mix))
}

/// As [`load_scenario`], with the hash of the text it loaded (read once: what is hashed is what runs).
pub fn load_scenario_pinned(arg: &str) -> Result<(ScenarioSpec, PersonaMix, Pinned)> {
    let (source, path) = if looks_like_path(arg) {
        let source = String::from_utf8(read_input(arg)?).map_err(|_| {
            BadInput(format!("cannot read {arg}: stream did not contain valid UTF-8"))
        })?;
        (std::borrow::Cow::Owned(source), std::path::PathBuf::from(arg))
    } else {
        let Some(source) = sim_scenarios::built_in_source(arg) else {
            let err = sim_scenarios::load_built_in(arg).err().map(|err| err.to_string());
            bail!(BadInput(err.unwrap_or_else(|| format!("no built-in scenario `{arg}`"))));
        };
        (std::borrow::Cow::Borrowed(source), Path::new("scenarios/data").join(format!("{arg}.ron")))
    };
    let pinned = Pinned::of("scenario", arg, source.as_bytes());
    let loaded =
        sim_scenarios::parse_scenario(&source, &path).map_err(|err| BadInput(err.to_string()))?;
    let (spec, mix) = check_mix(&source, &path, loaded)?;
    Ok((spec, mix, pinned))
}

fn read_input(arg: &str) -> Result<Vec<u8>> {
    Ok(std::fs::read(arg).map_err(|err| BadInput(format!("cannot read {arg}: {err}")))?)
}

fn check_mix(
    source: &str,
    path: &Path,
    loaded: sim_scenarios::LoadedScenario,
) -> Result<(ScenarioSpec, PersonaMix)> {
    let issues = mix_issues(&loaded.persona_mix, &loaded.spec);
    if !issues.is_empty() {
        bail!(BadInput(sim_scenarios::invalid(source, path, issues).to_string()));
    }
    Ok((loaded.spec, loaded.persona_mix))
}

/// Loads one persona by built-in id or path.
pub fn load_persona(arg: &str) -> Result<PersonaSpec> {
    load_persona_pinned(arg).map(|(persona, _)| persona)
}

/// As [`load_persona`], with the hash of the text it loaded.
fn load_persona_pinned(arg: &str) -> Result<(PersonaSpec, Pinned)> {
    let bad = |err: sim_personas::LoadError| BadInput(err.to_string());
    if !looks_like_path(arg) {
        let persona = sim_personas::load_built_in(arg).map_err(bad)?;
        let source =
            sim_personas::built_in_source(arg).expect("a built-in that loads has a source");
        return Ok((persona, Pinned::of("persona", arg, source.as_bytes())));
    }
    let path = Path::new(arg);
    let bytes = std::fs::read(path)
        .map_err(|source| bad(sim_personas::LoadError::Io { path: path.to_owned(), source }))?;
    let pinned = Pinned::of("persona", arg, &bytes);
    Ok((sim_personas::parse_persona_bytes(bytes, path).map_err(bad)?, pinned))
}

/// Whether `persona` can hold one of the scenario's intents (a persona without an intent list holds them all).
pub fn compatible(persona: &PersonaSpec, scenario: &ScenarioSpec) -> bool {
    scenario.intents.iter().any(|intent| persona.weight_of(intent, scenario).is_some())
}

/// A persona's intent list, shortened for a message.
pub fn its_intents(persona: &PersonaSpec) -> String {
    match persona.intents.as_slice() {
        [only] => format!("its only intent is `{only}`"),
        [first, rest @ ..] => format!("its {} intents are `{first}` and others", rest.len() + 1),
        [] => "it has no intent list".to_owned(),
    }
}

/// What is wrong with a scenario's default persona mix, at each entry: a persona that does not load (an unknown
/// built-in, a missing file) or that holds none of the scenario's intents.
pub fn mix_issues(mix: &[(String, f64)], scenario: &ScenarioSpec) -> Vec<sim_scenarios::Issue> {
    let at = |idx: usize| sim_scenarios::FieldPath::root().field("personas").index(idx).index(0);
    let mut issues = Vec::new();
    for (idx, (id, _)) in mix.iter().enumerate() {
        match load_persona(id) {
            Err(err) => issues.push(sim_scenarios::Issue { at: at(idx), message: format!("persona mix: {err}") }),
            Ok(persona) if !compatible(&persona, scenario) => issues.push(sim_scenarios::Issue {
                at: at(idx),
                message: format!(
                    "persona `{id}` can hold none of this scenario's intents ({}); remove it from the mix",
                    its_intents(&persona)
                ),
            }),
            Ok(_) => {}
        }
    }
    issues
}

/// Loads the personas named on the command line, or the scenario's mix when none are named.
pub fn load_personas(args: &[String], mix: &[(String, f64)]) -> Result<Vec<PersonaSpec>> {
    Ok(load_personas_pinned(args, mix)?.into_iter().map(|(persona, _)| persona).collect())
}

/// As [`load_personas`], each with the hash of the text it loaded.
fn load_personas_pinned(
    args: &[String],
    mix: &[(String, f64)],
) -> Result<Vec<(PersonaSpec, Pinned)>> {
    if args.is_empty() {
        if mix.is_empty() {
            bail!(BadInput("the scenario names no default persona mix; pass --persona".into()));
        }
        return mix
            .iter()
            .map(|(id, weight)| {
                let (mut persona, pinned) = load_persona_pinned(id)
                    .with_context(|| format!("persona `{id}` of the scenario's mix"))?;
                persona.weight = *weight;
                Ok((persona, pinned))
            })
            .collect();
    }
    args.iter().map(|arg| load_persona_pinned(arg)).collect()
}

/// The most episodes one run may have (shards are produced lazily, so this bounds time, not memory).
pub const MAX_EPISODES: u64 = 1_000_000_000_000;
/// The most concurrent episodes in one worker's World.
pub const MAX_SLOTS: usize = 65_536;
/// Memory one slot may take at most (its episode's world, customer and turn log), measured with
/// `/usr/bin/time -v rehearse run --slots 65536` and rounded up.
pub const BYTES_PER_SLOT: u64 = 16 * 1024;
/// Worker threads per core at most: more only adds overhead.
pub const THREADS_PER_CORE: usize = 4;

/// Checks a count flag against `1..=max`, naming the flag and the limit.
pub fn check_count(flag: &str, value: u64, max: u64) -> Result<()> {
    if value == 0 {
        bail!(BadInput(format!("{flag} must be at least 1")));
    }
    if value > max {
        bail!(BadInput(format!("{flag} {value} is more than the limit of {max}")));
    }
    Ok(())
}

/// The machine's available memory in bytes (`MemAvailable` of /proc/meminfo), if it can be read.
fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo.lines().find(|line| line.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Checks every size before work starts: episodes, threads and slots, the slots of all workers against memory.
fn check_sizes(sim: &SimArgs, episodes: u64) -> Result<usize> {
    check_count("--episodes", episodes, MAX_EPISODES)?;
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let threads = sim.threads.unwrap_or(cores);
    check_count("--threads", threads as u64, (cores * THREADS_PER_CORE) as u64)?;
    check_count("--slots", sim.slots as u64, MAX_SLOTS as u64)?;
    if let Some(available) = available_memory() {
        let needed = (sim.slots as u64) * (threads as u64) * BYTES_PER_SLOT;
        if needed > available / 2 {
            bail!(BadInput(format!(
                "--slots {} on {threads} threads needs about {} MiB, more than half of the {} MiB this machine has \
                 available; use at most --slots {}",
                sim.slots,
                needed >> 20,
                available >> 20,
                (available / 2 / BYTES_PER_SLOT / threads as u64).max(1)
            )));
        }
    }
    Ok(threads)
}

/// Builds the simulation plan from flags.
pub fn plan(sim: &SimArgs, episodes: u64) -> Result<SimPlan> {
    let threads = check_sizes(sim, episodes)?;
    let sim = &recorded_inputs(sim);
    let (mut scenario, mix, scenario_pin) = load_scenario_pinned(&sim.scenario)?;
    let (personas, persona_pins): (Vec<PersonaSpec>, Vec<Pinned>) =
        load_personas_pinned(&sim.personas, &mix)?.into_iter().unzip();
    if personas.iter().all(|persona| persona.weight <= 0.0) {
        let named: Vec<String> =
            personas.iter().map(|persona| format!("{} {}", persona.id, persona.weight)).collect();
        bail!(BadInput(format!(
            "the personas' weights ({}) add up to 0: no episode could pick one; give at least one a positive weight",
            named.join(", ")
        )));
    }
    let agent = agent_choice(sim)?;
    let mut pinned = vec![scenario_pin];
    pinned.extend(persona_pins);
    pinned.push(Pinned::agent(&agent)?);
    let customer_text = match &sim.customer_text {
        Some(path) => Some(Arc::new(customer_text(
            path,
            sim.customer_acts.as_deref(),
            &scenario,
            &mut pinned,
        )?)),
        None => None,
    };
    if let Some(text) = &customer_text {
        // Customers drawn from real conversations are called as theirs were.
        scenario.customer_names = text.names.clone();
    }
    let scenario = Arc::new(scenario);
    let personas: Arc<[PersonaSpec]> = personas.into();
    // Check that the engine accepts this combination before any output is created.
    Engine::new(
        scenario.clone(),
        personas.clone(),
        agent.build(&scenario)?,
        EngineConfig { slots: 1 },
    )
    .map_err(|err| BadInput(err.to_string()))?;
    Ok(SimPlan {
        scenario,
        personas,
        agent,
        seed: sim.seed,
        episodes,
        threads,
        slots: sim.slots,
        shard_size: 4096,
        pinned,
        customer_text,
    })
}

/// Reads `--customer-text` into a phrasebook for `scenario` with the tagger at `acts` (default: the built-in one),
/// pinning both files.
fn customer_text(
    path: &Path,
    acts: Option<&Path>,
    scenario: &ScenarioSpec,
    pinned: &mut Vec<Pinned>,
) -> Result<crate::customer_text::CustomerText> {
    let given = path.display().to_string();
    let bytes = read_input(&given)?;
    pinned.push(Pinned::of("customer-text", &given, &bytes));
    let tagger =
        crate::customer_text::load_tagger(acts).map_err(|error| BadInput(error.to_string()))?;
    if let Some(acts) = acts {
        let given = acts.display().to_string();
        pinned.push(Pinned::of("customer-acts", &given, &read_input(&given)?));
    }
    let converted =
        crate::transcripts::read_any(path).map_err(|error| BadInput(error.to_string()))?;
    let mut conversations = converted.conversations;
    let text = crate::customer_text::build(&mut conversations, scenario, &tagger);
    if text.book.is_empty() {
        bail!(BadInput(format!(
            "{given}: no customer message could be read as an act of `{}` ({} conversations, {} messages; is `corpus_slots` in the scenario?)",
            scenario.id, text.report.conversations, text.report.messages
        )));
    }
    Ok(text)
}

/// The agent flags a recording keeps, so a run played back from it records the same inputs as the recorded run.
pub fn agent_flags(sim: &SimArgs) -> serde_json::Value {
    serde_json::json!({
        "agent": sim.agent,
        "model": sim.model,
        "agent_timeout": sim.agent_timeout,
        "agent_workers": sim.agent_workers,
        "system_prompt": sim.system_prompt,
    })
}

/// The run flags a recording keeps: a replay must simulate the same customers for its replies to fit.
pub fn run_flags(sim: &SimArgs, episodes: u64) -> serde_json::Value {
    let sim = recorded_inputs(sim);
    serde_json::json!({
        "scenario": sim.scenario,
        "personas": sim.personas,
        "seed": sim.seed,
        "episodes": episodes,
        // The words customers say, which agents that read text answer.
        "customer_text": sim.customer_text,
    })
}

/// Checks that a run with `--replay DIR` simulates what the recording was made on: the same scenario, personas,
/// seed and customer text, and no more episodes. Every difference is named at once, with the flags that would match.
pub fn check_replay_run(sim: &SimArgs, episodes: u64) -> Result<()> {
    let Some(dir) = &sim.replay else { return Ok(()) };
    let path = dir.join(record::RECORDING);
    let about = read_recording("--replay", &path)?;
    let recorded = &about["run"];
    if recorded.is_null() {
        return Ok(()); // made before recordings kept their run flags
    }
    let mut problems = differences(
        &run_flags(sim, episodes),
        recorded,
        &["scenario", "personas", "seed", "customer_text"],
    );
    let most = recorded["episodes"].as_u64().unwrap_or(u64::MAX);
    if episodes > most {
        problems.push(format!("--episodes: this run has {episodes}, the recording only {most}"));
    }
    if !problems.is_empty() {
        bail!(BadInput(format!(
            "--replay: {} was recorded on another run; its replies would not fit:\n  {}",
            path.display(),
            problems.join("\n  ")
        )));
    }
    Ok(())
}

/// The replies `run --record DIR --resume` continues from, once it is checked that they were recorded on this run:
/// the same scenario, personas, seed and customer text, and the same agent, model and system prompt (every
/// difference named at once). A folder without a recording yet starts one: there is nothing to resume.
pub fn resumed_replies(sim: &SimArgs, dir: &Path) -> Result<Option<Replies>> {
    let path = dir.join(record::RECORDING);
    if !path.exists() {
        return Ok(None);
    }
    let about = read_recording("--resume", &path)?;
    let mut problems = differences(
        &run_flags(sim, 0),
        &about["run"],
        &["scenario", "personas", "seed", "customer_text"],
    );
    problems.extend(differences(
        &agent_flags(sim),
        &about["flags"],
        &["agent", "model", "system_prompt"],
    ));
    if !problems.is_empty() {
        bail!(BadInput(format!(
            "--resume: {} is the recording of another run; it cannot be continued with this one:\n  {}",
            path.display(),
            problems.join("\n  ")
        )));
    }
    let replies = Replies::load(dir).map_err(|err| BadInput(format!("--resume: {err}")))?;
    Ok(Some(replies))
}

/// The flags among `names` whose values differ between this run (`now`) and a recording, as `--flag: …` lines.
fn differences(
    now: &serde_json::Value,
    recorded: &serde_json::Value,
    names: &[&str],
) -> Vec<String> {
    let flag = |name: &str| name.replace('_', "-");
    names
        .iter()
        .filter(|name| now[**name] != recorded[**name])
        .map(|name| {
            format!(
                "--{}: this run has {}, the recording {}",
                flag(name),
                now[*name],
                recorded[*name]
            )
        })
        .collect()
}

fn read_recording(flag: &str, path: &Path) -> Result<serde_json::Value> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| BadInput(format!("{flag}: cannot read {}: {err}", path.display())))?;
    Ok(serde_json::from_str(&text)
        .map_err(|err| BadInput(format!("{flag}: {}: {err}", path.display())))?)
}

/// `sim` with `--replay DIR`'s recorded agent flags in place of its own (unchanged without `--replay`).
pub fn with_recorded_agent(sim: &SimArgs) -> Result<SimArgs> {
    let Some(dir) = &sim.replay else { return Ok(sim.clone()) };
    let path = dir.join(record::RECORDING);
    let about = read_recording("--replay", &path)?;
    let flags = &about["flags"];
    let Some(agent) = flags["agent"].as_str() else {
        bail!(BadInput(format!("--replay: {} names no agent (`flags.agent`)", path.display())));
    };
    Ok(SimArgs {
        agent: agent.to_owned(),
        model: flags["model"].as_str().map(str::to_owned),
        agent_timeout: flags["agent_timeout"].as_f64().unwrap_or(sim.agent_timeout),
        agent_workers: flags["agent_workers"].as_u64().map(|n| n as usize),
        system_prompt: flags["system_prompt"].as_str().map(PathBuf::from),
        ..sim.clone()
    })
}

/// The simulation flags as recorded for `replay`: file paths made absolute so the run can be re-simulated
/// from another directory.
pub fn recorded_inputs(sim: &SimArgs) -> SimArgs {
    let absolute = |arg: &String| match std::fs::canonicalize(arg) {
        Ok(path) if looks_like_path(arg) => path.display().to_string(),
        _ => arg.clone(),
    };
    let absolute_path =
        |path: &PathBuf| std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
    SimArgs {
        scenario: absolute(&sim.scenario),
        personas: sim.personas.iter().map(absolute).collect(),
        customer_text: sim.customer_text.as_ref().map(absolute_path),
        customer_acts: sim.customer_acts.as_ref().map(absolute_path),
        ..sim.clone()
    }
}

/// The agent the flags choose.
pub fn agent_choice(sim: &SimArgs) -> Result<AgentChoice> {
    let rates = [
        sim.skip_verification,
        sim.over_refund,
        sim.skip_step,
        sim.close_early,
        sim.ignore_failed_check,
        sim.ignore_human_request,
        sim.disclose_early,
        sim.pressure_after_no,
        sim.false_claim,
        sim.ignore_objection,
        sim.wrong_value,
        sim.wrongful_refusal,
        sim.off_script,
        sim.unexplained_refusal,
    ];
    if let Some(dir) = &sim.replay {
        let replies = Replies::load(dir).map_err(|err| BadInput(format!("--replay: {err}")))?;
        return Ok(AgentChoice::Replay(Arc::new(replies)));
    }
    let outside = sim.agent.starts_with("cmd:") || sim.agent.starts_with("openai:");
    if outside && !(sim.agent_timeout > 0.0 && sim.agent_timeout <= 3600.0) {
        bail!(BadInput(format!(
            "--agent-timeout {} is out of range: give seconds in (0, 3600]",
            sim.agent_timeout
        )));
    }
    let chat_only = sim.model.is_some() || sim.system_prompt.is_some();
    if chat_only && !sim.agent.starts_with("openai:") && sim.replay.is_none() {
        bail!(BadInput("--model and --system-prompt only apply to --agent openai:URL".into()));
    }
    if let Some(base) = sim.agent.strip_prefix("openai:") {
        if rates.iter().any(Option::is_some) {
            bail!(BadInput("the fault-rate flags only apply to --agent sloppy".into()));
        }
        let urls: Vec<&str> = crate::agent_io::chat::base_urls(base).collect();
        let is_url = |url: &&str| url.starts_with("http://") || url.starts_with("https://");
        if urls.is_empty() || !urls.iter().all(is_url) {
            bail!(BadInput(format!(
                "--agent openai: needs the API's base URL, e.g. --agent openai:http://127.0.0.1:8080/v1 \
                 or openai:https://api.openai.com/v1, or several replicas' URLs separated by commas (got `{base}`)"
            )));
        }
        // HTTPS servers are checked against Mozilla's roots, or against the bundle SSL_CERT_FILE names.
        let https = urls.iter().any(|url| url.starts_with("https://"));
        let roots = match std::env::var_os("SSL_CERT_FILE").filter(|_| https) {
            Some(file) => {
                let read = std::fs::read(&file).map_err(|err| err.to_string());
                let roots = read.and_then(|pem| crate::agent_io::chat::read_roots(&pem));
                let roots = roots.map_err(|err| {
                    BadInput(format!("SSL_CERT_FILE={}: {err}", file.to_string_lossy()))
                })?;
                Some(Arc::new(roots))
            }
            None => None,
        };
        let Some(model) = sim.model.clone() else {
            bail!(BadInput("--agent openai:URL needs --model NAME, the model to ask for".into()));
        };
        let workers = sim.agent_workers.unwrap_or(8);
        check_count("--agent-workers", workers as u64, 1024)?;
        let system = match &sim.system_prompt {
            Some(path) => Some(std::fs::read_to_string(path).map_err(|err| {
                BadInput(format!("--system-prompt: cannot read {}: {err}", path.display()))
            })?),
            None => None,
        };
        return Ok(AgentChoice::Chat(crate::agent_io::chat::Endpoint {
            base: base.to_owned(),
            model,
            timeout: std::time::Duration::from_secs_f64(sim.agent_timeout),
            workers,
            system,
            roots,
        }));
    }
    if let Some(command) = sim.agent.strip_prefix("cmd:") {
        if rates.iter().any(Option::is_some) {
            bail!(BadInput("the fault-rate flags only apply to --agent sloppy".into()));
        }
        if command.trim().is_empty() {
            bail!(BadInput(
                "--agent cmd: needs a command, e.g. --agent 'cmd:python3 my_agent.py'".into()
            ));
        }
        let workers = sim.agent_workers.unwrap_or(1);
        check_count("--agent-workers", workers as u64, 64)?;
        return Ok(AgentChoice::Command {
            command: command.to_owned(),
            timeout: sim.agent_timeout,
            workers,
        });
    }
    if sim.agent != "sloppy" {
        if rates.iter().any(Option::is_some) {
            bail!(BadInput("the fault-rate flags only apply to --agent sloppy".into()));
        }
        if !sim_core::agents::BUILT_IN.iter().any(|(name, _)| *name == sim.agent) {
            let known: Vec<&str> =
                sim_core::agents::BUILT_IN.iter().map(|(name, _)| *name).collect();
            bail!(BadInput(format!(
                "unknown agent `{}`; built-in agents: {}",
                sim.agent,
                known.join(", ")
            )));
        }
        return Ok(AgentChoice::BuiltIn(sim.agent.clone()));
    }
    for rate in rates.into_iter().flatten() {
        if !(0.0..=1.0).contains(&rate) {
            bail!(BadInput(format!("fault rate {rate} is not a probability in [0, 1]")));
        }
    }
    let default = SloppyConfig::default();
    Ok(AgentChoice::Sloppy(SloppyConfig {
        skip_verification: sim.skip_verification.unwrap_or(default.skip_verification),
        over_refund: sim.over_refund.unwrap_or(default.over_refund),
        skip_step: sim.skip_step.unwrap_or(default.skip_step),
        close_early: sim.close_early.unwrap_or(default.close_early),
        ignore_failed_check: sim.ignore_failed_check.unwrap_or(default.ignore_failed_check),
        ignore_human_request: sim.ignore_human_request.unwrap_or(default.ignore_human_request),
        disclose_early: sim.disclose_early.unwrap_or(default.disclose_early),
        pressure_after_no: sim.pressure_after_no.unwrap_or(default.pressure_after_no),
        false_claim: sim.false_claim.unwrap_or(default.false_claim),
        ignore_objection: sim.ignore_objection.unwrap_or(default.ignore_objection),
        wrong_value: sim.wrong_value.unwrap_or(default.wrong_value),
        wrongful_refusal: sim.wrongful_refusal.unwrap_or(default.wrongful_refusal),
        off_script: sim.off_script.unwrap_or(default.off_script),
        unexplained_refusal: sim.unexplained_refusal.unwrap_or(default.unexplained_refusal),
    }))
}
