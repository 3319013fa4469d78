//! The outbox: messages for endpoints a laptop cannot reach (SMS, email, mobile push, Lambda,
//! Firehose), kept so tests can read and clear them. Bounded: the oldest records give way.

use std::collections::VecDeque;
use std::sync::Mutex;

use sluice_core::Timestamp;

use super::message::MessageAttribute;

/// Records kept before the oldest are dropped.
pub const OUTBOX_CAPACITY: usize = 10_000;
/// Bytes of message bodies and attributes kept before the oldest records are dropped.
pub(super) const OUTBOX_BYTES: usize = 64 * 1024 * 1024;

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

impl OutboxRecord {
    fn size(&self) -> usize {
        self.message.len()
            + self
                .attributes
                .iter()
                .map(MessageAttribute::size)
                .sum::<usize>()
    }
}

#[derive(Debug, Default)]
pub struct Outbox {
    records: Mutex<Records>,
}

#[derive(Debug, Default)]
struct Records {
    list: VecDeque<OutboxRecord>,
    bytes: usize,
}

impl Records {
    fn retain(&mut self, keep: impl Fn(&OutboxRecord) -> bool) {
        self.list.retain(|r| keep(r));
        self.bytes = self.list.iter().map(OutboxRecord::size).sum();
    }
}

impl Outbox {
    pub fn push(&self, record: OutboxRecord) {
        let mut records = self.lock();
        records.bytes += record.size();
        records.list.push_back(record);
        while records.list.len() > OUTBOX_CAPACITY || records.bytes > OUTBOX_BYTES {
            match records.list.pop_front() {
                Some(old) => records.bytes -= old.size(),
                None => break,
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Records> {
        self.records.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records of `kind` that `keep` selects, oldest first.
    pub fn read(
        &self,
        kind: OutboxKind,
        keep: impl Fn(&OutboxRecord) -> bool,
    ) -> Vec<OutboxRecord> {
        let records = self.lock();
        records
            .list
            .iter()
            .filter(|r| r.kind == kind && keep(r))
            .cloned()
            .collect()
    }

    pub fn clear_all(&self) {
        *self.lock() = Records::default();
    }

    /// Removes the records of `kind` that `drop` selects.
    pub fn clear(&self, kind: OutboxKind, drop: impl Fn(&OutboxRecord) -> bool) {
        self.lock().retain(|r| r.kind != kind || !drop(r));
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
        let mut big = record(OutboxKind::Sms, "+2");
        big.message = "x".repeat(OUTBOX_BYTES / 2 + 1);
        outbox.push(big.clone());
        outbox.push(big);
        assert_eq!(
            outbox.read(OutboxKind::Sms, |_| true).len(),
            1,
            "bounded by bytes"
        );
        assert_eq!(outbox.read(OutboxKind::Email, |_| true).len(), 0);
    }
}
