//! Who is behind an identifier: `sleuth query OUT_DIR --email X`.
//!
//! A [`Lookup`] opens a run's store once (its tantivy index, `entities.csv`
//! and `relationships.csv`) and answers queries against it:
//!
//! 1. The wanted value is normalized as its kind is, and turned into the
//!    same blocking terms a record with that value would have (a username's
//!    skeleton, stem and n-grams; an email's address and local part, which
//!    also meets usernames made from the same handle; a card's number or
//!    BIN and last four; …).
//! 2. Each term's posting list gives the records that share it; a strong
//!    term counts for more than a weak one, and a term shared by more than
//!    [`COMMON`] records is passed over. The best-scoring records are kept.
//! 3. Each kept record's stored values of the wanted kind are compared with
//!    the wanted value by the kind's comparator (the levels `explain` shows);
//!    records that only differ are dropped.
//! 4. Records are gathered into their entities, ranked by their best level,
//!    then by how many terms they share; each entity comes with its records,
//!    its identifiers and its relationships.
//!
//! `--record SOURCE:ID` returns that record's entity.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::Path;

use serde::Serialize;

use crate::blocking::{Strength, Term};
use crate::config::Job;
use crate::error::{Error, Result};
use crate::explain::{not_output, run_of};
use crate::index::Store;
use crate::normalize::{self, Context};
use crate::output;
use crate::record::{AttributeKind, RecordIndex};

/// A term shared by more records than this is passed over.
pub const COMMON: u64 = 5_000;

/// Records compared with the wanted value, at most.
const SHORTLIST: usize = 64;

/// What to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// A value of an identifier kind (email, username, card, phone, name).
    Value(AttributeKind, String),
    /// One record, as `source:id`.
    Record(String),
}

/// A run's store, open for queries.
pub struct Lookup {
    job: Job,
    store: Store,
    /// Record number → `source:id` and entity id (rows of `entities.csv`).
    records: Vec<(String, String)>,
    /// Entity id → its records' numbers.
    members: BTreeMap<String, Vec<RecordIndex>>,
    /// Entity id → its relationships.
    relationships: BTreeMap<String, Vec<Related>>,
    /// How a value from no known source is normalized.
    default: Context,
}

/// An entity found, with what matched.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    /// Its id.
    pub entity: String,
    /// The best agreement of one of its records with the wanted value (the
    /// comparator's level: `exact`, `skeleton`, `jw>=0.94`, …).
    pub best: String,
    /// Its records that matched, as `source:id`, with their level.
    pub matched: Vec<(String, String)>,
    /// All its records, as `source:id`.
    pub records: Vec<String>,
    /// Its values per attribute (normalized), each once.
    pub identifiers: BTreeMap<String, Vec<String>>,
    /// Its relationships with other entities.
    pub relationships: Vec<Related>,
}

/// A relationship of an entity, as `relationships.csv` has it.
#[derive(Debug, Clone, Serialize)]
pub struct Related {
    /// The other entity.
    pub entity: String,
    /// What relates them (`shared_card`, `near_match`, …).
    pub kind: String,
    /// The shared value.
    pub via: String,
    /// From 0 to 1.
    pub strength: String,
}

/// The entities a query found, best first.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// The query, as given.
    pub query: String,
    /// The wanted value normalized, for value queries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normalized: Option<String>,
    /// What was found.
    pub entities: Vec<Found>,
}

impl Lookup {
    /// Opens the store of the run in `output`.
    pub fn open(output: &Path) -> Result<Lookup> {
        let (folder, _, job) = run_of(output)?;
        let store = Store::open(output)?;
        store.check_keys(&job.blocking.keys)?;
        let mut records = Vec::new();
        let mut members: BTreeMap<String, Vec<RecordIndex>> = BTreeMap::new();
        for (number, row) in output::read_rows(&folder, "entities.csv")?.iter().enumerate() {
            members.entry(row[2].to_string()).or_default().push(number as RecordIndex);
            records.push((format!("{}:{}", &row[0], &row[1]), row[2].to_string()));
        }
        let mut relationships: BTreeMap<String, Vec<Related>> = BTreeMap::new();
        for row in output::read_rows(&folder, "relationships.csv")? {
            let related = |other: &str| Related {
                entity: other.to_string(),
                kind: row[2].to_string(),
                via: row[3].to_string(),
                strength: row[4].to_string(),
            };
            relationships.entry(row[0].to_string()).or_default().push(related(&row[1]));
            relationships.entry(row[1].to_string()).or_default().push(related(&row[0]));
        }
        Ok(Lookup { job, store, records, members, relationships, default: Context::default() })
    }

    /// The entities behind `query`, best first, at most `limit`.
    pub fn find(&self, query: &Query, limit: usize) -> Result<Answer> {
        match query {
            Query::Record(label) => {
                let number = self.records.iter().position(|(l, _)| l == label).ok_or_else(|| Error::NotAnOutput {
                    path: self.job.output.clone(),
                    message: format!("no record `{label}` in this run (write records as source:id)"),
                })?;
                let entity = self.records[number].1.clone();
                let found = self.found(&entity, vec![(label.clone(), "the record".into())], "the record")?;
                Ok(Answer { query: label.clone(), normalized: None, entities: vec![found] })
            }
            Query::Value(kind, raw) => {
                let text = format!("{}={raw}", kind.as_str());
                let Some(wanted) = normalize::normalize(*kind, raw, &Context::default()) else {
                    return Ok(Answer { query: text, normalized: None, entities: Vec::new() });
                };
                let entities = self.by_value(*kind, &wanted, limit)?;
                Ok(Answer { query: text, normalized: Some(wanted), entities })
            }
        }
    }

