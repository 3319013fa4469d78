//! FIFO topics: group ids required, deduplication for five minutes (explicit or by
//! content), sequence numbers, and order kept per group into SQS FIFO queues.

use super::*;

#[tokio::test]
async fn fifo_topic_keeps_order_and_group_into_a_fifo_queue() {
    let t = TestServer::start().await;
    let arn = fifo_topic(&t, "orders.fifo", false).await;
    let (url, _) =
        subscribed_queue(&t, &arn, "orders-q.fifo", &[("RawMessageDelivery", "true")]).await;
    let mut sequence_numbers = Vec::new();
    for i in 0..5 {
        let out = t
            .sns
            .publish()
            .topic_arn(&arn)
            .message(format!("m{i}"))
            .message_group_id("g1")
            .message_deduplication_id(format!("d{i}"))
            .send()
            .await
            .expect("publish");
        let seq: u128 = out
            .sequence_number
            .expect("sequence number")
            .parse()
            .expect("numeric");
        sequence_numbers.push(seq);
    }
    assert!(sequence_numbers.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(sequence_numbers[0].to_string().len(), 20);
    let mut bodies = Vec::new();
    while bodies.len() < 5 {
        let m = take_one(&t, &url).await;
        let attrs = m.attributes.clone().expect("system attributes");
        assert_eq!(
            attrs[&aws_sdk_sqs::types::MessageSystemAttributeName::MessageGroupId],
            "g1"
        );
        bodies.push(m.body().unwrap_or_default().to_owned());
    }
    assert_eq!(bodies, vec!["m0", "m1", "m2", "m3", "m4"]);
}

#[tokio::test]
async fn duplicates_within_five_minutes_are_answered_but_not_delivered() {
    let t = TestServer::start().await;
    let arn = fifo_topic(&t, "dedup.fifo", true).await;
    let (url, _) = subscribed_queue(&t, &arn, "dedup-q.fifo", &[]).await;
    let publish = |body: &'static str| {
        t.sns
            .publish()
            .topic_arn(&arn)
            .message(body)
            .message_group_id("g")
            .send()
    };
    let first = publish("same").await.expect("publish");
    let again = publish("same").await.expect("publish");
    assert_eq!(first.message_id, again.message_id);
    assert_eq!(first.sequence_number, again.sequence_number);
    publish("sentinel").await.expect("publish");
    let m = take_one(&t, &url).await;
    let e = envelope(&m);
    assert_eq!(e["Message"], "same");
    assert_eq!(
        e["SequenceNumber"],
        first.sequence_number.as_deref().unwrap_or_default()
    );
    assert!(
        e.get("Signature").is_none(),
        "FIFO envelopes carry no signature"
    );
    assert_eq!(envelope(&take_one(&t, &url).await)["Message"], "sentinel");

    t.advance(301).await;
    let later = publish("same").await.expect("publish");
    assert_ne!(later.message_id, first.message_id);
    assert_eq!(envelope(&take_one(&t, &url).await)["Message"], "same");
}

