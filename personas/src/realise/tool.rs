//! Tool rows, rendered like ABCD's system action text ("Account has been pulled up for Crystal Minh."); tools
//! written as data read "block-card: done for card_last4 0042." or "check-dispute-window: failed.".

use sim_core::act::Slot;
use sim_core::record::TurnRecord;
use sim_core::spec::Effect;
use sim_core::world::ToolOutcome;

use super::pools::{SHIPPING_STATES, entry};
use super::sink::{put_list, put_uint};
use super::{RenderContext, SlotCtx, put_slot};

/// Appends a tool call and its result; text does not depend on the seed, so logs read uniformly.
pub(crate) fn render_into(row: &TurnRecord, ctx: &RenderContext, out: &mut String) {
    let Some(tool) = row.tool else { return out.push_str("(tool call)") };
    let Some(spec) = ctx.scenario.tools.get(tool as usize) else {
        out.push_str("Tool ");
        put_uint(out, u64::from(tool), 0);
        return out.push_str(" was called.");
    };
    let outcome = row.outcome.unwrap_or(ToolOutcome::new(false, 0));
    let passed = outcome.passed;
    if let Some(says) = &spec.says {
        let template = if passed { &says.done } else { &says.failed };
        return put_says(out, template, spec, row, &outcome, ctx);
    }
    if let Some(instruction) = &spec.instruction {
        out.push_str("Instructed the customer: \"");
        out.push_str(instruction);
        return out.push_str(if passed { "\". Done." } else { "\". Not done." });
    }
    let slots = ctx.slots();
    // The given value of `slot`, if any; false when not given.
    let value = |out: &mut String, slot: Slot| match row.args.get(slot) {
        Some(value) => {
            put_slot(out, slot, value, slots);
            true
        }
        None => false,
    };
    // Every given value as a list, or "no details".
    let listed = |out: &mut String| {
        let n_args = row.args.iter().count();
        if n_args == 0 {
            return out.push_str("no details");
        }
        put_list(out, n_args, row.args.iter(), |out, (slot, value)| {
            put_slot(out, slot, value, slots);
        });
    };
    // The given value of `slot`, else the list.
    let value_or_listed = |out: &mut String, slot: Slot| {
        if !value(out, slot) {
            listed(out);
        }
    };
    let (before, after) = match &spec.effect {
        Effect::PullUpAccount => {
            out.push_str(if passed {
                "Account has been pulled up for "
            } else {
                "No account could be found for "
            });
            if row.args.get(Slot::FULL_NAME).is_some() {
                value(out, Slot::FULL_NAME);
            } else if row.args.get(Slot::ACCOUNT_ID).is_some() {
                out.push_str("account ID ");
                value(out, Slot::ACCOUNT_ID);
            } else {
                listed(out);
            }
            return out.push('.');
        }
        Effect::VerifyIdentity if passed => ("Identity verified with ", "."),
        Effect::VerifyIdentity => ("Identity could not be verified with ", "."),
        Effect::ValidatePurchase if passed => {
            ("Purchase validation in progress ... purchase validated for ", ".")
        }
        Effect::ValidatePurchase => {
            ("Purchase validation in progress ... purchase could not be validated for ", ".")
        }
        Effect::Record if spec.id == "record-reason" => ("A reason of ", " has been recorded."),
        Effect::Record => ("Details of ", " have been entered."),
        Effect::Refund => {
            out.push_str("Refund of ");
            if !value(out, Slot::AMOUNT) {
                put_slot(out, Slot::AMOUNT, outcome.value, slots.without_field());
            }
            return out.push_str(" recorded.");
        }
        Effect::UpdateAccount if passed && row.args.get(Slot::NEW_VALUE).is_none() => {
            return out.push_str("Account has been updated.");
        }
        Effect::UpdateAccount if passed => {
            out.push_str("Account has been updated with ");
            value_or_listed(out, Slot::NEW_VALUE);
            return out.push('.');
        }
        Effect::UpdateOrder if passed => {
            out.push_str("Order has been updated with ");
            value_or_listed(out, Slot::ORDER_OPTION);
            return out.push('.');
        }
        Effect::UpdateAccount | Effect::UpdateOrder => ("The update with ", " could not be made."),
        Effect::MakePassword if passed => {
            return out.push_str("A new password has been generated.");
        }
        Effect::MakePassword => ("Password could not be reset: ", " did not match."),
        Effect::SendLink => {
            if row.args.get(Slot::EMAIL).is_none() {
                return out.push_str("A link will be sent.");
            }
            out.push_str("A link will be sent to ");
            value(out, Slot::EMAIL);
            return out.push('.');
        }
        Effect::PromoCode => return out.push_str("A promo code has been created."),
        Effect::AskOracle => {
            let answer = if passed { "yes" } else { "no" };
            out.push_str("Querying the system for an answer ... the answer is ");
            out.push_str(answer);
            return out.push('.');
        }
        Effect::ShippingStatus => {
            out.push_str("Shipping status of ");
            out.push_str(entry(&SHIPPING_STATES, outcome.value));
            return out.push_str(" has been found.");
        }
        Effect::Membership => {
            out.push_str("Membership level of ");
            if !value(out, Slot::MEMBERSHIP_LEVEL) {
                out.push_str("the account");
            }
            out.push_str(" has been noted: ");
            out.push_str(if passed { "eligible" } else { "not eligible" });
            return out.push('.');
        }
        Effect::NotifyTeam => return out.push_str("The manager has been notified."),
        Effect::MakePurchase => {
            out.push_str("A purchase of ");
            value_or_listed(out, Slot::PRODUCT);
            return out.push_str(" was made.");
        }
        Effect::Data(data) => {
            out.push_str(&spec.id);
            out.push_str(if passed { ": done" } else { ": failed" });
            if row.args.iter().count() > 0 {
                out.push_str(" for ");
                put_list(out, row.args.iter().count(), row.args.iter(), |out, (slot, value)| {
                    out.push_str(ctx.scenario.slot_name(slot));
                    out.push(' ');
                    put_slot(out, slot, value, slots);
                });
            }
            // The step of the customer's request may report another fact than the tool's own value.
            let step_reports = ctx
                .intent_spec(ctx.intent.unwrap_or(u16::MAX))
                .and_then(|intent| intent.step_with(tool))
                .and_then(|step| step.reports);
            match step_reports {
                Some(slot) if passed => {
                    out.push_str(", ");
                    out.push_str(ctx.scenario.slot_name(slot));
                    out.push(' ');
                    put_slot(out, slot, outcome.value, slots);
                }
                _ if passed && (data.value.is_some() || outcome.value != 0) => {
                    out.push_str(", value ");
                    put_reported(out, data, outcome.value, ctx.scenario, slots);
                }
                _ => {}
            }
            return out.push('.');
        }
    };
    out.push_str(before);
    listed(out);
    out.push_str(after);
}

