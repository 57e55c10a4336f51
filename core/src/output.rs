//! The files a run leaves in its output folder.
//!
//! - `entities.csv`: `source,record_id,entity_id`, every record not rejected;
//! - `links.csv`: the pairs linked as one entity, with weight, probability and
//!   the comparisons that contributed most;
//! - `near_matches.csv`: pairs below the threshold but better than even odds;
//! - `rejects.csv`: `source,location,reason,excerpt`, every row not read;
//! - `aliases.csv`: entity numbers merged into others by an ingest;
//! - `changes.jsonl`: what each ingest changed ([`crate::ingest`]);
//! - `summary.json`: counts, timings, the trained model, hashes, version.
//!
//! Each generation's files are in `gen-NNNN/` and linked into the folder
//! ([`crate::generation`]). Rows are written in record order, so equal runs
//! give equal bytes.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::candidates::BlockingReport;
use crate::cluster::entity_id;
use crate::decimal;
use crate::error::{Error, Result};
use crate::eval::Evaluation;
use crate::read::Reject;
use crate::record::{Record, RecordIndex};
use crate::relationships::{Hub, NearPair, Relationship};
use crate::score::Model;
use crate::score::damping::DampedValue;

/// A pair of records linked as the same entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The first record (the smaller number).
    pub a: RecordIndex,
    /// The second record.
    pub b: RecordIndex,
    /// The match weight in bits.
    pub weight: f64,
    /// The match probability.
    pub probability: f64,
    /// The comparisons that contributed most: `card=exact(+19.3); …`.
    pub evidence: String,
    /// Whether the records agree exactly on an identifying value (an email,
    /// a card, a phone): over-merge protection never cuts such a link.
    pub identified: bool,
}

/// `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The Sleuth version that ran the job.
    pub sleuth_version: String,
    /// The job: name, file and its sha256.
    pub job: JobSummary,
    /// Threads used.
    pub threads: usize,
    /// The store's generation: 1 after a run, one more after each ingest.
    pub generation: u32,
    /// The highest entity number given so far: an ingest numbers new
    /// entities after it, so no number is ever given twice.
    pub last_entity: u32,
    /// The jobs whose sources were ingested since the run, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ingested: Vec<JobSummary>,
    /// The plugins the job ran: parsers, then matchers.
    pub plugins: Vec<PluginSummary>,
    /// Totals; `read == resolved + rejected` (rows of `rejects.csv` from a
    /// `matcher …` source are pair batches, not rows, and not counted).
    pub counts: Counts,
    /// Per source counts and file hashes.
    pub sources: Vec<SourceSummary>,
    /// The match probability threshold.
    pub threshold: f64,
    /// How candidates were found.
    pub blocking: BlockingSummary,
    /// The trained model.
    pub model: Model,
    /// Common values whose agreement counted for less.
    pub damped_values: Vec<DampedValue>,
    /// Relationships between entities, by kind, and the hub values left out.
    pub relationships: RelationshipSummary,
    /// Links removed by over-merge protection, with their reasons.
    pub splits: Vec<SplitSummary>,
    /// Values kept but flagged (an invalid email, a failed card checksum), by
    /// attribute and reason.
    pub flagged_values: BTreeMap<String, BTreeMap<&'static str, u64>>,
    /// Wall time per stage, in milliseconds.
    pub timings_ms: BTreeMap<String, u64>,
    /// The process's peak resident memory so far, in MiB (where the system
    /// tells it: Linux).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_memory_mib: Option<u64>,
    /// Scores against the job's truth file, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<Evaluation>,
}

/// A link over-merge protection removed.
#[derive(Debug, Clone, Serialize)]
pub struct SplitSummary {
    /// Its records, as `source:id`.
    pub records: [String; 2],
    /// Its match probability.
    pub probability: f64,
    /// Why it was removed.
    pub reason: String,
}

/// Relationships found, by kind, and the values shared by too many entities
/// to relate them (reported instead of linking everyone).
#[derive(Debug, Clone, Serialize)]
pub struct RelationshipSummary {
    /// Rows of `relationships.csv` per kind.
    pub by_kind: BTreeMap<&'static str, u64>,
    /// The most shared hub values (at most 20), most entities first.
    pub hubs: Vec<Hub>,
    /// All hub values.
    pub hub_count: u64,
}

impl RelationshipSummary {
    /// The summary of `relationships` and `hubs`.
    pub fn of(relationships: &[Relationship], hubs: Vec<Hub>) -> RelationshipSummary {
        let mut by_kind = BTreeMap::new();
        for r in relationships {
            *by_kind.entry(r.kind.as_str()).or_default() += 1;
        }
        let hub_count = hubs.len() as u64;
        RelationshipSummary { by_kind, hubs: hubs.into_iter().take(20).collect(), hub_count }
    }
}

