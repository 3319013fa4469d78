//! Queue operations: create, look up, list, delete, attributes, tags, purge.

use super::redrive::{parse_redrive_allow_policy, parse_redrive_policy};
use super::{required, RequestContext, SqsService};
use crate::engine::{Queue, QueueAttributes, QueueKey, RedrivePolicy, READ_ONLY};
use crate::model::input::{
    CreateQueueInput, GetQueueAttributesInput, GetQueueUrlInput, ListQueuesInput, QueueUrlInput,
    SetQueueAttributesInput, TagQueueInput, UntagQueueInput,
};
use crate::model::output::{
    Empty, GetQueueAttributesOutput, ListQueueTagsOutput, ListQueuesOutput, Pairs, QueueUrlOutput,
};
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

/// Applies the attributes whose values need no other queue, checking every value and the one
/// cross-attribute rule. Returns a `RedrivePolicy` to check against its target, if given.
fn apply_local_attributes<'a>(
    attributes: &mut QueueAttributes,
    pairs: &'a [(String, String)],
) -> Result<Option<(&'a str, RedrivePolicy)>, SqsError> {
    let mut redrive = None;
    for (name, value) in pairs {
        match name.as_str() {
            "Policy" if !value.is_empty() => {
                // Policies are JSON documents; AWS rejects anything but a JSON object.
                if !matches!(
                    serde_json::from_str::<serde_json::Value>(value),
                    Ok(serde_json::Value::Object(_))
                ) {
                    return Err(SqsError::invalid_attribute(name));
                }
                attributes.set(name, value, false)?;
            }
            "RedrivePolicy" if value.is_empty() => attributes.redrive_policy = None,
            "RedrivePolicy" => redrive = Some((value.as_str(), parse_redrive_policy(value)?)),
            "RedriveAllowPolicy" => {
                attributes.redrive_allow_policy = if value.is_empty() {
                    None
                } else {
                    Some(parse_redrive_allow_policy(value)?)
                }
            }
            _ => {
                let fifo = attributes.fifo_queue;
                attributes.set(name, value, fifo)?
            }
        }
    }
    let named = |n: &str| pairs.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    let kms = named("KmsMasterKeyId").is_some_and(|v| !v.is_empty());
    let sqs_sse = named("SqsManagedSseEnabled").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if kms && sqs_sse {
        return Err(SqsError::ConflictingEncryption);
    }
    Ok(redrive)
}

/// `MaxResults` of the list operations: 1..=1000 when given.
pub(super) fn max_results(value: Option<i64>) -> Result<Option<u16>, SqsError> {
    value
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
        .transpose()
}

/// The queue name a list operation's `NextToken` starts from.
pub(super) fn page_start(token: Option<String>) -> Result<Option<String>, SqsError> {
    token
        .map(|t| {
            sluice_core::page_start(&t)
                .ok_or_else(|| SqsError::invalid_param("NextToken", t, "Invalid NextToken value."))
        })
        .transpose()
}

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
    /// Applies attribute `pairs` of the queue `queue_arn` to `attributes`, including a
    /// redrive policy checked against its target queue.
    fn apply_attributes(
        &self,
        attributes: &mut QueueAttributes,
        pairs: &[(String, String)],
        queue_arn: &str,
    ) -> Result<(), SqsError> {
        if let Some((raw, policy)) = apply_local_attributes(attributes, pairs)? {
            self.check_redrive_target(raw, &policy, queue_arn, attributes)?;
            attributes.redrive_policy = Some(policy);
        }
        Ok(())
    }

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
        let key = QueueKey {
            account: ctx.account.clone(),
            region: ctx.region.clone(),
            name,
        };
        let mut attributes = QueueAttributes {
            fifo_queue: fifo,
            ..QueueAttributes::default()
        };
        self.apply_attributes(&mut attributes, &input.attributes, &key.arn())?;
        if input.tags.len() > MAX_TAGS {
            return Err(too_many_tags(&key.name));
        }
        let given: Vec<&str> = input.attributes.iter().map(|(k, _)| k.as_str()).collect();
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
        let max = max_results(input.max_results)?;
        let start = page_start(input.next_token)?;
        let prefix = input.queue_name_prefix.unwrap_or_default();
        let names = self.registry.names(&ctx.account, &ctx.region, &prefix);
        let limit = usize::from(max.unwrap_or(1000));
        let page = sluice_core::page(names.iter().map(|n| (n, n)), start.as_deref(), limit);
        let queue_urls = page
            .items
            .iter()
            .map(|name| Self::queue_url(ctx, &ctx.account, name))
            .collect();
        Ok(ListQueuesOutput {
            queue_urls,
            // Without MaxResults, AWS answers up to 1000 and no token.
            next_token: page.next_token.filter(|_| max.is_some()),
        })
    }

    pub async fn delete_queue(
        &self,
        ctx: &RequestContext,
        input: QueueUrlInput,
    ) -> Result<Empty, SqsError> {
        let key = Self::queue_key(ctx, input.queue_url.as_deref())?;
        self.registry
            .delete(&key, self.clock.now())
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
        for name in READ_ONLY.iter().chain(QueueAttributes::NAMES) {
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
        mut input: SetQueueAttributesInput,
    ) -> Result<Empty, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        if let Some((name, _)) = input
            .attributes
            .iter()
            .find(|(n, _)| READ_ONLY.contains(&n.as_str()))
        {
            return Err(SqsError::InvalidAttributeName(name.clone()));
        }
        // On a standard queue FifoQueue is an unknown attribute (below); on a FIFO queue it
        // cannot change, but restating `true` is a no-op (LocalStack's AWS-recorded
        // `test_set_queue_attribute_fifo` snapshots).
        let is_fifo = cell.is_fifo();
        if is_fifo {
            let restates = |v: &str| v.eq_ignore_ascii_case("true");
            if input
                .attributes
                .iter()
                .any(|(n, v)| n == "FifoQueue" && !restates(v))
            {
                return Err(SqsError::InvalidAttributeValue {
                    name: "FifoQueue".into(),
                    reason: Some("Modifying queue type is not supported.".into()),
                });
            }
            input.attributes.retain(|(n, _)| n != "FifoQueue");
        }
        // Validated on a copy without holding this queue's lock: a redrive check locks the
        // target, which may be this very queue (or one whose own check waits on this one).
        let mut probe = cell.lock_live()?.attributes.clone();
        self.apply_attributes(&mut probe, &input.attributes, &cell.key.arn())?;
        // Then applied to the current attributes, so a concurrent change to other attributes
        // (an AddPermission, say) is kept.
        let now = self.clock.now();
        let mut queue = cell.lock_live()?;
        let mut attributes = queue.attributes.clone();
        if apply_local_attributes(&mut attributes, &input.attributes)?.is_some() {
            attributes.redrive_policy = probe.redrive_policy;
        }
        queue.advance(now);
        queue.attributes = attributes;
        queue.last_modified_at = now;
        cell.record_config(&queue);
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
        cell.record_config(&queue);
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
        cell.record_config(&queue);
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
            apply_local_attributes(&mut a, &pairs).map(|_| ()),
            Err(SqsError::ConflictingEncryption)
        );
    }
}
