//! Dead-letter queues: parsing `RedrivePolicy` and `RedriveAllowPolicy` (AWS's messages),
//! checking the target exists, is the same type and allows the source, moving messages past
//! `maxReceiveCount`, and ListDeadLetterSourceQueues.

use std::sync::Arc;

use serde_json::{Map, Value};
use sluice_core::{AccountId, Arn, Region, Timestamp};

use super::{RequestContext, SqsService};
use crate::engine::{
    DeadLetter, QueueAttributes, QueueCell, QueueKey, RedriveAllowPolicy, RedrivePolicy,
};
use crate::model::input::ListDeadLetterSourceQueuesInput;
use crate::model::output::ListDeadLetterSourceQueuesOutput;
use crate::SqsError;

const MAX_ALLOWED_SOURCES: usize = 10;

fn redrive_error(raw: &str, reason: &str) -> SqsError {
    SqsError::invalid_param("RedrivePolicy", raw, reason)
}

/// The queue an SQS queue ARN names.
pub(super) fn key_of_arn(arn: &str) -> Option<QueueKey> {
    let arn = Arn::parse(arn).filter(|a| a.service == "sqs")?;
    Some(QueueKey {
        account: AccountId::parse(&arn.account)?,
        region: Region::parse(&arn.region)?,
        name: arn.resource,
    })
}

/// Parses a `RedrivePolicy` document, in the order AWS reports problems.
pub(super) fn parse_redrive_policy(raw: &str) -> Result<RedrivePolicy, SqsError> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(raw) else {
        return Err(SqsError::InvalidParameterValueMessage(
            "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map."
                .into(),
        ));
    };
    if map
        .keys()
        .any(|k| k != "maxReceiveCount" && k != "deadLetterTargetArn")
    {
        return Err(redrive_error(
            raw,
            "Only following attributes are supported: [maxReceiveCount, deadLetterTargetArn].",
        ));
    }
    let count = map.get("maxReceiveCount").ok_or_else(|| {
        redrive_error(
            raw,
            "Redrive policy does not contain mandatory attribute: maxReceiveCount.",
        )
    })?;
    let target = map.get("deadLetterTargetArn").ok_or_else(|| {
        redrive_error(
            raw,
            "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.",
        )
    })?;
    let count_text = match count {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let max_receive_count = count_text
        .parse::<u32>()
        .ok()
        .filter(|c| (1..=1000).contains(c))
        .ok_or_else(|| {
            redrive_error(
                raw,
                &format!("Invalid value for maxReceiveCount: {count_text}, valid values are from 1 to 1000 both inclusive."),
            )
        })?;
    let Value::String(target) = target else {
        return Err(redrive_error(raw, "Invalid value for deadLetterTargetArn."));
    };
    let arn = Arn::parse(target)
        .ok_or_else(|| redrive_error(raw, "Invalid value for deadLetterTargetArn."))?;
    if arn.service != "sqs" {
        return Err(redrive_error(
            raw,
            "Only SQS queues are valid resources for deadLetterTargetArn.",
        ));
    }
    Ok(RedrivePolicy {
        dead_letter_target_arn: target.clone(),
        max_receive_count,
    })
}

/// Parses a `RedriveAllowPolicy` document.
pub(super) fn parse_redrive_allow_policy(raw: &str) -> Result<RedriveAllowPolicy, SqsError> {
    let unsupported = || {
        SqsError::InvalidParameterValueMessage(
            "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can\u{2019}t create the redrive allow policy, as it\u{2019}s in an unsupported format."
                .into(),
        )
    };
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(raw) else {
        return Err(unsupported());
    };
    let arns = |map: &Map<String, Value>| -> Option<Vec<String>> {
        match map.get("sourceQueueArns")? {
            Value::Array(items) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .filter(|a| key_of_arn(a).is_some())
                        .map(str::to_owned)
                })
                .collect(),
            _ => None,
        }
    };
    let only = |allowed: &[&str]| map.keys().all(|k| allowed.contains(&k.as_str()));
    match map.get("redrivePermission").and_then(Value::as_str) {
        Some("allowAll") if only(&["redrivePermission"]) => Ok(RedriveAllowPolicy::AllowAll),
        Some("denyAll") if only(&["redrivePermission"]) => Ok(RedriveAllowPolicy::DenyAll),
        Some("byQueue") => match arns(&map) {
            Some(list) if !list.is_empty() && list.len() <= MAX_ALLOWED_SOURCES => {
                Ok(RedriveAllowPolicy::ByQueue(list))
            }
            _ => Err(unsupported()),
        },
        _ => Err(unsupported()),
    }
}

