//! Amazon SNS for Sluice, in layers that point one way: `api` (the operation list, Query and
//! JSON 1.0 codecs, the error table) -> `service` (operations on the shared clock, delivery
//! off the publish path) -> `engine` (topics, subscriptions and their rules, filter policies,
//! platform applications, SMS, the outbox). `model` holds the typed inputs and outputs.
//! SNS reaches SQS only through the `QueueSink` port the server implements.

pub mod api;
pub mod engine;
mod error;
pub mod model;
mod service;

pub use api::serve;
pub use error::SnsError;
pub use service::{
    BoxFuture, DeliveryOptions, EnqueueError, HttpRequest, HttpSink, Ports, QueueMessage,
    QueueSink, SnsService, CERT_PATH, CERT_PEM,
};
