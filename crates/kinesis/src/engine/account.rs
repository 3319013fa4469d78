//! Account-level settings of one account in one region: the
//! MinimumThroughputBillingCommitment and its statuses.

use sluice_core::Timestamp;

/// How long an enabled commitment must last before it can end.
pub const COMMITMENT_MIN_MS: u64 = 24 * 3_600_000;
/// Largest warm throughput an on-demand stream may ask for, MiB/s (10 GiB/s).
pub const MAX_WARM_THROUGHPUT_MIBPS: u32 = 10 * 1024;

/// `MinimumThroughputBillingCommitmentOutputStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitmentStatus {
    Enabled,
    Disabled,
    EnabledUntilEarliestAllowedEnd,
}

impl CommitmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CommitmentStatus::Enabled => "ENABLED",
            CommitmentStatus::Disabled => "DISABLED",
            CommitmentStatus::EnabledUntilEarliestAllowedEnd => {
                "ENABLED_UNTIL_EARLIEST_ALLOWED_END"
            }
        }
    }
}

/// `MinimumThroughputBillingCommitmentOutput`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Commitment {
    pub status: CommitmentStatus,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub earliest_allowed_end_at: Option<Timestamp>,
}

/// Settings of one account in one region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountSettings {
    pub(super) commitment: Option<Commitment>,
}

impl AccountSettings {
    /// The commitment as of `now` (a pending end takes effect at the earliest allowed end).
    pub fn commitment(&self, now: Timestamp) -> Commitment {
        match self.commitment {
            None => Commitment {
                status: CommitmentStatus::Disabled,
                started_at: None,
                ended_at: None,
                earliest_allowed_end_at: None,
            },
            Some(mut c) => {
                if c.status == CommitmentStatus::EnabledUntilEarliestAllowedEnd
                    && c.earliest_allowed_end_at.is_some_and(|end| now >= end)
                {
                    c.status = CommitmentStatus::Disabled;
                }
                c
            }
        }
    }

    pub(super) fn enabled(&self, now: Timestamp) -> bool {
        self.commitment(now).status != CommitmentStatus::Disabled
    }
}
