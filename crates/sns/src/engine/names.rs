//! Names and ARNs of SNS resources: topic name rules, and the ARNs of topics, subscriptions,
//! platform applications and endpoints.

use sluice_core::{AccountId, Arn, Region};

/// Where a topic lives and what it is called, parsed from its ARN.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TopicKey {
    pub account: AccountId,
    pub region: Region,
    pub name: String,
}

impl TopicKey {
    pub fn arn(&self) -> String {
        Arn::format(
            "sns",
            self.region.as_str(),
            self.account.as_str(),
            &self.name,
        )
    }

    /// A topic ARN: `arn:aws:sns:<region>:<12-digit account>:<name>` with no further colon.
    pub fn parse_arn(arn: &str) -> Option<TopicKey> {
        let arn = Arn::parse(arn)?;
        if arn.service != "sns" || arn.resource.contains(':') || arn.resource.contains('/') {
            return None;
        }
        Some(TopicKey {
            account: AccountId::parse(&arn.account)?,
            region: Region::parse(&arn.region)?,
            name: arn.resource,
        })
    }
}

/// AWS's rule: 1 to 256 characters, letters, digits, hyphens and underscores; FIFO topics end
/// in `.fifo`, which counts towards the 256.
pub fn valid_topic_name(name: &str, fifo: bool) -> bool {
    let stem = if fifo {
        match name.strip_suffix(".fifo") {
            Some(stem) => stem,
            None => return false,
        }
    } else {
        name
    };
    !stem.is_empty()
        && name.len() <= 256
        && stem
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The topic a subscription ARN (`<topic arn>:<id>`) belongs to.
pub fn topic_of_subscription(subscription_arn: &str) -> Option<&str> {
    let (topic, id) = subscription_arn.rsplit_once(':')?;
    (!id.is_empty()).then_some(topic)
}

/// The ARN of a platform application: `arn:aws:sns:<region>:<account>:app/<platform>/<name>`.
pub fn platform_application_arn(
    region: &Region,
    account: &AccountId,
    platform: &str,
    name: &str,
) -> String {
    Arn::format(
        "sns",
        region.as_str(),
        account.as_str(),
        &format!("app/{platform}/{name}"),
    )
}

/// `(platform, name)` of a platform application ARN.
pub fn parse_platform_application_arn(arn: &str) -> Option<(&str, &str)> {
    let (_, resource) = arn.strip_prefix("arn:aws:sns:")?.split_once(":app/")?;
    let (platform, name) = resource.split_once('/')?;
    (!platform.is_empty() && !name.is_empty() && !name.contains('/')).then_some((platform, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_names_follow_aws_rules() {
        assert!(valid_topic_name("orders_2-x", false));
        assert!(valid_topic_name(&"a".repeat(256), false));
        assert!(!valid_topic_name(&"a".repeat(257), false));
        assert!(!valid_topic_name("", false));
        assert!(!valid_topic_name("a.b", false));
        assert!(!valid_topic_name("orders.fifo", false));
        assert!(valid_topic_name("orders.fifo", true));
        assert!(!valid_topic_name(".fifo", true));
        assert!(!valid_topic_name("orders", true));
        assert!(valid_topic_name(&format!("{}.fifo", "a".repeat(251)), true));
        assert!(!valid_topic_name(
            &format!("{}.fifo", "a".repeat(252)),
            true
        ));
    }

    #[test]
    fn arns_parse_back() {
        let key = TopicKey::parse_arn("arn:aws:sns:eu-west-1:123456789012:orders").expect("arn");
        assert_eq!(key.name, "orders");
        assert_eq!(key.arn(), "arn:aws:sns:eu-west-1:123456789012:orders");
        assert_eq!(
            TopicKey::parse_arn("arn:aws:sns:eu-west-1:123456789012:orders:sub"),
            None
        );
        assert_eq!(
            TopicKey::parse_arn("arn:aws:sqs:eu-west-1:123456789012:q"),
            None
        );
        assert_eq!(
            topic_of_subscription("arn:aws:sns:eu-west-1:123456789012:orders:abc"),
            Some("arn:aws:sns:eu-west-1:123456789012:orders")
        );
        assert_eq!(
            parse_platform_application_arn("arn:aws:sns:us-east-1:000000000000:app/GCM/my-app"),
            Some(("GCM", "my-app"))
        );
    }
}
