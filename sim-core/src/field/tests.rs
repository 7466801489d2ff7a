//! Generators stay in range and are deterministic; check_gen reports each problem; wrong values and rendering.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::*;

/// No list lengths: references draw 0.
const NO_LISTS: Selection = [0; MAX_LISTS];

fn labels(names: &[&str]) -> FieldType {
    FieldType::Enum(names.iter().map(|name| (*name).to_owned()).collect())
}

fn spec(name: &str, ty: FieldType, generator: Gen) -> FieldSpec {
    FieldSpec { name: name.to_owned(), ty, generator, instance: None }
}

fn sample_fields() -> Vec<FieldSpec> {
    vec![
        spec("order.total", FieldType::Money, Gen::Uniform { lo: 500, hi: 50_000 }),
        spec(
            "order.price",
            FieldType::Money,
            Gen::LogNormal { mu: 8.0, sigma: 0.7, min: 100.0, max: 100_000.0 },
        ),
        spec(
            "order.days",
            FieldType::Days,
            Gen::Normal { mean: 20.0, sd: 15.0, min: 0.0, max: 90.0 },
        ),
        spec("card.last_four", FieldType::Digits(4), Gen::Uniform { lo: 0, hi: 9999 }),
        spec(
            "card.status",
            labels(&["active", "frozen", "lost"]),
            Gen::Categorical(vec![0.7, 0.2, 0.1]),
        ),
        spec("card.contactless", FieldType::Bool, Gen::Bernoulli(0.3)),
        spec("account.discount", FieldType::Percent, Gen::Fixed(15)),
    ]
}

/// The problems `check_gen` reports, or an empty list.
fn check(ty: FieldType, generator: Gen) -> Vec<String> {
    ty.check_gen(&generator).err().unwrap_or_default()
}

fn render(ty: FieldType, value: u64) -> String {
    let mut out = String::new();
    ty.render(value, &mut out);
    out
}

#[test]
fn generated_values_stay_in_range_and_rest_is_zero() {
    let fields = sample_fields();
    for field in &fields {
        assert_eq!(field.ty.check_gen(&field.generator), Ok(()), "{}", field.name);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut values = FieldValues([7; MAX_FIELDS]);
    for _ in 0..2000 {
        generate(&fields, &[], &mut rng, &mut values, &mut [0; MAX_LISTS]);
        assert!((500..=50_000).contains(&values[0]));
        assert!((100..=100_000).contains(&values[1]));
        assert!(values[2] <= 90);
        assert!(values[3] <= 9999);
        assert!(values[4] <= 2);
        assert!(values[5] <= 1);
        assert_eq!(values[6], 15);
        assert!(values[fields.len()..].iter().all(|value| *value == 0));
    }
}

#[test]
fn same_seed_same_values_different_seed_different_values() {
    let fields = sample_fields();
    let draw = |seed| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut values = FieldValues::default();
        generate(&fields, &[], &mut rng, &mut values, &mut [0; MAX_LISTS]);
        values
    };
    assert_eq!(draw(42), draw(42));
    assert_ne!(draw(42), draw(43));
}

#[test]
fn categorical_frequencies_follow_weights() {
    let generator = Gen::Categorical(vec![1.0, 0.0, 2.0, 7.0]);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut counts = [0u32; 4];
    for _ in 0..10_000 {
        counts[generator.sample(&mut rng, &NO_LISTS) as usize] += 1;
    }
    assert_eq!(counts[1], 0);
    for (count, expected) in [(counts[0], 1000), (counts[2], 2000), (counts[3], 7000)] {
        assert!(count.abs_diff(expected) < 200, "{counts:?}");
    }
}

#[test]
fn bernoulli_frequency_follows_probability() {
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let n_yes: u64 = (0..10_000).map(|_| Gen::Bernoulli(0.3).sample(&mut rng, &NO_LISTS)).sum();
    assert!(n_yes.abs_diff(3000) < 200, "{n_yes}");
}

#[test]
fn unchecked_generators_do_not_panic() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let generators = [
        Gen::Uniform { lo: 9, hi: 3 },
        Gen::Normal { mean: f64::NAN, sd: -1.0, min: 10.0, max: 0.0 },
        Gen::Normal { mean: 5.0, sd: f64::INFINITY, min: f64::NAN, max: f64::NAN },
        Gen::LogNormal { mu: 1.0, sigma: 0.0, min: -5.0, max: f64::INFINITY },
        Gen::Categorical(vec![]),
        Gen::Categorical(vec![f64::NAN, -1.0, 0.0]),
        Gen::Categorical(vec![f64::INFINITY, 1.0]),
        Gen::Bernoulli(f64::NAN),
        Gen::Bernoulli(7.0),
    ];
    for generator in &generators {
        generator.sample(&mut rng, &NO_LISTS);
    }
    assert_eq!(Gen::Uniform { lo: 9, hi: 3 }.sample(&mut rng, &NO_LISTS), 9);
    assert_eq!(Gen::Categorical(vec![]).sample(&mut rng, &NO_LISTS), 0);
    assert_eq!(Gen::Bernoulli(7.0).sample(&mut rng, &NO_LISTS), 1);
}

