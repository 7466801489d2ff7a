//! inbound-sales: quotes from a tool, a price objection and one concession, concerns answered by a document, a price
//! floor, claims about the product.
//! The sloppy agent's plants (an offer under the floor, a false claim, a sale that does not fit, pressure after a
//! no, skipped steps…) are caught at their turns; by-the-book keeps
//! every rule, never sells below the floor, converts the prospects a permitted price wins and books their revenue.

use sim_core::act::ActKind;
use sim_core::agents::SloppyConfig;
use sim_core::prelude::*;

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

#[test]
fn each_concern_is_answered_by_its_tool_and_an_ignored_one_loses_the_offer() {
    let (scenario, personas) = crate::support::built_in("inbound-sales");
    let objections = &scenario.intents[0].objections;
    let concern = |row: &sim_core::record::TurnRecord| {
        row.act.filter(|_| row.speaker == Speaker::Customer).and_then(|act| act.objection())
    };
    // By the book: the turn after a concern is the call of its remedy, and no offer is turned down for one.
    let (out, _) = crate::support::clean_by_the_book_run("inbound-sales", 5, 20_000);
    let mut raised = [0; 2];
    for record in &out.episodes {
        let rows = out.turns_of(record);
        for (idx, row) in rows.iter().enumerate() {
            let Some(objection) = concern(row) else { continue };
            raised[usize::from(objection)] += 1;
            let remedy = objections[usize::from(objection)].remedy;
            let next = rows.get(idx + 1).filter(|next| next.speaker == Speaker::Tool);
            if let Some(next) = next {
                assert_eq!(next.tool, Some(remedy), "episode {}", record.episode);
            }
        }
        assert!(!rows.iter().any(|row| row.why == "their concern was not answered"));
    }
    assert!(raised.iter().all(|n| *n > 1_000), "concerns raised: {raised:?}");
    // Ignoring one: the next offer is flagged, and the customer does not take it.
    let config = SloppyConfig { ignore_objection: 1.0, ..crate::rules::NO_FAULTS };
    let agent = Box::new(sim_core::agents::Sloppy::new(scenario.clone(), config));
    let mut engine =
        Engine::new(scenario.clone(), personas, agent, EngineConfig { slots: 128 }).unwrap();
    let out = engine.run(5, 0..20_000);
    let mut ignored = 0;
    for record in &out.episodes {
        let rows = out.turns_of(record);
        let policy = |v: &&sim_core::record::Verdict| {
            !v.passed && matches!(v.rule, sim_core::record::RuleRef::Policy(_))
        };
        for verdict in out.verdicts_of(record).iter().filter(policy) {
            assert_eq!(verdict.rule.id(&scenario), "answer-objections");
            ignored += 1;
            let answer = rows.iter().find(|row| row.turn == verdict.turn + 1);
            let answer =
                answer.and_then(|row| row.act.filter(|_| row.speaker == Speaker::Customer));
            if let Some(act) = answer {
                // Turned down (or out of patience, or asking for a human), never taken.
                assert_ne!(act.kind, ActKind::Accept, "episode {}", record.episode);
            }
        }
    }
    assert!(ignored > 2_000, "only {ignored} ignored concerns");
}
