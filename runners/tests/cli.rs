//! The real `rehearse` binary, run in a temp dir: exit codes, files, error messages.

use std::path::Path;
use std::process::{Command, Output};

fn rehearse(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rehearse"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn run_writes_every_output_and_replay_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let run = rehearse(dir.path(), &["run", "--episodes", "3000", "--quiet"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    for name in ["episodes.parquet", "turns.parquet", "transcripts.jsonl", "summary.json"] {
        let path = dir.path().join("runs/demo").join(name);
        assert!(std::fs::metadata(&path).unwrap().len() > 0, "{name} is empty");
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("runs/demo"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "partial files left: {leftovers:?}");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("runs/demo/summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["table"]["episodes"], 3000);
    let replay = rehearse(dir.path(), &["replay", "--episode", "42"]);
    assert_eq!(replay.status.code(), Some(0), "{}", stderr(&replay));
    let text = String::from_utf8(replay.stdout).unwrap();
    assert!(text.contains("episode 42"), "{text}");
    assert!(text.contains("resolution"), "{text}");
}

#[test]
fn fail_on_violation_exits_one_for_the_sloppy_agent() {
    let dir = tempfile::tempdir().unwrap();
    let run = rehearse(
        dir.path(),
        &["run", "--agent", "sloppy", "--episodes", "500", "--quiet", "--fail-on-violation"],
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
}

#[test]
fn malformed_scenario_exits_two_naming_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.ron");
    std::fs::write(
        &path,
        "Scenario(\n    id: \"x\",\n    description: \"x\",\n    max_turns: ,\n)\n",
    )
    .unwrap();
    let run =
        rehearse(dir.path(), &["run", "--scenario", path.to_str().unwrap(), "--episodes", "10"]);
    assert_eq!(run.status.code(), Some(2));
    let err = stderr(&run);
    assert!(err.contains("broken.ron:4:"), "{err}");
}

#[test]
fn malformed_persona_exits_two_naming_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.ron");
    std::fs::write(&path, "Persona(\n    description: \"x\",\n    nonsense: 3,\n)\n").unwrap();
    let run =
        rehearse(dir.path(), &["run", "--persona", path.to_str().unwrap(), "--episodes", "10"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("odd.ron:"), "{}", stderr(&run));
}

#[test]
fn unknown_agent_and_bad_flags_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(rehearse(dir.path(), &["run", "--agent", "nobody"]).status.code(), Some(2));
    assert_eq!(rehearse(dir.path(), &["run", "--episodes", "many"]).status.code(), Some(2));
    assert_eq!(rehearse(dir.path(), &["replay", "--episode", "1"]).status.code(), Some(2));
}

#[test]
fn help_has_examples_and_list_names_the_built_ins() {
    let dir = tempfile::tempdir().unwrap();
    let help = String::from_utf8(rehearse(dir.path(), &["--help"]).stdout).unwrap();
    assert!(help.contains("Examples:"), "{help}");
    let list = String::from_utf8(rehearse(dir.path(), &["list"]).stdout).unwrap();
    for name in ["retail-support", "calm", "social-engineer", "by-the-book", "sloppy"] {
        assert!(list.contains(name), "{list}");
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn lint_without_paths_checks_the_built_ins_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let lint = rehearse(dir.path(), &["lint"]);
    let out = stdout(&lint);
    assert_eq!(lint.status.code(), Some(0), "{out}{}", stderr(&lint));
    assert!(out.contains("ok   ") && out.contains("retail-support.ron  scenario retail-support: "));
    assert!(out.contains("calm.ron  persona calm"), "{out}");
    assert!(out.contains(" checked, 0 with problems"), "{out}");
}

#[test]
fn lint_names_each_broken_file_with_line_and_column_and_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("scenarios")).unwrap();
    let calm = std::fs::read_to_string(sim_personas::built_in_dir().join("calm.ron")).unwrap();
    std::fs::write(data.join("calm.ron"), calm).unwrap();
    let scenario =
        std::fs::read_to_string(sim_scenarios::built_in_dir().join("retail-support.ron")).unwrap();
    let (rule_tool, bad_tool) = (
        "AmountWithinOrderTotal(tool: \"offer-refund\")",
        "AmountWithinOrderTotal(tool: \"no-such-tool\")",
    );
    assert!(scenario.contains(rule_tool) && scenario.contains("sigma: "), "the fixture changed");
    let broken = scenario.replacen(rule_tool, bad_tool, 1).replacen("sigma: ", "sigma: -", 1);
    let line_of = |needle: &str| broken[..broken.find(needle).unwrap()].matches('\n').count() + 1;
    std::fs::write(data.join("scenarios/refunds.ron"), &broken).unwrap();
    std::fs::write(data.join("odd.ron"), "// no kind\n(description: \"x\")\n").unwrap();

    let lint = rehearse(dir.path(), &["lint", "data"]);
    let out = stdout(&lint);
    assert_eq!(lint.status.code(), Some(2), "{out}{}", stderr(&lint));
    assert!(out.contains("ok   data/calm.ron  persona calm\n"), "{out}");
    assert!(
        out.contains("FAIL data/odd.ron\n  data/odd.ron:2:1: found `(`; start the file"),
        "{out}"
    );
    assert!(out.contains("FAIL data/scenarios/refunds.ron\n"), "{out}");
    let sigma = format!("  data/scenarios/refunds.ron:{}:", line_of("sigma: -"));
    let tool = format!("  data/scenarios/refunds.ron:{}:", line_of(bad_tool));
    for expect in [sigma, tool, "unknown tool `no-such-tool`".into(), "sigma is -".into()] {
        assert!(out.contains(&expect), "missing {expect:?} in\n{out}");
    }
    assert!(out.ends_with("3 files checked, 2 with problems\n"), "{out}");
}

#[test]
fn lint_of_a_missing_path_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    let lint = rehearse(dir.path(), &["lint", "nowhere.ron"]);
    assert_eq!(lint.status.code(), Some(2));
    assert!(stdout(&lint).contains("nowhere.ron: no such file or directory"), "{}", stdout(&lint));
}

#[test]
fn replay_resimulates_episodes_without_a_recorded_transcript() {
    let dir = tempfile::tempdir().unwrap();
    let common = ["--episodes", "400", "--agent", "sloppy", "--seed", "9", "--quiet"];
    let recorded = rehearse(dir.path(), &[&["run", "--out", "all"][..], &common].concat());
    assert_eq!(recorded.status.code(), Some(0), "{}", stderr(&recorded));
    let bare = rehearse(
        dir.path(),
        &[&["run", "--out", "bare", "--transcripts", "none"][..], &common].concat(),
    );
    assert_eq!(bare.status.code(), Some(0), "{}", stderr(&bare));
    assert!(!dir.path().join("bare/transcripts.jsonl").exists());
    let from_file = rehearse(dir.path(), &["replay", "--out", "all", "--episode", "123"]);
    let simulated = rehearse(dir.path(), &["replay", "--out", "bare", "--episode", "123"]);
    assert_eq!(simulated.status.code(), Some(0), "{}", stderr(&simulated));
    let simulated = String::from_utf8(simulated.stdout).unwrap();
    let (note, body) = simulated.split_once('\n').unwrap();
    assert!(note.contains("re-simulated"), "{note}");
    assert_eq!(body, String::from_utf8(from_file.stdout).unwrap());
    let outside = rehearse(dir.path(), &["replay", "--out", "bare", "--episode", "400"]);
    assert_eq!(outside.status.code(), Some(2));
}

