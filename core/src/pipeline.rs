//! A run of a job, stage by stage: read, normalize, index, candidates,
//! compare, train, score, cluster, write.
//!
//! Each stage has a tracing span, its wall time in the summary and, when
//! long, a progress bar on stderr. Heavy stages run on a rayon pool of the
//! requested size; every output is sorted or numbered in record order, so the
//! thread count never changes a byte of `entities.csv` or `links.csv`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tracing::info;

use crate::candidates;
use crate::cluster;
use crate::compare::{self, Level, Prepared};
use crate::compared;
use crate::config::Job;
use crate::config::settings::hex;
use crate::decimal;
use crate::error::{Error, Result};
use crate::eval;
use crate::generation;
use crate::graph;
use crate::handles::Handles;
use crate::index::Store;
use crate::normalize;
use crate::output::{self, BlockingSummary, Counts, JobSummary, Link, PluginSummary, SourceSummary, Summary};
use crate::plugin::matcher::{Evidence as MatcherEvidence, FailedBatch};
use crate::prefetch;
use crate::progress;
use crate::read::{self, Reject};
use crate::record::{Record, RecordIndex};
use crate::relationships::{self, NearPair};
use crate::score::em::{self, Parameters};
use crate::score::{ComparisonModel, Damping, Model, Scorer, Training, sample};

/// The match probability from which a pair below the threshold is a near match.
const NEAR_MATCH: f64 = 0.5;

/// The file of the generation in `folder` holding the model's [`RandomSample`].
pub fn training_path(folder: &Path) -> PathBuf {
    folder.join(generation::STORE_DIR).join("training.json")
}

/// Pairs handled per step of the compare and score stages (and their progress bars).
const CHUNK: usize = 1 << 16;

/// Choices made when starting a run rather than in the job file.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The output folder, instead of the job's.
    pub output: Option<PathBuf>,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The output folder.
    pub output: PathBuf,
    /// The summary written to `summary.json`.
    pub summary: Summary,
}

/// The pool of `threads` workers (`None`: one per core), and its size.
pub(crate) fn worker_pool(threads: Option<usize>) -> Result<(rayon::ThreadPool, usize)> {
    let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)).max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::io("start", "worker threads")(std::io::Error::other(e)))?;
    Ok((pool, threads))
}

/// A run or an ingest: stages timed one after the other.
pub(crate) trait Stages {
    /// Wall time per stage so far, in milliseconds.
    fn timings(&mut self) -> &mut BTreeMap<String, u64>;

    /// Runs `stage` inside a tracing span and records its wall time.
    fn stage<T>(&mut self, name: &str, stage: impl FnOnce(&mut Self) -> Result<T>) -> Result<T>
    where
        Self: Sized,
    {
        let span = tracing::info_span!("stage", name);
        let _entered = span.enter();
        let started = Instant::now();
        let result = stage(self);
        self.timings().insert(name.to_string(), started.elapsed().as_millis() as u64);
        result
    }
}

/// Runs `job`, writing its outputs.
pub fn run(job: &Job, options: &RunOptions) -> Result<RunResult> {
    let (pool, threads) = worker_pool(options.threads)?;
    let output = options.output.clone().unwrap_or_else(|| job.output.clone());
    std::fs::create_dir_all(&output).map_err(Error::io("create", &output))?;
    let _lock = output::lock(&output)?;
    pool.install(|| Run { job, output: &output, threads, timings: BTreeMap::new() }.run())
        .map(|summary| RunResult { output, summary })
}

struct Run<'a> {
    job: &'a Job,
    output: &'a Path,
    threads: usize,
    timings: BTreeMap<String, u64>,
}

impl Stages for Run<'_> {
    fn timings(&mut self) -> &mut BTreeMap<String, u64> {
        &mut self.timings
    }
}

