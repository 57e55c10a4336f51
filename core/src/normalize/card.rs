//! Normalization of the `card` kind: payment card numbers, full or masked.
//!
//! Sources show a card in many ways: `4111 1111 1111 1111`, `4111-1111-1111-1111`,
//! `411111******1111`, `XXXX-XXXX-XXXX-1111`, `•••• •••• •••• 1111`. The canonical form keeps one
//! character per position of the number: the digit where it is revealed, `*` where it is masked.
//! Separators (spaces, dashes, dots) are dropped and every mask character (`*`, `x`, `X`, `•`, `●`,
//! `#`) becomes `*`, so the examples above become `4111111111111111`, `411111******1111` and
//! `************1111`. Digits are read after Unicode NFKC, so full-width digits count.
//!
//! A value is a card when, so read, it has 12 to 19 positions (ISO/IEC 7812 numbers are 12–19
//! digits long) and reveals at least one digit. Anything else (letters, too short, too long, only
//! masks) is not dropped: it keeps its [`baseline`] form, is compared as a string and is flagged
//! "not a card number".
//!
//! A full number is checked with the Luhn algorithm. It is a few lines of arithmetic, written here
//! rather than taken from a crate: the dependency would cost more to review than the code.
//!
//! Blocking keys let a full number meet the masked forms of itself:
//!
//! | family      | key                 | emitted when                                   |
//! |-------------|---------------------|------------------------------------------------|
//! | `bin_last4` | `411111*1111`       | the first six and the last four are revealed   |
//! | `last4_len` | `1111/16`           | the last four are revealed but not the first six |
//!
//! A full number has no key of its own: it would make a subset of its
//! `bin_last4` block (at a million records 0.3M of the index's 3.5M terms,
//! for no pair). Two records showing one full number are compared as such.
//!
//! `last4_len` is weak (one card in ten thousand of a given length shares it); blocking damps and
//! caps such keys by block size.
//!
//! ```
//! use sleuth_core::normalize::card;
//! assert_eq!(card::normalize("XXXX-XXXX-XXXX-1111").as_deref(), Some("************1111"));
//! let mut keys = Vec::new();
//! card::blocking_keys("4111111111111111", &mut |family, key| keys.push(format!("{family}={key}")));
//! assert_eq!(keys, ["bin_last4=411111*1111"]);
//! ```

use crate::normalize::baseline;

/// The fewest positions a card number has (ISO/IEC 7812).
const MIN_LEN: usize = 12;
/// The most positions a card number has (ISO/IEC 7812).
const MAX_LEN: usize = 19;
/// The canonical mask character.
const MASK: char = '*';

/// The canonical form of a card number, or the baseline form of a value
/// that is not one; `None` for a blank value.
///
/// ```
/// use sleuth_core::normalize::card::normalize;
/// assert_eq!(normalize("4111 1111 1111 1111").as_deref(), Some("4111111111111111"));
/// assert_eq!(normalize("411111xxxxxx1111").as_deref(), Some("411111******1111"));
/// assert_eq!(normalize("Visa ending 1111").as_deref(), Some("visa ending 1111"));
/// ```
pub fn normalize(raw: &str) -> Option<String> {
    // Read the card from the baseline form, so that a value that is not a
    // card returns the very text this reads again: normalizing is idempotent.
    let text = baseline::normalize(raw)?;
    Some(read(&text).unwrap_or(text))
}

/// The positions of a card number in `text` (baseline-normalized), or `None`
/// when it is not one.
fn read(text: &str) -> Option<String> {
    let mut positions = String::with_capacity(MAX_LEN);
    for c in text.chars() {
        match c {
            '0'..='9' => positions.push(c),
            // Baseline folded `X` to `x`.
            '*' | 'x' | '•' | '●' | '#' => positions.push(MASK),
            ' ' | '-' | '.' | '\u{2010}'..='\u{2014}' => {}
            _ => return None,
        }
        if positions.len() > MAX_LEN {
            return None;
        }
    }
    (positions.len() >= MIN_LEN && positions.bytes().any(|b| b.is_ascii_digit())).then_some(positions)
}

