//! `rehearse calibrate --scenario S`: a persona file fitted to real conversations in the scenario's terms, so that a
//! run's customers react as the transcripts' customers did.
//!
//! Every customer message is read as a rehearse act by the rules of `runners/data/customer-text-acts.ron` (the same
//! reading `run --customer-text` files messages by), and the agent message it answered by its act. What the
//! transcripts show becomes the persona's parameters, each with the number of messages it was counted from:
//!
//! - a reaction table row for each agent act in [`FITTED`]: the share of each response among the customers' first
//!   messages after that act that read as a response (answering a question, acknowledging, an aside, thanks and
//!   goodbye, insisting, and leaving: the conversation ends on the act, unanswered), at least [`MIN_ROW`] of them;
//!   values given after anything but a question (a question about another day or hotel) count as an aside;
//! - for each agent act in [`ASIDES_ONLY`] (offers, "anything else?", refusals: whether the customer takes the
//!   offer, says goodbye or pushes back turns on what they want and were given, which a table row applied whatever
//!   their state would ignore), only the shares of asides and of leaving among the first answers to it (and after a
//!   refusal, of goodbyes: "Oh darn, thanks for trying anyway. Bye!" takes it as an acknowledgement does); the rest
//!   of the row is `AsBuiltIn`, the built-in model's answer;
//! - `vague_opening`: the share of openings that say nothing of the need ("Hi") among those read as an opening;
//! - `need_with_values`: the share of first stated needs that give values of the request ("a room at the Hyatt"; with
//!   a scenario, values of its request's slots through `corpus_slots`, over the conversations of its intents: a name
//!   is no value of a request);
//! - `need_gives`: by slot of the scenario's requests, the share of those needs with values that give its value,
//!   where the conversation's intent asks for it (MultiDoGO's customers disputing a charge name the amount, never
//!   the merchant), for the slots of at least [`MIN_ROW`] such needs;
//! - `asks_again`: by the times asked so far, the chance that a customer told the answer to their request asks the
//!   same about another one, from the conversations of the scenario's information requests (intents with
//!   `answers`, by their labels) that were told at least one: each answer told after the first (a forecast for
//!   another day) is one time asked again ([`TimesAsked`]); the disclosure's reaction row is counted from the first
//!   answers to it that do not ask again, as the engine draws asking again first;
//! - `tries_again`: by the times asked again so far, the chance that a customer refused after a check (a refusal
//!   right after a tool's answer: "there is no room available") tries another, from the conversations of the
//!   scenario's other requests (intents without `answers`): a refusal followed by another call of a tool is one
//!   tried ([`Tries`]);
//! - `changes_plans`: the share of first answers to an offer that give values (another hotel, other days: the
//!   customer changed their plans); the offer's row is counted from the others, as the engine draws the change
//!   first;
//! - `changes_after_done`: the share of first answers to a result (the request is done: "I've successfully
//!   completed this booking") that give values (the customer changed their plans after all); the result's row is
//!   counted from the others, as the engine draws the change first;
//! - `gives_more`: by the slot asked for, the share of answers that give more of the request than asked
//!   ([`crate::calibrate::gives_more`]), for the slots asked at least [`MIN_ROW`] times;
//! - `leaves_unanswered`: the share of conversations that end before any agent message, where the transcripts
//!   keep the agent's words;
//! - `intent_shares`: with a scenario, the share of the conversations of each of its intents (by their labels,
//!   through `corpus_intents`) among those of any: a fitted persona comes for what the transcripts' customers came
//!   for (MultiDoGO's card customers: a lost card 382 times, a disputed charge 229, a replacement 48).
//!
//! Everything else (patience, honesty, mood) is the base persona's, named in the file.

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use sim_core::act::ActKind;

use sim_personas::phrasebook::After;

use crate::customer_text::{Message, Rule, read_messages};
use crate::transcripts::Conversation;

