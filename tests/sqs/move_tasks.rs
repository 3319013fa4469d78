//! Message move tasks (redrive from a dead-letter queue) through aws-sdk-sqs; the manual
//! clock drives the per-second batches.

use aws_sdk_sqs::types::QueueAttributeName as A;
use base64::Engine;
use sluice_tests::TestServer;

use crate::code;

/// A source queue whose `count` messages have all been dead-lettered; returns
/// (source url, dlq url, dlq arn).
async fn dead_lettered(t: &TestServer, count: usize) -> (String, String, String) {
    let dlq = t.queue("move-dlq").await;
    let dlq_arn = "arn:aws:sqs:us-east-1:000000000000:move-dlq".to_owned();
    let source = t
        .sqs
        .create_queue()
        .queue_name("move-src")
        .attributes(
            A::RedrivePolicy,
            format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":1}}"#),
        )
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    for i in 0..count {
        t.sqs
            .send_message()
            .queue_url(&source)
            .message_body(format!("m{i}"))
            .send()
            .await
            .expect("send");
    }
    let first = t
        .sqs
        .receive_message()
        .queue_url(&source)
        .max_number_of_messages(10)
        .visibility_timeout(0)
        .send()
        .await
        .expect("receive");
    assert_eq!(first.messages().len(), count);
    let second = t
        .sqs
        .receive_message()
        .queue_url(&source)
        .send()
        .await
        .expect("receive");
    assert!(second.messages().is_empty(), "all moved to the DLQ");
    (source, dlq, dlq_arn)
}

async fn visible(t: &TestServer, url: &str) -> String {
    t.attribute(url, A::ApproximateNumberOfMessages).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_task_returns_messages_to_their_source_at_the_given_rate() {
    let t = TestServer::start().await;
    let (source, dlq, dlq_arn) = dead_lettered(&t, 3).await;
    assert_eq!(visible(&t, &dlq).await, "3");
    let handle = t
        .sqs
        .start_message_move_task()
        .source_arn(&dlq_arn)
        .max_number_of_messages_per_second(2)
        .send()
        .await
        .expect("start")
        .task_handle
        .expect("handle");
    // The first batch moves at once; the task then parks until the next second.
    t.clock().wait_for_sleepers(1).await;
    let tasks = t
        .sqs
        .list_message_move_tasks()
        .source_arn(&dlq_arn)
        .send()
        .await
        .expect("list");
    let task = &tasks.results()[0];
    assert_eq!(task.status(), Some("RUNNING"));
    assert_eq!(task.task_handle(), Some(handle.as_str()));
    assert_eq!(task.approximate_number_of_messages_moved(), 2);
    assert_eq!(task.approximate_number_of_messages_to_move(), Some(3));
    assert_eq!(task.max_number_of_messages_per_second(), Some(2));
    t.advance(1).await;
    let tasks = t
        .sqs
        .list_message_move_tasks()
        .source_arn(&dlq_arn)
        .send()
        .await
        .expect("list");
    let task = &tasks.results()[0];
    assert_eq!(task.status(), Some("COMPLETED"));
    assert_eq!(task.task_handle(), None);
    assert_eq!(task.approximate_number_of_messages_moved(), 3);
    assert_eq!(visible(&t, &dlq).await, "0");
    assert_eq!(visible(&t, &source).await, "3");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_task_can_be_cancelled() {
    let t = TestServer::start().await;
    let (_, dlq, dlq_arn) = dead_lettered(&t, 3).await;
    let handle = t
        .sqs
        .start_message_move_task()
        .source_arn(&dlq_arn)
        .max_number_of_messages_per_second(1)
        .send()
        .await
        .expect("start")
        .task_handle
        .expect("handle");
    t.clock().wait_for_sleepers(1).await;
    let (c, _) = code(
        t.sqs
            .start_message_move_task()
            .source_arn(&dlq_arn)
            .send()
            .await,
    );
    assert_eq!(c, "InvalidParameterValue", "one running task per source");
    let cancelled = t
        .sqs
        .cancel_message_move_task()
        .task_handle(&handle)
        .send()
        .await
        .expect("cancel");
    assert_eq!(cancelled.approximate_number_of_messages_moved(), 1);
    let tasks = t
        .sqs
        .list_message_move_tasks()
        .source_arn(&dlq_arn)
        .send()
        .await
        .expect("list");
    assert_eq!(tasks.results()[0].status(), Some("CANCELLING"));
    t.advance(1).await;
    let tasks = t
        .sqs
        .list_message_move_tasks()
        .source_arn(&dlq_arn)
        .send()
        .await
        .expect("list");
    assert_eq!(tasks.results()[0].status(), Some("CANCELLED"));
    assert_eq!(visible(&t, &dlq).await, "2");
    let (c, _) = code(
        t.sqs
            .cancel_message_move_task()
            .task_handle(&handle)
            .send()
            .await,
    );
    assert_eq!(c, "AWS.SimpleQueueService.UnsupportedOperation");
    // A handle that is not one StartMessageMoveTask could have made (moto's AWS-checked
    // test and AWS's docs agree on the message).
    let (c, m) = code(
        t.sqs
            .cancel_message_move_task()
            .task_handle("bogus")
            .send()
            .await,
    );
    assert_eq!(
        (c.as_str(), m.as_str()),
        (
            "InvalidParameterValue",
            "Value for parameter TaskHandle is invalid."
        )
    );
    let unknown = base64::engine::general_purpose::STANDARD.encode(format!(
        "{{\"taskId\":\"00000000-0000-0000-0000-000000000000\",\"sourceArn\":\"{dlq_arn}\"}}"
    ));
    let (c, m) = code(
        t.sqs
            .cancel_message_move_task()
            .task_handle(&unknown)
            .send()
            .await,
    );
    assert_eq!(
        (c.as_str(), m.as_str()),
        ("ResourceNotFoundException", "Task does not exist.")
    );
}

#[tokio::test]
async fn move_tasks_need_an_existing_dead_letter_queue() {
    let t = TestServer::start().await;
    t.queue("plain").await;
    let (c, m) = code(
        t.sqs
            .start_message_move_task()
            .source_arn("arn:aws:sqs:us-east-1:000000000000:plain")
            .send()
            .await,
    );
    assert_eq!(c, "InvalidParameterValue");
    assert_eq!(m, "Source queue must be configured as a Dead Letter Queue.");
    let (c, m) = code(
        t.sqs
            .start_message_move_task()
            .source_arn("arn:aws:sqs:us-east-1:000000000000:missing")
            .send()
            .await,
    );
    assert_eq!(c, "ResourceNotFoundException");
    assert_eq!(
        m,
        "The resource that you specified for the SourceArn parameter doesn't exist."
    );
    let (c, _) = code(
        t.sqs
            .list_message_move_tasks()
            .source_arn("not-an-arn")
            .send()
            .await,
    );
    assert_eq!(c, "InvalidParameterValue");
}
