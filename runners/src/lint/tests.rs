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
fn built_in_dirs_are_clean() {
    let report = lint(&[]);
    assert!(report.is_clean(), "{report}");
    assert!(report.to_string().contains("scenario retail-support: "), "{report}");
}

#[test]
fn directory_without_ron_files_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let report = lint(&[dir.path().to_owned()]);
    assert_eq!(report.n_with_problems(), 1, "{report}");
    assert!(report.to_string().contains("no .ron files"), "{report}");
}