/// The agent acts whose answers are fitted: the customer's answer to them depends on their temper, not on what they
/// want or were given.
pub const FITTED: [ActKind; 4] =
    [ActKind::Ask, ActKind::InformResult, ActKind::Disclose, ActKind::Apologize];

/// The agent acts whose answer turns on what the customer wants and was given (take the offer or not, say goodbye or
/// ask again, accept a refusal or push back): only the shares of asides and of leaving are fitted, whatever the
/// customer wants; the rest is left to the built-in model (`AsBuiltIn`).
pub const ASIDES_ONLY: [ActKind; 3] = [ActKind::Offer, ActKind::AnythingElse, ActKind::Deny];

/// The fewest responses a row is fitted from; an act answered fewer times keeps the built-in reaction.
pub const MIN_ROW: u64 = 20;

/// How real customers answered each agent act and opened their conversations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reactions {
    /// Per agent act, the customers' first messages after it, by the act they read as.
    pub answers: BTreeMap<ActKind, BTreeMap<ActKind, u64>>,
    /// Per agent act, first messages after it that no rule reads.
    pub unread: BTreeMap<ActKind, u64>,
    /// Openings read as a vague need ("Hi") and as a stated need.
    pub openings: (u64, u64),
    /// Stated needs (the first, wherever it is) with the request's values and without.
    pub needs: (u64, u64),
    /// The same by the conversation's intent label (after [`of_scenario_intents`], by the scenario's intent id).
    pub needs_of: BTreeMap<String, (u64, u64)>,
    /// By the conversation's intent label, the corpus slots of each first need with values.
    pub needs_given: BTreeMap<String, Vec<Vec<String>>>,
    /// By the scenario's slot name (filled by [`of_scenario_intents`]), the first needs with values that gave it,
    /// and those of intents whose request has it.
    pub need_gives: BTreeMap<String, (u64, u64)>,
    /// By the conversation's intent label, the conversations told at least one answer (a disclosure), by the times
    /// the customer asked again.
    pub told_of: BTreeMap<String, TimesAsked>,
    /// The same over the labels of the scenario's information requests (filled by [`of_scenario_intents`]).
    pub told: TimesAsked,
    /// First answers to an offer that give values (the customer changed their plans: another hotel, other days),
    /// and all first answers to an offer.
    pub plans_changed: (u64, u64),
    /// First answers to a result (their request is done) that give values (the customer changed their plans after
    /// all: "change my reservation to the 4th-19th"), and all first answers to a result.
    pub changed_after_done: (u64, u64),
    /// By the conversation's intent label, the refusals after a check and those the customer tried another after.
    pub tried_of: BTreeMap<String, Tries>,
    /// The same over the labels of the scenario's other requests (filled by [`of_scenario_intents`]).
    pub tried: Tries,
    /// By the slot asked for, the answers that gave more of the request than asked, and all those counted
    /// ([`crate::calibrate::gives_more`]).
    pub gives_more: crate::calibrate::gives_more::GivesMore,
    /// Conversations no agent message answered (the customer was gone first), and all conversations; (0, 0) when no
    /// conversation has an agent message with words (MultiDoGO keeps none), where it cannot be told.
    pub unanswered: (u64, u64),
    /// Conversations by their intent label (after [`of_scenario_intents`], by the scenario's intent id; labels of no
    /// intent of the scenario dropped).
    pub conversations_of: BTreeMap<String, u64>,
}

/// Conversations by the times their customer asked again: index `k` counts those told `k + 1` answers (the last
/// index, those told more).
pub type TimesAsked = [u64; sim_core::spec::MAX_ASKED_AGAIN as usize + 1];

/// Refusals after a check by their place in the conversation: `refused[k]` counts the conversations with a
/// `k + 1`-th, `tried[k]` those whose customer tried another after it (a tool was called again).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tries {
    /// Conversations refused after a check at least `k + 1` times.
    pub refused: [u64; sim_core::spec::MAX_ASKED_AGAIN as usize],
    /// Of those, the ones whose customer tried another after the `k + 1`-th refusal.
    pub tried: [u64; sim_core::spec::MAX_ASKED_AGAIN as usize],
}

