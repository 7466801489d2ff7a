//! Customer turns: openings, answers, complaints and goodbyes, shaped to the customer's verbosity and written
//! in their style.

use sim_core::act::{Act, ActKind, Slot};

use super::phrases::{GENERIC_OPENINGS, INTENT_PHRASES, OPENINGS};
use super::sink::{Sink, Words, put_capitalised, put_joined, put_list, put_owned, put_template};
use super::style::{Marked, Phrasings, Register, Spans, apply_register, phrasings, put_typos};
use super::{
    Pick, RenderContext, SlotCtx, act_intent_phrase, decapitalise, put_slot, put_slot_list,
    slot_noun,
};

/// Appends a customer act; `shape` (the customer's own turn) adds fillers up to the customer's verbosity, mild
/// casualness and their writing style.
pub(crate) fn render_into(
    act: &Act,
    ctx: &RenderContext,
    pick: &mut Pick,
    shape: bool,
    out: &mut String,
) {
    if act.kind == ActKind::StateNeed && !act.slots.is_empty() {
        // A need said with the values of the request: the need, then the values as an answer gives them.
        render_into(&Act { slots: sim_core::act::SlotSet::EMPTY, ..*act }, ctx, pick, shape, out);
        out.push(' ');
        render_into(&Act { kind: ActKind::Inform, ..*act }, ctx, pick, false, out);
        return;
    }
    let target = if shape { ctx.verbosity.max(1.0) } else { 0.0 };
    let slots = ctx.slots();
    let options = match act.kind {
        ActKind::StateNeed => openings(act, ctx),
        ActKind::VagueNeed if !ctx.scenario.vague_openings.is_empty() => {
            let lines = &ctx.scenario.vague_openings;
            Options::Filled(phrasings!["{}"], Fill::Phrase(&lines[pick.below(lines.len())]))
        }
        ActKind::VagueNeed => Options::Lines(phrasings![
            "hi, I have a problem",
            "Hi, something's wrong with my account.",
            "hey, can you help me with something?",
            "there's an issue with my order",
            "hi, I need some help please",
        ]),
        ActKind::Inform if act.slots.iter().next().is_none() => {
            Options::Lines(phrasings!["um, what did you need?"])
        }
        ActKind::Inform => Options::Inform { act, slots },
        ActKind::DontKnow => Options::Filled(
            phrasings![
                "sorry, I don't remember {}",
                "I don't have {} with me right now.",
                "hmm, not sure about {}, sorry",
                "I don't know {}.",
            ],
            Fill::Slots { act, slots },
        ),
        ActKind::OffTopic => Options::Lines(phrasings![
            "sorry, my dog was barking, what was that?",
            "hang on, someone's at the door.",
            "do you have a store near me?",
            "wait, what do you need that for?",
            "I've been a customer for years, you know.",
            "sorry, I was reading something else.",
        ]),
        ActKind::Insist => Options::Filled(
            phrasings![
                "But I really need to {}. Can you make an exception?",
                "What if I ask really, really nicely?",
                "I don't understand why not, can you please check again?",
                "come on, other stores let you {} no problem",
                "That's not acceptable, I still want to {}.",
            ],
            Fill::Phrase(act_intent_phrase(act, ctx)),
        ),
        ActKind::AskWhy => Options::Filled(
            phrasings![
                "Why not? Why can't you {}?",
                "Can you tell me why? I don't understand why I can't {}.",
                "What's the reason? I just want to {}.",
                "wait, why? what's the problem?",
            ],
            Fill::Phrase(act_intent_phrase(act, ctx)),
        ),
        ActKind::DemandHuman => Options::Lines(phrasings![
            "Can I talk to a real person please?",
            "I want to speak to a manager.",
            "this isn't working, get me a human",
            "Is there a supervisor I can talk to?",
        ]),
        ActKind::Acknowledge => Options::Lines(phrasings![
            "ok",
            "great, thanks",
            "sounds good",
            "alright",
            "ok, thank you",
            "I see.",
            "got it",
        ]),
        ActKind::ThankBye if act.is_unhappy_bye() => Options::Lines(phrasings![
            "No. I guess that's it then.",
            "fine, whatever. bye.",
            "No, that's all. Not what I hoped for, though.",
            "nothing else. this didn't really help.",
        ]),
        ActKind::ThankBye => Options::Lines(phrasings![
            "No, that's all, thanks for your help!",
            "That's it. Take care.",
            "nope, that's everything. have a great day!",
            "no thanks, I'm all set",
        ]),
        ActKind::Leave => Options::Lines(phrasings![
            "forget it, I'll go elsewhere.",
            "this is taking too long. bye.",
            "I give up, goodbye.",
            "never mind, I'll try another time.",
        ]),
        ActKind::Accept => Options::Lines(phrasings![
            "ok, that works for me",
            "Deal, let's do that.",
            "alright, I'll take it",
            "Sure, that sounds good.",
            "yes please, go ahead",
        ]),
        ActKind::Reject => Options::Lines(phrasings![
            "no thanks, please just go ahead",
            "No, I've made up my mind.",
            "not interested, thanks",
            "I'll pass, thank you.",
            "no, that doesn't work for me",
        ]),
        ActKind::Object if objection_phrase(act, ctx).is_some() => Options::Filled(
            phrasings![
                "before we go on: {}",
                "One thing though, {}",
                "hmm, {}",
                "Honestly, my worry is this: {}",
            ],
            Fill::Phrase(objection_phrase(act, ctx).unwrap_or_default()),
        ),
        ActKind::Object => Options::Lines(phrasings![
            "hmm, that's more than I wanted to pay",
            "That's a bit steep for us. Can you do any better?",
            "is that the best you can do?",
            "I was hoping for a better deal than that.",
        ]),
        ActKind::Performed => Options::Lines(phrasings![
            "ok, done",
            "Done. What next?",
            "alright, I did that",
            "ok, I've done it now.",
        ]),
        ActKind::Unable => Options::Lines(phrasings![
            "sorry, I can't figure out how to do that",
            "I tried but it didn't work.",
            "hmm, I can't find it",
            "I'm not sure how to do that, sorry.",
        ]),
        ActKind::Works => Options::Lines(phrasings![
            "oh, that worked! it's fine now",
            "It works now, thank you.",
            "ok that did it",
            "Great, that sorted it out.",
        ]),
        ActKind::Clarify => Options::Lines(phrasings![
            "sorry, what do you mean?",
            "I'm not sure I follow. What do you mean?",
            "huh? what do you mean by that?",
            "Sorry, I don't understand. Can you say that again?",
        ]),
        ActKind::Nudge => Options::Lines(phrasings![
            "hello? are you still there?",
            "anyone there?",
            "hello??",
            "are you still working on it?",
        ]),
        _ => Options::Lines(phrasings!["..."]),
    };
    let first = pick.below(options.len());
    let second = pick.below(options.len());
    if !shape {
        return options.put(out, first);
    }
    let register = Register::of(ctx.formality);
    let (core, n_words) = choose(&options, [first, second], target, register);
    let start = out.len();
    let mut spans = Spans::default();
    pad(
        &mut Marked { out, spans: &mut spans },
        &options,
        core,
        n_words,
        act.kind,
        target,
        register,
        pick,
    );
    casual(out, start, pick);
    // Style comes last and draws last, so a plain register and no typos leave the text as it was.
    apply_register(out, start, register, &spans);
    put_typos(out, start, ctx.typo_rate, &spans, pick);
}

