//! Sandboxed WebAssembly plugins: agencies' parsers and matchers, run by
//! wasmtime as components of the WIT contract `sleuth:plugin`, at each
//! version in [`Contract::SUPPORTED`] (`sdk/wit/0.2.0/`, `sdk/wit/0.1.0/`).
//! The only module that uses wasmtime.
//!
//! One code path serves every contract: a plugin's exports are looked up by
//! their versioned names (`sleuth:plugin/matching@0.2.0`) and called as
//! typed functions whose parameter and result types are the 0.1.0 bindings'
//! (wasmtime checks component types by structure, and every version keeps
//! `types`, `host` and `parsing` as 0.1.0 has them). Only a matcher's
//! `compare` differs by contract (see [`matcher`]).
//!
//! A plugin is untrusted:
//! - at load, its sha256 is checked against the job's pin, and a component
//!   importing anything beyond the host's `log` and the standard library's
//!   plumbing (stdio, environment, exit; linked as traps) is refused: no
//!   filesystem, sockets, clocks or randomness;
//! - each call runs with a fuel budget (instructions) and an epoch deadline
//!   (wall-clock backstop), in a store whose memory is capped;
//! - a trap (a panic, a loop stopped, the memory cap) fails that call with an
//!   error naming the plugin and what it was doing; the instance is dropped
//!   and a fresh one serves the next call.
//!
//! One [`Engine`] serves the process. Components are compiled once and cached
//! on disk ([`cache`]), keyed by the component's sha256 and the engine's
//! compatibility hash.

mod cache;
pub mod matcher;
pub mod parser;
pub mod workbench;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use sha2::{Digest, Sha256};
use wasmtime::component::{Component, ComponentNamedList, Func, HasSelf, Instance, Lift, Linker, Lower, TypedFunc};
use wasmtime::{Config, Engine, ResourceLimiter, Store, Trap};

pub use matcher::Matcher;
pub use parser::Parser;

/// Bindings generated from the 0.1.0 contract: the `types` records and the
/// `host` interface, which every supported contract shares.
mod bindings {
    pub mod parser {
        wasmtime::component::bindgen!({ path: "../sdk/wit/0.1.0", world: "parser" });
    }
}

use bindings::parser::sleuth::plugin::{host, types};

/// A version of the WIT contract `sleuth:plugin` that this host loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Contract {
    /// `sleuth:plugin@0.1.0`: a matcher's records cross as a list of
    /// records of lists of strings.
    #[serde(rename = "0.1.0")]
    V0_1,
    /// `sleuth:plugin@0.2.0`: a matcher's batch crosses packed in one string.
    #[serde(rename = "0.2.0")]
    V0_2,
}

impl Contract {
    /// The contracts this host loads, newest first.
    pub const SUPPORTED: [Contract; 2] = [Contract::V0_2, Contract::V0_1];

    /// `0.2.0`.
    pub fn version(self) -> &'static str {
        match self {
            Contract::V0_1 => "0.1.0",
            Contract::V0_2 => "0.2.0",
        }
    }

    /// `sleuth:plugin@0.2.0`.
    pub fn package(self) -> String {
        format!("sleuth:plugin@{}", self.version())
    }

    /// The interface a plugin of `world` exports at this contract. Looked
    /// up as wasmtime does, semver-aware: a component's `…@0.2.3` answers
    /// to `…@0.2.0`.
    fn export(self, world: World) -> String {
        let interface = match world {
            World::Parser => "parsing",
            World::Matcher => "matching",
        };
        format!("sleuth:plugin/{interface}@{}", self.version())
    }
}

impl fmt::Display for Contract {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.package())
    }
}

/// How often the epoch ticks: the resolution of call deadlines.
const TICK: Duration = Duration::from_millis(10);

/// Imports a component may have. The host's `log` is real (and `types` only
/// types); the rest is the
/// plumbing Rust's standard library for `wasm32-wasip2` imports whether or
/// not a plugin uses it, linked as functions that trap when called.
const ALLOWED_IMPORTS: &[&str] = &[
    "sleuth:plugin/host@0.1.",
    "sleuth:plugin/types@0.1.",
    "sleuth:plugin/host@0.2.",
    "sleuth:plugin/types@0.2.",
    "wasi:cli/environment@0.2.",
    "wasi:cli/exit@0.2.",
    "wasi:cli/stdin@0.2.",
    "wasi:cli/stdout@0.2.",
    "wasi:cli/stderr@0.2.",
    "wasi:cli/terminal-",
    "wasi:io/error@0.2.",
    "wasi:io/poll@0.2.",
    "wasi:io/streams@0.2.",
];

