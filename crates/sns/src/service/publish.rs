//! Publish and PublishBatch: validation in AWS's order (subject, message, phone number,
//! attributes, size, FIFO rules, message structure, then the topic), FIFO deduplication
//! under the topic's lock, and hand-off to the delivery worker.

use std::sync::Arc;

use sluice_core::{first_duplicate_id, sha256_hex, valid_batch_entry_id, MAX_BATCH_ENTRIES};

use super::message_check::{check, precheck, Checked, MessageFields};
use super::{parse_topic_arn, topics, RequestContext, SnsService};
use crate::engine::{
    valid_e164, Accepted, FifoAdmission, FifoFacts, OutboxKind, OutboxRecord, Published, TopicCell,
    MAX_MESSAGE_BYTES,
};
use crate::model::input::*;
use crate::model::output::*;
use crate::SnsError;

/// AWS's answer to a FIFO message with neither a deduplication id nor content-based
/// deduplication.
const NO_DEDUP_ID: &str = "The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly";

impl SnsService {
    pub async fn publish(
        &self,
        ctx: &RequestContext,
        input: PublishInput,
    ) -> Result<PublishOutput, SnsError> {
        let fields = MessageFields {
            message: input.message,
            subject: input.subject,
            message_structure: input.message_structure,
            message_attributes: input.message_attributes,
            dedup_id: input.message_deduplication_id,
            group_id: input.message_group_id,
        };
        precheck(&fields, "messageAttributes")?;
        if let Some(number) = input.phone_number {
            if input.topic_arn.is_some() || input.target_arn.is_some() {
                return Err(SnsError::invalid(
                    "TopicArn or TargetArn Reason: Only one of TopicArn, TargetArn or PhoneNumber can be specified",
                ));
            }
            if !valid_e164(&number) {
                return Err(SnsError::invalid(format!(
                    "PhoneNumber Reason: {number} is not valid to publish to"
                )));
            }
            let checked = check(fields, false, "messageAttributes")?;
            return Ok(self.record_direct(ctx, OutboxKind::Sms, number, checked));
        }
        let arn = match (input.topic_arn, input.target_arn) {
            (Some(_), Some(_)) => return Err(SnsError::invalid(
                "TopicArn or TargetArn Reason: Only one of TopicArn or TargetArn can be specified",
            )),
            (Some(arn), None) | (None, Some(arn)) => arn,
            (None, None) => {
                return Err(SnsError::invalid(
                    "TopicArn or TargetArn Reason: no value for required parameter",
                ))
            }
        };
        if arn.contains(":endpoint/") {
            // The endpoint is checked before the message (a disabled endpoint answers
            // EndpointDisabled whatever the message structure, as LocalStack's
            // AWS-recorded platform snapshots show).
            {
                let platforms = self.platforms.lock();
                let endpoint = platforms.endpoints.get(&arn).ok_or_else(|| {
                    SnsError::invalid(
                        "TargetArn Reason: No endpoint found for the target arn specified",
                    )
                })?;
                if !endpoint.enabled() {
                    return Err(SnsError::EndpointDisabled);
                }
            }
            let checked = check(fields, false, "messageAttributes")?;
            return Ok(self.record_direct(ctx, OutboxKind::Application, arn, checked));
        }
        let fifo = arn.ends_with(".fifo");
        let checked = check(fields, fifo, "messageAttributes")?;
        let topic = self.topic(ctx, Some(&arn))?;
        self.publish_checked(ctx, &topic, checked).await
    }

    /// Records a message published straight to a phone number or platform endpoint.
    fn record_direct(
        &self,
        ctx: &RequestContext,
        kind: OutboxKind,
        destination: String,
        checked: Checked,
    ) -> PublishOutput {
        let message_id = self.ids.uuid();
        let platform = destination
            .split_once(":endpoint/")
            .and_then(|(_, rest)| rest.split('/').next())
            .unwrap_or("sms")
            .to_owned();
        let body = checked
            .per_protocol
            .iter()
            .find(|(p, _)| *p == platform)
            .map_or(checked.message.clone(), |(_, b)| b.clone());
        self.outbox.push(OutboxRecord {
            kind,
            account: ctx.account.to_string(),
            region: ctx.region.to_string(),
            destination,
            message_id: message_id.clone(),
            topic_arn: None,
            subscription_arn: None,
            subject: checked.subject,
            message: body,
            message_structure: checked.structure,
            attributes: checked.attributes,
            timestamp: self.clock.now(),
        });
        PublishOutput {
            message_id,
            sequence_number: None,
        }
    }

