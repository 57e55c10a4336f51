//! A matcher built straight from a copy of the WIT contract 0.2.0 that says
//! `0.2.1` (`wit/plugin.wit`): it exports `matching@0.2.1` and imports
//! `host@0.2.1`, as a plugin built by a later patch release of the SDK
//! would. The host must load it as contract 0.2 and give it a working
//! `log`, which `declare` calls. Its rule: level 0 when the first raw
//! values are equal, else 1.

wit_bindgen::generate!({ path: "wit", world: "matcher" });

use exports::sleuth::plugin::matching::{Guest, Subjects};
use sleuth::plugin::host::{Level, log};
use sleuth::plugin::types::{Declaration, PluginInfo, Verdict};

struct NewerPatch;

impl Guest for NewerPatch {
    fn describe() -> PluginInfo {
        PluginInfo { name: "newer-patch".into(), version: "0.1.0".into(), sdk_version: "none (wit-bindgen)".into() }
    }

    fn declare() -> Declaration {
        log(Level::Info, "declaring from contract 0.2.1");
        Declaration {
            kinds: vec!["username".into()],
            levels: vec!["equal".into(), "different".into()],
            rules: vec!["first-raw-equal".into()],
        }
    }

    fn compare(subjects: Subjects, pairs: Vec<(u32, u32)>) -> Result<Vec<Verdict>, String> {
        let first_raw = |i: u32| {
            let span = subjects.spans.get(i as usize).ok_or_else(|| format!("no subject {i}"))?;
            if span.raw == 0 {
                return Ok(None);
            }
            let v = span.first as usize;
            let start = if v == 0 { 0 } else { subjects.ends[v - 1] as usize };
            Ok::<_, String>(subjects.text.get(start..subjects.ends[v] as usize))
        };
        pairs
            .iter()
            .map(|&(a, b)| {
                let level = if first_raw(a)? == first_raw(b)? { 0 } else { 1 };
                Ok(Verdict { level: Some(level), rule: Some(0) })
            })
            .collect()
    }
}

export!(NewerPatch);
