//! Topic operations: CreateTopic (idempotent, FIFO rules), DeleteTopic, ListTopics,
//! Get/SetTopicAttributes, Add/RemovePermission on the stored policy, tags and the stored
//! data-protection policy.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Value};

use sluice_core::Arn;

use super::{page_start_under, parse_topic_arn, RequestContext, SnsService};
use crate::engine::topic_rules::*;
use crate::engine::{valid_topic_name, Topic, TopicCell, TopicKey};
use crate::model::input::*;
use crate::model::output::*;
use crate::SnsError;

impl SnsService {
    pub async fn create_topic(
        &self,
        ctx: &RequestContext,
        input: CreateTopicInput,
    ) -> Result<TopicArnOutput, SnsError> {
        let name = input.name.unwrap_or_default();
        let mut fifo = false;
        let mut attributes = BTreeMap::new();
        for (key, value) in &input.attributes {
            if key == "FifoTopic" {
                fifo = check_bool(key, value)?;
                continue;
            }
            if key == "DataProtectionPolicy" {
                continue;
            }
            attributes.insert(key.clone(), value.clone());
        }
        if !valid_topic_name(&name, fifo) {
            return Err(SnsError::invalid("Topic Name"));
        }
        for (key, value) in &attributes {
            check_attribute(key, value, fifo)?;
        }
        let tags = convert_tags(input.tags.into_iter().map(|t| (t.key, t.value)))?;
        let key = TopicKey {
            account: ctx.account.clone(),
            region: ctx.region.clone(),
            name,
        };
        let arn = key.arn();
        let data_protection = input.data_protection_policy.or_else(|| {
            input
                .attributes
                .iter()
                .find(|(k, _)| k == "DataProtectionPolicy")
                .map(|(_, v)| v.clone())
        });
        let (cell, created) = self.registry.get_or_create_topic(&arn, || {
            TopicCell::new(
                Arc::from(arn.as_str()),
                key.name.clone(),
                key.account.clone(),
                key.region.clone(),
                fifo,
                attributes.clone(),
                tags.clone(),
            )
        });
        let mut topic = cell.lock();
        if created {
            topic.data_protection_policy = data_protection;
            cell.record(&topic);
        } else {
            // Compared with what GetTopicAttributes reports, so restating a default (an empty
            // DisplayName, ContentBasedDeduplication=false) is no difference.
            let effective = topic_attributes(&cell, &topic);
            let differs = attributes
                .iter()
                .any(|(k, v)| !effective.iter().any(|(ek, ev)| ek == k && ev == v))
                || (input.attributes.iter().any(|(k, _)| k == "FifoTopic") && cell.fifo != fifo);
            if differs {
                return Err(SnsError::invalid(
                    "Attributes Reason: Topic already exists with different attributes",
                ));
            }
            // Tags given must be among the topic's, with the same values.
            if tags.iter().any(|t| !topic.tags.contains(t)) {
                return Err(SnsError::invalid(
                    "Tags Reason: Topic already exists with different tags",
                ));
            }
        }
        Ok(TopicArnOutput { topic_arn: arn })
    }

    pub async fn delete_topic(
        &self,
        ctx: &RequestContext,
        input: TopicArnInput,
    ) -> Result<Empty, SnsError> {
        let arn = input.topic_arn.unwrap_or_default();
        let key = parse_topic_arn(&arn)?;
        if key.region != ctx.region {
            return Err(SnsError::invalid("TopicArn"));
        }
        self.registry.delete_topic(&arn);
        Ok(Empty {})
    }

    pub async fn list_topics(
        &self,
        ctx: &RequestContext,
        input: NextTokenInput,
    ) -> Result<ListTopicsOutput, SnsError> {
        let prefix = Arn::format("sns", ctx.region.as_str(), ctx.account.as_str(), "");
        let start = page_start_under(input.next_token.as_deref(), &prefix)?;
        let page = self.registry.topics_page(&prefix, start.as_deref());
        Ok(ListTopicsOutput {
            topics: page
                .items
                .iter()
                .map(|t| TopicEntry {
                    topic_arn: t.arn.to_string(),
                })
                .collect(),
            next_token: page.next_token,
        })
    }

