//! Long polling: a waiting ReceiveMessage returns the moment a message becomes available —
//! sent, delay ended, visibility expired — and empty at WaitTimeSeconds. With the manual
//! clock, a poll can only end early if something woke it: no deadline passes by itself.

use aws_sdk_sqs::types::QueueAttributeName as A;
use sluice_tests::TestServer;

/// Starts a long poll in the background and returns once it has parked on the clock.
async fn parked_poll(
    t: &TestServer,
    url: &str,
    wait: Option<i32>,
) -> tokio::task::JoinHandle<Vec<String>> {
    let before = t.clock().pending_sleepers();
    let sqs = t.sqs.clone();
    let url = url.to_owned();
    let task = tokio::spawn(async move {
        let out = sqs
            .receive_message()
            .queue_url(url)
            .set_wait_time_seconds(wait)
            .send()
            .await
            .expect("receive");
        out.messages()
            .iter()
            .filter_map(|m| m.body().map(str::to_owned))
            .collect()
    });
    t.clock().wait_for_sleepers(before + 1).await;
    task
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_wakes_a_waiting_receive() {
    let t = TestServer::start().await;
    let url = t.queue("lp").await;
    let poll = parked_poll(&t, &url, Some(20)).await;
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("wake")
        .send()
        .await
        .expect("send");
    assert_eq!(poll.await.expect("poll"), vec!["wake"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_ends_empty_at_wait_time() {
    let t = TestServer::start().await;
    let url = t.queue("lp-empty").await;
    let poll = parked_poll(&t, &url, Some(20)).await;
    t.advance(19).await;
    assert!(!poll.is_finished());
    t.advance(1).await;
    assert!(poll.await.expect("poll").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delay_ending_wakes_a_waiting_receive() {
    let t = TestServer::start().await;
    let url = t.queue("lp-delay").await;
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("later")
        .delay_seconds(5)
        .send()
        .await
        .expect("send");
    let poll = parked_poll(&t, &url, Some(20)).await;
    t.advance(5).await;
    assert_eq!(poll.await.expect("poll"), vec!["later"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delayed_send_during_a_poll_wakes_it_when_the_delay_ends() {
    // Regression: the poll parked on its 20 s deadline must notice the earlier one.
    let t = TestServer::start().await;
    let url = t.queue("lp-delay-during").await;
    let poll = parked_poll(&t, &url, Some(20)).await;
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("soon")
        .delay_seconds(3)
        .send()
        .await
        .expect("send");
    t.clock().wait_for_sleepers(1).await;
    t.advance(3).await;
    assert_eq!(poll.await.expect("poll"), vec!["soon"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shortened_visibility_timeout_wakes_a_waiting_receive() {
    let t = TestServer::start().await;
    let url = t.queue("lp-cmv").await;
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
    let handle = got.messages()[0]
        .receipt_handle()
        .expect("handle")
        .to_owned();
    let poll = parked_poll(&t, &url, Some(20)).await;
    t.sqs
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(handle)
        .visibility_timeout(2)
        .send()
        .await
        .expect("shorten");
    t.clock().wait_for_sleepers(1).await;
    t.advance(2).await;
    assert_eq!(poll.await.expect("poll"), vec!["m"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visibility_timeout_ending_wakes_a_waiting_receive() {
    let t = TestServer::start().await;
    let url = t.queue("lp-vis").await;
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("again")
        .send()
        .await
        .expect("send");
    let got = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .visibility_timeout(3)
        .send()
        .await
        .expect("receive");
    assert_eq!(got.messages().len(), 1);
    let poll = parked_poll(&t, &url, Some(20)).await;
    t.advance(3).await;
    assert_eq!(poll.await.expect("poll"), vec!["again"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_wait_time_applies_when_the_request_has_none() {
    let t = TestServer::start().await;
    let url = t
        .sqs
        .create_queue()
        .queue_name("lp-default")
        .attributes(A::ReceiveMessageWaitTimeSeconds, "10")
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    let poll = parked_poll(&t, &url, None).await;
    t.advance(9).await;
    assert!(!poll.is_finished());
    t.advance(1).await;
    assert!(poll.await.expect("poll").is_empty());
    // An explicit 0 overrides the queue default: a short poll returns at once.
    let out = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .wait_time_seconds(0)
        .send()
        .await
        .expect("short poll");
    assert!(out.messages().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_reaches_exactly_one_of_many_waiters() {
    let t = TestServer::start().await;
    let url = t.queue("lp-many").await;
    let mut polls = Vec::new();
    for _ in 0..8 {
        polls.push(parked_poll(&t, &url, Some(20)).await);
    }
    for i in 0..8 {
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body(format!("m{i}"))
            .send()
            .await
            .expect("send");
    }
    let mut bodies = Vec::new();
    for poll in polls {
        bodies.extend(poll.await.expect("poll"));
    }
    bodies.sort();
    assert_eq!(bodies, (0..8).map(|i| format!("m{i}")).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_waiting_receives() {
    let t = TestServer::start().await;
    let url = t.queue("lp-shutdown").await;
    let poll = parked_poll(&t, &url, Some(20)).await;
    t.server.shutdown().await;
    assert!(poll.await.expect("poll").is_empty());
}
