//! The sources: what each person's records look like in each of them, and the writers that
//! stream every source in a shuffled order together with the ground truth. The IRC log, a
//! source of the quickstart profile only, is made in [`crate::irc`].

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use rand::RngExt;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::Config;
use crate::irc::write_irc;
use crate::person::{Person, Presence};
use crate::perturb::{bump_trailing_digit, change_case, maybe_change_case, typo};
use crate::profile::{Tally, disguise_chat, disguise_forum, disguise_payments};
use crate::rng::{Permutation, Purpose, stream};
use crate::values::{Date, date_between, format_card, format_phone, ipv4, pick_weighted, username_variant};

/// The most records one person has in one source; each person owns this many slots in each
/// source's shuffled order, most of them empty.
pub const SLOTS: u64 = 2;

/// The forum source's file name.
pub const FORUM_FILE: &str = "forum_accounts.csv";
/// The payments source's file name.
pub const PAYMENTS_FILE: &str = "payments.csv";
/// The chat source's file name.
pub const CHAT_FILE: &str = "chat_participants.jsonl";
/// The IRC log's file name (quickstart profile only).
pub const IRC_FILE: &str = "irc.log";
/// The ground truth's file name.
pub const TRUTH_FILE: &str = "truth.csv";

/// How many records were written to each source, and how many values the identity profile
/// disguised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub forum: u64,
    pub payments: u64,
    pub chat: u64,
    /// Participants (distinct `user@host`) in the IRC log: its records.
    pub irc: u64,
    /// Lines of the IRC log, the server's included.
    pub irc_lines: u64,
    pub disguised: Tally,
}

impl Counts {
    /// Records in all sources: the rows of the ground truth.
    pub fn total(&self) -> u64 {
        self.forum + self.payments + self.chat + self.irc
    }
}

/// The random stream for the `k`-th record of a person in a source.
fn record_stream(cfg: &Config, purpose: Purpose, person: &Person, k: u64) -> ChaCha8Rng {
    stream(cfg.seed, purpose, person.index * SLOTS + k)
}

/// The email a record shows: usually the primary address, sometimes an alternative one (the
/// person's second address, or a variant of the first), now and then in another case.
fn record_email(cfg: &Config, rng: &mut ChaCha8Rng, person: &Person, alternative: bool) -> String {
    let email = if !alternative {
        person.emails[0].clone()
    } else {
        person.emails.get(1).unwrap_or(&person.spare_email).clone()
    };
    maybe_change_case(rng, cfg.rates.case_change / 2.0, email)
}

/// One of the person's IPs.
fn record_ip(rng: &mut ChaCha8Rng, person: &Person) -> String {
    person.ips[rng.random_range(0..person.ips.len())].clone()
}

/// A username as written in one record: typo, trailing digit change, case change.
fn perturb_username(cfg: &Config, rng: &mut ChaCha8Rng, mut name: String, typo_here: bool) -> String {
    if typo_here {
        name = typo(rng, &name);
    }
    if rng.random_bool(cfg.rates.trailing_digit) {
        name = bump_trailing_digit(rng, &name);
    }
    maybe_change_case(rng, cfg.rates.case_change, name)
}

/// A forum account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForumAccount {
    pub username: String,
    pub email: Option<String>,
    pub signup_ip: Option<String>,
    pub joined: Option<Date>,
}

impl ForumAccount {
    /// The `k`-th account of a person (`k = 1`: a second account, with a variant username).
    pub fn generate(cfg: &Config, person: &Person, k: u64) -> Self {
        Self::generate_counted(cfg, person, k, &mut Tally::default())
    }

    /// [`Self::generate`], counting the identity disguises applied.
    pub fn generate_counted(cfg: &Config, person: &Person, k: u64, tally: &mut Tally) -> Self {
        let mut account = Self::undisguised(cfg, person, k);
        if let Some(rates) = cfg.identity_rates() {
            disguise_forum(cfg, rates, person, k, &mut account, tally);
        }
        account
    }

    /// The account as the quickstart profile makes it.
    fn undisguised(cfg: &Config, person: &Person, k: u64) -> Self {
        let mut rng = record_stream(cfg, Purpose::Forum, person, k);
        let rng = &mut rng;
        let base = if k == 0 {
            person.username.clone()
        } else {
            username_variant(rng, &person.username, &person.name_parts())
        };
        let typo_here = rng.random_bool(cfg.rates.typo);
        let username = perturb_username(cfg, rng, base, typo_here);
        // A second account more often shows another address than a first one.
        let alternative = rng.random_bool(if k == 0 { cfg.rates.alternative_email } else { 0.5 });
        let email = record_email(cfg, rng, person, alternative);
        let signup_ip = record_ip(rng, person);
        let from = (person.birth.year + 13).max(2005);
        let joined = date_between(rng, from, 2025);
        let mut account = Self { username, email: Some(email), signup_ip: Some(signup_ip), joined: Some(joined) };
        if rng.random_bool(cfg.rates.missing_field) {
            match rng.random_range(0..3u32) {
                0 => account.email = None,
                1 => account.signup_ip = None,
                _ => account.joined = None,
            }
        }
        account
    }
}

