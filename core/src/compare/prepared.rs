//! Comparison columns: every compared value of every record, with what
//! comparators read of it beyond its text (a username's skeleton, an email's
//! parts), made once per value before the compare stage instead of once per
//! pair: a record meets about a dozen others in a million-record run, and a
//! skeleton costs more than the comparison that reads it.
//!
//! [`Prepared`] keeps the texts and skeletons of some thousand records in
//! one buffer and each record's values side by side, so a pair's values are
//! a few cache lines away rather than a chain of pointers through the record
//! (which left a tenth of the compare stage waiting on memory). The parts
//! are made in parallel and kept as they are: joined into one buffer, the
//! copy was a third of a second of a million-record run on one thread, most
//! of it the kernel handing out fresh pages. Comparators take a value's
//! text with its forms ([`Value`]) and make whatever was not prepared from
//! the text, so the levels never depend on what was prepared.

use std::borrow::Cow;
use std::net::IpAddr;

use rayon::prelude::*;

use super::{Comparison, Identifier, Method};
use crate::handles::{self, Handles};
use crate::normalize::{email, username};
use crate::prefetch::{self, CACHE_LINE};
use crate::record::{AttributeKind, Record, RecordIndex, ValueList, Values, ValuesBuilder};

/// The forms of one normalized value, as [`Value`]s hand them out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Forms<'a> {
    /// Nothing prepared: comparators make what they need from the text.
    #[default]
    Unprepared,
    /// A username's [skeleton](username::skeleton).
    Skeleton(&'a str),
    /// An email address: its parts, `None` when it is not a valid address.
    Email(Option<EmailParts<'a>>),
    /// A person's name: the [handles](super::handle::name_handles) it is
    /// commonly turned into ([`NAME_HANDLES`]) and its words' sorted
    /// [sounds](super::name::sounds_of) ([`NAME_SOUNDS`]).
    Name(&'a Values),
    /// A phone number's digits.
    Digits(&'a str),
    /// An IP address, `None` when the value is not one.
    Ip(Option<IpAddr>),
}

/// A valid email address's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmailParts<'a> {
    /// Where its `@` is.
    pub at: usize,
    /// Its [local part's skeleton](email::local_skeleton).
    pub skeleton: &'a str,
}

/// Which forms a comparator reads of its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FormKind {
    Skeleton,
    Email,
    Name,
    Digits,
    Ip,
}

/// A stretch of [`Part::text`].
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: u32,
    len: u32,
}

/// The stored forms of a value: spans of its part's text buffer, or (names)
/// a place in [`Part::names`].
#[derive(Debug, Clone, Copy, Default)]
enum Stored {
    #[default]
    Unprepared,
    Skeleton(Span),
    Email(Option<(u32, Span)>),
    Name(u32),
    Digits(Span),
    Ip(Option<IpAddr>),
}

/// One prepared value: its text and its forms.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    text: Span,
    forms: Stored,
}

/// A normalized value with its forms.
#[derive(Debug, Clone, Copy)]
pub struct Value<'a> {
    /// The normalized text.
    pub text: &'a str,
    /// What was prepared of it.
    pub forms: Forms<'a>,
}

impl<'a> Value<'a> {
    /// A value with nothing prepared.
    pub fn plain(text: &'a str) -> Value<'a> {
        Value { text, forms: Forms::Unprepared }
    }

    /// Its username skeleton.
    pub fn skeleton(self) -> Cow<'a, str> {
        match self.forms {
            Forms::Skeleton(skeleton) => Cow::Borrowed(skeleton),
            _ => Cow::Owned(username::skeleton(self.text)),
        }
    }

    /// Its local part, domain and local skeleton, when it is a valid email address.
    pub fn email(self) -> Option<(&'a str, &'a str, Cow<'a, str>)> {
        let (at, skeleton) = match self.forms {
            Forms::Email(parts) => {
                let parts = parts?;
                (parts.at, Cow::Borrowed(parts.skeleton))
            }
            _ => {
                let (local, _) = email::parts(self.text)?;
                (local.len(), Cow::Owned(email::skeleton_of_local(local)))
            }
        };
        Some((&self.text[..at], &self.text[at + 1..], skeleton))
    }

    /// A name's forms: the handles it is commonly turned into
    /// ([`NAME_HANDLES`]) and the sorted sounds of its words ([`NAME_SOUNDS`]).
    pub fn name_forms(self) -> Cow<'a, Values> {
        match self.forms {
            Forms::Name(forms) => Cow::Borrowed(forms),
            _ => Cow::Owned(name_forms(self.text, None, &mut ValuesBuilder::default())),
        }
    }

    /// The IP address it is, if it is one.
    pub fn ip(self) -> Option<IpAddr> {
        match self.forms {
            Forms::Ip(ip) => ip,
            _ => self.text.parse().ok(),
        }
    }

    /// Its digits.
    pub fn digits(self) -> Cow<'a, str> {
        match self.forms {
            Forms::Digits(digits) => Cow::Borrowed(digits),
            _ => Cow::Owned(super::phone::digits(self.text)),
        }
    }
}

