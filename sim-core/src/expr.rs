//! A small typed expression language over world fields, tool arguments and customer goals.
//!
//! Scenarios use expressions for their own rules and effects (`field#3 - field#4 <= arg#13`).
//! An expression is checked once, when the scenario loads ([`Expr::check`], [`Expr::expect`]),
//! and then evaluated many times inside episodes ([`Expr::eval`]), which never panics and never allocates.
//! Numbers are `i64`; Bools are 0 or 1.
//!
//! A field of a list entity reads the instance the environment has selected (see [`crate::list`]);
//! [`Expr::Count`], [`Expr::Sum`] and [`Expr::At`] select instances of their own.

use std::fmt;

use crate::field::{FieldId, FieldSpec};
use crate::list::{Layout, ListId, ListSpec};

#[cfg(test)]
mod tests;

/// An expression; see the [module docs](self).
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A number.
    Const(i64),
    /// The field's current value.
    Field(FieldId),
    /// The value the field was generated with at the start of the episode.
    Original(FieldId),
    /// A tool call's argument for this slot index (0 when absent).
    Arg(u8),
    /// Bool: whether the tool call gave an argument for this slot index.
    HasArg(u8),
    /// The customer's goal value for this slot index (0 when absent).
    Goal(u8),
    /// A fact of the built-in account and order.
    Builtin(Builtin),
    /// Sum (saturating).
    Add(Box<Expr>, Box<Expr>),
    /// Difference (saturating).
    Sub(Box<Expr>, Box<Expr>),
    /// Product (saturating).
    Mul(Box<Expr>, Box<Expr>),
    /// Quotient rounded toward zero; anything divided by 0 is 0.
    Div(Box<Expr>, Box<Expr>),
    /// The smaller of two numbers.
    Min(Box<Expr>, Box<Expr>),
    /// The larger of two numbers.
    Max(Box<Expr>, Box<Expr>),
    /// `PercentOf(pct, base)` = base × pct / 100, rounded toward zero.
    PercentOf(Box<Expr>, Box<Expr>),
    /// Bool: both operands are equal (numbers with numbers, Bools with Bools).
    Eq(Box<Expr>, Box<Expr>),
    /// Bool: the operands differ.
    Ne(Box<Expr>, Box<Expr>),
    /// Bool: the left number is less than the right.
    Lt(Box<Expr>, Box<Expr>),
    /// Bool: the left number is at most the right.
    Le(Box<Expr>, Box<Expr>),
    /// Bool: the left number is greater than the right.
    Gt(Box<Expr>, Box<Expr>),
    /// Bool: the left number is at least the right.
    Ge(Box<Expr>, Box<Expr>),
    /// Bool: both Bools hold.
    And(Box<Expr>, Box<Expr>),
    /// Bool: either Bool holds.
    Or(Box<Expr>, Box<Expr>),
    /// Bool: the Bool does not hold.
    Not(Box<Expr>),
    /// If the Bool condition holds, the first branch, else the second; both branches have one type.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// The index of the list's selected instance (compare with a reference field).
    Selected(ListId),
    /// How many live instances of the list satisfy the Bool condition (all of them without one).
    Count(ListId, Option<Box<Expr>>),
    /// The sum of the number over the live instances of the list that satisfy the condition.
    Sum(ListId, Option<Box<Expr>>, Box<Expr>),
    /// The value (second) with the list's instance at the index (first) selected; 0 past the live instances.
    At(ListId, Box<Expr>, Box<Expr>),
}

/// Facts of the built-in account and order an expression may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// Membership level: 0 guest, 1 bronze, 2 silver, 3 gold.
    MembershipLevel,
    /// Shipping state: 0 order received, 1 in transit, 2 out for delivery, 3 delivered.
    ShippingStatus,
    /// Bool: the ask-the-oracle answer (did the company err?) is yes.
    OracleYes,
    /// Days since the purchase.
    DaysSincePurchase,
    /// The order total in cents.
    OrderTotal,
    /// Cents refunded on the order so far.
    Refunded,
    /// The order's pending change: 0 for none, else the order option's index + 1.
    OrderChange,
    /// Purchases the agent made for the customer in this episode.
    Purchases,
}

