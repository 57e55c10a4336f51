//! Scoring: the Fellegi–Sunter model, trained without labels.
//!
//! For each comparison and level, `m` is the probability of that level when
//! two records are the same entity and `u` when they are not. A pair's match
//! weight is `log2(prior / (1 - prior)) + Σ log2(m / u)` over its comparisons
//! (a missing value adds nothing), and its match probability is
//! `2^w / (1 + 2^w)`.
//!
//! - `u` comes from random record pairs ([`sample`]), almost all of which are
//!   different entities;
//! - `m` and the prior come from EM over the candidate pairs ([`em`]); the
//!   prior is the probability that two *random* records match, so a threshold
//!   means the same at every data size;
//! - agreeing on a common value counts for less, on a rare one for more
//!   ([`damping`]);
//! - correlated comparisons (a [`Comparison::group`], such as a username and
//!   an email local part both derived from one name) add only their strongest
//!   agreement, not the sum of them ([`combine`]); disagreements all count.

pub mod damping;
pub mod em;
pub mod sample;

use serde::{Deserialize, Serialize};

use crate::compare::{Comparison, Level};
use crate::record::{Record, RecordIndex};

pub use damping::Damping;

/// A trained model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    /// The probability that two random eligible records are the same entity.
    pub prior: f64,
    /// Whether the prior was estimated (rather than fixed in the job file).
    pub prior_estimated: bool,
    /// Per comparison: its levels with m, u and weight.
    pub comparisons: Vec<ComparisonModel>,
    /// Per comparison: the index of its correlation group, if any.
    pub groups: Vec<Option<usize>>,
    /// How training went.
    pub training: Training,
}

/// The trained probabilities of one comparison.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ComparisonModel {
    /// The comparison's name.
    pub name: String,
    /// Level labels, best first.
    pub levels: Vec<String>,
    /// m-probabilities per level.
    pub m: Vec<f64>,
    /// u-probabilities per level.
    pub u: Vec<f64>,
    /// Whether m was fixed in the job file.
    pub m_fixed: bool,
    /// Whether u was fixed in the job file.
    pub u_fixed: bool,
}

impl ComparisonModel {
    /// The weight of a level: `log2(m / u)`.
    pub fn weight(&self, level: Level) -> f64 {
        if level.is_missing() {
            return 0.0;
        }
        let l = level.0 as usize;
        (self.m[l] / self.u[l]).log2()
    }
}

/// How training went, for the summary.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Training {
    /// Random pairs drawn for u.
    pub u_sample_pairs: u64,
    /// Pairs that could be compared in all (the prior's denominator).
    pub eligible_pairs: f64,
    /// Candidate pairs EM was trained on.
    pub candidate_pairs: u64,
    /// Distinct comparison vectors among them.
    pub distinct_patterns: u64,
    /// EM iterations run.
    pub iterations: u32,
    /// Whether EM converged before its iteration limit.
    pub converged: bool,
    /// The expected number of matching candidate pairs.
    pub expected_matches: f64,
}

/// One comparison's contribution to a pair's weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    /// The comparison's index.
    pub comparison: usize,
    /// The level.
    pub level: Level,
    /// The weight added, after damping.
    pub weight: f64,
}

/// A scored pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// The match weight in bits.
    pub weight: f64,
    /// The match probability.
    pub probability: f64,
}

impl Model {
    /// The weight of the prior: `log2(prior / (1 - prior))`.
    pub fn prior_weight(&self) -> f64 {
        (self.prior / (1.0 - self.prior)).log2()
    }

    /// The smallest u an agreement on a rare value gets: one accident among
    /// all eligible pairs.
    pub fn u_floor(&self) -> f64 {
        1.0 / self.training.eligible_pairs.max(1.0)
    }
}

/// A model ready to score pairs: each level's weight and the prior's worked
/// out once, not per pair.
#[derive(Debug)]
pub struct Scorer<'a> {
    model: &'a Model,
    /// The records pairs are made of, the ones `damping` counted.
    records: &'a [Record],
    comparisons: &'a [Comparison],
    damping: &'a Damping,
    /// `weights[k][level]`: [`ComparisonModel::weight`].
    weights: Vec<Vec<f64>>,
    prior_weight: f64,
    u_floor: f64,
}

