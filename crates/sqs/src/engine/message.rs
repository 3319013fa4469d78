//! Message content: body and attribute validation (AWS's character, name, type and size
//! rules) and the MD5 digests SDKs check (`MD5OfMessageBody`, `MD5OfMessageAttributes`,
//! `MD5OfMessageSystemAttributes`).
//! See <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html>.

use std::collections::BTreeMap;
use std::sync::Arc;

use md5::{Digest, Md5};
use sluice_core::Timestamp;

use crate::SqsError;

/// Most message attributes one message may carry.
pub const MAX_MESSAGE_ATTRIBUTES: usize = 10;

/// A typed message attribute value (`String`, `Number`, `Binary`, optionally `.label`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeValue {
    pub data_type: String,
    pub value: AttributeData,
}

pub use sluice_core::AttributeData;

impl AttributeValue {
    fn transport_type(&self) -> u8 {
        match self.value {
            AttributeData::Text(_) => 1,
            AttributeData::Binary(_) => 2,
        }
    }

    fn bytes(&self) -> &[u8] {
        self.value.bytes()
    }

    /// Bytes this attribute adds to the message size: name, type and value.
    fn size(&self, name: &str) -> usize {
        name.len() + self.data_type.len() + self.bytes().len()
    }
}

/// Attributes by name; the `BTreeMap` keeps them sorted as the MD5 algorithm requires.
pub type MessageAttributes = BTreeMap<String, AttributeValue>;

/// What a sender provided, before validation.
#[derive(Debug, Clone, Default)]
pub struct NewMessage {
    pub body: String,
    pub attributes: MessageAttributes,
    pub aws_trace_header: Option<String>,
    pub delay_seconds: Option<u32>,
    /// Fair queues: standard queues accept a group id and report it back.
    pub message_group_id: Option<String>,
}

/// The immutable part of a stored message, shared with receivers without copying the body.
#[derive(Debug)]
pub struct MessageContent {
    pub id: u128,
    pub body: Box<str>,
    pub attributes: MessageAttributes,
    pub md5_of_body: [u8; 16],
    pub aws_trace_header: Option<Box<str>>,
    pub message_group_id: Option<Arc<str>>,
    /// FIFO queues: the 20-digit sequence number and the deduplication id used.
    pub sequence_number: Option<u128>,
    pub deduplication_id: Option<Box<str>>,
    pub sender_id: Arc<str>,
    pub sent_at: Timestamp,
}

impl MessageContent {
    /// The message id in AWS's UUID form.
    pub fn message_id(&self) -> String {
        sluice_core::format_uuid(self.id)
    }
}

/// `true` for the characters AWS allows in bodies and string attributes:
/// `#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF`.
fn allowed_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

pub fn validate_text(text: &str) -> Result<(), SqsError> {
    // Fast path: printable ASCII is by far the common case.
    if text.bytes().all(|b| (0x20..0x7F).contains(&b)) || text.chars().all(allowed_char) {
        Ok(())
    } else {
        Err(SqsError::InvalidMessageContents)
    }
}

/// AWS's rules for a message attribute name.
fn validate_attribute_name(name: &str) -> Result<(), SqsError> {
    let invalid = |message: String| Err(SqsError::InvalidParameterValueMessage(message));
    if name.is_empty() || name.len() > 256 {
        return invalid("Message (user) attribute name must be shorter than 256 bytes.".into());
    }
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("aws.") || lower.starts_with("amazon.") {
        return invalid("You can't use message attribute names beginning with 'AWS.' or 'Amazon'. These strings are reserved for internal use.".into());
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        return invalid("Message (user) attributes name can only contain upper and lower score characters, digits, periods, hyphens and underscores. ".into());
    }
    if name.starts_with('.') {
        return invalid("Message (user) attribute name must not begin with character '.'.".into());
    }
    if name.ends_with('.') {
        return invalid("Message (user) attribute name must not end with character '.'.".into());
    }
    if name.contains("..") {
        return invalid(
            "Message (user) attribute name must not have successive '.' characters.".into(),
        );
    }
    Ok(())
}

/// Checks a decimal number as SQS accepts it for `Number` attributes.
fn is_number(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match digits.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (digits, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_ok = !(int.is_empty() && frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit());
    let exp_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    digits_ok && exp_ok && int.len() + frac.len() <= 38
}

/// AWS's rule for `MessageGroupId` and `MessageDeduplicationId`: 1..=128 characters, each
/// alphanumeric or ASCII punctuation.
pub fn valid_group_or_dedup_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b.is_ascii_punctuation())
}

