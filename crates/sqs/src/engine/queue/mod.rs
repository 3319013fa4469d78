//! One queue as a synchronous state machine. Every transition takes `now`; delays,
//! visibility timeouts and retention are applied lazily by `advance(now)`, so the same code
//! runs on real and virtual time.
//!
//! Invariants:
//! - each stored message is in exactly one state (delayed, visible, in flight) and the three
//!   counters equal the number of messages in each;
//! - a message's `epoch` changes on every state change; entries in `ready` and `timers` carry
//!   the epoch they were made for, so stale entries are skipped and never acted on;
//! - `by_age` lists every stored message in send order, for retention; the three indexes are
//!   compacted once stale entries outnumber live ones, so memory stays proportional to the
//!   messages stored.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};
use std::sync::Arc;

use sluice_core::Timestamp;

mod fifo;
mod inspect;
mod restore;
mod transfer;

pub use inspect::Peeked;
pub use transfer::Taken;

use fifo::FifoState;
pub use fifo::{FifoSent, DEDUP_WINDOW_MS};

use super::attributes::{QueueAttributes, MAX_VISIBILITY_TIMEOUT};
use super::journal::{Change, MessageState, SqsJournal, StoredMessage};
use super::message::MessageContent;
use super::receipt::Receipt;
use super::seq_map::BySeq;
use crate::SqsError;

/// AWS's quota of in-flight messages for a standard queue.
pub const MAX_IN_FLIGHT: usize = 120_000;
const PURGE_INTERVAL_MS: u64 = 60_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Delayed,
    Visible,
    InFlight { received_at: Timestamp },
}

#[derive(Debug)]
struct Stored {
    content: Arc<MessageContent>,
    state: State,
    epoch: u32,
    receive_count: u32,
    first_received_at: Option<Timestamp>,
    /// Set on messages moved here from a source queue's redrive.
    dead_letter_source_arn: Option<Arc<str>>,
}

/// How many messages are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub visible: usize,
    pub in_flight: usize,
    pub delayed: usize,
}

/// A message handed to a receiver.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub content: Arc<MessageContent>,
    pub receipt_handle: String,
    pub receive_count: u32,
    pub first_received_at: Timestamp,
    pub dead_letter_source_arn: Option<Arc<str>>,
}

/// What a receive took from the queue.
#[derive(Debug, Default)]
pub struct Received {
    pub deliveries: Vec<Delivery>,
    /// Messages past the redrive policy's `maxReceiveCount`, removed from this queue, for the
    /// caller to hand to the dead-letter queue.
    pub dead_letters: Vec<DeadLetter>,
    /// Their seqs here: the caller records their removal (`Queue::record_removed`) only once
    /// the dead-letter queue has taken them, so a crash in between duplicates a message at
    /// worst and never loses one.
    pub dead_letter_seqs: Vec<u64>,
}

/// A message on its way into another queue, with the receive history it keeps there: a
/// message moved to a dead-letter queue shows the receives it had (the AWS console shows a
/// dead-lettered message's receive count, and SentTimestamp and the first receive stay).
#[derive(Debug, Clone)]
pub struct DeadLetter {
    pub content: Arc<MessageContent>,
    pub receive_count: u32,
    pub first_received_at: Option<Timestamp>,
}

impl DeadLetter {
    /// A message that starts a fresh life in its new queue (a move task's redrive).
    pub fn fresh(content: Arc<MessageContent>) -> DeadLetter {
        DeadLetter {
            content,
            receive_count: 0,
            first_received_at: None,
        }
    }

    fn of(stored: Stored) -> DeadLetter {
        DeadLetter {
            content: stored.content,
            receive_count: stored.receive_count,
            first_received_at: stored.first_received_at,
        }
    }
}