impl Builtin {
    /// Every built-in fact with its name in files and messages.
    pub const ALL: [(Builtin, &'static str); 8] = [
        (Builtin::MembershipLevel, "MembershipLevel"),
        (Builtin::ShippingStatus, "ShippingStatus"),
        (Builtin::OracleYes, "OracleYes"),
        (Builtin::DaysSincePurchase, "DaysSincePurchase"),
        (Builtin::OrderTotal, "OrderTotal"),
        (Builtin::Refunded, "Refunded"),
        (Builtin::OrderChange, "OrderChange"),
        (Builtin::Purchases, "Purchases"),
    ];

    /// The native tool effect that changes this fact in an episode, if any.
    pub fn changed_by(self) -> Option<crate::spec::Effect> {
        match self {
            Builtin::Refunded => Some(crate::spec::Effect::Refund),
            Builtin::OrderChange => Some(crate::spec::Effect::UpdateOrder),
            Builtin::Purchases => Some(crate::spec::Effect::MakePurchase),
            _ => None,
        }
    }

    /// Writes a value of this fact as a person reads it ("silver", "in transit", "$12.50").
    pub fn render(self, value: u64, out: &mut String) {
        use std::fmt::Write as _;
        let label = |labels: &[&str]| labels.get(value as usize).map(|label| label.to_string());
        let shown = match self {
            Builtin::MembershipLevel => label(&["guest", "bronze", "silver", "gold"]),
            Builtin::ShippingStatus => {
                label(&["order received", "in transit", "out for delivery", "delivered"])
            }
            Builtin::OracleYes => label(&["no", "yes"]),
            Builtin::OrderTotal | Builtin::Refunded => {
                Some(format!("${}.{:02}", value / 100, value % 100))
            }
            Builtin::OrderChange if value == 0 => Some("none".to_owned()),
            Builtin::OrderChange => Some(format!("option {}", value - 1)),
            Builtin::DaysSincePurchase | Builtin::Purchases => None,
        };
        match shown {
            Some(shown) => out.push_str(&shown),
            None => {
                let _ = write!(out, "{value}");
            }
        }
    }

    /// The fact's name.
    pub fn name(self) -> &'static str {
        Builtin::ALL.iter().find(|(fact, _)| *fact == self).map_or("?", |(_, name)| name)
    }
}

/// What an expression reads while it is evaluated.
pub trait Env {
    /// The current value of a field cell (a field of a list entity has one cell per instance).
    fn cell(&self, cell: usize) -> u64;
    /// The value a field cell was generated with at the start of the episode.
    fn original_cell(&self, cell: usize) -> u64;
    /// The tool call's argument for a slot index, if it was given.
    fn arg(&self, slot: u8) -> Option<u64>;
    /// The customer's goal value for a slot index, if the goal has one.
    fn goal(&self, slot: u8) -> Option<u64>;
    /// A fact of the built-in account and order (0 where there is no world).
    fn builtin(&self, _fact: Builtin) -> u64 {
        0
    }
    /// The list a field belongs to, `None` for a field of a single-instance entity.
    fn list_of(&self, _field: FieldId) -> Option<ListId> {
        None
    }
    /// The instance of `list` that field reads see.
    fn selected(&self, _list: ListId) -> u8 {
        0
    }
    /// How many live instances `list` has.
    fn len(&self, _list: ListId) -> u8 {
        0
    }
    /// The cell a field read sees: the field's own, or its selected instance's.
    fn cell_of(&self, field: FieldId) -> usize {
        let offset = self.list_of(field).map_or(0, |list| self.selected(list));
        usize::from(field) + usize::from(offset)
    }
}

