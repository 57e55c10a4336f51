//! Generators for the identifiers a person has (names, dates, usernames, emails, phones, IPs,
//! payment cards) and for the different ways each is written down.

use std::fmt;

use rand::{Rng, RngExt};

use crate::names::{EMAIL_DOMAINS, FIRST_NAMES, HANDLE_WORDS, LAST_NAMES, ascii_fold};

/// Picks from a list ordered most common first: the index is the product of two uniform
/// draws, so the front entries are much more likely (the first of 200 about 3%) while every
/// entry stays possible. Integer-only, so the result is the same on every platform.
pub fn pick_skewed<'a, R: Rng + ?Sized>(rng: &mut R, list: &[&'a str]) -> &'a str {
    let n = list.len();
    let a = rng.random_range(0..n);
    let b = rng.random_range(0..n);
    list[a * b / n]
}

/// Picks from a list uniformly.
pub fn pick<'a, T: ?Sized, R: Rng + ?Sized>(rng: &mut R, list: &[&'a T]) -> &'a T {
    list[rng.random_range(0..list.len())]
}

/// The probability of `i` in [`pick_weighted`]`(weights)`.
fn share_of(weights: &[u32], i: usize) -> f64 {
    f64::from(weights[i]) / f64::from(weights.iter().sum::<u32>())
}

/// Picks an index according to integer weights.
pub fn pick_weighted<R: Rng + ?Sized>(rng: &mut R, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.random_range(0..total);
    for (i, &w) in weights.iter().enumerate() {
        if x < w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A uniformly chosen month and day in a year range (inclusive).
pub fn date_between<R: Rng + ?Sized>(rng: &mut R, from_year: u16, to_year: u16) -> Date {
    let year = rng.random_range(from_year..=to_year.max(from_year));
    let month = rng.random_range(1..=12u8);
    let day = rng.random_range(1..=days_in_month(year, month));
    Date { year, month, day }
}

/// How many persons of a run are expected to share a name or a part of it. A name-derived
/// username or address that others would be expected to have made too gets a number appended,
/// as it would when the plain one is taken: so strangers rarely share an address or a handle,
/// whatever the number of persons.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Crowd {
    /// Persons in the run.
    pub persons: f64,
    /// Expected persons with this first name.
    pub first: f64,
    /// Expected persons with this surname.
    pub last: f64,
    /// Expected persons with this full name.
    pub full: f64,
}

/// Above this expected number of other persons making the same username, a number is appended.
const USERNAME_CROWD_LIMIT: f64 = 0.004;
/// The same for addresses, stricter: strangers sharing a handle on different sites happens,
/// strangers sharing an address does not.
const EMAIL_CROWD_LIMIT: f64 = 0.001;
/// Share of persons with a given first initial, roughly.
pub const INITIAL_SHARE: f64 = 1.0 / 15.0;

impl Crowd {
    /// The crowd around a name drawn with [`pick_skewed`] from [`FIRST_NAMES`] and
    /// [`LAST_NAMES`], in a run of `persons`.
    pub fn new(persons: u64, first: &str, last: &str) -> Self {
        let share = |list: &[&str], name: &str| {
            list.iter().position(|&n| n == name).map_or(0.0, |i| skewed_probability(list.len(), i))
        };
        let persons = persons as f64;
        let (p_first, p_last) = (share(FIRST_NAMES, first), share(LAST_NAMES, last));
        Self { persons, first: persons * p_first, last: persons * p_last, full: persons * p_first * p_last }
    }

    /// `text`, with a number appended when `risk` (the expected number of other persons
    /// making the same string) is above `limit`: two digits, or five when two are not enough.
    /// Returns the text and its remaining risk.
    fn uncrowd<R: Rng + ?Sized>(rng: &mut R, text: String, risk: f64, limit: f64) -> (String, f64) {
        let short = rng.random_range(1..100u32);
        let long = rng.random_range(100..100_000u32);
        if risk <= limit {
            (text, risk)
        } else if risk / 99.0 <= limit {
            (format!("{text}{short}"), risk / 99.0)
        } else {
            (format!("{text}{long}"), risk / 99_900.0)
        }
    }
}

/// What usernames and addresses are derived from: a person's name, birth date, and how common
/// the name is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NameParts<'a> {
    pub first: &'a str,
    pub last: &'a str,
    pub birth: Date,
    pub crowd: Crowd,
}

