//! Normalization of the `date` kind (dates of birth, mostly) to ISO 8601
//! `YYYY-MM-DD`.
//!
//! After the [baseline], the text is read as one of:
//! - year first: `1985-04-03`, `1985/4/3`, `1985.04.03`;
//! - `19850403` (eight digits, year first);
//! - day first: `03/04/1985`, `3.4.1985`, `03-04-1985`. A date whose first two
//!   numbers could both be the month (`03/04/1985`) is read **day first**, the
//!   convention of most of the world; it is read month first (US) only when
//!   the day is over 12 (`04/23/1985` → `1985-04-23`). A comparator can still
//!   see a swapped day and month as a near match;
//! - an English month name or abbreviation with a day and a four-digit year, in
//!   any order (`3 April 1985`, `April 3rd, 1985`, `03-Apr-1985`,
//!   `Wed, 3 Apr 1985`, `3rd of April 1985`).
//!
//! A time after the date is dropped: ISO date-times (`1985-04-03T10:15:00Z`)
//! and spreadsheet exports (`3/4/1985 0:00`, `04/23/1985 10:15:00 PM`).
//!
//! Years have four digits (two-digit years are left as text: no century
//! guess is safe for dates of birth). A date that does not exist
//! (`1985-02-30`, `0000-00-00`) and anything else unreadable stays the
//! baseline text, never dropped.
//!
//! Hand-written rather than a date crate's: the formats above are a dozen
//! lines of rules, the interesting choices (day first, no two-digit years,
//! months in any position) are ours to make, and a parser for times and zones
//! would add a dependency for a part we throw away.

use super::baseline;

/// The ISO form `YYYY-MM-DD` of a date, or the baseline text when `raw` is not
/// one; `None` for a blank value.
///
/// ```
/// use sleuth_core::normalize::date::normalize;
/// assert_eq!(normalize("3 April 1985").as_deref(), Some("1985-04-03"));
/// assert_eq!(normalize("03/04/1985").as_deref(), Some("1985-04-03"));
/// assert_eq!(normalize("04/23/1985").as_deref(), Some("1985-04-23"));
/// assert_eq!(normalize("1985-02-30").as_deref(), Some("1985-02-30"));
/// ```
pub fn normalize(raw: &str) -> Option<String> {
    let text = baseline::normalize(raw)?;
    Some(match parse(&text) {
        Some(Date { year, month, day }) => format!("{year:04}-{month:02}-{day:02}"),
        None => text,
    })
}

/// A valid Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    fn new(year: u32, month: u32, day: u32) -> Option<Date> {
        let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((1..=9999).contains(&year) && (1..=days).contains(&day)).then_some(Date {
            year: year as u16,
            month: month as u8,
            day: day as u8,
        })
    }
}

