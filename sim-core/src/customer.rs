//! The simulated customer: hidden goal and knowledge, traits drawn from a persona, a dynamic mood, and the reaction model.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Normal};

use crate::act::{Act, ActKind, MAX_VALUES, Slot, SlotSet, SlotValues};
use crate::spec::{
    AccountField, Chance, Dist, IntentId, IntentSpec, Outcome, PersonaSpec, ReactionRule,
    ReactionWhen, Response, ScenarioSpec, ToolId, TraitRef,
};
use crate::world::{ToolArgs, WorldState, pools};

/// Traits drawn once per episode from the persona's distributions.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Traits {
    /// Turns the customer will wait before leaving.
    pub patience: u16,
    /// P(answer what was asked).
    pub cooperativeness: f64,
    /// Words per utterance.
    pub verbosity: f64,
    /// P(saying "I don't know" rather than inventing a value).
    pub honesty: f64,
    /// P(re-asking after a denial).
    pub pushiness: f64,
    /// P(an identity fact is misremembered or missing).
    pub recall_error: f64,
    /// 0 casual to 1 formal (realiser only).
    pub formality: f64,
    /// Typos per word (realiser only).
    pub typo_rate: f64,
    /// P(taking an offer that falls short).
    pub persuadability: f64,
    /// How far past their threshold (a fraction of it) an offer still draws an objection rather than a no.
    pub flexibility: f64,
}

/// What the customer believes about each slot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Knowledge {
    /// Slots the customer has a value for (true or not).
    pub known: SlotSet,
    /// The believed value per slot, indexed by slot.
    pub values: SlotValues,
}

/// The customer's full hidden and dynamic state.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Customer {
    /// Index of the persona in the run's persona list.
    pub persona: u16,
    /// The intent they came with.
    pub intent: IntentId,
    /// Traits of this customer.
    pub traits: Traits,
    /// Whether they are not the account holder.
    pub impostor: bool,
    /// What they believe.
    pub knowledge: Knowledge,
    /// Slots they have already given.
    pub told: SlotSet,
    /// Whether they have stated their need.
    pub stated_need: bool,
    /// Frustration in [0, 1].
    pub frustration: f64,
    /// Denials heard so far.
    pub denials: u8,
    /// Whether they asked why a refusal gave no reason.
    pub asked_why: bool,
    /// Times they asked the same again about another one (another day's forecast).
    pub asked_again: u8,
    /// Whether the answer alone will not do: they will ask again until a step for an unsatisfied customer (a promo
    /// code, a back-order) is taken; drawn from pushiness, only for intents with such steps.
    pub wants_more: bool,
    /// Whether a step for an unsatisfied customer was taken.
    pub got_more: bool,
    /// Times they demanded a human.
    pub human_demands: u8,
    /// Frustration level at which they demand a human.
    pub demand_human_at: f64,
    /// Frustration level at which they leave.
    pub abandon_at: f64,
    /// What they would take instead of their request: the intent's offer with their hidden threshold.
    pub offer: Option<OfferTerms>,
    /// Offers turned down so far.
    pub rejections: u8,
    /// Objections raised so far (the price and the intent's own).
    pub objections: u8,
    /// The intent's objections this customer holds, and how far each has got.
    pub concerns: Concerns,
    /// Tool calls the customer has waited through (each costs a quarter of a turn of patience, not a whole turn).
    pub tool_waits: u16,
    /// Whether the agent has told them of progress (a result or a fact) since they stated their need.
    pub progressed: bool,
    /// Facts the agent has stated to them (the answers an information request is after).
    pub heard: SlotSet,
    /// Whether they saw their problem go away (the intent's `fixed` condition came to hold).
    pub fixed: bool,
}

/// The intent's objections a customer holds, one bit per objection index.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Concerns {
    /// Held by this customer.
    pub held: u8,
    /// Said to the agent.
    pub voiced: u8,
    /// Answered by a passing call of the remedy tool (perhaps before being voiced).
    pub met: u8,
}

impl Concerns {
    /// Held, not yet answered and not yet said.
    pub fn unvoiced(self) -> u8 {
        self.held & !self.voiced & !self.met
    }

    /// Said and not yet answered.
    pub fn open(self) -> u8 {
        self.voiced & !self.met
    }
}

/// The customer's side of an offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OfferTerms {
    /// The slot offers are made in.
    pub slot: Slot,
    /// Their threshold (the least discount, the most they would pay).
    pub threshold: u64,
    /// Whether an offer must be at least (true) or at most (false) the threshold.
    pub at_least: bool,
}

impl OfferTerms {
    /// Whether `value` meets the customer's threshold.
    pub fn satisfied_by(self, value: u64) -> bool {
        if self.at_least { value >= self.threshold } else { value <= self.threshold }
    }

    /// Whether `value` misses the threshold by no more than `flexibility` of it: worth haggling over.
    pub fn negotiable(self, value: u64, flexibility: f64) -> bool {
        let margin = (self.threshold as f64 * flexibility).round() as u64;
        if self.at_least {
            value + margin >= self.threshold
        } else {
            value <= self.threshold.saturating_add(margin)
        }
    }
}

