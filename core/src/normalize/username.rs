//! Normalization of the `username` kind: a canonical display form, and a
//! *skeleton* under which the usual disguises of one handle meet.
//!
//! The canonical form ([`normalize`]) is the [baseline]
//! (NFKC, full case folding, whitespace collapsed) without a leading `@`
//! mention sigil: `@Sarah` and `sarah` are the same handle on every platform
//! that shows one. Exact agreement is agreement of canonical forms.
//!
//! The [`skeleton`] folds what people and fonts do to one handle, in this order:
//! 1. **Confusables**: every non-ASCII character goes through the UTS #39
//!    skeleton (`unicode_security::skeleton`), is case-folded again and loses
//!    its Latin/Greek/Cyrillic diacritics, so Cyrillic `ѕаrаh` and `sárah` meet
//!    `sarah`. ASCII is left to the leet table below: UTS #39's only
//!    ASCII-internal mappings are `0`→`O`, `1`/`I`/`|`→`l` (the leet table covers
//!    them) and `m`→`rn`, which would rewrite every `m` for a trick seen in
//!    phishing domains rather than in handles.
//! 2. **Separators**: `_ . -`, whitespace and every other character that is
//!    neither a letter, a digit nor a leet symbol (`~`, `*`, `♥`, brackets…)
//!    separate words and are dropped at the end.
//! 3. **Decoration**: separators at either end go (`_sarah_`), and so does an
//!    `x` wrapper: `xX_…_Xx` or `x_…_x` (x runs cut off by separators on both
//!    sides), a one-sided `xx_…`/`…_xx` (at least two x), or `xx…xx` without
//!    separators (the shorter of the two runs is cut from both ends, if at
//!    least three characters remain: `xXxenaXx` → `xena`).
//! 4. **Digit suffix**: ASCII digits after the last letter are the suffix and
//!    stay digits (`darkangel99`); leet symbols there are dropped (`sarah$`).
//!    [`split_digits`] gives stem and suffix back.
//! 5. **Elongation**: in the stem, a run of three or more of one letter is one
//!    letter (`sarahhhh`, `saaarah` → `sarah`); doubled letters stay (`anna`).
//!    The run is taken before leet folding, so `lil`/`ill` make no false runs.
//! 6. **Leet**, in the stem only, so inside or before letters: `4 @`→`a`,
//!    `3`→`e`, `0`→`o`, `5 $`→`s`, `7`→`t`, and `1 | !` and the letter `l` all
//!    → `i`: `1` stands for both `i` and `l`, and case folding already turned a
//!    capital `I` posing as `l` (`DanieI`) into `i`, so `i` and `l` must meet.
//!    The skeleton is therefore no display form: `darkangel99` → `darkangei99`.
//!
//! A value with nothing left (`♥♥♥`, `___`) keeps its canonical form without
//! whitespace as its skeleton, so such values still only meet their equals.
//!
//! These rules are hand-written: no crate knows handle decoration or
//! leetspeak; the Unicode part is the standard table from `unicode-security`.

use caseless::Caseless;
use smallvec::SmallVec;
use unicode_normalization::UnicodeNormalization;

use super::baseline;

/// The canonical display form: the baseline normalization without a leading
/// `@` sigil; `None` for a blank value. A value that is only `@` keeps it.
///
/// ```
/// use sleuth_core::normalize::username::normalize;
/// assert_eq!(normalize(" @ＤａｒｋＡｎｇｅｌ99 ").as_deref(), Some("darkangel99"));
/// assert_eq!(normalize("  "), None);
/// ```
pub fn normalize(raw: &str) -> Option<String> {
    let text = baseline::normalize(raw)?;
    let rest = text.trim_start_matches(|c: char| c == '@' || c.is_whitespace());
    if rest.len() == text.len() || rest.is_empty() {
        return Some(text);
    }
    // What follows the sigil is already normalized; once more keeps the result a fixed point.
    Some(baseline::normalize(rest).unwrap_or(text))
}

