//! The built-in JSON Lines reader: one JSON object per line.
//!
//! A string, number or boolean is one value; an array is several; null is
//! none. Blank lines are skipped. A line that is not UTF-8, not JSON, not an
//! object, or that nests objects in a mapped field is rejected on its own.

use std::fs::File;
use std::io::{BufRead, BufReader};

use serde_json::Value;

use super::Rows;
use crate::config::Source;
use crate::error::{Error, Result};

pub(super) fn read(source: &Source, rows: &mut Rows<'_>) -> Result<()> {
    let file = File::open(&source.path).map_err(Error::io("read", &source.path))?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut buffer = Vec::new();
    let mut line = 0u64;
    loop {
        buffer.clear();
        let read = reader.read_until(b'\n', &mut buffer).map_err(Error::io("read", &source.path))?;
        if read == 0 {
            break;
        }
        line += 1;
        let text = match std::str::from_utf8(&buffer) {
            Ok(text) => text.trim(),
            Err(e) => {
                let excerpt = String::from_utf8_lossy(&buffer).into_owned();
                rows.reject(line, format!("invalid UTF-8 at byte {}", e.valid_up_to()), &excerpt);
                continue;
            }
        };
        if text.is_empty() {
            continue;
        }
        match parse(source, rows, text) {
            Ok(id) => {
                // With an id column, a line without an id has an empty one, rejected as missing.
                let id = source.id_column.as_ref().map(|_| id.unwrap_or_default());
                rows.accept(line, id.as_deref(), || text.to_string())
            }
            Err(reason) => rows.reject(line, reason, text),
        }
    }
    Ok(())
}

/// The id of one line (when the source has an id column and the line holds
/// it), its values pushed to `rows`.
fn parse(source: &Source, rows: &mut Rows<'_>, text: &str) -> Result<Option<String>, String> {
    let object = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(object)) => object,
        Ok(other) => return Err(format!("expected a JSON object, found {}", json_type(&other))),
        Err(e) => return Err(format!("invalid JSON: {e}")),
    };
    let id = match source.id_column.as_deref().map(|column| (column, object.get(column))) {
        None | Some((_, None | Some(Value::Null))) => None,
        Some((_, Some(Value::String(s)))) => Some(s.clone()),
        Some((_, Some(Value::Number(n)))) => Some(n.to_string()),
        Some((column, Some(other))) => return Err(format!("id field `{column}` holds {}", json_type(other))),
    };
    for column in &source.columns {
        let Some(value) = object.get(&column.name) else { continue };
        let items: &[Value] = match value {
            Value::Array(items) => items,
            single => std::slice::from_ref(single),
        };
        for item in items {
            match item {
                Value::Null => {}
                Value::String(s) => rows.push_values(column.attribute, s, None),
                Value::Number(n) => rows.push_values(column.attribute, &n.to_string(), None),
                Value::Bool(b) => rows.push_values(column.attribute, &b.to_string(), None),
                other => return Err(format!("field `{}` holds {}", column.name, json_type(other))),
            }
        }
    }
    Ok(id)
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
