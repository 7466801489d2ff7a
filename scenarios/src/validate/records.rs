//! The scenario's own records: entity fields and their generators, declared slots, and expressions with their
//! names resolved and types checked.

use std::collections::BTreeMap;

use sim_core::act::SlotSet;
use sim_core::act::{MAX_SLOTS, Slot};
use sim_core::expr::{Builtin, CheckCtx, Expr, ExprType};
use sim_core::field::{FieldId, FieldSpec, FieldType, Gen, MAX_FIELDS};
use sim_core::list::{Instance, Layout, ListId, ListSpec, MAX_INSTANCES, MAX_LISTS, Variant};
use sim_core::spec::SlotSpec;

use super::Issues;
use crate::file::{EntityFile, ExprFile, FieldTypeFile, GenFile, SlotFile, SlotName};
use crate::path::FieldPath;

/// Names a scenario file may use: its fields (`entity.field`), lists and slots, built-in and declared.
pub(super) struct Names {
    /// Declared field cells, in declaration order (a list field has one cell per instance).
    pub(super) fields: Vec<FieldSpec>,
    /// Declared list entities.
    pub(super) lists: Vec<ListSpec>,
    /// Where the lists' cells are.
    pub(super) layout: Layout,
    /// Declared slots, numbered from `Slot::FIRST_DECLARED`.
    pub(super) slots: Vec<SlotSpec>,
    field_ids: BTreeMap<String, FieldId>,
    list_ids: BTreeMap<String, ListId>,
}

/// What an expression may read where it is used.
#[derive(Clone, Copy)]
pub(super) struct Reads {
    /// A tool call's arguments.
    pub(super) args: bool,
    /// The customer's goal values.
    pub(super) goals: bool,
}

