//! Resharding scenarios: split, merge, UpdateShardCount, lineage and reading across it.

use super::*;
use crate::engine::{HashKeyRange, ShardInfo, StartingPosition, StreamStatus};

fn shards(reg: &Registry, now: u64) -> Vec<ShardInfo> {
    reg.describe_stream(&key("s"), None, None, t(now))
        .expect("describe")
        .shards
}

#[test]
fn split_closes_parent_and_opens_two_children() {
    let reg = Registry::new(Config {
        update_delay_ms: 100,
        ..Config::default()
    });
    reg.create_stream(&key("s"), provisioned(1), t(1_000))
        .expect("create");
    reg.split_shard(&key("s"), "shardId-000000000000", "1000", t(2_000))
        .expect("split");
    let status = |reg: &Registry, now| {
        reg.describe_stream_summary(&key("s"), t(now))
            .expect("summary")
            .status
    };
    assert_eq!(status(&reg, 2_099), StreamStatus::Updating);
    let err = reg
        .split_shard(&key("s"), "shardId-000000000001", "5", t(2_050))
        .expect_err("updating");
    assert_eq!(err.code(), "ResourceInUseException");
    assert_eq!(status(&reg, 2_100), StreamStatus::Active);
    let s = shards(&reg, 2_100);
    assert_eq!(s.len(), 3);
    assert!(s[0].ending_sequence_number.is_some());
    assert_eq!(s[1].hash_key_range, HashKeyRange { start: 0, end: 999 });
    assert_eq!(
        s[2].hash_key_range,
        HashKeyRange {
            start: 1000,
            end: u128::MAX
        }
    );
    assert_eq!(
        s[1].parent_shard_id.as_deref(),
        Some("shardId-000000000000")
    );
    assert!(
        s[1].starting_sequence_number > s[0].ending_sequence_number.clone().unwrap_or_default()
    );
    let err = reg
        .split_shard(&key("s"), "shardId-000000000000", "5", t(3_000))
        .expect_err("closed");
    assert_eq!(
        err.message(),
        "Shard shardId-000000000000 in stream s under account 123456789012 has already been \
         merged or split, and thus is not eligible for merging or splitting."
    );
    let cases = [
        ("0", "InvalidArgumentException"),
        ("1000", "InvalidArgumentException"),
        ("x", "ValidationException"),
    ];
    for (at, code) in cases {
        let err = reg
            .split_shard(&key("s"), "shardId-000000000002", at, t(3_000))
            .expect_err(at);
        assert_eq!(err.code(), code, "{at}");
    }
    // AWS's rule is start + 1 < key < end (kinesalite's tests against Kinesis), with one
    // message for every key outside it, a key above 2^128-1 included.
    for at in ["1", "999", "340282366920938463463374607431768211456"] {
        let err = reg
            .split_shard(&key("s"), "shardId-000000000001", at, t(3_000))
            .expect_err(at);
        assert_eq!(
            err.message(),
            format!(
                "NewStartingHashKey {at} used in SplitShard() on shard shardId-000000000001 in \
                 stream s under account 123456789012 is not both greater than one plus the \
                 shard's StartingHashKey 0 and less than the shard's EndingHashKey 999."
            )
        );
    }
    let err = reg
        .split_shard(&key("s"), "shardId-5", "5", t(3_000))
        .expect_err("unknown shard");
    assert_eq!(
        err.message(),
        "Could not find shard shardId-000000000005 in stream s under account 123456789012."
    );
    reg.split_shard(&key("s"), "shardId-000000000001", "998", t(3_000))
        .expect("edge split");
}

#[test]
fn merge_requires_adjacent_open_shards() {
    let reg = with_stream(3);
    let err = reg
        .merge_shards(
            &key("s"),
            "shardId-000000000000",
            "shardId-000000000002",
            t(2_000),
        )
        .expect_err("gap");
    assert_eq!(
        err.message(),
        "Shards shardId-000000000000 and shardId-000000000002 in stream s under account \
         123456789012 are not an adjacent pair of shards eligible for merging"
    );
    reg.merge_shards(
        &key("s"),
        "shardId-000000000001",
        "shardId-000000000000",
        t(2_000),
    )
    .expect("merge");
    let s = shards(&reg, 2_000);
    let child = &s[3];
    assert_eq!(
        child.parent_shard_id.as_deref(),
        Some("shardId-000000000001")
    );
    assert_eq!(
        child.adjacent_parent_shard_id.as_deref(),
        Some("shardId-000000000000")
    );
    assert_eq!(child.hash_key_range.start, 0);
    assert_eq!(child.hash_key_range.end, s[1].hash_key_range.end);
    let err = reg
        .merge_shards(
            &key("s"),
            "shardId-000000000003",
            "shardId-000000000000",
            t(2_000),
        )
        .expect_err("closed");
    assert_eq!(err.code(), "InvalidArgumentException");
}

