//! One stream's state: status (moved on lazily from `now`), capacity mode, retention, shards,
//! the stream-wide sequence counter, and the settings the API stores and echoes back. Also
//! the public enums and the description types DescribeStream / DescribeStreamSummary return.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use sluice_core::Timestamp;

use super::consumer::Consumer;
use super::error::KinesisError;
use super::hashkey::{split_evenly, HashKeyRange};
use super::journal::{Change, KinesisJournal};
use super::names::{stream_id, StreamKey};
use super::shard::Shard;
use super::values::EncryptionType;

/// `StreamStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamStatus {
    Creating,
    Deleting,
    Active,
    Updating,
}

impl StreamStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StreamStatus::Creating => "CREATING",
            StreamStatus::Deleting => "DELETING",
            StreamStatus::Active => "ACTIVE",
            StreamStatus::Updating => "UPDATING",
        }
    }
}

/// `StreamMode`: shards managed by the user, or by Kinesis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamMode {
    Provisioned,
    OnDemand,
}

impl StreamMode {
    pub fn as_str(self) -> &'static str {
        match self {
            StreamMode::Provisioned => "PROVISIONED",
            StreamMode::OnDemand => "ON_DEMAND",
        }
    }
    pub fn parse(s: &str) -> Option<StreamMode> {
        match s {
            "PROVISIONED" => Some(StreamMode::Provisioned),
            "ON_DEMAND" => Some(StreamMode::OnDemand),
            _ => None,
        }
    }
}

/// A shard-level metric of enhanced monitoring (`MetricsName`, less `ALL`, which expands).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ShardMetric {
    IncomingBytes,
    IncomingRecords,
    OutgoingBytes,
    OutgoingRecords,
    WriteProvisionedThroughputExceeded,
    ReadProvisionedThroughputExceeded,
    IteratorAgeMilliseconds,
}

impl ShardMetric {
    pub const ALL: [ShardMetric; 7] = [
        ShardMetric::IncomingBytes,
        ShardMetric::IncomingRecords,
        ShardMetric::OutgoingBytes,
        ShardMetric::OutgoingRecords,
        ShardMetric::WriteProvisionedThroughputExceeded,
        ShardMetric::ReadProvisionedThroughputExceeded,
        ShardMetric::IteratorAgeMilliseconds,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ShardMetric::IncomingBytes => "IncomingBytes",
            ShardMetric::IncomingRecords => "IncomingRecords",
            ShardMetric::OutgoingBytes => "OutgoingBytes",
            ShardMetric::OutgoingRecords => "OutgoingRecords",
            ShardMetric::WriteProvisionedThroughputExceeded => "WriteProvisionedThroughputExceeded",
            ShardMetric::ReadProvisionedThroughputExceeded => "ReadProvisionedThroughputExceeded",
            ShardMetric::IteratorAgeMilliseconds => "IteratorAgeMilliseconds",
        }
    }
    /// The metrics a `MetricsName` stands for (`ALL` is every one).
    pub fn parse(s: &str) -> Option<Vec<ShardMetric>> {
        if s == "ALL" {
            return Some(ShardMetric::ALL.to_vec());
        }
        ShardMetric::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .map(|m| vec![m])
    }
}

/// `WarmThroughput` of an on-demand stream, MiB/s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WarmThroughput {
    pub target_mibps: u32,
    pub current_mibps: u32,
}

/// What DescribeStream returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamDescription {
    pub stream_name: String,
    pub stream_arn: String,
    pub status: StreamStatus,
    pub mode: StreamMode,
    pub shards: Vec<super::shard::ShardInfo>,
    pub has_more_shards: bool,
    pub retention_period_hours: u32,
    pub created: Timestamp,
    pub shard_level_metrics: Vec<ShardMetric>,
    pub encryption_type: EncryptionType,
    pub key_id: Option<String>,
}

/// What DescribeStreamSummary returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamDescriptionSummary {
    pub stream_name: String,
    pub stream_arn: String,
    pub stream_id: String,
    pub status: StreamStatus,
    pub mode: StreamMode,
    pub retention_period_hours: u32,
    pub created: Timestamp,
    pub shard_level_metrics: Vec<ShardMetric>,
    pub encryption_type: EncryptionType,
    pub key_id: Option<String>,
    pub open_shard_count: u32,
    pub consumer_count: u32,
    pub warm_throughput: Option<WarmThroughput>,
    pub max_record_size_kib: u32,
}