impl SqsService {
    /// Checks that `policy` of the queue `source_arn` points at an existing queue of the
    /// same type whose allow policy admits the source.
    pub(super) fn check_redrive_target(
        &self,
        raw: &str,
        policy: &RedrivePolicy,
        source_arn: &str,
        source: &QueueAttributes,
    ) -> Result<(), SqsError> {
        let missing = || redrive_error(raw, "Dead letter target does not exist.");
        let key = key_of_arn(&policy.dead_letter_target_arn).ok_or_else(missing)?;
        let target = self.registry.get(&key).ok_or_else(missing)?;
        let target = target.lock_live().map_err(|_| missing())?;
        if target.attributes.fifo_queue != source.fifo_queue {
            return Err(redrive_error(
                raw,
                "Dead-letter target queue and source queue must be of the same type.",
            ));
        }
        if let Some(allow) = &target.attributes.redrive_allow_policy {
            if !allow.allows(source_arn) {
                return Err(redrive_error(
                    raw,
                    "Dead-letter target queue's RedriveAllowPolicy does not allow this queue to use it as a dead-letter queue.",
                ));
            }
        }
        Ok(())
    }

    /// Whether `source` has a redrive policy whose dead-letter queue exists. Receives only
    /// dead-letter when it does: otherwise messages are delivered as usual, in their order.
    pub(super) fn dead_letter_queue_exists(&self, source: &QueueCell) -> Result<bool, SqsError> {
        let target = source
            .lock_live()?
            .attributes
            .redrive_policy
            .as_ref()
            .map(|p| p.dead_letter_target_arn.clone());
        Ok(target
            .and_then(|arn| key_of_arn(&arn))
            .and_then(|key| self.registry.get(&key))
            .is_some_and(|dlq| !dlq.is_deleted()))
    }

    /// Hands messages a receive removed to the dead-letter queue of `source`. If that queue
    /// is gone, they return to the source, so nothing is lost.
    pub(super) fn move_dead_letters(
        &self,
        source: &QueueCell,
        target_arn: &str,
        dead_letters: Vec<DeadLetter>,
        seqs: &[u64],
        now: Timestamp,
    ) {
        if dead_letters.is_empty() {
            return;
        }
        let source_arn: Arc<str> = source.key.arn().into();
        let target = key_of_arn(target_arn).and_then(|k| self.registry.get(&k));
        let moved = target.as_ref().and_then(|cell| {
            let mut dlq = cell.lock_live().ok()?;
            for letter in &dead_letters {
                dlq.accept_dead_letter(now, letter.clone(), Some(source_arn.clone()));
            }
            Some(cell)
        });
        match moved {
            Some(cell) => {
                for _ in 0..dead_letters.len() {
                    cell.changed.notify_one();
                }
            }
            None => {
                if let Ok(mut queue) = source.lock_live() {
                    for letter in dead_letters {
                        queue.accept_dead_letter(now, letter, Some(source_arn.clone()));
                    }
                }
            }
        }
        // Stored where they went: now they may be gone from where they were.
        source.lock().record_removed(seqs);
    }

