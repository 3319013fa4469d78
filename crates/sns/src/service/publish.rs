//! Publish and PublishBatch: validation in AWS's order (subject, message, phone number,
//! attributes, size, FIFO rules, message structure, then the topic), FIFO deduplication
//! under the topic's lock, and hand-off to the delivery worker.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sluice_core::sha256_hex;

use super::{parse_topic_arn, topics, RequestContext, SnsService};
use crate::api::input::*;
use crate::api::output::*;
use crate::engine::{
    valid_e164, valid_number, AttributeData, FifoAdmission, FifoFacts, MessageAttribute,
    OutboxKind, OutboxRecord, Published, TopicCell, MAX_MESSAGE_BYTES, MAX_SUBJECT_CHARS,
};
use crate::SnsError;

/// AWS's answer to a FIFO message with neither a deduplication id nor content-based
/// deduplication.
const NO_DEDUP_ID: &str = "The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly";

/// Most entries one PublishBatch may carry.
const MAX_BATCH_ENTRIES: usize = 10;

/// One message's fields, as Publish and each PublishBatch entry give them.
struct MessageFields {
    message: Option<String>,
    subject: Option<String>,
    message_structure: Option<String>,
    message_attributes: Vec<(String, MessageAttributeInput)>,
    dedup_id: Option<String>,
    group_id: Option<String>,
}

impl From<PublishBatchEntryInput> for MessageFields {
    fn from(e: PublishBatchEntryInput) -> Self {
        MessageFields {
            message: e.message,
            subject: e.subject,
            message_structure: e.message_structure,
            message_attributes: e.message_attributes,
            dedup_id: e.message_deduplication_id,
            group_id: e.message_group_id,
        }
    }
}

/// A message that passed validation.
struct Checked {
    /// Bytes counted against the limits: the message as sent plus its attributes.
    size: usize,
    subject: Option<String>,
    message: String,
    per_protocol: Vec<(String, String)>,
    structure: Option<String>,
    attributes: Vec<MessageAttribute>,
    group_id: Option<String>,
    dedup_id: Option<String>,
}

fn attribute_error(text: String) -> SnsError {
    SnsError::InvalidParameterValue(text)
}

