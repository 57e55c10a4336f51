//! Allocates 64 MiB more for every chunk, forever: the host's memory limit
//! must refuse it.

use sleuth_sdk::{ParseError, Parsed, Parser};

#[derive(Default)]
pub struct MemoryBomb {
    hoard: Vec<Vec<u8>>,
}

impl Parser for MemoryBomb {
    fn feed(&mut self, _chunk: &[u8]) -> Result<Parsed, ParseError> {
        loop {
            self.hoard.push(std::hint::black_box(vec![1u8; 64 << 20]));
        }
    }

    fn finish(&mut self) -> Result<Parsed, ParseError> {
        Ok(Parsed::default())
    }
}

sleuth_sdk::export!(parser: MemoryBomb);
