//! The bundled data sets are exactly what the generator writes: `data/quickstart` with its
//! defaults (with the IRC log), `data/identity` with the identity profile (without one).

use std::path::Path;

use sleuth_datagen::{Config, Profile, write_dir};

fn assert_reproduces(cfg: &Config, folder: &str, files: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    write_dir(cfg, out.path()).unwrap();
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data").join(folder);
    for file in files {
        let expected = std::fs::read(bundled.join(file)).unwrap();
        let written = std::fs::read(out.path().join(file)).unwrap();
        assert!(expected == written, "{file} differs from the generator's output: regenerate data/{folder}");
    }
}

const SOURCES: [&str; 4] = ["forum_accounts.csv", "payments.csv", "chat_participants.jsonl", "truth.csv"];

#[test]
fn the_generator_reproduces_data_quickstart_byte_for_byte() {
    let mut files = SOURCES.to_vec();
    files.push("irc.log");
    assert_reproduces(&Config::default(), "quickstart", &files);
}

#[test]
fn the_generator_reproduces_data_identity_byte_for_byte() {
    let cfg = Config { persons: 4000, seed: 7, profile: Profile::Identity, ..Config::default() };
    assert_reproduces(&cfg, "identity", &SOURCES);
    let out = tempfile::tempdir().unwrap();
    write_dir(&cfg, out.path()).unwrap();
    assert!(!out.path().join("irc.log").exists(), "the identity profile writes no IRC log");
}

#[test]
fn the_size_knob_writes_about_the_records_asked_for() {
    for (profile, records) in [(Profile::Quickstart, 20_000), (Profile::Identity, 10_000)] {
        let cfg = Config { persons: Config::persons_for_records(records, profile), profile, ..Config::default() };
        let out = tempfile::tempdir().unwrap();
        let written = write_dir(&cfg, out.path()).unwrap().total();
        let off = written.abs_diff(records) as f64 / records as f64;
        assert!(off < 0.02, "{profile:?}: asked for {records} records, wrote {written}");
    }
}
