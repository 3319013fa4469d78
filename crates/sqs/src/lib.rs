//! Amazon SQS for Sluice: the engine (queues as synchronous state machines), the service
//! (operations on the shared clock, long polling) and the API (typed inputs and outputs for the
//! Query and JSON protocols).

pub mod api;
pub mod engine;
mod error;
mod service;

pub use api::serve;
pub use error::SqsError;
pub use service::{QueueSummary, SqsService, PEEK_RECEIPT_HANDLE};
