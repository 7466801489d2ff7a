//! LoadError: why a scenario file could not be read, parsed or validated, with file, line and column.

use std::fmt;
use std::path::PathBuf;

/// A scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {}: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The IO error (displayed here, not chained as a source, so it is not printed twice).
        error: std::io::Error,
    },
    /// The text is not RON, or not a RON scenario (syntax error, wrong type, unknown or missing field).
    #[error("{}:{}:{}: {code}", path.display(), position.line, position.column)]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Where ron stopped.
        position: Position,
        /// ron's error (displayed here, not chained as a source, so it is not printed twice).
        code: ron::Error,
    },
    /// The file parsed but describes an impossible scenario; every problem found is listed.
    #[error("{}", Listing { path, problems })]
    Invalid {
        /// The file.
        path: PathBuf,
        /// All problems, in file order.
        problems: Vec<Problem>,
    },
    /// No built-in scenario has this id.
    #[error("no built-in scenario `{id}`; built-in: {known}")]
    UnknownBuiltIn {
        /// The id asked for.
        id: String,
        /// The built-in ids, comma-separated.
        known: String,
    },
}

/// A 1-based line and column (in characters), as ron counts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

/// One semantic problem in a scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Line of the offending value, from 1.
    pub line: usize,
    /// Column of the offending value, from 1.
    pub column: usize,
    /// The field the problem is about, e.g. `rules[3].kind.guarded[5]`.
    pub field: String,
    /// What is wrong, e.g. ``rule `no-change-unverified` names unknown tool `offer-refnd` ``.
    pub message: String,
}

impl LoadError {
    /// The position of the first error, when the error has one.
    pub fn position(&self) -> Option<Position> {
        match self {
            LoadError::Syntax { position, .. } => Some(*position),
            LoadError::Invalid { problems, .. } => problems
                .first()
                .map(|problem| Position { line: problem.line, column: problem.column }),
            LoadError::Io { .. } | LoadError::UnknownBuiltIn { .. } => None,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One `path:line:col: message` line per problem.
struct Listing<'a> {
    path: &'a PathBuf,
    problems: &'a [Problem],
}

impl fmt::Display for Listing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (idx, problem) in self.problems.iter().enumerate() {
            if idx > 0 {
                writeln!(f)?;
            }
            let path = self.path.display();
            write!(f, "{path}:{}:{}: {}", problem.line, problem.column, problem.message)?;
        }
        Ok(())
    }
}
