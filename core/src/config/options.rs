//! The job file as written: raw options deserialized from TOML.
//!
//! Every table denies unknown keys, so a misspelt key is an error with a
//! suggestion rather than a silent default. Values that need checking beyond
//! their type keep their span ([`Spanned`]) so that [`super::settings`] can
//! point at them. Defaults are documented on each field.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;

use crate::blocking::KeyMethod;
use crate::record::AttributeKind;

/// A whole job file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobOptions {
    /// `[job]`: name and output folder.
    pub job: JobSection,
    /// `[[source]]`: the files to read.
    #[serde(rename = "source", default)]
    pub sources: Vec<SourceOptions>,
    /// `[resolution]`: what counts as the same entity.
    #[serde(default)]
    pub resolution: ResolutionOptions,
    /// `[blocking]`: how candidate pairs are found.
    #[serde(default)]
    pub blocking: BlockingOptions,
    /// `[[compare]]`: comparisons replacing the defaults of an attribute.
    #[serde(rename = "compare", default)]
    pub compare: Vec<CompareOptions>,
    /// `[model]`: how the scoring model is trained.
    #[serde(default)]
    pub model: ModelOptions,
    /// `[[matcher]]`: matcher plugins, each adding a comparison.
    #[serde(rename = "matcher", default)]
    pub matchers: Vec<MatcherOptions>,
}

/// `plugin = { path = "…", sha256 = "…" }`: a WebAssembly plugin, pinned by
/// its hash, with the bounds it runs within.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginOptions {
    /// The `.wasm` component, relative to the job file.
    pub path: Spanned<String>,
    /// Its sha256 in hex (`sleuth plugin build` and `inspect` print it). A
    /// plugin whose file has another hash is refused.
    pub sha256: Option<Spanned<String>>,
    /// Linear memory an instance may use, in MiB. Default: 256.
    pub memory_mib: Option<Spanned<u64>>,
    /// Instructions one call may execute. Default: 2,000,000,000.
    pub fuel_per_call: Option<Spanned<u64>>,
    /// Wall-clock milliseconds one call may take. Default: 10,000.
    pub deadline_ms: Option<Spanned<u64>>,
}

/// `[[matcher]]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatcherOptions {
    /// The matcher plugin.
    pub plugin: Spanned<PluginOptions>,
    /// The attribute it compares; its kind must be one the plugin declares.
    pub attribute: Spanned<String>,
    /// The comparison's name in outputs. Default: the plugin's name.
    pub name: Option<Spanned<String>>,
}

/// `[job]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSection {
    /// A name for people; it appears in the summary.
    pub name: String,
    /// The output folder, relative to the job file. Default: `out/<name>`
    /// beside the job file. `sleuth run --out` overrides it.
    pub output: Option<Spanned<String>>,
    /// A truth file (`source,id,entity`) to evaluate the run against at its
    /// end, relative to the job file. Optional.
    pub truth: Option<Spanned<String>>,
    /// The region (ISO 3166 code, `GB`) that national phone numbers without a
    /// country code belong to. Default: none; a source may set its own.
    pub default_region: Option<Spanned<String>>,
}

/// The built-in readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// `[[source]]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceOptions {
    /// The source's name, unique in the job; it prefixes record ids in outputs.
    pub name: Spanned<String>,
    /// The file, relative to the job file.
    pub path: Spanned<String>,
    /// `csv` or `jsonl`. Default: from the file's extension.
    pub format: Option<Spanned<Format>>,
    /// A parser plugin reading the file instead of a built-in reader.
    /// `[source.fields]` then maps the plugin's field names.
    pub plugin: Option<Spanned<PluginOptions>>,
    /// The column holding record ids. Default: the record's line number.
    pub id: Option<Spanned<String>>,
    /// Column → attribute kind (`email = "email"`), or a table naming the
    /// attribute the column feeds (`given = { kind = "name", attribute = "given_name" }`).
    pub fields: BTreeMap<String, Spanned<FieldOptions>>,
    /// CSV only: splits a cell into several values (`separator = ";"`).
    /// Default: none, a cell is one value. JSON arrays are always multi-valued.
    pub separator: Option<Spanned<String>>,
    /// CSV only: the field delimiter. Default: `,`.
    pub delimiter: Option<Spanned<char>>,
    /// The region of this source's national phone numbers. Default: the job's.
    pub default_region: Option<Spanned<String>>,
}

/// How one column maps to an attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldOptions {
    /// The attribute's kind.
    pub kind: AttributeKind,
    /// The attribute's name. Default: the kind's name, so every source's
    /// columns of one kind are compared with each other.
    pub attribute: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldTable {
    kind: AttributeKind,
    attribute: Option<String>,
}

