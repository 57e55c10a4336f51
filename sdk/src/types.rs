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

/// One record's values of the compared attribute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    /// As in the input.
    pub raw: Vec<String>,
    /// As Sleuth normalized them for the attribute's kind.
    pub normalized: Vec<String>,
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
