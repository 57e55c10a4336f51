//! Handles: the username skeletons a record's values reduce to, made once.
//!
//! A username reduces to its [skeleton](username::skeleton), an email
//! address to its [local part's skeleton](email::local_skeleton) and a
//! person's name to the [handles it is commonly turned
//! into](crate::compare::handle::name_handles). Blocking keys, comparisons
//! and relationships all read them: made in each of those stages, they were
//! made three times, about 2.8 of the 43 CPU-seconds of a million-record
//! run. [`Handles`] makes them once, after normalizing, and keeps them in a
//! compact column (about 50 MB at a million records) until the last stage
//! that reads them: of that run's CPU, the stages' share in handles went
//! from 6.5% to 2.3% (perf samples).
//!
//! [`of_value`] is the one definition of a value's handles; the column holds
//! what it returns, and code without a column (an ingest's few records, an
//! explanation) calls it directly.

use rayon::prelude::*;

use crate::compare::handle::name_handles;
use crate::normalize::{email, username};
use crate::record::{AttributeKind, Record, RecordIndex};

/// The handles of one normalized value of an attribute of `kind`: a
/// username's skeleton; an email address's local skeleton (none when it is
/// not a valid address); a name's handles; nothing for other kinds.
///
/// ```
/// use sleuth_core::handles::of_value;
/// use sleuth_core::record::AttributeKind;
/// assert_eq!(of_value(AttributeKind::Username, "d4rk_angel99"), ["darkangei99"]);
/// assert_eq!(of_value(AttributeKind::Email, "dark.angel99+x@gmail.com"), ["darkangei99"]);
/// assert_eq!(of_value(AttributeKind::Name, "sarah anderson"), ["andersonsarah", "sanderson", "sarahanderson"]);
/// assert!(of_value(AttributeKind::Email, "not an address").is_empty());
/// ```
pub fn of_value(kind: AttributeKind, value: &str) -> Vec<String> {
    match kind {
        AttributeKind::Username => vec![username::skeleton(value)],
        AttributeKind::Email => email::local_skeleton(value).into_iter().collect(),
        AttributeKind::Name => name_handles(value),
        _ => Vec::new(),
    }
}

/// Whether values of `kind` have handles.
pub fn has_handles(kind: AttributeKind) -> bool {
    matches!(kind, AttributeKind::Username | AttributeKind::Email | AttributeKind::Name)
}

/// Records made together in one [`Part`] (the last part has fewer).
const PART: usize = 1024;

/// Every record's handles, value by value ([`of_value`] of each).
#[derive(Debug, Default)]
pub struct Handles {
    /// Part `i` holds records `i * PART` to `(i + 1) * PART`.
    parts: Vec<Part>,
    /// Each attribute's column among those with handles.
    columns: Vec<Option<usize>>,
    /// Each attribute's kind.
    kinds: Vec<AttributeKind>,
    /// Kept attributes: those whose kind has handles.
    kept: usize,
    /// The number of records.
    records: usize,
}

/// The handles of [`PART`] records.
#[derive(Debug, Default)]
struct Part {
    /// Every handle, one after another.
    text: String,
    /// Where each handle ends in `text` (it starts where the one before ends).
    ends: Vec<u32>,
    /// Each value's first handle in `ends`; one more at the end.
    values: Vec<u32>,
    /// The part's record `r`'s values of kept attribute `c` start at
    /// `starts[r * kept + c]` in `values`; one more at the end.
    starts: Vec<u32>,
}

impl Handles {
    /// The handles of every value of `records`, whose attributes are of
    /// `kinds`; made in parallel.
    pub fn new(records: &[Record], kinds: &[AttributeKind]) -> Handles {
        let mut kept = 0;
        let columns: Vec<Option<usize>> = kinds
            .iter()
            .map(|&kind| {
                has_handles(kind).then(|| {
                    kept += 1;
                    kept - 1
                })
            })
            .collect();
        let parts = records
            .par_chunks(PART)
            .map(|chunk| {
                let mut part = Part::default();
                for record in chunk {
                    for (values, &kind) in record.normalized.iter().zip(kinds).filter(|(_, kind)| has_handles(**kind)) {
                        part.starts.push(part.values.len() as u32);
                        for value in values {
                            part.values.push(part.ends.len() as u32);
                            for handle in of_value(kind, value) {
                                part.text.push_str(&handle);
                                part.ends.push(part.text.len() as u32);
                            }
                        }
                    }
                }
                part.starts.push(part.values.len() as u32);
                part.values.push(part.ends.len() as u32);
                // Held through most of the run: without the room they grew by.
                part.text.shrink_to_fit();
                part.ends.shrink_to_fit();
                part.values.shrink_to_fit();
                part.starts.shrink_to_fit();
                part
            })
            .collect();
        Handles { parts, columns, kinds: kinds.to_vec(), kept, records: records.len() }
    }

