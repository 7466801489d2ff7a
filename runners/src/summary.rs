//! Run statistics: accumulated per shard, merged in episode order, printed as a table and written as summary.json.

use std::collections::BTreeMap;

use serde::Serialize;
use sim_core::prelude::*;

/// Counters for one group of episodes (the whole run, a persona, an intent).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Tally {
    /// Episodes.
    pub episodes: u64,
    /// Episodes the resolution oracle passed.
    pub resolved: u64,
    /// Episodes resolved with no policy violation (the reward).
    pub success: u64,
    /// Episodes with at least one policy violation.
    pub with_violation: u64,
    /// Episodes the customer abandoned (or that ran out of turns).
    pub abandoned: u64,
    /// Episodes handed to a human.
    pub escalated: u64,
    /// Episodes the agent failed to act in (crashed, timed out, off-protocol).
    pub agent_failed: u64,
    /// Sum of turns.
    pub turns: u64,
    /// Sum of CSAT scores.
    pub csat: u64,
    /// Sum of final frustration.
    pub frustration: f64,
    /// Sums of the scenario's metrics, in the order of [`Stats::metrics`].
    pub metrics: [i128; sim_core::spec::MAX_METRICS],
}

/// A metric the scenario declares.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MetricInfo {
    /// Its name.
    pub name: String,
    /// Whether it is money in cents.
    pub money: bool,
}

/// Violations of one rule.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RuleTally {
    /// Failed verdicts.
    pub violations: u64,
    /// Episodes with at least one.
    pub episodes: u64,
    /// Episodes in which the rule had occasion to apply.
    pub exercised: u64,
}

/// Coverage of one intent × persona cell.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CoverageCell {
    /// Episodes.
    pub episodes: u64,
    /// Per rule id: episodes of this cell in which the rule had occasion to apply.
    pub rules_exercised: BTreeMap<String, u64>,
}

/// Everything the summary reports.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    /// The whole run.
    pub total: Tally,
    /// Per policy rule id (every rule of the scenario appears, with zeros if never violated).
    pub rules: BTreeMap<String, RuleTally>,
    /// Per persona id.
    pub personas: BTreeMap<String, Tally>,
    /// Per intent id.
    pub intents: BTreeMap<String, Tally>,
    /// Per intent id, per persona id: episodes and the rules they exercised.
    pub coverage: BTreeMap<String, BTreeMap<String, CoverageCell>>,
    /// The episodes most worth reading, worst first.
    pub worst: Vec<WorstEpisode>,
    /// The scenario's metrics; each tally holds their sums in this order.
    pub metrics: Vec<MetricInfo>,
    /// With `--customer-text`: customer turns in real customers' words and in the built-in phrasings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_text: Option<crate::output::text::CustomerTextTally>,
}

/// How many of the worst episodes the summary keeps.
pub const WORST_KEPT: usize = 10;

/// An episode worth reading: the most violations, then unresolved, then the lowest CSAT.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorstEpisode {
    /// Episode index.
    pub episode: u64,
    /// Failed policy verdicts.
    pub violations: u16,
    /// Resolution oracle.
    pub resolved: bool,
    /// CSAT proxy.
    pub csat: u8,
    /// How it ended.
    pub end: String,
    /// Rule id and turn of the first violation, if any.
    pub first_violation: Option<(String, u16)>,
}

impl WorstEpisode {
    fn rank(&self) -> (std::cmp::Reverse<u16>, bool, u8, u64) {
        (std::cmp::Reverse(self.violations), self.resolved, self.csat, self.episode)
    }
}

fn keep_worst(list: &mut Vec<WorstEpisode>) {
    list.sort_by_key(WorstEpisode::rank);
    list.truncate(WORST_KEPT);
}

impl Tally {
    fn add(&mut self, record: &EpisodeRecord) {
        self.episodes += 1;
        self.resolved += u64::from(record.resolved);
        self.success += u64::from(record.success());
        self.with_violation += u64::from(record.violations > 0);
        self.abandoned += u64::from(record.abandoned());
        self.escalated += u64::from(record.escalated());
        self.agent_failed += u64::from(record.end == EndReason::AgentFailed);
        self.turns += u64::from(record.n_turns);
        self.csat += u64::from(record.csat);
        self.frustration += record.final_frustration;
        for (sum, value) in self.metrics.iter_mut().zip(record.metrics) {
            *sum += i128::from(value);
        }
    }

