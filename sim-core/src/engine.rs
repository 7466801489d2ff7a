//! The episode engine: one bevy_ecs World holding many concurrent episodes as entities, advanced a turn per tick.
//!
//! Each tick runs the [`TurnSystems`] in a fixed order: the agent acts, tools change the world, oracles observe,
//! the customer reacts, finished episodes are judged and their slots recycled in place for the next episode.

use std::ops::Range;
use std::sync::Arc;

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, SingleThreadedExecutor};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::act::{Act, ActKind, Speaker};
use crate::agent::{Action, AgentUnderTest, EpisodeStart, Observation, TextRenderer};
use crate::customer::Customer;
use crate::error::BuildError;
use crate::oracle::{self, PolicyState};
use crate::record::{EndReason, EpisodeRecord, ShardOutput, TurnRecord, Verdict};
use crate::rng::{episode_rng, episode_seed, scenario_key};
use crate::spec::{IntentId, PersonaSpec, ScenarioSpec};
use crate::world::{ToolArgs, WorldState, weighted_index};

/// How an engine is set up.
#[derive(Clone, Copy, Debug)]
pub struct EngineConfig {
    /// Concurrent episodes held in the World.
    pub slots: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig { slots: 256 }
    }
}

/// The phases of a tick, in order.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TurnSystems {
    /// The agent decides for every episode awaiting it.
    AgentActs,
    /// Tool calls change the world; utterances are logged.
    ToolsApply,
    /// Policy oracles observe the agent's turn.
    OraclesObserve,
    /// Customers react to what the agent said.
    CustomerReacts,
    /// Finished episodes are judged, collected and replaced.
    Termination,
}

/// A World and Schedule that run ranges of episodes, reused across calls.
pub struct Engine {
    world: World,
    schedule: Schedule,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").finish_non_exhaustive()
    }
}

/// Episode bookkeeping.
#[derive(Component, Clone, Debug)]
pub struct EpisodeMeta {
    /// Slot index (stable for the entity's life).
    pub slot: u32,
    /// Whether an episode occupies the slot.
    pub active: bool,
    /// Episode index in the run.
    pub episode: u64,
    /// The episode's seed.
    pub seed: u64,
    /// Next turn index.
    pub turn: u16,
    /// Set once the episode has ended.
    pub end: Option<EndReason>,
    /// Whether the agent acted this tick (so oracles and the customer look at it).
    pub acted: bool,
}

/// The episode's random stream.
#[derive(Component, Clone, Debug)]
pub struct EpisodeRng(pub ChaCha8Rng);

/// The episode's world state.
#[derive(Component, Clone, Debug, Default)]
pub struct EpisodeWorld(pub WorldState);

/// The simulated customer, and a copy as generated.
#[derive(Component, Clone, Debug)]
pub struct SimCustomer {
    /// Current state.
    pub now: Customer,
    /// As generated, before the first turn.
    pub at_start: Customer,
}

/// What passes between the agent and the engine this tick.
#[derive(Component, Clone, Debug, Default)]
pub struct Exchange {
    /// The agent's action, once decided.
    pub pending: Option<Action>,
    /// The customer's latest act, not yet seen by the agent.
    pub customer: Option<Act>,
    /// The latest tool result, not yet seen by the agent.
    pub tool_result: Option<(crate::spec::ToolId, crate::world::ToolOutcome)>,
}

/// The episode's event log.
#[derive(Component, Clone, Debug, Default)]
pub struct EventLog {
    /// Turn rows so far.
    pub turns: Vec<TurnRecord>,
}

/// Oracle state and verdicts so far.
#[derive(Component, Clone, Debug, Default)]
pub struct Judgement {
    /// Policy oracle memory.
    pub policy: PolicyState,
    /// Verdicts so far.
    pub verdicts: Vec<Verdict>,
}

/// The run's inputs, shared by all slots.
#[derive(Resource)]
struct RunSpec {
    scenario: Arc<ScenarioSpec>,
    personas: Arc<[PersonaSpec]>,
    persona_weights: Vec<f64>,
    persona_intents: Vec<(Vec<IntentId>, Vec<f64>)>,
    scenario_key: u64,
    run_seed: u64,
}

