//! Write [Sleuth](https://example.invalid/sleuth) plugins: parsers for an
//! agency's own file formats and matchers with its own matching rules, built
//! to sandboxed WebAssembly components.
//!
//! A plugin is a `cdylib` crate that implements [`Parser`] or [`Matcher`]
//! over plain Rust types and exports it with [`export!`]. Built for `wasm32-wasip2`
//! (`sleuth plugin build PATH`), it becomes a component that Sleuth runs with
//! no filesystem, network, clock or environment, bounded memory and time. Its
//! logic stays ordinary Rust, so it is unit-tested natively with `cargo test`.
//!
//! ```
//! use sleuth_sdk::{Lines, ParseError, Parsed, Parser, Record};
//!
//! /// `nick!user@host` lines of a chat log, one record per line.
//! #[derive(Default)]
//! struct ChatLog {
//!     lines: Lines,
//! }
//!
//! impl ChatLog {
//!     fn parse(parsed: &mut Parsed, line: sleuth_sdk::Line) {
//!         let text = match line.text() {
//!             Ok(text) => text,
//!             Err(error) => return parsed.rejects.push(error),
//!         };
//!         match text.split_once('!') {
//!             Some((nick, user_host)) => parsed.records.push(
//!                 Record::at(line.position())
//!                     .with("nick", "username", nick)
//!                     .with("host", "ip", user_host.rsplit('@').next().unwrap_or("")),
//!             ),
//!             None => parsed.rejects.push(line.error("expected nick!user@host")),
//!         }
//!     }
//! }
//!
//! impl Parser for ChatLog {
//!     fn feed(&mut self, chunk: &[u8]) -> Result<Parsed, ParseError> {
//!         let mut parsed = Parsed::default();
//!         for line in self.lines.feed(chunk) {
//!             Self::parse(&mut parsed, line);
//!         }
//!         Ok(parsed)
//!     }
//!
//!     fn finish(&mut self) -> Result<Parsed, ParseError> {
//!         let mut parsed = Parsed::default();
//!         if let Some(line) = self.lines.finish() {
//!             Self::parse(&mut parsed, line);
//!         }
//!         Ok(parsed)
//!     }
//! }
//!
//! // In the plugin crate: sleuth_sdk::export!(parser: ChatLog);
//!
//! // Natively, the logic is plain Rust: a line split across two chunks.
//! let mut parser = ChatLog::default();
//! let first = parser.feed(b"dark_angel!da@10.0.0.7\nsh4d").unwrap();
//! let rest = parser.feed(b"ow!s@10.0.0.9\nno separator").unwrap();
//! let last = parser.finish().unwrap();
//! assert_eq!(first.records[0].attributes[0].value, "dark_angel");
//! assert_eq!(rest.records[0].attributes[0].value, "sh4dow");
//! assert_eq!(rest.records[0].position.line, 2);
//! assert_eq!(last.rejects[0].position.line, 3);
//! ```
//!
//! The contract is the WIT package `sleuth:plugin@0.2.0` in `wit/0.2.0/`,
//! frozen once released; this crate's major and minor version follow it, and
//! it builds 0.2.0 components only. Plugins built against 0.1.0 (with
//! `sleuth-sdk = "0.1"`) keep loading in hosts that support both versions;
//! `wit/0.1.0/` stays in this crate for those hosts. What changed in 0.2.0:
//! a matcher's batch crosses into the plugin packed, and a [`Subject`]
//! borrows its values from it ([`Subject::raw`] and [`Subject::normalized`]
//! are iterators of `&str`).

#![warn(missing_docs)]

extern crate self as sleuth_sdk;

mod lines;
mod log;
mod types;

#[doc(hidden)]
pub mod glue;

pub use lines::{Line, Lines};
pub use log::{Level, log};
pub use types::{
    Attribute, Declaration, ParseError, Parsed, PluginInfo, Position, Record, Subject, Subjects, Values, Verdict,
};

/// The version of this SDK, recorded in every plugin's [`PluginInfo`].
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The WIT version of the contract this SDK implements.
pub const WIT_VERSION: &str = "0.2.0";

/// A parser of an agency's file format: bytes in, records out.
///
/// The host creates one value per input with [`Default`], feeds it the input
/// in order in chunks of any size (a line may be split across two chunks;
/// [`Lines`] reassembles them), then calls [`Parser::finish`]. A row that
/// cannot be read goes to [`Parsed::rejects`] with its position and the
/// parse goes on; an `Err` ends the parse of that input.
pub trait Parser: Default {
    /// The next chunk of the input: the records it completed.
    fn feed(&mut self, chunk: &[u8]) -> Result<Parsed, ParseError>;

    /// The input has ended: the records still held.
    fn finish(&mut self) -> Result<Parsed, ParseError>;
}