impl Traits {
    /// Draws traits from a persona.
    pub fn draw(persona: &PersonaSpec, rng: &mut ChaCha8Rng) -> Traits {
        Traits {
            patience: sample(persona.patience, rng).round().clamp(2.0, 1000.0) as u16,
            cooperativeness: sample(persona.cooperativeness, rng).clamp(0.0, 1.0),
            verbosity: sample(persona.verbosity, rng).max(1.0),
            honesty: sample(persona.honesty, rng).clamp(0.0, 1.0),
            pushiness: sample(persona.pushiness, rng).clamp(0.0, 1.0),
            recall_error: sample(persona.recall_error, rng).clamp(0.0, 1.0),
            formality: sample(persona.style.formality, rng).clamp(0.0, 1.0),
            typo_rate: sample(persona.style.typo_rate, rng).clamp(0.0, 1.0),
            // Drawn by `Customer::generate` when the intent has an offer, so scenarios without offers draw the
            // same numbers as before offers existed.
            persuadability: 0.0,
            flexibility: 0.0,
        }
    }
}

/// Draws one value from a trait distribution.
pub fn sample(dist: Dist, rng: &mut ChaCha8Rng) -> f64 {
    match dist {
        Dist::Fixed(value) => value,
        Dist::Uniform(lo, hi) => {
            if hi > lo {
                rng.random_range(lo..=hi)
            } else {
                lo
            }
        }
        Dist::Normal { mean, sd, min, max } => {
            let normal = Normal::new(mean, sd).expect("validated by the loader");
            normal.sample(rng).clamp(min, max)
        }
        Dist::Beta(a, b) => Beta::new(a, b).expect("validated by the loader").sample(rng),
    }
}

/// The goal value for a goal slot, derived from the world and intent.
fn goal_value(slot: Slot, world: &WorldState, intent: &IntentSpec, rng: &mut ChaCha8Rng) -> u64 {
    match slot {
        Slot::AMOUNT => {
            // ABCD refund_update: the total is the earlier refund plus the new item.
            let order = &world.order;
            let idx = rng.random_range(0..order.n_items as usize);
            order.prices[idx].min(order.total())
        }
        Slot::REASON => rng.random_range(0..pools::REASONS),
        Slot::PRODUCT => world.order.products[0],
        Slot::REFUND_METHOD => rng.random_range(0..pools::REFUND_METHODS),
        Slot::ORDER_OPTION => rng.random_range(0..pools::ORDER_OPTIONS),
        Slot::NEW_VALUE => {
            let field = intent.resolved.iter().find_map(|outcome| match outcome {
                Outcome::AccountFieldIsGoal(field) => Some(*field),
                _ => None,
            });
            let current = &world.account;
            match field {
                Some(AccountField::Address) => {
                    rng.random_range(100..10_000) * 100 + rng.random_range(0..pools::STREETS)
                }
                Some(AccountField::Name) => {
                    (current.name / 1000) * 1000
                        + (current.name % 1000 + rng.random_range(1..pools::LAST_NAMES))
                            % pools::LAST_NAMES
                }
                Some(AccountField::Phone) => rng.random_range(2_000_000_000..10_000_000_000),
                Some(AccountField::PaymentMethod) => {
                    (current.payment + rng.random_range(1..pools::PAYMENT_METHODS))
                        % pools::PAYMENT_METHODS
                }
                None => rng.random_range(0..100),
            }
        }
        Slot::DAYS => world.order.days_since_purchase,
        _ => 0,
    }
}

