//! ReceiveMessage: parameter checks, long polling on the queue's `Notify` and the shared
//! clock, and the output's system and message attributes (with the digest over the subset
//! returned).

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::{in_range, RequestContext, SqsService, Wakeups};
use crate::engine::{
    md5_of_attributes, valid_group_or_dedup_id, AttributeData, AttributeValue, Delivery, QueueCell,
    MAX_VISIBILITY_TIMEOUT, MAX_WAIT_TIME_SECONDS,
};
use crate::model::input::ReceiveMessageInput;
use crate::model::output::{
    AttributeValueOutput, AttributeValues, BodyOf, MessageOutput, Pairs, ReceiveMessageOutput,
};
use crate::SqsError;

/// Which `ReceiveMessage` system attributes a caller asked for.
pub(super) struct SystemAttributeFilter {
    all: bool,
    names: Vec<String>,
}

impl SystemAttributeFilter {
    pub(super) fn all() -> SystemAttributeFilter {
        SystemAttributeFilter {
            all: true,
            names: Vec::new(),
        }
    }

    fn wants(&self, name: &str) -> bool {
        self.all || self.names.iter().any(|n| n == name)
    }
}

/// `All` and `.*` select every attribute, `prefix.*` those starting with `prefix`, anything
/// else that exact name.
fn wants_message_attribute(filters: &[String], name: &str) -> bool {
    filters.iter().any(|f| match f.as_str() {
        "All" | ".*" => true,
        f => match f.strip_suffix(".*") {
            Some(prefix) => name.starts_with(prefix),
            None => f == name,
        },
    })
}

impl SqsService {
    pub async fn receive_message(
        &self,
        ctx: &RequestContext,
        input: ReceiveMessageInput,
    ) -> Result<ReceiveMessageOutput, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        let max = match input.max_number_of_messages {
            None => 1,
            Some(n @ 1..=10) => n as usize,
            Some(n) => {
                return Err(SqsError::invalid_param(
                    "MaxNumberOfMessages",
                    n,
                    "Must be between 1 and 10, if provided.",
                ))
            }
        };
        let visibility = in_range(
            "VisibilityTimeout",
            input.visibility_timeout,
            MAX_VISIBILITY_TIMEOUT,
            "Must be between 0 and 43200, if provided.",
        )?;
        let wait = in_range(
            "WaitTimeSeconds",
            input.wait_time_seconds,
            MAX_WAIT_TIME_SECONDS,
            "Must be >= 0 and <= 20, if provided.",
        )?;
        let wait = match wait {
            Some(w) => w,
            None => {
                cell.lock_live()?
                    .attributes
                    .receive_message_wait_time_seconds
            }
        };
        if let Some(id) = &input.receive_request_attempt_id {
            if !valid_group_or_dedup_id(id) {
                return Err(SqsError::invalid_param(
                    "ReceiveRequestAttemptId",
                    id,
                    "ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.",
                ));
            }
        }
        let deliveries = self
            .poll(
                &cell,
                max,
                visibility,
                wait,
                input.receive_request_attempt_id.as_deref(),
            )
            .await?;
        let mut system = SystemAttributeFilter {
            all: false,
            names: input.attribute_names,
        };
        system.names.extend(input.message_system_attribute_names);
        system.all = system.names.iter().any(|n| n == "All");
        let messages = deliveries
            .into_iter()
            .map(|d| message_output(d, &system, &input.message_attribute_names))
            .collect();
        Ok(ReceiveMessageOutput { messages })
    }

    /// Receives at once, or waits up to `wait_seconds` for a message: woken by the queue's
    /// `Notify` when one is sent, or at the queue's next deadline (a delay or visibility
    /// timeout ending), whichever comes first.
    async fn poll(
        &self,
        cell: &QueueCell,
        max: usize,
        visibility: Option<u32>,
        wait_seconds: u32,
        attempt_id: Option<&str>,
    ) -> Result<Vec<Delivery>, SqsError> {
        let deadline = self.clock.now().plus_secs(u64::from(wait_seconds));
        let shutdown = self.scheduler.shutdown_token();
        loop {
            let notified = cell.changed.notified();
            tokio::pin!(notified);
            // Register before looking, so a send between the look and the wait is not missed.
            notified.as_mut().enable();
            // Looked up before locking the queue: the registry is never locked under a queue.
            let dead_letter_queue_exists = self.dead_letter_queue_exists(cell)?;
            let now = self.clock.now();
            let mut wakeups = Wakeups::default();
            let (received, next_wake, redrive_target) = {
                let mut queue = cell.lock_live()?;
                let before = queue.next_wake();
                // Attempt ids exist for FIFO queues only; standard queues ignore them.
                let received = match attempt_id.filter(|_| queue.is_fifo()) {
                    Some(id) => {
                        let timeout = visibility.unwrap_or(queue.attributes.visibility_timeout);
                        queue.receive_attempt(now, id, max, timeout, dead_letter_queue_exists)
                    }
                    None => queue.receive_with(now, max, visibility, dead_letter_queue_exists)?,
                };
                let target = (!received.dead_letters.is_empty())
                    .then(|| queue.attributes.redrive_policy.as_ref())
                    .flatten()
                    .map(|p| p.dead_letter_target_arn.clone());
                let next_wake = queue.next_wake();
                // A short visibility timeout here is a deadline other pollers must wake for.
                wakeups.note(false, before, next_wake, now);
                (received, next_wake, target)
            };
            wakeups.signal(cell);
            if let Some(target) = redrive_target {
                self.move_dead_letters(
                    cell,
                    &target,
                    received.dead_letters,
                    &received.dead_letter_seqs,
                    now,
                );
            }
            let batch = received.deliveries;
            if !batch.is_empty() || now >= deadline {
                return Ok(batch);
            }
            let wake_at = next_wake.map_or(deadline, |t| t.min(deadline));
            tokio::select! {
                _ = &mut notified => {}
                _ = self.clock.sleep_until(wake_at) => {}
                _ = shutdown.cancelled() => return Ok(Vec::new()),
            }
        }
    }
}

