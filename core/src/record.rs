//! Plain data: records, their attributes and where they came from.
//!
//! Nothing here imports the rest of the crate, so every stage can use these
//! types without pulling in another stage.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What an attribute holds. A kind decides how values are normalized, which
/// blocking keys they produce and how two values are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributeKind {
    /// An online handle or account name.
    Username,
    /// An email address.
    Email,
    /// A telephone number.
    Phone,
    /// A payment card number, full or masked.
    Card,
    /// An international bank account number.
    Iban,
    /// A cryptocurrency wallet address.
    CryptoWallet,
    /// A person's name, or part of one.
    Name,
    /// A calendar date.
    Date,
    /// An IP address.
    Ip,
    /// A postal code.
    Postcode,
    /// A postal address, or part of one.
    Address,
    /// Free text compared by string similarity.
    Text,
    /// An opaque identifier compared for (near) equality.
    Id,
}

impl AttributeKind {
    /// Every kind, in declaration order.
    pub const ALL: [AttributeKind; 13] = [
        AttributeKind::Username,
        AttributeKind::Email,
        AttributeKind::Phone,
        AttributeKind::Card,
        AttributeKind::Iban,
        AttributeKind::CryptoWallet,
        AttributeKind::Name,
        AttributeKind::Date,
        AttributeKind::Ip,
        AttributeKind::Postcode,
        AttributeKind::Address,
        AttributeKind::Text,
        AttributeKind::Id,
    ];

    /// The name used in job files, e.g. `crypto_wallet`.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributeKind::Username => "username",
            AttributeKind::Email => "email",
            AttributeKind::Phone => "phone",
            AttributeKind::Card => "card",
            AttributeKind::Iban => "iban",
            AttributeKind::CryptoWallet => "crypto_wallet",
            AttributeKind::Name => "name",
            AttributeKind::Date => "date",
            AttributeKind::Ip => "ip",
            AttributeKind::Postcode => "postcode",
            AttributeKind::Address => "address",
            AttributeKind::Text => "text",
            AttributeKind::Id => "id",
        }
    }
}

impl fmt::Display for AttributeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A record as read from a source: its id and its raw values, one list per
/// attribute of the job (index = attribute index in the job's settings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The index of the record's source in the job.
    pub source: u32,
    /// The record's id in its source (the id column, or the line number).
    pub id: String,
    /// Where the record was read.
    pub line: u64,
    /// Raw values per attribute; an attribute the source does not map, or an
    /// empty cell, has no values.
    pub values: Vec<Vec<String>>,
    /// Normalized values per attribute, sorted and without repeats; empty
    /// until the normalize stage has run.
    pub normalized: Vec<Vec<String>>,
}

impl Record {
    /// `source:id`, how outputs and the command line name a record, given
    /// the job's source names.
    pub fn label(&self, sources: &[String]) -> String {
        format!("{}:{}", sources[self.source as usize], self.id)
    }
}

/// A record's dense number within one run: its position in read order.
pub type RecordIndex = u32;