impl Customer {
    /// Creates a customer for `intent` in `world` from a persona.
    pub fn generate(
        scenario: &ScenarioSpec,
        persona_idx: u16,
        persona: &PersonaSpec,
        intent_id: IntentId,
        intent: &IntentSpec,
        world: &WorldState,
        rng: &mut ChaCha8Rng,
    ) -> Customer {
        let traits = Traits::draw(persona, rng);
        let mut knowledge = Knowledge::default();
        for slot in Slot::STANDARD {
            if let Some(truth) = world.true_value(slot) {
                if persona.impostor && slot != Slot::FULL_NAME {
                    continue;
                }
                if slot == Slot::FULL_NAME {
                    // Nobody misremembers their own name (an impostor knows the holder's).
                    knowledge.known = knowledge.known.with(slot);
                    knowledge.values[slot] = truth;
                    continue;
                }
                let draw: f64 = rng.random();
                if draw < traits.recall_error / 2.0 {
                    continue;
                }
                let value =
                    if draw < traits.recall_error { wrong_value(slot, truth, rng) } else { truth };
                knowledge.known = knowledge.known.with(slot);
                knowledge.values[slot] = value;
            } else if intent.goal_slots.contains(slot) {
                knowledge.known = knowledge.known.with(slot);
                let from_world = intent.goals.iter().find(|(goal, _)| *goal == slot);
                knowledge.values[slot] = match from_world {
                    Some((_, value)) => value.eval(&world.focused(scenario)).max(0) as u64,
                    None => goal_value(slot, world, intent, rng),
                };
            }
        }
        for (idx, declared) in scenario.slots.iter().enumerate() {
            let slot = Slot::declared(idx);
            let truth = world.value(scenario, declared.field);
            let ty = &scenario.fields[declared.field as usize].ty;
            if !declared.identity {
                if intent.goal_slots.contains(slot) && !persona.impostor {
                    knowledge.known = knowledge.known.with(slot);
                    knowledge.values[slot] = truth;
                }
                continue;
            }
            if declared.remembered {
                // Nobody misremembers their own name (an impostor knows the holder's).
                knowledge.known = knowledge.known.with(slot);
                knowledge.values[slot] = truth;
                continue;
            }
            if persona.impostor {
                continue;
            }
            let draw: f64 = rng.random();
            if draw < traits.recall_error / 2.0 {
                continue;
            }
            knowledge.known = knowledge.known.with(slot);
            knowledge.values[slot] =
                if draw < traits.recall_error { ty.wrong_value(truth, rng) } else { truth };
        }
        let mut traits = traits;
        let mut willingness = 1.0;
        if intent.offer.is_some() {
            traits.persuadability = sample(persona.persuadability, rng).clamp(0.0, 1.0);
            traits.flexibility = sample(persona.flexibility, rng).clamp(0.0, 1.0);
            willingness = sample(persona.willingness_to_pay, rng).clamp(0.01, 100.0);
        }
        let mut concerns = Concerns::default();
        for (idx, objection) in
            intent.objections.iter().enumerate().take(crate::spec::MAX_OBJECTIONS)
        {
            let own = persona.objections.iter().find(|(name, _)| *name == objection.name);
            let rate = own.map_or(objection.rate, |(_, rate)| *rate);
            if rng.random_bool(if rate.is_nan() { 0.0 } else { rate.clamp(0.0, 1.0) }) {
                concerns.held |= 1 << idx;
            }
        }
        let pushes = intent.steps.iter().any(|step| step.when == crate::spec::When::Unsatisfied);
        let wants_more = pushes && rng.random_bool(traits.pushiness.clamp(0.0, 1.0));
        Customer {
            persona: persona_idx,
            intent: intent_id,
            traits,
            impostor: persona.impostor,
            knowledge,
            told: SlotSet::EMPTY,
            stated_need: false,
            frustration: persona.mood.initial,
            denials: 0,
            asked_why: false,
            wants_more,
            got_more: false,
            human_demands: 0,
            asked_again: 0,
            demand_human_at: persona.demand_human_at,
            abandon_at: persona.abandon_at,
            offer: intent.offer.map(|offer| {
                let at_least = offer.accept == crate::spec::Accept::AtLeast;
                // Paying more means a higher price limit, or a smaller discount needed.
                let scale = if at_least { 1.0 / willingness } else { willingness };
                let threshold = world.value(scenario, offer.threshold) as f64 * scale;
                OfferTerms { slot: offer.slot, threshold: threshold.round() as u64, at_least }
            }),
            rejections: 0,
            objections: 0,
            concerns,
            tool_waits: 0,
            progressed: false,
            heard: SlotSet::EMPTY,
            fixed: false,
        }
    }

    /// Turns of patience used by `turn`: a tool call the customer waited through costs a quarter of a turn.
    fn elapsed(&self, turn: u16) -> u16 {
        turn.saturating_sub(self.tool_waits - self.tool_waits / 4)
    }

    /// Whether they leave by `turn`: too frustrated, or out of patience.
    fn gives_up(&self, turn: u16) -> bool {
        self.frustration >= self.abandon_at || self.elapsed(turn) >= self.traits.patience
    }

    /// Whether the need they came with is still unmet as far as they can tell: a refusal, nothing done or told, or
    /// an answer they asked for that never came.
    fn unmet(&self, scenario: &ScenarioSpec) -> bool {
        let answers =
            scenario.intents.get(usize::from(self.intent)).map_or(&[][..], |i| &i.answers);
        let unfixed = scenario
            .intents
            .get(usize::from(self.intent))
            .is_some_and(|intent| intent.fixed.is_some() && !self.fixed);
        self.denials > 0
            || !self.progressed
            || answers.iter().any(|(slot, _)| !self.heard.contains(*slot))
            || (self.wants_more && !self.got_more)
            || unfixed
    }

    /// Hears that a tool call passed: it answers every held objection whose remedy it is, and gives more to a customer
    /// who wanted more than the answer when it is a step for an unsatisfied customer.
    pub fn tool_done(&mut self, scenario: &ScenarioSpec, tool: ToolId) {
        let Some(intent) = scenario.intents.get(usize::from(self.intent)) else { return };
        self.got_more |= intent
            .steps
            .iter()
            .any(|step| step.tool == tool && matches!(step.when, crate::spec::When::Unsatisfied));
        for (idx, objection) in
            intent.objections.iter().enumerate().take(crate::spec::MAX_OBJECTIONS)
        {
            if objection.remedy == tool {
                self.concerns.met |= self.concerns.held & (1 << idx);
            }
        }
    }

