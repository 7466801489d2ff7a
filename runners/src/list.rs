//! `rehearse list`: built-in scenarios, personas and agents, one line each.

use std::fmt::Write as _;

/// The listing as text.
pub fn render() -> String {
    let scenarios = sim_scenarios::list_built_in();
    let personas = sim_personas::list_built_in();
    let agents: Vec<(String, String)> = sim_core::agents::BUILT_IN
        .iter()
        .map(|(id, description)| ((*id).to_owned(), (*description).to_owned()))
        .chain([
            (
                "cmd:COMMAND".to_owned(),
                "your own agent: a program speaking the stdio protocol of PROTOCOL.md".to_owned(),
            ),
            (
                "openai:URL".to_owned(),
                "your own agent behind an OpenAI-compatible chat-completions API (with --model)"
                    .to_owned(),
            ),
        ])
        .collect();
    let groups = [("scenarios", scenarios), ("personas", personas), ("agents", agents)];
    let width = groups.iter().flat_map(|(_, items)| items.iter().map(|(id, _)| id.len())).max();
    let width = width.unwrap_or(0);
    let mut out = String::new();
    for (title, items) in groups {
        let _ = writeln!(out, "{title}:");
        for (id, description) in items {
            let _ = writeln!(out, "  {id:<width$}  {description}");
        }
    }
    out
}
