//! Outline: where each value of a RON document starts, by field path, so semantic problems can point at the source.
//!
//! ron reports positions only for its own errors. Once a file has parsed, this small, lenient scanner
//! rebuilds the shape of the document (structs, lists, tuples) with byte offsets and answers "where does
//! `intents[3].steps[2].tool` start?". It never fails: on anything unexpected it keeps the deepest value it found.

use crate::error::Position;
use crate::path::{FieldPath, Segment};

/// The shape of a RON document with the start offset of every value.
#[derive(Clone, Debug)]
pub(crate) struct Outline {
    root: Node,
}

#[derive(Clone, Debug)]
struct Node {
    start: usize,
    children: Children,
}

#[derive(Clone, Debug)]
enum Children {
    Leaf,
    Fields(Vec<(String, Node)>),
    Items(Vec<Node>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    Literal,
    Punct(u8),
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

/// Deeper values are outlined as leaves (ron's own default recursion limit is 128).
const MAX_DEPTH: usize = 256;

impl Outline {
    /// Outlines `source`; any text gives some outline.
    pub(crate) fn parse(source: &str) -> Outline {
        let tokens = lex(source.as_bytes());
        let mut parser = Parser { source, tokens: &tokens, pos: 0 };
        parser.skip_attributes();
        Outline { root: parser.value(0) }
    }

    /// Byte offset where the value at `path` starts, or where its deepest existing ancestor starts.
    pub(crate) fn offset(&self, path: &FieldPath) -> usize {
        let mut node = &self.root;
        for segment in path.segments() {
            let child = match (segment, &node.children) {
                (Segment::Field(name), Children::Fields(fields)) => {
                    fields.iter().find(|(key, _)| key == name).map(|(_, child)| child)
                }
                (Segment::Index(idx), Children::Items(items)) => items.get(*idx),
                _ => None,
            };
            match child {
                Some(child) => node = child,
                None => break,
            }
        }
        node.start
    }
}

/// The 1-based line and character column of a byte offset (clamped into the text).
pub(crate) fn position_at(source: &str, offset: usize) -> Position {
    let mut end = offset.min(source.len());
    while !source.is_char_boundary(end) {
        end -= 1;
    }
    let before = &source[..end];
    let line = 1 + before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |idx| idx + 1);
    let column = 1 + before[line_start..].chars().count();
    Position { line, column }
}

/// The byte offset of a 1-based line and character column (clamped into the text).
pub(crate) fn offset_at(source: &str, position: Position) -> usize {
    let mut line_start = 0;
    for _ in 1..position.line {
        match source[line_start..].find('\n') {
            Some(idx) => line_start += idx + 1,
            None => return source.len(),
        }
    }
    let line = &source[line_start..];
    let within = line
        .char_indices()
        .nth(position.column.saturating_sub(1))
        .map_or(line.len(), |(idx, _)| idx);
    line_start + within
}

struct Parser<'a> {
    source: &'a str,
    tokens: &'a [Token],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<Token> {
        self.tokens.get(self.pos).copied()
    }

    fn peek_kind(&self, ahead: usize) -> Option<Kind> {
        self.tokens.get(self.pos + ahead).map(|token| token.kind)
    }

    fn bump(&mut self) -> Option<Token> {
        let token = self.peek()?;
        self.pos += 1;
        Some(token)
    }

    /// Skips `#![enable(…)]` lines at the top.
    fn skip_attributes(&mut self) {
        while self.peek_kind(0) == Some(Kind::Punct(b'#')) {
            self.bump();
            if self.peek_kind(0) == Some(Kind::Punct(b'!')) {
                self.bump();
            }
            if self.peek_kind(0) != Some(Kind::Punct(b'[')) {
                return;
            }
            let mut depth = 0usize;
            while let Some(token) = self.bump() {
                match token.kind {
                    Kind::Punct(b'[') => depth += 1,
                    Kind::Punct(b']') => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn value(&mut self, depth: usize) -> Node {
        let Some(token) = self.bump() else {
            return Node { start: self.source.len(), children: Children::Leaf };
        };
        let leaf = Node { start: token.start, children: Children::Leaf };
        if depth >= MAX_DEPTH {
            return leaf;
        }
        match token.kind {
            Kind::Ident if self.peek_kind(0) == Some(Kind::Punct(b'(')) => {
                self.bump();
                self.group(token.start, b')', depth)
            }
            Kind::Punct(b'(') => self.group(token.start, b')', depth),
            Kind::Punct(b'[') => self.group(token.start, b']', depth),
            Kind::Punct(b'{') => self.group(token.start, b'}', depth),
            _ => leaf,
        }
    }

    /// The inside of `(…)`, `[…]` or `{…}` up to `close`: named fields if any `name:` appears, items otherwise.
    fn group(&mut self, start: usize, close: u8, depth: usize) -> Node {
        let mut fields = Vec::new();
        let mut items = Vec::new();
        while let Some(token) = self.peek() {
            match token.kind {
                Kind::Punct(byte) if byte == close => {
                    self.bump();
                    break;
                }
                Kind::Punct(b',' | b':') => {
                    self.bump();
                }
                Kind::Ident if close == b')' && self.peek_kind(1) == Some(Kind::Punct(b':')) => {
                    self.pos += 2;
                    let name = self.source.get(token.start..token.end).unwrap_or_default();
                    fields.push((name.to_owned(), self.value(depth + 1)));
                }
                _ => items.push(self.value(depth + 1)),
            }
        }
        let children =
            if fields.is_empty() { Children::Items(items) } else { Children::Fields(fields) };
        Node { start, children }
    }
}

/// Splits RON text into identifiers, literals and punctuation, skipping whitespace and comments.
fn lex(bytes: &[u8]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let byte = bytes[pos];
        let start = pos;
        let rest = &bytes[pos..];
        let kind = if byte.is_ascii_whitespace() {
            pos += 1;
            continue;
        } else if rest.starts_with(b"//") {
            pos = skip_line(bytes, pos);
            continue;
        } else if rest.starts_with(b"/*") {
            pos = skip_block_comment(bytes, pos);
            continue;
        } else if let Some(end) = string_end(bytes, pos) {
            pos = end;
            Kind::Literal
        } else if byte.is_ascii_alphabetic() || byte == b'_' {
            pos = ident_end(bytes, pos);
            Kind::Ident
        } else if byte.is_ascii_digit()
            || (matches!(byte, b'-' | b'+' | b'.')
                && bytes.get(pos + 1).is_some_and(|next| next.is_ascii_alphanumeric()))
        {
            pos = number_end(bytes, pos + 1);
            Kind::Literal
        } else {
            pos += 1;
            Kind::Punct(byte)
        };
        tokens.push(Token { kind, start, end: pos });
    }
    tokens
}

fn skip_line(bytes: &[u8], pos: usize) -> usize {
    bytes[pos..].iter().position(|byte| *byte == b'\n').map_or(bytes.len(), |idx| pos + idx + 1)
}

fn skip_block_comment(bytes: &[u8], mut pos: usize) -> usize {
    let mut depth = 0usize;
    while pos < bytes.len() {
        if bytes[pos..].starts_with(b"/*") {
            depth += 1;
            pos += 2;
        } else if bytes[pos..].starts_with(b"*/") {
            depth = depth.saturating_sub(1);
            pos += 2;
            if depth == 0 {
                return pos;
            }
        } else {
            pos += 1;
        }
    }
    bytes.len()
}

/// The end of a string or char literal starting at `pos` (`"…"`, `r#"…"#`, `b"…"`, `br"…"`, `'…'`, `b'…'`), if one starts there.
fn string_end(bytes: &[u8], pos: usize) -> Option<usize> {
    let mut idx = pos;
    if bytes.get(idx) == Some(&b'b') {
        idx += 1;
    }
    if bytes.get(idx) == Some(&b'r') {
        let hashes = bytes[idx + 1..].iter().take_while(|byte| **byte == b'#').count();
        let quote = idx + 1 + hashes;
        if bytes.get(quote) != Some(&b'"') {
            return None;
        }
        let mut closing = vec![b'"'];
        closing.extend(std::iter::repeat_n(b'#', hashes));
        let body = quote + 1;
        return Some(
            bytes[body..]
                .windows(closing.len())
                .position(|window| window == closing.as_slice())
                .map_or(bytes.len(), |found| body + found + closing.len()),
        );
    }
    let quote = *bytes.get(idx)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    idx += 1;
    while idx < bytes.len() {
        match bytes[idx] {
            b'\\' => idx += 2,
            byte if byte == quote => return Some(idx + 1),
            _ => idx += 1,
        }
    }
    Some(bytes.len())
}

fn ident_end(bytes: &[u8], mut pos: usize) -> usize {
    let raw = bytes[pos..].starts_with(b"r#");
    if raw {
        pos += 2;
    }
    while let Some(byte) = bytes.get(pos) {
        let part = byte.is_ascii_alphanumeric()
            || *byte == b'_'
            || (raw && matches!(byte, b'.' | b'+' | b'-'));
        if !part {
            break;
        }
        pos += 1;
    }
    pos
}

fn number_end(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(byte) = bytes.get(pos) {
        let exponent_sign = matches!(byte, b'+' | b'-') && matches!(bytes[pos - 1], b'e' | b'E');
        if !(byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.') || exponent_sign) {
            break;
        }
        pos += 1;
    }
    pos
}

#[cfg(test)]
mod tests;
