//! Normalization: raw values to the canonical form that blocking and
//! comparison work on.
//!
//! Every kind starts from the [`baseline`]: Unicode NFKC, full case folding,
//! whitespace trimmed and collapsed. [`normalizer`] is the seam where each
//! kind gets its own identifier-aware rules; kinds without rules of their own
//! use the baseline.

pub mod baseline;

use rayon::prelude::*;

use crate::record::{AttributeKind, Record};

/// A function from a raw value to its normalized form; `None` when nothing is left.
pub type Normalizer = fn(&str) -> Option<String>;

/// The normalizer of a kind.
pub fn normalizer(kind: AttributeKind) -> Normalizer {
    use AttributeKind::*;
    match kind {
        Username | Email | Phone | Card | Iban | CryptoWallet | Name | Date | Ip | Postcode | Address | Text | Id => {
            baseline::normalize
        }
    }
}

/// Fills each record's normalized values; `kinds[i]` is attribute `i`'s kind.
pub fn normalize_records(records: &mut [Record], kinds: &[AttributeKind]) {
    let normalizers: Vec<Normalizer> = kinds.iter().map(|&k| normalizer(k)).collect();
    records.par_iter_mut().for_each(|record| {
        record.normalized = record
            .values
            .iter()
            .zip(&normalizers)
            .map(|(values, normalize)| {
                let mut normalized: Vec<String> = values.iter().filter_map(|v| normalize(v)).collect();
                normalized.sort_unstable();
                normalized.dedup();
                normalized
            })
            .collect();
    });
}
