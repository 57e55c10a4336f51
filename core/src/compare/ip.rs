//! Comparison of the `ip` kind, on addresses in the canonical form of
//! [`normalize::ip`](crate::normalize::ip).
//!
//! Levels, best first: the same address; the same network (the same /24 for
//! IPv4, the same /64 for IPv6: one household's or office's line, one
//! customer's prefix); different. Values that are not addresses, or an IPv4
//! against an IPv6 address, are only ever exact or different.

use std::net::IpAddr;

use super::prepared::Value;

/// The labels of the levels [`level`] gives, best first.
pub const LEVELS: &[&str] = &["exact", "same_subnet", "different"];

const EXACT: usize = 0;
const SAME_SUBNET: usize = 1;
const DIFFERENT: usize = 2;

/// The agreement level (an index into [`LEVELS`]) of two canonical values.
///
/// ```
/// use sleuth_core::compare::ip::{level, LEVELS};
/// assert_eq!(LEVELS[level("192.168.1.20", "192.168.1.77")], "same_subnet");
/// assert_eq!(LEVELS[level("2001:db8::1", "2001:db8::ff:1")], "same_subnet");
/// assert_eq!(LEVELS[level("192.168.1.20", "192.168.2.20")], "different");
/// ```
pub fn level(a: &str, b: &str) -> usize {
    level_of(Value::plain(a), Value::plain(b))
}

/// [`level`] of two values with their prepared forms.
pub fn level_of(a: Value, b: Value) -> usize {
    if a.text == b.text {
        return EXACT;
    }
    match (a.ip(), b.ip()) {
        (Some(IpAddr::V4(a)), Some(IpAddr::V4(b))) if a.octets()[..3] == b.octets()[..3] => SAME_SUBNET,
        (Some(IpAddr::V6(a)), Some(IpAddr::V6(b))) if a.segments()[..4] == b.segments()[..4] => SAME_SUBNET,
        _ => DIFFERENT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn levels_follow_the_network() {
        let cases = [
            ("192.168.1.20", "192.168.1.20", "exact"),
            ("192.168.1.20", "192.168.1.77", "same_subnet"),
            ("10.0.0.1", "10.0.0.254", "same_subnet"),
            ("192.168.1.20", "192.168.2.20", "different"),
            ("192.168.1.20", "193.168.1.20", "different"),
            ("2001:db8:0:1::1", "2001:db8:0:1:ffff::2", "same_subnet"),
            ("2001:db8:0:1::1", "2001:db8:0:2::1", "different"),
            // An IPv4 address against an IPv6 one, and non-addresses.
            ("192.0.2.1", "::c000:201", "different"),
            ("vpn exit", "vpn exit", "exact"),
            ("vpn exit", "vpn exit 2", "different"),
            ("10.0.0.0/8", "10.0.0.1", "different"),
        ];
        for (a, b, expected) in cases {
            assert_eq!(LEVELS[level(a, b)], expected, "{a} vs {b}");
            assert_eq!(level(a, b), level(b, a), "{a} vs {b}");
        }
        assert_eq!(LEVELS.last(), Some(&"different"));
    }

    const VALUES: &str = "[0-9a-f.:]{0,20}|\\PC{0,12}";

    proptest! {
        #[test]
        fn levels_are_symmetric_and_deterministic(a in VALUES, b in VALUES) {
            let level_ab = level(&a, &b);
            prop_assert!(level_ab < LEVELS.len());
            prop_assert_eq!(level_ab, level(&b, &a));
            prop_assert_eq!(level_ab, level(&a, &b));
        }

        #[test]
        fn addresses_in_one_subnet_agree(prefix in any::<[u8; 3]>(), x in any::<u8>(), y in any::<u8>()) {
            let a = format!("{}.{}.{}.{x}", prefix[0], prefix[1], prefix[2]);
            let b = format!("{}.{}.{}.{y}", prefix[0], prefix[1], prefix[2]);
            prop_assert_eq!(level(&a, &b), if x == y { EXACT } else { SAME_SUBNET });
        }
    }
}