impl Names {
    /// Checks the entities and declared slots.
    pub(super) fn new(
        entities: &[EntityFile],
        slots: &[SlotFile],
        at: &FieldPath,
        issues: &mut Issues,
    ) -> Names {
        let mut names = Names {
            fields: Vec::new(),
            lists: Vec::new(),
            layout: Layout::default(),
            slots: Vec::new(),
            field_ids: BTreeMap::new(),
            list_ids: BTreeMap::new(),
        };
        let entities_path = at.field("entities");
        // Lists first, so that a reference may name a list declared after it.
        for (entity_idx, entity) in entities.iter().enumerate() {
            let Some(count) = &entity.count else { continue };
            let path = entities_path.index(entity_idx).field("count");
            let capacity = count.capacity.unwrap_or(count.max);
            if !(count.min <= count.max && count.max <= capacity) {
                issues.push(
                    path.clone(),
                    format!(
                        "list `{}` needs min <= max <= capacity, not min {}, max {}, capacity {capacity}",
                        entity.name, count.min, count.max
                    ),
                );
            }
            if !(1..=MAX_INSTANCES).contains(&capacity) {
                issues.push(
                    path.clone(),
                    format!(
                        "list `{}` holds {capacity} instances; a list holds 1 to {MAX_INSTANCES}",
                        entity.name
                    ),
                );
            }
            if names.lists.len() == MAX_LISTS {
                issues.push(path, format!("at most {MAX_LISTS} entities may have a count"));
                continue;
            }
            names.list_ids.insert(entity.name.clone(), names.lists.len() as ListId);
            names.lists.push(ListSpec {
                name: entity.name.clone(),
                min: count.min,
                max: count.max,
                capacity: capacity.clamp(1, MAX_INSTANCES),
                count: 0,
                variants: Vec::new(),
                focus_draws: Vec::new(),
            });
        }
        let mut seen_entities = BTreeMap::new();
        for (entity_idx, entity) in entities.iter().enumerate() {
            let entity_path = entities_path.index(entity_idx);
            if seen_entities.insert(entity.name.as_str(), ()).is_some() {
                issues
                    .push(entity_path.field("name"), format!("duplicate entity `{}`", entity.name));
            }
            if entity.fields.is_empty() {
                issues.push(
                    entity_path.field("fields"),
                    format!("entity `{}` has no fields", entity.name),
                );
            }
            let list =
                entity.count.as_ref().and_then(|_| names.list_ids.get(&entity.name).copied());
            if let Some(list) = list {
                // The live length is a field of its own, so snapshots of the buffer carry it.
                let name = format!("{}.count", entity.name);
                names.lists[usize::from(list)].count = names.fields.len() as FieldId;
                let generators = (Gen::Fixed(0), None);
                names.add_field(name, FieldType::Int, generators, None, &entity_path, issues);
            }
            for (field_idx, field) in entity.fields.iter().enumerate() {
                let path = entity_path.field("fields").index(field_idx);
                let name = format!("{}.{}", entity.name, field.name);
                if list.is_some() && field.name == "count" {
                    issues.push(
                        path.field("name"),
                        format!("`{name}` is the list's length; name the field otherwise"),
                    );
                    continue;
                }
                let ty = names.field_type(&field.ty, &name, &path.field("ty"), issues);
                let drawn = |file: &GenFile, at: &FieldPath, issues: &mut Issues| {
                    let generator = generator(file, &ty, &name, at, issues);
                    if let Err(problems) = ty.check_gen(&generator) {
                        for problem in problems {
                            issues.push(at.clone(), format!("field `{name}`: {problem}"));
                        }
                    }
                    generator
                };
                let generator = drawn(&field.generator, &path.field("gen"), issues);
                let focus_generator = field
                    .focus_generator
                    .as_ref()
                    .map(|file| drawn(file, &path.field("focus_gen"), issues));
                if focus_generator.is_some() && list.is_none() {
                    issues.push(
                        path.field("focus_gen"),
                        format!("field `{name}` has a focus_gen, but only a list (an entity with a count) has a focus"),
                    );
                }
                names.add_field(name, ty, (generator, focus_generator), list, &path, issues);
            }
            names.add_variants(entity, list, &entity_path.field("variants"), issues);
        }
        names.layout = Layout::new(&names.lists, names.fields.iter().map(|field| field.instance));
        let slots_path = at.field("slots");
        let max_declared = MAX_SLOTS - usize::from(Slot::FIRST_DECLARED);
        for (idx, file) in slots.iter().enumerate() {
            let path = slots_path.index(idx);
            if idx == max_declared {
                issues.push(path.clone(), format!("at most {max_declared} slots may be declared"));
            }
            if names.slot(&file.name).is_some() {
                issues.push(
                    path.field("name"),
                    format!("slot `{}` is already defined (built-in or declared twice)", file.name),
                );
            }
            let field = names.field_id(&file.field, &path.field("field"), issues);
            if file.noun.trim().is_empty() {
                issues.push(path.field("noun"), format!("slot `{}` has an empty noun", file.name));
            }
            if file.remembered && !file.identity {
                issues.push(
                    path.field("remembered"),
                    format!("slot `{}` is remembered but not an identity fact (goal facts are always known)", file.name),
                );
            }
            if let Some(list) = field.and_then(|field| names.layout.list_of(field)) {
                names.needs_focus(
                    list,
                    &format!("slot `{}`", file.name),
                    &path.field("field"),
                    issues,
                );
            }
            let aliases = field
                .map(|field| names.aliases(file, field, &path.field("aliases"), issues))
                .unwrap_or_default();
            names.slots.push(SlotSpec {
                name: file.name.clone(),
                noun: file.noun.clone(),
                field: field.unwrap_or(0),
                identity: file.identity,
                remembered: file.remembered,
                aliases,
            });
        }
        names
    }

    /// A slot's aliases as codes of its field: each alias is words that are no value of the field, for a value that
    /// is one.
    fn aliases(
        &self,
        file: &SlotFile,
        field: FieldId,
        at: &FieldPath,
        issues: &mut Issues,
    ) -> Vec<(String, u64)> {
        let field = &self.fields[usize::from(field)];
        let mut out = Vec::with_capacity(file.aliases.len());
        for (words, value) in &file.aliases {
            let path = at.clone();
            if words.trim().is_empty() {
                issues.push(path, format!("slot `{}` has an empty alias", file.name));
                continue;
            }
            if field.ty.parse(words).is_some() {
                issues.push(
                    path,
                    format!(
                        "alias `{words}` of slot `{}` is already a value of field `{}`",
                        file.name, field.name
                    ),
                );
                continue;
            }
            match field.ty.parse(value) {
                Some(code) => out.push((words.trim().to_owned(), code)),
                None => issues.push(
                    path,
                    format!(
                        "alias `{words}` of slot `{}` stands for `{value}`, which is no value of field `{}`",
                        file.name, field.name
                    ),
                ),
            }
        }
        out
    }

