//! The one catch-all HTTP handler: bounded body read, service and protocol detection, the
//! request context, and hand-off to the service's API. Failures before a service is known
//! (body too large, unknown target or action, malformed form) are answered here, AWS-shaped.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use bytes::Bytes;
use futures_util::FutureExt;
use http::{HeaderMap, HeaderValue, StatusCode};
use http_body_util::{BodyExt, Limited};
use sluice_kinesis::{EventStream, KinesisReply};
use sluice_wire::{
    detect, generic, render_error, Credential, DetectError, ErrorDescriptor, Protocol, Reply,
    Service, ServiceWire,
};

use crate::state::AppState;

/// The protocol a request probably speaks, for errors raised before detection finishes.
fn likely_protocol(headers: &HeaderMap) -> Protocol {
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type.starts_with("application/x-amz-cbor-1.1") {
        Protocol::Cbor
    } else if content_type.starts_with("application/x-amz-json-1.1") {
        Protocol::AwsJson11
    } else if headers.contains_key("x-amz-target") {
        Protocol::AwsJson10
    } else {
        Protocol::Query
    }
}

/// What a request was, for metrics and the request log.
#[derive(Debug)]
struct Label {
    service: &'static str,
    operation: String,
}

pub async fn handle(State(app): State<Arc<AppState>>, request: Request) -> Response {
    #[allow(clippy::disallowed_methods)] // request latency is real elapsed time by definition
    let started = std::time::Instant::now();
    let request_id = app.ids.uuid();
    let mut label = Label {
        service: "none",
        operation: "unknown".to_owned(),
    };
    let (parts, body) = request.into_parts();
    let protocol = likely_protocol(&parts.headers);
    let limit = match protocol {
        Protocol::Query => app.settings.max_query_bytes,
        _ => app.settings.max_request_bytes,
    };
    let reply = match read_body(body, limit).await {
        Ok(bytes) => {
            if let Some(response) =
                crate::admin::handle(&app, &parts.method, &parts.uri, &bytes).await
            {
                return response;
            }
            if let Some(response) = crate::sqs_admin::handle(
                &app,
                &parts.method,
                &parts.uri,
                &parts.headers,
                &bytes,
                &request_id,
            ) {
                return response;
            }
            // A bug must cost one request a 500, never the connection or the process.
            match AssertUnwindSafe(route(&app, &parts, bytes, &request_id, &mut label))
                .catch_unwind()
                .await
            {
                Ok(Routed::Reply(reply)) => reply,
                Ok(Routed::Events(events)) => {
                    app.metrics
                        .record(label.service, &label.operation, 200, started.elapsed());
                    return event_stream_response(events, &request_id);
                }
                Err(_) => {
                    tracing::error!(%request_id, uri = %parts.uri, "request handler panicked");
                    render_error(
                        protocol,
                        wire_for(&parts.headers),
                        &generic::INTERNAL_FAILURE,
                        "The request processing has failed because of an unknown error, exception or failure.",
                        &request_id,
                    )
                }
            }
        }
        Err(BodyError::TooLarge) => render_error(
            protocol,
            wire_for(&parts.headers),
            &generic::REQUEST_ENTITY_TOO_LARGE,
            &format!("Request body must be no larger than {limit} bytes."),
            &request_id,
        ),
        Err(BodyError::Io) => render_error(
            protocol,
            wire_for(&parts.headers),
            &generic::SERIALIZATION,
            "The request body could not be read.",
            &request_id,
        ),
    };
    let elapsed = started.elapsed();
    app.metrics
        .record(label.service, &label.operation, reply.status, elapsed);
    tracing::debug!(
        %request_id,
        service = label.service,
        operation = %label.operation,
        status = reply.status,
        micros = elapsed.as_micros() as u64,
        "request"
    );
    into_response(reply, &request_id)
}

/// The service whose error namespace answers a request that failed before routing: the one
/// its signature names, else SQS.
fn wire_for(headers: &HeaderMap) -> &'static ServiceWire {
    let signed_for_sns = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(Credential::from_authorization)
        .is_some_and(|c| c.service == "sns");
    if signed_for_sns
        || headers
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("AmazonSimpleNotificationService."))
    {
        &sluice_sns::api::errors::WIRE
    } else {
        &sluice_sqs::api::errors::WIRE
    }
}

