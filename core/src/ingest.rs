//! Ingest: new sources added to the entities of an earlier run, keeping
//! the entity ids analysts have already written down.
//!
//! `sleuth ingest OUT JOB` reads the sources of `JOB` (their attributes must
//! be the store's: same names, same kinds) and:
//!
//! 1. normalizes them with their own sources' settings and numbers them after
//!    the store's records;
//! 2. finds their candidates in the store's index and among themselves, with
//!    the run's blocking rule ([`Store::additions`]), and checks again the
//!    store's candidate pairs whose blocks grew past their size limit;
//! 3. compares the new pairs with the run's comparisons, trains the model
//!    again on every candidate's comparison vector (the store keeps them, so
//!    no old pair is compared again) and a random sample that adds pairs with
//!    new records to the run's at the same rate, and scores every pair with
//!    it: the entities are those one run over everything would give;
//! 4. clusters the links, with over-merge protection, and gives the entities
//!    their ids ([`stable_ids`]): an entity keeps its id as records join it,
//!    a merge keeps the older id and records the other in `aliases.csv`, a
//!    part split off and a new entity take the next unused number;
//! 5. writes the outputs of the next generation with `changes.jsonl` saying
//!    what happened and why, then commits the new records and the generation
//!    to the index in one tantivy commit ([`crate::generation`]).
//!
//! Until that commit nothing a reader sees has changed; an ingest killed
//! before it leaves the store as it was, and running it again completes it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;
use tracing::info;

use crate::blocking::{self, Term};
use crate::candidates;
use crate::cluster;
use crate::compare;
use crate::compared::{self, Compared};
use crate::config::Job;
use crate::config::settings::Source;
use crate::error::{Error, Result};
use crate::eval;
use crate::explain::run_of;
use crate::generation;
use crate::index::{Additions, Store};
use crate::normalize;
use crate::output::{self, Alias, Link};
use crate::pipeline::{self, RandomSample, Stages};
use crate::read::{self, Reject};
use crate::record::{Record, RecordIndex};
use crate::relationships;
use crate::score::{Damping, sample};

/// An environment variable for crash tests: milliseconds an ingest waits
/// just before its commit, its outputs written.
pub const PAUSE_BEFORE_COMMIT: &str = "SLEUTH_PAUSE_BEFORE_COMMIT_MS";

/// What an ingest did.
#[derive(Debug, Clone)]
pub struct IngestResult {
    /// The store's new generation.
    pub generation: u32,
    /// Records added.
    pub records: u64,
    /// Rows of the new sources rejected.
    pub rejected: u64,
    /// Candidate pairs compared.
    pub pairs_compared: u64,
    /// New links.
    pub links: u64,
    /// Events of `changes.jsonl` this ingest added, by kind.
    pub changes: BTreeMap<&'static str, u64>,
    /// Wall time per stage, in milliseconds.
    pub timings_ms: BTreeMap<String, u64>,
    /// The summary written, as JSON.
    pub summary: serde_json::Value,
}

/// One line of `changes.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The generation that made it.
    pub generation: u32,
    /// `created`, `record_added`, `merged` or `split`.
    pub event: &'static str,
    /// The entity it happened to (the one kept, for a merge).
    pub entity: String,
    /// For `merged`: the entity merged into `entity`, now its alias; for
    /// `split`: the entity `entity` was split from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
    /// The records concerned (`source:id`): the new ones added or created,
    /// the ones split off.
    pub records: Vec<String>,
    /// Why, with the link (records, probability, strongest evidence).
    pub reason: String,
}

/// Adds the sources of `job` to the store in `output`.
pub fn ingest(output: &Path, job: &Job, threads: Option<usize>) -> Result<IngestResult> {
    let (pool, threads) = pipeline::worker_pool(threads)?;
    let _lock = output::lock(output)?;
    pool.install(|| Ingest { output, job, threads, timings: BTreeMap::new() }.run())
}

struct Ingest<'a> {
    output: &'a Path,
    job: &'a Job,
    threads: usize,
    timings: BTreeMap<String, u64>,
}

