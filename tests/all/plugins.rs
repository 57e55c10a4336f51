//! WebAssembly plugins: hostile guests stopped with clear errors, a trap that
//! costs only its own input, pinning by sha256, a job with a parser and a
//! matcher plugin, and the workbench on a fresh scaffold. Each guest is a
//! purpose-built crate under `plugins/`, built by `sleuth-test-guests`.

use std::io::Cursor;
use std::path::Path;

use sleuth_core::plugin::matcher::Subject;
use sleuth_core::plugin::parser::{self, ParseReject, Parsed};
use sleuth_core::plugin::{Contract, Limits, Matcher, Plugin, World, sha256_hex};
use sleuth_test_guests as guests;

use crate::{repo, sleuth, sleuth_ok};

fn load(guest: guests::Guest, limits: Limits) -> Plugin {
    let path = guest.path();
    Plugin::load(&path, Some(&sha256_hex(&std::fs::read(&path).unwrap())), limits).unwrap()
}

/// Parses `input` with `plugin`: its records' ids with their lines, and its
/// rejects.
fn parse(plugin: &Plugin, input: &[u8]) -> (Vec<(String, u64)>, Vec<ParseReject>) {
    let (mut ids, mut rejects) = (Vec::new(), Vec::new());
    parser::parse(plugin, "input", &mut Cursor::new(input), |parsed| match parsed {
        Parsed::Record(record) => ids.push((record.id, record.line)),
        Parsed::Reject(reject) => rejects.push(reject),
    })
    .unwrap();
    (ids, rejects)
}

#[test]
fn an_endless_loop_is_stopped_and_reported_with_the_plugins_name() {
    let plugin = load(guests::ENDLESS_LOOP, Limits { fuel_per_call: 50_000_000, ..Limits::default() });
    let (ids, rejects) = parse(&plugin, b"any input\n");
    assert!(ids.is_empty());
    assert_eq!(rejects[0].location, "bytes 0-9");
    let reason = &rejects[0].reason;
    assert!(reason.contains("`endless-loop` 0.1.0"), "{reason}");
    assert!(reason.contains("stopped after 50000000 instructions"), "{reason}");
}

#[test]
fn the_deadline_stops_a_loop_when_fuel_would_not() {
    let limits = Limits { fuel_per_call: u64::MAX, deadline_ms: 50, ..Limits::default() };
    let plugin = load(guests::ENDLESS_LOOP, limits);
    let (_, rejects) = parse(&plugin, b"x\n");
    assert!(rejects[0].reason.contains("deadline of 50 ms"), "{}", rejects[0].reason);
}

#[test]
fn an_allocation_past_the_memory_limit_is_refused() {
    let plugin = load(guests::MEMORY_BOMB, Limits { memory_mib: 32, ..Limits::default() });
    let (_, rejects) = parse(&plugin, b"x\n");
    let reason = &rejects[0].reason;
    assert!(reason.contains("`memory-bomb` 0.1.0: exceeded its memory limit of 32 MiB"), "{reason}");
}

#[test]
fn a_panics_message_reaches_the_error_and_the_next_chunk_is_parsed() {
    let plugin = load(guests::PANICS_ON_BOOM, Limits::default());
    // Three chunks: the second holds the bad line.
    let mut input = Vec::new();
    let mut line = 0;
    while input.len() < 2 * parser::CHUNK + 100 {
        line += 1;
        let text = if line == 3000 { "boom".to_string() } else { format!("user{line},user{line}@example.org") };
        input.extend_from_slice(text.as_bytes());
        input.push(b'\n');
    }
    let (ids, rejects) = parse(&plugin, &input);
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    let reason = &rejects[0].reason;
    assert!(reason.contains("panicked at"), "{reason}");
    assert!(reason.contains("it says boom"), "{reason}");
    assert!(rejects[0].location.starts_with("bytes 65"), "{}", rejects[0].location);
    // Lines in the failed chunk are lost with it (and named by the reject);
    // the chunks before and after are parsed.
    assert!(ids.contains(&("user1".to_string(), 1)));
    // The fresh instance's positions count from the start of the input.
    assert!(ids.contains(&(format!("user{line}"), line)), "the last line, {line}, was parsed by a fresh instance");
    assert!(!ids.iter().any(|(id, _)| id == "user2999"));
}

#[test]
fn a_component_importing_the_filesystem_is_refused_at_load() {
    let path = guests::WANTS_FILES.path();
    let error = Plugin::load(&path, None, Limits::default()).unwrap_err();
    assert!(error.message.contains("refused"), "{error}");
    assert!(error.message.contains("wasi:filesystem/"), "{error}");
}

