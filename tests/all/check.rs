//! `sleuth check`: configuration errors name the file, line and column, and
//! suggest what was probably meant.

use std::path::Path;

use crate::sleuth;

/// Writes `job` beside the quickstart data and runs `sleuth check` on it.
fn check(job: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let data = crate::repo().join("tests/fixtures/broken");
    let path = dir.path().join("job.toml");
    std::fs::write(&path, job.replace("DATA", data.to_str().unwrap())).unwrap();
    let output = sleuth(&["check", path.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&output.stderr).into_owned() + &String::from_utf8_lossy(&output.stdout);
    (output.status.code().unwrap_or(-1), text.replace(path.to_str().unwrap(), "job.toml"))
}

const VALID: &str = r#"[job]
name = "check"

[[source]]
name = "people"
path = "DATA/people.csv"
id = "id"
[source.fields]
name = "name"
email = "email"

[resolution]
threshold = 0.9
"#;

#[test]
fn a_valid_job_passes() {
    let (code, text) = check(VALID);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("job `check` is valid"), "{text}");
}

#[test]
fn a_misspelt_key_names_its_line_and_suggests_the_right_key() {
    let (code, text) = check(&VALID.replace("threshold = 0.9", "treshold = 0.9"));
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("job.toml:13:1: unknown field `treshold`"), "{text}");
    assert!(text.contains("help: did you mean `threshold`?"), "{text}");
}

#[test]
fn a_misspelt_kind_is_named_with_a_suggestion() {
    let (code, text) = check(&VALID.replace("email = \"email\"", "email = \"emial\""));
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("job.toml:10:"), "{text}");
    assert!(text.contains("did you mean `email`?"), "{text}");
}

#[test]
fn a_missing_source_file_is_named_at_its_line() {
    let (code, text) = check(&VALID.replace("people.csv", "nobody.csv"));
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("job.toml:6:8: source file"), "{text}");
    assert!(text.contains("nobody.csv does not exist"), "{text}");
}

#[test]
fn a_bad_value_is_named_at_its_line() {
    let (code, text) = check(&VALID.replace("threshold = 0.9", "threshold = 1.5"));
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("job.toml:13:13: threshold must be a probability between 0 and 1, not 1.5"), "{text}");
}

#[test]
fn a_mapped_column_missing_from_the_header_is_named_with_a_suggestion() {
    let (code, text) = check(&VALID.replace("email = \"email\"", "emails = \"email\""));
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("column `emails` is not in the header; did you mean `email`?"), "{text}");
}

#[test]
fn an_unknown_attribute_in_a_compare_table_is_named_with_a_suggestion() {
    let job = format!("{VALID}\n[[compare]]\nattribute = \"emial\"\nmethod = \"jaro_winkler\"\n");
    let (code, text) = check(&job);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("job.toml:16:13: no source maps a column to attribute `emial`"), "{text}");
    assert!(text.contains("did you mean `email`?"), "{text}");
}

#[test]
fn the_bundled_jobs_are_valid() {
    for job in ["config/quickstart.toml", "config/febrl3.toml", "config/febrl4.toml"] {
        let output = sleuth(&["check", job]);
        assert!(output.status.success(), "{job}: {}", String::from_utf8_lossy(&output.stderr));
    }
    assert!(Path::new(&crate::repo().join("config/quickstart.toml")).is_file());
}
