//! `rehearse replay`: one episode's transcript with the hidden customer state and each verdict at its turn.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::{Context, Result, bail};

use sim_core::prelude::*;

use crate::cli::SimArgs;
use crate::output::{OutputContext, ShardTexts, TranscriptLine, TranscriptMode, transcript_line};
use crate::setup::BadInput;

/// Where a replayed transcript came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Read from transcripts.jsonl.
    Recorded,
    /// Re-simulated from the inputs recorded in summary.json.
    Resimulated,
}

/// Finds one episode in `dir/transcripts.jsonl`, or re-simulates it from `dir/summary.json` when the run kept
/// only a sample of transcripts (runs are deterministic, so the re-simulated episode is the one that ran).
///
/// Re-simulating refuses when an input (scenario, persona, agent configuration) changed since the run, naming it,
/// unless `force`: then it warns on standard error and re-simulates with the inputs as they are now.
pub fn find_or_resimulate(
    dir: &Path,
    episode: u64,
    force: bool,
) -> Result<(TranscriptLine, Source)> {
    if !dir.join("transcripts.jsonl").exists() && dir.join("summary.json").exists() {
        return Ok((resimulate(dir, episode, force)?, Source::Resimulated));
    }
    match find(dir, episode) {
        Ok(line) => Ok((line, Source::Recorded)),
        Err(err) if err.downcast_ref::<NotRecorded>().is_some() => {
            Ok((resimulate(dir, episode, force)?, Source::Resimulated))
        }
        Err(err) => Err(err),
    }
}

/// The episode is not in transcripts.jsonl.
#[derive(Debug, thiserror::Error)]
#[error("episode {episode} is not in {path}")]
pub struct NotRecorded {
    episode: u64,
    path: String,
}

fn resimulate(dir: &Path, episode: u64, force: bool) -> Result<TranscriptLine> {
    let plan = plan_of_run(dir, episode, force)?;
    let agent = plan.agent.build(&plan.scenario)?;
    simulate_one(&plan, agent, episode)
}

