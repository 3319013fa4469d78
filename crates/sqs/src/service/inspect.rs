//! Inspection for Sluice's admin endpoints: find a queue by any style of URL, and list its
//! messages without receiving them.

use std::sync::Arc;

use sluice_core::Region;

use super::receive::{message_output, SystemAttributeFilter};
use super::{parse_queue_url, SqsService};
use crate::engine::{Counts, Delivery, QueueCell};
use crate::model::output::ReceiveMessageOutput;

/// `us-east-1`, `eu-west-3`: a part of a host or path that names a region.
fn looks_like_region(part: &str) -> bool {
    part.contains('-') && part.ends_with(|c: char| c.is_ascii_digit())
}

/// A queue and its message counts, for resource listings.
#[derive(Debug, Clone)]
pub struct QueueSummary {
    pub name: String,
    pub account: String,
    pub region: String,
    pub arn: String,
    pub fifo: bool,
    pub counts: Counts,
}

/// What a peek returns for messages that were never received: AWS's receipt handles only
/// exist for receives, so inspection hands out this marker (as LocalStack does).
pub const PEEK_RECEIPT_HANDLE: &str = "SQS/BACKDOOR/ACCESS";

impl SqsService {
    /// The queue a URL names (AWS, LocalStack or Sluice style). Sluice's URLs carry no
    /// region, so the queue is looked for in the URL's region if it names one, then in
    /// `default_region`, then in any region.
    pub fn find_queue(&self, url: &str, default_region: &Region) -> Option<Arc<QueueCell>> {
        let (account, name) = parse_queue_url(url)?;
        let named_region = url.split("://").nth(1).and_then(|rest| {
            rest.split(['.', '/', ':'])
                .filter(|part| looks_like_region(part))
                .find_map(Region::parse)
        });
        let mut candidates: Vec<Arc<QueueCell>> = self
            .registry
            .all()
            .into_iter()
            .filter(|c| c.key.account.as_str() == account && c.key.name == name)
            .collect();
        candidates.sort_by_key(|c| {
            if Some(&c.key.region) == named_region.as_ref() {
                0
            } else if &c.key.region == default_region {
                1
            } else {
                2
            }
        });
        candidates.into_iter().next()
    }

    /// Every message of a queue, in the shape of a ReceiveMessage answer with all
    /// attributes, leaving visibility and receive counts untouched.
    pub fn peek(&self, cell: &QueueCell) -> ReceiveMessageOutput {
        let now = self.clock.now();
        let peeked = cell.lock().peek(now);
        let all = SystemAttributeFilter::all();
        let everything = ["All".to_owned()];
        let messages = peeked
            .into_iter()
            .map(|p| {
                let never_received = p.first_received_at.is_none();
                let mut out = message_output(
                    Delivery {
                        content: p.content,
                        receipt_handle: PEEK_RECEIPT_HANDLE.to_owned(),
                        receive_count: p.receive_count,
                        first_received_at: p.first_received_at.unwrap_or_default(),
                        dead_letter_source_arn: p.dead_letter_source_arn,
                    },
                    &all,
                    &everything,
                );
                if never_received {
                    out.attributes
                        .0
                        .retain(|(name, _)| name != "ApproximateFirstReceiveTimestamp");
                }
                out
            })
            .collect();
        ReceiveMessageOutput { messages }
    }

    /// Every queue with its counts.
    pub fn summaries(&self) -> Vec<QueueSummary> {
        let now = self.clock.now();
        let mut out: Vec<QueueSummary> = self
            .registry
            .all()
            .into_iter()
            .map(|cell| {
                let counts = cell.lock().counts(now);
                QueueSummary {
                    name: cell.key.name.clone(),
                    account: cell.key.account.to_string(),
                    region: cell.key.region.to_string(),
                    arn: cell.key.arn(),
                    fifo: cell.is_fifo(),
                    counts,
                }
            })
            .collect();
        out.sort_by(|a, b| a.arn.cmp(&b.arn));
        out
    }

    /// Deletes every queue (the admin reset).
    pub fn reset(&self) {
        self.registry.clear();
    }
}
