//! Agents behind an OpenAI-compatible chat-completions endpoint (`--agent openai:URL --model NAME`).
//!
//! Each episode is one conversation: the system message is the scenario's policy, the customer's words are user
//! messages, tool results are tool messages answering the assistant's `tool_calls`. Every episode awaiting the agent
//! whose conversation has no request in flight gets one, sent by a pool of `--agent-workers` HTTP threads over
//! keep-alive connections, `http` or `https` (requests beyond that wait their turn, oldest episode first, and the
//! timeout counts from the send); an episode whose answer has not come is parked ([`Action::Wait`]) while the others
//! advance, and one whose answer takes longer than the timeout ends as `agent_failed`. 429 and 5xx answers and broken
//! connections are retried with backoff until the timeout (an untrusted certificate is not). An assistant message is
//! read as its text (said first, read by the scenario's tagger) and then each of its tool calls, one per turn; what
//! the customer says meanwhile is added after the tool results, the order the chat-completions API requires.

use std::collections::{BTreeMap, VecDeque};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sim_core::prelude::*;

use super::stdio::quote;

/// Longest wait between two tries of one request.
const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// Most tokens one answer may have: a turn of a support conversation, with room; a small model that rambles is cut
/// off here rather than running to the end of its context.
const MAX_TOKENS: u32 = 512;

/// Where the agent is and how to talk to it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Endpoint {
    /// The API's base URL, e.g. `http://127.0.0.1:8080/v1`; requests go to `{base}/chat/completions`.
    pub base: String,
    /// The `model` of every request.
    pub model: String,
    /// How long one turn's answer may take, retries included.
    pub timeout: Duration,
    /// Requests in flight at once per engine thread.
    pub workers: usize,
    /// The system message, when not the scenario's policy text (`--system-prompt FILE`).
    pub system: Option<String>,
    /// The root certificates (DER) an `https` server's must chain to, when not Mozilla's (`SSL_CERT_FILE`).
    #[serde(skip)]
    pub roots: Option<Arc<Vec<Vec<u8>>>>,
}

/// The certificates of a PEM file (a CA bundle such as `SSL_CERT_FILE` names), in DER; an error if it holds none.
pub fn read_roots(pem: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut roots = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => roots.push(cert.der().to_vec()),
            Ok(_) => {}
            Err(err) => return Err(err.to_string()),
        }
    }
    if roots.is_empty() {
        return Err("no PEM certificate in it".to_owned());
    }
    Ok(roots)
}

/// One request for a worker thread.
struct Job {
    /// The server (its index in the endpoint's URLs) whose workers send it.
    server: usize,
    slot: u32,
    generation: u64,
    body: String,
    deadline: Instant,
}

/// A worker's answer to a job: the response body, or why there is none.
struct Answer {
    server: usize,
    slot: u32,
    generation: u64,
    body: Result<String, String>,
}

/// One episode's conversation.
#[derive(Default)]
struct Conversation {
    /// Bumped when an episode starts in the slot or a request is given up, so late answers are dropped.
    generation: u64,
    messages: Vec<Value>,
    /// The turn whose observation was last added to `messages` (observations of a parked turn come again).
    recorded: Option<u16>,
    /// Whether a request is waiting for a free worker.
    queued: bool,
    /// When the request in flight was sent (the timeout counts from here, not from the wait for a worker).
    asked: Option<Instant>,
    /// The last assistant message's actions not yet taken.
    actions: VecDeque<Action>,
    /// Tool call ids whose results have not come yet, in order.
    calls: VecDeque<String>,
    /// Customer messages heard while tool results were outstanding.
    held: Vec<String>,
    /// Tool calls made so far, for ids the server left out.
    made: u32,
    /// The per-episode seed sent with each request.
    seed: u64,
    /// When the episode began, counted in episodes begun: older episodes' requests go first.
    order: u64,
    /// The server the episode talks to (the same one throughout, so its prompt stays cached there).
    server: usize,
    /// Whether an episode is under way in the slot.
    live: bool,
}