/// Default retention, hours.
pub const DEFAULT_RETENTION_HOURS: u32 = 24;
/// Default (and minimum) maximum record size, KiB.
pub(super) const DEFAULT_MAX_RECORD_SIZE_KIB: u32 = 1024;

#[derive(Debug)]
pub(crate) struct Stream {
    pub key: StreamKey,
    pub created: Timestamp,
    pub status: StreamStatus,
    /// When the current CREATING / UPDATING / DELETING phase ends.
    pub status_until: Timestamp,
    pub mode: StreamMode,
    pub retention_hours: u32,
    pub shards: BTreeMap<u32, Shard>,
    pub next_shard_index: u32,
    /// The last counter handed out (records and shard boundaries share it).
    pub counter: u64,
    pub tags: BTreeMap<String, String>,
    pub encryption: EncryptionType,
    pub key_id: Option<String>,
    pub metrics: BTreeSet<ShardMetric>,
    pub max_record_size_kib: u32,
    pub warm_throughput: Option<WarmThroughput>,
    pub policy: Option<String>,
    pub consumers: Vec<Consumer>,
    /// The last ARN second given to each consumer name (ARNs are never reused).
    pub consumer_arn_secs: BTreeMap<String, u64>,
    /// When UpdateShardCount ran, for the ten-per-24-hours limit.
    pub scalings: VecDeque<Timestamp>,
    /// The arrival time of the newest record.
    pub last_write: Timestamp,
    /// Bytes (data and partition keys) of the records held, for the process-wide cap.
    pub retained_bytes: u64,
    /// Where trimming is recorded (nowhere without a data dir).
    pub journal: KinesisJournal,
}

impl Stream {
    /// A stream with `shards` evenly split shards, CREATING until `now + delay_ms`.
    pub(crate) fn new(
        key: StreamKey,
        mode: StreamMode,
        shards: u32,
        now: Timestamp,
        delay_ms: u64,
    ) -> Self {
        let mut stream = Stream {
            key,
            created: now,
            status: StreamStatus::Creating,
            status_until: now.plus_millis(delay_ms),
            mode,
            retention_hours: DEFAULT_RETENTION_HOURS,
            shards: BTreeMap::new(),
            next_shard_index: 0,
            counter: 0,
            tags: BTreeMap::new(),
            encryption: EncryptionType::None,
            key_id: None,
            metrics: BTreeSet::new(),
            max_record_size_kib: DEFAULT_MAX_RECORD_SIZE_KIB,
            warm_throughput: None,
            policy: None,
            consumers: Vec::new(),
            consumer_arn_secs: BTreeMap::new(),
            scalings: VecDeque::new(),
            last_write: now,
            retained_bytes: 0,
            journal: KinesisJournal::default(),
        };
        for range in split_evenly(shards) {
            stream.add_shard(range, Vec::new(), now);
        }
        stream.settle(now);
        stream
    }

    /// Creation instant in ms, the `epoch` part of this stream's sequence numbers.
    pub(crate) fn epoch(&self) -> u64 {
        self.created.as_millis()
    }

    pub(crate) fn retention_ms(&self) -> u64 {
        u64::from(self.retention_hours) * 3_600_000
    }

    /// Hands out the next stream-wide counter.
    pub(crate) fn next_counter(&mut self) -> u64 {
        self.counter = self.counter.saturating_add(1);
        self.counter
    }

    /// Opens a new shard covering `range`, returning its index.
    pub(crate) fn add_shard(
        &mut self,
        range: HashKeyRange,
        parents: Vec<u32>,
        now: Timestamp,
    ) -> u32 {
        let index = self.next_shard_index;
        self.next_shard_index = self.next_shard_index.saturating_add(1);
        let start = self.next_counter();
        self.shards
            .insert(index, Shard::new(index, range, parents, start, now));
        index
    }

    /// Closes shard `index` (no-op if already closed or absent).
    pub(crate) fn close_shard(&mut self, index: u32, now: Timestamp) {
        let end = self.next_counter();
        if let Some(shard) = self.shards.get_mut(&index) {
            shard.close(end, now);
        }
    }

