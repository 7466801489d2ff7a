//! Hand-built specs for tests and examples: a tiny two-intent scenario and a calm persona.

use crate::act::{Slot, SlotSet};
use crate::spec::*;

fn slots(list: &[Slot]) -> SlotSet {
    list.iter().fold(SlotSet::EMPTY, |set, slot| set.with(*slot))
}

/// A two-intent scenario (change address, refund) with every rule kind.
pub fn tiny_scenario() -> ScenarioSpec {
    let tool = |id: &str, args: &[Slot], min_args: u8, effect| ToolSpec {
        id: id.to_owned(),
        args: slots(args),
        min_args,
        effect,
        instruction: None,
        says: None,
    };
    let tools = vec![
        tool("pull-up-account", &[Slot::FULL_NAME, Slot::ACCOUNT_ID], 1, Effect::PullUpAccount),
        tool(
            "verify-identity",
            &[Slot::ZIP_CODE, Slot::PHONE, Slot::EMAIL, Slot::ORDER_ID],
            3,
            Effect::VerifyIdentity,
        ),
        tool(
            "validate-purchase",
            &[Slot::USERNAME, Slot::EMAIL, Slot::ORDER_ID],
            3,
            Effect::ValidatePurchase,
        ),
        tool("update-account", &[Slot::NEW_VALUE], 1, Effect::UpdateAccount),
        tool("offer-refund", &[Slot::AMOUNT], 1, Effect::Refund),
    ];
    let step = |tools: &[ToolSpec], idx: u8| Step {
        tool: idx,
        when: When::Always,
        args: tools[idx as usize].args,
        min_args: tools[idx as usize].min_args,
        optional: false,
        group: 0,
        reports: None,
        tell: false,
    };
    let intents = vec![
        IntentSpec {
            id: "manage_change_address".to_owned(),
            flow: "manage_account".to_owned(),
            weight: 1.0,
            steps: vec![step(&tools, 0), step(&tools, 1), step(&tools, 3)],
            eligibility: Eligibility::Always,
            resolved: vec![Outcome::AccountFieldIsGoal(AccountField::Address)],
            goal_slots: slots(&[Slot::NEW_VALUE]),
            oracle_no_ends: false,
            offer: None,
            phrase: None,
            claims: Vec::new(),
            objections: Vec::new(),
            goals: Vec::new(),
            answers: Vec::new(),
            premise: None,
            conditions: Vec::new(),
            fixed: None,
        },
        IntentSpec {
            id: "refund_initiate".to_owned(),
            flow: "product_defect".to_owned(),
            weight: 1.0,
            steps: vec![step(&tools, 0), step(&tools, 2), step(&tools, 4)],
            eligibility: Eligibility::Always,
            resolved: vec![Outcome::RefundedGoalAmount],
            goal_slots: slots(&[Slot::AMOUNT]),
            oracle_no_ends: false,
            offer: None,
            phrase: None,
            claims: Vec::new(),
            objections: Vec::new(),
            goals: Vec::new(),
            answers: Vec::new(),
            premise: None,
            conditions: Vec::new(),
            fixed: None,
        },
    ];
    let rule = |id: &str, kind| RuleSpec {
        id: id.to_owned(),
        text: id.to_owned(),
        cites: String::new(),
        kind,
    };
    ScenarioSpec {
        id: "tiny".to_owned(),
        description: "two intents for tests".to_owned(),
        policy: String::new(),
        tools,
        intents,
        rules: vec![
            rule("abcd-step-order", RuleKind::StepOrder),
            rule("abcd-steps-complete", RuleKind::StepsComplete),
            rule("refund-within-total", RuleKind::AmountWithinOrderTotal { tool: 4 }),
            rule(
                "no-change-unverified",
                RuleKind::GateRespected { gates: vec![1, 2], guarded: vec![3, 4] },
            ),
            rule(
                "account-change-needs-verification",
                RuleKind::Requires { tool: 3, after: vec![1], when: None },
            ),
            rule("confirm-before-close", RuleKind::ConfirmBeforeClose { unprompted: false }),
            rule("human-on-second-request", RuleKind::HumanOnRequest { demands: 2, within: 1 }),
        ],
        world: WorldGen {
            membership_weights: [0.25, 0.25, 0.25, 0.25],
            price: PriceGen { mu: 4.0, sigma: 0.5, min: 10.0, max: 500.0 },
            days_since_purchase: (1, 200),
            payment_weights: [0.5, 0.3, 0.2],
            items_per_order: (1, 3),
            oracle_yes: 0.5,
        },
        max_turns: 60,
        asks_at_once: crate::spec::MAX_ASKED_AT_ONCE,
        agent_replies: Vec::new(),
        slots: Vec::new(),
        fields: Vec::new(),
        lists: Vec::new(),
        layout: crate::list::Layout::default(),
        vague_openings: Vec::new(),
        corpus_slots: Vec::new(),
        corpus_intents: Vec::new(),
        customer_names: Vec::new(),
        tagger: Default::default(),
        metrics: Vec::new(),
    }
}