impl Run<'_> {
    fn run(mut self) -> Result<Summary> {
        let started = Instant::now();
        let job = self.job;
        let source_names: Vec<String> = job.sources.iter().map(|s| s.name.clone()).collect();

        let (mut records, mut rejects, mut sources) = self.stage("read", |run| run.read())?;
        let row_rejects = rejects.len();
        // The records' handles are made with their normalized values, once
        // for the stages that read them (index, compare, relate).
        let (flags, handles) = self.stage("normalize", |_| {
            let kinds: Vec<_> = job.attributes.iter().map(|a| a.kind).collect();
            let contexts: Vec<_> = job.sources.iter().map(|s| s.normalize.clone()).collect();
            let flags = normalize::normalize_records(&mut records, &kinds, &contexts);
            Ok((flags, Handles::new(&records, &kinds)))
        })?;
        let store = self.stage("index", |run| {
            let store = Store::create(run.output, &job.blocking.keys)?;
            let bar = progress::bar("index", records.len() as u64);
            // Raw values nothing reads after indexing are freed as they are
            // stored: all but those of the attributes matcher plugins compare
            // (a plugin gets both forms), a large share of the records' memory.
            let keep_raw = raw_values_read(job);
            store.write(
                &mut records,
                Some(&handles),
                Some(&keep_raw),
                0,
                &source_names,
                &job.attributes,
                &job.blocking.keys,
                run.threads,
                None,
                |n| bar.inc(n),
            )?;
            bar.finish_and_clear();
            Ok(store)
        })?;
        let source_of: Vec<u32> = records.iter().map(|r| r.source).collect();
        let (pairs, blocking) = self.stage("candidates", |_| {
            let blocks = store.blocks(job.blocking.max_block_size)?;
            Ok(candidates::candidate_pairs(&blocks, &source_of, job.within_source, job.blocking.max_block_size))
        })?;
        info!(pairs = pairs.len(), "candidate pairs");
        let (vectors, evidence, prepared) = self.stage("compare", |_| {
            let prepared = Prepared::new(&job.comparisons, &records, &handles, job.attributes.len());
            let bar = progress::bar("compare", pairs.len() as u64);
            let width = job.comparisons.len();
            let mut vectors = Vec::with_capacity(pairs.len() * width);
            let mut evidence = matcher_evidence(job);
            for (c, chunk) in pairs.chunks(CHUNK).enumerate() {
                let mut levels = compare::comparison_vectors(&job.comparisons, &records, &prepared, chunk);
                for (name, batch) in fill_matchers(job, &records, chunk, c * CHUNK, &mut levels, &mut evidence) {
                    rejects.push(matcher_reject(&name, &batch, &records, &source_names, ""));
                }
                vectors.extend(levels);
                bar.inc(chunk.len() as u64);
            }
            bar.finish_and_clear();
            Ok((vectors, evidence, prepared))
        })?;
        let ranges = source_ranges(&records, job.sources.len());
        let (model, random) = self.stage("train", |_| Ok(train(job, &records, &prepared, &ranges, &vectors)))?;
        drop(prepared);
        // The truth file is read beside the stages from here on, which leave
        // a core idle now and then (a million rows took a second of the
        // evaluate stage, on one core; its time shows in theirs). Not before:
        // its map would add to the memory the comparison columns peak at.
        let truth = job.truth.clone().map(|path| std::thread::spawn(move || eval::Truth::read(&path)));
        let (damping, mut links, near) = self.stage("score", |_| {
            let damping = Damping::new(&job.comparisons, &records);
            let (links, near) = score(job, &model, &damping, &records, &pairs, &vectors, &evidence);
            Ok((damping, links, near))
        })?;
        let (entities, splits) = self.stage("cluster", |_| Ok(cluster_links(records.len(), &mut links)))?;
        let splits: Vec<output::SplitSummary> = splits
            .iter()
            .map(|split| {
                let name = |r: RecordIndex| records[r as usize].label(&source_names);
                output::SplitSummary {
                    records: [name(split.link.0), name(split.link.1)],
                    probability: split.probability,
                    reason: format!(
                        "the only link between two groups of {} and {} records, each linked on its own; \
                         removed so that they stay two entities",
                        split.sides.0, split.sides.1
                    ),
                }
            })
            .collect();
        let (relationships, hubs) = self.stage("relate", |_| {
            Ok(relationships::find(&job.attributes, &source_names, &records, Some(&handles), &entities, &near))
        })?;
        let folder = generation::begin(self.output, 1)?;
        self.stage("write", |_| {
            output::write_in_parallel(&[
                &|| write_outputs(&folder, &records, &source_names, &entities, &links, &near, &relationships, &rejects),
                &|| output::write_aliases(&folder.join("aliases.csv"), &[]),
                &|| compared::write(&compared::path(&folder), &pairs, &vectors, &evidence, job.comparisons.len()),
                &|| output::write_json(&training_path(&folder), &random),
                &|| output::create(&folder.join("changes.jsonl"))?.flush().map_err(Error::io("write", &folder)),
            ])
        })?;

        for (source, range) in sources.iter_mut().zip(&ranges) {
            source.resolved = u64::from(range.end - range.start);
        }
        let counts = Counts {
            read: (records.len() + row_rejects) as u64,
            resolved: records.len() as u64,
            rejected: row_rejects as u64,
            pairs_compared: pairs.len() as u64,
            links: links.len() as u64,
            entities: u64::from(entities.iter().copied().max().unwrap_or(0)),
        };
        let evaluation = match truth {
            Some(truth) => Some(self.stage("evaluate", |_| {
                let truth = truth.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
                Ok(truth.evaluate(&records, &source_names, &entities))
            })?),
            None => None,
        };
        self.timings.insert("total".into(), started.elapsed().as_millis() as u64);
        let summary = Summary {
            sleuth_version: env!("CARGO_PKG_VERSION").to_string(),
            job: JobSummary {
                name: job.name.clone(),
                file: job.file.display().to_string(),
                sha256: job.sha256.clone(),
            },
            threads: self.threads,
            generation: 1,
            last_entity: entities.iter().copied().max().unwrap_or(0),
            ingested: Vec::new(),
            plugins: job.plugins().into_iter().map(PluginSummary::of).collect(),
            counts,
            sources,
            threshold: job.threshold,
            blocking: BlockingSummary {
                keys: job.blocking.keys.iter().map(|k| k.name.clone()).collect(),
                report: blocking,
            },
            damped_values: damping.report(&model, 5),
            relationships: output::RelationshipSummary::of(&relationships, hubs),
            splits,
            flagged_values: job
                .attributes
                .iter()
                .zip(flags)
                .filter(|(_, flags)| !flags.is_empty())
                .map(|(attribute, flags)| (attribute.name.clone(), flags))
                .collect(),
            model,
            timings_ms: self.timings,
            peak_memory_mib: output::peak_memory_mib(),
            evaluation,
        };
        output::write_summary(&folder.join("summary.json"), &summary)?;
        store.set_generation(1)?;
        generation::publish(self.output, 1)?;
        Ok(summary)
    }

    /// Reads every source (in parallel), keeping records in job-file order.
    fn read(&mut self) -> Result<(Vec<Record>, Vec<Reject>, Vec<SourceSummary>)> {
        let job = self.job;
        let reads = (0..job.sources.len())
            .into_par_iter()
            .map(|index| Ok((read::read_source(job, index)?, file_sha256(&job.sources[index].path)?)))
            .collect::<Result<Vec<_>>>()?;
        // At its size at once: grown a doubling at a time, the copies touched
        // fresh memory twice the size of the last one.
        let mut records = Vec::with_capacity(reads.iter().map(|(read, _)| read.records.len()).sum());
        let mut rejects = Vec::new();
        let mut sources = Vec::new();
        for ((read, sha256), source) in reads.into_iter().zip(&job.sources) {
            info!(source = %source.name, records = read.records.len(), rejects = read.rejects.len(), "read");
            sources.push(SourceSummary {
                name: source.name.clone(),
                path: source.path.display().to_string(),
                sha256,
                read: read.rows(),
                resolved: 0,
                rejected: read.rejects.len() as u64,
            });
            records.extend(read.records);
            rejects.extend(read.rejects);
        }
        if records.len() > RecordIndex::MAX as usize {
            return Err(Error::Index {
                path: self.output.to_path_buf(),
                message: format!("{} records is more than one run can hold", records.len()),
            });
        }
        Ok((records, rejects, sources))
    }
}

