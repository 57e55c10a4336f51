//! What [`export!`](crate::export) expands to needs: the bindings generated
//! from the WIT contract, and conversions between them and the plain types.
//! Not part of the API.

#![allow(missing_docs)]

pub use wit_bindgen;

/// Forwards panic messages to the host's log, once per instance: a panic in
/// a component aborts it, and the message would otherwise be lost.
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let payload = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".into());
            let location = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
            crate::log(crate::Level::Error, &format!("panicked{location}: {payload}"));
        }));
    });
}

/// Both worlds import the same `sleuth:plugin/host` interface; the parser
/// world's bindings serve either.
#[cfg(target_family = "wasm")]
pub fn host_log(level: crate::Level, message: &str) {
    use parser::bindings::sleuth::plugin::host;
    let level = match level {
        crate::Level::Error => host::Level::Error,
        crate::Level::Warn => host::Level::Warn,
        crate::Level::Info => host::Level::Info,
        crate::Level::Debug => host::Level::Debug,
        crate::Level::Trace => host::Level::Trace,
    };
    host::log(level, message);
}

pub mod parser {
    pub mod bindings {
        wit_bindgen::generate!({
            path: "wit/0.2.0",
            world: "parser",
            pub_export_macro: true,
            export_macro_name: "__sleuth_export_parser",
            default_bindings_module: "::sleuth_sdk::glue::parser::bindings",
            runtime_path: "::sleuth_sdk::glue::wit_bindgen::rt",
        });
    }

    pub use bindings::__sleuth_export_parser as export;
    pub use bindings::exports::sleuth::plugin::parsing::{Guest, GuestSession};
    use bindings::sleuth::plugin::types as wit;
    pub use bindings::sleuth::plugin::types::{ParseError, Parsed, PluginInfo};

    pub fn info(name: &str, version: &str) -> PluginInfo {
        PluginInfo { name: name.into(), version: version.into(), sdk_version: crate::SDK_VERSION.into() }
    }

    fn position(p: crate::Position) -> wit::Position {
        wit::Position { line: p.line, offset: p.offset }
    }

    fn error(e: crate::ParseError) -> ParseError {
        ParseError { message: e.message, position: position(e.position), excerpt: e.excerpt }
    }

    pub fn outcome(result: Result<crate::Parsed, crate::ParseError>) -> Result<Parsed, ParseError> {
        let parsed = result.map_err(error)?;
        Ok(Parsed {
            records: parsed
                .records
                .into_iter()
                .map(|r| wit::ParsedRecord {
                    id: r.id,
                    attributes: r
                        .attributes
                        .into_iter()
                        .map(|a| wit::Attribute { field: a.field, kind: a.kind, value: a.value })
                        .collect(),
                    position: position(r.position),
                })
                .collect(),
            rejects: parsed.rejects.into_iter().map(error).collect(),
        })
    }
}

pub mod matcher {
    pub mod bindings {
        wit_bindgen::generate!({
            path: "wit/0.2.0",
            world: "matcher",
            pub_export_macro: true,
            export_macro_name: "__sleuth_export_matcher",
            default_bindings_module: "::sleuth_sdk::glue::matcher::bindings",
            runtime_path: "::sleuth_sdk::glue::wit_bindgen::rt",
        });
    }

    pub use bindings::__sleuth_export_matcher as export;
    pub use bindings::exports::sleuth::plugin::matching::{Guest, Span, Subjects};
    pub use bindings::sleuth::plugin::types::{Declaration, PluginInfo, Verdict};

    pub fn info(name: &str, version: &str) -> PluginInfo {
        PluginInfo { name: name.into(), version: version.into(), sdk_version: crate::SDK_VERSION.into() }
    }

    pub fn declaration(d: crate::Declaration) -> Declaration {
        Declaration { kinds: d.kinds, levels: d.levels, rules: d.rules }
    }

    /// Compares each pair with `compare`, naming each verdict's rule by its
    /// index in `declare()`'s rules (asked once per instance). The batch is
    /// checked once first, so reading a subject's values cannot panic.
    pub fn compare(
        subjects: Subjects,
        pairs: Vec<(u32, u32)>,
        declare: fn() -> crate::Declaration,
        compare: fn(&crate::Subject<'_>, &crate::Subject<'_>) -> crate::Verdict,
    ) -> Result<Vec<Verdict>, String> {
        static RULES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        let Subjects { text, ends, spans } = &subjects;
        check(text, ends, spans)?;
        let rules = RULES.get_or_init(|| declare().rules);
        let subject =
            |i: u32| spans.get(i as usize).map(|s| crate::Subject::new(text, ends, s.first, s.raw, s.normalized));
        pairs
            .into_iter()
            .map(|(a, b)| match (subject(a), subject(b)) {
                (Some(a), Some(b)) => {
                    let verdict = compare(&a, &b);
                    let rule = match verdict.rule {
                        "" => None,
                        id => match rules.iter().position(|r| r == id) {
                            Some(index) => Some(index as u16),
                            None => return Err(format!("verdict names rule `{id}`, which declare() does not list")),
                        },
                    };
                    Ok(Verdict { level: verdict.level, rule })
                }
                _ => Err(format!("pair ({a}, {b}) indexes past the {} records sent", spans.len())),
            })
            .collect()
    }