/// Validates the attributes of one message and returns the bytes they add to its size.
pub fn validate_attributes(attributes: &MessageAttributes) -> Result<usize, SqsError> {
    if attributes.len() > MAX_MESSAGE_ATTRIBUTES {
        return Err(SqsError::InvalidParameterValueMessage(format!(
            "Number of message attributes [{}] exceeds the allowed maximum [{MAX_MESSAGE_ATTRIBUTES}].",
            attributes.len()
        )));
    }
    let mut size = 0;
    for (name, attr) in attributes {
        validate_attribute_name(name)?;
        let invalid = |message: String| Err(SqsError::InvalidParameterValueMessage(message));
        if attr.data_type.is_empty() {
            return invalid(format!(
                "The message (user) attribute '{name}' must contain a non-empty message attribute type."
            ));
        }
        let base = attr.data_type.split('.').next().unwrap_or_default();
        let label_ok = attr.data_type.len() <= 256
            && attr
                .data_type
                .split_once('.')
                .is_none_or(|(_, label)| !label.is_empty());
        if !matches!(base, "String" | "Number" | "Binary") || !label_ok {
            return invalid(format!(
                "The type of message (user) attribute '{name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String."
            ));
        }
        let wants_binary = base == "Binary";
        match &attr.value {
            AttributeData::Binary(_) if !wants_binary => {
                return invalid(format!(
                    "Message (user) attribute '{name}' with type '{base}' must use field 'String'."
                ))
            }
            AttributeData::Text(_) if wants_binary => {
                return invalid(format!(
                    "Message (user) attribute '{name}' with type 'Binary' must use field 'Binary'."
                ))
            }
            _ => {}
        }
        if attr.bytes().is_empty() {
            return invalid(format!(
                "Message (user) attribute '{name}' must contain a non-empty value of type '{base}'."
            ));
        }
        if let AttributeData::Text(s) = &attr.value {
            if base == "Number" && !is_number(s) {
                return invalid(format!(
                    "Can't cast the value of message (user) attribute '{name}' to a number."
                ));
            }
            validate_text(s)?;
        }
        size += attr.size(name);
    }
    Ok(size)
}

fn push_len_prefixed(hasher: &mut Md5, bytes: &[u8]) {
    hasher.update(u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_be_bytes());
    hasher.update(bytes);
}

/// AWS's `MD5OfMessageAttributes`: for each attribute in name order, the length-prefixed
/// name, the length-prefixed data type, a transport byte (1 text, 2 binary) and the
/// length-prefixed value. `None` when there are no attributes.
pub fn md5_of_attributes<'a, I>(attributes: I) -> Option<String>
where
    I: IntoIterator<Item = (&'a String, &'a AttributeValue)>,
{
    let mut hasher = Md5::new();
    let mut any = false;
    for (name, attr) in attributes {
        any = true;
        push_len_prefixed(&mut hasher, name.as_bytes());
        push_len_prefixed(&mut hasher, attr.data_type.as_bytes());
        hasher.update([attr.transport_type()]);
        push_len_prefixed(&mut hasher, attr.bytes());
    }
    any.then(|| hex::encode(hasher.finalize()))
}

/// `MD5OfMessageSystemAttributes`: the same algorithm over the one system attribute SQS
/// accepts on send, `AWSTraceHeader`.
pub fn md5_of_system_attributes(trace_header: Option<&str>) -> Option<String> {
    let value = trace_header?;
    let mut attrs = BTreeMap::new();
    attrs.insert(
        "AWSTraceHeader".to_owned(),
        AttributeValue {
            data_type: "String".to_owned(),
            value: AttributeData::Text(value.to_owned()),
        },
    );
    md5_of_attributes(&attrs)
}

