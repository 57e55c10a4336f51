//! Evaluation against a truth file: pairwise and B-cubed precision, recall, F1.
//!
//! The truth file is CSV with the columns `source,id,entity` (or `id,entity`
//! when ids are unique across sources). Only records named in the truth file
//! are scored; a truth record missing from the output (rejected, say) counts
//! as an entity of its own.

use std::collections::hash_map::Entry;
use std::fmt;
use std::path::Path;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::error::{Error, Result};

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
    let (truth, rows) = rayon::join(|| read_truth(truth), || read_predicted(&entities_path, output));
    let (truth, rows) = (truth?, rows?);
    // Looked up in parallel, a million keys; placed in order.
    let found: Vec<Option<u32>> = rows
        .par_iter()
        .map(|(key, source_len, _)| {
            let key = if truth.with_source { key.as_str() } else { &key[*source_len..] };
            truth.records.get(key).copied()
        })
        .collect();
    let mut predicted: Vec<Option<u32>> = vec![None; truth.entities.len()];
    let mut not_in_truth = 0;
    for (record, (_, _, entity)) in found.into_iter().zip(&rows) {
        match record {
            Some(record) => predicted[record as usize] = Some(*entity),
            None => not_in_truth += 1,
        }
    }
    Ok(score(&truth.entities, &predicted, not_in_truth))
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
struct Truth {
    /// `source\0id` (or `\0id`) to the record's number.
    records: FxHashMap<String, u32>,
    /// Each record's true entity, numbered.
    entities: Vec<u32>,
    /// Whether records are named by source and id.
    with_source: bool,
}

impl Truth {
    /// Sets `key` to the lookup key of a record.
    fn key(key: &mut String, source: &str, id: &str) {
        key.clear();
        key.push_str(source);
        key.push('\0');
        key.push_str(id);
    }
}

fn read_truth(path: &Path) -> Result<Truth> {
    let error = |message: String| Error::Truth { path: path.to_path_buf(), message };
    let mut reader =
        csv::ReaderBuilder::new().trim(csv::Trim::All).from_path(path).map_err(|e| error(e.to_string()))?;
    let header: Vec<String> = reader.headers().map_err(|e| error(e.to_string()))?.iter().map(str::to_string).collect();
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
    // Rows first, then the map at its size: grown a doubling at a time, a
    // million keys were rehashed some twenty times over.
    let mut names = Interner::default();
    let (mut keys, mut entities, mut lines) = (Vec::new(), Vec::new(), Vec::new());
    let mut row = csv::StringRecord::new();
    while reader.read_record(&mut row).map_err(|e| error(e.to_string()))? {
        let (source, id, entity) = if with_source { (&row[0], &row[1], &row[2]) } else { ("", &row[0], &row[1]) };
        let mut key = String::with_capacity(source.len() + 1 + id.len());
        Truth::key(&mut key, source, id);
        keys.push(key);
        lines.push(row.position().map_or(0, |p| p.line()));
        entities.push(names.number(entity));
    }
    let mut records = FxHashMap::with_capacity_and_hasher(keys.len(), Default::default());
    for (number, (key, line)) in keys.into_iter().zip(lines).enumerate() {
        match records.entry(key) {
            Entry::Vacant(place) => {
                place.insert(number as u32);
            }
            Entry::Occupied(place) => {
                let id = place.key().split_once('\0').map_or(place.key().as_str(), |(_, id)| id);
                return Err(error(format!("line {line}: record `{id}` appears twice")));
            }
        }
    }
    Ok(Truth { records, entities, with_source })
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
        let error = read_truth(&path).err().expect("a record twice").to_string();
        assert!(error.contains("line 4: record `a` appears twice"), "{error}");
        std::fs::write(&path, "source,id,entity\ns,a,1\ns,b,1\nt,a,2\n").unwrap();
        let truth = read_truth(&path).expect("one id in two sources is two records");
        assert_eq!((truth.records.len(), truth.entities.as_slice()), (3, &[0, 0, 1][..]));
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
