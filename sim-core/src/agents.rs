//! Built-in agents under test: `by-the-book`, `sloppy` (plants violations and logs them) and `random`.

mod by_the_book;
mod random;
mod sloppy;

use std::sync::Arc;

pub use by_the_book::ByTheBook;
pub use random::RandomAgent;
pub use sloppy::{Sloppy, SloppyConfig};

use crate::agent::AgentUnderTest;
use crate::spec::ScenarioSpec;

/// Names of the built-in agents with a one-line description each.
pub const BUILT_IN: [(&str, &str); 3] = [
    (
        "by-the-book",
        "infers the need from the customer, follows every guideline step in order, declines what policy forbids",
    ),
    (
        "sloppy",
        "by-the-book with planted faults: skipped verification or steps, amounts over limits, early close, ignored failed checks, pressure after a no",
    ),
    ("random", "random acts and tool calls; a floor for any metric"),
];

/// Builds a built-in agent by name.
pub fn built_in(name: &str, scenario: &Arc<ScenarioSpec>) -> Option<Box<dyn AgentUnderTest>> {
    match name {
        "by-the-book" => Some(Box::new(ByTheBook::new(scenario.clone()))),
        "sloppy" => Some(Box::new(Sloppy::new(scenario.clone(), SloppyConfig::default()))),
        "random" => Some(Box::new(RandomAgent::new(scenario.clone()))),
        _ => None,
    }
}
