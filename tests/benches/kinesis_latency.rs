//! Kinesis delivery latency over real HTTP to an in-process server: from the start of a
//! PutRecord to the record being read by GetRecords (an iterator already waiting at the
//! tip), and to it arriving in a SubscribeToShard event stream (pushed, no polling).
//! Run: `cargo bench -p sluice-tests --bench kinesis_latency`.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

type Http = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

const ROUNDS: usize = 2000;

async fn call(http: &Http, endpoint: &str, op: &str, body: Value) -> Value {
    let request = http::Request::post(endpoint)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("Kinesis_20131202.{op}"))
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

fn percentiles(mut micros: Vec<u64>) -> (u64, u64) {
    micros.sort_unstable();
    let at = |p: f64| micros[((micros.len() as f64 * p) as usize).min(micros.len() - 1)];
    (at(0.5), at(0.99))
}

#[allow(clippy::disallowed_methods)] // a benchmark measures real time
async fn run(http: &Http, endpoint: &str) {
    call(
        http,
        endpoint,
        "CreateStream",
        json!({"StreamName": "lat", "ShardCount": 1}),
    )
    .await;
    let arn = "arn:aws:kinesis:us-east-1:000000000000:stream/lat";
    let consumer = call(
        http,
        endpoint,
        "RegisterStreamConsumer",
        json!({"StreamARN": arn, "ConsumerName": "c"}),
    )
    .await;
    let consumer_arn = consumer["Consumer"]["ConsumerARN"]
        .as_str()
        .expect("arn")
        .to_owned();
    let put = |i: usize| {
        call(
            http,
            endpoint,
            "PutRecord",
            json!({"StreamName": "lat", "PartitionKey": "k", "Data": "eA==", "SequenceNumberForOrdering": i.to_string()}),
        )
    };

    let mut iterator = call(http, endpoint, "GetShardIterator", json!({"StreamName": "lat", "ShardId": "shardId-000000000000", "ShardIteratorType": "LATEST"})).await["ShardIterator"].as_str().expect("iterator").to_owned();
    let mut get_latency = Vec::with_capacity(ROUNDS);
    for i in 0..ROUNDS {
        let started = std::time::Instant::now();
        put(i).await;
        let out = call(
            http,
            endpoint,
            "GetRecords",
            json!({"ShardIterator": iterator}),
        )
        .await;
        assert_eq!(out["Records"].as_array().map(Vec::len), Some(1));
        get_latency.push(started.elapsed().as_micros() as u64);
        iterator = out["NextShardIterator"].as_str().expect("next").to_owned();
    }

    let request = http::Request::post(endpoint)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "Kinesis_20131202.SubscribeToShard")
        .body(Full::new(Bytes::from(
            json!({"ConsumerARN": consumer_arn, "ShardId": "shardId-000000000000", "StartingPosition": {"Type": "LATEST"}}).to_string(),
        )))
        .expect("request");
    let mut body = http
        .request(request)
        .await
        .expect("subscription")
        .into_body();
    let mut buffer = Vec::new();
    let mut next_event = async || loop {
        if let Ok((message, used)) = sluice_wire::eventstream::decode(&buffer) {
            buffer.drain(..used);
            return message;
        }
        let frame = body.frame().await.expect("open").expect("frame");
        if let Ok(data) = frame.into_data() {
            buffer.extend_from_slice(&data);
        }
    };
    next_event().await; // initial-response
    next_event().await; // the first (empty) event
    let mut push_latency = Vec::with_capacity(ROUNDS);
    for i in 0..ROUNDS {
        let started = std::time::Instant::now();
        let (_, event) = tokio::join!(put(ROUNDS + i), async {
            loop {
                let event = next_event().await;
                let payload: Value = serde_json::from_slice(&event.payload).unwrap_or(Value::Null);
                if payload["Records"].as_array().is_some_and(|r| !r.is_empty()) {
                    return payload;
                }
            }
        });
        assert_eq!(event["Records"].as_array().map(Vec::len), Some(1));
        push_latency.push(started.elapsed().as_micros() as u64);
    }
    let (g50, g99) = percentiles(get_latency);
    let (s50, s99) = percentiles(push_latency);
    println!("put -> GetRecords:       p50 {g50} µs, p99 {g99} µs ({ROUNDS} records)");
    println!("put -> SubscribeToShard: p50 {s50} µs, p99 {s99} µs ({ROUNDS} records)");
}

fn main() {
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let server = server_runtime
        .block_on(
            sluice::Server::builder()
                .port(0)
                .kinesis_status_delay(Duration::ZERO)
                .spawn(),
        )
        .expect("server");
    let endpoint = server.endpoint_url();
    let client_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    client_runtime.block_on(async {
        let http: Http = Client::builder(TokioExecutor::new()).build_http();
        run(&http, &endpoint).await;
    });
    server_runtime.block_on(server.shutdown());
}