/// Episodes still to start.
#[derive(Resource, Default)]
struct EpisodeQueue {
    next: u64,
    end: u64,
    active: usize,
}

/// The agent under test.
#[derive(Resource)]
struct AgentBox(Box<dyn AgentUnderTest>);

/// The renderer for agents that read text, if one was given.
#[derive(Resource, Default)]
struct TextResource(Option<Arc<dyn TextRenderer>>);

/// Reused buffers for the agent's batch.
#[derive(Resource, Default)]
struct ActBuffer {
    observations: Vec<Observation>,
    actions: Vec<Action>,
}

/// Finished episodes of the current run.
#[derive(Resource, Default)]
struct Collected {
    /// Turn rows and verdicts of finished episodes, and records already in order.
    out: ShardOutput,
    /// Records of the current range, placed by episode index as they finish (so no sort is needed).
    pending: Vec<Option<EpisodeRecord>>,
    /// Episode index of `pending[0]`.
    base: u64,
}

impl Engine {
    /// Builds an engine for a scenario, its personas and an agent.
    pub fn new(
        scenario: Arc<ScenarioSpec>,
        personas: Arc<[PersonaSpec]>,
        agent: Box<dyn AgentUnderTest>,
        config: EngineConfig,
    ) -> Result<Engine, BuildError> {
        if personas.is_empty() {
            return Err(BuildError::NoPersonas);
        }
        if config.slots == 0 {
            return Err(BuildError::NoSlots);
        }
        if scenario.tools.len() > oracle::MAX_TOOLS {
            return Err(BuildError::TooManyTools(scenario.tools.len()));
        }
        let mut persona_intents = Vec::with_capacity(personas.len());
        for persona in personas.iter() {
            let mut ids = Vec::new();
            let mut weights = Vec::new();
            for (idx, intent) in scenario.intents.iter().enumerate() {
                if persona.intents.is_empty() || persona.intents.contains(&intent.id) {
                    ids.push(idx as IntentId);
                    weights.push(intent.weight);
                }
            }
            if ids.is_empty() {
                return Err(BuildError::PersonaHasNoIntent {
                    persona: persona.id.clone(),
                    scenario: scenario.id.clone(),
                });
            }
            persona_intents.push((ids, weights));
        }
        let persona_weights = personas.iter().map(|persona| persona.weight).collect();
        let mut world = World::new();
        world.insert_resource(RunSpec {
            scenario_key: scenario_key(&scenario.id),
            scenario,
            personas,
            persona_weights,
            persona_intents,
            run_seed: 0,
        });
        world.insert_resource(EpisodeQueue::default());
        world.insert_resource(AgentBox(agent));
        world.insert_resource(ActBuffer::default());
        world.insert_resource(TextResource::default());
        world.insert_resource(Collected::default());
        for slot in 0..config.slots {
            world.spawn((
                EpisodeMeta {
                    slot: slot as u32,
                    active: false,
                    episode: 0,
                    seed: 0,
                    turn: 0,
                    end: None,
                    acted: false,
                },
                EpisodeRng(episode_rng(0)),
                EpisodeWorld::default(),
                Exchange::default(),
                EventLog::default(),
                Judgement::default(),
            ));
        }
        let mut schedule = Schedule::default();
        schedule.set_executor(SingleThreadedExecutor::new());
        schedule.set_build_settings(ScheduleBuildSettings {
            ambiguity_detection: LogLevel::Error,
            ..ScheduleBuildSettings::default()
        });
        schedule.configure_sets(
            (
                TurnSystems::AgentActs,
                TurnSystems::ToolsApply,
                TurnSystems::OraclesObserve,
                TurnSystems::CustomerReacts,
                TurnSystems::Termination,
            )
                .chain(),
        );
        schedule.add_systems((
            agent_acts.in_set(TurnSystems::AgentActs),
            apply_agent_turns.in_set(TurnSystems::ToolsApply),
            observe_policy.in_set(TurnSystems::OraclesObserve),
            customer_reacts.in_set(TurnSystems::CustomerReacts),
            end_episodes.in_set(TurnSystems::Termination),
        ));
        schedule.initialize(&mut world).map_err(|err| BuildError::Schedule(format!("{err:?}")))?;
        Ok(Engine { world, schedule })
    }

