//! Realiser tests: determinism, variety, coverage of every act and tool, exact value formats, verbosity,
//! writing style (register, typos, values untouched), `render_into` against `render` and against the text
//! from before styles on a large deterministic corpus, and slots a scenario declares.

use std::collections::BTreeSet;

use sim_core::act::{Act, ActKind, MAX_VALUES, Slot, SlotSet, Speaker};
use sim_core::field::{FieldSpec, FieldType, Gen};
use sim_core::record::TurnRecord;
use sim_core::spec::{DataEffect, Effect, ScenarioSpec, SlotSpec, ToolSpec};
use sim_core::world::{ToolArgs, ToolOutcome};

use super::phrases::{INTENT_PHRASES, OPENINGS};
use super::pools::{FIRST_NAMES, LAST_NAMES};
use super::sink::{Sink, Words, put_field_pieces, put_owned, put_uint};
use super::style::tone;
use super::{Pick, RenderContext, intent_phrase, render, render_into, render_value};

const ALL_KINDS: [ActKind; 21] = [
    ActKind::StateNeed,
    ActKind::VagueNeed,
    ActKind::Inform,
    ActKind::DontKnow,
    ActKind::OffTopic,
    ActKind::Insist,
    ActKind::DemandHuman,
    ActKind::Acknowledge,
    ActKind::ThankBye,
    ActKind::Leave,
    ActKind::Nudge,
    ActKind::Greet,
    ActKind::AskNeed,
    ActKind::Ask,
    ActKind::InformResult,
    ActKind::Deny,
    ActKind::Apologize,
    ActKind::AnythingElse,
    ActKind::Transfer,
    ActKind::Close,
    ActKind::Filler,
];

fn scenario() -> ScenarioSpec {
    sim_core::testing::tiny_scenario()
}

/// A row of `kind` with `slots`/`values` (intent 1, refund_initiate, of the tiny scenario).
fn row(kind: ActKind, slots: &[(Slot, u64)], seed: u32) -> TurnRecord {
    let mut act = Act { intent: 1, ..Act::bare(kind) };
    let mut values = [0; MAX_VALUES];
    for (idx, (slot, value)) in slots.iter().enumerate() {
        act.slots = act.slots.with(*slot);
        values[idx] = *value;
    }
    act.values = values;
    let speaker = if super::is_customer_act(kind) { Speaker::Customer } else { Speaker::Agent };
    TurnRecord { act: Some(act), text_seed: seed, ..TurnRecord::blank(1, speaker) }
}

/// A tool row calling `tool` of the tiny scenario with `args`.
fn tool_row(tool: u8, args: &[(Slot, u64)], passed: bool) -> TurnRecord {
    let mut tool_args = ToolArgs::default();
    for (slot, value) in args {
        tool_args.push(*slot, *value);
    }
    TurnRecord {
        speaker: Speaker::Tool,
        act: None,
        tool: Some(tool),
        args: tool_args,
        outcome: Some(ToolOutcome::new(passed, 0)),
        ..row(ActKind::Filler, &[], 0)
    }
}

/// The context of a customer of `verbosity` with no intent, a middling formality and no typos: the text as it
/// was before styles.
fn plain(scenario: &ScenarioSpec, verbosity: f64) -> RenderContext<'_> {
    RenderContext {
        scenario,
        verbosity,
        intent: None,
        formality: 0.5,
        typo_rate: 0.0,
        known: None,
        earlier: &[],
    }
}

/// Renders `row` for a customer of `verbosity` whose intent is `intent` (0: change address, 1: refund).
fn text(row: &TurnRecord, verbosity: f64, intent: u16) -> String {
    let scenario = scenario();
    render(row, &RenderContext { intent: Some(intent), ..plain(&scenario, verbosity) })
}

/// `render` of `row` (verbosity 10, refund intent) must equal `expect`.
fn check(row: TurnRecord, expect: &str) {
    assert_eq!(text(&row, 10.0, 1), expect);
}

/// `render_value(slot, value)` (tiny scenario) must equal `expect`.
fn check_value(slot: Slot, value: u64, expect: &str) {
    assert_eq!(render_value(&scenario(), slot, value), expect, "{slot:?} {value}");
}

fn mean_words(kind: ActKind, slots: &[(Slot, u64)], verbosity: f64) -> f64 {
    let total: usize = (0..200)
        .map(|seed| text(&row(kind, slots, seed), verbosity, 1).split_whitespace().count())
        .sum();
    total as f64 / 200.0
}

/// Every native tool effect.
fn native_effects() -> [Effect; 15] {
    [
        Effect::PullUpAccount,
        Effect::VerifyIdentity,
        Effect::ValidatePurchase,
        Effect::Record,
        Effect::Refund,
        Effect::UpdateAccount,
        Effect::UpdateOrder,
        Effect::MakePassword,
        Effect::SendLink,
        Effect::PromoCode,
        Effect::AskOracle,
        Effect::ShippingStatus,
        Effect::Membership,
        Effect::NotifyTeam,
        Effect::MakePurchase,
    ]
}