/// A payments customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentsCustomer {
    pub cardholder_name: String,
    pub email: Option<String>,
    pub card_number: String,
    pub phones: Vec<String>,
    pub billing_ip: Option<String>,
}

impl PaymentsCustomer {
    /// The `k`-th customer record of a person (`k = 1`: a second profile, with the second card
    /// when the person has one).
    pub fn generate(cfg: &Config, person: &Person, k: u64) -> Self {
        Self::generate_counted(cfg, person, k, &mut Tally::default())
    }

    /// [`Self::generate`], counting the identity disguises applied.
    pub fn generate_counted(cfg: &Config, person: &Person, k: u64, tally: &mut Tally) -> Self {
        let mut customer = Self::undisguised(cfg, person, k);
        if let Some(rates) = cfg.identity_rates() {
            disguise_payments(cfg, rates, person, k, &mut customer, tally);
        }
        customer
    }

    /// The customer as the quickstart profile makes it.
    fn undisguised(cfg: &Config, person: &Person, k: u64) -> Self {
        let mut rng = record_stream(cfg, Purpose::Payments, person, k);
        let rng = &mut rng;
        let (mut first, mut last) = (person.first.to_owned(), person.last.to_owned());
        if rng.random_bool(cfg.rates.typo) {
            if rng.random_bool(0.5) {
                first = typo(rng, &first);
            } else {
                last = typo(rng, &last);
            }
        }
        let cardholder_name = match (pick_weighted(rng, &[55, 25, 12, 8]), person.middle) {
            (1, _) => format!("{first} {last}").to_uppercase(),
            (2, Some(middle)) => format!("{first} {middle}. {last}"),
            (3, Some(middle)) => format!("{first} {middle} {last}").to_uppercase(),
            _ => format!("{first} {last}"),
        };
        let email = if rng.random_bool(0.10) {
            None
        } else {
            let alternative = rng.random_bool(cfg.rates.alternative_email);
            Some(record_email(cfg, rng, person, alternative))
        };
        let card = person.cards.get(k as usize).unwrap_or(&person.cards[0]);
        let card_number = format_card(rng, card);
        let mut phones: Vec<String> = if person.phones.len() > 1 && rng.random_bool(0.6) {
            person.phones.iter().map(|p| format_phone(rng, p)).collect()
        } else {
            let phone = &person.phones[rng.random_range(0..person.phones.len())];
            vec![format_phone(rng, phone)]
        };
        let mut billing_ip = Some(record_ip(rng, person));
        if rng.random_bool(cfg.rates.missing_field / 2.0) {
            if rng.random_bool(0.5) {
                billing_ip = None;
            } else {
                phones.clear();
            }
        }
        Self { cardholder_name, email, card_number, phones, billing_ip }
    }
}

/// A chat participant, as one JSON line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatParticipant {
    pub participant_id: String,
    pub handle: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub emails: Vec<String>,
    pub ips: Vec<String>,
}

impl ChatParticipant {
    /// The `k`-th participant of a person (`k = 1`: an alternative handle). The id is set
    /// when the participant is written.
    pub fn generate(cfg: &Config, person: &Person, k: u64) -> Self {
        Self::generate_counted(cfg, person, k, &mut Tally::default())
    }

    /// [`Self::generate`], counting the identity disguises applied.
    pub fn generate_counted(cfg: &Config, person: &Person, k: u64, tally: &mut Tally) -> Self {
        let mut participant = Self::undisguised(cfg, person, k);
        if let Some(rates) = cfg.identity_rates() {
            disguise_chat(cfg, rates, person, k, &mut participant, tally);
        }
        participant
    }

