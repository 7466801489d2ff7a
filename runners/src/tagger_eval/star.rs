//! STAR's wizard messages as labelled agent messages for `rehearse tagger-eval`.
//!
//! In STAR (shared/data/star, see its README) a wizard mostly sends a template reply picked from the task's flow
//! chart: a `pick_suggestion` event with the template's ActionLabel and the Text sent, read by the transcript
//! adapter (`transcripts::star`) as an agent turn whose act is the label. The embedded
//! `runners/data/star-wizard-acts.ron` maps every label to a rehearse agent act, or to `None` with a reason (a trivia
//! question, a flow-chart node). Wizard free-text `utter` events have no label and are skipped; so are messages
//! whose label maps to `None` (counted) and labels missing from the mapping (listed).

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use sim_core::act::ActKind;

use crate::transcripts::{self, Dropped, Speaker, TranscriptError};

/// One agent message with the act a human gave it.
#[derive(Clone, Debug, PartialEq)]
pub struct Labelled {
    /// The message as sent.
    pub text: String,
    /// The act its label maps to.
    pub act: ActKind,
    /// Where the act comes from: `star:<ActionLabel>`.
    pub label: String,
}

/// What reading the corpus found.
#[derive(Debug)]
pub struct StarSamples {
    /// The wizard's picked templates whose label maps to an act, in file order.
    pub samples: Vec<Labelled>,
    /// Picked templates whose label maps to `None`.
    pub unmapped: usize,
    /// Labels not in the mapping file, sorted, each once; their messages are neither samples nor unmapped.
    pub unknown_labels: Vec<String>,
}

/// The corpus or the mapping could not be read.
#[derive(Debug, thiserror::Error)]
pub enum StarError {
    /// The dialogues file could not be opened or read.
    #[error("cannot read STAR dialogues: {0}")]
    Transcripts(#[from] TranscriptError),
    /// A dialogue the STAR adapter rejected (not JSON, an event without its text or label): its file, line and why.
    #[error("{0}")]
    Rejected(String),
    /// The mapping file is not valid: syntax, a duplicate label, a name that is no agent act or an empty reason.
    #[error("{MAPPING_PATH}:{line}:{col}: {message}")]
    Mapping {
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        col: usize,
        /// The parser's message.
        message: String,
    },
}

/// Reads `dir/dialogues.jsonl.gz` and labels the wizard's picked templates with the mapping's acts; the first
/// dialogue the STAR adapter rejects is an error.
pub fn star_samples(dir: &Path) -> Result<StarSamples, StarError> {
    let mapping = parse_mapping(MAPPING)?;
    let converted = transcripts::star::convert(&dir.join("dialogues.jsonl.gz"))?;
    if let Some(rejected) = converted.rejected.iter().find(|r| r.dropped == Dropped::Conversation) {
        return Err(StarError::Rejected(rejected.to_string()));
    }
    let mut samples = Vec::new();
    let mut unmapped = 0;
    let mut unknown_labels = BTreeSet::new();
    let turns = converted.conversations.into_iter().flat_map(|conversation| conversation.turns);
    for turn in turns.filter(|turn| turn.speaker == Speaker::Agent) {
        let Some(label) = turn.act else { continue };
        match mapping.get(&label) {
            Some(Some(act)) => samples.push(Labelled {
                text: turn.text,
                act: *act,
                label: format!("star:{label}"),
            }),
            Some(None) => unmapped += 1,
            None => {
                unknown_labels.insert(label);
            }
        }
    }
    Ok(StarSamples { samples, unmapped, unknown_labels: unknown_labels.into_iter().collect() })
}

/// Where the mapping lives, as named in errors.
const MAPPING_PATH: &str = "runners/data/star-wizard-acts.ron";

/// The mapping from STAR wizard action labels to agent acts.
const MAPPING: &str = include_str!("../../data/star-wizard-acts.ron");

/// STAR's wizard action labels mapped to rehearse's agent acts (`runners/data/star-wizard-acts.ron`): `None` for a
/// label no agent act fits.
pub fn wizard_acts() -> BTreeMap<String, Option<ActKind>> {
    parse_mapping(MAPPING).expect("the embedded mapping parses (tested)")
}

/// Parses mapping RON: label to `Some(act)`, or to `None` where the file gives a reason instead of an act.
fn parse_mapping(source: &str) -> Result<BTreeMap<String, Option<ActKind>>, StarError> {
    let mapping: Mapping = ron::from_str(source).map_err(|err| StarError::Mapping {
        line: err.span.start.line.max(1),
        col: err.span.start.col.max(1),
        message: err.code.to_string(),
    })?;
    Ok(mapping.0)
}

/// The mapping file: a RON map from label to [`Entry`], each label once.
struct Mapping(BTreeMap<String, Option<ActKind>>);

/// What a label maps to in the file.
#[derive(Deserialize)]
enum Entry {
    /// The agent act, by name.
    Act(AgentAct),
    /// No agent act fits; the reason is for the reader.
    None(Reason),
}

/// An agent act's name, checked.
struct AgentAct(ActKind);

/// A non-empty reason, checked and dropped.
struct Reason;

impl<'de> Deserialize<'de> for Mapping {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MappingVisitor)
    }
}

struct MappingVisitor;

impl<'de> Visitor<'de> for MappingVisitor {
    type Value = Mapping;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a map from STAR action label to Act(\"…\") or None(\"…\")")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Mapping, A::Error> {
        let mut labels = BTreeMap::new();
        while let Some(label) = map.next_key::<String>()? {
            if labels.contains_key(&label) {
                return Err(de::Error::custom(format!("label `{label}` is mapped twice")));
            }
            let act = match map.next_value::<Entry>()? {
                Entry::Act(AgentAct(act)) => Some(act),
                Entry::None(Reason) => None,
            };
            labels.insert(label, act);
        }
        Ok(Mapping(labels))
    }
}

impl<'de> Deserialize<'de> for AgentAct {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        ActKind::agent_act(&name).map(AgentAct).ok_or_else(|| {
            let known: Vec<&str> = ActKind::AGENT.iter().map(|act| act.name()).collect();
            de::Error::custom(format!(
                "`{name}` is not an agent act; agent acts are {}",
                known.join(", ")
            ))
        })
    }
}

impl<'de> Deserialize<'de> for Reason {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let reason = String::deserialize(deserializer)?;
        if reason.trim().is_empty() {
            return Err(de::Error::custom("None needs a reason"));
        }
        Ok(Reason)
    }
}