/// A matching rule: compares two records' values of one attribute.
///
/// Its verdicts become a comparison of Sleuth's model: each level gets its
/// m and u trained like a built-in comparison's, and the rule id is shown as
/// evidence in `links.csv`.
///
/// ```
/// use sleuth_sdk::{Declaration, Matcher, Subject, Subjects, Verdict};
///
/// /// Usernames equal but for ASCII case.
/// struct SameHandle;
///
/// impl Matcher for SameHandle {
///     fn declare() -> Declaration {
///         Declaration {
///             kinds: vec!["username".into()],
///             levels: vec!["same".into(), "different".into()],
///             rules: vec!["case-insensitive".into(), "unequal".into()],
///         }
///     }
///
///     fn compare(a: &Subject<'_>, b: &Subject<'_>) -> Verdict {
///         let same = a.raw().any(|x| b.raw().any(|y| x.eq_ignore_ascii_case(y)));
///         if same { Verdict::level(0, "case-insensitive") } else { Verdict::level(1, "unequal") }
///     }
/// }
///
/// // In the plugin crate: sleuth_sdk::export!(matcher: SameHandle);
///
/// // Natively, subjects packed as the host packs them: raw values, then
/// // normalized ones.
/// let mut subjects = Subjects::default();
/// let a = subjects.push(&["Dark_Angel", "da"], &["dark_angel", "da"]);
/// let b = subjects.push(&["dark_angel"], &["dark_angel"]);
/// let c = subjects.push(&["sh4dow"], &["sh4dow"]);
/// let (a, b, c) = (subjects.get(a).unwrap(), subjects.get(b).unwrap(), subjects.get(c).unwrap());
/// assert_eq!(SameHandle::compare(&a, &b), Verdict::level(0, "case-insensitive"));
/// assert_eq!(SameHandle::compare(&a, &c), Verdict::level(1, "unequal"));
/// ```
pub trait Matcher {
    /// The attribute kinds it compares, its levels (strongest agreement
    /// first; the last means "different") and the ids of its rules.
    fn declare() -> Declaration;

    /// The verdict on one pair.
    fn compare(a: &Subject<'_>, b: &Subject<'_>) -> Verdict;
}

/// Exports a [`Parser`] or a [`Matcher`] as the plugin's component:
/// `sleuth_sdk::export!(parser: MyParser);` or
/// `sleuth_sdk::export!(matcher: MyMatcher);`, once per plugin crate.
///
/// The plugin's name and version are its crate's. A panic's message is
/// forwarded to the host's log before the plugin traps, so the host's error
/// names it.
#[macro_export]
macro_rules! export {
    (parser: $parser:ty) => {
        #[allow(dead_code)]
        struct __SleuthParser;

        impl $crate::glue::parser::Guest for __SleuthParser {
            type Session = __SleuthSession;

            fn describe() -> $crate::glue::parser::PluginInfo {
                $crate::glue::parser::info(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"))
            }
        }

        #[allow(dead_code)]
        struct __SleuthSession(::core::cell::RefCell<$parser>);

        impl $crate::glue::parser::GuestSession for __SleuthSession {
            fn new() -> Self {
                $crate::glue::install_panic_hook();
                __SleuthSession(::core::cell::RefCell::new(<$parser as ::core::default::Default>::default()))
            }

            fn feed(
                &self,
                chunk: ::std::vec::Vec<u8>,
            ) -> ::core::result::Result<$crate::glue::parser::Parsed, $crate::glue::parser::ParseError> {
                $crate::glue::parser::outcome($crate::Parser::feed(&mut *self.0.borrow_mut(), &chunk))
            }

            fn finish(&self) -> ::core::result::Result<$crate::glue::parser::Parsed, $crate::glue::parser::ParseError> {
                $crate::glue::parser::outcome($crate::Parser::finish(&mut *self.0.borrow_mut()))
            }
        }

        // Natively (a plugin's unit tests) the glue is type-checked only.
        #[cfg(target_family = "wasm")]
        $crate::glue::parser::export!(__SleuthParser);
    };
    (matcher: $matcher:ty) => {
        #[allow(dead_code)]
        struct __SleuthMatcher;

        impl $crate::glue::matcher::Guest for __SleuthMatcher {
            fn describe() -> $crate::glue::matcher::PluginInfo {
                $crate::glue::matcher::info(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"))
            }

            fn declare() -> $crate::glue::matcher::Declaration {
                $crate::glue::install_panic_hook();
                $crate::glue::matcher::declaration(<$matcher as $crate::Matcher>::declare())
            }

            fn compare(
                subjects: $crate::glue::matcher::Subjects,
                pairs: ::std::vec::Vec<(u32, u32)>,
            ) -> ::core::result::Result<::std::vec::Vec<$crate::glue::matcher::Verdict>, ::std::string::String> {
                $crate::glue::install_panic_hook();
                $crate::glue::matcher::compare(
                    subjects,
                    pairs,
                    <$matcher as $crate::Matcher>::declare,
                    <$matcher as $crate::Matcher>::compare,
                )
            }
        }

        #[cfg(target_family = "wasm")]
        $crate::glue::matcher::export!(__SleuthMatcher);
    };
}