/// An agent at a chat-completions endpoint.
pub struct ChatAgent {
    name: String,
    endpoint: Endpoint,
    system: Value,
    tools: Value,
    conversations: Vec<Conversation>,
    servers: Vec<Server>,
    /// Episodes begun so far.
    begun: u64,
    answers: Mutex<Receiver<Answer>>,
}

/// One of the endpoint's URLs and its workers.
struct Server {
    jobs: Option<Sender<Job>>,
    /// Requests waiting for a free worker, by the order their episodes began.
    backlog: BTreeMap<u64, Job>,
    /// Requests the workers hold.
    in_flight: usize,
}

/// The base URLs `base` lists (`URL[,URL...]`: replicas of one model, each episode kept on one of them).
pub fn base_urls(base: &str) -> impl Iterator<Item = &str> {
    base.split(',').map(str::trim).filter(|url| !url.is_empty())
}

impl ChatAgent {
    /// Starts the worker threads for `scenario`'s episodes: `--agent-workers` for each of the endpoint's URLs.
    pub fn start(endpoint: Endpoint, scenario: &ScenarioSpec) -> ChatAgent {
        let (answered, answers) = mpsc::channel::<Answer>();
        let roots = match &endpoint.roots {
            Some(roots) => ureq::tls::RootCerts::Specific(Arc::new(
                roots.iter().map(|der| ureq::tls::Certificate::from_der(der).to_owned()).collect(),
            )),
            None => ureq::tls::RootCerts::WebPki,
        };
        let http: ureq::Agent = ureq::Agent::config_builder()
            .tls_config(ureq::tls::TlsConfig::builder().root_certs(roots).build())
            .http_status_as_error(false)
            .max_idle_connections(endpoint.workers.max(1) * 2)
            .max_idle_connections_per_host(endpoint.workers.max(1) * 2)
            .build()
            .into();
        let key = std::env::var("OPENAI_API_KEY").ok().filter(|key| !key.is_empty());
        let mut servers = Vec::new();
        for base in base_urls(&endpoint.base) {
            let (jobs, queue) = mpsc::channel::<Job>();
            let queue = Arc::new(Mutex::new(queue));
            let url = format!("{}/chat/completions", base.trim_end_matches('/'));
            for _ in 0..endpoint.workers.max(1) {
                let (queue, answered, http, url, key) =
                    (queue.clone(), answered.clone(), http.clone(), url.clone(), key.clone());
                std::thread::spawn(move || {
                    loop {
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = job else { return };
                        let body = post(&http, &url, key.as_deref(), &job.body, job.deadline);
                        let (server, slot, generation) = (job.server, job.slot, job.generation);
                        if answered.send(Answer { server, slot, generation, body }).is_err() {
                            return;
                        }
                    }
                });
            }
            servers.push(Server { jobs: Some(jobs), backlog: BTreeMap::new(), in_flight: 0 });
        }
        ChatAgent {
            name: format!("openai:{} ({})", endpoint.base, endpoint.model),
            system: json!({
                "role": "system",
                "content": endpoint.system.as_deref().unwrap_or(&scenario.policy),
            }),
            tools: Value::Array(super::schema::tool_schemas(scenario)),
            endpoint,
            conversations: Vec::new(),
            servers,
            begun: 0,
            answers: Mutex::new(answers),
        }
    }

    /// Adds what the episode's agent has not seen yet to its conversation.
    fn record(&mut self, obs: &Observation) {
        let conversation = &mut self.conversations[obs.slot as usize];
        if conversation.recorded == Some(obs.turn) {
            return;
        }
        conversation.recorded = Some(obs.turn);
        if obs.tool_result.is_some() {
            let id = conversation.calls.pop_front().unwrap_or_else(|| "call_0".to_owned());
            let content = obs.tool_text.clone().unwrap_or_default();
            conversation
                .messages
                .push(json!({"role": "tool", "tool_call_id": id, "content": content}));
        }
        if let Some(text) = &obs.customer_text {
            conversation.held.push(text.clone());
        }
        if conversation.calls.is_empty() {
            for text in conversation.held.drain(..) {
                conversation.messages.push(json!({"role": "user", "content": text}));
            }
        }
    }

