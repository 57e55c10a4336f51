//! Evaluation against a truth file: pairwise and B-cubed precision, recall, F1.
//!
//! The truth file is CSV with the columns `source,id,entity` (or `id,entity`
//! when ids are unique across sources). Only records named in the truth file
//! are scored; a truth record missing from the output (rejected, say) counts
//! as an entity of its own.

use std::fmt;
use std::hash::BuildHasher;
use std::path::Path;

use hashbrown::{HashTable, hash_table};
use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::record::Record;

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prf {
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1, their harmonic mean.
    pub f1: f64,
}

impl Prf {
    fn new(precision: f64, recall: f64) -> Prf {
        let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
        Prf { precision, recall, f1 }
    }
}

/// The scores of one output against one truth file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Records in the truth file.
    pub records: u64,
    /// Truth records absent from the output.
    pub missing_from_output: u64,
    /// Output records absent from the truth file (not scored).
    pub not_in_truth: u64,
    /// Pairs of records in one true entity.
    pub true_pairs: u64,
    /// Pairs of records in one output entity.
    pub predicted_pairs: u64,
    /// Pairs in both.
    pub correct_pairs: u64,
    /// Pairwise scores.
    pub pairwise: Prf,
    /// B-cubed scores.
    pub bcubed: Prf,
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "records {}  true pairs {}  predicted pairs {}  correct pairs {}",
            self.records, self.true_pairs, self.predicted_pairs, self.correct_pairs
        )?;
        let line = |f: &mut fmt::Formatter<'_>, name, s: Prf| {
            writeln!(f, "{name:<9} precision {:.4}  recall {:.4}  F1 {:.4}", s.precision, s.recall, s.f1)
        };
        line(f, "pairwise", self.pairwise)?;
        line(f, "B-cubed", self.bcubed)?;
        if self.missing_from_output > 0 {
            writeln!(f, "({} truth records are not in the output)", self.missing_from_output)?;
        }
        Ok(())
    }
}

/// Scores the `entities.csv` of `output` against `truth`.
pub fn evaluate(truth: &Path, output: &Path) -> Result<Evaluation> {
    let entities_path = output.join("entities.csv");
    if !entities_path.is_file() {
        return Err(Error::NotAnOutput { path: output.to_path_buf(), message: "it has no entities.csv".into() });
    }
    // Both files are a row per record, a million at scale: read at once.
    let (truth, rows) = rayon::join(|| Truth::read(truth), || read_predicted(&entities_path, output));
    let (truth, rows) = (truth?, rows?);
    // Looked up in parallel, a million keys.
    let found = rows
        .par_iter()
        .map(|(key, source_len, entity)| {
            let key = if truth.with_source { key.as_str() } else { &key[*source_len..] };
            (truth.record(key), *entity)
        })
        .collect();
    Ok(truth.score(found))
}

/// The rows of an output's `entities.csv` (at `path`): each record's
/// lookup key with its source ([`Truth::key`]), the length of that source
/// (the key without it starts there), and its entity, numbered in
/// first-seen order.
fn read_predicted(path: &Path, output: &Path) -> Result<Vec<(String, usize, u32)>> {
    let not_an_output = |message: String| Error::NotAnOutput { path: output.to_path_buf(), message };
    let mut reader = csv::Reader::from_path(path).map_err(|e| not_an_output(e.to_string()))?;
    let mut entities = Interner::default();
    let mut rows = Vec::new();
    let mut row = csv::ByteRecord::new();
    while reader.read_byte_record(&mut row).map_err(|e| not_an_output(format!("entities.csv: {e}")))? {
        let field = |i: usize| String::from_utf8_lossy(&row[i]);
        let (source, mut key) = (field(0), String::new());
        Truth::key(&mut key, &source, &field(1));
        rows.push((key, source.len(), entities.number(&field(2))));
    }
    Ok(rows)
}

/// Numbers for names, in first-seen order.
#[derive(Default)]
struct Interner(FxHashMap<String, u32>);

impl Interner {
    fn number(&mut self, name: &str) -> u32 {
        if let Some(&number) = self.0.get(name) {
            return number;
        }
        let number = self.0.len() as u32;
        self.0.insert(name.to_string(), number);
        number
    }
}

