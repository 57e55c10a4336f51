//! The built-in CSV reader: a header row, then one record per row.
//!
//! Rows are read as bytes so that one row of invalid UTF-8 is rejected on its
//! own; fields are trimmed of surrounding blanks.

use std::fs::File;
use std::io::BufReader;

use super::Rows;
use crate::config::Source;
use crate::config::diagnostic::closest;
use crate::error::{Error, Result};

fn reader(source: &Source) -> Result<::csv::Reader<BufReader<File>>> {
    let file = File::open(&source.path).map_err(Error::io("read", &source.path))?;
    Ok(::csv::ReaderBuilder::new()
        .delimiter(source.delimiter)
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(BufReader::with_capacity(1 << 16, file)))
}

fn source_error(source: &Source, message: String) -> Error {
    Error::Source { source_name: source.name.clone(), path: source.path.clone(), message }
}

/// The header, with the position of the id column and of each mapped column.
fn header(
    source: &Source,
    reader: &mut ::csv::Reader<BufReader<File>>,
) -> Result<(Vec<String>, Option<usize>, Vec<usize>)> {
    let header = reader.headers().map_err(|e| source_error(source, format!("cannot read the header row: {e}")))?;
    let names: Vec<String> = header.iter().map(str::to_string).collect();
    let find = |column: &str| {
        names.iter().position(|n| n == column).ok_or_else(|| {
            let help = match closest(column, names.iter().map(String::as_str)) {
                Some(similar) => format!("; did you mean `{similar}`?"),
                None => format!("; the header has: {}", names.join(", ")),
            };
            source_error(source, format!("column `{column}` is not in the header{help}"))
        })
    };
    let id = source.id_column.as_deref().map(find).transpose()?;
    let columns = source.columns.iter().map(|c| find(&c.name)).collect::<Result<Vec<_>>>()?;
    Ok((names, id, columns))
}

pub(super) fn check_header(source: &Source) -> Result<()> {
    header(source, &mut reader(source)?).map(|_| ())
}

pub(super) fn read(source: &Source, rows: &mut Rows<'_>) -> Result<()> {
    let mut reader = reader(source)?;
    let (names, id_position, positions) = header(source, &mut reader)?;
    let mut row = ::csv::ByteRecord::new();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_byte_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let line = error.position().map_or(line, |p| p.line());
                if error.is_io_error() {
                    return Err(Error::io("read", &source.path)(std::io::Error::other(error.to_string())));
                }
                rows.reject(line, format!("unreadable row: {error}"), "");
                continue;
            }
        }
        let line = row.position().map_or(line, |p| p.line());
        let excerpt = || join_fields(&row, source.delimiter);
        if row.len() != names.len() {
            rows.reject(line, format!("expected {} fields, found {}", names.len(), row.len()), &excerpt());
            continue;
        }
        let text = match row
            .iter()
            .enumerate()
            .map(|(i, f)| std::str::from_utf8(f).map_err(|e| (i, e)))
            .collect::<Result<Vec<&str>, _>>()
        {
            Ok(text) => text,
            Err((i, e)) => {
                rows.reject(
                    line,
                    format!("invalid UTF-8 in column `{}` at byte {}", names[i], e.valid_up_to()),
                    &excerpt(),
                );
                continue;
            }
        };
        for (column, &position) in source.columns.iter().zip(&positions) {
            rows.push_values(column.attribute, text[position], source.separator.as_deref());
        }
        let id = id_position.map(|p| text[p]);
        rows.accept(line, id, excerpt);
    }
    Ok(())
}

/// The row's fields joined again by the delimiter (lossy), for excerpts.
fn join_fields(row: &::csv::ByteRecord, delimiter: u8) -> String {
    let fields: Vec<String> = row.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
    fields.join(&(delimiter as char).to_string())
}
