//! Evaluation against a truth file: pairwise and B-cubed precision, recall, F1.
//!
//! The truth file is CSV with the columns `source,id,entity` (or `id,entity`
//! when ids are unique across sources). Only records named in the truth file
//! are scored; a truth record missing from the output (rejected, say) counts
//! as an entity of its own.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

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
    let (truth_entities, with_source) = read_truth(truth)?;
    let mut reader = csv::Reader::from_path(&entities_path)
        .map_err(|e| Error::NotAnOutput { path: output.to_path_buf(), message: e.to_string() })?;
    let mut predicted: HashMap<(String, String), String> = HashMap::with_capacity(truth_entities.len());
    let mut row = csv::StringRecord::new();
    // One row buffer for the whole file: a million rows, no allocation each.
    while reader
        .read_record(&mut row)
        .map_err(|e| Error::NotAnOutput { path: output.to_path_buf(), message: format!("entities.csv: {e}") })?
    {
        let source = if with_source { row[0].to_string() } else { String::new() };
        predicted.insert((source, row[1].to_string()), row[2].to_string());
    }
    Ok(score(&truth_entities, &predicted))
}

type Key = (String, String);

fn read_truth(path: &Path) -> Result<(HashMap<Key, String>, bool)> {
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
    let mut truth = HashMap::new();
    let mut row = csv::StringRecord::new();
    while reader.read_record(&mut row).map_err(|e| error(e.to_string()))? {
        let line = row.position().map_or(0, |p| p.line());
        let (key, entity) = if with_source {
            ((row[0].to_string(), row[1].to_string()), &row[2])
        } else {
            ((String::new(), row[0].to_string()), &row[1])
        };
        if truth.insert(key.clone(), entity.to_string()).is_some() {
            return Err(error(format!("line {line}: record `{}` appears twice", key.1)));
        }
    }
    Ok((truth, with_source))
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

fn score(truth: &HashMap<Key, String>, predicted: &HashMap<Key, String>) -> Evaluation {
    let mut cells: HashMap<(&str, &str), u64> = HashMap::new();
    let mut true_sizes: HashMap<&str, u64> = HashMap::new();
    let mut predicted_sizes: HashMap<&str, u64> = HashMap::new();
    let mut missing = 0;
    for (key, entity) in truth {
        *true_sizes.entry(entity).or_default() += 1;
        match predicted.get(key) {
            Some(p) => {
                *cells.entry((p.as_str(), entity.as_str())).or_default() += 1;
                *predicted_sizes.entry(p).or_default() += 1;
            }
            None => missing += 1,
        }
    }
    let correct: u64 = cells.values().map(|&n| pairs(n)).sum();
    let true_pairs: u64 = true_sizes.values().map(|&n| pairs(n)).sum();
    let predicted_pairs: u64 = predicted_sizes.values().map(|&n| pairs(n)).sum();
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let records = truth.len() as f64;
    // B-cubed from the contingency cells: Σ n_ij² / |pred_i| and / |truth_j|;
    // a missing record is a singleton, right with itself alone.
    let (mut bp, mut br) = (missing as f64, 0.0);
    for (&(p, t), &n) in &cells {
        bp += (n * n) as f64 / predicted_sizes[p] as f64;
        br += (n * n) as f64 / true_sizes[t] as f64;
    }
    for (key, entity) in truth {
        if !predicted.contains_key(key) {
            br += 1.0 / true_sizes[entity.as_str()] as f64;
        }
    }
    let not_in_truth = predicted.keys().filter(|k| !truth.contains_key(*k)).count() as u64;
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

    fn map(rows: &[(&str, &str)]) -> HashMap<Key, String> {
        rows.iter().map(|(id, e)| ((String::new(), id.to_string()), e.to_string())).collect()
    }

    #[test]
    fn perfect_output_scores_one() {
        let truth = map(&[("a", "1"), ("b", "1"), ("c", "2")]);
        let predicted = map(&[("a", "E1"), ("b", "E1"), ("c", "E2")]);
        let e = score(&truth, &predicted);
        assert_eq!((e.pairwise.f1, e.bcubed.f1), (1.0, 1.0));
    }

    #[test]
    fn an_over_merge_costs_precision_and_a_split_recall() {
        let truth = map(&[("a", "1"), ("b", "1"), ("c", "2"), ("d", "2")]);
        let merged = score(&truth, &map(&[("a", "E"), ("b", "E"), ("c", "E"), ("d", "E")]));
        assert_eq!((merged.pairwise.precision, merged.pairwise.recall), (2.0 / 6.0, 1.0));
        assert_eq!((merged.bcubed.precision, merged.bcubed.recall), (0.5, 1.0));
        let split = score(&truth, &map(&[("a", "E1"), ("b", "E2"), ("c", "E3"), ("d", "E3")]));
        assert_eq!((split.pairwise.precision, split.pairwise.recall), (1.0, 0.5));
        assert_eq!((split.bcubed.precision, split.bcubed.recall), (1.0, 0.75));
    }

    #[test]
    fn missing_records_count_as_singletons() {
        let truth = map(&[("a", "1"), ("b", "1")]);
        let e = score(&truth, &map(&[("a", "E1")]));
        assert_eq!((e.missing_from_output, e.pairwise.recall, e.pairwise.precision), (1, 0.0, 1.0));
        assert_eq!((e.bcubed.precision, e.bcubed.recall), (1.0, 0.5));
    }
}
