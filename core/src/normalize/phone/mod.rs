//! Normalization of the `phone` kind to E.164 (`+442079460018`).
//!
//! After the [baseline], the number is parsed with
//! [`phonenumber`] (a port of Google's libphonenumber and its metadata):
//! - a number written internationally (`+44 20 7946 0018`, `0044 …`, and
//!   `001 512 460 9373` as dialled from most countries) parses without a
//!   region; `00` is read as the international prefix whatever the region, as
//!   most of the world dials it;
//! - a national number (`020 7946 0018`) needs the job's default region, an
//!   ISO 3166 code (`GB`), whose trunk and international prefixes (`011` from
//!   the US) then apply too.
//!
//! A number that parses and is valid for its country takes its E.164 form (an
//! extension is dropped). Anything else keeps only its digits, with a leading
//! `+` when it had one, so two unparsed writings of one national number
//! (`020-7946-0018`, `(020) 7946 0018`) still agree; text without a digit stays
//! the baseline text. [`flag`] tells the two apart.
//!
//! Cost: a parse checks the number's validity with its patterns compiled
//! once ([`validity`], the crate's rules without its cache look-ups, which
//! had been two thirds of the time); a second parse checks that the E.164
//! form reads back to itself, unless the text was that form with
//! separators. The run learns validity from [`normalize_checked`] rather
//! than parsing again for [`flag`]. A number whose country code several
//! regions share is parsed told its region ([`region_hint`]), which the
//! crate would otherwise search for through its cache. `phonenumber`
//! matches every pattern through its database's one cache of compiled
//! patterns behind a mutex, so parses on one database barely run in
//! parallel (two threads on one took longer than one alone). A [`Parser`]
//! is a database with its own cache: the process-wide one
//! ([`Parser::shared`]) or one built from the same metadata
//! ([`Parser::new`], ~150 ms) for a thread of its own. Each cache is
//! enlarged (100 patterns by default, which numbers from a few countries
//! overflow, each miss recompiling a pattern) to hold every country's.
//!
//! `phonenumber` builds its database from metadata it keeps private, so
//! the same file, `PhoneNumberMetadata.xml` of libphonenumber 9.0.33 as
//! `phonenumber` 0.3.10 ships it, is kept in `core/assets/phonenumber/`
//! (the crate is pinned to that version; a test checks that both
//! databases read every region's example numbers alike).

use std::panic::{self, AssertUnwindSafe};

use phonenumber::country;
use phonenumber::metadata::{DATABASE, Database};

use super::baseline;

mod validity;

use validity::Validity;

/// The E.164 form of a phone number, else its digits (with a leading `+` when
/// it had one), else the baseline text; `None` for a blank value.
///
/// `default_region` is an ISO 3166 alpha-2 code (`"GB"`, any case) for numbers
/// written without a country code; an unknown code counts as none (check it
/// with [`is_known_region`] when reading the job file).
///
/// ```
/// use sleuth_core::normalize::phone::normalize;
/// assert_eq!(normalize("+44 20 7946 0018", None).as_deref(), Some("+442079460018"));
/// assert_eq!(normalize("020 7946 0018", Some("GB")).as_deref(), Some("+442079460018"));
/// assert_eq!(normalize("001 512 460 9373", None).as_deref(), Some("+15124609373"));
/// assert_eq!(normalize("(020) 7946-0018", None).as_deref(), Some("02079460018"));
/// ```
pub fn normalize(raw: &str, default_region: Option<&str>) -> Option<String> {
    normalize_checked(raw, default_region).map(|(value, _)| value)
}

/// [`normalize`], and whether the result is a valid number's E.164 form
/// (what [`flag`] tells, without parsing the result again).
pub fn normalize_checked(raw: &str, default_region: Option<&str>) -> Option<(String, bool)> {
    Parser::shared().normalize_checked(raw, default_region)
}

