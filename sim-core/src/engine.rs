//! The episode engine: one bevy_ecs World holding many concurrent episodes as entities, advanced a turn per tick.
//!
//! Each tick runs the [`TurnSystems`] in a fixed order: the agent acts, tools change the world, oracles observe,
//! the customer reacts, finished episodes are judged and their slots recycled in place for the next episode.
//! The systems themselves live in `engine/systems.rs`.

mod systems;

use systems::{
    agent_acts, apply_agent_turns, customer_reacts, end_episodes, observe_policy, start_episode,
};

use std::ops::Range;
use std::sync::Arc;

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, SingleThreadedExecutor};
use rand_chacha::ChaCha8Rng;

use crate::act::{Act, ActKind, Speaker};
use crate::agent::{Action, AgentUnderTest, EpisodeStart, Observation, TextReader, TextRenderer};
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

impl RunSpec {
    /// Checks the scenario and personas against each other and precomputes the draws of each episode's start.
    fn new(
        scenario: Arc<ScenarioSpec>,
        personas: Arc<[PersonaSpec]>,
    ) -> Result<RunSpec, BuildError> {
        if personas.is_empty() {
            return Err(BuildError::NoPersonas);
        }
        if scenario.tools.len() > oracle::MAX_TOOLS {
            return Err(BuildError::TooManyTools(scenario.tools.len()));
        }
        let mut persona_intents = Vec::with_capacity(personas.len());
        for persona in personas.iter() {
            let mut ids = Vec::new();
            let mut weights = Vec::new();
            for (idx, intent) in scenario.intents.iter().enumerate() {
                if let Some(weight) = persona.weight_of(intent, &scenario) {
                    ids.push(idx as IntentId);
                    weights.push(weight);
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
        Ok(RunSpec {
            scenario_key: scenario_key(&scenario.id),
            scenario,
            personas,
            persona_weights,
            persona_intents,
            run_seed: 0,
        })
    }
}

/// How episodes start, outside an engine: the world an episode began in, drawn from its seed exactly as
/// [`Engine::run`] draws it, so a replay can show the world's true values beside what the customer believes.
pub struct EpisodeStarts {
    spec: RunSpec,
}

impl std::fmt::Debug for EpisodeStarts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EpisodeStarts")
            .field("scenario", &self.spec.scenario.id)
            .finish_non_exhaustive()
    }
}

impl EpisodeStarts {
    /// For a scenario and the run's personas (checked as [`Engine::new`] checks them).
    pub fn new(
        scenario: Arc<ScenarioSpec>,
        personas: Arc<[PersonaSpec]>,
    ) -> Result<EpisodeStarts, BuildError> {
        Ok(EpisodeStarts { spec: RunSpec::new(scenario, personas)? })
    }

    /// The world of the episode with this seed as it was when the customer opened.
    pub fn world(&self, seed: u64) -> WorldState {
        let mut world = WorldState::default();
        let mut rng = episode_rng(seed);
        systems::draw_start(&self.spec, &mut rng, &mut world);
        world
    }
}

/// Episodes still to start.
#[derive(Resource, Default)]
struct EpisodeQueue {
    next: u64,
    end: u64,
    active: usize,
}

impl EpisodeQueue {
    /// The next episode to start, counted as active; `None` once the range is used up.
    fn take_next(&mut self) -> Option<u64> {
        if self.next >= self.end {
            return None;
        }
        let episode = self.next;
        self.next += 1;
        self.active += 1;
        Some(episode)
    }
}

/// The agent under test.
#[derive(Resource)]
struct AgentBox(Box<dyn AgentUnderTest>);

/// The renderer for agents that read text, if one was given.
#[derive(Resource, Default)]
struct TextResource(Option<Arc<dyn TextRenderer>>);

/// The reader of values written as text, for agents that call tools by name, if one was given.
#[derive(Resource, Default)]
struct ReaderResource(Option<Arc<dyn TextReader>>);

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
        if config.slots == 0 {
            return Err(BuildError::NoSlots);
        }
        let mut world = World::new();
        world.insert_resource(RunSpec::new(scenario, personas)?);
        world.insert_resource(EpisodeQueue::default());
        world.insert_resource(AgentBox(agent));
        world.insert_resource(ActBuffer::default());
        world.insert_resource(TextResource::default());
        world.insert_resource(ReaderResource::default());
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

    /// Gives the engine a reader of values written as text, used for tool calls by name ([`Action::CallNamed`]);
    /// without one such a call ends its episode as `agent_failed`.
    pub fn set_text_reader(&mut self, reader: Arc<dyn TextReader>) {
        self.world.resource_mut::<ReaderResource>().0 = Some(reader);
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
                    let Some(episode) = queue.take_next() else { continue };
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

#[cfg(test)]
mod tests;
