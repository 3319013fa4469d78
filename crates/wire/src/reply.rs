//! `Reply`: a rendered response, ready for the HTTP layer to send.

/// Status, content type, extra headers and body of one response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub const XML: &'static str = "text/xml";
    pub const JSON_10: &'static str = "application/x-amz-json-1.0";
    pub const JSON_11: &'static str = "application/x-amz-json-1.1";
    pub const CBOR: &'static str = "application/x-amz-cbor-1.1";

    pub fn ok(content_type: &'static str, body: Vec<u8>) -> Reply {
        Reply {
            status: 200,
            content_type,
            headers: Vec::new(),
            body,
        }
    }
}
