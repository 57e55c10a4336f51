//! The `sleuth` command: parses arguments, calls the library, maps errors to
//! exit codes (0 success, 1 the job failed, 2 a usage or configuration error).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sleuth_core::config::Job;
use sleuth_core::pipeline::{RunOptions, run};
use sleuth_core::plugin::workbench;
use sleuth_core::{Error, eval, read};

// mimalloc rather than the system allocator: the pipeline makes many small
// strings on every core, and glibc's malloc spent a sixth of a million-record
// run in its own bookkeeping (see bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Entity resolution across agencies' data.
#[derive(Parser)]
#[command(name = "sleuth", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Resolve a job: read its sources, find entities, write the outputs.
    Run {
        /// The job file (TOML).
        job: PathBuf,
        /// The output folder, instead of the job's `output`.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads (default: every core).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Add the sources of another job file to the entities of an earlier
    /// run: entity ids are kept, changes.jsonl says what changed and why.
    Ingest {
        /// The output folder of the run.
        output: PathBuf,
        /// A job file with the new sources (its attributes must be the run's).
        job: PathBuf,
        /// Worker threads (default: every core).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Check a job file and its sources' headers without running it.
    Check {
        /// The job file (TOML).
        job: PathBuf,
    },
    /// Score an output folder against a truth file (source,id,entity).
    Eval {
        /// The truth file: CSV with the columns source,id,entity or id,entity;
        /// or another output's entities.csv, to see how far two runs agree.
        #[arg(long)]
        truth: PathBuf,
        /// The output folder of a run.
        output: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Why two records are, or are not, one entity.
    Explain {
        /// The output folder of a run.
        output: PathBuf,
        /// A record, as source:id.
        a: String,
        /// Another record, as source:id.
        b: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The entities behind an identifier, found fuzzily and ranked, each with
    /// its records, identifiers and relationships.
    #[command(group(clap::ArgGroup::new("wanted").required(true)))]
    Query {
        /// The output folder of a run.
        output: PathBuf,
        /// An email address.
        #[arg(long, group = "wanted")]
        email: Option<String>,
        /// A username or handle.
        #[arg(long, group = "wanted")]
        username: Option<String>,
        /// A payment card number, full or masked.
        #[arg(long, group = "wanted")]
        card: Option<String>,
        /// A phone number.
        #[arg(long, group = "wanted")]
        phone: Option<String>,
        /// A person's name.
        #[arg(long, group = "wanted")]
        name: Option<String>,
        /// A record, as source:id: its entity.
        #[arg(long, group = "wanted", value_name = "SOURCE:ID")]
        record: Option<String>,
        /// Entities shown at most.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The shortest chains of relationships between two records' entities.
    Path {
        /// The output folder of a run.
        output: PathBuf,
        /// A record, as source:id.
        a: String,
        /// Another record, as source:id.
        b: String,
        /// Chains shown at most.
        #[arg(long, default_value_t = 5)]
        limit: usize,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write, build and try out WebAssembly plugins.
    #[command(subcommand)]
    Plugin(PluginCommand),
}

#[derive(Subcommand)]
enum PluginCommand {
    /// Create a plugin crate that builds as it is (a parser, or a matcher).
    New {
        /// The crate's name.
        name: String,
        /// Make a matcher instead of a parser.
        #[arg(long)]
        matcher: bool,
        /// The folder to create it in.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// The sleuth-sdk crate to depend on by path (default: this Sleuth's).
        #[arg(long)]
        sdk: Option<PathBuf>,
    },
    /// Build a plugin crate to a component; print its path and sha256.
    Build {
        /// The plugin crate's folder (or its Cargo.toml).
        path: PathBuf,
    },
    /// Show a component's world, name, versions and imports.
    Inspect {
        /// The .wasm component.
        wasm: PathBuf,
    },
    /// Run a parser plugin over a file: records as JSON lines on stdout,
    /// rejects with their positions on stderr.
    Parse {
        /// The .wasm component.
        wasm: PathBuf,
        /// The input file.
        input: PathBuf,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("SLEUTH_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    match execute(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(if error.is_user_error() { 2 } else { 1 })
        }
    }
}

fn plugin(command: PluginCommand) -> Result<(), Error> {
    match command {
        PluginCommand::New { name, matcher, dir, sdk } => {
            let root = workbench::new(&name, &dir, matcher, sdk.as_deref())?;
            println!("created {} ({})", root.display(), if matcher { "a matcher" } else { "a parser" });
            println!("next: `cargo test` in it, then `sleuth plugin build {}`", root.display());
        }
        PluginCommand::Build { path } => {
            let wasm = workbench::build(&path)?;
            let sha256 = sleuth_core::pipeline::file_sha256(&wasm)?;
            println!("{}", wasm.display());
            println!("sha256 = \"{sha256}\"");
        }
        PluginCommand::Inspect { wasm } => workbench::inspect(&wasm, &mut std::io::stdout().lock())?,
        PluginCommand::Parse { wasm, input } => {
            let (records, rejects) =
                workbench::parse(&wasm, &input, &mut std::io::stdout().lock(), &mut std::io::stderr().lock())?;
            eprintln!("{records} records, {rejects} rejects");
        }
    }
    Ok(())
}

fn execute(command: Command) -> Result<(), Error> {
    match command {
        Command::Run { job, out, threads } => {
            let job = Job::load(&job)?;
            let result = run(&job, &RunOptions { output: out, threads })?;
            let c = result.summary.counts;
            let seconds = result.summary.timings_ms.get("total").copied().unwrap_or_default() as f64 / 1000.0;
            println!(
                "resolved {} records into {} entities ({} links from {} pairs compared; {} rows rejected) in {seconds:.1} s",
                c.resolved, c.entities, c.links, c.pairs_compared, c.rejected
            );
            println!(
                "outputs in {}: entities.csv, links.csv, relationships.csv, rejects.csv, summary.json, graph.graphml",
                result.output.display()
            );
            if let Some(evaluation) = &result.summary.evaluation {
                print!(
                    "against {}:\n{evaluation}",
                    job.truth.as_ref().map(|t| t.display().to_string()).unwrap_or_default()
                );
            }
        }
        Command::Ingest { output, job, threads } => {
            let job = Job::load(&job)?;
            let result = sleuth_core::ingest::ingest(&output, &job, threads)?;
            let seconds = result.timings_ms.get("total").copied().unwrap_or_default() as f64 / 1000.0;
            let changes: Vec<String> = result.changes.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
            println!(
                "ingested {} records ({} rows rejected; {} links from {} pairs compared) in {seconds:.1} s: generation {}",
                result.records, result.rejected, result.links, result.pairs_compared, result.generation
            );
            println!(
                "changes: {}; outputs in {} (changes.jsonl lists each with its reason)",
                if changes.is_empty() { "none".to_string() } else { changes.join(", ") },
                output.display()
            );
            if let Some(evaluation) = result.summary.get("evaluation").filter(|e| !e.is_null()) {
                println!(
                    "against {}: pairwise F1 {}",
                    job.truth.as_ref().map(|t| t.display().to_string()).unwrap_or_default(),
                    evaluation["pairwise"]["f1"]
                );
            }
        }
        Command::Check { job } => {
            let job = Job::load(&job)?;
            for source in &job.sources {
                read::check_source(source)?;
            }
            println!("{}: job `{}` is valid", job.file.display(), job.name);
            for source in &job.sources {
                let columns: Vec<String> = source
                    .columns
                    .iter()
                    .map(|c| format!("{} → {}", c.name, job.attributes[c.attribute].name))
                    .collect();
                println!("  source {} ({}): {}", source.name, source.path.display(), columns.join(", "));
            }
            let keys: Vec<&str> = job.blocking.keys.iter().map(|k| k.name.as_str()).collect();
            let max = job.blocking.max_block_size;
            let weak = sleuth_core::candidates::block_limit(sleuth_core::blocking::Strength::Weak, max);
            println!("  blocking on: {} (blocks of at most {max} records, {weak} for weak keys)", keys.join(", "));
            for comparison in &job.comparisons {
                println!("  compare {}: {}", comparison.name, comparison.method.level_labels().join(" / "));
            }
            for plugin in job.plugins() {
                println!(
                    "  plugin {} ({}, {}): {} sha256 {}",
                    plugin.info.name,
                    plugin.world,
                    plugin.info.version,
                    plugin.path.display(),
                    plugin.sha256
                );
            }
            println!("  threshold: {}; output: {}", job.threshold, job.output.display());
        }
        Command::Plugin(command) => plugin(command)?,
        Command::Explain { output, a, b, json } => {
            let explanation = sleuth_core::explain::explain(&output, &a, &b)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&explanation).expect("explanations serialize"));
            } else {
                print!("{explanation}");
            }
        }
        Command::Query { output, email, username, card, phone, name, record, limit, json } => {
            use sleuth_core::query::{Lookup, Query};
            use sleuth_core::record::AttributeKind;
            let query = match (email, username, card, phone, name, record) {
                (Some(v), ..) => Query::Value(AttributeKind::Email, v),
                (_, Some(v), ..) => Query::Value(AttributeKind::Username, v),
                (_, _, Some(v), ..) => Query::Value(AttributeKind::Card, v),
                (_, _, _, Some(v), ..) => Query::Value(AttributeKind::Phone, v),
                (_, _, _, _, Some(v), _) => Query::Value(AttributeKind::Name, v),
                (.., Some(record)) => Query::Record(record),
                _ => unreachable!("clap requires one of the group"),
            };
            let answer = Lookup::open(&output)?.find(&query, limit.max(1))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&answer).expect("answers serialize"));
            } else {
                print!("{answer}");
            }
        }
        Command::Path { output, a, b, limit, json } => {
            let paths = sleuth_core::paths::find(&output, &a, &b, limit.max(1))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&paths).expect("paths serialize"));
            } else {
                print!("{paths}");
            }
        }
        Command::Eval { truth, output, json } => {
            let evaluation = eval::evaluate(&truth, &sleuth_core::generation::current(&output)?)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&evaluation).expect("an evaluation serializes"));
            } else {
                print!("{evaluation}");
            }
        }
    }
    Ok(())
}
