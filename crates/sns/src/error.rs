//! `SnsError`: every error SNS answers, named after the AWS error shapes. Most SNS errors are
//! `InvalidParameter` with a reason; the variant carries that reason, and the wire form of
//! each variant (Query code, status) lives in `api::errors`.

use thiserror::Error;

/// An SNS error.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SnsError {
    // --- the model's errors ---
    /// `Invalid parameter: <reason>`.
    #[error("Invalid parameter: {0}")]
    InvalidParameter(String),
    /// An `InvalidParameter` whose AWS message has no "Invalid parameter: " prefix.
    #[error("{0}")]
    InvalidParameterMessage(String),
    #[error("{0}")]
    InvalidParameterValue(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    ResourceNotFound(String),
    #[error("{0}")]
    AuthorizationError(String),
    #[error("Endpoint is disabled")]
    EndpointDisabled,
    #[error("{0}")]
    PlatformApplicationDisabled(String),
    #[error("Two or more batch entries in the request have the same Id.")]
    BatchEntryIdsNotDistinct,
    #[error("The length of all the messages put together is more than the limit.")]
    BatchRequestTooLong,
    #[error("The batch request doesn't contain any entries.")]
    EmptyBatchRequest,
    /// AWS names the offending id and the rule it breaks (length first, then characters).
    #[error("The Id of a batch entry in the batch request {}: {id}", if *too_long { "is too long" } else { "contains an impermissible character" })]
    InvalidBatchEntryId { id: String, too_long: bool },
    #[error("The batch request contains more entries than permissible.")]
    TooManyEntriesInBatchRequest,
    #[error("{0}")]
    TagLimitExceeded(String),
    #[error("Filter policy limit exceeded")]
    FilterPolicyLimitExceeded,
    #[error("{0}")]
    Validation(String),
    /// The framework's constraint check (a required member missing), code `ValidationError`.
    #[error("{0}")]
    ValidationError(String),
    #[error("{0}")]
    Verification(String),
    #[error("{0}")]
    OptedOut(String),
    #[error("{0}")]
    InvalidState(String),
    /// A failure inside Sluice; the cause is logged, the client sees a generic message.
    #[error("Internal error")]
    Internal(String),
}

impl SnsError {
    pub fn invalid(reason: impl Into<String>) -> SnsError {
        SnsError::InvalidParameter(reason.into())
    }
}
