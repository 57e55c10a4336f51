//! Candidate pairs: the pairs of records sharing a block that counts.
//!
//! Blocks come from the index's posting lists ([`crate::index::Store::blocks`]).
//! A block counts when it holds at most its key strength's [`block_limit`]
//! records: the job's `max_block_size` for a strong key, so one very common
//! value (a shared office email) cannot flood the run with pairs, and
//! [`MAX_WEAK_BLOCK`] for a weak one ([`Strength`]): so few records sharing a
//! rare n-gram, name or IP are telling, and more are not. Blocks over their
//! limit are skipped and reported.
//!
//! Weak keys' larger blocks once counted half, two keys' making a pair: at a
//! million records such pairs (a common name's phonetic key and its handle
//! stem, both made from the name; a handle's stem and its n-grams) were 2.2M
//! of the 4.9M candidates, with 1,783 true pairs and 169 links among them;
//! without them F1 0.97023 -> 0.97016 (100k: 0.96699 -> 0.96701; the
//! bundled jobs: Febrl3 1.0000, Febrl4 0.9999 -> 0.9998, identity 0.9670 ->
//! 0.9668, the demo's entities unchanged) and the run a tenth faster. The
//! cost falls on jobs whose keys are all weak (names and dates alone): at
//! scale, two records sharing a name and a birth date each held by 17–64
//! records are no longer compared; such a job needs a key that is rare
//! enough on its own (an id, or a key made of two values, which job files
//! cannot yet declare). Earlier still, weak blocks of more than 64 records
//! counted a quarter, four keys' making a pair: they held six in seven of
//! the pairs counted in blocks, for 0.4% of the candidates.
//!
//! The pairs are made record by record, straight from the blocks: each
//! record gathers the later records of its blocks, then keeps each once.
//! Records are split among threads in fixed chunks and the chunks' pairs
//! joined in order, so the pairs come out distinct and sorted whatever the
//! thread count.

use rayon::prelude::*;
use serde::Serialize;

use crate::blocking::Strength;
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
    /// The size limit of weak keys' blocks ([`block_limit`]).
    pub max_weak_block_size: u64,
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

/// A weak key's block of more records than this counts for nothing: a
/// name token, an n-gram or an IP that more records share says too little
/// about who is behind them.
pub const MAX_WEAK_BLOCK: u64 = 16;

/// The most records a block of a key of this strength holds and still
/// counts, the job's `max_block_size` for strong keys.
pub fn block_limit(strength: Strength, max_block_size: u64) -> u64 {
    match strength {
        Strength::Strong => max_block_size,
        Strength::Weak => max_block_size.min(MAX_WEAK_BLOCK),
    }
}

/// Whether a shared block of `size` records makes its pairs candidates:
/// it holds at most its [`block_limit`].
fn counts(size: u64, strength: Strength, max_block_size: u64) -> bool {
    size <= block_limit(strength, max_block_size)
}

/// Records handled per step of a thread.
const CHUNK: usize = 2048;

/// Whether a block growing from `before` to `after` records (an ingest's)
/// stops counting: pairs that were candidates through it may no longer be.
pub fn weakens(before: u64, after: u64, strength: Strength, max_block_size: u64) -> bool {
    before >= 2 && counts(before, strength, max_block_size) && !counts(after, strength, max_block_size)
}

/// Whether two records sharing these blocks (size and strength of each)
/// are a candidate pair: one of the blocks counts. The rule
/// [`candidate_pairs`] applies, for explaining one pair.
pub fn shares_enough(shared: impl IntoIterator<Item = (u64, Strength)>, max_block_size: u64) -> bool {
    shared.into_iter().any(|(size, strength)| counts(size, strength, max_block_size))
}

/// The candidate pairs of `blocks`, distinct and sorted. `source_of[r]` is
/// record `r`'s source; with `within_source` false, pairs from one source
/// are left out.
pub fn candidate_pairs(
    blocks: &Blocks,
    source_of: &[u32],
    within_source: bool,
    max_block_size: u64,
) -> (Vec<Pair>, BlockingReport) {
    candidate_pairs_from(blocks, source_of, within_source, max_block_size, 0)
}

