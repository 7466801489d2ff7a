//! Customers who try another after a refusal (half of STAR's hotel customers told "there is no room available"
//! name another hotel or other days): a persona's `tries_again`, star-hotel's four stays, the by-the-book agent
//! that checks each new request before offering and booking it, and agents that reuse the last request's check,
//! refuse the new one unchecked, or leave it. star-hotel's policy: "Book a room only after checking that one is
//! free, and only when the customer agreed." and "Decline only when a check says no and tell the customer why".

use std::sync::Arc;

use sim_core::prelude::*;

use sim_core::record::Reason;
use sim_core::spec::ToolId;
use sim_core::world::ToolArgs;

use crate::support::built_in;

/// The customer's requests after a refusal, an offer or a result: (row index, the need with its values and those of the
/// `request`'s slots it keeps from what the customer said before: "what about the Hilton?" is the Hilton on the same
/// days, the slots it stated).
fn tries(turns: &[TurnRecord], request: SlotSet) -> Vec<(usize, Act, SlotSet)> {
    let mut last_said = None;
    let mut said: Vec<(Slot, u64)> = Vec::new();
    let mut out = Vec::new();
    for (at, row) in turns.iter().enumerate() {
        let Some(act) = row.act else { continue };
        match row.speaker {
            Speaker::Agent => last_said = Some(act.kind),
            Speaker::Customer
                if act.kind == ActKind::StateNeed
                    && !act.slots.is_empty()
                    && matches!(
                        last_said,
                        Some(ActKind::Deny | ActKind::Offer | ActKind::InformResult)
                    ) =>
            {
                let mut whole = act;
                for &(slot, value) in &said {
                    if request.contains(slot) && !act.slots.contains(slot) {
                        whole.put(slot, value);
                    }
                }
                out.push((at, whole, act.slots));
            }
            _ => {}
        }
        if row.speaker == Speaker::Customer
            && matches!(act.kind, ActKind::Inform | ActKind::StateNeed)
        {
            for (slot, value) in act.slots.iter().zip(act.values) {
                said.retain(|(known, _)| *known != slot);
                said.push((slot, value));
            }
        }
    }
    out
}

fn run(agent: Box<dyn AgentUnderTest>, tries_again: f64) -> ShardOutput {
    run_changing(agent, tries_again, 0.0)
}

fn run_changing(
    agent: Box<dyn AgentUnderTest>,
    tries_again: f64,
    changes_plans: f64,
) -> ShardOutput {
    let persona = PersonaSpec { tries_again: [tries_again; 3], changes_plans, ..hotel_customer() };
    run_persona(agent, persona)
}

/// A calm customer who wants a room.
fn hotel_customer() -> PersonaSpec {
    PersonaSpec { intents: vec!["hotel_book".to_owned()], ..sim_core::testing::calm_persona() }
}

fn run_persona(agent: Box<dyn AgentUnderTest>, persona: PersonaSpec) -> ShardOutput {
    let (spec, _) = built_in("star-hotel");
    let personas: Arc<[PersonaSpec]> = vec![persona].into();
    let mut engine = Engine::new(spec, personas, agent, EngineConfig { slots: 64 }).unwrap();
    engine.run(5, 0..300)
}

/// The call was made with every value of the customer's request.
fn assert_called_as_asked(call: &TurnRecord, need: &Act, episode: u64) {
    for (slot, value) in need.slots.iter().zip(need.values) {
        assert_eq!(
            call.args.get(slot),
            Some(value),
            "episode {episode}: called as asked: {slot:?} in {call:?} for {need:?}"
        );
    }
}

/// The calls made for a request (the turns from it to the next) begin with the check, and each has its values.
fn assert_checked_first_as_asked(turns: &[TurnRecord], check: ToolId, need: &Act, episode: u64) {
    let calls: Vec<&TurnRecord> = turns.iter().filter(|row| row.tool.is_some()).collect();
    if let Some(first) = calls.first() {
        assert_eq!(first.tool, Some(check), "episode {episode}: checked first");
    }
    for call in calls {
        assert_called_as_asked(call, need, episode);
    }
}

/// The episode broke no rule.
fn assert_clean(out: &ShardOutput, record: &EpisodeRecord) {
    assert_eq!(record.violations, 0, "episode {}: {:?}", record.episode, out.verdicts_of(record));
}