impl Stages for Ingest<'_> {
    fn timings(&mut self) -> &mut BTreeMap<String, u64> {
        &mut self.timings
    }
}

impl Ingest<'_> {
    fn refuse(&self, message: String) -> Error {
        Error::Ingest { job: self.job.file.clone(), output: self.output.to_path_buf(), message }
    }

    fn run(mut self) -> Result<IngestResult> {
        let started = Instant::now();
        let (folder, mut summary, stored) = run_of(self.output)?;
        let new_sources = sources_in_store(&stored, self.job).map_err(|message| self.refuse(message))?;
        let store = Store::open(self.output)?;
        store.check_keys(&stored.blocking.keys)?;
        let previous = store.generation()?.expect("run_of found the generation");
        let number = previous + 1;
        let next = generation::begin(self.output, number)?;

        // The store's job with the new sources after its own: records are
        // numbered, normalized and labelled in that order.
        let mut all = stored.clone();
        all.sources.extend(new_sources);
        let names: Vec<String> = all.sources.iter().map(|s| s.name.clone()).collect();
        let first_source = stored.sources.len();

        let (mut new, mut rejects, read_summaries) = self.stage("read", |_| {
            let mut records = Vec::new();
            let mut rejects = Vec::new();
            let mut sources = Vec::new();
            for index in first_source..all.sources.len() {
                let read = read::read_source(&all, index)?;
                let source = &all.sources[index];
                sources.push(serde_json::json!({
                    "name": source.name,
                    "path": source.path.display().to_string(),
                    "sha256": pipeline::file_sha256(&source.path)?,
                    "read": read.rows(),
                    "resolved": read.records.len(),
                    "rejected": read.rejects.len(),
                }));
                records.extend(read.records);
                rejects.extend(read.rejects);
            }
            Ok((records, rejects, sources))
        })?;
        let row_rejects = rejects.len() as u64;
        self.stage("normalize", |_| {
            let kinds: Vec<_> = all.attributes.iter().map(|a| a.kind).collect();
            let contexts: Vec<_> = all.sources.iter().map(|s| s.normalize.clone()).collect();
            normalize::normalize_records(&mut new, &kinds, &contexts);
            Ok(())
        })?;
        let mut records =
            self.stage("load", |_| store.records(&names, &all.attributes, &pipeline::raw_values_read(&all)))?;
        let first = records.len() as RecordIndex;
        let additions = self
            .stage("candidates", |_| store.additions(&new, first, &all.blocking.keys, all.blocking.max_block_size))?;
        records.append(&mut new);
        let new = &records[first as usize..];
        let source_of: Vec<u32> = records.iter().map(|r| r.source).collect();
        let (pairs, _) = candidates::candidate_pairs_from(
            &additions.blocks,
            &source_of,
            all.within_source,
            all.blocking.max_block_size,
            first,
        );
        info!(records = new.len(), pairs = pairs.len(), "ingest candidates");

        let width = all.comparisons.len();
        let fresh = self.stage("compare", |_| {
            let mut vectors =
                compare::comparison_vectors(&all.comparisons, &records, &compare::Prepared::default(), &pairs);
            let mut evidence = pipeline::matcher_evidence(&all);
            for (name, batch) in pipeline::fill_matchers(&all, &records, &pairs, 0, &mut vectors, &mut evidence) {
                let when = format!(" of generation {number}");
                rejects.push(pipeline::matcher_reject(&name, &batch, &records, &names, &when));
            }
            Ok(Compared { pairs, vectors, evidence })
        })?;
        let pairs_compared = fresh.pairs.len() as u64;
        // The candidates now: the store's that still are (a block that grew
        // may stop counting) and these.
        let compared = self.stage("load pairs", |_| {
            let mut compared = Compared::read(&compared::path(&folder), width)?;
            let keep = still_candidates(&compared.pairs, &additions, &records, &all, &store)?;
            compared.retain(&keep);
            compared.append(fresh);
            compared.write(&compared::path(&next), width)?;
            Ok(compared)
        })?;
        drop(additions);
        // The model trained again with the new pairs and a sample of the
        // pairs with new records added to the run's sample.
        let model = self.stage("train", |run| {
            let path = pipeline::training_path(&folder);
            let text = std::fs::read_to_string(&path).map_err(Error::io("read", &path))?;
            let mut sample: RandomSample = serde_json::from_str(&text)
                .map_err(|e| run.refuse(format!("{} cannot be read: {e}", path.display())))?;
            let (added, weight) = run.added_sample(&all, &records, first, &sample);
            sample.add(added, weight);
            output::write_json(&pipeline::training_path(&next), &sample)?;
            Ok(pipeline::fit(&all, &compared.vectors, &sample))
        })?;
        summary["model"] = serde_json::to_value(&model).expect("a model serializes");
        let (mut links, mut near) = self.stage("score", |_| {
            let damping = Damping::new(&all.comparisons, &records);
            Ok(pipeline::score(
                &all,
                &model,
                &damping,
                &records,
                &compared.pairs,
                &compared.vectors,
                &compared.evidence,
            ))
        })?;
        drop(compared);
        links.sort_by_key(|l| (l.a, l.b));
        near.sort_by_key(|n| (n.a, n.b));
        let new_links: Vec<Link> = links.iter().filter(|l| l.b >= first).cloned().collect();
        let old_ids = self.stage("load entities", |_| old_entities(&folder, &records[..first as usize], &names))?;

        let (ids, changes, aliases, splits) = self.stage("cluster", |_| {
            let (components, splits) = pipeline::cluster_links(records.len(), &mut links);
            let last = summary["last_entity"].as_u64().unwrap_or(0) as u32;
            let (ids, changes, aliases) =
                stable_ids(&components, &old_ids, last, number, &new_links, &splits, &records, &names);
            Ok((ids, changes, aliases, splits))
        })?;
        let (relationships, hubs) =
            self.stage("relate", |_| Ok(relationships::find(&all.attributes, &names, &records, None, &ids, &near)))?;

        let last_entity =
            ids.iter().copied().max().unwrap_or(0).max(summary["last_entity"].as_u64().unwrap_or(0) as u32);
        self.stage("write", |_| {
            let mut all_rejects = read_rejects(&folder)?;
            all_rejects.append(&mut rejects);
            pipeline::write_outputs(&next, &records, &names, &ids, &links, &near, &relationships, &all_rejects)?;
            let mut all_aliases = read_aliases(&folder)?;
            for alias in &mut all_aliases {
                // An alias of an entity merged away now names where it went.
                if let Some(later) = aliases.iter().find(|a| a.alias == alias.entity) {
                    alias.entity = later.entity;
                }
            }
            all_aliases.extend(aliases.iter().copied());
            output::write_aliases(&next.join("aliases.csv"), &all_aliases)?;
            let path = next.join("changes.jsonl");
            let mut file = output::create(&path)?;
            let before = folder.join("changes.jsonl");
            file.write_all(&std::fs::read(&before).map_err(Error::io("read", &before))?)
                .map_err(Error::io("write", &path))?;
            for change in &changes {
                serde_json::to_writer(&mut file, change).map_err(|e| Error::io("write", &path)(e.into()))?;
                file.write_all(b"\n").map_err(Error::io("write", &path))?;
            }
            file.flush().map_err(Error::io("write", &path))
        })?;

        // The summary: the run's, brought up to date.
        let mut counted: BTreeMap<&'static str, u64> = BTreeMap::new();
        for change in &changes {
            *counted.entry(change.event).or_default() += 1;
        }
        let counts = &mut summary["counts"];
        let add = |value: &mut serde_json::Value, n: u64| *value = (value.as_u64().unwrap_or(0) + n).into();
        add(&mut counts["read"], new.len() as u64 + row_rejects);
        add(&mut counts["resolved"], new.len() as u64);
        add(&mut counts["rejected"], row_rejects);
        add(&mut counts["pairs_compared"], pairs_compared);
        counts["links"] = links.len().into();
        let mut entities: Vec<u32> = ids.clone();
        entities.sort_unstable();
        entities.dedup();
        counts["entities"] = entities.len().into();
        summary["generation"] = number.into();
        summary["last_entity"] = last_entity.into();
        summary["threads"] = self.threads.into();
        if let Some(sources) = summary["sources"].as_array_mut() {
            sources.extend(read_summaries);
        }
        let ingested = serde_json::json!({
            "name": self.job.name, "file": self.job.file.display().to_string(), "sha256": self.job.sha256,
        });
        match summary["ingested"].as_array_mut() {
            Some(list) => list.push(ingested),
            None => summary["ingested"] = serde_json::json!([ingested]),
        }
        summary["relationships"] =
            serde_json::to_value(output::RelationshipSummary::of(&relationships, hubs)).expect("a summary serializes");
        if let Some(list) = summary["splits"].as_array_mut() {
            list.extend(splits.iter().map(|split| {
                serde_json::json!({
                    "records": [records[split.link.0 as usize].label(&names), records[split.link.1 as usize].label(&names)],
                    "probability": split.probability,
                    "reason": format!("removed by over-merge protection in generation {number}"),
                })
            }));
        }
        summary["changes"] = serde_json::to_value(&counted).expect("counts serialize");
        if let Some(truth) = &self.job.truth {
            let evaluation = self.stage("evaluate", |_| eval::evaluate(truth, &next))?;
            summary["evaluation"] = serde_json::to_value(evaluation).expect("an evaluation serializes");
        }
        summary["peak_memory_mib"] = output::peak_memory_mib().into();

        self.timings.insert("total".into(), started.elapsed().as_millis() as u64);
        summary["timings_ms"] = serde_json::to_value(&self.timings).expect("timings serialize");
        output::write_summary(&next.join("summary.json"), &summary)?;

        // For crash tests: wait here, every output written and nothing
        // committed, until the test kills the process.
        if let Some(ms) = std::env::var(PAUSE_BEFORE_COMMIT).ok().and_then(|ms| ms.parse().ok()) {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        // The atomic point: the new records and the generation naming their
        // outputs, in one commit.
        store.write(
            &mut records[first as usize..],
            None,
            None,
            first,
            &names,
            &all.attributes,
            &all.blocking.keys,
            self.threads,
            Some(number),
            |_| {},
        )?;
        generation::publish(self.output, number)?;
        Ok(IngestResult {
            generation: number,
            records: (records.len() - first as usize) as u64,
            rejected: row_rejects,
            pairs_compared,
            links: new_links.len() as u64,
            changes: counted,
            timings_ms: self.timings,
            summary,
        })
    }

    /// A random sample of the eligible pairs with a new record (numbered
    /// `first` on), at the rate of the `stored` sample, and the weight of its
    /// pairs: at most the job's sample size are drawn, each counting for
    /// more when that is fewer than the rate asks.
    fn added_sample(
        &self,
        job: &Job,
        records: &[Record],
        first: RecordIndex,
        stored: &RandomSample,
    ) -> (RandomSample, u64) {
        let ranges = pipeline::source_ranges(records, job.sources.len());
        let eligible = sample::eligible_pairs(&ranges, job.within_source);
        let added = (eligible - stored.eligible_pairs).max(0.0);
        let wanted = added * stored.pairs as f64 / stored.eligible_pairs.max(1.0);
        let count = (wanted.round() as u64).min(4 * job.model.u_sample_pairs);
        let seed = job.model.seed ^ u64::from(first);
        let random = sample::random_pairs_from(&ranges, first, job.within_source, count, seed);
        let vectors = pipeline::random_vectors(job, records, &compare::Prepared::default(), &random);
        let weight = if random.is_empty() { 1 } else { (wanted / random.len() as f64).round().max(1.0) as u64 };
        (RandomSample::of(&vectors, job.comparisons.len(), eligible), weight)
    }
}