    fn merge(&mut self, other: &Tally) {
        self.episodes += other.episodes;
        self.resolved += other.resolved;
        self.success += other.success;
        self.with_violation += other.with_violation;
        self.abandoned += other.abandoned;
        self.escalated += other.escalated;
        self.agent_failed += other.agent_failed;
        self.turns += other.turns;
        self.csat += other.csat;
        self.frustration += other.frustration;
        for (sum, value) in self.metrics.iter_mut().zip(other.metrics) {
            *sum += value;
        }
    }

    /// `count` as a fraction of episodes.
    pub fn rate(&self, count: u64) -> f64 {
        if self.episodes == 0 { 0.0 } else { count as f64 / self.episodes as f64 }
    }

    /// Mean turns per episode.
    pub fn mean_turns(&self) -> f64 {
        self.rate(self.turns)
    }

    /// Mean CSAT proxy.
    pub fn mean_csat(&self) -> f64 {
        self.rate(self.csat)
    }

    /// Mean of metric `idx` per episode.
    pub fn mean_metric(&self, idx: usize) -> f64 {
        if self.episodes == 0 { 0.0 } else { self.metrics[idx] as f64 / self.episodes as f64 }
    }
}

impl Stats {
    /// Empty stats listing every rule of the scenario.
    pub fn new(scenario: &ScenarioSpec) -> Stats {
        let rules =
            scenario.rules.iter().map(|rule| (rule.id.clone(), RuleTally::default())).collect();
        let metrics = scenario
            .metrics
            .iter()
            .map(|metric| MetricInfo { name: metric.name.clone(), money: metric.money })
            .collect();
        Stats { rules, metrics, ..Stats::default() }
    }

    /// Adds a shard's episodes.
    pub fn add_shard(
        &mut self,
        scenario: &ScenarioSpec,
        personas: &[PersonaSpec],
        out: &ShardOutput,
    ) {
        for record in &out.episodes {
            let persona = &personas[record.customer.persona as usize].id;
            let intent = &scenario.intents[record.customer.intent as usize].id;
            self.total.add(record);
            self.personas.entry(persona.clone()).or_default().add(record);
            self.intents.entry(intent.clone()).or_default().add(record);
            let cell = self
                .coverage
                .entry(intent.clone())
                .or_default()
                .entry(persona.clone())
                .or_default();
            cell.episodes += 1;
            for (idx, rule) in scenario.rules.iter().enumerate().take(64) {
                if record.rules_exercised & (1 << idx) != 0 {
                    *cell.rules_exercised.entry(rule.id.clone()).or_default() += 1;
                    self.rules.entry(rule.id.clone()).or_default().exercised += 1;
                }
            }
            let first = out
                .verdicts_of(record)
                .iter()
                .filter(|verdict| !verdict.passed && matches!(verdict.rule, RuleRef::Policy(_)))
                .min_by_key(|verdict| verdict.turn)
                .map(|verdict| (verdict.rule.id(scenario).to_owned(), verdict.turn));
            if record.violations > 0 || !record.resolved {
                self.worst.push(WorstEpisode {
                    episode: record.episode,
                    violations: record.violations,
                    resolved: record.resolved,
                    csat: record.csat,
                    end: record.end.name().to_owned(),
                    first_violation: first,
                });
                if self.worst.len() >= 4 * WORST_KEPT {
                    keep_worst(&mut self.worst);
                }
            }
            let mut seen: Vec<u16> = Vec::new();
            for verdict in out.verdicts_of(record) {
                if let (false, RuleRef::Policy(idx)) = (verdict.passed, verdict.rule) {
                    let tally =
                        self.rules.entry(scenario.rules[idx as usize].id.clone()).or_default();
                    tally.violations += 1;
                    if !seen.contains(&idx) {
                        seen.push(idx);
                        tally.episodes += 1;
                    }
                }
            }
        }
    }

    /// Rules that no episode gave occasion to apply.
    pub fn never_exercised(&self) -> Vec<&str> {
        self.rules
            .iter()
            .filter(|(_, tally)| tally.exercised == 0)
            .map(|(id, _)| id.as_str())
            .collect()
    }

    /// Merges another shard's stats (in episode order, so float sums are reproducible).
    pub fn merge(&mut self, other: &Stats) {
        self.total.merge(&other.total);
        for (id, tally) in &other.rules {
            let mine = self.rules.entry(id.clone()).or_default();
            mine.violations += tally.violations;
            mine.episodes += tally.episodes;
            mine.exercised += tally.exercised;
        }
        for (intent, by_persona) in &other.coverage {
            for (persona, cell) in by_persona {
                let mine = self
                    .coverage
                    .entry(intent.clone())
                    .or_default()
                    .entry(persona.clone())
                    .or_default();
                mine.episodes += cell.episodes;
                for (rule, count) in &cell.rules_exercised {
                    *mine.rules_exercised.entry(rule.clone()).or_default() += count;
                }
            }
        }
        for (id, tally) in &other.personas {
            self.personas.entry(id.clone()).or_default().merge(tally);
        }
        for (id, tally) in &other.intents {
            self.intents.entry(id.clone()).or_default().merge(tally);
        }
        self.worst.extend(other.worst.iter().cloned());
        keep_worst(&mut self.worst);
        if let Some(theirs) = &other.customer_text {
            self.customer_text.get_or_insert_default().merge(theirs);
        }
    }
}

