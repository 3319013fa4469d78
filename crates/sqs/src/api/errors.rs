//! The wire form of every `SqsError`: JSON `__type`, Query code, fault and HTTP status, as
//! the AWS model and recorded AWS responses give them. The match is exhaustive on purpose:
//! a new error cannot ship without its wire form.

use sluice_wire::{ErrorDescriptor, Fault, Protocol, ServiceWire};

use crate::SqsError;

pub const WIRE: ServiceWire = ServiceWire {
    xml_namespace: "http://queue.amazonaws.com/doc/2012-11-05/",
    json_type_prefix: "com.amazonaws.sqs#",
    query_compatible: true,
};

const fn sender(type_name: &'static str, query_code: &'static str, status: u16) -> ErrorDescriptor {
    ErrorDescriptor {
        type_name,
        query_code,
        fault: Fault::Sender,
        status,
    }
}

/// Generic errors come from the AWS service framework, not the SQS model, so their `__type`
/// carries a different namespace (a `#` in `type_name` overrides the SQS prefix).
const INVALID_PARAMETER_VALUE: ErrorDescriptor = sender(
    "com.amazon.coral.service#InvalidParameterValueException",
    "InvalidParameterValue",
    400,
);

pub fn describe(error: &SqsError) -> ErrorDescriptor {
    use SqsError as E;
    match error {
        E::InvalidAction(_) => sender(
            "com.amazon.coral.service#UnknownOperationException",
            "InvalidAction",
            400,
        ),
        E::MalformedQueryString(_) => sender(
            "com.amazon.coral.service#MalformedQueryString",
            "MalformedQueryString",
            404,
        ),
        E::SerializationException(_) => sender(
            "com.amazon.coral.service#SerializationException",
            "SerializationException",
            400,
        ),
        E::MissingParameter(_) => sender(
            "com.amazon.coral.service#MissingRequiredParameterException",
            "MissingParameter",
            400,
        ),
        E::QueueDoesNotExist => sender(
            "QueueDoesNotExist",
            "AWS.SimpleQueueService.NonExistentQueue",
            400,
        ),
        E::QueueAlreadyExists(_) => sender("QueueNameExists", "QueueAlreadyExists", 400),
        E::InvalidQueueName | E::InvalidFifoQueueName => INVALID_PARAMETER_VALUE,
        E::InvalidAttributeName(_) | E::ConflictingEncryption => {
            sender("InvalidAttributeName", "InvalidAttributeName", 400)
        }
        E::InvalidAttributeValue { .. } => {
            sender("InvalidAttributeValue", "InvalidAttributeValue", 400)
        }
        E::InvalidAddress(_) => sender("InvalidAddress", "InvalidAddress", 404),
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
        | E::MessageTooLong(_) => INVALID_PARAMETER_VALUE,
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