/// Writes `relationships.csv`: `entity_a,entity_b,kind,via,strength,records_a,records_b`
/// (records as `source:id`, `;`-separated).
pub fn write_relationships(
    path: &Path,
    relationships: &[Relationship],
    records: &[Record],
    sources: &[String],
) -> Result<()> {
    let name = |r: &RecordIndex| records[*r as usize].label(sources);
    let mut writer = csv::Writer::from_writer(create(path)?);
    writer
        .write_record(["entity_a", "entity_b", "kind", "via", "strength", "records_a", "records_b"])
        .map_err(csv_error(path))?;
    for r in relationships {
        writer
            .write_record([
                entity_id(r.a),
                entity_id(r.b),
                r.kind.as_str().to_string(),
                r.via.clone(),
                decimal::fixed(r.strength, 4),
                r.records_a.iter().map(name).collect::<Vec<_>>().join(";"),
                r.records_b.iter().map(name).collect::<Vec<_>>().join(";"),
            ])
            .map_err(csv_error(path))?;
    }
    writer.flush().map_err(Error::io("write", path))
}

/// A plugin, as the summary records it.
#[derive(Debug, Clone, Serialize)]
pub struct PluginSummary {
    /// `parser` or `matcher`.
    pub world: String,
    /// Its name, version and SDK version.
    #[serde(flatten)]
    pub info: crate::plugin::Info,
    /// Its file.
    pub path: String,
    /// Its sha256.
    pub sha256: String,
    /// The contract it was built against: `0.2.0`.
    pub contract: crate::plugin::Contract,
}

impl PluginSummary {
    /// The summary of `plugin`.
    pub fn of(plugin: &crate::plugin::Plugin) -> PluginSummary {
        PluginSummary {
            world: plugin.world.to_string(),
            info: plugin.info.clone(),
            path: plugin.path.display().to_string(),
            sha256: plugin.sha256.clone(),
            contract: plugin.contract,
        }
    }
}

/// The job, as the summary records it.
#[derive(Debug, Clone, Serialize)]
pub struct JobSummary {
    /// Its name.
    pub name: String,
    /// The job file.
    pub file: String,
    /// The job file's sha256.
    pub sha256: String,
}

/// Totals of a run.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    /// Rows read from all sources.
    pub read: u64,
    /// Records resolved into entities.
    pub resolved: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Candidate pairs compared.
    pub pairs_compared: u64,
    /// Links at or above the threshold.
    pub links: u64,
    /// Entities.
    pub entities: u64,
}

/// One source, as the summary records it.
#[derive(Debug, Clone, Serialize)]
pub struct SourceSummary {
    /// Its name.
    pub name: String,
    /// Its file.
    pub path: String,
    /// The file's sha256.
    pub sha256: String,
    /// Rows read.
    pub read: u64,
    /// Records resolved.
    pub resolved: u64,
    /// Rows rejected.
    pub rejected: u64,
}

/// Blocking, as the summary records it.
#[derive(Debug, Clone, Serialize)]
pub struct BlockingSummary {
    /// The keys blocked on.
    pub keys: Vec<String>,
    /// What the blocks gave.
    #[serde(flatten)]
    pub report: BlockingReport,
}

/// Runs `writes`, each writing files of its own, in parallel; the error of
/// the first that failed, in the list's order.
pub(crate) fn write_in_parallel(writes: &[&(dyn Fn() -> Result<()> + Sync)]) -> Result<()> {
    let results: Vec<Result<()>> = writes.par_iter().map(|write| write()).collect();
    results.into_iter().collect()
}

/// A buffered new file at `path`.
pub(crate) fn create(path: &Path) -> Result<BufWriter<File>> {
    Ok(BufWriter::new(File::create(path).map_err(Error::io("create", path))?))
}

/// Turns a CSV writer's error on `path` into the crate's.
pub(crate) fn csv_error(path: &Path) -> impl Fn(csv::Error) -> Error + '_ {
    move |e| Error::io("write", path)(std::io::Error::other(e))
}

/// The rows of the CSV file `name` of output folder `output`.
pub fn read_rows(output: &Path, name: &str) -> Result<Vec<csv::StringRecord>> {
    let not_output = |message: String| Error::NotAnOutput { path: output.into(), message };
    let mut reader =
        csv::Reader::from_path(output.join(name)).map_err(|e| not_output(format!("cannot read {name}: {e}")))?;
    reader.records().collect::<std::result::Result<_, _>>().map_err(|e| not_output(format!("{name}: {e}")))
}

