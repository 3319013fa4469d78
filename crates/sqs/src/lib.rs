//! Amazon SQS for Sluice, in layers that point one way: `api` (the operation list, decoding
//! and encoding for Query and JSON 1.0, the error table) -> `service` (operations on the
//! shared clock, long polling) -> `engine` (queues as synchronous state machines taking
//! `now`). `model` holds the typed inputs and outputs the API and the service share.

pub mod api;
pub mod engine;
mod error;
pub mod model;
mod service;

pub use api::serve;
pub use error::SqsError;
pub use service::{QueueSummary, SqsService, PEEK_RECEIPT_HANDLE};
