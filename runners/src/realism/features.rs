//! The features realism is measured on, read from conversations in the transcript format by one code path, whether
//! they are real (a corpus converted by `transcripts convert`) or simulated (a rehearse run, read by the `rehearse`
//! adapter).
//!
//! A message is a customer turn, or an agent turn that is not an action (an agent turn with an `action` is a tool
//! call, not something the customer saw said); its words are its whitespace-separated tokens. A customer turn's
//! context is the act of the agent's latest message before it (`(start)` before any), so "act given the agent's
//! act" compares what customers do in answer to the same thing.

use std::collections::BTreeMap;

use crate::transcripts::{Conversation, Speaker, Turn};

/// One value of a feature: a number (binned by the feature's edges) or a category.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A count: words, turns.
    Number(f64),
    /// A label: an act, an outcome.
    Category(String),
}

/// One observation: the value and, for a conditional feature, what it is conditioned on.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// The condition (the agent's previous act), or `None` for an unconditional feature.
    pub context: Option<String>,
    /// The value.
    pub value: Value,
}

/// How a feature's values fall into histogram bins.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bins {
    /// Numbers: bin i holds values from `edges[i]` up to the next edge; the last bin is open-ended, and values below
    /// the first edge fall in the first bin.
    Edges(&'static [f64]),
    /// Categories: one bin per category seen on either side.
    Categories,
}

/// A feature: its name, how it is binned, its weight in the overall score, and how it is read.
#[derive(Clone, Copy, Debug)]
pub struct Feature {
    /// Its name in the report.
    pub name: &'static str,
    /// What it measures, for the report.
    pub about: &'static str,
    /// Its bins.
    pub bins: Bins,
    /// Its weight in the overall score.
    pub weight: f64,
    /// Reads its samples from one conversation.
    pub read: fn(&Conversation, &mut Vec<Sample>),
}

/// Word-count bins: 0, 1, 2, … 6, 7–8, 9–10, 11–13, 14–16, 17–20, 21–30, 31+.
const WORDS: &[f64] = &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 9.0, 11.0, 14.0, 17.0, 21.0, 31.0];
/// Turn-count bins.
const TURNS: &[f64] =
    &[0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 17.0, 20.0, 25.0, 30.0, 40.0, 60.0];
/// Bins of how many messages a speaker sends in a row.
const IN_A_ROW: &[f64] = &[1.0, 2.0, 3.0, 4.0, 6.0];

/// Every feature, in report order.
pub const FEATURES: &[Feature] = &[
    Feature {
        name: "messages_per_conversation",
        about: "customer and agent messages in a conversation",
        bins: Bins::Edges(TURNS),
        weight: 1.0,
        read: messages_per_conversation,
    },
    Feature {
        name: "customer_words",
        about: "words in a customer message",
        bins: Bins::Edges(WORDS),
        weight: 1.0,
        read: customer_words,
    },
    Feature {
        name: "agent_words",
        about: "words in an agent message that has text",
        bins: Bins::Edges(WORDS),
        weight: 1.0,
        read: agent_words,
    },
    Feature {
        name: "opening_words",
        about: "words in the customer's first message",
        bins: Bins::Edges(WORDS),
        weight: 1.0,
        read: opening_words,
    },
    Feature {
        name: "customer_messages_in_a_row",
        about: "customer messages sent before the agent answers",
        bins: Bins::Edges(IN_A_ROW),
        weight: 1.0,
        read: customer_messages_in_a_row,
    },
    Feature {
        name: "customer_act",
        about: "the act of a customer message, where labelled",
        bins: Bins::Categories,
        weight: 1.0,
        read: customer_act,
    },
    Feature {
        name: "customer_act_given_agent_act",
        about: "the act of a customer message, given the act of the agent's message before it",
        bins: Bins::Categories,
        weight: 1.0,
        read: customer_act_given_agent_act,
    },
    Feature {
        name: "reply_words_given_agent_act",
        about: "words in a customer message, given the act of the agent's message before it",
        bins: Bins::Edges(WORDS),
        weight: 1.0,
        read: reply_words_given_agent_act,
    },
    Feature {
        name: "outcome",
        about: "how the conversation ended, where labelled",
        bins: Bins::Categories,
        weight: 1.0,
        read: outcome,
    },
];

/// The context of a customer turn with no agent message before it.
pub const START: &str = "(start)";

