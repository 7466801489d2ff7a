//! Built-in agents under test: `by-the-book`, `sloppy` (plants violations and logs them), `random`, and the agents
//! built to cheat (`deny-all`, `close-now`, `claim-done`, `tool-spam`).

mod by_the_book;
mod cheats;
mod random;
mod sloppy;

use std::sync::Arc;

pub use by_the_book::ByTheBook;
pub use cheats::{Cheat, Shortcut};
pub use random::RandomAgent;
pub use sloppy::{Fault, Sloppy, SloppyConfig};

use crate::agent::AgentUnderTest;
use crate::spec::ScenarioSpec;

/// Names of the built-in agents with a one-line description each.
pub const BUILT_IN: [(&str, &str); 7] = [
    (
        "by-the-book",
        "infers the need from the customer, follows every guideline step in order, declines what policy forbids",
    ),
    (
        "sloppy",
        "by-the-book with planted faults: skipped verification or steps, amounts over limits, wrong values, early close, ignored failed checks, wrongful refusals, pressure after a no",
    ),
    ("random", "random acts and tool calls; a floor for any metric"),
    ("deny-all", "built to cheat: refuses every request at its first turn, then closes"),
    ("close-now", "built to cheat: closes the conversation at its first turn"),
    ("claim-done", "built to cheat: says the request is done without calling a tool, then closes"),
    (
        "tool-spam",
        "built to cheat: calls tools in random order with the customer's values and plausible numbers",
    ),
];

/// Builds a built-in agent by name.
pub fn built_in(name: &str, scenario: &Arc<ScenarioSpec>) -> Option<Box<dyn AgentUnderTest>> {
    match name {
        "by-the-book" => Some(Box::new(ByTheBook::new(scenario.clone()))),
        "sloppy" => Some(Box::new(Sloppy::new(scenario.clone(), SloppyConfig::default()))),
        "random" => Some(Box::new(RandomAgent::new(scenario.clone()))),
        "deny-all" => Some(Box::new(Cheat::new(Shortcut::DenyAll, scenario.clone()))),
        "close-now" => Some(Box::new(Cheat::new(Shortcut::CloseNow, scenario.clone()))),
        "claim-done" => Some(Box::new(Cheat::new(Shortcut::ClaimDone, scenario.clone()))),
        "tool-spam" => Some(Box::new(Cheat::new(Shortcut::ToolSpam, scenario.clone()))),
        _ => None,
    }
}
