//! Candidate pairs: the pairs of records whose shared blocks say enough.
//!
//! Blocks come from the index's posting lists ([`crate::index::Store::blocks`]);
//! blocks over the size limit are skipped and reported, so one very common
//! value (a VPN exit, a shared office email) cannot flood the run with pairs.
//! A pair sharing a strong key's block is a candidate; a pair sharing only
//! weak keys' blocks ([`Strength`]) is one when it shares blocks of two keys,
//! or one block of at most [`TELLING_WEAK_BLOCK`] records. Blocks of one key
//! count once, as their best: two handles sharing four common n-grams
//! (`ande`, `nder`, `ders`, `erso`) share one thing, a common name, and at a
//! million records such pairs were three candidates in five, with hardly a
//! match among them. A weak key's block of more than [`MAX_WEAK_BLOCK`]
//! records counts for nothing ([`block_limit`]): when such blocks counted
//! for a quarter, four of them making a pair, they held six in seven of the
//! pairs counted in blocks at a million records (143M; 22M without them),
//! for 0.4% of the candidates and the same F1.
//!
//! The pairs are made record by record, straight from the blocks: each
//! record adds up what it shares with the later records of its blocks in a
//! counter per record, then keeps those that reached a candidate. Records
//! are split among threads in fixed chunks and the chunks' pairs joined in
//! order, so the pairs come out distinct and sorted whatever the thread count.

use std::collections::BTreeMap;

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
    /// Pairs that shared only one weak key's block, left out.
    pub weak_only_pairs: u64,
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

/// A weak key's block of at most this many records makes candidates on its
/// own: so few records sharing a rare n-gram or a rare IP are telling.
pub const TELLING_WEAK_BLOCK: usize = 16;

/// A weak key's block of more records than this counts for nothing: a
/// name token, an n-gram or an IP that many records share says too little
/// about who is behind them.
pub const MAX_WEAK_BLOCK: u64 = 4 * TELLING_WEAK_BLOCK as u64;

/// The most records a block of a key of this strength holds and still
/// counts, the job's `max_block_size` for strong keys.
pub fn block_limit(strength: Strength, max_block_size: u64) -> u64 {
    match strength {
        Strength::Strong => max_block_size,
        Strength::Weak => max_block_size.min(MAX_WEAK_BLOCK),
    }
}

/// Records handled per step of a thread.
const CHUNK: usize = 2048;

/// What a shared block of `size` records adds to a pair's count (nothing
/// over its [`block_limit`]); a pair reaching [`CANDIDATE`] is a candidate.
fn weight(size: u64, strength: Strength, max_block_size: u64) -> u8 {
    if size > block_limit(strength, max_block_size) {
        return 0;
    }
    match strength {
        Strength::Strong => CANDIDATE,
        Strength::Weak if size <= TELLING_WEAK_BLOCK as u64 => CANDIDATE,
        Strength::Weak => CANDIDATE / 2,
    }
}

const CANDIDATE: u8 = 4;

// A tally keeps a weight, and a count up to CANDIDATE, in four bits.
const _: () = assert!(CANDIDATE < 0x10);

/// A partner's tally while a record's blocks are read, in one byte (the
/// partners' tallies are a byte per record, which at millions of records
/// should stay in cache): what its blocks add up to so far (low four bits,
/// saturating: only reaching [`CANDIDATE`] counts), and the weight of its
/// best block of the key being read (high four bits).
#[derive(Clone, Copy, Default)]
struct Tally(u8);

impl Tally {
    fn count(self) -> u8 {
        self.0 & 0x0F
    }

    fn best(self) -> u8 {
        self.0 >> 4
    }

    fn add(&mut self, weight: u8) {
        self.0 = (self.0 & 0xF0) | (self.count() + weight).min(0x0F);
    }

    fn keep_best(&mut self, weight: u8) {
        self.0 = (self.0 & 0x0F) | (self.best().max(weight) << 4);
    }

    /// Adds the key's best to the count and forgets it.
    fn end_key(&mut self) {
        self.0 = (self.count() + self.best()).min(0x0F);
    }
}

