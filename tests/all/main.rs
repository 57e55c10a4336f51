//! Integration tests: the real `sleuth` binary on real files, one module per topic.

mod check;
mod determinism;
mod eval;
mod explain;
mod febrl;
mod identity;
mod ingest;
mod plugins;
mod query;
mod quickstart;
mod rejects;
mod relationships;
mod store;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("core/ sits in the workspace").to_path_buf()
}

/// Runs `sleuth` with `args` from the workspace root.
pub fn sleuth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sleuth"))
        .args(args)
        .current_dir(repo())
        .env("SLEUTH_CACHE", repo().join("target").join("plugin-cache"))
        .output()
        .expect("sleuth runs")
}

/// Runs `sleuth` and asserts it succeeded, returning its stdout.
pub fn sleuth_ok(args: &[&str]) -> String {
    let output = sleuth(args);
    assert!(
        output.status.success(),
        "sleuth {args:?} failed with {}:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("stdout is UTF-8")
}

/// Runs `job` into a fresh temporary output folder.
pub fn run_job(job: &str, extra: &[&str]) -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().expect("a temporary folder");
    let mut args = vec!["run", job, "--out", out.path().to_str().expect("UTF-8 path")];
    args.extend_from_slice(extra);
    let stdout = sleuth_ok(&args);
    (out, stdout)
}

/// The pairwise F1 printed by `sleuth eval --json`.
pub fn pairwise_f1(truth: &str, out: &Path) -> f64 {
    let json = sleuth_ok(&["eval", "--json", "--truth", truth, out.to_str().expect("UTF-8 path")]);
    let value: serde_json::Value = serde_json::from_str(&json).expect("eval prints JSON");
    value["pairwise"]["f1"].as_f64().expect("an F1")
}

/// The parsed `summary.json` of an output folder.
pub fn summary(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("summary.json")).expect("summary.json exists");
    serde_json::from_str(&text).expect("summary.json is JSON")
}
