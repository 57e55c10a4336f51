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
//!
//! The `identity` profile plants more, with the rates of [`IdentityRates`]:
//! - **VPN hubs**: [`hub_count`] IP addresses, each shared by 30–200 strangers at large runs
//!   (its size is drawn by [`hub_weight`]);
//! - **common-name strangers**: persons given one of a small pool of very common full names
//!   (about [`COMMON_NAME_GROUP`] persons each), see [`common_name`];
//! - **digit strangers**: pairs of consecutive persons whose usernames differ only in their
//!   trailing digits (`shadowwolf98`, `shadowwolf99`), see [`digit_stranger_username`];
//! - per person [`Traits`]: a leetspeak habit, a hub, an address made from the handle.

use rand::RngExt;

use crate::Config;
use crate::disguise::change_separators;
use crate::names::{FIRST_NAMES, HANDLE_WORDS, LAST_NAMES, ascii_fold};
use crate::perturb::alternative_email;
use crate::profile::IdentityRates;
use crate::rng::{Permutation, Purpose, stream};
use crate::values::{
    Crowd, Date, INITIAL_SHARE, NameParts, Phone, card_number, date_between, domain_share, email, email_domain,
    email_local, ipv4, phone, pick_skewed, pick_weighted, username,
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

/// The mean of [`hub_weight`]: about how many persons a hub has in a large run.
pub const HUB_MEAN_SIZE: f64 = 115.0;

/// How many VPN hubs there are for a run of `persons` of whom a share `rate` uses one: enough
/// for hubs of about [`HUB_MEAN_SIZE`] persons, and at least two.
pub fn hub_count(persons: u64, rate: f64) -> u64 {
    ((persons as f64 * rate / HUB_MEAN_SIZE).round() as u64).max(2)
}

/// The relative size of VPN hub `j`, 30 to 200: in a large run, about the number of persons
/// behind it.
pub fn hub_weight(seed: u64, j: u64) -> u32 {
    stream(seed, Purpose::Hub, j).random_range(30..=200)
}

/// The IP address of VPN hub `j`.
pub fn hub_ip(seed: u64, j: u64) -> String {
    let mut rng = stream(seed, Purpose::Hub, j);
    let _weight: u32 = rng.random_range(30..=200);
    ipv4(&mut rng)
}

/// Whether the person behind `rng` (their [`Purpose::Traits`] stream, fresh) uses a VPN hub,
/// and which: hubs are picked with probability proportional to their weight, by rejection so
/// the cost does not grow with the number of hubs.
fn draw_hub(rng: &mut rand_chacha::ChaCha8Rng, cfg: &Config, rates: &IdentityRates) -> Option<u64> {
    if !rng.random_bool(rates.vpn_hub) {
        return None;
    }
    let hubs = hub_count(cfg.persons, rates.vpn_hub);
    loop {
        let j = rng.random_range(0..hubs);
        if rng.random_range(0..200u32) < hub_weight(cfg.seed, j) {
            return Some(j);
        }
    }
}

/// The VPN hub person `index` uses in the identity profile, if any (as in its [`Traits`]).
pub fn hub_of(cfg: &Config, rates: &IdentityRates, index: u64) -> Option<u64> {
    draw_hub(&mut stream(cfg.seed, Purpose::Traits, index), cfg, rates)
}

/// The most common first names and surnames, of which the planted common names are made.
const COMMON_NAME_TOP: usize = 12;
/// About how many persons share each planted common name.
pub const COMMON_NAME_GROUP: f64 = 4.0;

/// Keys the order in which the common names are handed out.
const COMMON_NAME_SHUFFLE: u64 = 4;

/// How many planted common names there are for a run of `persons` of whom a share `rate`
/// gets one: groups of about [`COMMON_NAME_GROUP`], bigger once every combination of the
/// most common first names and surnames is used.
pub fn common_name_pool(persons: u64, rate: f64) -> u64 {
    let combinations = (COMMON_NAME_TOP * COMMON_NAME_TOP) as u64;
    ((persons as f64 * rate / COMMON_NAME_GROUP).round() as u64).clamp(1, combinations)
}

/// About how many persons share each planted common name.
fn common_name_group(persons: u64, rate: f64) -> f64 {
    persons as f64 * rate / common_name_pool(persons, rate) as f64
}

/// The planted common name `g`: a combination of one of the most common first names and one
/// of the most common surnames, each used once until all are.
fn pooled_name(seed: u64, g: u64) -> (&'static str, &'static str) {
    let top = COMMON_NAME_TOP as u64;
    let c = Permutation::new(top * top, seed, COMMON_NAME_SHUFFLE).apply(g % (top * top));
    (FIRST_NAMES[(c / top) as usize], LAST_NAMES[(c % top) as usize])
}

/// The very common full name person `index` is given in the identity profile, if any. Persons
/// in the quickstart's planted same-name pairs and families keep theirs.
pub fn common_name(cfg: &Config, rates: &IdentityRates, index: u64) -> Option<(&'static str, &'static str)> {
    if in_same_name_pair(index, cfg.persons) || in_family(index, cfg.persons) {
        return None;
    }
    let mut rng = stream(cfg.seed, Purpose::CommonName, index);
    if !rng.random_bool(rates.common_name) {
        return None;
    }
    Some(pooled_name(cfg.seed, rng.random_range(0..common_name_pool(cfg.persons, rates.common_name))))
}

/// Keys the order in which pairs of handle words are handed to digit strangers.
const DIGIT_PAIR_SHUFFLE: u64 = 3;

/// The username of person `index` in the identity profile if it is one of a planted pair of
/// strangers (persons `2m` and `2m + 1`) whose usernames differ only in their trailing digits:
/// two handle words and a number (`shadowwolf98` and `shadowwolf99`, or `shadowwolf27`).
/// Natural usernames never join two handle words, so no one else has the stem; each pair gets
/// its own stem as long as there are fewer pairs than word pairs (about 10,500).
pub fn digit_stranger_username(cfg: &Config, rates: &IdentityRates, index: u64) -> Option<String> {
    let pair = index / 2;
    if 2 * pair + 1 >= cfg.persons {
        return None;
    }
    let mut rng = stream(cfg.seed, Purpose::DigitPair, pair);
    if !rng.random_bool(rates.digit_stranger) {
        return None;
    }
    let words = HANDLE_WORDS.len() as u64;
    let stems = words * (words - 1);
    let c = Permutation::new(stems, cfg.seed, DIGIT_PAIR_SHUFFLE).apply(pair % stems);
    let (a, b) = (c / (words - 1), c % (words - 1));
    let (a, b) = (a as usize, ((a + 1 + b) % words) as usize);
    let stem = format!("{}{}", HANDLE_WORDS[a].replace('_', ""), HANDLE_WORDS[b].replace('_', ""));
    let range = match pick_weighted(&mut rng, &[60, 25, 15]) {
        0 => 10..100u32,
        1 => 100..1000,
        _ => 1975..2010,
    };
    let leader = rng.random_range(range.clone());
    let follower = if rng.random_bool(0.6) {
        // Only the last digit differs.
        leader - leader % 10 + (leader % 10 + rng.random_range(1..10u32)) % 10
    } else {
        let other = rng.random_range(range.start..range.end - 1);
        if other >= leader { other + 1 } else { other }
    };
    Some(format!("{stem}{}", if index.is_multiple_of(2) { leader } else { follower }))
}

/// Above this expected number of other persons making the same address, a person makes no
/// address of their handle (the quickstart's limit for addresses).
const HANDLE_EMAIL_CROWD_LIMIT: f64 = 0.001;

/// What the identity profile adds to a person.
#[derive(Debug, Clone, PartialEq)]
pub struct Traits {
    /// Writes their handle in leetspeak on some records.
    pub leet: bool,
    /// An address made from the username (`dark.angel99@gmail.com` for `darkangel99`); none
    /// when the username is too common to make an address nobody else has.
    pub handle_email: Option<String>,
    /// The VPN hub the person connects through (its address is among [`Person::ips`]).
    pub hub: Option<u64>,
}

impl Traits {
    fn generate(cfg: &Config, rates: &IdentityRates, index: u64, name: &NameParts<'_>, user: &str, risk: f64) -> Self {
        let mut rng = stream(cfg.seed, Purpose::Traits, index);
        let hub = draw_hub(&mut rng, cfg, rates);
        let leet = rng.random_bool(rates.leet_person);
        let domain = email_domain(&mut rng);
        let mut local = user.to_ascii_lowercase();
        if rng.random_bool(0.6) {
            let (first, last) = (ascii_fold(name.first), ascii_fold(name.last));
            local = change_separators(&mut rng, &local, &[&first, &last]).replace(['_', '-'], ".");
        }
        let handle_email = (risk * domain_share(domain) <= HANDLE_EMAIL_CROWD_LIMIT).then(|| email(&local, domain));
        Self { leet, handle_email, hub }
    }
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
        let mut forum = count(&mut rng, 0.85, 0.08);
        let mut payments = count(&mut rng, 0.70, 0.15);
        let chat = count(&mut rng, 0.55, 0.20);
        if payments == 0 && planted_in_payments(index, cfg.persons) {
            payments = 1;
        }
        if let Some(rates) = cfg.identity_rates() {
            // Planted identity structure shows where it can be seen: a name on payments, a
            // username on the forum.
            if payments == 0 && common_name(cfg, rates, index).is_some() {
                payments = 1;
            }
            if forum == 0 && chat == 0 && digit_stranger_username(cfg, rates, index).is_some() {
                forum = 1;
            }
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
    /// What the identity profile adds; `None` in the quickstart profile.
    pub traits: Option<Traits>,
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
        let identity = cfg.identity_rates();
        let common = identity.and_then(|rates| common_name(cfg, rates, index));
        if let Some(name) = common {
            (first, last) = name;
        }

        let mut crowd = Crowd::new(cfg.persons, first, last);
        if in_same_name_pair(index, cfg.persons) {
            crowd.full += 1.0;
        }
        if in_family(index, cfg.persons) {
            crowd.last += 2.0;
        }
        if let (Some(rates), Some(_)) = (identity, common) {
            // The group shares the whole name, so its initial too.
            let group = common_name_group(cfg.persons, rates.common_name);
            crowd.full += group;
            crowd.first += group;
            crowd.last += group / INITIAL_SHARE;
        }

        let mut rng = stream(seed, Purpose::Identity, index);
        let name = NameParts { first, last, birth, crowd };
        let (mut username, mut username_risk) = username(&mut rng, &name);
        if let Some(planted) = identity.and_then(|rates| digit_stranger_username(cfg, rates, index)) {
            (username, username_risk) = (planted, 0.0);
        }

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

        let traits = identity.map(|rates| Traits::generate(cfg, rates, index, &name, &username, username_risk));
        if let Some(hub) = traits.as_ref().and_then(|t| t.hub) {
            ips.push(hub_ip(seed, hub));
        }

        Self { index, first, last, middle, birth, username, emails, spare_email, phones, ips, cards, crowd, traits }
    }
}

/// What the identity profile planted in a run, counted over all its persons (some of whom
/// have no record).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Planted {
    /// Persons behind each VPN hub.
    pub hub_persons: Vec<u64>,
    /// Persons given a planted common name.
    pub common_name_persons: u64,
    /// Distinct planted common names among them.
    pub common_names: u64,
    /// Pairs of strangers whose usernames differ only in their trailing digits.
    pub digit_stranger_pairs: u64,
    /// Persons who write their handle in leetspeak on some records.
    pub leet_persons: u64,
    /// Persons with an address made from their handle.
    pub handle_email_persons: u64,
}

