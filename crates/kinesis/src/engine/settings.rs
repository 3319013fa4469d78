//! Stream settings: tags (by stream), retention period, server-side encryption, enhanced
//! monitoring, capacity mode and maximum record size. Each is stored and echoed back; the
//! ones AWS applies asynchronously put the stream in UPDATING for the update delay.

use std::collections::BTreeMap;

use sluice_core::Timestamp;

use super::error::KinesisError;
use super::names::StreamKey;
use super::registry::Registry;
use super::stream::{ShardMetric, StreamMode, StreamStatus};
use super::values::{
    check_tag_characters, validate_max_record_size, validate_tags, EncryptionType,
    MAX_RETENTION_HOURS, MIN_RETENTION_HOURS,
};

/// Shard-level metrics before and after an Enable/DisableEnhancedMonitoring call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitoringChange {
    pub stream_name: String,
    pub stream_arn: String,
    pub current: Vec<ShardMetric>,
    pub desired: Vec<ShardMetric>,
}

impl Registry {
    /// AddTagsToStream: adds or overwrites tags.
    pub fn add_tags_to_stream(
        &self,
        key: &StreamKey,
        tags: BTreeMap<String, String>,
        now: Timestamp,
    ) -> Result<(), KinesisError> {
        self.change_stream(key, now, |s| {
            check_tag_characters(tags.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]))?;
            validate_tags(&tags, &s.tags)?;
            s.tags.extend(tags);
            Ok(())
        })
    }

    /// RemoveTagsFromStream: keys not present are ignored.
    pub fn remove_tags_from_stream(
        &self,
        key: &StreamKey,
        keys: &[String],
        now: Timestamp,
    ) -> Result<(), KinesisError> {
        self.change_stream(key, now, |s| {
            check_tag_characters(keys.iter().map(String::as_str))?;
            for k in keys {
                s.tags.remove(k);
            }
            Ok(())
        })
    }

    /// ListTagsForStream: tags in key order after `exclusive_start_tag_key`, `limit`
    /// (1..=50, default 50) at a time; returns the tags and `HasMoreTags`.
    pub fn list_tags_for_stream(
        &self,
        key: &StreamKey,
        exclusive_start_tag_key: Option<&str>,
        limit: Option<u32>,
        now: Timestamp,
    ) -> Result<(Vec<(String, String)>, bool), KinesisError> {
        let limit = super::registry::check_limit("limit", limit, 50, 50)?;
        self.with_stream(key, now, |s| {
            let mut tags = s
                .tags
                .iter()
                .filter(|(k, _)| exclusive_start_tag_key.is_none_or(|start| k.as_str() > start));
            let page: Vec<(String, String)> = tags
                .by_ref()
                .take(limit)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            Ok((page, tags.next().is_some()))
        })
    }

    /// IncreaseStreamRetentionPeriod. The same value as now is accepted as a no-op.
    pub fn increase_stream_retention_period(
        &self,
        key: &StreamKey,
        hours: u32,
        now: Timestamp,
    ) -> Result<(), KinesisError> {
        self.change_stream(key, now, |s| {
            s.require_active()?;
            if hours > MAX_RETENTION_HOURS {
                return Err(KinesisError::InvalidArgument(format!(
                    "Maximum allowed retention period is {MAX_RETENTION_HOURS} hours. Requested \
                 retention period ({hours} hours) is too long."
                )));
            }
            if hours < s.retention_hours {
                return Err(KinesisError::InvalidArgument(format!(
                    "Requested retention period ({hours} hours) for stream {} can not be shorter \
                 than existing retention period ({} hours). Use DecreaseRetentionPeriod API.",
                    key.name, s.retention_hours
                )));
            }
            s.retention_hours = hours;
            Ok(())
        })
    }

    /// DecreaseStreamRetentionPeriod. Records older than the new period become invisible.
    pub fn decrease_stream_retention_period(
        &self,
        key: &StreamKey,
        hours: u32,
        now: Timestamp,
    ) -> Result<(), KinesisError> {
        self.change_stream(key, now, |s| {
            s.require_active()?;
            if hours < MIN_RETENTION_HOURS {
                return Err(KinesisError::InvalidArgument(format!(
                    "Minimum allowed retention period is {MIN_RETENTION_HOURS} hours. Requested \
                 retention period ({hours} hours) is too short."
                )));
            }
            if hours > s.retention_hours {
                return Err(KinesisError::InvalidArgument(format!(
                    "Requested retention period ({hours} hours) for stream {} can not be longer \
                 than existing retention period ({} hours). Use IncreaseRetentionPeriod API.",
                    key.name, s.retention_hours
                )));
            }
            s.retention_hours = hours;
            s.settle(now);
            Ok(())
        })
    }

    /// StartStreamEncryption (only `KMS` is accepted) and StopStreamEncryption
    /// (`enable == false`, which requires the current key).
    pub fn set_stream_encryption(
        &self,
        key: &StreamKey,
        enable: bool,
        encryption_type: EncryptionType,
        key_id: &str,
        now: Timestamp,
    ) -> Result<(), KinesisError> {
        if encryption_type != EncryptionType::Kms {
            return Err(KinesisError::InvalidArgument(format!(
                "Encryption type {} is not supported. Use KMS.",
                encryption_type.as_str()
            )));
        }
        if key_id.is_empty() || key_id.chars().count() > 2048 {
            return Err(KinesisError::validation(
                "keyId",
                key_id,
                "Member must have length between 1 and 2048",
            ));
        }
        let delay = self.config.update_delay_ms;
        self.change_stream(key, now, |s| {
            s.require_active()?;
            if enable {
                s.encryption = EncryptionType::Kms;
                s.key_id = Some(key_id.to_owned());
            } else {
                s.encryption = EncryptionType::None;
                s.key_id = None;
            }
            s.begin_update(now, delay);
            Ok(())
        })
    }

    /// EnableEnhancedMonitoring (`enable`) or DisableEnhancedMonitoring of `metrics`
    /// (`MetricsName` strings; `ALL` expands).
    pub fn set_enhanced_monitoring(
        &self,
        key: &StreamKey,
        enable: bool,
        metrics: &[String],
        now: Timestamp,
    ) -> Result<MonitoringChange, KinesisError> {
        if metrics.is_empty() || metrics.len() > 7 {
            return Err(KinesisError::validation(
                "shardLevelMetrics",
                &format!("{metrics:?}"),
                "Member must have length between 1 and 7",
            ));
        }
        let mut parsed = Vec::new();
        for m in metrics {
            parsed.extend(ShardMetric::parse(m).ok_or_else(|| {
                KinesisError::InvalidArgument(format!("Invalid shard level metric {m}."))
            })?);
        }
        self.change_stream(key, now, |s| {
            s.require_active()?;
            let current = s.metrics.iter().copied().collect();
            for m in parsed {
                if enable {
                    s.metrics.insert(m);
                } else {
                    s.metrics.remove(&m);
                }
            }
            Ok(MonitoringChange {
                stream_name: key.name.clone(),
                stream_arn: key.arn(),
                current,
                desired: s.metrics.iter().copied().collect(),
            })
        })
    }

    /// UpdateStreamMode. Switching to the mode the stream already has changes nothing.
    pub fn update_stream_mode(
        &self,
        key: &StreamKey,
        mode: StreamMode,
        warm_throughput_mibps: Option<u32>,
        now: Timestamp,
    ) -> Result<(), KinesisError> {
        let delay = self.config.update_delay_ms;
        self.change_stream(key, now, |s| {
            s.require_active()?;
            if s.mode == mode {
                return Ok(());
            }
            s.mode = mode;
            if mode == StreamMode::OnDemand {
                if let Some(target) = warm_throughput_mibps {
                    s.warm_throughput = Some(super::stream::WarmThroughput {
                        target_mibps: target,
                        current_mibps: 0,
                    });
                }
            } else {
                s.warm_throughput = None;
            }
            s.begin_update(now, delay);
            Ok(())
        })
    }

    /// UpdateMaxRecordSize, in KiB (1024..=10240).
    pub fn update_max_record_size(
        &self,
        key: &StreamKey,
        kib: u32,
        now: Timestamp,
    ) -> Result<(), KinesisError> {
        validate_max_record_size(kib)?;
        let delay = self.config.update_delay_ms;
        self.change_stream(key, now, |s| {
            s.require_active()?;
            s.max_record_size_kib = kib;
            s.begin_update(now, delay);
            Ok(())
        })
    }

    /// Whether the stream exists and is not being deleted (for callers that only check).
    pub fn stream_exists(&self, key: &StreamKey, now: Timestamp) -> bool {
        self.with_stream(key, now, |s| Ok(s.status != StreamStatus::Deleting))
            .unwrap_or(false)
    }
}
