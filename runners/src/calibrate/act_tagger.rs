//! The customer-act tagger: reads a customer message's act from its words, for corpora and runs whose customer
//! turns carry no act label (STAR, rehearse's own free text), trained on MultiDoGO's labelled customer turns.
//!
//! A multinomial naive Bayes over the message's lower-cased words and word pairs, plus one token for its length
//! bucket: P(act | message) ∝ P(act) × Π P(token | act), each P(token | act) smoothed by `alpha` per token of the
//! vocabulary. Every number is a count a reader can check: per act its messages and tokens, per token its count
//! under each act; tokens seen fewer than `min_count` times in training are left out. `explain` lists the tokens
//! that pushed a message towards its act most, so a reading can be audited word by word. The classes are the acts
//! of `observe::customer_act` (MultiDoGO's seven generic acts and `goal`).

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::observe::length_bucket;

/// A fitted tagger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActTagger {
    /// The acts, in a fixed order that every count vector follows.
    pub acts: Vec<String>,
    /// Training messages per act.
    pub messages: Vec<u64>,
    /// Tokens per act (kept tokens only), the denominators of P(token | act).
    pub tokens: Vec<u64>,
    /// Per token its count under each act.
    pub vocabulary: BTreeMap<String, Vec<u64>>,
    /// Pseudo-count per token of the vocabulary.
    pub alpha: f64,
    /// Tokens seen fewer times than this were left out.
    pub min_count: u64,
}

/// The pseudo-count per vocabulary token.
pub const ALPHA: f64 = 0.5;
/// Tokens seen fewer times in training are left out of the vocabulary.
pub const MIN_COUNT: u64 = 3;

/// Trains a tagger on the labelled customer messages of `train` (read from `given`: the path as given and the
/// file's bytes) and evaluates it on those of `held_out`, to be written again by `command`.
pub fn train_file(
    train: &[crate::transcripts::Conversation],
    given: (&str, &[u8]),
    held_out: (&str, &[crate::transcripts::Conversation]),
    command: &str,
) -> TaggerFile {
    let examples = labelled(train);
    let tagger = ActTagger::train(&examples, ALPHA, MIN_COUNT);
    TaggerFile {
        source: super::Source::new(given, train.len(), examples.len(), command),
        held_out: held_out.0.to_owned(),
        evaluation: tagger.evaluate(&labelled(held_out.1)),
        tagger,
    }
}

/// A tagger file: the tagger, the transcripts it was trained on and how it did on held-out ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaggerFile {
    /// The training transcripts (path as given, SHA-256, counts) and the command that writes the file again.
    pub source: super::Source,
    /// The held-out transcripts the evaluation read, as given.
    pub held_out: String,
    /// Precision and recall per act on them.
    pub evaluation: Evaluation,
    /// The counts.
    pub tagger: ActTagger,
}

/// An act read from a message, with the posterior probability the tagger gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// The most probable act.
    pub act: String,
    /// Its posterior probability in (0, 1].
    pub confidence: f64,
}

/// Precision and recall of one act on labelled messages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActScore {
    /// The act.
    pub act: String,
    /// Messages labelled with it.
    pub support: usize,
    /// Messages tagged with it.
    pub tagged: usize,
    /// Of those tagged with it, the share labelled with it (`None` when none was tagged).
    pub precision: Option<f64>,
    /// Of those labelled with it, the share tagged with it (`None` when none was labelled).
    pub recall: Option<f64>,
}

/// The tagger's figures on labelled messages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Messages read.
    pub messages: usize,
    /// The share tagged with their label.
    pub accuracy: f64,
    /// The share a tagger always answering the most frequent training act would get right.
    pub majority_accuracy: f64,
    /// Per act.
    pub acts: Vec<ActScore>,
}

/// The tokens of a message: its lower-cased words (letters, digits and apostrophes), each neighbouring pair
/// joined by `_`, and `<len:B>` for its length bucket in words.
pub fn tokens(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|word| !word.is_empty())
        .collect();
    let mut out: Vec<String> = words.iter().map(|word| (*word).to_owned()).collect();
    out.extend(words.windows(2).map(|pair| format!("{}_{}", pair[0], pair[1])));
    out.push(format!("<len:{}>", length_bucket(crate::realism::features::words(text) as usize)));
    out
}

impl ActTagger {
    /// Counts a tagger from labelled messages (text, act).
    pub fn train(examples: &[(String, String)], alpha: f64, min_count: u64) -> ActTagger {
        let mut acts: Vec<String> = examples.iter().map(|(_, act)| act.clone()).collect();
        acts.sort();
        acts.dedup();
        let index = |act: &str| {
            acts.binary_search_by(|known| known.as_str().cmp(act)).expect("a known act")
        };
        let mut messages = vec![0; acts.len()];
        let mut all: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for (text, act) in examples {
            let at = index(act);
            messages[at] += 1;
            for token in tokens(text) {
                all.entry(token).or_insert_with(|| vec![0; acts.len()])[at] += 1;
            }
        }
        let vocabulary: BTreeMap<String, Vec<u64>> =
            all.into_iter().filter(|(_, counts)| counts.iter().sum::<u64>() >= min_count).collect();
        let mut tokens = vec![0; acts.len()];
        for counts in vocabulary.values() {
            for (total, count) in tokens.iter_mut().zip(counts) {
                *total += count;
            }
        }
        ActTagger { acts, messages, tokens, vocabulary, alpha, min_count }
    }

