//! The application container of the docker-compose scenario (`docker/check.sh`): drives the
//! Sluice container by its service name through the AWS SDKs and exits 0 only if every step
//! works. SQS from a queue the config file created, SNS fan-out to that queue, an HTTP
//! subscription served here and reached by Sluice by this container's service name (confirmed,
//! then a notification whose signature verifies), and Kinesis records put and read back.
//!
//! Environment: `SLUICE_ENDPOINT` (default `http://sluice:4566`), `APP_HOOK_URL` (the URL
//! Sluice posts to, default `http://app:8080/hook`), `APP_LISTEN` (default `0.0.0.0:8080`).

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use sluice_tests::{kinesis_client, sns_client, sns_signature_verifies, sqs_client};
use tokio::sync::mpsc;

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Fails with `what` unless `ok`.
fn ensure(ok: bool, what: &str) -> Result<(), Failure> {
    if ok {
        Ok(())
    } else {
        Err(what.into())
    }
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() {
    match run().await {
        Ok(()) => println!("compose scenario: all steps passed"),
        Err(e) => {
            eprintln!("compose scenario failed: {e}");
            std::process::exit(1);
        }
    }
}

async fn run() -> Result<(), Failure> {
    let endpoint = env_or("SLUICE_ENDPOINT", "http://sluice:4566");
    let region = "us-east-1";
    let step = Duration::from_secs(20);
    tokio::time::timeout(step, sqs_from_config(&endpoint, region))
        .await
        .map_err(|_| "SQS step timed out")??;
    println!("ok: SQS queue from the config file, URL naming sluice:4566");
    tokio::time::timeout(step, sns_fan_out(&endpoint, region))
        .await
        .map_err(|_| "SNS fan-out step timed out")??;
    println!("ok: SNS topic fanned out to the queue");
    tokio::time::timeout(step, http_subscription(&endpoint, region))
        .await
        .map_err(|_| "HTTP subscription step timed out")??;
    println!("ok: HTTP subscription confirmed by service name, signed notification verified");
    tokio::time::timeout(step, kinesis_round_trip(&endpoint, region))
        .await
        .map_err(|_| "Kinesis step timed out")??;
    println!("ok: Kinesis record put and read back");
    Ok(())
}

/// The `jobs` queue exists from the config file; its URL names the compose host.
async fn sqs_from_config(endpoint: &str, region: &str) -> Result<(), Failure> {
    let sqs = sqs_client(endpoint, region);
    let url = sqs.get_queue_url().queue_name("jobs").send().await?;
    let url = url.queue_url().unwrap_or_default().to_owned();
    ensure(
        url.starts_with("http://sluice:4566/"),
        &format!("queue URL {url} does not name sluice:4566"),
    )?;
    sqs.send_message()
        .queue_url(&url)
        .message_body("hello from the app container")
        .send()
        .await?;
    let body = receive_one(&sqs, &url).await?;
    ensure(
        body == "hello from the app container",
        &format!("received {body:?}"),
    )
}

/// Receives one message (long poll) and deletes it; its body.
async fn receive_one(sqs: &aws_sdk_sqs::Client, url: &str) -> Result<String, Failure> {
    loop {
        let out = sqs
            .receive_message()
            .queue_url(url)
            .wait_time_seconds(5)
            .send()
            .await?;
        if let Some(m) = out.messages().first() {
            sqs.delete_message()
                .queue_url(url)
                .receipt_handle(m.receipt_handle().unwrap_or_default())
                .send()
                .await?;
            return Ok(m.body().unwrap_or_default().to_owned());
        }
    }
}

/// The config file subscribed `jobs` to `events`: a publish arrives there as an envelope.
async fn sns_fan_out(endpoint: &str, region: &str) -> Result<(), Failure> {
    let sns = sns_client(endpoint, region);
    let sqs = sqs_client(endpoint, region);
    let topic = sns.create_topic().name("events").send().await?;
    let topic = topic.topic_arn().unwrap_or_default().to_owned();
    sns.publish()
        .topic_arn(&topic)
        .message("fanned out")
        .send()
        .await?;
    let url = sqs.get_queue_url().queue_name("jobs").send().await?;
    let body = receive_one(&sqs, url.queue_url().unwrap_or_default()).await?;
    let envelope: serde_json::Value = serde_json::from_str(&body)?;
    ensure(
        envelope["Message"] == "fanned out" && envelope["TopicArn"] == topic.as_str(),
        &format!("queue got {body}"),
    )
}

/// One POST the hook received.
struct Delivery {
    kind: String,
    body: serde_json::Value,
}

/// Serves `listen`, passing every POST body on.
async fn serve_hook(listen: &str) -> Result<mpsc::UnboundedReceiver<Delivery>, Failure> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: http::Request<hyper::body::Incoming>| {
                    let tx = tx.clone();
                    async move {
                        let kind = req
                            .headers()
                            .get("x-amz-sns-message-type")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned();
                        let bytes = req.into_body().collect().await.map(|b| b.to_bytes());
                        let body = bytes
                            .ok()
                            .and_then(|b| serde_json::from_slice(&b).ok())
                            .unwrap_or_default();
                        let _ = tx.send(Delivery { kind, body });
                        Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::new())))
                    }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    Ok(rx)
}

