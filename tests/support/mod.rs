//! Shared helpers for the end-to-end suites: an in-process Sluice on `127.0.0.1:0` with a
//! manual clock, AWS SDK clients pointed at it, and a raw HTTP client for wire details the
//! SDKs do not expose.

use std::path::PathBuf;
use std::time::Duration;

use aws_credential_types::Credentials;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sluice::{RunningServer, Server};
use sluice_core::ManualClock;

/// A running server and SQS, SNS and Kinesis clients for it.
pub struct TestServer {
    pub server: RunningServer,
    pub sqs: aws_sdk_sqs::Client,
    pub sns: aws_sdk_sns::Client,
    pub kinesis: aws_sdk_kinesis::Client,
}

impl TestServer {
    /// A server on a free port with a manual clock, seeded ids and no housekeeping, so every
    /// sleeper on the clock belongs to a request of the test.
    pub async fn start() -> TestServer {
        let server = Server::builder()
            .port(0)
            .manual_clock()
            .housekeeping(false)
            .seeded_ids(42)
            .spawn()
            .await
            .expect("server starts");
        let sqs = sqs_client(&server.endpoint_url(), "us-east-1");
        let sns = sns_client(&server.endpoint_url(), "us-east-1");
        let kinesis = kinesis_client(&server.endpoint_url(), "us-east-1");
        TestServer {
            server,
            sqs,
            sns,
            kinesis,
        }
    }

    pub fn clock(&self) -> &ManualClock {
        self.server
            .manual_clock()
            .expect("started with a manual clock")
    }

    /// One attribute of a queue, as GetQueueAttributes reports it.
    pub async fn attribute(
        &self,
        url: &str,
        name: aws_sdk_sqs::types::QueueAttributeName,
    ) -> String {
        let out = self
            .sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(name.clone())
            .send()
            .await
            .expect("get queue attributes");
        out.attributes()
            .and_then(|a| a.get(&name))
            .cloned()
            .unwrap_or_default()
    }

    /// The manual clock's time in epoch milliseconds.
    pub fn now_millis(&self) -> u64 {
        use sluice_core::Clock;
        self.clock().now().as_millis()
    }

    pub fn endpoint(&self) -> String {
        self.server.endpoint_url()
    }

    /// Advances the shared clock, firing every deadline on the way.
    pub async fn advance(&self, secs: u64) {
        self.clock().advance(Duration::from_secs(secs)).await;
    }

    /// Creates a queue and returns its URL.
    pub async fn queue(&self, name: &str) -> String {
        self.sqs
            .create_queue()
            .queue_name(name)
            .send()
            .await
            .expect("create queue")
            .queue_url
            .expect("queue url")
    }

    /// A raw GET of `path` (admin endpoints, SubscribeURL).
    pub async fn get(&self, path: &str) -> RawResponse {
        raw_request(
            http::Method::GET,
            &format!("{}{path}", self.endpoint()),
            &[],
            Bytes::new(),
        )
        .await
    }

