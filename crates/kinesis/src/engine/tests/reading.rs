//! Writing and reading scenarios: routing, sequence numbers, iterators of every type,
//! expiry, retention, PutRecords checks and throughput limits.

use super::*;
use crate::engine::{EncryptionType, EntryOutcome, SeqNum, StartingPosition, ITERATOR_TTL_MS};

fn iter(reg: &Registry, shard: &str, pos: StartingPosition, now: u64) -> String {
    reg.get_shard_iterator(&key("s"), shard, &pos, t(now))
        .expect("iterator")
}

fn data(reg: &Registry, it: &str, now: u64) -> Vec<Vec<u8>> {
    let out = reg.get_records(it, None, t(now)).expect("get");
    out.records.iter().map(|r| r.data.to_vec()).collect()
}

#[test]
fn put_routes_by_hash_and_sequence_numbers_increase() {
    let reg = with_stream(2);
    let half = 1u128 << 127;
    let cases = [
        (0, "shardId-000000000000"),
        (half - 1, "shardId-000000000000"),
        (half, "shardId-000000000001"),
        (u128::MAX, "shardId-000000000001"),
    ];
    let mut last = String::new();
    for (i, (hash, shard)) in cases.into_iter().enumerate() {
        let out = reg
            .put_record(&key("s"), explicit(hash, b"x"), None, t(2_000 + i as u64))
            .expect("put");
        assert_eq!(out.shard_id, shard, "hash {hash}");
        assert_eq!(out.encryption_type, EncryptionType::None);
        assert!(out.sequence_number > last);
        assert_eq!(out.sequence_number.len(), 56);
        last = out.sequence_number;
    }
    // md5("a") starts with 0x0c: the lower half.
    let out = reg
        .put_record(&key("s"), entry("a", b"x"), None, t(3_000))
        .expect("put");
    assert_eq!(out.shard_id, "shardId-000000000000");
    let bad = [
        (entry("", b"x"), "ValidationException"),
        (entry(&"k".repeat(257), b"x"), "ValidationException"),
        (
            PutRecordEntry {
                explicit_hash_key: Some("340282366920938463463374607431768211456".into()),
                ..entry("a", b"x")
            },
            "InvalidArgumentException",
        ),
    ];
    for (e, code) in bad {
        assert_eq!(
            reg.put_record(&key("s"), e, None, t(3_000))
                .expect_err("bad")
                .code(),
            code
        );
    }
    let err = reg
        .put_record(&key("s"), entry("a", b"x"), Some("01"), t(3_000))
        .expect_err("bad seq");
    assert_eq!(err.code(), "ValidationException");
}

#[test]
fn iterator_types_start_where_aws_does() {
    let reg = with_stream(1);
    let shard = "shardId-000000000000";
    let mut seqs = Vec::new();
    for (i, d) in [b"r0", b"r1", b"r2"].into_iter().enumerate() {
        let at = 10_000 + 1_000 * i as u64;
        seqs.push(
            reg.put_record(&key("s"), entry("k", d), None, t(at))
                .expect("put")
                .sequence_number,
        );
    }
    let latest = iter(&reg, shard, StartingPosition::Latest, 12_500);
    reg.put_record(&key("s"), entry("k", b"r3"), None, t(13_000))
        .expect("put");
    let cases: [(StartingPosition, Vec<&[u8]>); 6] = [
        (
            StartingPosition::TrimHorizon,
            vec![b"r0", b"r1", b"r2", b"r3"],
        ),
        (
            StartingPosition::AtSequenceNumber(seqs[1].clone()),
            vec![b"r1", b"r2", b"r3"],
        ),
        (
            StartingPosition::AfterSequenceNumber(seqs[1].clone()),
            vec![b"r2", b"r3"],
        ),
        (
            StartingPosition::AtTimestamp(t(10_500)),
            vec![b"r1", b"r2", b"r3"],
        ),
        (StartingPosition::AtTimestamp(t(12_000)), vec![b"r2", b"r3"]),
        (StartingPosition::AtTimestamp(t(13_500)), vec![]),
    ];
    for (pos, want) in cases {
        let it = iter(&reg, shard, pos.clone(), 14_000);
        let want: Vec<Vec<u8>> = want.into_iter().map(<[u8]>::to_vec).collect();
        assert_eq!(data(&reg, &it, 14_000), want, "{pos:?}");
    }
    assert_eq!(data(&reg, &latest, 14_000), vec![b"r3".to_vec()]);
    let err = reg
        .get_shard_iterator(
            &key("s"),
            shard,
            &StartingPosition::AtTimestamp(t(20_000)),
            t(14_000),
        )
        .expect_err("future");
    assert_eq!(err.code(), "InvalidArgumentException");
}