fn check_attribute_name(name: &str) -> Result<(), SnsError> {
    if name.len() >= 256 {
        return Err(attribute_error(
            "Length of message attribute name must be less than 256 bytes.".into(),
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(attribute_error(format!(
            "Invalid non-alphanumeric character '#x{:X}' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.",
            u32::from(c)
        )));
    }
    if name.starts_with('.') {
        return Err(attribute_error(
            "Invalid message attribute name starting with character '.' was found.".into(),
        ));
    }
    if name.ends_with('.') {
        return Err(attribute_error(
            "Invalid message attribute name ending with character '.' was found.".into(),
        ));
    }
    if name.contains("..") {
        return Err(attribute_error(
            "Message attribute name can not have successive '.' character.".into(),
        ));
    }
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("aws.") || lower.starts_with("amazon.") {
        return Err(attribute_error(format!(
            "The message attribute name '{name}' uses a reserved prefix (AWS. or Amazon.)."
        )));
    }
    Ok(())
}

fn convert_attributes(
    inputs: Vec<(String, MessageAttributeInput)>,
    member_path: &str,
) -> Result<Vec<MessageAttribute>, SnsError> {
    let mut out = Vec::with_capacity(inputs.len());
    for (name, input) in inputs {
        check_attribute_name(&name)?;
        let Some(data_type) = input.data_type else {
            return Err(SnsError::ValidationError(format!(
                "1 validation error detected: Value null at '{member_path}.{name}.member.dataType' failed to satisfy constraint: Member must not be null"
            )));
        };
        let base = if data_type == "String.Array" {
            "String.Array"
        } else {
            data_type
                .split_once('.')
                .map_or(data_type.as_str(), |(b, _)| b)
        };
        if !matches!(base, "String" | "Number" | "Binary" | "String.Array") {
            return Err(attribute_error(format!(
                "The message attribute '{name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."
            )));
        }
        let shown_type = if base == "String.Array" {
            "String.Array"
        } else {
            base
        };
        let value = if base == "Binary" {
            if input.string_value.is_some() && input.binary_value.is_none() {
                return Err(attribute_error(format!(
                    "The message attribute '{name}' with type 'Binary' must use field 'Binary'."
                )));
            }
            let bytes = STANDARD
                .decode(input.binary_value.unwrap_or_default().as_bytes())
                .map_err(|_| {
                    attribute_error(format!(
                        "The message attribute '{name}' has a BinaryValue that is not valid base64."
                    ))
                })?;
            if bytes.is_empty() {
                return Err(attribute_error(format!(
                    "The message attribute '{name}' must contain non-empty message attribute value for message attribute type 'Binary'."
                )));
            }
            AttributeData::Binary(bytes)
        } else {
            if input.binary_value.is_some() && input.string_value.is_none() {
                return Err(attribute_error(format!(
                    "The message attribute '{name}' with type '{shown_type}' must use field 'String'."
                )));
            }
            let text = input.string_value.unwrap_or_default();
            if text.is_empty() {
                return Err(attribute_error(format!(
                    "The message attribute '{name}' must contain non-empty message attribute value for message attribute type '{shown_type}'."
                )));
            }
            if base == "Number" && !valid_number(&text) {
                return Err(attribute_error(format!(
                    "Could not cast message attribute '{name}' value to number."
                )));
            }
            if base == "String.Array"
                && !serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| v.is_array())
            {
                return Err(attribute_error(format!(
                    "Could not cast message attribute '{name}' value to String.Array."
                )));
            }
            AttributeData::Text(text)
        };
        out.push(MessageAttribute {
            name,
            data_type,
            value,
        });
    }
    Ok(out)
}

fn valid_fifo_id(id: &str) -> bool {
    (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic())
}

/// The checks AWS makes before any other: the framework's (a message attribute without a
/// `DataType`), then the subject, then an empty message.
fn precheck(fields: &MessageFields, member_path: &str) -> Result<(), SnsError> {
    if let Some((name, _)) = fields
        .message_attributes
        .iter()
        .find(|(_, a)| a.data_type.is_none())
    {
        return Err(SnsError::ValidationError(format!(
            "1 validation error detected: Value null at '{member_path}.{name}.member.dataType' failed to satisfy constraint: Member must not be null"
        )));
    }
    if let Some(subject) = &fields.subject {
        if subject.is_empty()
            || subject.chars().count() > MAX_SUBJECT_CHARS
            || subject.chars().any(char::is_control)
        {
            return Err(SnsError::invalid("Subject"));
        }
    }
    if fields.message.as_deref().is_none_or(str::is_empty) {
        return Err(SnsError::invalid("Empty message"));
    }
    Ok(())
}

/// Validates one message for a topic whose ARN says whether it is FIFO, in AWS's order.
fn check(fields: MessageFields, fifo: bool, member_path: &str) -> Result<Checked, SnsError> {
    precheck(&fields, member_path)?;
    let message = fields.message.unwrap_or_default();
    let attributes = convert_attributes(fields.message_attributes, member_path)?;
    let size = message.len() + attributes.iter().map(MessageAttribute::size).sum::<usize>();
    if size > MAX_MESSAGE_BYTES {
        return Err(SnsError::invalid("Message too long"));
    }
    if fifo {
        match &fields.group_id {
            None => {
                return Err(SnsError::invalid(
                    "The MessageGroupId parameter is required for FIFO topics",
                ))
            }
            Some(g) if !valid_fifo_id(g) => {
                return Err(SnsError::invalid(
                    "MessageGroupId Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.",
                ))
            }
            Some(_) => {}
        }
        if fields
            .dedup_id
            .as_deref()
            .is_some_and(|d| !valid_fifo_id(d))
        {
            return Err(SnsError::invalid(
                "MessageDeduplicationId Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.",
            ));
        }
    } else if fields.dedup_id.is_some() {
        return Err(SnsError::invalid(
            "MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type",
        ));
    }
    let mut per_protocol = Vec::new();
    let mut default_body = None;
    match fields.message_structure.as_deref() {
        None => {}
        Some("json") => {
            let parsed: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&message)
                .map_err(|_| {
                    SnsError::invalid("Message Structure - JSON message body failed to parse")
                })?;
            for (protocol, body) in parsed {
                let Some(body) = body.as_str() else {
                    if protocol == "default" {
                        return Err(SnsError::invalid(
                            "Message Structure - No default entry in JSON message body",
                        ));
                    }
                    continue;
                };
                if protocol == "default" {
                    default_body = Some(body.to_owned());
                } else {
                    per_protocol.push((protocol, body.to_owned()));
                }
            }
            if default_body.is_none() {
                return Err(SnsError::invalid(
                    "Message Structure - No default entry in JSON message body",
                ));
            }
        }
        Some(_) => return Err(SnsError::invalid("MessageStructure")),
    }
    Ok(Checked {
        size,
        subject: fields.subject,
        message: default_body.unwrap_or(message),
        per_protocol,
        structure: fields.message_structure,
        attributes,
        group_id: fields.group_id,
        dedup_id: fields.dedup_id,
    })
}

