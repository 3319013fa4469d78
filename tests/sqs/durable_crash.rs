//! Kill -9 under load, over and over: a child process serves a data dir while SDK clients
//! send, receive and delete on a standard and a FIFO queue and put Kinesis records, and is
//! killed with SIGKILL at a random moment; then it is started again on the same dir. At the
//! end every acknowledged send is there exactly once unless its delete was acknowledged, no
//! acknowledged delete comes back, receive counts only grow, each FIFO group comes out in
//! send order, every acknowledged SNS publish reached the subscribed queue, and every
//! acknowledged Kinesis record is there under its sequence number, which strictly increase
//! within each shard.
//!
//! The child is this test binary run again with `durable_crash::child` and the data dir in
//! its environment: the library's server in its own process, so that SIGKILL is real.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_sqs::config::retry::RetryConfig;
use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};
use aws_sdk_sqs::Client;

use sluice_tests::TempDir;

const DIR_VAR: &str = "SLUICE_CRASH_CHILD_DIR";
/// When set, the child runs on a manual clock this many ms past the wall clock, so every
/// visibility timeout taken before the last kill is over.
const LATER_VAR: &str = "SLUICE_CRASH_CHILD_LATER_MS";
const ROUNDS: usize = 20;
const GROUPS: usize = 4;

/// The child: serves the data dir until killed. Does nothing outside a crash test.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by durable_crash::kill_nine_never_loses_an_acknowledged_change as its child"]
async fn child() {
    let Ok(dir) = std::env::var(DIR_VAR) else {
        return;
    };
    let mut builder = sluice::Server::builder()
        .port(0)
        .data_dir(dir)
        .queue_deleted_recently(false)
        .kinesis_status_delay(Duration::ZERO);
    if let Some(later) = std::env::var(LATER_VAR)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        builder = builder.manual_clock_at(wall_millis() + later);
    }
    let server = builder.spawn().await.expect("child server starts");
    println!("SLUICE_CHILD_ENDPOINT={}", server.endpoint_url());
    std::future::pending::<()>().await;
}

