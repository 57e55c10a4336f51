//! The plugin workbench behind `sleuth plugin`: scaffold a plugin crate,
//! build it to a component, inspect a component, run a parser on a file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::parser::{self, Parsed};
use super::{Contract, Limits, Plugin, PluginError, World};

/// The wasm target plugins are built for.
pub const TARGET: &str = "wasm32-wasip2";

/// A workbench step that failed.
#[derive(Debug, thiserror::Error)]
pub enum WorkbenchError {
    /// The plugin failed to load or run.
    #[error("{0}")]
    Plugin(#[from] PluginError),
    /// Something else, said for a person.
    #[error("{0}")]
    Other(String),
}

fn other(message: impl Into<String>) -> WorkbenchError {
    WorkbenchError::Other(message.into())
}

/// The SDK this Sleuth was built with, when its sources are at hand (a
/// checkout): scaffolds depend on it by path, else on the published crate.
fn sdk_dependency(sdk: Option<&Path>) -> String {
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk");
    match sdk.map(Path::to_path_buf).or_else(|| bundled.canonicalize().ok()) {
        Some(path) => format!("sleuth-sdk = {{ path = {:?} }}", path.display().to_string()),
        None => format!("sleuth-sdk = \"{}\"", Contract::SUPPORTED[0].version()),
    }
}

/// Creates crate `name` in `dir`: a parser (or, with `matcher`, a matcher)
/// that builds as it is and has a unit test. Returns the crate's folder.
pub fn new(name: &str, dir: &Path, matcher: bool, sdk: Option<&Path>) -> Result<PathBuf, WorkbenchError> {
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.starts_with(|c: char| c.is_ascii_alphabetic());
    if !valid {
        return Err(other(format!(
            "`{name}` is not a crate name: use ASCII letters, digits, - and _, starting with a letter"
        )));
    }
    let root = dir.join(name);
    if root.exists() {
        return Err(other(format!("{} already exists", root.display())));
    }
    let world = if matcher { "matcher" } else { "parser" };
    let manifest = format!(
        r#"[package]
name = "{name}"
description = "A Sleuth {world} plugin."
version = "0.1.0"
edition = "2024"
publish = false

[lib]
crate-type = ["cdylib", "rlib"]

[dependencies]
{sdk}

[profile.release]
opt-level = "s"
lto = true
strip = true
codegen-units = 1

# A crate of its own, not a member of any enclosing workspace.
[workspace]
"#,
        sdk = sdk_dependency(sdk)
    );
    let source = if matcher { MATCHER_TEMPLATE } else { PARSER_TEMPLATE };
    let readme = format!(
        "# {name}\n\nA Sleuth {world} plugin.\n\n```sh\ncargo test                      # the logic, natively\nsleuth plugin build .           # the component: prints its path and sha256\nsleuth plugin inspect PATH.wasm\n{}```\n\nPin it in a job file with the printed sha256.\n",
        if matcher { "" } else { "sleuth plugin parse PATH.wasm INPUT\n" }
    );
    let write = |path: PathBuf, text: &str| {
        std::fs::create_dir_all(path.parent().expect("a file in the crate"))
            .and_then(|()| std::fs::write(&path, text))
            .map_err(|e| other(format!("cannot write {}: {e}", path.display())))
    };
    write(root.join("Cargo.toml"), &manifest)?;
    write(root.join("src/lib.rs"), source)?;
    write(root.join("README.md"), &readme)?;
    write(root.join(".gitignore"), "/target\n")?;
    Ok(root)
}

const PARSER_TEMPLATE: &str = r#"//! A Sleuth parser plugin: lines of `username,email`, one record per line.
//! Replace the format with your agency's.

use sleuth_sdk::{Line, Lines, ParseError, Parsed, Parser, Record};

/// The parse of one input.
#[derive(Default)]
pub struct Plugin {
    lines: Lines,
}

fn read(line: Line, parsed: &mut Parsed) {
    let text = match line.text() {
        Ok(text) => text,
        Err(error) => return parsed.rejects.push(error),
    };
    match text.split_once(',') {
        Some((username, email)) => parsed.records.push(
            Record::at(line.position()).with("username", "username", username.trim()).with("email", "email", email.trim()),
        ),
        None => parsed.rejects.push(line.error("expected `username,email`")),
    }
}

impl Parser for Plugin {
    fn feed(&mut self, chunk: &[u8]) -> Result<Parsed, ParseError> {
        let mut parsed = Parsed::default();
        for line in self.lines.feed(chunk) {
            read(line, &mut parsed);
        }
        Ok(parsed)
    }

