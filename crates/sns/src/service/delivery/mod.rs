//! Fan-out, off the publish path: Publish queues one job per message on a bounded channel
//! (a full channel makes publishers wait: accepted messages are never dropped), and one
//! worker delivers jobs in order — to SQS through the `QueueSink` port, to HTTP endpoints
//! through `HttpSink` with retries on the shared clock, and to the outbox otherwise. One
//! worker keeps per-topic order, which FIFO topics need.

use std::cell::OnceCell;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use sluice_core::{Arn, IdSource, Scheduler};
use tokio::sync::mpsc;

use super::envelope::{self, Notification};
use super::{signing, BoxFuture, Ports};
use crate::engine::{
    Change, DeliveryProtocol, HttpDelivery, Outbox, OutboxKind, OutboxRecord, Platforms, Published,
    SnsJournal, Subscription,
};

mod http;

use http::http_policy;

/// Jobs waiting for the worker before publishers wait.
const CHANNEL_CAPACITY: usize = 4096;
/// HTTP deliveries that may wait for a retry at once.
const MAX_RETRYING: usize = 10_000;
const USER_AGENT: &str = "Amazon Simple Notification Service Agent";
/// What an SQS envelope carries for `Signature` when queue deliveries are not signed.
pub(super) const UNSIGNED: &str = "UNSIGNED";

pub use sluice_core::QueueMessage;

/// Why a message could not be put into a queue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnqueueError {
    #[error("{0} is not an SQS queue ARN")]
    NotAQueue(String),
    #[error("the queue does not exist")]
    NoSuchQueue,
    /// SQS refused the message (size, FIFO rules, a deleted queue); its reason.
    #[error("{0}")]
    Rejected(String),
}

/// Delivery into SQS, implemented by the process that hosts both services.
pub trait QueueSink: Send + Sync {
    /// Enqueues into the queue `queue`, with SendMessage's rules.
    fn enqueue(&self, queue: &Arn, message: QueueMessage) -> Result<(), EnqueueError>;
}

/// Enqueues into the queue an endpoint or redrive policy names by ARN.
pub(super) fn enqueue(
    queues: &dyn QueueSink,
    queue_arn: &str,
    message: QueueMessage,
) -> Result<(), EnqueueError> {
    let arn = Arn::parse(queue_arn)
        .filter(|a| a.service == "sqs")
        .ok_or_else(|| EnqueueError::NotAQueue(queue_arn.to_owned()))?;
    queues.enqueue(&arn, message)
}

/// One HTTP POST to a subscriber.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

/// An HTTP client, implemented by the server. Answers the response status.
pub trait HttpSink: Send + Sync {
    fn post(&self, request: HttpRequest) -> BoxFuture<Result<u16, String>>;
}

/// Settings of delivery that do not change at run time.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeliveryOptions {
    /// Sign envelopes delivered to SQS (RSA per message: costly, so off by default).
    pub sign_queue_messages: bool,
}

enum Job {
    Publish {
        message: Arc<Published>,
        subscribers: Arc<[Arc<Subscription>]>,
        base_url: Arc<str>,
        signature_version: Arc<str>,
        /// The topic's `DeliveryPolicy`, whose HTTP defaults subscriptions inherit.
        topic_policy: Option<Arc<str>>,
    },
    Confirm {
        subscription: Arc<Subscription>,
        kind: &'static str,
        base_url: Arc<str>,
        signature_version: Arc<str>,
    },
    /// An HTTP delivery recorded before a restart, made again.
    Resume(HttpDelivery),
    /// Answered once every job queued before it is done.
    Barrier(tokio::sync::oneshot::Sender<()>),
    /// Ends the worker (on shutdown).
    Stop,
}

/// The publish side of the delivery channel.
#[derive(Debug, Clone)]
pub(crate) struct Dispatcher {
    tx: mpsc::Sender<JobBox>,
}

struct JobBox(Job);

impl std::fmt::Debug for JobBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

struct Worker {
    /// Where finished fan-outs are recorded.
    journal: SnsJournal,
    scheduler: Scheduler,
    ports: Ports,
    outbox: Arc<Outbox>,
    platforms: Arc<Platforms>,
    ids: Arc<IdSource>,
    options: DeliveryOptions,
    /// HTTP deliveries waiting for a retry.
    retrying: AtomicUsize,
}