/// A phone number parser: `phonenumber`'s metadata with its own cache of
/// compiled patterns, which one thread at a time can use (see the module
/// doc). Every parser gives the same results.
pub struct Parser {
    /// `None`: `phonenumber`'s process-wide database.
    own: Option<Database>,
}

/// The metadata `phonenumber`'s own database is built from.
const METADATA: &str = include_str!("../../../assets/phonenumber/PhoneNumberMetadata.xml");

impl Parser {
    /// The process-wide parser (`phonenumber`'s own database), shared by
    /// every caller.
    pub fn shared() -> &'static Parser {
        static SHARED: std::sync::OnceLock<Parser> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| {
            let parser = Parser { own: None };
            parser.enlarge_cache();
            parser
        })
    }

    /// A parser of its own, built from the same metadata (about 150 ms):
    /// parses on it wait for no other parser's.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Parser {
        let database = Database::parse(METADATA).expect("the vendored metadata is phonenumber's own");
        let parser = Parser { own: Some(database) };
        parser.enlarge_cache();
        parser
    }

    fn database(&self) -> &Database {
        self.own.as_ref().unwrap_or(&DATABASE)
    }

    /// Every pattern goes through one LRU cache of compiled regexes, 100
    /// by default: a few countries' numbers overflow it, and each miss
    /// recompiles (a parse then takes milliseconds, not microseconds).
    /// Room for all of them costs memory only for the countries a job
    /// meets (about 100 KB a pattern, ~40 a country).
    fn enlarge_cache(&self) {
        if let Ok(mut cache) = self.database().cache().lock() {
            cache.set_capacity(REGEX_CACHE_CAPACITY);
        }
    }

    /// [`normalize_checked`] on this parser.
    pub fn normalize_checked(&self, raw: &str, default_region: Option<&str>) -> Option<(String, bool)> {
        let text = baseline::normalize(raw)?;
        let digits = digits_of(&text);
        if digits.trim_start_matches('+').is_empty() {
            return Some((text, false));
        }
        let region = default_region.and_then(region);
        // Whatever canonical form comes out must come out again from itself, so the
        // digits-only form is tried as input too (for idempotence).
        for candidate in [&text, &digits] {
            // A number with its country code is read without the region (this is
            // libphonenumber's rule, but the port lets a region change a few).
            let region = if candidate.starts_with('+') { None } else { region };
            // Without a region only an international number can parse.
            let parses = region.is_some() || candidate.starts_with('+');
            if parses && let Some(e164) = self.parse_valid(candidate, region) {
                return Some((e164, true));
            }
            if let Some(rest) = candidate.strip_prefix("00")
                && let Some(e164) = self.parse_valid(&format!("+{rest}"), None)
            {
                return Some((e164, true));
            }
        }
        Some((digits, false))
    }

    /// The E.164 form of `text` when it parses as a valid number whose
    /// E.164 form parses back to itself. (`phonenumber` reads a few numbers
    /// as others: with region US, `+8811200000000` as `+881200000000`. A
    /// canonical form must be stable, so a number that does not read back
    /// stays unparsed.)
    fn parse_valid(&self, text: &str, region: Option<country::Id>) -> Option<String> {
        let e164 = self.parse_e164(text, region)?;
        // Written with its country code and nothing but separators added, the
        // text reads as its E.164 form does: no second parse is needed.
        let same_digits = text.starts_with('+') && digits_of(text) == e164;
        (same_digits || e164 == text || self.parse_e164(&e164, None).as_deref() == Some(e164.as_str())).then_some(e164)
    }

    /// The E.164 form of `text` when it parses as a valid number.
    ///
    /// `phonenumber` has had panics on crafted input (GHSA-whhr-7f2w-qqj2,
    /// GHSA-mjw4-jj88-v687); a value in someone's data must not stop a job,
    /// so a panic there counts as "does not parse".
    fn parse_e164(&self, text: &str, region: Option<country::Id>) -> Option<String> {
        let database = self.database();
        let region = region.or_else(|| region_hint(text));
        panic::catch_unwind(AssertUnwindSafe(|| {
            let number = phonenumber::parse_with(database, region, text).ok()?;
            // `is_valid_with` and the E.164 format, without the crate's
            // cached pattern look-ups ([`validity`]).
            let (code, national) = (number.country().code(), number.national().to_string());
            Validity::shared().is_valid(code, &national).then(|| format!("+{code}{national}"))
        }))
        .ok()
        .flatten()
    }
}

