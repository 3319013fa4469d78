//! ListShards: shard filters (AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST,
//! AT_TIMESTAMP, FROM_TIMESTAMP), ExclusiveStartShardId, MaxResults and NextToken (which
//! names the stream and expires after 300 seconds).

use sluice_core::{AccountId, Region, Timestamp};

use super::codec::{TokenReader, TokenWriter};
use super::error::KinesisError;
use super::names::{parse_shard_id, StreamKey};
use super::registry::{check_limit, Registry};
use super::shard::{Shard, ShardInfo};

const TOKEN_VERSION: u8 = 5;
/// How long a ListShards NextToken stays valid.
pub const NEXT_TOKEN_TTL_MS: u64 = 300_000;

/// `ShardFilter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShardFilter {
    AfterShardId(String),
    AtTrimHorizon,
    FromTrimHorizon,
    AtLatest,
    AtTimestamp(Timestamp),
    FromTimestamp(Timestamp),
}

impl ShardFilter {
    /// From a request's `Type`, `ShardId` and `Timestamp`.
    pub fn from_request(
        kind: &str,
        shard_id: Option<&str>,
        timestamp: Option<Timestamp>,
    ) -> Result<ShardFilter, KinesisError> {
        let need_ts = || {
            timestamp.ok_or_else(|| {
                KinesisError::InvalidArgument(format!(
                    "Timestamp must be specified for ShardFilter of type {kind}."
                ))
            })
        };
        match kind {
            "AFTER_SHARD_ID" => shard_id
                .map(|s| ShardFilter::AfterShardId(s.to_owned()))
                .ok_or_else(|| {
                    KinesisError::InvalidArgument(
                        "ShardId must be specified for ShardFilter of type AFTER_SHARD_ID.".into(),
                    )
                }),
            "AT_TRIM_HORIZON" => Ok(ShardFilter::AtTrimHorizon),
            "FROM_TRIM_HORIZON" => Ok(ShardFilter::FromTrimHorizon),
            "AT_LATEST" => Ok(ShardFilter::AtLatest),
            "AT_TIMESTAMP" => Ok(ShardFilter::AtTimestamp(need_ts()?)),
            "FROM_TIMESTAMP" => Ok(ShardFilter::FromTimestamp(need_ts()?)),
            other => Err(KinesisError::validation(
                "shardFilter.type",
                other,
                "Member must satisfy enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, \
                 FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]",
            )),
        }
    }

    fn encode(&self) -> (u8, u64) {
        match self {
            ShardFilter::AfterShardId(id) => (0, parse_shard_id(id).map_or(u64::MAX, u64::from)),
            ShardFilter::AtTrimHorizon => (1, 0),
            ShardFilter::FromTrimHorizon => (2, 0),
            ShardFilter::AtLatest => (3, 0),
            ShardFilter::AtTimestamp(t) => (4, t.as_millis()),
            ShardFilter::FromTimestamp(t) => (5, t.as_millis()),
        }
    }

    fn decode(kind: u8, value: u64) -> Option<ShardFilter> {
        Some(match kind {
            0 => ShardFilter::AfterShardId(value.to_string()),
            1 => ShardFilter::AtTrimHorizon,
            2 => ShardFilter::FromTrimHorizon,
            3 => ShardFilter::AtLatest,
            4 => ShardFilter::AtTimestamp(Timestamp(value)),
            5 => ShardFilter::FromTimestamp(Timestamp(value)),
            _ => return None,
        })
    }

    /// Whether `shard` passes, given the instant of the stream's trim horizon.
    fn admits(&self, shard: &Shard, horizon: Timestamp) -> bool {
        let open_at = |t: Timestamp| shard.created <= t && shard.closed.is_none_or(|c| c >= t);
        match self {
            ShardFilter::AfterShardId(id) => {
                parse_shard_id(id).is_none_or(|after| shard.index > after)
            }
            ShardFilter::AtTrimHorizon => open_at(horizon),
            ShardFilter::FromTrimHorizon => true,
            ShardFilter::AtLatest => shard.is_open(),
            ShardFilter::AtTimestamp(t) => open_at((*t).max(horizon)),
            ShardFilter::FromTimestamp(t) => {
                let t = (*t).max(horizon);
                shard.closed.is_none_or(|c| c >= t)
            }
        }
    }
}

/// ListShards' parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListShards {
    /// The stream; must be absent when `next_token` is given.
    pub stream: Option<StreamKey>,
    pub next_token: Option<String>,
    pub exclusive_start_shard_id: Option<String>,
    pub max_results: Option<u32>,
    pub filter: Option<ShardFilter>,
}

