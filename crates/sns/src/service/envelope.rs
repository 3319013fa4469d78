//! The JSON documents SNS delivers: the `Notification` envelope (to SQS, HTTP and email-json)
//! and the `SubscriptionConfirmation` / `UnsubscribeConfirmation` messages, written with
//! AWS's key order and layout, and the string each signature covers.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::engine::{AttributeData, Published};

/// What a delivery adds to a message: its subscription and the URLs and signature fields.
pub struct NotificationFields<'a> {
    pub body: &'a str,
    pub unsubscribe_url: &'a str,
    /// `(SignatureVersion, Signature, SigningCertURL)`; FIFO topics deliver without them.
    pub signature: Option<(&'a str, &'a str, &'a str)>,
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// `{"Type" : "Notification", ...}` as SNS lays it out.
pub fn notification(message: &Published, fields: &NotificationFields<'_>) -> String {
    let mut out = String::with_capacity(fields.body.len() + 512);
    let mut field = |name: &str, value: &str| {
        out.push_str(if out.is_empty() { "{\n  \"" } else { ",\n  \"" });
        out.push_str(name);
        out.push_str("\" : ");
        out.push_str(&quote(value));
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
    field("Message", fields.body);
    field("Timestamp", &message.timestamp.to_iso8601());
    if let Some((version, signature, cert_url)) = fields.signature {
        field("SignatureVersion", version);
        field("Signature", signature);
        field("SigningCertURL", cert_url);
    }
    field("UnsubscribeURL", fields.unsubscribe_url);
    if !message.attributes.is_empty() {
        out.push_str(",\n  \"MessageAttributes\" : {");
        for (i, a) in message.attributes.iter().enumerate() {
            let value = match &a.value {
                AttributeData::Text(s) => quote(s),
                AttributeData::Binary(b) => quote(&STANDARD.encode(b)),
            };
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            out.push_str(&quote(&a.name));
            out.push_str(" : {\"Type\":");
            out.push_str(&quote(&a.data_type));
            out.push_str(",\"Value\":");
            out.push_str(&value);
            out.push('}');
        }
        out.push_str("\n  }");
    }
    out.push_str("\n}");
    out
}

/// The text a `Notification` signature covers: `Key\nValue\n` for Message, MessageId,
/// Subject (when present), Timestamp, TopicArn and Type, in that order.
pub fn notification_string_to_sign(message: &Published, body: &str) -> String {
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
pub struct Confirmation<'a> {
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
    pub fn string_to_sign(&self) -> String {
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

    pub fn render(&self, version: &str, signature: &str, cert_url: &str) -> String {
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
        }
    }

    #[test]
    fn notification_keeps_aws_order_and_omits_absent_subject() {
        let m = message(None);
        let text = notification(
            &m,
            &NotificationFields {
                body: &m.message,
                unsubscribe_url: "http://u",
                signature: Some(("1", "c2ln", "http://cert")),
            },
        );
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