/// `of`'s draws rounded to a multiple of `step`.
fn rounded(step: u64, of: Gen) -> Gen {
    Gen::Rounded { step, of: Box::new(of) }
}

/// Rounded to whole dollars (100 cents), a charge of $5 to $2,500 drawn log-normal is a multiple of 100 cents in
/// that range, and not always the same.
#[test]
fn a_rounded_draw_is_a_multiple_of_its_step() {
    let dollars = rounded(
        100,
        Gen::LogNormal { mu: 4.5 + 100f64.ln(), sigma: 0.9, min: 500.0, max: 250_000.0 },
    );
    assert_eq!(check(FieldType::Money, dollars.clone()), Vec::<String>::new());
    let fives = rounded(5, Gen::Uniform { lo: 0, hi: 100 });
    assert_eq!(check(FieldType::Percent, fives), Vec::<String>::new());
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let draws: Vec<u64> = (0..500).map(|_| dollars.sample(&mut rng, &NO_LISTS)).collect();
    assert!(
        draws.iter().all(|cents| cents % 100 == 0 && (500..=250_000).contains(cents)),
        "{draws:?}"
    );
    assert!(draws.iter().collect::<BTreeSet<_>>().len() > 50, "{draws:?}");
    // Halves round up: 149 cents is $1, 150 is $2.
    assert_eq!(rounded(100, Gen::Fixed(149)).sample(&mut rng, &NO_LISTS), 100);
    assert_eq!(rounded(100, Gen::Fixed(150)).sample(&mut rng, &NO_LISTS), 200);
}

#[test]
fn check_gen_reports_each_problem() {
    use FieldType::{Bool, Days, Digits, Int, Money, Percent};
    let normal = |sd, min, max| Gen::Normal { mean: 10.0, sd, min, max };
    let cases: Vec<(FieldType, Gen, &str)> = vec![
        (Int, Gen::Categorical(vec![]), "categorical has no weights"),
        (
            Int,
            Gen::Categorical(vec![1.0, -0.5]),
            "categorical weight 1 is -0.5; weights must be finite and at least 0",
        ),
        (
            Int,
            Gen::Categorical(vec![f64::NAN, 1.0]),
            "categorical weight 0 is NaN; weights must be finite and at least 0",
        ),
        (Int, Gen::Categorical(vec![0.0, 0.0]), "categorical weights are all zero"),
        (
            labels(&["a", "b", "c"]),
            Gen::Categorical(vec![1.0, 1.0]),
            "categorical has 2 weights but the enum has 3 labels",
        ),
        (
            Bool,
            Gen::Categorical(vec![1.0, 1.0, 1.0]),
            "categorical has 3 weights but a bool needs 2 (no, then yes)",
        ),
        (Bool, Gen::Bernoulli(1.5), "bernoulli probability 1.5 is outside 0 to 1"),
        (Bool, Gen::Bernoulli(f64::NAN), "bernoulli probability NaN is outside 0 to 1"),
        (Money, Gen::Bernoulli(0.5), "bernoulli is only for bool fields, not money"),
        (Days, Gen::Uniform { lo: 5, hi: 4 }, "uniform lo 5 is greater than hi 4"),
        (Int, normal(0.0, 0.0, 9.0), "normal sd 0 must be finite and greater than 0"),
        (Int, normal(f64::INFINITY, 0.0, 9.0), "normal sd inf must be finite and greater than 0"),
        (Int, normal(1.0, 9.0, 3.0), "normal min 9 is greater than max 3"),
        (Int, normal(1.0, f64::NAN, 3.0), "normal min and max must be numbers, not NaN"),
        (
            Int,
            normal(1.0, -1.0, 3.0),
            "normal min -1 is below 0, but field values cannot be negative",
        ),
        (
            Int,
            Gen::Normal { mean: f64::NAN, sd: 1.0, min: 0.0, max: 9.0 },
            "normal mean NaN must be finite",
        ),
        (
            Money,
            Gen::LogNormal { mu: 7.0, sigma: -2.0, min: 0.0, max: 9.0 },
            "lognormal sigma -2 must be finite and greater than 0",
        ),
        (
            Money,
            Gen::LogNormal { mu: 7.0, sigma: 1.0, min: 5.0, max: 1.0 },
            "lognormal min 5 is greater than max 1",
        ),
        (Bool, Gen::Fixed(2), "fixed value 2 is out of range for bool (at most 1)"),
        (
            Digits(4),
            Gen::Uniform { lo: 0, hi: 10_000 },
            "uniform hi 10000 is out of range for digits (at most 9999)",
        ),
        (labels(&["a", "b"]), Gen::Fixed(2), "fixed value 2 is out of range for enum (at most 1)"),
        (Percent, Gen::Fixed(101), "fixed value 101 is out of range for percent (at most 100)"),
        (
            Percent,
            Gen::Uniform { lo: 0, hi: 150 },
            "uniform hi 150 is out of range for percent (at most 100)",
        ),
        (
            Percent,
            normal(1.0, 0.0, 120.0),
            "normal max 120 is out of range for percent (at most 100)",
        ),
        (
            Digits(1),
            Gen::Categorical(vec![1.0; 11]),
            "categorical index 10 is out of range for digits (at most 9)",
        ),
        (Digits(0), Gen::Fixed(0), "digits width 0 must be between 1 and 18"),
        (Digits(19), Gen::Fixed(0), "digits width 19 must be between 1 and 18"),
        (FieldType::Enum(vec![]), Gen::Fixed(0), "an enum needs at least one label"),
        (labels(&["a", "b", "a", "a"]), Gen::Fixed(0), "enum label `a` appears more than once"),
        (
            Money,
            rounded(0, normal(1.0, 0.0, 9.0)),
            "rounded step is 0; it must be at least 1 in the stored unit",
        ),
        (Money, rounded(100, Gen::Fixed(5)), "rounded rounds a number's draw, not fixed"),
        (
            labels(&["a", "b"]),
            rounded(1, Gen::Uniform { lo: 0, hi: 1 }),
            "rounded is only for numbers, not enum",
        ),
        (Money, rounded(100, normal(1.0, 9.0, 3.0)), "normal min 9 is greater than max 3"),
        (
            Percent,
            rounded(40, Gen::Uniform { lo: 0, hi: 100 }),
            "rounded step 40 does not divide 100, the most a percent holds",
        ),
    ];
    for (ty, generator, expected) in cases {
        let problems = check(ty.clone(), generator.clone());
        assert_eq!(problems, [expected], "{ty:?} with {generator:?}");
    }
}