impl Identifier {
    /// The forms this comparator reads of its first and second values.
    fn form_kinds(self) -> (Option<FormKind>, Option<FormKind>) {
        use FormKind::*;
        match self {
            Identifier::Username => (Some(Skeleton), Some(Skeleton)),
            Identifier::Email => (Some(Email), Some(Email)),
            Identifier::Handle => (Some(Email), Some(Skeleton)),
            Identifier::NameHandle => (Some(Name), Some(Skeleton)),
            Identifier::Name => (Some(Name), Some(Name)),
            Identifier::Phone => (Some(Digits), Some(Digits)),
            Identifier::Ip => (Some(Ip), Some(Ip)),
            Identifier::Card | Identifier::Date => (None, None),
        }
    }
}

/// Where a name's handles are among its [`Forms::Name`].
pub const NAME_HANDLES: usize = 0;
/// Where a name's sounds are among its [`Forms::Name`].
pub const NAME_SOUNDS: usize = 1;

/// A name's forms ([`Forms::Name`]), its handles read from `made` when
/// given (they are the handles), made in `builder`. Forms past 4 GiB in all
/// (of a name of a gigabyte) are left out, here and when made per pair.
fn name_forms(name: &str, made: Option<handles::Of>, builder: &mut ValuesBuilder) -> Values {
    let mut push = |attribute, form: &str| {
        let _fits = builder.push(attribute, form).is_ok();
    };
    match made {
        Some(made) => made.for_each(|handle| push(NAME_HANDLES, handle)),
        None => super::handle::name_handles(name).iter().for_each(|handle| push(NAME_HANDLES, handle)),
    }
    super::name::sounds_of(name).iter().for_each(|sound| push(NAME_SOUNDS, sound));
    builder.finish(2)
}

/// One side of a comparison: an attribute's values on one record.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Side<'a> {
    /// Prepared values, in their part.
    Prepared(&'a Part, &'a [Entry]),
    /// Plain normalized values.
    Plain(ValueList<'a>),
}

impl<'a> Side<'a> {
    pub(crate) fn len(self) -> usize {
        match self {
            Side::Prepared(_, entries) => entries.len(),
            Side::Plain(values) => values.len(),
        }
    }

    pub(crate) fn get(self, i: usize) -> Value<'a> {
        match self {
            Side::Prepared(part, entries) => part.value(&entries[i]),
            Side::Plain(values) => Value::plain(values.get(i)),
        }
    }
}

/// Records prepared together in one [`Part`] (the last part has fewer).
const PART: usize = 1024;

/// Every record's compared values with their forms: the comparison columns.
#[derive(Debug, Default)]
pub struct Prepared {
    /// Part `i` holds records `i * PART` to `(i + 1) * PART`.
    parts: Vec<Part>,
    attributes: usize,
    /// Whether an attribute's values are here.
    prepared: Vec<bool>,
}

/// The prepared values of [`PART`] records.
#[derive(Debug, Default)]
pub(crate) struct Part {
    /// Texts, skeletons and digits, one after another.
    text: String,
    /// A name's handles and sounds ([`Forms::Name`]).
    names: Vec<Values>,
    /// The values, record after record, attribute after attribute.
    entries: Vec<Entry>,
    /// The part's record `r`'s values of attribute `k` start at
    /// `starts[r * attributes + k]`; one more at the end.
    starts: Vec<u32>,
}

