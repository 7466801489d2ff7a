//! Calendar days for [`FieldType::Date`](super::FieldType::Date): a day is a count of days since 1970-01-01 in the
//! proleptic Gregorian calendar, turned into a year, month and day and back (H. Hinnant's civil-date algorithms),
//! written "June 12, 2018" and read back from the ways people write a date.

/// The months' names, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A calendar date: year, month (1 to 12), day of the month (1 to 31).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ymd {
    /// The year.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u32,
    /// The day of the month, 1 to 31.
    pub day: u32,
}

impl Ymd {
    /// The date `days` days after 1970-01-01 (before it when negative), within 10^11 days of it (about 270 million
    /// years; a day further is taken as that far).
    pub fn from_days(days: i64) -> Ymd {
        let z = days.clamp(-100_000_000_000, 100_000_000_000) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097); // [0, 146096]
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
        let mp = (5 * doy + 2) / 153; // [0, 11], March first
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Ymd { year, month, day }
    }

    /// Days since 1970-01-01; `None` for a month or day that is no date ("February 30").
    pub fn to_days(self) -> Option<i64> {
        let Ymd { year, month, day } = self;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        let year = i64::from(year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let yoe = year.rem_euclid(400);
        let mp = i64::from((month + 9) % 12); // March is 0
        let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(era * 146_097 + doe - 719_468)
    }

    /// Reads "2018-06-30" (ISO 8601, as a scenario file gives a date).
    pub fn parse_iso(text: &str) -> Option<Ymd> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        let ymd = Ymd { year, month, day };
        ymd.to_days().map(|_| ymd)
    }
}

/// Whether `year` has a February 29th.
fn leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The days of `month` (1 to 12) in `year`.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The month (1 to 12) a word names: its full name or its first three letters, any case ("jun", "June").
pub fn month_named(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.').to_lowercase();
    let named = |name: &&str| {
        let name = name.to_lowercase();
        word == name || (word.len() == 3 && name.starts_with(&word))
    };
    MONTHS.iter().position(named).map(|idx| idx as u32 + 1)
}

/// A day of the month as written: "12", "12th", "1st", "22nd", "3rd".
fn day_number(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches(',');
    let digits =
        ["st", "nd", "rd", "th"].iter().find_map(|end| digits.strip_suffix(end)).unwrap_or(digits);
    digits.parse().ok().filter(|day| (1..=31).contains(day))
}

/// A date as written, perhaps without its year ("13th june").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// A whole date.
    Day(Ymd),
    /// A month (1 to 12) and day of the month, the year left out.
    NoYear(u32, u32),
}

/// Reads a date as people write one: "June 12, 2018", "jun 12 2018", "12 June 2018", "12th of june 2018",
/// "12 th june", "2018-06-12", "6/12/2018" (month first), or digits alone as MultiDoGO's customers write them,
/// "12062018" or "120618" with the day or the month first (the month first when either could be: "06112018" is June
/// 11th); `None` for anything else or a day that does not exist.
pub fn read(text: &str) -> Option<Written> {
    let text = text.trim().to_lowercase();
    let whole = |ymd: Ymd| ymd.to_days().map(|_| Written::Day(ymd));
    if let Some(ymd) = Ymd::parse_iso(&text) {
        return Some(Written::Day(ymd));
    }
    if let [month, day, year] = text.split('/').collect::<Vec<_>>()[..] {
        return whole(Ymd {
            year: year.parse().ok()?,
            month: month.parse().ok()?,
            day: day.parse().ok()?,
        });
    }
    if let Some((first, second, year)) = digit_parts(&text) {
        let (month, day) =
            if day_first(first, second)? { (second, first) } else { (first, second) };
        return whole(Ymd { year, month, day });
    }
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty() && !["of", "st", "nd", "rd", "th"].contains(w))
        .collect();
    let (first, second, year) = match words[..] {
        [first, second, year] => (first, second, Some(year.parse().ok()?)),
        [first, second] => (first, second, None),
        _ => return None,
    };
    let (month, day) = match month_named(first) {
        Some(month) => (month, day_number(second)?),
        None => (month_named(second)?, day_number(first)?),
    };
    match year {
        Some(year) => whole(Ymd { year, month, day }),
        // February 29th is a day in some years.
        None => (day <= days_in_month(2000, month)).then_some(Written::NoYear(month, day)),
    }
}

/// A date in digits alone, "25052018" or "250618": its first two pairs of digits and its year (two digits are a
/// year of the 2000s); `None` for anything else.
pub fn digit_parts(text: &str) -> Option<(u32, u32, i32)> {
    if !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let year = match text.len() {
        8 => text[4..].parse().ok()?,
        6 => 2000 + text[4..].parse::<i32>().ok()?,
        _ => return None,
    };
    Some((text[..2].parse().ok()?, text[2..4].parse().ok()?, year))
}

/// Whether a date in digits whose first two pairs are these gives the day first: when the first can only be a day,
/// else the month first ("06112018" is June 11th, as most of MultiDoGO's dates are in May and June); `None` when
/// neither order gives a month and a day.
pub fn day_first(first: u32, second: u32) -> Option<bool> {
    match (first, second) {
        (13..=31, 1..=12) => Some(true),
        (1..=12, 1..=31) => Some(false),
        _ => None,
    }
}

/// Every day `text` may name: [`read`]'s, and for digits alone whose day and month could be either way round
/// ("06112018": June 11th or November 6th), the other reading too.
pub fn readings(text: &str) -> impl Iterator<Item = Written> {
    let text = text.trim();
    let either_way = |(first, second, _): &(u32, u32, i32)| {
        (1..=12).contains(first) && (1..=12).contains(second) && first != second
    };
    let swapped = digit_parts(text).filter(either_way).and_then(|(first, second, year)| {
        let ymd = Ymd { year, month: second, day: first };
        ymd.to_days().map(|_| Written::Day(ymd))
    });
    read(text).into_iter().chain(swapped)
}