/// A standard queue.
#[derive(Debug)]
pub struct Queue {
    pub name: String,
    pub arn: String,
    pub uid: u64,
    pub attributes: QueueAttributes,
    pub tags: BTreeMap<String, String>,
    pub created_at: Timestamp,
    pub last_modified_at: Timestamp,
    messages: BySeq<Stored>,
    ready: VecDeque<(u64, u32)>,
    timers: BinaryHeap<Reverse<(Timestamp, u64, u32)>>,
    by_age: VecDeque<(Timestamp, u64)>,
    next_seq: u64,
    counts: Counts,
    last_purge: Option<Timestamp>,
    /// Group order, locks and deduplication, for FIFO queues only.
    fifo: Option<FifoState>,
    /// Where this queue's changes are recorded (nowhere without a data dir).
    pub(in crate::engine) journal: SqsJournal,
}

impl Queue {
    pub fn new(
        name: String,
        arn: String,
        uid: u64,
        attributes: QueueAttributes,
        now: Timestamp,
    ) -> Queue {
        Queue {
            name,
            arn,
            uid,
            tags: BTreeMap::new(),
            created_at: now,
            last_modified_at: now,
            messages: BySeq::default(),
            ready: VecDeque::new(),
            timers: BinaryHeap::new(),
            by_age: VecDeque::new(),
            next_seq: 0,
            counts: Counts::default(),
            last_purge: None,
            fifo: attributes.fifo_queue.then(FifoState::new),
            attributes,
            journal: SqsJournal::default(),
        }
    }

    /// Applies every delay, visibility expiry and retention expiry due at `now`.
    pub fn advance(&mut self, now: Timestamp) {
        while let Some(&Reverse((due, seq, epoch))) = self.timers.peek() {
            if due > now {
                break;
            }
            self.timers.pop();
            let Some(msg) = self.messages.get_mut(&seq) else {
                continue;
            };
            if msg.epoch != epoch {
                continue;
            }
            let was_in_flight = match msg.state {
                State::Delayed => {
                    self.counts.delayed -= 1;
                    false
                }
                State::InFlight { .. } => {
                    self.counts.in_flight -= 1;
                    true
                }
                State::Visible => continue,
            };
            msg.state = State::Visible;
            msg.epoch = msg.epoch.wrapping_add(1);
            self.counts.visible += 1;
            let epoch = msg.epoch;
            self.became_visible(seq, epoch, was_in_flight);
        }
        if let Some(fifo) = self.fifo.as_mut() {
            if fifo.forget_expired_dedup_ids(now) {
                let uid = self.uid;
                self.journal
                    .record(|| Change::DedupExpired { uid, at: now });
            }
        }
        let retention = u64::from(self.attributes.message_retention_period) * 1000;
        while let Some(&(sent_at, seq)) = self.by_age.front() {
            if self.messages.contains_key(&seq) && sent_at.plus_millis(retention) > now {
                break;
            }
            self.by_age.pop_front();
            self.remove(seq);
        }
        self.compact();
    }

    /// Makes a message that just became visible receivable.
    fn became_visible(&mut self, seq: u64, epoch: u32, was_in_flight: bool) {
        match self.group_of_seq(seq).filter(|_| self.fifo.is_some()) {
            Some(group) => self.fifo_released(&group, was_in_flight),
            None => self.ready.push_back((seq, epoch)),
        }
    }

    pub fn is_fifo(&self) -> bool {
        self.fifo.is_some()
    }

    /// FIFO groups a receive could serve right now (0 for standard queues): when a delete
    /// unlocks a group this grows, and parked receivers must be woken.
    pub fn receivable_groups(&self) -> usize {
        self.fifo.as_ref().map_or(0, FifoState::receivable_groups)
    }

    /// The next time something may become visible or expire, for long-pollers to wake at.
    pub fn next_wake(&self) -> Option<Timestamp> {
        self.timers.peek().map(|Reverse((due, _, _))| *due)
    }

    pub fn counts(&mut self, now: Timestamp) -> Counts {
        self.advance(now);
        self.counts
    }

