//! Mobile push: platform applications (GCM/FCM, APNS, ...) and their endpoints, with the
//! attributes the API stores. Nothing is pushed: publishes to endpoints go to the outbox.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

/// Platforms CreatePlatformApplication accepts.
pub const PLATFORMS: &[&str] = &[
    "ADM",
    "APNS",
    "APNS_SANDBOX",
    "APNS_VOIP",
    "APNS_VOIP_SANDBOX",
    "BAIDU",
    "GCM",
    "MACOS",
    "MACOS_SANDBOX",
    "MPNS",
    "WNS",
];

#[derive(Debug, Clone)]
pub struct PlatformApplication {
    pub arn: String,
    pub name: String,
    pub platform: String,
    pub attributes: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct PlatformEndpoint {
    pub arn: String,
    pub application_arn: String,
    /// `Token`, `Enabled`, `CustomUserData`.
    pub attributes: BTreeMap<String, String>,
}

impl PlatformEndpoint {
    pub fn token(&self) -> &str {
        self.attributes.get("Token").map_or("", String::as_str)
    }

    pub fn enabled(&self) -> bool {
        self.attributes.get("Enabled").is_none_or(|v| v == "true")
    }
}

#[derive(Debug, Default)]
pub struct Platforms {
    state: Mutex<PlatformState>,
}

#[derive(Debug, Default)]
pub struct PlatformState {
    pub applications: BTreeMap<String, PlatformApplication>,
    pub endpoints: BTreeMap<String, PlatformEndpoint>,
}

impl Platforms {
    pub fn lock(&self) -> MutexGuard<'_, PlatformState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl PlatformState {
    /// Deletes an application and every endpoint under it.
    pub fn delete_application(&mut self, arn: &str) {
        self.applications.remove(arn);
        self.endpoints.retain(|_, e| e.application_arn != arn);
    }
}
