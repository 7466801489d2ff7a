//! The systems of a tick, one function per phase, and episode start-up; registered in order by `Engine::new`.

use bevy_ecs::prelude::*;
use rand::Rng;

use super::*;

/// The first draws of an episode's stream: its persona and intent, a world where the intent's premise holds, and the
/// customer (whose willingness to pay, for an offer, settles into the world). Returns the persona's index and the
/// customer. Inlined so the customer is built in place in the episode's slot, not copied out.
#[inline(always)]
pub(super) fn draw_start(
    spec: &RunSpec,
    rng: &mut ChaCha8Rng,
    world: &mut WorldState,
) -> (usize, Customer) {
    let persona_idx = weighted_index(&spec.persona_weights, rng);
    let persona = &spec.personas[persona_idx];
    let (intent_ids, intent_weights) = &spec.persona_intents[persona_idx];
    let intent_id = intent_ids[weighted_index(intent_weights, rng)];
    let intent = &spec.scenario.intents[intent_id as usize];
    world.regenerate(&spec.scenario, rng);
    if let Some(premise) = &intent.premise {
        // The customer's need is real: draw again until the world gives them a reason to call (only the scenario's
        // own fields when the premise reads nothing else).
        let fields_only = !premise.reads_builtins();
        for _ in 1..crate::spec::MAX_PREMISE_DRAWS {
            if premise.holds(&world.focused(&spec.scenario)) {
                break;
            }
            if fields_only {
                world.redraw_fields(&spec.scenario, rng);
            } else {
                world.regenerate(&spec.scenario, rng);
            }
        }
    }
    let customer = Customer::generate(
        &spec.scenario,
        persona_idx as u16,
        persona,
        intent_id,
        intent,
        world,
        rng,
    );
    if let (Some(offer), Some(terms)) = (intent.offer, customer.offer) {
        // The persona's willingness to pay moved the threshold: the world holds the customer's true one.
        world.settle_field(&spec.scenario, offer.threshold, terms.threshold);
    }
    (persona_idx, customer)
}

/// Resets a slot for a new episode and logs the customer's opening turn.
#[allow(clippy::too_many_arguments)]
pub(super) fn start_episode(
    spec: &RunSpec,
    agent: &mut dyn AgentUnderTest,
    episode: u64,
    meta: &mut EpisodeMeta,
    rng: &mut EpisodeRng,
    world: &mut EpisodeWorld,
    exchange: &mut Exchange,
    log: &mut EventLog,
    judgement: &mut Judgement,
) -> SimCustomer {
    let seed = episode_seed(spec.run_seed, spec.scenario_key, episode);
    rng.0 = episode_rng(seed);
    let rng = &mut rng.0;
    let (persona_idx, mut customer) = draw_start(spec, rng, &mut world.0);
    let persona = &spec.personas[persona_idx];
    let intent_id = customer.intent;
    let intent = &spec.scenario.intents[intent_id as usize];
    let at_start = customer.clone();
    let agent_seed = rng.random::<u64>();
    let opening = customer.open(&spec.scenario, persona, intent, rng);
    // Drawn only when it can happen, so personas that never leave unanswered draw what they drew before.
    let gone = persona.leaves_unanswered > 0.0
        && rng.random_bool(persona.leaves_unanswered.clamp(0.0, 1.0));
    *meta = EpisodeMeta {
        slot: meta.slot,
        active: true,
        episode,
        seed,
        turn: 1,
        end: gone.then_some(EndReason::Abandoned),
        acted: false,
    };
    *exchange = Exchange { pending: None, customer: Some(opening), tool_result: None };
    log.turns.clear();
    log.turns.push(TurnRecord {
        turn: 0,
        speaker: Speaker::Customer,
        act: Some(opening),
        tool: None,
        args: ToolArgs::default(),
        outcome: None,
        text: None,
        text_seed: rng.random(),
        frustration: customer.frustration as f32,
        why: match (gone, opening.kind) {
            (true, _) => "opens, and is gone before an answer",
            (false, ActKind::StateNeed) => "opens with the need",
            (false, _) => "opens vaguely",
        },
        tagged: None,
    });
    judgement.policy = PolicyState {
        admissible: crate::oracle::should_grant(&spec.scenario, intent, &world.0, &customer),
        ..PolicyState::default()
    };
    judgement.verdicts.clear();
    agent.begin(EpisodeStart { slot: meta.slot, episode, agent_seed });
    SimCustomer { now: customer, at_start }
}

