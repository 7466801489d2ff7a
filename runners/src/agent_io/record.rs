//! Recording an agent's replies, playing them back without it, and resuming a run from them (`run --record DIR`,
//! `run --replay DIR`, `run --record DIR --resume`).
//!
//! A recording is `DIR/replies.jsonl`, one line per agent turn: the episode, the turn, the hash of what the agent was
//! shown (the customer's act and text, the tool's result and text; not the slot, which depends on timing) and the
//! action it took, appended as replies come and rewritten in (episode, turn) order when the run ends; and
//! `DIR/recording.json`, the agent's name and configuration, the run's scenario, personas, seed and episode count (a
//! replay on other customers is refused before it starts) and whether the run finished (`complete`). Played back,
//! each turn's action is looked up by (episode, turn): an observation whose hash differs is a divergence, reported at
//! that turn (the episode ends as `agent_failed` with both hashes, and the run counts them). Resumed, the turns the
//! recording holds are played back and the live agent answers the rest, so a long run that was stopped (killed, out
//! of time) loses only the replies it was waiting for.

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

/// Replies gathered from every engine worker. Each batch's replies are appended to `replies.jsonl` as they come
/// (so a run that is killed keeps every reply it got, and `run --record DIR --resume` continues from them); at the
/// end the file is rewritten whole in (episode, turn) order.
#[derive(Debug)]
pub struct Recorder {
    dir: PathBuf,
    log: Mutex<Log>,
}

/// The replies so far and the file they are appended to.
#[derive(Debug)]
struct Log {
    lines: BTreeMap<(u64, u16), String>,
    file: Option<std::fs::File>,
    /// The first failed append; later ones are not tried, and [`Recorder::finish`] reports it.
    failed: Option<std::io::Error>,
}

impl Recorder {
    /// Starts a recording in `dir` (created if missing): `recording.json` from `about` (the agent's configuration,
    /// the flags that chose it and the run; see [`crate::setup::agent_flags`] and [`crate::setup::run_flags`]),
    /// marked incomplete until [`Recorder::finish`], and `replies.jsonl`, empty or, when `resumed`, holding the
    /// replies resumed from (those of episodes below `episodes`).
    pub fn start(
        dir: &Path,
        about: &Value,
        resumed: Option<&Replies>,
        episodes: u64,
    ) -> Result<Recorder, RecordingError> {
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
        let mut lines = BTreeMap::new();
        if let Some(replies) = resumed {
            lines.extend(replies.lines().filter(|((episode, _), _)| *episode < episodes));
        }
        let recorder = Recorder {
            dir: dir.to_owned(),
            log: Mutex::new(Log { lines, file: None, failed: None }),
        };
        recorder.write_files(about, false)?;
        let path = dir.join(REPLIES);
        let file = std::fs::OpenOptions::new().append(true).open(&path).map_err(io_error(&path))?;
        recorder.lock().file = Some(file);
        Ok(recorder)
    }

    /// Wraps `agent` so each of its replies is kept here.
    pub fn wrap(self: &Arc<Self>, agent: Box<dyn AgentUnderTest>) -> Box<dyn AgentUnderTest> {
        Box::new(Recording { inner: agent, recorder: self.clone() })
    }

    /// Rewrites the recording whole: every reply in (episode, turn) order, and `recording.json` with the turn count,
    /// marked complete. A reply that could not be appended during the run is reported here.
    pub fn finish(&self, about: &Value) -> Result<(), RecordingError> {
        self.write_files(about, true)?;
        match self.lock().failed.take() {
            Some(source) => Err(RecordingError::Io { path: self.dir.join(REPLIES), source }),
            None => Ok(()),
        }
    }

    fn write_files(&self, about: &Value, complete: bool) -> Result<(), RecordingError> {
        let log = self.lock();
        let mut text = String::new();
        for line in log.lines.values() {
            text.push_str(line);
            text.push('\n');
        }
        let mut about = about.clone();
        about["turns"] = if complete { log.lines.len().into() } else { Value::Null };
        about["complete"] = complete.into();
        for (name, body) in [(REPLIES, text), (RECORDING, format!("{about:#}\n"))] {
            let path = self.dir.join(name);
            crate::output::write_whole(&path, body.as_bytes()).map_err(io_error(&path))?;
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Keeps the replies to one batch, appending those not yet kept to the file in one write.
    fn keep(&self, batch: &[Observation], actions: &[Action]) {
        let mut log = self.lock();
        let mut appended = String::new();
        for (obs, action) in batch.iter().zip(actions) {
            if *action == Action::Wait || log.lines.contains_key(&(obs.episode, obs.turn)) {
                continue;
            }
            let line = reply_line(obs.episode, obs.turn, &observation_hash(obs), action);
            appended.push_str(&line);
            appended.push('\n');
            log.lines.insert((obs.episode, obs.turn), line);
        }
        let Log { file, failed, .. } = &mut *log;
        if let (Some(file), None, false) = (file.as_mut(), &failed, appended.is_empty()) {
            use std::io::Write;
            if let Err(err) = file.write_all(appended.as_bytes()) {
                *failed = Some(err);
            }
        }
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> RecordingError {
    let path = path.to_owned();
    move |source| RecordingError::Io { path, source }
}

/// One line of `replies.jsonl`.
fn reply_line(episode: u64, turn: u16, hash: &str, action: &Action) -> String {
    json!({"episode": episode, "turn": turn, "observation": hash, "action": action}).to_string()
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
        self.recorder.keep(batch, &out[start..]);
    }

    fn adopt(&mut self, obs: &Observation, action: &Action) {
        self.inner.adopt(obs, action);
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
    /// Turns answered from the recording so far.
    answered: AtomicU64,
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
        let mut text = read(REPLIES)?;
        // A run killed while appending leaves its last line cut short: that reply was never whole.
        if !text.is_empty() && !text.ends_with('\n') {
            let whole = text.rfind('\n').map_or(0, |end| end + 1);
            text.truncate(whole);
        }
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
            answered: AtomicU64::new(0),
            diverged: AtomicU64::new(0),
            first: Mutex::new(None),
        })
    }

    /// The recorded replies as `replies.jsonl` lines, by (episode, turn).
    fn lines(&self) -> impl Iterator<Item = ((u64, u16), String)> + '_ {
        self.replies.iter().map(|(&(episode, turn), (hash, action))| {
            ((episode, turn), reply_line(episode, turn, hash, action))
        })
    }

