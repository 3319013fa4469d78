//! Consumers that crash between receive and delete, or whose receive is cut off mid-request
//! (task aborted, client and its connections dropped), while others go on: every message is
//! eventually deleted exactly as sent, none is lost, a message comes back only after its
//! visibility timeout (time moves only when the test advances the manual clock), and on a
//! FIFO queue every group is handed out in order and stays locked while a batch is in flight.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_sqs::types::{QueueAttributeName, SendMessageBatchRequestEntry};

use sluice_tests::TestServer;

const VISIBILITY_SECS: u64 = 30;

/// A small deterministic generator (xorshift64*): the same crash pattern on every run.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % sides
    }
}

/// What a consumer does with the batch it received.
enum Fate {
    /// Deletes every message.
    DeleteAll,
    /// Deletes the first `n` and crashes.
    DeleteSomeThenCrash(usize),
    /// Crashes before deleting anything.
    Crash,
}

fn fate(dice: &mut Dice, batch: usize) -> Fate {
    match dice.roll(4) {
        0 | 1 => Fate::DeleteAll,
        2 if batch > 1 => Fate::DeleteSomeThenCrash(1 + dice.roll(batch as u64 - 1) as usize),
        _ => Fate::Crash,
    }
}

/// A fresh client with its own connections, dropped when the consumer crashes.
fn consumer_client(t: &TestServer) -> aws_sdk_sqs::Client {
    sluice_tests::sqs_client(&t.endpoint(), "us-east-1")
}

/// A receive started on its own task and aborted after `yields` scheduler turns: the server
/// may or may not have handed messages out, and the client never sees them.
async fn cut_off_receive(t: &TestServer, url: &str, yields: u64) {
    let client = consumer_client(t);
    let url = url.to_owned();
    let task = tokio::spawn(async move {
        let _ = client
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .send()
            .await;
    });
    for _ in 0..yields {
        tokio::task::yield_now().await;
    }
    task.abort();
    let _ = task.await;
}

