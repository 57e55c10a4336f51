//! Profiles: which perturbations a run applies.
//!
//! - `quickstart` (the default) is what `data/quickstart` is made with: typos, case changes,
//!   trailing digits, alternative addresses, missing fields ([`crate::Rates`]).
//! - `identity` adds, on top of those, the disguises that identifier-aware comparators are
//!   meant to see through ([`crate::disguise`]: leetspeak, decorations, separators, Cyrillic
//!   look-alikes, full-width forms, Gmail variants, `+tags`, typo domains, addresses made from
//!   a handle, masked cards) and planted structure they must not be fooled by
//!   ([`crate::person`]: VPN hubs shared by dozens to hundreds of strangers, strangers with
//!   very common names, strangers whose handles differ only in trailing digits). How often is
//!   in [`IdentityRates`].
//!
//! The identity profile draws from streams of its own ([`Purpose::Disguise`], …): it first
//! makes each record exactly as the quickstart profile would for that person (whose name,
//! username or IPs planted structure may have changed), then disguises it. The quickstart
//! profile never touches those streams, so its output does not change.

use clap::ValueEnum;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::Config;
use crate::disguise::{
    PLUS_TAG_DOMAINS, change_separators, confusable, decorate, full_width, gmail_variant, leet, mask_card, plus_tag,
    typo_domain,
};
use crate::names::ascii_fold;
use crate::person::Person;
use crate::rng::{Purpose, stream};
use crate::sources::{ChatParticipant, ForumAccount, PaymentsCustomer, SLOTS};

/// Which perturbations a run applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Profile {
    /// Typos, case changes, trailing digits, alternative addresses, missing fields: the
    /// bundled `data/quickstart`.
    #[default]
    Quickstart,
    /// Quickstart's perturbations plus identity disguises (leetspeak, look-alike letters,
    /// Gmail variants, typo domains, masked cards, …), VPN hubs, common-name strangers and
    /// strangers whose handles differ only in trailing digits.
    Identity,
}

/// How often the identity profile applies each disguise and plants each structure: a
/// probability per record or value (per person where noted).
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityRates {
    /// Per person: writes their handle in leetspeak on some records (`s4r4h_and3rs0n`),
    /// always the same way.
    pub leet_person: f64,
    /// Per forum username or chat handle of such a person: the record shows the leet form.
    pub leet_record: f64,
    /// Per username or handle: decorated (`xX_darkangel99_Xx`, `darkangel99__`), or an
    /// existing `xX…Xx` taken off.
    pub decoration: f64,
    /// Per username or handle: separators changed, dropped or inserted (`dark.angel99` for
    /// `dark_angel99`, `dark_angel99` for `darkangel99`).
    pub separator: f64,
    /// Per username, handle or display name: one, two or all of the Latin letters that have a
    /// Cyrillic look-alike (а е о р с у х і ѕ …) replaced by it.
    pub confusable: f64,
    /// Per username, handle or display name: written in full-width forms.
    pub full_width: f64,
    /// Per Gmail address shown: dots moved, a `+tag`, `googlemail.com`, or a combination.
    pub gmail_variant: f64,
    /// Per address shown at a provider with plus addressing (Outlook, Hotmail, Live, iCloud,
    /// Proton, Yandex): a `+tag`.
    pub plus_tag: f64,
    /// Per address shown: a misspelt provider domain (`gmial.com`, `hotmial.com`, `yaho.com`,
    /// `gmail.co`), where the provider is a big one.
    pub domain_typo: f64,
    /// Per payments row with an address (half that per chat participant): the address is the
    /// one the person made from their handle (`dark.angel99@gmail.com` for `darkangel99`).
    pub handle_email: f64,
    /// Per payments row: the card number masked (`411111******1111`, `************1111`).
    pub masked_card: f64,
    /// Per person: connects through one of a few VPN hub IPs shared by 30–200 strangers each
    /// (fewer, smaller hubs in small runs).
    pub vpn_hub: f64,
    /// Per person: given one of a few very common full names, shared with about four strangers.
    pub common_name: f64,
    /// Per person: one of a pair of strangers whose usernames differ only in their trailing
    /// digits (`shadowwolf98`, `shadowwolf99`).
    pub digit_stranger: f64,
}

