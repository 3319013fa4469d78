//! Receipt handles: opaque to clients, but they name the queue incarnation, the message and
//! which receive of it they came from, so stale and foreign handles can be told apart.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use md5::{Digest, Md5};

const VERSION: u8 = 1;
const LEN: usize = 1 + 8 + 8 + 4 + 4;

/// A decoded receipt handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Receipt {
    /// The queue incarnation that issued it (a queue deleted and created again differs).
    pub queue_uid: u64,
    pub seq: u64,
    /// Which receive of the message issued it (its `ApproximateReceiveCount` then).
    pub receive_count: u32,
}

impl Receipt {
    pub(super) fn encode(&self) -> String {
        let mut bytes = Vec::with_capacity(LEN);
        bytes.push(VERSION);
        bytes.extend_from_slice(&self.queue_uid.to_be_bytes());
        bytes.extend_from_slice(&self.seq.to_be_bytes());
        bytes.extend_from_slice(&self.receive_count.to_be_bytes());
        let check = Md5::digest(&bytes);
        bytes.extend_from_slice(&check[..4]);
        STANDARD.encode(bytes)
    }

    /// `None` for anything Sluice did not issue.
    pub(super) fn decode(handle: &str) -> Option<Receipt> {
        if handle.len() > 64 {
            return None;
        }
        let bytes = STANDARD.decode(handle).ok()?;
        if bytes.len() != LEN || bytes[0] != VERSION {
            return None;
        }
        let check = Md5::digest(&bytes[..LEN - 4]);
        if check[..4] != bytes[LEN - 4..] {
            return None;
        }
        let u64_at = |i: usize| bytes[i..i + 8].try_into().ok().map(u64::from_be_bytes);
        Some(Receipt {
            queue_uid: u64_at(1)?,
            seq: u64_at(9)?,
            receive_count: u32::from_be_bytes(bytes[17..21].try_into().ok()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_tampering() {
        let r = Receipt {
            queue_uid: 7,
            seq: 1 << 40,
            receive_count: 3,
        };
        let handle = r.encode();
        assert_eq!(Receipt::decode(&handle), Some(r));
        let mut bytes = STANDARD.decode(&handle).expect("b64");
        bytes[10] ^= 1;
        assert_eq!(Receipt::decode(&STANDARD.encode(bytes)), None);
        assert_eq!(Receipt::decode("not-a-handle"), None);
        assert_eq!(Receipt::decode(""), None);
        assert_eq!(Receipt::decode(&"A".repeat(10_000)), None);
    }
}