/// A calm, cooperative persona with a small recall-error rate.
pub fn calm_persona() -> PersonaSpec {
    PersonaSpec {
        id: "calm".to_owned(),
        description: "patient and cooperative".to_owned(),
        weight: 1.0,
        patience: Dist::Normal { mean: 30.0, sd: 5.0, min: 15.0, max: 60.0 },
        cooperativeness: Dist::Beta(18.0, 1.0),
        verbosity: Dist::Normal { mean: 12.0, sd: 3.0, min: 3.0, max: 40.0 },
        honesty: Dist::Fixed(1.0),
        pushiness: Dist::Uniform(0.0, 0.2),
        recall_error: Dist::Uniform(0.0, 0.04),
        persuadability: Dist::Uniform(0.1, 0.35),
        flexibility: Dist::Uniform(0.05, 0.25),
        objections: Vec::new(),
        willingness_to_pay: Dist::Normal { mean: 1.0, sd: 0.15, min: 0.6, max: 1.6 },
        style: StyleSpec::default(),
        reactions: Vec::new(),
        vague_opening: 0.1,
        need_with_values: 0.0,
        need_with_values_of: Vec::new(),
        need_gives: Vec::new(),
        leaves_unanswered: 0.0,
        asks_again: [0.0; crate::spec::MAX_ASKED_AGAIN as usize],
        tries_again: [0.0; crate::spec::MAX_ASKED_AGAIN as usize],
        changes_plans: 0.0,
        changes_after_done: 0.0,
        gives_more: Vec::new(),
        demand_human_at: 0.8,
        abandon_at: 0.95,
        mood: MoodParams {
            initial: 0.1,
            repeated_question: 0.08,
            denial: 0.15,
            irrelevant: 0.05,
            waiting: 0.005,
            progress: -0.05,
            apology: -0.05,
        },
        impostor: false,
        intent_shares: Vec::new(),
        intents: Vec::new(),
    }
}

/// Wraps an agent and makes it fail (as an external agent that crashed or timed out would) on every episode whose
/// index is `1 (mod every)`, from turn `from_turn` on.
pub struct FlakyAgent {
    /// The wrapped agent.
    pub inner: Box<dyn crate::agent::AgentUnderTest>,
    /// Failing episodes are those with `episode % every == 1`.
    pub every: u64,
    /// First turn at which they fail.
    pub from_turn: u16,
}

impl std::fmt::Debug for FlakyAgent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlakyAgent").field("every", &self.every).finish_non_exhaustive()
    }
}

impl crate::agent::AgentUnderTest for FlakyAgent {
    fn name(&self) -> &str {
        "flaky"
    }

    fn begin(&mut self, start: crate::agent::EpisodeStart) {
        self.inner.begin(start);
    }

    fn act(&mut self, batch: &[crate::agent::Observation], out: &mut Vec<crate::agent::Action>) {
        let start = out.len();
        self.inner.act(batch, out);
        for (obs, action) in batch.iter().zip(&mut out[start..]) {
            if obs.episode % self.every == 1 && obs.turn >= self.from_turn {
                *action =
                    crate::agent::Action::Fail { reason: "connection reset by peer".to_owned() };
            }
        }
    }

    fn finish(&mut self, slot: u32) -> Vec<crate::agent::AgentNote> {
        self.inner.finish(slot)
    }
}

/// A ChaCha stream seeded with `seed`.
pub fn rng_from_seed(seed: u64) -> rand_chacha::ChaCha8Rng {
    use rand::SeedableRng;
    rand_chacha::ChaCha8Rng::seed_from_u64(seed)
}

/// A world generated for `scenario` from [`rng_from_seed`].
pub fn world_from_seed(scenario: &ScenarioSpec, seed: u64) -> crate::world::WorldState {
    crate::world::WorldState::generate(scenario, &mut rng_from_seed(seed))
}

/// What a fault must break, as a row of a fault table: rules one of which fails at the fault's turn (`caught_by`),
/// rules that may fail at that turn as well (`also`), and rules that may fail at a later turn because of it (`later`).
#[derive(Clone, Debug, Default)]
pub struct FaultRow<'r> {
    /// At least one of these fails at the fault's turn.
    pub caught_by: Vec<&'r str>,
    /// These may fail at the fault's turn as well.
    pub also: Vec<&'r str>,
    /// These may fail at a later turn.
    pub later: Vec<&'r str>,
}

/// Holds one episode's failed policy verdicts `(rule, turn)` to the faults an agent planted `(fault, turn)`, by the
/// rows `row` gives for each fault: every fault is caught at its turn by one of its `caught_by` rules, and every failed
/// verdict is explained by a fault at its turn (`caught_by` or `also`) or before it (`later`).
///
/// Returns, for each failed verdict in order, the fault that explains it; or what disagrees.
pub fn match_faults<'a, 'r>(
    notes: &[(&'a str, u16)],
    failed: &[(&'a str, u16)],
    row: impl Fn(&str) -> FaultRow<'r>,
) -> Result<Vec<&'a str>, String> {
    for &(fault, turn) in notes {
        let caught_by = row(fault).caught_by;
        if !failed.iter().any(|(rule, t)| *t == turn && caught_by.contains(rule)) {
            return Err(format!(
                "`{fault}` planted at turn {turn} was caught by none of {caught_by:?}; failed: {failed:?}"
            ));
        }
    }
    failed
        .iter()
        .map(|&(rule, turn)| {
            let because = notes.iter().find(|(fault, t)| {
                let FaultRow { caught_by, also, later } = row(fault);
                let now = *t == turn && (caught_by.contains(&rule) || also.contains(&rule));
                now || (*t < turn && later.contains(&rule))
            });
            because.map(|(fault, _)| *fault).ok_or_else(|| {
                format!("`{rule}` failed at turn {turn}, which no planted fault explains; planted: {notes:?}")
            })
        })
        .collect()
}
