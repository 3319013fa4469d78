//! The rules of topics: settable attributes and their validation, tags, the default access
//! policy and its statements, the effective delivery policy, and the attribute map
//! GetTopicAttributes reports.

use serde_json::{json, Value};

use super::{Topic, TopicCell};
use crate::SnsError;

/// Most tags one topic may carry.
pub(crate) const MAX_TAGS: usize = 50;

/// Attributes SetTopicAttributes takes on every topic.
pub(crate) const SETTABLE: &[&str] = &[
    "DeliveryPolicy",
    "DisplayName",
    "Policy",
    "TracingConfig",
    "KmsMasterKeyId",
    "SignatureVersion",
    "HTTPSuccessFeedbackRoleArn",
    "HTTPSuccessFeedbackSampleRate",
    "HTTPFailureFeedbackRoleArn",
    "FirehoseSuccessFeedbackRoleArn",
    "FirehoseSuccessFeedbackSampleRate",
    "FirehoseFailureFeedbackRoleArn",
    "LambdaSuccessFeedbackRoleArn",
    "LambdaSuccessFeedbackSampleRate",
    "LambdaFailureFeedbackRoleArn",
    "ApplicationSuccessFeedbackRoleArn",
    "ApplicationSuccessFeedbackSampleRate",
    "ApplicationFailureFeedbackRoleArn",
    "SQSSuccessFeedbackRoleArn",
    "SQSSuccessFeedbackSampleRate",
    "SQSFailureFeedbackRoleArn",
];
/// Attributes only FIFO topics take.
pub(crate) const FIFO_ONLY: &[&str] = &[
    "ContentBasedDeduplication",
    "ArchivePolicy",
    "FifoThroughputScope",
];

/// Actions AddPermission may grant.
pub(crate) const PERMISSION_ACTIONS: &[&str] = &[
    "GetTopicAttributes",
    "SetTopicAttributes",
    "AddPermission",
    "RemovePermission",
    "DeleteTopic",
    "Subscribe",
    "ListSubscriptionsByTopic",
    "Publish",
    "Receive",
];

pub(crate) fn default_policy(topic_arn: &str, account: &str) -> Value {
    json!({
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": [
                "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                "SNS:ListSubscriptionsByTopic", "SNS:Publish"
            ],
            "Resource": topic_arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": account}}
        }]
    })
}

/// AWS's default HTTP delivery policy, with a topic's `DeliveryPolicy` laid over it.
pub(crate) fn effective_delivery_policy(set: Option<&str>) -> String {
    let mut effective = json!({"http": {
        "defaultHealthyRetryPolicy": {
            "minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3,
            "numMaxDelayRetries": 0, "numNoDelayRetries": 0, "numMinDelayRetries": 0,
            "backoffFunction": "linear"
        },
        "disableSubscriptionOverrides": false,
        "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"}
    }});
    if let Some(Value::Object(set)) = set.and_then(|s| serde_json::from_str(s).ok()) {
        merge(&mut effective, Value::Object(set));
    }
    effective.to_string()
}

pub(crate) fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(base), Value::Object(over)) => {
            for (k, v) in over {
                match base.get_mut(&k) {
                    Some(slot) if slot.is_object() && v.is_object() => merge(slot, v),
                    _ => {
                        base.insert(k, v);
                    }
                }
            }
        }
        (base, over) => *base = over,
    }
}

pub(crate) fn check_bool(name: &str, value: &str) -> Result<bool, SnsError> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(SnsError::invalid(format!(
            "Attributes Reason: {name}: Invalid value [{value}]. Must be true or false."
        ))),
    }
}

/// Validates one topic attribute's value.
pub(crate) fn check_attribute(name: &str, value: &str, fifo: bool) -> Result<(), SnsError> {
    if FIFO_ONLY.contains(&name) && !fifo {
        return Err(SnsError::invalid(format!(
            "{name} Reason: {name} is only valid for FIFO topics"
        )));
    }
    if !SETTABLE.contains(&name) && !FIFO_ONLY.contains(&name) {
        return Err(SnsError::invalid("AttributeName"));
    }
    match name {
        "ContentBasedDeduplication" => {
            check_bool(name, value)?;
        }
        "SignatureVersion" if !matches!(value, "1" | "2") => {
            return Err(SnsError::invalid(format!(
                "SignatureVersion Reason: Invalid value [{value}]. Must be 1 or 2."
            )));
        }
        "Policy" | "DeliveryPolicy" | "ArchivePolicy"
            if !value.is_empty()
                && !serde_json::from_str::<Value>(value).is_ok_and(|v| v.is_object()) =>
        {
            return Err(SnsError::invalid(format!("{name}: failed to parse JSON.")));
        }
        "DisplayName" if value.chars().count() > 100 => {
            return Err(SnsError::invalid("DisplayName"));
        }
        _ => {}
    }
    Ok(())
}

