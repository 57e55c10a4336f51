//! Comparison of the `date` kind, on values in the canonical `YYYY-MM-DD` form
//! of [`normalize::date`](crate::normalize::date).
//!
//! Levels, best first:
//! - `exact`: the same date;
//! - `day_month_swapped`: `1985-04-03` against `1985-03-04`, the mark of a
//!   day-first against a month-first reading (or writing);
//! - `one_digit_off`: the eight digits `YYYYMMDD` at Damerau–Levenshtein
//!   distance 1 (a typo or two adjacent digits transposed: `1985-04-03` against
//!   `1985-04-30`, `1958-04-03`);
//! - `same_year_month`: the same year and month, another day;
//! - `different`.
//!
//! Values that are not ISO dates (the normalizer keeps unreadable text as it
//! is) are only ever `exact` or `different`.

/// The labels of the levels [`level`] gives, best first.
pub const LEVELS: &[&str] = &["exact", "day_month_swapped", "one_digit_off", "same_year_month", "different"];

const EXACT: usize = 0;
const DAY_MONTH_SWAPPED: usize = 1;
const ONE_DIGIT_OFF: usize = 2;
const SAME_YEAR_MONTH: usize = 3;
const DIFFERENT: usize = 4;

/// The agreement level (an index into [`LEVELS`]) of two canonical values.
///
/// ```
/// use sleuth_core::compare::date::{level, LEVELS};
/// assert_eq!(LEVELS[level("1985-04-03", "1985-03-04")], "day_month_swapped");
/// assert_eq!(LEVELS[level("1985-04-03", "1985-04-30")], "one_digit_off");
/// assert_eq!(LEVELS[level("1985-04-03", "1985-04-17")], "same_year_month");
/// ```
pub fn level(a: &str, b: &str) -> usize {
    if a == b {
        return EXACT;
    }
    let (Some(x), Some(y)) = (Iso::parse(a), Iso::parse(b)) else { return DIFFERENT };
    if x.year == y.year && x.month == y.day && x.day == y.month {
        DAY_MONTH_SWAPPED
    } else if strsim::damerau_levenshtein(&x.digits(), &y.digits()) <= 1 {
        ONE_DIGIT_OFF
    } else if x.year == y.year && x.month == y.month {
        SAME_YEAR_MONTH
    } else {
        DIFFERENT
    }
}

/// The parts of a `YYYY-MM-DD` value, as text.
struct Iso<'a> {
    year: &'a str,
    month: &'a str,
    day: &'a str,
}

impl<'a> Iso<'a> {
    fn parse(value: &'a str) -> Option<Iso<'a>> {
        let bytes = value.as_bytes();
        let shaped = bytes.len() == 10
            && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
        shaped.then(|| Iso { year: &value[..4], month: &value[5..7], day: &value[8..] })
    }

    fn digits(&self) -> String {
        [self.year, self.month, self.day].concat()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn levels_follow_the_kind_of_disagreement() {
        let cases = [
            ("1985-04-03", "1985-04-03", "exact"),
            ("1985-04-03", "1985-03-04", "day_month_swapped"),
            ("1985-04-03", "1985-04-30", "one_digit_off"),
            ("1985-04-03", "1985-04-08", "one_digit_off"),
            ("1985-04-03", "1958-04-03", "one_digit_off"),
            ("1985-04-03", "1986-04-03", "one_digit_off"),
            ("1985-04-03", "1985-04-17", "same_year_month"),
            ("1985-04-03", "1985-05-17", "different"),
            ("1985-04-03", "1986-03-04", "different"),
            ("1985-04-03", "2001-11-23", "different"),
            // Not dates: only exact or different.
            ("unknown", "unknown", "exact"),
            ("03/04/85", "03/04/86", "different"),
            ("1985-04-03", "1985-04-3", "different"),
        ];
        for (a, b, expected) in cases {
            assert_eq!(LEVELS[level(a, b)], expected, "{a} vs {b}");
            assert_eq!(level(a, b), level(b, a), "{a} vs {b}");
        }
        assert_eq!(LEVELS.last(), Some(&"different"));
    }

    proptest! {
        #[test]
        fn levels_are_symmetric_and_deterministic(
            a in "[12][0-9]{3}-[01][0-9]-[0-3][0-9]|\\PC{0,12}",
            b in "[12][0-9]{3}-[01][0-9]-[0-3][0-9]|\\PC{0,12}",
        ) {
            let level_ab = level(&a, &b);
            prop_assert!(level_ab < LEVELS.len());
            prop_assert_eq!(level_ab, level(&b, &a));
            prop_assert_eq!(level_ab, level(&a, &b));
        }
    }
}
