//! The crate's error type, split by who must act: the person who wrote the
//! job or its inputs ([`Error::is_user_error`]), or whoever runs the machine.

use std::io;
use std::path::PathBuf;

use crate::config::ConfigError;

/// Anything that stops a job.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The job file is wrong.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// A source does not fit its mapping in the job file (a mapped column is
    /// missing from its header, say).
    #[error("source `{source_name}` ({}): {message}", path.display())]
    Source {
        /// The source's name.
        source_name: String,
        /// Its file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A truth file cannot be used.
    #[error("truth file {}: {message}", path.display())]
    Truth {
        /// The truth file.
        path: PathBuf,
        /// What is wrong, with the line.
        message: String,
    },
    /// A folder is not the output of a run.
    #[error("{} is not a Sleuth output folder: {message}", path.display())]
    NotAnOutput {
        /// The folder.
        path: PathBuf,
        /// What is missing.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("cannot {action} {}: {error}", path.display())]
    Io {
        /// What was being done: `read`, `write`, `create`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        error: io::Error,
    },
    /// A `sleuth plugin` step failed (a plugin that does not load, a crate
    /// that does not build).
    #[error("{0}")]
    Workbench(#[from] crate::plugin::workbench::WorkbenchError),
    /// Another run or ingest is writing the output folder.
    #[error(
        "another Sleuth run is writing {} (it holds {}); wait for it to finish, or write elsewhere with --out",
        path.display(),
        lock.display()
    )]
    Busy {
        /// The output folder.
        path: PathBuf,
        /// Its lock file.
        lock: PathBuf,
    },
    /// A job's sources cannot be added to a store (its attributes differ
    /// from the store's, or a source name is taken).
    #[error("cannot ingest {} into {}: {message}", job.display(), output.display())]
    Ingest {
        /// The job file.
        job: PathBuf,
        /// The output folder.
        output: PathBuf,
        /// Why not, and what to do.
        message: String,
    },
    /// The on-disk index failed.
    #[error("index at {}: {message}", path.display())]
    Index {
        /// The index folder.
        path: PathBuf,
        /// The cause.
        message: String,
    },
}

impl Error {
    /// Whether the person running the job must fix something in the job file
    /// or its inputs (exit code 2), rather than the job failing (exit code 1).
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            Error::Config(_)
                | Error::Source { .. }
                | Error::Truth { .. }
                | Error::NotAnOutput { .. }
                | Error::Ingest { .. }
                | Error::Workbench(_)
        )
    }

    /// An I/O error on `path`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> Error {
        let path = path.into();
        move |error| Error::Io { action, path, error }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