/// Ends a key for each partner in `in_key` ([`Tally::end_key`]), noting
/// partners counted the first time in `touched`; leaves `in_key` empty.
fn end_key(tally: &mut [Tally], in_key: &mut Vec<RecordIndex>, touched: &mut Vec<RecordIndex>) {
    for b in in_key.drain(..) {
        let t = &mut tally[b as usize];
        if t.count() == 0 {
            touched.push(b);
        }
        t.end_key();
    }
}

/// Whether a block growing from `before` to `after` records (an ingest's)
/// counts for less in the rule: pairs that were candidates through it may
/// no longer be.
pub fn weakens(before: u64, after: u64, strength: Strength, max_block_size: u64) -> bool {
    before >= 2 && weight(after, strength, max_block_size) < weight(before, strength, max_block_size)
}

/// Whether two records sharing these blocks (key name, size and strength
/// of each: `username.ngram` ([`crate::blocking::BlockingKey::names`]), 120, weak)
/// are a candidate pair, blocks over their [`block_limit`] not counting and
/// each key counting its best block: the rule [`candidate_pairs`] applies, for
/// explaining one pair.
pub fn shares_enough<'a>(shared: impl IntoIterator<Item = (&'a [u8], u64, Strength)>, max_block_size: u64) -> bool {
    let mut best: BTreeMap<&[u8], u8> = BTreeMap::new();
    for (key, size, strength) in shared {
        let weight = weight(size, strength, max_block_size);
        best.entry(key).and_modify(|w| *w = (*w).max(weight)).or_insert(weight);
    }
    best.values().map(|&w| u32::from(w)).sum::<u32>() >= u32::from(CANDIDATE)
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
    let chunks: Vec<(Vec<Pair>, u64, u64)> = (0..(records - first.min(records)).div_ceil(CHUNK))
        .into_par_iter()
        .map_init(
            || (vec![Tally::default(); records], Vec::new(), Vec::new()),
            |(tally, touched, in_key), chunk| {
                let mut pairs = Vec::new();
                let (mut shared, mut weak_only) = (0u64, 0u64);
                for a in first + chunk * CHUNK..(first + (chunk + 1) * CHUNK).min(records) {
                    // A record's blocks come in order, so each key's together:
                    // a partner's best block of a key is added as the key
                    // ends. A key with one block here (most) is added at once.
                    let mine = &memberships[starts[a]..starts[a + 1]];
                    // Whether this block's key is the previous block's, and the next's.
                    let mut follows = false;
                    for (i, membership) in mine.iter().enumerate() {
                        // The next blocks' places, and the members of the
                        // one after this, asked for ahead: blocks lie
                        // anywhere in memory.
                        if let Some(ahead) = mine.get(i + 2) {
                            blocks.prefetch(ahead.block as usize);
                        }
                        if let Some(next) = mine.get(i + 1) {
                            blocks.prefetch_members(next.block as usize, next.position as usize + 1);
                        }
                        let block = membership.block as usize;
                        let followed =
                            mine.get(i + 1).is_some_and(|next| blocks.key(next.block as usize) == blocks.key(block));
                        let members = blocks.block(block);
                        let weight = weight(members.len() as u64, blocks.strength(block), max_block_size);
                        // Partners: the records before `first` (none in a run)
                        // and the later ones; none in a block over its limit
                        // (the index leaves those out).
                        let (earlier, later) = match (weight, first) {
                            (0, _) => (&[][..], &[][..]),
                            (_, 0) => (&[][..], &members[membership.position as usize + 1..]),
                            _ => (
                                &members[..members.partition_point(|&m| (m as usize) < first)],
                                &members[membership.position as usize + 1..],
                            ),
                        };
                        let partners = earlier
                            .iter()
                            .chain(later)
                            .filter(|&&b| within_source || source_of[a] != source_of[b as usize]);
                        let alone = !follows && !followed;
                        for &b in partners {
                            shared += 1;
                            let t = &mut tally[b as usize];
                            if alone {
                                if t.count() == 0 {
                                    touched.push(b);
                                }
                                t.add(weight);
                            } else {
                                if t.best() == 0 {
                                    in_key.push(b);
                                }
                                t.keep_best(weight);
                            }
                        }
                        if follows && !followed {
                            end_key(tally, in_key, touched);
                        }
                        follows = followed;
                    }
                    let first = pairs.len();
                    for &b in touched.iter() {
                        let c = std::mem::take(&mut tally[b as usize]).count();
                        if c >= CANDIDATE {
                            let a = a as RecordIndex;
                            pairs.push((a.min(b), a.max(b)));
                        } else {
                            weak_only += 1;
                        }
                    }
                    touched.clear();
                    pairs[first..].sort_unstable();
                }
                (pairs, shared, weak_only)
            },
        )
        .collect();
    let pairs_in_blocks = chunks.iter().map(|c| c.1).sum();
    let weak_only_pairs = chunks.iter().map(|c| c.2).sum();
    // Joined into one list of the exact size, each chunk freed once copied:
    // the pairs are the run's largest list, and growing it by doubling held
    // up to three copies at once.
    let mut pairs: Vec<Pair> = Vec::with_capacity(chunks.iter().map(|c| c.0.len()).sum());
    for (chunk, _, _) in chunks {
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
        weak_only_pairs,
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

    /// Blocks of one key each.
    fn blocks(list: &[(&[RecordIndex], Strength)]) -> Blocks {
        let keyed: Vec<(&[RecordIndex], Strength, String)> = list
            .iter()
            .enumerate()
            .map(|(i, (records, strength))| (*records, *strength, format!("key{i:03}")))
            .collect();
        keyed_blocks(&keyed)
    }

    fn keyed_blocks(list: &[(&[RecordIndex], Strength, String)]) -> Blocks {
        let mut blocks = Blocks::default();
        for (records, strength, key) in list {
            blocks.push(records, *strength, key.as_bytes());
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
    fn weak_keys_make_candidates_when_two_agree_or_their_block_is_small() {
        let big: Vec<RecordIndex> = (2..2 + TELLING_WEAK_BLOCK as RecordIndex).chain([0]).collect::<Vec<_>>();
        let mut big = big;
        big.sort_unstable();
        let other: Vec<RecordIndex> = (0..=TELLING_WEAK_BLOCK as RecordIndex).collect();
        let blocks = blocks(&[(&big, Strength::Weak), (&other, Strength::Weak), (&[20, 21], Strength::Weak)]);
        let sources = vec![0; 30];
        let (pairs, report) = candidate_pairs(&blocks, &sources, true, 500);
        // 0 and 2..=16 share both big blocks; 0-1 and 1-x share only `other`.
        assert!(pairs.contains(&(0, 2)) && pairs.contains(&(2, 16)), "{pairs:?}");
        assert!(!pairs.contains(&(0, 1)) && !pairs.contains(&(1, 2)), "{pairs:?}");
        assert!(!pairs.contains(&(0, 17)), "{pairs:?}");
        // A small weak block is telling on its own.
        assert!(pairs.contains(&(20, 21)), "{pairs:?}");
        assert!(report.weak_only_pairs > 0);
    }

    #[test]
    fn blocks_of_one_key_count_as_their_best() {
        // 0 and 1 share four middling n-gram blocks of one key (blocks of
        // two keys would make them a candidate): one piece of evidence,
        // however many n-grams; with a second key's block they are one.
        let large: Vec<RecordIndex> = (0..MAX_WEAK_BLOCK as RecordIndex).collect();
        let ngram = || (large.clone(), Strength::Weak, "username.ngram".to_string());
        let ip = (vec![0, 1, 90], Strength::Weak, "ip".to_string());
        let owned = [ngram(), ngram(), ngram(), ngram(), ip];
        let list: Vec<(&[RecordIndex], Strength, String)> =
            owned.iter().map(|(r, s, k)| (r.as_slice(), *s, k.clone())).collect();
        let sources = vec![0; 100];
        let (pairs, _) = candidate_pairs(&keyed_blocks(&list[..4]), &sources, true, 500);
        assert!(pairs.is_empty(), "{pairs:?}");
        let (pairs, _) = candidate_pairs(&blocks(&[(large.as_slice(), Strength::Weak); 2]), &sources, true, 500);
        assert!(pairs.contains(&(0, 1)), "two keys' blocks: {pairs:?}");
        let (pairs, _) = candidate_pairs(&keyed_blocks(&list), &sources, true, 500);
        assert!(pairs.contains(&(0, 1)) && pairs.contains(&(0, 90)), "{pairs:?}");
        assert!(!pairs.contains(&(0, 2)), "{pairs:?}");
        // Explaining a pair applies the same rule.
        let large_block = (large.len() as u64, Strength::Weak);
        let shared = |keys: &[&'static str]| {
            keys.iter().map(move |k| (k.as_bytes(), large_block.0, large_block.1)).collect::<Vec<_>>()
        };
        assert!(!shares_enough(shared(&["username.ngram", "username.ngram", "username.ngram", "username.ngram"]), 500));
        assert!(shares_enough(shared(&["username.ngram", "name.token"]), 500));
    }

    #[test]
    fn weak_blocks_over_their_limit_count_for_nothing() {
        // Four keys' weak blocks of one record over the limit: no pairs,
        // whether the blocks were read or not; a strong block of that size
        // still counts.
        let over: Vec<RecordIndex> = (0..=MAX_WEAK_BLOCK as RecordIndex).collect();
        let sources = vec![0; over.len()];
        let (pairs, report) = candidate_pairs(&blocks(&[(over.as_slice(), Strength::Weak); 4]), &sources, true, 500);
        assert!(pairs.is_empty(), "{pairs:?}");
        assert_eq!((report.pairs_in_blocks, report.max_weak_block_size), (0, MAX_WEAK_BLOCK));
        let (pairs, _) = candidate_pairs(&blocks(&[(over.as_slice(), Strength::Strong)]), &sources, true, 500);
        assert_eq!(pairs.len(), over.len() * (over.len() - 1) / 2);
        let size = over.len() as u64;
        assert!(!shares_enough([(&b"ip"[..], size, Strength::Weak), (b"name.token", size, Strength::Weak)], 500));
        assert!(shares_enough(
            [(&b"ip"[..], size - 1, Strength::Weak), (b"name.token", size - 1, Strength::Weak)],
            500
        ));
        // A job's smaller limit holds for weak keys too; growing past the
        // limit weakens a block.
        assert_eq!(block_limit(Strength::Weak, 20), 20);
        assert!(weakens(MAX_WEAK_BLOCK, MAX_WEAK_BLOCK + 1, Strength::Weak, 500));
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
        /// share enough, over every pair: keys with several blocks, blocks
        /// of every weight, sources kept apart or not.
        #[test]
        fn pairs_are_those_the_rule_names(
            list in proptest::collection::vec(
                (proptest::collection::btree_set(0..90 as RecordIndex, 2..72), proptest::bool::ANY, 0..6u8),
                1..14,
            ),
            sources in proptest::collection::vec(0..3u32, 90),
            within_source in proptest::bool::ANY,
        ) {
            // Strong blocks first, then each key's blocks together, as the index gives them.
            let mut list: Vec<(Vec<RecordIndex>, Strength, String)> = list
                .into_iter()
                .map(|(members, strong, key)| {
                    let strength = if strong { Strength::Strong } else { Strength::Weak };
                    (members.into_iter().collect(), strength, format!("{strength:?}{key}"))
                })
                .collect();
            list.sort_by(|a, b| (a.1, &a.2).cmp(&(b.1, &b.2)));
            let borrowed: Vec<(&[RecordIndex], Strength, String)> =
                list.iter().map(|(m, s, k)| (m.as_slice(), *s, k.clone())).collect();
            // Blocks of 2..72 records: telling, middling and large weak ones.
            let (pairs, _) = candidate_pairs(&keyed_blocks(&borrowed), &sources, within_source, 500);
            let mut expected = Vec::new();
            for a in 0..90 as RecordIndex {
                for b in a + 1..90 {
                    if !within_source && sources[a as usize] == sources[b as usize] {
                        continue;
                    }
                    let shared = list
                        .iter()
                        .filter(|(m, _, _)| m.contains(&a) && m.contains(&b))
                        .map(|(m, s, k)| (k.as_bytes(), m.len() as u64, *s));
                    if shares_enough(shared, 500) {
                        expected.push((a, b));
                    }
                }
            }
            proptest::prop_assert_eq!(pairs, expected);
        }
    }
}
