//! Customer turns: openings, answers, complaints and goodbyes, shaped to the customer's verbosity.

use sim_core::act::{Act, ActKind, Slot};
use sim_core::spec::AccountField;

use super::phrases::{GENERIC_OPENINGS, INTENT_PHRASES, OPENINGS};
use super::{
    Pick, RenderContext, act_intent_phrase, decapitalise, join_list, render_slot, slot_list,
    slot_noun,
};

/// Renders a customer act; `shape` adds fillers up to the customer's verbosity and mild casualness.
pub(crate) fn render(act: &Act, ctx: &RenderContext, pick: &mut Pick, shape: bool) -> String {
    let target = if shape { ctx.verbosity.max(1.0) } else { 0.0 };
    let phrase = act_intent_phrase(act, ctx);
    let field = ctx.field();
    let options: Vec<String> = match act.kind {
        ActKind::StateNeed => openings(act, ctx),
        ActKind::VagueNeed => strings(&[
            "hi, I have a problem",
            "Hi, something's wrong with my account.",
            "hey, can you help me with something?",
            "there's an issue with my order",
            "hi, I need some help please",
        ]),
        ActKind::Inform => inform(act, field),
        ActKind::DontKnow => {
            let list = slot_list(act, field, "my");
            let list = if list.is_empty() { "that".to_owned() } else { list };
            vec![
                format!("sorry, I don't remember {list}"),
                format!("I don't have {list} with me right now."),
                format!("hmm, not sure about {list}, sorry"),
                format!("I don't know {list}."),
            ]
        }
        ActKind::OffTopic => strings(&[
            "sorry, my dog was barking, what was that?",
            "hang on, someone's at the door.",
            "do you have a store near me?",
            "wait, what do you need that for?",
            "I've been a customer for years, you know.",
            "sorry, I was reading something else.",
        ]),
        ActKind::Insist => vec![
            format!("But I really need to {phrase}. Can you make an exception?"),
            "What if I ask really, really nicely?".to_owned(),
            "I don't understand why not, can you please check again?".to_owned(),
            format!("come on, other stores let you {phrase} no problem"),
            format!("That's not acceptable, I still want to {phrase}."),
        ],
        ActKind::DemandHuman => strings(&[
            "Can I talk to a real person please?",
            "I want to speak to a manager.",
            "this isn't working, get me a human",
            "Is there a supervisor I can talk to?",
        ]),
        ActKind::Acknowledge => strings(&[
            "ok",
            "great, thanks",
            "sounds good",
            "alright",
            "ok, thank you",
            "I see.",
            "got it",
        ]),
        ActKind::ThankBye => strings(&[
            "No, that's all, thanks for your help!",
            "That's it. Take care.",
            "nope, that's everything. have a great day!",
            "no thanks, I'm all set",
        ]),
        ActKind::Leave => strings(&[
            "forget it, I'll go elsewhere.",
            "this is taking too long. bye.",
            "I give up, goodbye.",
            "never mind, I'll try another time.",
        ]),
        ActKind::Nudge => strings(&[
            "hello? are you still there?",
            "anyone there?",
            "hello??",
            "are you still working on it?",
        ]),
        _ => vec![String::from("...")],
    };
    let core = choose(pick, options, target);
    if !shape {
        return core;
    }
    casual(pad(core, act.kind, target, pick), pick)
}

fn strings(options: &[&str]) -> Vec<String> {
    options.iter().map(|option| (*option).to_owned()).collect()
}

/// Opening lines for the act's intent: its own lines, else generic ones built from its phrase or id.
fn openings(act: &Act, ctx: &RenderContext) -> Vec<String> {
    let id = ctx.intent_spec(act.intent).map_or("", |intent| intent.id.as_str());
    if let Some((_, lines)) = OPENINGS.iter().find(|(known, _)| *known == id) {
        return strings(lines);
    }
    if INTENT_PHRASES.iter().any(|(known, _)| *known == id) {
        let phrase = super::intent_phrase(id);
        return GENERIC_OPENINGS.iter().map(|line| line.replace("{}", phrase)).collect();
    }
    if id.is_empty() {
        return strings(&["hi, I need some help please", "Hi, can you help me?"]);
    }
    let topic = id.replace('_', " ");
    vec![
        format!("hi, I need help with {topic}"),
        format!("Hello, I have a question about {topic}."),
    ]
}

/// What a customer calls a slot when labelling a value.
fn label(slot: Slot, field: Option<AccountField>) -> &'static str {
    match slot {
        Slot::FullName => "name",
        Slot::AccountId => "account ID",
        Slot::Username => "username",
        Slot::Email => "email",
        Slot::Phone => "phone number",
        Slot::ZipCode => "zip code",
        Slot::OrderId => "order ID",
        Slot::PinNumber => "PIN",
        Slot::SecurityAnswer => "security answer",
        Slot::MembershipLevel => "membership",
        Slot::StreetAddress => "street address",
        Slot::FullAddress => "address",
        Slot::PaymentMethod => "payment method",
        Slot::Amount => "amount",
        Slot::Reason => "reason",
        Slot::Product => "product",
        Slot::RefundMethod => "refund method",
        Slot::OrderOption => "option",
        Slot::NewValue => slot_noun(slot, field).1,
        Slot::Days => "days since purchase",
    }
}

