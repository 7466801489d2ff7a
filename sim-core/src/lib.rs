//! sim-core: the deterministic episode engine of rehearse.
//!
//! A bevy_ecs [`World`](bevy_ecs::world::World) holds many concurrent conversations as entities.
//! Each tick, systems advance every active conversation by one exchange in a fixed order:
//! the agent acts, tools change the world, oracles observe, the customer reacts, finished episodes are judged
//! and their slots are recycled in place for the next episode.
//!
//! Every episode draws randomness only from its own ChaCha stream, seeded from (run seed, scenario id,
//! episode index), so a run's output does not depend on threads, slot counts or scheduling.
//! This crate does no IO: no files, no clock, no environment.
//!
//! # A guided tour
//!
//! - [`spec`]: what a scenario and a persona are, once validated ([`ScenarioSpec`], [`PersonaSpec`]).
//! - [`act`]: dialogue acts and information slots, the canonical record of a conversation.
//! - [`world`]: the per-episode world (account, order) and what tools do to it.
//! - [`field`]: typed fields a scenario declares for its own world records, and the generators that draw them.
//! - [`expr`]: a small typed expression language over those fields, tool arguments and goals.
//! - [`customer`]: the simulated customer: hidden goal and knowledge, traits, mood, reaction model.
//! - [`moves`]: the customer's next move as a model that both samples and scores, and its fitting to real moves.
//! - [`agent`]: the plain-data boundary to the agent under test; [`agents`] holds the built-in ones; [`named`] and
//!   [`tagging`] read what agents outside rehearse write (tools and acts by name, free text).
//! - [`oracle`]: policy, resolution and experience checks, each verdict with a rule and a turn.
//! - [`engine`]: the World, the systems and their order.
//! - [`record`]: what a finished episode leaves behind.
//!
//! ```
//! use std::sync::Arc;
//! use sim_core::prelude::*;
//!
//! let scenario = Arc::new(sim_core::testing::tiny_scenario());
//! let personas: Arc<[PersonaSpec]> = vec![sim_core::testing::calm_persona()].into();
//! let agent = sim_core::agents::built_in("by-the-book", &scenario).unwrap();
//! let mut engine = Engine::new(scenario, personas, agent, EngineConfig { slots: 8 }).unwrap();
//! let out = engine.run(7, 0..100);
//! assert_eq!(out.episodes.len(), 100);
//! assert!(out.episodes.iter().all(|episode| episode.violations == 0));
//! ```
#![warn(missing_docs)]

pub mod act;
pub mod agent;
pub mod agents;
pub mod customer;
pub mod engine;
pub mod error;
pub mod expr;
pub mod field;
pub mod list;
pub mod moves;
pub mod named;
pub mod oracle;
pub mod record;
pub mod rng;
pub mod spec;
pub mod tagging;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod world;

/// The types most users need.
pub mod prelude {
    pub use crate::act::{Act, ActKind, Slot, SlotSet, Speaker};
    pub use crate::agent::{Action, AgentNote, AgentUnderTest, EpisodeStart, Observation};
    pub use crate::engine::{Engine, EngineConfig, EpisodeStarts};
    pub use crate::error::BuildError;
    pub use crate::record::{EndReason, EpisodeRecord, RuleRef, ShardOutput, TurnRecord, Verdict};
    pub use crate::spec::{PersonaSpec, ScenarioSpec};
}

pub use prelude::*;
