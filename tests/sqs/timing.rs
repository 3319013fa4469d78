//! Visibility timeouts, delays and retention, driven by the manual clock (no sleeping).

use aws_sdk_sqs::types::{MessageSystemAttributeName as S, QueueAttributeName as A};
use sluice_tests::TestServer;

use crate::code;

async fn counts(t: &TestServer, url: &str) -> (String, String, String) {
    let out = t
        .sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(A::All)
        .send()
        .await
        .expect("attributes");
    let a = out.attributes().expect("a");
    (
        a[&A::ApproximateNumberOfMessages].clone(),
        a[&A::ApproximateNumberOfMessagesNotVisible].clone(),
        a[&A::ApproximateNumberOfMessagesDelayed].clone(),
    )
}

fn c(v: &str, nv: &str, d: &str) -> (String, String, String) {
    (v.into(), nv.into(), d.into())
}

#[tokio::test]
async fn visibility_timeout_hides_then_returns() {
    let t = TestServer::start().await;
    let url = t.queue("vis").await;
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("m")
        .send()
        .await
        .expect("send");
    let first = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .expect("receive");
    let first_handle = first.messages()[0].receipt_handle().expect("h").to_owned();
    assert_eq!(counts(&t, &url).await, c("0", "1", "0"));
    t.advance(29).await;
    assert!(t
        .sqs
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .expect("r")
        .messages()
        .is_empty());
    t.advance(1).await;
    assert_eq!(counts(&t, &url).await, c("1", "0", "0"));
    let again = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .message_system_attribute_names(S::All)
        .visibility_timeout(100)
        .send()
        .await
        .expect("receive");
    let m = &again.messages()[0];
    let attrs = m.attributes().expect("attrs");
    assert_eq!(attrs[&S::ApproximateReceiveCount], "2");
    assert_ne!(m.receipt_handle(), Some(first_handle.as_str()));
    // The override applies to this receive only.
    t.advance(99).await;
    assert!(t
        .sqs
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .expect("r")
        .messages()
        .is_empty());
    t.advance(1).await;
    assert_eq!(
        t.sqs
            .receive_message()
            .queue_url(&url)
            .send()
            .await
            .expect("r")
            .messages()
            .len(),
        1
    );
}

#[tokio::test]
async fn change_visibility_extends_and_releases() {
    let t = TestServer::start().await;
    let url = t.queue("cv").await;
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("m")
        .send()
        .await
        .expect("send");
    let got = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .expect("receive");
    let handle = got.messages()[0].receipt_handle().expect("h").to_owned();
    t.advance(20).await;
    t.sqs
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(&handle)
        .visibility_timeout(60)
        .send()
        .await
        .expect("extend");
    // Counted from the change: hidden until 20 + 60.
    t.advance(59).await;
    assert!(t
        .sqs
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .expect("r")
        .messages()
        .is_empty());
    let (code_, msg) = code(
        t.sqs
            .change_message_visibility()
            .queue_url(&url)
            .receipt_handle(&handle)
            .visibility_timeout(43_200)
            .send()
            .await,
    );
    assert_eq!(code_, "InvalidParameterValue");
    assert_eq!(
        msg,
        "Value 43200 for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]"
    );
    t.sqs
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(&handle)
        .visibility_timeout(0)
        .send()
        .await
        .expect("release");
    assert_eq!(
        t.sqs
            .receive_message()
            .queue_url(&url)
            .send()
            .await
            .expect("r")
            .messages()
            .len(),
        1
    );
}

#[tokio::test]
async fn queue_and_message_delays() {
    let t = TestServer::start().await;
    let url = t
        .sqs
        .create_queue()
        .queue_name("delayed")
        .attributes(A::DelaySeconds, "10")
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("queue-delay")
        .send()
        .await
        .expect("send");
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("no-delay")
        .delay_seconds(0)
        .send()
        .await
        .expect("send");
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("long-delay")
        .delay_seconds(900)
        .send()
        .await
        .expect("send");
    assert_eq!(counts(&t, &url).await, c("1", "0", "2"));
    let body = |r: aws_sdk_sqs::operation::receive_message::ReceiveMessageOutput| {
        r.messages()
            .iter()
            .filter_map(|m| m.body().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    let r = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("r");
    assert_eq!(body(r), vec!["no-delay"]);
    t.advance(10).await;
    let r = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("r");
    assert_eq!(body(r), vec!["queue-delay"]);
    t.advance(889).await;
    // The two received (and not deleted) messages are visible again by now.
    assert_eq!(counts(&t, &url).await, c("2", "0", "1"));
    t.advance(1).await;
    assert_eq!(counts(&t, &url).await, c("3", "0", "0"));
}

#[tokio::test]
async fn retention_period_is_enforced() {
    let t = TestServer::start().await;
    let url = t
        .sqs
        .create_queue()
        .queue_name("retention")
        .attributes(A::MessageRetentionPeriod, "60")
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("old")
        .send()
        .await
        .expect("send");
    t.advance(30).await;
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("young")
        .send()
        .await
        .expect("send");
    t.advance(30).await;
    assert_eq!(counts(&t, &url).await, c("1", "0", "0"));
    let r = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("r");
    assert_eq!(r.messages()[0].body(), Some("young"));
    // Four days by default: nothing expires before.
    let url2 = t.queue("default-retention").await;
    t.sqs
        .send_message()
        .queue_url(&url2)
        .message_body("m")
        .send()
        .await
        .expect("send");
    t.advance(345_599).await;
    assert_eq!(counts(&t, &url2).await, c("1", "0", "0"));
    t.advance(1).await;
    assert_eq!(counts(&t, &url2).await, c("0", "0", "0"));
}
