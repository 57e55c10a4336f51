//! `sleuth path`: the shortest chains of relationships between the entities
//! of two records, read from an output folder.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::generation;
use crate::output;

/// One step of a chain: from an entity to the next, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// The entity stepped from.
    pub from: String,
    /// The entity stepped to.
    pub to: String,
    /// The relationship's kind.
    pub kind: String,
    /// Its shared value.
    pub via: String,
    /// Its strength.
    pub strength: f64,
}

/// The chains between two records' entities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paths {
    /// The first record's entity.
    pub from: String,
    /// The second record's entity.
    pub to: String,
    /// The shortest chains (at most `limit`), strongest first; empty when
    /// the entities are not connected, or are the same entity.
    pub chains: Vec<Vec<Step>>,
}

/// The entity of `record` (`source:id`) in the output folder's entities.
fn entity_of(entities: &BTreeMap<String, String>, output: &Path, record: &str) -> Result<String> {
    entities.get(record).cloned().ok_or_else(|| Error::NotAnOutput {
        path: output.into(),
        message: format!("no record `{record}` in entities.csv (write records as source:id)"),
    })
}

/// The shortest chains of relationships from record `a`'s entity to record
/// `b`'s (records as `source:id`), at most `limit` of them.
pub fn find(output: &Path, a: &str, b: &str, limit: usize) -> Result<Paths> {
    let folder = generation::current(output)?;
    let entities = output::read_entities(&folder)?;
    let (from, to) = (entity_of(&entities, output, a)?, entity_of(&entities, output, b)?);
    // The strongest relationship between each pair of entities.
    let mut edges: BTreeMap<(String, String), Step> = BTreeMap::new();
    for row in output::read_rows(&folder, "relationships.csv")? {
        let strength: f64 = row[4].parse().unwrap_or_default();
        for (x, y) in [(&row[0], &row[1]), (&row[1], &row[0])] {
            let step = Step { from: x.into(), to: y.into(), kind: row[2].into(), via: row[3].into(), strength };
            let slot = edges.entry((x.into(), y.into())).or_insert_with(|| step.clone());
            if step.strength > slot.strength {
                *slot = step;
            }
        }
    }
    let mut neighbours: BTreeMap<&str, Vec<&Step>> = BTreeMap::new();
    for step in edges.values() {
        neighbours.entry(step.from.as_str()).or_default().push(step);
    }
    // Breadth first, keeping every predecessor on a shortest path.
    let mut depth: BTreeMap<&str, usize> = BTreeMap::from([(from.as_str(), 0)]);
    let mut before: BTreeMap<&str, Vec<&Step>> = BTreeMap::new();
    let mut queue = VecDeque::from([from.as_str()]);
    while let Some(entity) = queue.pop_front() {
        if entity == to {
            break;
        }
        for step in neighbours.get(entity).into_iter().flatten() {
            let next = step.to.as_str();
            match depth.get(next) {
                None => {
                    depth.insert(next, depth[entity] + 1);
                    before.entry(next).or_default().push(step);
                    queue.push_back(next);
                }
                Some(&d) if d == depth[entity] + 1 => before.entry(next).or_default().push(step),
                Some(_) => {}
            }
        }
    }
    let mut chains = Vec::new();
    if from != to && depth.contains_key(to.as_str()) {
        // Walk back from `to`, depth first, up to `limit` chains.
        let mut stack: Vec<(&str, Vec<Step>)> = vec![(to.as_str(), Vec::new())];
        while let Some((entity, chain)) = stack.pop() {
            if entity == from {
                let mut chain = chain;
                chain.reverse();
                chains.push(chain);
                if chains.len() >= limit * 4 {
                    break;
                }
                continue;
            }
            for step in before.get(entity).into_iter().flatten() {
                let mut longer = chain.clone();
                longer.push((*step).clone());
                stack.push((step.from.as_str(), longer));
            }
        }
        // Strongest first: by the weakest step, then the sum.
        let key = |c: &Vec<Step>| {
            let weakest = c.iter().map(|s| s.strength).fold(f64::INFINITY, f64::min);
            (weakest, c.iter().map(|s| s.strength).sum::<f64>())
        };
        chains.sort_by(|x, y| key(y).partial_cmp(&key(x)).unwrap_or(std::cmp::Ordering::Equal));
        chains.truncate(limit);
    }
    Ok(Paths { from, to, chains })
}

impl std::fmt::Display for Paths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.from == self.to {
            return writeln!(f, "both records are entity {}", self.from);
        }
        if self.chains.is_empty() {
            return writeln!(f, "no chain of relationships joins {} and {}", self.from, self.to);
        }
        writeln!(f, "{} to {}: {} step(s)", self.from, self.to, self.chains[0].len())?;
        for chain in &self.chains {
            write!(f, "  {}", self.from)?;
            for step in chain {
                write!(f, " —{} {} ({:.2})→ {}", step.kind, step.via, step.strength, step.to)?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An output folder with five entities: E1–E2–E4 and E1–E3–E4 (two
    /// shortest chains), E4–E5, and E6 alone.
    fn output() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let entities = "source,record_id,entity_id\ns,1,E1\ns,1b,E1\ns,2,E2\ns,3,E3\ns,4,E4\ns,5,E5\ns,6,E6\n";
        let relationships = "entity_a,entity_b,kind,via,strength,records_a,records_b\n\
            E1,E2,shared_card,4111111111111111,1.0000,s:1,s:2\n\
            E1,E3,shared_ip,10.0.0.1,0.3000,s:1,s:3\n\
            E2,E4,shared_email,x@example.org,1.0000,s:2,s:4\n\
            E3,E4,shared_phone,+441234,0.9000,s:3,s:4\n\
            E4,E5,shared_ip,10.0.0.2,0.3000,s:4,s:5\n";
        std::fs::write(dir.path().join("entities.csv"), entities).unwrap();
        std::fs::write(dir.path().join("relationships.csv"), relationships).unwrap();
        dir
    }

    #[test]
    fn finds_every_shortest_chain_strongest_first() {
        let dir = output();
        let paths = find(dir.path(), "s:1b", "s:4", 5).unwrap();
        let kinds: Vec<Vec<&str>> = paths.chains.iter().map(|c| c.iter().map(|s| s.kind.as_str()).collect()).collect();
        assert_eq!(kinds, [["shared_card", "shared_email"], ["shared_ip", "shared_phone"]]);
        assert_eq!(paths.chains[0][0].from, "E1");
        assert_eq!(paths.chains[0][1].to, "E4");
        assert_eq!(find(dir.path(), "s:1", "s:5", 1).unwrap().chains.len(), 1);
        assert_eq!(find(dir.path(), "s:5", "s:1", 5).unwrap().chains[0].len(), 3);
    }

    #[test]
    fn unconnected_same_and_unknown_records() {
        let dir = output();
        assert!(find(dir.path(), "s:1", "s:6", 5).unwrap().chains.is_empty());
        let same = find(dir.path(), "s:1", "s:1b", 5).unwrap();
        assert_eq!(same.to_string(), "both records are entity E1\n");
        let error = find(dir.path(), "s:1", "s:404", 5).unwrap_err().to_string();
        assert!(error.contains("no record `s:404`"), "{error}");
    }
}