impl Prepared {
    /// The comparison columns of `records` (`attributes` per record): the
    /// values of every attribute that `comparisons` compare, with the forms
    /// they read. An attribute read as two kinds of forms (a job comparing
    /// one attribute as two kinds) gets the first; the others are made per
    /// pair. Skeletons and a name's handles are read from `handles` (the
    /// records' own), where the attribute's kind has them.
    pub fn new(comparisons: &[Comparison], records: &[Record], handles: &Handles, attributes: usize) -> Prepared {
        let mut kinds: Vec<Option<FormKind>> = vec![None; attributes];
        let mut prepared = vec![false; attributes];
        let mut want = |attribute: usize, kind: Option<FormKind>| {
            prepared[attribute] = true;
            if kinds[attribute].is_none() {
                kinds[attribute] = kind;
            }
        };
        for comparison in comparisons {
            let kinds = match comparison.method {
                Method::Plugin { .. } => continue,
                Method::Identifier(identifier) => identifier.form_kinds(),
                _ => (None, None),
            };
            want(comparison.attribute, kinds.0);
            // Across two attributes, each side is compared both ways.
            want(comparison.across.unwrap_or(comparison.attribute), kinds.1);
        }
        // Whether an attribute's forms are its handles (a username's
        // skeleton, an address's local skeleton, a name's handles).
        let made: Vec<bool> = (0..attributes)
            .map(|k| {
                matches!(
                    (kinds[k], handles.kind(k)),
                    (Some(FormKind::Skeleton), Some(AttributeKind::Username))
                        | (Some(FormKind::Email), Some(AttributeKind::Email))
                        | (Some(FormKind::Name), Some(AttributeKind::Name))
                )
            })
            .collect();
        let parts = records
            .par_chunks(PART)
            .enumerate()
            .map(|(p, chunk)| {
                let (mut part, mut names) = (Part::default(), ValuesBuilder::default());
                for (r, record) in (p * PART..).zip(chunk) {
                    for (k, values) in record.normalized.iter().enumerate() {
                        part.starts.push(part.entries.len() as u32);
                        if !prepared[k] {
                            continue;
                        }
                        for (i, value) in values.iter().enumerate() {
                            let of = if made[k] { handles.of(r as RecordIndex, k, i) } else { None };
                            let entry = part.entry(value, kinds[k], of, &mut names);
                            part.entries.push(entry);
                        }
                    }
                }
                part.starts.push(part.entries.len() as u32);
                part
            })
            .collect();
        Prepared { parts, attributes, prepared }
    }

    /// Record `r`'s part, and its place there.
    fn part(&self, r: RecordIndex) -> Option<(&Part, usize)> {
        let r = r as usize;
        self.parts.get(r / PART).map(|part| (part, r % PART))
    }

    /// Asks the processor to start fetching where record `r`'s entries
    /// are, to be compared some pairs later: a pair's second record lies
    /// anywhere in the columns, and waiting for it from memory took a fifth
    /// of the compare stage. Its entries follow ([`Self::prefetch_entries`]),
    /// then their texts ([`Self::prefetch_texts`]), each once the step
    /// before has arrived.
    pub(crate) fn prefetch_starts(&self, r: RecordIndex) {
        let Some((part, r)) = self.part(r) else { return };
        if let Some(start) = part.starts.get(r * self.attributes) {
            prefetch::line(start);
        }
    }

    /// Asks for record `r`'s entries (read from where they start: ask for
    /// that first, [`Self::prefetch_starts`]).
    pub(crate) fn prefetch_entries(&self, r: RecordIndex) {
        let Some((part, r)) = self.part(r) else { return };
        let entries = part.entries_of(r, self.attributes);
        entries.chunks((CACHE_LINE / size_of::<Entry>()).max(1)).for_each(|line| prefetch::line(line.as_ptr()));
    }

    /// Asks for the texts record `r`'s entries point at (read from the
    /// entries: ask for those first, [`Self::prefetch_entries`]).
    pub(crate) fn prefetch_texts(&self, r: RecordIndex) {
        let Some((part, r)) = self.part(r) else { return };
        let entries = part.entries_of(r, self.attributes);
        if let (Some(first), Some(last)) = (entries.first(), entries.last()) {
            // A record's texts and forms were pushed one after the other.
            let (from, to) = (first.text.start as usize, (last.text.start + last.text.len) as usize);
            let text = part.text.as_bytes();
            (from..to.min(text.len())).step_by(CACHE_LINE).for_each(|at| prefetch::line(&text[at]));
        }
    }

    /// Record `r`'s values of `attribute`: prepared when they are here, else
    /// the record's own.
    pub(crate) fn side<'a>(&'a self, records: &'a [Record], r: RecordIndex, attribute: usize) -> Side<'a> {
        if self.prepared.get(attribute).copied().unwrap_or(false)
            && let Some((part, local)) = self.part(r)
        {
            let i = local * self.attributes + attribute;
            if let (Some(&start), Some(&end)) = (part.starts.get(i), part.starts.get(i + 1)) {
                return Side::Prepared(part, &part.entries[start as usize..end as usize]);
            }
        }
        Side::Plain(records[r as usize].normalized.of(attribute))
    }
}

impl Part {
    /// Record `r`'s entries (its place in the part), every attribute's
    /// (none when not prepared).
    fn entries_of(&self, r: usize, attributes: usize) -> &[Entry] {
        let first = r * attributes;
        match (self.starts.get(first), self.starts.get(first + attributes)) {
            (Some(&start), Some(&end)) => &self.entries[start as usize..end as usize],
            _ => &[],
        }
    }