/// What a canonical card number reveals. Borrows from the canonical string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Card<'a> {
    /// The canonical form: one ASCII digit or `*` per position.
    pub positions: &'a str,
    /// How many positions the number has (12–19).
    pub length: usize,
    /// The issuer identification number (first six digits), when all six are revealed.
    pub bin: Option<&'a str>,
    /// The last four digits, when all four are revealed.
    pub last4: Option<&'a str>,
    /// The whole number, when no position is masked.
    pub full: Option<&'a str>,
}

/// The card a canonical value shows, or `None` when the value is not a card
/// number (as [`normalize`] decides).
///
/// ```
/// use sleuth_core::normalize::card::parse;
/// let card = parse("411111******1111").unwrap();
/// assert_eq!((card.length, card.bin, card.last4, card.full), (16, Some("411111"), Some("1111"), None));
/// assert!(parse("visa ending 1111").is_none());
/// ```
pub fn parse(canonical: &str) -> Option<Card<'_>> {
    let length = canonical.len();
    let well_formed = (MIN_LEN..=MAX_LEN).contains(&length)
        && canonical.bytes().all(|b| b.is_ascii_digit() || b == MASK as u8)
        && canonical.bytes().any(|b| b.is_ascii_digit());
    if !well_formed {
        return None;
    }
    // All bytes are ASCII, so these slices are on character boundaries.
    Some(Card {
        positions: canonical,
        length,
        bin: revealed(&canonical[..6]),
        last4: revealed(&canonical[length - 4..]),
        full: revealed(canonical),
    })
}

/// `part` when every position of it is revealed.
fn revealed(part: &str) -> Option<&str> {
    part.bytes().all(|b| b.is_ascii_digit()).then_some(part)
}

/// Whether `digits` (ASCII digits only) passes the Luhn check; `false` for
/// anything else, the empty string included.
///
/// ```
/// use sleuth_core::normalize::card::luhn_valid;
/// assert!(luhn_valid("4111111111111111"));
/// assert!(!luhn_valid("4111111111111112"));
/// ```
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A problem with a canonical value worth reporting: `"fails the Luhn check"`
/// for a full number that fails it, `"not a card number"` for a value that is
/// not a card; `None` otherwise (masked numbers cannot be checked).
pub fn flag(canonical: &str) -> Option<&'static str> {
    match parse(canonical) {
        None => Some("not a card number"),
        Some(Card { full: Some(number), .. }) if !luhn_valid(number) => Some("fails the Luhn check"),
        Some(_) => None,
    }
}

/// The families [`blocking_keys`] names its keys by, every one it can emit.
pub const KEY_FAMILIES: &[&str] = &["bin_last4", "last4_len"];

