//! Agent turns: greetings, questions, results, denials and goodbyes, in a support agent's voice.

use sim_core::act::{Act, ActKind};
use sim_core::spec::{AccountField, AgentReply, Outcome, ToolId};

use super::sink::{put_capitalised, put_template, put_word_swapped};
use super::{Pick, RenderContext, act_intent_phrase, decapitalise, put_slot, put_slot_list};

/// Appends an agent act: the scenario's own words for it where it has some, else the built-in phrasings.
pub(crate) fn render_into(act: &Act, ctx: &RenderContext, pick: &mut Pick, out: &mut String) {
    if scenario_reply(act, ctx, pick, out) {
        return;
    }
    let line = match act.kind {
        ActKind::Greet => pick.one(&[
            "Hi! How can I help you today?",
            "good afternoon, how can I help you?",
            "Hello, thanks for reaching out. What can I do for you?",
            "Hi there, what can I help you with?",
        ]),
        ActKind::AskNeed => pick.one(&[
            "Sure, what seems to be the problem?",
            "Could you tell me a bit more about what you need?",
            "What can I help you with today?",
            "I'm happy to help. What's going on?",
        ]),
        ActKind::Ask if act.slots.iter().next().is_none() => {
            "Could you give me a few more details?"
        }
        ActKind::Ask => {
            let template = pick.one(&[
                "Could I have {}?",
                "May I have {} please?",
                "I'll need {}.",
                "Can you give me {}?",
                "Sure, could you provide {}?",
            ]);
            let slots = ctx.slots();
            return put_template(out, template, |out| put_slot_list(out, act, slots, "your"));
        }
        ActKind::Progress => {
            // A step done with more to do, where the scenario gives no words for it: not the outcome.
            out.push_str(pick.one(&[
                "Okay, that's done.",
                "Thanks, that step is done.",
                "Good, that's done.",
            ]));
            return;
        }
        ActKind::InformResult => {
            let lead = pick.one(&["", "Okay, ", "Great news! ", "All done. "]);
            let result = result(act, ctx, pick);
            out.push_str(lead);
            let start = out.len();
            out.push_str(result);
            if !lead.is_empty() {
                decapitalise(&mut out[start..]);
            }
            return;
        }
        ActKind::Disclose => {
            out.push_str(pick.one(&["Here you go. ", "All set. ", "Okay, I found it. ", ""]));
            let slots = ctx.slots().without_field();
            for (pos, (slot, value)) in act.slots.iter().zip(act.values).enumerate() {
                if pos > 0 {
                    out.push(' ');
                }
                match slots.declared(slot) {
                    Some((spec, _)) => {
                        put_capitalised(out, &spec.noun);
                        out.push_str(" is ");
                    }
                    None => out.push_str(match slot {
                        sim_core::act::Slot::EMAIL => "The email address on the account is ",
                        _ => "Your username is ",
                    }),
                }
                put_slot(out, slot, value, slots);
                out.push('.');
            }
            return;
        }
        ActKind::Deny => {
            let phrase = act_intent_phrase(act, ctx);
            let template = pick.one(&[
                "I'm sorry, but your request to {} can't be approved.",
                "I'm afraid our policy doesn't allow it, so I can't help you {} this time.",
                "Sorry, I can't help you {} in this case.",
                "unfortunately I'm unable to help you {}, it doesn't meet our policy.",
            ]);
            // Customers phrase their need in their own words ("replace my card"); the agent says "your".
            put_template(out, template, |out| put_word_swapped(out, phrase, "my", "your"));
            if let Some(tool) =
                act.refusal_reason().and_then(|tool| ctx.scenario.tools.get(usize::from(tool)))
            {
                let because = pick.one(&[
                    " The {} check did not go through.",
                    " It didn't pass our {} check.",
                    " Our {} check says no.",
                ]);
                put_template(out, because, |out| out.push_str(&tool.id));
            }
            return;
        }
        ActKind::Apologize => pick.one(&[
            "I'm so sorry about the trouble.",
            "I apologize for the inconvenience.",
            "Sorry about that, I understand it's frustrating.",
            "I'm sorry for the wait, thanks for your patience.",
        ]),
        ActKind::AnythingElse => pick.one(&[
            "Is there anything else I can help you with?",
            "Would there be anything else I can help you with?",
            "Anything else I can do for you today?",
        ]),
        ActKind::Transfer => pick.one(&[
            "I'll transfer you to a member of our team who can help further. Please hold.",
            "Let me connect you with a manager.",
            "I'm going to pass you to a specialist now, one moment.",
        ]),
        ActKind::Close => pick.one(&[
            "Have a great day!",
            "Thanks for contacting us, have a nice day.",
            "a pleasure to help you, have a nice day",
            "Take care!",
        ]),
        ActKind::Offer => {
            let slots = ctx.slots();
            let offered =
                ctx.intent_spec(act.intent).and_then(|intent| intent.offer).map(|o| o.slot);
            let offer_slot = offered.or_else(|| act.slots.iter().next());
            let Some((slot, value)) = offer_slot.and_then(|slot| Some((slot, act.value_of(slot)?)))
            else {
                return out.push_str("I have an offer for you.");
            };
            // The facts that go with the offer first: "The plan covers what you need: yes."
            for (claim, claimed) in act.slots.iter().zip(act.values).filter(|(s, _)| *s != slot) {
                let (_, noun) = super::slot_noun(claim, slots);
                put_capitalised(out, noun);
                out.push_str(": ");
                put_slot(out, claim, claimed, slots);
                out.push_str(". ");
            }
            // A yes-or-no offer (a Bool slot: "book the room?") is a question, not an amount
            if matches!(slots.declared(slot), Some((_, sim_core::field::FieldType::Bool))) {
                let template = pick.one(&[
                    "Shall I go ahead with {}?",
                    "Would you like me to go ahead with {}?",
                    "Can I go ahead with {} for you?",
                ]);
                return put_template(out, template, |out| {
                    out.push_str(super::slot_noun(slot, slots).1)
                });
            }
            let template = pick.one(&[
                "I can offer you {}. Would that work for you?",
                "What if I gave you {}? Would you like that?",
                "I'd like to offer you {}. Shall I go ahead with that?",
                "How about {}?",
            ]);
            return put_template(out, template, |out| {
                let (det, noun) = super::slot_noun(slot, slots);
                if !det.is_empty() {
                    out.push_str(det);
                    out.push(' ');
                }
                out.push_str(noun);
                out.push_str(" of ");
                put_slot(out, slot, value, slots);
            });
        }
        ActKind::Filler => pick.one(&[
            "one moment please",
            "let me check that.",
            "sure!",
            "just a second",
            "bear with me a moment.",
        ]),
        // Customer acts are rendered by the customer module; this is only reached by misuse.
        _ => "...",
    };
    out.push_str(line);
}