/// The skeleton of a canonical username (see the module docs for the rules).
///
/// ```
/// use sleuth_core::normalize::username::skeleton;
/// assert_eq!(skeleton("xx_s4r4h_and3rs0n_xx"), skeleton("sarah.anderson"));
/// assert_eq!(skeleton("dark.angel99"), "darkangei99");
/// ```
pub fn skeleton(canonical: &str) -> String {
    // Most handles are ASCII: their rules run on bytes, with no decoding,
    // no Unicode tables and no buffer on the heap but the result's.
    let out = if canonical.is_ascii() { fold(&fold_ascii(canonical)) } else { fold(&fold_confusables(canonical)) };
    if out.is_empty() {
        return canonical.chars().filter(|c| !c.is_whitespace()).collect();
    }
    out
}

/// Steps 3 to 6 on the words that [`fold_confusables`] leaves, in one pass
/// over what the decoration leaves: the stem (up to the last letter; a
/// separator is none) folded as it is read, separators dropped, then the
/// digits of the suffix.
fn fold<L: Letter>(words: &[L]) -> String {
    let kept = strip_decoration(words);
    let stem_end = kept.iter().rposition(|&c| c.is_letter()).map_or(0, |i| i + 1);
    let mut out = String::with_capacity(kept.len());
    fold_stem(kept[..stem_end].iter().copied().filter(|&c| c != L::SEP), &mut out);
    kept[stem_end..].iter().filter(|c| c.is_ascii_digit()).for_each(|c| c.push_to(&mut out));
    out
}

/// A skeleton's stem and its trailing ASCII digits: `("darkangei", "99")`.
/// The stem is empty when the skeleton is all digits.
///
/// ```
/// use sleuth_core::normalize::username::split_digits;
/// assert_eq!(split_digits("darkangei99"), ("darkangei", "99"));
/// assert_eq!(split_digits("shadow"), ("shadow", ""));
/// ```
pub fn split_digits(skeleton: &str) -> (&str, &str) {
    let stem_len = skeleton.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    skeleton.split_at(stem_len)
}

/// At most this many n-grams per value, spread over the stem.
const MAX_NGRAMS: usize = 12;
/// The n of the stem's n-grams.
const NGRAM: usize = 4;

/// The families [`blocking_keys`] names its keys by, every one it can emit.
pub const KEY_FAMILIES: &[&str] = &["skeleton", "stem", "ngram"];

/// Emits the blocking keys of a canonical username as (family, value):
/// `skeleton` → the whole skeleton; `stem` → the skeleton without trailing
/// digits, when it has at least 4 characters; `ngram` → the stem's
/// [`ngrams`].
pub fn blocking_keys(canonical: &str, emit: &mut dyn FnMut(&str, &str)) {
    skeleton_keys(&skeleton(canonical), emit);
}

/// [`blocking_keys`] of a username whose skeleton is made: `skeleton`.
pub fn skeleton_keys(skeleton: &str, emit: &mut dyn FnMut(&str, &str)) {
    if skeleton.is_empty() {
        return;
    }
    emit("skeleton", skeleton);
    let (stem, _) = split_digits(skeleton);
    if stem.chars().count() < NGRAM {
        return;
    }
    emit("stem", stem);
    ngrams(stem, &mut |gram| emit("ngram", gram));
}

/// Emits the distinct 4-grams of a stem that start at every other
/// character, from the first, and the last 4-gram (or the stem itself when
/// shorter): `darkangei` → `dark`, `rkan`, `ange`, `ngei`. At most 12, evenly
/// spread over the others when there are more.
///
/// They catch one slip: a stem of 9 or more characters and the same stem
/// with one letter changed, dropped, added, or two neighbours swapped share
/// one of them (the first gram when the slip comes after it, the last one
/// otherwise, since it is taken from the end). Every other gram rather than
/// every one: the grams inside a common first name or surname (`ande`,
/// `nder`) make blocks of thousands that only cost, and those across the
/// words of a handle (`naje` in `annajetser`), which make a slipped
/// handle's pairs, are still there with one in two of them; at a million records, a fifth fewer shared
/// blocks to count and the run's CPU ~10% down, with the same F1.
pub fn ngrams<'a>(stem: &'a str, emit: &mut dyn FnMut(&'a str)) {
    let bounds: Vec<usize> = stem.char_indices().map(|(i, _)| i).chain([stem.len()]).collect();
    let chars = bounds.len() - 1;
    if chars <= NGRAM {
        if chars > 0 {
            emit(stem);
        }
        return;
    }
    let last = chars - NGRAM;
    // Every other start, and the last one if odd.
    let every_other = last / 2 + 1;
    let count = every_other + last % 2;
    let start = |i: usize| if i < every_other { 2 * i } else { last };
    let mut emitted: Vec<&str> = Vec::with_capacity(MAX_NGRAMS);
    for i in 0..count.min(MAX_NGRAMS) {
        let i = if count <= MAX_NGRAMS { i } else { i * (count - 1) / (MAX_NGRAMS - 1) };
        let gram = &stem[bounds[start(i)]..bounds[start(i) + NGRAM]];
        if !emitted.contains(&gram) {
            emitted.push(gram);
            emit(gram);
        }
    }
}

