//! Durable SNS state through the SDKs: topics with their attributes and tags,
//! subscriptions (confirmed or pending) with their filter policies and raw delivery, and FIFO
//! topics' deduplication and sequence numbers come back after a restart on the same data dir.

use std::path::Path;
use std::time::Duration;

use aws_sdk_sns::types::MessageAttributeValue;
use sluice::{RunningServer, Server};
use sluice_tests::{sns_client, sqs_client, TempDir};

const START: u64 = 1_800_000_000_000;

struct Clients {
    server: RunningServer,
    sns: aws_sdk_sns::Client,
    sqs: aws_sdk_sqs::Client,
}

async fn start(dir: &Path, at_millis: u64) -> Clients {
    let server = Server::builder()
        .port(0)
        .manual_clock_at(at_millis)
        .housekeeping(false)
        .data_dir(dir)
        .spawn()
        .await
        .expect("server starts on the data dir");
    Clients {
        sns: sns_client(&server.endpoint_url(), "us-east-1"),
        sqs: sqs_client(&server.endpoint_url(), "us-east-1"),
        server,
    }
}

/// Bodies the queue holds now (a long poll: delivery is asynchronous).
async fn bodies(c: &Clients, queue: &str, expected: usize) -> Vec<String> {
    let mut out = Vec::new();
    while out.len() < expected {
        let got = c
            .sqs
            .receive_message()
            .queue_url(queue)
            .max_number_of_messages(10)
            .wait_time_seconds(5)
            .send()
            .await
            .expect("receive");
        if got.messages().is_empty() {
            break;
        }
        out.extend(
            got.messages()
                .iter()
                .filter_map(|m| m.body().map(str::to_owned)),
        );
    }
    out
}

