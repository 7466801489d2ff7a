//! Reaction tables as written in persona files, their checks, and their conversion into sim-core's `ReactionRule`.

use serde::Deserialize;
use sim_core::act::ActKind;
use sim_core::spec::{Chance, ReactionRule, ReactionWhen, Response, TraitRef};

/// A reaction table row: `(on: Deny, when: FrustrationAtLeast(0.5), respond: [(DemandHuman, Fixed(0.6)), (Insist, Trait(Pushiness)), (Acknowledge, Rest)])`.
///
/// When the agent does `on` and `when` holds, one draw picks a response: each gets its chance in order, `Rest`
/// takes what is left. Rows are tried in order; the first that matches replaces the built-in reaction model.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReactionFile {
    /// The agent act answered.
    pub on: AgentActFile,
    /// The customer state in which the row applies (default: always).
    #[serde(default)]
    pub when: WhenFile,
    /// Responses with their chances.
    pub respond: Vec<(ResponseFile, ChanceFile)>,
    /// How many real customer messages the chances were counted from (a persona fitted by `rehearse calibrate
    /// --scenario`; 0, the default, for a row written by hand); not read by the engine.
    #[serde(default)]
    pub n: u64,
}

/// Agent acts a customer answers.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[expect(missing_docs, reason = "each variant mirrors the sim-core ActKind of the same name")]
pub enum AgentActFile {
    Greet,
    AskNeed,
    Ask,
    InformResult,
    Disclose,
    Deny,
    Apologize,
    AnythingElse,
    Filler,
    Offer,
    Progress,
}

/// Mirror of [`sim_core::spec::ReactionWhen`].
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq)]
#[expect(missing_docs, reason = "each variant mirrors the sim-core ReactionWhen of the same name")]
pub enum WhenFile {
    #[default]
    Always,
    FrustrationAtLeast(f64),
    FrustrationBelow(f64),
    DenialsAtLeast(u8),
}

/// Mirror of [`sim_core::spec::Response`].
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[expect(missing_docs, reason = "each variant mirrors the sim-core Response of the same name")]
pub enum ResponseFile {
    Answer,
    Acknowledge,
    Insist,
    DemandHuman,
    OffTopic,
    Nudge,
    Leave,
    ThankBye,
    Consider,
    Accept,
    Reject,
    Object,
    AsBuiltIn,
}

/// Mirror of [`sim_core::spec::Chance`].
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[expect(missing_docs, reason = "each variant mirrors the sim-core Chance of the same name")]
pub enum ChanceFile {
    Fixed(f64),
    Trait(TraitFile),
    Rest,
}

/// Mirror of [`sim_core::spec::TraitRef`].
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[expect(missing_docs, reason = "each variant mirrors the sim-core TraitRef of the same name")]
pub enum TraitFile {
    Cooperativeness,
    Honesty,
    Pushiness,
    RecallError,
    Frustration,
    Persuadability,
}

/// Problems in one row, as messages (the caller places them at the `reactions` field).
pub fn problems(idx: usize, row: &ReactionFile) -> Vec<String> {
    let mut out = Vec::new();
    let label = format!("row {idx} (on {:?})", row.on);
    if row.respond.is_empty() {
        out.push(format!("{label}: respond lists no response"));
    }
    if let WhenFile::FrustrationAtLeast(level) | WhenFile::FrustrationBelow(level) = row.when
        && !(0.0..=1.0).contains(&level)
    {
        out.push(format!("{label}: frustration level must be in [0, 1], got {level}"));
    }
    let mut fixed_total = 0.0;
    for (pos, (response, chance)) in row.respond.iter().enumerate() {
        match chance {
            ChanceFile::Fixed(p) if !p.is_finite() || !(0.0..=1.0).contains(p) => {
                out.push(format!("{label}: chance of {response:?} must be in [0, 1], got {p}"));
            }
            ChanceFile::Fixed(p) => fixed_total += p,
            ChanceFile::Rest if pos + 1 != row.respond.len() => {
                out.push(format!("{label}: Rest must be the last response"));
            }
            _ => {}
        }
    }
    let has_rest = row.respond.iter().any(|(_, chance)| matches!(chance, ChanceFile::Rest));
    if !row.respond.is_empty() && !has_rest {
        // Otherwise a draw past the chances would still pick the last response, whatever its stated chance.
        out.push(format!(
            "{label}: the last response must take the Rest, e.g. (Acknowledge, Rest)"
        ));
    }
    if fixed_total > 1.0 + 1e-9 {
        out.push(format!("{label}: fixed chances add up to {fixed_total}, more than 1"));
    }
    out
}

impl From<&ReactionFile> for ReactionRule {
    fn from(row: &ReactionFile) -> ReactionRule {
        let on = match row.on {
            AgentActFile::Greet => ActKind::Greet,
            AgentActFile::AskNeed => ActKind::AskNeed,
            AgentActFile::Ask => ActKind::Ask,
            AgentActFile::InformResult => ActKind::InformResult,
            AgentActFile::Disclose => ActKind::Disclose,
            AgentActFile::Deny => ActKind::Deny,
            AgentActFile::Apologize => ActKind::Apologize,
            AgentActFile::Progress => ActKind::Progress,
            AgentActFile::AnythingElse => ActKind::AnythingElse,
            AgentActFile::Filler => ActKind::Filler,
            AgentActFile::Offer => ActKind::Offer,
        };
        let when = match row.when {
            WhenFile::Always => ReactionWhen::Always,
            WhenFile::FrustrationAtLeast(level) => ReactionWhen::FrustrationAtLeast(level),
            WhenFile::FrustrationBelow(level) => ReactionWhen::FrustrationBelow(level),
            WhenFile::DenialsAtLeast(count) => ReactionWhen::DenialsAtLeast(count),
        };
        let responses = row
            .respond
            .iter()
            .map(|(response, chance)| {
                let response = match response {
                    ResponseFile::Answer => Response::Answer,
                    ResponseFile::Acknowledge => Response::Acknowledge,
                    ResponseFile::Insist => Response::Insist,
                    ResponseFile::DemandHuman => Response::DemandHuman,
                    ResponseFile::OffTopic => Response::OffTopic,
                    ResponseFile::Nudge => Response::Nudge,
                    ResponseFile::Leave => Response::Leave,
                    ResponseFile::ThankBye => Response::ThankBye,
                    ResponseFile::Consider => Response::Consider,
                    ResponseFile::Accept => Response::Accept,
                    ResponseFile::Reject => Response::Reject,
                    ResponseFile::Object => Response::Object,
                    ResponseFile::AsBuiltIn => Response::AsBuiltIn,
                };
                let chance = match chance {
                    ChanceFile::Fixed(p) => Chance::Fixed(*p),
                    ChanceFile::Rest => Chance::Rest,
                    ChanceFile::Trait(TraitFile::Cooperativeness) => {
                        Chance::Trait(TraitRef::Cooperativeness)
                    }
                    ChanceFile::Trait(TraitFile::Honesty) => Chance::Trait(TraitRef::Honesty),
                    ChanceFile::Trait(TraitFile::Pushiness) => Chance::Trait(TraitRef::Pushiness),
                    ChanceFile::Trait(TraitFile::RecallError) => {
                        Chance::Trait(TraitRef::RecallError)
                    }
                    ChanceFile::Trait(TraitFile::Frustration) => {
                        Chance::Trait(TraitRef::Frustration)
                    }
                    ChanceFile::Trait(TraitFile::Persuadability) => {
                        Chance::Trait(TraitRef::Persuadability)
                    }
                };
                (response, chance)
            })
            .collect();
        ReactionRule { on, when, responses }
    }
}
