//! Validation: checks a [`ScenarioFile`] and builds the engine's [`ScenarioSpec`], collecting every problem on the way.

mod intents;
mod records;
mod replies;
mod tagger;
mod world;

use std::collections::BTreeMap;

use sim_core::act::{MAX_VALUES, Slot, SlotSet};
use sim_core::expr::{Expr, ExprType};
use sim_core::oracle::MAX_TOOLS;
use sim_core::spec::{
    AddRecord, DataEffect, Effect, MAX_ASKED_AT_ONCE, RuleKind, RuleSpec, ScenarioSpec, ToolId,
    ToolSpec,
};

use crate::file::{EffectFile, RuleFile, RuleKindFile, ScenarioFile, SlotName, ToolFile};
use crate::path::FieldPath;

pub use intents::MAX_STEPS;
use records::{Names, Reads};
pub use tagger::DEFAULT_TAGGER;
pub use world::MAX_ITEMS;

/// Fewest turns a scenario may allow per episode (greeting, need, one call, close).
pub const MIN_TURNS: u16 = 4;

/// A problem found by validation, located by field path; the loaders turn it into a [`Problem`](crate::Problem) with a line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// The offending value.
    pub at: FieldPath,
    /// What is wrong.
    pub message: String,
}

impl ScenarioFile {
    /// Checks the file and builds the engine's spec for scenario `id`, or returns every problem found.
    ///
    /// Defaults: a tool's `min_args` is its number of args; a step takes its tool's args and `min_args` unless it
    /// overrides `args`, in which case `min_args` is the number of override args (for a `VerifyIdentity` tool, the
    /// tool's `min_args` capped to that number). An intent's `goal_slots` are its steps' args that are not identity facts.
    pub fn to_spec(&self) -> Result<ScenarioSpec, Vec<Issue>> {
        let mut issues = Issues::default();
        let root = FieldPath::root();
        let id_ok = !self.id.is_empty()
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !id_ok {
            issues.push(
                root.field("id"),
                format!(
                    "id {:?} must be lower-case letters, digits, `-` and `_` (e.g. \"my-refunds\")",
                    self.id
                ),
            );
        }
        if self.max_turns < MIN_TURNS {
            issues.push(
                root.field("max_turns"),
                format!("max_turns is {}; at least {MIN_TURNS} are needed", self.max_turns),
            );
        }
        if !(1..=MAX_ASKED_AT_ONCE).contains(&self.asks_at_once) {
            issues.push(
                root.field("asks_at_once"),
                format!(
                    "asks_at_once is {}; it must be 1 to {MAX_ASKED_AT_ONCE}",
                    self.asks_at_once
                ),
            );
        }
        let world = world::world_gen(&self.world, &root.field("world"), &mut issues);
        let names = Names::new(&self.entities, &self.slots, &root, &mut issues);
        persona_mix(&self.personas, &root.field("personas"), &mut issues);
        let tools = tools(&self.tools, &names, &root.field("tools"), &mut issues);
        let tool_ids = ToolIds::new(&tools);
        let intents_path = root.field("intents");
        let intents =
            intents::intents(&self.intents, &tools, &tool_ids, &names, &intents_path, &mut issues);
        let rules =
            rules(&self.rules, &tools, &tool_ids, &names, &root.field("rules"), &mut issues);
        cited_sentences(&self.rules, &self.policy, &root.field("rules"), &mut issues);
        let metrics = records::metrics(&self.metrics, &names, &root.field("metrics"), &mut issues);
        let tagger_at = root.field("tagger");
        let tagger =
            tagger::tagger(&self.tagger, &tools, &tool_ids, &names, &tagger_at, &mut issues);
        for (idx, line) in self.vague_openings.iter().enumerate() {
            if line.trim().is_empty() {
                let at = root.field("vague_openings").index(idx);
                issues.push(at, "a vague opening must not be empty".to_owned());
            }
        }
        let mut corpus_slots = Vec::new();
        for (idx, (name, slot)) in self.corpus_slots.iter().enumerate() {
            let at = root.field("corpus_slots").index(idx);
            if name.trim().is_empty() {
                issues.push(at.clone(), "a corpus slot type must not be empty".to_owned());
            }
            if self.corpus_slots[..idx].iter().any(|(earlier, _)| earlier == name) {
                issues.push(at.clone(), format!("corpus slot type `{name}` is mapped twice"));
            }
            match names.slot(&slot.0) {
                Some(slot) => corpus_slots.push((name.clone(), slot)),
                None => issues.push(at, format!("unknown slot `{}`", slot.0)),
            }
        }
        for (idx, (label, id)) in self.corpus_intents.iter().enumerate() {
            let at = root.field("corpus_intents").index(idx);
            if self.corpus_intents[..idx].iter().any(|(earlier, _)| earlier == label) {
                issues.push(at.clone(), format!("corpus intent `{label}` is mapped twice"));
            }
            if !self.intents.iter().any(|intent| intent.id == *id) {
                issues.push(at, format!("unknown intent `{id}`"));
            }
        }
        let agent_replies = replies::agent_replies(
            &self.agent_replies,
            &intents,
            &tool_ids,
            &names,
            &root.field("agent_replies"),
            &mut issues,
        );
        if !issues.0.is_empty() {
            return Err(issues.0);
        }
        Ok(ScenarioSpec {
            id: self.id.clone(),
            description: self.description.clone(),
            policy: self.policy.clone(),
            tools,
            intents,
            rules,
            world,
            max_turns: self.max_turns,
            asks_at_once: self.asks_at_once,
            agent_replies,
            metrics,
            slots: names.slots,
            fields: names.fields,
            lists: names.lists,
            layout: names.layout,
            vague_openings: self.vague_openings.clone(),
            tagger,
            corpus_slots,
            corpus_intents: self.corpus_intents.clone(),
            customer_names: Vec::new(),
        })
    }
}

