//! The schemas of the built-in scenarios' tools, checked against their scenario files by hand.

use super::*;

fn tool<'a>(schemas: &'a [Value], name: &str) -> &'a Value {
    schemas.iter().find(|schema| schema["function"]["name"] == name).expect("the tool exists")
}

fn scenario(id: &str) -> ScenarioSpec {
    crate::setup::load_scenario(id).expect("a built-in scenario").0
}

/// bank-card-services: `verify-identity` takes three identity facts and needs the three ("min_args: 3"), so all three
/// are required (subscription-retention's takes five and needs three: none is); `block-card` needs its one argument
/// and returns the file's text.
#[test]
fn required_arguments_follow_min_args_and_descriptions_the_tool_text() {
    let schemas = tool_schemas(&scenario("bank-card-services"));
    let verify = &tool(&schemas, "verify-identity")["function"];
    let properties = verify["parameters"]["properties"].as_object().unwrap();
    let mut names: Vec<&str> = properties.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["card_last4", "full_name", "pin_number"]);
    let mut required: Vec<&str> = verify["parameters"]["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| name.as_str().unwrap())
        .collect();
    required.sort_unstable();
    assert_eq!(required, ["card_last4", "full_name", "pin_number"]);
    // subscription-retention's takes five and needs three ("min_args: 3"): none is required, the description says
    // three.
    let retention = tool_schemas(&scenario("subscription-retention"));
    let five = &tool(&retention, "verify-identity")["function"];
    assert_eq!(five["parameters"]["properties"].as_object().unwrap().len(), 5);
    assert_eq!(five["parameters"]["required"], json!([]));
    assert!(five["description"].as_str().unwrap().ends_with("Give at least 3 of its arguments."));
    let block = &tool(&schemas, "block-card")["function"];
    assert_eq!(block["parameters"]["required"], json!(["card_last4"]));
    assert_eq!(
        block["description"],
        "On success it returns \"The card ending <card_last4> is blocked.\"; otherwise \"No card ending \
         <card_last4> on this account.\"."
    );
}

/// retail-support: `update-order` takes ABCD's order option, one of its eight `order_slotval` values.
#[test]
fn closed_lists_are_enums() {
    let schemas = tool_schemas(&scenario("retail-support"));
    let option =
        &tool(&schemas, "update-order")["function"]["parameters"]["properties"]["order_option"];
    assert_eq!(
        option["enum"],
        json!([
            "give credit",
            "tomorrow",
            "next week",
            "cancel shipment",
            "by mail",
            "in store",
            "drop off center",
            "waive fee"
        ])
    );
    assert_eq!(option["type"], "string");
}

/// Every tool of every built-in scenario: a name chat-completions accepts, one property per argument, and no
/// required argument the tool does not take.
#[test]
fn every_built_in_tool_has_a_valid_schema() {
    for (id, _) in sim_scenarios::list_built_in() {
        let scenario = scenario(&id);
        let schemas = tool_schemas(&scenario);
        assert_eq!(schemas.len(), scenario.tools.len(), "{id}");
        for (schema, spec) in schemas.iter().zip(&scenario.tools) {
            let function = &schema["function"];
            let name = function["name"].as_str().unwrap();
            assert!(
                (1..=64).contains(&name.len())
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
                "{id}: {name}"
            );
            let properties = function["parameters"]["properties"].as_object().unwrap();
            let takes = scenario.tool_takes(scenario.tool_id(name).unwrap());
            assert_eq!(properties.len() as u32, takes.len(), "{id}: {name}");
            assert!(takes.0 & spec.args.0 == spec.args.0, "{id}: {name}");
            for required in function["parameters"]["required"].as_array().unwrap() {
                assert!(properties.contains_key(required.as_str().unwrap()), "{id}: {name}");
            }
            assert!(!function["description"].as_str().unwrap().is_empty(), "{id}: {name}");
        }
    }
}

/// Every value a tool argument of a built-in scenario can take, rendered as the customer says it, fits the schema's
/// `maxLength` (a thousand values of each slot, and the largest codes).
#[test]
fn every_value_a_customer_says_fits_max_length() {
    for (id, _) in sim_scenarios::list_built_in() {
        let scenario = scenario(&id);
        for tool in 0..scenario.tools.len() {
            for slot in scenario.tool_takes(tool as ToolId).iter() {
                let values = (0..1000).chain([u64::from(u32::MAX), u64::MAX / 2, u64::MAX]);
                for value in values {
                    let text = sim_personas::realise::render_value(&scenario, slot, value);
                    assert!(
                        text.chars().count() <= MAX_VALUE_CHARS as usize,
                        "{id}: {} = {text:?}",
                        scenario.slot_name(slot)
                    );
                }
            }
        }
    }
}