    /// Checks a message of `size` bytes (body and attributes) against this queue's limit;
    /// returns its delay: the one requested, else the queue's.
    pub fn check_send(&self, size: usize, delay_seconds: Option<u32>) -> Result<u32, SqsError> {
        if size > self.attributes.maximum_message_size as usize {
            return Err(SqsError::MessageTooLong(
                self.attributes.maximum_message_size,
            ));
        }
        Ok(delay_seconds.unwrap_or(self.attributes.delay_seconds))
    }

    /// Stores a message. It becomes receivable after `delay_seconds`.
    pub fn send(&mut self, now: Timestamp, content: MessageContent, delay_seconds: u32) {
        self.advance(now);
        let seq = self.next_seq;
        self.next_seq += 1;
        let until = now.plus_secs(u64::from(delay_seconds));
        let state = if delay_seconds > 0 {
            self.timers.push(Reverse((until, seq, 0)));
            self.counts.delayed += 1;
            State::Delayed
        } else {
            if self.fifo.is_none() {
                self.ready.push_back((seq, 0));
            }
            self.counts.visible += 1;
            State::Visible
        };
        self.by_age.push_back((content.sent_at, seq));
        let content = Arc::new(content);
        let uid = self.uid;
        self.journal.record(|| Change::MessageStored {
            uid,
            message: StoredMessage {
                seq,
                enqueued_at: content.sent_at,
                content: content.clone(),
                state: match state {
                    State::Delayed => MessageState::Delayed { until },
                    _ => MessageState::Visible,
                },
                receive_count: 0,
                first_received_at: None,
                dead_letter_source_arn: None,
            },
        });
        self.messages.insert(
            seq,
            Stored {
                content,
                state,
                epoch: 0,
                receive_count: 0,
                first_received_at: None,
                dead_letter_source_arn: None,
            },
        );
        if self.fifo.is_some() {
            self.fifo_stored(seq);
        }
    }

    /// Takes up to `max` visible messages and hides them for `visibility_timeout` seconds
    /// (the queue's default when `None`). A message already received `maxReceiveCount` times
    /// under a redrive policy is not delivered but removed, for the dead-letter queue.
    pub fn receive(
        &mut self,
        now: Timestamp,
        max: usize,
        visibility_timeout: Option<u32>,
    ) -> Result<Received, SqsError> {
        self.receive_with(now, max, visibility_timeout, true)
    }

    /// [`Queue::receive`], with dead-lettering off when the dead-letter queue is missing (the
    /// messages are then delivered as usual rather than taken out of their order).
    pub fn receive_with(
        &mut self,
        now: Timestamp,
        max: usize,
        visibility_timeout: Option<u32>,
        dead_letter_queue_exists: bool,
    ) -> Result<Received, SqsError> {
        self.advance(now);
        if self.counts.visible > 0 && self.counts.in_flight >= MAX_IN_FLIGHT {
            return Err(SqsError::OverLimit(MAX_IN_FLIGHT));
        }
        let timeout = visibility_timeout.unwrap_or(self.attributes.visibility_timeout);
        let max_receives = self
            .attributes
            .redrive_policy
            .as_ref()
            .filter(|_| dead_letter_queue_exists)
            .map(|p| p.max_receive_count);
        if self.fifo.is_some() {
            return Ok(self.receive_fifo(now, max, timeout, max_receives));
        }
        let mut out = Vec::with_capacity(max.min(self.counts.visible));
        let mut dead_letters = Vec::new();
        let mut dead_letter_seqs = Vec::new();
        while out.len() < max {
            let Some((seq, epoch)) = self.ready.pop_front() else {
                break;
            };
            let Some(msg) = self.messages.get_mut(&seq) else {
                continue;
            };
            if msg.epoch != epoch || msg.state != State::Visible {
                continue;
            }
            if max_receives.is_some_and(|limit| msg.receive_count >= limit) {
                if let Some(dead) = self.messages.remove(&seq) {
                    self.counts.visible -= 1;
                    dead_letter_seqs.push(seq);
                    dead_letters.push(DeadLetter::of(dead));
                }
                continue;
            }
            out.push(deliver(
                msg,
                seq,
                now,
                timeout,
                self.uid,
                &mut self.timers,
                &mut self.counts,
                &self.journal,
            ));
        }
        self.compact();
        Ok(Received {
            deliveries: out,
            dead_letters,
            dead_letter_seqs,
        })
    }