/// Per attribute of `job`: whether its raw values are read after indexing
/// (matcher plugins get them).
pub(crate) fn raw_values_read(job: &Job) -> Vec<bool> {
    let mut read = vec![false; job.attributes.len()];
    for comparison in &job.comparisons {
        if let compare::Method::Plugin { .. } = comparison.method {
            read[comparison.attribute] = true;
        }
    }
    read
}

/// The record range of each source (records are in source order).
pub(crate) fn source_ranges(records: &[Record], sources: usize) -> Vec<Range<RecordIndex>> {
    let mut ranges = Vec::with_capacity(sources);
    let mut start = 0;
    for source in 0..sources as u32 {
        let end = start + records[start as usize..].iter().take_while(|r| r.source == source).count() as RecordIndex;
        ranges.push(start..end);
        start = end;
    }
    ranges
}

/// The sha256 of the file at `path`, in hex.
pub fn file_sha256(path: &Path) -> Result<String> {
    let mut file = BufReader::new(File::open(path).map_err(Error::io("read", path))?);
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 16];
    loop {
        let n = file.read(&mut buffer).map_err(Error::io("read", path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// The random sample u is estimated from, as pattern counts: kept in the
/// store (`training.json`) so that an ingest adds a sample of the pairs with
/// its new records and trains again without comparing the old sample.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RandomSample {
    /// The sample's distinct comparison vectors, with counts.
    pub patterns: Vec<(Vec<u8>, u64)>,
    /// Pairs in the sample (counting any weight an ingest gave its pairs).
    pub pairs: u64,
    /// Eligible pairs among all records so far.
    pub eligible_pairs: f64,
}

impl RandomSample {
    /// The sample of the comparison `vectors` (`width` levels each), out of
    /// `eligible_pairs`.
    pub(crate) fn of(vectors: &[Level], width: usize, eligible_pairs: f64) -> RandomSample {
        RandomSample {
            patterns: em::pattern_counts(vectors, width)
                .into_iter()
                .map(|(levels, n)| (levels.iter().map(|l| l.0).collect(), n))
                .collect(),
            pairs: (vectors.len() / width.max(1)) as u64,
            eligible_pairs,
        }
    }

    /// Adds `other`, a sample of the pairs with new records drawn at this
    /// sample's rate, each of its pairs counting `weight` times; its
    /// eligible pairs count all records.
    pub(crate) fn add(&mut self, other: RandomSample, weight: u64) {
        let mut all: BTreeMap<Vec<u8>, u64> = std::mem::take(&mut self.patterns).into_iter().collect();
        for (levels, n) in other.patterns {
            *all.entry(levels).or_default() += n * weight;
        }
        self.patterns = all.into_iter().collect();
        self.pairs += other.pairs * weight;
        self.eligible_pairs = other.eligible_pairs;
    }

    fn levels(&self) -> Vec<(Vec<Level>, u64)> {
        self.patterns.iter().map(|(levels, n)| (levels.iter().map(|&l| Level(l)).collect(), *n)).collect()
    }
}

/// The comparison vectors of a random sample of `job`'s eligible pairs
/// (matcher plugins' levels filled in), for u.
pub(crate) fn random_vectors(
    job: &Job,
    records: &[Record],
    prepared: &Prepared,
    random: &[(RecordIndex, RecordIndex)],
) -> Vec<Level> {
    let mut vectors = compare::comparison_vectors(&job.comparisons, records, prepared, random);
    for (name, batch) in fill_matchers(job, records, random, 0, &mut vectors, &mut matcher_evidence(job)) {
        tracing::warn!(comparison = name, "a batch of the u sample is left out: {}", batch.error);
    }
    vectors
}

/// Trains the model: u from random pairs, then m and the prior by EM over the
/// candidates' comparison vectors; returns it with the random sample.
fn train(
    job: &Job,
    records: &[Record],
    prepared: &Prepared,
    ranges: &[Range<RecordIndex>],
    vectors: &[Level],
) -> (Model, RandomSample) {
    let random = sample::random_pairs(ranges, job.within_source, job.model.u_sample_pairs, job.model.seed);
    let random_vectors = random_vectors(job, records, prepared, &random);
    let eligible = sample::eligible_pairs(ranges, job.within_source);
    let random = RandomSample::of(&random_vectors, job.comparisons.len(), eligible);
    (fit(job, vectors, &random), random)
}

/// The model of `job` fitted to the candidates' comparison `vectors` (m and
/// the prior, by EM) and the `random` sample (u).
pub(crate) fn fit(job: &Job, vectors: &[Level], random: &RandomSample) -> Model {
    let comparisons = &job.comparisons;
    let width = comparisons.len();
    let candidate_pairs = (vectors.len() / width.max(1)) as u64;
    let random_patterns = random.levels();
    let mut u: Vec<Vec<f64>> = comparisons
        .iter()
        .enumerate()
        .map(|(k, c)| em::sample_u(&random_patterns, c.method.level_count(), k))
        .collect();
    let mut m: Vec<Vec<f64>> = comparisons.iter().map(|c| em::initial_m(c.method.level_count())).collect();
    let mut m_fixed = vec![false; width];
    let mut u_fixed = vec![false; width];
    for (&k, fixed) in &job.model.fixed {
        if let Some(fixed) = &fixed.m {
            m[k] = fixed.clone();
            m_fixed[k] = true;
        }
        if let Some(fixed) = &fixed.u {
            u[k] = fixed.clone();
            u_fixed[k] = true;
        }
    }
    let eligible = random.eligible_pairs;
    let patterns = em::pattern_counts(vectors, width);
    let prior = job.model.prior.unwrap_or_else(|| (0.1 * candidate_pairs as f64 / eligible.max(1.0)).clamp(1e-12, 0.1));
    let groups = correlation_groups(comparisons);
    let mut parameters = Parameters {
        m,
        u,
        m_fixed: m_fixed.clone(),
        u_fixed: u_fixed.clone(),
        groups: groups.clone(),
        identifying: comparisons.iter().map(compare::Comparison::identifies).collect(),
        prior,
        prior_fixed: job.model.prior.is_some(),
    };
    let outcome = em::train(&patterns, &random_patterns, eligible, &mut parameters, job.model.max_iterations);
    info!(iterations = outcome.iterations, converged = outcome.converged, prior = parameters.prior, "trained");
    Model {
        prior: parameters.prior,
        prior_estimated: job.model.prior.is_none(),
        comparisons: comparisons
            .iter()
            .enumerate()
            .map(|(k, c)| ComparisonModel {
                name: c.name.clone(),
                levels: c.method.level_labels(),
                m: parameters.m[k].clone(),
                u: parameters.u[k].clone(),
                m_fixed: m_fixed[k],
                u_fixed: u_fixed[k],
            })
            .collect(),
        groups,
        training: Training {
            u_sample_pairs: random.pairs,
            eligible_pairs: eligible,
            candidate_pairs,
            distinct_patterns: patterns.len() as u64,
            iterations: outcome.iterations,
            converged: outcome.converged,
            expected_matches: outcome.expected_matches,
        },
    }
}

/// Writes the outputs of a generation into `folder`: the graph files,
/// `relationships.csv`, `entities.csv`, `links.csv`, `near_matches.csv` and
/// `rejects.csv`, written in parallel.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_outputs(
    folder: &Path,
    records: &[Record],
    source_names: &[String],
    entities: &[u32],
    links: &[Link],
    near: &[NearPair],
    relationships: &[relationships::Relationship],
    rejects: &[Reject],
) -> Result<()> {
    let nodes = graph_nodes(records, source_names, entities);
    output::write_in_parallel(&[
        &|| graph::write_graphml(&folder.join("graph.graphml"), &nodes, relationships),
        &|| graph::write_neo4j(&folder.join("neo4j"), &nodes, relationships),
        &|| output::write_relationships(&folder.join("relationships.csv"), relationships, records, source_names),
        &|| output::write_entities(&folder.join("entities.csv"), records, source_names, entities),
        &|| output::write_links(&folder.join("links.csv"), links, records, source_names, entities),
        &|| output::write_near_matches(&folder.join("near_matches.csv"), near, records, source_names, entities),
        &|| output::write_rejects(&folder.join("rejects.csv"), rejects),
    ])
}

/// A graph node per entity: its record count and sources, in entity order
/// (numbers an ingest merged away have no node).
fn graph_nodes(records: &[Record], sources: &[String], entities: &[u32]) -> Vec<graph::Node> {
    let count = entities.iter().copied().max().unwrap_or(0) as usize;
    let mut nodes: Vec<graph::Node> =
        (1..=count as u32).map(|entity| graph::Node { entity, records: 0, sources: Vec::new() }).collect();
    for (record, &entity) in records.iter().zip(entities) {
        let node = &mut nodes[entity as usize - 1];
        node.records += 1;
        let source = &sources[record.source as usize];
        if !node.sources.contains(source) {
            node.sources.push(source.clone());
        }
    }
    nodes.retain(|n| n.records > 0);
    nodes.iter_mut().for_each(|n| n.sources.sort());
    nodes
}

/// The reject row of a matcher batch that failed: its pairs are scored
/// without the matcher's verdict. `when` follows the pair numbers (` of
/// generation 3`).
pub(crate) fn matcher_reject(
    name: &str,
    batch: &FailedBatch,
    records: &[Record],
    sources: &[String],
    when: &str,
) -> Reject {
    let (a, b) = (&records[batch.first.0 as usize], &records[batch.first.1 as usize]);
    Reject {
        source: format!("matcher {name}"),
        location: format!("candidate pairs {}-{}{when}", batch.pairs.0, batch.pairs.1),
        reason: format!("{}; these pairs are scored without its verdict", batch.error),
        excerpt: format!("first pair: {} and {}", a.label(sources), b.label(sources)),
    }
}

/// Over-merge protection on `links` (removing the links it splits), then
/// the entities of `records` records as numbered by [`cluster::entities`];
/// returns them with the splits.
pub(crate) fn cluster_links(records: usize, links: &mut Vec<Link>) -> (Vec<u32>, Vec<cluster::Split>) {
    let scored: Vec<_> = links.iter().map(|l| (l.a, l.b, l.probability, l.identified)).collect();
    let (keep, splits) = cluster::protect(records, &scored);
    let mut keep = keep.into_iter();
    links.retain(|_| keep.next().unwrap_or(true));
    let edges: Vec<(RecordIndex, RecordIndex)> = links.iter().map(|l| (l.a, l.b)).collect();
    (cluster::entities(records, &edges), splits)
}

/// An empty evidence table per matcher comparison of `job`.
pub(crate) fn matcher_evidence(job: &Job) -> Vec<MatcherEvidence> {
    job.comparisons
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c.method, compare::Method::Plugin { .. }))
        .map(|(k, _)| MatcherEvidence { comparison: k, ..MatcherEvidence::default() })
        .collect()
}

