//! Loops forever on its first chunk: the host must stop it.

use sleuth_sdk::{ParseError, Parsed, Parser};

#[derive(Default)]
pub struct EndlessLoop;

impl Parser for EndlessLoop {
    fn feed(&mut self, chunk: &[u8]) -> Result<Parsed, ParseError> {
        let mut spin = chunk.len() as u64;
        loop {
            spin = std::hint::black_box(spin.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
    }

    fn finish(&mut self) -> Result<Parsed, ParseError> {
        Ok(Parsed::default())
    }
}

sleuth_sdk::export!(parser: EndlessLoop);
