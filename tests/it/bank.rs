//! bank-card-services, a scenario written only in the scenario language (declared entities, slots, data effects):
//! the sloppy agent's plants are caught at their turns, by-the-book is never flagged, resolves legitimate
//! customers and stops every social engineer; its identity check takes the facts its policy names.

use sim_core::record::Reason;

#[test]
fn by_the_book_keeps_every_card_rule_resolves_account_holders_and_stops_impostors() {
    let (out, personas) = crate::support::clean_by_the_book_run("bank-card-services", 11, 50_000);
    let resolved = crate::support::resolution_of(&out, &personas, "calm");
    assert!(resolved >= 0.90, "calm resolution {resolved:.3}");
    let impostor = personas.iter().position(|p| p.id == "social-engineer").unwrap() as u16;
    let mut impostors = 0;
    for record in out.episodes.iter().filter(|r| r.customer.persona == impostor) {
        impostors += 1;
        let granted = out.verdicts_of(record).iter().any(|v| v.reason == Reason::GrantedWrongly);
        assert!(!granted, "episode {}: a social engineer got a card action", record.episode);
    }
    assert!(impostors > 5_000, "only {impostors} social-engineer episodes");
}

#[test]
fn a_dispute_filed_on_another_charge_does_not_resolve_the_customers_request() {
    use sim_core::act::SlotValues;
    use sim_core::spec::Outcome;
    use sim_core::world::{ToolArgs, WorldEnv, WorldState};
    let (scenario, _) = crate::support::built_in("bank-card-services");
    let slot = |name| scenario.slot_named(name).unwrap();
    let field = |name: &str| scenario.fields.iter().position(|f| f.name == name).unwrap() as u8;
    let cell =
        |world: &WorldState, name: &str, index: u8| world.fields[usize::from(field(name) + index)];
    let charges = scenario.layout.list_of(field("charge.amount")).unwrap();
    let mut world = sim_core::testing::world_from_seed(&scenario, 0);
    let len = world.len(&scenario.layout, charges);
    assert!((2..=5).contains(&len), "{len} charges");
    let focus = world.focus[usize::from(charges)];
    let other = (focus + 1) % len;
    let intent = &scenario.intents[scenario.intent_id("dispute_charge").unwrap() as usize];
    let Outcome::Holds(resolved) = &intent.resolved[0] else { panic!("a condition") };
    let mut goals = SlotValues::default();
    goals.0[slot("dispute_amount").index()] = cell(&world, "charge.amount", focus);
    let holds = |world: &WorldState| {
        resolved.holds(&WorldEnv { goals: Some(&goals), ..world.focused(&scenario) })
    };
    // A charge named by its date and amount, disputed in full.
    let dispute = |world: &mut WorldState, charge: u8| {
        let mut args = ToolArgs::default();
        args.push(slot("charge_date"), cell(world, "charge.days_ago", charge));
        args.push(slot("charge_amount"), cell(world, "charge.amount", charge));
        args.push(slot("dispute_amount"), cell(world, "charge.amount", charge));
        let file = scenario.tool_id("file-dispute").unwrap();
        world.apply(&scenario, intent, file, &args).passed
    };
    assert!(dispute(&mut world, other));
    assert!(!holds(&world), "the customer's own charge is still undisputed");
    assert!(dispute(&mut world, focus));
    assert!(holds(&world));
    assert!(!dispute(&mut world, focus), "nothing is left of the charge to dispute");
    // Each dispute is its own record, pointing at its charge.
    assert_eq!(cell(&world, "dispute.count", 0), 2);
    assert_eq!(cell(&world, "dispute.charge", 0), u64::from(other));
    assert_eq!(cell(&world, "dispute.charge", 1), u64::from(focus));
}

