//! Records: PutRecord(s), iterators of every type, GetRecords, expiry and retention.

use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::{PutRecordsRequestEntry, ShardIteratorType};

use super::*;

#[tokio::test]
async fn records_go_in_and_come_out_in_order() {
    let t = TestServer::start().await;
    active_stream(&t, "rec", 1).await;
    let mut sequence_numbers = Vec::new();
    for i in 0..3 {
        let out = t
            .kinesis
            .put_record()
            .stream_name("rec")
            .partition_key(format!("pk{i}"))
            .data(Blob::new(format!("record {i}")))
            .send()
            .await
            .expect("put");
        assert_eq!(out.shard_id, "shardId-000000000000");
        sequence_numbers.push(out.sequence_number.clone());
    }
    // Large decimals (56 digits): compared by length, then digits.
    assert!(sequence_numbers
        .iter()
        .all(|s| s.bytes().all(|b| b.is_ascii_digit())));
    let keys: Vec<(usize, &String)> = sequence_numbers.iter().map(|s| (s.len(), s)).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "{sequence_numbers:?}");
    let batch = t
        .kinesis
        .put_records()
        .stream_name("rec")
        .records(
            PutRecordsRequestEntry::builder()
                .partition_key("a")
                .data(Blob::new("b1"))
                .build()
                .expect("entry"),
        )
        .records(
            PutRecordsRequestEntry::builder()
                .partition_key("b")
                .data(Blob::new("b2"))
                .build()
                .expect("entry"),
        )
        .send()
        .await
        .expect("put records");
    assert_eq!(batch.failed_record_count, Some(0));
    assert_eq!(batch.records.len(), 2);

    let iterator = trim_horizon(&t, "rec", "shardId-000000000000").await;
    let out = t
        .kinesis
        .get_records()
        .shard_iterator(iterator)
        .send()
        .await
        .expect("get");
    let bodies: Vec<String> = out
        .records
        .iter()
        .map(|r| String::from_utf8_lossy(r.data.as_ref()).into_owned())
        .collect();
    assert_eq!(bodies, vec!["record 0", "record 1", "record 2", "b1", "b2"]);
    assert_eq!(out.records[0].partition_key(), Some("pk0"));
    assert!(out.next_shard_iterator.is_some());

    let after = t
        .kinesis
        .get_shard_iterator()
        .stream_name("rec")
        .shard_id("shardId-000000000000")
        .shard_iterator_type(ShardIteratorType::AfterSequenceNumber)
        .starting_sequence_number(&sequence_numbers[1])
        .send()
        .await
        .expect("iterator")
        .shard_iterator
        .expect("iterator");
    let out = t
        .kinesis
        .get_records()
        .shard_iterator(after)
        .limit(1)
        .send()
        .await
        .expect("get");
    assert_eq!(out.records[0].data.as_ref(), b"record 2");

    let latest = t
        .kinesis
        .get_shard_iterator()
        .stream_name("rec")
        .shard_id("shardId-000000000000")
        .shard_iterator_type(ShardIteratorType::Latest)
        .send()
        .await
        .expect("iterator")
        .shard_iterator
        .expect("iterator");
    t.kinesis
        .put_record()
        .stream_name("rec")
        .partition_key("z")
        .data(Blob::new("after latest"))
        .send()
        .await
        .expect("put");
    let out = t
        .kinesis
        .get_records()
        .shard_iterator(latest)
        .send()
        .await
        .expect("get");
    assert_eq!(out.records.len(), 1);
    assert_eq!(out.records[0].data.as_ref(), b"after latest");
}

