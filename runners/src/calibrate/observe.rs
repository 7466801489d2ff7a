//! Customer moves as the customer model sees them, read from conversations in the transcript format by one code
//! path, for fitting (`rehearse calibrate`) and for open-loop scoring (`rehearse realism --open-loop`).
//!
//! Each customer message is a move: its act (the factor `act`) and its length bucket given that act (the factor
//! `length`); after the last one the customer ends the conversation (`act` = `(end)`, no length). A move's context
//! is what the customer has seen and done before it:
//!
//! | variable | value |
//! |---|---|
//! | `agent_act` | the act of the agent's latest message since the customer's previous one: `(start)` before anything, `(none)` when the customer writes again with no agent message between, `(unlabelled)` for an agent message without an act. The end's is the agent's message after the customer's last, or `(unlabelled)` when the transcript stops there: a real agent always answers, and the transcript stopping is not something the customer saw |
//! | `previous_act` | the customer's previous act, `(start)` for the first |
//! | `previous_length` | the customer's previous length bucket, `(start)` for the first |
//! | `own_length` | the bucket of the customer's mean length so far, `(start)` for the first |
//! | `goal_stated` | `yes` once the customer has said what they want (an act `goal`), else `no` |
//! | `turn` | the customer's message count before this one, `0` … `7`, then `8+` |
//! | `domain` | the conversation's domain |
//! | `act` | the move's own act (for `length`) |
//!
//! Acts: MultiDoGO's labels are mapped onto its seven generic acts and `goal` (every domain-goal intent; a turn with
//! several intents takes its first), the classes its open-loop figure is quoted in; every other corpus keeps its
//! customer acts as labelled, and a customer message without one has no `act` observation (its length is still
//! observed, given `act` = `(unknown)`).

use sim_core::moves::{Context, Observation};

use crate::realism::features::{is_message, words};
use crate::transcripts::multidogo::GENERIC_INTENTS;
use crate::transcripts::{Conversation, Speaker, Turn};

/// The act outcome that ends the conversation.
pub const END: &str = "(end)";
/// `agent_act` before any message.
pub const START: &str = "(start)";
/// `agent_act` when the customer writes twice in a row.
pub const NONE: &str = "(none)";
/// `agent_act` of an agent message without an act label.
pub const UNLABELLED: &str = "(unlabelled)";
/// MultiDoGO's act for a domain goal.
pub const GOAL: &str = "goal";

/// Length buckets by words: `0-3`, `4-7`, `8-11`, `12+` (about the quartiles of STAR's customer messages).
pub const LENGTHS: [(&str, usize); 4] = [("0-3", 0), ("4-7", 4), ("8-11", 8), ("12+", 12)];

/// The context variables `act` may be given.
pub const ACT_VARIABLES: [&str; 7] =
    ["agent_act", "previous_act", "goal_stated", "turn", "previous_length", "own_length", "domain"];

/// The context variables `length` may be given.
pub const LENGTH_VARIABLES: [&str; 8] = [
    "act",
    "agent_act",
    "previous_act",
    "goal_stated",
    "turn",
    "previous_length",
    "own_length",
    "domain",
];

/// A conversation's observations, per factor.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Moves {
    /// Acts, and the end.
    pub act: Vec<Observation>,
    /// Length buckets.
    pub length: Vec<Observation>,
    /// Customer messages read.
    pub customer_turns: usize,
}

impl Moves {
    /// Adds `other`'s observations after this one's.
    pub fn extend(&mut self, other: Moves) {
        self.act.extend(other.act);
        self.length.extend(other.length);
        self.customer_turns += other.customer_turns;
    }
}

/// The length bucket of a message of `words` words.
pub fn length_bucket(words: usize) -> &'static str {
    LENGTHS.iter().rev().find(|(_, from)| words >= *from).map_or(LENGTHS[0].0, |(name, _)| name)
}

/// The customer's act on `turn` as the model knows it (see the module's doc), or `None` without a label.
pub fn customer_act(conversation: &Conversation, turn: &Turn) -> Option<String> {
    let act = turn.act.as_deref()?;
    if conversation.corpus.as_deref() != Some("multidogo") {
        return Some(act.to_owned());
    }
    let first = act.split("<div>").next().unwrap_or(act).trim();
    Some(if GENERIC_INTENTS.contains(&first) { first.to_owned() } else { GOAL.to_owned() })
}

/// What the customer has done so far in a conversation.
struct History {
    agent_act: String,
    acts: Vec<String>,
    lengths: Vec<usize>,
    goal_stated: bool,
}

impl History {
    fn context(&self, domain: &str) -> Context {
        let mut context = Context::new();
        let mut set = |variable: &str, value: String| {
            context.insert(variable.to_owned(), value);
        };
        set("agent_act", self.agent_act.clone());
        set("previous_act", self.acts.last().cloned().unwrap_or_else(|| START.to_owned()));
        let previous_length = self.lengths.last().map(|words| length_bucket(*words));
        set("previous_length", previous_length.unwrap_or(START).to_owned());
        let own = (!self.lengths.is_empty())
            .then(|| length_bucket(self.lengths.iter().sum::<usize>() / self.lengths.len()));
        set("own_length", own.unwrap_or(START).to_owned());
        set("goal_stated", if self.goal_stated { "yes" } else { "no" }.to_owned());
        let turn = self.lengths.len();
        set("turn", if turn >= 8 { "8+".to_owned() } else { turn.to_string() });
        set("domain", domain.to_owned());
        context
    }
}

/// The observations one conversation gives.
pub fn observe(conversation: &Conversation) -> Moves {
    let domain = conversation.domain.as_deref().unwrap_or(sim_core::moves::UNKNOWN);
    let mut history = History {
        agent_act: START.to_owned(),
        acts: Vec::new(),
        lengths: Vec::new(),
        goal_stated: false,
    };
    let mut moves = Moves::default();
    let mut agent_spoke_last = false;
    for turn in conversation.turns.iter().filter(|turn| is_message(turn)) {
        if turn.speaker != Speaker::Customer {
            history.agent_act = turn.act.clone().unwrap_or_else(|| UNLABELLED.to_owned());
            agent_spoke_last = true;
            continue;
        }
        if !agent_spoke_last && !history.lengths.is_empty() {
            history.agent_act = NONE.to_owned();
        }
        agent_spoke_last = false;
        let context = history.context(domain);
        let act = customer_act(conversation, turn);
        if let Some(act) = &act {
            moves.act.push(Observation { context: context.clone(), outcome: act.clone() });
        }
        let length = words(&turn.text) as usize;
        let mut given_act = context;
        given_act.insert(
            "act".to_owned(),
            act.clone().unwrap_or_else(|| sim_core::moves::UNKNOWN.to_owned()),
        );
        moves
            .length
            .push(Observation { context: given_act, outcome: length_bucket(length).to_owned() });
        moves.customer_turns += 1;
        history.goal_stated |= act.as_deref() == Some(GOAL);
        history.acts.push(act.unwrap_or_else(|| sim_core::moves::UNKNOWN.to_owned()));
        history.lengths.push(length);
    }
    if moves.customer_turns > 0 && !moves.act.is_empty() {
        if !agent_spoke_last {
            history.agent_act = UNLABELLED.to_owned();
        }
        moves.act.push(Observation { context: history.context(domain), outcome: END.to_owned() });
    }
    moves
}

/// The observations of every conversation, in order.
pub fn observe_all<'a>(conversations: impl IntoIterator<Item = &'a Conversation>) -> Moves {
    let mut all = Moves::default();
    for conversation in conversations {
        all.extend(observe(conversation));
    }
    all
}
