//! `SqsService`: the SQS operations, on the shared clock. Validates typed inputs in AWS's
//! order, resolves queue URLs, calls the engine under short locks, and runs long polls that
//! wake on the queue's `Notify` or at the next deadline, never on a polling interval.

mod batch;
mod handles;
mod inspect;
mod move_tasks;
mod permissions;
mod queues;
mod receive;
mod redrive;
mod send;

use std::sync::Arc;

use sluice_core::{AccountId, Clock, IdSource, RequestContext, Runtime, Scheduler};
use sluice_wire::queue_path;

pub use inspect::{QueueSummary, PEEK_RECEIPT_HANDLE};
use move_tasks::MoveTasks;

use crate::engine::{QueueCell, QueueKey, Registry, SqsJournal, MAX_WAIT_TIME_SECONDS};
use crate::SqsError;
use sluice_core::Timestamp;

/// The SQS operations of one process.
#[derive(Debug, Clone)]
pub struct SqsService {
    registry: Arc<Registry>,
    clock: Arc<dyn Clock>,
    ids: Arc<IdSource>,
    /// Runs message move tasks; its shutdown token ends long polls (with an empty answer).
    scheduler: Scheduler,
    move_tasks: Arc<MoveTasks>,
}

impl SqsService {
    /// The service on the runtime's clock. `recreate_cooldown`: whether a deleted queue's
    /// name stays unusable for 60 seconds, as in AWS.
    pub fn new(runtime: &Runtime, recreate_cooldown: bool) -> SqsService {
        SqsService::with_journal(runtime, recreate_cooldown, SqsJournal::default())
    }

    /// [`SqsService::new`], recording every change in `journal` (durable state).
    pub fn with_journal(
        runtime: &Runtime,
        recreate_cooldown: bool,
        journal: SqsJournal,
    ) -> SqsService {
        SqsService {
            move_tasks: Arc::new(MoveTasks::new(journal.clone())),
            registry: Arc::new(
                Registry::with_recreate_cooldown(recreate_cooldown).with_journal(journal),
            ),
            clock: runtime.clock().clone(),
            ids: runtime.ids.clone(),
            scheduler: runtime.scheduler.clone(),
        }
    }

    /// Applies expiry to every queue (retention, visibility), so idle queues free memory;
    /// correctness never waits for it.
    pub fn sweep(&self, now: Timestamp) {
        for cell in self.registry.all() {
            cell.lock().advance(now);
        }
    }

    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    fn queue_url(ctx: &RequestContext, account: &AccountId, name: &str) -> String {
        format!("http://{}/{}/{}", ctx.host, account, name)
    }

    /// The queue a request names, by `QueueUrl` or, for Query requests sent to the queue
    /// URL, by the request path.
    fn queue_key(ctx: &RequestContext, queue_url: Option<&str>) -> Result<QueueKey, SqsError> {
        let url = match queue_url {
            Some(url) => url,
            None if queue_path(&ctx.path).is_some() => &ctx.path,
            None => return Err(SqsError::MissingParameter("QueueUrl")),
        };
        // AWS reads a `QueueUrl` that is not a queue URL as a queue name in the caller's
        // account: a bare name works, anything else names no queue (NonExistentQueue, as
        // moto's maintainers recorded against AWS; InvalidAddress is about the endpoint).
        let (account, name) = match parse_queue_url(url) {
            Some((account, name)) => (
                AccountId::parse(account).ok_or(SqsError::QueueDoesNotExist)?,
                name,
            ),
            None => (ctx.account.clone(), url),
        };
        Ok(QueueKey {
            account,
            region: ctx.region.clone(),
            name: name.to_owned(),
        })
    }

    fn resolve(
        &self,
        ctx: &RequestContext,
        queue_url: Option<&str>,
    ) -> Result<Arc<QueueCell>, SqsError> {
        let key = Self::queue_key(ctx, queue_url)?;
        self.registry.get(&key).ok_or(SqsError::QueueDoesNotExist)
    }
}

