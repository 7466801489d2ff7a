//! Holds star-hotel to STAR's flow charts: every node of each task it carries (tasks.json's flow.replies and
//! flow.graph) is mapped in `tests/fidelity/star.ron` to an act, a slot, a step's tool or its outcome, the offer, or
//! a reason it is dropped, and every mapping names something the scenario really has.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;
use sim_core::act::ActKind;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    task: String,
    nodes: Vec<(String, Node)>,
    dropped_edges: Vec<(String, String, String)>,
}

#[derive(Debug, Deserialize)]
enum Node {
    Act(String),
    Slot(String),
    Tool(String),
    Passes(String),
    Fails(String),
    Offer,
    Accept,
    Reject,
    Dropped(String),
}

/// STAR's tasks.json, or `None` (the test skips) when ../shared is absent.
fn tasks_json() -> Option<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/star/tasks.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("star_fidelity skipped: {} is absent", path.display());
        return None;
    };
    Some(serde_json::from_str(&text).unwrap())
}

/// STAR's dialogues.jsonl.gz in the transcript format, or `None` (the test skips) when ../shared is absent.
fn star_dialogues() -> Option<sim_runners::transcripts::Converted> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/star/dialogues.jsonl.gz");
    if !path.exists() {
        println!("star_fidelity skipped: {} is absent", path.display());
        return None;
    }
    Some(sim_runners::transcripts::star::convert(&path).unwrap())
}

/// tests/fidelity/star.ron.
fn fidelity_table() -> Vec<Entry> {
    let table_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fidelity/star.ron");
    ron::from_str(&std::fs::read_to_string(&table_path).unwrap())
        .unwrap_or_else(|err| panic!("{}: {err}", table_path.display()))
}

