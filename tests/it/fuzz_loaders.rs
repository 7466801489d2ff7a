//! Fuzzing the scenario and persona loaders (proptest): arbitrary text and mutated built-in files never panic, and
//! every error names `fuzz.ron` with a line and column inside the file.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::sample::Index;

const FUZZ: &str = "fuzz.ron";

/// Tokens spliced into real files: punctuation, wrong types, out-of-range numbers, unknown fields.
const TOKENS: [&str; 11] =
    ["(", ")", ",", ":", "\"x\"", "-1", "1e400", "NaN", "Some(", "[]", "bogus: 3,"];

static SCENARIOS: LazyLock<Vec<String>> =
    LazyLock::new(|| read_ron_files(sim_scenarios::built_in_dir()));
static PERSONAS: LazyLock<Vec<String>> =
    LazyLock::new(|| read_ron_files(sim_personas::built_in_dir()));

/// One edit of a real file.
#[derive(Clone, Debug)]
enum Mutation {
    /// Remove up to `len` bytes from `at` (both moved back to character boundaries).
    Delete { at: Index, len: usize },
    /// Insert a token from [`TOKENS`] at `at`.
    Insert { at: Index, token: &'static str },
    /// Repeat one line right after itself.
    DuplicateLine { line: Index },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), 1usize..200).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<Index>(), prop::sample::select(&TOKENS[..]))
            .prop_map(|(at, token)| Mutation::Insert { at, token }),
        any::<Index>().prop_map(|line| Mutation::DuplicateLine { line }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics_and_errors_have_positions(source in ".*") {
        check_text(&source)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_errors_have_positions(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        check_text(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn mutated_scenarios_never_panic_and_errors_point_into_the_file(
        file in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let source = mutate(file.get::<String>(&SCENARIOS), &mutations);
        if let Err(err) = sim_scenarios::parse_scenario(&source, Path::new(FUZZ)) {
            for position in scenario_positions(&err)? {
                check_within(&source, position, &err.to_string())?;
            }
            display_positions(&err.to_string())?;
        }
    }

    #[test]
    fn mutated_personas_never_panic_and_errors_point_into_the_file(
        file in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let source = mutate(file.get::<String>(&PERSONAS), &mutations);
        if let Err(err) = sim_personas::parse_persona(&source, Path::new(FUZZ)) {
            for position in persona_positions(&err)? {
                check_within(&source, position, &err.to_string())?;
            }
            display_positions(&err.to_string())?;
        }
    }
}

/// Both loaders on `source`: no panic, and every error line starts `fuzz.ron:LINE:COL:` with both at least 1.
fn check_text(source: &str) -> Result<(), TestCaseError> {
    if let Err(err) = sim_scenarios::parse_scenario(source, Path::new(FUZZ)) {
        scenario_positions(&err)?;
        display_positions(&err.to_string())?;
    }
    if let Err(err) = sim_personas::parse_persona(source, Path::new(FUZZ)) {
        persona_positions(&err)?;
        display_positions(&err.to_string())?;
    }
    Ok(())
}

/// The (line, column) of every problem; parsing text under a good file name can only fail with a position.
fn scenario_positions(
    err: &sim_scenarios::LoadError,
) -> Result<Vec<(usize, usize)>, TestCaseError> {
    use sim_scenarios::LoadError;
    match err {
        LoadError::Syntax { position, .. } => Ok(vec![(position.line, position.column)]),
        LoadError::Invalid { problems, .. } => {
            prop_assert!(!problems.is_empty(), "Invalid without problems");
            Ok(problems.iter().map(|problem| (problem.line, problem.column)).collect())
        }
        LoadError::Io { .. } | LoadError::UnknownBuiltIn { .. } => {
            Err(TestCaseError::fail(format!("error without a position: {err}")))
        }
    }
}

/// As [`scenario_positions`], for personas.
fn persona_positions(err: &sim_personas::LoadError) -> Result<Vec<(usize, usize)>, TestCaseError> {
    use sim_personas::LoadError;
    match err {
        LoadError::Syntax { line, col, .. } => Ok(vec![(*line, *col)]),
        LoadError::Invalid { problems, .. } => {
            prop_assert!(!problems.is_empty(), "Invalid without problems");
            Ok(problems.iter().map(|located| (located.line, located.col)).collect())
        }
        LoadError::Io { .. } | LoadError::BadId { .. } | LoadError::UnknownBuiltIn { .. } => {
            Err(TestCaseError::fail(format!("error without a position: {err}")))
        }
    }
}

/// The positions in an error's text: every line must be `fuzz.ron:LINE:COL: message`, both numbers at least 1.
fn display_positions(text: &str) -> Result<Vec<(usize, usize)>, TestCaseError> {
    prop_assert!(!text.is_empty(), "empty error text");
    text.lines()
        .map(|line| {
            let mut parts = line.strip_prefix("fuzz.ron:").unwrap_or_default().splitn(3, ':');
            let number = |part: Option<&str>| part.and_then(|part| part.parse::<usize>().ok());
            match (number(parts.next()), number(parts.next()), parts.next()) {
                (Some(line_no), Some(col), Some(_)) if line_no >= 1 && col >= 1 => {
                    Ok((line_no, col))
                }
                _ => Err(TestCaseError::fail(format!("no `fuzz.ron:LINE:COL:` in {line:?}"))),
            }
        })
        .collect()
}

/// The position is a character of `source` or just past the end of a line.
fn check_within(
    source: &str,
    (line, column): (usize, usize),
    text: &str,
) -> Result<(), TestCaseError> {
    let lines: Vec<&str> = source.split('\n').collect();
    prop_assert!(line >= 1 && line <= lines.len(), "line {line} of {}: {text}", lines.len());
    let n_chars = lines[line - 1].chars().count();
    prop_assert!(column >= 1 && column <= n_chars + 1, "column {column} of {n_chars}: {text}");
    Ok(())
}

fn mutate(source: &str, mutations: &[Mutation]) -> String {
    let mut text = source.to_owned();
    for mutation in mutations {
        match mutation {
            Mutation::Delete { at, len } => {
                let start = floor_boundary(&text, at.index(text.len() + 1));
                let end = floor_boundary(&text, (start + len).min(text.len()));
                text.replace_range(start..end, "");
            }
            Mutation::Insert { at, token } => {
                let at = floor_boundary(&text, at.index(text.len() + 1));
                text.insert_str(at, token);
            }
            Mutation::DuplicateLine { line } => {
                let lines: Vec<&str> = text.split_inclusive('\n').collect();
                if lines.is_empty() {
                    continue;
                }
                let idx = line.index(lines.len());
                let mut copy = lines[idx].to_owned();
                if !copy.ends_with('\n') {
                    copy.insert(0, '\n');
                }
                let mut out: String = lines[..=idx].concat();
                out.push_str(&copy);
                out.push_str(&lines[idx + 1..].concat());
                text = out;
            }
        }
    }
    text
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn read_ron_files(dir: PathBuf) -> Vec<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ron"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no .ron files in {}", dir.display());
    paths.iter().map(|path| std::fs::read_to_string(path).unwrap()).collect()
}
