//! The `{"cidr": "a.b.c.d/n"}` operator: IPv4/IPv6 network matching of string values.
//!
//! Mirrors AWS's rule engine: exactly one `/`, an integer mask below 32 (IPv4) or 128 (IPv6),
//! and a matched range that runs from the address *as written* to that address with all host
//! bits set (AWS does not clear host bits, so `10.0.0.5/24` covers `10.0.0.5`..`10.0.0.255`).

use std::net::IpAddr;

use super::messages::{self, err};
use super::PolicyError;

/// A compiled CIDR condition: an inclusive address range within one address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CidrRange {
    v6: bool,
    low: u128,
    high: u128,
}

impl CidrRange {
    /// Whether `text` is an IP address literal of the same family inside the range.
    pub(super) fn contains(&self, text: &str) -> bool {
        match text.parse::<IpAddr>() {
            Ok(ip) => {
                let (v6, value) = to_bits(ip);
                v6 == self.v6 && (self.low..=self.high).contains(&value)
            }
            Err(_) => false,
        }
    }
}

fn to_bits(ip: IpAddr) -> (bool, u128) {
    match ip {
        IpAddr::V4(v4) => (false, u128::from(u32::from(v4))),
        IpAddr::V6(v6) => (true, u128::from(v6)),
    }
}

/// Parses the `cidr` pattern text, reporting problems with AWS's wording.
pub(super) fn compile(pattern: &str) -> Result<CidrRange, PolicyError> {
    // Java's String.split drops trailing empty pieces: "a/" and "a//" have one piece.
    let trimmed = pattern.trim_end_matches('/');
    let mut pieces = trimmed.split('/');
    let (Some(address), Some(mask), None) = (pieces.next(), pieces.next(), pieces.next()) else {
        return Err(err(messages::CIDR_ONE_SLASH));
    };
    let mask: i32 = mask
        .parse()
        .map_err(|_| err(messages::CIDR_MASK_NOT_INTEGER))?;
    let mask = u32::try_from(mask).map_err(|_| err(messages::CIDR_MASK_NEGATIVE))?;
    let ip: IpAddr = address
        .parse()
        .map_err(|_| messages::nonstandard_ip(address))?;
    let (v6, low) = to_bits(ip);
    let width = if v6 { 128 } else { 32 };
    if mask >= width {
        let text = if v6 {
            messages::CIDR_IPV6_MASK
        } else {
            messages::CIDR_IPV4_MASK
        };
        return Err(err(text));
    }
    // mask < width <= 128, so the shift amount is in 1..=128; 128 needs special-casing.
    let host_bits = width - mask;
    let host_mask = if host_bits == 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    Ok(CidrRange {
        v6,
        low,
        high: low | host_mask,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_ipv4_networks() {
        let net = compile("10.0.0.0/24").expect("valid");
        for (ip, expected) in [
            ("10.0.0.0", true),
            ("10.0.0.255", true),
            ("10.1.1.0", false),
            ("10.0.1.0", false),
            ("::ffff:10.0.0.1", false),
            ("not an ip", false),
            ("", false),
        ] {
            assert_eq!(net.contains(ip), expected, "{ip}");
        }
        assert!(compile("0.0.0.0/0")
            .expect("valid")
            .contains("255.255.255.255"));
    }

    #[test]
    fn matches_ipv6_networks() {
        let net = compile("2001:db8::/32").expect("valid");
        assert!(net.contains("2001:db8:ffff::1"));
        assert!(!net.contains("2001:db9::1"));
        assert!(!net.contains("10.0.0.1"));
        assert!(compile("::/0").expect("valid").contains("ffff::1"));
    }

    #[test]
    fn range_starts_at_the_written_address() {
        let net = compile("10.0.0.5/24").expect("valid");
        assert!(!net.contains("10.0.0.4"));
        assert!(net.contains("10.0.0.5"));
        assert!(net.contains("10.0.0.255"));
    }

    #[test]
    fn rejects_like_aws() {
        let cases = [
            ("10.0.0.0", messages::CIDR_ONE_SLASH),
            ("10.0.0.0/", messages::CIDR_ONE_SLASH),
            ("10.0.0.0/8/8", messages::CIDR_ONE_SLASH),
            ("10.0.0.0/x", messages::CIDR_MASK_NOT_INTEGER),
            ("10.0.0.0/99999999999", messages::CIDR_MASK_NOT_INTEGER),
            ("10.0.0.0/-1", messages::CIDR_MASK_NEGATIVE),
            ("10.0.0.0/32", messages::CIDR_IPV4_MASK),
            ("::/128", messages::CIDR_IPV6_MASK),
            ("", messages::CIDR_ONE_SLASH),
        ];
        for (text, expected) in cases {
            assert_eq!(
                compile(text).map_err(|e| e.0),
                Err(expected.to_owned()),
                "{text}"
            );
        }
        assert_eq!(
            compile("host.example/8").map_err(|e| e.0),
            Err("Nonstandard IP address: host.example".to_owned())
        );
    }
}
