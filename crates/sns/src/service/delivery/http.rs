//! HTTP delivery: notifications posted with retries on the shared clock per the delivery
//! policy (then the dead-letter queue), and subscription confirmations, all signed.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use super::{subscribe_url, HttpRequest, QueueMessage, Worker, MAX_RETRYING};
use crate::engine::{Change, HttpDeadLetter, HttpDelivery, Subscription};
use crate::service::envelope::Confirmation;
use crate::service::signing;

impl Worker {
    /// Posts, retrying on the shared clock per `policy`, then hands the message to the
    /// dead-letter queue. At most `MAX_RETRYING` deliveries wait for a retry at once; beyond
    /// that a failed delivery is not retried (bounded memory under a dead endpoint).
    pub(super) fn post_with_retries(
        self: &Arc<Self>,
        request: HttpRequest,
        policy: HttpPolicy,
        dead_letter: Option<(String, QueueMessage)>,
        subscription_arn: Arc<str>,
    ) {
        let id = self.ids.uuid();
        self.journal.record(|| {
            Change::HttpPending(Arc::new(HttpDelivery {
                id: id.clone(),
                subscription_arn: subscription_arn.to_string(),
                url: request.url.clone(),
                headers: request
                    .headers
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.clone()))
                    .collect(),
                body: request.body.clone(),
                retries: policy.retries,
                delay_ms: policy.delay.as_millis() as u64,
                content_type: policy.content_type.clone(),
                dead_letter: dead_letter.as_ref().map(|(queue_arn, m)| HttpDeadLetter {
                    queue_arn: queue_arn.clone(),
                    group_id: m.group_id.clone(),
                    dedup_id: m.dedup_id.clone(),
                }),
            }))
        });
        self.post_with_retries_as(id, request, policy, dead_letter, subscription_arn);
    }

    /// Makes an HTTP delivery that was recorded under `id` again (restore).
    pub(super) fn resume(self: &Arc<Self>, delivery: HttpDelivery) {
        let headers = delivery
            .headers
            .into_iter()
            .filter_map(|(name, value)| Some((known_header(&name)?, value)))
            .collect();
        let dead_letter = delivery.dead_letter.map(|d| {
            (
                d.queue_arn,
                QueueMessage {
                    body: delivery.body.clone(),
                    attributes: Vec::new(),
                    group_id: d.group_id,
                    dedup_id: d.dedup_id,
                },
            )
        });
        self.post_with_retries_as(
            delivery.id,
            HttpRequest {
                url: delivery.url,
                headers,
                body: delivery.body,
            },
            HttpPolicy {
                retries: delivery.retries,
                delay: Duration::from_millis(delivery.delay_ms),
                content_type: delivery.content_type,
            },
            dead_letter,
            Arc::from(delivery.subscription_arn),
        );
    }

    fn post_with_retries_as(
        self: &Arc<Self>,
        id: String,
        request: HttpRequest,
        policy: HttpPolicy,
        dead_letter: Option<(String, QueueMessage)>,
        subscription_arn: Arc<str>,
    ) {
        let worker = self.clone();
        let clock = self.scheduler.clock().clone();
        let cancel = self.scheduler.shutdown_token();
        self.scheduler.spawn(async move {
            let mut last_error = String::new();
            let mut retrying = false;
            for attempt in 0..=policy.retries {
                if attempt > 0 {
                    if !retrying {
                        if worker.retrying.fetch_add(1, Ordering::Relaxed) >= MAX_RETRYING {
                            worker.retrying.fetch_sub(1, Ordering::Relaxed);
                            last_error.push_str(" (too many deliveries retrying; not retried)");
                            break;
                        }
                        retrying = true;
                    }
                    let deadline = clock.now() + policy.delay;
                    tokio::select! {
                        _ = cancel.cancelled() => break,
                        _ = clock.sleep_until(deadline) => {}
                    }
                }
                match worker.ports.http.post(request.clone()).await {
                    Ok(status) if (200..300).contains(&status) => {
                        last_error.clear();
                        break;
                    }
                    Ok(status) => last_error = format!("HTTP status {status}"),
                    Err(e) => last_error = e,
                }
            }
            if retrying {
                worker.retrying.fetch_sub(1, Ordering::Relaxed);
            }
            let done = || worker.journal.record(|| Change::HttpDone { id: id.clone() });
            if last_error.is_empty() {
                done();
                return;
            }
            // A shutdown leaves the delivery recorded, to be made after the next start.
            if cancel.is_cancelled() {
                return;
            }
            match dead_letter {
                Some((dlq, message)) => {
                    if let Err(e) = super::enqueue(&*worker.ports.queues, &dlq, message) {
                        tracing::warn!(subscription = %subscription_arn, %dlq, error = %e, "sns dead-letter delivery failed");
                    }
                }
                None => tracing::warn!(subscription = %subscription_arn, url = %request.url, error = %last_error, "sns http delivery failed after retries"),
            }
            done();
        });
    }

    pub(super) fn send_confirmation(
        self: &Arc<Self>,
        sub: &Arc<Subscription>,
        kind: &'static str,
        base_url: &str,
        version: &str,
    ) {
        let message_id = self.ids.uuid();
        let timestamp = self.scheduler.clock().now().to_iso8601();
        let url = subscribe_url(base_url, &sub.topic_arn, &sub.token);
        let text = if kind == "SubscriptionConfirmation" {
            format!("You have chosen to subscribe to the topic {}.\nTo confirm the subscription, visit the SubscribeURL included in this message.", sub.topic_arn)
        } else {
            format!("You have chosen to deactivate subscription {}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.", sub.arn)
        };
        let confirmation = Confirmation {
            kind,
            message_id: &message_id,
            token: &sub.token,
            topic_arn: &sub.topic_arn,
            message: &text,
            subscribe_url: &url,
            timestamp: &timestamp,
        };
        let signature = signing::sign(version, &confirmation.string_to_sign());
        let body = confirmation.render(
            version,
            &signature,
            &format!("{base_url}{}", signing::CERT_PATH),
        );
        let mut headers = vec![
            ("x-amz-sns-message-type", kind.to_owned()),
            ("x-amz-sns-message-id", message_id.clone()),
            ("x-amz-sns-topic-arn", sub.topic_arn.to_string()),
            ("content-type", "text/plain; charset=UTF-8".to_owned()),
            (
                "user-agent",
                "Amazon Simple Notification Service Agent".to_owned(),
            ),
        ];
        if kind != "SubscriptionConfirmation" {
            headers.push(("x-amz-sns-subscription-arn", sub.arn.to_string()));
        }
        let request = HttpRequest {
            url: sub.endpoint.clone(),
            headers,
            body,
        };
        let http = self.ports.http.clone();
        let arn = sub.arn.clone();
        self.scheduler.spawn(async move {
            if let Err(e) = http.post(request).await {
                tracing::warn!(subscription = %arn, error = %e, "sns confirmation request failed");
            }
        });
    }
}

