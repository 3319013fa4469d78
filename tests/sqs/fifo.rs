//! FIFO queues through aws-sdk-sqs: naming, attributes, group order and locking,
//! deduplication, sequence numbers and AWS's send rules.

use aws_sdk_sqs::types::{
    MessageSystemAttributeName as S, QueueAttributeName as A, SendMessageBatchRequestEntry,
};
use sluice_tests::TestServer;

use crate::code;

async fn fifo(t: &TestServer, name: &str, content_based: bool) -> String {
    let mut create = t
        .sqs
        .create_queue()
        .queue_name(name)
        .attributes(A::FifoQueue, "true");
    if content_based {
        create = create.attributes(A::ContentBasedDeduplication, "true");
    }
    create.send().await.expect("create").queue_url.expect("url")
}

#[tokio::test]
async fn fifo_queues_are_named_and_described_as_aws_does() {
    let t = TestServer::start().await;
    let url = fifo(&t, "orders.fifo", false).await;
    let attrs = t
        .sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(A::All)
        .send()
        .await
        .expect("attrs");
    let a = attrs.attributes().expect("a");
    assert_eq!(a[&A::FifoQueue], "true");
    assert_eq!(a[&A::ContentBasedDeduplication], "false");
    assert_eq!(a[&A::DeduplicationScope], "queue");
    assert_eq!(a[&A::FifoThroughputLimit], "perQueue");
    let (c, _) = code(t.sqs.create_queue().queue_name("plain.fifo").send().await);
    assert_eq!(c, "InvalidParameterValue");
    let (c, m) = code(
        t.sqs
            .create_queue()
            .queue_name("nofifo")
            .attributes(A::FifoQueue, "true")
            .send()
            .await,
    );
    assert_eq!(c, "InvalidParameterValue");
    assert!(m.starts_with("The name of a FIFO queue"), "{m}");
    let (c, m) = code(
        t.sqs
            .set_queue_attributes()
            .queue_url(&url)
            .attributes(A::FifoQueue, "false")
            .send()
            .await,
    );
    assert_eq!(c, "InvalidAttributeValue");
    assert_eq!(
        m,
        "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported."
    );
    // Restating the type is no change, and AWS accepts it.
    t.sqs
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(A::FifoQueue, "true")
        .attributes(A::VisibilityTimeout, "45")
        .send()
        .await
        .expect("FifoQueue=true on a FIFO queue is a no-op");
    assert_eq!(t.attribute(&url, A::VisibilityTimeout).await, "45");
}

