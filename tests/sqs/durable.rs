//! Durable state (`--data-dir`) through the SDK: a server is stopped and a new one started
//! on the same directory, on a manual clock that continues where the first stopped (or
//! later). Queues, messages, receive history, FIFO order, locks and deduplication, and
//! dead-letter wiring come back; deleted things stay deleted. Also the directory's lock and
//! the refusal of unknown or corrupt files.

use std::path::Path;
use std::time::Duration;

use aws_sdk_sqs::primitives::Blob;
use aws_sdk_sqs::types::{MessageAttributeValue, MessageSystemAttributeName, QueueAttributeName};
use aws_sdk_sqs::Client;
use sluice::{RunningServer, Server};
use sluice_tests::{sqs_client, TempDir};

const START: u64 = 1_800_000_000_000;

async fn start(dir: &Path, at_millis: u64) -> (RunningServer, Client) {
    let server = Server::builder()
        .port(0)
        .manual_clock_at(at_millis)
        .housekeeping(false)
        .queue_deleted_recently(false)
        .data_dir(dir)
        .spawn()
        .await
        .expect("server starts on the data dir");
    let client = sqs_client(&server.endpoint_url(), "us-east-1");
    (server, client)
}

async fn advance(server: &RunningServer, secs: u64) {
    server
        .manual_clock()
        .expect("manual clock")
        .advance(Duration::from_secs(secs))
        .await;
}

async fn url(sqs: &Client, name: &str) -> String {
    sqs.get_queue_url()
        .queue_name(name)
        .send()
        .await
        .expect("queue survives")
        .queue_url
        .expect("url")
}

async fn counts(sqs: &Client, url: &str) -> (String, String, String) {
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::All)
        .send()
        .await
        .expect("attributes");
    let a = out.attributes().expect("attributes");
    let get = |n: QueueAttributeName| a.get(&n).cloned().unwrap_or_default();
    (
        get(QueueAttributeName::ApproximateNumberOfMessages),
        get(QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
        get(QueueAttributeName::ApproximateNumberOfMessagesDelayed),
    )
}

