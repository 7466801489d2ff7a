//! `rehearse run`: simulate into a staging folder, publish the complete set of outputs in one step, print the summary
//! table.

use std::time::Instant;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::batch::{self, AgentChoice, SimPlan};
use crate::cli::{RunArgs, TranscriptChoice};
use crate::interrupt::Interrupt;
use crate::output::{OutputContext, Outputs, ShardProducts, TranscriptMode, shard_products};
use crate::run_dir::RunDir;
use crate::summary::{self, Stats};

/// What a finished run reports.
#[derive(Debug)]
pub struct RunReport {
    /// All statistics.
    pub stats: Stats,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// The transcript mode the flags ask for.
pub fn transcript_mode(args: &RunArgs) -> TranscriptMode {
    let every = args.sample_every.unwrap_or((args.episodes / 1000).max(1));
    match args.transcripts {
        TranscriptChoice::All => TranscriptMode::All,
        TranscriptChoice::Auto if args.episodes <= 100_000 => TranscriptMode::All,
        TranscriptChoice::Auto | TranscriptChoice::Failing => {
            TranscriptMode::FailingAndSample { every }
        }
        TranscriptChoice::None => TranscriptMode::None,
    }
}

/// Runs the plan and writes outputs to `args.out`; a signal in `interrupt` stops it with nothing published.
pub fn run(args: &RunArgs, plan: &SimPlan, interrupt: &Interrupt) -> Result<RunReport> {
    let started = Instant::now();
    let run_dir = RunDir::open(&args.out)?;
    let mode = transcript_mode(args);
    let ctx = OutputContext::new(plan.scenario.clone(), plan.personas.clone(), mode)?
        .with_customer_text(plan.customer_text.clone());
    let mut outputs = Outputs::create(run_dir.staging(), mode)?;
    let progress = if args.quiet { ProgressBar::hidden() } else { ProgressBar::new(plan.episodes) };
    progress.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {human_pos}/{human_len} episodes ({per_sec}, eta {eta})")
            .expect("valid template"),
    );
    // A slow agent's episodes move the bar as each ends; otherwise it moves as each shard is written.
    let counted;
    let plan = match plan.agent.is_outside() && !args.quiet {
        true => {
            progress.enable_steady_tick(std::time::Duration::from_millis(500));
            let agent = AgentChoice::Counted(Box::new(plan.agent.clone()), progress.clone());
            counted = SimPlan { agent, ..plan.clone() };
            &counted
        }
        false => plan,
    };
    let mut written = 0;
    let mut stats = Stats::new(&plan.scenario);
    batch::run(
        plan,
        |out| shard_products(&ctx, out),
        |wave: Vec<Result<ShardProducts>>| {
            interrupt.check()?;
            for products in wave {
                let products = products?;
                outputs.write(&products)?;
                stats.merge(&products.stats);
                written += products.stats.total.episodes;
                progress.set_position(progress.position().max(written));
            }
            Ok(())
        },
    )?;
    progress.finish_and_clear();
    interrupt.check()?;
    let seconds = started.elapsed().as_secs_f64();
    let summary = json!({
        "rehearse_version": env!("CARGO_PKG_VERSION"),
        "inputs": crate::setup::recorded_inputs(&args.sim),
        "input_hashes": crate::inputs::to_json(&plan.pinned),
        "config": {
            "scenario": plan.scenario.id,
            "agent": plan.agent.name(),
            "agent_config": plan.agent.config_json(),
            "personas": plan.personas.iter().map(|p| json!({"id": p.id, "weight": p.weight})).collect::<Vec<_>>(),
            "episodes": plan.episodes,
            "seed": plan.seed,
            "threads": plan.threads,
            "slots": plan.slots,
            "transcripts": format!("{mode:?}"),
        },
        "table": {
            "episodes": stats.total.episodes,
            "success_rate": stats.total.rate(stats.total.success),
            "resolution_rate": stats.total.rate(stats.total.resolved),
            "policy_violation_rate": stats.total.rate(stats.total.with_violation),
            "violations_by_rule": stats.rules,
            "abandonment_rate": stats.total.rate(stats.total.abandoned),
            "escalation_rate": stats.total.rate(stats.total.escalated),
            "agent_failures": stats.total.agent_failed,
            "mean_turns": stats.total.mean_turns(),
            "csat": stats.total.mean_csat(),
            // Scenario metrics: the mean per episode; `by_persona` and `by_intent` hold their sums in this order.
            "metrics": stats.metrics.iter().enumerate().map(|(idx, metric)| json!({
                "name": metric.name,
                "unit": if metric.money { "cents" } else { "number" },
                "mean": stats.total.mean_metric(idx),
            })).collect::<Vec<_>>(),
        },
        "by_persona": stats.personas,
        "by_intent": stats.intents,
        "worst_episodes": stats.worst,
        // With --customer-text: customer turns said in real customers' words, and in the built-in phrasings by act.
        "customer_text": stats.customer_text,
        "coverage": {
            "rules_never_exercised": stats.never_exercised(),
            "intent_persona": stats.coverage,
        },
        "timing": {"wall_seconds": seconds, "episodes_per_second": plan.episodes as f64 / seconds.max(1e-9)},
    });
    let mut manifest = serde_json::Map::new();
    manifest.insert("rehearse_version".into(), json!(env!("CARGO_PKG_VERSION")));
    manifest.insert("episodes".into(), json!(stats.total.episodes));
    manifest.insert("seed".into(), json!(plan.seed));
    manifest.insert("inputs".into(), summary["inputs"].clone());
    manifest.insert("input_hashes".into(), summary["input_hashes"].clone());
    outputs.finish(&ctx, &summary, manifest)?;
    run_dir.publish()?;
    if !args.quiet {
        let rate = Some(plan.episodes as f64 / seconds.max(1e-9));
        let options = summary::TableOptions {
            episodes_per_second: rate,
            out_dir: &args.out,
            breakdown: args.breakdown,
        };
        crate::stdout::print(&summary::table(&stats, options))?;
        crate::stdout::print(&format!("\noutputs in {}\n", args.out.display()))?;
    }
    Ok(RunReport { stats, seconds })
}
