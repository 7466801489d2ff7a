//! The scenario's own records: entities, declared slots, data effects and expressions, valid and broken.

use crate::tests::check;

/// Adds a `charge` entity, a declared slot and a dispute intent written as data to the small scenario.
const DISPUTE: [(&str, &str); 3] = [
    (
        "    personas: [",
        r#"    entities: [(name: "charge", fields: [
        (name: "amount", ty: Money, gen: LogNormal(mu: 4.0, sigma: 0.5, min: 5.0, max: 900.0)),
        (name: "status", ty: Enum(["open", "disputed"]), gen: Label("open")),
        (name: "days_ago", ty: Days, gen: Uniform(lo: 1, hi: 90)),
    ])],
    slots: [(name: "dispute_amount", field: "charge.amount", noun: "the amount of the charge")],
    personas: ["#,
    ),
    (
        r#"        (id: "offer-refund", effect: Refund, args: [amount]),"#,
        r#"        (id: "offer-refund", effect: Refund, args: [amount]),
        (id: "check-window", effect: Data(pre: Le(Field("charge.days_ago"), Const(60)))),
        (id: "file-dispute", effect: Data(set: [("charge.status", Label("disputed"))], value: Arg(dispute_amount)), args: [dispute_amount]),"#,
    ),
    (
        "    ], // end of intents",
        r#"        (id: "dispute", flow: "charge", weight: 1.0, eligibility: Holds(Le(Field("charge.days_ago"), Const(60))), steps: [
            (tool: "pull-up-account"),
            (tool: "check-window"),
            (tool: "file-dispute"),
        ], resolved: [Holds(Is("charge.status", "disputed"))]),
    ], // end of intents"#,
    ),
];

#[test]
fn a_scenario_with_its_own_records_loads() {
    let mut edits = DISPUTE.to_vec();
    edits.push((
        "(tool: \"promo-code\", when: OracleYes)",
        "(tool: \"promo-code\", when: Passed(\"ask-the-oracle\"))",
    ));
    check(
        &edits,
        "refund: pull-up-account[full_name account_id]/1, verify-identity[email phone zip_code order_id]/3, offer-refund[amount]/1 goal[amount]
promo: pull-up-account[full_name account_id]/1, ask-the-oracle[]/0, promo-code[]/0 if ask-the-oracle passed goal[]
dispute: pull-up-account[full_name account_id]/1, check-window[]/0, file-dispute[dispute_amount]/1 goal[dispute_amount]
personas: [(\"calm\", 0.7), (\"impatient\", 0.3)]",
    );
}

#[test]
fn every_record_problem_is_reported_at_once_with_its_position() {
    let mut edits = DISPUTE.to_vec();
    edits.extend([
        // A generator that does not fit its type, and an unknown label.
        (r#"gen: Label("open")"#, r#"gen: Label("closed")"#),
        (r#"gen: Uniform(lo: 1, hi: 90)"#, r#"gen: Categorical([1.0, -2.0])"#),
        // A date that is no day of the calendar.
        (r#"ty: Days"#, r#"ty: Date("2018-02-30")"#),
        // A declared slot backed by an unknown field.
        (r#"field: "charge.amount""#, r#"field: "charge.amout""#),
        // An unknown field in an expression, and a number where a condition is needed.
        (
            r#"Le(Field("charge.days_ago"), Const(60))))"#,
            r#"Le(Field("charge.nope"), Const(60))))"#,
        ),
        (
            r#"Holds(Le(Field("charge.days_ago"), Const(60)))"#,
            r#"Holds(Add(Field("charge.days_ago"), Const(60)))"#,
        ),
        // A label the field does not have.
        (r#"Label("disputed"))], value"#, r#"Label("won"))], value"#),
        // A resolved condition no step's tool can reach.
        (
            r#"resolved: [Holds(Is("charge.status", "disputed"))]"#,
            r#"resolved: [Holds(Gt(Field("charge.amount"), Const(0)))]"#,
        ),
    ]);
    check(
        &edits,
        "t.ron:14:63: field `charge.status` has no label `closed`
t.ron:15:32: field `charge.days_ago`: `2018-02-30` is no date; write a Date's day as \"2018-06-30\"
t.ron:15:57: field `charge.days_ago`: categorical weight 1 is -2; weights must be finite and at least 0
t.ron:17:45: unknown field `charge.amout`
t.ron:25:48: unknown field `charge.nope`
t.ron:26:49: field `charge.status` has no label `won` (labels: open, disputed)
t.ron:39:67: expected a bool expression, found a number: `charge.days_ago + 60`
t.ron:43:23: intent `dispute` cannot reach its resolved condition: no step's tool sets a field it reads, adds a record it counts, or changes a built-in fact it reads",
    );
}

#[test]
fn built_in_facts_read_in_conditions_and_are_typed() {
    let mut edits = DISPUTE.to_vec();
    edits.push((
        r#"eligibility: Holds(Le(Field("charge.days_ago"), Const(60)))"#,
        r#"eligibility: Holds(And(Ge(MembershipLevel, Const(2)), Not(OracleYes)))"#,
    ));
    edits.push((
        r#"pre: Le(Field("charge.days_ago"), Const(60))"#,
        r#"pre: Add(OracleYes, Const(1))"#,
    ));
    check(&edits, "t.ron:25:48: `+` expects a number operand, found a bool, in `OracleYes + 1`");
}

#[test]
fn a_tool_says_only_its_args_and_value() {
    let mut edits = DISPUTE.to_vec();
    edits.push((
        r#"value: Arg(dispute_amount)), args: [dispute_amount]),"#,
        r#"value: Arg(dispute_amount)), args: [dispute_amount], says: (done: "Disputed {dispute_amount} ({value}).", failed: "No {charge_id}.")),"#,
    ));
    check(
        &edits,
        "t.ron:26:147: tool `file-dispute` says `{charge_id}`, which is neither one of its args, a slot it shows when done, nor `value`",
    );
}

/// A call shows fields of the world: a slot no field holds cannot be shown, and what a call shows is said only when
/// it passes.
#[test]
fn a_tool_shows_only_declared_slots_and_says_them_only_when_done() {
    let mut edits = DISPUTE.to_vec();
    edits.push((
        r#"value: Arg(dispute_amount)), args: [dispute_amount]),"#,
        r#"value: Arg(dispute_amount), shows: [dispute_amount, zip_code]), args: [dispute_amount], says: (done: "Disputed {dispute_amount}.", failed: "Not {dispute_amount}.")),"#,
    ));
    check(
        &edits,
        "t.ron:26:123: tool `file-dispute` shows slot `zip_code`, which no field holds: a call shows fields of the world",
    );
    let mut edits = DISPUTE.to_vec();
    edits.push((
        r#"(id: "check-window", effect: Data(pre: Le(Field("charge.days_ago"), Const(60)))),"#,
        r#"(id: "check-window", effect: Data(pre: Le(Field("charge.days_ago"), Const(60)), shows: [dispute_amount]), says: (done: "{dispute_amount} is recent.", failed: "{dispute_amount} is too old.")),"#,
    ));
    check(
        &edits,
        "t.ron:25:121: tool `check-window` says `{dispute_amount}`, which is neither one of its args, a slot it shows when done, nor `value`",
    );
}
