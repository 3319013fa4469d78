//! Queue operations: create, look up, list, delete, attributes, tags, purge.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::{required, RequestContext, SqsService};
use crate::api::input::{
    CreateQueueInput, GetQueueAttributesInput, GetQueueUrlInput, ListQueuesInput, QueueUrlInput,
    SetQueueAttributesInput, TagQueueInput, UntagQueueInput,
};
use crate::api::output::{
    Empty, GetQueueAttributesOutput, ListQueueTagsOutput, ListQueuesOutput, Pairs, QueueUrlOutput,
};
use crate::engine::{Queue, QueueAttributes, QueueKey, READ_ONLY};
use crate::SqsError;

/// Most tags one queue may carry.
const MAX_TAGS: usize = 50;
const MAX_QUEUE_NAME: usize = 80;

/// AWS's queue name rule: 1..80 of `[A-Za-z0-9_-]`, plus `.fifo` for FIFO queues.
fn check_queue_name(name: &str, fifo: bool) -> Result<(), SqsError> {
    let base = if fifo {
        name.strip_suffix(".fifo")
            .ok_or(SqsError::InvalidFifoQueueName)?
    } else {
        name
    };
    let ok = !base.is_empty()
        && name.len() <= MAX_QUEUE_NAME
        && base
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    match (ok, fifo) {
        (true, _) => Ok(()),
        (false, true) => Err(SqsError::InvalidFifoQueueName),
        (false, false) => Err(SqsError::InvalidQueueName),
    }
}

/// Applies `pairs` to `attributes`, checking every value, and the one cross-attribute rule.
fn apply_attributes(
    attributes: &mut QueueAttributes,
    pairs: &[(String, String)],
) -> Result<(), SqsError> {
    for (name, value) in pairs {
        if name == "Policy" && !value.is_empty() {
            // Policies are JSON documents; AWS rejects anything that is not a JSON object.
            if !matches!(
                serde_json::from_str::<serde_json::Value>(value),
                Ok(serde_json::Value::Object(_))
            ) {
                return Err(SqsError::invalid_attribute(name));
            }
        }
        attributes.set(name, value, false)?;
    }
    let named = |n: &str| pairs.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    let kms = named("KmsMasterKeyId").is_some_and(|v| !v.is_empty());
    let sqs_sse = named("SqsManagedSseEnabled").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if kms && sqs_sse {
        return Err(SqsError::ConflictingEncryption);
    }
    Ok(())
}

/// Order in which `All` lists attributes.
const ALL_ATTRIBUTES: &[&str] = &[
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "VisibilityTimeout",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds",
    "Policy",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "SqsManagedSseEnabled",
    "FifoQueue",
];

fn attribute_value(queue: &mut Queue, name: &str, now: sluice_core::Timestamp) -> Option<String> {
    Some(match name {
        "QueueArn" => queue.arn.clone(),
        "ApproximateNumberOfMessages" => queue.counts(now).visible.to_string(),
        "ApproximateNumberOfMessagesNotVisible" => queue.counts(now).in_flight.to_string(),
        "ApproximateNumberOfMessagesDelayed" => queue.counts(now).delayed.to_string(),
        "CreatedTimestamp" => queue.created_at.as_secs().to_string(),
        "LastModifiedTimestamp" => queue.last_modified_at.as_secs().to_string(),
        other => return queue.attributes.get(other),
    })
}

impl SqsService {
    pub async fn create_queue(
        &self,
        ctx: &RequestContext,
        input: CreateQueueInput,
    ) -> Result<QueueUrlOutput, SqsError> {
        let name = required(input.queue_name, "QueueName")?;
        let fifo = input
            .attributes
            .iter()
            .any(|(k, v)| k == "FifoQueue" && v.eq_ignore_ascii_case("true"));
        check_queue_name(&name, fifo)?;
        if fifo {
            return Err(SqsError::UnsupportedOperation(
                "FIFO queues are not supported by this version of Sluice yet.".into(),
            ));
        }
        let mut attributes = QueueAttributes::default();
        apply_attributes(&mut attributes, &input.attributes)?;
        if input.tags.len() > MAX_TAGS {
            return Err(too_many_tags(&name));
        }
        let given: Vec<&str> = input.attributes.iter().map(|(k, _)| k.as_str()).collect();
        let key = QueueKey {
            account: ctx.account.clone(),
            region: ctx.region.clone(),
            name,
        };
        let cell = self
            .registry
            .create(key, attributes, &given, input.tags, self.clock.now())?;
        Ok(QueueUrlOutput {
            queue_url: Self::queue_url(ctx, &cell.key.account, &cell.key.name),
        })
    }

