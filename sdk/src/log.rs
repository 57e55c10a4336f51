//! The plugin's one window on the world: a line in the host's log.

/// How much a log line matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Something failed.
    Error,
    /// Something looks wrong.
    Warn,
    /// Progress worth knowing.
    Info,
    /// Detail for the plugin's author.
    Debug,
    /// Everything.
    Trace,
}

/// Writes `message` to the host's log under the plugin's name. Natively
/// (in a plugin's unit tests) it goes to standard error.
pub fn log(level: Level, message: &str) {
    #[cfg(target_family = "wasm")]
    crate::glue::host_log(level, message);
    #[cfg(not(target_family = "wasm"))]
    eprintln!("[{level:?}] {message}");
}
