//! Queue attributes: AWS's names, defaults and ranges, parsed once into typed settings.
//! See <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html>.

use super::redrive::{RedriveAllowPolicy, RedrivePolicy};
use crate::SqsError;

/// Attributes a queue reports but nobody may set, in the order `All` lists them (before the
/// settable ones).
pub const READ_ONLY: &[&str] = &[
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
];

pub const MAX_VISIBILITY_TIMEOUT: u32 = 43_200;
pub const MAX_DELAY_SECONDS: u32 = 900;
pub const MAX_WAIT_TIME_SECONDS: u32 = 20;
/// 1 MiB, AWS's limit since August 2025 and the default `MaximumMessageSize`.
pub const MAX_MESSAGE_SIZE: u32 = 1_048_576;

/// The settable attributes of one queue. Serde gives durable storage its form (missing
/// fields take their defaults, so attributes added later read older files).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct QueueAttributes {
    pub delay_seconds: u32,
    pub maximum_message_size: u32,
    pub message_retention_period: u32,
    pub receive_message_wait_time_seconds: u32,
    pub visibility_timeout: u32,
    pub policy: Option<String>,
    pub redrive_policy: Option<RedrivePolicy>,
    pub redrive_allow_policy: Option<RedriveAllowPolicy>,
    pub kms_master_key_id: Option<String>,
    pub kms_data_key_reuse_period_seconds: u32,
    pub sqs_managed_sse_enabled: bool,
    pub fifo_queue: bool,
    pub content_based_deduplication: bool,
    /// `DeduplicationScope=messageGroup`: deduplication ids are per group.
    pub dedup_per_group: bool,
    /// `FifoThroughputLimit=perMessageGroupId` (stored and reported; Sluice has no quotas).
    pub throughput_per_group: bool,
}

impl Default for QueueAttributes {
    fn default() -> Self {
        QueueAttributes {
            delay_seconds: 0,
            maximum_message_size: MAX_MESSAGE_SIZE,
            message_retention_period: 345_600,
            receive_message_wait_time_seconds: 0,
            visibility_timeout: 30,
            policy: None,
            redrive_policy: None,
            redrive_allow_policy: None,
            kms_master_key_id: None,
            kms_data_key_reuse_period_seconds: 300,
            sqs_managed_sse_enabled: true,
            fifo_queue: false,
            content_based_deduplication: false,
            dedup_per_group: false,
            throughput_per_group: false,
        }
    }
}

/// AWS accepts plain decimal digits only: no sign, spaces or fraction.
fn int_in(name: &str, value: &str, min: u32, max: u32) -> Result<u32, SqsError> {
    Some(value)
        .filter(|v| !v.is_empty() && v.len() <= 10 && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|v| (min..=max).contains(v))
        .ok_or_else(|| SqsError::invalid_attribute(name))
}

fn boolean(name: &str, value: &str) -> Result<bool, SqsError> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(SqsError::invalid_attribute(name)),
    }
}

