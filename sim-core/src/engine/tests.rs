//! Engine tests on the hand-built tiny scenario.

use std::sync::Arc;

use super::*;
use crate::AgentNote;
use crate::record::RuleRef;
use crate::testing::{calm_persona, tiny_scenario};

fn run(agent: &str, slots: usize, episodes: u64) -> ShardOutput {
    let scenario = Arc::new(tiny_scenario());
    let personas: Arc<[PersonaSpec]> = vec![calm_persona()].into();
    let agent = crate::agents::built_in(agent, &scenario).unwrap();
    let mut engine = Engine::new(scenario, personas, agent, EngineConfig { slots }).unwrap();
    engine.run(7, 0..episodes)
}

#[test]
fn by_the_book_is_never_flagged_and_mostly_resolves() {
    let out = run("by-the-book", 64, 5000);
    let flagged: Vec<_> =
        out.episodes.iter().filter(|ep| ep.violations > 0).map(|ep| ep.episode).collect();
    assert!(flagged.is_empty(), "flagged episodes: {flagged:?}");
    let resolved = out.episodes.iter().filter(|ep| ep.resolved).count();
    assert!(resolved as f64 / 5000.0 > 0.9, "resolved {resolved} of 5000");
}

#[test]
fn episodes_come_back_in_order_whatever_the_slot_count() {
    let one = run("by-the-book", 1, 300);
    let many = run("by-the-book", 37, 300);
    assert_eq!(one.episodes.len(), 300);
    for (a, b) in one.episodes.iter().zip(&many.episodes) {
        assert_eq!(a.episode, b.episode);
        assert_eq!(a.customer, b.customer);
        assert_eq!(one.turns_of(a), many.turns_of(b));
        assert_eq!(one.verdicts_of(a), many.verdicts_of(b));
    }
}

#[test]
fn engine_is_reusable_across_runs() {
    let scenario = Arc::new(tiny_scenario());
    let personas: Arc<[PersonaSpec]> = vec![calm_persona()].into();
    let agent = crate::agents::built_in("sloppy", &scenario).unwrap();
    let mut engine = Engine::new(scenario, personas, agent, EngineConfig { slots: 16 }).unwrap();
    let first = engine.run(3, 0..200);
    let _ = engine.run(4, 0..50);
    let again = engine.run(3, 0..200);
    assert_eq!(first.turns, again.turns);
}

/// Which rules each fault may break in the tiny scenario, by hand: (fault, at its turn, at a later turn). The
/// built-in scenarios' tables are in `tests/faults`.
const TINY_FAULTS: &[(&str, &[&str], &[&str])] = &[
    (
        "skipped-verification",
        &["abcd-step-order", "abcd-steps-complete", "account-change-needs-verification"],
        &["abcd-steps-complete", "account-change-needs-verification"],
    ),
    ("skipped-step", &["abcd-step-order", "abcd-steps-complete"], &["abcd-steps-complete"]),
    ("closed-early", &["abcd-steps-complete", "confirm-before-close"], &[]),
    ("over-refund", &["refund-within-total"], &[]),
    ("acted-unverified", &["no-change-unverified", "account-change-needs-verification"], &[]),
    ("ignored-human-request", &["human-on-second-request"], &[]),
];

#[test]
fn sloppy_plants_are_caught_at_their_turn() {
    let scenario = Arc::new(tiny_scenario());
    let personas: Arc<[PersonaSpec]> = vec![calm_persona()].into();
    // The faults the tiny scenario has rules for.
    let rates = crate::agents::SloppyConfig::default();
    let config = crate::agents::SloppyConfig {
        skip_verification: rates.skip_verification,
        over_refund: rates.over_refund,
        skip_step: rates.skip_step,
        close_early: rates.close_early,
        ignore_failed_check: rates.ignore_failed_check,
        ignore_human_request: rates.ignore_human_request,
        ..crate::agents::SloppyConfig::NONE
    };
    let agent = Box::new(crate::agents::Sloppy::new(scenario.clone(), config));
    let mut engine =
        Engine::new(scenario.clone(), personas, agent, EngineConfig { slots: 64 }).unwrap();
    let out = engine.run(7, 0..5000);
    let mut planted = 0;
    for ep in &out.episodes {
        let caught: Vec<(&str, u16)> = out
            .verdicts_of(ep)
            .iter()
            .filter(|v| !v.passed && matches!(v.rule, RuleRef::Policy(_)))
            .map(|v| (v.rule.id(&scenario), v.turn))
            .collect();
        let row = |fault: &str| {
            let (_, now, later) =
                TINY_FAULTS.iter().find(|(name, ..)| *name == fault).unwrap_or_else(|| {
                    panic!("episode {}: `{fault}` has no occasion in the tiny scenario", ep.episode)
                });
            crate::testing::FaultRow {
                caught_by: now.to_vec(),
                also: Vec::new(),
                later: later.to_vec(),
            }
        };
        let notes: Vec<(&str, u16)> =
            ep.agent_notes.iter().map(|note| (note.fault.as_str(), note.turn)).collect();
        if let Err(disagreement) = crate::testing::match_faults(&notes, &caught, row) {
            panic!("episode {}: {disagreement}", ep.episode);
        }
        planted += notes.len();
    }
    assert!(planted > 500, "only {planted} planted faults");
}

