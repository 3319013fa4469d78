//! Stream lifecycle scenarios: create, status delays, describe, list, delete, limits.

use std::collections::BTreeMap;

use super::*;
use crate::engine::{ConsumerRef, HashKeyRange, StreamStatus};

#[test]
fn statuses_move_on_lazily_after_the_delays() {
    let config = Config {
        create_delay_ms: 500,
        delete_delay_ms: 300,
        ..Config::default()
    };
    let reg = Registry::new(config);
    reg.create_stream(&key("s"), provisioned(1), t(1_000))
        .expect("create");
    let steps = [
        (1_000, Some(StreamStatus::Creating)),
        (1_499, Some(StreamStatus::Creating)),
        (1_500, Some(StreamStatus::Active)),
    ];
    for (now, want) in steps {
        let got = reg
            .describe_stream_summary(&key("s"), t(now))
            .ok()
            .map(|s| s.status);
        assert_eq!(got, want, "t={now}");
    }
    reg.delete_stream(&key("s"), false, t(2_000))
        .expect("delete");
    let steps = [
        (2_000, Some(StreamStatus::Deleting)),
        (2_299, Some(StreamStatus::Deleting)),
        (2_300, None),
    ];
    for (now, want) in steps {
        let got = reg
            .describe_stream_summary(&key("s"), t(now))
            .ok()
            .map(|s| s.status);
        assert_eq!(got, want, "t={now}");
    }
    let err = reg
        .describe_stream_summary(&key("s"), t(2_300))
        .expect_err("gone");
    assert_eq!(
        err.message(),
        "Stream s under account 123456789012 not found."
    );
    // Writes are refused while CREATING.
    reg.create_stream(&key("s"), provisioned(1), t(3_000))
        .expect("re-create");
    let err = reg
        .put_record(&key("s"), entry("a", b"x"), None, t(3_100))
        .expect_err("creating");
    assert_eq!(err.code(), "ResourceNotFoundException");
}

#[test]
fn create_rules() {
    let reg = with_stream(2);
    let err = reg
        .create_stream(&key("s"), provisioned(1), t(2_000))
        .expect_err("dup");
    assert_eq!(err.code(), "ResourceInUseException");
    assert_eq!(
        err.message(),
        "Stream s under account 123456789012 already exists."
    );
    let cases: [(CreateStream, Option<&str>); 4] = [
        (provisioned(0), Some("ValidationException")),
        (
            CreateStream {
                mode: Some(StreamMode::Provisioned),
                ..CreateStream::default()
            },
            Some("InvalidArgumentException"),
        ),
        (provisioned(499), Some("LimitExceededException")),
        (
            CreateStream {
                max_record_size_kib: Some(512),
                ..provisioned(1)
            },
            Some("ValidationException"),
        ),
    ];
    for (i, (params, code)) in cases.into_iter().enumerate() {
        let got = reg.create_stream(&key(&format!("x{i}")), params, t(2_000));
        assert_eq!(got.err().map(|e| e.code()), code, "case {i}");
    }
    let err = reg
        .create_stream(&key("big"), provisioned(499), t(2_000))
        .expect_err("limit");
    assert_eq!(
        err.message(),
        "This request would exceed the shard limit for the account 123456789012 in us-east-1. \
         Current shard count for the account: 2. Limit: 500. Number of additional shards that \
         would have resulted from this request: 499."
    );
    // No shard count and no mode: on-demand with four shards.
    reg.create_stream(&key("od"), CreateStream::default(), t(2_000))
        .expect("on-demand");
    let summary = reg
        .describe_stream_summary(&key("od"), t(2_000))
        .expect("summary");
    assert_eq!(
        (summary.mode, summary.open_shard_count),
        (StreamMode::OnDemand, 4)
    );
    assert_eq!(
        reg.describe_limits(&account(), &region(), t(2_000))
            .open_shard_count,
        6
    );
}

