//! SQS inspection beside the API: LocalStack's `/_aws/sqs/messages` (every message of a
//! queue, in flight and delayed included, without receiving it; XML like ReceiveMessage, or
//! JSON in xmltodict's shape when the client asks for JSON), by `?QueueUrl=`, by
//! `/<region>/<account>/<queue>`, or as an SQS endpoint answering ReceiveMessage.

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use serde_json::{json, Map, Value};
use sluice_core::{AccountId, Region};
use sluice_sqs::api::errors::WIRE;
use sluice_sqs::api::output::WriteXml;
use sluice_sqs::engine::QueueKey;
use sluice_wire::{query_response, QueryNode};

use crate::admin::error;
use crate::state::AppState;

const MESSAGES_PATH: &str = "/_aws/sqs/messages";

/// Parameters from the query string and a form body (the ReceiveMessage form).
fn params(uri: &Uri, body: &Bytes) -> Vec<(String, String)> {
    let mut pairs = crate::admin::query_pairs(uri);
    let _ = QueryNode::parse_form(body, &mut pairs);
    pairs
}

/// Answers an SQS inspection request, or `None` for other paths.
pub fn handle(
    app: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
    request_id: &str,
) -> Option<Response> {
    let rest = uri.path().strip_prefix(MESSAGES_PATH)?;
    if !matches!(*method, Method::GET | Method::POST) {
        return Some(error(StatusCode::METHOD_NOT_ALLOWED, "Use GET or POST."));
    }
    let cell = if rest.is_empty() || rest == "/" {
        let pairs = params(uri, body);
        let Some((_, url)) = pairs.iter().find(|(k, _)| k == "QueueUrl") else {
            return Some(error(StatusCode::BAD_REQUEST, "QueueUrl is required."));
        };
        app.sqs.find_queue(url, &app.settings.region)
    } else {
        let mut parts = rest.trim_matches('/').split('/');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(region), Some(account), Some(name), None) => {
                match (Region::parse(region), AccountId::parse(account)) {
                    (Some(region), Some(account)) => app.sqs.registry().get(&QueueKey {
                        account,
                        region,
                        name: name.to_owned(),
                    }),
                    _ => None,
                }
            }
            _ => return None,
        }
    };
    let Some(cell) = cell else {
        return Some(error(
            StatusCode::BAD_REQUEST,
            "AWS.SimpleQueueService.NonExistentQueue: The specified queue does not exist.",
        ));
    };
    let out = app.sqs.peek(&cell);
    let write = |w: &mut sluice_wire::XmlWriter| out.write_xml(w);
    let xml = query_response(
        "ReceiveMessage",
        WIRE.xml_namespace,
        request_id,
        Some(&write),
    );
    let wants_json = headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("json"));
    let (content_type, body) = if wants_json {
        let text = String::from_utf8_lossy(&xml);
        (
            "application/json",
            xml_to_json(&text).to_string().into_bytes(),
        )
    } else {
        ("text/xml", xml)
    };
    let mut response = Response::new(Body::from(body));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    );
    Some(response)
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