/// How the end-of-run table is laid out.
#[derive(Clone, Copy, Debug)]
pub struct TableOptions<'a> {
    /// Throughput of the run, when known.
    pub episodes_per_second: Option<f64>,
    /// The run's output folder, for the replay hint.
    pub out_dir: &'a std::path::Path,
    /// Include the per-persona and per-intent tables (always in summary.json).
    pub breakdown: bool,
}

/// The headline numbers on one line: printed first and last so they never scroll away.
pub fn headline(stats: &Stats, episodes_per_second: Option<f64>) -> String {
    let total = &stats.total;
    let pct = |count| format!("{:.1}%", 100.0 * total.rate(count));
    let mut line = format!(
        "{} episodes: success {} · resolved {} · with a violation {} · abandoned {} · CSAT {:.2}",
        total.episodes,
        pct(total.success),
        pct(total.resolved),
        pct(total.with_violation),
        pct(total.abandoned),
        total.mean_csat()
    );
    if let Some(rate) = episodes_per_second {
        line.push_str(&format!(" · {rate:.0} episodes/s"));
    }
    line
}

/// Renders the end-of-run table: the headline, the rates, each rule's violations out of the episodes it applied
/// to, the worst episodes, and the headline again.
pub fn table(stats: &Stats, options: TableOptions) -> String {
    let total = &stats.total;
    let pct = |count| format!("{:.1}%", 100.0 * total.rate(count));
    let mut rows: Vec<(String, String)> = vec![
        ("episodes".into(), total.episodes.to_string()),
        ("success (resolved, no violation)".into(), pct(total.success)),
        ("resolution".into(), pct(total.resolved)),
        ("episodes with a policy violation".into(), pct(total.with_violation)),
        ("abandonment".into(), pct(total.abandoned)),
        ("escalation".into(), pct(total.escalated)),
        ("CSAT (1-5)".into(), format!("{:.2}", total.mean_csat())),
        ("agent failures".into(), format!("{} ({})", total.agent_failed, pct(total.agent_failed))),
        ("mean turns".into(), format!("{:.1}", total.mean_turns())),
    ];
    for (idx, metric) in stats.metrics.iter().enumerate() {
        let mean = total.mean_metric(idx);
        let shown =
            if metric.money { format!("${:.2}", mean / 100.0) } else { format!("{mean:.2}") };
        rows.push((format!("{} (mean)", metric.name), shown));
    }
    if let Some(rate) = options.episodes_per_second {
        rows.push(("episodes/s".into(), format!("{rate:.0}")));
    }
    if let Some(text) = &stats.customer_text {
        let turns = text.real + text.bare_values + text.templates;
        let share = if turns == 0 { 0.0 } else { 100.0 * text.real as f64 / turns as f64 };
        rows.push((
            "customer turns in real words".into(),
            format!("{share:.1}% ({} of {turns})", text.real),
        ));
        if text.with_bare_values > 0 {
            rows.push((
                "  of which with values no message gives, said bare".into(),
                text.with_bare_values.to_string(),
            ));
        }
        if text.bare_values > 0 {
            rows.push((
                "customer turns of bare values alone (no message gives them)".into(),
                text.bare_values.to_string(),
            ));
        }
        let mut acts: Vec<_> = text.templates_by_act.iter().collect();
        acts.sort_by_key(|(act, count)| (std::cmp::Reverse(**count), *act));
        let acts: Vec<String> = acts.iter().map(|(act, count)| format!("{act} {count}")).collect();
        if !acts.is_empty() {
            rows.push(("  built-in phrasings, by act".into(), acts.join(", ")));
        }
    }
    let mut out = headline(stats, options.episodes_per_second) + "\n\n";
    out.push_str(&aligned(&rows));
    let rules: Vec<(String, String)> = stats
        .rules
        .iter()
        .map(|(rule, tally)| {
            let share = if tally.exercised == 0 {
                "-".to_owned()
            } else {
                format!("{:.1}%", 100.0 * tally.episodes as f64 / tally.exercised as f64)
            };
            (
                format!("  {rule}"),
                format!("{:>6} of {:>8} episodes  {share:>6}", tally.episodes, tally.exercised),
            )
        })
        .collect();
    out.push_str("\nrules: episodes with a violation of the rule, of the episodes it applied to\n");
    out.push_str(&aligned(&rules));
    let never = stats.never_exercised();
    let never = if never.is_empty() { "none".to_owned() } else { never.join(", ") };
    out.push_str(&format!("rules never exercised: {never}\n"));
    if !stats.worst.is_empty() {
        out.push_str(&format!(
            "\nworst episodes (read them with `rehearse replay --out {} --episode N`):\n",
            options.out_dir.display()
        ));
        for worst in &stats.worst {
            let first = match &worst.first_violation {
                Some((rule, turn)) => format!(", first: {rule} at turn {turn}"),
                None => String::new(),
            };
            out.push_str(&format!(
                "  {:>8}  {} violation(s), {}, {}, CSAT {}{first}\n",
                worst.episode,
                worst.violations,
                if worst.resolved { "resolved" } else { "unresolved" },
                worst.end,
                worst.csat
            ));
        }
    }
    if options.breakdown {
        out.push_str(&breakdown("persona", &stats.personas));
        out.push_str(&breakdown("intent", &stats.intents));
    } else {
        out.push_str(&format!(
            "\nper persona ({}) and per intent ({}): `--breakdown`, or by_persona and by_intent in summary.json\n",
            stats.personas.len(),
            stats.intents.len()
        ));
    }
    out.push('\n');
    out.push_str(&headline(stats, options.episodes_per_second));
    out.push('\n');
    out
}

