//! The job as the pipeline uses it: options checked, names resolved, paths
//! made absolute, defaults filled in from the attribute kinds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use toml::Spanned;

use super::diagnostic::{ConfigError, closest};
use super::options::{Format, JobOptions, MethodName, PluginOptions, SourceOptions};
use crate::blocking::{self, BlockingKey};
use crate::compare::{self, Comparison, Identifier, Method};
use crate::normalize;
use crate::plugin::{self, Plugin};
use crate::record::AttributeKind;

/// A resolution job, ready to run.
#[derive(Debug, Clone)]
pub struct Job {
    /// The job's name.
    pub name: String,
    /// The job file.
    pub file: PathBuf,
    /// The job file's sha256, in hex.
    pub sha256: String,
    /// The output folder.
    pub output: PathBuf,
    /// A truth file to evaluate against at the end of a run.
    pub truth: Option<PathBuf>,
    /// The sources, in job-file order.
    pub sources: Vec<Source>,
    /// The attributes, sorted by name; records hold their values by index.
    pub attributes: Vec<Attribute>,
    /// How candidates are found.
    pub blocking: Blocking,
    /// The comparisons of the scoring model, one per compared attribute.
    pub comparisons: Vec<Comparison>,
    /// How the model is trained.
    pub model: ModelSettings,
    /// The match probability from which two records are the same entity.
    pub threshold: f64,
    /// Whether records of one source are compared with each other.
    pub within_source: bool,
    /// The matcher plugins, indexed by [`Method::Plugin`] comparisons.
    pub matchers: Vec<Arc<plugin::Matcher>>,
}

impl Job {
    /// Every plugin of the job: the sources' parsers, then the matchers.
    pub fn plugins(&self) -> Vec<&Plugin> {
        let parsers = self.sources.iter().filter_map(|s| match &s.reader {
            Reader::Plugin(parser) => Some(parser.as_ref()),
            _ => None,
        });
        parsers.chain(self.matchers.iter().map(|m| &m.plugin)).collect()
    }
}

/// How a source is read.
#[derive(Debug, Clone)]
pub enum Reader {
    /// A built-in reader.
    Builtin(Format),
    /// A parser plugin.
    Plugin(Arc<plugin::Parser>),
}

/// One input of a job.
#[derive(Debug, Clone)]
pub struct Source {
    /// Its name, unique in the job.
    pub name: String,
    /// The file.
    pub path: PathBuf,
    /// The reader.
    pub reader: Reader,
    /// The column holding record ids; `None` numbers records by line.
    pub id_column: Option<String>,
    /// The columns read, each with the attribute it feeds.
    pub columns: Vec<Column>,
    /// CSV: the separator splitting a cell into several values.
    pub separator: Option<String>,
    /// CSV: the field delimiter.
    pub delimiter: u8,
    /// What normalizing this source's values needs (its phone region).
    pub normalize: normalize::Context,
}

/// A column of a source and the attribute it feeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The column's name (CSV header or JSON key).
    pub name: String,
    /// The attribute's index in [`Job::attributes`].
    pub attribute: usize,
}

/// A named, typed property of records, fed by columns of one or more sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Its name: the kind's name unless the job file names it.
    pub name: String,
    /// Its kind.
    pub kind: AttributeKind,
}

/// Candidate generation settings.
#[derive(Debug, Clone)]
pub struct Blocking {
    /// Blocks larger than this produce no pairs.
    pub max_block_size: u64,
    /// The keys blocked on.
    pub keys: Vec<BlockingKey>,
}

/// Model training settings.
#[derive(Debug, Clone)]
pub struct ModelSettings {
    /// A fixed prior, instead of one estimated by EM.
    pub prior: Option<f64>,
    /// EM iterations at most.
    pub max_iterations: u32,
    /// Random pairs drawn to estimate u-probabilities.
    pub u_sample_pairs: u64,
    /// Seed of the random pair sample.
    pub seed: u64,
    /// Fixed probabilities by comparison index.
    pub fixed: BTreeMap<usize, Fixed>,
}

