//! Sending, receiving and deleting through aws-sdk-sqs: digests, attributes, batches,
//! validation.

use aws_sdk_sqs::primitives::Blob;
use aws_sdk_sqs::types::{
    MessageAttributeValue, MessageSystemAttributeName as S, MessageSystemAttributeNameForSends,
    MessageSystemAttributeValue, QueueAttributeName as A,
};
use md5::{Digest, Md5};
use sluice_core::Clock;
use sluice_tests::TestServer;

use crate::code;

fn string_attr(v: &str) -> MessageAttributeValue {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(v)
        .build()
        .expect("attr")
}

#[tokio::test]
async fn send_receive_delete_with_digests() {
    let t = TestServer::start().await;
    let url = t.queue("m").await;
    let sent = t
        .sqs
        .send_message()
        .queue_url(&url)
        .message_body("hello wörld")
        .message_attributes("Foo", string_attr("Bar"))
        .send()
        .await
        .expect("send");
    assert_eq!(
        sent.md5_of_message_body(),
        Some(hex::encode(Md5::digest("hello wörld".as_bytes())).as_str())
    );
    // Digest recorded from real SQS for {Foo: String "Bar"}.
    assert_eq!(
        sent.md5_of_message_attributes(),
        Some("ae7155c6026991b6d54b11589678bf9c")
    );
    assert_eq!(sent.md5_of_message_system_attributes(), None);

    let got = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .message_attribute_names("All")
        .message_system_attribute_names(S::All)
        .send()
        .await
        .expect("receive");
    let m = &got.messages()[0];
    assert_eq!(m.body(), Some("hello wörld"));
    assert_eq!(m.message_id(), sent.message_id());
    assert_eq!(m.md5_of_body(), sent.md5_of_message_body());
    assert_eq!(
        m.md5_of_message_attributes(),
        Some("ae7155c6026991b6d54b11589678bf9c")
    );
    let attrs = m.attributes().expect("system attributes");
    assert_eq!(attrs[&S::SenderId], "AKIDTEST");
    assert_eq!(attrs[&S::ApproximateReceiveCount], "1");
    let now = t.clock().now().as_millis().to_string();
    assert_eq!(attrs[&S::SentTimestamp], now);
    assert_eq!(attrs[&S::ApproximateFirstReceiveTimestamp], now);

    t.sqs
        .delete_message()
        .queue_url(&url)
        .receipt_handle(m.receipt_handle().expect("handle"))
        .send()
        .await
        .expect("delete");
    // Deleting an already deleted message succeeds, as in AWS.
    t.sqs
        .delete_message()
        .queue_url(&url)
        .receipt_handle(m.receipt_handle().expect("handle"))
        .send()
        .await
        .expect("delete again");
    t.advance(31).await;
    let empty = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .expect("receive");
    assert!(empty.messages().is_empty());
}

#[tokio::test]
async fn attribute_filters_and_subset_digest() {
    let t = TestServer::start().await;
    let url = t.queue("filters").await;
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("b")
        .message_attributes("Hello", string_attr("There"))
        .message_attributes("General", string_attr("Kenobi"))
        .message_attributes(
            "Bin",
            MessageAttributeValue::builder()
                .data_type("Binary.custom")
                .binary_value(Blob::new(vec![0u8, 1, 2, 255]))
                .build()
                .expect("attr"),
        )
        .message_attributes(
            "Count",
            MessageAttributeValue::builder()
                .data_type("Number")
                .string_value("-12.5")
                .build()
                .expect("attr"),
        )
        .send()
        .await
        .expect("send");
    let got = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .message_attribute_names("Hel.*")
        .send()
        .await
        .expect("receive");
    let m = &got.messages()[0];
    let attrs = m.message_attributes().expect("attrs");
    assert_eq!(attrs.len(), 1);
    // Digest over the returned subset: recorded from real SQS for {Hello: There}.
    assert_eq!(
        m.md5_of_message_attributes(),
        Some("a311262e065454b75da111d535b8dacd")
    );
    assert!(m.attributes().is_none());

    t.advance(30).await;
    let got = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .message_attribute_names("All")
        .send()
        .await
        .expect("receive");
    let attrs = got.messages()[0].message_attributes().expect("attrs");
    assert_eq!(attrs.len(), 4);
    assert_eq!(
        attrs["Bin"].binary_value().map(|b| b.as_ref().to_vec()),
        Some(vec![0u8, 1, 2, 255])
    );
    assert_eq!(attrs["Bin"].data_type(), "Binary.custom");
    assert_eq!(attrs["Count"].string_value(), Some("-12.5"));

    t.advance(30).await;
    let none = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .expect("receive");
    let m = &none.messages()[0];
    assert!(m.message_attributes().is_none());
    assert_eq!(m.md5_of_message_attributes(), None);
}

