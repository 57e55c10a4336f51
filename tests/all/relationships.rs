//! Relationships between entities and the graph exports, on the demo.

use std::collections::{BTreeMap, BTreeSet};

use sleuth_core::config::Job;
use sleuth_core::normalize::{self, email, username};
use sleuth_core::read;
use sleuth_core::record::AttributeKind;

use crate::{repo, run_job};

fn rows(path: &std::path::Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| headers.iter().zip(r.unwrap().iter()).map(|(h, v)| (h.into(), v.into())).collect())
        .collect()
}

#[test]
fn every_relationship_names_a_value_found_in_both_entities_records() {
    let (out, _) = run_job("config/quickstart.toml", &[]);
    // The records as the run normalized them, by `source:id`.
    let job = Job::load(&repo().join("config/quickstart.toml")).unwrap();
    let mut records = Vec::new();
    for index in 0..job.sources.len() {
        records.extend(read::read_source(&job, index).unwrap().records);
    }
    let kinds: Vec<AttributeKind> = job.attributes.iter().map(|a| a.kind).collect();
    let contexts: Vec<_> = job.sources.iter().map(|s| s.normalize.clone()).collect();
    normalize::normalize_records(&mut records, &kinds, &contexts);
    let by_name: BTreeMap<String, &sleuth_core::record::Record> =
        records.iter().map(|r| (format!("{}:{}", job.sources[r.source as usize].name, r.id), r)).collect();
    let entity_of: BTreeMap<String, String> = rows(&out.path().join("entities.csv"))
        .into_iter()
        .map(|r| (format!("{}:{}", r["source"], r["record_id"]), r["entity_id"].clone()))
        .collect();
    // The values of a record that a relationship of `kind` can name.
    let values = |record: &str, kind: &str| -> BTreeSet<String> {
        let record = by_name[record];
        let mut values = BTreeSet::new();
        for (attribute, normalized) in job.attributes.iter().zip(record.normalized.iter()) {
            for value in normalized {
                let wanted = match (kind, attribute.kind) {
                    ("shared_card", AttributeKind::Card)
                    | ("shared_email", AttributeKind::Email)
                    | ("shared_phone", AttributeKind::Phone)
                    | ("shared_ip", AttributeKind::Ip) => Some(value.to_string()),
                    ("email_username", AttributeKind::Email) => email::local_skeleton(value),
                    ("email_username", AttributeKind::Username) => Some(username::skeleton(value)),
                    _ => None,
                };
                values.extend(wanted);
            }
        }
        values
    };
    let relationships = rows(&out.path().join("relationships.csv"));
    let kinds: BTreeSet<&str> = relationships.iter().map(|r| r["kind"].as_str()).collect();
    assert!(
        kinds.is_superset(&BTreeSet::from(["shared_card", "shared_ip", "email_username", "near_match"])),
        "{kinds:?}"
    );
    for row in &relationships {
        assert_ne!(row["entity_a"], row["entity_b"]);
        for side in ["a", "b"] {
            let listed: Vec<&str> = row[&format!("records_{side}")].split(';').collect();
            for record in &listed {
                assert_eq!(entity_of[*record], row[&format!("entity_{side}")], "{row:?}");
            }
            if row["kind"] == "near_match" {
                assert!(row["via"].contains(listed[0]), "{row:?}");
            } else {
                assert!(listed.iter().any(|r| values(r, &row["kind"]).contains(&row["via"])), "{side}: {row:?}");
            }
        }
    }
}

#[test]
fn the_graphml_export_parses_with_a_node_per_entity_and_an_edge_per_relationship() {
    let (out, _) = run_job("config/quickstart.toml", &[]);
    let text = std::fs::read_to_string(out.path().join("graph.graphml")).unwrap();
    let document = roxmltree::Document::parse(&text).expect("graph.graphml is XML");
    let count = |tag: &str| document.descendants().filter(|n| n.has_tag_name(tag)).count();
    let entities: BTreeSet<String> =
        rows(&out.path().join("entities.csv")).into_iter().map(|r| r["entity_id"].clone()).collect();
    let relationships = rows(&out.path().join("relationships.csv"));
    assert_eq!(count("node"), entities.len());
    assert_eq!(count("edge"), relationships.len());
    let summary = crate::summary(out.path());
    assert_eq!(summary["counts"]["entities"].as_u64().unwrap() as usize, entities.len());
    // The Neo4j pair has the same counts.
    assert_eq!(rows(&out.path().join("neo4j/entities.csv")).len(), entities.len());
    assert_eq!(rows(&out.path().join("neo4j/relationships.csv")).len(), relationships.len());
}

#[test]
fn over_merge_protection_splits_a_planted_bridge_and_explain_says_why() {
    // Two office logins, one Wei Rivera's and one xXblackcat151Xx's, share the
    // office's address and the name Wei Rivera: linked, they would fuse the
    // two people's records into one entity.
    let (out, _) = run_job("tests/fixtures/bridge/job.toml", &[]);
    let entity_of: BTreeMap<String, String> = rows(&out.path().join("entities.csv"))
        .into_iter()
        .map(|r| (format!("{}:{}", r["source"], r["record_id"]), r["entity_id"].clone()))
        .collect();
    assert_eq!(entity_of["office:O1"], entity_of["forum:F000001"], "O1 stays with Wei Rivera");
    assert_eq!(entity_of["office:O2"], entity_of["forum:F000010"], "O2 stays with xXblackcat151Xx");
    assert_ne!(entity_of["office:O1"], entity_of["office:O2"]);
    let summary = crate::summary(out.path());
    let splits = summary["splits"].as_array().unwrap();
    assert_eq!(splits.len(), 1, "{splits:?}");
    assert_eq!(splits[0]["records"], serde_json::json!(["office:O1", "office:O2"]));
    let explained = crate::sleuth_ok(&["explain", out.path().to_str().unwrap(), "office:O1", "office:O2"]);
    assert!(explained.contains("split by over-merge protection: the only link between two groups"), "{explained}");
}
