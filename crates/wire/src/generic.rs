//! Errors of the AWS service framework rather than of one service's model: the same shapes
//! (and `com.amazon.coral.service#` namespace) for every service Sluice serves.
//! See <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html>.

use crate::de::DecodeError;
use crate::{
    render_error, ApiResponse, DetectError, DetectErrorKind, ErrorDescriptor, Fault, Protocol,
    Service,
};

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

/// Renders a framework error in the shape `service`'s clients expect (a service that does
/// not speak Query answers in its JSON protocol).
pub fn framework_error(
    service: Service,
    protocol: Protocol,
    desc: &ErrorDescriptor,
    message: &str,
    request_id: &str,
) -> ApiResponse {
    let protocol = if protocol == Protocol::Query && !service.speaks_query() {
        service.default_json()
    } else {
        protocol
    };
    render_error(protocol, service.wire(), desc, message, request_id)
}

/// What each service says of an operation it does not have.
fn unknown_operation(service: Service, operation: &str) -> String {
    match service {
        Service::Sqs => "The action or operation requested is invalid. Verify that the action is typed correctly.".to_owned(),
        Service::Sns => format!("The action {operation} is not valid for this endpoint."),
        Service::Kinesis => format!("The operation {operation} is not known."),
    }
}

impl DetectError {
    /// The answer to a request that could not be routed.
    pub fn response(&self, request_id: &str) -> ApiResponse {
        let (desc, message) = match &self.kind {
            DetectErrorKind::MissingAction => (
                &MISSING_ACTION,
                "The request must contain the parameter Action.".to_owned(),
            ),
            DetectErrorKind::UnknownAction(action) => (
                &UNKNOWN_OPERATION,
                format!("The action {action} is not valid for this endpoint."),
            ),
            DetectErrorKind::UnknownTarget(target) => (
                &UNKNOWN_OPERATION,
                format!("The operation {target} is not known."),
            ),
            DetectErrorKind::UnknownOperation(operation) => (
                &UNKNOWN_OPERATION,
                unknown_operation(self.service, operation),
            ),
            DetectErrorKind::MalformedQuery(e) => (&MALFORMED_QUERY_STRING, e.to_string()),
            DetectErrorKind::QueryNotSupported => (
                &SERIALIZATION,
                "This service speaks AWS JSON 1.1 or CBOR, not AWS Query.".to_owned(),
            ),
        };
        framework_error(self.service, self.protocol, desc, &message, request_id)
    }
}

impl DecodeError {
    /// The answer to a request whose parameters do not fit the operation's input.
    pub fn response(&self, service: Service, protocol: Protocol, request_id: &str) -> ApiResponse {
        let (desc, message) = match self {
            DecodeError::Query(m) => (&MALFORMED_QUERY_STRING, m.clone()),
            DecodeError::Document(m) => (&SERIALIZATION, m.clone()),
            DecodeError::UnknownOperation(operation) => {
                (&UNKNOWN_OPERATION, unknown_operation(service, operation))
            }
        };
        framework_error(service, protocol, desc, &message, request_id)
    }
}