#[test]
fn check_gen_accepts_good_generators() {
    let cases = [
        (FieldType::Bool, Gen::Categorical(vec![1.0, 3.0])),
        (FieldType::Bool, Gen::Bernoulli(0.0)),
        (FieldType::Bool, Gen::Bernoulli(1.0)),
        (FieldType::Percent, Gen::Uniform { lo: 0, hi: 100 }),
        (FieldType::Digits(18), Gen::Uniform { lo: 0, hi: 999_999_999_999_999_999 }),
        (FieldType::Int, Gen::Normal { mean: -3.0, sd: 1.0, min: 0.0, max: f64::INFINITY }),
        (labels(&["a", "b"]), Gen::Uniform { lo: 0, hi: 1 }),
    ];
    for (ty, generator) in cases {
        assert_eq!(check(ty.clone(), generator.clone()), Vec::<String>::new(), "{ty:?}");
    }
}

#[test]
fn check_gen_reports_several_problems_at_once() {
    let problems =
        check(labels(&["a", "a", "b"]), Gen::Categorical(vec![-1.0, f64::NAN, 1.0, 1.0]));
    assert_eq!(
        problems,
        [
            "enum label `a` appears more than once",
            "categorical weight 0 is -1; weights must be finite and at least 0",
            "categorical weight 1 is NaN; weights must be finite and at least 0",
            "categorical has 4 weights but the enum has 3 labels",
        ]
    );
    let problems = check(
        FieldType::Percent,
        Gen::LogNormal { mu: f64::INFINITY, sigma: 0.0, min: -1.0, max: 500.0 },
    );
    assert_eq!(problems.len(), 4, "{problems:?}");
}

#[test]
fn wrong_value_differs_and_keeps_the_range() {
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let status = labels(&["active", "frozen", "lost"]);
    for truth in [0, 1, 9, 1234, 9999] {
        for _ in 0..200 {
            let wrong = FieldType::Digits(4).wrong_value(truth, &mut rng);
            assert!(wrong != truth && wrong <= 9999, "{truth} -> {wrong}");
            let changed = (0..4).filter(|idx| digit(wrong, *idx) != digit(truth, *idx)).count();
            assert!((1..=2).contains(&changed), "{truth} -> {wrong}");
        }
    }
    for truth in 0..3 {
        for _ in 0..50 {
            let wrong = status.wrong_value(truth, &mut rng);
            assert!(wrong != truth && wrong < 3);
        }
    }
    assert_eq!(labels(&["only"]).wrong_value(0, &mut rng), 0);
    assert_eq!(FieldType::Bool.wrong_value(0, &mut rng), 1);
    assert_eq!(FieldType::Bool.wrong_value(1, &mut rng), 0);
    for ty in [FieldType::Int, FieldType::Money, FieldType::Percent, FieldType::Days] {
        for truth in [0, 1, 2, 50, 99, 100, 12_345, u64::MAX] {
            if ty == FieldType::Percent && truth > 100 {
                continue;
            }
            for _ in 0..50 {
                let wrong = ty.wrong_value(truth, &mut rng);
                assert_ne!(wrong, truth, "{ty:?}");
                assert!(wrong.abs_diff(truth) <= truth / 4 + 1, "{ty:?} {truth} -> {wrong}");
                assert!(ty != FieldType::Percent || wrong <= 100);
            }
        }
    }
}

