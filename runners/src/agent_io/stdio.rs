//! Agents outside rehearse over standard input and output: `--agent-workers` processes per engine, JSON Lines
//! (PROTOCOL.md).
//!
//! Each engine worker starts the command that many times (`sh -c COMMAND`), greets each process with the scenario's
//! policy and tools, then each tick splits its batch of observations between them (an episode always goes to the
//! same process: slot modulo the count), writes each its share as one line and reads one line of actions back from
//! each, so the processes think at the same time. A reply that cannot be read fails the episodes it was for, quoting
//! it; a process that dies or does not answer within the timeout fails the episodes of its share and is started
//! again for the next one. The run goes on either way.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use sim_core::named::NamedSay;
use sim_core::prelude::*;

/// The protocol version this side speaks.
pub const PROTOCOL: u64 = 1;

/// Longest piece of a bad reply quoted in a failure.
const QUOTED: usize = 300;

/// An agent process speaking the stdio protocol.
pub struct StdioAgent {
    command: String,
    hello: String,
    scenario: Arc<ScenarioSpec>,
    timeout: Duration,
    /// The processes; `None` where one must be started again.
    processes: Vec<Option<Process>>,
    /// Episode per slot.
    episodes: Vec<u64>,
    /// Per process, its episodes ended since it was last sent a batch.
    ended: Vec<Vec<u64>>,
}

struct Process {
    child: Child,
    stdin: BufWriter<ChildStdin>,
    lines: Mutex<Receiver<std::io::Result<String>>>,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl StdioAgent {
    /// Starts `command` `workers` times and greets each; an error when one cannot be started or does not answer the
    /// greeting.
    pub fn start(
        command: &str,
        scenario: Arc<ScenarioSpec>,
        timeout: Duration,
        workers: usize,
    ) -> Result<StdioAgent, String> {
        let hello = json!({
            "type": "hello",
            "protocol": PROTOCOL,
            "scenario": scenario.id,
            "policy": scenario.policy,
            "tools": super::schema::tool_schemas(&scenario),
            "acts": ActKind::AGENT.iter().map(|kind| kind.name()).collect::<Vec<_>>(),
            "intents": scenario.intents.iter().map(|intent| &intent.id).collect::<Vec<_>>(),
        })
        .to_string();
        let mut agent = StdioAgent {
            command: command.to_owned(),
            hello,
            scenario,
            timeout,
            processes: Vec::new(),
            episodes: Vec::new(),
            ended: vec![Vec::new(); workers.max(1)],
        };
        for _ in 0..workers.max(1) {
            let process = agent.spawn()?;
            agent.processes.push(Some(process));
        }
        Ok(agent)
    }

    /// Starts the process and exchanges greetings.
    fn spawn(&self) -> Result<Process, String> {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(&self.command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|err| format!("cannot start `{}`: {err}", self.command))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let stdin = BufWriter::new(child.stdin.take().expect("stdin is piped"));
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut process = Process { child, stdin, lines: Mutex::new(lines) };
        let reply = exchange(&mut process, &self.hello, self.timeout)
            .map_err(|err| format!("`{}` did not answer the greeting: {err}", self.command))?;
        let hello: Value = serde_json::from_str(&reply).map_err(|_| {
            format!("`{}` answered the greeting with {}, not JSON", self.command, quote(&reply))
        })?;
        if hello["type"] != "hello" || hello["protocol"] != PROTOCOL {
            return Err(format!(
                "`{}` answered the greeting with {}; expected {{\"type\": \"hello\", \"protocol\": {PROTOCOL}}}",
                self.command,
                quote(&reply)
            ));
        }
        Ok(process)
    }

    /// One process's share of the batch as one line, with the episodes it has seen end.
    fn message(&mut self, worker: usize, batch: &[&Observation]) -> String {
        let scenario = &*self.scenario;
        let observations: Vec<Value> = batch
            .iter()
            .map(|obs| {
                let tool_result = obs.tool_result.map(|(tool, outcome)| {
                    json!({
                        "name": scenario.tools.get(usize::from(tool)).map_or("?", |spec| spec.id.as_str()),
                        "passed": outcome.passed,
                        "text": obs.tool_text,
                    })
                });
                json!({
                    "episode": obs.episode,
                    "turn": obs.turn,
                    "customer": obs.customer_text,
                    "tool_result": tool_result,
                })
            })
            .collect();
        let ended = std::mem::take(&mut self.ended[worker]);
        json!({"type": "turns", "ended": ended, "batch": observations}).to_string()
    }
}

/// Writes one line and reads one back within `timeout`.
fn exchange(process: &mut Process, line: &str, timeout: Duration) -> Result<String, String> {
    send(process, line)?;
    receive(process, timeout)
}

/// Writes one line.
fn send(process: &mut Process, line: &str) -> Result<(), String> {
    let sent = writeln!(process.stdin, "{line}").and_then(|()| process.stdin.flush());
    sent.map_err(|err| ended(process, &format!("writing to it failed ({err})")))
}

/// Reads one line within `timeout`.
fn receive(process: &mut Process, timeout: Duration) -> Result<String, String> {
    let lines = process.lines.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner());
    match lines.recv_timeout(timeout) {
        Ok(Ok(line)) => Ok(line),
        Ok(Err(err)) => Err(format!("reading its output failed ({err})")),
        Err(RecvTimeoutError::Timeout) => {
            Err(format!("no reply within {} s", timeout.as_secs_f64()))
        }
        Err(RecvTimeoutError::Disconnected) => Err(ended(process, "it closed its output")),
    }
}