/// The refusals of a conversation that come right after a tool's answer ("there is no room available" after the
/// check), each with whether a tool is called after it (the customer tried another).
fn refusals_after_checks(conversation: &Conversation) -> Vec<bool> {
    use crate::transcripts::Speaker;
    let turns: Vec<&crate::transcripts::Turn> =
        conversation.turns.iter().filter(|turn| turn.speaker != Speaker::System).collect();
    let called = |turn: &&crate::transcripts::Turn| {
        turn.speaker == Speaker::Tool || (turn.speaker == Speaker::Agent && turn.action.is_some())
    };
    (1..turns.len())
        .filter(|&at| {
            let turn = turns[at];
            turn.speaker == Speaker::Agent
                && turn.action.is_none()
                && turn.act.as_deref().and_then(ActKind::agent_act) == Some(ActKind::Deny)
                && turns[at - 1].speaker == Speaker::Tool
        })
        .map(|at| turns[at + 1..].iter().any(called))
        .collect()
}

/// Counts the reactions of `conversations` (prepared by [`crate::customer_text::prepare`]).
pub fn reactions(conversations: &[Conversation], rules: &[Rule]) -> Reactions {
    let mut out = Reactions::default();
    let answered = |conversation: &Conversation| {
        conversation.turns.iter().any(|turn| {
            turn.speaker == crate::transcripts::Speaker::Agent
                && turn.action.is_none()
                && !turn.text.trim().is_empty()
        })
    };
    if conversations.iter().any(answered) {
        let unanswered = conversations.iter().filter(|c| !answered(c)).count();
        out.unanswered = (unanswered as u64, conversations.len() as u64);
    }
    for conversation in conversations {
        if let Some(label) = &conversation.intent {
            *out.conversations_of.entry(label.clone()).or_default() += 1;
        }
        let told = conversation
            .turns
            .iter()
            .filter(|turn| {
                turn.speaker == crate::transcripts::Speaker::Agent && turn.action.is_none()
            })
            .filter(|turn| {
                turn.act.as_deref().and_then(ActKind::agent_act) == Some(ActKind::Disclose)
            })
            .count();
        if let (Some(label), Some(again)) = (&conversation.intent, told.checked_sub(1)) {
            let times = out.told_of.entry(label.clone()).or_default();
            times[again.min(times.len() - 1)] += 1;
        }
        if let Some(label) = &conversation.intent {
            let refusals = refusals_after_checks(conversation);
            if !refusals.is_empty() {
                let tries = out.tried_of.entry(label.clone()).or_default();
                for (k, tried) in refusals.iter().enumerate().take(tries.refused.len()) {
                    tries.refused[k] += 1;
                    tries.tried[k] += u64::from(*tried);
                }
            }
        }
        if let Some(agent) = left_after(conversation) {
            *out.answers.entry(agent).or_default().entry(ActKind::Leave).or_default() += 1;
        }
        let mut needed = false;
        for Message { after, first_answer, rule, turn, .. } in read_messages(conversation, rules) {
            let read = rule.map(|rule| rule.read);
            // The first need only: a need said again after a forecast is asking again, counted below.
            if read == Some(ActKind::StateNeed) && !std::mem::replace(&mut needed, true) {
                let with = !turn.slots.is_empty();
                let count = |counts: &mut (u64, u64)| match with {
                    true => counts.0 += 1,
                    false => counts.1 += 1,
                };
                count(&mut out.needs);
                if let Some(label) = &conversation.intent {
                    count(out.needs_of.entry(label.clone()).or_default());
                    if with {
                        let given = turn.slots.keys().cloned().collect();
                        out.needs_given.entry(label.clone()).or_default().push(given);
                    }
                }
            }
            // A first answer to an offer or a result that gives values changes the plans: drawn before the act's
            // reaction row, as the engine draws it, so not one of the row's answers.
            let changes = match after {
                After::Agent(ActKind::Offer) => Some(&mut out.plans_changed),
                After::Agent(ActKind::InformResult) => Some(&mut out.changed_after_done),
                _ => None,
            };
            if let Some(counts) = changes.filter(|_| first_answer) {
                counts.1 += 1;
                if !turn.slots.is_empty() {
                    counts.0 += 1;
                    continue;
                }
            }
            if after == After::Agent(ActKind::Deny) && read == Some(ActKind::StateNeed) {
                // Another request after a refusal is `tries_again`'s, drawn before the refusal's row.
                continue;
            }
            match (after, read) {
                // The customer's first message opens; the next ones before the agent answers go on from it.
                (After::Start, Some(ActKind::VagueNeed)) if first_answer => out.openings.0 += 1,
                (After::Start, Some(ActKind::StateNeed)) if first_answer => out.openings.1 += 1,
                (After::Agent(agent), Some(act)) if first_answer => {
                    *out.answers.entry(agent).or_default().entry(act).or_default() += 1;
                }
                (After::Agent(agent), None) if first_answer => {
                    *out.unread.entry(agent).or_default() += 1;
                }
                _ => {}
            }
        }
    }
    out
}

