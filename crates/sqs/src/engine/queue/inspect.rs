//! Inspection: every message of a queue — visible, in flight and delayed — in send order,
//! without changing visibility or receive counts (the `/_aws/sqs/messages` endpoint).

use std::sync::Arc;

use sluice_core::Timestamp;

use super::{MessageContent, Queue, State};

/// One message as inspection shows it.
#[derive(Debug, Clone)]
pub struct Peeked {
    pub content: Arc<MessageContent>,
    pub receive_count: u32,
    pub first_received_at: Option<Timestamp>,
    pub dead_letter_source_arn: Option<Arc<str>>,
    pub visible: bool,
    pub delayed: bool,
}

impl Queue {
    /// Every message at `now` (expired ones are dropped first, as any operation would).
    pub fn peek(&mut self, now: Timestamp) -> Vec<Peeked> {
        self.advance(now);
        self.messages
            .iter()
            .map(|(_, m)| Peeked {
                content: m.content.clone(),
                receive_count: m.receive_count,
                first_received_at: m.first_received_at,
                dead_letter_source_arn: m.dead_letter_source_arn.clone(),
                visible: m.state == State::Visible,
                delayed: m.state == State::Delayed,
            })
            .collect()
    }
}
