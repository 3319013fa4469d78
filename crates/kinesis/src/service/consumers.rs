//! Enhanced fan-out consumers: register, describe, list, deregister.

use super::{bounded, required, stream_key, KinesisService, RequestContext};
use crate::engine::{ConsumerRef, KinesisError};
use crate::model::input::*;
use crate::model::output::*;

impl KinesisService {
    pub async fn register_stream_consumer(
        &self,
        ctx: &RequestContext,
        input: ConsumerInput,
    ) -> Result<RegisterConsumerOutput, KinesisError> {
        let arn = required(input.stream_arn, "streamARN")?;
        let key = stream_key(ctx, None, Some(&arn))?;
        let name = required(input.consumer_name, "consumerName")?;
        let consumer =
            self.with(|r, now| r.register_stream_consumer(&key, &name, Default::default(), now))?;
        Ok(RegisterConsumerOutput {
            consumer: Consumer::from(&consumer),
        })
    }

    /// RegisterStreamConsumer, with the consumer ACTIVE at once (config-file bootstrap).
    pub async fn register_stream_consumer_active(
        &self,
        ctx: &RequestContext,
        input: ConsumerInput,
    ) -> Result<RegisterConsumerOutput, KinesisError> {
        let key = stream_key(ctx, None, input.stream_arn.as_deref())?;
        let out = self.register_stream_consumer(ctx, input).await?;
        self.with(|r, now| r.activate(&key, now));
        Ok(out)
    }

    fn consumer_ref<'a>(
        input: &'a ConsumerInput,
        key: &'a Option<crate::engine::StreamKey>,
    ) -> Result<ConsumerRef<'a>, KinesisError> {
        match (&input.consumer_arn, key, &input.consumer_name) {
            (Some(arn), _, _) => Ok(ConsumerRef::Arn(arn)),
            (None, Some(stream), Some(name)) => Ok(ConsumerRef::Name { stream, name }),
            _ => Err(KinesisError::InvalidArgument(
                "Either ConsumerARN or both ConsumerName and StreamARN must be provided.".into(),
            )),
        }
    }

    pub async fn describe_stream_consumer(
        &self,
        ctx: &RequestContext,
        input: ConsumerInput,
    ) -> Result<DescribeConsumerOutput, KinesisError> {
        let key = match &input.stream_arn {
            Some(arn) => Some(stream_key(ctx, None, Some(arn))?),
            None => None,
        };
        let r = Self::consumer_ref(&input, &key)?;
        let c = self.with(|reg, now| reg.describe_stream_consumer(r, now))?;
        Ok(DescribeConsumerOutput {
            consumer_description: ConsumerDescription {
                consumer_status: c.status.as_str(),
                consumer_creation_timestamp: crate::model::types::Time(c.created),
                consumer_name: c.consumer_name,
                consumer_arn: c.consumer_arn,
                stream_arn: c.stream_arn,
            },
        })
    }

    pub async fn deregister_stream_consumer(
        &self,
        ctx: &RequestContext,
        input: ConsumerInput,
    ) -> Result<Empty, KinesisError> {
        let key = match &input.stream_arn {
            Some(arn) => Some(stream_key(ctx, None, Some(arn))?),
            None => None,
        };
        let r = Self::consumer_ref(&input, &key)?;
        self.with(|reg, now| reg.deregister_stream_consumer(r, now))?;
        Ok(Empty {})
    }

    pub async fn list_stream_consumers(
        &self,
        ctx: &RequestContext,
        input: ListConsumersInput,
    ) -> Result<ListConsumersOutput, KinesisError> {
        let arn = required(input.stream_arn, "streamARN")?;
        let key = stream_key(ctx, None, Some(&arn))?;
        let max = bounded("maxResults", input.max_results, 1, 10_000)?;
        let (consumers, next_token) = self
            .with(|r, now| r.list_stream_consumers(&key, max, input.next_token.as_deref(), now))?;
        Ok(ListConsumersOutput {
            consumers: consumers.iter().map(Consumer::from).collect(),
            next_token,
        })
    }
}
