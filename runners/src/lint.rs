//! `rehearse lint`: checks scenario and persona files, telling them apart by their first token, and lists every problem.

use std::fmt;
use std::path::{Path, PathBuf};

/// What `rehearse lint` found, one entry per file in the order checked; its `Display` is the printed report.
#[derive(Debug)]
pub struct Report {
    /// Checked files, plus paths that could not be read or held no `.ron` file.
    pub entries: Vec<Entry>,
}

/// One checked file, or a named path that could not be checked.
#[derive(Debug)]
pub struct Entry {
    /// The file (or directory) as named on the command line or found under a named directory.
    pub path: PathBuf,
    /// Whether it is valid, and what it is.
    pub verdict: Verdict,
}

/// The result of checking one file.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A valid scenario.
    Scenario {
        /// Scenario id (declared in the file).
        id: String,
        /// Number of customer intents.
        n_intents: usize,
        /// Number of tools.
        n_tools: usize,
        /// Number of policy rules.
        n_rules: usize,
    },
    /// A valid persona.
    Persona {
        /// Persona id (the file stem).
        id: String,
    },
    /// Invalid or unreadable: one `path:line:col: message` line per problem (`path: message` without a position).
    Problems(Vec<String>),
}

/// What a file declares itself to be with its first token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `Scenario(…)`: read by sim-scenarios.
    Scenario,
    /// `Persona(…)`: read by sim-personas.
    Persona,
}

/// The first token is neither `Scenario` nor `Persona`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownKind {
    /// Line of the token, from 1.
    pub line: usize,
    /// Column of the token in characters, from 1.
    pub column: usize,
    /// The token (an identifier or a single character); `None` at the end of the file.
    pub found: Option<String>,
}

/// The `.ron` files under a directory and the directories below it that could not be read.
#[derive(Debug, Default)]
pub struct Found {
    /// Every `*.ron` file, recursively, sorted by path.
    pub files: Vec<PathBuf>,
    /// Directories that could not be listed, with the reason.
    pub unreadable: Vec<(PathBuf, std::io::Error)>,
}

/// Checks every path: a file whatever its name, a directory as every `*.ron` file inside it (recursively, sorted).
/// With no paths, checks the built-in scenarios and personas embedded in the binary.
pub fn lint(paths: &[PathBuf]) -> Report {
    if paths.is_empty() {
        return lint_built_ins();
    }
    let mut entries = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(err) => entries.push(problem(path, cannot_read(path, &err))),
            Ok(meta) if meta.is_dir() => {
                let found = ron_files(path);
                let mut dir_entries: Vec<Entry> = found
                    .unreadable
                    .iter()
                    .map(|(dir, err)| problem(dir, cannot_read(dir, err)))
                    .chain(found.files.iter().map(|file| check_file(file)))
                    .collect();
                if dir_entries.is_empty() {
                    let message = format!("{}: no .ron files in this directory", path.display());
                    dir_entries.push(problem(path, message));
                }
                dir_entries.sort_by(|a, b| a.path.cmp(&b.path));
                entries.extend(dir_entries);
            }
            Ok(_) => entries.push(check_file(path)),
        }
    }
    Report { entries }
}

/// Marks every valid persona of `report` that can hold none of `scenario`'s intents (`rehearse lint --scenario S`),
/// at the persona's `intents` field, and one whose `intent_shares` name ids the scenario lacks beside ones it has.
pub fn against_scenario(report: Report, scenario: &sim_core::spec::ScenarioSpec) -> Report {
    let entries = report
        .entries
        .into_iter()
        .map(|entry| {
            let Verdict::Persona { id } = &entry.verdict else { return entry };
            // A file, or a built-in embedded in the binary (`rehearse lint --scenario S` with no path).
            let source = match std::fs::read_to_string(&entry.path) {
                Ok(source) => source,
                Err(_) => match sim_personas::built_in_source(id) {
                    Some(source) => source.to_owned(),
                    None => return entry,
                },
            };
            let Ok(persona) = sim_personas::parse_persona(&source, &entry.path) else { return entry };
            let mut problems = Vec::new();
            if !crate::setup::compatible(&persona, scenario) {
                problems.push(sim_personas::Problem {
                    field: "intents".into(),
                    at: vec!["intents"],
                    message: format!(
                        "can hold none of the intents of scenario `{}` ({}); a run of both would be refused",
                        scenario.id,
                        crate::setup::its_intents(&persona)
                    ),
                });
            }
            problems.extend(unknown_shares(&persona, scenario));
            if problems.is_empty() {
                return entry;
            }
            let err = sim_personas::invalid(&source, &entry.path, problems);
            Entry { verdict: Verdict::Problems(lines(&err)), path: entry.path }
        })
        .collect();
    Report { entries }
}

