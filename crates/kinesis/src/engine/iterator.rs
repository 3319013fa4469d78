//! Shard iterators and starting positions. An iterator is opaque base64 of (stream, stream
//! creation instant, shard index, next counter to read, creation time); it expires 300 000 ms
//! after it was made. `StartingPosition` is the parsed ShardIteratorType (+ sequence number
//! or timestamp) of GetShardIterator and SubscribeToShard.

use sluice_core::{AccountId, Region, Timestamp};

use super::codec::{TokenReader, TokenWriter};
use super::error::KinesisError;
use super::names::StreamKey;
use super::seqnum::well_formed;

/// How long an iterator stays usable.
pub const ITERATOR_TTL_MS: u64 = 300_000;
const VERSION: u8 = 7;

/// Where reading a shard starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartingPosition {
    AtSequenceNumber(String),
    AfterSequenceNumber(String),
    TrimHorizon,
    Latest,
    AtTimestamp(Timestamp),
}

impl StartingPosition {
    /// From a request's `ShardIteratorType`, `StartingSequenceNumber` and `Timestamp`, with
    /// AWS's complaints about missing or superfluous members.
    pub fn from_request(
        kind: &str,
        sequence_number: Option<&str>,
        timestamp: Option<Timestamp>,
    ) -> Result<StartingPosition, KinesisError> {
        let seq = |s: Option<&str>| -> Result<String, KinesisError> {
            let s = s.ok_or_else(|| mismatch(kind, "no"))?;
            if !well_formed(s) {
                return Err(KinesisError::validation(
                    "startingSequenceNumber",
                    s,
                    "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})",
                ));
            }
            Ok(s.to_owned())
        };
        match kind {
            "AT_SEQUENCE_NUMBER" => Ok(StartingPosition::AtSequenceNumber(seq(sequence_number)?)),
            "AFTER_SEQUENCE_NUMBER" => {
                Ok(StartingPosition::AfterSequenceNumber(seq(sequence_number)?))
            }
            "TRIM_HORIZON" | "LATEST" => {
                if sequence_number.is_some() {
                    return Err(mismatch(kind, "also a"));
                }
                Ok(if kind == "LATEST" {
                    StartingPosition::Latest
                } else {
                    StartingPosition::TrimHorizon
                })
            }
            "AT_TIMESTAMP" => timestamp.map(StartingPosition::AtTimestamp).ok_or_else(|| {
                KinesisError::InvalidArgument(
                    "Must specify timestampInMillis parameter for iterator of type \
                     AT_TIMESTAMP. Current request has no timestamp parameter."
                        .into(),
                )
            }),
            other => Err(KinesisError::validation(
                "shardIteratorType",
                other,
                "Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, AT_SEQUENCE_NUMBER, \
                 AT_TIMESTAMP, TRIM_HORIZON, LATEST]",
            )),
        }
    }
}

fn mismatch(kind: &str, article: &str) -> KinesisError {
    KinesisError::InvalidArgument(format!(
        "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and \
         StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. \
         Request specified {kind} and {article} StartingSequenceNumber."
    ))
}

/// The decoded content of a shard iterator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardIterator {
    pub stream: StreamKey,
    /// Creation instant of the stream the iterator was made for.
    pub epoch: u64,
    pub shard: u32,
    /// Counter of the next record to read.
    pub from: u64,
    pub created: Timestamp,
}

impl ShardIterator {
    pub fn encode(&self) -> String {
        TokenWriter::new(VERSION)
            .str(self.stream.account.as_str())
            .str(self.stream.region.as_str())
            .str(&self.stream.name)
            .u64(self.epoch)
            .u32(self.shard)
            .u64(self.from)
            .u64(self.created.as_millis())
            .finish()
    }

