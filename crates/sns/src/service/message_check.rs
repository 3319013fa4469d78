//! Validation of one message for Publish and each PublishBatch entry, in AWS's order: the
//! framework's checks, subject, message, attributes (names, types, values), size, FIFO ids,
//! and the `MessageStructure=json` document.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::engine::{
    valid_number, AttributeData, MessageAttribute, MAX_MESSAGE_BYTES, MAX_SUBJECT_CHARS,
};
use crate::model::input::*;
use crate::SnsError;

/// One message's fields, as Publish and each PublishBatch entry give them.
pub(super) struct MessageFields {
    pub(super) message: Option<String>,
    pub(super) subject: Option<String>,
    pub(super) message_structure: Option<String>,
    pub(super) message_attributes: Vec<(String, MessageAttributeInput)>,
    pub(super) dedup_id: Option<String>,
    pub(super) group_id: Option<String>,
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
pub(super) struct Checked {
    /// Bytes counted against the limits: the message as sent plus its attributes.
    pub(super) size: usize,
    pub(super) subject: Option<String>,
    pub(super) message: String,
    pub(super) per_protocol: Vec<(String, String)>,
    pub(super) structure: Option<String>,
    pub(super) attributes: Vec<MessageAttribute>,
    pub(super) group_id: Option<String>,
    pub(super) dedup_id: Option<String>,
}

pub(super) fn attribute_error(text: String) -> SnsError {
    SnsError::InvalidParameterValue(text)
}

pub(super) fn check_attribute_name(name: &str) -> Result<(), SnsError> {
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
    // SNS's own attributes for SMS and mobile push are the documented exceptions
    // (https://docs.aws.amazon.com/sns/latest/dg/sms_publish-to-phone.html,
    // https://docs.aws.amazon.com/sns/latest/dg/sns-send-custom-platform-specific-payloads-mobile-devices.html).
    const SNS_OWN: [&str; 3] = ["AWS.SNS.SMS.", "AWS.SNS.MOBILE.", "AWS.MM.SMS."];
    if SNS_OWN.iter().any(|prefix| name.starts_with(prefix)) {
        return Ok(());
    }
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("aws.") || lower.starts_with("amazon.") {
        return Err(attribute_error(format!(
            "The message attribute name '{name}' uses a reserved prefix (AWS. or Amazon.)."
        )));
    }
    Ok(())
}

pub(super) fn convert_attributes(
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

pub(super) fn valid_fifo_id(id: &str) -> bool {
    (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic())
}

/// The checks AWS makes before any other: the framework's (a message attribute without a
/// `DataType`), then the subject, then an empty message.
pub(super) fn precheck(fields: &MessageFields, member_path: &str) -> Result<(), SnsError> {
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
pub(super) fn check(
    fields: MessageFields,
    fifo: bool,
    member_path: &str,
) -> Result<Checked, SnsError> {
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