    /// Admits a validated message to `topic` (FIFO deduplication) and queues its delivery.
    async fn publish_checked(
        &self,
        ctx: &RequestContext,
        topic: &TopicCell,
        checked: Checked,
    ) -> Result<PublishOutput, SnsError> {
        let message_id = self.ids.uuid();
        let base_url: Arc<str> = Arc::from(ctx.base_url());
        let slot = self.deliveries.reserve().await;
        let mut state = topic.lock();
        // Read under the lock, so admissions (and the dedup window) are in time order.
        let now = self.clock.now();
        let fifo = if topic.fifo {
            let dedup_id = match checked.dedup_id.clone() {
                Some(id) => id,
                None if topics::content_based_dedup(&state) => {
                    sha256_hex(checked.message.as_bytes())
                }
                None => return Err(SnsError::invalid(NO_DEDUP_ID)),
            };
            match state.admit_fifo(now, &dedup_id, &message_id) {
                FifoAdmission::Duplicate(accepted) => {
                    return Ok(PublishOutput {
                        message_id: accepted.message_id,
                        sequence_number: Some(accepted.sequence_number),
                    })
                }
                FifoAdmission::New { sequence_number } => {
                    let accepted = Accepted {
                        message_id: message_id.clone(),
                        sequence_number,
                    };
                    topic.record_admission(&dedup_id, &accepted, now);
                    Some(FifoFacts {
                        group_id: checked.group_id.clone().unwrap_or_default(),
                        dedup_id,
                        sequence_number: accepted.sequence_number,
                    })
                }
            }
        } else {
            None
        };
        let out = PublishOutput {
            message_id: message_id.clone(),
            sequence_number: fifo.as_ref().map(|f| f.sequence_number.clone()),
        };
        let message = Arc::new(Published {
            message_id,
            topic_arn: topic.arn.clone(),
            subject: checked.subject,
            message: checked.message,
            per_protocol: checked.per_protocol,
            attributes: checked.attributes,
            timestamp: now,
            group_id: if fifo.is_none() {
                checked.group_id
            } else {
                None
            },
            fifo,
        });
        if let Some(slot) = slot.filter(|_| !state.subscribers.is_empty()) {
            topic.record_published(&message, &base_url);
            slot.publish(
                message,
                state.subscribers.clone(),
                base_url,
                topics::signature_version(&state),
                state
                    .attributes
                    .get("DeliveryPolicy")
                    .map(|p| Arc::from(p.as_str())),
            );
        }
        drop(state);
        Ok(out)
    }

    /// Fans out again a message whose fan-out had not finished when the process stopped
    /// (restore); its topic's current subscribers get it.
    pub async fn redeliver(&self, message: Published, base_url: Arc<str>) {
        let Some(topic) = self.registry.topic(&message.topic_arn) else {
            return;
        };
        let slot = self.deliveries.reserve().await;
        let state = topic.lock();
        if state.subscribers.is_empty() {
            topic.record_fanned_out(&message.message_id);
        } else if let Some(slot) = slot {
            slot.publish(
                Arc::new(message),
                state.subscribers.clone(),
                base_url,
                topics::signature_version(&state),
                state
                    .attributes
                    .get("DeliveryPolicy")
                    .map(|p| Arc::from(p.as_str())),
            );
        }
    }

    /// Makes again an HTTP delivery that had not finished when the process stopped (restore):
    /// its retries start over.
    pub async fn resume_http_delivery(&self, delivery: crate::engine::HttpDelivery) {
        self.deliveries.resume(delivery).await;
    }

    pub async fn publish_batch(
        &self,
        ctx: &RequestContext,
        input: PublishBatchInput,
    ) -> Result<PublishBatchOutput, SnsError> {
        let entries = input.publish_batch_request_entries;
        if entries.len() > MAX_BATCH_ENTRIES {
            return Err(SnsError::TooManyEntriesInBatchRequest);
        }
        let arn = input.topic_arn.unwrap_or_default();
        parse_topic_arn(&arn)?;
        let topic = self.topic(ctx, Some(&arn))?;
        if entries.is_empty() {
            return Err(SnsError::EmptyBatchRequest);
        }
        let ids = || entries.iter().map(|e| e.id.as_deref().unwrap_or_default());
        if first_duplicate_id(ids()).is_some() {
            return Err(SnsError::BatchEntryIdsNotDistinct);
        }
        if let Some(id) = ids().find(|id| !valid_batch_entry_id(id)) {
            return Err(SnsError::InvalidBatchEntryId {
                id: id.to_owned(),
                too_long: id.len() > 80,
            });
        }
        let mut checked = Vec::with_capacity(entries.len());
        let mut total = 0;
        for (i, mut entry) in entries.into_iter().enumerate() {
            let id = entry.id.take().unwrap_or_default();
            let path = format!(
                "publishBatchRequestEntries.{}.member.messageAttributes",
                i + 1
            );
            let c = check(MessageFields::from(entry), topic.fifo, &path)?;
            total += c.size;
            checked.push((id, c));
        }
        // A FIFO topic's deduplication rule fails the whole request, before anything is
        // published.
        if topic.fifo
            && !topics::content_based_dedup(&topic.lock())
            && checked.iter().any(|(_, c)| c.dedup_id.is_none())
        {
            return Err(SnsError::invalid(NO_DEDUP_ID));
        }
        if total > MAX_MESSAGE_BYTES {
            return Err(SnsError::BatchRequestTooLong);
        }
        let mut out = PublishBatchOutput::default();
        for (id, c) in checked {
            match self.publish_checked(ctx, &topic, c).await {
                Ok(published) => out.successful.push(PublishBatchSuccess {
                    id,
                    message_id: published.message_id,
                    sequence_number: published.sequence_number,
                }),
                Err(error) => out.failed.push(PublishBatchFailure { id, error }),
            }
        }
        Ok(out)
    }
}
