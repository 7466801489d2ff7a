//! Fitting a factor of the customer model to observed moves: counting (the maximum-likelihood tables at every
//! prefix of the context variables), and choosing the variables and the concentration by held-out likelihood.
//!
//! [`select`] grows the list of variables greedily: starting from none (the unigram), it tries each remaining
//! candidate appended at the end with each concentration, keeps the one that lowers the validation data's nats per
//! observation the most, and stops when no candidate lowers it by at least [`MIN_GAIN`]. Every step is recorded, so
//! a fitted file shows why it conditions on what it does.

use std::collections::BTreeMap;

use super::{Context, Factor, Row, UNKNOWN};

/// The least drop in validation nats per observation that earns a variable its place.
pub const MIN_GAIN: f64 = 0.001;

/// The least sample size a row needs to be kept (the unigram is always kept): a rarer context backs off to the
/// level below it, which holds its observations too. It keeps fitted files small and every kept row meaningful.
pub const MIN_ROW: u64 = 3;

/// One observed move part: its context and what the customer did.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// The context variables' values.
    pub context: Context,
    /// The outcome.
    pub outcome: String,
}

/// One step of the greedy choice: the variable added, the concentration chosen with it, and the validation nats
/// per observation it reached.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Step {
    /// The variable appended (`None` for the starting unigram).
    pub added: Option<String>,
    /// The concentration that went with it.
    pub concentration: f64,
    /// Mean −ln P(outcome) on the validation observations.
    pub validation_nats: f64,
}

/// What [`select`] chose, and the path that led there.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Selection {
    /// The variables, in backoff order.
    pub given: Vec<String>,
    /// The concentration.
    pub concentration: f64,
    /// Every step taken, the unigram first.
    pub steps: Vec<Step>,
}

/// Counts `observations` into a factor over `outcomes` (every outcome an observation takes must be among them)
/// given the variables `given`, with the smoothing parameters; rows are kept for every prefix of `given` seen at
/// least [`MIN_ROW`] times.
pub fn fit(
    name: &str,
    outcomes: &[String],
    given: &[String],
    concentration: f64,
    pseudocount: f64,
    observations: &[Observation],
) -> Factor {
    let mut rows: BTreeMap<Vec<String>, Row> = BTreeMap::new();
    for observation in observations {
        let mut values = Vec::with_capacity(given.len());
        for depth in 0..=given.len() {
            if depth > 0 {
                let variable = &given[depth - 1];
                let value = observation.context.get(variable).map_or(UNKNOWN, String::as_str);
                values.push(value.to_owned());
            }
            let row = rows.entry(values.clone()).or_insert_with(|| Row {
                values: values.clone(),
                n: 0,
                counts: BTreeMap::new(),
            });
            row.n += 1;
            *row.counts.entry(observation.outcome.clone()).or_insert(0) += 1;
        }
    }
    Factor {
        name: name.to_owned(),
        outcomes: outcomes.to_vec(),
        given: given.to_vec(),
        concentration,
        pseudocount,
        rows: rows.into_values().filter(|row| row.values.is_empty() || row.n >= MIN_ROW).collect(),
    }
}

/// Mean −ln P(outcome | context) over `observations` under `factor` (infinite when one has probability 0; 0 for
/// none).
pub fn nats(factor: &Factor, observations: &[Observation]) -> f64 {
    if observations.is_empty() {
        return 0.0;
    }
    let total: f64 = observations
        .iter()
        .map(|observation| -factor.probability(&observation.context, &observation.outcome).ln())
        .sum();
    total / observations.len() as f64
}

/// Chooses the variables among `candidates` and the concentration among `concentrations` that best predict
/// `validation` once counted from `train` (see the module's doc).
pub fn select(
    outcomes: &[String],
    candidates: &[String],
    concentrations: &[f64],
    pseudocount: f64,
    train: &[Observation],
    validation: &[Observation],
) -> Selection {
    let unigram = fit("", outcomes, &[], 1.0, pseudocount, train);
    let mut best = nats(&unigram, validation);
    let mut chosen = Selection {
        given: Vec::new(),
        concentration: concentrations.first().copied().unwrap_or(1.0),
        steps: vec![Step { added: None, concentration: 0.0, validation_nats: best }],
    };
    loop {
        let mut round: Option<(String, f64, f64)> = None;
        for candidate in candidates.iter().filter(|candidate| !chosen.given.contains(candidate)) {
            let mut given = chosen.given.clone();
            given.push(candidate.clone());
            let mut factor = fit("", outcomes, &given, 1.0, pseudocount, train);
            for &concentration in concentrations {
                factor.concentration = concentration;
                let score = nats(&factor, validation);
                if round.as_ref().is_none_or(|(_, _, round_best)| score < *round_best) {
                    round = Some((candidate.clone(), concentration, score));
                }
            }
        }
        match round {
            Some((variable, concentration, score)) if score <= best - MIN_GAIN => {
                best = score;
                chosen.given.push(variable.clone());
                chosen.concentration = concentration;
                chosen.steps.push(Step {
                    added: Some(variable),
                    concentration,
                    validation_nats: score,
                });
            }
            _ => return chosen,
        }
    }
}