    /// ln P(act) + Σ ln P(token | act) for each act, over the message's tokens in the vocabulary.
    fn scores(&self, text: &str) -> Vec<f64> {
        let all_messages: u64 = self.messages.iter().sum();
        let width = self.vocabulary.len() as f64;
        let mut scores: Vec<f64> = self
            .messages
            .iter()
            .map(|n| ((*n as f64 + 1.0) / (all_messages as f64 + self.acts.len() as f64)).ln())
            .collect();
        for token in tokens(text) {
            let Some(counts) = self.vocabulary.get(&token) else { continue };
            for ((score, count), total) in scores.iter_mut().zip(counts).zip(&self.tokens) {
                *score +=
                    ((*count as f64 + self.alpha) / (*total as f64 + self.alpha * width)).ln();
            }
        }
        scores
    }

    /// The act of a message and its posterior probability.
    pub fn tag(&self, text: &str) -> Reading {
        let scores = self.scores(text);
        let best = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let at = scores.iter().position(|score| *score == best).unwrap_or(0);
        let mass: f64 = scores.iter().map(|score| (score - best).exp()).sum();
        Reading { act: self.acts[at].clone(), confidence: 1.0 / mass }
    }

    /// The message's tokens that favour `act` most over the other acts on average, with the log-ratio each adds,
    /// strongest first, at most `k`.
    pub fn explain(&self, text: &str, act: &str, k: usize) -> Vec<(String, f64)> {
        let Some(at) = self.acts.iter().position(|known| known == act) else { return Vec::new() };
        let width = self.vocabulary.len() as f64;
        let p = |counts: &[u64], index: usize| {
            (counts[index] as f64 + self.alpha) / (self.tokens[index] as f64 + self.alpha * width)
        };
        let mut pushes: Vec<(String, f64)> = tokens(text)
            .into_iter()
            .filter_map(|token| {
                let counts = self.vocabulary.get(&token)?;
                let others = (0..self.acts.len()).filter(|index| *index != at);
                let mean_other = others.clone().map(|index| p(counts, index).ln()).sum::<f64>()
                    / others.count().max(1) as f64;
                Some((token, p(counts, at).ln() - mean_other))
            })
            .collect();
        pushes.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        pushes.truncate(k);
        pushes
    }

    /// Precision and recall per act on labelled messages (text, act).
    pub fn evaluate(&self, examples: &[(String, String)]) -> Evaluation {
        let mut labelled: BTreeMap<&str, usize> = BTreeMap::new();
        let mut tagged: BTreeMap<String, usize> = BTreeMap::new();
        let mut right: BTreeMap<&str, usize> = BTreeMap::new();
        for (text, act) in examples {
            let reading = self.tag(text);
            *labelled.entry(act).or_default() += 1;
            if reading.act == *act {
                *right.entry(act).or_default() += 1;
            }
            *tagged.entry(reading.act).or_default() += 1;
        }
        let mut names: Vec<&str> = self.acts.iter().map(String::as_str).collect();
        names.extend(labelled.keys().filter(|act| !self.acts.iter().any(|known| known == *act)));
        let share = |part: usize, whole: usize| (whole > 0).then(|| part as f64 / whole as f64);
        let acts = names
            .iter()
            .map(|act| {
                let (support, hits) =
                    (labelled.get(act).copied().unwrap_or(0), right.get(act).copied().unwrap_or(0));
                let tagged = tagged.get(*act).copied().unwrap_or(0);
                ActScore {
                    act: (*act).to_owned(),
                    support,
                    tagged,
                    precision: share(hits, tagged),
                    recall: share(hits, support),
                }
            })
            .collect();
        let majority =
            self.messages.iter().enumerate().max_by_key(|(_, n)| **n).map(|(at, _)| &self.acts[at]);
        let majority_right =
            majority.and_then(|act| labelled.get(act.as_str())).copied().unwrap_or(0);
        Evaluation {
            messages: examples.len(),
            accuracy: share(right.values().sum(), examples.len()).unwrap_or(0.0),
            majority_accuracy: share(majority_right, examples.len()).unwrap_or(0.0),
            acts,
        }
    }
}

