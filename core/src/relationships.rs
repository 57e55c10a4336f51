//! Relationships between entities: different people who share a card, an
//! email, a phone, a wallet or an IP, whose handle is another's email, or
//! whose records nearly matched. These are the non-obvious links
//! investigators look for; the entities themselves stay apart.
//!
//! A value shared by more than [`MAX_SHARING`] entities (a VPN exit, a
//! shop's card terminal, a disposable mailbox) would relate everyone to
//! everyone: it yields no rows and is reported as a hub in the summary.
//! Strength is the kind's base strength over the number of other entities
//! sharing the value, so a value two people share counts for more than one
//! five people share; a near match's strength is its match probability.

use std::borrow::Cow;
use std::collections::BTreeSet;

use rayon::iter::Either;
use rayon::prelude::*;

use serde::Serialize;

use crate::config::Attribute;
use crate::handles::{self, Handles};
use crate::record::{AttributeKind, Record, RecordIndex};

/// Entities sharing one value at most, for it to relate them.
pub const MAX_SHARING: usize = 10;

/// Handles shorter than this relate no one (`john`, `mike`).
const MIN_HANDLE: usize = 5;

/// What relates two entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The same full card number.
    SharedCard,
    /// The same email address.
    SharedEmail,
    /// The same phone number.
    SharedPhone,
    /// The same crypto wallet.
    SharedWallet,
    /// The same IBAN.
    SharedIban,
    /// The same IP address.
    SharedIp,
    /// The same postcode.
    SharedPostcode,
    /// One's email local part is the other's username.
    EmailUsername,
    /// A pair of their records scored below the threshold but above even odds.
    NearMatch,
}

impl Kind {
    /// Its name in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SharedCard => "shared_card",
            Kind::SharedEmail => "shared_email",
            Kind::SharedPhone => "shared_phone",
            Kind::SharedWallet => "shared_wallet",
            Kind::SharedIban => "shared_iban",
            Kind::SharedIp => "shared_ip",
            Kind::SharedPostcode => "shared_postcode",
            Kind::EmailUsername => "email_username",
            Kind::NearMatch => "near_match",
        }
    }

    /// The kind of relationship a shared value of attribute kind `kind` makes.
    fn of_shared(kind: AttributeKind) -> Option<Kind> {
        Some(match kind {
            AttributeKind::Card => Kind::SharedCard,
            AttributeKind::Email => Kind::SharedEmail,
            AttributeKind::Phone => Kind::SharedPhone,
            AttributeKind::CryptoWallet => Kind::SharedWallet,
            AttributeKind::Iban => Kind::SharedIban,
            AttributeKind::Ip => Kind::SharedIp,
            AttributeKind::Postcode => Kind::SharedPostcode,
            _ => return None,
        })
    }

    /// The strength of a value shared by two entities only (a near match's
    /// is its probability instead).
    fn base_strength(self) -> f64 {
        match self {
            Kind::SharedCard | Kind::SharedEmail | Kind::SharedWallet | Kind::SharedIban | Kind::NearMatch => 1.0,
            Kind::SharedPhone => 0.9,
            Kind::EmailUsername => 0.8,
            Kind::SharedIp => 0.3,
            Kind::SharedPostcode => 0.2,
        }
    }
}

/// Two entities and what relates them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Relationship {
    /// The first entity (the smaller number).
    pub a: u32,
    /// The second entity.
    pub b: u32,
    /// What relates them.
    pub kind: Kind,
    /// The shared value (normalized), or for a near match the two records.
    pub via: String,
    /// From 0 to 1.
    pub strength: f64,
    /// The records of `a` that carry it.
    pub records_a: Vec<RecordIndex>,
    /// The records of `b` that carry it.
    pub records_b: Vec<RecordIndex>,
}

/// A value shared by too many entities to relate them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hub {
    /// The relationship it would have made.
    pub kind: Kind,
    /// The value.
    pub value: String,
    /// Entities carrying it.
    pub entities: usize,
}

/// A scored candidate pair of records below the threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearPair {
    /// The records.
    pub a: RecordIndex,
    /// The records.
    pub b: RecordIndex,
    /// Its match probability.
    pub probability: f64,
}

/// The holders of one value: each entity (in order) with its records
/// carrying it, from `(entity, record)` sorted.
fn holders(sorted: impl Iterator<Item = (u32, RecordIndex)>) -> Vec<(u32, Vec<RecordIndex>)> {
    let mut by_entity: Vec<(u32, Vec<RecordIndex>)> = Vec::new();
    for (entity, record) in sorted {
        match by_entity.last_mut() {
            Some((last, records)) if *last == entity => records.push(record),
            _ => by_entity.push((entity, vec![record])),
        }
    }
    by_entity
}

