//! Account ids, regions and ARNs (`arn:aws:<service>:<region>:<account>:<resource>`).

use std::fmt;
use std::sync::Arc;

/// A 12-digit AWS account id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(Arc<str>);

impl AccountId {
    /// Accepts exactly 12 ASCII digits.
    pub fn parse(s: &str) -> Option<AccountId> {
        (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())).then(|| AccountId(s.into()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An AWS region name such as `us-east-1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region(Arc<str>);

impl Region {
    /// Accepts lower-case letters, digits and hyphens, 1..=32 characters, the shape of every
    /// AWS region name (including the `local` style some users pick).
    pub fn parse(s: &str) -> Option<Region> {
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        ok.then(|| Region(s.into()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An Amazon Resource Name in the `aws` partition.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Arn {
    pub service: String,
    pub region: String,
    pub account: String,
    pub resource: String,
}

impl Arn {
    pub fn new(service: &str, region: &Region, account: &AccountId, resource: &str) -> Arn {
        Arn {
            service: service.to_owned(),
            region: region.as_str().to_owned(),
            account: account.as_str().to_owned(),
            resource: resource.to_owned(),
        }
    }

    /// `arn:aws:<service>:<region>:<account>:<resource>`, written straight into one string
    /// (for hot paths that need the text, not the parts).
    pub fn format(service: &str, region: &str, account: &str, resource: &str) -> String {
        let mut out = String::with_capacity(
            16 + service.len() + region.len() + account.len() + resource.len(),
        );
        for part in [
            "arn:aws:", service, ":", region, ":", account, ":", resource,
        ] {
            out.push_str(part);
        }
        out
    }

    /// Parses `arn:<partition>:<service>:<region>:<account>:<resource>`; the resource may
    /// itself contain colons.
    pub fn parse(s: &str) -> Option<Arn> {
        let mut parts = s.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let _partition = parts.next().filter(|p| !p.is_empty())?;
        let service = parts.next().filter(|p| !p.is_empty())?;
        let region = parts.next()?;
        let account = parts.next()?;
        let resource = parts.next().filter(|p| !p.is_empty())?;
        Some(Arn {
            service: service.to_owned(),
            region: region.to_owned(),
            account: account.to_owned(),
            resource: resource.to_owned(),
        })
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:aws:{}:{}:{}:{}",
            self.service, self.region, self.account, self.resource
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(AccountId::parse("000000000000").is_some());
        assert!(AccountId::parse("12345678901").is_none());
        assert!(AccountId::parse("12345678901a").is_none());
    }

    #[test]
    fn arn_round_trips_and_keeps_colons_in_resource() {
        let arn = Arn::parse("arn:aws:sns:us-east-1:000000000000:topic:sub-id").expect("valid");
        assert_eq!(arn.resource, "topic:sub-id");
        assert_eq!(
            arn.to_string(),
            "arn:aws:sns:us-east-1:000000000000:topic:sub-id"
        );
        assert_eq!(
            Arn::format("sns", "us-east-1", "000000000000", "topic:sub-id"),
            arn.to_string()
        );
        assert!(Arn::parse("arn:aws:sqs").is_none());
        assert!(Arn::parse("urn:aws:sqs:r:a:q").is_none());
    }

    #[test]
    fn regions_reject_odd_characters() {
        assert!(Region::parse("eu-west-3").is_some());
        assert!(Region::parse("EU").is_none());
        assert!(Region::parse("").is_none());
    }
}
