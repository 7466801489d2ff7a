//! Every operator evaluates as documented without panicking; every type error is reported, all at once.

use super::*;
use crate::field::{FieldType, Gen};

/// Fields: 0 = 2500 (money, originally 3000), 1 = 1 (bool), 2 = i64::MAX + 1 (int).
/// Argument slot 0 = 40, slot 1 absent; goal slot 0 = 7, slot 1 absent.
struct TestEnv;

impl Env for TestEnv {
    fn cell(&self, cell: usize) -> u64 {
        [2500, 1, 1 << 63][cell]
    }
    fn original_cell(&self, cell: usize) -> u64 {
        [3000, 0, 0][cell]
    }
    fn arg(&self, slot: u8) -> Option<u64> {
        (slot == 0).then_some(40)
    }
    fn goal(&self, slot: u8) -> Option<u64> {
        (slot == 0).then_some(7)
    }
}

fn fields() -> Vec<FieldSpec> {
    let field = |name: &str, ty| FieldSpec {
        name: name.to_owned(),
        ty,
        generator: Gen::Fixed(0),
        instance: None,
    };
    vec![
        field("order.total", FieldType::Money),
        field("card.frozen", FieldType::Bool),
        field("order.items", FieldType::Int),
    ]
}

fn n(value: i64) -> Box<Expr> {
    Box::new(Expr::Const(value))
}

fn f(id: FieldId) -> Box<Expr> {
    Box::new(Expr::Field(id))
}

fn b(expr: Expr) -> Box<Expr> {
    Box::new(expr)
}

fn eval(expr: Expr) -> i64 {
    expr.eval(&TestEnv)
}

/// Type-checks with the three test fields, tool arguments and goals as given; errors as messages.
fn check(expr: Expr, args: bool, goals: bool) -> Result<ExprType, Vec<String>> {
    let fields = fields();
    let ctx = CheckCtx { fields: &fields, lists: &[], args, goals };
    expr.check(&ctx).map_err(|errors| errors.iter().map(ToString::to_string).collect())
}

fn check_all(expr: Expr) -> Result<ExprType, Vec<String>> {
    check(expr, true, true)
}

#[test]
fn eval_leaves() {
    assert_eq!(eval(Expr::Const(-3)), -3);
    assert_eq!(eval(Expr::Field(0)), 2500);
    assert_eq!(eval(Expr::Field(2)), i64::MAX);
    assert_eq!(eval(Expr::Original(0)), 3000);
    assert_eq!(eval(Expr::Arg(0)), 40);
    assert_eq!(eval(Expr::Arg(1)), 0);
    assert_eq!(eval(Expr::HasArg(0)), 1);
    assert_eq!(eval(Expr::HasArg(1)), 0);
    assert_eq!(eval(Expr::Goal(0)), 7);
    assert_eq!(eval(Expr::Goal(1)), 0);
}

#[test]
fn eval_arithmetic() {
    assert_eq!(eval(Expr::Add(f(0), n(5))), 2505);
    assert_eq!(eval(Expr::Sub(f(0), Box::new(Expr::Original(0)))), -500);
    assert_eq!(eval(Expr::Mul(n(-4), n(6))), -24);
    assert_eq!(eval(Expr::Div(n(7), n(2))), 3);
    assert_eq!(eval(Expr::Div(n(-7), n(2))), -3);
    assert_eq!(eval(Expr::Div(n(7), n(0))), 0);
    assert_eq!(eval(Expr::Min(n(3), n(-1))), -1);
    assert_eq!(eval(Expr::Max(n(3), n(-1))), 3);
    assert_eq!(eval(Expr::PercentOf(n(15), f(0))), 375);
    assert_eq!(eval(Expr::PercentOf(n(33), n(10))), 3);
}

#[test]
fn eval_overflow_saturates() {
    assert_eq!(eval(Expr::Add(f(2), n(1))), i64::MAX);
    assert_eq!(eval(Expr::Sub(n(i64::MIN), n(1))), i64::MIN);
    assert_eq!(eval(Expr::Mul(f(2), n(-2))), i64::MIN);
    assert_eq!(eval(Expr::Div(n(i64::MIN), n(-1))), i64::MAX);
    assert_eq!(eval(Expr::Div(n(i64::MIN), n(0))), 0);
    assert_eq!(eval(Expr::PercentOf(n(50), f(2))), i64::MAX / 2);
    assert_eq!(eval(Expr::PercentOf(n(i64::MAX), f(2))), i64::MAX);
    assert_eq!(eval(Expr::PercentOf(n(i64::MIN), f(2))), i64::MIN);
}

