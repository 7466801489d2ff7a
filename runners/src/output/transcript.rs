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
    /// The world's true values when the customer opened: every slot the world holds, and each declared field (of
    /// a list, the instance the request is about), rendered as the customer would say them.
    #[serde(default)]
    pub world: BTreeMap<String, String>,
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
    /// What the tagger read in the agent's free text (agent messages written as text alone).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tagged: Option<TaggedLine>,
}

/// What the tagger read in an agent's free text, for auditing the verdicts on its turn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaggedLine {
    /// The act read.
    pub act: String,
    /// Its slots: `name` when asked, `name=value` when stated.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub slots: Vec<String>,
    /// For a refusal, the tool named as its reason.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
    /// How sure the tagger was.
    pub confidence: f32,
    /// The phrase that fired.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub phrase: Option<String>,
    /// Whether the confidence reached the threshold (otherwise the turn did nothing but puzzle the customer).
    pub clear: bool,
    /// Protected account facts the text states by their true value, each judged as disclosed: `name=value`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub stated: Vec<String>,
}

impl TaggedLine {
    /// The line for `tagging` in `scenario`.
    pub fn new(scenario: &ScenarioSpec, tagging: &sim_core::tagging::Tagging) -> TaggedLine {
        let slots = |act: &Act, values: bool| -> Vec<String> {
            act.slots
                .iter()
                .map(|slot| {
                    let name = sim_core::spec::slot_name_in(&scenario.slots, slot).unwrap_or("?");
                    match act.value_of(slot).filter(|_| values) {
                        Some(value) => {
                            let shown = sim_personas::realise::render_value(scenario, slot, value);
                            format!("{name}={shown}")
                        }
                        None => name.to_owned(),
                    }
                })
                .collect()
        };
        let act = &tagging.act;
        let carries_values = matches!(act.kind, ActKind::Disclose | ActKind::Offer);
        TaggedLine {
            act: act.kind.name().to_owned(),
            slots: slots(act, carries_values),
            reason: act
                .refusal_reason()
                .and_then(|tool| scenario.tools.get(usize::from(tool)))
                .map(|tool| tool.id.clone()),
            confidence: tagging.confidence,
            phrase: tagging.phrase(&scenario.tagger).map(str::to_owned),
            clear: tagging.clear,
            stated: slots(&tagging.stated, true),
        }
    }
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
    /// The world facts the verdict read, with their values when it was given (before the tool call it judges; at
    /// the end for the resolution verdict), rendered as the customer would say them.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub reads: BTreeMap<String, String>,
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

/// The declared field cells an intent's policy reads or its steps change: its premise, eligibility, conditions,
/// goals, resolution and fix, and its data tools' pre-conditions, values and sets.
fn fields_about(scenario: &ScenarioSpec, intent: &sim_core::spec::IntentSpec) -> u64 {
    use sim_core::spec::{Effect, Eligibility, Outcome};
    fn outcome_exprs<'a>(outcome: &'a Outcome, out: &mut Vec<&'a sim_core::expr::Expr>) {
        match outcome {
            Outcome::Holds(expr) | Outcome::TurnedDown(expr) => out.push(expr),
            Outcome::IfUnsatisfied(inner) => outcome_exprs(inner, out),
            Outcome::AnyOf(all) => all.iter().for_each(|inner| outcome_exprs(inner, out)),
            _ => {}
        }
    }
    let mut exprs: Vec<&sim_core::expr::Expr> = intent.conditions.iter().collect();
    exprs.extend(intent.premise.iter().chain(&intent.fixed));
    exprs.extend(intent.goals.iter().map(|(_, expr)| expr));
    if let Eligibility::Holds(expr) = &intent.eligibility {
        exprs.push(expr);
    }
    intent.resolved.iter().for_each(|outcome| outcome_exprs(outcome, &mut exprs));
    let mut cells = 0;
    for step in &intent.steps {
        if let Effect::Data(data) = &scenario.tools[usize::from(step.tool)].effect {
            exprs.extend(data.pre.iter().chain(&data.value));
            cells |= data
                .set
                .iter()
                .fold(0, |cells, (field, _)| cells | scenario.layout.instances(1 << field));
        }
    }
    exprs.iter().fold(cells, |cells, expr| cells | scenario.cells_read(expr))
}

