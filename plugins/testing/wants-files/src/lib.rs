//! Reads `/etc/passwd` into its records: built for wasm32-wasip2, it imports
//! WASI's filesystem, and the host must refuse to load it.

use sleuth_sdk::{ParseError, Parsed, Parser, Position, Record};

#[derive(Default)]
pub struct WantsFiles;

impl Parser for WantsFiles {
    fn feed(&mut self, _chunk: &[u8]) -> Result<Parsed, ParseError> {
        let secret = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
        let mut parsed = Parsed::default();
        parsed.records.push(Record::at(Position::default()).with("text", "text", &secret));
        Ok(parsed)
    }

    fn finish(&mut self) -> Result<Parsed, ParseError> {
        Ok(Parsed::default())
    }
}

sleuth_sdk::export!(parser: WantsFiles);