impl Dispatcher {
    pub(crate) fn start(
        scheduler: Scheduler,
        ports: Ports,
        outbox: Arc<Outbox>,
        platforms: Arc<Platforms>,
        ids: Arc<IdSource>,
        options: DeliveryOptions,
        journal: SnsJournal,
    ) -> Dispatcher {
        let (tx, mut rx) = mpsc::channel::<JobBox>(CHANNEL_CAPACITY);
        let worker = Arc::new(Worker {
            journal,
            scheduler: scheduler.clone(),
            ports,
            outbox,
            platforms,
            ids,
            options,
            retrying: AtomicUsize::new(0),
        });
        // Fan-out is CPU work (filters, envelopes, enqueues), so it runs on its own thread:
        // requests never queue behind a 100-subscriber delivery. Tasks it starts (HTTP
        // retries) go to the runtime it was created on.
        let runtime = tokio::runtime::Handle::current();
        let spawned = std::thread::Builder::new()
            .name("sns-delivery".into())
            .spawn(move || {
                let _runtime = runtime.enter();
                while let Some(JobBox(job)) = rx.blocking_recv() {
                    match job {
                        Job::Stop => break,
                        job => worker.run(job),
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start the sns delivery thread");
        }
        let stop = tx.clone();
        let cancel = scheduler.shutdown_token();
        scheduler.spawn(async move {
            cancel.cancelled().await;
            let _ = stop.send(JobBox(Job::Stop)).await;
        });
        Dispatcher { tx }
    }

    /// A place in the delivery channel, waited for while the channel is full. Publish
    /// takes one before it locks the topic and fills it under the lock, so messages enter
    /// the channel in the order the topic admitted them (FIFO sequence order).
    pub(crate) async fn reserve(&self) -> Option<PublishSlot<'_>> {
        match self.tx.reserve().await {
            Ok(permit) => Some(PublishSlot(permit)),
            Err(_) => {
                tracing::warn!("sns delivery worker stopped; messages are not delivered");
                None
            }
        }
    }

    /// Waits until every message published before the call has been fanned out: queued
    /// into SQS, recorded in the outbox, or handed to an HTTP delivery task.
    pub(crate) async fn flush(&self) {
        let (done, finished) = tokio::sync::oneshot::channel();
        if self.tx.send(JobBox(Job::Barrier(done))).await.is_ok() {
            let _ = finished.await;
        }
    }

    /// Makes again an HTTP delivery that had not finished when the process stopped.
    pub(crate) async fn resume(&self, delivery: HttpDelivery) {
        let _ = self.tx.send(JobBox(Job::Resume(delivery))).await;
    }

    /// Sends a `SubscriptionConfirmation` or `UnsubscribeConfirmation` to an HTTP endpoint.
    pub(crate) async fn confirm(
        &self,
        subscription: Arc<Subscription>,
        kind: &'static str,
        base_url: Arc<str>,
        signature_version: Arc<str>,
    ) {
        let job = Job::Confirm {
            subscription,
            kind,
            base_url,
            signature_version,
        };
        let _ = self.tx.send(JobBox(job)).await;
    }
}

/// A reserved place in the delivery channel.
pub(crate) struct PublishSlot<'a>(mpsc::Permit<'a, JobBox>);

impl PublishSlot<'_> {
    /// Queues a published message for its subscribers (none: nothing to do).
    pub(crate) fn publish(
        self,
        message: Arc<Published>,
        subscribers: Arc<[Arc<Subscription>]>,
        base_url: Arc<str>,
        signature_version: Arc<str>,
        topic_policy: Option<Arc<str>>,
    ) {
        if subscribers.is_empty() {
            return;
        }
        self.0.send(JobBox(Job::Publish {
            message,
            subscribers,
            base_url,
            signature_version,
            topic_policy,
        }));
    }
}

/// `SubscribeURL` of a confirmation.
pub(crate) fn subscribe_url(base_url: &str, topic_arn: &str, token: &str) -> String {
    format!("{base_url}/?Action=ConfirmSubscription&TopicArn={topic_arn}&Token={token}")
}

fn unsubscribe_url(base_url: &str, subscription_arn: &str) -> String {
    format!("{base_url}/?Action=Unsubscribe&SubscriptionArn={subscription_arn}")
}

/// What the deliveries of one message share.
struct JobContext<'a> {
    base_url: &'a str,
    version: &'a str,
    topic_policy: Option<&'a str>,
    /// Rendered notifications by (body, signed).
    templates: Vec<((usize, bool), Notification)>,
}