/// The flag of a number that is not valid.
pub const NOT_VALID: &str = "not a valid phone number";

/// Why a canonical phone value is doubtful, if it is: `"not a valid phone
/// number"` when it is not the E.164 form of a valid number.
///
/// This parses the value again: call it once per distinct value.
///
/// ```
/// use sleuth_core::normalize::phone::flag;
/// assert_eq!(flag("+442079460018"), None);
/// assert_eq!(flag("02079460018"), Some("not a valid phone number"));
/// ```
pub fn flag(canonical: &str) -> Option<&'static str> {
    let valid =
        canonical.starts_with('+') && Parser::shared().parse_valid(canonical, None).as_deref() == Some(canonical);
    (!valid).then_some(NOT_VALID)
}

/// Whether `code` is an ISO 3166 region that phone numbers can be parsed for.
///
/// ```
/// use sleuth_core::normalize::phone::is_known_region;
/// assert!(is_known_region("GB") && is_known_region("us"));
/// assert!(!is_known_region("UK"));
/// ```
pub fn is_known_region(code: &str) -> bool {
    region(code).is_some()
}

/// The families [`blocking_keys`] names its keys by, every one it can emit.
pub const KEY_FAMILIES: &[&str] = &["number", "last7"];

/// Blocking keys of a canonical phone value: family `last7`, its last seven
/// digits, which every writing of the number shares (a national writing of
/// an international one too, when the job has no default region); family
/// `number`, the canonical value, for a value of fewer than seven digits.
/// A number's own key beside `last7` would make a subset of its block: at a
/// million records it was 0.3M of the index's 3.5M terms, for no pair.
pub fn blocking_keys(canonical: &str, emit: &mut dyn FnMut(&str, &str)) {
    if canonical.is_empty() {
        return;
    }
    let digits: String = canonical.chars().filter(char::is_ascii_digit).collect();
    match digits.len().checked_sub(7).map(|start| &digits[start..]) {
        Some(last7) => emit("last7", last7),
        None => emit("number", canonical),
    }
}

/// The region of an ISO 3166 code, when the metadata knows it.
fn region(code: &str) -> Option<country::Id> {
    let id: country::Id = code.trim().to_ascii_uppercase().parse().ok()?;
    DATABASE.by_id(id.as_ref()).is_some().then_some(id)
}

/// The region of an international number whose country code several
/// regions share, as `phonenumber` would find it: told it, the crate reads
/// the number alike without searching the regions' patterns for it
/// (through its locked cache; the search was 40–70% of the parse of a +1
/// or +44 number, `cargo bench --bench identifiers -- phone/`). Only
/// for a `+` and digits with spaces, dots, dashes or brackets between: the
/// crate then keeps every digit after the `+`, so [`Validity::region_of`]
/// sees the digits the crate does. A test parses numbers of every region
/// both ways.
fn region_hint(text: &str) -> Option<country::Id> {
    let rest = text.strip_prefix('+')?;
    let plain = rest.bytes().all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'.' | b'-' | b'(' | b')'));
    if !plain {
        return None;
    }
    Validity::shared().region_of(&digits_of(rest))
}

/// The ASCII digits of `text` (baseline-normalized, so full-width digits are
/// already ASCII), with a `+` in front when `text` starts with one.
fn digits_of(text: &str) -> String {
    let plus = text.starts_with('+').then_some('+');
    plus.into_iter().chain(text.chars().filter(char::is_ascii_digit)).collect()
}

