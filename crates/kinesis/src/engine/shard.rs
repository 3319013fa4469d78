//! One shard: its hash key range, lineage, sequence number range, stored records (trimmed
//! lazily past the retention period) and throughput windows. Positions inside a shard are
//! stream-wide counters (see `seqnum`): "read from counter `c`" means every record whose
//! counter is `>= c`.

use super::shard_log::{ShardLog, StoredRecord};

use bytes::Bytes;
use sluice_core::Timestamp;

use super::hashkey::HashKeyRange;
use super::names::shard_id;
use super::seqnum::SeqNum;
use super::throttle::Window;
use super::values::EncryptionType;

/// A record as GetRecords returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub sequence_number: String,
    /// `ApproximateArrivalTimestamp`, epoch milliseconds.
    pub approximate_arrival: Timestamp,
    pub data: Bytes,
    pub partition_key: String,
    pub encryption_type: EncryptionType,
}

/// A shard's public description (`Shard` in the API).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardInfo {
    pub shard_id: String,
    pub parent_shard_id: Option<String>,
    pub adjacent_parent_shard_id: Option<String>,
    pub hash_key_range: HashKeyRange,
    pub starting_sequence_number: String,
    pub ending_sequence_number: Option<String>,
}

/// A child of a closed shard, as GetRecords and SubscribeToShard list them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildShard {
    pub shard_id: String,
    pub parent_shards: Vec<String>,
    pub hash_key_range: HashKeyRange,
}

#[derive(Debug)]
pub(crate) struct Shard {
    pub index: u32,
    pub range: HashKeyRange,
    /// Shards this one was split or merged from; the first is `ParentShardId`, the second
    /// `AdjacentParentShardId`. UpdateShardCount may give more than two.
    pub parents: Vec<u32>,
    pub start_counter: u64,
    /// The last counter of the shard, set when it is closed.
    pub end_counter: Option<u64>,
    pub created: Timestamp,
    pub closed: Option<Timestamp>,
    pub records: ShardLog,
    /// `shardId-…`, made once: PutRecords answers with it for every record.
    pub id_text: String,
    pub writes: Window,
    pub reads: Window,
}

impl Shard {
    pub(crate) fn new(
        index: u32,
        range: HashKeyRange,
        parents: Vec<u32>,
        start_counter: u64,
        now: Timestamp,
    ) -> Shard {
        Shard {
            index,
            range,
            parents,
            start_counter,
            end_counter: None,
            created: now,
            closed: None,
            records: ShardLog::default(),
            writes: Window::default(),
            reads: Window::default(),
            id_text: shard_id(index),
        }
    }

    pub(crate) fn id(&self) -> String {
        self.id_text.clone()
    }

    pub(crate) fn is_open(&self) -> bool {
        self.end_counter.is_none()
    }

    pub(crate) fn close(&mut self, end_counter: u64, now: Timestamp) {
        if self.end_counter.is_none() {
            self.end_counter = Some(end_counter);
            self.closed = Some(now);
        }
    }

    /// Drops records that arrived `retention_ms` or more before `now`.
    /// Drops the records older than the retention period; returns the bytes they held.
    pub(crate) fn trim(&mut self, now: Timestamp, retention_ms: u64) -> u64 {
        let mut freed = 0;
        while let Some(first) = self.records.front() {
            if first.arrival.plus_millis(retention_ms) > now {
                break;
            }
            freed += first.size();
            self.records.pop_front();
        }
        freed
    }

    /// The bytes (data and partition keys) of the records the shard holds.
    pub(crate) fn retained_bytes(&self) -> u64 {
        self.records.iter_from(0).map(|r| r.size()).sum()
    }

    /// Whether the shard is closed and has been for the whole retention period, so nothing in
    /// it can be read any more and AWS no longer lists it.
    pub(crate) fn expired(&self, now: Timestamp, retention_ms: u64) -> bool {
        self.closed
            .is_some_and(|closed| closed.plus_millis(retention_ms) <= now)
    }

    /// Position of the first stored record whose counter is `>= from`.
    pub(crate) fn position(&self, from: u64) -> usize {
        self.records.partition_point(|r| r.counter < from)
    }

