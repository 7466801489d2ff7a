//! Layouts place list cells where reads expect them; draws stay within the declared counts; tool calls pick the
//! instance their checked arguments name, add records up to the capacity, and `Count`, `Sum` and `At` read them.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::act::{Slot, SlotSet};
use crate::expr::Expr;
use crate::field::{FieldSpec, FieldType, Gen};
use crate::spec::{AddRecord, DataEffect, Effect, ScenarioSpec, SlotSpec, ToolSpec};
use crate::world::{ToolArgs, ToolOutcome, WorldState};

/// Cells: 0 `card.count`, 1–3 `card.last4`, 4–6 `card.status` (0 active, 1 blocked), 7 `dispute.count`,
/// 8–9 `dispute.card` (a reference to a card), 10–11 `dispute.amount`.
const CARD_LAST4: FieldId = 1;
const CARD_STATUS: FieldId = 4;
const DISPUTE_CARD: FieldId = 8;
const DISPUTE_AMOUNT: FieldId = 10;

/// The declared slot `card_last4`, backed by `card.last4`.
const LAST4: Slot = Slot(Slot::FIRST_DECLARED);

/// Tools 5 `block-card` (checks `card_last4`, sets the card's status) and 6 `file-dispute` (checks `card_last4`,
/// adds a dispute for that card of the call's `amount`).
const BLOCK: u8 = 5;
const FILE: u8 = 6;

fn cell(name: &str, ty: FieldType, generator: Gen, instance: Option<Instance>) -> FieldSpec {
    FieldSpec { name: name.to_owned(), ty, generator, instance }
}

/// `n` cells of a list field.
fn cells(name: &str, ty: FieldType, generator: Gen, list: ListId, n: u8) -> Vec<FieldSpec> {
    (0..n)
        .map(|index| cell(name, ty.clone(), generator.clone(), Some(Instance { list, index })))
        .collect()
}

/// tiny_scenario with 1–3 cards and up to 2 disputes (none at the start).
pub(crate) fn scenario() -> ScenarioSpec {
    let mut scenario = crate::testing::tiny_scenario();
    let status = FieldType::Enum(vec!["active".into(), "blocked".into()]);
    let mut fields = vec![cell("card.count", FieldType::Int, Gen::Fixed(0), None)];
    fields.extend(cells(
        "card.last4",
        FieldType::Digits(4),
        Gen::Uniform { lo: 0, hi: 9999 },
        0,
        3,
    ));
    fields.extend(cells("card.status", status, Gen::Fixed(0), 0, 3));
    fields.push(cell("dispute.count", FieldType::Int, Gen::Fixed(0), None));
    fields.extend(cells("dispute.card", FieldType::Ref(0), Gen::Instance(0), 1, 2));
    fields.extend(cells("dispute.amount", FieldType::Money, Gen::Fixed(0), 1, 2));
    scenario.lists = vec![
        ListSpec {
            name: "card".into(),
            min: 1,
            max: 3,
            capacity: 3,
            count: 0,
            variants: Vec::new(),
            focus_draws: Vec::new(),
        },
        ListSpec {
            name: "dispute".into(),
            min: 0,
            max: 0,
            capacity: 2,
            count: 7,
            variants: Vec::new(),
            focus_draws: Vec::new(),
        },
    ];
    scenario.layout = Layout::new(&scenario.lists, fields.iter().map(|field| field.instance));
    scenario.fields = fields;
    scenario.slots = vec![SlotSpec {
        name: "card_last4".into(),
        noun: "the last four digits of the card".into(),
        field: CARD_LAST4,
        identity: true,
        remembered: false,
        aliases: Vec::new(),
    }];
    let data = |effect: DataEffect, args: SlotSet| ToolSpec {
        id: String::new(),
        args,
        min_args: 1,
        effect: Effect::Data(effect),
        instruction: None,
        says: None,
    };
    let check = DataEffect { check: vec![LAST4], check_min: 1, ..DataEffect::default() };
    scenario.tools.push(data(
        DataEffect { set: vec![(CARD_STATUS, Expr::Const(1))], ..check.clone() },
        SlotSet::one(LAST4),
    ));
    let add = AddRecord {
        list: 1,
        set: vec![(DISPUTE_CARD, Expr::Selected(0)), (DISPUTE_AMOUNT, Expr::Arg(Slot::AMOUNT.0))],
    };
    scenario
        .tools
        .push(data(DataEffect { add: Some(add), ..check }, SlotSet::one(LAST4).with(Slot::AMOUNT)));
    scenario
}

