//! Change records of the Kinesis engine, handed to the process's `ChangeLog` under the
//! stream's lock, and the shapes restore hands back. A stream's configuration (shards with
//! their lineage and counters, settings, consumers, policies) is small and recorded whole
//! after each change to it; records are recorded as they are appended, one change per
//! PutRecord(s) call, and trimming records how far each shard's log was cut.

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use sluice_core::{AccountId, Journal, Region, Timestamp};

use super::names::StreamKey;
use super::values::EncryptionType;

/// A Kinesis engine's change log.
pub type KinesisJournal = Journal<Change>;

#[derive(Debug, Clone)]
pub enum Change {
    /// A new stream: whatever an earlier stream of the same name left is gone.
    StreamCreated(Arc<StreamRecord>),
    StreamSaved(Arc<StreamRecord>),
    /// The stream's deletion completed.
    StreamDeleted {
        arn: Arc<str>,
    },
    RecordsAppended(Arc<AppendedRecords>),
    /// An account's settings in a region (the minimum throughput billing commitment).
    AccountSaved(Arc<AccountRecord>),
    /// Every account's settings are gone (the admin reset).
    AccountsCleared,
    /// Shard `shard` keeps only records with counters `>= below` (`u64::MAX`: none).
    Trimmed {
        arn: Arc<str>,
        shard: u32,
        below: u64,
    },
}

/// One account's settings in one region, as stored (JSON in the store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRecord {
    pub account: String,
    pub region: String,
    /// `ENABLED`, `DISABLED` or `ENABLED_UNTIL_EARLIEST_ALLOWED_END`; none if never set.
    pub status: Option<String>,
    pub started_at: Option<u64>,
    pub ended_at: Option<u64>,
    pub earliest_allowed_end_at: Option<u64>,
}

/// The records one PutRecord(s) call appended (they share an arrival time).
#[derive(Debug, Clone)]
pub struct AppendedRecords {
    pub arn: Arc<str>,
    pub arrival: Timestamp,
    pub encryption: EncryptionType,
    pub records: Vec<AppendedRecord>,
}

#[derive(Debug, Clone)]
pub struct AppendedRecord {
    pub shard: u32,
    pub counter: u64,
    pub partition_key: String,
    pub data: Bytes,
}

/// A stream's configuration, as stored (JSON in the store; every field a plain value).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StreamRecord {
    pub account: String,
    pub region: String,
    pub name: String,
    pub created: u64,
    pub status: String,
    pub status_until: u64,
    pub mode: String,
    pub retention_hours: u32,
    pub shards: Vec<ShardRecord>,
    pub next_shard_index: u32,
    pub counter: u64,
    pub tags: BTreeMap<String, String>,
    pub encryption: String,
    pub key_id: Option<String>,
    pub metrics: Vec<String>,
    pub max_record_size_kib: u32,
    pub warm_throughput: Option<(u32, u32)>,
    pub policy: Option<String>,
    pub consumers: Vec<ConsumerRecord>,
    pub consumer_arn_secs: BTreeMap<String, u64>,
    pub scalings: Vec<u64>,
    pub last_write: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardRecord {
    pub index: u32,
    /// The hash key range, as decimal text (128-bit).
    pub range: (String, String),
    pub parents: Vec<u32>,
    pub start_counter: u64,
    pub end_counter: Option<u64>,
    pub created: u64,
    pub closed: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConsumerRecord {
    pub name: String,
    pub arn: String,
    pub status: String,
    pub created: u64,
    pub status_until: u64,
    pub tags: BTreeMap<String, String>,
    pub policy: Option<String>,
    pub arn_secs: u64,
}

impl StreamRecord {
    /// The stream's ARN.
    pub fn arn(&self) -> Result<String, String> {
        Ok(self.key()?.arn())
    }

    pub fn key(&self) -> Result<StreamKey, String> {
        Ok(StreamKey {
            account: AccountId::parse(&self.account).ok_or("bad account id")?,
            region: Region::parse(&self.region).ok_or("bad region")?,
            name: self.name.clone(),
        })
    }
}