#[test]
fn a_failing_agent_marks_its_episodes_and_the_rest_are_untouched() {
    let scenario = Arc::new(tiny_scenario());
    let personas: Arc<[PersonaSpec]> = vec![calm_persona()].into();
    let inner = crate::agents::built_in("by-the-book", &scenario).unwrap();
    let flaky = Box::new(crate::testing::FlakyAgent { inner, every: 5, from_turn: 3 });
    let mut engine = Engine::new(scenario, personas, flaky, EngineConfig { slots: 16 }).unwrap();
    let out = engine.run(7, 0..400);
    let plain = run("by-the-book", 16, 400);
    for (flaky, plain_ep) in out.episodes.iter().zip(&plain.episodes) {
        if flaky.episode % 5 == 1 {
            assert_eq!(flaky.end, EndReason::AgentFailed, "episode {}", flaky.episode);
            let last = out.turns_of(flaky).last().unwrap();
            assert!(last.text.as_deref().unwrap().contains("agent failed"));
            assert!(out.verdicts_of(flaky).iter().any(|v| v.rule == RuleRef::AgentFailed));
        } else {
            assert_eq!(out.turns_of(flaky), plain.turns_of(plain_ep), "episode {}", flaky.episode);
            assert_eq!(flaky.end, plain_ep.end);
        }
    }
}

#[test]
fn a_reaction_table_replaces_the_built_in_reaction_where_it_matches() {
    use crate::spec::{Chance, ReactionRule, ReactionWhen, Response};
    let scenario = Arc::new(tiny_scenario());
    let mut persona = calm_persona();
    // This customer never answers a question: the agent can do nothing but ask again.
    persona.reactions = vec![ReactionRule {
        on: crate::act::ActKind::Ask,
        when: ReactionWhen::Always,
        responses: vec![(Response::OffTopic, Chance::Fixed(1.0))],
    }];
    let personas: Arc<[PersonaSpec]> = vec![persona].into();
    let agent = crate::agents::built_in("by-the-book", &scenario).unwrap();
    let mut engine = Engine::new(scenario, personas, agent, EngineConfig { slots: 8 }).unwrap();
    let out = engine.run(3, 0..200);
    for record in &out.episodes {
        assert!(!record.resolved, "episode {} resolved without answers", record.episode);
        let informs = out
            .turns_of(record)
            .iter()
            .filter(|row| row.act.is_some_and(|act| act.kind == crate::act::ActKind::Inform))
            .count();
        assert_eq!(informs, 0);
        assert!(out.turns_of(record).iter().any(|row| row.why == "persona reaction table"));
    }
}

#[test]
fn as_built_in_in_a_reaction_table_answers_as_a_persona_without_the_row() {
    use crate::act::ActKind;
    use crate::spec::{Chance, ReactionRule, ReactionWhen, Response};
    let scenario = Arc::new(tiny_scenario());
    let answers_to_questions = |responses: Vec<(Response, Chance)>| {
        let mut persona = calm_persona();
        persona.reactions =
            vec![ReactionRule { on: ActKind::Ask, when: ReactionWhen::Always, responses }];
        let personas: Arc<[PersonaSpec]> = vec![persona].into();
        let agent = crate::agents::built_in("by-the-book", &scenario).unwrap();
        let mut engine =
            Engine::new(scenario.clone(), personas, agent, EngineConfig { slots: 8 }).unwrap();
        let out = engine.run(3, 0..200);
        let mut kinds = Vec::new();
        for record in &out.episodes {
            let turns = out.turns_of(record);
            for pair in turns.windows(2) {
                if pair[0].act.is_some_and(|act| act.kind == ActKind::Ask) {
                    kinds.extend(pair[1].act.map(|act| act.kind));
                }
            }
        }
        kinds
    };
    // Never an aside: every question is answered as the built-in model answers it (calm customers cooperate).
    let built_in = answers_to_questions(vec![
        (Response::OffTopic, Chance::Fixed(0.0)),
        (Response::AsBuiltIn, Chance::Rest),
    ]);
    assert!(built_in.len() > 200, "{} answers", built_in.len());
    let informs = built_in.iter().filter(|kind| **kind == ActKind::Inform).count();
    assert!(
        informs * 10 >= built_in.len() * 9,
        "{informs} of {} questions answered",
        built_in.len()
    );
    // Always an aside (or leaving, out of patience): the built-in model is never reached.
    let asides = answers_to_questions(vec![
        (Response::OffTopic, Chance::Fixed(1.0)),
        (Response::AsBuiltIn, Chance::Rest),
    ]);
    let other =
        asides.iter().filter(|kind| !matches!(kind, ActKind::OffTopic | ActKind::Leave)).count();
    assert_eq!(other, 0, "{other} of {} answers were neither an aside nor leaving", asides.len());
}