    fn by_value(&self, kind: AttributeKind, wanted: &str, limit: usize) -> Result<Vec<Found>> {
        // Terms a record with this value would have, for each key of the kind.
        let mut terms: BTreeSet<Term> = BTreeSet::new();
        for key in self.job.blocking.keys.iter().filter(|k| k.kind == kind) {
            key.add_terms(wanted, &mut terms);
        }
        let mut shared: HashMap<RecordIndex, u32> = HashMap::new();
        for term in &terms {
            let weight = if term.strength == Strength::Strong { 4 } else { 1 };
            for record in self.store.postings(term, COMMON)?.into_iter().flatten() {
                *shared.entry(record).or_default() += weight;
            }
        }
        let mut shortlist: Vec<(RecordIndex, u32)> = shared.into_iter().collect();
        shortlist.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        shortlist.truncate(SHORTLIST);

        // Compare each shortlisted record's values of the kind with the wanted one.
        let method = crate::compare::default_method(kind);
        let labels = method.level_labels();
        let attributes: Vec<&str> =
            self.job.attributes.iter().filter(|a| a.kind == kind).map(|a| a.name.as_str()).collect();
        let mut hits: Vec<(u8, u32, RecordIndex)> = Vec::new();
        for (record, terms_shared) in shortlist {
            let (values, context) = self.values(record)?;
            let best = attributes
                .iter()
                .flat_map(|name| values.get(*name).into_iter().flatten())
                .filter_map(|raw| normalize::normalize(kind, raw, context))
                .map(|value| method.level(wanted, &value).0)
                .min();
            if let Some(level) = best.filter(|&level| usize::from(level) + 1 < labels.len()) {
                hits.push((level, terms_shared, record));
            }
        }
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));

        // Gather the hits into entities, in the order of their best hit.
        let mut order: Vec<String> = Vec::new();
        let mut matched: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (level, _, record) in hits {
            let (label, entity) = &self.records[record as usize];
            if !matched.contains_key(entity) {
                order.push(entity.clone());
            }
            matched.entry(entity.clone()).or_default().push((label.clone(), labels[usize::from(level)].clone()));
        }
        order
            .into_iter()
            .take(limit)
            .map(|entity| {
                let hits = matched.remove(&entity).unwrap_or_default();
                let best = hits[0].1.clone();
                self.found(&entity, hits, &best)
            })
            .collect()
    }

    /// An entity with its records, identifiers and relationships.
    fn found(&self, entity: &str, matched: Vec<(String, String)>, best: &str) -> Result<Found> {
        let members = self.members.get(entity).map(Vec::as_slice).unwrap_or_default();
        let mut identifiers: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for &record in members {
            let (raw_values, context) = self.values(record)?;
            for (name, raws) in raw_values {
                let Some(attribute) = self.job.attributes.iter().find(|a| a.name == name) else { continue };
                let values = identifiers.entry(name).or_default();
                for raw in raws {
                    if let Some(value) = normalize::normalize(attribute.kind, &raw, context)
                        && !values.contains(&value)
                    {
                        values.push(value);
                    }
                }
            }
        }
        Ok(Found {
            entity: entity.to_string(),
            best: best.to_string(),
            matched,
            records: members.iter().map(|&r| self.records[r as usize].0.clone()).collect(),
            identifiers,
            relationships: self.relationships.get(entity).cloned().unwrap_or_default(),
        })
    }

    /// A record's stored raw values per attribute, and how its source
    /// normalizes them.
    fn values(&self, record: RecordIndex) -> Result<(BTreeMap<String, Vec<String>>, &Context)> {
        let (source, _, _, values) = self.store.record(record)?.ok_or_else(|| {
            not_output(&self.job.output, format!("record {record} of entities.csv is not in the index"))
        })?;
        let values =
            serde_json::from_str(&values).map_err(|e| not_output(&self.job.output, format!("a stored record: {e}")))?;
        let context = self.job.sources.iter().find(|s| s.name == source).map_or(&self.default, |s| &s.normalize);
        Ok((values, context))
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.normalized {
            Some(normalized) => writeln!(f, "{} (normalized: {normalized})", self.query)?,
            None => writeln!(f, "{}", self.query)?,
        }
        if self.entities.is_empty() {
            return writeln!(f, "  no entity found");
        }
        for found in &self.entities {
            writeln!(f, "{}: best match {}", found.entity, found.best)?;
            let matched: Vec<String> = found.matched.iter().map(|(r, level)| format!("{r} ({level})")).collect();
            writeln!(f, "  matched: {}", matched.join(", "))?;
            writeln!(f, "  records: {}", found.records.join(", "))?;
            for (name, values) in &found.identifiers {
                writeln!(f, "  {name}: {}", values.join(", "))?;
            }
            for related in &found.relationships {
                writeln!(
                    f,
                    "  related to {} by {} ({}, strength {})",
                    related.entity, related.kind, related.via, related.strength
                )?;
            }
        }
        Ok(())
    }
}
