//! AddPermission and RemovePermission: statements in the queue's `Policy` document, one per
//! label, shaped as AWS writes them (`Sid` = label, principals as account root ARNs, actions
//! prefixed `SQS:`). Policies are stored, not enforced: Sluice accepts any credentials.

use serde_json::{json, Value};

use super::{required, RequestContext, SqsService};
use crate::model::input::{AddPermissionInput, RemovePermissionInput};
use crate::model::output::Empty;
use crate::SqsError;

/// Actions AddPermission accepts (`*` for all).
const ACTIONS: &[&str] = &[
    "*",
    "SendMessage",
    "ReceiveMessage",
    "DeleteMessage",
    "ChangeMessageVisibility",
    "GetQueueAttributes",
    "GetQueueUrl",
    "ListDeadLetterSourceQueues",
    "PurgeQueue",
    "ListQueueTags",
];

fn label_error(label: &str, reason: &str) -> SqsError {
    SqsError::invalid_param("Label", label, reason)
}

/// One value as AWS writes it: a string when single, else an array.
fn one_or_many(mut values: Vec<String>) -> Value {
    if values.len() == 1 {
        Value::String(values.remove(0))
    } else {
        Value::from(values)
    }
}

impl SqsService {
    pub async fn add_permission(
        &self,
        ctx: &RequestContext,
        input: AddPermissionInput,
    ) -> Result<Empty, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        let label = required(input.label, "Label")?;
        if input.aws_account_ids.is_empty() {
            return Err(SqsError::MissingParameter("AWSAccountIds"));
        }
        if input.actions.is_empty() {
            return Err(SqsError::MissingParameter("Actions"));
        }
        let label_ok = !label.is_empty()
            && label.len() <= 80
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !label_ok {
            return Err(label_error(
                &label,
                "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
            ));
        }
        if let Some(bad) = input
            .aws_account_ids
            .iter()
            .find(|a| sluice_core::AccountId::parse(a).is_none())
        {
            return Err(SqsError::invalid_param(
                "AWSAccountIds",
                bad,
                "Invalid AWS account id.",
            ));
        }
        if let Some(bad) = input
            .actions
            .iter()
            .find(|a| !ACTIONS.contains(&a.as_str()))
        {
            return Err(SqsError::invalid_param(
                "ActionName",
                bad,
                "Please refer to the appropriate WSDL for a list of valid actions.",
            ));
        }
        let arn = cell.key.arn();
        let mut queue = cell.lock_live()?;
        let mut policy = queue
            .attributes
            .policy
            .as_deref()
            .and_then(|p| serde_json::from_str::<Value>(p).ok())
            .filter(Value::is_object)
            .unwrap_or_else(
                || json!({"Version": "2008-10-17", "Id": format!("{arn}/SQSDefaultPolicy")}),
            );
        let statement = policy
            .as_object_mut()
            .map(|o| o.entry("Statement").or_insert_with(|| json!([])))
            .ok_or_else(|| label_error(&label, "The queue policy is not a JSON object."))?;
        // IAM allows a single statement object where a list is usual.
        if statement.is_object() {
            *statement = Value::Array(vec![statement.take()]);
        }
        let statements = statement
            .as_array_mut()
            .ok_or_else(|| label_error(&label, "The queue policy has no statement list."))?;
        if statements.iter().any(|s| s["Sid"] == label.as_str()) {
            return Err(label_error(&label, "Already exists."));
        }
        statements.push(json!({
            "Sid": label,
            "Effect": "Allow",
            "Principal": {"AWS": one_or_many(
                input.aws_account_ids.iter().map(|a| format!("arn:aws:iam::{a}:root")).collect()
            )},
            "Action": one_or_many(input.actions.iter().map(|a| format!("SQS:{a}")).collect()),
            "Resource": arn,
        }));
        queue.attributes.policy = Some(policy.to_string());
        cell.record_config(&queue);
        Ok(Empty {})
    }

    pub async fn remove_permission(
        &self,
        ctx: &RequestContext,
        input: RemovePermissionInput,
    ) -> Result<Empty, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        let label = required(input.label, "Label")?;
        let mut queue = cell.lock_live()?;
        let mut policy = queue
            .attributes
            .policy
            .as_deref()
            .and_then(|p| serde_json::from_str::<Value>(p).ok())
            .ok_or_else(|| label_error(&label, "can't find label."))?;
        let statements = policy
            .get_mut("Statement")
            .and_then(Value::as_array_mut)
            .ok_or_else(|| label_error(&label, "can't find label."))?;
        let before = statements.len();
        statements.retain(|s| s["Sid"] != label.as_str());
        if statements.len() == before {
            return Err(label_error(&label, "can't find label."));
        }
        queue.attributes.policy = (!statements.is_empty()).then(|| policy.to_string());
        cell.record_config(&queue);
        Ok(Empty {})
    }
}
