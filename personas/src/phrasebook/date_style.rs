//! How a real customer wrote a date, so the date put in its place reads the same way: MultiDoGO's customers write
//! "25052018", "06152018", "250618", "13 th june", "june 8 th 2018" or "14 june 2018", never "June 12, 2018".
//! Only the writing changes, never the day.

use sim_core::field::calendar::{self, MONTHS, Ymd};

/// How the day of the month is marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ordinal {
    /// "14 june".
    Bare,
    /// "14th june".
    Attached,
    /// "14 th june", as many of MultiDoGO's customers write it.
    Spaced,
}

/// One way of writing a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateStyle {
    /// Digits alone, day and month two digits each, then the year in four digits or two: "25052018", "061818".
    Digits {
        /// The day before the month.
        day_first: bool,
        /// The year in four digits, else two.
        long_year: bool,
    },
    /// The month's name and the day's number, perhaps with the year: "13 th june", "june 8 th 2018", "jun 20 2018".
    Words {
        /// The month before the day.
        month_first: bool,
        /// The month's first three letters only.
        short_month: bool,
        /// How the day is marked.
        ordinal: Ordinal,
        /// The year after them (four digits).
        year: bool,
    },
}

impl DateStyle {
    /// The style of `words` (a date as a customer wrote it); `None` when it is no date written in one of these ways
    /// ("yesterday", "43274").
    pub fn of(words: &str) -> Option<DateStyle> {
        let words = words.trim();
        if words.bytes().all(|byte| byte.is_ascii_digit()) {
            return digits_style(words);
        }
        let tokens: Vec<&str> = words.split_whitespace().collect();
        let month_at = tokens.iter().position(|token| calendar::month_named(token).is_some())?;
        let day_at = tokens.iter().position(|token| day_of(token).is_some())?;
        let ordinal = match tokens.get(day_at + 1) {
            Some(next) if ["st", "nd", "rd", "th"].contains(next) => Ordinal::Spaced,
            _ if tokens[day_at].ends_with(|c: char| c.is_ascii_alphabetic()) => Ordinal::Attached,
            _ => Ordinal::Bare,
        };
        let used = 2 + usize::from(ordinal == Ordinal::Spaced);
        let year = match tokens.last() {
            Some(last)
                if tokens.len() == used + 1 && last.len() == 4 && last.parse::<u32>().is_ok() =>
            {
                true
            }
            _ if tokens.len() == used => false,
            _ => return None,
        };
        let month_first = month_at < day_at;
        let in_order = if month_first { month_at == 0 } else { day_at == 0 };
        // "may" is May's whole name.
        let short_month =
            tokens[month_at].len() == 3 && !tokens[month_at].eq_ignore_ascii_case("may");
        in_order.then_some(DateStyle::Words { month_first, short_month, ordinal, year })
    }

    /// Appends `day` written this way; letters in lower case when `lower`.
    pub fn put(self, day: Ymd, lower: bool, out: &mut String) {
        match self {
            DateStyle::Digits { day_first, long_year } => {
                let (first, second) =
                    if day_first { (day.day, day.month) } else { (day.month, day.day) };
                let year =
                    if long_year { day.year.rem_euclid(10_000) } else { day.year.rem_euclid(100) };
                let width = if long_year { 4 } else { 2 };
                out.push_str(&format!("{first:02}{second:02}{year:0width$}"));
            }
            DateStyle::Words { month_first, short_month, ordinal, year } => {
                let name = MONTHS[day.month as usize - 1];
                let name = if short_month { &name[..3] } else { name };
                let month = if lower { name.to_lowercase() } else { name.to_owned() };
                let suffix = suffix(day.day);
                let day_words = match ordinal {
                    Ordinal::Bare => day.day.to_string(),
                    Ordinal::Attached => format!("{}{suffix}", day.day),
                    Ordinal::Spaced => format!("{} {suffix}", day.day),
                };
                let (first, second) =
                    if month_first { (month, day_words) } else { (day_words, month) };
                out.push_str(&format!("{first} {second}"));
                if year {
                    out.push_str(&format!(" {}", day.year));
                }
            }
        }
    }
}

