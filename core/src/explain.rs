//! `sleuth explain`: why two records are, or are not, one entity.
//!
//! From an output folder: the job file and sources named in `summary.json`
//! (checked against their sha256, so the explanation is of the run that
//! made the folder), the trained model, `links.csv` and `entities.csv`. The
//! records are read and normalized again, as the run did, and their pair is
//! compared and scored with the run's model: every comparison's level, m, u
//! and weight; for a matcher plugin its rule. Two records joined only
//! through others get the chain of links; a pair that was never a candidate
//! gets the blocking keys each record has, none of them shared.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::blocking::{self, Term};
use crate::candidates;
use crate::compare;
use crate::config::Job;
use crate::error::{Error, Result};
use crate::generation;
use crate::index::Store;
use crate::normalize;
use crate::output;
use crate::pipeline;
use crate::read;
use crate::record::Record;
use crate::score::{self, Damping, Model, Scorer, probability};

/// One comparison of the pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// The comparison.
    pub comparison: String,
    /// Its level, or `missing`.
    pub level: String,
    /// A matcher plugin's rule, when one decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// m of the level.
    pub m: f64,
    /// u of the level (after value frequency).
    pub u: f64,
    /// The weight in bits.
    pub weight: f64,
    /// Whether it counts: a correlation group counts its strongest agreement only.
    pub counted: bool,
}

/// Why two records are or are not one entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The records, as `source:id`.
    pub records: [String; 2],
    /// Their entities.
    pub entities: [String; 2],
    /// The prior and its weight in bits.
    pub prior: f64,
    /// `log2(prior / (1 − prior))`.
    pub prior_weight: f64,
    /// Each comparison.
    pub comparisons: Vec<Line>,
    /// The pair's total weight.
    pub weight: f64,
    /// Its match probability.
    pub probability: f64,
    /// The threshold.
    pub threshold: f64,
    /// `linked`, `same entity through other records`, `not linked` or
    /// `never compared`.
    pub verdict: String,
    /// For records joined through others: the chain of links, as `source:id`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<String>,
    /// Blocking keys both records have, each with its strength and its
    /// block's size: `email.address=x@y.org (strong, 2 records)`.
    pub shared_keys: Vec<String>,
    /// For a pair never compared: each record's keys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keys_a: Vec<String>,
    /// For a pair never compared: each record's keys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keys_b: Vec<String>,
}

pub(crate) fn not_output(output: &Path, message: impl Into<String>) -> Error {
    Error::NotAnOutput { path: output.into(), message: message.into() }
}

/// The current outputs of `output` ([`generation::current`]): the folder
/// holding them, its summary, and the job of the run with the sources of
/// every ingest after it appended (the store's sources, in record order);
/// refused when a job file has changed since.
pub(crate) fn run_of(output: &Path) -> Result<(PathBuf, serde_json::Value, Job)> {
    let folder = generation::current(output)?;
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(folder.join("summary.json"))
            .map_err(|e| not_output(output, format!("cannot read summary.json: {e}")))?,
    )
    .map_err(|e| not_output(output, format!("summary.json: {e}")))?;
    let load = |recorded: &serde_json::Value| {
        let file = recorded["file"].as_str().ok_or_else(|| not_output(output, "summary.json names no job file"))?;
        let job = Job::load(Path::new(file))?;
        if recorded["sha256"].as_str() != Some(job.sha256.as_str()) {
            return Err(not_output(output, format!("the job file {file} has changed since it ran")));
        }
        Ok(job)
    };
    let mut job = load(&summary["job"])?;
    for ingested in summary["ingested"].as_array().into_iter().flatten() {
        let sources = crate::ingest::sources_in_store(&job, &load(ingested)?)
            .map_err(|message| not_output(output, format!("an ingested job: {message}")))?;
        job.sources.extend(sources);
    }
    Ok((folder, summary, job))
}