/// The bounds a plugin runs within; each can be set per plugin in the job
/// file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most linear memory an instance may have, in MiB.
    pub memory_mib: u64,
    /// Instructions (wasmtime fuel) one call may execute.
    pub fuel_per_call: u64,
    /// The most wall-clock time one call may take, in milliseconds.
    pub deadline_ms: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { memory_mib: 256, fuel_per_call: 2_000_000_000, deadline_ms: 10_000 }
    }
}

/// Which world a component implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum World {
    /// `parser`: an input format.
    Parser,
    /// `matcher`: a matching rule.
    Matcher,
}

impl From<types::PluginInfo> for Info {
    fn from(info: types::PluginInfo) -> Info {
        Info { name: info.name, version: info.version, sdk_version: info.sdk_version }
    }
}

impl fmt::Display for World {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            World::Parser => "parser",
            World::Matcher => "matcher",
        })
    }
}

/// Who a plugin says it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Info {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// The SDK version it was built against.
    pub sdk_version: String,
}

/// A plugin that failed: at load, or in a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("plugin {plugin}: {message}")]
pub struct PluginError {
    /// The plugin: its name and version once known, else its file.
    pub plugin: String,
    /// What went wrong, and what it was doing.
    pub message: String,
}

/// A loaded, checked and compiled component.
pub struct Plugin {
    /// The `.wasm` file.
    pub path: PathBuf,
    /// Its sha256, in hex.
    pub sha256: String,
    /// Its world.
    pub world: World,
    /// Who it says it is.
    pub info: Info,
    /// The contract it was built against.
    pub contract: Contract,
    /// The exact name of its world's export: `sleuth:plugin/matching@0.2.0`.
    pub export: String,
    /// The names of the interfaces it imports.
    pub imports: Vec<String>,
    /// Its bounds.
    pub limits: Limits,
    component: Component,
    linker: Linker<HostState>,
}

impl fmt::Debug for Plugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plugin")
            .field("path", &self.path)
            .field("sha256", &self.sha256)
            .field("world", &self.world)
            .field("info", &self.info)
            .field("contract", &self.contract)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// What a store holds for its instance.
struct HostState {
    /// The plugin's name, for its log lines.
    plugin: String,
    /// The memory cap in bytes.
    memory_limit: usize,
    /// Set when the instance asked for more memory than the cap.
    memory_refused: Option<usize>,
    /// The last error-level log line (a panic's message, from the SDK's hook).
    last_error: Option<String>,
}

impl host::Host for HostState {
    fn log(&mut self, level: host::Level, message: String) {
        let plugin = self.plugin.as_str();
        match level {
            host::Level::Error => {
                tracing::error!(plugin, "{message}");
                self.last_error = Some(message);
            }
            host::Level::Warn => tracing::warn!(plugin, "{message}"),
            host::Level::Info => tracing::info!(plugin, "{message}"),
            host::Level::Debug => tracing::debug!(plugin, "{message}"),
            host::Level::Trace => tracing::trace!(plugin, "{message}"),
        }
    }
}

/// The shared types interface has no functions for the host to provide.
impl types::Host for HostState {}

impl ResourceLimiter for HostState {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.memory_limit {
            self.memory_refused = Some(desired);
            return Err(wasmtime::format_err!("memory limit reached"));
        }
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= 1 << 20)
    }
}

/// The process's one engine, with the ticker that advances its epoch.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = Config::new();
        config.wasm_component_model(true).consume_fuel(true).epoch_interruption(true);
        let engine = Engine::new(&config).expect("the plugin engine's configuration is valid");
        let ticking = engine.clone();
        std::thread::Builder::new()
            .name("sleuth-plugin-epoch".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(TICK);
                    ticking.increment_epoch();
                }
            })
            .expect("start the plugin epoch thread");
        engine
    })
}

/// The sha256 of `bytes` in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::config::settings::hex(&Sha256::digest(bytes))
}

