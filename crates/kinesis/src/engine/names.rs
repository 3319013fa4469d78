//! Names and identifiers: `StreamKey` (account, region, name), stream and consumer name rules,
//! stream and consumer ARNs, shard ids (`shardId-000000000000`) and the derived `StreamId`.

use std::fmt;

use md5::{Digest, Md5};
use sluice_core::{AccountId, Region, Timestamp};

use super::error::{KinesisError, Violations};

/// What identifies a stream: its account, its region and its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamKey {
    pub account: AccountId,
    pub region: Region,
    pub name: String,
}

impl StreamKey {
    /// A key for `name`, which must follow the stream name rules.
    pub fn new(account: AccountId, region: Region, name: &str) -> Result<StreamKey, KinesisError> {
        validate_name("streamName", name)?;
        Ok(StreamKey {
            account,
            region,
            name: name.to_owned(),
        })
    }

    /// The key of `arn:aws:kinesis:{region}:{account}:stream/{name}`.
    pub fn from_arn(arn: &str) -> Result<StreamKey, KinesisError> {
        let invalid = || KinesisError::InvalidArgument(format!("Invalid StreamARN {arn}"));
        let mut parts = arn.splitn(6, ':');
        let (Some("arn"), Some(partition), Some("kinesis"), Some(region), Some(account)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(invalid());
        };
        let resource = parts.next().unwrap_or_default();
        let name = resource.strip_prefix("stream/").ok_or_else(invalid)?;
        if !partition.starts_with("aws") || name.contains('/') {
            return Err(invalid());
        }
        let account = AccountId::parse(account).ok_or_else(invalid)?;
        let region = Region::parse(region).ok_or_else(invalid)?;
        StreamKey::new(account, region, name)
    }

    /// `arn:aws:kinesis:{region}:{account}:stream/{name}`.
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:kinesis:{}:{}:stream/{}",
            self.region, self.account, self.name
        )
    }
}

impl fmt::Display for StreamKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.arn())
    }
}

/// Stream and consumer names: 1..=128 characters of `[a-zA-Z0-9_.-]`. `field` is the
/// request member named in the ValidationException (`streamName`, `consumerName`).
pub fn validate_name(field: &str, name: &str) -> Result<(), KinesisError> {
    let mut violations = Violations::default();
    name_violations(&mut violations, field, name);
    violations.check()
}

