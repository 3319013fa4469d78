//! Enhanced fan-out consumer operations: register (name rules, 20 per stream, 5 CREATING at
//! once), describe by stream + name or by consumer ARN, list with pagination, deregister.

use std::collections::BTreeMap;

use sluice_core::Timestamp;

use super::codec::{TokenReader, TokenWriter};
use super::consumer::{Consumer, ConsumerDescription, ConsumerRef, ConsumerStatus, MAX_CONSUMERS};
use super::error::KinesisError;
use super::names::{consumer_arn, parse_consumer_arn, validate_name, StreamKey};
use super::registry::{check_limit, Registry};
use super::stream::Stream;
use super::values::validate_tags;

/// Consumers that may be CREATING at once on a stream.
const MAX_CREATING: usize = 5;
const TOKEN_VERSION: u8 = 2;

fn consumer_not_found(name: &str, stream: &StreamKey) -> KinesisError {
    KinesisError::ConsumerNotFound {
        consumer: name.to_owned(),
        stream_arn: stream.arn(),
    }
}

impl Registry {
    /// Runs `f` on the stream and index of the consumer `r` names, settled to `now`.
    pub(crate) fn with_consumer<R>(
        &self,
        r: ConsumerRef<'_>,
        now: Timestamp,
        change: bool,
        f: impl FnOnce(&mut Stream, usize) -> Result<R, KinesisError>,
    ) -> Result<R, KinesisError> {
        let (key, name, secs) = match r {
            ConsumerRef::Arn(arn) => {
                let (key, name, secs) = parse_consumer_arn(arn)?;
                (key, name, Some(secs))
            }
            ConsumerRef::Name { stream, name } => (stream.clone(), name.to_owned(), None),
        };
        let find = |stream: &mut Stream| {
            let found = stream
                .consumers
                .iter()
                .position(|c| c.name == name && secs.is_none_or(|s| c.arn_secs == s));
            match found {
                Some(i) => f(stream, i),
                None => Err(consumer_not_found(&name, &key)),
            }
        };
        if change {
            self.change_stream(&key, now, find)
        } else {
            self.with_stream(&key, now, find)
        }
    }

    /// RegisterStreamConsumer.
    pub fn register_stream_consumer(
        &self,
        stream: &StreamKey,
        name: &str,
        tags: BTreeMap<String, String>,
        now: Timestamp,
    ) -> Result<ConsumerDescription, KinesisError> {
        validate_name("consumerName", name)?;
        validate_tags(&tags, &BTreeMap::new())?;
        let delay = self.config.consumer_delay_ms;
        self.change_stream(stream, now, |s| {
            s.require_readable()?;
            if s.consumers.iter().any(|c| c.name == name) {
                return Err(KinesisError::ResourceInUse(format!(
                    "Consumer {name} under stream {} already exists.",
                    stream.arn()
                )));
            }
            if s.consumers.len() >= MAX_CONSUMERS {
                return Err(KinesisError::LimitExceeded(format!(
                    "Stream {} under account {} already has {MAX_CONSUMERS} registered consumers.",
                    stream.name, stream.account
                )));
            }
            let creating = s
                .consumers
                .iter()
                .filter(|c| c.status == super::consumer::ConsumerStatus::Creating)
                .count();
            if creating >= MAX_CREATING {
                return Err(KinesisError::LimitExceeded(format!(
                    "Stream {} under account {} already has {MAX_CREATING} consumers in CREATING \
                 status.",
                    stream.name, stream.account
                )));
            }
            let arn_secs = s
                .consumer_arn_secs
                .get(name)
                .map_or(now.as_secs(), |last| now.as_secs().max(last + 1));
            s.consumer_arn_secs.insert(name.to_owned(), arn_secs);
            let mut consumer = Consumer {
                name: name.to_owned(),
                arn: consumer_arn(stream, name, Timestamp::from_secs(arn_secs)),
                status: ConsumerStatus::Creating,
                created: now,
                status_until: now.plus_millis(delay),
                tags,
                policy: None,
                arn_secs,
            };
            consumer.settle(now);
            let description = consumer.describe(stream);
            s.consumers.push(consumer);
            Ok(description)
        })
    }

    /// DescribeStreamConsumer.
    pub fn describe_stream_consumer(
        &self,
        r: ConsumerRef<'_>,
        now: Timestamp,
    ) -> Result<ConsumerDescription, KinesisError> {
        self.with_consumer(r, now, false, |stream, i| {
            let key = &stream.key;
            stream
                .consumers
                .get(i)
                .map(|c| c.describe(key))
                .ok_or_else(|| consumer_not_found("", key))
        })
    }

    /// DeregisterStreamConsumer: DELETING for the consumer delay, then gone.
    pub fn deregister_stream_consumer(
        &self,
        r: ConsumerRef<'_>,
        now: Timestamp,
    ) -> Result<(), KinesisError> {
        let delay = self.config.consumer_delay_ms;
        let key = self.with_consumer(r, now, true, |stream, i| {
            if let Some(c) = stream.consumers.get_mut(i) {
                c.status = ConsumerStatus::Deleting;
                c.status_until = now.plus_millis(delay);
            }
            stream.consumers.retain(|c| !c.gone(now));
            Ok(stream.key.clone())
        })?;
        // Its live subscriptions notice and end.
        self.signal(&key);
        Ok(())
    }

    /// ListStreamConsumers: `max_results` (1..=10000, default 100) at a time.
    pub fn list_stream_consumers(
        &self,
        stream: &StreamKey,
        max_results: Option<u32>,
        next_token: Option<&str>,
        now: Timestamp,
    ) -> Result<(Vec<ConsumerDescription>, Option<String>), KinesisError> {
        let limit = check_limit("maxResults", max_results, 10_000, 100)?;
        let skip = match next_token {
            None => 0,
            Some(t) => TokenReader::open(t, TOKEN_VERSION)
                .and_then(|mut r| r.u64())
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| KinesisError::InvalidArgument(format!("Invalid NextToken: {t}")))?,
        };
        self.with_stream(stream, now, |s| {
            let page: Vec<ConsumerDescription> = s
                .consumers
                .iter()
                .skip(skip)
                .take(limit)
                .map(|c| c.describe(stream))
                .collect();
            let seen = skip.saturating_add(page.len());
            let token = (seen < s.consumers.len())
                .then(|| TokenWriter::new(TOKEN_VERSION).u64(seen as u64).finish());
            Ok((page, token))
        })
    }

    /// The stream of an ACTIVE consumer, for SubscribeToShard.
    pub fn active_consumer_stream(
        &self,
        consumer_arn: &str,
        now: Timestamp,
    ) -> Result<StreamKey, KinesisError> {
        self.with_consumer(
            ConsumerRef::Arn(consumer_arn),
            now,
            false,
            |stream, i| match stream.consumers.get(i) {
                Some(c) if c.status == ConsumerStatus::Active => Ok(stream.key.clone()),
                Some(c) => Err(KinesisError::ResourceInUse(format!(
                    "Consumer {} is not ACTIVE, instead in state {}",
                    c.arn,
                    c.status.as_str()
                ))),
                None => Err(consumer_not_found(consumer_arn, &stream.key)),
            },
        )
    }
}
