//! The plain Rust types a plugin works with; the SDK converts them to and
//! from the WIT types at the component's boundary.

/// Who a plugin is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginInfo {
    /// Its name (the plugin crate's name).
    pub name: String,
    /// Its version (the plugin crate's version).
    pub version: String,
    /// The SDK version it was built against.
    pub sdk_version: String,
}

/// Where in a parser's input something is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Position {
    /// The 1-based line, or 0 for a format without lines.
    pub line: u64,
    /// The offset of its first byte from the start of the input.
    pub offset: u64,
}

/// One value of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The field it came from, as a job file's `[source.fields]` names it.
    pub field: String,
    /// Its attribute kind (`username`, `email`, `ip`, …), or empty to leave
    /// it to the job's field mapping.
    pub kind: String,
    /// The value as it appears in the input.
    pub value: String,
}

/// One record of a parsed input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// Its id in the source; empty to number it by its position.
    pub id: String,
    /// Its values, several per field allowed.
    pub attributes: Vec<Attribute>,
    /// Where it starts.
    pub position: Position,
}

impl Record {
    /// A record without an id (the host numbers it by position) starting at
    /// `position`.
    pub fn at(position: Position) -> Record {
        Record { id: String::new(), attributes: Vec::new(), position }
    }

    /// The record with its id set.
    pub fn id(mut self, id: impl Into<String>) -> Record {
        self.id = id.into();
        self
    }

    /// The record with one more value: `field` of attribute `kind`. An empty
    /// value is left out.
    pub fn with(mut self, field: &str, kind: &str, value: &str) -> Record {
        if !value.is_empty() {
            self.attributes.push(Attribute { field: field.into(), kind: kind.into(), value: value.into() });
        }
        self
    }
}

/// Input a parser could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong, for a person.
    pub message: String,
    /// Where.
    pub position: Position,
    /// The offending input, shortened.
    pub excerpt: String,
}

impl ParseError {
    /// An error at `position` about `excerpt` (shortened to 200 bytes).
    pub fn new(message: impl Into<String>, position: Position, excerpt: &str) -> ParseError {
        let mut end = excerpt.len().min(200);
        while !excerpt.is_char_boundary(end) {
            end -= 1;
        }
        ParseError { message: message.into(), position, excerpt: excerpt[..end].to_string() }
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, byte {}: {}", self.position.line, self.position.offset, self.message)
    }
}

impl std::error::Error for ParseError {}

/// What a parser returns for a chunk: the records it completed and the rows
/// it rejected (which Sleuth writes to `rejects.csv`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Records read.
    pub records: Vec<Record>,
    /// Rows that could not be read, with their positions.
    pub rejects: Vec<ParseError>,
}

/// What a matcher compares and what it can say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    /// The attribute kinds it compares, such as `username`.
    pub kinds: Vec<String>,
    /// Its levels, strongest agreement first; the last means "different".
    pub levels: Vec<String>,
    /// The ids of the rules its verdicts name. A verdict naming another
    /// rule fails its batch.
    pub rules: Vec<String>,
}

/// One record's values of the compared attribute, borrowed from the batch
/// the host sent: reading them allocates nothing.
///
/// A matcher gets subjects from the host; its native unit tests make them
/// with [`Subjects`].
#[derive(Clone, Copy)]
pub struct Subject<'a> {
    /// Every value of the batch, back to back.
    text: &'a str,
    /// Where each value of the batch ends in `text`.
    ends: &'a [u32],
    /// The index of this subject's first raw value.
    first: u32,
    /// How many raw values it has; its normalized values follow them.
    raw: u32,
    /// How many normalized values it has.
    normalized: u32,
}

impl<'a> Subject<'a> {
    /// A subject over a batch already checked: every end ascending, within
    /// `text` and on a character boundary, and values `first ..< first +
    /// raw + normalized` within `ends`. [`Values`] relies on it.
    pub(crate) fn new(text: &'a str, ends: &'a [u32], first: u32, raw: u32, normalized: u32) -> Subject<'a> {
        debug_assert!(first as usize + raw as usize + normalized as usize <= ends.len());
        Subject { text, ends, first, raw, normalized }
    }

    /// Its values as in the input.
    pub fn raw(&self) -> Values<'a> {
        self.values(self.first as usize, self.raw as usize)
    }

    /// Its values as Sleuth normalized them for the attribute's kind.
    pub fn normalized(&self) -> Values<'a> {
        self.values(self.first as usize + self.raw as usize, self.normalized as usize)
    }

    fn values(&self, from: usize, count: usize) -> Values<'a> {
        Values { text: self.text, ends: self.ends, next: from, end: from + count }
    }
}

