//! Which service and protocol a request speaks, all on one port:
//! `X-Amz-Target` plus `Content-Type` for AWS JSON and CBOR; otherwise AWS Query, with
//! `Action` in the form body or the URL query. For Query the service comes from the SigV4
//! credential scope, then the path (`/<account>/<queue>` is SQS), then the action name.

use bytes::Bytes;
use http::{HeaderMap, Method, Uri};

use crate::{Credential, QueryError, QueryNode};

/// An AWS service Sluice serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    Sqs,
    Sns,
    Kinesis,
}

impl Service {
    fn from_scope(name: &str) -> Option<Service> {
        match name {
            "sqs" => Some(Service::Sqs),
            "sns" => Some(Service::Sns),
            "kinesis" => Some(Service::Kinesis),
            _ => None,
        }
    }

    fn from_target_prefix(prefix: &str) -> Option<Service> {
        match prefix {
            "AmazonSQS" => Some(Service::Sqs),
            "AmazonSimpleNotificationService" => Some(Service::Sns),
            "Kinesis_20131202" => Some(Service::Kinesis),
            _ => None,
        }
    }
}

/// A wire protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// Form-encoded parameters in, XML out.
    Query,
    AwsJson10,
    AwsJson11,
    /// `application/x-amz-cbor-1.1`, used by Kinesis clients.
    Cbor,
}

/// The decoded parameters of a request.
#[derive(Debug, Clone)]
pub enum Payload {
    Query(QueryNode),
    /// A JSON or CBOR document, decoded by the service into its input type.
    Document(Bytes),
}

/// A request, routed.
#[derive(Debug, Clone)]
pub struct Detected {
    pub service: Service,
    pub protocol: Protocol,
    pub action: String,
    pub payload: Payload,
    pub credential: Option<Credential>,
}

/// A request that cannot be routed to an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetectError {
    /// Query request without `Action`.
    MissingAction,
    /// A Query action no service has.
    UnknownAction(String),
    /// An `X-Amz-Target` naming no service Sluice has.
    UnknownTarget(String),
    /// A form body or query string that does not decode.
    MalformedQuery(QueryError),
}

/// SQS actions, for routing unsigned Query requests.
const SQS_ACTIONS: &[&str] = &[
    "AddPermission",
    "CancelMessageMoveTask",
    "ChangeMessageVisibility",
    "ChangeMessageVisibilityBatch",
    "CreateQueue",
    "DeleteMessage",
    "DeleteMessageBatch",
    "DeleteQueue",
    "GetQueueAttributes",
    "GetQueueUrl",
    "ListDeadLetterSourceQueues",
    "ListMessageMoveTasks",
    "ListQueueTags",
    "ListQueues",
    "PurgeQueue",
    "ReceiveMessage",
    "RemovePermission",
    "SendMessage",
    "SendMessageBatch",
    "SetQueueAttributes",
    "StartMessageMoveTask",
    "TagQueue",
    "UntagQueue",
];

/// SNS actions no other service has, for routing unsigned Query requests (a SubscribeURL
/// or UnsubscribeURL opened in a browser or with curl).
const SNS_ACTIONS: &[&str] = &[
    "CheckIfPhoneNumberIsOptedOut",
    "ConfirmSubscription",
    "CreatePlatformApplication",
    "CreatePlatformEndpoint",
    "CreateSMSSandboxPhoneNumber",
    "CreateTopic",
    "DeleteEndpoint",
    "DeletePlatformApplication",
    "DeleteSMSSandboxPhoneNumber",
    "DeleteTopic",
    "GetDataProtectionPolicy",
    "GetEndpointAttributes",
    "GetPlatformApplicationAttributes",
    "GetSMSAttributes",
    "GetSMSSandboxAccountStatus",
    "GetSubscriptionAttributes",
    "GetTopicAttributes",
    "ListEndpointsByPlatformApplication",
    "ListOriginationNumbers",
    "ListPhoneNumbersOptedOut",
    "ListPlatformApplications",
    "ListSMSSandboxPhoneNumbers",
    "ListSubscriptions",
    "ListSubscriptionsByTopic",
    "ListTagsForResource",
    "ListTopics",
    "OptInPhoneNumber",
    "Publish",
    "PublishBatch",
    "PutDataProtectionPolicy",
    "SetEndpointAttributes",
    "SetPlatformApplicationAttributes",
    "SetSMSAttributes",
    "SetSubscriptionAttributes",
    "SetTopicAttributes",
    "Subscribe",
    "TagResource",
    "Unsubscribe",
    "UntagResource",
    "VerifySMSSandboxPhoneNumber",
];

