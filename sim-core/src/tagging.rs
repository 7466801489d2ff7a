//! Free text an agent writes, read into an act: the tagger a scenario declares (phrases per act, words per slot and
//! per tool, a confidence threshold) and what it read on a turn.
//!
//! The matching itself reads values from text, so it lives with the realiser (`sim_personas::tagger`); this module
//! holds the plain data both sides share. A scenario's tagger is its file's `tagger` section put before the default
//! English tagger every scenario gets (`scenarios/data/tagger.ron`): the first act whose phrase the message contains
//! wins, so the order of `acts` is the order of precedence.

use crate::act::{Act, ActKind, Slot};
use crate::spec::ToolId;

/// How a scenario reads an agent's free text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaggerSpec {
    /// A message read with less confidence than this is unclear: the customer asks what the agent means and the
    /// turn does nothing else.
    pub threshold: f32,
    /// Phrases per act, in order of precedence.
    pub acts: Vec<ActPhrases>,
    /// Words that name each slot ("zip code", "postal code"), longest first.
    pub slot_words: Vec<(Slot, String)>,
    /// Words that name each tool, as a refusal's reason ("membership check"), longest first.
    pub tool_words: Vec<(ToolId, String)>,
}

/// The phrases that mark an act, with the confidence a match carries.
#[derive(Clone, Debug, PartialEq)]
pub struct ActPhrases {
    /// The act.
    pub act: ActKind,
    /// How sure a match of one of these phrases makes the tagger, in (0, 1].
    pub confidence: f32,
    /// Lower-case phrases, matched at word boundaries.
    pub phrases: Vec<String>,
}

/// What the tagger read in one agent message: recorded on the turn, so every verdict on it can be audited.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Tagging {
    /// The act read (slots asked, values stated, the request and a refusal's reason); what the turn does when
    /// `clear`.
    pub act: Act,
    /// How sure the tagger is, in [0, 1]; 0 when no phrase matched.
    pub confidence: f32,
    /// The phrase that fired, as (index into [`TaggerSpec::acts`], index into its phrases).
    pub pattern: Option<(u16, u16)>,
    /// Whether the confidence reached the scenario's threshold; an unclear message does nothing but puzzle the
    /// customer.
    pub clear: bool,
    /// Protected account facts the message states, found by their true values in the text whatever the act: a
    /// `Disclose` of each (value the customer had not told the agent), judged like one.
    pub stated: Act,
}

impl Tagging {
    /// The phrase that fired, as written in the tagger.
    pub fn phrase<'a>(&self, tagger: &'a TaggerSpec) -> Option<&'a str> {
        let (act, phrase) = self.pattern?;
        tagger.acts.get(usize::from(act))?.phrases.get(usize::from(phrase)).map(String::as_str)
    }

    /// A tagging of nothing: no phrase matched, nothing stated.
    pub fn nothing() -> Tagging {
        Tagging {
            act: Act::bare(ActKind::Filler),
            confidence: 0.0,
            pattern: None,
            clear: false,
            stated: Act::bare(ActKind::Disclose),
        }
    }
}