/// Shows the subject's values, not the whole batch it borrows from.
impl std::fmt::Debug for Subject<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subject").field("raw", &self.raw()).field("normalized", &self.normalized()).finish()
    }
}

/// The raw or the normalized values of a [`Subject`], in order, as `&str`
/// borrowed from the batch. Its [`len`](ExactSizeIterator::len) is the number
/// of values left.
#[derive(Clone)]
pub struct Values<'a> {
    text: &'a str,
    ends: &'a [u32],
    /// The index of the next value from the front.
    next: usize,
    /// One past the index of the next value from the back.
    end: usize,
}

impl<'a> Values<'a> {
    /// Whether no value is left.
    pub fn is_empty(&self) -> bool {
        self.next >= self.end
    }

    /// Value `v` of the batch. The batch was checked once when it arrived
    /// (see [`Subject::new`]), so the indexing cannot panic.
    fn value(&self, v: usize) -> &'a str {
        let start = if v == 0 { 0 } else { self.ends[v - 1] as usize };
        &self.text[start..self.ends[v] as usize]
    }
}

impl<'a> Iterator for Values<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.next >= self.end {
            return None;
        }
        let value = self.value(self.next);
        self.next += 1;
        Some(value)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.end.saturating_sub(self.next);
        (left, Some(left))
    }
}

impl DoubleEndedIterator for Values<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        self.end -= 1;
        Some(self.value(self.end))
    }
}

impl ExactSizeIterator for Values<'_> {}

impl std::iter::FusedIterator for Values<'_> {}

/// Shows the values left.
impl std::fmt::Debug for Values<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// Subjects packed as the host packs a batch, for a matcher's native unit
/// tests: [`push`](Subjects::push) each record's values, then
/// [`get`](Subjects::get) the [`Subject`]s to compare.
///
/// ```
/// use sleuth_sdk::Subjects;
///
/// let mut subjects = Subjects::default();
/// let a = subjects.push(&["DarkAngel"], &["darkangel"]);
/// let b = subjects.push(&["ünïcode", "x"], &[]);
/// let (a, b) = (subjects.get(a).unwrap(), subjects.get(b).unwrap());
/// assert_eq!(a.raw().collect::<Vec<_>>(), ["DarkAngel"]);
/// assert_eq!(a.normalized().collect::<Vec<_>>(), ["darkangel"]);
/// assert_eq!(b.raw().len(), 2);
/// assert!(b.normalized().is_empty());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Subjects {
    /// Every value, back to back.
    text: String,
    /// Where each value ends in `text`.
    ends: Vec<u32>,
    /// Each subject's first value and its numbers of raw and normalized
    /// values.
    spans: Vec<[u32; 3]>,
}

impl Subjects {
    /// Adds a subject with these raw and normalized values; its index, for
    /// [`get`](Subjects::get).
    ///
    /// # Panics
    ///
    /// When the values of all subjects come to 4 GiB or more, or to 2³²
    /// values or more: the contract indexes them with `u32`s.
    pub fn push(&mut self, raw: &[&str], normalized: &[&str]) -> usize {
        const TOO_MANY: &str = "Subjects holds under 4 GiB of text and under 2^32 values (the contract's u32 indexes)";
        let count = |values: usize| u32::try_from(values).expect(TOO_MANY);
        let span = [count(self.ends.len()), count(raw.len()), count(normalized.len())];
        for value in raw.iter().chain(normalized) {
            self.text.push_str(value);
            self.ends.push(count(self.text.len()));
        }
        self.spans.push(span);
        self.spans.len() - 1
    }

