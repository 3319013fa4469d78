//! SQS inspection beside the API: LocalStack's `/_aws/sqs/messages` (every message of a
//! queue, in flight and delayed included, without receiving it; XML like ReceiveMessage, or
//! JSON in xmltodict's shape when the client asks for JSON), by `?QueueUrl=`, by
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
use sluice_sqs::api::output::WriteXml;
use sluice_sqs::engine::{QueueCell, QueueKey};
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
    let write = |w: &mut sluice_wire::XmlWriter| out.write_xml(w);
    let request_id = app.ids.uuid();
    let xml = query_response(
        "ReceiveMessage",
        Service::Sqs.wire().xml_namespace,
        &request_id,
        Some(&write),
    );
    let wants_json = headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("json"));
    if wants_json {
        let text = String::from_utf8_lossy(&xml);
        typed(
            StatusCode::OK,
            "application/json",
            Body::from(xml_to_json(&text).to_string()),
        )
    } else {
        typed(StatusCode::OK, "text/xml", Body::from(xml))
    }
}

/// The simple XML Sluice writes (elements, text, an `xmlns` on the root) as xmltodict
/// renders it: repeated children become lists, empty elements `null`, attributes `@name`.
fn xml_to_json(xml: &str) -> Value {
    let mut stack: Vec<(String, Map<String, Value>, String)> =
        vec![(String::new(), Map::new(), String::new())];
    let mut rest = xml;
    if let Some(start) = rest.find("?>") {
        rest = &rest[start + 2..];
    }
    while let Some(open) = rest.find('<') {
        if let Some(top) = stack.last_mut() {
            top.2.push_str(&unescape(&rest[..open]));
        }
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let Some((_, map, text)) = stack.pop() else {
                break;
            };
            let value = if !map.is_empty() {
                Value::Object(map)
            } else if text.is_empty() {
                Value::Null
            } else {
                Value::String(text)
            };
            if let Some(parent) = stack.last_mut() {
                insert(&mut parent.1, name, value);
            }
        } else if let Some(name) = tag.strip_suffix('/') {
            if let Some(parent) = stack.last_mut() {
                insert(&mut parent.1, name.trim(), Value::Null);
            }
        } else {
            let mut parts = tag.splitn(2, ' ');
            let name = parts.next().unwrap_or_default().to_owned();
            let mut map = Map::new();
            if let Some(attrs) = parts.next() {
                for attr in attrs.split(' ').filter(|a| !a.is_empty()) {
                    if let Some((k, v)) = attr.split_once('=') {
                        map.insert(format!("@{k}"), json!(v.trim_matches('"')));
                    }
                }
            }
            stack.push((name, map, String::new()));
        }
    }
    stack
        .pop()
        .map_or(Value::Null, |(_, map, _)| Value::Object(map))
}

fn insert(map: &mut Map<String, Value>, name: &str, value: Value) {
    match map.get_mut(name) {
        Some(Value::Array(items)) => items.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
        None => {
            map.insert(name.to_owned(), value);
        }
    }
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#xD;", "\r")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_becomes_xmltodict_json() {
        let v = xml_to_json(
            "<?xml version=\"1.0\"?><R xmlns=\"ns\"><Res><M><B>a &amp; b</B></M><M><B>c</B><E/></M></Res><Empty></Empty></R>",
        );
        assert_eq!(v["R"]["@xmlns"], "ns");
        assert_eq!(v["R"]["Res"]["M"][0]["B"], "a & b");
        assert_eq!(v["R"]["Res"]["M"][1]["B"], "c");
        assert_eq!(v["R"]["Res"]["M"][1]["E"], Value::Null);
        assert_eq!(v["R"]["Empty"], Value::Null);
        let single = xml_to_json("<R><M><B>x</B></M></R>");
        assert_eq!(single["R"]["M"]["B"], "x");
    }
}
