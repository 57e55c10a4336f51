//! `sleuth-datagen`: writes the synthetic sources and their ground truth into a folder.

use std::path::PathBuf;

use anyhow::Result;
use clap::Parser;
use sleuth_datagen::{Config, sources, write_dir};

/// Generate deterministic synthetic records (forum accounts, payments, chat participants)
/// for the people behind them, with the ground truth.
#[derive(Debug, Parser)]
#[command(name = "sleuth-datagen", version)]
struct Args {
    /// Folder to write the files into (created if missing; existing files are replaced).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Number of persons behind the records.
    #[arg(long, value_name = "N", default_value_t = 1500)]
    persons: u64,
    /// Seed: the same seed and number of persons give byte-identical files.
    #[arg(long, value_name = "S", default_value_t = 42)]
    seed: u64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let cfg = Config { persons: args.persons, seed: args.seed, ..Config::default() };
    let counts = write_dir(&cfg, &args.out)?;
    let dir = args.out.display();
    println!("{dir}/{}: {} records", sources::FORUM_FILE, counts.forum);
    println!("{dir}/{}: {} records", sources::PAYMENTS_FILE, counts.payments);
    println!("{dir}/{}: {} records", sources::CHAT_FILE, counts.chat);
    println!("{dir}/{}: {} rows ({} persons, seed {})", sources::TRUTH_FILE, counts.total(), cfg.persons, cfg.seed);
    Ok(())
}
