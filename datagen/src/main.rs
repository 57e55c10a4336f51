//! `sleuth-datagen`: writes the synthetic sources and their ground truth into a folder.

use std::path::PathBuf;

use anyhow::Result;
use clap::Parser;
use sleuth_datagen::person::{Planted, hub_ip};
use sleuth_datagen::{Config, Profile, parse_count, sources, write_dir};

/// Generate deterministic synthetic records (forum accounts, payments, chat participants and,
/// in the quickstart profile, an IRC log) for the people behind them, with the ground truth.
#[derive(Debug, Parser)]
#[command(name = "sleuth-datagen", version)]
struct Args {
    /// Folder to write the files into (created if missing; existing files are replaced).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Number of persons behind the records.
    #[arg(long, value_name = "N", default_value_t = 1500, conflicts_with = "records")]
    persons: u64,
    /// About how many records to write (100000, 1M, 5M): sets the number of
    /// persons from the profile's mean records per person.
    #[arg(long, value_name = "N", value_parser = parse_count)]
    records: Option<u64>,
    /// Seed: the same seed and number of persons give byte-identical files.
    #[arg(long, value_name = "S", default_value_t = 42)]
    seed: u64,
    /// Which perturbations to apply: `quickstart` (typos, case, trailing digits, alternative
    /// addresses, missing fields) or `identity` (those, plus leetspeak, look-alike letters,
    /// Gmail variants, typo domains, masked cards, VPN hubs, common-name and digit strangers).
    #[arg(long, value_enum, default_value_t = Profile::Quickstart)]
    profile: Profile,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let persons = args.records.map_or(args.persons, |records| Config::persons_for_records(records, args.profile));
    let cfg = Config { persons, seed: args.seed, profile: args.profile, ..Config::default() };
    let counts = write_dir(&cfg, &args.out)?;
    let dir = args.out.display();
    println!("{dir}/{}: {} records", sources::FORUM_FILE, counts.forum);
    println!("{dir}/{}: {} records", sources::PAYMENTS_FILE, counts.payments);
    println!("{dir}/{}: {} records", sources::CHAT_FILE, counts.chat);
    if cfg.irc_log() {
        println!("{dir}/{}: {} records ({} lines)", sources::IRC_FILE, counts.irc, counts.irc_lines);
    }
    println!("{dir}/{}: {} rows ({} persons, seed {})", sources::TRUTH_FILE, counts.total(), cfg.persons, cfg.seed);
    if cfg.identity_rates().is_some() {
        let disguised: Vec<String> = counts.disguised.entries().iter().map(|(name, n)| format!("{name} {n}")).collect();
        println!("disguised values: {}", disguised.join(", "));
    }
    if let Some(planted) = Planted::count(&cfg) {
        let hubs: Vec<String> = planted
            .hub_persons
            .iter()
            .enumerate()
            .map(|(j, n)| format!("{} ({n})", hub_ip(cfg.seed, j as u64)))
            .collect();
        println!(
            "planted: VPN hubs (persons) {}; {} persons under {} common names, {} digit-stranger pairs, \
             {} leetspeak writers, {} handle addresses",
            hubs.join(", "),
            planted.common_name_persons,
            planted.common_names,
            planted.digit_stranger_pairs,
            planted.leet_persons,
            planted.handle_email_persons
        );
    }
    Ok(())
}
