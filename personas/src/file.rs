//! The persona RON format: serde types, semantic validation, and conversion into sim-core's `PersonaSpec`.

mod reactions;

use serde::Deserialize;
use sim_core::spec::{Dist, MoodParams, PersonaSpec, StyleSpec};

use crate::error::Problem;

pub use reactions::{AgentActFile, ChanceFile, ReactionFile, ResponseFile, TraitFile, WhenFile};

/// A persona file as written; the id is the file stem and is filled in by the loader.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename = "Persona", deny_unknown_fields)]
pub struct PersonaFile {
    /// Persona id (the file stem); not read from the file.
    #[serde(skip)]
    pub id: String,
    /// One-line description.
    pub description: String,
    /// Weight in a scenario's default mix.
    #[serde(default = "default_weight")]
    pub weight: f64,
    /// Trait distributions.
    pub traits: TraitsFile,
    /// How the realiser writes this persona's turns; neutral when absent.
    #[serde(default)]
    pub style: StyleFile,
    /// P(the opening turn is vague).
    pub vague_opening: f64,
    /// P(a need is stated with the values of the request the customer has); 0 when absent.
    #[serde(default)]
    pub need_with_values: f64,
    /// `need_with_values` by intent id (`[("weather", 0.84)]`), for the intents listed; ids no scenario declares are
    /// ignored.
    #[serde(default)]
    pub need_with_values_of: Vec<(String, f64)>,
    /// By slot (`[("merchant", 0.0)]`): P(a need said with values gives this slot's value), for the slots listed;
    /// the others' values always come with it; slots a scenario does not declare are ignored.
    #[serde(default)]
    pub need_gives: Vec<(String, f64)>,
    /// P(the customer is gone before the agent answers); 0 when absent.
    #[serde(default)]
    pub leaves_unanswered: f64,
    /// P(told the answer to their request, the customer asks the same about another one the world holds: the
    /// forecast for another day or place): one chance each time, at most three times, or a list of chances by the
    /// times asked so far (`[0.83, 0.74, 0.27]`; past its end they ask no more); 0 when absent.
    #[serde(default)]
    pub asks_again: AsksAgainFile,
    /// P(told no, the customer tries again with another request like theirs the world holds: another hotel or
    /// other days after "there is no room available"), written as `asks_again` is; the times asked again are
    /// counted together; 0 when absent.
    #[serde(default)]
    pub tries_again: AsksAgainFile,
    /// P(offered what they asked for, the customer changes their plans and asks for another like it instead of
    /// answering), in [0, 1]; 0 when absent.
    #[serde(default)]
    pub changes_plans: f64,
    /// P(told their request is done, the customer changes their plans and asks for another like it), in [0, 1]; 0
    /// when absent.
    #[serde(default)]
    pub changes_after_done: f64,
    /// By the slot asked for (`[("arrival_day", 0.67)]`): P(asked for it, the customer also gives the values of
    /// their request not given yet); slots a scenario does not declare are ignored.
    #[serde(default)]
    pub gives_more: Vec<(String, f64)>,
    /// Frustration at which the customer demands a human, in [0, 1].
    pub demand_human_at: f64,
    /// Frustration at which the customer leaves, in [0, 1].
    pub abandon_at: f64,
    /// Frustration dynamics.
    pub mood: MoodFile,
    /// Whether the customer is not the account holder.
    #[serde(default)]
    pub impostor: bool,
    /// Intent ids this persona can hold; empty means all.
    #[serde(default)]
    pub intents: Vec<String>,
    /// By intent id (`[("lost_card", 0.58)]`): how often this persona's customers come with it, in place of the
    /// scenario's weights; only the intents listed are played. Empty, or no id the scenario has: its weights.
    #[serde(default)]
    pub intent_shares: Vec<(String, f64)>,
    /// Reaction table rows replacing the built-in reaction model where they match; empty means built-in only.
    #[serde(default)]
    pub reactions: Vec<ReactionFile>,
    /// Sales: P(holding a concern), by the name of an objection a scenario's offer declares (`[("security", 0.6)]`);
    /// objections not listed are held at the scenario's own rate, and names no scenario declares are ignored.
    #[serde(default)]
    pub objections: Vec<(String, f64)>,
}