#[test]
fn update_shard_count_limits_and_lineage() {
    let reg = with_stream(5);
    let cases = [
        (11, "LimitExceededException"),
        (2, "LimitExceededException"),
        (0, "ValidationException"),
    ];
    for (target, code) in cases {
        let err = reg
            .update_shard_count(&key("s"), target, "UNIFORM_SCALING", t(2_000))
            .expect_err("limit");
        assert_eq!(err.code(), code, "target {target}");
    }
    assert!(reg
        .update_shard_count(&key("s"), 3, "OTHER", t(2_000))
        .is_err());
    assert_eq!(
        reg.update_shard_count(&key("s"), 3, "UNIFORM_SCALING", t(2_000)),
        Ok((5, 3))
    );
    let open: Vec<ShardInfo> = shards(&reg, 2_000)
        .into_iter()
        .filter(|s| s.ending_sequence_number.is_none())
        .collect();
    assert_eq!(open.len(), 3);
    // The even thirds, reached through intermediate shards (5 -> 3 needs splits of the
    // shards a boundary crosses, then merges), never a child with three parents.
    let thirds = crate::engine::split_evenly(3);
    let ranges: Vec<_> = open.iter().map(|s| s.hash_key_range).collect();
    assert_eq!(ranges, thirds);
    super::check_lineage(&shards(&reg, 2_000)).expect("lineage");
    for i in 0..9 {
        let target = if i % 2 == 0 { 6 } else { 3 };
        reg.update_shard_count(&key("s"), target, "UNIFORM_SCALING", t(3_000 + i))
            .expect("scale");
        super::check_lineage(&shards(&reg, 3_000 + i)).expect("lineage");
    }
    let err = reg
        .update_shard_count(&key("s"), 6, "UNIFORM_SCALING", t(4_000))
        .expect_err("11th");
    assert_eq!(err.code(), "LimitExceededException");
    let day = 24 * 3_600_000;
    assert!(reg
        .update_shard_count(&key("s"), 6, "UNIFORM_SCALING", t(2_000 + day))
        .is_ok());
}

#[test]
fn reading_parent_then_children_sees_every_record_once() {
    let reg = with_stream(1);
    for (i, d) in [b"a", b"b"].into_iter().enumerate() {
        reg.put_record(&key("s"), entry(&format!("k{i}"), d), None, t(2_000))
            .expect("put");
    }
    let mid = (1u128 << 127).to_string();
    reg.split_shard(&key("s"), "shardId-000000000000", &mid, t(3_000))
        .expect("split");
    reg.put_record(&key("s"), explicit(0, b"c"), None, t(4_000))
        .expect("put");
    reg.put_record(&key("s"), explicit(u128::MAX, b"d"), None, t(4_000))
        .expect("put");
    let it = reg
        .get_shard_iterator(
            &key("s"),
            "shardId-000000000000",
            &StartingPosition::TrimHorizon,
            t(5_000),
        )
        .expect("it");
    let parent = reg.get_records(&it, None, t(5_000)).expect("get");
    assert_eq!(parent.records.len(), 2);
    assert_eq!(parent.next_shard_iterator, None);
    let children: Vec<&str> = parent
        .child_shards
        .iter()
        .map(|c| c.shard_id.as_str())
        .collect();
    assert_eq!(children, ["shardId-000000000001", "shardId-000000000002"]);
    assert_eq!(
        parent.child_shards[0].parent_shards,
        ["shardId-000000000000"]
    );
    let mut all: Vec<Vec<u8>> = parent.records.iter().map(|r| r.data.to_vec()).collect();
    for child in children {
        let it = reg
            .get_shard_iterator(&key("s"), child, &StartingPosition::TrimHorizon, t(5_000))
            .expect("it");
        all.extend(
            reg.get_records(&it, None, t(5_000))
                .expect("get")
                .records
                .iter()
                .map(|r| r.data.to_vec()),
        );
    }
    assert_eq!(
        all,
        [b"a".to_vec(), b"b".to_vec(), b"c".to_vec(), b"d".to_vec()]
    );
    // A LATEST iterator on the closed parent reads nothing and ends.
    let it = reg
        .get_shard_iterator(
            &key("s"),
            "shardId-000000000000",
            &StartingPosition::Latest,
            t(5_000),
        )
        .expect("it");
    let out = reg.get_records(&it, None, t(5_000)).expect("get");
    assert!(out.records.is_empty() && out.next_shard_iterator.is_none());
    // The closed parent is forgotten once the retention period has passed.
    let later = 3_000 + 24 * 3_600_000;
    assert_eq!(shards(&reg, later).len(), 2);
}

#[test]
fn on_demand_streams_cannot_be_resharded_by_hand() {
    let reg = Registry::new(Config::default());
    reg.create_stream(&key("s"), CreateStream::default(), t(1_000))
        .expect("create");
    let err = reg
        .split_shard(&key("s"), "shardId-000000000000", "5", t(1_000))
        .expect_err("on-demand");
    assert_eq!(err.code(), "ValidationException");
}