    /// Subject `index` (as [`push`](Subjects::push) returned it), or `None`
    /// past the last.
    pub fn get(&self, index: usize) -> Option<Subject<'_>> {
        let &[first, raw, normalized] = self.spans.get(index)?;
        Some(Subject::new(&self.text, &self.ends, first, raw, normalized))
    }
}

/// A matcher's verdict on one pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// The index of the level in the declared levels, or `None` for no
    /// opinion (the pair is scored as if the values were missing).
    pub level: Option<u8>,
    /// The id of the declared rule that decided, shown as evidence; empty
    /// for none.
    pub rule: &'static str,
}

impl Verdict {
    /// Level `level`, decided by the declared rule `rule`.
    pub fn level(level: u8, rule: &'static str) -> Verdict {
        Verdict { level: Some(level), rule }
    }

    /// No opinion on the pair.
    pub fn none() -> Verdict {
        Verdict { level: None, rule: "" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(values: Values<'_>) -> Vec<&str> {
        values.collect()
    }

    #[test]
    fn subjects_read_back_in_order_raw_then_normalized() {
        let mut subjects = Subjects::default();
        assert_eq!(subjects.push(&["Dark_Angel", "da"], &["dark_angel", "da"]), 0);
        assert_eq!(subjects.push(&["sh4dow"], &[]), 1);
        assert_eq!(subjects.push(&[], &["x", "y", "z"]), 2);
        let [a, b, c] = [0, 1, 2].map(|i| subjects.get(i).unwrap());
        assert_eq!(values(a.raw()), ["Dark_Angel", "da"]);
        assert_eq!(values(a.normalized()), ["dark_angel", "da"]);
        assert_eq!(values(b.raw()), ["sh4dow"]);
        assert_eq!(values(b.normalized()), Vec::<&str>::new());
        assert_eq!(values(c.raw()), Vec::<&str>::new());
        assert_eq!(values(c.normalized()), ["x", "y", "z"]);
        assert!(subjects.get(3).is_none());
    }

    #[test]
    fn empty_subjects_and_empty_values() {
        let mut subjects = Subjects::default();
        assert!(subjects.get(0).is_none());
        let none = subjects.push(&[], &[]);
        let blank = subjects.push(&[""], &["", ""]);
        let after = subjects.push(&["a"], &[]);
        let none = subjects.get(none).unwrap();
        assert!(none.raw().is_empty() && none.normalized().is_empty());
        assert_eq!(none.raw().next(), None);
        assert_eq!(values(subjects.get(blank).unwrap().raw()), [""]);
        assert_eq!(values(subjects.get(blank).unwrap().normalized()), ["", ""]);
        assert_eq!(values(subjects.get(after).unwrap().raw()), ["a"]);
    }

    #[test]
    fn non_ascii_values() {
        let mut subjects = Subjects::default();
        let a = subjects.push(&["Ünïcødé", "日本語"], &["ünïcødé"]);
        let b = subjects.push(&["🦀"], &["ß"]);
        let (a, b) = (subjects.get(a).unwrap(), subjects.get(b).unwrap());
        assert_eq!(values(a.raw()), ["Ünïcødé", "日本語"]);
        assert_eq!(values(a.normalized()), ["ünïcødé"]);
        assert_eq!(values(b.raw()), ["🦀"]);
        assert_eq!(values(b.normalized()), ["ß"]);
    }

    #[test]
    fn values_from_both_ends_with_their_length() {
        let mut subjects = Subjects::default();
        subjects.push(&["skip"], &[]);
        let s = subjects.push(&["a", "b", "c"], &["d"]);
        let s = subjects.get(s).unwrap();
        let mut raw = s.raw();
        assert_eq!(raw.len(), 3);
        assert_eq!(raw.next_back(), Some("c"));
        assert_eq!(raw.next(), Some("a"));
        assert_eq!(raw.len(), 1);
        assert_eq!(raw.next_back(), Some("b"));
        assert!(raw.is_empty());
        assert_eq!((raw.next(), raw.next_back(), raw.next()), (None, None, None));
        assert_eq!(s.raw().rev().collect::<Vec<_>>(), ["c", "b", "a"]);
        assert_eq!(format!("{s:?}"), r#"Subject { raw: ["a", "b", "c"], normalized: ["d"] }"#);
    }
}
