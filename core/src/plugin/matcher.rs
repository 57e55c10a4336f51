//! Matcher plugins: batches of record pairs in, a level and a rule id per
//! pair out.
//!
//! Pairs cross in batches ([`BATCH`] pairs a call), each record's values once
//! per batch. Instances are pooled, one per worker thread at most; an
//! instance that fails a call is dropped and the next call gets a fresh one.

use std::sync::Mutex;

use wasmtime::Store;
use wasmtime::component::{ComponentType, Func, Lower};

use super::bindings::matcher::Matcher as Bindings;
use super::{HostState, Info, Plugin, PluginError};

/// Pairs per call.
pub const BATCH: usize = 1024;

/// What a matcher compares, the levels it returns and its rules.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Declaration {
    /// Attribute kinds, such as `username`.
    pub kinds: Vec<String>,
    /// Levels, strongest agreement first; the last means "different".
    pub levels: Vec<String>,
    /// Rule ids, which verdicts name by index.
    pub rules: Vec<String>,
}

/// One record's values as the matcher sees them (`raw` as read,
/// `normalized` as normalized), owned: for callers that make subjects of
/// their own ([`Matcher::compare`]). A run lends its records' values instead
/// ([`Matcher::fill`]).
pub use super::bindings::parser::sleuth::plugin::types::Subject;
use super::bindings::parser::sleuth::plugin::types::Verdict as WitVerdict;

/// A matcher's verdict: a level (`None`: no opinion) and the deciding rule
/// (an index in the declared rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// The level's index in the declaration.
    pub level: Option<u8>,
    /// The rule's index in the declaration.
    pub rule: Option<u16>,
}

/// A loaded matcher plugin with its declaration and a pool of instances.
pub struct Matcher {
    /// The plugin.
    pub plugin: Plugin,
    /// What it declared at load.
    pub declaration: Declaration,
    idle: Mutex<Vec<Instance>>,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher").field("plugin", &self.plugin).field("declaration", &self.declaration).finish()
    }
}

struct Instance {
    store: Store<HostState>,
    bindings: Bindings,
    /// The export `compare`, called with [`Lent`] subjects rather than
    /// through `bindings`, whose `Subject` owns its strings.
    compare: Func,
}

/// A record's values lent to a `compare` call: lowered into the guest
/// straight from the record's own lists. The WIT `subject` record, field for
/// field; cloning every value of a batch into the generated `Subject` was
/// about a twentieth of a million-record run.
#[derive(ComponentType, Lower)]
#[component(record)]
struct Lent<'a> {
    raw: &'a [String],
    normalized: &'a [String],
}

/// The parameters of `compare`, as lent.
type CompareParams<'a> = (&'a [Lent<'a>], &'a [(u32, u32)]);

/// What `compare` returns.
type CompareResult = (Result<Vec<WitVerdict>, String>,);

impl Instance {
    fn new(plugin: &Plugin, doing: &str) -> Result<Instance, PluginError> {
        let (store, (bindings, compare)) = plugin.instantiate(doing, |store, component, linker| {
            let instance = linker.instantiate(&mut *store, component)?;
            let bindings = Bindings::new(&mut *store, &instance)?;
            let interface = instance
                .get_export_index(&mut *store, None, MATCHING)
                .ok_or_else(|| wasmtime::format_err!("no export `{MATCHING}`"))?;
            let compare = instance
                .get_export_index(&mut *store, Some(&interface), "compare")
                .and_then(|index| instance.get_func(&mut *store, index))
                .ok_or_else(|| wasmtime::format_err!("no function `compare` in `{MATCHING}`"))?;
            Ok((bindings, compare))
        })?;
        Ok(Instance { store, bindings, compare })
    }
}

/// The interface a matcher exports, at the version of [`super::CONTRACT`].
const MATCHING: &str = "sleuth:plugin/matching@0.1.0";

pub(super) fn describe(plugin: &Plugin) -> Result<Info, PluginError> {
    let doing = "describing itself";
    let mut instance = Instance::new(plugin, doing)?;
    let bindings = &instance.bindings;
    plugin.call(&mut instance.store, doing, |s| bindings.sleuth_plugin_matching().call_describe(s)).map(Info::from)
}

impl Matcher {
    /// Asks a loaded matcher plugin what it compares.
    pub fn new(plugin: Plugin) -> Result<Matcher, PluginError> {
        if plugin.world != super::World::Matcher {
            return Err(PluginError {
                plugin: plugin.label(),
                message: format!("is a {} plugin, not a matcher", plugin.world),
            });
        }
        let doing = "declaring what it compares";
        let mut instance = Instance::new(&plugin, doing)?;
        let bindings = &instance.bindings;
        let declared =
            plugin.call(&mut instance.store, doing, |s| bindings.sleuth_plugin_matching().call_declare(s))?;
        if declared.levels.len() < 2 || declared.levels.len() > 32 {
            return Err(PluginError {
                plugin: plugin.label(),
                message: format!("declares {} levels; a matcher needs 2 to 32", declared.levels.len()),
            });
        }
        let declaration = Declaration { kinds: declared.kinds, levels: declared.levels, rules: declared.rules };
        Ok(Matcher { plugin, declaration, idle: Mutex::new(vec![instance]) })
    }

    /// Compares `pairs` (indexes into `subjects`) in one call.
    pub fn compare(
        &self,
        subjects: &[Subject],
        pairs: &[(u32, u32)],
        doing: &str,
    ) -> Result<Vec<Verdict>, PluginError> {
        let lent: Vec<Lent> = subjects.iter().map(|s| Lent { raw: &s.raw, normalized: &s.normalized }).collect();
        self.compare_lent(&lent, pairs, doing)
    }

