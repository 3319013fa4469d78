//! The Kinesis API: one typed operation per request, decoded from AWS JSON 1.1 or CBOR, and
//! the result encoded in the same protocol. SubscribeToShard answers with an event stream
//! instead of one document. `KinesisRequest`/`KinesisResponse` are closed enums generated
//! from one list.

pub mod errors;
pub mod input;
pub mod output;
pub mod types;

use serde::de::DeserializeOwned;
use sluice_wire::{render_error, Payload, Protocol, Reply};

use crate::engine::KinesisError;
use crate::service::{EventStream, KinesisService, PayloadFormat, RequestContext};
use errors::{describe, describe_framing, FramingError, WIRE};
use input::*;
use output::*;

fn decode_input<T: DeserializeOwned>(
    protocol: Protocol,
    payload: &Payload,
) -> Result<T, FramingError> {
    let Payload::Document(body) = payload else {
        return Err(FramingError::Serialization(
            "Kinesis speaks AWS JSON 1.1 or CBOR.".into(),
        ));
    };
    if protocol == Protocol::Cbor {
        let body: &[u8] = if body.is_empty() { &[0xa0] } else { body };
        sluice_wire::cbor::from_slice(body).map_err(FramingError::Serialization)
    } else {
        let body: &[u8] = if body.is_empty() { b"{}" } else { body };
        serde_json::from_slice(body).map_err(|e| FramingError::Serialization(e.to_string()))
    }
}

fn render<O: serde::Serialize>(out: &O, protocol: Protocol) -> Reply {
    if protocol == Protocol::Cbor {
        Reply::ok(Reply::CBOR, sluice_wire::cbor::to_vec(out))
    } else {
        Reply::ok(
            Reply::JSON_11,
            serde_json::to_vec(out).unwrap_or_else(|_| b"{}".to_vec()),
        )
    }
}

/// What a Kinesis request gets back.
#[derive(Debug)]
pub enum KinesisReply {
    /// One document (or error).
    Whole(Reply),
    /// SubscribeToShard's event stream.
    Events(EventStream),
}

macro_rules! operations {
    ($($op:ident($input:ty) -> $output:ty = $method:ident;)*) => {
        /// One Kinesis request, decoded (SubscribeToShard aside, which streams).
        #[derive(Debug)]
        pub enum KinesisRequest { $($op($input),)* }

        /// One Kinesis result.
        #[derive(Debug)]
        pub enum KinesisResponse { $($op($output),)* }

        /// Every Kinesis operation name.
        pub const ACTIONS: &[&str] = &[$(stringify!($op),)* "SubscribeToShard"];

        impl KinesisRequest {
            pub fn decode(action: &str, protocol: Protocol, payload: &Payload) -> Result<KinesisRequest, FramingError> {
                match action {
                    $(stringify!($op) => Ok(KinesisRequest::$op(decode_input(protocol, payload)?)),)*
                    other => Err(FramingError::UnknownOperation(other.to_owned())),
                }
            }
        }

        impl KinesisService {
            pub async fn call(&self, ctx: &RequestContext, request: KinesisRequest) -> Result<KinesisResponse, KinesisError> {
                match request {
                    $(KinesisRequest::$op(input) => self.$method(ctx, input).await.map(KinesisResponse::$op),)*
                }
            }
        }

        impl KinesisResponse {
            pub fn encode(&self, protocol: Protocol) -> Reply {
                match self {
                    $(KinesisResponse::$op(out) => render(out, protocol),)*
                }
            }
        }
    };
}

