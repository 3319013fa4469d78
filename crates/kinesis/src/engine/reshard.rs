//! Resharding: SplitShard, MergeShards and UpdateShardCount (UNIFORM_SCALING). Parents are
//! closed (their EndingSequenceNumber taken from the stream counter) before children open,
//! so every child's sequence numbers follow its parents'. The stream is UPDATING for the
//! update delay afterwards.

use sluice_core::Timestamp;

use super::error::KinesisError;
use super::hashkey::{hash_key_shape_ok, parse_hash_key, split_evenly, HashKeyRange};
use super::names::{parse_shard_id, shard_id, StreamKey};
use super::registry::Registry;
use super::stream::{Stream, StreamMode};

/// Most open shards UpdateShardCount scales a stream to.
pub const MAX_SHARDS_PER_STREAM: u32 = 10_000;
/// UpdateShardCount calls allowed per stream in a rolling 24 hours.
pub const MAX_SCALINGS_PER_DAY: usize = 10;
const DAY_MS: u64 = 24 * 3_600_000;

fn provisioned_only(stream: &Stream, op: &str) -> Result<(), KinesisError> {
    if stream.mode == StreamMode::Provisioned {
        return Ok(());
    }
    Err(KinesisError::Validation(format!(
        "{op} is not supported for stream {} under account {} in ON_DEMAND mode.",
        stream.key.name, stream.key.account
    )))
}

/// The open shard `id` names, or the AWS error for a missing or closed one.
fn open_shard(stream: &Stream, id: &str) -> Result<(u32, HashKeyRange), KinesisError> {
    let (name, account) = (&stream.key.name, &stream.key.account);
    // "Could not find shard ..." names the shard canonically when the id reads as one
    // (kinesalite's tests against Kinesis).
    let shard = parse_shard_id(id)
        .and_then(|i| stream.shards.get(&i))
        .ok_or_else(|| {
            let shown = parse_shard_id(id).map_or_else(|| id.to_owned(), shard_id);
            KinesisError::ResourceNotFound(format!(
                "Could not find shard {shown} in stream {name} under account {account}."
            ))
        })?;
    if !shard.is_open() {
        return Err(KinesisError::InvalidArgument(format!(
            "Shard {} in stream {name} under account {account} has already been merged or \
             split, and thus is not eligible for merging or splitting.",
            shard.id()
        )));
    }
    Ok((shard.index, shard.range))
}

impl Registry {
    /// SplitShard at `new_starting_hash_key`, which must fall strictly inside the shard's
    /// range (both children non-empty).
    pub fn split_shard(
        &self,
        key: &StreamKey,
        shard_to_split: &str,
        new_starting_hash_key: &str,
        now: Timestamp,
    ) -> Result<(), KinesisError> {
        // The shape is model validation; a key above 2^128-1 is judged by the split rule
        // like any other key outside the shard (AWS gives the one message for both).
        if !hash_key_shape_ok(new_starting_hash_key) {
            parse_hash_key("NewStartingHashKey", new_starting_hash_key)?;
        }
        let at = new_starting_hash_key.parse::<u128>().ok();
        let delay = self.config.update_delay_ms;
        self.reshape_stream(key, now, |stream| {
            stream.require_active()?;
            provisioned_only(stream, "SplitShard")?;
            let (index, range) = open_shard(stream, shard_to_split)?;
            // Both children must be non-empty, and AWS asks one more: start + 1 < key < end.
            let Some(at) = at.filter(|at| {
                range.start.checked_add(1).is_some_and(|low| *at > low) && *at < range.end
            }) else {
                return Err(KinesisError::InvalidArgument(format!(
                    "NewStartingHashKey {new_starting_hash_key} used in SplitShard() on shard {} \
                     in stream {} under account {} is not both greater than one plus the \
                     shard's StartingHashKey {} and less than the shard's EndingHashKey {}.",
                    shard_id(index),
                    key.name,
                    key.account,
                    range.start,
                    range.end
                )));
            };
            self.check_shard_limit(key, 1)?;
            split(stream, index, range, at, now);
            stream.begin_update(now, delay);
            Ok(())
        })
    }

    /// MergeShards of two open shards whose ranges touch.
    pub fn merge_shards(
        &self,
        key: &StreamKey,
        shard_to_merge: &str,
        adjacent_shard_to_merge: &str,
        now: Timestamp,
    ) -> Result<(), KinesisError> {
        let delay = self.config.update_delay_ms;
        self.reshape_stream(key, now, |stream| {
            stream.require_active()?;
            provisioned_only(stream, "MergeShards")?;
            let a = open_shard(stream, shard_to_merge)?;
            let b = open_shard(stream, adjacent_shard_to_merge)?;
            if a.0 == b.0 || !a.1.adjacent(&b.1) {
                return Err(KinesisError::InvalidArgument(format!(
                    "Shards {shard_to_merge} and {adjacent_shard_to_merge} in stream {} under \
                     account {} are not an adjacent pair of shards eligible for merging",
                    key.name, key.account
                )));
            }
            merge(stream, a, b, now);
            stream.begin_update(now, delay);
            Ok(())
        })
    }