    pub async fn get_queue_url(
        &self,
        ctx: &RequestContext,
        input: GetQueueUrlInput,
    ) -> Result<QueueUrlOutput, SqsError> {
        let name = required(input.queue_name, "QueueName")?;
        let account = match input.queue_owner_aws_account_id {
            Some(id) => sluice_core::AccountId::parse(&id).ok_or(SqsError::QueueDoesNotExist)?,
            None => ctx.account.clone(),
        };
        let key = QueueKey {
            account,
            region: ctx.region.clone(),
            name,
        };
        let cell = self.registry.get(&key).ok_or(SqsError::QueueDoesNotExist)?;
        Ok(QueueUrlOutput {
            queue_url: Self::queue_url(ctx, &cell.key.account, &cell.key.name),
        })
    }

    pub async fn list_queues(
        &self,
        ctx: &RequestContext,
        input: ListQueuesInput,
    ) -> Result<ListQueuesOutput, SqsError> {
        let max = input
            .max_results
            .map(|m| {
                u16::try_from(m)
                    .ok()
                    .filter(|m| (1..=1000).contains(m))
                    .ok_or_else(|| {
                        SqsError::invalid_param(
                            "MaxResults",
                            m,
                            "MaxResults must be an integer between 1 and 1000.",
                        )
                    })
            })
            .transpose()?;
        let after = input
            .next_token
            .map(|t| {
                URL_SAFE_NO_PAD
                    .decode(&t)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or_else(|| {
                        SqsError::invalid_param("NextToken", t, "Invalid NextToken value.")
                    })
            })
            .transpose()?;
        let prefix = input.queue_name_prefix.unwrap_or_default();
        let names = self.registry.names(&ctx.account, &ctx.region, &prefix);
        let start = after
            .as_deref()
            .map_or(0, |last| names.partition_point(|n| n.as_str() <= last));
        let limit = usize::from(max.unwrap_or(1000));
        let page = &names[start..(start + limit).min(names.len())];
        let more = start + page.len() < names.len();
        let next_token = match (max, more, page.last()) {
            (Some(_), true, Some(last)) => Some(URL_SAFE_NO_PAD.encode(last)),
            _ => None,
        };
        let queue_urls = page
            .iter()
            .map(|name| Self::queue_url(ctx, &ctx.account, name))
            .collect();
        Ok(ListQueuesOutput {
            queue_urls,
            next_token,
        })
    }

    pub async fn delete_queue(
        &self,
        ctx: &RequestContext,
        input: QueueUrlInput,
    ) -> Result<Empty, SqsError> {
        let key = Self::queue_key(ctx, input.queue_url.as_deref())?;
        self.registry
            .delete(&key)
            .map(|_| Empty {})
            .ok_or(SqsError::QueueDoesNotExist)
    }

