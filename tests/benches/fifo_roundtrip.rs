//! Round-trip throughput of FIFO queues with 1, 10 and 1000 message groups, against a
//! standard queue in the same run, over real HTTP (AWS JSON 1.0) to an in-process server.
//! Producers send to random groups; consumers receive up to 10, check every group arrives
//! in send order, and delete in batches. Run: `cargo bench -p sluice-tests --bench fifo_roundtrip`.
//! (`../shared/bench`'s loadgen has no FIFO scenario, hence this bench.)

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

type Http = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

const PRODUCERS: usize = 16;
const CONSUMERS: usize = 16;
const SECONDS: u64 = 5;

async fn call(http: &Http, endpoint: &str, op: &str, body: Value) -> Value {
    let request = http::Request::post(endpoint)
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", format!("AmazonSQS.{op}"))
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("request");
    let response = http.request(request).await.expect("response");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    assert!(status.is_success(), "{op}: {status} {value}");
    value
}

/// Messages per second through one queue, after checking none was lost or reordered.
async fn round_trip(http: &Http, endpoint: &str, name: &str, groups: Option<u32>) -> f64 {
    let mut attributes = json!({});
    if groups.is_some() {
        attributes = json!({"FifoQueue": "true", "ContentBasedDeduplication": "false"});
    }
    let created = call(
        http,
        endpoint,
        "CreateQueue",
        json!({"QueueName": name, "Attributes": attributes}),
    )
    .await;
    let url = created["QueueUrl"].as_str().expect("url").to_owned();
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let received = Arc::new(AtomicU64::new(0));
    // Per (group, producer), the last counter seen: a producer waits for each send, so
    // within a group its messages must come out in its order.
    let last_seen: Arc<Mutex<HashMap<(String, u64), u64>>> = Arc::default();
    let mut tasks = Vec::new();
    for p in 0..PRODUCERS {
        let (http, endpoint, url, stop, sent) = (
            http.clone(),
            endpoint.to_owned(),
            url.clone(),
            stop.clone(),
            sent.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut i = 0u64;
            let mut rng = 0x9E37_79B9_7F4A_7C15u64 ^ p as u64;
            while !stop.load(Ordering::Relaxed) {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let mut body = json!({"QueueUrl": url, "MessageBody": format!("{p}:{i}")});
                if let Some(groups) = groups {
                    let group = rng % u64::from(groups);
                    body["MessageGroupId"] = json!(format!("g{group}"));
                    body["MessageDeduplicationId"] = json!(format!("{p}-{i}"));
                }
                call(&http, &endpoint, "SendMessage", body).await;
                sent.fetch_add(1, Ordering::Relaxed);
                i += 1;
            }
        }));
    }
    for _ in 0..CONSUMERS {
        let (http, endpoint, url, stop, received, last_seen) = (
            http.clone(),
            endpoint.to_owned(),
            url.clone(),
            stop.clone(),
            received.clone(),
            last_seen.clone(),
        );
        tasks.push(tokio::spawn(async move {
            loop {
                let out = call(
                    &http,
                    &endpoint,
                    "ReceiveMessage",
                    json!({"QueueUrl": url, "MaxNumberOfMessages": 10, "WaitTimeSeconds": 1,
                           "MessageSystemAttributeNames": ["MessageGroupId"]}),
                )
                .await;
                let messages = out["Messages"].as_array().cloned().unwrap_or_default();
                if messages.is_empty() {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    continue;
                }
                let mut entries = Vec::new();
                for (n, m) in messages.iter().enumerate() {
                    let body = m["Body"].as_str().unwrap_or_default();
                    let mut parts = body.split(':').map(|c| c.parse::<u64>().unwrap_or(0));
                    let (producer, counter) =
                        (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
                    if let Some(group) = m["Attributes"]["MessageGroupId"].as_str() {
                        let mut seen = last_seen.lock().expect("lock");
                        let last = seen.entry((group.to_owned(), producer)).or_insert(0);
                        assert!(
                            counter >= *last,
                            "group {group} out of order: {counter} after {last}"
                        );
                        *last = counter;
                    }
                    entries.push(json!({"Id": n.to_string(), "ReceiptHandle": m["ReceiptHandle"]}));
                }
                call(
                    &http,
                    &endpoint,
                    "DeleteMessageBatch",
                    json!({"QueueUrl": url, "Entries": entries}),
                )
                .await;
                received.fetch_add(messages.len() as u64, Ordering::Relaxed);
            }
        }));
    }
    #[allow(clippy::disallowed_methods)] // a benchmark measures real time
    let started = std::time::Instant::now();
    #[allow(clippy::disallowed_methods)]
    tokio::time::sleep(Duration::from_secs(SECONDS)).await;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await.expect("worker");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (sent, received) = (
        sent.load(Ordering::Relaxed),
        received.load(Ordering::Relaxed),
    );
    assert_eq!(
        sent, received,
        "{name}: every acknowledged message received exactly once"
    );
    received as f64 / elapsed
}

fn main() {
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let server = server_runtime
        .block_on(sluice::Server::builder().port(0).spawn())
        .expect("server");
    let endpoint = server.endpoint_url();
    let client_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    client_runtime.block_on(async {
        let http: Http = Client::builder(TokioExecutor::new()).build_http();
        let standard = round_trip(&http, &endpoint, "bench-standard", None).await;
        println!("standard queue round trip: {standard:.0} msgs/s");
        for groups in [1u32, 10, 1000] {
            let name = format!("bench-{groups}.fifo");
            let rate = round_trip(&http, &endpoint, &name, Some(groups)).await;
            println!(
                "fifo round trip, {groups} groups: {rate:.0} msgs/s ({:.2} of standard)",
                rate / standard
            );
        }
    });
    server_runtime.block_on(server.shutdown());
}
