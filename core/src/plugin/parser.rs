//! Parser plugins: a source's bytes in, records out, chunk by chunk.
//!
//! The input is fed in chunks of about 64 KiB, cut after a line ending when
//! the chunk has one, so that a chunk the plugin fails on loses whole lines.
//! When a call fails (a trap, a loop stopped, the memory cap), that chunk's
//! bytes become one reject naming the plugin and the reason, a fresh instance
//! and session take the next chunk, and the parse goes on; after
//! [`GIVE_UP_AFTER`] failed chunks in a row the rest of the input is one
//! reject. A plugin's own `Err` ends the parse the same way. Nothing is lost
//! without a row in `rejects.csv`.
//!
//! A fresh session counts lines and bytes from where it started; the host
//! adds the lines and bytes before that, so positions always refer to the
//! whole input.

use std::io::Read;

use wasmtime::Store;
use wasmtime::component::{Func, ResourceAny, TypedFunc};

use super::types;
use super::{HostState, Info, Plugin, PluginError};

/// Bytes per call, before the cut at a line ending.
pub const CHUNK: usize = 64 * 1024;

/// Failed chunks in a row after which the rest of an input is rejected.
pub const GIVE_UP_AFTER: u32 = 3;

/// A parser plugin.
pub type Parser = Plugin;

/// A record as a parser plugin returned it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ParsedRecord {
    /// Its id, or empty.
    pub id: String,
    /// `(field, kind, value)` triples.
    pub attributes: Vec<(String, String, String)>,
    /// Its 1-based line, or 0.
    pub line: u64,
    /// Its byte offset.
    pub offset: u64,
}

/// Input a parser plugin rejected, or that was lost to a failed call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ParseReject {
    /// Where: `line 12` or `bytes 0-65535`.
    pub location: String,
    /// Why.
    pub reason: String,
    /// The start of the input concerned.
    pub excerpt: String,
}

/// What a parse yields, in input order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A record.
    Record(ParsedRecord),
    /// A rejected row or chunk.
    Reject(ParseReject),
}

pub(super) fn describe(plugin: &Plugin) -> Result<Info, PluginError> {
    let doing = "describing itself";
    let (mut store, describe) = plugin.instantiate(doing, |store, instance| {
        plugin.function::<(), (types::PluginInfo,)>(store, instance, "describe")
    })?;
    plugin.call(&mut store, doing, |s| describe.call(s, ())).map(|(info,)| Info::from(info))
}

/// What `feed` and `finish` return.
type Outcome = Result<types::Parsed, types::ParseError>;

/// `feed`'s parameters: the session and a chunk of input.
type FeedParams<'a> = (ResourceAny, &'a [u8]);

/// One instance of the plugin with one parse session.
struct Instance {
    store: Store<HostState>,
    session: ResourceAny,
    /// `feed`, typed at each call: its chunk is borrowed for the call.
    feed: Func,
    finish: TypedFunc<(ResourceAny,), (Outcome,)>,
    /// Lines and bytes of the input before the session's first chunk.
    base: types::Position,
}

impl Instance {
    /// A fresh instance with a session that starts at `base` in the input.
    fn start(plugin: &Plugin, base: types::Position) -> Result<Instance, PluginError> {
        let doing = "starting a parse";
        let (mut store, (new, feed, finish)) = plugin.instantiate(doing, |store, instance| {
            let new = plugin.function::<(), (ResourceAny,)>(store, instance, "[constructor]session")?;
            let feed = plugin.untyped_function(store, instance, "[method]session.feed")?;
            // Checked now, not at the first chunk.
            feed.typed::<FeedParams, (Outcome,)>(&*store)?;
            let finish = plugin.function(store, instance, "[method]session.finish")?;
            Ok((new, feed, finish))
        })?;
        let (session,) = plugin.call(&mut store, doing, |s| new.call(s, ()))?;
        Ok(Instance { store, session, feed, finish, base })
    }

    /// `position` (within the session) within the whole input.
    fn rebase(&self, position: types::Position) -> types::Position {
        types::Position {
            line: if position.line > 0 { position.line + self.base.line } else { 0 },
            offset: position.offset + self.base.offset,
        }
    }

    /// Feeds `chunk` (or finishes, when `None`), with positions rebased.
    fn call(&mut self, plugin: &Plugin, chunk: Option<&[u8]>, doing: &str) -> Result<Outcome, PluginError> {
        let (session, feed, finish) = (self.session, self.feed, self.finish);
        let mut outcome = plugin.call(&mut self.store, doing, |store| {
            let (outcome,) = match chunk {
                Some(chunk) => feed.typed::<FeedParams, (Outcome,)>(&*store)?.call(&mut *store, (session, chunk))?,
                None => finish.call(&mut *store, (session,))?,
            };
            Ok(outcome)
        })?;
        match &mut outcome {
            Ok(parsed) => {
                for record in &mut parsed.records {
                    record.position = self.rebase(record.position);
                }
                for reject in &mut parsed.rejects {
                    reject.position = self.rebase(reject.position);
                }
            }
            Err(error) => error.position = self.rebase(error.position),
        }
        Ok(outcome)
    }
}

fn position(p: types::Position) -> String {
    if p.line > 0 { format!("line {}", p.line) } else { format!("byte {}", p.offset) }
}