/// The slots of a stay: those `check-availability` takes.
fn request(spec: &ScenarioSpec) -> SlotSet {
    spec.tools.iter().find(|tool| tool.id == "check-availability").unwrap().args
}

fn star_hotel() -> (Arc<ScenarioSpec>, ToolId, ToolId) {
    let (spec, _) = built_in("star-hotel");
    let tool = |id: &str| spec.tools.iter().position(|tool| tool.id == id).unwrap() as ToolId;
    let (check, book) = (tool("check-availability"), tool("book-room"));
    (spec, check, book)
}

/// Every customer of `tries_again: 1` told no tries another stay the world holds (one that leaves after it
/// arrives, not the one before), at most three times; by the book, each is checked with exactly its values and any
/// booking before the next try is of those values; no rule is broken, and every episode closed is resolved.
#[test]
fn each_stay_tried_after_a_refusal_is_checked_before_it_is_booked() {
    let (spec, check, book) = star_hotel();
    let out = run(sim_core::agents::built_in("by-the-book", &spec).unwrap(), 1.0);
    let (arrive, depart) =
        (spec.slot_named("arrival_day").unwrap(), spec.slot_named("departure_day").unwrap());
    let (mut tried, mut partly) = (0, 0);
    for record in &out.episodes {
        let turns = out.turns_of(record);
        let again = tries(turns, request(&spec));
        assert!(again.len() <= 3, "episode {}: {} times", record.episode, again.len());
        tried += again.len();
        let mut before: Option<Vec<(Slot, u64)>> = None;
        for (idx, (at, need, stated)) in again.iter().enumerate() {
            let asked: Vec<(Slot, u64)> = need.slots.iter().zip(need.values).collect();
            assert_ne!(before.as_ref(), Some(&asked), "episode {}: another stay", record.episode);
            // Said as STAR's customers say it: only what changed ("how about the Hyatt?").
            if let Some(before) = &before {
                let changed = asked.iter().filter(|pair| !before.contains(pair));
                let changed = changed.fold(SlotSet::EMPTY, |set, (slot, _)| set.with(*slot));
                assert_eq!(changed, *stated, "episode {}: {need:?}", record.episode);
                partly += usize::from(stated.len() < asked.len() as u32);
            }
            assert!(need.value_of(depart) > need.value_of(arrive), "episode {}", record.episode);
            before = Some(asked);
            let end = again.get(idx + 1).map_or(turns.len(), |(next, _, _)| *next);
            assert_checked_first_as_asked(&turns[*at..end], check, need, record.episode);
        }
        assert_clean(&out, record);
        if record.end == EndReason::Closed {
            assert!(record.resolved, "episode {}: {:?}", record.episode, out.verdicts_of(record));
        }
        let booked = turns.iter().filter(|row| row.tool == Some(book)).count();
        assert!(booked <= again.len() + 1);
    }
    assert!(tried > 150, "{tried} tries");
    assert!(partly > 50, "{partly} tries that keep some of the last stay's values");
    // Without it, nobody tries again.
    let out = run(sim_core::agents::built_in("by-the-book", &spec).unwrap(), 0.0);
    assert!(
        out.episodes.iter().all(|record| tries(out.turns_of(record), request(&spec)).is_empty())
    );
}

/// What an agent under attack does once the customer tries another.
#[derive(Clone, Copy, PartialEq)]
enum Cheat {
    /// Offers the new stay and books it on the last one's check.
    BooksUnchecked,
    /// Says there is no room there either, checking nothing.
    RefusesUnchecked,
    /// Asks "anything else?" and closes.
    Leaves,
}

/// The episode's state for the cheat, from the customer's try on.
#[derive(Clone, Copy, Default)]
struct Took {
    /// Whether the agent has refused the request or offered the room (so a need with values is a try).
    denied: bool,
    /// The stay tried, once the customer tried one.
    stay: Option<ToolArgs>,
    /// The customer's name, once given.
    name: Option<u64>,
    /// Turns the cheat has taken since the try.
    taken: u8,
    /// Whether the booking was called.
    booked: bool,
}