impl SnsService {
    pub async fn publish(
        &self,
        ctx: &RequestContext,
        input: PublishInput,
    ) -> Result<PublishOutput, SnsError> {
        let fields = MessageFields {
            message: input.message,
            subject: input.subject,
            message_structure: input.message_structure,
            message_attributes: input.message_attributes,
            dedup_id: input.message_deduplication_id,
            group_id: input.message_group_id,
        };
        precheck(&fields, "messageAttributes")?;
        if let Some(number) = input.phone_number {
            if input.topic_arn.is_some() || input.target_arn.is_some() {
                return Err(SnsError::invalid(
                    "TopicArn or TargetArn Reason: Only one of TopicArn, TargetArn or PhoneNumber can be specified",
                ));
            }
            if !valid_e164(&number) {
                return Err(SnsError::invalid(format!(
                    "PhoneNumber Reason: {number} is not valid to publish to"
                )));
            }
            let checked = check(fields, false, "messageAttributes")?;
            return Ok(self.record_direct(ctx, OutboxKind::Sms, number, checked));
        }
        let arn = match (input.topic_arn, input.target_arn) {
            (Some(_), Some(_)) => return Err(SnsError::invalid(
                "TopicArn or TargetArn Reason: Only one of TopicArn or TargetArn can be specified",
            )),
            (Some(arn), None) | (None, Some(arn)) => arn,
            (None, None) => {
                return Err(SnsError::invalid(
                    "TopicArn or TargetArn Reason: no value for required parameter",
                ))
            }
        };
        if arn.contains(":endpoint/") {
            let checked = check(fields, false, "messageAttributes")?;
            {
                let platforms = self.platforms.lock();
                let endpoint = platforms.endpoints.get(&arn).ok_or_else(|| {
                    SnsError::invalid(
                        "TargetArn Reason: No endpoint found for the target arn specified",
                    )
                })?;
                if !endpoint.enabled() {
                    return Err(SnsError::EndpointDisabled);
                }
            }
            return Ok(self.record_direct(ctx, OutboxKind::Application, arn, checked));
        }
        let fifo = arn.ends_with(".fifo");
        let checked = check(fields, fifo, "messageAttributes")?;
        let topic = self.topic(ctx, Some(&arn))?;
        self.publish_checked(ctx, &topic, checked).await
    }

    /// Records a message published straight to a phone number or platform endpoint.
    fn record_direct(
        &self,
        ctx: &RequestContext,
        kind: OutboxKind,
        destination: String,
        checked: Checked,
    ) -> PublishOutput {
        let message_id = self.ids.uuid();
        let platform = destination
            .split_once(":endpoint/")
            .and_then(|(_, rest)| rest.split('/').next())
            .unwrap_or("sms")
            .to_owned();
        let body = checked
            .per_protocol
            .iter()
            .find(|(p, _)| *p == platform)
            .map_or(checked.message.clone(), |(_, b)| b.clone());
        self.outbox.push(OutboxRecord {
            kind,
            account: ctx.account.to_string(),
            region: ctx.region.to_string(),
            destination,
            message_id: message_id.clone(),
            topic_arn: None,
            subscription_arn: None,
            subject: checked.subject,
            message: body,
            message_structure: checked.structure,
            attributes: checked.attributes,
            timestamp: self.clock.now(),
        });
        PublishOutput {
            message_id,
            sequence_number: None,
        }
    }

