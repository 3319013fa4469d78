//! `KinesisError`: every failure the engine reports: structured variants for the answers
//! several operations share, a string-carrying variant per AWS error shape for one-off
//! texts; the shape names in one table (`code`), the messages as `Display`.

use sluice_core::{AccountId, Timestamp};

/// A Kinesis failure. Answers worded the same by several operations are variants with
/// their fields; one-off texts ride in the variant of their AWS error shape. `code()` is the
/// one table of AWS shape names (PutRecords' per-record `ErrorCode` needs it in the
/// engine); `Display` is the message AWS sends.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KinesisError {
    #[error("Stream {stream} under account {account} not found.")]
    StreamNotFound { stream: String, account: AccountId },
    #[error("Stream {stream} under account {account} already exists.")]
    StreamExists { stream: String, account: AccountId },
    #[error("Stream {stream} under account {account} not ACTIVE, instead in state {status}")]
    StreamNotActive {
        stream: String,
        account: AccountId,
        status: &'static str,
    },
    #[error("Shard {shard} in stream {stream} under account {account} does not exist")]
    ShardNotFound {
        shard: String,
        stream: String,
        account: AccountId,
    },
    #[error("Consumer {consumer} under stream {stream_arn} not found.")]
    ConsumerNotFound {
        consumer: String,
        stream_arn: String,
    },
    #[error("Rate exceeded for shard {shard} in stream {stream} under account {account}.")]
    RateExceeded {
        shard: String,
        stream: String,
        account: AccountId,
    },
    /// Sluice's own limit, worded as AWS's throttling answer (clients back off and retry)
    /// and naming the limit.
    #[error(
        "Rate exceeded for shard {shard} in stream {stream} under account {account}. Sluice \
         holds as many record bytes as --kinesis-max-retained-bytes allows; records leave as \
         the retention period passes or streams are deleted."
    )]
    RetainedBytesExceeded {
        shard: String,
        stream: String,
        account: AccountId,
    },
    /// The iterator is older than the 300 000 ms AWS tolerates.
    #[error(
        "Iterator expired. The iterator was created at time {} while right now it is {} which \
         is further in the future than the tolerated delay of 300000 milliseconds.",
        java_date(*created),
        java_date(*now)
    )]
    IteratorExpired { created: Timestamp, now: Timestamp },
    /// AWS's model-validation message for one member.
    #[error(
        "1 validation error detected: Value '{value}' at '{field}' failed to satisfy \
         constraint: {constraint}"
    )]
    InvalidValue {
        field: String,
        value: String,
        constraint: String,
    },
    #[error("{0}")]
    ResourceNotFound(String),
    #[error("{0}")]
    ResourceInUse(String),
    #[error("{0}")]
    InvalidArgument(String),
    #[error("{0}")]
    LimitExceeded(String),
    #[error("{0}")]
    ExpiredIterator(String),
    #[error("{0}")]
    ExpiredNextToken(String),
    #[error("{0}")]
    ProvisionedThroughputExceeded(String),
    #[error("{0}")]
    AccessDenied(String),
    #[error("{0}")]
    Validation(String),
}

impl KinesisError {
    /// The AWS error shape name, as the JSON protocol's `__type` carries it.
    pub fn code(&self) -> &'static str {
        use KinesisError as E;
        match self {
            E::StreamNotFound { .. }
            | E::ShardNotFound { .. }
            | E::ConsumerNotFound { .. }
            | E::ResourceNotFound(_) => "ResourceNotFoundException",
            E::StreamExists { .. } | E::StreamNotActive { .. } | E::ResourceInUse(_) => {
                "ResourceInUseException"
            }
            E::InvalidArgument(_) => "InvalidArgumentException",
            E::LimitExceeded(_) => "LimitExceededException",
            E::IteratorExpired { .. } | E::ExpiredIterator(_) => "ExpiredIteratorException",
            E::ExpiredNextToken(_) => "ExpiredNextTokenException",
            E::RateExceeded { .. }
            | E::RetainedBytesExceeded { .. }
            | E::ProvisionedThroughputExceeded(_) => "ProvisionedThroughputExceededException",
            E::AccessDenied(_) => "AccessDeniedException",
            E::InvalidValue { .. } | E::Validation(_) => "ValidationException",
        }
    }

    /// The message AWS sends with the error.
    pub fn message(&self) -> String {
        self.to_string()
    }

    pub fn stream_not_found(name: &str, account: &AccountId) -> Self {
        KinesisError::StreamNotFound {
            stream: name.to_owned(),
            account: account.clone(),
        }
    }

    pub fn stream_exists(name: &str, account: &AccountId) -> Self {
        KinesisError::StreamExists {
            stream: name.to_owned(),
            account: account.clone(),
        }
    }

    pub fn stream_not_active(name: &str, account: &AccountId, status: &'static str) -> Self {
        KinesisError::StreamNotActive {
            stream: name.to_owned(),
            account: account.clone(),
            status,
        }
    }

    pub fn shard_not_found(shard_id: &str, name: &str, account: &AccountId) -> Self {
        KinesisError::ShardNotFound {
            shard: shard_id.to_owned(),
            stream: name.to_owned(),
            account: account.clone(),
        }
    }

    pub fn rate_exceeded(shard_id: &str, name: &str, account: &AccountId) -> Self {
        KinesisError::RateExceeded {
            shard: shard_id.to_owned(),
            stream: name.to_owned(),
            account: account.clone(),
        }
    }

    pub fn retained_bytes_exceeded(shard_id: &str, name: &str, account: &AccountId) -> Self {
        KinesisError::RetainedBytesExceeded {
            shard: shard_id.to_owned(),
            stream: name.to_owned(),
            account: account.clone(),
        }
    }

    pub fn iterator_expired(created: Timestamp, now: Timestamp) -> Self {
        KinesisError::IteratorExpired { created, now }
    }

    /// AWS's model-validation message: `1 validation error detected: Value '{value}' at
    /// '{field}' failed to satisfy constraint: {constraint}`.
    pub fn validation(field: &str, value: &str, constraint: &str) -> Self {
        KinesisError::InvalidValue {
            field: field.to_owned(),
            value: value.to_owned(),
            constraint: constraint.to_owned(),
        }
    }
}

