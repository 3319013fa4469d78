//! A topic: attributes, tags and stored policies, the snapshot of subscriptions Publish fans
//! out to (replaced whole on Subscribe/Unsubscribe, so a publish clones one `Arc`), and for
//! FIFO topics the 5-minute deduplication window and the sequence counter.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use sluice_core::{AccountId, Region, Timestamp};

use super::journal::{Change, SnsJournal, TopicRecord};
use super::subscription::Subscription;

/// How long a FIFO deduplication id suppresses repeats.
pub const DEDUP_WINDOW_MS: u64 = 5 * 60 * 1000;
/// FIFO sequence numbers are 20 digits, as AWS's are.
const FIRST_SEQUENCE: u128 = 10_000_000_000_000_000_000;

/// A topic and its lock.
#[derive(Debug)]
pub struct TopicCell {
    pub arn: Arc<str>,
    pub name: String,
    pub account: AccountId,
    pub region: Region,
    pub fifo: bool,
    state: Mutex<Topic>,
    /// Set by the registry when the topic joins it.
    pub(super) journal: SnsJournal,
}

/// A topic's changeable state.
#[derive(Debug)]
pub struct Topic {
    /// Attributes as set (`DisplayName`, `Policy`, `DeliveryPolicy`, ...).
    pub attributes: BTreeMap<String, String>,
    pub tags: Vec<(String, String)>,
    pub data_protection_policy: Option<String>,
    pub subscribers: Arc<[Arc<Subscription>]>,
    pub subscriptions_deleted: u64,
    dedup: HashMap<String, Accepted>,
    dedup_expiry: VecDeque<(Timestamp, String)>,
    next_sequence: u128,
}

/// What a FIFO publish was answered with, replayed for duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub message_id: String,
    pub sequence_number: String,
}

/// The outcome of offering a FIFO message to the deduplication window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FifoAdmission {
    /// New: deliver it with this sequence number.
    New { sequence_number: String },
    /// Seen within 5 minutes: answer as before, deliver nothing.
    Duplicate(Accepted),
}

impl TopicCell {
    pub fn new(
        arn: Arc<str>,
        name: String,
        account: AccountId,
        region: Region,
        fifo: bool,
        attributes: BTreeMap<String, String>,
        tags: Vec<(String, String)>,
    ) -> TopicCell {
        TopicCell {
            arn,
            name,
            account,
            region,
            fifo,
            state: Mutex::new(Topic {
                attributes,
                tags,
                data_protection_policy: None,
                subscribers: Arc::from(Vec::new()),
                subscriptions_deleted: 0,
                dedup: HashMap::new(),
                dedup_expiry: VecDeque::new(),
                next_sequence: FIRST_SEQUENCE,
            }),
            journal: SnsJournal::default(),
        }
    }

    /// Records the topic's configuration after a change (call with its lock held).
    pub fn record(&self, topic: &Topic) {
        self.journal
            .record(|| Change::TopicSaved(Arc::new(self.to_record(topic))));
    }

    pub fn to_record(&self, topic: &Topic) -> TopicRecord {
        TopicRecord {
            arn: self.arn.clone(),
            name: self.name.clone(),
            account: self.account.clone(),
            region: self.region.clone(),
            fifo: self.fifo,
            attributes: topic.attributes.clone(),
            tags: topic.tags.clone(),
            data_protection_policy: topic.data_protection_policy.clone(),
        }
    }

    /// A message is on its way to the topic's subscribers (call with the topic's lock held).
    pub fn record_published(&self, message: &Arc<super::message::Published>, base_url: &Arc<str>) {
        self.journal.record(|| Change::Published {
            message: message.clone(),
            base_url: base_url.clone(),
        });
    }

    /// A message needs no more fan-out (its subscribers went away meanwhile).
    pub fn record_fanned_out(&self, message_id: &str) {
        self.journal.record(|| Change::FannedOut {
            message_id: message_id.to_owned(),
        });
    }

    /// A FIFO publish was admitted: its deduplication id is recorded.
    pub fn record_admission(&self, dedup_id: &str, accepted: &Accepted, now: Timestamp) {
        self.journal.record(|| Change::Deduplicated {
            topic_arn: self.arn.clone(),
            deduplication_id: dedup_id.to_owned(),
            accepted: accepted.clone(),
            expires: now.plus_millis(DEDUP_WINDOW_MS),
        });
    }

