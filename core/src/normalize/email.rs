//! Normalization of the `email` kind: one canonical address per mailbox.
//!
//! [`normalize`] starts from the [baseline] (NFKC, full case
//! folding: local parts are case-insensitive at every provider that matters),
//! then unwraps what surrounds an address in the wild: `mailto:` (and its
//! `?subject=…`), a display name `Sarah <sarah@…>`, quotes, brackets and
//! punctuation at either end, a trailing dot; and, when there is no `@` at
//! all, the obfuscations `[at]`, `(at)`, `{at}`, ` at ` and their `dot`
//! counterparts. If what is left is a [valid](is_valid) address, the
//! provider's rules make it canonical:
//! - **Domain aliases** of one mailbox namespace: `googlemail.com` →
//!   `gmail.com`; `proton.me`, `pm.me`, `protonmail.ch` → `protonmail.com`
//!   (the oldest, most common in older data); `me.com`, `mac.com` →
//!   `icloud.com`. `hotmail.com`, `live.com` and `outlook.com` are separate
//!   namespaces and stay apart.
//! - **Gmail** ignores dots in the local part: they are removed.
//! - **Subaddresses**: `+tag` is removed at the providers that document plus
//!   addressing (Gmail, Microsoft's consumer domains, iCloud, Proton,
//!   Fastmail, Yandex, Zoho). Elsewhere a `+` may be part of a real mailbox
//!   name and is kept. Yahoo's disposable addresses are `base-keyword`: the
//!   keyword is removed at Yahoo's domains, where account names cannot contain
//!   `-`; all of a user's disposable addresses then meet at `base`, which is
//!   not their primary address but identifies them just as well.
//!
//! A value that is no valid address is **kept**: its canonical form is its
//! baseline text, so it can still be compared as a string, and [`flag`]
//! reports it. Likely typos of major providers' domains (`gmial.com`) are
//! evidence ([`typo_of`]), never rewritten: `john@gmial.com` may be a real,
//! different mailbox.
//!
//! These rules are hand-written: no crate in the dependencies (nor a common
//! one) knows providers' aliasing and subaddressing. The edit distance for
//! typos is a small bounded one written here, so that only `compare/` imports
//! strsim.

use super::{baseline, username};

/// The canonical address: lower case, unwrapped, with the provider's rules
/// applied; an invalid address keeps its baseline text. `None` only for a
/// blank value. Idempotent.
///
/// ```
/// use sleuth_core::normalize::email::normalize;
/// assert_eq!(normalize("S.A.R.A.H+shop@GoogleMail.com").as_deref(), Some("sarah@gmail.com"));
/// assert_eq!(normalize("Sarah <mailto:Sarah+news@Outlook.com>").as_deref(), Some("sarah@outlook.com"));
/// assert_eq!(normalize("not an Email").as_deref(), Some("not an email"));
/// ```
pub fn normalize(raw: &str) -> Option<String> {
    let text = baseline::normalize(raw)?;
    Some(canonical_address(&text).unwrap_or(text))
}

/// Whether a canonical address is syntactically valid, pragmatically: one
/// `@`; a local part of 1 to 64 bytes of ASCII letters, digits,
/// ``!#$%&'*+/=?^_`{|}~-``, non-ASCII letters and digits, and dots that
/// neither start, end nor double; a domain of at most 253 bytes and at least
/// two labels of 1 to 63 letters, digits and inner hyphens, with a top-level
/// label of two or more characters that is not all digits. Quoted local
/// parts and IP literals are not accepted.
///
/// ```
/// use sleuth_core::normalize::email::is_valid;
/// assert!(is_valid("o'brien@example.ie"));
/// assert!(!is_valid("sarah@gmail"));
/// ```
pub fn is_valid(canonical: &str) -> bool {
    canonical.split_once('@').is_some_and(|(local, domain)| valid_local(local) && valid_domain(domain))
}

/// The local part and the domain of a valid address; `None` if invalid.
pub fn parts(canonical: &str) -> Option<(&str, &str)> {
    if is_valid(canonical) { canonical.split_once('@') } else { None }
}

