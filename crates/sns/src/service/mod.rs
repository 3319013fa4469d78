//! `SnsService`: the SNS operations on the shared clock. Validates typed inputs in AWS's
//! order, calls the engine under short locks, and hands accepted messages to the delivery
//! worker, so Publish never waits on its subscribers.

mod delivery;
mod envelope;
mod message_check;
mod platform;
mod publish;
mod signing;
mod sms;
mod subscriptions;
mod topics;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use sluice_core::{Clock, IdSource, RequestContext, Runtime};

pub use delivery::{DeliveryOptions, EnqueueError, HttpRequest, HttpSink, QueueMessage, QueueSink};
pub use signing::{CERT_PATH, CERT_PEM};

use crate::engine::{Outbox, Platforms, Registry, Sms, SnsJournal, TopicCell, TopicKey};
use crate::SnsError;

/// What SNS needs from the rest of the process: queues to deliver into and an HTTP client.
#[derive(Clone)]
pub struct Ports {
    pub queues: Arc<dyn QueueSink>,
    pub http: Arc<dyn HttpSink>,
}

impl fmt::Debug for Ports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Ports")
    }
}

/// The SNS operations of one process.
#[derive(Debug, Clone)]
pub struct SnsService {
    registry: Arc<Registry>,
    platforms: Arc<Platforms>,
    sms: Arc<Sms>,
    outbox: Arc<Outbox>,
    clock: Arc<dyn Clock>,
    ids: Arc<IdSource>,
    deliveries: delivery::Dispatcher,
}

impl SnsService {
    /// The service on the runtime's clock; starts the delivery worker on the current tokio
    /// runtime.
    pub fn new(runtime: &Runtime, options: DeliveryOptions, ports: Ports) -> SnsService {
        SnsService::with_journal(runtime, options, ports, SnsJournal::default())
    }

    /// [`SnsService::new`], recording topic and subscription changes in `journal`.
    pub fn with_journal(
        runtime: &Runtime,
        options: DeliveryOptions,
        ports: Ports,
        journal: SnsJournal,
    ) -> SnsService {
        let outbox = Arc::new(Outbox::default());
        let platforms = Arc::new(Platforms::default());
        let deliveries = delivery::Dispatcher::start(
            runtime.scheduler.clone(),
            ports,
            outbox.clone(),
            platforms.clone(),
            runtime.ids.clone(),
            options,
            journal.clone(),
        );
        SnsService {
            registry: Arc::new(Registry::with_journal(journal)),
            platforms,
            sms: Arc::default(),
            outbox,
            clock: runtime.clock().clone(),
            ids: runtime.ids.clone(),
            deliveries,
        }
    }

    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    pub fn outbox(&self) -> &Arc<Outbox> {
        &self.outbox
    }

    /// Waits until every message published so far has been fanned out to its subscribers
    /// (HTTP retries excepted), so a test can look at queues and the outbox.
    pub async fn flush_deliveries(&self) {
        self.deliveries.flush().await;
    }

    /// Forgets every topic, subscription, application, SMS setting and outbox record.
    pub fn reset(&self) {
        self.registry.clear();
        *self.platforms.lock() = Default::default();
        self.sms.clear();
        self.outbox.clear_all();
    }

    /// The topic an ARN names: malformed ARNs, ARNs of another region and missing topics
    /// each get AWS's error.
    fn topic(&self, ctx: &RequestContext, arn: Option<&str>) -> Result<Arc<TopicCell>, SnsError> {
        let arn = arn.unwrap_or_default();
        let key = parse_topic_arn(arn)?;
        if key.region != ctx.region {
            return Err(SnsError::invalid("TopicArn"));
        }
        self.registry
            .topic(arn)
            .ok_or_else(|| SnsError::NotFound("Topic does not exist".into()))
    }
}

/// A topic ARN, or AWS's complaint about its shape.
fn parse_topic_arn(arn: &str) -> Result<TopicKey, SnsError> {
    let parts = arn.split(':').count();
    if parts < 6 {
        return Err(SnsError::invalid(format!(
            "TopicArn Reason: An ARN must have at least 6 elements, not {parts}"
        )));
    }
    TopicKey::parse_arn(arn).ok_or_else(|| SnsError::invalid("TopicArn"))
}

/// A future an `HttpSink` returns.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The key a listing's `NextToken` names, which must lie under `prefix` (the caller's own
/// topics, subscriptions or applications), else AWS's "Invalid parameter: NextToken".
fn page_start_under(token: Option<&str>, prefix: &str) -> Result<Option<String>, SnsError> {
    token
        .map(|token| {
            sluice_core::page_start(token)
                .filter(|start| start.starts_with(prefix))
                .ok_or_else(|| SnsError::invalid("NextToken"))
        })
        .transpose()
}
