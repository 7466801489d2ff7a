//! Allocation-free writing for the realiser: a `Sink` that is the output, the output marking values, or a
//! word counter.
//!
//! Candidate phrasings are written into [`Words`] to weigh their length, and only the chosen one into the
//! output. Nothing here allocates beyond the output string growing.

use sim_core::field::{FieldType, calendar};

/// Somewhere text goes: the output `String`, or a [`Words`] counter.
pub(crate) trait Sink {
    /// Appends `text`.
    fn put(&mut self, text: &str);

    /// Appends a slot value the customer gives, as `write` writes it; a sink that protects values from style
    /// edits records where it lies.
    fn value(&mut self, write: impl FnOnce(&mut Self))
    where
        Self: Sized,
    {
        write(self);
    }

    /// Appends a typed field value exactly as [`FieldType::render`] renders it.
    ///
    /// Sinks backed by a `String` hand it to `FieldType::render`; others (the word counter) get the same text
    /// written piece by piece, without a buffer.
    fn put_field(&mut self, ty: &FieldType, value: u64)
    where
        Self: Sized,
    {
        put_field_pieces(self, ty, value);
    }
}

impl Sink for String {
    fn put(&mut self, text: &str) {
        self.push_str(text);
    }

    fn put_field(&mut self, ty: &FieldType, value: u64) {
        ty.render(value, self);
    }
}

/// Counts whitespace-separated words as written, exactly as `str::split_whitespace().count()` would count
/// the concatenated text.
#[derive(Default)]
pub(crate) struct Words {
    n_words: usize,
    in_word: bool,
}

impl Words {
    /// The words in `text`.
    pub(crate) fn of(text: &str) -> usize {
        let mut words = Words::default();
        words.put(text);
        words.n_words
    }

    /// The words in what `write` writes.
    pub(crate) fn count(write: impl FnOnce(&mut Words)) -> usize {
        let mut words = Words::default();
        write(&mut words);
        words.n_words
    }

    /// Takes one character: a word starts at a non-space after a space (or at the start).
    fn step(&mut self, is_space: bool) {
        self.n_words += usize::from(!is_space & !self.in_word);
        self.in_word = !is_space;
    }
}

impl Sink for Words {
    fn put(&mut self, text: &str) {
        if text.is_ascii() {
            for byte in text.bytes() {
                self.step(is_ascii_space(byte));
            }
        } else {
            for ch in text.chars() {
                self.step(ch.is_whitespace());
            }
        }
    }
}

/// The ASCII characters `char::is_whitespace` accepts: tab, line feed, vertical tab, form feed, carriage
/// return and space.
fn is_ascii_space(byte: u8) -> bool {
    matches!(byte, b'\t'..=b'\r' | b' ')
}

/// Writes `value` in decimal, zero-padded to at least `width` digits (`format!("{value:0width$}")`).
pub(crate) fn put_uint(sink: &mut impl Sink, value: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut rest = value;
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let start = start.min(digits.len().saturating_sub(width));
    let text = std::str::from_utf8(&digits[start..]).expect("ASCII digits");
    sink.put(text);
}

/// Writes a typed field value piece by piece, the same text as [`FieldType::render`] (a test holds them
/// equal).
pub(crate) fn put_field_pieces(sink: &mut impl Sink, ty: &FieldType, value: u64) {
    match ty {
        FieldType::Int => put_uint(sink, value, 0),
        FieldType::Money => {
            sink.put("$");
            put_uint(sink, value / 100, 0);
            sink.put(".");
            put_uint(sink, value % 100, 2);
        }
        FieldType::Percent => {
            put_uint(sink, value, 0);
            sink.put("%");
        }
        FieldType::Bool => sink.put(if value == 0 { "no" } else { "yes" }),
        FieldType::Digits(width) => put_uint(sink, value, usize::from(*width)),
        FieldType::Enum(labels) => {
            let label = usize::try_from(value).ok().and_then(|idx| labels.get(idx));
            sink.put(label.map_or("?", String::as_str));
        }
        FieldType::Days if value == 1 => sink.put("1 day"),
        FieldType::Days => {
            put_uint(sink, value, 0);
            sink.put(" days");
        }
        FieldType::Ref(_) => {
            sink.put("#");
            put_uint(sink, value.saturating_add(1), 0);
        }
        FieldType::Date(today) => {
            let day = calendar::day_before(*today, value);
            sink.put(calendar::MONTHS[day.month as usize - 1]);
            sink.put(" ");
            put_uint(sink, u64::from(day.day), 0);
            sink.put(", ");
            if day.year < 0 {
                sink.put("-");
            }
            put_uint(sink, u64::from(day.year.unsigned_abs()), 0);
        }
    }
}

