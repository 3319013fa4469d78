//! The outbox: messages for endpoints a laptop cannot reach (SMS, email, mobile push, Lambda,
//! Firehose), kept so tests can read and clear them. Bounded: the oldest records give way.

use std::collections::VecDeque;
use std::sync::Mutex;

use sluice_core::Timestamp;

use super::message::MessageAttribute;

/// Records kept before the oldest are dropped.
pub const OUTBOX_CAPACITY: usize = 10_000;

/// What kind of endpoint a record was meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxKind {
    Sms,
    Email,
    /// Mobile push to a platform endpoint.
    Application,
    Lambda,
    Firehose,
}

/// One undeliverable-by-design message.
#[derive(Debug, Clone)]
pub struct OutboxRecord {
    pub kind: OutboxKind,
    pub account: String,
    pub region: String,
    /// Phone number, email address, endpoint ARN, function or stream ARN.
    pub destination: String,
    pub message_id: String,
    pub topic_arn: Option<String>,
    pub subscription_arn: Option<String>,
    pub subject: Option<String>,
    pub message: String,
    pub message_structure: Option<String>,
    pub attributes: Vec<MessageAttribute>,
    pub timestamp: Timestamp,
}

#[derive(Debug, Default)]
pub struct Outbox {
    records: Mutex<VecDeque<OutboxRecord>>,
}

impl Outbox {
    pub fn push(&self, record: OutboxRecord) {
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        if records.len() == OUTBOX_CAPACITY {
            records.pop_front();
        }
        records.push_back(record);
    }

    /// Records of `kind` that `keep` selects, oldest first.
    pub fn read(
        &self,
        kind: OutboxKind,
        keep: impl Fn(&OutboxRecord) -> bool,
    ) -> Vec<OutboxRecord> {
        let records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        records
            .iter()
            .filter(|r| r.kind == kind && keep(r))
            .cloned()
            .collect()
    }

    pub fn clear_all(&self) {
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Removes the records of `kind` that `drop` selects.
    pub fn clear(&self, kind: OutboxKind, drop: impl Fn(&OutboxRecord) -> bool) {
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        records.retain(|r| r.kind != kind || !drop(r));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: OutboxKind, destination: &str) -> OutboxRecord {
        OutboxRecord {
            kind,
            account: "000000000000".into(),
            region: "us-east-1".into(),
            destination: destination.into(),
            message_id: "m".into(),
            topic_arn: None,
            subscription_arn: None,
            subject: None,
            message: "hi".into(),
            message_structure: None,
            attributes: Vec::new(),
            timestamp: Timestamp(0),
        }
    }

    #[test]
    fn bounded_and_filtered_by_kind() {
        let outbox = Outbox::default();
        for _ in 0..OUTBOX_CAPACITY {
            outbox.push(record(OutboxKind::Sms, "+1"));
        }
        outbox.push(record(OutboxKind::Email, "a@b.c"));
        assert_eq!(
            outbox.read(OutboxKind::Sms, |_| true).len(),
            OUTBOX_CAPACITY - 1
        );
        assert_eq!(outbox.read(OutboxKind::Email, |_| true).len(), 1);
        outbox.clear(OutboxKind::Sms, |r| r.destination == "+1");
        assert!(outbox.read(OutboxKind::Sms, |_| true).is_empty());
        assert_eq!(outbox.read(OutboxKind::Email, |_| true).len(), 1);
    }
}
