//! The comparison each attribute kind gets when the job file names none.
//!
//! These are the baseline, string-level choices; identifier-aware comparators
//! (username skeletons, canonical emails, masked cards, …) replace them kind by
//! kind.

use super::Method;
use crate::record::AttributeKind;

/// The method a kind is compared with by default.
pub fn default_method(kind: AttributeKind) -> Method {
    use AttributeKind::*;
    match kind {
        Username | Email => Method::JaroWinkler(vec![0.95, 0.88]),
        Name => Method::JaroWinkler(vec![0.94, 0.85]),
        Address | Text => Method::JaroWinkler(vec![0.92, 0.8]),
        Phone | Card | Iban | Id | Postcode => Method::DamerauLevenshtein(vec![1]),
        Date => Method::DamerauLevenshtein(vec![1, 2]),
        CryptoWallet | Ip => Method::Exact,
    }
}

/// Whether agreeing on a common value of this kind counts for less by default.
///
/// Names, usernames, addresses and IPs are shared by strangers in proportion
/// to how common they are; for the others a shared value is rare whatever it is.
pub fn default_damping(kind: AttributeKind) -> bool {
    use AttributeKind::*;
    matches!(kind, Name | Username | Email | Address | Text | Ip | Postcode | Phone)
}