pub(super) fn agent_acts(
    spec: Res<RunSpec>,
    text: Res<TextResource>,
    mut agent: ResMut<AgentBox>,
    mut buffer: ResMut<ActBuffer>,
    mut slots: Query<(&mut EpisodeMeta, &mut Exchange, &EventLog, &SimCustomer)>,
) {
    let buffer = &mut *buffer;
    buffer.observations.clear();
    buffer.actions.clear();
    let renderer = text.0.as_deref().filter(|_| agent.0.wants_text());
    for (meta, mut exchange, log, customer) in &mut slots {
        if !meta.active || meta.end.is_some() {
            continue;
        }
        let said = exchange.customer.take();
        let tool_result = exchange.tool_result.take();
        // The tool's row is the agent's last action: last, or just before the customer's report on it.
        let render = |speaker: Speaker| {
            let len = log.turns.len();
            let at =
                (len.saturating_sub(2)..len).rev().find(|&at| log.turns[at].speaker == speaker)?;
            let mut text = String::new();
            renderer?.render(
                &spec.scenario,
                &customer.now,
                &log.turns[..at],
                &log.turns[at],
                &mut text,
            );
            Some(text)
        };
        let customer_text = said.and_then(|_| render(Speaker::Customer));
        let tool_text = tool_result.and_then(|_| render(Speaker::Tool));
        buffer.observations.push(Observation {
            slot: meta.slot,
            episode: meta.episode,
            turn: meta.turn,
            customer: said,
            customer_text,
            tool_result,
            tool_text,
        });
    }
    if buffer.observations.is_empty() {
        return;
    }
    agent.0.act(&buffer.observations, &mut buffer.actions);
    assert_eq!(
        buffer.actions.len(),
        buffer.observations.len(),
        "agent {} returned the wrong number of actions",
        agent.0.name()
    );
    let mut actions = buffer.actions.drain(..);
    let mut observations = buffer.observations.iter();
    for (mut meta, mut exchange, _, _) in &mut slots {
        if !meta.active || meta.end.is_some() {
            continue;
        }
        let action = actions.next();
        let seen = observations.next().expect("one observation per acting slot");
        if let Some(Action::Wait) = action {
            // Parked: what the agent has not answered yet is shown again next tick.
            exchange.customer = seen.customer;
            exchange.tool_result = seen.tool_result;
            continue;
        }
        exchange.pending = action;
        meta.acted = true;
    }
}

pub(super) fn apply_agent_turns(
    spec: Res<RunSpec>,
    reader: Res<ReaderResource>,
    mut slots: Query<(
        &mut EpisodeMeta,
        &mut EpisodeRng,
        &mut EpisodeWorld,
        &mut Exchange,
        &mut EventLog,
        &SimCustomer,
    )>,
) {
    let scenario = &*spec.scenario;
    for (mut meta, mut rng, mut world, mut exchange, mut log, customer) in &mut slots {
        if !meta.acted {
            continue;
        }
        let turn = meta.turn;
        let frustration = customer.now.frustration as f32;
        let text_seed = rng.0.random();
        // An action by name is read into the typed action here, once: that is what the turn and the customer see.
        let named = exchange.pending.as_ref().filter(|action| crate::named::is_named(action));
        if let Some(named) = named {
            let typed = crate::named::read_named(
                scenario,
                &world.0,
                &log.turns,
                reader.0.as_deref(),
                named,
            );
            exchange.pending = Some(typed);
        }
        // Free text is read by the scenario's tagger: what it read goes on the turn, and the act the turn does
        // (nothing but a filler when the message was unclear) is what the customer and the oracles see.
        let mut tagged = None;
        if let Some(Action::SayText { text }) = exchange.pending.as_ref() {
            let action = match reader.0.as_deref() {
                Some(reader) => {
                    let intent = customer.now.intent;
                    let tagging = reader.tag(scenario, &world.0, &log.turns, intent, text);
                    let act = if tagging.clear { tagging.act } else { Act::bare(ActKind::Filler) };
                    tagged = Some(Box::new(tagging));
                    Action::Say { act, text: Some(text.clone()) }
                }
                None => Action::Fail {
                    reason: "the engine was given no text reader for free text".to_owned(),
                },
            };
            exchange.pending = Some(action);
        }
        let pending = exchange.pending.take();
        let row = match pending.as_ref() {
            Some(Action::Call { tool, args }) => {
                let intent = &scenario.intents[customer.now.intent as usize];
                let outcome = if let Some(spec) = scenario.tools.get(*tool as usize) {
                    // An action on the customer's own device happens only if they manage it.
                    let managed =
                        spec.instruction.is_none() || rng.0.random_bool(customer.now.compliance());
                    if managed {
                        world.0.apply(scenario, intent, *tool, args)
                    } else {
                        crate::world::ToolOutcome::new(false, 0)
                    }
                } else {
                    crate::world::ToolOutcome::new(false, 0)
                };
                exchange.tool_result = Some((*tool, outcome));
                TurnRecord {
                    turn,
                    speaker: Speaker::Tool,
                    act: None,
                    tool: Some(*tool),
                    args: *args,
                    outcome: Some(outcome),
                    text: None,
                    text_seed,
                    frustration,
                    why: "",
                    tagged: None,
                }
            }
            Some(Action::Say { act, text }) => TurnRecord {
                turn,
                speaker: Speaker::Agent,
                act: Some(*act),
                tool: None,
                args: ToolArgs::default(),
                outcome: None,
                text: text.as_deref().map(Box::from),
                text_seed,
                frustration,
                why: "",
                tagged,
            },
            Some(Action::Fail { reason }) => {
                meta.end = Some(EndReason::AgentFailed);
                TurnRecord {
                    turn,
                    speaker: Speaker::Agent,
                    act: None,
                    tool: None,
                    args: ToolArgs::default(),
                    outcome: None,
                    text: Some(format!("[agent failed: {reason}]").into()),
                    text_seed,
                    frustration,
                    why: "",
                    tagged: None,
                }
            }
            Some(Action::CallNamed { .. } | Action::SayNamed(_) | Action::SayText { .. }) => {
                unreachable!("actions by name and free text were read above")
            }
            Some(Action::Wait) => unreachable!("a parked episode does not act"),
            None => unreachable!("every acting episode has a pending action"),
        };
        exchange.pending = pending;
        log.turns.push(row);
        meta.turn += 1;
    }
}