    /// Counter of the oldest readable position (`TRIM_HORIZON`).
    pub(crate) fn trim_horizon(&self) -> u64 {
        self.records
            .front()
            .map_or(self.start_counter, |r| r.counter)
    }

    /// Counter of the first record that arrived at or after `at`, or `tip` when none did.
    /// Arrival times never decrease within a shard (appends clamp them to the stream's
    /// last write), so this is a binary search.
    pub(crate) fn at_timestamp(&self, at: Timestamp, tip: u64) -> u64 {
        let i = self.records.partition_point(|r| r.arrival < at);
        self.records.get(i).map_or(tip, |r| r.counter)
    }

    pub(crate) fn seq(&self, counter: u64, epoch: u64) -> String {
        SeqNum {
            counter,
            shard: self.index,
            epoch,
        }
        .to_text()
    }

    pub(crate) fn info(&self, epoch: u64) -> ShardInfo {
        ShardInfo {
            shard_id: self.id(),
            parent_shard_id: self.parents.first().map(|&p| shard_id(p)),
            adjacent_parent_shard_id: self.parents.get(1).map(|&p| shard_id(p)),
            hash_key_range: self.range,
            starting_sequence_number: self.seq(self.start_counter, epoch),
            ending_sequence_number: self.end_counter.map(|c| self.seq(c, epoch)),
        }
    }

    pub(crate) fn as_child(&self) -> ChildShard {
        ChildShard {
            shard_id: self.id(),
            parent_shards: self.parents.iter().map(|&p| shard_id(p)).collect(),
            hash_key_range: self.range,
        }
    }

    pub(crate) fn to_record(&self, r: &StoredRecord<'_>, epoch: u64) -> Record {
        Record {
            sequence_number: self.seq(r.counter, epoch),
            approximate_arrival: r.arrival,
            data: Bytes::copy_from_slice(r.data),
            partition_key: r.partition_key.to_owned(),
            encryption_type: r.encryption,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_positions_and_timestamps() {
        let mut s = Shard::new(3, HashKeyRange::ALL, vec![1, 2], 10, Timestamp(0));
        for (c, at) in [(11, 1_000), (12, 2_000), (15, 3_000)] {
            s.records
                .push(c, Timestamp(at), "k", b"v", EncryptionType::None);
        }
        let cases = [(0, 0), (11, 0), (12, 1), (13, 2), (15, 2), (16, 3)];
        for (from, pos) in cases {
            assert_eq!(s.position(from), pos, "from {from}");
        }
        assert_eq!(s.at_timestamp(Timestamp(1_500), 99), 12);
        assert_eq!(s.at_timestamp(Timestamp(9_000), 99), 99);
        assert_eq!(s.trim_horizon(), 11);
        s.trim(Timestamp(3_000), 1_000); // everything that arrived at or before 2000 goes
        assert_eq!(s.records.len(), 1);
        assert_eq!(s.trim_horizon(), 15);
        s.trim(Timestamp(10_000), 1_000);
        assert_eq!(s.trim_horizon(), 10);
    }

    #[test]
    fn info_and_lineage() {
        let mut s = Shard::new(
            3,
            HashKeyRange { start: 1, end: 2 },
            vec![1, 2],
            10,
            Timestamp(0),
        );
        assert!(s.is_open());
        let info = s.info(0);
        assert_eq!(info.shard_id, "shardId-000000000003");
        assert_eq!(
            info.parent_shard_id.as_deref(),
            Some("shardId-000000000001")
        );
        assert_eq!(
            info.adjacent_parent_shard_id.as_deref(),
            Some("shardId-000000000002")
        );
        assert_eq!(info.ending_sequence_number, None);
        s.close(20, Timestamp(5));
        assert!(!s.is_open());
        assert!(s.info(0).ending_sequence_number.is_some());
        assert!(!s.expired(Timestamp(1_004), 1_000));
        assert!(s.expired(Timestamp(1_005), 1_000));
        assert_eq!(s.as_child().parent_shards.len(), 2);
    }
}
