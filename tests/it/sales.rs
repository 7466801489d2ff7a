//! inbound-sales: quotes from a tool, one objection and one concession, a price floor, claims about the product.
//! The sloppy agent's plants (an offer under the floor, a false claim, a sale that does not fit, pressure after a
//! no, skipped steps…) are caught at their turns; by-the-book keeps
//! every rule, never sells below the floor, converts the prospects a permitted price wins and books their revenue.

use sim_core::act::ActKind;
use sim_core::agents::SloppyConfig;
use sim_core::prelude::*;

use crate::rules::{assert_plants, check_scenario};

#[test]
fn sloppy_plants_on_sales_are_all_caught() {
    let planted = check_scenario("inbound-sales", SloppyConfig::default(), 20_000);
    for rule in [
        "sales-step-order",
        "sales-steps-complete",
        "no-sale-without-fit",
        "no-false-claims",
        "price-floor",
        "no-pressure-after-no",
        "confirm-before-close",
    ] {
        assert_plants(&planted, rule);
    }
}

#[test]
fn by_the_book_sells_within_the_floor_and_books_the_deals_it_closes() {
    let (out, personas) = crate::support::clean_by_the_book_run("inbound-sales", 9, 30_000);
    let mut conceded = 0;
    for record in &out.episodes {
        let rows = out.turns_of(record);
        let offers: Vec<u64> = rows
            .iter()
            .filter_map(|row| row.act.filter(|act| act.kind == ActKind::Offer))
            .map(|act| act.values[0])
            .collect();
        assert!(
            offers.iter().all(|price| *price >= 2400),
            "episode {}: {offers:?}",
            record.episode
        );
        conceded += usize::from(offers.len() > 1);
        let (converted, revenue) = (record.metrics[0], record.metrics[1]);
        let accepted = rows.iter().any(|row| {
            row.speaker == Speaker::Customer
                && row.act.is_some_and(|act| act.kind == ActKind::Accept)
        });
        if record.end == EndReason::Closed && accepted {
            assert_eq!(converted, 1, "episode {}: accepted but not closed", record.episode);
            assert!(revenue > 0, "episode {}: a deal books revenue", record.episode);
        }
        if converted == 0 {
            assert_eq!(revenue, 0, "episode {}: revenue without a deal", record.episode);
        }
    }
    assert!(conceded > 1_000, "only {conceded} concessions after objections");
    let resolved = crate::support::resolution_of(&out, &personas, "calm");
    assert!(resolved >= 0.90, "calm resolution {resolved:.3}");
}
