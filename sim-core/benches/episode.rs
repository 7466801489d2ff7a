//! divan benchmarks of the engine on the hand-built tiny scenario: cost per episode and per engine build.
//!
//! `rehearse bench` measures the real scenarios end to end; CI only compiles these (`cargo bench --no-run`).

use std::sync::Arc;

use divan::counter::ItemsCount;
use sim_core::prelude::*;
use sim_core::testing::{calm_persona, tiny_scenario};

fn main() {
    divan::main();
}

fn engine(agent: &str, slots: usize) -> Engine {
    let scenario = Arc::new(tiny_scenario());
    let personas: Arc<[PersonaSpec]> = vec![calm_persona()].into();
    let agent = sim_core::agents::built_in(agent, &scenario).expect("built-in agent");
    Engine::new(scenario, personas, agent, EngineConfig { slots }).expect("valid setup")
}

/// 4,096 episodes through a reused engine; the counter gives episodes per second.
#[divan::bench(args = ["by-the-book", "sloppy", "random"])]
fn episodes(bencher: divan::Bencher, agent: &str) {
    let mut engine = engine(agent, 256);
    let mut seed = 0;
    bencher.counter(ItemsCount::new(4096usize)).bench_local(|| {
        seed += 1;
        engine.run(seed, 0..4096)
    });
}

/// Building an engine (World, 256 slot entities, schedule).
#[divan::bench]
fn build_engine() -> Engine {
    engine("by-the-book", 256)
}