/// A character as the skeleton's rules read it: a `char`, or a byte of an
/// all-ASCII handle (where each byte is the `char` of its value, and every
/// rule below says the same of both).
trait Letter: Copy + Eq {
    /// Marks a word boundary while decoration is stripped.
    const SEP: Self;
    /// The decoration letter `x`.
    const X: Self;
    /// Kept in the skeleton (alphanumeric or a leet symbol), not a separator.
    fn is_kept(self) -> bool;
    /// A letter for the digit-suffix rule: alphanumeric but not an ASCII digit.
    fn is_letter(self) -> bool;
    fn is_ascii_digit(self) -> bool;
    /// The letter a leet character stands for (`l` included, see the module docs).
    fn leet(self) -> Self;
    fn push_to(self, out: &mut String);
}

impl Letter for char {
    const SEP: char = '_';
    const X: char = 'x';

    fn is_kept(self) -> bool {
        self.is_alphanumeric() || is_leet_symbol(self)
    }

    fn is_letter(self) -> bool {
        self.is_alphanumeric() && !self.is_ascii_digit()
    }

    fn is_ascii_digit(self) -> bool {
        char::is_ascii_digit(&self)
    }

    fn leet(self) -> char {
        // Every leet character is ASCII: the table is the byte's.
        if self.is_ascii() { char::from((self as u8).leet()) } else { self }
    }

    fn push_to(self, out: &mut String) {
        out.push(self);
    }
}

impl Letter for u8 {
    const SEP: u8 = b'_';
    const X: u8 = b'x';

    fn is_kept(self) -> bool {
        self.is_ascii_alphanumeric() || is_leet_symbol(char::from(self))
    }

    fn is_letter(self) -> bool {
        self.is_ascii_alphabetic()
    }

    fn is_ascii_digit(self) -> bool {
        u8::is_ascii_digit(&self)
    }

    fn leet(self) -> u8 {
        match self {
            b'4' | b'@' => b'a',
            b'3' => b'e',
            b'1' | b'l' | b'|' | b'!' => b'i',
            b'0' => b'o',
            b'5' | b'$' => b's',
            b'7' => b't',
            c => c,
        }
    }

    fn push_to(self, out: &mut String) {
        out.push(char::from(self));
    }
}

/// Symbols that leetspeak uses for letters; they are no separators.
fn is_leet_symbol(c: char) -> bool {
    matches!(c, '@' | '$' | '|' | '!')
}

/// Combining diacritics of Latin, Greek and Cyrillic (the blocks they live
/// in); marks that scripts need for their vowels are kept.
fn is_diacritic(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36F}' | '\u{483}'..='\u{489}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// A handle's characters while its skeleton is made, on the stack when short.
type Chars<L> = SmallVec<[L; 32]>;

/// Step 1 and 2: confusables folded, separators collapsed to one
/// [`Letter::SEP`] and trimmed at both ends.
fn fold_confusables(canonical: &str) -> Chars<char> {
    let mut out = Chars::new();
    for c in canonical.chars() {
        if c.is_ascii() {
            push_word_char(&mut out, c);
            continue;
        }
        for d in std::iter::once(c).nfd() {
            if d.is_ascii() {
                push_word_char(&mut out, d);
                continue;
            }
            let mut buf = [0; 4];
            for p in unicode_security::skeleton(d.encode_utf8(&mut buf)).default_case_fold() {
                if !is_diacritic(p) {
                    push_word_char(&mut out, p);
                }
            }
        }
    }
    trim_separator(&mut out);
    out
}