/// Answers `Wait` for a while before each of the wrapped agent's actions, the wait depending on episode and turn,
/// as an agent behind a network would.
struct Slow {
    inner: Box<dyn AgentUnderTest>,
    /// Ticks each slot has waited for its current turn.
    waited: Vec<u32>,
}

impl AgentUnderTest for Slow {
    fn name(&self) -> &str {
        "slow"
    }
    fn begin(&mut self, start: EpisodeStart) {
        self.waited.resize(self.waited.len().max(start.slot as usize + 1), 0);
        self.inner.begin(start);
    }
    fn act(&mut self, batch: &[Observation], out: &mut Vec<Action>) {
        // Ask the wrapped agent only for the observations whose wait is over, once each.
        let ready: Vec<Observation> = batch
            .iter()
            .filter(|obs| {
                let due = ((obs.episode * 7 + u64::from(obs.turn) * 3) % 4) as u32;
                self.waited[obs.slot as usize] >= due
            })
            .cloned()
            .collect();
        let mut decided = Vec::new();
        self.inner.act(&ready, &mut decided);
        let mut decided = ready.iter().map(|obs| obs.slot).zip(decided);
        let mut next = decided.next();
        for obs in batch {
            let waited = &mut self.waited[obs.slot as usize];
            match next.take_if(|(slot, _)| *slot == obs.slot) {
                Some((_, action)) => {
                    *waited = 0;
                    out.push(action);
                    next = decided.next();
                }
                None => {
                    *waited += 1;
                    out.push(Action::Wait);
                }
            }
        }
    }
    fn finish(&mut self, slot: u32) -> Vec<AgentNote> {
        self.inner.finish(slot)
    }
}

#[test]
fn parked_episodes_end_exactly_as_if_the_agent_had_answered_at_once() {
    let scenario = Arc::new(tiny_scenario());
    let personas: Arc<[PersonaSpec]> = vec![calm_persona()].into();
    for agent in ["by-the-book", "sloppy"] {
        let prompt = crate::agents::built_in(agent, &scenario).unwrap();
        let slow = Box::new(Slow {
            inner: crate::agents::built_in(agent, &scenario).unwrap(),
            waited: Vec::new(),
        });
        let config = EngineConfig { slots: 16 };
        let mut at_once = Engine::new(scenario.clone(), personas.clone(), prompt, config).unwrap();
        let mut parked = Engine::new(scenario.clone(), personas.clone(), slow, config).unwrap();
        let (a, b) = (at_once.run(5, 0..400), parked.run(5, 0..400));
        assert_eq!(a.episodes.len(), b.episodes.len());
        for (x, y) in a.episodes.iter().zip(&b.episodes) {
            assert_eq!((x.episode, x.success(), x.end), (y.episode, y.success(), y.end), "{agent}");
            assert_eq!(a.turns_of(x), b.turns_of(y), "{agent}, episode {}", x.episode);
            assert_eq!(a.verdicts_of(x), b.verdicts_of(y), "{agent}, episode {}", x.episode);
        }
    }
}

