//! An enhanced fan-out consumer as a stream holds it, and its statuses: CREATING → ACTIVE
//! and DELETING → gone move on lazily after the configured delay (operations in `fan_out`).

use std::collections::BTreeMap;

use sluice_core::Timestamp;

use super::names::StreamKey;

/// Consumers a stream may have registered.
pub const MAX_CONSUMERS: usize = 20;

/// `ConsumerStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsumerStatus {
    Creating,
    Deleting,
    Active,
}

impl ConsumerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsumerStatus::Creating => "CREATING",
            ConsumerStatus::Deleting => "DELETING",
            ConsumerStatus::Active => "ACTIVE",
        }
    }
}

/// What DescribeStreamConsumer, RegisterStreamConsumer and ListStreamConsumers return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerDescription {
    pub consumer_name: String,
    pub consumer_arn: String,
    pub status: ConsumerStatus,
    pub created: Timestamp,
    pub stream_arn: String,
}

/// How a request names a consumer.
#[derive(Debug, Clone, Copy)]
pub enum ConsumerRef<'a> {
    Arn(&'a str),
    Name {
        stream: &'a StreamKey,
        name: &'a str,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Consumer {
    pub name: String,
    pub arn: String,
    pub status: ConsumerStatus,
    pub created: Timestamp,
    pub status_until: Timestamp,
    pub tags: BTreeMap<String, String>,
    pub policy: Option<String>,
    /// The seconds in the consumer's ARN: its creation second, or one past the ARN of the
    /// previous consumer of that name, so a re-registered consumer never gets an old ARN.
    pub arn_secs: u64,
}

impl Consumer {
    pub(crate) fn settle(&mut self, now: Timestamp) {
        if self.status == ConsumerStatus::Creating && now >= self.status_until {
            self.status = ConsumerStatus::Active;
        }
    }
    pub(crate) fn gone(&self, now: Timestamp) -> bool {
        self.status == ConsumerStatus::Deleting && now >= self.status_until
    }
    pub(super) fn describe(&self, stream: &StreamKey) -> ConsumerDescription {
        ConsumerDescription {
            consumer_name: self.name.clone(),
            consumer_arn: self.arn.clone(),
            status: self.status,
            created: self.created,
            stream_arn: stream.arn(),
        }
    }
}