#[test]
fn same_row_same_text() {
    assert_eq!(
        text(&row(ActKind::StateNeed, &[], 42), 8.0, 1),
        text(&row(ActKind::StateNeed, &[], 42), 8.0, 1)
    );
}
#[test]
fn state_need_varies_with_seed() {
    let texts: BTreeSet<String> =
        (0..50).map(|seed| text(&row(ActKind::StateNeed, &[], seed), 10.0, 1)).collect();
    assert!(texts.len() >= 3, "{texts:?}");
}
#[test]
fn every_act_kind_renders() {
    for kind in ALL_KINDS {
        for seed in 0..20 {
            let rendered = text(&row(kind, &[(Slot::PHONE, 9776252661)], seed), 8.0, 1);
            assert!(!rendered.trim().is_empty() && rendered != "...", "{kind:?}: {rendered:?}");
        }
    }
}
#[test]
fn every_tool_renders() {
    for tool in 0..scenario().tools.len() as u8 {
        for passed in [true, false] {
            assert!(
                !text(&tool_row(tool, &[(Slot::NEW_VALUE, 682100)], passed), 8.0, 0).is_empty()
            );
        }
    }
}
#[test]
fn every_effect_renders() {
    use sim_core::spec::ToolSpec;
    let effects = native_effects();
    let tools = effects.clone().map(|effect| ToolSpec {
        id: format!("{effect:?}"),
        args: SlotSet::EMPTY,
        min_args: 0,
        effect,
        instruction: None,
        says: None,
    });
    let scenario = ScenarioSpec { tools: tools.to_vec(), ..scenario() };
    for (idx, passed) in (0..effects.len() as u8).flat_map(|idx| [(idx, true), (idx, false)]) {
        let ctx = plain(&scenario, 8.0);
        let rendered = render(&tool_row(idx, &[(Slot::PRODUCT, 3)], passed), &ctx);
        assert!(rendered.ends_with('.') && !rendered.contains("no details"), "{rendered}");
    }
}
#[test]
fn agent_text_is_kept() {
    check(
        TurnRecord { text: Some("my own words".into()), ..row(ActKind::Greet, &[], 0) },
        "my own words",
    );
}
#[test]
fn ask_lists_slots() {
    let rendered = text(
        &row(ActKind::Ask, &[(Slot::USERNAME, 0), (Slot::EMAIL, 0), (Slot::ORDER_ID, 0)], 0),
        8.0,
        1,
    );
    assert!(rendered.contains("your username, email address and order ID"), "{rendered}");
}
#[test]
fn ask_names_the_new_field() {
    assert!(
        text(&row(ActKind::Ask, &[(Slot::NEW_VALUE, 0)], 0), 8.0, 0).contains("the new address")
    );
}
#[test]
fn inform_new_address() {
    assert!(
        text(&row(ActKind::Inform, &[(Slot::NEW_VALUE, 682100)], 3), 8.0, 0)
            .contains("6821 1st ave")
    );
}
#[test]
fn tool_pull_up_account() {
    check(
        tool_row(0, &[(Slot::FULL_NAME, 5005)], true),
        "Account has been pulled up for Crystal Minh.",
    );
}
#[test]
fn tool_verify_identity_fails() {
    check(
        tool_row(1, &[(Slot::ZIP_CODE, 75227), (Slot::PHONE, 9776252661)], false),
        "Identity could not be verified with (977) 625-2661 and 75227.",
    );
}
#[test]
fn tool_refund() {
    check(tool_row(4, &[(Slot::AMOUNT, 8400)], true), "Refund of $84.00 recorded.");
}
#[test]
fn tool_update_account() {
    assert_eq!(
        text(&tool_row(3, &[(Slot::NEW_VALUE, 682100)], true), 8.0, 0),
        "Account has been updated with 6821 1st ave."
    );
}
/// ABCD's service and subscription changes carry no new value: the row says only that the account was updated.
#[test]
fn tool_update_account_without_a_new_value() {
    check(tool_row(3, &[(Slot::FULL_NAME, 5005)], true), "Account has been updated.");
}
#[test]
fn value_phone() {
    check_value(Slot::PHONE, 9776252661, "(977) 625-2661");
}
#[test]
fn value_amount() {
    check_value(Slot::AMOUNT, 8405, "$84.05");
}
#[test]
fn value_email() {
    check_value(Slot::EMAIL, 5_005_730, "cminh730@email.com");
}
#[test]
fn value_username() {
    check_value(Slot::USERNAME, 1_047_009, "jbaker009");
}
#[test]
fn value_account_id() {
    check_value(Slot::ACCOUNT_ID, 36 * 36 + 35, "000000010Z");
}
#[test]
fn value_ids_and_codes() {
    check_value(Slot::ORDER_ID, 3_348_917_502, "3348917502");
    check_value(Slot::ZIP_CODE, 7522, "07522");
    check_value(Slot::MEMBERSHIP_LEVEL, 2, "silver");
    check_value(Slot::PRODUCT, 10, "michael kors jeans");
}
#[test]
fn value_address() {
    check_value(Slot::STREET_ADDRESS, 682_100, "6821 1st ave");
    assert!(render_value(&scenario(), Slot::FULL_ADDRESS, 682_100).starts_with("6821 1st ave, "));
}
#[test]
fn value_out_of_range_wraps() {
    check_value(Slot::PAYMENT_METHOD, 4, "debit card");
}
#[test]
fn intent_phrases() {
    assert_eq!(
        (intent_phrase("return_size"), intent_phrase("nope")),
        ("return an item that is the wrong size", "get some help")
    );
}
#[test]
fn retail_intents_have_openings_and_phrases() {
    for (id, lines) in OPENINGS {
        assert!(
            lines.texts.len() >= 2 && INTENT_PHRASES.iter().any(|(known, _)| *known == id),
            "{id}"
        );
    }
}
#[test]
fn verbosity_lengthens_customer_text() {
    for (kind, slots) in [
        (ActKind::StateNeed, &[][..]),
        (ActKind::Inform, &[(Slot::ORDER_ID, 3_348_917_502)][..]),
        (ActKind::Acknowledge, &[][..]),
    ] {
        let (terse, wordy) = (mean_words(kind, slots, 4.0), mean_words(kind, slots, 20.0));
        assert!(wordy > terse + 3.0, "{kind:?}: {terse} vs {wordy}");
    }
}
#[test]
fn agent_text_ignores_verbosity() {
    assert_eq!(
        text(&row(ActKind::Greet, &[], 9), 2.0, 1),
        text(&row(ActKind::Greet, &[], 9), 30.0, 1)
    );
}
#[test]
fn dont_know_names_slots() {
    let rendered =
        text(&row(ActKind::DontKnow, &[(Slot::ZIP_CODE, 0), (Slot::ORDER_ID, 0)], 1), 1.0, 1);
    assert!(rendered.contains("my zip code and order ID"), "{rendered}");
}
#[test]
fn empty_slot_set_is_fine() {
    assert!(!text(&row(ActKind::Ask, &[], 0), 8.0, 1).is_empty() && SlotSet::EMPTY.is_empty());
}

/// A slot value from one of several ranges: pool codes, names, addresses, phones, anything.
fn any_value(mix: &mut Pick) -> u64 {
    match mix.below(8) {
        0 => mix.next() % 50,
        1 => mix.next() % 48_000,
        2 => mix.next() % 1_000_000,
        3 => mix.next() % 100_000_000,
        4 => 1_000_000_000 + mix.next() % 9_000_000_000,
        5 => mix.next() % 100_000_000_000,
        6 => u64::MAX - mix.next() % 4,
        _ => mix.next(),
    }
}

/// Up to `max` random slots.
fn any_slots(mix: &mut Pick, max: usize) -> SlotSet {
    let mut set = SlotSet::EMPTY;
    for _ in 0..mix.below(max + 1) {
        set = set.with(Slot::STANDARD[mix.below(Slot::STANDARD.len())]);
    }
    set
}

/// A scenario with every intent id the realiser knows, an unknown and an empty one, every resolution, and a
/// tool per effect (plus `record-reason`).
fn corpus_scenario() -> ScenarioSpec {
    use sim_core::spec::{AccountField, Effect, Outcome, ToolSpec};
    let outcomes = [
        vec![Outcome::RefundedGoalAmount],
        vec![Outcome::AccountFieldIsGoal(AccountField::Address)],
        vec![Outcome::AccountFieldIsGoal(AccountField::Name)],
        vec![Outcome::AccountFieldIsGoal(AccountField::Phone)],
        vec![Outcome::AccountFieldIsGoal(AccountField::PaymentMethod)],
        vec![Outcome::OrderOptionIsGoal],
        vec![Outcome::PasswordReset],
        vec![Outcome::LinkSent],
        vec![Outcome::PromoIssued],
        vec![Outcome::Purchased],
        vec![Outcome::TeamNotified, Outcome::AccountFieldIsGoal(AccountField::Name)],
        vec![],
    ];
    let base = scenario();
    let template = base.intents[0].clone();
    let ids = INTENT_PHRASES.iter().map(|(id, _)| *id).chain(["shipping_weirdness", ""]);
    let intents = ids
        .enumerate()
        .flat_map(|(idx, id)| {
            let first = outcomes[idx % outcomes.len()].clone();
            let second = outcomes[(idx * 7 + 3) % outcomes.len()].clone();
            [first, second].map(|resolved| sim_core::spec::IntentSpec {
                id: id.to_owned(),
                resolved,
                ..template.clone()
            })
        })
        .collect();
    let effects = native_effects();
    let tool = |id: String, effect| ToolSpec {
        id,
        args: SlotSet::EMPTY,
        min_args: 0,
        effect,
        instruction: None,
        says: None,
    };
    let tools = effects
        .iter()
        .map(|effect| tool(format!("{effect:?}"), effect.clone()))
        .chain([tool("record-reason".to_owned(), Effect::Record)])
        .collect();
    ScenarioSpec { intents, tools, ..base }
}

