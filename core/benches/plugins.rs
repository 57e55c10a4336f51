//! What the sandbox costs: the irc-log parser plugin's throughput against the
//! same parser compiled natively, and the keyboard-typos matcher plugin's
//! cost per pair against the same rule natively and against the built-in
//! username comparator, and what crossing into a plugin costs per pair (a
//! matcher whose rule is a mere equality), under contract 0.2.0 and, for
//! keyboard-typos, 0.1.0. `cargo bench --bench plugins`.

use std::hint::black_box;
use std::io::Cursor;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sleuth_core::compare::{Identifier, Method};
use sleuth_core::plugin::matcher::Subject;
use sleuth_core::plugin::parser::{self, Parsed};
use sleuth_core::plugin::{Limits, Matcher, Plugin};
use sleuth_sdk::Matcher as _;
use sleuth_sdk::Parser as _;

/// About 4 MB of IRC log: 2,000 participants, joins and messages.
fn irc_log() -> Vec<u8> {
    let mut log = String::new();
    let mut line = 0u64;
    while log.len() < 4 << 20 {
        line += 1;
        let who = line % 2000;
        let mask = format!("user{who}_x!~u{who}@10.{}.{}.{}", who / 250, who % 250, line % 7);
        let text = if line.is_multiple_of(5) {
            format!("contact me at user{who}.mail@example.org if you want the list")
        } else {
            "anyone around? selling, dm me for the price list".to_string()
        };
        log.push_str(&format!(
            "2024-03-01T21:{:02}:{:02}Z :{mask} PRIVMSG #market :{text}\n",
            line / 60 % 60,
            line % 60
        ));
    }
    log.into_bytes()
}

fn parsers(c: &mut Criterion) {
    let log = irc_log();
    let plugin = Plugin::load(&sleuth_test_guests::IRC_LOG.path(), None, Limits::default()).expect("irc-log loads");
    let mut group = c.benchmark_group("parse irc log");
    group.throughput(Throughput::Bytes(log.len() as u64));
    group.sample_size(10);
    group.bench_function("native", |b| {
        b.iter(|| {
            let mut parser = irc_log::IrcLog::default();
            let mut records = 0;
            for chunk in log.chunks(parser::CHUNK) {
                records += parser.feed(chunk).expect("parses").records.len();
            }
            records + parser.finish().expect("finishes").records.len()
        })
    });
    group.bench_function("plugin", |b| {
        b.iter(|| {
            let mut records = 0;
            parser::parse(&plugin, "bench", &mut Cursor::new(&log), |parsed| {
                if let Parsed::Record(_) = parsed {
                    records += 1;
                }
            })
            .expect("parses");
            records
        })
    });
    group.finish();
}

fn matchers(c: &mut Criterion) {
    let handles: Vec<String> = (0..512).map(|i| format!("darkangel{i}")).collect();
    let slips: Vec<String> = (0..512).map(|i| format!("darkangwl{i}")).collect();
    let subjects: Vec<Subject> =
        handles.iter().chain(&slips).map(|h| Subject { raw: vec![h.clone()], normalized: vec![h.clone()] }).collect();
    let pairs: Vec<(u32, u32)> = (0..1024u32).map(|i| (i % 512, 512 + (i * 7) % 512)).collect();
    let mut sdk_subjects = sleuth_sdk::Subjects::default();
    for s in &subjects {
        let (raw, normalized): (Vec<&str>, Vec<&str>) =
            (s.raw.iter().map(String::as_str).collect(), s.normalized.iter().map(String::as_str).collect());
        sdk_subjects.push(&raw, &normalized);
    }
    let sdk_subject = |i: u32| sdk_subjects.get(i as usize).expect("pushed");
    let plugin = Plugin::load(&sleuth_test_guests::KEYBOARD_TYPOS.path(), None, Limits::default()).expect("loads");
    let matcher = Matcher::new(plugin).expect("a matcher");
    let builtin = Method::Identifier(Identifier::Username);

    let mut group = c.benchmark_group("compare 1024 username pairs");
    group.throughput(Throughput::Elements(pairs.len() as u64));
    group.bench_function("built-in username comparator", |b| {
        b.iter(|| {
            pairs
                .iter()
                .map(|&(x, y)| builtin.level(&handles[x as usize], &slips[y as usize - 512]).0 as u32)
                .sum::<u32>()
        })
    });
    group.bench_function("keyboard-typos native", |b| {
        b.iter(|| {
            pairs
                .iter()
                .map(|&(x, y)| {
                    keyboard_typos::KeyboardTypos::compare(&sdk_subject(x), &sdk_subject(y)).level.unwrap_or(9) as u32
                })
                .sum::<u32>()
        })
    });
    group.bench_function("keyboard-typos plugin", |b| {
        b.iter(|| matcher.compare(black_box(&subjects), black_box(&pairs), "bench").expect("compares").len())
    });
    // The same plugin as sleuth-sdk 0.1.0 built it: contract 0.1.0, where
    // each record's values cross as lists of strings.
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/contract-0.1/keyboard_typos.wasm");
    let old = Matcher::new(Plugin::load(std::path::Path::new(fixture), None, Limits::default()).expect("loads"))
        .expect("a matcher");
    group.bench_function("keyboard-typos plugin, contract 0.1.0", |b| {
        b.iter(|| old.compare(black_box(&subjects), black_box(&pairs), "bench").expect("compares").len())
    });
    // A rule that does next to nothing (equality of normalized values): its
    // cost per pair is the boundary's, records crossing and verdicts back.
    let plugin = Plugin::load(&sleuth_test_guests::MATCHER_TRAPS.path(), None, Limits::default()).expect("loads");
    let equality = Matcher::new(plugin).expect("a matcher");
    group.bench_function("equality plugin (boundary cost)", |b| {
        b.iter(|| equality.compare(black_box(&subjects), black_box(&pairs), "bench").expect("compares").len())
    });
    group.finish();
}

criterion_group!(benches, parsers, matchers);
criterion_main!(benches);
