//! Real conversations from public corpora in one JSON Lines format (`calibration-data/README.md` documents it):
//! the format's serde types, its reader and writer, the report of rows a conversion rejected, and `rehearse
//! transcripts convert`, with one adapter per corpus of `../shared/data` in `transcripts/`.

pub mod abcd;
pub mod casino;
pub mod dealornodeal;
pub mod multidogo;
pub mod persuasionforgood;
pub mod rehearse;
pub mod star;

mod read;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use read::{input_file, lines};

/// The corpora `rehearse transcripts convert --from` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Corpus {
    /// STAR: `dialogues.jsonl(.gz)`, one dialogue per line.
    Star,
    /// MultiDoGO: `customer_turns_turn_level.jsonl(.gz)`, customer turns only.
    Multidogo,
    /// ABCD: a JSON file of dialogues (`abcd_sample.json`, or the full corpus's splits).
    Abcd,
    /// PersuasionForGood: the folder of `full_dialog.csv(.gz)` and `full_info.csv(.gz)`.
    Persuasionforgood,
    /// CaSiNo: `casino_train_valid.jsonl(.gz)`, one dialogue per line.
    Casino,
    /// Deal or No Deal: `dialogues.jsonl(.gz)`, one dialogue per line.
    Dealornodeal,
    /// A rehearse run: its folder or `transcripts.jsonl`, one episode per line (simulated conversations, for
    /// comparing with real ones).
    Rehearse,
}

/// One conversation: a line of the format.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    /// The corpus's own id for it.
    pub id: String,
    /// The corpus it came from (`star`, `multidogo`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corpus: Option<String>,
    /// The service domain, where the corpus labels it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// What the customer came for, where the corpus labels it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    /// How it ended (`completed`, `abandoned`, `donated`, `agreed`, …), where the corpus labels it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// The customer's traits and survey answers, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub traits: BTreeMap<String, Trait>,
    /// The turns in order.
    pub turns: Vec<Turn>,
}

/// A trait's value: a number or a word.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Trait {
    /// A score, an amount, an age.
    Number(f64),
    /// A category.
    Text(String),
}

/// Who speaks a turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    /// The customer (user, persuadee, the negotiator the corpus README names).
    Customer,
    /// The agent (wizard, persuader, the other negotiator).
    Agent,
    /// Something the system showed a participant (STAR's instructions to the user).
    System,
    /// A tool or knowledge base answering an agent's action.
    Tool,
}

/// One turn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    /// Who speaks.
    pub speaker: Speaker,
    /// What was said or shown; empty for an action without text, or a turn the corpus does not give the text of.
    pub text: String,
    /// The corpus's label for the turn (an intent, a wizard action label, a strategy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act: Option<String>,
    /// The action taken (an API, a button, a deal move), by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The action's arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Map<String, Value>>,
    /// The slot values the turn gives, by slot type (MultiDoGO's token labels; STAR's query arguments found in the
    /// customer's words).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub slots: BTreeMap<String, String>,
    /// When, in Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
}

/// What a conversion produced: the conversations and every row it could not use whole.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Converted {
    /// The conversations, in file order.
    pub conversations: Vec<Conversation>,
    /// The rows rejected or kept without a label, in file order.
    pub rejected: Vec<Rejected>,
}

/// A row a conversion could not use whole.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejected {
    /// The file.
    pub file: PathBuf,
    /// Where in it.
    pub place: Place,
    /// What was left out.
    pub dropped: Dropped,
    /// Why, in a few words: the group it is counted in.
    pub reason: &'static str,
    /// The details: the parser's message, the value read.
    pub detail: String,
}

/// Where a rejected row is.
#[derive(Clone, Debug, PartialEq)]
pub enum Place {
    /// A line, from 1.
    Line(usize),
    /// A dialogue of a file that is one JSON value, by id.
    Dialogue(String),
}

/// What a rejection left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dropped {
    /// The whole conversation.
    Conversation,
    /// A row of a conversation (a CSV row); the rest of the conversation is kept.
    Row,
    /// A label; the conversation is kept without it.
    Label,
}