    /// How many turns were answered from the recording (divergences included).
    pub fn answered(&self) -> u64 {
        self.answered.load(Ordering::Relaxed)
    }

    /// How many turns diverged, and the first (episode, turn) that did.
    pub fn divergences(&self) -> (u64, Option<(u64, u16)>) {
        let first = *self.first.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        (self.diverged.load(Ordering::Relaxed), first)
    }

    /// The recorded action for `obs`, or the failure that says why there is none.
    fn reply(&self, obs: &Observation) -> Action {
        self.recorded(obs).unwrap_or_else(|| {
            self.diverge(obs, format!("{DIVERGED}: no reply was recorded for this turn"))
        })
    }

    /// The recorded action for `obs` (a divergence's failure if it was shown something else), or `None` if no
    /// reply was recorded for its turn.
    fn recorded(&self, obs: &Observation) -> Option<Action> {
        let (hash, action) = self.replies.get(&(obs.episode, obs.turn))?;
        self.answered.fetch_add(1, Ordering::Relaxed);
        // A recording of an agent that read no text was hashed without it, whoever asks now.
        let now = if self.wants_text {
            observation_hash(obs)
        } else {
            observation_hash(&Observation { customer_text: None, tool_text: None, ..obs.clone() })
        };
        if *hash != now {
            return Some(self.diverge(
                obs,
                format!("{DIVERGED}: the agent was shown something else at this turn (recorded {hash}, now {now})"),
            ));
        }
        Some(action.clone())
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

/// A run resumed from an unfinished recording (`run --record DIR --resume`): each turn the recording holds is
/// answered from it and handed to the live agent as its own ([`AgentUnderTest::adopt`], as `fork` does); every other
/// turn goes to the live agent. An episode cut off mid-way goes on live from its first unrecorded turn.
pub struct Resumed {
    live: Box<dyn AgentUnderTest>,
    replies: Arc<Replies>,
    /// Indices into the batch of the observations the live agent answers, and its answers.
    asked: Vec<usize>,
    answers: Vec<Action>,
}

impl Resumed {
    /// `live`, answering only the turns `replies` does not hold.
    pub fn new(live: Box<dyn AgentUnderTest>, replies: Arc<Replies>) -> Resumed {
        Resumed { live, replies, asked: Vec::new(), answers: Vec::new() }
    }
}

impl AgentUnderTest for Resumed {
    fn name(&self) -> &str {
        self.live.name()
    }

    fn wants_text(&self) -> bool {
        self.live.wants_text()
    }

    fn begin(&mut self, start: EpisodeStart) {
        self.live.begin(start);
    }

    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        let start = out.len();
        self.asked.clear();
        for (idx, obs) in batch.iter().enumerate() {
            match self.replies.recorded(obs) {
                Some(action) => {
                    self.live.adopt(obs, &action);
                    out.push(action);
                }
                None => {
                    self.asked.push(idx);
                    out.push(Action::Wait);
                }
            }
        }
        if self.asked.len() == batch.len() {
            out.truncate(start);
            self.live.act(batch, out);
            return;
        }
        if self.asked.is_empty() {
            return;
        }
        let live: Vec<Observation> = self.asked.iter().map(|&idx| batch[idx].clone()).collect();
        self.answers.clear();
        self.live.act(&live, &mut self.answers);
        for (&idx, action) in self.asked.iter().zip(self.answers.drain(..)) {
            out[start + idx] = action;
        }
    }

    fn adopt(&mut self, obs: &Observation, action: &Action) {
        self.live.adopt(obs, action);
    }

    fn finish(&mut self, slot: u32) -> Vec<AgentNote> {
        self.live.finish(slot)
    }
}

#[cfg(test)]
mod tests;
