//! Subscription operations: Subscribe (endpoint rules per protocol, idempotent re-subscribe,
//! confirmation for HTTP and email), ConfirmSubscription, Unsubscribe, the two listings and
//! Get/SetSubscriptionAttributes with AWS's validation of each attribute.

use std::sync::Arc;

use sluice_core::Arn;

use super::{page_start_under, parse_topic_arn, topics, RequestContext, SnsService};
use crate::engine::subscription_rules::*;
use crate::engine::{DeliveryProtocol, Subscription, SubscriptionSettings};
use crate::model::input::*;
use crate::model::output::*;
use crate::SnsError;

impl SnsService {
    pub async fn subscribe(
        &self,
        ctx: &RequestContext,
        input: SubscribeInput,
    ) -> Result<SubscriptionArnOutput, SnsError> {
        let topic = self.topic(ctx, input.topic_arn.as_deref())?;
        let protocol_name = input.protocol.unwrap_or_default();
        let protocol = DeliveryProtocol::parse(&protocol_name).ok_or_else(|| {
            SnsError::invalid(format!(
                "Amazon SNS does not support this protocol string: {protocol_name}"
            ))
        })?;
        let endpoint = input.endpoint.unwrap_or_default();
        check_endpoint(&self.platforms, protocol, &endpoint, &topic)?;
        let mut settings = SubscriptionSettings {
            confirmed: !protocol.needs_confirmation(),
            ..SubscriptionSettings::default()
        };
        // The scope decides how the policy parses, whichever order the client sent them in.
        let mut attributes = input.attributes;
        attributes.sort_by_key(|(name, _)| name != "FilterPolicyScope");
        for (name, value) in &attributes {
            apply_attribute(&mut settings, protocol, topic.fifo, name, value)
                .map_err(|reason| SnsError::invalid(format!("Attributes Reason: {reason}")))?;
        }
        if protocol == DeliveryProtocol::Firehose
            && !settings.attributes.contains_key("SubscriptionRoleArn")
        {
            return Err(SnsError::invalid(
                "Attributes Reason: SubscriptionRoleArn is required for firehose subscriptions",
            ));
        }
        let requested = settings.attributes.clone();
        let confirmed = settings.confirmed;
        let made = self.registry.subscribe(&topic, protocol, &endpoint, || {
            Arc::new(Subscription::new(
                Arc::from(format!("{}:{}", topic.arn, self.ids.uuid())),
                topic.arn.clone(),
                protocol,
                endpoint.clone(),
                ctx.account.clone(),
                self.confirmation_token(),
                settings,
            ))
        });
        let Some((subscription, created)) = made else {
            return Err(SnsError::NotFound("Topic does not exist".into()));
        };
        if !created {
            let current = subscription.settings();
            let differs = requested
                .iter()
                .any(|(k, v)| !same_setting(k, current.attributes.get(k).map(String::as_str), v));
            if differs {
                return Err(SnsError::invalid(
                    "Attributes Reason: Subscription already exists with different attributes",
                ));
            }
            let shown = current.confirmed || input.return_subscription_arn == Some(true);
            return Ok(SubscriptionArnOutput {
                subscription_arn: if shown {
                    subscription.arn.to_string()
                } else {
                    "pending confirmation".to_owned()
                },
            });
        }
        if matches!(protocol, DeliveryProtocol::Http | DeliveryProtocol::Https) {
            let version = topics::signature_version(&topic.lock());
            self.deliveries
                .confirm(
                    subscription.clone(),
                    "SubscriptionConfirmation",
                    Arc::from(ctx.base_url()),
                    version,
                )
                .await;
        }
        let shown = confirmed || input.return_subscription_arn == Some(true);
        Ok(SubscriptionArnOutput {
            subscription_arn: if shown {
                subscription.arn.to_string()
            } else {
                "pending confirmation".to_owned()
            },
        })
    }

    /// A token as long as AWS's, from the id source.
    fn confirmation_token(&self) -> String {
        (0..9)
            .map(|_| format!("{:032x}", self.ids.next_u128()))
            .collect()
    }