/// An `intent_shares` id `scenario` lacks, where the shares name one of its intents, so that only those listed are
/// played there: a misspelt id would leave an intent unplayed without a word.
fn unknown_shares(
    persona: &sim_core::spec::PersonaSpec,
    scenario: &sim_core::spec::ScenarioSpec,
) -> Option<sim_personas::Problem> {
    let shares = &persona.intent_shares;
    let unknown: Vec<&str> = shares
        .iter()
        .map(|(id, _)| id.as_str())
        .filter(|id| scenario.intent_id(id).is_none())
        .collect();
    (unknown.len() < shares.len() && !unknown.is_empty()).then(|| {
        let ids: Vec<&str> = scenario.intents.iter().map(|intent| intent.id.as_str()).collect();
        sim_personas::Problem {
            field: "intent_shares".into(),
            at: vec!["intent_shares"],
            message: format!(
                "`{}` is no intent of scenario `{}` (its intents: {}); there only the intents listed are played",
                unknown.join("`, `"),
                scenario.id,
                ids.join(", ")
            ),
        }
    })
}

/// The built-in scenarios and personas as embedded in the binary (named as their files in the source tree), so
/// `rehearse lint` checks what `rehearse run` would load wherever it runs.
pub fn lint_built_ins() -> Report {
    let scenarios = sim_scenarios::BUILT_IN.iter().map(|(id, source)| ("scenarios", *id, *source));
    let personas = sim_personas::list_built_in().into_iter().filter_map(|(id, _)| {
        let source = sim_personas::built_in_source(&id)?;
        Some(("personas", id, source))
    });
    let mut entries: Vec<Entry> = scenarios
        .map(|(dir, id, source)| (dir, id.to_owned(), source))
        .chain(personas)
        .map(|(dir, id, source)| {
            let path = Path::new(dir).join("data").join(format!("{id}.ron"));
            Entry { verdict: check_source(source, &path), path }
        })
        .collect();
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Report { entries }
}

/// Every `*.ron` file under `dir`, recursively, sorted by path. Symlinks to files are followed; symlinks to
/// directories are not, so a link cycle cannot loop.
pub fn ron_files(dir: &Path) -> Found {
    let mut found = Found::default();
    walk(dir, &mut found);
    found.files.sort();
    found.unreadable.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// Reads one file, tells its kind from the first token and runs the matching loader.
pub fn check_file(path: &Path) -> Entry {
    let verdict = match std::fs::read(path) {
        Err(err) => Verdict::Problems(vec![cannot_read(path, &err)]),
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(source) => check_source(&source, path),
            Err(err) => {
                let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
                let valid = std::str::from_utf8(valid).unwrap_or_default();
                let (line, column) = line_column(valid, valid.len());
                Verdict::Problems(vec![format!(
                    "{}:{line}:{column}: invalid UTF-8",
                    path.display()
                )])
            }
        },
    };
    Entry { path: path.to_owned(), verdict }
}

/// Checks RON text as the file `path`: by its first token, a scenario, a persona or a problem.
pub fn check_source(source: &str, path: &Path) -> Verdict {
    match detect_kind(source) {
        Ok(Kind::Scenario) => match sim_scenarios::parse_scenario(source, path) {
            Ok(loaded) => {
                let issues = crate::setup::mix_issues(&loaded.persona_mix, &loaded.spec);
                if issues.is_empty() {
                    Verdict::Scenario {
                        id: loaded.spec.id,
                        n_intents: loaded.spec.intents.len(),
                        n_tools: loaded.spec.tools.len(),
                        n_rules: loaded.spec.rules.len(),
                    }
                } else {
                    Verdict::Problems(lines(&sim_scenarios::invalid(source, path, issues)))
                }
            }
            Err(err) => Verdict::Problems(lines(&err)),
        },
        Ok(Kind::Persona) => match sim_personas::parse_persona(source, path) {
            Ok(spec) => Verdict::Persona { id: spec.id },
            Err(err) => Verdict::Problems(lines(&err)),
        },
        Err(UnknownKind { line, column, found }) => {
            let found = match found {
                Some(token) => format!("`{}`", visible(&token)),
                None => "the end of the file".to_owned(),
            };
            Verdict::Problems(vec![format!(
                "{}:{line}:{column}: found {found}; start the file with `Scenario(` or `Persona(`",
                path.display()
            )])
        }
    }
}

/// The kind a file declares with its first token, after whitespace, comments and `#![enable(…)]` attributes.
pub fn detect_kind(source: &str) -> Result<Kind, UnknownKind> {
    let start = skip_trivia(source);
    let rest = &source[start..];
    let ident_len = rest
        .char_indices()
        .find(|(_, ch)| !(ch.is_alphanumeric() || *ch == '_'))
        .map_or(rest.len(), |(idx, _)| idx);
    let token = match ident_len {
        0 => rest.chars().next().map(String::from),
        len => Some(rest[..len].to_owned()),
    };
    match token.as_deref() {
        Some("Scenario") => Ok(Kind::Scenario),
        Some("Persona") => Ok(Kind::Persona),
        _ => {
            let (line, column) = line_column(source, start);
            Err(UnknownKind { line, column, found: token })
        }
    }
}