/// An environment with one list's selection changed, for [`Expr::Count`], [`Expr::Sum`] and [`Expr::At`].
struct Select<'a> {
    /// Everything else.
    env: &'a dyn Env,
    /// The list whose selection changes.
    list: ListId,
    /// The instance selected.
    index: u8,
}

impl Env for Select<'_> {
    fn cell(&self, cell: usize) -> u64 {
        self.env.cell(cell)
    }
    fn original_cell(&self, cell: usize) -> u64 {
        self.env.original_cell(cell)
    }
    fn arg(&self, slot: u8) -> Option<u64> {
        self.env.arg(slot)
    }
    fn goal(&self, slot: u8) -> Option<u64> {
        self.env.goal(slot)
    }
    fn builtin(&self, fact: Builtin) -> u64 {
        self.env.builtin(fact)
    }
    fn list_of(&self, field: FieldId) -> Option<ListId> {
        self.env.list_of(field)
    }
    fn selected(&self, list: ListId) -> u8 {
        if list == self.list { self.index } else { self.env.selected(list) }
    }
    fn len(&self, list: ListId) -> u8 {
        self.env.len(list)
    }
}

/// The type of an expression's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExprType {
    /// An `i64`.
    Number,
    /// 0 or 1.
    Bool,
}

/// Where an expression is used decides what it may read.
#[derive(Clone, Copy, Debug)]
pub struct CheckCtx<'a> {
    /// The scenario's declared field cells, indexed by [`FieldId`].
    pub fields: &'a [FieldSpec],
    /// The scenario's list entities, indexed by [`ListId`].
    pub lists: &'a [ListSpec],
    /// Whether tool call arguments exist here ([`Expr::Arg`], [`Expr::HasArg`]).
    pub args: bool,
    /// Whether the customer's goals are available here ([`Expr::Goal`]).
    pub goals: bool,
}

/// A problem found when type-checking an expression; `expr` is the offending (sub-)expression.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExprError {
    /// A field id past the declared fields.
    #[error("`{expr}` reads field {id}, but the scenario declares {n_fields} fields")]
    UnknownField {
        /// The field id read.
        id: FieldId,
        /// How many fields are declared.
        n_fields: usize,
        /// The expression reading it.
        expr: String,
    },
    /// A list id past the declared lists.
    #[error("`{expr}` reads list {id}, but the scenario declares {n_lists} lists")]
    UnknownList {
        /// The list id read.
        id: ListId,
        /// How many lists are declared.
        n_lists: usize,
        /// The expression reading it.
        expr: String,
    },
    /// An argument read where there is no tool call.
    #[error("`{expr}` reads a tool argument, but there are no tool arguments here")]
    ArgsUnavailable {
        /// The expression reading it.
        expr: String,
    },
    /// A goal read where the customer's goals are not available.
    #[error("`{expr}` reads a customer goal, but goals are not available here")]
    GoalsUnavailable {
        /// The expression reading it.
        expr: String,
    },
    /// An operand of the wrong type.
    #[error("`{operator}` expects a {expected} operand, found a {found}, in `{expr}`")]
    TypeMismatch {
        /// The operator, as [`Expr`]'s `Display` writes it.
        operator: &'static str,
        /// The type the operator takes.
        expected: ExprType,
        /// The operand's type.
        found: ExprType,
        /// The operator's expression.
        expr: String,
    },
    /// `==` or `!=` with operands of different types.
    #[error("`{operator}` compares a {left} with a {right} in `{expr}`")]
    MixedComparison {
        /// The operator.
        operator: &'static str,
        /// The left operand's type.
        left: ExprType,
        /// The right operand's type.
        right: ExprType,
        /// The comparison.
        expr: String,
    },
    /// An `if` whose branches have different types.
    #[error("`if` branches differ: a {then_type} and a {else_type}, in `{expr}`")]
    BranchesDiffer {
        /// The type of the branch taken when the condition holds.
        then_type: ExprType,
        /// The type of the other branch.
        else_type: ExprType,
        /// The `if` expression.
        expr: String,
    },
    /// A well-typed expression whose result is not the type its place needs.
    #[error("expected a {expected} expression, found a {found}: `{expr}`")]
    WrongResult {
        /// The type the place needs.
        expected: ExprType,
        /// The expression's type.
        found: ExprType,
        /// The expression.
        expr: String,
    },
}