/// "Verify the caller before you act: ask for their full name, their PIN (the last four digits of their social
/// security number) and the last four digits of their card, and run the identity check with what they give.": the
/// check passes with the three true facts (the card the caller is calling about) and fails with a wrong PIN, a card
/// number that is not theirs, two facts alone, or facts the policy does not name (zip code, phone), however true.
#[test]
fn the_identity_check_takes_the_name_the_pin_and_the_cards_last_four_digits() {
    use sim_core::world::ToolArgs;
    let (scenario, _) = crate::support::built_in("bank-card-services");
    let slot = |name: &str| scenario.slot_named(name).unwrap();
    let intent = &scenario.intents[scenario.intent_id("lost_card").unwrap() as usize];
    let verify = scenario.tool_id("verify-identity").unwrap();
    for seed in 0..20 {
        let world = sim_core::testing::world_from_seed(&scenario, seed);
        let truth = |name| world.truth(&scenario, slot(name)).unwrap();
        let check = |given: &[(&str, u64)]| {
            let mut world = world.clone();
            let mut args = ToolArgs::default();
            for (name, value) in given {
                args.push(slot(name), *value);
            }
            world.apply(&scenario, intent, verify, &args).passed
        };
        let (name, pin, card) = (
            ("full_name", truth("full_name")),
            ("pin_number", truth("pin_number")),
            ("card_last4", truth("card_last4")),
        );
        assert!(check(&[name, pin, card]), "seed {seed}");
        assert!(
            !check(&[name, ("pin_number", (pin.1 + 1) % 10_000), card]),
            "a wrong PIN, seed {seed}"
        );
        assert!(
            !check(&[name, pin, ("card_last4", (card.1 + 1) % 10_000)]),
            "another card, seed {seed}"
        );
        assert!(!check(&[name, pin]), "two facts, seed {seed}");
        let (zip, phone) = (("zip_code", truth("zip_code")), ("phone", truth("phone")));
        assert!(!check(&[name, zip, phone]), "facts the policy does not name, seed {seed}");
    }
}

/// An agent that copies a charge's date as the customer wrote it enters the day the customer meant: "12062018"
/// (MultiDoGO's day-first way) could be December 6th or June 12th, and is June 12th, 18 days before June 30, 2018,
/// when that is the day the customer named (a candidate); unnamed, it reads the month first, a day after the day
/// the scenario is played, which is no charge's day. Dates in words read whole or without their year.
#[test]
fn a_charges_date_is_read_as_the_customer_wrote_it() {
    let scenario = sim_scenarios::load_built_in("bank-card-services").unwrap().spec;
    let date = scenario.slot_named("charge_date").unwrap();
    let read = |text: &str, candidates: &[u64]| {
        sim_personas::realise::read_value(&scenario, date, text, candidates)
    };
    assert_eq!(read("12062018", &[18]), 18);
    assert!(sim_personas::realise::is_unmatched(read("12062018", &[])));
    for text in ["June 12, 2018", "12 th june", "june 12th 2018", "06122018", "061218"] {
        assert_eq!(read(text, &[]), 18, "{text}");
    }
}

