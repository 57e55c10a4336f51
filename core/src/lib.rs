//! Sleuth resolves records from many sources into entities: the people
//! behind them.
//!
//! A job (a TOML file, see [`config`]) names the sources and maps their
//! columns to attribute kinds. A run goes through the stages in this order,
//! one module each:
//!
//! [`read`] → [`normalize`] → [`blocking`] keys → [`index`] (tantivy, on disk)
//! → [`candidates`] → [`compare`] → [`score`] (Fellegi–Sunter, EM) →
//! [`cluster`] → [`output`], driven by [`pipeline`]. [`eval`] scores an
//! output against a truth file.
//!
//! ```no_run
//! use sleuth_core::config::Job;
//! use sleuth_core::pipeline::{run, RunOptions};
//!
//! let job = Job::load("config/quickstart.toml".as_ref())?;
//! let result = run(&job, &RunOptions::default())?;
//! println!("{} entities in {}", result.summary.counts.entities, result.output.display());
//! # Ok::<(), sleuth_core::Error>(())
//! ```

#![warn(missing_docs)]

pub mod blocking;
pub mod candidates;
pub mod cluster;
pub mod compare;
pub mod compared;
pub mod config;
pub mod decimal;
pub mod error;
pub mod eval;
pub mod explain;
pub mod generation;
pub mod graph;
pub mod handles;
pub mod index;
pub mod ingest;
pub mod normalize;
pub mod output;
pub mod paths;
pub mod pipeline;
pub mod plugin;
mod prefetch;
pub mod progress;
pub mod query;
pub mod read;
pub mod record;
pub mod relationships;
pub mod score;

pub use error::{Error, Result};
