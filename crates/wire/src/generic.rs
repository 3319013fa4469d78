//! Errors of the AWS service framework rather than of one service's model: the same shapes
//! (and `com.amazon.coral.service#` namespace) for every service Sluice serves.
//! See <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html>.

use crate::{ErrorDescriptor, Fault};

const fn sender(type_name: &'static str, query_code: &'static str, status: u16) -> ErrorDescriptor {
    ErrorDescriptor {
        type_name,
        query_code,
        fault: Fault::Sender,
        status,
    }
}

/// An operation (Query action or JSON target) the service does not have.
pub const UNKNOWN_OPERATION: ErrorDescriptor = sender(
    "com.amazon.coral.service#UnknownOperationException",
    "InvalidAction",
    400,
);
/// A Query request without `Action`.
pub const MISSING_ACTION: ErrorDescriptor = sender(
    "com.amazon.coral.service#MissingAction",
    "MissingAction",
    400,
);
/// A form that does not decode (AWS documents 404 for this one).
pub const MALFORMED_QUERY_STRING: ErrorDescriptor = sender(
    "com.amazon.coral.service#MalformedQueryString",
    "MalformedQueryString",
    404,
);
/// A JSON document of the wrong shape, or a body that cannot be read.
pub const SERIALIZATION: ErrorDescriptor = sender(
    "com.amazon.coral.service#SerializationException",
    "SerializationException",
    400,
);
pub const MISSING_PARAMETER: ErrorDescriptor = sender(
    "com.amazon.coral.service#MissingRequiredParameterException",
    "MissingParameter",
    400,
);
pub const INVALID_PARAMETER_VALUE: ErrorDescriptor = sender(
    "com.amazon.coral.service#InvalidParameterValueException",
    "InvalidParameterValue",
    400,
);
/// A body over the request size bound.
pub const REQUEST_ENTITY_TOO_LARGE: ErrorDescriptor = sender(
    "com.amazon.coral.service#RequestEntityTooLargeException",
    "RequestEntityTooLarge",
    413,
);
/// A failure of Sluice itself; the cause is logged with the request id.
pub const INTERNAL_FAILURE: ErrorDescriptor = ErrorDescriptor {
    type_name: "com.amazon.coral.service#InternalFailure",
    query_code: "InternalFailure",
    fault: Fault::Receiver,
    status: 500,
};
