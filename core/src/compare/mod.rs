//! Comparisons: how much two records' values of one attribute agree.
//!
//! A [`Comparison`] maps the values of one attribute on two records to an
//! agreement [`Level`]: level 0 is exact agreement of the normalized values,
//! then the levels of its [`Method`]: string similarity bands (Jaro–Winkler ≥
//! 0.92, edit distance ≤ 1, …) or the identifier-aware levels of a kind
//! ([`Identifier`]: username skeletons, email local parts and domains, masked
//! cards, …), then "different". When either record has no value the level is
//! [`Level::MISSING`], which scoring treats as no evidence. Multi-valued
//! attributes agree as well as their best-agreeing pair of values.
//!
//! A comparison can also cross two attributes ([`Comparison::across`]): an
//! email's local part against a username, in both directions.
//!
//! This is the only module that imports strsim.

pub mod card;
pub mod date;
mod defaults;
pub mod email;
pub mod handle;
pub mod ip;
pub mod name;
pub mod phone;
pub mod prepared;
pub mod similarity;
pub mod username;

pub use defaults::{default_damping, default_group, default_method};
use prepared::Side;
pub use prepared::{Forms, Prepared, Value};

use rayon::prelude::*;
use serde::Serialize;

use crate::record::{AttributeKind, Record, RecordIndex, ValueList};

/// An agreement level: 0 is the best; [`Level::MISSING`] means no evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Level(pub u8);

impl Level {
    /// Either record has no value for the attribute.
    pub const MISSING: Level = Level(u8::MAX);

    /// Whether this level carries evidence.
    pub fn is_missing(self) -> bool {
        self == Level::MISSING
    }
}

/// The identifier-aware comparators, one per kind that has its own rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Identifier {
    /// Usernames: skeletons, digit suffixes ([`username`]).
    Username,
    /// Emails: canonical addresses, local parts and domains ([`email`]).
    Email,
    /// An email's local part against a username, by skeleton ([`handle`]).
    Handle,
    /// A person's name against a username ([`handle::name_level`]).
    NameHandle,
    /// Payment cards, full or masked ([`card`]).
    Card,
    /// Phone numbers ([`phone`]).
    Phone,
    /// Person names: token order, nicknames, initials, sound ([`name`]).
    Name,
    /// Dates: day/month swaps, typos ([`date`]).
    Date,
    /// IP addresses: same network ([`ip`]).
    Ip,
}

impl Identifier {
    /// The comparator of a kind, when it has one.
    pub fn for_kind(kind: AttributeKind) -> Option<Identifier> {
        use AttributeKind::*;
        match kind {
            Username => Some(Identifier::Username),
            Email => Some(Identifier::Email),
            Card => Some(Identifier::Card),
            Phone => Some(Identifier::Phone),
            Name => Some(Identifier::Name),
            Date => Some(Identifier::Date),
            Ip => Some(Identifier::Ip),
            Iban | CryptoWallet | Postcode | Address | Text | Id => None,
        }
    }

    /// Level labels, best first, the last one "different".
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Identifier::Username => username::LEVELS,
            Identifier::Email => email::LEVELS,
            Identifier::Handle => handle::LEVELS,
            Identifier::NameHandle => handle::NAME_LEVELS,
            Identifier::Card => card::LEVELS,
            Identifier::Phone => phone::LEVELS,
            Identifier::Name => name::LEVELS,
            Identifier::Date => date::LEVELS,
            Identifier::Ip => ip::LEVELS,
        }
    }

    /// The level of two normalized values.
    pub fn level(self, a: &str, b: &str) -> usize {
        self.level_of(Value::plain(a), Value::plain(b))
    }

    /// The level of two normalized values with their prepared forms.
    pub fn level_of(self, a: Value, b: Value) -> usize {
        match self {
            Identifier::Username => username::level_of(a, b),
            Identifier::Email => email::level_of(a, b),
            Identifier::Handle => handle::level_of(a, b),
            Identifier::NameHandle => handle::name_level_of(a, b),
            Identifier::Card => card::level(a.text, b.text),
            Identifier::Phone => phone::level_of(a, b),
            Identifier::Name => name::level_of(a, b),
            Identifier::Date => date::level(a.text, b.text),
            Identifier::Ip => ip::level_of(a, b),
        }
    }
}

