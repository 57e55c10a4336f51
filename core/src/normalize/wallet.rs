//! Normalization of the `crypto_wallet` kind: cryptocurrency addresses.
//!
//! Whether case matters depends on the encoding, so the canonical form does too:
//!
//! | address                                   | canonical form                  | why                        |
//! |-------------------------------------------|---------------------------------|----------------------------|
//! | Bech32 / Bech32m (`bc1…`, `tb1…`, `bcrt1…`) | lower case                    | case-insensitive by spec   |
//! | Ethereum (`0x` + 40 hex digits)           | lower case                      | EIP-55 case is a checksum only |
//! | Base58 (`1…`, `3…`, and other chains' Base58 addresses of 25–44 characters) | kept as written | case-sensitive |
//!
//! Values are read after Unicode NFKC and trimmed; a `bitcoin:` (BIP 21) or `ethereum:` (EIP 681)
//! URI is reduced to its address (`?amount=…`, and for Ethereum `pay-`, `@chain` and `/function`,
//! are dropped). Any other value is not dropped: it keeps its [`baseline`] form and is compared as
//! a string. Base58 addresses of chains Sleuth does not know (Solana, Tron, Litecoin…) keep their
//! case too: lower-casing them could merge two different addresses.
//!
//! Checksums are verified by [`flag`], which reads the *raw* value: an EIP-55 checksum lives in the
//! case of the hex digits, which the canonical form no longer has. Base58Check uses `bs58`,
//! Bech32/Bech32m (BIP 173/350, the witness version choosing the variant) uses `bech32`, and EIP-55
//! uses Keccak-256 from `sha3`; only the EIP-55 letter-by-letter rule is written here (a loop over
//! the hash's nibbles).
//!
//! ```
//! use sleuth_core::normalize::wallet;
//! let raw = "ethereum:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed@1?value=1e18";
//! assert_eq!(wallet::normalize(raw).as_deref(), Some("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"));
//! assert_eq!(wallet::flag(raw), None);
//! assert_eq!(wallet::flag("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"), Some("fails the EIP-55 checksum"));
//! ```

use sha3::{Digest, Keccak256};
use unicode_normalization::UnicodeNormalization;

use crate::normalize::baseline;

/// The Bech32 data characters (BIP 173), in lower case.
const BECH32_CHARSET: &str = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
/// The Base58 alphabet (Bitcoin's): no `0`, `O`, `I` or `l`.
const BASE58_ALPHABET: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/// The human-readable parts of Bitcoin segwit addresses: mainnet, testnet and signet, regtest.
const BITCOIN_HRPS: [&str; 3] = ["bc", "tb", "bcrt"];

/// The chain an address belongs to, as far as its form tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Chain {
    /// Bitcoin: Base58Check (`1…`, `3…`, testnet `m…`, `n…`, `2…`) or segwit Bech32/Bech32m.
    Bitcoin,
    /// Ethereum and the chains sharing its address format: `0x` and 40 hex digits.
    Ethereum,
}

/// The canonical form of a wallet address, or the baseline form of a value
/// that is not one; `None` for a blank value.
///
/// ```
/// use sleuth_core::normalize::wallet::normalize;
/// assert_eq!(normalize(" BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ ").as_deref(),
///            Some("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"));
/// assert_eq!(normalize("bitcoin:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2?amount=0.1").as_deref(),
///            Some("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"));
/// assert_eq!(normalize("Unknown Wallet").as_deref(), Some("unknown wallet"));
/// ```
pub fn normalize(raw: &str) -> Option<String> {
    let text: String = raw.nfkc().collect();
    if let Some(address) = read(&text) {
        return Some(address);
    }
    // Not an address as written. Its baseline form may read as one (lower
    // case can turn `I` into a Base58 `i`); taking that address then keeps
    // normalizing idempotent, since an address reads as itself.
    let text = baseline::normalize(raw)?;
    Some(read(&text).unwrap_or(text))
}

/// The canonical address in `text` (after NFKC), or `None` when it holds none.
fn read(text: &str) -> Option<String> {
    let address = strip_uri(text.trim());
    if is_ethereum(address) {
        Some(format!("0x{}", address[2..].to_ascii_lowercase()))
    } else if is_bitcoin_bech32(address) {
        Some(address.to_ascii_lowercase())
    } else if is_base58(address) {
        Some(address.to_string())
    } else {
        None
    }
}

