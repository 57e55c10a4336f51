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

use rayon::prelude::*;

use crate::record::{AttributeKind, Record};

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

/// Fills each record's normalized values; `kinds[i]` is attribute `i`'s kind
/// and `contexts[s]` source `s`'s context.
pub fn normalize_records(records: &mut [Record], kinds: &[AttributeKind], contexts: &[Context]) {
    records.par_iter_mut().for_each(|record| {
        let context = &contexts[record.source as usize];
        record.normalized = record
            .values
            .iter()
            .zip(kinds)
            .map(|(values, &kind)| {
                let mut normalized: Vec<String> = values.iter().filter_map(|v| normalize(kind, v, context)).collect();
                normalized.sort_unstable();
                normalized.dedup();
                normalized
            })
            .collect();
    });
}