/// Why a process stopped answering: `what`, and its exit status if it has one.
fn ended(process: &mut Process, what: &str) -> String {
    std::thread::sleep(Duration::from_millis(20));
    match process.child.try_wait() {
        Ok(Some(status)) => format!("the agent process ended ({status}): {what}"),
        _ => format!("the agent process stopped answering: {what}"),
    }
}

/// A reply, shortened for a message.
pub(crate) fn quote(reply: &str) -> String {
    let cut: String = reply.chars().take(QUOTED).collect();
    if cut.len() < reply.len() { format!("`{cut}…`") } else { format!("`{cut}`") }
}

/// Reads one action of a reply.
pub fn parse_action(value: &Value) -> Result<Action, String> {
    let text_of = |value: &Value| match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    };
    let object = value.as_object().ok_or("an action is a JSON object")?;
    if let Some(tool) = object.get("call") {
        let tool = tool.as_str().ok_or("`call` names a tool: a string")?.to_owned();
        let mut args = Vec::new();
        match object.get("arguments") {
            None | Some(Value::Null) => {}
            Some(Value::Object(given)) => {
                for (name, value) in given {
                    let text = text_of(value)
                        .ok_or_else(|| format!("argument `{name}` is not a string or a number"))?;
                    args.push((name.clone(), text));
                }
            }
            Some(_) => return Err("`arguments` is an object of argument names and values".into()),
        }
        return Ok(Action::CallNamed { tool, args });
    }
    if let Some(reason) = object.get("fail") {
        return Ok(Action::Fail { reason: text_of(reason).unwrap_or_else(|| reason.to_string()) });
    }
    if !object.contains_key("say") && !object.contains_key("act") {
        return Err("an action has `say`, `call` or `fail`".into());
    }
    let Some(act) = object.get("act") else {
        // Free text alone: the scenario's tagger reads the act.
        let text = object
            .get("say")
            .and_then(Value::as_str)
            .ok_or("`say` is the agent's text: a string")?;
        return Ok(Action::SayText { text: text.to_owned() });
    };
    let act = act.as_str().ok_or("`act` names an agent act: a string")?.to_owned();
    let mut slots = Vec::new();
    match object.get("slots") {
        None | Some(Value::Null) => {}
        Some(Value::Object(given)) => {
            for (name, value) in given {
                let stated = match value {
                    Value::Null => None,
                    other => Some(text_of(other).ok_or_else(|| {
                        format!("slot `{name}` is not null, a string or a number")
                    })?),
                };
                slots.push((name.clone(), stated));
            }
        }
        Some(_) => {
            return Err("`slots` is an object of slot names and values (null when asked)".into());
        }
    }
    let string = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_owned);
    let say = NamedSay {
        act,
        slots,
        reason: string("reason"),
        intent: string("intent"),
        text: string("say"),
    };
    Ok(Action::SayNamed(Box::new(say)))
}