fn digit(code: u64, idx: u32) -> u64 {
    code / 10u64.pow(idx) % 10
}

#[test]
fn render_examples() {
    let status = labels(&["active", "frozen"]);
    let cases = [
        (FieldType::Money, 1234, "$12.34"),
        (FieldType::Money, 1200, "$12.00"),
        (FieldType::Money, 5, "$0.05"),
        (FieldType::Percent, 15, "15%"),
        (FieldType::Bool, 1, "yes"),
        (FieldType::Bool, 0, "no"),
        (FieldType::Digits(4), 42, "0042"),
        (FieldType::Digits(6), 123_456, "123456"),
        (status.clone(), 1, "frozen"),
        (status, 2, "?"),
        (FieldType::Days, 1, "1 day"),
        (FieldType::Days, 0, "0 days"),
        (FieldType::Days, 14, "14 days"),
        // 2018-06-30 is day 17,712 since 1970-01-01.
        (FieldType::Date(17_712), 0, "June 30, 2018"),
        (FieldType::Date(17_712), 18, "June 12, 2018"),
        (FieldType::Date(17_712), 181, "December 31, 2017"),
        (FieldType::Int, 3, "3"),
    ];
    for (ty, value, expected) in cases {
        assert_eq!(render(ty, value), expected);
    }
    let mut out = String::from("total: ");
    FieldType::Money.render(250, &mut out);
    assert_eq!(out, "total: $2.50");
}

/// Every type reads back what it renders, and reads what a person would type for the same value.
#[test]
fn parse_reads_what_render_writes_and_what_people_type() {
    let types = [
        FieldType::Int,
        FieldType::Money,
        FieldType::Percent,
        FieldType::Bool,
        FieldType::Digits(4),
        labels(&["basic", "premium", "family plan"]),
        FieldType::Days,
        FieldType::Ref(0),
        FieldType::Date(17_712),
    ];
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for ty in &types {
        let max = match ty {
            FieldType::Bool => 1,
            FieldType::Percent => 100,
            FieldType::Digits(_) => 9999,
            FieldType::Enum(labels) => labels.len() as u64 - 1,
            // Back to the year 1 (dates before it are not written as people write them).
            FieldType::Date(today) => *today as u64 + 719_162,
            _ => 10_000_000,
        };
        for value in (0..200).map(|_| rng.random_range(0..=max)).chain([0, max]) {
            let mut text = String::new();
            ty.render(value, &mut text);
            assert_eq!(ty.parse(&text), Some(value), "{ty:?} {text}");
            assert_eq!(
                ty.parse(&format!("  {}  ", text.to_uppercase())),
                Some(value),
                "{ty:?} {text}"
            );
        }
    }
    let typed = [
        (FieldType::Money, "1,250.5", Some(125_050)),
        (FieldType::Money, "$77", Some(7700)),
        (FieldType::Money, "77 dollars", Some(7700)),
        (FieldType::Money, "$7.125", None),
        (FieldType::Money, "seventy", None),
        (FieldType::Percent, "20 percent", Some(20)),
        (FieldType::Percent, "120%", None),
        (FieldType::Digits(4), "12345", None),
        (FieldType::Digits(4), "0042", Some(42)),
        (FieldType::Days, "1 day", Some(1)),
        (FieldType::Date(17_712), "jun 12 2018", Some(18)),
        (FieldType::Date(17_712), "12th of June, 2018", Some(18)),
        (FieldType::Date(17_712), "6/30/2018", Some(0)),
        (FieldType::Date(17_712), "July 1, 2018", None),
        (FieldType::Date(17_712), "18 days", None),
        (FieldType::Ref(0), "#0", None),
        (FieldType::Ref(0), "3", Some(2)),
        (FieldType::Bool, "maybe", None),
        (labels(&["basic", "premium"]), "gold", None),
        (FieldType::Int, "", None),
        (FieldType::Int, "-3", None),
    ];
    for (ty, text, expected) in typed {
        assert_eq!(ty.parse(text), expected, "{ty:?} {text:?}");
    }
}
