//! Comparison of the `card` kind: how far two card numbers, full or masked,
//! can be the same card.
//!
//! Works on the canonical forms of [`normalize::card`](crate::normalize::card):
//! one digit or `*` per position. Two numbers are lined up position by
//! position; a revealed digit on one side that differs from a revealed digit
//! on the other, or a different length, is a conflict. Otherwise the level
//! says how much the two reveal in common:
//!
//! | level        | when                                                                 |
//! |--------------|----------------------------------------------------------------------|
//! | `exact`      | the same full number                                                 |
//! | `consistent` | no digit disagrees; both reveal the first six and the last four      |
//! | `last4_only` | no digit disagrees; both reveal the last four, not both the first six |
//! | `compatible` | no digit disagrees, but they do not both reveal the last four         |
//! | `conflict`   | a digit or the length disagrees                                      |
//!
//! `compatible` exists because `411111**********` and `************1111` (or
//! two numbers that only share an issuer) neither contradict nor support each
//! other; scoring learns how little that is worth. Two equal *masked* values
//! are `consistent` or weaker, never `exact`: the same mask of two different
//! cards looks the same. Values that are not card numbers are `exact` when
//! equal and `conflict` otherwise.
//!
//! ```
//! use sleuth_core::compare::card::{level, LEVELS};
//! assert_eq!(LEVELS[level("411111******1111", "4111111111111111")], "consistent");
//! assert_eq!(LEVELS[level("411111******1111", "552000******1111")], "conflict");
//! ```

use crate::normalize::card::{Card, parse};

/// The level names, best first; the last is the conflict level.
pub const LEVELS: &[&str] = &["exact", "consistent", "last4_only", "compatible", "conflict"];

/// Index in [`LEVELS`] of the same full number.
pub const EXACT: usize = 0;
/// Index in [`LEVELS`] of agreeing first six and last four digits.
pub const CONSISTENT: usize = 1;
/// Index in [`LEVELS`] of agreeing last four digits only.
pub const LAST4_ONLY: usize = 2;
/// Index in [`LEVELS`] of numbers that do not disagree but share no last four.
pub const COMPATIBLE: usize = 3;
/// Index in [`LEVELS`] of numbers that disagree.
pub const CONFLICT: usize = 4;

/// The level (index in [`LEVELS`]) of two canonical card values. Symmetric.
pub fn level(a: &str, b: &str) -> usize {
    let (Some(x), Some(y)) = (parse(a), parse(b)) else {
        return if a == b { EXACT } else { CONFLICT };
    };
    if !agree(&x, &y) {
        return CONFLICT;
    }
    if x.full.is_some() && y.full.is_some() {
        // Every position revealed on both sides, and all agree.
        return EXACT;
    }
    let both = |reveals: fn(&Card) -> bool| reveals(&x) && reveals(&y);
    let last4 = both(|c| c.last4.is_some());
    if last4 && both(|c| c.bin.is_some()) {
        CONSISTENT
    } else if last4 {
        LAST4_ONLY
    } else {
        COMPATIBLE
    }
}

/// Same length, and every position revealed on both sides holds the same digit.
fn agree(x: &Card, y: &Card) -> bool {
    x.length == y.length
        && x.positions
            .bytes()
            .zip(y.positions.bytes())
            .all(|(p, q)| p == q || !p.is_ascii_digit() || !q.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::card::normalize;
    use proptest::prelude::*;

    #[test]
    fn levels_follow_what_both_reveal() {
        for (a, b, expected) in [
            ("4111111111111111", "4111111111111111", "exact"),
            ("5500005555555559", "5500005555555559", "exact"),
            ("411111******1111", "4111 1111 1111 1111", "consistent"),
            ("411111******1111", "411111xxxxxx1111", "consistent"),
            ("4111 11** **** 1111", "411111******1111", "consistent"),
            ("************1111", "4111111111111111", "last4_only"),
            ("XXXX-XXXX-XXXX-1111", "************1111", "last4_only"),
            ("************1111", "411111******1111", "last4_only"),
            ("411111**********", "4111111111111111", "compatible"),
            ("411111**********", "************1111", "compatible"),
            ("411111******1111", "552000******1111", "conflict"),
            ("4111111111111111", "5500005555555559", "conflict"),
            ("4111111111111111", "4111111111111112", "conflict"),
            ("************1111", "************2222", "conflict"),
            ("***************1111", "************1111", "conflict"),
            ("4111111111111111", "411111111111111", "conflict"),
            ("4111112222221111", "411111******1111", "consistent"),
            ("visa ending 1111", "visa ending 1111", "exact"),
            ("visa ending 1111", "4111111111111111", "conflict"),
            ("visa ending 1111", "amex ending 1111", "conflict"),
        ] {
            let (a, b) = (normalize(a).unwrap(), normalize(b).unwrap());
            assert_eq!(LEVELS[level(&a, &b)], expected, "{a} vs {b}");
            assert_eq!(level(&b, &a), level(&a, &b), "{a} vs {b}");
        }
    }

    #[test]
    fn level_constants_name_the_levels() {
        for (index, name) in
            [(EXACT, "exact"), (CONSISTENT, "consistent"), (LAST4_ONLY, "last4_only"), (COMPATIBLE, "compatible")]
        {
            assert_eq!(LEVELS[index], name);
        }
        assert_eq!(CONFLICT, LEVELS.len() - 1);
    }

    /// A card number and two masks of it (bit `i` set: position `i` masked),
    /// so that generated pairs often agree and sometimes differ.
    fn masked_pair() -> impl Strategy<Value = (String, String)> {
        ("[0-9]{12,19}", "[0-9]{12,19}", any::<u32>(), any::<u32>(), any::<bool>()).prop_map(
            |(number, other, mask_a, mask_b, same)| {
                let mask = |digits: &str, bits: u32| -> String {
                    digits.chars().enumerate().map(|(i, c)| if bits >> i & 1 == 1 { '*' } else { c }).collect()
                };
                (mask(&number, mask_a), mask(if same { &number } else { &other }, mask_b))
            },
        )
    }

    proptest! {
        #[test]
        fn level_is_symmetric_and_deterministic((a, b) in masked_pair()) {
            let level_ab = level(&a, &b);
            prop_assert_eq!(level_ab, level(&b, &a));
            prop_assert_eq!(level_ab, level(&a, &b));
            prop_assert!(level_ab < LEVELS.len());
        }

        #[test]
        fn level_is_symmetric_on_any_text(a in any::<String>(), b in any::<String>()) {
            prop_assert_eq!(level(&a, &b), level(&b, &a));
            if parse(&a).is_none() {
                prop_assert_eq!(level(&a, &a), EXACT);
            }
        }
    }
}