/// A ListShards page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardList {
    pub shards: Vec<ShardInfo>,
    pub next_token: Option<String>,
}

struct Cursor {
    stream: StreamKey,
    epoch: Option<u64>,
    after: Option<u32>,
    filter: Option<ShardFilter>,
}

fn open_token(token: &str, now: Timestamp) -> Result<Cursor, KinesisError> {
    let invalid = || KinesisError::InvalidArgument(format!("Invalid NextToken: {token}"));
    let mut r = TokenReader::open(token, TOKEN_VERSION).ok_or_else(invalid)?;
    let account = r
        .str()
        .and_then(|a| AccountId::parse(&a))
        .ok_or_else(invalid)?;
    let region = r
        .str()
        .and_then(|a| Region::parse(&a))
        .ok_or_else(invalid)?;
    let name = r.str().ok_or_else(invalid)?;
    let stream = StreamKey::new(account, region, &name).map_err(|_| invalid())?;
    let (Some(epoch), Some(after), Some(issued), Some(kind), Some(value)) =
        (r.u64(), r.u32(), r.u64(), r.u8(), r.u64())
    else {
        return Err(invalid());
    };
    if !r.done() {
        return Err(invalid());
    }
    if now.as_millis().saturating_sub(issued) > NEXT_TOKEN_TTL_MS {
        return Err(KinesisError::ExpiredNextToken(format!(
            "The NextToken {token} has expired. Tokens expire after {} seconds.",
            NEXT_TOKEN_TTL_MS / 1000
        )));
    }
    let filter = if kind == u8::MAX {
        None
    } else {
        Some(ShardFilter::decode(kind, value).ok_or_else(invalid)?)
    };
    Ok(Cursor {
        stream,
        epoch: Some(epoch),
        after: Some(after),
        filter,
    })
}

impl Registry {
    /// ListShards.
    pub fn list_shards(&self, req: ListShards, now: Timestamp) -> Result<ShardList, KinesisError> {
        let limit = check_limit("maxResults", req.max_results, 10_000, 1000)?.min(1000);
        // AWS returns at most 1000 shards a page whatever MaxResults says.
        let cursor = match (req.next_token.as_deref(), req.stream) {
            (Some(_), Some(_)) => {
                return Err(KinesisError::InvalidArgument(
                    "NextToken and StreamName cannot be provided together.".into(),
                ))
            }
            (Some(token), None) => open_token(token, now)?,
            (None, Some(stream)) => Cursor {
                stream,
                epoch: None,
                after: None,
                filter: req.filter,
            },
            (None, None) => {
                return Err(KinesisError::InvalidArgument(
                    "Either NextToken or StreamName should be provided.".into(),
                ))
            }
        };
        let start = match (&req.exclusive_start_shard_id, cursor.after) {
            (_, Some(after)) => Some(after),
            (Some(id), None) => Some(parse_shard_id(id).unwrap_or(u32::MAX)),
            (None, None) => None,
        };
        self.with_stream(&cursor.stream, now, |stream| {
            if cursor.epoch.is_some_and(|e| e != stream.epoch()) {
                return Err(KinesisError::stream_not_found(
                    &cursor.stream.name,
                    &cursor.stream.account,
                ));
            }
            let horizon = Timestamp(now.as_millis().saturating_sub(stream.retention_ms()))
                .max(stream.created);
            let epoch = stream.epoch();
            let mut matching = stream.shards.values().filter(|s| {
                start.is_none_or(|after| s.index > after)
                    && cursor.filter.as_ref().is_none_or(|f| f.admits(s, horizon))
            });
            let page: Vec<&Shard> = matching.by_ref().take(limit).collect();
            let more = matching.next().is_some();
            let next_token = match (more, page.last()) {
                (true, Some(last)) => {
                    let (kind, value) = cursor
                        .filter
                        .as_ref()
                        .map_or((u8::MAX, 0), ShardFilter::encode);
                    Some(
                        TokenWriter::new(TOKEN_VERSION)
                            .str(cursor.stream.account.as_str())
                            .str(cursor.stream.region.as_str())
                            .str(&cursor.stream.name)
                            .u64(epoch)
                            .u32(last.index)
                            .u64(now.as_millis())
                            .u8(kind)
                            .u64(value)
                            .finish(),
                    )
                }
                _ => None,
            };
            Ok(ShardList {
                shards: page.iter().map(|s| s.info(epoch)).collect(),
                next_token,
            })
        })
    }
}
