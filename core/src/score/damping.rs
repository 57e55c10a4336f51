//! Value frequency: agreeing on a common value is weaker evidence, and on a
//! rare one stronger.
//!
//! The trained u of an exact agreement is an average over the random pairs
//! that agree, and a value carried by `c` records is shared by `c(c − 1)/2`
//! of them: the average is dominated by the common values (a VPN exit IP used
//! by forty people, the most common first name). For one record, a value
//! carried by `c` records offers `c − 1` others to agree with, so agreeing on
//! it has u scaled to `u_exact × (c − 1) / (c̄ − 1)`, where `c̄ − 1` is the mean
//! of `c − 1` over the agreeing pairs. An IP only one person's two records
//! share gains weight; a VPN exit loses it. u never falls below one accident
//! in the whole data set (`1 / eligible pairs`), where an identifying
//! comparison's exact u already is. This is term-frequency adjustment as
//! Splink does it (`u_exact / tf`), with a record's own value left out of its
//! count, so that a person's own duplicates do not count against them.

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::Model;
use crate::compare::Comparison;
use crate::record::{Record, RecordIndex};

/// Value frequencies of the comparisons that damp common values.
#[derive(Debug, Default)]
pub struct Damping {
    /// Per comparison (when damped): records carrying each value seen at
    /// least twice, and the mean of `count − 1` over the pairs sharing a value.
    /// Comparisons of one attribute share its counts.
    frequencies: Vec<Option<Arc<Frequencies>>>,
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

/// One attribute's value frequencies.
#[derive(Debug)]
struct Frequencies {
    /// Records carrying each value seen at least twice.
    counts: FxHashMap<String, u32>,
    /// The mean of `count − 1` over the pairs sharing a value.
    mean: f64,
    /// Records carrying each record's values, record after record (record
    /// `r`'s from `starts[r]`): what scoring reads, by position rather than
    /// by hashing the value, pair after pair.
    of_records: Vec<u32>,
    starts: Vec<u32>,
}

/// The frequencies of `attribute`'s values. Values are counted borrowed;
/// only the repeated ones are copied.
fn frequencies(records: &[Record], attribute: usize) -> Frequencies {
    // Sized for every value distinct: grown by doubling, the map rehashed a
    // million values some twenty times over.
    let values = records.iter().map(|record| record.normalized.of(attribute).len()).sum();
    // Each distinct value numbered as it is first met, and each record's
    // values by number, in one pass: their counts are then read by number.
    let mut numbers: FxHashMap<&str, u32> = FxHashMap::with_capacity_and_hasher(values, Default::default());
    let mut counts: Vec<u32> = Vec::new();
    let mut of_records: Vec<u32> = Vec::with_capacity(values);
    let mut starts = Vec::with_capacity(records.len() + 1);
    starts.push(0);
    for record in records {
        for value in record.normalized.of(attribute) {
            let next = counts.len() as u32;
            let number = *numbers.entry(value).or_insert(next);
            if number == next {
                counts.push(0);
            }
            counts[number as usize] += 1;
            of_records.push(number);
        }
        starts.push(of_records.len() as u32);
    }
    for value in &mut of_records {
        *value = counts[*value as usize];
    }
    let counts: FxHashMap<String, u32> = numbers
        .into_iter()
        .map(|(value, number)| (value, counts[number as usize]))
        .filter(|&(_, count)| count >= 2)
        .map(|(value, count)| (value.to_string(), count))
        .collect();
    // Each value is shared by c(c − 1)/2 pairs; summed in value order, so
    // that the mean does not depend on the map's order.
    let mut sizes: Vec<u32> = counts.values().copied().collect();
    sizes.sort_unstable();
    let (others, pairs) = sizes.iter().fold((0.0, 0.0), |(others, pairs), &c| {
        let (c, pairs_sharing) = (f64::from(c), f64::from(c) * (f64::from(c) - 1.0) / 2.0);
        (others + pairs_sharing * (c - 1.0), pairs + pairs_sharing)
    });
    let mean = if pairs > 0.0 { others / pairs } else { 1.0 };
    Frequencies { counts, mean, of_records, starts }
}

impl Frequencies {
    /// How many times more or less common than the average agreement a
    /// value carried by `count` records is (1 for a value on one record).
    fn factor(&self, count: u32) -> f64 {
        if count >= 2 { (f64::from(count) - 1.0) / self.mean } else { 1.0 }
    }
}

impl Damping {
    /// Counts the values of every damped comparison over `records` (each
    /// attribute once, attributes in parallel).
    pub fn new(comparisons: &[Comparison], records: &[Record]) -> Damping {
        let mut attributes: Vec<usize> =
            comparisons.iter().filter(|c| c.damp_common_values).map(|c| c.attribute).collect();
        attributes.sort_unstable();
        attributes.dedup();
        let counted: Vec<(usize, Arc<Frequencies>)> = attributes
            .into_par_iter()
            .map(|attribute| (attribute, Arc::new(frequencies(records, attribute))))
            .collect();
        let frequencies = comparisons
            .iter()
            .map(|comparison| {
                comparison.damp_common_values.then(|| {
                    let (_, counted) = counted.iter().find(|(a, _)| *a == comparison.attribute).expect("counted above");
                    Arc::clone(counted)
                })
            })
            .collect();
        Damping { frequencies }
    }

    /// How many times more (above 1) or less (below 1) common than the
    /// average agreement `value` is under comparison `k`: 1 for a comparison
    /// without damping or a value carried by one record.
    pub fn factor(&self, k: usize, value: &str) -> f64 {
        match self.frequencies.get(k).and_then(Option::as_deref) {
            Some(frequencies) => frequencies.factor(frequencies.counts.get(value).copied().unwrap_or(1)),
            _ => 1.0,
        }
    }