#[tokio::test]
async fn send_rules_for_fifo_queues() {
    let t = TestServer::start().await;
    let url = fifo(&t, "rules.fifo", false).await;
    let (c, m) = code(
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body("x")
            .message_deduplication_id("d")
            .send()
            .await,
    );
    assert_eq!(
        (c.as_str(), m.as_str()),
        (
            "MissingParameter",
            "The request must contain the parameter MessageGroupId."
        )
    );
    let (c, m) = code(
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body("x")
            .message_group_id("g")
            .send()
            .await,
    );
    assert_eq!(c, "InvalidParameterValue");
    assert_eq!(m, "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
    let (c, m) = code(
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body("x")
            .message_group_id("g")
            .message_deduplication_id("d")
            .delay_seconds(2)
            .send()
            .await,
    );
    assert_eq!(c, "InvalidParameterValue");
    assert_eq!(m, "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.");
    // A delay of 0 asks for no delay, which FIFO queues accept (LocalStack's AWS-recorded
    // `test_fifo_queue_send_message_with_delay_seconds_fails` snapshot).
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("x")
        .message_group_id("g")
        .message_deduplication_id("d0")
        .delay_seconds(0)
        .send()
        .await
        .expect("DelaySeconds=0 on a FIFO queue");
}

#[tokio::test]
async fn order_within_groups_locking_and_sequence_numbers() {
    let t = TestServer::start().await;
    let url = fifo(&t, "ordered.fifo", false).await;
    let mut sequence_numbers = Vec::new();
    for (i, group) in ["a", "a", "b", "a"].iter().enumerate() {
        let out = t
            .sqs
            .send_message()
            .queue_url(&url)
            .message_body(format!("{group}{i}"))
            .message_group_id(*group)
            .message_deduplication_id(format!("d{i}"))
            .send()
            .await
            .expect("send");
        let n = out.sequence_number().expect("sequence number").to_owned();
        assert_eq!(n.len(), 20);
        sequence_numbers.push(n.parse::<u128>().expect("digits"));
    }
    assert!(sequence_numbers.windows(2).all(|w| w[0] < w[1]));
    let body = |r: &aws_sdk_sqs::operation::receive_message::ReceiveMessageOutput| {
        r.messages()
            .iter()
            .filter_map(|m| m.body().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    let first = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(2)
        .message_system_attribute_names(S::All)
        .send()
        .await
        .expect("receive");
    assert_eq!(body(&first), vec!["a0", "a1"]);
    let attrs = first.messages()[0].attributes().expect("attrs");
    assert_eq!(attrs[&S::MessageGroupId], "a");
    assert_eq!(attrs[&S::MessageDeduplicationId], "d0");
    assert_eq!(attrs[&S::SequenceNumber], sequence_numbers[0].to_string());
    // Group a is locked while a0 and a1 are in flight: only b flows.
    let second = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("r");
    assert_eq!(body(&second), vec!["b2"]);
    for m in first.messages() {
        t.sqs
            .delete_message()
            .queue_url(&url)
            .receipt_handle(m.receipt_handle().expect("h"))
            .send()
            .await
            .expect("delete");
    }
    let third = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("r");
    assert_eq!(body(&third), vec!["a3"]);
}

#[tokio::test]
async fn duplicates_within_five_minutes_answer_with_the_original() {
    let t = TestServer::start().await;
    let url = fifo(&t, "dedup.fifo", true).await;
    let send = || {
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body("same body")
            .message_group_id("g")
            .send()
    };
    let first = send().await.expect("send");
    let again = send().await.expect("duplicate is a success");
    assert_eq!(first.message_id(), again.message_id());
    assert_eq!(first.sequence_number(), again.sequence_number());
    let batch = t
        .sqs
        .send_message_batch()
        .queue_url(&url)
        .entries(
            SendMessageBatchRequestEntry::builder()
                .id("1")
                .message_body("same body")
                .message_group_id("g")
                .build()
                .expect("entry"),
        )
        .entries(
            SendMessageBatchRequestEntry::builder()
                .id("2")
                .message_body("other body")
                .message_group_id("g")
                .build()
                .expect("entry"),
        )
        .send()
        .await
        .expect("batch");
    assert_eq!(
        batch.successful()[0].message_id(),
        first.message_id().expect("id")
    );
    let got = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("r");
    let bodies: Vec<&str> = got.messages().iter().filter_map(|m| m.body()).collect();
    assert_eq!(
        bodies,
        vec!["same body", "other body"],
        "the duplicate was not stored"
    );
    for m in got.messages() {
        t.sqs
            .delete_message()
            .queue_url(&url)
            .receipt_handle(m.receipt_handle().expect("h"))
            .send()
            .await
            .expect("delete");
    }
    t.advance(300).await;
    let later = send().await.expect("send");
    assert_ne!(later.message_id(), first.message_id());
}

#[tokio::test]
async fn a_fifo_queue_needs_a_fifo_dead_letter_queue() {
    let t = TestServer::start().await;
    t.queue("standard-dlq").await;
    let (c, m) = code(
        t.sqs
            .create_queue()
            .queue_name("src.fifo")
            .attributes(A::FifoQueue, "true")
            .attributes(
                A::RedrivePolicy,
                r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:standard-dlq","maxReceiveCount":2}"#,
            )
            .send()
            .await,
    );
    assert_eq!(c, "InvalidParameterValue");
    assert!(m.contains("same type"), "{m}");
}

#[tokio::test]
async fn a_retried_receive_attempt_returns_the_same_messages() {
    let t = TestServer::start().await;
    let url = fifo(&t, "attempts.fifo", true).await;
    for body in ["one", "two"] {
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body(body)
            .message_group_id("g")
            .send()
            .await
            .expect("send");
    }
    let receive = || {
        t.sqs
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(10)
            .receive_request_attempt_id("attempt-1")
            .send()
    };
    let first = receive().await.expect("receive");
    let retry = receive().await.expect("retry");
    let handles = |r: &aws_sdk_sqs::operation::receive_message::ReceiveMessageOutput| {
        r.messages()
            .iter()
            .filter_map(|m| m.receipt_handle().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    assert_eq!(handles(&first).len(), 2);
    assert_eq!(handles(&first), handles(&retry));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifo_redrive_and_move_back_keep_every_message() {
    let t = TestServer::start().await;
    let dlq = fifo(&t, "back-dlq.fifo", false).await;
    let source = t
        .sqs
        .create_queue()
        .queue_name("back-src.fifo")
        .attributes(A::FifoQueue, "true")
        .attributes(
            A::RedrivePolicy,
            r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:back-dlq.fifo","maxReceiveCount":1}"#,
        )
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    for i in 0..3 {
        t.sqs
            .send_message()
            .queue_url(&source)
            .message_body(format!("m{i}"))
            .message_group_id("g")
            .message_deduplication_id(format!("d{i}"))
            .send()
            .await
            .expect("send");
    }
    let got = t
        .sqs
        .receive_message()
        .queue_url(&source)
        .max_number_of_messages(10)
        .visibility_timeout(0)
        .send()
        .await
        .expect("r");
    assert_eq!(got.messages().len(), 3);
    let moved = t
        .sqs
        .receive_message()
        .queue_url(&source)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("r");
    assert!(moved.messages().is_empty());
    let handle = t
        .sqs
        .start_message_move_task()
        .source_arn("arn:aws:sqs:us-east-1:000000000000:back-dlq.fifo")
        .send()
        .await
        .expect("start")
        .task_handle
        .expect("handle");
    assert!(!handle.is_empty());
    // The task runs on the server's scheduler: wait (without sleeping) until it reports done.
    let mut status = String::new();
    for _ in 0..10_000 {
        let tasks = t
            .sqs
            .list_message_move_tasks()
            .source_arn("arn:aws:sqs:us-east-1:000000000000:back-dlq.fifo")
            .send()
            .await
            .expect("list");
        status = tasks.results()[0].status().unwrap_or_default().to_owned();
        if status == "COMPLETED" {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(status, "COMPLETED");
    let r = t
        .sqs
        .receive_message()
        .queue_url(&source)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("r");
    let back: Vec<String> = r
        .messages()
        .iter()
        .filter_map(|m| m.body().map(str::to_owned))
        .collect();
    assert_eq!(
        back,
        vec!["m0", "m1", "m2"],
        "returned in order, none deduplicated away"
    );
    let left = t
        .sqs
        .receive_message()
        .queue_url(&dlq)
        .send()
        .await
        .expect("r");
    assert!(left.messages().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_groups_last_in_flight_message_wakes_a_waiting_receive() {
    // Regression: the waiting receive used to sleep until its deadline (or the next send).
    let t = TestServer::start().await;
    let url = fifo(&t, "unlock.fifo", true).await;
    for body in ["first", "second"] {
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body(body)
            .message_group_id("g")
            .send()
            .await
            .expect("send");
    }
    let got = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .expect("receive");
    assert_eq!(got.messages()[0].body(), Some("first"));
    let sqs = t.sqs.clone();
    let poll_url = url.clone();
    let before = t.clock().pending_sleepers();
    let poll = tokio::spawn(async move {
        sqs.receive_message()
            .queue_url(poll_url)
            .wait_time_seconds(20)
            .send()
            .await
            .expect("poll")
    });
    t.clock().wait_for_sleepers(before + 1).await;
    t.sqs
        .delete_message()
        .queue_url(&url)
        .receipt_handle(got.messages()[0].receipt_handle().expect("h"))
        .send()
        .await
        .expect("delete");
    let woke = poll.await.expect("poll task");
    assert_eq!(woke.messages()[0].body(), Some("second"));
}

/// A FIFO batch entry without its group id, or without a deduplication id on a queue
/// without content deduplication, fails the whole request (LocalStack's AWS-validated
/// `test_send_batch_missing_*_for_fifo_queue`): nothing of the batch is sent.
#[tokio::test]
async fn a_fifo_batch_missing_an_id_fails_whole() {
    let t = TestServer::start().await;
    let url = fifo(&t, "strict-batch.fifo", false).await;
    let entry = |id: &str, group: Option<&str>, dedup: Option<&str>| {
        SendMessageBatchRequestEntry::builder()
            .id(id)
            .message_body("b")
            .set_message_group_id(group.map(str::to_owned))
            .set_message_deduplication_id(dedup.map(str::to_owned))
            .build()
            .expect("entry")
    };
    for (second, expected) in [
        (entry("2", Some("g"), None), "InvalidParameterValue"),
        (entry("2", None, Some("d2")), "MissingParameter"),
    ] {
        let (c, _) = code(
            t.sqs
                .send_message_batch()
                .queue_url(&url)
                .entries(entry("1", Some("g"), Some("d1")))
                .entries(second)
                .send()
                .await,
        );
        assert_eq!(c, expected);
    }
    assert_eq!(t.attribute(&url, A::ApproximateNumberOfMessages).await, "0");
}
