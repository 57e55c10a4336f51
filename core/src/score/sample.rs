//! Random record pairs, for estimating u-probabilities.
//!
//! Pairs are drawn with a seeded ChaCha generator, so the sample (and the
//! model) is the same on every run. When the data has fewer eligible pairs
//! than the sample size, every eligible pair is used instead.

use std::ops::Range;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::record::RecordIndex;

/// The number of pairs that can be compared: all pairs, or only pairs across
/// sources. `sources` are the record ranges of each source.
pub fn eligible_pairs(sources: &[Range<RecordIndex>], within_source: bool) -> f64 {
    let sizes: Vec<f64> = sources.iter().map(|r| f64::from(r.end - r.start)).collect();
    let total: f64 = sizes.iter().sum();
    let within: f64 = sizes.iter().map(|n| n * (n - 1.0) / 2.0).sum();
    let all = total * (total - 1.0) / 2.0;
    if within_source { all } else { all - within }
}

/// `count` random eligible pairs (or all of them, when there are fewer).
pub fn random_pairs(
    sources: &[Range<RecordIndex>],
    within_source: bool,
    count: u64,
    seed: u64,
) -> Vec<(RecordIndex, RecordIndex)> {
    let total = sources.last().map_or(0, |r| r.end);
    let eligible = eligible_pairs(sources, within_source);
    if eligible < 1.0 {
        return Vec::new();
    }
    let source_of = |r: RecordIndex| sources.iter().position(|s| s.contains(&r)).expect("records lie in a source");
    if eligible <= count as f64 {
        let mut pairs = Vec::with_capacity(eligible as usize);
        for a in 0..total {
            for b in a + 1..total {
                if within_source || source_of(a) != source_of(b) {
                    pairs.push((a, b));
                }
            }
        }
        return pairs;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut pairs = Vec::with_capacity(count as usize);
    while (pairs.len() as u64) < count {
        let a = rng.random_range(0..total);
        let b = if within_source {
            let b = rng.random_range(0..total - 1);
            if b >= a { b + 1 } else { b }
        } else {
            // Uniform over the records of the other sources.
            let own = &sources[source_of(a)];
            let others = total - (own.end - own.start);
            let b = rng.random_range(0..others);
            if b >= own.start { b + (own.end - own.start) } else { b }
        };
        pairs.push((a.min(b), a.max(b)));
    }
    pairs
}

/// `count` random eligible pairs with at least one record numbered `first`
/// or more (records an ingest adds): one of those, then any eligible
/// partner. With the sample of the records before `first`, at the same rate,
/// it stands for a sample of all pairs (pairs of two new records are drawn
/// twice as often: they are few).
pub fn random_pairs_from(
    sources: &[Range<RecordIndex>],
    first: RecordIndex,
    within_source: bool,
    count: u64,
    seed: u64,
) -> Vec<(RecordIndex, RecordIndex)> {
    let total = sources.last().map_or(0, |r| r.end);
    let source_of = |r: RecordIndex| sources.iter().position(|s| s.contains(&r)).expect("records lie in a source");
    let partners = |a: RecordIndex| {
        let own = &sources[source_of(a)];
        if within_source { total - 1 } else { total - (own.end - own.start) }
    };
    if first >= total || (first..total).all(|a| partners(a) == 0) {
        return Vec::new();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut pairs = Vec::with_capacity(count as usize);
    while (pairs.len() as u64) < count {
        let a = rng.random_range(first..total);
        let own = &sources[source_of(a)];
        let b = if within_source {
            let b = rng.random_range(0..total - 1);
            if b >= a { b + 1 } else { b }
        } else {
            let others = total - (own.end - own.start);
            if others == 0 {
                continue;
            }
            let b = rng.random_range(0..others);
            if b >= own.start { b + (own.end - own.start) } else { b }
        };
        pairs.push((a.min(b), a.max(b)));
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_eligible_pairs() {
        assert_eq!(eligible_pairs(&[0..3, 3..5], true), 10.0);
        assert_eq!(eligible_pairs(&[0..3, 3..5], false), 6.0);
    }

    #[test]
    fn small_data_uses_every_pair_and_large_data_a_repeatable_sample() {
        assert_eq!(random_pairs(&[0..2, 2..3], false, 100, 0), [(0, 2), (1, 2)]);
        let sources = [0..1000, 1000..1500];
        let a = random_pairs(&sources, false, 200, 7);
        assert_eq!(a, random_pairs(&sources, false, 200, 7));
        assert_eq!(a.len(), 200);
        assert!(a.iter().all(|&(x, y)| x < 1000 && (1000..1500).contains(&y)));
        assert!(random_pairs(&sources, true, 200, 7).iter().all(|&(x, y)| x < y && y < 1500));
    }

    #[test]
    fn pairs_from_a_first_record_reach_it_and_respect_sources() {
        let sources = [0..1000, 1000..1500, 1500..1600];
        let pairs = random_pairs_from(&sources, 1500, false, 300, 7);
        assert_eq!(pairs.len(), 300);
        assert!(pairs.iter().all(|&(x, y)| x < 1500 && y >= 1500), "new records meet only other sources");
        assert_eq!(pairs, random_pairs_from(&sources, 1500, false, 300, 7));
        let within = random_pairs_from(&sources, 1500, true, 300, 7);
        assert!(within.iter().all(|&(x, y)| x != y && y >= 1500));
        let one = vec![Range { start: 0, end: 10 }];
        assert!(random_pairs_from(&one, 10, true, 5, 1).is_empty(), "no new records, no pairs");
        assert!(random_pairs_from(&one, 5, false, 5, 1).is_empty(), "one source and none across");
    }
}
