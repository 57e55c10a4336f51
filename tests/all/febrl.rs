//! The Febrl benchmark: the figures the pipeline issue promises.

use crate::{pairwise_f1, run_job};

#[test]
fn febrl3_deduplicates_with_pairwise_f1_of_at_least_0_998() {
    let (out, _) = run_job("config/febrl3.toml", &[]);
    let f1 = pairwise_f1("data/febrl/febrl3_truth.csv", out.path());
    assert!(f1 >= 0.998, "Febrl3 pairwise F1 {f1}");
}

#[test]
fn febrl4_links_with_pairwise_f1_of_at_least_0_999() {
    let (out, _) = run_job("config/febrl4.toml", &[]);
    let f1 = pairwise_f1("data/febrl/febrl4_truth.csv", out.path());
    assert!(f1 >= 0.999, "Febrl4 pairwise F1 {f1}");
}
