//! Settings of one Sluice process. Each source — the TOML file's `[server]` table, then
//! `SLUICE_*` environment variables, then flags — gives a `RawSettings` of optional values;
//! later sources override earlier ones, defaults fill the rest, and validation turns the
//! result into typed `Settings` with one error listing every problem.

use std::fmt;

use serde::Deserialize;
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

/// What an acknowledged change survives, with a data dir.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// The process being killed (kill -9, a crash): committed to the OS, not yet to disk.
    #[default]
    Process,
    /// Power loss too: every commit waits for the disk (fsync).
    Strict,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub host: String,
    pub port: u16,
    pub region: Region,
    pub account_id: AccountId,
    pub clock: ClockMode,
    /// The host (and port) queue URLs and SNS callback URLs carry, instead of the one each
    /// request addressed: for containers reached under another name.
    pub hostname: Option<String>,
    pub log: String,
    pub log_format: LogFormat,
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
    /// How long a new Kinesis stream (or consumer) stays CREATING, and a resharded one
    /// UPDATING, in milliseconds.
    pub kinesis_status_delay_ms: u64,
    /// Enforce Kinesis's per-shard read and write limits.
    pub kinesis_throughput_limits: bool,
    /// Record bytes all Kinesis streams may hold before writes are refused (Sluice's own
    /// limit against unbounded growth).
    pub kinesis_max_retained_bytes: u64,
    /// Connections open at once; at the limit the one idle longest makes room for a new
    /// client, which waits in the listen backlog while all are busy.
    pub max_connections: usize,
    /// How long a client may take to send a request's headers, and how long an idle
    /// keep-alive connection stays open, in milliseconds.
    pub header_read_timeout_ms: u64,
    /// How long writing an answer may make no progress (a client that does not read)
    /// before the connection is closed, in milliseconds.
    pub write_timeout_ms: u64,
    /// Where state is kept across restarts; `None` keeps everything in memory only.
    pub data_dir: Option<std::path::PathBuf>,
    pub durability: Durability,
}

/// Connections open at once by default: well below common file-descriptor limits.
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
/// Header read deadline by default (hyper's own default).
pub const DEFAULT_HEADER_READ_TIMEOUT_MS: u64 = 30_000;
/// Stalled-write deadline by default: as patient as the header deadline.
pub const DEFAULT_WRITE_TIMEOUT_MS: u64 = 30_000;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            host: "127.0.0.1".into(),
            port: 4566,
            region: Region::parse("us-east-1").unwrap_or_else(|| unreachable!()),
            account_id: AccountId::parse("000000000000").unwrap_or_else(|| unreachable!()),
            clock: ClockMode::System,
            hostname: None,
            log: "info".into(),
            log_format: LogFormat::Text,
            max_request_bytes: DEFAULT_MAX_REQUEST_BYTES,
            max_query_bytes: DEFAULT_MAX_QUERY_BYTES,
            housekeeping: true,
            queue_deleted_recently: true,
            sns_sign_queue_messages: false,
            kinesis_status_delay_ms: 500,
            kinesis_throughput_limits: false,
            kinesis_max_retained_bytes: sluice_kinesis::DEFAULT_MAX_RETAINED_BYTES,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_read_timeout_ms: DEFAULT_HEADER_READ_TIMEOUT_MS,
            write_timeout_ms: DEFAULT_WRITE_TIMEOUT_MS,
            data_dir: None,
            durability: Durability::Process,
        }
    }
}

/// Settings as one source gives them; names are the flags' (and the `[server]` keys').
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub region: Option<String>,
    pub account_id: Option<String>,
    /// `system` or `manual`.
    pub clock: Option<String>,
    pub hostname: Option<String>,
    pub log: Option<String>,
    /// `text` or `json`.
    pub log_format: Option<String>,
    pub sqs_queue_deleted_recently: Option<bool>,
    pub sns_sign_queue_messages: Option<bool>,
    pub kinesis_status_delay_ms: Option<u64>,
    pub kinesis_throughput_limits: Option<bool>,
    pub kinesis_max_retained_bytes: Option<u64>,
    pub max_connections: Option<usize>,
    pub header_read_timeout_ms: Option<u64>,
    pub write_timeout_ms: Option<u64>,
    pub data_dir: Option<String>,
    /// `process` or `strict`.
    pub durability: Option<String>,
}