impl Report {
    /// How many entries have problems.
    pub fn n_with_problems(&self) -> usize {
        self.entries.iter().filter(|entry| matches!(entry.verdict, Verdict::Problems(_))).count()
    }

    /// True when every file is valid.
    pub fn is_clean(&self) -> bool {
        self.n_with_problems() == 0
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for entry in &self.entries {
            let path = entry.path.display();
            match &entry.verdict {
                Verdict::Scenario { id, n_intents, n_tools, n_rules } => writeln!(
                    f,
                    "ok   {path}  scenario {id}: {}, {}, {}",
                    plural(*n_intents, "intent"),
                    plural(*n_tools, "tool"),
                    plural(*n_rules, "rule")
                )?,
                Verdict::Persona { id } => writeln!(f, "ok   {path}  persona {id}")?,
                Verdict::Problems(problems) => {
                    writeln!(f, "FAIL {path}")?;
                    for problem in problems {
                        writeln!(f, "  {problem}")?;
                    }
                }
            }
        }
        let n_files = self.entries.len();
        let checked = if n_files == 1 { "file" } else { "files" };
        writeln!(f, "{n_files} {checked} checked, {} with problems", self.n_with_problems())
    }
}

fn walk(dir: &Path, found: &mut Found) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            found.unreadable.push((dir.to_owned(), err));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                found.unreadable.push((dir.to_owned(), err));
                return;
            }
        };
        let path = entry.path();
        let is_ron = path.extension().is_some_and(|ext| ext == "ron");
        match entry.file_type() {
            Ok(file_type) if file_type.is_dir() => walk(&path, found),
            Ok(file_type) if file_type.is_symlink() => {
                if is_ron && std::fs::metadata(&path).is_ok_and(|meta| meta.is_file()) {
                    found.files.push(path);
                }
            }
            Ok(_) | Err(_) if is_ron => found.files.push(path),
            Ok(_) | Err(_) => {}
        }
    }
}

/// Byte offset of the first token: past whitespace, `//` and nested `/* */` comments and `#![…]` attributes.
fn skip_trivia(source: &str) -> usize {
    let mut at = 0;
    loop {
        let rest = &source[at..];
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        if trimmed.starts_with("//") {
            at += trimmed.find('\n').unwrap_or(trimmed.len());
        } else if trimmed.starts_with("/*") {
            at += block_comment_len(trimmed);
        } else if trimmed.starts_with("#![") {
            at += attribute_len(trimmed);
        } else {
            return at;
        }
    }
}

/// Length of the (nested) block comment `text` starts with; the whole text when it is not closed.
fn block_comment_len(text: &str) -> usize {
    let mut depth = 0usize;
    let mut idx = 0;
    while idx < text.len() {
        if text[idx..].starts_with("/*") {
            depth += 1;
            idx += 2;
        } else if text[idx..].starts_with("*/") {
            depth -= 1;
            idx += 2;
            if depth == 0 {
                return idx;
            }
        } else {
            idx += text[idx..].chars().next().map_or(1, char::len_utf8);
        }
    }
    text.len()
}

/// Length of the `#![…]` attribute `text` starts with, brackets balanced; the whole text when it is not closed.
fn attribute_len(text: &str) -> usize {
    let mut depth = 0usize;
    for (idx, ch) in text.char_indices() {
        match ch {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return idx + 1;
                }
            }
            _ => {}
        }
    }
    text.len()
}

/// 1-based line and column (in characters) of byte offset `at` in `source`.
fn line_column(source: &str, at: usize) -> (usize, usize) {
    let before = &source[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
    (line, column)
}

/// The token as printed: invisible or unusual single characters (a byte order mark, a control character) escaped.
fn visible(token: &str) -> String {
    token
        .chars()
        .map(|ch| {
            if ch.is_alphanumeric() || ch == '_' || ch.is_ascii_graphic() {
                ch.to_string()
            } else {
                ch.escape_unicode().to_string()
            }
        })
        .collect()
}

fn problem(path: &Path, message: String) -> Entry {
    Entry { path: path.to_owned(), verdict: Verdict::Problems(vec![message]) }
}

fn cannot_read(path: &Path, err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => format!("{}: no such file or directory", path.display()),
        _ => format!("{}: cannot read: {err}", path.display()),
    }
}

/// A loader error as lines: one per problem.
fn lines(err: &dyn std::error::Error) -> Vec<String> {
    err.to_string().lines().map(str::to_owned).collect()
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("{n} {noun}") } else { format!("{n} {noun}s") }
}

#[cfg(test)]
mod tests;