/// How values are compared beyond exact equality.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// Equal or different: two levels.
    Exact,
    /// The identifier-aware levels of a kind.
    Identifier(Identifier),
    /// Jaro–Winkler similarity of at least each threshold (descending).
    JaroWinkler(Vec<f64>),
    /// Jaro similarity of at least each threshold (descending).
    Jaro(Vec<f64>),
    /// Levenshtein distance of at most each limit (ascending).
    Levenshtein(Vec<usize>),
    /// Damerau–Levenshtein distance of at most each limit (ascending).
    DamerauLevenshtein(Vec<usize>),
    /// A matcher plugin (index in the job's matchers) with its declared
    /// levels. Its levels come in batches from the plugin
    /// ([`crate::plugin::matcher`]), not from [`Method::level`].
    Plugin {
        /// The matcher's index in [`crate::config::Job::matchers`].
        matcher: usize,
        /// Its levels, strongest agreement first.
        levels: Vec<String>,
    },
}

impl Method {
    /// Levels this method gives, not counting [`Level::MISSING`]: exact, each
    /// band, different.
    pub fn level_count(&self) -> usize {
        if let Method::Plugin { levels, .. } = self {
            return levels.len();
        }
        2 + match self {
            Method::Exact => 0,
            Method::Identifier(identifier) => identifier.levels().len() - 2,
            Method::JaroWinkler(t) | Method::Jaro(t) => t.len(),
            Method::Levenshtein(d) | Method::DamerauLevenshtein(d) => d.len(),
            Method::Plugin { .. } => 0,
        }
    }

    /// A short label per level for people: `exact`, `jw>=0.92`, `lev<=1`, `different`.
    pub fn level_labels(&self) -> Vec<String> {
        match self {
            Method::Identifier(identifier) => return identifier.levels().iter().map(|l| l.to_string()).collect(),
            Method::Plugin { levels, .. } => return levels.clone(),
            _ => {}
        }
        let mut labels = vec!["exact".to_string()];
        match self {
            Method::Exact | Method::Identifier(_) | Method::Plugin { .. } => {}
            Method::JaroWinkler(t) => labels.extend(t.iter().map(|t| format!("jw>={t}"))),
            Method::Jaro(t) => labels.extend(t.iter().map(|t| format!("jaro>={t}"))),
            Method::Levenshtein(d) => labels.extend(d.iter().map(|d| format!("lev<={d}"))),
            Method::DamerauLevenshtein(d) => labels.extend(d.iter().map(|d| format!("dl<={d}"))),
        }
        labels.push("different".to_string());
        labels
    }

    /// The level of two single normalized values.
    pub fn level(&self, a: &str, b: &str) -> Level {
        self.level_of(Value::plain(a), Value::plain(b))
    }

    /// The level of two single normalized values with their prepared forms.
    pub fn level_of(&self, a: Value, b: Value) -> Level {
        // An identifier comparator decides even for equal strings: two equal
        // masked card numbers are not the same card.
        match self {
            Method::Identifier(identifier) => return Level(identifier.level_of(a, b) as u8),
            Method::Plugin { .. } => return Level::MISSING,
            _ => {}
        }
        let (a, b) = (a.text, b.text);
        if a == b {
            return Level(0);
        }
        let band = match self {
            Method::Exact | Method::Identifier(_) | Method::Plugin { .. } => None,
            Method::JaroWinkler(t) => match t.last() {
                Some(&lowest) => similarity::jaro_winkler_reaching(a, b, lowest).and_then(|s| band_at_least(s, t)),
                None => None,
            },
            Method::Jaro(t) => band_at_least(strsim::jaro(a, b), t),
            Method::Levenshtein(d) => band_at_most(strsim::levenshtein(a, b), d),
            Method::DamerauLevenshtein(d) => band_at_most(strsim::damerau_levenshtein(a, b), d),
        };
        Level(band.map_or(self.level_count() - 1, |band| band + 1) as u8)
    }
}

fn band_at_least(similarity: f64, thresholds: &[f64]) -> Option<usize> {
    thresholds.iter().position(|&t| similarity >= t)
}

