//! The ports SNS delivers through, implemented here where both services meet: `QueueSink`
//! enqueues straight into the SQS service (no HTTP round trip), and `HttpSink` posts to
//! HTTP/HTTPS subscribers with a pooled client.

use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sluice_core::{AccountId, Arn, Region};
use sluice_sns::engine::AttributeData;
use sluice_sns::{BoxFuture, HttpRequest, HttpSink, QueueMessage, QueueSink};
use sluice_sqs::api::input::{AttributeValueInput, SendMessageInput};
use sluice_sqs::engine::QueueKey;
use sluice_sqs::SqsService;

/// How long one HTTP delivery attempt may take before it counts as failed.
const HTTP_TIMEOUT: Duration = Duration::from_secs(15);
/// The most of a subscriber's response body read (and discarded).
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// SNS → SQS in process.
pub struct SqsBridge {
    pub sqs: SqsService,
    /// The `SenderId` SQS stamps on messages SNS delivers.
    pub sender_id: Arc<str>,
}

impl QueueSink for SqsBridge {
    fn deliver(&self, queue_arn: &str, message: QueueMessage) -> Result<(), String> {
        let arn = Arn::parse(queue_arn)
            .filter(|a| a.service == "sqs")
            .ok_or_else(|| format!("{queue_arn} is not an SQS queue ARN"))?;
        let key = QueueKey {
            account: AccountId::parse(&arn.account).ok_or("bad account in queue ARN")?,
            region: Region::parse(&arn.region).ok_or("bad region in queue ARN")?,
            name: arn.resource,
        };
        let attributes = message
            .attributes
            .into_iter()
            .map(|a| {
                let value = match a.value {
                    AttributeData::Text(s) => AttributeValueInput {
                        string_value: Some(s),
                        binary_value: None,
                        data_type: Some(a.data_type),
                    },
                    AttributeData::Binary(b) => AttributeValueInput {
                        string_value: None,
                        binary_value: Some(STANDARD.encode(b)),
                        data_type: Some(a.data_type),
                    },
                };
                (a.name, value)
            })
            .collect();
        let input = SendMessageInput {
            message_body: Some(message.body),
            message_attributes: attributes,
            message_group_id: message.group_id,
            message_deduplication_id: message.dedup_id,
            ..SendMessageInput::default()
        };
        self.sqs
            .send_internal(&key, &self.sender_id, input)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// SNS → HTTP subscribers.
pub struct HttpClient {
    client: Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
}

impl HttpClient {
    pub fn new() -> HttpClient {
        HttpClient {
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }
}

impl HttpSink for HttpClient {
    fn post(&self, request: HttpRequest) -> BoxFuture<Result<u16, String>> {
        let client = self.client.clone();
        Box::pin(async move {
            if request.url.starts_with("https://") {
                return Err(
                    "https endpoints are not reachable from Sluice (no TLS client); use http://"
                        .to_owned(),
                );
            }
            let mut builder = http::Request::post(&request.url);
            for (name, value) in &request.headers {
                builder = builder.header(*name, value);
            }
            let req = builder
                .body(Full::new(Bytes::from(request.body)))
                .map_err(|e| e.to_string())?;
            // One bound for the whole exchange: a subscriber that trickles its answer must
            // not hold a retry task forever.
            let exchange = async {
                let response = client.request(req).await.map_err(|e| e.to_string())?;
                let status = response.status().as_u16();
                let body = http_body_util::Limited::new(response.into_body(), MAX_RESPONSE_BYTES);
                let _ = body.collect().await;
                Ok::<u16, String>(status)
            };
            let status = tokio::time::timeout(HTTP_TIMEOUT, exchange)
                .await
                .map_err(|_| "timed out".to_owned())??;
            Ok(status)
        })
    }
}