    /// Queues the episode's conversation so far for the next free worker.
    fn ask(&mut self, slot: u32) {
        let conversation = &mut self.conversations[slot as usize];
        let mut messages = Vec::with_capacity(conversation.messages.len() + 1);
        messages.push(self.system.clone());
        messages.extend(conversation.messages.iter().cloned());
        let body = json!({
            "model": self.endpoint.model,
            "messages": messages,
            "tools": self.tools,
            "tool_choice": "auto",
            "temperature": 0.0,
            "max_tokens": MAX_TOKENS,
            "seed": conversation.seed,
        })
        .to_string();
        conversation.queued = true;
        let generation = conversation.generation;
        let deadline = Instant::now(); // set when a worker takes it
        let server = conversation.server;
        let job = Job { server, slot, generation, body, deadline };
        self.servers[server].backlog.insert(conversation.order, job);
    }

    /// Hands queued requests to the workers while some are free, oldest episode first; each one's timeout starts
    /// now. While an older episode is with the engine (its answer just came), its next request is about to be asked
    /// and nothing younger is sent: each episode's requests then follow one another, so a server that keeps one
    /// conversation's prompt cached (llama.cpp) does not evaluate the whole conversation again for every turn.
    fn dispatch(&mut self) {
        for server in 0..self.servers.len() {
            self.dispatch_to(server);
        }
    }

    /// [`Self::dispatch`] for one server's requests.
    fn dispatch_to(&mut self, server: usize) {
        let this = &mut self.servers[server];
        while this.in_flight < self.endpoint.workers.max(1) {
            let Some(entry) = this.backlog.first_entry() else { return };
            let next = *entry.key();
            let engine_has_older = self.conversations.iter().any(|conversation| {
                conversation.live
                    && conversation.server == server
                    && conversation.order < next
                    && !conversation.queued
                    && conversation.asked.is_none()
            });
            if engine_has_older {
                return;
            }
            let mut job = entry.remove();
            let conversation = &mut self.conversations[job.slot as usize];
            if conversation.generation != job.generation || !conversation.queued {
                continue;
            }
            let now = Instant::now();
            conversation.queued = false;
            conversation.asked = Some(now);
            job.deadline = now + self.endpoint.timeout;
            if let Some(jobs) = &this.jobs {
                // A send fails only when every worker is gone; the episode then times out.
                let _ = jobs.send(job);
            }
            this.in_flight += 1;
        }
    }

    /// Takes an answer: the assistant message's actions are queued, or the episode fails with what went wrong.
    fn take(&mut self, answer: Answer) {
        let server = &mut self.servers[answer.server];
        server.in_flight = server.in_flight.saturating_sub(1);
        let Some(conversation) = self.conversations.get_mut(answer.slot as usize) else { return };
        if conversation.generation != answer.generation || conversation.asked.is_none() {
            return;
        }
        conversation.asked = None;
        let read = answer.body.and_then(|body| read_reply(&body, conversation));
        match read {
            Ok(actions) => conversation.actions.extend(actions),
            Err(reason) => conversation.actions.push_back(Action::Fail { reason }),
        }
    }

    /// Takes every answer that has come.
    fn take_answers(&mut self) {
        loop {
            let answers = self.answers.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner());
            let Ok(answer) = answers.try_recv() else { break };
            self.take(answer);
        }
        self.dispatch();
    }

    /// Waits until one of `batch`'s episodes has an answer or a deadline passes.
    fn wait_for_any(&mut self, batch: &[Observation]) {
        let ready = |agent: &ChatAgent| {
            batch.iter().any(|obs| {
                let conversation = &agent.conversations[obs.slot as usize];
                conversation.asked.is_none() && !conversation.queued
            })
        };
        while !ready(self) {
            let first_deadline = batch
                .iter()
                .filter_map(|obs| self.conversations[obs.slot as usize].asked)
                .min()
                .map(|asked| asked + self.endpoint.timeout);
            let Some(deadline) = first_deadline else { return };
            let left = deadline.saturating_duration_since(Instant::now());
            let answers = self.answers.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner());
            match answers.recv_timeout(left) {
                Ok(answer) => {
                    self.take(answer);
                    self.dispatch();
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return,
            }
        }
    }
}

