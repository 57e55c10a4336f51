//! Sources read by a parser plugin: its records' fields mapped like columns.

use std::fs::File;
use std::io::BufReader;

use super::Rows;
use crate::config::Source;
use crate::error::{Error, Result};
use crate::plugin::parser::{self, Parsed};

/// Reads `source` with `parser`. Fields the job does not map are left out,
/// as unmapped CSV columns are; whatever the plugin rejects or fails on
/// becomes rejects.
pub fn read(source: &Source, parser: &parser::Parser, rows: &mut Rows) -> Result<()> {
    let file = File::open(&source.path).map_err(Error::io("read", &source.path))?;
    let mut input = BufReader::with_capacity(parser::CHUNK, file);
    parser::parse(parser, &source.name, &mut input, |parsed| match parsed {
        Parsed::Record(record) => {
            for (field, _kind, value) in &record.attributes {
                if let Some(column) = source.columns.iter().find(|c| c.name == *field) {
                    rows.push_values(column.attribute, value, None);
                }
            }
            let at = if record.line > 0 { record.line } else { record.offset };
            let id = (!record.id.is_empty()).then_some(record.id.as_str());
            let excerpt = || if record.id.is_empty() { format!("record at {at}") } else { record.id.clone() };
            rows.accept(at, id, excerpt);
        }
        Parsed::Reject(reject) => rows.reject_at(reject.location, reject.reason, &reject.excerpt),
    })
    .map_err(Error::io("read", &source.path))
}
