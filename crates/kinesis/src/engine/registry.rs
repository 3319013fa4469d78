//! `Registry`: every stream of the process by (account, region, name), the engine's
//! configuration (status delays, limits, throttling flag) and per-account settings. Stream
//! lifecycle lives here: create, delete, describe, list, limits. Other operations are
//! `impl Registry` blocks in their own modules.

use std::collections::BTreeMap;

use sluice_core::{AccountId, Region, Timestamp};

use super::codec::{TokenReader, TokenWriter};
use super::error::KinesisError;
use super::names::{parse_shard_id, StreamKey};
use super::settings::{validate_tags, AccountSettings};
use super::stream::{
    Stream, StreamDescription, StreamDescriptionSummary, StreamMode, StreamStatus, WarmThroughput,
};

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
}

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

#[derive(Debug, Default)]
pub struct Registry {
    pub(crate) config: Config,
    pub(crate) streams: BTreeMap<StreamKey, Stream>,
    pub(crate) accounts: BTreeMap<(AccountId, Region), AccountSettings>,
}

impl Registry {
    /// Ends a stream's CREATING or UPDATING phase, and its consumers' CREATING, at once:
    /// streams a config file declares are ready before Sluice serves.
    pub fn activate(&mut self, key: &StreamKey, now: Timestamp) {
        if let Some(stream) = self.streams.get_mut(key) {
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
        }
    }

    /// `(stream ARN, open shards, records held)` of every stream, for inspection and metrics.
    pub fn summaries(&mut self, now: Timestamp) -> Vec<(String, u32, u64)> {
        self.streams
            .values_mut()
            .filter_map(|stream| {
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
            config,
            ..Registry::default()
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Turns per-shard throughput limits on or off.
    pub fn set_throttling(&mut self, on: bool) {
        self.config.throttling = on;
    }

    /// The stream, settled to `now`; a stream whose deletion completed is removed here.
    pub(crate) fn stream_mut(
        &mut self,
        key: &StreamKey,
        now: Timestamp,
    ) -> Result<&mut Stream, KinesisError> {
        if self.streams.get(key).is_some_and(|s| s.deleted(now)) {
            self.streams.remove(key);
        }
        let stream = self
            .streams
            .get_mut(key)
            .ok_or_else(|| KinesisError::stream_not_found(&key.name, &key.account))?;
        stream.settle(now);
        Ok(stream)
    }

    /// Settles every stream of an account and region, dropping completed deletions.
    pub(crate) fn settle_account(&mut self, account: &AccountId, region: &Region, now: Timestamp) {
        self.streams
            .retain(|k, s| !(&k.account == account && &k.region == region && s.deleted(now)));
        for (_, s) in self.streams_of_mut(account, region) {
            s.settle(now);
        }
    }

    fn streams_of_mut<'a>(
        &'a mut self,
        account: &'a AccountId,
        region: &'a Region,
    ) -> impl Iterator<Item = (&'a StreamKey, &'a mut Stream)> + 'a {
        self.streams
            .iter_mut()
            .filter(move |(k, _)| &k.account == account && &k.region == region)
    }

    fn streams_of<'a>(
        &'a self,
        account: &'a AccountId,
        region: &'a Region,
    ) -> impl Iterator<Item = &'a Stream> + 'a {
        self.streams
            .iter()
            .filter(move |(k, _)| &k.account == account && &k.region == region)
            .map(|(_, s)| s)
    }

    /// Open shards of the account in the region (deleting streams excluded).
    pub(crate) fn open_shards(&self, account: &AccountId, region: &Region) -> u32 {
        self.streams_of(account, region)
            .filter(|s| s.status != StreamStatus::Deleting)
            .map(Stream::open_shard_count)
            .sum()
    }

