//! What an episode leaves behind: turn rows, verdicts and the episode record, all plain data.

use crate::act::{Act, Speaker};
use crate::agent::AgentNote;
use crate::customer::Customer;
use crate::spec::{ScenarioSpec, ToolId};
use crate::world::{MEMBERSHIP_LEVELS, ToolArgs, ToolOutcome};

/// One turn of an episode: an utterance by either side or a tool call with its result.
#[derive(Clone, Debug, PartialEq)]
pub struct TurnRecord {
    /// Turn index within the episode, from 0.
    pub turn: u16,
    /// Who took the turn.
    pub speaker: Speaker,
    /// The act (utterances only).
    pub act: Option<Act>,
    /// The tool called (tool rows only).
    pub tool: Option<ToolId>,
    /// The tool's arguments (tool rows only).
    pub args: ToolArgs,
    /// What the tool returned (tool rows only).
    pub outcome: Option<ToolOutcome>,
    /// Text the agent wrote itself, if any; otherwise text is rendered from the act.
    pub text: Option<Box<str>>,
    /// Seed for rendering this turn's text, drawn from the episode stream.
    pub text_seed: u32,
    /// Customer frustration after this turn.
    pub frustration: f32,
    /// Why the customer chose this act (the rule of the reaction model that fired); empty for the agent.
    pub why: &'static str,
    /// For an agent's free text, what the tagger read in it (the act above is what the turn did).
    pub tagged: Option<Box<crate::tagging::Tagging>>,
}

impl TurnRecord {
    /// A turn by `speaker` with nothing said or called yet (no act, tool, text or mood); callers fill in what happened.
    pub fn blank(turn: u16, speaker: Speaker) -> TurnRecord {
        TurnRecord {
            turn,
            speaker,
            act: None,
            tool: None,
            args: ToolArgs::default(),
            outcome: None,
            text: None,
            text_seed: 0,
            frustration: 0.0,
            why: "",
            tagged: None,
        }
    }
}

/// Which check a verdict comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleRef {
    /// A scenario policy rule, by index into [`ScenarioSpec::rules`].
    Policy(u16),
    /// The resolution oracle.
    Resolution,
    /// The experience oracle: the customer abandoned.
    Abandoned,
    /// The experience oracle: the conversation went to a human.
    Escalated,
    /// The episode hit the turn limit.
    TurnLimit,
    /// The agent failed to act.
    AgentFailed,
}