impl QueueAttributes {
    /// Applies one `name = value` pair. `fifo` says whether the queue is (or is being created
    /// as) a FIFO queue, which decides whether FIFO-only names exist.
    pub fn set(&mut self, name: &str, value: &str, fifo: bool) -> Result<(), SqsError> {
        match name {
            "DelaySeconds" => self.delay_seconds = int_in(name, value, 0, MAX_DELAY_SECONDS)?,
            "MaximumMessageSize" => {
                self.maximum_message_size = int_in(name, value, 1_024, MAX_MESSAGE_SIZE)?
            }
            "MessageRetentionPeriod" => {
                self.message_retention_period = int_in(name, value, 60, 1_209_600)?
            }
            "ReceiveMessageWaitTimeSeconds" => {
                self.receive_message_wait_time_seconds =
                    int_in(name, value, 0, MAX_WAIT_TIME_SECONDS)?
            }
            "VisibilityTimeout" => {
                self.visibility_timeout = int_in(name, value, 0, MAX_VISIBILITY_TIMEOUT)?
            }
            // The service checks that a policy is a JSON object before it gets here.
            "Policy" => self.policy = (!value.is_empty()).then(|| value.to_owned()),
            // JSON documents checked against other queues: the service parses these and
            // assigns the typed fields directly.
            "RedrivePolicy" | "RedriveAllowPolicy" => {
                return Err(SqsError::InvalidAttributeName(name.to_owned()))
            }
            "KmsMasterKeyId" => {
                self.kms_master_key_id = (!value.is_empty()).then(|| value.to_owned());
                if self.kms_master_key_id.is_some() {
                    self.sqs_managed_sse_enabled = false;
                }
            }
            "KmsDataKeyReusePeriodSeconds" => {
                self.kms_data_key_reuse_period_seconds = int_in(name, value, 60, 86_400)?
            }
            "SqsManagedSseEnabled" => {
                self.sqs_managed_sse_enabled = boolean(name, value)?;
                if self.sqs_managed_sse_enabled {
                    self.kms_master_key_id = None;
                }
            }
            // Only CreateQueue names it on a FIFO queue, as "true"; SetQueueAttributes refuses
            // it before it gets here.
            "FifoQueue" if fifo => {
                if !boolean(name, value)? {
                    return Err(SqsError::invalid_attribute(name));
                }
            }
            "ContentBasedDeduplication" if fifo => {
                self.content_based_deduplication = boolean(name, value)?
            }
            "DeduplicationScope" if fifo => {
                self.dedup_per_group = match value {
                    "messageGroup" => true,
                    "queue" => false,
                    _ => return Err(SqsError::invalid_attribute(name)),
                }
            }
            "FifoThroughputLimit" if fifo => {
                self.throughput_per_group = match value {
                    "perMessageGroupId" => true,
                    "perQueue" => false,
                    _ => return Err(SqsError::invalid_attribute(name)),
                }
            }
            "DeduplicationScope" => return Err(SqsError::FifoOnlyAttribute("DeduplicationScope")),
            "FifoThroughputLimit" => {
                return Err(SqsError::FifoOnlyAttribute("FifoThroughputLimit"))
            }
            _ => return Err(SqsError::InvalidAttributeName(name.to_owned())),
        }
        Ok(())
    }

    /// The wire value of a settable attribute as GetQueueAttributes reports it: `None` when
    /// unset, unknown, or not reported in the queue's current configuration.
    pub fn get(&self, name: &str) -> Option<String> {
        let reported = match name {
            "KmsDataKeyReusePeriodSeconds" => self.kms_master_key_id.is_some(),
            "FifoQueue"
            | "ContentBasedDeduplication"
            | "DeduplicationScope"
            | "FifoThroughputLimit" => self.fifo_queue,
            _ => true,
        };
        self.setting(name).filter(|_| reported)
    }

    /// The stored value of a settable attribute, whether or not it is reported; what
    /// CreateQueue compares to decide whether a repeated create is idempotent.
    pub fn setting(&self, name: &str) -> Option<String> {
        Some(match name {
            "DelaySeconds" => self.delay_seconds.to_string(),
            "MaximumMessageSize" => self.maximum_message_size.to_string(),
            "MessageRetentionPeriod" => self.message_retention_period.to_string(),
            "ReceiveMessageWaitTimeSeconds" => self.receive_message_wait_time_seconds.to_string(),
            "VisibilityTimeout" => self.visibility_timeout.to_string(),
            "Policy" => self.policy.clone()?,
            "RedrivePolicy" => self.redrive_policy.as_ref()?.render(),
            "RedriveAllowPolicy" => self.redrive_allow_policy.as_ref()?.render(),
            "KmsMasterKeyId" => self.kms_master_key_id.clone()?,
            "KmsDataKeyReusePeriodSeconds" => self.kms_data_key_reuse_period_seconds.to_string(),
            "SqsManagedSseEnabled" => self.sqs_managed_sse_enabled.to_string(),
            "FifoQueue" => self.fifo_queue.to_string(),
            "ContentBasedDeduplication" => self.content_based_deduplication.to_string(),
            "DeduplicationScope" => if self.dedup_per_group {
                "messageGroup"
            } else {
                "queue"
            }
            .to_owned(),
            "FifoThroughputLimit" => if self.throughput_per_group {
                "perMessageGroupId"
            } else {
                "perQueue"
            }
            .to_owned(),
            _ => return None,
        })
    }

