//! Comparison of the `phone` kind, on values in the canonical form of
//! [`normalize::phone`](crate::normalize::phone): E.164 when the number
//! parsed, else its digits.
//!
//! Levels, best first:
//! - `exact`: the same canonical value;
//! - `same_last_digits`: the same last seven or more digits, where one number
//!   is the other with its front missing, or where the fronts (leading zeros
//!   set aside) are both at most three digits long, room for a country code
//!   or trunk prefix only: `+442079460018` against `02079460018` (a national
//!   number the job had no region for), `+12025550123` against `5550123` (a
//!   local number), `+74951234567` against `84951234567` (a trunk prefix in
//!   place of the country code). `+442079460018` against `+441619460018`
//!   (another area code) is `different`;
//! - `one_digit_off`: the digits at Damerau–Levenshtein distance 1 (a typo or
//!   two adjacent digits transposed);
//! - `different`.
//!
//! Values with fewer than seven digits (the normalizer keeps unreadable text)
//! are only ever `exact` or `different`.

use super::prepared::Value;

/// The labels of the levels [`level`] gives, best first.
pub const LEVELS: &[&str] = &["exact", "same_last_digits", "one_digit_off", "different"];

const EXACT: usize = 0;
const SAME_LAST_DIGITS: usize = 1;
const ONE_DIGIT_OFF: usize = 2;
const DIFFERENT: usize = 3;

/// Digits two numbers must share at the end to be `same_last_digits`.
const SHARED_DIGITS: usize = 7;
/// Digits before the shared ones, past leading zeros, that still leave room
/// only for a country code (one to three digits) or a trunk prefix.
const PREFIX_DIGITS: usize = 3;

/// The agreement level (an index into [`LEVELS`]) of two canonical values.
///
/// ```
/// use sleuth_core::compare::phone::{level, LEVELS};
/// assert_eq!(LEVELS[level("+442079460018", "02079460018")], "same_last_digits");
/// assert_eq!(LEVELS[level("+442079460018", "+442079460081")], "one_digit_off");
/// assert_eq!(LEVELS[level("+442079460018", "+441619460018")], "different");
/// ```
pub fn level(a: &str, b: &str) -> usize {
    level_of(Value::plain(a), Value::plain(b))
}

/// [`level`] of two values with their prepared forms.
pub fn level_of(a: Value, b: Value) -> usize {
    if a.text == b.text {
        return EXACT;
    }
    let (x, y) = (a.digits(), b.digits());
    let (x, y) = (x.as_bytes(), y.as_bytes());
    if x.len() < SHARED_DIGITS || y.len() < SHARED_DIGITS {
        return DIFFERENT;
    }
    let shared = x.iter().rev().zip(y.iter().rev()).take_while(|(p, q)| p == q).count();
    let front = |d: &[u8]| d[..d.len() - shared].iter().skip_while(|&&c| c == b'0').count();
    let (front_x, front_y) = (front(x), front(y));
    let only_prefixes = front_x.min(front_y) == 0 || front_x.max(front_y) <= PREFIX_DIGITS;
    if shared >= SHARED_DIGITS && only_prefixes {
        SAME_LAST_DIGITS
    } else if within_one_edit(x, y) {
        ONE_DIGIT_OFF
    } else {
        DIFFERENT
    }
}

/// The digits of a phone value.
pub(crate) fn digits(value: &str) -> String {
    value.chars().filter(char::is_ascii_digit).collect()
}

/// Whether two digit strings are at most one edit apart (an insertion, a
/// deletion, a substitution or a swap of two adjacent digits): Damerau–
/// Levenshtein distance ≤ 1, without building its table.
fn within_one_edit(x: &[u8], y: &[u8]) -> bool {
    let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let head = short.iter().zip(long).take_while(|(p, q)| p == q).count();
    if head == short.len() {
        return true;
    }
    if short.len() < long.len() {
        return short[head..] == long[head + 1..];
    }
    // Same length: one substitution, or a swap of the first two that differ.
    short[head + 1..] == long[head + 1..]
        || (head + 1 < short.len()
            && short[head] == long[head + 1]
            && short[head + 1] == long[head]
            && short[head + 2..] == long[head + 2..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn levels_follow_the_kind_of_disagreement() {
        let cases = [
            ("+442079460018", "+442079460018", "exact"),
            ("+442079460018", "02079460018", "same_last_digits"),
            ("+442079460018", "2079460018", "same_last_digits"),
            ("+442079460018", "00442079460018", "same_last_digits"),
            ("+74951234567", "84951234567", "same_last_digits"),
            ("+12025550123", "2025550123", "same_last_digits"),
            ("+12025550123", "5550123", "same_last_digits"),
            ("+12025550123", "+442025550123", "same_last_digits"),
            ("+442079460018", "+442079460081", "one_digit_off"),
            ("+442079460018", "+442079460019", "one_digit_off"),
            ("+442079460018", "+4420794600180", "one_digit_off"),
            ("+15124609373", "+15124609737", "different"),
            // The same last seven digits behind another area code.
            ("+442079460018", "+441619460018", "different"),
            ("+442079460018", "+13125550199", "different"),
            // Short or digit-less values: exact or different only.
            ("12345", "12346", "different"),
            ("unknown", "unknown", "exact"),
            ("unknown", "n/a", "different"),
        ];
        for (a, b, expected) in cases {
            assert_eq!(LEVELS[level(a, b)], expected, "{a} vs {b}");
            assert_eq!(level(a, b), level(b, a), "{a} vs {b}");
        }
        assert_eq!(LEVELS.last(), Some(&"different"));
    }

    const VALUES: &str = "\\+?[0-9]{5,13}|\\PC{0,12}";

    proptest! {
        #[test]
        fn one_edit_is_damerau_levenshtein_distance_one(a in "[0-3]{0,8}", b in "[0-3]{0,8}") {
            let expected = strsim::damerau_levenshtein(&a, &b) <= 1;
            prop_assert_eq!(within_one_edit(a.as_bytes(), b.as_bytes()), expected, "{} / {}", a, b);
        }

        #[test]
        fn levels_are_symmetric_and_deterministic(a in VALUES, b in VALUES) {
            let level_ab = level(&a, &b);
            prop_assert!(level_ab < LEVELS.len());
            prop_assert_eq!(level_ab, level(&b, &a));
            prop_assert_eq!(level_ab, level(&a, &b));
        }
    }
}