/// The sources of `job` (ingested, or to be) as sources of the store whose
/// job is `stored`: their columns feed the store's attributes (matched by
/// name and kind). Refused, with what to do, when an attribute is not the
/// store's or a source name is taken.
pub(crate) fn sources_in_store(stored: &Job, job: &Job) -> std::result::Result<Vec<Source>, String> {
    let mut sources = job.sources.clone();
    for source in &mut sources {
        if stored.sources.iter().any(|s| s.name == source.name) {
            return Err(format!(
                "the store already has a source `{}`; give the new file a name of its own \
                 (each source's records are named source:id)",
                source.name
            ));
        }
        for column in &mut source.columns {
            let attribute = &job.attributes[column.attribute];
            column.attribute = stored
                .attributes
                .iter()
                .position(|a| a.name == attribute.name && a.kind == attribute.kind)
                .ok_or_else(|| {
                    let known: Vec<String> =
                        stored.attributes.iter().map(|a| format!("{} ({})", a.name, a.kind)).collect();
                    format!(
                        "source `{}` feeds attribute `{}` ({}), which the store does not have; its attributes are {}",
                        source.name,
                        attribute.name,
                        attribute.kind,
                        known.join(", ")
                    )
                })?;
        }
    }
    Ok(sources)
}

/// Which of the store's candidate `pairs` still are after the additions:
/// those sharing blocks that stop counting are checked again with the
/// blocks' new sizes, the others are kept as they are.
fn still_candidates(
    pairs: &[(RecordIndex, RecordIndex)],
    additions: &Additions,
    records: &[Record],
    job: &Job,
    store: &Store,
) -> Result<Vec<bool>> {
    let mut weakened = vec![false; records.len()];
    for block in &additions.weakened {
        for &r in block {
            weakened[r as usize] = true;
        }
    }
    let mut terms: HashMap<RecordIndex, BTreeSet<Term>> = HashMap::new();
    // Each term's size after the additions, looked up once.
    let mut sizes: HashMap<Term, u64> = HashMap::new();
    let mut keep = Vec::with_capacity(pairs.len());
    for &(a, b) in pairs {
        if !(weakened[a as usize] && weakened[b as usize]) {
            keep.push(true);
            continue;
        }
        for r in [a, b] {
            terms.entry(r).or_insert_with(|| blocking::record_terms(&job.blocking.keys, &records[r as usize]));
        }
        let mut shared = Vec::new();
        for term in terms[&a].intersection(&terms[&b]) {
            let size = match sizes.get(term) {
                Some(&size) => size,
                None => {
                    let added = additions.added.get(term).copied().unwrap_or(0);
                    let size = store.block_size(term)? + added;
                    sizes.insert(term.clone(), size);
                    size
                }
            };
            shared.push((size, term.strength));
        }
        keep.push(candidates::shares_enough(shared, job.blocking.max_block_size));
    }
    Ok(keep)
}

