//! Reading sources into records, and rows that cannot be read into rejects.
//!
//! Every row of a source ends either as a [`Record`] or as a [`Reject`] with
//! its line and the reason: a wrong field count, invalid UTF-8, a missing or
//! repeated id, a line that is not a JSON object. A reject never stops the
//! run. Problems with the source as a whole (a missing file, a mapped column
//! absent from the header) are errors.

mod csv;
mod jsonl;
mod plugin;

use std::hash::BuildHasher;

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use rustc_hash::FxBuildHasher;

use crate::config::{Format, Job, Reader, Source};
use crate::error::Result;
use crate::record::{Record, Values, ValuesBuilder};

/// A row that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// The source's name.
    pub source: String,
    /// Where in the file: `line 12`, `bytes 0-65535`.
    pub location: String,
    /// Why it was rejected.
    pub reason: String,
    /// The start of the row as read, for a person to recognise it.
    pub excerpt: String,
}

/// What reading one source gave.
#[derive(Debug, Default)]
pub struct SourceRead {
    /// The records read, in file order.
    pub records: Vec<Record>,
    /// The rows rejected, in file order.
    pub rejects: Vec<Reject>,
}

impl SourceRead {
    /// Rows read: records plus rejects.
    pub fn rows(&self) -> u64 {
        (self.records.len() + self.rejects.len()) as u64
    }
}

/// Reads source number `index` of `job`.
pub fn read_source(job: &Job, index: usize) -> Result<SourceRead> {
    let source = &job.sources[index];
    let mut rows = Rows {
        source,
        index: index as u32,
        attributes: job.attributes.len(),
        values: ValuesBuilder::default(),
        too_long: false,
        read: SourceRead::default(),
        ids: HashTable::new(),
    };
    match &source.reader {
        Reader::Builtin(Format::Csv) => csv::read(source, &mut rows)?,
        Reader::Builtin(Format::Jsonl) => jsonl::read(source, &mut rows)?,
        Reader::Plugin(parser) => plugin::read(source, parser, &mut rows)?,
    }
    Ok(rows.read)
}

/// Checks that a source's file fits its mapping (the mapped columns exist),
/// without reading its rows.
pub fn check_source(source: &Source) -> Result<()> {
    match source.reader {
        Reader::Builtin(Format::Csv) => csv::check_header(source),
        Reader::Builtin(Format::Jsonl) | Reader::Plugin(_) => Ok(()),
    }
}

/// Collects the rows of one source, rejecting repeated and missing ids.
struct Rows<'a> {
    source: &'a Source,
    index: u32,
    attributes: usize,
    /// The values of the row being read.
    values: ValuesBuilder,
    /// Whether the row's values passed what a record holds (4 GiB).
    too_long: bool,
    read: SourceRead,
    /// The records read, by their id's hash (a copy of every id in a map
    /// was a million strings more at a million records).
    ids: HashTable<u32>,
}

impl Rows<'_> {
    fn reject(&mut self, line: u64, reason: String, excerpt: &str) {
        self.reject_at(format!("line {line}"), reason, excerpt);
    }

    fn reject_at(&mut self, location: String, reason: String, excerpt: &str) {
        self.values.clear();
        self.too_long = false;
        let source = self.source.name.clone();
        self.read.rejects.push(Reject { source, location, reason, excerpt: excerpt_of(excerpt) });
    }

    /// Adds a raw cell's values to `attribute`'s of the row being read:
    /// trimmed, split by the separator, empty parts dropped.
    fn push_values(&mut self, attribute: usize, cell: &str, separator: Option<&str>) {
        let mut push = |part: &str| {
            let part = part.trim();
            if !part.is_empty() {
                self.too_long |= self.values.push(attribute, part).is_err();
            }
        };
        match separator {
            Some(separator) => cell.split(separator).for_each(push),
            None => push(cell),
        }
    }

    /// Adds a record of the values pushed; `id` is `None` when the source
    /// numbers records by line (or, for a plugin's records without lines, by
    /// byte offset). The row's `excerpt` is made only if it is rejected.
    fn accept(&mut self, line: u64, id: Option<&str>, excerpt: impl FnOnce() -> String) {
        if self.too_long {
            return self.reject(line, "its values pass 4 GiB, more than a record holds".to_string(), &excerpt());
        }
        let values = self.values.finish(self.attributes);
        let id = match id {
            Some(id) if id.trim().is_empty() => {
                let column = self.source.id_column.as_deref().unwrap_or_default();
                return self.reject(line, format!("missing id (column `{column}` is empty)"), &excerpt());
            }
            Some(id) => id.trim().to_string(),
            None => line.to_string(),
        };
        let records = &self.read.records;
        let id_of = |record: &u32| records[*record as usize].id.as_str();
        let hash = FxBuildHasher.hash_one(id.as_str());
        match self.ids.entry(hash, |record| id_of(record) == id, |record| FxBuildHasher.hash_one(id_of(record))) {
            Entry::Occupied(first) => {
                let first = records[*first.get() as usize].line;
                return self.reject(line, format!("duplicate id `{id}` (first seen on line {first})"), &excerpt());
            }
            Entry::Vacant(slot) => {
                slot.insert(records.len() as u32);
            }
        }
        self.read.records.push(Record { source: self.index, id, line, values, normalized: Values::default() });
    }
}

/// At most 200 characters of a row, on one line.
fn excerpt_of(row: &str) -> String {
    let mut excerpt: String = row.chars().take(200).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if row.chars().nth(200).is_some() {
        excerpt.push('…');
    }
    excerpt
}
