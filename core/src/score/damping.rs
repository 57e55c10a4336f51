//! Term-frequency damping: agreeing on a common value is weaker evidence.
//!
//! Strangers share a value in proportion to how many records carry it. A
//! shared value is usually carried by a few records (often one person's), so
//! the trained u of an exact agreement already prices the typical shared value;
//! a value carried by `c` records, `c` above the mean `c̄` of the values shared
//! by two records or more, has its u scaled to `u_exact × c / c̄`. Typical
//! values keep the comparison's weight; a VPN exit IP used by forty people or
//! the most common first name gets `log2(c / c̄)` bits less. (Scaling by the
//! plain share of records, as term-frequency adjustment often does, would
//! count a person's own duplicates against them.)

use std::collections::HashMap;

use serde::Serialize;

use super::Model;
use crate::compare::Comparison;
use crate::record::Record;

/// Value frequencies of the comparisons that damp common values.
#[derive(Debug, Default)]
pub struct Damping {
    /// Per comparison (when damped): records carrying each value seen at
    /// least twice, and the mean of those counts.
    frequencies: Vec<Option<(HashMap<String, u32>, f64)>>,
}

/// A common value whose agreement weight was damped, for the summary.
#[derive(Debug, Clone, Serialize)]
pub struct DampedValue {
    /// The comparison.
    pub comparison: String,
    /// The normalized value.
    pub value: String,
    /// Records carrying it.
    pub records: u32,
    /// The weight of an exact agreement on a typical shared value.
    pub weight_typical: f64,
    /// The weight of an exact agreement on this value.
    pub weight_damped: f64,
}

impl Damping {
    /// Counts the values of every damped comparison over `records`.
    pub fn new(comparisons: &[Comparison], records: &[Record]) -> Damping {
        let frequencies = comparisons
            .iter()
            .map(|comparison| {
                comparison.damp_common_values.then(|| {
                    let mut counts: HashMap<String, u32> = HashMap::new();
                    for record in records {
                        for value in &record.normalized[comparison.attribute] {
                            *counts.entry(value.clone()).or_default() += 1;
                        }
                    }
                    counts.retain(|_, count| *count >= 2);
                    let mean = counts.values().map(|&c| f64::from(c)).sum::<f64>() / counts.len().max(1) as f64;
                    (counts, mean)
                })
            })
            .collect();
        Damping { frequencies }
    }

    /// How many times more common than a typical shared value `value` is
    /// under comparison `k` (at least 1).
    pub fn factor(&self, k: usize, value: &str) -> f64 {
        match self.frequencies.get(k) {
            Some(Some((counts, mean))) => counts.get(value).map_or(1.0, |&c| (f64::from(c) / mean).max(1.0)),
            _ => 1.0,
        }
    }

    /// The u-probability of an exact agreement on `value`.
    pub fn damped_u(&self, k: usize, value: &str, u_exact: f64) -> f64 {
        (u_exact * self.factor(k, value)).min(1.0)
    }

    /// The most damped values of each comparison (at most `per_comparison`).
    pub fn report(&self, model: &Model, per_comparison: usize) -> Vec<DampedValue> {
        let mut report = Vec::new();
        for (k, entry) in self.frequencies.iter().enumerate() {
            let Some((counts, _)) = entry else { continue };
            let trained = &model.comparisons[k];
            let mut common: Vec<(&String, &u32)> =
                counts.iter().filter(|(value, _)| self.factor(k, value) > 1.0).collect();
            common.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
            for (value, &records) in common.into_iter().take(per_comparison) {
                report.push(DampedValue {
                    comparison: trained.name.clone(),
                    value: value.clone(),
                    records,
                    weight_typical: (trained.m[0] / trained.u[0]).log2(),
                    weight_damped: (trained.m[0] / self.damped_u(k, value, trained.u[0])).log2(),
                });
            }
        }
        report
    }
}
