//! `rehearse tagger-eval`: how well the act tagger reads agents' free text, as precision and recall per act on
//! messages whose act is known: every scenario's agent acts rendered as text by the realiser, and STAR's wizard
//! messages with their action labels mapped to rehearse's acts.

pub mod renderings;

use std::collections::BTreeMap;

use serde::Serialize;
use sim_core::act::ActKind;

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
    /// correct / predicted (1 when nothing was predicted).
    pub precision: f64,
    /// correct / support (1 when nothing was labelled).
    pub recall: f64,
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
                precision: ratio(correct, predicted),
                recall: ratio(correct, support),
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
        for act in &source.acts {
            let _ = writeln!(
                out,
                "  {:<14} {:>8} {:>9} {:>9.1}% {:>6.1}%",
                act.act,
                act.support,
                act.predicted,
                act.precision * 100.0,
                act.recall * 100.0
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
