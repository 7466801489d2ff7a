//! The customer's next move as a probability model that can both sample a move and score one:
//! P(next customer move | the agent's last act, the customer's own history and state).
//!
//! A move has parts (factors), each predicted in turn: its act (or the end of the conversation), then how long it
//! is given that act. Each factor is a table of counts over its outcomes, given the values of an ordered list of
//! context variables (`agent_act`, `previous_act`, `turn`, …), kept at every prefix of that list: the counts given
//! nothing (the unigram), given the first variable, given the first two, and so on. A probability backs off from the
//! longest prefix seen to shorter ones by Dirichlet smoothing (each level is the level below it plus `concentration`
//! × the number of outcomes pseudo-observations), and the unigram is smoothed by `pseudocount` per outcome, so no
//! move ever has probability 0. Every row records its sample size. The tables are plain counts a reader can check
//! against the transcripts they came from; [`mod@fit`] counts them and chooses the variables and concentration by
//! held-out likelihood.
//!
//! Nothing here draws from anywhere but the stream it is given, so a simulated customer that samples from a model
//! stays deterministic.

pub mod fit;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use rand::Rng;

pub use fit::{Observation, Selection, Step, fit, nats, select};

/// The value of each context variable for one customer turn, by variable name. A variable the model conditions on
/// but the context lacks reads as [`UNKNOWN`].
pub type Context = BTreeMap<String, String>;

/// The value of a context variable a context does not give.
pub const UNKNOWN: &str = "(unknown)";

/// The outcome that stands for every outcome a factor was not fitted with (a label only the held-out data has).
pub const OTHER: &str = "(other)";

/// A customer model: its factors, predicted in order.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MoveModel {
    /// The parts of a move, each given the context and the parts before it.
    pub factors: Vec<Factor>,
}

/// One part of a move: a distribution over its outcomes given an ordered list of context variables.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Factor {
    /// Its name (`act`, `length`).
    pub name: String,
    /// Every outcome it can take, in a fixed order.
    pub outcomes: Vec<String>,
    /// The context variables it is conditioned on, from the one it backs off to last to the one it drops first.
    pub given: Vec<String>,
    /// Dirichlet concentration per outcome when a level backs off to the one below it.
    pub concentration: f64,
    /// Pseudo-count per outcome added to the unigram.
    pub pseudocount: f64,
    /// The counts at every prefix of `given` that was seen, sorted by `values`.
    pub rows: Vec<Row>,
}

/// The counts given one prefix of the factor's variables.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Row {
    /// The values of the first `values.len()` variables of `given` (empty: the unigram).
    pub values: Vec<String>,
    /// Its sample size: how many observations had these values.
    pub n: u64,
    /// How many of them took each outcome (outcomes never seen here are left out).
    pub counts: BTreeMap<String, u64>,
}

impl MoveModel {
    /// The factor named `name`.
    pub fn factor(&self, name: &str) -> Option<&Factor> {
        self.factors.iter().find(|factor| factor.name == name)
    }

