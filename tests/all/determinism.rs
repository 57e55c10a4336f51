//! The same job gives byte-identical entities and links at any thread count.

use crate::run_job;

#[test]
fn entities_and_links_do_not_depend_on_the_thread_count() {
    let (one, _) = run_job("config/quickstart.toml", &["--threads", "1"]);
    let (two, _) = run_job("config/quickstart.toml", &["--threads", "2"]);
    let (again, _) = run_job("config/quickstart.toml", &["--threads", "2"]);
    for file in ["entities.csv", "links.csv", "rejects.csv"] {
        let a = std::fs::read(one.path().join(file)).unwrap();
        let b = std::fs::read(two.path().join(file)).unwrap();
        let c = std::fs::read(again.path().join(file)).unwrap();
        assert!(a.len() > 30, "{file} has rows");
        assert!(a == b, "{file} differs between --threads 1 and --threads 2");
        assert!(b == c, "{file} differs between two runs");
    }
}
