//! FIFO queues: strict order within a message group, a group locked while any of its
//! messages is in flight, five-minute deduplication and sequence numbers.
//! See <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues.html>.
//!
//! Invariants (on top of the queue's): every stored message of a FIFO queue is in its
//! group's `seqs`, in send order; a group is listed in `available` exactly when it has no
//! message in flight and its oldest message is visible, keyed by that message's seq, so the
//! next receive serves the group with the oldest waiting message.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

use sluice_core::Timestamp;

use super::transfer::Taken;
use super::{deliver, Delivery, MessageContent, Queue, Received, State};
use crate::engine::journal::{Change, DedupEntry, MessageState};

/// How long a deduplication id is remembered.
pub const DEDUP_WINDOW_MS: u64 = 5 * 60 * 1000;
/// Sequence numbers are AWS's 20-digit decimals.
const FIRST_SEQUENCE: u128 = 18_000_000_000_000_000_000;

/// How many receive attempts are remembered at most (each for five minutes).
const MAX_ATTEMPTS: usize = 10_000;

/// The messages one receive attempt got, by seq.
type AttemptBatch = Vec<(u64, Delivery)>;

/// A deduplication id, scoped to its group when `DeduplicationScope` is `messageGroup`.
type DedupKey = (Option<Arc<str>>, Box<str>);

#[derive(Debug, Default)]
struct Group {
    seqs: VecDeque<u64>,
    in_flight: usize,
    /// The head seq under which the group is in `available`, if it is.
    listed: Option<u64>,
}

/// What a deduplicated send answers with: the original message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FifoSent {
    pub message_id: u128,
    pub sequence_number: u128,
    pub duplicate: bool,
}

/// The FIFO part of a queue's state.
#[derive(Debug)]
pub(super) struct FifoState {
    groups: HashMap<Arc<str>, Group>,
    available: BTreeSet<(u64, Arc<str>)>,
    dedup: HashMap<DedupKey, (FifoSent, Timestamp)>,
    dedup_expiry: VecDeque<(Timestamp, DedupKey)>,
    next_sequence: u128,
    /// `ReceiveRequestAttemptId` -> the batch it received, for five minutes.
    attempts: HashMap<Box<str>, (AttemptBatch, Timestamp)>,
}

impl FifoState {
    pub(super) fn new() -> FifoState {
        FifoState {
            groups: HashMap::new(),
            available: BTreeSet::new(),
            dedup: HashMap::new(),
            dedup_expiry: VecDeque::new(),
            next_sequence: FIRST_SEQUENCE,
            attempts: HashMap::new(),
        }
    }

    pub(super) fn receivable_groups(&self) -> usize {
        self.available.len()
    }

    pub(super) fn clear_messages(&mut self) {
        self.groups.clear();
        self.available.clear();
    }

    /// The next sequence number follows `used` at least.
    pub(super) fn continue_sequence_after(&mut self, used: u128) {
        self.next_sequence = self.next_sequence.max(used + 1);
    }

    pub(super) fn last_sequence_number(&self) -> Option<u128> {
        (self.next_sequence > FIRST_SEQUENCE).then(|| self.next_sequence - 1)
    }

    /// Takes a restored deduplication id back into the window (entries come in expiry order).
    pub(super) fn remember(&mut self, entry: DedupEntry) {
        let key: DedupKey = (entry.group, entry.deduplication_id);
        let sent = FifoSent {
            message_id: entry.message_id,
            sequence_number: entry.sequence_number,
            duplicate: false,
        };
        self.dedup.insert(key.clone(), (sent, entry.expires));
        self.dedup_expiry.push_back((entry.expires, key));
    }

    /// Forgets deduplication ids whose five minutes are over; `true` when any was.
    pub(super) fn forget_expired_dedup_ids(&mut self, now: Timestamp) -> bool {
        let mut forgot = false;
        while let Some((expires, _)) = self.dedup_expiry.front() {
            if *expires > now {
                break;
            }
            if let Some((_, key)) = self.dedup_expiry.pop_front() {
                if self.dedup.get(&key).is_some_and(|(_, e)| *e <= now) {
                    self.dedup.remove(&key);
                    forgot = true;
                }
            }
        }
        forgot
    }
}

fn group_of(content: &MessageContent) -> Arc<str> {
    content
        .message_group_id
        .clone()
        .unwrap_or_else(|| Arc::from(""))
}