impl Expr {
    /// Evaluates the expression; never panics (division by zero gives 0, arithmetic saturates).
    ///
    /// Bools are 1 or 0. Values above `i64::MAX` read as `i64::MAX`.
    pub fn eval(&self, env: &dyn Env) -> i64 {
        match self {
            Expr::Const(value) => *value,
            Expr::Field(id) => to_number(env.cell(env.cell_of(*id))),
            Expr::Original(id) => to_number(env.original_cell(env.cell_of(*id))),
            Expr::Arg(slot) => env.arg(*slot).map_or(0, to_number),
            Expr::HasArg(slot) => i64::from(env.arg(*slot).is_some()),
            Expr::Goal(slot) => env.goal(*slot).map_or(0, to_number),
            Expr::Builtin(fact) => to_number(env.builtin(*fact)),
            Expr::Add(left, right) => left.eval(env).saturating_add(right.eval(env)),
            Expr::Sub(left, right) => left.eval(env).saturating_sub(right.eval(env)),
            Expr::Mul(left, right) => left.eval(env).saturating_mul(right.eval(env)),
            Expr::Div(left, right) => {
                let dividend = left.eval(env);
                let divisor = right.eval(env);
                if divisor == 0 { 0 } else { dividend.saturating_div(divisor) }
            }
            Expr::Min(left, right) => left.eval(env).min(right.eval(env)),
            Expr::Max(left, right) => left.eval(env).max(right.eval(env)),
            Expr::PercentOf(percent, base) => {
                let exact = i128::from(base.eval(env)) * i128::from(percent.eval(env)) / 100;
                exact.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
            }
            Expr::Eq(left, right) => i64::from(left.eval(env) == right.eval(env)),
            Expr::Ne(left, right) => i64::from(left.eval(env) != right.eval(env)),
            Expr::Lt(left, right) => i64::from(left.eval(env) < right.eval(env)),
            Expr::Le(left, right) => i64::from(left.eval(env) <= right.eval(env)),
            Expr::Gt(left, right) => i64::from(left.eval(env) > right.eval(env)),
            Expr::Ge(left, right) => i64::from(left.eval(env) >= right.eval(env)),
            Expr::And(left, right) => i64::from(left.holds(env) && right.holds(env)),
            Expr::Or(left, right) => i64::from(left.holds(env) || right.holds(env)),
            Expr::Not(operand) => i64::from(!operand.holds(env)),
            Expr::If(condition, then_branch, else_branch) => {
                if condition.holds(env) {
                    then_branch.eval(env)
                } else {
                    else_branch.eval(env)
                }
            }
            Expr::Selected(list) => i64::from(env.selected(*list)),
            Expr::Count(list, condition) => sum_over(env, *list, condition.as_deref(), |_| 1),
            Expr::Sum(list, condition, value) => {
                sum_over(env, *list, condition.as_deref(), |selected| value.eval(selected))
            }
            Expr::At(list, index, value) => match u8::try_from(index.eval(env)) {
                Ok(index) if index < env.len(*list) => {
                    value.eval(&Select { env, list: *list, index })
                }
                _ => 0,
            },
        }
    }

