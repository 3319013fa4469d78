//! SNS endpoints beside the API: the signing certificate SigningCertURL points at, the
//! LocalStack-compatible outbox paths (`/_aws/sns/sms-messages`,
//! `/_aws/sns/platform-endpoint-messages`, `/_aws/sns/subscription-tokens/<arn>`), and
//! `/_sluice/sns/outbox` for every kind of undeliverable-by-design message.

use std::collections::BTreeMap;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::{Method, StatusCode, Uri};
use serde_json::{json, Map, Value};
use sluice_sns::engine::{AttributeData, OutboxKind, OutboxRecord};
use sluice_wire::QueryNode;

use crate::respond::{error, json_response, no_content, typed};
use crate::state::AppState;

type App = State<Arc<AppState>>;

const SMS_PATH: &str = "/_aws/sns/sms-messages";
const PLATFORM_PATH: &str = "/_aws/sns/platform-endpoint-messages";
const TOKENS_PATH: &str = "/_aws/sns/subscription-tokens";
const OUTBOX_PATH: &str = "/_sluice/sns/outbox";

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(sluice_sns::CERT_PATH, get(certificate))
        .route(&format!("{TOKENS_PATH}/{{*arn}}"), get(subscription_token))
        .route(SMS_PATH, get(sms).delete(sms))
        .route(PLATFORM_PATH, get(platform).delete(platform))
        .route(OUTBOX_PATH, get(outbox).delete(outbox))
}

async fn certificate() -> Response {
    typed(
        StatusCode::OK,
        "application/x-pem-file",
        Body::from(sluice_sns::CERT_PEM),
    )
}

/// Texts sent to phone numbers (LocalStack's shape).
async fn sms(State(app): App, method: Method, uri: Uri) -> Response {
    outbox_kind(&app, &method, &uri, OutboxKind::Sms)
}

/// Messages sent to platform endpoints (LocalStack's shape).
async fn platform(State(app): App, method: Method, uri: Uri) -> Response {
    outbox_kind(&app, &method, &uri, OutboxKind::Application)
}

fn query_params(uri: &Uri) -> BTreeMap<String, String> {
    crate::admin::query_pairs(uri).into_iter().collect()
}

fn attributes_json(record: &OutboxRecord) -> Value {
    let mut map = Map::new();
    for a in &record.attributes {
        let value = match &a.value {
            AttributeData::Text(s) => json!({"DataType": a.data_type, "StringValue": s}),
            AttributeData::Binary(b) => {
                json!({"DataType": a.data_type, "BinaryValue": STANDARD.encode(b)})
            }
        };
        map.insert(a.name.clone(), value);
    }
    Value::Object(map)
}

fn record_json(record: &OutboxRecord, destination_key: &str) -> Value {
    json!({
        destination_key: record.destination,
        "TopicArn": record.topic_arn,
        "SubscriptionArn": record.subscription_arn,
        "MessageId": record.message_id,
        "Message": record.message,
        "MessageAttributes": attributes_json(record),
        "MessageStructure": record.message_structure,
        "Subject": record.subject,
        "Timestamp": record.timestamp.as_millis(),
    })
}

/// One kind of outbox record, by account, region and destination: read or cleared.
fn outbox_kind(app: &AppState, method: &Method, uri: &Uri, kind: OutboxKind) -> Response {
    let (destination_param, destination_key, list_key) = match kind {
        OutboxKind::Sms => ("phoneNumber", "PhoneNumber", "sms_messages"),
        _ => ("endpointArn", "TargetArn", "platform_endpoint_messages"),
    };
    let params = query_params(uri);
    let account = params
        .get("accountId")
        .cloned()
        .unwrap_or_else(|| app.settings.account_id.to_string());
    let region = params
        .get("region")
        .cloned()
        .unwrap_or_else(|| app.settings.region.to_string());
    let destination = params.get(destination_param).cloned();
    let selects = |r: &OutboxRecord| {
        r.account == account
            && r.region == region
            && destination.as_ref().is_none_or(|d| *d == r.destination)
    };
    let outbox = app.sns.outbox();
    match *method {
        Method::DELETE => {
            outbox.clear(kind, selects);
            no_content()
        }
        _ => {
            let mut grouped: BTreeMap<String, Vec<Value>> = BTreeMap::new();
            for record in outbox.read(kind, selects) {
                grouped
                    .entry(record.destination.clone())
                    .or_default()
                    .push(record_json(&record, destination_key));
            }
            json_response(
                StatusCode::OK,
                json!({ list_key: grouped, "region": region }),
            )
        }
    }
}

async fn subscription_token(State(app): App, Path(arn): Path<String>) -> Response {
    let arn = percent_decode(&arn);
    match app.sns.registry().subscription(&arn) {
        Some(sub) => json_response(
            StatusCode::OK,
            json!({ "subscription_token": sub.token, "subscription_arn": sub.arn.as_ref() }),
        ),
        None => error(
            StatusCode::NOT_FOUND,
            &format!("Subscription does not exist: {arn}"),
        ),
    }
}

/// Every outbox record of a kind (`email`, `sms`, `application`, `lambda`, `firehose`).
async fn outbox(State(app): App, method: Method, uri: Uri) -> Response {
    let params = query_params(&uri);
    let kinds: Vec<(OutboxKind, &str)> = vec![
        (OutboxKind::Email, "email"),
        (OutboxKind::Sms, "sms"),
        (OutboxKind::Application, "application"),
        (OutboxKind::Lambda, "lambda"),
        (OutboxKind::Firehose, "firehose"),
    ];
    let wanted = params.get("kind").map(String::as_str);
    let selected: Vec<_> = kinds
        .into_iter()
        .filter(|(_, name)| wanted.is_none_or(|w| w == *name))
        .collect();
    if selected.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "kind must be one of email, sms, application, lambda, firehose.",
        );
    }
    let outbox = app.sns.outbox();
    match method {
        Method::DELETE => {
            for (kind, _) in selected {
                outbox.clear(kind, |_| true);
            }
            no_content()
        }
        _ => {
            let mut body = Map::new();
            for (kind, name) in selected {
                let records: Vec<Value> = outbox
                    .read(kind, |_| true)
                    .iter()
                    .map(|r| record_json(r, "Destination"))
                    .collect();
                body.insert(name.to_owned(), Value::Array(records));
            }
            json_response(StatusCode::OK, Value::Object(body))
        }
    }
}

/// Decodes `%XX` escapes (ARNs in paths arrive with `:` escaped by some clients).
fn percent_decode(s: &str) -> String {
    let mut pairs = Vec::new();
    match QueryNode::parse_form(format!("v={s}").as_bytes(), &mut pairs) {
        Ok(()) => pairs.pop().map_or_else(|| s.to_owned(), |(_, v)| v),
        Err(_) => s.to_owned(),
    }
}
