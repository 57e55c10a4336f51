//! Blocking keys: the values two records must share to become a candidate pair.
//!
//! Each key is made from one attribute's normalized values by a [`KeyMethod`]
//! and written to the index as [`Term`]s, a value under a name
//! (`username.ngram=ande`; the index keeps each name's values in a field of
//! its own); every term of the index is then a block (see `candidates`).
//! Defaults come from the attribute kinds: identifier kinds use their own
//! keys ([`KeyMethod::Kind`]: username skeletons and their n-grams, canonical
//! emails, card BIN and last four, phonetic name keys, …), each family of
//! them under a name of its own. Username skeletons and email local-part
//! skeletons share the name `handle`, so an email and a username made from
//! one handle meet in one block across kinds.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::handles;
use crate::normalize;
use crate::record::{AttributeKind, Record};

/// How a blocking key is made from an attribute's normalized values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyMethod {
    /// The keys of the attribute's kind (see the kind's normalize module).
    Kind,
    /// The whole normalized value.
    Exact,
    /// Each whitespace-separated token of the value.
    Token,
    /// The first `length` characters of the value.
    Prefix,
    /// Each run of `length` characters of the value.
    Ngram,
}

impl KeyMethod {
    /// The length used when the job file gives none.
    pub fn default_length(self) -> usize {
        match self {
            KeyMethod::Prefix => 4,
            KeyMethod::Ngram => 3,
            KeyMethod::Kind | KeyMethod::Exact | KeyMethod::Token => 0,
        }
    }
}

/// One blocking key of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockingKey {
    /// A name unique in the job, naming the key's terms: `email`, `name.token`.
    pub name: String,
    /// The attribute the key is made from.
    pub attribute: usize,
    /// The attribute's kind.
    pub kind: AttributeKind,
    /// How the key is made.
    pub method: KeyMethod,
    /// Characters, for prefix and n-gram keys.
    pub length: usize,
    /// The names the key's terms take, with the family of the kind's keys
    /// each stands for (`""` for the others) and their strength.
    #[serde(skip)]
    names: Vec<(&'static str, String, Strength)>,
}

/// The family of a name's handles (see [`crate::compare::handle::name_handles`]),
/// blocked beside the kind's own keys.
const NAME_HANDLES: &str = "handles";

impl BlockingKey {
    /// A key over `attribute` named after it and the method.
    pub fn new(attribute_name: &str, attribute: usize, kind: AttributeKind, method: KeyMethod, length: usize) -> Self {
        let name = match method {
            KeyMethod::Kind | KeyMethod::Exact => attribute_name.to_string(),
            KeyMethod::Token => format!("{attribute_name}.token"),
            KeyMethod::Prefix => format!("{attribute_name}.prefix{length}"),
            KeyMethod::Ngram => format!("{attribute_name}.ngram{length}"),
        };
        let names = if method == KeyMethod::Kind {
            let handles = if kind == AttributeKind::Name { &[NAME_HANDLES][..] } else { &[] };
            kind_families(kind)
                .iter()
                .chain(handles)
                .map(|&family| {
                    let term_name = match (kind, family) {
                        (AttributeKind::Username, "skeleton") | (AttributeKind::Email, "local") => "handle".into(),
                        (AttributeKind::Username, "stem") | (AttributeKind::Name, NAME_HANDLES) => "handle_stem".into(),
                        _ => format!("{name}.{family}"),
                    };
                    let strength = strength(kind, method, &term_name, Some(family));
                    (family, term_name, strength)
                })
                .collect()
        } else {
            vec![("", name.clone(), strength(kind, method, &name, None))]
        };
        BlockingKey { name, attribute, kind, method, length, names }
    }

    /// Every name the key's terms can have (`username.ngram`, `handle`, …),
    /// with its strength.
    pub fn names(&self) -> impl Iterator<Item = (&str, Strength)> {
        self.names.iter().map(|(_, name, strength)| (name.as_str(), *strength))
    }

