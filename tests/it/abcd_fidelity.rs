//! Holds retail-support to ABCD's kb.json: every way an intent's steps depart from its subflow's action sequence must
//! be listed in `tests/fidelity/abcd.ron`, with the guidelines.json sentence that justifies it (or a plain
//! `unjustified`), and everything listed there must still be true.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use sim_scenarios::ScenarioFile;

/// One subflow of the fidelity table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    subflow: String,
    guideline: String,
    kb: Vec<String>,
    steps: Vec<String>,
    differences: Vec<Difference>,
}

/// One way the intent's steps depart from kb.json, and why.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Difference {
    kind: Kind,
    tool: String,
    #[serde(default)]
    stands_for: Option<String>,
    #[serde(default)]
    when: Option<Condition>,
    #[serde(default)]
    quote: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    unjustified: Option<String>,
    #[serde(default)]
    #[expect(dead_code, reason = "for the people reading the table, not for the test")]
    note: Option<String>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
enum Kind {
    Added,
    Removed,
    Replaced,
    Conditional,
    Reordered,
}

/// A step's `when` as the scenario file writes it (tools by id; `Debug` prints it that way too); `Always` is `None`.
type Condition = sim_scenarios::WhenFile;

/// An intent's step as the comparison sees it.
#[derive(Clone, Debug)]
struct Step {
    tool: String,
    when: Option<Condition>,
}

#[test]
fn retail_support_departs_from_kb_json_only_as_listed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/abcd");
    let (kb_path, guidelines_path) = (dir.join("kb.json"), dir.join("guidelines.json"));
    for path in [&kb_path, &guidelines_path] {
        if !path.exists() {
            println!("abcd_fidelity skipped: {} is absent", path.display());
            return;
        }
    }
    let kb: BTreeMap<String, Vec<String>> = serde_json::from_str(&read(&kb_path))
        .unwrap_or_else(|err| panic!("{}: {err}", kb_path.display()));
    let guidelines: Value = serde_json::from_str(&read(&guidelines_path))
        .unwrap_or_else(|err| panic!("{}: {err}", guidelines_path.display()));
    let table_path = table_path();
    let table = parse_table(&read(&table_path), &table_path);
    sim_scenarios::load_built_in("retail-support").unwrap();
    let (_, source) =
        sim_scenarios::BUILT_IN.iter().find(|(id, _)| *id == "retail-support").unwrap();
    let found = mismatches(&kb, &guidelines, &intents_of(source), &table);
    assert!(
        found.is_empty(),
        "retail-support, kb.json and {} disagree ({} mismatches):\n{}",
        table_path.display(),
        found.len(),
        found.join("\n")
    );
}

/// retail-support's policy text quotes ABCD's guideline in double quotes; every quotation must be in guidelines.json
/// word for word.
#[test]
fn retail_support_policy_quotes_the_guideline_word_for_word() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/abcd/guidelines.json");
    if !path.exists() {
        println!("abcd policy quotes skipped: {} is absent", path.display());
        return;
    }
    let guidelines: Value = serde_json::from_str(&read(&path)).unwrap();
    let texts: Vec<String> = guideline_texts(&guidelines).values().map(|t| normalised(t)).collect();
    let policy = sim_scenarios::load_built_in("retail-support").unwrap().spec.policy;
    let quotes = unquoted(&policy);
    assert!(quotes.len() >= 20, "only {} quotations of the guideline", quotes.len());
    let missing: Vec<&String> = quotes
        .iter()
        .filter(|quote| !texts.iter().any(|text| text.contains(quote.as_str())))
        .collect();
    assert!(missing.is_empty(), "quoted but not in guidelines.json: {missing:#?}");
}

/// The passages between straight double quotes, whitespace normalised.
fn unquoted(text: &str) -> Vec<String> {
    text.split('"').skip(1).step_by(2).map(normalised).collect()
}

fn table_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fidelity/abcd.ron")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn parse_table(text: &str, path: &Path) -> Vec<Entry> {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(text)
        .unwrap_or_else(|err| panic!("{}:{err}", path.display()))
}