impl Planted {
    /// Counts what the identity profile plants in the run of `cfg`; `None` in other profiles.
    pub fn count(cfg: &Config) -> Option<Self> {
        let rates = cfg.identity_rates()?;
        let mut planted =
            Self { hub_persons: vec![0; hub_count(cfg.persons, rates.vpn_hub) as usize], ..Self::default() };
        let mut names = std::collections::BTreeSet::new();
        for index in 0..cfg.persons {
            if let Some(name) = common_name(cfg, rates, index) {
                planted.common_name_persons += 1;
                names.insert(name);
            }
            if index % 2 == 1 && digit_stranger_username(cfg, rates, index).is_some() {
                planted.digit_stranger_pairs += 1;
            }
            if let Some(traits) = Person::generate(cfg, index).traits {
                planted.leet_persons += u64::from(traits.leet);
                planted.handle_email_persons += u64::from(traits.handle_email.is_some());
                if let Some(hub) = traits.hub {
                    planted.hub_persons[hub as usize] += 1;
                }
            }
        }
        planted.common_names = names.len() as u64;
        Some(planted)
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

    fn identity(persons: u64) -> Config {
        Config { persons, seed: 7, profile: crate::Profile::Identity, ..Config::default() }
    }

    #[test]
    fn quickstart_persons_have_no_traits() {
        let cfg = cfg(300);
        assert!((0..300).all(|i| Person::generate(&cfg, i).traits.is_none()));
        assert_eq!(Planted::count(&cfg), None);
    }

    #[test]
    fn vpn_hubs_have_30_to_200_persons_in_large_runs() {
        let cfg = identity(200_000);
        let rates = &cfg.identity;
        let hubs = hub_count(cfg.persons, rates.vpn_hub);
        assert_eq!(hubs, 139);
        let mut sizes = vec![0u32; hubs as usize];
        for index in 0..cfg.persons {
            if let Some(j) = hub_of(&cfg, rates, index) {
                sizes[j as usize] += 1;
            }
        }
        for (j, &size) in sizes.iter().enumerate() {
            let weight = hub_weight(cfg.seed, j as u64);
            assert!((15..=260).contains(&size), "hub {j}: {size} persons, weight {weight}");
            assert!((f64::from(size) - f64::from(weight)).abs() < 5.0 * f64::from(weight).sqrt() + 10.0, "{j}");
        }
        // A small run still has a couple of hubs, smaller.
        assert_eq!(hub_count(1500, rates.vpn_hub), 2);
    }

    #[test]
    fn hub_users_show_the_hub_address() {
        let cfg = identity(1000);
        let mut users = 0;
        for index in 0..cfg.persons {
            let person = Person::generate(&cfg, index);
            let hub = person.traits.as_ref().unwrap().hub;
            assert_eq!(hub, hub_of(&cfg, &cfg.identity, index));
            if let Some(j) = hub {
                assert!(person.ips.contains(&hub_ip(cfg.seed, j)));
                users += 1;
            }
        }
        assert!((50..120).contains(&users), "{users}");
    }

    #[test]
    fn common_names_are_shared_by_strangers() {
        let cfg = identity(2000);
        let rates = &cfg.identity;
        let mut by_name: std::collections::BTreeMap<String, Vec<u64>> = Default::default();
        for index in 0..cfg.persons {
            if common_name(&cfg, rates, index).is_some() {
                let person = Person::generate(&cfg, index);
                by_name.entry(person.full_name()).or_default().push(index);
                assert!(Presence::generate(&cfg, index).payments > 0);
                // Common names make numbered usernames and addresses.
                assert!(person.crowd.full >= COMMON_NAME_GROUP * 0.9);
            }
        }
        let planted: usize = by_name.values().map(Vec::len).sum();
        assert!((35..90).contains(&planted), "{planted}");
        assert!(by_name.values().filter(|v| v.len() >= 2).count() >= 5, "{by_name:?}");
        // Planted same-name pairs and families keep their names.
        assert_eq!(common_name(&cfg, rates, SAME_NAME_FOLLOWER), None);
        assert_eq!(common_name(&cfg, rates, FAMILY_LEADER + 1), None);
    }

    #[test]
    fn digit_strangers_differ_only_in_trailing_digits() {
        let cfg = identity(3000);
        let rates = &cfg.identity;
        let mut pairs = 0;
        for leader in (0..cfg.persons).step_by(2) {
            let Some(a) = digit_stranger_username(&cfg, rates, leader) else {
                assert_eq!(digit_stranger_username(&cfg, rates, leader + 1), None);
                continue;
            };
            let b = digit_stranger_username(&cfg, rates, leader + 1).unwrap();
            assert_ne!(a, b);
            let stem = |s: &str| s.trim_end_matches(|c: char| c.is_ascii_digit()).to_owned();
            assert_eq!(stem(&a), stem(&b));
            assert_eq!(a.len(), b.len(), "{a} {b}");
            for index in [leader, leader + 1] {
                let person = Person::generate(&cfg, index);
                assert!(person.username == a || person.username == b);
                let presence = Presence::generate(&cfg, index);
                assert!(presence.forum + presence.chat > 0);
            }
            pairs += 1;
        }
        assert!((15..50).contains(&pairs), "{pairs}");
    }

    #[test]
    fn digit_stranger_stems_are_not_natural_usernames() {
        // Natural usernames join a handle word with a first name (`wolfsarah`), never with
        // another handle word: a first name that is a handle word, or a handle word made of
        // two, would let a stranger make a planted stem.
        let words: Vec<String> = HANDLE_WORDS.iter().map(|w| w.replace('_', "")).collect();
        for first in FIRST_NAMES {
            assert!(!words.contains(&ascii_fold(first)), "{first}");
        }
        for w in &words {
            assert!(!words.iter().any(|a| w.strip_prefix(a.as_str()).is_some_and(|b| words.iter().any(|x| x == b))));
        }
    }

    #[test]
    fn handle_addresses_are_made_from_the_username() {
        let cfg = identity(500);
        let mut made = 0;
        for index in 0..cfg.persons {
            let person = Person::generate(&cfg, index);
            if let Some(address) = person.traits.unwrap().handle_email {
                let local: String =
                    address.split('@').next().unwrap().chars().filter(char::is_ascii_alphanumeric).collect();
                let user: String =
                    person.username.to_ascii_lowercase().chars().filter(char::is_ascii_alphanumeric).collect();
                assert_eq!(local, user, "{address} for {}", person.username);
                made += 1;
            }
        }
        assert!(made > 300, "{made}");
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