/// A customer who states their need with its values gives the request's values the customer has, not who they are;
/// by the book takes them as said and asks only for the rest, and still breaks no rule.
#[test]
fn a_need_with_values_gives_the_request_and_by_the_book_asks_only_the_rest() {
    let scenario = Arc::new(tiny_scenario());
    let persona = PersonaSpec { need_with_values: 1.0, vague_opening: 0.0, ..calm_persona() };
    let personas: Arc<[PersonaSpec]> = vec![persona].into();
    let agent = crate::agents::built_in("by-the-book", &scenario).unwrap();
    let mut engine =
        Engine::new(scenario.clone(), personas, agent, EngineConfig { slots: 16 }).unwrap();
    let out = engine.run(7, 0..500);
    let mut with_values = 0;
    for record in &out.episodes {
        assert_eq!(record.violations, 0, "episode {}", record.episode);
        let turns = out.turns_of(record);
        let opening = turns[0].act.expect("the customer opens");
        assert_eq!(opening.kind, ActKind::StateNeed);
        let goal = scenario.intents[usize::from(record.customer.intent)].goal_slots;
        assert_eq!(opening.slots.0 & !goal.0, 0, "only goal slots: {opening:?}");
        if opening.slots.is_empty() {
            continue;
        }
        with_values += 1;
        for row in turns.iter().filter(|row| row.speaker == Speaker::Agent) {
            if let Some(act) = row.act.filter(|act| act.kind == ActKind::Ask) {
                assert_eq!(
                    act.slots.0 & opening.slots.0,
                    0,
                    "episode {}: asked again",
                    record.episode
                );
            }
        }
    }
    assert!(with_values > 100, "{with_values} needs said with values");

    // A share by intent overrides it for that intent: none of the first intent's needs come with values now.
    let first = scenario.intents[0].id.clone();
    let persona = PersonaSpec {
        need_with_values: 1.0,
        need_with_values_of: vec![(first, 0.0)],
        vague_opening: 0.0,
        ..calm_persona()
    };
    let agent = crate::agents::built_in("by-the-book", &scenario).unwrap();
    let mut engine =
        Engine::new(scenario.clone(), vec![persona].into(), agent, EngineConfig { slots: 16 })
            .unwrap();
    let out = engine.run(7, 0..500);
    let (mut first_intent, mut others_with) = (0, 0);
    for record in &out.episodes {
        let opening = out.turns_of(record)[0].act.expect("the customer opens");
        match record.customer.intent {
            0 => {
                first_intent += 1;
                assert!(opening.slots.is_empty(), "episode {}: {opening:?}", record.episode);
            }
            _ => others_with += usize::from(!opening.slots.is_empty()),
        }
    }
    assert!(
        first_intent > 20 && others_with > 50,
        "{first_intent} of the first intent, {others_with} others with values"
    );
}

/// "A need stated with the values of the request … at the opening or when asked what they need": a customer who
/// opens with "hi" and is asked what they need says the need with its values as often as one who opens with it
/// (always, at 1; never, at 0), so a share fitted over first needs wherever they came is drawn wherever they come.
#[test]
fn a_need_said_when_asked_comes_with_values_as_an_opening_need_does() {
    let scenario = Arc::new(tiny_scenario());
    for share in [1.0, 0.0] {
        let persona = PersonaSpec { need_with_values: share, vague_opening: 1.0, ..calm_persona() };
        let agent = crate::agents::built_in("by-the-book", &scenario).unwrap();
        let mut engine =
            Engine::new(scenario.clone(), vec![persona].into(), agent, EngineConfig { slots: 16 })
                .unwrap();
        let out = engine.run(7, 0..300);
        let mut asked = 0;
        for record in &out.episodes {
            let turns = out.turns_of(record);
            assert_eq!(turns[0].act.map(|act| act.kind), Some(ActKind::VagueNeed));
            let Some(need) =
                turns.iter().filter_map(|row| row.act).find(|act| act.kind == ActKind::StateNeed)
            else {
                continue;
            };
            let goal = scenario.intents[usize::from(record.customer.intent)].goal_slots;
            let known = record.customer.knowledge.known;
            let request = crate::act::SlotSet(goal.0 & known.0);
            asked += 1;
            if share == 1.0 && !request.is_empty() {
                assert!(!need.slots.is_empty(), "episode {}: {need:?}", record.episode);
                assert_eq!(need.slots.0 & !goal.0, 0, "only goal slots: {need:?}");
            }
            if share == 0.0 {
                assert!(need.slots.is_empty(), "episode {}: {need:?}", record.episode);
            }
        }
        assert!(asked > 200, "{asked} needs said when asked");
    }
}

/// A customer who leaves unanswered says their opening and is gone: the episode ends abandoned before the agent
/// says or does anything; the others run as if the persona had no such customers.
#[test]
fn a_customer_who_leaves_unanswered_ends_the_episode_before_the_agent_acts() {
    let scenario = Arc::new(tiny_scenario());
    let persona = PersonaSpec { leaves_unanswered: 0.3, ..calm_persona() };
    let personas: Arc<[PersonaSpec]> = vec![persona].into();
    let agent = crate::agents::built_in("by-the-book", &scenario).unwrap();
    let mut engine =
        Engine::new(scenario.clone(), personas, agent, EngineConfig { slots: 16 }).unwrap();
    let out = engine.run(7, 0..1000);
    let mut gone = 0;
    for record in &out.episodes {
        let turns = out.turns_of(record);
        if turns[0].why != "opens, and is gone before an answer" {
            assert!(turns.len() > 2, "episode {} ended at its opening", record.episode);
            continue;
        }
        gone += 1;
        assert_eq!(turns.len(), 1, "episode {}: {turns:?}", record.episode);
        assert_eq!(record.end, EndReason::Abandoned);
        assert!(!record.resolved);
    }
    // 1,000 draws of p = 0.3: 300 ± 3 standard deviations (14.5).
    assert!((256..=344).contains(&gone), "{gone} of 1000 left unanswered");
}