/// `asks_again` as a file writes it: one chance for every time, or one by the times asked so far.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum AsksAgainFile {
    /// The same chance each time, at most [`MAX_ASKED_AGAIN`](sim_core::spec::MAX_ASKED_AGAIN) times.
    Each(f64),
    /// The chance after the first answer, after the second, ...; past the list's end, none.
    ByTimes(Vec<f64>),
}

impl Default for AsksAgainFile {
    fn default() -> Self {
        AsksAgainFile::Each(0.0)
    }
}

impl AsksAgainFile {
    /// The chance by the times asked so far, as the engine reads it.
    fn by_times(&self) -> [f64; sim_core::spec::MAX_ASKED_AGAIN as usize] {
        let mut out = [0.0; sim_core::spec::MAX_ASKED_AGAIN as usize];
        match self {
            AsksAgainFile::Each(chance) => out.fill(*chance),
            AsksAgainFile::ByTimes(chances) => {
                for (slot, chance) in out.iter_mut().zip(chances) {
                    *slot = *chance;
                }
            }
        }
        out
    }
}

/// The six trait distributions.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TraitsFile {
    /// Turns the customer will wait; at least 2.
    pub patience: DistFile,
    /// P(answer what was asked).
    pub cooperativeness: DistFile,
    /// Words per utterance.
    pub verbosity: DistFile,
    /// P(saying "I don't know" rather than inventing).
    pub honesty: DistFile,
    /// P(re-asking after a denial).
    pub pushiness: DistFile,
    /// P(an identity fact is misremembered or missing).
    pub recall_error: DistFile,
    /// Sales: P(taking an offer that falls short of what the customer wanted); defaults to `Fixed(0.0)`.
    #[serde(default = "no_persuasion")]
    pub persuadability: DistFile,
    /// Sales: how far past their threshold (a fraction of it) an offer still draws an objection rather than a clear
    /// no; defaults to `Fixed(0.0)`.
    #[serde(default = "no_persuasion")]
    pub flexibility: DistFile,
    /// Sales: scales the customer's threshold from the world (above 1: pays more, needs a smaller discount);
    /// defaults to `Fixed(1.0)`.
    #[serde(default = "as_is")]
    pub willingness_to_pay: DistFile,
}

fn as_is() -> DistFile {
    DistFile::Fixed(1.0)
}

fn no_persuasion() -> DistFile {
    DistFile::Fixed(0.0)
}

/// Writing style as written: `style: (formality: Normal(mean: 0.6, sd: 0.15, min: 0, max: 1), typo_rate: Uniform(lo: 0, hi: 0.01))`.
///
/// Either field may be left out; the defaults (formality `Fixed(0.5)`, typo_rate `Fixed(0.0)`) leave the text
/// as it was before styles existed.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct StyleFile {
    /// 0 casual (lower case, "hey", no final full stop) to 1 formal ("Hello", "please", full punctuation);
    /// values in [0, 1], and between 0.35 and 0.65 the text is left plain.
    pub formality: DistFile,
    /// Expected typos per word of the customer's own words (slot values are never misspelt); values in [0, 0.3],
    /// so a `Uniform` or a clamped `Normal` (a `Beta` can reach 1).
    pub typo_rate: DistFile,
}

impl Default for StyleFile {
    fn default() -> StyleFile {
        let spec = StyleSpec::default();
        StyleFile { formality: spec.formality.into(), typo_rate: spec.typo_rate.into() }
    }
}

/// A trait distribution as written: `Fixed(0.9)`, `Uniform(lo: 0, hi: 0.2)`, `Normal(mean: 30, sd: 5, min: 15, max: 60)`, `Beta(a: 18, b: 1)`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub enum DistFile {
    /// Always this value.
    Fixed(f64),
    /// Uniform over [lo, hi].
    Uniform {
        /// Lower bound.
        lo: f64,
        /// Upper bound.
        hi: f64,
    },
    /// Normal(mean, sd) clamped to [min, max].
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation, > 0.
        sd: f64,
        /// Lower clamp.
        min: f64,
        /// Upper clamp.
        max: f64,
    },
    /// Beta(a, b) on [0, 1].
    Beta {
        /// First shape, > 0.
        a: f64,
        /// Second shape, > 0.
        b: f64,
    },
}

/// Frustration dynamics as written; see [`MoodParams`].
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MoodFile {
    /// Starting frustration, in [0, 1].
    pub initial: f64,
    /// Step when asked for something already given.
    pub repeated_question: f64,
    /// Step on a denial.
    pub denial: f64,
    /// Step on an irrelevant agent turn.
    pub irrelevant: f64,
    /// Step per agent turn that does not visibly move things on.
    pub waiting: f64,
    /// Step on reported progress (usually negative).
    pub progress: f64,
    /// Step on an apology (usually negative).
    pub apology: f64,
}

