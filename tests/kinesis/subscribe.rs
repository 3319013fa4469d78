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

/// Kinesis clients (the Java SDK's Netty client for SubscribeToShard) speak HTTP/2; Sluice
/// accepts cleartext HTTP/2 with prior knowledge on the same port, event stream included.
#[tokio::test]
async fn http2_cleartext_serves_requests_and_event_streams() {
    use http_body_util::BodyExt;

    let t = TestServer::start().await;
    let arn = active_stream(&t, "h2", 1).await;
    let consumer = t
        .kinesis
        .register_stream_consumer()
        .stream_arn(&arn)
        .consumer_name("h2c")
        .send()
        .await
        .expect("register")
        .consumer
        .expect("consumer");
    t.advance(1).await;
    t.kinesis
        .put_record()
        .stream_name("h2")
        .partition_key("k")
        .data(Blob::new("over h2"))
        .send()
        .await
        .expect("put");

    let client: hyper_util::client::legacy::Client<_, http_body_util::Full<bytes::Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .http2_only(true)
            .build_http();
    let request = |target: &str, body: String| {
        http::Request::post(format!("{}/", t.endpoint()))
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", target)
            .body(http_body_util::Full::new(bytes::Bytes::from(body)))
            .expect("request")
    };
    let response = client
        .request(request("Kinesis_20131202.ListStreams", "{}".into()))
        .await
        .expect("h2c answer");
    assert_eq!(response.version(), http::Version::HTTP_2);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("\"h2\""));

    let subscribe = serde_json::json!({
        "ConsumerARN": consumer.consumer_arn,
        "ShardId": "shardId-000000000000",
        "StartingPosition": {"Type": "TRIM_HORIZON"}
    });
    let response = client
        .request(request(
            "Kinesis_20131202.SubscribeToShard",
            subscribe.to_string(),
        ))
        .await
        .expect("subscription");
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.amazon.eventstream"
    );
    let mut body = response.into_body();
    let mut buffer = Vec::new();
    let mut events = Vec::new();
    while events.len() < 2 {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(10), body.frame())
            .await
            .expect("a frame")
            .expect("open")
            .expect("data");
        if let Ok(data) = frame.into_data() {
            buffer.extend_from_slice(&data);
        }
        while let Ok((message, used)) = sluice_wire::eventstream::decode(&buffer) {
            buffer.drain(..used);
            events.push(message);
        }
    }
    assert_eq!(events[0].header(":event-type"), Some("initial-response"));
    assert_eq!(
        events[1].header(":event-type"),
        Some("SubscribeToShardEvent")
    );
    let payload: serde_json::Value = serde_json::from_slice(&events[1].payload).expect("json");
    assert_eq!(payload["Records"][0]["Data"], "b3ZlciBoMg==");
}

#[tokio::test]
async fn a_closed_shard_ends_its_subscription_with_the_children_and_takeover_works() {
    let t = TestServer::start().await;
    let arn = active_stream(&t, "ending", 1).await;
    t.kinesis
        .put_record()
        .stream_name("ending")
        .partition_key("k")
        .data(Blob::new("last of the parent"))
        .send()
        .await
        .expect("put");
    let consumer = t
        .kinesis
        .register_stream_consumer()
        .stream_arn(&arn)
        .consumer_name("ender")
        .send()
        .await
        .expect("register")
        .consumer
        .expect("consumer");
    t.advance(1).await;
    t.kinesis
        .split_shard()
        .stream_name("ending")
        .shard_to_split("shardId-000000000000")
        .new_starting_hash_key((u128::MAX / 2).to_string())
        .send()
        .await
        .expect("split");
    t.advance(1).await;
    let position = StartingPosition::builder()
        .r#type(ShardIteratorType::TrimHorizon)
        .build()
        .expect("position");
    let subscribe = || {
        t.kinesis
            .subscribe_to_shard()
            .consumer_arn(&consumer.consumer_arn)
            .shard_id("shardId-000000000000")
            .starting_position(position.clone())
            .send()
    };
    let mut out = subscribe().await.expect("subscribe");
    let mut records = 0;
    loop {
        let event =
            tokio::time::timeout(std::time::Duration::from_secs(10), out.event_stream.recv())
                .await
                .expect("an event")
                .expect("healthy")
                .expect("event");
        let SubscribeToShardEventStream::SubscribeToShardEvent(e) = event else {
            continue;
        };
        records += e.records.len();
        if e.continuation_sequence_number.is_empty() {
            assert_eq!(e.child_shards().len(), 2, "the end names the children");
            break;
        }
    }
    assert_eq!(records, 1);

    // A new subscription within 5 seconds is refused; after them, it takes over.
    let t2 = active_stream(&t, "takeover", 1).await;
    let c2 = t
        .kinesis
        .register_stream_consumer()
        .stream_arn(&t2)
        .consumer_name("c")
        .send()
        .await
        .expect("register")
        .consumer
        .expect("consumer");
    t.advance(1).await;
    let take = || {
        t.kinesis
            .subscribe_to_shard()
            .consumer_arn(&c2.consumer_arn)
            .shard_id("shardId-000000000000")
            .starting_position(position.clone())
            .send()
    };
    let _first = take().await.expect("first subscription");
    let (code, message) = error(take().await);
    assert_eq!(code, "ResourceInUseException");
    assert!(message.starts_with("Another active subscription exists for this consumer: 000000000000:takeover:shardId-000000000000:c"), "{message}");
    t.advance(5).await;
    take().await.expect("a call 5 seconds later takes over");
}