/// A large deterministic set of (row, verbosity, customer intent) covering every act kind, slot, intent,
/// effect and odd case (agent text, missing act or tool, swapped speakers, out-of-range indices).
fn corpus(scenario: &ScenarioSpec) -> Vec<(TurnRecord, f64, Option<u16>)> {
    let n_intents = scenario.intents.len();
    let n_tools = scenario.tools.len();
    let mut mix = Pick::new(7);
    let mut rows = Vec::new();
    let mut pairs = vec![SlotSet::EMPTY];
    for (idx, first) in Slot::STANDARD.iter().enumerate() {
        pairs.push(SlotSet::EMPTY.with(*first));
        for second in &Slot::STANDARD[idx + 1..] {
            pairs.push(SlotSet::EMPTY.with(*first).with(*second));
        }
    }
    // Systematic: every kind with every slot set of up to two slots, several seeds and verbosities.
    for kind in ALL_KINDS {
        for slots in &pairs {
            for verbosity in [1.0, 6.0, 13.0, 40.0] {
                let seed = mix.next() as u32;
                let mut act =
                    Act { slots: *slots, intent: mix.below(n_intents) as u16, ..Act::bare(kind) };
                act.values = [
                    any_value(&mut mix),
                    any_value(&mut mix),
                    any_value(&mut mix),
                    any_value(&mut mix),
                ];
                let ctx_intent = Some(mix.below(n_intents) as u16);
                rows.push((
                    TurnRecord { act: Some(act), ..row(kind, &[], seed) },
                    verbosity,
                    ctx_intent,
                ));
            }
        }
    }
    // Random: everything else, odd cases included.
    for _ in 0..200_000 {
        let kind = ALL_KINDS[mix.below(ALL_KINDS.len())];
        let mut record = row(kind, &[], mix.next() as u32);
        let mut act = Act {
            slots: any_slots(&mut mix, 6),
            values: [
                any_value(&mut mix),
                any_value(&mut mix),
                any_value(&mut mix),
                any_value(&mut mix),
            ],
            intent: mix.below(n_intents + 2) as u16,
            kind,
        };
        if mix.below(50) == 0 {
            act.intent = u16::MAX;
        }
        record.act = Some(act);
        match mix.below(40) {
            0 => record.speaker = Speaker::Agent,
            1 => record.speaker = Speaker::Customer,
            2 => record.text = Some(format!("own words {}", mix.next()).into()),
            3 => record.act = None,
            4..=11 => {
                record.speaker = Speaker::Tool;
                record.act = if mix.below(4) == 0 { Some(act) } else { None };
                record.tool = match mix.below(20) {
                    0 => None,
                    1 => Some((n_tools + mix.below(3)) as u8),
                    _ => Some(mix.below(n_tools) as u8),
                };
                let slots = any_slots(&mut mix, 4);
                let mut args = ToolArgs::default();
                for slot in slots.iter() {
                    args.push(slot, any_value(&mut mix));
                }
                record.args = args;
                record.outcome = match mix.below(6) {
                    0 => None,
                    _ => Some(ToolOutcome::new(mix.below(2) == 0, any_value(&mut mix))),
                };
            }
            _ => {}
        }
        let verbosity = match mix.below(10) {
            0 => -2.0,
            1 => 0.0,
            2 => (mix.next() % 4000) as f64 / 100.0,
            _ => (1 + mix.below(40)) as f64,
        };
        let ctx_intent = match mix.below(10) {
            0 => None,
            1 => Some((n_intents + mix.below(3)) as u16),
            _ => Some(mix.below(n_intents) as u16),
        };
        rows.push((record, verbosity, ctx_intent));
    }
    rows
}

/// Renders every corpus row with `render_into`, after `prefix`, and checks it against `render`; `styled`
/// cycles the rows through casual, plain and formal customers with many typos.
fn check_corpus(prefix: &str, styled: bool) {
    let scenario = corpus_scenario();
    let mut out = String::new();
    for (idx, (row, verbosity, intent)) in corpus(&scenario).into_iter().enumerate() {
        let mut ctx = RenderContext { intent, ..plain(&scenario, verbosity) };
        if styled {
            ctx.formality = [0.1, 0.5, 0.9][idx % 3];
            ctx.typo_rate = 0.3;
        }
        let expect = render(&row, &ctx);
        out.clear();
        out.push_str(prefix);
        render_into(&row, &ctx, &mut out);
        assert_eq!((&out[..prefix.len()], &out[prefix.len()..]), (prefix, &expect[..]), "{row:?}");
        assert_eq!(Words::of(&expect), expect.split_whitespace().count(), "{expect}");
    }
}

#[test]
fn render_into_appends_exactly_render() {
    check_corpus("", false);
    check_corpus("Earlier text.", false);
    check_corpus("Hello ", false);
}
#[test]
fn render_into_appends_exactly_render_with_style() {
    check_corpus("", true);
    check_corpus("Earlier text.", true);
}

/// A plain customer with no typos reads exactly as before styles: the corpus rendered by the realiser of commit
/// e642049 (dumped there, 217,724 rows) has this FNV-1a hash, each row's text followed by a 0xFF byte.
/// A deliberate change of phrasing must update it: since then, an account update without a new value reads
/// "Account has been updated." (865 tool rows), and a refusal that names its reason (a `Deny` with no slots and a
/// tool in `values[0]`) says which check said no, and a goodbye with the need unmet (a `ThankBye` with `values[0]`
/// = 1) sounds like one, and a need with values (a `StateNeed` with slots) gives them after the need.
#[test]
fn plain_style_is_the_text_from_before_styles() {
    let scenario = corpus_scenario();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut n_rows = 0;
    let mut text = String::new();
    for (row, verbosity, intent) in corpus(&scenario) {
        text.clear();
        render_into(&row, &RenderContext { intent, ..plain(&scenario, verbosity) }, &mut text);
        for byte in text.bytes().chain([0xFF]) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        n_rows += 1;
    }
    assert_eq!((n_rows, hash), (217_724, 0x7e2f_477b_b15d_ae92));
}
#[test]
fn numbers_pad_like_format() {
    for value in [0, 1, 9, 10, 99, 100, 12_345, 9_999_999_999, u64::MAX] {
        for width in [0, 2, 3, 4, 5, 10] {
            let mut out = String::new();
            put_uint(&mut out, value, width);
            assert_eq!(out, format!("{value:0width$}"));
        }
    }
}
#[test]
fn pools_are_ascii() {
    // Usernames are lower-cased char by char, which equals `str::to_lowercase` only for ASCII.
    assert!(FIRST_NAMES.iter().chain(LAST_NAMES.iter()).all(|name| name.is_ascii()));
}
#[test]
fn words_count_like_split_whitespace() {
    for text in ["", " ", "a", " a ", "a  b\tc\u{b}d\u{1c}e", "é b", "a\u{a0}b c", "x\u{3000}"] {
        assert_eq!(Words::of(text), text.split_whitespace().count(), "{text:?}");
        let split =
            Words::count(|words| text.split_inclusive(' ').for_each(|part| words.put(part)));
        assert_eq!(split, text.split_whitespace().count(), "{text:?}");
    }
}

/// Renders `row` (refund intent, verbosity 10) for a customer of this formality and typo rate.
fn styled(row: &TurnRecord, formality: f64, typo_rate: f64) -> String {
    let scenario = scenario();
    let ctx = RenderContext { intent: Some(1), formality, typo_rate, ..plain(&scenario, 10.0) };
    render(row, &ctx)
}

/// Customer act kinds whose text holds no slot values.
const VALUE_FREE: [ActKind; 9] = [
    ActKind::StateNeed,
    ActKind::VagueNeed,
    ActKind::OffTopic,
    ActKind::Insist,
    ActKind::DemandHuman,
    ActKind::Acknowledge,
    ActKind::ThankBye,
    ActKind::Leave,
    ActKind::Nudge,
];

