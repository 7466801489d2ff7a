//! Scoring simulated samples of a feature against real ones, as WOSAC scores simulated agents against logged
//! drivers: a fixed-bin histogram of the simulated values, with a pseudocount in every bin, gives each real value a
//! likelihood; the feature's score is exp(mean log-likelihood) of the real values, in (0, 1]. A conditional feature
//! has a histogram per context (the agent's act); a context the simulation never met falls back to the histogram of
//! all its contexts. Beside the score, for numbers, the two-sample Kolmogorov–Smirnov statistic and the
//! 1-Wasserstein distance of the raw values.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::features::{Bins, Sample, Value};

/// The count added to every bin of a simulated histogram, so a value the simulation never produced is unlikely,
/// not impossible.
pub const PSEUDOCOUNT: f64 = 0.1;

/// The bin a value falls in, as its label: `3`, `7–8`, `31+` for numbers, the category itself otherwise.
pub fn bin_label(bins: Bins, value: &Value) -> String {
    match (bins, value) {
        (Bins::Edges(edges), Value::Number(number)) => {
            let idx = edges.iter().rposition(|edge| number >= edge).unwrap_or(0);
            edge_label(edges, idx)
        }
        (_, Value::Category(category)) => category.clone(),
        (Bins::Categories, Value::Number(number)) => number.to_string(),
    }
}

/// The label of bin `idx` of `edges`.
fn edge_label(edges: &[f64], idx: usize) -> String {
    match edges.get(idx + 1) {
        None => format!("{}+", edges[idx]),
        Some(next) if next - edges[idx] <= 1.0 => format!("{}", edges[idx]),
        Some(next) => format!("{}–{}", edges[idx], next - 1.0),
    }
}

/// Every bin of a feature: the edges' bins in order, or the categories seen in `samples`, sorted.
pub fn all_bins<'a>(bins: Bins, samples: impl IntoIterator<Item = &'a Sample>) -> Vec<String> {
    match bins {
        Bins::Edges(edges) => (0..edges.len()).map(|idx| edge_label(edges, idx)).collect(),
        Bins::Categories => {
            let seen: BTreeSet<String> =
                samples.into_iter().map(|sample| bin_label(bins, &sample.value)).collect();
            seen.into_iter().collect()
        }
    }
}

/// Counts of simulated values per bin, per context and over all contexts.
#[derive(Debug, Default)]
pub struct Histogram {
    by_context: BTreeMap<Option<String>, BTreeMap<String, f64>>,
    all: BTreeMap<String, f64>,
    n_bins: usize,
}

impl Histogram {
    /// The histogram of `samples` over `n_bins` bins.
    pub fn new(bins: Bins, samples: &[Sample], n_bins: usize) -> Histogram {
        let mut histogram = Histogram { n_bins, ..Histogram::default() };
        for sample in samples {
            let label = bin_label(bins, &sample.value);
            let counts = histogram.by_context.entry(sample.context.clone()).or_default();
            *counts.entry(label.clone()).or_default() += 1.0;
            *histogram.all.entry(label).or_default() += 1.0;
        }
        histogram
    }

    /// The probability of bin `label` in `context`: (count + pseudocount) / (total + pseudocount × bins), from the
    /// context's counts, or from all contexts' when the context was never seen.
    pub fn probability(&self, context: &Option<String>, label: &str) -> f64 {
        let counts = self.by_context.get(context).unwrap_or(&self.all);
        let total: f64 = counts.values().sum();
        let count = counts.get(label).copied().unwrap_or(0.0);
        (count + PSEUDOCOUNT) / (total + PSEUDOCOUNT * self.n_bins as f64)
    }
}

/// A conditional feature's figures in one context: how the real values there fare under the simulated histogram,
/// so a report shows which of the agent's acts the customers answer unlike real ones.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContextScore {
    /// The context (the agent's act).
    pub context: String,
    /// Real values in it.
    pub n_real: usize,
    /// Simulated values in it (0: the real values were scored against all contexts' histogram).
    pub n_sim: usize,
    /// exp(mean log-likelihood) of its real values.
    pub score: f64,
    /// Its real values' share of the feature's negative log-likelihood: where the score is lost.
    pub share_of_loss: f64,
    /// The bins either side fills in this context, with each side's share.
    pub bins: Vec<(String, f64, f64)>,
}

