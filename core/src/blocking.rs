//! Blocking keys: the values two records must share to become a candidate pair.
//!
//! Each key is made from one attribute's normalized values by a [`KeyMethod`]
//! and written to the index as `name=value`; every term of the index is then
//! a block (see `candidates`). Defaults come from the attribute kinds.

use serde::{Deserialize, Serialize};

use crate::record::AttributeKind;

/// How a blocking key is made from an attribute's normalized values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyMethod {
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
            KeyMethod::Exact | KeyMethod::Token => 0,
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
    /// How the key is made.
    pub method: KeyMethod,
    /// Characters, for prefix and n-gram keys.
    pub length: usize,
}

impl BlockingKey {
    /// A key over `attribute` named after it and the method.
    pub fn new(attribute_name: &str, attribute: usize, method: KeyMethod, length: usize) -> Self {
        let name = match method {
            KeyMethod::Exact => attribute_name.to_string(),
            KeyMethod::Token => format!("{attribute_name}.token"),
            KeyMethod::Prefix => format!("{attribute_name}.prefix{length}"),
            KeyMethod::Ngram => format!("{attribute_name}.ngram{length}"),
        };
        BlockingKey { name, attribute, method, length }
    }

    /// Calls `emit` with each key value of one normalized value.
    pub fn values(&self, value: &str, mut emit: impl FnMut(&str)) {
        match self.method {
            KeyMethod::Exact => emit(value),
            KeyMethod::Token => value.split_whitespace().for_each(emit),
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

/// The key methods a kind blocks on by default (none for free text, whose
/// words are shared by strangers).
pub fn default_methods(kind: AttributeKind) -> &'static [KeyMethod] {
    use AttributeKind::*;
    match kind {
        Name => &[KeyMethod::Token],
        Address | Text => &[],
        Username | Email | Phone | Card | Iban | CryptoWallet | Date | Ip | Postcode | Id => &[KeyMethod::Exact],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(key: &BlockingKey, value: &str) -> Vec<String> {
        let mut out = Vec::new();
        key.values(value, |k| out.push(k.to_string()));
        out
    }

    #[test]
    fn methods_make_the_expected_keys() {
        let exact = BlockingKey::new("name", 0, KeyMethod::Exact, 0);
        assert_eq!(keys(&exact, "sarah anderson"), ["sarah anderson"]);
        let token = BlockingKey::new("name", 0, KeyMethod::Token, 0);
        assert_eq!(keys(&token, "sarah  anderson"), ["sarah", "anderson"]);
        let prefix = BlockingKey::new("name", 0, KeyMethod::Prefix, 3);
        assert_eq!(keys(&prefix, "żaneta"), ["żan"]);
        assert_eq!(keys(&prefix, "al"), ["al"]);
        let ngram = BlockingKey::new("name", 0, KeyMethod::Ngram, 3);
        assert_eq!(keys(&ngram, "anna"), ["ann", "nna"]);
        assert_eq!(keys(&ngram, "an"), ["an"]);
        assert_eq!(ngram.name, "name.ngram3");
    }
}