    /// The value the customer wants for a goal slot.
    pub fn goal(&self, slot: Slot) -> u64 {
        self.knowledge.values[slot]
    }

    /// The opening turn.
    pub fn open(
        &mut self,
        scenario: &ScenarioSpec,
        persona: &PersonaSpec,
        intent: &IntentSpec,
        rng: &mut ChaCha8Rng,
    ) -> Act {
        if rng.random_bool(persona.vague_opening.clamp(0.0, 1.0)) {
            return Act::bare(ActKind::VagueNeed);
        }
        self.state_need(scenario, persona, intent, rng)
    }

    /// Their need, said at the opening or when asked what they need: with the request's values by the persona's
    /// `need_with_values` (or its share for the intent), as real customers' first needs were counted wherever
    /// they came; each value of a slot the persona's `need_gives` lists by its chance there, the others always.
    fn state_need(
        &mut self,
        scenario: &ScenarioSpec,
        persona: &PersonaSpec,
        intent: &IntentSpec,
        rng: &mut ChaCha8Rng,
    ) -> Act {
        self.stated_need = true;
        let mut act = Act { intent: self.intent, ..Act::bare(ActKind::StateNeed) };
        // Drawn only when it can happen, so personas that never do it draw what they drew before.
        let share = persona
            .need_with_values_of
            .iter()
            .find(|(id, _)| *id == intent.id)
            .map_or(persona.need_with_values, |(_, share)| *share);
        let with_values = share > 0.0 && rng.random_bool(share.clamp(0.0, 1.0));
        if with_values {
            let known = SlotSet(intent.goal_slots.0 & self.knowledge.known.0);
            let mut given = |slot| {
                let name = scenario.slot_name(slot);
                let chance = persona.need_gives.iter().find(|(listed, _)| listed == name);
                chance.is_none_or(|(_, p)| *p > 0.0 && rng.random_bool(p.clamp(0.0, 1.0)))
            };
            for slot in known.iter().filter(|slot| given(*slot)).take(MAX_VALUES) {
                act.put(slot, self.knowledge.values[slot]);
            }
            self.told = SlotSet(self.told.0 | act.slots.0);
        }
        act
    }

    /// Told the answer to their request (a disclosure of one of the intent's answers), asks the same about another
    /// one, with P(`asks_again`) for the times asked so far; told no (a refusal of their request), tries another,
    /// with P(`tries_again`); offered what they asked for, changes their plans, with P(`changes_plans`), and told it
    /// is done, with P(`changes_after_done`); at most
    /// [`MAX_ASKED_AGAIN`](crate::spec::MAX_ASKED_AGAIN) times in all: a need stated with those of the new
    /// request's values that differ from the last one's, which `another` reads from the world (given the request's
    /// slots, what the customer asked so far and a draw); the customer wants the new request now, and its values
    /// are returned whole. `None` without a draw when the agent's act,
    /// the intent or the persona rule it out, and after the draws when they say no or the world holds no other;
    /// asking again, the agent's act moves the mood as any reaction's does.
    pub fn ask_again(
        &mut self,
        agent: &Act,
        scenario: &ScenarioSpec,
        persona: &PersonaSpec,
        another: impl FnOnce(SlotSet, &Knowledge, u64) -> Option<ToolArgs>,
        rng: &mut ChaCha8Rng,
    ) -> Option<(Act, ToolArgs, &'static str)> {
        let times = usize::from(self.asked_again);
        let chance = match agent.kind {
            ActKind::Disclose => persona.asks_again.get(times).copied().unwrap_or(0.0),
            ActKind::Deny if agent.intent == self.intent => {
                persona.tries_again.get(times).copied().unwrap_or(0.0)
            }
            ActKind::Offer
                if agent.intent == self.intent
                    && times < usize::from(crate::spec::MAX_ASKED_AGAIN) =>
            {
                persona.changes_plans
            }
            ActKind::InformResult
                if agent.intent == self.intent
                    && times < usize::from(crate::spec::MAX_ASKED_AGAIN) =>
            {
                persona.changes_after_done
            }
            _ => return None,
        };
        if chance <= 0.0 {
            return None;
        }
        let intent = scenario.intents.get(usize::from(self.intent))?;
        let answered = intent.answers.iter().any(|(slot, _)| agent.slots.contains(*slot));
        if agent.kind == ActKind::Disclose && !answered {
            return None;
        }
        if !rng.random_bool(chance.min(1.0)) {
            return None;
        }
        let request = intent
            .goal_slots
            .iter()
            .filter(|slot| !slot.is_standard())
            .fold(SlotSet::EMPTY, SlotSet::with);
        let args = another(request, &self.knowledge, rng.random())?;
        self.feel(agent, &persona.mood);
        self.asked_again += 1;
        // A new request: the refusals, answers and offers they heard were about the last one (the mood stays).
        self.denials = 0;
        self.asked_why = false;
        self.rejections = 0;
        self.progressed = false;
        for (slot, _) in &intent.answers {
            self.heard = self.heard.without(*slot);
        }
        if let Some(terms) = self.offer {
            // An offer taken for the last one (a room whose booking then failed) is not this one's.
            self.knowledge.known = self.knowledge.known.without(terms.slot);
            self.knowledge.values[terms.slot] = 0;
        }
        // Said as real customers say it ("what about Tuesday?"): the values that differ from those they had.
        let mut act = Act { intent: self.intent, ..Act::bare(ActKind::StateNeed) };
        for (slot, value) in args.iter() {
            let had = self.knowledge.known.contains(slot).then(|| self.knowledge.values[slot]);
            if had != Some(value) {
                act.put(slot, value);
            }
            self.knowledge.known = self.knowledge.known.with(slot);
            self.knowledge.values[slot] = value;
        }
        self.told = SlotSet(self.told.0 | act.slots.0);
        let why = match agent.kind {
            ActKind::Deny => "told no, tries another",
            ActKind::Offer => "changes their plans",
            _ => "asks the same about another",
        };
        Some((act, args, why))
    }

