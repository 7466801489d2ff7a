//! Calls by name: found by id, arguments by slot name, values read against the world and what the customer said;
//! everything else a protocol error naming the reply.

use std::sync::Mutex;

use super::*;
use crate::act::{Act, ActKind, Slot, SlotSet};
use crate::tagging::Tagging;
use crate::testing::tiny_scenario;

/// Reads "N" as N and records the candidates it was given.
#[derive(Default)]
struct Numbers(Mutex<Vec<(Slot, Vec<u64>)>>);

impl TextReader for Numbers {
    fn read_value(&self, _: &ScenarioSpec, slot: Slot, text: &str, candidates: &[u64]) -> u64 {
        self.0.lock().unwrap().push((slot, candidates.to_vec()));
        text.parse().unwrap_or(u64::MAX)
    }

    fn tag(&self, _: &ScenarioSpec, _: &WorldState, _: &[TurnRecord], _: u16, _: &str) -> Tagging {
        Tagging::nothing()
    }
}

fn args(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect()
}

fn customer_says(turn: u16, slot: Slot, value: u64) -> TurnRecord {
    let mut act = Act::bare(ActKind::Inform);
    act.slots = act.slots.with(slot);
    act.values[0] = value;
    TurnRecord { act: Some(act), ..TurnRecord::blank(turn, Speaker::Customer) }
}

/// tiny_scenario's tool 1 is verify-identity (zip, phone, email, order id): a call by name reads each value with
/// the world's true value and every value the customer stated for that slot as candidates.
#[test]
fn a_named_call_reads_each_value_against_the_world_and_the_customer() {
    let scenario = tiny_scenario();
    let world = WorldState::default();
    let turns =
        [customer_says(0, Slot::ZIP_CODE, 12_345), customer_says(2, Slot::ZIP_CODE, 54_321)];
    let reader = Numbers::default();
    let call = read_call(
        &scenario,
        &world,
        &turns,
        &reader,
        "verify-identity",
        &args(&[("zip_code", "777"), ("phone", "5")]),
    );
    let mut expected = ToolArgs::default();
    expected.push(Slot::ZIP_CODE, 777);
    expected.push(Slot::PHONE, 5);
    assert_eq!(call, Ok(Action::Call { tool: 1, args: expected }));
    let seen = reader.0.lock().unwrap().clone();
    let truth_zip = world.account.zip;
    let truth_phone = world.account.phone;
    assert_eq!(
        seen,
        [(Slot::ZIP_CODE, vec![truth_zip, 12_345, 54_321]), (Slot::PHONE, vec![truth_phone])]
    );
}

/// An unknown tool, an argument the tool does not take (or no slot at all), an argument given twice and more
/// arguments than a call holds are protocol errors that quote the call.
#[test]
fn what_cannot_be_read_is_a_protocol_error_quoting_the_call() {
    let scenario = tiny_scenario();
    let world = WorldState::default();
    let reader = Numbers::default();
    let read = |tool: &str, pairs: &[(&str, &str)]| {
        read_call(&scenario, &world, &[], &reader, tool, &args(pairs)).unwrap_err()
    };
    let unknown = read("refund-everything", &[("amount", "5")]);
    assert!(
        unknown.contains("no tool `refund-everything`") && unknown.contains("amount=\"5\""),
        "{unknown}"
    );
    let not_taken = read("verify-identity", &[("amount", "5")]);
    assert!(not_taken.contains("`verify-identity` takes no argument `amount`"), "{not_taken}");
    let no_slot = read("verify-identity", &[("shoe_size", "5")]);
    assert!(no_slot.contains("takes no argument `shoe_size`"), "{no_slot}");
    let twice = read("verify-identity", &[("zip_code", "5"), ("zip_code", "6")]);
    assert!(twice.contains("`zip_code` given twice"), "{twice}");
    let many = read(
        "verify-identity",
        &[("zip_code", "1"), ("phone", "2"), ("email", "3"), ("order_id", "4"), ("zip_code", "5")],
    );
    assert!(many.contains("5 arguments given; a call holds at most 4"), "{many}");
}