    fn finish(&mut self) -> Result<Parsed, ParseError> {
        let mut parsed = Parsed::default();
        if let Some(line) = self.lines.finish() {
            read(line, &mut parsed);
        }
        Ok(parsed)
    }
}

sleuth_sdk::export!(parser: Plugin);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lines_split_across_chunks() {
        let mut parser = Plugin::default();
        let first = parser.feed(b"dark_angel,da@example.org\nsha").unwrap();
        let rest = parser.feed(b"dow\n").unwrap();
        assert_eq!(first.records.len(), 1);
        assert_eq!(rest.rejects[0].position.line, 2);
    }
}
"#;

const MATCHER_TEMPLATE: &str = r#"//! A Sleuth matcher plugin: usernames equal once case is ignored.
//! Replace the rule with your agency's.

use sleuth_sdk::{Declaration, Matcher, Subject, Verdict};

/// The matcher.
pub struct Plugin;

impl Matcher for Plugin {
    fn declare() -> Declaration {
        Declaration {
            kinds: vec!["username".into()],
            levels: vec!["same".into(), "different".into()],
            rules: vec!["case-insensitive".into(), "unequal".into()],
        }
    }

    fn compare(a: &Subject, b: &Subject) -> Verdict {
        let same = a.raw().any(|x| b.raw().any(|y| x.eq_ignore_ascii_case(y)));
        if same { Verdict::level(0, "case-insensitive") } else { Verdict::level(1, "unequal") }
    }
}

sleuth_sdk::export!(matcher: Plugin);

#[cfg(test)]
mod tests {
    use super::*;
    use sleuth_sdk::Subjects;

    #[test]
    fn ignores_case() {
        let mut subjects = Subjects::default();
        let [shadow_upper, shadow, shadow98, shadow99] =
            ["Shadow", "shadow", "shadow98", "shadow99"].map(|v| subjects.push(&[v], &[]));
        let verdict = |a, b| Plugin::compare(&subjects.get(a).unwrap(), &subjects.get(b).unwrap());
        assert_eq!(verdict(shadow_upper, shadow).level, Some(0));
        assert_eq!(verdict(shadow98, shadow99).level, Some(1));
    }
}
"#;

/// Adds the wasm target with rustup when it is missing.
pub fn ensure_target() -> Result<(), WorkbenchError> {
    let installed = Command::new("rustup").args(["target", "list", "--installed"]).output();
    match installed {
        Ok(out) if String::from_utf8_lossy(&out.stdout).lines().any(|l| l.trim() == TARGET) => Ok(()),
        Ok(_) => {
            eprintln!("adding the {TARGET} target with rustup");
            let status = Command::new("rustup")
                .args(["target", "add", TARGET])
                .status()
                .map_err(|e| other(format!("cannot run rustup: {e}")))?;
            if status.success() { Ok(()) } else { Err(other(format!("`rustup target add {TARGET}` failed"))) }
        }
        // No rustup: let cargo say whether the target is there.
        Err(_) => Ok(()),
    }
}

