//! Dead-letter settings, typed: a source queue's `RedrivePolicy` and a dead-letter queue's
//! `RedriveAllowPolicy`. Parsing their JSON (with AWS's error messages) is the service's job;
//! the engine only stores, renders and applies them.
//! See <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html>.

/// Where a queue's messages go after `max_receive_count` receives.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RedrivePolicy {
    pub dead_letter_target_arn: String,
    /// 1..=1000.
    pub max_receive_count: u32,
}

impl RedrivePolicy {
    /// The attribute value as AWS returns it (`maxReceiveCount` as a number).
    pub fn render(&self) -> String {
        format!(
            "{{\"deadLetterTargetArn\":\"{}\",\"maxReceiveCount\":{}}}",
            self.dead_letter_target_arn, self.max_receive_count
        )
    }
}

/// Which source queues may use a queue as their dead-letter queue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RedriveAllowPolicy {
    AllowAll,
    DenyAll,
    /// At most 10 source queue ARNs.
    ByQueue(Vec<String>),
}

impl RedriveAllowPolicy {
    pub fn allows(&self, source_arn: &str) -> bool {
        match self {
            RedriveAllowPolicy::AllowAll => true,
            RedriveAllowPolicy::DenyAll => false,
            RedriveAllowPolicy::ByQueue(arns) => arns.iter().any(|a| a == source_arn),
        }
    }

    pub fn render(&self) -> String {
        match self {
            RedriveAllowPolicy::AllowAll => "{\"redrivePermission\":\"allowAll\"}".to_owned(),
            RedriveAllowPolicy::DenyAll => "{\"redrivePermission\":\"denyAll\"}".to_owned(),
            RedriveAllowPolicy::ByQueue(arns) => {
                let list: Vec<String> = arns.iter().map(|a| format!("\"{a}\"")).collect();
                format!(
                    "{{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":[{}]}}",
                    list.join(",")
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendering_and_permissions() {
        let p = RedrivePolicy {
            dead_letter_target_arn: "arn:aws:sqs:us-east-1:000000000000:dlq".into(),
            max_receive_count: 3,
        };
        assert_eq!(
            p.render(),
            r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":3}"#
        );
        let by = RedriveAllowPolicy::ByQueue(vec!["arn:a".into(), "arn:b".into()]);
        assert!(by.allows("arn:b"));
        assert!(!by.allows("arn:c"));
        assert!(!RedriveAllowPolicy::DenyAll.allows("arn:a"));
        assert!(RedriveAllowPolicy::AllowAll.allows("arn:a"));
        assert_eq!(
            by.render(),
            r#"{"redrivePermission":"byQueue","sourceQueueArns":["arn:a","arn:b"]}"#
        );
    }
}
