//! Message operations: send (single and batch), receive with long polling, delete and
//! visibility changes (single and batch).

use std::collections::HashSet;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::{required, RequestContext, SqsService};
use crate::api::errors::describe;
use crate::api::input::{
    AttributeInputs, ChangeMessageVisibilityBatchInput, ChangeMessageVisibilityInput,
    DeleteMessageBatchInput, DeleteMessageInput, ReceiptEntry, ReceiveMessageInput,
    SendMessageBatchInput, SendMessageInput,
};
use crate::api::output::{
    AttributeValueOutput, AttributeValues, BatchResultErrorEntry, BodyOf, Empty, IdBatchOutput,
    IdEntry, MessageOutput, Pairs, ReceiveMessageOutput, SendMessageBatchOutput,
    SendMessageBatchResultEntry, SendMessageOutput,
};
use crate::engine::{
    md5_of_attributes, md5_of_body, md5_of_system_attributes, validate_attributes, validate_text,
    AttributeData, AttributeValue, Delivery, MessageAttributes, MessageContent, NewMessage,
    QueueCell, MAX_DELAY_SECONDS, MAX_MESSAGE_SIZE, MAX_VISIBILITY_TIMEOUT, MAX_WAIT_TIME_SECONDS,
};
use crate::SqsError;

const MAX_BATCH_ENTRIES: usize = 10;

/// A validated message, ready for a queue.
struct Prepared {
    message: NewMessage,
    attributes_size: usize,
    md5_of_attributes: Option<String>,
    md5_of_system_attributes: Option<String>,
}

fn in_range(
    name: &str,
    value: Option<i64>,
    max: u32,
    reason: &str,
) -> Result<Option<u32>, SqsError> {
    value
        .map(|v| {
            u32::try_from(v)
                .ok()
                .filter(|v| *v <= max)
                .ok_or_else(|| SqsError::invalid_param(name, v, reason))
        })
        .transpose()
}

fn convert_attributes(inputs: AttributeInputs) -> Result<MessageAttributes, SqsError> {
    let mut attributes = MessageAttributes::new();
    for (name, input) in inputs {
        let data_type = input.data_type.unwrap_or_default();
        let value = match (input.string_value, input.binary_value) {
            (Some(_), Some(_)) => {
                return Err(SqsError::InvalidParameterValueMessage(format!(
                    "Message (user) attribute '{name}' must have a single value."
                )))
            }
            (Some(s), None) => AttributeData::Text(s),
            (None, Some(b)) => AttributeData::Binary(STANDARD.decode(b.as_bytes()).map_err(
                |_| {
                    SqsError::SerializationException(format!(
                        "Message (user) attribute '{name}' has a BinaryValue that is not valid base64."
                    ))
                },
            )?),
            (None, None) if data_type.starts_with("Binary") => AttributeData::Binary(Vec::new()),
            (None, None) => AttributeData::Text(String::new()),
        };
        attributes.insert(name, AttributeValue { data_type, value });
    }
    Ok(attributes)
}