impl Queue {
    /// Sends a message to a FIFO queue, unless a message with the same deduplication id was
    /// sent in the last five minutes: then nothing is stored and the original is answered.
    pub fn send_fifo(
        &mut self,
        now: Timestamp,
        mut content: MessageContent,
        dedup_id: &str,
        scope_to_group: bool,
    ) -> FifoSent {
        self.advance(now);
        let delay = self.attributes.delay_seconds;
        let Some(fifo) = self.fifo.as_mut() else {
            let sent = FifoSent {
                message_id: content.id,
                sequence_number: 0,
                duplicate: false,
            };
            self.send(now, content, delay);
            return sent;
        };
        let key: DedupKey = (scope_to_group.then(|| group_of(&content)), dedup_id.into());
        if let Some((original, _)) = fifo.dedup.get(&key) {
            return FifoSent {
                duplicate: true,
                ..*original
            };
        }
        let sent = FifoSent {
            message_id: content.id,
            sequence_number: fifo.next_sequence,
            duplicate: false,
        };
        fifo.next_sequence += 1;
        let expires = now.plus_millis(DEDUP_WINDOW_MS);
        let uid = self.uid;
        self.journal.record(|| Change::Deduplicated {
            uid,
            entry: DedupEntry {
                group: key.0.clone(),
                deduplication_id: key.1.clone(),
                message_id: sent.message_id,
                sequence_number: sent.sequence_number,
                expires,
            },
        });
        fifo.dedup.insert(key.clone(), (sent, expires));
        fifo.dedup_expiry.push_back((expires, key));
        content.sequence_number = Some(sent.sequence_number);
        content.deduplication_id = Some(dedup_id.into());
        self.send(now, content, delay);
        sent
    }

    /// Records a newly stored FIFO message in its group.
    pub(super) fn fifo_stored(&mut self, seq: u64) {
        let Some(group) = self.messages.get(&seq).map(|m| group_of(&m.content)) else {
            return;
        };
        if let Some(fifo) = self.fifo.as_mut() {
            fifo.groups
                .entry(group.clone())
                .or_default()
                .seqs
                .push_back(seq);
            self.refresh_group(&group);
        }
    }

    /// Puts a restored FIFO message back at the end of its group, in flight or not.
    pub(super) fn fifo_restored(&mut self, seq: u64, in_flight: bool) {
        let Some(group) = self.group_of_seq(seq) else {
            return;
        };
        if let Some(fifo) = self.fifo.as_mut() {
            let g = fifo.groups.entry(group.clone()).or_default();
            g.seqs.push_back(seq);
            g.in_flight += usize::from(in_flight);
            self.refresh_group(&group);
        }
    }

    /// A FIFO message left its group's in-flight set (visible again or removed).
    pub(super) fn fifo_released(&mut self, group: &Arc<str>, was_in_flight: bool) {
        if let Some(g) = self.fifo.as_mut().and_then(|f| f.groups.get_mut(group)) {
            if was_in_flight {
                g.in_flight = g.in_flight.saturating_sub(1);
            }
        }
        self.refresh_group(group);
    }

    pub(super) fn group_of_seq(&self, seq: u64) -> Option<Arc<str>> {
        self.messages.get(&seq).map(|m| group_of(&m.content))
    }

    /// Lists or unlists a group in `available` after any change to it.
    fn refresh_group(&mut self, group: &Arc<str>) {
        let Queue { fifo, messages, .. } = self;
        let Some(fifo) = fifo.as_mut() else {
            return;
        };
        let Some(g) = fifo.groups.get_mut(group) else {
            return;
        };
        while g.seqs.front().is_some_and(|s| !messages.contains_key(s)) {
            g.seqs.pop_front();
        }
        let wanted = g.seqs.front().copied().filter(|head| {
            g.in_flight == 0
                && messages
                    .get(head)
                    .is_some_and(|m| m.state == State::Visible)
        });
        if g.listed != wanted {
            if let Some(old) = g.listed {
                fifo.available.remove(&(old, group.clone()));
            }
            if let Some(new) = wanted {
                fifo.available.insert((new, group.clone()));
            }
            g.listed = wanted;
        }
        if g.seqs.is_empty() && g.in_flight == 0 {
            fifo.groups.remove(group);
        }
    }