/// Per context of a conditional feature, its real values' score under the simulated histogram it is scored
/// against, most real values first; empty for an unconditional feature or when a side has no values.
pub fn by_context(bins: Bins, sim: &[Sample], real: &[Sample]) -> Vec<ContextScore> {
    if sim.is_empty() || real.is_empty() || real.iter().all(|sample| sample.context.is_none()) {
        return Vec::new();
    }
    let n_bins = all_bins(bins, sim.iter().chain(real)).len();
    let histogram = Histogram::new(bins, sim, n_bins);
    let mut contexts: BTreeMap<&str, (Vec<&Sample>, Vec<&Sample>)> = BTreeMap::new();
    for sample in real {
        if let Some(context) = &sample.context {
            contexts.entry(context).or_default().0.push(sample);
        }
    }
    for sample in sim {
        if let Some(context) = &sample.context
            && let Some(entry) = contexts.get_mut(context.as_str())
        {
            entry.1.push(sample);
        }
    }
    let nats = |sample: &Sample| {
        -histogram.probability(&sample.context, &bin_label(bins, &sample.value)).ln()
    };
    let total: f64 = real.iter().map(nats).sum();
    let mut out: Vec<ContextScore> = contexts
        .into_iter()
        .map(|(context, (real, sim))| {
            let lost: f64 = real.iter().map(|sample| nats(sample)).sum();
            let labels = all_bins(bins, real.iter().chain(&sim).copied());
            let (real_shares, sim_shares) = (
                shares(bins, real.iter().copied(), &labels),
                shares(bins, sim.iter().copied(), &labels),
            );
            let filled = labels
                .into_iter()
                .zip(real_shares.into_iter().zip(sim_shares))
                .filter(|(_, (real, sim))| *real > 0.0 || *sim > 0.0)
                .map(|(label, (real, sim))| (label, real, sim))
                .collect();
            ContextScore {
                context: context.to_owned(),
                n_real: real.len(),
                n_sim: sim.len(),
                score: (-lost / real.len() as f64).exp(),
                share_of_loss: if total > 0.0 { lost / total } else { 0.0 },
                bins: filled,
            }
        })
        .collect();
    out.sort_by(|a, b| b.n_real.cmp(&a.n_real).then_with(|| a.context.cmp(&b.context)));
    out
}

/// exp(mean log-likelihood) of the `real` samples under the histogram of the `sim` ones, or `None` when either
/// side has none.
pub fn likelihood_score(bins: Bins, sim: &[Sample], real: &[Sample]) -> Option<f64> {
    if sim.is_empty() || real.is_empty() {
        return None;
    }
    let n_bins = all_bins(bins, sim.iter().chain(real)).len();
    let histogram = Histogram::new(bins, sim, n_bins);
    let total: f64 = real
        .iter()
        .map(|sample| histogram.probability(&sample.context, &bin_label(bins, &sample.value)).ln())
        .sum();
    Some((total / real.len() as f64).exp())
}

/// The numbers among `samples`, sorted.
fn numbers(samples: &[Sample]) -> Vec<f64> {
    let mut numbers: Vec<f64> = samples
        .iter()
        .filter_map(|sample| match sample.value {
            Value::Number(number) => Some(number),
            Value::Category(_) => None,
        })
        .collect();
    numbers.sort_by(f64::total_cmp);
    numbers
}

/// The empirical distribution functions of `a` and `b` (sorted) at each point where either steps, with the point.
fn steps<'a>(a: &'a [f64], b: &'a [f64]) -> impl Iterator<Item = (f64, f64, f64)> + 'a {
    let mut points: Vec<f64> = a.iter().chain(b).copied().collect();
    points.sort_by(f64::total_cmp);
    points.dedup();
    let cdf =
        |sorted: &[f64], x: f64| sorted.partition_point(|v| *v <= x) as f64 / sorted.len() as f64;
    points.into_iter().map(move |x| (x, cdf(a, x), cdf(b, x)))
}

/// The two-sample Kolmogorov–Smirnov statistic of the numbers in `a` and `b`: the largest gap between their
/// empirical distribution functions; `None` when either has no number.
pub fn ks(a: &[Sample], b: &[Sample]) -> Option<f64> {
    let (a, b) = (numbers(a), numbers(b));
    if a.is_empty() || b.is_empty() {
        return None;
    }
    Some(steps(&a, &b).map(|(_, fa, fb)| (fa - fb).abs()).fold(0.0, f64::max))
}

/// The 1-Wasserstein distance of the numbers in `a` and `b`: the area between their empirical distribution
/// functions; `None` when either has no number.
pub fn wasserstein(a: &[Sample], b: &[Sample]) -> Option<f64> {
    let (a, b) = (numbers(a), numbers(b));
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let steps: Vec<(f64, f64, f64)> = steps(&a, &b).collect();
    Some(steps.windows(2).map(|pair| (pair[1].0 - pair[0].0) * (pair[0].1 - pair[0].2).abs()).sum())
}

/// The share of `samples` in each of `labels`' bins (all contexts together).
pub fn shares<'a>(
    bins: Bins,
    samples: impl IntoIterator<Item = &'a Sample>,
    labels: &[String],
) -> Vec<f64> {
    let mut counts: BTreeMap<String, f64> = BTreeMap::new();
    let mut total = 0.0;
    for sample in samples {
        *counts.entry(bin_label(bins, &sample.value)).or_default() += 1.0;
        total += 1.0;
    }
    let total = f64::max(total, 1.0);
    labels.iter().map(|label| counts.get(label).copied().unwrap_or(0.0) / total).collect()
}
