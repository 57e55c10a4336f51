//! `sleuth eval`: truth files with and without a source column.

use crate::sleuth_ok;

fn output_with(entities: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("entities.csv"), entities).unwrap();
    dir
}

#[test]
fn scores_against_source_id_entity_and_id_entity_truth_files() {
    let out = output_with("source,record_id,entity_id\nf,1,E1\nf,2,E1\np,3,E1\np,4,E2\n");
    let truth = out.path().join("truth.csv");
    std::fs::write(&truth, "source,id,entity\nf,1,a\nf,2,a\np,3,b\np,4,b\n").unwrap();
    let text = sleuth_ok(&["eval", "--truth", truth.to_str().unwrap(), out.path().to_str().unwrap()]);
    // Predicted pairs: (1,2) (1,3) (2,3); true pairs: (1,2) (3,4); correct: (1,2).
    assert!(text.contains("pairwise  precision 0.3333  recall 0.5000  F1 0.4000"), "{text}");

    let ids_only = out.path().join("ids.csv");
    std::fs::write(&ids_only, "id,entity\n1,a\n2,a\n3,b\n4,b\n").unwrap();
    let text = sleuth_ok(&["eval", "--truth", ids_only.to_str().unwrap(), out.path().to_str().unwrap()]);
    assert!(text.contains("pairwise  precision 0.3333  recall 0.5000  F1 0.4000"), "{text}");
}

#[test]
fn a_truth_file_with_other_columns_is_refused() {
    let out = output_with("source,record_id,entity_id\nf,1,E1\n");
    let truth = out.path().join("truth.csv");
    std::fs::write(&truth, "record,cluster\n1,a\n").unwrap();
    let output = crate::sleuth(&["eval", "--truth", truth.to_str().unwrap(), out.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("expected the columns source,id,entity or id,entity"));
}
