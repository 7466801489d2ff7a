//! `rehearse policy`: a scenario's policy text (an agent's system prompt), or its rules with the sentences they cite.

use std::fmt::Write as _;

use anyhow::Result;

use crate::cli::PolicyArgs;
use crate::setup::BadInput;

/// The policy text, or with `--rules` one block per rule.
pub fn render(args: &PolicyArgs) -> Result<String> {
    let (scenario, _) = crate::setup::load_scenario(&args.scenario)?;
    if !args.rules {
        if scenario.policy.trim().is_empty() {
            anyhow::bail!(BadInput(format!(
                "scenario `{}` has no policy text (add `policy: \"...\"` to its file)",
                scenario.id
            )));
        }
        let mut text = scenario.policy.trim().to_owned();
        text.push('\n');
        return Ok(text);
    }
    let mut out = String::new();
    for rule in &scenario.rules {
        let _ = writeln!(out, "{}\n  checks: {}", rule.id, rule.text);
        if rule.cites.is_empty() {
            let _ = writeln!(out, "  cites:  (no sentence of the policy)");
        } else {
            let cites = rule.cites.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = writeln!(out, "  cites:  \"{cites}\"");
        }
    }
    Ok(out)
}
