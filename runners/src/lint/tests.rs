//! Tests for `rehearse lint`: telling the kind from the first token, walking directories, the printed report.

use std::path::{Path, PathBuf};

use super::{Kind, UnknownKind, check_source, detect_kind, lint, ron_files};

/// Kind detection: `Scenario`, `Persona`, or `line:col found` for anything else.
fn check_kind(source: &str, expect: &str) {
    let actual = match detect_kind(source) {
        Ok(Kind::Scenario) => "Scenario".to_owned(),
        Ok(Kind::Persona) => "Persona".to_owned(),
        Err(UnknownKind { line, column, found }) => {
            format!("{line}:{column} {}", found.as_deref().unwrap_or("EOF"))
        }
    };
    assert_eq!(actual, expect, "source: {source:?}");
}

#[test]
fn kind_scenario() {
    check_kind("Scenario(\n)", "Scenario");
}

#[test]
fn kind_persona_after_line_comments() {
    check_kind("// calm\n// more\n\nPersona(", "Persona");
}

#[test]
fn kind_after_nested_block_comment() {
    check_kind("/* a /* nested */ b */ Scenario (", "Scenario");
}

#[test]
fn kind_after_enable_attribute() {
    check_kind("#![enable(implicit_some)]\n#![enable(unwrap_newtypes)]\nPersona(", "Persona");
}

#[test]
fn kind_unknown_paren_at_its_position() {
    check_kind("// no name\n  (description: \"x\")", "2:3 (");
}

#[test]
fn kind_unknown_identifier_whole() {
    check_kind("ScenarioFile(", "1:1 ScenarioFile");
}

#[test]
fn kind_is_case_sensitive() {
    check_kind(" \n\tpersona(", "2:2 persona");
}

#[test]
fn kind_column_counts_characters() {
    check_kind("/* ééé */ [", "1:11 [");
}

#[test]
fn kind_empty_file() {
    check_kind("", "1:1 EOF");
}

#[test]
fn kind_unclosed_comment() {
    check_kind("// a\n/* never closed", "2:16 EOF");
}

#[test]
fn unknown_kind_is_one_problem_line() {
    let verdict = check_source("\n(", Path::new("x.ron"));
    let expect = "x.ron:2:1: found `(`; start the file with `Scenario(` or `Persona(`";
    assert_eq!(verdict, super::Verdict::Problems(vec![expect.to_owned()]));
}

#[test]
fn unknown_kind_escapes_an_invisible_token() {
    let verdict = check_source("\u{feff}Scenario(", Path::new("x.ron"));
    let expect = "x.ron:1:1: found `\\u{feff}`; start the file with `Scenario(` or `Persona(`";
    assert_eq!(verdict, super::Verdict::Problems(vec![expect.to_owned()]));
}

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn relative(root: &Path, paths: &[PathBuf]) -> Vec<String> {
    paths.iter().map(|path| path.strip_prefix(root).unwrap().display().to_string()).collect()
}

#[test]
fn walk_finds_ron_files_recursively_in_sorted_order() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["sub/deeper/b.ron", "b.ron", "notes.txt", "sub/a.ron", "a/z.ron", "a.ron.bak"] {
        write(dir.path(), name, "");
    }
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let found = ron_files(dir.path());
    assert!(found.unreadable.is_empty(), "{:?}", found.unreadable);
    let expect = ["a/z.ron", "b.ron", "sub/a.ron", "sub/deeper/b.ron"];
    assert_eq!(relative(dir.path(), &found.files), expect);
}

#[cfg(unix)]
#[test]
fn walk_follows_file_links_but_not_directory_links() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "real/x.ron", "");
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("real/loop")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("real/x.ron"), dir.path().join("y.ron")).unwrap();
    let found = ron_files(dir.path());
    assert_eq!(relative(dir.path(), &found.files), ["real/x.ron", "y.ron"]);
}

#[test]
fn report_lists_ok_and_fail_lines_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let calm = std::fs::read_to_string(sim_personas::built_in_dir().join("calm.ron")).unwrap();
    write(dir.path(), "calm.ron", &calm);
    write(dir.path(), "odd.ron", "// what is this\n(x: 1)\n");
    let report = lint(&[dir.path().to_owned(), dir.path().join("missing.ron")]);
    let root = format!("{}/", dir.path().display());
    let text = report.to_string().replace(&root, "");
    let expect = "\
ok   calm.ron  persona calm
FAIL odd.ron
  odd.ron:2:1: found `(`; start the file with `Scenario(` or `Persona(`
FAIL missing.ron
  missing.ron: no such file or directory
3 files checked, 2 with problems
";
    assert_eq!(text, expect);
    assert!(!report.is_clean());
}

#[test]
fn with_no_paths_the_embedded_built_ins_are_checked_wherever_the_binary_runs() {
    let report = lint(&[]);
    assert!(report.is_clean(), "{report}");
    assert_eq!(
        report.entries.len(),
        sim_scenarios::BUILT_IN.len() + sim_personas::list_built_in().len()
    );
    assert!(report.to_string().contains("scenario retail-support: "), "{report}");
    assert!(report.to_string().contains("personas/data/calm.ron"), "{report}");
}