#[test]
fn get_records_pages_with_limit_and_reports_lag() {
    let reg = with_stream(1);
    for (i, d) in [b"a", b"b", b"c"].into_iter().enumerate() {
        reg.put_record(&key("s"), entry("k", d), None, t(1_000 * (i as u64 + 1)))
            .expect("put");
    }
    let it = iter(
        &reg,
        "shardId-000000000000",
        StartingPosition::TrimHorizon,
        5_000,
    );
    let first = reg.get_records(&it, Some(2), t(5_000)).expect("get");
    assert_eq!(first.records.len(), 2);
    assert_eq!(first.records[0].approximate_arrival, t(1_000));
    assert_eq!(first.millis_behind_latest, 2_000); // the unread record arrived at 3000
    let next = first.next_shard_iterator.expect("open shard");
    let second = reg.get_records(&next, Some(2), t(5_000)).expect("get");
    assert_eq!(second.records.len(), 1);
    assert_eq!(second.millis_behind_latest, 0);
    let third = reg
        .get_records(&second.next_shard_iterator.expect("next"), None, t(5_000))
        .expect("get");
    assert!(third.records.is_empty() && third.next_shard_iterator.is_some());
    assert_eq!(
        reg.get_records(&it, Some(0), t(5_000))
            .expect_err("limit")
            .code(),
        "ValidationException"
    );
}

#[test]
fn iterators_expire_after_five_minutes() {
    let reg = with_stream(1);
    let it = iter(
        &reg,
        "shardId-000000000000",
        StartingPosition::TrimHorizon,
        1_633_843_031_000,
    );
    assert!(reg
        .get_records(&it, None, t(1_633_843_031_000 + ITERATOR_TTL_MS))
        .is_ok());
    let err = reg
        .get_records(&it, None, t(1_633_849_522_000))
        .expect_err("expired");
    assert_eq!(
        err.message(),
        "Iterator expired. The iterator was created at time Sun Oct 10 05:17:11 UTC 2021 while \
         right now it is Sun Oct 10 07:05:22 UTC 2021 which is further in the future than the \
         tolerated delay of 300000 milliseconds."
    );
    assert_eq!(
        reg.get_records("bogus", None, t(0))
            .expect_err("bogus")
            .code(),
        "InvalidArgumentException"
    );
}

#[test]
fn sequence_numbers_are_checked_against_shard_and_stream() {
    let reg = with_stream(2);
    let out = reg
        .put_record(&key("s"), explicit(0, b"x"), None, t(2_000))
        .expect("put");
    let err = reg
        .get_shard_iterator(
            &key("s"),
            "shardId-000000000001",
            &StartingPosition::AtSequenceNumber(out.sequence_number.clone()),
            t(2_000),
        )
        .expect_err("wrong shard");
    assert_eq!(
        err.message(),
        "Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used in a \
         call to a shard with shardId-000000000001"
    );
    let foreign = SeqNum {
        epoch: 1,
        ..SeqNum::parse(&out.sequence_number).expect("ours")
    }
    .to_string();
    for seq in [foreign, "12345".to_owned()] {
        let err = reg
            .get_shard_iterator(
                &key("s"),
                "shardId-000000000000",
                &StartingPosition::AfterSequenceNumber(seq),
                t(2_000),
            )
            .expect_err("foreign");
        assert!(
            err.message().ends_with("did not come from this stream."),
            "{}",
            err.message()
        );
    }
    let err = reg
        .get_shard_iterator(
            &key("s"),
            "shardId-000000000009",
            &StartingPosition::Latest,
            t(2_000),
        )
        .expect_err("no shard");
    assert_eq!(err.code(), "ResourceNotFoundException");
}