/// An utterance by name: the act, asked slots, stated values read against the world and the customer, a refusal's
/// reason by tool id and the request by intent id; what cannot be read is a protocol error.
#[test]
fn an_utterance_by_name_reads_into_the_act() {
    let scenario = tiny_scenario();
    let world = WorldState::default();
    let reader = Numbers::default();
    let say = |act: &str,
               slots: &[(&str, Option<&str>)],
               reason: Option<&str>,
               intent: Option<&str>| NamedSay {
        act: act.to_owned(),
        slots: slots
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.map(str::to_owned)))
            .collect(),
        reason: reason.map(str::to_owned),
        intent: intent.map(str::to_owned),
        text: Some("words".to_owned()),
    };
    let read = |say: NamedSay| read_say(&scenario, &world, &[], &reader, &say);
    let ask = read(say("ask", &[("zip_code", None), ("phone", None)], None, None));
    let asked = Act::ask(SlotSet::EMPTY.with(Slot::ZIP_CODE).with(Slot::PHONE));
    assert_eq!(ask, Ok(Action::Say { act: asked, text: Some("words".to_owned()) }));
    let disclose = read(say("disclose", &[("username", Some("42"))], None, None)).unwrap();
    let Action::Say { act, .. } = disclose else { panic!("{disclose:?}") };
    assert_eq!((act.kind, act.value_of(Slot::USERNAME)), (ActKind::Disclose, Some(42)));
    let deny = read(say("deny", &[], Some("verify-identity"), Some("refund_initiate"))).unwrap();
    let Action::Say { act, .. } = deny else { panic!("{deny:?}") };
    assert_eq!(act, Act::deny(1, Some(1)));
    let problems = [
        (say("shrug", &[], None, None), "no agent act is named `shrug`"),
        (say("state_need", &[], None, None), "no agent act is named `state_need`"),
        (say("ask", &[("shoe_size", None)], None, None), "no slot `shoe_size`"),
        (
            say("ask", &[("zip_code", None), ("zip_code", None)], None, None),
            "`zip_code` given twice",
        ),
        (say("close", &[], Some("verify-identity"), None), "no tool a refusal can name"),
        (say("deny", &[], Some("nothing"), None), "no tool a refusal can name"),
        (say("inform_result", &[], None, Some("fly_to_mars")), "no intent `fly_to_mars`"),
    ];
    for (say, problem) in problems {
        let err = read(say).unwrap_err();
        assert!(err.starts_with("protocol error: ") && err.contains(problem), "{err}");
    }
}

/// Named actions are told from typed ones; four values fit a call and an act, five do not.
#[test]
fn named_actions_are_recognised_and_four_values_fit() {
    assert!(is_named(&Action::CallNamed { tool: "x".to_owned(), args: Vec::new() }));
    assert!(is_named(&Action::SayNamed(Box::default())));
    assert!(!is_named(&Action::Call { tool: 0, args: ToolArgs::default() }));
    assert!(!is_named(&Action::Fail { reason: String::new() }));
    let scenario = tiny_scenario();
    let world = WorldState::default();
    let reader = Numbers::default();
    let four = args(&[("zip_code", "1"), ("phone", "2"), ("email", "3"), ("order_id", "4")]);
    assert!(read_call(&scenario, &world, &[], &reader, "verify-identity", &four).is_ok());
    let slots = |names: &[&str]| names.iter().map(|name| ((*name).to_owned(), None)).collect();
    let ask = |names: &[&str]| NamedSay {
        act: "ask".to_owned(),
        slots: slots(names),
        ..NamedSay::default()
    };
    let fits = ask(&["zip_code", "phone", "email", "order_id"]);
    assert!(read_say(&scenario, &world, &[], &reader, &fits).is_ok());
    let over = ask(&["zip_code", "phone", "email", "order_id", "pin_number"]);
    let err = read_say(&scenario, &world, &[], &reader, &over).unwrap_err();
    assert!(err.contains("5 slots given; an act holds at most 4"), "{err}");
    // With no reader, a named action fails its episode and says why; a typed one passes through.
    let named = Action::CallNamed { tool: "verify-identity".to_owned(), args: Vec::new() };
    let failed = read_named(&scenario, &world, &[], None, &named);
    assert!(
        matches!(&failed, Action::Fail { reason } if reason.contains("no text reader")),
        "{failed:?}"
    );
    let typed = Action::Call { tool: 1, args: ToolArgs::default() };
    assert_eq!(read_named(&scenario, &world, &[], None, &typed), typed);
    let read = read_named(&scenario, &world, &[], Some(&reader), &named);
    assert_eq!(read, Action::Call { tool: 1, args: ToolArgs::default() });
}