#[test]
fn describe_pages_shards_with_even_ranges() {
    let reg = with_stream(3);
    let d = reg
        .describe_stream(&key("s"), Some(2), None, t(1_000))
        .expect("describe");
    assert!(d.has_more_shards);
    let ids: Vec<_> = d.shards.iter().map(|s| s.shard_id.as_str()).collect();
    assert_eq!(ids, ["shardId-000000000000", "shardId-000000000001"]);
    assert_eq!(
        d.shards[0].hash_key_range,
        HashKeyRange {
            start: 0,
            end: u128::MAX / 3 - 1
        }
    );
    assert_eq!(
        d.stream_arn,
        "arn:aws:kinesis:us-east-1:123456789012:stream/s"
    );
    assert_eq!(d.retention_period_hours, 24);
    let rest = reg
        .describe_stream(&key("s"), None, Some("shardId-000000000001"), t(1_000))
        .expect("describe");
    assert!(!rest.has_more_shards);
    assert_eq!(rest.shards.len(), 1);
    assert_eq!(rest.shards[0].starting_sequence_number.len(), 56);
    let err = reg
        .describe_stream(&key("s"), Some(0), None, t(1_000))
        .expect_err("limit 0");
    assert_eq!(err.code(), "ValidationException");
}

#[test]
fn list_streams_pages_by_name() {
    let reg = Registry::new(Config::default());
    for name in ["c", "a", "b"] {
        reg.create_stream(&key(name), provisioned(1), t(1_000))
            .expect("create");
    }
    let other = StreamKey::new(account(), Region::parse("eu-west-1").expect("r"), "z").expect("k");
    reg.create_stream(&other, provisioned(1), t(1_000))
        .expect("other region");
    let page = reg
        .list_streams(&account(), &region(), Some(2), None, None, t(1_000))
        .expect("list");
    let names: Vec<_> = page
        .streams
        .iter()
        .map(|s| s.stream_name.as_str())
        .collect();
    assert_eq!((names, page.has_more_streams), (vec!["a", "b"], true));
    let token = page.next_token.expect("token");
    let page = reg
        .list_streams(&account(), &region(), None, None, Some(&token), t(1_000))
        .expect("list");
    let names: Vec<_> = page
        .streams
        .iter()
        .map(|s| s.stream_name.as_str())
        .collect();
    assert_eq!(
        (names, page.has_more_streams, page.next_token),
        (vec!["c"], false, None)
    );
    let page = reg
        .list_streams(&account(), &region(), None, Some("a"), None, t(1_000))
        .expect("list");
    assert_eq!(page.streams.len(), 2);
    assert!(reg
        .list_streams(&account(), &region(), None, None, Some("junk"), t(1_000))
        .is_err());
}

#[test]
fn delete_requires_enforcing_consumer_deletion() {
    let reg = with_stream(1);
    reg.register_stream_consumer(&key("s"), "app", BTreeMap::new(), t(1_000))
        .expect("register");
    let err = reg
        .delete_stream(&key("s"), false, t(1_000))
        .expect_err("consumers");
    assert_eq!(err.code(), "ResourceInUseException");
    reg.delete_stream(&key("s"), true, t(1_000))
        .expect("enforced");
    assert!(reg
        .describe_stream_consumer(
            ConsumerRef::Name {
                stream: &key("s"),
                name: "app"
            },
            t(1_000)
        )
        .is_err());
    assert_eq!(
        reg.describe_limits(&account(), &region(), t(1_000))
            .open_shard_count,
        0
    );
}

#[test]
fn a_deleted_stream_is_dropped_with_its_records_at_once() {
    let reg = with_stream(2);
    for i in 0..100 {
        reg.put_record(&key("s"), entry(&format!("k{i}"), b"data"), None, t(2_000))
            .expect("put");
    }
    let cell = std::sync::Arc::downgrade(&reg.cell(&key("s")).expect("cell"));
    reg.delete_stream(&key("s"), false, t(3_000))
        .expect("delete");
    // No reference is left anywhere, so the records' memory has gone back already.
    assert!(cell.upgrade().is_none());
    assert!(reg.cell(&key("s")).is_none());
}

#[test]
fn arrival_times_never_go_back_within_a_stream() {
    // Callers read the clock before they take the stream's lock, so a later write can
    // carry an earlier `now`; the stored arrival time must still not decrease.
    let reg = with_stream(1);
    reg.put_record(&key("s"), entry("a", b"1"), None, t(5_000))
        .expect("put");
    reg.put_record(&key("s"), entry("b", b"2"), None, t(4_000))
        .expect("put");
    let it = reg
        .get_shard_iterator(
            &key("s"),
            "shardId-000000000000",
            &crate::engine::StartingPosition::TrimHorizon,
            t(6_000),
        )
        .expect("it");
    let records = reg.get_records(&it, None, t(6_000)).expect("get").records;
    let arrivals: Vec<u64> = records
        .iter()
        .map(|r| r.approximate_arrival.as_millis())
        .collect();
    assert_eq!(arrivals, vec![5_000, 5_000]);
}