impl Default for IdentityRates {
    fn default() -> Self {
        Self {
            leet_person: 0.10,
            leet_record: 0.5,
            decoration: 0.05,
            separator: 0.08,
            confusable: 0.03,
            full_width: 0.005,
            gmail_variant: 0.15,
            plus_tag: 0.10,
            domain_typo: 0.02,
            handle_email: 0.15,
            masked_card: 0.25,
            vpn_hub: 0.08,
            common_name: 0.03,
            digit_stranger: 0.02,
        }
    }
}

/// How many values each identity disguise changed in a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Usernames and handles shown in leetspeak.
    pub leet: u64,
    /// Usernames and handles decorated or undecorated.
    pub decoration: u64,
    /// Usernames and handles with their separators changed.
    pub separator: u64,
    /// Usernames, handles and display names with Cyrillic look-alikes.
    pub confusable: u64,
    /// Usernames, handles and display names in full-width forms.
    pub full_width: u64,
    /// Gmail addresses written another way.
    pub gmail_variant: u64,
    /// Addresses at other providers with a `+tag`.
    pub plus_tag: u64,
    /// Addresses with a misspelt domain.
    pub domain_typo: u64,
    /// Records showing the address made from the person's handle.
    pub handle_email: u64,
    /// Payments rows with a masked card.
    pub masked_card: u64,
}

