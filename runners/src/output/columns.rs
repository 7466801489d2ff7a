//! Columns for episodes.parquet and turns.parquet, built straight from a shard's flat buffers.

use polars::prelude::*;
use sim_core::prelude::*;

use super::OutputContext;
use super::text::{ShardTexts, arguments_json, result_text};

/// One row per episode.
pub fn episodes_frame(ctx: &OutputContext, out: &ShardOutput) -> PolarsResult<DataFrame> {
    let scenario = &*ctx.scenario;
    let n = out.episodes.len();
    let mut episode = Vec::with_capacity(n);
    let mut seed = Vec::with_capacity(n);
    let mut persona = Vec::with_capacity(n);
    let mut flow = Vec::with_capacity(n);
    let mut subflow = Vec::with_capacity(n);
    let mut end = Vec::with_capacity(n);
    let mut success = Vec::with_capacity(n);
    let mut admissible = Vec::with_capacity(n);
    let mut resolved = Vec::with_capacity(n);
    let mut violations = Vec::with_capacity(n);
    let mut rule_ids = ListStringChunkedBuilder::new("rule_ids".into(), n, n / 4 + 1);
    let mut first_violation_turn: Vec<Option<u32>> = Vec::with_capacity(n);
    let mut abandoned = Vec::with_capacity(n);
    let mut escalated = Vec::with_capacity(n);
    let mut turns = Vec::with_capacity(n);
    let mut frustration = Vec::with_capacity(n);
    let mut csat = Vec::with_capacity(n);
    for record in &out.episodes {
        let intent = &scenario.intents[record.customer.intent as usize];
        episode.push(record.episode);
        seed.push(record.seed);
        persona.push(ctx.personas[record.customer.persona as usize].id.as_str());
        flow.push(intent.flow.as_str());
        subflow.push(intent.id.as_str());
        end.push(record.end.name());
        success.push(record.success());
        admissible.push(record.admissible);
        resolved.push(record.resolved);
        violations.push(u32::from(record.violations));
        let failed = out
            .verdicts_of(record)
            .iter()
            .filter(|v| !v.passed && matches!(v.rule, RuleRef::Policy(_)));
        let mut ids: Vec<&str> = Vec::new();
        for verdict in failed.clone() {
            let id = verdict.rule.id(scenario);
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        rule_ids.append_values_iter(ids.into_iter());
        first_violation_turn.push(failed.map(|v| u32::from(v.turn)).min());
        abandoned.push(record.abandoned());
        escalated.push(record.escalated());
        turns.push(u32::from(record.n_turns));
        frustration.push(record.final_frustration);
        csat.push(u32::from(record.csat));
    }
    // One column per scenario metric, `metric_<name>`, in its stored unit (cents for money).
    let metrics = scenario.metrics.iter().enumerate().map(|(idx, metric)| {
        let values: Vec<i64> = out.episodes.iter().map(|record| record.metrics[idx]).collect();
        Column::new(format!("metric_{}", metric.name).into(), values)
    });
    DataFrame::new(
        n,
        [
            Column::new("episode".into(), episode),
            Column::new("seed".into(), seed),
            Column::new("persona".into(), persona),
            Column::new("flow".into(), flow),
            Column::new("subflow".into(), subflow),
            Column::new("end".into(), end),
            Column::new("admissible".into(), admissible),
            Column::new("success".into(), success),
            Column::new("resolved".into(), resolved),
            Column::new("violations".into(), violations),
            rule_ids.finish().into_series().into_column(),
            Column::new("first_violation_turn".into(), first_violation_turn),
            Column::new("abandoned".into(), abandoned),
            Column::new("escalated".into(), escalated),
            Column::new("turns".into(), turns),
            Column::new("final_frustration".into(), frustration),
            Column::new("csat".into(), csat),
        ]
        .into_iter()
        .chain(metrics)
        .collect(),
    )
}

/// One row per turn.
pub fn turns_frame(
    ctx: &OutputContext,
    out: &ShardOutput,
    texts: &ShardTexts,
) -> PolarsResult<DataFrame> {
    let scenario = &*ctx.scenario;
    let n = out.turns.len();
    let mut episode = Vec::with_capacity(n);
    let mut turn = Vec::with_capacity(n);
    let mut speaker = Vec::with_capacity(n);
    let mut act: Vec<Option<&str>> = Vec::with_capacity(n);
    let mut tool: Vec<Option<&str>> = Vec::with_capacity(n);
    let mut arguments: Vec<Option<String>> = Vec::with_capacity(n);
    let mut result: Vec<Option<String>> = Vec::with_capacity(n);
    let mut text = Vec::with_capacity(n);
    let mut rule_ids = ListStringChunkedBuilder::new("rule_ids".into(), n, n / 16 + 1);
    let mut frustration = Vec::with_capacity(n);
    let mut why = Vec::with_capacity(n);
    for record in &out.episodes {
        let verdicts = out.verdicts_of(record);
        for (row_idx, row) in record.turns.clone().zip(out.turns_of(record)) {
            episode.push(record.episode);
            turn.push(u32::from(row.turn));
            speaker.push(row.speaker.name());
            act.push(row.act.map(|act| act.kind.name()));
            tool.push(
                row.tool
                    .and_then(|id| scenario.tools.get(id as usize))
                    .map(|spec| spec.id.as_str()),
            );
            arguments.push(row.tool.map(|_| arguments_json(scenario, &row.args)));
            result.push(row.outcome.map(result_text));
            text.push(texts.get(row_idx));
            rule_ids.append_values_iter(
                verdicts
                    .iter()
                    .filter(|v| {
                        !v.passed && v.turn == row.turn && matches!(v.rule, RuleRef::Policy(_))
                    })
                    .map(|v| v.rule.id(scenario)),
            );
            frustration.push(row.frustration);
            why.push(row.why);
        }
    }
    DataFrame::new(
        n,
        vec![
            Column::new("episode".into(), episode),
            Column::new("turn".into(), turn),
            Column::new("speaker".into(), speaker),
            Column::new("act".into(), act),
            Column::new("tool".into(), tool),
            Column::new("arguments".into(), arguments),
            Column::new("result".into(), result),
            Column::new("text".into(), text),
            rule_ids.finish().into_series().into_column(),
            Column::new("frustration".into(), frustration),
            Column::new("why".into(), why),
        ],
    )
}
