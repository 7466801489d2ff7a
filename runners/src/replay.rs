//! `rehearse replay`: one episode's transcript with the hidden customer state and each verdict at its turn.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::output::TranscriptLine;
use crate::setup::BadInput;

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
    bail!(BadInput(format!(
        "episode {episode} is not in {} (runs over 100,000 episodes keep failing episodes and a sample; use --transcripts all)",
        path.display()
    )))
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
    let knows: Vec<String> =
        customer.knowledge.iter().map(|(slot, value)| format!("{slot}={value}")).collect();
    let _ = writeln!(out, "  believes: {}", knows.join(", "));
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
        for verdict in line.verdicts.iter().filter(|verdict| verdict.turn == message.turn) {
            let mark = if verdict.passed { "PASS" } else { "FAIL" };
            let _ = writeln!(out, "    {mark} {}: {}", verdict.rule, verdict.reason);
        }
    }
    out
}