fn default_weight() -> f64 {
    1.0
}

impl TryFrom<PersonaFile> for PersonaSpec {
    type Error = Vec<Problem>;

    /// Validates the file and converts it; on failure returns every problem found.
    fn try_from(file: PersonaFile) -> Result<PersonaSpec, Vec<Problem>> {
        let problems = file.problems();
        if !problems.is_empty() {
            return Err(problems);
        }
        let traits = &file.traits;
        let mood = file.mood;
        Ok(PersonaSpec {
            id: file.id,
            description: file.description,
            weight: file.weight,
            patience: traits.patience.into(),
            cooperativeness: traits.cooperativeness.into(),
            verbosity: traits.verbosity.into(),
            honesty: traits.honesty.into(),
            pushiness: traits.pushiness.into(),
            recall_error: traits.recall_error.into(),
            persuadability: traits.persuadability.into(),
            flexibility: traits.flexibility.into(),
            willingness_to_pay: traits.willingness_to_pay.into(),
            style: StyleSpec {
                formality: file.style.formality.into(),
                typo_rate: file.style.typo_rate.into(),
            },
            reactions: file.reactions.iter().map(Into::into).collect(),
            vague_opening: file.vague_opening,
            need_with_values: file.need_with_values,
            need_with_values_of: file.need_with_values_of,
            need_gives: file.need_gives,
            leaves_unanswered: file.leaves_unanswered,
            asks_again: file.asks_again.by_times(),
            tries_again: file.tries_again.by_times(),
            changes_plans: file.changes_plans,
            changes_after_done: file.changes_after_done,
            gives_more: file.gives_more,
            demand_human_at: file.demand_human_at,
            abandon_at: file.abandon_at,
            mood: MoodParams {
                initial: mood.initial,
                repeated_question: mood.repeated_question,
                denial: mood.denial,
                irrelevant: mood.irrelevant,
                waiting: mood.waiting,
                progress: mood.progress,
                apology: mood.apology,
            },
            impostor: file.impostor,
            intents: file.intents,
            intent_shares: file.intent_shares,
            objections: file.objections,
        })
    }
}

impl From<DistFile> for Dist {
    fn from(dist: DistFile) -> Dist {
        match dist {
            DistFile::Fixed(value) => Dist::Fixed(value),
            DistFile::Uniform { lo, hi } => Dist::Uniform(lo, hi),
            DistFile::Normal { mean, sd, min, max } => Dist::Normal { mean, sd, min, max },
            DistFile::Beta { a, b } => Dist::Beta(a, b),
        }
    }
}

impl From<Dist> for DistFile {
    fn from(dist: Dist) -> DistFile {
        match dist {
            Dist::Fixed(value) => DistFile::Fixed(value),
            Dist::Uniform(lo, hi) => DistFile::Uniform { lo, hi },
            Dist::Normal { mean, sd, min, max } => DistFile::Normal { mean, sd, min, max },
            Dist::Beta(a, b) => DistFile::Beta { a, b },
        }
    }
}

/// Above this typo rate text stops being readable.
const MAX_TYPO_RATE: f64 = 0.3;

/// What values a trait may take.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Range {
    /// A probability: the whole support must lie in [0, 1].
    Probability,
    /// Patience: the whole support must be at least 2 turns.
    Patience,
    /// A typo rate: the whole support must lie in [0, 1] and not above [`MAX_TYPO_RATE`].
    TypoRate,
    /// A scale factor: the whole support must be above 0.
    Positive,
    /// Anything finite.
    Any,
}

