//! Reading records: GetShardIterator, GetRecords, and the cursor-level calls SubscribeToShard
//! is built on (`shard_position`, `read_shard`, `shard_tail`). A cursor is the counter of the
//! next record to read (see `seqnum`).

use sluice_core::Timestamp;

use super::error::KinesisError;
use super::iterator::{ShardIterator, StartingPosition};
use super::names::{parse_shard_id, shard_id, StreamKey};
use super::registry::{check_limit, Registry};
use super::seqnum::SeqNum;
use super::shard::{ChildShard, Record, Shard};
use super::stream::Stream;
use super::throttle::{READ_BYTES_PER_SEC, READ_CALLS_PER_SEC};

/// Most bytes one GetRecords call returns.
pub const MAX_GET_RECORDS_BYTES: u64 = 10 * 1024 * 1024;

/// Records read from a shard and where to go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardRead {
    pub records: Vec<Record>,
    /// Cursor for the next read; `None` once a closed shard has been read to its end.
    pub next: Option<u64>,
    /// Sequence number to resume after (`ContinuationSequenceNumber`).
    pub continuation_sequence_number: String,
    pub millis_behind_latest: u64,
    /// Children of the shard, listed once a closed shard has been read to its end.
    pub child_shards: Vec<ChildShard>,
}

/// What GetRecords returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordBatch {
    pub records: Vec<Record>,
    pub next_shard_iterator: Option<String>,
    pub millis_behind_latest: u64,
    pub child_shards: Vec<ChildShard>,
}

fn find_shard<'a>(stream: &'a Stream, id: &str) -> Result<&'a Shard, KinesisError> {
    parse_shard_id(id)
        .and_then(|i| stream.shards.get(&i))
        .ok_or_else(|| missing_shard(id, &stream.key))
}

/// AWS's answer for a shard it cannot find (or a stream it cannot find, when a shard was
/// asked for): a shard id that reads as one is named canonically and "does not exist";
/// anything else "Could not find shard ..." (kinesalite's tests against Kinesis).
fn missing_shard(id: &str, key: &StreamKey) -> KinesisError {
    match parse_shard_id(id) {
        Some(index) => KinesisError::shard_not_found(&shard_id(index), &key.name, &key.account),
        None => KinesisError::ResourceNotFound(format!(
            "Could not find shard {id} in stream {} under account {}.",
            key.name, key.account
        )),
    }
}

/// The cursor after the last counter a shard will ever hold, or after the stream's tip.
fn tip(stream: &Stream, shard: &Shard) -> u64 {
    shard
        .end_counter
        .unwrap_or_else(|| stream.counter.saturating_add(1))
}

fn resolve(
    stream: &Stream,
    shard: &Shard,
    pos: &StartingPosition,
    now: Timestamp,
) -> Result<u64, KinesisError> {
    let from_seq = |text: &str| -> Result<u64, KinesisError> {
        let parsed = SeqNum::parse(text).filter(|s| s.epoch == stream.epoch());
        let Some(seq) = parsed else {
            return Err(KinesisError::InvalidArgument(format!(
                "StartingSequenceNumber {text} used in GetShardIterator on shard {} in stream {} \
                 under account {} is invalid because it did not come from this stream.",
                shard.id(),
                stream.key.name,
                stream.key.account
            )));
        };
        if seq.shard != shard.index {
            return Err(KinesisError::InvalidArgument(format!(
                "Invalid StartingSequenceNumber. It encodes {}, while it was used in a call to a \
                 shard with {}",
                shard_id(seq.shard),
                shard.id()
            )));
        }
        Ok(seq.counter)
    };
    Ok(match pos {
        StartingPosition::TrimHorizon => shard.trim_horizon(),
        StartingPosition::Latest => tip(stream, shard),
        StartingPosition::AtSequenceNumber(s) => from_seq(s)?,
        StartingPosition::AfterSequenceNumber(s) => from_seq(s)?.saturating_add(1),
        StartingPosition::AtTimestamp(at) => {
            if *at > now {
                return Err(KinesisError::InvalidArgument(format!(
                    "The timestampInMillis parameter cannot be greater than the \
                     currentTimestampInMillis. timestampInMillis: {}, currentTimestampInMillis: {}",
                    at.as_millis(),
                    now.as_millis()
                )));
            }
            shard.at_timestamp(*at, tip(stream, shard))
        }
    })
}

impl Registry {
    /// Runs `f` on a stream that takes reads and writes (ACTIVE or UPDATING).
    fn with_readable<R>(
        &self,
        key: &StreamKey,
        now: Timestamp,
        f: impl FnOnce(&mut Stream) -> Result<R, KinesisError>,
    ) -> Result<R, KinesisError> {
        self.with_stream(key, now, |stream| {
            stream.require_readable()?;
            f(stream)
        })
    }

    /// The cursor `pos` denotes in shard `shard_id` (for SubscribeToShard).
    pub fn shard_position(
        &self,
        key: &StreamKey,
        shard_id: &str,
        pos: &StartingPosition,
        now: Timestamp,
    ) -> Result<u64, KinesisError> {
        self.with_readable(key, now, |stream| {
            let shard = find_shard(stream, shard_id)?;
            resolve(stream, shard, pos, now)
        })
    }

