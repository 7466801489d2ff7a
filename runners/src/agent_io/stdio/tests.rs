//! Replies read into actions, and what is not an action said plainly.

use serde_json::json;

use super::*;

#[test]
fn calls_utterances_and_failures_read_into_actions() {
    let call = parse_action(
        &json!({"call": "verify-identity", "arguments": {"zip_code": "12345", "pin_number": 4821}}),
    );
    assert_eq!(
        call,
        Ok(Action::CallNamed {
            tool: "verify-identity".to_owned(),
            args: vec![
                ("pin_number".to_owned(), "4821".to_owned()),
                ("zip_code".to_owned(), "12345".to_owned())
            ],
        })
    );
    let say = parse_action(&json!({
        "say": "Could I have your zip code?", "act": "ask", "slots": {"zip_code": null}
    }));
    let expected = NamedSay {
        act: "ask".to_owned(),
        slots: vec![("zip_code".to_owned(), None)],
        text: Some("Could I have your zip code?".to_owned()),
        ..NamedSay::default()
    };
    assert_eq!(say, Ok(Action::SayNamed(Box::new(expected))));
    let deny =
        parse_action(&json!({"act": "deny", "reason": "membership", "intent": "return_size"}))
            .unwrap();
    let Action::SayNamed(deny) = deny else { panic!("{deny:?}") };
    assert_eq!(
        (deny.reason.as_deref(), deny.intent.as_deref(), deny.text),
        (Some("membership"), Some("return_size"), None)
    );
    assert_eq!(
        parse_action(&json!({"say": "All done!"})),
        Ok(Action::SayText { text: "All done!".to_owned() })
    );
    assert_eq!(
        parse_action(&json!({"fail": "out of tokens"})),
        Ok(Action::Fail { reason: "out of tokens".to_owned() })
    );
}

#[test]
fn what_is_no_action_is_named() {
    let problems = [
        (json!("close"), "a JSON object"),
        (json!({"think": "hmm"}), "`say`, `call` or `fail`"),
        (json!({"say": 3}), "`say` is the agent's text"),
        (json!({"say": "Done", "act": 3}), "`act` names an agent act"),
        (json!({"call": 3}), "`call` names a tool"),
        (json!({"call": "x", "arguments": [1]}), "`arguments` is an object"),
        (json!({"call": "x", "arguments": {"a": {"b": 1}}}), "argument `a` is not"),
        (json!({"act": "ask", "slots": ["zip_code"]}), "`slots` is an object"),
    ];
    for (value, problem) in problems {
        let err = parse_action(&value).unwrap_err();
        assert!(err.contains(problem), "{value}: {err}");
    }
}
