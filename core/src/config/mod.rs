//! Job files: TOML as written ([`options`]), checked and resolved into the
//! [`Job`] the pipeline runs ([`settings`]), with errors that point at the
//! file, line and column ([`diagnostic`]).

pub mod diagnostic;
pub mod options;
pub mod settings;

pub use diagnostic::ConfigError;
pub use options::Format;
pub use settings::{Attribute, Blocking, Column, Job, ModelSettings, Reader, Source};