/// Each intent's steps, tools and conditions by id, as the scenario file writes them (a condition on the world is
/// an expression only the file has).
fn intents_of(source: &str) -> BTreeMap<String, Vec<Step>> {
    let extensions = ron::extensions::Extensions::IMPLICIT_SOME
        | ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES;
    let file: ScenarioFile =
        ron::Options::default().with_default_extension(extensions).from_str(source).unwrap();
    let intents = file.intents.iter().map(|intent| {
        let steps = intent.steps.iter().map(|step| Step {
            tool: step.tool.clone(),
            when: Some(step.when.clone()).filter(|when| *when != Condition::Always),
        });
        (intent.id.clone(), steps.collect())
    });
    intents.collect()
}

/// Every disagreement between kb.json, the intents, the table and guidelines.json, one line each.
fn mismatches(
    kb: &BTreeMap<String, Vec<String>>,
    guidelines: &Value,
    intents: &BTreeMap<String, Vec<Step>>,
    table: &[Entry],
) -> Vec<String> {
    let mut out = Vec::new();
    for subflow in kb.keys().filter(|subflow| !intents.contains_key(*subflow)) {
        out.push(format!("{subflow}: kb.json subflow has no intent in the scenario"));
    }
    for intent in intents.keys().filter(|intent| !kb.contains_key(*intent)) {
        out.push(format!("{intent}: intent is not a kb.json subflow"));
    }
    let mut listed: BTreeMap<&str, usize> = BTreeMap::new();
    for entry in table {
        *listed.entry(&entry.subflow).or_default() += 1;
    }
    for (subflow, n_entries) in &listed {
        if *n_entries > 1 {
            out.push(format!("{subflow}: {n_entries} entries in abcd.ron"));
        }
        if !kb.contains_key(*subflow) {
            out.push(format!("{subflow}: abcd.ron lists a subflow kb.json does not have"));
        }
    }
    for subflow in kb.keys().filter(|subflow| !listed.contains_key(subflow.as_str())) {
        out.push(format!("{subflow}: kb.json subflow has no entry in abcd.ron"));
    }
    let texts = guideline_texts(guidelines);
    for entry in table {
        check_justifications(entry, &texts, &mut out);
        if let (Some(actions), Some(steps)) = (kb.get(&entry.subflow), intents.get(&entry.subflow))
        {
            check_differences(entry, actions, steps, &mut out);
        }
    }
    out
}

/// The entry's shape, its guideline path, and every quote at its source.
fn check_justifications(entry: &Entry, texts: &BTreeMap<String, String>, out: &mut Vec<String>) {
    let subflow = &entry.subflow;
    let prefix = format!("{} > ", entry.guideline);
    if !texts.keys().any(|path| path.starts_with(&prefix)) {
        out.push(format!("{subflow}: no subflow \"{}\" in guidelines.json", entry.guideline));
    }
    for diff in &entry.differences {
        let what = describe(diff.kind, &diff.tool, diff.stands_for.as_deref(), diff.when.as_ref());
        if (diff.kind == Kind::Replaced) != diff.stands_for.is_some() {
            out.push(format!("{subflow}: {what}: stands_for goes with Replaced, and only there"));
        }
        if (diff.kind == Kind::Conditional) != diff.when.is_some() {
            out.push(format!("{subflow}: {what}: when goes with Conditional, and only there"));
        }
        match (&diff.quote, &diff.source, &diff.unjustified) {
            (Some(quote), Some(source), None) => match texts.get(source) {
                None => out
                    .push(format!("{subflow}: {what}: no text at \"{source}\" in guidelines.json")),
                Some(text) if normalised(text).contains(&normalised(quote)) => {}
                Some(_) => {
                    let elsewhere = texts
                        .iter()
                        .find(|(_, text)| normalised(text).contains(&normalised(quote)));
                    let hint = elsewhere
                        .map(|(path, _)| format!(" (it is at \"{path}\")"))
                        .unwrap_or_default();
                    out.push(format!(
                        "{subflow}: {what}: quote not found at \"{source}\": \"{quote}\"{hint}"
                    ));
                }
            },
            (None, None, Some(_)) => {}
            _ => out.push(format!(
                "{subflow}: {what}: give quote and source, or unjustified, not both"
            )),
        }
    }
}

