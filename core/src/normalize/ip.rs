//! Normalization of the `ip` kind: IP addresses to the form `std::net` prints.
//!
//! Rules, after the [baseline]:
//! - IPv4 in dotted-decimal form, each part read as a decimal number of one to
//!   three digits, so leading zeros go (`192.168.001.020` → `192.168.1.20`; not
//!   octal, as some old C parsers read it). A port suffix is removed
//!   (`10.0.0.1:8080` → `10.0.0.1`): it names a connection, not the address.
//! - IPv6 in its compressed lower-case form (`2001:DB8:0:0::1` → `2001:db8::1`),
//!   optionally in brackets with a port (`[2001:db8::1]:443`); a zone id
//!   (`fe80::1%eth0`) is removed, as it names an interface of the machine that
//!   logged the address. An IPv4-mapped address (`::ffff:192.0.2.1`) is the
//!   IPv4 address it carries, so both spellings of one address agree.
//! - Anything else (a host name, a CIDR block, a typo) stays the baseline text.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::baseline;

/// The canonical form of an IP address, or the baseline text when `raw` is not
/// one; `None` for a blank value.
///
/// ```
/// use sleuth_core::normalize::ip::normalize;
/// assert_eq!(normalize(" 192.168.001.020:8080 ").as_deref(), Some("192.168.1.20"));
/// assert_eq!(normalize("2001:0DB8:0000:0000:0000:0000:0000:0001").as_deref(), Some("2001:db8::1"));
/// assert_eq!(normalize("::ffff:192.0.2.1").as_deref(), Some("192.0.2.1"));
/// assert_eq!(normalize("Proxy Host").as_deref(), Some("proxy host"));
/// ```
pub fn normalize(raw: &str) -> Option<String> {
    let text = baseline::normalize(raw)?;
    if let Some(v4) = parse_v4(&text) {
        // Dotted decimal without a leading zero is the form std prints: kept
        // as it is rather than printed again (a tenth of the kind's cost).
        let printed = text.split('.').all(|part| part == "0" || !part.starts_with('0'));
        return Some(if printed { text } else { v4.to_string() });
    }
    Some(parse(&text).map_or(text, |address| address.to_string()))
}

/// The address `text` (already baseline-normalized) denotes, if it is one.
fn parse(text: &str) -> Option<IpAddr> {
    if let Some(v4) = parse_v4(text) {
        return Some(IpAddr::V4(v4));
    }
    // `a.b.c.d:port`: exactly one colon, so it cannot be IPv6.
    if let Some((host, port)) = text.split_once(':')
        && !port.contains(':')
        && is_port(port)
    {
        return parse_v4(host).map(IpAddr::V4);
    }
    let v6 = parse_v6(text)?;
    Some(match v6.to_ipv4_mapped() {
        Some(v4) => IpAddr::V4(v4),
        None => IpAddr::V6(v6),
    })
}

/// Dotted-decimal IPv4, leading zeros allowed (std's parser rejects them).
fn parse_v4(text: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = text.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *octet = part.parse().ok()?;
    }
    parts.next().is_none().then_some(Ipv4Addr::from(octets))
}

/// IPv6, bare or as `[address]` or `[address]:port`, with any zone id removed.
fn parse_v6(text: &str) -> Option<Ipv6Addr> {
    let inner = match text.strip_prefix('[') {
        Some(rest) => {
            let (inner, after) = rest.split_once(']')?;
            if !(after.is_empty() || after.strip_prefix(':').is_some_and(is_port)) {
                return None;
            }
            inner
        }
        None => text,
    };
    let address = match inner.split_once('%') {
        Some((address, zone)) if !zone.is_empty() => address,
        Some(_) => return None,
        None => inner,
    };
    address.parse().ok()
}

fn is_port(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) && text.parse::<u16>().is_ok()
}

/// The families [`blocking_keys`] names its keys by, every one it can emit.
pub const KEY_FAMILIES: &[&str] = &["address"];

/// Blocking keys of a canonical address: family `address`, the canonical form.
pub fn blocking_keys(canonical: &str, emit: &mut dyn FnMut(&str, &str)) {
    if !canonical.is_empty() {
        emit("address", canonical);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn addresses_take_their_canonical_form() {
        let cases = [
            ("192.168.1.20", "192.168.1.20"),
            (" 192.168.001.020 ", "192.168.1.20"),
            ("010.000.000.001", "10.0.0.1"),
            ("203.0.113.7:8080", "203.0.113.7"),
            ("203.0.113.7:65535", "203.0.113.7"),
            ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
            ("2001:db8::1", "2001:db8::1"),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("fe80::1%eth0", "fe80::1"),
            ("::ffff:192.0.2.1", "192.0.2.1"),
            ("::FFFF:C000:0201", "192.0.2.1"),
            ("::1", "::1"),
            ("::", "::"),
            ("０.０.０.０", "0.0.0.0"),
            // Not addresses: kept as text.
            ("256.1.1.1", "256.1.1.1"),
            ("1.2.3", "1.2.3"),
            ("1.2.3.4.5", "1.2.3.4.5"),
            ("10.0.0.0/8", "10.0.0.0/8"),
            ("10.0.0.1:99999", "10.0.0.1:99999"),
            ("10.0.0.1:", "10.0.0.1:"),
            ("1.2.3.+4", "1.2.3.+4"),
            ("2001:db8::1:8080:1:2:3:4:5", "2001:db8::1:8080:1:2:3:4:5"),
            ("[2001:db8::1]x", "[2001:db8::1]x"),
            ("fe80::1%", "fe80::1%"),
            ("VPN Exit", "vpn exit"),
        ];
        for (raw, expected) in cases {
            assert_eq!(normalize(raw).as_deref(), Some(expected), "{raw}");
        }
        assert_eq!(normalize("  "), None);
    }

    #[test]
    fn blocking_keys_are_the_address() {
        let mut keys = Vec::new();
        blocking_keys("192.168.1.20", &mut |family, key| keys.push((family.to_string(), key.to_string())));
        assert_eq!(keys, [("address".to_string(), "192.168.1.20".to_string())]);
    }

    proptest! {
        #[test]
        fn normalizing_twice_equals_once(raw in any::<String>()) {
            let once = normalize(&raw);
            prop_assert_eq!(once.as_deref().and_then(normalize), once);
        }

        #[test]
        fn addresses_normalize_to_a_fixed_point(v4 in any::<[u8; 4]>(), v6 in any::<[u16; 8]>(), port in any::<u16>()) {
            let octets = v4;
            let v4 = Ipv4Addr::from(v4);
            prop_assert_eq!(normalize(&v4.to_string()), Some(v4.to_string()));
            let padded = octets.map(|o| format!("{o:03}")).join(".");
            prop_assert_eq!(normalize(&padded), Some(v4.to_string()));
            prop_assert_eq!(normalize(&format!("{v4}:{port}")), Some(v4.to_string()));
            let v6 = Ipv6Addr::from(v6);
            let once = normalize(&format!("[{v6}]:{port}"));
            prop_assert_eq!(once.as_deref().and_then(normalize), once.clone());
            prop_assert!(once.is_some_and(|canonical| canonical.parse::<IpAddr>().is_ok()));
        }
    }
}
