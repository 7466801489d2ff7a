//! Built-in scenario tests: they load, survive mangling without panics, and run clean under the built-in agents.

use std::path::Path;
use std::sync::Arc;

use sim_core::prelude::*;

use super::*;
use crate::Position;
use crate::tests::summary;

const RETAIL: &str = BUILT_IN[2].1;

#[test]
fn list_names_every_built_in() {
    let list = list_built_in();
    let ids: Vec<&str> = list.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "bank-card-services",
            "inbound-sales",
            "retail-support",
            "star-hotel",
            "subscription-retention",
            "telecom-troubleshooting",
        ]
    );
    assert!(list[2].1.starts_with("ABCD retail support"), "{}", list[2].1);
}

#[test]
fn unknown_built_in_names_the_known_ones() {
    let err = load_built_in("retail").err().map(|err| err.to_string());
    assert_eq!(
        err.as_deref(),
        Some(
            "no built-in scenario `retail`; built-in: bank-card-services, inbound-sales, retail-support, star-hotel, subscription-retention, telecom-troubleshooting"
        )
    );
}

#[test]
fn embedded_text_is_the_data_file() {
    let from_disk = crate::load_scenario(built_in_dir().join("retail-support.ron"));
    let embedded = load_built_in("retail-support");
    match (from_disk, embedded) {
        (Ok(disk), Ok(embedded)) => {
            assert_eq!(format!("{:?}", disk.spec), format!("{:?}", embedded.spec));
        }
        (disk, embedded) => panic!("disk: {:?}\nembedded: {:?}", disk.err(), embedded.err()),
    }
}

