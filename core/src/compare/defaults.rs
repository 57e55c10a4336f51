//! The comparison each attribute kind gets when the job file names none.
//!
//! Identifier kinds use their own comparator ([`Identifier`]); the others
//! string similarity or edit distance.

use super::{Identifier, Method};
use crate::record::AttributeKind;

/// The method a kind is compared with by default.
pub fn default_method(kind: AttributeKind) -> Method {
    match Identifier::for_kind(kind) {
        Some(identifier) => Method::Identifier(identifier),
        None => match kind {
            AttributeKind::Address | AttributeKind::Text => Method::JaroWinkler(vec![0.92, 0.8]),
            AttributeKind::CryptoWallet => Method::Exact,
            // IBANs, opaque ids and postcodes: one typo still agrees.
            _ => Method::DamerauLevenshtein(vec![1]),
        },
    }
}

/// The correlation group a kind's comparison belongs to by default.
///
/// Usernames, email local parts and the email–username comparison are often
/// all made from one handle, and handles from the person's name: when a job
/// has usernames or emails (`has_handles`), they and its names are one group,
/// `handle`, whose strongest agreement counts once. Without usernames or emails
/// (Febrl's given name and surname), names stay independent evidence.
pub fn default_group(kind: AttributeKind, has_handles: bool) -> Option<&'static str> {
    match kind {
        AttributeKind::Username | AttributeKind::Email => Some("handle"),
        AttributeKind::Name if has_handles => Some("handle"),
        _ => None,
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
