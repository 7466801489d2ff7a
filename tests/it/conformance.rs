//! The conformance suite: hand-written conversations in `tests/conformance/*.ron`, one file per built-in scenario,
//! each with the verdicts a reader of the policy text expects (issue 10, item 8). The harness plays every case
//! through the real world, tools and oracles, turn by turn as the engine does, and reports every case that disagrees.
//!
//! A case the oracle gets wrong stays as the policy text reads; it carries `known_bug` and is listed apart without
//! failing the test, until it passes, when the stale marker fails it. `tests/conformance/README.md` gives the format.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sim_core::act::{Act, ActKind, MAX_VALUES, Slot, SlotSet, Speaker};
use sim_core::customer::Customer;
use sim_core::field::FieldType;
use sim_core::oracle::{self, PolicyState};
use sim_core::record::{RuleRef, TurnRecord, Verdict};
use sim_core::spec::{IntentId, IntentSpec, PersonaSpec, ScenarioSpec};
use sim_core::world::{MEMBERSHIP_LEVELS, ToolArgs, ToolOutcome, WorldState};

/// One scenario's case file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Conformance {
    /// The built-in scenario the cases are about.
    scenario: String,
    cases: Vec<Case>,
}

/// One conversation and what the policy text says of it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    /// The rule text or guideline sentence the case tests, quoted or paraphrased.
    why: String,
    intent: String,
    #[serde(default = "calm")]
    persona: String,
    #[serde(default = "first_seed")]
    seed: u64,
    /// World facts set before the customer is drawn: the scenario's fields by name, and the built-in facts.
    #[serde(default)]
    world: BTreeMap<String, String>,
    #[serde(default)]
    customer: CustomerSetup,
    conversation: Vec<Row>,
    /// The failed policy verdicts, as (rule id, turn).
    violations: Vec<(String, u16)>,
    resolved: bool,
    /// Why the oracle disagrees with this case today; the case is reported apart and does not fail the test.
    #[serde(default)]
    known_bug: Option<String>,
}

fn calm() -> String {
    "calm".to_owned()
}

fn first_seed() -> u64 {
    1
}

/// What the case says of the customer beyond the persona's draw.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerSetup {
    #[serde(default)]
    impostor: Option<bool>,
    /// Goal values by slot name (the amount to refund, the new value…).
    #[serde(default)]
    goals: BTreeMap<String, String>,
}