/// `n` customer rows cycling through the value-free kinds, each with its own seed.
fn value_free_rows(n: u32) -> impl Iterator<Item = TurnRecord> {
    (0..n)
        .map(|seed| row(VALUE_FREE[seed as usize % VALUE_FREE.len()], &[], seed.wrapping_mul(7919)))
}

/// The share of `n` value-free rows whose text at `formality` (no typos) passes `test`.
fn share(n: u32, formality: f64, test: impl Fn(&str) -> bool) -> f64 {
    let hits = value_free_rows(n).filter(|row| test(&styled(row, formality, 0.0))).count();
    hits as f64 / f64::from(n)
}

#[test]
fn tones() {
    assert_eq!(
        [
            "hey, can you help?",
            "Hi! Can I",
            "hello, a refund please",
            "Thank you.",
            "okay",
            "ok, thank you"
        ]
        .map(tone),
        [-1, -1, 2, 1, 0, 0]
    );
}
#[test]
fn middle_band_is_plain() {
    for row in value_free_rows(300) {
        let plain_text = styled(&row, 0.5, 0.0);
        assert_eq!(
            [0.35, 0.65, f64::NAN].map(|formality| styled(&row, formality, 0.0)),
            [plain_text.clone(), plain_text.clone(), plain_text.clone()]
        );
    }
}
#[test]
fn casual_starts_low_and_drops_the_full_stop() {
    for row in value_free_rows(2000) {
        let text = styled(&row, 0.1, 0.0);
        let starts_low = !text.starts_with(|ch: char| ch.is_ascii_uppercase());
        assert!(starts_low && (!text.ends_with('.') || text.ends_with("..")), "{text:?}");
    }
}
#[test]
fn formal_starts_high_and_punctuates() {
    for row in value_free_rows(2000) {
        let text = styled(&row, 0.9, 0.0);
        let starts_high = !text.starts_with(|ch: char| ch.is_ascii_lowercase());
        assert!(starts_high && text.ends_with(['.', '?', '!']), "{text:?}");
    }
}
/// Whether `text` has one of `words` as a whole word, ignoring case.
fn has_word(text: &str, words: &[&str]) -> bool {
    text.split(|ch: char| !ch.is_ascii_alphabetic())
        .any(|word| words.iter().any(|known| word.eq_ignore_ascii_case(known)))
}

#[test]
fn casual_prefers_hey_and_hi() {
    let greets_casually = |text: &str| has_word(text, &["hey", "hi"]);
    let (casual, plain) = (share(4000, 0.1, greets_casually), share(4000, 0.5, greets_casually));
    assert!(casual > plain + 0.05, "casual {casual}, plain {plain}");
    let (formal, plain) = (share(4000, 0.9, greets_casually), share(4000, 0.5, greets_casually));
    assert!(formal < plain / 2.0, "formal {formal}, plain {plain}");
}
#[test]
fn formal_prefers_hello_please_thank_you() {
    let polite = |text: &str| {
        has_word(text, &["hello", "please", "appreciate"]) || text.contains("hank you")
    };
    let (formal, plain) = (share(4000, 0.9, polite), share(4000, 0.5, polite));
    assert!(formal > plain + 0.1, "formal {formal}, plain {plain}");
    let (casual, plain) = (share(4000, 0.1, polite), share(4000, 0.5, polite));
    assert!(casual < plain, "casual {casual}, plain {plain}");
}
#[test]
fn casual_and_formal_differ() {
    let n_differ =
        value_free_rows(500).filter(|row| styled(row, 0.1, 0.0) != styled(row, 0.9, 0.0)).count();
    assert!(n_differ > 450, "{n_differ} of 500");
}
#[test]
fn style_and_typos_are_deterministic() {
    for row in value_free_rows(200) {
        assert_eq!(styled(&row, 0.2, 0.2), styled(&row, 0.2, 0.2));
    }
    let texts: BTreeSet<String> =
        (0..50).map(|seed| styled(&row(ActKind::Insist, &[], seed), 0.2, 0.2)).collect();
    assert!(texts.len() >= 20, "{texts:?}");
}
#[test]
fn agent_and_tool_rows_ignore_style() {
    let rows = ALL_KINDS
        .iter()
        .flat_map(|kind| (0..20).map(|seed| row(*kind, &[(Slot::PHONE, 9776252661)], seed)))
        .filter(|row| row.speaker == Speaker::Agent)
        .chain(
            (0..scenario().tools.len() as u8)
                .map(|tool| tool_row(tool, &[(Slot::AMOUNT, 8400)], true)),
        )
        .chain([TurnRecord { speaker: Speaker::Agent, ..row(ActKind::Insist, &[], 3) }]);
    for row in rows {
        assert_eq!(styled(&row, 0.05, 0.3), styled(&row, 0.5, 0.0), "{row:?}");
    }
}

/// Runs of ASCII letters and digits, as the typo pass sees words.
fn runs(text: &str) -> impl Iterator<Item = &str> {
    text.split(|ch: char| !ch.is_ascii_alphanumeric()).filter(|run| !run.is_empty())
}

#[test]
fn typo_frequency_follows_the_rate() {
    let (mut n_words, mut n_typos) = (0, 0);
    for row in value_free_rows(6000) {
        let (clean, typoed) = (styled(&row, 0.5, 0.0), styled(&row, 0.5, 0.05));
        for (word, typoed_word) in runs(&clean).zip(runs(&typoed)) {
            if word.len() >= 3 && word.bytes().all(|byte| byte.is_ascii_alphabetic()) {
                n_words += 1;
                n_typos += usize::from(word != typoed_word);
            } else {
                assert_eq!(word, typoed_word, "short words and codes are never misspelt");
            }
        }
        assert_eq!(runs(&clean).count(), runs(&typoed).count());
    }
    let rate = n_typos as f64 / n_words as f64;
    assert!(
        n_words > 40_000 && (0.045..0.055).contains(&rate),
        "{n_typos} typos in {n_words} words"
    );
}
#[test]
fn typos_are_swaps_drops_or_doubles() {
    let is_typo_of = |typo: &str, word: &str| {
        let (typo, word) = (typo.as_bytes(), word.as_bytes());
        let dropped = |long: &[u8], short: &[u8]| {
            (1..long.len()).any(|at| long[..at] == short[..at] && long[at + 1..] == short[at..])
        };
        match typo.len() as isize - word.len() as isize {
            -1 => dropped(word, typo),
            1 => dropped(typo, word) && (1..typo.len()).any(|at| typo[at] == typo[at - 1]),
            0 => {
                let diff: Vec<usize> = (0..word.len()).filter(|&at| word[at] != typo[at]).collect();
                diff.len() == 2
                    && diff[0] > 0
                    && diff[1] == diff[0] + 1
                    && word[diff[0]] == typo[diff[1]]
                    && word[diff[1]] == typo[diff[0]]
            }
            _ => false,
        }
    };
    let mut n_typos = 0;
    for row in value_free_rows(2000) {
        let (clean, typoed) = (styled(&row, 0.5, 0.0), styled(&row, 0.5, 0.3));
        for (word, typo) in runs(&clean).zip(runs(&typoed)).filter(|(word, typo)| word != typo) {
            assert!(is_typo_of(typo, word), "{word:?} -> {typo:?}");
            n_typos += 1;
        }
    }
    assert!(n_typos > 1000, "{n_typos}");
}
#[test]
fn typos_and_register_never_touch_values() {
    let scenario = scenario();
    let mut mix = Pick::new(11);
    let mut n_rows = 0;
    for chunk in Slot::STANDARD.chunks(MAX_VALUES) {
        for seed in 0..400 {
            let slots: Vec<(Slot, u64)> =
                chunk.iter().map(|slot| (*slot, any_value(&mut mix))).collect();
            let inform = row(ActKind::Inform, &slots, seed);
            for formality in [0.1, 0.5, 0.9] {
                let ctx = RenderContext {
                    formality,
                    typo_rate: 0.3,
                    ..plain(&scenario, (seed % 30) as f64)
                };
                let text = render(&inform, &ctx);
                for (slot, value) in &slots {
                    let value_text = render_value(&scenario, *slot, *value);
                    assert!(text.contains(&value_text), "{slot:?} {value_text:?} not in {text:?}");
                }
                n_rows += 1;
            }
        }
    }
    assert!(n_rows > 5000);
}
#[test]
fn formal_leaves_a_final_value_bare() {
    // "cminh730@email.com." would read as a different address to a careless parser.
    let scenario = scenario();
    let terse = RenderContext { formality: 0.9, ..plain(&scenario, 1.0) };
    let texts: Vec<String> = (0..200)
        .map(|seed| render(&row(ActKind::Inform, &[(Slot::EMAIL, 5_005_730)], seed), &terse))
        .collect();
    let n_bare = texts.iter().filter(|text| text.ends_with("@email.com")).count();
    assert!(n_bare > 10 && texts.iter().all(|text| !text.ends_with(".com.")), "{texts:?}");
}