impl Plugin {
    /// Loads the component at `path`: checks its sha256 against `pinned`
    /// (when given), compiles it (or takes it from the cache), refuses
    /// imports beyond the allow-list, finds its world and asks who it is.
    pub fn load(path: &Path, pinned: Option<&str>, limits: Limits) -> Result<Plugin, PluginError> {
        let file = || PluginError { plugin: path.display().to_string(), message: String::new() };
        let fail = |message: String| PluginError { message, ..file() };
        let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read it: {e}")))?;
        let sha256 = sha256_hex(&bytes);
        if let Some(pinned) = pinned
            && !pinned.eq_ignore_ascii_case(&sha256)
        {
            return Err(fail(format!(
                "sha256 mismatch: the job pins {pinned} but the file's is {sha256}; refusing to run a plugin other than the one pinned"
            )));
        }
        let engine = engine();
        let component =
            cache::compile(engine, &bytes, &sha256).map_err(|e| fail(format!("not a valid component: {e:#}")))?;
        let ty = component.component_type();
        let imports: Vec<String> = ty.imports(engine).map(|(name, _)| name.to_string()).collect();
        let refused: Vec<&str> = imports
            .iter()
            .map(String::as_str)
            .filter(|name| !ALLOWED_IMPORTS.iter().any(|allowed| name.starts_with(allowed)))
            .collect();
        if !refused.is_empty() {
            return Err(fail(format!(
                "refused: it imports {}; a plugin may import only the host's log (no filesystem, network, clock or randomness)",
                refused.join(", ")
            )));
        }
        let exports: Vec<String> = ty.exports(engine).map(|(name, _)| name.to_string()).collect();
        let found = Contract::SUPPORTED
            .iter()
            .flat_map(|&contract| [(World::Parser, contract), (World::Matcher, contract)])
            .find(|&(world, contract)| component.get_export_index(None, contract.export(world)).is_some());
        let Some((world, contract)) = found else {
            let supported: Vec<String> = Contract::SUPPORTED.iter().map(|c| c.package()).collect();
            return Err(fail(format!(
                "exports neither a parser nor a matcher of {} (it exports: {})",
                supported.join(" or "),
                if exports.is_empty() { "nothing".to_string() } else { exports.join(", ") }
            )));
        };
        // The exact name: a 0.2.3 build exports `…@0.2.3`, which `…@0.2.0` finds.
        let wanted = contract.export(world);
        let minor = &wanted[..=wanted.rfind('.').unwrap_or(wanted.len() - 1)];
        let export = exports.iter().find(|e| e.starts_with(minor)).cloned().unwrap_or(wanted);
        let mut linker = Linker::new(engine);
        // The host's `log`, under every name the component imports it by
        // (`host@0.1.0`, `host@0.2.0`, …): a name left to the trap stubs
        // below would shadow a semver-compatible one, and `log` would trap.
        for name in imports.iter().filter(|name| name.starts_with("sleuth:plugin/host@")) {
            let mut instance = linker.instance(name).map_err(|e| fail(format!("cannot link the host: {e:#}")))?;
            host::add_to_linker_instance::<HostState, HasSelf<HostState>>(&mut instance, |state| state)
                .map_err(|e| fail(format!("cannot link the host: {e:#}")))?;
        }
        linker.define_unknown_imports_as_traps(&component).map_err(|e| fail(format!("cannot link: {e:#}")))?;
        let placeholder = Info { name: path.display().to_string(), version: String::new(), sdk_version: String::new() };
        let mut plugin = Plugin {
            path: path.to_path_buf(),
            sha256,
            world,
            info: placeholder,
            contract,
            export,
            imports,
            limits,
            component,
            linker,
        };
        plugin.info = match world {
            World::Parser => parser::describe(&plugin)?,
            World::Matcher => matcher::describe(&plugin)?,
        };
        Ok(plugin)
    }

    /// `name version`, for messages.
    pub fn label(&self) -> String {
        if self.info.version.is_empty() {
            self.info.name.clone()
        } else {
            format!("`{}` {}", self.info.name, self.info.version)
        }
    }

    /// A fresh store for one instance, within the plugin's limits.
    fn store(&self) -> Store<HostState> {
        let memory_limit = usize::try_from(self.limits.memory_mib.saturating_mul(1 << 20)).unwrap_or(usize::MAX);
        let state = HostState { plugin: self.info.name.clone(), memory_limit, memory_refused: None, last_error: None };
        let mut store = Store::new(engine(), state);
        store.limiter(|state| state);
        // What one call may hand back is bounded by the instance's memory
        // already: a parser emitting all it held at the end of a large input
        // must not hit wasmtime's separate 128 MiB default.
        store.set_hostcall_fuel(memory_limit);
        store.epoch_deadline_trap();
        store
    }