#[tokio::test]
async fn trace_header_system_attribute() {
    let t = TestServer::start().await;
    let url = t.queue("trace").await;
    let trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1";
    let sent = t
        .sqs
        .send_message()
        .queue_url(&url)
        .message_body("b")
        .message_system_attributes(
            MessageSystemAttributeNameForSends::AwsTraceHeader,
            MessageSystemAttributeValue::builder()
                .data_type("String")
                .string_value(trace)
                .build()
                .expect("attr"),
        )
        .send()
        .await
        .expect("send");
    // Same algorithm as user attributes, over {AWSTraceHeader: String trace}.
    let mut buf = Vec::new();
    for part in [&b"AWSTraceHeader"[..], b"String"] {
        buf.extend_from_slice(&(part.len() as u32).to_be_bytes());
        buf.extend_from_slice(part);
    }
    buf.push(1);
    buf.extend_from_slice(&(trace.len() as u32).to_be_bytes());
    buf.extend_from_slice(trace.as_bytes());
    assert_eq!(
        sent.md5_of_message_system_attributes(),
        Some(hex::encode(Md5::digest(&buf)).as_str())
    );
    let got = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .message_system_attribute_names(S::AwsTraceHeader)
        .send()
        .await
        .expect("receive");
    let attrs = got.messages()[0].attributes().expect("attrs");
    assert_eq!(attrs.len(), 1);
    assert_eq!(attrs[&S::AwsTraceHeader], trace);
}

#[tokio::test]
async fn message_validation() {
    let t = TestServer::start().await;
    let url = t.queue("val").await;
    let (c, m) = code(
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body("a\u{1}b")
            .send()
            .await,
    );
    assert_eq!(c, "InvalidMessageContents");
    assert!(m.starts_with("Invalid characters found."), "{m}");
    let (c, m) = code(
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body("")
            .send()
            .await,
    );
    assert_eq!(
        (c.as_str(), m.as_str()),
        (
            "MissingParameter",
            "The request must contain the parameter MessageBody."
        )
    );
    let (c, m) = code(
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body("x")
            .delay_seconds(901)
            .send()
            .await,
    );
    assert_eq!(c, "InvalidParameterValue");
    assert_eq!(m, "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.");
    let (c, m) = code(
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body("x")
            .message_attributes(
                "e",
                MessageAttributeValue::builder()
                    .data_type("String")
                    .string_value("")
                    .build()
                    .expect("attr"),
            )
            .send()
            .await,
    );
    assert_eq!(c, "InvalidParameterValue");
    assert_eq!(
        m,
        "Message (user) attribute 'e' must contain a non-empty value of type 'String'."
    );
    let (c, _) = code(
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body("x")
            .message_attributes("AWS.reserved", string_attr("v"))
            .send()
            .await,
    );
    assert_eq!(c, "InvalidParameterValue");

    // Size: body plus attributes against MaximumMessageSize.
    t.sqs
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(A::MaximumMessageSize, "1024")
        .send()
        .await
        .expect("set");
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("x".repeat(1024))
        .send()
        .await
        .expect("exactly the limit");
    let (c, m) = code(
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body("x".repeat(1020))
            .message_attributes("k", string_attr("v"))
            .send()
            .await,
    );
    assert_eq!(c, "InvalidParameterValue");
    assert_eq!(
        m,
        "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes."
    );
}