/// The relationships of the entities holding one shared value (`run`: its
/// holders, by entity, in `records`), or its hub; `None` when one entity
/// holds it (the value is not looked at then).
fn shared_value(run: &[Holding], records: &[Record]) -> Option<Found> {
    let kind = run[0].0;
    if run.iter().all(|v| v.2 == run[0].2) {
        return None;
    }
    let by_entity = holders(run.iter().map(|v| (v.2, v.3)));
    let value = held(records, &run[0]);
    if by_entity.len() > MAX_SHARING {
        return Some(Found::Hub(Hub { kind, value: value.to_string(), entities: by_entity.len() }));
    }
    let strength = kind.base_strength() / (by_entity.len() - 1) as f64;
    let mut found = Vec::new();
    for (i, (a, records_a)) in by_entity.iter().enumerate() {
        for (b, records_b) in &by_entity[i + 1..] {
            found.push(Relationship {
                a: *a,
                b: *b,
                kind,
                via: value.to_string(),
                strength,
                records_a: records_a.clone(),
                records_b: records_b.clone(),
            });
        }
    }
    Some(Found::Relationships(found))
}

/// The relationships of the entities with one handle as an email's local
/// part and as a username (`run`: its holders, emails first), or its hub;
/// `None` when one entity holds it.
fn shared_handle(run: &[(u64, bool, u32, RecordIndex, Cow<str>)]) -> Option<Found> {
    if run.iter().all(|h| h.2 == run[0].2) {
        return None;
    }
    let handle = &run[0].4;
    let split = run.partition_point(|h| !h.1);
    let (by_email, by_username) =
        (holders(run[..split].iter().map(|h| (h.2, h.3))), holders(run[split..].iter().map(|h| (h.2, h.3))));
    let entities: BTreeSet<u32> = run.iter().map(|h| h.2).collect();
    if entities.len() > MAX_SHARING {
        return Some(Found::Hub(Hub {
            kind: Kind::EmailUsername,
            value: handle.to_string(),
            entities: entities.len(),
        }));
    }
    let mut found = Vec::new();
    for (x, records_x) in &by_email {
        for (y, records_y) in &by_username {
            if x == y {
                continue;
            }
            let (a, b, records_a, records_b) =
                if x < y { (*x, *y, records_x, records_y) } else { (*y, *x, records_y, records_x) };
            found.push(Relationship {
                a,
                b,
                kind: Kind::EmailUsername,
                via: handle.to_string(),
                strength: Kind::EmailUsername.base_strength() / (entities.len() - 1) as f64,
                records_a: records_a.clone(),
                records_b: records_b.clone(),
            });
        }
    }
    Some(Found::Relationships(found))
}

/// The runs of `sorted` (sorted by a hash of each entry's value, then by
/// its holder) that hold one value each: the runs of one hash, each split by
/// value, its holders kept in order, in the rare case that two values share
/// a hash.
fn value_runs<'a, T: Clone + Send + Sync>(
    sorted: &'a [T],
    same_hash: impl Fn(&T, &T) -> bool + Send + Sync,
    value: impl Fn(&'a T) -> &'a str + Send + Sync,
) -> impl ParallelIterator<Item = Cow<'a, [T]>> {
    sorted.par_chunk_by(same_hash).flat_map_iter(move |run: &'a [T]| {
        let one_value = || {
            let first = value(&run[0]);
            run[1..].iter().all(|x| value(x) == first)
        };
        // A value held once needs no look at it (most are).
        if run.len() == 1 || one_value() {
            return Either::Left(std::iter::once(Cow::Borrowed(run)));
        }
        // A stable sort: each value's holders stay in order.
        let mut order: Vec<&'a T> = run.iter().collect();
        order.sort_by(|x, y| value(x).cmp(value(y)));
        let runs: Vec<Cow<'a, [T]>> = order
            .chunk_by(|x, y| value(x) == value(y))
            .map(|one| Cow::Owned(one.iter().map(|&x| x.clone()).collect()))
            .collect();
        Either::Right(runs.into_iter())
    })
}

/// A record holding a shared-kind value: the relationship's kind, the
/// value's hash, the record's entity, the record, and where the value is
/// among its normalized values (attribute, place).
type Holding = (Kind, u64, u32, RecordIndex, u16, u32);

/// The value a [`Holding`] of `records` is of.
fn held<'r>(records: &'r [Record], holding: &Holding) -> &'r str {
    records[holding.3 as usize].normalized.of(usize::from(holding.4)).get(holding.5 as usize)
}

/// What one run of holders of a value gives ([`find`]).
enum Found {
    Hub(Hub),
    Relationships(Vec<Relationship>),
}