/// One piece of a date's text.
#[derive(Debug, Clone, Copy)]
enum Token<'a> {
    /// A run of ASCII digits, with any ordinal suffix (`3rd`) removed.
    Number(&'a str),
    /// A month, 1 to 12.
    Month(u32),
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// The date `text` (already baseline-normalized) denotes, if it is one.
fn parse(text: &str) -> Option<Date> {
    let text = strip_time(text);
    let tokens = tokenize(text)?;
    match tokens[..] {
        [Token::Number(digits)] if digits.len() == 8 => {
            Date::new(number(&digits[..4])?, number(&digits[4..6])?, number(&digits[6..])?)
        }
        [Token::Number(year), Token::Number(month), Token::Number(day)] if year.len() == 4 => {
            Date::new(number(year)?, day_or_month(month)?, day_or_month(day)?)
        }
        [Token::Number(first), Token::Number(second), Token::Number(year)] if year.len() == 4 => {
            let (first, second, year) = (day_or_month(first)?, day_or_month(second)?, number(year)?);
            // Day first unless only month first makes a date (04/23/1985).
            Date::new(year, second, first).or_else(|| Date::new(year, first, second))
        }
        _ => {
            let mut months = tokens.iter().filter_map(|t| if let Token::Month(m) = t { Some(*m) } else { None });
            let (month, None) = (months.next()?, months.next()) else { return None };
            let mut numbers = tokens.iter().filter_map(|t| if let Token::Number(n) = t { Some(*n) } else { None });
            let (Some(x), Some(y), None) = (numbers.next(), numbers.next(), numbers.next()) else { return None };
            let (year, day) = match (x.len(), y.len()) {
                (4, 1 | 2) => (x, y),
                (1 | 2, 4) => (y, x),
                _ => return None,
            };
            Date::new(number(year)?, month, number(day)?)
        }
    }
}

/// The date part of a date-time: `1985-04-03` from the ISO
/// `1985-04-03t10:15:00z`, `3/4/1985` from `3/4/1985 0:00` or
/// `3/4/1985 10:15:00 pm utc`.
fn strip_time(text: &str) -> &str {
    let bytes = text.as_bytes();
    let is_iso_date = bytes.len() > 10
        && bytes[..10].iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
    if is_iso_date && bytes[10] == b't' && is_time(&text[11..]) {
        return &text[..10];
    }
    text.match_indices(' ').map(|(i, _)| i).find(|&i| is_time(&text[i + 1..])).map_or(text, |i| &text[..i])
}

/// A time of day, with what may follow it: `10:15`, `10:15:00.250z`,
/// `10:15 pm utc`, `10:15:00+02:00`.
fn is_time(text: &str) -> bool {
    let mut words = text.split(' ');
    let clock = words.next().unwrap_or_default();
    let clock = clock.trim_end_matches('z');
    let (clock, offset) = clock.split_at(clock.find(['+', '-']).unwrap_or(clock.len()));
    let digits_and = |s: &str, marks: &[char]| s.chars().all(|c| c.is_ascii_digit() || marks.contains(&c));
    clock.starts_with(|c: char| c.is_ascii_digit())
        && clock.contains(':')
        && digits_and(clock, &[':', '.'])
        && digits_and(offset, &['+', '-', ':'])
        && words.all(|word| ["am", "pm", "utc", "gmt", "z"].contains(&word))
}

/// The tokens of `text`, split at spaces and `, - / .`; `None` when a piece is
/// neither a number, a month, a weekday nor `of` (so `4 apples 1985` is no date).
fn tokenize(text: &str) -> Option<Vec<Token<'_>>> {
    let mut tokens = Vec::new();
    for piece in text.split([' ', ',', '-', '/', '.']).filter(|piece| !piece.is_empty()) {
        let digits = piece.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            let suffix = &piece[digits.len()..];
            if !(suffix.is_empty() || ["st", "nd", "rd", "th"].contains(&suffix) && digits.len() <= 2) {
                return None;
            }
            tokens.push(Token::Number(digits));
        } else if let Some(month) = month(piece) {
            tokens.push(Token::Month(month));
        } else if piece != "of" && !is_weekday(piece) {
            return None;
        }
    }
    (tokens.len() <= 3).then_some(tokens)
}

/// The month a name or an abbreviation of three letters or more (`apr`,
/// `sept`, `april`) stands for.
fn month(word: &str) -> Option<u32> {
    if word.len() < 3 {
        return None;
    }
    MONTHS.iter().position(|name| name.starts_with(word)).map(|position| position as u32 + 1)
}

fn is_weekday(word: &str) -> bool {
    word.len() >= 3 && WEEKDAYS.iter().any(|name| name.starts_with(word))
}

/// A day or month number: one or two digits.
fn day_or_month(digits: &str) -> Option<u32> {
    if digits.len() <= 2 { number(digits) } else { None }
}

