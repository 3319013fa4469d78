//! Error rendering per protocol: Query `ErrorResponse` XML, and AWS JSON `__type`/`message`
//! with the `x-amzn-query-error` header that query-compatible services (SQS) need so SDKs map
//! legacy error codes.

use crate::{ApiResponse, Protocol, ResponseBody, XmlWriter};

/// Who is at fault, as AWS reports it in `<Type>` and `x-amzn-query-error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Sender,
    Receiver,
}

impl Fault {
    pub fn as_str(self) -> &'static str {
        match self {
            Fault::Sender => "Sender",
            Fault::Receiver => "Receiver",
        }
    }
}

/// How one error shape appears on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorDescriptor {
    /// The JSON `__type` shape name, e.g. `QueueDoesNotExist`.
    pub type_name: &'static str,
    /// The Query `<Code>`, e.g. `AWS.SimpleQueueService.NonExistentQueue`.
    pub query_code: &'static str,
    pub fault: Fault,
    pub status: u16,
}

impl ErrorDescriptor {
    /// The JSON `__type`: the service prefix and shape name, unless `type_name` is already
    /// namespaced (generic framework errors such as `com.amazon.coral.service#...`).
    pub fn json_type(&self, wire: &ServiceWire) -> String {
        if self.type_name.contains('#') {
            self.type_name.to_owned()
        } else {
            format!("{}{}", wire.json_type_prefix, self.type_name)
        }
    }
}

/// Per-service wire constants.
#[derive(Debug, Clone, Copy)]
pub struct ServiceWire {
    /// `xmlns` of Query responses.
    pub xml_namespace: &'static str,
    /// Prefix of JSON `__type`, e.g. `com.amazonaws.sqs#`.
    pub json_type_prefix: &'static str,
    /// Whether JSON errors carry `x-amzn-query-error` (services with `awsQueryCompatible`).
    pub query_compatible: bool,
}

/// Renders an error for `protocol`.
pub fn render_error(
    protocol: Protocol,
    wire: &ServiceWire,
    desc: &ErrorDescriptor,
    message: &str,
    request_id: &str,
) -> ApiResponse {
    match protocol {
        Protocol::Query => {
            let mut w = XmlWriter::new();
            w.declaration()
                .open_in("ErrorResponse", wire.xml_namespace)
                .open("Error")
                .elem("Type", desc.fault.as_str())
                .elem("Code", desc.query_code)
                .elem("Message", message)
                .empty("Detail")
                .close("Error")
                .elem("RequestId", request_id)
                .close("ErrorResponse");
            ApiResponse {
                status: desc.status,
                content_type: ApiResponse::XML,
                headers: Vec::new(),
                body: ResponseBody::Full(w.finish()),
            }
        }
        Protocol::AwsJson10 | Protocol::AwsJson11 | Protocol::Cbor => {
            let body = serde_json::json!({ "__type": desc.json_type(wire), "message": message });
            let (content_type, body) = match protocol {
                Protocol::Cbor => (ApiResponse::CBOR, crate::cbor::to_vec(&body)),
                _ => (
                    protocol.content_type(),
                    serde_json::to_vec(&body).unwrap_or_default(),
                ),
            };
            let mut headers = Vec::new();
            if wire.query_compatible {
                headers.push((
                    "x-amzn-query-error",
                    format!("{};{}", desc.query_code, desc.fault.as_str()),
                ));
            }
            ApiResponse {
                status: desc.status,
                content_type,
                headers,
                body: ResponseBody::Full(body),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIRE: ServiceWire = ServiceWire {
        xml_namespace: "http://queue.amazonaws.com/doc/2012-11-05/",
        json_type_prefix: "com.amazonaws.sqs#",
        query_compatible: true,
    };
    const NO_QUEUE: ErrorDescriptor = ErrorDescriptor {
        type_name: "QueueDoesNotExist",
        query_code: "AWS.SimpleQueueService.NonExistentQueue",
        fault: Fault::Sender,
        status: 400,
    };

    #[test]
    fn query_errors_are_error_response_xml() {
        let reply = render_error(Protocol::Query, &WIRE, &NO_QUEUE, "gone & <lost>", "r1");
        assert_eq!(reply.status, 400);
        assert_eq!(
            String::from_utf8(reply.full_body().expect("whole").to_vec()).expect("utf8"),
            "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>gone &amp; &lt;lost&gt;</Message><Detail/></Error><RequestId>r1</RequestId></ErrorResponse>"
        );
    }

    #[test]
    fn json_errors_carry_type_and_query_error_header() {
        let reply = render_error(Protocol::AwsJson10, &WIRE, &NO_QUEUE, "gone", "r1");
        let body: serde_json::Value =
            serde_json::from_slice(reply.full_body().expect("whole")).expect("json");
        assert_eq!(body["__type"], "com.amazonaws.sqs#QueueDoesNotExist");
        assert_eq!(body["message"], "gone");
        assert_eq!(reply.content_type, "application/x-amz-json-1.0");
        assert_eq!(
            reply.headers,
            vec![(
                "x-amzn-query-error",
                "AWS.SimpleQueueService.NonExistentQueue;Sender".to_owned()
            )]
        );
    }
}