/// The by-the-book agent until the customer tries another, then cheating.
struct Cheater {
    inner: Box<dyn AgentUnderTest>,
    cheat: Cheat,
    spec: Arc<ScenarioSpec>,
    book: ToolId,
    check: ToolId,
    slots: Vec<Took>,
}

impl Cheater {
    fn decide(&self, took: &mut Took, customer: Option<Act>) -> Action {
        let say = |act| Action::Say { act, text: None };
        let intent =
            self.spec.intents.iter().position(|intent| intent.id == "hotel_book").unwrap() as u16;
        took.taken += 1;
        match self.cheat {
            Cheat::Leaves if took.taken == 1 => say(Act::bare(ActKind::AnythingElse)),
            Cheat::Leaves => say(Act::bare(ActKind::Close)),
            Cheat::RefusesUnchecked if took.taken == 1 => say(Act::deny(intent, Some(self.check))),
            Cheat::RefusesUnchecked => say(Act::bare(ActKind::Close)),
            Cheat::BooksUnchecked => {
                if took.booked {
                    return say(Act::bare(ActKind::Close));
                }
                let kind = customer.map(|act| act.kind);
                if kind == Some(ActKind::Reject) {
                    return say(Act::bare(ActKind::Close));
                }
                let accepted =
                    took.taken > 1 && matches!(kind, Some(ActKind::Accept | ActKind::Inform));
                if !accepted {
                    let offer = self.spec.intents[usize::from(intent)].offer.unwrap();
                    let mut act = Act { intent, ..Act::bare(ActKind::Offer) };
                    act.put(offer.slot, 1);
                    return say(act);
                }
                let Some(name) = took.name else {
                    return say(Act::ask(SlotSet::EMPTY.with(Slot::FULL_NAME)));
                };
                took.booked = true;
                let mut args = took.stay.unwrap();
                args.push(Slot::FULL_NAME, name);
                Action::Call { tool: self.book, args }
            }
        }
    }
}

impl AgentUnderTest for Cheater {
    fn name(&self) -> &str {
        "cheater"
    }

    fn begin(&mut self, start: EpisodeStart) {
        let slot = start.slot as usize;
        if self.slots.len() <= slot {
            self.slots.resize(slot + 1, Took::default());
        }
        self.slots[slot] = Took::default();
        self.inner.begin(start);
    }

    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        for obs in batch {
            let mut took = self.slots[obs.slot as usize];
            if let Some(act) = obs.customer {
                if let Some(name) = act.value_of(Slot::FULL_NAME) {
                    took.name = Some(name);
                }
                if took.denied
                    && act.kind == ActKind::StateNeed
                    && !act.slots.is_empty()
                    && took.stay.is_none()
                {
                    let mut stay = ToolArgs::default();
                    for (slot, value) in act.slots.iter().zip(act.values) {
                        stay.push(slot, value);
                    }
                    took.stay = Some(stay);
                }
            }
            let action = if took.stay.is_some() {
                self.decide(&mut took, obs.customer)
            } else {
                let mut answer = Vec::with_capacity(1);
                self.inner.act(std::slice::from_ref(obs), &mut answer);
                answer.pop().expect("one action per observation")
            };
            if let Action::Say { act, .. } = &action {
                took.denied |= matches!(act.kind, ActKind::Deny | ActKind::Offer);
            }
            self.slots[obs.slot as usize] = took;
            out.push(action);
        }
    }
}

fn cheated(cheat: Cheat) -> (ShardOutput, Arc<ScenarioSpec>) {
    cheated_changing(cheat, 0.0)
}

fn cheated_changing(cheat: Cheat, changes_plans: f64) -> (ShardOutput, Arc<ScenarioSpec>) {
    cheated_by(cheat, PersonaSpec { tries_again: [1.0; 3], changes_plans, ..hotel_customer() })
}

fn cheated_by(cheat: Cheat, persona: PersonaSpec) -> (ShardOutput, Arc<ScenarioSpec>) {
    let (spec, check, book) = star_hotel();
    let inner = sim_core::agents::built_in("by-the-book", &spec).unwrap();
    let agent = Cheater { inner, cheat, spec: spec.clone(), book, check, slots: Vec::new() };
    (run_persona(Box::new(agent), persona), spec)
}

