//! The recorder keeps what it is given as the run goes, and a resumed agent asks only about what it lacks.

use super::*;

/// An agent that says its own turn number as text and counts what it is asked and told.
#[derive(Default)]
struct Echo {
    asked: Arc<Mutex<Vec<(u64, u16)>>>,
    adopted: Arc<Mutex<Vec<(u64, u16, Action)>>>,
}

impl AgentUnderTest for Echo {
    fn name(&self) -> &str {
        "echo"
    }

    fn begin(&mut self, _start: EpisodeStart) {}

    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        for obs in batch {
            self.asked.lock().unwrap().push((obs.episode, obs.turn));
            out.push(Action::SayText { text: format!("live {}", obs.turn) });
        }
    }

    fn adopt(&mut self, obs: &Observation, action: &Action) {
        self.adopted.lock().unwrap().push((obs.episode, obs.turn, action.clone()));
    }
}

fn obs(episode: u64, turn: u16) -> Observation {
    Observation {
        slot: episode as u32,
        episode,
        turn,
        customer: None,
        customer_text: Some(format!("customer at {turn}")),
        tool_result: None,
        tool_text: None,
    }
}

fn about() -> Value {
    json!({"agent": {"agent": "cmd", "command": "echo"}, "flags": {}, "run": {}})
}

/// Every reply is in replies.jsonl as soon as its batch is answered (a run killed then keeps it), and the finished
/// recording is complete, in (episode, turn) order.
#[test]
fn replies_are_on_disk_before_the_run_ends() {
    let dir = tempfile::tempdir().unwrap();
    let recorder = Arc::new(Recorder::start(dir.path(), &about(), None, 10).unwrap());
    let mut agent = recorder.wrap(Box::new(Echo::default()));
    let mut out = Vec::new();
    agent.act(&[obs(3, 1), obs(1, 1)], &mut out);
    let on_disk = std::fs::read_to_string(dir.path().join(REPLIES)).unwrap();
    assert_eq!(on_disk.lines().count(), 2, "{on_disk}");
    assert!(on_disk.lines().next().unwrap().contains("\"episode\":3"), "arrival order: {on_disk}");
    let about_now: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(RECORDING)).unwrap())
            .unwrap();
    assert_eq!(about_now["complete"], false);
    recorder.finish(&about()).unwrap();
    let finished = std::fs::read_to_string(dir.path().join(REPLIES)).unwrap();
    assert!(finished.lines().next().unwrap().contains("\"episode\":1"), "sorted: {finished}");
    let about_now: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(RECORDING)).unwrap())
            .unwrap();
    assert_eq!(
        (about_now["complete"].clone(), about_now["turns"].clone()),
        (json!(true), json!(2))
    );
}

/// Resumed from a recording whose last line was cut off mid-write: the recorded turns are answered from it and told
/// to the live agent, which is asked only about the others (the cut one among them), and the new recording holds
/// both without repeating any.
#[test]
fn a_resumed_agent_is_asked_only_what_the_recording_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let first = Arc::new(Recorder::start(dir.path(), &about(), None, 10).unwrap());
    let mut agent = first.wrap(Box::new(Echo::default()));
    agent.act(&[obs(0, 1), obs(1, 1)], &mut Vec::new());
    agent.act(&[obs(0, 3)], &mut Vec::new());
    let path = dir.path().join(REPLIES);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, &text[..text.len() - 10]).unwrap(); // (0, 3) cut off
    let replies = Arc::new(Replies::load(dir.path()).unwrap());
    let second = Arc::new(Recorder::start(dir.path(), &about(), Some(&replies), 10).unwrap());
    let live = Echo::default();
    let (asked, adopted) = (live.asked.clone(), live.adopted.clone());
    let mut agent = second.wrap(Box::new(Resumed::new(Box::new(live), replies.clone())));
    let mut out = Vec::new();
    agent.act(&[obs(1, 1), obs(0, 3), obs(0, 1), obs(2, 1)], &mut out);
    let said = |turn: u16| Action::SayText { text: format!("live {turn}") };
    assert_eq!(out, [said(1), said(3), said(1), said(1)]);
    assert_eq!(*asked.lock().unwrap(), [(0, 3), (2, 1)]);
    assert_eq!(*adopted.lock().unwrap(), [(1, 1, said(1)), (0, 1, said(1))]);
    assert_eq!(replies.answered(), 2);
    second.finish(&about()).unwrap();
    let episodes: Vec<(u64, u64)> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .map(|line| (line["episode"].as_u64().unwrap(), line["turn"].as_u64().unwrap()))
        .collect();
    assert_eq!(episodes, [(0, 1), (0, 3), (1, 1), (2, 1)]);
}

/// A recording resumed by a run of fewer episodes keeps only that run's.
#[test]
fn a_resumed_recording_keeps_only_the_runs_episodes() {
    let dir = tempfile::tempdir().unwrap();
    let first = Arc::new(Recorder::start(dir.path(), &about(), None, 10).unwrap());
    first.wrap(Box::new(Echo::default())).act(&[obs(0, 1), obs(7, 1)], &mut Vec::new());
    let replies = Replies::load(dir.path()).unwrap();
    let second = Recorder::start(dir.path(), &about(), Some(&replies), 5).unwrap();
    second.finish(&about()).unwrap();
    let text = std::fs::read_to_string(dir.path().join(REPLIES)).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
}
