//! The wire form of every `SnsError`: Query code, fault and HTTP status from the botocore
//! model, and the JSON `__type` for JSON clients. Exhaustive on purpose.

use sluice_wire::{ErrorDescriptor, Fault};

use crate::SnsError;

const fn sender(type_name: &'static str, query_code: &'static str, status: u16) -> ErrorDescriptor {
    ErrorDescriptor {
        type_name,
        query_code,
        fault: Fault::Sender,
        status,
    }
}

pub fn describe(error: &SnsError) -> ErrorDescriptor {
    use SnsError as E;
    match error {
        E::InvalidParameter(_) | E::InvalidParameterMessage(_) => {
            sender("InvalidParameterException", "InvalidParameter", 400)
        }
        E::InvalidParameterValue(_) => sender(
            "InvalidParameterValueException",
            "ParameterValueInvalid",
            400,
        ),
        E::NotFound(_) => sender("NotFoundException", "NotFound", 404),
        E::ResourceNotFound(_) => sender("ResourceNotFoundException", "ResourceNotFound", 404),
        E::AuthorizationError(_) => {
            sender("AuthorizationErrorException", "AuthorizationError", 403)
        }
        E::EndpointDisabled => sender("EndpointDisabledException", "EndpointDisabled", 400),
        E::PlatformApplicationDisabled(_) => sender(
            "PlatformApplicationDisabledException",
            "PlatformApplicationDisabled",
            400,
        ),
        E::BatchEntryIdsNotDistinct => sender(
            "BatchEntryIdsNotDistinctException",
            "BatchEntryIdsNotDistinct",
            400,
        ),
        E::BatchRequestTooLong => {
            sender("BatchRequestTooLongException", "BatchRequestTooLong", 400)
        }
        E::EmptyBatchRequest => sender("EmptyBatchRequestException", "EmptyBatchRequest", 400),
        E::InvalidBatchEntryId { .. } => {
            sender("InvalidBatchEntryIdException", "InvalidBatchEntryId", 400)
        }
        E::TooManyEntriesInBatchRequest => sender(
            "TooManyEntriesInBatchRequestException",
            "TooManyEntriesInBatchRequest",
            400,
        ),
        E::TagLimitExceeded(_) => sender("TagLimitExceededException", "TagLimitExceeded", 400),
        E::FilterPolicyLimitExceeded => sender(
            "FilterPolicyLimitExceededException",
            "FilterPolicyLimitExceeded",
            403,
        ),
        E::Validation(_) => sender("ValidationException", "ValidationException", 400),
        E::ValidationError(_) => sender("ValidationException", "ValidationError", 400),
        E::Verification(_) => sender("VerificationException", "VerificationException", 400),
        E::OptedOut(_) => sender("OptedOutException", "OptedOut", 400),
        E::InvalidState(_) => sender("InvalidStateException", "InvalidState", 400),
        E::Internal(_) => ErrorDescriptor {
            type_name: "InternalErrorException",
            query_code: "InternalError",
            fault: Fault::Receiver,
            status: 500,
        },
    }
}

impl SnsError {
    /// How this error appears on the wire: its row of the table above.
    pub fn descriptor(&self) -> ErrorDescriptor {
        describe(self)
    }
}
