//! The one AWS entry point: every request that is not one of Sluice's own endpoints comes
//! here. Bounded body read, detection (service, protocol, operation), one `RequestContext`,
//! the service's `serve`, and one `ApiResponse` back. Failures before a service is known
//! (body too large, unknown target or action, malformed form) are answered here, shaped as
//! the client's service and protocol expect.

use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::response::Response;
use bytes::Bytes;
use futures_util::FutureExt;
use http_body_util::{BodyExt, Limited};
use sluice_wire::{detect, generic, guess, ApiRequest, ApiResponse, Operations, Protocol, Service};

use crate::respond;
use crate::state::AppState;

/// Every operation of every service, as their APIs declare them.
pub(crate) const OPERATIONS: Operations = Operations {
    sqs: sluice_sqs::api::ACTIONS,
    sns: sluice_sns::api::ACTIONS,
    kinesis: sluice_kinesis::api::ACTIONS,
};

const INTERNAL_FAILURE_MESSAGE: &str =
    "The request processing has failed because of an unknown error, exception or failure.";

pub(crate) async fn handle(State(app): State<Arc<AppState>>, request: Request) -> Response {
    #[allow(clippy::disallowed_methods)] // request latency is real elapsed time by definition
    let started = std::time::Instant::now();
    let request_id = app.ids.uuid();
    let source_ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let (parts, body) = request.into_parts();
    let (service, protocol) = guess(&parts.headers, &parts.uri);
    let limit = match protocol {
        Protocol::Query => app.settings.max_query_bytes,
        _ => app.settings.max_request_bytes,
    };
    let (label, response) = match read_body(body, limit).await {
        Ok(bytes) => match detect(
            &parts.method,
            &parts.uri,
            &parts.headers,
            bytes,
            &OPERATIONS,
        ) {
            Ok(api) => {
                let label = (api.service.name(), Some(api.operation.clone()));
                let ctx = app.context(&parts, api.credential.as_ref(), request_id, source_ip);
                let response = serve_guarded(&app, &ctx, api, &parts.uri).await;
                return finish(&app, label, response, &ctx.request_id, started);
            }
            Err(e) => (("none", None), e.response(&request_id)),
        },
        Err(BodyError::TooLarge) => (
            ("none", None),
            generic::framework_error(
                service,
                protocol,
                &generic::REQUEST_ENTITY_TOO_LARGE,
                &format!("Request body must be no larger than {limit} bytes."),
                &request_id,
            ),
        ),
        Err(BodyError::Io) => (
            ("none", None),
            generic::framework_error(
                service,
                protocol,
                &generic::SERIALIZATION,
                "The request body could not be read.",
                &request_id,
            ),
        ),
    };
    finish(&app, label, response, &request_id, started)
}

/// Runs the service; a bug costs one request a 500, never the connection or the process.
async fn serve_guarded(
    app: &AppState,
    ctx: &sluice_core::RequestContext,
    api: ApiRequest,
    uri: &http::Uri,
) -> ApiResponse {
    let (service, protocol) = (api.service, api.protocol);
    let served = AssertUnwindSafe(async {
        match service {
            Service::Sqs => sluice_sqs::serve(&app.sqs, ctx, api).await,
            Service::Sns => sluice_sns::serve(&app.sns, ctx, api).await,
            Service::Kinesis => sluice_kinesis::serve(&app.kinesis, ctx, api).await,
        }
    })
    .catch_unwind()
    .await;
    let response = served.unwrap_or_else(|_| {
        tracing::error!(request_id = %ctx.request_id, %uri, "request handler panicked");
        generic::framework_error(
            service,
            protocol,
            &generic::INTERNAL_FAILURE,
            INTERNAL_FAILURE_MESSAGE,
            &ctx.request_id,
        )
    });
    // With a data dir, nothing leaves before the changes it could have seen are committed:
    // its own, and those of requests whose effects it observed.
    match &app.store {
        Some(store) if store.synced().await.is_err() => generic::framework_error(
            service,
            protocol,
            &generic::INTERNAL_FAILURE,
            INTERNAL_FAILURE_MESSAGE,
            &ctx.request_id,
        ),
        _ => response,
    }
}

/// Counts and logs the answer, then hands it to axum.
fn finish(
    app: &AppState,
    (service, operation): (&'static str, Option<String>),
    response: ApiResponse,
    request_id: &str,
    started: std::time::Instant,
) -> Response {
    let elapsed = started.elapsed();
    let operation = operation.as_deref().unwrap_or("unknown");
    app.metrics
        .record(service, operation, response.status, elapsed);
    tracing::debug!(
        %request_id,
        service,
        operation,
        status = response.status,
        micros = elapsed.as_micros() as u64,
        "request"
    );
    respond::api(response, request_id)
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

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, Method, Uri};

    #[test]
    fn unsigned_query_requests_reach_every_sns_operation() {
        for action in sluice_sns::api::ACTIONS {
            let uri: Uri = format!("/?Action={action}").parse().expect("uri");
            let detected = detect(
                &Method::GET,
                &uri,
                &HeaderMap::new(),
                Bytes::new(),
                &OPERATIONS,
            )
            .expect("routes");
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
