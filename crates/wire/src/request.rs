//! `ApiRequest`: the one shape every AWS call has once it entered Sluice — which service,
//! which protocol, which operation, and its still-undecoded parameters.

use bytes::Bytes;

use crate::{Credential, QueryNode, ServiceWire};

/// An AWS service Sluice serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    Sqs,
    Sns,
    Kinesis,
}

impl Service {
    /// The SigV4 signing name, also used as the metrics label.
    pub fn name(self) -> &'static str {
        match self {
            Service::Sqs => "sqs",
            Service::Sns => "sns",
            Service::Kinesis => "kinesis",
        }
    }

    pub(crate) fn from_signing_name(name: &str) -> Option<Service> {
        match name {
            "sqs" => Some(Service::Sqs),
            "sns" => Some(Service::Sns),
            "kinesis" => Some(Service::Kinesis),
            _ => None,
        }
    }

    pub(crate) fn from_target_prefix(prefix: &str) -> Option<Service> {
        match prefix {
            "AmazonSQS" => Some(Service::Sqs),
            "AmazonSimpleNotificationService" => Some(Service::Sns),
            "Kinesis_20131202" => Some(Service::Kinesis),
            _ => None,
        }
    }

    /// The JSON protocol the service's SDKs speak when the content type does not say.
    pub(crate) fn default_json(self) -> Protocol {
        match self {
            Service::Kinesis => Protocol::AwsJson11,
            Service::Sqs | Service::Sns => Protocol::AwsJson10,
        }
    }

    /// Whether the service answers AWS Query (form in, XML out).
    pub fn speaks_query(self) -> bool {
        matches!(self, Service::Sqs | Service::Sns)
    }

    /// How this service's errors and results look on the wire.
    pub fn wire(self) -> &'static ServiceWire {
        const SQS: ServiceWire = ServiceWire {
            xml_namespace: "http://queue.amazonaws.com/doc/2012-11-05/",
            json_type_prefix: "com.amazonaws.sqs#",
            query_compatible: true,
        };
        const SNS: ServiceWire = ServiceWire {
            xml_namespace: "http://sns.amazonaws.com/doc/2010-03-31/",
            json_type_prefix: "com.amazonaws.sns#",
            query_compatible: true,
        };
        // Kinesis is not query-compatible: bare shape names, no `x-amzn-query-error`.
        const KINESIS: ServiceWire = ServiceWire {
            xml_namespace: "http://kinesis.amazonaws.com/doc/2013-12-02",
            json_type_prefix: "",
            query_compatible: false,
        };
        match self {
            Service::Sqs => &SQS,
            Service::Sns => &SNS,
            Service::Kinesis => &KINESIS,
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
    /// `application/x-amz-cbor-1.1`, used by the Java SDKs and the KCL for Kinesis.
    Cbor,
}

impl Protocol {
    /// The `Content-Type` of documents in this protocol.
    pub fn content_type(self) -> &'static str {
        match self {
            Protocol::Query => crate::ApiResponse::XML,
            Protocol::AwsJson10 => crate::ApiResponse::JSON_10,
            Protocol::AwsJson11 => crate::ApiResponse::JSON_11,
            Protocol::Cbor => crate::ApiResponse::CBOR,
        }
    }

    /// The protocol a JSON-family content type names, if any.
    pub(crate) fn from_content_type(content_type: &str) -> Option<Protocol> {
        if content_type.starts_with("application/x-amz-cbor-1.1") {
            Some(Protocol::Cbor)
        } else if content_type.starts_with("application/x-amz-json-1.1") {
            Some(Protocol::AwsJson11)
        } else if content_type.starts_with("application/x-amz-json-1.0") {
            Some(Protocol::AwsJson10)
        } else {
            None
        }
    }
}

/// The parameters of a request, not yet decoded into an operation's input.
#[derive(Debug, Clone)]
pub enum Payload {
    /// AWS Query: the form's flattened keys as a tree.
    Query(QueryNode),
    /// A JSON or CBOR document.
    Document(Bytes),
}

/// A request routed to one operation of one service.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub service: Service,
    pub protocol: Protocol,
    /// The Query `Action` or the operation of the `X-Amz-Target`; always one the service
    /// has (detection checks the service's table).
    pub operation: String,
    pub payload: Payload,
    /// The SigV4 credential scope, from the `Authorization` header or a presigned URL.
    pub credential: Option<Credential>,
}
