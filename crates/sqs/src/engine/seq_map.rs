//! `BySeq`: maps keyed by a queue's message sequence numbers, with a one-multiply hasher.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes sequence numbers with one multiply: they are dense, never attacker-chosen, and
/// hashing them with SipHash showed up in profiles.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct SeqHasher(u64);

impl Hasher for SeqHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(super) type BySeq<V> = HashMap<u64, V, BuildHasherDefault<SeqHasher>>;