/// A truth file: its records numbered in file order, and each one's entity.
///
/// The records' keys (`source\0id`, or `\0id`) are kept one after another
/// in one string, found through a table of record numbers: held as a map of
/// strings, a million keys took some 100 MB, three times as much, beside the
/// run's outputs at its peak (the run reads the file while it writes them).
pub struct Truth {
    /// Every record's key, one after another.
    keys: String,
    /// Where each record's key ends in `keys` (it starts where the one
    /// before ends).
    ends: Vec<usize>,
    /// Record numbers, found by their key's hash.
    table: HashTable<u32>,
    /// Each record's true entity, numbered.
    entities: Vec<u32>,
    /// Whether records are named by source and id.
    with_source: bool,
}

/// Record `record`'s key, of `keys` ending at `ends`.
fn key_at<'a>(keys: &'a str, ends: &[usize], record: u32) -> &'a str {
    let record = record as usize;
    let start = if record == 0 { 0 } else { ends[record - 1] };
    &keys[start..ends[record]]
}

fn hash(key: &str) -> u64 {
    FxBuildHasher.hash_one(key)
}

impl Truth {
    /// The number of the record with lookup key `key`.
    fn record(&self, key: &str) -> Option<u32> {
        self.table.find(hash(key), |&record| key_at(&self.keys, &self.ends, record) == key).copied()
    }

    /// Sets `key` to the lookup key of a record.
    fn key(key: &mut String, source: &str, id: &str) {
        key.clear();
        Truth::push_key(key, source, id);
    }

    /// Appends the lookup key of a record to `keys`: `source\0id`.
    fn push_key(keys: &mut String, source: &str, id: &str) {
        keys.push_str(source);
        keys.push('\0');
        keys.push_str(id);
    }

    /// Scores the entities of a run's records (record `i`, of source
    /// `records[i].source` in `sources`, is in entity `entities[i]`), as
    /// [`evaluate`] scores them once written.
    pub fn evaluate(&self, records: &[Record], sources: &[String], entities: &[u32]) -> Evaluation {
        let found = records
            .par_iter()
            .zip(entities)
            .map_init(String::new, |key, (record, &entity)| {
                let source = if self.with_source { sources[record.source as usize].as_str() } else { "" };
                Truth::key(key, source, &record.id);
                (self.record(key), entity)
            })
            .collect();
        self.score(found)
    }

    /// The scores of output records, each its truth record (`None`: not in
    /// the truth file) and its entity.
    fn score(&self, found: Vec<(Option<u32>, u32)>) -> Evaluation {
        let mut predicted: Vec<Option<u32>> = vec![None; self.entities.len()];
        let mut not_in_truth = 0;
        for (record, entity) in found {
            match record {
                Some(record) => predicted[record as usize] = Some(entity),
                None => not_in_truth += 1,
            }
        }
        score(&self.entities, &predicted, not_in_truth)
    }