/// [`read`] for a whole date only.
pub fn parse(text: &str) -> Option<Ymd> {
    match read(text)? {
        Written::Day(ymd) => Some(ymd),
        Written::NoYear(..) => None,
    }
}

/// The day `ago` days before `today` (days since 1970-01-01): a `Date` field's value as the day it names.
pub fn day_before(today: i64, ago: u64) -> Ymd {
    Ymd::from_days(today.saturating_sub_unsigned(ago))
}

/// How many days before `today` `day` is (both days since 1970-01-01): the value a `Date` field holds for it; `None`
/// for a day after `today`.
pub fn days_before(today: i64, day: i64) -> Option<u64> {
    u64::try_from(today.checked_sub(day)?).ok()
}

/// The day a date read by [`read`] names, as days since 1970-01-01, seen from `today`: a date without its year is
/// the latest such day on or before `today`.
pub fn days_of(written: Written, today: i64) -> Option<i64> {
    match written {
        Written::Day(ymd) => ymd.to_days(),
        Written::NoYear(month, day) => {
            let year = Ymd::from_days(today).year;
            let this_year = Ymd { year, month, day }.to_days().filter(|days| *days <= today);
            let earlier = |back| Ymd { year: year - back, month, day }.to_days();
            this_year.or_else(|| (1..=4).find_map(earlier))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_dates_agree_both_ways() {
        // Known dates: the epoch, a leap day, the day before the epoch, MultiDoGO's season.
        for (days, ymd) in [
            (0, (1970, 1, 1)),
            (-1, (1969, 12, 31)),
            (11_016, (2000, 2, 29)),
            (17_712, (2018, 6, 30)),
            (17_532, (2018, 1, 1)),
        ] {
            let want = Ymd { year: ymd.0, month: ymd.1, day: ymd.2 };
            assert_eq!(Ymd::from_days(days), want, "{days}");
            assert_eq!(want.to_days(), Some(days), "{want:?}");
        }
        for days in -800_000..800_000i64 {
            assert_eq!(Ymd::from_days(days).to_days(), Some(days));
        }
    }

    #[test]
    fn days_that_do_not_exist_are_no_dates() {
        for (year, month, day) in
            [(2018, 2, 29), (2018, 4, 31), (2018, 13, 1), (2018, 0, 1), (2018, 1, 0)]
        {
            assert_eq!(Ymd { year, month, day }.to_days(), None, "{year}-{month}-{day}");
        }
        assert_eq!(Ymd::parse_iso("2018-02-29"), None);
        assert_eq!(Ymd::parse_iso("2016-02-29"), Some(Ymd { year: 2016, month: 2, day: 29 }));
    }

    #[test]
    fn a_date_is_read_as_people_write_it() {
        let june_12 = Some(Ymd { year: 2018, month: 6, day: 12 });
        for text in [
            "June 12, 2018",
            "june 12 2018",
            "jun 12 2018",
            "12 June 2018",
            "12th of june, 2018",
            "2018-06-12",
            "6/12/2018",
        ] {
            assert_eq!(parse(text), june_12, "{text}");
        }
        for text in [
            "",
            "June 2018",
            "juni 12 2018",
            "June 31, 2018",
            "1206201",
            "13132018",
            "ju 12 2018",
            "junes 12 2018",
            "12 june",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
        // Digits alone, the day or the month first: the month when either could be.
        for text in ["06122018", "061218", "12 th june 2018"] {
            assert_eq!(parse(text), june_12, "{text}");
        }
        assert_eq!(parse("25062018"), Some(Ymd { year: 2018, month: 6, day: 25 }));
        assert_eq!(parse("12062018"), Some(Ymd { year: 2018, month: 12, day: 6 }));
        // Read either way round where either could be.
        let days = |text| readings(text).collect::<Vec<_>>();
        let day = |year, month, day| Written::Day(Ymd { year, month, day });
        assert_eq!(days("12062018"), [day(2018, 12, 6), day(2018, 6, 12)]);
        assert_eq!(days("061218"), [day(2018, 6, 12), day(2018, 12, 6)]);
        assert_eq!(days("25062018"), [day(2018, 6, 25)]);
        assert_eq!(days("06062018"), [day(2018, 6, 6)]);
        assert_eq!(days("june 12 2018"), [day(2018, 6, 12)]);
        // Only digits alone are read either way round: "1206-018" is no date.
        assert_eq!(days("1206-018"), []);
    }

    /// A date without its year is the latest such day on or before today: seen from June 30, 2018, "12 th june" is
    /// June 12, 2018, "july 3rd" July 3, 2017, and "29 th february" February 29, 2016.
    #[test]
    fn a_date_without_its_year_is_the_last_one_before_today() {
        let today = Ymd { year: 2018, month: 6, day: 30 }.to_days().unwrap();
        let day = |text: &str| days_of(read(text).unwrap(), today).map(Ymd::from_days);
        assert_eq!(day("12 th june"), Some(Ymd { year: 2018, month: 6, day: 12 }));
        assert_eq!(day("june 30"), Some(Ymd { year: 2018, month: 6, day: 30 }));
        assert_eq!(day("july 3rd"), Some(Ymd { year: 2017, month: 7, day: 3 }));
        assert_eq!(day("29 th february"), Some(Ymd { year: 2016, month: 2, day: 29 }));
        assert_eq!(read("31 th june"), None);
    }
}