    pub async fn get_queue_attributes(
        &self,
        ctx: &RequestContext,
        input: GetQueueAttributesInput,
    ) -> Result<GetQueueAttributesOutput, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        if let Some(unknown) = input
            .attribute_names
            .iter()
            .find(|n| !QueueAttributes::is_known(n))
        {
            return Err(SqsError::InvalidAttributeName(unknown.clone()));
        }
        let all = input.attribute_names.iter().any(|n| n == "All");
        let now = self.clock.now();
        let mut queue = cell.lock_live()?;
        let mut pairs = Vec::new();
        for name in ALL_ATTRIBUTES {
            if all || input.attribute_names.iter().any(|n| n == name) {
                if let Some(value) = attribute_value(&mut queue, name, now) {
                    pairs.push(((*name).to_owned(), value));
                }
            }
        }
        Ok(GetQueueAttributesOutput {
            attributes: Pairs(pairs),
        })
    }

    pub async fn set_queue_attributes(
        &self,
        ctx: &RequestContext,
        input: SetQueueAttributesInput,
    ) -> Result<Empty, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        if let Some((name, _)) = input
            .attributes
            .iter()
            .find(|(n, _)| READ_ONLY.contains(&n.as_str()))
        {
            return Err(SqsError::InvalidAttributeName(name.clone()));
        }
        let now = self.clock.now();
        let mut queue = cell.lock_live()?;
        let mut attributes = queue.attributes.clone();
        apply_attributes(&mut attributes, &input.attributes)?;
        queue.advance(now);
        queue.attributes = attributes;
        queue.last_modified_at = now;
        drop(queue);
        // A shorter retention or visibility may change what waiters can receive.
        cell.changed.notify_waiters();
        Ok(Empty {})
    }

    pub async fn purge_queue(
        &self,
        ctx: &RequestContext,
        input: QueueUrlInput,
    ) -> Result<Empty, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        let now = self.clock.now();
        cell.lock_live()?.purge(now)?;
        Ok(Empty {})
    }

    pub async fn tag_queue(
        &self,
        ctx: &RequestContext,
        input: TagQueueInput,
    ) -> Result<Empty, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        let mut queue = cell.lock_live()?;
        let mut tags = queue.tags.clone();
        tags.extend(input.tags);
        if tags.len() > MAX_TAGS {
            return Err(too_many_tags(&queue.name));
        }
        queue.tags = tags;
        Ok(Empty {})
    }

    pub async fn untag_queue(
        &self,
        ctx: &RequestContext,
        input: UntagQueueInput,
    ) -> Result<Empty, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        let mut queue = cell.lock_live()?;
        for key in &input.tag_keys {
            queue.tags.remove(key);
        }
        Ok(Empty {})
    }

    pub async fn list_queue_tags(
        &self,
        ctx: &RequestContext,
        input: QueueUrlInput,
    ) -> Result<ListQueueTagsOutput, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        let queue = cell.lock_live()?;
        Ok(ListQueueTagsOutput {
            tags: Pairs(
                queue
                    .tags
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
        })
    }
}

fn too_many_tags(queue: &str) -> SqsError {
    SqsError::InvalidParameterValueMessage(format!("Too many tags added for queue {queue}."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_names() {
        assert!(check_queue_name("jobs-1_A", false).is_ok());
        assert!(check_queue_name(&"a".repeat(80), false).is_ok());
        assert_eq!(
            check_queue_name(&"a".repeat(81), false),
            Err(SqsError::InvalidQueueName)
        );
        assert_eq!(check_queue_name("", false), Err(SqsError::InvalidQueueName));
        assert_eq!(
            check_queue_name("a.b", false),
            Err(SqsError::InvalidQueueName)
        );
        assert_eq!(
            check_queue_name("jobs.fifo", false),
            Err(SqsError::InvalidQueueName)
        );
        assert!(check_queue_name("jobs.fifo", true).is_ok());
        assert_eq!(
            check_queue_name("jobs", true),
            Err(SqsError::InvalidFifoQueueName)
        );
        assert_eq!(
            check_queue_name(".fifo", true),
            Err(SqsError::InvalidFifoQueueName)
        );
    }

    #[test]
    fn kms_and_sqs_sse_together_are_rejected() {
        let mut a = QueueAttributes::default();
        let pairs = vec![
            ("KmsMasterKeyId".to_owned(), "alias/k".to_owned()),
            ("SqsManagedSseEnabled".to_owned(), "true".to_owned()),
        ];
        assert_eq!(
            apply_attributes(&mut a, &pairs),
            Err(SqsError::ConflictingEncryption)
        );
    }
}