    pub async fn confirm_subscription(
        &self,
        ctx: &RequestContext,
        input: ConfirmSubscriptionInput,
    ) -> Result<SubscriptionArnOutput, SnsError> {
        let arn = input.topic_arn.unwrap_or_default();
        parse_topic_arn(&arn)?;
        let token = input.token.unwrap_or_default();
        if token.is_empty() || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(SnsError::InvalidParameterMessage("Invalid token".into()));
        }
        let topic = self
            .topic(ctx, Some(&arn))
            .map_err(|_| SnsError::invalid("Token"))?;
        let subscription = topic
            .subscribers()
            .iter()
            .find(|s| s.token == token)
            .cloned()
            .ok_or_else(|| SnsError::invalid("Token"))?;
        let mut settings = subscription.settings_mut();
        settings.confirmed = true;
        self.registry.record_subscription(&subscription, &settings);
        drop(settings);
        Ok(SubscriptionArnOutput {
            subscription_arn: subscription.arn.to_string(),
        })
    }

    pub async fn unsubscribe(
        &self,
        ctx: &RequestContext,
        input: SubscriptionArnInput,
    ) -> Result<Empty, SnsError> {
        let arn = input.subscription_arn.unwrap_or_default();
        check_subscription_arn(&arn)?;
        if let Some(sub) = self.registry.remove_subscription(&arn) {
            if matches!(
                sub.protocol,
                DeliveryProtocol::Http | DeliveryProtocol::Https
            ) && sub.is_confirmed()
            {
                self.deliveries
                    .confirm(
                        sub,
                        "UnsubscribeConfirmation",
                        Arc::from(ctx.base_url()),
                        Arc::from("1"),
                    )
                    .await;
            }
        }
        Ok(Empty {})
    }

    pub async fn list_subscriptions(
        &self,
        ctx: &RequestContext,
        input: NextTokenInput,
    ) -> Result<ListSubscriptionsOutput, SnsError> {
        let prefix = Arn::format("sns", ctx.region.as_str(), ctx.account.as_str(), "");
        self.subscription_listing(&prefix, input.next_token.as_deref())
    }

    pub async fn list_subscriptions_by_topic(
        &self,
        ctx: &RequestContext,
        input: ListSubscriptionsByTopicInput,
    ) -> Result<ListSubscriptionsOutput, SnsError> {
        let topic = self.topic(ctx, input.topic_arn.as_deref())?;
        let prefix = format!("{}:", topic.arn);
        self.subscription_listing(&prefix, input.next_token.as_deref())
    }

    fn subscription_listing(
        &self,
        prefix: &str,
        token: Option<&str>,
    ) -> Result<ListSubscriptionsOutput, SnsError> {
        let start = page_start_under(token, prefix)?;
        let page = self
            .registry
            .subscriptions_page(prefix, start.as_deref(), |_| true);
        Ok(ListSubscriptionsOutput {
            subscriptions: page
                .items
                .iter()
                .map(|s| SubscriptionEntry {
                    subscription_arn: if s.is_confirmed() {
                        s.arn.to_string()
                    } else {
                        "PendingConfirmation".to_owned()
                    },
                    owner: s.owner.to_string(),
                    protocol: s.protocol.as_str().to_owned(),
                    endpoint: s.endpoint.clone(),
                    topic_arn: s.topic_arn.to_string(),
                })
                .collect(),
            next_token: page.next_token,
        })
    }

    fn subscription(&self, arn: Option<&str>) -> Result<Arc<Subscription>, SnsError> {
        let arn = arn.unwrap_or_default();
        check_subscription_arn(arn)?;
        self.registry
            .subscription(arn)
            .ok_or_else(subscription_not_found)
    }

    pub async fn get_subscription_attributes(
        &self,
        _ctx: &RequestContext,
        input: SubscriptionArnInput,
    ) -> Result<AttributesOutput, SnsError> {
        let sub = self.subscription(input.subscription_arn.as_deref())?;
        let settings = sub.settings();
        let flag = |b: bool| if b { "true" } else { "false" }.to_owned();
        let mut out = vec![
            (
                "ConfirmationWasAuthenticated".to_owned(),
                flag(settings.confirmed),
            ),
            ("Endpoint".to_owned(), sub.endpoint.clone()),
            ("Owner".to_owned(), sub.owner.to_string()),
            ("PendingConfirmation".to_owned(), flag(!settings.confirmed)),
            ("Protocol".to_owned(), sub.protocol.as_str().to_owned()),
            ("RawMessageDelivery".to_owned(), flag(settings.raw)),
            ("SubscriptionArn".to_owned(), sub.arn.to_string()),
            (
                "SubscriptionPrincipal".to_owned(),
                format!("arn:aws:iam::{}:user/sluice", sub.owner),
            ),
            ("TopicArn".to_owned(), sub.topic_arn.to_string()),
        ];
        for (k, v) in &settings.attributes {
            if k == "RawMessageDelivery" || (k == "FilterPolicyScope" && settings.filter.is_none())
            {
                continue;
            }
            out.push((k.clone(), v.clone()));
        }
        if matches!(
            sub.protocol,
            DeliveryProtocol::Http | DeliveryProtocol::Https
        ) {
            let topic_policy = self
                .registry
                .topic(&sub.topic_arn)
                .and_then(|t| t.lock().attributes.get("DeliveryPolicy").cloned());
            out.push((
                "EffectiveDeliveryPolicy".to_owned(),
                effective_http_policy(
                    settings
                        .attributes
                        .get("DeliveryPolicy")
                        .map(String::as_str),
                    topic_policy.as_deref(),
                ),
            ));
        }
        if let Some(filter) = &settings.filter {
            if !settings.attributes.contains_key("FilterPolicyScope") {
                out.push((
                    "FilterPolicyScope".to_owned(),
                    filter.scope.as_str().to_owned(),
                ));
            }
        }
        Ok(AttributesOutput {
            attributes: Map(out),
        })
    }

    pub async fn set_subscription_attributes(
        &self,
        _ctx: &RequestContext,
        input: SetSubscriptionAttributesInput,
    ) -> Result<Empty, SnsError> {
        let sub = self.subscription(input.subscription_arn.as_deref())?;
        let name = input.attribute_name.unwrap_or_default();
        let value = input.attribute_value.unwrap_or_default();
        let topic_fifo = self.registry.topic(&sub.topic_arn).is_some_and(|t| t.fifo);
        let mut settings = sub.settings_mut();
        let mut changed = settings.clone();
        apply_attribute(&mut changed, sub.protocol, topic_fifo, &name, &value)
            .map_err(SnsError::InvalidParameter)?;
        *settings = changed;
        self.registry.record_subscription(&sub, &settings);
        Ok(Empty {})
    }
}
