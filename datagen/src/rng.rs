//! Deterministic randomness that does not depend on generation order.
//!
//! Every random decision is drawn from a [`ChaCha8Rng`] seeded from (run seed, person, purpose),
//! so any part of any person can be regenerated on its own, in any order, in O(1) memory. That
//! is what lets the sources be written shuffled and streamed, whatever the number of persons.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The purposes a random stream is drawn for. Each has its own stream per person, so adding
/// draws to one purpose never shifts the values drawn for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Name, birth date, middle initial.
    Name = 1,
    /// Usernames, emails, phones, IPs.
    Identity = 2,
    /// Payment cards.
    Card = 3,
    /// Which sources a person appears in, and how often.
    Presence = 4,
    /// Global values shared by many persons (VPN exits); "person" is the value's index.
    Shared = 5,
    /// The row order of each source; "person" is the source's index.
    Shuffle = 6,
    /// Identity profile: a person's traits (leetspeak, VPN hub, handle address).
    Traits = 7,
    /// Identity profile: how a person writes their handle in leetspeak.
    Leet = 8,
    /// Identity profile: a VPN hub's size and address; "person" is the hub's index.
    Hub = 9,
    /// Identity profile: whether a person gets a very common name, and which.
    CommonName = 10,
    /// Identity profile: a pair of strangers whose usernames differ only in trailing digits;
    /// "person" is the pair's index.
    DigitPair = 12,
    /// A forum account; the record's slot is mixed into the person.
    Forum = 16,
    /// A payments customer.
    Payments = 17,
    /// A chat participant.
    Chat = 18,
    /// Identity profile: the disguises of one record; the record's slot and source are mixed
    /// into the person.
    Disguise = 19,
    /// Quickstart profile: the IRC log. "Person" is `3 × person` for what a person's
    /// participants share (presence, IPs, idents), `3 × person + 1 + k` for its `k`-th
    /// participant, and `u64::MAX` for the server's lines.
    Irc = 20,
}

/// SplitMix64's finalizer: a fast, well-mixing bijection on `u64`.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The random stream for one purpose of one person (or one slot, one shared value).
pub fn stream(seed: u64, purpose: Purpose, index: u64) -> ChaCha8Rng {
    let key = mix64(mix64(seed ^ mix64(purpose as u64)) ^ index);
    ChaCha8Rng::seed_from_u64(key)
}

/// A keyed pseudo-random permutation of `0..n`: a balanced Feistel network on the smallest
/// even number of bits that covers `n`, with cycle walking. O(1) memory, so a source of any
/// size can be written in shuffled order without holding its rows.
#[derive(Debug, Clone)]
pub struct Permutation {
    n: u64,
    half_bits: u32,
    mask: u64,
    keys: [u64; 4],
}

impl Permutation {
    pub fn new(n: u64, seed: u64, index: u64) -> Self {
        let bits = 64 - n.saturating_sub(1).leading_zeros();
        let half_bits = bits.div_ceil(2).max(1);
        let base = mix64(seed ^ mix64(Purpose::Shuffle as u64 ^ mix64(index)));
        let keys = [0u64, 1, 2, 3].map(|k| mix64(base ^ mix64(k)));
        Self { n, half_bits, mask: (1u64 << half_bits) - 1, keys }
    }

    fn round_trip(&self, x: u64) -> u64 {
        let (mut left, mut right) = (x >> self.half_bits, x & self.mask);
        for key in self.keys {
            let f = mix64(right ^ key) & self.mask;
            (left, right) = (right, left ^ f);
        }
        (left << self.half_bits) | right
    }

    /// The image of `i` (which must be below `n`).
    pub fn apply(&self, i: u64) -> u64 {
        debug_assert!(i < self.n);
        // The Feistel domain is at most 4n, so the walk is short on average; it always ends
        // because the cycle containing `i` comes back to a value below `n`.
        let mut x = self.round_trip(i);
        while x >= self.n {
            x = self.round_trip(x);
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn permutation_is_a_bijection() {
        for n in [0u64, 1, 2, 3, 7, 64, 100, 1000, 4097] {
            let p = Permutation::new(n, 42, 0);
            let mut seen = vec![false; n as usize];
            for i in 0..n {
                let j = p.apply(i);
                assert!(j < n);
                assert!(!seen[j as usize], "n={n}: {j} twice");
                seen[j as usize] = true;
            }
        }
    }

    #[test]
    fn permutation_shuffles() {
        let p = Permutation::new(1000, 42, 0);
        let fixed = (0..1000).filter(|&i| p.apply(i) == i).count();
        assert!(fixed < 20, "{fixed} fixed points");
        let q = Permutation::new(1000, 43, 0);
        assert!((0..1000).any(|i| p.apply(i) != q.apply(i)));
    }

    #[test]
    fn streams_are_independent_and_repeatable() {
        let a: u64 = stream(1, Purpose::Name, 5).random();
        let b: u64 = stream(1, Purpose::Name, 5).random();
        let c: u64 = stream(1, Purpose::Identity, 5).random();
        let d: u64 = stream(2, Purpose::Name, 5).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }
}