    /// Gives the engine a text renderer, used only for agents whose `wants_text` is true.
    pub fn set_text_renderer(&mut self, renderer: Arc<dyn TextRenderer>) {
        self.world.resource_mut::<TextResource>().0 = Some(renderer);
    }

    /// Runs `episodes` of the run seeded by `run_seed` and returns their records in episode order.
    pub fn run(&mut self, run_seed: u64, episodes: Range<u64>) -> ShardOutput {
        let mut out = ShardOutput::default();
        self.run_into(run_seed, episodes, &mut out);
        out
    }

    /// Like [`Engine::run`], appending into `out` (whose buffers are reused).
    pub fn run_into(&mut self, run_seed: u64, episodes: Range<u64>, out: &mut ShardOutput) {
        self.world.resource_mut::<RunSpec>().run_seed = run_seed;
        *self.world.resource_mut::<EpisodeQueue>() =
            EpisodeQueue { next: episodes.start, end: episodes.end, active: 0 };
        {
            let mut collected = self.world.resource_mut::<Collected>();
            std::mem::swap(&mut collected.out, out);
            collected.base = episodes.start;
            collected.pending.clear();
            collected.pending.resize(episodes.end.saturating_sub(episodes.start) as usize, None);
        }
        self.world.resource_scope(|world, spec: Mut<RunSpec>| {
            world.resource_scope(|world, mut agent: Mut<AgentBox>| {
                let mut queue = std::mem::take(&mut *world.resource_mut::<EpisodeQueue>());
                let mut slots = world.query::<(
                    &mut EpisodeMeta,
                    &mut EpisodeRng,
                    &mut EpisodeWorld,
                    &mut Exchange,
                    &mut EventLog,
                    &mut Judgement,
                    Option<&mut SimCustomer>,
                    Entity,
                )>();
                let mut to_insert = Vec::new();
                for (
                    mut meta,
                    mut rng,
                    mut ep_world,
                    mut exchange,
                    mut log,
                    mut judgement,
                    customer,
                    entity,
                ) in slots.iter_mut(world)
                {
                    meta.active = false;
                    if queue.next >= queue.end {
                        continue;
                    }
                    let episode = queue.next;
                    queue.next += 1;
                    queue.active += 1;
                    let fresh = start_episode(
                        &spec,
                        agent.0.as_mut(),
                        episode,
                        &mut meta,
                        &mut rng,
                        &mut ep_world,
                        &mut exchange,
                        &mut log,
                        &mut judgement,
                    );
                    match customer {
                        Some(mut existing) => *existing = fresh,
                        None => to_insert.push((entity, fresh)),
                    }
                }
                for (entity, customer) in to_insert {
                    world.entity_mut(entity).insert(customer);
                }
                *world.resource_mut::<EpisodeQueue>() = queue;
            });
        });
        while self.world.resource::<EpisodeQueue>().active > 0 {
            self.schedule.run(&mut self.world);
        }
        let mut collected = self.world.resource_mut::<Collected>();
        let collected = &mut *collected;
        let finished = collected
            .pending
            .drain(..)
            .map(|record| record.expect("every episode of the range finished"));
        collected.out.episodes.extend(finished);
        *out = std::mem::take(&mut collected.out);
    }
}