/// With no status delay, a consumer can be registered, deregistered and registered again
/// within one second; the ARN (which carries the creation second) must still be new.
#[tokio::test]
async fn a_re_registered_consumer_gets_a_new_arn() {
    let server = sluice::Server::builder()
        .port(0)
        .manual_clock()
        .housekeeping(false)
        .kinesis_status_delay(std::time::Duration::ZERO)
        .spawn()
        .await
        .expect("server");
    let kinesis = sluice_tests::kinesis_client(&server.endpoint_url(), "us-east-1");
    let clock = server.manual_clock().expect("manual clock");
    let into_second = {
        use sluice_core::Clock;
        1000 - clock.now().as_millis() % 1000
    };
    clock
        .advance(std::time::Duration::from_millis(into_second))
        .await;
    kinesis
        .create_stream()
        .stream_name("again")
        .shard_count(1)
        .send()
        .await
        .expect("create");
    let arn = "arn:aws:kinesis:us-east-1:000000000000:stream/again";
    let register = || {
        kinesis
            .register_stream_consumer()
            .stream_arn(arn)
            .consumer_name("same")
            .send()
    };
    let first = register()
        .await
        .expect("register")
        .consumer
        .expect("consumer");
    kinesis
        .deregister_stream_consumer()
        .consumer_arn(&first.consumer_arn)
        .send()
        .await
        .expect("deregister");
    let second = register()
        .await
        .expect("register again")
        .consumer
        .expect("consumer");
    assert_ne!(second.consumer_arn, first.consumer_arn);
    let (code, _) = error(
        kinesis
            .describe_stream_consumer()
            .consumer_arn(&first.consumer_arn)
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");
    server.shutdown().await;
}

#[test]
fn event_stream_frames_are_byte_identical_to_the_sdk_encoder() {
    use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
    let sdk = |headers: &[(&str, &str)], payload: &[u8]| {
        let mut message = Message::new(payload.to_vec());
        for (name, value) in headers {
            message = message.add_header(Header::new(
                name.to_string(),
                HeaderValue::String(value.to_string().into()),
            ));
        }
        let mut frame = Vec::new();
        aws_smithy_eventstream::frame::write_message_to(&message, &mut frame).expect("encodes");
        frame
    };
    let records = br#"{"Records":[{"Data":"aGk=","PartitionKey":"k","SequenceNumber":"1"}],"ContinuationSequenceNumber":"1","MillisBehindLatest":0}"#;
    type Frame<'a> = (&'a [(&'a str, &'a str)], &'a [u8]);
    let frames: [Frame; 4] = [
        (
            &[
                (":event-type", "initial-response"),
                (":content-type", "application/json"),
                (":message-type", "event"),
            ],
            b"{}",
        ),
        (
            &[
                (":event-type", "SubscribeToShardEvent"),
                (":content-type", "application/json"),
                (":message-type", "event"),
            ],
            records,
        ),
        (
            &[
                (":exception-type", "ResourceNotFoundException"),
                (":content-type", "application/x-amz-cbor-1.1"),
                (":message-type", "exception"),
            ],
            &[
                0xa1, 0x67, b'm', b'e', b's', b's', b'a', b'g', b'e', 0x61, b'x',
            ],
        ),
        (&[], b""),
    ];
    for (headers, payload) in frames {
        assert_eq!(
            sluice_wire::eventstream::encode(headers, payload),
            sdk(headers, payload),
            "{headers:?}"
        );
    }
    assert_eq!(
        sluice_wire::eventstream::event("SubscribeToShardEvent", "application/json", records),
        sdk(frames[1].0, records)
    );
}
