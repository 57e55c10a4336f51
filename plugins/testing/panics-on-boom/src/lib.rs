//! Lines of `username,email`, one record each, id the username; panics on a
//! line that says `boom`.

use sleuth_sdk::{Line, Lines, ParseError, Parsed, Parser, Record};

#[derive(Default)]
pub struct PanicsOnBoom {
    lines: Lines,
}

fn record(line: &Line, parsed: &mut Parsed) {
    let text = String::from_utf8_lossy(&line.bytes);
    if text.contains("boom") {
        panic!("cannot parse line {}: it says boom", line.number);
    }
    let (username, email) = text.split_once(',').unwrap_or((&text, ""));
    parsed.records.push(
        Record::at(line.position()).id(username).with("username", "username", username).with("email", "email", email),
    );
}

impl Parser for PanicsOnBoom {
    fn feed(&mut self, chunk: &[u8]) -> Result<Parsed, ParseError> {
        let mut parsed = Parsed::default();
        for line in self.lines.feed(chunk) {
            record(&line, &mut parsed);
        }
        Ok(parsed)
    }

    fn finish(&mut self) -> Result<Parsed, ParseError> {
        let mut parsed = Parsed::default();
        if let Some(line) = self.lines.finish() {
            record(&line, &mut parsed);
        }
        Ok(parsed)
    }
}

sleuth_sdk::export!(parser: PanicsOnBoom);
