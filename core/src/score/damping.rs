//! Term-frequency damping: agreeing on a common value is weaker evidence.
//!
//! Two strangers agree on a value `v` about `p(v)` of the time, where `p(v)` is
//! the share of records carrying it, so the u-probability of an exact agreement
//! on `v` is taken as `max(u_exact, p(v))`. Rare values keep the comparison's
//! trained weight; a VPN exit IP or the most common surname gets far less.

use std::collections::HashMap;

use serde::Serialize;

use super::Model;
use crate::compare::Comparison;
use crate::record::Record;

/// Value frequencies of the comparisons that damp common values.
#[derive(Debug, Default)]
pub struct Damping {
    /// Per comparison (when damped): records carrying each value seen at
    /// least twice, and the records carrying any value.
    frequencies: Vec<Option<(HashMap<String, u32>, u32)>>,
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
    /// The weight of an exact agreement on a rare value.
    pub weight_rare: f64,
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
                    let mut carrying = 0;
                    for record in records {
                        let values = &record.normalized[comparison.attribute];
                        carrying += u32::from(!values.is_empty());
                        for value in values {
                            *counts.entry(value.clone()).or_default() += 1;
                        }
                    }
                    counts.retain(|_, count| *count >= 2);
                    (counts, carrying)
                })
            })
            .collect();
        Damping { frequencies }
    }

    /// The share of records carrying `value` under comparison `k`.
    pub fn frequency(&self, k: usize, value: &str) -> f64 {
        match self.frequencies.get(k) {
            Some(Some((counts, carrying))) if *carrying > 0 => {
                f64::from(counts.get(value).copied().unwrap_or(1)) / f64::from(*carrying)
            }
            _ => 0.0,
        }
    }

    /// The u-probability of an exact agreement on `value`.
    pub fn damped_u(&self, k: usize, value: &str, u_exact: f64) -> f64 {
        u_exact.max(self.frequency(k, value))
    }

    /// The most damped values of each comparison (at most `per_comparison`).
    pub fn report(&self, model: &Model, per_comparison: usize) -> Vec<DampedValue> {
        let mut report = Vec::new();
        for (k, entry) in self.frequencies.iter().enumerate() {
            let Some((counts, _)) = entry else { continue };
            let trained = &model.comparisons[k];
            let mut common: Vec<(&String, &u32)> =
                counts.iter().filter(|(value, _)| self.frequency(k, value) > trained.u[0]).collect();
            common.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
            for (value, &records) in common.into_iter().take(per_comparison) {
                report.push(DampedValue {
                    comparison: trained.name.clone(),
                    value: value.clone(),
                    records,
                    weight_rare: (trained.m[0] / trained.u[0]).log2(),
                    weight_damped: (trained.m[0] / self.damped_u(k, value, trained.u[0])).log2(),
                });
            }
        }
        report
    }
}
