//! Candidate pairs: every pair of records that share a block.
//!
//! Blocks come from the index's posting lists ([`crate::index::Store::blocks`]);
//! blocks over the size limit are skipped and reported, so one very common
//! value (a VPN exit, a shared office email) cannot flood the run with pairs.
//! Pairs are deduplicated and sorted, so the result is the same whatever the
//! thread count.

use rayon::prelude::*;
use serde::Serialize;

use crate::index::Blocks;
use crate::record::RecordIndex;

/// A candidate pair, the smaller record number first.
pub type Pair = (RecordIndex, RecordIndex);

/// How the candidates were found, for the summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BlockingReport {
    /// Distinct key values in the index.
    pub keys: u64,
    /// Blocks that produced pairs.
    pub blocks_used: u64,
    /// The largest block used.
    pub largest_block_used: u64,
    /// The size limit.
    pub max_block_size: u64,
    /// Blocks skipped for their size.
    pub oversized_blocks: u64,
    /// The largest skipped blocks: key and size (at most 20).
    pub oversized: Vec<OversizedBlock>,
    /// Pairs before removing repeats across blocks.
    pub pairs_in_blocks: u64,
    /// Distinct candidate pairs.
    pub candidate_pairs: u64,
}

/// A block skipped for its size.
#[derive(Debug, Clone, Serialize)]
pub struct OversizedBlock {
    /// The key, `name=value`.
    pub key: String,
    /// Records sharing it.
    pub records: u64,
}

/// The distinct pairs of records sharing a block. `source_of[r]` is record
/// `r`'s source; with `within_source` false, pairs from one source are left out.
pub fn candidate_pairs(
    blocks: &Blocks,
    source_of: &[u32],
    within_source: bool,
    max_block_size: u64,
) -> (Vec<Pair>, BlockingReport) {
    let mut pairs: Vec<Pair> = blocks
        .blocks
        .par_iter()
        .flat_map_iter(|block| {
            block.iter().enumerate().flat_map(move |(i, &a)| {
                block[i + 1..]
                    .iter()
                    .filter(move |&&b| within_source || source_of[a as usize] != source_of[b as usize])
                    .map(move |&b| (a, b))
            })
        })
        .collect();
    let pairs_in_blocks = pairs.len() as u64;
    pairs.par_sort_unstable();
    pairs.dedup();
    let report = BlockingReport {
        keys: blocks.keys,
        blocks_used: blocks.blocks.len() as u64,
        largest_block_used: blocks.blocks.iter().map(|b| b.len() as u64).max().unwrap_or(0),
        max_block_size,
        oversized_blocks: blocks.oversized.len() as u64,
        oversized: blocks
            .oversized
            .iter()
            .take(20)
            .map(|(key, records)| OversizedBlock { key: key.clone(), records: *records })
            .collect(),
        pairs_in_blocks,
        candidate_pairs: pairs.len() as u64,
    };
    (pairs, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_distinct_sorted_and_respect_sources() {
        let blocks = Blocks {
            keys: 3,
            blocks: vec![vec![0, 1, 2], vec![1, 2, 3]],
            oversized: vec![("ip=10.0.0.1".into(), 900)],
        };
        let (pairs, report) = candidate_pairs(&blocks, &[0, 0, 1, 1], true, 500);
        assert_eq!(pairs, [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)]);
        assert_eq!((report.pairs_in_blocks, report.candidate_pairs, report.oversized_blocks), (6, 5, 1));
        let (across, _) = candidate_pairs(&blocks, &[0, 0, 1, 1], false, 500);
        assert_eq!(across, [(0, 2), (1, 2), (1, 3)]);
    }
}
