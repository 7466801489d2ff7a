//! pass^k and the paired comparison on outcomes written by hand.

use super::*;

fn outcome(episode: u64, intent: &str, success: bool, violation: bool) -> Outcome {
    let (s, v) = (f64::from(u8::from(success)), f64::from(u8::from(violation)));
    Outcome { episode, intent: intent.to_owned(), values: [s, s, v, 0.0, 0.0, 0.0, 3.0] }
}

#[test]
fn pass_hat_k_is_the_chance_that_k_draws_all_passed() {
    // τ-bench's pass^k: C(c, k) / C(n, k).
    assert_eq!(pass_hat_k(3, 4, 1), 0.75);
    assert_eq!(pass_hat_k(3, 4, 2), 0.5); // C(3,2)/C(4,2) = 3/6
    assert_eq!(pass_hat_k(4, 4, 4), 1.0);
    assert_eq!(pass_hat_k(1, 4, 2), 0.0);
    assert!((pass_hat_k(5, 8, 4) - 5.0 / 70.0).abs() < 1e-12); // C(5,4)/C(8,4)
    assert!(pass_hat_k(2, 3, 4).is_nan());
}

#[test]
fn an_agent_against_itself_differs_in_nothing_and_flips_nothing() {
    let runs: Vec<Outcome> = (0..40)
        .map(|i| outcome(i, if i % 2 == 0 { "x" } else { "y" }, i % 3 == 0, i % 5 == 0))
        .collect();
    let cmp = compare_outcomes(("a".into(), "a".into()), &runs, &runs, 500, 1);
    assert!(cmp.b_lost.is_empty() && cmp.b_won.is_empty());
    for m in &cmp.metrics {
        assert_eq!((m.difference, m.ci95), (0.0, (0.0, 0.0)), "{}", m.metric);
    }
}

#[test]
fn flips_and_intervals_follow_the_episodes() {
    // B loses episodes 0..10 of 100 and breaks a rule on 20..40; A and B agree elsewhere.
    let a: Vec<Outcome> = (0..100).map(|i| outcome(i, "x", true, false)).collect();
    let b: Vec<Outcome> =
        (0..100).map(|i| outcome(i, "x", i >= 10, (20..40).contains(&i))).collect();
    let cmp = compare_outcomes(("a".into(), "b".into()), &a, &b, 2000, 3);
    assert_eq!(cmp.b_lost, (0..10).collect::<Vec<_>>());
    assert!(cmp.b_won.is_empty());
    let success = &cmp.metrics[0];
    assert!((success.difference + 0.10).abs() < 1e-12);
    assert!(
        success.ci95.0 < -0.10 && success.ci95.1 > -0.10 && success.ci95.1 < 0.0,
        "{success:?}"
    );
    let violation = &cmp.metrics[2];
    assert!((violation.difference - 0.20).abs() < 1e-12);
    // The standard error of a 20% rate over 100 episodes is 4 points: the interval is about ±8.
    assert!(violation.ci95.0 > 0.10 && violation.ci95.1 < 0.30, "{violation:?}");
    let x = &cmp.pass_k[0];
    assert_eq!((x.intent.as_str(), x.n, x.successes), ("x", 100, (100, 90)));
    // pass^2 of B: C(90,2)/C(100,2) = 90·89 / (100·99).
    let (k, pa, pb) = x.pass[1];
    assert_eq!((k, pa), (2, 1.0));
    assert!((pb - 90.0 * 89.0 / (100.0 * 99.0)).abs() < 1e-12);
    assert_eq!(cmp.pass_k.last().unwrap().intent, "all");
}