/// The differences between kb.json's actions and the intent's steps, against those the entry lists.
fn check_differences(entry: &Entry, actions: &[String], steps: &[Step], out: &mut Vec<String>) {
    let subflow = &entry.subflow;
    let tools: Vec<String> = steps.iter().map(|step| step.tool.clone()).collect();
    if entry.kb != actions {
        out.push(format!("{subflow}: abcd.ron's kb {:?} is not kb.json's {actions:?}", entry.kb));
    }
    if entry.steps != tools {
        out.push(format!(
            "{subflow}: abcd.ron's steps {:?} are not the scenario's {tools:?}",
            entry.steps
        ));
    }
    let of_kind = |kind: Kind| entry.differences.iter().filter(move |diff| diff.kind == kind);
    let stale = |what: String| format!("{subflow}: stale difference (no longer there): {what}");
    let unlisted = |what: String| format!("{subflow}: unlisted difference: {what}");

    // A stand-in holds while the scenario has the tool where kb.json has the action; the rest compares through it.
    let mut stands_for: BTreeMap<&str, &str> = BTreeMap::new();
    for diff in of_kind(Kind::Replaced) {
        let Some(action) = diff.stands_for.as_deref() else { continue };
        let holds = tools.contains(&diff.tool)
            && !actions.contains(&diff.tool)
            && actions.iter().any(|a| a == action)
            && !tools.iter().any(|t| t == action);
        if holds {
            stands_for.insert(&diff.tool, action);
        } else {
            out.push(stale(describe(Kind::Replaced, &diff.tool, Some(action), None)));
        }
    }
    let mapped: Vec<String> = tools
        .iter()
        .map(|tool| stands_for.get(tool.as_str()).copied().unwrap_or(tool.as_str()).to_owned())
        .collect();
    let added = minus(&mapped, actions);
    let removed = minus(actions, &mapped);

    let conditions = steps.iter().filter(|step| step.when.is_some());
    let actual = [
        (Kind::Added, added.iter().map(|tool| (tool.clone(), None)).collect()),
        (Kind::Removed, removed.iter().map(|action| (action.clone(), None)).collect()),
        (
            Kind::Conditional,
            conditions.map(|step| (step.tool.clone(), step.when.clone())).collect::<Vec<_>>(),
        ),
    ];
    for (kind, actual) in actual {
        let listed: Vec<(String, Option<Condition>)> =
            of_kind(kind).map(|diff| (diff.tool.clone(), diff.when.clone())).collect();
        for (tool, when) in minus(&actual, &listed) {
            out.push(unlisted(describe(kind, &tool, None, when.as_ref())));
        }
        for (tool, when) in minus(&listed, &actual) {
            out.push(stale(describe(kind, &tool, None, when.as_ref())));
        }
    }

    // Reordered: leaving the listed tools out, the shared steps must run in kb.json's order, and each listed tool
    // must be needed for that.
    let shared_steps = minus(&mapped, &added);
    let shared_actions = minus(actions, &removed);
    let reordered: Vec<&str> = of_kind(Kind::Reordered).map(|diff| diff.tool.as_str()).collect();
    let same_order = |left_out: &[&str]| {
        let keep = |tools: &[String]| -> Vec<String> {
            tools.iter().filter(|tool| !left_out.contains(&tool.as_str())).cloned().collect()
        };
        keep(&shared_steps) == keep(&shared_actions)
    };
    if !same_order(&reordered) {
        let what =
            format!("Reordered: the shared steps run {shared_steps:?}, kb.json {shared_actions:?}");
        out.push(unlisted(what));
        return;
    }
    for (idx, tool) in reordered.iter().enumerate() {
        let others: Vec<&str> = reordered
            .iter()
            .enumerate()
            .filter(|(other, _)| *other != idx)
            .map(|(_, tool)| *tool)
            .collect();
        if same_order(&others) {
            out.push(stale(describe(Kind::Reordered, tool, None, None)));
        }
    }
}