/// Routes a request. `body` is the whole (already size-bounded) request body.
pub fn detect(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Detected, DetectError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let mut credential = header("authorization").and_then(Credential::from_authorization);

    if let Some(target) = header("x-amz-target") {
        let (prefix, action) = target
            .split_once('.')
            .ok_or_else(|| DetectError::UnknownTarget(target.to_owned()))?;
        let service = Service::from_target_prefix(prefix)
            .ok_or_else(|| DetectError::UnknownTarget(target.to_owned()))?;
        let content_type = header("content-type").unwrap_or_default();
        let protocol = if content_type.starts_with("application/x-amz-cbor-1.1") {
            Protocol::Cbor
        } else if content_type.starts_with("application/x-amz-json-1.1") {
            Protocol::AwsJson11
        } else if content_type.starts_with("application/x-amz-json-1.0") {
            Protocol::AwsJson10
        } else if service == Service::Kinesis {
            Protocol::AwsJson11
        } else {
            Protocol::AwsJson10
        };
        return Ok(Detected {
            service,
            protocol,
            action: action.to_owned(),
            payload: Payload::Document(body),
            credential,
        });
    }

    let mut pairs = Vec::new();
    if let Some(query) = uri.query() {
        QueryNode::parse_form(query.as_bytes(), &mut pairs).map_err(DetectError::MalformedQuery)?;
    }
    let form_body = header("content-type")
        .map(|ct| ct.starts_with("application/x-www-form-urlencoded"))
        .unwrap_or(method == Method::POST);
    if form_body && !body.is_empty() {
        QueryNode::parse_form(&body, &mut pairs).map_err(DetectError::MalformedQuery)?;
    }
    if credential.is_none() {
        credential = pairs
            .iter()
            .find(|(k, _)| k == "X-Amz-Credential")
            .and_then(|(_, v)| Credential::from_scope(v));
    }
    let tree = QueryNode::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(DetectError::MalformedQuery)?;
    let action = tree
        .get("Action")
        .ok_or(DetectError::MissingAction)?
        .to_owned();

    let service = credential
        .as_ref()
        .and_then(|c| Service::from_scope(&c.service))
        .or_else(|| queue_path(uri.path()).map(|_| Service::Sqs))
        .or_else(|| {
            SQS_ACTIONS
                .contains(&action.as_str())
                .then_some(Service::Sqs)
        })
        .or_else(|| {
            SNS_ACTIONS
                .contains(&action.as_str())
                .then_some(Service::Sns)
        })
        .ok_or_else(|| DetectError::UnknownAction(action.clone()))?;
    Ok(Detected {
        service,
        protocol: Protocol::Query,
        action,
        payload: Payload::Query(tree),
        credential,
    })
}

/// `(account, name)` when a path ends in `/<12-digit account>/<name>`: the path of an SQS
/// queue URL (`/000000000000/jobs`, or LocalStack's `/queue/us-east-1/000000000000/jobs`).
pub fn queue_path(path: &str) -> Option<(&str, &str)> {
    let path = path.split(['?', '#']).next()?;
    let mut segments = path.rsplit('/').filter(|s| !s.is_empty());
    let name = segments.next()?;
    let account = segments.next()?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some((account, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(
        method: Method,
        uri: &str,
        headers: &[(&'static str, &str)],
        body: &str,
    ) -> Result<Detected, DetectError> {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, v.parse().expect("header"));
        }
        let uri: Uri = uri.parse().expect("uri");
        detect(&method, &uri, &map, Bytes::from(body.to_owned()))
    }

    #[test]
    fn json_target_picks_service_and_protocol() {
        let d = req(
            Method::POST,
            "/",
            &[
                ("x-amz-target", "AmazonSQS.SendMessage"),
                ("content-type", "application/x-amz-json-1.0"),
            ],
            "{}",
        )
        .expect("routes");
        assert_eq!((d.service, d.protocol), (Service::Sqs, Protocol::AwsJson10));
        assert_eq!(d.action, "SendMessage");
        let d = req(
            Method::POST,
            "/",
            &[
                ("x-amz-target", "Kinesis_20131202.PutRecord"),
                ("content-type", "application/x-amz-cbor-1.1"),
            ],
            "",
        )
        .expect("routes");
        assert_eq!((d.service, d.protocol), (Service::Kinesis, Protocol::Cbor));
        assert_eq!(
            req(Method::POST, "/", &[("x-amz-target", "Nope.X")], "").expect_err("unknown"),
            DetectError::UnknownTarget("Nope.X".into())
        );
    }

    #[test]
    fn query_action_from_body_or_url() {
        let d = req(
            Method::POST,
            "/",
            &[(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )],
            "Action=CreateQueue&QueueName=jobs&Version=2012-11-05",
        )
        .expect("routes");
        assert_eq!((d.service, d.protocol), (Service::Sqs, Protocol::Query));
        assert_eq!(d.action, "CreateQueue");
        let d = req(Method::GET, "/?Action=ListQueues", &[], "").expect("routes");
        assert_eq!(d.action, "ListQueues");
    }

    #[test]
    fn query_service_from_scope_then_path_then_action() {
        let auth = "AWS4-HMAC-SHA256 Credential=AK/20240101/eu-west-1/sns/aws4_request, SignedHeaders=host, Signature=x";
        let d = req(
            Method::POST,
            "/",
            &[
                ("authorization", auth),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            "Action=AddPermission",
        )
        .expect("routes");
        assert_eq!(d.service, Service::Sns);
        assert_eq!(d.credential.expect("cred").region, "eu-west-1");
        let d = req(Method::POST, "/000000000000/jobs", &[], "Action=Whatever").expect("routes");
        assert_eq!(d.service, Service::Sqs);
        let d = req(
            Method::GET,
            "/?Action=ConfirmSubscription&Token=ab",
            &[],
            "",
        )
        .expect("routes");
        assert_eq!(d.service, Service::Sns);
        assert_eq!(
            req(Method::POST, "/", &[], "Action=Whatever").expect_err("unknown"),
            DetectError::UnknownAction("Whatever".into())
        );
        assert_eq!(
            req(Method::GET, "/", &[], "").expect_err("missing"),
            DetectError::MissingAction
        );
    }

    #[test]
    fn malformed_forms_are_reported() {
        assert!(matches!(
            req(
                Method::POST,
                "/",
                &[],
                "Action=SendMessage&MessageBody=%C3%28"
            ),
            Err(DetectError::MalformedQuery(_))
        ));
    }
}
