//! What comparators read of a normalized value beyond its text (a
//! username's skeleton, an email's parts), made once per value before the
//! compare stage instead of once per pair: a record meets about a dozen
//! others in a million-record run, and a skeleton costs more than the
//! comparison that reads it.
//!
//! [`Prepared`] holds these [`Forms`] for every record of a run;
//! comparators take a value's text with its forms ([`Value`]) and make
//! whatever was not prepared from the text, so the levels never depend on
//! what was prepared.

use std::borrow::Cow;
use std::net::IpAddr;

use rayon::prelude::*;

use super::{Comparison, Identifier, Method};
use crate::normalize::{email, username};
use crate::record::{Record, RecordIndex};

/// The forms of one normalized value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Forms {
    /// Nothing prepared: comparators make what they need from the text.
    #[default]
    Unprepared,
    /// A username's [skeleton](username::skeleton).
    Skeleton(Box<str>),
    /// An email address: its parts, `None` when it is not a valid address.
    Email(Option<EmailParts>),
    /// A person's name: the [handles](super::handle::name_handles) it is
    /// commonly turned into, and its words' [sounds](super::name::sounds).
    Name {
        /// Its handles.
        handles: Box<[String]>,
        /// Its words' sounds, sorted.
        sounds: Box<[String]>,
    },
    /// A phone number's digits.
    Digits(Box<str>),
    /// An IP address, `None` when the value is not one.
    Ip(Option<IpAddr>),
}

/// A valid email address's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailParts {
    /// Where its `@` is.
    pub at: usize,
    /// Its [local part's skeleton](email::local_skeleton).
    pub skeleton: Box<str>,
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

impl FormKind {
    fn make(self, value: &str) -> Forms {
        match self {
            FormKind::Skeleton => Forms::Skeleton(username::skeleton(value).into()),
            FormKind::Email => Forms::Email(email_parts(value)),
            FormKind::Name => Forms::Name {
                handles: super::handle::name_handles(value).into(),
                sounds: super::name::sounds_of(value).into(),
            },
            FormKind::Digits => Forms::Digits(super::phone::digits(value).into()),
            FormKind::Ip => Forms::Ip(value.parse().ok()),
        }
    }
}

fn email_parts(value: &str) -> Option<EmailParts> {
    let (local, _) = email::parts(value)?;
    Some(EmailParts { at: local.len(), skeleton: email::local_skeleton(value)?.into() })
}

/// A normalized value with its forms.
#[derive(Debug, Clone, Copy)]
pub struct Value<'a> {
    /// The normalized text.
    pub text: &'a str,
    /// What was prepared of it.
    pub forms: &'a Forms,
}

impl<'a> Value<'a> {
    /// A value with nothing prepared.
    pub fn plain(text: &'a str) -> Value<'a> {
        Value { text, forms: &Forms::Unprepared }
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
                let parts = parts.as_ref()?;
                (parts.at, Cow::Borrowed(&*parts.skeleton))
            }
            _ => {
                let parts = email_parts(self.text)?;
                (parts.at, Cow::Owned(parts.skeleton.into()))
            }
        };
        Some((&self.text[..at], &self.text[at + 1..], skeleton))
    }

    /// The handles a name is commonly turned into.
    pub fn name_handles(self) -> Cow<'a, [String]> {
        match self.forms {
            Forms::Name { handles, .. } => Cow::Borrowed(handles),
            _ => Cow::Owned(super::handle::name_handles(self.text)),
        }
    }

    /// The sorted sounds of a name's words.
    pub fn name_sounds(self) -> Cow<'a, [String]> {
        match self.forms {
            Forms::Name { sounds, .. } => Cow::Borrowed(sounds),
            _ => Cow::Owned(super::name::sounds_of(self.text)),
        }
    }

    /// The IP address it is, if it is one.
    pub fn ip(self) -> Option<IpAddr> {
        match self.forms {
            Forms::Ip(ip) => *ip,
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

/// Every record's forms, for the attributes that comparisons read them of.
#[derive(Debug, Default)]
pub struct Prepared {
    /// The forms, record after record, attribute after attribute.
    forms: Vec<Forms>,
    /// Record `r`'s forms of attribute `k` start at `starts[r * attributes + k]`.
    starts: Vec<u32>,
    attributes: usize,
}

impl Prepared {
    /// The forms `comparisons` read of `records`' values (`attributes` per
    /// record). An attribute read as two kinds of forms (a job comparing
    /// one attribute as two kinds) gets the first; the others are made
    /// per pair.
    pub fn new(comparisons: &[Comparison], records: &[Record], attributes: usize) -> Prepared {
        let mut kinds: Vec<Option<FormKind>> = vec![None; attributes];
        let mut want = |attribute: usize, kind: Option<FormKind>| {
            if kinds[attribute].is_none() {
                kinds[attribute] = kind;
            }
        };
        for comparison in comparisons {
            let Method::Identifier(identifier) = comparison.method else { continue };
            let (first, second) = identifier.form_kinds();
            want(comparison.attribute, first);
            // Across two attributes, each side is compared both ways.
            if let Some(other) = comparison.across {
                want(other, second);
            } else {
                want(comparison.attribute, second);
            }
        }
        if kinds.iter().all(Option::is_none) {
            return Prepared::default();
        }
        let per_record: Vec<Vec<Forms>> = records
            .par_iter()
            .map(|record| {
                kinds
                    .iter()
                    .zip(&record.normalized)
                    .flat_map(|(kind, values)| values.iter().map(move |value| kind.map(|k| k.make(value))))
                    .map(Option::unwrap_or_default)
                    .collect()
            })
            .collect();
        let mut prepared = Prepared {
            forms: Vec::with_capacity(per_record.iter().map(Vec::len).sum()),
            starts: Vec::with_capacity(records.len() * attributes + 1),
            attributes,
        };
        for (record, forms) in records.iter().zip(per_record) {
            let mut start = prepared.forms.len() as u32;
            for values in &record.normalized {
                prepared.starts.push(start);
                start += values.len() as u32;
            }
            prepared.forms.extend(forms);
        }
        prepared.starts.push(prepared.forms.len() as u32);
        prepared
    }

    /// Record `r`'s forms of `attribute`'s values, one per value; empty
    /// when none were prepared.
    pub fn forms(&self, r: RecordIndex, attribute: usize) -> &[Forms] {
        let i = r as usize * self.attributes + attribute;
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&start), Some(&end)) => &self.forms[start as usize..end as usize],
            _ => &[],
        }
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
        let prepared = Prepared::new(&job.comparisons, &records, job.attributes.len());
        let pairs: Vec<(RecordIndex, RecordIndex)> = (0..records.len() as RecordIndex - 1)
            .step_by(7)
            .map(|a| (a, (a * 31 + 5) % records.len() as RecordIndex))
            .collect();
        let plain = super::super::comparison_vectors(&job.comparisons, &records, &Prepared::default(), &pairs);
        let fast = super::super::comparison_vectors(&job.comparisons, &records, &prepared, &pairs);
        assert_eq!(plain, fast);
        assert!(prepared.forms.iter().any(|f| matches!(f, Forms::Skeleton(_))));
        assert!(prepared.forms.iter().any(|f| matches!(f, Forms::Email(Some(_)))));
        assert!(prepared.forms.iter().any(|f| matches!(f, Forms::Ip(Some(_)))));
    }
}
