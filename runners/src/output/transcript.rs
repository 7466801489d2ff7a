//! transcripts.jsonl: one line per episode with chat-format messages, the hidden customer and every verdict.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim_core::prelude::*;

use super::OutputContext;
use super::text::{ShardTexts, arguments_json};

/// One line of transcripts.jsonl.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TranscriptLine {
    /// Episode index.
    pub episode: u64,
    /// Episode seed.
    pub seed: u64,
    /// Persona id.
    pub persona: String,
    /// ABCD flow.
    pub flow: String,
    /// ABCD subflow (the customer's intent).
    pub subflow: String,
    /// The hidden customer as generated.
    pub customer: HiddenCustomer,
    /// Chat-format messages.
    pub messages: Vec<Message>,
    /// Every verdict.
    pub verdicts: Vec<VerdictLine>,
    /// What the agent logged about its own behaviour: the faults the sloppy agent planted, at their turns.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub agent_notes: Vec<AgentNote>,
    /// How it ended.
    pub outcome: OutcomeLine,
}

/// What the customer knew and wanted, hidden from the agent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HiddenCustomer {
    /// Whether they are not the account holder.
    pub impostor: bool,
    /// Traits drawn from the persona.
    pub traits: BTreeMap<String, f64>,
    /// Believed slot values (rendered); wrong or invented ones differ from the account.
    pub knowledge: BTreeMap<String, String>,
    /// Starting frustration.
    pub frustration: f64,
}

/// A chat message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// user, assistant or tool.
    pub role: String,
    /// Turn index.
    pub turn: u16,
    /// Text.
    pub content: String,
    /// The act (utterances).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub act: Option<String>,
    /// The tool called (tool messages).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// Tool arguments as JSON (tool messages).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub arguments: Option<String>,
    /// Customer frustration after the turn.
    pub frustration: f32,
    /// Why the customer chose the act (customer messages).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub why: Option<String>,
}

/// A verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerdictLine {
    /// Rule id.
    pub rule: String,
    /// Turn index.
    pub turn: u16,
    /// Whether it passed.
    pub passed: bool,
    /// One-line reason.
    pub reason: String,
    /// The sentence of the scenario's policy the rule enforces (failed policy verdicts of rules that cite one).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cites: Option<String>,
}

/// Episode outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutcomeLine {
    /// closed, abandoned, escalated or turn_limit.
    pub end: String,
    /// Whether the request was admissible and asked by the account holder.
    #[serde(default)]
    pub admissible: bool,
    /// Resolved with no policy violation (the reward).
    #[serde(default)]
    pub success: bool,
    /// Resolution oracle.
    pub resolved: bool,
    /// Failed policy verdicts.
    pub violations: u16,
    /// Turns.
    pub turns: u16,
    /// Final frustration.
    pub final_frustration: f64,
    /// CSAT proxy 1–5.
    pub csat: u8,
}

/// Builds the transcript line of one episode.
pub fn transcript_line(
    ctx: &OutputContext,
    out: &ShardOutput,
    texts: &ShardTexts,
    record: &EpisodeRecord,
) -> TranscriptLine {
    let scenario = &*ctx.scenario;
    let intent = &scenario.intents[record.customer.intent as usize];
    let customer = &record.customer;
    let traits = &customer.traits;
    let traits = BTreeMap::from([
        ("patience".to_owned(), f64::from(traits.patience)),
        ("cooperativeness".to_owned(), traits.cooperativeness),
        ("verbosity".to_owned(), traits.verbosity),
        ("honesty".to_owned(), traits.honesty),
        ("pushiness".to_owned(), traits.pushiness),
        ("recall_error".to_owned(), traits.recall_error),
        ("formality".to_owned(), traits.formality),
        ("typo_rate".to_owned(), traits.typo_rate),
    ]);
    let knowledge = customer
        .knowledge
        .known
        .iter()
        .map(|slot| {
            (
                scenario.slot_name(slot).to_owned(),
                sim_personas::realise::render_value(
                    scenario,
                    slot,
                    customer.knowledge.values[slot],
                ),
            )
        })
        .collect();
    let messages = record
        .turns
        .clone()
        .zip(out.turns_of(record))
        .map(|(row_idx, row)| {
            let role = match row.speaker {
                Speaker::Customer => "user",
                Speaker::Agent => "assistant",
                Speaker::Tool => "tool",
            };
            Message {
                role: role.to_owned(),
                turn: row.turn,
                content: texts.get(row_idx).to_owned(),
                act: row.act.map(|act| act.kind.name().to_owned()),
                name: row
                    .tool
                    .and_then(|id| scenario.tools.get(id as usize))
                    .map(|tool| tool.id.clone()),
                arguments: row.tool.map(|_| arguments_json(scenario, &row.args)),
                frustration: row.frustration,
                why: (!row.why.is_empty()).then(|| row.why.to_owned()),
            }
        })
        .collect();
    let verdicts = out
        .verdicts_of(record)
        .iter()
        .map(|verdict| VerdictLine {
            rule: verdict.rule.id(scenario).to_owned(),
            turn: verdict.turn,
            passed: verdict.passed,
            reason: verdict.describe(scenario),
            cites: match verdict.rule {
                RuleRef::Policy(idx) if !verdict.passed => scenario
                    .rules
                    .get(usize::from(idx))
                    .filter(|rule| !rule.cites.is_empty())
                    .map(|rule| rule.cites.split_whitespace().collect::<Vec<_>>().join(" ")),
                _ => None,
            },
        })
        .collect();
    TranscriptLine {
        episode: record.episode,
        seed: record.seed,
        persona: ctx.personas[customer.persona as usize].id.clone(),
        flow: intent.flow.clone(),
        subflow: intent.id.clone(),
        customer: HiddenCustomer {
            impostor: customer.impostor,
            traits,
            knowledge,
            frustration: customer.frustration,
        },
        messages,
        verdicts,
        agent_notes: record.agent_notes.clone(),
        outcome: OutcomeLine {
            end: record.end.name().to_owned(),
            admissible: record.admissible,
            success: record.success(),
            resolved: record.resolved,
            violations: record.violations,
            turns: record.n_turns,
            final_frustration: record.final_frustration,
            csat: record.csat,
        },
    }
}