/// Fills the matcher comparisons' columns of `levels` (the vectors of
/// `pairs`, the candidates from `first_pair` on) by calling the plugins;
/// returns the batches that failed, with their comparison's name.
pub(crate) fn fill_matchers(
    job: &Job,
    records: &[Record],
    pairs: &[(RecordIndex, RecordIndex)],
    first_pair: usize,
    levels: &mut [Level],
    evidence: &mut [MatcherEvidence],
) -> Vec<(String, FailedBatch)> {
    let width = job.comparisons.len();
    let mut failed = Vec::new();
    for (k, comparison) in job.comparisons.iter().enumerate() {
        let compare::Method::Plugin { matcher, .. } = comparison.method else { continue };
        let slot = evidence.iter_mut().find(|e| e.comparison == k).expect("one evidence table per matcher");
        let batches =
            job.matchers[matcher].fill(k, width, comparison.attribute, records, pairs, first_pair, levels, slot);
        failed.extend(batches.into_iter().map(|batch| (comparison.name.clone(), batch)));
    }
    failed
}

/// Each comparison's correlation group as an index, groups numbered by first use.
fn correlation_groups(comparisons: &[compare::Comparison]) -> Vec<Option<usize>> {
    let mut names: Vec<&str> = Vec::new();
    comparisons
        .iter()
        .map(|c| {
            c.group.as_deref().map(|group| {
                names.iter().position(|n| *n == group).unwrap_or_else(|| {
                    names.push(group);
                    names.len() - 1
                })
            })
        })
        .collect()
}

