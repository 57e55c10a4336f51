//! `sleuth explain` on the demo: snapshots of a linked pair, a pair joined
//! through another record, a near miss and a pair never compared (sharing
//! no key, or only a weak one); and `--json`.

use crate::{run_job, sleuth, sleuth_ok};

fn explain(out: &std::path::Path, a: &str, b: &str) -> String {
    sleuth_ok(&["explain", out.to_str().unwrap(), a, b])
}

#[test]
fn explanations_of_the_four_kinds_of_pair() {
    let (out, _) = run_job("config/quickstart.toml", &[]);
    let out = out.path();
    let linked = explain(out, "forum:F000001", "payments:P-00011");
    assert!(linked.contains(": linked"), "{linked}");
    insta::assert_snapshot!("linked", linked);
    let transitive = explain(out, "chat:c-1", "payments:P-00508");
    assert!(transitive.contains("same entity through other records"), "{transitive}");
    insta::assert_snapshot!("transitive", transitive);
    let near = explain(out, "forum:F000006", "irc:m.gaRcia37!~mg@92.163.156.182");
    assert!(near.contains(": not linked"), "{near}");
    insta::assert_snapshot!("near_miss", near);
    let never = explain(out, "forum:F000001", "forum:F000002");
    assert!(never.contains("never a candidate pair"), "{never}");
    insta::assert_snapshot!("never_compared", never);
    // Two Jameses share only a weak key in a block of 72, over the weak
    // keys' limit: not a candidate, and the explanation says why.
    let weak = explain(out, "chat:c-77", "payments:P-00014");
    assert!(weak.contains(": never compared"), "{weak}");
    assert!(weak.contains("holds too many records: name.token=james (weak, 72 records)"), "{weak}");

    let json: serde_json::Value = serde_json::from_str(&sleuth_ok(&[
        "explain",
        "--json",
        out.to_str().unwrap(),
        "forum:F000001",
        "payments:P-00011",
    ]))
    .unwrap();
    assert_eq!(json["verdict"], "linked");
    assert!(json["probability"].as_f64().unwrap() >= json["threshold"].as_f64().unwrap());
    let unknown = sleuth(&["explain", out.to_str().unwrap(), "forum:F000001", "forum:nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no record `forum:nope`"));
}