#[test]
fn plugins_describe_themselves() {
    let plugin = load(guests::IRC_LOG, Limits::default());
    assert_eq!(
        (plugin.world, plugin.info.name.as_str(), plugin.info.version.as_str()),
        (World::Parser, "irc-log", "0.1.0")
    );
    assert_eq!(plugin.info.sdk_version, "0.2.0");
    let matcher = Matcher::new(load(guests::KEYBOARD_TYPOS, Limits::default())).unwrap();
    assert_eq!(matcher.declaration.kinds, ["username"]);
    assert_eq!(matcher.declaration.levels, ["adjacent_key", "swapped", "different"]);
}

/// Writes a job over `files` (name, text) in a fresh folder, returning it.
fn job_folder(job: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("job.toml"), job).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn pin(guest: guests::Guest) -> String {
    let path = guest.path();
    format!("{{ path = {:?}, sha256 = {:?} }}", path.display().to_string(), sha256_hex(&std::fs::read(&path).unwrap()))
}

fn run(dir: &Path) -> std::process::Output {
    let job = dir.join("job.toml");
    sleuth(&["run", job.to_str().unwrap(), "--out", dir.join("out").to_str().unwrap()])
}

const FORUM: &str = "account,username,email\nF1,darkangel,d.angel@example.org\nF2,sh4dow_x,shadow@example.net\nF3,quietfox,fox@example.com\n";

const IRC: &str = "\
2024-03-01T21:14:07Z :darkangwl!~da@82.14.3.9 JOIN #market
2024-03-01T21:14:09Z :darkangwl!~da@82.14.3.9 PRIVMSG #market :selling, write to d.angel@example.org
2024-03-01T21:15:00Z :quietfxo!qf@10.1.2.3 JOIN #market
2024-03-01T21:16:00Z :randomguy!rg@10.9.9.9 PRIVMSG #market :hi all
this line is not IRC
";

#[test]
fn a_job_with_a_parser_and_a_matcher_plugin_resolves_and_shows_the_matchers_evidence() {
    let job = format!(
        r#"[job]
name = "plugins"

[[source]]
name = "forum"
path = "forum.csv"
id = "account"
[source.fields]
username = "username"
email = "email"

[[source]]
name = "irc"
path = "chat.irc"
plugin = {parser}
[source.fields]
nick = "username"
email = "email"
host = "ip"

[[matcher]]
plugin = {matcher}
attribute = "username"

[resolution]
within_source = false
threshold = 0.5
"#,
        parser = pin(guests::IRC_LOG),
        matcher = pin(guests::KEYBOARD_TYPOS)
    );
    let dir = job_folder(&job, &[("forum.csv", FORUM), ("chat.irc", IRC)]);
    let output = run(dir.path());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let out = dir.path().join("out");
    let entities = std::fs::read_to_string(out.join("entities.csv")).unwrap();
    assert!(entities.contains("irc,darkangwl!~da@82.14.3.9,"), "{entities}");
    let rejects = std::fs::read_to_string(out.join("rejects.csv")).unwrap();
    assert!(rejects.contains("irc,line 5,"), "{rejects}");
    let summary = crate::summary(&out);
    let plugins = summary["plugins"].as_array().unwrap();
    assert_eq!(plugins.len(), 2);
    assert_eq!(plugins[0]["name"], "irc-log");
    assert_eq!(plugins[1]["world"], "matcher");
    assert_eq!(plugins[1]["sha256"].as_str().unwrap().len(), 64);
    let model = &summary["model"]["comparisons"];
    assert!(model.as_array().unwrap().iter().any(|c| c["name"] == "keyboard-typos"), "{model}");
    let links = std::fs::read_to_string(out.join("links.csv")).unwrap();
    assert!(links.contains("keyboard-typos=adjacent_key[qwerty-neighbour]"), "{links}");
}

#[test]
fn a_matcher_trap_on_one_batch_leaves_the_job_running_and_is_in_rejects() {
    let forum = "account,username\nF1,trapdoor\nF2,nightowl\n";
    let chat = "account,username\nC1,trapdoor\nC2,nightowl\n";
    let job = format!(
        r#"[job]
name = "traps"

[[source]]
name = "forum"
path = "forum.csv"
id = "account"
[source.fields]
username = "username"

[[source]]
name = "chat"
path = "chat.csv"
id = "account"
[source.fields]
username = "username"

[[matcher]]
plugin = {matcher}
attribute = "username"
name = "equality"
"#,
        matcher = pin(guests::MATCHER_TRAPS)
    );
    let dir = job_folder(&job, &[("forum.csv", forum), ("chat.csv", chat)]);
    let output = run(dir.path());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let rejects = std::fs::read_to_string(dir.path().join("out/rejects.csv")).unwrap();
    assert!(rejects.contains("matcher equality,candidate pairs"), "{rejects}");
    assert!(rejects.contains("refusing to compare a trap"), "{rejects}");
    let summary = crate::summary(&dir.path().join("out"));
    assert_eq!(summary["counts"]["rejected"], 0, "a failed batch is not a rejected row");
    assert_eq!(summary["counts"]["resolved"], 4);
}

