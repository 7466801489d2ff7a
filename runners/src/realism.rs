//! `rehearse realism`: how much simulated conversations look like real ones, feature by feature, scored the way
//! WOSAC scores simulated drivers against logged ones (closed loop: whole simulated conversations against whole
//! real ones).
//!
//! Both sides are conversations in the transcript format, read by one code path (`features.rs`): real ones
//! converted from a corpus, simulated ones from a rehearse run. Per feature the score is exp(mean log-likelihood)
//! of the real values under the simulated histogram (`score.rs`); its ceiling is the same score of one half of the
//! real conversations against the other (every second conversation, both ways, averaged), what a simulation as
//! real as the real data itself would reach. The overall score and ceiling are the features' weighted means, over
//! the features both sides have.

pub mod classifier;
pub mod features;
pub mod html;
pub mod open_loop;
pub mod score;

#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::transcripts::Conversation;
use features::{FEATURES, Feature, Sample};

/// One feature's figures.
#[derive(Clone, Debug, Serialize)]
pub struct FeatureScore {
    /// The feature.
    pub name: &'static str,
    /// What it measures.
    pub about: &'static str,
    /// Its weight in the overall score.
    pub weight: f64,
    /// The real values' score under the simulated histogram, or `None` when a side has no values.
    pub score: Option<f64>,
    /// The score of half the real data against the other half.
    pub ceiling: Option<f64>,
    /// Kolmogorov–Smirnov statistic of simulated and real numbers (numeric features).
    pub ks: Option<f64>,
    /// 1-Wasserstein distance of simulated and real numbers (numeric features).
    pub wasserstein: Option<f64>,
    /// Real and simulated values.
    pub n_real: usize,
    /// Simulated values.
    pub n_sim: usize,
    /// The bins, with the share of real and of simulated values in each (all contexts together).
    pub bins: Vec<BinShare>,
    /// A conditional feature's figures per context (the agent's act), most real values first; empty otherwise.
    pub contexts: Vec<score::ContextScore>,
}

/// A bin's share of each side's values.
#[derive(Clone, Debug, Serialize)]
pub struct BinShare {
    /// The bin's label.
    pub bin: String,
    /// Share of real values.
    pub real: f64,
    /// Share of simulated values.
    pub sim: f64,
}

/// The closed-loop report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The weighted mean of the features' scores (those with a score and a ceiling).
    pub score: Option<f64>,
    /// The weighted mean of the same features' ceilings.
    pub ceiling: Option<f64>,
    /// Real conversations read.
    pub real_conversations: usize,
    /// Simulated conversations read.
    pub sim_conversations: usize,
    /// Every feature, in report order.
    pub features: Vec<FeatureScore>,
    /// The cross-validated AUC of a classifier telling simulated customer messages from real ones
    /// (`classifier.rs`): 0.5 when it cannot, 1 when every message gives itself away.
    pub classifier_auc: Option<f64>,
    /// The customer messages it used from each side.
    pub classifier_messages: usize,
    /// The simulated messages the classifier finds most simulated (distinct texts, most telling first).
    pub most_simulated_messages: Vec<classifier::Telltale>,
    /// The real messages it finds most real.
    pub most_real_messages: Vec<classifier::Telltale>,
}

/// Scores the simulated conversations `sim` against the real ones `real`.
pub fn closed_loop(real: &[Conversation], sim: &[Conversation]) -> Report {
    let (real_samples, sim_samples) = (features::extract(real), features::extract(sim));
    let a_samples = features::extract(real.iter().step_by(2));
    let b_samples = features::extract(real.iter().skip(1).step_by(2));
    let features: Vec<FeatureScore> = FEATURES
        .iter()
        .map(|feature| {
            let real = &real_samples[feature.name];
            let sim = &sim_samples[feature.name];
            let (a, b) = (&a_samples[feature.name], &b_samples[feature.name]);
            score_feature(feature, real, sim, a, b)
        })
        .collect();
    let scored: Vec<&FeatureScore> =
        features.iter().filter(|f| f.score.is_some() && f.ceiling.is_some()).collect();
    let weights: f64 = scored.iter().map(|f| f.weight).sum();
    let mean = |pick: fn(&FeatureScore) -> Option<f64>| {
        (weights > 0.0).then(|| {
            scored.iter().map(|f| f.weight * pick(f).unwrap_or(0.0)).sum::<f64>() / weights
        })
    };
    let (classifier_auc, classifier_messages, most_simulated_messages, most_real_messages) =
        match classifier::two_sample_auc(real, sim) {
            Some(test) => (Some(test.auc), test.messages, test.most_simulated, test.most_real),
            None => (None, 0, Vec::new(), Vec::new()),
        };
    Report {
        classifier_auc,
        classifier_messages,
        most_simulated_messages,
        most_real_messages,
        score: mean(|f| f.score),
        ceiling: mean(|f| f.ceiling),
        real_conversations: real.len(),
        sim_conversations: sim.len(),
        features,
    }
}

