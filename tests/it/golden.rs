//! Golden transcripts: fixed seeds, every built-in agent on retail-support and by-the-book and sloppy on every other
//! built-in scenario, rendered as `rehearse replay` prints them.

use crate::support::run_into;

fn replay(agent: &str, seed: &str, episodes: &[u64]) -> String {
    replay_in("retail-support", agent, seed, episodes)
}

fn replay_in(scenario: &str, agent: &str, seed: &str, episodes: &[u64]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--episodes",
        "64",
        "--seed",
        seed,
        "--agent",
        agent,
        "--threads",
        "1",
        "--scenario",
        scenario,
    ];
    run_into(dir.path(), &args);
    episodes
        .iter()
        .map(|episode| {
            sim_runners::replay::render(&sim_runners::replay::find(dir.path(), *episode).unwrap())
        })
        .collect::<Vec<_>>()
        .join("\n----------------------------------------\n\n")
}

#[test]
fn by_the_book_seed_7() {
    insta::assert_snapshot!(replay("by-the-book", "7", &[0, 1, 2, 3]));
}

#[test]
fn sloppy_seed_3() {
    insta::assert_snapshot!(replay("sloppy", "3", &[0, 5, 9]));
}

#[test]
fn random_seed_5() {
    insta::assert_snapshot!(replay("random", "5", &[0]));
}

#[test]
fn scenario_library_seed_1() {
    for scenario in [
        "bank-card-services",
        "inbound-sales",
        "star-hotel",
        "subscription-retention",
        "telecom-troubleshooting",
    ] {
        let text = format!(
            "{}\n========================================\n\n{}",
            replay_in(scenario, "by-the-book", "1", &[0, 1]),
            replay_in(scenario, "sloppy", "1", &[2]),
        );
        insta::assert_snapshot!(scenario, text);
    }
}