/// Each record's entity in output folder `output`: `source:id` → entity id.
pub fn read_entities(output: &Path) -> Result<BTreeMap<String, String>> {
    Ok(read_rows(output, "entities.csv")?.iter().map(|r| (format!("{}:{}", &r[0], &r[1]), r[2].to_string())).collect())
}

/// Writes `entities.csv`.
pub fn write_entities(path: &Path, records: &[Record], sources: &[String], entities: &[u32]) -> Result<()> {
    let mut writer = csv::Writer::from_writer(create(path)?);
    writer.write_record(["source", "record_id", "entity_id"]).map_err(csv_error(path))?;
    for (record, &entity) in records.iter().zip(entities) {
        writer
            .write_record([sources[record.source as usize].as_str(), &record.id, &entity_id(entity)])
            .map_err(csv_error(path))?;
    }
    writer.flush().map_err(Error::io("write", path))
}

/// Writes `links.csv`.
///
/// Its rows are rendered in parallel, [`LINK_ROWS`] to a buffer, and the
/// buffers written in order (at most [`LINK_BATCH`] rows held at once):
/// formatting each link's weight and probability made this the longest of
/// a run's files to write, and the others wait for it. The bytes are those
/// of one writer writing every row.
pub fn write_links(
    path: &Path,
    links: &[Link],
    records: &[Record],
    sources: &[String],
    entities: &[u32],
) -> Result<()> {
    let mut file = create(path)?;
    let header = csv_bytes(0, |writer| writer.write_record(LINK_COLUMNS)).map_err(csv_error(path))?;
    file.write_all(&header).map_err(Error::io("write", path))?;
    let render = |rows: &[Link]| {
        csv_bytes(rows.len() * 128, |writer| {
            rows.iter().try_for_each(|link| write_link(writer, link, records, sources, entities))
        })
    };
    for batch in links.chunks(LINK_BATCH) {
        let rendered: Vec<Vec<u8>> =
            batch.par_chunks(LINK_ROWS).map(render).collect::<csv::Result<_>>().map_err(csv_error(path))?;
        for rows in rendered {
            file.write_all(&rows).map_err(Error::io("write", path))?;
        }
    }
    file.flush().map_err(Error::io("write", path))
}

/// The bytes `write` gives a CSV writer (about `capacity` of them).
fn csv_bytes(
    capacity: usize,
    write: impl FnOnce(&mut csv::Writer<Vec<u8>>) -> csv::Result<()>,
) -> csv::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::with_capacity(capacity));
    write(&mut writer)?;
    writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// One row of `links.csv`.
fn write_link<W: Write>(
    writer: &mut csv::Writer<W>,
    link: &Link,
    records: &[Record],
    sources: &[String],
    entities: &[u32],
) -> csv::Result<()> {
    let (a, b) = (&records[link.a as usize], &records[link.b as usize]);
    writer.write_record([
        sources[a.source as usize].as_str(),
        &a.id,
        &sources[b.source as usize],
        &b.id,
        &entity_id(entities[link.a as usize]),
        &decimal::fixed(link.weight, 4),
        &decimal::fixed(link.probability, 6),
        &link.evidence,
        if link.identified { "true" } else { "false" },
    ])
}

/// `links.csv`'s columns.
const LINK_COLUMNS: [&str; 9] =
    ["source_a", "record_a", "source_b", "record_b", "entity_id", "weight", "probability", "evidence", "identified"];

/// Links rendered to one buffer by one thread ([`write_links`]).
const LINK_ROWS: usize = 4096;

/// Links rendered before their buffers are written ([`write_links`]).
const LINK_BATCH: usize = 64 * LINK_ROWS;

/// Writes `near_matches.csv`: the pairs below the threshold but more likely
/// the same than not (they become `near_match` relationships).
pub fn write_near_matches(
    path: &Path,
    near: &[NearPair],
    records: &[Record],
    sources: &[String],
    entities: &[u32],
) -> Result<()> {
    let mut writer = csv::Writer::from_writer(create(path)?);
    writer
        .write_record(["source_a", "record_a", "entity_a", "source_b", "record_b", "entity_b", "probability"])
        .map_err(csv_error(path))?;
    for pair in near {
        let (a, b) = (&records[pair.a as usize], &records[pair.b as usize]);
        writer
            .write_record([
                sources[a.source as usize].as_str(),
                &a.id,
                &entity_id(entities[pair.a as usize]),
                &sources[b.source as usize],
                &b.id,
                &entity_id(entities[pair.b as usize]),
                &decimal::fixed(pair.probability, 6),
            ])
            .map_err(csv_error(path))?;
    }
    writer.flush().map_err(Error::io("write", path))
}

/// An entity number an ingest merged into another: `alias` is now `entity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alias {
    /// The number given up.
    pub alias: u32,
    /// The entity it is part of now.
    pub entity: u32,
    /// The generation of the merge.
    pub generation: u32,
}

