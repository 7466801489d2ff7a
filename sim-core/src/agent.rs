//! The agent boundary: plain-data observations and actions, and the trait in-process agents implement.
//!
//! No ECS types cross this boundary, so adapters (stdio, HTTP) can live in other crates.

use crate::act::{Act, Slot};
use crate::spec::{ScenarioSpec, ToolId};
use crate::world::{ToolArgs, ToolOutcome};

/// What the agent sees at the start of its turn.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Observation {
    /// Concurrent slot the episode occupies; agents key their per-episode state by it.
    pub slot: u32,
    /// Episode index in the run.
    pub episode: u64,
    /// Index of the turn the agent is about to take.
    pub turn: u16,
    /// The customer's latest turn, if the customer spoke since the agent's last action.
    pub customer: Option<Act>,
    /// Rendered customer text, for agents that need it (`None` for act-level agents).
    pub customer_text: Option<String>,
    /// The result of the agent's previous tool call, if its last action was a call.
    pub tool_result: Option<(ToolId, ToolOutcome)>,
    /// That result as the tool's text, for agents that read text (`None` for act-level agents).
    pub tool_text: Option<String>,
}

/// What the agent does on its turn.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Action {
    /// Say something; the act is optional for text-only agents (then it must be tagged from the text).
    Say {
        /// What the agent meant.
        act: Act,
        /// The agent's own words, if it wrote any; otherwise the realiser renders the act.
        text: Option<String>,
    },
    /// Call a tool with arguments.
    Call {
        /// The tool.
        tool: ToolId,
        /// Its arguments.
        args: ToolArgs,
    },
    /// Call a tool by name with its arguments written as text, as an agent outside rehearse does: the engine reads
    /// the name and each value (see [`crate::named`]); a tool or argument the scenario lacks is a protocol error
    /// that ends the episode as `agent_failed`, the reply quoted in the reason.
    CallNamed {
        /// The tool's id, as `rehearse tools` names it.
        tool: String,
        /// Argument names (the scenario's slot names) with their values as written.
        args: Vec<(String, String)>,
    },
    /// Say something with the act, its slots and its reason named as text, as an agent outside rehearse does: read
    /// like [`Action::CallNamed`] (see [`crate::named`]).
    SayNamed(Box<crate::named::NamedSay>),
    /// Say something in free text only: the scenario's tagger reads the act from the words (see
    /// [`crate::tagging`]); what it read is recorded on the turn.
    SayText {
        /// The agent's words.
        text: String,
    },
    /// The agent could not act for this episode (it crashed, timed out, or answered off-protocol); the episode
    /// ends as `agent_failed` and the run goes on.
    Fail {
        /// What went wrong, for the transcript.
        reason: String,
    },
    /// The agent has not decided yet (its answer is still on its way): the episode is parked, nothing happens in it
    /// this tick, and the same observation comes again next tick while other episodes advance. An agent must not
    /// answer `Wait` for a whole batch without having waited for something first, or the engine spins.
    Wait,
}

/// A note an agent keeps about its own behaviour: a fault it planted on purpose, at the turn of the action that
/// carries it. It names what the agent did, never a rule or a verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AgentNote {
    /// Turn the note is about.
    pub turn: u16,
    /// What the agent did, e.g. `skipped-step` (the sloppy agent's fault names).
    pub fault: String,
}

/// Per-episode facts an agent learns when an episode starts in a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EpisodeStart {
    /// The slot.
    pub slot: u32,
    /// Episode index.
    pub episode: u64,
    /// A seed for the agent's own randomness, derived from the episode's stream.
    pub agent_seed: u64,
}

/// An in-process agent that decides for a batch of episodes at once.
///
/// The engine calls `begin` when an episode starts in a slot, `act` once per tick with every episode awaiting the agent, and `finish` when the episode ends.
/// An agent must be a pure function of what it was told (plus `agent_seed`) for runs to be reproducible.
pub trait AgentUnderTest: Send + Sync {
    /// Agent name, as shown in outputs.
    fn name(&self) -> &str;
    /// An episode starts in `start.slot`; reset that slot's state.
    fn begin(&mut self, start: EpisodeStart);
    /// Decide one action per observation; push exactly `batch.len()` actions to `out`, in order.
    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>);
    /// Whether the agent reads the customer's text (then the engine renders it into `Observation::customer_text`
    /// with the text renderer it was given); act-level agents leave it `false` and pay nothing for text.
    fn wants_text(&self) -> bool {
        false
    }
    /// Another agent took this turn of the episode in `obs.slot` (`rehearse fork` plays an episode up to a turn
    /// with the agent that ran it, then hands it over): take `action` as the answer to `obs`, as if it were this
    /// agent's own. By default the agent is asked and its answer dropped, which keeps the state of an agent that
    /// reads its state from what it is shown; an agent that keeps a conversation puts `action` in it instead.
    fn adopt(&mut self, obs: &Observation, action: &Action) {
        let _ = action;
        let mut dropped = Vec::with_capacity(1);
        self.act(std::slice::from_ref(obs), &mut dropped);
    }
    /// The episode in `slot` ended; return notes about it.
    fn finish(&mut self, slot: u32) -> Vec<AgentNote> {
        let _ = slot;
        Vec::new()
    }
}

/// Renders a logged turn as text (implemented by the persona crate's surface realiser).
///
/// Rendering must be a pure function of its inputs (the row carries its own text seed), so giving agents text
/// never changes what happens in an episode.
pub trait TextRenderer: Send + Sync {
    /// Appends the text of `row`, a turn of `customer`'s episode in `scenario`, to `out`; `earlier` are the
    /// episode's turns before it (what the customer answers).
    fn render(
        &self,
        scenario: &ScenarioSpec,
        customer: &crate::customer::Customer,
        earlier: &[crate::record::TurnRecord],
        row: &crate::record::TurnRecord,
        out: &mut String,
    );
}

/// Reads values an agent wrote as text back into slot codes (implemented by the persona crate's realiser).
pub trait TextReader: Send + Sync {
    /// The code `text`, written for `slot`, stands for. `candidates` are codes it may stand for (the world's true
    /// value, what the customer said of the slot); a text that is no value must read as a code no world value
    /// equals, so a wrong entry fails its check.
    fn read_value(
        &self,
        scenario: &ScenarioSpec,
        slot: Slot,
        text: &str,
        candidates: &[u64],
    ) -> u64;

    /// Reads the act of free text the agent wrote on a turn of an episode whose customer came with `intent`
    /// (`turns` are the episode's turns so far, `world` its world now).
    fn tag(
        &self,
        scenario: &ScenarioSpec,
        world: &crate::world::WorldState,
        turns: &[crate::record::TurnRecord],
        intent: u16,
        text: &str,
    ) -> crate::tagging::Tagging;
}

/// Builds a fresh agent for one engine shard.
pub type AgentFactory = dyn Fn(&ScenarioSpec) -> Box<dyn AgentUnderTest> + Send + Sync;