/// Validates one message in AWS's order: body, delay, parameters foreign to standard queues,
/// characters, user attributes, system attributes.
fn prepare(input: SendMessageInput) -> Result<Prepared, SqsError> {
    let body = required(input.message_body, "MessageBody")?;
    if body.is_empty() {
        return Err(SqsError::MissingParameter("MessageBody"));
    }
    let delay_seconds = in_range(
        "DelaySeconds",
        input.delay_seconds,
        MAX_DELAY_SECONDS,
        "DelaySeconds must be >= 0 and <= 900.",
    )?;
    if let Some(id) = input.message_deduplication_id {
        return Err(SqsError::invalid_param(
            "MessageDeduplicationId",
            id,
            "The request include parameter that is not valid for this queue type.",
        ));
    }
    validate_text(&body)?;
    let attributes = convert_attributes(input.message_attributes)?;
    let attributes_size = validate_attributes(&attributes)?;
    let mut aws_trace_header = None;
    for (name, value) in input.message_system_attributes {
        if name != "AWSTraceHeader" {
            return Err(SqsError::InvalidParameterValueMessage(format!(
                "Message system attribute name '{name}' is invalid."
            )));
        }
        match (value.data_type.as_deref(), value.string_value) {
            (Some("String"), Some(v)) if !v.is_empty() => {
                validate_text(&v)?;
                aws_trace_header = Some(v);
            }
            _ => {
                return Err(SqsError::InvalidParameterValueMessage(format!(
                    "Message system attribute '{name}' must contain a non-empty value of type 'String'."
                )))
            }
        }
    }
    Ok(Prepared {
        md5_of_attributes: md5_of_attributes(&attributes),
        md5_of_system_attributes: md5_of_system_attributes(aws_trace_header.as_deref()),
        message: NewMessage {
            body,
            attributes,
            aws_trace_header,
            delay_seconds,
        },
        attributes_size,
    })
}

/// Request-level batch checks, which fail the whole request: entry count, then ids.
fn check_batch<'a>(
    ids: impl ExactSizeIterator<Item = Option<&'a str>>,
    entry_name: &'static str,
) -> Result<(), SqsError> {
    match ids.len() {
        0 => return Err(SqsError::EmptyBatchRequest(entry_name)),
        n if n > MAX_BATCH_ENTRIES => return Err(SqsError::TooManyEntriesInBatchRequest(n)),
        _ => {}
    }
    let mut seen = HashSet::new();
    for id in ids {
        let id = id.unwrap_or_default();
        let valid = !id.is_empty()
            && id.len() <= 80
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            return Err(SqsError::InvalidBatchEntryId);
        }
        if !seen.insert(id) {
            return Err(SqsError::BatchEntryIdsNotDistinct(id.to_owned()));
        }
    }
    Ok(())
}

/// A failed batch entry, coded as in the Query protocol.
fn failed_entry(id: String, error: &SqsError) -> BatchResultErrorEntry {
    let message = match error {
        SqsError::ReceiptHandleIsInvalid(handle) => {
            format!("The receipt handle \"{handle}\" is not valid for this queue.")
        }
        other => other.to_string(),
    };
    BatchResultErrorEntry {
        id,
        sender_fault: true,
        code: describe(error).query_code.to_owned(),
        message,
    }
}

/// Bytes a SendMessageBatch request counts against its total: bodies and attributes.
fn batch_size(entries: &[SendMessageInput]) -> usize {
    entries
        .iter()
        .map(|e| {
            e.message_body.as_ref().map_or(0, String::len)
                + e.message_attributes
                    .iter()
                    .map(|(name, v)| {
                        name.len()
                            + v.data_type.as_ref().map_or(0, String::len)
                            + v.string_value.as_ref().map_or(0, String::len)
                            + v.binary_value.as_ref().map_or(0, |b| b.len() / 4 * 3)
                    })
                    .sum::<usize>()
        })
        .sum()
}

/// Which `ReceiveMessage` system attributes a caller asked for.
struct SystemAttributeFilter {
    all: bool,
    names: Vec<String>,
}

impl SystemAttributeFilter {
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
    fn content(&self, ctx: &RequestContext, message: NewMessage) -> MessageContent {
        MessageContent {
            id: self.ids.uuid_u128(),
            md5_of_body: md5_of_body(&message.body),
            body: message.body.into_boxed_str(),
            attributes: message.attributes,
            aws_trace_header: message.aws_trace_header.map(String::into_boxed_str),
            sender_id: ctx.sender_id.clone(),
            sent_at: self.clock.now(),
        }
    }