#[test]
fn retention_hides_old_records() {
    let reg = with_stream(1);
    let hour = 3_600_000;
    reg.put_record(&key("s"), entry("k", b"old"), None, t(1_000))
        .expect("put");
    reg.put_record(&key("s"), entry("k", b"new"), None, t(1_000 + hour))
        .expect("put");
    let now = 1_000 + 24 * hour;
    let it = iter(
        &reg,
        "shardId-000000000000",
        StartingPosition::TrimHorizon,
        now,
    );
    assert_eq!(data(&reg, &it, now), vec![b"new".to_vec()]);
}

#[test]
fn put_records_checks_requests_and_reports_entries() {
    let reg = with_stream(2);
    let out = reg
        .put_records(
            &key("s"),
            vec![explicit(0, b"a"), explicit(u128::MAX, b"b")],
            t(2_000),
        )
        .expect("put");
    assert_eq!(out.failed_record_count, 0);
    assert!(
        matches!(&out.records[1], EntryOutcome::Success { shard_id, .. } if shard_id == "shardId-000000000001")
    );
    let err = reg
        .put_records(&key("s"), vec![], t(2_000))
        .expect_err("empty");
    assert_eq!(err.code(), "ValidationException");
    let err = reg
        .put_records(&key("s"), vec![entry("k", b"x"); 501], t(2_000))
        .expect_err("too many");
    assert_eq!(err.code(), "ValidationException");
    let err = reg
        .put_records(&key("s"), vec![entry("k", b"x"), entry("", b"x")], t(2_000))
        .expect_err("pk");
    assert!(
        err.message().contains("'records.2.member.partitionKey'"),
        "{}",
        err.message()
    );
    let big = PutRecordEntry {
        data: Bytes::from(vec![0u8; 1024 * 1024]),
        ..entry("k", b"")
    };
    let err = reg
        .put_record(&key("s"), big.clone(), None, t(2_000))
        .expect_err("1 MiB + key");
    assert_eq!(err.code(), "InvalidArgumentException");
    let eleven = vec![
        PutRecordEntry {
            data: Bytes::from(vec![0u8; 1000 * 1024]),
            ..entry("k", b"")
        };
        11
    ];
    assert_eq!(
        reg.put_records(&key("s"), eleven, t(2_000))
            .expect_err("11 MB")
            .code(),
        "InvalidArgumentException"
    );
    reg.update_max_record_size(&key("s"), 2048, t(2_000))
        .expect("raise");
    reg.put_record(&key("s"), big, None, t(2_000))
        .expect("fits 2 MiB");
}

#[test]
fn throughput_limits_when_enabled() {
    let reg = with_stream(1);
    reg.set_throttling(true);
    let batch = vec![entry("k", b"x"); 500];
    for now in [2_000, 2_100] {
        assert_eq!(
            reg.put_records(&key("s"), batch.clone(), t(now))
                .expect("put")
                .failed_record_count,
            0
        );
    }
    let out = reg
        .put_records(&key("s"), batch.clone(), t(2_200))
        .expect("put");
    assert_eq!(out.failed_record_count, 500);
    let EntryOutcome::Failure {
        error_code,
        error_message,
    } = &out.records[0]
    else {
        panic!("expected failure");
    };
    assert_eq!(error_code, "ProvisionedThroughputExceededException");
    assert_eq!(
        error_message,
        "Rate exceeded for shard shardId-000000000000 in stream s under account 123456789012."
    );
    let err = reg
        .put_record(&key("s"), entry("k", b"x"), None, t(2_900))
        .expect_err("throttled");
    assert_eq!(err.code(), "ProvisionedThroughputExceededException");
    assert!(reg
        .put_record(&key("s"), entry("k", b"x"), None, t(3_000))
        .is_ok());
    let it = iter(
        &reg,
        "shardId-000000000000",
        StartingPosition::Latest,
        4_000,
    );
    for _ in 0..5 {
        reg.get_records(&it, None, t(4_000)).expect("read");
    }
    let err = reg
        .get_records(&it, None, t(4_500))
        .expect_err("sixth read");
    assert_eq!(err.code(), "ProvisionedThroughputExceededException");
    assert!(reg.get_records(&it, None, t(5_000)).is_ok());
}