    /// Whether a batch is as the contract describes it: every value's end
    /// no earlier than the one before, within `text` and on a character
    /// boundary, and every record's values within `ends`. An error names
    /// the first thing wrong.
    fn check(text: &str, ends: &[u32], spans: &[Span]) -> Result<(), String> {
        let malformed = |what: String| Err(format!("malformed batch from the host: {what}"));
        let mut start = 0;
        for (v, &end) in ends.iter().enumerate() {
            let end = end as usize;
            if end < start {
                return malformed(format!("value {v} ends at byte {end}, before value {} ends (byte {start})", v - 1));
            }
            if end > text.len() {
                return malformed(format!("value {v} ends at byte {end}, past the text's {} bytes", text.len()));
            }
            if !text.is_char_boundary(end) {
                return malformed(format!("value {v} ends at byte {end}, inside a character of the text"));
            }
            start = end;
        }
        for (i, s) in spans.iter().enumerate() {
            let count = s.first as u64 + s.raw as u64 + s.normalized as u64;
            if count > ends.len() as u64 {
                return malformed(format!(
                    "record {i}'s values {}..{count} ({} raw, {} normalized) go past the {} values sent",
                    s.first,
                    s.raw,
                    s.normalized,
                    ends.len()
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::matcher::{Span, Subjects, Verdict, compare};

    fn declare() -> crate::Declaration {
        crate::Declaration {
            kinds: vec!["username".into()],
            levels: vec!["same".into(), "different".into()],
            rules: vec!["equal".into(), "unequal".into()],
        }
    }

    /// Equal normalized values; a raw value `bogus` names an undeclared rule.
    fn equal(a: &crate::Subject<'_>, b: &crate::Subject<'_>) -> crate::Verdict {
        if a.raw().chain(b.raw()).any(|v| v == "bogus") {
            return crate::Verdict::level(0, "bogus");
        }
        match a.normalized().any(|x| b.normalized().any(|y| x == y)) {
            true => crate::Verdict::level(0, "equal"),
            false => crate::Verdict::level(1, "unequal"),
        }
    }

    fn span(first: u32, raw: u32, normalized: u32) -> Span {
        Span { first, raw, normalized }
    }

    /// Records `Ann`/`ann`, `Bøb`/`bøb` and `ANN`/`ann`, packed by hand.
    fn batch() -> Subjects {
        Subjects {
            text: "AnnannBøbbøbANNann".into(),
            ends: vec![3, 6, 10, 14, 17, 20],
            spans: vec![span(0, 1, 1), span(2, 1, 1), span(4, 1, 1)],
        }
    }

    fn run(subjects: Subjects, pairs: &[(u32, u32)]) -> Result<Vec<Verdict>, String> {
        compare(subjects, pairs.to_vec(), declare, equal)
    }

    #[test]
    fn compares_each_pair_in_order() {
        let verdicts = run(batch(), &[(0, 2), (0, 1), (1, 1)]).unwrap();
        let levels: Vec<_> = verdicts.iter().map(|v| (v.level, v.rule)).collect();
        assert_eq!(levels, [(Some(0), Some(0)), (Some(1), Some(1)), (Some(0), Some(0))]);
        assert_eq!(run(Subjects { text: String::new(), ends: vec![], spans: vec![] }, &[]).unwrap().len(), 0);
    }

    #[test]
    fn a_pair_past_the_records_or_an_undeclared_rule_fails_the_batch() {
        assert_eq!(run(batch(), &[(0, 3)]).unwrap_err(), "pair (0, 3) indexes past the 3 records sent");
        let bogus = Subjects { text: "bogus".into(), ends: vec![5], spans: vec![span(0, 1, 0)] };
        assert_eq!(run(bogus, &[(0, 0)]).unwrap_err(), "verdict names rule `bogus`, which declare() does not list");
    }

    #[test]
    fn a_malformed_batch_is_an_error_not_a_panic() {
        let malformed = |change: fn(&mut Subjects)| {
            let mut subjects = batch();
            change(&mut subjects);
            run(subjects, &[(0, 1)]).unwrap_err()
        };
        assert_eq!(
            malformed(|s| s.ends[5] = 21),
            "malformed batch from the host: value 5 ends at byte 21, past the text's 20 bytes"
        );
        assert_eq!(
            malformed(|s| s.ends[2] = 8),
            "malformed batch from the host: value 2 ends at byte 8, inside a character of the text"
        );
        assert_eq!(
            malformed(|s| s.ends.swap(1, 2)),
            "malformed batch from the host: value 2 ends at byte 6, before value 1 ends (byte 10)"
        );
        assert_eq!(
            malformed(|s| s.spans[1] = span(2, 1, 4)),
            "malformed batch from the host: record 1's values 2..7 (1 raw, 4 normalized) go past the 6 values sent"
        );
        assert_eq!(
            malformed(|s| s.spans[2] = span(u32::MAX, 1, 0)),
            "malformed batch from the host: record 2's values 4294967295..4294967296 (1 raw, 0 normalized) go past \
             the 6 values sent"
        );
        // Checked even when no pair reads the broken record.
        let mut subjects = batch();
        subjects.text.truncate(19);
        assert!(run(subjects, &[(0, 0)]).unwrap_err().contains("value 5 ends at byte 20, past the text's 19 bytes"));
    }

    #[test]
    fn empty_values_are_well_formed() {
        let subjects =
            Subjects { text: "ann".into(), ends: vec![0, 3, 3, 3], spans: vec![span(0, 1, 1), span(2, 0, 2)] };
        let verdicts = run(subjects, &[(0, 1)]).unwrap();
        assert_eq!(verdicts[0].level, Some(1));
    }
}
