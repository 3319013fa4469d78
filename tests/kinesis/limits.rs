//! Opt-in throughput limits: per shard, 1,000 records or 1 MiB written and 5 GetRecords calls
//! a second, answered with ProvisionedThroughputExceeded so clients can test their backoff.

use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::PutRecordsRequestEntry;

use super::*;

#[tokio::test]
async fn limits_apply_per_shard_per_second_when_enabled() {
    let settings = sluice::Settings {
        port: 0,
        kinesis_throughput_limits: true,
        ..sluice::Settings::default()
    };
    let server = sluice::Server::builder()
        .settings(settings)
        .manual_clock()
        .housekeeping(false)
        .spawn()
        .await
        .expect("server");
    let kinesis = sluice_tests::kinesis_client(&server.endpoint_url(), "us-east-1");
    let clock = server.manual_clock().expect("manual clock");
    kinesis
        .create_stream()
        .stream_name("limited")
        .shard_count(1)
        .send()
        .await
        .expect("create");
    clock.advance(std::time::Duration::from_secs(1)).await;
    let batch = |n: usize| {
        let mut request = kinesis.put_records().stream_name("limited");
        for i in 0..n {
            request = request.records(
                PutRecordsRequestEntry::builder()
                    .partition_key(format!("k{i}"))
                    .data(Blob::new("x"))
                    .build()
                    .expect("entry"),
            );
        }
        request.send()
    };
    let first = batch(500).await.expect("first 500");
    assert_eq!(first.failed_record_count, Some(0));
    let second = batch(500).await.expect("next 500");
    assert_eq!(second.failed_record_count, Some(0));
    let third = batch(10).await.expect("over the limit");
    assert_eq!(third.failed_record_count, Some(10));
    assert_eq!(
        third.records[0].error_code(),
        Some("ProvisionedThroughputExceededException")
    );
    let (code, _) = error(
        kinesis
            .put_record()
            .stream_name("limited")
            .partition_key("k")
            .data(Blob::new("x"))
            .send()
            .await,
    );
    assert_eq!(code, "ProvisionedThroughputExceededException");
    clock.advance(std::time::Duration::from_secs(1)).await;
    kinesis
        .put_record()
        .stream_name("limited")
        .partition_key("k")
        .data(Blob::new("x"))
        .send()
        .await
        .expect("a new second, a new budget");

    let iterator = kinesis
        .get_shard_iterator()
        .stream_name("limited")
        .shard_id("shardId-000000000000")
        .shard_iterator_type(aws_sdk_kinesis::types::ShardIteratorType::Latest)
        .send()
        .await
        .expect("iterator")
        .shard_iterator
        .expect("iterator");
    for _ in 0..5 {
        kinesis
            .get_records()
            .shard_iterator(&iterator)
            .send()
            .await
            .expect("within 5 calls");
    }
    let (code, _) = error(kinesis.get_records().shard_iterator(&iterator).send().await);
    assert_eq!(code, "ProvisionedThroughputExceededException");
    server.shutdown().await;
}

#[tokio::test]
async fn retained_bytes_cap_refuses_writes_until_retention_or_deletion_frees_room() {
    // 101 bytes a record (100 of data, 1 of key): 9 fit under 1000 bytes, the 10th does not.
    let server = sluice::Server::builder()
        .settings(sluice::Settings {
            port: 0,
            kinesis_status_delay_ms: 0,
            ..sluice::Settings::default()
        })
        .kinesis_max_retained_bytes(1_000)
        .manual_clock()
        .housekeeping(false)
        .spawn()
        .await
        .expect("server");
    let kinesis = sluice_tests::kinesis_client(&server.endpoint_url(), "us-east-1");
    let clock = server.manual_clock().expect("manual clock");
    for name in ["full", "other"] {
        kinesis
            .create_stream()
            .stream_name(name)
            .shard_count(1)
            .send()
            .await
            .expect("create");
    }
    let record = || {
        PutRecordsRequestEntry::builder()
            .partition_key("k")
            .data(Blob::new(vec![b'x'; 100]))
            .build()
            .expect("entry")
    };
    let mut request = kinesis.put_records().stream_name("full");
    for _ in 0..12 {
        request = request.records(record());
    }
    let out = request.send().await.expect("put records");
    assert_eq!(out.failed_record_count, Some(3));
    let failed = &out.records[9];
    assert_eq!(
        failed.error_code(),
        Some("ProvisionedThroughputExceededException")
    );
    assert!(
        failed
            .error_message()
            .unwrap_or_default()
            .contains("--kinesis-max-retained-bytes"),
        "{failed:?}"
    );
    // The cap is process-wide: another stream is refused too, never silently dropped.
    let put_other = || {
        kinesis
            .put_record()
            .stream_name("other")
            .partition_key("k")
            .data(Blob::new(vec![b'x'; 100]))
            .send()
    };
    let (code, _) = error(put_other().await);
    assert_eq!(code, "ProvisionedThroughputExceededException");
    // Deleting the full stream gives its bytes back.
    kinesis
        .delete_stream()
        .stream_name("full")
        .send()
        .await
        .expect("delete");
    for _ in 0..9 {
        put_other().await.expect("room after the delete");
    }
    let (code, _) = error(put_other().await);
    assert_eq!(code, "ProvisionedThroughputExceededException");
    // So does the retention period passing.
    clock
        .advance(std::time::Duration::from_secs(24 * 3600 + 1))
        .await;
    put_other().await.expect("room after retention");
    server.shutdown().await;
}