/// Issues found so far.
#[derive(Default)]
struct Issues(Vec<Issue>);

impl Issues {
    fn push(&mut self, at: FieldPath, message: String) {
        self.0.push(Issue { at, message });
    }

    /// Reports a weight that is negative or not finite; returns whether it is usable.
    fn weight(&mut self, at: FieldPath, what: &str, weight: f64) -> bool {
        let ok = weight.is_finite() && weight >= 0.0;
        if !ok {
            self.push(at, format!("{what} is {weight}; weights must be finite and not negative"));
        }
        ok
    }

    /// Reports each bad weight and, if all are usable, a list of weights that are all zero.
    fn weights(
        &mut self,
        at: &FieldPath,
        what: &str,
        weights: impl IntoIterator<Item = (FieldPath, String, f64)>,
    ) {
        let mut all_ok = true;
        let mut total = 0.0;
        for (path, name, weight) in weights {
            all_ok &= self.weight(path, &name, weight);
            total += weight;
        }
        if all_ok && total <= 0.0 {
            self.push(at.clone(), format!("{what} are all zero"));
        }
    }
}

/// Tool ids by name.
struct ToolIds<'a>(BTreeMap<&'a str, ToolId>);

impl<'a> ToolIds<'a> {
    fn new(tools: &'a [ToolSpec]) -> ToolIds<'a> {
        let mut ids = BTreeMap::new();
        for (idx, tool) in tools.iter().enumerate() {
            ids.entry(tool.id.as_str()).or_insert(u8::try_from(idx).unwrap_or(u8::MAX));
        }
        ToolIds(ids)
    }

    fn get(&self, id: &str) -> Option<ToolId> {
        self.0.get(id).copied()
    }
}

/// Reports the second and later uses of an id.
fn check_unique<'a>(
    ids: impl IntoIterator<Item = (&'a str, FieldPath)>,
    what: &str,
    issues: &mut Issues,
) {
    let mut seen = BTreeMap::new();
    for (id, path) in ids {
        if seen.insert(id, ()).is_some() {
            issues.push(path, format!("duplicate {what} id `{id}`"));
        }
    }
}

/// The slots named in `names`, reporting unknown and repeated names.
fn slot_set(
    slot_names: &[SlotName],
    names: &Names,
    at: &FieldPath,
    issues: &mut Issues,
) -> SlotSet {
    let mut set = SlotSet::EMPTY;
    for (idx, SlotName(name)) in slot_names.iter().enumerate() {
        match names.slot(name) {
            Some(slot) if set.contains(slot) => {
                issues.push(at.index(idx), format!("slot `{name}` is listed twice"))
            }
            Some(slot) => set = set.with(slot),
            None => issues.push(at.index(idx), format!("unknown slot `{name}`")),
        }
    }
    set
}

/// Reports a `min_args` larger than the args or than a call can carry; returns whether it did.
fn check_min_args(
    min_args: u8,
    args: SlotSet,
    what: &str,
    at: FieldPath,
    issues: &mut Issues,
) -> bool {
    let message = if u32::from(min_args) > args.len() {
        format!("{what} has min_args {min_args} but only {}", plural(args.len() as usize, "arg"))
    } else if usize::from(min_args) > MAX_VALUES {
        format!("{what} has min_args {min_args} but a call carries at most {MAX_VALUES} args")
    } else {
        return false;
    };
    issues.push(at, message);
    true
}

/// `1 arg`, `2 args`.
fn plural(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

fn tools(files: &[ToolFile], names: &Names, at: &FieldPath, issues: &mut Issues) -> Vec<ToolSpec> {
    if files.len() > MAX_TOOLS {
        issues.push(
            at.index(MAX_TOOLS),
            format!("scenario declares {} tools; at most {MAX_TOOLS} are supported", files.len()),
        );
    }
    check_unique(
        files.iter().enumerate().map(|(idx, tool)| (tool.id.as_str(), at.index(idx).field("id"))),
        "tool",
        issues,
    );
    let mut tools = Vec::with_capacity(files.len());
    for (idx, file) in files.iter().enumerate() {
        let path = at.index(idx);
        let args = slot_set(&file.args, names, &path.field("args"), issues);
        let min_args = file.min_args.unwrap_or(u8::try_from(args.len()).unwrap_or(u8::MAX));
        let what = format!("tool `{}`", file.id);
        let min_path = path.field(if file.min_args.is_some() { "min_args" } else { "args" });
        check_min_args(min_args, args, &what, min_path, issues);
        let effect = match &file.effect {
            EffectFile::Data(data) => {
                Effect::Data(data_effect(data, args, names, &path.field("effect"), &what, issues))
            }
            native => native.native().expect("every other effect is native"),
        };
        if file.instruction.is_some() && !matches!(effect, Effect::Data(_)) {
            issues.push(
                path.field("instruction"),
                format!(
                    "{what} is done by the customer, so its effect must be written as Data(...)"
                ),
            );
        }
        if file.instruction.is_some() && !args.is_empty() {
            issues.push(
                path.field("args"),
                format!("{what} is done by the customer and takes no arguments"),
            );
        }
        // What a passed call shows besides its value may be said when it passes.
        let shows = match &effect {
            Effect::Data(data) => data.shows,
            _ => SlotSet::EMPTY,
        };
        tools.push(ToolSpec {
            id: file.id.clone(),
            args,
            min_args,
            effect,
            instruction: file.instruction.clone(),
            says: file.says.as_ref().map(|says| {
                let at = path.field("says");
                for (text, shown) in [(&says.done, shows), (&says.failed, SlotSet::EMPTY)] {
                    for name in placeholders(text) {
                        let known = name == "value"
                            || names
                                .slot(name)
                                .is_some_and(|slot| args.contains(slot) || shown.contains(slot));
                        if !known {
                            issues.push(
                                at.clone(),
                                format!("{what} says `{{{name}}}`, which is neither one of its args, a slot it shows when done, nor `value`"),
                            );
                        }
                    }
                }
                sim_core::spec::ToolText { done: says.done.clone(), failed: says.failed.clone() }
            }),
        });
    }
    tools
}

/// Builds a data effect: checked slots among the tool's args, a Bool `pre`, `set`s of the right type.
fn data_effect(
    file: &crate::file::DataEffectFile,
    args: SlotSet,
    names: &Names,
    at: &FieldPath,
    what: &str,
    issues: &mut Issues,
) -> DataEffect {
    let check_set = slot_set(&file.check, names, &at.field("check"), issues);
    for slot in check_set.iter() {
        if !args.contains(slot) {
            issues.push(
                at.field("check"),
                format!(
                    "{what} checks slot `{}` but does not take it as an arg",
                    file_slot_name(names, slot)
                ),
            );
        }
    }
    let check_min = file.check_min.unwrap_or(u8::try_from(check_set.len()).unwrap_or(u8::MAX));
    if u32::from(check_min) > check_set.len() {
        issues.push(
            at.field("check_min"),
            format!(
                "{what} has check_min {check_min} but checks {}",
                plural(check_set.len() as usize, "slot")
            ),
        );
    }
    let reads = Reads { args: true, goals: false };
    // Every list instance the effect reads or sets must be picked by a checked arg.
    let identified = names.identified(check_set);
    let picked = |expr: &Expr, also: u8, at: &FieldPath, issues: &mut Issues| {
        let selected = expr.lists_selected(&names.layout) | also;
        names.selection_reads(selected, identified, what, at, issues);
    };
    let pre = file.pre.as_ref().map(|pre| {
        let pre = names.expr(pre, ExprType::Bool, reads, None, &at.field("pre"), issues);
        picked(&pre, 0, &at.field("pre"), issues);
        pre
    });
    let set = field_sets(&file.set, names, &at.field("set"), issues);
    for (idx, (id, expr)) in set.iter().enumerate() {
        let own = names.layout.list_of(*id).map_or(0, |list| 1 << list);
        picked(expr, own, &at.field("set").index(idx), issues);
    }
    let value = file.value.as_ref().map(|value| {
        let value = names.any_expr(value, reads, &at.field("value"), issues);
        picked(&value, 0, &at.field("value"), issues);
        value
    });
    let add = file.add.as_ref().and_then(|add| {
        let at = at.field("add");
        let list = names.list_id(&add.to, &at.field("to"), issues)?;
        let set = field_sets(&add.set, names, &at.field("set"), issues);
        for (idx, (id, expr)) in set.iter().enumerate() {
            let path = at.field("set").index(idx);
            if names.layout.list_of(*id) != Some(list) {
                let field = &names.fields[usize::from(*id)].name;
                issues.push(
                    path.clone(),
                    format!("{what} adds a `{}` but sets `{field}`, not one of its fields", add.to),
                );
            }
            // The new record is selected while it is filled in.
            let others = expr.lists_selected(&names.layout) & !(1 << list);
            names.selection_reads(others, identified, what, &path, issues);
        }
        Some(AddRecord { list, set })
    });
    let shows = slot_set(&file.shows, names, &at.field("shows"), issues);
    for slot in shows.iter() {
        match names.declared(slot) {
            Some(declared) => {
                let list = names.layout.list_of(declared.field).map_or(0, |list| 1 << list);
                names.selection_reads(list, identified, what, &at.field("shows"), issues);
            }
            None => issues.push(
                at.field("shows"),
                format!(
                    "{what} shows slot `{}`, which no field holds: a call shows fields of the world",
                    file_slot_name(names, slot)
                ),
            ),
        }
    }
    if shows.len() as usize > sim_core::act::MAX_VALUES {
        issues.push(
            at.field("shows"),
            format!(
                "{what} shows {} slots; a call shows at most {}",
                shows.len(),
                sim_core::act::MAX_VALUES
            ),
        );
    }
    DataEffect { check: check_set.iter().collect(), check_min, pre, set, value, add, shows }
}

/// Field updates `(field, value)`: each value an expression of the field's type over the world and the call's args.
fn field_sets(
    files: &[(String, crate::file::ExprFile)],
    names: &Names,
    at: &FieldPath,
    issues: &mut Issues,
) -> Vec<(sim_core::field::FieldId, Expr)> {
    let reads = Reads { args: true, goals: false };
    let mut set = Vec::with_capacity(files.len());
    for (idx, (field, value)) in files.iter().enumerate() {
        let path = at.index(idx);
        let Some(id) = names.field_id(field, &path, issues) else { continue };
        let ty = &names.fields[usize::from(id)].ty;
        let want = if ty.is_bool() { ExprType::Bool } else { ExprType::Number };
        if let (
            sim_core::field::FieldType::Enum(labels),
            crate::file::ExprFile::Const(_) | crate::file::ExprFile::Dollars(_),
        ) = (ty, value)
        {
            issues.push(
                path.index(1),
                format!(
                    "field `{field}` is an Enum: set it with a label, Label(\"{}\") or one of {:?}, not a number",
                    labels.first().map_or("", String::as_str),
                    labels
                ),
            );
            // Still a set of the field, so the intent's reachability is judged as if it were right.
            set.push((id, Expr::Const(0)));
            continue;
        }
        set.push((id, names.expr(value, want, reads, Some(id), &path, issues)));
    }
    set
}

/// The `{name}` placeholders of a tool's text.
fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split('{').skip(1).filter_map(|part| part.split_once('}').map(|(name, _)| name))
}

/// Reports list instances a rule about `tool`'s calls reads that the tool's checked args do not pick (the rule
/// is judged with the call's selection).
fn picked_by(
    tools: &[ToolSpec],
    tool: ToolId,
    expr: &Expr,
    names: &Names,
    rule: &str,
    at: &FieldPath,
    issues: &mut Issues,
) {
    let identified = match tools.get(usize::from(tool)).map(|tool| &tool.effect) {
        Some(Effect::Data(effect)) => {
            names.identified(effect.check.iter().fold(SlotSet::EMPTY, |set, slot| set.with(*slot)))
        }
        _ => 0,
    };
    let selected = expr.lists_selected(&names.layout);
    names.selection_reads(selected, identified, &format!("rule `{rule}`"), at, issues);
}

/// The ids of `names`, a rule's list of tools at `path`, each looked up by `tool` at its index (an unknown one is
/// reported there).
fn tool_list(
    names: &[String],
    path: &FieldPath,
    tool: &mut impl FnMut(&str, FieldPath) -> ToolId,
) -> Vec<ToolId> {
    names.iter().enumerate().map(|(pos, name)| tool(name, path.index(pos))).collect()
}

/// A slot's name for messages.
fn file_slot_name(names: &Names, slot: Slot) -> &str {
    sim_core::spec::slot_name_in(&names.slots, slot).unwrap_or("?")
}

fn rules(
    files: &[RuleFile],
    tools: &[ToolSpec],
    tool_ids: &ToolIds,
    names: &Names,
    at: &FieldPath,
    issues: &mut Issues,
) -> Vec<RuleSpec> {
    check_unique(
        files.iter().enumerate().map(|(idx, rule)| (rule.id.as_str(), at.index(idx).field("id"))),
        "rule",
        issues,
    );
    let mut rules = Vec::with_capacity(files.len());
    for (idx, file) in files.iter().enumerate() {
        let kind_path = at.index(idx).field("kind");
        let mut tool = |name: &str, path: FieldPath| {
            let id = tool_ids.get(name);
            if id.is_none() {
                issues.push(path, format!("rule `{}` names unknown tool `{name}`", file.id));
            }
            id.unwrap_or(0)
        };
        let kind = match &file.kind {
            RuleKindFile::StepOrder => RuleKind::StepOrder,
            RuleKindFile::StepsComplete => RuleKind::StepsComplete,
            RuleKindFile::AmountWithinOrderTotal { tool: name } => {
                RuleKind::AmountWithinOrderTotal { tool: tool(name, kind_path.field("tool")) }
            }
            RuleKindFile::GateRespected { gates, guarded } => RuleKind::GateRespected {
                gates: tool_list(gates, &kind_path.field("gates"), &mut tool),
                guarded: tool_list(guarded, &kind_path.field("guarded"), &mut tool),
            },
            RuleKindFile::Requires { tool: name, after, when } => {
                let dependent = tool(name, kind_path.field("tool"));
                let after_path = kind_path.field("after");
                let after_ids = tool_list(after, &after_path, &mut tool);
                if after.is_empty() {
                    issues.push(after_path, format!("rule `{}` requires nothing", file.id));
                }
                let world_only = Reads { args: false, goals: false };
                let when = when.as_ref().map(|when| {
                    let at = kind_path.field("when");
                    let when = names.expr(when, ExprType::Bool, world_only, None, &at, issues);
                    picked_by(tools, dependent, &when, names, &file.id, &at, issues);
                    when
                });
                RuleKind::Requires { tool: dependent, after: after_ids, when }
            }
            RuleKindFile::ArgLimit { tool: name, arg, max, unless_after } => {
                let limited = tool(name, kind_path.field("tool"));
                let approvals =
                    tool_list(unless_after, &kind_path.field("unless_after"), &mut tool);
                let arg_path = kind_path.field("arg");
                let slots = slot_set(std::slice::from_ref(arg), names, &arg_path, issues);
                let slot = slots.iter().next().unwrap_or(Slot::AMOUNT);
                let reads = Reads { args: true, goals: false };
                let at = kind_path.field("max");
                let max = names.expr(max, ExprType::Number, reads, None, &at, issues);
                picked_by(tools, limited, &max, names, &file.id, &at, issues);
                RuleKind::ArgLimit { tool: limited, arg: slot, max, unless_after: approvals }
            }
            RuleKindFile::ConfirmBeforeClose => RuleKind::ConfirmBeforeClose { unprompted: false },
            RuleKindFile::NothingElseBeforeClose => {
                RuleKind::ConfirmBeforeClose { unprompted: true }
            }
            RuleKindFile::NoPressureAfterNo => RuleKind::NoPressureAfterNo,
            RuleKindFile::AnswerObjections => RuleKind::AnswerObjections,
            RuleKindFile::TruthfulClaims => RuleKind::TruthfulClaims,
            RuleKindFile::EarnedRefusal => RuleKind::EarnedRefusal,
            RuleKindFile::OffScript { writes, .. }
            | RuleKindFile::NoWriteAfterRefusal { writes } => {
                let once = match &file.kind {
                    RuleKindFile::OffScript { once, .. } => once.as_slice(),
                    _ => &[],
                };
                let write_ids = tool_list(writes, &kind_path.field("writes"), &mut tool);
                let once_ids = tool_list(once, &kind_path.field("once"), &mut tool);
                if writes.is_empty() {
                    let message = format!("rule `{}` names no write tool", file.id);
                    issues.push(kind_path.field("writes"), message);
                }
                for (pos, name) in
                    once.iter().enumerate().filter(|(_, name)| !writes.contains(name))
                {
                    let message = format!("`{name}` in `once` is not one of the rule's `writes`");
                    issues.push(kind_path.field("once").index(pos), message);
                }
                match &file.kind {
                    RuleKindFile::OffScript { .. } => {
                        RuleKind::OffScript { writes: write_ids, once: once_ids }
                    }
                    _ => RuleKind::NoWriteAfterRefusal { writes: write_ids },
                }
            }
            RuleKindFile::ArgPrescribed { tool: name, arg }
            | RuleKindFile::ArgAccepted { tool: name, arg } => {
                let checked = tool(name, kind_path.field("tool"));
                let arg_path = kind_path.field("arg");
                let slots = slot_set(std::slice::from_ref(arg), names, &arg_path, issues);
                let slot = slots.iter().next().unwrap_or(Slot::AMOUNT);
                if !tools.get(usize::from(checked)).is_some_and(|spec| spec.args.contains(slot)) {
                    issues.push(
                        arg_path,
                        format!("rule `{}`: tool `{name}` takes no argument `{}`", file.id, arg.0),
                    );
                }
                match file.kind {
                    RuleKindFile::ArgAccepted { .. } => {
                        RuleKind::ArgAccepted { tool: checked, arg: slot }
                    }
                    _ => RuleKind::ArgPrescribed { tool: checked, arg: slot },
                }
            }
            RuleKindFile::OfferFloor { min } => {
                let world_only = Reads { args: false, goals: false };
                let path = kind_path.field("min");
                let min = names.expr(min, ExprType::Number, world_only, None, &path, issues);
                names.focus_reads(&min, &format!("rule `{}`", file.id), &path, issues);
                RuleKind::OfferFloor { min }
            }
            RuleKindFile::NoDisclosureUnverified { gates, facts } => {
                let gates_path = kind_path.field("gates");
                let ids = tool_list(gates, &gates_path, &mut tool);
                if gates.is_empty() {
                    issues.push(gates_path, format!("rule `{}` names no verifying tool", file.id));
                }
                let facts = slot_set(facts, names, &kind_path.field("facts"), issues);
                RuleKind::NoDisclosureUnverified { gates: ids, facts }
            }
            RuleKindFile::HumanOnRequest { demands, within } => {
                if *demands == 0 || usize::from(*demands) > sim_core::oracle::MAX_TRACKED_DEMANDS {
                    issues.push(
                        kind_path.field("demands"),
                        format!(
                            "rule `{}`: demands must be between 1 and {}",
                            file.id,
                            sim_core::oracle::MAX_TRACKED_DEMANDS
                        ),
                    );
                }
                if *within == 0 {
                    issues.push(
                        kind_path.field("within"),
                        format!("rule `{}`: within must be at least 1", file.id),
                    );
                }
                RuleKind::HumanOnRequest { demands: *demands, within: *within }
            }
        };
        let cites = file.cites.clone().unwrap_or_default();
        rules.push(RuleSpec { id: file.id.clone(), text: file.text.clone(), cites, kind });
    }
    rules
}

/// Checks that every sentence a rule cites is in the policy text, word for word (runs of white space count as one
/// space, so a policy may be wrapped).
fn cited_sentences(files: &[RuleFile], policy: &str, at: &FieldPath, issues: &mut Issues) {
    let squeeze = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let policy = squeeze(policy);
    for (idx, file) in files.iter().enumerate() {
        let Some(cites) = &file.cites else { continue };
        let sentence = squeeze(cites);
        if sentence.is_empty() {
            issues.push(at.index(idx).field("cites"), format!("rule `{}` cites nothing", file.id));
        } else if policy.is_empty() {
            issues.push(
                at.index(idx).field("cites"),
                format!(
                    "rule `{}` cites the policy, but the scenario has no `policy` text",
                    file.id
                ),
            );
        } else if !policy.contains(&sentence) {
            issues.push(
                at.index(idx).field("cites"),
                format!(
                    "rule `{}` cites a sentence the policy does not contain: \"{cites}\"",
                    file.id
                ),
            );
        }
    }
}

/// Checks the default persona mix: ids unique, weights usable and not all zero.
fn persona_mix(mix: &[(String, f64)], at: &FieldPath, issues: &mut Issues) {
    check_unique(
        mix.iter().enumerate().map(|(idx, (id, _))| (id.as_str(), at.index(idx).index(0))),
        "persona",
        issues,
    );
    if mix.is_empty() {
        return;
    }
    issues.weights(
        at,
        "persona weights",
        mix.iter().enumerate().map(|(idx, (id, weight))| {
            (at.index(idx).index(1), format!("weight of persona `{id}`"), *weight)
        }),
    );
}

#[cfg(test)]
mod tests;