#[test]
fn a_rerun_replaces_stale_outputs_and_partials() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("runs/demo");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(".episodes.parquet.999999.partial"), b"half").unwrap();
    std::fs::write(out.join("transcripts.jsonl"), b"{\"episode\":0,\"stale\":true}\n").unwrap();
    let run =
        rehearse(dir.path(), &["run", "--episodes", "50", "--quiet", "--transcripts", "none"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(!names.iter().any(|name| name.ends_with(".partial")), "{names:?}");
    assert!(!names.contains(&"transcripts.jsonl".to_owned()), "stale transcripts kept: {names:?}");
    assert!(names.contains(&"summary.json".to_owned()));
}

#[test]
fn policy_prints_the_system_prompt_and_each_rule_with_its_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let text = rehearse(dir.path(), &["policy", "--scenario", "bank-card-services"]);
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    assert!(stdout(&text).contains("Never dispute more than what is left of the charge."));
    let rules = rehearse(dir.path(), &["policy", "--scenario", "bank-card-services", "--rules"]);
    let rules = stdout(&rules);
    let block = rules.split("\ndispute-within-charge\n").nth(1).expect("the rule is listed");
    assert!(
        block
            .lines()
            .nth(1)
            .unwrap()
            .contains("\"Never dispute more than what is left of the charge.\"")
    );
    let missing = rehearse(dir.path(), &["policy", "--scenario", "no-such-scenario"]);
    assert_eq!(missing.status.code(), Some(2));
}

/// Each verdict in transcripts.jsonl names the world facts it read, with their values when it was given. A return's
/// resolution reads the window ("membership decides the return window": the level and the days since purchase)
/// and the order's change; the level matches the world shown for the customer, and in a resolved return the change
/// the agent made is there (the tool calls were applied again up to the verdict).
#[test]
fn verdicts_show_the_world_facts_they_read() {
    let dir = tempfile::tempdir().unwrap();
    let run = rehearse(
        dir.path(),
        &["run", "--scenario", "retail-support", "--episodes", "5000", "--quiet"],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let text = std::fs::read_to_string(dir.path().join("runs/demo/transcripts.jsonl")).unwrap();
    let (mut returns, mut resolved) = (0, 0);
    for line in text.lines() {
        let line: serde_json::Value = serde_json::from_str(line).unwrap();
        if line["subflow"] != "return_size" {
            continue;
        }
        returns += 1;
        let verdicts = line["verdicts"].as_array().unwrap();
        let resolution = verdicts.iter().find(|verdict| verdict["rule"] == "resolution").unwrap();
        let reads = resolution["reads"].as_object().unwrap();
        let keys: Vec<&str> = reads.keys().map(String::as_str).collect();
        assert_eq!(keys, ["DaysSincePurchase", "MembershipLevel", "OrderChange"], "{resolution}");
        assert_eq!(reads["MembershipLevel"], line["customer"]["world"]["membership_level"]);
        if resolution["passed"] == true && line["outcome"]["admissible"] == true {
            resolved += 1;
            assert_ne!(reads["OrderChange"], "none", "{resolution}");
        }
    }
    assert!(returns > 50 && resolved > 20, "{returns} returns, {resolved} resolved");
}

/// `rehearse tools` prints the scenario's tools as a JSON array of function schemas; an unknown scenario is bad
/// input (exit 2).
#[test]
fn tools_prints_function_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let tools = rehearse(dir.path(), &["tools", "--scenario", "bank-card-services"]);
    assert_eq!(tools.status.code(), Some(0), "{}", stderr(&tools));
    let schemas: serde_json::Value = serde_json::from_slice(&tools.stdout).unwrap();
    let names: Vec<&str> = schemas
        .as_array()
        .unwrap()
        .iter()
        .map(|tool| tool["function"]["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"verify-identity") && names.contains(&"file-dispute"), "{names:?}");
    let unknown = rehearse(dir.path(), &["tools", "--scenario", "no-such-scenario"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", stderr(&unknown));
}

/// Whether `python3` runs here (the stdio examples are Python); tests that need it say so and pass when it does not.
fn python3() -> bool {
    let found =
        Command::new("python3").arg("--version").output().is_ok_and(|out| out.status.success());
    if !found {
        eprintln!("python3 not found: skipping a stdio agent test");
    }
    found
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("runs/demo/summary.json")).unwrap()).unwrap()
}

/// An agent outside rehearse over stdio is judged like a built-in one. The cheats of examples/agents/cheat.py earn
/// nothing (at most 1% success, the bound for the built-in cheats): refusing at once makes every refusal of an
/// admissible request wrongful, and the agent's own words are in the transcripts.
#[test]
fn stdio_agents_built_to_cheat_earn_nothing() {
    if !python3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/agents/cheat.py");
    for mode in ["claim-done", "close-now"] {
        let agent = format!("cmd:python3 {script} {mode}");
        let out = format!("runs/{mode}");
        let run = rehearse(
            dir.path(),
            &["run", "--agent", &agent, "--episodes", "600", "--out", &out, "--quiet"],
        );
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        let summary: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir.path().join(&out).join("summary.json")).unwrap(),
        )
        .unwrap();
        let table = &summary["table"];
        assert!(table["success_rate"].as_f64() <= Some(0.01), "{mode}: {table}");
        assert_eq!(table["agent_failures"], 0, "{mode}");
    }
    let agent = format!("cmd:python3 {script} refuse");
    let run = rehearse(dir.path(), &["run", "--agent", &agent, "--episodes", "600", "--quiet"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let table = &summary(dir.path())["table"];
    assert_eq!(
        (table["episodes"].as_u64(), table["success_rate"].as_f64()),
        (Some(600), Some(0.0))
    );
    assert_eq!(table["agent_failures"], 0);
    assert!(
        table["violations_by_rule"]["wrongful-refusal"]["violations"].as_u64() > Some(400),
        "{table}"
    );
    let transcripts =
        std::fs::read_to_string(dir.path().join("runs/demo/transcripts.jsonl")).unwrap();
    assert!(transcripts.contains("I'm sorry, I can't help with that."));
    // The cheat writes text alone: the tagger read its refusal, and the turn says so.
    assert!(transcripts.contains(r#""tagged":{"act":"deny","#), "no tagged refusal");
    // An agent that answers each episode alike gives the same outputs on one thread (one process) as on two.
    let one = rehearse(
        dir.path(),
        &[
            "run",
            "--agent",
            &agent,
            "--episodes",
            "600",
            "--threads",
            "1",
            "--out",
            "one",
            "--quiet",
        ],
    );
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    for name in ["episodes.parquet", "turns.parquet", "transcripts.jsonl"] {
        let two = std::fs::read(dir.path().join("runs/demo").join(name)).unwrap();
        assert!(two == std::fs::read(dir.path().join("one").join(name)).unwrap(), "{name} differs");
    }
}

/// An agent process that dies mid-run: the batch it was answering ends as agent_failed with the reason, the process
/// is started again, and every episode is written.
#[test]
fn a_stdio_agent_that_crashes_loses_no_episode() {
    if !python3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Answers the greeting and two batches (asking for the need), then exits.
    let script = dir.path().join("crash.py");
    std::fs::write(
        &script,
        "import json, sys\n\
         for n, line in enumerate(sys.stdin):\n\
         \x20   m = json.loads(line)\n\
         \x20   if m['type'] == 'hello':\n\
         \x20       print(json.dumps({'type': 'hello', 'protocol': 1}), flush=True)\n\
         \x20   elif n > 2:\n\
         \x20       sys.exit(3)\n\
         \x20   else:\n\
         \x20       print(json.dumps({'type': 'actions', 'actions': [{'act': 'ask_need'} for _ in m['batch']]}), flush=True)\n",
    )
    .unwrap();
    let agent = format!("cmd:python3 {}", script.display());
    let run = rehearse(
        dir.path(),
        &["run", "--agent", &agent, "--episodes", "300", "--threads", "1", "--quiet"],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let table = &summary(dir.path())["table"];
    assert_eq!(table["episodes"], 300);
    assert!(table["agent_failures"].as_f64() > Some(0.5), "{table}");
    let transcripts =
        std::fs::read_to_string(dir.path().join("runs/demo/transcripts.jsonl")).unwrap();
    assert!(
        transcripts.contains("the agent process ended (exit status: 3)"),
        "no crash reason recorded"
    );
}

/// A command that does not speak the protocol is bad input, found before any output: exit 2, the command named.
#[test]
fn a_command_that_does_not_greet_is_refused_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let run =
        rehearse(dir.path(), &["run", "--agent", "cmd:read line; echo hello", "--episodes", "10"]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains("`read line; echo hello` answered the greeting with `hello`, not JSON"),
        "{err}"
    );
    let gone = rehearse(dir.path(), &["run", "--agent", "cmd:exit 0", "--episodes", "10"]);
    assert_eq!(gone.status.code(), Some(2), "{}", stderr(&gone));
    assert!(stderr(&gone).contains("`exit 0` did not answer the greeting"), "{}", stderr(&gone));
    assert!(!dir.path().join("runs/demo").exists());
}

/// `rehearse tagger-eval` scores the tagger on a scenario's acts written as text, and writes the scores as JSON.
#[test]
fn tagger_eval_scores_each_act() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "tagger-eval",
        "--scenario",
        "telecom-troubleshooting",
        "--episodes",
        "60",
        "--json",
        "scores.json",
    ];
    let run = rehearse(dir.path(), &args);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let table = String::from_utf8(run.stdout).unwrap();
    assert!(table.contains("telecom-troubleshooting (by-the-book written as text)"), "{table}");
    assert!(table.contains("precision"), "{table}");
    let scores: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("scores.json")).unwrap()).unwrap();
    let acts = scores[0]["acts"].as_array().unwrap();
    let close = acts.iter().find(|act| act["act"] == "close").unwrap();
    assert_eq!(close["recall"], 1.0, "{close}");
}

