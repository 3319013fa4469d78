//! The SQS engine: queues as synchronous state machines and the registry that holds them per
//! account and region. Knows nothing of HTTP or wire formats.

mod attributes;
mod journal;
mod message;
mod queue;
mod receipt;
mod redrive;
mod registry;
mod seq_map;

pub use attributes::{
    QueueAttributes, MAX_DELAY_SECONDS, MAX_MESSAGE_SIZE, MAX_VISIBILITY_TIMEOUT,
    MAX_WAIT_TIME_SECONDS, READ_ONLY,
};
pub use journal::{
    Change, DedupEntry, MessageState, MoveTaskRecord, QueueRecord, SqsJournal, StoredMessage,
};
pub use message::{
    md5_of_attributes, md5_of_body, md5_of_system_attributes, valid_group_or_dedup_id,
    validate_attributes, validate_text, AttributeData, AttributeValue, MessageAttributes,
    MessageContent, NewMessage, MAX_MESSAGE_ATTRIBUTES,
};
pub use queue::{
    Counts, DeadLetter, Delivery, FifoSent, Peeked, Queue, Received, Taken, DEDUP_WINDOW_MS,
    MAX_IN_FLIGHT,
};
pub use redrive::{RedriveAllowPolicy, RedrivePolicy};
pub use registry::{QueueCell, QueueKey, Registry};