    /// Checks a list entity's variants and gives them to its list: only a list has them, each names at least one
    /// of the entity's own fields (not its count) and weighs more than 0.
    fn add_variants(
        &mut self,
        entity: &EntityFile,
        list: Option<ListId>,
        at: &FieldPath,
        issues: &mut Issues,
    ) {
        if entity.variants.is_empty() {
            return;
        }
        let Some(list) = list else {
            issues.push(
                at.clone(),
                format!(
                    "entity `{}` has one instance; only a list (with a count) has variants",
                    entity.name
                ),
            );
            return;
        };
        let mut variants = Vec::with_capacity(entity.variants.len());
        for (idx, variant) in entity.variants.iter().enumerate() {
            let path = at.index(idx);
            if variant.fields.is_empty() {
                issues.push(path.field("fields"), "a variant names at least one field".to_owned());
            }
            if variant.weight == 0 {
                issues.push(path.field("weight"), "a variant's weight is more than 0".to_owned());
            }
            let mut fields = 0u64;
            for (field_idx, field) in variant.fields.iter().enumerate() {
                let name = format!("{}.{field}", entity.name);
                match self.field_ids.get(&name).filter(|_| field != "count") {
                    Some(id) => fields |= 1u64.checked_shl(u32::from(*id)).unwrap_or(0),
                    None => issues.push(
                        path.field("fields").index(field_idx),
                        format!("entity `{}` has no field `{field}`", entity.name),
                    ),
                }
            }
            variants.push(Variant { fields, weight: variant.weight });
        }
        self.lists[usize::from(list)].variants = variants;
    }

    /// Adds a field: one cell, or one per instance of its list; reports a name taken or the buffer full.
    fn add_field(
        &mut self,
        name: String,
        ty: FieldType,
        (generator, focus_generator): (Gen, Option<Gen>),
        list: Option<ListId>,
        at: &FieldPath,
        issues: &mut Issues,
    ) {
        if self.field_ids.contains_key(&name) {
            issues.push(at.field("name"), format!("duplicate field `{name}`"));
            return;
        }
        let cells = list.map_or(1, |list| self.lists[usize::from(list)].capacity);
        if self.fields.len() + usize::from(cells) > MAX_FIELDS {
            issues.push(
                at.clone(),
                format!(
                    "field `{name}`: a scenario's fields may take at most {MAX_FIELDS} cells (a list field takes one per instance of its capacity)"
                ),
            );
            return;
        }
        let first = self.fields.len() as FieldId;
        self.field_ids.insert(name.clone(), first);
        if let (Some(list), Some(generator)) = (list, focus_generator) {
            self.lists[usize::from(list)].focus_draws.push((first, generator));
        }
        for index in 0..cells {
            let instance = list.map(|list| Instance { list, index });
            let (name, ty, generator) = (name.clone(), ty.clone(), generator.clone());
            self.fields.push(FieldSpec { name, ty, generator, instance });
        }
    }

    /// The list entity with this name, reporting an unknown one or an entity without a count.
    pub(super) fn list_id(
        &self,
        name: &str,
        at: &FieldPath,
        issues: &mut Issues,
    ) -> Option<ListId> {
        let id = self.list_ids.get(name).copied();
        if id.is_none() {
            issues.push(
                at.clone(),
                format!("`{name}` is not a list entity (one declared with a `count`)"),
            );
        }
        id
    }

    /// Reports a read of a list's focus (outside a tool call) where an episode may start with no instance.
    pub(super) fn needs_focus(
        &self,
        list: ListId,
        what: &str,
        at: &FieldPath,
        issues: &mut Issues,
    ) {
        let spec = &self.lists[usize::from(list)];
        if spec.min == 0 {
            issues.push(
                at.clone(),
                format!(
                    "{what} reads the `{}` the request is about, but an episode may start with none (count min 0)",
                    spec.name
                ),
            );
        }
    }

    /// Reports each list an expression reads through the focus where an episode may start with no instance.
    pub(super) fn focus_reads(&self, expr: &Expr, what: &str, at: &FieldPath, issues: &mut Issues) {
        let selected = expr.lists_selected(&self.layout);
        for list in 0..self.lists.len() as ListId {
            if selected & (1 << list) != 0 {
                self.needs_focus(list, what, at, issues);
            }
        }
    }

    /// The list whose instance a checked `slot` picks (a declared slot backed by a list field).
    pub(super) fn list_picked_by(&self, slot: Slot) -> Option<ListId> {
        self.layout.list_of(self.declared(slot)?.field)
    }

    /// The lists whose instance a call checking `check` identifies, one bit per list.
    pub(super) fn identified(&self, check: SlotSet) -> u8 {
        check
            .iter()
            .filter_map(|slot| self.list_picked_by(slot))
            .fold(0, |lists, list| lists | 1 << list)
    }

