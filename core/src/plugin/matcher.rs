//! Matcher plugins: batches of record pairs in, a level and a rule id per
//! pair out.
//!
//! Pairs cross in batches ([`BATCH`] pairs a call), each record's values once
//! per batch. Instances are pooled, one per worker thread at most; an
//! instance that fails a call is dropped and the next call gets a fresh one.

use std::sync::Mutex;

use wasmtime::Store;
use wasmtime::component::{ComponentType, Func, Lower};

use super::types;
use super::{Contract, HostState, Info, Plugin, PluginError};

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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    /// As read.
    pub raw: Vec<String>,
    /// As normalized.
    pub normalized: Vec<String>,
}

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
    /// The export `compare`, typed at each call: its parameters borrow the
    /// batch, in the shape of the plugin's contract ([`Batch`]).
    compare: Func,
}

/// Contract 0.1.0's `subject`: a record's values lent to a `compare` call,
/// lowered into the guest from the record's own text (only the lists of
/// `&str` are made).
#[derive(ComponentType, Lower)]
#[component(record)]
struct Lent<'a> {
    raw: Vec<&'a str>,
    normalized: Vec<&'a str>,
}

/// Contract 0.2.0's `subjects`: every value of a batch in one string.
#[derive(ComponentType, Lower)]
#[component(record)]
struct Packed<'a> {
    text: &'a str,
    ends: &'a [u32],
    spans: &'a [Span],
}

/// Contract 0.2.0's `span`: where a record's values are among a batch's.
#[derive(ComponentType, Lower, Clone, Copy)]
#[component(record)]
struct Span {
    first: u32,
    raw: u32,
    normalized: u32,
}

/// A batch's records, in the shape the plugin's contract takes. Under
/// 0.1.0 each record crosses as a record of two lists of strings, each list
/// and each string a call into the plugin's allocator, and the plugin's
/// bindings copy each list again (a third of the compare stage at a million
/// records); under 0.2.0 the batch crosses as three buffers.
enum Batch<'a> {
    V0_1(Vec<Lent<'a>>),
    V0_2 { text: String, ends: Vec<u32>, spans: Vec<Span> },
}

impl<'a> Batch<'a> {
    fn new(contract: Contract) -> Batch<'a> {
        match contract {
            Contract::V0_1 => Batch::V0_1(Vec::new()),
            Contract::V0_2 => Batch::V0_2 { text: String::new(), ends: Vec::new(), spans: Vec::new() },
        }
    }

    /// Adds a record's values; its index in the batch.
    fn push<R, N>(&mut self, raw: R, normalized: N) -> u32
    where
        R: IntoIterator<Item = &'a str, IntoIter: ExactSizeIterator>,
        N: IntoIterator<Item = &'a str, IntoIter: ExactSizeIterator>,
    {
        let (raw, normalized) = (raw.into_iter(), normalized.into_iter());
        match self {
            Batch::V0_1(lent) => {
                lent.push(Lent { raw: raw.collect(), normalized: normalized.collect() });
                lent.len() as u32 - 1
            }
            Batch::V0_2 { text, ends, spans } => {
                let first = ends.len() as u32;
                let counts = (raw.len() as u32, normalized.len() as u32);
                for value in raw.chain(normalized) {
                    text.push_str(value);
                    // A batch's text stays far below 4 GiB: a plugin's memory
                    // is capped well below that, and the call would fail first.
                    ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
                }
                spans.push(Span { first, raw: counts.0, normalized: counts.1 });
                spans.len() as u32 - 1
            }
        }
    }

    /// Calls `compare` with this batch and `pairs`.
    fn call(&self, compare: Func, store: &mut Store<HostState>, pairs: &[(u32, u32)]) -> wasmtime::Result<Compared> {
        let (verdicts,) = match self {
            Batch::V0_1(lent) => compare.typed::<ParamsV0_1, (Compared,)>(&*store)?.call(&mut *store, (lent, pairs))?,
            Batch::V0_2 { text, ends, spans } => compare
                .typed::<ParamsV0_2, (Compared,)>(&*store)?
                .call(&mut *store, (Packed { text, ends, spans }, pairs))?,
        };
        Ok(verdicts)
    }
}

/// `compare`'s parameters under contract 0.1.0: the batch's records, the pairs.
type ParamsV0_1<'a> = (&'a [Lent<'a>], &'a [(u32, u32)]);

/// `compare`'s parameters under contract 0.2.0: the packed batch, the pairs.
type ParamsV0_2<'a> = (Packed<'a>, &'a [(u32, u32)]);

/// What `compare` returns.
type Compared = Result<Vec<types::Verdict>, String>;