    /// LimitExceeded if `additional` more open shards would pass the account's shard limit.
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
        &mut self,
        key: &StreamKey,
        params: CreateStream,
        now: Timestamp,
    ) -> Result<(), KinesisError> {
        self.settle_account(&key.account, &key.region, now);
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
            super::settings::validate_max_record_size(kib)?;
        }
        validate_tags(&params.tags, &BTreeMap::new())?;
        if self.streams.contains_key(key) {
            return Err(KinesisError::stream_exists(&key.name, &key.account));
        }
        let creating = self
            .streams_of(&key.account, &key.region)
            .filter(|s| s.status == StreamStatus::Creating)
            .count();
        if creating >= MAX_CREATING {
            return Err(KinesisError::LimitExceeded(format!(
                "Account {} already has {creating} streams in CREATING state.",
                key.account
            )));
        }
        if mode == StreamMode::OnDemand {
            let on_demand = self
                .streams_of(&key.account, &key.region)
                .filter(|s| s.mode == StreamMode::OnDemand)
                .count();
            if on_demand >= self.config.on_demand_stream_limit as usize {
                return Err(KinesisError::LimitExceeded(format!(
                    "Account {} has reached the limit of {} on-demand streams.",
                    key.account, self.config.on_demand_stream_limit
                )));
            }
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
        self.streams.insert(key.clone(), stream);
        Ok(())
    }

    /// DeleteStream: DELETING for the configured delay, then gone. With registered consumers
    /// the call fails unless `enforce_consumer_deletion`, which deletes them too.
    pub fn delete_stream(
        &mut self,
        key: &StreamKey,
        enforce_consumer_deletion: bool,
        now: Timestamp,
    ) -> Result<(), KinesisError> {
        let delay = self.config.delete_delay_ms;
        let stream = self.stream_mut(key, now)?;
        if stream.status == StreamStatus::Deleting {
            return Err(KinesisError::stream_not_active(
                &key.name,
                &key.account,
                stream.status.as_str(),
            ));
        }
        if !stream.consumers.is_empty() && !enforce_consumer_deletion {
            return Err(KinesisError::ResourceInUse(format!(
                "Stream {} under account {} has registered consumers. Deregister them or set \
                 EnforceConsumerDeletion to true.",
                key.name, key.account
            )));
        }
        stream.consumers.clear();
        stream.status = StreamStatus::Deleting;
        stream.status_until = now.plus_millis(delay);
        if delay == 0 {
            self.streams.remove(key);
        }
        Ok(())
    }

    /// DescribeStream: up to `limit` (1..=10000, default 100) shards after
    /// `exclusive_start_shard_id`.
    pub fn describe_stream(
        &mut self,
        key: &StreamKey,
        limit: Option<u32>,
        exclusive_start_shard_id: Option<&str>,
        now: Timestamp,
    ) -> Result<StreamDescription, KinesisError> {
        let limit = check_limit("limit", limit, 10_000, 100)?;
        let start = exclusive_start_shard_id.map(|id| parse_shard_id(id).unwrap_or(u32::MAX));
        Ok(self.stream_mut(key, now)?.describe(limit, start))
    }

    /// DescribeStreamSummary.
    pub fn describe_stream_summary(
        &mut self,
        key: &StreamKey,
        now: Timestamp,
    ) -> Result<StreamDescriptionSummary, KinesisError> {
        Ok(self.stream_mut(key, now)?.summary())
    }

    /// ListStreams of an account and region, by name, `limit` (1..=10000, default 100) at a
    /// time, after `exclusive_start_stream_name` or where `next_token` left off.
    pub fn list_streams(
        &mut self,
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
        self.settle_account(account, region, now);
        let mut matching = self
            .streams_of(account, region)
            .filter(|s| after.as_deref().is_none_or(|a| s.key.name.as_str() > a));
        let streams: Vec<StreamSummary> = matching
            .by_ref()
            .take(limit)
            .map(|s| StreamSummary {
                stream_name: s.key.name.clone(),
                stream_arn: s.key.arn(),
                status: s.status,
                mode: s.mode,
                created: s.created,
            })
            .collect();
        let has_more_streams = matching.next().is_some();
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
    pub fn describe_limits(
        &mut self,
        account: &AccountId,
        region: &Region,
        now: Timestamp,
    ) -> Limits {
        self.settle_account(account, region, now);
        let on_demand = self
            .streams_of(account, region)
            .filter(|s| s.mode == StreamMode::OnDemand)
            .count();
        Limits {
            shard_limit: self.config.shard_limit,
            open_shard_count: self.open_shards(account, region),
            on_demand_stream_count: u32::try_from(on_demand).unwrap_or(u32::MAX),
            on_demand_stream_count_limit: self.config.on_demand_stream_limit,
        }
    }
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