/// The major provider's domain that `domain` (lower case) is probably a typo
/// of, as its canonical domain (`googlemial.com` → `gmail.com`); `None` for
/// the providers' own and other known domains. Edit distance (with adjacent
/// transpositions) at most 1 for domains of up to 9 bytes, 2 for longer ones.
/// Very short provider names (`aol`, `gmx`, `web`, `live`, `mail`, `msn`)
/// are one edit away from many real domains (`love.com`, `wed.de`), so for
/// them only a typo in the top-level part or a swap of two adjacent
/// characters counts. Evidence only, never a rewrite.
///
/// ```
/// use sleuth_core::normalize::email::typo_of;
/// assert_eq!(typo_of("gmial.com"), Some("gmail.com"));
/// assert_eq!(typo_of("gmail.com"), None);
/// assert_eq!(typo_of("love.com"), None);
/// ```
pub fn typo_of(domain: &str) -> Option<&'static str> {
    typo(domain).map(|provider| provider.canonical)
}

/// The local part's [username skeleton](username::skeleton), for evidence
/// across kinds (`dark.angel99@gmail.com` and the username `darkangel99`). A
/// `+tag` is dropped first at any domain: usernames never have one. `None`
/// for an invalid address.
pub fn local_skeleton(canonical: &str) -> Option<String> {
    let (local, _) = parts(canonical)?;
    Some(skeleton_of_local(local))
}

/// [`local_skeleton`] of a valid address's local part, already split off.
pub fn skeleton_of_local(local: &str) -> String {
    let local = match local.split_once('+') {
        Some((base, _)) if !base.is_empty() => base,
        _ => local,
    };
    username::skeleton(local)
}

/// What an analyst should know about a canonical address:
/// `"invalid email address"`, `"likely typo of gmail.com"`, or nothing.
pub fn flag(canonical: &str) -> Option<&'static str> {
    match parts(canonical) {
        None => Some("invalid email address"),
        Some((_, domain)) => typo(domain).map(|provider| provider.flag),
    }
}

/// The families [`blocking_keys`] names its keys by, every one it can emit.
pub const KEY_FAMILIES: &[&str] = &["address", "local"];

/// Emits the blocking keys of a canonical address as (family, value):
/// `address` → the canonical address (invalid ones too: they still meet
/// their equals); `local` → the [local part's skeleton](local_skeleton), when
/// it has at least 4 characters. `local` values are username skeletons, so
/// they can meet the `skeleton` keys of usernames.
pub fn blocking_keys(canonical: &str, emit: &mut dyn FnMut(&str, &str)) {
    address_keys(canonical, local_skeleton(canonical).as_deref(), emit);
}

/// [`blocking_keys`] of an address whose [`local_skeleton`] is made: `local`.
pub fn address_keys(canonical: &str, local: Option<&str>, emit: &mut dyn FnMut(&str, &str)) {
    if canonical.is_empty() {
        return;
    }
    emit("address", canonical);
    if let Some(skeleton) = local.filter(|s| s.chars().count() >= 4) {
        emit("local", skeleton);
    }
}

/// The canonical form of a text that holds a valid address, else `None`.
fn canonical_address(text: &str) -> Option<String> {
    let mut address = unwrap(text);
    let deobfuscated;
    if !address.contains('@') {
        deobfuscated = deobfuscate(address)?;
        address = unwrap(&deobfuscated);
    }
    let (local, domain) = parts(address)?;
    let domain = alias(domain);
    let local = provider_local(local, domain);
    let canonical = format!("{local}@{domain}");
    if canonical.is_ascii() {
        return Some(canonical);
    }
    // Removing characters can leave text that NFKC composes (conjoining jamo): once more keeps it a fixed point.
    let canonical = baseline::normalize(&canonical)?;
    is_valid(&canonical).then_some(canonical)
}