    fn receipt(&self, handle: &str) -> Result<Receipt, SqsError> {
        Receipt::decode(handle)
            .filter(|r| r.queue_uid == self.uid)
            .ok_or_else(|| SqsError::ReceiptHandleIsInvalid(handle.to_owned()))
    }

    /// Deletes the message a receipt handle names. Deleting a message that is already gone
    /// succeeds, as in AWS. A FIFO queue refuses a handle whose receive is over (visibility
    /// expired, or received again since), as AWS does, so a slow consumer cannot delete a
    /// message another consumer now owns.
    pub fn delete(&mut self, now: Timestamp, handle: &str) -> Result<(), SqsError> {
        let receipt = self.receipt(handle)?;
        self.advance(now);
        if self.fifo.is_some() {
            if let Some(msg) = self.messages.get(&receipt.seq) {
                let current = matches!(msg.state, State::InFlight { .. })
                    && msg.receive_count == receipt.receive_count;
                if !current {
                    return Err(SqsError::invalid_param(
                        "ReceiptHandle",
                        handle,
                        "The receipt handle has expired.",
                    ));
                }
            }
        }
        self.remove(receipt.seq);
        self.compact();
        Ok(())
    }

    /// Sets a new visibility timeout, counted from `now`, for an in-flight message. Returns
    /// `true` when the message became visible at once (timeout 0), so waiters can be woken.
    ///
    /// As in AWS: a message that is not in flight is left alone and the call succeeds; a
    /// message that no longer exists, or was received again since this handle was issued, is
    /// an `InvalidParameterValue` (so a consumer whose timeout lapsed cannot move the message
    /// another consumer now holds).
    pub fn change_visibility(
        &mut self,
        now: Timestamp,
        handle: &str,
        timeout: u32,
    ) -> Result<bool, SqsError> {
        let receipt = self.receipt(handle)?;
        self.advance(now);
        let unavailable = || {
            SqsError::invalid_param(
                "ReceiptHandle",
                handle,
                "Message does not exist or is not available for visibility timeout change.",
            )
        };
        let msg = self
            .messages
            .get_mut(&receipt.seq)
            .ok_or_else(unavailable)?;
        let State::InFlight { received_at } = msg.state else {
            return Ok(false);
        };
        if msg.receive_count != receipt.receive_count {
            return Err(unavailable());
        }
        let elapsed = now.since(received_at).as_secs();
        if elapsed + u64::from(timeout) > u64::from(MAX_VISIBILITY_TIMEOUT) {
            return Err(SqsError::invalid_param(
                "VisibilityTimeout",
                timeout,
                "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]",
            ));
        }
        msg.epoch = msg.epoch.wrapping_add(1);
        let until = now.plus_secs(u64::from(timeout));
        let uid = self.uid;
        self.journal.record(|| Change::MessageUpdated {
            uid,
            seq: receipt.seq,
            state: if timeout == 0 {
                MessageState::Visible
            } else {
                MessageState::InFlight { received_at, until }
            },
            receive_count: msg.receive_count,
            first_received_at: msg.first_received_at,
        });
        if timeout == 0 {
            msg.state = State::Visible;
            self.counts.in_flight -= 1;
            self.counts.visible += 1;
            let epoch = msg.epoch;
            self.became_visible(receipt.seq, epoch, true);
            Ok(true)
        } else {
            self.timers.push(Reverse((until, receipt.seq, msg.epoch)));
            self.compact();
            Ok(false)
        }
    }

    /// Records that messages taken out of this queue (dead letters, moved messages) are gone
    /// from it, once they are stored in the queue they went to.
    pub fn record_removed(&self, seqs: &[u64]) {
        let uid = self.uid;
        for &seq in seqs {
            self.journal.record(|| Change::MessageDeleted { uid, seq });
        }
    }

