//! A subscription: its fixed identity (ARN, topic, protocol, endpoint, confirmation token) and
//! the settings SetSubscriptionAttributes changes, read by every delivery under a short lock.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use sluice_core::AccountId;

use super::filter::{FilterPolicy, FilterScope};
use super::message::Published;

/// The protocols Subscribe accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryProtocol {
    Sqs,
    Http,
    Https,
    Email,
    EmailJson,
    Sms,
    Application,
    Lambda,
    Firehose,
}

impl DeliveryProtocol {
    pub fn parse(s: &str) -> Option<DeliveryProtocol> {
        Some(match s {
            "sqs" => DeliveryProtocol::Sqs,
            "http" => DeliveryProtocol::Http,
            "https" => DeliveryProtocol::Https,
            "email" => DeliveryProtocol::Email,
            "email-json" => DeliveryProtocol::EmailJson,
            "sms" => DeliveryProtocol::Sms,
            "application" => DeliveryProtocol::Application,
            "lambda" => DeliveryProtocol::Lambda,
            "firehose" => DeliveryProtocol::Firehose,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryProtocol::Sqs => "sqs",
            DeliveryProtocol::Http => "http",
            DeliveryProtocol::Https => "https",
            DeliveryProtocol::Email => "email",
            DeliveryProtocol::EmailJson => "email-json",
            DeliveryProtocol::Sms => "sms",
            DeliveryProtocol::Application => "application",
            DeliveryProtocol::Lambda => "lambda",
            DeliveryProtocol::Firehose => "firehose",
        }
    }

    /// Protocols whose subscriptions wait for the endpoint's owner to confirm them.
    pub fn needs_confirmation(self) -> bool {
        matches!(
            self,
            DeliveryProtocol::Http
                | DeliveryProtocol::Https
                | DeliveryProtocol::Email
                | DeliveryProtocol::EmailJson
        )
    }

    /// Protocols that may set `RawMessageDelivery`.
    pub fn supports_raw(self) -> bool {
        matches!(
            self,
            DeliveryProtocol::Sqs
                | DeliveryProtocol::Http
                | DeliveryProtocol::Https
                | DeliveryProtocol::Firehose
        )
    }
}

/// A parsed filter policy and the text it came from.
#[derive(Debug, Clone)]
pub struct Filter {
    pub policy: Arc<FilterPolicy>,
    pub scope: FilterScope,
}

/// What SetSubscriptionAttributes may change.
#[derive(Debug, Clone, Default)]
pub struct SubscriptionSettings {
    pub confirmed: bool,
    pub raw: bool,
    pub filter: Option<Filter>,
    /// The SQS queue ARN undeliverable messages go to.
    pub dead_letter_queue: Option<String>,
    /// Attributes as the user set them (`FilterPolicy`, `RawMessageDelivery`, ...).
    pub attributes: BTreeMap<String, String>,
}

/// One subscription of a topic.
#[derive(Debug)]
pub struct Subscription {
    pub arn: Arc<str>,
    pub topic_arn: Arc<str>,
    pub protocol: DeliveryProtocol,
    pub endpoint: String,
    pub owner: AccountId,
    /// The token ConfirmSubscription must present.
    pub token: String,
    settings: RwLock<SubscriptionSettings>,
}

impl SubscriptionSettings {
    /// The settings a stored subscription had: its attributes applied again in the order
    /// Subscribe applies them (the filter scope first), then whether it was confirmed.
    pub fn restore(
        protocol: DeliveryProtocol,
        topic_fifo: bool,
        confirmed: bool,
        attributes: &BTreeMap<String, String>,
    ) -> Result<SubscriptionSettings, String> {
        let mut settings = SubscriptionSettings::default();
        let mut ordered: Vec<_> = attributes.iter().collect();
        ordered.sort_by_key(|(name, _)| name.as_str() != "FilterPolicyScope");
        for (name, value) in ordered {
            super::subscription_rules::apply_attribute(
                &mut settings,
                protocol,
                topic_fifo,
                name,
                value,
            )?;
        }
        settings.confirmed = confirmed;
        Ok(settings)
    }
}

impl Subscription {
    pub fn new(
        arn: Arc<str>,
        topic_arn: Arc<str>,
        protocol: DeliveryProtocol,
        endpoint: String,
        owner: AccountId,
        token: String,
        settings: SubscriptionSettings,
    ) -> Subscription {
        Subscription {
            arn,
            topic_arn,
            protocol,
            endpoint,
            owner,
            token,
            settings: RwLock::new(settings),
        }
    }

    pub fn settings(&self) -> RwLockReadGuard<'_, SubscriptionSettings> {
        self.settings.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn settings_mut(&self) -> RwLockWriteGuard<'_, SubscriptionSettings> {
        self.settings.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn is_confirmed(&self) -> bool {
        self.settings().confirmed
    }

    /// Whether `message` passes this subscription's filter policy (no policy passes all).
    /// `parsed_default` caches the default body parsed as JSON across the subscriptions of
    /// one message, so body-scoped policies parse it once.
    pub fn accepts(
        &self,
        message: &Published,
        parsed_default: &OnceCell<Option<serde_json::Value>>,
    ) -> bool {
        let settings = self.settings();
        let Some(filter) = &settings.filter else {
            return true;
        };
        match filter.scope {
            FilterScope::MessageAttributes => filter.policy.matches_attributes(&|name| {
                message.attribute(name).map(super::message::filter_view)
            }),
            FilterScope::MessageBody => {
                let body = message.body_for(self.protocol.as_str());
                if std::ptr::eq(body, message.message.as_str()) {
                    let parsed = parsed_default.get_or_init(|| serde_json::from_str(body).ok());
                    filter.policy.matches_body(parsed.as_ref())
                } else {
                    let parsed: Option<serde_json::Value> = serde_json::from_str(body).ok();
                    filter.policy.matches_body(parsed.as_ref())
                }
            }
        }
    }
}