    /// Reports each list an expression of a tool reads through the selection that the tool's checked args do not
    /// identify (`identified`, one bit per list).
    pub(super) fn selection_reads(
        &self,
        selected: u8,
        identified: u8,
        what: &str,
        at: &FieldPath,
        issues: &mut Issues,
    ) {
        for (list, spec) in self.lists.iter().enumerate() {
            if selected & !identified & (1 << list) != 0 {
                issues.push(
                    at.clone(),
                    format!(
                        "{what} reads or sets a `{0}` but checks no arg that picks one (check a slot backed by a `{0}` field)",
                        spec.name
                    ),
                );
            }
        }
    }

    /// The slot with this name, built-in or declared.
    pub(super) fn slot(&self, name: &str) -> Option<Slot> {
        sim_core::spec::slot_by_name(&self.slots, name)
    }

    /// The declared slot behind `slot` (`None` for built-in slots).
    pub(super) fn declared(&self, slot: Slot) -> Option<&SlotSpec> {
        sim_core::spec::declared_slot(&self.slots, slot)
    }

    /// The field with this `entity.field` name, reporting an unknown one.
    pub(super) fn field_id(
        &self,
        name: &str,
        at: &FieldPath,
        issues: &mut Issues,
    ) -> Option<FieldId> {
        let id = self.field_ids.get(name).copied();
        if id.is_none() {
            issues.push(at.clone(), format!("unknown field `{name}`"));
        }
        id
    }

    /// Converts an expression, resolves its names and checks that it has type `want`; reports every problem.
    pub(super) fn expr(
        &self,
        file: &ExprFile,
        want: ExprType,
        reads: Reads,
        target: Option<FieldId>,
        at: &FieldPath,
        issues: &mut Issues,
    ) -> Expr {
        self.typed_expr(file, Some(want), reads, target, at, issues)
    }

    /// As [`Names::expr`], for a value that may be a number or a condition (a tool's reported value).
    pub(super) fn any_expr(
        &self,
        file: &ExprFile,
        reads: Reads,
        at: &FieldPath,
        issues: &mut Issues,
    ) -> Expr {
        self.typed_expr(file, None, reads, None, at, issues)
    }

    fn typed_expr(
        &self,
        file: &ExprFile,
        want: Option<ExprType>,
        reads: Reads,
        target: Option<FieldId>,
        at: &FieldPath,
        issues: &mut Issues,
    ) -> Expr {
        let before = issues.0.len();
        let expr = self.convert(file, target, at, issues);
        if issues.0.len() > before {
            return expr;
        }
        let ctx = CheckCtx {
            fields: &self.fields,
            lists: &self.lists,
            args: reads.args,
            goals: reads.goals,
        };
        let checked = match want {
            Some(want) => expr.expect(&ctx, want),
            None => expr.check(&ctx).map(|_| ()),
        };
        if let Err(errors) = checked {
            for error in errors {
                issues.push(at.clone(), self.readable(&error.to_string()));
            }
        }
        expr
    }

    /// An error message with `field#N` and `arg#N`/`goal#N` replaced by names.
    fn readable(&self, message: &str) -> String {
        let mut out = message.to_owned();
        for (idx, field) in self.fields.iter().enumerate().rev() {
            out = out.replace(&format!("field#{idx}"), &field.name);
        }
        for (idx, list) in self.lists.iter().enumerate().rev() {
            out = out.replace(&format!("list#{idx}"), &list.name);
            out = out.replace(&format!("selected#{idx}"), &format!("Selected({})", list.name));
        }
        for slot in (0..MAX_SLOTS as u8).rev().map(Slot) {
            if let Some(name) = sim_core::spec::slot_name_in(&self.slots, slot) {
                for kind in ["arg", "goal"] {
                    out = out.replace(&format!("{kind}#{}", slot.0), &format!("{kind}({name})"));
                }
            }
        }
        out
    }

