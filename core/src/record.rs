//! Plain data: records, their attributes and where they came from.
//!
//! Nothing here imports the rest of the crate (but the prefetch hint, a leaf
//! of its own), so every stage can use these types without pulling in
//! another stage.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What an attribute holds. A kind decides how values are normalized, which
/// blocking keys they produce and how two values are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributeKind {
    /// An online handle or account name.
    Username,
    /// An email address.
    Email,
    /// A telephone number.
    Phone,
    /// A payment card number, full or masked.
    Card,
    /// An international bank account number.
    Iban,
    /// A cryptocurrency wallet address.
    CryptoWallet,
    /// A person's name, or part of one.
    Name,
    /// A calendar date.
    Date,
    /// An IP address.
    Ip,
    /// A postal code.
    Postcode,
    /// A postal address, or part of one.
    Address,
    /// Free text compared by string similarity.
    Text,
    /// An opaque identifier compared for (near) equality.
    Id,
}

impl AttributeKind {
    /// Every kind, in declaration order.
    pub const ALL: [AttributeKind; 13] = [
        AttributeKind::Username,
        AttributeKind::Email,
        AttributeKind::Phone,
        AttributeKind::Card,
        AttributeKind::Iban,
        AttributeKind::CryptoWallet,
        AttributeKind::Name,
        AttributeKind::Date,
        AttributeKind::Ip,
        AttributeKind::Postcode,
        AttributeKind::Address,
        AttributeKind::Text,
        AttributeKind::Id,
    ];

    /// The name used in job files, e.g. `crypto_wallet`.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributeKind::Username => "username",
            AttributeKind::Email => "email",
            AttributeKind::Phone => "phone",
            AttributeKind::Card => "card",
            AttributeKind::Iban => "iban",
            AttributeKind::CryptoWallet => "crypto_wallet",
            AttributeKind::Name => "name",
            AttributeKind::Date => "date",
            AttributeKind::Ip => "ip",
            AttributeKind::Postcode => "postcode",
            AttributeKind::Address => "address",
            AttributeKind::Text => "text",
            AttributeKind::Id => "id",
        }
    }
}

impl fmt::Display for AttributeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A record as read from a source: its id and its raw values, one list per
/// attribute of the job (index = attribute index in the job's settings).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record {
    /// The index of the record's source in the job.
    pub source: u32,
    /// The record's id in its source (the id column, or the line number).
    pub id: String,
    /// Where the record was read.
    pub line: u64,
    /// Raw values per attribute; an attribute the source does not map, or an
    /// empty cell, has no values.
    pub values: Values,
    /// Normalized values per attribute, sorted and without repeats; no
    /// attributes until the normalize stage has run.
    pub normalized: Values,
}

impl Record {
    /// `source:id`, how outputs and the command line name a record, given
    /// the job's source names.
    pub fn label(&self, sources: &[String]) -> String {
        format!("{}:{}", sources[self.source as usize], self.id)
    }
}

/// A record's dense number within one run: its position in read order.
pub type RecordIndex = u32;

/// Lists of strings, one per attribute, in one buffer: a record's values
/// (or a name's forms in the comparison columns).
///
/// A record holds a few short strings for each of the job's attributes. As
/// a `Vec<Vec<String>>` they took an allocation per attribute and per value:
/// about 900 bytes a record when read, most of it pointers and allocator
/// rounding, and touching that fresh memory was a quarter of a million
/// records' read stage. Here they are one string and one list of bounds.
///
/// ```
/// use sleuth_core::record::Values;
///
/// let values = Values::from_lists([vec!["ann"], vec![], vec!["a@x.org", "b@x.org"]]);
/// assert_eq!(values.attributes(), 3);
/// assert!(values.of(1).is_empty());
/// assert_eq!(values.of(2).iter().collect::<Vec<_>>(), ["a@x.org", "b@x.org"]);
/// assert_eq!(values.of(2).get(1), "b@x.org");
/// ```
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "Vec<Vec<String>>")]
pub struct Values {
    /// The values back to back.
    text: Box<str>,
    /// Where attribute `a`'s value ends start in this list, for each `a`
    /// (one more at the end: the list's length), then each value's end in
    /// `text`. Empty when there are no attributes.
    bounds: Box<[u32]>,
}

