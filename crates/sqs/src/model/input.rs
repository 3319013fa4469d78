//! Typed inputs, one per operation. Each reads the JSON protocol directly and the Query
//! protocol through `sluice_wire::QueryNode` (serde `alias` names the flattened Query key).
//! Required members are `Option`s so that their absence is reported as AWS's
//! `MissingParameter`, in the operation, rather than as a decoding failure.

use serde::Deserialize;

use sluice_wire::de::{entry_map, string_map, string_or_number};

/// `MessageAttributeValue` as sent.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeValueInput {
    #[serde(default, deserialize_with = "string_or_number")]
    pub string_value: Option<String>,
    /// Base64 in both protocols.
    pub binary_value: Option<String>,
    pub data_type: Option<String>,
}

pub type AttributeInputs = Vec<(String, AttributeValueInput)>;

#[derive(Debug, Default, Deserialize)]
pub struct CreateQueueInput {
    #[serde(rename = "QueueName")]
    pub queue_name: Option<String>,
    #[serde(
        rename = "Attributes",
        alias = "Attribute",
        default,
        deserialize_with = "string_map"
    )]
    pub attributes: Vec<(String, String)>,
    #[serde(
        rename = "tags",
        alias = "Tag",
        default,
        deserialize_with = "string_map"
    )]
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct GetQueueUrlInput {
    #[serde(rename = "QueueName")]
    pub queue_name: Option<String>,
    #[serde(rename = "QueueOwnerAWSAccountId")]
    pub queue_owner_aws_account_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQueuesInput {
    #[serde(rename = "QueueNamePrefix")]
    pub queue_name_prefix: Option<String>,
    #[serde(rename = "NextToken")]
    pub next_token: Option<String>,
    #[serde(rename = "MaxResults")]
    pub max_results: Option<i64>,
}

/// Operations that take nothing but the queue.
#[derive(Debug, Default, Deserialize)]
pub struct QueueUrlInput {
    #[serde(rename = "QueueUrl")]
    pub queue_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct GetQueueAttributesInput {
    #[serde(rename = "QueueUrl")]
    pub queue_url: Option<String>,
    #[serde(rename = "AttributeNames", alias = "AttributeName", default)]
    pub attribute_names: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SetQueueAttributesInput {
    #[serde(rename = "QueueUrl")]
    pub queue_url: Option<String>,
    #[serde(
        rename = "Attributes",
        alias = "Attribute",
        default,
        deserialize_with = "string_map"
    )]
    pub attributes: Vec<(String, String)>,
}

/// SendMessage's input, which is also the shape of a SendMessageBatch entry (an entry adds
/// `Id` and has no `QueueUrl`). One struct, because `#[serde(flatten)]` would read Query
/// numbers as strings.
#[derive(Debug, Default, Deserialize)]
pub struct SendMessageInput {
    #[serde(rename = "QueueUrl")]
    pub queue_url: Option<String>,
    #[serde(rename = "Id")]
    pub id: Option<String>,
    #[serde(rename = "MessageBody")]
    pub message_body: Option<String>,
    #[serde(rename = "DelaySeconds")]
    pub delay_seconds: Option<i64>,
    #[serde(
        rename = "MessageAttributes",
        alias = "MessageAttribute",
        default,
        deserialize_with = "entry_map"
    )]
    pub message_attributes: AttributeInputs,
    #[serde(
        rename = "MessageSystemAttributes",
        alias = "MessageSystemAttribute",
        default,
        deserialize_with = "entry_map"
    )]
    pub message_system_attributes: AttributeInputs,
    #[serde(rename = "MessageDeduplicationId")]
    pub message_deduplication_id: Option<String>,
    #[serde(rename = "MessageGroupId")]
    pub message_group_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SendMessageBatchInput {
    #[serde(rename = "QueueUrl")]
    pub queue_url: Option<String>,
    #[serde(rename = "Entries", alias = "SendMessageBatchRequestEntry", default)]
    pub entries: Vec<SendMessageInput>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ReceiveMessageInput {
    #[serde(rename = "QueueUrl")]
    pub queue_url: Option<String>,
    #[serde(rename = "AttributeNames", alias = "AttributeName", default)]
    pub attribute_names: Vec<String>,
    #[serde(
        rename = "MessageSystemAttributeNames",
        alias = "MessageSystemAttributeName",
        default
    )]
    pub message_system_attribute_names: Vec<String>,
    #[serde(
        rename = "MessageAttributeNames",
        alias = "MessageAttributeName",
        default
    )]
    pub message_attribute_names: Vec<String>,
    #[serde(rename = "MaxNumberOfMessages")]
    pub max_number_of_messages: Option<i64>,
    #[serde(rename = "VisibilityTimeout")]
    pub visibility_timeout: Option<i64>,
    #[serde(rename = "WaitTimeSeconds")]
    pub wait_time_seconds: Option<i64>,
    #[serde(rename = "ReceiveRequestAttemptId")]
    pub receive_request_attempt_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DeleteMessageInput {
    #[serde(rename = "QueueUrl")]
    pub queue_url: Option<String>,
    #[serde(rename = "ReceiptHandle")]
    pub receipt_handle: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ReceiptEntry {
    #[serde(rename = "Id")]
    pub id: Option<String>,
    #[serde(rename = "ReceiptHandle")]
    pub receipt_handle: Option<String>,
    #[serde(rename = "VisibilityTimeout")]
    pub visibility_timeout: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DeleteMessageBatchInput {
    #[serde(rename = "QueueUrl")]
    pub queue_url: Option<String>,
    #[serde(rename = "Entries", alias = "DeleteMessageBatchRequestEntry", default)]
    pub entries: Vec<ReceiptEntry>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ChangeMessageVisibilityInput {
    #[serde(rename = "QueueUrl")]
    pub queue_url: Option<String>,
    #[serde(rename = "ReceiptHandle")]
    pub receipt_handle: Option<String>,
    #[serde(rename = "VisibilityTimeout")]
    pub visibility_timeout: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ChangeMessageVisibilityBatchInput {
    #[serde(rename = "QueueUrl")]
    pub queue_url: Option<String>,
    #[serde(
        rename = "Entries",
        alias = "ChangeMessageVisibilityBatchRequestEntry",
        default
    )]
    pub entries: Vec<ReceiptEntry>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListDeadLetterSourceQueuesInput {
    #[serde(rename = "QueueUrl")]
    pub queue_url: Option<String>,
    #[serde(rename = "NextToken")]
    pub next_token: Option<String>,
    #[serde(rename = "MaxResults")]
    pub max_results: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct AddPermissionInput {
    #[serde(rename = "QueueUrl")]
    pub queue_url: Option<String>,
    #[serde(rename = "Label")]
    pub label: Option<String>,
    #[serde(rename = "AWSAccountIds", alias = "AWSAccountId", default)]
    pub aws_account_ids: Vec<String>,
    #[serde(rename = "Actions", alias = "ActionName", default)]
    pub actions: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RemovePermissionInput {
    #[serde(rename = "QueueUrl")]
    pub queue_url: Option<String>,
    #[serde(rename = "Label")]
    pub label: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct StartMessageMoveTaskInput {
    #[serde(rename = "SourceArn")]
    pub source_arn: Option<String>,
    #[serde(rename = "DestinationArn")]
    pub destination_arn: Option<String>,
    #[serde(rename = "MaxNumberOfMessagesPerSecond")]
    pub max_number_of_messages_per_second: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListMessageMoveTasksInput {
    #[serde(rename = "SourceArn")]
    pub source_arn: Option<String>,
    #[serde(rename = "MaxResults")]
    pub max_results: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct CancelMessageMoveTaskInput {
    #[serde(rename = "TaskHandle")]
    pub task_handle: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct TagQueueInput {
    #[serde(rename = "QueueUrl")]
    pub queue_url: Option<String>,
    #[serde(
        rename = "Tags",
        alias = "Tag",
        default,
        deserialize_with = "string_map"
    )]
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct UntagQueueInput {
    #[serde(rename = "QueueUrl")]
    pub queue_url: Option<String>,
    #[serde(rename = "TagKeys", alias = "TagKey", default)]
    pub tag_keys: Vec<String>,
}