    /// The number of records whose handles these are.
    pub fn len(&self) -> usize {
        self.records
    }

    /// Whether these are no record's handles.
    pub fn is_empty(&self) -> bool {
        self.records == 0
    }

    /// The kind of `attribute`'s values when it has handles here.
    pub fn kind(&self, attribute: usize) -> Option<AttributeKind> {
        self.columns.get(attribute).copied().flatten().map(|_| self.kinds[attribute])
    }

    /// The handles of value `value` of record `r`'s attribute `attribute`;
    /// `None` when the attribute's kind has none or the value is not here.
    pub fn of(&self, r: RecordIndex, attribute: usize, value: usize) -> Option<Of<'_>> {
        let column = (*self.columns.get(attribute)?)?;
        let (part, local) = (self.parts.get(r as usize / PART)?, r as usize % PART);
        let at = local * self.kept + column;
        let (&start, &end) = (part.starts.get(at)?, part.starts.get(at + 1)?);
        let slot = start as usize + value;
        if slot >= end as usize {
            return None;
        }
        let (first, last) = (part.values[slot] as usize, part.values[slot + 1] as usize);
        Some(Of { part, next: first, end: last })
    }
}

/// The handles of one value, in the order [`of_value`] gave them.
#[derive(Debug, Clone)]
pub struct Of<'a> {
    part: &'a Part,
    next: usize,
    end: usize,
}

impl<'a> Iterator for Of<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.next >= self.end {
            return None;
        }
        let start = if self.next == 0 { 0 } else { self.part.ends[self.next - 1] as usize };
        let handle = &self.part.text[start..self.part.ends[self.next] as usize];
        self.next += 1;
        Some(handle)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.end - self.next, Some(self.end - self.next))
    }
}

impl ExactSizeIterator for Of<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Values;

    fn record(username: &[&str], email: &[&str], name: &[&str]) -> Record {
        Record { normalized: Values::from_lists([username, &["192.168.1.1"], email, name]), ..Record::default() }
    }

    #[test]
    fn the_column_holds_each_values_handles() {
        let kinds = [AttributeKind::Username, AttributeKind::Ip, AttributeKind::Email, AttributeKind::Name];
        // Enough records for several parts, with no values, one, and several.
        let records: Vec<Record> = (0..2500)
            .map(|i| match i % 4 {
                0 => record(&[], &[], &[]),
                1 => record(&[&format!("d4rk_{i}")], &["not an address"], &["sarah anderson"]),
                2 => record(&["шadow", "x"], &[&format!("a.b{i}+tag@gmail.com"), "c@d.com"], &["sarah"]),
                _ => record(&["l33t"], &[], &["anna maria lopez", "li wu"]),
            })
            .collect();
        let handles = Handles::new(&records, &kinds);
        assert!(handles.parts.len() > 2);
        for (r, record) in records.iter().enumerate() {
            for (k, values) in record.normalized.iter().enumerate() {
                for (i, value) in values.iter().enumerate() {
                    let of = handles.of(r as RecordIndex, k, i);
                    if has_handles(kinds[k]) {
                        let of = of.unwrap_or_else(|| panic!("record {r} attribute {k} value {i}"));
                        assert_eq!(of.len(), of_value(kinds[k], value).len());
                        assert_eq!(of.collect::<Vec<_>>(), of_value(kinds[k], value), "record {r}: {value}");
                    } else {
                        assert!(of.is_none());
                    }
                }
                assert!(handles.of(r as RecordIndex, k, values.len()).is_none(), "past the last value");
            }
        }
        assert!(handles.of(records.len() as RecordIndex, 0, 0).is_none(), "past the last record");
    }
}
