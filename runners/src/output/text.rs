//! Text for outputs: turns rendered by the persona realiser, tool arguments as JSON.

use sim_core::prelude::*;
use sim_core::world::{ToolArgs, ToolOutcome};

use sim_personas::phrasebook::Drawn;

use super::OutputContext;

/// Every turn of a shard rendered once, in one buffer, shared by turns.parquet and transcripts.jsonl.
#[derive(Debug, Default)]
pub struct ShardTexts {
    buffer: String,
    /// Byte span of each turn row's text, indexed like `ShardOutput::turns`.
    spans: Vec<(usize, usize)>,
    /// With `--customer-text`: how many customer turns were drawn from real messages and how many were not.
    pub customer_text: Option<CustomerTextTally>,
}

/// How many customer turns said a real customer's words (`--customer-text`), and which acts had none to say.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CustomerTextTally {
    /// Customer turns drawn from real messages.
    pub real: u64,
    /// Of those, turns that also said values bare: values no real message gives (MultiDoGO never labels a merchant).
    pub with_bare_values: u64,
    /// Customer turns that are values alone: no real message gives any of them.
    pub bare_values: u64,
    /// Customer turns in the built-in phrasings: no real message fits their act.
    pub templates: u64,
    /// Of those, per act.
    pub templates_by_act: std::collections::BTreeMap<String, u64>,
}

impl CustomerTextTally {
    /// Adds another shard's counts.
    pub fn merge(&mut self, other: &CustomerTextTally) {
        self.real += other.real;
        self.with_bare_values += other.with_bare_values;
        self.templates += other.templates;
        self.bare_values += other.bare_values;
        for (act, count) in &other.templates_by_act {
            *self.templates_by_act.entry(act.clone()).or_default() += count;
        }
    }
}

impl ShardTexts {
    /// Renders every turn row of `out`.
    pub fn render(ctx: &OutputContext, out: &ShardOutput) -> ShardTexts {
        let mut buffer = String::with_capacity(out.turns.len() * 48);
        let mut spans = vec![(0, 0); out.turns.len()];
        let book = ctx.customer_text.as_ref().map(|text| &*text.book);
        let mut tally = book.map(|_| CustomerTextTally::default());
        for record in &out.episodes {
            let render_ctx =
                sim_personas::realise::RenderContext::for_customer(&ctx.scenario, &record.customer);
            let rows = out.turns_of(record);
            for (at, (row_idx, row)) in record.turns.clone().zip(rows).enumerate() {
                let start = buffer.len();
                let earlier = &rows[..at];
                let drawn =
                    book.and_then(|book| book.render(&ctx.scenario, earlier, row, &mut buffer));
                if matches!(drawn, None | Some(Drawn::Templates)) {
                    let row_ctx = sim_personas::realise::RenderContext { earlier, ..render_ctx };
                    sim_personas::realise::render_into(row, &row_ctx, &mut buffer);
                }
                if let (Some(drawn), Some(tally)) = (drawn, tally.as_mut()) {
                    match drawn {
                        Drawn::Real => tally.real += 1,
                        Drawn::WithBareValues => {
                            tally.real += 1;
                            tally.with_bare_values += 1;
                        }
                        Drawn::BareValues => tally.bare_values += 1,
                        Drawn::Templates => {
                            tally.templates += 1;
                            let act = row.act.map_or("", |act| act.kind.name());
                            *tally.templates_by_act.entry(act.to_owned()).or_default() += 1;
                        }
                    }
                }
                spans[row_idx] = (start, buffer.len());
            }
        }
        ShardTexts { buffer, spans, customer_text: tally }
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
