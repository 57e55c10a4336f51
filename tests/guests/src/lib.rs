//! The plugins under `plugins/`, built to components for the host's tests
//! (`build.rs`). Each guest is a path, or the reason it did not build, which
//! fails only the tests that use it.

use std::path::PathBuf;

/// A guest component.
#[derive(Debug, Clone, Copy)]
pub struct Guest {
    /// The crate's lib target name.
    pub name: &'static str,
    wasm: Result<&'static str, &'static str>,
}

impl Guest {
    /// The component's path; panics, naming the reason, when it did not build.
    pub fn path(&self) -> PathBuf {
        match self.wasm {
            Ok(path) => PathBuf::from(path),
            Err(why) => panic!("test guest {} is unavailable: {why}", self.name),
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/guests.rs"));
