//! Settings of one Sluice process: parsed from raw values (CLI flags, `SLUICE_*` env), then
//! validated into typed settings with one error that lists every problem.

use std::fmt;

use sluice_core::{AccountId, Region};

/// Largest JSON or CBOR request body accepted, in bytes: Kinesis requests reach 10 MiB
/// before base64.
pub const DEFAULT_MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;
/// Largest AWS Query (form) body: a 1 MiB SQS message or batch, percent-encoded, is at most
/// about 3 MiB, and decoding a form costs several times its size in memory.
pub const DEFAULT_MAX_QUERY_BYTES: usize = 4 * 1024 * 1024;

/// How the process keeps time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClockMode {
    /// Real time.
    #[default]
    System,
    /// Time stands still until advanced (tests, time-travel).
    Manual,
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub host: String,
    pub port: u16,
    pub region: Region,
    pub account_id: AccountId,
    pub clock: ClockMode,
    pub max_request_bytes: usize,
    pub max_query_bytes: usize,
    /// Periodic sweeps of expired messages from idle queues (memory only; never needed for
    /// correctness).
    pub housekeeping: bool,
    /// AWS's 60-second wait before a deleted queue's name can be used again.
    pub queue_deleted_recently: bool,
    /// Sign SNS envelopes delivered to SQS queues (RSA per message; HTTP deliveries are
    /// always signed).
    pub sns_sign_queue_messages: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            host: "127.0.0.1".into(),
            port: 4566,
            region: Region::parse("us-east-1").unwrap_or_else(|| unreachable!()),
            account_id: AccountId::parse("000000000000").unwrap_or_else(|| unreachable!()),
            clock: ClockMode::System,
            max_request_bytes: DEFAULT_MAX_REQUEST_BYTES,
            max_query_bytes: DEFAULT_MAX_QUERY_BYTES,
            housekeeping: true,
            queue_deleted_recently: true,
            sns_sign_queue_messages: false,
        }
    }
}

/// Settings as given, before validation.
#[derive(Debug, Clone)]
pub struct RawSettings {
    pub host: String,
    pub port: u16,
    pub region: String,
    pub account_id: String,
    pub queue_deleted_recently: bool,
    pub sns_sign_queue_messages: bool,
}

/// Every problem found in the raw settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub Vec<String>);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration:")?;
        for problem in &self.0 {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

impl RawSettings {
    pub fn validate(self) -> Result<Settings, ConfigError> {
        let mut problems = Vec::new();
        let region = Region::parse(&self.region);
        if region.is_none() {
            problems.push(format!(
                "region {:?} is not a region name (lower-case letters, digits and hyphens)",
                self.region
            ));
        }
        let account_id = AccountId::parse(&self.account_id);
        if account_id.is_none() {
            problems.push(format!(
                "account id {:?} must be exactly 12 digits",
                self.account_id
            ));
        }
        if self.host.trim().is_empty() {
            problems.push("host must not be empty".into());
        }
        match (region, account_id, problems.is_empty()) {
            (Some(region), Some(account_id), true) => Ok(Settings {
                host: self.host,
                port: self.port,
                region,
                account_id,
                queue_deleted_recently: self.queue_deleted_recently,
                sns_sign_queue_messages: self.sns_sign_queue_messages,
                ..Settings::default()
            }),
            _ => Err(ConfigError(problems)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_listed() {
        let err = RawSettings {
            host: " ".into(),
            port: 1,
            region: "Mars".into(),
            account_id: "123".into(),
            queue_deleted_recently: true,
            sns_sign_queue_messages: false,
        }
        .validate()
        .expect_err("invalid");
        assert_eq!(err.0.len(), 3, "{err}");
        let ok = RawSettings {
            host: "0.0.0.0".into(),
            port: 9324,
            region: "eu-west-1".into(),
            account_id: "123456789012".into(),
            queue_deleted_recently: false,
            sns_sign_queue_messages: true,
        }
        .validate()
        .expect("valid");
        assert_eq!(ok.region.as_str(), "eu-west-1");
    }
}