/// Why a verdict was given, with the values needed to explain it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// `tool` was called before the earlier step `missing`.
    StepSkipped {
        /// The tool called.
        tool: ToolId,
        /// The earlier step's tool that had not been called.
        missing: ToolId,
    },
    /// The agent closed while `missing` was still required.
    Unfinished {
        /// The first required step not done.
        missing: ToolId,
    },
    /// A refund of `amount` cents exceeded the `limit` left on the order.
    AmountOver {
        /// Cents refunded by the call.
        amount: u64,
        /// Cents left on the order before the call.
        limit: u64,
    },
    /// `tool` was called while `gate` had failed.
    GateClosed {
        /// The failed gate.
        gate: ToolId,
        /// The guarded tool called.
        tool: ToolId,
    },
    /// An argument of `value` went over the `limit` allowed without approval.
    OverLimit {
        /// The limited argument.
        arg: crate::act::Slot,
        /// The value given.
        value: u64,
        /// The limit.
        limit: u64,
    },
    /// `tool` was called before `missing` had ever succeeded.
    RequiresUnmet {
        /// The tool called.
        tool: ToolId,
        /// The prerequisite that had not succeeded.
        missing: ToolId,
    },
    /// The agent closed without confirming that nothing else was needed.
    ClosedUnconfirmed,
    /// The agent stated an account fact before the customer was verified.
    DisclosedUnverified,
    /// The customer asked for a human at `demand_turn` and was not handed over in time.
    HumanNotOffered {
        /// Turn of the request that started the clock.
        demand_turn: u16,
    },
    /// The agent made another offer after the customer said no at `rejected_turn`.
    PressureAfterNo {
        /// Turn of the customer's first "no".
        rejected_turn: u16,
    },
    /// The agent offered again without answering the objection the customer raised at `raised_turn`.
    ObjectionUnanswered {
        /// The objection's index in the intent.
        objection: u8,
        /// The tool that answers it.
        remedy: ToolId,
        /// Turn the customer raised it.
        raised_turn: u16,
    },
    /// The agent stated `said` for `slot`; the world holds `truth`.
    FalseClaim {
        /// The slot stated.
        slot: crate::act::Slot,
        /// What the agent said.
        said: u64,
        /// What is true.
        truth: u64,
    },
    /// The agent offered `value`, below the `floor` (a price floor).
    BelowFloor {
        /// What was offered.
        value: u64,
        /// The lowest allowed.
        floor: u64,
    },
    /// A write tool was called that is not an applicable step of the intent.
    OffScript {
        /// The tool.
        tool: ToolId,
    },
    /// A write tool that had already done its step for this request was called again (a second replacement card).
    Repeated {
        /// The tool.
        tool: ToolId,
    },
    /// A write tool was called while the check `check` stood failed.
    WriteAfterRefusal {
        /// The check that said no.
        check: ToolId,
        /// The write called.
        tool: ToolId,
    },
    /// An argument was given `value` (`None`: not given) where the policy prescribes `expected`.
    WrongValue {
        /// The argument.
        arg: crate::act::Slot,
        /// What was entered.
        value: Option<u64>,
        /// What the policy prescribes.
        expected: u64,
    },
    /// The agent refused with no failed check standing to justify it; `admissible` says whether the request was
    /// admissible (then the refusal denied the customer what the policy grants).
    WrongfulRefusal {
        /// Whether the request was admissible and asked by the account holder.
        admissible: bool,
    },
    /// A call entered a value (`value`) for the offer's argument other than the offer the customer took.
    NotAsAccepted {
        /// The argument.
        arg: crate::act::Slot,
        /// What was entered.
        value: Option<u64>,
        /// The offer the customer took.
        accepted: u64,
    },
    /// The agent refused on grounds (`grounds`, a check that said no) but did not say so: it gave no reason, or
    /// named a check (`given`) that is not grounds for refusing.
    RefusalUnexplained {
        /// The check that said no.
        grounds: ToolId,
        /// The check the refusal named, if any.
        given: Option<ToolId>,
    },
    /// The world ended in the state the goal requires.
    Resolved,
    /// The request was not admissible and the agent declined it without changing the world.
    DeclinedCorrectly,
    /// The world did not reach the goal state.
    GoalNotReached,
    /// The intent is settled by the customer's answer to an offer, and none was made (or answered).
    NeverOffered,
    /// The customer asked for a fact (`slot`) and was never told it, or was told a wrong value.
    NotAnswered {
        /// The fact asked for.
        slot: crate::act::Slot,
    },
    /// The request was not admissible but the world was changed as if it were.
    GrantedWrongly,
    /// The request was not admissible and the agent never declined it.
    NeverDeclined,
    /// The customer left.
    CustomerLeft,
    /// The agent handed over to a human.
    HandedOver,
    /// The episode hit the turn limit.
    OutOfTurns,
    /// The agent failed to act.
    AgentFailed,
}

/// A check's result for one episode, at one turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The rule.
    pub rule: RuleRef,
    /// The turn the verdict is about.
    pub turn: u16,
    /// Whether the check passed.
    pub passed: bool,
    /// Why.
    pub reason: Reason,
}

/// How an episode ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EndReason {
    /// The agent closed the conversation.
    Closed,
    /// The customer left.
    Abandoned,
    /// The agent transferred to a human.
    Escalated,
    /// The turn limit was reached.
    TurnLimit,
    /// The agent could not act (see the agent row's text).
    AgentFailed,
}

impl EndReason {
    /// Stable snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            EndReason::Closed => "closed",
            EndReason::Abandoned => "abandoned",
            EndReason::Escalated => "escalated",
            EndReason::TurnLimit => "turn_limit",
            EndReason::AgentFailed => "agent_failed",
        }
    }
}

