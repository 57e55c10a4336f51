//! Blocking keys: the values two records must share to become a candidate pair.
//!
//! Each key is made from one attribute's normalized values by a [`KeyMethod`]
//! and written to the index as a term `name=value`; every term of the index is
//! then a block (see `candidates`). Defaults come from the attribute kinds:
//! identifier kinds use their own keys ([`KeyMethod::Kind`]: username
//! skeletons and their n-grams, canonical emails, card BIN and last four,
//! phonetic name keys, …). Username skeletons and email local-part skeletons
//! share the term prefix `handle=`, so an email and a username made from one
//! handle meet in one block across kinds.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::compare;
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
    /// A name unique in the job, prefixing the key's terms: `email`, `name.token`.
    pub name: String,
    /// The attribute the key is made from.
    pub attribute: usize,
    /// The attribute's kind.
    pub kind: AttributeKind,
    /// How the key is made.
    pub method: KeyMethod,
    /// Characters, for prefix and n-gram keys.
    pub length: usize,
}

impl BlockingKey {
    /// A key over `attribute` named after it and the method.
    pub fn new(attribute_name: &str, attribute: usize, kind: AttributeKind, method: KeyMethod, length: usize) -> Self {
        let name = match method {
            KeyMethod::Kind | KeyMethod::Exact => attribute_name.to_string(),
            KeyMethod::Token => format!("{attribute_name}.token"),
            KeyMethod::Prefix => format!("{attribute_name}.prefix{length}"),
            KeyMethod::Ngram => format!("{attribute_name}.ngram{length}"),
        };
        BlockingKey { name, attribute, kind, method, length }
    }

    /// Calls `emit` with each index term (`name=value`) of one normalized
    /// value and how much sharing it says ([`Strength`]).
    pub fn terms(&self, value: &str, emit: &mut dyn FnMut(&str, Strength)) {
        let mut term = String::new();
        // `name[.family]=key`, built in one reused buffer.
        let mut add = |name: &str, family: Option<&str>, key: &str| {
            let strength = strength(self.kind, self.method, name, family);
            term.clear();
            term.push_str(name);
            if let Some(family) = family {
                term.push('.');
                term.push_str(family);
            }
            term.push('=');
            term.push_str(key);
            emit(&term, strength);
        };
        if self.method == KeyMethod::Kind {
            let mut family_term = |family: &str, key: &str| match (self.kind, family) {
                (AttributeKind::Username, "skeleton") | (AttributeKind::Email, "local") => add("handle", None, key),
                (AttributeKind::Username, "stem") => add("handle_stem", None, key),
                _ => add(&self.name, Some(family), key),
            };
            kind_keys(self.kind, value, &mut family_term);
            if self.kind == AttributeKind::Name {
                for handle in compare::handle::name_handles(value) {
                    add("handle_stem", None, &handle);
                }
            }
            return;
        }
        self.values(value, &mut |key| add(&self.name, None, key));
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

/// How much two records sharing a key say about being one person.
///
/// A strong key (an email address, a card number, a handle's skeleton) is
/// enough for a candidate pair on its own. A weak key (a name token, an
/// n-gram of a handle, an IP address) is shared by strangers as the data
/// grows: a pair sharing only weak keys becomes a candidate when it shares
/// two of them, or one block small enough to be telling (see `candidates`);
/// the terms of one key (a handle's n-grams) count as one.
/// This keeps the pairs per record bounded at a million records, where
/// every n-gram and common name is shared by hundreds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// Enough on its own.
    Strong,
    /// Enough with another weak key, or in a small block.
    Weak,
}

/// The name of a term's key: `username.ngram` of `username.ngram=ande`.
/// A key's terms say one thing, however many of them two records share (the
/// n-grams of one handle), which is how candidates count them.
pub fn key_name(term: &[u8]) -> &[u8] {
    term.iter().position(|&b| b == b'=').map_or(term, |end| &term[..end])
}

/// Every key term of `record` under `keys`, with its strength.
pub fn record_terms(keys: &[BlockingKey], record: &Record) -> BTreeSet<(String, Strength)> {
    let mut terms = BTreeSet::new();
    for key in keys {
        for value in &record.normalized[key.attribute] {
            key.terms(value, &mut |term, strength| {
                terms.insert((term.to_string(), strength));
            });
        }
    }
    terms
}

/// The strength of a term: `name` and `family` as in `name[.family]=key`.
fn strength(kind: AttributeKind, method: KeyMethod, name: &str, family: Option<&str>) -> Strength {
    use AttributeKind::*;
    let strong = match method {
        KeyMethod::Token | KeyMethod::Prefix | KeyMethod::Ngram => false,
        KeyMethod::Exact => matches!(kind, Username | Email | Phone | Card | Iban | CryptoWallet | Id),
        KeyMethod::Kind => match (kind, family) {
            // Skeletons of usernames and of email local parts.
            _ if name == "handle" => true,
            _ if name == "handle_stem" => false,
            (Email, Some("address")) | (Phone, _) | (Card, Some("number" | "bin_last4")) => true,
            (Iban | CryptoWallet | Id, _) => true,
            _ => false,
        },
    };
    if strong { Strength::Strong } else { Strength::Weak }
}

/// The kind's own keys of one normalized value: `emit(family, key)`.
fn kind_keys(kind: AttributeKind, value: &str, emit: &mut dyn FnMut(&str, &str)) {
    use AttributeKind::*;
    match kind {
        Username => normalize::username::blocking_keys(value, emit),
        Email => normalize::email::blocking_keys(value, emit),
        Phone => normalize::phone::blocking_keys(value, emit),
        Card => normalize::card::blocking_keys(value, emit),
        Iban => normalize::iban::blocking_keys(value, emit),
        CryptoWallet => normalize::wallet::blocking_keys(value, emit),
        Name => normalize::name::blocking_keys(value, emit),
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
            key.terms(value, &mut |t, _| out.push(t.to_string()));
            out
        };
        let from_user = terms(&user, &normalize::username::normalize("Dark_Angel99").unwrap());
        let from_email = terms(&email, &normalize::email::normalize("dark.angel99@gmail.com").unwrap());
        let shared: Vec<&String> = from_user.iter().filter(|t| from_email.contains(t)).collect();
        assert!(shared.iter().any(|t| t.starts_with("handle=")), "{from_user:?} / {from_email:?}");
        assert!(from_email.contains(&"email.address=darkangel99@gmail.com".to_string()), "{from_email:?}");
    }
}
