//! `KinesisService`: the Kinesis operations on the shared clock. Resolves streams by name or
//! ARN, converts wire integers with AWS's validation, and calls the engine, which locks only
//! the stream a call names. Writes wake SubscribeToShard pushes through the stream's `Notify`.

mod consumers;
mod records;
mod streams;
mod subscribe;

use std::sync::{Arc, Mutex};

use sluice_core::{Clock, RequestContext, Runtime, Scheduler};

pub use subscribe::{ShardEvent, ShardEvents};

use crate::engine::{Config, KinesisError, Registry, StreamKey};

/// The Kinesis operations of one process.
#[derive(Debug, Clone)]
pub struct KinesisService {
    registry: Arc<Registry>,
    clock: Arc<dyn Clock>,
    scheduler: Scheduler,
    /// Live SubscribeToShard calls by `(consumer ARN, shard id)`.
    subscriptions: Arc<Mutex<subscribe::Leases>>,
    next_lease: Arc<std::sync::atomic::AtomicU64>,
}

impl KinesisService {
    /// The service on the runtime's clock.
    pub fn new(runtime: &Runtime, config: Config) -> KinesisService {
        KinesisService::with_journal(runtime, config, crate::engine::KinesisJournal::default())
    }

    /// [`KinesisService::new`], recording every change to streams in `journal`.
    pub fn with_journal(
        runtime: &Runtime,
        config: Config,
        journal: crate::engine::KinesisJournal,
    ) -> KinesisService {
        KinesisService {
            registry: Arc::new(Registry::new(config).with_journal(journal)),
            clock: runtime.clock().clone(),
            scheduler: runtime.scheduler.clone(),
            subscriptions: Arc::default(),
            next_lease: Arc::default(),
        }
    }

    /// Runs `f` on the engine at the current time.
    fn with<R>(&self, f: impl FnOnce(&Registry, sluice_core::Timestamp) -> R) -> R {
        f(&self.registry, self.clock.now())
    }

    /// Forgets every stream (the admin reset); live subscriptions see them gone.
    pub fn reset(&self) {
        self.registry.reset();
    }

    /// Drops records past retention and forgets streams whose deletion has completed (the
    /// housekeeping pass).
    /// The engine, for restoring stored streams.
    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    pub fn sweep(&self) {
        self.with(|r, now| r.sweep(now));
    }

    /// Record bytes (data and partition keys) all streams hold.
    pub fn retained_bytes(&self) -> u64 {
        self.registry.retained_bytes()
    }

    /// `(stream ARN, open shards, records stored)` of every stream, for inspection.
    pub fn summaries(&self) -> Vec<(String, u32, u64)> {
        self.with(|r, now| r.summaries(now))
    }
}

impl KinesisService {
    /// A stream's records from the trim horizon, by shard, without iterators (inspection):
    /// JSON like GetRecords' (`Data` in base64).
    pub fn peek_records(
        &self,
        ctx: &RequestContext,
        name: Option<&str>,
        arn: Option<&str>,
        shard: Option<&str>,
        limit: usize,
    ) -> Result<serde_json::Value, KinesisError> {
        use crate::engine::StartingPosition;
        let key = stream_key(ctx, name, arn)?;
        self.with(|r, now| {
            let description = r.describe_stream(&key, None, None, now)?;
            let mut shards = serde_json::Map::new();
            for info in description
                .shards
                .iter()
                .filter(|s| shard.is_none_or(|id| id == s.shard_id))
            {
                let from =
                    r.shard_position(&key, &info.shard_id, &StartingPosition::TrimHorizon, now)?;
                let read = r.read_shard(&key, &info.shard_id, from, limit, now)?;
                let records: Vec<crate::model::output::Record> =
                    read.records.into_iter().map(Into::into).collect();
                shards.insert(
                    info.shard_id.clone(),
                    serde_json::to_value(records).unwrap_or_default(),
                );
            }
            Ok(serde_json::json!({ "StreamARN": key.arn(), "Shards": shards }))
        })
    }
}

/// The stream a request names, by `StreamARN` or by `StreamName` in the caller's account
/// and region.
pub(crate) fn stream_key(
    ctx: &RequestContext,
    name: Option<&str>,
    arn: Option<&str>,
) -> Result<StreamKey, KinesisError> {
    match (arn, name) {
        (Some(arn), _) => StreamKey::from_arn(arn),
        (None, Some(name)) => StreamKey::new(ctx.account.clone(), ctx.region.clone(), name),
        (None, None) => Err(KinesisError::InvalidArgument(
            "Either StreamName or StreamARN should be provided.".into(),
        )),
    }
}

/// An optional integer member within `min..=max`, else AWS's validation message.
pub(crate) fn bounded(
    field: &str,
    value: Option<i64>,
    min: i64,
    max: i64,
) -> Result<Option<u32>, KinesisError> {
    let Some(v) = value else { return Ok(None) };
    if v < min {
        return Err(KinesisError::validation(
            field,
            &v.to_string(),
            &format!("Member must have value greater than or equal to {min}"),
        ));
    }
    if v > max {
        return Err(KinesisError::validation(
            field,
            &v.to_string(),
            &format!("Member must have value less than or equal to {max}"),
        ));
    }
    Ok(u32::try_from(v).ok())
}

/// A required member, else AWS's "must not be null".
pub(crate) fn required<T>(value: Option<T>, field: &str) -> Result<T, KinesisError> {
    value.ok_or_else(|| missing(field))
}

/// AWS's complaint about a required member that is absent.
pub(crate) fn missing(field: &str) -> KinesisError {
    KinesisError::Validation(format!(
        "1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"
    ))
}