    /// Every way the tables contradict themselves (a model written by hand or edited), each naming its factor and
    /// row: no outcomes or duplicated ones; a concentration or pseudo-count that is not positive; a row with more
    /// values than the factor has variables, out of order or repeated (lookups would miss it), whose counts do not
    /// add up to its sample size or name an outcome the factor does not have.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for factor in &self.factors {
            let mut say =
                |problem: String| problems.push(format!("factor `{}`: {problem}", factor.name));
            if factor.outcomes.is_empty() {
                say("no outcomes".to_owned());
            }
            for (index, outcome) in factor.outcomes.iter().enumerate() {
                if factor.outcomes[..index].contains(outcome) {
                    say(format!("outcome `{outcome}` listed twice"));
                }
            }
            if !(factor.concentration > 0.0 && factor.concentration.is_finite()) {
                say(format!("concentration {} is not a positive number", factor.concentration));
            }
            if !(factor.pseudocount > 0.0 && factor.pseudocount.is_finite()) {
                say(format!("pseudocount {} is not a positive number", factor.pseudocount));
            }
            for (index, row) in factor.rows.iter().enumerate() {
                let name = format!("row {index} {:?}", row.values);
                if row.values.len() > factor.given.len() {
                    say(format!(
                        "{name} has {} values for {} variables",
                        row.values.len(),
                        factor.given.len()
                    ));
                }
                if index > 0 && factor.rows[index - 1].values >= row.values {
                    say(format!(
                        "{name} is not after the row before it (rows are sorted by their values, once each)"
                    ));
                }
                let total: u64 = row.counts.values().sum();
                if total != row.n {
                    say(format!("{name} has counts adding up to {total}, not its n {}", row.n));
                }
                for outcome in
                    row.counts.keys().filter(|outcome| !factor.outcomes.contains(outcome))
                {
                    say(format!("{name} counts `{outcome}`, which is not one of the outcomes"));
                }
            }
        }
        problems
    }
}

impl Factor {
    /// P(each outcome | context), in the order of `outcomes`; sums to 1.
    pub fn distribution(&self, context: &Context) -> Vec<f64> {
        let width = self.outcomes.len() as f64;
        let Some(unigram) = self.row(&[]) else {
            return vec![1.0 / width; self.outcomes.len()];
        };
        let mut p: Vec<f64> = self
            .outcomes
            .iter()
            .map(|outcome| {
                (unigram.count(outcome) as f64 + self.pseudocount)
                    / (unigram.n as f64 + self.pseudocount * width)
            })
            .collect();
        let mut values = Vec::with_capacity(self.given.len());
        for variable in &self.given {
            values.push(context.get(variable).cloned().unwrap_or_else(|| UNKNOWN.to_owned()));
            let Some(row) = self.row(&values) else { break };
            let prior = self.concentration * width;
            for (p, outcome) in p.iter_mut().zip(&self.outcomes) {
                *p = (row.count(outcome) as f64 + prior * *p) / (row.n as f64 + prior);
            }
        }
        p
    }

    /// P(`outcome` | context). An outcome the factor does not know counts as [`OTHER`] when the factor has it, and
    /// has probability 0 when it does not.
    pub fn probability(&self, context: &Context, outcome: &str) -> f64 {
        let known = |name: &str| self.outcomes.iter().position(|known| known == name);
        match known(outcome).or_else(|| known(OTHER)) {
            Some(index) => self.distribution(context)[index],
            None => 0.0,
        }
    }

    /// Draws an outcome given `context` with one draw from `rng`.
    pub fn sample(&self, context: &Context, rng: &mut impl Rng) -> &str {
        let draw: f64 = rng.random();
        let mut mass = 0.0;
        let distribution = self.distribution(context);
        for (p, outcome) in distribution.iter().zip(&self.outcomes) {
            mass += p;
            if draw < mass {
                return outcome;
            }
        }
        self.outcomes.last().map_or(UNKNOWN, String::as_str)
    }

    /// The same factor given nothing: the unigram it backs off to last, a baseline for its held-out likelihood.
    pub fn unigram(&self) -> Factor {
        Factor {
            given: Vec::new(),
            rows: self.rows.iter().filter(|row| row.values.is_empty()).cloned().collect(),
            ..self.clone()
        }
    }

    /// The row of counts given exactly these values of the first variables, if it was seen.
    pub fn row(&self, values: &[String]) -> Option<&Row> {
        self.rows
            .binary_search_by(|row| row.values.as_slice().cmp(values))
            .ok()
            .map(|index| &self.rows[index])
    }
}

impl Row {
    /// How many observations in this row took `outcome`.
    pub fn count(&self, outcome: &str) -> u64 {
        self.counts.get(outcome).copied().unwrap_or(0)
    }
}