impl Instance {
    fn new(plugin: &Plugin, doing: &str) -> Result<Instance, PluginError> {
        let (store, compare) = plugin.instantiate(doing, |store, instance| compare_of(plugin, store, instance))?;
        Ok(Instance { store, compare })
    }
}

/// The export `compare` of `instance`, its type checked against the
/// plugin's contract now rather than at the first batch.
fn compare_of(
    plugin: &Plugin,
    store: &mut Store<HostState>,
    instance: &wasmtime::component::Instance,
) -> wasmtime::Result<Func> {
    let compare = plugin.untyped_function(store, instance, "compare")?;
    match plugin.contract {
        Contract::V0_1 => compare.typed::<ParamsV0_1, (Compared,)>(&*store).map(drop)?,
        Contract::V0_2 => compare.typed::<ParamsV0_2, (Compared,)>(&*store).map(drop)?,
    }
    Ok(compare)
}

pub(super) fn describe(plugin: &Plugin) -> Result<Info, PluginError> {
    let doing = "describing itself";
    let (mut store, describe) = plugin.instantiate(doing, |store, instance| {
        plugin.function::<(), (types::PluginInfo,)>(store, instance, "describe")
    })?;
    plugin.call(&mut store, doing, |s| describe.call(s, ())).map(|(info,)| Info::from(info))
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
        let (mut store, (declare, compare)) = plugin.instantiate(doing, |store, instance| {
            let declare = plugin.function::<(), (types::Declaration,)>(store, instance, "declare")?;
            Ok((declare, compare_of(&plugin, store, instance)?))
        })?;
        let (declared,) = plugin.call(&mut store, doing, |s| declare.call(s, ()))?;
        if declared.levels.len() < 2 || declared.levels.len() > 32 {
            return Err(PluginError {
                plugin: plugin.label(),
                message: format!("declares {} levels; a matcher needs 2 to 32", declared.levels.len()),
            });
        }
        let declaration = Declaration { kinds: declared.kinds, levels: declared.levels, rules: declared.rules };
        Ok(Matcher { plugin, declaration, idle: Mutex::new(vec![Instance { store, compare }]) })
    }

    /// Compares `pairs` (indexes into `subjects`) in one call.
    pub fn compare(
        &self,
        subjects: &[Subject],
        pairs: &[(u32, u32)],
        doing: &str,
    ) -> Result<Vec<Verdict>, PluginError> {
        let mut batch = Batch::new(self.plugin.contract);
        for subject in subjects {
            batch.push(subject.raw.iter().map(String::as_str), subject.normalized.iter().map(String::as_str));
        }
        self.compare_batch(&batch, pairs, doing)
    }

    /// [`Self::compare`] with the records' values in a batch.
    fn compare_batch(&self, batch: &Batch, pairs: &[(u32, u32)], doing: &str) -> Result<Vec<Verdict>, PluginError> {
        let plugin = &self.plugin;
        let pooled = self.idle.lock().map(|mut idle| idle.pop()).unwrap_or_default();
        let mut instance = match pooled {
            Some(instance) => instance,
            None => Instance::new(plugin, doing)?,
        };
        let compare = instance.compare;
        let result = plugin.call(&mut instance.store, doing, |s| batch.call(compare, s, pairs));
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

/// At pair `i` of `pairs`, asks for what the pairs 4 to 24 after it read
/// of their second record's values of `attribute`, along the chain from the
/// record to its values' bounds and text: the second records lie anywhere
/// in memory, and copying their values into a batch waited on each step.
fn ask_ahead(records: &[Record], attribute: usize, pairs: &[(RecordIndex, RecordIndex)], i: usize) {
    let record = |d: usize| pairs.get(i + d).and_then(|&(_, y)| records.get(y as usize));
    if let Some(r) = record(24) {
        prefetch::line(r);
    }
    if let Some(r) = record(12) {
        r.values.prefetch();
        r.normalized.prefetch();
    }
    if let Some(r) = record(4) {
        r.values.of(attribute).prefetch();
        r.normalized.of(attribute).prefetch();
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
use crate::prefetch;
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
                let mut subjects = Batch::new(self.plugin.contract);
                let mut sent = Vec::new();
                let mut which = Vec::new();
                for (i, &(x, y)) in batch.iter().enumerate() {
                    ask_ahead(records, attribute, batch, i);
                    let (rx, ry) = (&records[x as usize], &records[y as usize]);
                    if rx.values.of(attribute).is_empty() || ry.values.of(attribute).is_empty() {
                        continue;
                    }
                    let mut index = |n: RecordIndex| {
                        *slot.entry(n).or_insert_with(|| {
                            let r = &records[n as usize];
                            subjects.push(r.values.of(attribute), r.normalized.of(attribute))
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
                match self.compare_batch(&subjects, &sent, &doing) {
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