impl Worker {
    fn run(self: &Arc<Self>, job: Job) {
        match job {
            Job::Publish {
                message,
                subscribers,
                base_url,
                signature_version,
                topic_policy,
            } => {
                let parsed_body = OnceCell::new();
                let mut context = JobContext {
                    base_url: &base_url,
                    version: &signature_version,
                    topic_policy: topic_policy.as_deref(),
                    templates: Vec::new(),
                };
                for sub in subscribers.iter() {
                    if !sub.is_confirmed() || !sub.accepts(&message, &parsed_body) {
                        continue;
                    }
                    self.deliver(&message, sub, &mut context);
                }
                self.journal.record(|| Change::FannedOut {
                    message_id: message.message_id.clone(),
                });
            }
            Job::Confirm {
                subscription,
                kind,
                base_url,
                signature_version,
            } => self.send_confirmation(&subscription, kind, &base_url, &signature_version),
            Job::Resume(delivery) => self.resume(delivery),
            Job::Barrier(done) => {
                let _ = done.send(());
            }
            Job::Stop => {}
        }
    }

    /// The envelope of `message` for `sub`, from a template made once per message, body
    /// and signing choice (signing is per message, not per subscription).
    fn envelope(
        &self,
        message: &Published,
        sub: &Subscription,
        context: &mut JobContext<'_>,
        signed: bool,
    ) -> String {
        let body = message.body_for(sub.protocol.as_str());
        let key = (body.as_ptr() as usize, signed);
        let position = context.templates.iter().position(|(k, _)| *k == key);
        let index = match position {
            Some(i) => i,
            None => {
                let cert_url = format!("{}{}", context.base_url, signing::CERT_PATH);
                let signature = if message.fifo.is_some() {
                    None
                } else if signed {
                    Some(signing::sign(
                        context.version,
                        &envelope::notification_string_to_sign(message, body),
                    ))
                } else {
                    Some(UNSIGNED.to_owned())
                };
                let template = Notification::new(
                    message,
                    body,
                    signature
                        .as_deref()
                        .map(|s| (context.version, s, cert_url.as_str())),
                );
                context.templates.push((key, template));
                context.templates.len() - 1
            }
        };
        context.templates[index]
            .1
            .render(&unsubscribe_url(context.base_url, &sub.arn))
    }

    fn deliver(
        self: &Arc<Self>,
        message: &Published,
        sub: &Subscription,
        context: &mut JobContext<'_>,
    ) {
        let (raw, dead_letter_queue) = {
            let settings = sub.settings();
            (settings.raw, settings.dead_letter_queue.clone())
        };
        match sub.protocol {
            DeliveryProtocol::Sqs => {
                let queued = if raw {
                    QueueMessage {
                        body: message.body_for("sqs").to_owned(),
                        attributes: message.attributes.clone(),
                        group_id: None,
                        dedup_id: None,
                    }
                } else {
                    QueueMessage {
                        body: self.envelope(
                            message,
                            sub,
                            context,
                            self.options.sign_queue_messages,
                        ),
                        attributes: Vec::new(),
                        group_id: None,
                        dedup_id: None,
                    }
                };
                // Only a subscription with a dead-letter queue needs the message after a
                // failure; it gets the FIFO facts its own queue's type calls for.
                let kept = dead_letter_queue
                    .as_deref()
                    .map(|dlq| with_fifo_facts(queued.clone(), message, dlq));
                let queued = with_fifo_facts(queued, message, &sub.endpoint);
                if let Err(reason) = enqueue(&*self.ports.queues, &sub.endpoint, queued) {
                    self.dead_letter(sub, dead_letter_queue.as_deref(), kept, &reason);
                }
            }
            DeliveryProtocol::Http | DeliveryProtocol::Https => {
                let body = if raw {
                    message.body_for(sub.protocol.as_str()).to_owned()
                } else {
                    self.envelope(message, sub, context, true)
                };
                let policy = http_policy(sub, context.topic_policy);
                let mut headers = vec![
                    ("x-amz-sns-message-type", "Notification".to_owned()),
                    ("x-amz-sns-message-id", message.message_id.clone()),
                    ("x-amz-sns-topic-arn", message.topic_arn.to_string()),
                    ("x-amz-sns-subscription-arn", sub.arn.to_string()),
                    ("content-type", policy.content_type.clone()),
                    ("user-agent", USER_AGENT.to_owned()),
                    ("accept-encoding", "gzip,deflate".to_owned()),
                ];
                if raw {
                    headers.push(("x-amz-sns-rawdelivery", "true".to_owned()));
                }
                let request = HttpRequest {
                    url: sub.endpoint.clone(),
                    headers,
                    body,
                };
                let dead_letter = dead_letter_queue.map(|dlq| {
                    let queued = with_fifo_facts(
                        QueueMessage {
                            body: request.body.clone(),
                            attributes: Vec::new(),
                            group_id: None,
                            dedup_id: None,
                        },
                        message,
                        &dlq,
                    );
                    (dlq, queued)
                });
                self.post_with_retries(request, policy, dead_letter, sub.arn.clone());
            }
            DeliveryProtocol::EmailJson => {
                let body = self.envelope(message, sub, context, true);
                self.record(OutboxKind::Email, message, sub, body);
            }
            DeliveryProtocol::Email => {
                let body = message.body_for("email").to_owned();
                self.record(OutboxKind::Email, message, sub, body);
            }
            DeliveryProtocol::Sms => {
                let body = message.body_for("sms").to_owned();
                self.record(OutboxKind::Sms, message, sub, body);
            }
            DeliveryProtocol::Lambda => {
                let body = message.body_for("lambda").to_owned();
                self.record(OutboxKind::Lambda, message, sub, body);
            }
            DeliveryProtocol::Firehose => {
                let body = if raw {
                    message.body_for("firehose").to_owned()
                } else {
                    self.envelope(message, sub, context, false)
                };
                self.record(OutboxKind::Firehose, message, sub, body);
            }
            DeliveryProtocol::Application => {
                let platform = {
                    let platforms = self.platforms.lock();
                    match platforms.endpoints.get(&sub.endpoint) {
                        Some(endpoint) if endpoint.enabled() => platform_of(&sub.endpoint),
                        _ => return,
                    }
                };
                let body = message.body_for(platform).to_owned();
                self.record(OutboxKind::Application, message, sub, body);
            }
        }
    }

