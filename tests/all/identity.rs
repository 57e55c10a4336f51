//! Identity data (data/identity: leetspeak and look-alike handles, Gmail
//! variants, typo domains, masked cards, VPN exits, same-name strangers) with a
//! job that only maps columns to kinds must reach pairwise F1 >= 0.95
//! (0.961 at the time of writing; 0.760 with the baseline normalizers).

use crate::{pairwise_f1, run_job};

#[test]
fn identity_data_resolves_with_pairwise_f1_of_at_least_0_95() {
    let (out, _) = run_job("config/identity.toml", &[]);
    let f1 = pairwise_f1("data/identity/truth.csv", out.path());
    assert!(f1 >= 0.95, "identity pairwise F1 {f1}");
}
