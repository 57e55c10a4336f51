//! Deterministic synthetic data for Sleuth.
//!
//! Generates people with names, usernames, emails, phones, IPs and payment cards, and writes
//! their records into three sources that disagree the way real sources do (typos, case,
//! formats, missing fields, alternative addresses, duplicate accounts), plus the ground truth:
//!
//! - `forum_accounts.csv`: `account_id,username,email,signup_ip,joined`
//! - `payments.csv`: `customer_id,cardholder_name,email,card_number,phones,billing_ip`
//!   (`phones` is multi-valued, `;`-separated)
//! - `chat_participants.jsonl`: `{"participant_id", "handle", "display_name"?, "emails": [..],
//!   "ips": [..]}`
//! - `truth.csv`: `source,id,entity`, one row per record written
//!
//! The output is a pure function of [`Config`]: every random draw comes from a ChaCha8 stream
//! keyed by (seed, purpose, person), and rows are written in the order of a keyed permutation,
//! so memory stays constant whatever the number of persons and the bytes are the same on every
//! run and platform.

pub mod names;
pub mod person;
pub mod perturb;
pub mod rng;
pub mod sources;
pub mod values;

pub use perturb::Rates;
pub use sources::{Counts, write_dir, write_sources};

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Number of persons behind the records.
    pub persons: u64,
    /// The run's seed: same seed and persons, same bytes.
    pub seed: u64,
    /// How often each perturbation is applied.
    pub rates: Rates,
}

impl Default for Config {
    fn default() -> Self {
        Self { persons: 1500, seed: 42, rates: Rates::default() }
    }
}
