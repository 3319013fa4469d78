//! HTTP responses: an `ApiResponse` (whole or event stream) as axum sends it, and the JSON
//! and text answers of Sluice's own endpoints.

use axum::body::Body;
use axum::response::Response;
use http::{HeaderValue, StatusCode};
use serde_json::{json, Value};
use sluice_wire::{ApiResponse, ResponseBody};

/// An AWS answer, with the request id every AWS response carries.
pub(crate) fn api(response: ApiResponse, request_id: &str) -> Response {
    let body = match response.body {
        ResponseBody::Full(bytes) => Body::from(bytes),
        ResponseBody::EventStream(frames) => {
            use futures_util::StreamExt;
            Body::from_stream(frames.0.map(Ok::<_, std::convert::Infallible>))
        }
    };
    let mut http = Response::new(body);
    *http.status_mut() =
        StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = http.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(response.content_type),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", v);
    }
    for (name, value) in response.headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    http
}

/// A body with its content type.
pub(crate) fn typed(status: StatusCode, content_type: &'static str, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    );
    response
}

pub(crate) fn json_response(status: StatusCode, body: Value) -> Response {
    typed(status, "application/json", Body::from(body.to_string()))
}

pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({ "error": message }))
}

pub(crate) fn no_content() -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}
