//! The ports SNS delivers through, implemented here where both services meet: `QueueSink`
//! enqueues straight into the SQS service on domain types (no HTTP round trip, no API
//! structs), and `HttpSink` posts to HTTP subscribers with a pooled client.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sluice_core::{Arn, QueueMessage};
use sluice_sns::{BoxFuture, EnqueueError, HttpRequest, HttpSink, QueueSink};
use sluice_sqs::engine::QueueKey;
use sluice_sqs::{SqsError, SqsService};

/// How long one HTTP delivery attempt may take before it counts as failed.
const HTTP_TIMEOUT: Duration = Duration::from_secs(15);
/// The most of a subscriber's response body read (and discarded).
const MAX_RESPONSE_BYTES: usize = 64 * 1024;
/// The `SenderId` SQS stamps on messages SNS delivers, as AWS shows it.
const SNS_SENDER_ID: &str = "AIDAIT2UOQQY3AUEKVGXU";

/// SNS → SQS in process.
pub(crate) struct SqsBridge {
    sqs: SqsService,
    sender_id: Arc<str>,
}

impl SqsBridge {
    pub(crate) fn new(sqs: SqsService) -> SqsBridge {
        SqsBridge {
            sqs,
            sender_id: Arc::from(SNS_SENDER_ID),
        }
    }
}

impl QueueSink for SqsBridge {
    fn enqueue(&self, queue: &Arn, message: QueueMessage) -> Result<(), EnqueueError> {
        let key =
            QueueKey::from_arn(queue).ok_or_else(|| EnqueueError::NotAQueue(queue.to_string()))?;
        match self.sqs.enqueue(&key, &self.sender_id, message) {
            Ok(_) => Ok(()),
            Err(SqsError::QueueDoesNotExist) => Err(EnqueueError::NoSuchQueue),
            Err(e) => Err(EnqueueError::Rejected(e.to_string())),
        }
    }
}

/// SNS → HTTP subscribers.
pub(crate) struct HttpClient {
    client: Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
}

impl HttpClient {
    pub(crate) fn new() -> HttpClient {
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