/// One turn of the conversation.
#[derive(Debug, Deserialize)]
enum Row {
    Customer(Said),
    Agent(Said),
    /// A tool call: tool id, arguments, and optionally whether it must pass or fail.
    Call(String, Vec<(String, String)>, #[serde(default)] Option<Expect>),
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
enum Expect {
    Passes,
    Fails,
}

/// An act as a case file writes it: its kind, with the slots it asks for or the values it carries.
#[derive(Debug, Deserialize)]
enum Said {
    StateNeed,
    VagueNeed,
    Inform(Vec<(String, String)>),
    DontKnow(Vec<String>),
    OffTopic,
    Insist,
    DemandHuman,
    Acknowledge,
    ThankBye,
    Leave,
    Nudge,
    Accept,
    Reject,
    /// An objection to the price.
    Object,
    /// One of the intent's declared objections, by name.
    Concern(String),
    Performed,
    Unable,
    Works,
    Greet,
    AskNeed,
    AskWhy,
    Ask(Vec<String>),
    InformResult,
    Disclose(Vec<(String, String)>),
    /// A refusal that gives no reason.
    Deny,
    /// A refusal naming the check (a tool id) that said no.
    DenyBecause(String),
    Apologize,
    AnythingElse,
    Transfer,
    Close,
    Filler,
    Offer(Vec<(String, String)>),
}

/// What running a case file found.
#[derive(Debug, Default)]
struct Report {
    scenario: String,
    cases: usize,
    /// Cases that disagree with the oracle (or cannot be set up), one block each.
    failures: Vec<String>,
    /// Cases marked `known_bug` that still disagree.
    known_bugs: Vec<String>,
    /// Cases marked `known_bug` that now agree: the marker must go.
    stale: Vec<String>,
    /// Flows with no case, and rules no case breaches.
    gaps: Vec<String>,
}

/// What the oracles said of one conversation.
struct Judged {
    /// Failed policy verdicts: (rule id, turn, explanation), sorted.
    violations: Vec<(String, u16, String)>,
    resolution: Verdict,
}

/// The built-in shipping states, in `ShippingStatus` order.
const SHIPPING: [&str; 4] = ["order received", "in transit", "out for delivery", "delivered"];

#[test]
fn retail_support() {
    check_file("retail-support");
}

#[test]
fn bank_card_services() {
    check_file("bank-card-services");
}

#[test]
fn inbound_sales() {
    check_file("inbound-sales");
}

#[test]
fn subscription_retention() {
    check_file("subscription-retention");
}

#[test]
fn star_hotel() {
    check_file("star-hotel");
}

#[test]
fn telecom_troubleshooting() {
    check_file("telecom-troubleshooting");
}

#[test]
fn every_built_in_scenario_has_a_case_file() {
    let mut files: Vec<String> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ron"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut built_in: Vec<String> =
        sim_scenarios::BUILT_IN.iter().map(|(id, _)| (*id).to_owned()).collect();
    built_in.sort();
    assert_eq!(files, built_in);
}

/// The harness can fail: a case expecting a violation at the wrong turn is reported with both lists.
#[test]
fn a_wrong_expected_turn_is_reported() {
    let report = check_text(&two_factor_case("[(\"confirm-before-close\", 7)]", ""), "inline");
    assert!(report.known_bugs.is_empty() && report.stale.is_empty(), "{report:#?}");
    assert_eq!(report.failures.len(), 1, "{report:#?}");
    let failure = &report.failures[0];
    assert!(failure.contains("reset_2fa closes unasked"), "{failure}");
    assert!(failure.contains("expected violations: confirm-before-close@7"), "{failure}");
    assert!(failure.contains("got: confirm-before-close@8 (closed without asking"), "{failure}");
}

/// A known bug is listed apart while it disagrees, and its marker fails the test once it agrees.
#[test]
fn known_bugs_are_reported_apart_until_they_pass() {
    let marked = ", known_bug: \"for the test\"";
    let report = check_text(&two_factor_case("[(\"confirm-before-close\", 7)]", marked), "inline");
    assert!(report.failures.is_empty(), "{report:#?}");
    assert_eq!(report.known_bugs.len(), 1, "{report:#?}");
    assert!(report.known_bugs[0].contains("for the test"), "{report:#?}");
    let report = check_text(&two_factor_case("[(\"confirm-before-close\", 8)]", marked), "inline");
    assert!(report.failures.is_empty() && report.known_bugs.is_empty(), "{report:#?}");
    assert_eq!(report.stale.len(), 1, "{report:#?}");
}

/// Names the harness cannot resolve are errors that name the case.
#[test]
fn unknown_names_are_reported_with_the_case() {
    let text = two_factor_case("[(\"confirm-before-close\", 8)]", "")
        .replace("world: {}", "world: {\"account.shoe_size\": \"9\"}");
    let report = check_text(&text, "inline");
    assert_eq!(report.failures.len(), 1, "{report:#?}");
    let failure = &report.failures[0];
    assert!(failure.contains("reset_2fa closes unasked"), "{failure}");
    assert!(failure.contains("unknown world fact `account.shoe_size`"), "{failure}");
}

/// A retail Reset Two-Factor Auth that closes without asking whether anything else is needed.
fn two_factor_case(violations: &str, extra: &str) -> String {
    format!(
        r#"Conformance(scenario: "retail-support", cases: [(
            name: "reset_2fa closes unasked",
            why: "wrap up by asking if the customer needs any further assistance",
            intent: "reset_2fa",
            world: {{}},
            conversation: [
                Customer(StateNeed),
                Agent(Ask(["full_name"])),
                Customer(Inform([("full_name", "true")])),
                Call("pull-up-account", [("full_name", "true")], Passes),
                Agent(Ask(["email"])),
                Customer(Inform([("email", "true")])),
                Call("enter-details", [("email", "true")]),
                Call("send-link", []),
                Agent(Close),
            ],
            violations: {violations},
            resolved: true{extra},
        )])"#
    )
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance")
}