    /// Whether the expression reads the world (a field or a built-in fact), as opposed to only constants,
    /// arguments and goals.
    pub fn reads_world(&self) -> bool {
        let mut reads = false;
        self.visit(&mut |expr| {
            reads |= matches!(
                expr,
                Expr::Field(_)
                    | Expr::Original(_)
                    | Expr::Builtin(_)
                    | Expr::Selected(_)
                    | Expr::Count(..)
                    | Expr::Sum(..)
                    | Expr::At(..)
            );
        });
        reads
    }

    /// Whether the expression reads any built-in fact (of the account, the order or the oracle).
    pub fn reads_builtins(&self) -> bool {
        let mut any = false;
        self.visit(&mut |expr| any |= matches!(expr, Expr::Builtin(_)));
        any
    }

    /// The built-in facts the expression reads, in the order met.
    pub fn builtins_read(&self) -> Vec<Builtin> {
        let mut read = Vec::new();
        self.visit(&mut |expr| {
            if let Expr::Builtin(fact) = expr
                && !read.contains(fact)
            {
                read.push(*fact);
            }
        });
        read
    }

    /// The fields the expression reads (current or original value), one bit per [`FieldId`].
    pub fn fields_read(&self) -> u64 {
        let mut read = 0u64;
        self.visit(&mut |expr| {
            if let Expr::Field(id) | Expr::Original(id) = expr {
                read |= 1u64.checked_shl(u32::from(*id)).unwrap_or(0);
            }
        });
        read
    }

    /// The lists the expression reads as a whole or through their selection, one bit per [`ListId`]; with
    /// [`Expr::fields_read`] and [`Layout::widen`] this gives every cell it may read.
    pub fn lists_read(&self) -> u8 {
        let mut read = 0u8;
        self.visit(&mut |expr| {
            if let Expr::Selected(list)
            | Expr::Count(list, _)
            | Expr::Sum(list, ..)
            | Expr::At(list, ..) = expr
            {
                read |= 1u8.checked_shl(u32::from(*list)).unwrap_or(0);
            }
        });
        read
    }

    /// The lists whose instance the expression reads through the surrounding selection (a tool call's, or the
    /// focus), one bit per [`ListId`]; reads inside `Count`, `Sum` and `At` of the same list do not count.
    pub fn lists_selected(&self, layout: &Layout) -> u8 {
        let bit = |list: ListId| 1u8.checked_shl(u32::from(list)).unwrap_or(0);
        let own = match self {
            Expr::Field(id) | Expr::Original(id) => layout.list_of(*id).map_or(0, bit),
            Expr::Selected(list) => bit(*list),
            _ => 0,
        };
        let bound = match self {
            Expr::Count(list, _) | Expr::Sum(list, ..) => bit(*list),
            Expr::At(list, index, value) => {
                return index.lists_selected(layout) | value.lists_selected(layout) & !bit(*list);
            }
            _ => 0,
        };
        let mut inner = 0;
        self.for_each_child(|child| inner |= child.lists_selected(layout));
        own | inner & !bound
    }

    /// Calls `visit` with this expression and every sub-expression, parents first.
    fn visit(&self, visit: &mut impl FnMut(&Expr)) {
        visit(self);
        self.for_each_child(|child| child.visit(visit));
    }

    /// Calls `each` with every direct sub-expression.
    fn for_each_child<'e>(&'e self, mut each: impl FnMut(&'e Expr)) {
        match self {
            Expr::Const(_)
            | Expr::Field(_)
            | Expr::Original(_)
            | Expr::Arg(_)
            | Expr::HasArg(_)
            | Expr::Goal(_)
            | Expr::Builtin(_)
            | Expr::Selected(_)
            | Expr::Count(_, None) => {}
            Expr::Not(inner) | Expr::Count(_, Some(inner)) | Expr::Sum(_, None, inner) => {
                each(inner)
            }
            Expr::If(cond, then, other) => {
                each(cond);
                each(then);
                each(other);
            }
            Expr::Sum(_, Some(a), b) | Expr::At(_, a, b) => {
                each(a);
                each(b);
            }
            Expr::Add(a, b)
            | Expr::Sub(a, b)
            | Expr::Mul(a, b)
            | Expr::Div(a, b)
            | Expr::Min(a, b)
            | Expr::Max(a, b)
            | Expr::PercentOf(a, b)
            | Expr::Eq(a, b)
            | Expr::Ne(a, b)
            | Expr::Lt(a, b)
            | Expr::Le(a, b)
            | Expr::Gt(a, b)
            | Expr::Ge(a, b)
            | Expr::And(a, b)
            | Expr::Or(a, b) => {
                each(a);
                each(b);
            }
        }
    }

