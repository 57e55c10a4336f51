//! The IRC log (`irc.log`, quickstart profile only): channels as a server or a bouncer logs
//! them, one IRC protocol line per log line after an ISO timestamp.
//!
//! ```text
//! 2024-03-01T21:14:07Z :dark_angel!~da@82.14.3.9 JOIN #market
//! 2024-03-01T21:14:09Z :dark_angel!~da@82.14.3.9 PRIVMSG #market :mail me: d.angel99@gmail.com
//! 2024-03-01T21:15:00Z :dark_angel!~da@82.14.3.9 NICK :angel_d
//! PING :irc.example.net
//! 2024-03-01T21:15:30Z :irc.example.net 353 * = #market :angel_d sh4dow
//! ```
//!
//! Its reader (the `irc-log` plugin) makes one record per distinct `user@host`, with id the
//! first mask `nick!user@host` seen for it, every nick it used, its host as an IP and every
//! address written in its messages. So a *participant* here is one `user@host`, and the
//! ground truth has one row per participant, with its first mask as the id.
//!
//! - **Presence**: about [`PRESENT`] of the persons, [`TWICE`] of those with a second
//!   participant (another IP when the person has one, always another ident).
//! - **Mask** `nick!~ident@ip`: the nick is the person's username, with one keyboard slip in
//!   [`SLIP`] of participants (a letter replaced by a QWERTY neighbour, see
//!   [`qwerty_neighbours`]), two adjacent letters swapped in [`SWAP`], otherwise now and then
//!   in another case ([`CASE`]); the ident is the first 2–8 letters of the username, lower
//!   case; the IP one of the person's ([`Person::ips`]). Two participants never share a
//!   `user@host`: an ident taken on that host gets a number (`~sarah2`).
//! - **Lines**: a `JOIN`, 1–4 `PRIVMSG`s of small talk, in [`EMAIL`] of participants one of
//!   them giving one of the person's addresses; [`NICK_CHANGE`] of participants change nick
//!   once (back to the plain username, or to a variant), later lines showing the new nick with
//!   the same `~ident@ip`; some leave with a `QUIT` or a `PART`.
//! - **Order**: participants join in a keyed shuffled order, each a few seconds to minutes
//!   after the previous, and talk for up to an hour; the lines are merged by time, so the
//!   timestamps never go back. The server's `PING :irc.example.net` comes about every 200
//!   lines and a `353`/`366` names list now and then; the reader skips both.
//!
//! Memory is the lines of the participants still talking (a heap, a few dozen) plus the set of
//! `user@host` written so far, which keeps them distinct.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet, VecDeque};
use std::io::Write;

use anyhow::Result;
use rand::seq::SliceRandom;
use rand::{Rng, RngExt};
use rand_chacha::ChaCha8Rng;

use crate::Config;
use crate::person::Person;
use crate::perturb::change_case;
use crate::rng::{Permutation, Purpose, stream};
use crate::sources::SLOTS;
use crate::values::{pick, pick_weighted, username_variant};

/// The server's name, on its own lines.
pub const SERVER: &str = "irc.example.net";
/// The channels participants join, the first the busiest.
pub const CHANNELS: [&str; 3] = ["#market", "#lobby", "#help"];
/// When the log starts: 2024-03-01T18:00:00Z, in seconds since the Unix epoch.
pub const START: u64 = 19_783 * 86_400 + 18 * 3_600;

/// Share of persons in the log.
pub const PRESENT: f64 = 0.30;
/// Share of those with a second participant.
pub const TWICE: f64 = 0.08;
/// Share of participants whose nick has one letter replaced by a QWERTY neighbour.
pub const SLIP: f64 = 0.30;
/// Share of participants whose nick has two adjacent letters swapped.
pub const SWAP: f64 = 0.10;
/// Share of the other participants whose nick is in another case.
pub const CASE: f64 = 0.15;
/// Share of participants who give one of their addresses in a message.
pub const EMAIL: f64 = 0.40;
/// Share of participants who change nick once.
pub const NICK_CHANGE: f64 = 0.10;