enum BodyError {
    TooLarge,
    Io,
}

async fn read_body(body: Body, limit: usize) -> Result<Bytes, BodyError> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(BodyError::TooLarge),
        Err(_) => Err(BodyError::Io),
    }
}

async fn route(
    app: &AppState,
    parts: &http::request::Parts,
    body: Bytes,
    request_id: &str,
    label: &mut Label,
) -> Routed {
    let detected = match detect(&parts.method, &parts.uri, &parts.headers, body) {
        Ok(d) => d,
        Err(e) => return Routed::Reply(detect_error(&e, &parts.headers, request_id)),
    };
    label.service = match detected.service {
        Service::Sqs => "sqs",
        Service::Sns => "sns",
        Service::Kinesis => "kinesis",
    };
    label.operation.clone_from(&detected.action);
    match detected.service {
        Service::Sqs => {
            let ctx = app.sqs_context(parts, detected.credential.as_ref());
            Routed::Reply(
                sluice_sqs::serve(
                    &app.sqs,
                    &ctx,
                    detected.protocol,
                    &detected.action,
                    &detected.payload,
                    request_id,
                )
                .await,
            )
        }
        Service::Sns => {
            let ctx = app.sns_context(parts, detected.credential.as_ref());
            Routed::Reply(
                sluice_sns::serve(
                    &app.sns,
                    &ctx,
                    detected.protocol,
                    &detected.action,
                    &detected.payload,
                    request_id,
                )
                .await,
            )
        }
        Service::Kinesis => {
            let ctx = app.kinesis_context(parts, detected.credential.as_ref());
            match sluice_kinesis::serve(
                &app.kinesis,
                &ctx,
                detected.protocol,
                &detected.action,
                &detected.payload,
                request_id,
            )
            .await
            {
                KinesisReply::Whole(reply) => Routed::Reply(reply),
                KinesisReply::Events(events) => Routed::Events(events),
            }
        }
    }
}

/// What routing produced: one reply, or an event stream (SubscribeToShard).
enum Routed {
    Reply(Reply),
    Events(EventStream),
}

/// A streaming `application/vnd.amazon.eventstream` answer: frames as the service emits
/// them, over HTTP/1.1 chunks or an HTTP/2 stream.
fn event_stream_response(events: EventStream, request_id: &str) -> Response {
    let frames = futures_util::stream::unfold(events.frames, |mut rx| async move {
        rx.recv()
            .await
            .map(|frame| (Ok::<Bytes, std::convert::Infallible>(frame), rx))
    });
    let mut response = Response::new(Body::from_stream(frames));
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.amazon.eventstream"),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", v);
    }
    response
}

fn detect_error(error: &DetectError, headers: &HeaderMap, request_id: &str) -> Reply {
    let (desc, message): (&ErrorDescriptor, String) = match error {
        DetectError::MissingAction => (
            &generic::MISSING_ACTION,
            "The request must contain the parameter Action.".to_owned(),
        ),
        DetectError::UnknownAction(action) => (
            &generic::UNKNOWN_OPERATION,
            format!("The action {action} is not valid for this endpoint."),
        ),
        DetectError::UnknownTarget(target) => (
            &generic::UNKNOWN_OPERATION,
            format!("The operation {target} is not known."),
        ),
        DetectError::MalformedQuery(e) => (&generic::MALFORMED_QUERY_STRING, e.to_string()),
    };
    render_error(
        likely_protocol(headers),
        wire_for(headers),
        desc,
        &message,
        request_id,
    )
}

fn into_response(reply: Reply, request_id: &str) -> Response {
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(reply.content_type),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", v);
    }
    for (name, value) in reply.headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned_query_requests_reach_every_sns_operation() {
        for action in sluice_sns::api::ACTIONS {
            let uri: http::Uri = format!("/?Action={action}").parse().expect("uri");
            let detected =
                detect(&http::Method::GET, &uri, &HeaderMap::new(), Bytes::new()).expect("routes");
            // Actions both services have go to SQS unless the request is signed for SNS.
            let expected = if ["AddPermission", "RemovePermission"].contains(action) {
                Service::Sqs
            } else {
                Service::Sns
            };
            assert_eq!(detected.service, expected, "{action}");
        }
    }
}