/// Adds each declared field whose (first) cell is in `cells`, by name, with its value in `world` (of a list field,
/// the instance the request is about), rendered.
fn show_fields(
    scenario: &ScenarioSpec,
    world: &sim_core::world::WorldState,
    cells: u64,
    out: &mut BTreeMap<String, String>,
) {
    for (id, field) in scenario.fields.iter().enumerate() {
        let first = field.instance.is_none_or(|instance| instance.index == 0);
        if first && cells & 1u64.checked_shl(id as u32).unwrap_or(0) != 0 {
            let mut shown = String::new();
            field.ty.render(world.value(scenario, id as sim_core::field::FieldId), &mut shown);
            out.insert(field.name.clone(), shown);
        }
    }
}

/// The world facts `verdict` read, rendered, with their values when it was given: the episode's start world with
/// the tool calls before the verdict's turn applied again (all of them for the resolution verdict). Only passed
/// calls are applied: a call that fails changes nothing.
fn facts_at(
    scenario: &ScenarioSpec,
    intent: &sim_core::spec::IntentSpec,
    start: &sim_core::world::WorldState,
    rows: &[TurnRecord],
    verdict: &Verdict,
) -> BTreeMap<String, String> {
    use sim_core::expr::Env as _;
    let read = sim_core::oracle::facts_read(scenario, intent, verdict.rule);
    if read.is_empty() {
        return BTreeMap::new();
    }
    let mut world = start.clone();
    let before = |row: &&TurnRecord| verdict.rule == RuleRef::Resolution || row.turn < verdict.turn;
    for row in rows.iter().take_while(before) {
        if let (Some(tool), Some(outcome)) = (row.tool, row.outcome)
            && outcome.passed
            && usize::from(tool) < scenario.tools.len()
        {
            world.apply(scenario, intent, tool, &row.args);
        }
    }
    let mut facts = BTreeMap::new();
    show_fields(scenario, &world, read.cells, &mut facts);
    let env = world.focused(scenario);
    for (builtin, name) in read.builtins() {
        let mut shown = String::new();
        builtin.render(env.builtin(builtin), &mut shown);
        facts.insert(name.to_owned(), shown);
    }
    facts
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
    let world = ctx.starts.world(record.seed);
    // The slots this episode is about: what the customer holds, wants, or the intent's tools take.
    let relevant = intent
        .steps
        .iter()
        .fold(SlotSet(customer.knowledge.known.0 | intent.goal_slots.0), |slots, step| {
            SlotSet(slots.0 | scenario.tools[usize::from(step.tool)].args.0)
        });
    let mut truth: BTreeMap<String, String> = relevant
        .iter()
        .filter_map(|slot| {
            let value = match scenario.declared_slot(slot) {
                Some(declared) => world.value(scenario, declared.field),
                None => world.true_value(slot)?,
            };
            let name = sim_core::spec::slot_name_in(&scenario.slots, slot)?;
            Some((name.to_owned(), sim_personas::realise::render_value(scenario, slot, value)))
        })
        .collect();
    show_fields(scenario, &world, fields_about(scenario, intent), &mut truth);
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
                tagged: row.tagged.as_deref().map(|tagging| TaggedLine::new(scenario, tagging)),
            }
        })
        .collect();
    let rows = out.turns_of(record);
    let verdicts = out
        .verdicts_of(record)
        .iter()
        .map(|verdict| VerdictLine {
            reads: facts_at(scenario, intent, &world, rows, verdict),
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
            world: truth,
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