/// The entity number of each of the store's `records`, from the current
/// generation's `entities.csv` in `folder`.
fn old_entities(folder: &Path, records: &[Record], names: &[String]) -> Result<Vec<u32>> {
    let number: HashMap<(&str, &str), usize> =
        records.iter().enumerate().map(|(i, r)| ((names[r.source as usize].as_str(), r.id.as_str()), i)).collect();
    let broken = |message: String| Error::NotAnOutput {
        path: folder.to_path_buf(),
        message: format!("entities.csv: {message}"),
    };
    let mut ids = vec![0u32; records.len()];
    for row in output::read_rows(folder, "entities.csv")? {
        let record = number
            .get(&(&row[0], &row[1]))
            .ok_or_else(|| broken(format!("record {}:{} is not in the index", &row[0], &row[1])))?;
        ids[*record] = parse_entity(&row[2]).ok_or_else(|| broken(format!("`{}` is not an entity id", &row[2])))?;
    }
    if let Some(missing) = ids.iter().position(|&id| id == 0) {
        return Err(broken(format!("record {} has no entity", records[missing].label(names))));
    }
    Ok(ids)
}

fn read_rejects(folder: &Path) -> Result<Vec<Reject>> {
    Ok(output::read_rows(folder, "rejects.csv")?
        .iter()
        .map(|r| Reject { source: r[0].into(), location: r[1].into(), reason: r[2].into(), excerpt: r[3].into() })
        .collect())
}

