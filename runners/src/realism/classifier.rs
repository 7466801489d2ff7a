//! The two-sample test on single customer messages: can a simple classifier tell a simulated customer's message
//! from a real one? An AUC of 0.5 says it cannot; 1.0 says every message gives itself away.
//!
//! Each message is lower-cased and cut into character n-grams of 1 to 4 characters (with a space at each end, so
//! word starts and ends count), hashed into 2^18 buckets; a multinomial naive Bayes classifier (add-one smoothing)
//! scores a held-out message by its log-likelihood ratio, simulated against real. Five folds, split by conversation
//! (no conversation has messages on both sides of a split), each side capped at the same number of messages drawn
//! with a fixed seed; the AUC is the Mann–Whitney probability that a simulated message scores above a real one,
//! ties counting half, over all held-out messages.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::transcripts::{Conversation, Speaker};

/// Hash buckets for n-grams.
const BUCKETS: usize = 1 << 18;
/// Folds of the cross-validation.
const FOLDS: usize = 5;
/// The most messages taken from each side.
pub const MAX_PER_SIDE: usize = 20_000;

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

/// The cross-validated AUC of telling `sim`'s customer messages from `real`'s, and the messages used per side;
/// `None` when a side has fewer messages than folds.
pub fn two_sample_auc(real: &[Conversation], sim: &[Conversation]) -> Option<(f64, usize)> {
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
    let (real, sim) = (grams(&real), grams(&sim));
    let (mut sim_scores, mut real_scores) = (Vec::new(), Vec::new());
    for fold in 0..FOLDS {
        let model = NaiveBayes::fit(&training(&sim, fold), &training(&real, fold));
        let held_out = |side: &[(usize, Vec<usize>)], out: &mut Vec<f64>| {
            out.extend(side.iter().filter(|(f, _)| *f == fold).map(|(_, doc)| model.score(doc)));
        };
        held_out(&sim, &mut sim_scores);
        held_out(&real, &mut real_scores);
    }
    auc(&sim_scores, &real_scores).map(|auc| (auc, n))
}