/// Every model-constraint violation of one request, reported together as AWS does: "2
/// validation errors detected: Value null at 'partitionKey' failed to satisfy constraint:
/// Member must not be null; Value null at 'data' ..." (at most 10; kinesalite's tests,
/// written against Kinesis, list the messages).
#[derive(Debug, Default)]
pub struct Violations(Vec<String>);

/// The most violations one answer lists.
const MAX_VIOLATIONS: usize = 10;

impl Violations {
    /// A required member that is absent.
    pub fn null(&mut self, member: &str) {
        self.0.push(format!(
            "Value null at '{member}' failed to satisfy constraint: Member must not be null"
        ));
    }

    /// A member whose value (as AWS prints it) breaks `constraint`.
    pub fn value(&mut self, member: &str, value: &str, constraint: &str) {
        self.0.push(format!(
            "Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        ));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when nothing was violated, else the one ValidationException listing them all.
    pub fn check(mut self) -> Result<(), KinesisError> {
        if self.0.is_empty() {
            return Ok(());
        }
        self.0.truncate(MAX_VIOLATIONS);
        let n = self.0.len();
        Err(KinesisError::Validation(format!(
            "{n} validation error{} detected: {}",
            if n == 1 { "" } else { "s" },
            self.0.join("; ")
        )))
    }
}

/// `java.util.Date#toString` in UTC (`Sun Oct 10 05:17:11 UTC 2021`), the form AWS's
/// ExpiredIteratorException message prints instants in.
pub fn java_date(t: Timestamp) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = t.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days);
    let weekday = DAYS.get((days % 7) as usize).copied().unwrap_or("Thu");
    let month_name = MONTHS
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("Jan");
    format!(
        "{weekday} {month_name} {day:02} {:02}:{:02}:{:02} UTC {year}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Gregorian (year, month 1..=12, day 1..=31) of a count of days since 1970-01-01.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + u64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account() -> AccountId {
        AccountId::parse("000000000000").expect("account")
    }

    #[test]
    fn java_dates_match_aws_messages() {
        // Instants copied from real ExpiredIteratorException messages.
        let cases = [
            (1_633_843_031_000, "Sun Oct 10 05:17:11 UTC 2021"),
            (1_435_841_877_000, "Thu Jul 02 12:57:57 UTC 2015"),
            (1_583_283_760_000, "Wed Mar 04 01:02:40 UTC 2020"),
            (0, "Thu Jan 01 00:00:00 UTC 1970"),
        ];
        for (ms, want) in cases {
            assert_eq!(java_date(Timestamp(ms)), want, "{ms}");
        }
    }

    #[test]
    fn messages_and_codes() {
        let cases = [
            (
                KinesisError::stream_not_found("s", &account()),
                "ResourceNotFoundException",
                "Stream s under account 000000000000 not found.",
            ),
            (
                KinesisError::rate_exceeded("shardId-000000000000", "s", &account()),
                "ProvisionedThroughputExceededException",
                "Rate exceeded for shard shardId-000000000000 in stream s under account \
                 000000000000.",
            ),
            (
                KinesisError::iterator_expired(Timestamp(0), Timestamp(300_001)),
                "ExpiredIteratorException",
                "Iterator expired. The iterator was created at time Thu Jan 01 00:00:00 UTC 1970 \
                 while right now it is Thu Jan 01 00:05:00 UTC 1970 which is further in the \
                 future than the tolerated delay of 300000 milliseconds.",
            ),
        ];
        for (err, code, msg) in cases {
            assert_eq!(err.code(), code);
            assert_eq!(err.message(), msg);
            assert_eq!(err.to_string(), msg);
        }
    }
}