    /// The stored entry of `value` with the forms of `kind`, its handles
    /// read from `made` when given (they are the forms); a name's forms are
    /// made in `names`.
    fn entry(
        &mut self,
        value: &str,
        kind: Option<FormKind>,
        made: Option<handles::Of>,
        names: &mut ValuesBuilder,
    ) -> Entry {
        let text = self.push(value);
        let forms = match kind {
            None => Stored::Unprepared,
            Some(FormKind::Skeleton) => {
                let skeleton = match made {
                    Some(mut made) => Cow::Borrowed(made.next().unwrap_or_default()),
                    None => Cow::Owned(username::skeleton(value)),
                };
                Stored::Skeleton(self.push(&skeleton))
            }
            Some(FormKind::Email) => Stored::Email(match made {
                // Made only for a valid address, whose local part ends at its first `@`.
                Some(mut made) => made.next().and_then(|skeleton| Some((value.find('@')? as u32, self.push(skeleton)))),
                None => email::parts(value)
                    .map(|(local, _)| (local.len() as u32, self.push(&email::skeleton_of_local(local)))),
            }),
            Some(FormKind::Name) => {
                self.names.push(name_forms(value, made, names));
                Stored::Name(self.names.len() as u32 - 1)
            }
            Some(FormKind::Digits) => Stored::Digits(self.push(&super::phone::digits(value))),
            Some(FormKind::Ip) => Stored::Ip(value.parse().ok()),
        };
        Entry { text, forms }
    }

    /// Appends `text` to the part's buffer (a few thousand records' values,
    /// far below the 4 GiB its 32-bit spans reach).
    fn push(&mut self, text: &str) -> Span {
        let span = Span { start: self.text.len() as u32, len: text.len() as u32 };
        self.text.push_str(text);
        span
    }

    fn span(&self, span: Span) -> &str {
        &self.text[span.start as usize..(span.start + span.len) as usize]
    }

    fn value(&self, entry: &Entry) -> Value<'_> {
        let forms = match entry.forms {
            Stored::Unprepared => Forms::Unprepared,
            Stored::Skeleton(span) => Forms::Skeleton(self.span(span)),
            Stored::Email(parts) => {
                Forms::Email(parts.map(|(at, span)| EmailParts { at: at as usize, skeleton: self.span(span) }))
            }
            Stored::Name(i) => Forms::Name(&self.names[i as usize]),
            Stored::Digits(span) => Forms::Digits(self.span(span)),
            Stored::Ip(ip) => Forms::Ip(ip),
        };
        Value { text: self.span(entry.text), forms }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Job;
    use crate::normalize::normalize_records;
    use crate::read::read_source;

    #[test]
    fn prepared_forms_give_the_levels_of_plain_values() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/quickstart.toml");
        let job = Job::load(&path).expect("the demo job loads");
        let mut records: Vec<Record> =
            (0..job.sources.len()).flat_map(|s| read_source(&job, s).expect("the demo reads").records).collect();
        let kinds: Vec<_> = job.attributes.iter().map(|a| a.kind).collect();
        let contexts: Vec<_> = job.sources.iter().map(|s| s.normalize.clone()).collect();
        normalize_records(&mut records, &kinds, &contexts);
        let prepared = Prepared::new(&job.comparisons, &records, &Handles::new(&records, &kinds), job.attributes.len());
        assert!(prepared.parts.len() > 1, "the demo's records make several parts");
        let pairs: Vec<(RecordIndex, RecordIndex)> = (0..records.len() as RecordIndex - 1)
            .step_by(7)
            .map(|a| (a, (a * 31 + 5) % records.len() as RecordIndex))
            .collect();
        let plain = super::super::comparison_vectors(&job.comparisons, &records, &Prepared::default(), &pairs);
        let fast = super::super::comparison_vectors(&job.comparisons, &records, &prepared, &pairs);
        assert_eq!(plain, fast);
        let forms: Vec<Forms> =
            prepared.parts.iter().flat_map(|part| part.entries.iter().map(|e| part.value(e).forms)).collect();
        assert!(forms.iter().any(|f| matches!(f, Forms::Skeleton(_))));
        assert!(forms.iter().any(|f| matches!(f, Forms::Email(Some(_)))));
        assert!(forms.iter().any(|f| matches!(f, Forms::Ip(Some(_)))));
        assert!(forms.iter().any(|f| matches!(f, Forms::Name(_))));
        // Every prepared text is its record's value.
        for r in (0..records.len() as RecordIndex).step_by(13) {
            for k in 0..job.attributes.len() {
                let side = prepared.side(&records, r, k);
                let texts: Vec<&str> = (0..side.len()).map(|i| side.get(i).text).collect();
                assert_eq!(texts, records[r as usize].normalized.of(k).iter().collect::<Vec<_>>());
            }
        }
    }
}