/// The candidate phrasings of a customer act, written on demand rather than built up front.
enum Options<'a> {
    /// Fixed lines.
    Lines(&'static Phrasings),
    /// Templates whose `{}` is replaced by the fill.
    Filled(&'static Phrasings, Fill<'a>),
    /// The given values bare, labelled ("Username: cminh730") and in sentences; the act has slots.
    Inform { act: &'a Act, slots: SlotCtx<'a> },
}

/// How the customer says the intent's objection an `Object` act raises (`None` for the price objection).
fn objection_phrase<'a>(act: &Act, ctx: &RenderContext<'a>) -> Option<&'a str> {
    let intent = ctx.intent.and_then(|id| ctx.scenario.intents.get(usize::from(id)))?;
    Some(intent.objections.get(usize::from(act.objection()?))?.phrase.as_str())
}

/// What replaces `{}` in a template.
#[derive(Clone, Copy)]
enum Fill<'a> {
    /// A fixed phrase.
    Phrase(&'a str),
    /// An intent id read as words (`_` as spaces).
    Topic(&'a str),
    /// The act's slots as a list of "my …" noun phrases, or "that" without any.
    Slots { act: &'a Act, slots: SlotCtx<'a> },
}

impl Options<'_> {
    fn len(&self) -> usize {
        match self {
            Options::Lines(lines) | Options::Filled(lines, _) => lines.texts.len(),
            Options::Inform { .. } => 3,
        }
    }

    /// Option `idx`, or the next one (cyclically) not against `register` if it is, with its fit (see
    /// [`Register::fit`]); values are neutral.
    fn settle(&self, register: Register, idx: usize) -> (usize, i8) {
        match self {
            Options::Lines(lines) | Options::Filled(lines, _) => lines.settle(register, idx),
            Options::Inform { .. } => (idx, 0),
        }
    }

    /// Writes option `idx`.
    fn put(&self, sink: &mut impl Sink, idx: usize) {
        match self {
            Options::Lines(lines) => sink.put(lines.texts[idx]),
            Options::Filled(templates, fill) => {
                put_template(sink, templates.texts[idx], |sink| fill.put(sink));
            }
            Options::Inform { act, slots } => put_inform(sink, act, *slots, idx),
        }
    }

    /// The words in option `idx`.
    fn words(&self, idx: usize) -> usize {
        Words::count(|words| self.put(words, idx))
    }
}