#[test]
fn a_plugin_with_another_sha256_is_refused() {
    let path = guests::IRC_LOG.path();
    let job = format!(
        "[job]\nname = \"pinned\"\n\n[[source]]\nname = \"irc\"\npath = \"chat.irc\"\nplugin = {{ path = {:?}, sha256 = \"{}\" }}\n[source.fields]\nnick = \"username\"\n",
        path.display().to_string(),
        "0".repeat(64)
    );
    let dir = job_folder(&job, &[("chat.irc", IRC)]);
    let output = sleuth(&["check", dir.path().join("job.toml").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("job.toml:7:"), "{stderr}");
    assert!(stderr.contains("sha256 mismatch"), "{stderr}");
}

#[test]
fn the_workbench_scaffolds_builds_inspects_and_parses_a_new_plugin() {
    let dir = tempfile::tempdir().unwrap();
    let out = sleuth_ok(&["plugin", "new", "tip-line", "--dir", dir.path().to_str().unwrap()]);
    assert!(out.contains("created"), "{out}");
    let crate_dir = dir.path().join("tip-line");
    // Share the guests' target folder: its dependencies are built already.
    let build = std::process::Command::new(env!("CARGO_BIN_EXE_sleuth"))
        .args(["plugin", "build", crate_dir.to_str().unwrap()])
        .env("CARGO_TARGET_DIR", repo().join("target").join("guests"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&build.stdout);
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let wasm = stdout.lines().next().unwrap();
    assert!(wasm.ends_with("tip_line.wasm"), "{stdout}");
    let sha = sha256_hex(&std::fs::read(wasm).unwrap());
    assert!(stdout.contains(&format!("sha256 = \"{sha}\"")), "{stdout}");

    let inspect = sleuth_ok(&["plugin", "inspect", wasm]);
    assert!(inspect.contains("world:       parser"), "{inspect}");
    assert!(inspect.contains("name:        tip-line"), "{inspect}");
    assert!(inspect.contains("sdk version: 0.2.0"), "{inspect}");
    assert!(inspect.contains("sleuth:plugin/host@0.2.0"), "{inspect}");
    assert!(inspect.contains("contract:    sleuth:plugin@0.2.0 (exports sleuth:plugin/parsing@0.2.0)"), "{inspect}");

    let input = dir.path().join("tips.txt");
    std::fs::write(&input, "dark_angel,da@example.org\nno comma here\n").unwrap();
    let parsed = sleuth(&["plugin", "parse", wasm, input.to_str().unwrap()]);
    assert!(parsed.status.success());
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&parsed.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["attributes"][0][2], "dark_angel");
    let stderr = String::from_utf8_lossy(&parsed.stderr);
    assert!(stderr.contains("line 2: expected `username,email`"), "{stderr}");
}

#[test]
fn the_bundled_plugins_are_the_example_crates_builds() {
    let bundled = |name: &str| Plugin::load(&repo().join("plugins/dist").join(name), None, Limits::default()).unwrap();
    let (parser, fresh) = (bundled("irc_log.wasm"), load(guests::IRC_LOG, Limits::default()));
    assert_eq!((parser.world, &parser.info), (fresh.world, &fresh.info), "rebuild plugins/dist (see its README)");
    assert_eq!(parse(&parser, IRC.as_bytes()), parse(&fresh, IRC.as_bytes()));

    let matcher = Matcher::new(bundled("keyboard_typos.wasm")).unwrap();
    let fresh = Matcher::new(load(guests::KEYBOARD_TYPOS, Limits::default())).unwrap();
    assert_eq!(matcher.plugin.info, fresh.plugin.info, "rebuild plugins/dist (see its README)");
    assert_eq!(matcher.declaration, fresh.declaration);
    let subjects: Vec<_> = ["darkangel", "darkangwl", "darkanegl", "shadow98", "shadow99"]
        .iter()
        .map(|v| Subject { raw: vec![v.to_string()], normalized: vec![v.to_string()] })
        .collect();
    let pairs = [(0, 1), (0, 2), (3, 4), (1, 2)];
    assert_eq!(
        matcher.compare(&subjects, &pairs, "testing").unwrap(),
        fresh.compare(&subjects, &pairs, "testing").unwrap()
    );
}

#[test]
fn plugins_built_against_contract_0_1_still_load_and_agree_with_their_0_2_builds() {
    // The example plugins as SDK 0.1.0 built them (plugins/dist before contract 0.2.0).
    let old = |name: &str| {
        Plugin::load(&repo().join("tests/fixtures/contract-0.1").join(name), None, Limits::default()).unwrap()
    };
    let (parser, fresh) = (old("irc_log.wasm"), load(guests::IRC_LOG, Limits::default()));
    assert_eq!((parser.contract, parser.export.as_str()), (Contract::V0_1, "sleuth:plugin/parsing@0.1.0"));
    assert_eq!((fresh.contract, fresh.export.as_str()), (Contract::V0_2, "sleuth:plugin/parsing@0.2.0"));
    assert_eq!(parser.info.sdk_version, "0.1.0");
    assert_eq!(parse(&parser, IRC.as_bytes()), parse(&fresh, IRC.as_bytes()));

    let matcher = Matcher::new(old("keyboard_typos.wasm")).unwrap();
    let fresh = Matcher::new(load(guests::KEYBOARD_TYPOS, Limits::default())).unwrap();
    assert_eq!((matcher.plugin.contract, fresh.plugin.contract), (Contract::V0_1, Contract::V0_2));
    assert_eq!(matcher.declaration, fresh.declaration);
    // Several values a record, none, and non-ASCII ones cross alike.
    let subject = |raw: &[&str], normalized: &[&str]| Subject {
        raw: raw.iter().map(|v| v.to_string()).collect(),
        normalized: normalized.iter().map(|v| v.to_string()).collect(),
    };
    let subjects = [
        subject(&["darkangel"], &["darkangel"]),
        subject(&["darkangwl", "zzzz"], &["darkangwl", "zzzz"]),
        subject(&["qqqq", "DarkAnegl"], &[]),
        subject(&[], &[]),
        subject(&["ѕаrаh"], &["sarah"]),
        subject(&["sаrаg"], &["sarag"]),
    ];
    let pairs: Vec<(u32, u32)> = (0..6).flat_map(|a| (0..6).map(move |b| (a, b))).collect();
    let (old, new) =
        (matcher.compare(&subjects, &pairs, "testing").unwrap(), fresh.compare(&subjects, &pairs, "testing").unwrap());
    assert_eq!(old, new);
    let levels: Vec<Option<u8>> = new[..3].iter().map(|v| v.level).collect();
    assert_eq!(levels, [None, Some(0), Some(1)], "{new:?}");

    // `inspect` names the contract, and suggests a rebuild to an old matcher.
    let path = repo().join("tests/fixtures/contract-0.1/keyboard_typos.wasm");
    let inspect = sleuth_ok(&["plugin", "inspect", path.to_str().unwrap()]);
    assert!(inspect.contains("contract:    sleuth:plugin@0.1.0 (exports sleuth:plugin/matching@0.1.0)"), "{inspect}");
    assert!(inspect.contains("rebuild with sleuth-sdk 0.2.0"), "{inspect}");
}

#[test]
fn a_plugin_of_a_newer_patch_release_loads_and_its_log_works() {
    // Built against a copy of the WIT that says 0.2.1: it imports host@0.2.1.
    let plugin = load(guests::NEWER_PATCH, Limits::default());
    assert_eq!((plugin.contract, plugin.export.as_str()), (Contract::V0_2, "sleuth:plugin/matching@0.2.1"));
    assert!(plugin.imports.iter().any(|i| i == "sleuth:plugin/host@0.2.1"), "{:?}", plugin.imports);
    // `declare` logs: were `log` linked only as 0.2.0, the trap stub made for
    // the unknown 0.2.1 import would shadow it and `declare` would trap.
    let matcher = Matcher::new(plugin).unwrap();
    let subject = |v: &str| Subject { raw: vec![v.to_string()], normalized: Vec::new() };
    let verdicts = matcher.compare(&[subject("a"), subject("a"), subject("b")], &[(0, 1), (0, 2)], "testing").unwrap();
    assert_eq!(verdicts.iter().map(|v| v.level).collect::<Vec<_>>(), [Some(0), Some(1)]);
}

#[test]
fn a_plugin_calling_what_the_host_does_not_provide_is_told_so() {
    // matcher-traps prints on a value containing `print`: stdout is linked as a trap.
    let matcher = Matcher::new(load(guests::MATCHER_TRAPS, Limits::default())).unwrap();
    let subject = |v: &str| Subject { raw: vec![v.to_string()], normalized: vec![v.to_string()] };
    let error = matcher.compare(&[subject("printer"), subject("ann")], &[(0, 1)], "testing").unwrap_err();
    assert!(error.message.starts_with("called `wasi:cli/stdout@0.2."), "{error}");
    assert!(error.message.contains("which Sleuth does not provide to plugins"), "{error}");
    // The pool's next instance works.
    let verdicts = matcher.compare(&[subject("ann"), subject("ann")], &[(0, 1)], "testing").unwrap();
    assert_eq!(verdicts[0].level, Some(0));
}