#[tokio::test]
async fn fifo_rules_are_enforced() {
    let t = TestServer::start().await;
    let arn = fifo_topic(&t, "rules.fifo", false).await;
    let (_, message) = error(t.sns.publish().topic_arn(&arn).message("m").send().await);
    assert_eq!(
        message,
        "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"
    );
    let (_, message) = error(
        t.sns
            .publish()
            .topic_arn(&arn)
            .message("m")
            .message_group_id("g")
            .send()
            .await,
    );
    assert_eq!(message, "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
    let standard = topic(&t, "standard").await;
    let url = t
        .sqs
        .create_queue()
        .queue_name("f.fifo")
        .attributes(aws_sdk_sqs::types::QueueAttributeName::FifoQueue, "true")
        .send()
        .await
        .expect("queue")
        .queue_url
        .expect("url");
    let (_, message) = error(
        t.sns
            .subscribe()
            .topic_arn(&standard)
            .protocol("sqs")
            .endpoint(queue_arn(&t, &url).await)
            .send()
            .await,
    );
    assert_eq!(message, "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics");
}

#[tokio::test]
async fn fifo_topics_reach_standard_queues_and_standard_topics_pass_groups_on() {
    let t = TestServer::start().await;
    let fifo = fifo_topic(&t, "mixed.fifo", true).await;
    let (standard_q, _) = subscribed_queue(&t, &fifo, "plain-q", &[]).await;
    t.sns
        .publish()
        .topic_arn(&fifo)
        .message("to a standard queue")
        .message_group_id("g")
        .send()
        .await
        .expect("publish");
    let m = take_one(&t, &standard_q).await;
    assert_eq!(envelope(&m)["Message"], "to a standard queue");
    let attrs = m.attributes.clone().unwrap_or_default();
    assert!(!attrs
        .contains_key(&aws_sdk_sqs::types::MessageSystemAttributeName::MessageDeduplicationId));

    let standard = topic(&t, "fair").await;
    let (fair_q, _) = subscribed_queue(&t, &standard, "fair-q", &[]).await;
    t.sns
        .publish()
        .topic_arn(&standard)
        .message("grouped")
        .message_group_id("tenant-1")
        .send()
        .await
        .expect("publish");
    let m = take_one(&t, &fair_q).await;
    let attrs = m.attributes.clone().expect("attributes");
    assert_eq!(
        attrs[&aws_sdk_sqs::types::MessageSystemAttributeName::MessageGroupId],
        "tenant-1"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_publishes_arrive_in_sequence_number_order() {
    let t = TestServer::start().await;
    let arn = fifo_topic(&t, "busy.fifo", true).await;
    let (url, _) =
        subscribed_queue(&t, &arn, "busy-q.fifo", &[("RawMessageDelivery", "true")]).await;
    let mut publishers = Vec::new();
    for p in 0..4 {
        let sns = t.sns.clone();
        let arn = arn.clone();
        publishers.push(tokio::spawn(async move {
            let mut sequence = Vec::new();
            for i in 0..25 {
                let out = sns
                    .publish()
                    .topic_arn(&arn)
                    .message(format!("{p}-{i}"))
                    .message_group_id("one-group")
                    .send()
                    .await
                    .expect("publish");
                sequence.push((
                    out.sequence_number
                        .expect("seq")
                        .parse::<u128>()
                        .expect("number"),
                    format!("{p}-{i}"),
                ));
            }
            sequence
        }));
    }
    let mut expected = Vec::new();
    for p in publishers {
        expected.extend(p.await.expect("publisher"));
    }
    expected.sort();
    let expected: Vec<String> = expected.into_iter().map(|(_, body)| body).collect();
    let mut received = Vec::new();
    while received.len() < expected.len() {
        received.push(
            take_one(&t, &url)
                .await
                .body()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    assert_eq!(
        received, expected,
        "the queue holds the topic's sequence order"
    );
}

#[tokio::test]
async fn undeliverable_fifo_messages_reach_a_fifo_dead_letter_queue() {
    let t = TestServer::start().await;
    let arn = fifo_topic(&t, "lost.fifo", true).await;
    let dlq = t
        .sqs
        .create_queue()
        .queue_name("lost-dlq.fifo")
        .attributes(aws_sdk_sqs::types::QueueAttributeName::FifoQueue, "true")
        .send()
        .await
        .expect("dlq")
        .queue_url
        .expect("url");
    let dlq_arn = queue_arn(&t, &dlq).await;
    t.sns
        .subscribe()
        .topic_arn(&arn)
        .protocol("sqs")
        .endpoint("arn:aws:sqs:us-east-1:000000000000:never-created")
        .attributes(
            "RedrivePolicy",
            format!(r#"{{"deadLetterTargetArn":"{dlq_arn}"}}"#),
        )
        .send()
        .await
        .expect("subscribe");
    t.sns
        .publish()
        .topic_arn(&arn)
        .message("nowhere to go")
        .message_group_id("g")
        .send()
        .await
        .expect("publish");
    let m = take_one(&t, &dlq).await;
    assert_eq!(envelope(&m)["Message"], "nowhere to go");
    let attrs = m.attributes.clone().expect("attributes");
    assert_eq!(
        attrs[&aws_sdk_sqs::types::MessageSystemAttributeName::MessageGroupId],
        "g"
    );
}

#[tokio::test]
async fn a_batch_missing_deduplication_ids_publishes_nothing() {
    let t = TestServer::start().await;
    let arn = fifo_topic(&t, "strict.fifo", false).await;
    let (url, _) =
        subscribed_queue(&t, &arn, "strict-q.fifo", &[("RawMessageDelivery", "true")]).await;
    let entry = |id: &str, dedup: Option<&str>| {
        aws_sdk_sns::types::PublishBatchRequestEntry::builder()
            .id(id)
            .message(id)
            .message_group_id("g")
            .set_message_deduplication_id(dedup.map(str::to_owned))
            .build()
            .expect("entry")
    };
    let (code, message) = error(
        t.sns
            .publish_batch()
            .topic_arn(&arn)
            .publish_batch_request_entries(entry("first", Some("d1")))
            .publish_batch_request_entries(entry("second", None))
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameter");
    assert!(message.contains("ContentBasedDeduplication"), "{message}");
    t.sns
        .publish()
        .topic_arn(&arn)
        .message("sentinel")
        .message_group_id("g")
        .message_deduplication_id("d2")
        .send()
        .await
        .expect("publish");
    assert_eq!(take_one(&t, &url).await.body(), Some("sentinel"));
}