    /// Admits a validated message to `topic` (FIFO deduplication) and queues its delivery.
    async fn publish_checked(
        &self,
        ctx: &RequestContext,
        topic: &TopicCell,
        checked: Checked,
    ) -> Result<PublishOutput, SnsError> {
        let message_id = self.ids.uuid();
        let base_url: Arc<str> = Arc::from(ctx.base_url());
        let slot = self.deliveries.reserve().await;
        let mut state = topic.lock();
        // Read under the lock, so admissions (and the dedup window) are in time order.
        let now = self.clock.now();
        let fifo = if topic.fifo {
            let dedup_id = match checked.dedup_id.clone() {
                Some(id) => id,
                None if topics::content_based_dedup(&state) => {
                    sha256_hex(checked.message.as_bytes())
                }
                None => return Err(SnsError::invalid(NO_DEDUP_ID)),
            };
            match state.admit_fifo(now, &dedup_id, &message_id) {
                FifoAdmission::Duplicate(accepted) => {
                    return Ok(PublishOutput {
                        message_id: accepted.message_id,
                        sequence_number: Some(accepted.sequence_number),
                    })
                }
                FifoAdmission::New { sequence_number } => Some(FifoFacts {
                    group_id: checked.group_id.clone().unwrap_or_default(),
                    dedup_id,
                    sequence_number,
                }),
            }
        } else {
            None
        };
        let out = PublishOutput {
            message_id: message_id.clone(),
            sequence_number: fifo.as_ref().map(|f| f.sequence_number.clone()),
        };
        let message = Arc::new(Published {
            message_id,
            topic_arn: topic.arn.clone(),
            subject: checked.subject,
            message: checked.message,
            per_protocol: checked.per_protocol,
            attributes: checked.attributes,
            timestamp: now,
            group_id: if fifo.is_none() {
                checked.group_id
            } else {
                None
            },
            fifo,
        });
        if let Some(slot) = slot {
            slot.publish(
                message,
                state.subscribers.clone(),
                base_url,
                topics::signature_version(&state),
                state
                    .attributes
                    .get("DeliveryPolicy")
                    .map(|p| Arc::from(p.as_str())),
            );
        }
        drop(state);
        Ok(out)
    }

    pub async fn publish_batch(
        &self,
        ctx: &RequestContext,
        input: PublishBatchInput,
    ) -> Result<PublishBatchOutput, SnsError> {
        let entries = input.publish_batch_request_entries;
        if entries.len() > MAX_BATCH_ENTRIES {
            return Err(SnsError::TooManyEntriesInBatchRequest);
        }
        let arn = input.topic_arn.unwrap_or_default();
        parse_topic_arn(&arn)?;
        let topic = self.topic(ctx, Some(&arn))?;
        if entries.is_empty() {
            return Err(SnsError::EmptyBatchRequest);
        }
        let mut ids: Vec<&str> = Vec::with_capacity(entries.len());
        for entry in &entries {
            let id = entry.id.as_deref().unwrap_or_default();
            if ids.contains(&id) {
                return Err(SnsError::BatchEntryIdsNotDistinct);
            }
            ids.push(id);
        }
        if ids.iter().any(|id| {
            id.is_empty()
                || id.len() > 80
                || !id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        }) {
            return Err(SnsError::InvalidBatchEntryId);
        }
        let mut checked = Vec::with_capacity(entries.len());
        let mut total = 0;
        for (i, mut entry) in entries.into_iter().enumerate() {
            let id = entry.id.take().unwrap_or_default();
            let path = format!(
                "publishBatchRequestEntries.{}.member.messageAttributes",
                i + 1
            );
            let c = check(MessageFields::from(entry), topic.fifo, &path)?;
            total += c.size;
            checked.push((id, c));
        }
        // A FIFO topic's deduplication rule fails the whole request, before anything is
        // published.
        if topic.fifo
            && !topics::content_based_dedup(&topic.lock())
            && checked.iter().any(|(_, c)| c.dedup_id.is_none())
        {
            return Err(SnsError::invalid(NO_DEDUP_ID));
        }
        if total > MAX_MESSAGE_BYTES {
            return Err(SnsError::BatchRequestTooLong);
        }
        let mut out = PublishBatchOutput::default();
        for (id, c) in checked {
            match self.publish_checked(ctx, &topic, c).await {
                Ok(published) => out.successful.push(PublishBatchSuccess {
                    id,
                    message_id: published.message_id,
                    sequence_number: published.sequence_number,
                }),
                Err(e) => {
                    let desc = crate::api::errors::describe(&e);
                    out.failed.push(PublishBatchFailure {
                        id,
                        code: desc.query_code.to_owned(),
                        message: e.to_string(),
                        sender_fault: desc.fault == sluice_wire::Fault::Sender,
                    });
                }
            }
        }
        Ok(out)
    }
}