pub(super) fn message_output(
    delivery: Delivery,
    system: &SystemAttributeFilter,
    attribute_filters: &[String],
) -> MessageOutput {
    let content = &delivery.content;
    let mut attributes = Vec::new();
    let mut add = |name: &str, value: String| {
        if system.wants(name) {
            attributes.push((name.to_owned(), value));
        }
    };
    add("SenderId", content.sender_id.to_string());
    add("SentTimestamp", content.sent_at.as_millis().to_string());
    add(
        "ApproximateReceiveCount",
        delivery.receive_count.to_string(),
    );
    add(
        "ApproximateFirstReceiveTimestamp",
        delivery.first_received_at.as_millis().to_string(),
    );
    if let Some(trace) = &content.aws_trace_header {
        add("AWSTraceHeader", trace.to_string());
    }
    if let Some(sequence) = content.sequence_number {
        add("SequenceNumber", sequence.to_string());
    }
    if let Some(dedup) = &content.deduplication_id {
        add("MessageDeduplicationId", dedup.to_string());
    }
    if let Some(group) = &content.message_group_id {
        add("MessageGroupId", group.to_string());
    }
    if let Some(source) = &delivery.dead_letter_source_arn {
        add("DeadLetterQueueSourceArn", source.to_string());
    }
    let selected: Vec<(&String, &AttributeValue)> = content
        .attributes
        .iter()
        .filter(|(name, _)| wants_message_attribute(attribute_filters, name))
        .collect();
    let md5_of_message_attributes = md5_of_attributes(selected.iter().copied());
    let message_attributes = selected
        .into_iter()
        .map(|(name, value)| {
            let (string_value, binary_value) = match &value.value {
                AttributeData::Text(s) => (Some(s.clone()), None),
                AttributeData::Binary(b) => (None, Some(STANDARD.encode(b))),
            };
            (
                name.clone(),
                AttributeValueOutput {
                    string_value,
                    binary_value,
                    data_type: value.data_type.clone(),
                },
            )
        })
        .collect();
    MessageOutput {
        message_id: content.message_id(),
        receipt_handle: delivery.receipt_handle,
        md5_of_body: hex::encode(content.md5_of_body),
        md5_of_message_attributes,
        attributes: Pairs(attributes),
        message_attributes: AttributeValues(message_attributes),
        body: BodyOf(Arc::clone(&delivery.content)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_attribute_filters() {
        let f = |filters: &[&str], name: &str| {
            let filters: Vec<String> = filters.iter().map(|s| s.to_string()).collect();
            wants_message_attribute(&filters, name)
        };
        assert!(f(&["All"], "x"));
        assert!(f(&[".*"], "x"));
        assert!(f(&["Hel.*"], "Hello"));
        assert!(!f(&["Hel.*"], "Hi"));
        assert!(f(&["exact"], "exact"));
        assert!(!f(&["exact"], "exactly"));
        assert!(!f(&[], "x"));
    }
}
