//! LoadError: what can go wrong reading, parsing or validating a persona file, with file and position.

use std::fmt;
use std::path::PathBuf;

/// A persona could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{}: cannot read persona file: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid RON for the persona format (syntax, type or unknown field).
    #[error("{}:{line}:{col}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        col: usize,
        /// The parser's message.
        message: String,
    },
    /// The file parsed but some values are out of range; every problem is listed.
    #[error("{}", Listing { path, problems })]
    Invalid {
        /// The file.
        path: PathBuf,
        /// All problems found, in file order.
        problems: Vec<Located>,
    },
    /// The file stem is not a usable persona id.
    #[error("{}: file stem `{stem}` is not a persona id (use letters, digits, `-` and `_`)", path.display())]
    BadId {
        /// The file.
        path: PathBuf,
        /// The offending stem.
        stem: String,
    },
    /// No built-in persona has this id.
    #[error("no built-in persona `{id}`; built-ins are {known}")]
    UnknownBuiltIn {
        /// The id asked for.
        id: String,
        /// The built-in ids, comma-separated.
        known: String,
    },
}

/// One semantic problem in a persona: which field, what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The field as shown to users, e.g. `honesty` or `mood.denial`.
    pub field: String,
    /// Field names from the top of the file to the offending token, e.g. `["traits", "honesty", "a"]`.
    pub at: Vec<&'static str>,
    /// What is wrong, e.g. `Beta a must be > 0`.
    pub message: String,
}

/// A problem with its position in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub col: usize,
    /// The problem.
    pub problem: Problem,
}

struct Listing<'a> {
    path: &'a PathBuf,
    problems: &'a [Located],
}

impl fmt::Display for Listing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (idx, located) in self.problems.iter().enumerate() {
            if idx > 0 {
                writeln!(f)?;
            }
            let Located { line, col, problem } = located;
            write!(
                f,
                "{}:{line}:{col}: {}: {}",
                self.path.display(),
                problem.field,
                problem.message
            )?;
        }
        Ok(())
    }
}
