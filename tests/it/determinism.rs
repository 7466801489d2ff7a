//! Same seed and inputs give byte-identical outputs for any thread count and any number of concurrent slots.

use crate::support::run_into;

fn outputs(args: &[&str]) -> Vec<(String, Vec<u8>)> {
    let dir = tempfile::tempdir().unwrap();
    run_into(dir.path(), args);
    ["episodes.parquet", "turns.parquet", "transcripts.jsonl"]
        .into_iter()
        .map(|name| (name.to_owned(), std::fs::read(dir.path().join(name)).unwrap()))
        .collect()
}

#[test]
fn one_thread_and_two_threads_and_any_slot_count_give_identical_bytes() {
    let base = ["--episodes", "6000", "--seed", "11", "--agent", "sloppy"];
    let one = outputs(&[&base[..], &["--threads", "1", "--slots", "256"]].concat());
    let two = outputs(&[&base[..], &["--threads", "2", "--slots", "256"]].concat());
    let odd = outputs(&[&base[..], &["--threads", "2", "--slots", "7"]].concat());
    for ((name, a), ((_, b), (_, c))) in one.iter().zip(two.iter().zip(&odd)) {
        assert!(!a.is_empty(), "{name} is empty");
        assert!(a == b, "{name} differs between 1 and 2 threads");
        assert!(a == c, "{name} differs between 256 and 7 slots");
    }
}

#[test]
fn a_different_seed_gives_different_episodes() {
    let a = outputs(&["--episodes", "500", "--seed", "1"]);
    let b = outputs(&["--episodes", "500", "--seed", "2"]);
    assert_ne!(a[2].1, b[2].1);
}

#[test]
fn every_built_in_scenario_is_thread_and_slot_independent() {
    for (scenario, _) in sim_scenarios::BUILT_IN {
        let base =
            ["--episodes", "1500", "--seed", "4", "--agent", "sloppy", "--scenario", scenario];
        let one = outputs(&[&base[..], &["--threads", "1", "--slots", "64"]].concat());
        let two = outputs(&[&base[..], &["--threads", "2", "--slots", "5"]].concat());
        for ((name, a), (_, b)) in one.iter().zip(&two) {
            assert!(!a.is_empty(), "{scenario}: {name} is empty");
            assert!(a == b, "{scenario}: {name} differs between 1 thread × 64 slots and 2 × 5");
        }
    }
}
