//! SendMessage and SendMessageBatch: validation in AWS's order, building messages outside
//! the queue lock, then one short locked section per request.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sluice_core::{sha256_hex, QueueMessage, Timestamp};

use super::batch::{check_batch, failed_entry};
use super::{in_range, required, RequestContext, SqsService, Wakeups};
use crate::engine::{
    md5_of_attributes, md5_of_body, md5_of_system_attributes, valid_group_or_dedup_id,
    validate_attributes, validate_text, AttributeData, AttributeValue, MessageAttributes,
    MessageContent, NewMessage, Queue, QueueCell, QueueKey, MAX_DELAY_SECONDS, MAX_MESSAGE_SIZE,
};
use crate::model::input::{AttributeInputs, SendMessageBatchInput, SendMessageInput};
use crate::model::output::{
    SendMessageBatchOutput, SendMessageBatchResultEntry, SendMessageOutput,
};
use crate::SqsError;

/// A validated message, ready for a queue.
struct Prepared {
    /// FIFO queues: the deduplication id, given or derived from the body.
    dedup_id: Option<String>,
    message: NewMessage,
    attributes_size: usize,
    md5_of_attributes: Option<String>,
    md5_of_system_attributes: Option<String>,
}

/// A message to send, whoever asks: SendMessage's input with its bytes decoded, or a
/// message another service of this process hands over.
struct Outgoing {
    body: Option<String>,
    delay_seconds: Option<i64>,
    group_id: Option<String>,
    dedup_id: Option<String>,
    /// Decoded where the request entered; a failure is reported where AWS's validation
    /// order reaches the attributes.
    attributes: Result<MessageAttributes, SqsError>,
    system_attributes: AttributeInputs,
}

impl From<SendMessageInput> for Outgoing {
    fn from(input: SendMessageInput) -> Outgoing {
        Outgoing {
            body: input.message_body,
            delay_seconds: input.delay_seconds,
            group_id: input.message_group_id,
            dedup_id: input.message_deduplication_id,
            attributes: convert_attributes(input.message_attributes),
            system_attributes: input.message_system_attributes,
        }
    }
}

impl From<QueueMessage> for Outgoing {
    fn from(message: QueueMessage) -> Outgoing {
        let attributes = message
            .attributes
            .into_iter()
            .map(|a| {
                let value = AttributeValue {
                    data_type: a.data_type,
                    value: a.value,
                };
                (a.name, value)
            })
            .collect();
        Outgoing {
            body: Some(message.body),
            delay_seconds: None,
            group_id: message.group_id,
            dedup_id: message.dedup_id,
            attributes: Ok(attributes),
            system_attributes: Vec::new(),
        }
    }
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
fn prepare(input: Outgoing, kind: QueueKind) -> Result<Prepared, SqsError> {
    let body = required(input.body, "MessageBody")?;
    if body.is_empty() {
        return Err(SqsError::MissingParameter("MessageBody"));
    }
    let delay_seconds = in_range(
        "DelaySeconds",
        input.delay_seconds,
        MAX_DELAY_SECONDS,
        "DelaySeconds must be >= 0 and <= 900.",
    )?;
    let not_for_this_type = |name: &str, value: &dyn std::fmt::Display| {
        SqsError::invalid_param(
            name,
            value,
            "The request include parameter that is not valid for this queue type.",
        )
    };
    let dedup_id = match (kind, input.dedup_id) {
        (QueueKind::Standard, Some(id)) => {
            return Err(not_for_this_type("MessageDeduplicationId", &id))
        }
        (QueueKind::Standard, None) => None,
        (QueueKind::Fifo { .. }, Some(id)) => {
            if !valid_group_or_dedup_id(&id) {
                return Err(SqsError::invalid_param(
                    "MessageDeduplicationId",
                    &id,
                    "MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.",
                ));
            }
            Some(id)
        }
        (QueueKind::Fifo { content_based: true }, None) => Some(sha256_hex(body.as_bytes())),
        (QueueKind::Fifo { content_based: false }, None) => {
            return Err(SqsError::InvalidParameterValueMessage(
                "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"
                    .into(),
            ))
        }
    };
    if let QueueKind::Fifo { .. } = kind {
        if input.group_id.is_none() {
            return Err(SqsError::MissingParameter("MessageGroupId"));
        }
        // FIFO queues have no per-message delay; 0 asks for none, and AWS accepts it.
        if let Some(delay) = delay_seconds.filter(|d| *d != 0) {
            return Err(not_for_this_type("DelaySeconds", &delay));
        }
    }
    if let Some(group) = &input.group_id {
        if !valid_group_or_dedup_id(group) {
            return Err(SqsError::invalid_param(
                "MessageGroupId",
                group,
                "MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.",
            ));
        }
    }
    validate_text(&body)?;
    let attributes = input.attributes?;
    let attributes_size = validate_attributes(&attributes)?;
    let mut aws_trace_header = None;
    for (name, value) in input.system_attributes {
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
        dedup_id,
        md5_of_attributes: md5_of_attributes(&attributes),
        md5_of_system_attributes: md5_of_system_attributes(aws_trace_header.as_deref()),
        message: NewMessage {
            body,
            attributes,
            aws_trace_header,
            delay_seconds,
            message_group_id: input.group_id,
        },
        attributes_size,
    })
}