#[test]
fn retail_support_steps_and_goals() {
    let scenario = load_built_in("retail-support").unwrap_or_else(|err| panic!("{err}"));
    let expect = r#"refund_initiate: pull-up-account[full_name account_id]/1, validate-purchase[username email order_id]/3, record-reason[refund_method]/1, enter-details[full_address]/1, offer-refund[amount]/1 goal[amount refund_method]
refund_update: pull-up-account[full_name account_id]/1, validate-purchase[username email order_id]/3, record-reason[product]/1, offer-refund[amount]/1 goal[amount product]
return_size: pull-up-account[full_name account_id]/1, validate-purchase[username email order_id]/3, membership[membership_level]/1, enter-details[full_address]/1, update-order[order_option]/1 goal[order_option]
return_color: pull-up-account[full_name account_id]/1, validate-purchase[username email order_id]/3, membership[membership_level]/1, enter-details[full_address]/1, update-order[order_option]/1 goal[order_option]
return_stain: pull-up-account[full_name account_id]/1, validate-purchase[username email order_id]/3, membership[membership_level]/1, enter-details[full_address]/1, update-order[order_option]/1 goal[order_option]
recover_username: pull-up-account[full_name account_id]/1, verify-identity[full_name email phone zip_code]/3 goal[]
recover_password: pull-up-account[full_name account_id]/1, enter-details[username]/1, make-password[pin_number security_answer]/1 goal[]
reset_2fa: pull-up-account[full_name account_id]/1, enter-details[email]/1, send-link[]/0 goal[]
manage_change_address: pull-up-account[full_name account_id]/1, record-reason[street_address]/1, verify-identity[username email phone zip_code order_id pin_number]/3, update-account[new_value]/1 goal[new_value]
manage_change_name: pull-up-account[full_name account_id]/1, record-reason[full_name]/1, verify-identity[username email phone zip_code order_id pin_number]/3, update-account[new_value]/1 goal[new_value]
manage_change_phone: pull-up-account[full_name account_id]/1, record-reason[phone]/1, verify-identity[username email phone zip_code order_id pin_number]/3, update-account[new_value]/1 goal[new_value]
manage_payment_method: pull-up-account[full_name account_id]/1, record-reason[payment_method]/1, verify-identity[username email phone zip_code order_id pin_number]/3, update-account[new_value]/1 goal[new_value]
promo_code_invalid: pull-up-account[full_name account_id]/1, ask-the-oracle[]/0, membership[membership_level]/1 if no, promo-code[]/0 goal[]
promo_code_out_of_date: pull-up-account[full_name account_id]/1, ask-the-oracle[]/0, membership[membership_level]/1 if no, promo-code[]/0 goal[]
bad_price_competitor: pull-up-account[full_name account_id]/1, record-reason[reason]/1, verify-identity[full_name account_id order_id]/3, promo-code[]/0 if unsatisfied goal[reason]
bad_price_yesterday: pull-up-account[full_name account_id]/1, record-reason[reason]/1, verify-identity[full_name account_id order_id]/3, promo-code[]/0 if unsatisfied goal[reason]
out_of_stock_one_item: pull-up-account[full_name account_id]/1, record-reason[product]/1, notify-team[]/0, make-purchase[product]/1 if unsatisfied goal[product]
status_delivery_time: pull-up-account[full_name account_id]/1, verify-identity[full_name account_id order_id]/3, ask-the-oracle[]/0, shipping-status[]/0 if no, update-order[order_option]/1 goal[order_option]
cost: pull-up-account[full_name account_id]/1, validate-purchase[username email order_id]/3, check-shipping-fee[]/0, update-order[order_option]/1 if check-shipping-fee passed, offer-refund[amount]/1 if check-shipping-fee failed goal[amount order_option]
status_service_added: pull-up-account[full_name account_id]/1, record-reason[heard_from]/1, ask-the-oracle[]/0, update-account[full_name account_id]/1 if yes, offer-refund[amount]/1 if yes goal[amount heard_from]
status_service_removed: pull-up-account[full_name account_id]/1, record-reason[heard_from]/1, ask-the-oracle[]/0, update-account[full_name account_id]/1 if yes goal[heard_from]
status_shipping_question: pull-up-account[full_name account_id]/1, ask-the-oracle[]/0, send-link[]/0 goal[]
status_credit_missing: pull-up-account[full_name account_id]/1, record-reason[credit_origin]/1, ask-the-oracle[]/0, promo-code[]/0 if yes goal[credit_origin]
status_mystery_fee: pull-up-account[full_name account_id]/1, verify-identity[full_name account_id order_id]/3, ask-the-oracle[]/0, membership[membership_level]/1 if no, update-order[order_option]/1 goal[order_option]
status_payment_method: pull-up-account[full_name account_id]/1, verify-identity[full_name account_id order_id]/3, shipping-status[]/0, update-order[order_option]/1 goal[order_option]
status_quantity: pull-up-account[full_name account_id]/1, verify-identity[full_name account_id order_id]/3, ask-the-oracle[]/0, check-shipping[]/0 if yes, offer-refund[amount]/1 if yes goal[amount]
manage_upgrade: pull-up-account[full_name account_id]/1, verify-identity[full_name account_id order_id]/3, check-shipping[]/0, membership[membership_level]/1, update-order[order_option]/1 goal[order_option]
manage_downgrade: pull-up-account[full_name account_id]/1, verify-identity[full_name account_id order_id]/3, shipping-status[]/0, membership[membership_level]/1, update-order[order_option]/1 goal[order_option]
manage_create: pull-up-account[full_name account_id]/1, verify-identity[full_name account_id order_id]/3, check-shipping[]/0, membership[membership_level]/1 if check-shipping failed, make-purchase[product]/1 goal[product]
manage_cancel: pull-up-account[full_name account_id]/1, verify-identity[full_name account_id order_id]/3, check-shipping[]/0, membership[membership_level]/1 if check-shipping failed, offer-refund[amount]/1 goal[amount]
refund_status: pull-up-account[full_name account_id]/1, validate-purchase[username email order_id]/3, notify-team[]/0 if unsatisfied, update-order[order_option]/1 if unsatisfied goal[order_option]
out_of_stock_general: pull-up-account[full_name account_id]/1, notify-team[]/0, promo-code[]/0 if unsatisfied goal[]
mistimed_billing_already_returned: pull-up-account[full_name account_id]/1, validate-purchase[username email order_id]/3, record-credit-wait[days_waited]/1, membership[membership_level]/1 if record-credit-wait failed, update-order[order_option]/1 goal[order_option days_waited]
mistimed_billing_never_bought: pull-up-account[full_name account_id]/1, validate-purchase[username email order_id]/3, ask-the-oracle[]/0, membership[membership_level]/1 if no, update-order[order_option]/1 goal[order_option]
status: pull-up-account[full_name account_id]/1, verify-identity[full_name account_id order_id]/3, validate-purchase[username email order_id]/3, check-order-problem[]/0, update-order[order_option]/1 goal[order_option]
manage: pull-up-account[full_name account_id]/1, shipping-status[]/0, validate-purchase[username email order_id]/3, update-order[order_option]/1 goal[order_option]
missing: pull-up-account[full_name account_id]/1, validate-purchase[username email order_id]/3, record-wait[days]/1, update-order[order_option]/1, make-purchase[product]/1 goal[product order_option days]
boots: search-faq[]/0, search-boots[]/0, select-faq[boots_question]/1 goal[boots_question]
shirt: search-faq[]/0, search-shirt[]/0, select-faq[shirt_question]/1 goal[shirt_question]
jeans: search-faq[]/0, search-jeans[]/0, select-faq[jeans_question]/1 goal[jeans_question]
jacket: search-faq[]/0, search-jacket[]/0, select-faq[jacket_question]/1 goal[jacket_question]
pricing: search-faq[]/0, search-pricing[]/0, select-faq[pricing_question]/1 goal[pricing_question]
membership: search-faq[]/0, search-membership[]/0, select-faq[membership_question]/1 goal[membership_question]
timing: search-faq[]/0, search-timing[]/0, select-faq[timing_question]/1 goal[timing_question]
policy: search-faq[]/0, search-policy[]/0, select-faq[policy_question]/1 goal[policy_question]
status_active: pull-up-account[full_name account_id]/1, verify-identity[full_name account_id order_id]/3, subscription-status[]/0, send-link[]/0, enter-details[payment_amount]/1 goal[payment_amount]
status_due_amount: pull-up-account[full_name account_id]/1, verify-identity[full_name account_id order_id]/3, subscription-status[]/0, send-link[]/0, enter-details[payment_amount]/1 goal[]
status_due_date: pull-up-account[full_name account_id]/1, verify-identity[full_name account_id order_id]/3, subscription-status[]/0, send-link[]/0, enter-details[payment_amount]/1 goal[payment_amount]
manage_pay_bill: pull-up-account[full_name account_id]/1, verify-identity[full_name account_id order_id]/3, subscription-status[]/0, enter-details[payment_amount]/1, update-account[full_name account_id]/1 goal[payment_amount]
manage_extension: pull-up-account[full_name account_id]/1, verify-identity[full_name account_id order_id]/3, membership[membership_level]/1, update-account[full_name account_id]/1, enter-details[phone]/1 if membership failed, notify-team[]/0 if membership failed goal[]
manage_dispute_bill: pull-up-account[full_name account_id]/1, verify-identity[full_name account_id order_id]/3, membership[membership_level]/1, ask-the-oracle[]/0 if Le(Builtin(MembershipLevel), Const(1)), offer-refund[amount]/1 goal[amount]
credit_card: try-again[]/0 if unfixed, log-out-in[]/0 if unfixed, enter-details[product]/1 if unfixed, make-purchase[product]/1 if unfixed goal[product]
shopping_cart: try-again[]/0 if unfixed, log-out-in[]/0 if unfixed, enter-details[product]/1 if unfixed, make-purchase[product]/1 if unfixed goal[product]
search_results: try-again[]/0 if unfixed, log-out-in[]/0 if unfixed, make-purchase[product]/1 if unfixed, instructions[]/0 if unfixed, notify-team[]/0 if unfixed goal[product]
slow_speed: try-again[]/0 if unfixed, log-out-in[]/0 if unfixed, make-purchase[product]/1 if unfixed, instructions[]/0 if unfixed, notify-team[]/0 if unfixed goal[product]
personas: [("calm", 0.4), ("impatient", 0.25), ("confused", 0.2), ("social-engineer", 0.15)]"#;
    assert_eq!(summary(&scenario), expect);
}