pub(super) fn observe_policy(
    spec: Res<RunSpec>,
    mut slots: Query<(&EpisodeMeta, &EventLog, &SimCustomer, &EpisodeWorld, &mut Judgement)>,
) {
    let scenario = &*spec.scenario;
    for (meta, log, customer, world, mut judgement) in &mut slots {
        if !meta.acted {
            continue;
        }
        let judgement = &mut *judgement;
        let intent = &scenario.intents[customer.now.intent as usize];
        oracle::judge_agent_turn(
            scenario,
            intent,
            &world.0,
            &mut judgement.policy,
            &log.turns,
            &mut judgement.verdicts,
        );
    }
}

pub(super) fn customer_reacts(
    spec: Res<RunSpec>,
    mut slots: Query<(
        &mut EpisodeMeta,
        &mut EpisodeRng,
        &mut Exchange,
        &mut EventLog,
        &mut SimCustomer,
        &mut EpisodeWorld,
    )>,
) {
    let max_turns = spec.scenario.max_turns;
    for (mut meta, mut rng, mut exchange, mut log, mut customer, mut world) in &mut slots {
        if !meta.acted {
            continue;
        }
        meta.acted = false;
        let persona = &spec.personas[customer.now.persona as usize];
        let turn = meta.turn;
        // The agent took the last turn there is: the customer does not answer past the limit.
        let out_of_turns = turn >= max_turns;
        let reaction = match exchange.pending.take() {
            Some(Action::Say { act, .. }) => {
                match act.kind {
                    ActKind::Close => meta.end = Some(EndReason::Closed),
                    ActKind::Transfer => meta.end = Some(EndReason::Escalated),
                    _ => {}
                }
                let unclear = log
                    .turns
                    .last()
                    .and_then(|row| row.tagged.as_ref())
                    .is_some_and(|tag| !tag.clear);
                if meta.end.is_some() || out_of_turns {
                    None
                } else if unclear {
                    Some(customer.now.unclear(persona, turn))
                } else {
                    // Another request like theirs, one the world holds (the forecast for another day).
                    let premise =
                        spec.scenario.intents[usize::from(customer.now.intent)].premise.as_ref();
                    let another = |slots, knowledge: &crate::customer::Knowledge, pick| {
                        let asked =
                            |slot| knowledge.known.contains(slot).then(|| knowledge.values[slot]);
                        world.0.another_request(&spec.scenario, slots, premise, asked, pick)
                    };
                    let again =
                        customer.now.ask_again(&act, &spec.scenario, persona, another, &mut rng.0);
                    if let Some((_, asked, _)) = &again {
                        // The customer's request is that one now: the world's truth and the oracle follow it.
                        world.0.focus_on(&spec.scenario, asked);
                        let intent = &spec.scenario.intents[usize::from(customer.now.intent)];
                        if let (Some(offer), Some(terms)) = (intent.offer, customer.now.offer) {
                            // As at the start: the world holds the customer's true threshold for this one too.
                            world.0.settle_field(&spec.scenario, offer.threshold, terms.threshold);
                        }
                    }
                    again.map(|(need, _, why)| (need, why)).or_else(|| {
                        Some(customer.now.react(&act, &spec.scenario, persona, turn, &mut rng.0))
                    })
                }
            }
            Some(Action::Call { tool, .. }) => {
                if exchange.tool_result.is_some_and(|(_, outcome)| outcome.passed) {
                    // What a passing call does for the customer (a document sent) answers their concerns.
                    customer.now.tool_done(&spec.scenario, tool);
                }
                let instruction =
                    spec.scenario.tools.get(tool as usize).is_some_and(|t| t.instruction.is_some());
                // A problem the customer can see go away: they say so as soon as it has.
                let intent = &spec.scenario.intents[customer.now.intent as usize];
                let fixed = !customer.now.fixed
                    && intent
                        .fixed
                        .as_ref()
                        .is_some_and(|fixed| fixed.holds(&world.0.focused(&spec.scenario)));
                match exchange.tool_result {
                    _ if out_of_turns => None,
                    Some(_) if fixed => Some(customer.now.works(persona)),
                    Some((_, outcome)) if instruction => {
                        Some(customer.now.report(outcome.passed, persona, turn))
                    }
                    _ => customer.now.wait(persona, turn),
                }
            }
            Some(
                Action::Fail { .. }
                | Action::CallNamed { .. }
                | Action::SayNamed(_)
                | Action::SayText { .. }
                | Action::Wait,
            )
            | None => None,
        };
        if let Some((act, why)) = reaction {
            if act.kind == ActKind::Leave {
                meta.end = Some(EndReason::Abandoned);
            }
            exchange.customer = Some(act);
            log.turns.push(TurnRecord {
                turn,
                speaker: Speaker::Customer,
                act: Some(act),
                tool: None,
                args: ToolArgs::default(),
                outcome: None,
                text: None,
                text_seed: rng.0.random(),
                frustration: customer.now.frustration as f32,
                why,
                tagged: None,
            });
            meta.turn += 1;
        }
        if meta.end.is_none() && meta.turn >= max_turns {
            meta.end = Some(EndReason::TurnLimit);
        }
    }
}

