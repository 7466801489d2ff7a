//! Tool rows, rendered like ABCD's system action text ("Account has been pulled up for Crystal Minh.").

use sim_core::act::Slot;
use sim_core::record::TurnRecord;
use sim_core::spec::Effect;
use sim_core::world::ToolOutcome;

use super::pools::{SHIPPING_STATES, entry};
use super::{RenderContext, join_list, render_slot};

/// Renders a tool call and its result; text does not depend on the seed, so logs read uniformly.
pub(crate) fn render(row: &TurnRecord, ctx: &RenderContext) -> String {
    let Some(tool) = row.tool else { return "(tool call)".to_owned() };
    let Some(spec) = ctx.scenario.tools.get(tool as usize) else {
        return format!("Tool {tool} was called.");
    };
    let outcome = row.outcome.unwrap_or(ToolOutcome { passed: false, value: 0 });
    let passed = outcome.passed;
    let field = ctx.field();
    let value = |slot: Slot| row.args.get(slot).map(|value| render_slot(slot, value, field));
    let values: Vec<String> =
        row.args.iter().map(|(slot, value)| render_slot(slot, value, field)).collect();
    let listed = if values.is_empty() { "no details".to_owned() } else { join_list(&values) };
    match spec.effect {
        Effect::PullUpAccount => {
            let who = value(Slot::FullName)
                .or_else(|| value(Slot::AccountId).map(|id| format!("account ID {id}")))
                .unwrap_or(listed);
            if passed {
                format!("Account has been pulled up for {who}.")
            } else {
                format!("No account could be found for {who}.")
            }
        }
        Effect::VerifyIdentity if passed => format!("Identity verified with {listed}."),
        Effect::VerifyIdentity => format!("Identity could not be verified with {listed}."),
        Effect::ValidatePurchase if passed => {
            format!("Purchase validation in progress ... purchase validated for {listed}.")
        }
        Effect::ValidatePurchase => {
            format!(
                "Purchase validation in progress ... purchase could not be validated for {listed}."
            )
        }
        Effect::Record if spec.id == "record-reason" => {
            format!("A reason of {listed} has been recorded.")
        }
        Effect::Record => format!("Details of {listed} have been entered."),
        Effect::Refund => {
            let amount = value(Slot::Amount)
                .unwrap_or_else(|| render_slot(Slot::Amount, outcome.value, None));
            format!("Refund of {amount} recorded.")
        }
        Effect::UpdateAccount if passed => {
            format!("Account has been updated with {}.", value(Slot::NewValue).unwrap_or(listed))
        }
        Effect::UpdateOrder if passed => {
            format!("Order has been updated with {}.", value(Slot::OrderOption).unwrap_or(listed))
        }
        Effect::UpdateAccount | Effect::UpdateOrder => {
            format!("The update with {listed} could not be made.")
        }
        Effect::MakePassword if passed => "A new password has been generated.".to_owned(),
        Effect::MakePassword => format!("Password could not be reset: {listed} did not match."),
        Effect::SendLink => match value(Slot::Email) {
            Some(email) => format!("A link will be sent to {email}."),
            None => "A link will be sent.".to_owned(),
        },
        Effect::PromoCode => "A promo code has been created.".to_owned(),
        Effect::AskOracle => {
            let answer = if passed { "yes" } else { "no" };
            format!("Querying the system for an answer ... the answer is {answer}.")
        }
        Effect::ShippingStatus => {
            format!("Shipping status of {} has been found.", entry(&SHIPPING_STATES, outcome.value))
        }
        Effect::Membership => {
            let level = value(Slot::MembershipLevel).unwrap_or_else(|| "the account".to_owned());
            let verdict = if passed { "eligible" } else { "not eligible" };
            format!("Membership level of {level} has been noted: {verdict}.")
        }
        Effect::NotifyTeam => "The manager has been notified.".to_owned(),
        Effect::MakePurchase => {
            format!("A purchase of {} was made.", value(Slot::Product).unwrap_or(listed))
        }
    }
}