/// Explains records `a` and `b` (`source:id`) of the run in `output`.
pub fn explain(output: &Path, a: &str, b: &str) -> Result<Explanation> {
    let (folder, summary, job) = run_of(output)?;
    for (source, recorded) in job.sources.iter().zip(summary["sources"].as_array().into_iter().flatten()) {
        if recorded["sha256"].as_str() != Some(pipeline::file_sha256(&source.path)?.as_str()) {
            return Err(not_output(output, format!("source `{}` has changed since the run", source.name)));
        }
    }
    let model: Model = serde_json::from_value(summary["model"].clone())
        .map_err(|e| not_output(output, format!("summary.json's model: {e}")))?;

    let mut records: Vec<Record> = Vec::new();
    for index in 0..job.sources.len() {
        records.extend(read::read_source(&job, index)?.records);
    }
    let kinds: Vec<_> = job.attributes.iter().map(|a| a.kind).collect();
    let contexts: Vec<_> = job.sources.iter().map(|s| s.normalize.clone()).collect();
    normalize::normalize_records(&mut records, &kinds, &contexts);
    let source_names: Vec<String> = job.sources.iter().map(|s| s.name.clone()).collect();
    let find = |wanted: &str| {
        records.iter().position(|r| r.label(&source_names) == wanted).ok_or_else(|| {
            not_output(output, format!("no record `{wanted}` in the job's sources (write records as source:id)"))
        })
    };
    let (ia, ib) = (find(a)?, find(b)?);
    let (ra, rb) = (&records[ia], &records[ib]);

    // Compare and score the pair as the run did.
    let pair = [(ia as u32, ib as u32)];
    let mut vector = compare::comparison_vectors(&job.comparisons, &records, &compare::Prepared::default(), &pair);
    let mut evidence = pipeline::matcher_evidence(&job);
    if let Some((name, failed)) = pipeline::fill_matchers(&job, &records, &pair, 0, &mut vector, &mut evidence).pop() {
        let path = job.plugins().into_iter().find(|p| failed.error.plugin == p.label()).map(|p| p.path.clone());
        return Err(Error::Source {
            source_name: name,
            path: path.unwrap_or_else(|| job.file.clone()),
            message: failed.error.to_string(),
        });
    }
    let rules: BTreeMap<usize, String> =
        evidence.iter().filter_map(|e| e.rule(0).map(|rule| (e.comparison, rule.to_string()))).collect();
    let damping = Damping::new(&job.comparisons, &records);
    let scorer = Scorer::new(&model, &job.comparisons, &records, &damping);
    let contributions = scorer.contributions(ia as u32, ib as u32, &vector);
    let score = scorer.score(ia as u32, ib as u32, &vector);
    let counts: BTreeMap<usize, bool> = contributions
        .iter()
        .zip(score::counted(&model.groups, &contributions))
        .map(|(c, counts)| (c.comparison, counts))
        .collect();
    let lines = job
        .comparisons
        .iter()
        .enumerate()
        .map(|(k, comparison)| {
            let trained = &model.comparisons[k];
            let level = vector[k];
            let contribution = contributions.iter().find(|c| c.comparison == k);
            let weight = contribution.map_or(0.0, |c| c.weight);
            let (m, u) = if level.is_missing() {
                (f64::NAN, f64::NAN)
            } else {
                let m = trained.m[level.0 as usize];
                (m, m / weight.exp2())
            };
            Line {
                comparison: comparison.name.clone(),
                level: if level.is_missing() { "missing".into() } else { trained.levels[level.0 as usize].clone() },
                rule: rules.get(&k).cloned(),
                m,
                u,
                weight,
                counted: counts.get(&k).copied().unwrap_or(false),
            }
        })
        .collect();

    // The run's verdict and the chain, from its outputs.
    let entity_of = output::read_entities(&folder)?;
    let entities = [entity_of.get(a).cloned().unwrap_or_default(), entity_of.get(b).cloned().unwrap_or_default()];
    let mut links: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in output::read_rows(&folder, "links.csv")? {
        let (x, y) = (format!("{}:{}", &row[0], &row[1]), format!("{}:{}", &row[2], &row[3]));
        links.entry(x.clone()).or_default().push(y.clone());
        links.entry(y).or_default().push(x);
    }
    let direct = links.get(a).is_some_and(|l| l.iter().any(|x| x == b));
    let split = summary["splits"].as_array().into_iter().flatten().find(|s| {
        let pair = (s["records"][0].as_str(), s["records"][1].as_str());
        pair == (Some(a), Some(b)) || pair == (Some(b), Some(a))
    });
    let chain =
        if !direct && entities[0] == entities[1] && !entities[0].is_empty() { chain(&links, a, b) } else { Vec::new() };

    // Blocking keys: shared ones with their blocks' sizes, or each side's
    // when none is; a candidate under the run's rule.
    let (ta, tb) = (blocking::record_terms(&job.blocking.keys, ra), blocking::record_terms(&job.blocking.keys, rb));
    let store = Store::open(output)?;
    let mut shared = Vec::new();
    for term in ta.intersection(&tb) {
        shared.push((term, store.block_size(term)?));
    }
    let compared = (job.within_source || ra.source != rb.source)
        && candidates::shares_enough(
            shared.iter().map(|(term, size)| (*size, term.strength)),
            job.blocking.max_block_size,
        );
    let shared_keys: Vec<String> =
        shared.iter().map(|(term, size)| format!("{term} ({}, {size} records)", term.strength.as_str())).collect();
    let verdict = if let Some(split) = split {
        &format!("split by over-merge protection: {}", split["reason"].as_str().unwrap_or_default())
    } else if direct {
        "linked"
    } else if !chain.is_empty() {
        "same entity through other records"
    } else if compared {
        "not linked"
    } else {
        "never compared"
    };
    let (keys_a, keys_b) = if compared {
        (Vec::new(), Vec::new())
    } else {
        let names = |terms: BTreeSet<Term>| terms.iter().map(Term::to_string).collect();
        (names(ta), names(tb))
    };
    Ok(Explanation {
        records: [a.to_string(), b.to_string()],
        entities,
        prior: model.prior,
        prior_weight: model.prior_weight(),
        comparisons: lines,
        weight: score.weight,
        probability: probability(score.weight),
        threshold: job.threshold,
        verdict: verdict.to_string(),
        chain,
        shared_keys,
        keys_a,
        keys_b,
    })
}