/// What kind of queue a message is for, which decides the send rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QueueKind {
    Standard,
    Fifo { content_based: bool },
}

impl QueueKind {
    /// Locks FIFO queues only: a standard queue's send rules depend on no attribute.
    fn of(cell: &QueueCell) -> Result<QueueKind, SqsError> {
        if !cell.is_fifo() {
            return Ok(QueueKind::Standard);
        }
        let queue = cell.lock_live()?;
        Ok(QueueKind::Fifo {
            content_based: queue.attributes.content_based_deduplication,
        })
    }
}

/// A message ready to enqueue.
struct Built {
    content: MessageContent,
    size: usize,
    requested_delay: Option<u32>,
    dedup_id: Option<String>,
    out: SendMessageOutput,
}

impl Built {
    /// Under the queue's lock: checks the queue's size limit and stores the message.
    /// Returns the output and whether the message is receivable at once.
    fn enqueue(
        self,
        queue: &mut Queue,
        now: Timestamp,
    ) -> Result<(SendMessageOutput, bool), SqsError> {
        let delay = queue.check_send(self.size, self.requested_delay)?;
        let Some(dedup_id) = self.dedup_id else {
            queue.send(now, self.content, delay);
            return Ok((self.out, delay == 0));
        };
        let scope_to_group = queue.attributes.dedup_per_group;
        let sent = queue.send_fifo(now, self.content, &dedup_id, scope_to_group);
        let mut out = self.out;
        out.message_id = sluice_core::format_uuid(sent.message_id);
        out.sequence_number = Some(sent.sequence_number.to_string());
        Ok((out, !sent.duplicate && delay == 0))
    }
}

