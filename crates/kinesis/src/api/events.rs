//! SubscribeToShard on the wire: each `ShardEvent` becomes one
//! `application/vnd.amazon.eventstream` frame whose payload is in the protocol the client
//! spoke (CBOR for CBOR clients, JSON 1.1 otherwise).

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use sluice_wire::{cbor, eventstream, Protocol};
use tokio::sync::mpsc;

use crate::service::{ShardEvent, ShardEvents};

/// The frames of one subscription, produced as its events arrive.
pub(super) struct Frames {
    events: mpsc::Receiver<ShardEvent>,
    cbor: bool,
}

impl Frames {
    pub(super) fn new(events: ShardEvents, protocol: Protocol) -> Frames {
        Frames {
            events: events.events,
            cbor: protocol == Protocol::Cbor,
        }
    }

    fn content_type(&self) -> &'static str {
        if self.cbor {
            "application/x-amz-cbor-1.1"
        } else {
            "application/x-amz-json-1.1"
        }
    }

    fn encode<T: serde::Serialize>(&self, value: &T) -> Vec<u8> {
        if self.cbor {
            cbor::to_vec(value)
        } else {
            serde_json::to_vec(value).unwrap_or_default()
        }
    }

    fn frame(&self, event: ShardEvent) -> Bytes {
        let content_type = self.content_type();
        Bytes::from(match event {
            ShardEvent::Initial => eventstream::event(
                "initial-response",
                content_type,
                &self.encode(&serde_json::json!({})),
            ),
            ShardEvent::Records(records) => eventstream::event(
                "SubscribeToShardEvent",
                content_type,
                &self.encode(&records),
            ),
            ShardEvent::Failed(error) => eventstream::exception(
                error.code(),
                content_type,
                &self.encode(&serde_json::json!({ "message": error.message() })),
            ),
        })
    }
}

impl Stream for Frames {
    type Item = Bytes;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Bytes>> {
        self.events
            .poll_recv(cx)
            .map(|event| event.map(|event| self.frame(event)))
    }
}