/// Runs one scenario's case file; fails with every disagreeing case at once.
fn check_file(name: &str) {
    let path = cases_dir().join(format!("{name}.ron"));
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let report = check_text(&text, &path.display().to_string());
    assert_eq!(report.scenario, name, "{}: the file is about another scenario", path.display());
    println!("{name}: {} cases, {} known bugs", report.cases, report.known_bugs.len());
    for bug in &report.known_bugs {
        println!("known bug: {bug}");
    }
    let mut problems = report.failures;
    problems.extend(report.stale);
    problems.extend(report.gaps);
    assert!(
        problems.is_empty(),
        "{}: {} problems over {} cases (disagreeing cases, stale known_bug markers, coverage gaps):\n\n{}",
        path.display(),
        problems.len(),
        report.cases,
        problems.join("\n\n")
    );
}

/// Parses a case file and plays every case; `origin` names the file in messages.
fn check_text(text: &str, origin: &str) -> Report {
    let file: Conformance = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(text)
        .unwrap_or_else(|err| panic!("{origin}:{err}"));
    let (scenario, _) = sim_runners::setup::load_scenario(&file.scenario)
        .unwrap_or_else(|err| panic!("{origin}: scenario `{}`: {err}", file.scenario));
    let mut personas = BTreeMap::new();
    let mut report =
        Report { scenario: file.scenario.clone(), cases: file.cases.len(), ..Report::default() };
    for case in &file.cases {
        let judged = personas_for(&mut personas, &case.persona)
            .and_then(|persona| play(&scenario, persona, case));
        let judged = match judged {
            Ok(judged) => judged,
            Err(err) => {
                report.failures.push(format!("case `{}` ({origin}): {err}", case.name));
                continue;
            }
        };
        let unknown_rules: Vec<&str> = case
            .violations
            .iter()
            .map(|(rule, _)| rule.as_str())
            .filter(|rule| !scenario.rules.iter().any(|spec| spec.id == *rule))
            .collect();
        if !unknown_rules.is_empty() {
            report.failures.push(format!(
                "case `{}` ({origin}): unknown rule ids {unknown_rules:?}",
                case.name
            ));
            continue;
        }
        let got: Vec<(&str, u16)> =
            judged.violations.iter().map(|(rule, turn, _)| (rule.as_str(), *turn)).collect();
        let mut expected: Vec<(&str, u16)> =
            case.violations.iter().map(|(rule, turn)| (rule.as_str(), *turn)).collect();
        expected.sort();
        let agrees = got == expected && judged.resolution.passed == case.resolved;
        match (&case.known_bug, agrees) {
            (None, true) => {}
            (None, false) => report.failures.push(describe(&scenario, case, &judged, origin)),
            (Some(bug), false) => report.known_bugs.push(format!(
                "{}\n  known bug: {bug}",
                describe(&scenario, case, &judged, origin)
            )),
            (Some(_), true) => report.stale.push(format!(
                "case `{}` ({origin}) is marked known_bug but now agrees with the oracle: remove the marker",
                case.name
            )),
        }
    }
    report.gaps = coverage_gaps(&scenario, &file.cases);
    report
}

/// Flows no case covers, and rules no case expects to be breached.
fn coverage_gaps(scenario: &ScenarioSpec, cases: &[Case]) -> Vec<String> {
    let mut gaps = Vec::new();
    let mut flows: Vec<&str> = scenario.intents.iter().map(|intent| intent.flow.as_str()).collect();
    flows.sort_unstable();
    flows.dedup();
    for flow in flows {
        let covered = cases.iter().any(|case| {
            scenario.intents.iter().any(|intent| intent.id == case.intent && intent.flow == flow)
        });
        if !covered {
            gaps.push(format!("{}: no case for flow `{flow}`", scenario.id));
        }
    }
    for rule in &scenario.rules {
        let breached =
            cases.iter().any(|case| case.violations.iter().any(|(id, _)| *id == rule.id));
        if !breached {
            gaps.push(format!("{}: no case breaches rule `{}`", scenario.id, rule.id));
        }
    }
    gaps
}

/// One disagreeing case, with both sides.
fn describe(scenario: &ScenarioSpec, case: &Case, judged: &Judged, origin: &str) -> String {
    let expected: Vec<String> =
        case.violations.iter().map(|(rule, turn)| format!("{rule}@{turn}")).collect();
    let got: Vec<String> = judged
        .violations
        .iter()
        .map(|(rule, turn, why)| format!("{rule}@{turn} ({why})"))
        .collect();
    let none = |list: &[String]| if list.is_empty() { "none".to_owned() } else { list.join(", ") };
    format!(
        "case `{}` ({origin}):\n  why: {}\n  expected violations: {}\n  got: {}\n  expected resolved: {}; got: {} ({})",
        case.name,
        case.why,
        none(&expected),
        none(&got),
        case.resolved,
        judged.resolution.passed,
        judged.resolution.describe(scenario)
    )
}

