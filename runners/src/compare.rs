//! `rehearse compare`: two agents against the same sampled customers (common random numbers: episode i of both runs
//! draws its customer, world and reactions from the same stream), with per metric the paired difference and its
//! bootstrap 95% confidence interval, the episodes whose verdict flipped, and pass^k per intent.

use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use serde_json::json;

use crate::batch;
use crate::cli::{CompareArgs, SimArgs};
use crate::setup::BadInput;

/// The per-episode metrics compared, in table order.
pub const METRICS: [&str; 7] =
    ["success", "resolved", "violation", "abandoned", "escalated", "agent_failed", "csat"];

/// What one episode gave, per metric (0/1, or CSAT 1–5).
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The episode's index.
    pub episode: u64,
    /// The customer's intent.
    pub intent: String,
    /// One value per entry of [`METRICS`].
    pub values: [f64; METRICS.len()],
}

/// One metric's paired comparison.
#[derive(Clone, Debug, Serialize)]
pub struct Paired {
    /// The metric.
    pub metric: &'static str,
    /// Mean of agent A and of agent B.
    pub a: f64,
    /// Mean of agent B.
    pub b: f64,
    /// Mean of B − A over episodes.
    pub difference: f64,
    /// The bootstrap 95% interval of that mean (2.5th and 97.5th percentiles).
    pub ci95: (f64, f64),
}

/// pass^k of one intent for both agents.
#[derive(Clone, Debug, Serialize)]
pub struct PassK {
    /// The intent.
    pub intent: String,
    /// Its episodes.
    pub n: u64,
    /// Successes of A and of B.
    pub successes: (u64, u64),
    /// (k, pass^k of A, pass^k of B) for each k up to n.
    pub pass: Vec<(u64, f64, f64)>,
}

/// The whole comparison.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// The agents, A then B.
    pub agents: (String, String),
    /// Episodes compared.
    pub episodes: u64,
    /// Bootstrap resamples.
    pub resamples: u64,
    /// Per metric.
    pub metrics: Vec<Paired>,
    /// Episodes A succeeded and B did not.
    pub b_lost: Vec<u64>,
    /// Episodes B succeeded and A did not.
    pub b_won: Vec<u64>,
    /// Per intent, and the mean over intents (intent `all`).
    pub pass_k: Vec<PassK>,
}

/// Runs both agents and compares them.
pub fn compare(args: &CompareArgs) -> Result<Comparison> {
    let [a, b] = args.agents.as_slice() else {
        bail!(BadInput(format!(
            "compare needs exactly two agents (--agent A --agent B), got {}",
            args.agents.len()
        )));
    };
    crate::setup::check_count("--resamples", args.resamples, 1_000_000)?;
    let first = outcomes(args, a)?;
    let second = outcomes(args, b)?;
    Ok(compare_outcomes((a.clone(), b.clone()), &first, &second, args.resamples, args.seed))
}

/// Simulates `agent` on the comparison's episodes.
fn outcomes(args: &CompareArgs, agent: &str) -> Result<Vec<Outcome>> {
    let sim: SimArgs = serde_json::from_value(json!({
        "scenario": args.scenario,
        "agent": agent,
        "model": args.model,
        "agent_timeout": args.agent_timeout,
        "agent_workers": args.agent_workers,
        "personas": args.personas,
        "seed": args.seed,
        "threads": args.threads,
        "slots": 256,
    }))
    .context("building the run flags")?;
    let plan = crate::setup::plan(&sim, args.episodes)?;
    let scenario = plan.scenario.clone();
    let mut all = Vec::with_capacity(args.episodes as usize);
    batch::run(
        &plan,
        |out| {
            out.episodes
                .iter()
                .map(|ep| Outcome {
                    episode: ep.episode,
                    intent: scenario.intents[usize::from(ep.customer.intent)].id.clone(),
                    values: [
                        f64::from(u8::from(ep.success())),
                        f64::from(u8::from(ep.resolved)),
                        f64::from(u8::from(ep.violations > 0)),
                        f64::from(u8::from(ep.abandoned())),
                        f64::from(u8::from(ep.escalated())),
                        f64::from(u8::from(ep.end == sim_core::prelude::EndReason::AgentFailed)),
                        f64::from(ep.csat),
                    ],
                })
                .collect::<Vec<_>>()
        },
        |wave| {
            all.extend(wave.into_iter().flatten());
            Ok(())
        },
    )?;
    Ok(all)
}

/// C(n, k) / C(m, k): the chance that k trials drawn without replacement from m, of which n passed, all pass.
pub fn pass_hat_k(passed: u64, trials: u64, k: u64) -> f64 {
    if k > trials {
        return f64::NAN;
    }
    (0..k).map(|i| passed.saturating_sub(i) as f64 / (trials - i) as f64).product()
}

