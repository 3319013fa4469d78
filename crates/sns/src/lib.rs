//! Amazon SNS for Sluice: the engine (topics, subscriptions, filter policies, platform
//! applications, SMS, the outbox), the service (operations on the shared clock, delivery off
//! the publish path) and the API (typed inputs and outputs for Query and JSON).
//! SNS reaches SQS only through the `QueueSink` port the server implements.

pub mod api;
pub mod engine;
mod error;
mod service;

pub use api::serve;
pub use error::SnsError;
pub use service::{
    BoxFuture, DeliveryOptions, EnqueueError, HttpRequest, HttpSink, Ports, QueueMessage,
    QueueSink, SnsService, CERT_PATH, CERT_PEM,
};
