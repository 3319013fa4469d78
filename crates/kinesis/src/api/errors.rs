//! The wire form of every `KinesisError`: the JSON `__type` (Kinesis is not
//! query-compatible, so no `x-amzn-query-error`) and the HTTP status (400 for every client
//! error, as Kinesis answers).

use sluice_wire::{ErrorDescriptor, Fault};

use crate::engine::KinesisError;

const fn client(type_name: &'static str) -> ErrorDescriptor {
    ErrorDescriptor {
        type_name,
        query_code: type_name,
        fault: Fault::Sender,
        status: 400,
    }
}

pub fn describe(error: &KinesisError) -> ErrorDescriptor {
    match error {
        KinesisError::ResourceNotFound(_) => client("ResourceNotFoundException"),
        KinesisError::ResourceInUse(_) => client("ResourceInUseException"),
        KinesisError::InvalidArgument(_) => client("InvalidArgumentException"),
        KinesisError::LimitExceeded(_) => client("LimitExceededException"),
        KinesisError::ExpiredIterator(_) => client("ExpiredIteratorException"),
        KinesisError::ExpiredNextToken(_) => client("ExpiredNextTokenException"),
        KinesisError::ProvisionedThroughputExceeded(_) => {
            client("ProvisionedThroughputExceededException")
        }
        KinesisError::AccessDenied(_) => client("AccessDeniedException"),
        KinesisError::Validation(_) => client("ValidationException"),
    }
}