/// `left` less `right`, as multisets, in `left`'s order (the first occurrences go).
fn minus<T: Clone + PartialEq>(left: &[T], right: &[T]) -> Vec<T> {
    let mut right = right.to_vec();
    let mut out = Vec::new();
    for item in left {
        match right.iter().position(|other| other == item) {
            Some(pos) => {
                right.remove(pos);
            }
            None => out.push(item.clone()),
        }
    }
    out
}

fn describe(kind: Kind, tool: &str, stands_for: Option<&str>, when: Option<&Condition>) -> String {
    let mut what = format!("{kind:?} `{tool}`");
    if let Some(action) = stands_for {
        what += &format!(" for `{action}`");
    }
    if let Some(when) = when {
        what += &format!(" when {when:?}");
    }
    what
}

/// Every string in guidelines.json by path: `Flow > Subflow > actions[3] > subtext[2]`, `Flow > description`
/// (the `subflows` level is left out).
fn guideline_texts(guidelines: &Value) -> BTreeMap<String, String> {
    fn walk(value: &Value, path: String, out: &mut BTreeMap<String, String>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    let path = match (key.as_str(), path.is_empty()) {
                        ("subflows", _) => path.clone(),
                        (_, true) => key.clone(),
                        (_, false) => format!("{path} > {key}"),
                    };
                    walk(value, path, out);
                }
            }
            Value::Array(items) => {
                for (idx, item) in items.iter().enumerate() {
                    walk(item, format!("{path}[{idx}]"), out);
                }
            }
            Value::String(text) => {
                out.insert(path, text.clone());
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(guidelines, String::new(), &mut out);
    out
}

