//! SubscribeToShard: an event stream that pushes a shard's records to an enhanced fan-out
//! consumer as they are written — woken by the stream's write `Notify`, never by a polling
//! loop — catching up on a backlog without pause, with an empty event every 5 seconds while
//! idle, a last event without `ContinuationSequenceNumber` (and with the children) once a
//! closed shard is read to its end, one live subscription per consumer and shard (a second
//! call 5 seconds or more later takes over, as AWS documents), and the 5-minute lifetime.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use sluice_core::Timestamp;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{required, KinesisService, RequestContext};
use crate::engine::{
    parse_shard_id, shard_id, KinesisError, StartingPosition, StreamCell, StreamKey,
};
use crate::model::input::SubscribeToShardInput;
use crate::model::output::{ChildShard, Record, SubscribeToShardEvent};

/// How long one subscription lasts.
pub(super) const SUBSCRIPTION_LIFETIME_MS: u64 = 5 * 60 * 1000;
/// How old a subscription must be before another call for the same consumer and shard
/// takes it over.
const TAKEOVER_AFTER_MS: u64 = 5_000;
/// How often an idle subscription sends an empty event.
const HEARTBEAT_MS: u64 = 5_000;
/// Most records one event carries.
const MAX_RECORDS_PER_EVENT: usize = 10_000;

/// What a subscription emits, in order; the API layer turns each into an event-stream frame.
#[derive(Debug)]
pub enum ShardEvent {
    /// The `initial-response` event that opens every subscription.
    Initial,
    Records(SubscribeToShardEvent),
    /// The error that ends the subscription.
    Failed(KinesisError),
}

/// The events of one live subscription; it ends when the receiver is dropped.
#[derive(Debug)]
pub struct ShardEvents {
    pub events: mpsc::Receiver<ShardEvent>,
}

/// A live subscription's place in the lease table.
#[derive(Debug, Clone)]
pub(super) struct Lease {
    started: Timestamp,
    id: u64,
    /// Ends the subscription when another call takes it over.
    taken_over: CancellationToken,
}

/// Removes a lease when its subscription ends, however it ends.
struct LeaseGuard {
    service: KinesisService,
    key: (String, String),
    id: u64,
}

impl Drop for LeaseGuard {
    fn drop(&mut self) {
        let mut leases = self
            .service
            .subscriptions
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if leases.get(&self.key).is_some_and(|l| l.id == self.id) {
            leases.remove(&self.key);
        }
    }
}

/// What the event pump of one subscription works from.
struct Subscription {
    consumer: String,
    key: StreamKey,
    shard: String,
    /// The next record to send.
    cursor: u64,
    cell: Arc<StreamCell>,
    taken_over: CancellationToken,
    _lease: LeaseGuard,
}

impl KinesisService {
    /// SubscribeToShard: checks the consumer and position, takes the lease, and starts the
    /// pump that sends the events.
    pub async fn subscribe_to_shard(
        &self,
        _ctx: &RequestContext,
        input: SubscribeToShardInput,
    ) -> Result<ShardEvents, KinesisError> {
        let consumer = required(input.consumer_arn, "consumerARN")?;
        let shard = required(input.shard_id, "shardId")?;
        let start = required(input.starting_position, "startingPosition")?;
        let kind = required(start.position_type, "startingPosition.type")?;
        let position = StartingPosition::from_request(
            &kind,
            start.sequence_number.as_deref(),
            start.timestamp.map(|t| t.0),
        )?;
        let (key, cursor) = self.with(|r, now| {
            let key = r.active_consumer_stream(&consumer, now)?;
            let cursor = r.shard_position(&key, &shard, &position, now)?;
            Ok::<_, KinesisError>((key, cursor))
        })?;
        let Some(cell) = self.registry.cell(&key) else {
            return Err(KinesisError::stream_not_found(&key.name, &key.account));
        };
        // One lease per consumer and shard, whatever spelling of the shard id was used.
        let shard = parse_shard_id(&shard).map_or(shard, shard_id);
        let (lease, taken_over) = self.take_lease(&consumer, &shard, &key)?;
        let (tx, events) = mpsc::channel::<ShardEvent>(2);
        let subscription = Subscription {
            consumer,
            key,
            shard,
            cursor,
            cell,
            taken_over,
            _lease: lease,
        };
        self.scheduler.spawn(self.clone().pump(subscription, tx));
        Ok(ShardEvents { events })
    }

