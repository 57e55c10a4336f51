//! Whether a parsed number is valid, by `phonenumber`'s own rules, with its
//! patterns compiled once.
//!
//! `phonenumber::PhoneNumber::is_valid_with` finds the number's region
//! (`validator::source_for`) and matches it against up to eleven patterns
//! (`validator::number_type`), each looked up by its text in the database's
//! one LRU cache of compiled patterns: a lock, a SipHash of the pattern's
//! text and a list update per pattern. At a million records those look-ups
//! and the E.164 formatting (which picks a display format it then does not
//! use) were two thirds of the time phone numbers took. No library offers
//! the rules without the cache, so they are written here, over the same
//! metadata: each country code's patterns are compiled the first time a
//! number of that code is checked, and matched with no lock.
//!
//! The same rules tell which region a number of a country code several
//! regions share (+1, +7, +44, …) belongs to ([`Validity::region_of`]):
//! parsing without a region, the crate searches for it
//! (`validator::source_for`, the same patterns through the same cache) to
//! strip the right national prefix; told the region, it does not search.
//!
//! The rules are the pinned crate's (`=0.3.10`), to the letter: a pattern
//! matches when it matches from the value's first character (the crate's
//! `find(..).start() == 0`, not a whole-value match), after the descriptor's
//! possible lengths allow the value's. A test compares both on every
//! region's example numbers and on random numbers of every country code.

use std::collections::HashMap;
use std::sync::OnceLock;

use phonenumber::country;
use phonenumber::metadata::{DATABASE, Database, Descriptor, Metadata};
use regex::{Regex, RegexBuilder};

/// The validity rules of every country code of `phonenumber`'s metadata
/// (every parser's, whichever database instance it holds), compiled as
/// numbers of each code come, once for all threads.
pub(super) struct Validity {
    codes: HashMap<u16, OnceLock<Regions>>,
}

/// The regions a country code is shared by, and how a number picks one.
enum Regions {
    /// One region (or a non-geographic code): its rules, or none when the
    /// crate cannot name the region.
    One(Option<Rules>),
    /// Several regions in the metadata's order: a region with leading
    /// digits takes a number they match (valid or not); one without takes
    /// a number valid in it.
    Several(Vec<Region>),
}

/// One of the regions a country code is shared by.
struct Region {
    /// `None` when `country::Id` has no name for it.
    id: Option<country::Id>,
    /// The first digits of its numbers, when it has them.
    leading: Option<Pattern>,
    /// Its international (IDD) prefix, which the crate strips after a `+`
    /// when told the region.
    international_prefix: Option<Pattern>,
    rules: Rules,
}

/// One region's patterns.
struct Rules {
    /// Every valid number matches it.
    general: Pattern,
    /// The number types' patterns (premium rate, toll free, …, mobile):
    /// a valid number matches one.
    types: Vec<Pattern>,
}

/// A descriptor's pattern, anchored at the value's start.
struct Pattern {
    /// Lengths a matching value may have; empty allows any.
    lengths: Vec<u16>,
    regex: Regex,
}

impl Validity {
    /// The process-wide rules.
    pub(super) fn shared() -> &'static Validity {
        static SHARED: OnceLock<Validity> = OnceLock::new();
        SHARED.get_or_init(|| Validity {
            codes: DATABASE.iter().map(|metadata| (metadata.country_code(), OnceLock::new())).collect(),
        })
    }

    /// Whether the number with country code `code` and national number
    /// `national` (leading zeros included) is valid, as `is_valid_with`
    /// tells.
    pub(super) fn is_valid(&self, code: u16, national: &str) -> bool {
        match self.regions(code) {
            None => false,
            Some(Regions::One(rules)) => rules.as_ref().is_some_and(|rules| rules.is_valid(national)),
            Some(Regions::Several(regions)) => {
                Regions::pick(regions, national).is_some_and(|(region, valid)| valid || region.rules.is_valid(national))
            }
        }
    }

    /// The region the crate reads the number `+<digits>` in (`digits` being
    /// the country code and the national number, as the crate keeps them
    /// after the `+`) when its country code is shared by several regions;
    /// `None` when the code is one region's, when no region takes the
    /// number, or when that region's international prefix would be read
    /// in `digits` (told the region, the crate would strip it; no region of
    /// the pinned metadata sharing a code has a prefix that starts with the
    /// code's digits, but an update could bring one).
    pub(super) fn region_of(&self, digits: &str) -> Option<country::Id> {
        // The crate's `helper::country_code`: the shortest prefix that is a
        // known code (codes are prefix-free), never one starting with 0.
        if digits.starts_with('0') {
            return None;
        }
        let (code, national) = (1..digits.len().min(4)).find_map(|len| {
            let code: u16 = digits[..len].parse().ok()?;
            self.codes.contains_key(&code).then(|| (code, &digits[len..]))
        })?;
        let Some(Regions::Several(regions)) = self.regions(code) else { return None };
        let (region, _) = Regions::pick(regions, national.trim_start_matches('0'))?;
        let prefix_read = region.international_prefix.as_ref().is_some_and(|prefix| prefix.regex.is_match(digits));
        if prefix_read { None } else { region.id }
    }

    fn regions(&self, code: u16) -> Option<&Regions> {
        Some(self.codes.get(&code)?.get_or_init(|| Regions::of(&DATABASE, code)))
    }
}

