//! SubscribeToShard: an event stream that pushes a shard's records to an enhanced fan-out
//! consumer as they are written — woken by the stream's write `Notify`, never by a polling
//! loop — with an empty event every 5 seconds while idle, child shards once a closed shard
//! is read to its end, one live subscription per consumer and shard, and AWS's 5-minute
//! lifetime.

use bytes::Bytes;
use sluice_wire::eventstream;
use tokio::sync::mpsc;

use super::{required, KinesisService, RequestContext};
use crate::api::input::SubscribeToShardInput;
use crate::api::output::{ChildShard, Record, SubscribeToShardEvent};
use crate::engine::{KinesisError, StartingPosition};

/// How long one subscription lasts.
pub const SUBSCRIPTION_LIFETIME_MS: u64 = 5 * 60 * 1000;
/// How often an idle subscription sends an empty event.
const HEARTBEAT_MS: u64 = 5_000;
/// Most records one event carries.
const MAX_RECORDS_PER_EVENT: usize = 10_000;

/// The frames of one subscription, encoded as `application/vnd.amazon.eventstream`.
#[derive(Debug)]
pub struct EventStream {
    pub frames: mpsc::Receiver<Bytes>,
}

/// How event payloads are written: CBOR for CBOR clients, JSON 1.1 otherwise.
#[derive(Debug, Clone, Copy)]
pub struct PayloadFormat {
    pub cbor: bool,
}

impl PayloadFormat {
    fn content_type(self) -> &'static str {
        if self.cbor {
            "application/x-amz-cbor-1.1"
        } else {
            "application/x-amz-json-1.1"
        }
    }

    fn encode<T: serde::Serialize>(self, value: &T) -> Vec<u8> {
        if self.cbor {
            sluice_wire::cbor::to_vec(value)
        } else {
            serde_json::to_vec(value).unwrap_or_default()
        }
    }
}

impl KinesisService {
    pub async fn subscribe_to_shard(
        &self,
        _ctx: &RequestContext,
        input: SubscribeToShardInput,
        format: PayloadFormat,
    ) -> Result<EventStream, KinesisError> {
        let consumer = required(input.consumer_arn, "consumerARN")?;
        let shard = required(input.shard_id, "shardId")?;
        let start = required(input.starting_position, "startingPosition")?;
        let kind = required(start.position_type, "startingPosition.type")?;
        let position = StartingPosition::from_request(
            &kind,
            start.sequence_number.as_deref(),
            start.timestamp.map(|t| t.0),
        )?;
        let (key, mut cursor) = self.with(|r, now| {
            let key = r.active_consumer_stream(&consumer, now)?;
            let cursor = r.shard_position(&key, &shard, &position, now)?;
            Ok::<_, KinesisError>((key, cursor))
        })?;
        let lease = (consumer.clone(), shard.clone());
        {
            let mut live = self.subscriptions.lock().unwrap_or_else(|e| e.into_inner());
            if !live.insert(lease.clone()) {
                return Err(KinesisError::ResourceInUse(format!(
                    "Another active subscription exists for consumer {consumer} and shard {shard}."
                )));
            }
        }
        let (tx, frames) = mpsc::channel::<Bytes>(16);
        let service = self.clone();
        let cancel = self.scheduler.shutdown_token();
        let clock = self.clock.clone();
        let written = self.written(&key.arn());
        self.scheduler.spawn(async move {
            let initial = eventstream::event(
                "initial-response",
                format.content_type(),
                &format.encode(&serde_json::json!({})),
            );
            let ends = clock.now().plus_millis(SUBSCRIPTION_LIFETIME_MS);
            let mut last_event = clock.now();
            let mut ok = tx.send(Bytes::from(initial)).await.is_ok();
            let mut first = true;
            while ok {
                let notified = written.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                let now = clock.now();
                if now >= ends {
                    break;
                }
                let read = service
                    .with(|r, now| r.read_shard(&key, &shard, cursor, MAX_RECORDS_PER_EVENT, now));
                let read = match read {
                    Ok(read) => read,
                    Err(e) => {
                        let payload = format.encode(&serde_json::json!({ "message": e.message() }));
                        let _ = tx
                            .send(Bytes::from(eventstream::exception(
                                e.code(),
                                format.content_type(),
                                &payload,
                            )))
                            .await;
                        break;
                    }
                };
                let finished = read.next.is_none();
                let due = now.since(last_event).as_millis() >= u128::from(HEARTBEAT_MS);
                if first || !read.records.is_empty() || finished || due {
                    first = false;
                    last_event = now;
                    let event = SubscribeToShardEvent {
                        records: read.records.into_iter().map(Record::from).collect(),
                        continuation_sequence_number: read.continuation_sequence_number,
                        millis_behind_latest: read.millis_behind_latest,
                        child_shards: read
                            .child_shards
                            .into_iter()
                            .map(ChildShard::from)
                            .collect(),
                    };
                    let frame = eventstream::event(
                        "SubscribeToShardEvent",
                        format.content_type(),
                        &format.encode(&event),
                    );
                    ok = tx.send(Bytes::from(frame)).await.is_ok();
                }
                match read.next {
                    Some(next) => cursor = next,
                    None => break,
                }
                let wake = ends.min(last_event.plus_millis(HEARTBEAT_MS));
                tokio::select! {
                    _ = cancel.cancelled() => break,
                    _ = tx.closed() => break,
                    _ = &mut notified => {}
                    _ = clock.sleep_until(wake) => {}
                }
            }
            let mut live = service
                .subscriptions
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            live.remove(&lease);
        });
        Ok(EventStream { frames })
    }
}