impl Fill<'_> {
    fn put(self, sink: &mut impl Sink) {
        match self {
            Fill::Phrase(phrase) => sink.put(phrase),
            Fill::Topic(id) => {
                for (idx, part) in id.split('_').enumerate() {
                    if idx > 0 {
                        sink.put(" ");
                    }
                    sink.put(part);
                }
            }
            Fill::Slots { act, .. } if act.slots.iter().next().is_none() => sink.put("that"),
            Fill::Slots { act, slots } => put_slot_list(sink, act, slots, "my"),
        }
    }
}

/// Opening lines for the act's intent: its own lines, else generic ones built from its phrase or id.
fn openings<'a>(act: &Act, ctx: &RenderContext<'a>) -> Options<'a> {
    let intent = ctx.intent_spec(act.intent);
    if let Some(phrase) = intent.and_then(|intent| intent.phrase.as_deref()) {
        return Options::Filled(GENERIC_OPENINGS, Fill::Phrase(phrase));
    }
    let id = intent.map_or("", |intent| intent.id.as_str());
    if let Some((_, lines)) = OPENINGS.iter().find(|(known, _)| *known == id) {
        return Options::Lines(lines);
    }
    if INTENT_PHRASES.iter().any(|(known, _)| *known == id) {
        return Options::Filled(GENERIC_OPENINGS, Fill::Phrase(super::intent_phrase(id)));
    }
    if id.is_empty() {
        return Options::Lines(phrasings!["hi, I need some help please", "Hi, can you help me?"]);
    }
    Options::Filled(
        phrasings!["hi, I need help with {}", "Hello, I have a question about {}."],
        Fill::Topic(id),
    )
}

