//! Writing style on customer turns: the register (casual or formal phrasing, first letter, final punctuation)
//! and typos, applied in place after the text is written and never inside the slot values the customer gives.
//!
//! Between [`CASUAL_BELOW`] and [`FORMAL_ABOVE`] the register is plain and changes nothing, and a typo rate of
//! 0 draws nothing, so such a customer's text is exactly what it was before styles existed.

use sim_core::act::MAX_VALUES;

use super::sink::Sink;
use super::{Pick, decapitalise};

/// Below this formality a customer writes casually.
pub(crate) const CASUAL_BELOW: f64 = 0.35;
/// Above this formality a customer writes formally.
pub(crate) const FORMAL_ABOVE: f64 = 0.65;

/// How a customer writes, from their formality.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Register {
    /// Lower-case start, no final full stop, "hey"/"hi" phrasings preferred.
    Casual,
    /// The text as phrased.
    Plain,
    /// Capital start, final punctuation, "Hello"/"please"/"thank you" phrasings preferred.
    Formal,
}

impl Register {
    /// The register of a customer with this formality (plain for NaN).
    pub(crate) fn of(formality: f64) -> Register {
        if formality < CASUAL_BELOW {
            Register::Casual
        } else if formality > FORMAL_ABOVE {
            Register::Formal
        } else {
            Register::Plain
        }
    }

    /// How well a phrasing of this `tone` fits: positive in this register, negative against it, 0 neutral or
    /// plain.
    pub(crate) fn fit(self, tone: i8) -> i8 {
        match self {
            Register::Casual => -tone,
            Register::Plain => 0,
            Register::Formal => tone,
        }
    }
}

/// Phrasings with their tones, worked out at compile time: write them with [`phrasings!`].
#[derive(Debug)]
pub(crate) struct Phrasings {
    /// The phrasings.
    pub(crate) texts: &'static [&'static str],
    /// The [`tone`] of each.
    pub(crate) tones: &'static [i8],
}

impl Phrasings {
    /// Phrasing `idx`, or, when it goes against `register`, the next one (cyclically) that does not; with its
    /// fit. Plain keeps `idx`.
    pub(crate) fn settle(&self, register: Register, idx: usize) -> (usize, i8) {
        let fit = register.fit(self.tones[idx]);
        if fit >= 0 {
            return (idx, fit);
        }
        let n = self.texts.len();
        (1..n)
            .map(|step| (idx + step) % n)
            .map(|other| (other, register.fit(self.tones[other])))
            .find(|&(_, other_fit)| other_fit >= 0)
            .unwrap_or((idx, fit))
    }
}

/// `phrasings!["hi, …", "Hello, …"]`: a `&'static Phrasings` whose tones are constants.
macro_rules! phrasings {
    [$($text:literal),+ $(,)?] => {{
        const TEXTS: &[&str] = &[$($text),+];
        const TONES: [i8; TEXTS.len()] = $crate::realise::style::tones(TEXTS);
        const PHRASINGS: $crate::realise::style::Phrasings =
            $crate::realise::style::Phrasings { texts: TEXTS, tones: &TONES };
        &PHRASINGS
    }};
}
pub(crate) use phrasings;

/// The [`tone`] of each of `texts` (`N` of them), for [`phrasings!`].
pub(crate) const fn tones<const N: usize>(texts: &[&str]) -> [i8; N] {
    let mut out = [0; N];
    let mut idx = 0;
    while idx < N {
        out[idx] = tone(texts[idx]);
        idx += 1;
    }
    out
}

/// The register a phrasing leans to: -1 for opening with "hey", "hi", "ok", "um", "hmm", "nope", "yeah",
/// "alright" or "come on", +1 for opening with "hello", and +1 for "please", "thank you" or "appreciate".
pub(crate) const fn tone(text: &str) -> i8 {
    const CASUAL_OPENERS: [&[u8]; 9] =
        [b"hey", b"hi", b"ok", b"um", b"hmm", b"nope", b"yeah", b"alright", b"come"];
    const POLITE: [&[u8]; 4] = [b"please", b"thank you", b"Thank you", b"appreciate"];
    let text = text.as_bytes();
    let mut first_len = 0;
    while first_len < text.len() && text[first_len].is_ascii_alphabetic() {
        first_len += 1;
    }
    let mut tone = 0;
    let mut idx = 0;
    while idx < CASUAL_OPENERS.len() {
        if is_word(text, first_len, CASUAL_OPENERS[idx]) {
            tone = -1;
        }
        idx += 1;
    }
    if is_word(text, first_len, b"hello") {
        tone = 1;
    }
    let mut polite = false;
    let mut at = 0;
    while at < text.len() {
        let mut idx = 0;
        while idx < POLITE.len() {
            polite |= has_at(text, at, POLITE[idx]);
            idx += 1;
        }
        at += 1;
    }
    tone + polite as i8
}