    /// Runs one call into an instance in `store` with a full fuel budget and
    /// a fresh deadline; a failure becomes an error naming the plugin and
    /// what it was `doing`.
    fn call<T>(
        &self,
        store: &mut Store<HostState>,
        doing: &str,
        call: impl FnOnce(&mut Store<HostState>) -> wasmtime::Result<T>,
    ) -> Result<T, PluginError> {
        // Fuel is enabled on the engine, so setting it cannot fail.
        let _ = store.set_fuel(self.limits.fuel_per_call);
        store.set_epoch_deadline(self.limits.deadline_ms.div_ceil(TICK.as_millis() as u64).max(1));
        call(store).map_err(|e| self.failure(store, doing, &e))
    }

    /// A fresh instance in a fresh store, with what `exports` takes from
    /// it (its functions, typed).
    fn instantiate<B>(
        &self,
        doing: &str,
        exports: impl FnOnce(&mut Store<HostState>, &Instance) -> wasmtime::Result<B>,
    ) -> Result<(Store<HostState>, B), PluginError> {
        let mut store = self.store();
        let bindings = self.call(&mut store, doing, |store| {
            let instance = self.linker.instantiate(&mut *store, &self.component)?;
            exports(store, &instance)
        })?;
        Ok((store, bindings))
    }

    /// Function `name` of the plugin's world export in `instance`, typed.
    /// The types are checked here, so a component whose functions differ
    /// from its contract's fails when it is instantiated, not at a call.
    fn function<P, R>(
        &self,
        store: &mut Store<HostState>,
        instance: &Instance,
        name: &str,
    ) -> wasmtime::Result<TypedFunc<P, R>>
    where
        P: ComponentNamedList + Lower,
        R: ComponentNamedList + Lift,
    {
        self.untyped_function(store, instance, name)?.typed::<P, R>(&*store)
    }

    /// Function `name` of the plugin's world export in `instance`, for a
    /// call whose parameters borrow (typed at each call).
    fn untyped_function(
        &self,
        store: &mut Store<HostState>,
        instance: &Instance,
        name: &str,
    ) -> wasmtime::Result<Func> {
        let export = &self.export;
        let interface = instance
            .get_export_index(&mut *store, None, export)
            .ok_or_else(|| wasmtime::format_err!("no export `{export}`"))?;
        instance
            .get_export_index(&mut *store, Some(&interface), name)
            .and_then(|index| instance.get_func(&mut *store, index))
            .ok_or_else(|| wasmtime::format_err!("no function `{name}` in `{export}`"))
    }

    /// An error for a call that failed while `doing` something.
    fn failure(&self, store: &Store<HostState>, doing: &str, error: &wasmtime::Error) -> PluginError {
        let state = store.data();
        let reason = if let Some(asked) = state.memory_refused {
            format!(
                "exceeded its memory limit of {} MiB (it asked for {} MiB)",
                self.limits.memory_mib,
                asked.div_ceil(1 << 20)
            )
        } else {
            match error.downcast_ref::<Trap>() {
                Some(Trap::OutOfFuel) => format!(
                    "was stopped after {} instructions (its fuel per call): it loops, or works far too hard",
                    self.limits.fuel_per_call
                ),
                Some(Trap::Interrupt) => {
                    format!(
                        "was stopped at its deadline of {} ms per call: it loops, or works far too hard",
                        self.limits.deadline_ms
                    )
                }
                Some(trap) => match &state.last_error {
                    Some(message) if message.starts_with("panicked") => message.clone(),
                    Some(message) => format!("trapped ({trap}) after logging: {message}"),
                    None => format!("trapped: {trap}"),
                },
                None => {
                    // wasmtime puts the wasm backtrace before the cause.
                    let text = format!("{error:#}");
                    match text.split_once("unknown import: ").map(|(_, import)| import) {
                        Some(import) => format!(
                            "called {}, which Sleuth does not provide to plugins (write to the log with sleuth_sdk::log)",
                            import.trim_end_matches(" has not been defined")
                        ),
                        None => text,
                    }
                }
            }
        };
        PluginError { plugin: self.label(), message: format!("{reason} (while {doing})") }
    }
}
