//! Comparison of the `name` kind, on values in the canonical form of
//! [`normalize::name`](crate::normalize::name) (lower case, no diacritics,
//! `first … last` order, words joined by one space).
//!
//! Levels, best first:
//! - `exact`: the same words in the same order;
//! - `reordered`: the same words in another order (`smith john`);
//! - `nickname_or_initial`: the same name once nicknames and spelling variants
//!   are resolved ([`canonical_given`]) and initials stand for words
//!   (`bob smith` ~ `robert smith`, `j smith` ~ `john smith`). The first and
//!   last words must agree; the longer name may have middle words the other
//!   lacks (`john q smith` ~ `john smith`), but two different middle words
//!   disagree (`john a smith` ≁ `john b smith`); at least one pair of agreeing
//!   words must be whole words, not initials. Names that differ only in where
//!   words break are here too (`mohammed al sayed` ~ `mohamed alsayed`,
//!   `mary-jane` ~ `mary jane`, `o'brien` ~ `obrien`);
//! - `phonetic`: the same sounds ([`phonetic`] of each word, nicknames
//!   resolved), in any order (`jon smyth` ~ `john smith`);
//! - `jw>=0.92`, `jw>=0.85`: Jaro–Winkler similarity of the words sorted and
//!   joined (so word order does not matter);
//! - `one_token`: one name is a single word, and the other has it (or a
//!   nickname of it) among its words (`wei` against `wei rivera`, `bob`
//!   against `robert rivera`): weak, as a first name alone is;
//! - `different`.

use super::prepared::{NAME_SOUNDS, Value};
use super::similarity::jaro_winkler_band;
use crate::normalize::name::{canonical_given, phonetic, tokens};

/// The labels of the levels [`level`] gives, best first.
pub const LEVELS: &[&str] =
    &["exact", "reordered", "nickname_or_initial", "phonetic", "jw>=0.92", "jw>=0.85", "one_token", "different"];

const EXACT: usize = 0;
const REORDERED: usize = 1;
const NICKNAME_OR_INITIAL: usize = 2;
const PHONETIC: usize = 3;
const JW_HIGH: usize = 4;
const JW_LOW: usize = 5;
const ONE_TOKEN: usize = 6;
const DIFFERENT: usize = 7;

const JW_THRESHOLDS: [f64; 2] = [0.92, 0.85];

/// The agreement level (an index into [`LEVELS`]) of two canonical names.
///
/// ```
/// use sleuth_core::compare::name::{level, LEVELS};
/// assert_eq!(LEVELS[level("robert smith", "bob smith")], "nickname_or_initial");
/// assert_eq!(LEVELS[level("john smith", "jon smyth")], "phonetic");
/// assert_eq!(LEVELS[level("wei", "wei rivera")], "one_token");
/// ```
pub fn level(a: &str, b: &str) -> usize {
    level_of(Value::plain(a), Value::plain(b))
}

/// [`level`] of two values with their prepared forms.
pub fn level_of(value_a: Value, value_b: Value) -> usize {
    if value_a.text == value_b.text {
        return EXACT;
    }
    let (a, b) = (tokens(value_a.text), tokens(value_b.text));
    if a.is_empty() || b.is_empty() {
        return DIFFERENT;
    }
    let (sorted_a, sorted_b) = (sorted(&a), sorted(&b));
    if sorted_a == sorted_b {
        return REORDERED;
    }
    if same_after_nicknames_and_initials(&a, &b) || squashed(&a) == squashed(&b) {
        return NICKNAME_OR_INITIAL;
    }
    if value_a.name_forms().of(NAME_SOUNDS) == value_b.name_forms().of(NAME_SOUNDS) {
        return PHONETIC;
    }
    if let Some(band) = jaro_winkler_band(&sorted_a.join(" "), &sorted_b.join(" "), &JW_THRESHOLDS) {
        return [JW_HIGH, JW_LOW][band];
    }
    let within = |one: &[&str], many: &[&str]| {
        one.len() == 1 && many.iter().any(|word| canonical_given(word) == canonical_given(one[0]))
    };
    if within(&a, &b) || within(&b, &a) {
        return ONE_TOKEN;
    }
    DIFFERENT
}

fn sorted<'a>(words: &[&'a str]) -> Vec<&'a str> {
    let mut words = words.to_vec();
    words.sort_unstable();
    words
}

/// The letters of the words without the breaks between or inside them
/// (`al sayed`, `al-sayed` and `alsayed` are one name), the first word's
/// nickname resolved (only there: the later words are mostly surnames and
/// particles, where a nickname would match by chance).
fn squashed(words: &[&str]) -> String {
    let first = words.first().map(|word| canonical_given(word));
    first
        .into_iter()
        .chain(words.iter().skip(1).copied())
        .flat_map(str::chars)
        .filter(|c| !matches!(c, '-' | '\''))
        .collect()
}

/// The sorted sounds of a canonical name's words, nicknames resolved.
pub(crate) fn sounds_of(name: &str) -> Vec<String> {
    sounds(&tokens(name))
}

/// The sorted sounds of the words, nicknames resolved.
fn sounds(words: &[&str]) -> Vec<String> {
    let mut sounds: Vec<String> = words.iter().map(|word| phonetic(canonical_given(word))).collect();
    sounds.sort_unstable();
    sounds
}