/// The address inside `mailto:…?…`, `Name <…>`, quotes, brackets and
/// punctuation.
fn unwrap(text: &str) -> &str {
    let mut s = text;
    if let Some(open) = s.rfind('<')
        && let Some(len) = s[open + 1..].find('>')
    {
        s = &s[open + 1..open + 1 + len];
    }
    s = trim(s);
    if let Some(rest) = s.strip_prefix("mailto:") {
        s = trim(rest.split('?').next().unwrap_or(rest));
    }
    s
}

fn trim(s: &str) -> &str {
    let wrapper =
        |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '(' | ')' | '[' | ']' | '<' | '>' | ',' | ';');
    s.trim_start_matches(wrapper).trim_end_matches(|c| wrapper(c) || c == '.')
}

/// `john [at] gmail [dot] com` → `john@gmail.com`; `None` unless exactly one
/// `@` comes out.
fn deobfuscate(text: &str) -> Option<String> {
    let mut s = text.to_string();
    for (from, to) in [("[at]", "@"), ("(at)", "@"), ("{at}", "@"), ("[dot]", "."), ("(dot)", "."), ("{dot}", ".")] {
        s = s.replace(from, to);
    }
    let joined: String = s
        .split_whitespace()
        .map(|word| match word {
            "at" => "@",
            "dot" => ".",
            word => word,
        })
        .collect();
    (joined.matches('@').count() == 1).then_some(joined)
}

/// The canonical domain of a mailbox namespace with several domains.
fn alias(domain: &str) -> &str {
    match domain {
        "googlemail.com" => "gmail.com",
        "proton.me" | "pm.me" | "protonmail.ch" => "protonmail.com",
        "me.com" | "mac.com" => "icloud.com",
        domain => domain,
    }
}

/// Domains (canonical) where `+tag` is a subaddress.
const PLUS_ADDRESSING: &[&str] = &[
    "gmail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "hotmail.co.uk",
    "hotmail.fr",
    "hotmail.de",
    "hotmail.it",
    "hotmail.es",
    "live.co.uk",
    "live.fr",
    "live.de",
    "live.nl",
    "live.it",
    "outlook.fr",
    "outlook.de",
    "outlook.es",
    "outlook.it",
    "icloud.com",
    "protonmail.com",
    "fastmail.com",
    "fastmail.fm",
    "yandex.ru",
    "yandex.com",
    "zoho.com",
];

/// Yahoo's domains, where `base-keyword` is a disposable address of `base`.
const DASH_ADDRESSING: &[&str] = &[
    "yahoo.com",
    "yahoo.co.uk",
    "yahoo.fr",
    "yahoo.de",
    "yahoo.es",
    "yahoo.it",
    "yahoo.ca",
    "yahoo.com.au",
    "yahoo.co.in",
    "yahoo.in",
];

/// The local part under the provider's rules: subaddress removed (unless
/// nothing would be left), Gmail's dots removed.
fn provider_local(local: &str, domain: &str) -> String {
    let delimiter = if PLUS_ADDRESSING.contains(&domain) {
        Some('+')
    } else if DASH_ADDRESSING.contains(&domain) {
        Some('-')
    } else {
        None
    };
    let local = match delimiter.and_then(|d| local.split_once(d)) {
        Some((base, _)) if !base.is_empty() => base,
        _ => local,
    };
    if domain == "gmail.com" { local.chars().filter(|&c| c != '.').collect() } else { local.to_string() }
}

/// Symbols a local part may hold besides letters and digits.
const LOCAL_SYMBOLS: &str = "!#$%&'*+/=?^_`{|}~-.";

fn valid_local(local: &str) -> bool {
    // Bytes where bytes tell: a `.` byte is a `.` in UTF-8, and symbols are
    // ASCII (a search of the symbols' string per character cost as much as
    // the local part's skeleton).
    let symbol = |c: char| c.is_ascii() && LOCAL_SYMBOLS.as_bytes().contains(&(c as u8));
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.as_bytes().windows(2).any(|pair| pair == b"..")
        && local.chars().all(|c| c.is_ascii_alphanumeric() || symbol(c) || (!c.is_ascii() && c.is_alphanumeric()))
}

