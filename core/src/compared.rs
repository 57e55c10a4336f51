//! The candidate pairs a run or an ingest compared, with their comparison
//! vectors and the rules matcher plugins gave: kept in the store so that an
//! ingest, after training the model again with its new pairs, scores every
//! pair with it without comparing a single old pair again.
//!
//! Each generation keeps the pairs that are candidates after it in
//! `gen-NNNN/store/pairs.bin`: a run's, then after an ingest the earlier
//! ones still candidates (a block that grew may stop counting) and those
//! with a new record. The format is written by hand because it is tiny and read in one pass: a JSON
//! header line (`width`, `pairs`, each matcher comparison's rule ids), then
//! per pair its two record numbers (u32, little-endian), its `width` levels
//! (one byte each) and, per matcher comparison, its rule's index (u16, or
//! `u16::MAX` for none).

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::candidates::Pair;
use crate::compare::Level;
use crate::error::{Error, Result};
use crate::plugin::matcher::Evidence;

/// Compared pairs: `vectors` holds `width` levels per pair, `evidence` a
/// table per matcher comparison with a rule per pair.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Compared {
    /// The pairs.
    pub pairs: Vec<Pair>,
    /// Their comparison vectors, one after the other.
    pub vectors: Vec<Level>,
    /// The matcher comparisons' rules, per pair.
    pub evidence: Vec<Evidence>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    width: usize,
    pairs: u64,
    matchers: Vec<MatcherHeader>,
}

#[derive(Serialize, Deserialize)]
struct MatcherHeader {
    comparison: usize,
    rules: Vec<String>,
}

/// The pairs file of the generation in `folder`.
pub fn path(folder: &Path) -> PathBuf {
    folder.join(crate::generation::STORE_DIR).join("pairs.bin")
}

impl Compared {
    /// Appends `other`'s pairs after these; matcher rules are matched by id.
    pub fn append(&mut self, other: Compared) {
        let before = self.pairs.len();
        if self.evidence.is_empty() && before == 0 {
            self.evidence = other.evidence.iter().map(|e| Evidence { rule_of_pair: Vec::new(), ..e.clone() }).collect();
        }
        for theirs in other.evidence {
            let Some(ours) = self.evidence.iter_mut().find(|e| e.comparison == theirs.comparison) else { continue };
            let index: Vec<u16> = theirs
                .rules
                .iter()
                .map(|rule| match ours.rules.iter().position(|r| r == rule) {
                    Some(i) => i as u16,
                    None => {
                        ours.rules.push(rule.clone());
                        (ours.rules.len() - 1) as u16
                    }
                })
                .collect();
            ours.rule_of_pair.resize(before, u16::MAX);
            ours.rule_of_pair
                .extend(theirs.rule_of_pair.iter().map(|&r| index.get(usize::from(r)).copied().unwrap_or(u16::MAX)));
        }
        self.pairs.extend(other.pairs);
        self.vectors.extend(other.vectors);
    }

    /// Keeps the pairs whose `keep` is true.
    pub fn retain(&mut self, keep: &[bool]) {
        let width = if self.pairs.is_empty() { 0 } else { self.vectors.len() / self.pairs.len() };
        let mut i = 0;
        self.pairs.retain(|_| (keep[i], i += 1).0);
        let mut i = 0;
        self.vectors.retain(|_| (keep[i / width.max(1)], i += 1).0);
        for e in &mut self.evidence {
            let mut i = 0;
            e.rule_of_pair.retain(|_| (keep[i], i += 1).0);
        }
    }

    /// Writes these pairs to `path` (its folder made if needed).
    pub fn write(&self, path: &Path, width: usize) -> Result<()> {
        write(path, &self.pairs, &self.vectors, &self.evidence, width)
    }