fn personas_for<'a>(
    cache: &'a mut BTreeMap<String, PersonaSpec>,
    name: &str,
) -> Result<&'a PersonaSpec, String> {
    if !cache.contains_key(name) {
        let mut loaded = sim_runners::setup::load_personas(&[name.to_owned()], &[])
            .map_err(|err| format!("persona `{name}`: {err}"))?;
        cache.insert(name.to_owned(), loaded.remove(0));
    }
    Ok(&cache[name])
}

/// Builds the case's world and customer, plays its conversation and judges it as the engine would.
fn play(scenario: &ScenarioSpec, persona: &PersonaSpec, case: &Case) -> Result<Judged, String> {
    let intent_id = scenario
        .intent_id(&case.intent)
        .ok_or_else(|| format!("unknown intent `{}`", case.intent))?;
    let intent = &scenario.intents[usize::from(intent_id)];
    let (mut world, mut customer) = setup(scenario, persona, intent_id, case)?;
    // As the engine's `start_episode` does.
    let mut policy = PolicyState {
        admissible: oracle::should_grant(scenario, intent, &world, &customer),
        ..PolicyState::default()
    };
    let mut turns: Vec<TurnRecord> = Vec::with_capacity(case.conversation.len());
    let mut verdicts = Vec::new();
    for (idx, row) in case.conversation.iter().enumerate() {
        let turn = u16::try_from(idx).map_err(|_| "more than 65,535 turns".to_owned())?;
        let at = |err: String| format!("turn {turn}: {err}");
        let record = match row {
            Row::Customer(said) => {
                let act = act_of(scenario, intent_id, &world, &customer, said).map_err(at)?;
                if !act.kind.by_customer() {
                    return Err(at(format!("{} is not a customer act", act.kind.name())));
                }
                if act.kind == ActKind::Accept {
                    take_offer(intent, &turns, &mut customer);
                }
                said_row(turn, Speaker::Customer, act)
            }
            Row::Agent(said) => {
                let act = act_of(scenario, intent_id, &world, &customer, said).map_err(at)?;
                if act.kind.by_customer() {
                    return Err(at(format!("{} is not an agent act", act.kind.name())));
                }
                said_row(turn, Speaker::Agent, act)
            }
            Row::Call(tool_name, args, expect) => {
                let tool = scenario
                    .tool_id(tool_name)
                    .ok_or_else(|| at(format!("unknown tool `{tool_name}`")))?;
                if args.len() > MAX_VALUES {
                    return Err(at(format!("a call carries at most {MAX_VALUES} arguments")));
                }
                let mut tool_args = ToolArgs::default();
                for (slot, value) in args {
                    let slot = slot_named(scenario, slot).map_err(at)?;
                    tool_args.push(
                        slot,
                        value_of(scenario, &world, &customer, slot, value).map_err(at)?,
                    );
                }
                // An action on the customer's own device happens only when they manage it: a case says they did
                // not by answering `Unable` right after the call.
                let unable =
                    matches!(case.conversation.get(idx + 1), Some(Row::Customer(Said::Unable)));
                let managed = scenario.tools[usize::from(tool)].instruction.is_none() || !unable;
                let outcome = if managed {
                    world.apply(scenario, intent, tool, &tool_args)
                } else {
                    ToolOutcome::new(false, 0)
                };
                if let Some(expect) = expect
                    && (*expect == Expect::Passes) != outcome.passed
                {
                    let (wanted, got) =
                        if outcome.passed { ("fail", "passed") } else { ("pass", "failed") };
                    return Err(at(format!("{tool_name} was expected to {wanted} but {got}")));
                }
                TurnRecord {
                    tool: Some(tool),
                    args: tool_args,
                    outcome: Some(outcome),
                    ..TurnRecord::blank(turn, Speaker::Tool)
                }
            }
        };
        let by_agent = record.speaker != Speaker::Customer;
        turns.push(record);
        if by_agent {
            // As the engine's `observe_policy` does after every agent turn.
            oracle::judge_agent_turn(scenario, intent, &world, &mut policy, &turns, &mut verdicts);
        }
    }
    let last_turn = turns.last().map_or(0, |row| row.turn);
    oracle::observe_customer(intent, &mut policy, &turns);
    let resolution =
        oracle::judge_resolution(scenario, intent, &world, &customer, &policy, last_turn);
    let mut violations: Vec<(String, u16, String)> = verdicts
        .iter()
        .filter(|verdict| !verdict.passed && matches!(verdict.rule, RuleRef::Policy(_)))
        .map(|verdict| {
            (verdict.rule.id(scenario).to_owned(), verdict.turn, verdict.describe(scenario))
        })
        .collect();
    violations.sort();
    Ok(Judged { violations, resolution })
}

