//! The random agent: random acts and tool calls, using whatever the customer has said as arguments.

use std::sync::Arc;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::act::{Act, ActKind, MAX_VALUES, Slot, SlotSet};
use crate::agent::{Action, AgentUnderTest, EpisodeStart, Observation};
use crate::spec::ScenarioSpec;
use crate::world::ToolArgs;

const AGENT_ACTS: [ActKind; 8] = [
    ActKind::AskNeed,
    ActKind::Ask,
    ActKind::InformResult,
    ActKind::Deny,
    ActKind::Apologize,
    ActKind::AnythingElse,
    ActKind::Filler,
    ActKind::Close,
];

#[derive(Clone, Debug)]
struct RandomCase {
    rng: ChaCha8Rng,
    known: ToolArgs,
}

/// Acts at random: a floor any real agent should beat.
#[derive(Debug)]
pub struct RandomAgent {
    scenario: Arc<ScenarioSpec>,
    cases: Vec<Option<RandomCase>>,
}

impl RandomAgent {
    /// A random agent for `scenario`.
    pub fn new(scenario: Arc<ScenarioSpec>) -> RandomAgent {
        RandomAgent { scenario, cases: Vec::new() }
    }
}

impl AgentUnderTest for RandomAgent {
    fn name(&self) -> &str {
        "random"
    }

    fn begin(&mut self, start: EpisodeStart) {
        let slot = start.slot as usize;
        if self.cases.len() <= slot {
            self.cases.resize(slot + 1, None);
        }
        self.cases[slot] = Some(RandomCase {
            rng: ChaCha8Rng::seed_from_u64(start.agent_seed),
            known: ToolArgs::default(),
        });
    }

    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        for obs in batch {
            let case =
                self.cases[obs.slot as usize].as_mut().expect("begin was called for this slot");
            let gives = |act: &Act| matches!(act.kind, ActKind::Inform | ActKind::StateNeed);
            if let Some(act) = obs.customer.filter(gives) {
                for (slot, value) in act.slots.iter().zip(act.values) {
                    case.known.push(slot, value);
                }
            }
            let rng = &mut case.rng;
            if rng.random_bool(0.5) && !self.scenario.tools.is_empty() {
                let tool = rng.random_range(0..self.scenario.tools.len());
                let wanted = self.scenario.tools[tool].args;
                let mut args = ToolArgs::default();
                for (slot, value) in case.known.iter() {
                    if wanted.contains(slot) {
                        args.push(slot, value);
                    }
                }
                if wanted.contains(Slot::AMOUNT) {
                    args.push(Slot::AMOUNT, rng.random_range(1..50_000));
                }
                out.push(Action::Call { tool: tool as u8, args });
            } else {
                let kind = AGENT_ACTS[rng.random_range(0..AGENT_ACTS.len())];
                let act = if kind == ActKind::Ask {
                    let mut slots = SlotSet::EMPTY;
                    for _ in 0..rng.random_range(1..=MAX_VALUES.min(3)) {
                        slots =
                            slots.with(Slot::STANDARD[rng.random_range(0..Slot::STANDARD.len())]);
                    }
                    Act::ask(slots)
                } else {
                    Act::bare(kind)
                };
                out.push(Action::Say { act, text: None });
            }
        }
    }
}
