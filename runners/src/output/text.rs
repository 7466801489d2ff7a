//! Text for outputs: turns rendered by the persona realiser, tool arguments as JSON.

use sim_core::prelude::*;
use sim_core::world::{ToolArgs, ToolOutcome};

use super::OutputContext;

/// Every turn of a shard rendered once, in one buffer, shared by turns.parquet and transcripts.jsonl.
#[derive(Debug, Default)]
pub struct ShardTexts {
    buffer: String,
    /// Byte span of each turn row's text, indexed like `ShardOutput::turns`.
    spans: Vec<(usize, usize)>,
}

impl ShardTexts {
    /// Renders every turn row of `out`.
    pub fn render(ctx: &OutputContext, out: &ShardOutput) -> ShardTexts {
        let mut buffer = String::with_capacity(out.turns.len() * 48);
        let mut spans = vec![(0, 0); out.turns.len()];
        for record in &out.episodes {
            let render_ctx =
                sim_personas::realise::RenderContext::for_customer(&ctx.scenario, &record.customer);
            for (row_idx, row) in record.turns.clone().zip(out.turns_of(record)) {
                let start = buffer.len();
                sim_personas::realise::render_into(row, &render_ctx, &mut buffer);
                spans[row_idx] = (start, buffer.len());
            }
        }
        ShardTexts { buffer, spans }
    }

    /// The text of the turn row at `idx` in the shard's turn buffer.
    pub fn get(&self, idx: usize) -> &str {
        let (start, end) = self.spans[idx];
        &self.buffer[start..end]
    }
}

/// Tool arguments as a JSON object of slot name to rendered value.
pub fn arguments_json(scenario: &ScenarioSpec, args: &ToolArgs) -> String {
    let map: serde_json::Map<String, serde_json::Value> = args
        .iter()
        .map(|(slot, value)| {
            (
                scenario.slot_name(slot).to_owned(),
                serde_json::Value::String(sim_personas::realise::render_value(
                    scenario, slot, value,
                )),
            )
        })
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// A tool result as short text.
pub fn result_text(outcome: ToolOutcome) -> String {
    if outcome.passed {
        format!("ok {}", outcome.value)
    } else {
        format!("failed {}", outcome.value)
    }
}