/// A deterministic 64-bit LCG (Knuth's MMIX constants), so mangling needs no rand crate.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: usize) -> usize {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % bound as u64) as usize
    }
}

/// Loads mangled text; on error, checks that every reported position lies inside the text. Returns whether it failed.
fn load_mangled(source: &str) -> bool {
    let path = Path::new("scenarios/data/retail-support.ron");
    let Err(err) = parse_scenario(source, path) else { return false };
    let n_lines = source.lines().count().max(1) + 1;
    let positions: Vec<Position> = match &err {
        LoadError::Invalid { problems, .. } => problems
            .iter()
            .map(|problem| Position { line: problem.line, column: problem.column })
            .collect(),
        _ => err.position().into_iter().collect(),
    };
    assert!(!positions.is_empty(), "no position in {err}");
    for position in positions {
        assert!(
            (1..=n_lines).contains(&position.line) && position.column >= 1,
            "{position} in {err}"
        );
    }
    assert!(err.to_string().starts_with("scenarios/data/retail-support.ron:"), "{err}");
    true
}

#[test]
fn truncated_text_fails_with_a_position() {
    let end = RETAIL.trim_end().len() - 1;
    for step in 0..200 {
        let mut cut = step * end / 200;
        while !RETAIL.is_char_boundary(cut) {
            cut -= 1;
        }
        assert!(load_mangled(&RETAIL[..cut]), "truncated at byte {cut} and still loaded");
    }
}