/// A corpus or transcript file could not be read, or the output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TranscriptError {
    /// The file or folder could not be opened.
    #[error("{}: cannot open: {source}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Reading (or ungzipping) failed part way.
    #[error("{}:{line}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The line being read, from 1.
        line: usize,
        /// Why.
        source: std::io::Error,
    },
    /// The file as a whole is not in the corpus's format (not one JSON value, a CSV header without a column).
    #[error("{}: {message}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The output could not be written.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Converts the corpus at `input` (its file, or the folder holding it) with the adapter for `corpus`.
pub fn convert(corpus: Corpus, input: &Path) -> Result<Converted, TranscriptError> {
    match corpus {
        Corpus::Star => star::convert(input),
        Corpus::Multidogo => multidogo::convert(input),
        Corpus::Abcd => abcd::convert(input),
        Corpus::Persuasionforgood => persuasionforgood::convert(input),
        Corpus::Casino => casino::convert(input),
        Corpus::Dealornodeal => dealornodeal::convert(input),
        Corpus::Rehearse => rehearse::convert(input),
    }
}

/// Reads a transcript file of this format; a line that is not a conversation is rejected with its number.
pub fn read_jsonl(path: &Path) -> Result<Converted, TranscriptError> {
    read::json_lines(path, |conversation: Conversation, _| Ok(conversation))
}

/// Reads conversations from `path`: a rehearse run (its folder, or a `transcripts.jsonl` of episodes) through the
/// `rehearse` adapter, any other file as a transcript file of this format.
pub fn read_any(path: &Path) -> Result<Converted, TranscriptError> {
    if path.is_dir() {
        return rehearse::convert(path);
    }
    let mut first = String::new();
    read::open(path)?.read_line(&mut first).map_err(|source| TranscriptError::Read {
        path: path.to_owned(),
        line: 1,
        source,
    })?;
    let episode = serde_json::from_str::<Map<String, Value>>(&first)
        .is_ok_and(|line| line.contains_key("episode") && line.contains_key("messages"));
    if episode { rehearse::convert(path) } else { read_jsonl(path) }
}

/// Whether `conversation` is among the `fraction` held out: [`in_fraction`] with the salt `rehearse-split`. It
/// depends on nothing but the conversation's corpus and id, so a conversation stays on its side whatever else the
/// file holds.
pub fn held_out(conversation: &Conversation, fraction: f64) -> bool {
    in_fraction(conversation, "rehearse-split", fraction)
}

/// What a split holds out together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SplitBy {
    /// Conversations, each on its own.
    Id,
    /// Intents (STAR's tasks): a conversation is held out when any of its intents (joined by `+`) is, so the
    /// training side never sees a held-out intent (a counterfactual split).
    Intent,
    /// Domains, the same way.
    Domain,
}

/// Whether `conversation` is held out of a split by `by`: for [`SplitBy::Id`] [`held_out`]; otherwise whether any
/// of its intents (or domains), joined by `+`, is among the `fraction` of them held out, each by the hash of
/// `rehearse-split:` + corpus + `:` + its name (a conversation without one: the name `(none)`).
pub fn held_out_by(conversation: &Conversation, by: SplitBy, fraction: f64) -> bool {
    let labels = match by {
        SplitBy::Id => return held_out(conversation, fraction),
        SplitBy::Intent => conversation.intent.as_deref(),
        SplitBy::Domain => conversation.domain.as_deref(),
    };
    let corpus = conversation.corpus.as_deref().unwrap_or("");
    labels
        .unwrap_or("(none)")
        .split('+')
        .any(|name| below(&format!("rehearse-split:{corpus}:{name}"), fraction))
}

/// The intents (or domains) of `held_out` that no conversation of `train` has, sorted.
pub fn unseen(train: &[Conversation], held_out: &[Conversation], by: SplitBy) -> Vec<String> {
    let names = |side: &[Conversation]| -> std::collections::BTreeSet<String> {
        let label = |conversation: &Conversation| match by {
            SplitBy::Domain => conversation.domain.clone(),
            _ => conversation.intent.clone(),
        };
        let labels = side
            .iter()
            .map(|conversation| label(conversation).unwrap_or_else(|| "(none)".to_owned()));
        labels.flat_map(|joined| joined.split('+').map(str::to_owned).collect::<Vec<_>>()).collect()
    };
    names(held_out).difference(&names(train)).cloned().collect()
}