impl Values {
    /// Values from one list per attribute.
    ///
    /// # Panics
    ///
    /// When the values pass 4 GiB in all (see [`TooLong`]).
    pub fn from_lists<L, S>(lists: impl IntoIterator<Item = L>) -> Values
    where
        L: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut builder = ValuesBuilder::default();
        let mut attributes = 0;
        for (attribute, list) in lists.into_iter().enumerate() {
            attributes = attribute + 1;
            for value in list {
                builder.push(attribute, value.as_ref()).expect("values under 4 GiB");
            }
        }
        builder.finish(attributes)
    }

    /// How many attributes there are (none before a record is normalized).
    pub fn attributes(&self) -> usize {
        self.bounds.first().map_or(0, |&first| first as usize - 1)
    }

    /// Attribute `attribute`'s values.
    ///
    /// # Panics
    ///
    /// When there is no such attribute, as indexing a list would.
    pub fn of(&self, attribute: usize) -> ValueList<'_> {
        let attributes = self.attributes();
        assert!(attribute < attributes, "attribute {attribute} of {attributes}");
        let (first, last) = (self.bounds[attribute] as usize, self.bounds[attribute + 1] as usize);
        let start = if first == attributes + 1 { 0 } else { self.bounds[first - 1] };
        ValueList { text: &self.text, ends: &self.bounds[first..last], start }
    }

    /// Every attribute's values, in attribute order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = ValueList<'_>> {
        (0..self.attributes()).map(|attribute| self.of(attribute))
    }

    /// Drops the values of the attributes `kept` marks `false` (they have
    /// none then; attributes past its end are kept); leaves these values as
    /// they are when those have none already.
    pub fn keep_only(&mut self, kept: &[bool]) {
        let kept = |attribute: usize| kept.get(attribute).copied().unwrap_or(true);
        if self.iter().enumerate().all(|(attribute, values)| kept(attribute) || values.is_empty()) {
            return;
        }
        let mut builder = ValuesBuilder::default();
        for (attribute, values) in self.iter().enumerate().filter(|&(attribute, _)| kept(attribute)) {
            for value in values {
                builder.push(attribute, value).expect("a part of values that fit fits");
            }
        }
        *self = builder.finish(self.attributes());
    }

    /// Asks for the values' bounds to be brought into the cache (where each
    /// attribute's values are), for a reader some steps ahead.
    pub fn prefetch(&self) {
        crate::prefetch::line(self.bounds.as_ptr());
    }
}

impl From<Vec<Vec<String>>> for Values {
    fn from(lists: Vec<Vec<String>>) -> Values {
        Values::from_lists(lists)
    }
}

/// Written as a list of lists, one per attribute.
impl Serialize for Values {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl fmt::Debug for Values {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// One attribute's values in a record's [`Values`]. Two are equal when
/// their values are.
#[derive(Clone, Copy)]
pub struct ValueList<'a> {
    text: &'a str,
    /// Each value's end in `text`.
    ends: &'a [u32],
    /// Where the first value starts.
    start: u32,
}

impl<'a> ValueList<'a> {
    /// How many values there are.
    pub fn len(self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(self) -> bool {
        self.ends.is_empty()
    }

    /// Value `i`.
    ///
    /// # Panics
    ///
    /// When there are not more than `i` values.
    pub fn get(self, i: usize) -> &'a str {
        let start = if i == 0 { self.start } else { self.ends[i - 1] };
        &self.text[start as usize..self.ends[i] as usize]
    }

    /// The values in order.
    pub fn iter(self) -> Iter<'a> {
        Iter { text: self.text, ends: self.ends, start: self.start }
    }