/// examples/agents/text_agent.py plays retail-support by the book in free text alone, learning the procedures from
/// the policy text: on the same episodes it gets the same success verdict as by-the-book (99.97% over 10,000
/// episodes; here at least 98% of 400), and the tagger reads every one of its messages clearly.
#[test]
fn the_text_only_python_agent_agrees_with_by_the_book() {
    if !python3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/agents/text_agent.py");
    let agent = format!("cmd:python3 {script}");
    let runs = [("by-the-book", "runs/book"), (agent.as_str(), "runs/text")];
    for (agent, out) in runs {
        let args = ["run", "--agent", agent, "--episodes", "400", "--out", out, "--quiet"];
        let run = rehearse(dir.path(), &args);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    }
    let outcomes = |out: &str| -> Vec<(u64, bool)> {
        let text = std::fs::read_to_string(dir.path().join(out).join("transcripts.jsonl")).unwrap();
        text.lines()
            .map(|line| {
                let line: serde_json::Value = serde_json::from_str(line).unwrap();
                (line["episode"].as_u64().unwrap(), line["outcome"]["success"] == true)
            })
            .collect()
    };
    let (book, text) = (outcomes("runs/book"), outcomes("runs/text"));
    assert_eq!(book.len(), 400);
    let agree = book.iter().zip(&text).filter(|(a, b)| a == b).count();
    assert!(agree >= 392, "{agree} of 400 agree");
    assert!(text.iter().filter(|(_, success)| *success).count() > 300);
    let transcripts =
        std::fs::read_to_string(dir.path().join("runs/text/transcripts.jsonl")).unwrap();
    assert!(transcripts.contains(r#""clear":true"#));
    assert!(!transcripts.contains(r#""clear":false"#), "a message the tagger could not read");
}

/// Every file of a run but summary.json (whose timing differs) and manifest.json (which lists summary.json's
/// checksum), with its bytes.
fn run_files(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(out)
        .unwrap()
        .map(|entry| entry.unwrap())
        .map(|entry| (entry.file_name().into_string().unwrap(), entry.path()))
        .filter(|(name, _)| {
            !matches!(name.as_str(), "summary.json" | "manifest.json" | ".rehearse.lock")
        })
        .map(|(name, path)| (name, std::fs::read(path).unwrap()))
        .collect();
    files.sort();
    files
}

/// A text agent's run recorded, then played back without it: the same files byte for byte (summary.json's timing
/// aside, and its inputs name the recorded agent). A recording whose observation was tampered with reports the
/// divergence at that episode and turn, and the run exits 3.
#[test]
fn a_recorded_run_replays_byte_for_byte_and_reports_divergence_at_its_turn() {
    if !python3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/agents/text_agent.py");
    let agent = format!("cmd:python3 {script}");
    let common = ["--episodes", "150", "--quiet", "--threads", "2"];
    let record =
        [&["run", "--agent", &agent, "--record", "rec", "--out", "runs/a"][..], &common].concat();
    let run = rehearse(dir.path(), &record);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let replay = [&["run", "--replay", "rec", "--out", "runs/b"][..], &common].concat();
    let run = rehearse(dir.path(), &replay);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let (a, b) = (run_files(&dir.path().join("runs/a")), run_files(&dir.path().join("runs/b")));
    assert_eq!(a.len(), 3, "{:?}", a.iter().map(|file| &file.0).collect::<Vec<_>>());
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs after replay");
    }
    let (sa, sb) = (summary_of(&dir.path().join("runs/a")), summary_of(&dir.path().join("runs/b")));
    assert_eq!(sa["inputs"], sb["inputs"]);
    assert_eq!(sa["input_hashes"], sb["input_hashes"]);
    assert_eq!(sa["table"], sb["table"]);
    let manifest = |out: &str| {
        let path = dir.path().join(out).join("manifest.json");
        let mut manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let files = manifest["files"].as_array_mut().unwrap();
        files.retain(|file| file["name"] != "summary.json");
        manifest
    };
    assert_eq!(manifest("runs/a"), manifest("runs/b"));
    // Played back on other customers, the replies would not fit: refused before the run, naming every difference.
    let fixture = CUSTOMER_TEXT_FIXTURE;
    let other = ["run", "--replay", "rec", "--out", "runs/x", "--seed", "8", "--episodes", "151"];
    let run = rehearse(dir.path(), &[&other[..], &["--customer-text", fixture]].concat());
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(stderr(&run).contains("--seed: this run has 8, the recording 7"), "{}", stderr(&run));
    assert!(stderr(&run).contains("--episodes: this run has 151, the recording only 150"));
    assert!(stderr(&run).contains("--customer-text: this run has \""), "{}", stderr(&run));
    assert!(!dir.path().join("runs/x").exists());
    // Forked from the recording at turn 6: the text agent's past as it ran, by-the-book's future.
    let args = ["fork", "--out", "runs/a", "--replay", "rec", "--episode", "17", "--turn", "6"];
    let fork = rehearse(
        dir.path(),
        &[&args[..], &["--agent", "by-the-book", "--json", "f.json"]].concat(),
    );
    assert_eq!(fork.status.code(), Some(0), "{}", stderr(&fork));
    let forked: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("f.json")).unwrap()).unwrap();
    let transcripts = std::fs::read_to_string(dir.path().join("runs/a/transcripts.jsonl")).unwrap();
    let original: serde_json::Value = transcripts
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .find(|line| line["episode"] == 17)
        .unwrap();
    assert_eq!(messages_before(&forked, 6), messages_before(&original, 6));
    assert!(!stdout(&fork).contains("replay diverged"), "{}", stdout(&fork));
    // Tamper with what episode 17 was shown at its fourth agent turn.
    let replies = dir.path().join("rec/replies.jsonl");
    let text = std::fs::read_to_string(&replies).unwrap();
    let mut seen = 0;
    let mut target = None;
    let tampered: Vec<String> = text
        .lines()
        .map(|line| {
            let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
            if value["episode"] == 17 {
                seen += 1;
                if seen == 4 {
                    target = Some(value["turn"].as_u64().unwrap());
                    value["observation"] = "0000000000000000".into();
                }
            }
            value.to_string()
        })
        .collect();
    std::fs::write(&replies, tampered.join("\n") + "\n").unwrap();
    let run = rehearse(
        dir.path(),
        &[&["run", "--replay", "rec", "--out", "runs/c"][..], &common].concat(),
    );
    assert_eq!(run.status.code(), Some(3), "{}", stderr(&run));
    let turn = target.unwrap();
    let expected = format!("1 turns diverged from the recording (first: episode 17, turn {turn})");
    assert!(stderr(&run).contains(&expected), "{}", stderr(&run));
    let transcripts = std::fs::read_to_string(dir.path().join("runs/c/transcripts.jsonl")).unwrap();
    assert!(
        transcripts.contains("replay diverged: the agent was shown something else at this turn")
    );
}

/// A recorded run cut short as a killed run leaves it (some episodes' replies, one episode's only in part, the last
/// line half written, the recording marked incomplete) and resumed with `--resume`: the outputs and the recording
/// are those of the uninterrupted run, and only the missing turns were asked. Resuming on other customers is refused.
#[test]
fn a_run_resumed_from_a_cut_recording_ends_as_the_uninterrupted_run() {
    if !python3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/agents/text_agent.py");
    let agent = format!("cmd:python3 {script}");
    let common =
        ["run", "--agent", &agent, "--record", "rec", "--episodes", "120", "--threads", "2"];
    let run = rehearse(dir.path(), &[&common[..], &["--out", "runs/a", "--quiet"]].concat());
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let replies = dir.path().join("rec/replies.jsonl");
    let whole = std::fs::read_to_string(&replies).unwrap();
    let lines: Vec<&str> = whole.lines().collect();
    let episode =
        |line: &str| serde_json::from_str::<serde_json::Value>(line).unwrap()["episode"].clone();
    // Cut inside an episode, and half of the next line written.
    let mut cut = lines.len() / 3;
    while episode(lines[cut - 1]) != episode(lines[cut]) {
        cut += 1;
    }
    let next = lines[cut];
    std::fs::write(&replies, lines[..cut].join("\n") + "\n" + &next[..next.len() / 2]).unwrap();
    let about = dir.path().join("rec/recording.json");
    let mut recording: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&about).unwrap()).unwrap();
    recording["complete"] = false.into();
    std::fs::write(&about, recording.to_string()).unwrap();

    let resume = [&common[..], &["--resume", "--out", "runs/b"]].concat();
    let run = rehearse(dir.path(), &resume);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let expected = format!("({cut} turns answered from the recording resumed)");
    assert!(stdout(&run).contains(&expected), "{}", stdout(&run));
    let (a, b) = (run_files(&dir.path().join("runs/a")), run_files(&dir.path().join("runs/b")));
    assert_eq!(a.len(), 3);
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs after resuming");
    }
    assert!(
        std::fs::read_to_string(&replies).unwrap() == whole,
        "the recording differs after resuming"
    );
    let recording: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&about).unwrap()).unwrap();
    assert_eq!(recording["complete"], true);
    assert_eq!(recording["turns"], lines.len());

    let other = [
        "run",
        "--agent",
        "by-the-book",
        "--record",
        "rec",
        "--resume",
        "--seed",
        "8",
        "--out",
        "runs/x",
    ];
    let run = rehearse(dir.path(), &other);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(stderr(&run).contains("--seed: this run has 8, the recording 7"), "{}", stderr(&run));
    assert!(stderr(&run).contains("--agent: this run has \"by-the-book\""), "{}", stderr(&run));
    assert!(!dir.path().join("runs/x").exists());
}

