//! Outline tests: a path in, the `line:col` where its value starts out.

use super::*;

fn check(source: &str, path: FieldPath, expect: &str) {
    let outline = Outline::parse(source);
    let position = position_at(source, outline.offset(&path));
    assert_eq!(position.to_string(), expect);
}

fn path(segments: &[Segment]) -> FieldPath {
    segments.iter().fold(FieldPath::root(), |path, segment| match segment {
        Segment::Field(name) => path.field(name),
        Segment::Index(idx) => path.index(*idx),
    })
}

use Segment::{Field as F, Index as I};

const DOC: &str = r#"#![enable(implicit_some)]
// a comment with (parens: "and strings")
Scenario(
    name: "a ( tricky ] string",
    list: [
        (tool: "a"), /* nested /* block */ comment */
        Tool(tool: "b", args: [x, y]),
    ],
    kind: GateRespected(gates: ["g"], guarded: [r#raw, -1.5e-3, 'c']),
    pair: ("calm", 0.4),
)
"#;

#[test]
fn root() {
    check(DOC, path(&[]), "3:1");
}

#[test]
fn field() {
    check(DOC, path(&[F("name")]), "4:11");
}

#[test]
fn list_item_field() {
    check(DOC, path(&[F("list"), I(1), F("args"), I(1)]), "7:35");
}

#[test]
fn enum_variant_fields() {
    check(DOC, path(&[F("kind"), F("guarded"), I(2)]), "9:65");
}

#[test]
fn tuple_item() {
    check(DOC, path(&[F("pair"), I(1)]), "10:20");
}

#[test]
fn missing_field_falls_back_to_parent() {
    check(DOC, path(&[F("list"), I(0), F("min_args")]), "6:9");
}

#[test]
fn missing_index_falls_back_to_parent() {
    check(DOC, path(&[F("list"), I(7)]), "5:11");
}

#[test]
fn garbage_never_panics() {
    check("é(\"unterminated", path(&[F("x")]), "1:1");
    check("", path(&[F("x"), I(3)]), "1:1");
    check("((((/*", path(&[I(0), I(0), I(0)]), "1:4");
}
