//! Change records of the SNS engine, handed to the process's `ChangeLog` under the lock of
//! the topic or subscription they describe, and the shapes restore hands back. Topics and
//! subscriptions are small, so a change records the whole of one; FIFO topics also record
//! each deduplication id they remember, so a retried publish stays a duplicate across a
//! restart and sequence numbers continue.

use std::collections::BTreeMap;
use std::sync::Arc;

use sluice_core::{AccountId, Journal, Region, Timestamp};

use super::message::Published;
use super::subscription::DeliveryProtocol;
use super::topic::Accepted;

/// An SNS engine's change log.
pub type SnsJournal = Journal<Change>;

#[derive(Debug, Clone)]
pub enum Change {
    TopicSaved(Arc<TopicRecord>),
    /// The topic and its subscriptions are gone.
    TopicDeleted {
        arn: Arc<str>,
    },
    SubscriptionSaved(Arc<SubscriptionRecord>),
    SubscriptionDeleted {
        arn: Arc<str>,
    },
    /// A message was published to a topic with subscribers: it is fanned out again after a
    /// restart unless `FannedOut` follows (at least once, as SNS delivers).
    Published {
        message: Arc<Published>,
        /// The endpoint clients used, for URLs in envelopes.
        base_url: Arc<str>,
    },
    /// Every subscriber of the message has it (queued, recorded, or handed to HTTP).
    FannedOut {
        message_id: String,
    },
    /// An HTTP delivery started; it is made again after a restart unless `HttpDone` follows.
    HttpPending(Arc<HttpDelivery>),
    /// The HTTP delivery succeeded, went to the dead-letter queue or was given up.
    HttpDone {
        id: String,
    },
    /// A FIFO topic took a new message: its deduplication id until `expires`.
    Deduplicated {
        topic_arn: Arc<str>,
        deduplication_id: String,
        accepted: Accepted,
        expires: Timestamp,
    },
}

/// An HTTP delivery with its retry policy, as stored (JSON in the store).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HttpDelivery {
    pub id: String,
    pub subscription_arn: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub retries: u32,
    pub delay_ms: u64,
    pub content_type: String,
    /// Where the message goes when every attempt failed: the queue ARN, and the group and
    /// deduplication ids a FIFO queue needs.
    pub dead_letter: Option<HttpDeadLetter>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HttpDeadLetter {
    pub queue_arn: String,
    pub group_id: Option<String>,
    pub dedup_id: Option<String>,
}

/// A topic's configuration.
#[derive(Debug, Clone)]
pub struct TopicRecord {
    pub arn: Arc<str>,
    pub name: String,
    pub account: AccountId,
    pub region: Region,
    pub fifo: bool,
    pub attributes: BTreeMap<String, String>,
    pub tags: Vec<(String, String)>,
    pub data_protection_policy: Option<String>,
}

/// A subscription: identity, whether it is confirmed, and its attributes as set (the filter
/// policy and the other settings are derived from them again on restore).
#[derive(Debug, Clone)]
pub struct SubscriptionRecord {
    pub arn: Arc<str>,
    pub topic_arn: Arc<str>,
    pub protocol: DeliveryProtocol,
    pub endpoint: String,
    pub owner: AccountId,
    pub token: String,
    pub confirmed: bool,
    pub attributes: BTreeMap<String, String>,
}
