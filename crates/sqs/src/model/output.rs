//! Typed outputs. JSON comes from serde (member names as in the AWS model); the Query
//! protocol's XML, whose lists and maps are flattened, is written by `WriteXml`.

use std::sync::Arc;

use serde::Serialize;
pub use sluice_wire::WriteXml;
use sluice_wire::XmlWriter;

use crate::engine::MessageContent;

/// Output of operations that return nothing: `{}` in JSON, no result element in XML.
#[derive(Debug, Default, Serialize)]
pub struct Empty {}

impl WriteXml for Empty {
    fn write_xml(&self, _: &mut XmlWriter) {}
    fn has_result(&self) -> bool {
        false
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueueUrlOutput {
    pub queue_url: String,
}

impl WriteXml for QueueUrlOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.elem("QueueUrl", &self.queue_url);
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListQueuesOutput {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub queue_urls: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

impl WriteXml for ListQueuesOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        for url in &self.queue_urls {
            w.elem("QueueUrl", url);
        }
        w.opt_elem("NextToken", self.next_token.as_deref());
    }
}

/// ListDeadLetterSourceQueues' output; AWS spells its JSON member `queueUrls`.
#[derive(Debug, Serialize)]
pub struct ListDeadLetterSourceQueuesOutput {
    #[serde(rename = "queueUrls")]
    pub queue_urls: Vec<String>,
    #[serde(rename = "NextToken", skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

impl WriteXml for ListDeadLetterSourceQueuesOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        for url in &self.queue_urls {
            w.elem("QueueUrl", url);
        }
        w.opt_elem("NextToken", self.next_token.as_deref());
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartMessageMoveTaskOutput {
    pub task_handle: String,
}

impl WriteXml for StartMessageMoveTaskOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.elem("TaskHandle", &self.task_handle);
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CancelMessageMoveTaskOutput {
    pub approximate_number_of_messages_moved: u64,
}

impl WriteXml for CancelMessageMoveTaskOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.elem(
            "ApproximateNumberOfMessagesMoved",
            &self.approximate_number_of_messages_moved.to_string(),
        );
    }
}

/// One task in ListMessageMoveTasks.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MoveTaskEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_handle: Option<String>,
    pub status: &'static str,
    pub source_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_number_of_messages_per_second: Option<u32>,
    pub approximate_number_of_messages_moved: u64,
    pub approximate_number_of_messages_to_move: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    pub started_timestamp: u64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMessageMoveTasksOutput {
    pub results: Vec<MoveTaskEntry>,
}

impl WriteXml for ListMessageMoveTasksOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        for t in &self.results {
            w.open("ListMessageMoveTasksResultEntry")
                .opt_elem("TaskHandle", t.task_handle.as_deref())
                .elem("Status", t.status)
                .elem("SourceArn", &t.source_arn)
                .opt_elem("DestinationArn", t.destination_arn.as_deref());
            if let Some(rate) = t.max_number_of_messages_per_second {
                w.elem("MaxNumberOfMessagesPerSecond", &rate.to_string());
            }
            w.elem(
                "ApproximateNumberOfMessagesMoved",
                &t.approximate_number_of_messages_moved.to_string(),
            )
            .elem(
                "ApproximateNumberOfMessagesToMove",
                &t.approximate_number_of_messages_to_move.to_string(),
            )
            .opt_elem("FailureReason", t.failure_reason.as_deref())
            .elem("StartedTimestamp", &t.started_timestamp.to_string())
            .close("ListMessageMoveTasksResultEntry");
        }
    }
}

/// A string map, kept in a stable order for XML.
#[derive(Debug, Default)]
pub struct Pairs(pub Vec<(String, String)>);

impl Serialize for Pairs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl Pairs {
    fn write_entries(&self, w: &mut XmlWriter, element: &str, key: &str) {
        for (k, v) in &self.0 {
            w.open(element).elem(key, k).elem("Value", v).close(element);
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetQueueAttributesOutput {
    #[serde(skip_serializing_if = "is_empty_pairs")]
    pub attributes: Pairs,
}

fn is_empty_pairs(p: &Pairs) -> bool {
    p.0.is_empty()
}

impl WriteXml for GetQueueAttributesOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        self.attributes.write_entries(w, "Attribute", "Name");
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListQueueTagsOutput {
    #[serde(skip_serializing_if = "is_empty_pairs")]
    pub tags: Pairs,
}

impl WriteXml for ListQueueTagsOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        self.tags.write_entries(w, "Tag", "Key");
    }
}

#[derive(Debug, Serialize)]
pub struct SendMessageOutput {
    #[serde(rename = "MD5OfMessageBody")]
    pub md5_of_message_body: String,
    #[serde(
        rename = "MD5OfMessageAttributes",
        skip_serializing_if = "Option::is_none"
    )]
    pub md5_of_message_attributes: Option<String>,
    #[serde(
        rename = "MD5OfMessageSystemAttributes",
        skip_serializing_if = "Option::is_none"
    )]
    pub md5_of_message_system_attributes: Option<String>,
    #[serde(rename = "MessageId")]
    pub message_id: String,
    #[serde(rename = "SequenceNumber", skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<String>,
}