/// Probabilities of one comparison fixed in the job file.
#[derive(Debug, Clone, Default)]
pub struct Fixed {
    /// m per level, best first.
    pub m: Option<Vec<f64>>,
    /// u per level, best first.
    pub u: Option<Vec<f64>>,
}

const DEFAULT_THRESHOLD: f64 = 0.95;
const DEFAULT_MAX_BLOCK_SIZE: u64 = 500;

impl Job {
    /// Reads and checks a job file.
    pub fn load(file: &Path) -> Result<Job, ConfigError> {
        let bytes =
            std::fs::read(file).map_err(|e| ConfigError::whole_file(file, format!("cannot read the job file: {e}")))?;
        let text = String::from_utf8(bytes.clone())
            .map_err(|e| ConfigError::whole_file(file, format!("the job file is not UTF-8: {e}")))?;
        let options: JobOptions = toml::from_str(&text).map_err(|e| ConfigError::from_toml(file, &text, &e))?;
        let sha256 = hex(&Sha256::digest(&bytes));
        Resolver { file, text: &text }.resolve(options, sha256)
    }
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct Resolver<'a> {
    file: &'a Path,
    text: &'a str,
}

impl Resolver<'_> {
    fn error<T>(&self, spanned: &Spanned<T>, message: impl Into<String>) -> ConfigError {
        ConfigError::at(self.file, self.text, Some(spanned.span()), message)
    }

    fn relative(&self, path: &str) -> PathBuf {
        self.file.parent().unwrap_or(Path::new(".")).join(path)
    }

    fn resolve(&self, options: JobOptions, sha256: String) -> Result<Job, ConfigError> {
        if options.sources.is_empty() {
            return Err(ConfigError::whole_file(self.file, "the job has no [[source]]"));
        }
        let attributes = attributes(&options.sources);
        let job_region = self.region(&options.job.default_region)?;
        let sources = options
            .sources
            .iter()
            .map(|s| self.source(s, &attributes, job_region.as_deref()))
            .collect::<Result<Vec<_>, _>>()?;
        self.check_unique_source_names(&options.sources)?;

        let mut comparisons = self.comparisons(&options, &attributes)?;
        let matchers = self.matchers(&options, &attributes, &mut comparisons)?;
        let blocking = self.blocking(&options, &attributes)?;
        let model = self.model(&options, &comparisons)?;

        let threshold = match &options.resolution.threshold {
            Some(t) if !(0.0..=1.0).contains(t.get_ref()) || t.get_ref().is_nan() => {
                return Err(
                    self.error(t, format!("threshold must be a probability between 0 and 1, not {}", t.get_ref()))
                );
            }
            Some(t) => *t.get_ref(),
            None => DEFAULT_THRESHOLD,
        };
        let output = match &options.job.output {
            Some(path) => self.relative(path.get_ref()),
            None => self.relative(&format!("out/{}", options.job.name)),
        };
        let truth = match &options.job.truth {
            Some(path) => {
                let resolved = self.relative(path.get_ref());
                if !resolved.is_file() {
                    return Err(self.error(path, format!("truth file {} does not exist", resolved.display())));
                }
                Some(resolved)
            }
            None => None,
        };
        Ok(Job {
            name: options.job.name,
            file: self.file.to_path_buf(),
            sha256,
            output,
            truth,
            sources,
            attributes,
            blocking,
            comparisons,
            model,
            threshold,
            within_source: options.resolution.within_source,
            matchers,
        })
    }

    fn check_unique_source_names(&self, sources: &[SourceOptions]) -> Result<(), ConfigError> {
        for (i, source) in sources.iter().enumerate() {
            if sources[..i].iter().any(|s| s.name.get_ref() == source.name.get_ref()) {
                return Err(
                    self.error(&source.name, format!("a source named `{}` is already defined", source.name.get_ref()))
                );
            }
        }
        Ok(())
    }

    /// A region code, checked: two ASCII letters, upper-cased.
    fn region(&self, region: &Option<Spanned<String>>) -> Result<Option<String>, ConfigError> {
        match region {
            Some(r) if r.get_ref().len() == 2 && r.get_ref().chars().all(|c| c.is_ascii_alphabetic()) => {
                Ok(Some(r.get_ref().to_ascii_uppercase()))
            }
            Some(r) => Err(self.error(
                r,
                format!("`{}` is not a region: give a two-letter ISO 3166 code such as \"GB\"", r.get_ref()),
            )),
            None => Ok(None),
        }
    }

    fn source(
        &self,
        options: &SourceOptions,
        attributes: &[Attribute],
        job_region: Option<&str>,
    ) -> Result<Source, ConfigError> {
        let path = self.relative(options.path.get_ref());
        if !path.is_file() {
            return Err(self.error(&options.path, format!("source file {} does not exist", path.display())));
        }
        let reader = match (&options.plugin, &options.format) {
            (Some(_), Some(format)) => {
                return Err(self.error(format, "a source has either a format or a plugin, not both"));
            }
            (Some(plugin), None) => {
                let parser = self.plugin(plugin)?;
                if parser.world != plugin::World::Parser {
                    return Err(
                        self.error(plugin, format!("plugin {} is a {}, not a parser", parser.label(), parser.world))
                    );
                }
                Reader::Plugin(Arc::new(parser))
            }
            (None, Some(format)) => Reader::Builtin(*format.get_ref()),
            (None, None) => match path.extension().and_then(|e| e.to_str()) {
                Some("csv") => Reader::Builtin(Format::Csv),
                Some("jsonl" | "ndjson") => Reader::Builtin(Format::Jsonl),
                _ => {
                    return Err(self.error(
                        &options.path,
                        "cannot tell the format from the file's extension: add format = \"csv\" or \"jsonl\", or a plugin",
                    ));
                }
            },
        };
        let is_csv = matches!(reader, Reader::Builtin(Format::Csv));
        if options.fields.is_empty() {
            return Err(self.error(&options.name, "the source maps no columns: add a [source.fields] table"));
        }
        let columns = options
            .fields
            .iter()
            .map(|(column, field)| {
                let name = attribute_name(field.get_ref());
                let attribute =
                    attributes.iter().position(|a| a.name == name).expect("attributes come from the fields");
                if attributes[attribute].kind != field.get_ref().kind {
                    return Err(self.error(
                        field,
                        format!(
                            "attribute `{name}` is of kind `{}` elsewhere in the job, not `{}`",
                            attributes[attribute].kind,
                            field.get_ref().kind
                        ),
                    ));
                }
                Ok(Column { name: column.clone(), attribute })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let separator = match &options.separator {
            Some(s) if s.get_ref().is_empty() => return Err(self.error(s, "the separator must not be empty")),
            Some(s) if !is_csv => return Err(self.error(s, "a separator applies to CSV sources only")),
            Some(s) => Some(s.get_ref().clone()),
            None => None,
        };
        let delimiter = match &options.delimiter {
            Some(d) if !d.get_ref().is_ascii() => {
                return Err(self.error(d, "the delimiter must be one ASCII character"));
            }
            Some(d) => *d.get_ref() as u8,
            None => b',',
        };
        Ok(Source {
            name: options.name.get_ref().clone(),
            path,
            reader,
            id_column: options.id.as_ref().map(|id| id.get_ref().clone()),
            columns,
            separator,
            delimiter,
            normalize: normalize::Context {
                default_region: self.region(&options.default_region)?.or(job_region.map(str::to_string)),
            },
        })
    }

    /// Loads a plugin: its file relative to the job file, checked against its
    /// pinned sha256, within its limits.
    fn plugin(&self, options: &Spanned<PluginOptions>) -> Result<Plugin, ConfigError> {
        let spec = options.get_ref();
        let path = self.relative(spec.path.get_ref());
        if !path.is_file() {
            return Err(self.error(&spec.path, format!("plugin file {} does not exist", path.display())).with_help(
                "build it with `sleuth plugin build PLUGIN_CRATE`, which prints the .wasm path and its sha256",
            ));
        }
        let Some(pinned) = &spec.sha256 else {
            let actual = std::fs::read(&path).map(|bytes| plugin::sha256_hex(&bytes)).unwrap_or_default();
            return Err(self
                .error(options, "the plugin is not pinned: a job runs only the plugin it names by hash")
                .with_help(format!("add sha256 = \"{actual}\" if {} is the plugin you mean to run", path.display())));
        };
        let defaults = plugin::Limits::default();
        let mut limits = defaults;
        for (value, slot, what) in [
            (&spec.memory_mib, &mut limits.memory_mib, "memory_mib"),
            (&spec.fuel_per_call, &mut limits.fuel_per_call, "fuel_per_call"),
            (&spec.deadline_ms, &mut limits.deadline_ms, "deadline_ms"),
        ] {
            if let Some(value) = value {
                if *value.get_ref() == 0 {
                    return Err(self.error(value, format!("{what} must be more than 0")));
                }
                *slot = *value.get_ref();
            }
        }
        Plugin::load(&path, Some(pinned.get_ref()), limits).map_err(|e| {
            let span: &Spanned<String> = if e.message.starts_with("sha256 mismatch") { pinned } else { &spec.path };
            self.error(span, e.to_string())
        })
    }

    fn attribute_index(&self, attributes: &[Attribute], name: &Spanned<String>) -> Result<usize, ConfigError> {
        attributes.iter().position(|a| a.name == *name.get_ref()).ok_or_else(|| {
            let error = self.error(name, format!("no source maps a column to attribute `{}`", name.get_ref()));
            match closest(name.get_ref(), attributes.iter().map(|a| a.name.as_str())) {
                Some(similar) => error.with_help(format!("did you mean `{similar}`?")),
                None => error.with_help(format!(
                    "the attributes are: {}",
                    attributes.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
                )),
            }
        })
    }

    fn comparisons(&self, options: &JobOptions, attributes: &[Attribute]) -> Result<Vec<Comparison>, ConfigError> {
        let has_handles = attributes.iter().any(|a| matches!(a.kind, AttributeKind::Username | AttributeKind::Email));
        let mut comparisons: Vec<Comparison> = attributes
            .iter()
            .enumerate()
            .map(|(index, attribute)| Comparison {
                name: attribute.name.clone(),
                attribute: index,
                across: None,
                method: compare::default_method(attribute.kind),
                damp_common_values: compare::default_damping(attribute.kind),
                group: compare::default_group(attribute.kind, has_handles).map(str::to_string),
            })
            .collect();
        for (i, compare) in options.compare.iter().enumerate() {
            let attribute = self.attribute_index(attributes, &compare.attribute)?;
            if options.compare[..i].iter().any(|c| c.attribute.get_ref() == compare.attribute.get_ref()) {
                return Err(self.error(
                    &compare.attribute,
                    format!("attribute `{}` already has a [[compare]]", compare.attribute.get_ref()),
                ));
            }
            let comparison = &mut comparisons[attribute];
            let kind = attributes[attribute].kind;
            let method = compare.method.unwrap_or(match comparison.method {
                Method::Identifier(_) => MethodName::Kind,
                Method::Exact => MethodName::Exact,
                Method::JaroWinkler(_) => MethodName::JaroWinkler,
                Method::Jaro(_) => MethodName::Jaro,
                Method::Levenshtein(_) => MethodName::Levenshtein,
                Method::DamerauLevenshtein(_) => MethodName::DamerauLevenshtein,
                Method::Plugin { .. } => unreachable!("matcher comparisons are added after [[compare]] is applied"),
            });
            comparison.method = match (&compare.levels, method) {
                (None, _) if compare.method.is_none() => comparison.method.clone(),
                (Some(levels), MethodName::Kind) => {
                    return Err(self.error(
                        levels,
                        "the kind's comparator has fixed levels; choose a string method to set levels",
                    ));
                }
                (None, MethodName::Kind) => match Identifier::for_kind(kind) {
                    Some(identifier) => Method::Identifier(identifier),
                    None => {
                        return Err(self.error(
                            &compare.attribute,
                            format!("kind `{kind}` has no comparator of its own; choose a string method"),
                        ));
                    }
                },
                (Some(levels), MethodName::Exact) if !levels.get_ref().is_empty() => {
                    return Err(self.error(levels, "the exact method has no levels"));
                }
                (_, MethodName::Exact) => Method::Exact,
                (levels, MethodName::JaroWinkler | MethodName::Jaro) => {
                    let thresholds = match levels {
                        Some(levels) => self.similarity_levels(levels)?,
                        None => vec![0.92, 0.8],
                    };
                    if method == MethodName::Jaro { Method::Jaro(thresholds) } else { Method::JaroWinkler(thresholds) }
                }
                (levels, MethodName::Levenshtein | MethodName::DamerauLevenshtein) => {
                    let limits = match levels {
                        Some(levels) => self.distance_levels(levels)?,
                        None => vec![1, 2],
                    };
                    if method == MethodName::Levenshtein {
                        Method::Levenshtein(limits)
                    } else {
                        Method::DamerauLevenshtein(limits)
                    }
                }
            };
            if let Some(damp) = compare.damp_common_values {
                comparison.damp_common_values = damp;
            }
            if let Some(group) = &compare.group {
                comparison.group = Some(group.clone());
            }
        }
        // Cross-kind evidence: every email attribute (its local part), and
        // every name attribute, against every username attribute.
        for (kind, identifier) in
            [(AttributeKind::Email, Identifier::Handle), (AttributeKind::Name, Identifier::NameHandle)]
        {
            for (attribute, a) in attributes.iter().enumerate().filter(|(_, a)| a.kind == kind) {
                for (username, b) in attributes.iter().enumerate().filter(|(_, a)| a.kind == AttributeKind::Username) {
                    comparisons.push(Comparison {
                        name: format!("{}_{}", a.name, b.name),
                        attribute,
                        across: Some(username),
                        method: Method::Identifier(identifier),
                        damp_common_values: false,
                        group: compare::default_group(AttributeKind::Username, true).map(str::to_string),
                    });
                }
            }
        }
        let groups: std::collections::BTreeSet<&str> = comparisons.iter().filter_map(|c| c.group.as_deref()).collect();
        if groups.len() > crate::score::MAX_GROUPS {
            return Err(ConfigError::whole_file(
                self.file,
                format!("at most {} correlation groups are allowed", crate::score::MAX_GROUPS),
            ));
        }
        Ok(comparisons)
    }

    /// Loads the `[[matcher]]` plugins, adding a comparison for each.
    fn matchers(
        &self,
        options: &JobOptions,
        attributes: &[Attribute],
        comparisons: &mut Vec<Comparison>,
    ) -> Result<Vec<Arc<plugin::Matcher>>, ConfigError> {
        let mut matchers = Vec::new();
        for options in &options.matchers {
            let attribute = self.attribute_index(attributes, &options.attribute)?;
            let loaded = self.plugin(&options.plugin)?;
            let label = loaded.label();
            let matcher = plugin::Matcher::new(loaded).map_err(|e| self.error(&options.plugin, e.to_string()))?;
            let kind = attributes[attribute].kind.to_string();
            if !matcher.declaration.kinds.contains(&kind) {
                return Err(self.error(
                    &options.attribute,
                    format!(
                        "plugin {label} compares {}, not `{kind}` (the kind of attribute `{}`)",
                        matcher.declaration.kinds.join(", "),
                        attributes[attribute].name
                    ),
                ));
            }
            let name = match &options.name {
                Some(name) => name.get_ref().clone(),
                None => matcher.plugin.info.name.clone(),
            };
            if comparisons.iter().any(|c| c.name == name) {
                let span = options.name.as_ref().unwrap_or(&options.attribute);
                return Err(self.error(span, format!("a comparison named `{name}` already exists: add name = \"…\"")));
            }
            comparisons.push(Comparison {
                name,
                attribute,
                across: None,
                group: None,
                method: Method::Plugin { matcher: matchers.len(), levels: matcher.declaration.levels.clone() },
                damp_common_values: false,
            });
            matchers.push(Arc::new(matcher));
        }
        Ok(matchers)
    }

    fn similarity_levels(&self, levels: &Spanned<Vec<f64>>) -> Result<Vec<f64>, ConfigError> {
        let values = levels.get_ref();
        let valid = values.iter().all(|t| *t > 0.0 && *t < 1.0) && values.windows(2).all(|w| w[0] > w[1]);
        if !valid {
            return Err(
                self.error(levels, "similarity levels must lie between 0 and 1 (exclusive), in descending order")
            );
        }
        Ok(values.clone())
    }

    fn distance_levels(&self, levels: &Spanned<Vec<f64>>) -> Result<Vec<usize>, ConfigError> {
        let values = levels.get_ref();
        let valid = values.iter().all(|d| *d >= 1.0 && d.fract() == 0.0 && *d <= 64.0)
            && values.windows(2).all(|w| w[0] < w[1]);
        if !valid {
            return Err(self.error(levels, "edit-distance levels must be whole numbers from 1, in ascending order"));
        }
        Ok(values.iter().map(|d| *d as usize).collect())
    }

    fn blocking(&self, options: &JobOptions, attributes: &[Attribute]) -> Result<Blocking, ConfigError> {
        let max_block_size = match &options.blocking.max_block_size {
            Some(size) if *size.get_ref() < 2 => return Err(self.error(size, "max_block_size must be at least 2")),
            Some(size) => *size.get_ref(),
            None => DEFAULT_MAX_BLOCK_SIZE,
        };
        let mut keys = Vec::new();
        if options.blocking.keys.is_empty() {
            for (index, attribute) in attributes.iter().enumerate() {
                for &method in blocking::default_methods(attribute.kind) {
                    keys.push(BlockingKey::new(
                        &attribute.name,
                        index,
                        attribute.kind,
                        method,
                        method.default_length(),
                    ));
                }
            }
        }
        for key in &options.blocking.keys {
            let attribute = self.attribute_index(attributes, &key.attribute)?;
            let method = key.method.unwrap_or(blocking::KeyMethod::Exact);
            let length = match &key.length {
                Some(length) if *length.get_ref() == 0 || *length.get_ref() > 64 => {
                    return Err(self.error(length, "length must be between 1 and 64"));
                }
                Some(length) => *length.get_ref() as usize,
                None => method.default_length(),
            };
            let key =
                BlockingKey::new(&attributes[attribute].name, attribute, attributes[attribute].kind, method, length);
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        if keys.is_empty() {
            return Err(ConfigError::whole_file(
                self.file,
                "no blocking key: map a column to a kind that blocks by default (such as email or name) or add [[blocking.key]]",
            ));
        }
        Ok(Blocking { max_block_size, keys })
    }

    fn model(&self, options: &JobOptions, comparisons: &[Comparison]) -> Result<ModelSettings, ConfigError> {
        let model = &options.model;
        if let Some(prior) = &model.prior
            && !(*prior.get_ref() > 0.0 && *prior.get_ref() < 1.0)
        {
            return Err(self.error(prior, "prior must be a probability between 0 and 1 (exclusive)"));
        }
        let mut fixed = BTreeMap::new();
        for entry in &model.fixed {
            let Some(index) = comparisons.iter().position(|c| c.name == *entry.compare.get_ref()) else {
                let error = self.error(&entry.compare, format!("no comparison named `{}`", entry.compare.get_ref()));
                return Err(match closest(entry.compare.get_ref(), comparisons.iter().map(|c| c.name.as_str())) {
                    Some(similar) => error.with_help(format!("did you mean `{similar}`?")),
                    None => error,
                });
            };
            let levels = comparisons[index].method.level_count();
            let check = |probabilities: &Option<Spanned<Vec<f64>>>| -> Result<Option<Vec<f64>>, ConfigError> {
                let Some(p) = probabilities else { return Ok(None) };
                if p.get_ref().len() != levels {
                    return Err(self.error(
                        p,
                        format!("`{}` has {levels} levels; give one probability per level", entry.compare.get_ref()),
                    ));
                }
                if !p.get_ref().iter().all(|x| *x > 0.0 && *x <= 1.0) {
                    return Err(self.error(p, "probabilities must lie in (0, 1]"));
                }
                Ok(Some(p.get_ref().clone()))
            };
            fixed.insert(index, Fixed { m: check(&entry.m)?, u: check(&entry.u)? });
        }
        Ok(ModelSettings {
            prior: model.prior.as_ref().map(|p| *p.get_ref()),
            max_iterations: model.max_iterations.unwrap_or(100),
            u_sample_pairs: model.u_sample_pairs.unwrap_or(300_000),
            seed: model.seed.unwrap_or(0),
            fixed,
        })
    }
}

fn attribute_name(field: &super::options::FieldOptions) -> String {
    field.attribute.clone().unwrap_or_else(|| field.kind.as_str().to_string())
}

/// The job's attributes, sorted by name, each with the kind of its first column.
fn attributes(sources: &[SourceOptions]) -> Vec<Attribute> {
    let mut attributes: BTreeMap<String, AttributeKind> = BTreeMap::new();
    for source in sources {
        for field in source.fields.values() {
            attributes.entry(attribute_name(field.get_ref())).or_insert(field.get_ref().kind);
        }
    }
    attributes.into_iter().map(|(name, kind)| Attribute { name, kind }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocking::KeyMethod;

    /// Loads `job` written beside an empty `people.csv`.
    fn load(job: &str) -> Result<Job, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("people.csv"), "id,name,email\n").unwrap();
        std::fs::write(dir.path().join("people.dat"), "").unwrap();
        let path = dir.path().join("job.toml");
        std::fs::write(&path, job).unwrap();
        Job::load(&path)
    }

    const BASE: &str = r#"
[job]
name = "t"
[[source]]
name = "people"
path = "people.csv"
[source.fields]
email = "email"
handle = "username"
given = { kind = "name", attribute = "given_name" }
"#;

    #[test]
    fn defaults_come_from_the_kinds() {
        let job = load(BASE).unwrap();
        let names: Vec<&str> = job.attributes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["email", "given_name", "username"]);
        let keys: Vec<&str> = job.blocking.keys.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(keys, ["email", "given_name", "username"]);
        let names: Vec<&str> = job.comparisons.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["email", "given_name", "username", "email_username", "given_name_username"]);
        assert_eq!(job.comparisons[3].across, Some(2));
        assert_eq!(job.comparisons[0].method, compare::default_method(AttributeKind::Email));
        assert_eq!(job.threshold, DEFAULT_THRESHOLD);
        assert!(matches!(job.sources[0].reader, Reader::Builtin(Format::Csv)));
        assert!(job.output.ends_with("out/t"));
        assert_eq!(job.sha256.len(), 64);
    }

    #[test]
    fn tables_override_the_defaults() {
        let job = load(&format!(
            r#"{BASE}
[blocking]
max_block_size = 50
[[blocking.key]]
attribute = "given_name"
method = "prefix"
length = 3
[[compare]]
attribute = "email"
method = "levenshtein"
levels = [1, 3]
damp_common_values = false
[[model.fixed]]
compare = "email"
m = [0.9, 0.05, 0.03, 0.02]
"#
        ))
        .unwrap();
        assert_eq!(job.blocking.max_block_size, 50);
        assert_eq!(job.blocking.keys, [BlockingKey::new("given_name", 1, AttributeKind::Name, KeyMethod::Prefix, 3)]);
        assert_eq!(job.comparisons[0].method, Method::Levenshtein(vec![1, 3]));
        assert!(!job.comparisons[0].damp_common_values);
        assert_eq!(job.model.fixed[&0].m.as_deref(), Some(&[0.9, 0.05, 0.03, 0.02][..]));
    }

    #[test]
    fn fixed_probabilities_need_one_per_level() {
        let error = load(&format!("{BASE}\n[[model.fixed]]\ncompare = \"email\"\nu = [0.5, 0.5]\n")).unwrap_err();
        assert!(error.message.contains("`email` has 8 levels"), "{error}");
    }

    #[test]
    fn one_attribute_has_one_kind() {
        let job = BASE.replace("handle = \"username\"", "handle = { kind = \"username\", attribute = \"email\" }");
        let error = load(&job).unwrap_err();
        assert!(
            error.message.contains("attribute `email` is of kind `email` elsewhere in the job, not `username`"),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_extension_needs_a_format() {
        let error = load(&BASE.replace("people.csv", "people.dat")).unwrap_err();
        assert!(error.message.contains("add format = \"csv\" or \"jsonl\""), "{error}");
        assert!(load(&BASE.replace("path = \"people.csv\"", "path = \"people.dat\"\nformat = \"csv\"")).is_ok());
    }
}
