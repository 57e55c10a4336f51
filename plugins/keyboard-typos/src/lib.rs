//! A Sleuth matcher plugin: two usernames one keyboard slip apart.
//!
//! People retype their handles and slip: `darkangel` becomes `darkangwl`
//! (`w` is next to `e` on a QWERTY keyboard) or `darkanegl` (two letters
//! swapped). A general string distance rates these like any other one-letter
//! difference, `darkangel` against `darkangem`, and common names differ by one
//! letter all the time; a slip to a neighbouring key is much more likely a
//! typo. Levels, strongest first:
//!
//! - `adjacent_key`: one letter replaced by a QWERTY neighbour (rule
//!   `qwerty-neighbour`);
//! - `swapped`: two neighbouring letters swapped (rule `transposition`);
//! - `different`: neither.
//!
//! Values are compared lower-cased, each of one record's against each of the
//! other's, taking the best; equal values are left to the built-in username
//! comparison (no opinion).

use sleuth_sdk::{Declaration, Matcher, Subject, Verdict};

/// The matcher.
pub struct KeyboardTypos;

const ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];

/// Whether letters `a` and `b` are neighbours on a QWERTY keyboard (same row
/// or the row above or below, at most one column apart, rows staggered).
/// Digits never are: `shadow98` and `shadow99` are different people's
/// numbers, not a slip.
fn neighbours(a: char, b: char) -> bool {
    if !a.is_ascii_alphabetic() || !b.is_ascii_alphabetic() {
        return false;
    }
    let find = |c: char| ROWS.iter().enumerate().find_map(|(r, row)| row.find(c).map(|col| (r as i32, col as i32)));
    match (find(a), find(b)) {
        (Some((ra, ca)), Some((rb, cb))) => {
            // Each row starts about half a key right of the row above.
            let (xa, xb) = (2 * ca + ra, 2 * cb + rb);
            a != b && (ra - rb).abs() <= 1 && (xa - xb).abs() <= 2
        }
        _ => false,
    }
}

/// The letters of `s`, lower-cased.
fn lower(s: &str) -> impl Iterator<Item = char> + Clone + '_ {
    s.chars().flat_map(char::to_lowercase)
}

/// The letters of an ASCII `s`, lower-cased: most handles, where
/// lower-casing is a byte's and needs no Unicode tables.
fn lower_ascii(s: &str) -> impl Iterator<Item = char> + Clone + '_ {
    s.bytes().map(|c| char::from(c.to_ascii_lowercase()))
}

/// The level of two values, compared lower-cased: 0 adjacent key, 1
/// swapped, 2 different; `None` when they are equal.
fn slip(a: &str, b: &str) -> Option<u8> {
    if a.is_ascii() && b.is_ascii() { slip_of(lower_ascii(a), lower_ascii(b)) } else { slip_of(lower(a), lower(b)) }
}

/// [`slip`] of two values' lower-cased letters, read without collecting
/// them (a host compares millions of pairs, most differing in length).
fn slip_of<I: Iterator<Item = char> + Clone>(a: I, b: I) -> Option<u8> {
    let length = a.clone().count();
    if length != b.clone().count() {
        return Some(2);
    }
    if a.clone().eq(b.clone()) {
        return None;
    }
    if length < 4 {
        return Some(2);
    }
    let mut differ = a.zip(b).enumerate().filter(|(_, (x, y))| x != y);
    match (differ.next(), differ.next(), differ.next()) {
        (Some((_, (x, y))), None, _) if neighbours(x, y) => Some(0),
        (Some((i, (x, y))), Some((j, (z, w))), None) if j == i + 1 && x == w && z == y => Some(1),
        _ => Some(2),
    }
}

impl Matcher for KeyboardTypos {
    fn declare() -> Declaration {
        Declaration {
            kinds: vec!["username".into()],
            levels: vec!["adjacent_key".into(), "swapped".into(), "different".into()],
            rules: vec!["qwerty-neighbour".into(), "transposition".into(), "no-slip".into()],
        }
    }

    fn compare(a: &Subject<'_>, b: &Subject<'_>) -> Verdict {
        let mut best: Option<u8> = None;
        for x in a.raw() {
            for y in b.raw() {
                let level = slip(x, y);
                if level.is_some() && (best.is_none() || level < best) {
                    best = level;
                }
            }
        }
        match best {
            Some(0) => Verdict::level(0, "qwerty-neighbour"),
            Some(1) => Verdict::level(1, "transposition"),
            Some(level) => Verdict::level(level, "no-slip"),
            None => Verdict::none(),
        }
    }
}

sleuth_sdk::export!(matcher: KeyboardTypos);

#[cfg(test)]
mod tests {
    use super::*;

    use sleuth_sdk::Subjects;

    /// The verdicts on `a` against `b` and `b` against `a`, each subject
    /// with these raw values and no normalized ones.
    fn verdicts(a: &[&str], b: &[&str]) -> (Verdict, Verdict) {
        let mut subjects = Subjects::default();
        let (a, b) = (subjects.push(a, &[]), subjects.push(b, &[]));
        let (a, b) = (subjects.get(a).unwrap(), subjects.get(b).unwrap());
        (KeyboardTypos::compare(&a, &b), KeyboardTypos::compare(&b, &a))
    }

    fn verdict(a: &str, b: &str) -> Verdict {
        verdicts(&[a], &[b]).0
    }

    #[test]
    fn slips_to_a_neighbouring_key_and_swaps() {
        assert_eq!(verdict("darkangel", "darkangwl"), Verdict::level(0, "qwerty-neighbour"));
        assert_eq!(verdict("DarkAngel", "darkangrl"), Verdict::level(0, "qwerty-neighbour"));
        assert_eq!(verdict("darkangel", "darkanegl"), Verdict::level(1, "transposition"));
    }

    #[test]
    fn other_differences_are_no_slip() {
        // `m` is not next to `l`; lengths differ; too short to judge.
        assert_eq!(verdict("darkangel", "darkangem"), Verdict::level(2, "no-slip"));
        assert_eq!(verdict("darkangel", "darkangel1"), Verdict::level(2, "no-slip"));
        assert_eq!(verdict("bob", "bib"), Verdict::level(2, "no-slip"));
        assert_eq!(verdict("shadow98", "shadow99"), Verdict::level(2, "no-slip"));
        assert_eq!(verdict("same", "SAME"), Verdict::none());
    }

    #[test]
    fn ascii_values_get_the_levels_letter_by_letter_comparison_gives() {
        let words = ["darkangel", "DarkAngwl", "darkanegl", "darkangem", "darkangel1", "bob", "BIB", "shadow98"];
        let slips = ["darkangrl", "dArkangel", "sahdow98", "shadow99", "shadpw98", "xyz", "Shadow98", ""];
        for a in words.iter().chain(&slips) {
            for b in words.iter().chain(&slips) {
                assert_eq!(slip_of(lower_ascii(a), lower_ascii(b)), slip_of(lower(a), lower(b)), "{a} / {b}");
            }
        }
    }

    #[test]
    fn the_best_pair_of_values_decides() {
        let (ab, ba) = verdicts(&["zzzz", "darkangel"], &["darkangwl", "qqqq"]);
        assert_eq!(ab.level, Some(0));
        assert_eq!(ba.level, Some(0));
    }
}
