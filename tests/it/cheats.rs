//! Agents built to cheat score no success on any built-in scenario, and a refusal at once is flagged at its turn
//! (issue 10: "an agent that refuses every request at its first turn and closes scores 28% resolved with 0% policy
//! violations").

use sim_core::prelude::*;

use crate::support::built_in;

const SCENARIOS: [&str; 6] = [
    "retail-support",
    "star-hotel",
    "bank-card-services",
    "inbound-sales",
    "subscription-retention",
    "telecom-troubleshooting",
];

/// Each agent built to cheat, and the most success it may score.
const CHEATS: [(&str, f64); 5] = [
    ("deny-all", 0.01),
    ("close-now", 0.01),
    ("claim-done", 0.01),
    ("tool-spam", 0.02),
    ("random", 0.02),
];

fn run(scenario: &str, agent: &str, episodes: u64) -> (ShardOutput, std::sync::Arc<ScenarioSpec>) {
    let (spec, personas) = built_in(scenario);
    run_with(spec, personas, agent, episodes)
}

fn run_with(
    spec: std::sync::Arc<ScenarioSpec>,
    personas: std::sync::Arc<[PersonaSpec]>,
    agent: &str,
    episodes: u64,
) -> (ShardOutput, std::sync::Arc<ScenarioSpec>) {
    let agent = sim_core::agents::built_in(agent, &spec).unwrap();
    let mut engine =
        Engine::new(spec.clone(), personas, agent, EngineConfig { slots: 256 }).unwrap();
    (engine.run(11, 0..episodes), spec)
}

fn success_rate(out: &ShardOutput) -> f64 {
    out.episodes.iter().filter(|record| record.success()).count() as f64 / out.episodes.len() as f64
}

/// The success rate over the episodes whose customer stayed for an answer (a persona's `leaves_unanswered` are gone
/// before any agent acts, whatever it would have done).
fn answered_success_rate(out: &ShardOutput) -> f64 {
    let answered: Vec<_> =
        out.episodes.iter().filter(|record| out.turns_of(record).len() > 1).collect();
    answered.iter().filter(|record| record.success()).count() as f64 / answered.len() as f64
}

fn mean_csat(out: &ShardOutput) -> f64 {
    out.episodes.iter().map(|record| f64::from(record.csat)).sum::<f64>()
        / out.episodes.len() as f64
}

#[test]
fn no_cheating_agent_succeeds_and_each_rates_below_by_the_book() {
    for scenario in SCENARIOS {
        let (honest, _) = run(scenario, "by-the-book", 2000);
        for (agent, most) in CHEATS {
            let (out, _) = run(scenario, agent, 2000);
            let rate = success_rate(&out);
            assert!(
                rate <= most,
                "{scenario}: {agent} succeeds in {:.2}% of episodes",
                100.0 * rate
            );
            assert!(
                mean_csat(&out) < mean_csat(&honest),
                "{scenario}: {agent} rates {:.2}, by-the-book {:.2}",
                mean_csat(&out),
                mean_csat(&honest)
            );
        }
    }
}

/// The issue's last figure: "the agents of the verdicts issue keep their figures when customers are the fitted
/// personas (a realistic customer must not make cheating pay)". The shipped persona fitted to STAR's customers
/// (calibration-data/fitted/star-hotel-customers.ron) answers, acknowledges and wanders off topic as they did, and
/// the one fitted to MultiDoGO's finance customers (bank-card-services-customers.ron) opens as they did; on
/// every built-in scenario no cheat succeeds more often than with the scenario's own personas, and by the book
/// still succeeds with the customers who stay for an answer (9% leave before any, as STAR's did).
#[test]
fn with_customers_fitted_to_real_ones_no_cheating_agent_succeeds() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/../calibration-data/fitted/");
    let load =
        |name: &str| sim_personas::load_persona(&std::path::Path::new(folder).join(name)).unwrap();
    let star = load("star-hotel-customers.ron");
    assert!(!star.reactions.is_empty(), "the fitted persona has its reaction table");
    // MultiDoGO's finance customers: mostly "hi" first, and needs said with values.
    let bank = load("bank-card-services-customers.ron");
    assert!(bank.vague_opening > 0.5, "{}", bank.vague_opening);
    for fitted in [star, bank] {
        with_personas(vec![fitted].into());
    }
}

fn with_personas(personas: std::sync::Arc<[PersonaSpec]>) {
    for scenario in SCENARIOS {
        let (spec, _) = built_in(scenario);
        let (honest, _) = run_with(spec.clone(), personas.clone(), "by-the-book", 2000);
        assert!(
            answered_success_rate(&honest) > 0.9,
            "{scenario}: by-the-book {:.3} of the customers who stayed",
            answered_success_rate(&honest)
        );
        for (agent, most) in CHEATS {
            let (out, _) = run_with(spec.clone(), personas.clone(), agent, 2000);
            let rate = success_rate(&out);
            assert!(
                rate <= most,
                "{scenario}: {agent} succeeds in {:.2}% of episodes",
                100.0 * rate
            );
        }
    }
}

#[test]
fn deny_all_is_flagged_wrongful_refusal_at_its_turn_on_admissible_requests() {
    for scenario in SCENARIOS {
        let (out, spec) = run(scenario, "deny-all", 2000);
        let admissible: Vec<&EpisodeRecord> =
            out.episodes.iter().filter(|r| r.admissible).collect();
        assert!(admissible.len() > 500, "{scenario}: only {} admissible", admissible.len());
        for record in admissible {
            // deny-all refuses at its first turn, which is turn 1.
            let flagged = out.verdicts_of(record).iter().any(|verdict| {
                !verdict.passed && verdict.turn == 1 && verdict.rule.id(&spec) == "wrongful-refusal"
            });
            assert!(flagged, "{scenario}: episode {} not flagged at turn 1", record.episode);
        }
    }
}