    /// Reads the pairs of `path`, written for comparisons `width` wide.
    pub fn read(path: &Path, width: usize) -> Result<Compared> {
        let broken = |message: String| Error::Index { path: path.to_path_buf(), message };
        let mut file = BufReader::new(File::open(path).map_err(Error::io("read", path))?);
        let mut line = Vec::new();
        file.read_until(b'\n', &mut line).map_err(Error::io("read", path))?;
        let header: Header =
            serde_json::from_slice(&line).map_err(|e| broken(format!("not a file of compared pairs: {e}")))?;
        if header.width != width {
            return Err(broken(format!("pairs of {} comparisons, the job has {width}", header.width)));
        }
        let count = header.pairs as usize;
        let matchers = header.matchers.len();
        let mut compared = Compared {
            pairs: Vec::with_capacity(count),
            vectors: Vec::with_capacity(count * width),
            evidence: header
                .matchers
                .into_iter()
                .map(|m| Evidence { comparison: m.comparison, rules: m.rules, rule_of_pair: Vec::with_capacity(count) })
                .collect(),
        };
        let mut row = vec![0u8; 8 + width + 2 * matchers];
        for i in 0..count {
            file.read_exact(&mut row).map_err(|e| broken(format!("pair {i} of {count}: {e}")))?;
            let number = |at: usize| u32::from_le_bytes(row[at..at + 4].try_into().expect("four bytes"));
            compared.pairs.push((number(0), number(4)));
            compared.vectors.extend(row[8..8 + width].iter().map(|&l| Level(l)));
            for (k, e) in compared.evidence.iter_mut().enumerate() {
                let at = 8 + width + 2 * k;
                e.rule_of_pair.push(u16::from_le_bytes([row[at], row[at + 1]]));
            }
        }
        Ok(compared)
    }
}

/// Writes `pairs` with their `vectors` and matcher `evidence` to `path` (its
/// folder made if needed).
pub fn write(path: &Path, pairs: &[Pair], vectors: &[Level], evidence: &[Evidence], width: usize) -> Result<()> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(Error::io("create", folder))?;
    }
    let mut file = BufWriter::new(File::create(path).map_err(Error::io("create", path))?);
    let header = Header {
        width,
        pairs: pairs.len() as u64,
        matchers: evidence.iter().map(|e| MatcherHeader { comparison: e.comparison, rules: e.rules.clone() }).collect(),
    };
    let mut bytes = serde_json::to_vec(&header).expect("a header serializes");
    bytes.push(b'\n');
    file.write_all(&bytes).map_err(Error::io("write", path))?;
    let mut row = Vec::with_capacity(8 + width + 2 * evidence.len());
    for (i, &(a, b)) in pairs.iter().enumerate() {
        row.clear();
        row.extend_from_slice(&a.to_le_bytes());
        row.extend_from_slice(&b.to_le_bytes());
        row.extend(vectors[i * width..(i + 1) * width].iter().map(|l| l.0));
        for e in evidence {
            row.extend_from_slice(&e.rule_of_pair.get(i).copied().unwrap_or(u16::MAX).to_le_bytes());
        }
        file.write_all(&row).map_err(Error::io("write", path))?;
    }
    file.flush().map_err(Error::io("write", path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(rules: &[&str], of_pair: &[u16]) -> Evidence {
        Evidence { comparison: 1, rules: rules.iter().map(|r| r.to_string()).collect(), rule_of_pair: of_pair.to_vec() }
    }

    #[test]
    fn pairs_come_back_as_written_and_append_by_rule_id() {
        let dir = tempfile::tempdir().unwrap();
        let first = Compared {
            pairs: vec![(0, 1), (0, 2)],
            vectors: vec![Level(0), Level(2), Level(1), Level::MISSING],
            evidence: vec![evidence(&["swap"], &[0, u16::MAX])],
        };
        let path = path(dir.path());
        first.write(&path, 2).unwrap();
        assert_eq!(Compared::read(&path, 2).unwrap(), first);
        assert!(Compared::read(&path, 3).is_err(), "a job of another width is refused");

        let mut all = first.clone();
        all.append(Compared {
            pairs: vec![(1, 3)],
            vectors: vec![Level(0), Level(0)],
            evidence: vec![evidence(&["slip", "swap"], &[1])],
        });
        assert_eq!(all.pairs, [(0, 1), (0, 2), (1, 3)]);
        assert_eq!(all.evidence[0].rule(2), Some("swap"), "the rule keeps its id, not its index");
        assert_eq!(all.evidence[0].rule(1), None);
        all.retain(&[true, false, true]);
        assert_eq!(all.pairs, [(0, 1), (1, 3)]);
        assert_eq!(all.vectors, [Level(0), Level(2), Level(0), Level(0)]);
        assert_eq!(all.evidence[0].rule_of_pair.len(), 2);
        assert_eq!(all.evidence[0].rule(1), Some("swap"));
    }
}