    /// Calls `emit(name, value, strength)` with each term of one normalized
    /// value: the name it goes under (one of [`Self::names`]), the key's
    /// value and how much sharing it says ([`Strength`]).
    pub fn terms(&self, value: &str, emit: &mut dyn FnMut(&str, &str, Strength)) {
        let handles = if self.method == KeyMethod::Kind { handles::of_value(self.kind, value) } else { Vec::new() };
        self.terms_with(value, &mut handles.iter().map(String::as_str), emit);
    }

    /// [`Self::terms`] of a value whose [handles](handles::of_value) are
    /// made: `handles`.
    pub fn terms_with<'h>(
        &self,
        value: &str,
        handles: &mut dyn Iterator<Item = &'h str>,
        emit: &mut dyn FnMut(&str, &str, Strength),
    ) {
        if self.method != KeyMethod::Kind {
            let (_, name, strength) = &self.names[0];
            return self.values(value, &mut |key| emit(name, key, *strength));
        }
        let mut family_term = |family: &str, key: &str| {
            let (_, name, strength) =
                self.names.iter().find(|(f, _, _)| *f == family).expect("a kind emits only its KEY_FAMILIES");
            emit(name, key, *strength);
        };
        kind_keys(self.kind, value, handles, &mut family_term);
    }

    /// Adds the terms of one normalized value to `terms`.
    pub fn add_terms(&self, value: &str, terms: &mut BTreeSet<Term>) {
        self.terms(value, &mut |name, value, strength| {
            terms.insert(Term::new(name, value, strength));
        });
    }

    /// Calls `emit` with each key value of one normalized value (for the
    /// string methods; [`KeyMethod::Kind`] keys are made by [`Self::terms`]).
    fn values(&self, value: &str, emit: &mut dyn FnMut(&str)) {
        match self.method {
            KeyMethod::Kind => {}
            KeyMethod::Exact => emit(value),
            KeyMethod::Token => value.split_whitespace().for_each(&mut *emit),
            KeyMethod::Prefix => {
                let end = value.char_indices().nth(self.length).map_or(value.len(), |(i, _)| i);
                emit(&value[..end]);
            }
            KeyMethod::Ngram => {
                let starts: Vec<usize> = value.char_indices().map(|(i, _)| i).chain([value.len()]).collect();
                if starts.len() <= self.length + 1 {
                    emit(value);
                } else {
                    for window in starts.windows(self.length + 1) {
                        emit(&value[window[0]..window[self.length]]);
                    }
                }
            }
        }
    }
}

/// One key term of a record: a key's name and value, shown as
/// `name=value` (`username.ngram=ande`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Term {
    /// How much sharing it says; strong terms sort first.
    pub strength: Strength,
    /// The key's name: `username.ngram`, `handle`.
    pub name: String,
    /// The key's value: `ande`.
    pub value: String,
}

impl Term {
    /// A term from its parts.
    pub fn new(name: &str, value: &str, strength: Strength) -> Term {
        Term { strength, name: name.to_string(), value: value.to_string() }
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.value)
    }
}

/// How much two records sharing a key say about being one person.
///
/// A strong key (an email address, a card number, a handle's skeleton) is
/// enough for a candidate pair in a block of up to the job's
/// `max_block_size` records. A weak key (a name token, an n-gram of a
/// handle, an IP address) is shared by strangers as the data grows: it is
/// enough only in a block small enough to be telling, of at most
/// [`crate::candidates::MAX_WEAK_BLOCK`] records (see `candidates`).
/// This keeps the pairs per record bounded at a million records, where
/// every n-gram and common name is shared by hundreds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// Enough on its own.
    Strong,
    /// Enough in a small block only.
    Weak,
}

impl Strength {
    /// `strong` or `weak`.
    pub fn as_str(self) -> &'static str {
        match self {
            Strength::Strong => "strong",
            Strength::Weak => "weak",
        }
    }
}

/// Every key term of `record` under `keys`.
pub fn record_terms(keys: &[BlockingKey], record: &Record) -> BTreeSet<Term> {
    let mut terms = BTreeSet::new();
    for key in keys {
        for value in record.normalized.of(key.attribute) {
            key.add_terms(value, &mut terms);
        }
    }
    terms
}

