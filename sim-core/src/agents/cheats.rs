//! Agents built to cheat the oracles: each takes one shortcut an evaluated agent (or an RL policy) might find.
//!
//! `deny-all` refuses at once, `close-now` ends the conversation at its first turn, `claim-done` tells the customer the
//! request is done without calling a tool, and `tool-spam` calls write tools in random order with plausible
//! arguments. A verdict is worth what the cheapest agent that fools it costs: none of these may score a success.

use std::sync::Arc;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::act::{Act, ActKind, MAX_VALUES, SlotSet, SlotValues};
use crate::agent::{Action, AgentUnderTest, EpisodeStart, Observation};
use crate::spec::ScenarioSpec;
use crate::world::ToolArgs;

/// Which shortcut a [`Cheat`] takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    /// Declines the request at its first turn, then closes.
    DenyAll,
    /// Closes at its first turn.
    CloseNow,
    /// Asks what the customer needs, says it is done, asks whether there is anything else, closes; calls no tool.
    ClaimDone,
    /// Asks for every value the tools take, then calls tools in random order with what it heard (and plausible
    /// numbers for the rest), says it is done and closes.
    ToolSpam,
}

impl Shortcut {
    /// The agent's name.
    pub fn name(self) -> &'static str {
        match self {
            Shortcut::DenyAll => "deny-all",
            Shortcut::CloseNow => "close-now",
            Shortcut::ClaimDone => "claim-done",
            Shortcut::ToolSpam => "tool-spam",
        }
    }
}

/// Calls `tool-spam` makes before it declares the job done.
const SPAM_CALLS: u8 = 12;

#[derive(Clone, Debug)]
struct CheatCase {
    rng: ChaCha8Rng,
    turns: u8,
    intent: Option<u16>,
    known: SlotValues,
    known_set: SlotSet,
    asked: SlotSet,
    calls: u8,
    claimed: bool,
    asked_else: bool,
}

/// An agent that takes one [`Shortcut`].
#[derive(Debug)]
pub struct Cheat {
    shortcut: Shortcut,
    scenario: Arc<ScenarioSpec>,
    cases: Vec<Option<CheatCase>>,
}

impl Cheat {
    /// A cheating agent for `scenario`.
    pub fn new(shortcut: Shortcut, scenario: Arc<ScenarioSpec>) -> Cheat {
        Cheat { shortcut, scenario, cases: Vec::new() }
    }
}

impl AgentUnderTest for Cheat {
    fn name(&self) -> &str {
        self.shortcut.name()
    }

    fn begin(&mut self, start: EpisodeStart) {
        let slot = start.slot as usize;
        if self.cases.len() <= slot {
            self.cases.resize(slot + 1, None);
        }
        self.cases[slot] = Some(CheatCase {
            rng: ChaCha8Rng::seed_from_u64(start.agent_seed),
            turns: 0,
            intent: None,
            known: SlotValues::default(),
            known_set: SlotSet::EMPTY,
            asked: SlotSet::EMPTY,
            calls: 0,
            claimed: false,
            asked_else: false,
        });
    }

    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        for obs in batch {
            let case =
                self.cases[obs.slot as usize].as_mut().expect("begin was called for this slot");
            case.turns = case.turns.saturating_add(1);
            if let Some(act) = obs.customer {
                match act.kind {
                    ActKind::StateNeed | ActKind::Insist
                        if usize::from(act.intent) < self.scenario.intents.len() =>
                    {
                        case.intent.get_or_insert(act.intent);
                        for (slot, value) in act.slots.iter().zip(act.values) {
                            case.known[slot] = value;
                            case.known_set = case.known_set.with(slot);
                        }
                    }
                    ActKind::Inform => {
                        for (slot, value) in act.slots.iter().zip(act.values) {
                            case.known[slot] = value;
                            case.known_set = case.known_set.with(slot);
                        }
                    }
                    _ => {}
                }
            }
            let action = match self.shortcut {
                Shortcut::DenyAll if case.turns == 1 => say(deny(case.intent)),
                Shortcut::DenyAll | Shortcut::CloseNow => say(Act::bare(ActKind::Close)),
                Shortcut::ClaimDone => claim_done(case),
                Shortcut::ToolSpam => spam(&self.scenario, case),
            };
            out.push(action);
        }
    }
}

fn say(act: Act) -> Action {
    Action::Say { act, text: None }
}

fn deny(intent: Option<u16>) -> Act {
    Act { intent: intent.unwrap_or(u16::MAX), ..Act::bare(ActKind::Deny) }
}

/// Learns the need, claims it is done, asks "anything else?", closes.
fn claim_done(case: &mut CheatCase) -> Action {
    let Some(intent) = case.intent else {
        return if case.turns <= 3 { say(Act::bare(ActKind::AskNeed)) } else { say(done(None)) };
    };
    wrap_up(case, Some(intent))
}

/// "It's done", then "anything else?", then goodbye.
fn wrap_up(case: &mut CheatCase, intent: Option<u16>) -> Action {
    if !case.claimed {
        case.claimed = true;
        return say(done(intent));
    }
    if !case.asked_else {
        case.asked_else = true;
        return say(Act::bare(ActKind::AnythingElse));
    }
    say(Act::bare(ActKind::Close))
}

fn done(intent: Option<u16>) -> Act {
    Act { intent: intent.unwrap_or(u16::MAX), ..Act::bare(ActKind::InformResult) }
}

/// Gathers every value the tools take, then calls tools at random with them.
fn spam(scenario: &ScenarioSpec, case: &mut CheatCase) -> Action {
    if case.intent.is_none() && case.turns <= 2 {
        return say(Act::bare(ActKind::AskNeed));
    }
    let wanted =
        scenario.tools.iter().fold(SlotSet::EMPTY, |all, tool| SlotSet(all.0 | tool.args.0));
    let missing = SlotSet(wanted.0 & !case.known_set.0 & !case.asked.0);
    if !missing.is_empty() && case.turns < 12 {
        let mut ask = SlotSet::EMPTY;
        for slot in missing.iter().take(3) {
            ask = ask.with(slot);
        }
        case.asked = SlotSet(case.asked.0 | ask.0);
        return say(Act::ask(ask));
    }
    if case.calls < SPAM_CALLS && !scenario.tools.is_empty() {
        case.calls += 1;
        let tool = case.rng.random_range(0..scenario.tools.len());
        let mut args = ToolArgs::default();
        for slot in scenario.tools[tool].args.iter() {
            if args.slots.len() as usize >= MAX_VALUES {
                break;
            }
            let value = if case.known_set.contains(slot) {
                case.known[slot]
            } else {
                // A plausible number: a small code, count or amount in cents.
                case.rng.random_range(0..20_000)
            };
            args.push(slot, value);
        }
        return Action::Call { tool: tool as u8, args };
    }
    wrap_up(case, case.intent)
}
