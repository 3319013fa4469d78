//! `IdSource`: where message ids, request ids and other random identifiers come from —
//! real randomness in production, a seeded sequence in tests so outputs are reproducible.

use std::sync::atomic::{AtomicU64, Ordering};

/// Produces UUID-shaped identifiers, either random or from a deterministic seed.
#[derive(Debug)]
pub struct IdSource {
    seeded: Option<AtomicU64>,
}

impl IdSource {
    /// Random v4 UUIDs.
    pub fn random() -> IdSource {
        IdSource { seeded: None }
    }

    /// A reproducible sequence of UUID-shaped ids derived from `seed`.
    pub fn seeded(seed: u64) -> IdSource {
        IdSource {
            seeded: Some(AtomicU64::new(seed)),
        }
    }

    /// 128 bits of identifier.
    pub fn next_u128(&self) -> u128 {
        match &self.seeded {
            #[allow(clippy::disallowed_methods)] // the one sanctioned source of randomness
            None => uuid::Uuid::new_v4().as_u128(),
            Some(state) => {
                let a = splitmix64(state.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed));
                let b = splitmix64(a ^ 0xD1B5_4A32_D192_ED03);
                (u128::from(a) << 64) | u128::from(b)
            }
        }
    }

    /// 128 bits with the version and variant bits of a v4 UUID.
    pub fn uuid_u128(&self) -> u128 {
        let bits = self.next_u128();
        (bits & !(0xF << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62)
    }

    /// A lower-case hyphenated UUID string.
    pub fn uuid(&self) -> String {
        uuid::Uuid::from_u128(self.uuid_u128())
            .hyphenated()
            .to_string()
    }
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
    fn random_ids_are_unique() {
        let ids = IdSource::random();
        assert_ne!(ids.uuid(), ids.uuid());
    }
}