/// Posts `body` until it gets an answer that is not worth retrying or `deadline` passes.
fn post(
    http: &ureq::Agent,
    url: &str,
    key: Option<&str>,
    body: &str,
    deadline: Instant,
) -> Result<String, String> {
    let mut backoff = Duration::from_millis(250);
    let mut tries = 0;
    loop {
        tries += 1;
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(format!("no answer from {url} within --agent-timeout ({tries} tries)"));
        }
        let mut request = http
            .post(url)
            .config()
            .timeout_global(Some(left))
            .build()
            .header("content-type", "application/json");
        if let Some(key) = key {
            request = request.header("authorization", format!("Bearer {key}"));
        }
        let (retry, why, wait) = match request.send(body) {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| value.trim().parse::<f64>().ok())
                    .map(|seconds| Duration::from_secs_f64(seconds.clamp(0.0, 60.0)));
                let text = response.body_mut().read_to_string().unwrap_or_default();
                if status == 200 {
                    return Ok(text);
                }
                let why = format!("HTTP {status} from {url}: {}", quote(&text));
                (status == 429 || status >= 500, why, retry_after)
            }
            Err(err) => (!is_lasting(&err), format!("cannot reach {url}: {err}"), None),
        };
        if !retry {
            return Err(why);
        }
        let pause = wait.unwrap_or(backoff).min(MAX_BACKOFF);
        if Instant::now() + pause >= deadline {
            return Err(format!("{why} (gave up after {tries} tries: --agent-timeout)"));
        }
        std::thread::sleep(pause);
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// Whether a failed request would fail again however often it is tried: a bad URL, or a TLS handshake that failed
/// (a certificate not trusted: rustls reports it as invalid data), unlike a refused or dropped connection.
fn is_lasting(err: &ureq::Error) -> bool {
    match err {
        ureq::Error::BadUri(_) | ureq::Error::Tls(_) | ureq::Error::Rustls(_) => true,
        ureq::Error::Io(io) => io.kind() == std::io::ErrorKind::InvalidData,
        _ => false,
    }
}

/// Reads a chat-completions response into actions (the text first, then each tool call) and adds the assistant
/// message to the conversation; a response with no message is a protocol error quoting it.
fn read_reply(body: &str, conversation: &mut Conversation) -> Result<Vec<Action>, String> {
    let error = |problem: &str| format!("protocol error: {problem}: {}", quote(body));
    let value: Value = serde_json::from_str(body).map_err(|_| error("the response is not JSON"))?;
    let message = value
        .pointer("/choices/0/message")
        .and_then(Value::as_object)
        .ok_or_else(|| error("the response has no choices[0].message"))?;
    let content = match message.get("content") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(_) => return Err(error("the message's content is not text")),
    };
    let mut actions = Vec::new();
    let mut calls = Vec::new();
    let listed = match message.get("tool_calls") {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(calls)) => calls.as_slice(),
        Some(_) => return Err(error("the message's tool_calls is not a list")),
    };
    let wrote = !content.trim().is_empty();
    if wrote || listed.is_empty() {
        actions.push(Action::SayText { text: content.trim().to_owned() });
    }
    for call in listed {
        let function = call.get("function").ok_or_else(|| error("a tool call has no function"))?;
        let name = function.get("name").and_then(Value::as_str).unwrap_or_default();
        let arguments = match function.get("arguments") {
            None | Some(Value::Null) => json!({}),
            Some(Value::String(text)) if text.trim().is_empty() => json!({}),
            Some(Value::String(text)) => serde_json::from_str(text).map_err(|problem| {
                format!("protocol error: tool call `{name}` has arguments that are not JSON ({problem}): {}", quote(text))
            })?,
            Some(other) => other.clone(),
        };
        let action = super::stdio::parse_action(&json!({"call": name, "arguments": arguments}))
            .map_err(|problem| error(&format!("tool call `{name}`: {problem}")))?;
        conversation.made += 1;
        let id = call
            .get("id")
            .and_then(Value::as_str)
            .map_or_else(|| format!("call_{}", conversation.made), str::to_owned);
        calls.push(json!({
            "id": id,
            "type": "function",
            "function": {"name": name, "arguments": arguments.to_string()},
        }));
        conversation.calls.push_back(id);
        actions.push(action);
    }
    let mut assistant = json!({"role": "assistant", "content": content});
    if !calls.is_empty() {
        assistant["tool_calls"] = Value::Array(calls);
    }
    conversation.messages.push(assistant);
    Ok(actions)
}

