//! Nanoseconds per call of each kind's normalizer and comparator, on
//! real-looking values: `cargo bench --bench identifiers`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sleuth_core::compare::{Identifier, Method};
use sleuth_core::normalize::{self, Context, username};
use sleuth_core::record::AttributeKind;

/// A raw value per kind, and two raw values to compare.
const CASES: &[(AttributeKind, &str, &str, &str)] = &[
    (AttributeKind::Username, "xX_D4rk_Ang3l99_Xx", "dark.angel99", "darkangel98"),
    (AttributeKind::Email, "S.A.R.A.H+shop@GoogleMail.com", "sarah@gmail.com", "sarah.anderson@gmial.com"),
    (AttributeKind::Card, "4111 1111 1111 1111", "411111******1111", "XXXX-XXXX-XXXX-1111"),
    (AttributeKind::Iban, "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "GB82WEST12345698765433"),
    (
        AttributeKind::CryptoWallet,
        "bitcoin:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
        "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    ),
    (AttributeKind::Phone, "+44 20 7946 0018", "020 7946 0018", "+44 20 7946 0019"),
    (AttributeKind::Name, "Anderson, Sarah J.", "sarah anderson", "sara andersen"),
    (AttributeKind::Date, "3 April 1985", "1985-04-03", "1985-03-04"),
    (AttributeKind::Ip, "192.168.001.020", "192.168.1.20", "192.168.1.77"),
];

fn normalizers(c: &mut Criterion) {
    let context = Context { default_region: Some("GB".into()) };
    let mut group = c.benchmark_group("normalize");
    for &(kind, raw, _, _) in CASES {
        group.bench_function(kind.as_str(), |b| b.iter(|| normalize::normalize(kind, black_box(raw), &context)));
    }
    group.finish();
}

fn comparators(c: &mut Criterion) {
    let context = Context { default_region: Some("GB".into()) };
    let mut group = c.benchmark_group("compare");
    for &(kind, _, a, b) in CASES {
        let method = match Identifier::for_kind(kind) {
            Some(identifier) => Method::Identifier(identifier),
            None => sleuth_core::compare::default_method(kind),
        };
        let a = normalize::normalize(kind, a, &context).expect("a value");
        let b = normalize::normalize(kind, b, &context).expect("a value");
        group.bench_function(kind.as_str(), |bench| bench.iter(|| method.level(black_box(&a), black_box(&b))));
    }
    let email = normalize::normalize(AttributeKind::Email, "dark.angel99@gmail.com", &context).expect("an email");
    let username = normalize::normalize(AttributeKind::Username, "DarkAngel99", &context).expect("a username");
    let handle = Method::Identifier(Identifier::Handle);
    group
        .bench_function("email_username", |bench| bench.iter(|| handle.level(black_box(&email), black_box(&username))));
    group.finish();
}

/// Username skeletons (made for blocking, comparing and relating every
/// handle): plain, decorated and Cyrillic look-alike handles.
fn skeletons(c: &mut Criterion) {
    let mut group = c.benchmark_group("skeleton");
    for (name, handle) in
        [("plain", "sarah_anderson85"), ("decorated", "xx_d4rk_ang3l99_xx"), ("cyrillic", "ѕаrаh_аndеrsоn")]
    {
        group.bench_function(name, |b| b.iter(|| username::skeleton(black_box(handle))));
    }
    group.finish();
}

/// Phone numbers written internationally, as most payment exports give
/// them: codes of one region (+48) and codes several regions share (+1,
/// +7, +44), where the number picks its region by its digits.
fn phones(c: &mut Criterion) {
    let context = Context { default_region: None };
    let mut group = c.benchmark_group("phone");
    for (name, raw) in [
        ("one_region", "+48-886-273-639"),
        ("us", "+1 512 460 9373"),
        ("jamaica", "+1 876 555 0123"),
        ("russia", "+7 938 819 5988"),
        ("britain", "+44 20 7946 0018"),
        ("idd", "0044 740 374 6468"),
    ] {
        group.bench_function(name, |b| b.iter(|| normalize::normalize(AttributeKind::Phone, black_box(raw), &context)));
    }
    group.finish();
}

criterion_group!(benches, normalizers, comparators, skeletons, phones);
criterion_main!(benches);