/// Three renderings of the given values: bare, labelled ("Username: cminh730") and in sentences.
fn inform(act: &Act, field: Option<AccountField>) -> Vec<String> {
    let pairs: Vec<(Slot, String)> = act
        .slots
        .iter()
        .zip(act.values)
        .map(|(slot, value)| (slot, render_slot(slot, value, field)))
        .collect();
    if pairs.is_empty() {
        return vec!["um, what did you need?".to_owned()];
    }
    let bare: Vec<String> = pairs.iter().map(|(_, value)| value.clone()).collect();
    let labelled: Vec<String> =
        pairs.iter().map(|(slot, value)| format!("{}: {value}", label(*slot, field))).collect();
    let sentences: Vec<String> = pairs.iter().map(|(slot, value)| sentence(*slot, value)).collect();
    let mut labelled = labelled.join(", ");
    if let Some(first) = labelled.get(..1) {
        labelled = first.to_uppercase() + &labelled[1..];
    }
    vec![bare.join(", "), labelled, join_list(&sentences)]
}

fn sentence(slot: Slot, value: &str) -> String {
    match slot {
        Slot::MembershipLevel => format!("I'm a {value} member"),
        Slot::Amount => format!("the amount is {value}"),
        Slot::Reason => format!("the reason is {value}"),
        Slot::Product => format!("it's the {value}"),
        Slot::RefundMethod => format!("I'd like the refund by {value}"),
        Slot::OrderOption => format!("I'd like {value}"),
        Slot::NewValue => format!("I want it changed to {value}"),
        Slot::Days => format!("I bought it {value} ago"),
        _ => format!("my {} is {value}", label(slot, None)),
    }
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Picks one of `options`: of two random draws, the one whose length is closer to `target` words.
fn choose(pick: &mut Pick, mut options: Vec<String>, target: f64) -> String {
    let first = pick.below(options.len());
    let second = pick.below(options.len());
    let distance = |idx: usize| (words(&options[idx]) as f64 - target).abs();
    let idx = if target > 0.0 && distance(second) < distance(first) { second } else { first };
    options.swap_remove(idx)
}

/// Adds an optional lead-in and closing pleasantries until the text nears `target` words.
fn pad(core: String, kind: ActKind, target: f64, pick: &mut Pick) -> String {
    let (leads, closers): (&[&str], &[&str]) = match kind {
        ActKind::StateNeed | ActKind::VagueNeed | ActKind::Insist => (
            &["so", "ok so", "well,", "um,"],
            &[
                "Can you help me with that?",
                "I'd really appreciate the help.",
                "Thanks in advance.",
                "Hope you can sort it out.",
                "Let me know what you need from me.",
            ],
        ),
        ActKind::Inform | ActKind::DontKnow => (
            &["sure,", "ok,", "yes,", "of course,", "let me check,"],
            &[
                "Hope that helps.",
                "Let me know if you need anything else.",
                "Thanks.",
                "Is that enough?",
            ],
        ),
        ActKind::Acknowledge | ActKind::ThankBye => {
            (&["ok,", "alright,", "oh,"], &["I appreciate it.", "Understood.", "Okay then."])
        }
        _ => (
            &["honestly,", "look,", "well,", "ok,"],
            &["This is taking a while.", "I don't have all day.", "Sorry, I'm a bit distracted."],
        ),
    };
    let mut n_words = words(&core);
    let mut lead = None;
    let mut tail: Vec<&str> = Vec::new();
    for _ in 0..4 {
        if n_words as f64 >= target - 1.0 {
            break;
        }
        if lead.is_none() && (tail.len() == 2 || pick.chance(0.4)) {
            let chosen = pick.one(leads);
            n_words += words(chosen);
            lead = Some(chosen);
        } else if tail.len() < 2 {
            let chosen = pick.one(closers);
            if !tail.contains(&chosen) {
                n_words += words(chosen);
                tail.push(chosen);
            }
        }
    }
    let mut text = match lead {
        Some(lead) => format!("{lead} {}", decapitalise(&core)),
        None => core,
    };
    for closer in tail {
        if text.ends_with(|ch: char| ch.is_alphanumeric()) {
            text = format!("{text}, {}", decapitalise(closer));
        } else {
            text = format!("{text} {closer}");
        }
    }
    text
}

/// Mild casualness: sometimes a lower-case start, sometimes no final full stop.
fn casual(text: String, pick: &mut Pick) -> String {
    let text = if pick.chance(0.3) { decapitalise(&text) } else { text };
    match text.strip_suffix('.') {
        Some(stripped) if pick.chance(0.3) && !stripped.ends_with('.') => stripped.to_owned(),
        _ => text,
    }
}
