//! Identity disguises: the ways one identifier is written so that plain string comparison
//! misses it, while an identifier-aware comparison (a username skeleton, a canonical address,
//! a masked card) still sees the same value. The `identity` profile applies them (see
//! [`crate::profile`]); each is a small function of a random stream and a value, and each
//! keeps what identifies the value: undoing it with a simple reference mapping gives the
//! input back.
//!
//! - [`leet`] (`sarah_anderson` -> `s4r4h_and3rs0n`)
//! - [`confusable`] (Latin letters replaced by Cyrillic look-alikes: `sаrah`, with U+0430)
//! - [`full_width`] (`ｄａｒｋａｎｇｅｌ９９`)
//! - [`decorate`] (`xX_darkangel99_Xx`, `darkangel99__`, or an existing `xX…Xx` taken off)
//! - [`change_separators`] (`dark_angel99` -> `dark.angel99`, `darkangel99` -> `dark_angel99`)
//! - [`gmail_variant`] (`sarah.anderson` -> `s.arahand.erson+shop` at `googlemail.com`)
//! - [`plus_tag`] (`sarah.anderson+news`: Outlook, iCloud, Proton, … deliver those too)
//! - [`typo_domain`] (`gmial.com`, `hotmial.com`, `yaho.com`, `gmail.co`)
//! - [`mask_card`] (`411111******1111`, `XXXX-XXXX-XXXX-1111`, `************1111`)

use rand::{Rng, RngExt};

use crate::names::HANDLE_WORDS;
use crate::values::{pick, pick_weighted};

/// Leetspeak: a letter and the characters written for it, the usual (a digit) first.
const LEET: &[(char, &[char])] = &[
    ('a', &['4', '@']),
    ('e', &['3']),
    ('i', &['1', '!']),
    ('o', &['0']),
    ('s', &['5', '$']),
    ('t', &['7']),
    ('b', &['8']),
    ('g', &['9']),
    ('z', &['2']),
];

/// The handle written in leetspeak: some kinds of letters (at least one) replaced by the digit
/// (now and then the symbol) that looks like them, in every or most of their occurrences.
/// Values without a letter that has a leet form are returned unchanged.
///
/// The choices depend only on the stream and the input, so a person who writes their handle
/// in leetspeak writes it the same way everywhere when given the same stream.
pub fn leet<R: Rng + ?Sized>(rng: &mut R, s: &str) -> String {
    let kind = |c: char| LEET.iter().position(|&(l, _)| l == c.to_ascii_lowercase());
    let mut chars: Vec<char> = s.chars().collect();
    let mut present: Vec<usize> = chars.iter().filter_map(|&c| kind(c)).collect();
    present.sort_unstable();
    present.dedup();
    if present.is_empty() {
        return s.to_owned();
    }
    // Which kinds of letters this writer replaces, and by what.
    let mut glyphs: Vec<Option<char>> = vec![None; LEET.len()];
    for &k in &present {
        if rng.random_bool(0.7) {
            let options = LEET[k].1;
            let symbol = options.len() > 1 && rng.random_bool(0.1);
            glyphs[k] = Some(options[usize::from(symbol)]);
        }
    }
    if glyphs.iter().all(Option::is_none) {
        let k = present[rng.random_range(0..present.len())];
        glyphs[k] = Some(LEET[k].1[0]);
    }
    // Every occurrence, or most of them.
    let every = rng.random_bool(0.6);
    let candidates: Vec<usize> =
        (0..chars.len()).filter(|&i| kind(chars[i]).is_some_and(|k| glyphs[k].is_some())).collect();
    let mut chosen: Vec<usize> = candidates.iter().copied().filter(|_| every || rng.random_bool(0.7)).collect();
    if chosen.is_empty() {
        chosen.push(candidates[0]);
    }
    for i in chosen {
        chars[i] = glyphs[kind(chars[i]).unwrap_or_default()].unwrap_or(chars[i]);
    }
    chars.into_iter().collect()
}