    /// The cursor just past the newest record of a shard: reading from it waits for new data.
    pub fn shard_tail(
        &self,
        key: &StreamKey,
        shard_id: &str,
        now: Timestamp,
    ) -> Result<u64, KinesisError> {
        self.with_readable(key, now, |stream| {
            let shard = find_shard(stream, shard_id)?;
            Ok(tip(stream, shard))
        })
    }

    /// GetShardIterator.
    pub fn get_shard_iterator(
        &self,
        key: &StreamKey,
        shard_id: &str,
        pos: &StartingPosition,
        now: Timestamp,
    ) -> Result<String, KinesisError> {
        // An unknown or unreadable stream is answered as the shard that cannot be found in
        // it; the outer error is the stream's, the inner one the shard's or position's.
        let found = self.with_stream(key, now, |stream| {
            stream.require_readable()?;
            Ok(find_shard(stream, shard_id).and_then(|shard| {
                Ok(ShardIterator {
                    stream: key.clone(),
                    epoch: stream.epoch(),
                    shard: shard.index,
                    from: resolve(stream, shard, pos, now)?,
                    created: now,
                })
            }))
        });
        match found {
            Err(KinesisError::StreamNotFound { .. }) => Err(missing_shard(shard_id, key)),
            other => Ok(other??.encode()),
        }
    }

    /// Up to `max_records` records (and at most 10 MiB) of a shard from cursor `from`.
    /// Reads through this call do not count against the GetRecords throughput limits.
    pub fn read_shard(
        &self,
        key: &StreamKey,
        shard_id: &str,
        from: u64,
        max_records: usize,
        now: Timestamp,
    ) -> Result<ShardRead, KinesisError> {
        self.with_readable(key, now, |stream| {
            let index = find_shard(stream, shard_id)?.index;
            read(stream, index, from, max_records, false, now)
        })
    }

    /// GetRecords: `limit` is 1..=10000, default 10000.
    pub fn get_records(
        &self,
        iterator: &str,
        limit: Option<u32>,
        now: Timestamp,
    ) -> Result<RecordBatch, KinesisError> {
        let limit = check_limit("limit", limit, 10_000, 10_000)?;
        let it = ShardIterator::decode(iterator, now)?;
        let throttling = self.throttling();
        let read = self.with_readable(&it.stream, now, |stream| {
            if stream.epoch() != it.epoch {
                return Err(KinesisError::stream_not_found(
                    &it.stream.name,
                    &it.stream.account,
                ));
            }
            read(stream, it.shard, it.from, limit, throttling, now)
        })?;
        Ok(RecordBatch {
            records: read.records,
            next_shard_iterator: read.next.map(|from| {
                ShardIterator {
                    from,
                    created: now,
                    ..it.clone()
                }
                .encode()
            }),
            millis_behind_latest: read.millis_behind_latest,
            child_shards: read.child_shards,
        })
    }
}

fn read(
    stream: &mut Stream,
    index: u32,
    from: u64,
    max_records: usize,
    throttle: bool,
    now: Timestamp,
) -> Result<ShardRead, KinesisError> {
    let epoch = stream.epoch();
    let (name, account) = (stream.key.name.clone(), stream.key.account.clone());
    let children: Vec<ChildShard> = stream
        .shards
        .values()
        .filter(|s| s.parents.contains(&index))
        .map(Shard::as_child)
        .collect();
    let shard = stream
        .shards
        .get_mut(&index)
        .ok_or_else(|| KinesisError::shard_not_found(&shard_id(index), &name, &account))?;
    if throttle {
        let limits = (READ_CALLS_PER_SEC, READ_BYTES_PER_SEC);
        if !shard.reads.fits(now, 1, 0, limits) || shard.reads.bytes(now) >= READ_BYTES_PER_SEC {
            return Err(KinesisError::rate_exceeded(
                &shard_id(index),
                &name,
                &account,
            ));
        }
    }
    let start = shard.position(from);
    let mut records = Vec::new();
    let mut bytes = 0u64;
    let mut last = from.checked_sub(1);
    for r in shard.records.iter_from(start) {
        if records.len() >= max_records
            || (bytes + r.size() > MAX_GET_RECORDS_BYTES && !records.is_empty())
        {
            break;
        }
        bytes += r.size();
        last = Some(r.counter);
        records.push(shard.to_record(&r, epoch));
    }
    if throttle {
        shard.reads.record(now, 1, bytes);
    }
    let next_unread = shard.records.get(start + records.len());
    let millis_behind_latest =
        next_unread.map_or(0, |r| now.as_millis().saturating_sub(r.arrival.as_millis()));
    let next_from = last.map_or(from, |c| c.saturating_add(1));
    let finished = shard.end_counter.is_some() && next_unread.is_none();
    let continuation = shard.seq(last.unwrap_or(shard.start_counter), epoch);
    Ok(ShardRead {
        records,
        next: (!finished).then_some(next_from),
        continuation_sequence_number: continuation,
        millis_behind_latest,
        child_shards: if finished { children } else { Vec::new() },
    })
}