/// A stream or consumer name's violations, in the order AWS lists them: the pattern, then
/// the length (an empty name breaks both).
pub fn name_violations(violations: &mut Violations, field: &str, name: &str) {
    let pattern_ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    if !pattern_ok {
        violations.value(
            field,
            name,
            "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        );
    }
    if name.is_empty() {
        violations.value(
            field,
            name,
            "Member must have length greater than or equal to 1",
        );
    } else if name.chars().count() > 128 {
        violations.value(
            field,
            name,
            "Member must have length less than or equal to 128",
        );
    }
}

/// `shardId-` followed by the index in 12 digits.
pub fn shard_id(index: u32) -> String {
    format!("shardId-{index:012}")
}

/// The index of a shard id. Like AWS, a bare number (`"1"`) or a short form
/// (`shardId-1`) names the same shard as its canonical form.
pub fn parse_shard_id(id: &str) -> Option<u32> {
    let digits = id.strip_prefix("shardId-").unwrap_or(id);
    if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // AWS's shard index is a Java int: 2147483648 is no shard id (kinesalite's tests).
    digits
        .parse::<u64>()
        .ok()
        .filter(|n| *n <= i32::MAX as u64)
        .and_then(|n| u32::try_from(n).ok())
}

/// `{stream arn}/consumer/{name}:{creation epoch seconds}`.
pub fn consumer_arn(stream: &StreamKey, name: &str, created: Timestamp) -> String {
    format!("{}/consumer/{name}:{}", stream.arn(), created.as_secs())
}

/// The stream, consumer name and creation seconds of a consumer ARN.
pub fn parse_consumer_arn(arn: &str) -> Result<(StreamKey, String, u64), KinesisError> {
    let invalid = || KinesisError::InvalidArgument(format!("Invalid ConsumerARN {arn}"));
    let (stream_arn, rest) = arn.split_once("/consumer/").ok_or_else(invalid)?;
    let (name, secs) = rest.rsplit_once(':').ok_or_else(invalid)?;
    let key = StreamKey::from_arn(stream_arn).map_err(|_| invalid())?;
    validate_name("consumerName", name).map_err(|_| invalid())?;
    if secs.is_empty() || !secs.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let secs = secs.parse::<u64>().map_err(|_| invalid())?;
    Ok((key, name.to_owned(), secs))
}

/// A `StreamId` in AWS's shape (`[a-z0-9]{20}-[a-z0-9]{3}`), derived from the stream's ARN
/// and creation instant so a re-created stream gets a new one.
pub fn stream_id(key: &StreamKey, created: Timestamp) -> String {
    const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut hasher = Md5::new();
    hasher.update(key.arn().as_bytes());
    hasher.update(created.as_millis().to_be_bytes());
    let mut bits = u128::from_be_bytes(hasher.finalize().into());
    let mut out = String::with_capacity(24);
    for i in 0..23 {
        if i == 20 {
            out.push('-');
        }
        let c = ALPHABET.get((bits % 36) as usize).copied().unwrap_or(b'a');
        out.push(char::from(c));
        bits /= 36;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> StreamKey {
        StreamKey::new(
            AccountId::parse("123456789012").expect("account"),
            Region::parse("us-east-1").expect("region"),
            name,
        )
        .expect("valid name")
    }

    #[test]
    fn stream_names() {
        let long = "a".repeat(129);
        let cases: [(&str, Option<&str>); 5] = [
            ("my-stream_1.x", None),
            ("", Some("greater than or equal to 1")),
            (&long, Some("less than or equal to 128")),
            ("bad name", Some("regular expression")),
            ("ü", Some("regular expression")),
        ];
        for (name, err) in cases {
            let got = validate_name("streamName", name);
            match err {
                None => assert!(got.is_ok(), "{name}"),
                Some(part) => {
                    let e = got.expect_err("invalid");
                    assert_eq!(e.code(), "ValidationException");
                    assert!(e.message().contains(part), "{}", e.message());
                }
            }
        }
    }

    #[test]
    fn arns_round_trip() {
        let k = key("orders");
        assert_eq!(
            k.arn(),
            "arn:aws:kinesis:us-east-1:123456789012:stream/orders"
        );
        assert_eq!(StreamKey::from_arn(&k.arn()).expect("parse"), k);
        for bad in [
            "arn:aws:sqs:us-east-1:123456789012:stream/orders",
            "arn:aws:kinesis:us-east-1:1234:stream/orders",
            "arn:aws:kinesis:us-east-1:123456789012:table/orders",
            "arn:aws:kinesis:us-east-1:123456789012:stream/a/consumer/b:1",
            "nonsense",
        ] {
            assert!(StreamKey::from_arn(bad).is_err(), "{bad}");
        }
        let c = consumer_arn(&k, "app", Timestamp(1_700_000_000_500));
        assert_eq!(
            c,
            "arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/app:1700000000"
        );
        assert_eq!(
            parse_consumer_arn(&c).expect("parse"),
            (k, "app".to_owned(), 1_700_000_000)
        );
        assert!(parse_consumer_arn("arn:aws:kinesis:x:1:stream/a/consumer/b").is_err());
    }

    #[test]
    fn shard_ids() {
        assert_eq!(shard_id(0), "shardId-000000000000");
        assert_eq!(shard_id(42), "shardId-000000000042");
        let cases = [
            ("shardId-000000000042", Some(42)),
            ("shardId-42", Some(42)),
            ("7", Some(7)),
            ("shardId-", None),
            ("shardId-x", None),
            ("shardId-99999999999999999999", None),
        ];
        for (id, want) in cases {
            assert_eq!(parse_shard_id(id), want, "{id}");
        }
    }

    #[test]
    fn stream_ids_have_aws_shape() {
        let id = stream_id(&key("s"), Timestamp(5));
        assert_eq!(id.len(), 24);
        assert_eq!(&id[20..21], "-");
        assert!(id
            .bytes()
            .all(|b| b == b'-' || b.is_ascii_lowercase() || b.is_ascii_digit()));
        assert_ne!(id, stream_id(&key("s"), Timestamp(6)));
    }
}
