//! Sluice's own HTTP endpoints beside the AWS APIs: health (Sluice's and LocalStack's shape)
//! and control of the shared clock when it is manual (`--clock manual`), so a test in any
//! language can skip a 12-hour visibility timeout in milliseconds.

use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode, Uri};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::state::AppState;

/// The longest single advance accepted (ten years), so one call stays bounded.
const MAX_ADVANCE: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: Option<u64>,
    millis: Option<u64>,
}

pub(crate) fn json_response(status: StatusCode, body: Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({ "error": message }))
}

/// Answers an admin request, or `None` when the path is not an admin path.
pub async fn handle(app: &AppState, method: &Method, uri: &Uri, body: &Bytes) -> Option<Response> {
    let path = uri.path();
    if let Some(response) = crate::sns_admin::handle(app, method, uri) {
        return Some(response);
    }
    let response = match (method, path) {
        (&Method::GET | &Method::HEAD, "/health") => json_response(
            StatusCode::OK,
            json!({ "status": "ok", "services": { "sqs": "running", "sns": "running" } }),
        ),
        (&Method::GET | &Method::HEAD, "/_localstack/health") => json_response(
            StatusCode::OK,
            json!({
                "services": { "sqs": "running", "sns": "running" },
                "edition": "community",
                "version": env!("CARGO_PKG_VERSION"),
            }),
        ),
        (&Method::GET, "/_sluice/clock") => clock_now(app),
        (&Method::POST, "/_sluice/clock/advance") => advance(app, body).await,
        (_, "/_sluice/clock" | "/_sluice/clock/advance" | "/health" | "/_localstack/health") => {
            error(
                StatusCode::METHOD_NOT_ALLOWED,
                "Method not allowed for this path.",
            )
        }
        _ => return None,
    };
    Some(response)
}

fn clock_now(app: &AppState) -> Response {
    let mode = if app.manual_clock.is_some() {
        "manual"
    } else {
        "system"
    };
    json_response(
        StatusCode::OK,
        json!({ "now": app.clock.now().as_millis(), "mode": mode }),
    )
}

async fn advance(app: &AppState, body: &Bytes) -> Response {
    let Some(clock) = &app.manual_clock else {
        return error(
            StatusCode::CONFLICT,
            "The clock follows real time; start Sluice with --clock manual (SLUICE_CLOCK=manual) to advance it.",
        );
    };
    let by = match serde_json::from_slice::<Advance>(body) {
        Ok(Advance {
            seconds: Some(s),
            millis: None,
        }) => Duration::from_secs(s),
        Ok(Advance {
            seconds: None,
            millis: Some(ms),
        }) => Duration::from_millis(ms),
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "Expected a JSON body {\"seconds\": N} or {\"millis\": N}.",
            )
        }
    };
    if by > MAX_ADVANCE {
        return error(
            StatusCode::BAD_REQUEST,
            "An advance is limited to ten years.",
        );
    }
    clock.advance(by).await;
    clock_now(app)
}