fn wall_millis() -> u64 {
    #[allow(clippy::disallowed_methods)] // the child's manual clock starts after real time
    let now = std::time::SystemTime::now();
    now.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

struct Running {
    child: Child,
    sqs: Client,
    sns: aws_sdk_sns::Client,
    kinesis: aws_sdk_kinesis::Client,
}

fn spawn_child(dir: &std::path::Path, later_ms: Option<u64>) -> Running {
    let mut command = Command::new(std::env::current_exe().expect("test binary"));
    command
        .args([
            "durable_crash::child",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env(DIR_VAR, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(later) = later_ms {
        command.env(LATER_VAR, later.to_string());
    }
    let mut child = command.spawn().expect("child starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let endpoint = loop {
        let line = lines
            .next()
            .expect("the child names its endpoint before exiting")
            .expect("line");
        if let Some(endpoint) = line.strip_prefix("SLUICE_CHILD_ENDPOINT=") {
            break endpoint.to_owned();
        }
    };
    // Answers cut off by the kill must fail, not be sent again by the SDK.
    let sqs = sluice_tests::sqs_client(&endpoint, "us-east-1");
    let config_sqs = sqs
        .config()
        .to_builder()
        .retry_config(RetryConfig::disabled())
        .build();
    let kinesis = sluice_tests::kinesis_client(&endpoint, "us-east-1");
    let config = kinesis
        .config()
        .to_builder()
        .retry_config(aws_sdk_kinesis::config::retry::RetryConfig::disabled())
        .build();
    let sns = sluice_tests::sns_client(&endpoint, "us-east-1");
    let config_sns = sns
        .config()
        .to_builder()
        .retry_config(aws_sdk_sns::config::retry::RetryConfig::disabled())
        .build();
    Running {
        child,
        sqs: Client::from_conf(config_sqs),
        sns: aws_sdk_sns::Client::from_conf(config_sns),
        kinesis: aws_sdk_kinesis::Client::from_conf(config),
    }
}

/// What the clients were told, across every round.
#[derive(Default)]
struct Ledger {
    /// Bodies whose send was acknowledged.
    sent: HashSet<String>,
    /// Bodies whose delete was acknowledged.
    deleted: HashSet<String>,
    /// Bodies a delete was sent for: one cut off by the kill may or may not have happened.
    delete_sent: HashSet<String>,
    /// Highest receive count an acknowledged receive reported, by body.
    receive_counts: HashMap<String, u32>,
    /// Kinesis records whose put was acknowledged: `(shard, sequence number) -> data`.
    records: HashMap<(String, String), String>,
    /// Messages whose SNS Publish was acknowledged.
    published: HashSet<String>,
}

/// A small deterministic dice (xorshift), so a failing run can be replayed from its seed.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

async fn create_queues(sqs: &Client) -> (String, String) {
    let standard = sqs
        .create_queue()
        .queue_name("crash")
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    let fifo = sqs
        .create_queue()
        .queue_name("crash.fifo")
        .attributes(QueueAttributeName::FifoQueue, "true")
        .attributes(QueueAttributeName::ContentBasedDeduplication, "true")
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    (standard, fifo)
}

fn receive_count(message: &aws_sdk_sqs::types::Message) -> u32 {
    message
        .attributes()
        .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// One round of load: senders and a consumer per queue until the first failure (the kill).
async fn load(
    sqs: Client,
    url: String,
    fifo: bool,
    round: usize,
    worker: usize,
    ledger: Arc<Mutex<Ledger>>,
) {
    let mut i = 0;
    loop {
        i += 1;
        if worker < 2 {
            let kind = if fifo { 'f' } else { 's' };
            let body = format!("{kind}-r{round}-w{worker}-{i}");
            let mut send = sqs.send_message().queue_url(&url).message_body(&body);
            if fifo {
                send = send.message_group_id(format!("g{}", i % GROUPS));
            }
            if send.send().await.is_err() {
                return;
            }
            ledger.lock().expect("ledger").sent.insert(body);
        } else {
            let Ok(got) = sqs
                .receive_message()
                .queue_url(&url)
                .max_number_of_messages(10)
                .visibility_timeout(if fifo { 30 } else { 0 })
                .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
                .send()
                .await
            else {
                return;
            };
            for m in got.messages() {
                let body = m.body().unwrap_or_default().to_owned();
                let count = receive_count(m);
                {
                    let mut ledger = ledger.lock().expect("ledger");
                    let seen = ledger.receive_counts.entry(body.clone()).or_default();
                    *seen = (*seen).max(count);
                }
                // Every other message is deleted.
                if (i + count as usize).is_multiple_of(2) {
                    ledger
                        .lock()
                        .expect("ledger")
                        .delete_sent
                        .insert(body.clone());
                    let deleted = sqs
                        .delete_message()
                        .queue_url(&url)
                        .receipt_handle(m.receipt_handle().unwrap_or_default())
                        .send()
                        .await;
                    match deleted {
                        Ok(_) => {
                            ledger.lock().expect("ledger").deleted.insert(body);
                        }
                        Err(_) => return,
                    }
                }
            }
        }
    }
}

const STREAM: &str = "crash";
const FANOUT_QUEUE: &str = "crash-fanout";

/// A topic whose one subscriber is the queue `FANOUT_QUEUE` (raw delivery); its ARN.
async fn create_topic(sns: &aws_sdk_sns::Client, sqs: &Client) -> String {
    sqs.create_queue()
        .queue_name(FANOUT_QUEUE)
        .send()
        .await
        .expect("create queue");
    let topic = sns
        .create_topic()
        .name("crash-topic")
        .send()
        .await
        .expect("create topic")
        .topic_arn
        .expect("arn");
    sns.subscribe()
        .topic_arn(&topic)
        .protocol("sqs")
        .endpoint(format!("arn:aws:sqs:us-east-1:000000000000:{FANOUT_QUEUE}"))
        .attributes("RawMessageDelivery", "true")
        .send()
        .await
        .expect("subscribe");
    topic
}

/// Publishes until the kill; keeps what was acknowledged.
async fn publish(
    sns: aws_sdk_sns::Client,
    topic: String,
    round: usize,
    ledger: Arc<Mutex<Ledger>>,
) {
    for i in 0.. {
        let body = format!("p-r{round}-{i}");
        if sns
            .publish()
            .topic_arn(&topic)
            .message(&body)
            .send()
            .await
            .is_err()
        {
            return;
        }
        ledger.lock().expect("ledger").published.insert(body);
    }
}

async fn create_stream(kinesis: &aws_sdk_kinesis::Client) {
    // Already there after the first round.
    let _ = kinesis
        .create_stream()
        .stream_name(STREAM)
        .shard_count(2)
        .send()
        .await;
}

/// Puts batches of records until the kill; keeps what was acknowledged.
async fn put_records(kinesis: aws_sdk_kinesis::Client, round: usize, ledger: Arc<Mutex<Ledger>>) {
    use aws_sdk_kinesis::primitives::Blob;
    use aws_sdk_kinesis::types::PutRecordsRequestEntry;
    for i in 0.. {
        let data: Vec<String> = (0..10).map(|j| format!("r{round}-{i}-{j}")).collect();
        let entries = data
            .iter()
            .map(|d| {
                PutRecordsRequestEntry::builder()
                    .partition_key(d)
                    .data(Blob::new(d.as_bytes()))
                    .build()
                    .expect("entry")
            })
            .collect();
        let Ok(out) = kinesis
            .put_records()
            .stream_name(STREAM)
            .set_records(Some(entries))
            .send()
            .await
        else {
            return;
        };
        let mut ledger = ledger.lock().expect("ledger");
        for (entry, d) in out.records().iter().zip(data) {
            if let (Some(shard), Some(seq)) = (entry.shard_id(), entry.sequence_number()) {
                ledger.records.insert((shard.to_owned(), seq.to_owned()), d);
            }
        }
    }
}

/// Every record of the stream: `(shard, sequence number, data)` in each shard's order.
async fn read_stream(kinesis: &aws_sdk_kinesis::Client) -> Vec<(String, String, String)> {
    let shards = kinesis
        .list_shards()
        .stream_name(STREAM)
        .send()
        .await
        .expect("shards");
    let mut out = Vec::new();
    for shard in shards.shards() {
        let mut iterator = kinesis
            .get_shard_iterator()
            .stream_name(STREAM)
            .shard_id(shard.shard_id())
            .shard_iterator_type(aws_sdk_kinesis::types::ShardIteratorType::TrimHorizon)
            .send()
            .await
            .expect("iterator")
            .shard_iterator;
        while let Some(it) = iterator {
            let got = kinesis
                .get_records()
                .shard_iterator(it)
                .send()
                .await
                .expect("records");
            if got.records().is_empty() {
                break;
            }
            out.extend(got.records().iter().map(|r| {
                (
                    shard.shard_id().to_owned(),
                    r.sequence_number().to_owned(),
                    String::from_utf8_lossy(r.data().as_ref()).into_owned(),
                )
            }));
            iterator = got.next_shard_iterator;
        }
    }
    out
}

/// Receives everything left, each message once (a long visibility timeout), deleting as it
/// goes: a FIFO group stays locked while any of its messages is in flight.
async fn drain(sqs: &Client, url: &str) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    loop {
        let got = sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .visibility_timeout(3600)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await
            .expect("receive");
        if got.messages().is_empty() {
            return out;
        }
        for m in got.messages() {
            out.push((m.body().unwrap_or_default().to_owned(), receive_count(m)));
            sqs.delete_message()
                .queue_url(url)
                .receipt_handle(m.receipt_handle().unwrap_or_default())
                .send()
                .await
                .expect("delete");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_never_loses_an_acknowledged_change() {
    let dir = TempDir::new("crash");
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let mut dice = Dice(0x5eed_cafe_f00d);
    for round in 0..ROUNDS {
        let Running {
            mut child,
            sqs,
            sns,
            kinesis,
        } = spawn_child(&dir.0, None);
        let (standard, fifo) = create_queues(&sqs).await;
        create_stream(&kinesis).await;
        let topic = create_topic(&sns, &sqs).await;
        let mut workers = vec![
            tokio::spawn(put_records(kinesis, round, ledger.clone())),
            tokio::spawn(publish(sns, topic, round, ledger.clone())),
        ];
        for worker in 0..3 {
            for (url, is_fifo) in [(&standard, false), (&fifo, true)] {
                workers.push(tokio::spawn(load(
                    sqs.clone(),
                    url.clone(),
                    is_fifo,
                    round,
                    worker,
                    ledger.clone(),
                )));
            }
        }
        // A random moment: the load runs 20 to 300 ms of real time before the kill (the
        // child's own clock is real: its data must survive real crashes).
        #[allow(clippy::disallowed_methods)]
        tokio::time::sleep(Duration::from_millis(20 + dice.below(280))).await;
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        for w in workers {
            w.await.expect("worker");
        }
    }

    let Running {
        mut child,
        sqs,
        sns: _,
        kinesis,
    } = spawn_child(&dir.0, Some(2 * 3_600_000));
    let (standard, fifo) = create_queues(&sqs).await;
    let ledger = std::mem::take(&mut *ledger.lock().expect("ledger"));
    let mut present = HashMap::new();
    let mut fifo_groups: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (url, is_fifo) in [(&standard, false), (&fifo, true)] {
        for (body, count) in drain(&sqs, url).await {
            *present.entry(body.clone()).or_insert(0) += 1;
            let before = ledger.receive_counts.get(&body).copied().unwrap_or(0);
            assert!(
                count > before,
                "{body}: receive count {count} after {before} was acknowledged"
            );
            if is_fifo {
                // Bodies are f-r{round}-w{worker}-{i}; the group is i % GROUPS, and each
                // sender's messages of a group keep their order.
                let parts: Vec<usize> = body
                    .split('-')
                    .skip(1)
                    .filter_map(|p| p.trim_start_matches(['r', 'w']).parse().ok())
                    .collect();
                let [round, worker, i] = parts[..] else {
                    panic!("a body the test did not send: {body}");
                };
                fifo_groups
                    .entry(format!("g{} w{worker}", i % GROUPS))
                    .or_default()
                    .push((round, i));
            }
        }
    }
    let mut kept = 0;
    for body in &ledger.sent {
        let copies = present.get(body).copied().unwrap_or(0);
        if ledger.deleted.contains(body) {
            assert_eq!(copies, 0, "{body}: its acknowledged delete was undone");
        } else if ledger.delete_sent.contains(body) {
            assert!(copies <= 1, "{body}: present {copies} times");
        } else {
            assert_eq!(
                copies, 1,
                "{body}: acknowledged send present {copies} times"
            );
            kept += 1;
        }
    }
    for (body, copies) in &present {
        assert_eq!(*copies, 1, "{body} delivered {copies} times in the drain");
    }
    for (group, order) in &fifo_groups {
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(order, &sorted, "FIFO group {group} out of order");
    }
    let fanout = sqs
        .get_queue_url()
        .queue_name(FANOUT_QUEUE)
        .send()
        .await
        .expect("fan-out queue")
        .queue_url
        .expect("url");
    let delivered: HashSet<String> = drain(&sqs, &fanout)
        .await
        .into_iter()
        .map(|(b, _)| b)
        .collect();
    for body in &ledger.published {
        assert!(
            delivered.contains(body),
            "acknowledged publish {body} never reached the queue"
        );
    }
    assert!(
        ledger.published.len() > 100,
        "too few publishes to tell: {}",
        ledger.published.len()
    );
    let stored = read_stream(&kinesis).await;
    let mut last_in_shard: HashMap<&str, &str> = HashMap::new();
    for (shard, seq, _) in &stored {
        if let Some(previous) = last_in_shard.insert(shard, seq) {
            assert!(previous < seq.as_str(), "{shard}: {seq} after {previous}");
        }
    }
    let by_seq: HashMap<(&str, &str), &str> = stored
        .iter()
        .map(|(shard, seq, data)| ((shard.as_str(), seq.as_str()), data.as_str()))
        .collect();
    for ((shard, seq), data) in &ledger.records {
        assert_eq!(
            by_seq.get(&(shard.as_str(), seq.as_str())),
            Some(&data.as_str()),
            "acknowledged record {data} ({shard} {seq})"
        );
    }
    assert!(
        ledger.records.len() > 100,
        "too few Kinesis records to tell: {}",
        ledger.records.len()
    );
    assert!(
        ledger.sent.len() > 100 && ledger.deleted.len() > 10 && kept > 10,
        "the load was too light to tell: {} sent, {} deleted, {kept} kept",
        ledger.sent.len(),
        ledger.deleted.len()
    );
    eprintln!(
        "{ROUNDS} kills: {} sends acknowledged, {} deletes acknowledged, {kept} kept, {} present after the last restart; {} publishes acknowledged, {} delivered; {} Kinesis records acknowledged, {} stored",
        ledger.sent.len(),
        ledger.deleted.len(),
        present.len(),
        ledger.published.len(),
        delivered.len(),
        ledger.records.len(),
        stored.len()
    );
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
}