/// The labelled customer messages of `conversations`: each customer turn with an act, as `observe::customer_act`
/// reads it (MultiDoGO's intents mapped onto its seven generic acts and `goal`).
pub fn labelled<'a>(
    conversations: impl IntoIterator<Item = &'a crate::transcripts::Conversation>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for conversation in conversations {
        for turn in &conversation.turns {
            if turn.speaker != crate::transcripts::Speaker::Customer {
                continue;
            }
            if let Some(act) = super::observe::customer_act(conversation, turn) {
                out.push((turn.text.clone(), act));
            }
        }
    }
    out
}

/// The evaluation as a table for the terminal.
pub fn table(evaluation: &Evaluation) -> String {
    let figure = |value: Option<f64>| {
        value.map_or_else(|| "-".to_owned(), |value| format!("{:.1}%", 100.0 * value))
    };
    let mut out = format!(
        "{} labelled customer messages: accuracy {:.1}% (always the most frequent act: {:.1}%)\n\n",
        evaluation.messages,
        100.0 * evaluation.accuracy,
        100.0 * evaluation.majority_accuracy
    );
    out += &format!(
        "{:<16} {:>8} {:>8} {:>10} {:>8}\n",
        "act", "labelled", "tagged", "precision", "recall"
    );
    for act in &evaluation.acts {
        out += &format!(
            "{:<16} {:>8} {:>8} {:>10} {:>8}\n",
            act.act,
            act.support,
            act.tagged,
            figure(act.precision),
            figure(act.recall)
        );
    }
    out
}

/// Puts every customer turn's act in the tagger's terms, so that corpora and runs labelled differently compare:
/// a label that reads (by `observe::customer_act`, which maps MultiDoGO's intents) as one of the tagger's acts is
/// kept as that act; any other customer turn (no label, or a label of another set, such as rehearse's own
/// `state_need`) gets the tagger's reading. Returns how many turns were read by the tagger.
pub fn tag(tagger: &ActTagger, conversations: &mut [crate::transcripts::Conversation]) -> usize {
    let mut tagged = 0;
    for conversation in conversations.iter_mut() {
        for index in 0..conversation.turns.len() {
            let turn = &conversation.turns[index];
            if turn.speaker != crate::transcripts::Speaker::Customer {
                continue;
            }
            let act = match super::observe::customer_act(conversation, turn) {
                Some(act) if tagger.acts.contains(&act) => act,
                _ => {
                    tagged += 1;
                    tagger.tag(&turn.text).act
                }
            };
            conversation.turns[index].act = Some(act);
        }
    }
    tagged
}

/// Puts STAR's wizard action labels in rehearse's agent acts (`runners/data/star-wizard-acts.ron`; no act for a
/// label none fits), as rehearse's own agent turns are labelled, so a run and STAR compare turn for turn in
/// closed-loop realism. (The customer model is fitted on the labels themselves, which say more: `ask` for the hotel
/// and `ask` for the day are different questions.) Returns how many turns it relabelled.
pub fn star_agent_acts(conversations: &mut [crate::transcripts::Conversation]) -> usize {
    let wizard = crate::tagger_eval::star::wizard_acts();
    let mut relabelled = 0;
    for conversation in conversations
        .iter_mut()
        .filter(|conversation| conversation.corpus.as_deref() == Some("star"))
    {
        for turn in &mut conversation.turns {
            if turn.speaker == crate::transcripts::Speaker::Agent
                && turn.action.is_none()
                && turn.act.is_some()
            {
                let act = turn.act.as_ref().and_then(|label| wizard.get(label).copied().flatten());
                turn.act = act.map(|act| act.name().to_owned());
                relabelled += 1;
            }
        }
    }
    relabelled
}

/// The file's text: RON, a header comment saying what it is.
pub fn to_ron(file: &TaggerFile) -> String {
    let what = format!(
        "A customer-act tagger trained by `rehearse customer-acts` on {} ({} customer messages).",
        file.source.transcripts, file.source.customer_turns
    );
    super::ron_file(&what, &file.source, file, 3)
}

/// Reads a tagger file.
pub fn load(path: &std::path::Path) -> Result<TaggerFile, super::CalibrateError> {
    let file: TaggerFile = super::read_ron(path)?;
    let tagger = &file.tagger;
    let mut problems = Vec::new();
    let width = tagger.acts.len();
    if width == 0 || tagger.messages.len() != width || tagger.tokens.len() != width {
        problems.push(format!(
            "{width} acts, {} message counts, {} token counts",
            tagger.messages.len(),
            tagger.tokens.len()
        ));
    }
    for (token, counts) in &tagger.vocabulary {
        if counts.len() != width {
            problems.push(format!("token `{token}` has {} counts for {width} acts", counts.len()));
        }
    }
    if !(tagger.alpha > 0.0 && tagger.alpha.is_finite()) {
        problems.push(format!("alpha {} is not a positive number", tagger.alpha));
    }
    if problems.is_empty() {
        Ok(file)
    } else {
        Err(super::CalibrateError::Invalid { path: path.to_owned(), problems })
    }
}
