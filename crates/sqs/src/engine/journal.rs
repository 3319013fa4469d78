//! Change records of the SQS engine: what each mutation did to a queue, handed to the
//! process's `ChangeLog` under the queue's lock (so one queue's records keep their order), and
//! the same shapes handed back to rebuild queues on restore. Deadlines are absolute times, so
//! a restored message's delay or visibility timeout runs out on the clock by itself; lazy
//! transitions (a delay ending, a visibility timeout lapsing) are never recorded.

use std::collections::BTreeMap;
use std::sync::Arc;

use sluice_core::{Journal, Timestamp};

use super::attributes::QueueAttributes;
use super::message::MessageContent;
use super::registry::QueueKey;

/// An SQS engine's change log.
pub type SqsJournal = Journal<Change>;

/// One mutation. `uid` names the queue incarnation (a queue deleted and created again under
/// the same name has a new one); `seq` a message within it.
#[derive(Debug, Clone)]
pub enum Change {
    /// A queue was created or its configuration (attributes, tags) changed: the whole
    /// configuration, which is small.
    QueueSaved(Arc<QueueRecord>),
    QueueDeleted {
        uid: u64,
    },
    MessageStored {
        uid: u64,
        message: StoredMessage,
    },
    /// A message was received or its visibility changed.
    MessageUpdated {
        uid: u64,
        seq: u64,
        state: MessageState,
        receive_count: u32,
        first_received_at: Option<Timestamp>,
    },
    MessageDeleted {
        uid: u64,
        seq: u64,
    },
    Purged {
        uid: u64,
    },
    /// A FIFO send remembered its deduplication id (and used up a sequence number).
    Deduplicated {
        uid: u64,
        entry: DedupEntry,
    },
    /// Deduplication ids that expired at or before `at` are forgotten.
    DedupExpired {
        uid: u64,
        at: Timestamp,
    },
    /// A message move task started or progressed.
    MoveTaskSaved(Arc<MoveTaskRecord>),
    /// A finished move task dropped out of the list ListMessageMoveTasks shows.
    MoveTaskForgotten {
        handle: String,
    },
}

/// A message move task, as stored (JSON in the store).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MoveTaskRecord {
    pub handle: String,
    pub source_arn: String,
    pub destination_arn: Option<String>,
    pub rate: Option<u32>,
    /// `RUNNING`, `CANCELLING`, `CANCELLED`, `COMPLETED` or `FAILED`.
    pub status: String,
    pub moved: u64,
    pub to_move: u64,
    pub started_at: u64,
    pub failure_reason: Option<String>,
}

/// A queue's configuration, as stored and restored.
#[derive(Debug, Clone)]
pub struct QueueRecord {
    pub uid: u64,
    pub key: QueueKey,
    pub attributes: QueueAttributes,
    pub tags: BTreeMap<String, String>,
    pub created_at: Timestamp,
    pub last_modified_at: Timestamp,
}

/// Where a message stands, with its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageState {
    Delayed {
        until: Timestamp,
    },
    Visible,
    InFlight {
        received_at: Timestamp,
        until: Timestamp,
    },
}

/// A stored message with everything its queue knows of it.
#[derive(Debug, Clone)]
pub struct StoredMessage {
    pub seq: u64,
    pub content: Arc<MessageContent>,
    /// When retention starts counting: the send, or for FIFO dead letters the move.
    pub enqueued_at: Timestamp,
    pub state: MessageState,
    pub receive_count: u32,
    pub first_received_at: Option<Timestamp>,
    pub dead_letter_source_arn: Option<Arc<str>>,
}

/// A remembered FIFO deduplication id: what a duplicate send within five minutes answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DedupEntry {
    /// The message group, when `DeduplicationScope` is `messageGroup`.
    pub group: Option<Arc<str>>,
    pub deduplication_id: Box<str>,
    pub message_id: u128,
    pub sequence_number: u128,
    pub expires: Timestamp,
}