/// GET `url` (the certificate Sluice serves) as text.
async fn get_text(url: &str) -> Result<String, Failure> {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let response = client.get(url.parse()?).await?;
    ensure(
        response.status() == 200,
        &format!("GET {url}: {}", response.status()),
    )?;
    let body = response.into_body().collect().await?.to_bytes();
    Ok(String::from_utf8(body.to_vec())?)
}

/// Sluice reaches this container by service name: confirmation, then a signed notification.
async fn http_subscription(endpoint: &str, region: &str) -> Result<(), Failure> {
    let sns = sns_client(endpoint, region);
    let hook_url = env_or("APP_HOOK_URL", "http://app:8080/hook");
    let mut hook = serve_hook(&env_or("APP_LISTEN", "0.0.0.0:8080")).await?;
    let topic = sns.create_topic().name("web").send().await?;
    let topic = topic.topic_arn().unwrap_or_default().to_owned();
    sns.subscribe()
        .topic_arn(&topic)
        .protocol("http")
        .endpoint(&hook_url)
        .send()
        .await?;
    let confirmation = hook.recv().await.ok_or("hook stopped")?;
    ensure(
        confirmation.kind == "SubscriptionConfirmation",
        &format!("first POST was {:?}", confirmation.kind),
    )?;
    let token = confirmation.body["Token"].as_str().unwrap_or_default();
    sns.confirm_subscription()
        .topic_arn(&topic)
        .token(token)
        .send()
        .await?;
    sns.publish()
        .topic_arn(&topic)
        .subject("compose")
        .message("to the app by name")
        .send()
        .await?;
    let note = hook.recv().await.ok_or("hook stopped")?;
    ensure(
        note.kind == "Notification" && note.body["Message"] == "to the app by name",
        &format!("notification was {:?} {}", note.kind, note.body),
    )?;
    let cert_url = note.body["SigningCertURL"].as_str().unwrap_or_default();
    ensure(
        cert_url.starts_with("http://sluice:4566/"),
        &format!("SigningCertURL {cert_url} does not name sluice:4566"),
    )?;
    let pem = get_text(cert_url).await?;
    ensure(
        sns_signature_verifies(&pem, &note.body),
        "the notification's signature does not verify",
    )
}

/// A stream created, a record put and read back from TRIM_HORIZON.
async fn kinesis_round_trip(endpoint: &str, region: &str) -> Result<(), Failure> {
    use aws_sdk_kinesis::primitives::Blob;
    use aws_sdk_kinesis::types::{ShardIteratorType, StreamStatus};

    let kinesis = kinesis_client(endpoint, region);
    kinesis
        .create_stream()
        .stream_name("compose")
        .shard_count(1)
        .send()
        .await?;
    loop {
        let summary = kinesis
            .describe_stream_summary()
            .stream_name("compose")
            .send()
            .await?;
        let status = summary
            .stream_description_summary()
            .map(|s| s.stream_status().clone());
        if status == Some(StreamStatus::Active) {
            break;
        }
        // Sluice runs on real time in another container here: no clock to advance, so the
        // client polls as an application would (CREATING lasts 500 ms by default).
        #[allow(clippy::disallowed_methods)]
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let put = kinesis
        .put_record()
        .stream_name("compose")
        .partition_key("k")
        .data(Blob::new(b"record from the app".to_vec()))
        .send()
        .await?;
    let iterator = kinesis
        .get_shard_iterator()
        .stream_name("compose")
        .shard_id(put.shard_id())
        .shard_iterator_type(ShardIteratorType::TrimHorizon)
        .send()
        .await?;
    let records = kinesis
        .get_records()
        .shard_iterator(iterator.shard_iterator().unwrap_or_default())
        .send()
        .await?;
    let first = records.records().first().ok_or("no record read back")?;
    ensure(
        first.data().as_ref() == b"record from the app"
            && first.sequence_number() == put.sequence_number(),
        "the record read back differs from the one put",
    )
}