/// The strength of a key's terms named `name`, of `family` for the kind's keys.
fn strength(kind: AttributeKind, method: KeyMethod, name: &str, family: Option<&str>) -> Strength {
    use AttributeKind::*;
    let strong = match method {
        KeyMethod::Token | KeyMethod::Prefix | KeyMethod::Ngram => false,
        KeyMethod::Exact => matches!(kind, Username | Email | Phone | Card | Iban | CryptoWallet | Id),
        KeyMethod::Kind => match (kind, family) {
            // Skeletons of usernames and of email local parts.
            _ if name == "handle" => true,
            _ if name == "handle_stem" => false,
            (Email, Some("address")) | (Phone, _) | (Card, Some("bin_last4")) => true,
            (Iban | CryptoWallet | Id, _) => true,
            _ => false,
        },
    };
    if strong { Strength::Strong } else { Strength::Weak }
}

/// The families of the kind's own keys ([`kind_keys`]).
fn kind_families(kind: AttributeKind) -> &'static [&'static str] {
    use AttributeKind::*;
    match kind {
        Username => normalize::username::KEY_FAMILIES,
        Email => normalize::email::KEY_FAMILIES,
        Phone => normalize::phone::KEY_FAMILIES,
        Card => normalize::card::KEY_FAMILIES,
        Iban => normalize::iban::KEY_FAMILIES,
        CryptoWallet => normalize::wallet::KEY_FAMILIES,
        Name => normalize::name::KEY_FAMILIES,
        Ip => normalize::ip::KEY_FAMILIES,
        Date | Postcode | Address | Text | Id => &["value"],
    }
}

/// The kind's own keys of one normalized value, and a name's handles:
/// `emit(family, key)`; `handles` are the value's [`handles::of_value`].
fn kind_keys<'h>(
    kind: AttributeKind,
    value: &str,
    handles: &mut dyn Iterator<Item = &'h str>,
    emit: &mut dyn FnMut(&str, &str),
) {
    use AttributeKind::*;
    match kind {
        Username => normalize::username::skeleton_keys(handles.next().unwrap_or(""), emit),
        Email => normalize::email::address_keys(value, handles.next(), emit),
        Name => {
            normalize::name::blocking_keys(value, emit);
            handles.for_each(|handle| emit(NAME_HANDLES, handle));
        }
        Phone => normalize::phone::blocking_keys(value, emit),
        Card => normalize::card::blocking_keys(value, emit),
        Iban => normalize::iban::blocking_keys(value, emit),
        CryptoWallet => normalize::wallet::blocking_keys(value, emit),
        Ip => normalize::ip::blocking_keys(value, emit),
        Date | Postcode | Address | Text | Id => emit("value", value),
    }
}