    /// Receives from the groups with the oldest waiting messages, as many consecutive
    /// messages of one group as `max` allows before the next group; each group served is
    /// locked until none of its messages is in flight.
    pub(super) fn receive_fifo(
        &mut self,
        now: Timestamp,
        max: usize,
        timeout: u32,
        max_receives: Option<u32>,
    ) -> Received {
        let mut received = Received::default();
        while received.deliveries.len() < max {
            let Some((_, group)) = self.fifo.as_mut().and_then(|f| f.available.pop_first()) else {
                break;
            };
            let Queue {
                fifo,
                messages,
                timers,
                counts,
                uid,
                journal,
                ..
            } = self;
            let Some(g) = fifo.as_mut().and_then(|f| f.groups.get_mut(&group)) else {
                continue;
            };
            g.listed = None;
            let mut i = 0;
            while received.deliveries.len() < max {
                let Some(&seq) = g.seqs.get(i) else {
                    break;
                };
                let Some(msg) = messages.get_mut(&seq) else {
                    i += 1;
                    continue;
                };
                if msg.state != State::Visible {
                    break;
                }
                if max_receives.is_some_and(|limit| msg.receive_count >= limit) {
                    if let Some(dead) = messages.remove(&seq) {
                        counts.visible -= 1;
                        g.seqs.remove(i);
                        received.dead_letter_seqs.push(seq);
                        received.dead_letters.push(super::DeadLetter::of(dead));
                    }
                    continue;
                }
                let delivery: Delivery =
                    deliver(msg, seq, now, timeout, *uid, timers, counts, journal);
                g.in_flight += 1;
                received.deliveries.push(delivery);
                i += 1;
            }
            self.refresh_group(&group);
        }
        received
    }

    /// A FIFO receive with a `ReceiveRequestAttemptId`: a retry within five minutes gets the
    /// same messages and receipt handles again, with their visibility timeout restarted, as
    /// long as none of them was deleted, received again or made visible since.
    pub fn receive_attempt(
        &mut self,
        now: Timestamp,
        attempt_id: &str,
        max: usize,
        timeout: u32,
        dead_letter_queue_exists: bool,
    ) -> Received {
        self.advance(now);
        let max_receives = self
            .attributes
            .redrive_policy
            .as_ref()
            .filter(|_| dead_letter_queue_exists)
            .map(|p| p.max_receive_count);
        let Queue {
            fifo,
            messages,
            timers,
            journal,
            uid,
            ..
        } = self;
        let Some(fifo) = fifo.as_mut() else {
            return Received::default();
        };
        fifo.attempts.retain(|_, (_, expires)| *expires > now);
        if let Some((batch, _)) = fifo.attempts.get(attempt_id).filter(|(b, _)| !b.is_empty()) {
            let unchanged = batch.iter().all(|(seq, d)| {
                messages.get(seq).is_some_and(|m| {
                    matches!(m.state, State::InFlight { .. }) && m.receive_count == d.receive_count
                })
            });
            if unchanged {
                let deliveries = batch.iter().map(|(_, d)| d.clone()).collect();
                for (seq, _) in batch {
                    if let Some(m) = messages.get_mut(seq) {
                        m.state = State::InFlight { received_at: now };
                        m.epoch = m.epoch.wrapping_add(1);
                        let until = now.plus_secs(u64::from(timeout));
                        timers.push(std::cmp::Reverse((until, *seq, m.epoch)));
                        journal.record(|| Change::MessageUpdated {
                            uid: *uid,
                            seq: *seq,
                            state: MessageState::InFlight {
                                received_at: now,
                                until,
                            },
                            receive_count: m.receive_count,
                            first_received_at: m.first_received_at,
                        });
                    }
                }
                return Received {
                    deliveries,
                    ..Received::default()
                };
            }
        }
        if self.counts.visible > 0 && self.counts.in_flight >= super::MAX_IN_FLIGHT {
            return Received::default();
        }
        let received = self.receive_fifo(now, max, timeout, max_receives);
        if let Some(fifo) = self
            .fifo
            .as_mut()
            .filter(|_| !received.deliveries.is_empty())
        {
            if fifo.attempts.len() < MAX_ATTEMPTS {
                let batch = received
                    .deliveries
                    .iter()
                    .filter_map(|d| {
                        super::Receipt::decode(&d.receipt_handle).map(|r| (r.seq, d.clone()))
                    })
                    .collect();
                fifo.attempts
                    .insert(attempt_id.into(), (batch, now.plus_millis(DEDUP_WINDOW_MS)));
            }
        }
        received
    }

    /// Removes up to `max` receivable messages of unlocked groups, in group order, for a
    /// message move task.
    pub(super) fn take_for_move_fifo(&mut self, max: usize) -> Vec<Taken> {
        let mut out = Vec::new();
        while out.len() < max {
            let Some(head) = self
                .fifo
                .as_ref()
                .and_then(|f| f.available.first().map(|(seq, _)| *seq))
            else {
                break;
            };
            let group = self.group_of_seq(head);
            if let Some(msg) = self.messages.remove(&head) {
                self.counts.visible -= 1;
                out.push((msg.content, msg.dead_letter_source_arn, head));
            }
            match group {
                Some(group) => self.refresh_group(&group),
                None => break,
            }
        }
        out
    }
}
