//! Text for outputs: turns rendered by the persona realiser, tool arguments as JSON.

use sim_core::prelude::*;
use sim_core::world::{ToolArgs, ToolOutcome};

use super::OutputContext;

/// The text of a turn: the agent's own words if it wrote any, else the act rendered by the surface realiser.
pub fn render_turn(ctx: &OutputContext, record: &EpisodeRecord, row: &TurnRecord) -> String {
    let render_ctx =
        sim_personas::realise::RenderContext::for_customer(&ctx.scenario, &record.customer);
    sim_personas::realise::render(row, &render_ctx)
}

/// Tool arguments as a JSON object of slot name to rendered value.
pub fn arguments_json(args: &ToolArgs) -> String {
    let map: serde_json::Map<String, serde_json::Value> = args
        .iter()
        .map(|(slot, value)| {
            (
                slot.name().to_owned(),
                serde_json::Value::String(sim_personas::realise::render_value(slot, value)),
            )
        })
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// A tool result as short text.
pub fn result_text(tool: Option<u8>, outcome: ToolOutcome) -> String {
    let _ = tool;
    if outcome.passed {
        format!("ok {}", outcome.value)
    } else {
        format!("failed {}", outcome.value)
    }
}