/// Every problem found in the settings.
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
    /// `self` with every value `over` gives replacing it.
    pub fn overridden_by(self, over: RawSettings) -> RawSettings {
        RawSettings {
            host: over.host.or(self.host),
            port: over.port.or(self.port),
            region: over.region.or(self.region),
            account_id: over.account_id.or(self.account_id),
            clock: over.clock.or(self.clock),
            hostname: over.hostname.or(self.hostname),
            log: over.log.or(self.log),
            log_format: over.log_format.or(self.log_format),
            sqs_queue_deleted_recently: over
                .sqs_queue_deleted_recently
                .or(self.sqs_queue_deleted_recently),
            sns_sign_queue_messages: over
                .sns_sign_queue_messages
                .or(self.sns_sign_queue_messages),
            kinesis_status_delay_ms: over
                .kinesis_status_delay_ms
                .or(self.kinesis_status_delay_ms),
            kinesis_throughput_limits: over
                .kinesis_throughput_limits
                .or(self.kinesis_throughput_limits),
            kinesis_max_retained_bytes: over
                .kinesis_max_retained_bytes
                .or(self.kinesis_max_retained_bytes),
            max_connections: over.max_connections.or(self.max_connections),
            header_read_timeout_ms: over.header_read_timeout_ms.or(self.header_read_timeout_ms),
            write_timeout_ms: over.write_timeout_ms.or(self.write_timeout_ms),
            data_dir: over.data_dir.or(self.data_dir),
            durability: over.durability.or(self.durability),
        }
    }

    pub fn validate(self) -> Result<Settings, ConfigError> {
        let defaults = Settings::default();
        let mut problems = Vec::new();
        let region = match &self.region {
            None => Some(defaults.region.clone()),
            Some(r) => Region::parse(r),
        };
        if region.is_none() {
            problems.push(format!(
                "region {:?} is not a region name (lower-case letters, digits and hyphens)",
                self.region.as_deref().unwrap_or_default()
            ));
        }
        let account_id = match &self.account_id {
            None => Some(defaults.account_id.clone()),
            Some(a) => AccountId::parse(a),
        };
        if account_id.is_none() {
            problems.push(format!(
                "account_id {:?} must be 12 digits",
                self.account_id.as_deref().unwrap_or_default()
            ));
        }
        let host = self.host.unwrap_or(defaults.host);
        if host.trim().is_empty() {
            problems.push("host must not be empty".into());
        }
        let clock = match self.clock.as_deref() {
            None | Some("system") => ClockMode::System,
            Some("manual") => ClockMode::Manual,
            Some(other) => {
                problems.push(format!("clock {other:?} must be \"system\" or \"manual\""));
                ClockMode::System
            }
        };
        let log_format = match self.log_format.as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                problems.push(format!("log_format {other:?} must be \"text\" or \"json\""));
                LogFormat::Text
            }
        };
        if self
            .hostname
            .as_deref()
            .is_some_and(|h| h.trim().is_empty() || h.contains('/'))
        {
            problems.push("hostname must be a host name, optionally with :port".into());
        }
        if self.max_connections == Some(0) {
            problems.push("max_connections must be at least 1".into());
        }
        if self
            .header_read_timeout_ms
            .is_some_and(|ms| ms == 0 || ms > 3_600_000)
        {
            problems.push("header_read_timeout_ms must be within 1..=3600000".into());
        }
        if self
            .write_timeout_ms
            .is_some_and(|ms| ms == 0 || ms > 3_600_000)
        {
            problems.push("write_timeout_ms must be within 1..=3600000".into());
        }
        let durability = match self.durability.as_deref() {
            None | Some("process") => Durability::Process,
            Some("strict") => Durability::Strict,
            Some(other) => {
                problems.push(format!(
                    "durability must be process or strict, not {other:?}"
                ));
                Durability::Process
            }
        };
        if self
            .data_dir
            .as_deref()
            .is_some_and(|d| d.trim().is_empty())
        {
            problems.push("data_dir must name a directory".into());
        }
        match (region, account_id, problems.is_empty()) {
            (Some(region), Some(account_id), true) => Ok(Settings {
                host,
                port: self.port.unwrap_or(defaults.port),
                region,
                account_id,
                clock,
                hostname: self.hostname,
                log: self.log.unwrap_or(defaults.log),
                log_format,
                queue_deleted_recently: self
                    .sqs_queue_deleted_recently
                    .unwrap_or(defaults.queue_deleted_recently),
                sns_sign_queue_messages: self
                    .sns_sign_queue_messages
                    .unwrap_or(defaults.sns_sign_queue_messages),
                kinesis_status_delay_ms: self
                    .kinesis_status_delay_ms
                    .unwrap_or(defaults.kinesis_status_delay_ms)
                    .min(3_600_000),
                kinesis_throughput_limits: self
                    .kinesis_throughput_limits
                    .unwrap_or(defaults.kinesis_throughput_limits),
                kinesis_max_retained_bytes: self
                    .kinesis_max_retained_bytes
                    .unwrap_or(defaults.kinesis_max_retained_bytes),
                max_connections: self.max_connections.unwrap_or(defaults.max_connections),
                header_read_timeout_ms: self
                    .header_read_timeout_ms
                    .unwrap_or(defaults.header_read_timeout_ms),
                write_timeout_ms: self.write_timeout_ms.unwrap_or(defaults.write_timeout_ms),
                data_dir: self.data_dir.map(std::path::PathBuf::from),
                durability,
                ..defaults
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
            host: Some(" ".into()),
            region: Some("Mars".into()),
            account_id: Some("123".into()),
            clock: Some("sundial".into()),
            ..RawSettings::default()
        }
        .validate()
        .expect_err("invalid");
        assert_eq!(err.0.len(), 4, "{err}");
    }

    #[test]
    fn later_sources_override_earlier_ones_and_defaults_fill_the_rest() {
        let file = RawSettings {
            port: Some(9324),
            region: Some("eu-west-1".into()),
            clock: Some("manual".into()),
            ..RawSettings::default()
        };
        let env = RawSettings {
            port: Some(9000),
            ..RawSettings::default()
        };
        let cli = RawSettings {
            region: Some("eu-central-1".into()),
            ..RawSettings::default()
        };
        let settings = file
            .overridden_by(env)
            .overridden_by(cli)
            .validate()
            .expect("valid");
        assert_eq!(settings.port, 9000);
        assert_eq!(settings.region.as_str(), "eu-central-1");
        assert_eq!(settings.clock, ClockMode::Manual);
        assert_eq!(settings.host, "127.0.0.1");
        assert!(settings.queue_deleted_recently);
    }
}