#[test]
fn eval_comparisons_and_logic() {
    let cases = [
        (Expr::Eq(n(2), n(2)), 1),
        (Expr::Eq(n(2), n(3)), 0),
        (Expr::Ne(n(2), n(3)), 1),
        (Expr::Ne(n(2), n(2)), 0),
        (Expr::Lt(n(2), n(3)), 1),
        (Expr::Lt(n(3), n(3)), 0),
        (Expr::Le(n(3), n(3)), 1),
        (Expr::Le(n(4), n(3)), 0),
        (Expr::Gt(n(4), n(3)), 1),
        (Expr::Gt(n(3), n(3)), 0),
        (Expr::Ge(n(3), n(3)), 1),
        (Expr::Ge(n(2), n(3)), 0),
        (Expr::And(f(1), b(Expr::HasArg(0))), 1),
        (Expr::And(f(1), b(Expr::HasArg(1))), 0),
        (Expr::Or(b(Expr::HasArg(1)), f(1)), 1),
        (Expr::Or(b(Expr::HasArg(1)), n(0)), 0),
        (Expr::Not(f(1)), 0),
        (Expr::Not(n(0)), 1),
        (Expr::If(f(1), n(10), n(20)), 10),
        (Expr::If(b(Expr::HasArg(1)), n(10), n(20)), 20),
    ];
    for (expr, expected) in cases {
        assert_eq!(eval(expr.clone()), expected, "{expr}");
        assert_eq!(expr.holds(&TestEnv), expected != 0, "{expr}");
    }
}

#[test]
fn eval_works_through_dyn_env() {
    let env: &dyn Env = &TestEnv;
    assert_eq!(Expr::Add(f(0), b(Expr::Arg(0))).eval(env), 2540);
}

#[test]
fn display_parenthesises_sub_expressions() {
    let refund_within_total = Expr::Le(b(Expr::Sub(f(3), f(4))), b(Expr::Arg(13)));
    assert_eq!(refund_within_total.to_string(), "(field#3 - field#4) <= arg#13");
    let discounted = Expr::If(
        b(Expr::And(b(Expr::HasArg(2)), b(Expr::Not(f(1))))),
        b(Expr::Sub(b(Expr::Original(0)), b(Expr::PercentOf(n(10), f(0))))),
        b(Expr::Max(n(-1), b(Expr::Goal(3)))),
    );
    assert_eq!(
        discounted.to_string(),
        "if (has_arg#2 and (not field#1)) then (original#0 - (10% of field#0)) else max(-1, goal#3)"
    );
}

#[test]
fn check_types_of_well_formed_expressions() {
    assert_eq!(check_all(Expr::Add(f(0), b(Expr::Goal(0)))), Ok(ExprType::Number));
    assert_eq!(check_all(Expr::Eq(f(1), b(Expr::HasArg(0)))), Ok(ExprType::Bool));
    assert_eq!(check_all(Expr::If(f(1), f(0), f(2))), Ok(ExprType::Number));
    assert_eq!(
        check_all(Expr::If(b(Expr::Lt(f(0), n(1))), f(1), b(Expr::Eq(n(0), n(1))))),
        Ok(ExprType::Bool)
    );
    assert_eq!(check(Expr::Original(2), false, false), Ok(ExprType::Number));
}

