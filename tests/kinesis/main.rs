//! End-to-end Kinesis suites: the real `aws-sdk-kinesis` (AWS JSON 1.1 and, for
//! SubscribeToShard, the event stream) against an in-process server on the manual clock,
//! plus raw CBOR requests compared with their JSON answers.

mod cbor;
mod durable;
mod limits;
mod records;
mod reshard;
mod streams;
mod subscribe;

use aws_sdk_kinesis::error::ProvideErrorMetadata;
use sluice_tests::TestServer;

/// `(code, message)` of a failed SDK call.
fn error<E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(
    result: Result<
        R,
        aws_sdk_kinesis::error::SdkError<E, aws_sdk_kinesis::config::http::HttpResponse>,
    >,
) -> (String, String) {
    let err = result.expect_err("the call should fail");
    (
        err.code().unwrap_or_default().to_owned(),
        err.message().unwrap_or_default().to_owned(),
    )
}

/// Creates a stream and moves time past its CREATING phase.
async fn active_stream(t: &TestServer, name: &str, shards: i32) -> String {
    t.kinesis
        .create_stream()
        .stream_name(name)
        .shard_count(shards)
        .send()
        .await
        .expect("create stream");
    t.advance(1).await;
    format!("arn:aws:kinesis:us-east-1:000000000000:stream/{name}")
}

/// An iterator for `shard` at TRIM_HORIZON.
async fn trim_horizon(t: &TestServer, stream: &str, shard: &str) -> String {
    t.kinesis
        .get_shard_iterator()
        .stream_name(stream)
        .shard_id(shard)
        .shard_iterator_type(aws_sdk_kinesis::types::ShardIteratorType::TrimHorizon)
        .send()
        .await
        .expect("iterator")
        .shard_iterator
        .expect("an iterator")
}