    pub async fn get_topic_attributes(
        &self,
        ctx: &RequestContext,
        input: TopicArnInput,
    ) -> Result<AttributesOutput, SnsError> {
        let cell = self.topic(ctx, input.topic_arn.as_deref())?;
        let topic = cell.lock();
        Ok(AttributesOutput {
            attributes: Map(topic_attributes(&cell, &topic)),
        })
    }

    pub async fn set_topic_attributes(
        &self,
        ctx: &RequestContext,
        input: SetTopicAttributesInput,
    ) -> Result<Empty, SnsError> {
        let cell = self.topic(ctx, input.topic_arn.as_deref())?;
        let name = required(input.attribute_name, "AttributeName")?;
        let value = input.attribute_value.unwrap_or_default();
        check_attribute(&name, &value, cell.fifo)?;
        let mut topic = cell.lock();
        if value.is_empty()
            && matches!(name.as_str(), "DeliveryPolicy" | "Policy" | "ArchivePolicy")
        {
            topic.attributes.remove(&name);
        } else {
            topic.attributes.insert(name, value);
        }
        cell.record(&topic);
        Ok(Empty {})
    }

    pub async fn add_permission(
        &self,
        ctx: &RequestContext,
        input: AddPermissionInput,
    ) -> Result<Empty, SnsError> {
        let cell = self.topic(ctx, input.topic_arn.as_deref())?;
        let label = required(input.label, "Label")?;
        if input.aws_account_ids.is_empty() {
            return Err(SnsError::invalid(
                "AWSAccountId Reason: no value for required parameter",
            ));
        }
        if input.action_name.is_empty() {
            return Err(SnsError::invalid(
                "ActionName Reason: no value for required parameter",
            ));
        }
        if let Some(bad) = input
            .action_name
            .iter()
            .find(|a| !PERMISSION_ACTIONS.contains(&a.as_str()))
        {
            tracing::debug!(action = %bad, "AddPermission action out of scope");
            return Err(SnsError::invalid(
                "Policy statement action out of service scope!",
            ));
        }
        let mut topic = cell.lock();
        let mut policy = stored_policy(&cell, &topic);
        let statements = statements_mut(&mut policy);
        if statements.iter().any(|s| s["Sid"] == label.as_str()) {
            return Err(SnsError::invalid("Statement already exists"));
        }
        let principals: Vec<String> = input
            .aws_account_ids
            .iter()
            .map(|a| format!("arn:aws:iam::{a}:root"))
            .collect();
        let actions: Vec<String> = input
            .action_name
            .iter()
            .map(|a| format!("SNS:{a}"))
            .collect();
        statements.push(json!({
            "Sid": label,
            "Effect": "Allow",
            "Principal": {"AWS": one_or_many(principals)},
            "Action": one_or_many(actions),
            "Resource": cell.arn.as_ref(),
        }));
        topic.attributes.insert("Policy".into(), policy.to_string());
        cell.record(&topic);
        Ok(Empty {})
    }

    pub async fn remove_permission(
        &self,
        ctx: &RequestContext,
        input: RemovePermissionInput,
    ) -> Result<Empty, SnsError> {
        let cell = self.topic(ctx, input.topic_arn.as_deref())?;
        let label = required(input.label, "Label")?;
        let mut topic = cell.lock();
        let mut policy = stored_policy(&cell, &topic);
        statements_mut(&mut policy).retain(|s| s["Sid"] != label.as_str());
        topic.attributes.insert("Policy".into(), policy.to_string());
        cell.record(&topic);
        Ok(Empty {})
    }

