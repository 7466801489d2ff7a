//! What a run was made from, pinned by content: the SHA-256 of the scenario, each persona (the file, or the
//! embedded text of a built-in) and the agent's configuration, so `replay` can refuse inputs that changed since.

use anyhow::Result;
use serde_json::{Value, json};
use sha2::Digest as _;

use crate::batch::AgentChoice;
use crate::output::hex;

/// One input's name as given, and its content's SHA-256.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pinned {
    /// What the input is: `scenario`, `persona` or `agent`.
    pub role: &'static str,
    /// The argument as recorded (an absolute path or a built-in id).
    pub arg: String,
    /// SHA-256 of its content.
    pub sha256: String,
}

impl Pinned {
    fn to_json(&self) -> Value {
        json!({"role": self.role, "source": self.arg, "sha256": self.sha256})
    }

    /// The hash of an input's content, exactly as it was loaded.
    pub fn of(role: &'static str, arg: &str, content: &[u8]) -> Pinned {
        Pinned { role, arg: arg.to_owned(), sha256: hex(&sha2::Sha256::digest(content)) }
    }

    /// The hash of the agent's configuration (its JSON).
    pub fn agent(agent: &AgentChoice) -> Result<Pinned> {
        let config = serde_json::to_vec(&agent.config_json())?;
        Ok(Pinned::of("agent", agent.name(), &config))
    }
}

/// The SHA-256 of `text`, in hex.
pub fn sha256_hex(text: &str) -> String {
    hex(&sha2::Sha256::digest(text.as_bytes()))
}

/// The hashes as recorded in summary.json and manifest.json.
pub fn to_json(pinned: &[Pinned]) -> Value {
    Value::Array(pinned.iter().map(Pinned::to_json).collect())
}

/// Reads hashes recorded by [`to_json`]; `None` for a run written before inputs were pinned.
pub fn from_json(value: &Value) -> Option<Vec<(String, String, String)>> {
    value
        .as_array()?
        .iter()
        .map(|entry| {
            Some((
                entry["role"].as_str()?.to_owned(),
                entry["source"].as_str()?.to_owned(),
                entry["sha256"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// Every recorded input whose content differs now (or that is gone), as a sentence naming it.
pub fn changed(recorded: &[(String, String, String)], now: &[Pinned]) -> Vec<String> {
    let mut changes = Vec::new();
    for (role, source, sha256) in recorded {
        match now.iter().find(|pinned| pinned.role == role && &pinned.arg == source) {
            Some(pinned) if &pinned.sha256 == sha256 => {}
            Some(_) if role == "agent" => {
                changes.push(format!("the {source} agent's configuration changed since the run"))
            }
            Some(_) => changes.push(format!("{role} {source} changed since the run")),
            None => changes.push(format!("{role} {source} is no longer an input")),
        }
    }
    changes
}
