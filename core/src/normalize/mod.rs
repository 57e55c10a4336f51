//! Normalization: raw values to the canonical form that blocking and
//! comparison work on.
//!
//! Every kind starts from the [`baseline`]: Unicode NFKC, full case folding,
//! whitespace trimmed and collapsed. Identifier kinds then apply their own
//! rules, one module each ([`username`] skeletons, canonical [`email`]
//! addresses, masked [`card`] numbers, [`iban`], crypto [`wallet`]s, E.164
//! [`phone`] numbers, person [`name`]s, ISO [`date`]s, [`ip`] addresses);
//! postcodes, addresses, free text and opaque ids use the baseline. A value
//! that does not parse as its kind keeps its baseline form: it is still
//! compared as text, never dropped.

pub mod baseline;
pub mod card;
pub mod date;
pub mod email;
pub mod iban;
pub mod ip;
pub mod name;
pub mod phone;
pub mod username;
pub mod wallet;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::record::{AttributeKind, Record, ValueList, ValuesBuilder};

/// Settings that normalization needs from the job.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// The region national phone numbers belong to (ISO 3166 code, `GB`).
    pub default_region: Option<String>,
}

/// The normalized form of one raw value of `kind`; `None` when nothing is left.
pub fn normalize(kind: AttributeKind, raw: &str, context: &Context) -> Option<String> {
    use AttributeKind::*;
    match kind {
        Username => username::normalize(raw),
        Email => email::normalize(raw),
        Phone => phone::normalize(raw, context.default_region.as_deref()),
        Card => card::normalize(raw),
        Iban => iban::normalize(raw),
        CryptoWallet => wallet::normalize(raw),
        Name => name::normalize(raw),
        Date => date::normalize(raw),
        Ip => ip::normalize(raw),
        Postcode | Address | Text | Id => baseline::normalize(raw),
    }
}

/// What is wrong with a value of `kind` that was kept anyway: an invalid
/// email address, a card number failing the Luhn check, a bad checksum.
/// Flagged values are still compared (as their normalized text), and counted
/// in the summary.
pub fn flag(kind: AttributeKind, raw: &str, normalized: &str) -> Option<&'static str> {
    use AttributeKind::*;
    match kind {
        Email => email::flag(normalized),
        Card => card::flag(normalized),
        Iban => iban::flag(normalized),
        CryptoWallet => wallet::flag(raw),
        Phone => phone::flag(normalized),
        Username | Name | Date | Ip | Postcode | Address | Text | Id => None,
    }
}

/// [`normalize`] and [`flag`] together, parsing a phone number once.
fn normalize_and_flag(
    kind: AttributeKind,
    raw: &str,
    context: &Context,
    phones: &phone::Parser,
) -> Option<(String, Option<&'static str>)> {
    if kind == AttributeKind::Phone {
        let (value, valid) = phones.normalize_checked(raw, context.default_region.as_deref())?;
        return Some((value, (!valid).then_some(phone::NOT_VALID)));
    }
    let value = normalize(kind, raw, context)?;
    let flag = flag(kind, raw, &value);
    Some((value, flag))
}

/// Flagged values per attribute: `counts[attribute][flag]`.
pub type Flags = Vec<BTreeMap<&'static str, u64>>;

/// Fills each record's normalized values; `kinds[i]` is attribute `i`'s kind
/// and `contexts[s]` source `s`'s context. Returns the flagged values.
///
/// The phone parser's patterns sit behind one lock per parser, so threads
/// sharing one mostly wait for each other (see [`phone`]): with enough
/// phone numbers (20,000, as many as parse in the time a parser takes to
/// build), each thread of the pool parses with its own, built at its first
/// number and dropped (with its compiled patterns) when this returns.
pub fn normalize_records(records: &mut [Record], kinds: &[AttributeKind], contexts: &[Context]) -> Flags {
    let phones: usize = records
        .iter()
        .map(|r| {
            r.values.iter().zip(kinds).filter(|(_, k)| **k == AttributeKind::Phone).map(|(v, _)| v.len()).sum::<usize>()
        })
        .sum();
    let own_parsers: Vec<OnceLock<phone::Parser>> = if phones >= PHONES_PER_PARSER {
        (0..rayon::current_num_threads()).map(|_| OnceLock::new()).collect()
    } else {
        Vec::new()
    };
    let parser = || match rayon::current_thread_index() {
        _ if own_parsers.is_empty() => phone::Parser::shared(),
        // Outside the pool every caller would share the first one: still
        // correct (a parser takes its own lock), only slower.
        thread => own_parsers[thread.unwrap_or(0) % own_parsers.len()].get_or_init(phone::Parser::new),
    };
    let no_flags = || vec![BTreeMap::new(); kinds.len()];
    // Each worker's flags, and its builder (kept from record to record).
    let fresh = || (no_flags(), ValuesBuilder::default());
    records
        .par_iter_mut()
        .fold(fresh, |(mut flags, mut normalized), record| {
            let context = &contexts[record.source as usize];
            let parser = parser();
            for (attribute, ((values, &kind), flags)) in record.values.iter().zip(kinds).zip(&mut flags).enumerate() {
                // A record's values fit in 4 GiB as read; normalized values
                // that would not (a normalizer lengthening a gigabyte) are
                // left out, as values no normalizer accepts are.
                normalize_all(kind, values, context, parser, flags, |value| {
                    let _fits = normalized.push(attribute, &value).is_ok();
                });
            }
            record.normalized = normalized.finish_sorted(kinds.len());
            (flags, normalized)
        })
        .map(|(flags, _)| flags)
        .reduce(no_flags, |mut a, b| {
            merge_flags(&mut a, b);
            a
        })
}