/// The address of a `bitcoin:` or `ethereum:` URI (scheme in any case); any
/// other text unchanged.
fn strip_uri(text: &str) -> &str {
    let scheme_end = text.find(':').filter(|&end| {
        let scheme = &text[..end];
        scheme.eq_ignore_ascii_case("bitcoin") || scheme.eq_ignore_ascii_case("ethereum")
    });
    let Some(end) = scheme_end else { return text };
    let rest = &text[end + 1..];
    let rest = rest.strip_prefix("pay-").unwrap_or(rest);
    // `?` ends a BIP 21 address; `@` and `/` also end an EIP 681 one (neither occurs in an address).
    rest.split(['?', '@', '/']).next().unwrap_or(rest).trim()
}

/// `0x` (or `0X`) and 40 hex digits in any case.
fn is_ethereum(s: &str) -> bool {
    s.len() == 42 && (s.starts_with("0x") || s.starts_with("0X")) && s[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// A Bitcoin human-readable part, `1`, then Bech32 data characters, in any
/// case (the checksum is not verified here).
fn is_bitcoin_bech32(s: &str) -> bool {
    if !(14..=90).contains(&s.len()) || !s.is_ascii() {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    BITCOIN_HRPS.iter().any(|hrp| {
        lower
            .strip_prefix(hrp)
            .and_then(|rest| rest.strip_prefix('1'))
            .is_some_and(|data| data.len() >= 7 && data.chars().all(|c| BECH32_CHARSET.contains(c)))
    })
}

/// 25 to 44 characters of the Base58 alphabet: the lengths of Base58
/// addresses, from Bitcoin's (26–35) to Solana's (32–44).
fn is_base58(s: &str) -> bool {
    (25..=44).contains(&s.len()) && s.chars().all(|c| BASE58_ALPHABET.contains(c))
}

/// A Base58 address of Bitcoin's form: `1`, `3` (mainnet) or `m`, `n`, `2`
/// (testnet), 26 to 35 characters.
fn is_bitcoin_base58(s: &str) -> bool {
    (26..=35).contains(&s.len()) && s.starts_with(['1', '3', 'm', 'n', '2']) && is_base58(s)
}

/// The chain of a canonical value, by its form alone (checksums are
/// [`flag`]'s business); `None` for other chains' addresses and other text.
///
/// ```
/// use sleuth_core::normalize::wallet::{chain, Chain};
/// assert_eq!(chain("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"), Some(Chain::Bitcoin));
/// assert_eq!(chain("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"), Some(Chain::Ethereum));
/// assert_eq!(chain("unknown wallet"), None);
/// ```
pub fn chain(canonical: &str) -> Option<Chain> {
    if is_ethereum(canonical) {
        Some(Chain::Ethereum)
    } else if is_bitcoin_bech32(canonical) || is_bitcoin_base58(canonical) {
        Some(Chain::Bitcoin)
    } else {
        None
    }
}

/// A problem with a **raw** value worth reporting: `"fails the Base58Check
/// checksum"`, `"fails the Bech32 checksum"` (which also covers mixed case and
/// a witness program of the wrong length) or `"fails the EIP-55 checksum"`
/// (only for mixed-case hex: all lower or all upper case carries no
/// checksum). `None` when the address checks out or is of a form not checked.
pub fn flag(raw: &str) -> Option<&'static str> {
    let text: String = raw.nfkc().collect();
    let address = strip_uri(text.trim());
    if is_ethereum(address) {
        (!eip55_valid(&address[2..])).then_some("fails the EIP-55 checksum")
    } else if is_bitcoin_bech32(address) {
        bech32::segwit::decode(address).is_err().then_some("fails the Bech32 checksum")
    } else if is_bitcoin_base58(address) {
        bs58::decode(address).with_check(None).into_vec().is_err().then_some("fails the Base58Check checksum")
    } else {
        None
    }
}

/// Whether 40 hex digits pass EIP-55: unless all one case, a letter is upper
/// case exactly when the matching nibble of the Keccak-256 hash of the
/// lower-case digits is 8 or more.
fn eip55_valid(hex: &str) -> bool {
    let has_upper = hex.bytes().any(|b| b.is_ascii_uppercase());
    let has_lower = hex.bytes().any(|b| b.is_ascii_lowercase());
    if !(has_upper && has_lower) {
        return true;
    }
    let hash = Keccak256::digest(hex.to_ascii_lowercase().as_bytes());
    hex.bytes().enumerate().all(|(i, b)| {
        let nibble = if i % 2 == 0 { hash[i / 2] >> 4 } else { hash[i / 2] & 0x0f };
        !b.is_ascii_alphabetic() || b.is_ascii_uppercase() == (nibble >= 8)
    })
}

/// The families [`blocking_keys`] names its keys by, every one it can emit.
pub const KEY_FAMILIES: &[&str] = &["address"];

/// Emits the blocking key of a canonical value as `(family, key)`: family
/// `address`, the canonical value itself (for any value: an address of a
/// chain Sleuth does not know is still an exact key).
pub fn blocking_keys(canonical: &str, emit: &mut dyn FnMut(&str, &str)) {
    if !canonical.is_empty() {
        emit("address", canonical);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SATOSHI: &str = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2";
    const EIP55: &str = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

    #[test]
    fn normalizes_each_encoding_by_its_case_rules() {
        for (raw, canonical) in [
            (SATOSHI, SATOSHI),
            ("  3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy\t", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
            ("bitcoin:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", SATOSHI),
            ("BITCOIN:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2?amount=20.3&label=Luke-Jr", SATOSHI),
            ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
            ("BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
            (
                "bitcoin:BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4?amount=1",
                "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            ),
            (EIP55, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
            ("0X5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
            (
                "ethereum:pay-0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359@1/transfer?value=1",
                "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359",
            ),
            ("０x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
            // A Solana address keeps its case.
            ("7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV", "7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV"),
            // Not addresses: baseline text.
            ("Unknown  Wallet", "unknown wallet"),
            ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae"),
            ("bitcoin:", "bitcoin:"),
            ("litecoin:LaMT348PWRnrqeeWArpwQPbuanpXDZGEUz", "litecoin:lamt348pwrnrqeewarpwqpbuanpxdzgeuz"),
        ] {
            assert_eq!(normalize(raw).as_deref(), Some(canonical), "{raw}");
        }
        assert_eq!(normalize(" "), None);
    }

    #[test]
    fn chain_follows_the_form() {
        for (canonical, expected) in [
            (SATOSHI, Some(Chain::Bitcoin)),
            ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", Some(Chain::Bitcoin)),
            ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", Some(Chain::Bitcoin)),
            ("tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", Some(Chain::Bitcoin)),
            ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", Some(Chain::Ethereum)),
            ("7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV", None),
            ("unknown wallet", None),
        ] {
            assert_eq!(chain(canonical), expected, "{canonical}");
        }
    }

    #[test]
    fn flags_checksum_failures() {
        for (raw, expected) in [
            // Base58Check.
            (SATOSHI, None),
            ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", None),
            ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", None),
            ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", Some("fails the Base58Check checksum")),
            ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNvN2", Some("fails the Base58Check checksum")),
            ("bitcoin:3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLY?amount=1", Some("fails the Base58Check checksum")),
            // Bech32 (witness version 0) and Bech32m (version 1 and up).
            ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", None),
            ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", None),
            ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", None),
            ("bc1py3m7vwnghyne9gnvcjw82j7gqt2rafgdmlmwmqnn3hvcmdm09rjqcgrtxs", None),
            ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp", Some("fails the Bech32 checksum")),
            ("bc1Qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", Some("fails the Bech32 checksum")),
            // Version 1 with a Bech32 checksum, version 0 with a Bech32m one (BIP 350).
            ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", Some("fails the Bech32 checksum")),
            ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", Some("fails the Bech32 checksum")),
            // EIP-55: mixed case is a checksum; one case is not.
            (EIP55, None),
            ("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", None),
            ("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", None),
            ("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", None),
            ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", None),
            ("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED", None),
            ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", Some("fails the EIP-55 checksum")),
            ("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", Some("fails the EIP-55 checksum")),
            ("ethereum:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", Some("fails the EIP-55 checksum")),
            // Forms that are not checked.
            ("7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV", None),
            ("unknown wallet", None),
            ("", None),
        ] {
            assert_eq!(flag(raw), expected, "{raw}");
        }
    }

    #[test]
    fn blocking_key_is_the_canonical_value() {
        let mut keys = Vec::new();
        blocking_keys(SATOSHI, &mut |family, key| keys.push(format!("{family}={key}")));
        assert_eq!(keys, [format!("address={SATOSHI}")]);
    }

    proptest! {
        #[test]
        fn normalizing_twice_equals_once(raw in any::<String>()) {
            let once = normalize(&raw);
            prop_assert_eq!(once.as_deref().and_then(normalize), once.clone());
            let _ = flag(&raw);
            if let Some(canonical) = &once {
                let _ = chain(canonical);
            }
        }

        #[test]
        fn address_like_input_normalizes_twice_equals_once(
            raw in "(bitcoin:|ETHEREUM:pay-)?(0[xX][0-9a-fA-F]{38,41}|[bB][cC]1[0-9a-zA-Z]{8,60}|[1-9A-Za-z]{24,45})(\\?a=1)?"
        ) {
            let once = normalize(&raw);
            prop_assert_eq!(once.as_deref().and_then(normalize), once.clone());
            let _ = flag(&raw);
        }
    }
}
