//! Allocation-free writing for the realiser: a `Sink` that is the output, the output marking values, or a
//! word counter.
//!
//! Candidate phrasings are written into [`Words`] to weigh their length, and only the chosen one into the
//! output. Nothing here allocates beyond the output string growing.

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
}

impl Sink for String {
    fn put(&mut self, text: &str) {
        self.push_str(text);
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
