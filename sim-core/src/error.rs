//! BuildError: what can go wrong setting up an engine (never while stepping one).

/// An engine could not be built from the given specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// No personas were given.
    NoPersonas,
    /// Zero concurrent slots were asked for.
    NoSlots,
    /// The scenario declares more tools than the engine tracks.
    TooManyTools(usize),
    /// A persona can hold none of the scenario's intents.
    PersonaHasNoIntent {
        /// The persona id.
        persona: String,
        /// The scenario id.
        scenario: String,
    },
    /// The schedule failed to build.
    Schedule(String),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::NoPersonas => write!(f, "no personas given"),
            BuildError::NoSlots => write!(f, "the engine needs at least one concurrent slot"),
            BuildError::TooManyTools(n) => write!(
                f,
                "scenario declares {n} tools; at most {} are supported",
                crate::oracle::MAX_TOOLS
            ),
            BuildError::PersonaHasNoIntent { persona, scenario } => {
                write!(
                    f,
                    "persona `{persona}` can hold none of the intents of scenario `{scenario}`"
                )
            }
            BuildError::Schedule(msg) => write!(f, "schedule failed to build: {msg}"),
        }
    }
}

impl std::error::Error for BuildError {}