/// What a customer calls a slot when labelling a value; a declared slot's noun loses a leading "the " or
/// "your " ("last four digits of the card").
fn label<'a>(slot: Slot, slots: SlotCtx<'a>) -> &'a str {
    if let Some((spec, _)) = slots.declared(slot) {
        let noun = spec.noun.as_str();
        return ["the ", "The ", "your ", "Your "]
            .iter()
            .find_map(|det| noun.strip_prefix(det))
            .unwrap_or(noun);
    }
    match slot {
        Slot::FULL_NAME => "name",
        Slot::ACCOUNT_ID => "account ID",
        Slot::USERNAME => "username",
        Slot::EMAIL => "email",
        Slot::PHONE => "phone number",
        Slot::ZIP_CODE => "zip code",
        Slot::ORDER_ID => "order ID",
        Slot::PIN_NUMBER => "PIN",
        Slot::SECURITY_ANSWER => "security answer",
        Slot::MEMBERSHIP_LEVEL => "membership",
        Slot::STREET_ADDRESS => "street address",
        Slot::FULL_ADDRESS => "address",
        Slot::PAYMENT_METHOD => "payment method",
        Slot::AMOUNT => "amount",
        Slot::REASON => "reason",
        Slot::PRODUCT => "product",
        Slot::REFUND_METHOD => "refund method",
        Slot::ORDER_OPTION => "option",
        Slot::NEW_VALUE => slot_noun(slot, slots).1,
        Slot::DAYS => "days since purchase",
        _ => "details",
    }
}

/// Writes rendering `idx` of the given values: 0 bare, 1 labelled ("Username: cminh730"), 2 in sentences.
fn put_inform<S: Sink>(sink: &mut S, act: &Act, slots: SlotCtx, idx: usize) {
    let pairs = || act.slots.iter().zip(act.values);
    let n_pairs = pairs().count();
    match idx {
        0 => put_joined(sink, ", ", pairs(), |sink, (slot, value)| {
            sink.value(|sink| put_slot(sink, slot, value, slots));
        }),
        1 => {
            let mut first = true;
            put_joined(sink, ", ", pairs(), |sink, (slot, value)| {
                put_label(sink, label(slot, slots), std::mem::take(&mut first));
                sink.put(": ");
                sink.value(|sink| put_slot(sink, slot, value, slots));
            });
        }
        _ => put_list(sink, n_pairs, pairs(), |sink, (slot, value)| {
            put_sentence(sink, slot, value, slots);
        }),
    }
}

/// Writes a label in the customer's words ("my" for "your"), capitalised when it starts the text.
fn put_label(sink: &mut impl Sink, label: &str, capitalise: bool) {
    let split =
        if capitalise && label.as_bytes().first().is_some_and(u8::is_ascii) { 1 } else { 0 };
    let (head, rest) = label.split_at(split);
    put_capitalised(sink, head);
    put_owned(sink, rest, "my");
}

/// Writes one value as a sentence ("my username is cminh730"; "the last four digits of the card is 0042").
fn put_sentence(sink: &mut impl Sink, slot: Slot, value: u64, slots: SlotCtx) {
    if let Some((spec, _)) = slots.declared(slot) {
        put_owned(sink, &spec.noun, "my");
        sink.put(" is ");
        return sink.value(|sink| put_slot(sink, slot, value, slots));
    }
    let (before, after) = match slot {
        Slot::MEMBERSHIP_LEVEL => ("I'm a ", " member"),
        Slot::AMOUNT => ("the amount is ", ""),
        Slot::REASON => ("the reason is ", ""),
        Slot::PRODUCT => ("it's the ", ""),
        Slot::REFUND_METHOD => ("I'd like the refund by ", ""),
        Slot::ORDER_OPTION => ("I'd like ", ""),
        Slot::NEW_VALUE => ("I want it changed to ", ""),
        Slot::DAYS => ("I bought it ", " ago"),
        _ => {
            sink.put("my ");
            sink.put(label(slot, slots.without_field()));
            (" is ", "")
        }
    };
    sink.put(before);
    sink.value(|sink| put_slot(sink, slot, value, slots));
    sink.put(after);
}

/// Of two drawn options, the one in the customer's register, else the one whose length is closer to `target`
/// words (the first on a tie), with its length; an option against the register is first swapped for the next
/// one that is not.
fn choose(
    options: &Options,
    [first, second]: [usize; 2],
    target: f64,
    register: Register,
) -> (usize, usize) {
    if register == Register::Plain {
        return closer(options, [first, second], target);
    }
    let ((first, first_fit), (second, second_fit)) =
        (options.settle(register, first), options.settle(register, second));
    match first_fit.cmp(&second_fit) {
        std::cmp::Ordering::Greater => (first, options.words(first)),
        std::cmp::Ordering::Less => (second, options.words(second)),
        std::cmp::Ordering::Equal => closer(options, [first, second], target),
    }
}