    fn convert(
        &self,
        file: &ExprFile,
        target: Option<FieldId>,
        at: &FieldPath,
        issues: &mut Issues,
    ) -> Expr {
        let two = |a: &ExprFile, b: &ExprFile, issues: &mut Issues| {
            (
                Box::new(self.convert(a, target, at, issues)),
                Box::new(self.convert(b, target, at, issues)),
            )
        };
        let slot = |SlotName(name): &SlotName, issues: &mut Issues| match self.slot(name) {
            Some(slot) => slot.0,
            None => {
                issues.push(at.clone(), format!("unknown slot `{name}`"));
                0
            }
        };
        match file {
            ExprFile::Const(value) => Expr::Const(*value),
            ExprFile::Dollars(dollars) => {
                if !dollars.is_finite() || dollars.abs() > MAX_DOLLARS {
                    issues.push(
                        at.clone(),
                        format!("Dollars({dollars:e}) is beyond ±{MAX_DOLLARS:e}, the range of a Money value"),
                    );
                    return Expr::Const(0);
                }
                Expr::Const((dollars * 100.0).round() as i64)
            }
            ExprFile::True => Expr::Eq(Box::new(Expr::Const(0)), Box::new(Expr::Const(0))),
            ExprFile::False => Expr::Ne(Box::new(Expr::Const(0)), Box::new(Expr::Const(0))),
            ExprFile::Field(name) => Expr::Field(self.field_id(name, at, issues).unwrap_or(0)),
            ExprFile::Original(name) => {
                Expr::Original(self.field_id(name, at, issues).unwrap_or(0))
            }
            ExprFile::Is(name, label) => {
                let id = self.field_id(name, at, issues);
                let index = id.and_then(|id| self.label(id, label, at, issues));
                Expr::Eq(
                    Box::new(Expr::Field(id.unwrap_or(0))),
                    Box::new(Expr::Const(index.unwrap_or(0))),
                )
            }
            ExprFile::Label(label) => match target {
                Some(id) => Expr::Const(self.label(id, label, at, issues).unwrap_or(0)),
                None => {
                    issues.push(
                        at.clone(),
                        format!(
                            "Label(\"{label}\") only makes sense as the value set to an Enum field; compare with Is(field, label)"
                        ),
                    );
                    Expr::Const(0)
                }
            },
            ExprFile::Arg(name) => Expr::Arg(slot(name, issues)),
            ExprFile::HasArg(name) => Expr::HasArg(slot(name, issues)),
            ExprFile::Goal(name) => Expr::Goal(slot(name, issues)),
            ExprFile::MembershipLevel => Expr::Builtin(Builtin::MembershipLevel),
            ExprFile::ShippingStatus => Expr::Builtin(Builtin::ShippingStatus),
            ExprFile::OracleYes => Expr::Builtin(Builtin::OracleYes),
            ExprFile::DaysSincePurchase => Expr::Builtin(Builtin::DaysSincePurchase),
            ExprFile::OrderTotal => Expr::Builtin(Builtin::OrderTotal),
            ExprFile::Refunded => Expr::Builtin(Builtin::Refunded),
            ExprFile::OrderChange => Expr::Builtin(Builtin::OrderChange),
            ExprFile::Purchases => Expr::Builtin(Builtin::Purchases),
            ExprFile::Not(inner) => Expr::Not(Box::new(self.convert(inner, target, at, issues))),
            ExprFile::If(cond, then, other) => Expr::If(
                Box::new(self.convert(cond, target, at, issues)),
                Box::new(self.convert(then, target, at, issues)),
                Box::new(self.convert(other, target, at, issues)),
            ),
            ExprFile::Add(a, b) => {
                let (a, b) = two(a, b, issues);
                Expr::Add(a, b)
            }
            ExprFile::Sub(a, b) => {
                let (a, b) = two(a, b, issues);
                Expr::Sub(a, b)
            }
            ExprFile::Mul(a, b) => {
                let (a, b) = two(a, b, issues);
                Expr::Mul(a, b)
            }
            ExprFile::Div(a, b) => {
                let (a, b) = two(a, b, issues);
                Expr::Div(a, b)
            }
            ExprFile::Min(a, b) => {
                let (a, b) = two(a, b, issues);
                Expr::Min(a, b)
            }
            ExprFile::Max(a, b) => {
                let (a, b) = two(a, b, issues);
                Expr::Max(a, b)
            }
            ExprFile::PercentOf(a, b) => {
                let (a, b) = two(a, b, issues);
                Expr::PercentOf(a, b)
            }
            ExprFile::Eq(a, b) => {
                let (a, b) = two(a, b, issues);
                Expr::Eq(a, b)
            }
            ExprFile::Ne(a, b) => {
                let (a, b) = two(a, b, issues);
                Expr::Ne(a, b)
            }
            ExprFile::Lt(a, b) => {
                let (a, b) = two(a, b, issues);
                Expr::Lt(a, b)
            }
            ExprFile::Le(a, b) => {
                let (a, b) = two(a, b, issues);
                Expr::Le(a, b)
            }
            ExprFile::Gt(a, b) => {
                let (a, b) = two(a, b, issues);
                Expr::Gt(a, b)
            }
            ExprFile::Ge(a, b) => {
                let (a, b) = two(a, b, issues);
                Expr::Ge(a, b)
            }
            ExprFile::And(a, b) => {
                let (a, b) = two(a, b, issues);
                Expr::And(a, b)
            }
            ExprFile::Or(a, b) => {
                let (a, b) = two(a, b, issues);
                Expr::Or(a, b)
            }
            ExprFile::Selected(list) => Expr::Selected(self.list_id(list, at, issues).unwrap_or(0)),
            ExprFile::Count { of, filter } => Expr::Count(
                self.list_id(of, at, issues).unwrap_or(0),
                filter.as_ref().map(|filter| Box::new(self.convert(filter, target, at, issues))),
            ),
            ExprFile::Sum { of, filter, value } => Expr::Sum(
                self.list_id(of, at, issues).unwrap_or(0),
                filter.as_ref().map(|filter| Box::new(self.convert(filter, target, at, issues))),
                Box::new(self.convert(value, target, at, issues)),
            ),
            ExprFile::At { of, index, value } => {
                let (index, value) = two(index, value, issues);
                Expr::At(self.list_id(of, at, issues).unwrap_or(0), index, value)
            }
        }
    }