    /// Moves CREATING / UPDATING on to ACTIVE once their delay has passed, and applies the
    /// retention period: old records are dropped, closed shards past retention forgotten.
    pub(crate) fn settle(&mut self, now: Timestamp) {
        if matches!(self.status, StreamStatus::Creating | StreamStatus::Updating)
            && now >= self.status_until
        {
            self.status = StreamStatus::Active;
            if let Some(w) = self.warm_throughput.as_mut() {
                w.current_mibps = w.target_mibps;
            }
        }
        let retention = self.retention_ms();
        let mut freed = 0;
        let (journal, key) = (&self.journal, &self.key);
        let trimmed = |shard: u32, below: u64| {
            journal.record(|| Change::Trimmed {
                arn: Arc::from(key.arn()),
                shard,
                below,
            })
        };
        self.shards.retain(|_, s| {
            let expired = s.expired(now, retention);
            if expired {
                freed += s.retained_bytes();
                trimmed(s.index, u64::MAX);
            }
            !expired
        });
        for shard in self.shards.values_mut() {
            let bytes = shard.trim(now, retention);
            if bytes > 0 {
                freed += bytes;
                // Everything before the oldest record kept is gone (all of it if none is).
                let below = shard.records.front().map_or(u64::MAX, |r| r.counter);
                trimmed(shard.index, below);
            }
        }
        self.retained_bytes = self.retained_bytes.saturating_sub(freed);
        for consumer in &mut self.consumers {
            consumer.settle(now);
        }
        self.consumers.retain(|c| !c.gone(now));
    }

    /// Whether a DELETING stream's deletion has completed.
    pub(crate) fn deleted(&self, now: Timestamp) -> bool {
        self.status == StreamStatus::Deleting && now >= self.status_until
    }

    /// Puts the stream in UPDATING until `now + delay_ms`.
    pub(crate) fn begin_update(&mut self, now: Timestamp, delay_ms: u64) {
        self.status = StreamStatus::Updating;
        self.status_until = now.plus_millis(delay_ms);
        self.settle(now);
    }

    /// ResourceInUse unless the stream is ACTIVE.
    pub(crate) fn require_active(&self) -> Result<(), KinesisError> {
        if self.status == StreamStatus::Active {
            return Ok(());
        }
        Err(KinesisError::stream_not_active(
            &self.key.name,
            &self.key.account,
            self.status.as_str(),
        ))
    }

    /// ResourceNotFound unless records can be written and read (ACTIVE or UPDATING).
    pub(crate) fn require_readable(&self) -> Result<(), KinesisError> {
        match self.status {
            StreamStatus::Active | StreamStatus::Updating => Ok(()),
            _ => Err(KinesisError::stream_not_found(
                &self.key.name,
                &self.key.account,
            )),
        }
    }

    pub(crate) fn open_shard_count(&self) -> u32 {
        let open = self.shards.values().filter(|s| s.is_open()).count();
        u32::try_from(open).unwrap_or(u32::MAX)
    }

    /// The open shard whose range holds `hash` (open shards always cover the whole space).
    pub(crate) fn shard_for(&self, hash: u128) -> Option<u32> {
        self.shards
            .values()
            .find(|s| s.is_open() && s.range.contains(hash))
            .map(|s| s.index)
    }

    pub(crate) fn describe(&self, limit: usize, exclusive_start: Option<u32>) -> StreamDescription {
        let epoch = self.epoch();
        let mut shards = self
            .shards
            .values()
            .filter(|s| exclusive_start.is_none_or(|start| s.index > start));
        let page: Vec<_> = shards.by_ref().take(limit).map(|s| s.info(epoch)).collect();
        StreamDescription {
            stream_name: self.key.name.clone(),
            stream_arn: self.key.arn(),
            status: self.status,
            mode: self.mode,
            shards: page,
            has_more_shards: shards.next().is_some(),
            retention_period_hours: self.retention_hours,
            created: self.created,
            shard_level_metrics: self.metrics.iter().copied().collect(),
            encryption_type: self.encryption,
            key_id: self.key_id.clone(),
        }
    }

    pub(crate) fn summary(&self) -> StreamDescriptionSummary {
        StreamDescriptionSummary {
            stream_name: self.key.name.clone(),
            stream_arn: self.key.arn(),
            stream_id: stream_id(&self.key, self.created),
            status: self.status,
            mode: self.mode,
            retention_period_hours: self.retention_hours,
            created: self.created,
            shard_level_metrics: self.metrics.iter().copied().collect(),
            encryption_type: self.encryption,
            key_id: self.key_id.clone(),
            open_shard_count: self.open_shard_count(),
            consumer_count: u32::try_from(self.consumers.len()).unwrap_or(u32::MAX),
            warm_throughput: self.warm_throughput,
            max_record_size_kib: self.max_record_size_kib,
        }
    }
}