fn band_at_most(distance: usize, limits: &[usize]) -> Option<usize> {
    limits.iter().position(|&d| distance <= d)
}

/// One comparison of the scoring model.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Its name in outputs (the attribute's name).
    pub name: String,
    /// The attribute compared (index in the job's attributes).
    pub attribute: usize,
    /// A second attribute: when set, this attribute of each record is compared
    /// with the other attribute of the other record, in both directions.
    pub across: Option<usize>,
    /// Comparisons of one group are correlated evidence (an email local part
    /// and a username both derived from a name): a pair's weight takes the
    /// strongest agreement of a group, not their sum.
    pub group: Option<String>,
    /// How values are compared.
    pub method: Method,
    /// Whether agreeing on a common value counts for less.
    pub damp_common_values: bool,
}

impl Comparison {
    /// The level of two records' values: the best over all pairs of values,
    /// or [`Level::MISSING`] when either side has none.
    pub fn compare(&self, a: ValueList, b: ValueList) -> Level {
        self.compare_sides(Side::Plain(a), Side::Plain(b))
    }

    /// [`Self::compare`] of two sides' values.
    fn compare_sides(&self, a: Side, b: Side) -> Level {
        let mut best = Level::MISSING;
        for i in 0..a.len() {
            for j in 0..b.len() {
                let level = self.method.level_of(a.get(i), b.get(j));
                if level < best {
                    best = level;
                    if level == Level(0) {
                        return best;
                    }
                }
            }
        }
        best
    }

    /// Whether exact agreement identifies one person: an email address, a
    /// card or a phone number are rarely shared by strangers (common values
    /// aside, which damping handles).
    pub fn identifies(&self) -> bool {
        self.across.is_none()
            && matches!(self.method, Method::Identifier(Identifier::Email | Identifier::Card | Identifier::Phone))
    }

    /// The level of records `a` and `b` of `records` under this
    /// comparison, with their forms in `prepared`.
    pub fn compare_records(
        &self,
        records: &[Record],
        prepared: &Prepared,
        (a, b): (RecordIndex, RecordIndex),
    ) -> Level {
        if let Method::Plugin { .. } = self.method {
            return Level::MISSING;
        }
        let side = |r: RecordIndex, attribute: usize| prepared.side(records, r, attribute);
        let compare = |a, b| self.compare_sides(a, b);
        match self.across {
            None => compare(side(a, self.attribute), side(b, self.attribute)),
            // The comparator takes this attribute's value first (an email,
            // a name) and the other's second (a username): `a`'s email
            // against `b`'s username, then `b`'s email against `a`'s username.
            Some(other) => {
                compare(side(a, self.attribute), side(b, other)).min(compare(side(b, self.attribute), side(a, other)))
            }
        }
    }

    /// Which of `a`'s values `b` has too, the first, when they agree exactly.
    pub fn shared_value(&self, a: ValueList, b: ValueList) -> Option<usize> {
        a.iter().position(|x| b.contains(x))
    }
}

