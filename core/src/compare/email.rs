//! Comparison of the `email` kind: agreement levels of two canonical
//! addresses (see [`crate::normalize::email`]).
//!
//! Levels, best first ([`LEVELS`]):
//! - `exact`: the canonical addresses are equal (so `s.a.r.a.h+shop@googlemail.com`
//!   and `sarah@gmail.com` already are);
//! - `local_domain_typo`: same local part, and the domains are one edit apart
//!   (`acme.co` / `acme.com`), or one is a [likely typo] of the other, or both
//!   are typos of one provider (`john@gmial.com` / `john@gmail.com`,
//!   `john@hotmal.con` / `john@hotmail.com`);
//! - `local_other_domain`: same local part at another domain — the same handle
//!   at another provider (`sarah.anderson@yahoo.com` / `sarah.anderson@outlook.com`);
//! - `local_skeleton`: the local parts' [username skeletons] are equal
//!   (`sarah.anderson@gmail.com` / `sarah_anderson@yahoo.com`);
//! - `local_skeleton_but_digits`: their stems agree, their digit suffixes do
//!   not (`shadow98@…` / `shadow@…`, `shadow99@…`);
//! - `jw>=0.94`, `jw>=0.88`: Jaro–Winkler similarity of the local skeletons;
//! - `different`.
//!
//! Role mailboxes (`info`, `admin`, `sales`, …) are shared by whoever works
//! somewhere: the same role at two unrelated domains is no evidence, so it is
//! `different` (a typo of the domain still counts).
//!
//! An invalid address is compared as a string: `exact`, a Jaro–Winkler band
//! of the whole texts, or `different`.
//!
//! [likely typo]: crate::normalize::email::typo_of
//! [username skeletons]: crate::normalize::username::skeleton

use super::prepared::Value;
use super::similarity::jaro_winkler_band;
use super::username::stems_agree;
use crate::normalize::email::typo_of;

/// The level names, best first; the last is "different".
pub const LEVELS: &[&str] = &[
    "exact",
    "local_domain_typo",
    "local_other_domain",
    "local_skeleton",
    "local_skeleton_but_digits",
    "jw>=0.94",
    "jw>=0.88",
    "different",
];

/// The Jaro–Winkler bands, descending, and the level of the first.
const JW_BANDS: [f64; 2] = [0.94, 0.88];
const JW_LEVEL: usize = 5;

/// Local parts that name a function rather than a person.
const ROLES: &[&str] = &[
    "abuse",
    "admin",
    "administrator",
    "billing",
    "careers",
    "contact",
    "enquiries",
    "hello",
    "help",
    "hr",
    "info",
    "jobs",
    "mail",
    "marketing",
    "no-reply",
    "noreply",
    "office",
    "postmaster",
    "press",
    "privacy",
    "sales",
    "security",
    "support",
    "team",
    "webmaster",
];

/// The level (index into [`LEVELS`]) of two canonical addresses. Symmetric.
///
/// ```
/// use sleuth_core::compare::email::{level, LEVELS};
/// assert_eq!(LEVELS[level("john@gmial.com", "john@gmail.com")], "local_domain_typo");
/// assert_eq!(LEVELS[level("dark.angel99@yahoo.com", "darkangel99@gmail.com")], "local_skeleton");
/// ```
pub fn level(a: &str, b: &str) -> usize {
    level_of(Value::plain(a), Value::plain(b))
}

/// [`level`] of two values with their prepared forms.
pub fn level_of(a: Value, b: Value) -> usize {
    if a.text == b.text {
        return 0;
    }
    let different = LEVELS.len() - 1;
    let jw_level = |x: &str, y: &str| jaro_winkler_band(x, y, &JW_BANDS).map_or(different, |band| JW_LEVEL + band);
    let (Some((local_a, domain_a, skeleton_a)), Some((local_b, domain_b, skeleton_b))) = (a.email(), b.email()) else {
        return jw_level(a.text, b.text);
    };
    if local_a == local_b {
        return if typos_of_each_other(domain_a, domain_b) {
            1
        } else if ROLES.contains(&local_a) {
            different
        } else {
            2
        };
    }
    if skeleton_a == skeleton_b {
        3
    } else if stems_agree(&skeleton_a, &skeleton_b).is_some() {
        4
    } else {
        jw_level(&skeleton_a, &skeleton_b)
    }
}