/// Whether `turn` is a message: the customer's, or the agent's when it is not an action.
pub fn is_message(turn: &Turn) -> bool {
    match turn.speaker {
        Speaker::Customer => true,
        Speaker::Agent => turn.action.is_none(),
        Speaker::System | Speaker::Tool => false,
    }
}

/// Whitespace-separated words.
pub fn words(text: &str) -> f64 {
    text.split_whitespace().count() as f64
}

fn unconditional(value: Value) -> Sample {
    Sample { context: None, value }
}

fn messages_per_conversation(conversation: &Conversation, out: &mut Vec<Sample>) {
    let messages = conversation.turns.iter().filter(|turn| is_message(turn)).count();
    out.push(unconditional(Value::Number(messages as f64)));
}

fn customer_words(conversation: &Conversation, out: &mut Vec<Sample>) {
    for turn in customer_turns(conversation) {
        out.push(unconditional(Value::Number(words(&turn.text))));
    }
}

fn agent_words(conversation: &Conversation, out: &mut Vec<Sample>) {
    let said = conversation.turns.iter().filter(|turn| turn.speaker == Speaker::Agent);
    for turn in said.filter(|turn| is_message(turn) && !turn.text.trim().is_empty()) {
        out.push(unconditional(Value::Number(words(&turn.text))));
    }
}

fn opening_words(conversation: &Conversation, out: &mut Vec<Sample>) {
    if let Some(turn) = customer_turns(conversation).next() {
        out.push(unconditional(Value::Number(words(&turn.text))));
    }
}

fn customer_messages_in_a_row(conversation: &Conversation, out: &mut Vec<Sample>) {
    let mut run = 0;
    for turn in conversation.turns.iter().filter(|turn| is_message(turn)) {
        match turn.speaker {
            Speaker::Customer => run += 1,
            _ if run > 0 => {
                out.push(unconditional(Value::Number(run as f64)));
                run = 0;
            }
            _ => {}
        }
    }
    if run > 0 {
        out.push(unconditional(Value::Number(run as f64)));
    }
}

fn customer_act(conversation: &Conversation, out: &mut Vec<Sample>) {
    for turn in customer_turns(conversation) {
        if let Some(act) = &turn.act {
            out.push(unconditional(Value::Category(act.clone())));
        }
    }
}

fn customer_act_given_agent_act(conversation: &Conversation, out: &mut Vec<Sample>) {
    for (context, turn) in in_context(conversation) {
        if let (Some(context), Some(act)) = (context, &turn.act) {
            out.push(Sample { context: Some(context), value: Value::Category(act.clone()) });
        }
    }
}

fn reply_words_given_agent_act(conversation: &Conversation, out: &mut Vec<Sample>) {
    for (context, turn) in in_context(conversation) {
        if let Some(context) = context {
            out.push(Sample { context: Some(context), value: Value::Number(words(&turn.text)) });
        }
    }
}

fn outcome(conversation: &Conversation, out: &mut Vec<Sample>) {
    if let Some(outcome) = &conversation.outcome {
        out.push(unconditional(Value::Category(outcome.clone())));
    }
}

fn customer_turns(conversation: &Conversation) -> impl Iterator<Item = &Turn> {
    conversation.turns.iter().filter(|turn| turn.speaker == Speaker::Customer)
}

/// Each customer turn with the act of the agent's latest message before it: `(start)` before any agent message,
/// `None` when that message has no act label.
fn in_context(conversation: &Conversation) -> Vec<(Option<String>, &Turn)> {
    let mut context = Some(START.to_owned());
    let mut out = Vec::new();
    for turn in conversation.turns.iter().filter(|turn| is_message(turn)) {
        match turn.speaker {
            Speaker::Customer => out.push((context.clone(), turn)),
            _ => context = turn.act.clone(),
        }
    }
    out
}

/// Every feature's samples over `conversations`, by feature name.
pub fn extract<'a>(
    conversations: impl IntoIterator<Item = &'a Conversation> + Clone,
) -> BTreeMap<&'static str, Vec<Sample>> {
    let mut all = BTreeMap::new();
    for feature in FEATURES {
        let mut samples = Vec::new();
        for conversation in conversations.clone() {
            (feature.read)(conversation, &mut samples);
        }
        all.insert(feature.name, samples);
    }
    all
}
