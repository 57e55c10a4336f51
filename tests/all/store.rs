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