/// The IRC log's index among the sources: keys its participants' shuffled order.
const SOURCE: u64 = 3;
/// Streams per person in [`Purpose::Irc`]: the person's own (presence, IP order, idents), then
/// one per participant.
const STREAMS: u64 = SLOTS + 1;
/// The server's stream (when its lines come) in [`Purpose::Irc`]: an index no person reaches.
const SERVER_STREAM: u64 = u64::MAX;

/// Small talk.
const CHATTER: &[&str] = &[
    "hey all",
    "anyone around?",
    "evening",
    "gm",
    "back",
    "brb",
    "lol",
    "ok",
    "thx",
    "thanks, that worked",
    "anyone selling?",
    "what's the going rate these days",
    "check your pm",
    "same as last time?",
    "who's online tonight",
    "quiet in here",
    "any news?",
    "did the last batch go out",
    "link is dead btw",
    "works for me",
    "haha",
    "nope",
    "yeah",
    "k",
    "can someone vouch for me",
    "will be back later",
    "give me a minute",
    "sounds good",
    "deal",
    "how long does shipping take",
    "prices went up again",
    "lag is terrible today",
    "welcome back",
    "np",
    "sure",
    "idk",
    "ping me later",
    "got it",
    "cheers",
    "later all",
];

/// Messages that give an address; `{}` is the address.
const EMAIL_MESSAGES: &[&str] = &[
    "mail me: {}",
    "my email is {}",
    "send the details to {}",
    "reach me at {} if i'm offline",
    "{} for anything else",
    "contact: {}",
    "drop me a line at {}",
    "new address, use {} from now on",
];

/// Why a participant quit.
const QUIT_REASONS: &[&str] =
    &["Quit: leaving", "Ping timeout: 240 seconds", "Remote host closed the connection", "Quit: bye", "Client Quit"];

/// The three rows of letters on a QWERTY keyboard.
const ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];

/// Where a lower-case letter sits: its row, and its position across in half keys (each row
/// starts about half a key right of the row above).
fn key(c: char) -> Option<(i32, i32)> {
    ROWS.iter().enumerate().find_map(|(r, row)| row.find(c).map(|col| (r as i32, 2 * col as i32 + r as i32)))
}

/// The letters next to `c` on a QWERTY keyboard (in lower case): on the same row or the row
/// above or below, at most one key across. Digits and other characters have none.
pub fn qwerty_neighbours(c: char) -> Vec<char> {
    let c = c.to_ascii_lowercase();
    let Some((row, x)) = key(c) else {
        return Vec::new();
    };
    ROWS.iter()
        .flat_map(|r| r.chars())
        .filter(|&d| {
            let (dr, dx) = key(d).expect("a letter of ROWS");
            d != c && (row - dr).abs() <= 1 && (x - dx).abs() <= 2
        })
        .collect()
}

/// Positions worth slipping on: those `ok` accepts after the first character, or the first
/// when no other is (people rarely mistype the start of a name).
fn slip_positions(chars: &[char], ok: impl Fn(usize) -> bool) -> Vec<usize> {
    let later: Vec<usize> = (1..chars.len()).filter(|&i| ok(i)).collect();
    if later.is_empty() && !chars.is_empty() && ok(0) { vec![0] } else { later }
}

/// One letter of `s` replaced by a QWERTY neighbour, in the same case; `None` when `s` has no
/// ASCII letter.
pub fn keyboard_slip<R: Rng + ?Sized>(rng: &mut R, s: &str) -> Option<String> {
    let mut chars: Vec<char> = s.chars().collect();
    let at = slip_positions(&chars, |i| chars[i].is_ascii_alphabetic());
    let at = *at.get(rng.random_range(0..at.len().max(1)))?;
    let neighbours = qwerty_neighbours(chars[at]);
    let mut sub = neighbours[rng.random_range(0..neighbours.len())];
    if chars[at].is_ascii_uppercase() {
        sub = sub.to_ascii_uppercase();
    }
    chars[at] = sub;
    Some(chars.into_iter().collect())
}