impl SendMessageOutput {
    fn write_fields(&self, w: &mut XmlWriter) {
        w.elem("MessageId", &self.message_id)
            .elem("MD5OfMessageBody", &self.md5_of_message_body)
            .opt_elem(
                "MD5OfMessageAttributes",
                self.md5_of_message_attributes.as_deref(),
            )
            .opt_elem(
                "MD5OfMessageSystemAttributes",
                self.md5_of_message_system_attributes.as_deref(),
            )
            .opt_elem("SequenceNumber", self.sequence_number.as_deref());
    }
}

impl WriteXml for SendMessageOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        self.write_fields(w);
    }
}

/// A failed entry of a batch request: the service's error, coded here (by the error
/// table) as both protocols show it.
#[derive(Debug)]
pub struct BatchResultErrorEntry {
    pub id: String,
    pub error: crate::SqsError,
}

impl BatchResultErrorEntry {
    fn write(&self, w: &mut XmlWriter) {
        let desc = self.error.descriptor();
        w.open("BatchResultErrorEntry")
            .elem("Id", &self.id)
            .elem(
                "SenderFault",
                if desc.fault == sluice_wire::Fault::Sender {
                    "true"
                } else {
                    "false"
                },
            )
            .elem("Code", desc.query_code)
            .elem("Message", &self.error.batch_entry_message())
            .close("BatchResultErrorEntry");
    }
}

impl Serialize for BatchResultErrorEntry {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let desc = self.error.descriptor();
        let mut entry = s.serialize_struct("BatchResultErrorEntry", 4)?;
        entry.serialize_field("Id", &self.id)?;
        entry.serialize_field("SenderFault", &(desc.fault == sluice_wire::Fault::Sender))?;
        entry.serialize_field("Code", desc.query_code)?;
        entry.serialize_field("Message", &self.error.batch_entry_message())?;
        entry.end()
    }
}

#[derive(Debug, Serialize)]
pub struct SendMessageBatchResultEntry {
    #[serde(rename = "Id")]
    pub id: String,
    #[serde(flatten)]
    pub sent: SendMessageOutput,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendMessageBatchOutput {
    pub successful: Vec<SendMessageBatchResultEntry>,
    pub failed: Vec<BatchResultErrorEntry>,
}

impl WriteXml for SendMessageBatchOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        for entry in &self.successful {
            w.open("SendMessageBatchResultEntry").elem("Id", &entry.id);
            entry.sent.write_fields(w);
            w.close("SendMessageBatchResultEntry");
        }
        for failed in &self.failed {
            failed.write(w);
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdEntry {
    pub id: String,
}

/// Output of DeleteMessageBatch and ChangeMessageVisibilityBatch; `entry_element` is the
/// XML name of a successful entry.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdBatchOutput {
    pub successful: Vec<IdEntry>,
    pub failed: Vec<BatchResultErrorEntry>,
    #[serde(skip)]
    pub entry_element: &'static str,
}

impl WriteXml for IdBatchOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        for entry in &self.successful {
            w.open(self.entry_element)
                .elem("Id", &entry.id)
                .close(self.entry_element);
        }
        for failed in &self.failed {
            failed.write(w);
        }
    }
}

/// A message attribute on the way out.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeValueOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string_value: Option<String>,
    /// Base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub binary_value: Option<String>,
    pub data_type: String,
}

#[derive(Debug, Default)]
pub struct AttributeValues(pub Vec<(String, AttributeValueOutput)>);

impl Serialize for AttributeValues {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// A received message's body, serialized straight from the stored message without a copy.
#[derive(Debug)]
pub struct BodyOf(pub Arc<MessageContent>);

impl Serialize for BodyOf {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.body)
    }
}

#[derive(Debug, Serialize)]
pub struct MessageOutput {
    #[serde(rename = "MessageId")]
    pub message_id: String,
    #[serde(rename = "ReceiptHandle")]
    pub receipt_handle: String,
    #[serde(rename = "MD5OfBody")]
    pub md5_of_body: String,
    #[serde(rename = "Body")]
    pub body: BodyOf,
    #[serde(rename = "Attributes", skip_serializing_if = "is_empty_pairs")]
    pub attributes: Pairs,
    #[serde(
        rename = "MD5OfMessageAttributes",
        skip_serializing_if = "Option::is_none"
    )]
    pub md5_of_message_attributes: Option<String>,
    #[serde(rename = "MessageAttributes", skip_serializing_if = "is_empty_values")]
    pub message_attributes: AttributeValues,
}

fn is_empty_values(v: &AttributeValues) -> bool {
    v.0.is_empty()
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReceiveMessageOutput {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<MessageOutput>,
}

impl WriteXml for ReceiveMessageOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        for m in &self.messages {
            w.open("Message")
                .elem("MessageId", &m.message_id)
                .elem("ReceiptHandle", &m.receipt_handle)
                .elem("MD5OfBody", &m.md5_of_body)
                .elem("Body", &m.body.0.body);
            m.attributes.write_entries(w, "Attribute", "Name");
            w.opt_elem(
                "MD5OfMessageAttributes",
                m.md5_of_message_attributes.as_deref(),
            );
            for (name, value) in &m.message_attributes.0 {
                w.open("MessageAttribute").elem("Name", name).open("Value");
                w.opt_elem("StringValue", value.string_value.as_deref())
                    .opt_elem("BinaryValue", value.binary_value.as_deref())
                    .elem("DataType", &value.data_type)
                    .close("Value")
                    .close("MessageAttribute");
            }
            w.close("Message");
        }
    }
}