/// The comparison vectors of `pairs`: for pair `i`, its level under
/// comparison `k` is at `i * comparisons.len() + k`. Computed in parallel; the
/// result does not depend on the thread count, nor on what `prepared` holds
/// (forms it lacks are made per pair).
pub fn comparison_vectors(
    comparisons: &[Comparison],
    records: &[Record],
    prepared: &Prepared,
    pairs: &[(RecordIndex, RecordIndex)],
) -> Vec<Level> {
    let width = comparisons.len();
    let mut levels = vec![Level::MISSING; pairs.len() * width];
    if width == 0 {
        return levels;
    }
    // Pairs come sorted by their first record, so their second ones are
    // far apart in the columns: each is asked for some pairs ahead
    // ([`Prepared::prefetch_starts`]), where its entries are first, then
    // the entries, then their texts.
    const AHEAD: usize = 8;
    const STEP: usize = 4096;
    levels.par_chunks_mut(STEP * width).zip(pairs.par_chunks(STEP)).for_each(|(vectors, pairs)| {
        for (i, (vector, &pair)) in vectors.chunks_mut(width).zip(pairs).enumerate() {
            if let Some(&(_, b)) = pairs.get(i + 3 * AHEAD) {
                prepared.prefetch_starts(b);
            }
            if let Some(&(_, b)) = pairs.get(i + 2 * AHEAD) {
                prepared.prefetch_entries(b);
            }
            if let Some(&(_, b)) = pairs.get(i + AHEAD) {
                prepared.prefetch_texts(b);
            }
            for (level, comparison) in vector.iter_mut().zip(comparisons) {
                *level = comparison.compare_records(records, prepared, pair);
            }
        }
    });
    levels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handles::Handles;
    use crate::record::Values;

    fn values(v: &[&str]) -> Values {
        Values::from_lists([v])
    }

    #[test]
    fn levels_follow_the_bands() {
        let jw = Method::JaroWinkler(vec![0.92, 0.8]);
        assert_eq!(jw.level("martha", "martha"), Level(0));
        assert_eq!(jw.level("martha", "marhta"), Level(1));
        assert_eq!(jw.level("dixon", "dicksonx"), Level(2));
        assert_eq!(jw.level("abc", "xyz"), Level(3));
        let dl = Method::DamerauLevenshtein(vec![1, 2]);
        assert_eq!(dl.level("19700412", "19700421"), Level(1));
        assert_eq!(dl.level("19700412", "19710421"), Level(2));
        assert_eq!(dl.level("19700412", "20011231"), Level(3));
        assert_eq!(Method::Exact.level("a", "b"), Level(1));
    }

    #[test]
    fn multi_valued_attributes_take_the_best_pair() {
        let comparison = Comparison {
            name: "email".into(),
            attribute: 0,
            across: None,
            group: None,
            method: Method::JaroWinkler(vec![0.9]),
            damp_common_values: true,
        };
        let a = values(&["x@example.org", "sarah@gmail.com"]);
        let b = values(&["sarah@gmail.com"]);
        let (a, b, none) = (a.of(0), b.of(0), values(&[]));
        assert_eq!(comparison.compare(a, b), Level(0));
        assert_eq!(comparison.shared_value(a, b), Some(1), "a's second value, sarah@gmail.com");
        assert_eq!(comparison.compare(a, none.of(0)), Level::MISSING);
        assert_eq!(comparison.compare(b, a), comparison.compare(a, b));
    }

    #[test]
    fn a_comparison_across_attributes_meets_in_both_directions() {
        // Attribute 0 is an email, 1 a username; either record may hold either.
        let record = |email: &[&str], username: &[&str]| Record {
            line: 1,
            normalized: Values::from_lists([email, username]),
            ..Record::default()
        };
        let comparison = Comparison {
            name: "email_username".into(),
            attribute: 0,
            across: Some(1),
            group: None,
            method: Method::Identifier(Identifier::Handle),
            damp_common_values: false,
        };
        let skeleton = Level(handle::LEVELS.iter().position(|&l| l == "skeleton").unwrap() as u8);
        let username_first = [record(&[], &["darkangel99"]), record(&["dark.angel99@gmail.com"], &[])];
        let email_first = [record(&["dark.angel99@gmail.com"], &[]), record(&[], &["darkangel99"])];
        for records in [&username_first, &email_first] {
            let handles = Handles::new(records, &[AttributeKind::Email, AttributeKind::Username]);
            for prepared in
                [Prepared::new(std::slice::from_ref(&comparison), records, &handles, 2), Prepared::default()]
            {
                assert_eq!(comparison.compare_records(records, &prepared, (0, 1)), skeleton);
            }
        }
        let strangers = [record(&["mike@gmail.com"], &["darkangel99"]), record(&["sarah@gmail.com"], &["bob"])];
        let handles = Handles::new(&strangers, &[AttributeKind::Email, AttributeKind::Username]);
        let prepared = Prepared::new(std::slice::from_ref(&comparison), &strangers, &handles, 2);
        assert_eq!(comparison.compare_records(&strangers, &prepared, (0, 1)), Level(handle::LEVELS.len() as u8 - 1));
    }

    #[test]
    fn labels_match_the_level_count() {
        for method in [Method::Exact, Method::JaroWinkler(vec![0.9, 0.8]), Method::Levenshtein(vec![1])] {
            assert_eq!(method.level_labels().len(), method.level_count());
        }
    }
}
