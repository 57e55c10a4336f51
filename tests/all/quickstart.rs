//! The demo job of the README, on its bundled data.

use crate::{pairwise_f1, run_job, summary};

#[test]
fn quickstart_resolves_with_pairwise_f1_of_at_least_0_90() {
    let (out, stdout) = run_job("config/quickstart.toml", &[]);
    assert!(stdout.contains("pairwise"), "the run prints the eval figures:\n{stdout}");
    let f1 = pairwise_f1("data/quickstart/truth.csv", out.path());
    assert!(f1 >= 0.90, "quickstart pairwise F1 {f1}");
    let summary = summary(out.path());
    assert_eq!(summary["sources"].as_array().map(Vec::len), Some(3));
    for file in ["entities.csv", "links.csv", "rejects.csv", "summary.json", "index/meta.json"] {
        assert!(out.path().join(file).is_file(), "{file} is written");
    }
}