fn score_feature(
    feature: &Feature,
    real: &[Sample],
    sim: &[Sample],
    half_a: &[Sample],
    half_b: &[Sample],
) -> FeatureScore {
    let ceiling = match (
        score::likelihood_score(feature.bins, half_a, half_b),
        score::likelihood_score(feature.bins, half_b, half_a),
    ) {
        (Some(ab), Some(ba)) => Some((ab + ba) / 2.0),
        _ => None,
    };
    let labels = score::all_bins(feature.bins, real.iter().chain(sim));
    let (real_shares, sim_shares) =
        (score::shares(feature.bins, real, &labels), score::shares(feature.bins, sim, &labels));
    let bins = labels
        .into_iter()
        .zip(real_shares.into_iter().zip(sim_shares))
        .map(|(bin, (real, sim))| BinShare { bin, real, sim })
        .collect();
    FeatureScore {
        name: feature.name,
        about: feature.about,
        weight: feature.weight,
        score: score::likelihood_score(feature.bins, sim, real),
        ceiling,
        ks: score::ks(sim, real),
        wasserstein: score::wasserstein(sim, real),
        n_real: real.len(),
        n_sim: sim.len(),
        contexts: score::by_context(feature.bins, sim, real),
        bins,
    }
}

/// The report as a table: per feature its score, ceiling, their ratio, KS and Wasserstein, and the sample sizes.
pub fn table(report: &Report) -> String {
    let figure = |value: Option<f64>| value.map_or_else(|| "–".to_owned(), |v| format!("{v:.3}"));
    let ratio = |score: Option<f64>, ceiling: Option<f64>| match (score, ceiling) {
        (Some(score), Some(ceiling)) if ceiling > 0.0 => format!("{:.2}", score / ceiling),
        _ => "–".to_owned(),
    };
    let mut rows: Vec<[String; 8]> = vec![[
        "feature".into(),
        "score".into(),
        "ceiling".into(),
        "÷ceiling".into(),
        "KS".into(),
        "W1".into(),
        "n real".into(),
        "n sim".into(),
    ]];
    for f in &report.features {
        rows.push([
            f.name.to_owned(),
            figure(f.score),
            figure(f.ceiling),
            ratio(f.score, f.ceiling),
            figure(f.ks),
            figure(f.wasserstein),
            f.n_real.to_string(),
            f.n_sim.to_string(),
        ]);
    }
    rows.push([
        "overall".into(),
        figure(report.score),
        figure(report.ceiling),
        ratio(report.score, report.ceiling),
        String::new(),
        String::new(),
        report.real_conversations.to_string(),
        report.sim_conversations.to_string(),
    ]);
    let mut widths = [0; 8];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        for (idx, (cell, width)) in row.iter().zip(widths).enumerate() {
            let pad = width - cell.chars().count();
            match idx {
                0 => out += &format!("{cell}{}", " ".repeat(pad)),
                _ => out += &format!("  {}{cell}", " ".repeat(pad)),
            }
        }
        out += "\n";
    }
    let conditional: Vec<&FeatureScore> =
        report.features.iter().filter(|f| !f.contexts.is_empty()).collect();
    if !conditional.is_empty() {
        out += "\nwhere the real values given the agent's act are least likely (share of the feature's lost nats):\n";
    }
    for f in conditional {
        let mut worst: Vec<&score::ContextScore> = f.contexts.iter().collect();
        worst.sort_by(|a, b| b.share_of_loss.total_cmp(&a.share_of_loss));
        let listed: Vec<String> = worst
            .iter()
            .take(3)
            .map(|c| {
                format!(
                    "after {} {:.0}% ({} real, score {:.3})",
                    c.context,
                    100.0 * c.share_of_loss,
                    c.n_real,
                    c.score
                )
            })
            .collect();
        out += &format!("  {}: {}\n", f.name, listed.join("; "));
    }
    out += &match report.classifier_auc {
        Some(auc) => format!(
            "\nclassifier AUC, simulated against real customer messages: {auc:.3} ({} messages a side; 0.5: \
             indistinguishable)\n",
            report.classifier_messages
        ),
        None => "\nclassifier AUC: – (too few customer messages)\n".to_owned(),
    };
    for (side, telltales) in
        [("simulated", &report.most_simulated_messages), ("real", &report.most_real_messages)]
    {
        if !telltales.is_empty() {
            out += &format!(
                "  the {side} messages that give themselves away most (log-ratio, times):\n"
            );
            for telltale in telltales.iter().take(5) {
                out += &format!(
                    "    {:+.1} ×{} {:?}\n",
                    telltale.log_ratio,
                    telltale.times,
                    clip(&telltale.text)
                );
            }
        }
    }
    out += "\nscore: exp(mean log-likelihood) of the real values under the simulated histogram (pseudocount 0.1 a bin);\n";
    out += "ceiling: the same, of half the real conversations against the other half; – where a side has no values\n";
    out
}

/// `text` cut to 70 characters for the table.
fn clip(text: &str) -> String {
    match text.char_indices().nth(70) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}