operations! {
    CreateStream(CreateStreamInput) -> Empty = create_stream;
    DeleteStream(DeleteStreamInput) -> Empty = delete_stream;
    DescribeStream(DescribeStreamInput) -> DescribeStreamOutput = describe_stream;
    DescribeStreamSummary(StreamOnlyInput) -> DescribeStreamSummaryOutput = describe_stream_summary;
    ListStreams(ListStreamsInput) -> ListStreamsOutput = list_streams;
    AddTagsToStream(AddTagsInput) -> Empty = add_tags_to_stream;
    RemoveTagsFromStream(RemoveTagsInput) -> Empty = remove_tags_from_stream;
    ListTagsForStream(ListTagsForStreamInput) -> ListTagsForStreamOutput = list_tags_for_stream;
    TagResource(TagResourceInput) -> Empty = tag_resource;
    UntagResource(UntagResourceInput) -> Empty = untag_resource;
    ListTagsForResource(ResourceInput) -> ListTagsForResourceOutput = list_tags_for_resource;
    IncreaseStreamRetentionPeriod(RetentionInput) -> Empty = increase_stream_retention_period;
    DecreaseStreamRetentionPeriod(RetentionInput) -> Empty = decrease_stream_retention_period;
    StartStreamEncryption(EncryptionInput) -> Empty = start_stream_encryption;
    StopStreamEncryption(EncryptionInput) -> Empty = stop_stream_encryption;
    EnableEnhancedMonitoring(MonitoringInput) -> MonitoringOutput = enable_enhanced_monitoring;
    DisableEnhancedMonitoring(MonitoringInput) -> MonitoringOutput = disable_enhanced_monitoring;
    UpdateStreamMode(UpdateStreamModeInput) -> Empty = update_stream_mode;
    UpdateShardCount(UpdateShardCountInput) -> UpdateShardCountOutput = update_shard_count;
    UpdateMaxRecordSize(UpdateMaxRecordSizeInput) -> Empty = update_max_record_size;
    UpdateStreamWarmThroughput(WarmThroughputInput) -> WarmThroughputOutput = update_stream_warm_throughput;
    DescribeLimits(NoInput) -> DescribeLimitsOutput = describe_limits;
    PutResourcePolicy(PutResourcePolicyInput) -> Empty = put_resource_policy;
    GetResourcePolicy(ResourceInput) -> PolicyOutput = get_resource_policy;
    DeleteResourcePolicy(ResourceInput) -> Empty = delete_resource_policy;
    DescribeAccountSettings(NoInput) -> AccountSettingsOutput = describe_account_settings;
    UpdateAccountSettings(AccountSettingsInput) -> AccountSettingsOutput = update_account_settings;
    PutRecord(PutRecordInput) -> PutRecordOutput = put_record;
    PutRecords(PutRecordsInput) -> PutRecordsOutput = put_records;
    GetShardIterator(GetShardIteratorInput) -> ShardIteratorOutput = get_shard_iterator;
    GetRecords(GetRecordsInput) -> GetRecordsOutput = get_records;
    ListShards(ListShardsInput) -> ListShardsOutput = list_shards;
    SplitShard(SplitShardInput) -> Empty = split_shard;
    MergeShards(MergeShardsInput) -> Empty = merge_shards;
    RegisterStreamConsumer(ConsumerInput) -> RegisterConsumerOutput = register_stream_consumer;
    DescribeStreamConsumer(ConsumerInput) -> DescribeConsumerOutput = describe_stream_consumer;
    DeregisterStreamConsumer(ConsumerInput) -> Empty = deregister_stream_consumer;
    ListStreamConsumers(ListConsumersInput) -> ListConsumersOutput = list_stream_consumers;
}

/// Renders a Kinesis error for `protocol`.
pub fn error_reply(error: &KinesisError, protocol: Protocol, request_id: &str) -> Reply {
    render_error(
        protocol,
        &WIRE,
        &describe(error),
        error.message(),
        request_id,
    )
}

fn framing_reply(error: &FramingError, protocol: Protocol, request_id: &str) -> Reply {
    let message = match error {
        FramingError::UnknownOperation(op) => format!("The operation {op} is not known."),
        FramingError::Serialization(m) => m.clone(),
    };
    render_error(
        protocol,
        &WIRE,
        &describe_framing(error),
        &message,
        request_id,
    )
}

/// Serves one routed Kinesis request.
pub async fn serve(
    service: &KinesisService,
    ctx: &RequestContext,
    protocol: Protocol,
    action: &str,
    payload: &Payload,
    request_id: &str,
) -> KinesisReply {
    if action == "SubscribeToShard" {
        let input: SubscribeToShardInput = match decode_input(protocol, payload) {
            Ok(i) => i,
            Err(e) => return KinesisReply::Whole(framing_reply(&e, protocol, request_id)),
        };
        let format = PayloadFormat {
            cbor: protocol == Protocol::Cbor,
        };
        return match service.subscribe_to_shard(ctx, input, format).await {
            Ok(events) => KinesisReply::Events(events),
            Err(e) => KinesisReply::Whole(error_reply(&e, protocol, request_id)),
        };
    }
    let request = match KinesisRequest::decode(action, protocol, payload) {
        Ok(r) => r,
        Err(e) => return KinesisReply::Whole(framing_reply(&e, protocol, request_id)),
    };
    KinesisReply::Whole(match service.call(ctx, request).await {
        Ok(response) => response.encode(protocol),
        Err(e) => {
            tracing::debug!(%request_id, action, error = %e.message(), "kinesis error");
            error_reply(&e, protocol, request_id)
        }
    })
}