/// Whether the first 8 bytes of SHA-256(salt + ":" + corpus + ":" + id), big-endian, are below `fraction` × 2^64:
/// a split of conversations by their identity alone, a different one for each salt.
pub fn in_fraction(conversation: &Conversation, salt: &str, fraction: f64) -> bool {
    below(
        &format!("{salt}:{}:{}", conversation.corpus.as_deref().unwrap_or(""), conversation.id),
        fraction,
    )
}

/// Whether the first 8 bytes of SHA-256(`key`), big-endian, are below `fraction` × 2^64.
fn below(key: &str, fraction: f64) -> bool {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(key.as_bytes());
    let head = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
    (head as f64) < fraction * 2f64.powi(64)
}

/// Writes `conversations` to `path`, one per line, whole or not at all: into a hidden file beside it, then renamed.
pub fn write_jsonl(path: &Path, conversations: &[Conversation]) -> Result<(), TranscriptError> {
    let mut text = String::new();
    for conversation in conversations {
        text += &serde_json::to_string(conversation).expect("a conversation serializes");
        text.push('\n');
    }
    crate::output::write_whole(path, text.as_bytes())
        .map_err(|source| TranscriptError::Write { path: path.to_owned(), source })
}

impl Corpus {
    /// The name `--from` takes and the `corpus` field holds.
    pub fn name(self) -> &'static str {
        match self {
            Corpus::Star => "star",
            Corpus::Multidogo => "multidogo",
            Corpus::Abcd => "abcd",
            Corpus::Persuasionforgood => "persuasionforgood",
            Corpus::Casino => "casino",
            Corpus::Dealornodeal => "dealornodeal",
            Corpus::Rehearse => "rehearse",
        }
    }
}

impl Conversation {
    /// A conversation of `corpus` with no labels yet.
    pub fn new(corpus: Corpus, id: String, turns: Vec<Turn>) -> Conversation {
        Conversation {
            id,
            corpus: Some(corpus.name().to_owned()),
            domain: None,
            intent: None,
            outcome: None,
            traits: BTreeMap::new(),
            turns,
        }
    }
}

impl Turn {
    /// A turn of text with no labels.
    pub fn said(speaker: Speaker, text: impl Into<String>) -> Turn {
        Turn {
            speaker,
            text: text.into(),
            act: None,
            action: None,
            arguments: None,
            slots: BTreeMap::new(),
            timestamp: None,
        }
    }
}

impl Converted {
    /// Turns over every conversation.
    pub fn n_turns(&self) -> usize {
        self.conversations.iter().map(|conversation| conversation.turns.len()).sum()
    }

    /// What was written and what was rejected, grouped by what was left out and why, with the first place of each.
    pub fn summary(&self, out: &Path) -> String {
        use std::fmt::Write as _;
        let mut text = format!(
            "wrote {} conversations, {} turns to {}\n",
            self.conversations.len(),
            self.n_turns(),
            out.display()
        );
        let mut groups: BTreeMap<(Dropped, &str), (usize, &Rejected)> = BTreeMap::new();
        for rejected in &self.rejected {
            groups.entry((rejected.dropped, rejected.reason)).or_insert((0, rejected)).0 += 1;
        }
        let count = |dropped| self.rejected.iter().filter(|r| r.dropped == dropped).count();
        let _ = writeln!(
            text,
            "rejected {} conversations, {} rows; kept {} without a label",
            count(Dropped::Conversation),
            count(Dropped::Row),
            count(Dropped::Label)
        );
        for ((dropped, reason), (n, first)) in groups {
            let _ = writeln!(text, "  {n} × {dropped}: {reason} (first at {})", first.location());
        }
        text
    }
}

impl Rejected {
    /// The file and line (or dialogue), with the details: `file:12 (turn 3)`.
    pub fn location(&self) -> String {
        let mut location = match &self.place {
            Place::Line(line) => format!("{}:{line}", self.file.display()),
            Place::Dialogue(id) => format!("{}: dialogue {id}", self.file.display()),
        };
        if !self.detail.is_empty() {
            location += &format!(" ({})", self.detail);
        }
        location
    }
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.place {
            Place::Line(line) => write!(f, "{}:{line}", self.file.display())?,
            Place::Dialogue(id) => write!(f, "{}: dialogue {id}", self.file.display())?,
        }
        write!(f, ": {}", self.reason)?;
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dropped::Conversation => "conversation rejected",
            Dropped::Row => "row rejected",
            Dropped::Label => "label dropped",
        })
    }
}