/// Whether two different domains are one edit apart, or one is a likely typo
/// of the other, or both of one provider.
fn typos_of_each_other(a: &str, b: &str) -> bool {
    // Within one edit, an adjacent swap counting as one: optimal string
    // alignment agrees with Damerau–Levenshtein that far, without its table.
    if a.len().abs_diff(b.len()) <= 1 && strsim::osa_distance(a, b) <= 1 {
        return true;
    }
    match (typo_of(a), typo_of(b)) {
        (Some(x), Some(y)) => x == y,
        (Some(x), None) => x == b,
        (None, Some(y)) => y == a,
        (None, None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::email::normalize;
    use proptest::prelude::*;

    fn level_of(a: &str, b: &str) -> &'static str {
        LEVELS[level(&normalize(a).unwrap(), &normalize(b).unwrap())]
    }

    #[test]
    fn levels_of_real_looking_pairs() {
        for (a, b, expected) in [
            ("s.a.r.a.h+shop@googlemail.com", "sarah@gmail.com", "exact"),
            ("Sarah <sarah@pm.me>", "sarah@proton.me", "exact"),
            ("john@gmial.com", "john@gmail.com", "local_domain_typo"),
            ("john@gmial.com", "john@gmal.com", "local_domain_typo"),
            ("john@hotmial.com", "john@hotmail.com", "local_domain_typo"),
            ("info@acme.co", "info@acme.com", "local_domain_typo"),
            ("sarah.anderson@yahoo.com", "sarah.anderson@outlook.com", "local_other_domain"),
            ("sarah@hotmail.com", "sarah@live.com", "local_other_domain"),
            ("info@acme.com", "info@globex.com", "different"),
            ("sarah.anderson@gmail.com", "sarah_anderson@yahoo.com", "local_skeleton"),
            ("dark.angel99@yahoo.com", "darkangel99@gmail.com", "local_skeleton"),
            ("s4r4h@example.org", "sarah@gmail.com", "local_skeleton"),
            ("shadow98@gmail.com", "shadow99@gmail.com", "local_skeleton_but_digits"),
            ("shadow@gmail.com", "shadow99@yahoo.com", "local_skeleton_but_digits"),
            ("sarah.anderson@gmail.com", "sara.anderson@yahoo.com", "jw>=0.94"),
            ("jsmith@gmail.com", "jsmyth@gmail.com", "jw>=0.88"),
            ("sarah@gmail.com", "bob@gmail.com", "different"),
            // Invalid addresses compare as strings.
            ("john@gmail", "john@gmail", "exact"),
            ("john@gmail", "john@gmail.com", "jw>=0.94"),
            ("not an email", "sarah@gmail.com", "different"),
        ] {
            assert_eq!(level_of(a, b), expected, "{a} / {b}");
            assert_eq!(level_of(b, a), expected, "{b} / {a}");
        }
    }

    #[test]
    fn levels_name_every_outcome() {
        assert_eq!(LEVELS.first(), Some(&"exact"));
        assert_eq!(LEVELS.last(), Some(&"different"));
        assert_eq!(JW_LEVEL + JW_BANDS.len(), LEVELS.len() - 1);
    }

    proptest! {
        #[test]
        fn levels_are_symmetric_and_deterministic(
            a in any::<String>(), b in any::<String>(),
            c in "[a-d.+0-9]{1,6}@(gmail|gmial|gmai|yahoo|hotmail|hotmial|acme)\\.(com|co)",
            d in "[a-d.+0-9]{1,6}@(gmail|gmial|gmai|yahoo|hotmail|hotmial|acme)\\.(com|co)",
        ) {
            let (c, d) = (normalize(&c).unwrap(), normalize(&d).unwrap());
            for (a, b) in [(&a, &b), (&c, &d), (&a, &c)] {
                let level = level(a, b);
                prop_assert!(level < LEVELS.len());
                prop_assert_eq!(level, super::level(b, a));
                prop_assert_eq!(level, super::level(a, b));
            }
        }
    }
}
