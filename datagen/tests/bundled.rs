//! The bundled data sets are exactly what the generator writes: `data/quickstart` with its
//! defaults, `data/identity` with the identity profile.

use std::path::Path;

use sleuth_datagen::{Config, Profile, write_dir};

fn assert_reproduces(cfg: &Config, folder: &str) {
    let out = tempfile::tempdir().unwrap();
    write_dir(cfg, out.path()).unwrap();
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data").join(folder);
    for file in ["forum_accounts.csv", "payments.csv", "chat_participants.jsonl", "truth.csv"] {
        let expected = std::fs::read(bundled.join(file)).unwrap();
        let written = std::fs::read(out.path().join(file)).unwrap();
        assert!(expected == written, "{file} differs from the generator's output: regenerate data/{folder}");
    }
}

#[test]
fn the_generator_reproduces_data_quickstart_byte_for_byte() {
    assert_reproduces(&Config::default(), "quickstart");
}

#[test]
fn the_generator_reproduces_data_identity_byte_for_byte() {
    let cfg = Config { persons: 4000, seed: 7, profile: Profile::Identity, ..Config::default() };
    assert_reproduces(&cfg, "identity");
}
