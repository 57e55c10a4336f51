//! The people behind the records, and the cross-person structure planted among them.
//!
//! A person is a pure function of (seed, number of persons, index): it is regenerated
//! whenever one of its records is written, so nothing is held per person.
//!
//! Planted structure, in every block of [`PLANT_BLOCK`] consecutive persons:
//! - **same-name strangers**: the person at offset [`SAME_NAME_FOLLOWER`] takes the full name
//!   of the person at offset [`SAME_NAME_LEADER`] (nothing else in common);
//! - **a family card**: the persons at offsets [`FAMILY_LEADER`]` + 1` (and `+ 2` in odd
//!   blocks) take the surname and the first payment card of the person at [`FAMILY_LEADER`];
//! - **VPN exits**: a few IP addresses (see [`vpn_exit_count`]), each used by many unrelated
//!   persons (about [`VPN_RATE`] of everyone).

use rand::RngExt;

use crate::Config;
use crate::names::{FIRST_NAMES, LAST_NAMES};
use crate::perturb::alternative_email;
use crate::rng::{Purpose, stream};
use crate::values::{
    Crowd, Date, NameParts, Phone, card_number, date_between, email, email_domain, email_local, ipv4, phone,
    pick_skewed, username,
};

/// Planted structure repeats every this many persons.
pub const PLANT_BLOCK: u64 = 250;
/// Offset in a block of the person whose name a stranger shares.
pub const SAME_NAME_LEADER: u64 = 0;
/// Offset in a block of the stranger with the same name.
pub const SAME_NAME_FOLLOWER: u64 = 125;
/// Offset in a block of the card holder whose card the family shares.
pub const FAMILY_LEADER: u64 = 50;
/// Share of persons who use a VPN exit IP.
pub const VPN_RATE: f64 = 0.05;

/// How many VPN exit IPs there are for a run of `persons`.
pub fn vpn_exit_count(persons: u64) -> u64 {
    (persons / 500).clamp(2, 64)
}

/// The IP address of VPN exit `j`.
pub fn vpn_exit_ip(seed: u64, j: u64) -> String {
    ipv4(&mut stream(seed, Purpose::Shared, j))
}

/// The person whose full name person `index` copies, if it is a planted same-name stranger.
pub fn same_name_leader(index: u64) -> Option<u64> {
    (index % PLANT_BLOCK == SAME_NAME_FOLLOWER).then(|| index - SAME_NAME_FOLLOWER + SAME_NAME_LEADER)
}

/// The family card holder whose surname and card person `index` shares, if any.
pub fn family_leader(index: u64) -> Option<u64> {
    let block = index / PLANT_BLOCK;
    let offset = index % PLANT_BLOCK;
    let size = 2 + block % 2;
    (offset > FAMILY_LEADER && offset < FAMILY_LEADER + size).then(|| index - offset + FAMILY_LEADER)
}

/// Whether person `index` is one of a planted same-name pair, given `persons` persons.
fn in_same_name_pair(index: u64, persons: u64) -> bool {
    let offset = index % PLANT_BLOCK;
    (offset == SAME_NAME_LEADER && index + SAME_NAME_FOLLOWER - SAME_NAME_LEADER < persons)
        || offset == SAME_NAME_FOLLOWER
}

/// Whether person `index` shares a family card (as its holder or a relative).
fn in_family(index: u64, persons: u64) -> bool {
    family_leader(index).is_some() || (index % PLANT_BLOCK == FAMILY_LEADER && index + 1 < persons)
}

/// Whether person `index` takes part in planted structure that needs a payments record to
/// show (a same-name pair or a family card), given that there are `persons` persons.
fn planted_in_payments(index: u64, persons: u64) -> bool {
    in_same_name_pair(index, persons) || in_family(index, persons)
}

/// How many records a person has in each source (0, 1 or 2; 2 is a duplicate within the
/// source). Drawn from its own stream: cheap to compute for every slot of every source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Presence {
    pub forum: u64,
    pub payments: u64,
    pub chat: u64,
}

impl Presence {
    pub fn generate(cfg: &Config, index: u64) -> Self {
        let mut rng = stream(cfg.seed, Purpose::Presence, index);
        let count = |rng: &mut rand_chacha::ChaCha8Rng, present: f64, twice: f64| {
            if rng.random_bool(present) { 1 + u64::from(rng.random_bool(twice)) } else { 0 }
        };
        let forum = count(&mut rng, 0.85, 0.08);
        let mut payments = count(&mut rng, 0.70, 0.15);
        let chat = count(&mut rng, 0.55, 0.20);
        if payments == 0 && planted_in_payments(index, cfg.persons) {
            payments = 1;
        }
        Self { forum, payments, chat }
    }
}

/// Name and birth date, before planted structure overrides any of them.
struct BaseName {
    first: &'static str,
    last: &'static str,
    middle: Option<char>,
    birth: Date,
}

impl BaseName {
    fn generate(seed: u64, index: u64) -> Self {
        let mut rng = stream(seed, Purpose::Name, index);
        let first = pick_skewed(&mut rng, FIRST_NAMES);
        let last = pick_skewed(&mut rng, LAST_NAMES);
        let middle = rng.random_bool(0.3).then(|| char::from(b'A' + rng.random_range(0..26u8)));
        let birth = date_between(&mut rng, 1955, 2006);
        Self { first, last, middle, birth }
    }
}

