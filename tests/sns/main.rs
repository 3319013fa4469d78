//! End-to-end SNS suites: the real `aws-sdk-sns` (Query protocol) with `aws-sdk-sqs` reading
//! what fan-out delivered, a local HTTP receiver that verifies signatures, and the outbox
//! endpoints. Delivery is asynchronous, so tests receive with long polls that the delivery
//! wakes; "not delivered" is shown by a later sentinel arriving first. The outbox is read
//! after `POST /_sluice/sns/flush`.

mod durable;
mod fanout;
mod fifo;
mod filters;
mod http_delivery;
mod outbox;
mod subscriptions;
mod topics;

use aws_sdk_sns::error::ProvideErrorMetadata;
use sluice_tests::{sns_signature_verifies, TestServer};

/// `(code, message)` of a failed SDK call.
fn error<E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(
    result: Result<R, aws_sdk_sns::error::SdkError<E, aws_sdk_sns::config::http::HttpResponse>>,
) -> (String, String) {
    let err = result.expect_err("the call should fail");
    (
        err.code().unwrap_or_default().to_owned(),
        err.message().unwrap_or_default().to_owned(),
    )
}

/// Creates a topic and returns its ARN.
async fn topic(t: &TestServer, name: &str) -> String {
    t.sns
        .create_topic()
        .name(name)
        .send()
        .await
        .expect("create topic")
        .topic_arn
        .expect("topic arn")
}

/// Creates a FIFO topic (content-based deduplication as given) and returns its ARN.
async fn fifo_topic(t: &TestServer, name: &str, content_based: bool) -> String {
    t.sns
        .create_topic()
        .name(name)
        .attributes("FifoTopic", "true")
        .attributes("ContentBasedDeduplication", content_based.to_string())
        .send()
        .await
        .expect("create fifo topic")
        .topic_arn
        .expect("topic arn")
}

/// The ARN of a queue.
async fn queue_arn(t: &TestServer, url: &str) -> String {
    t.attribute(url, aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .await
}

/// Creates a queue subscribed to `topic_arn` (with the given subscription attributes) and
/// returns its URL and the subscription ARN.
async fn subscribed_queue(
    t: &TestServer,
    topic_arn: &str,
    queue: &str,
    attributes: &[(&str, &str)],
) -> (String, String) {
    let url = if queue.ends_with(".fifo") {
        t.sqs
            .create_queue()
            .queue_name(queue)
            .attributes(aws_sdk_sqs::types::QueueAttributeName::FifoQueue, "true")
            .send()
            .await
            .expect("create fifo queue")
            .queue_url
            .expect("url")
    } else {
        t.queue(queue).await
    };
    let mut subscribe = t
        .sns
        .subscribe()
        .topic_arn(topic_arn)
        .protocol("sqs")
        .endpoint(queue_arn(t, &url).await);
    for (k, v) in attributes {
        subscribe = subscribe.attributes(*k, *v);
    }
    let arn = subscribe
        .send()
        .await
        .expect("subscribe")
        .subscription_arn
        .expect("subscription arn");
    (url, arn)
}

/// Receives up to 10 messages, waiting (on delivery, not on time) for at least one.
async fn receive(t: &TestServer, url: &str) -> Vec<aws_sdk_sqs::types::Message> {
    receive_up_to(t, url, 10).await
}

async fn receive_up_to(t: &TestServer, url: &str, max: i32) -> Vec<aws_sdk_sqs::types::Message> {
    let out = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        t.sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(max)
            .wait_time_seconds(20)
            .message_attribute_names("All")
            .message_system_attribute_names(aws_sdk_sqs::types::MessageSystemAttributeName::All)
            .send(),
    )
    .await
    .expect("a delivery wakes the long poll")
    .expect("receive");
    out.messages.unwrap_or_default()
}

/// Receives the next message (alone, so FIFO groups stay unlocked) and deletes it.
async fn take_one(t: &TestServer, url: &str) -> aws_sdk_sqs::types::Message {
    let mut messages = receive_up_to(t, url, 1).await;
    assert!(!messages.is_empty(), "a message arrives");
    let m = messages.remove(0);
    t.sqs
        .delete_message()
        .queue_url(url)
        .receipt_handle(m.receipt_handle().unwrap_or_default())
        .send()
        .await
        .expect("delete");
    m
}

/// Waits until Sluice has fanned out everything published so far.
async fn flush(t: &TestServer) {
    let reply = t.post("/_sluice/sns/flush", &[], "").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

/// The body of a message, parsed as the SNS JSON envelope.
fn envelope(m: &aws_sdk_sqs::types::Message) -> serde_json::Value {
    serde_json::from_str(m.body().unwrap_or_default()).expect("an SNS envelope")
}