/// Emits the blocking keys of a canonical value as `(family, key)`: see the
/// [module documentation](self). A value that is not a card has none.
pub fn blocking_keys(canonical: &str, emit: &mut dyn FnMut(&str, &str)) {
    let Some(card) = parse(canonical) else { return };
    match (card.bin, card.last4) {
        (Some(bin), Some(last4)) => emit("bin_last4", &format!("{bin}*{last4}")),
        (None, Some(last4)) => emit("last4_len", &format!("{last4}/{}", card.length)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalizes_full_and_masked_numbers() {
        for (raw, canonical) in [
            ("4111 1111 1111 1111", "4111111111111111"),
            ("4111-1111-1111-1111", "4111111111111111"),
            ("4111.1111.1111.1111", "4111111111111111"),
            (" 5500 0055 5555 5559 ", "5500005555555559"),
            ("４１１１ １１１１ １１１１ １１１１", "4111111111111111"),
            ("411111******1111", "411111******1111"),
            ("411111xxxxxx1111", "411111******1111"),
            ("XXXX-XXXX-XXXX-1111", "************1111"),
            ("************1111", "************1111"),
            ("•••• •••• •••• 1111", "************1111"),
            ("#### #### #### 1111", "************1111"),
            ("3782 822463 10005", "378282246310005"),
            ("6011 0009 9013 9424 123", "6011000990139424123"),
            // Not cards: kept as baseline text.
            ("Visa ending 1111", "visa ending 1111"),
            ("4111 1111 111", "4111 1111 111"),
            ("4111 1111 1111 1111 1111", "4111 1111 1111 1111 1111"),
            ("XXXX-XXXX-XXXX-XXXX", "xxxx-xxxx-xxxx-xxxx"),
            ("4111/1111/1111/1111", "4111/1111/1111/1111"),
        ] {
            assert_eq!(normalize(raw).as_deref(), Some(canonical), "{raw}");
        }
        assert_eq!(normalize("  "), None);
    }

    #[test]
    fn parse_reveals_what_is_shown() {
        let full = parse("4111111111111111").unwrap();
        assert_eq!((full.bin, full.last4, full.full), (Some("411111"), Some("1111"), Some("4111111111111111")));
        let last4 = parse("************1111").unwrap();
        assert_eq!((last4.length, last4.bin, last4.last4, last4.full), (16, None, Some("1111"), None));
        let partial = parse("4111**********11").unwrap();
        assert_eq!((partial.bin, partial.last4), (None, None));
        for not_a_card in ["visa ending 1111", "41111111111", "41111111111111111111", "****************", ""] {
            assert_eq!(parse(not_a_card), None, "{not_a_card}");
        }
    }

    #[test]
    fn luhn_accepts_test_numbers_and_rejects_changes() {
        for valid in ["4111111111111111", "5500005555555559", "378282246310005", "6011111111111117", "0"] {
            assert!(luhn_valid(valid), "{valid}");
        }
        for invalid in ["4111111111111112", "5500005555555558", "4111111111111121", "", "4111-1111", "411111******1111"]
        {
            assert!(!luhn_valid(invalid), "{invalid}");
        }
    }

    #[test]
    fn flags_luhn_failures_and_non_cards() {
        for (canonical, expected) in [
            ("4111111111111111", None),
            ("5500005555555559", None),
            ("4111111111111112", Some("fails the Luhn check")),
            ("411111******1112", None),
            ("************1111", None),
            ("visa ending 1111", Some("not a card number")),
        ] {
            assert_eq!(flag(canonical), expected, "{canonical}");
        }
    }

    fn keys(canonical: &str) -> Vec<String> {
        let mut keys = Vec::new();
        blocking_keys(canonical, &mut |family, key| keys.push(format!("{family}={key}")));
        keys
    }

    #[test]
    fn blocking_keys_let_full_numbers_meet_masked_ones() {
        assert_eq!(keys("4111111111111111"), ["bin_last4=411111*1111"]);
        assert_eq!(keys("411111******1111"), ["bin_last4=411111*1111"]);
        assert_eq!(keys("************1111"), ["last4_len=1111/16"]);
        assert_eq!(keys("411111**********"), Vec::<String>::new());
        assert_eq!(keys("visa ending 1111"), Vec::<String>::new());
    }

    proptest! {
        #[test]
        fn normalizing_twice_equals_once(raw in any::<String>()) {
            let once = normalize(&raw);
            prop_assert_eq!(once.as_deref().and_then(normalize), once.clone());
            if let Some(canonical) = &once {
                let _ = flag(canonical);
                blocking_keys(canonical, &mut |_, _| {});
            }
        }

        #[test]
        fn card_like_input_normalizes_twice_equals_once(raw in "[0-9xX*•# .-]{0,24}") {
            let once = normalize(&raw);
            prop_assert_eq!(once.as_deref().and_then(normalize), once.clone());
        }
    }
}