/// A value's hash, to order runs of values by ([`find`]).
fn hash(value: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(value)
}

/// A full card number: every digit revealed.
fn full_card(value: &str) -> bool {
    (12..=19).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit())
}

/// The relationships between the entities of `records` (`entities[r]` is
/// record `r`'s entity; `attributes` and `sources` the job's), sorted, and
/// the hub values left out. The records' handles are read from `handles`
/// when given (made for these `records`), else made.
pub fn find(
    attributes: &[Attribute],
    sources: &[String],
    records: &[Record],
    handles: Option<&Handles>,
    entities: &[u32],
    near: &[NearPair],
) -> (Vec<Relationship>, Vec<Hub>) {
    // (kind, value's hash, entity, record, where the value is) for every
    // shared-kind value (24 bytes an entry, not 40 with the value's `&str`:
    // this stage is the run's peak), and (handle's hash, from a username?,
    // entity, record, handle) for every handle; sorted, so each value's
    // holders are one run, entities and records in order ([`value_runs`]).
    // The hash orders the runs and the values themselves are compared only
    // to check a run (comparing millions of values byte by byte in the sorts
    // was two fifths of the stage, then a quarter); the relationships are
    // sorted by entity at the end whatever the runs' order.
    let mut values: Vec<Holding> = records
        .par_iter()
        .enumerate()
        .flat_map_iter(|(r, record)| {
            attributes.iter().zip(record.normalized.iter()).enumerate().flat_map(move |(k, (attribute, values))| {
                let kind = Kind::of_shared(attribute.kind);
                let k = u16::try_from(k).expect("a job has fewer than 65,536 attributes");
                values.iter().zip(0..).filter_map(move |(value, i)| {
                    let kind = kind.filter(|_| attribute.kind != AttributeKind::Card || full_card(value))?;
                    Some((kind, hash(value), entities[r], r as RecordIndex, k, i))
                })
            })
        })
        .collect();
    values.par_sort_unstable();
    let mut found_handles: Vec<(u64, bool, u32, RecordIndex, Cow<str>)> = records
        .par_iter()
        .enumerate()
        .flat_map_iter(|(r, record)| {
            attributes.iter().zip(record.normalized.iter()).enumerate().flat_map(move |(k, (attribute, values))| {
                values.iter().enumerate().filter_map(move |(i, value)| {
                    let from_username = match attribute.kind {
                        AttributeKind::Email => false,
                        AttributeKind::Username => true,
                        _ => return None,
                    };
                    // A username's skeleton, an address's local skeleton.
                    let handle = match handles.and_then(|h| h.of(r as RecordIndex, k, i)) {
                        Some(mut made) => Cow::Borrowed(made.next()?),
                        None => Cow::Owned(handles::of_value(attribute.kind, value).into_iter().next()?),
                    };
                    (handle.chars().count() >= MIN_HANDLE).then_some((
                        hash(&handle),
                        from_username,
                        entities[r],
                        r as RecordIndex,
                        handle,
                    ))
                })
            })
        })
        .collect();
    found_handles.par_sort_unstable();
    // Runs are turned into relationships in parallel (this loop was half the
    // stage, on one thread); the hubs and relationships come out in the
    // runs' order (rayon's collect keeps it), then sorted (stably) as before.
    let shared: Vec<Found> = value_runs(&values, |x, y| (x.0, x.1) == (y.0, y.1), |v| held(records, v))
        .filter_map(|run| shared_value(&run, records))
        .collect();
    let handled: Vec<Found> =
        value_runs(&found_handles, |x, y| x.0 == y.0, |h| &h.4).filter_map(|run| shared_handle(&run)).collect();
    let mut relationships = Vec::new();
    let mut hubs = Vec::new();
    for found in shared.into_iter().chain(handled) {
        match found {
            Found::Hub(hub) => hubs.push(hub),
            Found::Relationships(found) => relationships.extend(found),
        }
    }
    for pair in near {
        let (ea, eb) = (entities[pair.a as usize], entities[pair.b as usize]);
        if ea == eb {
            continue;
        }
        let (a, b, ra, rb) = if ea < eb { (ea, eb, pair.a, pair.b) } else { (eb, ea, pair.b, pair.a) };
        let name = |r: RecordIndex| records[r as usize].label(sources);
        relationships.push(Relationship {
            a,
            b,
            kind: Kind::NearMatch,
            via: format!("{} ~ {}", name(ra), name(rb)),
            strength: pair.probability,
            records_a: vec![ra],
            records_b: vec![rb],
        });
    }
    relationships.par_sort_by(|x, y| (x.a, x.b, x.kind, &x.via).cmp(&(y.a, y.b, y.kind, &y.via)));
    relationships.dedup_by(|x, y| (x.a, x.b, x.kind, &x.via) == (y.a, y.b, y.kind, &y.via));
    hubs.sort_by(|x, y| y.entities.cmp(&x.entities).then_with(|| (x.kind, &x.value).cmp(&(y.kind, &y.value))));
    (relationships, hubs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Attribute;
    use crate::record::Values;

    fn record(source: u32, id: &str, values: Vec<Vec<&str>>) -> Record {
        let values = Values::from_lists(values);
        Record { source, id: id.into(), line: 1, values: values.clone(), normalized: values }
    }

    fn attributes(kinds: &[AttributeKind]) -> Vec<Attribute> {
        kinds.iter().map(|&kind| Attribute { name: kind.to_string(), kind }).collect()
    }

    #[test]
    fn a_shared_card_relates_two_entities_and_a_vpn_exit_is_a_hub() {
        let attributes = attributes(&[AttributeKind::Card, AttributeKind::Ip]);
        let mut records = vec![
            record(0, "a", vec![vec!["4111111111111111"], vec!["10.0.0.1"]]),
            record(0, "b", vec![vec!["4111111111111111"], vec!["10.0.0.1"]]),
            // A masked card relates no one.
            record(0, "c", vec![vec!["411111******1111"], vec!["10.0.0.1"]]),
            record(0, "d", vec![vec!["411111******1111"], vec!["10.0.0.1"]]),
        ];
        for i in 0..MAX_SHARING {
            records.push(record(0, &format!("v{i}"), vec![vec![], vec!["10.0.0.1"]]));
        }
        let entities: Vec<u32> = (1..=records.len() as u32).collect();
        let (relationships, hubs) = find(&attributes, &["s".into()], &records, None, &entities, &[]);
        assert_eq!(relationships.len(), 1, "{relationships:?}");
        assert_eq!((relationships[0].a, relationships[0].b, relationships[0].kind), (1, 2, Kind::SharedCard));
        assert_eq!(relationships[0].via, "4111111111111111");
        assert_eq!(relationships[0].strength, 1.0);
        assert_eq!(hubs, [Hub { kind: Kind::SharedIp, value: "10.0.0.1".into(), entities: 14 }]);
    }

    #[test]
    fn an_address_and_a_username_of_one_handle_relate_whether_handles_are_made_or_read() {
        let kinds = [AttributeKind::Email, AttributeKind::Username];
        let attributes = attributes(&kinds);
        let records = vec![
            record(0, "a", vec![vec!["dark.angel99@gmail.com"], vec![]]),
            record(0, "b", vec![vec![], vec!["d4rk_angel99"]]),
            record(0, "c", vec![vec!["sarah@gmail.com"], vec!["bob"]]),
        ];
        let handles = Handles::new(&records, &kinds);
        let made = find(&attributes, &["s".into()], &records, None, &[1, 2, 3], &[]);
        let read = find(&attributes, &["s".into()], &records, Some(&handles), &[1, 2, 3], &[]);
        assert_eq!(made, read);
        let (relationships, _) = read;
        assert_eq!(relationships.len(), 1, "{relationships:?}");
        assert_eq!((relationships[0].a, relationships[0].b, relationships[0].kind), (1, 2, Kind::EmailUsername));
        assert_eq!(relationships[0].via, "darkangei99");
    }

    #[test]
    fn values_of_one_hash_make_a_run_each() {
        // Sorted by (hash, entity, record): `b` and `c` share a hash (as two
        // values may), their holders interleaved.
        let sorted = [(1, 1, 0, "a"), (1, 2, 1, "a"), (7, 1, 2, "c"), (7, 2, 3, "b"), (7, 3, 4, "c"), (9, 4, 5, "d")];
        let runs: Vec<Vec<(u64, u32, RecordIndex, &str)>> =
            value_runs(&sorted, |x, y| x.0 == y.0, |v| v.3).map(|run| run.to_vec()).collect();
        assert_eq!(
            runs,
            [
                vec![(1, 1, 0, "a"), (1, 2, 1, "a")],
                vec![(7, 2, 3, "b")],
                vec![(7, 1, 2, "c"), (7, 3, 4, "c")],
                vec![(9, 4, 5, "d")],
            ]
        );
    }

    #[test]
    fn records_of_one_entity_relate_nothing() {
        let attributes = attributes(&[AttributeKind::Card]);
        let records =
            vec![record(0, "a", vec![vec!["4111111111111111"]]), record(0, "b", vec![vec!["4111111111111111"]])];
        let (relationships, hubs) = find(&attributes, &["s".into()], &records, None, &[1, 1], &[]);
        assert!(relationships.is_empty() && hubs.is_empty());
    }
}