    /// The lease for `(consumer, shard)`: refused while another subscription younger than
    /// 5 seconds holds it, taken over from an older one.
    fn take_lease(
        &self,
        consumer: &str,
        shard: &str,
        key: &StreamKey,
    ) -> Result<(LeaseGuard, CancellationToken), KinesisError> {
        let lease_key = (consumer.to_owned(), shard.to_owned());
        let now = self.clock.now();
        let taken_over = CancellationToken::new();
        let mut leases = self.subscriptions.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(existing) = leases.get(&lease_key) {
            if now.since(existing.started).as_millis() < u128::from(TAKEOVER_AFTER_MS) {
                let consumer_name = consumer.rsplit('/').next().unwrap_or_default();
                let consumer_name = consumer_name.split(':').next().unwrap_or_default();
                return Err(KinesisError::ResourceInUse(format!(
                    "Another active subscription exists for this consumer: {}:{}:{}:{}",
                    key.account, key.name, shard, consumer_name
                )));
            }
            existing.taken_over.cancel();
        }
        let id = self.next_lease.fetch_add(1, Ordering::Relaxed);
        leases.insert(
            lease_key.clone(),
            Lease {
                started: now,
                id,
                taken_over: taken_over.clone(),
            },
        );
        let guard = LeaseGuard {
            service: self.clone(),
            key: lease_key,
            id,
        };
        Ok((guard, taken_over))
    }

    /// Sends the subscription's events until its lifetime ends, the shard is read to its
    /// end, the consumer or stream goes away, the client leaves, another call takes over,
    /// or the server shuts down. The lease is released when it returns, however it returns.
    async fn pump(self, mut sub: Subscription, tx: mpsc::Sender<ShardEvent>) {
        let cancel = self.scheduler.shutdown_token();
        let send = |event: ShardEvent| {
            let (tx, cancel, taken_over) = (tx.clone(), cancel.clone(), sub.taken_over.clone());
            async move {
                tokio::select! {
                    sent = tx.send(event) => sent.is_ok(),
                    _ = cancel.cancelled() => false,
                    _ = taken_over.cancelled() => false,
                }
            }
        };
        let ends = self.clock.now().plus_millis(SUBSCRIPTION_LIFETIME_MS);
        let mut last_event = self.clock.now();
        let mut first = true;
        if !send(ShardEvent::Initial).await {
            return;
        }
        loop {
            let notified = sub.cell.written.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let now = self.clock.now();
            if now >= ends {
                break;
            }
            let read = self.with(|r, now| {
                // A deregistered consumer's subscriptions end.
                r.active_consumer_stream(&sub.consumer, now)?;
                r.read_shard(&sub.key, &sub.shard, sub.cursor, MAX_RECORDS_PER_EVENT, now)
            });
            let read = match read {
                Ok(read) => read,
                Err(e) => {
                    send(ShardEvent::Failed(e)).await;
                    break;
                }
            };
            let finished = read.next.is_none();
            let had_records = !read.records.is_empty();
            let due = now.since(last_event).as_millis() >= u128::from(HEARTBEAT_MS);
            if first || had_records || finished || due {
                first = false;
                last_event = now;
                let event = SubscribeToShardEvent {
                    records: read.records.into_iter().map(Record::from).collect(),
                    // None marks the end of a closed shard, as clients (the KCL) expect.
                    continuation_sequence_number: (!finished)
                        .then_some(read.continuation_sequence_number),
                    millis_behind_latest: read.millis_behind_latest,
                    child_shards: read
                        .child_shards
                        .into_iter()
                        .map(ChildShard::from)
                        .collect(),
                };
                if !send(ShardEvent::Records(event)).await {
                    break;
                }
            }
            match read.next {
                Some(next) => sub.cursor = next,
                None => break,
            }
            // A backlog is sent without waiting; an empty read waits for a write.
            if had_records {
                continue;
            }
            let wake = ends.min(last_event.plus_millis(HEARTBEAT_MS));
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = sub.taken_over.cancelled() => {
                    let _ = tx.try_send(ShardEvent::Failed(KinesisError::ResourceInUse(
                        "The subscription was taken over by a newer SubscribeToShard call.".into(),
                    )));
                    break;
                }
                _ = tx.closed() => break,
                _ = &mut notified => {}
                _ = self.clock.sleep_until(wake) => {}
            }
        }
    }
}

/// The lease table a service holds.
pub(super) type Leases = std::collections::HashMap<(String, String), Lease>;
