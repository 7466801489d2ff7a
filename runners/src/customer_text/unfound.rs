//! Values a real customer wrote in words the transcripts do not record: a query's argument that no customer message
//! before it gives ("Pittsburg", "Ond Town inn", "May 10-25"). A need or an aside before such a query may hold the
//! value misspelt or run together, and filed, it would say that value for every simulated customer whatever theirs
//! is; so it is not filed when it [`Unfound::may_name`] one. A message that names none of the slot's values, even
//! nearly ("What will the weather be like tomorrow?" before a query of the city STAR's wizards were told), is kept.

use sim_core::act::Slot;
use sim_core::spec::ScenarioSpec;

use crate::transcripts::Conversation;

/// The queries of one conversation with an argument no customer message before them gives: where each is, and the
/// scenario slot of the argument.
pub struct Unfound(Vec<(usize, Slot)>);

impl Unfound {
    /// The unfound arguments of `conversation`'s queries that the scenario has a slot for.
    pub fn of(conversation: &Conversation, scenario: &ScenarioSpec) -> Unfound {
        let turns = &conversation.turns;
        let mut out = Vec::new();
        for (index, turn) in turns.iter().enumerate() {
            let (Some(action), Some(arguments)) = (&turn.action, &turn.arguments) else {
                continue;
            };
            for argument in arguments.keys() {
                let key = format!("{action}.{argument}");
                let Some(slot) = scenario.corpus_slot(&key) else {
                    continue;
                };
                if !turns[..index].iter().any(|turn| turn.slots.contains_key(&key)) {
                    out.push((index, slot));
                }
            }
        }
        Unfound(out)
    }

    /// Whether the message at `index`, `text`, may name the value of a later query that no message gives: it has a
    /// digit where the slot's values do, or a word of one of its values (one no other value has, of four letters or
    /// more) or of its aliases, as written or two letters off, or one of them with its spaces run together.
    pub fn may_name(&self, scenario: &ScenarioSpec, index: usize, text: &str) -> bool {
        let mut later = self.0.iter().filter(|(query, _)| *query > index);
        later.any(|(_, slot)| names_nearly(scenario, *slot, text))
    }
}

/// Whether `text` may name a value of `slot`, as [`Unfound::may_name`] says.
pub(super) fn names_nearly(scenario: &ScenarioSpec, slot: Slot, text: &str) -> bool {
    let mut values = sim_personas::realise::slot_choices(scenario, slot).unwrap_or_default();
    let aliases = scenario.declared_slot(slot).map_or(&[][..], |spec| &spec.aliases);
    values.extend(aliases.iter().map(|(alias, _)| alias.clone()));
    if values.is_empty() {
        // An open value (a name, a number) may be written any way: any message may hold it.
        return true;
    }
    let words = words_of(text);
    let joined: String = words.concat();
    // An alias is short ("LA"): only as a word of its own.
    if words.iter().any(|word| sim_personas::realise::is_alias(scenario, slot, word)) {
        return true;
    }
    let numbered = values.iter().any(|value| value.chars().any(|c| c.is_ascii_digit()));
    if numbered && text.chars().any(|c| c.is_ascii_digit()) {
        return true;
    }
    let value_words: Vec<Vec<String>> = values.iter().map(|value| words_of(value)).collect();
    for (idx, own) in value_words.iter().enumerate() {
        let together = own.concat();
        if together.len() >= 4 && joined.contains(&together) {
            return true;
        }
        let distinctive = own.iter().filter(|word| {
            word.len() >= 4
                && !value_words
                    .iter()
                    .enumerate()
                    .any(|(other, words)| other != idx && words.contains(word))
        });
        for word in distinctive {
            let near = |said: &String| {
                said == word
                    || (word.len() >= 5 && said.len() >= 4 && edit_distance(said, word) <= 2)
            };
            if words.iter().any(near) {
                return true;
            }
        }
    }
    false
}

/// The words of `text`, lower-cased: its runs of letters and digits.
fn words_of(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The Levenshtein distance between two words, by characters.
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb)).min(above + 1).min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}
