//! Messages crossing between queues: taken in from a source queue's redrive (or handed
//! back), and taken out by a message move task.

use std::sync::Arc;

use sluice_core::Timestamp;

use super::{DeadLetter, MessageContent, Queue, State, Stored};

/// A message taken out for a move: its content, the queue it was dead-lettered from, its seq.
pub type Taken = (Arc<MessageContent>, Option<Arc<str>>, u64);
use crate::engine::journal::{Change, MessageState, StoredMessage};

impl Queue {
    /// Takes in a message that was stored elsewhere: moved here by a source queue's redrive
    /// (with that queue's ARN), or handed back after a failed move. It is receivable at once
    /// and keeps its original enqueue time, so retention counts from the first send.
    pub fn accept_dead_letter(
        &mut self,
        now: Timestamp,
        letter: DeadLetter,
        source_arn: Option<Arc<str>>,
    ) {
        let DeadLetter {
            content,
            receive_count,
            first_received_at,
        } = letter;
        self.advance(now);
        let seq = self.next_seq;
        self.next_seq += 1;
        // Standard queues keep the original enqueue time for retention; FIFO queues restart
        // it at the move, as AWS documents. `by_age` stays sorted by that time.
        let enqueued = if self.fifo.is_some() {
            now
        } else {
            content.sent_at
        };
        let at = self.by_age.partition_point(|(t, _)| *t <= enqueued);
        self.by_age.insert(at, (enqueued, seq));
        if self.fifo.is_none() {
            self.ready.push_back((seq, 0));
        }
        self.counts.visible += 1;
        let uid = self.uid;
        self.journal.record(|| Change::MessageStored {
            uid,
            message: StoredMessage {
                seq,
                content: content.clone(),
                enqueued_at: enqueued,
                state: MessageState::Visible,
                receive_count,
                first_received_at,
                dead_letter_source_arn: source_arn.clone(),
            },
        });
        self.messages.insert(
            seq,
            Stored {
                content,
                state: State::Visible,
                epoch: 0,
                receive_count,
                first_received_at,
                dead_letter_source_arn: source_arn,
            },
        );
        if self.fifo.is_some() {
            self.fifo_stored(seq);
        }
    }

    /// Removes up to `max` receivable messages, oldest first, for a message move task.
    /// Returns each with the ARN of the queue it was dead-lettered from, if any, and its seq
    /// here, for `Queue::record_removed` once it is stored where it went.
    pub fn take_for_move(&mut self, now: Timestamp, max: usize) -> Vec<Taken> {
        self.advance(now);
        if self.fifo.is_some() {
            return self.take_for_move_fifo(max);
        }
        let mut out = Vec::new();
        while out.len() < max {
            let Some((seq, epoch)) = self.ready.pop_front() else {
                break;
            };
            let live = self
                .messages
                .get(&seq)
                .is_some_and(|m| m.epoch == epoch && m.state == State::Visible);
            if let Some(msg) = live.then(|| self.messages.remove(&seq)).flatten() {
                self.counts.visible -= 1;
                out.push((msg.content, msg.dead_letter_source_arn, seq));
            }
        }
        self.compact();
        out
    }
}