/// Whether two names agree word by word, in order, once nicknames are resolved
/// and initials stand for words; see the module's rules.
fn same_after_nicknames_and_initials(a: &[&str], b: &[&str]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let pairs: Vec<(&str, &str)> = if short.len() == long.len() {
        short.iter().copied().zip(long.iter().copied()).collect()
    } else if short.len() < 2 {
        return false;
    } else {
        // First and last words pair up; the short name's middle words pair with
        // some of the long one's, in order (the earliest match is always safe).
        let mut pairs = vec![(short[0], long[0]), (short[short.len() - 1], long[long.len() - 1])];
        let mut rest = long[1..long.len() - 1].iter().copied();
        for &word in &short[1..short.len() - 1] {
            let Some(other) = rest.find(|&other| agree(word, other)) else { return false };
            pairs.push((word, other));
        }
        pairs
    };
    pairs.iter().all(|&(x, y)| agree(x, y)) && pairs.iter().any(|&(x, y)| !is_initial(x) && !is_initial(y))
}

/// Whether two words can name the same person: equal after nicknames, or one
/// an initial of the other (or of the name it is a nickname of).
fn agree(x: &str, y: &str) -> bool {
    let stands_for = |initial: &str, word: &str| {
        is_initial(initial) && (word.starts_with(initial) || canonical_given(word).starts_with(initial))
    };
    x == y || canonical_given(x) == canonical_given(y) || stands_for(x, y) || stands_for(y, x)
}

fn is_initial(word: &str) -> bool {
    word.chars().nth(1).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::name::normalize;
    use proptest::prelude::*;

    fn level_of_raw(a: &str, b: &str) -> &'static str {
        LEVELS[level(&normalize(a).unwrap(), &normalize(b).unwrap())]
    }

    #[test]
    fn levels_follow_the_kind_of_disagreement() {
        let cases = [
            ("anna rodriguez", "ANNA RODRIGUEZ", "exact"),
            ("Rodriguez, Anna", "anna rodriguez", "exact"),
            ("Dr. Anna Rodríguez", "anna rodriguez", "exact"),
            ("john smith", "john smith", "exact"),
            ("smith john", "john smith", "reordered"),
            ("anna maria rodriguez", "maria anna rodriguez", "reordered"),
            ("bob smith", "robert smith", "nickname_or_initial"),
            ("Bill Gates", "William Gates", "nickname_or_initial"),
            ("liz taylor", "elizabeth taylor", "nickname_or_initial"),
            ("sasha petrov", "alexander petrov", "nickname_or_initial"),
            ("j smith", "john smith", "nickname_or_initial"),
            ("J. Smith", "Bob Smith", "different"),
            ("r smith", "bob smith", "nickname_or_initial"),
            ("john q smith", "john smith", "nickname_or_initial"),
            ("john quincy smith", "john smith", "nickname_or_initial"),
            ("john q smith", "john quincy smith", "nickname_or_initial"),
            ("bob q smith", "robert smith", "nickname_or_initial"),
            ("bob", "robert", "nickname_or_initial"),
            ("john smith", "jon smyth", "phonetic"),
            ("bobby smyth", "robert smith", "phonetic"),
            ("catherine zeta", "kathryn zeta", "nickname_or_initial"),
            ("Mohammed Al Sayed", "Mohamed Alsayed", "nickname_or_initial"),
            ("mary-jane o'brien", "mary jane obrien", "nickname_or_initial"),
            ("john a smith", "john b smith", "jw>=0.92"),
            ("anna rodriguez", "ana rodrigez", "jw>=0.92"),
            ("thomas muller", "tomas mueller", "phonetic"),
            ("maria garcia", "mario garcia", "phonetic"),
            ("martha jones", "marhta jones", "jw>=0.92"),
            ("jonathan smith", "johnathan smithe", "phonetic"),
            ("dwayne dixon", "duane dickson", "phonetic"),
            ("lucas martin", "luca martini", "jw>=0.92"),
            ("sofia petrova", "sonia petrov", "jw>=0.85"),
            ("emma wilson", "emily wilson", "different"),
            ("wei", "wei rivera", "one_token"),
            ("bob", "robert rivera", "one_token"),
            ("j s", "john smith", "different"),
            ("wei", "li rivera", "different"),
            ("john smith", "mary jones", "different"),
            ("anna rodriguez", "maria gonzalez", "different"),
        ];
        for (a, b, expected) in cases {
            assert_eq!(level_of_raw(a, b), expected, "{a} vs {b}");
            assert_eq!(level_of_raw(b, a), expected, "{b} vs {a}");
        }
        assert_eq!(LEVELS.last(), Some(&"different"));
        assert_eq!(LEVELS[level("", "john")], "different");
    }

    proptest! {
        #[test]
        fn levels_are_symmetric_and_deterministic(
            a in "([a-e]{1,4} ?){0,4}|\\PC{0,12}",
            b in "([a-e]{1,4} ?){0,4}|\\PC{0,12}",
        ) {
            let level_ab = level(&a, &b);
            prop_assert!(level_ab < LEVELS.len());
            prop_assert_eq!(level_ab, level(&b, &a));
            prop_assert_eq!(level_ab, level(&a, &b));
        }

        #[test]
        fn levels_of_canonical_names_are_symmetric(a in "\\PC{0,16}", b in "\\PC{0,16}") {
            if let (Some(a), Some(b)) = (normalize(&a), normalize(&b)) {
                prop_assert_eq!(level(&a, &b), level(&b, &a));
            }
        }
    }
}
