//! Account-level and ARN-addressed operations: Update/DescribeAccountSettings, warm
//! throughput of on-demand streams, resource policies and TagResource / UntagResource /
//! ListTagsForResource on streams and consumers.

use std::collections::BTreeMap;
use std::sync::Arc;

use sluice_core::{AccountId, Region, Timestamp};

use super::account::{Commitment, CommitmentStatus, COMMITMENT_MIN_MS, MAX_WARM_THROUGHPUT_MIBPS};
use super::consumer::ConsumerRef;
use super::error::KinesisError;
use super::journal::{AccountRecord, Change};
use super::names::StreamKey;
use super::registry::{lock, Registry};
use super::stream::{StreamMode, WarmThroughput};
use super::values::validate_tags;

/// A resource an ARN names.
enum Resource {
    Stream(StreamKey),
    Consumer(String),
}

fn resource_of(arn: &str) -> Result<Resource, KinesisError> {
    if arn.contains("/consumer/") {
        Ok(Resource::Consumer(arn.to_owned()))
    } else {
        StreamKey::from_arn(arn).map(Resource::Stream)
    }
}

impl Registry {
    /// UpdateAccountSettings: enabling starts a commitment now; disabling before the
    /// earliest allowed end leaves it ENABLED_UNTIL_EARLIEST_ALLOWED_END.
    pub fn update_account_settings(
        &self,
        account: &AccountId,
        region: &Region,
        enable: bool,
        now: Timestamp,
    ) -> Commitment {
        let mut accounts = lock(&self.accounts);
        let settings = accounts
            .entry((account.clone(), region.clone()))
            .or_default();
        let current = settings.commitment(now);
        let next = match (enable, current.status) {
            (true, CommitmentStatus::Enabled) => current,
            (true, _) => Commitment {
                status: CommitmentStatus::Enabled,
                started_at: Some(now),
                ended_at: None,
                earliest_allowed_end_at: Some(now.plus_millis(COMMITMENT_MIN_MS)),
            },
            (false, CommitmentStatus::Disabled) => current,
            (false, _) => {
                let end = current.earliest_allowed_end_at.unwrap_or(now).max(now);
                Commitment {
                    status: if end > now {
                        CommitmentStatus::EnabledUntilEarliestAllowedEnd
                    } else {
                        CommitmentStatus::Disabled
                    },
                    ended_at: Some(end),
                    ..current
                }
            }
        };
        settings.commitment = Some(next);
        self.journal().record(|| {
            Change::AccountSaved(Arc::new(AccountRecord {
                account: account.as_str().to_owned(),
                region: region.as_str().to_owned(),
                status: Some(next.status.as_str().to_owned()),
                started_at: next.started_at.map(|t| t.0),
                ended_at: next.ended_at.map(|t| t.0),
                earliest_allowed_end_at: next.earliest_allowed_end_at.map(|t| t.0),
            }))
        });
        next
    }

    /// Puts stored account settings back (restore).
    pub fn restore_account(&self, record: &AccountRecord) -> Result<(), String> {
        let account = AccountId::parse(&record.account).ok_or("bad account id")?;
        let region = Region::parse(&record.region).ok_or("bad region")?;
        let commitment = match &record.status {
            None => None,
            Some(text) => Some(Commitment {
                status: [
                    CommitmentStatus::Enabled,
                    CommitmentStatus::Disabled,
                    CommitmentStatus::EnabledUntilEarliestAllowedEnd,
                ]
                .into_iter()
                .find(|s| s.as_str() == text)
                .ok_or_else(|| format!("unknown commitment status {text}"))?,
                started_at: record.started_at.map(Timestamp),
                ended_at: record.ended_at.map(Timestamp),
                earliest_allowed_end_at: record.earliest_allowed_end_at.map(Timestamp),
            }),
        };
        lock(&self.accounts)
            .entry((account, region))
            .or_default()
            .commitment = commitment;
        Ok(())
    }

    /// DescribeAccountSettings.
    pub fn describe_account_settings(
        &self,
        account: &AccountId,
        region: &Region,
        now: Timestamp,
    ) -> Commitment {
        lock(&self.accounts)
            .get(&(account.clone(), region.clone()))
            .cloned()
            .unwrap_or_default()
            .commitment(now)
    }