fn valid_domain(domain: &str) -> bool {
    if domain.len() > 253 {
        return false;
    }
    let mut labels = 0;
    let mut last = "";
    for label in domain.split('.') {
        let valid = !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || (!c.is_ascii() && c.is_alphanumeric()));
        if !valid {
            return false;
        }
        labels += 1;
        last = label;
    }
    labels >= 2 && last.chars().count() >= 2 && !last.chars().all(|c| c.is_ascii_digit())
}

/// A major provider's domain as people type it, the canonical domain it
/// stands for, and the flag of its typos.
struct Provider {
    spelling: &'static str,
    canonical: &'static str,
    flag: &'static str,
}

macro_rules! provider {
    ($domain:literal) => {
        provider!($domain => $domain)
    };
    ($spelling:literal => $canonical:literal) => {
        Provider { spelling: $spelling, canonical: $canonical, flag: concat!("likely typo of ", $canonical) }
    };
}

/// The domains typos are measured against; on a tie the first wins.
const PROVIDERS: &[Provider] = &[
    provider!("gmail.com"),
    provider!("yahoo.com"),
    provider!("hotmail.com"),
    provider!("outlook.com"),
    provider!("icloud.com"),
    provider!("aol.com"),
    provider!("live.com"),
    provider!("msn.com"),
    provider!("protonmail.com"),
    provider!("proton.me" => "protonmail.com"),
    provider!("googlemail.com" => "gmail.com"),
    provider!("gmx.de"),
    provider!("gmx.net"),
    provider!("gmx.com"),
    provider!("web.de"),
    provider!("t-online.de"),
    provider!("mail.com"),
    provider!("mail.ru"),
    provider!("yandex.ru"),
    provider!("comcast.net"),
    provider!("hotmail.co.uk"),
    provider!("yahoo.co.uk"),
    provider!("fastmail.com"),
];

/// Real mail domains near a provider's, never reported as typos (besides the
/// providers' own spellings).
const KNOWN_DOMAINS: &[&str] = &[
    "ymail.com",
    "email.com",
    "rocketmail.com",
    "me.com",
    "mac.com",
    "pm.me",
    "protonmail.ch",
    "gmx.at",
    "gmx.ch",
    "gmx.us",
    "hotmail.fr",
    "hotmail.de",
    "hotmail.it",
    "hotmail.es",
    "hotmail.be",
    "hotmail.nl",
    "hotmail.ca",
    "hotmail.ch",
    "hotmail.cl",
    "hotmail.cz",
    "outlook.fr",
    "outlook.de",
    "outlook.es",
    "outlook.it",
    "outlook.cl",
    "outlook.cz",
    "outlook.sk",
    "outlook.jp",
    "outlook.kr",
    "outlook.pt",
    "live.co.uk",
    "live.fr",
    "live.de",
    "live.nl",
    "live.it",
    "live.ca",
    "live.cn",
    "yahoo.fr",
    "yahoo.de",
    "yahoo.es",
    "yahoo.it",
    "yahoo.ca",
    "yahoo.in",
    "yahoo.cn",
    "yahoo.co.in",
    "yahoo.co.jp",
    "yahoo.com.au",
    "aol.de",
    "aol.fr",
    "aol.co.uk",
    "aim.com",
    "yandex.com",
    "yandex.ua",
    "yandex.by",
    "yandex.kz",
    "ya.ru",
    "inbox.ru",
    "list.ru",
    "bk.ru",
    "online.de",
    "mail.de",
    "fastmail.fm",
    "qq.com",
    "zoho.com",
];

