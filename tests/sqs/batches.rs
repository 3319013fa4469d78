//! Batch operations through aws-sdk-sqs: partial failures, request-level rules, and
//! delete/visibility batches.

use aws_sdk_sqs::types::{
    ChangeMessageVisibilityBatchRequestEntry, DeleteMessageBatchRequestEntry,
    QueueAttributeName as A, SendMessageBatchRequestEntry,
};
use md5::{Digest, Md5};
use sluice_tests::TestServer;

use crate::code;

#[tokio::test]
async fn send_batch_with_partial_failure() {
    let t = TestServer::start().await;
    let url = t.queue("batch").await;
    let entry = |id: &str, body: &str| {
        SendMessageBatchRequestEntry::builder()
            .id(id)
            .message_body(body)
            .build()
            .expect("entry")
    };
    let out = t
        .sqs
        .send_message_batch()
        .queue_url(&url)
        .entries(entry("a", "one"))
        .entries(entry("b", "bad\u{0}"))
        .entries(entry("c", "three"))
        .send()
        .await
        .expect("batch");
    let ok: Vec<&str> = out.successful().iter().map(|e| e.id()).collect();
    assert_eq!(ok, vec!["a", "c"]);
    assert_eq!(out.failed().len(), 1);
    let failed = &out.failed()[0];
    assert_eq!(
        (failed.id(), failed.code(), failed.sender_fault()),
        ("b", "InvalidMessageContents", true)
    );
    assert_eq!(
        out.successful()[0].md5_of_message_body(),
        hex::encode(Md5::digest(b"one"))
    );

    let got = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("receive");
    let bodies: Vec<&str> = got.messages().iter().filter_map(|m| m.body()).collect();
    assert_eq!(bodies, vec!["one", "three"]);

    // Request-level errors fail the whole batch.
    let (c, m) = code(t.sqs.send_message_batch().queue_url(&url).send().await);
    assert_eq!(c, "AWS.SimpleQueueService.EmptyBatchRequest");
    assert_eq!(
        m,
        "There should be at least one SendMessageBatchRequestEntry in the request."
    );
    let mut many = t.sqs.send_message_batch().queue_url(&url);
    for i in 0..11 {
        many = many.entries(entry(&format!("e{i}"), "x"));
    }
    let (c, m) = code(many.send().await);
    assert_eq!(c, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest");
    assert_eq!(
        m,
        "Maximum number of entries per request are 10. You have sent 11."
    );
    let (c, m) = code(
        t.sqs
            .send_message_batch()
            .queue_url(&url)
            .entries(entry("dup", "x"))
            .entries(entry("dup", "y"))
            .send()
            .await,
    );
    assert_eq!(
        (c.as_str(), m.as_str()),
        (
            "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
            "Id dup repeated."
        )
    );
    let (c, _) = code(
        t.sqs
            .send_message_batch()
            .queue_url(&url)
            .entries(entry("no spaces", "x"))
            .send()
            .await,
    );
    assert_eq!(c, "AWS.SimpleQueueService.InvalidBatchEntryId");
    let half = "x".repeat(600 * 1024);
    let (c, m) = code(
        t.sqs
            .send_message_batch()
            .queue_url(&url)
            .entries(entry("a", &half))
            .entries(entry("b", &half))
            .send()
            .await,
    );
    assert_eq!(c, "AWS.SimpleQueueService.BatchRequestTooLong");
    assert_eq!(
        m,
        "Batch requests cannot be longer than 1048576 bytes. You have sent 1228800 bytes."
    );
}

#[tokio::test]
async fn delete_and_visibility_batches() {
    let t = TestServer::start().await;
    let url = t.queue("batches").await;
    for body in ["1", "2"] {
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body(body)
            .send()
            .await
            .expect("send");
    }
    let got = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("receive");
    let handles: Vec<&str> = got
        .messages()
        .iter()
        .filter_map(|m| m.receipt_handle())
        .collect();
    assert_eq!(handles.len(), 2);

    let cv = t
        .sqs
        .change_message_visibility_batch()
        .queue_url(&url)
        .entries(
            ChangeMessageVisibilityBatchRequestEntry::builder()
                .id("x")
                .receipt_handle(handles[0])
                .visibility_timeout(0)
                .build()
                .expect("entry"),
        )
        .entries(
            ChangeMessageVisibilityBatchRequestEntry::builder()
                .id("y")
                .receipt_handle("garbage")
                .visibility_timeout(10)
                .build()
                .expect("entry"),
        )
        .send()
        .await
        .expect("cv batch");
    assert_eq!(cv.successful().len(), 1);
    assert_eq!(cv.failed()[0].code(), "ReceiptHandleIsInvalid");
    assert_eq!(
        cv.failed()[0].message(),
        Some("The receipt handle \"garbage\" is not valid for this queue.")
    );

    let del = t
        .sqs
        .delete_message_batch()
        .queue_url(&url)
        .entries(
            DeleteMessageBatchRequestEntry::builder()
                .id("a")
                .receipt_handle(handles[0])
                .build()
                .expect("e"),
        )
        .entries(
            DeleteMessageBatchRequestEntry::builder()
                .id("b")
                .receipt_handle(handles[1])
                .build()
                .expect("e"),
        )
        .entries(
            DeleteMessageBatchRequestEntry::builder()
                .id("c")
                .receipt_handle("nope")
                .build()
                .expect("e"),
        )
        .send()
        .await
        .expect("delete batch");
    let ok: Vec<&str> = del.successful().iter().map(|e| e.id()).collect();
    assert_eq!(ok, vec!["a", "b"]);
    assert_eq!(del.failed()[0].id(), "c");
    let counts = t
        .sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(A::ApproximateNumberOfMessages)
        .attribute_names(A::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .expect("attrs");
    let a = counts.attributes().expect("a");
    assert_eq!(
        (
            a[&A::ApproximateNumberOfMessages].as_str(),
            a[&A::ApproximateNumberOfMessagesNotVisible].as_str()
        ),
        ("0", "0")
    );
}