fn read_aliases(folder: &Path) -> Result<Vec<Alias>> {
    output::read_rows(folder, "aliases.csv")?
        .iter()
        .map(|r| {
            let parsed = (parse_entity(&r[0]), parse_entity(&r[1]), r[2].parse().ok());
            match parsed {
                (Some(alias), Some(entity), Some(generation)) => Ok(Alias { alias, entity, generation }),
                _ => Err(Error::NotAnOutput {
                    path: folder.to_path_buf(),
                    message: format!("aliases.csv: a row is not alias,entity_id,generation: {r:?}"),
                }),
            }
        })
        .collect()
}

/// `E000042` → 42.
fn parse_entity(id: &str) -> Option<u32> {
    id.strip_prefix('E')?.parse().ok()
}

/// The entity ids after an ingest, the changes and the new aliases.
///
/// `components` numbers the records' entities afresh (by first record);
/// `old` holds each earlier record's entity id (records from
/// `old.len()` on are new). Each old id goes with the component of its
/// first record: there it stays (several in one component: the smallest,
/// the oldest, stays and the others become its aliases); a component with no
/// old id of its own takes the next number after `last` (a new entity, or a
/// part split off an old one).
#[allow(clippy::too_many_arguments)]
pub fn stable_ids(
    components: &[u32],
    old: &[u32],
    last: u32,
    generation: u32,
    new_links: &[Link],
    splits: &[cluster::Split],
    records: &[Record],
    names: &[String],
) -> (Vec<u32>, Vec<Change>, Vec<Alias>) {
    let label = |r: usize| records[r].label(names);
    let count = components.iter().copied().max().unwrap_or(0) as usize;
    // Each old id's home component: its first record's.
    let mut home: BTreeMap<u32, u32> = BTreeMap::new();
    for (r, &id) in old.iter().enumerate() {
        home.entry(id).or_insert(components[r]);
    }
    let mut kept: Vec<Vec<u32>> = vec![Vec::new(); count + 1];
    for (&id, &component) in &home {
        kept[component as usize].push(id); // ascending: BTreeMap order
    }
    // Why: the first new link touching a record, by record.
    let mut link_of: HashMap<RecordIndex, &Link> = HashMap::new();
    for link in new_links {
        link_of.entry(link.a).or_insert(link);
        link_of.entry(link.b).or_insert(link);
    }
    let because = |link: &Link| {
        format!(
            "linked {} and {} (probability {:.4}; {})",
            label(link.a as usize),
            label(link.b as usize),
            link.probability,
            link.evidence
        )
    };
    let mut id_of = vec![0u32; count + 1];
    let mut next = last;
    let mut changes = Vec::new();
    let mut aliases = Vec::new();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); count + 1];
    for (r, &c) in components.iter().enumerate() {
        members[c as usize].push(r);
    }
    for component in 1..=count {
        let records_here = &members[component];
        let olds = &kept[component];
        let new_records: Vec<usize> = records_here.iter().copied().filter(|&r| r >= old.len()).collect();
        if let Some((&keep, merged)) = olds.split_first() {
            id_of[component] = keep;
            for &alias in merged {
                aliases.push(Alias { alias, entity: keep, generation });
                // The link that joined them: a new one touching the alias's
                // records or the new records between them.
                let reason = records_here
                    .iter()
                    .filter(|&&r| r >= old.len() || old[r] == alias)
                    .find_map(|&r| link_of.get(&(r as RecordIndex)))
                    .map_or_else(|| "their records are linked now".to_string(), |l| because(l));
                changes.push(Change {
                    generation,
                    event: "merged",
                    entity: cluster::entity_id(keep),
                    other: Some(cluster::entity_id(alias)),
                    records: Vec::new(),
                    reason,
                });
            }
            if !new_records.is_empty() {
                let reason = new_records
                    .iter()
                    .find_map(|&r| link_of.get(&(r as RecordIndex)))
                    .map_or_else(|| "linked".to_string(), |l| because(l));
                changes.push(Change {
                    generation,
                    event: "record_added",
                    entity: cluster::entity_id(keep),
                    other: None,
                    records: new_records.iter().map(|&r| label(r)).collect(),
                    reason,
                });
            }
            continue;
        }
        next += 1;
        id_of[component] = next;
        let split_from = records_here.iter().find(|&&r| r < old.len()).map(|&r| old[r]);
        match split_from {
            Some(from) => {
                let reason = splits
                    .iter()
                    .find(|s| {
                        records_here.contains(&(s.link.0 as usize)) || records_here.contains(&(s.link.1 as usize))
                    })
                    .map_or_else(
                        || "its records are no longer linked to the rest".to_string(),
                        |s| {
                            format!(
                                "over-merge protection removed the link {} - {} (probability {:.4}): \
                                 the only one between two groups that hold together on their own",
                                label(s.link.0 as usize),
                                label(s.link.1 as usize),
                                s.probability
                            )
                        },
                    );
                changes.push(Change {
                    generation,
                    event: "split",
                    entity: cluster::entity_id(next),
                    other: Some(cluster::entity_id(from)),
                    records: records_here.iter().map(|&r| label(r)).collect(),
                    reason,
                });
            }
            None => {
                let reason = records_here.iter().find_map(|&r| link_of.get(&(r as RecordIndex))).map_or_else(
                    || "a new record linked to no other".to_string(),
                    |l| format!("new records {}", because(l)),
                );
                changes.push(Change {
                    generation,
                    event: "created",
                    entity: cluster::entity_id(next),
                    other: None,
                    records: records_here.iter().map(|&r| label(r)).collect(),
                    reason,
                });
            }
        }
    }
    (components.iter().map(|&c| id_of[c as usize]).collect(), changes, aliases)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(n: usize) -> (Vec<Record>, Vec<String>) {
        let records = (0..n).map(|i| Record { id: i.to_string(), ..Record::default() }).collect();
        (records, vec!["s".to_string()])
    }

    fn link(a: RecordIndex, b: RecordIndex) -> Link {
        Link { a, b, weight: 20.0, probability: 0.999, evidence: "email=exact(+20.0)".into(), identified: true }
    }

    #[test]
    fn ids_stay_merges_keep_the_older_and_new_entities_take_the_next_number() {
        // Before: records 0,1 are E1; 2 is E2; 3 is E3; 4 and 5 are E4 (and
        // E5..E9 were given out and merged away earlier). Records 6, 7 are new.
        let old = [1, 1, 2, 3, 4, 4];
        // After: 0,1,6 one entity; 2 and 3 merged through 7; 4 and 5 apart.
        let components = [1, 1, 2, 2, 3, 4, 1, 2];
        let (records, names) = records(8);
        let new_links = [link(1, 6), link(2, 7), link(3, 7)];
        let (ids, changes, aliases) = stable_ids(&components, &old, 9, 5, &new_links, &[], &records, &names);
        assert_eq!(ids, [1, 1, 2, 2, 4, 10, 1, 2]);
        assert_eq!(aliases, [Alias { alias: 3, entity: 2, generation: 5 }]);
        let events: Vec<(&str, &str, Option<&str>)> =
            changes.iter().map(|c| (c.event, c.entity.as_str(), c.other.as_deref())).collect();
        assert_eq!(
            events,
            [
                ("record_added", "E000001", None),
                ("merged", "E000002", Some("E000003")),
                ("record_added", "E000002", None),
                ("split", "E000010", Some("E000004")),
            ]
        );
        assert_eq!(changes[0].records, ["s:6"]);
        assert!(changes[1].reason.contains("s:7"), "{}", changes[1].reason);
        assert_eq!(changes[3].records, ["s:5"], "the part split off");
    }

    #[test]
    fn a_new_record_alone_is_a_new_entity() {
        let (records, names) = records(3);
        let (ids, changes, aliases) = stable_ids(&[1, 2, 3], &[1, 2], 2, 2, &[], &[], &records, &names);
        assert_eq!(ids, [1, 2, 3]);
        assert!(aliases.is_empty());
        assert_eq!(changes.len(), 1);
        assert_eq!((changes[0].event, changes[0].records.as_slice()), ("created", ["s:2".to_string()].as_slice()));
    }
}