/// Two adjacent letters of `s` swapped (two that differ, ignoring case); `None` when there are
/// none.
pub fn swap_letters<R: Rng + ?Sized>(rng: &mut R, s: &str) -> Option<String> {
    let mut chars: Vec<char> = s.chars().collect();
    let at = slip_positions(&chars, |i| {
        i + 1 < chars.len()
            && chars[i].is_ascii_alphabetic()
            && chars[i + 1].is_ascii_alphabetic()
            && !chars[i].eq_ignore_ascii_case(&chars[i + 1])
    });
    let at = *at.get(rng.random_range(0..at.len().max(1)))?;
    chars.swap(at, at + 1);
    Some(chars.into_iter().collect())
}

/// How a participant's first nick differs from the person's username.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slip {
    /// The username as it is.
    None,
    /// One letter replaced by a QWERTY neighbour.
    Neighbour,
    /// Two adjacent letters swapped.
    Swap,
    /// Another case.
    Case,
}

/// What a participant does after joining.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A message to the channel.
    Say(String),
    /// A new nick.
    Nick(String),
    /// Quits the server, with a reason.
    Quit(&'static str),
    /// Leaves the channel.
    Part,
}

/// One `user@host` in the log, as its person makes it (before its ident is made unique).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IrcParticipant {
    /// The nick it joins with.
    pub nick: String,
    /// How that nick differs from the username.
    pub slip: Slip,
    /// The ident, without the `~`.
    pub ident: String,
    /// The host: one of the person's IPs.
    pub ip: String,
    /// The channel it talks in.
    pub channel: usize,
    /// Seconds after the previous participant joined that this one joins.
    pub gap: u64,
    /// What it does after joining, each with its delay in seconds after the line before.
    pub events: Vec<(u64, Event)>,
}

/// The person's own stream: presence first, then the choices their participants share.
fn person_stream(cfg: &Config, index: u64) -> ChaCha8Rng {
    stream(cfg.seed, Purpose::Irc, index * STREAMS)
}

/// How many participants person `index` has in the log: 0, 1 or 2.
pub fn participants(cfg: &Config, index: u64) -> u64 {
    presence(&mut person_stream(cfg, index))
}

fn presence(rng: &mut ChaCha8Rng) -> u64 {
    let present = rng.random_bool(PRESENT);
    let twice = rng.random_bool(TWICE);
    if present { 1 + u64::from(twice) } else { 0 }
}

impl IrcParticipant {
    /// The `k`-th participant of a person (`k = 1`: another ident, and another IP when the
    /// person has one).
    pub fn generate(cfg: &Config, person: &Person, k: u64) -> Self {
        // What the person's participants share: which IP each takes, and ident lengths that
        // differ.
        let mut own = person_stream(cfg, person.index);
        presence(&mut own);
        let mut ips: Vec<usize> = (0..person.ips.len()).collect();
        ips.shuffle(&mut own);
        let first_len = own.random_range(2..=8usize);
        let second_len = 2 + (first_len - 2 + own.random_range(1..7usize)) % 7;
        let digit = own.random_range(1..10u32);
        let ip = person.ips[ips[k as usize % ips.len()]].clone();
        let letters: String =
            person.username.chars().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_lowercase()).collect();
        let letters = if letters.is_empty() { "u".to_owned() } else { letters };
        let prefix = |n: usize| letters[..n.min(letters.len())].to_owned();
        let mut ident = prefix(if k == 0 { first_len } else { second_len });
        if k > 0 && ident == prefix(first_len) {
            ident.push_str(&digit.to_string());
        }

