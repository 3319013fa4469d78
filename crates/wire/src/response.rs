//! `ApiResponse`: what every operation of every service answers, ready for the HTTP layer —
//! one whole document, or an event stream whose frames are produced as events happen.

use std::fmt;
use std::pin::Pin;

use bytes::Bytes;
use futures_core::Stream;

/// Status, content type, extra headers and body of one answer.
#[derive(Debug)]
pub struct ApiResponse {
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: ResponseBody,
}

/// The body of an answer.
pub enum ResponseBody {
    Full(Vec<u8>),
    /// `application/vnd.amazon.eventstream` frames, sent as they come (SubscribeToShard).
    EventStream(EventStream),
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseBody::Full(body) => write!(f, "Full({} bytes)", body.len()),
            ResponseBody::EventStream(_) => f.write_str("EventStream"),
        }
    }
}

/// Encoded event-stream frames, ending when the stream ends.
pub struct EventStream(pub Pin<Box<dyn Stream<Item = Bytes> + Send>>);

impl ApiResponse {
    pub const XML: &'static str = "text/xml";
    pub const JSON_10: &'static str = "application/x-amz-json-1.0";
    pub const JSON_11: &'static str = "application/x-amz-json-1.1";
    pub const CBOR: &'static str = "application/x-amz-cbor-1.1";
    pub const EVENT_STREAM: &'static str = "application/vnd.amazon.eventstream";

    /// A 200 answer with a whole body.
    pub fn ok(content_type: &'static str, body: Vec<u8>) -> ApiResponse {
        ApiResponse {
            status: 200,
            content_type,
            headers: Vec::new(),
            body: ResponseBody::Full(body),
        }
    }

    /// A 200 answer streaming `frames`.
    pub fn event_stream(frames: impl Stream<Item = Bytes> + Send + 'static) -> ApiResponse {
        ApiResponse {
            status: 200,
            content_type: ApiResponse::EVENT_STREAM,
            headers: Vec::new(),
            body: ResponseBody::EventStream(EventStream(Box::pin(frames))),
        }
    }

    /// The whole body, or `None` for an event stream.
    pub fn full_body(&self) -> Option<&[u8]> {
        match &self.body {
            ResponseBody::Full(body) => Some(body),
            ResponseBody::EventStream(_) => None,
        }
    }
}
