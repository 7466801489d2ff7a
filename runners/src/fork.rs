//! `rehearse fork`: one episode of a finished run played up to a turn with the agent that ran it, then continued by
//! another agent, to see what the other would have done from the same place.
//!
//! The run's agent is re-run for the turns before the fork (a built-in agent or a program is deterministic given
//! the same observations), or answered from its recording with `--replay DIR` (an LLM, or any agent whose reruns
//! may differ); a turn whose observation differs from the recording fails the episode there, as in `run --replay`.
//! The new agent is shown every turn from the start, each earlier answer given as the run's agent's
//! ([`AgentUnderTest::adopt`]), then takes over at the first agent turn at or after `--turn`.

use std::sync::Arc;

use anyhow::{Result, bail};
use sim_core::prelude::*;

use crate::agent_io::record::{Playback, Replies};
use crate::cli::{ForkArgs, SimArgs};
use crate::output::TranscriptLine;
use crate::setup::BadInput;

/// The run's agent before the fork turn, the other from it on.
struct Forked {
    name: String,
    before: Box<dyn AgentUnderTest>,
    after: Box<dyn AgentUnderTest>,
    turn: u16,
}

impl AgentUnderTest for Forked {
    fn name(&self) -> &str {
        &self.name
    }

    fn wants_text(&self) -> bool {
        self.before.wants_text() || self.after.wants_text()
    }

    fn begin(&mut self, start: EpisodeStart) {
        self.before.begin(start);
        self.after.begin(start);
    }

    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        for obs in batch {
            if obs.turn >= self.turn {
                self.after.act(std::slice::from_ref(obs), out);
                continue;
            }
            let mut answer = Vec::with_capacity(1);
            self.before.act(std::slice::from_ref(obs), &mut answer);
            let action = answer
                .pop()
                .unwrap_or(Action::Fail { reason: "the run's agent gave no answer".to_owned() });
            if action != Action::Wait {
                self.after.adopt(obs, &action);
            }
            out.push(action);
        }
    }

    fn finish(&mut self, slot: u32) -> Vec<AgentNote> {
        let mut notes = self.before.finish(slot);
        notes.retain(|note| note.turn < self.turn);
        notes.extend(self.after.finish(slot).into_iter().filter(|note| note.turn >= self.turn));
        notes
    }
}

/// Forks the episode and returns its transcript.
pub fn fork(args: &ForkArgs) -> Result<TranscriptLine> {
    let plan = crate::replay::plan_of_run(&args.out, args.episode, args.force)?;
    let before: Box<dyn AgentUnderTest> = match &args.replay {
        Some(dir) => {
            let replies = Replies::load(dir).map_err(|err| BadInput(format!("--replay: {err}")))?;
            Box::new(Playback::new(Arc::new(replies)))
        }
        None => plan.agent.build(&plan.scenario)?,
    };
    let sim: SimArgs = serde_json::from_value(serde_json::json!({
        "scenario": plan.scenario.id,
        "agent": args.agent,
        "model": args.model,
        "agent_timeout": args.agent_timeout,
        "personas": [],
        "seed": plan.seed,
        "threads": 1,
        "slots": 1,
    }))?;
    let choice = crate::setup::agent_choice(&sim)?;
    if matches!(choice, crate::batch::AgentChoice::Replay(_)) {
        bail!(BadInput("--agent names the agent to continue with; it cannot be a replay".into()));
    }
    let after = choice.build(&plan.scenario)?;
    let name = format!("{} to turn {}, then {}", plan.agent.name(), args.turn, choice.name());
    let agent = Box::new(Forked { name, before, after, turn: args.turn });
    crate::replay::simulate_one(&plan, agent, args.episode)
}