/// `name  value` rows with the values aligned.
fn aligned(rows: &[(String, String)]) -> String {
    let width = rows.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    rows.iter().map(|(name, value)| format!("{name:<width$}  {value}\n")).collect()
}

fn breakdown(title: &str, groups: &BTreeMap<String, Tally>) -> String {
    let width = groups.keys().map(String::len).max().unwrap_or(0).max(title.len());
    let mut out = format!(
        "\n{title:<width$}  {:>9}  {:>8}  {:>8}  {:>9}  {:>9}  {:>6}\n",
        "episodes", "success", "resolved", "violating", "abandoned", "turns"
    );
    for (id, tally) in groups {
        out.push_str(&format!(
            "{id:<width$}  {:>9}  {:>7.1}%  {:>7.1}%  {:>8.1}%  {:>8.1}%  {:>6.1}\n",
            tally.episodes,
            100.0 * tally.rate(tally.success),
            100.0 * tally.rate(tally.resolved),
            100.0 * tally.rate(tally.with_violation),
            100.0 * tally.rate(tally.abandoned),
            tally.mean_turns()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn coverage_names_rules_no_episode_exercised() {
        let scenario = Arc::new(sim_core::testing::tiny_scenario());
        let mut persona = sim_core::testing::calm_persona();
        persona.intents = vec!["manage_change_address".into()];
        let personas: Arc<[PersonaSpec]> = vec![persona].into();
        let agent = sim_core::agents::built_in("by-the-book", &scenario).unwrap();
        let mut engine =
            Engine::new(scenario.clone(), personas.clone(), agent, EngineConfig { slots: 8 })
                .unwrap();
        let out = engine.run(1, 0..300);
        let mut stats = Stats::new(&scenario);
        stats.add_shard(&scenario, &personas, &out);
        // Calm customers never insist on a human, and nobody asks for a refund.
        assert_eq!(stats.never_exercised(), vec!["human-on-second-request", "refund-within-total"]);
        let cell = &stats.coverage["manage_change_address"]["calm"];
        assert_eq!(cell.episodes, 300);
        assert_eq!(cell.rules_exercised["abcd-step-order"], 300);
        let options = TableOptions {
            episodes_per_second: None,
            out_dir: std::path::Path::new("runs/x"),
            breakdown: false,
        };
        let table = table(&stats, options);
        let line = table.lines().find(|line| line.starts_with("rules never exercised")).unwrap();
        assert!(line.ends_with(" human-on-second-request, refund-within-total"), "{line}");
        // The headline comes first and last; each rule says what its count is out of.
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("300 episodes: success "), "{table}");
        assert_eq!(lines[0], *lines.last().unwrap());
        let order =
            lines.iter().find(|line| line.trim_start().starts_with("abcd-step-order")).unwrap();
        assert!(order.contains("of      300 episodes"), "{order}");
        assert!(
            !table.contains("manage_change_address  "),
            "the intent table is behind --breakdown"
        );
    }
}