    /// Whether the expression evaluates to something other than 0.
    pub fn holds(&self, env: &dyn Env) -> bool {
        self.eval(env) != 0
    }

    /// Type-checks the expression where `ctx` says it is used, reporting every problem.
    pub fn check(&self, ctx: &CheckCtx) -> Result<ExprType, Vec<ExprError>> {
        let mut errors = Vec::new();
        let ty = self.infer(ctx, &mut errors);
        match ty {
            Some(ty) if errors.is_empty() => Ok(ty),
            _ => Err(errors),
        }
    }

    /// Type-checks the expression and requires its result to be `want`.
    pub fn expect(&self, ctx: &CheckCtx, want: ExprType) -> Result<(), Vec<ExprError>> {
        let found = self.check(ctx)?;
        if found == want {
            Ok(())
        } else {
            Err(vec![ExprError::WrongResult { expected: want, found, expr: self.to_string() }])
        }
    }

    /// The expression's type, pushing problems onto `errors`; `None` when it has no single type,
    /// so that one mistake is not reported again by every operator above it.
    fn infer(&self, ctx: &CheckCtx, errors: &mut Vec<ExprError>) -> Option<ExprType> {
        use ExprType::{Bool, Number};
        match self {
            Expr::Const(_) => Some(Number),
            Expr::Field(id) | Expr::Original(id) => match ctx.fields.get(usize::from(*id)) {
                Some(field) if field.ty.is_bool() => Some(Bool),
                Some(_) => Some(Number),
                None => {
                    errors.push(ExprError::UnknownField {
                        id: *id,
                        n_fields: ctx.fields.len(),
                        expr: self.to_string(),
                    });
                    None
                }
            },
            Expr::Arg(_) | Expr::HasArg(_) => {
                if !ctx.args {
                    errors.push(ExprError::ArgsUnavailable { expr: self.to_string() });
                }
                Some(if matches!(self, Expr::HasArg(_)) { Bool } else { Number })
            }
            Expr::Goal(_) => {
                if !ctx.goals {
                    errors.push(ExprError::GoalsUnavailable { expr: self.to_string() });
                }
                Some(Number)
            }
            Expr::Builtin(Builtin::OracleYes) => Some(Bool),
            Expr::Builtin(_) => Some(Number),
            Expr::Add(left, right)
            | Expr::Sub(left, right)
            | Expr::Mul(left, right)
            | Expr::Div(left, right)
            | Expr::Min(left, right)
            | Expr::Max(left, right)
            | Expr::PercentOf(left, right) => {
                self.operands_must_be(Number, &[left, right], ctx, errors);
                Some(Number)
            }
            Expr::Lt(left, right)
            | Expr::Le(left, right)
            | Expr::Gt(left, right)
            | Expr::Ge(left, right) => {
                self.operands_must_be(Number, &[left, right], ctx, errors);
                Some(Bool)
            }
            Expr::Eq(left, right) | Expr::Ne(left, right) => {
                let left_type = left.infer(ctx, errors);
                let right_type = right.infer(ctx, errors);
                if let (Some(left_type), Some(right_type)) = (left_type, right_type)
                    && left_type != right_type
                {
                    errors.push(ExprError::MixedComparison {
                        operator: self.operator(),
                        left: left_type,
                        right: right_type,
                        expr: self.to_string(),
                    });
                }
                Some(Bool)
            }
            Expr::And(left, right) | Expr::Or(left, right) => {
                self.operands_must_be(Bool, &[left, right], ctx, errors);
                Some(Bool)
            }
            Expr::Not(operand) => {
                self.operands_must_be(Bool, &[operand], ctx, errors);
                Some(Bool)
            }
            Expr::If(condition, then_branch, else_branch) => {
                self.operands_must_be(Bool, &[condition], ctx, errors);
                let then_type = then_branch.infer(ctx, errors);
                let else_type = else_branch.infer(ctx, errors);
                match (then_type, else_type) {
                    (Some(then_type), Some(else_type)) if then_type != else_type => {
                        errors.push(ExprError::BranchesDiffer {
                            then_type,
                            else_type,
                            expr: self.to_string(),
                        });
                        None
                    }
                    (Some(ty), _) | (None, Some(ty)) => Some(ty),
                    (None, None) => None,
                }
            }
            Expr::Selected(list) => {
                self.list_must_exist(*list, ctx, errors);
                Some(Number)
            }
            Expr::Count(list, condition) => {
                self.list_must_exist(*list, ctx, errors);
                if let Some(condition) = condition {
                    self.operands_must_be(Bool, &[condition], ctx, errors);
                }
                Some(Number)
            }
            Expr::Sum(list, condition, value) => {
                self.list_must_exist(*list, ctx, errors);
                if let Some(condition) = condition {
                    self.operands_must_be(Bool, &[condition], ctx, errors);
                }
                self.operands_must_be(Number, &[value], ctx, errors);
                Some(Number)
            }
            Expr::At(list, index, value) => {
                self.list_must_exist(*list, ctx, errors);
                self.operands_must_be(Number, &[index], ctx, errors);
                value.infer(ctx, errors)
            }
        }
    }