fn required<T>(value: Option<T>, name: &'static str) -> Result<T, SqsError> {
    value.ok_or(SqsError::MissingParameter(name))
}

/// An optional integer parameter in `0..=max`, else AWS's "Value .. for parameter .." error.
fn in_range(
    name: &str,
    value: Option<i64>,
    max: u32,
    reason: &str,
) -> Result<Option<u32>, SqsError> {
    value
        .map(|v| {
            u32::try_from(v)
                .ok()
                .filter(|v| *v <= max)
                .ok_or_else(|| SqsError::invalid_param(name, v, reason))
        })
        .transpose()
}

/// What changes to a queue mean for parked long polls, collected under the queue lock and
/// signalled after it is released.
#[derive(Debug, Default)]
struct Wakeups {
    /// Messages that became receivable: each wakes one poller.
    visible: usize,
    /// The queue's next deadline moved earlier (a short delay or visibility timeout): every
    /// poller recomputes when to wake, or it would sleep past the new deadline.
    earlier_deadline: bool,
}

impl Wakeups {
    /// Records a change made at `now` that moved the queue's next deadline from `before` to
    /// `after`. No poller waits past `now` + 20 s, so only an earlier deadline inside that
    /// horizon can matter to one; later ones would only wake every poller for nothing.
    fn note(
        &mut self,
        visible: bool,
        before: Option<Timestamp>,
        after: Option<Timestamp>,
        now: Timestamp,
    ) {
        self.visible += usize::from(visible);
        let horizon = now.plus_secs(u64::from(MAX_WAIT_TIME_SECONDS));
        if let Some(after) = after.filter(|a| *a <= horizon) {
            self.earlier_deadline |= before.is_none_or(|before| after < before);
        }
    }

    fn signal(self, cell: &QueueCell) {
        if self.earlier_deadline {
            cell.changed.notify_waiters();
        }
        for _ in 0..self.visible {
            cell.changed.notify_one();
        }
    }
}

/// `(account, name)` from any URL whose path ends in `/<account>/<name>`: AWS's
/// `https://sqs.<region>.amazonaws.com/..`, Sluice's `http://<host>/..`, LocalStack's
/// `http://sqs.<region>.localhost.localstack.cloud:4566/..`, or a bare path.
fn parse_queue_url(url: &str) -> Option<(&str, &str)> {
    let path = match url.split_once("://") {
        Some((_, rest)) => &rest[rest.find('/')?..],
        None => url,
    };
    queue_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_earlier_deadlines_within_a_poll_horizon_wake_every_poller() {
        let now = Timestamp(1_000_000);
        let wakes = |before: Option<u64>, after: Option<u64>| {
            let mut w = Wakeups::default();
            w.note(
                false,
                before.map(|s| now.plus_secs(s)),
                after.map(|s| now.plus_secs(s)),
                now,
            );
            w.earlier_deadline
        };
        assert!(wakes(None, Some(2)), "a first deadline inside 20 s");
        assert!(wakes(Some(10), Some(2)), "an earlier one");
        assert!(!wakes(Some(2), Some(10)), "a later one");
        assert!(!wakes(None, Some(30)), "beyond any poller's wait");
        assert!(!wakes(Some(5), None));
    }

    #[test]
    fn queue_urls_of_every_style_resolve() {
        for url in [
            "http://localhost:4566/000000000000/jobs",
            "https://sqs.us-east-1.amazonaws.com/000000000000/jobs",
            "http://sqs.eu-west-1.localhost.localstack.cloud:4566/000000000000/jobs",
            "http://localhost:4566/queue/us-east-1/000000000000/jobs",
            "/000000000000/jobs",
        ] {
            assert_eq!(
                parse_queue_url(url),
                Some(("000000000000", "jobs")),
                "{url}"
            );
        }
        for url in [
            "jobs",
            "http://localhost:4566",
            "http://h/abc/jobs",
            "http://h/jobs",
        ] {
            assert_eq!(parse_queue_url(url), None, "{url}");
        }
    }
}