/// Puts the needs counted by corpus intent label under the scenario's intent ids (through its `corpus_intents`, else
/// the id of the same name), as needs with values only when they give a value of the intent's request (`corpus_slots`),
/// with the share of those giving each of its slots (`need_gives`), and the pooled needs over them; sums the times
/// asked again over the labels of its information requests (intents with `answers`); labels of no intent of the
/// scenario are dropped.
pub fn of_scenario_intents(reactions: &mut Reactions, scenario: &sim_core::spec::ScenarioSpec) {
    let intent_of =
        |label: &str| scenario.corpus_intent(label).map(|index| &scenario.intents[index]);
    for (label, count) in std::mem::take(&mut reactions.conversations_of) {
        if let Some(intent) = intent_of(&label) {
            *reactions.conversations_of.entry(intent.id.clone()).or_default() += count;
        }
    }
    reactions.told = TimesAsked::default();
    for (label, times) in &reactions.told_of {
        if intent_of(label).is_some_and(|intent| !intent.answers.is_empty()) {
            for (sum, count) in reactions.told.iter_mut().zip(times) {
                *sum += count;
            }
        }
    }
    reactions.tried = Tries::default();
    for (label, tries) in &reactions.tried_of {
        if intent_of(label).is_some_and(|intent| intent.answers.is_empty()) {
            for k in 0..tries.refused.len() {
                reactions.tried.refused[k] += tries.refused[k];
                reactions.tried.tried[k] += tries.tried[k];
            }
        }
    }
    // A need gives values of the request when one of its slots is one of the request's (a name is no value of it).
    let of_request = |intent: &sim_core::spec::IntentSpec, given: &[String]| {
        given.iter().any(|corpus| {
            scenario.corpus_slot(corpus).is_some_and(|slot| intent.goal_slots.contains(slot))
        })
    };
    reactions.need_gives.clear();
    let by_label = std::mem::take(&mut reactions.needs_of);
    let mut pooled = None;
    for (label, (with, without)) in by_label {
        let Some(intent) = intent_of(&label) else { continue };
        let needs = reactions.needs_given.get(&label).map_or(&[][..], Vec::as_slice);
        let needs: Vec<&Vec<String>> =
            needs.iter().filter(|given| of_request(intent, given)).collect();
        let with_request = (needs.len() as u64).min(with);
        let counted = (with_request, without + (with - with_request));
        for sum in [
            reactions.needs_of.entry(intent.id.clone()).or_default(),
            pooled.get_or_insert_default(),
        ] {
            sum.0 += counted.0;
            sum.1 += counted.1;
        }
        for slot in intent.goal_slots.iter() {
            let counts =
                reactions.need_gives.entry(scenario.slot_name(slot).to_owned()).or_default();
            for given in &needs {
                counts.1 += 1;
                let gives = given.iter().any(|corpus| scenario.corpus_slot(corpus) == Some(slot));
                counts.0 += u64::from(gives);
            }
        }
    }
    if let Some(pooled) = pooled {
        // The scenario's own requests, read as it reads them.
        reactions.needs = pooled;
    }
}

