//! The chat-completions agent against a scripted server on loopback: conversations in the order the API requires,
//! retries after 503, answers that come late parked without changing any episode, one past the timeout failed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

/// What the server saw.
#[derive(Default)]
struct Seen {
    requests: AtomicUsize,
    connections: AtomicUsize,
    unavailable: AtomicUsize,
    out_of_order: AtomicUsize,
    /// Each request's seed (its episode's), in the order requests came.
    seeds: Mutex<Vec<u64>>,
    /// Request bodies answered 503 once already.
    refused: Mutex<std::collections::HashSet<String>>,
}

/// Serves `/v1/chat/completions` as a scripted agent: look the account up (with no arguments, so it fails), ask if
/// there is anything else, say goodbye. The first request of an episode whose seed is 1 more than a multiple of 4 is
/// answered 503 the first time it comes; a request whose seed is a multiple of 3 waits 40 ms, one whose seed is a
/// multiple of 12 waits past the client's timeout.
fn serve(seen: Arc<Seen>, slow: Duration) -> String {
    serve_over(seen, slow, None)
}

/// [`serve`] over TLS when given a rustls configuration (`https://` URLs).
fn serve_over(seen: Arc<Seen>, slow: Duration, tls: Option<Arc<rustls::ServerConfig>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let scheme = if tls.is_some() { "https" } else { "http" };
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            seen.connections.fetch_add(1, Ordering::SeqCst);
            let (seen, tls) = (seen.clone(), tls.clone());
            std::thread::spawn(move || match tls {
                Some(config) => {
                    let Ok(server) = rustls::ServerConnection::new(config) else { return };
                    connection(rustls::StreamOwned::new(server, stream), &seen, slow);
                }
                None => connection(stream, &seen, slow),
            });
        }
    });
    format!("{scheme}://{address}/v1")
}

fn connection(stream: impl Read + Write, seen: &Seen, slow: Duration) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut length = 0;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let request: Value = serde_json::from_slice(&body).unwrap();
        seen.requests.fetch_add(1, Ordering::SeqCst);
        seen.seeds.lock().unwrap().push(request["seed"].as_u64().unwrap());
        let first = request["messages"].as_array().unwrap().len() == 2;
        let unlucky = request["seed"].as_u64().unwrap() % 4 == 1;
        let text = String::from_utf8(body).unwrap();
        let (status, reply) = if first && unlucky && seen.refused.lock().unwrap().insert(text) {
            seen.unavailable.fetch_add(1, Ordering::SeqCst);
            (503, json!({"error": {"message": "busy"}}))
        } else {
            (200, answer(&request, seen, slow))
        };
        let reply = reply.to_string();
        let head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            reply.len()
        );
        let stream = reader.get_mut();
        if stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(reply.as_bytes()))
            .and_then(|()| stream.flush())
            .is_err()
        {
            return;
        }
    }
}

/// The scripted agent's next message, after checking that every tool call was answered right after it.
fn answer(request: &Value, seen: &Seen, slow: Duration) -> Value {
    let messages = request["messages"].as_array().unwrap();
    assert_eq!(messages[0]["role"], "system");
    for (idx, message) in messages.iter().enumerate() {
        for (offset, call) in message["tool_calls"].as_array().into_iter().flatten().enumerate() {
            let answered = messages.get(idx + 1 + offset);
            if answered.is_none_or(|next| next["tool_call_id"] != call["id"]) {
                seen.out_of_order.fetch_add(1, Ordering::SeqCst);
            }
        }
    }
    let seed = request["seed"].as_u64().unwrap();
    if seed.is_multiple_of(12) {
        std::thread::sleep(slow);
    } else if seed.is_multiple_of(3) {
        std::thread::sleep(Duration::from_millis(40));
    }
    let spoken = messages.iter().filter(|message| message["role"] == "assistant").count();
    let message = match spoken {
        0 => json!({"role": "assistant", "content": "Let me look you up.", "tool_calls": [
            {"id": "abc", "type": "function", "function": {"name": "pull-up-account", "arguments": "{}"}}
        ]}),
        1 => json!({"role": "assistant", "content": "Is there anything else I can help you with?"}),
        _ => json!({"role": "assistant", "content": "Thank you for contacting us, goodbye!"}),
    };
    json!({"choices": [{"index": 0, "message": message, "finish_reason": "stop"}]})
}

fn run(base: &str, timeout: Duration, workers: usize) -> ShardOutput {
    run_trusting(base, timeout, workers, None)
}