/// Resets a slot for a new episode and logs the customer's opening turn.
#[allow(clippy::too_many_arguments)]
fn start_episode(
    spec: &RunSpec,
    agent: &mut dyn AgentUnderTest,
    episode: u64,
    meta: &mut EpisodeMeta,
    rng: &mut EpisodeRng,
    world: &mut EpisodeWorld,
    exchange: &mut Exchange,
    log: &mut EventLog,
    judgement: &mut Judgement,
) -> SimCustomer {
    let seed = episode_seed(spec.run_seed, spec.scenario_key, episode);
    rng.0 = episode_rng(seed);
    let rng = &mut rng.0;
    let persona_idx = weighted_index(&spec.persona_weights, rng);
    let persona = &spec.personas[persona_idx];
    let (intent_ids, intent_weights) = &spec.persona_intents[persona_idx];
    let intent_id = intent_ids[weighted_index(intent_weights, rng)];
    let intent = &spec.scenario.intents[intent_id as usize];
    world.0 = WorldState::generate(&spec.scenario.world, rng);
    let mut customer =
        Customer::generate(persona_idx as u16, persona, intent_id, intent, &world.0, rng);
    let at_start = customer.clone();
    let agent_seed = rng.random::<u64>();
    let opening = customer.open(persona, rng);
    *meta = EpisodeMeta {
        slot: meta.slot,
        active: true,
        episode,
        seed,
        turn: 1,
        end: None,
        acted: false,
    };
    *exchange = Exchange { pending: None, customer: Some(opening), tool_result: None };
    log.turns.clear();
    log.turns.push(TurnRecord {
        turn: 0,
        speaker: Speaker::Customer,
        act: Some(opening),
        tool: None,
        args: ToolArgs::default(),
        outcome: None,
        text: None,
        text_seed: rng.random(),
        frustration: customer.frustration as f32,
        why: if opening.kind == ActKind::StateNeed {
            "opens with the need"
        } else {
            "opens vaguely"
        },
    });
    judgement.policy = PolicyState::default();
    judgement.verdicts.clear();
    agent.begin(EpisodeStart { slot: meta.slot, episode, agent_seed });
    SimCustomer { now: customer, at_start }
}

fn agent_acts(
    spec: Res<RunSpec>,
    text: Res<TextResource>,
    mut agent: ResMut<AgentBox>,
    mut buffer: ResMut<ActBuffer>,
    mut slots: Query<(&mut EpisodeMeta, &mut Exchange, &EventLog, &SimCustomer)>,
) {
    let buffer = &mut *buffer;
    buffer.observations.clear();
    buffer.actions.clear();
    let renderer = text.0.as_deref().filter(|_| agent.0.wants_text());
    for (meta, mut exchange, log, customer) in &mut slots {
        if !meta.active || meta.end.is_some() {
            continue;
        }
        let said = exchange.customer.take();
        let customer_text = match (renderer, said, log.turns.last()) {
            (Some(renderer), Some(_), Some(row)) if row.speaker == Speaker::Customer => {
                let mut text = String::new();
                renderer.render(&spec.scenario, &customer.now, row, &mut text);
                Some(text)
            }
            _ => None,
        };
        buffer.observations.push(Observation {
            slot: meta.slot,
            episode: meta.episode,
            turn: meta.turn,
            customer: said,
            customer_text,
            tool_result: exchange.tool_result.take(),
        });
    }
    if buffer.observations.is_empty() {
        return;
    }
    agent.0.act(&buffer.observations, &mut buffer.actions);
    assert_eq!(
        buffer.actions.len(),
        buffer.observations.len(),
        "agent {} returned the wrong number of actions",
        agent.0.name()
    );
    let mut actions = buffer.actions.drain(..);
    for (mut meta, mut exchange, _, _) in &mut slots {
        if !meta.active || meta.end.is_some() {
            continue;
        }
        exchange.pending = actions.next();
        meta.acted = true;
    }
}