/// Writes a tool's own text, filling `{slot}` with the given argument or the value the call showed, and `{value}`
/// with the reported value.
fn put_says(
    out: &mut String,
    template: &str,
    spec: &sim_core::spec::ToolSpec,
    row: &TurnRecord,
    outcome: &ToolOutcome,
    ctx: &RenderContext,
) {
    let value = outcome.value;
    let slots = ctx.slots();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|close| open + close) else { break };
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        match (name, &spec.effect) {
            ("value", Effect::Data(data)) => put_reported(out, data, value, ctx.scenario, slots),
            ("value", _) => put_uint(out, value, 0),
            _ => match ctx
                .scenario
                .slot_named(name)
                .and_then(|slot| Some((slot, row.args.get(slot).or(outcome.shown.get(slot))?)))
            {
                Some((slot, given)) => put_slot(out, slot, given, slots),
                None => out.push_str(&rest[open..=close]),
            },
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
}

/// Writes the value a data tool reports, typed by what its `value` reads: an argument (a dispute of $84.00 reports
/// $84.00) or a field (a quoted list price reports $30.00); anything computed is a plain number.
fn put_reported(
    out: &mut String,
    data: &sim_core::spec::DataEffect,
    value: u64,
    scenario: &sim_core::spec::ScenarioSpec,
    slots: SlotCtx,
) {
    use sim_core::expr::Expr;
    /// The field an expression reports, following references (`At`) to the field read there.
    fn reported_field(expr: &Expr) -> Option<sim_core::field::FieldId> {
        match expr {
            Expr::Field(field) => Some(*field),
            Expr::At(_, _, value) => reported_field(value),
            _ => None,
        }
    }
    match &data.value {
        Some(Expr::Arg(slot)) => put_slot(out, Slot(*slot), value, slots),
        Some(expr) => {
            match reported_field(expr).and_then(|field| scenario.fields.get(usize::from(field))) {
                Some(spec) => spec.ty.render(value, out),
                None => put_uint(out, value, 0),
            }
        }
        None => put_uint(out, value, 0),
    }
}