/// `(key, value)` tags as given, checked: lengths, duplicates, the per-resource quota.
pub(crate) fn convert_tags(
    tags: impl IntoIterator<Item = (Option<String>, Option<String>)>,
) -> Result<Vec<(String, String)>, SnsError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (key, value) in tags {
        let key = key.unwrap_or_default();
        if key.is_empty() || key.chars().count() > 128 {
            return Err(SnsError::invalid(
                "Tag keys must be between 1 and 128 characters in length.",
            ));
        }
        let value = value.unwrap_or_default();
        if value.chars().count() > 256 {
            return Err(SnsError::invalid(
                "Tag values must be less than 256 characters in length.",
            ));
        }
        if out.iter().any(|(k, _)| *k == key) {
            return Err(SnsError::invalid("Duplicated keys are not allowed."));
        }
        out.push((key, value));
    }
    if out.len() > MAX_TAGS {
        return Err(SnsError::TagLimitExceeded(
            "Could not complete request: tag quota of per resource exceeded".into(),
        ));
    }
    Ok(out)
}

pub(crate) fn required<T>(value: Option<T>, reason: &str) -> Result<T, SnsError> {
    value.ok_or_else(|| {
        SnsError::invalid(format!("{reason} Reason: no value for required parameter"))
    })
}

pub(crate) fn resource_not_found() -> SnsError {
    SnsError::ResourceNotFound("Resource does not exist".into())
}

pub(crate) fn topic_not_found() -> SnsError {
    SnsError::NotFound("Topic does not exist".into())
}

pub(crate) fn one_or_many(items: Vec<String>) -> Value {
    if items.len() == 1 {
        Value::String(items.into_iter().next().unwrap_or_default())
    } else {
        json!(items)
    }
}

pub(crate) fn stored_policy(cell: &TopicCell, topic: &Topic) -> Value {
    topic
        .attributes
        .get("Policy")
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or_else(|| default_policy(&cell.arn, cell.account.as_str()))
}

/// The policy's statements, made a list if the stored document has none.
pub(crate) fn statements_mut(policy: &mut Value) -> &mut Vec<Value> {
    if !policy.is_object() {
        *policy = json!({});
    }
    let statement = &mut policy["Statement"];
    if !statement.is_array() {
        *statement = Value::Array(Vec::new());
    }
    if let Value::Array(list) = statement {
        return list;
    }
    unreachable!("Statement is an array")
}

/// GetTopicAttributes' map: the computed attributes, then those set.
pub(crate) fn topic_attributes(cell: &TopicCell, topic: &Topic) -> Vec<(String, String)> {
    let (mut confirmed, mut pending) = (0, 0);
    for sub in topic.subscribers.iter() {
        if sub.is_confirmed() {
            confirmed += 1;
        } else {
            pending += 1;
        }
    }
    let mut out = vec![
        (
            "Policy".to_owned(),
            topic
                .attributes
                .get("Policy")
                .cloned()
                .unwrap_or_else(|| default_policy(&cell.arn, cell.account.as_str()).to_string()),
        ),
        ("Owner".to_owned(), cell.account.to_string()),
        ("SubscriptionsPending".to_owned(), pending.to_string()),
        ("TopicArn".to_owned(), cell.arn.to_string()),
        (
            "EffectiveDeliveryPolicy".to_owned(),
            effective_delivery_policy(topic.attributes.get("DeliveryPolicy").map(String::as_str)),
        ),
        ("SubscriptionsConfirmed".to_owned(), confirmed.to_string()),
        (
            "DisplayName".to_owned(),
            topic
                .attributes
                .get("DisplayName")
                .cloned()
                .unwrap_or_default(),
        ),
        (
            "SubscriptionsDeleted".to_owned(),
            topic.subscriptions_deleted.to_string(),
        ),
    ];
    if cell.fifo {
        out.push(("FifoTopic".to_owned(), "true".to_owned()));
        if !topic.attributes.contains_key("ContentBasedDeduplication") {
            out.push(("ContentBasedDeduplication".to_owned(), "false".to_owned()));
        }
    }
    for (k, v) in &topic.attributes {
        if !matches!(k.as_str(), "Policy" | "DisplayName") {
            out.push((k.clone(), v.clone()));
        }
    }
    out
}
