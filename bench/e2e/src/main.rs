//! `sleuth-bench`: the end-to-end benchmark.
//!
//! For each size asked for, it generates the demo's mix of sources with
//! `sleuth-datagen` (once per size and seed, kept in the work folder), writes
//! the demo's job file pointing at them (`config/quickstart.toml` with its
//! paths moved, so both plugins run), runs `sleuth run` in a child process
//! and reads the run's `summary.json`: wall time per stage, peak memory,
//! candidate pairs, entities and F1 against the generator's truth. Nothing
//! here is timed inside the test suite; this is a command a person runs:
//!
//! ```sh
//! cargo build --release -p sleuth-core -p sleuth-bench
//! target/release/sleuth-bench --records 100k,1M
//! ```
//!
//! With `--ingest N`, it then adds `N` batches of `--batch` records (each
//! generated with its own seed, its sources renamed `forum-g2`, …) to the
//! run's store with `sleuth ingest`, and reports each batch's wall time and
//! stages: the living store's throughput.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Parser;
use serde_json::{Value, json};
use sleuth_core::query::{Lookup, Query};
use sleuth_core::record::AttributeKind;
use sleuth_datagen::{Config, Profile, parse_count, write_dir};

/// Runs `sleuth run` on generated data at several sizes and reports the figures.
#[derive(Debug, Parser)]
#[command(name = "sleuth-bench", version)]
struct Args {
    /// Sizes, in records: `100k,1M,5M`.
    #[arg(long, value_name = "N,...", value_delimiter = ',', default_value = "100k,1M", value_parser = parse_count)]
    records: Vec<u64>,
    /// The generator's seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Worker threads for `sleuth run` (default: every core); several, comma-separated, give a
    /// scaling table: `1,2,4,8,16`.
    #[arg(long, value_name = "N,...", value_delimiter = ',')]
    threads: Vec<usize>,
    /// Where generated data and outputs are kept.
    #[arg(long, value_name = "DIR", default_value = "target/bench-e2e")]
    work: PathBuf,
    /// The `sleuth` binary (default: the one beside this program).
    #[arg(long, value_name = "PATH")]
    sleuth: Option<PathBuf>,
    /// After each run, time this many queries of each kind on its store
    /// (exact emails, and usernames with two letters swapped) and report
    /// their p50 and p99.
    #[arg(long, value_name = "N", default_value_t = 0)]
    queries: usize,
    /// Use an earlier run's output for a size when there is one, instead of
    /// running the job again (to time queries on its store, say).
    #[arg(long)]
    reuse: bool,
    /// After each run, ingest this many batches into its store.
    #[arg(long, value_name = "N", default_value_t = 0)]
    ingest: usize,
    /// Records per ingested batch.
    #[arg(long, value_name = "N", default_value = "1k", value_parser = parse_count)]
    batch: u64,
    /// Also write every figure as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let sleuth = match &args.sleuth {
        Some(path) => path.clone(),
        None => std::env::current_exe()?.with_file_name(format!("sleuth{}", std::env::consts::EXE_SUFFIX)),
    };
    if !sleuth.is_file() {
        bail!(
            "no sleuth binary at {}: build it first (cargo build --release -p sleuth-core) or pass --sleuth",
            sleuth.display()
        );
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let template =
        std::fs::read_to_string(repo.join("config/quickstart.toml")).context("reading the demo's job file")?;
    let threads: Vec<Option<usize>> =
        if args.threads.is_empty() { vec![None] } else { args.threads.iter().map(|&t| Some(t)).collect() };
    let mut rows = Vec::new();
    println!(
        "{:>9} {:>7} {:>8} {:>9} {:>11} {:>8} {:>7}  stages (s)",
        "records", "threads", "wall s", "peak MiB", "pairs", "entities", "F1"
    );
    for &records in &args.records {
        let data = generate(&args.work, records, args.seed)?;
        for &threads in &threads {
            let mut row = run(&sleuth, &repo, &template, &data, &args, records, threads)?;
            let stages = row["stages_ms"].as_object().map_or(String::new(), |stages| {
                stages
                    .iter()
                    .filter(|(name, _)| name.as_str() != "total")
                    .map(|(name, ms)| format!("{name} {:.1}", ms.as_f64().unwrap_or(0.0) / 1000.0))
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            let count = |key: &str| row[key].as_u64().map_or("-".to_string(), |n| n.to_string());
            println!(
                "{:>9} {:>7} {:>8.1} {:>9} {:>11} {:>8} {:>7.4}  {stages}",
                count("records"),
                count("threads"),
                row["wall_s"].as_f64().unwrap_or(f64::NAN),
                count("peak_memory_mib"),
                count("candidate_pairs"),
                count("entities"),
                row["f1"].as_f64().unwrap_or(f64::NAN),
            );
            if args.ingest > 0 {
                let out = PathBuf::from(row["output"].as_str().unwrap_or_default());
                let mut batches = Vec::new();
                for _ in 0..args.ingest {
                    let batch = ingest(&sleuth, &repo, &template, &args, &out)?;
                    println!("{:>9} ingest: {batch}", "");
                    batches.push(batch);
                }
                row["ingest"] = Value::Array(batches);
            }
            if args.queries > 0 {
                let out = PathBuf::from(row["output"].as_str().unwrap_or_default());
                let latencies = queries(&data, &out, args.queries)?;
                println!("{:>9} queries on the store: {latencies}", "");
                row["queries"] = latencies;
            }
            rows.push(row);
        }
    }
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&rows)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// The generated data for `records` (made once per size and seed).
fn generate(work: &Path, records: u64, seed: u64) -> Result<PathBuf> {
    let dir = work.join(format!("data-{records}-seed{seed}"));
    let done = dir.join(".complete");
    if !done.is_file() {
        let started = Instant::now();
        let cfg =
            Config { persons: Config::persons_for_records(records, Profile::Quickstart), seed, ..Config::default() };
        let counts = write_dir(&cfg, &dir).with_context(|| format!("generating {}", dir.display()))?;
        std::fs::write(&done, counts.total().to_string())?;
        eprintln!(
            "generated {} records in {} in {:.1} s",
            counts.total(),
            dir.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(dir)
}

/// Runs the demo's job on `data` and gathers its figures.
/// The demo's job on `data`, its outputs in `out`. The IRC parser keeps
/// every user@host until the end of the log; past a million records it
/// needs more than its default limits (256 MiB, 2e9 instructions and 10 s a
/// call) to emit them all when the log ends.
fn job_for(template: &str, repo: &Path, data: &Path, out: &Path, records: u64) -> Result<String> {
    let absolute = |path: &Path| std::path::absolute(path).map(|p| p.display().to_string());
    let mut job = template
        .replace("../data/quickstart/", &format!("{}/", absolute(data)?))
        .replace("../out/quickstart", &absolute(out)?)
        .replace("../plugins/", &format!("{}/", absolute(&repo.join("plugins"))?));
    if records > 1_000_000 {
        let millions = records.div_ceil(1_000_000);
        let limits = format!(
            "memory_mib = {}, fuel_per_call = {}, deadline_ms = {}",
            256 * millions,
            4_000_000_000 * millions,
            20_000 * millions
        );
        job = job.replace(".wasm\", sha256 =", &format!(".wasm\", {limits}, sha256 ="));
    }
    Ok(job)
}

fn run(
    sleuth: &Path,
    repo: &Path,
    template: &str,
    data: &Path,
    args: &Args,
    records: u64,
    threads: Option<usize>,
) -> Result<Value> {
    let out = args.work.join(format!("out-{records}-t{}", threads.map_or("all".to_string(), |t| t.to_string())));
    let job = job_for(template, repo, data, &out, records)?;
    let job_file = data.join("job.toml");
    let reused = args.reuse && out.join("summary.json").is_file();
    if !reused {
        std::fs::write(&job_file, job)?;
    }
    let mut command = Command::new(sleuth);
    command.arg("run").arg(&job_file);
    if let Some(threads) = threads {
        command.arg("--threads").arg(threads.to_string());
    }
    let started = Instant::now();
    if !reused {
        let output = command.output().with_context(|| format!("running {}", sleuth.display()))?;
        if !output.status.success() {
            bail!("sleuth run {} failed: {}", job_file.display(), String::from_utf8_lossy(&output.stderr));
        }
    }
    let wall = if reused { f64::NAN } else { started.elapsed().as_secs_f64() };
    let summary: Value = serde_json::from_str(&std::fs::read_to_string(out.join("summary.json"))?)?;
    Ok(json!({
        "records": summary["counts"]["resolved"],
        "threads": summary["threads"],
        "wall_s": wall,
        "peak_memory_mib": summary["peak_memory_mib"],
        "candidate_pairs": summary["blocking"]["candidate_pairs"],
        "entities": summary["counts"]["entities"],
        "f1": summary["evaluation"]["pairwise"]["f1"],
        "precision": summary["evaluation"]["pairwise"]["precision"],
        "recall": summary["evaluation"]["pairwise"]["recall"],
        "stages_ms": summary["timings_ms"],
        "output": out.display().to_string(),
    }))
}

/// Ingests one batch of `--batch` generated records into the store in
/// `out`, its sources named after the generation it makes; its figures.
fn ingest(sleuth: &Path, repo: &Path, template: &str, args: &Args, out: &Path) -> Result<Value> {
    let summary: Value = serde_json::from_str(&std::fs::read_to_string(out.join("summary.json"))?)?;
    let generation = summary["generation"].as_u64().context("the store's summary names no generation")? + 1;
    let data = generate(&args.work, args.batch, args.seed + 1000 + generation)?;
    let mut job = job_for(template, repo, &data, &data.join("unused"), args.batch)?;
    for source in ["forum", "payments", "chat", "irc"] {
        job = job.replace(&format!("name = \"{source}\""), &format!("name = \"{source}-g{generation}\""));
    }
    // The batch's truth covers only its records: no evaluation.
    job = job.lines().filter(|line| !line.starts_with("truth =")).collect::<Vec<_>>().join("\n");
    let job_file = data.join(format!("ingest-g{generation}.toml"));
    std::fs::write(&job_file, job)?;
    let started = Instant::now();
    let output = Command::new(sleuth)
        .arg("ingest")
        .arg(out)
        .arg(&job_file)
        .output()
        .with_context(|| format!("running {}", sleuth.display()))?;
    if !output.status.success() {
        bail!("sleuth ingest {} failed: {}", job_file.display(), String::from_utf8_lossy(&output.stderr));
    }
    let wall = started.elapsed().as_secs_f64();
    let summary: Value = serde_json::from_str(&std::fs::read_to_string(out.join("summary.json"))?)?;
    Ok(json!({
        "generation": generation,
        "records": args.batch,
        "wall_s": (wall * 100.0).round() / 100.0,
        "peak_memory_mib": summary["peak_memory_mib"],
        "changes": summary["changes"],
        "stages_ms": summary["timings_ms"],
    }))
}

/// Times `n` exact-email and `n` fuzzy-username queries on the store in
/// `out`, from the forum accounts of `data`: p50 and p99 in milliseconds.
fn queries(data: &Path, out: &Path, n: usize) -> Result<Value> {
    let opened = Instant::now();
    let lookup = Lookup::open(out)?;
    let open_ms = opened.elapsed().as_secs_f64() * 1000.0;
    let mut reader = csv::Reader::from_path(data.join("forum_accounts.csv"))?;
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    let step = (rows.len() / n.max(1)).max(1);
    let picked: Vec<&csv::StringRecord> = rows.iter().step_by(step).take(n).collect();
    // Each list runs twice: the first pass pages the index in (cold), the
    // second is what a long-lived store answers (warm).
    let time = |queries: Vec<Query>| -> Result<Value> {
        let mut passes = Vec::new();
        let mut found = 0;
        for _ in 0..2 {
            let mut ms = Vec::with_capacity(queries.len());
            found = 0;
            for query in &queries {
                let started = Instant::now();
                let answer = lookup.find(query, 10)?;
                ms.push(started.elapsed().as_secs_f64() * 1000.0);
                found += usize::from(!answer.entities.is_empty());
            }
            ms.sort_by(f64::total_cmp);
            passes.push(ms);
        }
        let at = |ms: &[f64], q: f64| ms.get(((ms.len() as f64 * q) as usize).min(ms.len().saturating_sub(1))).copied();
        Ok(json!({
            "queries": queries.len(),
            "found": found,
            "p50_ms": at(&passes[1], 0.50),
            "p99_ms": at(&passes[1], 0.99),
            "cold_p50_ms": at(&passes[0], 0.50),
            "cold_p99_ms": at(&passes[0], 0.99),
        }))
    };
    let emails =
        picked.iter().filter(|r| !r[2].is_empty()).map(|r| Query::Value(AttributeKind::Email, r[2].to_string()));
    let usernames = picked.iter().filter(|r| r[1].chars().count() >= 4).map(|r| {
        // Two letters swapped in the middle: a typo the comparators forgive.
        let mut chars: Vec<char> = r[1].chars().collect();
        let middle = chars.len() / 2;
        chars.swap(middle - 1, middle);
        Query::Value(AttributeKind::Username, chars.into_iter().collect())
    });
    Ok(json!({
        "open_ms": open_ms,
        "exact_email": time(emails.collect())?,
        "fuzzy_username": time(usernames.collect())?,
    }))
}
