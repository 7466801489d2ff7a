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

fn run(scenario: &str, agent: &str, episodes: u64) -> (ShardOutput, std::sync::Arc<ScenarioSpec>) {
    let (spec, personas) = built_in(scenario);
    let agent = sim_core::agents::built_in(agent, &spec).unwrap();
    let mut engine =
        Engine::new(spec.clone(), personas, agent, EngineConfig { slots: 256 }).unwrap();
    (engine.run(11, 0..episodes), spec)
}

fn success_rate(out: &ShardOutput) -> f64 {
    out.episodes.iter().filter(|record| record.success()).count() as f64 / out.episodes.len() as f64
}

fn mean_csat(out: &ShardOutput) -> f64 {
    out.episodes.iter().map(|record| f64::from(record.csat)).sum::<f64>()
        / out.episodes.len() as f64
}

#[test]
fn no_cheating_agent_succeeds_and_each_rates_below_by_the_book() {
    for scenario in SCENARIOS {
        let (honest, _) = run(scenario, "by-the-book", 2000);
        for (agent, most) in [
            ("deny-all", 0.01),
            ("close-now", 0.01),
            ("claim-done", 0.01),
            ("tool-spam", 0.02),
            ("random", 0.02),
        ] {
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