    /// Deletes every message. AWS allows one purge per 60 seconds.
    pub fn purge(&mut self, now: Timestamp) -> Result<(), SqsError> {
        if let Some(last) = self.last_purge {
            if now < last.plus_millis(PURGE_INTERVAL_MS) {
                return Err(SqsError::PurgeQueueInProgress(self.name.clone()));
            }
        }
        self.last_purge = Some(now);
        let uid = self.uid;
        self.journal.record(|| Change::Purged { uid });
        self.messages.clear();
        self.ready.clear();
        self.timers.clear();
        self.by_age.clear();
        self.counts = Counts::default();
        if let Some(fifo) = self.fifo.as_mut() {
            fifo.clear_messages();
        }
        Ok(())
    }

    fn remove(&mut self, seq: u64) {
        let group = self.fifo.as_ref().and(self.group_of_seq(seq));
        if let Some(msg) = self.messages.remove(&seq) {
            let uid = self.uid;
            self.journal.record(|| Change::MessageDeleted { uid, seq });
            match msg.state {
                State::Delayed => self.counts.delayed -= 1,
                State::Visible => self.counts.visible -= 1,
                State::InFlight { .. } => self.counts.in_flight -= 1,
            }
            if let Some(group) = group {
                let was_in_flight = matches!(msg.state, State::InFlight { .. });
                self.fifo_released(&group, was_in_flight);
            }
        }
    }

    /// Drops stale index entries once they outnumber live ones (amortised O(1) per message).
    fn compact(&mut self) {
        const SLACK: usize = 1024;
        let messages = &self.messages;
        let live = |seq: &u64, epoch: &u32| messages.get(seq).is_some_and(|m| m.epoch == *epoch);
        if self.ready.len() > 2 * self.counts.visible + SLACK {
            self.ready.retain(|(seq, epoch)| live(seq, epoch));
        }
        if self.timers.len() > 2 * (self.counts.delayed + self.counts.in_flight) + SLACK {
            self.timers
                .retain(|Reverse((_, seq, epoch))| live(seq, epoch));
        }
        if self.by_age.len() > 2 * self.messages.len() + SLACK {
            self.by_age.retain(|(_, seq)| messages.contains_key(seq));
        }
    }

    /// Index sizes, for tests of the memory bound.
    #[cfg(test)]
    fn index_sizes(&self) -> (usize, usize, usize) {
        (self.ready.len(), self.timers.len(), self.by_age.len())
    }
}

/// Hands a visible message to a receiver: in flight until `now + timeout`, one more receive.
#[allow(clippy::too_many_arguments)] // the queue's parts, borrowed apart from the message
fn deliver(
    msg: &mut Stored,
    seq: u64,
    now: Timestamp,
    timeout: u32,
    queue_uid: u64,
    timers: &mut BinaryHeap<Reverse<(Timestamp, u64, u32)>>,
    counts: &mut Counts,
    journal: &SqsJournal,
) -> Delivery {
    msg.state = State::InFlight { received_at: now };
    msg.epoch = msg.epoch.wrapping_add(1);
    msg.receive_count += 1;
    let first = *msg.first_received_at.get_or_insert(now);
    let until = now.plus_secs(u64::from(timeout));
    timers.push(Reverse((until, seq, msg.epoch)));
    journal.record(|| Change::MessageUpdated {
        uid: queue_uid,
        seq,
        state: MessageState::InFlight {
            received_at: now,
            until,
        },
        receive_count: msg.receive_count,
        first_received_at: Some(first),
    });
    counts.visible -= 1;
    counts.in_flight += 1;
    Delivery {
        content: msg.content.clone(),
        receipt_handle: Receipt {
            queue_uid,
            seq,
            receive_count: msg.receive_count,
        }
        .encode(),
        receive_count: msg.receive_count,
        first_received_at: first,
        dead_letter_source_arn: msg.dead_letter_source_arn.clone(),
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod fifo_tests;
