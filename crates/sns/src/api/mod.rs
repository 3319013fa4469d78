//! The SNS API: decoding a routed request into one typed operation, calling the service, and
//! encoding the result or error for the protocol the client spoke (Query XML, or AWS JSON
//! 1.0 for newer clients). `SnsRequest` and `SnsResponse` are closed enums generated from
//! one list, as in the SQS API.

pub mod errors;
pub use crate::model::{input, output};

use sluice_core::RequestContext;
use sluice_wire::{render_error, render_output, ApiResponse, Protocol, Service};

use crate::service::SnsService;
use crate::SnsError;
use errors::describe;
use input::*;
use output::*;

fn render<O: serde::Serialize + sluice_wire::WriteXml>(
    operation: &str,
    out: O,
    protocol: Protocol,
    request_id: &str,
) -> ApiResponse {
    let namespace = Service::Sns.wire().xml_namespace;
    render_output(operation, namespace, &out, protocol, request_id)
}

/// Renders an SNS error for `protocol`.
pub fn error_response(error: &SnsError, protocol: Protocol, request_id: &str) -> ApiResponse {
    let message = match error {
        SnsError::Internal(_) => "Internal error".to_owned(),
        other => other.to_string(),
    };
    render_error(
        protocol,
        Service::Sns.wire(),
        &describe(error),
        &message,
        request_id,
    )
}

sluice_wire::operations! {
    service: SnsService,
    context: RequestContext,
    error: SnsError => error_response,
    render: render,
    request: SnsRequest,
    response: SnsResponse,
    {
        CreateTopic(CreateTopicInput) -> TopicArnOutput = create_topic;
        DeleteTopic(TopicArnInput) -> Empty = delete_topic;
        ListTopics(NextTokenInput) -> ListTopicsOutput = list_topics;
        GetTopicAttributes(TopicArnInput) -> AttributesOutput = get_topic_attributes;
        SetTopicAttributes(SetTopicAttributesInput) -> Empty = set_topic_attributes;
        AddPermission(AddPermissionInput) -> Empty = add_permission;
        RemovePermission(RemovePermissionInput) -> Empty = remove_permission;
        TagResource(TagResourceInput) -> EmptyResult = tag_resource;
        UntagResource(UntagResourceInput) -> EmptyResult = untag_resource;
        ListTagsForResource(ResourceArnInput) -> ListTagsOutput = list_tags_for_resource;
        GetDataProtectionPolicy(ResourceArnInput) -> DataProtectionPolicyOutput = get_data_protection_policy;
        PutDataProtectionPolicy(PutDataProtectionPolicyInput) -> Empty = put_data_protection_policy;
        Subscribe(SubscribeInput) -> SubscriptionArnOutput = subscribe;
        ConfirmSubscription(ConfirmSubscriptionInput) -> SubscriptionArnOutput = confirm_subscription;
        Unsubscribe(SubscriptionArnInput) -> Empty = unsubscribe;
        ListSubscriptions(NextTokenInput) -> ListSubscriptionsOutput = list_subscriptions;
        ListSubscriptionsByTopic(ListSubscriptionsByTopicInput) -> ListSubscriptionsOutput = list_subscriptions_by_topic;
        GetSubscriptionAttributes(SubscriptionArnInput) -> AttributesOutput = get_subscription_attributes;
        SetSubscriptionAttributes(SetSubscriptionAttributesInput) -> Empty = set_subscription_attributes;
        Publish(PublishInput) -> PublishOutput = publish;
        PublishBatch(PublishBatchInput) -> PublishBatchOutput = publish_batch;
        CreatePlatformApplication(CreatePlatformApplicationInput) -> PlatformApplicationArnOutput = create_platform_application;
        DeletePlatformApplication(PlatformApplicationArnInput) -> Empty = delete_platform_application;
        GetPlatformApplicationAttributes(PlatformApplicationArnInput) -> AttributesOutput = get_platform_application_attributes;
        SetPlatformApplicationAttributes(SetPlatformApplicationAttributesInput) -> Empty = set_platform_application_attributes;
        ListPlatformApplications(NextTokenInput) -> ListPlatformApplicationsOutput = list_platform_applications;
        CreatePlatformEndpoint(CreatePlatformEndpointInput) -> EndpointArnOutput = create_platform_endpoint;
        DeleteEndpoint(EndpointArnInput) -> Empty = delete_endpoint;
        GetEndpointAttributes(EndpointArnInput) -> AttributesOutput = get_endpoint_attributes;
        SetEndpointAttributes(SetEndpointAttributesInput) -> Empty = set_endpoint_attributes;
        ListEndpointsByPlatformApplication(ListEndpointsInput) -> ListEndpointsOutput = list_endpoints_by_platform_application;
        SetSMSAttributes(SetSmsAttributesInput) -> EmptyResult = set_sms_attributes;
        GetSMSAttributes(GetSmsAttributesInput) -> SmsAttributesOutput = get_sms_attributes;
        CheckIfPhoneNumberIsOptedOut(PhoneNumberInput) -> OptedOutOutput = check_if_phone_number_is_opted_out;
        OptInPhoneNumber(PhoneNumberInput) -> EmptyResult = opt_in_phone_number;
        ListPhoneNumbersOptedOut(ListPhoneNumbersOptedOutInput) -> PhoneNumbersOptedOutOutput = list_phone_numbers_opted_out;
        GetSMSSandboxAccountStatus(NoInput) -> SandboxStatusOutput = get_sms_sandbox_account_status;
        CreateSMSSandboxPhoneNumber(SandboxNumberInput) -> EmptyResult = create_sms_sandbox_phone_number;
        VerifySMSSandboxPhoneNumber(SandboxNumberInput) -> EmptyResult = verify_sms_sandbox_phone_number;
        DeleteSMSSandboxPhoneNumber(SandboxNumberInput) -> EmptyResult = delete_sms_sandbox_phone_number;
        ListSMSSandboxPhoneNumbers(PagedInput) -> ListSandboxNumbersOutput = list_sms_sandbox_phone_numbers;
        ListOriginationNumbers(PagedInput) -> ListOriginationNumbersOutput = list_origination_numbers;
    }
}