/// Writes `aliases.csv`: `alias,entity_id,generation`.
pub fn write_aliases(path: &Path, aliases: &[Alias]) -> Result<()> {
    let mut writer = csv::Writer::from_writer(create(path)?);
    writer.write_record(["alias", "entity_id", "generation"]).map_err(csv_error(path))?;
    for a in aliases {
        writer
            .write_record([entity_id(a.alias), entity_id(a.entity), a.generation.to_string()])
            .map_err(csv_error(path))?;
    }
    writer.flush().map_err(Error::io("write", path))
}

/// Writes `rejects.csv`.
pub fn write_rejects(path: &Path, rejects: &[Reject]) -> Result<()> {
    let mut writer = csv::Writer::from_writer(create(path)?);
    writer.write_record(["source", "location", "reason", "excerpt"]).map_err(csv_error(path))?;
    for reject in rejects {
        writer
            .write_record([reject.source.as_str(), &reject.location, &reject.reason, &reject.excerpt])
            .map_err(csv_error(path))?;
    }
    writer.flush().map_err(Error::io("write", path))
}

/// Writes `summary.json`: a run's [`Summary`], or its JSON brought up to
/// date by an ingest.
pub fn write_summary(path: &Path, summary: &impl Serialize) -> Result<()> {
    let mut file = create(path)?;
    serde_json::to_writer_pretty(&mut file, summary).map_err(|e| Error::io("write", path)(e.into()))?;
    file.write_all(b"\n").and_then(|()| file.flush()).map_err(Error::io("write", path))
}

/// Writes `value` as compact JSON (files kept for the next ingest).
pub fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    let mut file = create(path)?;
    serde_json::to_writer(&mut file, value).map_err(|e| Error::io("write", path)(e.into()))?;
    file.write_all(b"\n").and_then(|()| file.flush()).map_err(Error::io("write", path))
}

/// The process's peak resident set size in MiB, from `/proc/self/status`
/// (`VmHWM`); `None` where there is no such file.
pub fn peak_memory_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib / 1024)
}

/// The lock file that makes one run at a time the writer of an output folder.
pub const LOCK_FILE: &str = ".sleuth.lock";

/// Holds an output folder's write lock until dropped (or the process ends:
/// the system releases it, so a killed run leaves no stale lock).
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

/// Takes `output`'s write lock, or fails at once with [`Error::Busy`] when
/// another process holds it.
pub fn lock(output: &Path) -> Result<WriteLock> {
    let path = output.join(LOCK_FILE);
    let file =
        File::options().create(true).truncate(false).write(true).open(&path).map_err(Error::io("create", &path))?;
    match file.try_lock() {
        Ok(()) => Ok(WriteLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::Busy { path: output.to_path_buf(), lock: path }),
        Err(std::fs::TryLockError::Error(error)) => Err(Error::io("lock", &path)(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_rendered_in_parallel_are_the_bytes_of_one_writer() {
        let records: Vec<Record> = (0..50)
            .map(|i| Record {
                source: i % 2,
                id: if i == 7 { "id, with \"quotes\"".into() } else { format!("r{i}") },
                line: u64::from(i),
                ..Record::default()
            })
            .collect();
        let sources = ["forum".to_string(), "pay;ments".to_string()];
        let entities: Vec<u32> = (0..50).map(|i| i / 3).collect();
        // More links than a batch, the last chunk partly filled.
        let links: Vec<Link> = (0..LINK_BATCH + 3 * LINK_ROWS + 17)
            .map(|i| Link {
                a: (i % 49) as RecordIndex,
                b: (i % 49 + 1) as RecordIndex,
                weight: i as f64 / 7.0,
                probability: 1.0 - 1.0 / (i as f64 + 2.0),
                evidence: if i % 5 == 0 { "email=exact(+20.1); name=\"x\"".into() } else { String::new() },
                identified: i % 3 == 0,
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("links.csv");
        write_links(&path, &links, &records, &sources, &entities).unwrap();
        let mut one = csv::Writer::from_writer(Vec::new());
        one.write_record(LINK_COLUMNS).unwrap();
        for link in &links {
            write_link(&mut one, link, &records, &sources, &entities).unwrap();
        }
        let expected = one.into_inner().unwrap();
        let written = std::fs::read(&path).unwrap();
        assert_eq!(written.len(), expected.len());
        assert!(written == expected, "links.csv differs from one writer's bytes");
        let rows = read_rows(dir.path(), "links.csv").unwrap();
        assert_eq!(rows.len(), links.len());
        assert_eq!(&rows[7][1], "id, with \"quotes\"");
    }
}