/// The style of a date written in digits alone: six or eight digits, day and month first in either order, read by
/// the calendar's rule ([`calendar::day_first`]), so what is written here reads back as written.
fn digits_style(words: &str) -> Option<DateStyle> {
    let (first, second, _) = calendar::digit_parts(words)?;
    Some(DateStyle::Digits {
        day_first: calendar::day_first(first, second)?,
        long_year: words.len() == 8,
    })
}

/// The day of the month a token gives: "14", "14th", "2nd".
fn day_of(token: &str) -> Option<u32> {
    let digits = token.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let ends_well = matches!(&token[digits.len()..], "" | "st" | "nd" | "rd" | "th");
    let short = (1..=2).contains(&digits.len());
    digits.parse().ok().filter(|day| short && ends_well && (1..=31).contains(day))
}

/// The ordinal ending of a day of the month: "st" for 1, 21 and 31, "nd" for 2 and 22, "rd" for 3 and 23, else "th".
fn suffix(day: u32) -> &'static str {
    match day {
        1 | 21 | 31 => "st",
        2 | 22 => "nd",
        3 | 23 => "rd",
        _ => "th",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each of MultiDoGO's ways of writing a date (its customers' `charge_date` and `lastuseddate` values) writes
    /// July 3rd, 2018 the same way.
    #[test]
    fn a_date_is_written_as_the_customer_wrote_theirs() {
        let july_3 = Ymd { year: 2018, month: 7, day: 3 };
        for (theirs, ours) in [
            ("25052018", "03072018"),
            ("06152018", "07032018"),
            ("06112018", "07032018"),
            ("250618", "030718"),
            ("061818", "070318"),
            ("13 th june", "3 rd july"),
            ("june 8 th 2018", "july 3 rd 2018"),
            ("14 june 2018", "3 july 2018"),
            ("jun 20 2018", "jul 3 2018"),
            ("may 15th", "july 3rd"),
            ("22 nd may 2018", "3 rd july 2018"),
        ] {
            let style = DateStyle::of(theirs).unwrap_or_else(|| panic!("{theirs} is a date"));
            let mut out = String::new();
            style.put(july_3, true, &mut out);
            assert_eq!(out, ours, "{theirs}");
        }
        let mut out = String::new();
        DateStyle::of("June 8th").expect("a date").put(july_3, false, &mut out);
        assert_eq!(out, "July 3rd");
    }

    /// What is written in each style reads back as the same day (an agent given the customer's words enters the day
    /// they meant): every day of the year before June 30, 2018, the day bank-card-services is played. Digits that
    /// could be read either way round ("12062018") are read both ways, and the reader takes the one a candidate is.
    #[test]
    fn a_date_written_in_any_style_reads_back_as_the_same_day() {
        let today = Ymd { year: 2018, month: 6, day: 30 }.to_days().unwrap();
        let field = sim_core::field::FieldType::Date(today);
        let styles = [
            "25052018",
            "06152018",
            "250618",
            "13 th june",
            "june 8 th 2018",
            "jun 20 2018",
            "may 15th",
        ];
        for theirs in styles {
            let style = DateStyle::of(theirs).unwrap();
            for before in 0..365 {
                let mut out = String::new();
                style.put(Ymd::from_days(today - before), true, &mut out);
                let day = today - before;
                let read_back = calendar::readings(&out)
                    .any(|read| calendar::days_of(read, today) == Some(day));
                assert!(read_back, "{theirs}: {out}");
                if !matches!(style, DateStyle::Digits { .. }) {
                    assert_eq!(field.parse(&out), Some(before as u64), "{theirs}: {out}");
                }
            }
        }
    }

    #[test]
    fn what_is_no_date_in_these_ways_has_no_style() {
        for words in [
            "yesterday",
            "43274",
            "1906",
            "13132018",
            "june 182018",
            "the 13 th of june",
            "june",
            "13 th",
            // A year in two digits after words is not written back.
            "june 5 18",
        ] {
            assert_eq!(DateStyle::of(words), None, "{words}");
        }
    }

    #[test]
    fn ordinals_follow_english() {
        let days = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 30, 31];
        let endings = ["st", "nd", "rd", "th", "th", "th", "th", "st", "nd", "rd", "th", "st"];
        assert_eq!(days.map(suffix), endings);
    }
}
