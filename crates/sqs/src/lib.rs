//! Amazon SQS for Sluice: the engine (queues as synchronous state machines), the service
//! (operations on the shared clock, long polling) and the API (typed inputs and outputs for the
//! Query and JSON protocols).

pub mod engine;
mod error;

pub use error::SqsError;
