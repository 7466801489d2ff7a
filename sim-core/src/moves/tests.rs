//! The customer model's probabilities against hand-worked figures, and its estimator against known parameters.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

fn context(pairs: &[(&str, &str)]) -> Context {
    pairs.iter().map(|(variable, value)| ((*variable).to_owned(), (*value).to_owned())).collect()
}

fn observation(pairs: &[(&str, &str)], outcome: &str) -> Observation {
    Observation { context: context(pairs), outcome: outcome.to_owned() }
}

/// Eight observations: x = 1 three times, all `b`; x = 2 four times, all `a`; x = 3 once, `a`.
fn small() -> Factor {
    let observations = [
        observation(&[("x", "1")], "b"),
        observation(&[("x", "1")], "b"),
        observation(&[("x", "1")], "b"),
        observation(&[("x", "2")], "a"),
        observation(&[("x", "2")], "a"),
        observation(&[("x", "2")], "a"),
        observation(&[("x", "2")], "a"),
        observation(&[("x", "3")], "a"),
    ];
    fit("act", &strings(&["a", "b"]), &strings(&["x"]), 1.0, 0.5, &observations)
}

#[test]
fn counts_are_kept_at_every_prefix_with_their_sample_size() {
    let factor = small();
    let unigram = factor.row(&[]).expect("the unigram row");
    assert_eq!((unigram.n, unigram.count("a"), unigram.count("b")), (8, 5, 3));
    let one = factor.row(&strings(&["1"])).expect("x = 1");
    assert_eq!((one.n, one.count("a"), one.count("b")), (3, 0, 3));
    // x = 3 was seen once, fewer than MIN_ROW times: left out, and x = 4 never.
    assert!(factor.row(&strings(&["3"])).is_none());
    assert!(factor.row(&strings(&["4"])).is_none());
}

#[test]
fn probabilities_back_off_as_worked_by_hand() {
    let factor = small();
    // Unigram with pseudocount 0.5 over 2 outcomes: a = (5 + 0.5) / (8 + 1) = 11/18, b = 7/18.
    // Given x = 1 (n = 3, a 0, b 3), concentration 1 × 2 outcomes = 2 pseudo-observations of the unigram:
    // a = (0 + 2 × 11/18) / (3 + 2) = 11/45, b = (3 + 2 × 7/18) / 5 = 34/45.
    let given_one = factor.distribution(&context(&[("x", "1")]));
    assert!((given_one[0] - 11.0 / 45.0).abs() < 1e-12, "{given_one:?}");
    assert!((given_one[1] - 34.0 / 45.0).abs() < 1e-12, "{given_one:?}");
    // A value left out, an unseen one, or no value at all, is the unigram.
    for unseen in [context(&[("x", "3")]), context(&[("x", "4")]), Context::new()] {
        let p = factor.distribution(&unseen);
        assert!((p[0] - 11.0 / 18.0).abs() < 1e-12 && (p[1] - 7.0 / 18.0).abs() < 1e-12, "{p:?}");
    }
    assert_eq!(factor.probability(&Context::new(), "never"), 0.0);
}

#[test]
fn an_outcome_never_fitted_counts_as_other() {
    let observations = [observation(&[], "a"), observation(&[], "a")];
    let factor = fit("act", &strings(&["a", OTHER]), &[], 1.0, 0.5, &observations);
    // (0 + 0.5) / (2 + 1)
    assert!((factor.probability(&Context::new(), "brand-new") - 0.5 / 3.0).abs() < 1e-12);
}

/// P(outcome | x) that the synthetic customers follow: x = "ask" mostly answers, x = "deny" mostly leaves.
const TRUTH: [(&str, [f64; 3]); 2] = [("ask", [0.7, 0.2, 0.1]), ("deny", [0.1, 0.3, 0.6])];
const OUTCOMES: [&str; 3] = ["answer", "insist", "leave"];

