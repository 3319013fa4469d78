//! End-to-end SQS suites: the real `aws-sdk-sqs` (JSON protocol) and raw Query requests
//! against an in-process server. Time-dependent behaviour runs on the manual clock.

mod batches;
mod config_file;
mod connections;
mod crashing_consumers;
mod dead_letters;
mod durable;
mod durable_crash;
mod errors;
mod fifo;
mod inspection;
mod long_poll;
mod messages;
mod move_tasks;
mod query;
mod queues;
mod timing;

use aws_sdk_sqs::error::ProvideErrorMetadata;

/// The error code an SDK call failed with (the legacy Query code, as SDKs read it from
/// `x-amzn-query-error`).
fn code<E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(
    result: Result<R, aws_sdk_sqs::error::SdkError<E, aws_sdk_sqs::config::http::HttpResponse>>,
) -> (String, String) {
    let err = result.expect_err("the call should fail");
    (
        err.code().unwrap_or_default().to_owned(),
        err.message().unwrap_or_default().to_owned(),
    )
}