/// On a FIFO queue an entry without a group id, or without a deduplication id when content
/// deduplication is off, fails the whole batch, not just that entry (LocalStack's
/// AWS-validated `test_send_batch_missing_*_for_fifo_queue`); the errors are SendMessage's.
fn fifo_batch_ids(entries: &[SendMessageInput], content_based: bool) -> Result<(), SqsError> {
    for entry in entries {
        if !content_based && entry.message_deduplication_id.is_none() {
            return Err(SqsError::InvalidParameterValueMessage(
                "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"
                    .into(),
            ));
        }
        if entry.message_group_id.is_none() {
            return Err(SqsError::MissingParameter("MessageGroupId"));
        }
    }
    Ok(())
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

impl SqsService {
    fn content(&self, sender_id: &Arc<str>, message: NewMessage) -> MessageContent {
        MessageContent {
            id: self.ids.uuid_u128(),
            md5_of_body: md5_of_body(&message.body),
            body: message.body.into_boxed_str(),
            attributes: message.attributes,
            aws_trace_header: message.aws_trace_header.map(String::into_boxed_str),
            message_group_id: message.message_group_id.map(Arc::from),
            sequence_number: None,
            deduplication_id: None,
            sender_id: sender_id.clone(),
            sent_at: self.clock.now(),
        }
    }

    /// Builds the stored form of a message outside any lock (id, digests, allocation).
    fn build(&self, sender_id: &Arc<str>, prepared: Prepared) -> Built {
        let size = prepared.message.body.len() + prepared.attributes_size;
        let requested_delay = prepared.message.delay_seconds;
        let dedup_id = prepared.dedup_id;
        let content = self.content(sender_id, prepared.message);
        let out = SendMessageOutput {
            md5_of_message_body: hex::encode(content.md5_of_body),
            md5_of_message_attributes: prepared.md5_of_attributes,
            md5_of_message_system_attributes: prepared.md5_of_system_attributes,
            message_id: content.message_id(),
            sequence_number: None,
        };
        Built {
            content,
            size,
            requested_delay,
            dedup_id,
            out,
        }
    }

    pub async fn send_message(
        &self,
        ctx: &RequestContext,
        mut input: SendMessageInput,
    ) -> Result<SendMessageOutput, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.take().as_deref())?;
        let sender_id: Arc<str> = ctx.caller_id().into();
        self.send_to(&cell, &sender_id, input.into())
    }

    /// Enqueues a message another service of this process hands over (SNS fan-out), with
    /// SendMessage's rules: no HTTP round trip, no API types.
    pub fn enqueue(
        &self,
        queue: &QueueKey,
        sender_id: &Arc<str>,
        message: QueueMessage,
    ) -> Result<SendMessageOutput, SqsError> {
        let cell = self
            .registry
            .get(queue)
            .ok_or(SqsError::QueueDoesNotExist)?;
        self.send_to(&cell, sender_id, message.into())
    }

    fn send_to(
        &self,
        cell: &QueueCell,
        sender_id: &Arc<str>,
        input: Outgoing,
    ) -> Result<SendMessageOutput, SqsError> {
        let kind = QueueKind::of(cell)?;
        let built = self.build(sender_id, prepare(input, kind)?);
        let mut wakeups = Wakeups::default();
        let out = {
            let mut queue = cell.lock_live()?;
            let before = queue.next_wake();
            let now = self.clock.now();
            let (out, visible) = built.enqueue(&mut queue, now)?;
            wakeups.note(visible, before, queue.next_wake(), now);
            out
        };
        wakeups.signal(cell);
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
        let kind = QueueKind::of(&cell)?;
        let sent = batch_size(&input.entries);
        if sent > MAX_MESSAGE_SIZE as usize {
            return Err(SqsError::BatchRequestTooLong {
                max: MAX_MESSAGE_SIZE,
                sent,
            });
        }
        if let QueueKind::Fifo { content_based } = kind {
            fifo_batch_ids(&input.entries, content_based)?;
        }
        let sender_id: Arc<str> = ctx.caller_id().into();
        let built: Vec<(String, Result<Built, SqsError>)> = input
            .entries
            .into_iter()
            .map(|mut entry| {
                let id = entry.id.take().unwrap_or_default();
                (
                    id,
                    prepare(entry.into(), kind).map(|p| self.build(&sender_id, p)),
                )
            })
            .collect();
        let mut out = SendMessageBatchOutput::default();
        let mut wakeups = Wakeups::default();
        {
            let mut queue = cell.lock_live()?;
            let now = self.clock.now();
            for (id, built) in built {
                let before = queue.next_wake();
                match built.and_then(|b| b.enqueue(&mut queue, now)) {
                    Ok((sent, visible)) => {
                        wakeups.note(visible, before, queue.next_wake(), now);
                        out.successful
                            .push(SendMessageBatchResultEntry { id, sent });
                    }
                    Err(e) => out.failed.push(failed_entry(id, e)),
                }
            }
        }
        wakeups.signal(&cell);
        Ok(out)
    }
}
