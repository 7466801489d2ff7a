//! Validation tests: each semantic problem kind, reported at the offending value's line and column.
//!
//! Every test edits the small valid scenario [`MINI`](crate::tests::MINI) through [`check`].

use sim_core::act::{ActKind, Slot};

use crate::tests::check;

const OK: &str = "refund: pull-up-account[full_name account_id]/1, verify-identity[email phone zip_code order_id]/3, offer-refund[amount]/1 goal[amount]
promo: pull-up-account[full_name account_id]/1, ask-the-oracle[]/0, promo-code[]/0 if yes goal[]
personas: [(\"calm\", 0.7), (\"impatient\", 0.3)]";

/// Comments out every intent.
const NO_INTENTS: [(&str, &str); 2] =
    [("intents: [", "intents: [/*"), ("], // end of intents", "*/],")];

#[test]
fn unknown_tool_in_step() {
    check(
        &[(r#"(tool: "offer-refund")"#, r#"(tool: "offer-refnd")"#)],
        "t.ron:24:20: intent `refund` step 3 names unknown tool `offer-refnd`",
    );
}

#[test]
fn unknown_tool_in_gate_rule() {
    check(
        &[(r#"guarded: ["offer-refund""#, r#"guarded: ["offer-refnd""#)],
        "t.ron:35:118: rule `no-change-unverified` names unknown tool `offer-refnd`",
    );
}

#[test]
fn unknown_tool_in_amount_rule() {
    check(
        &[(
            r#"AmountWithinOrderTotal(tool: "offer-refund")"#,
            r#"AmountWithinOrderTotal(tool: "refund")"#,
        )],
        "t.ron:34:96: rule `refund-within-total` names unknown tool `refund`",
    );
}

#[test]
fn duplicate_tool_id() {
    check(
        &[(
            "(id: \"promo-code\", effect: PromoCode),",
            "(id: \"promo-code\", effect: PromoCode), (id: \"promo-code\", effect: SendLink),",
        )],
        "t.ron:17:53: duplicate tool id `promo-code`",
    );
}

#[test]
fn duplicate_intent_id() {
    check(&[(r#"(id: "promo""#, r#"(id: "refund""#)], "t.ron:26:14: duplicate intent id `refund`");
}

#[test]
fn duplicate_rule_id() {
    check(
        &[(r#"(id: "refund-within-total""#, r#"(id: "step-order""#)],
        "t.ron:34:14: duplicate rule id `step-order`",
    );
}

#[test]
fn duplicate_persona() {
    check(
        &[(r#"("impatient", 0.3)"#, r#"("calm", 0.3)"#)],
        "t.ron:12:32: duplicate persona id `calm`",
    );
}

#[test]
fn tool_min_args_above_its_args() {
    check(
        &[("effect: Refund, args: [amount]", "effect: Refund, args: [amount], min_args: 2")],
        "t.ron:18:72: tool `offer-refund` has min_args 2 but only 1 arg",
    );
}

#[test]
fn tool_min_args_above_what_a_call_carries() {
    check(
        &[(
            "args: [zip_code, phone, email, order_id], min_args: 3",
            "args: [zip_code, phone, email, order_id, pin_number], min_args: 5",
        )],
        "t.ron:15:121: tool `verify-identity` has min_args 5 but a call carries at most 4 args",
    );
}

#[test]
fn step_min_args_above_its_args() {
    check(
        &[(r#"(tool: "offer-refund")"#, r#"(tool: "offer-refund", min_args: 2)"#)],
        "t.ron:24:46: intent `refund` step 3 has min_args 2 but only 1 arg",
    );
}

#[test]
fn step_with_fewer_args_than_the_tool_needs() {
    check(
        &[(
            r#"(tool: "verify-identity")"#,
            r#"(tool: "verify-identity", args: [phone, order_id])"#,
        )],
        "t.ron:23:45: intent `refund` step 2 needs only 2 args but tool `verify-identity` fails with fewer than 3",
    );
}

#[test]
fn step_may_take_slots_its_tool_does_not() {
    check(
        &[(
            r#"(tool: "verify-identity")"#,
            r#"(tool: "verify-identity", args: [full_name, phone, order_id])"#,
        )],
        &OK.replace("email phone zip_code order_id", "full_name phone order_id"),
    );
}

#[test]
fn unknown_and_repeated_slots() {
    check(
        &[("args: [full_name, account_id]", "args: [full_nme, account_id, account_id]")],
        r#"t.ron:14:63: unknown slot `full_nme`
t.ron:14:85: slot `account_id` is listed twice"#,
    );
}

#[test]
fn negative_and_nan_weights() {
    check(
        &[("weight: 1.0", "weight: -1.0"), ("weight: 2.0", "weight: NaN")],
        r#"t.ron:21:56: weight of intent `refund` is -1; weights must be finite and not negative
t.ron:26:57: weight of intent `promo` is NaN; weights must be finite and not negative"#,
    );
}

#[test]
fn all_zero_weights() {
    check(
        &[
            ("weight: 1.0", "weight: 0.0"),
            ("weight: 2.0", "weight: 0.0"),
            ("paypal: 0.2", "paypal: 0.0"),
            ("credit_card: 0.5, debit_card: 0.3", "credit_card: 0.0, debit_card: 0.0"),
        ],
        r#"t.ron:8:26: payment weights are all zero
t.ron:20:14: intent weights are all zero"#,
    );
}

#[test]
fn bad_membership_and_persona_weights() {
    check(
        &[("gold: 0.25", "gold: inf"), (r#"("calm", 0.7)"#, r#"("calm", -0.7)"#)],
        r#"t.ron:5:77: membership weight `gold` is inf; weights must be finite and not negative
t.ron:12:25: weight of persona `calm` is -0.7; weights must be finite and not negative"#,
    );
}

#[test]
fn empty_intents() {
    check(&NO_INTENTS, "t.ron:20:14: scenario has no intents");
}

#[test]
fn intent_without_steps_or_outcomes() {
    check(
        &[
            ("resolved: [RefundedGoalAmount]", "resolved: []"),
            ("weight: 1.0, steps: [", "weight: 1.0, steps: [/*"),
            ("        ], resolved: []", "*/], resolved: []"),
        ],
        r#"t.ron:21:68: intent `refund` has no steps
t.ron:25:16: intent `refund` has no resolved outcomes"#,
    );
}

#[test]
fn bad_price_distribution() {
    check(
        &[("sigma: 0.5, min: 10.0, max: 500.0", "sigma: 0.0, min: 600.0, max: 500.0")],
        r#"t.ron:6:42: price sigma is 0; it must be finite and positive
t.ron:6:52: price min 600 is above price max 500"#,
    );
}

#[test]
fn bad_ranges_and_probability() {
    check(
        &[
            (
                "days_since_purchase: (min: 1, max: 200)",
                "days_since_purchase: (min: 300, max: 200)",
            ),
            ("(min: 1, max: 3)", "(min: 0, max: 5)"),
            ("oracle_yes: 0.5", "oracle_yes: 1.5"),
        ],
        r#"t.ron:7:36: days_since_purchase min 300 is above max 200
t.ron:9:32: items_per_order min must be at least 1
t.ron:9:40: items_per_order max is 5; an order holds at most 4 items
t.ron:10:21: oracle_yes is 1.5; a probability must lie in [0, 1]"#,
    );
}

#[test]
fn unreachable_outcomes() {
    check(
        &[(
            "resolved: [RefundedGoalAmount]",
            "resolved: [RefundedGoalAmount, AccountFieldIsGoal(Address), OrderOptionIsGoal, PasswordReset, LinkSent, Purchased, TeamNotified]",
        )],
        r#"t.ron:25:43: intent `refund` cannot reach AccountFieldIsGoal(Address): no step calls a tool with effect UpdateAccount and arg `new_value`
t.ron:25:72: intent `refund` cannot reach OrderOptionIsGoal: no step calls a tool with effect UpdateOrder and arg `order_option`
t.ron:25:91: intent `refund` cannot reach PasswordReset: no step calls a tool with effect MakePassword
t.ron:25:106: intent `refund` cannot reach LinkSent: no step calls a tool with effect SendLink
t.ron:25:116: intent `refund` cannot reach Purchased: no step calls a tool with effect MakePurchase
t.ron:25:127: intent `refund` cannot reach TeamNotified: no step calls a tool with effect NotifyTeam"#,
    );
}

/// `Tried` names a tool one of the intent's own steps calls: a tool of another intent, or none, is reported.
#[test]
fn tried_names_a_tool_of_the_intents_steps() {
    check(
        &[(
            "resolved: [RefundedGoalAmount]",
            r#"resolved: [RefundedGoalAmount, Tried("offer-refund"), Tried("promo-code"), Tried("nope")]"#,
        )],
        "t.ron:25:66: intent `refund`: Tried names `promo-code`, which is no tool of its steps
t.ron:25:87: intent `refund`: Tried names `nope`, which is no tool of its steps",
    );
}

#[test]
fn refund_outcome_needs_the_amount() {
    check(
        &[(r#"(tool: "offer-refund")"#, r#"(tool: "offer-refund", args: [reason])"#)],
        "t.ron:25:23: intent `refund` cannot reach RefundedGoalAmount: no step calls a tool with effect Refund and arg `amount`",
    );
}

#[test]
fn oracle_condition_before_the_oracle_is_asked() {
    check(
        &[(
            r#"(tool: "ask-the-oracle"),"#,
            r#"(tool: "promo-code", when: OracleNo), (tool: "ask-the-oracle"),"#,
        )],
        "t.ron:28:40: intent `promo` step 2 depends on the oracle's answer but no earlier step asks the oracle",
    );
}

#[test]
fn oracle_conditions_without_an_oracle_step() {
    check(
        &[(
            r#"            (tool: "ask-the-oracle"),
"#,
            "",
        )],
        r#"t.ron:28:40: intent `promo` step 2 depends on the oracle's answer but no earlier step asks the oracle
t.ron:29:50: intent `promo` has eligibility OracleYes but no step checks it (a Membership step, a data tool with only a `pre` condition, or oracle_no_ends after an AskOracle step)
t.ron:29:77: intent `promo` ends on the oracle's no but no step asks the oracle"#,
    );
}

#[test]
fn eligibility_nobody_checks() {
    check(
        &[(
            "resolved: [RefundedGoalAmount])",
            "resolved: [RefundedGoalAmount], eligibility: ReturnWindow)",
        )],
        "t.ron:25:57: intent `refund` has eligibility ReturnWindow but no step checks it (a Membership step, a data tool with only a `pre` condition, or oracle_no_ends after an AskOracle step)",
    );
}

#[test]
fn too_many_tools() {
    let extra: String = (0..60).map(|idx| format!("(id: \"t{idx}\", effect: Record), ")).collect();
    check(
        &[(
            "(id: \"promo-code\", effect: PromoCode),",
            &format!("(id: \"promo-code\", effect: PromoCode), {extra}"),
        )],
        "t.ron:18:9: scenario declares 65 tools; at most 64 are supported",
    );
}

#[test]
fn too_many_steps() {
    let extra = r#"(tool: "pull-up-account"), "#.repeat(62);
    check(
        &[(r#"(tool: "verify-identity"),"#, &format!(r#"(tool: "verify-identity"), {extra}"#))],
        "t.ron:24:13: intent `refund` has 65 steps; at most 64 are supported",
    );
}

#[test]
fn every_problem_of_an_agent_reply_is_named_at_its_field() {
    check(
        &[(
            "max_turns: 60",
            r#"max_turns: 60, agent_replies: [(act: "state_need", slots: [hotel], intent: "spa", text: "at {hotel}"), (act: "ask", text: "your {zip_code"), (act: "close", after: "offer-refund", text: "bye"), (act: "deny", after: "nope", text: "no")]"#,
        )],
        "t.ron:3:42: `state_need` is not an agent act; agent acts are greet, ask_need, ask, inform_result, \
         disclose, deny, apologize, anything_else, transfer, close, filler, offer, progress\n\
         t.ron:3:63: unknown slot `hotel`\n\
         t.ron:3:80: unknown intent `spa`\n\
         t.ron:3:93: `{hotel}` names no slot\n\
         t.ron:3:127: a `{` is not closed\n\
         t.ron:3:168: only a `deny` (after its check), an `inform_result` or a `progress` (after its call) follows a tool\n\
         t.ron:3:219: unknown tool `nope`",
    );
}

#[test]
fn an_agent_replys_weight_is_positive() {
    check(
        &[(
            "max_turns: 60",
            r#"max_turns: 60, agent_replies: [(act: "close", text: "bye", weight: 0.0), (act: "close", text: "ciao", weight: NaN), (act: "close", text: "ok", weight: 0.5)]"#,
        )],
        "t.ron:3:72: 0 is no positive weight\nt.ron:3:115: NaN is no positive weight",
    );
}

#[test]
fn asking_more_slots_at_once_than_a_question_holds() {
    check(
        &[("max_turns: 60", "max_turns: 60, asks_at_once: 4")],
        "t.ron:3:34: asks_at_once is 4; it must be 1 to 3",
    );
}

#[test]
fn too_few_turns() {
    check(
        &[("max_turns: 60", "max_turns: 3")],
        "t.ron:3:16: max_turns is 3; at least 4 are needed",
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    check(
        &[
            ("max_turns: 60", "max_turns: 0"),
            (r#"(tool: "offer-refund")"#, r#"(tool: "offer-refnd")"#),
            (r#"guarded: ["offer-refund""#, r#"guarded: ["offer-refnd""#),
            ("oracle_yes: 0.5", "oracle_yes: -0.1"),
        ],
        r#"t.ron:3:16: max_turns is 0; at least 4 are needed
t.ron:10:21: oracle_yes is -0.1; a probability must lie in [0, 1]
t.ron:24:20: intent `refund` step 3 names unknown tool `offer-refnd`
t.ron:35:118: rule `no-change-unverified` names unknown tool `offer-refnd`"#,
    );
}

#[test]
fn ok_baseline() {
    check(&[], OK);
}

#[test]
fn requires_rule_names_known_tools_and_something_to_require() {
    check(
        &[(
            r#"AmountWithinOrderTotal(tool: "offer-refund")"#,
            r#"Requires(tool: "offer-refund", after: ["verify-identty"])"#,
        )],
        "t.ron:34:106: rule `refund-within-total` names unknown tool `verify-identty`",
    );
    check(
        &[(
            r#"AmountWithinOrderTotal(tool: "offer-refund")"#,
            r#"Requires(tool: "offer-refund", after: [])"#,
        )],
        "t.ron:34:105: rule `refund-within-total` requires nothing",
    );
}

#[test]
fn human_on_request_needs_positive_counts() {
    check(
        &[(
            r#"AmountWithinOrderTotal(tool: "offer-refund")"#,
            "HumanOnRequest(demands: 0, within: 0)",
        )],
        "t.ron:34:91: rule `refund-within-total`: demands must be between 1 and 4\nt.ron:34:102: rule `refund-within-total`: within must be at least 1",
    );
}

#[test]
fn arg_limit_names_a_known_slot_and_tools() {
    check(
        &[(
            r#"AmountWithinOrderTotal(tool: "offer-refund")"#,
            r#"ArgLimit(tool: "offer-refund", arg: amont, max: Const(20000), unless_after: ["notify"])"#,
        )],
        "t.ron:34:103: unknown slot `amont`\nt.ron:34:144: rule `refund-within-total` names unknown tool `notify`",
    );
}

#[test]
fn every_objection_problem_is_reported_with_its_position() {
    check(
        &[(
            "], resolved: [RefundedGoalAmount]),",
            r#"], resolved: [RefundedGoalAmount], objections: [
            (name: "security", phrase: "is my data safe?", rate: 1.5, remedy: "send-report"),
            (name: "security", phrase: " ", rate: 0.2, remedy: "offer-refund"),
        ]),"#,
        )],
        "t.ron:25:56: intent `refund` has objections but makes no offer
t.ron:26:66: objection `security` has rate 1.5; it must be in [0, 1]
t.ron:26:79: objection `security` names unknown tool `send-report`
t.ron:27:20: objection `security` is declared twice
t.ron:27:40: objection `security` has an empty phrase
t.ron:27:64: objection `security`: remedy `offer-refund` must take no args",
    );
}

#[test]
fn vague_openings_load_and_an_empty_one_is_reported() {
    let with = |lines: &str| {
        let scenario = crate::tests::MINI.replacen(
            "    personas: [",
            &format!("    vague_openings: {lines},\n    personas: ["),
            1,
        );
        let path = std::path::Path::new("t.ron");
        crate::parse_scenario(&scenario, path).map(|loaded| loaded.spec.vague_openings)
    };
    assert_eq!(with(r#"["hi, about my card"]"#).ok(), Some(vec!["hi, about my card".to_owned()]));
    let err = with(r#"["hi", "  "]"#).map_err(|err| err.to_string()).unwrap_err();
    assert_eq!(err, "t.ron:12:28: a vague opening must not be empty");
}

#[test]
fn goals_from_the_world_are_built_in_goal_slots_with_a_number() {
    check(
        &[(
            "], resolved: [RefundedGoalAmount]),",
            r#"], resolved: [RefundedGoalAmount], goals: [(amount, Div(OrderTotal, Const(2))), (zip_code, OrderTotal), (amount, OracleYes)]),"#,
        )],
        "t.ron:25:89: `zip_code` is not a built-in goal slot of intent `refund` (declared slots hold their field's value already)
t.ron:25:113: expected a number expression, found a bool: `OracleYes`",
    );
}

#[test]
fn a_rule_cites_a_sentence_of_the_policy_word_for_word() {
    let policy = r#"description: "two intents",
    policy: "Never refund more than
        the order total. Verify first.","#;
    check(
        &[
            (r#"description: "two intents","#, policy),
            (
                r#"text: "no over-refund","#,
                r#"text: "no over-refund", cites: "Never refund more than the order total.","#,
            ),
        ],
        OK,
    );
    check(
        &[
            (r#"description: "two intents","#, policy),
            (
                r#"text: "no over-refund","#,
                r#"text: "no over-refund", cites: "Never refund more.","#,
            ),
        ],
        "t.ron:36:68: rule `refund-within-total` cites a sentence the policy does not contain: \"Never refund more.\"",
    );
}

#[test]
fn a_rule_cannot_cite_a_scenario_without_policy() {
    check(
        &[(
            r#"text: "no over-refund","#,
            r#"text: "no over-refund", cites: "Never refund more.","#,
        )],
        "t.ron:34:68: rule `refund-within-total` cites the policy, but the scenario has no `policy` text",
    );
}

#[test]
fn a_step_reports_a_known_slot_and_only_from_a_data_tool() {
    check(
        &[(r#"(tool: "offer-refund")"#, r#"(tool: "offer-refund", reports: amount)"#)],
        "t.ron:24:45: intent `refund` step 3: only a data tool's step can report a slot",
    );
    check(
        &[(r#"(tool: "offer-refund")"#, r#"(tool: "offer-refund", reports: amonut)"#)],
        "t.ron:24:45: intent `refund` step 3 reports unknown slot `amonut`\n\
         t.ron:24:45: intent `refund` step 3: only a data tool's step can report a slot",
    );
}

/// A scenario's tagger section goes before the default one; each problem in it is reported with its place.
#[test]
fn a_tagger_section_extends_the_default_and_each_problem_is_reported() {
    let with = |tagger: &str| {
        let scenario = crate::tests::MINI.replacen(
            "    personas: [",
            &format!("    tagger: {tagger},\n    personas: ["),
            1,
        );
        crate::parse_scenario(&scenario, std::path::Path::new("t.ron"))
            .map(|loaded| loaded.spec.tagger)
    };
    let tagger = with(
        r#"(threshold: 0.6, acts: [(act: "deny", confidence: 0.9, phrases: ["no way"])], slot_words: [(slot: zip_code, words: ["postcode area"])])"#,
    )
    .unwrap();
    assert_eq!(tagger.threshold, 0.6);
    assert_eq!((tagger.acts[0].act, tagger.acts[0].phrases[0].as_str()), (ActKind::Deny, "no way"));
    assert!(tagger.acts.len() > 1, "the default's acts follow");
    assert!(tagger.slot_words.contains(&(Slot::ZIP_CODE, "postcode area".to_owned())));
    assert!(tagger.slot_words.contains(&(Slot::ZIP_CODE, "zip code".to_owned())));
    let err = with(
        r#"(acts: [(act: "smile", confidence: 1.5, phrases: ["Hello"])], slot_words: [(slot: shoe_size, words: [""])], tool_words: [(tool: "nope", words: ["x"])])"#,
    )
    .map_err(|err| err.to_string())
    .unwrap_err();
    for problem in [
        "`smile` is no agent act",
        "confidence is 1.5",
        "must be lower case",
        "unknown slot `shoe_size`",
        "unknown tool `nope`",
    ] {
        assert!(err.contains(problem), "{problem}: {err}");
    }
    assert!(err.contains("t.ron:12:"), "{err}");
}

/// A reply without problems is the spec's, with its act, slots and intent resolved (`promo` is MINI's second
/// intent).
#[test]
fn an_agent_reply_loads_with_its_act_slots_and_intent() {
    let mut source = crate::tests::MINI.to_owned();
    let reply = r#"max_turns: 60, agent_replies: [(act: "ask", slots: [zip_code], intent: "promo", text: "Your {zip_code}?")]"#;
    source = source.replacen("max_turns: 60", reply, 1);
    let loaded = crate::parse_scenario(&source, std::path::Path::new("t.ron")).unwrap();
    let spec = &loaded.spec;
    assert_eq!(spec.intents[1].id, "promo");
    assert_eq!(
        spec.agent_replies,
        [sim_core::spec::AgentReply {
            act: ActKind::Ask,
            slots: sim_core::act::SlotSet::EMPTY.with(Slot::ZIP_CODE),
            intent: Some(1),
            after: None,
            text: "Your {zip_code}?".to_owned(),
            weight: 1.0,
        }]
    );
}

#[test]
fn holes_are_the_slot_names_in_braces_and_bad_braces_are_named() {
    use super::replies::holes;
    assert_eq!(
        holes("at the {hotel_name} on {arrival_day}."),
        Ok(vec!["hotel_name", "arrival_day"])
    );
    assert_eq!(holes("no holes"), Ok(vec![]));
    assert_eq!(holes("an {} empty one"), Err("`{}` is not a slot name".to_owned()));
    assert_eq!(holes("{a{b}"), Err("`{a{b}` is not a slot name".to_owned()));
    assert_eq!(holes("closes } nothing"), Err("a `}` closes no `{`".to_owned()));
}

#[test]
fn a_tool_called_for_once_must_be_one_of_the_writes() {
    let rule = r#"(id: "step-order", text: "steps in order", kind: StepOrder),
        (id: "off-script", text: "only the script", kind: OffScript(writes: ["offer-refund"], once: ["promo-code"])),"#;
    check(
        &[(r#"(id: "step-order", text: "steps in order", kind: StepOrder),"#, rule)],
        "t.ron:34:102: `promo-code` in `once` is not one of the rule's `writes`",
    );
}
