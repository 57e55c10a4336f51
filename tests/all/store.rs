//! The store a run leaves on disk is a real tantivy index of the records and
//! their blocking keys.

use sleuth_core::blocking::Strength;
use sleuth_core::index::Store;

use crate::run_job;

#[test]
fn the_index_on_disk_holds_every_record_and_its_blocks() {
    let (out, _) = run_job("tests/fixtures/broken/job.toml", &[]);
    let store = Store::open(out.path()).expect("the run left a store");
    assert_eq!(store.len().unwrap(), 5);
    let (source, id, line, values) = store.record(0).unwrap().expect("record 0 is stored");
    assert_eq!((source.as_str(), id.as_str(), line), ("people", "1", 2));
    assert!(values.contains("+44 7700 900123"), "both phones of the multi-valued cell are stored: {values}");
    // people:1 and chats:c1 share sarah@gmail.com: one block holds both.
    let blocks = store.blocks(500).unwrap();
    let all: Vec<_> = blocks.iter().map(|(records, strength)| (records.to_vec(), strength)).collect();
    assert!(all.contains(&(vec![0, 3], Strength::Strong)), "{all:?}");
    // A block over the size limit is skipped and reported.
    let small = store.blocks(1).unwrap();
    assert!(small.is_empty());
    assert!(
        small.oversized.iter().any(|(key, size)| key == "email.address=sarah@gmail.com" && *size == 2),
        "{:?}",
        small.oversized
    );
}

#[test]
fn a_folder_without_an_index_is_refused() {
    let empty = tempfile::tempdir().unwrap();
    let error = Store::open(empty.path()).err().expect("no store in an empty folder");
    assert!(error.to_string().contains("is not a Sleuth output folder"), "{error}");
}

#[test]
fn one_writer_at_a_time() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let held = sleuth_core::output::lock(out.path()).expect("a free folder can be locked");
    let second = crate::sleuth(&["run", "tests/fixtures/broken/job.toml", "--out", dir]);
    assert_eq!(second.status.code(), Some(1), "a busy output folder fails the run");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("another Sleuth run is writing") && stderr.contains(".sleuth.lock"), "{stderr}");
    assert!(!out.path().join("entities.csv").exists(), "the refused run wrote nothing");
    drop(held);
    crate::sleuth_ok(&["run", "tests/fixtures/broken/job.toml", "--out", dir]);
}

/// A copy of `tests/fixtures/store-fst`: the output folder of the `broken`
/// job as Sleuth wrote it while its term dictionaries were FSTs (before
/// they became SSTables), which this build cannot read.
fn store_of_an_earlier_version() -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    let fixture = crate::repo().join("tests/fixtures/store-fst");
    for entry in walk(&fixture) {
        let to = copy.path().join(entry.strip_prefix(&fixture).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &to).unwrap();
    }
    copy
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files
}

#[test]
fn a_store_of_an_earlier_version_is_refused_when_opened() {
    let old = store_of_an_earlier_version();
    let error = Store::open(old.path()).err().expect("an FST-era store cannot be read");
    let message = error.to_string();
    assert!(message.contains(&old.path().join("index").display().to_string()), "{message}");
    assert!(message.contains("another version of Sleuth") && message.contains("run the job again"), "{message}");
    // The commands that read a store say so too, and change nothing.
    let before = std::fs::read(old.path().join("entities.csv")).unwrap();
    let query = crate::sleuth(&["query", old.path().to_str().unwrap(), "--record", "people:1"]);
    assert_eq!(query.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&query.stderr);
    assert!(stderr.contains("another version of Sleuth"), "{stderr}");
    assert_eq!(std::fs::read(old.path().join("entities.csv")).unwrap(), before);
}
