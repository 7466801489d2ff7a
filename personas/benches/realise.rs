//! divan benchmarks of the surface realiser: cost per rendered turn on engine-produced transcripts.
//!
//! Rows come from the tiny scenario driven by every built-in persona, so verbosity, acts and tool rows
//! are mixed as in a real run, and so are writing styles; CI only compiles these (`cargo bench --no-run`).

use std::sync::Arc;

use divan::counter::ItemsCount;
use sim_core::prelude::*;
use sim_core::testing::tiny_scenario;
use sim_personas::realise::{RenderContext, render, render_into};

fn main() {
    divan::main();
}

/// The turns of 2,000 episodes, each with its customer's render context.
fn transcripts() -> (Arc<ScenarioSpec>, ShardOutput) {
    let scenario = Arc::new(tiny_scenario());
    let personas: Arc<[PersonaSpec]> = sim_personas::load_all_built_in().into();
    let agent = sim_core::agents::built_in("sloppy", &scenario).expect("built-in agent");
    let mut engine =
        Engine::new(Arc::clone(&scenario), personas, agent, EngineConfig { slots: 64 })
            .expect("valid setup");
    let out = engine.run(11, 0..2000);
    (scenario, out)
}

/// `render` of every turn; the counter gives turns per second.
#[divan::bench]
fn render_rows(bencher: divan::Bencher) {
    let (scenario, out) = transcripts();
    bencher.counter(ItemsCount::new(out.turns.len())).bench_local(|| {
        let mut n_bytes = 0;
        for record in &out.episodes {
            let ctx = RenderContext::for_customer(&scenario, &record.customer);
            for row in out.turns_of(record) {
                n_bytes += render(row, &ctx).len();
            }
        }
        n_bytes
    });
}

/// `render_into` of every turn into one reused buffer, cleared per turn as a transcript writer would.
#[divan::bench]
fn render_into_rows(bencher: divan::Bencher) {
    let (scenario, out) = transcripts();
    let mut text = String::new();
    bencher.counter(ItemsCount::new(out.turns.len())).bench_local(|| {
        let mut n_bytes = 0;
        for record in &out.episodes {
            let ctx = RenderContext::for_customer(&scenario, &record.customer);
            for row in out.turns_of(record) {
                text.clear();
                render_into(row, &ctx, &mut text);
                n_bytes += text.len();
            }
        }
        n_bytes
    });
}

/// `render_into_rows` with every customer's style made plain (formality 0.5, no typos), which renders the text
/// from before styles: the difference to `render_into_rows` is the cost of writing in style.
#[divan::bench]
fn render_into_rows_plain_style(bencher: divan::Bencher) {
    let (scenario, out) = transcripts();
    let mut text = String::new();
    bencher.counter(ItemsCount::new(out.turns.len())).bench_local(|| {
        let mut n_bytes = 0;
        for record in &out.episodes {
            let ctx = RenderContext {
                formality: 0.5,
                typo_rate: 0.0,
                ..RenderContext::for_customer(&scenario, &record.customer)
            };
            for row in out.turns_of(record) {
                text.clear();
                render_into(row, &ctx, &mut text);
                n_bytes += text.len();
            }
        }
        n_bytes
    });
}
