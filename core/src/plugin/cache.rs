//! Compiled components cached on disk.
//!
//! Compiling a component takes about 0.1 s in a release build of Sleuth and
//! seconds in a debug one; a job compiles each plugin once per machine. The
//! cache folder is `$SLEUTH_CACHE`, else `$XDG_CACHE_HOME/sleuth`, else
//! `~/.cache/sleuth`; an entry's name is the component's sha256 and a hash of
//! the engine's compatibility (wasmtime version, target, settings), so a new
//! Sleuth never loads an old build. A cache that cannot be written is not an
//! error: the component is compiled each time.

use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use wasmtime::Engine;
use wasmtime::component::Component;

/// The cache folder, if one can be named.
fn folder() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("SLEUTH_CACHE")
        .or_else(|| var("XDG_CACHE_HOME").map(|p| p.join("sleuth")))
        .or_else(|| var("HOME").map(|p| p.join(".cache").join("sleuth")))
        .map(|p| p.join("plugins"))
}

/// The component for `bytes` (whose sha256 is `sha256`), from the cache or
/// compiled and cached.
pub fn compile(engine: &Engine, bytes: &[u8], sha256: &str) -> wasmtime::Result<Component> {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    let name = format!("{sha256}-{:016x}.cwasm", hasher.finish());
    let Some(folder) = folder() else { return Component::new(engine, bytes) };
    let path = folder.join(name);
    if path.is_file() {
        // SAFETY: the file was written by `precompile_component` of an engine
        // with the same compatibility hash (its name says so), into the
        // user's own cache folder; wasmtime checks its header and version
        // again. Anyone who can write that folder can already run code as
        // the user.
        #[allow(unsafe_code)]
        match unsafe { Component::deserialize_file(engine, &path) } {
            Ok(component) => return Ok(component),
            Err(error) => tracing::warn!(path = %path.display(), "ignoring a cached component: {error:#}"),
        }
    }
    let compiled = engine.precompile_component(bytes)?;
    // SAFETY: `compiled` was produced just now by this engine.
    #[allow(unsafe_code)]
    let component = unsafe { Component::deserialize(engine, &compiled)? };
    let temporary =
        folder.join(format!(".{}.{}", std::process::id(), path.file_name().unwrap_or_default().to_string_lossy()));
    let written = std::fs::create_dir_all(&folder)
        .and_then(|()| std::fs::write(&temporary, &compiled))
        .and_then(|()| std::fs::rename(&temporary, &path));
    if let Err(error) = written {
        tracing::warn!(path = %path.display(), "cannot cache a compiled component: {error}");
        let _ = std::fs::remove_file(&temporary);
    }
    Ok(component)
}