fn apply_agent_turns(
    spec: Res<RunSpec>,
    mut slots: Query<(
        &mut EpisodeMeta,
        &mut EpisodeRng,
        &mut EpisodeWorld,
        &mut Exchange,
        &mut EventLog,
        &SimCustomer,
    )>,
) {
    let scenario = &*spec.scenario;
    for (mut meta, mut rng, mut world, mut exchange, mut log, customer) in &mut slots {
        if !meta.acted {
            continue;
        }
        let turn = meta.turn;
        let frustration = customer.now.frustration as f32;
        let text_seed = rng.0.random();
        let pending = exchange.pending.take();
        let row = match pending.as_ref() {
            Some(Action::Call { tool, args }) => {
                let intent = &scenario.intents[customer.now.intent as usize];
                let outcome = if (*tool as usize) < scenario.tools.len() {
                    world.0.apply(scenario, intent, *tool, args)
                } else {
                    crate::world::ToolOutcome { passed: false, value: 0 }
                };
                exchange.tool_result = Some((*tool, outcome));
                TurnRecord {
                    turn,
                    speaker: Speaker::Tool,
                    act: None,
                    tool: Some(*tool),
                    args: *args,
                    outcome: Some(outcome),
                    text: None,
                    text_seed,
                    frustration,
                    why: "",
                }
            }
            Some(Action::Say { act, text }) => TurnRecord {
                turn,
                speaker: Speaker::Agent,
                act: Some(*act),
                tool: None,
                args: ToolArgs::default(),
                outcome: None,
                text: text.as_deref().map(Box::from),
                text_seed,
                frustration,
                why: "",
            },
            Some(Action::Fail { reason }) => {
                meta.end = Some(EndReason::AgentFailed);
                TurnRecord {
                    turn,
                    speaker: Speaker::Agent,
                    act: None,
                    tool: None,
                    args: ToolArgs::default(),
                    outcome: None,
                    text: Some(format!("[agent failed: {reason}]").into()),
                    text_seed,
                    frustration,
                    why: "",
                }
            }
            None => unreachable!("every acting episode has a pending action"),
        };
        exchange.pending = pending;
        log.turns.push(row);
        meta.turn += 1;
    }
}

fn observe_policy(
    spec: Res<RunSpec>,
    mut slots: Query<(&EpisodeMeta, &EventLog, &SimCustomer, &EpisodeWorld, &mut Judgement)>,
) {
    let scenario = &*spec.scenario;
    for (meta, log, customer, world, mut judgement) in &mut slots {
        if !meta.acted {
            continue;
        }
        let judgement = &mut *judgement;
        let intent = &scenario.intents[customer.now.intent as usize];
        let row = log.turns.last().expect("the agent's turn was logged");
        if let (Some(tool), Some(outcome)) = (row.tool, row.outcome) {
            if (tool as usize) < scenario.tools.len() {
                let refunded_before = refunded_before(scenario, &log.turns);
                oracle::judge_call(
                    scenario,
                    intent,
                    &world.0,
                    refunded_before,
                    &mut judgement.policy,
                    row.turn,
                    tool,
                    &row.args,
                    &mut judgement.verdicts,
                );
                oracle::record_call(scenario, &mut judgement.policy, tool, outcome);
            }
        } else if let Some(act) = row.act {
            oracle::judge_say(
                scenario,
                intent,
                &world.0,
                &mut judgement.policy,
                &log.turns,
                row.turn,
                &act,
                &mut judgement.verdicts,
            );
        }
        oracle::judge_obligations(
            scenario,
            &mut judgement.policy,
            &log.turns,
            &mut judgement.verdicts,
        );
    }
}

/// Cents refunded by refund calls logged before the last row.
fn refunded_before(scenario: &ScenarioSpec, turns: &[TurnRecord]) -> u64 {
    let (_, earlier) = turns.split_last().unwrap_or((&turns[0], &[]));
    earlier
        .iter()
        .filter(|row| {
            row.tool.is_some_and(|tool| {
                scenario
                    .tools
                    .get(tool as usize)
                    .is_some_and(|t| t.effect == crate::spec::Effect::Refund)
            })
        })
        .filter_map(|row| row.outcome.map(|outcome| outcome.value))
        .sum()
}

