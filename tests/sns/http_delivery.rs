//! HTTP subscriptions against a local receiver: the confirmation handshake, notifications
//! whose signatures verify with the certificate served at SigningCertURL (versions 1 and 2),
//! retries on the shared clock, and the dead-letter queue after the last retry.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use tokio::sync::mpsc;

use super::*;

/// One request the receiver got.
#[derive(Debug)]
struct Received {
    headers: http::HeaderMap,
    body: serde_json::Value,
}

/// A local HTTP endpoint: records every POST and answers 500 to the first `failures`.
struct Receiver {
    url: String,
    requests: mpsc::UnboundedReceiver<Received>,
    failures: Arc<AtomicUsize>,
}

async fn receiver() -> Receiver {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let (tx, requests) = mpsc::unbounded_channel();
    let failures = Arc::new(AtomicUsize::new(0));
    let fail = failures.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let tx = tx.clone();
            let fail = fail.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: http::Request<hyper::body::Incoming>| {
                    let tx = tx.clone();
                    let fail = fail.clone();
                    async move {
                        let headers = req.headers().clone();
                        let body = req.into_body().collect().await.expect("body").to_bytes();
                        let body = serde_json::from_slice(&body).unwrap_or_else(|_| {
                            serde_json::Value::String(String::from_utf8_lossy(&body).into_owned())
                        });
                        // The answer is decided before the test hears of the request, so a
                        // test that changes `failures` next affects only later requests.
                        let failing = fail
                            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                            .is_ok();
                        let _ = tx.send(Received { headers, body });
                        let status = if failing { 500 } else { 200 };
                        Ok::<_, Infallible>(
                            http::Response::builder()
                                .status(status)
                                .body(Full::new(Bytes::new()))
                                .expect("response"),
                        )
                    }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    Receiver {
        url,
        requests,
        failures,
    }
}

impl Receiver {
    async fn next(&mut self) -> Received {
        tokio::time::timeout(std::time::Duration::from_secs(10), self.requests.recv())
            .await
            .expect("a request arrives")
            .expect("receiver running")
    }
}

/// Verifies an SNS message signature with the certificate at its SigningCertURL.
async fn verify(t: &TestServer, body: &serde_json::Value) {
    let cert_url = body["SigningCertURL"].as_str().expect("cert url");
    let path = cert_url
        .strip_prefix(&t.endpoint())
        .expect("served by Sluice");
    let pem = t.get(path).await.body;
    let kind = body["Type"].as_str().expect("type");
    assert!(
        sns_signature_verifies(&pem, body),
        "signature of {kind} verifies"
    );
}

#[tokio::test]
async fn http_subscription_handshake_and_signed_notifications() {
    let t = TestServer::start().await;
    let mut hook = receiver().await;
    let arn = topic(&t, "web").await;
    let pending = t
        .sns
        .subscribe()
        .topic_arn(&arn)
        .protocol("http")
        .endpoint(&hook.url)
        .send()
        .await
        .expect("subscribe");
    assert_eq!(pending.subscription_arn(), Some("pending confirmation"));

    let confirmation = hook.next().await;
    assert_eq!(
        confirmation.headers["x-amz-sns-message-type"],
        "SubscriptionConfirmation"
    );
    assert_eq!(confirmation.headers["x-amz-sns-topic-arn"], arn.as_str());
    assert!(confirmation
        .headers
        .get("x-amz-sns-subscription-arn")
        .is_none());
    assert_eq!(confirmation.body["Type"], "SubscriptionConfirmation");
    assert_eq!(confirmation.body["TopicArn"], arn.as_str());
    verify(&t, &confirmation.body).await;
    let subscribe_url = confirmation.body["SubscribeURL"].as_str().expect("url");
    let path = subscribe_url
        .strip_prefix(&t.endpoint())
        .expect("points at Sluice");
    let confirmed = t.get(path).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert!(confirmed
        .body
        .contains("<ConfirmSubscriptionResult><SubscriptionArn>"));

    t.sns
        .publish()
        .topic_arn(&arn)
        .subject("S")
        .message("to the web")
        .send()
        .await
        .expect("publish");
    let note = hook.next().await;
    assert_eq!(note.headers["x-amz-sns-message-type"], "Notification");
    assert!(note.headers["x-amz-sns-subscription-arn"]
        .to_str()
        .expect("header")
        .starts_with(&arn));
    assert_eq!(note.headers["content-type"], "text/plain; charset=UTF-8");
    assert_eq!(note.body["Message"], "to the web");
    assert_eq!(note.body["SignatureVersion"], "1");
    verify(&t, &note.body).await;

    t.sns
        .set_topic_attributes()
        .topic_arn(&arn)
        .attribute_name("SignatureVersion")
        .attribute_value("2")
        .send()
        .await
        .expect("set version");
    t.sns
        .publish()
        .topic_arn(&arn)
        .message("sha256")
        .send()
        .await
        .expect("publish");
    let note = hook.next().await;
    assert_eq!(note.body["SignatureVersion"], "2");
    verify(&t, &note.body).await;
}

#[tokio::test]
async fn failed_deliveries_retry_on_the_clock_then_go_to_the_dead_letter_queue() {
    let t = TestServer::start().await;
    let mut hook = receiver().await;
    let arn = topic(&t, "flaky").await;
    let dlq = t.queue("web-dlq").await;
    let dlq_arn = queue_arn(&t, &dlq).await;
    let sub = t
        .sns
        .subscribe()
        .topic_arn(&arn)
        .protocol("http")
        .endpoint(&hook.url)
        .attributes(
            "RedrivePolicy",
            format!(r#"{{"deadLetterTargetArn":"{dlq_arn}"}}"#),
        )
        .attributes(
            "DeliveryPolicy",
            r#"{"healthyRetryPolicy":{"numRetries":2,"minDelayTarget":5}}"#,
        )
        .return_subscription_arn(true)
        .send()
        .await
        .expect("subscribe")
        .subscription_arn
        .expect("arn");
    let token = hook.next().await.body["Token"]
        .as_str()
        .expect("token")
        .to_owned();
    t.sns
        .confirm_subscription()
        .topic_arn(&arn)
        .token(token)
        .send()
        .await
        .expect("confirm");

    // Two failures, then success: three attempts of the same message, 5 s apart.
    hook.failures.store(2, Ordering::SeqCst);
    t.sns
        .publish()
        .topic_arn(&arn)
        .message("retry me")
        .send()
        .await
        .expect("publish");
    let first = hook.next().await.body["MessageId"].clone();
    for _ in 0..2 {
        t.clock().wait_for_sleepers(1).await;
        t.advance(5).await;
        assert_eq!(hook.next().await.body["MessageId"], first);
    }

    // Always failing: after 1 + 2 attempts the message goes to the dead-letter queue.
    hook.failures.store(usize::MAX, Ordering::SeqCst);
    t.sns
        .publish()
        .topic_arn(&arn)
        .message("dead letter")
        .send()
        .await
        .expect("publish");
    hook.next().await;
    for _ in 0..2 {
        t.clock().wait_for_sleepers(1).await;
        t.advance(5).await;
        hook.next().await;
    }
    let m = take_one(&t, &dlq).await;
    let e = envelope(&m);
    assert_eq!(e["Message"], "dead letter");
    assert!(e["UnsubscribeURL"].as_str().expect("url").ends_with(&sub));
}

#[tokio::test]
async fn delivery_policies_are_validated_and_merged() {
    let t = TestServer::start().await;
    let arn = topic(&t, "policies").await;
    let (_, message) = error(
        t.sns
            .subscribe()
            .topic_arn(&arn)
            .protocol("http")
            .endpoint("http://127.0.0.1:9/hook")
            .attributes(
                "DeliveryPolicy",
                r#"{"healthyRetryPolicy":{"minDelayTarget":0}}"#,
            )
            .send()
            .await,
    );
    assert_eq!(message, "Invalid parameter: Attributes Reason: DeliveryPolicy: healthyRetryPolicy.minDelayTarget must be greater than or equal to 1");
    t.sns
        .set_topic_attributes()
        .topic_arn(&arn)
        .attribute_name("DeliveryPolicy")
        .attribute_value(
            r#"{"http":{"defaultRequestPolicy":{"headerContentType":"application/json"}}}"#,
        )
        .send()
        .await
        .expect("topic policy");
    let sub = t
        .sns
        .subscribe()
        .topic_arn(&arn)
        .protocol("http")
        .endpoint("http://127.0.0.1:9/hook")
        .attributes(
            "DeliveryPolicy",
            r#"{"healthyRetryPolicy":{"numRetries":5}}"#,
        )
        .return_subscription_arn(true)
        .send()
        .await
        .expect("subscribe")
        .subscription_arn
        .expect("arn");
    let attrs = t
        .sns
        .get_subscription_attributes()
        .subscription_arn(&sub)
        .send()
        .await
        .expect("attributes")
        .attributes
        .expect("map");
    let effective: serde_json::Value =
        serde_json::from_str(&attrs["EffectiveDeliveryPolicy"]).expect("json");
    assert_eq!(effective["healthyRetryPolicy"]["numRetries"], 5);
    assert_eq!(effective["healthyRetryPolicy"]["minDelayTarget"], 20);
    assert_eq!(
        effective["requestPolicy"]["headerContentType"],
        "application/json"
    );
    assert_eq!(attrs["PendingConfirmation"], "true");
}

#[tokio::test]
async fn an_http_delivery_waiting_for_a_retry_is_made_after_a_restart() {
    let dir = sluice_tests::TempDir::new("sns-http-retry");
    let start = |at: u64| {
        sluice::Server::builder()
            .port(0)
            .manual_clock_at(at)
            .housekeeping(false)
            .data_dir(&dir.0)
            .spawn()
    };
    let at = 1_800_000_000_000;
    let server = start(at).await.expect("server");
    let sns = sluice_tests::sns_client(&server.endpoint_url(), "us-east-1");
    let mut hook = receiver().await;
    let arn = sns
        .create_topic()
        .name("web")
        .send()
        .await
        .expect("topic")
        .topic_arn
        .expect("arn");
    sns.subscribe()
        .topic_arn(&arn)
        .protocol("http")
        .endpoint(&hook.url)
        .send()
        .await
        .expect("subscribe");
    let confirmation = hook.next().await;
    sns.confirm_subscription()
        .topic_arn(&arn)
        .token(confirmation.body["Token"].as_str().expect("token"))
        .send()
        .await
        .expect("confirm");
    // The endpoint is down: the first attempt fails and the delivery waits for a retry.
    hook.failures.store(1_000, Ordering::SeqCst);
    sns.publish()
        .topic_arn(&arn)
        .message("made after the restart")
        .send()
        .await
        .expect("publish");
    assert_eq!(hook.next().await.body["Message"], "made after the restart");
    server.shutdown().await;

    // Back up, with the endpoint healthy: the delivery is made again at start.
    hook.failures.store(0, Ordering::SeqCst);
    let server = start(at + 5_000).await.expect("server");
    assert_eq!(hook.next().await.body["Message"], "made after the restart");
    server.shutdown().await;
    let conn = rusqlite::Connection::open(dir.0.join("sluice.db")).expect("open");
    let left: i64 = conn
        .query_row("SELECT count(*) FROM sns_http_pending", [], |row| {
            row.get(0)
        })
        .expect("count");
    assert_eq!(
        left, 0,
        "delivered: nothing left to make after another restart"
    );
}
