//! Golden transcripts: fixed seeds, every built-in agent, rendered as `rehearse replay` prints them.

use crate::support::run_into;

fn replay(agent: &str, seed: &str, episodes: &[u64]) -> String {
    let dir = tempfile::tempdir().unwrap();
    run_into(dir.path(), &["--episodes", "64", "--seed", seed, "--agent", agent, "--threads", "1"]);
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
