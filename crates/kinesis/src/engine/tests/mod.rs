//! Scenario tests of the engine through `Registry`'s public API, with literal timestamps.

mod consumers;
mod lifecycle;
mod props;
mod reading;
mod reshard;
mod settings;

use std::collections::BTreeMap;

use bytes::Bytes;
use sluice_core::{AccountId, Region, Timestamp};

use super::{Config, CreateStream, PutRecordEntry, Registry, StreamKey, StreamMode};

pub(crate) fn account() -> AccountId {
    AccountId::parse("123456789012").expect("account")
}

pub(crate) fn region() -> Region {
    Region::parse("us-east-1").expect("region")
}

pub(crate) fn key(name: &str) -> StreamKey {
    StreamKey::new(account(), region(), name).expect("key")
}

pub(crate) fn t(ms: u64) -> Timestamp {
    Timestamp(ms)
}

/// A registry with instant status changes holding a provisioned stream `s` of `shards`.
pub(crate) fn with_stream(shards: u32) -> Registry {
    let reg = Registry::new(Config::default());
    reg.create_stream(&key("s"), provisioned(shards), t(1_000))
        .expect("create");
    reg
}

pub(crate) fn provisioned(shards: u32) -> CreateStream {
    CreateStream {
        shard_count: Some(shards),
        mode: Some(StreamMode::Provisioned),
        tags: BTreeMap::new(),
        ..CreateStream::default()
    }
}

pub(crate) fn entry(pk: &str, data: &'static [u8]) -> PutRecordEntry {
    PutRecordEntry {
        partition_key: pk.to_owned(),
        data: Bytes::from_static(data),
        explicit_hash_key: None,
    }
}

pub(crate) fn explicit(hash: u128, data: &'static [u8]) -> PutRecordEntry {
    PutRecordEntry {
        partition_key: "pk".to_owned(),
        data: Bytes::from_static(data),
        explicit_hash_key: Some(hash.to_string()),
    }
}

/// Asserts the lineage rules shard readers (the KCL) depend on: the open shards partition
/// [0, 2^128) with no gap or overlap; every child has one parent (a split, whose children
/// together cover exactly the parent's range) or two adjacent ones (a merge, whose child
/// covers exactly both); every closed shard has children.
pub(crate) fn check_lineage(shards: &[super::ShardInfo]) -> Result<(), String> {
    use std::collections::BTreeMap;
    let by_id: BTreeMap<&str, &super::ShardInfo> =
        shards.iter().map(|s| (s.shard_id.as_str(), s)).collect();
    let mut open: Vec<_> = shards
        .iter()
        .filter(|s| s.ending_sequence_number.is_none())
        .map(|s| s.hash_key_range)
        .collect();
    open.sort_by_key(|r| r.start);
    let mut next = Some(0u128);
    for r in &open {
        if Some(r.start) != next {
            return Err(format!("open shards leave a gap or overlap at {}", r.start));
        }
        next = r.end.checked_add(1);
    }
    if next.is_some() {
        return Err("open shards stop short of 2^128 - 1".into());
    }
    let mut children: BTreeMap<&str, Vec<&super::ShardInfo>> = BTreeMap::new();
    for s in shards {
        let parents: Vec<&str> = [&s.parent_shard_id, &s.adjacent_parent_shard_id]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        for p in &parents {
            children.entry(p).or_default().push(s);
        }
        if let [a, b] = parents[..] {
            let (Some(a), Some(b)) = (by_id.get(a), by_id.get(b)) else {
                return Err(format!("{} names a parent that is not listed", s.shard_id));
            };
            if !a.hash_key_range.adjacent(&b.hash_key_range)
                || a.hash_key_range.union(&b.hash_key_range) != s.hash_key_range
            {
                return Err(format!(
                    "{} is not exactly the union of its parents",
                    s.shard_id
                ));
            }
        }
    }
    for s in shards.iter().filter(|s| s.ending_sequence_number.is_some()) {
        let Some(kids) = children.get(s.shard_id.as_str()) else {
            return Err(format!("closed {} has no children", s.shard_id));
        };
        if kids.len() == 1 {
            continue; // merged: checked above
        }
        let mut ranges: Vec<_> = kids.iter().map(|k| k.hash_key_range).collect();
        ranges.sort_by_key(|r| r.start);
        let mut at = s.hash_key_range.start;
        for (i, r) in ranges.iter().enumerate() {
            if r.start != at || kids[i].adjacent_parent_shard_id.is_some() {
                return Err(format!(
                    "the split children of {} do not tile it",
                    s.shard_id
                ));
            }
            at = r.end.wrapping_add(1);
        }
        if ranges.last().map(|r| r.end) != Some(s.hash_key_range.end) {
            return Err(format!(
                "the split children of {} do not reach its end",
                s.shard_id
            ));
        }
    }
    Ok(())
}