    /// Reacts to what the agent said; returns the customer's act and why.
    pub fn react(
        &mut self,
        agent: &Act,
        scenario: &ScenarioSpec,
        persona: &PersonaSpec,
        turn: u16,
        rng: &mut ChaCha8Rng,
    ) -> (Act, &'static str) {
        let mood = &persona.mood;
        let table_row =
            persona.reactions.iter().find(|row| row.on == agent.kind && self.in_state(row.when));
        let (act, why) = match table_row {
            Some(row) => self.react_by_table(row, agent, scenario, persona, rng),
            None => {
                self.feel(agent, mood);
                self.built_in_response(agent, scenario, persona, rng)
            }
        };
        self.settle(agent, act, why, turn)
    }

    /// The built-in model's answer to the agent's act, once the act has moved the mood.
    fn built_in_response(
        &mut self,
        agent: &Act,
        scenario: &ScenarioSpec,
        persona: &PersonaSpec,
        rng: &mut ChaCha8Rng,
    ) -> (Act, &'static str) {
        let mood = &persona.mood;
        match agent.kind {
            ActKind::Greet | ActKind::AskNeed => {
                let intent = &scenario.intents[usize::from(self.intent)];
                (self.state_need(scenario, persona, intent, rng), "asked what they need")
            }
            ActKind::Ask => {
                if rng.random_bool(self.traits.cooperativeness) {
                    self.answer(agent.slots, scenario, persona, rng)
                } else {
                    self.bump(mood.waiting);
                    (Act::bare(ActKind::OffTopic), "not cooperating this turn")
                }
            }
            ActKind::InformResult | ActKind::Disclose | ActKind::Progress => {
                (Act::bare(ActKind::Acknowledge), "heard progress")
            }
            ActKind::Deny => {
                let explained = agent.refusal_reason().is_some();
                if !explained && !self.asked_why && rng.random_bool(self.traits.cooperativeness) {
                    self.asked_why = true;
                    (
                        Act { intent: self.intent, ..Act::bare(ActKind::AskWhy) },
                        "asks why: no reason given",
                    )
                } else if self.denials <= 3 && rng.random_bool(self.traits.pushiness) {
                    (
                        Act { intent: self.intent, ..Act::bare(ActKind::Insist) },
                        "pushes back after a denial",
                    )
                } else if !explained {
                    self.bump(mood.denial);
                    (Act::bare(ActKind::Leave), "leaves: refused with no reason")
                } else {
                    (Act::bare(ActKind::Acknowledge), "accepts the denial")
                }
            }
            ActKind::Apologize => (Act::bare(ActKind::Acknowledge), "accepts the apology"),
            ActKind::AnythingElse if self.unmet(scenario) => {
                // Refused, or nothing done or told: ask again, or go away unhappy. One who wants more than the
                // answer keeps pushing.
                let wants_more = self.wants_more && !self.got_more && self.denials == 0;
                if wants_more || rng.random_bool(self.traits.pushiness) {
                    (
                        Act { intent: self.intent, ..Act::bare(ActKind::Insist) },
                        "asks again: their need is not met",
                    )
                } else {
                    self.bump(mood.denial);
                    (Act::unhappy_bye(), "gives up, unsatisfied")
                }
            }
            ActKind::AnythingElse => (Act::bare(ActKind::ThankBye), "nothing else needed"),
            ActKind::Transfer | ActKind::Close => {
                (Act::bare(ActKind::Acknowledge), "conversation ends")
            }
            ActKind::Filler => (Act::bare(ActKind::Nudge), "agent said nothing useful"),
            ActKind::Offer => self.consider(agent, rng),
            _ => (Act::bare(ActKind::OffTopic), "agent act is not one a customer answers"),
        }
    }