fn number(digits: &str) -> Option<u32> {
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn dates_in_many_formats_take_the_iso_form() {
        let cases = [
            ("1985-04-03", "1985-04-03"),
            ("1985-4-3", "1985-04-03"),
            ("1985/04/03", "1985-04-03"),
            ("1985.04.03", "1985-04-03"),
            ("1985-04-03T10:15:00Z", "1985-04-03"),
            ("1985-04-03 10:15", "1985-04-03"),
            ("1985-04-03T10:15:00.250+02:00", "1985-04-03"),
            ("3/4/1985 0:00", "1985-04-03"),
            ("04/23/1985 10:15:00 PM", "1985-04-23"),
            ("3 April 1985 10:15 UTC", "1985-04-03"),
            ("19850403", "1985-04-03"),
            ("03/04/1985", "1985-04-03"),
            ("3.4.1985", "1985-04-03"),
            ("03-04-1985", "1985-04-03"),
            ("23/04/1985", "1985-04-23"),
            ("04/23/1985", "1985-04-23"),
            ("3 April 1985", "1985-04-03"),
            ("3 APR 1985", "1985-04-03"),
            ("03-Apr-1985", "1985-04-03"),
            ("April 3, 1985", "1985-04-03"),
            ("April 3rd, 1985", "1985-04-03"),
            ("Apr. 3 1985", "1985-04-03"),
            ("Wed, 3 Apr 1985", "1985-04-03"),
            ("3rd of April 1985", "1985-04-03"),
            ("1985 April 3", "1985-04-03"),
            ("12 Sept 1990", "1990-09-12"),
            ("1 Sep 1990", "1990-09-01"),
            ("29 February 2000", "2000-02-29"),
            ("２９/０２/２０２４", "2024-02-29"),
            // Not dates: kept as baseline text.
            ("1985-02-30", "1985-02-30"),
            ("29 Feb 1900", "29 feb 1900"),
            ("0000-00-00", "0000-00-00"),
            ("13/13/1985", "13/13/1985"),
            ("03/04/85", "03/04/85"),
            ("April 1985", "april 1985"),
            ("3 Mayo 1985", "3 mayo 1985"),
            ("3 Ma 1985", "3 ma 1985"),
            ("4 apples 1985", "4 apples 1985"),
            ("3 April May 1985", "3 april may 1985"),
            ("33rd April 1985", "33rd april 1985"),
            ("3xx April 1985", "3xx april 1985"),
            ("198504031", "198504031"),
            ("Unknown", "unknown"),
            ("1985-04-03Tbad", "1985-04-03tbad"),
            ("1985-04-03 noon", "1985-04-03 noon"),
            ("1985-04-03 10:15 sharp", "1985-04-03 10:15 sharp"),
        ];
        for (raw, expected) in cases {
            assert_eq!(normalize(raw).as_deref(), Some(expected), "{raw}");
        }
        assert_eq!(normalize(" "), None);
    }

    proptest! {
        #[test]
        fn normalizing_twice_equals_once(raw in any::<String>()) {
            let once = normalize(&raw);
            prop_assert_eq!(once.as_deref().and_then(normalize), once);
        }

        #[test]
        fn date_like_text_normalizes_to_a_fixed_point(raw in "[0-9]{1,4}[-/. ][0-9a-z]{1,9}[-/., ]{1,2}[0-9]{1,4}") {
            let once = normalize(&raw);
            prop_assert_eq!(once.as_deref().and_then(normalize), once);
        }

        #[test]
        fn every_valid_date_reads_back(year in 1u32..=9999, month in 1u32..=12, day in 1u32..=31) {
            if let Some(date) = Date::new(year, month, day) {
                let iso = format!("{year:04}-{month:02}-{day:02}");
                prop_assert_eq!(parse(&iso), Some(date));
                let spelt = format!("{day} {} {year:04}", MONTHS[month as usize - 1]);
                prop_assert_eq!(normalize(&spelt), Some(iso.clone()));
                prop_assert_eq!(normalize(&format!("{year:04}{month:02}{day:02}")), Some(iso));
            }
        }
    }
}