/// Pairs scored one after the other on a thread, asking ahead for the
/// values they read ([`AheadOfScoring`]).
const SCORE_STEP: usize = 4096;

/// What scoring a pair reads of its second record, asked for some pairs
/// ahead: an agreement on a damped comparison looks up the value both
/// records share, through a chain of pointers (the record, its attributes'
/// lists, the list, the text), and waiting on it took two fifths of the
/// score stage's CPU at a million records. Each step of the chain is asked for
/// once the one before has had time to arrive.
struct AheadOfScoring<'a> {
    records: &'a [Record],
    /// The damped comparisons and their attributes.
    damped: Vec<(usize, usize)>,
}

impl<'a> AheadOfScoring<'a> {
    fn new(job: &Job, records: &'a [Record]) -> Self {
        let damped = job.comparisons.iter().enumerate().filter(|(_, c)| c.damp_common_values);
        AheadOfScoring { records, damped: damped.map(|(k, c)| (k, c.attribute)).collect() }
    }

    /// At pair `j` of `pairs`, asks for what the pairs 4 to 24 after it
    /// will read (`vector(i)` is pair `i`'s comparison vector).
    fn prefetch<'v>(&self, pairs: &[(RecordIndex, RecordIndex)], j: usize, vector: &impl Fn(usize) -> &'v [Level]) {
        let record = |d: usize| pairs.get(j + d).map(|&(_, b)| (j + d, &self.records[b as usize]));
        if let Some((_, r)) = record(24) {
            prefetch::line(r);
        }
        if let Some((_, r)) = record(12) {
            r.normalized.prefetch();
        }
        if let Some((i, r)) = record(4) {
            let vector = vector(i);
            let agreed = self.damped.iter().filter(|&&(k, _)| vector[k] == Level(0));
            agreed.for_each(|&(_, attribute)| r.normalized.of(attribute).prefetch());
        }
    }
}