/// [`run`] with `roots` as the root certificates of `https` servers (Mozilla's when `None`).
fn run_trusting(
    base: &str,
    timeout: Duration,
    workers: usize,
    roots: Option<Vec<Vec<u8>>>,
) -> ShardOutput {
    let scenario = Arc::new(sim_scenarios::load_built_in("retail-support").unwrap().spec);
    let personas: Arc<[PersonaSpec]> = vec![sim_personas::load_built_in("calm").unwrap()].into();
    let endpoint = Endpoint {
        base: base.to_owned(),
        model: "scripted".to_owned(),
        timeout,
        workers,
        system: None,
        roots: roots.map(Arc::new),
    };
    let agent = Box::new(ChatAgent::start(endpoint, &scenario));
    let mut engine = Engine::new(scenario, personas, agent, EngineConfig { slots: 16 }).unwrap();
    engine.set_text_renderer(Arc::new(sim_personas::realise::Realiser));
    engine.set_text_reader(Arc::new(sim_personas::realise::Realiser));
    engine.run(11, 0..48)
}

#[test]
fn conversations_reach_the_server_in_order_and_late_answers_change_nothing() {
    let seen = Arc::new(Seen::default());
    let timeout = Duration::from_millis(1500);
    let base = serve(seen.clone(), Duration::from_secs(2));
    let first = run(&base, timeout, 8);
    let timed_out: Vec<u64> = first
        .episodes
        .iter()
        .filter(|ep| ep.end == EndReason::AgentFailed)
        .map(|ep| ep.episode)
        .collect();
    let ends: Vec<_> = first.episodes.iter().map(|ep| ep.end).collect();
    assert!(
        !timed_out.is_empty(),
        "no seed was slow; the test checks nothing about the timeout: {ends:?}"
    );
    for ep in &first.episodes {
        let turns = first.turns_of(ep);
        let texts: Vec<&str> = turns.iter().filter_map(|row| row.text.as_deref()).collect();
        if timed_out.contains(&ep.episode) {
            let last = texts.last().unwrap();
            assert!(last.contains("--agent-timeout"), "episode {}: {last}", ep.episode);
            continue;
        }
        // The text came first, then the call, then the closing words (unless the customer left before).
        assert_eq!(texts.first(), Some(&"Let me look you up."), "episode {}", ep.episode);
        let call = turns.iter().position(|row| row.speaker == Speaker::Tool);
        assert!(call.is_some(), "episode {}: no tool call in {turns:?}", ep.episode);
        let tagged = turns.iter().filter_map(|row| row.tagged.as_ref()).count();
        assert!(tagged >= 2, "episode {}: the assistant's text was not tagged", ep.episode);
    }
    assert_eq!(seen.out_of_order.load(Ordering::SeqCst), 0, "a tool call went unanswered");
    assert!(seen.unavailable.load(Ordering::SeqCst) > 0);
    let (requests, connections) =
        (seen.requests.load(Ordering::SeqCst), seen.connections.load(Ordering::SeqCst));
    assert!(connections * 4 < requests, "{connections} connections for {requests} requests");
    // Timing decides which episodes are parked when; it must decide nothing else.
    let again = run(&base, timeout, 8);
    for (a, b) in first.episodes.iter().zip(&again.episodes) {
        assert_eq!(first.turns_of(a), again.turns_of(b), "episode {}", a.episode);
    }
}

#[test]
fn one_worker_sends_each_episodes_requests_one_after_another() {
    let seen = Arc::new(Seen::default());
    let base = serve(seen.clone(), Duration::from_millis(40));
    let output = run(&base, Duration::from_secs(30), 1);
    assert!(output.episodes.iter().all(|ep| ep.end != EndReason::AgentFailed));
    let seeds = seen.seeds.lock().unwrap().clone();
    let mut finished = std::collections::HashSet::new();
    for pair in seeds.windows(2) {
        if pair[0] != pair[1] {
            assert!(
                finished.insert(pair[0]),
                "episode seed {} came back after others were sent: {seeds:?}",
                pair[0]
            );
        }
    }
    assert!(finished.len() >= 40, "too few episodes reached the server: {seeds:?}");
}