/// A world with exactly three cards, 1111, 2222 and 3333, the second one in focus.
fn three_cards(scenario: &ScenarioSpec) -> WorldState {
    let mut world = WorldState::generate(scenario, &mut ChaCha8Rng::seed_from_u64(3));
    world.fields[0] = 3;
    world.fields[1..4].copy_from_slice(&[1111, 2222, 3333]);
    world.focus[0] = 1;
    world.original_fields = world.fields;
    world.request_fields = world.fields;
    world.fields_before_call = world.fields;
    world
}

fn call(scenario: &ScenarioSpec, world: &mut WorldState, tool: u8, last4: u64) -> ToolOutcome {
    let mut args = ToolArgs::default();
    args.push(LAST4, last4);
    args.push(Slot::AMOUNT, 4500);
    world.apply(scenario, &scenario.intents[0], tool, &args)
}

fn eval(scenario: &ScenarioSpec, world: &WorldState, expr: &Expr) -> i64 {
    expr.eval(&world.focused(scenario))
}

#[test]
fn layout_maps_list_fields_to_their_selected_cell() {
    let scenario = scenario();
    let layout = &scenario.layout;
    assert_eq!(layout.list_of(0), None, "the count is a plain field");
    assert_eq!((layout.list_of(CARD_LAST4), layout.list_of(DISPUTE_AMOUNT)), (Some(0), Some(1)));
    assert_eq!(layout.cell(CARD_STATUS, &[2, 1, 0, 0]), 6);
    assert_eq!(layout.cell(DISPUTE_AMOUNT, &[2, 1, 0, 0]), 11);
    assert_eq!((layout.count_cell(1), layout.capacity(1), layout.capacity(9)), (Some(7), 2, 0));
    // A read of one dispute field may read every dispute cell and the count.
    assert_eq!(layout.widen(1 << DISPUTE_AMOUNT, 0), 0b1111_1000_0000);
    assert_eq!(layout.widen(0, 0b01), 0b111_1111);
}

#[test]
fn generated_lists_respect_counts_and_leave_dead_instances_zero() {
    let scenario = scenario();
    let mut lengths_seen = [0u32; 4];
    for seed in 0..400 {
        let world = WorldState::generate(&scenario, &mut ChaCha8Rng::seed_from_u64(seed));
        let cards = world.len(&scenario.layout, 0);
        assert!((1..=3).contains(&cards), "seed {seed}: {cards} cards");
        lengths_seen[usize::from(cards)] += 1;
        assert!(world.focus[0] < cards);
        assert_eq!(world.selected, world.focus);
        assert_eq!(world.len(&scenario.layout, 1), 0, "disputes start empty");
        for index in cards..3 {
            assert_eq!(world.fields[usize::from(CARD_LAST4 + index)], 0, "seed {seed}");
        }
        let again = WorldState::generate(&scenario, &mut ChaCha8Rng::seed_from_u64(seed));
        assert_eq!(again, world, "same seed, same world");
    }
    assert!(lengths_seen[1..].iter().all(|seen| *seen > 80), "{lengths_seen:?}");
}

#[test]
fn references_draw_live_instances() {
    let mut lengths = [0; MAX_LISTS];
    lengths[2] = 3;
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let draws: Vec<u64> = (0..300).map(|_| Gen::Instance(2).sample(&mut rng, &lengths)).collect();
    assert!(draws.iter().all(|draw| *draw < 3));
    assert!((0..3).all(|index| draws.contains(&index)));
    assert_eq!(Gen::Instance(1).sample(&mut rng, &lengths), 0, "an empty list gives 0");
}

#[test]
fn a_checked_argument_picks_the_instance_a_call_acts_on() {
    let scenario = scenario();
    let mut world = three_cards(&scenario);
    assert!(call(&scenario, &mut world, BLOCK, 3333).passed);
    assert_eq!(world.fields[4..7], [0, 0, 1], "only the third card is blocked");
    assert_eq!(world.selected[0], 2);
    assert_eq!(call(&scenario, &mut world, BLOCK, 4444), ToolOutcome::new(false, 0));
    assert_eq!(world.fields[4..7], [0, 0, 1], "no card ending 4444: nothing changes");
    // Outside a call, reads see the focus (the second card).
    let status = Expr::Field(CARD_STATUS);
    assert_eq!(eval(&scenario, &world, &status), 0);
    call(&scenario, &mut world, BLOCK, 2222);
    assert_eq!(eval(&scenario, &world, &status), 1);
}

