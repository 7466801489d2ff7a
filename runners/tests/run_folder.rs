//! The real binary against the output folder's promises: one run per folder, a run's files whole together or not at
//! all (through kill -9 at random moments), signals, replays that refuse changed inputs, seeds independent of the
//! file name, every size checked before work starts, and a closed stdout.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use sha2::Digest as _;

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rehearse"));
    command.current_dir(dir).args(args);
    command
}

fn rehearse(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().expect("the binary runs")
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    command(dir, args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill").arg(format!("-{name}")).arg(child.id().to_string()).status();
    assert!(status.expect("kill runs").success());
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// The files of a manifest but summary.json, whose timing differs between two runs of the same inputs.
fn simulated(manifest: &serde_json::Value) -> Vec<serde_json::Value> {
    let files = manifest["files"].as_array().unwrap();
    files.iter().filter(|file| file["name"] != "summary.json").cloned().collect()
}

/// Checks that `out` holds exactly one complete run: every file the manifest lists, with its size and SHA-256, and
/// nothing else but the lock; returns the manifest.
fn complete_run(out: &Path) -> serde_json::Value {
    let manifest = json(&out.join("manifest.json"));
    let mut listed = vec![".rehearse.lock".to_owned(), "manifest.json".to_owned()];
    for file in manifest["files"].as_array().unwrap() {
        let name = file["name"].as_str().unwrap();
        let bytes = std::fs::read(out.join(name)).unwrap();
        assert_eq!(bytes.len() as u64, file["bytes"].as_u64().unwrap(), "{name}: size");
        let sha256: String =
            sha2::Sha256::digest(&bytes).iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(sha256, file["sha256"].as_str().unwrap(), "{name}: checksum");
        listed.push(name.to_owned());
    }
    listed.sort();
    assert_eq!(names_in(out), listed, "files beside the manifest's");
    let summary = json(&out.join("summary.json"));
    assert_eq!(summary["table"]["episodes"], manifest["episodes"]);
    manifest
}

/// No staging folder of any run is left beside `out`.
fn no_staging_beside(out: &Path) {
    let parent = out.parent().unwrap();
    let staging: Vec<String> =
        names_in(parent).into_iter().filter(|name| name.contains(".staging.")).collect();
    assert!(staging.is_empty(), "staging left behind: {staging:?}");
}

fn staging_of(out: &Path) -> Option<PathBuf> {
    let parent = out.parent().unwrap();
    if !parent.exists() {
        return None;
    }
    let name = out.file_name().unwrap().to_str().unwrap();
    names_in(parent)
        .into_iter()
        .find(|entry| entry.starts_with(&format!(".{name}.staging.")))
        .map(|entry| parent.join(entry))
}

#[test]
fn a_second_run_into_a_busy_folder_refuses_at_once_and_the_first_completes_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("runs/demo");
    let mut first = spawn(dir.path(), &["run", "--episodes", "60000", "--quiet", "--seed", "1"]);
    let started = Instant::now();
    while staging_of(&out).is_none() {
        assert!(started.elapsed() < Duration::from_secs(60), "the first run never started");
        std::thread::sleep(Duration::from_millis(5));
    }
    let started = Instant::now();
    let second = rehearse(dir.path(), &["run", "--episodes", "10", "--quiet"]);
    assert!(started.elapsed() < Duration::from_secs(5), "the second run did not fail at once");
    assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
    assert!(stderr(&second).contains("is writing to"), "{}", stderr(&second));
    assert!(stderr(&second).contains(&first.id().to_string()), "{}", stderr(&second));
    assert!(first.wait().unwrap().success());
    let manifest = complete_run(&out);
    assert_eq!(manifest["episodes"], 60000);
    assert_eq!(manifest["seed"], 1);
    no_staging_beside(&out);
}

#[test]
fn kill_9_at_any_moment_leaves_the_old_run_or_the_new_one_never_a_mix() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("runs/demo");
    let old = rehearse(dir.path(), &["run", "--episodes", "500", "--seed", "1", "--quiet"]);
    assert!(old.status.success(), "{}", stderr(&old));
    let mut old_manifest = complete_run(&out);
    // How long a new run takes here, to spread the kills over its whole life, publication included.
    let started = Instant::now();
    let timed = rehearse(dir.path(), &["run", "--episodes", "2000", "--seed", "2", "--quiet"]);
    assert!(timed.status.success(), "{}", stderr(&timed));
    let took = started.elapsed().as_millis() as u64;
    let restored = rehearse(dir.path(), &["run", "--episodes", "500", "--seed", "1", "--quiet"]);
    assert!(restored.status.success());
    let restored_manifest = complete_run(&out);
    assert_eq!(simulated(&restored_manifest), simulated(&old_manifest), "runs are deterministic");
    old_manifest = restored_manifest;
    let (mut kept_old, mut got_new) = (0, 0);
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for attempt in 0..24 {
        // A fixed pseudo-random moment between the start and the run's usual end.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let delay = state % (took + 1);
        let seed = (10 + attempt).to_string();
        let mut child =
            spawn(dir.path(), &["run", "--episodes", "2000", "--seed", &seed, "--quiet"]);
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap();
        child.wait().unwrap();
        let manifest = complete_run(&out);
        if manifest["seed"] == old_manifest["seed"] {
            assert_eq!(
                manifest["files"], old_manifest["files"],
                "attempt {attempt}: the old run changed"
            );
            kept_old += 1;
        } else {
            assert_eq!(manifest["seed"].to_string(), seed, "attempt {attempt}");
            assert_eq!(manifest["episodes"], 2000, "attempt {attempt}");
            got_new += 1;
            // Put the old run back for the next attempt.
            let back =
                rehearse(dir.path(), &["run", "--episodes", "500", "--seed", "1", "--quiet"]);
            assert!(back.status.success(), "{}", stderr(&back));
            old_manifest = complete_run(&out);
        }
    }
    assert!(kept_old >= 5, "too few kills landed mid-run ({kept_old} of 24)");
    // The next run cleans what the killed ones left.
    let last = rehearse(dir.path(), &["run", "--episodes", "100", "--quiet"]);
    assert!(last.status.success(), "{}", stderr(&last));
    complete_run(&out);
    no_staging_beside(&out);
    eprintln!("kill -9: old run kept {kept_old} times, new run complete {got_new} times");
}