/// The probability that [`pick_skewed`] returns index `i` of a list of `n`: the share of
/// pairs `(a, b)` in `0..n` with `a * b / n == i`.
pub fn skewed_probability(n: usize, i: usize) -> f64 {
    let (n, i) = (n as u64, i as u64);
    let mut count = if i == 0 { n } else { 0 }; // a = 0
    for a in 1..n {
        let lo = (i * n).div_ceil(a);
        let hi = ((i + 1) * n).div_ceil(a).min(n);
        count += hi.saturating_sub(lo);
    }
    count as f64 / (n * n) as f64
}

/// A username derived from a person's name and birth year, in one of the styles people use:
/// `sarah_anderson`, `s.anderson`, `andersons85`, `sarahanderson1985`, `darkangel99`,
/// `sarah_wolf`, `xXghost7Xx`, … Returns the username and the expected number of other persons
/// in the run who would have made it too.
pub fn username<R: Rng + ?Sized>(rng: &mut R, name: &NameParts<'_>) -> (String, f64) {
    let NameParts { first, last, birth, crowd } = *name;
    let f = ascii_fold(first);
    let l = ascii_fold(last);
    let f0 = &f[..1];
    let yy = birth.year % 100;
    let yyyy = birth.year;
    let word = pick(rng, HANDLE_WORDS);
    let n = rng.random_range(1..1000u32);
    let words = HANDLE_WORDS.len() as f64;
    const WEIGHTS: [u32; 14] = [14, 10, 8, 8, 7, 7, 12, 6, 5, 6, 5, 4, 3, 5];
    let style = pick_weighted(rng, &WEIGHTS);
    // Each style's text, and how many persons of the run would be expected to make it too.
    let (text, risk) = match style {
        0 => (format!("{f}_{l}"), crowd.full),
        1 => (format!("{f}.{l}"), crowd.full),
        2 => (format!("{f0}.{l}"), crowd.last * INITIAL_SHARE),
        3 => (format!("{l}{f0}{yy:02}"), crowd.last * INITIAL_SHARE / 50.0),
        4 => (format!("{f}{l}{yyyy}"), crowd.full / 50.0),
        5 => (format!("{f}{l}{n}"), crowd.full / 999.0),
        6 => (format!("{word}{n}"), crowd.persons / words / 999.0),
        7 => (format!("{word}_{yy:02}"), crowd.persons / words / 50.0),
        8 => (format!("{f}_{word}"), crowd.first / words),
        9 => (format!("{f}{yy:02}"), crowd.first / 50.0),
        10 => (format!("{l}_{f}"), crowd.full),
        11 => (format!("{f0}{l}"), crowd.last * INITIAL_SHARE),
        12 => (format!("xX{word}{n}Xx"), crowd.persons / words / 999.0),
        _ => (format!("{word}{f}"), crowd.first / words),
    };
    let share = share_of(&WEIGHTS, style);
    Crowd::uncrowd(rng, text, risk * share, USERNAME_CROWD_LIMIT)
}

/// A different username the same person would plausibly pick on another account.
pub fn username_variant<R: Rng + ?Sized>(rng: &mut R, current: &str, name: &NameParts<'_>) -> String {
    let variant = match rng.random_range(0..6u32) {
        0 => format!("{current}{}", rng.random_range(1..100u32)),
        1 => {
            let swapped: String = current
                .chars()
                .map(|c| match c {
                    '_' => '.',
                    '.' => '_',
                    c => c,
                })
                .collect();
            if swapped == current { format!("{current}_") } else { swapped }
        }
        2 => format!("{}{current}", pick(rng, &["the", "real", "its", "im", "mr"])),
        3 => format!("{current}{}", pick(rng, &["_x", "x", "_official", "_alt", "2"])),
        4 => current.replace(['_', '.'], ""),
        _ => {
            // A fresh username, perhaps in another style.
            username(rng, name).0
        }
    };
    if variant == current { format!("{current}_{}", rng.random_range(1..10u32)) } else { variant }
}

/// An email domain, drawn by popularity.
pub fn email_domain<R: Rng + ?Sized>(rng: &mut R) -> &'static str {
    let weights: Vec<u32> = EMAIL_DOMAINS.iter().map(|&(_, w)| w).collect();
    EMAIL_DOMAINS[pick_weighted(rng, &weights)].0
}