/// The key methods a kind blocks on by default (none for free text, whose
/// words are shared by strangers).
pub fn default_methods(kind: AttributeKind) -> &'static [KeyMethod] {
    use AttributeKind::*;
    match kind {
        Username | Email | Phone | Card | Iban | CryptoWallet | Name | Ip => &[KeyMethod::Kind],
        Address | Text => &[],
        Date | Postcode | Id => &[KeyMethod::Exact],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(key: &BlockingKey, value: &str) -> Vec<String> {
        let mut out = Vec::new();
        key.values(value, &mut |k| out.push(k.to_string()));
        out
    }

    #[test]
    fn methods_make_the_expected_keys() {
        let exact = BlockingKey::new("name", 0, AttributeKind::Name, KeyMethod::Exact, 0);
        assert_eq!(keys(&exact, "sarah anderson"), ["sarah anderson"]);
        let token = BlockingKey::new("name", 0, AttributeKind::Name, KeyMethod::Token, 0);
        assert_eq!(keys(&token, "sarah  anderson"), ["sarah", "anderson"]);
        let prefix = BlockingKey::new("name", 0, AttributeKind::Name, KeyMethod::Prefix, 3);
        assert_eq!(keys(&prefix, "żaneta"), ["żan"]);
        assert_eq!(keys(&prefix, "al"), ["al"]);
        let ngram = BlockingKey::new("name", 0, AttributeKind::Name, KeyMethod::Ngram, 3);
        assert_eq!(keys(&ngram, "anna"), ["ann", "nna"]);
        assert_eq!(keys(&ngram, "an"), ["an"]);
        assert_eq!(ngram.name, "name.ngram3");
    }

    #[test]
    fn usernames_and_email_local_parts_share_handle_terms() {
        let user = BlockingKey::new("username", 0, AttributeKind::Username, KeyMethod::Kind, 0);
        let email = BlockingKey::new("email", 1, AttributeKind::Email, KeyMethod::Kind, 0);
        let terms = |key: &BlockingKey, value: &str| {
            let mut out = Vec::new();
            key.terms(value, &mut |name, value, strength| out.push(Term::new(name, value, strength).to_string()));
            out
        };
        let from_user = terms(&user, &normalize::username::normalize("Dark_Angel99").unwrap());
        let from_email = terms(&email, &normalize::email::normalize("dark.angel99@gmail.com").unwrap());
        let shared: Vec<&String> = from_user.iter().filter(|t| from_email.contains(t)).collect();
        assert!(shared.iter().any(|t| t.starts_with("handle=")), "{from_user:?} / {from_email:?}");
        assert!(from_email.contains(&"email.address=darkangel99@gmail.com".to_string()), "{from_email:?}");
    }

    /// Terms of each kind's own keys for `raw`, by name.
    fn kind_terms(kind: AttributeKind, raw: &str) -> Vec<(String, String)> {
        let key = BlockingKey::new("attribute", 0, kind, KeyMethod::Kind, 0);
        let names: Vec<&str> = key.names().map(|(name, _)| name).collect();
        let mut terms = Vec::new();
        let context = normalize::Context { default_region: Some("GB".into()) };
        if let Some(value) = normalize::normalize(kind, raw, &context) {
            key.terms(&value, &mut |name, value, _| {
                assert!(names.contains(&name), "{kind:?} `{raw}`: `{name}` is none of {names:?}");
                terms.push((name.to_string(), value.to_string()));
            });
        }
        terms
    }

    #[test]
    fn each_kinds_families_are_the_names_its_terms_take() {
        let examples: &[(AttributeKind, &[&str])] = &[
            (AttributeKind::Username, &["Dark_Angel99"]),
            (AttributeKind::Email, &["dark.angel99@gmail.com"]),
            (AttributeKind::Phone, &["+44 20 7946 0018", "12345"]),
            (AttributeKind::Card, &["4111 1111 1111 1111", "411111******1111", "XXXX-XXXX-XXXX-1111"]),
            (AttributeKind::Iban, &["GB82 WEST 1234 5698 7654 32"]),
            (AttributeKind::CryptoWallet, &["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"]),
            (AttributeKind::Name, &["Sarah Jane Anderson"]),
            (AttributeKind::Ip, &["192.168.1.20"]),
            (AttributeKind::Date, &["1990-04-01"]),
        ];
        for (kind, raws) in examples {
            let key = BlockingKey::new("attribute", 0, *kind, KeyMethod::Kind, 0);
            let made: BTreeSet<String> = raws.iter().flat_map(|raw| kind_terms(*kind, raw)).map(|(n, _)| n).collect();
            let names: BTreeSet<String> = key.names().map(|(name, _)| name.to_string()).collect();
            assert_eq!(made, names, "{kind:?}: every name declared is one its terms take");
        }
    }

    proptest::proptest! {
        #[test]
        fn every_term_goes_under_one_of_its_keys_names(
            raw in "[0-9 +()*X.-]{0,24}|[a-zA-Z0-9._+-]{1,12}@[a-z]{1,8}\\.[a-z]{2,3}|\\PC{0,30}",
        ) {
            for kind in AttributeKind::ALL {
                kind_terms(kind, &raw);
            }
        }
    }
}
