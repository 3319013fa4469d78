//! The Kinesis API: one typed operation per request, decoded from AWS JSON 1.1 or CBOR, and
//! the result encoded in the same protocol. SubscribeToShard answers with an event stream
//! (see `events`) instead of one document. `KinesisRequest`/`KinesisResponse` are closed
//! enums generated from one list.

pub mod errors;
mod events;
pub use crate::model::{input, output, types};

use sluice_core::RequestContext;
use sluice_wire::{render_document, render_error, ApiResponse, Protocol, Service};

use crate::engine::KinesisError;
use crate::service::{KinesisService, ShardEvents};
use errors::describe;
use input::*;
use output::*;

/// How one operation's output becomes an answer: a document, or SubscribeToShard's
/// event stream.
trait IntoResponse {
    fn into_response(self, protocol: Protocol) -> ApiResponse;
}

impl<T: serde::Serialize> IntoResponse for T {
    fn into_response(self, protocol: Protocol) -> ApiResponse {
        render_document(&self, protocol)
    }
}

impl IntoResponse for PutRecordsOutput {
    fn into_response(self, protocol: Protocol) -> ApiResponse {
        match protocol {
            Protocol::AwsJson11 => ApiResponse::ok(ApiResponse::JSON_11, self.write_json()),
            _ => render_document(&self.document(), protocol),
        }
    }
}

impl IntoResponse for ShardEvents {
    fn into_response(self, protocol: Protocol) -> ApiResponse {
        ApiResponse::event_stream(events::Frames::new(self, protocol))
    }
}

fn render<O: IntoResponse>(_: &str, out: O, protocol: Protocol, _: &str) -> ApiResponse {
    out.into_response(protocol)
}

/// Renders a Kinesis error for `protocol`.
pub fn error_response(error: &KinesisError, protocol: Protocol, request_id: &str) -> ApiResponse {
    render_error(
        protocol,
        Service::Kinesis.wire(),
        &describe(error),
        &error.message(),
        request_id,
    )
}

sluice_wire::operations! {
    service: KinesisService,
    context: RequestContext,
    error: KinesisError => error_response,
    render: render,
    request: KinesisRequest,
    response: KinesisResponse,
    {
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
        SubscribeToShard(SubscribeToShardInput) -> ShardEvents = subscribe_to_shard;
    }
}