/// The act of the agent message a conversation ends on, when the customer (who wrote before) never answered it, it
/// did not end the conversation itself (a goodbye, a hand-over), and the conversation is not labelled completed (a
/// customer who stops writing once served is done, not gone): the customer left after it.
fn left_after(conversation: &Conversation) -> Option<ActKind> {
    use crate::transcripts::Speaker;
    if conversation.outcome.as_deref() == Some("completed") {
        return None;
    }
    let said = |turn: &&crate::transcripts::Turn| match turn.speaker {
        Speaker::Customer => true,
        Speaker::Agent => turn.action.is_none() && !turn.text.trim().is_empty(),
        Speaker::System | Speaker::Tool => false,
    };
    let last = conversation.turns.iter().rev().find(said)?;
    let wrote = conversation.turns.iter().any(|turn| turn.speaker == Speaker::Customer);
    let act = last.act.as_deref().and_then(ActKind::agent_act).filter(|_| wrote)?;
    (last.speaker == Speaker::Agent && !matches!(act, ActKind::Close | ActKind::Transfer))
        .then_some(act)
}

/// The persona file's response for a customer act, if the act is one a reaction table can give.
fn response(act: ActKind) -> Option<&'static str> {
    Some(match act {
        ActKind::Inform => "Answer",
        ActKind::Acknowledge => "Acknowledge",
        ActKind::Insist => "Insist",
        ActKind::DemandHuman => "DemandHuman",
        ActKind::OffTopic => "OffTopic",
        ActKind::Nudge => "Nudge",
        ActKind::Leave => "Leave",
        ActKind::ThankBye => "ThankBye",
        _ => return None,
    })
}

/// The persona file's name of an agent act.
fn agent_act(act: ActKind) -> &'static str {
    match act {
        ActKind::Ask => "Ask",
        ActKind::InformResult => "InformResult",
        ActKind::Disclose => "Disclose",
        ActKind::Apologize => "Apologize",
        ActKind::Offer => "Offer",
        ActKind::AnythingElse => "AnythingElse",
        ActKind::Deny => "Deny",
        _ => unreachable!("only the acts of FITTED and ASIDES_ONLY are written"),
    }
}

/// `asks_again` by the times asked so far, as a persona file line with the counts it comes from: after the `k`-th
/// answer, the share of the conversations told at least `k + 1` answers that were told more; `None` when no
/// conversation of an information request was told one.
fn asks_again(told: &TimesAsked) -> Option<String> {
    let at_least = |k: usize| told[k..].iter().sum::<u64>();
    if at_least(0) == 0 {
        return None;
    }
    let mut chances = Vec::new();
    let mut counts = Vec::new();
    for k in 0..told.len() - 1 {
        let (of, more) = (at_least(k), at_least(k + 1));
        if of == 0 {
            break;
        }
        chances.push(format!("{:.4}", more as f64 / of as f64));
        counts.push(format!("{more} of {of}"));
    }
    Some(format!(
        "    // Fitted: conversations of the scenario's information requests told an answer asking the same about \
         another one (another day or place) after the first answer, the second, the third: {}.\n    asks_again: [{}],\n",
        counts.join(", "),
        chances.join(", ")
    ))
}

