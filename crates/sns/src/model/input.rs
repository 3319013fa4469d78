//! Typed inputs, one per operation, read from Query forms and JSON alike. Member names are
//! the AWS model's (SNS spells a few SMS members in camelCase).

use serde::Deserialize;
use sluice_wire::de::{entry_map, string_map, string_or_number};

/// A string map in request order (`Attributes.entry.N.key/value` or a JSON object).
pub type StringMap = Vec<(String, String)>;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub value: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateTopicInput {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "string_map")]
    pub attributes: StringMap,
    #[serde(default)]
    pub tags: Vec<Tag>,
    pub data_protection_policy: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TopicArnInput {
    pub topic_arn: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NextTokenInput {
    pub next_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSubscriptionsByTopicInput {
    pub topic_arn: Option<String>,
    pub next_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetTopicAttributesInput {
    pub topic_arn: Option<String>,
    pub attribute_name: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub attribute_value: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AddPermissionInput {
    pub topic_arn: Option<String>,
    pub label: Option<String>,
    #[serde(rename = "AWSAccountId", default)]
    pub aws_account_ids: Vec<String>,
    #[serde(default)]
    pub action_name: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RemovePermissionInput {
    pub topic_arn: Option<String>,
    pub label: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceArnInput {
    pub resource_arn: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceInput {
    pub resource_arn: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceInput {
    pub resource_arn: Option<String>,
    #[serde(default)]
    pub tag_keys: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutDataProtectionPolicyInput {
    pub resource_arn: Option<String>,
    pub data_protection_policy: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscribeInput {
    pub topic_arn: Option<String>,
    pub protocol: Option<String>,
    pub endpoint: Option<String>,
    #[serde(default, deserialize_with = "string_map")]
    pub attributes: StringMap,
    pub return_subscription_arn: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscriptionArnInput {
    pub subscription_arn: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmSubscriptionInput {
    pub topic_arn: Option<String>,
    pub token: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub authenticate_on_unsubscribe: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetSubscriptionAttributesInput {
    pub subscription_arn: Option<String>,
    pub attribute_name: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub attribute_value: Option<String>,
}

/// A message attribute as sent: `DataType` plus one of the values.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MessageAttributeInput {
    pub data_type: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub string_value: Option<String>,
    pub binary_value: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublishInput {
    pub topic_arn: Option<String>,
    pub target_arn: Option<String>,
    pub phone_number: Option<String>,
    pub message: Option<String>,
    pub subject: Option<String>,
    pub message_structure: Option<String>,
    #[serde(default, deserialize_with = "entry_map")]
    pub message_attributes: Vec<(String, MessageAttributeInput)>,
    pub message_deduplication_id: Option<String>,
    pub message_group_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublishBatchEntryInput {
    pub id: Option<String>,
    pub message: Option<String>,
    pub subject: Option<String>,
    pub message_structure: Option<String>,
    #[serde(default, deserialize_with = "entry_map")]
    pub message_attributes: Vec<(String, MessageAttributeInput)>,
    pub message_deduplication_id: Option<String>,
    pub message_group_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublishBatchInput {
    pub topic_arn: Option<String>,
    #[serde(default)]
    pub publish_batch_request_entries: Vec<PublishBatchEntryInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreatePlatformApplicationInput {
    pub name: Option<String>,
    pub platform: Option<String>,
    #[serde(default, deserialize_with = "string_map")]
    pub attributes: StringMap,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PlatformApplicationArnInput {
    pub platform_application_arn: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetPlatformApplicationAttributesInput {
    pub platform_application_arn: Option<String>,
    #[serde(default, deserialize_with = "string_map")]
    pub attributes: StringMap,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListEndpointsInput {
    pub platform_application_arn: Option<String>,
    pub next_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreatePlatformEndpointInput {
    pub platform_application_arn: Option<String>,
    pub token: Option<String>,
    pub custom_user_data: Option<String>,
    #[serde(default, deserialize_with = "string_map")]
    pub attributes: StringMap,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EndpointArnInput {
    pub endpoint_arn: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetEndpointAttributesInput {
    pub endpoint_arn: Option<String>,
    #[serde(default, deserialize_with = "string_map")]
    pub attributes: StringMap,
}

#[derive(Debug, Default, Deserialize)]
pub struct PhoneNumberInput {
    #[serde(rename = "phoneNumber")]
    pub phone_number: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct GetSmsAttributesInput {
    #[serde(default)]
    pub attributes: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SetSmsAttributesInput {
    #[serde(default, deserialize_with = "string_map")]
    pub attributes: StringMap,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListPhoneNumbersOptedOutInput {
    #[serde(rename = "nextToken")]
    pub next_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SandboxNumberInput {
    pub phone_number: Option<String>,
    pub language_code: Option<String>,
    pub one_time_password: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PagedInput {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

/// Operations without parameters.
#[derive(Debug, Default, Deserialize)]
pub struct NoInput {}
