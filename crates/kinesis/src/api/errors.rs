//! The wire form of every `KinesisError`: the JSON `__type` (Kinesis is not
//! query-compatible, so no `x-amzn-query-error`) and the HTTP status (400 for every client
//! error, as Kinesis answers).

use sluice_wire::generic;
use sluice_wire::{ErrorDescriptor, Fault, ServiceWire};

use crate::engine::KinesisError;

pub const WIRE: ServiceWire = ServiceWire {
    xml_namespace: "http://kinesis.amazonaws.com/doc/2013-12-02",
    json_type_prefix: "",
    query_compatible: false,
};

/// An error of the request framing, before an operation ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FramingError {
    UnknownOperation(String),
    Serialization(String),
}

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

pub fn describe_framing(error: &FramingError) -> ErrorDescriptor {
    match error {
        FramingError::UnknownOperation(_) => generic::UNKNOWN_OPERATION,
        FramingError::Serialization(_) => generic::SERIALIZATION,
    }
}