    /// UpdateStreamWarmThroughput: on-demand streams of accounts with a commitment only.
    pub fn update_stream_warm_throughput(
        &self,
        key: &StreamKey,
        mibps: u32,
        now: Timestamp,
    ) -> Result<WarmThroughput, KinesisError> {
        let committed = lock(&self.accounts)
            .get(&(key.account.clone(), key.region.clone()))
            .is_some_and(|a| a.enabled(now));
        let delay = self.config.update_delay_ms;
        self.change_stream(key, now, |s| {
            s.require_active()?;
            if s.mode != StreamMode::OnDemand {
                return Err(KinesisError::InvalidArgument(format!(
                    "Warm throughput is only supported for ON_DEMAND streams; stream {} is {}.",
                    key.name,
                    s.mode.as_str()
                )));
            }
            if !committed {
                return Err(KinesisError::InvalidArgument(
                "Warm throughput requires MinimumThroughputBillingCommitment to be enabled for \
                 the account."
                    .into(),
            ));
            }
            if mibps > MAX_WARM_THROUGHPUT_MIBPS {
                return Err(KinesisError::InvalidArgument(format!(
                    "Warm throughput of {mibps} MiBps exceeds the maximum of \
                 {MAX_WARM_THROUGHPUT_MIBPS} MiBps."
                )));
            }
            let current = s.warm_throughput.map_or(0, |w| w.current_mibps);
            s.warm_throughput = Some(WarmThroughput {
                target_mibps: mibps,
                current_mibps: current,
            });
            s.begin_update(now, delay);
            Ok(s.warm_throughput.unwrap_or_default())
        })
    }

    /// Runs `f` on the policy slot and tags of the stream or consumer `arn` names.
    fn with_resource<T>(
        &self,
        arn: &str,
        now: Timestamp,
        change: bool,
        f: impl FnOnce(&mut Option<String>, &mut BTreeMap<String, String>) -> Result<T, KinesisError>,
    ) -> Result<T, KinesisError> {
        match resource_of(arn)? {
            Resource::Stream(key) => {
                let f = |s: &mut super::stream::Stream| f(&mut s.policy, &mut s.tags);
                if change {
                    self.change_stream(&key, now, f)
                } else {
                    self.with_stream(&key, now, f)
                }
            }
            Resource::Consumer(arn) => {
                self.with_consumer(ConsumerRef::Arn(&arn), now, change, |s, i| {
                    let key = s.key.clone();
                    let c = s.consumers.get_mut(i).ok_or_else(|| {
                        KinesisError::ResourceNotFound(format!(
                            "Consumer {arn} under stream {} not found.",
                            key.arn()
                        ))
                    })?;
                    f(&mut c.policy, &mut c.tags)
                })
            }
        }
    }

    /// PutResourcePolicy on a stream or consumer ARN.
    pub fn put_resource_policy(
        &self,
        arn: &str,
        policy: &str,
        now: Timestamp,
    ) -> Result<(), KinesisError> {
        if policy.trim().is_empty() {
            return Err(KinesisError::InvalidArgument(
                "Policy must not be empty.".into(),
            ));
        }
        self.with_resource(arn, now, true, |slot, _| {
            *slot = Some(policy.to_owned());
            Ok(())
        })
    }

    /// GetResourcePolicy: the stored policy, `None` when there is none.
    pub fn get_resource_policy(
        &self,
        arn: &str,
        now: Timestamp,
    ) -> Result<Option<String>, KinesisError> {
        self.with_resource(arn, now, false, |slot, _| Ok(slot.clone()))
    }

    /// DeleteResourcePolicy; ResourceNotFound when the resource has none.
    pub fn delete_resource_policy(&self, arn: &str, now: Timestamp) -> Result<(), KinesisError> {
        self.with_resource(arn, now, true, |slot, _| {
            slot.take().map(|_| ()).ok_or_else(|| {
                KinesisError::ResourceNotFound(format!("No resource policy found for {arn}."))
            })
        })
    }

    /// TagResource on a stream or consumer ARN.
    pub fn tag_resource(
        &self,
        arn: &str,
        tags: BTreeMap<String, String>,
        now: Timestamp,
    ) -> Result<(), KinesisError> {
        self.with_resource(arn, now, true, |_, existing| {
            validate_tags(&tags, existing)?;
            existing.extend(tags);
            Ok(())
        })
    }

    /// UntagResource on a stream or consumer ARN.
    pub fn untag_resource(
        &self,
        arn: &str,
        keys: &[String],
        now: Timestamp,
    ) -> Result<(), KinesisError> {
        self.with_resource(arn, now, true, |_, existing| {
            for k in keys {
                existing.remove(k);
            }
            Ok(())
        })
    }

    /// ListTagsForResource on a stream or consumer ARN, in key order.
    pub fn list_tags_for_resource(
        &self,
        arn: &str,
        now: Timestamp,
    ) -> Result<Vec<(String, String)>, KinesisError> {
        self.with_resource(arn, now, false, |_, existing| {
            Ok(existing
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect())
        })
    }
}
