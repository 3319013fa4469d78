//! Per-shard throughput limits over a sliding one-second window: writes (1 MiB and 1000
//! records per second) and reads (5 GetRecords calls and 2 MiB per second). Only consulted
//! when the registry's throttling flag is on.

use std::collections::VecDeque;

use sluice_core::Timestamp;

/// Records a shard may take per second.
pub const WRITE_RECORDS_PER_SEC: u64 = 1000;
/// Bytes (data + partition key) a shard may take per second.
pub const WRITE_BYTES_PER_SEC: u64 = 1024 * 1024;
/// GetRecords calls a shard serves per second.
pub const READ_CALLS_PER_SEC: u64 = 5;
/// Bytes a shard returns per second.
pub const READ_BYTES_PER_SEC: u64 = 2 * 1024 * 1024;

const WINDOW_MS: u64 = 1000;

/// Events of the last second: (when, count, bytes), with running sums.
#[derive(Debug, Default, Clone)]
pub(crate) struct Window {
    events: VecDeque<(Timestamp, u64, u64)>,
    count: u64,
    bytes: u64,
}

impl Window {
    fn slide(&mut self, now: Timestamp) {
        while let Some(&(at, count, bytes)) = self.events.front() {
            if at.plus_millis(WINDOW_MS) > now {
                break;
            }
            self.count = self.count.saturating_sub(count);
            self.bytes = self.bytes.saturating_sub(bytes);
            self.events.pop_front();
        }
    }

    /// Whether `count` more events of `bytes` fit under the limits now; does not record them.
    pub(crate) fn fits(
        &mut self,
        now: Timestamp,
        count: u64,
        bytes: u64,
        limits: (u64, u64),
    ) -> bool {
        self.slide(now);
        self.count.saturating_add(count) <= limits.0 && self.bytes.saturating_add(bytes) <= limits.1
    }

    /// Counts events that happened at `now`.
    pub(crate) fn record(&mut self, now: Timestamp, count: u64, bytes: u64) {
        self.slide(now);
        self.count = self.count.saturating_add(count);
        self.bytes = self.bytes.saturating_add(bytes);
        // Events of the same millisecond share one slot: a second holds at most 1000.
        match self.events.back_mut() {
            Some((at, c, b)) if *at == now => {
                *c = c.saturating_add(count);
                *b = b.saturating_add(bytes);
            }
            _ => self.events.push_back((now, count, bytes)),
        }
    }

    /// Bytes counted in the window ending at `now`.
    pub(crate) fn bytes(&mut self, now: Timestamp) -> u64 {
        self.slide(now);
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_window_slides() {
        let limits = (WRITE_RECORDS_PER_SEC, WRITE_BYTES_PER_SEC);
        let mut w = Window::default();
        // (at ms, records, bytes, expected fit) applied in order; fitting events are recorded.
        let steps = [
            (1_000, 999, 10, true),
            (1_500, 1, 10, true),
            (1_600, 1, 10, false),
            (2_000, 1, 10, true), // the 999 from t=1000 left the window
            (2_100, 1, WRITE_BYTES_PER_SEC, false),
            (3_600, 0, WRITE_BYTES_PER_SEC, true),
        ];
        for (at, count, bytes, fit) in steps {
            let now = Timestamp(at);
            assert_eq!(w.fits(now, count, bytes, limits), fit, "t={at}");
            if fit {
                w.record(now, count, bytes);
            }
        }
    }

    #[test]
    fn read_calls_limited_to_five() {
        let limits = (READ_CALLS_PER_SEC, READ_BYTES_PER_SEC);
        let mut w = Window::default();
        for i in 0..5 {
            assert!(w.fits(Timestamp(10 + i), 1, 0, limits));
            w.record(Timestamp(10 + i), 1, 0);
        }
        assert!(!w.fits(Timestamp(500), 1, 0, limits));
        assert!(w.fits(Timestamp(1_010), 1, 0, limits));
        assert_eq!(w.bytes(Timestamp(1_010)), 0);
    }
}