    /// [`Self::compare`] with the subjects' values lent.
    fn compare_lent(&self, subjects: &[Lent], pairs: &[(u32, u32)], doing: &str) -> Result<Vec<Verdict>, PluginError> {
        let plugin = &self.plugin;
        let pooled = self.idle.lock().map(|mut idle| idle.pop()).unwrap_or_default();
        let mut instance = match pooled {
            Some(instance) => instance,
            None => Instance::new(plugin, doing)?,
        };
        let compare = instance.compare;
        let result = plugin.call(&mut instance.store, doing, |s| {
            let (verdicts,) = compare.typed::<CompareParams, CompareResult>(&*s)?.call(&mut *s, (subjects, pairs))?;
            Ok(verdicts)
        });
        // A failed instance is dropped here; a good one goes back to the pool.
        let verdicts = match result? {
            Err(message) => {
                return Err(PluginError { plugin: plugin.label(), message: format!("{message} (while {doing})") });
            }
            Ok(verdicts) => verdicts,
        };
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(instance);
        }
        if verdicts.len() != pairs.len() {
            return Err(PluginError {
                plugin: plugin.label(),
                message: format!("returned {} verdicts for {} pairs (while {doing})", verdicts.len(), pairs.len()),
            });
        }
        let (levels, rules) = (self.declaration.levels.len(), self.declaration.rules.len());
        let wrong =
            |message: String| PluginError { plugin: plugin.label(), message: format!("{message} (while {doing})") };
        verdicts
            .into_iter()
            .map(|v| match (v.level, v.rule) {
                (Some(level), _) if usize::from(level) >= levels => {
                    Err(wrong(format!("returned level {level} but declares {levels} levels")))
                }
                (_, Some(rule)) if usize::from(rule) >= rules => {
                    Err(wrong(format!("returned rule {rule} but declares {rules} rules")))
                }
                (level, rule) => Ok(Verdict { level, rule }),
            })
            .collect()
    }
}

/// A matcher comparison's verdicts on a run's candidate pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// The comparison's index in the job.
    pub comparison: usize,
    /// The matcher's declared rule ids.
    pub rules: Vec<String>,
    /// Per candidate pair: its rule's index in `rules`, or `u16::MAX`.
    pub rule_of_pair: Vec<u16>,
}

impl Evidence {
    /// The rule that decided pair `pair`, if any.
    pub fn rule(&self, pair: usize) -> Option<&str> {
        self.rule_of_pair.get(pair).and_then(|&r| self.rules.get(usize::from(r))).map(String::as_str)
    }
}

/// A batch the matcher failed on: its pairs are scored without its verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedBatch {
    /// The first and last pair of the batch (indexes among the candidates).
    pub pairs: (usize, usize),
    /// The error.
    pub error: PluginError,
    /// The batch's first pair, as record indexes.
    pub first: (RecordIndex, RecordIndex),
}

use crate::compare::Level;
use crate::record::{Record, RecordIndex};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

impl Matcher {
    /// Fills column `comparison` (of `width`) of `vectors` for `pairs` (the
    /// candidates from index `first_pair` on) with the matcher's levels on
    /// `attribute`, recording each pair's rule in `evidence`. Pairs where a
    /// record has no value stay missing, as do the pairs of a failed batch.
    #[allow(clippy::too_many_arguments)]
    pub fn fill(
        &self,
        comparison: usize,
        width: usize,
        attribute: usize,
        records: &[Record],
        pairs: &[(RecordIndex, RecordIndex)],
        first_pair: usize,
        vectors: &mut [Level],
        evidence: &mut Evidence,
    ) -> Vec<FailedBatch> {
        let batches: Vec<Result<Vec<(usize, Verdict)>, FailedBatch>> = pairs
            .par_chunks(BATCH)
            .enumerate()
            .map(|(b, batch)| {
                let start = b * BATCH;
                let mut slot: FxHashMap<RecordIndex, u32> = FxHashMap::default();
                let mut subjects = Vec::new();
                let mut sent = Vec::new();
                let mut which = Vec::new();
                for (i, &(x, y)) in batch.iter().enumerate() {
                    let (rx, ry) = (&records[x as usize], &records[y as usize]);
                    if rx.values[attribute].is_empty() || ry.values[attribute].is_empty() {
                        continue;
                    }
                    let mut index = |n: RecordIndex| {
                        *slot.entry(n).or_insert_with(|| {
                            let r = &records[n as usize];
                            subjects.push(Lent { raw: &r.values[attribute], normalized: &r.normalized[attribute] });
                            subjects.len() as u32 - 1
                        })
                    };
                    let pair = (index(x), index(y));
                    sent.push(pair);
                    which.push(start + i);
                }
                if sent.is_empty() {
                    return Ok(Vec::new());
                }
                let (from, to) = (first_pair + start, first_pair + start + batch.len() - 1);
                let doing = format!("comparing candidate pairs {from}-{to}");
                match self.compare_lent(&subjects, &sent, &doing) {
                    Ok(verdicts) => Ok(which.into_iter().zip(verdicts).collect()),
                    Err(error) => Err(FailedBatch { pairs: (from, to), error, first: batch[0] }),
                }
            })
            .collect();
        let mut failed = Vec::new();
        evidence.comparison = comparison;
        evidence.rules.clone_from(&self.declaration.rules);
        evidence.rule_of_pair.resize(first_pair + pairs.len(), u16::MAX);
        for batch in batches {
            match batch {
                Ok(verdicts) => {
                    for (i, verdict) in verdicts {
                        let Some(level) = verdict.level else { continue };
                        vectors[i * width + comparison] = Level(level);
                        evidence.rule_of_pair[first_pair + i] = verdict.rule.unwrap_or(u16::MAX);
                    }
                }
                Err(batch) => failed.push(batch),
            }
        }
        failed
    }
}
