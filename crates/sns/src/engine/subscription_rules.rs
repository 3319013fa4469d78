//! The rules of subscriptions: each attribute's validation and effect, endpoint rules per
//! protocol, subscription ARN shape, how re-subscribe compares attributes, and the
//! effective HTTP delivery policy.

use std::sync::Arc;

use sluice_core::Arn;

use super::Platforms;
use crate::engine::filter::{FilterPolicy, FilterScope};
use crate::engine::{valid_e164, DeliveryProtocol, Filter, SubscriptionSettings, TopicCell};
use crate::SnsError;

/// Attributes a subscription takes.
pub(crate) const SUBSCRIPTION_ATTRIBUTES: &[&str] = &[
    "DeliveryPolicy",
    "FilterPolicy",
    "FilterPolicyScope",
    "RawMessageDelivery",
    "RedrivePolicy",
    "SubscriptionRoleArn",
    "ReplayPolicy",
];

/// Validates `name = value` for a subscription of `protocol` and applies it to `settings`.
/// The error is the reason AWS gives after "Invalid parameter: " (Subscribe prefixes it
/// with "Attributes Reason: ").
pub(crate) fn apply_attribute(
    settings: &mut SubscriptionSettings,
    protocol: DeliveryProtocol,
    topic_fifo: bool,
    name: &str,
    value: &str,
) -> Result<(), String> {
    if !SUBSCRIPTION_ATTRIBUTES.contains(&name) {
        return Err("AttributeName".to_owned());
    }
    match name {
        "RawMessageDelivery" => {
            let raw = match value.to_ascii_lowercase().as_str() {
                "true" => true,
                "false" => false,
                _ => {
                    return Err(format!(
                        "RawMessageDelivery: Invalid value [{value}]. Must be true or false."
                    ))
                }
            };
            if raw && !protocol.supports_raw() {
                return Err(format!(
                    "Delivery protocol [{}] does not support raw message delivery.",
                    protocol.as_str()
                ));
            }
            settings.raw = raw;
        }
        "FilterPolicyScope" => {
            let scope = FilterScope::parse(value).ok_or_else(|| {
                format!("FilterPolicyScope: Invalid value [{value}]. Please use either MessageBody or MessageAttributes")
            })?;
            if let Some(text) = settings.attributes.get("FilterPolicy").cloned() {
                settings.filter = Some(parse_filter(&text, scope)?);
            }
        }
        "FilterPolicy" => {
            if value.is_empty() {
                settings.filter = None;
                settings.attributes.remove("FilterPolicy");
                return Ok(());
            }
            let scope = settings
                .attributes
                .get("FilterPolicyScope")
                .and_then(|s| FilterScope::parse(s))
                .unwrap_or(FilterScope::MessageAttributes);
            settings.filter = Some(parse_filter(value, scope)?);
        }
        "RedrivePolicy" => {
            if value.is_empty() {
                settings.dead_letter_queue = None;
                settings.attributes.remove(name);
                return Ok(());
            }
            let policy: serde_json::Value = serde_json::from_str(value)
                .map_err(|e| format!("RedrivePolicy: failed to parse JSON. {e}"))?;
            let target = policy
                .get("deadLetterTargetArn")
                .and_then(|v| v.as_str())
                .ok_or_else(|| "RedrivePolicy: deadLetterTargetArn is missing".to_owned())?;
            let arn = Arn::parse(target)
                .filter(|a| a.service == "sqs")
                .ok_or_else(|| "RedrivePolicy: deadLetterTargetArn is an invalid arn".to_owned())?;
            if topic_fifo && !arn.resource.ends_with(".fifo") {
                return Err("RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.".to_owned());
            }
            settings.dead_letter_queue = Some(target.to_owned());
        }
        "DeliveryPolicy" | "ReplayPolicy" if !value.is_empty() && !is_json_object(value) => {
            return Err(format!("{name}: failed to parse JSON."));
        }
        "DeliveryPolicy" if !value.is_empty() => check_delivery_policy(value)?,
        _ => {}
    }
    if value.is_empty() && name != "RawMessageDelivery" {
        settings.attributes.remove(name);
    } else {
        settings
            .attributes
            .insert(name.to_owned(), value.to_owned());
    }
    Ok(())
}