        let mut rng = stream(cfg.seed, Purpose::Irc, person.index * STREAMS + 1 + k);
        let rng = &mut rng;
        let gap = rng.random_range(1..=300u64);
        let channel = pick_weighted(rng, &[60, 30, 10]);
        let username = &person.username;
        let (slip_weight, swap_weight) = ((SLIP * 100.0) as u32, (SWAP * 100.0) as u32);
        let (nick, slip) = match pick_weighted(rng, &[slip_weight, swap_weight, 100 - slip_weight - swap_weight]) {
            0 => (keyboard_slip(rng, username), Slip::Neighbour),
            1 => match swap_letters(rng, username) {
                Some(swapped) => (Some(swapped), Slip::Swap),
                None => (keyboard_slip(rng, username), Slip::Neighbour),
            },
            _ => {
                if rng.random_bool(CASE) {
                    (Some(change_case(rng, username)), Slip::Case)
                } else {
                    (None, Slip::None)
                }
            }
        };
        let (nick, slip) = match nick {
            Some(nick) if nick != *username => (nick, slip),
            _ => (username.clone(), Slip::None),
        };

        let messages = 1 + pick_weighted(rng, &[30, 30, 25, 15]);
        let mut said: Vec<String> = (0..messages).map(|_| pick(rng, CHATTER).to_owned()).collect();
        if rng.random_bool(EMAIL) {
            let at = rng.random_range(0..messages);
            let address = &person.emails[rng.random_range(0..person.emails.len())];
            said[at] = pick(rng, EMAIL_MESSAGES).replace("{}", address);
        }
        let mut events: Vec<Event> = said.into_iter().map(Event::Say).collect();
        if rng.random_bool(NICK_CHANGE) {
            // Before the last message, so that a later line shows the new nick.
            let at = rng.random_range(0..messages);
            let mut new = if slip != Slip::None {
                username.clone()
            } else {
                match rng.random_range(0..3u32) {
                    0 => format!("{username}_"),
                    1 => format!("{username}|afk"),
                    _ => username_variant(rng, username, &person.name_parts()),
                }
            };
            if new == nick {
                new.push('_');
            }
            events.insert(at, Event::Nick(new));
        }
        match pick_weighted(rng, &[25, 10, 65]) {
            0 => events.push(Event::Quit(pick(rng, QUIT_REASONS))),
            1 => events.push(Event::Part),
            _ => {}
        }
        let events = events.into_iter().map(|event| (rng.random_range(5..=900u64), event)).collect();
        Self { nick, slip, ident, ip, channel, gap, events }
    }
}

/// `secs` since the Unix epoch as `YYYY-MM-DDThh:mm:ssZ`.
pub fn timestamp(secs: u64) -> String {
    // Howard Hinnant's civil_from_days, for days from 1970-01-01 on.
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    let (h, m, s) = (rem / 3_600, rem % 3_600 / 60, rem % 60);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z")
}

/// A participant's line waiting for its time.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Pending {
    time: u64,
    /// Breaks ties in time: lines queued earlier come first.
    seq: u64,
    channel: usize,
    /// The protocol line, after the timestamp.
    text: String,
    /// A nick that is no longer in the channel after this line.
    gone: Option<String>,
    /// A nick that is in the channel after this line.
    here: Option<String>,
}

/// How many nicks a names list shows.
const ROSTER: usize = 8;

/// The log as it is written: participants' lines in time order, with the server's between.
struct Log<W: Write> {
    out: W,
    lines: u64,
    last: u64,
    server: ChaCha8Rng,
    since_ping: u64,
    next_ping: u64,
    since_names: u64,
    next_names: u64,
    /// The nicks last seen in each channel, the most recent last.
    rosters: [VecDeque<String>; CHANNELS.len()],
}

impl<W: Write> Log<W> {
    fn new(cfg: &Config, out: W) -> Self {
        let mut server = stream(cfg.seed, Purpose::Irc, SERVER_STREAM);
        let next_ping = server.random_range(170..=230);
        let next_names = server.random_range(250..=600);
        Self {
            out,
            lines: 0,
            last: START,
            server,
            since_ping: 0,
            next_ping,
            since_names: 0,
            next_names,
            rosters: Default::default(),
        }
    }

