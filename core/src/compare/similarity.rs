//! Jaro–Winkler similarity with a cheap bound first: most candidate pairs'
//! values share too few characters to reach a band, and telling so from two
//! character counts costs far less than Jaro's matching (which was a sixth
//! of a run's time).
//!
//! The bound: Jaro is `(m/|a| + m/|b| + (m - t)/m) / 3` for `m` matching
//! characters and `t` half-transpositions, and `m` is at most the number of
//! characters the two have in common (as multisets), so Jaro is at most
//! `(c/|a| + c/|b| + 1) / 3` for that count `c`. Winkler's prefix bonus adds
//! at most `0.4 * (1 - jaro)`, so Jaro–Winkler is at most `0.4 + 0.6 *
//! bound`; it adds `0.1 * l * (1 - jaro)` for a common prefix of `l` (at
//! most four) characters, so the bound takes the prefix the two really
//! share. Only when that can reach the wanted similarity is strsim called,
//! so every result is strsim's.

/// The Jaro–Winkler similarity of `a` and `b` when it may be at least
/// `at_least`; `None` when it is certainly below.
///
/// ```
/// use sleuth_core::compare::similarity::jaro_winkler_reaching;
/// assert_eq!(jaro_winkler_reaching("martha", "marhta", 0.9), Some(strsim::jaro_winkler("martha", "marhta")));
/// assert_eq!(jaro_winkler_reaching("sarah", "johnsmith", 0.88), None);
/// ```
pub fn jaro_winkler_reaching(a: &str, b: &str, at_least: f64) -> Option<f64> {
    if let Some(bound) = jaro_winkler_bound(a, b, at_least)
        && bound < at_least - 1e-9
    {
        return None;
    }
    Some(strsim::jaro_winkler(a, b))
}

/// The first band (index into `bands`, descending) that the Jaro–Winkler
/// similarity of `a` and `b` reaches. The arguments are put in order first:
/// Jaro's greedy matching and float sums need not be symmetric.
pub(crate) fn jaro_winkler_band(a: &str, b: &str, bands: &[f64]) -> Option<usize> {
    let (x, y) = if a <= b { (a, b) } else { (b, a) };
    let similarity = jaro_winkler_reaching(x, y, *bands.last()?)?;
    bands.iter().position(|&t| similarity >= t)
}

/// An upper bound of the Jaro–Winkler similarity of two ASCII strings;
/// `None` for other strings, or when `a` passes 255 bytes (no bound is
/// computed). Lengths alone bound the
/// common characters by the shorter length, which already rules out most
/// pairs of a name's handles and a username; only the others are counted.
fn jaro_winkler_bound(a: &str, b: &str, at_least: f64) -> Option<f64> {
    if !a.is_ascii() || !b.is_ascii() || a.is_empty() || b.is_empty() {
        return None;
    }
    // Winkler's bonus, 0.1 per character of the common prefix (up to four),
    // grows with Jaro: at Jaro's bound it is at its largest.
    let prefix = a.bytes().zip(b.bytes()).take(4).take_while(|(x, y)| x == y).count() as f64;
    let bound = |common: usize| {
        let c = common as f64;
        let jaro = ((c / a.len() as f64 + c / b.len() as f64 + 1.0) / 3.0).min(1.0);
        jaro + 0.1 * prefix * (1.0 - jaro)
    };
    let by_length = bound(a.len().min(b.len()));
    if by_length < at_least - 1e-9 {
        return Some(by_length);
    }
    // A byte's count in `a` fits a byte: the bound is for short values.
    if a.len() > usize::from(u8::MAX) {
        return None;
    }
    let mut counts = [0u8; 128];
    for byte in a.bytes() {
        counts[byte as usize] += 1;
    }
    let mut common = 0;
    for byte in b.bytes() {
        let count = &mut counts[byte as usize];
        if *count > 0 {
            *count -= 1;
            common += 1;
        }
    }
    if common == 0 {
        return Some(0.0);
    }
    Some(bound(common))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_bound_never_hides_a_similarity(a in "[a-f0-9]{0,12}", b in "[a-f0-9]{0,12}", t in 0.5f64..1.0) {
            let similarity = strsim::jaro_winkler(&a, &b);
            match jaro_winkler_reaching(&a, &b, t) {
                Some(s) => prop_assert_eq!(s, similarity),
                None => prop_assert!(similarity < t, "{} / {}: {} >= {}", a, b, similarity, t),
            }
        }

        #[test]
        fn the_bound_never_hides_a_similarity_of_long_values(a in "a{250,300}b?", b in "a{250,300}", t in 0.9f64..1.0) {
            let similarity = strsim::jaro_winkler(&a, &b);
            match jaro_winkler_reaching(&a, &b, t) {
                Some(s) => prop_assert_eq!(s, similarity),
                None => prop_assert!(similarity < t, "{} / {}: {} >= {}", a.len(), b.len(), similarity, t),
            }
        }

        #[test]
        fn the_bound_never_hides_a_near_copy(
            a in "[a-e]{2,12}", at in any::<prop::sample::Index>(), c in "[a-e]", t in 0.8f64..1.0,
        ) {
            // `a` with one letter changed: near, often with its prefix.
            let at = at.index(a.len());
            let b = format!("{}{c}{}", &a[..at], &a[at + 1..]);
            let similarity = strsim::jaro_winkler(&a, &b);
            match jaro_winkler_reaching(&a, &b, t) {
                Some(s) => prop_assert_eq!(s, similarity),
                None => prop_assert!(similarity < t, "{} / {}: {} >= {}", a, b, similarity, t),
            }
        }

        #[test]
        fn other_text_is_left_to_strsim(a in "[a-cà-å]{1,8}", b in "[à-å]{1,8}") {
            prop_assert_eq!(jaro_winkler_reaching(&a, &b, 0.99), Some(strsim::jaro_winkler(&a, &b)));
        }
    }
}