/// Compiled patterns `phonenumber` keeps: enough for every country.
const REGEX_CACHE_CAPACITY: usize = 4096;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A region's example numbers, of every type the metadata describes.
    fn examples_of(metadata: &phonenumber::metadata::Metadata) -> Vec<&str> {
        let d = metadata.descriptors();
        [
            Some(d.general()),
            d.fixed_line(),
            d.mobile(),
            d.toll_free(),
            d.premium_rate(),
            d.shared_cost(),
            d.personal_number(),
            d.voip(),
            d.pager(),
            d.uan(),
            d.voicemail(),
        ]
        .into_iter()
        .flatten()
        .filter_map(|d| d.example())
        .collect()
    }

    #[test]
    fn the_vendored_metadata_is_phonenumbers_own() {
        let own = Parser::new();
        let regions = |database: &Database| {
            database.iter().map(|m| (m.id().to_string(), m.country_code())).collect::<std::collections::BTreeSet<_>>()
        };
        assert_eq!(regions(own.database()), regions(&DATABASE));
        // Every region's example numbers, international and national, read
        // alike by both databases.
        let (mut examples, mut valid) = (0, 0);
        for metadata in DATABASE.iter() {
            for example in examples_of(metadata) {
                let international = format!("+{}{example}", metadata.country_code());
                let shared = Parser::shared().normalize_checked(&international, None);
                assert_eq!(own.normalize_checked(&international, None), shared, "{international}");
                let national = Parser::shared().normalize_checked(example, Some(metadata.id()));
                assert_eq!(
                    own.normalize_checked(example, Some(metadata.id())),
                    national,
                    "{example} in {}",
                    metadata.id()
                );
                examples += 1;
                valid += usize::from(shared.is_some_and(|(_, valid)| valid));
            }
        }
        assert!(examples > 1000 && valid > examples * 9 / 10, "{valid} of {examples} examples valid");
    }

    /// `phonenumber`'s own validity and E.164 form, which
    /// [`Parser::parse_e164`] computes without its pattern cache.
    fn crates_own_e164(database: &Database, text: &str, region: Option<country::Id>) -> Option<String> {
        panic::catch_unwind(AssertUnwindSafe(|| {
            let number = phonenumber::parse_with(database, region, text).ok()?;
            number
                .is_valid_with(database)
                .then(|| number.format_with(database).mode(phonenumber::Mode::E164).to_string())
        }))
        .ok()
        .flatten()
    }

    /// National numbers to try in a region: each example, then numbers
    /// sharing its first digits (most near the boundary of a valid range)
    /// and random digits.
    fn numbers_of(metadata: &phonenumber::metadata::Metadata, rng: &mut impl Rng) -> Vec<String> {
        use rand::RngExt;
        let examples = examples_of(metadata);
        let mut numbers: Vec<String> = examples.iter().map(|e| e.to_string()).collect();
        for example in &examples {
            for _ in 0..12 {
                let keep = rng.random_range(0..=example.len());
                let length = (example.len() + rng.random_range(0..=2)).saturating_sub(1).max(1);
                let mut number: String = example.chars().take(keep.min(length)).collect();
                while number.len() < length {
                    number.push(char::from(b'0' + rng.random_range(0..10u8)));
                }
                numbers.push(number);
            }
        }
        for _ in 0..20 {
            let length = rng.random_range(4..=14);
            numbers.push((0..length).map(|_| char::from(b'0' + rng.random_range(0..10u8))).collect());
        }
        numbers
    }

    /// `phonenumber::parse_with`'s answer, a panic included, as text.
    fn parsed(text: &str, region: Option<country::Id>) -> String {
        let parse = panic::catch_unwind(|| phonenumber::parse_with(&DATABASE, region, text));
        format!("{parse:?}")
    }

    #[test]
    fn the_region_hint_reads_numbers_as_the_crate_does_unhinted() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let (mut checked, mut hinted) = (0, 0);
        for metadata in DATABASE.iter() {
            let code = metadata.country_code();
            for number in numbers_of(metadata, &mut rng) {
                let split = rng.random_range(0..=number.len());
                let (head, tail) = number.split_at(split);
                // Written as people and exports write them; some with the
                // national prefix kept, some with an IDD after the `+`.
                let writings = [
                    format!("+{code}{number}"),
                    format!("+{code} {number}"),
                    format!("+{code}-{head}-{tail}"),
                    format!("+{code} ({head}) {tail}"),
                    format!("+{code}.{head}.{tail}"),
                    format!("+{code} (0){number}"),
                    format!("+{code}0{number}"),
                    format!("+{code}810{number}"),
                    format!("+{code}011{number}"),
                    format!("+0{code}{number}"),
                ];
                for text in writings {
                    let hint = region_hint(&text);
                    assert_eq!(parsed(&text, hint), parsed(&text, None), "{text} told {hint:?}");
                    checked += 1;
                    hinted += usize::from(hint.is_some());
                }
            }
        }
        // A region sharing its code (+1, +7, +44, …) has most of its
        // numbers hinted; about a fifth of the regions do.
        assert!(hinted > checked / 20 && checked > 100_000, "{hinted} of {checked} hinted");
    }

    #[test]
    fn numbers_are_valid_exactly_when_phonenumber_says_so() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let parsers = [Parser::shared(), &Parser::new()];
        let (mut checked, mut valid) = (0, 0);
        for metadata in DATABASE.iter() {
            let code = metadata.country_code();
            for number in numbers_of(metadata, &mut rng) {
                let international = format!("+{code}{number}");
                let expected = crates_own_e164(&DATABASE, &international, None);
                for parser in parsers {
                    assert_eq!(parser.parse_e164(&international, None), expected, "{international}");
                }
                let region = metadata.id().parse().ok();
                let national = crates_own_e164(&DATABASE, &number, region);
                assert_eq!(Parser::shared().parse_e164(&number, region), national, "{number} in {}", metadata.id());
                checked += 2;
                valid += usize::from(expected.is_some()) + usize::from(national.is_some());
            }
        }
        assert!(checked > 20_000 && valid > checked / 10 && valid < checked * 9 / 10, "{valid} of {checked} valid");
    }

    #[test]
    fn the_run_learns_validity_as_flag_tells_it() {
        for raw in
            ["+44 20 7946 0018", "+48-886-273-639", "0044 20 7946 0018", "020 7946 0018", "+1 555", "call me", "12"]
        {
            for region in [None, Some("GB")] {
                let (value, valid) = normalize_checked(raw, region).unwrap();
                assert_eq!(valid, flag(&value).is_none(), "{raw} in {region:?}: {value}");
                assert_eq!(normalize(&value, region).as_deref(), Some(value.as_str()), "{raw} in {region:?}");
            }
        }
    }

    #[test]
    fn numbers_take_their_e164_form() {
        let cases = [
            ("+44 20 7946 0018", None, "+442079460018"),
            ("+44 (0)20 7946 0018", None, "+442079460018"),
            ("020 7946 0018", Some("GB"), "+442079460018"),
            ("020 7946 0018", Some("gb"), "+442079460018"),
            ("0044 20 7946 0018", None, "+442079460018"),
            ("0044 20 7946 0018", Some("US"), "+442079460018"),
            ("011 44 20 7946 0018", Some("US"), "+442079460018"),
            ("07911 123456", Some("GB"), "+447911123456"),
            // Ofcom's range for drama (07700 900xxx) is no one's number.
            ("07700 900123", Some("GB"), "07700900123"),
            ("+1-512-460-9373", None, "+15124609373"),
            ("001 512 460 9373", None, "+15124609373"),
            ("(512) 460-9373", Some("US"), "+15124609373"),
            ("512.460.9373 ext. 42", Some("US"), "+15124609373"),
            ("+49 30 901820", None, "+4930901820"),
            ("030 901820", Some("DE"), "+4930901820"),
            ("+33 1 42 68 53 00", None, "+33142685300"),
            ("＋４４ ２０ ７９４６ ００１８", None, "+442079460018"),
            // National numbers without a region, and invalid numbers: digits.
            ("020 7946 0018", None, "02079460018"),
            ("(020) 7946-0018", None, "02079460018"),
            ("020 7946 0018", Some("XX"), "02079460018"),
            ("+44 20 7946 001", None, "+44207946001"),
            ("12345", Some("GB"), "12345"),
            ("+", None, "+"),
            ("unknown", None, "unknown"),
        ];
        for (raw, region, expected) in cases {
            assert_eq!(normalize(raw, region).as_deref(), Some(expected), "{raw} in {region:?}");
        }
        assert_eq!(normalize("  ", Some("GB")), None);
    }

    #[test]
    fn the_flag_marks_what_did_not_parse() {
        assert_eq!(flag("+442079460018"), None);
        assert_eq!(flag("+15124609373"), None);
        for canonical in ["02079460018", "+44207946001", "12345", "unknown", "", "+"] {
            assert_eq!(flag(canonical), Some("not a valid phone number"), "{canonical}");
        }
    }

    #[test]
    fn blocking_keys_are_the_last_seven_digits_or_a_short_number() {
        let keys = |canonical: &str| {
            let mut keys = Vec::new();
            blocking_keys(canonical, &mut |family, key| keys.push(format!("{family}:{key}")));
            keys
        };
        assert_eq!(keys("+442079460018"), ["last7:9460018"]);
        assert_eq!(keys("02079460018"), ["last7:9460018"]);
        assert_eq!(keys("12345"), ["number:12345"]);
        assert!(keys("").is_empty());
    }

    #[test]
    fn regions_are_iso_codes_with_metadata() {
        assert!(is_known_region("GB"));
        assert!(is_known_region(" de "));
        for code in ["UK", "", "EU", "GBR", "é"] {
            assert!(!is_known_region(code), "{code}");
        }
    }

    const REGIONS: [Option<&str>; 5] = [None, Some("GB"), Some("US"), Some("DE"), Some("IN")];

    proptest! {
        #[test]
        fn international_numbers_normalize_once_and_know_their_validity(
            raw in "\\+[0-9]{1,3}[ .-]?[0-9]{2,4}[ .-]?[0-9]{3,4}[ .-]?[0-9]{2,4}",
            region in 0..REGIONS.len(),
        ) {
            let region = REGIONS[region];
            let (value, valid) = normalize_checked(&raw, region).unwrap();
            prop_assert_eq!(normalize(&value, region), Some(value.clone()));
            prop_assert_eq!(valid, flag(&value).is_none());
        }

        #[test]
        fn normalizing_twice_equals_once(raw in any::<String>(), region in 0..REGIONS.len()) {
            let region = REGIONS[region];
            let once = normalize(&raw, region);
            prop_assert_eq!(once.as_deref().and_then(|c| normalize(c, region)), once.clone());
            if let Some(canonical) = once {
                let _ = flag(&canonical);
            }
        }

        #[test]
        fn number_like_text_normalizes_to_a_fixed_point(
            raw in "(\\+|00|011)?[ (]?[0-9]{1,4}[) .-]?[0-9]{2,5}[ .-]?[0-9]{2,6}( ?x[0-9]{1,4})?",
            region in 0..REGIONS.len(),
        ) {
            let region = REGIONS[region];
            let once = normalize(&raw, region);
            prop_assert_eq!(once.as_deref().and_then(|c| normalize(c, region)), once.clone());
            let once = once.unwrap();
            if flag(&once).is_none() {
                prop_assert_eq!(normalize(&once, None), Some(once));
            }
        }
    }
}