/// Latin letters and the Cyrillic letters that look the same in most fonts.
pub const CYRILLIC_LOOKALIKES: &[(char, char)] = &[
    ('a', '\u{0430}'),
    ('c', '\u{0441}'),
    ('e', '\u{0435}'),
    ('i', '\u{0456}'),
    ('j', '\u{0458}'),
    ('o', '\u{043E}'),
    ('p', '\u{0440}'),
    ('s', '\u{0455}'),
    ('x', '\u{0445}'),
    ('y', '\u{0443}'),
    ('A', '\u{0410}'),
    ('B', '\u{0412}'),
    ('C', '\u{0421}'),
    ('E', '\u{0415}'),
    ('H', '\u{041D}'),
    ('I', '\u{0406}'),
    ('J', '\u{0408}'),
    ('K', '\u{041A}'),
    ('M', '\u{041C}'),
    ('O', '\u{041E}'),
    ('P', '\u{0420}'),
    ('S', '\u{0405}'),
    ('T', '\u{0422}'),
    ('X', '\u{0425}'),
    ('Y', '\u{04AE}'),
];

/// The value with Latin letters replaced by Cyrillic look-alikes: usually one, sometimes two,
/// now and then every letter that has one. Values without such a letter are returned
/// unchanged.
pub fn confusable<R: Rng + ?Sized>(rng: &mut R, s: &str) -> String {
    let lookalike = |c: char| CYRILLIC_LOOKALIKES.iter().find(|&&(l, _)| l == c).map(|&(_, k)| k);
    let mut chars: Vec<char> = s.chars().collect();
    let mut candidates: Vec<usize> = (0..chars.len()).filter(|&i| lookalike(chars[i]).is_some()).collect();
    if candidates.is_empty() {
        return s.to_owned();
    }
    let count = match pick_weighted(rng, &[70, 20, 10]) {
        0 => 1,
        1 => 2,
        _ => candidates.len(),
    };
    for _ in 0..count.min(candidates.len()) {
        let i = candidates.swap_remove(rng.random_range(0..candidates.len()));
        chars[i] = lookalike(chars[i]).unwrap_or(chars[i]);
    }
    chars.into_iter().collect()
}

/// The value in full-width forms (`ａｂｃ１２３`, U+FF01–U+FF5E, spaces as U+3000), as typed
/// with an East Asian input method. NFKC folds it back. Characters outside printable ASCII
/// are kept.
pub fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c),
            ' ' => '\u{3000}',
            c => c,
        })
        .collect()
}

/// Wrappers people put around a handle to make it unique or fancy, with weights.
const DECORATIONS: &[(&str, &str, u32)] = &[
    ("xX_", "_Xx", 20),
    ("xX", "Xx", 14),
    ("x_", "_x", 8),
    ("_", "_", 12),
    ("", "__", 14),
    ("__", "", 8),
    ("", "_", 10),
    ("the_", "", 5),
    (".", ".", 4),
    ("~", "~", 5),
];

/// The handle inside an `xX…Xx` wrapper, if it has one (`xXghost7Xx` -> `ghost7`).
fn strip_xx(s: &str) -> Option<&str> {
    let lower = s.to_ascii_lowercase();
    if s.len() > 5 && s.is_ascii() && lower.starts_with("xx") && lower.ends_with("xx") {
        let inner = s[2..s.len() - 2].trim_matches(|c| matches!(c, '_' | '.' | '-'));
        (!inner.is_empty()).then_some(inner)
    } else {
        None
    }
}

/// The handle decorated (`xX_darkangel99_Xx`, `darkangel99__`, `_darkangel99_`, …), or, half
/// the time when it already has an `xX…Xx` wrapper, the handle without it.
pub fn decorate<R: Rng + ?Sized>(rng: &mut R, s: &str) -> String {
    if let Some(inner) = strip_xx(s)
        && rng.random_bool(0.5)
    {
        return inner.to_owned();
    }
    let weights: Vec<u32> = DECORATIONS.iter().map(|d| d.2).collect();
    let (before, after, _) = DECORATIONS[pick_weighted(rng, &weights)];
    format!("{before}{s}{after}")
}

