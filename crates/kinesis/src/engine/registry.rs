//! `Registry`: every stream of the process by (account, region, name), each in its own
//! `StreamCell` (lock + write signal), the engine's configuration (status delays, limits,
//! throttling flag) and per-account settings. Stream lifecycle lives here: create, delete,
//! describe, list, limits. Other operations are `impl Registry` blocks in their own modules,
//! each running on one stream through `with_stream`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use sluice_core::{AccountId, Region, Timestamp};
use tokio::sync::Notify;

use super::account::AccountSettings;
use super::codec::{TokenReader, TokenWriter};
use super::error::KinesisError;
use super::journal::{Change, KinesisJournal, StreamRecord};
use super::names::{parse_shard_id, StreamKey};
use super::stream::{
    Stream, StreamDescription, StreamDescriptionSummary, StreamMode, StreamStatus, WarmThroughput,
};
use super::values::{validate_tags, EncryptionType};

/// How the engine behaves; `Default` is instant status changes and AWS's default limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// How long a new stream stays CREATING.
    pub create_delay_ms: u64,
    /// How long resharding and other updates keep a stream UPDATING.
    pub update_delay_ms: u64,
    /// How long a deleted stream stays DELETING before it is gone.
    pub delete_delay_ms: u64,
    /// How long a consumer stays CREATING (and DELETING).
    pub consumer_delay_ms: u64,
    /// Open shards an account may have per region.
    pub shard_limit: u32,
    /// On-demand streams an account may have per region.
    pub on_demand_stream_limit: u32,
    /// Shards a new on-demand stream starts with.
    pub on_demand_shard_count: u32,
    /// Whether per-shard throughput limits are enforced.
    pub throttling: bool,
    /// Record bytes (data and partition keys) the process holds across all streams before
    /// writes are refused with ProvisionedThroughputExceededException (Sluice's own limit,
    /// so that sustained writes without readers cannot exhaust memory).
    pub max_retained_bytes: u64,
}

/// `Config::max_retained_bytes` unless configured: 2 GiB.
pub const DEFAULT_MAX_RETAINED_BYTES: u64 = 2 << 30;

impl Default for Config {
    fn default() -> Self {
        Config {
            create_delay_ms: 0,
            update_delay_ms: 0,
            delete_delay_ms: 0,
            consumer_delay_ms: 0,
            shard_limit: 500,
            on_demand_stream_limit: 50,
            on_demand_shard_count: 4,
            throttling: false,
            max_retained_bytes: DEFAULT_MAX_RETAINED_BYTES,
        }
    }
}

/// CreateStream's parameters after deserialization.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateStream {
    pub shard_count: Option<u32>,
    pub mode: Option<StreamMode>,
    pub tags: BTreeMap<String, String>,
    pub warm_throughput_mibps: Option<u32>,
    pub max_record_size_kib: Option<u32>,
}

/// One ListStreams entry (`StreamSummary`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamSummary {
    pub stream_name: String,
    pub stream_arn: String,
    pub status: StreamStatus,
    pub mode: StreamMode,
    pub created: Timestamp,
}

/// A ListStreams page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamList {
    pub streams: Vec<StreamSummary>,
    pub has_more_streams: bool,
    pub next_token: Option<String>,
}

/// What DescribeLimits returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub shard_limit: u32,
    pub open_shard_count: u32,
    pub on_demand_stream_count: u32,
    pub on_demand_stream_count_limit: u32,
}

const LIST_TOKEN_VERSION: u8 = 1;
/// Streams an account may have CREATING at once.
const MAX_CREATING: usize = 5;

/// One stream and what waits on it. Data-plane calls lock only their stream's cell, so
/// streams never wait on each other.
#[derive(Debug)]
pub struct StreamCell {
    state: Mutex<Stream>,
    /// Signalled after every write and when the stream goes away (SubscribeToShard waits
    /// on it).
    pub written: Notify,
    /// The open shards this stream counts against its account's limit (none once
    /// DELETING). Changed only under `Registry::control`, so the limit checks that hold
    /// it read a stable sum without locking other streams.
    open_shards: AtomicU32,
}

