//! Amazon Kinesis Data Streams for Sluice, in layers that point one way: `api` (the operation
//! list, AWS JSON 1.1 and CBOR, SubscribeToShard events as event-stream frames, the error
//! table) -> `service` (operations on the shared clock, SubscribeToShard as typed events) ->
//! `engine` (streams, shards, sequence numbers, iterators, resharding, consumers, throughput
//! limits). `model` holds the typed inputs and outputs.

pub mod api;
pub mod engine;
pub mod model;
mod service;

pub use api::serve;
pub use engine::{Config, KinesisError, DEFAULT_MAX_RETAINED_BYTES};
pub use service::{KinesisService, ShardEvent, ShardEvents};