#[test]
fn sigint_and_sigterm_stop_the_run_remove_partial_output_and_exit_130_and_143() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("runs/demo");
    let old = rehearse(dir.path(), &["run", "--episodes", "300", "--quiet"]);
    assert!(old.status.success());
    let old_manifest = complete_run(&out);
    for (name, code) in [("INT", 130), ("TERM", 143)] {
        let child = spawn(dir.path(), &["run", "--episodes", "1000000", "--seed", "3", "--quiet"]);
        let started = Instant::now();
        while staging_of(&out).is_none() {
            assert!(started.elapsed() < Duration::from_secs(60), "the run never started");
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(500));
        signal(&child, name);
        let started = Instant::now();
        let output = child.wait_with_output().unwrap();
        assert!(started.elapsed() < Duration::from_secs(10), "SIG{name}: did not stop promptly");
        assert_eq!(output.status.code(), Some(code), "SIG{name}: {}", stderr(&output));
        let message = stderr(&output);
        assert!(message.contains(&format!("interrupted by SIG{name}")), "{message}");
        assert!(message.contains("still holds the previous complete run"), "{message}");
        assert_eq!(complete_run(&out)["files"], old_manifest["files"]);
        no_staging_beside(&out);
    }
}

#[test]
fn replay_refuses_a_scenario_changed_since_the_run_and_force_resimulates_loudly() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("mine.ron");
    let built_in = sim_scenarios::built_in_source("bank-card-services").unwrap();
    std::fs::write(&scenario, built_in).unwrap();
    let run = rehearse(
        dir.path(),
        &["run", "--scenario", "mine.ron", "--episodes", "200", "--transcripts", "none", "--quiet"],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let replay = rehearse(dir.path(), &["replay", "--episode", "5"]);
    assert!(replay.status.success(), "{}", stderr(&replay));
    std::fs::write(&scenario, built_in.replacen("max_turns: ", "max_turns: 1", 1)).unwrap();
    let refused = rehearse(dir.path(), &["replay", "--episode", "5"]);
    assert_eq!(refused.status.code(), Some(2));
    let message = stderr(&refused);
    assert!(message.contains("mine.ron changed since the run"), "{message}");
    assert!(message.contains("--force"), "{message}");
    let forced = rehearse(dir.path(), &["replay", "--episode", "5", "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(stderr(&forced).contains("WARNING"), "{}", stderr(&forced));
}

#[test]
fn renaming_the_scenario_file_changes_no_episode() {
    let dir = tempfile::tempdir().unwrap();
    let source = sim_scenarios::built_in_source("inbound-sales").unwrap();
    std::fs::write(dir.path().join("a.ron"), source).unwrap();
    std::fs::write(dir.path().join("renamed-copy.ron"), source).unwrap();
    for (file, out) in
        [("a.ron", "runs/a"), ("renamed-copy.ron", "runs/b"), ("inbound-sales", "runs/c")]
    {
        let run = rehearse(
            dir.path(),
            &["run", "--scenario", file, "--episodes", "300", "--out", out, "--quiet"],
        );
        assert!(run.status.success(), "{}", stderr(&run));
    }
    let episodes =
        |out: &str| std::fs::read(dir.path().join(out).join("episodes.parquet")).unwrap();
    assert!(episodes("runs/a") == episodes("runs/b"), "a renamed file gave other episodes");
    assert!(
        episodes("runs/a") == episodes("runs/c"),
        "the file gave other episodes than the built-in"
    );
}

#[test]
fn every_absurd_size_is_refused_within_a_second_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 8] = [
        (&["run", "--episodes", "0"], "--episodes must be at least 1"),
        (
            &["run", "--episodes", "10000000000000"],
            "--episodes 10000000000000 is more than the limit",
        ),
        (&["run", "--slots", "1000000000"], "--slots 1000000000 is more than the limit"),
        (&["run", "--threads", "100000"], "--threads 100000 is more than the limit"),
        (
            &["run", "--sample-every", "0", "--transcripts", "failing"],
            "--sample-every must be at least 1",
        ),
        (&["bench", "--episodes", "0"], "--episodes must be at least 1"),
        (&["bench", "--repeat", "0"], "--repeat must be at least 1"),
        (&["replay", "--episode", "0", "--out", "no/such/run"], "cannot open"),
    ];
    for (args, expected) in cases {
        let started = Instant::now();
        let output = rehearse(dir.path(), args);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{args:?} took {:?}",
            started.elapsed()
        );
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains(expected), "{args:?}: {}", stderr(&output));
    }
    // Personas whose weights add up to 0: every episode would silently be the last persona's.
    let calm = sim_personas::built_in_source("calm").unwrap();
    std::fs::write(dir.path().join("nobody.ron"), calm.replacen("weight: 1.0", "weight: 0.0", 1))
        .unwrap();
    let zero = rehearse(dir.path(), &["run", "--persona", "nobody.ron", "--episodes", "10"]);
    assert_eq!(zero.status.code(), Some(2), "{}", stderr(&zero));
    assert!(stderr(&zero).contains("add up to 0"), "{}", stderr(&zero));
    assert!(!dir.path().join("runs").exists(), "a refused run created its output folder");
}