#[test]
fn the_built_in_folders_in_the_source_tree_hold_what_is_embedded() {
    let report = lint(&[sim_scenarios::built_in_dir(), sim_personas::built_in_dir()]);
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.entries.len(), lint(&[]).entries.len());
}

#[test]
fn directory_without_ron_files_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let report = lint(&[dir.path().to_owned()]);
    assert_eq!(report.n_with_problems(), 1, "{report}");
    assert!(report.to_string().contains("no .ron files"), "{report}");
}

/// A small valid scenario whose default persona mix is `mix` (RON list entries).
fn tiny_with_mix(mix: &str) -> String {
    format!(
        r#"Scenario(
    id: "tiny-refunds",
    description: "x",
    max_turns: 20,
    personas: [{mix}],
    tools: [
        (id: "pull-up-account", effect: PullUpAccount),
        (id: "offer-refund", effect: Refund, args: [amount]),
    ],
    intents: [
        (id: "my_refund", flow: "f", phrase: "get a refund", weight: 1.0,
         steps: [(tool: "pull-up-account"), (tool: "offer-refund")], resolved: [RefundedGoalAmount]),
    ],
    rules: [],
)
"#
    )
}

fn problems(verdict: super::Verdict) -> Vec<String> {
    match verdict {
        super::Verdict::Problems(lines) => lines,
        other => panic!("expected problems, got {other:?}"),
    }
}

#[test]
fn a_mix_naming_an_unknown_persona_or_one_that_fits_no_intent_is_reported_at_its_entry() {
    let path = Path::new("tiny.ron");
    assert!(matches!(
        check_source(&tiny_with_mix(r#"("calm", 1.0)"#), path),
        super::Verdict::Scenario { .. }
    ));
    // The scenario guide's first example names social-engineer, whose intents are retail, bank and retention ones.
    let lines =
        problems(check_source(&tiny_with_mix(r#"("calm", 0.5), ("social-engineer", 0.5)"#), path));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("tiny.ron:5:32: persona `social-engineer` can hold none"),
        "{lines:?}"
    );
    let lines = problems(check_source(&tiny_with_mix(r#"("calm", 0.5), ("nobody", 0.5)"#), path));
    assert!(
        lines[0].starts_with("tiny.ron:5:32: persona mix: no built-in persona `nobody`"),
        "{lines:?}"
    );
}

#[test]
fn lint_against_a_scenario_reports_a_persona_that_fits_none_of_its_intents_at_its_intents() {
    let dir = tempfile::tempdir().unwrap();
    let persona = dir.path().join("social-engineer.ron");
    std::fs::write(&persona, sim_personas::built_in_source("social-engineer").unwrap()).unwrap();
    let calm = dir.path().join("calm.ron");
    std::fs::write(&calm, sim_personas::built_in_source("calm").unwrap()).unwrap();
    let scenario =
        sim_scenarios::parse_scenario(&tiny_with_mix(r#"("calm", 1.0)"#), Path::new("t.ron"))
            .unwrap();
    let report = super::against_scenario(lint(&[persona.clone(), calm]), &scenario.spec);
    assert_eq!(report.n_with_problems(), 1, "{report}");
    let text = report.to_string();
    let intents_line = sim_personas::built_in_source("social-engineer")
        .unwrap()
        .lines()
        .position(|line| line.trim_start().starts_with("intents:"))
        .unwrap()
        + 1;
    let expect = format!(
        "{}:{intents_line}:5: intents: can hold none of the intents of scenario `tiny-refunds`",
        persona.display()
    );
    assert!(text.contains(&expect), "{text}");
    let retail = sim_scenarios::load_built_in("retail-support").unwrap();
    assert!(super::against_scenario(lint(&[persona]), &retail.spec).is_clean());
}

/// Intent shares that name an intent the scenario lacks beside ones it has are reported at `intent_shares` (there only
/// the intents listed are played, so a misspelt one would never be); shares that name none of its intents are the
/// scenario's weights there, and fine.
#[test]
fn lint_against_a_scenario_reports_intent_shares_it_lacks_beside_ones_it_has() {
    let dir = tempfile::tempdir().unwrap();
    let calm = sim_personas::built_in_source("calm").unwrap();
    let with_shares = |shares: &str| {
        let path = dir.path().join("fitted.ron");
        std::fs::write(
            &path,
            calm.replacen("    mood:", &format!("    intent_shares: {shares},\n    mood:"), 1),
        )
        .unwrap();
        path
    };
    let bank = sim_scenarios::load_built_in("bank-card-services").unwrap();
    let misspelt = with_shares(r#"[("lost_crad", 0.6), ("dispute_charge", 0.4)]"#);
    let report = super::against_scenario(lint(std::slice::from_ref(&misspelt)), &bank.spec);
    assert!(
        report.to_string().contains(
            "intent_shares: `lost_crad` is no intent of scenario `bank-card-services` (its intents: lost_card, \
             replace_damaged_card, dispute_charge); there only the intents listed are played"
        ),
        "{report}"
    );
    let star = sim_scenarios::load_built_in("star-hotel").unwrap();
    assert!(super::against_scenario(lint(std::slice::from_ref(&misspelt)), &star.spec).is_clean());
    let right = with_shares(r#"[("lost_card", 0.6), ("dispute_charge", 0.4)]"#);
    assert!(super::against_scenario(lint(&[right]), &bank.spec).is_clean());
}