impl<'a> Scorer<'a> {
    /// The scorer of `model` for the job's `comparisons` between `records`,
    /// with their `damping`.
    pub fn new(
        model: &'a Model,
        comparisons: &'a [Comparison],
        records: &'a [Record],
        damping: &'a Damping,
    ) -> Scorer<'a> {
        let weights =
            model.comparisons.iter().map(|c| (0..c.m.len()).map(|l| c.weight(Level(l as u8))).collect()).collect();
        Scorer {
            model,
            records,
            comparisons,
            damping,
            weights,
            prior_weight: model.prior_weight(),
            u_floor: model.u_floor(),
        }
    }

    /// The contribution of each comparison to the weight of records `a` and
    /// `b`, given their comparison vector.
    pub fn contributions(&self, a: RecordIndex, b: RecordIndex, vector: &[Level]) -> Vec<Contribution> {
        vector
            .iter()
            .enumerate()
            .filter(|(_, level)| !level.is_missing())
            .map(|(k, &level)| Contribution { comparison: k, level, weight: self.level_weight(k, level, a, b) })
            .collect()
    }

    /// The match weight and probability of a pair from its comparison vector.
    pub fn score(&self, a: RecordIndex, b: RecordIndex, vector: &[Level]) -> Score {
        let weights = vector
            .iter()
            .enumerate()
            .filter(|(_, level)| !level.is_missing())
            .map(|(k, &level)| (k, self.level_weight(k, level, a, b)));
        let weight = self.prior_weight + combine(&self.model.groups, weights);
        Score { weight, probability: probability(weight) }
    }

    fn level_weight(&self, k: usize, level: Level, a: RecordIndex, b: RecordIndex) -> f64 {
        let comparison = &self.comparisons[k];
        if level == Level(0) && comparison.damp_common_values {
            let attribute = comparison.attribute;
            let (ra, rb) = (&self.records[a as usize], &self.records[b as usize]);
            if let Some(i) = comparison.shared_value(ra.normalized.of(attribute), rb.normalized.of(attribute)) {
                let model = &self.model.comparisons[k];
                let u = self.damping.damped_u_of(k, a, i, model.u[0], self.u_floor);
                return (model.m[0] / u).log2();
            }
        }
        self.weights[k][level.0 as usize]
    }
}

/// Correlation groups a job may have at most.
pub const MAX_GROUPS: usize = 16;

/// The sum of per-comparison weights `(comparison, weight)`, where each
/// correlation group (`groups[comparison]`) adds only its strongest positive
/// weight; negative weights always add up.
pub fn combine(groups: &[Option<usize>], weights: impl Iterator<Item = (usize, f64)>) -> f64 {
    let mut strongest = [0.0f64; MAX_GROUPS];
    let mut total = 0.0;
    for (k, weight) in weights {
        match groups[k] {
            Some(group) if weight > 0.0 => strongest[group] = strongest[group].max(weight),
            _ => total += weight,
        }
    }
    total + strongest.iter().sum::<f64>()
}

/// Which of `contributions` [`combine`] counts: every one outside a
/// correlation group, every disagreement, and of each group's agreements the
/// strongest (the first of equals). For explanations; scoring uses
/// [`combine`] directly.
pub fn counted(groups: &[Option<usize>], contributions: &[Contribution]) -> Vec<bool> {
    let mut strongest: [Option<usize>; MAX_GROUPS] = [None; MAX_GROUPS];
    for (i, c) in contributions.iter().enumerate().filter(|(_, c)| c.weight > 0.0) {
        if let Some(group) = groups[c.comparison]
            && strongest[group].is_none_or(|s| c.weight > contributions[s].weight)
        {
            strongest[group] = Some(i);
        }
    }
    contributions
        .iter()
        .enumerate()
        .map(|(i, c)| c.weight <= 0.0 || groups[c.comparison].is_none_or(|g| strongest[g] == Some(i)))
        .collect()
}

/// The probability of a match weight in bits.
pub fn probability(weight: f64) -> f64 {
    let odds = weight.exp2();
    if odds.is_infinite() { 1.0 } else { odds / (1.0 + odds) }
}

#[cfg(test)]
mod tests {
    use super::{Contribution, combine, counted, probability};
    use crate::compare::Level;

    #[test]
    fn a_group_adds_its_strongest_agreement_and_every_disagreement() {
        let groups = [Some(0), Some(0), None, Some(0)];
        let weights = [(0, 10.0), (1, 6.0), (2, 3.0), (3, -2.0)];
        assert_eq!(combine(&groups, weights.into_iter()), 10.0 + 3.0 - 2.0);
        assert_eq!(combine(&[None, None], [(0, 10.0), (1, 6.0)].into_iter()), 16.0);
    }

    #[test]
    fn counted_marks_exactly_what_combine_adds() {
        let groups = [Some(0), Some(0), None, Some(0)];
        let c = |comparison, weight| Contribution { comparison, level: Level(0), weight };
        let contributions = [c(0, 10.0), c(1, 6.0), c(2, 3.0), c(3, -2.0)];
        let counts = counted(&groups, &contributions);
        assert_eq!(counts, [true, false, true, true]);
        let total: f64 = contributions.iter().zip(&counts).filter(|(_, k)| **k).map(|(c, _)| c.weight).sum();
        assert_eq!(total, combine(&groups, contributions.iter().map(|c| (c.comparison, c.weight))));
    }

    #[test]
    fn probability_follows_the_weight() {
        assert_eq!(probability(0.0), 0.5);
        assert!((probability(10.0) - 1024.0 / 1025.0).abs() < 1e-12);
        assert_eq!(probability(2000.0), 1.0);
        assert_eq!(probability(-2000.0), 0.0);
    }
}
