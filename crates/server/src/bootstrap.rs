//! Declarative bootstrap: the TOML file's `[server]` settings and the queues, topics and
//! subscriptions it declares, created at startup through the same operations clients call
//! (so every AWS rule applies), in dependency order: queues, then their dead-letter wiring,
//! then topics, then subscriptions. Unknown keys are rejected; errors name the entry.

use std::collections::BTreeMap;

use serde::Deserialize;
use sluice_core::{AccountId, Arn, Region, RequestContext};
use sluice_sns::api::input::{CreateTopicInput, SubscribeInput, Tag};
use sluice_sqs::api::input::{CreateQueueInput, SetQueueAttributesInput};

use crate::config::RawSettings;
use crate::state::AppState;

/// A whole config file.
#[derive(Debug, Default)]
pub struct ConfigFile {
    pub server: Option<RawSettings>,
    pub resources: Bootstrap,
}

/// Resources to create at startup.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bootstrap {
    #[serde(default)]
    sqs: SqsSection,
    #[serde(default)]
    sns: SnsSection,
    #[serde(default)]
    kinesis: KinesisSection,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLayout {
    server: Option<RawSettings>,
    #[serde(default)]
    sqs: SqsSection,
    #[serde(default)]
    sns: SnsSection,
    #[serde(default)]
    kinesis: KinesisSection,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct KinesisSection {
    #[serde(default)]
    streams: Vec<StreamSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct StreamSpec {
    name: String,
    /// Shards of a provisioned stream (default 1).
    shards: Option<i64>,
    /// `PROVISIONED` (default) or `ON_DEMAND`.
    mode: Option<String>,
    retention_hours: Option<i64>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
    /// Enhanced fan-out consumers to register.
    #[serde(default)]
    consumers: Vec<String>,
    region: Option<String>,
    account_id: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SqsSection {
    #[serde(default)]
    queues: Vec<QueueSpec>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SnsSection {
    #[serde(default)]
    topics: Vec<TopicSpec>,
    #[serde(default)]
    subscriptions: Vec<SubscriptionSpec>,
}

/// Where a resource lives when the entry does not say.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Placement {
    region: Option<String>,
    account_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct QueueSpec {
    name: String,
    #[serde(default)]
    fifo: bool,
    #[serde(default)]
    attributes: BTreeMap<String, toml::Value>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
    dead_letter: Option<DeadLetterSpec>,
    region: Option<String>,
    account_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeadLetterSpec {
    /// Name of a queue declared in the same account and region, or a queue ARN.
    queue: String,
    max_receive_count: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicSpec {
    name: String,
    #[serde(default)]
    fifo: bool,
    #[serde(default)]
    attributes: BTreeMap<String, toml::Value>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
    region: Option<String>,
    account_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubscriptionSpec {
    /// Topic name (in the entry's account and region) or ARN.
    topic: String,
    protocol: String,
    /// For `sqs`, a queue name, URL or ARN; otherwise as Subscribe takes it.
    endpoint: String,
    #[serde(default)]
    raw: bool,
    /// The filter policy as a TOML table (written out as JSON).
    filter_policy: Option<toml::Value>,
    filter_policy_scope: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, toml::Value>,
    region: Option<String>,
    account_id: Option<String>,
}

impl ConfigFile {
    /// Parses a config file; the error names the offending key and its line.
    pub fn parse(text: &str) -> Result<ConfigFile, String> {
        let layout: FileLayout = toml::from_str(text).map_err(|e| e.to_string())?;
        Ok(ConfigFile {
            server: layout.server,
            resources: Bootstrap {
                sqs: layout.sqs,
                sns: layout.sns,
                kinesis: layout.kinesis,
            },
        })
    }
}

/// An entry's `attributes` table as the name/value strings the API takes.
fn attribute_pairs(attributes: &BTreeMap<String, toml::Value>) -> Vec<(String, String)> {
    attributes
        .iter()
        .map(|(k, v)| (k.clone(), attribute_text(v)))
        .collect()
}

/// A TOML scalar as the string AWS attributes are; tables and arrays as JSON.
fn attribute_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        other => to_json(other).to_string(),
    }
}

fn to_json(value: &toml::Value) -> serde_json::Value {
    match value {
        toml::Value::String(s) => serde_json::Value::String(s.clone()),
        toml::Value::Integer(i) => serde_json::Value::from(*i),
        toml::Value::Float(f) => serde_json::Value::from(*f),
        toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        toml::Value::Array(items) => items.iter().map(to_json).collect(),
        toml::Value::Table(table) => table
            .iter()
            .map(|(k, v)| (k.clone(), to_json(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

impl Bootstrap {
    pub fn is_empty(&self) -> bool {
        self.sqs.queues.is_empty()
            && self.sns.topics.is_empty()
            && self.sns.subscriptions.is_empty()
    }

    /// Creates everything, in dependency order; the first failure names its entry.
    pub async fn apply(&self, app: &AppState) -> Result<(), String> {
        for (i, q) in self.sqs.queues.iter().enumerate() {
            let place = Placement {
                region: q.region.clone(),
                account_id: q.account_id.clone(),
            };
            let ctx =
                context(app, &place).map_err(|e| format!("sqs.queues[{i}] ({}): {e}", q.name))?;
            let mut attributes = attribute_pairs(&q.attributes);
            if q.fifo && !q.attributes.contains_key("FifoQueue") {
                attributes.push(("FifoQueue".into(), "true".into()));
            }
            let input = CreateQueueInput {
                queue_name: Some(q.name.clone()),
                attributes,
                tags: q.tags.clone().into_iter().collect(),
            };
            app.sqs
                .create_queue(&ctx, input)
                .await
                .map_err(|e| format!("sqs.queues[{i}] ({}): {e}", q.name))?;
        }
        for (i, q) in self.sqs.queues.iter().enumerate() {
            let Some(dlq) = &q.dead_letter else { continue };
            let place = Placement {
                region: q.region.clone(),
                account_id: q.account_id.clone(),
            };
            let ctx =
                context(app, &place).map_err(|e| format!("sqs.queues[{i}] ({}): {e}", q.name))?;
            let target = if dlq.queue.starts_with("arn:") {
                dlq.queue.clone()
            } else {
                Arn::format("sqs", ctx.region.as_str(), ctx.account.as_str(), &dlq.queue)
            };
            let policy = serde_json::json!({
                "deadLetterTargetArn": target,
                "maxReceiveCount": dlq.max_receive_count,
            });
            let input = SetQueueAttributesInput {
                queue_url: Some(format!("http://{}/{}/{}", ctx.host, ctx.account, q.name)),
                attributes: vec![("RedrivePolicy".into(), policy.to_string())],
            };
            app.sqs
                .set_queue_attributes(&ctx, input)
                .await
                .map_err(|e| format!("sqs.queues[{i}] ({}).dead_letter: {e}", q.name))?;
        }
        for (i, t) in self.sns.topics.iter().enumerate() {
            let place = Placement {
                region: t.region.clone(),
                account_id: t.account_id.clone(),
            };
            let ctx =
                context(app, &place).map_err(|e| format!("sns.topics[{i}] ({}): {e}", t.name))?;
            let mut attributes = attribute_pairs(&t.attributes);
            if t.fifo && !t.attributes.contains_key("FifoTopic") {
                attributes.push(("FifoTopic".into(), "true".into()));
            }
            let input = CreateTopicInput {
                name: Some(t.name.clone()),
                attributes,
                tags: t
                    .tags
                    .iter()
                    .map(|(k, v)| Tag {
                        key: Some(k.clone()),
                        value: Some(v.clone()),
                    })
                    .collect(),
                data_protection_policy: None,
            };
            app.sns
                .create_topic(&ctx, input)
                .await
                .map_err(|e| format!("sns.topics[{i}] ({}): {e}", t.name))?;
        }
        for (i, s) in self.sns.subscriptions.iter().enumerate() {
            let place = Placement {
                region: s.region.clone(),
                account_id: s.account_id.clone(),
            };
            let what = format!("sns.subscriptions[{i}] ({} -> {})", s.topic, s.endpoint);
            let ctx = context(app, &place).map_err(|e| format!("{what}: {e}"))?;
            let topic_arn = if s.topic.starts_with("arn:") {
                s.topic.clone()
            } else {
                Arn::format("sns", ctx.region.as_str(), ctx.account.as_str(), &s.topic)
            };
            let endpoint = if s.protocol == "sqs" && !s.endpoint.starts_with("arn:") {
                let name = s.endpoint.rsplit('/').next().unwrap_or(&s.endpoint);
                Arn::format("sqs", ctx.region.as_str(), ctx.account.as_str(), name)
            } else {
                s.endpoint.clone()
            };
            let mut attributes = attribute_pairs(&s.attributes);
            if s.raw {
                attributes.push(("RawMessageDelivery".into(), "true".into()));
            }
            if let Some(policy) = &s.filter_policy {
                attributes.push(("FilterPolicy".into(), to_json(policy).to_string()));
            }
            if let Some(scope) = &s.filter_policy_scope {
                attributes.push(("FilterPolicyScope".into(), scope.clone()));
            }
            let input = SubscribeInput {
                topic_arn: Some(topic_arn),
                protocol: Some(s.protocol.clone()),
                endpoint: Some(endpoint),
                attributes,
                return_subscription_arn: Some(true),
            };
            app.sns
                .subscribe(&ctx, input)
                .await
                .map_err(|e| format!("{what}: {e}"))?;
        }
        self.apply_streams(app).await
    }

    /// Streams are ACTIVE before serving: the CREATING delay is for streams clients create.
    async fn apply_streams(&self, app: &AppState) -> Result<(), String> {
        use sluice_kinesis::api::input::{
            ConsumerInput, CreateStreamInput, RetentionInput, StreamModeDetails,
        };
        for (i, spec) in self.kinesis.streams.iter().enumerate() {
            let what = format!("kinesis.streams[{i}] ({})", spec.name);
            let (account, region) = placement(
                app,
                &Placement {
                    region: spec.region.clone(),
                    account_id: spec.account_id.clone(),
                },
            )
            .map_err(|e| format!("{what}: {e}"))?;
            let ctx = RequestContext::internal(account, region, public_host(app), app.clock.now());
            let on_demand = spec.mode.as_deref() == Some("ON_DEMAND");
            let input = CreateStreamInput {
                stream_name: Some(spec.name.clone()),
                shard_count: if on_demand {
                    None
                } else {
                    Some(spec.shards.unwrap_or(1))
                },
                stream_mode_details: spec.mode.clone().map(|m| StreamModeDetails {
                    stream_mode: Some(m),
                }),
                tags: spec.tags.clone(),
                ..CreateStreamInput::default()
            };
            app.kinesis
                .create_stream_active(&ctx, input)
                .await
                .map_err(|e| format!("{what}: {}", e.message()))?;
            if let Some(hours) = spec.retention_hours.filter(|h| *h != 24) {
                let input = RetentionInput {
                    stream_name: Some(spec.name.clone()),
                    stream_arn: None,
                    retention_period_hours: Some(hours),
                };
                let result = if hours > 24 {
                    app.kinesis
                        .increase_stream_retention_period(&ctx, input)
                        .await
                } else {
                    app.kinesis
                        .decrease_stream_retention_period(&ctx, input)
                        .await
                };
                result.map_err(|e| format!("{what}.retention_hours: {}", e.message()))?;
            }
            for consumer in &spec.consumers {
                let input = ConsumerInput {
                    stream_arn: Some(format!(
                        "arn:aws:kinesis:{}:{}:stream/{}",
                        ctx.region, ctx.account, spec.name
                    )),
                    consumer_name: Some(consumer.clone()),
                    ..ConsumerInput::default()
                };
                app.kinesis
                    .register_stream_consumer_active(&ctx, input)
                    .await
                    .map_err(|e| format!("{what}.consumers ({consumer}): {}", e.message()))?;
            }
        }
        Ok(())
    }
}

fn placement(app: &AppState, place: &Placement) -> Result<(AccountId, Region), String> {
    let account = match &place.account_id {
        Some(a) => {
            AccountId::parse(a).ok_or_else(|| format!("account_id {a:?} must be 12 digits"))?
        }
        None => app.settings.account_id.clone(),
    };
    let region = match &place.region {
        Some(r) => Region::parse(r).ok_or_else(|| format!("region {r:?} is not a region name"))?,
        None => app.settings.region.clone(),
    };
    Ok((account, region))
}

fn public_host(app: &AppState) -> String {
    app.settings
        .hostname
        .clone()
        .unwrap_or_else(|| format!("{}:{}", app.settings.host, app.settings.port))
}

/// The context bootstrap calls run in: the placement's account and region, the public host.
fn context(app: &AppState, place: &Placement) -> Result<RequestContext, String> {
    let (account, region) = placement(app, place)?;
    Ok(RequestContext::internal(
        account,
        region,
        public_host(app),
        app.clock.now(),
    ))
}
