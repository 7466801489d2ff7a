//! `rehearse list`: built-in scenarios, personas and agents, one line each.

use std::fmt::Write as _;

/// The listing as text.
pub fn render() -> String {
    let mut out = String::from("scenarios:\n");
    for (id, description) in sim_scenarios::list_built_in() {
        let _ = writeln!(out, "  {id:<18} {description}");
    }
    out.push_str("personas:\n");
    for (id, description) in sim_personas::list_built_in() {
        let _ = writeln!(out, "  {id:<18} {description}");
    }
    out.push_str("agents:\n");
    for (id, description) in sim_core::agents::BUILT_IN {
        let _ = writeln!(out, "  {id:<18} {description}");
    }
    out
}
