//! `sleuth ingest`: sources added to an earlier run's entities agree with one
//! run over everything, keep the entity ids, say what changed, and a killed
//! ingest leaves the store as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{repo, sleuth, sleuth_ok, summary};

/// Job files made from `job`: one with the sources named in `base`, one per
/// group of `later` sources, and after each group one with every source so
/// far, each with absolute paths (data files from `data` when given) and the
/// outputs in `dir`.
struct Split {
    base: PathBuf,
    later: Vec<PathBuf>,
    so_far: Vec<PathBuf>,
}

fn split(job: &Path, data: Option<&Path>, base: &[&str], later: &[&[&str]], dir: &Path) -> Split {
    let text = std::fs::read_to_string(job).unwrap();
    let mut table: toml::Table = toml::from_str(&text).unwrap();
    let home = job.parent().unwrap();
    absolute(&mut table, home, data);
    let sources = table.remove("source").unwrap();
    let sources = sources.as_array().unwrap();
    let write = |name: &str, keep: &[&str]| {
        let mut job = table.clone();
        let picked: Vec<toml::Value> =
            sources.iter().filter(|s| keep.contains(&s["name"].as_str().unwrap())).cloned().collect();
        assert_eq!(picked.len(), keep.len(), "every source named is in {}", name);
        job.insert("source".into(), toml::Value::Array(picked));
        job["job"]
            .as_table_mut()
            .unwrap()
            .insert("output".into(), dir.join(format!("out-{name}")).display().to_string().into());
        let path = dir.join(format!("{name}.toml"));
        std::fs::write(&path, toml::to_string(&job).unwrap()).unwrap();
        path
    };
    let so_far = (1..=later.len())
        .map(|n| {
            let names: Vec<&str> = base.iter().chain(later[..n].iter().flat_map(|l| l.iter())).copied().collect();
            write(&format!("so-far{n}"), &names)
        })
        .collect();
    Split {
        base: write("base", base),
        later: later.iter().enumerate().map(|(i, names)| write(&format!("later{i}"), names)).collect(),
        so_far,
    }
}

/// Makes every `path` and `truth` of the job absolute (a source's file
/// taken from `data` when given).
fn absolute(value: &mut toml::Table, home: &Path, data: Option<&Path>) {
    for (key, value) in value.iter_mut() {
        match value {
            toml::Value::String(text) if key == "path" || key == "truth" => {
                let path = home.join(&*text);
                let file = path.file_name().unwrap();
                let is_data = !text.ends_with(".wasm");
                *text = match data {
                    Some(data) if is_data => data.join(file),
                    _ => path,
                }
                .display()
                .to_string();
            }
            toml::Value::Table(table) => absolute(table, home, data),
            toml::Value::Array(items) => {
                for item in items {
                    if let toml::Value::Table(table) = item {
                        absolute(table, home, data);
                    }
                }
            }
            _ => {}
        }
    }
}

