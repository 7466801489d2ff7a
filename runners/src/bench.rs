//! `rehearse bench`: engine throughput on 1 and all threads, against a plain-Rust baseline measured in the same run.
//!
//! The baseline generates each episode's world and customer without the ECS or the agent: the fixed cost every
//! episode pays. Quoting the engine as a ratio to it keeps figures comparable on noisy machines.

use std::time::Instant;

use anyhow::Result;
use serde::Serialize;
use sim_core::customer::Customer;
use sim_core::rng::{episode_rng, episode_seed, scenario_key};
use sim_core::world::{WorldState, weighted_index};

use crate::batch::{self, SimPlan};

/// One measurement.
#[derive(Clone, Debug, Serialize)]
pub struct Measurement {
    /// What was measured.
    pub name: String,
    /// Threads used.
    pub threads: usize,
    /// Episodes per second (best of the repetitions).
    pub episodes_per_second: f64,
    /// Turns per second.
    pub turns_per_second: f64,
}

/// Measures the engine on `threads` threads; best of `repeat`.
pub fn engine(plan: &SimPlan, threads: usize, repeat: u32) -> Result<Measurement> {
    let plan = SimPlan { threads, ..plan.clone() };
    let mut best = (0.0f64, 0.0f64);
    for _ in 0..repeat.max(1) {
        let started = Instant::now();
        let mut turns = 0u64;
        batch::run(
            &plan,
            |out| out.turns.len() as u64,
            |wave| {
                turns += wave.iter().sum::<u64>();
                Ok(())
            },
        )?;
        let seconds = started.elapsed().as_secs_f64().max(1e-9);
        if plan.episodes as f64 / seconds > best.0 {
            best = (plan.episodes as f64 / seconds, turns as f64 / seconds);
        }
    }
    Ok(Measurement {
        name: format!("engine, {} + {}", plan.scenario.id, plan.agent.name()),
        threads,
        episodes_per_second: best.0,
        turns_per_second: best.1,
    })
}

/// Plain-Rust baseline on one thread: seed, world and customer generation per episode, no ECS, no agent.
pub fn baseline(plan: &SimPlan, repeat: u32) -> Measurement {
    let scenario = &*plan.scenario;
    let key = scenario_key(&scenario.id);
    let persona_weights: Vec<f64> = plan.personas.iter().map(|persona| persona.weight).collect();
    let intent_weights: Vec<f64> = scenario.intents.iter().map(|intent| intent.weight).collect();
    let mut best = 0.0f64;
    let mut checksum = 0u64;
    for _ in 0..repeat.max(1) {
        let started = Instant::now();
        for episode in 0..plan.episodes {
            let mut rng = episode_rng(episode_seed(plan.seed, key, episode));
            let persona_idx = weighted_index(&persona_weights, &mut rng);
            let intent_idx = weighted_index(&intent_weights, &mut rng);
            let intent = &scenario.intents[intent_idx];
            let world = WorldState::generate(scenario, &mut rng);
            let persona = &plan.personas[persona_idx];
            let customer = Customer::generate(
                scenario,
                persona_idx as u16,
                persona,
                intent_idx as u16,
                intent,
                &world,
                &mut rng,
            );
            checksum = checksum.wrapping_add(customer.knowledge.values.0[0] ^ world.order.order_id);
        }
        best = best.max(plan.episodes as f64 / started.elapsed().as_secs_f64().max(1e-9));
    }
    std::hint::black_box(checksum);
    Measurement {
        name: "baseline: episode setup in plain Rust".into(),
        threads: 1,
        episodes_per_second: best,
        turns_per_second: 0.0,
    }
}

/// The most repetitions of one measurement.
pub const MAX_REPEAT: u64 = 100;

/// `rehearse bench`: for the scenario named (or every built-in one with `--scenario all`), the baseline and the
/// engine on 1 and all threads, printed as a table.
pub fn run(args: &crate::cli::BenchArgs) -> Result<()> {
    use crate::stdout::print;
    let scenarios: Vec<String> = if args.sim.scenario == "all" {
        sim_scenarios::list_built_in().into_iter().map(|(id, _)| id).collect()
    } else {
        vec![args.sim.scenario.clone()]
    };
    crate::setup::check_count("--repeat", u64::from(args.repeat), MAX_REPEAT)?;
    print(&format!("{} episodes per measurement, best of {}\n", args.episodes, args.repeat))?;
    for scenario in scenarios {
        let sim = crate::cli::SimArgs { scenario, ..args.sim.clone() };
        let plan = crate::setup::plan(&sim, args.episodes)?;
        let all = plan.threads;
        let base = baseline(&plan, args.repeat);
        let one = engine(&plan, 1, args.repeat)?;
        let many = engine(&plan, all, args.repeat)?;
        let mut table = String::new();
        for m in [&base, &one, &many] {
            table.push_str(&format!(
                "{:<45} threads {:>2}  {:>12.0} episodes/s  {:>13.0} turns/s\n",
                m.name, m.threads, m.episodes_per_second, m.turns_per_second
            ));
        }
        table.push_str(&format!(
            "engine/baseline (1 thread): {:.3}   scaling {} threads / 1 thread: {:.2}x\n\n",
            one.episodes_per_second / base.episodes_per_second,
            all,
            many.episodes_per_second / one.episodes_per_second
        ));
        print(&table)?;
    }
    Ok(())
}