    /// Reports a list id past the declared lists.
    fn list_must_exist(&self, list: ListId, ctx: &CheckCtx, errors: &mut Vec<ExprError>) {
        if usize::from(list) >= ctx.lists.len() {
            errors.push(ExprError::UnknownList {
                id: list,
                n_lists: ctx.lists.len(),
                expr: self.to_string(),
            });
        }
    }

    /// Infers each operand and reports those of a type other than `want`.
    fn operands_must_be(
        &self,
        want: ExprType,
        operands: &[&Expr],
        ctx: &CheckCtx,
        errors: &mut Vec<ExprError>,
    ) {
        for operand in operands {
            match operand.infer(ctx, errors) {
                Some(found) if found != want => errors.push(ExprError::TypeMismatch {
                    operator: self.operator(),
                    expected: want,
                    found,
                    expr: self.to_string(),
                }),
                _ => {}
            }
        }
    }

    /// The operator as `Display` writes it (empty for leaves).
    fn operator(&self) -> &'static str {
        match self {
            Expr::Const(_)
            | Expr::Field(_)
            | Expr::Original(_)
            | Expr::Arg(_)
            | Expr::HasArg(_)
            | Expr::Goal(_)
            | Expr::Builtin(_)
            | Expr::Selected(_) => "",
            Expr::Add(..) => "+",
            Expr::Sub(..) => "-",
            Expr::Mul(..) => "*",
            Expr::Div(..) => "/",
            Expr::Min(..) => "min",
            Expr::Max(..) => "max",
            Expr::PercentOf(..) => "% of",
            Expr::Eq(..) => "==",
            Expr::Ne(..) => "!=",
            Expr::Lt(..) => "<",
            Expr::Le(..) => "<=",
            Expr::Gt(..) => ">",
            Expr::Ge(..) => ">=",
            Expr::And(..) => "and",
            Expr::Or(..) => "or",
            Expr::Not(..) => "not",
            Expr::If(..) => "if",
            Expr::Count(..) => "count",
            Expr::Sum(..) => "sum",
            Expr::At(..) => "at",
        }
    }

    /// Whether `Display` writes the expression without spaces at its top level (no parentheses needed).
    fn is_atom(&self) -> bool {
        matches!(
            self,
            Expr::Const(_)
                | Expr::Field(_)
                | Expr::Original(_)
                | Expr::Arg(_)
                | Expr::HasArg(_)
                | Expr::Goal(_)
                | Expr::Builtin(_)
                | Expr::Min(..)
                | Expr::Max(..)
                | Expr::Selected(_)
                | Expr::Count(..)
                | Expr::Sum(..)
                | Expr::At(..)
        )
    }
}