    /// The index of `label` in an `Enum` field's labels, reporting a missing label or a field of another type.
    fn label(&self, id: FieldId, label: &str, at: &FieldPath, issues: &mut Issues) -> Option<i64> {
        let field = &self.fields[usize::from(id)];
        let FieldType::Enum(labels) = &field.ty else {
            issues.push(
                at.clone(),
                format!("field `{}` is not an Enum, so it has no labels", field.name),
            );
            return None;
        };
        let index = labels.iter().position(|known| known == label);
        if index.is_none() {
            issues.push(
                at.clone(),
                format!(
                    "field `{}` has no label `{label}` (labels: {})",
                    field.name,
                    labels.join(", ")
                ),
            );
        }
        index.map(|index| index as i64)
    }
}

/// Builds the metrics: unique names, at most `MAX_METRICS`, numbers over the world and the customer's goals.
pub(super) fn metrics(
    files: &[crate::file::MetricFile],
    names: &Names,
    at: &FieldPath,
    issues: &mut Issues,
) -> Vec<sim_core::spec::MetricSpec> {
    use sim_core::spec::MAX_METRICS;
    if files.len() > MAX_METRICS {
        issues.push(at.index(MAX_METRICS), format!("at most {MAX_METRICS} metrics are supported"));
    }
    let mut seen = BTreeMap::new();
    let mut out = Vec::with_capacity(files.len());
    for (idx, file) in files.iter().enumerate() {
        let path = at.index(idx);
        if seen.insert(file.name.as_str(), ()).is_some() {
            issues.push(path.field("name"), format!("duplicate metric `{}`", file.name));
        }
        let reads = Reads { args: false, goals: true };
        let at = path.field("value");
        let value = names.expr(&file.value, ExprType::Number, reads, None, &at, issues);
        names.focus_reads(&value, &format!("metric `{}`", file.name), &at, issues);
        out.push(sim_core::spec::MetricSpec {
            name: file.name.clone(),
            money: file.unit == crate::file::UnitFile::Money,
            value,
        });
    }
    out
}

/// An information intent's answers: declared slots, each reported by the named tool (its value reads the slot's
/// field, or the intent's step with the tool `reports` the slot).
pub(super) fn answers(
    file: &crate::file::IntentFile,
    steps: &[sim_core::spec::Step],
    tools: &[sim_core::spec::ToolSpec],
    tool_ids: &super::ToolIds,
    names: &Names,
    at: &FieldPath,
    issues: &mut Issues,
) -> Vec<(Slot, sim_core::spec::ToolId)> {
    let max = sim_core::act::MAX_VALUES;
    if file.answers.len() > max {
        issues.push(at.clone(), format!("an intent asks for at most {max} answers"));
    }
    let ctx = Reporters { tools, tool_ids, names, steps };
    reported_slots(&file.answers, "answer", &ctx, at, issues)
}

/// What tells which tool reports which slot: the tools' values, and the steps that report a slot.
struct Reporters<'a> {
    tools: &'a [sim_core::spec::ToolSpec],
    tool_ids: &'a super::ToolIds<'a>,
    names: &'a Names,
    steps: &'a [sim_core::spec::Step],
}