/// Whether `text[..len]` is `word` (lower case) ignoring ASCII case.
const fn is_word(text: &[u8], len: usize, word: &[u8]) -> bool {
    if len != word.len() {
        return false;
    }
    let mut idx = 0;
    while idx < len {
        if text[idx].to_ascii_lowercase() != word[idx] {
            return false;
        }
        idx += 1;
    }
    true
}

/// Whether `text[at..]` starts with `pattern`.
const fn has_at(text: &[u8], at: usize, pattern: &[u8]) -> bool {
    if at + pattern.len() > text.len() {
        return false;
    }
    let mut idx = 0;
    while idx < pattern.len() {
        if text[at + idx] != pattern[idx] {
            return false;
        }
        idx += 1;
    }
    true
}

/// Where the slot values of one rendering lie in the output: byte ranges, at most [`MAX_VALUES`] (a further
/// value widens the last range).
#[derive(Default)]
pub(crate) struct Spans {
    ranges: [(usize, usize); MAX_VALUES],
    n_ranges: usize,
}

impl Spans {
    fn push(&mut self, start: usize, end: usize) {
        if self.n_ranges < MAX_VALUES {
            self.ranges[self.n_ranges] = (start, end);
            self.n_ranges += 1;
        } else {
            self.ranges[MAX_VALUES - 1].1 = end;
        }
    }

    /// Whether byte `pos` is inside a value.
    fn contains(&self, pos: usize) -> bool {
        self.overlaps(pos, pos + 1)
    }

    /// Whether any byte of `start..end` is inside a value.
    fn overlaps(&self, start: usize, end: usize) -> bool {
        self.ranges[..self.n_ranges].iter().any(|&(from, to)| from < end && start < to)
    }
}

/// The output as a [`Sink`] that records where slot values are written.
pub(crate) struct Marked<'a> {
    /// The output.
    pub(crate) out: &'a mut String,
    /// The values written so far.
    pub(crate) spans: &'a mut Spans,
}

impl Sink for Marked<'_> {
    fn put(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn put_field(&mut self, ty: &sim_core::field::FieldType, value: u64) {
        ty.render(value, self.out);
    }

    fn value(&mut self, write: impl FnOnce(&mut Self)) {
        let start = self.out.len();
        write(self);
        let end = self.out.len();
        self.spans.push(start, end);
    }
}

/// Applies `register` to the customer text `out[start..]`: casual lower-cases the first letter (of a plain word
/// or "I") and drops a final full stop; formal capitalises the first letter and ends with punctuation. A value
/// at either end is left as it is, so it still reads as the whole token.
pub(crate) fn apply_register(out: &mut String, start: usize, register: Register, spans: &Spans) {
    let end = out.len();
    if end == start {
        return;
    }
    if !spans.contains(start) {
        let text = &mut out[start..];
        match register {
            Register::Casual if text.starts_with("I ") || text.starts_with("I'") => {
                text[..1].make_ascii_lowercase();
            }
            Register::Casual => decapitalise(text),
            Register::Formal if text.is_char_boundary(1) => text[..1].make_ascii_uppercase(),
            Register::Formal | Register::Plain => {}
        }
    }
    if spans.contains(end - 1) {
        return;
    }
    let text = &out[start..];
    match register {
        Register::Casual if text.ends_with('.') && !text.ends_with("..") => out.truncate(end - 1),
        Register::Formal if !text.ends_with(['.', '?', '!']) => out.push('.'),
        _ => {}
    }
}