    /// UpdateShardCount with `UNIFORM_SCALING`, done as AWS does it: a series of splits and
    /// merges of single shards, through intermediate shards, until the open shards are
    /// `target` even ranges. So every child has one parent (a split) or two adjacent ones
    /// (a merge), as shard-lineage readers like the KCL require. Returns (current open
    /// shard count, target).
    pub fn update_shard_count(
        &self,
        key: &StreamKey,
        target: u32,
        scaling_type: &str,
        now: Timestamp,
    ) -> Result<(u32, u32), KinesisError> {
        if scaling_type != "UNIFORM_SCALING" {
            return Err(KinesisError::validation(
                "scalingType",
                scaling_type,
                "Member must satisfy enum value set: [UNIFORM_SCALING]",
            ));
        }
        if target == 0 {
            return Err(KinesisError::validation(
                "targetShardCount",
                "0",
                "Member must have value greater than or equal to 1",
            ));
        }
        let delay = self.config.update_delay_ms;
        self.reshape_stream(key, now, |stream| {
            stream.require_active()?;
            provisioned_only(stream, "UpdateShardCount")?;
            let current = stream.open_shard_count();
            let limit = |msg: String| Err(KinesisError::LimitExceeded(msg));
            if u64::from(target) > u64::from(current) * 2 {
                return limit(format!(
                    "UpdateShardCount cannot scale up over double your current open shard \
                     count. Current open shard count: {current} Target shard count: {target}"
                ));
            }
            if u64::from(target) * 2 < u64::from(current) {
                return limit(format!(
                    "UpdateShardCount cannot scale down below half your current open shard \
                     count. Current open shard count: {current} Target shard count: {target}"
                ));
            }
            if target > MAX_SHARDS_PER_STREAM {
                return limit(format!(
                    "UpdateShardCount cannot scale up to more than {MAX_SHARDS_PER_STREAM} \
                     shards in a stream. Target shard count: {target}"
                ));
            }
            while stream
                .scalings
                .front()
                .is_some_and(|t| t.plus_millis(DAY_MS) <= now)
            {
                stream.scalings.pop_front();
            }
            if stream.scalings.len() >= MAX_SCALINGS_PER_DAY {
                return limit(format!(
                    "Stream {} under account {} has already been scaled {MAX_SCALINGS_PER_DAY} \
                     times in the last 24 hours.",
                    key.name, key.account
                ));
            }
            if target == current {
                return Ok((current, target));
            }
            self.check_shard_limit(key, target.saturating_sub(current))?;
            rescale(stream, target, now);
            stream.scalings.push_back(now);
            stream.begin_update(now, delay);
            Ok((current, target))
        })
    }
}

/// Splits open shard `index` (covering `range`) at `at`, returning the two children.
fn split(
    stream: &mut Stream,
    index: u32,
    range: HashKeyRange,
    at: u128,
    now: Timestamp,
) -> [(u32, HashKeyRange); 2] {
    stream.close_shard(index, now);
    let low = HashKeyRange {
        start: range.start,
        end: at - 1,
    };
    let high = HashKeyRange {
        start: at,
        end: range.end,
    };
    [
        (stream.add_shard(low, vec![index], now), low),
        (stream.add_shard(high, vec![index], now), high),
    ]
}

/// Merges two adjacent open shards, returning the child.
fn merge(
    stream: &mut Stream,
    (a, range_a): (u32, HashKeyRange),
    (b, range_b): (u32, HashKeyRange),
    now: Timestamp,
) -> (u32, HashKeyRange) {
    stream.close_shard(a, now);
    stream.close_shard(b, now);
    let range = range_a.union(&range_b);
    (stream.add_shard(range, vec![a, b], now), range)
}

/// Turns the open shards into `target` even ranges by single splits and merges: first every
/// open shard is split (one piece at a time) at each target boundary inside it, then the
/// pieces of each target range are merged left to right.
fn rescale(stream: &mut Stream, target: u32, now: Timestamp) {
    let wanted = split_evenly(target);
    let mut open: Vec<(u32, HashKeyRange)> = stream
        .shards
        .values()
        .filter(|s| s.is_open())
        .map(|s| (s.index, s.range))
        .collect();
    open.sort_by_key(|(_, r)| r.start);
    let mut pieces = Vec::with_capacity(open.len() + wanted.len());
    for (index, range) in open {
        let mut rest = (index, range);
        for cut in wanted.iter().map(|r| r.start) {
            if cut > rest.1.start && cut <= rest.1.end {
                let [low, high] = split(stream, rest.0, rest.1, cut, now);
                pieces.push(low);
                rest = high;
            }
        }
        pieces.push(rest);
    }
    let mut pieces = pieces.into_iter().peekable();
    for range in wanted {
        let Some(mut merged) = pieces.next() else {
            break;
        };
        while let Some(next) = pieces.next_if(|(_, r)| r.end <= range.end) {
            merged = merge(stream, merged, next, now);
        }
    }
}