fn text(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Each record's entity id (`source:id` → id).
fn entities(out: &Path) -> BTreeMap<String, String> {
    sleuth_core::output::read_entities(out).unwrap()
}

/// The pairwise F1 of `out`'s entities against `other`'s.
fn agreement(out: &Path, other: &Path) -> f64 {
    crate::pairwise_f1(text(&other.join("entities.csv")), out)
}

/// Runs the base job, ingests each later job, and checks what an analyst
/// relies on: ids kept or aliased, changes logged, and after each ingest the
/// same entities as one run over the same sources (pairwise F1 of the two
/// clusterings at least 0.99).
fn ingest_agrees_with_one_run(split: &Split, dir: &Path) {
    let out = dir.join("out-base");
    sleuth_ok(&["run", text(&split.base), "--out", text(&out)]);
    for (k, later) in split.later.iter().enumerate() {
        let before = entities(&out);
        let stdout = sleuth_ok(&["ingest", text(&out), text(later)]);
        let generation = k as u64 + 2;
        assert!(stdout.contains(&format!("generation {generation}")), "{stdout}");
        assert_eq!(summary(&out)["generation"], generation);

        // Every earlier record keeps its entity id, or its id is an alias
        // of the entity it is in now.
        let after = entities(&out);
        let rows = sleuth_core::output::read_rows(&out, "aliases.csv").unwrap();
        let aliases: BTreeMap<String, String> =
            rows.iter().map(|row| (row[0].to_string(), row[1].to_string())).collect();
        let new_aliases = rows.iter().filter(|row| row[2] == *generation.to_string()).count();
        assert_eq!(after.len() as u64, summary(&out)["counts"]["resolved"].as_u64().unwrap());
        assert!(after.len() > before.len(), "records were added");
        // Each event names a kind, an entity and a reason.
        let changes = std::fs::read_to_string(out.join("changes.jsonl")).unwrap();
        let events: Vec<serde_json::Value> = changes.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let this: Vec<&serde_json::Value> = events.iter().filter(|e| e["generation"] == generation).collect();
        assert!(!this.is_empty(), "the ingest logged its changes");
        for event in &this {
            assert!(
                ["created", "record_added", "merged", "split"].contains(&event["event"].as_str().unwrap()),
                "{event}"
            );
            assert!(
                event["entity"].as_str().unwrap().starts_with('E') && !event["reason"].as_str().unwrap().is_empty()
            );
        }
        let merged = this.iter().filter(|e| e["event"] == "merged").count();
        assert_eq!(merged, new_aliases, "one alias per merge");
        // Every earlier record keeps its entity id, or its id is now an
        // alias of its entity's, or a split event moved it to a new one.
        let split_off: BTreeMap<&str, (&str, &str)> = this
            .iter()
            .filter(|e| e["event"] == "split")
            .flat_map(|e| {
                let (entity, from) = (e["entity"].as_str().unwrap(), e["other"].as_str().unwrap());
                e["records"].as_array().unwrap().iter().map(move |r| (r.as_str().unwrap(), (entity, from)))
            })
            .collect();
        for (record, id) in &before {
            let now = &after[record];
            if now != id {
                let explained = aliases.get(id) == Some(now)
                    || split_off.get(record.as_str()) == Some(&(now.as_str(), id.as_str()));
                assert!(explained, "{record} went from {id} to {now} with no alias or split saying so");
            }
        }

        let one_run = dir.join(format!("out-one-run{k}"));
        sleuth_ok(&["run", text(&split.so_far[k]), "--out", text(&one_run)]);
        assert_eq!(after.len(), entities(&one_run).len(), "the same records");
        let f1 = agreement(&out, &one_run);
        assert!(f1 >= 0.99, "after ingest {}: pairwise agreement with one run over the same sources {f1}", k + 1);
    }
}

#[test]
fn ingesting_the_demo_source_by_source_agrees_with_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let split =
        split(&repo().join("config/quickstart.toml"), None, &["forum", "payments"], &[&["chat"], &["irc"]], dir.path());
    ingest_agrees_with_one_run(&split, dir.path());
    // The store answers for the new records at once.
    let out = dir.path().join("out-base");
    let irc = sleuth_core::output::read_rows(&out, "entities.csv")
        .unwrap()
        .iter()
        .find(|row| &row[0] == "irc")
        .map(|row| format!("irc:{}", &row[1]))
        .expect("irc records in entities.csv");
    let answer = sleuth_ok(&["query", text(&out), "--record", &irc]);
    assert!(answer.contains(&irc), "{answer}");
}

#[test]
fn ingesting_a_generated_third_source_agrees_with_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = sleuth_datagen::Config { persons: 700, seed: 7, ..Default::default() };
    sleuth_datagen::write_dir(&config, &data).unwrap();
    let split =
        split(&repo().join("config/quickstart.toml"), Some(&data), &["forum", "payments"], &[&["chat"]], dir.path());
    ingest_agrees_with_one_run(&split, dir.path());
}