/// Builds the plugin crate at `path` for the wasm target in release mode and
/// returns the component's path.
pub fn build(path: &Path) -> Result<PathBuf, WorkbenchError> {
    let manifest = if path.is_dir() { path.join("Cargo.toml") } else { path.to_path_buf() };
    if !manifest.is_file() {
        return Err(other(format!("{} is not a plugin crate (no Cargo.toml)", path.display())));
    }
    ensure_target()?;
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["build", "--release", "--target", TARGET, "--message-format=json-render-diagnostics", "--manifest-path"])
        .arg(&manifest)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| other(format!("cannot run cargo: {e}")))?;
    if !output.status.success() {
        return Err(other(format!("building {} failed (cargo's messages are above)", manifest.display())));
    }
    let mut wasm = None;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let manifest_path = message["manifest_path"].as_str().map(PathBuf::from);
        let ours = manifest_path.and_then(|p| p.canonicalize().ok()) == manifest.canonicalize().ok();
        for file in message["filenames"].as_array().into_iter().flatten() {
            if let Some(file) = file.as_str().filter(|f| f.ends_with(".wasm"))
                && ours
            {
                wasm = Some(PathBuf::from(file));
            }
        }
    }
    wasm.ok_or_else(|| other(format!("building {} made no .wasm: is it a cdylib?", manifest.display())))
}

/// Prints what `sleuth plugin inspect` shows of the component at `path`.
pub fn inspect(path: &Path, out: &mut dyn Write) -> Result<(), WorkbenchError> {
    let plugin = Plugin::load(path, None, Limits::default())?;
    let io = |e: std::io::Error| other(format!("cannot write: {e}"));
    writeln!(out, "file:        {}", path.display()).map_err(io)?;
    writeln!(out, "sha256:      {}", plugin.sha256).map_err(io)?;
    writeln!(out, "world:       {}", plugin.world).map_err(io)?;
    writeln!(out, "name:        {}", plugin.info.name).map_err(io)?;
    writeln!(out, "version:     {}", plugin.info.version).map_err(io)?;
    writeln!(out, "sdk version: {}", plugin.info.sdk_version).map_err(io)?;
    writeln!(out, "contract:    {} (exports {})", plugin.contract, plugin.export).map_err(io)?;
    if plugin.world == World::Matcher && plugin.contract < Contract::SUPPORTED[0] {
        writeln!(
            out,
            "note:        built against contract {}; a rebuild with sleuth-sdk {} passes its batches faster",
            plugin.contract.version(),
            Contract::SUPPORTED[0].version()
        )
        .map_err(io)?;
    }
    writeln!(out, "imports:     {}", plugin.imports.join(", ")).map_err(io)?;
    if plugin.world == World::Matcher {
        let matcher = super::Matcher::new(plugin)?;
        writeln!(out, "compares:    {}", matcher.declaration.kinds.join(", ")).map_err(io)?;
        writeln!(out, "levels:      {}", matcher.declaration.levels.join(" / ")).map_err(io)?;
    }
    Ok(())
}

/// Runs the parser plugin at `path` over `input`: records to `out` as JSON
/// lines, rejects to `errors` with their positions. Returns the counts.
pub fn parse(
    path: &Path,
    input: &Path,
    out: &mut dyn Write,
    errors: &mut dyn Write,
) -> Result<(u64, u64), WorkbenchError> {
    let plugin = Plugin::load(path, None, Limits::default())?;
    if plugin.world != World::Parser {
        return Err(other(format!("plugin {} is a {}, not a parser", plugin.label(), plugin.world)));
    }
    let mut file = std::fs::File::open(input).map_err(|e| other(format!("cannot read {}: {e}", input.display())))?;
    let (mut records, mut rejects) = (0, 0);
    let mut failed: Option<std::io::Error> = None;
    let name = input.display().to_string();
    parser::parse(&plugin, &name, &mut file, |parsed| {
        let written = match parsed {
            Parsed::Record(record) => {
                records += 1;
                serde_json::to_writer(&mut *out, &record).map_err(std::io::Error::from).and_then(|()| writeln!(out))
            }
            Parsed::Reject(reject) => {
                rejects += 1;
                writeln!(errors, "{name}: {}: {} ({})", reject.location, reject.reason, reject.excerpt)
            }
        };
        if let Err(error) = written {
            failed.get_or_insert(error);
        }
    })
    .map_err(|e| other(format!("cannot read {}: {e}", input.display())))?;
    if let Some(error) = failed {
        return Err(other(format!("cannot write: {error}")));
    }
    Ok((records, rejects))
}
