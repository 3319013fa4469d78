//! `AppState`: what every request handler shares — settings, the id source, the clock and
//! the services — and how a request's one `RequestContext` is derived.

use std::net::IpAddr;
use std::sync::Arc;

use sluice_core::{AccountId, Clock, IdSource, ManualClock, Region, RequestContext};
use sluice_sns::SnsService;
use sluice_sqs::SqsService;
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
    /// Present with a data dir: answers wait for their changes to be committed.
    pub(crate) store: Option<Arc<crate::store::Store>>,
}

impl AppState {
    /// The context of one request: the account (a 12-digit access key id is taken as the
    /// account id, so one Sluice can hold several isolated accounts; any other key uses the
    /// default account), the signed region (else the default), and the host the client
    /// addressed, for URLs in answers.
    pub fn context(
        &self,
        parts: &http::request::Parts,
        credential: Option<&Credential>,
        request_id: String,
        source_ip: Option<IpAddr>,
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
        RequestContext {
            request_id,
            account,
            region,
            access_key: credential.map(|c| c.access_key.clone()),
            principal: None,
            secure_transport: false,
            source_ip,
            host,
            path: parts.uri.path().to_owned(),
            now: self.clock.now(),
        }
    }

    /// A context for Sluice's own endpoints acting in the default account and region.
    pub fn internal_context(&self) -> RequestContext {
        let host = self
            .settings
            .hostname
            .clone()
            .unwrap_or_else(|| format!("{}:{}", self.settings.host, self.settings.port));
        RequestContext::internal(
            self.settings.account_id.clone(),
            self.settings.region.clone(),
            host,
            self.clock.now(),
        )
    }
}