/// `tries_again` by the times asked again so far, as a persona file line with the counts it comes from; `None` when
/// no conversation of the scenario's other requests was refused after a check.
fn tries_again(tries: &Tries) -> Option<String> {
    let known = tries.refused.iter().take_while(|refused| **refused > 0).count();
    if known == 0 {
        return None;
    }
    let chances: Vec<String> = (0..known)
        .map(|k| format!("{:.4}", tries.tried[k] as f64 / tries.refused[k] as f64))
        .collect();
    let counts: Vec<String> =
        (0..known).map(|k| format!("{} of {}", tries.tried[k], tries.refused[k])).collect();
    Some(format!(
        "    // Fitted: conversations of the scenario's other requests refused after a check whose customer tried \
         another (another hotel or other days) after the first refusal, the second, the third: {}.\n    \
         tries_again: [{}],\n",
        counts.join(", "),
        chances.join(", ")
    ))
}

/// The reaction table rows, as RON lines, and what each was counted from.
fn rows(reactions: &Reactions) -> Vec<String> {
    let mut rows = Vec::new();
    for on in FITTED {
        let Some(answers) = reactions.answers.get(&on) else { continue };
        // Values nobody asked for, after a result ("what about Sunday?"): a question about another day or hotel,
        // which a customer holding one request can only say as an aside (the engine's `Answer` to anything but a
        // question is an acknowledgement, which these are not).
        let unasked = |act: ActKind| match act {
            ActKind::Inform if on != ActKind::Ask => ActKind::OffTopic,
            act => act,
        };
        let mut by_response: BTreeMap<&str, u64> = BTreeMap::new();
        for (act, count) in answers {
            if let Some(name) = response(unasked(*act)) {
                *by_response.entry(name).or_default() += count;
            }
        }
        let unasked_values = answers.get(&ActKind::Inform).copied().filter(|_| on != ActKind::Ask);
        let mut counted: Vec<(&str, u64)> = by_response.into_iter().collect();
        let n: u64 = counted.iter().map(|(_, count)| count).sum();
        if n < MIN_ROW {
            continue;
        }
        counted.sort_by_key(|(name, count)| (std::cmp::Reverse(*count), *name));
        let last = counted.len() - 1;
        let respond: Vec<String> = counted
            .iter()
            .enumerate()
            .map(|(index, (name, count))| match index == last {
                true => format!("({name}, Rest)"),
                false => format!("({name}, Fixed({:.4}))", *count as f64 / n as f64),
            })
            .collect();
        let counts: Vec<String> =
            counted.iter().map(|(name, count)| format!("{name} {count}")).collect();
        let aside = unasked_values
            .map(|count| format!(" (OffTopic counts {count} giving values nobody asked for)"))
            .unwrap_or_default();
        rows.push(format!(
            "        // Fitted: {} first answers to {} read as a response: {}{aside}.\n        (on: {}, n: {n}, respond: [{}]),",
            n,
            on.name(),
            counts.join(", "),
            agent_act(on),
            respond.join(", ")
        ));
    }
    for on in ASIDES_ONLY {
        let Some(answers) = reactions.answers.get(&on) else { continue };
        let n: u64 = answers.values().sum();
        let asides = answers.get(&ActKind::OffTopic).copied().unwrap_or(0);
        let left = answers.get(&ActKind::Leave).copied().unwrap_or(0);
        // A goodbye after a refusal ("Oh darn, thanks for trying anyway. Bye!") takes it, as the built-in
        // acknowledgement does, whatever the customer wanted.
        let byes = match on {
            ActKind::Deny => answers.get(&ActKind::ThankBye).copied().unwrap_or(0),
            _ => 0,
        };
        if n < MIN_ROW || asides + left + byes == 0 {
            continue;
        }
        let mut respond = Vec::new();
        for (name, count) in [("OffTopic", asides), ("ThankBye", byes), ("Leave", left)] {
            if count > 0 {
                respond.push(format!("({name}, Fixed({:.4}))", count as f64 / n as f64));
            }
        }
        respond.push("(AsBuiltIn, Rest)".to_owned());
        let mut counted: Vec<(&str, u64)> =
            answers.iter().map(|(act, count)| (act.name(), *count)).collect();
        counted.sort_by_key(|(name, count)| (std::cmp::Reverse(*count), *name));
        let counts: Vec<String> =
            counted.iter().map(|(name, count)| format!("{name} {count}")).collect();
        rows.push(format!(
            "        // Fitted: {n} first answers to {} read as rehearse acts: {}; the shares of asides{} and of leaving \
             are fitted, the rest left to the built-in model.\n        (on: {}, n: {n}, respond: [{}]),",
            on.name(),
            counts.join(", "),
            if on == ActKind::Deny { ", of goodbyes" } else { "" },
            agent_act(on),
            respond.join(", "),
        ));
    }
    rows
}