    /// The participant as the quickstart profile makes it.
    fn undisguised(cfg: &Config, person: &Person, k: u64) -> Self {
        let mut rng = record_stream(cfg, Purpose::Chat, person, k);
        let rng = &mut rng;
        let base = if k == 0 && rng.random_bool(0.7) {
            person.username.clone()
        } else {
            username_variant(rng, &person.username, &person.name_parts())
        };
        let typo_here = rng.random_bool(cfg.rates.typo);
        let typo_in_handle = typo_here && rng.random_bool(0.6);
        let handle = perturb_username(cfg, rng, base, typo_in_handle);

        let mut display_name = match pick_weighted(rng, &[50, 25, 25]) {
            0 => Some(person.full_name()),
            1 => Some(person.first.to_owned()),
            _ => None,
        };
        if let Some(name) = display_name.as_mut() {
            if typo_here && !typo_in_handle {
                *name = typo(rng, name);
            }
            if rng.random_bool(cfg.rates.case_change) {
                *name = change_case(rng, name);
            }
        }

        let mut emails = Vec::new();
        match pick_weighted(rng, &[10, 62, 28]) {
            0 => {}
            1 => {
                let alternative = rng.random_bool(cfg.rates.alternative_email);
                emails.push(record_email(cfg, rng, person, alternative));
            }
            _ => {
                emails.push(record_email(cfg, rng, person, false));
                let second = record_email(cfg, rng, person, true);
                if !second.eq_ignore_ascii_case(&emails[0]) {
                    emails.push(second);
                }
            }
        }

        let wanted = 1 + pick_weighted(rng, &[50, 35, 15]);
        let mut ips = person.ips.clone();
        ips.shuffle(rng);
        ips.truncate(wanted);
        while ips.len() < wanted {
            // A transient address: a hotel, a café, a phone on the move.
            ips.push(ipv4(rng));
        }

        Self { participant_id: String::new(), handle, display_name, emails, ips }
    }
}

/// Calls `emit(person, k)` for every record of one source, in the source's shuffled order.
fn for_each_record(
    cfg: &Config,
    source: u64,
    count: impl Fn(&Presence) -> u64,
    mut emit: impl FnMut(&Person, u64) -> Result<()>,
) -> Result<()> {
    let slots = cfg.persons * SLOTS;
    let order = Permutation::new(slots, cfg.seed, source);
    for i in 0..slots {
        let slot = order.apply(i);
        let (index, k) = (slot / SLOTS, slot % SLOTS);
        if k < count(&Presence::generate(cfg, index)) {
            emit(&Person::generate(cfg, index), k)?;
        }
    }
    Ok(())
}

fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(T::to_string).unwrap_or_default()
}

/// Writes the sources and the ground truth to the given writers: the IRC log too when the
/// profile has it ([`Config::irc_log`]) and `irc` is given (in other profiles `irc` is left
/// empty). Its truth rows come after the others'.
pub fn write_sources<W: Write>(
    cfg: &Config,
    forum: W,
    payments: W,
    chat: W,
    irc: Option<W>,
    truth: W,
) -> Result<Counts> {
    let mut counts = Counts::default();
    let mut truth = csv::Writer::from_writer(truth);
    truth.write_record(["source", "id", "entity"])?;

    let mut out = csv::Writer::from_writer(forum);
    out.write_record(["account_id", "username", "email", "signup_ip", "joined"])?;
    for_each_record(
        cfg,
        0,
        |p| p.forum,
        |person, k| {
            let account = ForumAccount::generate_counted(cfg, person, k, &mut counts.disguised);
            counts.forum += 1;
            let id = format!("F{:06}", counts.forum);
            out.write_record([
                id.as_str(),
                &account.username,
                &opt(&account.email),
                &opt(&account.signup_ip),
                &opt(&account.joined),
            ])?;
            truth.write_record(["forum", &id, &person.entity()])?;
            Ok(())
        },
    )?;
    out.flush()?;

    let mut out = csv::Writer::from_writer(payments);
    out.write_record(["customer_id", "cardholder_name", "email", "card_number", "phones", "billing_ip"])?;
    for_each_record(
        cfg,
        1,
        |p| p.payments,
        |person, k| {
            let customer = PaymentsCustomer::generate_counted(cfg, person, k, &mut counts.disguised);
            counts.payments += 1;
            let id = format!("P-{:05}", counts.payments);
            out.write_record([
                id.as_str(),
                &customer.cardholder_name,
                &opt(&customer.email),
                &customer.card_number,
                &customer.phones.join(";"),
                &opt(&customer.billing_ip),
            ])?;
            truth.write_record(["payments", &id, &person.entity()])?;
            Ok(())
        },
    )?;
    out.flush()?;

    let mut out = chat;
    for_each_record(
        cfg,
        2,
        |p| p.chat,
        |person, k| {
            let mut participant = ChatParticipant::generate_counted(cfg, person, k, &mut counts.disguised);
            counts.chat += 1;
            participant.participant_id = format!("c-{}", counts.chat);
            serde_json::to_writer(&mut out, &participant)?;
            out.write_all(b"\n")?;
            truth.write_record(["chat", &participant.participant_id, &person.entity()])?;
            Ok(())
        },
    )?;
    out.flush()?;

    if let Some(irc) = irc.filter(|_| cfg.irc_log()) {
        (counts.irc, counts.irc_lines) = write_irc(cfg, irc, &mut truth)?;
    }

    truth.flush()?;
    Ok(counts)
}

