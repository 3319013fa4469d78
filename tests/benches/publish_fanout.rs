//! SNS Publish latency and throughput with 0, 1, 10 and 100 SQS subscriptions, over real
//! HTTP (AWS Query) to an in-process server, and a check that every queue got every message.
//! Latency is measured at a paced 1,000 publishes/s (below saturation at every fan-out, so
//! it shows the publish path alone); throughput closed-loop with 16 connections. Run:
//! `cargo bench -p sluice-tests --bench publish_fanout`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

type Http = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

const PACED_RATE: u64 = 1_000;
const PACED_SECONDS: u64 = 3;
const LOAD_CONNECTIONS: usize = 16;
const LOAD_SECONDS: u64 = 3;

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn query(http: &Http, endpoint: &str, service: &str, form: &str) -> String {
    let auth = format!("AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0");
    let request = http::Request::post(endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", auth)
        .body(Full::new(Bytes::from(form.to_owned())))
        .expect("request");
    let response = http.request(request).await.expect("response");
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body = String::from_utf8_lossy(&body).into_owned();
    assert!(status.is_success(), "{form}: {status} {body}");
    body
}

fn between<'a>(xml: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>");
    let start = xml.find(&open).map(|i| i + open.len()).unwrap_or(0);
    let end = xml[start..].find('<').map_or(xml.len(), |i| start + i);
    &xml[start..end]
}

/// A topic with `n` subscribed queues; returns the topic ARN and the queue URLs.
async fn setup(http: &Http, endpoint: &str, n: usize) -> (String, Vec<String>) {
    let topic = query(
        http,
        endpoint,
        "sns",
        &format!("Action=CreateTopic&Name=fanout-{n}"),
    )
    .await;
    let topic_arn = between(&topic, "TopicArn").to_owned();
    let mut urls = Vec::new();
    for i in 0..n {
        let created = query(
            http,
            endpoint,
            "sqs",
            &format!("Action=CreateQueue&QueueName=f{n}-{i}"),
        )
        .await;
        let url = between(&created, "QueueUrl").to_owned();
        let queue_arn = format!("arn:aws:sqs:us-east-1:000000000000:f{n}-{i}");
        query(
            http,
            endpoint,
            "sns",
            &format!(
                "Action=Subscribe&TopicArn={}&Protocol=sqs&Endpoint={}",
                encode(&topic_arn),
                encode(&queue_arn)
            ),
        )
        .await;
        urls.push(url);
    }
    (topic_arn, urls)
}

fn publish_form(topic_arn: &str) -> String {
    format!(
        "Action=Publish&TopicArn={}&Message={}",
        encode(topic_arn),
        "x".repeat(100)
    )
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

#[allow(clippy::disallowed_methods)] // a benchmark measures real time
async fn paced_latency(http: &Http, endpoint: &str, topic_arn: &str) -> (u64, u64, u64) {
    let form = publish_form(topic_arn);
    let mut latencies = Vec::new();
    let interval = Duration::from_micros(1_000_000 / PACED_RATE);
    let start = std::time::Instant::now();
    for i in 0..PACED_RATE * PACED_SECONDS {
        let due = start + interval * u32::try_from(i).unwrap_or(u32::MAX);
        tokio::time::sleep_until(due.into()).await;
        let t0 = std::time::Instant::now();
        query(http, endpoint, "sns", &form).await;
        latencies.push(t0.elapsed().as_micros() as u64);
    }
    latencies.sort_unstable();
    (
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.len() as u64,
    )
}

#[allow(clippy::disallowed_methods)]
async fn throughput(http: &Http, endpoint: &str, topic_arn: &str) -> (f64, u64) {
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let form = Arc::new(publish_form(topic_arn));
    let errors = Arc::new(Mutex::new(0u64));
    let mut tasks = Vec::new();
    for _ in 0..LOAD_CONNECTIONS {
        let (http, endpoint, form, stop, done) = (
            http.clone(),
            endpoint.to_owned(),
            form.clone(),
            stop.clone(),
            done.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                query(&http, &endpoint, "sns", &form).await;
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let start = std::time::Instant::now();
    tokio::time::sleep(Duration::from_secs(LOAD_SECONDS)).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.expect("publisher");
    }
    let _ = errors;
    let n = done.load(Ordering::Relaxed);
    (n as f64 / start.elapsed().as_secs_f64(), n)
}

/// Waits until every queue holds `expected` messages; returns how long delivery lagged.
#[allow(clippy::disallowed_methods)]
async fn await_delivery(http: &Http, endpoint: &str, urls: &[String], expected: u64) -> f64 {
    let start = std::time::Instant::now();
    for url in urls {
        loop {
            let out = query(
                http,
                endpoint,
                "sqs",
                &format!("Action=GetQueueAttributes&QueueUrl={}&AttributeName.1=ApproximateNumberOfMessages", encode(url)),
            )
            .await;
            let depth: u64 = between(&out, "Value").parse().unwrap_or(0);
            assert!(
                depth <= expected,
                "{url}: {depth} > {expected} (duplicates)"
            );
            if depth == expected {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "{url}: only {depth} of {expected} delivered"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    start.elapsed().as_secs_f64()
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
        println!("subscribers | paced p50 µs | paced p99 µs | publishes/s (16 conns) | delivery lag after load s");
        for n in [0usize, 1, 10, 100] {
            let (topic_arn, urls) = setup(&http, &endpoint, n).await;
            let (p50, p99, paced) = paced_latency(&http, &endpoint, &topic_arn).await;
            let (rate, loaded) = throughput(&http, &endpoint, &topic_arn).await;
            let lag = await_delivery(&http, &endpoint, &urls, paced + loaded).await;
            println!("{n:>11} | {p50:>12} | {p99:>12} | {rate:>22.0} | {lag:>8.2}");
        }
    });
    server_runtime.block_on(server.shutdown());
}
