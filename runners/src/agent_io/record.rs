//! Recording an agent's replies and playing them back without it (`run --record DIR`, `run --replay DIR`).
//!
//! A recording is `DIR/replies.jsonl`, one line per agent turn in (episode, turn) order: the episode, the turn, the
//! hash of what the agent was shown (the customer's act and text, the tool's result and text; not the slot, which
//! depends on timing) and the action it took; and `DIR/recording.json`, the agent's name and configuration and the
//! run's scenario, personas, seed and episode count (a replay on other customers is refused before it starts). Played
//! back, each turn's action is looked up by (episode, turn): an observation whose hash differs is a divergence,
//! reported at that turn (the episode ends as `agent_failed` with both hashes, and the run counts them).

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sim_core::prelude::*;

/// The file of replies in a recording folder.
pub const REPLIES: &str = "replies.jsonl";
/// The file naming the recorded agent.
pub const RECORDING: &str = "recording.json";
/// The start of a divergence's failure reason.
pub const DIVERGED: &str = "replay diverged";

/// What went wrong reading or writing a recording.
#[derive(Debug, thiserror::Error)]
pub enum RecordingError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A line or file is not what a recording holds.
    #[error("{path}:{line}: {problem}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// Its line (1-based).
        line: usize,
        /// What is wrong.
        problem: String,
    },
}

/// The hash of what the agent was shown, as 16 hex digits.
pub fn observation_hash(obs: &Observation) -> String {
    let shown = json!([obs.turn, obs.customer, obs.customer_text, obs.tool_result, obs.tool_text]);
    let digest = Sha256::digest(shown.to_string().as_bytes());
    crate::output::hex(&digest[..8])
}

/// Replies gathered from every engine worker, written out in (episode, turn) order at the end of the run.
#[derive(Debug, Default)]
pub struct Recorder {
    replies: Mutex<BTreeMap<(u64, u16), String>>,
}

impl Recorder {
    /// Wraps `agent` so each of its replies is kept here.
    pub fn wrap(self: &Arc<Self>, agent: Box<dyn AgentUnderTest>) -> Box<dyn AgentUnderTest> {
        Box::new(Recording { inner: agent, recorder: self.clone() })
    }

    /// Writes the recording into `dir` (created if missing), both files whole or not at all.
    /// `agent` is the recorded agent's configuration, `flags` the flags that chose it ([`crate::setup::agent_flags`]),
    /// `run` what it was run on ([`crate::setup::run_flags`]).
    pub fn write(
        &self,
        dir: &Path,
        agent: &Value,
        flags: &Value,
        run: &Value,
    ) -> Result<(), RecordingError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| RecordingError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let replies = self.replies.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut text = String::new();
        for line in replies.values() {
            text.push_str(line);
            text.push('\n');
        }
        let about = json!({"agent": agent, "flags": flags, "run": run, "turns": replies.len()});
        for (name, body) in [(REPLIES, text), (RECORDING, format!("{about:#}\n"))] {
            let path = dir.join(name);
            crate::output::write_whole(&path, body.as_bytes()).map_err(io(&path))?;
        }
        Ok(())
    }
}

/// An agent whose replies are recorded.
struct Recording {
    inner: Box<dyn AgentUnderTest>,
    recorder: Arc<Recorder>,
}

impl AgentUnderTest for Recording {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn wants_text(&self) -> bool {
        self.inner.wants_text()
    }

    fn begin(&mut self, start: EpisodeStart) {
        self.inner.begin(start);
    }

    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        let start = out.len();
        self.inner.act(batch, out);
        let mut replies =
            self.recorder.replies.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for (obs, action) in batch.iter().zip(&out[start..]) {
            if *action == Action::Wait {
                continue;
            }
            let line = json!({
                "episode": obs.episode,
                "turn": obs.turn,
                "observation": observation_hash(obs),
                "action": action,
            });
            replies.insert((obs.episode, obs.turn), line.to_string());
        }
    }

    fn finish(&mut self, slot: u32) -> Vec<AgentNote> {
        self.inner.finish(slot)
    }
}

/// A recording loaded for playback.
#[derive(Debug)]
pub struct Replies {
    /// The recorded agent's configuration, as `recording.json` gives it.
    pub agent: Value,
    /// The recorded agent's name.
    pub name: String,
    wants_text: bool,
    replies: HashMap<(u64, u16), (String, Action)>,
    /// Divergences seen so far, and the first one's place.
    diverged: AtomicU64,
    first: Mutex<Option<(u64, u16)>>,
}