/// The provider a domain is a likely typo of (see [`typo_of`]).
fn typo(domain: &str) -> Option<&'static Provider> {
    if KNOWN_DOMAINS.contains(&domain) || PROVIDERS.iter().any(|p| p.spelling == domain) {
        return None;
    }
    let mut best: Option<(usize, &'static Provider)> = None;
    for provider in PROVIDERS {
        let target = provider.spelling;
        let name_len = target.find('.').unwrap_or(target.len());
        let distance = if name_len <= 4 {
            let same_name = domain.len() > name_len && domain.as_bytes()[..=name_len] == target.as_bytes()[..=name_len];
            let tld_typo =
                same_name && bounded_distance(&domain.as_bytes()[name_len..], &target.as_bytes()[name_len..], 1) <= 1;
            if tld_typo || is_adjacent_swap(domain.as_bytes(), target.as_bytes()) { 1 } else { continue }
        } else {
            let limit = if target.len() <= 9 { 1 } else { 2 };
            let distance = bounded_distance(domain.as_bytes(), target.as_bytes(), limit);
            if distance > limit {
                continue;
            }
            distance
        };
        if best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, provider));
        }
    }
    best.map(|(_, provider)| provider)
}

/// The longest provider domain [`bounded_distance`] measures against, in bytes.
const MAX_TARGET: usize = 31;

/// Optimal-string-alignment distance (Damerau–Levenshtein without
/// overlapping edits) of `a` and a provider domain `b`, on bytes (a
/// non-ASCII character costs more, which only makes a typo less likely);
/// anything over `limit` is reported as `limit + 1`. Three rolling rows on
/// the stack: no allocation.
fn bounded_distance(a: &[u8], b: &[u8], limit: usize) -> usize {
    if b.len() > MAX_TARGET || a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut rows = [[0u8; MAX_TARGET + 1]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j as u8;
    }
    for i in 1..=a.len() {
        let [before, previous, current] = rows_at(&mut rows, i);
        current[0] = i.min(usize::from(u8::MAX)) as u8;
        let mut row_min = current[0];
        for j in 1..=b.len() {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1).min(current[j - 1] + 1).min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
            row_min = row_min.min(d);
        }
        if usize::from(row_min) > limit {
            return limit + 1;
        }
    }
    usize::from(rows[a.len() % 3][b.len()]).min(limit + 1)
}

/// The rows for `a`'s `i`-th byte: the one before the previous, the
/// previous and the current, rotating through three buffers.
fn rows_at(rows: &mut [[u8; MAX_TARGET + 1]; 3], i: usize) -> [&mut [u8; MAX_TARGET + 1]; 3] {
    let [r0, r1, r2] = rows;
    match i % 3 {
        0 => [r1, r2, r0],
        1 => [r2, r0, r1],
        _ => [r0, r1, r2],
    }
}

