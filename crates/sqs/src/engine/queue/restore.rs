//! Rebuilding a queue from its stored records when a data dir is opened: messages in `seq`
//! order with their states and absolute deadlines, FIFO group order and locks,
//! deduplication ids and the next sequence number. Nothing restored is recorded again.

use std::cmp::Reverse;

use sluice_core::Timestamp;

use super::{Queue, State, Stored};
use crate::engine::journal::{DedupEntry, MessageState, StoredMessage};

impl Queue {
    /// Puts a stored message back. Messages come in ascending `seq` order, before the queue
    /// serves any request; a deadline already past takes effect at the next `advance`.
    pub fn restore_message(&mut self, message: StoredMessage) {
        let StoredMessage {
            seq,
            content,
            enqueued_at,
            state,
            receive_count,
            first_received_at,
            dead_letter_source_arn,
        } = message;
        self.next_seq = self.next_seq.max(seq + 1);
        let at = self.by_age.partition_point(|(t, _)| *t <= enqueued_at);
        self.by_age.insert(at, (enqueued_at, seq));
        let state = match state {
            MessageState::Delayed { until } => {
                self.timers.push(Reverse((until, seq, 0)));
                self.counts.delayed += 1;
                State::Delayed
            }
            MessageState::Visible => {
                if self.fifo.is_none() {
                    self.ready.push_back((seq, 0));
                }
                self.counts.visible += 1;
                State::Visible
            }
            MessageState::InFlight { received_at, until } => {
                self.timers.push(Reverse((until, seq, 0)));
                self.counts.in_flight += 1;
                State::InFlight { received_at }
            }
        };
        if let (Some(fifo), Some(number)) = (self.fifo.as_mut(), content.sequence_number) {
            fifo.continue_sequence_after(number);
        }
        self.messages.insert(
            seq,
            Stored {
                content,
                state,
                epoch: 0,
                receive_count,
                first_received_at,
                dead_letter_source_arn,
            },
        );
        if self.fifo.is_some() {
            self.fifo_restored(seq, matches!(state, State::InFlight { .. }));
        }
    }

    /// Remembers a FIFO deduplication id again unless it expired by `now`. Entries come in
    /// order of expiry.
    pub fn restore_dedup(&mut self, entry: DedupEntry, now: Timestamp) {
        if let Some(fifo) = self.fifo.as_mut() {
            fifo.continue_sequence_after(entry.sequence_number);
            if entry.expires > now {
                fifo.remember(entry);
            }
        }
    }

    /// The seq the next message gets: seqs, and with them receipt handles, never repeat in a
    /// queue, even after its newest messages were deleted and the process restarted.
    pub fn restore_next_seq(&mut self, next: u64) {
        self.next_seq = self.next_seq.max(next);
    }

    /// The FIFO sequence number the queue had reached: numbers never repeat after a restart,
    /// even when every message and deduplication id that used one is gone.
    pub fn restore_sequence(&mut self, last_used: u128) {
        if let Some(fifo) = self.fifo.as_mut() {
            fifo.continue_sequence_after(last_used);
        }
    }

    /// The FIFO sequence number handed out last, if any.
    pub fn last_sequence_number(&self) -> Option<u128> {
        self.fifo.as_ref().and_then(|f| f.last_sequence_number())
    }
}
