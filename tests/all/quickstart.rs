//! The demo job of the README, on its bundled data.

use crate::{pairwise_f1, run_job, sleuth_ok, summary};

#[test]
fn quickstart_resolves_with_pairwise_f1_of_at_least_0_90() {
    let (out, stdout) = run_job("config/quickstart.toml", &[]);
    assert!(stdout.contains("pairwise"), "the run prints the eval figures:\n{stdout}");
    let f1 = pairwise_f1("data/quickstart/truth.csv", out.path());
    assert!(f1 >= 0.90, "quickstart pairwise F1 {f1}");
    let summary = summary(out.path());
    // The run scores its records in memory as `sleuth eval` scores the files.
    let eval = sleuth_ok(&["eval", "--json", "--truth", "data/quickstart/truth.csv", out.path().to_str().unwrap()]);
    assert_eq!(summary["evaluation"], serde_json::from_str::<serde_json::Value>(&eval).unwrap());
    assert_eq!(summary["sources"].as_array().map(Vec::len), Some(4));
    // One plugin of each kind: the IRC log's parser and the keyboard-slip matcher.
    let plugins: Vec<&str> =
        summary["plugins"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(plugins, ["irc-log", "keyboard-typos"]);
    let links = std::fs::read_to_string(out.path().join("links.csv")).unwrap();
    assert!(links.contains("keyboard-typos=adjacent_key[qwerty-neighbour]"), "the matcher's evidence is in links.csv");
    for file in ["entities.csv", "links.csv", "rejects.csv", "summary.json", "index/meta.json"] {
        assert!(out.path().join(file).is_file(), "{file} is written");
    }
}
