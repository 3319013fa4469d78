//! The JSON documents SNS delivers: the `Notification` envelope (to SQS, HTTP and email-json)
//! and the `SubscriptionConfirmation` / `UnsubscribeConfirmation` messages, written with
//! AWS's key order and layout, and the string each signature covers. A notification is
//! rendered once per message and completed per subscription.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::engine::{AttributeData, Published};

/// A `Notification` for one message and body, rendered once and completed per
/// subscription with its `UnsubscribeURL` (the only field that differs between them).
pub(super) struct Notification {
    head: String,
    tail: String,
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

impl Notification {
    /// `signature` is `(SignatureVersion, Signature, SigningCertURL)`; FIFO topics deliver
    /// without one.
    pub(super) fn new(
        message: &Published,
        body: &str,
        signature: Option<(&str, &str, &str)>,
    ) -> Self {
        let mut head = String::with_capacity(body.len() + 384);
        let mut field = |name: &str, value: &str| {
            head.push_str(if head.is_empty() {
                "{\n  \""
            } else {
                ",\n  \""
            });
            head.push_str(name);
            head.push_str("\" : ");
            head.push_str(&quote(value));
        };
        field("Type", "Notification");
        field("MessageId", &message.message_id);
        if let Some(fifo) = &message.fifo {
            field("SequenceNumber", &fifo.sequence_number);
        }
        field("TopicArn", &message.topic_arn);
        if let Some(subject) = &message.subject {
            field("Subject", subject);
        }
        field("Message", body);
        field("Timestamp", &message.timestamp.to_iso8601());
        if let Some((version, signature, cert_url)) = signature {
            field("SignatureVersion", version);
            field("Signature", signature);
            field("SigningCertURL", cert_url);
        }
        head.push_str(",\n  \"UnsubscribeURL\" : ");
        let mut tail = String::new();
        if !message.attributes.is_empty() {
            tail.push_str(",\n  \"MessageAttributes\" : {");
            for (i, a) in message.attributes.iter().enumerate() {
                let value = match &a.value {
                    AttributeData::Text(s) => quote(s),
                    AttributeData::Binary(b) => quote(&STANDARD.encode(b)),
                };
                tail.push_str(if i == 0 { "\n    " } else { ",\n    " });
                tail.push_str(&quote(&a.name));
                tail.push_str(" : {\"Type\":");
                tail.push_str(&quote(&a.data_type));
                tail.push_str(",\"Value\":");
                tail.push_str(&value);
                tail.push('}');
            }
            tail.push_str("\n  }");
        }
        tail.push_str("\n}");
        Notification { head, tail }
    }

    /// The envelope for the subscription whose `UnsubscribeURL` this is.
    pub(super) fn render(&self, unsubscribe_url: &str) -> String {
        let url = quote(unsubscribe_url);
        let mut out = String::with_capacity(self.head.len() + url.len() + self.tail.len());
        out.push_str(&self.head);
        out.push_str(&url);
        out.push_str(&self.tail);
        out
    }
}

/// The text a `Notification` signature covers: `Key\nValue\n` for Message, MessageId,
/// Subject (when present), Timestamp, TopicArn and Type, in that order.
pub(super) fn notification_string_to_sign(message: &Published, body: &str) -> String {
    let mut s = String::with_capacity(body.len() + 256);
    let mut add = |k: &str, v: &str| {
        s.push_str(k);
        s.push('\n');
        s.push_str(v);
        s.push('\n');
    };
    add("Message", body);
    add("MessageId", &message.message_id);
    if let Some(subject) = &message.subject {
        add("Subject", subject);
    }
    add("Timestamp", &message.timestamp.to_iso8601());
    add("TopicArn", &message.topic_arn);
    add("Type", "Notification");
    s
}

/// A subscription or unsubscription confirmation message.
pub(super) struct Confirmation<'a> {
    /// `SubscriptionConfirmation` or `UnsubscribeConfirmation`.
    pub kind: &'a str,
    pub message_id: &'a str,
    pub token: &'a str,
    pub topic_arn: &'a str,
    pub message: &'a str,
    pub subscribe_url: &'a str,
    pub timestamp: &'a str,
}

impl Confirmation<'_> {
    pub(super) fn string_to_sign(&self) -> String {
        [
            ("Message", self.message),
            ("MessageId", self.message_id),
            ("SubscribeURL", self.subscribe_url),
            ("Timestamp", self.timestamp),
            ("Token", self.token),
            ("TopicArn", self.topic_arn),
            ("Type", self.kind),
        ]
        .iter()
        .map(|(k, v)| format!("{k}\n{v}\n"))
        .collect()
    }

    pub(super) fn render(&self, version: &str, signature: &str, cert_url: &str) -> String {
        let fields = [
            ("Type", self.kind),
            ("MessageId", self.message_id),
            ("Token", self.token),
            ("TopicArn", self.topic_arn),
            ("Message", self.message),
            ("SubscribeURL", self.subscribe_url),
            ("Timestamp", self.timestamp),
            ("SignatureVersion", version),
            ("Signature", signature),
            ("SigningCertURL", cert_url),
        ];
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("  \"{k}\" : {}", quote(v)))
            .collect();
        format!("{{\n{}\n}}", body.join(",\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::MessageAttribute;
    use sluice_core::Timestamp;

    fn message(subject: Option<&str>) -> Published {
        Published {
            message_id: "m-1".into(),
            topic_arn: "arn:aws:sns:us-east-1:000000000000:t".into(),
            subject: subject.map(str::to_owned),
            message: "hello \"world\"".into(),
            per_protocol: Vec::new(),
            attributes: vec![
                MessageAttribute {
                    name: "color".into(),
                    data_type: "String".into(),
                    value: AttributeData::Text("red".into()),
                },
                MessageAttribute {
                    name: "blob".into(),
                    data_type: "Binary".into(),
                    value: AttributeData::Binary(vec![2, 3, 4]),
                },
            ],
            timestamp: Timestamp(0),
            fifo: None,
            group_id: None,
        }
    }

    #[test]
    fn notification_keeps_aws_order_and_omits_absent_subject() {
        let m = message(None);
        let text = Notification::new(&m, &m.message, Some(("1", "c2ln", "http://cert")))
            .render("http://u");
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(v["Message"], "hello \"world\"");
        assert_eq!(v["Timestamp"], "1970-01-01T00:00:00.000Z");
        assert_eq!(v["MessageAttributes"]["blob"]["Value"], "AgME");
        assert!(v.get("Subject").is_none());
        let keys: Vec<usize> = [
            "Type",
            "MessageId",
            "TopicArn",
            "Message",
            "Timestamp",
            "SignatureVersion",
            "UnsubscribeURL",
            "MessageAttributes",
        ]
        .iter()
        .map(|k| text.find(&format!("\"{k}\" :")).expect(k))
        .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{text}");
    }

    #[test]
    fn string_to_sign_follows_the_documented_order() {
        let m = message(Some("hi"));
        assert_eq!(
            notification_string_to_sign(&m, &m.message),
            "Message\nhello \"world\"\nMessageId\nm-1\nSubject\nhi\nTimestamp\n1970-01-01T00:00:00.000Z\nTopicArn\narn:aws:sns:us-east-1:000000000000:t\nType\nNotification\n"
        );
    }
}
