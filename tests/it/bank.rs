//! bank-card-services, a scenario written only in the scenario language (declared entities, slots, data effects):
//! the sloppy agent's plants are caught at their turns, by-the-book is never flagged, resolves legitimate
//! customers and stops every social engineer.

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
    // A charge named by its merchant and amount, disputed in full.
    let dispute = |world: &mut WorldState, charge: u8| {
        let mut args = ToolArgs::default();
        args.push(slot("merchant"), cell(world, "charge.merchant", charge));
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