/// First halves of compound handle words (`dark|angel`, `lone|wolf`), where people put a
/// separator.
const COMPOUND_HEADS: &[&str] = &[
    "dark", "night", "silent", "sky", "crazy", "blue", "iron", "black", "fire", "gold", "honey", "ice", "jelly",
    "king", "lone", "moon", "red", "snow", "star", "wild", "mid", "mad",
];

/// Separators that split the words of a handle.
const SEPARATORS: [char; 3] = ['_', '.', '-'];

/// Where a separator could go in `s` (ASCII, no separator yet): after or before one of the
/// `words` at least `min_len` long, keeping at least two characters on each side.
fn word_boundaries(s: &str, words: &[&str], min_len: usize) -> Vec<usize> {
    let lower = s.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut found = Vec::new();
    for word in words.iter().filter(|w| w.len() >= min_len) {
        for (at, _) in lower.match_indices(word) {
            let end = at + word.len();
            if at >= 2 && bytes[at - 1].is_ascii_alphanumeric() {
                found.push(at);
            }
            if end + 2 <= bytes.len() && bytes[end].is_ascii_alphabetic() {
                found.push(end);
            }
        }
    }
    found.retain(|&b| b >= 2 && b + 2 <= bytes.len());
    found.sort_unstable();
    found.dedup();
    found
}

/// The handle with its separators changed: every `_`, `.` or `-` replaced by another one or
/// dropped (`dark_angel99` -> `dark.angel99`, `darkangel99`); a handle without any gets one
/// at a word boundary (`sarahanderson85` -> `sarah.anderson85`, `darkangel99` ->
/// `dark_angel99`, `ghost77` -> `ghost_77`). `names` are the person's own name parts (ASCII,
/// lower case), the boundaries tried first. Returns the input when there is nowhere to put one.
pub fn change_separators<R: Rng + ?Sized>(rng: &mut R, s: &str, names: &[&str]) -> String {
    if let Some(current) = s.chars().find(|c| SEPARATORS.contains(c)) {
        let others: Vec<char> = SEPARATORS.iter().copied().filter(|&c| c != current).collect();
        return match pick_weighted(rng, &[60, 40]) {
            0 => {
                let to = others[rng.random_range(0..others.len())];
                s.chars().map(|c| if SEPARATORS.contains(&c) { to } else { c }).collect()
            }
            _ => s.chars().filter(|c| !SEPARATORS.contains(c)).collect(),
        };
    }
    if !s.is_ascii() {
        return s.to_owned();
    }
    let mut boundaries = word_boundaries(s, names, 3);
    if boundaries.is_empty() {
        let words: Vec<&str> = HANDLE_WORDS.iter().chain(COMPOUND_HEADS).copied().collect();
        boundaries = word_boundaries(s, &words, 4);
    }
    if boundaries.is_empty() {
        // Before a trailing number.
        let digits = s.bytes().rev().take_while(u8::is_ascii_digit).count();
        if digits > 0 && digits < s.len() {
            boundaries.push(s.len() - digits);
        }
    }
    if boundaries.is_empty() {
        return s.to_owned();
    }
    let at = boundaries[rng.random_range(0..boundaries.len())];
    let separator = SEPARATORS[pick_weighted(rng, &[50, 40, 10])];
    format!("{}{separator}{}", &s[..at], &s[at..])
}

/// Tags people add after a `+` in an address, to filter or to track who leaks it.
const PLUS_TAGS: &[&str] = &[
    "shop", "news", "spam", "forum", "amazon", "paypal", "games", "chat", "work", "promo", "2019", "2021", "x", "sub",
    "bills", "crypto", "ebay", "signup",
];

/// `local+tag`.
pub fn plus_tag<R: Rng + ?Sized>(rng: &mut R, local: &str) -> String {
    format!("{local}+{}", pick(rng, PLUS_TAGS))
}