fn normalised(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

mod tests {
    //! The comparison on a made-up guideline, so that it can be seen to fail.

    use super::*;

    const KB: &str = r#"{
        "fix_order": ["pull-up-account", "shipping-status", "offer-refund"],
        "ask_faq": ["search-faq", "search-boots", "select-faq"],
        "lost": ["pull-up-account"]
    }"#;

    const GUIDELINES: &str = r#"{
        "Order Issue": {"description": "orders", "subflows": {"Fix Order": {
            "actions": [{"type": "interaction", "button": "Shipping Status", "text": "Find out whether it shipped.",
                "subtext": ["If the item is 'In Transit'  then it is too late.", "If it is Order Received, refund."]}],
            "instructions": ["Refund only what is still here."]
        }}},
        "FAQ": {"description": "questions", "subflows": {"Ask FAQ": {"actions": [], "instructions": ["Any order."]}}},
        "Lost": {"description": "lost items", "subflows": {"Lost": {"actions": [], "instructions": ["Find it."]}}}
    }"#;

    /// kb.json's `fix_order` with a stand-in, an added check and a condition; `ask_faq` with the toggle moved first;
    /// no intent for `lost`.
    fn intents() -> BTreeMap<String, Vec<Step>> {
        let step = |tool: &str, when: Option<Condition>| Step { tool: tool.to_owned(), when };
        let fix_order = vec![
            step("pull-up-account", None),
            step("check-shipping", None),
            step("validate-purchase", None),
            step("offer-refund", Some(Condition::Passed("check-shipping".to_owned()))),
        ];
        let ask_faq =
            vec![step("search-boots", None), step("search-faq", None), step("select-faq", None)];
        BTreeMap::from([("fix_order".to_owned(), fix_order), ("ask_faq".to_owned(), ask_faq)])
    }

    const FAITHFUL: &str = r#"[
        (subflow: "fix_order", guideline: "Order Issue > Fix Order",
         kb: ["pull-up-account", "shipping-status", "offer-refund"],
         steps: ["pull-up-account", "check-shipping", "validate-purchase", "offer-refund"],
         differences: [
            (kind: Replaced, tool: "check-shipping", stands_for: "shipping-status",
             quote: "If the item is 'In Transit' then it is too late.",
             source: "Order Issue > Fix Order > actions[0] > subtext[0]"),
            (kind: Added, tool: "validate-purchase", unjustified: "drop it"),
            (kind: Conditional, tool: "offer-refund", when: Passed("check-shipping"),
             quote: "If it is Order Received, refund.", source: "Order Issue > Fix Order > actions[0] > subtext[1]"),
         ]),
        (subflow: "ask_faq", guideline: "FAQ > Ask FAQ",
         kb: ["search-faq", "search-boots", "select-faq"], steps: ["search-boots", "search-faq", "select-faq"],
         differences: [
            (kind: Reordered, tool: "search-boots", quote: "Any order.", source: "FAQ > Ask FAQ > instructions[0]"),
         ]),
        (subflow: "lost", guideline: "Lost > Lost", kb: ["pull-up-account"], steps: [], differences: []),
    ]"#;

    /// The faithful table with the added check and the reordering left out, a removal and a condition that are not
    /// there, a misquote, a quote at the wrong path and a stand-in for an action the scenario still has.
    const WRONG: &str = r#"[
        (subflow: "fix_order", guideline: "Order Issue > Fix Order",
         kb: ["pull-up-account", "shipping-status", "offer-refund"],
         steps: ["pull-up-account", "check-shipping", "validate-purchase", "offer-refund"],
         differences: [
            (kind: Replaced, tool: "check-shipping", stands_for: "shipping-status",
             quote: "If the item is In Transit then it is too late.",
             source: "Order Issue > Fix Order > actions[0] > subtext[0]"),
            (kind: Removed, tool: "offer-refund", unjustified: "put it back"),
            (kind: Conditional, tool: "offer-refund", when: Failed("check-shipping"),
             quote: "If it is Order Received, refund.", source: "Order Issue > Fix Order > actions[0] > text"),
         ]),
        (subflow: "ask_faq", guideline: "FAQ > Ask FAQ",
         kb: ["search-faq", "search-boots", "select-faq"], steps: ["search-boots", "search-faq", "select-faq"],
         differences: [(kind: Replaced, tool: "select-faq", stands_for: "search-faq", unjustified: "none")]),
    ]"#;

    fn check(table: &str, expect: &[&str]) {
        let kb: BTreeMap<String, Vec<String>> = serde_json::from_str(KB).unwrap();
        let guidelines: Value = serde_json::from_str(GUIDELINES).unwrap();
        let table = parse_table(table, Path::new("table.ron"));
        assert_eq!(mismatches(&kb, &guidelines, &intents(), &table), expect);
    }

    #[test]
    fn a_faithful_table_reports_only_the_missing_intent() {
        check(FAITHFUL, &["lost: kb.json subflow has no intent in the scenario"]);
    }

    #[test]
    fn a_wrong_table_reports_every_mismatch() {
        check(
            WRONG,
            &[
                "lost: kb.json subflow has no intent in the scenario",
                "lost: kb.json subflow has no entry in abcd.ron",
                "fix_order: Replaced `check-shipping` for `shipping-status`: quote not found at \"Order Issue > Fix \
                 Order > actions[0] > subtext[0]\": \"If the item is In Transit then it is too late.\"",
                "fix_order: Conditional `offer-refund` when Failed(\"check-shipping\"): quote not found at \"Order \
                 Issue > Fix Order > actions[0] > text\": \"If it is Order Received, refund.\" (it is at \"Order \
                 Issue > Fix Order > actions[0] > subtext[1]\")",
                "fix_order: unlisted difference: Added `validate-purchase`",
                "fix_order: stale difference (no longer there): Removed `offer-refund`",
                "fix_order: unlisted difference: Conditional `offer-refund` when Passed(\"check-shipping\")",
                "fix_order: stale difference (no longer there): Conditional `offer-refund` when \
                 Failed(\"check-shipping\")",
                "ask_faq: stale difference (no longer there): Replaced `select-faq` for `search-faq`",
                "ask_faq: unlisted difference: Reordered: the shared steps run [\"search-boots\", \"search-faq\", \
                 \"select-faq\"], kb.json [\"search-faq\", \"search-boots\", \"select-faq\"]",
            ],
        );
    }
}