    /// [`Self::factor`] of record `record`'s `i`-th value (of the records
    /// the damping was counted over).
    pub fn factor_of(&self, k: usize, record: RecordIndex, i: usize) -> f64 {
        match self.frequencies.get(k).and_then(Option::as_deref) {
            Some(frequencies) => {
                frequencies.factor(frequencies.of_records[frequencies.starts[record as usize] as usize + i])
            }
            _ => 1.0,
        }
    }

    /// The u-probability of an exact agreement on `value`, at least `floor`
    /// (or `u_exact`, when that is lower).
    pub fn damped_u(&self, k: usize, value: &str, u_exact: f64, floor: f64) -> f64 {
        damped(u_exact, self.factor(k, value), floor)
    }

    /// [`Self::damped_u`] of record `record`'s `i`-th value.
    pub fn damped_u_of(&self, k: usize, record: RecordIndex, i: usize, u_exact: f64, floor: f64) -> f64 {
        damped(u_exact, self.factor_of(k, record, i), floor)
    }

    /// The most damped values of each comparison (at most `per_comparison`).
    pub fn report(&self, model: &Model, per_comparison: usize) -> Vec<DampedValue> {
        let mut report = Vec::new();
        for (k, entry) in self.frequencies.iter().enumerate() {
            let Some(Frequencies { counts, .. }) = entry.as_deref() else { continue };
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
                    weight_damped: (trained.m[0] / self.damped_u(k, value, trained.u[0], model.u_floor())).log2(),
                });
            }
        }
        report
    }
}

/// `u_exact` scaled by `factor`, at least `floor` (or `u_exact`, when
/// that is lower), at most 1.
fn damped(u_exact: f64, factor: f64, floor: f64) -> f64 {
    (u_exact * factor).max(floor.min(u_exact)).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::Damping;
    use crate::compare::{Comparison, Method};
    use crate::record::{Record, Values};

    fn records(ips: &[&str]) -> Vec<Record> {
        ips.iter()
            .enumerate()
            .map(|(i, ip)| Record {
                source: 0,
                id: i.to_string(),
                line: i as u64 + 1,
                values: Values::from_lists([[ip]]),
                normalized: Values::from_lists([[ip]]),
            })
            .collect()
    }

    fn ip_comparison(damp_common_values: bool) -> Comparison {
        Comparison {
            name: "ip".into(),
            attribute: 0,
            across: None,
            group: None,
            method: Method::Exact,
            damp_common_values,
        }
    }

    #[test]
    fn a_vpn_exit_counts_for_less_and_one_persons_address_for_more() {
        // One VPN exit carried by 11 records, five addresses carried by 2.
        let mut ips = vec!["10.0.0.1"; 11];
        ips.extend(["1.1.1.1", "1.1.1.1", "2.2.2.2", "2.2.2.2", "3.3.3.3", "3.3.3.3", "4.4.4.4", "4.4.4.4"]);
        ips.extend(["5.5.5.5", "5.5.5.5", "6.6.6.6"]);
        let damping = Damping::new(&[ip_comparison(true)], &records(&ips));
        // 55 pairs share the exit (10 others each), 5 share a private address
        // (1 other each): the mean of c − 1 over the 60 pairs is 555 / 60.
        let mean = (55.0 * 10.0 + 5.0 * 1.0) / 60.0;
        assert!((damping.factor(0, "10.0.0.1") - 10.0 / mean).abs() < 1e-12);
        assert!((damping.factor(0, "1.1.1.1") - 1.0 / mean).abs() < 1e-12);
        assert_eq!(damping.factor(0, "6.6.6.6"), 1.0, "a value on one record is not reweighted");
        let u = 1e-3;
        assert!(damping.damped_u(0, "10.0.0.1", u, 1e-9) > u);
        assert!(damping.damped_u(0, "1.1.1.1", u, 1e-9) < u);
        assert_eq!(damping.damped_u(0, "1.1.1.1", u, 5e-4), 5e-4, "never below the floor");
        assert_eq!(damping.damped_u(0, "1.1.1.1", 1e-6, 5e-4), 1e-6, "nor raised to it");
    }

    #[test]
    fn a_records_values_are_damped_as_the_values_are() {
        let mut records = records(&["10.0.0.1", "1.1.1.1", "1.1.1.1", "10.0.0.1", "", "10.0.0.1"]);
        records[2].normalized = Values::from_lists([["2.2.2.2", "10.0.0.1", "1.1.1.1"]]);
        records[4].normalized = Values::from_lists([Vec::<&str>::new()]);
        let damping = Damping::new(&[ip_comparison(true)], &records);
        for (r, record) in records.iter().enumerate() {
            for (i, value) in record.normalized.of(0).iter().enumerate() {
                assert_eq!(damping.factor_of(0, r as u32, i), damping.factor(0, value), "record {r}'s {value}");
            }
        }
        assert!(damping.factor_of(0, 3, 0) > 1.0, "10.0.0.1 is on four records, 1.1.1.1 on two");
    }

    #[test]
    fn a_comparison_without_damping_keeps_its_u() {
        let damping = Damping::new(&[ip_comparison(false)], &records(&["10.0.0.1"; 5]));
        assert_eq!(damping.factor(0, "10.0.0.1"), 1.0);
        assert_eq!(damping.damped_u(0, "10.0.0.1", 1e-3, 1e-9), 1e-3);
    }
}