#[test]
fn a_run_of_a_trillion_episodes_needs_no_more_memory_than_a_small_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut resident = Vec::new();
    for episodes in ["1000000", "1000000000000"] {
        let child =
            spawn(dir.path(), &["run", "--episodes", episodes, "--transcripts", "none", "--quiet"]);
        std::thread::sleep(Duration::from_millis(1500));
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
        let kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.split_whitespace().next()?.parse().ok())
            .unwrap_or(0);
        signal(&child, "INT");
        let _ = child.wait_with_output();
        resident.push(kib);
    }
    let (small, huge) = (resident[0], resident[1]);
    assert!(huge > 0, "could not read the run's memory");
    assert!(
        huge < small.max(1) * 2 + 200_000,
        "10^12 episodes took {huge} KiB, 10^6 took {small} KiB"
    );
}

#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["run", "--episodes", "2000"][..], &["list"][..], &["policy"][..]] {
        let mut child = command(dir.path(), args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // `| head -0`: the reader goes away before anything is written.
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}: {}", stderr(&output));
        assert!(!stderr(&output).contains("panicked"), "{args:?}: {}", stderr(&output));
    }
}

/// The docs' path for a new user: `rehearse show retail-support > mine.ron`, give it its own id, edit, lint, run.
#[test]
fn a_new_user_goes_from_show_to_a_run_of_an_edited_copy() {
    let dir = tempfile::tempdir().unwrap();
    let shown = rehearse(dir.path(), &["show", "retail-support"]);
    assert!(shown.status.success(), "{}", stderr(&shown));
    let text = String::from_utf8(shown.stdout).unwrap();
    let edited = text.replacen(r#"id: "retail-support""#, r#"id: "my-retail""#, 1).replacen(
        "max_turns: ",
        "max_turns: 4",
        1,
    );
    assert_ne!(edited, text, "the id and the turn limit were edited");
    std::fs::write(dir.path().join("mine.ron"), edited).unwrap();
    let lint = rehearse(dir.path(), &["lint", "mine.ron"]);
    assert!(lint.status.success(), "{}", String::from_utf8_lossy(&lint.stdout));
    assert!(String::from_utf8_lossy(&lint.stdout).contains("scenario my-retail"));
    let run = rehearse(
        dir.path(),
        &["run", "--scenario", "mine.ron", "--episodes", "300", "--out", "runs/mine", "--quiet"],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let summary = json(&dir.path().join("runs/mine/summary.json"));
    assert_eq!(summary["config"]["scenario"], "my-retail");
}
