//! `rehearse tagger-eval`: how well the act tagger reads agents' free text, as precision and recall per act on
//! messages whose act is known: every scenario's agent acts rendered as text by the realiser, and STAR's wizard
//! messages with their action labels mapped to rehearse's acts.

pub mod renderings;
pub mod star;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use serde::Serialize;
use sim_core::act::ActKind;

use crate::cli::TaggerEvalArgs;
use crate::setup;

/// Where STAR is looked for when `--star` is not given: the shared data folder beside the repository.
const STAR_DEFAULT: &str = "../shared/data/star";

/// Scores every source `args` names: each scenario's rendered acts (pooled over scenarios too), then STAR.
pub fn evaluate(args: &TaggerEvalArgs) -> Result<Vec<SourceScore>> {
    let scenarios = if args.scenario.is_empty() {
        sim_scenarios::list_built_in().into_iter().map(|(id, _)| id).collect()
    } else {
        args.scenario.clone()
    };
    let mut scores = Vec::new();
    let mut pooled = Vec::new();
    for name in &scenarios {
        let (scenario, mix) = setup::load_scenario(name)?;
        let personas = setup::load_personas(&[], &mix)?;
        let scenario = Arc::new(scenario);
        let agent = sim_core::agents::built_in("by-the-book", &scenario).context("by-the-book")?;
        let (tagged, _) =
            renderings::run_text_only(scenario.clone(), personas.into(), agent, 7, args.episodes)?;
        let pairs: Vec<(ActKind, Option<ActKind>)> =
            tagged.iter().map(|t| (t.meant.kind, t.read.map(|act| act.kind))).collect();
        pooled.extend_from_slice(&pairs);
        scores.push(score(&format!("{} (by-the-book written as text)", scenario.id), pairs));
    }
    if scenarios.len() > 1 {
        scores.push(score("every scenario (by-the-book written as text)", pooled));
    }
    let star_dir = args.star.clone().or_else(|| {
        let default = PathBuf::from(STAR_DEFAULT);
        default.join("dialogues.jsonl.gz").exists().then_some(default)
    });
    if let Some(dir) = star_dir {
        let (scenario, _) = setup::load_scenario(&args.star_scenario)?;
        let found = star::star_samples(&dir)
            .with_context(|| format!("reading STAR from {}", dir.display()))?;
        let world = sim_core::world::WorldState::default();
        let pairs = found.samples.iter().map(|sample| {
            let tagging = sim_personas::realise::tag(&scenario, &world, &[], 0, &sample.text);
            (sample.act, tagging.clear.then_some(tagging.act.kind))
        });
        let source = format!(
            "STAR wizard messages ({} with an act; {} whose label maps to none; read by {}'s tagger)",
            found.samples.len(),
            found.unmapped,
            scenario.id
        );
        scores.push(score(&source, pairs));
    }
    Ok(scores)
}

/// Precision and recall of one act.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ActScore {
    /// The act.
    pub act: String,
    /// Messages labelled with it.
    pub support: usize,
    /// Messages the tagger read as it.
    pub predicted: usize,
    /// Messages both labelled and read as it.
    pub correct: usize,
    /// correct / predicted (`None`, shown as `-`, when nothing was read as it).
    pub precision: Option<f64>,
    /// correct / support (`None`, shown as `-`, when nothing was labelled with it).
    pub recall: Option<f64>,
}

/// The scores on one source of labelled messages.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceScore {
    /// Where the messages come from.
    pub source: String,
    /// Labelled messages.
    pub messages: usize,
    /// Messages read as unclear (below the threshold): counted against recall, not precision.
    pub unclear: usize,
    /// Messages read as their labelled act.
    pub accuracy: f64,
    /// Per act, in the order of [`ActKind::AGENT`].
    pub acts: Vec<ActScore>,
    /// The most frequent mistakes: (labelled, read, count), `unclear` for a message read as nothing.
    pub confusions: Vec<(String, String, usize)>,
}

/// Scores `(labelled, read)` pairs (`None` read = unclear).
pub fn score(
    source: &str,
    pairs: impl IntoIterator<Item = (ActKind, Option<ActKind>)>,
) -> SourceScore {
    let mut support: BTreeMap<ActKind, usize> = BTreeMap::new();
    let mut predicted: BTreeMap<ActKind, usize> = BTreeMap::new();
    let mut correct: BTreeMap<ActKind, usize> = BTreeMap::new();
    let mut confusions: BTreeMap<(ActKind, Option<ActKind>), usize> = BTreeMap::new();
    let (mut messages, mut unclear) = (0, 0);
    for (labelled, read) in pairs {
        messages += 1;
        *support.entry(labelled).or_default() += 1;
        match read {
            Some(read) => *predicted.entry(read).or_default() += 1,
            None => unclear += 1,
        }
        if read == Some(labelled) {
            *correct.entry(labelled).or_default() += 1;
        } else {
            *confusions.entry((labelled, read)).or_default() += 1;
        }
    }
    let ratio = |num: usize, den: usize| if den == 0 { 1.0 } else { num as f64 / den as f64 };
    let acts = ActKind::AGENT
        .iter()
        .filter(|act| support.contains_key(act) || predicted.contains_key(act))
        .map(|act| {
            let (support, predicted) = (support.get(act).copied(), predicted.get(act).copied());
            let (support, predicted) = (support.unwrap_or(0), predicted.unwrap_or(0));
            let correct = correct.get(act).copied().unwrap_or(0);
            ActScore {
                act: act.name().to_owned(),
                support,
                predicted,
                correct,
                precision: (predicted > 0).then(|| ratio(correct, predicted)),
                recall: (support > 0).then(|| ratio(correct, support)),
            }
        })
        .collect();
    let all_correct: usize = correct.values().sum();
    let mut confusions: Vec<(String, String, usize)> = confusions
        .into_iter()
        .map(|((labelled, read), count)| {
            (labelled.name().to_owned(), read.map_or("unclear", ActKind::name).to_owned(), count)
        })
        .collect();
    confusions.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (&a.0, &a.1).cmp(&(&b.0, &b.1))));
    confusions.truncate(10);
    SourceScore {
        source: source.to_owned(),
        messages,
        unclear,
        accuracy: ratio(all_correct, messages),
        acts,
        confusions,
    }
}

/// The scores as a table: one block per source.
pub fn table(scores: &[SourceScore]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for source in scores {
        let _ = writeln!(
            out,
            "{}: {} messages, {:.1}% read as labelled, {} unclear ({:.1}%)",
            source.source,
            source.messages,
            source.accuracy * 100.0,
            source.unclear,
            100.0 * source.unclear as f64 / source.messages.max(1) as f64,
        );
        let _ = writeln!(
            out,
            "  {:<14} {:>8} {:>9} {:>10} {:>7}",
            "act", "labelled", "read as", "precision", "recall"
        );
        let percent = |share: Option<f64>| {
            share.map_or_else(|| "-".to_owned(), |share| format!("{:.1}%", 100.0 * share))
        };
        for act in &source.acts {
            let _ = writeln!(
                out,
                "  {:<14} {:>8} {:>9} {:>10} {:>7}",
                act.act,
                act.support,
                act.predicted,
                percent(act.precision),
                percent(act.recall)
            );
        }
        if !source.confusions.is_empty() {
            let mistakes: Vec<String> = source
                .confusions
                .iter()
                .take(5)
                .map(|(labelled, read, count)| format!("{labelled}→{read} {count}"))
                .collect();
            let _ = writeln!(out, "  most frequent mistakes: {}", mistakes.join(", "));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests;
