//! Stream operations: create, delete, describe, list, tags, retention, encryption,
//! monitoring, mode, record size, warm throughput, limits, resource policies and account
//! settings.

use super::{bounded, required, stream_key, KinesisService, RequestContext};
use crate::engine::{CreateStream, EncryptionType, KinesisError, StreamMode};
use crate::model::input::*;
use crate::model::output::*;

fn mode(
    details: Option<crate::model::input::StreamModeDetails>,
) -> Result<Option<StreamMode>, KinesisError> {
    let Some(mode) = details.and_then(|d| d.stream_mode) else {
        return Ok(None);
    };
    StreamMode::parse(&mode).map(Some).ok_or_else(|| {
        KinesisError::validation(
            "streamModeDetails.streamMode",
            &mode,
            "Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]",
        )
    })
}

fn tags_out(tags: Vec<(String, String)>) -> Vec<Tag> {
    tags.into_iter()
        .map(|(key, value)| Tag { key, value })
        .collect()
}

impl KinesisService {
    pub async fn create_stream(
        &self,
        ctx: &RequestContext,
        input: CreateStreamInput,
    ) -> Result<Empty, KinesisError> {
        let name = required(input.stream_name, "streamName")?;
        let key = stream_key(ctx, Some(&name), None)?;
        let params = CreateStream {
            shard_count: bounded("shardCount", input.shard_count, 1, i64::from(i32::MAX))?,
            mode: mode(input.stream_mode_details)?,
            tags: input.tags,
            warm_throughput_mibps: bounded(
                "warmThroughputMiBps",
                input.warm_throughput_mi_bps,
                0,
                i64::from(i32::MAX),
            )?,
            max_record_size_kib: bounded(
                "maxRecordSizeInKiB",
                input.max_record_size_in_kib,
                1024,
                10240,
            )?,
        };
        self.with(|r, now| r.create_stream(&key, params, now))?;
        Ok(Empty {})
    }

    /// CreateStream, with the stream ACTIVE at once (config-file bootstrap).
    pub async fn create_stream_active(
        &self,
        ctx: &RequestContext,
        input: CreateStreamInput,
    ) -> Result<Empty, KinesisError> {
        let key = stream_key(ctx, input.stream_name.as_deref(), None)?;
        self.create_stream(ctx, input).await?;
        self.with(|r, now| r.activate(&key, now));
        Ok(Empty {})
    }

    pub async fn delete_stream(
        &self,
        ctx: &RequestContext,
        input: DeleteStreamInput,
    ) -> Result<Empty, KinesisError> {
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        let enforce = input.enforce_consumer_deletion.unwrap_or(false);
        let now = self.clock.now();
        self.registry.delete_stream(&key, enforce, now)?;
        let delay = self.registry.config().delete_delay_ms;
        if delay > 0 {
            // The stream is gone once DELETING ends; its records' memory goes back then, not
            // at some later request that happens to look it up.
            let (registry, clock) = (self.registry.clone(), self.clock.clone());
            let cancel = self.scheduler.shutdown_token();
            self.scheduler.spawn(async move {
                tokio::select! {
                    () = clock.sleep_until(now.plus_millis(delay)) => {
                        let _ = registry.with_stream(&key, clock.now(), |_| Ok(()));
                    }
                    () = cancel.cancelled() => {}
                }
            });
        }
        Ok(Empty {})
    }

    pub async fn describe_stream(
        &self,
        ctx: &RequestContext,
        input: DescribeStreamInput,
    ) -> Result<DescribeStreamOutput, KinesisError> {
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        let limit = bounded("limit", input.limit, 1, 10_000)?;
        let start = input.exclusive_start_shard_id;
        self.with(|r, now| r.describe_stream(&key, limit, start.as_deref(), now))
            .map(DescribeStreamOutput::from)
    }

    pub async fn describe_stream_summary(
        &self,
        ctx: &RequestContext,
        input: StreamOnlyInput,
    ) -> Result<DescribeStreamSummaryOutput, KinesisError> {
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        self.with(|r, now| r.describe_stream_summary(&key, now))
            .map(DescribeStreamSummaryOutput::from)
    }

    pub async fn list_streams(
        &self,
        ctx: &RequestContext,
        input: ListStreamsInput,
    ) -> Result<ListStreamsOutput, KinesisError> {
        let limit = bounded("limit", input.limit, 1, 10_000)?;
        self.with(|r, now| {
            r.list_streams(
                &ctx.account,
                &ctx.region,
                limit,
                input.exclusive_start_stream_name.as_deref(),
                input.next_token.as_deref(),
                now,
            )
        })
        .map(ListStreamsOutput::from)
    }

    pub async fn add_tags_to_stream(
        &self,
        ctx: &RequestContext,
        input: AddTagsInput,
    ) -> Result<Empty, KinesisError> {
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        self.with(|r, now| r.add_tags_to_stream(&key, input.tags, now))?;
        Ok(Empty {})
    }

