//! `SqsError`: every error SQS answers, named after the AWS error shapes. The wire form of
//! each (JSON `__type`, Query code, status) lives in `api::errors`.

use thiserror::Error;

/// An SQS error, carrying the facts its AWS message is built from.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SqsError {
    // --- request checks (decoding itself fails with `sluice_wire::de::DecodeError`) ---
    /// A value the model types as a blob that is not base64.
    #[error("{0}")]
    SerializationException(String),
    #[error("The request must contain the parameter {0}.")]
    MissingParameter(&'static str),

    // --- queues ---
    /// The Query protocol words it "..does not exist for this wsdl version."; see
    /// `api::errors`.
    #[error("The specified queue does not exist.")]
    QueueDoesNotExist,
    #[error("A queue already exists with the same name and a different value for attribute {0}")]
    QueueAlreadyExists(String),
    #[error(
        "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
    )]
    InvalidQueueName,
    #[error("The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")]
    InvalidFifoQueueName,
    #[error("Unknown Attribute {0}.")]
    InvalidAttributeName(String),
    /// A FIFO-only setting named for a standard queue (AWS's text, seen in CreateQueue and
    /// SetQueueAttributes answers).
    #[error("You can specify the {0} only when FifoQueue is set to true.")]
    FifoOnlyAttribute(&'static str),
    #[error("You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.")]
    ConflictingEncryption,
    #[error("Invalid value for the parameter {name}.{}", reason.as_deref().map(|r| format!(" Reason: {r}")).unwrap_or_default())]
    InvalidAttributeValue {
        name: String,
        reason: Option<String>,
    },
    #[error("Only one PurgeQueue operation on {0} is allowed every 60 seconds.")]
    PurgeQueueInProgress(String),
    #[error("You must wait 60 seconds after deleting a queue before you can create another with the same name.")]
    QueueDeletedRecently,
    #[error("{0}")]
    UnsupportedOperation(String),

    // --- parameters and messages ---
    #[error("Value {value} for parameter {name} is invalid. Reason: {reason}")]
    InvalidParameterValue {
        name: String,
        value: String,
        reason: String,
    },
    /// An `InvalidParameterValue` whose AWS message does not follow the
    /// "Value .. for parameter .." form.
    #[error("{0}")]
    InvalidParameterValueMessage(String),
    #[error("One or more parameters are invalid. Reason: Message must be shorter than {0} bytes.")]
    MessageTooLong(u32),
    #[error("Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF")]
    InvalidMessageContents,
    #[error("The input receipt handle \"{0}\" is not a valid receipt handle.")]
    ReceiptHandleIsInvalid(String),

    // --- batches ---
    #[error("There should be at least one {0} in the request.")]
    EmptyBatchRequest(&'static str),
    #[error("Maximum number of entries per request are 10. You have sent {0}.")]
    TooManyEntriesInBatchRequest(usize),
    #[error("Id {0} repeated.")]
    BatchEntryIdsNotDistinct(String),
    #[error("A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")]
    InvalidBatchEntryId,
    #[error("Batch requests cannot be longer than {max} bytes. You have sent {sent} bytes.")]
    BatchRequestTooLong { max: u32, sent: usize },

    #[error("{0}")]
    ResourceNotFound(String),

    // --- limits ---
    #[error("Too many messages in flight for the queue (limit {0}).")]
    OverLimit(usize),
}

impl SqsError {
    /// `InvalidParameterValue` in AWS's "Value .. for parameter .. is invalid" form.
    pub fn invalid_param(name: &str, value: impl ToString, reason: &str) -> SqsError {
        SqsError::InvalidParameterValue {
            name: name.to_owned(),
            value: value.to_string(),
            reason: reason.to_owned(),
        }
    }

    pub fn invalid_attribute(name: &str) -> SqsError {
        SqsError::InvalidAttributeValue {
            name: name.to_owned(),
            reason: None,
        }
    }
}