#[tokio::test]
async fn iterators_expire_and_records_age_out() {
    let t = TestServer::start().await;
    active_stream(&t, "aging", 1).await;
    t.kinesis
        .put_record()
        .stream_name("aging")
        .partition_key("k")
        .data(Blob::new("old"))
        .send()
        .await
        .expect("put");
    let iterator = trim_horizon(&t, "aging", "shardId-000000000000").await;
    t.advance(301).await;
    let (code, message) = error(
        t.kinesis
            .get_records()
            .shard_iterator(iterator)
            .send()
            .await,
    );
    assert_eq!(code, "ExpiredIteratorException");
    assert!(message.starts_with("Iterator expired."), "{message}");
    t.advance(24 * 3600).await;
    let iterator = trim_horizon(&t, "aging", "shardId-000000000000").await;
    let out = t
        .kinesis
        .get_records()
        .shard_iterator(iterator)
        .send()
        .await
        .expect("get");
    assert!(
        out.records.is_empty(),
        "records older than the retention period are gone"
    );
}

#[tokio::test]
async fn a_one_mebibyte_record_round_trips_and_bigger_is_refused() {
    let t = TestServer::start().await;
    active_stream(&t, "big", 1).await;
    let data = vec![7u8; 1024 * 1024 - 1];
    t.kinesis
        .put_record()
        .stream_name("big")
        .partition_key("k")
        .data(Blob::new(data.clone()))
        .send()
        .await
        .expect("1 MiB record (with its key) is accepted");
    let (code, _) = error(
        t.kinesis
            .put_record()
            .stream_name("big")
            .partition_key("k")
            .data(Blob::new(vec![7u8; 1024 * 1024 + 1]))
            .send()
            .await,
    );
    assert!(
        code == "ValidationException" || code == "InvalidArgumentException",
        "{code}"
    );
    let iterator = trim_horizon(&t, "big", "shardId-000000000000").await;
    let out = t
        .kinesis
        .get_records()
        .shard_iterator(iterator)
        .send()
        .await
        .expect("get");
    assert_eq!(out.records[0].data.as_ref(), data.as_slice());
}

