//! Deterministic synthetic data for Sleuth.
//!
//! Generates people with names, usernames, emails, phones, IPs and payment cards, and writes
//! their records into sources that disagree the way real sources do (typos, case, formats,
//! missing fields, alternative addresses, duplicate accounts), plus the ground truth:
//!
//! - `forum_accounts.csv`: `account_id,username,email,signup_ip,joined`
//! - `payments.csv`: `customer_id,cardholder_name,email,card_number,phones,billing_ip`
//!   (`phones` is multi-valued, `;`-separated)
//! - `chat_participants.jsonl`: `{"participant_id", "handle", "display_name"?, "emails": [..],
//!   "ips": [..]}`
//! - `irc.log` (quickstart profile only): an IRC channel log, `<timestamp> :nick!~ident@ip
//!   JOIN|PRIVMSG|NICK|…` plus server lines; a record is one `user@host`, its id the first
//!   mask `nick!~ident@ip` it shows (nicks with keyboard slips, addresses given in messages,
//!   nick changes; see [`irc`])
//! - `truth.csv`: `source,id,entity`, one row per record written (the IRC log's last)
//!
//! The [`Profile`] says which perturbations a run applies: `quickstart` (the default, the
//! bundled `data/quickstart`, with the IRC log) or `identity`, which adds identity disguises
//! (leetspeak, Cyrillic look-alikes, Gmail variants, typo domains, masked cards, …) and planted
//! structure (VPN hubs, common-name strangers, handles that differ only in trailing digits) to
//! the other three sources and writes no IRC log; see [`profile`].
//!
//! The output is a pure function of [`Config`]: every random draw comes from a ChaCha8 stream
//! keyed by (seed, purpose, person), and rows are written in the order of a keyed permutation,
//! so memory stays constant whatever the number of persons (the IRC log's writer keeps the set
//! of `user@host` it wrote, to keep them distinct) and the bytes are the same on every run and
//! platform.

pub mod disguise;
pub mod irc;
pub mod names;
pub mod person;
pub mod perturb;
pub mod profile;
pub mod rng;
pub mod sources;
pub mod values;

pub use perturb::Rates;
pub use profile::{IdentityRates, Profile, Tally};
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
    /// Which perturbations are applied: the quickstart ones only, or identity disguises too.
    pub profile: Profile,
    /// How often each identity disguise is applied, in the identity profile.
    pub identity: IdentityRates,
}

impl Config {
    /// The identity rates, when the profile applies them.
    pub fn identity_rates(&self) -> Option<&IdentityRates> {
        (self.profile == Profile::Identity).then_some(&self.identity)
    }

    /// The number of persons behind about `records` records: each profile
    /// writes a steady mean number of records per person (measured on its
    /// output: 2.714 for the quickstart mix, 2.400 for the identity one).
    pub fn persons_for_records(records: u64, profile: Profile) -> u64 {
        let per_person = match profile {
            Profile::Quickstart => 2.714,
            Profile::Identity => 2.400,
        };
        ((records as f64 / per_person).round() as u64).max(1)
    }

    /// Whether the profile has an IRC log (the quickstart does; the identity profile keeps
    /// to the other three sources).
    pub fn irc_log(&self) -> bool {
        self.profile == Profile::Quickstart
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            persons: 1500,
            seed: 42,
            rates: Rates::default(),
            profile: Profile::default(),
            identity: IdentityRates::default(),
        }
    }
}

/// A count written in full or with a `k` or `M` suffix: `100000`, `100k`, `5M`.
///
/// ```
/// assert_eq!(sleuth_datagen::parse_count("5M"), Ok(5_000_000));
/// assert_eq!(sleuth_datagen::parse_count("100k"), Ok(100_000));
/// assert!(sleuth_datagen::parse_count("lots").is_err());
/// ```
pub fn parse_count(text: &str) -> Result<u64, String> {
    let (digits, scale) = match text.strip_suffix(['k', 'K']) {
        Some(digits) => (digits, 1_000),
        None => match text.strip_suffix('M') {
            Some(digits) => (digits, 1_000_000),
            None => (text, 1),
        },
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("`{text}` is not a count like 100000, 100k or 5M"))
}