impl fmt::Display for ExprType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ExprType::Number => "number",
            ExprType::Bool => "bool",
        })
    }
}

/// Infix form with fields and slots by index, e.g. `(field#3 - field#4) <= arg#13`.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Const(value) => write!(f, "{value}"),
            Expr::Field(id) => write!(f, "field#{id}"),
            Expr::Original(id) => write!(f, "original#{id}"),
            Expr::Arg(slot) => write!(f, "arg#{slot}"),
            Expr::HasArg(slot) => write!(f, "has_arg#{slot}"),
            Expr::Goal(slot) => write!(f, "goal#{slot}"),
            Expr::Builtin(fact) => f.write_str(fact.name()),
            Expr::Min(left, right) | Expr::Max(left, right) => {
                write!(f, "{}({left}, {right})", self.operator())
            }
            Expr::Add(left, right)
            | Expr::Sub(left, right)
            | Expr::Mul(left, right)
            | Expr::Div(left, right)
            | Expr::Eq(left, right)
            | Expr::Ne(left, right)
            | Expr::Lt(left, right)
            | Expr::Le(left, right)
            | Expr::Gt(left, right)
            | Expr::Ge(left, right)
            | Expr::And(left, right)
            | Expr::Or(left, right) => {
                write!(f, "{} {} {}", Operand(left), self.operator(), Operand(right))
            }
            Expr::PercentOf(percent, base) => {
                write!(f, "{}% of {}", Operand(percent), Operand(base))
            }
            Expr::Not(operand) => write!(f, "not {}", Operand(operand)),
            Expr::If(condition, then_branch, else_branch) => write!(
                f,
                "if {} then {} else {}",
                Operand(condition),
                Operand(then_branch),
                Operand(else_branch)
            ),
            Expr::Selected(list) => write!(f, "selected#{list}"),
            Expr::Count(list, None) => write!(f, "count(list#{list})"),
            Expr::Count(list, Some(condition)) => write!(f, "count(list#{list} where {condition})"),
            Expr::Sum(list, None, value) => write!(f, "sum(list#{list}: {value})"),
            Expr::Sum(list, Some(condition), value) => {
                write!(f, "sum(list#{list} where {condition}: {value})")
            }
            Expr::At(list, index, value) => write!(f, "at(list#{list}[{index}]: {value})"),
        }
    }
}

/// An operand in `Display`: parenthesised unless it is an atom.
struct Operand<'a>(&'a Expr);

impl fmt::Display for Operand<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_atom() { write!(f, "{}", self.0) } else { write!(f, "({})", self.0) }
    }
}

/// The sum of `value` over the live instances of `list` that satisfy `condition` (all without one), each read with
/// that instance selected; saturating.
fn sum_over(
    env: &dyn Env,
    list: ListId,
    condition: Option<&Expr>,
    value: impl Fn(&dyn Env) -> i64,
) -> i64 {
    let mut sum = 0i64;
    for index in 0..env.len(list) {
        let selected = Select { env, list, index };
        if condition.is_none_or(|cond| cond.holds(&selected)) {
            sum = sum.saturating_add(value(&selected));
        }
    }
    sum
}

/// A stored field value as a number, saturating at `i64::MAX`.
fn to_number(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
