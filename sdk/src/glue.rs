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
            path: "wit/0.1.0",
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
            path: "wit/0.1.0",
            world: "matcher",
            pub_export_macro: true,
            export_macro_name: "__sleuth_export_matcher",
            default_bindings_module: "::sleuth_sdk::glue::matcher::bindings",
            runtime_path: "::sleuth_sdk::glue::wit_bindgen::rt",
        });
    }

    pub use bindings::__sleuth_export_matcher as export;
    pub use bindings::exports::sleuth::plugin::matching::Guest;
    pub use bindings::sleuth::plugin::types::{Declaration, PluginInfo, Subject, Verdict};

    pub fn info(name: &str, version: &str) -> PluginInfo {
        PluginInfo { name: name.into(), version: version.into(), sdk_version: crate::SDK_VERSION.into() }
    }

    pub fn declaration(d: crate::Declaration) -> Declaration {
        Declaration { kinds: d.kinds, levels: d.levels, rules: d.rules }
    }

    /// Compares each pair with `compare`, naming each verdict's rule by its
    /// index in `declare()`'s rules (asked once per instance).
    pub fn compare(
        subjects: Vec<Subject>,
        pairs: Vec<(u32, u32)>,
        declare: fn() -> crate::Declaration,
        compare: fn(&crate::Subject, &crate::Subject) -> crate::Verdict,
    ) -> Result<Vec<Verdict>, String> {
        static RULES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        let rules = RULES.get_or_init(|| declare().rules);
        let subjects: Vec<crate::Subject> =
            subjects.into_iter().map(|s| crate::Subject { raw: s.raw, normalized: s.normalized }).collect();
        pairs
            .into_iter()
            .map(|(a, b)| match (subjects.get(a as usize), subjects.get(b as usize)) {
                (Some(a), Some(b)) => {
                    let verdict = compare(a, b);
                    let rule = match verdict.rule {
                        "" => None,
                        id => match rules.iter().position(|r| r == id) {
                            Some(index) => Some(index as u16),
                            None => return Err(format!("verdict names rule `{id}`, which declare() does not list")),
                        },
                    };
                    Ok(Verdict { level: verdict.level, rule })
                }
                _ => Err(format!("pair ({a}, {b}) indexes past the {} records sent", subjects.len())),
            })
            .collect()
    }
}