async fn receive(client: &aws_sdk_sqs::Client, url: &str) -> Vec<(String, String)> {
    let out = client
        .receive_message()
        .queue_url(url)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("receive");
    out.messages()
        .iter()
        .map(|m| {
            (
                m.body().unwrap_or_default().to_owned(),
                m.receipt_handle().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn delete(client: &aws_sdk_sqs::Client, url: &str, handle: &str) {
    client
        .delete_message()
        .queue_url(url)
        .receipt_handle(handle)
        .send()
        .await
        .expect("delete");
}

/// Records that `body` was received at `now_ms`, failing if its previous receive was less
/// than a visibility timeout ago.
fn back_only_after_timeout(last_received: &mut BTreeMap<String, u64>, body: &str, now_ms: u64) {
    if let Some(before) = last_received.insert(body.to_owned(), now_ms) {
        assert!(
            now_ms - before >= VISIBILITY_SECS * 1000,
            "{body} came back {} ms after it was received",
            now_ms - before
        );
    }
}

async fn send_all(t: &TestServer, url: &str, bodies: &[(String, Option<String>)]) {
    for chunk in bodies.chunks(10) {
        let entries = chunk
            .iter()
            .enumerate()
            .map(|(i, (body, group))| {
                SendMessageBatchRequestEntry::builder()
                    .id(format!("e{i}"))
                    .message_body(body)
                    .set_message_group_id(group.clone())
                    .set_message_deduplication_id(group.as_ref().map(|_| body.clone()))
                    .build()
                    .expect("entry")
            })
            .collect();
        let out = t
            .sqs
            .send_message_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .expect("send batch");
        assert!(out.failed().is_empty(), "{:?}", out.failed());
    }
}

async fn queue_is_empty(t: &TestServer, url: &str) -> bool {
    t.attribute(url, QueueAttributeName::ApproximateNumberOfMessages)
        .await
        == "0"
        && t.attribute(
            url,
            QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
        )
        .await
            == "0"
}

#[tokio::test]
async fn standard_queue_loses_nothing_when_consumers_crash() {
    let t = TestServer::start().await;
    let url = t
        .sqs
        .create_queue()
        .queue_name("crashy")
        .attributes(
            QueueAttributeName::VisibilityTimeout,
            VISIBILITY_SECS.to_string(),
        )
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    let sent: Vec<(String, Option<String>)> = (0..300).map(|i| (format!("m{i}"), None)).collect();
    send_all(&t, &url, &sent).await;

    let mut dice = Dice(0x5eed_1234_abcd_0001);
    let mut deleted = BTreeSet::new();
    let mut last_received: BTreeMap<String, u64> = BTreeMap::new();
    let mut epochs = 0;
    while deleted.len() < sent.len() {
        epochs += 1;
        assert!(epochs < 60, "not drained after {epochs} visibility periods");
        // Within one period no message may be handed out twice: the clock stands still.
        let mut seen_this_period = BTreeSet::new();
        loop {
            if dice.roll(5) == 0 {
                cut_off_receive(&t, &url, dice.roll(6)).await;
                continue;
            }
            let client = consumer_client(&t);
            let batch = receive(&client, &url).await;
            if batch.is_empty() {
                break;
            }
            for (body, _) in &batch {
                assert!(
                    seen_this_period.insert(body.clone()),
                    "{body} received twice within one visibility timeout"
                );
                assert!(!deleted.contains(body), "{body} came back after its delete");
                back_only_after_timeout(&mut last_received, body, t.now_millis());
            }
            let keep = match fate(&mut dice, batch.len()) {
                Fate::DeleteAll => batch.len(),
                Fate::DeleteSomeThenCrash(n) => n,
                Fate::Crash => 0,
            };
            for (body, handle) in &batch[..keep] {
                delete(&client, &url, handle).await;
                deleted.insert(body.clone());
            }
            drop(client);
        }
        t.advance(VISIBILITY_SECS + 1).await;
    }
    let expected: BTreeSet<String> = sent.into_iter().map(|(b, _)| b).collect();
    assert_eq!(deleted, expected);
    assert!(queue_is_empty(&t, &url).await);
    assert!(epochs > 2, "the crash pattern should force redeliveries");
}

#[tokio::test]
async fn fifo_groups_stay_ordered_and_locked_when_consumers_crash() {
    let t = TestServer::start().await;
    let url = t
        .sqs
        .create_queue()
        .queue_name("crashy.fifo")
        .attributes(QueueAttributeName::FifoQueue, "true")
        .attributes(
            QueueAttributeName::VisibilityTimeout,
            VISIBILITY_SECS.to_string(),
        )
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    const GROUPS: usize = 5;
    const PER_GROUP: usize = 40;
    // Interleaved groups: g0-0, g1-0, ..., g0-1, ...
    let sent: Vec<(String, Option<String>)> = (0..PER_GROUP)
        .flat_map(|i| (0..GROUPS).map(move |g| (format!("g{g}-{i:03}"), Some(format!("g{g}")))))
        .collect();
    send_all(&t, &url, &sent).await;

    let parse = |body: &str| -> (usize, usize) {
        let (g, i) = body
            .trim_start_matches('g')
            .split_once('-')
            .expect("body shape");
        (g.parse().expect("group"), i.parse().expect("index"))
    };
    let mut dice = Dice(0x0f1f_0c4a_5e00_0002);
    // Per group: how many messages (a prefix, in order) are deleted.
    let mut done = [0usize; GROUPS];
    let mut last_received: BTreeMap<String, u64> = BTreeMap::new();
    let mut epochs = 0;
    while done.iter().sum::<usize>() < GROUPS * PER_GROUP {
        epochs += 1;
        assert!(epochs < 80, "not drained after {epochs} visibility periods");
        // Groups whose batch was left in flight this period: locked until the clock moves.
        let mut locked = BTreeMap::new();
        loop {
            if dice.roll(5) == 0 {
                // A cut-off receive may lock groups the test never sees; only what it does see
                // is checked.
                cut_off_receive(&t, &url, dice.roll(6)).await;
                continue;
            }
            let client = consumer_client(&t);
            let batch = receive(&client, &url).await;
            if batch.is_empty() {
                break;
            }
            // Each group's part of the batch starts at its first undeleted message and runs on
            // in order.
            let mut next: BTreeMap<usize, usize> = BTreeMap::new();
            for (body, _) in &batch {
                back_only_after_timeout(&mut last_received, body, t.now_millis());
                let (g, i) = parse(body);
                assert!(
                    !locked.contains_key(&g),
                    "group g{g} handed out again ({body}) while {} is in flight",
                    locked[&g]
                );
                let expected = *next.entry(g).or_insert(done[g]);
                assert_eq!(i, expected, "group g{g} out of order: got {body}");
                next.insert(g, i + 1);
            }
            let keep = match fate(&mut dice, batch.len()) {
                Fate::DeleteAll => batch.len(),
                Fate::DeleteSomeThenCrash(n) => n,
                Fate::Crash => 0,
            };
            for (body, handle) in &batch[..keep] {
                delete(&client, &url, handle).await;
                let (g, i) = parse(body);
                assert_eq!(i, done[g], "deletes follow the group's order");
                done[g] += 1;
            }
            for (body, _) in &batch[keep..] {
                let (g, _) = parse(body);
                locked.entry(g).or_insert_with(|| body.clone());
            }
            drop(client);
        }
        t.advance(VISIBILITY_SECS + 1).await;
    }
    assert_eq!(done, [PER_GROUP; GROUPS]);
    assert!(queue_is_empty(&t, &url).await);
    assert!(epochs > 2, "the crash pattern should force redeliveries");
}
