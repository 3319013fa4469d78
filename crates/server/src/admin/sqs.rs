//! SQS inspection beside the API: LocalStack's `/_aws/sqs/messages` (every message of a
//! queue, in flight and delayed included, without receiving it; XML like ReceiveMessage, or
//! JSON in xmltodict's shape, built from the messages, when the client asks for JSON), by `?QueueUrl=`, by
//! `/<region>/<account>/<queue>`, or as an SQS endpoint answering ReceiveMessage.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use http::{HeaderMap, StatusCode, Uri};
use serde_json::{json, Map, Value};
use sluice_core::{AccountId, Region};
use sluice_sqs::engine::{QueueCell, QueueKey};
use sluice_sqs::model::output::{MessageOutput, ReceiveMessageOutput, WriteXml};
use sluice_wire::{query_response, QueryNode, Service};

use crate::respond::{error, typed};
use crate::state::AppState;

const MESSAGES_PATH: &str = "/_aws/sqs/messages";

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(MESSAGES_PATH, get(by_url).post(by_url))
        .route(
            &format!("{MESSAGES_PATH}/{{region}}/{{account}}/{{queue}}"),
            get(by_path).post(by_path),
        )
}

/// Parameters from the query string and a form body (the ReceiveMessage form).
fn params(uri: &Uri, body: &Bytes) -> Vec<(String, String)> {
    let mut pairs = super::query_pairs(uri);
    let _ = QueryNode::parse_form(body, &mut pairs);
    pairs
}

/// `?QueueUrl=<url>`, or the form of a ReceiveMessage sent to this path as an endpoint.
async fn by_url(
    State(app): State<Arc<AppState>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let pairs = params(&uri, &body);
    let Some((_, url)) = pairs.iter().find(|(k, _)| k == "QueueUrl") else {
        return error(StatusCode::BAD_REQUEST, "QueueUrl is required.");
    };
    let cell = app.sqs.find_queue(url, &app.settings.region);
    answer(&app, cell, &headers)
}

/// `/<region>/<account>/<queue>`.
async fn by_path(
    State(app): State<Arc<AppState>>,
    Path((region, account, name)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let cell = match (Region::parse(&region), AccountId::parse(&account)) {
        (Some(region), Some(account)) => app.sqs.registry().get(&QueueKey {
            account,
            region,
            name,
        }),
        _ => None,
    };
    answer(&app, cell, &headers)
}

/// Every message of the queue as ReceiveMessage would show it, without receiving any.
fn answer(app: &AppState, cell: Option<Arc<QueueCell>>, headers: &HeaderMap) -> Response {
    let Some(cell) = cell else {
        return error(
            StatusCode::BAD_REQUEST,
            "AWS.SimpleQueueService.NonExistentQueue: The specified queue does not exist.",
        );
    };
    let out = app.sqs.peek(&cell);
    let request_id = app.ids.uuid();
    let wants_json = headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("json"));
    if wants_json {
        return typed(
            StatusCode::OK,
            "application/json",
            Body::from(xmltodict(&out, &request_id).to_string()),
        );
    }
    let write = |w: &mut sluice_wire::XmlWriter| out.write_xml(w);
    let xml = query_response(
        "ReceiveMessage",
        Service::Sqs.wire().xml_namespace,
        &request_id,
        Some(&write),
    );
    typed(StatusCode::OK, "text/xml", Body::from(xml))
}

/// ReceiveMessage's XML answer in the shape Python's xmltodict gives it (LocalStack's JSON
/// form of this endpoint), built from the messages themselves: a repeated element is a
/// list, a single one an object, an empty one `null`.
fn xmltodict(out: &ReceiveMessageOutput, request_id: &str) -> Value {
    let messages: Vec<Value> = out.messages.iter().map(message_json).collect();
    let result = if messages.is_empty() {
        Value::Null
    } else {
        json!({ "Message": one_or_many(messages) })
    };
    json!({
        "ReceiveMessageResponse": {
            "@xmlns": Service::Sqs.wire().xml_namespace,
            "ReceiveMessageResult": result,
            "ResponseMetadata": { "RequestId": request_id },
        }
    })
}

fn message_json(m: &MessageOutput) -> Value {
    let mut map = Map::new();
    map.insert("MessageId".into(), text(&m.message_id));
    map.insert("ReceiptHandle".into(), text(&m.receipt_handle));
    map.insert("MD5OfBody".into(), text(&m.md5_of_body));
    map.insert("Body".into(), text(&m.body.0.body));
    let attributes: Vec<Value> = m
        .attributes
        .0
        .iter()
        .map(|(name, value)| json!({ "Name": text(name), "Value": text(value) }))
        .collect();
    if !attributes.is_empty() {
        map.insert("Attribute".into(), one_or_many(attributes));
    }
    if let Some(md5) = &m.md5_of_message_attributes {
        map.insert("MD5OfMessageAttributes".into(), text(md5));
    }
    let message_attributes: Vec<Value> = m
        .message_attributes
        .0
        .iter()
        .map(|(name, value)| {
            let mut v = Map::new();
            if let Some(s) = &value.string_value {
                v.insert("StringValue".into(), text(s));
            }
            if let Some(b) = &value.binary_value {
                v.insert("BinaryValue".into(), text(b));
            }
            v.insert("DataType".into(), text(&value.data_type));
            json!({ "Name": text(name), "Value": Value::Object(v) })
        })
        .collect();
    if !message_attributes.is_empty() {
        map.insert("MessageAttribute".into(), one_or_many(message_attributes));
    }
    Value::Object(map)
}

/// xmltodict's text: an empty element is `null`.
fn text(s: &str) -> Value {
    if s.is_empty() {
        Value::Null
    } else {
        Value::String(s.to_owned())
    }
}

fn one_or_many(mut items: Vec<Value>) -> Value {
    if items.len() == 1 {
        items.pop().unwrap_or(Value::Null)
    } else {
        Value::Array(items)
    }
}
