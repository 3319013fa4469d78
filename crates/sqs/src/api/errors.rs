//! The wire form of every `SqsError`: JSON `__type`, Query code, fault and HTTP status, as
//! the AWS model and recorded AWS responses give them. The match is exhaustive on purpose:
//! a new error cannot ship without its wire form.

use sluice_wire::generic;
use sluice_wire::{ErrorDescriptor, Fault, Protocol};

use crate::SqsError;

const fn sender(type_name: &'static str, query_code: &'static str, status: u16) -> ErrorDescriptor {
    ErrorDescriptor {
        type_name,
        query_code,
        fault: Fault::Sender,
        status,
    }
}

pub fn describe(error: &SqsError) -> ErrorDescriptor {
    use SqsError as E;
    match error {
        // Framework errors, shared by every service.
        E::SerializationException(_) => generic::SERIALIZATION,
        E::MissingParameter(_) => generic::MISSING_PARAMETER,
        E::QueueDoesNotExist => sender(
            "QueueDoesNotExist",
            "AWS.SimpleQueueService.NonExistentQueue",
            400,
        ),
        E::QueueAlreadyExists(_) => sender("QueueNameExists", "QueueAlreadyExists", 400),
        E::InvalidQueueName | E::InvalidFifoQueueName => generic::INVALID_PARAMETER_VALUE,
        E::InvalidAttributeName(_) | E::FifoOnlyAttribute(_) | E::ConflictingEncryption => {
            sender("InvalidAttributeName", "InvalidAttributeName", 400)
        }
        E::InvalidAttributeValue { .. } => {
            sender("InvalidAttributeValue", "InvalidAttributeValue", 400)
        }
        E::PurgeQueueInProgress(_) => sender(
            "PurgeQueueInProgress",
            "AWS.SimpleQueueService.PurgeQueueInProgress",
            403,
        ),
        E::QueueDeletedRecently => sender(
            "QueueDeletedRecently",
            "AWS.SimpleQueueService.QueueDeletedRecently",
            400,
        ),
        E::UnsupportedOperation(_) => sender(
            "UnsupportedOperation",
            "AWS.SimpleQueueService.UnsupportedOperation",
            400,
        ),
        E::InvalidParameterValue { .. }
        | E::InvalidParameterValueMessage(_)
        | E::MessageTooLong(_) => generic::INVALID_PARAMETER_VALUE,
        E::InvalidMessageContents => {
            sender("InvalidMessageContents", "InvalidMessageContents", 400)
        }
        E::ReceiptHandleIsInvalid(_) => {
            sender("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 404)
        }
        E::EmptyBatchRequest(_) => sender(
            "EmptyBatchRequest",
            "AWS.SimpleQueueService.EmptyBatchRequest",
            400,
        ),
        E::TooManyEntriesInBatchRequest(_) => sender(
            "TooManyEntriesInBatchRequest",
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
            400,
        ),
        E::BatchEntryIdsNotDistinct(_) => sender(
            "BatchEntryIdsNotDistinct",
            "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
            400,
        ),
        E::InvalidBatchEntryId => sender(
            "InvalidBatchEntryId",
            "AWS.SimpleQueueService.InvalidBatchEntryId",
            400,
        ),
        E::BatchRequestTooLong { .. } => sender(
            "BatchRequestTooLong",
            "AWS.SimpleQueueService.BatchRequestTooLong",
            400,
        ),
        E::OverLimit(_) => sender("OverLimit", "OverLimit", 403),
        E::ResourceNotFound(_) => sender(
            "ResourceNotFoundException",
            "ResourceNotFoundException",
            404,
        ),
    }
}

/// The message AWS sends, which for a missing queue differs between protocols.
pub fn message(error: &SqsError, protocol: Protocol) -> String {
    match (error, protocol) {
        (SqsError::QueueDoesNotExist, Protocol::Query) => {
            "The specified queue does not exist for this wsdl version.".to_owned()
        }
        _ => error.to_string(),
    }
}

impl SqsError {
    /// How this error appears on the wire: its row of the table above.
    pub fn descriptor(&self) -> ErrorDescriptor {
        describe(self)
    }

    /// The message of a failed batch entry, which for a bad receipt handle quotes it.
    pub fn batch_entry_message(&self) -> String {
        match self {
            SqsError::ReceiptHandleIsInvalid(handle) => {
                format!("The receipt handle \"{handle}\" is not valid for this queue.")
            }
            other => other.to_string(),
        }
    }
}
