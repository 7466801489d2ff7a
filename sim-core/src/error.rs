//! BuildError: what can go wrong setting up an engine (never while stepping one).

/// An engine could not be built from the given specs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// No personas were given.
    #[error("no personas given")]
    NoPersonas,
    /// Zero concurrent slots were asked for.
    #[error("the engine needs at least one concurrent slot")]
    NoSlots,
    /// The scenario declares more tools than the engine tracks.
    #[error("scenario declares {0} tools; at most {max} are supported", max = crate::oracle::MAX_TOOLS)]
    TooManyTools(usize),
    /// A persona can hold none of the scenario's intents.
    #[error("persona `{persona}` can hold none of the intents of scenario `{scenario}`")]
    PersonaHasNoIntent {
        /// The persona id.
        persona: String,
        /// The scenario id.
        scenario: String,
    },
    /// The schedule failed to build.
    #[error("schedule failed to build: {0}")]
    Schedule(String),
}
