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
    let mut reg = Registry::new(Config::default());
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