#[test]
fn check_reports_each_kind_of_problem() {
    let cases: [(Expr, bool, bool, &str); 12] = [
        (Expr::Field(3), true, true, "`field#3` reads field 3, but the scenario declares 3 fields"),
        (
            Expr::Original(9),
            true,
            true,
            "`original#9` reads field 9, but the scenario declares 3 fields",
        ),
        (
            Expr::Arg(4),
            false,
            true,
            "`arg#4` reads a tool argument, but there are no tool arguments here",
        ),
        (
            Expr::HasArg(4),
            false,
            true,
            "`has_arg#4` reads a tool argument, but there are no tool arguments here",
        ),
        (
            Expr::Goal(2),
            true,
            false,
            "`goal#2` reads a customer goal, but goals are not available here",
        ),
        (
            Expr::Add(f(0), f(1)),
            true,
            true,
            "`+` expects a number operand, found a bool, in `field#0 + field#1`",
        ),
        (
            Expr::PercentOf(f(1), f(0)),
            true,
            true,
            "`% of` expects a number operand, found a bool, in `field#1% of field#0`",
        ),
        (
            Expr::Ge(b(Expr::HasArg(0)), n(1)),
            true,
            true,
            "`>=` expects a number operand, found a bool, in `has_arg#0 >= 1`",
        ),
        (
            Expr::Or(f(1), f(0)),
            true,
            true,
            "`or` expects a bool operand, found a number, in `field#1 or field#0`",
        ),
        (
            Expr::If(f(0), n(1), n(2)),
            true,
            true,
            "`if` expects a bool operand, found a number, in `if field#0 then 1 else 2`",
        ),
        (
            Expr::Ne(f(0), f(1)),
            true,
            true,
            "`!=` compares a number with a bool in `field#0 != field#1`",
        ),
        (
            Expr::If(f(1), n(1), f(1)),
            true,
            true,
            "`if` branches differ: a number and a bool, in `if field#1 then 1 else field#1`",
        ),
    ];
    for (expr, args, goals, expected) in cases {
        assert_eq!(check(expr.clone(), args, goals), Err(vec![expected.to_owned()]), "{expr}");
    }
}

#[test]
fn check_reports_every_operand_of_min_max_not_and_the_rest() {
    for expr in [
        Expr::Sub(f(1), f(1)),
        Expr::Mul(f(1), f(1)),
        Expr::Div(f(1), f(1)),
        Expr::Min(f(1), f(1)),
        Expr::Max(f(1), f(1)),
        Expr::Lt(f(1), f(1)),
        Expr::Le(f(1), f(1)),
        Expr::Gt(f(1), f(1)),
    ] {
        let errors = check_all(expr.clone()).unwrap_err();
        assert_eq!(errors.len(), 2, "{expr}: {errors:?}");
        assert!(errors[0].contains("expects a number operand, found a bool"), "{errors:?}");
    }
    for expr in [Expr::And(f(0), n(1)), Expr::Not(f(0))] {
        let errors = check_all(expr.clone()).unwrap_err();
        assert!(
            errors.iter().all(|error| error.contains("expects a bool operand, found a number"))
        );
    }
}

#[test]
fn check_reports_all_problems_and_does_not_cascade() {
    // An unknown field is reported once, not again by the `+` and `==` above it.
    let expr = Expr::And(
        b(Expr::Eq(b(Expr::Add(f(7), b(Expr::Goal(0)))), b(Expr::Arg(1)))),
        b(Expr::If(n(1), f(1), b(Expr::Original(1)))),
    );
    assert_eq!(
        check(expr, false, false),
        Err(vec![
            "`field#7` reads field 7, but the scenario declares 3 fields".to_owned(),
            "`goal#0` reads a customer goal, but goals are not available here".to_owned(),
            "`arg#1` reads a tool argument, but there are no tool arguments here".to_owned(),
            "`if` expects a bool operand, found a number, in `if 1 then field#1 else original#1`"
                .to_owned(),
        ])
    );
}

#[test]
fn expect_checks_the_result_type() {
    let fields = fields();
    let ctx = CheckCtx { fields: &fields, lists: &[], args: true, goals: false };
    assert_eq!(Expr::Gt(f(0), b(Expr::Arg(0))).expect(&ctx, ExprType::Bool), Ok(()));
    assert_eq!(
        Expr::Add(f(0), n(1)).expect(&ctx, ExprType::Bool),
        Err(vec![ExprError::WrongResult {
            expected: ExprType::Bool,
            found: ExprType::Number,
            expr: "field#0 + 1".to_owned(),
        }])
    );
    let errors = Expr::Add(f(0), b(Expr::Goal(0))).expect(&ctx, ExprType::Bool).unwrap_err();
    assert!(matches!(errors[..], [ExprError::GoalsUnavailable { .. }]), "{errors:?}");
}