/// Appends one of the scenario's replies for this act (same act, same slots, for the customer's intent or any),
/// its holes filled with the act's values, else the latest said or looked up before it, else the customer's; false, with nothing appended, when it has none
/// or a hole has no value.
fn scenario_reply(act: &Act, ctx: &RenderContext, pick: &mut Pick, out: &mut String) -> bool {
    let scenario = ctx.scenario;
    let after = reply_follows(act, ctx);
    let fits = |reply: &&AgentReply| {
        reply.act == act.kind
            && reply.slots == act.slots
            && reply.intent.is_none_or(|intent| ctx.intent == Some(intent))
            && reply.after.is_none_or(|tool| after == Some(tool))
    };
    let Some(reply) = pick_reply(scenario.agent_replies.iter().filter(fits), pick) else {
        return false;
    };
    let start = out.len();
    let slots = ctx.slots();
    let mut rest = reply.text.as_str();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        // Validation rejects an unclosed brace; one in a hand-built spec is said as written.
        let Some(close) = after.find('}') else {
            rest = &rest[open..];
            break;
        };
        let slot = scenario.slot_named(&after[..close]);
        let held = |slot| {
            let said = ctx.earlier.iter().rev().find_map(|row| {
                row.args.get(slot).or_else(|| row.act.and_then(|act| act.value_of(slot)))
            });
            said.or_else(|| {
                ctx.known.filter(|known| known.known.contains(slot)).map(|known| known.values[slot])
            })
        };
        match slot.and_then(|slot| Some((slot, act.value_of(slot).or_else(|| held(slot))?))) {
            Some((slot, value)) => put_slot(out, slot, value, slots),
            None => {
                out.truncate(start);
                return false;
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    true
}

/// One of `fitting` by weight (uniformly when the weights are equal), or `None` when there is none.
fn pick_reply<'a>(
    fitting: impl Iterator<Item = &'a AgentReply> + Clone,
    pick: &mut Pick,
) -> Option<&'a AgentReply> {
    let first = fitting.clone().next()?;
    let (count, total, even) =
        fitting.clone().fold((0, 0.0, true), |(count, total, even), reply| {
            (count + 1, total + reply.weight, even && reply.weight == first.weight)
        });
    if even {
        return fitting.clone().nth(pick.below(count));
    }
    let mut left = pick.unit() * total;
    let mut last = first;
    for reply in fitting {
        left -= reply.weight;
        if left < 0.0 {
            return Some(reply);
        }
        last = reply;
    }
    // Rounding can leave a sliver past the last reply: it is the last one's.
    Some(last)
}