/// Declared slots paired with the tool that reports each, checked: the slot is declared, the tool exists and its
/// value reads the slot's field.
fn reported_slots(
    pairs: &[(crate::file::SlotName, String)],
    what: &str,
    ctx: &Reporters,
    at: &FieldPath,
    issues: &mut Issues,
) -> Vec<(Slot, sim_core::spec::ToolId)> {
    let Reporters { tools, tool_ids, names, steps } = *ctx;
    let mut out = Vec::new();
    for (idx, (SlotName(slot_name), tool_name)) in pairs.iter().enumerate() {
        let path = at.index(idx);
        let slot = names.slot(slot_name).filter(|slot| !slot.is_standard());
        let Some(slot) = slot else {
            issues.push(path, format!("{what} names `{slot_name}`, which is not a declared slot"));
            continue;
        };
        let Some(tool) = tool_ids.get(tool_name) else {
            issues.push(path, format!("{what} names unknown tool `{tool_name}`"));
            continue;
        };
        let field = names.declared(slot).expect("a declared slot").field;
        let reports = match &tools[usize::from(tool)].effect {
            sim_core::spec::Effect::Data(data) => {
                data.value.as_ref().is_some_and(|value| value.fields_read() & (1 << field) != 0)
            }
            _ => false,
        };
        let reports =
            reports || steps.iter().any(|step| step.tool == tool && step.reports == Some(slot));
        if !reports {
            issues.push(
                path,
                format!("tool `{tool_name}` does not report `{slot_name}` (its value must read its field)"),
            );
            continue;
        }
        out.push((slot, tool));
    }
    out
}

/// Builds an intent's claims: declared slots, each reported by a data tool whose value reads the slot's field; at
/// most three, so an offer can carry them.
pub(super) fn claims(
    file: &crate::file::IntentFile,
    tools: &[sim_core::spec::ToolSpec],
    tool_ids: &super::ToolIds,
    names: &Names,
    at: &FieldPath,
    issues: &mut Issues,
) -> Vec<(Slot, sim_core::spec::ToolId)> {
    let max = sim_core::act::MAX_VALUES - 1;
    if file.claims.len() > max {
        issues.push(at.clone(), format!("an offer carries at most {max} claims"));
    }
    if !file.claims.is_empty() && file.offer.is_none() {
        issues.push(
            at.clone(),
            format!("intent `{}` has claims but no offer to state them with", file.id),
        );
    }
    let ctx = Reporters { tools, tool_ids, names, steps: &[] };
    reported_slots(&file.claims, "claim", &ctx, at, issues)
}

/// Builds an offer: its slot must be declared (so an accepted value can be held) and its threshold a field.
pub(super) fn offer(
    file: &crate::file::OfferFile,
    names: &Names,
    tool_ids: &super::ToolIds,
    at: &FieldPath,
    issues: &mut Issues,
) -> Option<sim_core::spec::OfferSpec> {
    let value = match &file.value {
        crate::file::OfferValueFile::Fixed(value) => {
            Some(sim_core::spec::OfferValue::Fixed(*value))
        }
        crate::file::OfferValueFile::FromTool(tool) => {
            let id = tool_ids.get(tool);
            if id.is_none() {
                issues.push(at.field("value"), format!("offer value names unknown tool `{tool}`"));
            }
            id.map(sim_core::spec::OfferValue::FromTool)
        }
    };
    if file.concession >= 100 {
        issues.push(
            at.field("concession"),
            format!("concession is {}%; it must be below 100", file.concession),
        );
    }
    let slot = names.slot(&file.slot.0);
    if slot.is_none() {
        issues.push(at.field("slot"), format!("unknown slot `{}`", file.slot.0));
    }
    let (field, accept) = match &file.accept {
        crate::file::AcceptFile::AtLeast(field) => (field, sim_core::spec::Accept::AtLeast),
        crate::file::AcceptFile::AtMost(field) => (field, sim_core::spec::Accept::AtMost),
    };
    let threshold = names.field_id(field, &at.field("accept"), issues);
    if let Some(list) = threshold.and_then(|threshold| names.layout.list_of(threshold)) {
        names.needs_focus(list, "the offer's threshold", &at.field("accept"), issues);
    }
    Some(sim_core::spec::OfferSpec {
        slot: slot?,
        value: value?,
        concession: file.concession,
        threshold: threshold?,
        accept,
    })
}