/// The declared slot `card_last4` (four digits), noun "the last four digits of your card".
const CARD_LAST4: Slot = Slot(Slot::FIRST_DECLARED);
/// The declared slot `dispute_amount` (money), noun "the amount of the charge".
const DISPUTE_AMOUNT: Slot = Slot(Slot::FIRST_DECLARED + 1);
/// The declared slot `merchant` (an enum), noun "the merchant on the charge".
const MERCHANT: Slot = Slot(Slot::FIRST_DECLARED + 2);
/// A declared slot id the scenario does not have.
const UNDECLARED: Slot = Slot(Slot::FIRST_DECLARED + 3);

/// The tiny scenario with three declared slots (digits, money, enum) and, after its own five tools, data tools
/// taking them: 5 `block-card` (card_last4), 6 `file-dispute` (dispute_amount, reports its value),
/// 7 `check-dispute-window` (no arguments), 8 `lookup` (card_last4 and merchant, reports a value).
fn declared_scenario() -> ScenarioSpec {
    let base = scenario();
    let field = |name: &str, ty| FieldSpec {
        name: name.to_owned(),
        ty,
        generator: Gen::Fixed(0),
        instance: None,
    };
    let fields = vec![
        field("card.last4", FieldType::Digits(4)),
        field("charge.amount", FieldType::Money),
        field(
            "charge.merchant",
            FieldType::Enum(vec!["an airline".into(), "a gas station".into()]),
        ),
    ];
    let slot = |name: &str, noun: &str, field| SlotSpec {
        name: name.to_owned(),
        noun: noun.to_owned(),
        field,
        identity: false,
        remembered: false,
        aliases: Vec::new(),
    };
    let slots = vec![
        slot("card_last4", "the last four digits of your card", 0),
        slot("dispute_amount", "the amount of the charge", 1),
        slot("merchant", "the merchant on the charge", 2),
    ];
    let data = |id: &str, args: &[Slot], value| ToolSpec {
        id: id.to_owned(),
        args: args.iter().fold(SlotSet::EMPTY, |set, slot| set.with(*slot)),
        min_args: args.len() as u8,
        effect: Effect::Data(DataEffect { value, ..DataEffect::default() }),
        instruction: None,
        says: None,
    };
    let mut tools = base.tools.clone();
    tools.extend([
        data("block-card", &[CARD_LAST4], None),
        data("file-dispute", &[DISPUTE_AMOUNT], Some(sim_core::expr::Expr::Arg(21))),
        data("check-dispute-window", &[], None),
        data("lookup", &[CARD_LAST4, MERCHANT], Some(sim_core::expr::Expr::Const(3))),
    ]);
    ScenarioSpec { fields, slots, tools, ..base }
}

/// Only a declared slot backed by a `Date` field holds a date: not an enum, not a built-in slot, not a slot the
/// scenario does not have.
#[test]
fn a_slot_holds_a_date_when_its_field_is_one() {
    let mut scenario = declared_scenario();
    let is_date = |scenario: &ScenarioSpec| {
        [MERCHANT, DISPUTE_AMOUNT, Slot::DAYS, UNDECLARED]
            .map(|slot| super::slot_is_date(scenario, slot))
    };
    assert_eq!(is_date(&scenario), [false; 4]);
    scenario.fields[2].ty = FieldType::Date(17_712);
    assert_eq!(is_date(&scenario), [true, false, false, false]);
}

/// Renders `row` in the declared scenario (refund intent, verbosity 10, plain style).
fn declared_text(row: &TurnRecord) -> String {
    let scenario = declared_scenario();
    render(row, &RenderContext { intent: Some(1), ..plain(&scenario, 10.0) })
}

/// A tool row of the declared scenario whose outcome reports `value`.
fn declared_tool_row(tool: u8, args: &[(Slot, u64)], passed: bool, value: u64) -> TurnRecord {
    TurnRecord { outcome: Some(ToolOutcome::new(passed, value)), ..tool_row(tool, args, passed) }
}

/// The unshaped renderings of a customer `kind` with `slots` over many seeds (the act as another speaker, so
/// no padding or style).
fn declared_renderings(kind: ActKind, slots: &[(Slot, u64)]) -> BTreeSet<String> {
    (0..100)
        .map(|seed| {
            declared_text(&TurnRecord { speaker: Speaker::Agent, ..row(kind, slots, seed) })
        })
        .collect()
}