fn customer_reacts(
    spec: Res<RunSpec>,
    mut slots: Query<(
        &mut EpisodeMeta,
        &mut EpisodeRng,
        &mut Exchange,
        &mut EventLog,
        &mut SimCustomer,
    )>,
) {
    let max_turns = spec.scenario.max_turns;
    for (mut meta, mut rng, mut exchange, mut log, mut customer) in &mut slots {
        if !meta.acted {
            continue;
        }
        meta.acted = false;
        let persona = &spec.personas[customer.now.persona as usize];
        let turn = meta.turn;
        let reaction = match exchange.pending.take() {
            Some(Action::Say { act, .. }) => {
                match act.kind {
                    ActKind::Close => meta.end = Some(EndReason::Closed),
                    ActKind::Transfer => meta.end = Some(EndReason::Escalated),
                    _ => {}
                }
                if meta.end.is_some() {
                    None
                } else {
                    Some(customer.now.react(&act, persona, turn, &mut rng.0))
                }
            }
            Some(Action::Call { .. }) => customer.now.wait(persona, turn),
            Some(Action::Fail { .. }) | None => None,
        };
        if let Some((act, why)) = reaction {
            if act.kind == ActKind::Leave {
                meta.end = Some(EndReason::Abandoned);
            }
            exchange.customer = Some(act);
            log.turns.push(TurnRecord {
                turn,
                speaker: Speaker::Customer,
                act: Some(act),
                tool: None,
                args: ToolArgs::default(),
                outcome: None,
                text: None,
                text_seed: rng.0.random(),
                frustration: customer.now.frustration as f32,
                why,
            });
            meta.turn += 1;
        }
        if meta.end.is_none() && meta.turn >= max_turns {
            meta.end = Some(EndReason::TurnLimit);
        }
    }
}

#[allow(clippy::type_complexity)]
fn end_episodes(
    spec: Res<RunSpec>,
    mut agent: ResMut<AgentBox>,
    mut queue: ResMut<EpisodeQueue>,
    mut collected: ResMut<Collected>,
    mut slots: Query<(
        &mut EpisodeMeta,
        &mut EpisodeRng,
        &mut EpisodeWorld,
        &mut Exchange,
        &mut EventLog,
        &mut Judgement,
        &mut SimCustomer,
    )>,
) {
    let scenario = &*spec.scenario;
    let collected = &mut *collected;
    for (mut meta, mut rng, mut world, mut exchange, mut log, mut judgement, mut customer) in
        &mut slots
    {
        let Some(end) = meta.end else { continue };
        if !meta.active {
            continue;
        }
        let last_turn = meta.turn.saturating_sub(1);
        let out = &mut collected.out;
        let intent = &scenario.intents[customer.now.intent as usize];
        let resolution =
            oracle::judge_resolution(intent, &world.0, &customer.now, &judgement.policy, last_turn);
        let resolved = resolution.passed;
        let violations = judgement.verdicts.iter().filter(|verdict| !verdict.passed).count() as u16;
        let verdict_start = out.verdicts.len();
        out.verdicts.extend_from_slice(&judgement.verdicts);
        out.verdicts.push(resolution);
        if let Some(ending) = oracle::judge_ending(end, last_turn) {
            out.verdicts.push(ending);
        }
        let turn_start = out.turns.len();
        out.turns.append(&mut log.turns);
        let frustration = customer.now.frustration;
        let pending_idx = (meta.episode - collected.base) as usize;
        let record = EpisodeRecord {
            episode: meta.episode,
            seed: meta.seed,
            customer: customer.at_start.clone(),
            end,
            resolved,
            violations,
            n_turns: meta.turn,
            final_frustration: frustration,
            csat: oracle::csat(end, resolved, frustration),
            turns: turn_start..out.turns.len(),
            verdicts: verdict_start..out.verdicts.len(),
            agent_notes: agent.0.finish(meta.slot),
            rules_exercised: judgement.policy.exercised,
        };
        collected.pending[pending_idx] = Some(record);
        queue.active -= 1;
        if queue.next < queue.end {
            let episode = queue.next;
            queue.next += 1;
            queue.active += 1;
            *customer = start_episode(
                &spec,
                agent.0.as_mut(),
                episode,
                &mut meta,
                &mut rng,
                &mut world,
                &mut exchange,
                &mut log,
                &mut judgement,
            );
        } else {
            meta.active = false;
        }
    }
}

#[cfg(test)]
mod tests;
