//! Message attributes as SQS and SNS both carry them: a name, a data type (`String`,
//! `Number`, `Binary`, `String.Array`, optionally with a custom `.suffix`) and a value whose
//! bytes were decoded once, where the request entered.

/// An attribute's value: text for String- and Number-based types, bytes for Binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeData {
    Text(String),
    Binary(Vec<u8>),
}

impl AttributeData {
    /// The value's bytes (UTF-8 for text), as digests and size limits count them.
    pub fn bytes(&self) -> &[u8] {
        match self {
            AttributeData::Text(s) => s.as_bytes(),
            AttributeData::Binary(b) => b,
        }
    }
}

/// One named message attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageAttribute {
    pub name: String,
    pub data_type: String,
    pub value: AttributeData,
}

impl MessageAttribute {
    /// Bytes the attribute counts against a message's size: name, type and value.
    pub fn size(&self) -> usize {
        self.name.len() + self.data_type.len() + self.value.bytes().len()
    }
}

/// A message one service of the process hands to a queue of another (SNS fan-out into
/// SQS), in domain terms: no API structs, no base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueMessage {
    pub body: String,
    pub attributes: Vec<MessageAttribute>,
    /// FIFO queues (and fair standard queues): the message group.
    pub group_id: Option<String>,
    pub dedup_id: Option<String>,
}