fn synthetic(n: usize, seed: u64) -> Vec<Observation> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let (x, p) = TRUTH[rng.random_range(0..TRUTH.len())];
            let noise = if rng.random_bool(0.5) { "heads" } else { "tails" };
            let draw: f64 = rng.random();
            let index = if draw < p[0] {
                0
            } else if draw < p[0] + p[1] {
                1
            } else {
                2
            };
            observation(&[("x", x), ("noise", noise)], OUTCOMES[index])
        })
        .collect()
}

#[test]
fn fitting_recovers_the_probabilities_synthetic_customers_follow() {
    let factor = fit("act", &strings(&OUTCOMES), &strings(&["x"]), 1.0, 0.1, &synthetic(40_000, 1));
    for (x, truth) in TRUTH {
        let p = factor.distribution(&context(&[("x", x)]));
        for (fitted, true_p) in p.iter().zip(truth) {
            assert!((fitted - true_p).abs() < 0.015, "x = {x}: fitted {p:?}, true {truth:?}");
        }
    }
}

#[test]
fn selection_keeps_the_informative_variable_and_drops_the_noise() {
    let chosen = select(
        &strings(&OUTCOMES),
        &strings(&["noise", "x"]),
        &[0.5, 1.0, 4.0],
        0.1,
        &synthetic(20_000, 2),
        &synthetic(5_000, 3),
    );
    assert_eq!(chosen.given, strings(&["x"]));
    // The held-out nats given x approach the true conditional entropy: ½ H(0.7, 0.2, 0.1) + ½ H(0.1, 0.3, 0.6).
    let entropy = |p: [f64; 3]| -p.iter().map(|p| p * p.ln()).sum::<f64>();
    let truth = 0.5 * entropy(TRUTH[0].1) + 0.5 * entropy(TRUTH[1].1);
    let last = chosen.steps.last().expect("a step").validation_nats;
    assert!((last - truth).abs() < 0.03, "validation {last}, true entropy {truth}");
    assert!(chosen.steps[0].validation_nats > last + 0.1, "{:?}", chosen.steps);
}

#[test]
fn samples_follow_the_distribution() {
    let factor = small();
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let given = context(&[("x", "1")]);
    let draws = 24_000;
    let b = (0..draws).filter(|_| factor.sample(&given, &mut rng) == "b").count();
    let share = b as f64 / draws as f64;
    assert!((share - 34.0 / 45.0).abs() < 0.01, "{share}");
}

#[test]
fn the_unigram_baseline_forgets_every_variable() {
    let baseline = small().unigram();
    assert!(baseline.given.is_empty());
    let p = baseline.distribution(&context(&[("x", "1")]));
    assert!((p[0] - 11.0 / 18.0).abs() < 1e-12);
}

#[test]
fn a_fitted_model_holds_together_and_a_broken_one_lists_every_problem() {
    let model = MoveModel { factors: vec![small()] };
    assert_eq!(model.problems(), Vec::<String>::new());

    // small()'s rows: the unigram, x = 1 (three `b`) and x = 2 (four `a`); x = 3, seen once, is left out
    let mut broken = small();
    broken.outcomes.push("a".to_owned());
    broken.concentration = 0.0;
    broken.rows[1].n += 1;
    broken.rows.swap(1, 2);
    broken.rows[0].counts.insert("c".to_owned(), 0);
    broken.rows[0].values = strings(&["1", "2"]);
    let problems = MoveModel { factors: vec![broken] }.problems();
    let expected = [
        "factor `act`: outcome `a` listed twice",
        "factor `act`: concentration 0 is not a positive number",
        "factor `act`: row 0 [\"1\", \"2\"] has 2 values for 1 variables",
        "factor `act`: row 0 [\"1\", \"2\"] counts `c`, which is not one of the outcomes",
        "factor `act`: row 2 [\"1\"] is not after the row before it (rows are sorted by their values, once each)",
        "factor `act`: row 2 [\"1\"] has counts adding up to 3, not its n 4",
    ];
    assert_eq!(problems, expected);
}
