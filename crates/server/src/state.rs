//! `AppState`: what every request handler shares — settings, the id source and the
//! services — and how a request's context (account, region, host) is derived.

use std::sync::Arc;

use sluice_core::{AccountId, Clock, IdSource, ManualClock, Region};
use sluice_sns::SnsService;
use sluice_sqs::{RequestContext, SqsService};
use sluice_wire::Credential;

use crate::config::Settings;

#[derive(Debug)]
pub struct AppState {
    pub settings: Settings,
    pub ids: Arc<IdSource>,
    pub sqs: SqsService,
    pub sns: SnsService,
    pub kinesis: sluice_kinesis::KinesisService,
    pub metrics: crate::metrics::Metrics,
    pub clock: Arc<dyn Clock>,
    /// Present when time is manual: the admin API advances it.
    pub manual_clock: Option<ManualClock>,
}

impl AppState {
    /// The SQS view of a request: the account (a 12-digit access key id is taken as the
    /// account id, so one Sluice can hold several isolated accounts; any other key uses the
    /// default account), the signed region (else the default), and the host the client
    /// addressed, for queue URLs.
    pub fn sqs_context(
        &self,
        parts: &http::request::Parts,
        credential: Option<&Credential>,
    ) -> RequestContext {
        let region = credential
            .and_then(|c| Region::parse(&c.region))
            .unwrap_or_else(|| self.settings.region.clone());
        let host = self
            .settings
            .hostname
            .clone()
            .or_else(|| {
                parts
                    .headers
                    .get(http::header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .map(str::to_owned)
                    .or_else(|| parts.uri.authority().map(|a| a.to_string()))
            })
            .unwrap_or_else(|| format!("{}:{}", self.settings.host, self.settings.port));
        let account = credential
            .and_then(|c| AccountId::parse(&c.access_key))
            .unwrap_or_else(|| self.settings.account_id.clone());
        let sender_id: Arc<str> = match credential {
            Some(c) => c.access_key.as_str().into(),
            None => account.as_str().into(),
        };
        RequestContext {
            account,
            region,
            host,
            path: parts.uri.path().to_owned(),
            sender_id,
        }
    }

    /// The Kinesis view of a request: account and region, derived as for SQS.
    pub fn kinesis_context(
        &self,
        parts: &http::request::Parts,
        credential: Option<&Credential>,
    ) -> sluice_kinesis::RequestContext {
        let sqs = self.sqs_context(parts, credential);
        sluice_kinesis::RequestContext {
            account: sqs.account,
            region: sqs.region,
        }
    }

    /// The SNS view of a request: account, region and host, derived as for SQS.
    pub fn sns_context(
        &self,
        parts: &http::request::Parts,
        credential: Option<&Credential>,
    ) -> sluice_sns::RequestContext {
        let sqs = self.sqs_context(parts, credential);
        sluice_sns::RequestContext {
            account: sqs.account,
            region: sqs.region,
            host: sqs.host,
        }
    }
}