/// Everything known about one finished episode; turns and verdicts live in the shard's flat buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct EpisodeRecord {
    /// Episode index in the run.
    pub episode: u64,
    /// The episode's seed.
    pub seed: u64,
    /// The customer as generated (hidden goal, knowledge, traits) before the first turn.
    pub customer: Customer,
    /// How it ended.
    pub end: EndReason,
    /// Whether the resolution oracle passed.
    pub resolved: bool,
    /// Whether the request was admissible and asked by the account holder (the policy grants it).
    pub admissible: bool,
    /// Number of failed policy verdicts.
    pub violations: u16,
    /// Number of turns.
    pub n_turns: u16,
    /// Frustration at the end.
    pub final_frustration: f64,
    /// CSAT proxy, 1 to 5.
    pub csat: u8,
    /// Range of this episode's rows in [`ShardOutput::turns`].
    pub turns: std::ops::Range<usize>,
    /// Range of this episode's verdicts in [`ShardOutput::verdicts`].
    pub verdicts: std::ops::Range<usize>,
    /// What the agent noted about its own behaviour.
    pub agent_notes: Vec<AgentNote>,
    /// Policy rules that had occasion to apply (bit per rule index, first 64 rules).
    pub rules_exercised: u64,
    /// The scenario's metrics on the final world, in declaration order (unused entries are 0).
    pub metrics: [i64; crate::spec::MAX_METRICS],
}

impl EpisodeRecord {
    /// The reward that cannot be gamed: resolved with no policy violation.
    pub fn success(&self) -> bool {
        self.resolved && self.violations == 0
    }

    /// Whether the episode was abandoned by the customer (or ran out of turns).
    pub fn abandoned(&self) -> bool {
        matches!(self.end, EndReason::Abandoned | EndReason::TurnLimit)
    }

    /// Whether the episode was escalated to a human.
    pub fn escalated(&self) -> bool {
        self.end == EndReason::Escalated
    }
}

/// The output of running a range of episodes: records in episode order and flat row buffers.
#[derive(Clone, Debug, Default)]
pub struct ShardOutput {
    /// One record per episode, in episode order.
    pub episodes: Vec<EpisodeRecord>,
    /// Turn rows; each record names its range.
    pub turns: Vec<TurnRecord>,
    /// Verdicts; each record names its range.
    pub verdicts: Vec<Verdict>,
}

impl ShardOutput {
    /// The turn rows of one record.
    pub fn turns_of(&self, record: &EpisodeRecord) -> &[TurnRecord] {
        &self.turns[record.turns.clone()]
    }

    /// The verdicts of one record.
    pub fn verdicts_of(&self, record: &EpisodeRecord) -> &[Verdict] {
        &self.verdicts[record.verdicts.clone()]
    }
}

impl RuleRef {
    /// The rule id as reported in outputs.
    pub fn id<'a>(&self, scenario: &'a ScenarioSpec) -> &'a str {
        match self {
            RuleRef::Policy(idx) => &scenario.rules[*idx as usize].id,
            RuleRef::Resolution => "resolution",
            RuleRef::Abandoned => "experience.abandoned",
            RuleRef::Escalated => "experience.escalated",
            RuleRef::TurnLimit => "experience.turn_limit",
            RuleRef::AgentFailed => "experience.agent_failed",
        }
    }
}