/// Misspells words of the customer text `out[start..]`: each word of three or more ASCII letters outside the
/// values gets, with probability `rate`, one typo (two adjacent letters swapped, a letter dropped or a letter
/// doubled, never the first letter). Words are visited from the end, so an edit moves nothing still to visit.
///
/// Rather than a draw per word, one draw gives the number of words to pass before the next typo (a geometric
/// gap, so each word still has its own chance `rate`); most texts get none and are not scanned at all.
pub(crate) fn put_typos(out: &mut String, start: usize, rate: f64, spans: &Spans, pick: &mut Pick) {
    if rate.is_nan() || rate <= 0.0 {
        return;
    }
    let keep = (1.0 - rate).max(0.0);
    let mut end = out.len();
    let mut skip = gap(keep, max_words(end - start), pick);
    while end > start && skip < max_words(end - start) {
        let bytes = &out.as_bytes()[start..end];
        let Some(last) = bytes.iter().rposition(|&byte| CLASS[usize::from(byte)] != OTHER) else {
            break;
        };
        let first = bytes[..last].iter().rposition(|&byte| CLASS[usize::from(byte)] == OTHER);
        let first = first.map_or(0, |other| other + 1);
        let word = &bytes[first..=last];
        let (word_start, word_end) = (start + first, start + last + 1);
        end = word_start;
        if word.len() < 3
            || word.iter().any(|&byte| CLASS[usize::from(byte)] == DIGIT)
            || spans.overlaps(word_start, word_end)
        {
            continue;
        }
        if skip > 0 {
            skip -= 1;
            continue;
        }
        put_typo(out, word_start, word_end, pick);
        skip = gap(keep, max_words(end - start), pick);
    }
}

/// The most words of three letters that fit in `n_bytes` (each but the last needs a separator too).
fn max_words(n_bytes: usize) -> usize {
    (n_bytes + 1) / 4
}

/// The number of words spelt right before the next typo, when each is spelt right with probability `keep`:
/// the `k` from 1 on with `keep`^k at least a uniform draw in (0, 1], counted up to `cap`. Only products, no
/// logarithm, so every platform gives the same count.
fn gap(keep: f64, cap: usize, pick: &mut Pick) -> usize {
    let draw = ((pick.next() >> 11) + 1) as f64 / (1u64 << 53) as f64;
    let mut n_words = 0;
    let mut survive = keep;
    while n_words < cap && survive >= draw {
        n_words += 1;
        survive *= keep;
    }
    n_words
}

/// [`CLASS`] of a byte that is neither an ASCII letter nor a digit.
const OTHER: u8 = 0;
/// [`CLASS`] of an ASCII letter.
const LETTER: u8 = 1;
/// [`CLASS`] of an ASCII digit.
const DIGIT: u8 = 2;
/// Each byte's class, for the typo pass's scan over the text.
const CLASS: [u8; 256] = {
    let mut class = [OTHER; 256];
    let mut byte = 0;
    while byte < 256 {
        let ch = byte as u8;
        if ch.is_ascii_alphabetic() {
            class[byte] = LETTER;
        } else if ch.is_ascii_digit() {
            class[byte] = DIGIT;
        }
        byte += 1;
    }
    class
};

/// One typo in the ASCII word `out[start..end]` (at least three letters), after its first letter.
fn put_typo(out: &mut String, start: usize, end: usize, pick: &mut Pick) {
    let len = end - start;
    let double = |out: &mut String, at: usize| {
        let letter = char::from(out.as_bytes()[at]);
        out.insert(at, letter);
    };
    match pick.below(3) {
        0 => {
            // Swap a pair (i, i + 1) with i from 1: the first unequal pair from a random one on.
            let n_pairs = len - 2;
            let from = pick.below(n_pairs);
            let bytes = out.as_bytes();
            let pair = (0..n_pairs)
                .map(|step| start + 1 + (from + step) % n_pairs)
                .find(|&at| bytes[at] != bytes[at + 1]);
            match pair {
                Some(at) => {
                    let letter = out.remove(at);
                    out.insert(at + 1, letter);
                }
                None => double(out, start + 1 + from),
            }
        }
        1 => {
            out.remove(start + 1 + pick.below(len - 1));
        }
        _ => double(out, start + 1 + pick.below(len - 1)),
    }
}
