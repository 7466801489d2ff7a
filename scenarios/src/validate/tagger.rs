//! The act tagger: a scenario's phrases and words, put before the default English tagger's, checked and built.

use sim_core::act::ActKind;
use sim_core::spec::ToolSpec;
use sim_core::tagging::{ActPhrases, TaggerSpec};

use super::records::Names;
use super::{Issues, ToolIds};
use crate::file::TaggerFile;
use crate::path::FieldPath;

/// The default English tagger every scenario extends.
pub const DEFAULT_TAGGER: &str = include_str!("../../tagger/english.ron");

/// Parses the default tagger (a bug in the embedded file is reported on the scenario's `tagger`).
fn default_tagger() -> Result<TaggerFile, String> {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(DEFAULT_TAGGER)
        .map_err(|error| {
            format!("the default tagger (scenarios/tagger/english.ron) is malformed: {error}")
        })
}

/// Builds the scenario's tagger: its own acts before the default's, its own words before a declared slot's noun
/// and the default words, each tool named by its id; every problem in its section is reported.
pub(super) fn tagger(
    file: &TaggerFile,
    tools: &[ToolSpec],
    tool_ids: &ToolIds,
    names: &Names,
    at: &FieldPath,
    issues: &mut Issues,
) -> TaggerSpec {
    let default = match default_tagger() {
        Ok(default) => default,
        Err(message) => {
            issues.push(at.clone(), message);
            TaggerFile::default()
        }
    };
    let mut spec = TaggerSpec {
        threshold: file.threshold.or(default.threshold).unwrap_or(0.5),
        ..TaggerSpec::default()
    };
    if !(0.0..=1.0).contains(&spec.threshold) {
        let message = format!("threshold is {}; it must be within 0..=1", spec.threshold);
        issues.push(at.field("threshold"), message);
    }
    add(&mut spec, file, tool_ids, names, at, &mut |path, message| issues.push(path, message));
    // A declared slot is named by its noun ("the last four digits of your card"), determiner dropped.
    for slot in &names.slots {
        let noun = slot.noun.to_lowercase();
        let word = ["the ", "your ", "a ", "an "]
            .iter()
            .find_map(|det| noun.strip_prefix(det))
            .unwrap_or(&noun);
        if let Some(slot_id) = names.slot(&slot.name).filter(|_| phrase_problem(word).is_none()) {
            spec.slot_words.push((slot_id, word.to_owned()));
        }
    }
    // The default's own problems are bugs in an embedded file: reported on the scenario's `tagger`.
    add(&mut spec, &default, tool_ids, names, at, &mut |_, message| {
        issues.push(at.clone(), format!("in the default tagger: {message}"));
    });
    for (idx, tool) in tools.iter().enumerate() {
        let tool_id = u8::try_from(idx).unwrap_or(u8::MAX);
        spec.tool_words.push((tool_id, tool.id.clone()));
        if tool.id.contains(['-', '_']) {
            spec.tool_words.push((tool_id, tool.id.replace(['-', '_'], " ")));
        }
    }
    // Longest first: "new address" is read before "address", "username" is never a "name".
    spec.slot_words.sort_by_key(|(_, word)| std::cmp::Reverse(word.len()));
    spec.tool_words.sort_by_key(|(_, word)| std::cmp::Reverse(word.len()));
    spec
}

/// Adds the acts and words of one tagger file to `spec`, reporting each problem at its path under `at`.
fn add(
    spec: &mut TaggerSpec,
    source: &TaggerFile,
    tool_ids: &ToolIds,
    names: &Names,
    at: &FieldPath,
    report: &mut dyn FnMut(FieldPath, String),
) {
    for (idx, entry) in source.acts.iter().enumerate() {
        let entry_at = at.field("acts").index(idx);
        let act = ActKind::agent_act(&entry.act);
        if act.is_none() {
            let acts: Vec<&str> = ActKind::AGENT.iter().map(|kind| kind.name()).collect();
            let message = format!("`{}` is no agent act; one of {}", entry.act, acts.join(", "));
            report(entry_at.field("act"), message);
        }
        if !(entry.confidence > 0.0 && entry.confidence <= 1.0) {
            let message = format!("confidence is {}; it must be within (0, 1]", entry.confidence);
            report(entry_at.field("confidence"), message);
        }
        for (phrase_idx, phrase) in entry.phrases.iter().enumerate() {
            if let Some(problem) = phrase_problem(phrase) {
                report(entry_at.field("phrases").index(phrase_idx), problem);
            }
        }
        if let Some(act) = act {
            let phrases = entry.phrases.clone();
            spec.acts.push(ActPhrases { act, confidence: entry.confidence, phrases });
        }
    }
    for (idx, entry) in source.slot_words.iter().enumerate() {
        let entry_at = at.field("slot_words").index(idx);
        match names.slot(&entry.slot.0) {
            Some(slot) => add_words(&mut spec.slot_words, slot, &entry.words, &entry_at, report),
            None => report(entry_at.field("slot"), format!("unknown slot `{}`", entry.slot.0)),
        }
    }
    for (idx, entry) in source.tool_words.iter().enumerate() {
        let entry_at = at.field("tool_words").index(idx);
        match tool_ids.get(&entry.tool) {
            Some(tool) => add_words(&mut spec.tool_words, tool, &entry.words, &entry_at, report),
            None => report(entry_at.field("tool"), format!("unknown tool `{}`", entry.tool)),
        }
    }
}

/// Adds each word naming `id` to `out`, reporting a malformed one at its path under `at`.
fn add_words<T: Copy>(
    out: &mut Vec<(T, String)>,
    id: T,
    words: &[String],
    at: &FieldPath,
    report: &mut dyn FnMut(FieldPath, String),
) {
    for (idx, word) in words.iter().enumerate() {
        match phrase_problem(word) {
            Some(problem) => report(at.field("words").index(idx), problem),
            None => out.push((id, word.clone())),
        }
    }
}

/// What is wrong with a phrase, if anything: phrases are matched against lower-cased text.
fn phrase_problem(phrase: &str) -> Option<String> {
    if phrase.trim().is_empty() {
        return Some("a phrase must not be empty".to_owned());
    }
    if phrase.trim() != phrase {
        return Some(format!("phrase {phrase:?} has spaces around it"));
    }
    if phrase.chars().any(char::is_uppercase) {
        return Some(format!(
            "phrase {phrase:?} must be lower case (messages are matched lower-cased)"
        ));
    }
    None
}