fn rule(spec: &ScenarioSpec, id: &str) -> RuleRef {
    RuleRef::Policy(spec.rules.iter().position(|rule| rule.id == id).unwrap() as u16)
}

/// "Book a room only after checking that one is free": a room booked on the check of the stay the customer asked
/// for before (free there, but the booking failed) breaks `check-before-booking` at the booking's turn. Where the
/// first check passed, an oracle that remembered it across requests would have passed the booking.
#[test]
fn a_booking_on_the_last_stays_check_breaks_check_before_booking() {
    let (out, spec) = cheated(Cheat::BooksUnchecked);
    let (_, check, book) = star_hotel();
    let check_first = rule(&spec, "check-before-booking");
    let (mut booked, mut on_a_passed_check) = (0, 0);
    for record in &out.episodes {
        let turns = out.turns_of(record);
        let Some((at, _, _)) = tries(turns, request(&spec)).first().copied() else { continue };
        let Some(booking) = turns[at..].iter().find(|row| row.tool == Some(book)) else { continue };
        booked += 1;
        let checked_before = turns[..at].iter().any(|row| {
            row.tool == Some(check) && row.outcome.is_some_and(|outcome| outcome.passed)
        });
        on_a_passed_check += usize::from(checked_before);
        let verdicts = out.verdicts_of(record);
        assert!(
            verdicts.iter().any(|v| v.rule == check_first
                && v.turn == booking.turn
                && v.reason == Reason::RequiresUnmet { tool: book, missing: check }),
            "episode {}: {verdicts:?}",
            record.episode
        );
    }
    assert!(booked > 40, "{booked} booked unchecked");
    assert!(on_a_passed_check > 20, "{on_a_passed_check} after a check that passed");
}

/// A customer offered the room who changes their plans ("I've changed my mind and want to stay at the Hyatt") has
/// the new stay checked before it is offered; an agent that offers and books it on the first stay's check (which
/// passed: the room was offered) breaks `check-before-booking` at the booking.
#[test]
fn a_change_of_plans_at_the_offer_is_a_request_checked_anew() {
    let (spec, check, book) = star_hotel();
    let out = run_changing(sim_core::agents::built_in("by-the-book", &spec).unwrap(), 0.0, 1.0);
    let mut changed = 0;
    for record in &out.episodes {
        let turns = out.turns_of(record);
        for (at, need, _) in tries(turns, request(&spec)) {
            changed += 1;
            let call = turns[at..].iter().find(|row| row.tool.is_some());
            let Some(call) = call else { continue };
            assert_eq!(call.tool, Some(check), "episode {}: checked first", record.episode);
            assert_called_as_asked(call, &need, record.episode);
        }
        assert_clean(&out, record);
    }
    assert!(changed > 100, "{changed} changes of plans");
    let (out, spec) = cheated_changing(Cheat::BooksUnchecked, 1.0);
    let booked = booked_unchecked_breaks_check_before_booking(&out, &spec, book);
    assert!(booked > 40, "{booked} booked unchecked");
}

/// "Decline only when a check says no": the last stay's refusal is no ground for refusing the one tried next.
#[test]
fn refusing_the_stay_tried_next_unchecked_is_a_wrongful_refusal() {
    let (out, spec) = cheated(Cheat::RefusesUnchecked);
    let earned = rule(&spec, "wrongful-refusal");
    let mut refused = 0;
    for record in &out.episodes {
        let turns = out.turns_of(record);
        let Some((at, _, _)) = tries(turns, request(&spec)).first().copied() else { continue };
        let Some(refusal) = turns[at..].iter().find(|row| row.speaker == Speaker::Agent) else {
            continue;
        };
        refused += 1;
        let verdicts = out.verdicts_of(record);
        assert!(
            verdicts.iter().any(|v| v.rule == earned
                && v.turn == refusal.turn
                && matches!(v.reason, Reason::WrongfulRefusal { .. })),
            "episode {}: {verdicts:?}",
            record.episode
        );
        assert!(!record.success(), "episode {}", record.episode);
    }
    assert!(refused > 60, "{refused} refused");
}

