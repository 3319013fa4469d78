//! One read of every resource of the process — queues with their counts, topics with their
//! subscriptions, streams with their records — taken once and rendered by both
//! `/_sluice/resources` (JSON) and `/metrics` (Prometheus gauges).

use serde::Serialize;

use crate::state::AppState;

#[derive(Debug, Serialize)]
pub(crate) struct QueueView {
    pub name: String,
    pub arn: String,
    pub account: String,
    pub region: String,
    pub fifo: bool,
    pub messages: usize,
    pub messages_in_flight: usize,
    pub messages_delayed: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct SubscriptionView {
    pub arn: String,
    pub protocol: &'static str,
    pub endpoint: String,
    pub confirmed: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct TopicView {
    pub arn: String,
    pub fifo: bool,
    pub subscriptions: Vec<SubscriptionView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct StreamView {
    pub arn: String,
    pub open_shards: u32,
    pub records: u64,
}

/// Every resource, as read at one moment.
#[derive(Debug)]
pub(crate) struct Snapshot {
    pub queues: Vec<QueueView>,
    pub topics: Vec<TopicView>,
    pub streams: Vec<StreamView>,
    pub kinesis_retained_bytes: u64,
}

impl Snapshot {
    pub(crate) fn take(app: &AppState) -> Snapshot {
        let queues = app
            .sqs
            .summaries()
            .into_iter()
            .map(|q| QueueView {
                name: q.name,
                arn: q.arn,
                account: q.account,
                region: q.region,
                fifo: q.fifo,
                messages: q.counts.visible,
                messages_in_flight: q.counts.in_flight,
                messages_delayed: q.counts.delayed,
            })
            .collect();
        let topics = app
            .sns
            .registry()
            .all_topics()
            .into_iter()
            .map(|t| TopicView {
                arn: t.arn.to_string(),
                fifo: t.fifo,
                subscriptions: t
                    .subscribers()
                    .iter()
                    .map(|s| SubscriptionView {
                        arn: s.arn.to_string(),
                        protocol: s.protocol.as_str(),
                        endpoint: s.endpoint.clone(),
                        confirmed: s.is_confirmed(),
                    })
                    .collect(),
            })
            .collect();
        let streams = app
            .kinesis
            .summaries()
            .into_iter()
            .map(|(arn, open_shards, records)| StreamView {
                arn,
                open_shards,
                records,
            })
            .collect();
        Snapshot {
            queues,
            topics,
            streams,
            kinesis_retained_bytes: app.kinesis.retained_bytes(),
        }
    }
}