fn summary_of(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap()
}

/// `compare` of by-the-book against sloppy: the violation difference's interval excludes 0; an agent against
/// itself flips nothing. compare.json holds the same figures.
#[test]
fn compare_finds_the_sloppy_agents_violations_and_nothing_between_equals() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["compare", "--agent", "by-the-book", "--agent", "sloppy", "--episodes", "1500"];
    let run = rehearse(dir.path(), &[&args[..], &["--out", "cmp"]].concat());
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let violation =
        stdout(&run).lines().find(|line| line.starts_with("violation")).unwrap().to_owned();
    assert!(violation.ends_with("(excludes 0)"), "{violation}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("cmp/compare.json")).unwrap())
            .unwrap();
    let violation = &json["metrics"][2];
    assert_eq!(violation["metric"], "violation");
    assert!(violation["ci95"][0].as_f64().unwrap() > 0.0, "{violation}");
    assert!(!json["b_lost"].as_array().unwrap().is_empty());
    let same =
        ["compare", "--agent", "by-the-book", "--agent", "by-the-book", "--episodes", "1500"];
    let run = rehearse(dir.path(), &[&same[..], &["--out", "same"]].concat());
    assert!(stdout(&run).contains("success flipped on 0 episodes"), "{}", stdout(&run));
    let one = rehearse(dir.path(), &["compare", "--agent", "by-the-book", "--episodes", "10"]);
    assert_eq!(one.status.code(), Some(2), "{}", stderr(&one));
}