/// Whether a requested attribute value equals what a subscription has, the way AWS compares
/// them: booleans in any case, unset attributes at their defaults, JSON documents by value.
pub(crate) fn same_setting(name: &str, current: Option<&str>, requested: &str) -> bool {
    let default = match name {
        "RawMessageDelivery" => Some("false"),
        "FilterPolicyScope" => Some("MessageAttributes"),
        _ => None,
    };
    let Some(current) = current.or(default) else {
        return requested.is_empty();
    };
    if name == "RawMessageDelivery" {
        return current.eq_ignore_ascii_case(requested);
    }
    let as_json = |s: &str| serde_json::from_str::<serde_json::Value>(s).ok();
    match (as_json(current), as_json(requested)) {
        (Some(a), Some(b)) if a.is_object() => a == b,
        _ => current == requested,
    }
}

/// AWS's bounds on an HTTP subscription's `healthyRetryPolicy`.
pub(crate) fn check_delivery_policy(text: &str) -> Result<(), String> {
    let policy: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    let Some(healthy) = policy.get("healthyRetryPolicy").filter(|h| !h.is_null()) else {
        return Ok(());
    };
    let field = |name: &str| healthy.get(name).and_then(serde_json::Value::as_i64);
    let bounds: [(&str, i64, i64); 6] = [
        ("minDelayTarget", 1, 3600),
        ("maxDelayTarget", 1, 3600),
        ("numRetries", 0, 100),
        ("numNoDelayRetries", 0, 100),
        ("numMinDelayRetries", 0, 100),
        ("numMaxDelayRetries", 0, 100),
    ];
    for (name, low, high) in bounds {
        match field(name) {
            Some(v) if v < low => {
                return Err(format!(
                "DeliveryPolicy: healthyRetryPolicy.{name} must be greater than or equal to {low}"
            ))
            }
            Some(v) if v > high => {
                return Err(format!(
                    "DeliveryPolicy: healthyRetryPolicy.{name} must be less than or equal to {high}"
                ))
            }
            _ => {}
        }
    }
    if let (Some(min), Some(max)) = (field("minDelayTarget"), field("maxDelayTarget")) {
        if max < min {
            return Err("DeliveryPolicy: healthyRetryPolicy.maxDelayTarget must be greater than or equal to minDelayTarget".to_owned());
        }
    }
    Ok(())
}

/// The delivery policy an HTTP subscription works under: its own values over the topic's
/// defaults over AWS's.
pub(crate) fn effective_http_policy(own: Option<&str>, topic: Option<&str>) -> String {
    let parse = |t: Option<&str>| t.and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok());
    let (own, topic) = (parse(own), parse(topic));
    let topic_http = topic.as_ref().and_then(|t| t.get("http"));
    let mut healthy = serde_json::json!({
        "minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3, "numMaxDelayRetries": 0,
        "numNoDelayRetries": 0, "numMinDelayRetries": 0, "backoffFunction": "linear"
    });
    for layer in [
        topic_http.and_then(|h| h.get("defaultHealthyRetryPolicy")),
        own.as_ref().and_then(|o| o.get("healthyRetryPolicy")),
    ]
    .into_iter()
    .flatten()
    {
        if let (Some(base), Some(over)) = (healthy.as_object_mut(), layer.as_object()) {
            for (k, v) in over {
                base.insert(k.clone(), v.clone());
            }
        }
    }
    let request = own
        .as_ref()
        .and_then(|o| o.get("requestPolicy"))
        .filter(|r| !r.is_null())
        .or_else(|| topic_http.and_then(|h| h.get("defaultRequestPolicy")))
        .cloned()
        .unwrap_or_else(|| serde_json::json!({"headerContentType": "text/plain; charset=UTF-8"}));
    let throttle = own
        .as_ref()
        .and_then(|o| o.get("throttlePolicy"))
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    serde_json::json!({
        "healthyRetryPolicy": healthy,
        "sicklyRetryPolicy": null,
        "throttlePolicy": throttle,
        "requestPolicy": request,
        "guaranteed": false,
    })
    .to_string()
}

