//! The two-sample test on single customer messages: can a simple classifier tell a simulated customer's message
//! from a real one? An AUC of 0.5 says it cannot; 1.0 says every message gives itself away.
//!
//! Each message is lower-cased and cut into character n-grams of 1 to 4 characters (with a space at each end, so
//! word starts and ends count), hashed into 2^18 buckets; a multinomial naive Bayes classifier (add-one smoothing)
//! scores a held-out message by its log-likelihood ratio, simulated against real. Five folds, split by conversation
//! (no conversation has messages on both sides of a split), each side capped at the same number of messages drawn
//! with a fixed seed; the AUC is the Mann–Whitney probability that a simulated message scores above a real one,
//! ties counting half, over all held-out messages. The messages that give each side away most (the simulated ones
//! scored most simulated, the real ones most real, each distinct text once) come with it: what to fix first.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use serde::Serialize;

use crate::transcripts::{Conversation, Speaker};

/// Hash buckets for n-grams.
const BUCKETS: usize = 1 << 18;
/// Folds of the cross-validation.
const FOLDS: usize = 5;
/// The most messages taken from each side.
pub const MAX_PER_SIDE: usize = 20_000;
/// Telltale messages kept per side.
pub const TELLTALES: usize = 10;

/// The two-sample test's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TwoSample {
    /// The cross-validated AUC.
    pub auc: f64,
    /// Customer messages used from each side.
    pub messages: usize,
    /// The simulated messages the classifier finds most simulated, most telling first.
    pub most_simulated: Vec<Telltale>,
    /// The real messages it finds most real, most telling first.
    pub most_real: Vec<Telltale>,
}

/// One message and how far it leans to its side.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Telltale {
    /// The message, lower-cased.
    pub text: String,
    /// Its held-out log-likelihood ratio, simulated against real (nats; positive leans simulated).
    pub log_ratio: f64,
    /// How many of the side's messages have this text.
    pub times: usize,
}

/// The customer messages with text of `conversations`, each with its conversation's index.
fn messages(conversations: &[Conversation]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (idx, conversation) in conversations.iter().enumerate() {
        let said = conversation.turns.iter().filter(|turn| turn.speaker == Speaker::Customer);
        for turn in said.filter(|turn| !turn.text.trim().is_empty()) {
            out.push((idx, turn.text.to_lowercase()));
        }
    }
    out
}

/// The hashed character n-grams (1 to 4) of `text`, padded with a space each side.
fn ngrams(text: &str) -> Vec<usize> {
    let chars: Vec<char> =
        std::iter::once(' ').chain(text.chars()).chain(std::iter::once(' ')).collect();
    let mut out = Vec::with_capacity(chars.len() * 4);
    for start in 0..chars.len() {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325; // FNV-1a
        for &ch in chars[start..].iter().take(4) {
            hash = (hash ^ u64::from(ch)).wrapping_mul(0x0000_0100_0000_01b3);
            out.push((hash % BUCKETS as u64) as usize);
        }
    }
    out
}

/// Multinomial naive Bayes over n-gram counts, two classes.
struct NaiveBayes {
    /// log P(n-gram | simulated) − log P(n-gram | real), per bucket.
    weights: Vec<f64>,
}

impl NaiveBayes {
    fn fit(sim: &[&Vec<usize>], real: &[&Vec<usize>]) -> NaiveBayes {
        let count = |docs: &[&Vec<usize>]| {
            let mut counts = vec![1.0f64; BUCKETS];
            for doc in docs {
                for &gram in doc.iter() {
                    counts[gram] += 1.0;
                }
            }
            let total: f64 = counts.iter().sum();
            counts.into_iter().map(|count| (count / total).ln()).collect::<Vec<f64>>()
        };
        let (sim, real) = (count(sim), count(real));
        NaiveBayes { weights: sim.iter().zip(&real).map(|(s, r)| s - r).collect() }
    }

    fn score(&self, doc: &[usize]) -> f64 {
        doc.iter().map(|&gram| self.weights[gram]).sum()
    }
}