#[test]
fn an_added_record_is_filled_in_and_a_full_list_refuses_the_call() {
    let scenario = scenario();
    let mut world = three_cards(&scenario);
    assert!(call(&scenario, &mut world, FILE, 1111).passed);
    assert!(call(&scenario, &mut world, FILE, 3333).passed);
    assert_eq!(world.len(&scenario.layout, 1), 2);
    assert_eq!(world.fields[8..12], [0, 2, 4500, 4500], "disputes of cards #1 and #3, $45 each");
    assert_eq!(world.selected[0], 2, "the call's selection is kept for the oracle");
    let before = world.fields;
    assert!(!call(&scenario, &mut world, FILE, 2222).passed, "a third dispute does not fit");
    assert_eq!(world.fields, before);
}

#[test]
fn count_sum_and_at_select_instances_of_their_own() {
    let scenario = scenario();
    let mut world = three_cards(&scenario);
    call(&scenario, &mut world, FILE, 2222);
    call(&scenario, &mut world, FILE, 3333);
    let on_focus =
        || Box::new(Expr::Eq(Box::new(Expr::Field(DISPUTE_CARD)), Box::new(Expr::Selected(0))));
    assert_eq!(eval(&scenario, &world, &Expr::Count(1, None)), 2);
    assert_eq!(eval(&scenario, &world, &Expr::Count(1, Some(on_focus()))), 1);
    let amount = Box::new(Expr::Field(DISPUTE_AMOUNT));
    assert_eq!(eval(&scenario, &world, &Expr::Sum(1, None, amount.clone())), 9000);
    assert_eq!(eval(&scenario, &world, &Expr::Sum(1, Some(on_focus()), amount)), 4500);
    // Follow the second dispute's reference to its card's last four digits.
    let second_card = Expr::At(1, Box::new(Expr::Const(1)), Box::new(Expr::Field(DISPUTE_CARD)));
    let last4 = Expr::At(0, Box::new(second_card), Box::new(Expr::Field(CARD_LAST4)));
    assert_eq!(eval(&scenario, &world, &last4), 3333);
    let past_the_end = Expr::At(1, Box::new(Expr::Const(5)), Box::new(Expr::Const(7)));
    assert_eq!(eval(&scenario, &world, &past_the_end), 0);
}

#[test]
fn lists_selected_ignores_reads_bound_by_count_sum_and_at() {
    let scenario = scenario();
    let layout = &scenario.layout;
    let on_card = Expr::Eq(Box::new(Expr::Field(DISPUTE_CARD)), Box::new(Expr::Selected(0)));
    assert_eq!(on_card.lists_selected(layout), 0b11);
    let count = Expr::Count(1, Some(Box::new(on_card)));
    assert_eq!(count.lists_selected(layout), 0b01, "the card is still the surrounding one");
    let at = Expr::At(0, Box::new(Expr::Field(DISPUTE_CARD)), Box::new(Expr::Field(CARD_LAST4)));
    assert_eq!(at.lists_selected(layout), 0b10);
    assert_eq!(count.lists_read(), 0b11);
}

/// A passed call shows its `shows` slots as the instance it picked holds them; of two records that hold every value
/// named, it picks the one in focus (what the customer is about); a failed call shows nothing.
#[test]
fn a_call_shows_the_picked_records_facts_and_alike_records_are_told_apart_by_the_focus() {
    let mut scenario = scenario();
    let status = Slot(Slot::FIRST_DECLARED + 1);
    scenario.slots.push(SlotSpec {
        name: "card_status".into(),
        noun: "the status of the card".into(),
        field: CARD_STATUS,
        identity: false,
        remembered: false,
        aliases: Vec::new(),
    });
    let Effect::Data(effect) = &mut scenario.tools[usize::from(BLOCK)].effect else {
        unreachable!("block-card is a data tool")
    };
    effect.set.clear();
    effect.shows = SlotSet::one(status);
    let mut world = three_cards(&scenario);
    // The second card is blocked, the others active.
    world.fields[4..7].copy_from_slice(&[0, 1, 0]);
    let shown =
        |world: &mut WorldState, last4| call(&scenario, world, BLOCK, last4).shown.get(status);
    assert_eq!(shown(&mut world, 2222), Some(1));
    assert_eq!(shown(&mut world, 3333), Some(0));
    // Two cards ending 2222: the first, and the second in focus.
    world.fields[1] = 2222;
    assert_eq!(shown(&mut world, 2222), Some(1), "the card in focus");
    world.focus[0] = 2;
    assert_eq!(shown(&mut world, 2222), Some(0), "the first of them, the focus being neither");
    let failed = call(&scenario, &mut world, BLOCK, 9999);
    assert!(!failed.passed);
    assert!(failed.shown.is_empty());
}