/// Writes `text` with its first byte upper-cased when that byte is a whole character.
pub(crate) fn put_capitalised(sink: &mut impl Sink, text: &str) {
    match text.as_bytes().first() {
        Some(first) if first.is_ascii() => {
            sink.put(char::from(first.to_ascii_uppercase()).encode_utf8(&mut [0; 4]));
            sink.put(&text[1..]);
        }
        _ => sink.put(text),
    }
}

/// Writes `noun` with every whole word "your" replaced by `owner` (a customer says "my card" where the agent
/// says "your card"); with `owner` "your" it is written unchanged.
pub(crate) fn put_owned(sink: &mut impl Sink, noun: &str, owner: &str) {
    put_word_swapped(sink, noun, "your", owner);
}

/// Writes `text` with every whole word `from` replaced by `to` ("replace my card" as the agent says it: "replace
/// your card").
pub(crate) fn put_word_swapped(sink: &mut impl Sink, text: &str, from_word: &str, to: &str) {
    if from_word == to {
        return sink.put(text);
    }
    let is_word_byte = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'\'' || byte == b'_';
    let bytes = text.as_bytes();
    let mut written = 0;
    let mut from = 0;
    while let Some(pos) = text[from..].find(from_word).map(|pos| from + pos) {
        let end = pos + from_word.len();
        let starts_word = pos == 0 || !is_word_byte(bytes[pos - 1]);
        let ends_word = end == bytes.len() || !is_word_byte(bytes[end]);
        if starts_word && ends_word {
            sink.put(&text[written..pos]);
            sink.put(to);
            written = end;
        }
        from = end;
    }
    sink.put(&text[written..]);
}

/// Writes `text` lower-cased, char by char (the realiser's pools are ASCII, where this equals
/// `str::to_lowercase`).
pub(crate) fn put_lowercase(sink: &mut impl Sink, text: &str) {
    if text.is_ascii() {
        let mut buf = [0u8; 32];
        for chunk in text.as_bytes().chunks(buf.len()) {
            let lower = &mut buf[..chunk.len()];
            lower.copy_from_slice(chunk);
            lower.make_ascii_lowercase();
            sink.put(std::str::from_utf8(lower).expect("ASCII stays ASCII"));
        }
        return;
    }
    let mut buf = [0u8; 4];
    for ch in text.chars().flat_map(char::to_lowercase) {
        sink.put(ch.encode_utf8(&mut buf));
    }
}

/// Writes `template` with every `{}` replaced by what `fill` writes (`template.replace("{}", …)`).
pub(crate) fn put_template<S: Sink>(sink: &mut S, template: &str, mut fill: impl FnMut(&mut S)) {
    let mut rest = template;
    while let Some(pos) = rest.find('{') {
        if rest[pos + 1..].starts_with('}') {
            sink.put(&rest[..pos]);
            fill(sink);
            rest = &rest[pos + 2..];
        } else {
            sink.put(&rest[..=pos]);
            rest = &rest[pos + 1..];
        }
    }
    sink.put(rest);
}

/// Writes `n_items` items as "a", "a and b" or "a, b and c"; `put_item` writes each.
pub(crate) fn put_list<S: Sink, T>(
    sink: &mut S,
    n_items: usize,
    items: impl IntoIterator<Item = T>,
    mut put_item: impl FnMut(&mut S, T),
) {
    for (idx, item) in items.into_iter().enumerate() {
        if idx > 0 {
            sink.put(if idx + 1 == n_items { " and " } else { ", " });
        }
        put_item(sink, item);
    }
}

/// Writes `items` separated by `separator` (`join(separator)`); `put_item` writes each.
pub(crate) fn put_joined<S: Sink, T>(
    sink: &mut S,
    separator: &str,
    items: impl IntoIterator<Item = T>,
    mut put_item: impl FnMut(&mut S, T),
) {
    for (idx, item) in items.into_iter().enumerate() {
        if idx > 0 {
            sink.put(separator);
        }
        put_item(sink, item);
    }
}