impl AgentUnderTest for ChatAgent {
    fn name(&self) -> &str {
        &self.name
    }

    fn wants_text(&self) -> bool {
        true
    }

    fn begin(&mut self, start: EpisodeStart) {
        let slot = start.slot as usize;
        if self.conversations.len() <= slot {
            self.conversations.resize_with(slot + 1, Conversation::default);
        }
        let conversation = &mut self.conversations[slot];
        let generation = conversation.generation + 1;
        *conversation = Conversation {
            generation,
            seed: start.agent_seed,
            order: self.begun,
            server: (self.begun % self.servers.len() as u64) as usize,
            live: true,
            ..Conversation::default()
        };
        self.begun += 1;
    }

    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        for obs in batch {
            let conversation = &self.conversations[obs.slot as usize];
            if conversation.asked.is_some() || conversation.queued {
                continue;
            }
            self.record(obs);
            if self.conversations[obs.slot as usize].actions.is_empty() {
                self.ask(obs.slot);
            }
        }
        self.dispatch();
        self.take_answers();
        self.wait_for_any(batch);
        self.take_answers();
        let timeout = self.endpoint.timeout;
        for obs in batch {
            let conversation = &mut self.conversations[obs.slot as usize];
            let action = match conversation.asked {
                Some(asked) if asked.elapsed() >= timeout => {
                    conversation.asked = None;
                    conversation.generation += 1;
                    Action::Fail {
                        reason: format!(
                            "no answer within {} s (--agent-timeout)",
                            timeout.as_secs_f64()
                        ),
                    }
                }
                Some(_) => Action::Wait,
                None if conversation.queued => Action::Wait,
                None => conversation.actions.pop_front().unwrap_or_else(|| Action::Fail {
                    reason: "the agent's answer held no action".to_owned(),
                }),
            };
            out.push(action);
        }
    }

    fn adopt(&mut self, obs: &Observation, action: &Action) {
        self.record(obs);
        let conversation = &mut self.conversations[obs.slot as usize];
        let content = match action {
            Action::SayText { text } => text.clone(),
            Action::SayNamed(say) => say.text.clone().unwrap_or_default(),
            Action::Say { text, .. } => text.clone().unwrap_or_default(),
            _ => String::new(),
        };
        let mut assistant = json!({"role": "assistant", "content": content});
        if let Action::CallNamed { tool, args } = action {
            conversation.made += 1;
            let id = format!("call_{}", conversation.made);
            let arguments: serde_json::Map<String, Value> = args
                .iter()
                .map(|(name, value)| (name.clone(), Value::from(value.as_str())))
                .collect();
            assistant["tool_calls"] = json!([{
                "id": id,
                "type": "function",
                "function": {"name": tool, "arguments": Value::Object(arguments).to_string()},
            }]);
            conversation.calls.push_back(id);
        }
        conversation.messages.push(assistant);
    }

    fn finish(&mut self, slot: u32) -> Vec<AgentNote> {
        if let Some(conversation) = self.conversations.get_mut(slot as usize) {
            conversation.generation += 1;
            conversation.messages = Vec::new();
            conversation.actions.clear();
            conversation.queued = false;
            conversation.live = false;
        }
        Vec::new()
    }
}

impl Drop for ChatAgent {
    fn drop(&mut self) {
        // Closing the job queue ends the workers once their requests are done.
        for server in &mut self.servers {
            server.jobs = None;
        }
    }
}

#[cfg(test)]
mod tests;