impl AgentUnderTest for StdioAgent {
    fn name(&self) -> &str {
        &self.command
    }

    fn wants_text(&self) -> bool {
        true
    }

    fn begin(&mut self, start: EpisodeStart) {
        let slot = start.slot as usize;
        if self.episodes.len() <= slot {
            self.episodes.resize(slot + 1, 0);
        }
        self.episodes[slot] = start.episode;
    }

    fn finish(&mut self, slot: u32) -> Vec<AgentNote> {
        if let Some(episode) = self.episodes.get(slot as usize) {
            let worker = slot as usize % self.ended.len();
            self.ended[worker].push(*episode);
        }
        Vec::new()
    }

    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        let workers = self.processes.len();
        let start = out.len();
        out.extend(batch.iter().map(|_| Action::Wait));
        // Each process's share: the indices of its observations in the batch.
        let mut shares: Vec<Vec<usize>> = vec![Vec::new(); workers];
        for (idx, obs) in batch.iter().enumerate() {
            shares[obs.slot as usize % workers].push(idx);
        }
        let mut failed: Vec<(usize, String)> = Vec::new();
        let mut waiting = Vec::new();
        for (worker, share) in shares.iter().enumerate().filter(|(_, share)| !share.is_empty()) {
            let observations: Vec<&Observation> = share.iter().map(|&idx| &batch[idx]).collect();
            let message = self.message(worker, &observations);
            let process = match self.processes[worker].take() {
                Some(process) => Ok(process),
                None => self.spawn(),
            };
            // A process that cannot be started or written to is dropped (killed); the next batch starts a fresh one.
            match process.and_then(|mut process| send(&mut process, &message).map(|()| process)) {
                Ok(process) => {
                    self.processes[worker] = Some(process);
                    waiting.push(worker);
                }
                Err(err) => failed.push((worker, err)),
            }
        }
        let deadline = std::time::Instant::now() + self.timeout;
        for worker in waiting {
            let Some(mut process) = self.processes[worker].take() else { continue };
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match receive(&mut process, left) {
                Ok(reply) => {
                    self.processes[worker] = Some(process);
                    let share = &shares[worker];
                    for (idx, action) in share.iter().zip(read_reply(&reply, share.len())) {
                        out[start + idx] = action;
                    }
                }
                Err(err) => failed.push((worker, err)),
            }
        }
        for (worker, reason) in failed {
            for &idx in &shares[worker] {
                out[start + idx] = Action::Fail { reason: reason.clone() };
            }
        }
    }
}

/// Reads a reply line into `count` actions; a reply that cannot be read fails them all, quoting it.
fn read_reply(reply: &str, count: usize) -> Vec<Action> {
    let parsed: Result<Vec<Value>, String> = serde_json::from_str::<Value>(reply)
        .map_err(|_| "not JSON".to_owned())
        .and_then(|value| match (value.get("type"), value.get("actions")) {
            (Some(kind), Some(Value::Array(actions))) if kind == "actions" => Ok(actions.clone()),
            _ => Err("not {\"type\": \"actions\", \"actions\": [...]}".to_owned()),
        })
        .and_then(|actions| match actions.len() == count {
            true => Ok(actions),
            false => Err(format!("{} actions for {count} observations", actions.len())),
        });
    match parsed {
        Ok(actions) => actions
            .iter()
            .map(|value| {
                parse_action(value).unwrap_or_else(|problem| Action::Fail {
                    reason: format!(
                        "protocol error: {problem} (the action was {})",
                        quote(&value.to_string())
                    ),
                })
            })
            .collect(),
        Err(problem) => {
            let reason = format!("protocol error: reply {problem}: {}", quote(reply));
            vec![Action::Fail { reason }; count]
        }
    }
}

#[cfg(test)]
mod tests;