    pub async fn remove_tags_from_stream(
        &self,
        ctx: &RequestContext,
        input: RemoveTagsInput,
    ) -> Result<Empty, KinesisError> {
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        self.with(|r, now| r.remove_tags_from_stream(&key, &input.tag_keys, now))?;
        Ok(Empty {})
    }

    pub async fn list_tags_for_stream(
        &self,
        ctx: &RequestContext,
        input: ListTagsForStreamInput,
    ) -> Result<ListTagsForStreamOutput, KinesisError> {
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        let limit = bounded("limit", input.limit, 1, 50)?;
        let (tags, has_more_tags) = self.with(|r, now| {
            r.list_tags_for_stream(&key, input.exclusive_start_tag_key.as_deref(), limit, now)
        })?;
        Ok(ListTagsForStreamOutput {
            tags: tags_out(tags),
            has_more_tags,
        })
    }

    pub async fn tag_resource(
        &self,
        _ctx: &RequestContext,
        input: TagResourceInput,
    ) -> Result<Empty, KinesisError> {
        let arn = required(input.resource_arn, "resourceARN")?;
        self.with(|r, now| r.tag_resource(&arn, input.tags, now))?;
        Ok(Empty {})
    }

    pub async fn untag_resource(
        &self,
        _ctx: &RequestContext,
        input: UntagResourceInput,
    ) -> Result<Empty, KinesisError> {
        let arn = required(input.resource_arn, "resourceARN")?;
        self.with(|r, now| r.untag_resource(&arn, &input.tag_keys, now))?;
        Ok(Empty {})
    }

    pub async fn list_tags_for_resource(
        &self,
        _ctx: &RequestContext,
        input: ResourceInput,
    ) -> Result<ListTagsForResourceOutput, KinesisError> {
        let arn = required(input.resource_arn, "resourceARN")?;
        let tags = self.with(|r, now| r.list_tags_for_resource(&arn, now))?;
        Ok(ListTagsForResourceOutput {
            tags: tags_out(tags),
        })
    }

    pub async fn increase_stream_retention_period(
        &self,
        ctx: &RequestContext,
        input: RetentionInput,
    ) -> Result<Empty, KinesisError> {
        self.change_retention(ctx, input, true)
    }

    pub async fn decrease_stream_retention_period(
        &self,
        ctx: &RequestContext,
        input: RetentionInput,
    ) -> Result<Empty, KinesisError> {
        self.change_retention(ctx, input, false)
    }

    /// The model bounds `RetentionPeriodHours` only by its integer type: hours outside
    /// 24..=8760 get the engine's InvalidArgumentException, as AWS answers.
    fn change_retention(
        &self,
        ctx: &RequestContext,
        input: RetentionInput,
        increase: bool,
    ) -> Result<Empty, KinesisError> {
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        let hours = required(
            bounded(
                "retentionPeriodHours",
                input.retention_period_hours,
                0,
                i64::from(i32::MAX),
            )?,
            "retentionPeriodHours",
        )?;
        self.with(|r, now| {
            if increase {
                r.increase_stream_retention_period(&key, hours, now)
            } else {
                r.decrease_stream_retention_period(&key, hours, now)
            }
        })?;
        Ok(Empty {})
    }

    fn encryption(
        &self,
        ctx: &RequestContext,
        input: EncryptionInput,
        enable: bool,
    ) -> Result<Empty, KinesisError> {
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        let kind = required(input.encryption_type, "encryptionType")?;
        let kind = EncryptionType::parse(&kind).ok_or_else(|| {
            KinesisError::validation(
                "encryptionType",
                &kind,
                "Member must satisfy enum value set: [KMS, NONE]",
            )
        })?;
        let key_id = required(input.key_id, "keyId")?;
        self.with(|r, now| r.set_stream_encryption(&key, enable, kind, &key_id, now))?;
        Ok(Empty {})
    }

    pub async fn start_stream_encryption(
        &self,
        ctx: &RequestContext,
        input: EncryptionInput,
    ) -> Result<Empty, KinesisError> {
        self.encryption(ctx, input, true)
    }

    pub async fn stop_stream_encryption(
        &self,
        ctx: &RequestContext,
        input: EncryptionInput,
    ) -> Result<Empty, KinesisError> {
        self.encryption(ctx, input, false)
    }

    pub async fn enable_enhanced_monitoring(
        &self,
        ctx: &RequestContext,
        input: MonitoringInput,
    ) -> Result<MonitoringOutput, KinesisError> {
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        self.with(|r, now| r.set_enhanced_monitoring(&key, true, &input.shard_level_metrics, now))
            .map(MonitoringOutput::from)
    }

    pub async fn disable_enhanced_monitoring(
        &self,
        ctx: &RequestContext,
        input: MonitoringInput,
    ) -> Result<MonitoringOutput, KinesisError> {
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        self.with(|r, now| r.set_enhanced_monitoring(&key, false, &input.shard_level_metrics, now))
            .map(MonitoringOutput::from)
    }