#[tokio::test]
async fn queues_messages_and_receive_history_survive_a_restart() {
    let dir = TempDir::new("standard");
    let (server, sqs) = start(&dir.0, START).await;
    let queue = sqs
        .create_queue()
        .queue_name("orders")
        .attributes(QueueAttributeName::VisibilityTimeout, "60")
        .attributes(QueueAttributeName::MessageRetentionPeriod, "3600")
        .tags("team", "billing")
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    let gone = sqs
        .create_queue()
        .queue_name("gone")
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    let sent = sqs
        .send_message()
        .queue_url(&queue)
        .message_body("first <&> ✓")
        .message_attributes(
            "kind",
            MessageAttributeValue::builder()
                .data_type("String")
                .string_value("order")
                .build()
                .expect("attribute"),
        )
        .message_attributes(
            "raw",
            MessageAttributeValue::builder()
                .data_type("Binary.gz")
                .binary_value(Blob::new(vec![0u8, 1, 2, 255]))
                .build()
                .expect("attribute"),
        )
        .send()
        .await
        .expect("send");
    for body in ["second", "third"] {
        sqs.send_message()
            .queue_url(&queue)
            .message_body(body)
            .send()
            .await
            .expect("send");
    }
    sqs.send_message()
        .queue_url(&queue)
        .message_body("delayed")
        .delay_seconds(120)
        .send()
        .await
        .expect("send");
    // "first" is received (in flight for 60 s); "second" is received and deleted.
    let got = sqs
        .receive_message()
        .queue_url(&queue)
        .max_number_of_messages(2)
        .send()
        .await
        .expect("receive");
    let got = got.messages();
    assert_eq!(got.len(), 2);
    let first_handle = got[0].receipt_handle().expect("handle").to_owned();
    assert_eq!(got[0].body(), Some("first <&> ✓"));
    sqs.delete_message()
        .queue_url(&queue)
        .receipt_handle(got[1].receipt_handle().expect("handle"))
        .send()
        .await
        .expect("delete");
    sqs.delete_queue()
        .queue_url(&gone)
        .send()
        .await
        .expect("delete queue");
    server.shutdown().await;

    // Ten seconds later: "first" is still in flight, "delayed" still delayed.
    let (server, sqs) = start(&dir.0, START + 10_000).await;
    let queue = url(&sqs, "orders").await;
    assert_eq!(
        counts(&sqs, &queue).await,
        ("1".into(), "1".into(), "1".into())
    );
    let listed = sqs.list_queues().send().await.expect("list");
    assert_eq!(
        listed.queue_urls(),
        std::slice::from_ref(&queue),
        "the deleted queue stays deleted"
    );
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(&queue)
        .attribute_names(QueueAttributeName::All)
        .send()
        .await
        .expect("attributes");
    let attributes = attributes.attributes().expect("attributes");
    assert_eq!(attributes[&QueueAttributeName::VisibilityTimeout], "60");
    assert_eq!(
        attributes[&QueueAttributeName::MessageRetentionPeriod],
        "3600"
    );
    assert_eq!(
        attributes[&QueueAttributeName::CreatedTimestamp],
        (START / 1000).to_string()
    );
    let tags = sqs
        .list_queue_tags()
        .queue_url(&queue)
        .send()
        .await
        .expect("tags");
    assert_eq!(
        tags.tags().and_then(|t| t.get("team")).map(String::as_str),
        Some("billing")
    );

    // The visibility timeout runs out on the clock as if nothing happened: "first" comes
    // back with its second receive, its attributes and digests intact.
    advance(&server, 50).await;
    let again = sqs
        .receive_message()
        .queue_url(&queue)
        .max_number_of_messages(10)
        .message_attribute_names("All")
        .message_system_attribute_names(MessageSystemAttributeName::All)
        .visibility_timeout(300)
        .send()
        .await
        .expect("receive");
    let bodies: Vec<_> = again.messages().iter().filter_map(|m| m.body()).collect();
    // "third" was waiting; "first" joins behind it when its timeout ends.
    assert_eq!(bodies, ["third", "first <&> ✓"]);
    let first = &again.messages()[1];
    assert_eq!(first.message_id(), sent.message_id());
    assert_eq!(first.md5_of_body(), sent.md5_of_message_body());
    assert_eq!(
        first.md5_of_message_attributes(),
        sent.md5_of_message_attributes()
    );
    let system = first.attributes().expect("system attributes");
    assert_eq!(
        system[&MessageSystemAttributeName::ApproximateReceiveCount],
        "2"
    );
    assert_eq!(
        system[&MessageSystemAttributeName::ApproximateFirstReceiveTimestamp],
        START.to_string()
    );
    assert_eq!(
        system[&MessageSystemAttributeName::SentTimestamp],
        START.to_string()
    );
    let raw = first
        .message_attributes()
        .and_then(|a| a.get("raw"))
        .and_then(|a| a.binary_value())
        .expect("binary attribute");
    assert_eq!(raw.as_ref(), [0u8, 1, 2, 255]);
    // The handle of the receive before the restart belongs to an earlier receive now.
    let current = first.receipt_handle().expect("handle").to_owned();
    assert_ne!(current, first_handle);
    server.shutdown().await;

    // A handle issued before a restart still deletes after it.
    let (server, sqs) = start(&dir.0, START + 120_000).await;
    let queue = url(&sqs, "orders").await;
    sqs.delete_message()
        .queue_url(&queue)
        .receipt_handle(&current)
        .send()
        .await
        .expect("delete with a handle from before the restart");
    let left = sqs
        .receive_message()
        .queue_url(&queue)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("receive");
    let bodies: Vec<_> = left.messages().iter().filter_map(|m| m.body()).collect();
    assert_eq!(
        bodies,
        ["delayed"],
        "the delay ended while the server was down"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn fifo_order_group_locks_and_deduplication_survive_a_restart() {
    let dir = TempDir::new("fifo");
    let (server, sqs) = start(&dir.0, START).await;
    let queue = sqs
        .create_queue()
        .queue_name("steps.fifo")
        .attributes(QueueAttributeName::FifoQueue, "true")
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    let mut sequence_numbers = Vec::new();
    for (group, body) in [("a", "a1"), ("b", "b1"), ("a", "a2"), ("a", "a3")] {
        let out = sqs
            .send_message()
            .queue_url(&queue)
            .message_body(body)
            .message_group_id(group)
            .message_deduplication_id(body)
            .send()
            .await
            .expect("send");
        sequence_numbers.push(out.sequence_number().expect("sequence number").to_owned());
    }
    // Group a is locked by a1 in flight.
    let got = sqs
        .receive_message()
        .queue_url(&queue)
        .max_number_of_messages(1)
        .send()
        .await
        .expect("receive");
    assert_eq!(got.messages()[0].body(), Some("a1"));
    server.shutdown().await;

    let (server, sqs) = start(&dir.0, START + 1_000).await;
    let queue = url(&sqs, "steps.fifo").await;
    // Still locked: only group b is served.
    let got = sqs
        .receive_message()
        .queue_url(&queue)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("receive");
    let bodies: Vec<_> = got.messages().iter().filter_map(|m| m.body()).collect();
    assert_eq!(bodies, ["b1"]);
    // A retry of a send within five minutes is still a duplicate of the original.
    let retry = sqs
        .send_message()
        .queue_url(&queue)
        .message_body("a2")
        .message_group_id("a")
        .message_deduplication_id("a2")
        .send()
        .await
        .expect("send");
    assert_eq!(retry.sequence_number(), Some(sequence_numbers[2].as_str()));
    // A new message continues the sequence.
    let next = sqs
        .send_message()
        .queue_url(&queue)
        .message_body("a4")
        .message_group_id("a")
        .message_deduplication_id("a4")
        .send()
        .await
        .expect("send");
    let last: u128 = sequence_numbers[3].parse().expect("number");
    let next: u128 = next
        .sequence_number()
        .expect("number")
        .parse()
        .expect("number");
    assert!(next > last, "{next} follows {last}");
    // After the visibility timeouts, group a comes back in order, a1 first (received twice),
    // then group b.
    advance(&server, 30).await;
    let got = sqs
        .receive_message()
        .queue_url(&queue)
        .max_number_of_messages(10)
        .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
        .send()
        .await
        .expect("receive");
    let seen: Vec<_> = got
        .messages()
        .iter()
        .map(|m| {
            (
                m.body().unwrap_or_default(),
                m.attributes()
                    .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                    .cloned()
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("a1", "2".to_owned()),
            ("a2", "1".to_owned()),
            ("a3", "1".to_owned()),
            ("a4", "1".to_owned()),
            ("b1", "2".to_owned())
        ]
    );
    server.shutdown().await;

    // Past the five-minute window the deduplication id is forgotten, even across restarts.
    let (server, sqs) = start(&dir.0, START + 400_000).await;
    let queue = url(&sqs, "steps.fifo").await;
    let fresh = sqs
        .send_message()
        .queue_url(&queue)
        .message_body("a2")
        .message_group_id("a")
        .message_deduplication_id("a2")
        .send()
        .await
        .expect("send");
    let fresh: u128 = fresh
        .sequence_number()
        .expect("number")
        .parse()
        .expect("number");
    assert!(fresh > next);
    server.shutdown().await;
}

#[tokio::test]
async fn dead_letter_wiring_and_purges_survive_a_restart() {
    let dir = TempDir::new("redrive");
    let (server, sqs) = start(&dir.0, START).await;
    sqs.create_queue()
        .queue_name("dlq")
        .send()
        .await
        .expect("create");
    let source = sqs
        .create_queue()
        .queue_name("work")
        .attributes(
            QueueAttributeName::RedrivePolicy,
            r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"1"}"#,
        )
        .attributes(QueueAttributeName::VisibilityTimeout, "5")
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    let purged = sqs
        .create_queue()
        .queue_name("purged")
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    for (url, body) in [(&source, "poison"), (&purged, "old")] {
        sqs.send_message()
            .queue_url(url)
            .message_body(body)
            .send()
            .await
            .expect("send");
    }
    sqs.purge_queue()
        .queue_url(&purged)
        .send()
        .await
        .expect("purge");
    let got = sqs
        .receive_message()
        .queue_url(&source)
        .send()
        .await
        .expect("receive");
    assert_eq!(got.messages().len(), 1);
    server.shutdown().await;

    let (server, sqs) = start(&dir.0, START + 10_000).await;
    let (source, dlq, purged) = (
        url(&sqs, "work").await,
        url(&sqs, "dlq").await,
        url(&sqs, "purged").await,
    );
    assert_eq!(
        counts(&sqs, &purged).await,
        ("0".into(), "0".into(), "0".into())
    );
    // The second receive moves the message to the dead-letter queue.
    let got = sqs
        .receive_message()
        .queue_url(&source)
        .send()
        .await
        .expect("receive");
    assert!(got.messages().is_empty());
    let dead = sqs
        .receive_message()
        .queue_url(&dlq)
        .message_system_attribute_names(MessageSystemAttributeName::DeadLetterQueueSourceArn)
        .send()
        .await
        .expect("receive");
    assert_eq!(dead.messages()[0].body(), Some("poison"));
    server.shutdown().await;

    // ... and stays there.
    let (server, sqs) = start(&dir.0, START + 20_000).await;
    let dlq = url(&sqs, "dlq").await;
    assert_eq!(
        counts(&sqs, &dlq).await,
        ("0".into(), "1".into(), "0".into())
    );
    let source = url(&sqs, "work").await;
    assert_eq!(
        counts(&sqs, &source).await,
        ("0".into(), "0".into(), "0".into())
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_handle_from_before_a_restart_never_deletes_a_newer_message() {
    let dir = TempDir::new("handles");
    let (server, sqs) = start(&dir.0, START).await;
    let queue = sqs
        .create_queue()
        .queue_name("reuse")
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    for body in ["old-1", "old-2"] {
        sqs.send_message()
            .queue_url(&queue)
            .message_body(body)
            .send()
            .await
            .expect("send");
    }
    let got = sqs
        .receive_message()
        .queue_url(&queue)
        .max_number_of_messages(2)
        .send()
        .await
        .expect("receive");
    let handles: Vec<String> = got
        .messages()
        .iter()
        .filter_map(|m| m.receipt_handle().map(str::to_owned))
        .collect();
    assert_eq!(handles.len(), 2);
    // The newest message is deleted: after a restart its slot must not be handed out again.
    sqs.delete_message()
        .queue_url(&queue)
        .receipt_handle(&handles[1])
        .send()
        .await
        .expect("delete");
    server.shutdown().await;

    let (server, sqs) = start(&dir.0, START + 60_000).await;
    let queue = url(&sqs, "reuse").await;
    sqs.send_message()
        .queue_url(&queue)
        .message_body("new")
        .send()
        .await
        .expect("send");
    sqs.delete_message()
        .queue_url(&queue)
        .receipt_handle(&handles[1])
        .send()
        .await
        .expect("deleting a deleted message succeeds");
    let got = sqs
        .receive_message()
        .queue_url(&queue)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("receive");
    let mut bodies: Vec<_> = got.messages().iter().filter_map(|m| m.body()).collect();
    bodies.sort_unstable();
    assert_eq!(bodies, ["new", "old-1"]);
    server.shutdown().await;
}

#[tokio::test]
async fn one_process_per_data_dir() {
    let dir = TempDir::new("lock");
    let (server, _) = start(&dir.0, START).await;
    let second = Server::builder().port(0).data_dir(&dir.0).spawn().await;
    let err = second
        .expect_err("the second server is refused")
        .to_string();
    assert!(
        err.contains("is in use by another Sluice process (pid"),
        "{err}"
    );
    server.shutdown().await;
    let (server, _) = start(&dir.0, START).await;
    server.shutdown().await;
}

#[tokio::test]
async fn files_of_a_newer_version_or_corrupt_files_are_refused_never_replaced() {
    let dir = TempDir::new("refuse");
    let (server, sqs) = start(&dir.0, START).await;
    sqs.create_queue()
        .queue_name("kept")
        .send()
        .await
        .expect("create");
    server.shutdown().await;
    let db = dir.0.join("sluice.db");
    assert!(sluice::check_data_dir(&dir.0)
        .expect("check passes")
        .contains("1 queues"));

    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute(
        "UPDATE meta SET value = '999' WHERE key = 'schema_version'",
        [],
    )
    .expect("bump");
    drop(conn);
    let err = Server::builder().port(0).data_dir(&dir.0).spawn().await;
    let err = err.expect_err("refused").to_string();
    assert!(
        err.contains("written by a newer Sluice (schema version 999"),
        "{err}"
    );
    assert!(err.contains(&db.display().to_string()), "{err}");

    let bytes = std::fs::read(&db).expect("read");
    let mut corrupt = bytes.clone();
    corrupt.truncate(100);
    corrupt.extend(std::iter::repeat_n(0xA5, 4000));
    std::fs::write(&db, &corrupt).expect("write");
    let err = Server::builder().port(0).data_dir(&dir.0).spawn().await;
    let err = err.expect_err("refused").to_string();
    assert!(err.contains(&db.display().to_string()), "{err}");
    assert_eq!(std::fs::read(&db).expect("read"), corrupt, "left as it was");
    let err = sluice::check_data_dir(&dir.0).expect_err("check fails");
    assert!(err.contains(&db.display().to_string()), "{err}");
}

#[tokio::test]
async fn an_exported_state_is_imported_into_another_data_dir() {
    let (source, target) = (TempDir::new("export"), TempDir::new("import"));
    let file = source.0.join("known-state.db");
    let (server, sqs) = start(&source.0, START).await;
    let queue = sqs
        .create_queue()
        .queue_name("seeded")
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    sqs.send_message()
        .queue_url(&queue)
        .message_body("from the snapshot")
        .send()
        .await
        .expect("send");
    // Exported while the server runs: the file holds every acknowledged change.
    let summary = sluice::export_data_dir(&source.0, &file).expect("export");
    assert!(summary.contains("1 queues, 1 messages"), "{summary}");
    server.shutdown().await;

    let (busy, _) = start(&target.0, START).await;
    let err = sluice::import_data_dir(&target.0, &file).expect_err("the dir is in use");
    assert!(err.contains("is in use"), "{err}");
    busy.shutdown().await;
    sluice::import_data_dir(&target.0, &file).expect("import");
    let (server, sqs) = start(&target.0, START + 1_000).await;
    let queue = url(&sqs, "seeded").await;
    let got = sqs
        .receive_message()
        .queue_url(&queue)
        .send()
        .await
        .expect("receive");
    assert_eq!(got.messages()[0].body(), Some("from the snapshot"));
    server.shutdown().await;
}

/// The fixture's clock: every timestamp in it is within a second of this.
const FIXTURE_AT: u64 = 1_796_489_844_317;

#[tokio::test]
async fn a_data_dir_of_schema_version_1_is_read() {
    let dir = TempDir::new("fixture-v1");
    let conn = rusqlite::Connection::open(dir.0.join("sluice.db")).expect("open");
    conn.execute_batch(include_str!("../fixtures/data-dir-v1.sql"))
        .expect("load the fixture");
    drop(conn);
    // Ten seconds later: "in flight" is still hidden (120 s), "delayed" still delayed.
    let (server, sqs) = start(&dir.0, FIXTURE_AT + 10_000).await;
    let queue = url(&sqs, "fixture").await;
    assert_eq!(
        counts(&sqs, &queue).await,
        ("1".into(), "1".into(), "1".into())
    );
    let got = sqs
        .receive_message()
        .queue_url(&queue)
        .message_attribute_names("All")
        .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
        .send()
        .await
        .expect("receive");
    let kept = &got.messages()[0];
    assert_eq!(kept.body(), Some("kept body"));
    assert_eq!(
        kept.attributes()
            .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
            .map(String::as_str),
        Some("2")
    );
    let raw = kept
        .message_attributes()
        .and_then(|a| a.get("raw"))
        .and_then(|a| a.binary_value())
        .expect("binary attribute");
    assert_eq!(raw.as_ref(), [0u8, 1]);
    let tags = sqs
        .list_queue_tags()
        .queue_url(&queue)
        .send()
        .await
        .expect("tags");
    assert_eq!(
        tags.tags().and_then(|t| t.get("team")).map(String::as_str),
        Some("core")
    );
    let fifo = url(&sqs, "fixture.fifo").await;
    let steps = sqs
        .receive_message()
        .queue_url(&fifo)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("receive");
    let bodies: Vec<_> = steps.messages().iter().filter_map(|m| m.body()).collect();
    assert_eq!(bodies, ["step 0", "step 1", "step 2"]);
    let again = sqs
        .send_message()
        .queue_url(&fifo)
        .message_body("step 0")
        .message_group_id("g")
        .message_deduplication_id("d0")
        .send()
        .await
        .expect("send");
    assert_eq!(again.sequence_number(), Some("18000000000000000000"));

    let endpoint = server.endpoint_url();
    let sns = sluice_tests::sns_client(&endpoint, "us-east-1");
    let topic = "arn:aws:sns:us-east-1:000000000000:fixture-topic";
    let attributes = sns
        .get_topic_attributes()
        .topic_arn(topic)
        .send()
        .await
        .expect("topic");
    assert_eq!(
        attributes.attributes().expect("attributes")["DisplayName"],
        "Fixture"
    );
    let subs = sns
        .list_subscriptions_by_topic()
        .topic_arn(topic)
        .send()
        .await
        .expect("subscriptions");
    assert_eq!(subs.subscriptions().len(), 1);
    let duplicate = sns
        .publish()
        .topic_arn("arn:aws:sns:us-east-1:000000000000:fixture-topic.fifo")
        .message("m")
        .message_group_id("g")
        .message_deduplication_id("once")
        .send()
        .await
        .expect("publish");
    assert_eq!(
        duplicate.message_id(),
        Some("694e3161-43ed-4006-8c4c-bdf24a92cebc")
    );

    let kinesis = sluice_tests::kinesis_client(&endpoint, "us-east-1");
    let shards = kinesis
        .list_shards()
        .stream_name("fixture-stream")
        .send()
        .await
        .expect("shards");
    let mut data = Vec::new();
    for shard in shards.shards() {
        let iterator = kinesis
            .get_shard_iterator()
            .stream_name("fixture-stream")
            .shard_id(shard.shard_id())
            .shard_iterator_type(aws_sdk_kinesis::types::ShardIteratorType::TrimHorizon)
            .send()
            .await
            .expect("iterator")
            .shard_iterator
            .expect("iterator");
        let got = kinesis
            .get_records()
            .shard_iterator(iterator)
            .send()
            .await
            .expect("records");
        data.extend(
            got.records()
                .iter()
                .map(|r| String::from_utf8_lossy(r.data().as_ref()).into_owned()),
        );
    }
    data.sort();
    assert_eq!(
        data,
        (0..6).map(|i| format!("record {i}")).collect::<Vec<_>>()
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_move_task_goes_on_after_a_restart() {
    let dir = TempDir::new("move-task");
    let (server, sqs) = start(&dir.0, START).await;
    sqs.create_queue()
        .queue_name("parked")
        .send()
        .await
        .expect("create");
    let dlq_arn = "arn:aws:sqs:us-east-1:000000000000:parked";
    let source = sqs
        .create_queue()
        .queue_name("source")
        .attributes(
            QueueAttributeName::RedrivePolicy,
            format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":1}}"#),
        )
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    for i in 0..3 {
        sqs.send_message()
            .queue_url(&source)
            .message_body(format!("m{i}"))
            .send()
            .await
            .expect("send");
    }
    for visibility in [0, 30] {
        sqs.receive_message()
            .queue_url(&source)
            .max_number_of_messages(10)
            .visibility_timeout(visibility)
            .send()
            .await
            .expect("receive");
    }
    let dlq = url(&sqs, "parked").await;
    assert_eq!(counts(&sqs, &dlq).await.0, "3", "all dead-lettered");
    sqs.start_message_move_task()
        .source_arn(dlq_arn)
        .max_number_of_messages_per_second(1)
        .send()
        .await
        .expect("start");
    // The first message moves at once; the task then waits for the next second.
    server
        .manual_clock()
        .expect("manual")
        .wait_for_sleepers(1)
        .await;
    server.shutdown().await;

    // A second later the task goes on from where it was: its second batch runs at once.
    let (server, sqs) = start(&dir.0, START + 1_000).await;
    let clock = server.manual_clock().expect("manual");
    clock.wait_for_sleepers(1).await;
    let tasks = sqs
        .list_message_move_tasks()
        .source_arn(dlq_arn)
        .send()
        .await
        .expect("list");
    let task = &tasks.results()[0];
    assert_eq!(task.status(), Some("RUNNING"));
    assert_eq!(task.approximate_number_of_messages_moved(), 2);
    assert_eq!(task.approximate_number_of_messages_to_move(), Some(3));
    clock.advance(Duration::from_secs(1)).await;
    let tasks = sqs
        .list_message_move_tasks()
        .source_arn(dlq_arn)
        .send()
        .await
        .expect("list");
    assert_eq!(tasks.results()[0].status(), Some("COMPLETED"));
    assert_eq!(tasks.results()[0].approximate_number_of_messages_moved(), 3);
    let source = url(&sqs, "source").await;
    assert_eq!(counts(&sqs, &source).await.0, "3", "every message back");
    server.shutdown().await;
}
