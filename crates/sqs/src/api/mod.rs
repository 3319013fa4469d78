//! The SQS API: decoding a routed request into one typed operation, calling the service, and
//! encoding the result or error for the protocol the client spoke (Query XML or JSON 1.0).
//! `SqsRequest` and `SqsResponse` are closed enums generated from one list, so a new
//! operation is added in exactly one place and the compiler finds the rest.

pub mod errors;
pub mod input;
pub mod output;

use serde::de::DeserializeOwned;
use sluice_wire::de::InputError;
use sluice_wire::{render_error, render_output, Payload, Protocol, Reply};

use crate::service::{RequestContext, SqsService};
use crate::SqsError;
use errors::{describe, message, WIRE};
use input::*;
use output::*;

fn decode_input<T: DeserializeOwned>(payload: &Payload) -> Result<T, SqsError> {
    sluice_wire::de::decode_input(payload).map_err(|e| match e {
        InputError::Query(m) => SqsError::MalformedQueryString(m),
        InputError::Json(m) => SqsError::SerializationException(m),
    })
}

macro_rules! operations {
    ($($op:ident($input:ty) -> $output:ty = $method:ident;)*) => {
        /// One SQS request, decoded.
        #[derive(Debug)]
        pub enum SqsRequest { $($op($input),)* }

        /// One SQS result.
        #[derive(Debug)]
        pub enum SqsResponse { $($op($output),)* }

        /// Every SQS operation name.
        pub const ACTIONS: &[&str] = &[$(stringify!($op),)*];

        impl SqsRequest {
            pub fn decode(action: &str, payload: &Payload) -> Result<SqsRequest, SqsError> {
                match action {
                    $(stringify!($op) => Ok(SqsRequest::$op(decode_input(payload)?)),)*
                    other => Err(SqsError::InvalidAction(other.to_owned())),
                }
            }
        }

        impl SqsService {
            pub async fn call(
                &self,
                ctx: &RequestContext,
                request: SqsRequest,
            ) -> Result<SqsResponse, SqsError> {
                match request {
                    $(SqsRequest::$op(input) => self.$method(ctx, input).await.map(SqsResponse::$op),)*
                }
            }
        }

        impl SqsResponse {
            pub fn encode(&self, protocol: Protocol, request_id: &str) -> Reply {
                match self {
                    $(SqsResponse::$op(out) => render_output(stringify!($op), WIRE.xml_namespace, out, protocol, request_id),)*
                }
            }
        }
    };
}

operations! {
    CreateQueue(CreateQueueInput) -> QueueUrlOutput = create_queue;
    GetQueueUrl(GetQueueUrlInput) -> QueueUrlOutput = get_queue_url;
    ListQueues(ListQueuesInput) -> ListQueuesOutput = list_queues;
    DeleteQueue(QueueUrlInput) -> Empty = delete_queue;
    GetQueueAttributes(GetQueueAttributesInput) -> GetQueueAttributesOutput = get_queue_attributes;
    SetQueueAttributes(SetQueueAttributesInput) -> Empty = set_queue_attributes;
    PurgeQueue(QueueUrlInput) -> Empty = purge_queue;
    TagQueue(TagQueueInput) -> Empty = tag_queue;
    UntagQueue(UntagQueueInput) -> Empty = untag_queue;
    ListQueueTags(QueueUrlInput) -> ListQueueTagsOutput = list_queue_tags;
    AddPermission(AddPermissionInput) -> Empty = add_permission;
    RemovePermission(RemovePermissionInput) -> Empty = remove_permission;
    StartMessageMoveTask(StartMessageMoveTaskInput) -> StartMessageMoveTaskOutput = start_message_move_task;
    ListMessageMoveTasks(ListMessageMoveTasksInput) -> ListMessageMoveTasksOutput = list_message_move_tasks;
    CancelMessageMoveTask(CancelMessageMoveTaskInput) -> CancelMessageMoveTaskOutput = cancel_message_move_task;
    ListDeadLetterSourceQueues(ListDeadLetterSourceQueuesInput) -> ListDeadLetterSourceQueuesOutput = list_dead_letter_source_queues;
    SendMessage(SendMessageInput) -> SendMessageOutput = send_message;
    SendMessageBatch(SendMessageBatchInput) -> SendMessageBatchOutput = send_message_batch;
    ReceiveMessage(ReceiveMessageInput) -> ReceiveMessageOutput = receive_message;
    DeleteMessage(DeleteMessageInput) -> Empty = delete_message;
    DeleteMessageBatch(DeleteMessageBatchInput) -> IdBatchOutput = delete_message_batch;
    ChangeMessageVisibility(ChangeMessageVisibilityInput) -> Empty = change_message_visibility;
    ChangeMessageVisibilityBatch(ChangeMessageVisibilityBatchInput) -> IdBatchOutput = change_message_visibility_batch;
}

/// Renders an SQS error for `protocol`.
pub fn error_reply(error: &SqsError, protocol: Protocol, request_id: &str) -> Reply {
    render_error(
        protocol,
        &WIRE,
        &describe(error),
        &message(error, protocol),
        request_id,
    )
}

/// Serves one routed SQS request.
pub async fn serve(
    service: &SqsService,
    ctx: &RequestContext,
    protocol: Protocol,
    action: &str,
    payload: &Payload,
    request_id: &str,
) -> Reply {
    let result = match SqsRequest::decode(action, payload) {
        Ok(request) => service.call(ctx, request).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(response) => response.encode(protocol, request_id),
        Err(error) => {
            tracing::debug!(%request_id, action, %error, "sqs error");
            error_reply(&error, protocol, request_id)
        }
    }
}