    /// Every settable attribute name, in the order `All` lists them.
    pub const NAMES: &'static [&'static str] = &[
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
        "ContentBasedDeduplication",
        "DeduplicationScope",
        "FifoThroughputLimit",
    ];

    /// Whether `name` is an attribute a queue can be asked for (settable or read-only).
    pub fn is_known(name: &str) -> bool {
        Self::NAMES.contains(&name) || READ_ONLY.contains(&name) || name == "All"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_aws() {
        let a = QueueAttributes::default();
        assert_eq!(a.get("VisibilityTimeout").as_deref(), Some("30"));
        assert_eq!(a.get("MaximumMessageSize").as_deref(), Some("1048576"));
        assert_eq!(a.get("MessageRetentionPeriod").as_deref(), Some("345600"));
        assert_eq!(a.get("DelaySeconds").as_deref(), Some("0"));
        assert_eq!(a.get("ReceiveMessageWaitTimeSeconds").as_deref(), Some("0"));
        assert_eq!(a.get("SqsManagedSseEnabled").as_deref(), Some("true"));
        assert_eq!(a.get("Policy"), None);
        assert_eq!(a.get("FifoQueue"), None);
    }

    #[test]
    fn ranges_are_enforced_at_both_ends() {
        let cases = [
            ("DelaySeconds", "0", "900", "901"),
            ("MaximumMessageSize", "1024", "1048576", "1023"),
            ("MessageRetentionPeriod", "60", "1209600", "59"),
            ("ReceiveMessageWaitTimeSeconds", "0", "20", "21"),
            ("VisibilityTimeout", "0", "43200", "43201"),
        ];
        for (name, low, high, bad) in cases {
            let mut a = QueueAttributes::default();
            a.set(name, low, false).expect(name);
            a.set(name, high, false).expect(name);
            assert_eq!(a.get(name).as_deref(), Some(high));
            assert_eq!(
                a.set(name, bad, false),
                Err(SqsError::invalid_attribute(name)),
                "{name}={bad}"
            );
            for malformed in ["-1", "abc", " 6", "+6", "6.0", "", "99999999999999999999"] {
                assert!(
                    a.set(name, malformed, false).is_err(),
                    "{name}={malformed:?}"
                );
            }
        }
    }

    #[test]
    fn unknown_and_fifo_only_names_on_standard_queues() {
        let mut a = QueueAttributes::default();
        assert_eq!(
            a.set("Colour", "blue", false),
            Err(SqsError::InvalidAttributeName("Colour".into()))
        );
        assert_eq!(
            a.set("ContentBasedDeduplication", "true", false),
            Err(SqsError::InvalidAttributeName(
                "ContentBasedDeduplication".into()
            ))
        );
        for name in ["DeduplicationScope", "FifoThroughputLimit"] {
            let err = a.set(name, "perQueue", false).expect_err("FIFO only");
            assert_eq!(
                err.to_string(),
                format!("You can specify the {name} only when FifoQueue is set to true.")
            );
        }
        a.set("Policy", r#"{"Version":"2012-10-17"}"#, false)
            .expect("policy");
        a.set("Policy", "", false).expect("clears");
        assert_eq!(a.get("Policy"), None);
    }

    #[test]
    fn kms_and_managed_sse_exclude_each_other() {
        let mut a = QueueAttributes::default();
        a.set("KmsMasterKeyId", "alias/aws/sqs", false)
            .expect("kms");
        assert_eq!(a.get("SqsManagedSseEnabled").as_deref(), Some("false"));
        assert_eq!(
            a.get("KmsDataKeyReusePeriodSeconds").as_deref(),
            Some("300")
        );
        a.set("KmsDataKeyReusePeriodSeconds", "600", false)
            .expect("reuse");
        a.set("SqsManagedSseEnabled", "true", false).expect("sse");
        assert_eq!(a.get("KmsMasterKeyId"), None);
        // Not reported without a KMS key, but still compared by CreateQueue.
        assert_eq!(a.get("KmsDataKeyReusePeriodSeconds"), None);
        assert_eq!(
            a.setting("KmsDataKeyReusePeriodSeconds").as_deref(),
            Some("600")
        );
    }
}