#[test]
fn star_hotel_maps_every_node_of_its_star_tasks() {
    let Some(tasks) = tasks_json() else { return };
    let table = fidelity_table();
    let (scenario, _) = crate::support::built_in("star-hotel");
    let mut problems = Vec::new();
    for entry in &table {
        let flow = &tasks[&entry.task]["flow"];
        let mut nodes: BTreeSet<String> = BTreeSet::new();
        nodes.extend(flow["replies"].as_object().unwrap().keys().cloned());
        for (from, to) in flow["graph"].as_object().unwrap() {
            nodes.insert(from.clone());
            nodes.insert(to.as_str().unwrap().to_owned());
        }
        let listed: Vec<&str> = entry.nodes.iter().map(|(node, _)| node.as_str()).collect();
        let listed_set: BTreeSet<&str> = listed.iter().copied().collect();
        if listed_set.len() != listed.len() {
            problems.push(format!("{}: a node is listed twice", entry.task));
        }
        for node in &nodes {
            if !listed_set.contains(node.as_str()) {
                problems.push(format!("{}: node `{node}` of tasks.json is not mapped", entry.task));
            }
        }
        let Some(intent) = scenario.intents.iter().find(|intent| intent.id == entry.task) else {
            problems.push(format!("{}: star-hotel has no intent of that id", entry.task));
            continue;
        };
        let step_tools: Vec<&str> = intent
            .steps
            .iter()
            .map(|step| scenario.tools[usize::from(step.tool)].id.as_str())
            .collect();
        for (node, mapping) in &entry.nodes {
            if !nodes.contains(node) {
                problems.push(format!("{}: `{node}` is not a node of tasks.json", entry.task));
            }
            let problem = match mapping {
                Node::Act(name) => ActKind::AGENT
                    .iter()
                    .all(|act| act.name() != name)
                    .then(|| format!("`{name}` is no agent act")),
                Node::Slot(name) => {
                    scenario.slot_named(name).is_none().then(|| format!("no slot `{name}`"))
                }
                Node::Tool(id) | Node::Passes(id) | Node::Fails(id) => (!step_tools
                    .contains(&id.as_str()))
                .then(|| format!("`{id}` is not a step of {}", intent.id)),
                Node::Offer | Node::Accept | Node::Reject => {
                    intent.offer.is_none().then(|| format!("{} makes no offer", intent.id))
                }
                Node::Dropped(why) => {
                    why.trim().is_empty().then(|| "dropped without a reason".to_owned())
                }
            };
            if let Some(problem) = problem {
                problems.push(format!("{}: `{node}`: {problem}", entry.task));
            }
        }
        for (from, to, why) in &entry.dropped_edges {
            if flow["graph"][from].as_str() != Some(to.as_str()) || why.trim().is_empty() {
                problems.push(format!(
                    "{}: dropped edge {from} -> {to} is not in tasks.json or has no reason",
                    entry.task
                ));
            }
        }
    }
    let carried: BTreeSet<&str> = table.iter().map(|entry| entry.task.as_str()).collect();
    let intents: BTreeSet<&str> =
        scenario.intents.iter().map(|intent| intent.id.as_str()).collect();
    assert_eq!(carried, intents, "every intent of star-hotel is a STAR task of the table");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Where star-hotel's fidelity table reads a wizard label as an agent act (or as the offer), the mapping that reads
/// STAR's labelled conversations for realism, customer text and fitting (`runners/data/star-wizard-acts.ron`)
/// reads it as the same act: otherwise "the customer's answer to a refusal" would mean a different wizard message
/// in the run and in STAR.
#[test]
fn the_wizard_act_mapping_agrees_with_star_hotels_fidelity_table() {
    let table = fidelity_table();
    let mapping = sim_runners::tagger_eval::star::wizard_acts();
    let mut compared = 0;
    let mut problems = Vec::new();
    for entry in &table {
        for (label, node) in &entry.nodes {
            let fidelity = match node {
                Node::Act(name) => name.as_str(),
                Node::Offer => "offer",
                // A slot's node is the wizard asking for it.
                Node::Slot(_) => "ask",
                _ => continue,
            };
            compared += 1;
            let mapped = mapping.get(label).copied().flatten().map(ActKind::name);
            if mapped != Some(fidelity) {
                problems.push(format!(
                    "{}: `{label}` is {fidelity} in tests/fidelity/star.ron, {mapped:?} in \
                     runners/data/star-wizard-acts.ron",
                    entry.task
                ));
            }
        }
    }
    assert!(compared >= 10, "only {compared} labels compared");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every word the built-in agents say in star-hotel from its `agent_replies` is a template reply of one of its STAR
/// tasks (tasks.json's flow.replies, holes aside), said as the act the fidelity table reads that node as, with weight
/// 1: the wizard's words are STAR's, and said when STAR's wizard says them ("I'm sorry, but your booking request
/// failed." is a refusal after `book-room`, not the result of a booking). Or it is a message STAR's wizards typed
/// themselves in its hotel_book and weather conversations (no template's label: none, or `custom`), weighted so that
/// the turns it can say take it as often as those wizards typed their own words instead of a template.
#[test]
fn star_hotels_agent_replies_are_star_templates_of_the_same_act_or_its_wizards_own_words() {
    let Some(tasks) = tasks_json() else { return };
    let Some(converted) = star_dialogues() else { return };
    let tasks_of_star_hotel = ["hotel_book", "weather"];
    let wizard_messages: Vec<&sim_runners::transcripts::Turn> = converted
        .conversations
        .iter()
        .filter(|conversation| {
            conversation
                .intent
                .as_deref()
                .is_some_and(|intent| tasks_of_star_hotel.contains(&intent))
        })
        .flat_map(|conversation| &conversation.turns)
        .filter(|turn| {
            turn.speaker == sim_runners::transcripts::Speaker::Agent
                && turn.action.is_none()
                && !turn.text.trim().is_empty()
        })
        .collect();
    let typed: Vec<&str> = wizard_messages
        .iter()
        .filter(|turn| turn.act.as_deref().is_none_or(|act| act == "custom"))
        .map(|turn| turn.text.trim())
        .collect();
    let typed_share = typed.len() as f64 / wizard_messages.len() as f64;
    assert!(wizard_messages.len() > 1000, "{} wizard messages", wizard_messages.len());
    let table = fidelity_table();
    // "at the {hotel_name:s} for" and "at the {hotel_name} for" alike: holes are compared as "{}".
    let unholed = |text: &str| {
        let mut out = String::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            out.push_str("{}");
            rest = rest[open..].split_once('}').map_or("", |(_, after)| after);
        }
        out + rest
    };
    // A typed message with the reply's words around its holes, in order.
    let typed_as = |said: &str| {
        let pieces: Vec<&str> = said.split("{}").collect();
        typed.iter().any(|message| {
            let Some(mut rest) = message.strip_prefix(pieces[0]) else { return false };
            for piece in &pieces[1..] {
                match rest.find(piece) {
                    Some(at) => rest = &rest[at + piece.len()..],
                    None => return false,
                }
            }
            rest.is_empty() || pieces.len() > 1 && pieces.last().is_some_and(|last| last.is_empty())
        })
    };
    let (scenario, _) = crate::support::built_in("star-hotel");
    let mut problems = Vec::new();
    // By the turns a reply fits (act, slots, intent, tool after): the weights of templates and of typed words.
    let mut weights: std::collections::BTreeMap<String, (f64, f64)> = Default::default();
    for reply in &scenario.agent_replies {
        let said = unholed(&reply.text);
        let said = said.as_str();
        // The template whose words these are, with the act its node is read as.
        let node_acts: Vec<(&str, &str)> = table
            .iter()
            .flat_map(|entry| {
                let replies = tasks[&entry.task]["flow"]["replies"].as_object().unwrap();
                entry.nodes.iter().filter_map(move |(node, mapping)| {
                    let template = replies.get(node)?.as_str()?;
                    let act = match mapping {
                        Node::Act(name) => name.as_str(),
                        Node::Offer => "offer",
                        Node::Slot(_) => "ask",
                        _ => return None,
                    };
                    (unholed(template) == said).then_some((node.as_str(), act))
                })
            })
            .collect();
        // The forecast's words without its temperature: the template's first clause (an agent that tells the
        // weather alone).
        let clause_of_a_template = node_acts.is_empty()
            && said.ends_with('.')
            && table.iter().any(|entry| {
                let replies = tasks[&entry.task]["flow"]["replies"].as_object().unwrap();
                replies
                    .values()
                    .filter_map(Value::as_str)
                    .any(|template| unholed(template).starts_with(said.trim_end_matches('.')))
            });
        let template = !node_acts.is_empty() || clause_of_a_template;
        let turns =
            format!("{:?} {:?} {:?} {:?}", reply.act, reply.slots, reply.intent, reply.after);
        let (templates, own) = weights.entry(turns).or_default();
        if template {
            *templates += reply.weight;
            if reply.weight != 1.0 {
                problems.push(format!("`{}` is a template weighted {}", reply.text, reply.weight));
            }
        } else if typed_as(said) {
            *own += reply.weight;
        } else {
            problems.push(format!(
                "`{}` is no template reply of tasks.json, nor a message STAR's wizards typed in hotel_book or \
                 weather conversations",
                reply.text
            ));
        }
        if let Some((node, act)) = node_acts.iter().find(|(_, act)| *act != reply.act.name()) {
            problems.push(format!(
                "`{}` is said as {}, but its node {node} is {act} in tests/fidelity/star.ron",
                reply.text,
                reply.act.name()
            ));
        }
    }
    let mut own_words = 0;
    for (turns, (templates, own)) in &weights {
        if *own > 0.0 {
            own_words += 1;
            let share = own / (templates + own);
            if templates == &0.0 || (share - typed_share).abs() > 0.02 {
                problems.push(format!(
                    "the turns {turns} say the wizard's own words {share:.3} of the time (templates {templates}), \
                     STAR's wizards {typed_share:.3}"
                ));
            }
        }
    }
    assert!(scenario.agent_replies.len() >= 10);
    assert!(own_words >= 1, "no reply is the wizards' own words");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The scenario field a STAR query argument is (`hotel_book.Name` is `stay.hotel`, through `corpus_slots`), if it is
/// a field of a list with variants.
fn varied_field(scenario: &sim_core::spec::ScenarioSpec, argument: &str) -> Option<String> {
    let slot = scenario.corpus_slot(argument)?;
    let field = scenario.declared_slot(slot)?.field;
    let list = scenario.layout.list_of(field)?;
    (!scenario.lists[usize::from(list)].variants.is_empty())
        .then(|| scenario.fields[usize::from(field)].name.clone())
}

/// "Each differs from the one asked about as STAR's customers' next question did": star-hotel's other forecasts and
/// stays differ from the customer's first in the fields, and as often, as consecutive queries of STAR's hotel_book
/// and weather conversations differ (counted here from dialogues.jsonl.gz; a value searched among several,
/// `api.is_one_of`, is no value, and an argument one query leaves out is no change).
#[test]
fn star_hotels_other_requests_differ_as_stars_next_queries_did() {
    let Some(converted) = star_dialogues() else { return };
    let (scenario, _) = crate::support::built_in("star-hotel");
    // "api.is_equal_to(\"Sunday\")" and "\"Sunday\"" are both Sunday.
    let value = |text: &str| text.split('"').nth(1).unwrap_or(text).to_owned();
    let mut counted: std::collections::BTreeMap<BTreeSet<String>, u32> = Default::default();
    let tasks = ["hotel_book", "weather"];
    for conversation in &converted.conversations {
        if !conversation.intent.as_deref().is_some_and(|intent| tasks.contains(&intent)) {
            continue;
        }
        let mut last: Option<std::collections::BTreeMap<String, String>> = None;
        for turn in &conversation.turns {
            let (Some(action), Some(arguments)) = (&turn.action, &turn.arguments) else { continue };
            if !tasks.contains(&action.as_str()) || arguments.is_empty() {
                continue;
            }
            let query: std::collections::BTreeMap<String, String> = arguments
                .iter()
                .filter_map(|(name, text)| {
                    let field = varied_field(&scenario, &format!("{action}.{name}"))?;
                    Some((field, text.as_str()?.to_owned()))
                })
                .collect();
            let searched = |query: &std::collections::BTreeMap<String, String>| {
                query.values().any(|text| text.contains("is_one_of"))
            };
            if let Some(last) = last.as_ref().filter(|last| !searched(last) && !searched(&query)) {
                let changed: BTreeSet<String> = query
                    .iter()
                    .filter(|(field, text)| {
                        last.get(*field).is_some_and(|was| value(was) != value(text))
                    })
                    .map(|(field, _)| field.clone())
                    .collect();
                if !changed.is_empty() {
                    *counted.entry(changed).or_default() += 1;
                }
            }
            last = Some(query);
        }
    }
    let declared: std::collections::BTreeMap<BTreeSet<String>, u32> = scenario
        .lists
        .iter()
        .flat_map(|list| &list.variants)
        .map(|variant| {
            let named = (0..64).filter(|field| variant.fields & (1u64 << field) != 0);
            (named.map(|field| scenario.fields[field].name.clone()).collect(), variant.weight)
        })
        .collect();
    assert_eq!(declared, counted, "star-hotel's variants against STAR's queries");
}

/// STAR's APIs (apis.json) name the arguments a query requires: "required": ["Name", "StartDate", "EndDate",
/// "CustomerName", "RequestType"] for hotel_book, whose Check and Book are star-hotel's `check-availability` and
/// `book-room`, and ["Day"] for weather (`get-forecast`). Each tool takes every one of them (RequestType is which tool
/// it is), through `corpus_slots`.
#[test]
fn star_hotels_tools_take_every_argument_stars_apis_require() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/star/apis.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("star_fidelity skipped: {} is absent", path.display());
        return;
    };
    let apis: Value = serde_json::from_str(&text).unwrap();
    let (scenario, _) = crate::support::built_in("star-hotel");
    let mut problems = Vec::new();
    for (tool, api) in [
        ("check-availability", "hotel_book"),
        ("book-room", "hotel_book"),
        ("get-forecast", "weather"),
    ] {
        let args = scenario.tools[usize::from(scenario.tool_id(tool).unwrap())].args;
        let required = apis["apis"][api]["required"].as_array().unwrap();
        for name in required.iter().map(|name| name.as_str().unwrap()) {
            if name == "RequestType" {
                continue;
            }
            match scenario.corpus_slot(&format!("{api}.{name}")) {
                Some(slot) if args.contains(slot) => {}
                Some(_) => problems.push(format!("{tool} does not take {api}.{name}")),
                None => problems.push(format!("{api}.{name} is no slot of star-hotel")),
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