/// Whether `a` is `b` with two adjacent bytes swapped.
fn is_adjacent_swap(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let Some(i) = a.iter().zip(b).position(|(x, y)| x != y) else { return false };
    i + 1 < a.len() && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn canonical_addresses() {
        for (raw, canonical) in [
            ("s.a.r.a.h+shop@googlemail.com", "sarah@gmail.com"),
            ("Sarah@Gmail.com", "sarah@gmail.com"),
            ("ＳＡＲＡＨ@ＧＭＡＩＬ.ＣＯＭ", "sarah@gmail.com"),
            ("mailto:Sarah@Gmail.com?subject=hello", "sarah@gmail.com"),
            ("Sarah Anderson <sarah.anderson@outlook.com>", "sarah.anderson@outlook.com"),
            ("<sarah+news@hotmail.com>", "sarah@hotmail.com"),
            ("\"sarah@live.com\",", "sarah@live.com"),
            ("sarah@gmail.com.", "sarah@gmail.com"),
            ("sarah.anderson+x@example.org", "sarah.anderson+x@example.org"),
            ("sarah.anderson@example.org", "sarah.anderson@example.org"),
            ("sarah+x@icloud.com", "sarah@icloud.com"),
            ("sarah@me.com", "sarah@icloud.com"),
            ("sarah@mac.com", "sarah@icloud.com"),
            ("sarah@pm.me", "sarah@protonmail.com"),
            ("sarah+x@proton.me", "sarah@protonmail.com"),
            ("sarah.anderson@yahoo.com", "sarah.anderson@yahoo.com"),
            ("sanders-shopping@yahoo.com", "sanders@yahoo.com"),
            ("sarah-anderson@example.org", "sarah-anderson@example.org"),
            ("+tag@gmail.com", "+tag@gmail.com"),
            ("john [at] gmail [dot] com", "john@gmail.com"),
            ("john(at)example(dot)org", "john@example.org"),
            ("john at example dot org", "john@example.org"),
            ("john@gmial.com", "john@gmial.com"),
            // Invalid addresses are kept as their baseline text.
            ("Not An Email", "not an email"),
            ("john@@gmail.com", "john@@gmail.com"),
            ("john@gmail", "john@gmail"),
            ("s..arah@gmail.com", "s..arah@gmail.com"),
            ("<john>", "<john>"),
            ("meet me at the dot", "meet me at the dot"),
        ] {
            assert_eq!(normalize(raw).as_deref(), Some(canonical), "{raw:?}");
        }
        assert_eq!(normalize(" \t"), None);
    }

    #[test]
    fn validity() {
        for valid in [
            "sarah@gmail.com",
            "o'brien@example.ie",
            "a@b.co",
            "用户@例子.广告",
            "x@xn--p1ai.xn--p1ai",
            "a_b-c@mail.co.uk",
        ] {
            assert!(is_valid(valid), "{valid}");
        }
        let long_local = format!("{}@example.org", "a".repeat(65));
        for invalid in [
            "sarah",
            "@gmail.com",
            "sarah@",
            "sarah@gmail",
            "sarah@@gmail.com",
            "sar ah@gmail.com",
            ".sarah@gmail.com",
            "sarah.@gmail.com",
            "sa..rah@gmail.com",
            "sarah@-gmail.com",
            "sarah@gmail..com",
            "sarah@gmail.c",
            "sarah@1.2.3.4",
            "\"sarah\"@gmail.com",
            long_local.as_str(),
        ] {
            assert!(!is_valid(invalid), "{invalid}");
        }
        assert_eq!(parts("sarah@gmail.com"), Some(("sarah", "gmail.com")));
        assert_eq!(parts("sarah@gmail"), None);
    }

    #[test]
    fn typos_of_major_providers() {
        for (domain, provider) in [
            ("gmial.com", "gmail.com"),
            ("gmail.co", "gmail.com"),
            ("gmail.con", "gmail.com"),
            ("gmai.com", "gmail.com"),
            ("gnail.com", "gmail.com"),
            ("gmaill.com", "gmail.com"),
            ("googlemial.com", "gmail.com"),
            ("hotmial.com", "hotmail.com"),
            ("hotmal.con", "hotmail.com"),
            ("hotmail.co", "hotmail.com"),
            ("yaho.com", "yahoo.com"),
            ("yahooo.com", "yahoo.com"),
            ("outlok.com", "outlook.com"),
            ("iclod.com", "icloud.com"),
            ("protonmial.com", "protonmail.com"),
            ("proton.mr", "protonmail.com"),
            ("aol.co", "aol.com"),
            ("alo.com", "aol.com"),
            ("lvie.com", "live.com"),
            ("gmx.dr", "gmx.de"),
            ("yandex.ry", "yandex.ru"),
        ] {
            assert_eq!(typo_of(domain), Some(provider), "{domain}");
        }
        for domain in [
            "gmail.com",
            "googlemail.com",
            "ymail.com",
            "mail.com",
            "email.com",
            "love.com",
            "life.com",
            "wed.de",
            "example.org",
            "hotmail.fr",
            "gmx.at",
            "live.fr",
            "gmail.ru",
            "",
            "g",
        ] {
            assert_eq!(typo_of(domain), None, "{domain}");
        }
    }

    #[test]
    fn provider_domains_fit_the_distance_buffer() {
        assert!(PROVIDERS.iter().all(|p| p.spelling.len() <= MAX_TARGET && is_valid(&format!("a@{}", p.spelling))));
        assert!(PROVIDERS.iter().all(|p| alias(p.canonical) == p.canonical));
    }

    #[test]
    fn flags() {
        assert_eq!(flag("john@gmial.com"), Some("likely typo of gmail.com"));
        assert_eq!(flag("john@gmail.com"), None);
        assert_eq!(flag("john@gmail"), Some("invalid email address"));
        assert_eq!(flag("not an email"), Some("invalid email address"));
    }

    #[test]
    fn local_skeletons_meet_usernames() {
        let username = |raw: &str| username::skeleton(&username::normalize(raw).unwrap());
        let local = |raw: &str| local_skeleton(&normalize(raw).unwrap());
        assert_eq!(local("dark.angel99@gmail.com"), Some(username("darkangel99")));
        assert_eq!(local("Dark_Angel99+forums@example.org"), Some(username("xX_DarkAngel99_Xx")));
        assert_eq!(local("s4r4h.and3rs0n@yahoo.com"), Some(username("sarah_anderson")));
        assert_eq!(local("john@gmail"), None);
    }

    fn keys(canonical: &str) -> Vec<(String, String)> {
        let mut keys = Vec::new();
        blocking_keys(canonical, &mut |family, value| keys.push((family.to_string(), value.to_string())));
        keys
    }

    #[test]
    fn blocking_keys_by_family() {
        let pair = |f: &str, v: &str| (f.to_string(), v.to_string());
        assert_eq!(
            keys("darkangel99@gmail.com"),
            [pair("address", "darkangel99@gmail.com"), pair("local", "darkangei99")]
        );
        assert_eq!(keys("bob@gmail.com"), [pair("address", "bob@gmail.com")]);
        assert_eq!(keys("john@gmail"), [pair("address", "john@gmail")]);
        assert_eq!(keys(""), []);
    }

    /// Optimal string alignment distance, the full table.
    fn textbook_distance(a: &[u8], b: &[u8]) -> usize {
        let mut d = vec![vec![0; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[a.len()][b.len()]
    }

    /// The local-part rule as first written, to check [`valid_local`] against.
    fn valid_local_chars(local: &str) -> bool {
        !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| {
                c.is_ascii_alphanumeric() || LOCAL_SYMBOLS.contains(c) || (!c.is_ascii() && c.is_alphanumeric())
            })
    }

    proptest! {
        #[test]
        fn ascii_local_parts_are_checked_as_by_their_characters(local in "[a-z0-9.+_-]{0,70}", odd in "[a.!(: ~]{0,8}") {
            for local in [local, odd] {
                prop_assert_eq!(valid_local(&local), valid_local_chars(&local), "{:?}", local);
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
        fn normalizing_address_like_text_twice_equals_once(
            raw in "(mailto:|<| )?[a-zA-Z0-9.+\\-_'ᄀ-하-ᅵé]{0,12}(@| at |\\[at\\]|@@)?\
                    (gmail|googlemail|gmial|yahoo|hotmail|pm|me|example)?(\\.|\\[dot\\])?(com|me|co|org)?\\.?>?"
        ) {
            let once = normalize(&raw);
            prop_assert_eq!(once.as_deref().and_then(normalize), once.clone());
            if let Some(canonical) = once {
                let _ = (flag(&canonical), local_skeleton(&canonical), parts(&canonical));
                blocking_keys(&canonical, &mut |_, value| assert!(!value.is_empty()));
            }
        }

        #[test]
        fn bounded_distance_agrees_with_the_textbook_one(a in "[a-e.]{0,12}", b in "[a-e.]{0,12}", limit in 0usize..3) {
            let expected = textbook_distance(a.as_bytes(), b.as_bytes()).min(limit + 1);
            prop_assert_eq!(bounded_distance(a.as_bytes(), b.as_bytes(), limit), expected);
        }

        #[test]
        fn helpers_never_panic(raw in any::<String>()) {
            let _ = (is_valid(&raw), parts(&raw), typo_of(&raw), local_skeleton(&raw), flag(&raw));
            blocking_keys(&raw, &mut |_, _| {});
        }
    }
}