/// The case's world (generated from its seed, redrawn for the intent's premise as the engine does, then the case's
/// facts) and customer (drawn from the persona, then the case's impostor flag and goals).
fn setup(
    scenario: &ScenarioSpec,
    persona: &PersonaSpec,
    intent_id: IntentId,
    case: &Case,
) -> Result<(WorldState, Customer), String> {
    let intent = &scenario.intents[usize::from(intent_id)];
    let mut rng = sim_core::testing::rng_from_seed(case.seed);
    let mut world = WorldState::generate(scenario, &mut rng);
    if let Some(premise) = &intent.premise {
        for _ in 1..sim_core::spec::MAX_PREMISE_DRAWS {
            if premise.holds(&world.focused(scenario)) {
                break;
            }
            world.regenerate(scenario, &mut rng);
        }
    }
    set_world(scenario, &mut world, &case.world)?;
    let mut customer =
        Customer::generate(scenario, 0, persona, intent_id, intent, &world, &mut rng);
    if let (Some(offer), Some(terms)) = (intent.offer, customer.offer) {
        // As the engine does: the world holds the customer's true threshold, unless the case sets it.
        world.settle_field(scenario, offer.threshold, terms.threshold);
        set_world(scenario, &mut world, &case.world)?;
    }
    if let Some(impostor) = case.customer.impostor {
        customer.impostor = impostor;
    }
    for (name, text) in &case.customer.goals {
        let slot = slot_named(scenario, name)?;
        let value = parse_slot(scenario, slot, text)?;
        customer.knowledge.known = customer.knowledge.known.with(slot);
        customer.knowledge.values[slot] = value;
    }
    Ok((world, customer))
}

/// Sets the case's world facts: the scenario's fields by `entity.field` name (the focus instance of a list), and the
/// built-in account and order facts by the names expressions give them.
fn set_world(
    scenario: &ScenarioSpec,
    world: &mut WorldState,
    facts: &BTreeMap<String, String>,
) -> Result<(), String> {
    for (name, text) in facts {
        let bad = |what: &str| format!("world fact `{name}`: `{text}` is not {what}");
        match name.as_str() {
            "MembershipLevel" => {
                let level = label(&MEMBERSHIP_LEVELS, text)
                    .ok_or_else(|| bad("guest, bronze, silver or gold"))?;
                world.account.membership = level;
                world.original.membership = level;
            }
            "ShippingStatus" => {
                world.order.shipping =
                    label(&SHIPPING, text).ok_or_else(|| bad(&SHIPPING.join(", ")))?;
            }
            "OracleYes" => world.oracle_yes = yes_no(text).ok_or_else(|| bad("yes or no"))?,
            "DaysSincePurchase" => {
                world.order.days_since_purchase =
                    text.parse().map_err(|_| bad("a number of days"))?;
            }
            "Refunded" => world.order.refunded = dollars(text).ok_or_else(|| bad("dollars"))?,
            "OrderTotal" | "ItemPrices" => {
                let prices: Option<Vec<u64>> = text.split(',').map(dollars).collect();
                let prices = prices.filter(|prices| (1..=4).contains(&prices.len()));
                let prices = prices.ok_or_else(|| bad("one to four amounts in dollars"))?;
                if name == "OrderTotal" && prices.len() != 1 {
                    return Err(bad("one amount in dollars (the order's one item)"));
                }
                world.order.n_items = prices.len() as u8;
                world.order.prices = [0; 4];
                world.order.prices[..prices.len()].copy_from_slice(&prices);
            }
            _ => {
                let field = scenario
                    .fields
                    .iter()
                    .position(|field| field.name == *name)
                    .ok_or_else(|| format!("unknown world fact `{name}`"))?;
                let value =
                    parse_typed(&scenario.fields[field].ty, text).map_err(|what| bad(&what))?;
                world.settle_field(scenario, field as u8, value);
            }
        }
    }
    Ok(())
}