/// The Mann–Whitney AUC: the probability that a `positive` score is above a `negative` one, ties counting half;
/// `None` when either is empty.
pub fn auc(positive: &[f64], negative: &[f64]) -> Option<f64> {
    if positive.is_empty() || negative.is_empty() {
        return None;
    }
    let mut all: Vec<(f64, bool)> =
        positive.iter().map(|s| (*s, true)).chain(negative.iter().map(|s| (*s, false))).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Sum of the positives' ranks (1-based, ties given their mean rank).
    let mut rank_sum = 0.0;
    let mut idx = 0;
    while idx < all.len() {
        let end = idx + all[idx..].iter().take_while(|(score, _)| *score == all[idx].0).count();
        let mean_rank = (idx + 1 + end) as f64 / 2.0;
        rank_sum += all[idx..end].iter().filter(|(_, pos)| *pos).count() as f64 * mean_rank;
        idx = end;
    }
    let (n_pos, n_neg) = (positive.len() as f64, negative.len() as f64);
    Some((rank_sum - n_pos * (n_pos + 1.0) / 2.0) / (n_pos * n_neg))
}

/// The documents of `side` outside `fold`.
fn training(side: &[(usize, Vec<usize>)], fold: usize) -> Vec<&Vec<usize>> {
    side.iter().filter(|(f, _)| *f != fold).map(|(_, doc)| doc).collect()
}

/// The `TELLTALES` distinct texts of `side` (scored by `scores`, in order) leaning furthest to their side (`sign` 1: simulated, -1: real),
/// each with its mean score and count.
fn telltales(side: &[(usize, String)], scores: &[f64], sign: f64) -> Vec<Telltale> {
    let mut by_text: std::collections::BTreeMap<&str, (f64, usize)> = Default::default();
    for ((_, text), score) in side.iter().zip(scores) {
        let entry = by_text.entry(text).or_default();
        entry.0 += *score;
        entry.1 += 1;
    }
    let mut out: Vec<Telltale> = by_text
        .into_iter()
        .map(|(text, (sum, times))| Telltale {
            text: text.to_owned(),
            log_ratio: sum / times as f64,
            times,
        })
        .collect();
    out.sort_by(|a, b| {
        (sign * b.log_ratio).total_cmp(&(sign * a.log_ratio)).then(a.text.cmp(&b.text))
    });
    out.truncate(TELLTALES);
    out
}

/// The cross-validated AUC of telling `sim`'s customer messages from `real`'s, the messages used per side and each
/// side's telltales; `None` when a side has fewer messages than folds.
pub fn two_sample_auc(real: &[Conversation], sim: &[Conversation]) -> Option<TwoSample> {
    let (mut real, mut sim) = (messages(real), messages(sim));
    let n = real.len().min(sim.len()).min(MAX_PER_SIDE);
    if n < FOLDS {
        return None;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(20_261_203);
    for side in [&mut real, &mut sim] {
        side.shuffle(&mut rng);
        side.truncate(n);
    }
    let grams = |side: &[(usize, String)]| -> Vec<(usize, Vec<usize>)> {
        side.iter().map(|(conversation, text)| (conversation % FOLDS, ngrams(text))).collect()
    };
    let (real_grams, sim_grams) = (grams(&real), grams(&sim));
    let (mut sim_scores, mut real_scores) = (vec![0.0; n], vec![0.0; n]);
    for fold in 0..FOLDS {
        let model = NaiveBayes::fit(&training(&sim_grams, fold), &training(&real_grams, fold));
        let held_out = |side: &[(usize, Vec<usize>)], out: &mut [f64]| {
            for (idx, (f, doc)) in side.iter().enumerate() {
                if *f == fold {
                    out[idx] = model.score(doc);
                }
            }
        };
        held_out(&sim_grams, &mut sim_scores);
        held_out(&real_grams, &mut real_scores);
    }
    Some(TwoSample {
        auc: auc(&sim_scores, &real_scores)?,
        messages: n,
        most_simulated: telltales(&sim, &sim_scores, 1.0),
        most_real: telltales(&real, &real_scores, -1.0),
    })
}
