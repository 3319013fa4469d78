//! Streams: creation and status, description, listing, tags, retention, deletion, errors.

use aws_sdk_kinesis::types::{StreamMode, StreamModeDetails, StreamStatus};

use super::*;

#[tokio::test]
async fn a_stream_is_creating_then_active_and_described() {
    let t = TestServer::start().await;
    t.kinesis
        .create_stream()
        .stream_name("orders")
        .shard_count(3)
        .send()
        .await
        .expect("create");
    let d = t
        .kinesis
        .describe_stream_summary()
        .stream_name("orders")
        .send()
        .await
        .expect("summary")
        .stream_description_summary
        .expect("summary");
    assert_eq!(d.stream_status, StreamStatus::Creating);
    let (code, _) = error(
        t.kinesis
            .put_record()
            .stream_name("orders")
            .partition_key("k")
            .data(aws_sdk_kinesis::primitives::Blob::new("x"))
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
    t.advance(1).await;
    let d = t
        .kinesis
        .describe_stream()
        .stream_name("orders")
        .send()
        .await
        .expect("describe")
        .stream_description
        .expect("description");
    assert_eq!(d.stream_status, StreamStatus::Active);
    assert_eq!(
        d.stream_arn,
        "arn:aws:kinesis:us-east-1:000000000000:stream/orders"
    );
    assert_eq!(d.shards.len(), 3);
    assert_eq!(d.shards[0].shard_id, "shardId-000000000000");
    assert_eq!(
        d.shards[0]
            .hash_key_range
            .as_ref()
            .expect("range")
            .starting_hash_key,
        "0"
    );
    assert_eq!(
        d.shards[2]
            .hash_key_range
            .as_ref()
            .expect("range")
            .ending_hash_key,
        "340282366920938463463374607431768211455"
    );
    assert_eq!(d.retention_period_hours, 24);

    let (code, message) = error(
        t.kinesis
            .create_stream()
            .stream_name("orders")
            .shard_count(1)
            .send()
            .await,
    );
    assert_eq!(code, "ResourceInUseException");
    assert!(message.contains("orders"), "{message}");
    let (code, message) = error(t.kinesis.describe_stream().stream_name("nope").send().await);
    assert_eq!(code, "ResourceNotFoundException");
    assert_eq!(message, "Stream nope under account 000000000000 not found.");
}

#[tokio::test]
async fn on_demand_streams_have_four_shards_and_list_with_summaries() {
    let t = TestServer::start().await;
    t.kinesis
        .create_stream()
        .stream_name("od")
        .stream_mode_details(
            StreamModeDetails::builder()
                .stream_mode(StreamMode::OnDemand)
                .build()
                .expect("mode"),
        )
        .send()
        .await
        .expect("create");
    active_stream(&t, "prov", 1).await;
    let list = t.kinesis.list_streams().send().await.expect("list");
    assert_eq!(list.stream_names, vec!["od", "prov"]);
    assert!(!list.has_more_streams);
    assert_eq!(list.stream_summaries().len(), 2);
    let shards = t
        .kinesis
        .list_shards()
        .stream_name("od")
        .send()
        .await
        .expect("shards");
    assert_eq!(shards.shards().len(), 4);
}

#[tokio::test]
async fn tags_retention_and_deletion() {
    let t = TestServer::start().await;
    active_stream(&t, "settings", 1).await;
    t.kinesis
        .add_tags_to_stream()
        .stream_name("settings")
        .tags("team", "a")
        .tags("env", "dev")
        .send()
        .await
        .expect("tag");
    t.kinesis
        .remove_tags_from_stream()
        .stream_name("settings")
        .tag_keys("env")
        .send()
        .await
        .expect("untag");
    let tags = t
        .kinesis
        .list_tags_for_stream()
        .stream_name("settings")
        .send()
        .await
        .expect("tags");
    assert_eq!(tags.tags().len(), 1);
    assert_eq!(tags.tags()[0].key(), "team");

    t.kinesis
        .increase_stream_retention_period()
        .stream_name("settings")
        .retention_period_hours(48)
        .send()
        .await
        .expect("increase");
    let (code, message) = error(
        t.kinesis
            .decrease_stream_retention_period()
            .stream_name("settings")
            .retention_period_hours(1)
            .send()
            .await,
    );
    assert_eq!(code, "InvalidArgumentException");
    assert!(
        message.contains("Minimum allowed retention period is 24 hours"),
        "{message}"
    );

    t.kinesis
        .delete_stream()
        .stream_name("settings")
        .send()
        .await
        .expect("delete");
    t.advance(1).await;
    let (code, _) = error(
        t.kinesis
            .describe_stream()
            .stream_name("settings")
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
}

#[tokio::test]
async fn stream_settings_policies_and_account_operations() {
    use aws_sdk_kinesis::types::{
        EncryptionType, MetricsName, MinimumThroughputBillingCommitmentInput,
        MinimumThroughputBillingCommitmentInputStatus,
    };
    let t = TestServer::start().await;
    let arn = active_stream(&t, "knobs", 1).await;
    t.kinesis
        .start_stream_encryption()
        .stream_name("knobs")
        .encryption_type(EncryptionType::Kms)
        .key_id("alias/aws/kinesis")
        .send()
        .await
        .expect("encrypt");
    t.advance(1).await;
    let summary = t
        .kinesis
        .describe_stream_summary()
        .stream_name("knobs")
        .send()
        .await
        .expect("summary")
        .stream_description_summary
        .expect("summary");
    assert_eq!(summary.encryption_type, Some(EncryptionType::Kms));
    assert_eq!(summary.key_id(), Some("alias/aws/kinesis"));

    let monitoring = t
        .kinesis
        .enable_enhanced_monitoring()
        .stream_name("knobs")
        .shard_level_metrics(MetricsName::IncomingBytes)
        .send()
        .await
        .expect("monitoring");
    assert_eq!(
        monitoring.desired_shard_level_metrics(),
        &[MetricsName::IncomingBytes]
    );

    t.kinesis
        .update_max_record_size()
        .stream_arn(&arn)
        .max_record_size_in_kib(2048)
        .send()
        .await
        .expect("max record size");
    t.advance(1).await;
    let summary = t
        .kinesis
        .describe_stream_summary()
        .stream_name("knobs")
        .send()
        .await
        .expect("summary")
        .stream_description_summary
        .expect("summary");
    assert_eq!(summary.max_record_size_in_kib, Some(2048));

    let policy = r#"{"Version":"2012-10-17","Statement":[]}"#;
    t.kinesis
        .put_resource_policy()
        .resource_arn(&arn)
        .policy(policy)
        .send()
        .await
        .expect("put policy");
    let got = t
        .kinesis
        .get_resource_policy()
        .resource_arn(&arn)
        .send()
        .await
        .expect("get policy");
    assert_eq!(got.policy(), policy);
    t.kinesis
        .delete_resource_policy()
        .resource_arn(&arn)
        .send()
        .await
        .expect("delete policy");

    t.kinesis
        .tag_resource()
        .resource_arn(&arn)
        .tags("owner", "me")
        .send()
        .await
        .expect("tag resource");
    let tags = t
        .kinesis
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .expect("tags");
    assert_eq!(tags.tags()[0].key(), "owner");

    let limits = t.kinesis.describe_limits().send().await.expect("limits");
    assert_eq!(limits.open_shard_count, 1);
    let commitment = t
        .kinesis
        .update_account_settings()
        .minimum_throughput_billing_commitment(
            MinimumThroughputBillingCommitmentInput::builder()
                .status(MinimumThroughputBillingCommitmentInputStatus::Enabled)
                .build()
                .expect("commitment"),
        )
        .send()
        .await
        .expect("account settings");
    assert!(commitment.minimum_throughput_billing_commitment.is_some());
    t.kinesis
        .describe_account_settings()
        .send()
        .await
        .expect("describe account settings");
}

/// The bytes `sluice_kinesis_retained_bytes` reports.
async fn retained_bytes(t: &TestServer) -> u64 {
    let metrics = t.get("/metrics").await.body;
    metrics
        .lines()
        .find_map(|line| line.strip_prefix("sluice_kinesis_retained_bytes "))
        .expect("the gauge")
        .parse()
        .expect("a number")
}

#[tokio::test]
async fn a_deleted_streams_records_are_released_when_deleting_ends_without_another_request() {
    let t = TestServer::start().await;
    active_stream(&t, "released", 1).await;
    let mut put = t.kinesis.put_records().stream_name("released");
    for i in 0..100 {
        put = put.records(
            aws_sdk_kinesis::types::PutRecordsRequestEntry::builder()
                .partition_key(format!("key{i}"))
                .data(aws_sdk_kinesis::primitives::Blob::new(vec![7u8; 1000]))
                .build()
                .expect("entry"),
        );
    }
    put.send().await.expect("put");
    assert!(retained_bytes(&t).await >= 100_000);
    t.kinesis
        .delete_stream()
        .stream_name("released")
        .send()
        .await
        .expect("delete");
    // Housekeeping is off: only the end of DELETING itself can release the records.
    t.advance(1).await;
    assert_eq!(retained_bytes(&t).await, 0);
}