    /// How the agent's act moves the customer's mood (and their count of denials, and what they heard), before they
    /// answer, whatever answer the reaction model or a persona's table then gives.
    fn feel(&mut self, agent: &Act, mood: &crate::spec::MoodParams) {
        if matches!(agent.kind, ActKind::InformResult | ActKind::Disclose | ActKind::Progress) {
            self.progressed = true;
            self.heard = SlotSet(self.heard.0 | agent.slots.0);
        }
        let delta = match agent.kind {
            ActKind::Greet | ActKind::AskNeed if self.stated_need => mood.repeated_question,
            ActKind::Greet | ActKind::AskNeed => 0.0,
            ActKind::Ask => {
                mood.repeated_question * f64::from(SlotSet(agent.slots.0 & self.told.0).len())
            }
            ActKind::InformResult | ActKind::Disclose | ActKind::Progress => mood.progress,
            ActKind::Deny => {
                self.denials += 1;
                mood.denial
            }
            ActKind::Apologize => mood.apology,
            ActKind::AnythingElse | ActKind::Transfer | ActKind::Close => 0.0,
            // Being pressed again after saying no annoys like a denial.
            ActKind::Offer if self.rejections > 0 => mood.denial,
            ActKind::Offer => 0.0,
            // Filler, and acts a customer does not answer.
            _ => mood.irrelevant,
        };
        self.bump(delta);
    }

    fn in_state(&self, when: ReactionWhen) -> bool {
        match when {
            ReactionWhen::Always => true,
            ReactionWhen::FrustrationAtLeast(level) => self.frustration >= level,
            ReactionWhen::FrustrationBelow(level) => self.frustration < level,
            ReactionWhen::DenialsAtLeast(count) => self.denials >= count,
        }
    }

    /// Answers from the persona's reaction table: the agent's act moves the mood as usual, then one draw picks
    /// the response.
    fn react_by_table(
        &mut self,
        row: &ReactionRule,
        agent: &Act,
        scenario: &ScenarioSpec,
        persona: &PersonaSpec,
        rng: &mut ChaCha8Rng,
    ) -> (Act, &'static str) {
        let mood = &persona.mood;
        self.feel(agent, mood);
        let draw: f64 = rng.random();
        let mut mass: f64 = 0.0;
        let mut chosen =
            row.responses.last().map_or(Response::Acknowledge, |(response, _)| *response);
        for (response, chance) in &row.responses {
            mass += match chance {
                Chance::Fixed(p) => *p,
                Chance::Trait(TraitRef::Cooperativeness) => self.traits.cooperativeness,
                Chance::Trait(TraitRef::Honesty) => self.traits.honesty,
                Chance::Trait(TraitRef::Pushiness) => self.traits.pushiness,
                Chance::Trait(TraitRef::RecallError) => self.traits.recall_error,
                Chance::Trait(TraitRef::Frustration) => self.frustration,
                Chance::Trait(TraitRef::Persuadability) => self.traits.persuadability,
                Chance::Rest => (1.0 - mass).max(0.0),
            };
            if draw < mass {
                chosen = *response;
                break;
            }
        }
        let why = "persona reaction table";
        match chosen {
            Response::Answer if agent.kind == ActKind::Ask => {
                let (act, _) = self.answer(agent.slots, scenario, persona, rng);
                (act, why)
            }
            Response::Answer | Response::Acknowledge => (Act::bare(ActKind::Acknowledge), why),
            Response::Insist => (Act { intent: self.intent, ..Act::bare(ActKind::Insist) }, why),
            Response::DemandHuman => {
                self.human_demands = self.human_demands.saturating_add(1);
                (Act::bare(ActKind::DemandHuman), why)
            }
            Response::OffTopic => (Act::bare(ActKind::OffTopic), why),
            Response::Nudge => (Act::bare(ActKind::Nudge), why),
            Response::Leave => (Act::bare(ActKind::Leave), why),
            Response::ThankBye => (Act::bare(ActKind::ThankBye), why),
            Response::Consider if agent.kind == ActKind::Offer => {
                let (act, _) = self.consider(agent, rng);
                (act, why)
            }
            Response::Accept if agent.kind == ActKind::Offer => {
                match self.offer.and_then(|terms| Some((terms.slot, agent.value_of(terms.slot)?))) {
                    Some((slot, value)) => (self.take(slot, value), why),
                    None => (Act::bare(ActKind::Reject), why),
                }
            }
            Response::Object if agent.kind == ActKind::Offer => {
                self.objections = self.objections.saturating_add(1);
                (Act::object(None), why)
            }
            Response::Reject if agent.kind == ActKind::Offer => {
                self.rejections = self.rejections.saturating_add(1);
                (Act::bare(ActKind::Reject), why)
            }
            Response::Consider | Response::Accept | Response::Reject | Response::Object => {
                (Act::bare(ActKind::OffTopic), why)
            }
            Response::AsBuiltIn => self.built_in_response(agent, scenario, persona, rng),
        }
    }

    /// What every reaction goes through: patience and frustration may still end or escalate the conversation.
    fn settle(
        &mut self,
        agent: &Act,
        act: Act,
        why: &'static str,
        turn: u16,
    ) -> (Act, &'static str) {
        // A customer who just heard their request is done, or is being wrapped up, does not storm off.
        if matches!(
            agent.kind,
            ActKind::Transfer
                | ActKind::Close
                | ActKind::AnythingElse
                | ActKind::InformResult
                | ActKind::Disclose
        ) {
            return (act, why);
        }
        if self.gives_up(turn) {
            return (Act::bare(ActKind::Leave), "out of patience");
        }
        if self.frustration >= self.demand_human_at
            && self.human_demands < 2
            && !matches!(act.kind, ActKind::Inform | ActKind::DemandHuman)
        {
            self.human_demands += 1;
            return (Act::bare(ActKind::DemandHuman), "frustrated enough to ask for a human");
        }
        (act, why)
    }