    pub async fn update_stream_mode(
        &self,
        ctx: &RequestContext,
        input: UpdateStreamModeInput,
    ) -> Result<Empty, KinesisError> {
        let arn = required(input.stream_arn, "streamARN")?;
        let key = stream_key(ctx, None, Some(&arn))?;
        let mode = required(mode(input.stream_mode_details)?, "streamModeDetails")?;
        let warm = bounded(
            "warmThroughputMiBps",
            input.warm_throughput_mi_bps,
            0,
            i64::from(i32::MAX),
        )?;
        self.with(|r, now| r.update_stream_mode(&key, mode, warm, now))?;
        Ok(Empty {})
    }

    pub async fn update_max_record_size(
        &self,
        ctx: &RequestContext,
        input: UpdateMaxRecordSizeInput,
    ) -> Result<Empty, KinesisError> {
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        let kib = required(
            bounded(
                "maxRecordSizeInKiB",
                input.max_record_size_in_kib,
                1024,
                10240,
            )?,
            "maxRecordSizeInKiB",
        )?;
        self.with(|r, now| r.update_max_record_size(&key, kib, now))?;
        Ok(Empty {})
    }

    pub async fn update_stream_warm_throughput(
        &self,
        ctx: &RequestContext,
        input: WarmThroughputInput,
    ) -> Result<WarmThroughputOutput, KinesisError> {
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        let mibps = required(
            bounded(
                "warmThroughputMiBps",
                input.warm_throughput_mi_bps,
                0,
                i64::from(i32::MAX),
            )?,
            "warmThroughputMiBps",
        )?;
        let warm = self.with(|r, now| r.update_stream_warm_throughput(&key, mibps, now))?;
        Ok(WarmThroughputOutput {
            stream_arn: key.arn(),
            stream_name: key.name.clone(),
            warm_throughput: WarmThroughput {
                target_mibps: warm.target_mibps,
                current_mibps: warm.current_mibps,
            },
        })
    }

    pub async fn describe_limits(
        &self,
        ctx: &RequestContext,
        _input: NoInput,
    ) -> Result<DescribeLimitsOutput, KinesisError> {
        let l = self.with(|r, now| r.describe_limits(&ctx.account, &ctx.region, now));
        Ok(DescribeLimitsOutput {
            shard_limit: l.shard_limit,
            open_shard_count: l.open_shard_count,
            on_demand_stream_count: l.on_demand_stream_count,
            on_demand_stream_count_limit: l.on_demand_stream_count_limit,
        })
    }

    pub async fn put_resource_policy(
        &self,
        _ctx: &RequestContext,
        input: PutResourcePolicyInput,
    ) -> Result<Empty, KinesisError> {
        let arn = required(input.resource_arn, "resourceARN")?;
        let policy = required(input.policy, "policy")?;
        self.with(|r, now| r.put_resource_policy(&arn, &policy, now))?;
        Ok(Empty {})
    }

    pub async fn get_resource_policy(
        &self,
        _ctx: &RequestContext,
        input: ResourceInput,
    ) -> Result<PolicyOutput, KinesisError> {
        let arn = required(input.resource_arn, "resourceARN")?;
        let policy = self.with(|r, now| r.get_resource_policy(&arn, now))?;
        Ok(PolicyOutput {
            policy: policy.unwrap_or_else(|| "{}".to_owned()),
        })
    }

    pub async fn delete_resource_policy(
        &self,
        _ctx: &RequestContext,
        input: ResourceInput,
    ) -> Result<Empty, KinesisError> {
        let arn = required(input.resource_arn, "resourceARN")?;
        self.with(|r, now| r.delete_resource_policy(&arn, now))?;
        Ok(Empty {})
    }

    pub async fn describe_account_settings(
        &self,
        ctx: &RequestContext,
        _input: NoInput,
    ) -> Result<AccountSettingsOutput, KinesisError> {
        Ok(self
            .with(|r, now| r.describe_account_settings(&ctx.account, &ctx.region, now))
            .into())
    }

    pub async fn update_account_settings(
        &self,
        ctx: &RequestContext,
        input: AccountSettingsInput,
    ) -> Result<AccountSettingsOutput, KinesisError> {
        let commitment = required(
            input.minimum_throughput_billing_commitment,
            "minimumThroughputBillingCommitment",
        )?;
        let status = commitment
            .get("Status")
            .and_then(|s| s.as_str())
            .unwrap_or_default()
            .to_owned();
        let enable = match status.as_str() {
            "ENABLED" => true,
            "DISABLED" => false,
            other => {
                return Err(KinesisError::validation(
                    "minimumThroughputBillingCommitment.status",
                    other,
                    "Member must satisfy enum value set: [ENABLED, DISABLED]",
                ))
            }
        };
        Ok(self
            .with(|r, now| r.update_account_settings(&ctx.account, &ctx.region, enable, now))
            .into())
    }
}
