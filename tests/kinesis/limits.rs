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
