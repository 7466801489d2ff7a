//! A booking the hotel's system may fail is resolved by trying it, not by its failing: star-hotel's policy "If a room
//! is free, ask the customer whether you should book it, and book it (`book-room`) only if they say yes." and "Tell
//! the customer whether the booking succeeded or failed." An agent that, told yes, says the room is booked without
//! calling `book-room` resolves nothing, whether the booking would have gone through or not (a resolution that read
//! only "booked, or the hotel's system would have failed it" passed it half the time). And a booking the customer
//! turned down is no outcome to tell: by the book asks whether they need anything else.

use std::sync::Arc;

use sim_core::prelude::*;
use sim_core::record::Reason;
use sim_core::spec::{IntentId, ToolId};
use sim_core::world::ToolArgs;

use crate::support::built_in;

/// By the book, except that it says the booking is done where it would call it, or (`wrong_hotel`) books another
/// hotel than the one asked for.
struct SkipsTheBooking {
    inner: Box<dyn AgentUnderTest>,
    book: ToolId,
    hotel_book: IntentId,
    wrong_hotel: Option<Slot>,
}

impl AgentUnderTest for SkipsTheBooking {
    fn name(&self) -> &str {
        "skips-the-booking"
    }

    fn begin(&mut self, start: EpisodeStart) {
        self.inner.begin(start);
    }

    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        let from = out.len();
        self.inner.act(batch, out);
        for action in &mut out[from..] {
            let Action::Call { tool, args } = action else { continue };
            if *tool != self.book {
                continue;
            }
            match self.wrong_hotel {
                Some(hotel) => {
                    let mut other = ToolArgs::default();
                    for (slot, value) in args.iter() {
                        // Four hotels: the next one.
                        other.push(slot, if slot == hotel { (value + 1) % 4 } else { value });
                    }
                    *args = other;
                }
                None => {
                    let act = Act { intent: self.hotel_book, ..Act::bare(ActKind::InformResult) };
                    *action = Action::Say { act, text: None };
                }
            }
        }
    }
}

fn run(agent: Box<dyn AgentUnderTest>, spec: Arc<ScenarioSpec>, episodes: u64) -> ShardOutput {
    let persona =
        PersonaSpec { intents: vec!["hotel_book".to_owned()], ..sim_core::testing::calm_persona() };
    let personas: Arc<[PersonaSpec]> = vec![persona].into();
    let mut engine = Engine::new(spec, personas, agent, EngineConfig { slots: 64 }).unwrap();
    engine.run(11, 0..episodes)
}

/// Whether the customer took the offer of the room.
fn accepted(turns: &[TurnRecord]) -> bool {
    turns.iter().any(|row| {
        row.speaker == Speaker::Customer && row.act.is_some_and(|act| act.kind == ActKind::Accept)
    })
}

#[test]
fn a_booking_said_done_but_never_tried_resolves_nothing() {
    let (spec, _) = built_in("star-hotel");
    let book = spec.tool_id("book-room").unwrap();
    let hotel_book = spec.intent_id("hotel_book").unwrap();
    let by_the_book = || sim_core::agents::built_in("by-the-book", &spec).unwrap();
    let agent =
        Box::new(SkipsTheBooking { inner: by_the_book(), book, hotel_book, wrong_hotel: None });
    let out = run(agent, spec.clone(), 400);
    let mut skipped = 0;
    for record in &out.episodes {
        let turns = out.turns_of(record);
        if !accepted(turns) {
            continue;
        }
        skipped += 1;
        assert!(turns.iter().all(|row| row.tool != Some(book)), "episode {}", record.episode);
        let resolution = out.verdicts_of(record).iter().find(|v| v.rule == RuleRef::Resolution);
        assert_eq!(
            resolution.map(|v| (v.passed, v.reason)),
            Some((false, Reason::GoalNotReached)),
            "episode {}",
            record.episode
        );
    }
    assert!(skipped > 100, "{skipped} bookings skipped");
    // By the book, every booking tried resolves the request, whether the hotel's system took it or not.
    let out = run(by_the_book(), spec.clone(), 400);
    let (mut tried, mut failed) = (0, 0);
    for record in &out.episodes {
        let turns = out.turns_of(record);
        let Some(call) = turns.iter().find(|row| row.tool == Some(book)) else { continue };
        tried += 1;
        failed += usize::from(call.outcome.is_some_and(|outcome| !outcome.passed));
        if record.end == EndReason::Closed {
            assert!(record.resolved, "episode {}: {:?}", record.episode, out.verdicts_of(record));
        }
    }
    assert!(tried > 100 && failed > 40, "{tried} tried, {failed} failed");
}

/// "If they say no, book nothing and do not ask again.": by the book, a customer who turns the room down is asked
/// whether they need anything else next, not told a result of nothing done ("That's all taken care of."); no rule
/// breaks and the request is resolved.
#[test]
fn a_room_turned_down_is_followed_by_anything_else_not_a_result() {
    let (spec, _) = built_in("star-hotel");
    let out = run(sim_core::agents::built_in("by-the-book", &spec).unwrap(), spec.clone(), 2000);
    let mut declined = 0;
    for record in &out.episodes {
        let turns = out.turns_of(record);
        let Some(no) = turns.iter().position(|row| {
            row.speaker == Speaker::Customer
                && row.act.is_some_and(|act| act.kind == ActKind::Reject)
        }) else {
            continue;
        };
        declined += 1;
        let next = turns[no..].iter().find(|row| row.speaker == Speaker::Agent);
        assert_eq!(
            next.and_then(|row| row.act).map(|act| act.kind),
            Some(ActKind::AnythingElse),
            "episode {}",
            record.episode
        );
        assert_eq!(
            record.violations,
            0,
            "episode {}: {:?}",
            record.episode,
            out.verdicts_of(record)
        );
        if record.end == EndReason::Closed {
            assert!(record.resolved, "episode {}", record.episode);
        }
    }
    assert!(declined > 50, "{declined} turned down");
}

/// A booking of another hotel than the one asked for is no try of the customer's: the request is not resolved,
/// whether the hotel's system would have taken the right one or not.
#[test]
fn a_booking_of_another_hotel_resolves_nothing() {
    let (spec, _) = built_in("star-hotel");
    let book = spec.tool_id("book-room").unwrap();
    let hotel_book = spec.intent_id("hotel_book").unwrap();
    let wrong_hotel = spec.slot_named("hotel_name");
    let inner = sim_core::agents::built_in("by-the-book", &spec).unwrap();
    let agent = Box::new(SkipsTheBooking { inner, book, hotel_book, wrong_hotel });
    let out = run(agent, spec.clone(), 400);
    let mut wrong = 0;
    for record in &out.episodes {
        let turns = out.turns_of(record);
        if !turns.iter().any(|row| row.tool == Some(book)) {
            continue;
        }
        wrong += 1;
        let resolution = out.verdicts_of(record).iter().find(|v| v.rule == RuleRef::Resolution);
        assert_eq!(resolution.map(|v| v.passed), Some(false), "episode {}", record.episode);
    }
    assert!(wrong > 100, "{wrong} bookings of another hotel");
}
