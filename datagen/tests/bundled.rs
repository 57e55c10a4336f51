//! The bundled demo data is exactly what the generator writes with its defaults.

use std::path::Path;

use sleuth_datagen::{Config, write_dir};

#[test]
fn the_generator_reproduces_data_quickstart_byte_for_byte() {
    let out = tempfile::tempdir().unwrap();
    write_dir(&Config::default(), out.path()).unwrap();
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/quickstart");
    for file in ["forum_accounts.csv", "payments.csv", "chat_participants.jsonl", "truth.csv"] {
        let expected = std::fs::read(bundled.join(file)).unwrap();
        let written = std::fs::read(out.path().join(file)).unwrap();
        assert!(expected == written, "{file} differs from the generator's output: regenerate data/quickstart");
    }
}
