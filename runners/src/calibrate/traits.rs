//! Who the customers are and how their conversations end, fitted from the transcript format's labels: each
//! numeric trait (PersuasionForGood's Big Five, age, the donation) as a distribution, each categorical trait and
//! the outcome as counts, every figure with its sample size.
//!
//! A numeric trait whose values are exactly 0 in more than a tenth of the conversations that give it is
//! zero-inflated: the share of zeros is kept apart (for a donation: the share who gave nothing, so 1 − that share is
//! the willingness to give), and the rest is fitted on its own. The fitted part is a Normal or, when every value
//! is positive, a LogNormal, each by maximum likelihood (the mean and standard deviation of the values, or of their
//! logarithms); the one with the lower mean −ln density on the validation conversations (the same fifth that
//! validates the customer model) is kept, then refitted on every conversation. Draws are clamped to the 1st and
//! 99th percentiles of the values seen, so an entry error (a $700 donation of a $2 task) cannot be drawn.

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use rand::Rng;
use serde::{Deserialize, Serialize};
use statrs::distribution::{Continuous, ContinuousCDF, LogNormal, Normal};

use crate::transcripts::{Conversation, Trait};

/// A numeric trait's zeros are kept apart when they are more than this share of its values.
pub const ZERO_INFLATED: f64 = 0.1;

/// The traits and outcomes of a fitted persona.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Traits {
    /// Numeric traits, by name.
    pub numeric: Vec<NumericTrait>,
    /// Categorical traits, by name: per value its count.
    pub categorical: Vec<Counts>,
    /// How conversations ended (the `outcome` label), when the corpus gives it.
    pub outcome: Option<Counts>,
}

/// Counts of labels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    /// What is counted.
    pub name: String,
    /// Conversations that gave a value.
    pub n: u64,
    /// Per value its count.
    pub counts: BTreeMap<String, u64>,
}

/// One numeric trait's fit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NumericTrait {
    /// The trait.
    pub name: String,
    /// Conversations that gave a value.
    pub n: u64,
    /// Of those, the values exactly 0 when they are kept apart (zero-inflated), else 0.
    pub zeros: u64,
    /// The distribution of the other values.
    pub shape: Shape,
    /// Draws are clamped to [low, high]: the 1st and 99th percentiles of the values seen.
    pub low: f64,
    /// See `low`.
    pub high: f64,
    /// Each candidate's mean −ln density on the validation conversations (`None` when there were too few).
    pub validation: Vec<(String, Option<f64>)>,
}

/// A fitted distribution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Shape {
    /// Normal(mean, sd).
    Normal {
        /// The mean.
        mean: f64,
        /// The standard deviation.
        sd: f64,
    },
    /// exp(Normal(location, scale)).
    LogNormal {
        /// The mean of the logarithm.
        location: f64,
        /// The standard deviation of the logarithm.
        scale: f64,
    },
}

/// The smallest standard deviation a fit keeps, so one repeated value still has a density.
const MIN_SD: f64 = 1e-3;

