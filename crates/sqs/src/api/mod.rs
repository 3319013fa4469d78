//! The SQS API: decoding a routed request into one typed operation, calling the service, and
//! encoding the result or error for the protocol the client spoke (Query XML or JSON 1.0).
//! `SqsRequest` and `SqsResponse` are closed enums generated from one list, so a new
//! operation is added in exactly one place and the compiler finds the rest.

pub mod errors;
pub use crate::model::{input, output};

use sluice_core::RequestContext;
use sluice_wire::{render_error, render_output, ApiResponse, Protocol, Service};

use crate::service::SqsService;
use crate::SqsError;
use errors::{describe, message};
use input::*;
use output::*;

fn render<O: serde::Serialize + sluice_wire::WriteXml>(
    operation: &str,
    out: O,
    protocol: Protocol,
    request_id: &str,
) -> ApiResponse {
    let namespace = Service::Sqs.wire().xml_namespace;
    render_output(operation, namespace, &out, protocol, request_id)
}

/// Renders an SQS error for `protocol`.
pub fn error_response(error: &SqsError, protocol: Protocol, request_id: &str) -> ApiResponse {
    render_error(
        protocol,
        Service::Sqs.wire(),
        &describe(error),
        &message(error, protocol),
        request_id,
    )
}

sluice_wire::operations! {
    service: SqsService,
    context: RequestContext,
    error: SqsError => error_response,
    render: render,
    request: SqsRequest,
    response: SqsResponse,
    {
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
}
