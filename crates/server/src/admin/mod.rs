//! Sluice's own HTTP endpoints beside the AWS APIs, as axum routes: health (Sluice's and
//! LocalStack's shape), metrics, inspection and reset, and control of the shared clock when it
//! is manual (`--clock manual`), so a test in any language can skip a 12-hour visibility
//! timeout in milliseconds. The router answers 404 and 405 for them; everything else falls
//! through to the AWS entry point.

mod sns;
mod sqs;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use bytes::Bytes;
use http::{StatusCode, Uri};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::respond::{error, json_response, typed};
use crate::snapshot::Snapshot;
use crate::state::AppState;

type App = State<Arc<AppState>>;

/// The longest single advance accepted (ten years), so one call stays bounded.
const MAX_ADVANCE: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: Option<u64>,
    millis: Option<u64>,
}

/// Sluice's own routes; the caller adds the AWS entry point as the fallback.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/health", get(health))
        .route("/_localstack/health", get(localstack_health))
        .route("/metrics", get(metrics))
        .route("/_sluice/clock", get(clock_now))
        .route("/_sluice/clock/advance", post(advance))
        .route("/_sluice/resources", get(resources))
        .route("/_sluice/sqs/messages", get(sqs_messages))
        .route("/_sluice/kinesis/records", get(kinesis_records))
        .route("/_sluice/sns/flush", post(sns_flush))
        .route("/_sluice/reset", post(reset))
        .merge(sqs::routes())
        .merge(sns::routes())
}

const SERVICES: [&str; 3] = ["sqs", "sns", "kinesis"];

fn running() -> Value {
    Value::Object(
        SERVICES
            .iter()
            .map(|s| ((*s).to_owned(), json!("running")))
            .collect(),
    )
}

async fn health() -> Response {
    json_response(
        StatusCode::OK,
        json!({ "status": "ok", "services": running() }),
    )
}

async fn localstack_health() -> Response {
    json_response(
        StatusCode::OK,
        json!({
            "services": running(),
            "edition": "community",
            "version": env!("CARGO_PKG_VERSION"),
        }),
    )
}

async fn metrics(State(app): App) -> Response {
    typed(
        StatusCode::OK,
        "text/plain; version=0.0.4",
        Body::from(app.metrics.render(&Snapshot::take(&app))),
    )
}

async fn sns_flush(State(app): App) -> Response {
    app.sns.flush_deliveries().await;
    json_response(StatusCode::OK, json!({ "flushed": true }))
}

async fn reset(State(app): App) -> Response {
    app.sqs.reset();
    app.sns.reset();
    app.kinesis.reset();
    json_response(StatusCode::OK, json!({ "reset": true }))
}

/// Every queue with its counts, every topic with its subscriptions, every stream.
async fn resources(State(app): App) -> Response {
    let snapshot = Snapshot::take(&app);
    json_response(
        StatusCode::OK,
        json!({
            "sqs": { "queues": snapshot.queues },
            "sns": { "topics": snapshot.topics },
            "kinesis": { "streams": snapshot.streams },
        }),
    )
}

/// A queue's messages (in flight and delayed included) in the SQS JSON shape.
async fn sqs_messages(State(app): App, uri: Uri) -> Response {
    let pairs = query_pairs(&uri);
    let Some((_, url)) = pairs.iter().find(|(k, _)| k == "QueueUrl") else {
        return error(StatusCode::BAD_REQUEST, "QueueUrl is required.");
    };
    match app.sqs.find_queue(url, &app.settings.region) {
        Some(cell) => json_response(
            StatusCode::OK,
            serde_json::to_value(app.sqs.peek(&cell)).unwrap_or(Value::Null),
        ),
        None => error(StatusCode::NOT_FOUND, "The specified queue does not exist."),
    }
}

/// A stream's records from the trim horizon (all shards, or `ShardId`), at most `Limit` a
/// shard (default 1000).
async fn kinesis_records(State(app): App, uri: Uri) -> Response {
    let pairs = query_pairs(&uri);
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let limit = param("Limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(1000)
        .clamp(1, 10_000);
    let ctx = app.internal_context();
    match app.kinesis.peek_records(
        &ctx,
        param("StreamName"),
        param("StreamARN"),
        param("ShardId"),
        limit,
    ) {
        Ok(body) => json_response(StatusCode::OK, body),
        Err(e) => error(StatusCode::NOT_FOUND, &e.message()),
    }
}

/// The decoded parameters of a URL's query string (malformed ones are skipped).
pub(crate) fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    if let Some(q) = uri.query() {
        let _ = sluice_wire::QueryNode::parse_form(q.as_bytes(), &mut pairs);
    }
    pairs
}

async fn clock_now(State(app): App) -> Response {
    clock_state(&app)
}

fn clock_state(app: &AppState) -> Response {
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

async fn advance(State(app): App, body: Bytes) -> Response {
    let Some(clock) = &app.manual_clock else {
        return error(
            StatusCode::CONFLICT,
            "The clock follows real time; start Sluice with --clock manual (SLUICE_CLOCK=manual) to advance it.",
        );
    };
    let by = match serde_json::from_slice::<Advance>(&body) {
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
    clock_state(&app)
}