/// The mean and the maximum-likelihood standard deviation of `values` (at least [`MIN_SD`]).
fn moments(values: &[f64]) -> Option<(f64, f64)> {
    if values.is_empty() {
        return None;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let var = values.iter().map(|value| (value - mean).powi(2)).sum::<f64>() / values.len() as f64;
    Some((mean, var.sqrt().max(MIN_SD)))
}

/// The candidate families, in the order they are tried.
const FAMILIES: [&str; 2] = ["normal", "lognormal"];

impl Shape {
    /// The maximum-likelihood fit of `family` (`normal` or `lognormal`) to `values`, if it applies.
    fn fit(family: &str, values: &[f64]) -> Option<Shape> {
        match family {
            "normal" => moments(values).map(|(mean, sd)| Shape::Normal { mean, sd }),
            "lognormal" if values.iter().all(|value| *value > 0.0) => {
                let logs: Vec<f64> = values.iter().map(|value| value.ln()).collect();
                moments(&logs).map(|(location, scale)| Shape::LogNormal { location, scale })
            }
            _ => None,
        }
    }

    /// −ln density of `value`.
    fn nats(&self, value: f64) -> f64 {
        match *self {
            Shape::Normal { mean, sd } => -Normal::new(mean, sd).expect("sd > 0").ln_pdf(value),
            Shape::LogNormal { location, scale } => {
                -LogNormal::new(location, scale).expect("scale > 0").ln_pdf(value)
            }
        }
    }

    /// One draw, by inverting the distribution's CDF at one uniform number from `rng`.
    fn sample(&self, rng: &mut impl Rng) -> f64 {
        let u: f64 = rng.random_range(1e-12..1.0 - 1e-12);
        match *self {
            Shape::Normal { mean, sd } => Normal::new(mean, sd).expect("sd > 0").inverse_cdf(u),
            Shape::LogNormal { location, scale } => {
                LogNormal::new(location, scale).expect("scale > 0").inverse_cdf(u)
            }
        }
    }
}

impl NumericTrait {
    /// One draw: 0 with the share of zeros, else from the shape, clamped to [low, high].
    pub fn sample(&self, rng: &mut impl Rng) -> f64 {
        if self.zeros > 0 && rng.random_bool(self.zeros as f64 / self.n as f64) {
            return 0.0;
        }
        self.shape.sample(rng).clamp(self.low, self.high)
    }

    /// The share of conversations whose value is above 0 when zeros are kept apart (for a donation: the share who
    /// gave), else `None`.
    pub fn share_above_zero(&self) -> Option<f64> {
        (self.zeros > 0).then(|| 1.0 - self.zeros as f64 / self.n as f64)
    }
}

/// The value at quantile `q` of sorted `values` (the nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Fits one numeric trait: `train` and `validation` are the values of the two sides.
fn fit_numeric(name: &str, train: &[f64], validation: &[f64]) -> NumericTrait {
    let all: Vec<f64> = train.iter().chain(validation).copied().collect();
    let zeros = all.iter().filter(|value| **value == 0.0).count();
    let inflated = zeros as f64 > ZERO_INFLATED * all.len() as f64 && zeros < all.len();
    let rest = |values: &[f64]| -> Vec<f64> {
        values.iter().copied().filter(|value| !inflated || *value != 0.0).collect()
    };
    let (train_rest, validation_rest, all_rest) = (rest(train), rest(validation), rest(&all));
    let validation_nats: Vec<(String, Option<f64>)> = FAMILIES
        .iter()
        .map(|family| {
            let nats = Shape::fit(family, &train_rest).filter(|_| !validation_rest.is_empty()).map(
                |shape| {
                    validation_rest.iter().map(|value| shape.nats(*value)).sum::<f64>()
                        / validation_rest.len() as f64
                },
            );
            ((*family).to_owned(), nats)
        })
        .collect();
    // the family with the lowest validation nats; without a validation side, the first that applies
    let chosen = validation_nats
        .iter()
        .filter_map(|(family, nats)| nats.map(|nats| (family, nats)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(family, _)| family.as_str())
        .filter(|family| Shape::fit(family, &all_rest).is_some())
        .unwrap_or("normal");
    let shape = Shape::fit(chosen, &all_rest).expect("a trait with values fits a Normal");
    let mut sorted = all_rest.clone();
    sorted.sort_by(f64::total_cmp);
    NumericTrait {
        name: name.to_owned(),
        n: all.len() as u64,
        zeros: if inflated { zeros as u64 } else { 0 },
        shape,
        low: quantile(&sorted, 0.01),
        high: quantile(&sorted, 0.99),
        validation: validation_nats,
    }
}

/// Fits the traits and outcomes of `train` and `validation` (the conversations on each side of the fit's split).
pub fn fit(train: &[&Conversation], validation: &[&Conversation]) -> Traits {
    let mut numeric: BTreeMap<&str, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    let mut categorical: BTreeMap<&str, BTreeMap<String, u64>> = BTreeMap::new();
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    let sides = [(train, false), (validation, true)];
    for (side, validating) in sides {
        for conversation in side {
            for (name, value) in &conversation.traits {
                match value {
                    Trait::Number(number) => {
                        let values = numeric.entry(name).or_default();
                        if validating { &mut values.1 } else { &mut values.0 }.push(*number);
                    }
                    Trait::Text(text) => {
                        *categorical.entry(name).or_default().entry(text.clone()).or_default() += 1;
                    }
                }
            }
            if let Some(outcome) = &conversation.outcome {
                *outcomes.entry(outcome.clone()).or_default() += 1;
            }
        }
    }
    let counts = |name: &str, counts: BTreeMap<String, u64>| Counts {
        name: name.to_owned(),
        n: counts.values().sum(),
        counts,
    };
    Traits {
        numeric: numeric
            .into_iter()
            .map(|(name, (train, validation))| fit_numeric(name, &train, &validation))
            .collect(),
        categorical: categorical.into_iter().map(|(name, values)| counts(name, values)).collect(),
        outcome: (!outcomes.is_empty()).then(|| counts("outcome", outcomes)),
    }
}

/// The traits as lines for the terminal.
pub fn summary(traits: &Traits) -> String {
    let mut out = String::new();
    for numeric in &traits.numeric {
        let shape = match numeric.shape {
            Shape::Normal { mean, sd } => format!("Normal(mean {mean:.3}, sd {sd:.3})"),
            Shape::LogNormal { location, scale } => {
                format!("LogNormal(location {location:.3}, scale {scale:.3})")
            }
        };
        let zeros = numeric
            .share_above_zero()
            .map(|share| format!(", above 0 in {:.1}%", 100.0 * share))
            .unwrap_or_default();
        out += &format!(
            "trait {:<16} n {:>6}  {shape}{zeros}, drawn within [{}, {}]\n",
            numeric.name, numeric.n, numeric.low, numeric.high
        );
    }
    for categorical in traits.categorical.iter().chain(&traits.outcome) {
        let mut values: Vec<(&String, &u64)> = categorical.counts.iter().collect();
        values.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let shown: Vec<String> =
            values.iter().take(4).map(|(value, n)| format!("{value} {n}")).collect();
        let more = if values.len() > 4 { ", …" } else { "" };
        out += &format!(
            "{:<22} n {:>6}  {}{more}\n",
            categorical.name,
            categorical.n,
            shown.join(", ")
        );
    }
    out
}