#[test]
fn declared_values_render_by_field_type() {
    let scenario = declared_scenario();
    let value = |slot, value| render_value(&scenario, slot, value);
    assert_eq!(
        [
            value(CARD_LAST4, 42),
            value(DISPUTE_AMOUNT, 8400),
            value(MERCHANT, 1),
            value(MERCHANT, 9)
        ],
        ["0042", "$84.00", "a gas station", "?"]
    );
    assert_eq!(value(UNDECLARED, 8400), "8400", "an id the scenario lacks stays a number");
    assert_eq!(value(Slot::AMOUNT, 8400), "$84.00");
}
#[test]
fn declared_informs_render_bare_labelled_and_in_sentences() {
    let slots = [(CARD_LAST4, 42), (DISPUTE_AMOUNT, 8400), (MERCHANT, 0)];
    let expect = [
        "0042, $84.00, an airline",
        "Last four digits of my card: 0042, amount of the charge: $84.00, merchant on the charge: \
         an airline",
        "the last four digits of my card is 0042, the amount of the charge is $84.00 and the merchant \
         on the charge is an airline",
    ];
    assert_eq!(
        declared_renderings(ActKind::Inform, &slots),
        BTreeSet::from(expect.map(String::from))
    );
}
#[test]
fn declared_informs_keep_values_whole_in_shaped_text() {
    let slots = [(CARD_LAST4, 7), (DISPUTE_AMOUNT, 12_345)];
    let scenario = declared_scenario();
    for seed in 0..300 {
        let ctx = RenderContext {
            formality: [0.1, 0.5, 0.9][seed as usize % 3],
            typo_rate: 0.3,
            ..plain(&scenario, (seed % 25) as f64)
        };
        let text = render(&row(ActKind::Inform, &slots, seed), &ctx);
        assert!(text.contains("0007") && text.contains("$123.45"), "{text:?}");
        assert!(!text.contains("details"), "{text:?}");
    }
}
#[test]
fn agent_asks_for_declared_slots_by_their_noun() {
    let ask = |slots: &[(Slot, u64)]| declared_text(&row(ActKind::Ask, slots, 0));
    let text = ask(&[(CARD_LAST4, 0), (DISPUTE_AMOUNT, 0)]);
    assert!(
        text.contains("the last four digits of your card and the amount of the charge"),
        "{text}"
    );
    let text = ask(&[(Slot::USERNAME, 0), (Slot::EMAIL, 0), (MERCHANT, 0)]);
    assert!(text.contains("your username, email address and the merchant on the charge"), "{text}");
}
#[test]
fn customer_names_declared_slots_in_their_own_words() {
    let texts = declared_renderings(ActKind::DontKnow, &[(Slot::ZIP_CODE, 0), (CARD_LAST4, 0)]);
    assert!(
        texts.iter().all(|text| text.contains("my zip code and the last four digits of my card"))
    );
    assert!(texts.len() == 4, "{texts:?}");
}
#[test]
fn agent_discloses_declared_slots_by_their_noun() {
    assert!(
        declared_text(&row(ActKind::Disclose, &[(CARD_LAST4, 42)], 3))
            .ends_with("The last four digits of your card is 0042.")
    );
}
#[test]
fn data_tools_read_as_done_or_failed_with_typed_arguments() {
    let cases = [
        (
            declared_tool_row(5, &[(CARD_LAST4, 42)], true, 0),
            "block-card: done for card_last4 0042.",
        ),
        (
            declared_tool_row(5, &[(CARD_LAST4, 41)], false, 0),
            "block-card: failed for card_last4 0041.",
        ),
        (
            declared_tool_row(6, &[(DISPUTE_AMOUNT, 8400)], true, 8400),
            "file-dispute: done for dispute_amount $84.00, value $84.00.",
        ),
        (
            declared_tool_row(6, &[(DISPUTE_AMOUNT, 8400)], true, 500),
            "file-dispute: done for dispute_amount $84.00, value $5.00.",
        ),
        (declared_tool_row(7, &[], false, 0), "check-dispute-window: failed."),
        (declared_tool_row(7, &[], true, 0), "check-dispute-window: done."),
        (
            declared_tool_row(8, &[(CARD_LAST4, 3), (MERCHANT, 1)], true, 3),
            "lookup: done for card_last4 0003 and merchant a gas station, value 3.",
        ),
        (
            declared_tool_row(5, &[(Slot::ZIP_CODE, 7522)], true, 0),
            "block-card: done for zip_code 07522.",
        ),
    ];
    for (row, expect) in cases {
        assert_eq!(declared_text(&row), expect);
    }
}
#[test]
fn built_in_tools_render_declared_arguments_by_type() {
    assert_eq!(
        declared_text(&declared_tool_row(1, &[(Slot::ZIP_CODE, 75227), (CARD_LAST4, 42)], true, 0)),
        "Identity verified with 75227 and 0042."
    );
}
#[test]
fn field_pieces_match_field_render() {
    let types = [
        FieldType::Int,
        FieldType::Money,
        FieldType::Percent,
        FieldType::Bool,
        FieldType::Digits(1),
        FieldType::Digits(4),
        FieldType::Digits(18),
        FieldType::Enum(vec!["an online store".into(), "x".into()]),
        FieldType::Days,
        FieldType::Date(17_712),
    ];
    for ty in &types {
        for value in [0, 1, 2, 5, 42, 99, 100, 8400, 12_345, 9_999_999_999, u64::MAX] {
            let (mut rendered, mut pieces) = (String::new(), String::new());
            ty.render(value, &mut rendered);
            put_field_pieces(&mut pieces, ty, value);
            assert_eq!(pieces, rendered, "{ty:?} {value}");
            let n_words = Words::count(|words| words.put_field(ty, value));
            assert_eq!(n_words, rendered.split_whitespace().count(), "{ty:?} {value}");
        }
    }
}
#[test]
fn owned_nouns_swap_whole_words_only() {
    let owned = |noun: &str, owner: &str| {
        let mut out = String::new();
        put_owned(&mut out, noun, owner);
        out
    };
    assert_eq!(
        [
            owned("the last four digits of your card", "my"),
            owned("your card and yours", "my"),
            owned("your_card, your", "my"),
            owned("the code we texted you", "my"),
            owned("the last four digits of your card", "your"),
        ],
        [
            "the last four digits of my card",
            "my card and yours",
            "your_card, my",
            "the code we texted you",
            "the last four digits of your card",
        ]
    );
}

#[test]
fn a_tool_with_its_own_text_fills_its_arguments_and_value() {
    let mut scenario = scenario();
    scenario.tools[0].says = Some(sim_core::spec::ToolText {
        done: "Found {full_name} ({value}), {nope}.".into(),
        failed: "Nobody called {full_name}.".into(),
    });
    let ctx = plain(&scenario, 8.0);
    let passed = tool_row(0, &[(Slot::FULL_NAME, 5005)], true);
    assert_eq!(render(&passed, &ctx), "Found Crystal Minh (0), {nope}.");
    let failed = tool_row(0, &[(Slot::FULL_NAME, 5005)], false);
    assert_eq!(render(&failed, &ctx), "Nobody called Crystal Minh.");
}

