//! A stream's configuration as a `StreamRecord` and back: what the journal records after a
//! change to a stream, and how restore rebuilds the stream (its records follow separately).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use sluice_core::Timestamp;

use super::consumer::{Consumer, ConsumerStatus};
use super::hashkey::HashKeyRange;
use super::journal::{ConsumerRecord, KinesisJournal, ShardRecord, StreamRecord};
use super::shard::Shard;
use super::stream::{ShardMetric, Stream, StreamMode, StreamStatus, WarmThroughput};
use super::values::EncryptionType;

fn status_text(status: StreamStatus) -> &'static str {
    status.as_str()
}

fn status_of(text: &str) -> Result<StreamStatus, String> {
    [
        StreamStatus::Creating,
        StreamStatus::Deleting,
        StreamStatus::Active,
        StreamStatus::Updating,
    ]
    .into_iter()
    .find(|s| s.as_str() == text)
    .ok_or_else(|| format!("unknown stream status {text}"))
}

fn consumer_status_of(text: &str) -> Result<ConsumerStatus, String> {
    [
        ConsumerStatus::Creating,
        ConsumerStatus::Deleting,
        ConsumerStatus::Active,
    ]
    .into_iter()
    .find(|s| s.as_str() == text)
    .ok_or_else(|| format!("unknown consumer status {text}"))
}

impl Stream {
    pub(crate) fn to_record(&self) -> StreamRecord {
        StreamRecord {
            account: self.key.account.as_str().to_owned(),
            region: self.key.region.as_str().to_owned(),
            name: self.key.name.clone(),
            created: self.created.0,
            status: status_text(self.status).to_owned(),
            status_until: self.status_until.0,
            mode: self.mode.as_str().to_owned(),
            retention_hours: self.retention_hours,
            shards: self
                .shards
                .values()
                .map(|s| ShardRecord {
                    index: s.index,
                    range: (s.range.start.to_string(), s.range.end.to_string()),
                    parents: s.parents.clone(),
                    start_counter: s.start_counter,
                    end_counter: s.end_counter,
                    created: s.created.0,
                    closed: s.closed.map(|t| t.0),
                })
                .collect(),
            next_shard_index: self.next_shard_index,
            counter: self.counter,
            tags: self.tags.clone(),
            encryption: self.encryption.as_str().to_owned(),
            key_id: self.key_id.clone(),
            metrics: self.metrics.iter().map(|m| m.as_str().to_owned()).collect(),
            max_record_size_kib: self.max_record_size_kib,
            warm_throughput: self
                .warm_throughput
                .map(|w| (w.target_mibps, w.current_mibps)),
            policy: self.policy.clone(),
            consumers: self
                .consumers
                .iter()
                .map(|c| ConsumerRecord {
                    name: c.name.clone(),
                    arn: c.arn.clone(),
                    status: c.status.as_str().to_owned(),
                    created: c.created.0,
                    status_until: c.status_until.0,
                    tags: c.tags.clone(),
                    policy: c.policy.clone(),
                    arn_secs: c.arn_secs,
                })
                .collect(),
            consumer_arn_secs: self.consumer_arn_secs.clone(),
            scalings: self.scalings.iter().map(|t| t.0).collect(),
            last_write: self.last_write.0,
        }
    }

    /// A stored stream, without its records (restore appends them next).
    pub(crate) fn from_record(record: &StreamRecord) -> Result<Stream, String> {
        let mut shards = BTreeMap::new();
        for s in &record.shards {
            let parse = |t: &str| t.parse::<u128>().map_err(|_| format!("bad hash key {t}"));
            let range = HashKeyRange {
                start: parse(&s.range.0)?,
                end: parse(&s.range.1)?,
            };
            let mut shard = Shard::new(
                s.index,
                range,
                s.parents.clone(),
                s.start_counter,
                Timestamp(s.created),
            );
            shard.end_counter = s.end_counter;
            shard.closed = s.closed.map(Timestamp);
            shards.insert(s.index, shard);
        }
        let mut metrics = BTreeSet::new();
        for name in &record.metrics {
            metrics.extend(ShardMetric::parse(name).ok_or("unknown metric")?);
        }
        let consumers = record
            .consumers
            .iter()
            .map(|c| {
                Ok(Consumer {
                    name: c.name.clone(),
                    arn: c.arn.clone(),
                    status: consumer_status_of(&c.status)?,
                    created: Timestamp(c.created),
                    status_until: Timestamp(c.status_until),
                    tags: c.tags.clone(),
                    policy: c.policy.clone(),
                    arn_secs: c.arn_secs,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Stream {
            key: record.key()?,
            created: Timestamp(record.created),
            status: status_of(&record.status)?,
            status_until: Timestamp(record.status_until),
            mode: StreamMode::parse(&record.mode).ok_or("unknown stream mode")?,
            retention_hours: record.retention_hours,
            shards,
            next_shard_index: record.next_shard_index,
            counter: record.counter,
            tags: record.tags.clone(),
            encryption: EncryptionType::parse(&record.encryption).ok_or("unknown encryption")?,
            key_id: record.key_id.clone(),
            metrics,
            max_record_size_kib: record.max_record_size_kib,
            warm_throughput: record.warm_throughput.map(|(target_mibps, current_mibps)| {
                WarmThroughput {
                    target_mibps,
                    current_mibps,
                }
            }),
            policy: record.policy.clone(),
            consumers,
            consumer_arn_secs: record.consumer_arn_secs.clone(),
            scalings: record
                .scalings
                .iter()
                .copied()
                .map(Timestamp)
                .collect::<VecDeque<_>>(),
            last_write: Timestamp(record.last_write),
            retained_bytes: 0,
            journal: KinesisJournal::default(),
        })
    }
}