impl StreamCell {
    fn new(stream: Stream) -> StreamCell {
        let open = stream.open_shard_count();
        StreamCell {
            state: Mutex::new(stream),
            written: Notify::new(),
            open_shards: AtomicU32::new(open),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Stream> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn recount(&self, stream: &Stream) {
        let open = if stream.status == StreamStatus::Deleting {
            0
        } else {
            stream.open_shard_count()
        };
        self.open_shards.store(open, Ordering::Relaxed);
    }
}

/// Every stream of the process. Lock order: `control`, then one stream cell, then (briefly)
/// the stream map or the account settings; the map lock is never held while a cell is
/// being locked.
#[derive(Debug, Default)]
pub struct Registry {
    pub(crate) config: Config,
    throttling: AtomicBool,
    streams: RwLock<BTreeMap<StreamKey, Arc<StreamCell>>>,
    pub(crate) accounts: Mutex<BTreeMap<(AccountId, Region), AccountSettings>>,
    /// Record bytes held by all streams (the sum of their `retained_bytes`).
    retained: AtomicU64,
    /// Held by the calls that create, delete or reshard streams: the account-wide counts
    /// they check (shard limit, streams CREATING, on-demand streams) cannot change under
    /// them.
    control: Mutex<()>,
    /// Where stream changes are recorded; every stream gets a copy.
    journal: KinesisJournal,
}

impl Registry {
    /// Ends a stream's CREATING or UPDATING phase, and its consumers' CREATING, at once:
    /// streams a config file declares are ready before Sluice serves.
    pub fn activate(&self, key: &StreamKey, now: Timestamp) {
        let _ = self.change_stream(key, now, |stream| {
            if matches!(
                stream.status,
                StreamStatus::Creating | StreamStatus::Updating
            ) {
                stream.status_until = now;
            }
            for consumer in &mut stream.consumers {
                if consumer.status == super::consumer::ConsumerStatus::Creating {
                    consumer.status_until = now;
                }
            }
            stream.settle(now);
            Ok(())
        });
    }

    /// Settles every stream to `now`: records past retention are dropped and a stream whose
    /// deletion has completed is forgotten, its memory returned, without waiting for a
    /// request to touch it.
    pub fn sweep(&self, now: Timestamp) {
        for (key, _) in self.cells(|_| true) {
            let _ = self.with_cell(&key, now, |_, _| Ok(()));
        }
    }

    /// `(stream ARN, open shards, records held)` of every stream, for inspection and metrics.
    pub fn summaries(&self, now: Timestamp) -> Vec<(String, u32, u64)> {
        self.cells(|_| true)
            .into_iter()
            .filter_map(|(_, cell)| {
                let mut stream = cell.lock();
                stream.settle(now);
                if stream.deleted(now) {
                    return None;
                }
                let records = stream.shards.values().map(|s| s.records.len() as u64).sum();
                Some((stream.key.arn(), stream.open_shard_count(), records))
            })
            .collect()
    }

    pub fn new(config: Config) -> Registry {
        Registry {
            throttling: AtomicBool::new(config.throttling),
            config,
            ..Registry::default()
        }
    }

    /// A registry recording every change to its streams in `journal`.
    pub fn with_journal(mut self, journal: KinesisJournal) -> Registry {
        self.journal = journal;
        self
    }

    /// Where stream and account changes are recorded.
    pub(crate) fn journal(&self) -> &KinesisJournal {
        &self.journal
    }

    /// Puts a stored stream back (restore), without records; they follow through
    /// [`Registry::restore_records`].
    pub fn restore_stream(&self, record: &StreamRecord) -> Result<(), String> {
        let mut stream = Stream::from_record(record)?;
        stream.journal = self.journal.clone();
        let key = stream.key.clone();
        self.streams_write()
            .insert(key, Arc::new(StreamCell::new(stream)));
        Ok(())
    }

    /// Appends stored records to a restored stream's shard, in counter order; the stream's
    /// counter continues after them, so sequence numbers never repeat.
    pub fn restore_records<'a>(
        &self,
        key: &StreamKey,
        shard: u32,
        arrival: Timestamp,
        encryption: EncryptionType,
        records: impl IntoIterator<Item = (u64, &'a str, &'a [u8])>,
    ) -> Result<(), String> {
        let cell = self
            .cell(key)
            .ok_or("records of a stream that is not stored")?;
        let mut stream = cell.lock();
        let stream = &mut *stream;
        let Some(target) = stream.shards.get_mut(&shard) else {
            // The shard expired (closed past retention) after these records were written.
            return Ok(());
        };
        let mut added = 0;
        for (counter, partition_key, data) in records {
            if target
                .records
                .back_counter()
                .is_some_and(|last| counter <= last)
            {
                continue;
            }
            target
                .records
                .push(counter, arrival, partition_key, data, encryption);
            added += (partition_key.len() + data.len()) as u64;
            stream.counter = stream.counter.max(counter);
        }
        stream.last_write = stream.last_write.max(arrival);
        stream.retained_bytes += added;
        self.retained.fetch_add(added, Ordering::Relaxed);
        Ok(())
    }

    /// Applies retention and the passing of time to every restored stream.
    pub fn settle_restored(&self, now: Timestamp) {
        self.sweep(now);
        for (_, cell) in self.cells(|_| true) {
            let stream = cell.lock();
            cell.recount(&stream);
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether per-shard throughput limits are enforced now.
    pub(crate) fn throttling(&self) -> bool {
        self.throttling.load(Ordering::Relaxed)
    }

    /// Turns per-shard throughput limits on or off.
    pub fn set_throttling(&self, on: bool) {
        self.throttling.store(on, Ordering::Relaxed);
    }

    /// Forgets every stream and account setting (the admin reset); whoever waits on a
    /// stream is woken to find it gone.
    pub fn reset(&self) {
        let _control = self.control();
        let cells = std::mem::take(&mut *self.streams_write());
        for key in cells.keys() {
            self.journal.record(|| Change::StreamDeleted {
                arn: Arc::from(key.arn()),
            });
        }
        lock(&self.accounts).clear();
        self.journal.record(|| Change::AccountsCleared);
        self.retained.store(0, Ordering::Relaxed);
        for cell in cells.values() {
            cell.written.notify_waiters();
        }
    }

    fn control(&self) -> MutexGuard<'_, ()> {
        lock(&self.control)
    }

    fn streams_read(&self) -> RwLockReadGuard<'_, BTreeMap<StreamKey, Arc<StreamCell>>> {
        self.streams.read().unwrap_or_else(|e| e.into_inner())
    }

    fn streams_write(&self) -> RwLockWriteGuard<'_, BTreeMap<StreamKey, Arc<StreamCell>>> {
        self.streams.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The cell of the stream `key` names, if there is one (it may be DELETING).
    pub fn cell(&self, key: &StreamKey) -> Option<Arc<StreamCell>> {
        self.streams_read().get(key).cloned()
    }

    /// The cells whose keys pass `filter`, in key order, taken out of the map so that they
    /// can be locked one at a time.
    fn cells(&self, filter: impl Fn(&StreamKey) -> bool) -> Vec<(StreamKey, Arc<StreamCell>)> {
        self.streams_read()
            .iter()
            .filter(|(k, _)| filter(k))
            .map(|(k, c)| (k.clone(), c.clone()))
            .collect()
    }

    /// Drops `cell` from the map if it is still the one filed under `key`.
    fn forget(&self, key: &StreamKey, cell: &Arc<StreamCell>) {
        let mut streams = self.streams_write();
        let removed = streams.get(key).is_some_and(|c| Arc::ptr_eq(c, cell));
        if removed {
            streams.remove(key);
            self.journal.record(|| Change::StreamDeleted {
                arn: Arc::from(key.arn()),
            });
        }
        drop(streams);
        if removed {
            let held = std::mem::take(&mut cell.lock().retained_bytes);
            self.retained.fetch_sub(held, Ordering::Relaxed);
        }
        cell.written.notify_waiters();
    }

    /// Record bytes the process may still take before the cap.
    pub(crate) fn retained_room(&self) -> u64 {
        self.config
            .max_retained_bytes
            .saturating_sub(self.retained.load(Ordering::Relaxed))
    }

    /// Record bytes all streams hold.
    pub fn retained_bytes(&self) -> u64 {
        self.retained.load(Ordering::Relaxed)
    }

    /// Runs `f` on the stream, settled to `now`, under its cell's lock; a stream whose
    /// deletion has completed is removed here and reported missing.
    pub(crate) fn with_stream<R>(
        &self,
        key: &StreamKey,
        now: Timestamp,
        f: impl FnOnce(&mut Stream) -> Result<R, KinesisError>,
    ) -> Result<R, KinesisError> {
        self.with_cell(key, now, |_, stream| f(stream))
    }

    /// `with_stream` for calls that change the stream's configuration: on success the
    /// changed configuration is recorded.
    pub(crate) fn change_stream<R>(
        &self,
        key: &StreamKey,
        now: Timestamp,
        f: impl FnOnce(&mut Stream) -> Result<R, KinesisError>,
    ) -> Result<R, KinesisError> {
        self.access(key, now, true, |_, stream| f(stream))
    }

    /// `with_stream` that also hands `f` the cell (to wake its waiters).
    pub(crate) fn with_cell<R>(
        &self,
        key: &StreamKey,
        now: Timestamp,
        f: impl FnOnce(&StreamCell, &mut Stream) -> Result<R, KinesisError>,
    ) -> Result<R, KinesisError> {
        self.access(key, now, false, f)
    }

    /// Runs `f` on the settled stream under its lock; `save`: record the configuration
    /// after `f` succeeds.
    fn access<R>(
        &self,
        key: &StreamKey,
        now: Timestamp,
        save: bool,
        f: impl FnOnce(&StreamCell, &mut Stream) -> Result<R, KinesisError>,
    ) -> Result<R, KinesisError> {
        let cell = self
            .cell(key)
            .ok_or_else(|| KinesisError::stream_not_found(&key.name, &key.account))?;
        let mut stream = cell.lock();
        if stream.deleted(now) {
            drop(stream);
            self.forget(key, &cell);
            return Err(KinesisError::stream_not_found(&key.name, &key.account));
        }
        let before = stream.retained_bytes;
        stream.settle(now);
        let out = f(&cell, &mut stream);
        if save && out.is_ok() {
            self.journal
                .record(|| Change::StreamSaved(Arc::new(stream.to_record())));
        }
        // Only this call changed the stream's bytes, and under its lock: the delta is exact.
        let after = stream.retained_bytes;
        if after >= before {
            self.retained.fetch_add(after - before, Ordering::Relaxed);
        } else {
            self.retained.fetch_sub(before - after, Ordering::Relaxed);
        }
        out
    }

    /// `with_stream` for calls that may change the stream's open shards: holds `control`
    /// and updates the account's count afterwards.
    pub(crate) fn reshape_stream<R>(
        &self,
        key: &StreamKey,
        now: Timestamp,
        f: impl FnOnce(&mut Stream) -> Result<R, KinesisError>,
    ) -> Result<R, KinesisError> {
        let _control = self.control();
        self.access(key, now, true, |cell, stream| {
            let out = f(stream);
            cell.recount(stream);
            // Subscriptions to closed shards send their last event.
            cell.written.notify_waiters();
            out
        })
    }

    /// Wakes whoever waits on the stream (after a write, or a consumer going away).
    pub(crate) fn signal(&self, key: &StreamKey) {
        if let Some(cell) = self.cell(key) {
            cell.written.notify_waiters();
        }
    }

    /// Settles every stream of an account and region, dropping completed deletions, and
    /// runs `f` on each live one in name order.
    fn for_account(
        &self,
        account: &AccountId,
        region: &Region,
        now: Timestamp,
        mut f: impl FnMut(&Stream),
    ) {
        for (key, cell) in self.cells(|k| &k.account == account && &k.region == region) {
            let mut stream = cell.lock();
            if stream.deleted(now) {
                drop(stream);
                self.forget(&key, &cell);
                continue;
            }
            stream.settle(now);
            f(&stream);
        }
    }

    /// Open shards of the account in the region (deleting streams excluded).
    pub(crate) fn open_shards(&self, account: &AccountId, region: &Region) -> u32 {
        self.streams_read()
            .iter()
            .filter(|(k, _)| &k.account == account && &k.region == region)
            .map(|(_, c)| c.open_shards.load(Ordering::Relaxed))
            .fold(0u32, u32::saturating_add)
    }

    /// LimitExceeded if `additional` more open shards would pass the account's shard limit.
    /// Exact only under `control` (which `reshape_stream` and `create_stream` hold).
    pub(crate) fn check_shard_limit(
        &self,
        key: &StreamKey,
        additional: u32,
    ) -> Result<(), KinesisError> {
        let current = self.open_shards(&key.account, &key.region);
        if current.saturating_add(additional) <= self.config.shard_limit {
            return Ok(());
        }
        Err(KinesisError::LimitExceeded(format!(
            "This request would exceed the shard limit for the account {} in {}. Current shard \
             count for the account: {current}. Limit: {}. Number of additional shards that \
             would have resulted from this request: {additional}.",
            key.account, key.region, self.config.shard_limit
        )))
    }

    /// CreateStream. Without a mode, a shard count means PROVISIONED and none ON_DEMAND.
    pub fn create_stream(
        &self,
        key: &StreamKey,
        params: CreateStream,
        now: Timestamp,
    ) -> Result<(), KinesisError> {
        let mode = params.mode.unwrap_or(match params.shard_count {
            Some(_) => StreamMode::Provisioned,
            None => StreamMode::OnDemand,
        });
        let shards = match (mode, params.shard_count) {
            (StreamMode::Provisioned, Some(n)) => n,
            (StreamMode::Provisioned, None) => {
                return Err(KinesisError::InvalidArgument(
                    "ShardCount is required for streams in PROVISIONED mode.".into(),
                ))
            }
            (StreamMode::OnDemand, _) => self.config.on_demand_shard_count,
        };
        if shards == 0 {
            return Err(KinesisError::validation(
                "shardCount",
                "0",
                "Member must have value greater than or equal to 1",
            ));
        }
        if let Some(kib) = params.max_record_size_kib {
            super::values::validate_max_record_size(kib)?;
        }
        validate_tags(&params.tags, &BTreeMap::new())?;
        let _control = self.control();
        let (mut creating, mut on_demand) = (0usize, 0usize);
        self.for_account(&key.account, &key.region, now, |s| {
            creating += usize::from(s.status == StreamStatus::Creating);
            on_demand += usize::from(s.mode == StreamMode::OnDemand);
        });
        if self.streams_read().contains_key(key) {
            return Err(KinesisError::stream_exists(&key.name, &key.account));
        }
        if creating >= MAX_CREATING {
            return Err(KinesisError::LimitExceeded(format!(
                "Account {} already has {creating} streams in CREATING state.",
                key.account
            )));
        }
        if mode == StreamMode::OnDemand && on_demand >= self.config.on_demand_stream_limit as usize
        {
            return Err(KinesisError::LimitExceeded(format!(
                "Account {} has reached the limit of {} on-demand streams.",
                key.account, self.config.on_demand_stream_limit
            )));
        }
        self.check_shard_limit(key, shards)?;
        let mut stream = Stream::new(key.clone(), mode, shards, now, self.config.create_delay_ms);
        stream.tags = params.tags;
        if let Some(kib) = params.max_record_size_kib {
            stream.max_record_size_kib = kib;
        }
        stream.warm_throughput = params.warm_throughput_mibps.map(|target| WarmThroughput {
            target_mibps: target,
            current_mibps: 0,
        });
        stream.settle(now);
        stream.journal = self.journal.clone();
        self.journal
            .record(|| Change::StreamCreated(Arc::new(stream.to_record())));
        self.streams_write()
            .insert(key.clone(), Arc::new(StreamCell::new(stream)));
        Ok(())
    }

    /// DeleteStream: DELETING for the configured delay, then gone. With registered consumers
    /// the call fails unless `enforce_consumer_deletion`, which deletes them too.
    pub fn delete_stream(
        &self,
        key: &StreamKey,
        enforce_consumer_deletion: bool,
        now: Timestamp,
    ) -> Result<(), KinesisError> {
        let delay = self.config.delete_delay_ms;
        self.reshape_stream(key, now, |stream| {
            if stream.status == StreamStatus::Deleting {
                return Err(KinesisError::stream_not_active(
                    &key.name,
                    &key.account,
                    stream.status.as_str(),
                ));
            }
            if !stream.consumers.is_empty() && !enforce_consumer_deletion {
                return Err(KinesisError::ResourceInUse(format!(
                    "Stream {} under account {} has registered consumers. Deregister them or \
                     set EnforceConsumerDeletion to true.",
                    key.name, key.account
                )));
            }
            stream.consumers.clear();
            stream.status = StreamStatus::Deleting;
            stream.status_until = now.plus_millis(delay);
            Ok(())
        })?;
        if let Some(cell) = self.cell(key) {
            if delay == 0 {
                // Gone at once: the records' memory goes back with the cell's last reference.
                self.forget(key, &cell);
            } else {
                cell.written.notify_waiters();
            }
        }
        Ok(())
    }

    /// DescribeStream: up to `limit` (1..=10000, default 100) shards after
    /// `exclusive_start_shard_id`.
    pub fn describe_stream(
        &self,
        key: &StreamKey,
        limit: Option<u32>,
        exclusive_start_shard_id: Option<&str>,
        now: Timestamp,
    ) -> Result<StreamDescription, KinesisError> {
        let limit = check_limit("limit", limit, 10_000, 100)?;
        let start = exclusive_start_shard_id.map(|id| parse_shard_id(id).unwrap_or(u32::MAX));
        self.with_stream(key, now, |s| Ok(s.describe(limit, start)))
    }

    /// DescribeStreamSummary.
    pub fn describe_stream_summary(
        &self,
        key: &StreamKey,
        now: Timestamp,
    ) -> Result<StreamDescriptionSummary, KinesisError> {
        self.with_stream(key, now, |s| Ok(s.summary()))
    }

    /// ListStreams of an account and region, by name, `limit` (1..=10000, default 100) at a
    /// time, after `exclusive_start_stream_name` or where `next_token` left off.
    pub fn list_streams(
        &self,
        account: &AccountId,
        region: &Region,
        limit: Option<u32>,
        exclusive_start_stream_name: Option<&str>,
        next_token: Option<&str>,
        now: Timestamp,
    ) -> Result<StreamList, KinesisError> {
        let limit = check_limit("limit", limit, 10_000, 100)?;
        let after = match next_token {
            Some(token) => Some(
                TokenReader::open(token, LIST_TOKEN_VERSION)
                    .and_then(|mut r| r.str())
                    .ok_or_else(|| {
                        KinesisError::InvalidArgument(format!("Invalid NextToken: {token}"))
                    })?,
            ),
            None => exclusive_start_stream_name.map(str::to_owned),
        };
        let mut streams = Vec::new();
        let mut has_more_streams = false;
        self.for_account(account, region, now, |s| {
            if after.as_deref().is_some_and(|a| s.key.name.as_str() <= a) {
                return;
            }
            if streams.len() == limit {
                has_more_streams = true;
                return;
            }
            streams.push(StreamSummary {
                stream_name: s.key.name.clone(),
                stream_arn: s.key.arn(),
                status: s.status,
                mode: s.mode,
                created: s.created,
            });
        });
        let next_token = match (has_more_streams, streams.last()) {
            (true, Some(last)) => Some(
                TokenWriter::new(LIST_TOKEN_VERSION)
                    .str(&last.stream_name)
                    .finish(),
            ),
            _ => None,
        };
        Ok(StreamList {
            streams,
            has_more_streams,
            next_token,
        })
    }

    /// DescribeLimits.
    pub fn describe_limits(&self, account: &AccountId, region: &Region, now: Timestamp) -> Limits {
        let mut on_demand = 0u32;
        self.for_account(account, region, now, |s| {
            on_demand += u32::from(s.mode == StreamMode::OnDemand);
        });
        Limits {
            shard_limit: self.config.shard_limit,
            open_shard_count: self.open_shards(account, region),
            on_demand_stream_count: on_demand,
            on_demand_stream_count_limit: self.config.on_demand_stream_limit,
        }
    }
}

/// A mutex's guard, whether or not a panic poisoned it (the state stays consistent: every
/// change is made in place by code that does not panic half-way).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A page size within `1..=max`, `default` when absent; ValidationException otherwise.
pub(crate) fn check_limit(
    field: &str,
    value: Option<u32>,
    max: u32,
    default: u32,
) -> Result<usize, KinesisError> {
    match value {
        None => Ok(default as usize),
        Some(0) => Err(KinesisError::validation(
            field,
            "0",
            "Member must have value greater than or equal to 1",
        )),
        Some(v) if v > max => Err(KinesisError::validation(
            field,
            &v.to_string(),
            &format!("Member must have value less than or equal to {max}"),
        )),
        Some(v) => Ok(v as usize),
    }
}