/// The local part with its dots moved: all removed, one or two put elsewhere, or one after
/// every letter of a short name (`s.a.r.a.h`). Differs from the input unless that has fewer
/// than two characters.
fn redot<R: Rng + ?Sized>(rng: &mut R, local: &str) -> String {
    let plain: Vec<char> = local.chars().filter(|&c| c != '.').collect();
    let had_dots = plain.len() != local.chars().count();
    let out: String = match pick_weighted(rng, &[35, 45, 20]) {
        0 if had_dots => plain.iter().collect(),
        2 if plain.len() <= 10 => plain.iter().map(char::to_string).collect::<Vec<_>>().join("."),
        _ => {
            let mut at: Vec<usize> = (1..plain.len()).collect();
            let mut dots = Vec::new();
            for _ in 0..(1 + usize::from(rng.random_bool(0.3))).min(at.len()) {
                dots.push(at.swap_remove(rng.random_range(0..at.len())));
            }
            let mut out = String::with_capacity(local.len() + 2);
            for (i, &c) in plain.iter().enumerate() {
                if dots.contains(&i) {
                    out.push('.');
                }
                out.push(c);
            }
            out
        }
    };
    // The dots may have landed where they were.
    if out == local { plain.iter().collect() } else { out }
}

/// Another way of writing a Gmail address that reaches the same mailbox: dots moved, a
/// `+tag`, the `googlemail.com` domain, or a combination (`s.a.r.a.h+shop@googlemail.com`
/// for `sarah@gmail.com`). Returns the local part and the domain; never the input itself.
pub fn gmail_variant<R: Rng + ?Sized>(rng: &mut R, local: &str) -> (String, &'static str) {
    let dots = rng.random_bool(0.65);
    let mut tag = rng.random_bool(0.45);
    let googlemail = rng.random_bool(0.3);
    let mut out = if dots || !(tag || googlemail) { redot(rng, local) } else { local.to_owned() };
    if out == local && !googlemail {
        tag = true;
    }
    if tag {
        out = plus_tag(rng, &out);
    }
    (out, if googlemail { "googlemail.com" } else { "gmail.com" })
}

/// Providers that deliver `local+tag` to `local` (the Gmail family aside).
pub const PLUS_TAG_DOMAINS: &[&str] =
    &["outlook.com", "hotmail.com", "live.com", "icloud.com", "protonmail.com", "proton.me", "yandex.ru"];

/// Misspellings of the big providers' domains that people type when signing up.
const DOMAIN_TYPOS: &[(&str, &[&str])] = &[
    ("gmail.com", &["gmial.com", "gmal.com", "gmail.co", "gmail.con", "gmaill.com", "gnail.com", "gamil.com"]),
    ("hotmail.com", &["hotmial.com", "hotmal.com", "hotmail.co", "hotmil.com"]),
    ("yahoo.com", &["yaho.com", "yahooo.com", "yahoo.co", "yhoo.com"]),
    ("outlook.com", &["outlok.com", "outlook.co", "outlool.com"]),
    ("icloud.com", &["iclod.com", "icloud.co", "icoud.com"]),
    ("protonmail.com", &["protonmial.com", "protonmail.co"]),
];

/// A misspelling of `domain` (matched without regard to case), if it is one of the big
/// providers'.
pub fn typo_domain<R: Rng + ?Sized>(rng: &mut R, domain: &str) -> Option<&'static str> {
    let (_, typos) = DOMAIN_TYPOS.iter().find(|(d, _)| d.eq_ignore_ascii_case(domain))?;
    Some(pick(rng, typos))
}