/// Compares two agents' outcomes on the same episodes.
pub fn compare_outcomes(
    agents: (String, String),
    a: &[Outcome],
    b: &[Outcome],
    resamples: u64,
    seed: u64,
) -> Comparison {
    assert_eq!(a.len(), b.len(), "both agents ran the same episodes");
    let n = a.len();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xc0_9a_2e);
    // One set of resampled episode indices for every metric, so the intervals are of one bootstrap.
    let draws: Vec<Vec<u32>> = (0..resamples)
        .map(|_| (0..n).map(|_| rng.random_range(0..n.max(1)) as u32).collect())
        .collect();
    let metrics = METRICS
        .iter()
        .enumerate()
        .map(|(idx, &metric)| {
            let diffs: Vec<f64> =
                a.iter().zip(b).map(|(x, y)| y.values[idx] - x.values[idx]).collect();
            let mean =
                |values: &mut dyn Iterator<Item = f64>| values.sum::<f64>() / n.max(1) as f64;
            let mut means: Vec<f64> = draws
                .iter()
                .map(|draw| mean(&mut draw.iter().map(|&i| diffs[i as usize])))
                .collect();
            means.sort_by(f64::total_cmp);
            let at = |q: f64| means.get(((means.len() - 1) as f64 * q).round() as usize).copied();
            Paired {
                metric,
                a: mean(&mut a.iter().map(|x| x.values[idx])),
                b: mean(&mut b.iter().map(|x| x.values[idx])),
                difference: mean(&mut diffs.iter().copied()),
                ci95: (at(0.025).unwrap_or(0.0), at(0.975).unwrap_or(0.0)),
            }
        })
        .collect();
    let (mut b_lost, mut b_won) = (Vec::new(), Vec::new());
    for (x, y) in a.iter().zip(b) {
        match (x.values[0] > 0.0, y.values[0] > 0.0) {
            (true, false) => b_lost.push(x.episode),
            (false, true) => b_won.push(x.episode),
            _ => {}
        }
    }
    Comparison {
        agents,
        episodes: n as u64,
        resamples,
        metrics,
        b_lost,
        b_won,
        pass_k: pass_k_table(a, b),
    }
}

/// The ks reported: powers of two up to 8.
const KS: [u64; 4] = [1, 2, 4, 8];

fn pass_k_table(a: &[Outcome], b: &[Outcome]) -> Vec<PassK> {
    let mut intents: Vec<&str> = a.iter().map(|x| x.intent.as_str()).collect();
    intents.sort_unstable();
    intents.dedup();
    let mut rows: Vec<PassK> = intents
        .iter()
        .map(|&intent| {
            let of = |outcomes: &[Outcome]| {
                outcomes.iter().filter(|x| x.intent == intent && x.values[0] > 0.0).count() as u64
            };
            let n = a.iter().filter(|x| x.intent == intent).count() as u64;
            let (ca, cb) = (of(a), of(b));
            let pass = KS
                .iter()
                .filter(|&&k| k <= n)
                .map(|&k| (k, pass_hat_k(ca, n, k), pass_hat_k(cb, n, k)))
                .collect();
            PassK { intent: intent.to_owned(), n, successes: (ca, cb), pass }
        })
        .collect();
    // The mean over intents, each intent weighing the same (k only where every intent has k episodes).
    let ks: Vec<u64> = KS.iter().copied().filter(|&k| rows.iter().all(|row| row.n >= k)).collect();
    let mean = |pick: fn(&(u64, f64, f64)) -> f64, k: u64| {
        let values: Vec<f64> =
            rows.iter().filter_map(|row| row.pass.iter().find(|p| p.0 == k).map(pick)).collect();
        values.iter().sum::<f64>() / values.len().max(1) as f64
    };
    let pass = ks.iter().map(|&k| (k, mean(|p| p.1, k), mean(|p| p.2, k))).collect();
    let total = |pick: fn(&PassK) -> u64| rows.iter().map(pick).sum::<u64>();
    let all = PassK {
        intent: "all".to_owned(),
        n: total(|row| row.n),
        successes: (total(|row| row.successes.0), total(|row| row.successes.1)),
        pass,
    };
    rows.push(all);
    rows
}

/// The comparison as a table.
pub fn table(cmp: &Comparison) -> String {
    let mut out = String::new();
    let (a, b) = &cmp.agents;
    let _ = writeln!(
        out,
        "A = {a}\nB = {b}\n{} paired episodes (same seeds), {} bootstrap resamples\n",
        cmp.episodes, cmp.resamples
    );
    let _ =
        writeln!(out, "{:<14} {:>9} {:>9} {:>10}   {:<22} ", "metric", "A", "B", "B − A", "95% CI");
    for m in &cmp.metrics {
        let excludes = m.ci95.0 > 0.0 || m.ci95.1 < 0.0;
        let (scale, unit) = if m.metric == "csat" { (1.0, "") } else { (100.0, "%") };
        let _ = writeln!(
            out,
            "{:<14} {:>8.2}{unit:<1} {:>8.2}{unit:<1} {:>+9.2}{unit:<1}   [{:+.2}, {:+.2}]{}",
            m.metric,
            m.a * scale,
            m.b * scale,
            m.difference * scale,
            m.ci95.0 * scale,
            m.ci95.1 * scale,
            if excludes { "  (excludes 0)" } else { "" },
        );
    }
    let sample = |ids: &[u64]| {
        let shown: Vec<String> = ids.iter().take(10).map(u64::to_string).collect();
        let more = if ids.len() > 10 { ", …" } else { "" };
        format!("{}{more}", shown.join(", "))
    };
    let _ = writeln!(
        out,
        "\nsuccess flipped on {} episodes: B lost {} ({}), B won {} ({})",
        cmp.b_lost.len() + cmp.b_won.len(),
        cmp.b_lost.len(),
        sample(&cmp.b_lost),
        cmp.b_won.len(),
        sample(&cmp.b_won),
    );
    let _ = writeln!(out, "\npass^k per intent (C(c,k)/C(n,k); A / B):");
    for row in &cmp.pass_k {
        let cells: Vec<String> =
            row.pass.iter().map(|(k, pa, pb)| format!("k={k} {pa:.3}/{pb:.3}")).collect();
        let _ = writeln!(out, "  {:<32} n={:<6} {}", row.intent, row.n, cells.join("  "));
    }
    out
}

#[cfg(test)]
mod tests;