impl Verdict {
    /// A one-line explanation.
    pub fn describe(&self, scenario: &ScenarioSpec) -> String {
        let tool = |id: ToolId| scenario.tools[id as usize].id.as_str();
        match self.reason {
            Reason::StepSkipped { tool: called, missing } => {
                format!("{} called before required step {}", tool(called), tool(missing))
            }
            Reason::Unfinished { missing } => {
                format!("closed before required step {}", tool(missing))
            }
            Reason::AmountOver { amount, limit } => format!(
                "refund of ${}.{:02} exceeds the ${}.{:02} left on the order",
                amount / 100,
                amount % 100,
                limit / 100,
                limit % 100
            ),
            Reason::GateClosed { gate, tool: called } => {
                format!("{} called after {} failed", tool(called), tool(gate))
            }
            Reason::OverLimit { arg: crate::act::Slot::AMOUNT, value, limit } => format!(
                "${}.{:02} is over the ${}.{:02} allowed without approval",
                value / 100,
                value % 100,
                limit / 100,
                limit % 100
            ),
            Reason::OverLimit { arg, value, limit } => {
                format!(
                    "{} {value} is over the {limit} allowed without approval",
                    scenario.slot_name(arg)
                )
            }
            Reason::RequiresUnmet { tool: called, missing } => {
                format!("{} called before {} had succeeded", tool(called), tool(missing))
            }
            Reason::DisclosedUnverified => {
                "stated an account fact before the customer was verified".to_owned()
            }
            Reason::ClosedUnconfirmed => {
                "closed without asking whether anything else was needed".to_owned()
            }
            Reason::HumanNotOffered { demand_turn } => {
                format!(
                    "customer asked for a human at turn {demand_turn} and was not handed over in time"
                )
            }
            Reason::PressureAfterNo { rejected_turn } => {
                format!("made another offer after the customer said no at turn {rejected_turn}")
            }
            Reason::ObjectionUnanswered { objection, remedy, raised_turn } => format!(
                "offered again without answering the objection raised at turn {raised_turn} (#{objection}: {} answers it)",
                tool(remedy)
            ),
            Reason::FalseClaim { slot, said, truth } => {
                format!("stated {} = {said}, but it is {truth}", scenario.slot_name(slot))
            }
            Reason::BelowFloor { value, floor } => {
                format!("offered {value}, below the floor of {floor}")
            }
            Reason::OffScript { tool: called } => {
                format!("{} called, which is not a step of this request", tool(called))
            }
            Reason::Repeated { tool: called } => {
                format!("{} called again, after it was done for this request", tool(called))
            }
            Reason::WriteAfterRefusal { check, tool: called } => {
                format!("{} called after {} said no", tool(called), tool(check))
            }
            Reason::WrongValue { arg, value, expected } => {
                let render = |value: u64| {
                    if arg == crate::act::Slot::AMOUNT {
                        format!("${}.{:02}", value / 100, value % 100)
                    } else {
                        value.to_string()
                    }
                };
                let given = value.map_or("nothing".to_owned(), render);
                format!("{} entered as {given} where the policy prescribes {}", scenario.slot_name(arg), render(expected))
            }
            Reason::NotAsAccepted { arg, value, accepted } => {
                let given = value.map_or("nothing".to_owned(), |value| value.to_string());
                format!(
                    "{} entered as {given} where the customer took an offer of {accepted}",
                    scenario.slot_name(arg)
                )
            }
            Reason::WrongfulRefusal { admissible: true } => {
                "refused an admissible request with no failed check to justify it".to_owned()
            }
            Reason::WrongfulRefusal { admissible: false } => {
                "refused before any check the policy uses had established that the request is inadmissible"
                    .to_owned()
            }
            Reason::RefusalUnexplained { grounds, given: None } => {
                format!("refused without saying why ({} had said no)", tool(grounds))
            }
            Reason::RefusalUnexplained { grounds, given: Some(given) } => format!(
                "refused because of {}, which had not said no ({} had)",
                scenario.tools.get(usize::from(given)).map_or("an unknown tool", |t| t.id.as_str()),
                tool(grounds)
            ),
            Reason::Resolved => "the world reached the goal state".to_owned(),
            Reason::DeclinedCorrectly => {
                "request not admissible; declined and nothing changed".to_owned()
            }
            Reason::GoalNotReached => "the world did not reach the goal state".to_owned(),
            Reason::NeverOffered => "the customer was never made an offer to answer".to_owned(),
            Reason::NotAnswered { slot } => {
                format!("the customer was never told {} (or was told a wrong one)", scenario.slot_name(slot))
            }
            Reason::GrantedWrongly => "request not admissible but the world was changed".to_owned(),
            Reason::NeverDeclined => {
                "request not admissible and the agent never declined it after a failed check".to_owned()
            }
            Reason::CustomerLeft => "the customer left".to_owned(),
            Reason::HandedOver => "handed over to a human".to_owned(),
            Reason::OutOfTurns => "the turn limit was reached".to_owned(),
            Reason::AgentFailed => "the agent failed to act".to_owned(),
        }
    }
}

/// Name of a membership level code.
pub fn membership_name(code: u64) -> &'static str {
    MEMBERSHIP_LEVELS.get(code as usize).copied().unwrap_or("guest")
}
