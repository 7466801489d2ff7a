//! sim-personas: the persona RON format, its loader and validation, the built-in personas, and the surface realiser.
//!
//! A persona is a distribution over simulated customers, one per `.ron` file whose stem is its id:
//!
//! ```
//! let spec = sim_personas::parse_persona(
//!     r#"(
//!         description: "patient and cooperative",
//!         traits: (
//!             patience: Normal(mean: 30, sd: 5, min: 15, max: 60),
//!             cooperativeness: Beta(a: 18, b: 1),
//!             verbosity: Normal(mean: 12, sd: 3, min: 3, max: 40),
//!             honesty: Fixed(1.0),
//!             pushiness: Uniform(lo: 0.0, hi: 0.2),
//!             recall_error: Uniform(lo: 0.0, hi: 0.04),
//!         ),
//!         style: (
//!             formality: Normal(mean: 0.6, sd: 0.15, min: 0, max: 1),
//!             typo_rate: Uniform(lo: 0, hi: 0.01),
//!         ),
//!         vague_opening: 0.1,
//!         demand_human_at: 0.8,
//!         abandon_at: 0.95,
//!         mood: (initial: 0.1, repeated_question: 0.08, denial: 0.15, irrelevant: 0.05,
//!                waiting: 0.005, progress: -0.05, apology: -0.05),
//!     )"#,
//!     std::path::Path::new("personas/data/calm.ron"),
//! )
//! .unwrap();
//! assert_eq!(spec.id, "calm");
//! ```
//!
//! `style` only changes how the customer's turns are written, never what they do: `formality` runs from 0
//! (casual: lower case, "hey", no final full stop) to 1 (formal: capitals, "Hello", "please", full
//! punctuation), with text left as phrased between 0.35 and 0.65; `typo_rate` is the expected typos per word of
//! the customer's own words, at most 0.3, so a `Uniform` or a clamped `Normal` rather than a `Beta` (slot values
//! such as names, emails and ids are never misspelt). Both draws must lie in [0, 1]; the block and either field
//! may be left out, and default to `Fixed(0.5)` and `Fixed(0.0)`, which leave the text exactly as it was before
//! styles.
//!
//! `reactions` (optional) is a reaction table, P(customer response | agent act, customer state), whose rows replace
//! the built-in reaction model where they match, first match first:
//! `reactions: [(on: Deny, when: FrustrationAtLeast(0.5), respond: [(DemandHuman, Fixed(0.6)), (Insist,
//! Trait(Pushiness)), (Acknowledge, Rest)])]`. One draw picks the response: each takes its chance in order and
//! `Rest` what is left; the agent's act still moves the customer's mood as usual.
//!
//! Syntax and type errors name the file and the parser's line:column; semantic problems are all reported at once,
//! each with the position of the offending field. [`realise`] turns dialogue acts into English.
#![warn(missing_docs)]

mod error;
mod file;
mod locate;
pub mod phrasebook;
pub mod realise;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use sim_core::spec::PersonaSpec;

pub use error::{LoadError, Located, Problem};
pub use file::{
    AgentActFile, ChanceFile, DistFile, MoodFile, PersonaFile, ReactionFile, ResponseFile,
    StyleFile, TraitFile, TraitsFile, WhenFile,
};

/// The built-in personas: (id, RON source), embedded so they load wherever the binary runs.
const BUILT_IN: [(&str, &str); 4] = [
    ("calm", include_str!("../data/calm.ron")),
    ("impatient", include_str!("../data/impatient.ron")),
    ("confused", include_str!("../data/confused.ron")),
    ("social-engineer", include_str!("../data/social-engineer.ron")),
];

/// Reads, parses and validates a persona file; the id is the file stem.
pub fn load_persona(path: &Path) -> Result<PersonaSpec, LoadError> {
    let bytes =
        std::fs::read(path).map_err(|source| LoadError::Io { path: path.to_owned(), source })?;
    parse_persona_bytes(bytes, path)
}

/// As [`parse_persona`], for the bytes of a file: invalid UTF-8 is a problem at its line and column.
pub fn parse_persona_bytes(bytes: Vec<u8>, path: &Path) -> Result<PersonaSpec, LoadError> {
    let source = match String::from_utf8(bytes) {
        Ok(source) => source,
        Err(err) => {
            let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let line = valid.matches('\n').count() + 1;
            let col = valid.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
            let message = "invalid UTF-8".to_owned();
            return Err(LoadError::Syntax { path: path.to_owned(), line, col, message });
        }
    };
    parse_persona(&source, path)
}

/// Parses and validates persona RON; `path` names the file in messages and gives the id (its stem).
pub fn parse_persona(source: &str, path: &Path) -> Result<PersonaSpec, LoadError> {
    let stem = path.file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_default();
    let valid_id = !stem.is_empty()
        && stem.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
    if !valid_id {
        return Err(LoadError::BadId { path: path.to_owned(), stem });
    }
    let mut file: PersonaFile = ron::from_str(source).map_err(|err| LoadError::Syntax {
        path: path.to_owned(),
        line: err.span.start.line.max(1),
        col: err.span.start.col.max(1),
        message: err.code.to_string(),
    })?;
    file.id = stem;
    PersonaSpec::try_from(file).map_err(|problems| invalid(source, path, problems))
}

/// Problems with a persona file, located in `source` (also for checks made outside this crate, such as whether
/// the persona fits a scenario).
pub fn invalid(source: &str, path: &Path, problems: Vec<Problem>) -> LoadError {
    let mut problems: Vec<Located> = problems
        .into_iter()
        .map(|problem| {
            let (line, col) = locate::locate(source, &problem.at);
            Located { line, col, problem }
        })
        .collect();
    problems.sort_by_key(|located| (located.line, located.col));
    LoadError::Invalid { path: path.to_owned(), problems }
}

/// The folder holding the built-in persona files (in the source tree).
pub fn built_in_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// The built-in personas as (id, description), in a fixed order.
pub fn list_built_in() -> Vec<(String, String)> {
    load_all_built_in().into_iter().map(|spec| (spec.id, spec.description)).collect()
}

/// The embedded RON text of a built-in persona.
pub fn built_in_source(id: &str) -> Option<&'static str> {
    BUILT_IN.iter().find(|(name, _)| *name == id).map(|(_, source)| *source)
}

/// Loads a built-in persona from the embedded text; errors name it `personas/data/<id>.ron`.
pub fn load_built_in(id: &str) -> Result<PersonaSpec, LoadError> {
    let Some((_, source)) = BUILT_IN.iter().find(|(name, _)| *name == id) else {
        let known = BUILT_IN.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", ");
        return Err(LoadError::UnknownBuiltIn { id: id.to_owned(), known });
    };
    parse_persona(source, &Path::new("personas/data").join(format!("{id}.ron")))
}

/// Loads every built-in persona, in the order of [`list_built_in`].
pub fn load_all_built_in() -> Vec<PersonaSpec> {
    BUILT_IN
        .iter()
        .map(|(id, _)| match load_built_in(id) {
            Ok(spec) => spec,
            Err(err) => panic!("built-in persona is invalid (a bug; the tests load it): {err}"),
        })
        .collect()
}