/// Writes the files into `dir` (created if needed): the three sources and the ground truth,
/// and the IRC log when the profile has one.
pub fn write_dir(cfg: &Config, dir: &Path) -> Result<Counts> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let open = |name: &str| -> Result<BufWriter<File>> {
        let path = dir.join(name);
        let file = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(BufWriter::with_capacity(1 << 16, file))
    };
    let irc = if cfg.irc_log() { Some(open(IRC_FILE)?) } else { None };
    let counts = write_sources(cfg, open(FORUM_FILE)?, open(PAYMENTS_FILE)?, open(CHAT_FILE)?, irc, open(TRUTH_FILE)?)?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Profile;
    use crate::values::luhn_valid;

    /// The five files of a run, in memory: forum, payments, chat, truth, IRC log.
    fn run(persons: u64, seed: u64) -> (Counts, [String; 5]) {
        run_cfg(&Config { persons, seed, ..Config::default() })
    }

    fn run_cfg(cfg: &Config) -> (Counts, [String; 5]) {
        let mut bufs: [Vec<u8>; 5] = Default::default();
        let [forum, payments, chat, truth, irc] = &mut bufs;
        let counts = write_sources(cfg, forum, payments, chat, Some(irc), truth).unwrap();
        (counts, bufs.map(|b| String::from_utf8(b).unwrap()))
    }

    fn identity(persons: u64, seed: u64) -> Config {
        Config { persons, seed, profile: Profile::Identity, ..Config::default() }
    }

    #[test]
    fn same_seed_same_bytes() {
        let (counts, a) = run(300, 7);
        let (_, b) = run(300, 7);
        assert_eq!(a, b);
        let (_, c) = run(300, 8);
        assert_ne!(a[0], c[0]);
        assert!(counts.total() > 600, "{counts:?}");
    }

    #[test]
    fn truth_covers_every_record_once() {
        let (counts, [forum, payments, chat, truth, irc]) = run(300, 1);
        assert_eq!(forum.lines().count() as u64, counts.forum + 1);
        assert_eq!(payments.lines().count() as u64, counts.payments + 1);
        assert_eq!(chat.lines().count() as u64, counts.chat);
        assert_eq!(irc.lines().count() as u64, counts.irc_lines);
        assert!(counts.irc > 50 && counts.irc_lines > 3 * counts.irc, "{counts:?}");
        let mut rows: Vec<(String, String)> = csv::Reader::from_reader(truth.as_bytes())
            .records()
            .map(|r| {
                let r = r.unwrap();
                (r[0].to_owned(), r[1].to_owned())
            })
            .collect();
        assert_eq!(rows.len() as u64, counts.total());
        rows.sort();
        rows.dedup();
        assert_eq!(rows.len() as u64, counts.total(), "duplicate ids");
        assert!(rows.iter().all(|(s, _)| ["forum", "payments", "chat", "irc"].contains(&s.as_str())));
        assert_eq!(rows.iter().filter(|(s, _)| s == "irc").count() as u64, counts.irc);
    }

    #[test]
    fn payment_cards_pass_luhn() {
        let (counts, [_, payments, _, _, _]) = run(500, 3);
        let mut reader = csv::Reader::from_reader(payments.as_bytes());
        assert_eq!(
            reader.headers().unwrap(),
            vec!["customer_id", "cardholder_name", "email", "card_number", "phones", "billing_ip"]
        );
        let mut seen = 0;
        for row in reader.records() {
            let card = row.unwrap()[3].to_owned();
            let digits: String = card.chars().filter(char::is_ascii_digit).collect();
            assert_eq!(digits.len(), 16, "{card}");
            assert!(luhn_valid(&card), "{card}");
            seen += 1;
        }
        assert_eq!(seen, counts.payments);
    }

    #[test]
    fn chat_lines_have_the_documented_shape() {
        let (_, [_, _, chat, _, _]) = run(300, 4);
        let mut without_name = 0;
        for line in chat.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let obj = v.as_object().unwrap();
            assert!(obj["participant_id"].as_str().unwrap().starts_with("c-"));
            assert!(!obj["handle"].as_str().unwrap().is_empty());
            assert!(obj["emails"].as_array().unwrap().len() <= 2);
            let ips = obj["ips"].as_array().unwrap().len();
            assert!((1..=3).contains(&ips), "{line}");
            without_name += usize::from(!obj.contains_key("display_name"));
        }
        assert!(without_name > 0);
    }

    #[test]
    fn rows_are_not_grouped_by_person() {
        let (_, [_, _, _, truth, _]) = run(300, 5);
        let entities: Vec<&str> = truth.lines().skip(1).map(|l| l.rsplit(',').next().unwrap()).collect();
        // In person order, consecutive entities would mostly be increasing.
        let increasing = entities.windows(2).filter(|w| w[0] < w[1]).count();
        let share = increasing as f64 / (entities.len() - 1) as f64;
        assert!((0.35..0.65).contains(&share), "{share}");
    }

    #[test]
    fn identity_profile_is_deterministic_and_disguises_every_kind() {
        let cfg = identity(1500, 9);
        let (counts, a) = run_cfg(&cfg);
        let (again, b) = run_cfg(&cfg);
        assert_eq!(a, b);
        assert_eq!(counts, again);
        for (name, n) in counts.disguised.entries() {
            assert!(n > 0, "no {name} in {:?}", counts.disguised);
        }
        let (plain, q) = run_cfg(&Config { profile: Profile::Quickstart, ..cfg });
        assert_eq!(plain.disguised, Tally::default());
        assert_ne!(q[0], a[0]);
        // The IRC log is the quickstart's only.
        assert_eq!((counts.irc, counts.irc_lines), (0, 0));
        assert!(a[4].is_empty() && !q[4].is_empty());
    }

    #[test]
    fn the_irc_log_leaves_the_other_sources_alone() {
        let cfg = Config { persons: 400, seed: 11, ..Config::default() };
        let (with, a) = run_cfg(&cfg);
        let mut bufs: [Vec<u8>; 4] = Default::default();
        let [forum, payments, chat, truth] = &mut bufs;
        let without = write_sources(&cfg, forum, payments, chat, None, truth).unwrap();
        let b = bufs.map(|b| String::from_utf8(b).unwrap());
        assert_eq!(a[..3], b[..3]);
        assert_eq!((without.irc, without.total()), (0, with.total() - with.irc));
        // The IRC rows come after the others.
        assert!(a[3].starts_with(&b[3]) && a[3].len() > b[3].len());
        assert!(a[3][b[3].len()..].lines().all(|l| l.starts_with("irc,")));
    }

    #[test]
    fn identity_cards_are_full_or_masked() {
        let (counts, [_, payments, _, _, _]) = run_cfg(&identity(800, 3));
        let (mut full, mut masked) = (0, 0);
        for row in csv::Reader::from_reader(payments.as_bytes()).records() {
            let card = row.unwrap()[3].to_owned();
            let compact: String = card.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
            assert_eq!(compact.chars().count(), 16, "{card}");
            if compact.bytes().all(|b| b.is_ascii_digit()) {
                assert!(luhn_valid(&card), "{card}");
                full += 1;
            } else {
                assert!(compact[12..].bytes().all(|b| b.is_ascii_digit()), "{card}");
                assert!(compact[6..12].bytes().all(|b| matches!(b, b'*' | b'X' | b'x')), "{card}");
                masked += 1;
            }
        }
        assert_eq!(full + masked, counts.payments);
        assert_eq!(masked, counts.disguised.masked_card);
        let share = masked as f64 / counts.payments as f64;
        assert!((0.18..0.32).contains(&share), "{share}");
    }

    #[test]
    fn identity_records_keep_their_shape() {
        let (counts, [forum, _, chat, truth, _]) = run_cfg(&identity(600, 4));
        assert_eq!(truth.lines().count() as u64, counts.total() + 1);
        let mut reader = csv::Reader::from_reader(forum.as_bytes());
        assert_eq!(reader.headers().unwrap(), vec!["account_id", "username", "email", "signup_ip", "joined"]);
        let mut non_ascii = 0;
        for row in reader.records() {
            let row = row.unwrap();
            assert!(!row[1].is_empty());
            non_ascii += usize::from(!row[1].is_ascii());
            if !row[2].is_empty() {
                assert_eq!(row[2].matches('@').count(), 1, "{}", &row[2]);
            }
        }
        assert!(non_ascii > 0);
        for line in chat.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let obj = v.as_object().unwrap();
            assert!(!obj["handle"].as_str().unwrap().is_empty());
            assert!(obj["emails"].as_array().unwrap().len() <= 2, "{line}");
            let ips = obj["ips"].as_array().unwrap().len();
            assert!((1..=3).contains(&ips), "{line}");
        }
    }
}