fn excerpt(bytes: &[u8]) -> String {
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    String::from_utf8_lossy(&line[..line.len().min(200)]).into_owned()
}

/// Hands a call's records and rejects to `each`.
fn emit(parsed: types::Parsed, each: &mut impl FnMut(Parsed)) {
    for record in parsed.records {
        each(Parsed::Record(ParsedRecord {
            id: record.id,
            attributes: record.attributes.into_iter().map(|a| (a.field, a.kind, a.value)).collect(),
            line: record.position.line,
            offset: record.position.offset,
        }));
    }
    for reject in parsed.rejects {
        each(Parsed::Reject(ParseReject {
            location: position(reject.position),
            reason: reject.message,
            excerpt: reject.excerpt,
        }));
    }
}

/// One reject for the input from byte `from` to its end: `held` bytes
/// already read (`head` is their start, for the excerpt), then what `input`
/// still has.
fn reject_rest(
    from: u64,
    head: &[u8],
    held: u64,
    input: &mut dyn Read,
    reason: String,
) -> std::io::Result<ParseReject> {
    let rest = std::io::copy(input, &mut std::io::sink())?;
    Ok(ParseReject {
        location: format!("bytes {from}-{}", (from + held + rest).saturating_sub(1)),
        reason,
        excerpt: excerpt(head),
    })
}

/// Parses `input` (named `name` in messages) with `plugin`, handing each
/// record and reject to `each` in input order. Only a failure to read the
/// input is an `Err`; everything the plugin does wrong becomes rejects.
pub fn parse(plugin: &Parser, name: &str, input: &mut dyn Read, mut each: impl FnMut(Parsed)) -> std::io::Result<()> {
    let mut instance: Option<Instance> = None;
    let mut failures = 0;
    let mut buffer: Vec<u8> = Vec::with_capacity(CHUNK * 2);
    let mut offset: u64 = 0;
    let mut lines: u64 = 0;
    let mut ended = false;
    loop {
        // Fill the buffer to a chunk, then cut after its last line ending.
        while buffer.len() < CHUNK && !ended {
            let start = buffer.len();
            buffer.resize(CHUNK, 0);
            let n = input.read(&mut buffer[start..])?;
            buffer.truncate(start + n);
            ended = n == 0;
        }
        if buffer.is_empty() {
            break;
        }
        let cut =
            if ended { buffer.len() } else { buffer.iter().rposition(|&b| b == b'\n').map_or(buffer.len(), |i| i + 1) };
        let chunk: Vec<u8> = buffer.drain(..cut).collect();
        let doing = format!("parsing bytes {offset}-{} of {name}", offset + chunk.len() as u64 - 1);
        let base = types::Position { line: lines, offset };
        let outcome = match instance.take() {
            Some(i) => Ok(i),
            None => Instance::start(plugin, base),
        }
        .and_then(|mut i| i.call(plugin, Some(&chunk), &doing).map(|r| (i, r)));
        match outcome {
            Ok((i, Ok(parsed))) => {
                failures = 0;
                instance = Some(i);
                emit(parsed, &mut each);
            }
            Ok((_, Err(error))) => {
                let reason = format!(
                    "plugin {} stopped the parse: {} (at {}; the rest of {name} is not parsed)",
                    plugin.label(),
                    error.message,
                    position(error.position)
                );
                let held = (chunk.len() + buffer.len()) as u64;
                each(Parsed::Reject(reject_rest(offset, &chunk, held, input, reason)?));
                return Ok(());
            }
            Err(error) => {
                failures += 1;
                each(Parsed::Reject(ParseReject {
                    location: format!("bytes {offset}-{}", offset + chunk.len() as u64 - 1),
                    reason: error.to_string(),
                    excerpt: excerpt(&chunk),
                }));
                if failures >= GIVE_UP_AFTER {
                    let from = offset + chunk.len() as u64;
                    if buffer.is_empty() && ended {
                        return Ok(());
                    }
                    let reason = format!(
                        "plugin {} failed on {GIVE_UP_AFTER} chunks in a row; the rest of {name} is not parsed",
                        plugin.label()
                    );
                    each(Parsed::Reject(reject_rest(from, &buffer, buffer.len() as u64, input, reason)?));
                    return Ok(());
                }
            }
        }
        offset += chunk.len() as u64;
        lines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
    }
    let doing = format!("finishing the parse of {name}");
    let outcome = match instance.take() {
        Some(i) => Ok(i),
        None => Instance::start(plugin, types::Position { line: lines, offset }),
    }
    .and_then(|mut i| i.call(plugin, None, &doing));
    match outcome {
        Ok(Ok(parsed)) => emit(parsed, &mut each),
        Ok(Err(error)) => each(Parsed::Reject(ParseReject {
            location: position(error.position),
            reason: format!("plugin {} stopped the parse at its end: {}", plugin.label(), error.message),
            excerpt: error.excerpt,
        })),
        Err(error) => each(Parsed::Reject(ParseReject {
            location: format!("end of {name} (bytes 0-{}, {lines} lines)", offset.saturating_sub(1)),
            reason: format!(
                "{error}; the records the plugin held until the end of the input (from any of its {lines} lines) \
                 are not in the output: raise the plugin's limits in the job file (memory_mib, fuel_per_call, \
                 deadline_ms) and run again"
            ),
            excerpt: String::new(),
        })),
    }
    Ok(())
}