impl Tally {
    /// Each counter with its name, in declaration order.
    pub fn entries(&self) -> [(&'static str, u64); 10] {
        [
            ("leet", self.leet),
            ("decoration", self.decoration),
            ("separator", self.separator),
            ("confusable", self.confusable),
            ("full_width", self.full_width),
            ("gmail_variant", self.gmail_variant),
            ("plus_tag", self.plus_tag),
            ("domain_typo", self.domain_typo),
            ("handle_email", self.handle_email),
            ("masked_card", self.masked_card),
        ]
    }
}

/// Source numbers mixed into a record's disguise stream.
const FORUM: u64 = 0;
const PAYMENTS: u64 = 1;
const CHAT: u64 = 2;

/// The disguise stream of the `k`-th record of a person in a source.
fn disguise_stream(cfg: &Config, person: &Person, k: u64, source: u64) -> ChaCha8Rng {
    stream(cfg.seed, Purpose::Disguise, (person.index * SLOTS + k) * 4 + source)
}

/// A username or handle as one record shows it: separators, leetspeak, look-alikes,
/// decoration, full width, each with its rate.
fn disguise_handle(
    cfg: &Config,
    rates: &IdentityRates,
    rng: &mut ChaCha8Rng,
    person: &Person,
    handle: String,
    tally: &mut Tally,
) -> String {
    let leet_writer = person.traits.as_ref().is_some_and(|t| t.leet);
    let separator_here = rng.random_bool(rates.separator);
    let leet_here = leet_writer && rng.random_bool(rates.leet_record);
    let confusable_here = rng.random_bool(rates.confusable);
    let decoration_here = rng.random_bool(rates.decoration);
    let full_width_here = rng.random_bool(rates.full_width);
    let mut handle = handle;
    if separator_here {
        let (first, last) = (ascii_fold(person.first), ascii_fold(person.last));
        let new = change_separators(rng, &handle, &[&first, &last]);
        apply(&mut tally.separator, new, &mut handle);
    }
    if leet_here {
        // The person's own stream: the same handle comes out the same on every record.
        let new = leet(&mut stream(cfg.seed, Purpose::Leet, person.index), &handle);
        apply(&mut tally.leet, new, &mut handle);
    }
    if confusable_here {
        let new = confusable(rng, &handle);
        apply(&mut tally.confusable, new, &mut handle);
    }
    if decoration_here {
        let new = decorate(rng, &handle);
        apply(&mut tally.decoration, new, &mut handle);
    }
    if full_width_here {
        apply(&mut tally.full_width, full_width(&handle), &mut handle);
    }
    handle
}

/// A display name as one record shows it: look-alikes, full width.
fn disguise_name(rates: &IdentityRates, rng: &mut ChaCha8Rng, name: String, tally: &mut Tally) -> String {
    let confusable_here = rng.random_bool(rates.confusable);
    let full_width_here = rng.random_bool(rates.full_width);
    let mut name = name;
    if confusable_here {
        let new = confusable(rng, &name);
        tally.confusable += u64::from(new != name);
        name = new;
    }
    if full_width_here {
        let new = full_width(&name);
        tally.full_width += u64::from(new != name);
        name = new;
    }
    name
}

/// An address as one record shows it: a Gmail variant or a `+tag`, a misspelt domain.
fn disguise_email(rates: &IdentityRates, rng: &mut ChaCha8Rng, email: String, tally: &mut Tally) -> String {
    let Some((local, domain)) = email.split_once('@') else {
        return email;
    };
    let lower = domain.to_ascii_lowercase();
    let (mut local, mut domain) = (local.to_owned(), domain.to_owned());
    if lower == "gmail.com" {
        if rng.random_bool(rates.gmail_variant) {
            let (l, d) = gmail_variant(rng, &local);
            (local, domain) = (l, d.to_owned());
            tally.gmail_variant += 1;
        }
    } else if PLUS_TAG_DOMAINS.contains(&lower.as_str()) && rng.random_bool(rates.plus_tag) {
        local = plus_tag(rng, &local);
        tally.plus_tag += 1;
    }
    if rng.random_bool(rates.domain_typo)
        && let Some(typo) = typo_domain(rng, &domain)
    {
        domain = typo.to_owned();
        tally.domain_typo += 1;
    }
    format!("{local}@{domain}")
}

/// The address the person made from their handle, if they have one.
fn handle_email(person: &Person) -> Option<&String> {
    person.traits.as_ref().and_then(|t| t.handle_email.as_ref())
}

/// Disguises the `k`-th forum account of a person.
pub(crate) fn disguise_forum(
    cfg: &Config,
    rates: &IdentityRates,
    person: &Person,
    k: u64,
    account: &mut ForumAccount,
    tally: &mut Tally,
) {
    let mut rng = disguise_stream(cfg, person, k, FORUM);
    let rng = &mut rng;
    account.username = disguise_handle(cfg, rates, rng, person, std::mem::take(&mut account.username), tally);
    if let Some(email) = account.email.take() {
        account.email = Some(disguise_email(rates, rng, email, tally));
    }
}

/// Disguises the `k`-th payments customer of a person.
pub(crate) fn disguise_payments(
    cfg: &Config,
    rates: &IdentityRates,
    person: &Person,
    k: u64,
    customer: &mut PaymentsCustomer,
    tally: &mut Tally,
) {
    let mut rng = disguise_stream(cfg, person, k, PAYMENTS);
    let rng = &mut rng;
    if let Some(email) = customer.email.take() {
        let email = match handle_email(person) {
            Some(own) if rng.random_bool(rates.handle_email) => {
                tally.handle_email += 1;
                own.clone()
            }
            _ => email,
        };
        customer.email = Some(disguise_email(rates, rng, email, tally));
    }
    if rng.random_bool(rates.masked_card) {
        let card = person.cards.get(k as usize).unwrap_or(&person.cards[0]);
        customer.card_number = mask_card(rng, card);
        tally.masked_card += 1;
    }
}

/// Disguises the `k`-th chat participant of a person.
pub(crate) fn disguise_chat(
    cfg: &Config,
    rates: &IdentityRates,
    person: &Person,
    k: u64,
    participant: &mut ChatParticipant,
    tally: &mut Tally,
) {
    let mut rng = disguise_stream(cfg, person, k, CHAT);
    let rng = &mut rng;
    participant.handle = disguise_handle(cfg, rates, rng, person, std::mem::take(&mut participant.handle), tally);
    if let Some(name) = participant.display_name.take() {
        participant.display_name = Some(disguise_name(rates, rng, name, tally));
    }
    if let Some(own) = handle_email(person)
        && rng.random_bool(rates.handle_email / 2.0)
        && !participant.emails.iter().any(|e| e.eq_ignore_ascii_case(own))
    {
        participant.emails.truncate(1);
        if participant.emails.len() == 1 && rng.random_bool(0.5) {
            participant.emails[0] = own.clone();
        } else {
            participant.emails.push(own.clone());
        }
        tally.handle_email += 1;
    }
    let emails = std::mem::take(&mut participant.emails);
    participant.emails = emails.into_iter().map(|e| disguise_email(rates, rng, e, tally)).collect();
}

/// Replaces `handle` with `new`, counting it when it differs.
fn apply(counter: &mut u64, new: String, handle: &mut String) {
    if new != *handle {
        *counter += 1;
        *handle = new;
    }
}