/// The card number as receipts and back offices show it: only the BIN (first six digits)
/// and the last four, or only the last four (`411111******1111`, `4111 11** **** 1111`,
/// `411111xxxxxx1111`, `XXXX-XXXX-XXXX-1111`, `************1111`, `**** **** **** 1111`).
/// `number` is the plain digits, at least 11 of them.
pub fn mask_card<R: Rng + ?Sized>(rng: &mut R, number: &str) -> String {
    let n = number.len();
    debug_assert!(n >= 11 && number.bytes().all(|b| b.is_ascii_digit()), "{number}");
    let (bin, last4) = (&number[..6], &number[n - 4..]);
    let grouped = |s: &str, separator: &str| -> String {
        let groups: Vec<&str> = (0..s.len()).step_by(4).map(|i| &s[i..(i + 4).min(s.len())]).collect();
        groups.join(separator)
    };
    match pick_weighted(rng, &[35, 20, 20, 10, 8, 7]) {
        0 => format!("{bin}{}{last4}", "*".repeat(n - 10)),
        1 => grouped(&format!("{}{last4}", "X".repeat(n - 4)), "-"),
        2 => format!("{}{last4}", "*".repeat(n - 4)),
        3 => grouped(&format!("{bin}{}{last4}", "*".repeat(n - 10)), " "),
        4 => format!("{bin}{}{last4}", "x".repeat(n - 10)),
        _ => grouped(&format!("{}{last4}", "*".repeat(n - 4)), " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, stream};

    /// Reference leet folding: digits and symbols back to the letters they stand for.
    fn unleet(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '4' | '@' => 'a',
                '3' => 'e',
                '1' | '!' => 'i',
                '0' => 'o',
                '5' | '$' => 's',
                '7' => 't',
                '8' => 'b',
                '9' => 'g',
                '2' => 'z',
                c => c.to_ascii_lowercase(),
            })
            .collect()
    }

    /// Reference confusable folding: Cyrillic look-alikes back to Latin.
    fn unconfuse(s: &str) -> String {
        s.chars().map(|c| CYRILLIC_LOOKALIKES.iter().find(|&&(_, k)| k == c).map_or(c, |&(l, _)| l)).collect()
    }

    /// Reference full-width folding (what NFKC does to these).
    fn narrow(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap(),
                '\u{3000}' => ' ',
                c => c,
            })
            .collect()
    }

    /// Reference canonical address: lower case; for Gmail no dots, no `+tag`, `gmail.com`;
    /// elsewhere no `+tag`.
    fn canonical(email: &str) -> String {
        let (local, domain) = email.split_once('@').unwrap();
        let (local, domain) = (local.to_lowercase(), domain.to_lowercase());
        let local = local.split('+').next().unwrap().to_owned();
        if domain == "gmail.com" || domain == "googlemail.com" {
            format!("{}@gmail.com", local.replace('.', ""))
        } else {
            format!("{local}@{domain}")
        }
    }

    const HANDLES: &[&str] = &[
        "sarah_anderson",
        "darkangel99",
        "Sarah.Anderson",
        "xXghost7Xx",
        "zoe_cruz",
        "andersons85",
        "shadowwolf98",
        "b.smith",
    ];

    #[test]
    fn leet_differs_and_folds_back() {
        let mut rng = stream(11, Purpose::Leet, 0);
        for handle in HANDLES {
            for _ in 0..200 {
                let l = leet(&mut rng, handle);
                assert_ne!(&l, handle);
                assert_eq!(l.chars().count(), handle.chars().count(), "{handle} -> {l}");
                assert_eq!(unleet(&l), unleet(handle), "{handle} -> {l}");
            }
        }
        assert_eq!(leet(&mut rng, "xyz_km"), "xy2_km");
        assert_eq!(leet(&mut rng, "mr_hwy"), "mr_hwy");
    }

    #[test]
    fn leet_is_a_function_of_the_stream() {
        let a = leet(&mut stream(11, Purpose::Leet, 5), "sarah_anderson");
        let b = leet(&mut stream(11, Purpose::Leet, 5), "sarah_anderson");
        assert_eq!(a, b);
        let forms: std::collections::BTreeSet<String> =
            (0..50).map(|i| leet(&mut stream(11, Purpose::Leet, i), "sarah_anderson")).collect();
        assert!(forms.len() > 10, "{forms:?}");
        assert!(forms.contains("s4r4h_4nd3r50n") || forms.iter().any(|f| f.contains('4') && f.contains('a')));
    }

    #[test]
    fn confusables_differ_and_fold_back() {
        let mut rng = stream(11, Purpose::Leet, 1);
        for value in HANDLES.iter().chain(&["Sarah Anderson", "ZOË CRUZ", "Mohammed"]) {
            for _ in 0..200 {
                let c = confusable(&mut rng, value);
                assert_ne!(&c, value);
                assert!(!c.is_ascii() || !value.is_ascii(), "{value} -> {c}");
                assert_eq!(c.chars().count(), value.chars().count());
                assert_eq!(unconfuse(&c), *value);
                // Only look-alikes were put in: every changed character is Cyrillic.
                for (a, b) in value.chars().zip(c.chars()) {
                    assert!(a == b || ('\u{0400}'..='\u{04FF}').contains(&b), "{value} -> {c}");
                }
            }
        }
        assert_eq!(confusable(&mut rng, "1977_zz"), "1977_zz");
    }

    #[test]
    fn full_width_folds_back() {
        assert_eq!(full_width("darkangel99"), "ｄａｒｋａｎｇｅｌ９９");
        assert_eq!(full_width("Zoë Cruz"), "Ｚｏë\u{3000}Ｃｒｕｚ");
        for value in HANDLES {
            let w = full_width(value);
            assert!(w.chars().all(|c| !c.is_ascii()), "{w}");
            assert_eq!(narrow(&w), *value);
        }
    }

    /// Reference undecoration: separators trimmed, `xx…xx` and `x_…_x` wrappers taken off.
    fn undecorate(s: &str) -> String {
        let mut s = s.to_ascii_lowercase();
        loop {
            let trimmed = s.trim_matches(|c| matches!(c, '_' | '.' | '-' | '~')).to_owned();
            let trimmed = trimmed.strip_prefix("the_").map(str::to_owned).unwrap_or(trimmed);
            let inner = trimmed
                .strip_prefix("xx")
                .and_then(|t| t.strip_suffix("xx"))
                .or_else(|| trimmed.strip_prefix("x_").and_then(|t| t.strip_suffix("_x")));
            let next = inner.map(str::to_owned).unwrap_or(trimmed);
            if next == s {
                return s;
            }
            s = next;
        }
    }

    #[test]
    fn decorations_wrap_the_handle() {
        let mut rng = stream(11, Purpose::Leet, 2);
        let mut stripped = 0;
        for handle in HANDLES {
            for _ in 0..200 {
                let d = decorate(&mut rng, handle);
                assert_ne!(&d, handle);
                assert_eq!(undecorate(&d), undecorate(handle), "{handle} -> {d}");
                if d.len() < handle.len() {
                    stripped += 1;
                    assert_eq!(*handle, "xXghost7Xx");
                    assert_eq!(d, "ghost7");
                } else {
                    assert!(d.contains(handle));
                }
            }
        }
        assert!(stripped > 50, "{stripped}");
    }

    fn without_separators(s: &str) -> String {
        s.chars().filter(|c| !SEPARATORS.contains(c)).collect()
    }

    #[test]
    fn separators_move_but_the_letters_stay() {
        let mut rng = stream(11, Purpose::Leet, 3);
        let names = ["sarah", "anderson"];
        for handle in HANDLES.iter().chain(&["sarahanderson1985", "ghost77", "lonewolf"]) {
            for _ in 0..100 {
                let s = change_separators(&mut rng, handle, &names);
                assert_ne!(&s, handle);
                assert_eq!(without_separators(&s), without_separators(handle), "{handle} -> {s}");
                assert!(!s.starts_with(SEPARATORS) && !s.ends_with(SEPARATORS) || handle.starts_with('_'), "{s}");
            }
        }
        let forms: std::collections::BTreeSet<String> =
            (0..200).map(|_| change_separators(&mut rng, "sarahanderson1985", &names)).collect();
        assert!(forms.contains("sarah_anderson1985") && forms.contains("sarah.anderson1985"), "{forms:?}");
        let forms: std::collections::BTreeSet<String> =
            (0..200).map(|_| change_separators(&mut rng, "darkangel99", &[])).collect();
        assert!(forms.contains("dark.angel99"), "{forms:?}");
        assert!(forms.contains("dark_angel99"), "{forms:?}");
        let forms: std::collections::BTreeSet<String> =
            (0..200).map(|_| change_separators(&mut rng, "dark_angel99", &[])).collect();
        assert!(forms.contains("dark.angel99") && forms.contains("darkangel99"), "{forms:?}");
        // Nowhere to put one.
        assert_eq!(change_separators(&mut rng, "qwzk", &[]), "qwzk");
    }

    #[test]
    fn gmail_variants_reach_the_same_mailbox() {
        let mut rng = stream(11, Purpose::Leet, 4);
        let mut googlemail = 0;
        for local in ["sarah", "sarah.anderson", "s.a.r.a.h", "ghost7", "x", "anderson.s.85"] {
            let original = format!("{local}@gmail.com");
            for _ in 0..200 {
                let (l, domain) = gmail_variant(&mut rng, local);
                let variant = format!("{l}@{domain}");
                assert_ne!(variant, original);
                assert_eq!(canonical(&variant), canonical(&original), "{original} -> {variant}");
                assert!(!l.starts_with('.') && !l.ends_with('.') && !l.contains(".."), "{variant}");
                googlemail += usize::from(domain == "googlemail.com");
            }
        }
        assert!(googlemail > 100, "{googlemail}");
    }

    #[test]
    fn plus_tags_and_typo_domains() {
        let mut rng = stream(11, Purpose::Leet, 5);
        for _ in 0..100 {
            let tagged = format!("{}@outlook.com", plus_tag(&mut rng, "sarah.anderson"));
            assert_eq!(canonical(&tagged), "sarah.anderson@outlook.com");
            assert!(tagged.contains('+'));
            let typo = typo_domain(&mut rng, "Gmail.COM").unwrap();
            assert_ne!(typo, "gmail.com");
            assert!(typo.starts_with('g') && typo.contains('.'), "{typo}");
        }
        assert!(
            ["yaho.com", "yahooo.com", "yahoo.co", "yhoo.com"].contains(&typo_domain(&mut rng, "yahoo.com").unwrap())
        );
        assert_eq!(typo_domain(&mut rng, "gmx.de"), None);
    }

    #[test]
    fn masked_cards_show_only_the_bin_and_the_last_four() {
        let mut rng = stream(11, Purpose::Card, 0);
        let mut shapes = std::collections::BTreeSet::new();
        for number in ["4111111111111111", "5500005555555559", "2221000000000009"] {
            for _ in 0..300 {
                let masked = mask_card(&mut rng, number);
                let compact: Vec<char> = masked.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
                assert_eq!(compact.len(), number.len(), "{masked}");
                let mut hidden = 0;
                for (i, (&m, d)) in compact.iter().zip(number.chars()).enumerate() {
                    if matches!(m, '*' | 'X' | 'x') {
                        hidden += 1;
                    } else {
                        assert_eq!(m, d, "{masked}");
                        assert!(i < 6 || i >= number.len() - 4, "{masked} shows digit {i}");
                    }
                }
                assert!(hidden >= 6, "{masked}");
                assert!(masked.ends_with(&number[12..]), "{masked}");
                let shape: String = masked.chars().map(|c| if c.is_ascii_digit() { '9' } else { c }).collect();
                shapes.insert(shape);
            }
        }
        for shape in ["999999******9999", "XXXX-XXXX-XXXX-9999", "************9999", "9999 99** **** 9999"] {
            assert!(shapes.contains(shape), "{shapes:?}");
        }
        assert_eq!(shapes.len(), 6, "{shapes:?}");
    }
}
