//! XML answers through quick-xml's writer, with AWS's escaping, and the AWS Query response
//! envelope (`<XResponse xmlns=..><XResult>..</XResult><ResponseMetadata>..`).

use std::borrow::Cow;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// An output's Query form: writes the children of `<{Action}Result>`.
pub trait WriteXml {
    fn write_xml(&self, w: &mut XmlWriter);
    /// Operations without output have no `<{Action}Result>` element at all.
    fn has_result(&self) -> bool {
        true
    }
}

/// An operation's result for the protocol the client spoke: the Query XML envelope (with
/// the service's namespace) or the JSON or CBOR document serde makes of it.
pub fn render_output<O: serde::Serialize + WriteXml>(
    action: &str,
    namespace: &str,
    out: &O,
    protocol: crate::Protocol,
    request_id: &str,
) -> crate::ApiResponse {
    use crate::{ApiResponse, Protocol};
    match protocol {
        Protocol::Query => {
            let write = |w: &mut XmlWriter| out.write_xml(w);
            let result: Option<&dyn Fn(&mut XmlWriter)> = out.has_result().then_some(&write);
            ApiResponse::ok(
                ApiResponse::XML,
                query_response(action, namespace, request_id, result),
            )
        }
        Protocol::AwsJson10 | Protocol::AwsJson11 | Protocol::Cbor => {
            render_document(out, protocol)
        }
    }
}

/// A result as a JSON or CBOR document (a Query client gets JSON 1.0: only services that
/// speak Query call `render_output`, which answers it in XML).
pub fn render_document<O: serde::Serialize>(
    out: &O,
    protocol: crate::Protocol,
) -> crate::ApiResponse {
    use crate::{ApiResponse, Protocol};
    match protocol {
        Protocol::Cbor => ApiResponse::ok(ApiResponse::CBOR, crate::cbor::to_vec(out)),
        Protocol::AwsJson11 => ApiResponse::ok(
            ApiResponse::JSON_11,
            serde_json::to_vec(out).unwrap_or_else(|_| b"{}".to_vec()),
        ),
        Protocol::AwsJson10 | Protocol::Query => ApiResponse::ok(
            ApiResponse::JSON_10,
            serde_json::to_vec(out).unwrap_or_else(|_| b"{}".to_vec()),
        ),
    }
}

/// Writes XML through quick-xml, element by element; nothing is buffered but the output.
pub struct XmlWriter {
    out: quick_xml::Writer<Vec<u8>>,
}

impl std::fmt::Debug for XmlWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("XmlWriter")
    }
}

impl Default for XmlWriter {
    fn default() -> Self {
        XmlWriter::new()
    }
}

impl XmlWriter {
    pub fn new() -> XmlWriter {
        XmlWriter {
            out: quick_xml::Writer::new(Vec::with_capacity(512)),
        }
    }

    /// Writes one event; writing into a `Vec` cannot fail.
    fn write<'a>(&mut self, event: impl Into<Event<'a>>) -> &mut Self {
        let _ = self.out.write_event(event);
        self
    }

    /// `<?xml version="1.0"?>`, as AWS starts every Query answer.
    pub fn declaration(&mut self) -> &mut Self {
        self.write(Event::Decl(BytesDecl::new("1.0", None, None)))
    }

    pub fn open(&mut self, name: &str) -> &mut Self {
        self.write(Event::Start(BytesStart::new(name)))
    }

    /// `<name xmlns="namespace">`.
    pub fn open_in(&mut self, name: &str, namespace: &str) -> &mut Self {
        self.write(Event::Start(
            BytesStart::new(name).with_attributes([("xmlns", namespace)]),
        ))
    }

    pub fn close(&mut self, name: &str) -> &mut Self {
        self.write(Event::End(BytesEnd::new(name)))
    }

    /// `<name>escaped text</name>`.
    pub fn elem(&mut self, name: &str, text: &str) -> &mut Self {
        self.open(name);
        self.write(Event::Text(BytesText::from_escaped(escape_text(text))));
        self.close(name)
    }

    /// Writes the element only when there is a value.
    pub fn opt_elem(&mut self, name: &str, text: Option<&str>) -> &mut Self {
        if let Some(text) = text {
            self.elem(name, text);
        }
        self
    }

    pub fn empty(&mut self, name: &str) -> &mut Self {
        self.write(Event::Empty(BytesStart::new(name)))
    }

    pub fn finish(self) -> Vec<u8> {
        self.out.into_inner()
    }
}

/// Text as AWS escapes it: quick-xml's five entities (`&quot;` included, as recorded SQS
/// answers show), plus carriage returns as `&#xD;` — an XML parser would otherwise turn
/// `\r\n` into `\n` and change a message body (moto and LocalStack fixed the same loss).
fn escape_text(text: &str) -> Cow<'_, str> {
    let escaped = quick_xml::escape::escape(text);
    if escaped.contains('\r') {
        Cow::Owned(escaped.replace('\r', "&#xD;"))
    } else {
        escaped
    }
}

/// The AWS Query success envelope. `result` writes the children of `<{action}Result>`;
/// `None` leaves the result element out, as AWS does for actions without output.
pub fn query_response(
    action: &str,
    namespace: &str,
    request_id: &str,
    result: Option<&dyn Fn(&mut XmlWriter)>,
) -> Vec<u8> {
    let mut w = XmlWriter::new();
    let response = format!("{action}Response");
    w.declaration().open_in(&response, namespace);
    if let Some(write) = result {
        let tag = format!("{action}Result");
        w.open(&tag);
        write(&mut w);
        w.close(&tag);
    }
    w.open("ResponseMetadata")
        .elem("RequestId", request_id)
        .close("ResponseMetadata");
    w.close(&response);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_specials_and_carriage_returns() {
        let mut w = XmlWriter::new();
        w.elem("Body", "a<b>&\"c'\r\n");
        assert_eq!(
            String::from_utf8(w.finish()).expect("utf8"),
            "<Body>a&lt;b&gt;&amp;&quot;c&apos;&#xD;\n</Body>"
        );
    }

    #[test]
    fn envelope_matches_aws_shape() {
        let body = query_response(
            "GetQueueUrl",
            "http://queue.amazonaws.com/doc/2012-11-05/",
            "rid",
            Some(&|w: &mut XmlWriter| {
                w.elem("QueueUrl", "http://h/1/q");
            }),
        );
        assert_eq!(
            String::from_utf8(body).expect("utf8"),
            "<?xml version=\"1.0\"?><GetQueueUrlResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><GetQueueUrlResult><QueueUrl>http://h/1/q</QueueUrl></GetQueueUrlResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></GetQueueUrlResponse>"
        );
        let empty = query_response("DeleteQueue", "ns", "rid", None);
        assert_eq!(
            String::from_utf8(empty).expect("utf8"),
            "<?xml version=\"1.0\"?><DeleteQueueResponse xmlns=\"ns\"><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></DeleteQueueResponse>"
        );
    }
}
