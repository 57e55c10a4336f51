//! Perturbations: the noise that makes one person's records differ between (and within)
//! sources. Each is a small function of a random stream and a value; [`Rates`] says how often
//! the record writers apply them. Harder perturbations belong here, next to these.

use rand::{Rng, RngExt};

/// How often each perturbation is applied, as a probability per record (or per field where
/// noted). The defaults are "moderate": most true matches stay findable by exact or
/// near-exact agreement on at least one identifier after NFKC and case folding.
#[derive(Debug, Clone, PartialEq)]
pub struct Rates {
    /// A one-character typo in a name or username.
    pub typo: f64,
    /// A changed (or added) trailing digit on a username or handle.
    pub trailing_digit: f64,
    /// A record uses an alternative email address of the person.
    pub alternative_email: f64,
    /// A record misses one of its optional fields.
    pub missing_field: f64,
    /// A case change, per field that can carry one.
    pub case_change: f64,
}

impl Default for Rates {
    fn default() -> Self {
        Self { typo: 0.10, trailing_digit: 0.05, alternative_email: 0.15, missing_field: 0.10, case_change: 0.08 }
    }
}

/// Neighbouring keys on a QWERTY keyboard, for substitution typos.
fn keyboard_neighbours(c: char) -> &'static str {
    match c.to_ascii_lowercase() {
        'q' => "wa",
        'w' => "qes",
        'e' => "wrd",
        'r' => "etf",
        't' => "ryg",
        'y' => "tuh",
        'u' => "yij",
        'i' => "uok",
        'o' => "ipl",
        'p' => "ol",
        'a' => "qsz",
        's' => "adw",
        'd' => "sfe",
        'f' => "dgr",
        'g' => "fht",
        'h' => "gjy",
        'j' => "hku",
        'k' => "jli",
        'l' => "ko",
        'z' => "xa",
        'x' => "zcs",
        'c' => "xvd",
        'v' => "cbf",
        'b' => "vng",
        'n' => "bmh",
        'm' => "nj",
        '0' => "9",
        '1' => "2",
        '2' => "13",
        '3' => "24",
        '4' => "35",
        '5' => "46",
        '6' => "57",
        '7' => "68",
        '8' => "79",
        '9' => "80",
        _ => "",
    }
}

/// A one-character typo: a neighbouring key substituted, a character dropped, a character
/// doubled, or two adjacent characters swapped. Values shorter than four characters are left
/// alone (a typo there would make a different value, not a misspelt one).
pub fn typo<R: Rng + ?Sized>(rng: &mut R, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if chars.len() < 4 {
        return s.to_owned();
    }
    // Keep the first character: people rarely misspell the start of a name.
    let at = rng.random_range(1..chars.len());
    match rng.random_range(0..4u32) {
        0 => {
            let neighbours: Vec<char> = keyboard_neighbours(chars[at]).chars().collect();
            if neighbours.is_empty() {
                chars.remove(at);
            } else {
                let mut sub = neighbours[rng.random_range(0..neighbours.len())];
                if chars[at].is_uppercase() {
                    sub = sub.to_ascii_uppercase();
                }
                chars[at] = sub;
            }
        }
        1 => {
            chars.remove(at);
        }
        2 => chars.insert(at, chars[at]),
        _ => {
            if at + 1 < chars.len() && chars[at] != chars[at + 1] {
                chars.swap(at, at + 1);
            } else {
                chars.swap(at - 1, at);
            }
        }
    }
    chars.into_iter().collect()
}

/// Changes the last digit of a trailing number (`wolf77` -> `wolf78`), or appends one digit
/// when there is none (`sarah_anderson` -> `sarah_anderson2`).
pub fn bump_trailing_digit<R: Rng + ?Sized>(rng: &mut R, s: &str) -> String {
    let mut out = s.to_owned();
    match out.chars().last() {
        Some(c) if c.is_ascii_digit() => {
            let old = c as u8 - b'0';
            let new = (old + rng.random_range(1..10u8)) % 10;
            out.pop();
            out.push((b'0' + new) as char);
        }
        _ => out.push((b'0' + rng.random_range(1..10u8)) as char),
    }
    out
}

/// A different capitalisation of the same value: upper case, title case on each word, or one
/// letter's case flipped.
pub fn change_case<R: Rng + ?Sized>(rng: &mut R, s: &str) -> String {
    match rng.random_range(0..3u32) {
        0 => s.to_uppercase(),
        1 => title_case(s),
        _ => {
            let letters: Vec<usize> = s.char_indices().filter(|(_, c)| c.is_alphabetic()).map(|(i, _)| i).collect();
            if letters.is_empty() {
                return s.to_owned();
            }
            let at = letters[rng.random_range(0..letters.len())];
            s.char_indices()
                .map(|(i, c)| {
                    if i != at {
                        c.to_string()
                    } else if c.is_uppercase() {
                        c.to_lowercase().to_string()
                    } else {
                        c.to_uppercase().to_string()
                    }
                })
                .collect()
        }
    }
}

/// Capitalises the first letter of every run of letters (`sarah_anderson` -> `Sarah_Anderson`).
pub fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut at_start = true;
    for c in s.chars() {
        if c.is_alphabetic() {
            if at_start {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            at_start = false;
        } else {
            out.push(c);
            at_start = true;
        }
    }
    out
}

/// Applies [`change_case`] with probability `p`.
pub fn maybe_change_case<R: Rng + ?Sized>(rng: &mut R, p: f64, s: String) -> String {
    if rng.random_bool(p) { change_case(rng, &s) } else { s }
}

/// Another address the same person could use: the same local part at another domain,
/// or the local part with a number appended.
pub fn alternative_email<R: Rng + ?Sized>(rng: &mut R, email: &str, other_domain: &str) -> String {
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    if domain != other_domain && rng.random_bool(0.6) {
        format!("{local}@{other_domain}")
    } else {
        format!("{local}{}@{domain}", rng.random_range(1..100u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, stream};

    fn edit_distance(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.iter().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, cb) in b.iter().enumerate() {
                cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    #[test]
    fn typos_are_small() {
        let mut rng = stream(7, Purpose::Forum, 0);
        for word in ["sarah_anderson", "Müller", "darkangel99", "Okafor"] {
            for _ in 0..200 {
                let t = typo(&mut rng, word);
                // A transposition is two edits in plain Levenshtein.
                assert!(edit_distance(word, &t) <= 2, "{word} -> {t}");
                assert_eq!(t.chars().next(), word.chars().next());
            }
        }
        assert_eq!(typo(&mut rng, "Li"), "Li");
    }

    #[test]
    fn trailing_digits() {
        let mut rng = stream(7, Purpose::Forum, 1);
        for _ in 0..100 {
            let s = bump_trailing_digit(&mut rng, "wolf77");
            assert!(s.starts_with("wolf7") && s != "wolf77" && s.len() == 6, "{s}");
            let s = bump_trailing_digit(&mut rng, "ghost");
            assert!(s.starts_with("ghost") && s.len() == 6, "{s}");
        }
    }

    #[test]
    fn case_changes_keep_the_letters() {
        let mut rng = stream(7, Purpose::Forum, 2);
        for _ in 0..100 {
            let s = change_case(&mut rng, "sarah.anderson");
            assert_eq!(s.to_lowercase(), "sarah.anderson");
        }
        assert_eq!(title_case("sarah_anderson"), "Sarah_Anderson");
    }
}