    /// The agent wrote something the tagger could not read with confidence: the customer asks what they mean,
    /// annoyed as by a turn that does not help, and may run out of patience or ask for a human as after any turn.
    pub fn unclear(&mut self, persona: &PersonaSpec, turn: u16) -> (Act, &'static str) {
        self.bump(persona.mood.irrelevant);
        let filler = Act::bare(ActKind::Filler);
        self.settle(&filler, Act::bare(ActKind::Clarify), "agent's message was unclear", turn)
    }

    /// P(managing an action on their own device when asked): cooperative and not muddled.
    pub fn compliance(&self) -> f64 {
        (self.traits.cooperativeness * (1.0 - self.traits.recall_error)).clamp(0.0, 1.0)
    }

    /// Says whether they managed what the agent asked them to do on their device; may run out of patience.
    pub fn report(
        &mut self,
        managed: bool,
        persona: &PersonaSpec,
        turn: u16,
    ) -> (Act, &'static str) {
        // They did something themselves: that costs a whole turn of patience, not a wait.
        self.bump(persona.mood.waiting);
        if self.gives_up(turn) {
            return (Act::bare(ActKind::Leave), "out of patience");
        }
        if managed {
            (Act::bare(ActKind::Performed), "did what the agent asked")
        } else {
            self.bump(persona.mood.irrelevant);
            (Act::bare(ActKind::Unable), "could not do what the agent asked")
        }
    }

    /// Their problem went away with the agent's latest tool call (the site works, the order went through): they say
    /// so; it is progress.
    pub fn works(&mut self, persona: &PersonaSpec) -> (Act, &'static str) {
        self.fixed = true;
        self.progressed = true;
        self.bump(persona.mood.progress);
        (Act::bare(ActKind::Works), "their problem is gone")
    }

    /// Time passes while the agent works a tool; the customer may run out of patience.
    pub fn wait(&mut self, persona: &PersonaSpec, turn: u16) -> Option<(Act, &'static str)> {
        self.tool_waits = self.tool_waits.saturating_add(1);
        self.bump(persona.mood.waiting);
        if self.gives_up(turn) {
            return Some((Act::bare(ActKind::Leave), "out of patience while waiting"));
        }
        None
    }

    fn answer(
        &mut self,
        asked: SlotSet,
        scenario: &ScenarioSpec,
        persona: &PersonaSpec,
        rng: &mut ChaCha8Rng,
    ) -> (Act, &'static str) {
        let mut act = Act { slots: SlotSet::EMPTY, ..Act::bare(ActKind::Inform) };
        let mut n = 0;
        let mut unknown = SlotSet::EMPTY;
        let mut invented = false;
        for slot in asked.iter() {
            if n >= MAX_VALUES {
                break;
            }
            let value = if self.knowledge.known.contains(slot) {
                self.knowledge.values[slot]
            } else if !rng.random_bool(self.traits.honesty) {
                invented = true;
                let value = match scenario.declared_field(slot) {
                    // A made-up value of a declared slot: a plausible draw of its field.
                    Some(field) => field
                        .generator
                        .sample(rng, &[crate::list::MAX_INSTANCES; crate::list::MAX_LISTS]),
                    None => invent_value(slot, rng),
                };
                self.knowledge.known = self.knowledge.known.with(slot);
                self.knowledge.values[slot] = value;
                value
            } else {
                unknown = unknown.with(slot);
                continue;
            };
            act.slots = act.slots.with(slot);
            act.values[n] = value;
            n += 1;
        }
        let more = self.more_to_give(act.slots, scenario, persona, rng);
        for slot in more.iter().take(MAX_VALUES - n) {
            act.put(slot, self.knowledge.values[slot]);
        }
        self.told = SlotSet(self.told.0 | act.slots.0);
        if act.slots.is_empty() {
            return (
                Act { slots: unknown, ..Act::bare(ActKind::DontKnow) },
                "does not know what was asked",
            );
        }
        if invented {
            (act, "answers, inventing what they do not know")
        } else if unknown.is_empty() && !more.is_empty() {
            (act, "answers, and gives the rest of their request")
        } else if unknown.is_empty() {
            (act, "answers what was asked")
        } else {
            (act, "answers what they know")
        }
    }

