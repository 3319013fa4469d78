//! Prometheus metrics: requests by service, operation and status, latency histograms by
//! service and operation, and resource gauges read at scrape time. Counters are atomics in
//! tables fixed at startup (every operation is known), so counting takes no lock.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::snapshot::Snapshot;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 1.0, 25.0,
];
/// Statuses counted separately; others count as `other`.
const STATUSES: [u16; 9] = [200, 400, 403, 404, 409, 413, 429, 500, 503];

#[derive(Debug)]
struct OperationStats {
    by_status: [AtomicU64; STATUSES.len() + 1],
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    micros: AtomicU64,
}

impl OperationStats {
    fn new() -> OperationStats {
        OperationStats {
            by_status: std::array::from_fn(|_| AtomicU64::new(0)),
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            count: AtomicU64::new(0),
            micros: AtomicU64::new(0),
        }
    }
}

#[derive(Debug)]
struct ServiceStats {
    name: &'static str,
    operations: Vec<&'static str>,
    /// One per operation, then one for operations the service does not have.
    stats: Vec<OperationStats>,
}

/// Request metrics of the process.
#[derive(Debug)]
pub struct Metrics {
    services: Vec<ServiceStats>,
}

impl Metrics {
    pub fn new() -> Metrics {
        let service = |name, operations: &[&'static str]| ServiceStats {
            name,
            operations: operations.to_vec(),
            stats: (0..=operations.len())
                .map(|_| OperationStats::new())
                .collect(),
        };
        Metrics {
            services: vec![
                service("sqs", sluice_sqs::api::ACTIONS),
                service("sns", sluice_sns::api::ACTIONS),
                service("kinesis", sluice_kinesis::api::ACTIONS),
                service("none", &[]),
            ],
        }
    }

    /// Counts one answered request.
    pub fn record(&self, service: &str, operation: &str, status: u16, elapsed: Duration) {
        let Some(s) = self
            .services
            .iter()
            .find(|s| s.name == service)
            .or_else(|| self.services.last())
        else {
            return;
        };
        let index = s
            .operations
            .iter()
            .position(|op| *op == operation)
            .unwrap_or(s.operations.len());
        let stats = &s.stats[index];
        let status_index = STATUSES
            .iter()
            .position(|s| *s == status)
            .unwrap_or(STATUSES.len());
        stats.by_status[status_index].fetch_add(1, Ordering::Relaxed);
        let seconds = elapsed.as_secs_f64();
        if let Some(bucket) = BUCKETS.iter().position(|b| seconds <= *b) {
            stats.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        }
        stats.count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        stats.micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// The Prometheus text exposition of requests and resources.
    pub(crate) fn render(&self, resources: &Snapshot) -> String {
        let mut out = String::with_capacity(8192);
        out.push_str("# HELP sluice_requests_total Requests answered, by service, operation and HTTP status.\n# TYPE sluice_requests_total counter\n");
        for s in &self.services {
            for (i, stats) in s.stats.iter().enumerate() {
                let op = s.operations.get(i).copied().unwrap_or("unknown");
                for (j, n) in stats.by_status.iter().enumerate() {
                    let n = n.load(Ordering::Relaxed);
                    if n == 0 {
                        continue;
                    }
                    let status = STATUSES.get(j).map_or("other".to_owned(), u16::to_string);
                    let _ = writeln!(
                        out,
                        "sluice_requests_total{{service=\"{}\",operation=\"{op}\",status=\"{status}\"}} {n}",
                        s.name
                    );
                }
            }
        }
        out.push_str("# HELP sluice_request_duration_seconds Time to answer a request, by service and operation.\n# TYPE sluice_request_duration_seconds histogram\n");
        for s in &self.services {
            for (i, stats) in s.stats.iter().enumerate() {
                let count = stats.count.load(Ordering::Relaxed);
                if count == 0 {
                    continue;
                }
                let op = s.operations.get(i).copied().unwrap_or("unknown");
                let labels = format!("service=\"{}\",operation=\"{op}\"", s.name);
                let mut cumulative = 0;
                for (bound, n) in BUCKETS.iter().zip(&stats.buckets) {
                    cumulative += n.load(Ordering::Relaxed);
                    let _ = writeln!(
                        out,
                        "sluice_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                    );
                }
                let _ = writeln!(
                    out,
                    "sluice_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}"
                );
                let sum = stats.micros.load(Ordering::Relaxed) as f64 / 1e6;
                let _ = writeln!(out, "sluice_request_duration_seconds_sum{{{labels}}} {sum}");
                let _ = writeln!(
                    out,
                    "sluice_request_duration_seconds_count{{{labels}}} {count}"
                );
            }
        }
        out.push_str("# HELP sluice_sqs_messages Messages in a queue, by state.\n# TYPE sluice_sqs_messages gauge\n");
        for q in &resources.queues {
            let labels = format!(
                "queue=\"{}\",account=\"{}\",region=\"{}\"",
                escape(&q.name),
                q.account,
                q.region
            );
            for (state, n) in [
                ("visible", q.messages),
                ("in_flight", q.messages_in_flight),
                ("delayed", q.messages_delayed),
            ] {
                let _ = writeln!(out, "sluice_sqs_messages{{{labels},state=\"{state}\"}} {n}");
            }
        }
        let topics = &resources.topics;
        let subscriptions: usize = topics.iter().map(|t| t.subscriptions.len()).sum();
        let _ = writeln!(
            out,
            "# HELP sluice_sns_topics SNS topics.\n# TYPE sluice_sns_topics gauge\nsluice_sns_topics {}",
            topics.len()
        );
        let _ = writeln!(
            out,
            "# HELP sluice_sns_subscriptions SNS subscriptions.\n# TYPE sluice_sns_subscriptions gauge\nsluice_sns_subscriptions {subscriptions}"
        );
        let _ = writeln!(
            out,
            "# HELP sluice_kinesis_retained_bytes Record bytes (data and partition keys) all streams hold.\n# TYPE sluice_kinesis_retained_bytes gauge\nsluice_kinesis_retained_bytes {}",
            resources.kinesis_retained_bytes
        );
        out.push_str("# HELP sluice_kinesis_records Records held by a stream.\n# TYPE sluice_kinesis_records gauge\n");
        for stream in &resources.streams {
            let _ = writeln!(
                out,
                "sluice_kinesis_records{{stream=\"{}\"}} {}",
                escape(&stream.arn),
                stream.records
            );
        }
        out
    }
}

/// Escapes a Prometheus label value.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