/// Puts `field: [("name", share), …]` before the base persona's `demand_human_at`, with a comment saying what was
/// counted (`what`), for the names counted at least [`MIN_ROW`] times of `counts` (name, how many, of how many);
/// nothing when there are none. `Err` when the base sets the field itself or has no `demand_human_at`.
fn insert_by_name<'a>(
    body: &mut String,
    base_name: &str,
    field: &str,
    what: &str,
    counts: impl Iterator<Item = (&'a String, u64, u64)>,
) -> Result<(), String> {
    let counted: Vec<(&String, u64, u64)> = counts.filter(|(_, _, all)| *all >= MIN_ROW).collect();
    if counted.is_empty() {
        return Ok(());
    }
    let sizes: Vec<String> =
        counted.iter().map(|(name, count, all)| format!("{name} {count} of {all}")).collect();
    let shares: Vec<String> = counted
        .iter()
        .map(|(name, count, all)| format!("({name:?}, {:.4})", *count as f64 / *all as f64))
        .collect();
    let line = format!(
        "    // Fitted: {what} (at least {MIN_ROW}): {}.\n    {field}: [{}],\n",
        sizes.join(", "),
        shares.join(", ")
    );
    insert_field(body, base_name, field, &line)
}

/// Puts `intent_shares` (each intent's share of the conversations `counted` by intent id) before the base persona's
/// `demand_human_at`, with a comment giving the counts; nothing when none were counted.
fn insert_intent_shares(
    body: &mut String,
    base_name: &str,
    counted: &BTreeMap<String, u64>,
) -> Result<(), String> {
    let all: u64 = counted.values().sum();
    if all == 0 {
        return Ok(());
    }
    let sizes: Vec<String> = counted.iter().map(|(id, count)| format!("{id} {count}")).collect();
    let shares: Vec<String> = counted
        .iter()
        .map(|(id, count)| format!("({id:?}, {:.4})", *count as f64 / all as f64))
        .collect();
    let line = format!(
        "    // Fitted: {all} conversations by intent: {}; only these intents are played, in these shares.\n    \
         intent_shares: [{}],\n",
        sizes.join(", "),
        shares.join(", ")
    );
    insert_field(body, base_name, "intent_shares", &line)
}

/// Puts a fitted field's lines (`text`) before the base persona's `demand_human_at`. `Err` when the base sets
/// the field itself or has no `demand_human_at`.
fn insert_field(body: &mut String, base_name: &str, field: &str, text: &str) -> Result<(), String> {
    if body.contains(&format!("{field}:")) {
        return Err(format!("the base persona `{base_name}` sets {field} itself"));
    }
    let at = body.find("    demand_human_at:").ok_or_else(|| {
        format!("the base persona `{base_name}` has no demand_human_at to put {field} before")
    })?;
    body.insert_str(at, text);
    Ok(())
}

