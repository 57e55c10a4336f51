//! Comparison of the `username` kind: agreement levels of two canonical
//! usernames, from their [skeletons](crate::normalize::username::skeleton).
//!
//! Levels, best first ([`LEVELS`]):
//! - `exact`: the canonical forms are equal;
//! - `skeleton`: the skeletons are equal (`s4r4h_and3rs0n` / `sarah_anderson`,
//!   Cyrillic `ѕаrаh` / `sarah`, `xX_DarkAngel_Xx` / `darkangel`);
//! - `skeleton_plus_digits`: the stems agree and only one side has a digit
//!   suffix (`darkangel` / `darkangel99`), the usual shape of a handle that
//!   was taken on another platform;
//! - `skeleton_but_digits`: the stems agree and both sides have different digit
//!   suffixes (`shadow98` / `shadow99`): often two people, or one person's
//!   numbered accounts. A level of its own, so that the model learns how much
//!   (or how little) it is worth instead of it passing for a fuzzy match;
//! - `jw>=0.94`, `jw>=0.88`: Jaro–Winkler similarity of the skeletons;
//! - `different`.
//!
//! A digit level needs a non-empty stem: `1234` / `5678` are only compared by
//! Jaro–Winkler.

use super::prepared::Value;
use super::similarity::jaro_winkler_band;
use crate::normalize::username::split_digits;

/// The level names, best first; the last is "different".
pub const LEVELS: &[&str] =
    &["exact", "skeleton", "skeleton_plus_digits", "skeleton_but_digits", "jw>=0.94", "jw>=0.88", "different"];

/// The Jaro–Winkler bands, descending, of the levels after the digit levels.
const JW_BANDS: [f64; 2] = [0.94, 0.88];

/// The level (index into [`LEVELS`]) of two canonical usernames. Symmetric.
///
/// ```
/// use sleuth_core::compare::username::{level, LEVELS};
/// assert_eq!(LEVELS[level("s4r4h_and3rs0n", "sarah_anderson")], "skeleton");
/// assert_eq!(LEVELS[level("shadow98", "shadow99")], "skeleton_but_digits");
/// ```
pub fn level(a: &str, b: &str) -> usize {
    level_of(Value::plain(a), Value::plain(b))
}

/// [`level`] of two values with their prepared forms.
pub fn level_of(a: Value, b: Value) -> usize {
    if a.text == b.text {
        return 0;
    }
    let (a, b) = (a.skeleton(), b.skeleton());
    if a == b {
        return 1;
    }
    if let Some(one_side_only) = stems_agree(&a, &b) {
        return if one_side_only { 2 } else { 3 };
    }
    jaro_winkler_band(&a, &b, &JW_BANDS).map_or(LEVELS.len() - 1, |band| 4 + band)
}

/// When two different skeletons have the same non-empty stem: whether only
/// one of them has a digit suffix (`Some(true)`) or both have one
/// (`Some(false)`); `None` when the stems differ.
pub(crate) fn stems_agree(a: &str, b: &str) -> Option<bool> {
    let ((stem_a, digits_a), (stem_b, digits_b)) = (split_digits(a), split_digits(b));
    (stem_a == stem_b && !stem_a.is_empty() && digits_a != digits_b)
        .then_some(digits_a.is_empty() || digits_b.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::username::normalize;
    use proptest::prelude::*;

    fn level_of(a: &str, b: &str) -> &'static str {
        LEVELS[level(&normalize(a).unwrap(), &normalize(b).unwrap())]
    }

    #[test]
    fn levels_of_real_looking_pairs() {
        for (a, b, expected) in [
            ("DarkAngel99", "darkangel99", "exact"),
            ("@sarah", "Sarah", "exact"),
            ("s4r4h_and3rs0n", "sarah_anderson", "skeleton"),
            ("xX_DarkAngel_Xx", "darkangel", "skeleton"),
            ("ѕаrаh", "sarah", "skeleton"),
            ("sarahhhh", "sarah", "skeleton"),
            ("dark.angel99", "darkangel99", "skeleton"),
            ("darkangel", "dark_angel_99", "skeleton_plus_digits"),
            ("shadow98", "shadow99", "skeleton_but_digits"),
            ("sh4d0w_1998", "shadow_99", "skeleton_but_digits"),
            ("sarah_anderson", "sara_anderson", "jw>=0.94"),
            ("darkangel", "darkangle", "jw>=0.94"),
            ("jsmith", "jsmyth", "jw>=0.88"),
            ("1234", "5678", "different"),
            ("sarah", "bob", "different"),
            ("shadow", "darkangel", "different"),
        ] {
            assert_eq!(level_of(a, b), expected, "{a} / {b}");
            assert_eq!(level_of(b, a), expected, "{b} / {a}");
        }
    }

    #[test]
    fn levels_name_every_outcome() {
        assert_eq!(LEVELS.first(), Some(&"exact"));
        assert_eq!(LEVELS.last(), Some(&"different"));
        assert_eq!(4 + JW_BANDS.len(), LEVELS.len() - 1);
    }

    proptest! {
        #[test]
        fn levels_are_symmetric_and_deterministic(
            a in any::<String>(), b in any::<String>(),
            c in "[xX_.0-9a-e]{0,10}", d in "[xX_.0-9a-e]{0,10}",
        ) {
            for (a, b) in [(&a, &b), (&c, &d), (&a, &c)] {
                let level = level(a, b);
                prop_assert!(level < LEVELS.len());
                prop_assert_eq!(level, super::level(b, a));
                prop_assert_eq!(level, super::level(a, b));
            }
        }
    }
}