    fn record(&self, kind: OutboxKind, message: &Published, sub: &Subscription, body: String) {
        let (region, account) = region_and_account(&sub.topic_arn);
        self.outbox.push(OutboxRecord {
            kind,
            account: account.to_owned(),
            region: region.to_owned(),
            destination: sub.endpoint.clone(),
            message_id: message.message_id.clone(),
            topic_arn: Some(message.topic_arn.to_string()),
            subscription_arn: Some(sub.arn.to_string()),
            subject: message.subject.clone(),
            message: body,
            message_structure: (!message.per_protocol.is_empty()).then(|| "json".to_owned()),
            attributes: message.attributes.clone(),
            timestamp: message.timestamp,
        });
    }

    fn dead_letter(
        &self,
        sub: &Subscription,
        dead_letter_queue: Option<&str>,
        message: Option<QueueMessage>,
        reason: &EnqueueError,
    ) {
        match dead_letter_queue.zip(message) {
            Some((dlq, message)) => {
                if let Err(e) = enqueue(&*self.ports.queues, dlq, message) {
                    tracing::warn!(subscription = %sub.arn, %dlq, error = %e, "sns dead-letter delivery failed; message dropped");
                }
            }
            None => {
                tracing::warn!(subscription = %sub.arn, endpoint = %sub.endpoint, %reason, "sns delivery failed; message dropped");
            }
        }
    }
}

/// FIFO topics pass group and deduplication id on to FIFO queues (a standard queue gets
/// neither); standard topics their group id, if any, to standard queues (fair queues).
fn with_fifo_facts(mut queued: QueueMessage, message: &Published, queue_arn: &str) -> QueueMessage {
    let fifo_queue = queue_arn.ends_with(".fifo");
    match (&message.fifo, fifo_queue) {
        (Some(fifo), true) => {
            queued.group_id = Some(fifo.group_id.clone());
            queued.dedup_id = Some(fifo.dedup_id.clone());
        }
        (None, false) => queued.group_id.clone_from(&message.group_id),
        _ => {}
    }
    queued
}

/// `(region, account)` of an SNS ARN.
fn region_and_account(arn: &str) -> (&str, &str) {
    let mut parts = arn.split(':').skip(3);
    (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    )
}

/// The platform of an endpoint ARN (`...:endpoint/GCM/app/id`).
fn platform_of(endpoint_arn: &str) -> &str {
    endpoint_arn
        .split_once(":endpoint/")
        .and_then(|(_, rest)| rest.split('/').next())
        .unwrap_or("default")
}