impl Names {
    /// Converts a field type, resolving a reference's list.
    fn field_type(
        &self,
        file: &FieldTypeFile,
        name: &str,
        at: &FieldPath,
        issues: &mut Issues,
    ) -> FieldType {
        match file {
            FieldTypeFile::Ref(entity) => {
                FieldType::Ref(self.list_id(entity, at, issues).unwrap_or(0))
            }
            FieldTypeFile::Int => FieldType::Int,
            FieldTypeFile::Money => FieldType::Money,
            FieldTypeFile::Percent => FieldType::Percent,
            FieldTypeFile::Bool => FieldType::Bool,
            FieldTypeFile::Digits(n) => FieldType::Digits(*n),
            FieldTypeFile::Enum(labels) => {
                if labels.is_empty() {
                    issues.push(
                        at.clone(),
                        format!("field `{name}`: an Enum needs at least one label"),
                    );
                }
                FieldType::Enum(labels.clone())
            }
            FieldTypeFile::Days => FieldType::Days,
            FieldTypeFile::Date(today) => {
                let day =
                    sim_core::field::calendar::Ymd::parse_iso(today).and_then(|day| day.to_days());
                if day.is_none() {
                    issues.push(
                        at.clone(),
                        format!("field `{name}`: `{today}` is no date; write a Date's day as \"2018-06-30\""),
                    );
                }
                FieldType::Date(day.unwrap_or(0))
            }
        }
    }
}

/// The largest value a Money field or a `Dollars` constant may hold: a billion dollars, so that sums over a run of
/// any size stay exact.
pub const MAX_DOLLARS: f64 = 1e9;
/// The largest value a number field may hold.
pub const MAX_NUMBER: f64 = 1e12;

/// Converts a generator to stored units (cents for money), reporting negative, too large or fractional values.
fn generator(
    file: &GenFile,
    ty: &FieldType,
    name: &str,
    at: &FieldPath,
    issues: &mut Issues,
) -> Gen {
    let scale = if *ty == FieldType::Money { 100.0 } else { 1.0 };
    let max = if *ty == FieldType::Money { MAX_DOLLARS } else { MAX_NUMBER };
    let mut in_range = |value: f64, what: &str| -> bool {
        if !value.is_finite() || value < 0.0 {
            issues.push(
                at.clone(),
                format!("field `{name}`: {what} is {value}; it must be finite and not negative"),
            );
            return false;
        }
        if value > max {
            issues.push(
                at.clone(),
                format!("field `{name}`: {what} is {value:e}; at most {max:e} fits its type"),
            );
            return false;
        }
        true
    };
    if let GenFile::Normal { min, max, .. } | GenFile::LogNormal { min, max, .. } = file {
        in_range(*min, "min");
        in_range(*max, "max");
    }
    let mut whole = |value: f64, what: &str| -> u64 {
        if !in_range(value, what) {
            return 0;
        }
        (value * scale).round() as u64
    };
    match file {
        GenFile::Fixed(value) => Gen::Fixed(whole(*value, "the value")),
        GenFile::Label(label) => {
            let FieldType::Enum(labels) = ty else {
                issues.push(at.clone(), format!("field `{name}`: Label needs an Enum field"));
                return Gen::Fixed(0);
            };
            match labels.iter().position(|known| known == label) {
                Some(index) => Gen::Fixed(index as u64),
                None => {
                    issues.push(at.clone(), format!("field `{name}` has no label `{label}`"));
                    Gen::Fixed(0)
                }
            }
        }
        GenFile::Any => match ty {
            FieldType::Ref(list) => Gen::Instance(*list),
            _ => {
                issues.push(at.clone(), format!("field `{name}`: Any needs a Ref field"));
                Gen::Fixed(0)
            }
        },
        GenFile::Uniform { lo, hi } => Gen::Uniform { lo: whole(*lo, "lo"), hi: whole(*hi, "hi") },
        GenFile::Normal { mean, sd, min, max } => {
            Gen::Normal { mean: mean * scale, sd: sd * scale, min: min * scale, max: max * scale }
        }
        GenFile::LogNormal { mu, sigma, min, max } => Gen::LogNormal {
            mu: mu + scale.ln(),
            sigma: *sigma,
            min: min * scale,
            max: max * scale,
        },
        GenFile::Categorical(weights) => Gen::Categorical(weights.clone()),
        GenFile::Bernoulli(p) => Gen::Bernoulli(*p),
        GenFile::Rounded { step, of } => {
            let step = whole(*step, "step");
            if step == 0 {
                let unit = if *ty == FieldType::Money { "a cent" } else { "1" };
                issues.push(at.clone(), format!("field `{name}`: rounded step is at least {unit}"));
            }
            Gen::Rounded { step, of: Box::new(generator(of, ty, name, at, issues)) }
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod lists;
