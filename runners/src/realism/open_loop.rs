//! Open-loop realism: each real conversation's agent turns are replayed to a fitted customer model, and what the
//! real customer did next is scored under the model, in nats per customer move (mean −ln P), beside the unigram
//! baseline the model backs off to, fitted on the same training data.
//!
//! The moves are read by `calibrate::observe`, the code path the fit used. Per factor the figure is the mean over
//! its observations (for `act`, every customer message and each conversation's end); `nats_per_turn` adds the
//! factors' figures, the nats of a whole move.

use serde::Serialize;
use sim_core::moves::{Factor, OTHER, Observation, nats};

use super::BinShare;

use crate::calibrate::FittedPersona;
use crate::calibrate::observe::{self, Moves};
use crate::transcripts::Conversation;

/// The open-loop report.
#[derive(Clone, Debug, Serialize)]
pub struct OpenLoop {
    /// The fitted persona scored.
    pub persona: String,
    /// The transcripts it was fitted on.
    pub fitted_on: String,
    /// Real conversations read.
    pub real_conversations: usize,
    /// Their customer messages.
    pub customer_turns: usize,
    /// The factors' nats added up: a whole move.
    pub nats_per_turn: f64,
    /// The same of the unigram baselines.
    pub baseline_nats_per_turn: f64,
    /// Each factor the model has and the real conversations give observations of.
    pub factors: Vec<FactorNats>,
    /// With both factors: the length bucket predicted without knowing the message's act, the act summed out
    /// (P(length | context) = Σ over acts other than the end of P(act | context) × P(length | context, act),
    /// renormalised: the customer did write a message); comparable with a model that has no act.
    pub length_act_unknown: Option<FactorNats>,
}

/// One factor's open-loop figures.
#[derive(Clone, Debug, Serialize)]
pub struct FactorNats {
    /// The factor.
    pub factor: String,
    /// What it is given.
    pub given: Vec<String>,
    /// Real observations scored.
    pub observations: usize,
    /// Mean −ln P(what the real customer did) under the model.
    pub nats_per_turn: f64,
    /// The same under the unigram.
    pub baseline_nats_per_turn: f64,
    /// Per outcome, the share of real observations that took it (`real`) beside the mean probability the model gave
    /// it in their contexts (`sim`): a calibrated model's two columns agree.
    pub shares: Vec<BinShare>,
}

/// Scores `real` under `persona`'s model.
pub fn open_loop(persona: &FittedPersona, real: &[Conversation]) -> OpenLoop {
    let moves = observe::observe_all(real);
    let mut factors = Vec::new();
    for factor in &persona.model.factors {
        let observations = observations_of(&moves, factor);
        if observations.is_empty() {
            continue;
        }
        factors.push(FactorNats {
            factor: factor.name.clone(),
            given: factor.given.clone(),
            observations: observations.len(),
            nats_per_turn: nats(factor, observations),
            baseline_nats_per_turn: nats(&factor.unigram(), observations),
            shares: shares(factor, observations),
        });
    }
    let length_act_unknown = match (persona.model.factor("act"), persona.model.factor("length")) {
        (Some(act), Some(length)) if !moves.length.is_empty() => Some(FactorNats {
            factor: "length (act unknown)".to_owned(),
            given: length.given.iter().filter(|variable| *variable != "act").cloned().collect(),
            observations: moves.length.len(),
            nats_per_turn: act_unknown_nats(act, length, &moves.length),
            baseline_nats_per_turn: nats(&length.unigram(), &moves.length),
            shares: Vec::new(),
        }),
        _ => None,
    };
    OpenLoop {
        persona: persona.name.clone(),
        fitted_on: persona.source.transcripts.clone(),
        real_conversations: real.len(),
        customer_turns: moves.customer_turns,
        nats_per_turn: factors.iter().map(|factor| factor.nats_per_turn).sum(),
        baseline_nats_per_turn: factors.iter().map(|factor| factor.baseline_nats_per_turn).sum(),
        factors,
        length_act_unknown,
    }
}

/// Per outcome of `factor`, the share of `observations` that took it and the mean probability the model gave it.
/// An outcome the factor does not know counts as its [`OTHER`], as in scoring.
fn shares(factor: &Factor, observations: &[Observation]) -> Vec<BinShare> {
    let width = factor.outcomes.len();
    let (mut real, mut predicted) = (vec![0.0; width], vec![0.0; width]);
    let other = factor.outcomes.iter().position(|outcome| outcome == OTHER);
    for observation in observations {
        for (sum, p) in predicted.iter_mut().zip(factor.distribution(&observation.context)) {
            *sum += p;
        }
        let known = factor.outcomes.iter().position(|outcome| *outcome == observation.outcome);
        if let Some(index) = known.or(other) {
            real[index] += 1.0;
        }
    }
    let n = observations.len().max(1) as f64;
    (factor.outcomes.iter().zip(real).zip(predicted))
        .map(|((outcome, real), predicted)| BinShare {
            bin: outcome.clone(),
            real: real / n,
            sim: predicted / n,
        })
        .collect()
}

/// Mean −ln P(length | context) with the act summed out (see [`OpenLoop::length_act_unknown`]).
fn act_unknown_nats(act: &Factor, length: &Factor, observations: &[Observation]) -> f64 {
    let mut total = 0.0;
    for observation in observations {
        let mut context = observation.context.clone();
        context.remove("act");
        let acts = act.distribution(&context);
        let (mut mass, mut written) = (0.0, 0.0);
        for (p, outcome) in
            acts.iter().zip(&act.outcomes).filter(|(_, outcome)| *outcome != observe::END)
        {
            context.insert("act".to_owned(), outcome.clone());
            mass += p * length.probability(&context, &observation.outcome);
            written += p;
        }
        total -= (mass / written).ln();
    }
    total / observations.len() as f64
}

fn observations_of<'a>(moves: &'a Moves, factor: &Factor) -> &'a [Observation] {
    match factor.name.as_str() {
        "act" => &moves.act,
        "length" => &moves.length,
        _ => &[],
    }
}

/// The report as a table.
pub fn table(report: &OpenLoop) -> String {
    let mut out = format!(
        "open loop: {} real conversations, {} customer messages, under {} (fitted on {})\n\n",
        report.real_conversations, report.customer_turns, report.persona, report.fitted_on
    );
    out += &format!(
        "{:<8} {:>12} {:>10} {:>10}  given\n",
        "factor", "observations", "nats/turn", "unigram"
    );
    for factor in &report.factors {
        out += &format!(
            "{:<8} {:>12} {:>10.3} {:>10.3}  {}\n",
            factor.factor,
            factor.observations,
            factor.nats_per_turn,
            factor.baseline_nats_per_turn,
            factor.given.join(", ")
        );
    }
    out += &format!(
        "{:<8} {:>12} {:>10.3} {:>10.3}\n",
        "move", "", report.nats_per_turn, report.baseline_nats_per_turn
    );
    if let Some(factor) = &report.length_act_unknown {
        out += &format!(
            "\nthe length without its act (the act summed out): {:.3} nats/turn, unigram {:.3}, over {} messages\n",
            factor.nats_per_turn, factor.baseline_nats_per_turn, factor.observations
        );
    }
    out
}