    fn participant_line(&mut self, line: Pending) -> Result<()> {
        writeln!(self.out, "{} {}", timestamp(line.time), line.text)?;
        self.lines += 1;
        self.last = line.time;
        let roster = &mut self.rosters[line.channel];
        for nick in [&line.gone, &line.here].into_iter().flatten() {
            roster.retain(|n| n != nick);
        }
        if let Some(nick) = line.here {
            roster.push_back(nick);
            if roster.len() > ROSTER {
                roster.pop_front();
            }
        }
        self.since_ping += 1;
        self.since_names += 1;
        if self.since_ping >= self.next_ping {
            writeln!(self.out, "PING :{SERVER}")?;
            self.lines += 1;
            self.since_ping = 0;
            self.next_ping = self.server.random_range(170..=230);
        }
        if self.since_names >= self.next_names && !self.rosters[line.channel].is_empty() {
            let (time, channel) = (timestamp(self.last), CHANNELS[line.channel]);
            let names: Vec<&str> = self.rosters[line.channel].iter().map(String::as_str).collect();
            writeln!(self.out, "{time} :{SERVER} 353 * = {channel} :{}", names.join(" "))?;
            writeln!(self.out, "{time} :{SERVER} 366 * {channel} :End of /NAMES list.")?;
            self.lines += 2;
            self.since_names = 0;
            self.next_names = self.server.random_range(250..=600);
        }
        Ok(())
    }
}

