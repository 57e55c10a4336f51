//! Normalization of the `iban` kind: International Bank Account Numbers
//! (ISO 13616).
//!
//! An IBAN is printed in groups of four (`GB82 WEST 1234 5698 7654 32`), sometimes with dashes or
//! an `IBAN` label in front. The canonical form is the electronic one: no spaces or dashes, no
//! label, upper case (`GB82WEST12345698765432`). IBANs are case-insensitive and written upper case
//! by convention, so upper case is what an analyst expects to see in outputs, even though every
//! other kind is case-folded to lower case.
//!
//! A value is read as an IBAN when it has the shape of one: two letters (the country), two digits
//! (the check digits), then 11 to 30 letters or digits, 15 to 34 characters in all. Any other value
//! is not dropped: it keeps its [`baseline`] form and is compared as a string (a domestic account
//! number is still worth matching exactly).
//!
//! [`is_valid`] applies the ISO 7064 mod-97 check. It is a few lines of arithmetic over the digits,
//! written here rather than taken from a crate. The per-country lengths of the IBAN registry are
//! not checked: the registry changes, and mod-97 already catches almost every typing error.
//!
//! ```
//! use sleuth_core::normalize::iban;
//! let canonical = iban::normalize("IBAN gb82 west 1234 5698 7654 32").unwrap();
//! assert_eq!(canonical, "GB82WEST12345698765432");
//! assert!(iban::is_valid(&canonical));
//! ```

use crate::normalize::baseline;

/// The shortest IBAN (Norway's is 15 characters).
const MIN_LEN: usize = 15;
/// The longest IBAN that ISO 13616 allows.
const MAX_LEN: usize = 34;

/// The canonical form of an IBAN, or the baseline form of a value that is
/// not shaped like one; `None` for a blank value.
///
/// ```
/// use sleuth_core::normalize::iban::normalize;
/// assert_eq!(normalize("DE89-3704-0044-0532-0130-00").as_deref(), Some("DE89370400440532013000"));
/// assert_eq!(normalize("Sort code 12-34-56").as_deref(), Some("sort code 12-34-56"));
/// ```
pub fn normalize(raw: &str) -> Option<String> {
    // Read the IBAN from the baseline form, so that a value that is not an
    // IBAN returns the very text this reads again: normalizing is idempotent.
    let text = baseline::normalize(raw)?;
    Some(read(&text).unwrap_or(text))
}

/// The electronic form of the IBAN in `text` (baseline-normalized, so lower
/// case), or `None` when it is not shaped like one.
fn read(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|&c| c != ' ' && c != '-').collect::<String>().to_ascii_uppercase();
    let compact = compact.strip_prefix("IBAN").map_or(compact.as_str(), |rest| rest.strip_prefix(':').unwrap_or(rest));
    is_shaped(compact).then(|| compact.to_string())
}

/// Whether `s` has the shape of an electronic IBAN: country, check digits,
/// then letters and digits, 15 to 34 characters in all.
fn is_shaped(s: &str) -> bool {
    let b = s.as_bytes();
    (MIN_LEN..=MAX_LEN).contains(&b.len())
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b[4..].iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Whether a canonical value is a valid IBAN: shaped like one, check digits
/// between 02 and 98, and the number read with the first four characters
/// moved to the end (letters as 10–35) leaves 1 when divided by 97.
///
/// ```
/// use sleuth_core::normalize::iban::is_valid;
/// assert!(is_valid("GB82WEST12345698765432"));
/// assert!(!is_valid("GB82WEST12345698765433"));
/// ```
pub fn is_valid(canonical: &str) -> bool {
    if !is_shaped(canonical) {
        return false;
    }
    let check_digits = &canonical[2..4];
    if check_digits == "00" || check_digits == "01" || check_digits == "99" {
        return false;
    }
    let rearranged = canonical[4..].bytes().chain(canonical[..4].bytes());
    let remainder = rearranged.fold(0u32, |remainder, c| {
        if c.is_ascii_digit() {
            (remainder * 10 + u32::from(c - b'0')) % 97
        } else {
            // Shaped, so an upper-case letter: A = 10 … Z = 35, two digits.
            (remainder * 100 + u32::from(c - b'A') + 10) % 97
        }
    });
    remainder == 1
}

/// A problem with a canonical value worth reporting: `"fails the IBAN mod-97
/// check"` for a value shaped like an IBAN that fails the check; `None`
/// otherwise (a value that is not shaped like an IBAN may be a domestic
/// account number, and is not flagged).
pub fn flag(canonical: &str) -> Option<&'static str> {
    (is_shaped(canonical) && !is_valid(canonical)).then_some("fails the IBAN mod-97 check")
}