impl Replies {
    /// Loads the recording in `dir`, naming file and line of anything malformed.
    pub fn load(dir: &Path) -> Result<Replies, RecordingError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|source| RecordingError::Io { path, source })
        };
        let malformed = |name: &str, line: usize, problem: String| RecordingError::Malformed {
            path: dir.join(name),
            line,
            problem,
        };
        let about: Value = serde_json::from_str(&read(RECORDING)?)
            .map_err(|err| malformed(RECORDING, err.line(), err.to_string()))?;
        let agent = about.get("agent").cloned().unwrap_or(Value::Null);
        let name = match (&agent["agent"], &agent["command"], &agent["base_url"]) {
            (_, Value::String(command), _) => command.clone(),
            (_, _, Value::String(base)) => base.clone(),
            (Value::String(name), _, _) => name.clone(),
            _ => return Err(malformed(RECORDING, 1, "no `agent` with a name".to_owned())),
        };
        let wants_text = matches!(agent["agent"].as_str(), Some("cmd" | "openai"));
        let mut replies = HashMap::new();
        let text = read(REPLIES)?;
        for (idx, line) in text.as_bytes().lines().enumerate() {
            let line =
                line.map_err(|source| RecordingError::Io { path: dir.join(REPLIES), source })?;
            let parsed = serde_json::from_str::<Value>(&line)
                .map_err(|err| err.to_string())
                .and_then(|value| {
                    let episode = value["episode"].as_u64().ok_or("no `episode`")?;
                    let turn = value["turn"].as_u64().and_then(|turn| u16::try_from(turn).ok());
                    let turn = turn.ok_or("no `turn`")?;
                    let hash = value["observation"].as_str().ok_or("no `observation`")?.to_owned();
                    let action = serde_json::from_value::<Action>(value["action"].clone())
                        .map_err(|err| format!("`action`: {err}"))?;
                    Ok(((episode, turn), (hash, action)))
                });
            let (key, reply) = parsed.map_err(|problem| malformed(REPLIES, idx + 1, problem))?;
            replies.insert(key, reply);
        }
        Ok(Replies {
            agent,
            name,
            wants_text,
            replies,
            diverged: AtomicU64::new(0),
            first: Mutex::new(None),
        })
    }

    /// How many turns diverged, and the first (episode, turn) that did.
    pub fn divergences(&self) -> (u64, Option<(u64, u16)>) {
        let first = *self.first.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        (self.diverged.load(Ordering::Relaxed), first)
    }

    /// The recorded action for `obs`, or the failure that says why there is none.
    fn reply(&self, obs: &Observation) -> Action {
        let Some((hash, action)) = self.replies.get(&(obs.episode, obs.turn)) else {
            return self.diverge(obs, format!("{DIVERGED}: no reply was recorded for this turn"));
        };
        // A recording of an agent that read no text was hashed without it, whoever asks now.
        let now = if self.wants_text {
            observation_hash(obs)
        } else {
            observation_hash(&Observation { customer_text: None, tool_text: None, ..obs.clone() })
        };
        if *hash != now {
            return self.diverge(
                obs,
                format!("{DIVERGED}: the agent was shown something else at this turn (recorded {hash}, now {now})"),
            );
        }
        action.clone()
    }

    fn diverge(&self, obs: &Observation, reason: String) -> Action {
        self.diverged.fetch_add(1, Ordering::Relaxed);
        let mut first = self.first.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if first.is_none_or(|seen| (obs.episode, obs.turn) < seen) {
            *first = Some((obs.episode, obs.turn));
        }
        Action::Fail { reason }
    }
}

/// Plays a recording back in place of the agent.
pub struct Playback {
    replies: Arc<Replies>,
}

impl Playback {
    /// An agent answering from `replies`.
    pub fn new(replies: Arc<Replies>) -> Playback {
        Playback { replies }
    }
}

impl AgentUnderTest for Playback {
    fn name(&self) -> &str {
        &self.replies.name
    }

    fn wants_text(&self) -> bool {
        self.replies.wants_text
    }

    fn begin(&mut self, _start: EpisodeStart) {}

    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        out.extend(batch.iter().map(|obs| self.replies.reply(obs)));
    }
}