/// Every built-in slot reads back the code it renders: by parsing where the rendering names one code, and by the
/// candidate it matches where it does not (a username keeps only the first name's initial); case, spacing and
/// punctuation aside. A text that is no value reads as an unmatched code, never as a world value.
#[test]
fn values_read_back_as_the_codes_they_render() {
    use super::{is_unmatched, parse_value, read_value};
    use rand::{Rng, SeedableRng};
    let scenario = sim_core::testing::tiny_scenario();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let name = |rng: &mut rand_chacha::ChaCha8Rng| {
        rng.random_range(0..48) * 1000 + rng.random_range(0..48)
    };
    for _ in 0..300 {
        let street = rng.random_range(100..10_000) * 100 + rng.random_range(0..32);
        let values = [
            (Slot::FULL_NAME, name(&mut rng), true),
            (Slot::ACCOUNT_ID, rng.random_range(0..36u64.pow(10)), true),
            (Slot::USERNAME, name(&mut rng) * 1000 + rng.random_range(100..1000), false),
            (Slot::EMAIL, name(&mut rng) * 1000 + rng.random_range(100..1000), false),
            (Slot::PHONE, rng.random_range(2_000_000_000..10_000_000_000), true),
            (Slot::ZIP_CODE, rng.random_range(10_000..100_000), true),
            (Slot::ORDER_ID, rng.random_range(1_000_000_000..10_000_000_000), true),
            (Slot::PIN_NUMBER, rng.random_range(1000..10_000), true),
            (Slot::SECURITY_ANSWER, rng.random_range(0..5), true),
            (Slot::MEMBERSHIP_LEVEL, rng.random_range(0..4), true),
            (Slot::STREET_ADDRESS, street, true),
            (
                Slot::FULL_ADDRESS,
                sim_core::world::full_address(
                    street,
                    rng.random_range(0..24),
                    rng.random_range(10_000..100_000),
                ),
                true,
            ),
            (Slot::PAYMENT_METHOD, rng.random_range(0..3), true),
            (Slot::AMOUNT, rng.random_range(0..1_000_000), true),
            (Slot::REASON, rng.random_range(0..10), true),
            (Slot::PRODUCT, rng.random_range(0..16), true),
            (Slot::REFUND_METHOD, rng.random_range(0..4), true),
            (Slot::ORDER_OPTION, rng.random_range(0..8), true),
            (Slot::DAYS, rng.random_range(0..400), true),
        ];
        for (slot, code, parses) in values {
            let text = render_value(&scenario, slot, code);
            let shouted = format!(" {} ", text.to_uppercase());
            if parses {
                assert_eq!(parse_value(&scenario, slot, &text), Some(code), "{slot:?} {text}");
                assert_eq!(read_value(&scenario, slot, &shouted, &[]), code, "{slot:?} {text}");
            } else {
                assert_eq!(parse_value(&scenario, slot, &text), None, "{slot:?} {text}");
            }
            assert_eq!(
                read_value(&scenario, slot, &shouted, &[code + 1, code]),
                code,
                "{slot:?} {text}"
            );
            let wrong = read_value(&scenario, slot, "not a value at all", &[code]);
            assert!(is_unmatched(wrong) && wrong != code, "{slot:?}");
        }
    }
    // A new value is written as the field it changes, whatever the code alone would render as: the payment method
    // "debit card" is code 1, which alone renders as a name; so is a street address with a round house number.
    let (debit, street) = (1, 46_000 + 12);
    assert_ne!(render_value(&scenario, Slot::NEW_VALUE, debit), "debit card");
    assert_eq!(read_value(&scenario, Slot::NEW_VALUE, "Debit card", &[debit]), debit);
    let written = render_value(&scenario, Slot::STREET_ADDRESS, street);
    assert_eq!(read_value(&scenario, Slot::NEW_VALUE, &written, &[7, street]), street);
    assert_eq!(read_value(&scenario, Slot::NEW_VALUE, "paypal", &[]), 2);
    assert!(is_unmatched(read_value(&scenario, Slot::NEW_VALUE, "a purple cow", &[debit])));
    // Typed the way people type them.
    assert_eq!(parse_value(&scenario, Slot::PHONE, "+1 680.976.9368"), Some(6_809_769_368));
    assert_eq!(parse_value(&scenario, Slot::PHONE, "680 976 936"), None);
    assert_eq!(parse_value(&scenario, Slot::AMOUNT, "$1,250"), Some(125_000));
    assert_eq!(parse_value(&scenario, Slot::FULL_NAME, "Matthew"), None);
    assert_eq!(
        parse_value(&scenario, Slot::ACCOUNT_ID, "xodjs2k7bb"),
        parse_value(&scenario, Slot::ACCOUNT_ID, "XODJS2K7BB")
    );
}

#[test]
fn a_need_with_values_says_the_need_then_the_values() {
    let need = text(&row(ActKind::StateNeed, &[], 42), 8.0, 1);
    let with = text(&row(ActKind::StateNeed, &[(Slot::ZIP_CODE, 15213)], 42), 8.0, 1);
    assert!(with.starts_with(&need), "{with:?} does not start with {need:?}");
    assert!(with[need.len()..].contains("15213"), "{with:?}");
}

/// A scenario's own words for an act (`agent_replies`) replace the built-in phrasings for that act and those slots
/// only; a hole takes the act's value, else the customer's, and a reply with a hole neither fills is not said.
#[test]
fn a_scenarios_agent_replies_say_its_acts_in_its_words() {
    use sim_core::spec::AgentReply;
    let reply = |act, slots: &[Slot], text: &str| AgentReply {
        act,
        slots: slots.iter().fold(SlotSet::EMPTY, |set, slot| set.with(*slot)),
        intent: None,
        after: None,
        text: text.to_owned(),
        weight: 1.0,
    };
    let mut scenario = scenario();
    scenario.agent_replies = vec![
        reply(ActKind::Ask, &[Slot::EMAIL], "What's your email?"),
        reply(ActKind::Disclose, &[Slot::USERNAME], "{username} is the login of {full_name}."),
        reply(ActKind::Close, &[], "Goodbye."),
        // Only for the customers of intent 0 (change address).
        AgentReply {
            intent: Some(0),
            ..reply(ActKind::Apologize, &[], "Sorry about the address.")
        },
        // A brace no loaded file would have (validation refuses it) is said as written.
        reply(ActKind::AnythingElse, &[], "Anything else {or not?"),
    ];
    let ctx = plain(&scenario, 10.0);
    assert_eq!(render(&row(ActKind::Ask, &[(Slot::EMAIL, 0)], 3), &ctx), "What's your email?");
    assert_eq!(render(&row(ActKind::Close, &[], 3), &ctx), "Goodbye.");
    let apology = row(ActKind::Apologize, &[], 3);
    let for_intent = |intent| render(&apology, &RenderContext { intent: Some(intent), ..ctx });
    assert_eq!(for_intent(0), "Sorry about the address.");
    assert_ne!(
        for_intent(1),
        "Sorry about the address.",
        "a refund customer gets the built-in apology"
    );
    assert_eq!(render(&row(ActKind::AnythingElse, &[], 3), &ctx), "Anything else {or not?");
    // Another slot set is not that reply's: the built-in question.
    let both = render(&row(ActKind::Ask, &[(Slot::EMAIL, 0), (Slot::PHONE, 0)], 3), &ctx);
    assert_ne!(both, "What's your email?");
    // The username is the act's; the name is nobody's yet: the built-in disclosure.
    let disclose = row(ActKind::Disclose, &[(Slot::USERNAME, 5_005_730)], 3);
    let built_in = render(&disclose, &ctx);
    assert!(
        built_in.starts_with("Your username is") || built_in.contains(" Your username is"),
        "{built_in}"
    );
    // The customer holds their name: the reply, with both values.
    let mut knowledge = sim_core::customer::Knowledge::default();
    knowledge.known = knowledge.known.with(Slot::FULL_NAME);
    knowledge.values.0[Slot::FULL_NAME.index()] = 5005;
    let knowing = RenderContext { known: Some(&knowledge), ..ctx };
    assert_eq!(render(&disclose, &knowing), "cminh730 is the login of Crystal Minh.");
}

/// Replies that fit the same turn are said as often as their weights: a wording STAR's wizards typed now and then
/// (weight 0.25 against the template's 1) one time in five; replies of equal weight alike.
#[test]
fn replies_for_the_same_turn_are_said_by_weight() {
    use sim_core::spec::AgentReply;
    let reply = |text: &str, weight| AgentReply {
        act: ActKind::Close,
        slots: SlotSet::EMPTY,
        intent: None,
        after: None,
        text: text.to_owned(),
        weight,
    };
    let share_of_bye = |replies: Vec<AgentReply>| {
        let mut scenario = scenario();
        scenario.agent_replies = replies;
        let ctx = plain(&scenario, 10.0);
        let said: Vec<String> =
            (0..4000).map(|seed| render(&row(ActKind::Close, &[], seed), &ctx)).collect();
        assert!(
            said.iter().all(|text| text == "Bye." || text == "Thank you and goodbye."),
            "{said:?}"
        );
        said.iter().filter(|text| *text == "Bye.").count() as f64 / said.len() as f64
    };
    let rare = share_of_bye(vec![reply("Thank you and goodbye.", 1.0), reply("Bye.", 0.25)]);
    assert!((rare - 0.2).abs() < 0.02, "{rare}");
    let first = share_of_bye(vec![reply("Bye.", 0.25), reply("Thank you and goodbye.", 1.0)]);
    assert!((first - 0.2).abs() < 0.02, "{first}");
    let even = share_of_bye(vec![reply("Thank you and goodbye.", 3.0), reply("Bye.", 3.0)]);
    assert!((even - 0.5).abs() < 0.03, "{even}");
}