    /// The topic a tagging or data-protection call names, or `ResourceNotFound`.
    fn resource(
        &self,
        arn: Option<&str>,
        not_found: fn() -> SnsError,
    ) -> Result<Arc<TopicCell>, SnsError> {
        let arn = arn.unwrap_or_default();
        parse_topic_arn(arn).map_err(|_| SnsError::invalid("ResourceArn"))?;
        self.registry.topic(arn).ok_or_else(not_found)
    }

    pub async fn tag_resource(
        &self,
        _ctx: &RequestContext,
        input: TagResourceInput,
    ) -> Result<EmptyResult, SnsError> {
        let cell = self.resource(input.resource_arn.as_deref(), resource_not_found)?;
        let tags = convert_tags(input.tags.into_iter().map(|t| (t.key, t.value)))?;
        let mut topic = cell.lock();
        let mut merged = topic.tags.clone();
        for (k, v) in tags {
            match merged.iter_mut().find(|(key, _)| *key == k) {
                Some(slot) => slot.1 = v,
                None => merged.push((k, v)),
            }
        }
        if merged.len() > MAX_TAGS {
            return Err(SnsError::TagLimitExceeded(
                "Could not complete request: tag quota of per resource exceeded".into(),
            ));
        }
        topic.tags = merged;
        cell.record(&topic);
        Ok(EmptyResult {})
    }

    pub async fn untag_resource(
        &self,
        _ctx: &RequestContext,
        input: UntagResourceInput,
    ) -> Result<EmptyResult, SnsError> {
        let cell = self.resource(input.resource_arn.as_deref(), resource_not_found)?;
        let mut topic = cell.lock();
        topic.tags.retain(|(k, _)| !input.tag_keys.contains(k));
        cell.record(&topic);
        Ok(EmptyResult {})
    }

    pub async fn list_tags_for_resource(
        &self,
        _ctx: &RequestContext,
        input: ResourceArnInput,
    ) -> Result<ListTagsOutput, SnsError> {
        let cell = self.resource(input.resource_arn.as_deref(), resource_not_found)?;
        let topic = cell.lock();
        Ok(ListTagsOutput {
            tags: topic
                .tags
                .iter()
                .map(|(k, v)| TagOutput {
                    key: k.clone(),
                    value: v.clone(),
                })
                .collect(),
        })
    }

    pub async fn get_data_protection_policy(
        &self,
        _ctx: &RequestContext,
        input: ResourceArnInput,
    ) -> Result<DataProtectionPolicyOutput, SnsError> {
        let cell = self.resource(input.resource_arn.as_deref(), topic_not_found)?;
        let topic = cell.lock();
        Ok(DataProtectionPolicyOutput {
            data_protection_policy: topic.data_protection_policy.clone().unwrap_or_default(),
        })
    }

    pub async fn put_data_protection_policy(
        &self,
        _ctx: &RequestContext,
        input: PutDataProtectionPolicyInput,
    ) -> Result<Empty, SnsError> {
        let cell = self.resource(input.resource_arn.as_deref(), topic_not_found)?;
        let policy = required(input.data_protection_policy, "DataProtectionPolicy")?;
        if serde_json::from_str::<Value>(&policy).map_or(true, |v| !v.is_object()) {
            return Err(SnsError::invalid(
                "DataProtectionPolicy: failed to parse JSON.",
            ));
        }
        let mut topic = cell.lock();
        topic.data_protection_policy = Some(policy);
        cell.record(&topic);
        Ok(Empty {})
    }
}

/// Whether a FIFO topic deduplicates by content.
pub(super) fn content_based_dedup(topic: &Topic) -> bool {
    topic
        .attributes
        .get("ContentBasedDeduplication")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The topic's `SignatureVersion`, "1" unless set.
pub(super) fn signature_version(topic: &Topic) -> Arc<str> {
    Arc::from(
        topic
            .attributes
            .get("SignatureVersion")
            .map_or("1", String::as_str),
    )
}