#[test]
fn mangled_bytes_never_panic() {
    const BYTES: &[u8] = b"()[]{},:;\"'#/\\-+.019aZ_ \n\0\xff";
    // The policy text is prose: a byte changed there mostly leaves the file valid, so none is mangled.
    let policy_start = RETAIL.find("policy: r#\"").expect("retail-support has a policy");
    let policy_len = RETAIL[policy_start..].find("\"#,").expect("the policy ends") + 3;
    let mut rng = Lcg(7);
    let mut failed = 0;
    for _ in 0..2000 {
        let mut bytes = RETAIL.as_bytes().to_vec();
        for _ in 0..1 + rng.below(3) {
            let mut at = rng.below(bytes.len() - policy_len);
            if at >= policy_start {
                at += policy_len;
            }
            bytes[at] = BYTES[rng.below(BYTES.len())];
        }
        failed += usize::from(load_mangled(&String::from_utf8_lossy(&bytes)));
    }
    // Bytes that land in comments or descriptions may leave the file valid.
    assert!(failed > 1500, "only {failed} of 2000 mangled files failed to load");
}

fn run(agent: &str, episodes: u64) -> (Arc<ScenarioSpec>, ShardOutput) {
    let scenario = load_built_in("retail-support").unwrap_or_else(|err| panic!("{err}"));
    let scenario = Arc::new(scenario.spec);
    let personas: Arc<[PersonaSpec]> = vec![sim_core::testing::calm_persona()].into();
    let agent = sim_core::agents::built_in(agent, &scenario).expect("a built-in agent");
    let config = EngineConfig { slots: 256 };
    let mut engine = Engine::new(scenario.clone(), personas, agent, config).expect("engine builds");
    (scenario, engine.run(7, 0..episodes))
}

/// One line per turn row, for failure messages.
fn transcript(scenario: &ScenarioSpec, out: &ShardOutput, record: &EpisodeRecord) -> String {
    let intent = &scenario.intents[usize::from(record.customer.intent)].id;
    let mut lines = vec![format!("episode {} ({intent})", record.episode)];
    for row in out.turns_of(record) {
        let what = match (row.tool, row.act) {
            (Some(tool), _) => format!(
                "{} {:?} -> {:?}",
                scenario.tools[usize::from(tool)].id,
                row.args.iter().collect::<Vec<_>>(),
                row.outcome.map(|outcome| outcome.passed)
            ),
            (None, Some(act)) => {
                format!("{} {:?}", act.kind.name(), act.slots.iter().collect::<Vec<_>>())
            }
            (None, None) => String::new(),
        };
        lines.push(format!("  {:>2} {:<8} {what}", row.turn, row.speaker.name()));
    }
    for verdict in out.verdicts_of(record) {
        let rule = verdict.rule.id(scenario);
        lines.push(format!(
            "  verdict {rule} turn {} passed {}: {}",
            verdict.turn,
            verdict.passed,
            verdict.describe(scenario)
        ));
    }
    lines.join("\n")
}

#[test]
fn by_the_book_is_never_flagged_and_mostly_resolves() {
    let (scenario, out) = run("by-the-book", 20_000);
    let flagged: Vec<&EpisodeRecord> = out.episodes.iter().filter(|ep| ep.violations > 0).collect();
    assert!(
        flagged.is_empty(),
        "{} flagged episodes; the first:\n{}",
        flagged.len(),
        transcript(&scenario, &out, flagged[0])
    );
    let resolved = out.episodes.iter().filter(|ep| ep.resolved).count();
    assert!(resolved as f64 / 20_000.0 >= 0.90, "resolved {resolved} of 20000");
}

#[test]
fn every_built_in_rule_cites_a_sentence_of_its_policy() {
    for (id, _) in crate::list_built_in() {
        let spec = crate::load_built_in(&id).unwrap().spec;
        assert!(spec.policy.len() > 500, "{id}: the policy text is missing or a stub");
        for rule in &spec.rules {
            // The loader already checked that a citation is in the policy, word for word.
            assert!(!rule.cites.trim().is_empty(), "{id}: rule `{}` cites no sentence", rule.id);
        }
    }
}
