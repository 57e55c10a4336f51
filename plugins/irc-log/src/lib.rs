//! A Sleuth parser plugin for IRC logs as servers and bouncers record them:
//! one protocol line per log line, optionally after a timestamp.
//!
//! ```text
//! 2024-03-01T21:14:07Z :dark_angel!~da@82.14.3.9 JOIN #market
//! 2024-03-01T21:14:09Z :dark_angel!~da@82.14.3.9 PRIVMSG #market :mail me: d.angel99@gmail.com
//! 2024-03-01T21:15:00Z :dark_angel!~da@82.14.3.9 NICK :angel_d
//! PING :irc.example.net
//! ```
//!
//! Each distinct `user@host` becomes one record, with id `nick!user@host`
//! (the first nick seen), every nick it used as a `username`, its host as an
//! `ip` when the host is an address, and every email it wrote in a message
//! as an `email`. Server lines without a sender (`PING`, numerics from the
//! server) carry no participant and are skipped; a line that is neither is
//! rejected with its position.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::BuildHasherDefault;

use sleuth_sdk::{Line, Lines, ParseError, Parsed, Parser, Position, Record};

/// The parse of one log.
#[derive(Default)]
pub struct IrcLog {
    lines: Lines,
    /// Participants in order of first appearance.
    participants: Vec<Participant>,
    /// Where each `user@host` is in `participants`. Hashed with fixed keys:
    /// std's random ones would import `wasi:random`, which the host refuses.
    by_user_host: HashMap<String, usize, BuildHasherDefault<DefaultHasher>>,
}

struct Participant {
    mask: String,
    position: Position,
    nicks: Vec<String>,
    host: String,
    emails: Vec<String>,
}

impl IrcLog {
    fn line(&mut self, line: Line, parsed: &mut Parsed) {
        let text = match line.text() {
            Ok(text) => text.trim(),
            Err(error) => return parsed.rejects.push(error),
        };
        if text.is_empty() {
            return;
        }
        // An optional timestamp, then the protocol line.
        let protocol = match text.find(':') {
            Some(0) => text,
            _ => text.split_once(' ').map(|(_, rest)| rest.trim_start()).unwrap_or(text),
        };
        let Some(rest) = protocol.strip_prefix(':') else {
            if is_server_command(protocol) || is_server_command(text) {
                return;
            }
            return parsed.rejects.push(line.error("expected `:nick!user@host COMMAND …` or a server line"));
        };
        let (prefix, command) = rest.split_once(' ').unwrap_or((rest, ""));
        let Some((nick, user_host)) = prefix.split_once('!') else {
            // A server's own line (`:irc.example.net 001 …`): no participant.
            return;
        };
        let Some((_, host)) = user_host.split_once('@') else {
            return parsed.rejects.push(line.error(format!("sender `{prefix}` has no @host")));
        };
        if nick.is_empty() || host.is_empty() {
            return parsed.rejects.push(line.error(format!("sender `{prefix}` lacks a nick or host")));
        }
        // Looked up before a key is made: most lines are of a known sender.
        let at = match self.by_user_host.get(user_host) {
            Some(&at) => at,
            None => {
                self.by_user_host.insert(user_host.to_string(), self.participants.len());
                self.participants.push(Participant {
                    mask: prefix.to_string(),
                    position: line.position(),
                    nicks: Vec::new(),
                    host: host.to_string(),
                    emails: Vec::new(),
                });
                self.participants.len() - 1
            }
        };
        let participant = &mut self.participants[at];
        push_new(&mut participant.nicks, nick);
        let (verb, params) = command.split_once(' ').unwrap_or((command, ""));
        match verb {
            "NICK" => push_new(&mut participant.nicks, params.trim_start_matches(':').trim()),
            "PRIVMSG" | "NOTICE" => {
                let message = params.split_once(" :").map_or("", |(_, m)| m);
                for email in emails(message) {
                    push_new(&mut participant.emails, email);
                }
            }
            _ => {}
        }
    }
}

fn is_server_command(line: &str) -> bool {
    ["PING", "PONG", "ERROR", "NOTICE AUTH"].iter().any(|c| line.starts_with(c))
}

fn push_new(values: &mut Vec<String>, value: &str) {
    if !value.is_empty() && !values.iter().any(|v| v == value) {
        values.push(value.to_string());
    }
}