/// A real LLM over chat-completions, when one is served (examples/agents/local_llm/serve.sh, then
/// `REHEARSE_LLM_URL=http://127.0.0.1:8088/v1 cargo test -p sim-runners --test cli -- local_llm`): 5 episodes end to
/// end, each with its verdict and transcript, none failing for the transport's sake. Skipped (passes) without it.
#[test]
fn local_llm_smoke_test() {
    let Ok(url) = std::env::var("REHEARSE_LLM_URL") else {
        eprintln!("REHEARSE_LLM_URL not set: skipping the local LLM smoke test");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let prompt = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/agents/local_llm/retail-support-prompt.md"
    );
    let agent = format!("openai:{url}");
    let args = ["run", "--agent", &agent, "--model", "smollm2", "--system-prompt", prompt];
    let rest = ["--episodes", "5", "--threads", "1", "--agent-timeout", "120", "--quiet"];
    let run = rehearse(dir.path(), &[&args[..], &rest].concat());
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(summary(dir.path())["table"]["episodes"], 5);
    let transcripts =
        std::fs::read_to_string(dir.path().join("runs/demo/transcripts.jsonl")).unwrap();
    assert_eq!(transcripts.lines().count(), 5);
    for transport in ["cannot reach", "HTTP 4", "HTTP 5", "--agent-timeout"] {
        assert!(!transcripts.contains(transport), "an episode failed in transport: {transport}");
    }
}

/// `--agent-workers 3` starts three processes per worker thread and splits each batch between them, an episode
/// always to the same one: the run is the one a single process gives.
#[test]
fn several_agent_processes_give_the_run_one_process_gives() {
    if !python3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/agents/text_agent.py");
    let agent = format!("cmd:python3 {script}");
    for (workers, out) in [("1", "runs/one"), ("3", "runs/three")] {
        let args = ["run", "--agent", &agent, "--agent-workers", workers, "--threads", "1"];
        let run = rehearse(
            dir.path(),
            &[&args[..], &["--episodes", "120", "--quiet", "--out", out]].concat(),
        );
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    }
    let read = |out: &str| std::fs::read(dir.path().join(out).join("transcripts.jsonl")).unwrap();
    assert!(read("runs/one") == read("runs/three"), "the transcripts differ");
    let config = &summary_of(&dir.path().join("runs/three"))["config"]["agent_config"];
    assert_eq!(config["workers"], 3, "{config}");
}

/// The messages of a transcript line up to (not including) `turn`, and its outcome.
fn messages_before(line: &serde_json::Value, turn: u64) -> Vec<serde_json::Value> {
    let messages = line["messages"].as_array().unwrap();
    messages.iter().filter(|m| m["turn"].as_u64().unwrap() < turn).cloned().collect()
}

/// `fork` replays an episode to a turn with the run's agent and continues with another: before the turn nothing
/// changes; continued by the run's own agent the episode is the one that ran; continued by by-the-book from the
/// sloppy agent's first fault on, it is not the same episode.
#[test]
fn fork_keeps_the_past_and_hands_over_at_the_turn() {
    let dir = tempfile::tempdir().unwrap();
    let run = rehearse(dir.path(), &["run", "--agent", "sloppy", "--episodes", "200", "--quiet"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let text = std::fs::read_to_string(dir.path().join("runs/demo/transcripts.jsonl")).unwrap();
    let faulty: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|line| line["outcome"]["success"] == false)
        .filter(|line| line["agent_notes"].as_array().is_some_and(|notes| !notes.is_empty()))
        .take(3)
        .collect();
    assert_eq!(faulty.len(), 3);
    for original in faulty {
        let episode = original["episode"].as_u64().unwrap().to_string();
        let turn = original["agent_notes"][0]["turn"].as_u64().unwrap();
        let fork = |agent: &str, file: &str| {
            let args =
                ["fork", "--out", "runs/demo", "--episode", &episode, "--turn", &turn.to_string()];
            let run =
                rehearse(dir.path(), &[&args[..], &["--agent", agent, "--json", file]].concat());
            assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
            let line = std::fs::read_to_string(dir.path().join(file)).unwrap();
            serde_json::from_str::<serde_json::Value>(&line).unwrap()
        };
        let same = fork("sloppy", "same.json");
        assert_eq!(same["messages"], original["messages"], "episode {episode}");
        let book = fork("by-the-book", "book.json");
        assert_eq!(
            messages_before(&book, turn),
            messages_before(&original, turn),
            "episode {episode}"
        );
        assert_ne!(
            book["messages"], original["messages"],
            "episode {episode}: the fork changed nothing"
        );
    }
}

#[test]
fn transcripts_convert_writes_the_file_whole_and_reports_rejected_rows() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/../calibration-data/fixtures/star");
    let convert =
        rehearse(dir.path(), &["transcripts", "convert", "--from", "star", fixture, "star.jsonl"]);
    assert_eq!(convert.status.code(), Some(0), "{}", stderr(&convert));
    let out = stdout(&convert);
    assert!(out.starts_with("wrote 3 conversations, 11 turns to star.jsonl\n"), "{out}");
    assert!(out.contains("rejected 2 conversations, 0 rows; kept 1 without a label"), "{out}");
    let err = stderr(&convert);
    assert!(err.contains("dialogues.jsonl:3: not a dialogue of the corpus's format"), "{err}");
    assert!(err.contains("dialogues.jsonl:4: event without a field it needs"), "{err}");
    let written = std::fs::read_to_string(dir.path().join("star.jsonl")).unwrap();
    assert_eq!(written.lines().count(), 3);
    let names: Vec<_> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["star.jsonl"], "no partial file is left");

    let missing = rehearse(
        dir.path(),
        &["transcripts", "convert", "--from", "casino", "nowhere.jsonl", "casino.jsonl"],
    );
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
    assert!(stderr(&missing).contains("nowhere.jsonl: cannot open"), "{}", stderr(&missing));
    let wrong_corpus =
        rehearse(dir.path(), &["transcripts", "convert", "--from", "nosuch", fixture, "x.jsonl"]);
    assert_eq!(wrong_corpus.status.code(), Some(2));
    let not_casino = rehearse(
        dir.path(),
        &["transcripts", "convert", "--from", "casino", "star.jsonl", "c.jsonl"],
    );
    assert_eq!(not_casino.status.code(), Some(2), "{}", stderr(&not_casino));
    assert!(stderr(&not_casino).contains("no conversation read as casino (3 rows rejected)"));
    assert!(!dir.path().join("casino.jsonl").exists() && !dir.path().join("c.jsonl").exists());
}