/// `openai:URL1,URL2`: replicas of one model. Each episode keeps to one of them (its prompt stays cached there), both
/// get episodes, and on each one an episode's requests still follow one another.
#[test]
fn episodes_keep_to_one_replica_and_replicas_share_the_work() {
    let (one, two) = (Arc::new(Seen::default()), Arc::new(Seen::default()));
    let bases = [serve(one.clone(), Duration::ZERO), serve(two.clone(), Duration::ZERO)];
    let output = run(&bases.join(","), Duration::from_secs(30), 1);
    assert!(output.episodes.iter().all(|ep| ep.end != EndReason::AgentFailed));
    let seeds = |seen: &Seen| seen.seeds.lock().unwrap().clone();
    let (a, b) = (seeds(&one), seeds(&two));
    assert!(a.len() > 40 && b.len() > 40, "{} and {} requests", a.len(), b.len());
    assert!(a.iter().all(|seed| !b.contains(seed)), "an episode talked to both replicas");
    for seeds in [a, b] {
        let mut finished = std::collections::HashSet::new();
        for pair in seeds.windows(2) {
            assert!(pair[0] == pair[1] || finished.insert(pair[0]), "interleaved: {seeds:?}");
        }
    }
}

#[test]
fn what_is_not_an_assistant_message_fails_the_episode_quoting_it() {
    let mut conversation = Conversation::default();
    let problems = [
        ("<html>", "not JSON", "`<html>`"),
        (r#"{"error": "nope"}"#, "no choices[0].message", r#"`{"error""#),
        (r#"{"choices": [{"message": {"content": 3}}]}"#, "content is not text", r#"`{"choices""#),
        // the arguments themselves are quoted, with where the JSON breaks, however long the response around them
        (
            r#"{"choices": [{"message": {"tool_calls": [{"function": {"name": "x", "arguments": "{oops"}}]}}]}"#,
            "arguments that are not JSON (key must be a string at line 1 column 2)",
            "`{oops`",
        ),
    ];
    for (body, expected, quoted) in problems {
        let err = read_reply(body, &mut conversation).unwrap_err();
        assert!(err.starts_with("protocol error") && err.contains(expected), "{body}: {err}");
        assert!(err.contains(quoted), "{err} does not quote {quoted}");
    }
    let both = r#"{"choices": [{"message": {"content": " On it. ", "tool_calls": [
        {"function": {"name": "verify-identity", "arguments": "{\"zip_code\": 94107}"}}]}}]}"#;
    let actions = read_reply(both, &mut conversation).unwrap();
    assert_eq!(
        actions,
        vec![
            Action::SayText { text: "On it.".to_owned() },
            Action::CallNamed {
                tool: "verify-identity".to_owned(),
                args: vec![("zip_code".to_owned(), "94107".to_owned())],
            },
        ]
    );
    assert_eq!(conversation.calls, ["call_1"]);
    let empty = read_reply(r#"{"choices": [{"message": {"content": null}}]}"#, &mut conversation);
    assert_eq!(empty, Ok(vec![Action::SayText { text: String::new() }]));
}

/// HTTPS: a server whose certificate chains to the test CA (`tests/fixtures/tls`, made with openssl for 127.0.0.1,
/// valid until 2126) answers every episode as over HTTP once that CA is the root (as `SSL_CERT_FILE` makes it); with
/// Mozilla's roots its certificate is refused at once, and every episode fails saying why.
#[test]
fn https_servers_are_trusted_only_through_the_given_roots() {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls");
    let chain = vec![CertificateDer::from_pem_file(format!("{fixtures}/server.pem")).unwrap()];
    let key = PrivateKeyDer::from_pem_file(format!("{fixtures}/server.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let seen = Arc::new(Seen::default());
    let base = serve_over(seen.clone(), Duration::from_millis(40), Some(Arc::new(config)));
    assert!(base.starts_with("https://"));
    let ca = read_roots(&std::fs::read(format!("{fixtures}/ca.pem")).unwrap()).unwrap();
    let trusted = run_trusting(&base, Duration::from_secs(30), 8, Some(ca));
    assert!(trusted.episodes.iter().all(|ep| ep.end != EndReason::AgentFailed));
    assert!(seen.requests.load(Ordering::SeqCst) >= trusted.episodes.len());
    let answered = seen.requests.load(Ordering::SeqCst);
    let refused = run_trusting(&base, Duration::from_secs(30), 8, None);
    assert_eq!(seen.requests.load(Ordering::SeqCst), answered, "a request got through");
    for ep in &refused.episodes {
        assert_eq!(ep.end, EndReason::AgentFailed, "episode {}", ep.episode);
        let turns = refused.turns_of(ep);
        let last = turns.iter().rev().find_map(|row| row.text.as_deref()).unwrap();
        assert!(last.contains("UnknownIssuer"), "episode {}: {last}", ep.episode);
        assert!(!last.contains("gave up after"), "episode {}: retried: {last}", ep.episode);
    }
}

#[test]
fn a_file_without_certificates_is_no_bundle() {
    assert!(read_roots(b"not a certificate").unwrap_err().contains("no PEM certificate"));
}