#[tokio::test]
async fn records_can_be_inspected_without_iterators() {
    let t = TestServer::start().await;
    active_stream(&t, "peek", 2).await;
    for key in ["a", "b", "c", "d"] {
        t.kinesis
            .put_record()
            .stream_name("peek")
            .partition_key(key)
            .data(Blob::new(format!("value {key}")))
            .send()
            .await
            .expect("put");
    }
    let body = t
        .get("/_sluice/kinesis/records?StreamName=peek")
        .await
        .json();
    let total: usize = body["Shards"]
        .as_object()
        .expect("shards")
        .values()
        .map(|records| records.as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(total, 4);
    let missing = t.get("/_sluice/kinesis/records?StreamName=nope").await;
    assert_eq!(missing.status, 404);
    let resources = t.get("/_sluice/resources").await.json();
    assert_eq!(resources["kinesis"]["streams"][0]["records"], 4);
}

/// A raw AWS JSON 1.1 Kinesis call: (status, `__type`, message).
async fn raw_kinesis(
    t: &TestServer,
    operation: &str,
    body: serde_json::Value,
) -> (u16, String, String) {
    let reply = t
        .post(
            "/",
            &[
                ("content-type", "application/x-amz-json-1.1"),
                ("x-amz-target", &format!("Kinesis_20131202.{operation}")),
            ],
            body.to_string(),
        )
        .await;
    let json = reply.json();
    (
        reply.status,
        json["__type"].as_str().unwrap_or_default().to_owned(),
        json["message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// Every violated member in one ValidationException, as Kinesis answers (messages from
/// kinesalite's tests, which were written against Kinesis; a stream name is no longer
/// required since StreamARN exists).
#[tokio::test]
async fn every_violation_is_reported_at_once() {
    let t = TestServer::start().await;
    let (status, kind, message) = raw_kinesis(&t, "PutRecord", serde_json::json!({})).await;
    assert_eq!((status, kind.as_str()), (400, "ValidationException"));
    assert_eq!(
        message,
        "2 validation errors detected: \
         Value null at 'partitionKey' failed to satisfy constraint: Member must not be null; \
         Value null at 'data' failed to satisfy constraint: Member must not be null"
    );
    let (_, _, message) = raw_kinesis(
        &t,
        "PutRecord",
        serde_json::json!({
            "StreamName": "", "PartitionKey": "", "Data": "",
            "ExplicitHashKey": "", "SequenceNumberForOrdering": ""
        }),
    )
    .await;
    assert_eq!(
        message,
        "5 validation errors detected: \
         Value '' at 'sequenceNumberForOrdering' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128}); \
         Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; \
         Value '' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); \
         Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; \
         Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1"
    );
    let (_, _, message) = raw_kinesis(
        &t,
        "PutRecords",
        serde_json::json!({"StreamName": "", "Records": []}),
    )
    .await;
    assert_eq!(
        message,
        "3 validation errors detected: \
         Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1; \
         Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; \
         Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1"
    );
    let (_, _, message) = raw_kinesis(
        &t,
        "PutRecords",
        serde_json::json!({
            "StreamName": "s",
            "Records": [
                {"PartitionKey": "k", "Data": "AA=="},
                {"PartitionKey": "", "Data": "", "ExplicitHashKey": ""}
            ]
        }),
    )
    .await;
    assert_eq!(
        message,
        "2 validation errors detected: \
         Value '' at 'records.2.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; \
         Value '' at 'records.2.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})"
    );
}

/// GetRecords: both members' violations at once, an over-long iterator refused before it is
/// read, and a malformed one answered without echoing it (kinesalite's tests).
#[tokio::test]
async fn get_records_validates_before_reading_the_iterator() {
    let t = TestServer::start().await;
    let (_, kind, message) = raw_kinesis(&t, "GetRecords", serde_json::json!({})).await;
    assert_eq!(kind, "ValidationException");
    assert_eq!(
        message,
        "1 validation error detected: Value null at 'shardIterator' failed to satisfy constraint: Member must not be null"
    );
    let (_, _, message) = raw_kinesis(
        &t,
        "GetRecords",
        serde_json::json!({"ShardIterator": "", "Limit": 0}),
    )
    .await;
    assert_eq!(
        message,
        "2 validation errors detected: \
         Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; \
         Value '' at 'shardIterator' failed to satisfy constraint: Member must have length greater than or equal to 1"
    );
    let long = "a".repeat(513);
    let (_, _, message) = raw_kinesis(
        &t,
        "GetRecords",
        serde_json::json!({"ShardIterator": long, "Limit": 100_000}),
    )
    .await;
    assert_eq!(
        message,
        format!(
            "2 validation errors detected: \
             Value '100000' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000; \
             Value '{long}' at 'shardIterator' failed to satisfy constraint: Member must have length less than or equal to 512"
        )
    );
    let (status, kind, message) = raw_kinesis(
        &t,
        "GetRecords",
        serde_json::json!({"ShardIterator": "not-an-iterator"}),
    )
    .await;
    assert_eq!(
        (status, kind.as_str(), message.as_str()),
        (400, "InvalidArgumentException", "Invalid ShardIterator.")
    );
}

/// GetShardIterator names the shard it cannot find, whether the stream or the shard is
/// missing: canonically when the id reads as one (kinesalite's tests against Kinesis).
#[tokio::test]
async fn a_missing_shard_is_named_as_aws_names_it() {
    let t = TestServer::start().await;
    let iterator = |stream: &str, shard: &str| serde_json::json!({"StreamName": stream, "ShardId": shard, "ShardIteratorType": "LATEST"});
    let (status, kind, message) =
        raw_kinesis(&t, "GetShardIterator", iterator("nowhere", "2147483647")).await;
    assert_eq!(
        (status, kind.as_str(), message.as_str()),
        (
            400,
            "ResourceNotFoundException",
            "Shard shardId-002147483647 in stream nowhere under account 000000000000 does not exist"
        )
    );
    let (_, _, message) =
        raw_kinesis(&t, "GetShardIterator", iterator("nowhere", "2147483648")).await;
    assert_eq!(
        message,
        "Could not find shard 2147483648 in stream nowhere under account 000000000000."
    );
    active_stream(&t, "known", 1).await;
    let (_, _, message) = raw_kinesis(&t, "GetShardIterator", iterator("known", "shardId-5")).await;
    assert_eq!(
        message,
        "Shard shardId-000000000005 in stream known under account 000000000000 does not exist"
    );
}