/// `realism` of a run against a transcript file: the table, and realism.json with the overall score and ceiling
/// and every feature's figures; an input that cannot be read or holds no conversation exits 2. The run converted
/// to a transcript file and split by id: disjoint sides, the same split every time.
#[test]
fn realism_writes_its_report_and_refuses_empty_inputs_and_a_run_splits_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let run = rehearse(dir.path(), &["run", "--episodes", "300", "--out", "sim", "--quiet"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let real = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../calibration-data/fixtures/rehearse/transcripts.jsonl"
    );
    let run = rehearse(dir.path(), &["realism", "--real", real, "--sim", "sim", "--out", "r"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stdout(&run).contains("customer_act_given_agent_act"), "{}", stdout(&run));
    assert!(stderr(&run).contains("1 rows not read"), "{}", stderr(&run));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("r/realism.json")).unwrap()).unwrap();
    assert!(report["score"].as_f64().unwrap() > 0.0 && report["ceiling"].is_number(), "{report}");
    let features = report["features"].as_array().unwrap();
    assert_eq!(features.len(), 9);
    assert!(report.get("classifier_auc").is_some(), "{report}");
    let page = std::fs::read_to_string(dir.path().join("r/realism.html")).unwrap();
    assert_eq!(page.matches("<svg").count(), 9);
    for key in ["name", "score", "ceiling", "ks", "wasserstein", "bins"] {
        assert!(features.iter().all(|f| f.get(key).is_some()), "{key}");
    }
    // The run as a transcript file, split by conversation id: every conversation on one side, the same split again.
    let run =
        rehearse(dir.path(), &["transcripts", "convert", "--from", "rehearse", "sim", "sim.jsonl"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let split =
        ["transcripts", "split", "sim.jsonl", "--train", "t.jsonl", "--held-out", "h.jsonl"];
    let run = rehearse(dir.path(), &split);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let ids = |name: &str| -> Vec<String> {
        std::fs::read_to_string(dir.path().join(name))
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap()["id"].to_string())
            .collect()
    };
    let (train, held) = (ids("t.jsonl"), ids("h.jsonl"));
    assert_eq!(train.len() + held.len(), 300);
    assert!((30..=90).contains(&held.len()), "{} held out", held.len());
    assert!(train.iter().all(|id| !held.contains(id)));
    let first = std::fs::read(dir.path().join("h.jsonl")).unwrap();
    assert_eq!(rehearse(dir.path(), &split).status.code(), Some(0));
    assert_eq!(std::fs::read(dir.path().join("h.jsonl")).unwrap(), first);
    let bad = rehearse(dir.path(), &[&split[..], &["--fraction", "1.5"]].concat());
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    // Like for like: the real side kept to one intent, said on stderr; an intent it does not have exits 2, naming
    // those it has. The classifier's telltales are in the report.
    let first_line = std::fs::read_to_string(dir.path().join("sim.jsonl")).unwrap();
    let first: serde_json::Value =
        serde_json::from_str(first_line.lines().next().unwrap()).unwrap();
    let intent = first["intent"].as_str().unwrap().to_owned();
    let of_intent = |intent: &str| {
        rehearse(
            dir.path(),
            &["realism", "--real", "sim.jsonl", "--intent", intent, "--sim", "sim", "--out", "i"],
        )
    };
    let run = of_intent(&intent);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let kept = first_line
        .lines()
        .filter(|line| line.contains(&format!("\"intent\":\"{intent}\"")))
        .count();
    assert!(kept < 300);
    assert!(
        stderr(&run)
            .contains(&format!("{kept} of 300 conversations kept, those of the intent {intent}")),
        "{}",
        stderr(&run)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("i/realism.json")).unwrap()).unwrap();
    assert_eq!(report["real_conversations"], kept);
    assert!(!report["most_simulated_messages"].as_array().unwrap().is_empty(), "{report}");
    assert!(report["most_real_messages"][0]["text"].is_string(), "{report}");
    let none = of_intent("no_such_intent");
    assert_eq!(none.status.code(), Some(2), "{}", stderr(&none));
    assert!(
        stderr(&none).contains("no conversation of the intent `no_such_intent` (its intents: "),
        "{}",
        stderr(&none)
    );
    assert!(stderr(&none).contains(&intent));
    std::fs::write(dir.path().join("empty.jsonl"), "").unwrap();
    for real in ["empty.jsonl", "missing.jsonl"] {
        let run = rehearse(dir.path(), &["realism", "--real", real, "--sim", "sim", "--out", "x"]);
        assert_eq!(run.status.code(), Some(2), "{real}: {}", stderr(&run));
        assert!(!dir.path().join("x").exists());
    }
}

/// The calibration pipeline end to end without ../shared: a run's conversations as transcripts, split, a
/// customer-act tagger trained on one side and scored on the other, the customer model fitted (acts read through
/// the tagger) and scored open loop below its unigram; a split by intent lists what it held out; inputs with
/// nothing to learn exit 2.
#[test]
fn calibration_runs_end_to_end_on_a_runs_transcripts() {
    let dir = tempfile::tempdir().unwrap();
    let ok = |args: &[&str]| {
        let run = rehearse(dir.path(), args);
        assert_eq!(run.status.code(), Some(0), "{args:?}: {}", stderr(&run));
        stdout(&run)
    };
    ok(&["run", "--episodes", "400", "--out", "sim", "--quiet"]);
    ok(&["transcripts", "convert", "--from", "rehearse", "sim", "sim.jsonl"]);
    ok(&[
        "transcripts",
        "split",
        "sim.jsonl",
        "--fraction",
        "0.3",
        "--train",
        "t.jsonl",
        "--held-out",
        "h.jsonl",
    ]);
    let table =
        ok(&["customer-acts", "--train", "t.jsonl", "--held-out", "h.jsonl", "--out", "acts.ron"]);
    assert!(table.contains("precision") && table.contains("state_need"), "{table}");
    ok(&["calibrate", "--transcripts", "t.jsonl", "--acts", "acts.ron", "--out", "fitted/sim.ron"]);
    let fitted = std::fs::read_to_string(dir.path().join("fitted/sim.ron")).unwrap();
    assert!(
        fitted.contains("// Regenerate: rehearse calibrate --transcripts t.jsonl --acts acts.ron"),
        "{fitted}"
    );
    let open = [
        "realism",
        "--real",
        "h.jsonl",
        "--persona",
        "fitted/sim.ron",
        "--open-loop",
        "--acts",
        "acts.ron",
    ];
    ok(&[&open[..], &["--out", "ol"]].concat());
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("ol/realism.json")).unwrap())
            .unwrap();
    let (nats, baseline) = (
        report["nats_per_turn"].as_f64().unwrap(),
        report["baseline_nats_per_turn"].as_f64().unwrap(),
    );
    assert!(nats < baseline, "{report}");
    assert!(report["length_act_unknown"]["nats_per_turn"].is_number(), "{report}");
    let page = std::fs::read_to_string(dir.path().join("ol/realism.html")).unwrap();
    assert_eq!(page.matches("<svg").count(), 2, "a chart per factor: act and length");
    let by_intent = [
        "transcripts",
        "split",
        "sim.jsonl",
        "--by",
        "intent",
        "--train",
        "a.jsonl",
        "--held-out",
        "b.jsonl",
    ];
    assert!(ok(&by_intent).contains("held out, never in training: "));

    let star = concat!(env!("CARGO_MANIFEST_DIR"), "/../calibration-data/fixtures/star");
    ok(&["transcripts", "convert", "--from", "star", star, "star.jsonl"]);
    std::fs::write(dir.path().join("empty.jsonl"), "").unwrap();
    let nothing = [
        vec!["customer-acts", "--train", "star.jsonl", "--held-out", "h.jsonl", "--out", "x.ron"],
        vec!["calibrate", "--transcripts", "empty.jsonl", "--out", "x.ron"],
        vec!["calibrate", "--transcripts", "t.jsonl", "--acts", "fitted/sim.ron", "--out", "x.ron"],
    ];
    for args in nothing {
        let run = rehearse(dir.path(), &args);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {}", stderr(&run));
        assert!(!dir.path().join("x.ron").exists());
    }
}