#[allow(clippy::type_complexity)]
pub(super) fn end_episodes(
    spec: Res<RunSpec>,
    mut agent: ResMut<AgentBox>,
    mut queue: ResMut<EpisodeQueue>,
    mut collected: ResMut<Collected>,
    mut slots: Query<(
        &mut EpisodeMeta,
        &mut EpisodeRng,
        &mut EpisodeWorld,
        &mut Exchange,
        &mut EventLog,
        &mut Judgement,
        &mut SimCustomer,
    )>,
) {
    let scenario = &*spec.scenario;
    let collected = &mut *collected;
    for (mut meta, mut rng, mut world, mut exchange, mut log, mut judgement, mut customer) in
        &mut slots
    {
        let Some(end) = meta.end else { continue };
        if !meta.active {
            continue;
        }
        let last_turn = meta.turn.saturating_sub(1);
        let out = &mut collected.out;
        let intent = &scenario.intents[customer.now.intent as usize];
        // The customer's last words (a no, then leaving) count even when no agent turn followed them.
        oracle::observe_customer(intent, &mut judgement.policy, &log.turns);
        let resolution = oracle::judge_resolution(
            scenario,
            intent,
            &world.0,
            &customer.now,
            &judgement.policy,
            last_turn,
        );
        let resolved = resolution.passed;
        let violations = judgement.verdicts.iter().filter(|verdict| !verdict.passed).count() as u16;
        let verdict_start = out.verdicts.len();
        out.verdicts.extend_from_slice(&judgement.verdicts);
        out.verdicts.push(resolution);
        if let Some(ending) = oracle::judge_ending(end, last_turn) {
            out.verdicts.push(ending);
        }
        let turn_start = out.turns.len();
        out.turns.append(&mut log.turns);
        let frustration = customer.now.frustration;
        let mut metrics = [0; crate::spec::MAX_METRICS];
        let env = crate::world::WorldEnv {
            goals: Some(&customer.now.knowledge.values),
            ..world.0.focused(scenario)
        };
        for (value, metric) in metrics.iter_mut().zip(&scenario.metrics) {
            *value = metric.value.eval(&env);
        }
        let pending_idx = (meta.episode - collected.base) as usize;
        let record = EpisodeRecord {
            episode: meta.episode,
            seed: meta.seed,
            customer: customer.at_start.clone(),
            end,
            resolved,
            violations,
            n_turns: meta.turn,
            final_frustration: frustration,
            csat: oracle::csat(end, resolved, frustration),
            turns: turn_start..out.turns.len(),
            verdicts: verdict_start..out.verdicts.len(),
            agent_notes: agent.0.finish(meta.slot),
            rules_exercised: judgement.policy.exercised,
            admissible: judgement.policy.admissible,
            metrics,
        };
        collected.pending[pending_idx] = Some(record);
        queue.active -= 1;
        if let Some(episode) = queue.take_next() {
            *customer = start_episode(
                &spec,
                agent.0.as_mut(),
                episode,
                &mut meta,
                &mut rng,
                &mut world,
                &mut exchange,
                &mut log,
                &mut judgement,
            );
        } else {
            meta.active = false;
        }
    }
}