/// The plan of the run in `dir`, from the inputs its summary.json records, checked to reach `episode` and, unless
/// `force`, to have inputs unchanged since the run (named when they changed).
pub fn plan_of_run(dir: &Path, episode: u64, force: bool) -> Result<crate::batch::SimPlan> {
    let path = dir.join("summary.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|err| BadInput(format!("cannot read {}: {err}", path.display())))?;
    let summary: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let episodes = summary["config"]["episodes"].as_u64().unwrap_or(0);
    if episode >= episodes {
        bail!(BadInput(format!(
            "episode {episode} is out of range: the run in {} had {episodes} episodes",
            dir.display()
        )));
    }
    let sim: SimArgs = serde_json::from_value(summary["inputs"].clone()).with_context(|| {
        format!("{} has no usable `inputs` to re-simulate from", path.display())
    })?;
    let plan = crate::setup::plan(&SimArgs { threads: Some(1), slots: 1, ..sim }, episodes)?;
    let recorded = crate::inputs::from_json(&summary["input_hashes"]).ok_or_else(|| {
        BadInput(format!(
            "{} records no input hashes (a run of an older rehearse): cannot tell whether its inputs changed; \
             re-run it",
            path.display()
        ))
    });
    let changes = match recorded {
        Ok(recorded) => crate::inputs::changed(&recorded, &plan.pinned),
        Err(_) if force => vec!["the run records no input hashes".to_owned()],
        Err(err) => return Err(err.into()),
    };
    if !changes.is_empty() {
        if !force {
            bail!(BadInput(format!(
                "cannot re-simulate episode {episode} of {}: {}; the episode would not be the one that ran. Re-run, \
                 or pass --force to re-simulate with the inputs as they are now",
                dir.display(),
                changes.join("; ")
            )));
        }
        eprintln!(
            "WARNING: re-simulating with changed inputs ({}); this is NOT necessarily the episode that ran",
            changes.join("; ")
        );
    }
    Ok(plan)
}

/// Simulates one episode of `plan` with `agent` into its transcript.
pub fn simulate_one(
    plan: &crate::batch::SimPlan,
    agent: Box<dyn AgentUnderTest>,
    episode: u64,
) -> Result<TranscriptLine> {
    let mut engine = Engine::new(
        plan.scenario.clone(),
        plan.personas.clone(),
        agent,
        EngineConfig { slots: 1 },
    )?;
    engine.set_text_renderer(plan.renderer());
    engine.set_text_reader(std::sync::Arc::new(sim_personas::realise::Realiser));
    let out = engine.run(plan.seed, episode..episode + 1);
    let ctx =
        OutputContext::new(plan.scenario.clone(), plan.personas.clone(), TranscriptMode::All)?
            .with_customer_text(plan.customer_text.clone());
    let texts = ShardTexts::render(&ctx, &out);
    Ok(transcript_line(&ctx, &out, &texts, &out.episodes[0]))
}

/// Finds one episode in `dir/transcripts.jsonl`.
pub fn find(dir: &Path, episode: u64) -> Result<TranscriptLine> {
    let path = dir.join("transcripts.jsonl");
    let file = std::fs::File::open(&path).map_err(|err| {
        BadInput(format!(
            "cannot open {}: {err} (run `rehearse run --out {}` first)",
            path.display(),
            dir.display()
        ))
    })?;
    let prefix = format!("{{\"episode\":{episode},");
    for (line_idx, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        if line.starts_with(&prefix) {
            return serde_json::from_str(&line).with_context(|| {
                format!("{}:{}: not a transcript line", path.display(), line_idx + 1)
            });
        }
    }
    bail!(NotRecorded { episode, path: path.display().to_string() })
}

/// Renders a transcript for the terminal.
pub fn render(line: &TranscriptLine) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "episode {}  seed {:#018x}  persona {}  intent {} ({})",
        line.episode, line.seed, line.persona, line.subflow, line.flow
    );
    let customer = &line.customer;
    let traits: Vec<String> =
        customer.traits.iter().map(|(name, value)| format!("{name} {value:.2}")).collect();
    let _ = writeln!(
        out,
        "hidden customer: {}",
        if customer.impostor { "IMPOSTOR (not the account holder)" } else { "account holder" }
    );
    let _ = writeln!(out, "  traits: {}", traits.join(", "));
    let knows: Vec<String> = customer
        .knowledge
        .iter()
        .map(|(slot, value)| match customer.world.get(slot) {
            Some(truth) if truth != value => {
                format!("{slot}={value} (WRONG: the world has {truth})")
            }
            _ => format!("{slot}={value}"),
        })
        .collect();
    let _ = writeln!(out, "  believes: {}", knows.join(", "));
    if !customer.world.is_empty() {
        let world: Vec<String> =
            customer.world.iter().map(|(name, value)| format!("{name}={value}")).collect();
        let _ = writeln!(out, "  world: {}", world.join(", "));
    }
    let outcome = &line.outcome;
    let _ = writeln!(
        out,
        "outcome: {}, {}, {} violation(s), {} turns, final frustration {:.2}, CSAT {}\n",
        outcome.end,
        if outcome.resolved { "resolved" } else { "NOT resolved" },
        outcome.violations,
        outcome.turns,
        outcome.final_frustration,
        outcome.csat
    );
    for message in &line.messages {
        let who = match message.role.as_str() {
            "user" => "customer",
            "assistant" => "agent",
            other => other,
        };
        let label = match (&message.act, &message.name) {
            (Some(act), _) => act.clone(),
            (None, Some(tool)) => {
                format!("{tool} {}", message.arguments.as_deref().unwrap_or("{}"))
            }
            (None, None) => String::new(),
        };
        let _ = writeln!(out, "{:>3} {who:<8} [{label}] {}", message.turn, message.content);
        if let Some(why) = &message.why {
            let _ = writeln!(out, "    · frustration {:.2}: {why}", message.frustration);
        }
        if let Some(tagged) = &message.tagged {
            let _ = writeln!(out, "    · tagged: {}", tagged_summary(tagged));
        }
        for note in line.agent_notes.iter().filter(|note| note.turn == message.turn) {
            let _ = writeln!(out, "    NOTE the agent planted {}", note.fault);
        }
        for verdict in line.verdicts.iter().filter(|verdict| verdict.turn == message.turn) {
            let mark = if verdict.passed { "PASS" } else { "FAIL" };
            let _ = writeln!(out, "    {mark} {}: {}", verdict.rule, verdict.reason);
            if let Some(cites) = &verdict.cites {
                let _ = writeln!(out, "         policy: \"{cites}\"");
            }
            if !verdict.reads.is_empty() {
                let facts: Vec<String> =
                    verdict.reads.iter().map(|(name, value)| format!("{name}={value}")).collect();
                let _ = writeln!(out, "         read: {}", facts.join(", "));
            }
        }
    }
    out
}

/// What the tagger read in a free-text message, on one line: `deny(reason membership) 0.85 by "can't help you"`,
/// `UNCLEAR (0.00, no phrase matched)`, and any protected fact the text stated.
fn tagged_summary(tagged: &crate::output::TaggedLine) -> String {
    let mut line = if tagged.clear { String::new() } else { "UNCLEAR, best guess ".to_owned() };
    line.push_str(&tagged.act);
    let mut inner = tagged.slots.clone();
    if let Some(reason) = &tagged.reason {
        inner.push(format!("reason {reason}"));
    }
    if !inner.is_empty() {
        line.push_str(&format!("({})", inner.join(", ")));
    }
    match &tagged.phrase {
        Some(phrase) => line.push_str(&format!(" {:.2} by \"{phrase}\"", tagged.confidence)),
        None => line.push_str(&format!(" {:.2}, no phrase matched", tagged.confidence)),
    }
    if !tagged.stated.is_empty() {
        line.push_str(&format!("; states {}", tagged.stated.join(", ")));
    }
    line
}
