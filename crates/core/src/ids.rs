//! `IdSource`: where message ids, request ids and other identifiers come from — a stream
//! seeded once from the OS in production (so ids do not cost a system call each), a fixed
//! seed in tests so outputs are reproducible. Ids must be unique, not secret.

use std::sync::atomic::{AtomicU64, Ordering};

/// Produces UUID-shaped identifiers from a 128-bit seed and a counter.
#[derive(Debug)]
pub struct IdSource {
    counter: AtomicU64,
    key: u64,
}

impl IdSource {
    /// Ids seeded from the operating system's randomness.
    pub fn random() -> IdSource {
        #[allow(clippy::disallowed_methods)] // the one sanctioned source of randomness
        let seed = uuid::Uuid::new_v4().as_u128();
        IdSource {
            counter: AtomicU64::new(seed as u64),
            key: (seed >> 64) as u64,
        }
    }

    /// A reproducible sequence of ids derived from `seed`.
    pub fn seeded(seed: u64) -> IdSource {
        IdSource {
            counter: AtomicU64::new(seed),
            key: 0,
        }
    }

    /// 128 bits of identifier: two rounds of splitmix64 over a counter, so no two calls of
    /// one source ever repeat their first 64 bits.
    pub fn next_u128(&self) -> u128 {
        let a = splitmix64(
            self.counter
                .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed),
        );
        let b = splitmix64(a ^ self.key ^ 0xD1B5_4A32_D192_ED03);
        (u128::from(a) << 64) | u128::from(b)
    }

    /// 128 bits with the version and variant bits of a v4 UUID.
    pub fn uuid_u128(&self) -> u128 {
        let bits = self.next_u128();
        (bits & !(0xF << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62)
    }

    /// A lower-case hyphenated UUID string.
    pub fn uuid(&self) -> String {
        format_uuid(self.uuid_u128())
    }
}

/// Formats 128 bits as `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` without intermediate strings.
pub fn format_uuid(id: u128) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 36];
    let mut nibble = 0;
    for (i, slot) in out.iter_mut().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            *slot = b'-';
            continue;
        }
        *slot = HEX[((id >> (124 - 4 * nibble)) & 0xF) as usize];
        nibble += 1;
    }
    // Only ASCII hex digits and hyphens were written.
    std::str::from_utf8(&out).unwrap_or_default().to_owned()
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_sources_repeat_and_differ_per_call() {
        let a = IdSource::seeded(7);
        let b = IdSource::seeded(7);
        let first = a.uuid();
        assert_eq!(first, b.uuid());
        assert_ne!(first, a.uuid());
        assert_eq!(first.len(), 36);
        assert_eq!(&first[14..15], "4");
    }

    #[test]
    fn uuid_formatting() {
        assert_eq!(
            format_uuid(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
            "01234567-89ab-cdef-0123-456789abcdef"
        );
        let parsed = uuid::Uuid::parse_str(&IdSource::random().uuid()).expect("a uuid");
        assert_eq!(parsed.get_version_num(), 4);
    }

    #[test]
    fn random_ids_are_unique() {
        let ids = IdSource::random();
        assert_ne!(ids.uuid(), ids.uuid());
    }
}