/// A person's cards before planted structure: one, sometimes two.
fn own_cards(seed: u64, index: u64) -> Vec<String> {
    let mut rng = stream(seed, Purpose::Card, index);
    let mut cards = vec![card_number(&mut rng)];
    if rng.random_bool(0.3) {
        cards.push(card_number(&mut rng));
    }
    cards
}

/// One person and every identifier they have.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub index: u64,
    pub first: &'static str,
    pub last: &'static str,
    pub middle: Option<char>,
    pub birth: Date,
    /// The username the person uses most.
    pub username: String,
    /// One or two addresses, the primary first.
    pub emails: Vec<String>,
    /// An address used now and then by a person with only one regular address (the same
    /// local part at another provider, or a numbered one).
    pub spare_email: String,
    /// One or two phones.
    pub phones: Vec<Phone>,
    /// One to three IPs (home, mobile, VPN exit).
    pub ips: Vec<String>,
    /// One or two card numbers, 16 plain digits.
    pub cards: Vec<String>,
    /// How common the person's name is in the run.
    pub crowd: Crowd,
}

impl Person {
    /// The entity label used in the ground truth.
    pub fn entity(&self) -> String {
        format!("person-{:06}", self.index + 1)
    }

    /// What the person's usernames and addresses are derived from.
    pub fn name_parts(&self) -> NameParts<'_> {
        NameParts { first: self.first, last: self.last, birth: self.birth, crowd: self.crowd }
    }

    /// "First Last".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }

    pub fn generate(cfg: &Config, index: u64) -> Self {
        let seed = cfg.seed;
        let BaseName { mut first, mut last, middle, birth } = BaseName::generate(seed, index);
        if let Some(leader) = same_name_leader(index) {
            let leader = BaseName::generate(seed, leader);
            (first, last) = (leader.first, leader.last);
        }
        let family = family_leader(index);
        if let Some(leader) = family {
            last = BaseName::generate(seed, leader).last;
        }

        let mut crowd = Crowd::new(cfg.persons, first, last);
        if in_same_name_pair(index, cfg.persons) {
            crowd.full += 1.0;
        }
        if in_family(index, cfg.persons) {
            crowd.last += 2.0;
        }

        let mut rng = stream(seed, Purpose::Identity, index);
        let name = NameParts { first, last, birth, crowd };
        let (username, username_risk) = username(&mut rng, &name);

        let primary_domain = email_domain(&mut rng);
        let primary_local = email_local(&mut rng, &name, &username, username_risk, primary_domain);
        let mut emails = vec![email(&primary_local, primary_domain)];
        let mut domain = email_domain(&mut rng);
        if domain == primary_domain {
            domain = email_domain(&mut rng);
        }
        if rng.random_bool(0.4) {
            let local = email_local(&mut rng, &name, &username, username_risk, domain);
            let second = email(&local, domain);
            if second != emails[0] {
                emails.push(second);
            }
        }
        let spare_email = alternative_email(&mut rng, &emails[0], domain);

        let mut phones = vec![phone(&mut rng)];
        if rng.random_bool(0.3) {
            phones.push(phone(&mut rng));
        }

        let mut ips = vec![ipv4(&mut rng)];
        if rng.random_bool(0.5) {
            ips.push(ipv4(&mut rng));
        }
        if rng.random_bool(VPN_RATE) {
            let exit = rng.random_range(0..vpn_exit_count(cfg.persons));
            ips.push(vpn_exit_ip(seed, exit));
        }

        let mut cards = own_cards(seed, index);
        if let Some(leader) = family {
            cards[0] = own_cards(seed, leader).swap_remove(0);
        }

        Self { index, first, last, middle, birth, username, emails, spare_email, phones, ips, cards, crowd }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(persons: u64) -> Config {
        Config { persons, ..Config::default() }
    }

    #[test]
    fn planted_same_names() {
        let cfg = cfg(600);
        for block in 0..2 {
            let a = Person::generate(&cfg, block * PLANT_BLOCK + SAME_NAME_LEADER);
            let b = Person::generate(&cfg, block * PLANT_BLOCK + SAME_NAME_FOLLOWER);
            assert_eq!(a.full_name(), b.full_name());
            assert_ne!(a.emails, b.emails);
            assert_ne!(a.cards, b.cards);
            assert!(Presence::generate(&cfg, a.index).payments > 0);
            assert!(Presence::generate(&cfg, b.index).payments > 0);
        }
    }

    #[test]
    fn planted_family_cards() {
        let cfg = cfg(600);
        for block in 0..2 {
            let leader = Person::generate(&cfg, block * PLANT_BLOCK + FAMILY_LEADER);
            let size = 2 + block % 2;
            for k in 1..size {
                let member = Person::generate(&cfg, leader.index + k);
                assert_eq!(member.cards[0], leader.cards[0]);
                assert_eq!(member.last, leader.last);
                assert!(Presence::generate(&cfg, member.index).payments > 0);
            }
            let next = Person::generate(&cfg, leader.index + size);
            assert_ne!(next.cards[0], leader.cards[0]);
        }
    }

    #[test]
    fn vpn_exits_are_shared() {
        let cfg = cfg(1500);
        let exits: Vec<String> = (0..vpn_exit_count(cfg.persons)).map(|j| vpn_exit_ip(cfg.seed, j)).collect();
        let users =
            (0..cfg.persons).filter(|&i| Person::generate(&cfg, i).ips.iter().any(|ip| exits.contains(ip))).count();
        assert!(users > 30, "{users} VPN users");
    }
}