/// The share of addresses at `domain`.
pub fn domain_share(domain: &str) -> f64 {
    let total: u32 = EMAIL_DOMAINS.iter().map(|&(_, w)| w).sum();
    let weight = EMAIL_DOMAINS.iter().find(|&&(d, _)| d == domain).map_or(1, |&(_, w)| w);
    f64::from(weight) / f64::from(total)
}

/// A local part for an address at `domain`, derived from the name (or the username) in one of
/// the usual styles; a number is appended when the plain one would likely be taken.
/// `username_risk` is the second value [`username`] returned.
pub fn email_local<R: Rng + ?Sized>(
    rng: &mut R,
    name: &NameParts<'_>,
    username: &str,
    username_risk: f64,
    domain: &str,
) -> String {
    let NameParts { first, last, birth, crowd } = *name;
    let f = ascii_fold(first);
    let l = ascii_fold(last);
    let f0 = &f[..1];
    let yy = birth.year % 100;
    let n = rng.random_range(1..1000u32);
    const WEIGHTS: [u32; 11] = [30, 14, 8, 8, 8, 8, 6, 6, 5, 4, 3];
    let style = pick_weighted(rng, &WEIGHTS);
    let (local, risk) = match style {
        0 => (username.to_ascii_lowercase(), username_risk),
        1 => (format!("{f}.{l}"), crowd.full),
        2 => (format!("{f}{l}"), crowd.full),
        3 => (format!("{f}_{l}"), crowd.full),
        4 => (format!("{f0}{l}"), crowd.last * INITIAL_SHARE),
        5 => (format!("{f}.{l}{yy:02}"), crowd.full / 50.0),
        6 => (format!("{f0}.{l}{n}"), crowd.last * INITIAL_SHARE / 999.0),
        7 => (format!("{l}.{f}"), crowd.full),
        8 => (format!("{f}{}", birth.year), crowd.first / 50.0),
        9 => (format!("{f}.{l}.{n}"), crowd.full / 999.0),
        _ => (format!("{l}{f0}{yy:02}"), crowd.last * INITIAL_SHARE / 50.0),
    };
    let risk = risk * share_of(&WEIGHTS, style) * domain_share(domain);
    Crowd::uncrowd(rng, local, risk, EMAIL_CROWD_LIMIT).0
}

/// Joins a local part and a domain, applying the domain's rules (Gmail allows only letters,
/// digits and dots, so underscores become dots there).
pub fn email(local: &str, domain: &str) -> String {
    let mut local: String =
        local.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')).collect();
    if domain == "gmail.com" {
        local = local.replace(['_', '-'], ".");
    }
    // No leading, trailing or doubled dots.
    let parts: Vec<&str> = local.split('.').filter(|p| !p.is_empty()).collect();
    format!("{}@{domain}", parts.join("."))
}

/// A phone number: country calling code and national significant number, digits only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    pub country_code: &'static str,
    pub national: String,
}

impl Phone {
    /// The E.164 form, `+` and digits.
    pub fn e164(&self) -> String {
        format!("+{}{}", self.country_code, self.national)
    }
}

/// Calling code, weight, first digits of mobile (or common) numbers, digits after them.
const PHONE_PLANS: &[(&str, u32, &[&str], usize)] = &[
    (
        "1",
        20,
        &[
            "212", "310", "415", "646", "718", "202", "305", "312", "617", "702", "213", "404", "503", "206", "512",
            "917", "347", "773", "303", "480", "416", "604",
        ],
        7,
    ),
    ("44", 8, &["7"], 9),
    ("49", 7, &["151", "152", "157", "160", "162", "170", "171", "172", "173", "176", "177"], 8),
    ("33", 6, &["6", "7"], 8),
    ("7", 7, &["9"], 9),
    ("91", 8, &["6", "7", "8", "9"], 9),
    ("55", 6, &["119", "219", "319", "419", "519", "619", "719", "819"], 8),
    ("34", 5, &["6", "7"], 8),
    ("39", 5, &["3"], 9),
    ("48", 4, &["5", "6", "7", "8"], 8),
    ("31", 3, &["6"], 8),
    ("234", 3, &["80", "81", "70", "90"], 8),
    ("86", 5, &["13", "15", "17", "18", "19"], 9),
    ("81", 3, &["70", "80", "90"], 8),
    ("90", 4, &["5"], 9),
    ("82", 3, &["10"], 8),
];

