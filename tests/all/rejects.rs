//! Nothing lost: rows that cannot be read go to rejects.csv and the run goes on.

use crate::{run_job, sleuth_ok, summary};

#[test]
fn malformed_rows_are_rejected_with_their_line_and_reason_and_counted() {
    let (out, _) = run_job("tests/fixtures/broken/job.toml", &[]);
    let mut reader = csv::Reader::from_path(out.path().join("rejects.csv")).unwrap();
    let rejects: Vec<(String, String, String)> =
        reader.records().map(|r| r.unwrap()).map(|r| (r[0].to_string(), r[1].to_string(), r[2].to_string())).collect();
    let expected = [
        ("people", "line 3", "expected 4 fields, found 3"),
        ("people", "line 4", "invalid UTF-8 in column `name`"),
        ("people", "line 5", "missing id"),
        ("people", "line 6", "duplicate id `1` (first seen on line 2)"),
        ("chats", "line 2", "invalid JSON"),
        ("chats", "line 3", "expected a JSON object, found an array"),
        ("chats", "line 4", "invalid UTF-8"),
        ("chats", "line 5", "missing id"),
        ("chats", "line 7", "duplicate id `c1` (first seen on line 1)"),
        ("chats", "line 8", "field `emails` holds an object"),
        ("chats", "line 9", "field `handle` holds an object"),
    ];
    assert_eq!(rejects.len(), expected.len(), "{rejects:#?}");
    for ((source, location, reason), (s, l, r)) in rejects.iter().zip(expected) {
        assert_eq!((source.as_str(), location.as_str()), (s, l));
        assert!(reason.starts_with(r), "{location} of {source}: `{reason}` should start with `{r}`");
    }

    // A row rejected for its id is shown as read, from a CSV and a JSON lines file.
    let excerpts: Vec<String> = csv::Reader::from_path(out.path().join("rejects.csv"))
        .unwrap()
        .records()
        .map(|r| r.unwrap()[3].to_string())
        .collect();
    assert_eq!(excerpts[2..4], [",No Id,noid@example.org,", "1,Duplicate,dup@example.org,"]);
    assert_eq!(excerpts[7..9], [r#"{"handle": "noid"}"#, r#"{"pid": "c1", "handle": "again"}"#]);

    let counts = &summary(out.path())["counts"];
    assert_eq!(counts["read"], 16);
    assert_eq!(counts["rejected"], 11);
    assert_eq!(counts["resolved"], 5);
    let mut entities = csv::Reader::from_path(out.path().join("entities.csv")).unwrap();
    let ids: Vec<String> = entities.records().map(|r| r.unwrap()).map(|r| format!("{}:{}", &r[0], &r[1])).collect();
    assert_eq!(ids, ["people:1", "people:4", "people:5", "chats:c1", "chats:5"]);

    // The values of a rejected row are not the next record's: one rejected
    // part way (chats line 9's address and first handle were read before
    // its second handle failed), one rejected for its id (people line 6).
    let identifiers = |record: &str| {
        let answer = sleuth_ok(&["query", out.path().to_str().unwrap(), "--record", record, "--json"]);
        serde_json::from_str::<serde_json::Value>(&answer).unwrap()["entities"][0]["identifiers"].clone()
    };
    assert_eq!(identifiers("chats:5"), serde_json::json!({ "username": ["numeric id"] }));
    assert_eq!(identifiers("people:4"), serde_json::json!({ "email": ["mark@example.org"], "name": ["mark doe"] }));
}