impl PersonaFile {
    /// Every semantic problem in the file, in file order.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if !self.weight.is_finite() {
            push(&mut out, "weight", &["weight"], not_finite(self.weight));
        } else if self.weight < 0.0 {
            push(&mut out, "weight", &["weight"], format!("must be >= 0, got {}", self.weight));
        }
        let traits = &self.traits;
        for (name, dist, range) in [
            ("patience", traits.patience, Range::Patience),
            ("cooperativeness", traits.cooperativeness, Range::Probability),
            ("verbosity", traits.verbosity, Range::Any),
            ("honesty", traits.honesty, Range::Probability),
            ("pushiness", traits.pushiness, Range::Probability),
            ("recall_error", traits.recall_error, Range::Probability),
            ("persuadability", traits.persuadability, Range::Probability),
            ("flexibility", traits.flexibility, Range::Probability),
            ("willingness_to_pay", traits.willingness_to_pay, Range::Positive),
        ] {
            check_dist(&mut out, name, ["traits", name], dist, range);
        }
        for (name, field, dist, range) in [
            ("formality", "style.formality", self.style.formality, Range::Probability),
            ("typo_rate", "style.typo_rate", self.style.typo_rate, Range::TypoRate),
        ] {
            check_dist(&mut out, field, ["style", name], dist, range);
        }
        for (name, value) in [
            ("vague_opening", self.vague_opening),
            ("need_with_values", self.need_with_values),
            ("leaves_unanswered", self.leaves_unanswered),
            ("changes_plans", self.changes_plans),
            ("changes_after_done", self.changes_after_done),
            ("demand_human_at", self.demand_human_at),
            ("abandon_at", self.abandon_at),
        ] {
            if !value.is_finite() {
                push(&mut out, name, &[name], not_finite(value));
            } else if !(0.0..=1.0).contains(&value) {
                push(&mut out, name, &[name], format!("must be in [0, 1], got {value}"));
            }
        }
        for (name, again) in [("asks_again", &self.asks_again), ("tries_again", &self.tries_again)]
        {
            let chances = match again {
                AsksAgainFile::Each(chance) => std::slice::from_ref(chance),
                AsksAgainFile::ByTimes(chances) => chances.as_slice(),
            };
            if chances.len() > usize::from(sim_core::spec::MAX_ASKED_AGAIN) {
                let message = format!(
                    "lists at most {} chances (one per time asked again), got {}",
                    sim_core::spec::MAX_ASKED_AGAIN,
                    chances.len()
                );
                push(&mut out, name, &[name], message);
            }
            for &value in chances {
                if !value.is_finite() {
                    push(&mut out, name, &[name], not_finite(value));
                } else if !(0.0..=1.0).contains(&value) {
                    push(&mut out, name, &[name], format!("must be in [0, 1], got {value}"));
                }
            }
        }
        if self.demand_human_at > self.abandon_at {
            let message = format!(
                "must not exceed abandon_at ({} > {})",
                self.demand_human_at, self.abandon_at
            );
            push(&mut out, "demand_human_at", &["demand_human_at"], message);
        }
        let mood = &self.mood;
        for (name, value, lo) in [
            ("initial", mood.initial, 0.0),
            ("repeated_question", mood.repeated_question, -1.0),
            ("denial", mood.denial, -1.0),
            ("irrelevant", mood.irrelevant, -1.0),
            ("waiting", mood.waiting, -1.0),
            ("progress", mood.progress, -1.0),
            ("apology", mood.apology, -1.0),
        ] {
            let message = if !value.is_finite() {
                not_finite(value)
            } else if !(lo..=1.0).contains(&value) {
                format!("must be in [{lo}, 1], got {value}")
            } else {
                continue;
            };
            push(&mut out, &format!("mood.{name}"), &["mood", name], message);
        }
        for (idx, id) in self.intents.iter().enumerate() {
            if id.trim().is_empty() {
                push(&mut out, "intents", &["intents"], "intent ids must not be empty".to_owned());
            } else if self.intents[..idx].contains(id) {
                push(&mut out, "intents", &["intents"], format!("intent `{id}` is listed twice"));
            }
        }
        for (idx, row) in self.reactions.iter().enumerate() {
            for message in reactions::problems(idx, row) {
                push(&mut out, "reactions", &["reactions"], message);
            }
        }
        for (field, list, what, figure) in [
            ("need_with_values_of", &self.need_with_values_of, "intent", "share"),
            ("need_gives", &self.need_gives, "slot", "chance"),
            ("gives_more", &self.gives_more, "slot", "chance"),
            ("objections", &self.objections, "objection", "rate"),
            ("intent_shares", &self.intent_shares, "intent", "share"),
        ] {
            for message in named_chances(list, what, figure) {
                push(&mut out, field, &[field], message);
            }
        }
        if !self.intent_shares.is_empty()
            && self.intent_shares.iter().all(|(_, share)| *share <= 0.0)
        {
            let message =
                "at least one intent's share must be above 0: no customer could come".to_owned();
            push(&mut out, "intent_shares", &["intent_shares"], message);
        }
        out
    }
}