impl<'de> Deserialize<'de> for FieldOptions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl<'de> Visitor<'de> for FieldVisitor {
            type Value = FieldOptions;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an attribute kind such as \"email\", or { kind = \"…\", attribute = \"…\" }")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<FieldOptions, E> {
                let kind = AttributeKind::deserialize(de::value::StrDeserializer::<E>::new(value))?;
                Ok(FieldOptions { kind, attribute: None })
            }

            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<FieldOptions, M::Error> {
                let table = FieldTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(FieldOptions { kind: table.kind, attribute: table.attribute })
            }
        }
        deserializer.deserialize_any(FieldVisitor)
    }
}

/// `[resolution]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolutionOptions {
    /// The match probability from which two records are the same entity.
    /// Default: 0.95.
    pub threshold: Option<Spanned<f64>>,
    /// Whether records of one source are compared with each other
    /// (deduplication). Default: true. Set it to false to only link across
    /// sources that are each free of duplicates.
    #[serde(default = "yes")]
    pub within_source: bool,
}

impl Default for ResolutionOptions {
    fn default() -> Self {
        ResolutionOptions { threshold: None, within_source: true }
    }
}

fn yes() -> bool {
    true
}

/// `[blocking]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockingOptions {
    /// Blocks (records sharing one key) larger than this produce no pairs and
    /// are reported in the summary; a weak key's (a name token, an n-gram,
    /// an IP) count only up to 16 records, or this when it is smaller.
    /// Default: 500.
    pub max_block_size: Option<Spanned<u64>>,
    /// `[[blocking.key]]`: the keys to block on. When given, they replace the
    /// defaults derived from the attribute kinds.
    #[serde(rename = "key", default)]
    pub keys: Vec<BlockingKeyOptions>,
}
/// `[[blocking.key]]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockingKeyOptions {
    /// The attribute the key is made from.
    pub attribute: Spanned<String>,
    /// How the key is made. Default: `exact`.
    pub method: Option<KeyMethod>,
    /// Characters, for `prefix` (default 4) and `ngram` (default 3).
    pub length: Option<Spanned<u64>>,
}

/// String comparison methods, each giving an agreement level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodName {
    /// The identifier-aware comparator of the attribute's kind (the default
    /// for usernames, emails, cards, phones, names, dates and IPs).
    Kind,
    /// Equal or different.
    Exact,
    /// Jaro–Winkler similarity bands.
    JaroWinkler,
    /// Jaro similarity bands.
    Jaro,
    /// Levenshtein edit-distance bands.
    Levenshtein,
    /// Damerau–Levenshtein (with transpositions) edit-distance bands.
    DamerauLevenshtein,
}

/// `[[compare]]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareOptions {
    /// The attribute compared.
    pub attribute: Spanned<String>,
    /// The method. Default: the kind's default method.
    pub method: Option<MethodName>,
    /// Band limits, best first: similarities in (0, 1] for `jaro_winkler` and
    /// `jaro` (descending), edit distances for the Levenshtein methods
    /// (ascending). Exact equality is always the first level.
    pub levels: Option<Spanned<Vec<f64>>>,
    /// Whether agreeing on a common value counts for less (term-frequency
    /// damping). Default: the kind's default.
    pub damp_common_values: Option<bool>,
    /// A correlation group: comparisons of one group add only their strongest
    /// agreement to a pair's weight. Default: `handle` for usernames, emails
    /// and the email–username comparison; none for the others.
    pub group: Option<String>,
}

/// `[model]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelOptions {
    /// The probability that two random records are the same entity. Default:
    /// estimated from the data by EM.
    pub prior: Option<Spanned<f64>>,
    /// EM iterations at most. Default: 100.
    pub max_iterations: Option<u32>,
    /// Random record pairs drawn to estimate u-probabilities. Default: 300,000.
    pub u_sample_pairs: Option<u64>,
    /// Seed of the random pair sample. Default: 0.
    pub seed: Option<u64>,
    /// `[[model.fixed]]`: probabilities fixed by hand instead of trained.
    #[serde(rename = "fixed", default)]
    pub fixed: Vec<FixedOptions>,
}

/// `[[model.fixed]]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedOptions {
    /// The comparison (its attribute's name).
    pub compare: Spanned<String>,
    /// m-probabilities per level, best level first.
    pub m: Option<Spanned<Vec<f64>>>,
    /// u-probabilities per level, best level first.
    pub u: Option<Spanned<Vec<f64>>>,
}