/// Four stays (cells: 0 `stay.count`, 1–4 `stay.hotel` of four hotels, 5–8 `stay.arrive` of 30 days, 9–12
/// `stay.price`), the stays other than the focus being variants of it: another hotel three times for every other day.
fn stays(variants: Vec<Variant>) -> (Vec<FieldSpec>, Vec<ListSpec>) {
    let mut fields = vec![cell("stay.count", FieldType::Int, Gen::Fixed(0), None)];
    fields.extend(cells("stay.hotel", FieldType::Int, Gen::Uniform { lo: 0, hi: 3 }, 0, 4));
    fields.extend(cells("stay.arrive", FieldType::Int, Gen::Uniform { lo: 0, hi: 29 }, 0, 4));
    fields.extend(cells("stay.price", FieldType::Int, Gen::Uniform { lo: 0, hi: 999 }, 0, 4));
    let list = ListSpec {
        name: "stay".into(),
        min: 4,
        max: 4,
        capacity: 4,
        count: 0,
        variants,
        focus_draws: Vec::new(),
    };
    (fields, vec![list])
}

const HOTEL: usize = 1;
const ARRIVE: usize = 5;
const PRICE: usize = 9;

/// Per instance other than the focus, over 4,000 worlds: (hotel differs, day differs, price differs) counts and
/// the instances seen.
fn differences(variants: Vec<Variant>) -> ([u32; 3], u32) {
    let (fields, lists) = stays(variants);
    let (mut differ, mut seen) = ([0u32; 3], 0);
    for seed in 0..1000 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (mut cells, mut focus) = (crate::field::FieldValues::default(), [0; MAX_LISTS]);
        crate::field::generate(&fields, &lists, &mut rng, &mut cells, &mut focus);
        let at = usize::from(focus[0]);
        for other in (0..4).filter(|index| *index != at) {
            seen += 1;
            for (count, field) in differ.iter_mut().zip([HOTEL, ARRIVE, PRICE]) {
                *count += u32::from(cells[field + other] != cells[field + at]);
            }
        }
    }
    (differ, seen)
}

/// "Another hotel on the same day, three times for every other day at the same hotel": each stay other than the
/// focus differs from it in exactly one of the two, about 3 in 4 of them in the hotel; the price, which no variant
/// names, is drawn on its own (it equals the focus's 1 time in 1,000).
#[test]
fn the_other_instances_are_variants_of_the_focus() {
    let variants =
        vec![Variant { fields: 1 << HOTEL, weight: 3 }, Variant { fields: 1 << ARRIVE, weight: 1 }];
    let ([hotel, day, price], seen) = differences(variants);
    assert_eq!(seen, 3000);
    assert_eq!(hotel + day, seen, "exactly one of the two differs");
    let share = f64::from(hotel) / f64::from(seen);
    assert!((0.72..0.78).contains(&share), "another hotel {share}");
    assert!(price > 2980, "{price} prices differ");
    // Without variants every instance is drawn on its own: the same hotel 1 time in 4, the same day 1 in 30.
    let ([hotel, day, _], seen) = differences(Vec::new());
    let same = |differ: u32| f64::from(seen - differ) / f64::from(seen);
    assert!((0.22..0.28).contains(&same(hotel)), "same hotel {}", same(hotel));
    assert!((0.02..0.05).contains(&same(day)), "same day {}", same(day));
}

/// "The day asked about first is tomorrow; the others any day": a list's focus draw gives the focus's cell its own
/// generator, wherever the focus falls, and the other instances still draw by the field's own and vary from it.
#[test]
fn the_focus_draws_by_its_own_generator() {
    let (fields, mut lists) = stays(vec![
        Variant { fields: 1 << ARRIVE, weight: 1 },
        Variant { fields: 1 << HOTEL, weight: 1 },
    ]);
    lists[0].focus_draws = vec![(ARRIVE as FieldId, Gen::Fixed(17))];
    let (mut focused_at, mut other_days) = ([0u32; 4], std::collections::BTreeSet::new());
    for seed in 0..400 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (mut cells, mut focus) = (crate::field::FieldValues::default(), [0; MAX_LISTS]);
        crate::field::generate(&fields, &lists, &mut rng, &mut cells, &mut focus);
        let at = usize::from(focus[0]);
        focused_at[at] += 1;
        assert_eq!(cells[ARRIVE + at], 17, "seed {seed}: the focus arrives on day 17");
        for other in (0..4).filter(|index| *index != at) {
            other_days.insert(cells[ARRIVE + other]);
        }
    }
    assert!(focused_at.iter().all(|times| *times > 50), "the focus falls anywhere: {focused_at:?}");
    // Another day for half the others, the focus's own with another hotel for the rest.
    assert!(other_days.len() > 25, "the others draw any of the 30 days: {other_days:?}");
}