/// Scores every candidate pair and keeps those at or above the threshold.
pub(crate) fn score(
    job: &Job,
    model: &Model,
    damping: &Damping,
    records: &[Record],
    pairs: &[(RecordIndex, RecordIndex)],
    vectors: &[Level],
    evidence_of_matchers: &[MatcherEvidence],
) -> (Vec<Link>, Vec<NearPair>) {
    let width = job.comparisons.len().max(1);
    let scorer = Scorer::new(model, &job.comparisons, records, damping);
    let bar = progress::bar("score", pairs.len() as u64);
    let mut scored: Vec<Result<Link, NearPair>> = Vec::new();
    let ahead = AheadOfScoring::new(job, records);
    let (scorer, ahead) = (&scorer, &ahead);
    for (chunk, (pairs, vectors)) in pairs.chunks(CHUNK).zip(vectors.chunks(CHUNK * width)).enumerate() {
        let steps = pairs.par_chunks(SCORE_STEP).zip(vectors.par_chunks(SCORE_STEP * width)).enumerate();
        scored.par_extend(steps.flat_map_iter(|(step, (pairs, vectors))| {
            let vector = move |j: usize| &vectors[j * width..(j + 1) * width];
            (0..pairs.len()).map(move |j| (step * SCORE_STEP + j, j)).filter_map(move |(i, j)| {
                ahead.prefetch(pairs, j, &vector);
                let ((a, b), vector) = (pairs[j], vector(j));
                let score = scorer.score(a, b, vector);
                if score.probability < job.threshold {
                    // Below the threshold but better than even odds: a near match.
                    return (score.probability >= NEAR_MATCH).then_some(Err(NearPair {
                        a,
                        b,
                        probability: score.probability,
                    }));
                }
                let mut contributions = scorer.contributions(a, b, vector);
                contributions.sort_by(|x, y| y.weight.total_cmp(&x.weight));
                // `name=level[rule](+w.w); …`, written into one string.
                let mut evidence = String::with_capacity(96);
                for (n, c) in contributions.iter().take(3).enumerate() {
                    let compared = &model.comparisons[c.comparison];
                    if n > 0 {
                        evidence.push_str("; ");
                    }
                    evidence.push_str(&compared.name);
                    evidence.push('=');
                    evidence.push_str(&compared.levels[c.level.0 as usize]);
                    let rule = evidence_of_matchers
                        .iter()
                        .find(|e| e.comparison == c.comparison)
                        .and_then(|e| e.rule(chunk * CHUNK + i));
                    if let Some(rule) = rule {
                        evidence.push('[');
                        evidence.push_str(rule);
                        evidence.push(']');
                    }
                    evidence.push('(');
                    decimal::push_fixed(&mut evidence, c.weight, 1, true);
                    evidence.push(')');
                }
                let identified = vector.iter().zip(&job.comparisons).any(|(l, c)| *l == Level(0) && c.identifies());
                Some(Ok(Link { a, b, weight: score.weight, probability: score.probability, evidence, identified }))
            })
        }));
        bar.inc(pairs.len() as u64);
    }
    bar.finish_and_clear();
    let (mut links, mut near) = (Vec::new(), Vec::new());
    for pair in scored {
        match pair {
            Ok(link) => links.push(link),
            Err(pair) => near.push(pair),
        }
    }
    (links, near)
}
