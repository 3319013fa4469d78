//! A topic: attributes, tags and stored policies, the snapshot of subscriptions Publish fans
//! out to (replaced whole on Subscribe/Unsubscribe, so a publish clones one `Arc`), and for
//! FIFO topics the 5-minute deduplication window and the sequence counter.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use sluice_core::{AccountId, Region, Timestamp};

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
        }
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
