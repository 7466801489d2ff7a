//! The sloppy agent's faults against the hand-written fault tables (`tests/faults/*.ron`): every fault it plants is
//! caught at its turn by a rule its table row names, and every failed policy verdict is explained by a fault planted
//! at that turn (or, for a row's `later` rules, before it). The tables are written from the policies, not from the
//! oracle code, so a rule that encodes its policy wrongly shows up as a mismatch here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Deserialize;
use sim_core::agents::{Fault, Sloppy, SloppyConfig};
use sim_core::prelude::*;
use sim_core::testing::{FaultRow, match_faults};

/// What one fault must break, as a fault table row.
#[derive(Debug, Deserialize)]
enum Row {
    /// The fault breaks these rules.
    Breaks {
        /// At least one of these fails at the fault's turn.
        caught_by: Vec<String>,
        /// These may fail at the fault's turn as well.
        #[serde(default)]
        also: Vec<String>,
        /// These may fail at a later turn of the episode, because of this fault.
        #[serde(default)]
        later: Vec<String>,
        /// The policy's sentence that makes it a breach.
        #[allow(dead_code)]
        why: String,
    },
    /// The scenario gives the fault no occasion; the reason.
    NotApplicable(String),
}

/// A scenario's fault table: fault name → row.
type Table = BTreeMap<String, Row>;

/// What a run planted and what was caught.
#[derive(Debug, Default)]
pub(crate) struct Plants {
    /// Faults planted, by name.
    pub faults: BTreeMap<String, usize>,
    /// Failed policy verdicts explained by a fault, by rule id.
    pub caught: BTreeMap<String, usize>,
    /// (fault, rule) pairs seen: which table entries the run exercised.
    pub pairs: BTreeSet<(String, String)>,
}

fn table_path(scenario: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("faults").join(format!("{scenario}.ron"))
}

/// Reads a scenario's fault table and checks it names every fault once and only rules the scenario has.
fn table(scenario: &ScenarioSpec, name: &str) -> Table {
    let path = table_path(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let table: Table = ron::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let names: BTreeSet<&str> = Fault::ALL.iter().map(|fault| fault.name()).collect();
    let listed: BTreeSet<&str> = table.keys().map(String::as_str).collect();
    assert_eq!(listed, names, "{}: the table must have one row per fault", path.display());
    for (fault, row) in &table {
        if let Row::Breaks { caught_by, also, later, .. } = row {
            assert!(!caught_by.is_empty(), "{}: `{fault}` is caught by nothing", path.display());
            for rule in caught_by.iter().chain(also).chain(later) {
                assert!(
                    scenario.rules.iter().any(|r| r.id == *rule),
                    "{}: `{fault}` names `{rule}`, which {name} does not have",
                    path.display()
                );
            }
        }
    }
    table
}

/// Runs the sloppy agent with `config` on a built-in scenario and holds every episode to the scenario's fault table.
pub(crate) fn check_scenario(name: &str, config: SloppyConfig, episodes: u64) -> Plants {
    let (scenario, personas) = crate::support::built_in(name);
    let table = table(&scenario, name);
    let agent = Box::new(Sloppy::new(scenario.clone(), config));
    let mut engine =
        Engine::new(scenario.clone(), personas, agent, EngineConfig { slots: 128 }).unwrap();
    let out = engine.run(21, 0..episodes);
    let mut plants = Plants::default();
    for record in &out.episodes {
        let notes: Vec<(&str, u16)> =
            record.agent_notes.iter().map(|n| (n.fault.as_str(), n.turn)).collect();
        let failed: Vec<(&str, u16)> = out
            .verdicts_of(record)
            .iter()
            .filter(|v| !v.passed && matches!(v.rule, RuleRef::Policy(_)))
            .map(|v| (v.rule.id(&scenario), v.turn))
            .collect();
        let row = |fault: &str| match &table[fault] {
            Row::Breaks { caught_by, also, later, .. } => {
                FaultRow { caught_by: names(caught_by), also: names(also), later: names(later) }
            }
            Row::NotApplicable(why) => {
                panic!(
                    "episode {}: planted `{fault}`, which the table calls not applicable: {why}",
                    record.episode
                )
            }
        };
        let because = match_faults(&notes, &failed, row)
            .unwrap_or_else(|disagreement| panic!("episode {}: {disagreement}", record.episode));
        for &(fault, _) in &notes {
            *plants.faults.entry(fault.to_owned()).or_insert(0) += 1;
        }
        for (&(rule, _), fault) in failed.iter().zip(because) {
            *plants.caught.entry(rule.to_owned()).or_insert(0) += 1;
            plants.pairs.insert((fault.to_owned(), rule.to_owned()));
        }
    }
    plants
}

/// The rule ids of a table row, borrowed.
fn names(rules: &[String]) -> Vec<&str> {
    rules.iter().map(String::as_str).collect()
}

/// At least 20 failures of `rule` came from plants.
pub(crate) fn assert_plants(plants: &Plants, rule: &str) {
    let caught = plants.caught.get(rule).copied().unwrap_or(0);
    assert!(caught >= 20, "too few `{rule}` plants caught ({caught}): {:?}", plants.caught);
}

/// The default sloppy agent plants every fault its table calls applicable, and the run exercises every rule the
/// table names (a row that names a rule no run produces is a row to correct).
fn plants_every_fault(name: &str) {
    let plants = check_scenario(name, SloppyConfig::default(), 20_000);
    eprintln!("{name}: planted {:?}\ncaught {:?}", plants.faults, plants.caught);
    let (scenario, _) = crate::support::built_in(name);
    for (fault, row) in table(&scenario, name) {
        let Row::Breaks { caught_by, also, later, .. } = row else { continue };
        let planted = plants.faults.get(&fault).copied().unwrap_or(0);
        assert!(planted >= 20, "{name}: `{fault}` planted {planted} times: {:?}", plants.faults);
        for rule in caught_by.iter().chain(&also).chain(&later) {
            assert!(
                plants.pairs.contains(&(fault.clone(), rule.clone())),
                "{name}: no `{fault}` plant broke `{rule}`; seen: {:?}",
                plants.pairs
            );
        }
    }
}

#[test]
fn retail_support_faults_match_their_table() {
    plants_every_fault("retail-support");
}

#[test]
fn bank_card_services_faults_match_their_table() {
    plants_every_fault("bank-card-services");
}

#[test]
fn inbound_sales_faults_match_their_table() {
    plants_every_fault("inbound-sales");
}

#[test]
fn subscription_retention_faults_match_their_table() {
    plants_every_fault("subscription-retention");
}

#[test]
fn star_hotel_faults_match_their_table() {
    plants_every_fault("star-hotel");
}

#[test]
fn telecom_troubleshooting_faults_match_their_table() {
    plants_every_fault("telecom-troubleshooting");
}