/// A random (mobile-looking) phone number in one of a few countries.
pub fn phone<R: Rng + ?Sized>(rng: &mut R) -> Phone {
    let weights: Vec<u32> = PHONE_PLANS.iter().map(|p| p.1).collect();
    let (cc, _, prefixes, rest) = PHONE_PLANS[pick_weighted(rng, &weights)];
    let mut national = pick(rng, prefixes).to_owned();
    // The first digit after the prefix is never 0 or 1 (NANP exchanges need that).
    national.push(char::from(b'0' + rng.random_range(2..10u8)));
    for _ in 1..rest {
        national.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    Phone { country_code: cc, national }
}

/// Splits a national number into the groups people write it in.
fn phone_groups(national: &str) -> Vec<&str> {
    let sizes: &[usize] = match national.len() {
        9 => &[3, 3, 3],
        10 => &[3, 3, 4],
        11 => &[3, 4, 4],
        _ => &[national.len()],
    };
    let mut groups = Vec::with_capacity(sizes.len());
    let mut at = 0;
    for &size in sizes {
        groups.push(&national[at..at + size]);
        at += size;
    }
    groups
}

/// The phone written in one of the ways people write phone numbers.
pub fn format_phone<R: Rng + ?Sized>(rng: &mut R, phone: &Phone) -> String {
    let cc = phone.country_code;
    let nat = &phone.national;
    let groups = phone_groups(nat);
    match pick_weighted(rng, &[30, 20, 12, 10, 8, 10, 6]) {
        0 => format!("+{cc}{nat}"),
        1 => format!("+{cc} {}", groups.join(" ")),
        2 => format!("+{cc}-{}", groups.join("-")),
        3 => format!("00{cc} {}", groups.join(" ")),
        4 => format!("+{cc} ({}) {}", groups[0], groups[1..].join("-")),
        5 => format!("{cc}{nat}"),
        // National format, no country code: only the reader's region tells which country.
        _ if cc == "1" => format!("({}) {}-{}", groups[0], groups[1], groups[2]),
        _ => format!("0{}", groups.join(" ")),
    }
}

/// A public-looking IPv4 address (no private, loopback, link-local or multicast ranges).
pub fn ipv4<R: Rng + ?Sized>(rng: &mut R) -> String {
    let first = loop {
        let o = rng.random_range(1..=223u8);
        if !matches!(o, 10 | 100 | 127 | 169 | 172 | 192 | 198) {
            break o;
        }
    };
    format!("{first}.{}.{}.{}", rng.random_range(0..=255u8), rng.random_range(0..=255u8), rng.random_range(1..=254u8))
}

/// The Luhn check digit for a payload of ASCII digits.
pub fn luhn_check_digit(payload: &str) -> u8 {
    let sum: u32 = payload
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let d2 = d * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Whether a string of digits (separators ignored) passes the Luhn check.
pub fn luhn_valid(number: &str) -> bool {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    match digits.len() {
        0 | 1 => false,
        n => luhn_check_digit(&digits[..n - 1]) == digits.as_bytes()[n - 1] - b'0',
    }
}

/// A 16-digit Visa or Mastercard number with a valid Luhn check digit.
pub fn card_number<R: Rng + ?Sized>(rng: &mut R) -> String {
    let mut number = match rng.random_range(0..10u32) {
        // Visa
        0..=5 => "4".to_owned(),
        // Mastercard, 51–55
        6..=8 => format!("5{}", rng.random_range(1..=5u8)),
        // Mastercard, 2221–2720
        _ => rng.random_range(2221..=2720u16).to_string(),
    };
    while number.len() < 15 {
        number.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    let check = luhn_check_digit(&number);
    number.push(char::from(b'0' + check));
    number
}

/// The card number written plain, spaced or dashed in groups of four.
pub fn format_card<R: Rng + ?Sized>(rng: &mut R, number: &str) -> String {
    let groups: Vec<&str> = (0..number.len()).step_by(4).map(|i| &number[i..(i + 4).min(number.len())]).collect();
    match pick_weighted(rng, &[50, 30, 20]) {
        0 => number.to_owned(),
        1 => groups.join(" "),
        _ => groups.join("-"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, stream};

    #[test]
    fn luhn_known_numbers() {
        assert!(luhn_valid("4111 1111 1111 1111"));
        assert!(luhn_valid("5555-5555-5555-4444"));
        assert!(luhn_valid("79927398713"));
        assert!(!luhn_valid("4111111111111112"));
        assert_eq!(luhn_check_digit("7992739871"), 3);
    }

    #[test]
    fn generated_cards_are_valid() {
        let mut rng = stream(3, Purpose::Card, 0);
        for _ in 0..2000 {
            let card = card_number(&mut rng);
            assert_eq!(card.len(), 16, "{card}");
            assert!(card.bytes().all(|b| b.is_ascii_digit()));
            assert!(card.starts_with('4') || card.starts_with('5') || card.starts_with('2'));
            assert!(luhn_valid(&card), "{card}");
            let written = format_card(&mut rng, &card);
            assert!(luhn_valid(&written), "{written}");
        }
    }

    #[test]
    fn phones_keep_their_digits() {
        let mut rng = stream(3, Purpose::Identity, 0);
        for _ in 0..500 {
            let p = phone(&mut rng);
            let written = format_phone(&mut rng, &p);
            let digits: String = written.chars().filter(char::is_ascii_digit).collect();
            assert!(digits.ends_with(&p.national), "{written} does not end in {}", p.national);
            assert!(p.e164().len() <= 16);
        }
    }

    #[test]
    fn emails_are_well_formed() {
        assert_eq!(email("sarah_anderson", "gmail.com"), "sarah.anderson@gmail.com");
        assert_eq!(email(".o'brien..x.", "gmx.de"), "obrien.x@gmx.de");
        let mut rng = stream(3, Purpose::Identity, 1);
        let birth = Date { year: 1985, month: 3, day: 9 };
        for _ in 0..500 {
            let crowd = Crowd::new(1500, "Zoë", "O'Brien");
            let name = NameParts { first: "Zoë", last: "O'Brien", birth, crowd };
            let (u, risk) = username(&mut rng, &name);
            let domain = email_domain(&mut rng);
            let local = email_local(&mut rng, &name, &u, risk, domain);
            let e = email(&local, domain);
            let (l, d) = e.split_once('@').unwrap();
            assert!(!l.is_empty() && !l.starts_with('.') && !l.ends_with('.'), "{e}");
            assert!(!l.contains(".."), "{e}");
            assert!(d.contains('.'));
            assert!(e.is_ascii());
        }
    }

    #[test]
    fn skewed_probabilities() {
        for n in [1usize, 7, 200] {
            let total: f64 = (0..n).map(|i| skewed_probability(n, i)).sum();
            assert!((total - 1.0).abs() < 1e-9, "{n}: {total}");
        }
        // The front of a list is much more likely than its back.
        assert!(skewed_probability(200, 0) > 0.03);
        assert!(skewed_probability(200, 199) < 0.0001);
        // Counted draws agree with the formula.
        let mut rng = stream(3, Purpose::Name, 1);
        let list: Vec<String> = (0..10).map(|i| i.to_string()).collect();
        let list: Vec<&str> = list.iter().map(String::as_str).collect();
        let mut counts = [0u32; 10];
        for _ in 0..100_000 {
            counts[pick_skewed(&mut rng, &list).parse::<usize>().unwrap()] += 1;
        }
        for (i, &c) in counts.iter().enumerate() {
            let expected = skewed_probability(10, i) * 100_000.0;
            assert!((f64::from(c) - expected).abs() < 5.0 * expected.sqrt() + 5.0, "{i}: {c} vs {expected}");
        }
    }

    #[test]
    fn crowded_names_get_numbers() {
        let birth = Date { year: 1990, month: 1, day: 1 };
        let mut rng = stream(3, Purpose::Identity, 2);
        // In a million persons, James Smith's plain usernames are all taken.
        let crowd = Crowd::new(1_000_000, "James", "Smith");
        for _ in 0..200 {
            let (u, _) = username(&mut rng, &NameParts { first: "James", last: "Smith", birth, crowd });
            assert!(u.bytes().any(|b| b.is_ascii_digit()), "{u}");
        }
        // In a small run, a rare name keeps them.
        let crowd = Crowd::new(100, "Zoë", "Cruz");
        assert!(
            (0..200)
                .any(|_| username(&mut rng, &NameParts { first: "Zoë", last: "Cruz", birth, crowd }).0 == "zoe_cruz")
        );
    }

    #[test]
    fn dates_are_valid() {
        let mut rng = stream(3, Purpose::Name, 0);
        for _ in 0..1000 {
            let d = date_between(&mut rng, 1999, 2001);
            assert!((1999..=2001).contains(&d.year));
            assert!(d.day >= 1 && d.day <= days_in_month(d.year, d.month));
        }
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(Date { year: 2004, month: 7, day: 1 }.to_string(), "2004-07-01");
    }
}