/// The tool call an act follows, for replies said only after one: a refusal's check; a result's latest passed call.
fn reply_follows(act: &Act, ctx: &RenderContext) -> Option<ToolId> {
    match act.kind {
        ActKind::Deny => act.refusal_reason(),
        ActKind::InformResult | ActKind::Progress => ctx
            .earlier
            .iter()
            .rev()
            .find_map(|row| row.outcome.filter(|outcome| outcome.passed).and(row.tool)),
        _ => None,
    }
}

/// The outcome sentence of an `InformResult`, from what the intent resolves to.
fn result(act: &Act, ctx: &RenderContext, pick: &mut Pick) -> &'static str {
    let outcome = ctx.intent_spec(act.intent).and_then(|intent| intent.resolved.first());
    let options: &[&str] = match outcome {
        Some(Outcome::RefundedGoalAmount) => &[
            "Your refund has been processed, it should show up in 3-5 business days.",
            "The refund is done, you'll see it on your statement within a week.",
        ],
        Some(Outcome::AccountFieldIsGoal(AccountField::Address)) => {
            &["Your address has been updated.", "I've changed the address on your account."]
        }
        Some(Outcome::AccountFieldIsGoal(AccountField::Name)) => {
            &["Your name has been updated.", "I've changed the name on your account."]
        }
        Some(Outcome::AccountFieldIsGoal(AccountField::Phone)) => &[
            "Your phone number has been updated.",
            "I've changed the phone number on your account.",
        ],
        Some(Outcome::AccountFieldIsGoal(AccountField::PaymentMethod)) => &[
            "Your payment method has been updated.",
            "I've switched the payment method on your account.",
        ],
        Some(Outcome::OrderOptionIsGoal) => {
            &["Your order has been updated.", "I've made that change to your order."]
        }
        Some(Outcome::PasswordReset) => &[
            "Your password has been reset, you can log in with the new one now.",
            "I've reset your password.",
        ],
        Some(Outcome::Disclosed(_)) => {
            &["I've found the details on your account.", "I have what you asked for."]
        }
        Some(Outcome::LinkSent) => {
            &["I've sent you a link by email.", "A link is on its way to your inbox."]
        }
        Some(Outcome::PromoIssued) => {
            &["I've issued you a new promo code.", "Here's a fresh promo code for you."]
        }
        Some(Outcome::Purchased) => {
            &["Your order has been placed.", "I've placed that order for you."]
        }
        Some(Outcome::AccountUpdated) => {
            &["Your account has been updated.", "I've made that change on your account."]
        }
        Some(Outcome::TeamNotified) => &[
            "I've let the team know and they'll follow up with you.",
            "The team has been notified.",
        ],
        Some(Outcome::StepsTaken | Outcome::TurnedDown(_)) => &[
            "I've looked into it, and that is how it stands.",
            "I've checked everything on my side.",
        ],
        Some(Outcome::Fixed) => {
            &["Glad that's working for you now.", "Good, the site should behave from here on."]
        }
        Some(
            Outcome::Holds(_) | Outcome::IfUnsatisfied(_) | Outcome::AnyOf(_) | Outcome::Tried(_),
        )
        | None => &["That's all taken care of.", "Everything is sorted on my end."],
    };
    pick.one(options)
}