    /// The values of their request not given yet that a customer who gives `given` (the slots asked for that they
    /// answered) gives with them, by the persona's `gives_more` for those slots ("from the 4th to the 31st", asked
    /// the day they arrive); drawn only when there are such values and a chance above 0.
    fn more_to_give(
        &self,
        given: SlotSet,
        scenario: &ScenarioSpec,
        persona: &PersonaSpec,
        rng: &mut ChaCha8Rng,
    ) -> SlotSet {
        if persona.gives_more.is_empty() || given.is_empty() {
            return SlotSet::EMPTY;
        }
        let Some(intent) = scenario.intents.get(usize::from(self.intent)) else {
            return SlotSet::EMPTY;
        };
        let left = intent.goal_slots.0 & self.knowledge.known.0 & !self.told.0 & !given.0;
        let chance = given
            .iter()
            .filter_map(|slot| {
                let name = scenario.slot_name(slot);
                persona.gives_more.iter().find(|(asked, _)| asked == name).map(|(_, p)| *p)
            })
            .fold(0.0, f64::max);
        if left == 0 || chance <= 0.0 || !rng.random_bool(chance.min(1.0)) {
            return SlotSet::EMPTY;
        }
        SlotSet(left)
    }

    /// Takes or turns down an offer: taken when it meets their threshold, or, short of it, at their persuadability;
    /// a taken offer becomes their goal value for the offer's slot.
    fn consider(&mut self, offer: &Act, rng: &mut ChaCha8Rng) -> (Act, &'static str) {
        let Some(terms) = self.offer else {
            return (Act::bare(ActKind::Reject), "wants nothing offered");
        };
        let Some(value) = offer.value_of(terms.slot) else {
            return (Act::bare(ActKind::Reject), "the offer is not about what they want");
        };
        if self.rejections > 0 {
            self.rejections = self.rejections.saturating_add(1);
            return (Act::bare(ActKind::Reject), "already said no");
        }
        // Their own concerns come first, one at a time; an offer made over one left unanswered is turned down.
        if self.concerns.open() != 0 {
            self.rejections += 1;
            return (Act::bare(ActKind::Reject), "their concern was not answered");
        }
        let unvoiced = self.concerns.unvoiced();
        if unvoiced != 0 {
            let idx = unvoiced.trailing_zeros() as u8;
            self.concerns.voiced |= 1 << idx;
            self.objections = self.objections.saturating_add(1);
            return (Act::object(Some(idx)), "raises a concern before deciding");
        }
        let (take, why) = if terms.satisfied_by(value) {
            (true, "the offer meets what they wanted")
        } else if !self.haggled() && terms.negotiable(value, self.traits.flexibility) {
            self.objections += 1;
            return (Act::object(None), "close to what they want: objects to haggle");
        } else if rng.random_bool(self.traits.persuadability) {
            (true, "talked into an offer short of what they wanted")
        } else {
            (false, "the offer falls short")
        };
        if !take {
            self.rejections += 1;
            return (Act::bare(ActKind::Reject), why);
        }
        (self.take(terms.slot, value), why)
    }

    /// Whether they have already objected to the price (objections beyond the concerns they voiced).
    fn haggled(&self) -> bool {
        u32::from(self.objections) > self.concerns.voiced.count_ones()
    }

    /// Takes an offer: its value becomes the customer's goal for the slot.
    fn take(&mut self, slot: Slot, value: u64) -> Act {
        self.knowledge.known = self.knowledge.known.with(slot);
        self.knowledge.values[slot] = value;
        Act::bare(ActKind::Accept)
    }

    fn bump(&mut self, delta: f64) {
        self.frustration = (self.frustration + delta).clamp(0.0, 1.0);
    }
}

fn wrong_value(slot: Slot, truth: u64, rng: &mut ChaCha8Rng) -> u64 {
    let value = invent_value(slot, rng);
    if value == truth { value ^ 1 } else { value }
}

fn invent_value(slot: Slot, rng: &mut ChaCha8Rng) -> u64 {
    match slot {
        Slot::FULL_NAME => {
            rng.random_range(0..pools::FIRST_NAMES) * 1000 + rng.random_range(0..pools::LAST_NAMES)
        }
        Slot::ACCOUNT_ID => rng.random_range(0..36u64.pow(10)),
        Slot::USERNAME | Slot::EMAIL => {
            (rng.random_range(0..pools::FIRST_NAMES) * 1000
                + rng.random_range(0..pools::LAST_NAMES))
                * 1000
                + rng.random_range(100..1000)
        }
        Slot::PHONE => rng.random_range(2_000_000_000..10_000_000_000),
        Slot::ZIP_CODE => rng.random_range(10_000..100_000),
        Slot::ORDER_ID => rng.random_range(1_000_000_000..10_000_000_000),
        Slot::PIN_NUMBER => rng.random_range(1000..10_000),
        Slot::SECURITY_ANSWER => rng.random_range(0..pools::SECURITY_ANSWERS),
        Slot::MEMBERSHIP_LEVEL => rng.random_range(0..4),
        Slot::STREET_ADDRESS => {
            rng.random_range(100..10_000) * 100 + rng.random_range(0..pools::STREETS)
        }
        Slot::FULL_ADDRESS => crate::world::full_address(
            rng.random_range(100..10_000) * 100 + rng.random_range(0..pools::STREETS),
            rng.random_range(0..pools::CITIES),
            rng.random_range(10_000..100_000),
        ),
        Slot::PAYMENT_METHOD => rng.random_range(0..pools::PAYMENT_METHODS),
        _ => rng.random_range(0..100),
    }
}
