//! Invariants over random seeds, agents and slot counts (proptest).

use std::sync::Arc;

use proptest::prelude::*;
use sim_core::prelude::*;

fn run(seed: u64, agent: &str, slots: usize) -> (Arc<ScenarioSpec>, ShardOutput) {
    let (scenario, personas) = crate::support::retail_support();
    let agent = sim_core::agents::built_in(agent, &scenario).unwrap();
    let mut engine =
        Engine::new(scenario.clone(), personas, agent, EngineConfig { slots }).unwrap();
    let out = engine.run(seed, 1000..1200);
    (scenario, out)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn turns_are_numbered_bounded_and_alternate(
        seed in any::<u64>(),
        agent in prop::sample::select(vec!["by-the-book", "sloppy", "random"]),
        slots in 1usize..64,
    ) {
        let (scenario, out) = run(seed, agent, slots);
        prop_assert_eq!(out.episodes.len(), 200);
        for (idx, record) in out.episodes.iter().enumerate() {
            prop_assert_eq!(record.episode, 1000 + idx as u64);
            let turns = out.turns_of(record);
            prop_assert_eq!(turns.len(), record.n_turns as usize);
            prop_assert!(record.n_turns <= scenario.max_turns);
            prop_assert_eq!(turns[0].speaker, Speaker::Customer);
            for (pos, row) in turns.iter().enumerate() {
                prop_assert_eq!(row.turn as usize, pos);
                prop_assert!((0.0..=1.0).contains(&row.frustration));
            }
            for pair in turns.windows(2) {
                let both_customer = pair[0].speaker == Speaker::Customer && pair[1].speaker == Speaker::Customer;
                prop_assert!(!both_customer, "episode {}: customer spoke twice in a row", record.episode);
            }
            prop_assert!((1..=5).contains(&record.csat));
            let verdicts = out.verdicts_of(record);
            prop_assert_eq!(verdicts.iter().filter(|v| v.rule == RuleRef::Resolution).count(), 1);
            prop_assert!(verdicts.iter().all(|v| v.turn < record.n_turns));
        }
    }
}
