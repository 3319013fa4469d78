//! The SNS engine: topics, subscriptions and their filter policies, published messages,
//! platform applications, SMS settings and the outbox. Synchronous state behind short locks;
//! no HTTP, no wire formats. Filter policies and `MessageBody`-scoped filtering are JSON by
//! definition, so `filter` reads `serde_json` values.

pub mod filter;
mod journal;
mod message;
mod names;
mod outbox;
mod platform;
mod registry;
mod sms;
mod subscription;
pub(crate) mod subscription_rules;
mod topic;
pub(crate) mod topic_rules;

pub use journal::{
    Change, HttpDeadLetter, HttpDelivery, SnsJournal, SubscriptionRecord, TopicRecord,
};
pub use message::{
    valid_number, AttributeData, FifoFacts, MessageAttribute, Published, MAX_MESSAGE_ATTRIBUTES,
    MAX_MESSAGE_BYTES, MAX_SUBJECT_CHARS,
};
pub use names::{
    parse_platform_application_arn, platform_application_arn, topic_of_subscription,
    valid_topic_name, TopicKey,
};
pub use outbox::{Outbox, OutboxKind, OutboxRecord, OUTBOX_CAPACITY};
pub use platform::{PlatformApplication, PlatformEndpoint, PlatformState, Platforms, PLATFORMS};
pub use registry::{Registry, PAGE_SIZE};
pub use sms::{valid_e164, SandboxNumber, Sms, SmsAccount, SMS_ATTRIBUTES};
pub use subscription::{DeliveryProtocol, Filter, Subscription, SubscriptionSettings};
pub use topic::{Accepted, FifoAdmission, Topic, TopicCell, DEDUP_WINDOW_MS};