/// The act a row says.
fn act_of(
    scenario: &ScenarioSpec,
    intent_id: IntentId,
    world: &WorldState,
    customer: &Customer,
    said: &Said,
) -> Result<Act, String> {
    let bare = |kind| Ok(Act::bare(kind));
    let with_values = |kind, pairs: &[(String, String)]| -> Result<Act, String> {
        if pairs.len() > MAX_VALUES {
            return Err(format!("an act carries at most {MAX_VALUES} values"));
        }
        let mut act = Act::bare(kind);
        for (name, text) in pairs {
            let slot = slot_named(scenario, name)?;
            act.put(slot, value_of(scenario, world, customer, slot, text)?);
        }
        Ok(act)
    };
    let slots = |names: &[String]| -> Result<SlotSet, String> {
        names.iter().try_fold(SlotSet::EMPTY, |set, name| Ok(set.with(slot_named(scenario, name)?)))
    };
    match said {
        Said::StateNeed => Ok(Act { intent: intent_id, ..Act::bare(ActKind::StateNeed) }),
        Said::Insist => Ok(Act { intent: intent_id, ..Act::bare(ActKind::Insist) }),
        Said::VagueNeed => bare(ActKind::VagueNeed),
        Said::Inform(pairs) => with_values(ActKind::Inform, pairs),
        Said::DontKnow(names) => Ok(Act { slots: slots(names)?, ..Act::bare(ActKind::DontKnow) }),
        Said::OffTopic => bare(ActKind::OffTopic),
        Said::DemandHuman => bare(ActKind::DemandHuman),
        Said::Acknowledge => bare(ActKind::Acknowledge),
        Said::ThankBye => bare(ActKind::ThankBye),
        Said::Leave => bare(ActKind::Leave),
        Said::Nudge => bare(ActKind::Nudge),
        Said::Accept => bare(ActKind::Accept),
        Said::Reject => bare(ActKind::Reject),
        Said::Object => Ok(Act::object(None)),
        Said::Concern(name) => {
            let intent = &scenario.intents[usize::from(intent_id)];
            let idx = intent
                .objections
                .iter()
                .position(|objection| objection.name == *name)
                .ok_or_else(|| format!("the intent declares no objection `{name}`"))?;
            Ok(Act::object(Some(idx as u8)))
        }
        Said::Performed => bare(ActKind::Performed),
        Said::Unable => bare(ActKind::Unable),
        Said::Works => bare(ActKind::Works),
        Said::AskWhy => Ok(Act { intent: intent_id, ..Act::bare(ActKind::AskWhy) }),
        Said::Greet => bare(ActKind::Greet),
        Said::AskNeed => bare(ActKind::AskNeed),
        Said::Ask(names) => Ok(Act::ask(slots(names)?)),
        Said::InformResult => Ok(Act { intent: intent_id, ..Act::bare(ActKind::InformResult) }),
        Said::Disclose(pairs) => with_values(ActKind::Disclose, pairs),
        Said::Deny => Ok(Act::deny(intent_id, None)),
        Said::DenyBecause(tool) => {
            let id = scenario.tool_id(tool).ok_or_else(|| format!("unknown tool `{tool}`"))?;
            Ok(Act::deny(intent_id, Some(id)))
        }
        Said::Apologize => bare(ActKind::Apologize),
        Said::AnythingElse => bare(ActKind::AnythingElse),
        Said::Transfer => bare(ActKind::Transfer),
        Said::Close => bare(ActKind::Close),
        Said::Filler => bare(ActKind::Filler),
        Said::Offer(pairs) => with_values(ActKind::Offer, pairs),
    }
}

/// What the customer model does when it takes an offer: the latest offer's value becomes its goal for the slot.
fn take_offer(intent: &IntentSpec, turns: &[TurnRecord], customer: &mut Customer) {
    let Some(offer) = intent.offer else { return };
    let offered = turns.iter().rev().find_map(|row| {
        row.act.filter(|act| row.speaker == Speaker::Agent && act.kind == ActKind::Offer)
    });
    if let Some(value) = offered.and_then(|act| act.value_of(offer.slot)) {
        customer.knowledge.known = customer.knowledge.known.with(offer.slot);
        customer.knowledge.values[offer.slot] = value;
    }
}

