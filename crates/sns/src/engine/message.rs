//! A published message as every subscription sees it: the default body and any per-protocol
//! bodies (`MessageStructure=json`), its typed attributes, and for FIFO topics the group,
//! deduplication id and sequence number.

use std::sync::Arc;

use sluice_core::Timestamp;

use super::filter::AttributeRef;

/// The largest message SNS takes, body and attributes together: 256 KiB.
pub const MAX_MESSAGE_BYTES: usize = 262_144;
/// The longest subject.
pub const MAX_SUBJECT_CHARS: usize = 100;
/// How many message attributes one message may carry.
pub const MAX_MESSAGE_ATTRIBUTES: usize = 10;

pub use sluice_core::{AttributeData, MessageAttribute};

/// The attribute as filter policies see it: its base type (`String.Array` keeps its name,
/// custom suffixes are dropped) and its text (binary values match nothing).
pub(super) fn filter_view(attribute: &MessageAttribute) -> AttributeRef<'_> {
    let data_type = if attribute.data_type == "String.Array" {
        "String.Array"
    } else {
        attribute
            .data_type
            .split_once('.')
            .map_or(attribute.data_type.as_str(), |(base, _)| base)
    };
    AttributeRef {
        data_type,
        value: match &attribute.value {
            AttributeData::Text(s) => s,
            AttributeData::Binary(_) => "",
        },
    }
}

/// FIFO facts of a message published to a FIFO topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FifoFacts {
    pub group_id: String,
    pub dedup_id: String,
    pub sequence_number: String,
}

/// A message accepted by Publish, shared by every delivery of it.
#[derive(Debug)]
pub struct Published {
    pub message_id: String,
    pub topic_arn: Arc<str>,
    pub subject: Option<String>,
    /// The body for protocols without their own entry in a `MessageStructure=json` message.
    pub message: String,
    /// `(protocol, body)` pairs of a `MessageStructure=json` message, `default` excluded.
    pub per_protocol: Vec<(String, String)>,
    pub attributes: Vec<MessageAttribute>,
    pub timestamp: Timestamp,
    pub fifo: Option<FifoFacts>,
    /// A standard topic's `MessageGroupId`, passed on to SQS (fair queues).
    pub group_id: Option<String>,
}

impl Published {
    /// The body a subscription of `protocol` receives.
    pub fn body_for(&self, protocol: &str) -> &str {
        self.per_protocol
            .iter()
            .find(|(p, _)| p == protocol)
            .map_or(self.message.as_str(), |(_, body)| body.as_str())
    }

    pub fn attribute(&self, name: &str) -> Option<&MessageAttribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// A `Number` attribute's value as AWS accepts it: a decimal number, optionally signed, with
/// an optional exponent, in ±10^308.
pub fn valid_number(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty()
        && v.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && v.parse::<f64>().is_ok_and(f64::is_finite)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        for ok in ["1", "-2.5", "1e10", "+3"] {
            assert!(valid_number(ok), "{ok}");
        }
        for bad in ["", "abc", "1e999", "NaN", "inf", "0x10"] {
            assert!(!valid_number(bad), "{bad}");
        }
    }

    #[test]
    fn per_protocol_bodies_fall_back_to_default() {
        let m = Published {
            message_id: "m".into(),
            topic_arn: "arn:aws:sns:us-east-1:000000000000:t".into(),
            subject: None,
            message: "default".into(),
            per_protocol: vec![("sqs".into(), "for sqs".into())],
            attributes: Vec::new(),
            timestamp: Timestamp(0),
            fifo: None,
            group_id: None,
        };
        assert_eq!(m.body_for("sqs"), "for sqs");
        assert_eq!(m.body_for("http"), "default");
    }
}