impl Regions {
    /// As `validator::source_for` and `is_valid_with` pick the metadata.
    fn of(database: &Database, code: u16) -> Regions {
        let ids = database.region(&code).unwrap_or_default();
        match ids.as_slice() {
            [] => Regions::One(None),
            ["001"] => Regions::One(database.by_code(&code).and_then(|m| m.into_iter().next()).map(Rules::of)),
            [id] => {
                Regions::One(id.parse::<country::Id>().ok().and_then(|id| database.by_id(id.as_ref())).map(Rules::of))
            }
            several => Regions::Several(
                several
                    .iter()
                    .filter_map(|id| database.by_id(*id))
                    .map(|metadata| Region {
                        id: metadata.id().parse().ok(),
                        leading: metadata.leading_digits().map(|regex| Pattern::new(regex.as_str(), &[])),
                        international_prefix: metadata
                            .international_prefix()
                            .map(|regex| Pattern::new(regex.as_str(), &[])),
                        rules: Rules::of(metadata),
                    })
                    .collect(),
            ),
        }
    }

    /// `validator::source_for`'s pick among regions sharing a code: the
    /// first whose leading digits `national` starts with, or the first
    /// without leading digits in which it is valid (the `bool`: known valid).
    fn pick<'a>(regions: &'a [Region], national: &str) -> Option<(&'a Region, bool)> {
        regions.iter().find_map(|region| match &region.leading {
            Some(leading) => leading.regex.is_match(national).then_some((region, false)),
            None => region.rules.is_valid(national).then_some((region, true)),
        })
    }
}

impl Rules {
    fn of(metadata: &Metadata) -> Rules {
        let d = metadata.descriptors();
        // `number_type`'s order; for validity only whether one matches counts.
        let types = [
            d.premium_rate(),
            d.toll_free(),
            d.shared_cost(),
            d.voip(),
            d.personal_number(),
            d.pager(),
            d.uan(),
            d.voicemail(),
            d.fixed_line(),
            d.mobile(),
        ];
        Rules { general: Pattern::of(d.general()), types: types.into_iter().flatten().map(Pattern::of).collect() }
    }

    /// `number_type(..) != Type::Unknown`.
    fn is_valid(&self, national: &str) -> bool {
        self.general.matches(national) && self.types.iter().any(|pattern| pattern.matches(national))
    }
}

impl Pattern {
    fn of(descriptor: &Descriptor) -> Pattern {
        Pattern::new(descriptor.national_number().as_str(), descriptor.possible_length())
    }

    /// The metadata's patterns are written to be read ignoring whitespace,
    /// as the crate compiles them; the closing parenthesis goes on a line of
    /// its own, after any comment.
    fn new(source: &str, lengths: &[u16]) -> Pattern {
        let regex = RegexBuilder::new(&format!("^(?:{source}\n)"))
            .ignore_whitespace(true)
            .build()
            .expect("phonenumber compiles the same pattern");
        Pattern { lengths: lengths.to_vec(), regex }
    }

    /// `Descriptor::is_match`.
    fn matches(&self, value: &str) -> bool {
        (self.lengths.is_empty() || self.lengths.contains(&(value.len() as u16))) && self.regex.is_match(value)
    }
}
