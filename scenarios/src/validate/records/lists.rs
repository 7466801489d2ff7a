//! List entities: several instances per episode, references, records added by tools; valid and broken.

use crate::tests::check;

/// Adds 1–3 cards, claims added by a tool, and two intents about the card the customer names.
const CARDS: [(&str, &str); 3] = [
    (
        "    personas: [",
        r#"    entities: [
        (name: "card", count: (min: 1, max: 3), fields: [
            (name: "last4", ty: Digits(4), gen: Uniform(lo: 0, hi: 9999)),
            (name: "status", ty: Enum(["active", "blocked"]), gen: Label("active")),
        ]),
        (name: "claim", count: (min: 0, max: 0, capacity: 2), fields: [
            (name: "card", ty: Ref("card"), gen: Any),
            (name: "amount", ty: Money, gen: Fixed(0.0)),
        ]),
    ],
    slots: [(name: "card_last4", field: "card.last4", noun: "the last four digits of the card", identity: true)],
    personas: ["#,
    ),
    (
        r#"        (id: "offer-refund", effect: Refund, args: [amount]),"#,
        r#"        (id: "offer-refund", effect: Refund, args: [amount]),
        (id: "block-card", effect: Data(check: [card_last4], set: [("card.status", Label("blocked"))]), args: [card_last4]),
        (id: "file-claim", effect: Data(check: [card_last4], add: (to: "claim", set: [("claim.card", Selected("card")), ("claim.amount", Arg(amount))])), args: [card_last4, amount]),"#,
    ),
    (
        "    ], // end of intents",
        r#"        (id: "block", flow: "card", weight: 1.0, steps: [
            (tool: "pull-up-account"),
            (tool: "block-card"),
        ], resolved: [Holds(Is("card.status", "blocked"))]),
        (id: "claim", flow: "card", weight: 1.0, steps: [
            (tool: "pull-up-account"),
            (tool: "file-claim"),
        ], resolved: [Holds(Ge(Count(of: "claim", filter: Eq(Field("claim.card"), Selected("card"))), Const(1)))]),
    ], // end of intents"#,
    ),
];

#[test]
fn a_scenario_with_lists_loads() {
    check(
        &CARDS,
        "refund: pull-up-account[full_name account_id]/1, verify-identity[email phone zip_code order_id]/3, offer-refund[amount]/1 goal[amount]
promo: pull-up-account[full_name account_id]/1, ask-the-oracle[]/0, promo-code[]/0 if yes goal[]
block: pull-up-account[full_name account_id]/1, block-card[card_last4]/1 goal[]
claim: pull-up-account[full_name account_id]/1, file-claim[amount card_last4]/2 goal[amount]
personas: [(\"calm\", 0.7), (\"impatient\", 0.3)]",
    );
}

#[test]
fn every_list_problem_is_reported_at_once_with_its_position() {
    let mut edits = CARDS.to_vec();
    edits.extend([
        // Counts out of order, and a list too long.
        ("count: (min: 1, max: 3)", "count: (min: 3, max: 1)"),
        ("capacity: 2", "capacity: 9"),
        // A field that takes the length's name, a reference to no list, and Any for a number.
        (r#"(name: "status""#, r#"(name: "count", ty: Int, gen: Fixed(0.0)), (name: "status""#),
        (r#"Ref("card"), gen: Any"#, r#"Ref("cards"), gen: Any"#),
        (r#"ty: Money, gen: Fixed(0.0)"#, r#"ty: Money, gen: Any"#),
        // A tool that reads a card without naming one, and a record that sets another entity's field.
        (
            r#"(id: "block-card", effect: Data(check: [card_last4], "#,
            r#"(id: "block-card", effect: Data(pre: Is("card.status", "active"), "#,
        ),
        (r#"("claim.amount", Arg(amount))"#, r#"("card.last4", Arg(amount))"#),
        // A resolved condition about a claim an episode may not have.
        (
            r#"Holds(Ge(Count(of: "claim", filter: Eq(Field("claim.card"), Selected("card"))), Const(1)))"#,
            r#"Holds(Ge(Field("claim.amount"), Const(1)))"#,
        ),
    ]);
    check(
        &edits,
        "t.ron:13:31: list `card` needs min <= max <= capacity, not min 3, max 1, capacity 1
t.ron:15:20: `card.count` is the list's length; name the field otherwise
t.ron:17:32: list `claim` holds 9 instances; a list holds 1 to 8
t.ron:18:32: `cards` is not a list entity (one declared with a `count`)
t.ron:19:46: field `claim.amount`: Any needs a Ref field
t.ron:30:46: tool `block-card` reads or sets a `card` but checks no arg that picks one (check a slot backed by a `card` field)
t.ron:30:81: tool `block-card` reads or sets a `card` but checks no arg that picks one (check a slot backed by a `card` field)
t.ron:31:121: tool `file-claim` adds a `claim` but sets `card.last4`, not one of its fields
t.ron:51:23: intent `claim` reads the `claim` the request is about, but an episode may start with none (count min 0)",
    );
}

#[test]
fn a_limit_on_a_call_reads_only_the_instances_the_call_picks() {
    let mut edits = CARDS.to_vec();
    edits.push((
        "    rules: [",
        r#"    rules: [
        (id: "claim-limit", text: "claims within the card's limit", kind: ArgLimit(tool: "file-claim", arg: amount, max: Mul(Field("card.last4"), Count(of: "claim")))),
        (id: "refund-limit", text: "refunds within the card's limit", kind: ArgLimit(tool: "offer-refund", arg: amount, max: Field("card.last4"))),"#,
    ));
    check(
        &edits,
        "t.ron:55:126: rule `refund-limit` reads or sets a `card` but checks no arg that picks one (check a slot backed by a `card` field)",
    );
}

#[test]
fn a_list_s_variants_name_its_own_fields_and_weigh_something() {
    let mut edits = CARDS.to_vec();
    edits.push((
        r#"        (name: "card", count: (min: 1, max: 3), fields: ["#,
        r#"        (name: "note", variants: [(fields: ["text"], weight: 1)], fields: [(name: "text", ty: Int, gen: Fixed(0.0))]),
        (name: "card", count: (min: 1, max: 3), variants: [
            (fields: ["last4"], weight: 2),
            (fields: ["colour", "count"], weight: 0),
            (fields: [], weight: 1),
        ], fields: ["#,
    ));
    check(
        &edits,
        "t.ron:13:34: entity `note` has one instance; only a list (with a count) has variants
t.ron:16:23: entity `card` has no field `colour`
t.ron:16:33: entity `card` has no field `count`
t.ron:16:51: a variant's weight is more than 0
t.ron:17:22: a variant names at least one field",
    );
}

/// `remembered` says nobody misremembers an identity fact (their own name); a goal fact is always known already.
#[test]
fn only_an_identity_slot_is_remembered() {
    let mut edits = CARDS.to_vec();
    edits.push((
        r#"    slots: [(name: "card_last4", field: "card.last4", noun: "the last four digits of the card", identity: true)],"#,
        r#"    slots: [
        (name: "card_last4", field: "card.last4", noun: "the last four digits of the card", identity: true, remembered: true),
        (name: "card_status", field: "card.status", noun: "the status of the card", remembered: true),
    ],"#,
    ));
    check(
        &edits,
        "t.ron:24:97: slot `card_status` is remembered but not an identity fact (goal facts are always known)",
    );
}