pub fn md5_of_body(body: &str) -> [u8; 16] {
    Md5::digest(body.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(data_type: &str, v: &str) -> AttributeValue {
        AttributeValue {
            data_type: data_type.into(),
            value: AttributeData::Text(v.into()),
        }
    }

    #[test]
    fn attribute_md5_matches_aws_reference_values() {
        // Values computed by the algorithm in the AWS SDKs' checksum validators.
        let mut attrs = MessageAttributes::new();
        attrs.insert("a".into(), text("String", "b"));
        assert_eq!(
            md5_of_attributes(&attrs).as_deref(),
            Some(reference_md5(&[("a", "String", 1, b"b")]).as_str())
        );
        attrs.insert(
            "bin".into(),
            AttributeValue {
                data_type: "Binary".into(),
                value: AttributeData::Binary(vec![0, 1, 2]),
            },
        );
        attrs.insert("Amount".into(), text("Number.int", "42"));
        // Sorted: Amount, a, bin (byte order).
        assert_eq!(
            md5_of_attributes(&attrs).as_deref(),
            Some(
                reference_md5(&[
                    ("Amount", "Number.int", 1, b"42"),
                    ("a", "String", 1, b"b"),
                    ("bin", "Binary", 2, &[0, 1, 2]),
                ])
                .as_str()
            )
        );
        assert_eq!(md5_of_attributes(&MessageAttributes::new()), None);
    }

    /// An independent spelling of the algorithm, byte by byte.
    fn reference_md5(items: &[(&str, &str, u8, &[u8])]) -> String {
        let mut buf = Vec::new();
        for (name, ty, transport, value) in items {
            buf.extend_from_slice(&(name.len() as u32).to_be_bytes());
            buf.extend_from_slice(name.as_bytes());
            buf.extend_from_slice(&(ty.len() as u32).to_be_bytes());
            buf.extend_from_slice(ty.as_bytes());
            buf.push(*transport);
            buf.extend_from_slice(&(value.len() as u32).to_be_bytes());
            buf.extend_from_slice(value);
        }
        sluice_core::md5_hex(&buf)
    }

    #[test]
    fn md5_matches_digests_recorded_from_real_sqs() {
        let strings = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), text("String", v)))
                .collect::<MessageAttributes>()
        };
        let cases: [(&[(&str, &str)], &str); 3] = [
            (
                &[("General", "Kenobi"), ("Hello", "There"), ("Help.Me", "Me")],
                "4c360f3fdafd970e05fae2f149d997f5",
            ),
            (&[("Hello", "There")], "a311262e065454b75da111d535b8dacd"),
            (&[("Foo", "Bar")], "ae7155c6026991b6d54b11589678bf9c"),
        ];
        for (pairs, expected) in cases {
            assert_eq!(
                md5_of_attributes(&strings(pairs)).as_deref(),
                Some(expected)
            );
        }
        let mut binary = MessageAttributes::new();
        binary.insert(
            "attr1".into(),
            AttributeValue {
                data_type: "Binary".into(),
                value: AttributeData::Binary(
                    b"traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01"
                        .to_vec(),
                ),
            },
        );
        assert_eq!(
            md5_of_attributes(&binary).as_deref(),
            Some("8cbe4db156db8a94db8b801b7addb984")
        );
        assert_eq!(
            hex::encode(md5_of_body("msg")),
            "6e2baaf3b97dbeef01c0043275f9a0e7"
        );
    }

    #[test]
    fn known_md5_of_one_string_attribute() {
        // A fixed vector, so a change to the algorithm cannot pass by changing both spellings.
        let mut attrs = MessageAttributes::new();
        attrs.insert("a".into(), text("String", "b"));
        let bytes = [
            0, 0, 0, 1, b'a', 0, 0, 0, 6, b'S', b't', b'r', b'i', b'n', b'g', 1, 0, 0, 0, 1, b'b',
        ];
        assert_eq!(
            md5_of_attributes(&attrs).expect("md5"),
            sluice_core::md5_hex(&bytes)
        );
    }

    #[test]
    fn body_characters_follow_the_xml_rule() {
        assert!(validate_text("hello \t\r\n ü 🚀").is_ok());
        assert_eq!(
            validate_text("a\u{0}b"),
            Err(SqsError::InvalidMessageContents)
        );
        assert_eq!(
            validate_text("\u{FFFE}"),
            Err(SqsError::InvalidMessageContents)
        );
        assert_eq!(
            validate_text("\u{1F}"),
            Err(SqsError::InvalidMessageContents)
        );
    }

    #[test]
    fn attribute_rules() {
        let one = |name: &str, attr: AttributeValue| {
            let mut m = MessageAttributes::new();
            m.insert(name.into(), attr);
            validate_attributes(&m)
        };
        assert_eq!(one("n", text("String", "v")), Ok(1 + 6 + 1));
        assert!(one("n", text("String.custom", "v")).is_ok());
        assert!(one("n", text("Number", "-1.5e10")).is_ok());
        assert!(one("n", text("Number", "12abc")).is_err());
        assert!(one("n", text("String", "")).is_err());
        assert!(one("n", text("Text", "v")).is_err());
        assert!(one("n", text("String.", "v")).is_err());
        assert!(one("AWS.x", text("String", "v")).is_err());
        assert!(one("amazon.x", text("String", "v")).is_err());
        assert!(one("a..b", text("String", "v")).is_err());
        assert!(one(".a", text("String", "v")).is_err());
        assert!(one("a b", text("String", "v")).is_err());
        assert!(one(&"x".repeat(257), text("String", "v")).is_err());
        assert!(one(
            "b",
            AttributeValue {
                data_type: "Binary".into(),
                value: AttributeData::Binary(vec![])
            }
        )
        .is_err());
        let mut many = MessageAttributes::new();
        for i in 0..11 {
            many.insert(format!("a{i}"), text("String", "v"));
        }
        assert!(validate_attributes(&many).is_err());
    }
}