/// The families [`blocking_keys`] names its keys by, every one it can emit.
pub const KEY_FAMILIES: &[&str] = &["iban"];

/// Emits the blocking key of a canonical value as `(family, key)`: family
/// `iban`, the canonical value itself (for any value: an account number that
/// is not an IBAN is still an exact key).
pub fn blocking_keys(canonical: &str, emit: &mut dyn FnMut(&str, &str)) {
    if !canonical.is_empty() {
        emit("iban", canonical);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalizes_printed_forms_to_the_electronic_one() {
        for (raw, canonical) in [
            ("GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"),
            ("gb82 west 1234 5698 7654 32", "GB82WEST12345698765432"),
            ("IBAN GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"),
            ("IBAN: GB82WEST12345698765432", "GB82WEST12345698765432"),
            ("  GB82-WEST-1234-5698-7654-32 ", "GB82WEST12345698765432"),
            ("ＧＢ８２ＷＥＳＴ１２３４５６９８７６５４３２", "GB82WEST12345698765432"),
            ("NO93 8601 1117 947", "NO9386011117947"),
            ("MT84 MALT 0110 0001 2345 MTLC AST0 01S", "MT84MALT011000012345MTLCAST001S"),
            // A typo keeps the IBAN shape: normalized, then flagged.
            ("GB82 WEST 1234 5698 7654 33", "GB82WEST12345698765433"),
            // Not shaped like an IBAN: baseline text.
            ("Sort code 12-34-56, account 12345678", "sort code 12-34-56, account 12345678"),
            ("GB82 WEST", "gb82 west"),
            ("GBXX WEST 1234 5698 7654 32", "gbxx west 1234 5698 7654 32"),
            ("GB82 WEST 1234 5698 7654 32 / ref", "gb82 west 1234 5698 7654 32 / ref"),
        ] {
            assert_eq!(normalize(raw).as_deref(), Some(canonical), "{raw}");
        }
        assert_eq!(normalize(" "), None);
    }

    #[test]
    fn mod_97_accepts_real_ibans_and_rejects_changes() {
        for valid in [
            "GB82WEST12345698765432",
            "DE89370400440532013000",
            "FR1420041010050500013M02606",
            "NO9386011117947",
            "MT84MALT011000012345MTLCAST001S",
            "LC55HEMM000100010012001200023015",
        ] {
            assert!(is_valid(valid), "{valid}");
            assert_eq!(flag(valid), None, "{valid}");
        }
        for invalid in [
            "GB82WEST12345698765433",
            "GB82WEST12345698765423",
            "GB28WEST12345698765432",
            "DE89370400440532013001",
            "GB82WEST1234",
            "gb82west12345698765432",
        ] {
            assert!(!is_valid(invalid), "{invalid}");
        }
        assert_eq!(flag("GB82WEST12345698765433"), Some("fails the IBAN mod-97 check"));
        assert_eq!(flag("sort code 12-34-56"), None);
    }

    #[test]
    fn blocking_key_is_the_canonical_value() {
        let mut keys = Vec::new();
        blocking_keys("GB82WEST12345698765432", &mut |family, key| keys.push(format!("{family}={key}")));
        assert_eq!(keys, ["iban=GB82WEST12345698765432"]);
    }

    proptest! {
        #[test]
        fn normalizing_twice_equals_once(raw in any::<String>()) {
            let once = normalize(&raw);
            prop_assert_eq!(once.as_deref().and_then(normalize), once.clone());
            if let Some(canonical) = &once {
                let _ = flag(canonical);
            }
        }

        #[test]
        fn iban_like_input_normalizes_twice_equals_once(raw in "(IBAN:? ?)?[A-Za-z]{2}[0-9]{2}[ A-Za-z0-9-]{8,34}") {
            let once = normalize(&raw);
            prop_assert_eq!(once.as_deref().and_then(normalize), once.clone());
        }
    }
}