/// A fitted persona file: `base` (a persona's RON, without a reaction table) with `description`, the fitted
/// `vague_opening`, `need_with_values` and reaction table, under a header saying where each came from. `Err` names
/// what stops it.
pub fn persona_file(
    reactions: &Reactions,
    base: (&str, &str),
    header: &str,
    description: &str,
) -> Result<String, String> {
    let (base_name, base_source) = base;
    if base_source.contains("reactions:") {
        return Err(format!("the base persona `{base_name}` has a reaction table of its own"));
    }
    let body_start = base_source
        .find("Persona(")
        .ok_or_else(|| format!("the base persona `{base_name}` does not start with `Persona(`"))?;
    let mut body = base_source[body_start..].trim_end().to_owned();
    let described = body
        .lines()
        .find(|line| line.trim_start().starts_with("description:"))
        .ok_or_else(|| format!("the base persona `{base_name}` has no description"))?
        .to_owned();
    body = body.replacen(&described, &format!("    description: {description:?},"), 1);
    let (vague, need) = reactions.openings;
    if vague + need > 0 {
        let share = vague as f64 / (vague + need) as f64;
        let line = body
            .lines()
            .find(|line| line.trim_start().starts_with("vague_opening:"))
            .ok_or_else(|| format!("the base persona `{base_name}` has no vague_opening"))?
            .to_owned();
        let fitted = format!(
            "    // Fitted: {vague} of {} openings read as an opening say nothing of the need.\n    vague_opening: {share:.4},",
            vague + need
        );
        body = body.replacen(&line, &fitted, 1);
    }
    let (with, without) = reactions.needs;
    let (gone, all) = reactions.unanswered;
    let (changed, offered) = reactions.plans_changed;
    let (changed_after, done) = reactions.changed_after_done;
    let shares = [
        ("need_with_values", with, with + without, "stated needs come with values of the request"),
        (
            "changes_plans",
            changed,
            offered,
            "first answers to an offer give values of another request (the customer changed their plans)",
        ),
        (
            "changes_after_done",
            changed_after,
            done,
            "first answers to a result give values of another request (the customer changed their plans after all)",
        ),
        (
            "leaves_unanswered",
            gone,
            all,
            "conversations end before any agent message (the customer was gone first)",
        ),
    ];
    for (field, count, total, what) in shares.into_iter().filter(|(_, _, total, _)| *total > 0) {
        let share = count as f64 / total as f64;
        let fitted =
            format!("    // Fitted: {count} of {total} {what}.\n    {field}: {share:.4},\n");
        insert_field(&mut body, base_name, field, &fitted)?;
    }
    let by_times = [
        ("asks_again", asks_again(&reactions.told)),
        ("tries_again", tries_again(&reactions.tried)),
    ];
    for (field, line) in by_times.into_iter().filter_map(|(field, line)| Some((field, line?))) {
        insert_field(&mut body, base_name, field, &line)?;
    }
    let more = reactions.gives_more.iter().map(|(slot, (more, all))| (slot, *more, *all));
    let by_slot = "answers to a question about one value of the request that give more of it, by the slot asked";
    insert_by_name(&mut body, base_name, "gives_more", by_slot, more)?;
    let with = reactions.needs_of.iter().map(|(id, (with, without))| (id, *with, with + without));
    let by_intent = "first needs with values of the request, by intent";
    insert_by_name(&mut body, base_name, "need_with_values_of", by_intent, with)?;
    let gives = reactions.need_gives.iter().map(|(slot, (gave, all))| (slot, *gave, *all));
    let by_slot =
        "first needs with values that give the slot's value, of those whose request has it";
    insert_by_name(&mut body, base_name, "need_gives", by_slot, gives)?;
    insert_intent_shares(&mut body, base_name, &reactions.conversations_of)?;
    let rows = rows(reactions);
    if !rows.is_empty() {
        let close = body.rfind(')').expect("the body ends with the persona's `)`");
        let table = format!(
            "    // Fitted: the first message after each agent act, read as a rehearse act; an act answered fewer than \
             {MIN_ROW} times keeps the built-in reaction.\n    reactions: [\n{}\n    ],\n",
            rows.join("\n")
        );
        body.insert_str(close, &table);
    }
    let comments: String = header.lines().map(|line| format!("// {line}\n")).collect();
    Ok(format!(
        "{comments}// Everything not marked fitted is the base persona `{base_name}`'s.\n{body}\n"
    ))
}