/// Phone values worth a parser of their own a thread (building one takes
/// about as long as parsing 10,000 numbers).
const PHONES_PER_PARSER: usize = 20_000;

/// The normalized values of one attribute's raw `values` of `kind`, given
/// to `push`, counting flagged ones in `flags`.
fn normalize_all(
    kind: AttributeKind,
    values: ValueList,
    context: &Context,
    phones: &phone::Parser,
    flags: &mut BTreeMap<&'static str, u64>,
    mut push: impl FnMut(String),
) {
    for raw in values {
        let Some((value, flag)) = normalize_and_flag(kind, raw, context, phones) else { continue };
        if let Some(flag) = flag {
            *flags.entry(flag).or_default() += 1;
        }
        push(value);
    }
}

fn merge_flags(into: &mut Flags, from: Flags) {
    for (into, from) in into.iter_mut().zip(from) {
        for (flag, count) in from {
            *into.entry(flag).or_default() += count;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Values;

    #[test]
    fn phones_normalized_on_parsers_of_each_thread_are_each_records_own() {
        // Enough numbers for a parser a thread; only the second half of
        // the records has phones (as one source's records come together).
        let kinds = [AttributeKind::Email, AttributeKind::Phone, AttributeKind::Phone];
        let number = |i: usize| format!("+44 20 7946 {:04}", i % 10_000);
        let mut records: Vec<Record> = (0..2 * PHONES_PER_PARSER)
            .map(|i| Record {
                source: 0,
                id: i.to_string(),
                line: i as u64,
                values: Values::from_lists([
                    vec![format!("user{i}@example.com")],
                    if i < PHONES_PER_PARSER { vec![] } else { vec![number(i), "12".into()] },
                    if i < PHONES_PER_PARSER { vec![] } else { vec![number(i + 1)] },
                ]),
                normalized: Values::default(),
            })
            .collect();
        let expected: Vec<Values> = records
            .iter()
            .map(|r| {
                r.values
                    .iter()
                    .zip(&kinds)
                    .map(|(values, &kind)| {
                        let mut n: Vec<String> =
                            values.iter().filter_map(|v| normalize(kind, v, &Context::default())).collect();
                        n.sort();
                        n
                    })
                    .collect::<Vec<_>>()
            })
            .map(Values::from_lists)
            .collect();
        let raw: Vec<Values> = records.iter().map(|r| r.values.clone()).collect();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let flags = pool.install(|| normalize_records(&mut records, &kinds, &[Context::default()]));
        for (i, record) in records.iter().enumerate() {
            assert_eq!(record.normalized, expected[i], "record {i}");
            assert_eq!(record.values, raw[i], "record {i} keeps its raw values");
        }
        assert_eq!(flags[1].get(phone::NOT_VALID), Some(&(PHONES_PER_PARSER as u64)));
    }

    #[test]
    fn flagged_values_are_kept_and_counted() {
        let mut records = vec![Record {
            source: 0,
            id: "1".into(),
            line: 2,
            values: Values::from_lists([
                vec!["john@gmial.com", "not an address"],
                vec!["4111 1111 1111 1112", "4111 1111 1111 1111"],
            ]),
            normalized: Values::default(),
        }];
        let flags =
            normalize_records(&mut records, &[AttributeKind::Email, AttributeKind::Card], &[Context::default()]);
        assert_eq!(records[0].normalized.of(0).len(), 2, "flagged emails are kept: {:?}", records[0].normalized);
        assert_eq!(records[0].normalized.of(1).len(), 2);
        assert_eq!(flags[0].get("likely typo of gmail.com"), Some(&1));
        assert_eq!(flags[0].get("invalid email address"), Some(&1));
        assert_eq!(flags[1].get("fails the Luhn check"), Some(&1));
    }
}