/// Step 2 for an all-ASCII handle, whose step 1 changes nothing.
fn fold_ascii(canonical: &str) -> Chars<u8> {
    let mut out = Chars::new();
    canonical.bytes().for_each(|b| push_word_char(&mut out, b));
    trim_separator(&mut out);
    out
}

/// Adds a kept character ([`Letter::is_kept`]), or a separator for one
/// that is not unless one is there already or nothing is.
fn push_word_char<L: Letter>(out: &mut Chars<L>, c: L) {
    if c.is_kept() {
        out.push(c);
    } else if out.last().is_some_and(|&last| last != L::SEP) {
        out.push(L::SEP);
    }
}

fn trim_separator<L: Letter>(out: &mut Chars<L>) {
    if out.last() == Some(&L::SEP) {
        out.pop();
    }
}

/// Step 3: the `x` wrappers, on words separated by [`Letter::SEP`] and trimmed.
fn strip_decoration<L: Letter>(s: &[L]) -> &[L] {
    let lead = s.iter().take_while(|&&c| c == L::X).count();
    if lead == s.len() {
        return s;
    }
    let trail = s.iter().rev().take_while(|&&c| c == L::X).count();
    let lead_sep = lead > 0 && s[lead] == L::SEP;
    let trail_sep = trail > 0 && s[s.len() - trail - 1] == L::SEP;
    let (mut from, mut to) = (0, s.len());
    if lead_sep && (lead >= 2 || trail_sep) {
        from = lead + 1;
    }
    if trail_sep && (trail >= 2 || lead_sep) {
        to = s.len() - trail - 1;
    }
    if !lead_sep && !trail_sep && lead >= 2 && trail >= 2 {
        let cut = lead.min(trail);
        if s.len() >= 2 * cut + 3 {
            (from, to) = (cut, s.len() - cut);
        }
    }
    if from >= to {
        return s;
    }
    let inner = &s[from..to];
    let start = inner.iter().position(|&c| c != L::SEP).unwrap_or(inner.len());
    let end = inner.iter().rposition(|&c| c != L::SEP).map_or(start, |i| i + 1);
    if start >= end {
        return s;
    }
    &inner[start..end]
}

