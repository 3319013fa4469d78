//! A small streaming XML writer and the AWS Query response envelope
//! (`<XResponse xmlns=..><XResult>..</XResult><ResponseMetadata>..`).

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

/// Appends escaped XML to a buffer. Elements are written in order; nothing is buffered.
#[derive(Debug, Default)]
pub struct XmlWriter {
    out: String,
}

impl XmlWriter {
    pub fn new() -> XmlWriter {
        XmlWriter {
            out: String::with_capacity(512),
        }
    }

    pub fn open(&mut self, name: &str) -> &mut Self {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    pub fn close(&mut self, name: &str) -> &mut Self {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    /// `<name>escaped text</name>`.
    pub fn elem(&mut self, name: &str, text: &str) -> &mut Self {
        self.open(name);
        escape_into(&mut self.out, text);
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
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str("/>");
        self
    }

    pub fn raw(&mut self, s: &str) -> &mut Self {
        self.out.push_str(s);
        self
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// Escapes the five XML specials and carriage returns (which XML parsers would otherwise
/// normalise away, changing message bodies).
fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&apos;",
            b'\r' => "&#xD;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&text[last..]);
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
    w.raw("<?xml version=\"1.0\"?><")
        .raw(action)
        .raw("Response xmlns=\"")
        .raw(namespace)
        .raw("\">");
    if let Some(write) = result {
        let tag = format!("{action}Result");
        w.open(&tag);
        write(&mut w);
        w.close(&tag);
    }
    w.open("ResponseMetadata")
        .elem("RequestId", request_id)
        .close("ResponseMetadata");
    w.raw("</").raw(action).raw("Response>");
    w.finish().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_specials_and_carriage_returns() {
        let mut w = XmlWriter::new();
        w.elem("Body", "a<b>&\"c'\r\n");
        assert_eq!(
            w.finish(),
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