/// The shortest chain of links from `a` to `b`, both ends included.
fn chain(links: &BTreeMap<String, Vec<String>>, a: &str, b: &str) -> Vec<String> {
    let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([a]);
    while let Some(record) = queue.pop_front() {
        if record == b {
            let mut chain = vec![b.to_string()];
            let mut at = b;
            while let Some(&p) = previous.get(at) {
                chain.push(p.to_string());
                at = p;
            }
            chain.reverse();
            return chain;
        }
        for next in links.get(record).into_iter().flatten() {
            if next != a && !previous.contains_key(next.as_str()) {
                previous.insert(next, record);
                queue.push_back(next);
            }
        }
    }
    Vec::new()
}

impl std::fmt::Display for Explanation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [a, b] = &self.records;
        writeln!(f, "{a} ({}) and {b} ({}): {}", self.entities[0], self.entities[1], self.verdict)?;
        writeln!(f, "  prior {:.3e} ({:+.1} bits)", self.prior, self.prior_weight)?;
        writeln!(f, "  {:<22} {:<28} {:>9} {:>9} {:>7}", "comparison", "level", "m", "u", "bits")?;
        for line in &self.comparisons {
            let level = match &line.rule {
                Some(rule) => format!("{} [{rule}]", line.level),
                None => line.level.clone(),
            };
            if line.level == "missing" {
                writeln!(f, "  {:<22} {:<28} {:>9} {:>9} {:>7}", line.comparison, level, "", "", "")?;
            } else {
                writeln!(
                    f,
                    "  {:<22} {:<28} {:>9.3e} {:>9.3e} {:>+7.1}{}",
                    line.comparison,
                    level,
                    line.m,
                    line.u,
                    line.weight,
                    if line.counted { "" } else { "  (not counted: a stronger agreement of its group counts)" }
                )?;
            }
        }
        let side = if self.probability >= self.threshold { ">=" } else { "<" };
        writeln!(
            f,
            "  total {:+.1} bits: probability {:.4} {side} threshold {}",
            self.weight, self.probability, self.threshold
        )?;
        if !self.chain.is_empty() {
            writeln!(f, "  joined through {} links: {}", self.chain.len() - 1, self.chain.join(" — "))?;
        }
        if self.keys_a.is_empty() {
            writeln!(f, "  shared blocking keys: {}", self.shared_keys.join(", "))?;
        } else if !self.shared_keys.is_empty() {
            writeln!(
                f,
                "  never a candidate pair: every block it shares holds too many records: {}",
                self.shared_keys.join(", ")
            )?;
            writeln!(f, "    {a}: {}", self.keys_a.join(", "))?;
            writeln!(f, "    {b}: {}", self.keys_b.join(", "))?;
        } else {
            writeln!(f, "  never a candidate pair: no blocking key in common")?;
            writeln!(f, "    {a}: {}", self.keys_a.join(", "))?;
            writeln!(f, "    {b}: {}", self.keys_b.join(", "))?;
        }
        Ok(())
    }
}