#[tokio::test]
async fn one_mebibyte_messages_are_accepted() {
    let t = TestServer::start().await;
    let url = t.queue("big").await;
    let body = "é".repeat(512 * 1024);
    assert_eq!(body.len(), 1_048_576);
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body(&body)
        .send()
        .await
        .expect("1 MiB");
    let (c, _) = code(
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body(format!("{body}x"))
            .send()
            .await,
    );
    assert_eq!(c, "InvalidParameterValue");
    let got = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .expect("receive");
    assert_eq!(got.messages()[0].body(), Some(body.as_str()));
}

#[tokio::test]
async fn receipt_handle_errors() {
    let t = TestServer::start().await;
    let url = t.queue("rh").await;
    let (c, m) = code(
        t.sqs
            .delete_message()
            .queue_url(&url)
            .receipt_handle("fake")
            .send()
            .await,
    );
    assert_eq!(c, "ReceiptHandleIsInvalid");
    assert_eq!(
        m,
        "The input receipt handle \"fake\" is not a valid receipt handle."
    );
    // A handle from another queue is not valid here either.
    let other = t.queue("rh2").await;
    t.sqs
        .send_message()
        .queue_url(&other)
        .message_body("x")
        .send()
        .await
        .expect("send");
    let got = t
        .sqs
        .receive_message()
        .queue_url(&other)
        .send()
        .await
        .expect("receive");
    let handle = got.messages()[0].receipt_handle().expect("handle");
    let (c, _) = code(
        t.sqs
            .delete_message()
            .queue_url(&url)
            .receipt_handle(handle)
            .send()
            .await,
    );
    assert_eq!(c, "ReceiptHandleIsInvalid");
}

#[tokio::test]
async fn receive_parameter_ranges() {
    let t = TestServer::start().await;
    let url = t.queue("ranges").await;
    let (c, m) = code(
        t.sqs
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(11)
            .send()
            .await,
    );
    assert_eq!(c, "InvalidParameterValue");
    assert_eq!(m, "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.");
    let (c, _) = code(
        t.sqs
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(0)
            .send()
            .await,
    );
    assert_eq!(c, "InvalidParameterValue");
    let (_, m) = code(
        t.sqs
            .receive_message()
            .queue_url(&url)
            .wait_time_seconds(21)
            .send()
            .await,
    );
    assert_eq!(m, "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.");
    let (_, m) = code(
        t.sqs
            .receive_message()
            .queue_url(&url)
            .visibility_timeout(-1)
            .send()
            .await,
    );
    assert_eq!(m, "Value -1 for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.");
}

#[tokio::test]
async fn purge_is_limited_to_once_a_minute() {
    let t = TestServer::start().await;
    let url = t.queue("purge").await;
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("x")
        .send()
        .await
        .expect("send");
    t.sqs
        .purge_queue()
        .queue_url(&url)
        .send()
        .await
        .expect("purge");
    let got = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .expect("receive");
    assert!(got.messages().is_empty());
    let (c, m) = code(t.sqs.purge_queue().queue_url(&url).send().await);
    assert_eq!(c, "AWS.SimpleQueueService.PurgeQueueInProgress");
    assert_eq!(
        m,
        "Only one PurgeQueue operation on purge is allowed every 60 seconds."
    );
    t.advance(60).await;
    t.sqs
        .purge_queue()
        .queue_url(&url)
        .send()
        .await
        .expect("purge after a minute");
}

#[tokio::test]
async fn fair_queues_accept_and_return_message_group_ids() {
    let t = TestServer::start().await;
    let url = t.queue("fair").await;
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("x")
        .message_group_id("tenant-7")
        .send()
        .await
        .expect("send");
    let got = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .message_system_attribute_names(S::MessageGroupId)
        .send()
        .await
        .expect("receive");
    assert_eq!(
        got.messages()[0].attributes().expect("attrs")[&S::MessageGroupId],
        "tenant-7"
    );
    let (c, _) = code(
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body("x")
            .message_group_id("has space")
            .send()
            .await,
    );
    assert_eq!(c, "InvalidParameterValue");
    let (c, _) = code(
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body("x")
            .message_deduplication_id("d")
            .send()
            .await,
    );
    assert_eq!(c, "InvalidParameterValue");
}