/// What is wrong with a list of chances by name (`[("weather", 0.8)]`): empty or repeated names, chances outside
/// [0, 1]; `what` names a name ("intent"), `figure` a chance ("share").
fn named_chances(list: &[(String, f64)], what: &str, figure: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (idx, (name, chance)) in list.iter().enumerate() {
        if name.trim().is_empty() {
            out.push(format!("{what} names must not be empty"));
        } else if list[..idx].iter().any(|(other, _)| other == name) {
            out.push(format!("{what} `{name}` is listed twice"));
        } else if !chance.is_finite() || !(0.0..=1.0).contains(chance) {
            out.push(format!("the {figure} of {what} `{name}` must be in [0, 1], got {chance}"));
        }
    }
    out
}

fn not_finite(value: f64) -> String {
    format!("must be a finite number, got {value}")
}

fn push(out: &mut Vec<Problem>, field: &str, at: &[&'static str], message: String) {
    out.push(Problem { field: field.to_owned(), at: at.to_vec(), message });
}

/// Checks one distribution, shown as `field` and found at the path `at`: parameters finite and well-formed,
/// support within `range`.
fn check_dist(
    out: &mut Vec<Problem>,
    field: &str,
    [group, name]: [&'static str; 2],
    dist: DistFile,
    range: Range,
) {
    let mut bad = |param: &'static str, message: String| {
        let at: &[&'static str] =
            if param.is_empty() { &[group, name] } else { &[group, name, param] };
        push(out, field, at, message);
    };
    let (kind, params): (&str, Vec<(&'static str, f64)>) = match dist {
        DistFile::Fixed(value) => ("Fixed", vec![("", value)]),
        DistFile::Uniform { lo, hi } => ("Uniform", vec![("lo", lo), ("hi", hi)]),
        DistFile::Normal { mean, sd, min, max } => {
            ("Normal", vec![("mean", mean), ("sd", sd), ("min", min), ("max", max)])
        }
        DistFile::Beta { a, b } => ("Beta", vec![("a", a), ("b", b)]),
    };
    let mut finite = true;
    for (param, value) in &params {
        if !value.is_finite() {
            let label = if param.is_empty() { "value" } else { param };
            bad(param, format!("{kind} {label} must be a finite number, got {value}"));
            finite = false;
        }
    }
    if !finite {
        return;
    }
    // The support: the lowest and highest value the distribution can produce.
    let (lo, hi, lo_param, hi_param) = match dist {
        DistFile::Fixed(value) => (value, value, "", ""),
        DistFile::Uniform { lo, hi } => {
            if lo > hi {
                bad("lo", format!("Uniform lo must not exceed hi ({lo} > {hi})"));
            }
            (lo, hi, "lo", "hi")
        }
        DistFile::Normal { sd, min, max, .. } => {
            if sd <= 0.0 {
                bad("sd", format!("Normal sd must be > 0, got {sd}"));
            }
            if min > max {
                bad("min", format!("Normal min must not exceed max ({min} > {max})"));
            }
            (min, max, "min", "max")
        }
        DistFile::Beta { a, b } => {
            if a <= 0.0 {
                bad("a", format!("Beta a must be > 0, got {a}"));
            }
            if b <= 0.0 {
                bad("b", format!("Beta b must be > 0, got {b}"));
            }
            (0.0, 1.0, "", "")
        }
    };
    match range {
        Range::Probability | Range::TypoRate => {
            if lo < 0.0 {
                bad(lo_param, format!("{kind} values must be in [0, 1], but can be {lo}"));
            } else if hi > 1.0 {
                bad(hi_param, format!("{kind} values must be in [0, 1], but can be {hi}"));
            }
        }
        Range::Patience if lo < 2.0 => {
            bad(lo_param, format!("patience must be at least 2 turns, but {kind} can give {lo}"));
        }
        Range::Positive if lo <= 0.0 => {
            bad(lo_param, format!("{kind} values must be above 0, but can be {lo}"));
        }
        Range::Patience | Range::Positive | Range::Any => {}
    }
    if range == Range::TypoRate && (0.0..=1.0).contains(&lo) && hi <= 1.0 && hi > MAX_TYPO_RATE {
        bad(
            hi_param,
            format!(
                "typo_rate above {MAX_TYPO_RATE} makes text unreadable, but {kind} can give {hi}"
            ),
        );
    }
}