/// Three STAR-like conversations (two hotel bookings, one forecast) in the transcript format.
const CUSTOMER_TEXT_FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../calibration-data/fixtures/customer-text/star-hotel.jsonl"
);

/// `transcripts filter`: the fixture's conversations of the intents or domains asked for, in the order read; an intent
/// the file does not have, or no label at all, is bad input.
#[test]
fn transcripts_filter_keeps_the_conversations_of_the_labels_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = CUSTOMER_TEXT_FIXTURE;
    let ids = |file: &str| -> Vec<String> {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        let ids = text.lines().map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap());
        ids.map(|conversation| conversation["id"].as_str().unwrap().to_owned()).collect()
    };
    let filter = |args: &[&str]| {
        rehearse(dir.path(), &[&["transcripts", "filter", fixture][..], args].concat())
    };
    let hotel = filter(&["hotel.jsonl", "--intent", "hotel_book"]);
    assert_eq!(hotel.status.code(), Some(0), "{}", stderr(&hotel));
    assert!(stdout(&hotel).contains("2 of 3 conversations to hotel.jsonl"), "{}", stdout(&hotel));
    assert_eq!(ids("hotel.jsonl"), ["h1", "h2"]);
    let both = filter(&["both.jsonl", "--intent", "weather", "--intent", "hotel_book"]);
    assert_eq!(both.status.code(), Some(0), "{}", stderr(&both));
    assert_eq!(ids("both.jsonl"), ["h1", "h2", "w1"]);
    let weather = filter(&["weather.jsonl", "--domain", "weather"]);
    assert_eq!(weather.status.code(), Some(0), "{}", stderr(&weather));
    assert_eq!(ids("weather.jsonl"), ["w1"]);
    // Both labels must hold: no hotel_book conversation is of the weather domain.
    let neither = filter(&["neither.jsonl", "--domain", "weather", "--intent", "hotel_book"]);
    assert_eq!(neither.status.code(), Some(2), "{}", stderr(&neither));
    let spa = filter(&["spa.jsonl", "--intent", "spa"]);
    assert_eq!(spa.status.code(), Some(2), "{}", stderr(&spa));
    assert!(
        stderr(&spa)
            .contains("no conversation of the intent `spa` (its intents: hotel_book, weather)"),
        "{}",
        stderr(&spa)
    );
    assert!(!dir.path().join("spa.jsonl").exists(), "nothing written");
    let unlabelled = filter(&["all.jsonl"]);
    assert_eq!(unlabelled.status.code(), Some(2), "{}", stderr(&unlabelled));
    assert!(stderr(&unlabelled).contains("give --intent or --domain"), "{}", stderr(&unlabelled));
}

/// `run --customer-text`: customers say the fixture's real words with their own values, the same bytes on any number
/// of threads, and the summary counts the turns that kept the built-in phrasings.
#[test]
fn customers_speak_the_words_of_a_transcript_file() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = CUSTOMER_TEXT_FIXTURE;
    let run = |threads: &str, out: &str| {
        let args = ["run", "--scenario", "star-hotel", "--episodes", "300", "--threads", threads];
        let args = [&args[..], &["--customer-text", fixture, "--out", out]].concat();
        let run = rehearse(dir.path(), &args);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        run
    };
    let first = run("1", "one");
    assert!(
        stderr(&first).contains("customer text: 20 of 20 real customer messages"),
        "{}",
        stderr(&first)
    );
    assert!(stdout(&first).contains("customer turns in real words"), "{}", stdout(&first));
    run("2", "two");
    let read = |out: &str| std::fs::read(dir.path().join(out).join("transcripts.jsonl")).unwrap();
    assert_eq!(read("one"), read("two"), "the same transcripts on 1 and 2 threads");
    let transcripts = String::from_utf8(read("one")).unwrap();
    // Words only the fixture's customers write, and answers with the episode's own values in real messages (star-hotel
    // asks one slot at a time, as STAR's charts do: "the Hyatt Hotel i guess", "arriving the 3rd", "out on the 9th").
    assert!(transcripts.contains("\"content\":\"kthx\""), "no acknowledgement from the fixture");
    let lines: Vec<serde_json::Value> =
        transcripts.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    let answers = lines.iter().filter(|line| line["subflow"] == "hotel_book").filter(|line| {
        let knows = |slot: &str| line["customer"]["knowledge"][slot].as_str().unwrap().to_owned();
        let answers = [
            format!("the {} i guess", knows("hotel_name")),
            format!("arriving the {}", knows("arrival_day")),
            format!("out on the {}", knows("departure_day")),
        ];
        answers.iter().all(|answer| {
            line["messages"].as_array().unwrap().iter().any(|message| message["content"] == *answer)
        })
    });
    assert!(
        answers.count() > 10,
        "no hotel answer drawn from the fixture with the customer's values"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("one/summary.json")).unwrap())
            .unwrap();
    let counts = &summary["customer_text"];
    let (real, templates) =
        (counts["real"].as_u64().unwrap(), counts["templates"].as_u64().unwrap());
    assert!(real > templates && templates > 0, "{counts}");
    // A scenario without the file's slots and intents takes only its greetings and thanks, and says why.
    let args = ["run", "--scenario", "bank-card-services", "--episodes", "10", "--out", "bank"];
    let bank = rehearse(dir.path(), &[&args[..], &["--customer-text", fixture]].concat());
    assert_eq!(bank.status.code(), Some(0), "{}", stderr(&bank));
    assert!(
        stderr(&bank).contains("gives a value the scenario has no slot for 8"),
        "{}",
        stderr(&bank)
    );
    // The same file fits a persona for star-hotel that a run takes: two of its three openings say only hello.
    let args =
        ["calibrate", "--transcripts", fixture, "--scenario", "star-hotel", "--out", "fitted.ron"];
    let fitted = rehearse(dir.path(), &args);
    assert_eq!(fitted.status.code(), Some(0), "{}", stderr(&fitted));
    assert!(stdout(&fitted).contains("Fitted: 2 of 3 openings"), "{}", stdout(&fitted));
    let args = [
        "run",
        "--scenario",
        "star-hotel",
        "--persona",
        "fitted.ron",
        "--episodes",
        "50",
        "--out",
        "f",
    ];
    let with_fitted = rehearse(dir.path(), &args);
    assert_eq!(with_fitted.status.code(), Some(0), "{}", stderr(&with_fitted));
    // Fitted on one domain: the two hotel conversations, one of which opens with hello ("yo").
    let hotel = [&args_fitted(fixture)[..], &["--domain", "hotel", "--out", "hotel.ron"]].concat();
    let hotel = rehearse(dir.path(), &hotel);
    assert_eq!(hotel.status.code(), Some(0), "{}", stderr(&hotel));
    assert!(stdout(&hotel).contains("Fitted: 1 of 2 openings"), "{}", stdout(&hotel));
    let written = std::fs::read_to_string(dir.path().join("hotel.ron")).unwrap();
    assert!(written.contains("(2 conversations of the domain hotel"), "{written}");
    assert!(written.contains("--domain hotel --scenario star-hotel"), "{written}");
    // Fitted on the tasks a scenario plays: the weather conversation alone opens with "hey", read as hello.
    let weather =
        [&args_fitted(fixture)[..], &["--intent", "weather", "--out", "weather.ron"]].concat();
    let weather = rehearse(dir.path(), &weather);
    assert_eq!(weather.status.code(), Some(0), "{}", stderr(&weather));
    assert!(stdout(&weather).contains("Fitted: 1 of 1 openings"), "{}", stdout(&weather));
    let written = std::fs::read_to_string(dir.path().join("weather.ron")).unwrap();
    assert!(written.contains("(1 conversation of the intent weather"), "{written}");
    assert!(written.contains("--intent weather --scenario star-hotel"), "{written}");
    let both = ["--intent", "weather", "--intent", "hotel_book", "--out", "both.ron"];
    let both = rehearse(dir.path(), &[&args_fitted(fixture)[..], &both].concat());
    assert!(stdout(&both).contains("Fitted: 2 of 3 openings"), "{}", stdout(&both));
    let spa = [&args_fitted(fixture)[..], &["--domain", "spa", "--out", "spa.ron"]].concat();
    let spa = rehearse(dir.path(), &spa);
    assert_eq!(spa.status.code(), Some(2), "{}", stderr(&spa));
    assert!(
        stderr(&spa).contains("no conversation of the domain `spa` (its domains: hotel, weather)"),
        "{}",
        stderr(&spa)
    );
    let args = ["run", "--scenario", "bank-card-services", "--episodes", "10", "--out", "bank"];
    // A file no message of which can be read is bad input.
    std::fs::write(dir.path().join("empty.jsonl"), "").unwrap();
    let empty = rehearse(dir.path(), &[&args[..], &["--customer-text", "empty.jsonl"]].concat());
    assert_eq!(empty.status.code(), Some(2), "{}", stderr(&empty));
    assert!(stderr(&empty).contains("no customer message could be read"), "{}", stderr(&empty));
}