/// Steps 5 and 6 on the stem's characters: elongations collapsed, then
/// leet folded.
fn fold_stem<L: Letter>(stem: impl Iterator<Item = L>, out: &mut String) {
    let push_run = |c: L, run: usize, out: &mut String| {
        let keep = if run >= 3 && c.is_letter() { 1 } else { run };
        (0..keep).for_each(|_| c.leet().push_to(out));
    };
    let mut run: Option<(L, usize)> = None;
    for c in stem {
        run = match run {
            Some((last, n)) if last == c => Some((last, n + 1)),
            Some((last, n)) => {
                push_run(last, n, out);
                Some((c, 1))
            }
            None => Some((c, 1)),
        };
    }
    if let Some((last, n)) = run {
        push_run(last, n, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn skel(raw: &str) -> String {
        skeleton(&normalize(raw).expect("not blank"))
    }

    #[test]
    fn canonical_forms() {
        for (raw, canonical) in [
            ("DarkAngel99", Some("darkangel99")),
            ("  ＳＡＲＡＨ＿Ａ ", Some("sarah_a")),
            ("@Sarah_Anderson", Some("sarah_anderson")),
            ("@@ shadow", Some("shadow")),
            ("@", Some("@")),
            ("Dark   Angel", Some("dark angel")),
            ("Straße", Some("strasse")),
            (" \t ", None),
            ("", None),
        ] {
            assert_eq!(normalize(raw).as_deref(), canonical, "{raw:?}");
        }
    }

    #[test]
    fn disguises_meet_in_the_skeleton() {
        for (a, b) in [
            ("s4r4h_and3rs0n", "sarah_anderson"),
            ("xX_DarkAngel_Xx", "darkangel"),
            ("xXDarkAngelXx", "dark_angel"),
            ("xx_darkangel", "darkangel"),
            ("darkangel_xx", "Dark-Angel"),
            ("xxx_sniper_xxx", "sniper"),
            ("x_sniper_x", "sniper"),
            ("_sarah_", "sarah"),
            ("~*sarah*~", "sarah"),
            ("ѕаrаh", "sarah"),      // Cyrillic dze and a
            ("ꮪarah", "sarah"),      // Cherokee
            ("sárah", "sarah"),      // diacritic
            ("ＳＡＲＡＨ", "sarah"), // fullwidth
            ("sarahhhh", "sarah"),   // elongation
            ("saaaarah", "sarah"),
            ("DanieI", "daniel"), // capital I posing as l
            ("dan1el", "daniel"),
            ("$arah", "sarah"),
            ("h4ck3r_1337", "hacker1337"), // trailing digits stay digits
            ("dark.angel99", "darkangel99"),
            ("sarah$", "sarah"),
            ("john smith", "john.smith"),
        ] {
            assert_eq!(skel(a), skel(b), "{a} ~ {b}");
        }
    }

    #[test]
    fn different_handles_stay_apart() {
        for (a, b) in [
            ("shadow98", "shadow99"),
            ("darkangel", "darkangel99"),
            ("anna", "ana"),
            ("x_men", "men"),
            ("xena", "ena"),
            ("sarah", "sara"),
            ("♥♥♥", "★★★"),
            ("___", "sarah"),
            ("mike", "rnike"),
        ] {
            assert_ne!(skel(a), skel(b), "{a} !~ {b}");
        }
    }

    #[test]
    fn skeletons_read_as_documented() {
        for (raw, skeleton) in [
            ("darkangel99", "darkangei99"),
            ("s4r4h_and3rs0n", "sarahanderson"),
            ("xX_DarkAngel_Xx", "darkangei"),
            ("xXxenaXx", "xena"),
            ("xxx", "x"),
            ("xx", "xx"),
            ("xxx_xxx", "x"),
            ("1337", "1337"),
            ("4ever", "aever"),
            ("agent007", "agent007"),
            ("b2000x", "b2ooox"),
            ("♥♥♥", "♥♥♥"),
            ("♥ ♥", "♥♥"),
            ("sk8er", "sk8er"),
        ] {
            assert_eq!(skel(raw), skeleton, "{raw}");
        }
    }

    #[test]
    fn digit_suffixes_split_off() {
        for (skeleton, parts) in
            [("darkangei99", ("darkangei", "99")), ("shadow", ("shadow", "")), ("1337", ("", "1337")), ("", ("", ""))]
        {
            assert_eq!(split_digits(skeleton), parts, "{skeleton}");
        }
    }

    fn keys(canonical: &str) -> Vec<(String, String)> {
        let mut keys = Vec::new();
        blocking_keys(canonical, &mut |family, value| keys.push((family.to_string(), value.to_string())));
        keys
    }

    fn family_of<'a>(keys: &'a [(String, String)], family: &str) -> Vec<&'a str> {
        keys.iter().filter(|(f, _)| f == family).map(|(_, v)| v.as_str()).collect()
    }

    #[test]
    fn blocking_keys_by_family() {
        let k = keys("dark.angel99");
        assert_eq!(family_of(&k, "skeleton"), ["darkangei99"]);
        assert_eq!(family_of(&k, "stem"), ["darkangei"]);
        assert_eq!(family_of(&k, "ngram"), ["dark", "rkan", "ange", "ngei"]);
        // Short stems give no stem or n-gram keys.
        assert_eq!(keys("bob77"), [("skeleton".to_string(), "bob77".to_string())]);
        // Long stems give at most 12 distinct n-grams, first and last included.
        let k = keys("the_quick_brown_fox_jumps_over");
        let grams = family_of(&k, "ngram");
        assert_eq!(grams.len(), MAX_NGRAMS);
        assert_eq!((grams[0], grams[grams.len() - 1]), ("theq", "over"));
        let k = keys("ababababc");
        assert_eq!(family_of(&k, "ngram"), ["abab", "babc"], "{k:?}");
    }

    fn grams(stem: &str) -> Vec<&str> {
        let mut grams = Vec::new();
        ngrams(stem, &mut |gram| grams.push(gram));
        grams
    }

    /// `stem` with one slip at `at` (a position in it): a letter changed,
    /// dropped, added, or swapped with the next.
    fn slipped(stem: &str, slip: u8, at: usize, letter: char) -> Option<String> {
        let mut chars: Vec<char> = stem.chars().collect();
        match slip % 4 {
            0 if chars[at] != letter => chars[at] = letter,
            1 => drop(chars.remove(at)),
            2 => chars.insert(at, letter),
            3 if at + 1 < chars.len() && chars[at] != chars[at + 1] => chars.swap(at, at + 1),
            _ => return None,
        }
        Some(chars.into_iter().collect())
    }

    #[test]
    fn ascii_bytes_are_kept_as_their_characters() {
        for byte in 0u8..128 {
            assert_eq!(byte.is_kept(), char::from(byte).is_kept(), "{:?}", char::from(byte));
        }
    }

    proptest! {
        #[test]
        fn a_stem_and_its_one_slip_share_an_ngram(
            stem in "[a-z]{9,30}", slip in 0u8..4, at in any::<prop::sample::Index>(), letter in "[a-z]",
        ) {
            let at = at.index(stem.len());
            let letter = letter.chars().next().unwrap();
            if let Some(other) = slipped(&stem, slip, at, letter) {
                let mine = grams(&stem);
                prop_assert!(grams(&other).iter().any(|g| mine.contains(g)), "{stem} / {other}: {mine:?}");
            }
        }

        /// The one-pass fold against the rules' steps one after the other,
        /// as it was written before.
        #[test]
        fn folding_in_one_pass_follows_the_steps(handle in "[xX_ .4310@$|!~*a-zé]{0,20}[0-9]{0,3}", any in "\\PC{0,24}") {
            fn by_steps<L: Letter>(words: &[L]) -> String {
                let chars: Chars<L> = strip_decoration(words).iter().copied().filter(|&c| c != L::SEP).collect();
                let stem_end = chars.iter().rposition(|&c| c.is_letter()).map_or(0, |i| i + 1);
                let (stem, mut out) = (&chars[..stem_end], String::new());
                let mut i = 0;
                while i < stem.len() {
                    let c = stem[i];
                    let run = stem[i..].iter().take_while(|&&d| d == c).count();
                    let keep = if run >= 3 && c.is_letter() { 1 } else { run };
                    (0..keep).for_each(|_| c.leet().push_to(&mut out));
                    i += run;
                }
                chars[stem_end..].iter().filter(|c| c.is_ascii_digit()).for_each(|c| c.push_to(&mut out));
                out
            }
            for handle in [handle, any] {
                let words = fold_confusables(&handle);
                prop_assert_eq!(fold(&words), by_steps(&words), "{}", handle);
                if handle.is_ascii() {
                    let bytes = fold_ascii(&handle);
                    prop_assert_eq!(fold(&bytes), by_steps(&bytes), "{}", handle);
                }
            }
        }

        #[test]
        fn ascii_handles_fold_as_their_characters_do(handle in "[xX_ .4310@$|!~*a-z]{0,20}[0-9]{0,3}", any in "[ -~]{0,24}") {
            for handle in [handle, any] {
                prop_assert_eq!(fold(&fold_ascii(&handle)), fold(&fold_confusables(&handle)), "{}", handle);
            }
        }

        #[test]
        fn normalizing_twice_equals_once(raw in any::<String>()) {
            let once = normalize(&raw);
            prop_assert_eq!(once.as_deref().and_then(normalize), once);
        }

        #[test]
        fn normalizing_printable_text_twice_equals_once(raw in "\\PC*") {
            let once = normalize(&raw);
            prop_assert_eq!(once.as_deref().and_then(normalize), once);
        }

        #[test]
        fn skeletons_never_panic_and_are_deterministic(raw in any::<String>(), handle in "[xX_ .4310@$a-z]{0,16}[0-9]{0,3}") {
            for raw in [raw, handle] {
                let skeleton = skeleton(&raw);
                prop_assert_eq!(&skeleton, &super::skeleton(&raw));
                prop_assert!(!skeleton.is_empty() || raw.chars().all(char::is_whitespace));
                let (stem, digits) = split_digits(&skeleton);
                prop_assert_eq!(format!("{stem}{digits}"), skeleton);
                let mut n = 0;
                blocking_keys(&raw, &mut |_, value| { n += 1; assert!(!value.is_empty()) });
                prop_assert!(n <= 2 + MAX_NGRAMS);
            }
        }
    }
}
