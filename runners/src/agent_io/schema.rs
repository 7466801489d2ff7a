//! A scenario's tools as chat-completions function schemas: what `rehearse tools` prints and what an external agent
//! is given beside the policy text.
//!
//! Every argument is a string written as the customer would say it ("$12.50", "(680) 976-9368"); a closed list of
//! values is an `enum`. A tool that needs every argument lists them all as `required`; one that needs some of them
//! (three of five identity facts) says how many in its description and requires none. An open string is at most
//! [`MAX_VALUE_CHARS`] long: a server that constrains tool arguments by the schema's grammar (llama.cpp does, and
//! ignores `max_tokens` there) then cannot run one argument to the end of its context.

use serde_json::{Value, json};
use sim_core::spec::{Effect, ScenarioSpec, ToolId, ToolSpec};
use sim_personas::realise::{slot_choices, slot_phrase};

/// The longest value an argument may be: every value a customer of a built-in scenario says is shorter (the
/// longest, retail-support's "whether it can go in the washer or is dry-clean only", has 52 characters).
pub const MAX_VALUE_CHARS: u32 = 100;

/// Every tool of `scenario`, in its order, as `{"type": "function", "function": {...}}` objects.
pub fn tool_schemas(scenario: &ScenarioSpec) -> Vec<Value> {
    (0..scenario.tools.len()).map(|id| tool_schema(scenario, id as ToolId)).collect()
}

/// One tool's schema: its arguments are every slot the tool or an intent's step with it takes.
pub fn tool_schema(scenario: &ScenarioSpec, id: ToolId) -> Value {
    let tool = &scenario.tools[usize::from(id)];
    let mut properties = serde_json::Map::new();
    let mut names = Vec::new();
    for slot in scenario.tool_takes(id).iter() {
        let name = scenario.slot_name(slot).to_owned();
        // The agent's "your full name" is the customer's in a tool's description.
        let phrase = slot_phrase(scenario, slot);
        let phrase = match phrase.strip_prefix("your ") {
            Some(noun) => format!("the customer's {noun}"),
            None => phrase,
        };
        let mut property = json!({
            "type": "string",
            "description": format!("{phrase}, written as the customer says it"),
        });
        match slot_choices(scenario, slot) {
            Some(choices) => property["enum"] = json!(choices),
            None => property["maxLength"] = json!(MAX_VALUE_CHARS),
        }
        properties.insert(name.clone(), property);
        names.push(name);
    }
    // Only the tool's own arguments can all be required: a step's extra ones belong to some requests only.
    let every = usize::from(tool.min_args) >= tool.args.len() as usize
        && tool.args.len() as usize == names.len();
    let required: Vec<&String> = if every { names.iter().collect() } else { Vec::new() };
    let mut description = describe(tool);
    if !every && tool.min_args > 0 {
        description.push_str(&format!(" Give at least {} of its arguments.", tool.min_args));
    }
    json!({
        "type": "function",
        "function": {
            "name": tool.id,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": false,
            },
        },
    })
}

/// What the tool does, in a sentence: the customer's action it asks for, the text it returns (placeholders shown as
/// `<slot>`), or the native effect's meaning.
fn describe(tool: &ToolSpec) -> String {
    if let Some(instruction) = &tool.instruction {
        return format!(
            "Asks the customer to do this on their own device: \"{instruction}\"; it works only if they manage it."
        );
    }
    if let Some(says) = &tool.says {
        return format!(
            "On success it returns \"{}\"; otherwise \"{}\".",
            placeholders(&says.done),
            placeholders(&says.failed)
        );
    }
    match &tool.effect {
        Effect::PullUpAccount => "Opens the customer's account by full name or account ID.",
        Effect::VerifyIdentity => "Verifies the customer's identity against the account.",
        Effect::ValidatePurchase => {
            "Validates the purchase: the username, email and order ID must all match."
        }
        Effect::Record => "Records a detail of the request.",
        Effect::Refund => "Refunds the amount to the customer.",
        Effect::UpdateAccount => "Changes the account as the customer asks.",
        Effect::UpdateOrder => "Changes the order as the customer asks.",
        Effect::MakePassword => "Resets the password; needs the customer's PIN or security answer.",
        Effect::SendLink => "Sends the customer a link.",
        Effect::PromoCode => "Issues a promo code.",
        Effect::AskOracle => "Asks whether the company made an error here.",
        Effect::ShippingStatus => "Reports the order's shipping status.",
        Effect::Membership => "Checks the customer's membership privileges for this request.",
        Effect::NotifyTeam => "Notifies the internal team.",
        Effect::MakePurchase => "Places an order for the customer.",
        Effect::Data(_) if tool.args.is_empty() => {
            "Checks a condition on the customer's records; fails when it does not hold."
        }
        Effect::Data(_) => {
            "Checks the given values against the records; fails when they match nothing."
        }
    }
    .to_owned()
}

/// A tool text with its `{slot}` placeholders written `<slot>`, so no reader takes them for values.
fn placeholders(text: &str) -> String {
    text.replace('{', "<").replace('}', ">")
}

#[cfg(test)]
mod tests;
