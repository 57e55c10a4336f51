//! Lines of an input that arrives in chunks.

use crate::{ParseError, Position};

/// Reassembles lines split across chunks, numbering them and keeping their
/// byte offsets. A line ends at `\n`; a `\r` before it is dropped.
#[derive(Debug, Default)]
pub struct Lines {
    /// The unfinished line carried over from earlier chunks.
    pending: Vec<u8>,
    /// Lines completed so far.
    count: u64,
    /// Bytes fed so far.
    consumed: u64,
}

/// One line of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The 1-based line number.
    pub number: u64,
    /// The offset of its first byte.
    pub offset: u64,
    /// Its bytes, without the line ending.
    pub bytes: Vec<u8>,
}

impl Line {
    /// Where the line starts.
    pub fn position(&self) -> Position {
        Position { line: self.number, offset: self.offset }
    }

    /// The line as text, or an error naming it when it is not UTF-8.
    pub fn text(&self) -> Result<&str, ParseError> {
        std::str::from_utf8(&self.bytes)
            .map_err(|error| self.error(format!("invalid UTF-8 at byte {} of the line", error.valid_up_to() + 1)))
    }

    /// An error about this line, with the line as excerpt.
    pub fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError::new(message, self.position(), &String::from_utf8_lossy(&self.bytes))
    }
}

impl Lines {
    /// The lines that `chunk` completes, in order.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Line> {
        let mut lines = Vec::new();
        let mut rest = chunk;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            self.pending.extend_from_slice(&rest[..end]);
            let length = self.pending.len() as u64 + 1;
            lines.push(self.take(length));
            rest = &rest[end + 1..];
        }
        self.pending.extend_from_slice(rest);
        lines
    }

    /// The last line, when the input does not end with a line ending.
    pub fn finish(&mut self) -> Option<Line> {
        (!self.pending.is_empty()).then(|| {
            let length = self.pending.len() as u64;
            self.take(length)
        })
    }

    fn take(&mut self, length: u64) -> Line {
        self.count += 1;
        let mut bytes = std::mem::take(&mut self.pending);
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        let line = Line { number: self.count, offset: self.consumed, bytes };
        self.consumed += length;
        line
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    fn split_everywhere(input: &[u8]) -> Vec<Vec<(u64, u64, Vec<u8>)>> {
        (0..=input.len())
            .map(|cut| {
                let mut lines = Lines::default();
                let mut all = lines.feed(&input[..cut]);
                all.extend(lines.feed(&input[cut..]));
                all.extend(lines.finish());
                all.into_iter().map(|l| (l.number, l.offset, l.bytes)).collect()
            })
            .collect()
    }

    #[test]
    fn lines_do_not_depend_on_where_chunks_end() {
        let input = b"alpha\r\nbeta\n\ngamma";
        let expected = vec![
            (1, 0, b"alpha".to_vec()),
            (2, 7, b"beta".to_vec()),
            (3, 12, b"".to_vec()),
            (4, 13, b"gamma".to_vec()),
        ];
        for lines in split_everywhere(input) {
            assert_eq!(lines, expected);
        }
    }

    #[test]
    fn invalid_utf8_is_an_error_naming_the_line() {
        let mut lines = Lines::default();
        let all = lines.feed(b"ok\nbad \xff here\n");
        assert_eq!(all[0].text().unwrap(), "ok");
        let error = all[1].text().unwrap_err();
        assert_eq!(error.position.line, 2);
        assert_eq!(error.position.offset, 3);
        assert!(error.message.contains("invalid UTF-8 at byte 5"), "{}", error.message);
        assert_eq!(error.excerpt, "bad \u{fffd} here");
    }
}
