//! What a transcript file's customers are called: the names they gave, for a run's customers to be called by.
//!
//! A scenario's names come from the realiser's built-in 48 first and 48 last names unless customer text is drawn
//! from real conversations: there its customers are called as the file's customers were (MultiDoGO's card
//! customers gave 561 different names in 659 conversations of its training split, 263 of them one word: "ramya",
//! "nirmala devi", "vinoth kumar"). A name recurring from a small pool is what gave simulated messages away to the
//! realism classifier. The names become the scenario's `customer_names`, which every rendering of a name reads.

use std::collections::BTreeSet;

use sim_core::act::Slot;
use sim_core::spec::ScenarioSpec;

use crate::transcripts::{Conversation, Speaker};

/// The fewest different names a file must give to call customers by: as many as the built-in first names, so the
/// pool is no smaller than the one it replaces, and a name told wrong (another last name: a code at most 47 away)
/// never renders as the true one.
pub const MIN_NAMES: usize = 48;

/// The different names the customers of `conversations` gave as a slot `scenario` reads as its full name, title
/// case, sorted; empty when they are fewer than [`MIN_NAMES`]. A value is a name when it is one to three words of
/// letters (with `'`, `-` or `.` inside); a value that is not ("ssn 9383") is left out.
pub fn of(conversations: &[Conversation], scenario: &ScenarioSpec) -> Vec<String> {
    let mut names = BTreeSet::new();
    let customers = conversations.iter().flat_map(|conversation| &conversation.turns);
    for turn in customers.filter(|turn| turn.speaker == Speaker::Customer) {
        let given = turn
            .slots
            .iter()
            .filter(|(slot, _)| scenario.corpus_slot(slot) == Some(Slot::FULL_NAME));
        names.extend(given.filter_map(|(_, value)| as_name(value)));
    }
    if names.len() < MIN_NAMES { Vec::new() } else { names.into_iter().collect() }
}

/// `value` as a name in title case ("nirmala devi" → "Nirmala Devi"); `None` when it is not one.
fn as_name(value: &str) -> Option<String> {
    let words: Vec<&str> = value.split_whitespace().collect();
    let letters = |word: &&str| {
        word.starts_with(|c: char| c.is_ascii_alphabetic())
            && word.chars().all(|c| c.is_ascii_alphabetic() || "'-.".contains(c))
    };
    ((1..=3).contains(&words.len()) && words.iter().all(letters)).then(|| {
        let title = |word: &&str| {
            let lower = word.to_ascii_lowercase();
            lower[..1].to_ascii_uppercase() + &lower[1..]
        };
        words.iter().map(title).collect::<Vec<_>>().join(" ")
    })
}
