//! sim-scenarios: the RON scenario format, its loader and validation, and the built-in scenarios.
//!
//! A scenario file (`scenarios/data/<id>.ron`, id = file stem) describes the tools an agent may call, the customer
//! intents with the guideline's ordered steps, the policy rules, how worlds are generated and the default persona mix.
//! [`parse_scenario`] and [`load_scenario`] turn it into a [`LoadedScenario`]: the engine's validated
//! [`ScenarioSpec`] plus the persona mix, which the engine does not know about.
//!
//! Errors name the file and a line and column: ron's own position for syntax and type errors, and for semantic
//! problems the position of the offending value, all of them at once:
//!
//! ```text
//! scenarios/data/x.ron:12:5: rule `no-change-unverified` names unknown tool `offer-refnd`
//! scenarios/data/x.ron:30:21: intent `refund_initiate` cannot reach RefundedGoalAmount: no step calls a tool with effect Refund and arg `amount`
//! ```
//!
//! ```
//! let scenario = sim_scenarios::load_built_in("retail-support").unwrap();
//! assert_eq!(scenario.spec.id, "retail-support");
//! assert!(scenario.persona_mix.iter().any(|(persona, _)| persona == "calm"));
//! ```

#![warn(missing_docs)]

mod built_in;
mod error;
mod file;
mod outline;
mod path;
mod validate;

use std::path::Path;

use sim_core::spec::ScenarioSpec;

pub use built_in::{BUILT_IN, built_in_dir, built_in_source, list_built_in, load_built_in};
pub use error::{LoadError, Position, Problem};
pub use file::{
    AcceptFile, AccountFieldFile, AddFile, CountFile, DataEffectFile, EffectFile, EligibilityFile,
    EntityFile, ExprFile, FieldFile, FieldTypeFile, GenFile, IntentFile, MembershipWeightsFile,
    OfferFile, OutcomeFile, PaymentWeightsFile, PriceFile, RangeFile, RuleFile, RuleKindFile,
    ScenarioFile, SlotFile, SlotName, StepFile, ToolFile, ToolTextFile, UnitFile, VariantFile,
    WhenFile, WorldFile,
};
pub use path::{FieldPath, Segment};
pub use validate::{DEFAULT_TAGGER, Issue, MAX_ITEMS, MAX_STEPS, MIN_TURNS};

use crate::outline::{Outline, offset_at, position_at};

/// A scenario ready to run: the engine's spec and the scenario's default persona mix.
#[derive(Clone, Debug)]
pub struct LoadedScenario {
    /// The validated spec the engine runs.
    pub spec: ScenarioSpec,
    /// Default persona mix as (persona id, weight), in file order; empty means all personas alike.
    pub persona_mix: Vec<(String, f64)>,
}

/// Reads, parses and validates the scenario file at `path`.
pub fn load_scenario(path: impl AsRef<Path>) -> Result<LoadedScenario, LoadError> {
    let path = path.as_ref();
    let source = std::fs::read_to_string(path)
        .map_err(|error| LoadError::Io { path: path.to_owned(), error })?;
    parse_scenario(&source, path)
}

/// Parses and validates scenario RON text; `path_for_messages` names the file in errors.
pub fn parse_scenario(source: &str, path_for_messages: &Path) -> Result<LoadedScenario, LoadError> {
    let path = path_for_messages;
    // `Data(pre: …)` rather than `Data(Data(pre: …))` for effects written as data.
    let extensions = ron::extensions::Extensions::IMPLICIT_SOME
        | ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES;
    let options = ron::Options::default().with_default_extension(extensions);
    let file: ScenarioFile = options.from_str(source).map_err(|err| LoadError::Syntax {
        path: path.to_owned(),
        position: error_position(source, &err.span),
        code: err.code,
    })?;
    let spec = file.to_spec().map_err(|issues| LoadError::Invalid {
        path: path.to_owned(),
        problems: locate(source, issues),
    })?;
    Ok(LoadedScenario { spec, persona_mix: file.personas })
}

/// Problems found outside this crate (a persona the mix names that does not exist), located in `source` like the
/// loader's own: `path:line:col: message` each.
pub fn invalid(source: &str, path: &Path, issues: Vec<Issue>) -> LoadError {
    LoadError::Invalid { path: path.to_owned(), problems: locate(source, issues) }
}

/// Where a ron error starts: the span's start, moved past whitespace towards its end (ron's spans of type errors
/// start before the whitespace in front of the offending value).
fn error_position(source: &str, span: &ron::error::Span) -> Position {
    let at = |position: ron::error::Position| {
        offset_at(source, Position { line: position.line, column: position.col })
    };
    let (mut start, end) = (at(span.start), at(span.end));
    while start < end && source.as_bytes().get(start).is_some_and(u8::is_ascii_whitespace) {
        start += 1;
    }
    position_at(source, start)
}

/// Gives each issue the line and column of its value in `source`, in file order.
fn locate(source: &str, issues: Vec<Issue>) -> Vec<Problem> {
    let outline = Outline::parse(source);
    let mut problems: Vec<Problem> = issues
        .into_iter()
        .map(|issue| {
            let position = position_at(source, outline.offset(&issue.at));
            Problem {
                line: position.line,
                column: position.column,
                field: issue.at.to_string(),
                message: issue.message,
            }
        })
        .collect();
    problems.sort_by_key(|problem| (problem.line, problem.column));
    problems
}

#[cfg(test)]
mod tests;