    /// Stores a prepared message; returns its output and whether it is receivable at once.
    fn store(
        &self,
        ctx: &RequestContext,
        cell: &QueueCell,
        prepared: Prepared,
    ) -> Result<(SendMessageOutput, bool), SqsError> {
        let size = prepared.message.body.len() + prepared.attributes_size;
        let requested_delay = prepared.message.delay_seconds;
        let content = self.content(ctx, prepared.message);
        let mut queue = cell.lock();
        let delay = queue.check_send(size, requested_delay)?;
        let out = SendMessageOutput {
            md5_of_message_body: hex::encode(content.md5_of_body),
            md5_of_message_attributes: prepared.md5_of_attributes,
            md5_of_message_system_attributes: prepared.md5_of_system_attributes,
            message_id: content.message_id(),
        };
        queue.send(self.clock.now(), content, delay);
        Ok((out, delay == 0))
    }

    pub async fn send_message(
        &self,
        ctx: &RequestContext,
        mut input: SendMessageInput,
    ) -> Result<SendMessageOutput, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.take().as_deref())?;
        let prepared = prepare(input)?;
        let (out, visible) = self.store(ctx, &cell, prepared)?;
        if visible {
            cell.changed.notify_one();
        }
        Ok(out)
    }

    pub async fn send_message_batch(
        &self,
        ctx: &RequestContext,
        input: SendMessageBatchInput,
    ) -> Result<SendMessageBatchOutput, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        check_batch(
            input.entries.iter().map(|e| e.id.as_deref()),
            "SendMessageBatchRequestEntry",
        )?;
        let sent = batch_size(&input.entries);
        if sent > MAX_MESSAGE_SIZE as usize {
            return Err(SqsError::BatchRequestTooLong {
                max: MAX_MESSAGE_SIZE,
                sent,
            });
        }
        let mut out = SendMessageBatchOutput::default();
        let mut visible = 0;
        for mut entry in input.entries {
            let id = entry.id.take().unwrap_or_default();
            match prepare(entry).and_then(|p| self.store(ctx, &cell, p)) {
                Ok((sent, now_visible)) => {
                    visible += usize::from(now_visible);
                    out.successful
                        .push(SendMessageBatchResultEntry { id, sent });
                }
                Err(e) => out.failed.push(failed_entry(id, &e)),
            }
        }
        for _ in 0..visible {
            cell.changed.notify_one();
        }
        Ok(out)
    }

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
            None => cell.lock().attributes.receive_message_wait_time_seconds,
        };
        let deliveries = self.poll(&cell, max, visibility, wait).await?;
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
    ) -> Result<Vec<Delivery>, SqsError> {
        let deadline = self.clock.now().plus_secs(u64::from(wait_seconds));
        loop {
            let notified = cell.changed.notified();
            tokio::pin!(notified);
            // Register before looking, so a send between the look and the wait is not missed.
            notified.as_mut().enable();
            if cell.is_deleted() {
                return Err(SqsError::QueueDoesNotExist);
            }
            let now = self.clock.now();
            let (batch, next_wake) = {
                let mut queue = cell.lock();
                let batch = queue.receive(now, max, visibility)?;
                (batch, queue.next_wake())
            };
            if !batch.is_empty() || now >= deadline {
                return Ok(batch);
            }
            let wake_at = next_wake.map_or(deadline, |t| t.min(deadline));
            tokio::select! {
                _ = &mut notified => {}
                _ = self.clock.sleep_until(wake_at) => {}
                _ = self.shutdown.cancelled() => return Ok(Vec::new()),
            }
        }
    }

    pub async fn delete_message(
        &self,
        ctx: &RequestContext,
        input: DeleteMessageInput,
    ) -> Result<Empty, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        let handle = required(input.receipt_handle, "ReceiptHandle")?;
        cell.lock().delete(self.clock.now(), &handle)?;
        Ok(Empty {})
    }

    pub async fn delete_message_batch(
        &self,
        ctx: &RequestContext,
        input: DeleteMessageBatchInput,
    ) -> Result<IdBatchOutput, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        check_batch(
            input.entries.iter().map(|e| e.id.as_deref()),
            "DeleteMessageBatchRequestEntry",
        )?;
        let now = self.clock.now();
        let mut queue = cell.lock();
        Ok(id_batch(
            input.entries,
            "DeleteMessageBatchResultEntry",
            |entry| {
                let handle = required(entry.receipt_handle.as_deref(), "ReceiptHandle")?;
                queue.delete(now, handle)
            },
        ))
    }

    pub async fn change_message_visibility(
        &self,
        ctx: &RequestContext,
        input: ChangeMessageVisibilityInput,
    ) -> Result<Empty, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        let entry = ReceiptEntry {
            id: None,
            receipt_handle: input.receipt_handle,
            visibility_timeout: input.visibility_timeout,
        };
        let visible = change_visibility(&cell, self.clock.now(), &entry)?;
        if visible {
            cell.changed.notify_one();
        }
        Ok(Empty {})
    }

    pub async fn change_message_visibility_batch(
        &self,
        ctx: &RequestContext,
        input: ChangeMessageVisibilityBatchInput,
    ) -> Result<IdBatchOutput, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        check_batch(
            input.entries.iter().map(|e| e.id.as_deref()),
            "ChangeMessageVisibilityBatchRequestEntry",
        )?;
        let now = self.clock.now();
        let mut visible = 0;
        let out = id_batch(
            input.entries,
            "ChangeMessageVisibilityBatchResultEntry",
            |entry| {
                visible += usize::from(change_visibility(&cell, now, entry)?);
                Ok(())
            },
        );
        for _ in 0..visible {
            cell.changed.notify_one();
        }
        Ok(out)
    }
}