/// A reply said only after a tool (`after`, STAR's "I'm sorry, but your booking request failed." and "OK, I've
/// successfully completed this booking for you!") is said for a refusal that names that tool's check and for a
/// result whose latest passed call was that tool; after another tool, or none, the other words.
#[test]
fn a_reply_after_a_tool_is_said_only_after_that_tool() {
    use sim_core::spec::AgentReply;
    let (check, book) = (0, 1);
    let mut scenario = scenario();
    let reply = |act, after, text: &str| AgentReply {
        act,
        slots: SlotSet::EMPTY,
        intent: None,
        after: Some(after),
        text: text.to_owned(),
        weight: 1.0,
    };
    scenario.agent_replies = vec![
        reply(ActKind::Deny, book, "Your booking failed."),
        reply(ActKind::Deny, check, "No room."),
        reply(ActKind::InformResult, book, "Booked."),
    ];
    let ctx = plain(&scenario, 10.0);
    let deny = |reason| {
        let row = TurnRecord { act: Some(Act::deny(1, reason)), ..row(ActKind::Deny, &[], 3) };
        render(&row, &ctx)
    };
    assert_eq!(deny(Some(book)), "Your booking failed.");
    assert_eq!(deny(Some(check)), "No room.");
    let unexplained = deny(None);
    assert!(unexplained != "No room." && unexplained != "Your booking failed.", "{unexplained}");
    let result = |earlier: &[TurnRecord]| {
        render(&row(ActKind::InformResult, &[], 3), &RenderContext { earlier, ..ctx })
    };
    let booked = tool_row(book, &[], true);
    assert_eq!(result(std::slice::from_ref(&booked)), "Booked.");
    assert_eq!(
        result(&[booked.clone(), tool_row(check, &[], false)]),
        "Booked.",
        "a failed call is not followed"
    );
    for latest in
        [vec![booked.clone(), tool_row(check, &[], true)], vec![tool_row(book, &[], false)], vec![]]
    {
        assert_ne!(result(&latest), "Booked.", "{latest:?}");
    }
}

/// A scenario's `customer_names` replace the built-in first and last names: a name code (first × 1000 + last)
/// renders as the entry its pair counts to, round the list, everywhere a name is written; a name reads back as the
/// code it renders from when that code is a candidate, else as the first code that renders as it. Fifty names: code
/// 0 is the first, 1000 (the second first name with the first last name: the 49th pair) the 49th, 1001 the 50th,
/// and 1002 the first again.
#[test]
fn customer_names_replace_the_built_in_names() {
    use super::{parse_value, read_value};
    let names: Vec<String> = (1..=50).map(|at| format!("Name{at} Surname{at}")).collect();
    let scenario = ScenarioSpec { customer_names: names, ..scenario() };
    for (code, name) in [
        (0, "Name1 Surname1"),
        (1000, "Name49 Surname49"),
        (1001, "Name50 Surname50"),
        (1002, "Name1 Surname1"),
    ] {
        assert_eq!(render_value(&scenario, Slot::FULL_NAME, code), name, "{code}");
    }
    let pulled = tool_row(0, &[(Slot::FULL_NAME, 1001)], true);
    assert_eq!(
        render(&pulled, &plain(&scenario, 10.0)),
        "Account has been pulled up for Name50 Surname50."
    );
    assert_eq!(parse_value(&scenario, Slot::FULL_NAME, "name50  SURNAME50"), Some(1001));
    assert_eq!(parse_value(&scenario, Slot::FULL_NAME, "Name1 Surname1"), Some(0));
    assert_eq!(read_value(&scenario, Slot::FULL_NAME, "name1 surname1", &[7, 1002]), 1002);
    // A built-in name is no name of this scenario, and a name of it is none of the built-in ones.
    assert_eq!(parse_value(&scenario, Slot::FULL_NAME, "Crystal Minh"), None);
    assert_eq!(
        parse_value(&sim_core::testing::tiny_scenario(), Slot::FULL_NAME, "Name1 Surname1"),
        None
    );
    // A username is the name's initial and last word.
    assert_eq!(render_value(&scenario, Slot::USERNAME, 1_001_730), "nsurname50730");
    assert_eq!(render_value(&scenario, Slot::EMAIL, 1_001_730), "nsurname50730@email.com");
    // The 100th name is the 100th pair: the third first name (99 / 48 = 2) with the fourth last (99 % 48 = 3). A list
    // longer than the 48 × 48 pairs has names no code renders as: the 2,305th reads as none.
    let letters = |mut at: usize| {
        let mut word = String::from("Name");
        loop {
            word.push(char::from(b'a' + (at % 26) as u8));
            at /= 26;
            if at == 0 {
                return word;
            }
        }
    };
    let long =
        ScenarioSpec { customer_names: (0..2305).map(letters).collect(), ..scenario.clone() };
    assert_eq!(parse_value(&long, Slot::FULL_NAME, &letters(99)), Some(2003));
    assert_eq!(render_value(&long, Slot::FULL_NAME, 2003), letters(99));
    assert_eq!(parse_value(&long, Slot::FULL_NAME, &letters(2303)), Some(47_047));
    assert_eq!(parse_value(&long, Slot::FULL_NAME, &letters(2304)), None);
    // One-word names, as many customers give theirs.
    let single = ScenarioSpec {
        customer_names: vec!["Ramya".into(), "Nirmala Devi".into()],
        ..sim_core::testing::tiny_scenario()
    };
    assert_eq!(render_value(&single, Slot::FULL_NAME, 1), "Nirmala Devi");
    assert_eq!(parse_value(&single, Slot::FULL_NAME, "ramya"), Some(0));
}

/// A step told done with more to do (`Progress`), where the scenario gives no words for it, says only that the step
/// is done: never the outcome the intent resolves to ("Your refund has been processed"), which the result after the
/// last step tells.
#[test]
fn a_step_told_done_is_not_the_outcome() {
    let said: BTreeSet<String> =
        (0..40).map(|seed| text(&row(ActKind::Progress, &[], seed), 10.0, 1)).collect();
    let expected: BTreeSet<String> =
        ["Okay, that's done.", "Thanks, that step is done.", "Good, that's done."]
            .map(str::to_owned)
            .into();
    assert_eq!(said, expected);
    assert!(text(&row(ActKind::InformResult, &[], 3), 10.0, 1).contains("refund"), "the outcome");
}

/// A slot's aliases ("the gas station" for "a gas station") read as their value, case and punctuation aside, by the
/// slot's parse and by an agent's words; other words stay unread, and another slot has none of them.
#[test]
fn an_alias_reads_as_its_value() {
    use super::{is_alias, parse_value, read_value};
    let mut scenario = declared_scenario();
    scenario.slots[2].aliases = vec![("the gas station".into(), 1), ("AL".into(), 0)];
    assert_eq!(parse_value(&scenario, MERCHANT, "The Gas-Station"), Some(1));
    assert_eq!(parse_value(&scenario, MERCHANT, "a.l."), Some(0));
    assert_eq!(parse_value(&scenario, MERCHANT, "an airline"), Some(0));
    assert_eq!(parse_value(&scenario, MERCHANT, "the station"), None);
    assert_eq!(read_value(&scenario, MERCHANT, "the gas station", &[]), 1);
    assert!(is_alias(&scenario, MERCHANT, "THE GAS STATION"));
    assert!(!is_alias(&scenario, MERCHANT, "a gas station"));
    assert!(!is_alias(&scenario, DISPUTE_AMOUNT, "the gas station"));
    assert_eq!(parse_value(&scenario, DISPUTE_AMOUNT, "the gas station"), None);
}