pub(crate) fn is_json_object(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| v.is_object())
}

pub(crate) fn parse_filter(text: &str, scope: FilterScope) -> Result<Filter, String> {
    FilterPolicy::parse(text, scope)
        .map(|policy| Filter {
            policy: Arc::new(policy),
            scope,
        })
        .map_err(|e| {
            if e.is_scope_error() {
                e.0
            } else {
                format!("FilterPolicy: {}", e.0)
            }
        })
}

/// Validates a Subscribe endpoint for its protocol.
pub(crate) fn check_endpoint(
    platforms: &Platforms,
    protocol: DeliveryProtocol,
    endpoint: &str,
    topic: &TopicCell,
) -> Result<(), SnsError> {
    match protocol {
        DeliveryProtocol::Sqs => {
            let arn = Arn::parse(endpoint)
                .filter(|a| a.service == "sqs")
                .ok_or_else(|| SnsError::invalid("SQS endpoint ARN"))?;
            if arn.resource.ends_with(".fifo") && !topic.fifo {
                return Err(SnsError::invalid(
                    "Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics",
                ));
            }
        }
        DeliveryProtocol::Http | DeliveryProtocol::Https => {
            let scheme = format!("{}://", protocol.as_str());
            if !endpoint.to_ascii_lowercase().starts_with(&scheme) {
                return Err(SnsError::invalid(
                    "Endpoint must match the specified protocol",
                ));
            }
        }
        DeliveryProtocol::Email | DeliveryProtocol::EmailJson => {
            let valid = endpoint
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
            if !valid {
                return Err(SnsError::invalid("Email address"));
            }
        }
        DeliveryProtocol::Sms => {
            let normalized: String = endpoint
                .chars()
                .filter(|c| !matches!(c, '-' | ' '))
                .collect();
            let normalized = if normalized.starts_with('+') {
                normalized
            } else {
                format!("+{normalized}")
            };
            if !valid_e164(&normalized) {
                return Err(SnsError::InvalidParameterMessage(format!(
                    "Invalid SMS endpoint: {endpoint}"
                )));
            }
        }
        DeliveryProtocol::Application => {
            if !platforms.lock().endpoints.contains_key(endpoint) {
                return Err(SnsError::invalid(format!(
                    "Endpoint Reason: Endpoint does not exist for endpoint {endpoint}"
                )));
            }
        }
        DeliveryProtocol::Lambda | DeliveryProtocol::Firehose => {
            let service_name = if protocol == DeliveryProtocol::Lambda {
                "lambda"
            } else {
                "firehose"
            };
            if Arn::parse(endpoint).is_none_or(|a| a.service != service_name) {
                return Err(SnsError::invalid(format!(
                    "{} endpoint ARN",
                    if protocol == DeliveryProtocol::Lambda {
                        "Lambda"
                    } else {
                        "Firehose"
                    }
                )));
            }
        }
    }
    Ok(())
}

/// A subscription ARN: `<topic arn>:<id>`, or AWS's complaint.
pub(crate) fn check_subscription_arn(arn: &str) -> Result<(), SnsError> {
    if arn.is_empty() {
        return Err(SnsError::invalid(
            "SubscriptionArn Reason: no value for required parameter",
        ));
    }
    let parts = arn.split(':').count();
    if parts < 6 {
        return Err(SnsError::invalid(format!(
            "SubscriptionArn Reason: An ARN must have at least 6 elements, not {parts}"
        )));
    }
    if parts != 7 {
        return Err(SnsError::invalid("SubscriptionId"));
    }
    Ok(())
}

pub(crate) fn subscription_not_found() -> SnsError {
    SnsError::NotFound("Subscription does not exist".into())
}