    pub async fn list_dead_letter_source_queues(
        &self,
        ctx: &RequestContext,
        input: ListDeadLetterSourceQueuesInput,
    ) -> Result<ListDeadLetterSourceQueuesOutput, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        let arn = cell.key.arn();
        let max = super::queues::max_results(input.max_results)?;
        let start = super::queues::page_start(input.next_token)?;
        let mut sources: Vec<QueueKey> = self
            .registry
            .all()
            .into_iter()
            .filter(|c| {
                c.lock_live().is_ok_and(|q| {
                    q.attributes
                        .redrive_policy
                        .as_ref()
                        .is_some_and(|p| p.dead_letter_target_arn == arn)
                })
            })
            .map(|c| c.key.clone())
            .collect();
        sources.sort_by(|a, b| a.name.cmp(&b.name));
        let limit = usize::from(max.unwrap_or(1000));
        let page = sluice_core::page(
            sources.iter().map(|k| (k.name.as_str(), k)),
            start.as_deref(),
            limit,
        );
        Ok(ListDeadLetterSourceQueuesOutput {
            queue_urls: page
                .items
                .iter()
                .map(|k| Self::queue_url(ctx, &k.account, &k.name))
                .collect(),
            // Without MaxResults, AWS answers up to 1000 and no token.
            next_token: page.next_token.filter(|_| max.is_some()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:sqs:us-east-1:000000000000:dlq";

    #[test]
    fn redrive_policy_parsing_and_messages() {
        let ok = parse_redrive_policy(&format!(
            r#"{{"deadLetterTargetArn":"{ARN}","maxReceiveCount":"5"}}"#
        ))
        .expect("valid");
        assert_eq!(ok.max_receive_count, 5);
        let ok = parse_redrive_policy(&format!(
            r#"{{"deadLetterTargetArn":"{ARN}","maxReceiveCount":1000}}"#
        ))
        .expect("number form");
        assert_eq!(ok.max_receive_count, 1000);
        let reason = |raw: &str| parse_redrive_policy(raw).expect_err("invalid").to_string();
        assert!(reason("nope").ends_with("Reason: Redrive policy is not a valid JSON map."));
        assert!(reason(&format!(r#"{{"deadLetterTargetArn":"{ARN}"}}"#))
            .ends_with("mandatory attribute: maxReceiveCount."));
        assert!(reason(r#"{"maxReceiveCount":3}"#)
            .ends_with("mandatory attribute: deadLetterTargetArn."));
        assert!(reason(&format!(
            r#"{{"deadLetterTargetArn":"{ARN}","maxReceiveCount":-36}}"#
        ))
        .ends_with("Invalid value for maxReceiveCount: -36, valid values are from 1 to 1000 both inclusive."));
        assert_eq!(
            reason(r#"{"deadLetterTargetArn": "dummy", "maxReceiveCount": 42}"#),
            r#"Value {"deadLetterTargetArn": "dummy", "maxReceiveCount": 42} for parameter RedrivePolicy is invalid. Reason: Invalid value for deadLetterTargetArn."#
        );
        assert!(reason(
            r#"{"deadLetterTargetArn":"arn:aws:sns:us-east-1:000000000000:t","maxReceiveCount":1}"#
        )
        .ends_with("Only SQS queues are valid resources for deadLetterTargetArn."));
        assert!(reason(&format!(
            r#"{{"deadLetterTargetArn":"{ARN}","maxReceiveCount":1,"x":1}}"#
        ))
        .ends_with(
            "Only following attributes are supported: [maxReceiveCount, deadLetterTargetArn]."
        ));
    }

    #[test]
    fn redrive_allow_policy_parsing() {
        assert_eq!(
            parse_redrive_allow_policy(r#"{"redrivePermission":"allowAll"}"#),
            Ok(RedriveAllowPolicy::AllowAll)
        );
        assert_eq!(
            parse_redrive_allow_policy(&format!(
                r#"{{"redrivePermission":"byQueue","sourceQueueArns":["{ARN}"]}}"#
            )),
            Ok(RedriveAllowPolicy::ByQueue(vec![ARN.into()]))
        );
        for bad in [
            r#"{"redrivePermission":"byQueue"}"#,
            r#"{"redrivePermission":"byQueue","sourceQueueArns":[]}"#,
            r#"{"redrivePermission":"maybe"}"#,
            r#"{"redrivePermission":"denyAll","sourceQueueArns":["x"]}"#,
            "[]",
        ] {
            assert!(parse_redrive_allow_policy(bad).is_err(), "{bad}");
        }
        let eleven: Vec<String> = (0..11).map(|i| format!("\"{ARN}{i}\"")).collect();
        assert!(parse_redrive_allow_policy(&format!(
            r#"{{"redrivePermission":"byQueue","sourceQueueArns":[{}]}}"#,
            eleven.join(",")
        ))
        .is_err());
    }
}
