//! `RequestContext`: who is calling, how, and when — built once per request by the server's
//! entry point and handed to every service, so identity, transport and time are decided in
//! one place (and signature checks and policies can later fill and read the same slots).

use std::net::IpAddr;

use crate::{AccountId, Region, Timestamp};

/// An authenticated caller. Empty today: signature verification fills it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// `arn:aws:iam::<account>:user/<name>`, `...:root`, or an assumed-role ARN.
    pub arn: String,
    pub account: AccountId,
}

/// One request's context.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// The id every answer and log line of this request carries.
    pub request_id: String,
    /// The account whose resources the request acts on.
    pub account: AccountId,
    /// The signed region, else the server's default.
    pub region: Region,
    /// The access key id the request was signed with, if it was signed.
    pub access_key: Option<String>,
    /// The verified caller; `None` while signatures are not verified.
    pub principal: Option<Principal>,
    /// Whether the request came over TLS (`aws:SecureTransport`).
    pub secure_transport: bool,
    /// The client's address, when known (`aws:SourceIp`).
    pub source_ip: Option<IpAddr>,
    /// Host (and port) the client addressed: queue URLs and SubscribeURLs repeat it, so
    /// containers and port-mapped clients get addresses they can reach.
    pub host: String,
    /// Request path: an SQS Query request may be sent to the queue URL itself.
    pub path: String,
    /// The shared clock when the request arrived. Operations that order writes or wait
    /// (long polls) read the clock again where it matters.
    pub now: Timestamp,
}

impl RequestContext {
    /// A context for calls made inside the process (bootstrap files, admin endpoints): no
    /// signature, no client address.
    pub fn internal(
        account: AccountId,
        region: Region,
        host: impl Into<String>,
        now: Timestamp,
    ) -> RequestContext {
        RequestContext {
            request_id: String::new(),
            account,
            region,
            access_key: None,
            principal: None,
            secure_transport: false,
            source_ip: None,
            host: host.into(),
            path: "/".to_owned(),
            now,
        }
    }

    /// The caller's id as SQS stamps it on messages (`SenderId`): the access key, else the
    /// account.
    pub fn caller_id(&self) -> &str {
        self.access_key
            .as_deref()
            .unwrap_or_else(|| self.account.as_str())
    }

    /// `http://<host>`: the base of URLs this request's answers contain.
    pub fn base_url(&self) -> String {
        let scheme = if self.secure_transport {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.host)
    }
}
