//! The smallest agent over rehearse's stdio protocol (PROTOCOL.md), in Rust: it refuses each request once, then
//! closes. It measures the transport, not an agent: `rehearse bench --agent 'cmd:PATH/stdio_agent'` next to
//! `--agent deny-all`, the same behaviour in process.
//!
//! Build: `cargo build --release -p sim-runners --example stdio_agent` (the binary lands in
//! `target/release/examples/stdio_agent`).

use std::collections::HashSet;
use std::io::{BufRead, Write};

use serde_json::{Value, json};

fn main() -> std::io::Result<()> {
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut refused: HashSet<u64> = HashSet::new();
    for line in stdin.lines() {
        let message: Value = serde_json::from_str(&line?).unwrap_or(Value::Null);
        let reply = match message["type"].as_str() {
            Some("hello") => json!({"type": "hello", "protocol": 1, "name": "stdio_agent"}),
            Some("turns") => {
                for episode in message["ended"].as_array().into_iter().flatten() {
                    refused.remove(&episode.as_u64().unwrap_or(u64::MAX));
                }
                let batch = message["batch"].as_array().map_or(&[][..], Vec::as_slice);
                let actions: Vec<Value> = batch
                    .iter()
                    .map(|observation| {
                        let episode = observation["episode"].as_u64().unwrap_or(u64::MAX);
                        if refused.insert(episode) {
                            json!({"act": "deny", "say": "I'm sorry, I can't help with that."})
                        } else {
                            json!({"act": "close", "say": "Goodbye."})
                        }
                    })
                    .collect();
                json!({"type": "actions", "actions": actions})
            }
            _ => continue,
        };
        serde_json::to_writer(&mut stdout, &reply)?;
        stdout.write_all(b"\n")?;
        stdout.flush()?;
    }
    Ok(())
}
