//! Enhanced fan-out: consumers and SubscribeToShard through the SDK's event stream — records
//! are pushed as they are written, with no clock movement needed.

use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::{
    ConsumerStatus, ShardIteratorType, StartingPosition, SubscribeToShardEventStream,
};

use super::*;

#[tokio::test]
async fn subscribe_to_shard_pushes_records_as_they_arrive() {
    let t = TestServer::start().await;
    let arn = active_stream(&t, "fanout", 1).await;
    t.kinesis
        .put_record()
        .stream_name("fanout")
        .partition_key("k")
        .data(Blob::new("first"))
        .send()
        .await
        .expect("put");
    let consumer = t
        .kinesis
        .register_stream_consumer()
        .stream_arn(&arn)
        .consumer_name("app")
        .send()
        .await
        .expect("register")
        .consumer
        .expect("consumer");
    assert_eq!(consumer.consumer_status, ConsumerStatus::Creating);
    t.advance(1).await;
    let listed = t
        .kinesis
        .list_stream_consumers()
        .stream_arn(&arn)
        .send()
        .await
        .expect("list");
    assert_eq!(
        listed.consumers()[0].consumer_status,
        ConsumerStatus::Active
    );

    let position = StartingPosition::builder()
        .r#type(ShardIteratorType::TrimHorizon)
        .build()
        .expect("position");
    let mut out = t
        .kinesis
        .subscribe_to_shard()
        .consumer_arn(&consumer.consumer_arn)
        .shard_id("shardId-000000000000")
        .starting_position(position.clone())
        .send()
        .await
        .expect("subscribe");
    let mut received = Vec::new();
    let mut put_second = false;
    while received.len() < 2 {
        let event =
            tokio::time::timeout(std::time::Duration::from_secs(10), out.event_stream.recv())
                .await
                .expect("an event arrives without the clock moving")
                .expect("stream healthy")
                .expect("an event");
        if let SubscribeToShardEventStream::SubscribeToShardEvent(e) = event {
            for r in e.records {
                received.push(String::from_utf8_lossy(r.data.as_ref()).into_owned());
            }
            assert!(!e.continuation_sequence_number.is_empty());
        }
        if !put_second && received.len() == 1 {
            put_second = true;
            t.kinesis
                .put_record()
                .stream_name("fanout")
                .partition_key("k")
                .data(Blob::new("pushed"))
                .send()
                .await
                .expect("put");
        }
    }
    assert_eq!(received, vec!["first", "pushed"]);

    let (code, _) = error(
        t.kinesis
            .subscribe_to_shard()
            .consumer_arn(&consumer.consumer_arn)
            .shard_id("shardId-000000000000")
            .starting_position(position)
            .send()
            .await,
    );
    assert_eq!(
        code, "ResourceInUseException",
        "one live subscription per consumer and shard"
    );
}