/// `calibrate --scenario star-hotel` of `fixture`, without `--out`.
fn args_fitted(fixture: &str) -> [&str; 5] {
    ["calibrate", "--transcripts", fixture, "--scenario", "star-hotel"]
}

/// `calibrate --intent-shares`: the fitted persona comes for the fixture's tasks as often as its customers did (two
/// hotel bookings, one forecast), and says how to fit it again; without the flag it keeps the scenario's mix.
#[test]
fn calibrate_with_intent_shares_fits_what_customers_came_for() {
    let dir = tempfile::tempdir().unwrap();
    let fitted = |out: &str, more: &[&str]| {
        let args = [&args_fitted(CUSTOMER_TEXT_FIXTURE)[..], more, &["--out", out]].concat();
        let run = rehearse(dir.path(), &args);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        std::fs::read_to_string(dir.path().join(out)).unwrap()
    };
    let shared = fitted("shares.ron", &["--intent-shares"]);
    assert!(
        shared.contains(
            "// Fitted: 3 conversations by intent: hotel_book 2, weather 1; only these intents"
        ) && shared.contains("intent_shares: [(\"hotel_book\", 0.6667), (\"weather\", 0.3333)],")
            && shared.contains("--base calm --intent-shares --out shares.ron"),
        "{shared}"
    );
    assert!(!fitted("plain.ron", &[]).contains("intent_shares"));
}

/// `run --customer-text` with a file whose customers give 48 or more names: a run's customers are called by them, in
/// their messages, in what the tools say and in the agent's calls, and by none of the built-in names.
#[test]
fn customers_are_called_by_the_names_a_transcript_file_gives() {
    let dir = tempfile::tempdir().unwrap();
    // Ashaaa Devi, Ashaab Devi, …, Ashabz Devi: 52 names.
    let name = |at: usize| {
        let letter = |at: usize| char::from(b'a' + at as u8);
        format!("Asha{}{} Devi", letter(at / 26), letter(at % 26))
    };
    let conversation = |at: usize| {
        serde_json::json!({
            "id": format!("c{at}"), "corpus": "multidogo", "intent": "reportlostcard",
            "turns": [
                {"speaker": "customer", "text": "i lost my credit card", "act": "reportlostcard"},
                {"speaker": "agent", "text": ""},
                {"speaker": "customer", "text": format!("my name is {}", name(at)), "act": "contentonly",
                 "slots": {"name": name(at)}},
            ],
        })
        .to_string()
    };
    let file: Vec<String> = (0..52).map(conversation).collect();
    std::fs::write(dir.path().join("names.jsonl"), file.join("\n") + "\n").unwrap();
    let args = ["run", "--scenario", "bank-card-services", "--episodes", "200", "--seed", "3"];
    let args = [&args[..], &["--customer-text", "names.jsonl", "--out", "o"]].concat();
    let run = rehearse(dir.path(), &args);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("called by the 52 names the file's customers gave"),
        "{}",
        stderr(&run)
    );
    let transcripts = std::fs::read_to_string(dir.path().join("o/transcripts.jsonl")).unwrap();
    let mut said = String::new();
    for line in transcripts.lines() {
        let episode: serde_json::Value = serde_json::from_str(line).unwrap();
        for message in episode["messages"].as_array().unwrap() {
            said += message["content"].as_str().unwrap_or("");
            said += message["arguments"].as_str().unwrap_or("");
            said += "\n";
        }
    }
    let pulled_up = said.matches("Account has been pulled up for Asha").count();
    let told = said.matches("my name is Asha").count();
    let called = said.matches("{\"full_name\":\"Asha").count();
    assert!(pulled_up > 50 && told > 50 && called > 50, "{pulled_up} {told} {called}");
    for built_in in ["Crystal", "Minh", "Joshua", "Garcia", "Priya"] {
        assert!(!said.contains(built_in), "a built-in name, {built_in}, in the run");
    }
}
