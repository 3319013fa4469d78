//! SMS settings of each account: the SetSMSAttributes map, opted-out numbers, and the SMS
//! sandbox's destination numbers with their verification state.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard};

/// `SetSMSAttributes` keys AWS documents.
pub const SMS_ATTRIBUTES: &[&str] = &[
    "MonthlySpendLimit",
    "DeliveryStatusIAMRole",
    "DeliveryStatusSuccessSamplingRate",
    "DefaultSenderID",
    "DefaultSMSType",
    "UsageReportS3Bucket",
];

/// A sandbox destination number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxNumber {
    pub verified: bool,
    /// The one-time password VerifySMSSandboxPhoneNumber must present.
    pub otp: String,
    pub language: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct SmsAccount {
    pub attributes: BTreeMap<String, String>,
    pub opted_out: BTreeSet<String>,
    pub sandbox: BTreeMap<String, SandboxNumber>,
}

/// SMS state by account id.
#[derive(Debug, Default)]
pub struct Sms {
    accounts: Mutex<HashMap<String, SmsAccount>>,
}

impl Sms {
    pub fn with_account<R>(&self, account: &str, f: impl FnOnce(&mut SmsAccount) -> R) -> R {
        let mut accounts = self.lock();
        f(accounts.entry(account.to_owned()).or_default())
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, SmsAccount>> {
        self.accounts.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn clear(&self) {
        self.lock().clear();
    }
}

/// An E.164 phone number: `+`, then 1 to 15 digits, the first not zero.
pub fn valid_e164(number: &str) -> bool {
    number.strip_prefix('+').is_some_and(|digits| {
        (1..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164() {
        assert!(valid_e164("+15555550100"));
        assert!(!valid_e164("15555550100"));
        assert!(!valid_e164("+0123"));
        assert!(!valid_e164("+1234567890123456"));
        assert!(!valid_e164("+1-555"));
    }
}