#[test]
fn a_killed_ingest_leaves_the_earlier_state_and_a_second_one_completes() {
    let dir = tempfile::tempdir().unwrap();
    let split =
        split(&repo().join("config/quickstart.toml"), None, &["forum", "payments", "chat"], &[&["irc"]], dir.path());
    let out = dir.path().join("out-base");
    sleuth_ok(&["run", text(&split.base), "--out", text(&out)]);
    let before = std::fs::read(out.join("entities.csv")).unwrap();
    let known = "forum:F000002";
    let answer_before = sleuth_ok(&["query", text(&out), "--record", known]);

    // Kill it with every output of generation 2 written, nothing committed.
    let mut child = Command::new(env!("CARGO_BIN_EXE_sleuth"))
        .args(["ingest", text(&out), text(&split.later[0])])
        .env(sleuth_core::ingest::PAUSE_BEFORE_COMMIT, "120000")
        .env("SLEUTH_CACHE", repo().join("target").join("plugin-cache"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let written = out.join("gen-0002").join("summary.json");
    let started = Instant::now();
    while !written.exists() {
        assert!(started.elapsed() < Duration::from_secs(120), "the ingest never reached its commit");
        assert!(child.try_wait().unwrap().is_none(), "the ingest ended before its commit");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    // Readers see the store as it was.
    assert_eq!(summary(&out)["generation"], 1);
    assert_eq!(std::fs::read(out.join("entities.csv")).unwrap(), before);
    assert_eq!(sleuth_ok(&["query", text(&out), "--record", known]), answer_before);
    let irc = sleuth(&["query", text(&out), "--record", "irc:sniper992!~sniper@52.162.150.246"]);
    assert_eq!(irc.status.code(), Some(2), "the killed ingest's records are not in the store");
    let store = sleuth_core::index::Store::open(&out).unwrap();
    assert_eq!(store.generation().unwrap(), Some(1));
    assert_eq!(store.len().unwrap() as usize, before.iter().filter(|&&b| b == b'\n').count() - 1);

    // The lock died with the process: a second ingest completes it.
    let stdout = sleuth_ok(&["ingest", text(&out), text(&split.later[0])]);
    assert!(stdout.contains("generation 2"), "{stdout}");
    let answer = sleuth_ok(&["query", text(&out), "--record", "irc:sniper992!~sniper@52.162.150.246"]);
    assert!(answer.contains("forum:F000002"), "the IRC user joined its forum account: {answer}");
    // explain reads the ingested source as the ingest did: its columns feed
    // the store's attributes.
    let why = sleuth_ok(&["explain", text(&out), "forum:F000002", "irc:sniper992!~sniper@52.162.150.246"]);
    assert!(why.contains(": linked"), "{why}");
    assert!(why.lines().any(|l| l.starts_with("  username") && l.contains("exact")), "{why}");
}

#[test]
fn an_ingest_that_does_not_fit_the_store_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let split =
        split(&repo().join("config/quickstart.toml"), None, &["forum", "payments", "chat"], &[&["irc"]], dir.path());
    let out = dir.path().join("out-base");
    sleuth_ok(&["run", text(&split.base), "--out", text(&out)]);
    // A source the store already has.
    let again = sleuth(&["ingest", text(&out), text(&split.base)]);
    assert_eq!(again.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("already has a source `forum`"), "{stderr}");
    // Attributes the store does not have.
    let febrl = sleuth(&["ingest", text(&out), "config/febrl4.toml"]);
    assert_eq!(febrl.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&febrl.stderr);
    assert!(stderr.contains("which the store does not have"), "{stderr}");
    assert_eq!(summary(&out)["generation"], 1, "nothing changed");
    assert!(!out.join("gen-0002").join("summary.json").exists());
}