/// Writes the IRC log to `out` and one truth row per participant to `truth`, in the order the
/// participants first appear in the log. Returns the number of participants and of lines.
pub fn write_irc<W: Write, T: Write>(cfg: &Config, out: W, truth: &mut csv::Writer<T>) -> Result<(u64, u64)> {
    let mut log = Log::new(cfg, out);
    let mut queue: BinaryHeap<Reverse<Pending>> = BinaryHeap::new();
    let mut hosts: HashSet<String> = HashSet::new();
    let (mut count, mut seq, mut time) = (0u64, 0u64, START);
    let slots = cfg.persons * SLOTS;
    let order = Permutation::new(slots, cfg.seed, SOURCE);
    for i in 0..slots {
        let slot = order.apply(i);
        let (index, k) = (slot / SLOTS, slot % SLOTS);
        if k >= participants(cfg, index) {
            continue;
        }
        let person = Person::generate(cfg, index);
        let p = IrcParticipant::generate(cfg, &person, k);
        time += p.gap;
        // Nobody joins later than `time` but this participant, so every line before it is final.
        while queue.peek().is_some_and(|Reverse(line)| line.time < time) {
            let Reverse(line) = queue.pop().expect("peeked");
            log.participant_line(line)?;
        }

        // An ident taken on this host gets a number: a user@host is one participant.
        let mut ident = p.ident.clone();
        let mut n = 2;
        while !hosts.insert(format!("~{ident}@{}", p.ip)) {
            ident = format!("{}{n}", p.ident);
            n += 1;
        }
        let user_host = format!("~{ident}@{}", p.ip);
        let mask = format!("{}!{user_host}", p.nick);
        truth.write_record(["irc", &mask, &person.entity()])?;
        count += 1;

        let channel = CHANNELS[p.channel];
        let mut push = |time: u64, text: String, gone: Option<String>, here: Option<String>| {
            queue.push(Reverse(Pending { time, seq, channel: p.channel, text, gone, here }));
            seq += 1;
        };
        let mut at = time;
        let mut nick = p.nick.clone();
        push(at, format!(":{mask} JOIN {channel}"), None, Some(nick.clone()));
        for (delay, event) in p.events {
            at += delay;
            let prefix = format!("{nick}!{user_host}");
            match event {
                Event::Say(text) => {
                    push(at, format!(":{prefix} PRIVMSG {channel} :{text}"), None, Some(nick.clone()));
                }
                Event::Nick(new) => {
                    push(at, format!(":{prefix} NICK :{new}"), Some(nick.clone()), Some(new.clone()));
                    nick = new;
                }
                Event::Quit(reason) => push(at, format!(":{prefix} QUIT :{reason}"), Some(nick.clone()), None),
                Event::Part => push(at, format!(":{prefix} PART {channel}"), Some(nick.clone()), None),
            }
        }
    }
    while let Some(Reverse(line)) = queue.pop() {
        log.participant_line(line)?;
    }
    log.out.flush()?;
    Ok((count, log.lines))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// The log and the truth of a quickstart run of `persons`.
    fn run(persons: u64, seed: u64) -> (u64, u64, String, Vec<(String, String)>) {
        let cfg = Config { persons, seed, ..Config::default() };
        let mut log = Vec::new();
        let mut truth = csv::Writer::from_writer(Vec::new());
        let (count, lines) = write_irc(&cfg, &mut log, &mut truth).unwrap();
        let truth = truth.into_inner().unwrap();
        let rows = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(truth.as_slice())
            .records()
            .map(|r| {
                let r = r.unwrap();
                assert_eq!(&r[0], "irc");
                (r[1].to_owned(), r[2].to_owned())
            })
            .collect();
        (count, lines, String::from_utf8(log).unwrap(), rows)
    }

    /// What the `irc-log` plugin reads: per `user@host` in order of first appearance, the
    /// first mask, the nicks and the addresses in messages.
    fn read(log: &str) -> Vec<(String, String, Vec<String>, Vec<String>)> {
        let mut order = Vec::new();
        let mut by_host: BTreeMap<String, (String, Vec<String>, Vec<String>)> = BTreeMap::new();
        let mut last = String::new();
        for line in log.lines() {
            if line == format!("PING :{SERVER}") {
                continue;
            }
            let (time, protocol) = line.split_once(' ').unwrap();
            assert_eq!(time.len(), 20, "{line}");
            assert!(time.starts_with("2024-03-") && time.ends_with('Z'), "{line}");
            assert!(*time >= *last, "time goes back at {line}");
            last = time.to_owned();
            let rest = protocol.strip_prefix(':').unwrap();
            let (prefix, command) = rest.split_once(' ').unwrap();
            let Some((nick, user_host)) = prefix.split_once('!') else {
                assert_eq!(prefix, SERVER);
                assert!(command.starts_with("353 * = #") || command.starts_with("366 * #"), "{line}");
                continue;
            };
            assert!(user_host.starts_with('~') && user_host.contains('@'), "{line}");
            assert!(!nick.is_empty() && !nick.contains(' '), "{line}");
            let entry = by_host.entry(user_host.to_owned()).or_insert_with(|| {
                order.push(user_host.to_owned());
                (prefix.to_owned(), Vec::new(), Vec::new())
            });
            let push = |values: &mut Vec<String>, v: &str| {
                if !values.iter().any(|x| x == v) {
                    values.push(v.to_owned());
                }
            };
            push(&mut entry.1, nick);
            let (verb, params) = command.split_once(' ').unwrap();
            match verb {
                "JOIN" | "PART" => assert!(CHANNELS.contains(&params), "{line}"),
                "QUIT" => assert!(params.starts_with(':')),
                "NICK" => push(&mut entry.1, params.strip_prefix(':').unwrap()),
                "PRIVMSG" => {
                    let (channel, message) = params.split_once(" :").unwrap();
                    assert!(CHANNELS.contains(&channel), "{line}");
                    for word in message.split(' ').filter(|w| w.contains('@')) {
                        push(&mut entry.2, word);
                    }
                }
                _ => panic!("unexpected line {line}"),
            }
        }
        order
            .into_iter()
            .map(|host| {
                let (mask, nicks, emails) = by_host.remove(&host).unwrap();
                (host, mask, nicks, emails)
            })
            .collect()
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(START), "2024-03-01T18:00:00Z");
        assert_eq!(timestamp(START - 18 * 3_600 - 1), "2024-02-29T23:59:59Z");
        assert_eq!(timestamp(START + 306 * 86_400 + 6 * 3_600 - 1), "2025-01-01T23:59:59Z");
    }

    #[test]
    fn same_seed_same_bytes() {
        let a = run(400, 3);
        assert_eq!(a, run(400, 3));
        assert_ne!(a.2, run(400, 4).2);
    }

    #[test]
    fn truth_ids_are_the_first_masks_and_people_never_share_a_user_host() {
        let cfg = Config::default();
        let (count, lines, log, truth) = run(cfg.persons, cfg.seed);
        assert_eq!(log.lines().count() as u64, lines);
        assert_eq!(truth.len() as u64, count);
        assert!((350..600).contains(&count), "{count} participants");
        let read = read(&log);
        // One record per user@host, in the order of the truth, with the truth's id.
        assert_eq!(read.len(), truth.len());
        for ((host, mask, nicks, emails), (id, entity)) in read.iter().zip(&truth) {
            assert_eq!(mask, id);
            assert!(mask.ends_with(&format!("!{host}")));
            let index: u64 = entity.strip_prefix("person-").unwrap().parse::<u64>().unwrap() - 1;
            let person = Person::generate(&cfg, index);
            assert!(person.ips.iter().any(|ip| host.ends_with(&format!("@{ip}"))), "{host} for {entity}");
            assert!(nicks.len() <= 2);
            for email in emails {
                assert!(person.emails.contains(email), "{email} for {entity}");
            }
        }
        // Distinct persons never share a user@host (nor do a person's two participants).
        let hosts: HashSet<&String> = read.iter().map(|r| &r.0).collect();
        assert_eq!(hosts.len(), read.len());
        let mut per_person: BTreeMap<&str, u64> = BTreeMap::new();
        for (_, entity) in &truth {
            *per_person.entry(entity).or_default() += 1;
        }
        let twice = per_person.values().filter(|&&n| n == 2).count();
        assert!(per_person.len() as f64 > 0.25 * cfg.persons as f64, "{}", per_person.len());
        assert!((5..80).contains(&twice), "{twice} persons twice");
        let with_email = read.iter().filter(|r| !r.3.is_empty()).count() as f64 / read.len() as f64;
        let renamed = read.iter().filter(|r| r.2.len() == 2).count() as f64 / read.len() as f64;
        assert!((0.33..0.47).contains(&with_email), "{with_email}");
        assert!((0.05..0.15).contains(&renamed), "{renamed}");
        let pings = log.lines().filter(|l| l.starts_with("PING ")).count() as u64;
        assert!((lines / 240..=lines / 160).contains(&pings), "{pings} pings in {lines} lines");
        assert!(log.lines().any(|l| l.contains(" 353 * = #")));
    }

    #[test]
    fn a_persons_two_participants_differ_in_ident_and_ip_when_they_can() {
        let cfg = Config::default();
        let mut seen = 0;
        for index in 0..cfg.persons {
            if participants(&cfg, index) < 2 {
                continue;
            }
            let person = Person::generate(&cfg, index);
            let (a, b) = (IrcParticipant::generate(&cfg, &person, 0), IrcParticipant::generate(&cfg, &person, 1));
            assert_ne!(a.ident, b.ident);
            assert_eq!(a.ip != b.ip, person.ips.len() > 1, "{a:?} {b:?}");
            seen += 1;
        }
        assert!(seen > 5, "{seen}");
    }

    /// Whether two lower-case letters are QWERTY neighbours, by the keyboard's layout.
    fn next_to(a: char, b: char) -> bool {
        let layout = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
        let find = |c: char| layout.iter().enumerate().find_map(|(r, row)| row.find(c).map(|col| (r, col)));
        let (Some((ra, ca)), Some((rb, cb))) = (find(a), find(b)) else { return false };
        // Rows are staggered by about half a key: `e` touches `s` and `d` below it.
        let (xa, xb) = (2 * ca + ra, 2 * cb + rb);
        a != b && ra.abs_diff(rb) <= 1 && xa.abs_diff(xb) <= 2
    }

    #[test]
    fn neighbours_are_the_keys_around() {
        assert_eq!(qwerty_neighbours('e'), ['w', 'r', 's', 'd']);
        assert_eq!(qwerty_neighbours('A'), ['q', 'w', 's', 'z']);
        assert_eq!(qwerty_neighbours('p'), ['o', 'l']);
        assert_eq!(qwerty_neighbours('b'), ['g', 'h', 'v', 'n']);
        assert!(qwerty_neighbours('7').is_empty() && qwerty_neighbours('_').is_empty());
        for c in 'a'..='z' {
            let n = qwerty_neighbours(c);
            assert!((2..=6).contains(&n.len()), "{c}: {n:?}");
            assert!(n.iter().all(|&d| next_to(c, d) && next_to(d, c)), "{c}: {n:?}");
        }
    }

    #[test]
    fn slips_are_qwerty_neighbour_letters_or_swaps() {
        let cfg = Config::default();
        let (mut total, mut slips, mut swaps) = (0, 0, 0);
        for index in 0..cfg.persons {
            let person = Person::generate(&cfg, index);
            let user: Vec<char> = person.username.chars().collect();
            for k in 0..participants(&cfg, index) {
                let p = IrcParticipant::generate(&cfg, &person, k);
                let nick: Vec<char> = p.nick.chars().collect();
                total += 1;
                let differ: Vec<usize> = (0..user.len().min(nick.len())).filter(|&i| user[i] != nick[i]).collect();
                match p.slip {
                    Slip::None => assert_eq!(p.nick, person.username),
                    Slip::Case => {
                        assert_ne!(p.nick, person.username);
                        assert_eq!(p.nick.to_lowercase(), person.username.to_lowercase());
                    }
                    Slip::Neighbour => {
                        slips += 1;
                        assert_eq!(nick.len(), user.len(), "{} -> {}", person.username, p.nick);
                        let [i] = differ[..] else { panic!("{} -> {}", person.username, p.nick) };
                        let (a, b) = (user[i], nick[i]);
                        assert!(a.is_ascii_alphabetic() && b.is_ascii_alphabetic(), "{a} -> {b}");
                        assert_eq!(a.is_ascii_uppercase(), b.is_ascii_uppercase());
                        assert!(next_to(a.to_ascii_lowercase(), b.to_ascii_lowercase()), "{a} -> {b}");
                    }
                    Slip::Swap => {
                        swaps += 1;
                        assert_eq!(nick.len(), user.len());
                        let [i, j] = differ[..] else { panic!("{} -> {}", person.username, p.nick) };
                        assert_eq!(j, i + 1);
                        assert_eq!((nick[i], nick[j]), (user[j], user[i]));
                        assert!(user[i].is_ascii_alphabetic() && user[j].is_ascii_alphabetic());
                    }
                }
            }
        }
        let (slip_share, swap_share) = (f64::from(slips) / f64::from(total), f64::from(swaps) / f64::from(total));
        assert!((0.25..0.35).contains(&slip_share), "{slip_share}");
        assert!((0.06..0.14).contains(&swap_share), "{swap_share}");
    }

    #[test]
    fn slips_and_swaps_leave_digits_alone() {
        let mut rng = stream(1, Purpose::Irc, 0);
        for _ in 0..200 {
            let s = keyboard_slip(&mut rng, "ab123").unwrap();
            assert!(s.ends_with("123") && s != "ab123", "{s}");
            assert_eq!(swap_letters(&mut rng, "ab123").unwrap(), "ba123");
        }
        assert_eq!(keyboard_slip(&mut rng, "1234"), None);
        assert_eq!(swap_letters(&mut rng, "a1b2"), None);
        assert_eq!(swap_letters(&mut rng, "aa_bb"), None);
    }
}