    /// Reads a truth file: `source,id,entity` or `id,entity`, or another
    /// output's `entities.csv`.
    pub fn read(path: &Path) -> Result<Truth> {
        let error = |message: String| Error::Truth { path: path.to_path_buf(), message };
        let mut reader =
            csv::ReaderBuilder::new().trim(csv::Trim::All).from_path(path).map_err(|e| error(e.to_string()))?;
        let header: Vec<String> =
            reader.headers().map_err(|e| error(e.to_string()))?.iter().map(str::to_string).collect();
        let with_source = match header.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            // Another output's entities.csv: how far two clusterings agree.
            ["source", "id", "entity", ..] | ["source", "record_id", "entity_id", ..] => true,
            ["id", "entity", ..] => false,
            _ => {
                return Err(error(format!(
                    "expected the columns source,id,entity or id,entity (or an entities.csv), found {}",
                    header.join(",")
                )));
            }
        };
        // Rows first, then the table at its size: grown a doubling at a
        // time, a million keys were rehashed some twenty times over.
        let mut names = Interner::default();
        let (mut keys, mut ends, mut entities, mut lines) = (String::new(), Vec::new(), Vec::new(), Vec::new());
        let mut row = csv::StringRecord::new();
        while reader.read_record(&mut row).map_err(|e| error(e.to_string()))? {
            let (source, id, entity) = if with_source { (&row[0], &row[1], &row[2]) } else { ("", &row[0], &row[1]) };
            Truth::push_key(&mut keys, source, id);
            ends.push(keys.len());
            lines.push(row.position().map_or(0, |p| p.line()));
            entities.push(names.number(entity));
        }
        // Held while a run writes its outputs: without the room they grew by.
        keys.shrink_to_fit();
        ends.shrink_to_fit();
        entities.shrink_to_fit();
        let mut table = HashTable::with_capacity(ends.len());
        for (number, line) in (0..ends.len() as u32).zip(lines) {
            let key = key_at(&keys, &ends, number);
            let same = |&other: &u32| key_at(&keys, &ends, other) == key;
            match table.entry(hash(key), same, |&other| hash(key_at(&keys, &ends, other))) {
                hash_table::Entry::Vacant(place) => {
                    place.insert(number);
                }
                hash_table::Entry::Occupied(_) => {
                    let id = key.split_once('\0').map_or(key, |(_, id)| id);
                    return Err(error(format!("line {line}: record `{id}` appears twice")));
                }
            }
        }
        Ok(Truth { keys, ends, table, entities, with_source })
    }
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// The scores of `predicted[r]`, the output's entity of truth record `r`
/// (`None`: not in the output), against `truth[r]`, its true entity;
/// `not_in_truth` output records were not scored.
fn score(truth: &[u32], predicted: &[Option<u32>], not_in_truth: u64) -> Evaluation {
    let sizes = |entities: &mut dyn Iterator<Item = u32>| {
        let mut sizes: Vec<u64> = Vec::new();
        for entity in entities {
            let entity = entity as usize;
            if entity >= sizes.len() {
                sizes.resize(entity + 1, 0);
            }
            sizes[entity] += 1;
        }
        sizes
    };
    let true_sizes = sizes(&mut truth.iter().copied());
    let predicted_sizes = sizes(&mut predicted.iter().flatten().copied());
    // The contingency cells (predicted, true entity) with their record counts, by sorting.
    let mut cells: Vec<(u32, u32)> = predicted.iter().zip(truth).filter_map(|(p, &t)| p.map(|p| (p, t))).collect();
    cells.sort_unstable();
    let cells: Vec<((u32, u32), u64)> = cells.chunk_by(|a, b| a == b).map(|run| (run[0], run.len() as u64)).collect();
    let missing = predicted.iter().filter(|p| p.is_none()).count() as u64;
    let correct: u64 = cells.iter().map(|&(_, n)| pairs(n)).sum();
    let true_pairs: u64 = true_sizes.iter().map(|&n| pairs(n)).sum();
    let predicted_pairs: u64 = predicted_sizes.iter().map(|&n| pairs(n)).sum();
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let records = truth.len() as f64;
    // B-cubed from the contingency cells: Σ n_ij² / |pred_i| and / |truth_j|;
    // a missing record is a singleton, right with itself alone.
    let (mut bp, mut br) = (missing as f64, 0.0);
    for &((p, t), n) in &cells {
        bp += (n * n) as f64 / predicted_sizes[p as usize] as f64;
        br += (n * n) as f64 / true_sizes[t as usize] as f64;
    }
    for (p, &t) in predicted.iter().zip(truth) {
        if p.is_none() {
            br += 1.0 / true_sizes[t as usize] as f64;
        }
    }
    Evaluation {
        records: truth.len() as u64,
        missing_from_output: missing,
        not_in_truth,
        true_pairs,
        predicted_pairs,
        correct_pairs: correct,
        pairwise: Prf::new(ratio(correct, predicted_pairs), ratio(correct, true_pairs)),
        bcubed: if records > 0.0 { Prf::new(bp / records, br / records) } else { Prf::new(1.0, 1.0) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scores `predicted` (record, output entity) against `truth` (record, true entity).
    fn score_of(truth: &[(&str, &str)], predicted: &[(&str, &str)]) -> Evaluation {
        let (mut records, mut true_entities, mut entities) =
            (Interner::default(), Interner::default(), Interner::default());
        let truth: Vec<u32> = truth
            .iter()
            .map(|(id, e)| {
                records.number(id);
                true_entities.number(e)
            })
            .collect();
        let mut assigned = vec![None; truth.len()];
        for (id, e) in predicted {
            assigned[records.0[*id] as usize] = Some(entities.number(e));
        }
        score(&truth, &assigned, 0)
    }

    #[test]
    fn a_record_twice_in_the_truth_is_named_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("truth.csv");
        std::fs::write(&path, "id,entity\na,1\nb,1\n a ,2\n").unwrap();
        let error = Truth::read(&path).err().expect("a record twice").to_string();
        assert!(error.contains("line 4: record `a` appears twice"), "{error}");
        std::fs::write(&path, "source,id,entity\ns,a,1\ns,b,1\nt,a,2\n").unwrap();
        let truth = Truth::read(&path).expect("one id in two sources is two records");
        assert_eq!((truth.ends.len(), truth.entities.as_slice()), (3, &[0, 0, 1][..]));
        assert_eq!((truth.record("s\0a"), truth.record("t\0a"), truth.record("t\0b")), (Some(0), Some(2), None));
    }

    #[test]
    fn records_in_memory_score_as_their_written_entities_do() {
        let dir = tempfile::tempdir().unwrap();
        let record = |source: u32, id: &str| Record { source, id: id.into(), ..Record::default() };
        // `p:9` is in no truth file; truth record `f:4` is in no output.
        let records = [record(0, "1"), record(0, "2"), record(1, "3"), record(1, "9")];
        let (sources, entities) = (["f".to_string(), "p".to_string()], [7, 7, 7, 8]);
        let written = dir.path().join("entities.csv");
        crate::output::write_entities(&written, &records, &sources, &entities).unwrap();
        for truth_text in ["source,id,entity\nf,1,a\nf,2,a\np,3,b\nf,4,b\n", "id,entity\n1,a\n2,a\n3,b\n4,b\n"] {
            let truth = dir.path().join("truth.csv");
            std::fs::write(&truth, truth_text).unwrap();
            let in_memory = Truth::read(&truth).unwrap().evaluate(&records, &sources, &entities);
            assert_eq!(in_memory, evaluate(&truth, dir.path()).unwrap(), "{truth_text}");
            assert_eq!((in_memory.missing_from_output, in_memory.not_in_truth), (1, 1), "{truth_text}");
            assert_eq!((in_memory.predicted_pairs, in_memory.correct_pairs), (3, 1), "{truth_text}");
        }
    }

    #[test]
    fn perfect_output_scores_one() {
        let e = score_of(&[("a", "1"), ("b", "1"), ("c", "2")], &[("a", "E1"), ("b", "E1"), ("c", "E2")]);
        assert_eq!((e.pairwise.f1, e.bcubed.f1), (1.0, 1.0));
    }

    #[test]
    fn an_over_merge_costs_precision_and_a_split_recall() {
        let truth = [("a", "1"), ("b", "1"), ("c", "2"), ("d", "2")];
        let merged = score_of(&truth, &[("a", "E"), ("b", "E"), ("c", "E"), ("d", "E")]);
        assert_eq!((merged.pairwise.precision, merged.pairwise.recall), (2.0 / 6.0, 1.0));
        assert_eq!((merged.bcubed.precision, merged.bcubed.recall), (0.5, 1.0));
        let split = score_of(&truth, &[("a", "E1"), ("b", "E2"), ("c", "E3"), ("d", "E3")]);
        assert_eq!((split.pairwise.precision, split.pairwise.recall), (1.0, 0.5));
        assert_eq!((split.bcubed.precision, split.bcubed.recall), (1.0, 0.75));
    }

    #[test]
    fn missing_records_count_as_singletons() {
        let e = score_of(&[("a", "1"), ("b", "1")], &[("a", "E1")]);
        assert_eq!((e.missing_from_output, e.pairwise.recall, e.pairwise.precision), (1, 0.0, 1.0));
        assert_eq!((e.bcubed.precision, e.bcubed.recall), (1.0, 0.5));
    }
}