fn said_row(turn: u16, speaker: Speaker, act: Act) -> TurnRecord {
    TurnRecord { act: Some(act), ..TurnRecord::blank(turn, speaker) }
}

fn slot_named(scenario: &ScenarioSpec, name: &str) -> Result<Slot, String> {
    scenario.slot_named(name).ok_or_else(|| format!("unknown slot `{name}`"))
}

/// A slot value as a case writes it: `true` is the world's value (or, for a goal fact, the customer's own),
/// `wrong` one that differs from it, anything else the value itself.
fn value_of(
    scenario: &ScenarioSpec,
    world: &WorldState,
    customer: &Customer,
    slot: Slot,
    text: &str,
) -> Result<u64, String> {
    let known = customer.knowledge.known.contains(slot).then(|| customer.goal(slot));
    let truth = world.truth(scenario, slot).or(known);
    let no_truth = || format!("slot `{}` has no true value in this case", scenario.slot_name(slot));
    match text {
        "true" => truth.ok_or_else(no_truth),
        "wrong" => truth.map(|truth| wrong(scenario, slot, truth)).ok_or_else(no_truth),
        _ => parse_slot(scenario, slot, text),
    }
}

/// A value that differs from `truth` and is still of the slot's kind.
fn wrong(scenario: &ScenarioSpec, slot: Slot, truth: u64) -> u64 {
    let next = |n: u64| (truth + 1) % n;
    match scenario.declared_field(slot).map(|field| &field.ty) {
        Some(FieldType::Enum(labels)) => next(labels.len() as u64),
        Some(FieldType::Bool) => 1 - truth.min(1),
        Some(FieldType::Digits(n)) => next(10u64.pow(u32::from(*n))),
        Some(FieldType::Money) => truth + 100,
        Some(_) => truth + 1,
        None => match slot {
            Slot::MEMBERSHIP_LEVEL => next(4),
            Slot::SECURITY_ANSWER => next(sim_core::world::pools::SECURITY_ANSWERS),
            Slot::PAYMENT_METHOD => next(sim_core::world::pools::PAYMENT_METHODS),
            Slot::AMOUNT => truth + 100,
            _ => truth + 1,
        },
    }
}

/// A value written out: dollars for money, a label for enums and membership, yes/no for yes-no facts, else a number.
fn parse_slot(scenario: &ScenarioSpec, slot: Slot, text: &str) -> Result<u64, String> {
    let name = scenario.slot_name(slot);
    let parsed = match scenario.declared_field(slot) {
        Some(field) => parse_typed(&field.ty, text),
        None => match slot {
            Slot::AMOUNT => dollars(text).ok_or_else(|| "dollars".to_owned()),
            Slot::MEMBERSHIP_LEVEL => label(&MEMBERSHIP_LEVELS, text)
                .ok_or_else(|| "guest, bronze, silver or gold".to_owned()),
            _ => text.parse().map_err(|_| "a number (or `true` or `wrong`)".to_owned()),
        },
    };
    parsed.map_err(|what| format!("slot `{name}`: `{text}` is not {what}"))
}

/// A field value written out in the field's unit.
fn parse_typed(ty: &FieldType, text: &str) -> Result<u64, String> {
    match ty {
        FieldType::Money => dollars(text).ok_or_else(|| "dollars".to_owned()),
        FieldType::Bool => yes_no(text).map(u64::from).ok_or_else(|| "yes or no".to_owned()),
        FieldType::Enum(labels) => {
            let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
            label(&labels, text).ok_or_else(|| format!("one of {}", labels.join(", ")))
        }
        _ => text.parse().map_err(|_| "a whole number".to_owned()),
    }
}

fn label(labels: &[&str], text: &str) -> Option<u64> {
    labels.iter().position(|label| label.eq_ignore_ascii_case(text.trim())).map(|idx| idx as u64)
}

fn yes_no(text: &str) -> Option<bool> {
    match text.trim() {
        "yes" | "true" => Some(true),
        "no" | "false" => Some(false),
        _ => None,
    }
}

/// Dollars (`45`, `45.50`, `$45.50`) in cents.
fn dollars(text: &str) -> Option<u64> {
    let amount: f64 = text.trim().trim_start_matches('$').parse().ok()?;
    (amount >= 0.0 && amount.is_finite()).then(|| (amount * 100.0).round() as u64)
}