    /// A stored topic, as restore hands it back.
    pub fn restore(record: TopicRecord) -> TopicCell {
        let cell = TopicCell::new(
            record.arn,
            record.name,
            record.account,
            record.region,
            record.fifo,
            record.attributes,
            record.tags,
        );
        cell.lock().data_protection_policy = record.data_protection_policy;
        cell
    }

    pub fn lock(&self) -> MutexGuard<'_, Topic> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The subscriptions a message published now goes to.
    pub fn subscribers(&self) -> Arc<[Arc<Subscription>]> {
        self.lock().subscribers.clone()
    }
}

impl Topic {
    pub fn add_subscriber(&mut self, subscription: Arc<Subscription>) {
        let mut list: Vec<_> = self.subscribers.iter().cloned().collect();
        list.push(subscription);
        self.subscribers = list.into();
    }

    /// Removes a subscription; whether it was there.
    pub fn remove_subscriber(&mut self, arn: &str) -> bool {
        let before = self.subscribers.len();
        let list: Vec<_> = self
            .subscribers
            .iter()
            .filter(|s| &*s.arn != arn)
            .cloned()
            .collect();
        let removed = list.len() != before;
        if removed {
            self.subscriptions_deleted += 1;
        }
        self.subscribers = list.into();
        removed
    }

    /// Remembers a stored deduplication id again, unless it expired by `now`, and continues
    /// sequence numbers after it. Entries come in order of expiry.
    pub fn restore_admission(
        &mut self,
        dedup_id: String,
        accepted: Accepted,
        expires: Timestamp,
        now: Timestamp,
    ) {
        if let Ok(number) = accepted.sequence_number.parse::<u128>() {
            self.next_sequence = self.next_sequence.max(number + 1);
        }
        if expires > now {
            self.dedup_expiry.push_back((expires, dedup_id.clone()));
            self.dedup.insert(dedup_id, accepted);
        }
    }

    /// The sequence number handed out last, if any.
    pub fn last_sequence_number(&self) -> Option<u128> {
        (self.next_sequence > FIRST_SEQUENCE).then(|| self.next_sequence - 1)
    }

    /// Continues sequence numbers after `used` (restore).
    pub fn restore_sequence(&mut self, used: u128) {
        self.next_sequence = self.next_sequence.max(used + 1);
    }

    /// Offers a FIFO message with `dedup_id` at `now`; `message_id` is the id it gets if new.
    pub fn admit_fifo(
        &mut self,
        now: Timestamp,
        dedup_id: &str,
        message_id: &str,
    ) -> FifoAdmission {
        while let Some((expires, _)) = self.dedup_expiry.front() {
            if *expires > now {
                break;
            }
            if let Some((_, id)) = self.dedup_expiry.pop_front() {
                self.dedup.remove(&id);
            }
        }
        if let Some(accepted) = self.dedup.get(dedup_id) {
            return FifoAdmission::Duplicate(accepted.clone());
        }
        let sequence_number = self.next_sequence.to_string();
        self.next_sequence += 1;
        self.dedup.insert(
            dedup_id.to_owned(),
            Accepted {
                message_id: message_id.to_owned(),
                sequence_number: sequence_number.clone(),
            },
        );
        self.dedup_expiry
            .push_back((now.plus_millis(DEDUP_WINDOW_MS), dedup_id.to_owned()));
        FifoAdmission::New { sequence_number }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic() -> TopicCell {
        TopicCell::new(
            "arn:aws:sns:us-east-1:000000000000:t.fifo".into(),
            "t.fifo".into(),
            AccountId::parse("000000000000").expect("account"),
            Region::parse("us-east-1").expect("region"),
            true,
            BTreeMap::new(),
            Vec::new(),
        )
    }

    #[test]
    fn duplicates_within_five_minutes_replay_the_first_answer() {
        let cell = topic();
        let mut t = cell.lock();
        let now = Timestamp(1_000_000);
        let first = t.admit_fifo(now, "d1", "m1");
        assert_eq!(
            first,
            FifoAdmission::New {
                sequence_number: "10000000000000000000".into()
            }
        );
        assert_eq!(
            t.admit_fifo(now.plus_secs(299), "d1", "m2"),
            FifoAdmission::Duplicate(Accepted {
                message_id: "m1".into(),
                sequence_number: "10000000000000000000".into()
            })
        );
        assert_eq!(
            t.admit_fifo(now.plus_secs(300), "d1", "m3"),
            FifoAdmission::New {
                sequence_number: "10000000000000000001".into()
            }
        );
    }
}