/// Words of `message` shaped like an email address.
fn emails(message: &str) -> impl Iterator<Item = &str> {
    message
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>' | '(' | ')' | '"'))
        .map(|w| w.trim_end_matches(['.', '!', '?', ':']))
        .filter(|w| {
            w.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.contains('@')
            })
        })
}

fn is_address(host: &str) -> bool {
    host.parse::<std::net::IpAddr>().is_ok()
}

impl Parser for IrcLog {
    fn feed(&mut self, chunk: &[u8]) -> Result<Parsed, ParseError> {
        let mut parsed = Parsed::default();
        for line in self.lines.feed(chunk) {
            self.line(line, &mut parsed);
        }
        Ok(parsed)
    }

    fn finish(&mut self) -> Result<Parsed, ParseError> {
        let mut parsed = Parsed::default();
        if let Some(line) = self.lines.finish() {
            self.line(line, &mut parsed);
        }
        self.by_user_host.clear();
        for p in std::mem::take(&mut self.participants) {
            let mut record = Record::at(p.position).id(p.mask);
            for nick in &p.nicks {
                record = record.with("nick", "username", nick);
            }
            if is_address(&p.host) {
                record = record.with("host", "ip", &p.host);
            }
            for email in &p.emails {
                record = record.with("email", "email", email);
            }
            parsed.records.push(record);
        }
        Ok(parsed)
    }
}

sleuth_sdk::export!(parser: IrcLog);

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "\
2024-03-01T21:14:07Z :dark_angel!~da@82.14.3.9 JOIN #market
2024-03-01T21:14:09Z :dark_angel!~da@82.14.3.9 PRIVMSG #market :mail me: d.angel99@gmail.com, quick
PING :irc.example.net
2024-03-01T21:14:30Z :irc.example.net 353 * = #market :dark_angel sh4dow
2024-03-01T21:15:00Z :dark_angel!~da@82.14.3.9 NICK :angel_d
2024-03-01T21:16:00Z :sh4dow!s@host-7.isp.example PRIVMSG #market :hi
garbage without a sender
";

    fn parse_in_chunks(input: &[u8], size: usize) -> Parsed {
        let mut parser = IrcLog::default();
        let mut all = Parsed::default();
        for chunk in input.chunks(size) {
            let parsed = parser.feed(chunk).unwrap();
            all.records.extend(parsed.records);
            all.rejects.extend(parsed.rejects);
        }
        let parsed = parser.finish().unwrap();
        all.records.extend(parsed.records);
        all.rejects.extend(parsed.rejects);
        all
    }

    #[test]
    fn one_record_per_participant_with_nicks_host_and_emails() {
        let parsed = parse_in_chunks(LOG.as_bytes(), 4096);
        assert_eq!(parsed.records.len(), 2);
        let angel = &parsed.records[0];
        assert_eq!(angel.id, "dark_angel!~da@82.14.3.9");
        assert_eq!(angel.position, Position { line: 1, offset: 0 });
        let values: Vec<(&str, &str)> = angel.attributes.iter().map(|a| (a.kind.as_str(), a.value.as_str())).collect();
        assert_eq!(
            values,
            [
                ("username", "dark_angel"),
                ("username", "angel_d"),
                ("ip", "82.14.3.9"),
                ("email", "d.angel99@gmail.com")
            ]
        );
        // A host name is not an IP address: the record has only its nick.
        assert_eq!(parsed.records[1].attributes.len(), 1);
        assert_eq!(parsed.rejects.len(), 1);
        assert_eq!(parsed.rejects[0].position.line, 7);
        assert_eq!(parsed.rejects[0].excerpt, "garbage without a sender");
    }

    #[test]
    fn chunk_size_does_not_change_the_result() {
        let whole = parse_in_chunks(LOG.as_bytes(), 4096);
        for size in [1, 2, 7, 64] {
            assert_eq!(parse_in_chunks(LOG.as_bytes(), size), whole, "chunks of {size}");
        }
    }

    #[test]
    fn invalid_utf8_is_rejected_with_its_line() {
        let parsed = parse_in_chunks(b":a!b@1.2.3.4 JOIN #x\n:c!d@\xff JOIN #x\n", 5);
        assert_eq!(parsed.records.len(), 1);
        assert_eq!(parsed.rejects[0].position.line, 2);
    }
}