/// A persona's `intent_shares` decide what its customers come for, in place of the scenario's weights (3 lost card,
/// 2 replacement, 3 dispute): shares of 0.75 lost card and 0.25 dispute give three lost cards to one dispute and no
/// replacement, whose share is 0. On star-hotel, none of whose intents they name, the same persona comes
/// for its intents by its weights (1 and 1).
#[test]
fn a_personas_intent_shares_decide_what_its_customers_come_for() {
    use sim_core::prelude::*;
    let (scenario, _) = crate::support::built_in("bank-card-services");
    let calm = sim_runners::setup::load_persona("calm").unwrap();
    let shares = [("lost_card", 0.75), ("dispute_charge", 0.25), ("replace_damaged_card", 0.0)];
    let persona = PersonaSpec {
        intent_shares: shares.map(|(id, share)| (id.to_owned(), share)).to_vec(),
        ..calm
    };
    let personas: std::sync::Arc<[PersonaSpec]> = [persona].into();
    let agent = sim_core::agents::built_in("by-the-book", &scenario).unwrap();
    let mut engine =
        Engine::new(scenario.clone(), personas.clone(), agent, EngineConfig { slots: 64 }).unwrap();
    let out = engine.run(5, 0..4000);
    let came_for = |id: &str| {
        let intent = scenario.intent_id(id).unwrap();
        out.episodes.iter().filter(|record| record.customer.intent == intent).count()
    };
    let lost = came_for("lost_card") as f64 / 4000.0;
    assert!((0.72..=0.78).contains(&lost), "lost card {lost:.3}");
    assert_eq!(came_for("lost_card") + came_for("dispute_charge"), 4000);
    assert_eq!(came_for("replace_damaged_card"), 0);
    let (star, _) = crate::support::built_in("star-hotel");
    let agent = sim_core::agents::built_in("by-the-book", &star).unwrap();
    let mut engine =
        Engine::new(star.clone(), personas, agent, EngineConfig { slots: 64 }).unwrap();
    let out = engine.run(5, 0..2000);
    let weather = star.intent_id("weather").unwrap();
    let weather = out.episodes.iter().filter(|record| record.customer.intent == weather).count();
    assert!((900..=1100).contains(&weather), "{weather} of 2000 came for a forecast");
    // Shares that give every intent of the scenario they name 0 leave its customers nothing to come for: refused.
    let calm = sim_runners::setup::load_persona("calm").unwrap();
    let shares = [("lost_card", 0.0), ("a_task_of_another_scenario", 1.0)];
    let nothing = PersonaSpec {
        intent_shares: shares.map(|(id, share)| (id.to_owned(), share)).to_vec(),
        ..calm
    };
    let agent = sim_core::agents::built_in("by-the-book", &scenario).unwrap();
    let refused = Engine::new(scenario, [nothing].into(), agent, EngineConfig { slots: 1 });
    assert!(refused.is_err_and(|err| err.to_string().contains("calm")), "no intent to come for");
}

/// Once the caller is verified (the steps `tell: true`), the agent tells them so before going on, in the scenario's
/// words, and the caller takes it in: even customers whose reaction table says goodbye to a result half the time
/// (the persona fitted to STAR's customers) acknowledge a step told done rather than leave with the card untouched.
/// A failed check is not told, and nothing else is told as a step.
#[test]
fn a_verified_caller_is_told_so_and_takes_it_in() {
    use sim_core::act::ActKind;
    use sim_core::prelude::*;
    let (scenario, _) = crate::support::built_in("bank-card-services");
    let fitted =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../calibration-data/fitted/star-hotel-customers.ron");
    let star = sim_personas::load_persona(std::path::Path::new(fitted)).unwrap();
    assert!(star.reactions.iter().any(|row| row.on == ActKind::InformResult), "a row for results");
    let agent = sim_core::agents::built_in("by-the-book", &scenario).unwrap();
    let mut engine =
        Engine::new(scenario.clone(), [star].into(), agent, EngineConfig { slots: 64 }).unwrap();
    let out = engine.run(9, 0..2000);
    let verify = scenario.tool_id("verify-identity").unwrap();
    let (mut told, mut taken_in, mut progress) = (0, 0, 0);
    for record in &out.episodes {
        let turns = out.turns_of(record);
        progress += turns
            .iter()
            .filter(|turn| turn.act.is_some_and(|act| act.kind == ActKind::Progress))
            .count();
        for (at, turn) in turns.iter().enumerate() {
            let Some(outcome) = turn.outcome.filter(|_| turn.tool == Some(verify)) else {
                continue;
            };
            let next = turns[at + 1].act;
            assert_eq!(
                next.is_some_and(|act| act.kind == ActKind::Progress),
                outcome.passed,
                "episode {}",
                record.episode
            );
            if outcome.passed {
                told += 1;
                let intent = next.map(|act| act.intent);
                assert_eq!(
                    intent,
                    Some(record.customer.intent),
                    "told of the caller's own request"
                );
                let answer = turns.get(at + 2).and_then(|turn| turn.act).map(|act| act.kind);
                assert_ne!(answer, Some(ActKind::ThankBye), "episode {}", record.episode);
                taken_in += usize::from(answer == Some(ActKind::Acknowledge));
            }
        }
    }
    assert!(told > 1500, "{told} of 2000 verified");
    assert_eq!(progress, told, "only a verification is told as a step");
    assert!(taken_in as f64 >= 0.95 * told as f64, "{taken_in} of {told} took it in");
}
