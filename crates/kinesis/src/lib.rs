//! Amazon Kinesis Data Streams for Sluice: the engine (streams, shards, sequence numbers,
//! iterators, resharding, consumers, throughput limits), the service (operations on the
//! shared clock, SubscribeToShard pushes) and the API (AWS JSON 1.1 and CBOR, event
//! streams).

pub mod api;
pub mod engine;
mod service;

pub use api::serve;
pub use engine::{Config, KinesisError};
pub use service::{KinesisService, ShardEvent, ShardEvents};
