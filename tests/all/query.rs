//! `sleuth query` on the demo's store: an exact email, a disguised
//! username, a record, `--json`, and what is refused.

use crate::{run_job, sleuth, sleuth_ok};

#[test]
fn queries_find_the_entity_behind_an_identifier() {
    let (out, _) = run_job("config/quickstart.toml", &[]);
    let dir = out.path().to_str().unwrap();
    let query = |args: &[&str]| sleuth_ok(&[&["query", dir], args].concat());

    // forum:F000001 is wei.rivera66 / wei_rivera@live.com; its entity E000001
    // also holds payments:P-00011, chat:c-79 and two IRC records.
    let email = query(&["--email", "Wei_Rivera@LIVE.com"]);
    assert!(email.starts_with("email=Wei_Rivera@LIVE.com (normalized: wei_rivera@live.com)"), "{email}");
    let first = email.lines().nth(1).unwrap();
    assert_eq!(first, "E000001: best match exact", "{email}");
    assert!(email.contains("records: forum:F000001, payments:P-00011, chat:c-79"), "{email}");

    // A disguised handle (leetspeak, separators) still finds it, by skeleton.
    let handle = query(&["--username", "W3i_Rivera66"]);
    assert_eq!(handle.lines().nth(1).unwrap(), "E000001: best match skeleton", "{handle}");

    let record = query(&["--record", "chat:c-79"]);
    assert!(record.contains("E000001: best match the record"), "{record}");
    assert!(record.contains("username: ") && record.contains("wei.rivera66"), "{record}");

    let json: serde_json::Value = serde_json::from_str(&query(&["--json", "--email", "wei_rivera@live.com"])).unwrap();
    assert_eq!(json["entities"][0]["entity"], "E000001");
    assert!(json["entities"][0]["records"].as_array().unwrap().len() >= 3);

    let nobody = query(&["--email", "nobody-at-all@example.invalid"]);
    assert!(nobody.contains("no entity found"), "{nobody}");

    let unknown = sleuth(&["query", dir, "--record", "forum:nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no record `forum:nope`"));
    let none = sleuth(&["query", dir]);
    assert_eq!(none.status.code(), Some(2), "one of --email, --username, … is required");
}