/// Of two drawn options, the one whose length is closer to `target` words (the first on a tie), with its
/// length.
fn closer(options: &Options, [first, second]: [usize; 2], target: f64) -> (usize, usize) {
    let n_first = options.words(first);
    if second == first {
        return (first, n_first);
    }
    let n_second = options.words(second);
    let distance = |n_words: usize| (n_words as f64 - target).abs();
    if distance(n_second) < distance(n_first) { (second, n_second) } else { (first, n_first) }
}

/// Writes option `core` (of `core_words` words) with an optional lead-in and closing pleasantries until it
/// nears `target` words, avoiding those against `register`.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site; the arguments are the rendering's state"
)]
fn pad(
    marked: &mut Marked,
    options: &Options,
    core: usize,
    core_words: usize,
    kind: ActKind,
    target: f64,
    register: Register,
    pick: &mut Pick,
) {
    let (leads, closers): (&Phrasings, &Phrasings) = match kind {
        ActKind::StateNeed | ActKind::VagueNeed | ActKind::Insist => (
            phrasings!["so", "ok so", "well,", "um,"],
            phrasings![
                "Can you help me with that?",
                "I'd really appreciate the help.",
                "Thanks in advance.",
                "Hope you can sort it out.",
                "Let me know what you need from me.",
            ],
        ),
        ActKind::Inform | ActKind::DontKnow => (
            phrasings!["sure,", "ok,", "yes,", "of course,", "let me check,"],
            phrasings![
                "Hope that helps.",
                "Let me know if you need anything else.",
                "Thanks.",
                "Is that enough?",
            ],
        ),
        ActKind::Acknowledge | ActKind::ThankBye => (
            phrasings!["ok,", "alright,", "oh,"],
            phrasings!["I appreciate it.", "Understood.", "Okay then."],
        ),
        _ => (
            phrasings!["honestly,", "look,", "well,", "ok,"],
            phrasings![
                "This is taking a while.",
                "I don't have all day.",
                "Sorry, I'm a bit distracted."
            ],
        ),
    };
    let mut n_words = core_words;
    let mut lead = None;
    let mut tail: [&str; 2] = [""; 2];
    let mut n_tail = 0;
    for _ in 0..4 {
        if n_words as f64 >= target - 1.0 {
            break;
        }
        if lead.is_none() && (n_tail == 2 || pick.chance(0.4)) {
            let chosen = leads.texts[leads.settle(register, pick.below(leads.texts.len())).0];
            n_words += Words::of(chosen);
            lead = Some(chosen);
        } else if n_tail < 2 {
            let chosen = closers.texts[closers.settle(register, pick.below(closers.texts.len())).0];
            if !tail[..n_tail].contains(&chosen) {
                n_words += Words::of(chosen);
                tail[n_tail] = chosen;
                n_tail += 1;
            }
        }
    }
    let start = marked.out.len();
    if let Some(lead) = lead {
        marked.out.push_str(lead);
        marked.out.push(' ');
        let core_start = marked.out.len();
        options.put(marked, core);
        decapitalise(&mut marked.out[core_start..]);
    } else {
        options.put(marked, core);
    }
    let out = &mut *marked.out;
    for closer in &tail[..n_tail] {
        if out[start..].ends_with(|ch: char| ch.is_alphanumeric()) {
            out.push_str(", ");
            let closer_start = out.len();
            out.push_str(closer);
            decapitalise(&mut out[closer_start..]);
        } else {
            out.push(' ');
            out.push_str(closer);
        }
    }
}

/// Mild casualness on `out[start..]`: sometimes a lower-case start, sometimes no final full stop.
fn casual(out: &mut String, start: usize, pick: &mut Pick) {
    if pick.chance(0.3) {
        decapitalise(&mut out[start..]);
    }
    match out[start..].strip_suffix('.') {
        Some(stripped) if pick.chance(0.3) && !stripped.ends_with('.') => {
            out.truncate(out.len() - 1);
        }
        _ => {}
    }
}
