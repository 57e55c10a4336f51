//! The pipeline's stages on the demo's 4,063 records (`config/quickstart.toml`):
//! candidate generation from the index's blocks, comparison vectors, scoring
//! with the trained model, EM's pattern counts, and clustering with
//! over-merge protection. `cargo bench --bench stages`. The end-to-end
//! figures at 100k–5M records come from `sleuth-bench` (see `bench/`).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use sleuth_core::candidates::candidate_pairs;
use sleuth_core::cluster;
use sleuth_core::compare::{Prepared, comparison_vectors};
use sleuth_core::config::Job;
use sleuth_core::handles::Handles;
use sleuth_core::index::Store;
use sleuth_core::normalize::normalize_records;
use sleuth_core::pipeline::{self, RunOptions};
use sleuth_core::read::read_source;
use sleuth_core::record::Record;
use sleuth_core::score::em::pattern_counts;
use sleuth_core::score::{Damping, Model, Scorer};

struct Demo {
    job: Job,
    records: Vec<Record>,
    store: Store,
    model: Model,
    _out: tempfile::TempDir,
}

/// The demo job run once (for its index and trained model), and its records normalized.
fn demo() -> Demo {
    let job = Job::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/quickstart.toml")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = pipeline::run(&job, &RunOptions { output: Some(out.path().to_path_buf()), threads: None }).unwrap();
    let mut records: Vec<Record> = (0..job.sources.len()).flat_map(|s| read_source(&job, s).unwrap().records).collect();
    let kinds: Vec<_> = job.attributes.iter().map(|a| a.kind).collect();
    let contexts: Vec<_> = job.sources.iter().map(|s| s.normalize.clone()).collect();
    normalize_records(&mut records, &kinds, &contexts);
    let store = Store::open(out.path()).unwrap();
    Demo { job, records, store, model: run.summary.model, _out: out }
}

fn stages(c: &mut Criterion) {
    let demo = demo();
    let (job, records) = (&demo.job, &demo.records);
    let sources: Vec<u32> = records.iter().map(|r| r.source).collect();
    let blocks = demo.store.blocks(job.blocking.max_block_size).unwrap();
    let (pairs, _) = candidate_pairs(&blocks, &sources, job.within_source, job.blocking.max_block_size);
    let kinds: Vec<_> = job.attributes.iter().map(|a| a.kind).collect();
    let handles = Handles::new(records, &kinds);
    let prepared = Prepared::new(&job.comparisons, records, &handles, job.attributes.len());
    let vectors = comparison_vectors(&job.comparisons, records, &prepared, &pairs);
    let damping = Damping::new(&job.comparisons, records);
    let scorer = Scorer::new(&demo.model, &job.comparisons, records, &damping);
    let width = job.comparisons.len();
    let scores: Vec<f64> =
        pairs.iter().zip(vectors.chunks(width)).map(|(&(a, b), v)| scorer.score(a, b, v).probability).collect();
    let links: Vec<_> =
        pairs.iter().zip(&scores).filter(|(_, p)| **p >= job.threshold).map(|(&(a, b), &p)| (a, b, p, false)).collect();

    let mut group = c.benchmark_group(format!("stages/{}_records", records.len()));
    group.sample_size(20);
    group.bench_function("blocks_from_index", |b| b.iter(|| demo.store.blocks(job.blocking.max_block_size).unwrap()));
    group.bench_function(format!("candidates/{}_pairs", pairs.len()), |b| {
        b.iter(|| candidate_pairs(black_box(&blocks), &sources, job.within_source, job.blocking.max_block_size))
    });
    // Preparing the records' forms is part of the stage.
    group.bench_function("compare", |b| {
        b.iter(|| {
            let prepared = Prepared::new(&job.comparisons, records, &handles, job.attributes.len());
            comparison_vectors(&job.comparisons, records, &prepared, black_box(&pairs))
        })
    });
    group.bench_function("score", |b| {
        b.iter(|| pairs.iter().zip(vectors.chunks(width)).map(|(&(a, b), v)| scorer.score(a, b, v).weight).sum::<f64>())
    });
    group.bench_function("em_pattern_counts", |b| b.iter(|| pattern_counts(black_box(&vectors), width)));
    group.bench_function(format!("cluster/{}_links", links.len()), |b| {
        b.iter(|| {
            let (keep, _) = cluster::protect(records.len(), black_box(&links));
            let kept: Vec<_> = links.iter().zip(keep).filter(|(_, k)| *k).map(|(l, _)| (l.0, l.1)).collect();
            cluster::entities(records.len(), &kept)
        })
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
