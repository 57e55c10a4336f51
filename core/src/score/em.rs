//! Expectation–maximisation of m-probabilities and the prior.
//!
//! EM runs over the distinct comparison vectors of the candidate pairs and
//! their counts, not over the pairs themselves: a run with millions of pairs
//! has a few thousand distinct vectors at most. Vectors are visited in sorted
//! order, so the sums (and the model) do not depend on the thread count.
//!
//! u is measured on random pairs. A random sample still holds a few true
//! matches, and on small data they are most of the pairs that agree on a strong
//! identifier (a shared email is rarer between strangers than between one
//! person's records), so each round also re-estimates u from the sample with
//! its expected matches (prior × m) taken out of each level's share.
//!
//! Because the posterior of a vector uses the random-pair prior and
//! random-pair u, it is the probability that *any* two records with that
//! vector match; the selection of candidates by blocking is a function of the
//! vector and leaves it unchanged. The prior is re-estimated each round as the
//! expected number of matching candidates over the number of eligible pairs
//! (blocking is assumed to find nearly all matches).

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::compare::Level;

/// Smallest probability kept, so that no level has a weight of ±∞.
const FLOOR: f64 = 1e-6;
/// Largest change in any probability for EM to count as converged.
const TOLERANCE: f64 = 1e-7;

/// The distinct comparison vectors of `vectors` (each `width` levels long)
/// with their counts, sorted.
pub fn pattern_counts(vectors: &[Level], width: usize) -> Vec<(Vec<Level>, u64)> {
    if width == 0 {
        return Vec::new();
    }
    let counts = vectors
        .par_chunks(width)
        .fold(FxHashMap::<&[Level], u64>::default, |mut counts, vector| {
            *counts.entry(vector).or_default() += 1;
            counts
        })
        .reduce(FxHashMap::default, |mut a, b| {
            for (vector, count) in b {
                *a.entry(vector).or_default() += count;
            }
            a
        });
    let mut patterns: Vec<(Vec<Level>, u64)> = counts.into_iter().map(|(v, c)| (v.to_vec(), c)).collect();
    patterns.sort_unstable();
    patterns
}

/// What EM starts from and what it may change.
#[derive(Debug, Clone)]
pub struct Parameters {
    /// m per comparison and level.
    pub m: Vec<Vec<f64>>,
    /// u per comparison and level.
    pub u: Vec<Vec<f64>>,
    /// Which comparisons' m is fixed.
    pub m_fixed: Vec<bool>,
    /// Which comparisons' u is fixed.
    pub u_fixed: Vec<bool>,
    /// Per comparison: its correlation group (see [`super::combine`]).
    pub groups: Vec<Option<usize>>,
    /// Per comparison: whether an exact agreement identifies one person (an
    /// email address, a card, a phone number), so strangers share a value only
    /// by rare accident: its u is held at one accident per data set, and
    /// common values are left to damping.
    pub identifying: Vec<bool>,
    /// The prior.
    pub prior: f64,
    /// Whether the prior is fixed.
    pub prior_fixed: bool,
}

/// How EM ended.
#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    /// Iterations run.
    pub iterations: u32,
    /// Whether the parameters stopped changing before the limit.
    pub converged: bool,
    /// Expected matching pairs among the patterns' pairs.
    pub expected_matches: f64,
}

/// The starting m of a comparison with `levels` levels: most matches agree
/// exactly, fewer at each worse level.
pub fn initial_m(levels: usize) -> Vec<f64> {
    let raw: Vec<f64> = (0..levels).map(|l| 0.25f64.powi(l as i32)).collect();
    let total: f64 = raw.iter().sum();
    raw.into_iter().map(|x| x / total).collect()
}

/// The posterior match probability of each pattern under `p`.
fn posteriors(patterns: &[(Vec<Level>, u64)], p: &Parameters) -> Vec<f64> {
    let log_prior = (p.prior / (1.0 - p.prior)).ln();
    patterns
        .iter()
        .map(|(vector, _)| {
            let weights = vector.iter().enumerate().filter(|(_, level)| !level.is_missing()).map(|(k, level)| {
                let l = level.0 as usize;
                (k, (p.m[k][l] / p.u[k][l]).ln())
            });
            let log_odds = log_prior + super::combine(&p.groups, weights);
            1.0 / (1.0 + (-log_odds).exp())
        })
        .collect()
}

/// The share of each level of comparison `k` among `patterns`, each pattern
/// weighted by `count × weight`; `smoothing` pairs are spread over the levels
/// so that a level never seen keeps a small probability. `None` when no
/// pattern has a value for `k`.
fn level_shares(
    patterns: &[(Vec<Level>, u64)],
    weights: &[f64],
    k: usize,
    levels: usize,
    smoothing: f64,
) -> Option<Vec<f64>> {
    let mut sums = vec![smoothing / levels as f64; levels];
    for ((vector, count), w) in patterns.iter().zip(weights) {
        let level = vector[k];
        if !level.is_missing() {
            sums[level.0 as usize] += w * *count as f64;
        }
    }
    let total: f64 = sums.iter().sum();
    (total > smoothing).then(|| sums.iter().map(|s| s / total).collect())
}

/// u from a random sample's patterns, counting every pair as a non-match.
pub fn sample_u(random: &[(Vec<Level>, u64)], levels: usize, k: usize) -> Vec<f64> {
    let ones = vec![1.0; random.len()];
    level_shares(random, &ones, k, levels, 0.5 * levels as f64).unwrap_or_else(|| vec![1.0 / levels as f64; levels])
}