fn change_visibility(
    cell: &QueueCell,
    now: sluice_core::Timestamp,
    entry: &ReceiptEntry,
) -> Result<bool, SqsError> {
    let handle = required(entry.receipt_handle.as_deref(), "ReceiptHandle")?;
    let timeout = required(entry.visibility_timeout, "VisibilityTimeout")?;
    let timeout = in_range(
        "VisibilityTimeout",
        Some(timeout),
        MAX_VISIBILITY_TIMEOUT,
        "Must be between 0 and 43200.",
    )?
    .unwrap_or_default();
    cell.lock().change_visibility(now, handle, timeout)
}

/// Runs `op` on each entry, collecting successes and failures by entry id.
fn id_batch(
    entries: Vec<ReceiptEntry>,
    entry_element: &'static str,
    mut op: impl FnMut(&ReceiptEntry) -> Result<(), SqsError>,
) -> IdBatchOutput {
    let mut out = IdBatchOutput {
        successful: Vec::new(),
        failed: Vec::new(),
        entry_element,
    };
    for entry in entries {
        let result = op(&entry);
        let id = entry.id.unwrap_or_default();
        match result {
            Ok(()) => out.successful.push(IdEntry { id }),
            Err(e) => out.failed.push(failed_entry(id, &e)),
        }
    }
    out
}

fn message_output(
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

    #[test]
    fn batch_checks_in_aws_order() {
        let ids = |v: &[&'static str]| v.iter().map(|s| Some(*s)).collect::<Vec<_>>();
        assert_eq!(
            check_batch(ids(&[]).into_iter(), "E"),
            Err(SqsError::EmptyBatchRequest("E"))
        );
        assert_eq!(
            check_batch(ids(&["a"; 11]).into_iter(), "E"),
            Err(SqsError::TooManyEntriesInBatchRequest(11))
        );
        assert_eq!(
            check_batch(ids(&["a", "b c"]).into_iter(), "E"),
            Err(SqsError::InvalidBatchEntryId)
        );
        assert_eq!(
            check_batch(ids(&["a", "a"]).into_iter(), "E"),
            Err(SqsError::BatchEntryIdsNotDistinct("a".into()))
        );
        assert_eq!(check_batch(ids(&["a", "b-_1"]).into_iter(), "E"), Ok(()));
    }
}
