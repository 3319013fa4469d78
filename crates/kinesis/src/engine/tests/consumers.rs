//! Enhanced fan-out consumer scenarios and the cursor API SubscribeToShard uses.

use std::collections::BTreeMap;

use super::*;
use crate::engine::{ConsumerRef, ConsumerStatus, StartingPosition, MAX_CONSUMERS};

#[test]
fn register_describe_list_deregister() {
    let reg = Registry::new(Config {
        consumer_delay_ms: 200,
        ..Config::default()
    });
    reg.create_stream(&key("s"), provisioned(1), t(1_000))
        .expect("create");
    let c = reg
        .register_stream_consumer(&key("s"), "app", BTreeMap::new(), t(1_700_000_000_500))
        .expect("register");
    assert_eq!(
        c.consumer_arn,
        "arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/app:1700000000"
    );
    assert_eq!(c.status, ConsumerStatus::Creating);
    let by_arn = |reg: &Registry, now| {
        reg.describe_stream_consumer(ConsumerRef::Arn(&c.consumer_arn), t(now))
    };
    assert_eq!(
        by_arn(&reg, 1_700_000_000_699).expect("d").status,
        ConsumerStatus::Creating
    );
    assert_eq!(
        by_arn(&reg, 1_700_000_000_700).expect("d").status,
        ConsumerStatus::Active
    );
    let by_name = reg
        .describe_stream_consumer(
            ConsumerRef::Name {
                stream: &key("s"),
                name: "app",
            },
            t(1_700_000_000_700),
        )
        .expect("by name");
    assert_eq!(by_name.stream_arn, key("s").arn());
    let err = reg
        .register_stream_consumer(&key("s"), "app", BTreeMap::new(), t(1_700_000_000_800))
        .expect_err("dup");
    assert_eq!(err.code(), "ResourceInUseException");
    let err = reg
        .register_stream_consumer(&key("s"), "bad name", BTreeMap::new(), t(1_700_000_000_800))
        .expect_err("name");
    assert_eq!(err.code(), "ValidationException");
    let stale = c.consumer_arn.replace(":1700000000", ":1700000001");
    assert!(reg
        .describe_stream_consumer(ConsumerRef::Arn(&stale), t(1_700_000_000_800))
        .is_err());
    assert_eq!(
        reg.active_consumer_stream(&c.consumer_arn, t(1_700_000_000_800)),
        Ok(key("s"))
    );
    reg.deregister_stream_consumer(ConsumerRef::Arn(&c.consumer_arn), t(1_700_000_001_000))
        .expect("deregister");
    assert_eq!(
        by_arn(&reg, 1_700_000_001_100).expect("d").status,
        ConsumerStatus::Deleting
    );
    assert_eq!(
        by_arn(&reg, 1_700_000_001_200).expect_err("gone").code(),
        "ResourceNotFoundException"
    );
}

#[test]
fn consumer_limits_and_pages() {
    let reg = with_stream(1);
    for i in 0..MAX_CONSUMERS {
        reg.register_stream_consumer(&key("s"), &format!("c{i:02}"), BTreeMap::new(), t(2_000))
            .expect("register");
    }
    let err = reg
        .register_stream_consumer(&key("s"), "one-more", BTreeMap::new(), t(2_000))
        .expect_err("21st");
    assert_eq!(err.code(), "LimitExceededException");
    let (page, token) = reg
        .list_stream_consumers(&key("s"), Some(15), None, t(2_000))
        .expect("list");
    assert_eq!(page.len(), 15);
    let (rest, end) = reg
        .list_stream_consumers(&key("s"), None, token.as_deref(), t(2_000))
        .expect("list");
    assert_eq!((rest.len(), end), (5, None));
    assert_eq!(
        reg.describe_stream_summary(&key("s"), t(2_000))
            .expect("s")
            .consumer_count,
        20
    );
    let slow = Registry::new(Config {
        consumer_delay_ms: 1_000,
        ..Config::default()
    });
    slow.create_stream(&key("s"), provisioned(1), t(0))
        .expect("create");
    for i in 0..5 {
        slow.register_stream_consumer(&key("s"), &format!("c{i}"), BTreeMap::new(), t(10))
            .expect("register");
    }
    let err = slow
        .register_stream_consumer(&key("s"), "c5", BTreeMap::new(), t(10))
        .expect_err("6th creating");
    assert_eq!(err.code(), "LimitExceededException");
    assert!(slow
        .register_stream_consumer(&key("s"), "c5", BTreeMap::new(), t(1_010))
        .is_ok());
}

#[test]
fn cursor_reads_for_subscriptions() {
    let reg = with_stream(1);
    let shard = "shardId-000000000000";
    let tail = reg.shard_tail(&key("s"), shard, t(2_000)).expect("tail");
    let first = reg
        .put_record(&key("s"), entry("k", b"a"), None, t(2_000))
        .expect("put");
    reg.put_record(&key("s"), entry("k", b"b"), None, t(2_000))
        .expect("put");
    let read = reg
        .read_shard(&key("s"), shard, tail, 1, t(2_500))
        .expect("read");
    assert_eq!(read.records.len(), 1);
    assert_eq!(read.continuation_sequence_number, first.sequence_number);
    assert_eq!(read.millis_behind_latest, 500);
    let after = StartingPosition::AfterSequenceNumber(read.continuation_sequence_number.clone());
    let from = reg
        .shard_position(&key("s"), shard, &after, t(2_500))
        .expect("pos");
    assert_eq!(Some(from), read.next);
    let rest = reg
        .read_shard(&key("s"), shard, from, 100, t(2_500))
        .expect("read");
    assert_eq!(rest.records[0].data.as_ref(), b"b");
    let idle = reg
        .read_shard(&key("s"), shard, rest.next.expect("open"), 100, t(2_500))
        .expect("read");
    assert!(idle.records.is_empty());
    assert_eq!(
        idle.continuation_sequence_number,
        rest.continuation_sequence_number
    );
}