/// Runs EM over the candidates' `patterns` (for m and the prior) and the
/// random sample's `random` patterns (for u) until the parameters settle or
/// `max_iterations`.
pub fn train(
    patterns: &[(Vec<Level>, u64)],
    random: &[(Vec<Level>, u64)],
    eligible_pairs: f64,
    p: &mut Parameters,
    max_iterations: u32,
) -> Outcome {
    let mut outcome = Outcome { iterations: 0, converged: false, expected_matches: 0.0 };
    if patterns.is_empty() || eligible_pairs <= 0.0 {
        outcome.converged = true;
        return outcome;
    }
    let ones = vec![1.0; random.len()];
    while outcome.iterations < max_iterations {
        outcome.iterations += 1;
        let posterior = posteriors(patterns, p);
        let mut change: f64 = 0.0;
        // M step: m per comparison from the expected matches at each level.
        for k in 0..p.m.len() {
            if p.m_fixed[k] {
                continue;
            }
            let Some(mut m) = level_shares(patterns, &posterior, k, p.m[k].len(), 0.0) else { continue };
            m.iter_mut().for_each(|x| *x = x.max(FLOOR));
            let renormalize: f64 = m.iter().sum();
            m.iter_mut().for_each(|x| *x /= renormalize);
            for (old, new) in p.m[k].iter().zip(&m) {
                change = change.max((old - new).abs());
            }
            p.m[k] = m;
        }
        // u from the random sample, less its expected matches. Among random
        // pairs a level's share is prior × m + (1 − prior) × u, so
        // u = (share − prior × m) / (1 − prior): the moment estimate, which
        // (unlike weighting each sampled pair by its posterior) cannot settle
        // where one person's records sharing an email make that email look
        // shared by strangers, and so weak, and so unlike a match.
        for k in 0..p.u.len() {
            if p.u_fixed[k] {
                continue;
            }
            let levels = p.u[k].len();
            let sampled: u64 =
                random.iter().filter(|(vector, _)| !vector[k].is_missing()).map(|(_, count)| count).sum();
            let Some(shares) = level_shares(random, &ones, k, levels, 0.5 * levels as f64) else { continue };
            let floor = 0.5 / (sampled as f64 + 0.5 * levels as f64);
            let mut u: Vec<f64> = shares
                .iter()
                .zip(&p.m[k])
                .map(|(share, m)| ((share - p.prior * m) / (1.0 - p.prior)).max(floor))
                .collect();
            if p.identifying[k] {
                // A sample cannot tell one person's shared address from
                // strangers': nearly every sampled pair sharing one is the same
                // person's, and the estimate settles far too high. Strangers
                // share an email, card or phone by accident about once in a
                // whole data set (once among the 46M pairs of data/identity),
                // so exact agreement gets u = 1 / eligible pairs; values shared
                // by many records (a family card, an office address) get a
                // larger u from damping.
                u[0] = 1.0 / eligible_pairs;
            }
            let total: f64 = u.iter().sum();
            u.iter_mut().for_each(|x| *x /= total);
            for (old, new) in p.u[k].iter().zip(&u) {
                change = change.max((old - new).abs() / old);
            }
            p.u[k] = u;
        }
        outcome.expected_matches = patterns.iter().zip(&posterior).map(|((_, count), w)| w * *count as f64).sum();
        if !p.prior_fixed {
            let prior = (outcome.expected_matches / eligible_pairs).clamp(1e-15, 0.5);
            change = change.max(((prior - p.prior) / p.prior).abs());
            p.prior = prior;
        }
        if change < TOLERANCE {
            outcome.converged = true;
            break;
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(v: &[u8]) -> Vec<Level> {
        v.iter().map(|&l| Level(l)).collect()
    }

    #[test]
    fn counts_distinct_patterns_in_order() {
        let vectors = levels(&[0, 1, 1, 1, 0, 1, 0, 0]);
        let patterns = pattern_counts(&vectors, 2);
        assert_eq!(patterns, vec![(levels(&[0, 0]), 1), (levels(&[0, 1]), 2), (levels(&[1, 1]), 1)]);
    }

    #[test]
    fn recovers_a_planted_match_class() {
        // Two comparisons of two levels; 100 matches agree on both (90%) or one;
        // 9,900 non-matches mostly disagree; all 10,000 pairs are candidates. u is known.
        let patterns = vec![
            (levels(&[0, 0]), 81 + 1),
            (levels(&[0, 1]), 9 + 98),
            (levels(&[1, 0]), 9 + 98),
            (levels(&[1, 1]), 1 + 9703),
        ];
        let mut p = Parameters {
            m: vec![initial_m(2), initial_m(2)],
            u: vec![vec![0.01, 0.99], vec![0.01, 0.99]],
            m_fixed: vec![false, false],
            u_fixed: vec![true, true],
            groups: vec![None, None],
            identifying: vec![false, false],
            prior: 0.001,
            prior_fixed: false,
        };
        let outcome = train(&patterns, &[], 10_000.0, &mut p, 500);
        assert!(outcome.converged);
        assert!((p.m[0][0] - 0.9).abs() < 0.05, "{:?}", p.m);
        assert!((outcome.expected_matches - 100.0).abs() < 15.0, "{}", outcome.expected_matches);
        assert!((p.prior - 0.01).abs() < 0.002, "{}", p.prior);
    }
}