/// The candidate pairs of `blocks` with at least one record numbered
/// `first` or more (an ingest's new records), distinct and sorted: with
/// `blocks` holding every block of those records, the same pairs
/// [`candidate_pairs`] would give over all blocks.
pub fn candidate_pairs_from(
    blocks: &Blocks,
    source_of: &[u32],
    within_source: bool,
    max_block_size: u64,
    first: RecordIndex,
) -> (Vec<Pair>, BlockingReport) {
    let records = source_of.len();
    let first = first as usize;
    let (starts, memberships) = blocks_of_records(blocks, records);
    let chunks: Vec<(Vec<Pair>, u64)> = (0..(records - first.min(records)).div_ceil(CHUNK))
        .into_par_iter()
        .map_init(Vec::new, |partners, chunk| {
            let mut pairs = Vec::new();
            let mut shared = 0u64;
            for a in first + chunk * CHUNK..(first + (chunk + 1) * CHUNK).min(records) {
                let mine = &memberships[starts[a]..starts[a + 1]];
                for (i, membership) in mine.iter().enumerate() {
                    // The next blocks' places, and the members of the one
                    // after this, asked for ahead: blocks lie anywhere in
                    // memory.
                    if let Some(ahead) = mine.get(i + 2) {
                        blocks.prefetch(ahead.block as usize);
                    }
                    if let Some(next) = mine.get(i + 1) {
                        blocks.prefetch_members(next.block as usize, next.position as usize + 1);
                    }
                    let block = membership.block as usize;
                    let members = blocks.block(block);
                    if !counts(members.len() as u64, blocks.strength(block), max_block_size) {
                        continue;
                    }
                    // Partners: the records before `first` (none in a run)
                    // and the later ones.
                    let earlier = if first == 0 {
                        &[][..]
                    } else {
                        &members[..members.partition_point(|&m| (m as usize) < first)]
                    };
                    let later = &members[membership.position as usize + 1..];
                    let before = partners.len();
                    partners.extend(
                        earlier
                            .iter()
                            .chain(later)
                            .filter(|&&b| within_source || source_of[a] != source_of[b as usize]),
                    );
                    shared += (partners.len() - before) as u64;
                }
                partners.sort_unstable();
                partners.dedup();
                let a = a as RecordIndex;
                pairs.extend(partners.drain(..).map(|b| (a.min(b), a.max(b))));
            }
            (pairs, shared)
        })
        .collect();
    let pairs_in_blocks = chunks.iter().map(|c| c.1).sum();
    // Joined into one list of the exact size, each chunk freed once copied:
    // the pairs are the run's largest list, and growing it by doubling held
    // up to three copies at once.
    let mut pairs: Vec<Pair> = Vec::with_capacity(chunks.iter().map(|c| c.0.len()).sum());
    for (chunk, _) in chunks {
        pairs.extend_from_slice(&chunk);
    }
    if first > 0 {
        // Pairs with an earlier record come out under the later one.
        pairs.par_sort_unstable();
    }
    let report = BlockingReport {
        keys: blocks.keys,
        blocks_used: blocks.len() as u64,
        largest_block_used: blocks.iter().map(|(b, _)| b.len() as u64).max().unwrap_or(0),
        max_block_size,
        max_weak_block_size: block_limit(Strength::Weak, max_block_size),
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

/// A record's place in one of its blocks.
#[derive(Clone, Copy, Default)]
struct Membership {
    /// The block.
    block: u32,
    /// Where the record is among the block's sorted members: its partners
    /// after it are the members after this one (found once here, not by a
    /// search of the block for each of its records).
    position: u32,
}

/// Each record's blocks: record `r`'s are `memberships[starts[r]..starts[r + 1]]`,
/// in block order.
fn blocks_of_records(blocks: &Blocks, records: usize) -> (Vec<usize>, Vec<Membership>) {
    let mut starts = vec![0usize; records + 1];
    for (members, _) in blocks.iter() {
        for &r in members {
            starts[r as usize + 1] += 1;
        }
    }
    for r in 0..records {
        starts[r + 1] += starts[r];
    }
    let mut next = starts.clone();
    let mut memberships = vec![Membership::default(); starts[records]];
    for (block, (members, _)) in blocks.iter().enumerate() {
        for (position, &r) in members.iter().enumerate() {
            memberships[next[r as usize]] = Membership { block: block as u32, position: position as u32 };
            next[r as usize] += 1;
        }
    }
    (starts, memberships)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(list: &[(&[RecordIndex], Strength)]) -> Blocks {
        let mut blocks = Blocks::default();
        for (records, strength) in list {
            blocks.push(records, *strength);
        }
        blocks.keys = list.len() as u64;
        blocks
    }

    #[test]
    fn pairs_are_distinct_sorted_and_respect_sources() {
        let mut blocks = blocks(&[(&[0, 1, 2], Strength::Strong), (&[1, 2, 3], Strength::Strong)]);
        blocks.oversized = vec![("ip=10.0.0.1".into(), 900)];
        let (pairs, report) = candidate_pairs(&blocks, &[0, 0, 1, 1], true, 500);
        assert_eq!(pairs, [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)]);
        assert_eq!((report.pairs_in_blocks, report.candidate_pairs, report.oversized_blocks), (6, 5, 1));
        let (across, _) = candidate_pairs(&blocks, &[0, 0, 1, 1], false, 500);
        assert_eq!(across, [(0, 2), (1, 2), (1, 3)]);
    }

    #[test]
    fn weak_blocks_count_up_to_their_limit_however_many_are_shared() {
        // A weak block at the limit makes every pair of its records; blocks
        // one record over it make none, however many keys' blocks two
        // records share; a strong block of that size still counts.
        let at: Vec<RecordIndex> = (0..MAX_WEAK_BLOCK as RecordIndex).collect();
        let over: Vec<RecordIndex> = (100..=100 + MAX_WEAK_BLOCK as RecordIndex).collect();
        let sources = vec![0; 200];
        let (pairs, report) = candidate_pairs(
            &blocks(&[
                (at.as_slice(), Strength::Weak),
                (over.as_slice(), Strength::Weak),
                (over.as_slice(), Strength::Weak),
            ]),
            &sources,
            true,
            500,
        );
        let n = at.len();
        assert_eq!(pairs.len(), n * (n - 1) / 2, "{pairs:?}");
        assert!(pairs.iter().all(|&(a, b)| a < 100 && b < 100), "{pairs:?}");
        assert_eq!((report.pairs_in_blocks, report.max_weak_block_size), ((n * (n - 1) / 2) as u64, MAX_WEAK_BLOCK));
        let (pairs, _) = candidate_pairs(&blocks(&[(over.as_slice(), Strength::Strong)]), &sources, true, 500);
        assert_eq!(pairs.len(), over.len() * (over.len() - 1) / 2);
        // Explaining a pair applies the same rule.
        let size = over.len() as u64;
        assert!(!shares_enough([(size, Strength::Weak), (size, Strength::Weak)], 500));
        assert!(shares_enough([(size, Strength::Weak), (size - 1, Strength::Weak)], 500));
        assert!(shares_enough([(size, Strength::Strong)], 500));
        // A job's smaller limit holds for weak keys too; growing past the
        // limit weakens a block, and only then.
        assert_eq!(block_limit(Strength::Weak, 10), 10);
        assert!(weakens(MAX_WEAK_BLOCK, MAX_WEAK_BLOCK + 1, Strength::Weak, 500));
        assert!(!weakens(MAX_WEAK_BLOCK - 1, MAX_WEAK_BLOCK, Strength::Weak, 500));
        assert!(!weakens(MAX_WEAK_BLOCK + 1, MAX_WEAK_BLOCK + 2, Strength::Weak, 500));
        assert!(!weakens(MAX_WEAK_BLOCK, MAX_WEAK_BLOCK + 1, Strength::Strong, 500));
    }

    #[test]
    fn pairs_from_a_first_record_are_those_of_all_pairs_that_reach_it() {
        let members: Vec<Vec<RecordIndex>> =
            (0..60u32).map(|k| (0..400u32).filter(|r| (r * 7 + k) % 41 < 2 || r % 60 == k).collect()).collect();
        let list: Vec<(&[RecordIndex], Strength)> = members
            .iter()
            .enumerate()
            .map(|(k, m)| (m.as_slice(), if k < 20 { Strength::Strong } else { Strength::Weak }))
            .collect();
        let sources: Vec<u32> = (0..400).map(|r| r % 3).collect();
        let (all, _) = candidate_pairs(&blocks(&list), &sources, false, 500);
        // Only the blocks holding a record from 300 on, as an ingest reads them.
        let touched: Vec<(&[RecordIndex], Strength)> =
            list.iter().copied().filter(|(m, _)| m.iter().any(|&r| r >= 300)).collect();
        let (from, _) = candidate_pairs_from(&blocks(&touched), &sources, false, 500, 300);
        let expected: Vec<Pair> = all.iter().copied().filter(|&(_, b)| b >= 300).collect();
        assert!(!expected.is_empty());
        assert_eq!(from, expected);
    }

    #[test]
    fn the_thread_count_changes_nothing() {
        let members: Vec<Vec<RecordIndex>> =
            (0..300u32).map(|k| (0..5000u32).filter(|r| (r * 7 + k) % 97 < 3 || r % 300 == k).collect()).collect();
        let list: Vec<(&[RecordIndex], Strength)> = members
            .iter()
            .enumerate()
            .map(|(k, m)| (m.as_slice(), if k < 100 { Strength::Strong } else { Strength::Weak }))
            .collect();
        let blocks = blocks(&list);
        let sources: Vec<u32> = (0..5000).map(|r| r % 3).collect();
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let four = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap();
        let (a, _) = one.install(|| candidate_pairs(&blocks, &sources, false, 500));
        let (b, _) = four.install(|| candidate_pairs(&blocks, &sources, false, 500));
        assert!(!a.is_empty());
        assert!(a.windows(2).all(|w| w[0] < w[1]), "sorted and distinct");
        assert_eq!(a, b);
    }

    proptest::proptest! {
        /// The pairs made record by record are exactly the pairs of records
        /// that [`shares_enough`] (the rule as `explain` applies it) says
        /// share enough, over every pair: blocks on both sides of the weak
        /// limit, strong and weak, sources kept apart or not.
        #[test]
        fn pairs_are_those_the_rule_names(
            list in proptest::collection::vec(
                (proptest::collection::btree_set(0..90 as RecordIndex, 2..24), proptest::bool::ANY),
                1..14,
            ),
            sources in proptest::collection::vec(0..3u32, 90),
            within_source in proptest::bool::ANY,
        ) {
            // Strong blocks first, as the index gives them.
            let mut list: Vec<(Vec<RecordIndex>, Strength)> = list
                .into_iter()
                .map(|(members, strong)| {
                    (members.into_iter().collect(), if strong { Strength::Strong } else { Strength::Weak })
                })
                .collect();
            list.sort_by_key(|(_, strength)| *strength);
            let borrowed: Vec<(&[RecordIndex], Strength)> = list.iter().map(|(m, s)| (m.as_slice(), *s)).collect();
            let (pairs, _) = candidate_pairs(&blocks(&borrowed), &sources, within_source, 500);
            let mut expected = Vec::new();
            for a in 0..90 as RecordIndex {
                for b in a + 1..90 {
                    if !within_source && sources[a as usize] == sources[b as usize] {
                        continue;
                    }
                    let shared = list
                        .iter()
                        .filter(|(m, _)| m.contains(&a) && m.contains(&b))
                        .map(|(m, s)| (m.len() as u64, *s));
                    if shares_enough(shared, 500) {
                        expected.push((a, b));
                    }
                }
            }
            proptest::prop_assert_eq!(pairs, expected);
        }
    }
}
