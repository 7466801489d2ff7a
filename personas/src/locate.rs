//! Finds where a field sits in RON source, so validation problems can name a line and column.
//!
//! A small scanner skips comments, strings and chars and lists `name:` field tokens; a field path is found by
//! taking, for each name in turn, the first matching field token after the previous one.

/// A `name:` field token and its 1-based position.
struct FieldToken<'a> {
    name: &'a str,
    line: usize,
    col: usize,
}

/// The position (line, column, from 1) of the field path `at` in `source`.
///
/// Falls back to the deepest prefix of the path that was found, then to 1:1.
pub(crate) fn locate(source: &str, at: &[&str]) -> (usize, usize) {
    let tokens = field_tokens(source);
    let mut found = (1, 1);
    let mut from = 0;
    for name in at {
        let Some(offset) = tokens[from..].iter().position(|token| token.name == *name) else {
            break;
        };
        let token = &tokens[from + offset];
        found = (token.line, token.col);
        from += offset + 1;
    }
    found
}

/// Every identifier followed (after optional whitespace) by a `:`, in source order.
fn field_tokens(source: &str) -> Vec<FieldToken<'_>> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut idx = 0;
    let mut line = 1;
    let mut line_start = 0;
    // Columns count chars, like ron's positions.
    let col_of = |idx: usize, line_start: usize| source[line_start..idx].chars().count() + 1;
    while idx < bytes.len() {
        let byte = bytes[idx];
        match byte {
            b'\n' => {
                idx += 1;
                line += 1;
                line_start = idx;
            }
            b'/' if bytes.get(idx + 1) == Some(&b'/') => {
                while idx < bytes.len() && bytes[idx] != b'\n' {
                    idx += 1;
                }
            }
            b'/' if bytes.get(idx + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                while idx < bytes.len() {
                    if bytes[idx] == b'/' && bytes.get(idx + 1) == Some(&b'*') {
                        depth += 1;
                        idx += 2;
                    } else if bytes[idx] == b'*' && bytes.get(idx + 1) == Some(&b'/') {
                        depth -= 1;
                        idx += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if bytes[idx] == b'\n' {
                            line += 1;
                            line_start = idx + 1;
                        }
                        idx += 1;
                    }
                }
            }
            b'"' | b'\'' => {
                idx += 1;
                while idx < bytes.len() && bytes[idx] != byte {
                    if bytes[idx] == b'\\' {
                        idx += 1;
                    }
                    if bytes.get(idx) == Some(&b'\n') {
                        line += 1;
                        line_start = idx + 1;
                    }
                    idx += 1;
                }
                idx += 1;
            }
            b'r' if matches!(bytes.get(idx + 1), Some(b'"' | b'#')) => {
                let hashes = bytes[idx + 1..].iter().take_while(|b| **b == b'#').count();
                let open = idx + 1 + hashes;
                if bytes.get(open) != Some(&b'"') {
                    idx += 1;
                    continue;
                }
                let close: Vec<u8> =
                    std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
                idx = open + 1;
                while idx < bytes.len() && !bytes[idx..].starts_with(&close) {
                    if bytes[idx] == b'\n' {
                        line += 1;
                        line_start = idx + 1;
                    }
                    idx += 1;
                }
                idx += close.len();
            }
            _ if byte.is_ascii_alphabetic() || byte == b'_' => {
                let start = idx;
                while idx < bytes.len()
                    && (bytes[idx].is_ascii_alphanumeric() || bytes[idx] == b'_')
                {
                    idx += 1;
                }
                let next = bytes[idx..].iter().find(|b| !matches!(b, b' ' | b'\t' | b'\r'));
                if next == Some(&b':') {
                    let col = col_of(start, line_start);
                    out.push(FieldToken { name: &source[start..idx], line, col });
                }
            }
            _ => idx += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::locate;

    fn check(source: &str, at: &[&str], expect: (usize, usize)) {
        assert_eq!(locate(source, at), expect, "{at:?} in {source:?}");
    }

    #[test]
    fn nested_field() {
        check(
            "(a: 1,\n traits: (\n  honesty: Beta(a: 0, b: 1)))",
            &["traits", "honesty", "a"],
            (3, 17),
        );
    }

    #[test]
    fn skips_comments_and_strings() {
        check(
            "// honesty: x\n(d: \"honesty: y\", /* honesty: */ honesty: 1)",
            &["honesty"],
            (2, 34),
        );
    }

    #[test]
    fn missing_falls_back_to_prefix() {
        check("(traits: ())", &["traits", "honesty"], (1, 2));
    }

    #[test]
    fn counts_chars_not_bytes() {
        check("(d: \"é\", x: 1)", &["x"], (1, 10));
    }
}