#[tokio::test]
async fn topics_subscriptions_and_filters_survive_a_restart() {
    let dir = TempDir::new("sns-topics");
    let c = start(&dir.0, START).await;
    let topic = c
        .sns
        .create_topic()
        .name("events")
        .attributes("DisplayName", "Events")
        .tags(
            aws_sdk_sns::types::Tag::builder()
                .key("team")
                .value("core")
                .build()
                .expect("tag"),
        )
        .send()
        .await
        .expect("create topic")
        .topic_arn
        .expect("arn");
    let queue = c
        .sqs
        .create_queue()
        .queue_name("inbox")
        .send()
        .await
        .expect("queue")
        .queue_url
        .expect("url");
    let queue_sub = c
        .sns
        .subscribe()
        .topic_arn(&topic)
        .protocol("sqs")
        .endpoint("arn:aws:sqs:us-east-1:000000000000:inbox")
        .attributes("RawMessageDelivery", "true")
        .attributes("FilterPolicy", r#"{"kind":["order"]}"#)
        .send()
        .await
        .expect("subscribe")
        .subscription_arn
        .expect("arn");
    // Nothing listens there: the subscription stays pending.
    let pending = c
        .sns
        .subscribe()
        .topic_arn(&topic)
        .protocol("http")
        .endpoint("http://127.0.0.1:9/hook")
        .return_subscription_arn(true)
        .send()
        .await
        .expect("subscribe")
        .subscription_arn
        .expect("arn");
    let gone = c
        .sns
        .create_topic()
        .name("gone")
        .send()
        .await
        .expect("create")
        .topic_arn
        .expect("arn");
    c.sns
        .delete_topic()
        .topic_arn(&gone)
        .send()
        .await
        .expect("delete");
    c.server.shutdown().await;

    let c = start(&dir.0, START + 1_000).await;
    let topics = c.sns.list_topics().send().await.expect("list");
    let arns: Vec<_> = topics
        .topics()
        .iter()
        .filter_map(|t| t.topic_arn())
        .collect();
    assert_eq!(arns, [topic.as_str()], "the deleted topic stays deleted");
    let attributes = c
        .sns
        .get_topic_attributes()
        .topic_arn(&topic)
        .send()
        .await
        .expect("attributes");
    let attributes = attributes.attributes().expect("attributes");
    assert_eq!(attributes["DisplayName"], "Events");
    assert_eq!(attributes["SubscriptionsConfirmed"], "1");
    assert_eq!(attributes["SubscriptionsPending"], "1");
    let tags = c
        .sns
        .list_tags_for_resource()
        .resource_arn(&topic)
        .send()
        .await
        .expect("tags");
    assert_eq!(tags.tags()[0].value(), "core");
    let pending_attributes = c
        .sns
        .get_subscription_attributes()
        .subscription_arn(&pending)
        .send()
        .await
        .expect("pending subscription");
    assert_eq!(
        pending_attributes.attributes().expect("attributes")["PendingConfirmation"],
        "true"
    );
    let sub_attributes = c
        .sns
        .get_subscription_attributes()
        .subscription_arn(&queue_sub)
        .send()
        .await
        .expect("queue subscription");
    let sub_attributes = sub_attributes.attributes().expect("attributes");
    assert_eq!(sub_attributes["RawMessageDelivery"], "true");
    assert_eq!(sub_attributes["FilterPolicy"], r#"{"kind":["order"]}"#);

    // The filter still applies and delivery is still raw.
    for (body, kind) in [("skipped", "refund"), ("delivered", "order")] {
        c.sns
            .publish()
            .topic_arn(&topic)
            .message(body)
            .message_attributes(
                "kind",
                MessageAttributeValue::builder()
                    .data_type("String")
                    .string_value(kind)
                    .build()
                    .expect("attribute"),
            )
            .send()
            .await
            .expect("publish");
    }
    assert_eq!(bodies(&c, &queue, 1).await, ["delivered"]);

    // Unsubscribing is kept too.
    c.sns
        .unsubscribe()
        .subscription_arn(&queue_sub)
        .send()
        .await
        .expect("unsubscribe");
    c.server.shutdown().await;
    let c = start(&dir.0, START + 2_000).await;
    let subs = c
        .sns
        .list_subscriptions_by_topic()
        .topic_arn(&topic)
        .send()
        .await
        .expect("list");
    let left: Vec<_> = subs
        .subscriptions()
        .iter()
        .filter_map(|s| s.protocol())
        .collect();
    assert_eq!(left, ["http"]);
    c.server.shutdown().await;
}

#[tokio::test]
async fn fifo_topic_deduplication_and_sequence_numbers_survive_a_restart() {
    let dir = TempDir::new("sns-fifo");
    let c = start(&dir.0, START).await;
    let topic = c
        .sns
        .create_topic()
        .name("ledger.fifo")
        .attributes("FifoTopic", "true")
        .send()
        .await
        .expect("create")
        .topic_arn
        .expect("arn");
    let publish = |c: &Clients, dedup: &'static str| {
        c.sns
            .publish()
            .topic_arn(&topic)
            .message(format!("entry {dedup}"))
            .message_group_id("g")
            .message_deduplication_id(dedup)
            .send()
    };
    let first = publish(&c, "one").await.expect("publish");
    c.server.shutdown().await;

    let c = start(&dir.0, START + 60_000).await;
    let again = publish(&c, "one").await.expect("publish");
    assert_eq!(again.message_id(), first.message_id(), "still a duplicate");
    assert_eq!(again.sequence_number(), first.sequence_number());
    let second = publish(&c, "two").await.expect("publish");
    let (a, b): (u128, u128) = (
        first.sequence_number().expect("n").parse().expect("n"),
        second.sequence_number().expect("n").parse().expect("n"),
    );
    assert!(b > a, "{b} continues after {a}");
    c.server
        .manual_clock()
        .expect("manual")
        .advance(Duration::from_secs(300))
        .await;
    c.server.shutdown().await;

    // Past the five-minute window "one" is new again, with a later number.
    let c = start(&dir.0, START + 400_000).await;
    let fresh = publish(&c, "one").await.expect("publish");
    assert_ne!(fresh.message_id(), first.message_id());
    let n: u128 = fresh.sequence_number().expect("n").parse().expect("n");
    assert!(n > b);
    c.server.shutdown().await;
}

#[tokio::test]
async fn a_message_whose_fan_out_was_cut_off_is_delivered_after_a_restart() {
    let dir = TempDir::new("sns-pending");
    let c = start(&dir.0, START).await;
    let topic = c
        .sns
        .create_topic()
        .name("orders")
        .send()
        .await
        .expect("create topic")
        .topic_arn
        .expect("arn");
    let queue = c
        .sqs
        .create_queue()
        .queue_name("orders-inbox")
        .send()
        .await
        .expect("queue")
        .queue_url
        .expect("url");
    c.sns
        .subscribe()
        .topic_arn(&topic)
        .protocol("sqs")
        .endpoint("arn:aws:sqs:us-east-1:000000000000:orders-inbox")
        .attributes("RawMessageDelivery", "true")
        .send()
        .await
        .expect("subscribe");
    c.server.shutdown().await;
    // What a kill between Publish's answer and its fan-out leaves: the accepted message,
    // not yet in any queue.
    let conn = rusqlite::Connection::open(dir.0.join("sluice.db")).expect("open");
    let message = serde_json::json!({
        "MessageId": "0b9a5c0e-1c1a-4d4e-9d44-0a1b2c3d4e5f",
        "TopicArn": topic,
        "Subject": null,
        "Message": "accepted before the crash",
        "PerProtocol": [],
        "Attributes": [{"Name": "kind", "DataType": "String", "StringValue": "order"}],
        "Timestamp": START,
        "Fifo": null,
        "GroupId": null,
    });
    conn.execute(
        "INSERT INTO sns_pending (message_id, topic_arn, base_url, message) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![
            "0b9a5c0e-1c1a-4d4e-9d44-0a1b2c3d4e5f",
            topic,
            "http://localhost:4566",
            message.to_string()
        ],
    )
    .expect("insert");
    drop(conn);

    let c = start(&dir.0, START + 1_000).await;
    assert_eq!(bodies(&c, &queue, 1).await, ["accepted before the crash"]);
    c.server.shutdown().await;
    // Delivered once: the fan-out is recorded as done, so a further restart sends nothing.
    // (A minute later: the receive's visibility timeout is over.)
    let c = start(&dir.0, START + 60_000).await;
    let got = c
        .sqs
        .receive_message()
        .queue_url(&queue)
        .visibility_timeout(0)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("receive");
    assert_eq!(
        got.messages().len(),
        1,
        "the one delivered message, not a second"
    );
    c.server.shutdown().await;
}