/// The static name of a header SNS sends, for a delivery read back from storage.
fn known_header(name: &str) -> Option<&'static str> {
    [
        "x-amz-sns-message-type",
        "x-amz-sns-message-id",
        "x-amz-sns-topic-arn",
        "x-amz-sns-subscription-arn",
        "x-amz-sns-rawdelivery",
        "content-type",
        "user-agent",
        "accept-encoding",
    ]
    .into_iter()
    .find(|known| *known == name)
}

/// How an HTTP delivery is made and retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct HttpPolicy {
    pub(super) retries: u32,
    pub(super) delay: Duration,
    pub(super) content_type: String,
}

/// AWS caps the retries of one HTTP delivery at an hour in all.
const MAX_RETRY_SECONDS: u64 = 3600;

/// The subscription's `DeliveryPolicy` (`healthyRetryPolicy`, `requestPolicy`), else the
/// topic's HTTP defaults (`defaultHealthyRetryPolicy`, `defaultRequestPolicy`), else AWS's:
/// 3 retries 20 seconds apart, `text/plain; charset=UTF-8`. Delays are linear at
/// `minDelayTarget`; all retries fit in an hour.
pub(super) fn http_policy(sub: &Subscription, topic_policy: Option<&str>) -> HttpPolicy {
    let settings = sub.settings();
    let parse =
        |text: Option<&str>| text.and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok());
    let own = parse(
        settings
            .attributes
            .get("DeliveryPolicy")
            .map(String::as_str),
    );
    let topic = parse(topic_policy);
    let topic_http = topic.as_ref().and_then(|t| t.get("http"));
    let healthy = own
        .as_ref()
        .and_then(|p| p.get("healthyRetryPolicy"))
        .or_else(|| topic_http.and_then(|h| h.get("defaultHealthyRetryPolicy")));
    let number = |name: &str, default: u64| {
        healthy
            .and_then(|h| h.get(name))
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(default)
    };
    let delay = number("minDelayTarget", 20).clamp(1, MAX_RETRY_SECONDS);
    let retries = number("numRetries", 3)
        .min(100)
        .min(MAX_RETRY_SECONDS / delay);
    let content_type = own
        .as_ref()
        .and_then(|p| p.get("requestPolicy"))
        .or_else(|| topic_http.and_then(|h| h.get("defaultRequestPolicy")))
        .and_then(|r| r.get("headerContentType"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("text/plain; charset=UTF-8")
        .to_owned();
    HttpPolicy {
        retries: u32::try_from(retries).unwrap_or(3),
        delay: Duration::from_secs(delay),
        content_type,
    }
}