    /// Whether `value` is one of them.
    pub fn contains(self, value: &str) -> bool {
        self.iter().any(|v| v == value)
    }

    /// Asks for the values' ends and text to be brought into the cache, for
    /// a reader some steps ahead.
    pub fn prefetch(self) {
        crate::prefetch::line(self.ends.as_ptr());
        crate::prefetch::line(self.text.as_ptr().wrapping_add(self.start as usize));
    }
}

impl<'a> IntoIterator for ValueList<'a> {
    type Item = &'a str;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The values of a [`ValueList`], in order.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    text: &'a str,
    /// The ends of the values not yet given.
    ends: &'a [u32],
    /// Where the next value starts.
    start: u32,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let (&end, rest) = self.ends.split_first()?;
        let value = &self.text[self.start as usize..end as usize];
        (self.start, self.ends) = (end, rest);
        Some(value)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.ends.len(), Some(self.ends.len()))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl std::iter::FusedIterator for Iter<'_> {}

impl fmt::Debug for ValueList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for ValueList<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl PartialEq for ValueList<'_> {
    fn eq(&self, other: &ValueList<'_>) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for ValueList<'_> {}

/// Values passing 4 GiB in all, which one [`Values`] cannot hold (its
/// bounds are 32-bit): a row that size is rejected when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong;

/// Makes [`Values`] one at a time (a record's, row by row): values pushed
/// in any attribute order, kept in the order pushed within an attribute.
/// Its buffers are kept from one to the next.
#[derive(Debug, Default)]
pub struct ValuesBuilder {
    text: String,
    /// (attribute, start, end) of each value pushed.
    values: Vec<(u32, u32, u32)>,
}

impl ValuesBuilder {
    /// Adds `value` to `attribute`'s values; refused (and nothing added)
    /// when the values would pass 4 GiB in all.
    pub fn push(&mut self, attribute: usize, value: &str) -> Result<(), TooLong> {
        let start = self.text.len() as u32;
        let end = u32::try_from(self.text.len() + value.len()).map_err(|_| TooLong)?;
        self.text.push_str(value);
        self.values.push((attribute as u32, start, end));
        Ok(())
    }

    /// Drops the values pushed.
    pub fn clear(&mut self) {
        self.text.clear();
        self.values.clear();
    }

    /// The values pushed, for `attributes` attributes; the builder is left
    /// empty for the next record.
    ///
    /// # Panics
    ///
    /// When a value was pushed to an attribute not below `attributes`.
    pub fn finish(&mut self, attributes: usize) -> Values {
        self.values.sort_by_key(|&(attribute, _, _)| attribute);
        self.build(attributes)
    }

    /// [`Self::finish`] with each attribute's values sorted and without
    /// repeats.
    pub fn finish_sorted(&mut self, attributes: usize) -> Values {
        let text = &self.text;
        let value = |&(_, start, end): &(u32, u32, u32)| &text[start as usize..end as usize];
        self.values.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| value(a).cmp(value(b))));
        self.values.dedup_by(|a, b| a.0 == b.0 && value(a) == value(b));
        self.build(attributes)
    }

    fn build(&mut self, attributes: usize) -> Values {
        if let Some(&(last, _, _)) = self.values.last() {
            assert!((last as usize) < attributes, "a value of attribute {last} of {attributes}");
        }
        if attributes == 0 {
            return Values::default();
        }
        let length: usize = self.values.iter().map(|&(_, start, end)| (end - start) as usize).sum();
        let mut text = String::with_capacity(length);
        let mut bounds = Vec::with_capacity(attributes + 1 + self.values.len());
        let firsts = attributes + 1;
        // Each attribute's start: where its first value's end will be.
        let mut values = self.values.iter().peekable();
        let mut seen = 0;
        for attribute in 0..attributes as u32 {
            bounds.push((firsts + seen) as u32);
            while values.next_if(|v| v.0 == attribute).is_some() {
                seen += 1;
            }
        }
        bounds.push((firsts + seen) as u32);
        for &(_, start, end) in &self.values {
            text.push_str(&self.text[start as usize..end as usize]);
            bounds.push(text.len() as u32);
        }
        self.clear();
        Values { text: text.into_boxed_str(), bounds: bounds.into_boxed_slice() }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Up to 5 attributes of up to 4 values each, some empty strings, some
    /// repeated, some not ASCII.
    fn lists() -> impl Strategy<Value = Vec<Vec<String>>> {
        prop::collection::vec(prop::collection::vec("|a|b|ab|é|шadow|[a-z]{1,6}", 0..4), 0..5)
    }

    proptest! {
        #[test]
        fn values_give_back_the_lists_they_were_made_of(lists in lists()) {
            let values = Values::from_lists(&lists);
            prop_assert_eq!(values.attributes(), lists.len());
            for (attribute, list) in lists.iter().enumerate() {
                let of = values.of(attribute);
                prop_assert_eq!(of.len(), list.len());
                prop_assert_eq!(of.iter().collect::<Vec<_>>(), list.iter().map(String::as_str).collect::<Vec<_>>());
                for (i, value) in list.iter().enumerate() {
                    prop_assert_eq!(of.get(i), value);
                }
            }
            let json = serde_json::to_string(&values).unwrap();
            prop_assert_eq!(&json, &serde_json::to_string(&lists).unwrap(), "written as the lists");
            prop_assert_eq!(serde_json::from_str::<Values>(&json).unwrap(), values.clone());
            // Every other attribute kept, and the last one (past `kept`'s end).
            let kept: Vec<bool> = (0..lists.len().saturating_sub(1)).map(|a| a.is_multiple_of(2)).collect();
            let keeps = |a: usize| a.is_multiple_of(2) || a == kept.len();
            let expected = lists.iter().enumerate().map(|(a, l)| if keeps(a) { l.clone() } else { Vec::new() });
            let mut kept_only = values.clone();
            kept_only.keep_only(&kept);
            prop_assert_eq!(kept_only, Values::from_lists(expected));
        }

        #[test]
        fn values_pushed_in_any_order_are_kept_in_order_within_an_attribute(lists in lists()) {
            // Pushed round-robin across attributes, last attribute first.
            let mut builder = ValuesBuilder::default();
            let longest = lists.iter().map(Vec::len).max().unwrap_or(0);
            for i in 0..longest {
                for (attribute, list) in lists.iter().enumerate().rev() {
                    if let Some(value) = list.get(i) {
                        builder.push(attribute, value).unwrap();
                    }
                }
            }
            prop_assert_eq!(builder.finish(lists.len()), Values::from_lists(&lists));
            // The builder is empty again for the next record.
            prop_assert_eq!(builder.finish(lists.len()), Values::from_lists(lists.iter().map(|_| Vec::<&str>::new())));
            for (attribute, list) in lists.iter().enumerate() {
                list.iter().for_each(|value| builder.push(attribute, value).unwrap());
            }
            let sorted = lists.iter().map(|list| {
                let mut list = list.clone();
                list.sort();
                list.dedup();
                list
            });
            prop_assert_eq!(builder.finish_sorted(lists.len()), Values::from_lists(sorted));
        }
    }

    #[test]
    fn value_lists_are_equal_when_their_values_are() {
        let (one, other) = (Values::from_lists([vec!["x"], vec!["a", "b"]]), Values::from_lists([["a", "b"]]));
        assert_eq!(one.of(1), other.of(0), "wherever they are kept");
        assert_ne!(one.of(0), other.of(0));
        assert_ne!(one.of(1), Values::from_lists([["a", "b", "c"]]).of(0));
        assert_ne!(one.of(1), Values::from_lists([["ab"]]).of(0), "values, not their text joined");
    }

    #[test]
    #[should_panic(expected = "attribute 2 of 2")]
    fn an_attribute_past_the_last_is_refused() {
        Values::from_lists([["a"], ["b"]]).of(2);
    }
}