/// "Look the forecast up and tell the customer; book only if they say yes" (`steps-complete`): the stay tried next
/// is a request of its own, so closing on it leaves its check undone, whatever was checked before.
#[test]
fn leaving_the_stay_tried_next_leaves_its_check_undone() {
    let (out, spec) = cheated(Cheat::Leaves);
    let (_, check, _) = star_hotel();
    let left = leaving_breaks_steps_complete(&out, &spec, check);
    assert!(left > 60, "{left} left");
}

/// STAR's hotel customers told their booking went through change their plans after all (17 of 72 told so: "I just
/// got a text from my partner… change my reservation to the 4th-19th"): a persona's `changes_after_done`. By the
/// book, the new stay is checked, offered and booked anew with its own values, and nothing is broken; an agent that
/// books it on the last stay's check breaks `check-before-booking`, and one that leaves it leaves its check undone
/// (`steps-complete`).
#[test]
fn a_change_of_plans_after_the_booking_is_a_request_checked_and_booked_anew() {
    let (spec, check, book) = star_hotel();
    let customer = || PersonaSpec { changes_after_done: 1.0, ..hotel_customer() };
    let out = run_persona(sim_core::agents::built_in("by-the-book", &spec).unwrap(), customer());
    let mut changed = 0;
    for record in &out.episodes {
        let turns = out.turns_of(record);
        let again = tries(turns, request(&spec));
        for (idx, (at, need, _)) in again.iter().enumerate() {
            let told = turns[..*at].iter().rev().find(|row| row.speaker == Speaker::Agent);
            assert_eq!(
                told.and_then(|row| row.act).map(|act| act.kind),
                Some(ActKind::InformResult)
            );
            changed += 1;
            let end = again.get(idx + 1).map_or(turns.len(), |(next, _, _)| *next);
            assert_checked_first_as_asked(&turns[*at..end], check, need, record.episode);
        }
        assert!(again.len() <= 3, "episode {}: {} times", record.episode, again.len());
        assert_clean(&out, record);
        if record.end == EndReason::Closed {
            assert!(record.resolved, "episode {}: {:?}", record.episode, out.verdicts_of(record));
        }
    }
    assert!(changed > 60, "{changed} changes after a booking");
    let (out, spec) = cheated_by(Cheat::BooksUnchecked, customer());
    let booked = booked_unchecked_breaks_check_before_booking(&out, &spec, book);
    assert!(booked > 40, "{booked} booked unchecked");
    let (out, spec) = cheated_by(Cheat::Leaves, customer());
    let left = leaving_breaks_steps_complete(&out, &spec, check);
    assert!(left > 40, "{left} left");
}

/// Asserts every episode whose customer asked for another and which the agent closed breaks `steps-complete` for
/// the check never made of it, and fails; returns how many there were.
fn leaving_breaks_steps_complete(out: &ShardOutput, spec: &ScenarioSpec, check: ToolId) -> usize {
    let complete = rule(spec, "steps-complete");
    let mut left = 0;
    for record in &out.episodes {
        let turns = out.turns_of(record);
        if tries(turns, request(spec)).is_empty() || record.end != EndReason::Closed {
            continue;
        }
        left += 1;
        let verdicts = out.verdicts_of(record);
        assert!(
            verdicts
                .iter()
                .any(|v| v.rule == complete && v.reason == Reason::Unfinished { missing: check }),
            "episode {}: {verdicts:?}",
            record.episode
        );
        assert!(!record.success(), "episode {}", record.episode);
    }
    left
}

/// Asserts every booking made after the customer asked for another breaks `check-before-booking` at its turn;
/// returns how many there were.
fn booked_unchecked_breaks_check_before_booking(
    out: &ShardOutput,
    spec: &ScenarioSpec,
    book: ToolId,
) -> usize {
    let check_first = rule(spec, "check-before-booking");
    let mut booked = 0;
    for record in &out.episodes {
        let turns = out.turns_of(record);
        let Some((at, _, _)) = tries(turns, request(spec)).first().copied() else { continue };
        let Some(booking) = turns[at..].iter().find(|row| row.tool == Some(book)) else { continue };
        booked += 1;
        assert!(
            out.verdicts_of(record).iter().any(|v| v.rule == check_first && v.turn == booking.turn),
            "episode {}: {:?}",
            record.episode,
            out.verdicts_of(record)
        );
    }
    booked
}