    /// A raw POST; `headers` are added as given.
    pub async fn post(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> RawResponse {
        raw_post(&self.endpoint(), path, headers, body.into()).await
    }

    /// A raw AWS Query request.
    pub async fn query(&self, path: &str, form: &str) -> RawResponse {
        self.post(
            path,
            &[("content-type", "application/x-www-form-urlencoded")],
            form.to_owned(),
        )
        .await
    }

    /// A raw AWS JSON 1.0 request to SQS.
    pub async fn json(&self, operation: &str, body: &str) -> RawResponse {
        let target = format!("AmazonSQS.{operation}");
        self.post(
            "/",
            &[
                ("content-type", "application/x-amz-json-1.0"),
                ("x-amz-target", &target),
            ],
            body.to_owned(),
        )
        .await
    }
}

/// A fresh directory under the system's temp dir, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("sluice-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An SQS client for `endpoint` with throwaway credentials.
pub fn sqs_client(endpoint: &str, region: &str) -> aws_sdk_sqs::Client {
    sqs_client_with_key(endpoint, region, "AKIDTEST")
}

/// An SQS client signing with `access_key` (a 12-digit key selects that account).
pub fn sqs_client_with_key(endpoint: &str, region: &str, access_key: &str) -> aws_sdk_sqs::Client {
    let config = aws_sdk_sqs::Config::builder()
        .behavior_version(aws_sdk_sqs::config::BehaviorVersion::latest())
        .region(aws_sdk_sqs::config::Region::new(region.to_owned()))
        .credentials_provider(Credentials::new(access_key, "secret", None, None, "test"))
        .endpoint_url(endpoint)
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

/// An SNS client for `endpoint` with throwaway credentials.
pub fn sns_client(endpoint: &str, region: &str) -> aws_sdk_sns::Client {
    let config = aws_sdk_sns::Config::builder()
        .behavior_version(aws_sdk_sns::config::BehaviorVersion::latest())
        .region(aws_sdk_sns::config::Region::new(region.to_owned()))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .endpoint_url(endpoint)
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    aws_sdk_sns::Client::from_conf(config)
}

/// A Kinesis client for `endpoint` with throwaway credentials.
pub fn kinesis_client(endpoint: &str, region: &str) -> aws_sdk_kinesis::Client {
    let config = aws_sdk_kinesis::Config::builder()
        .behavior_version(aws_sdk_kinesis::config::BehaviorVersion::latest())
        .region(aws_sdk_kinesis::config::Region::new(region.to_owned()))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .endpoint_url(endpoint)
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    aws_sdk_kinesis::Client::from_conf(config)
}

/// Status, headers and body of a raw response.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: String,
    /// The body's bytes as received (CBOR, event streams).
    pub raw: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("json body")
    }
}

pub async fn raw_post(
    endpoint: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Bytes,
) -> RawResponse {
    raw_request(
        http::Method::POST,
        &format!("{endpoint}{path}"),
        headers,
        body,
    )
    .await
}

/// A raw request to a full URL.
pub async fn raw_request(
    method: http::Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Bytes,
) -> RawResponse {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let mut request = http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = client
        .request(request.body(Full::new(body)).expect("request"))
        .await
        .expect("response");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    RawResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        raw: body.to_vec(),
    }
}

/// Whether an SNS message (a notification or a subscription confirmation, as delivered to an
/// HTTP endpoint) carries a valid signature (version 1, SHA1, or 2, SHA256) under the
/// certificate `pem` its SigningCertURL served.
pub fn sns_signature_verifies(pem: &str, body: &serde_json::Value) -> bool {
    use base64::Engine;
    use rsa::{Pkcs1v15Sign, RsaPublicKey};
    use sha2::Digest;
    use x509_cert::der::{DecodePem, Encode};

    let Ok(cert) = x509_cert::Certificate::from_pem(pem.as_bytes()) else {
        return false;
    };
    let Ok(spki) = cert.tbs_certificate.subject_public_key_info.to_der() else {
        return false;
    };
    let Ok(key) = <RsaPublicKey as rsa::pkcs8::DecodePublicKey>::from_public_key_der(&spki) else {
        return false;
    };
    let kind = body["Type"].as_str().unwrap_or_default();
    let keys: &[&str] = if kind == "Notification" {
        &[
            "Message",
            "MessageId",
            "Subject",
            "Timestamp",
            "TopicArn",
            "Type",
        ]
    } else {
        &[
            "Message",
            "MessageId",
            "SubscribeURL",
            "Timestamp",
            "Token",
            "TopicArn",
            "Type",
        ]
    };
    let mut text = String::new();
    for k in keys {
        if let Some(v) = body[*k].as_str() {
            text.push_str(&format!("{k}\n{v}\n"));
        }
    }
    let Some(Ok(signature)) = body["Signature"]
        .as_str()
        .map(|s| base64::engine::general_purpose::STANDARD.decode(s))
    else {
        return false;
    };
    let verified = match body["SignatureVersion"].as_str() {
        Some("2") => key.verify(
            Pkcs1v15Sign::new::<sha2::Sha256>(),
            &sha2::Sha256::digest(&text),
            &signature,
        ),
        _ => key.verify(
            Pkcs1v15Sign::new::<sha1::Sha1>(),
            &sha1::Sha1::digest(&text),
            &signature,
        ),
    };
    verified.is_ok()
}
