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
            json!({ "status": "ok", "services": { "sqs": "running", "sns": "running", "kinesis": "running" } }),
        ),
        (&Method::GET | &Method::HEAD, "/_localstack/health") => json_response(
            StatusCode::OK,
            json!({
                "services": { "sqs": "running", "sns": "running", "kinesis": "running" },
                "edition": "community",
                "version": env!("CARGO_PKG_VERSION"),
            }),
        ),
        (&Method::GET, "/_sluice/clock") => clock_now(app),
        (&Method::GET, "/_sluice/resources") => resources(app),
        (&Method::GET, "/metrics") => {
            let mut response = Response::new(Body::from(app.metrics.render(app)));
            response.headers_mut().insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4"),
            );
            response
        }
        (&Method::GET, "/_sluice/sqs/messages") => sqs_messages(app, uri),
        (&Method::GET, "/_sluice/kinesis/records") => kinesis_records(app, uri),
        (&Method::POST, "/_sluice/sns/flush") => {
            app.sns.flush_deliveries().await;
            json_response(StatusCode::OK, json!({ "flushed": true }))
        }
        (&Method::POST, "/_sluice/reset") => {
            app.sqs.reset();
            app.sns.reset();
            app.kinesis.reset();
            json_response(StatusCode::OK, json!({ "reset": true }))
        }
        (&Method::POST, "/_sluice/clock/advance") => advance(app, body).await,
        (
            _,
            "/_sluice/clock"
            | "/_sluice/clock/advance"
            | "/health"
            | "/_localstack/health"
            | "/_sluice/resources"
            | "/_sluice/sqs/messages"
            | "/_sluice/reset",
        ) => error(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method not allowed for this path.",
        ),
        _ => return None,
    };
    Some(response)
}

/// Every queue with its counts and every topic with its subscriptions.
fn resources(app: &AppState) -> Response {
    let queues: Vec<Value> = app
        .sqs
        .summaries()
        .into_iter()
        .map(|q| {
            json!({
                "name": q.name,
                "arn": q.arn,
                "account": q.account,
                "region": q.region,
                "fifo": q.fifo,
                "messages": q.counts.visible,
                "messages_in_flight": q.counts.in_flight,
                "messages_delayed": q.counts.delayed,
            })
        })
        .collect();
    let topics: Vec<Value> = app
        .sns
        .registry()
        .all_topics()
        .into_iter()
        .map(|t| {
            let subscriptions: Vec<Value> = t
                .subscribers()
                .iter()
                .map(|s| {
                    json!({
                        "arn": s.arn.as_ref(),
                        "protocol": s.protocol.as_str(),
                        "endpoint": s.endpoint,
                        "confirmed": s.is_confirmed(),
                    })
                })
                .collect();
            json!({ "arn": t.arn.as_ref(), "fifo": t.fifo, "subscriptions": subscriptions })
        })
        .collect();
    let streams: Vec<Value> = app
        .kinesis
        .summaries()
        .into_iter()
        .map(|(arn, open_shards, records)| {
            json!({ "arn": arn, "open_shards": open_shards, "records": records })
        })
        .collect();
    json_response(
        StatusCode::OK,
        json!({
            "sqs": { "queues": queues },
            "sns": { "topics": topics },
            "kinesis": { "streams": streams },
        }),
    )
}

/// A queue's messages (in flight and delayed included) in the SQS JSON shape.
fn sqs_messages(app: &AppState, uri: &Uri) -> Response {
    let pairs = query_pairs(uri);
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
fn kinesis_records(app: &AppState, uri: &Uri) -> Response {
    let pairs = query_pairs(uri);
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
    let ctx = sluice_kinesis::RequestContext {
        account: app.settings.account_id.clone(),
        region: app.settings.region.clone(),
    };
    match app.kinesis.peek_records(
        &ctx,
        param("StreamName"),
        param("StreamARN"),
        param("ShardId"),
        limit,
    ) {
        Ok(body) => json_response(StatusCode::OK, body),
        Err(e) => error(StatusCode::NOT_FOUND, e.message()),
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