    /// Decodes and checks age: InvalidArgument for text that is no iterator of ours,
    /// ExpiredIterator when it is older than five minutes at `now`.
    pub fn decode(text: &str, now: Timestamp) -> Result<ShardIterator, KinesisError> {
        // AWS does not echo the text back (kinesalite's tests against Kinesis).
        let invalid = || KinesisError::InvalidArgument("Invalid ShardIterator.".to_owned());
        let mut r = TokenReader::open(text, VERSION).ok_or_else(invalid)?;
        let account = r.str().and_then(|a| AccountId::parse(&a));
        let region = r.str().and_then(|a| Region::parse(&a));
        let name = r.str();
        let (Some(account), Some(region), Some(name)) = (account, region, name) else {
            return Err(invalid());
        };
        let stream = StreamKey::new(account, region, &name).map_err(|_| invalid())?;
        let (Some(epoch), Some(shard), Some(from), Some(created)) =
            (r.u64(), r.u32(), r.u64(), r.u64())
        else {
            return Err(invalid());
        };
        if !r.done() {
            return Err(invalid());
        }
        let created = Timestamp(created);
        if now.as_millis().saturating_sub(created.as_millis()) > ITERATOR_TTL_MS {
            return Err(KinesisError::iterator_expired(created, now));
        }
        Ok(ShardIterator {
            stream,
            epoch,
            shard,
            from,
            created,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn it(created: u64) -> ShardIterator {
        ShardIterator {
            stream: StreamKey::new(
                AccountId::parse("000000000000").expect("account"),
                Region::parse("eu-west-1").expect("region"),
                &"s".repeat(128),
            )
            .expect("key"),
            epoch: 1_700_000_000_000,
            shard: 12,
            from: 99,
            created: Timestamp(created),
        }
    }

    #[test]
    fn iterators_round_trip_expire_and_fit_aws_length() {
        let i = it(1_000);
        let text = i.encode();
        assert!(text.len() <= 512, "{}", text.len());
        assert_eq!(ShardIterator::decode(&text, Timestamp(301_000)), Ok(i));
        let err = ShardIterator::decode(&text, Timestamp(301_001)).expect_err("expired");
        assert_eq!(err.code(), "ExpiredIteratorException");
        for bad in ["", "AAAA", "not base64!", &format!("{text}AAAA")] {
            let err = ShardIterator::decode(bad, Timestamp(0)).expect_err("invalid");
            assert_eq!(err.code(), "InvalidArgumentException", "{bad}");
        }
    }

    #[test]
    fn starting_positions() {
        let ok = [
            ("TRIM_HORIZON", None, None, StartingPosition::TrimHorizon),
            ("LATEST", None, None, StartingPosition::Latest),
            (
                "AT_SEQUENCE_NUMBER",
                Some("12"),
                None,
                StartingPosition::AtSequenceNumber("12".into()),
            ),
            (
                "AFTER_SEQUENCE_NUMBER",
                Some("0"),
                None,
                StartingPosition::AfterSequenceNumber("0".into()),
            ),
            (
                "AT_TIMESTAMP",
                None,
                Some(Timestamp(5)),
                StartingPosition::AtTimestamp(Timestamp(5)),
            ),
        ];
        for (kind, seq, ts, want) in ok {
            assert_eq!(StartingPosition::from_request(kind, seq, ts), Ok(want));
        }
        let bad = [
            ("AT_SEQUENCE_NUMBER", None, "InvalidArgumentException"),
            ("LATEST", Some("1"), "InvalidArgumentException"),
            ("AT_TIMESTAMP", None, "InvalidArgumentException"),
            ("AT_SEQUENCE_NUMBER", Some("01"), "ValidationException"),
            ("SOMEWHERE", None, "ValidationException"),
        ];
        for (kind, seq, code) in bad {
            let err = StartingPosition::from_request(kind, seq, None).expect_err(kind);
            assert_eq!(err.code(), code, "{kind}");
        }
        let err =
            StartingPosition::from_request("AT_SEQUENCE_NUMBER", None, None).expect_err("missing");
        assert!(err
            .message()
            .ends_with("Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber."));
        // kinesalite's tests against Kinesis: "... and also a StartingSequenceNumber."
        for kind in ["LATEST", "TRIM_HORIZON"] {
            let err = StartingPosition::from_request(kind, Some("5"), None).expect_err(kind);
            assert_eq!(
                err.message(),
                format!(
                    "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and \
                     StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no \
                     StartingSequenceNumber. Request specified {kind} and also a \
                     StartingSequenceNumber."
                )
            );
        }
    }
}
