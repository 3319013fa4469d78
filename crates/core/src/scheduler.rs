//! The `Scheduler` runs housekeeping on the shared clock (retention sweeps, retries,
//! snapshots). It is never needed for correctness: engines compute state lazily from `now`.
//! Its tasks are tracked and stop on graceful shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::{Clock, Timestamp};

/// Owns the background tasks of a Sluice process.
#[derive(Debug, Clone)]
pub struct Scheduler {
    clock: Arc<dyn Clock>,
    tracker: TaskTracker,
    cancel: CancellationToken,
}

impl Scheduler {
    pub fn new(clock: Arc<dyn Clock>) -> Scheduler {
        Scheduler {
            clock,
            tracker: TaskTracker::new(),
            cancel: CancellationToken::new(),
        }
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Cancelled when the process shuts down.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Runs `pass(now)` every `period` of clock time until shutdown. Each pass must be
    /// bounded; it runs on the tokio runtime this is called from.
    pub fn every<F>(&self, period: Duration, pass: F)
    where
        F: Fn(Timestamp) + Send + 'static,
    {
        let clock = self.clock.clone();
        let cancel = self.cancel.clone();
        self.tracker.spawn(async move {
            let mut next = clock.now() + period;
            loop {
                tokio::select! {
                    _ = cancel.cancelled() => break,
                    _ = clock.sleep_until(next) => {}
                }
                let now = clock.now();
                pass(now);
                next = (next + period).max(now);
            }
        });
    }

    /// Runs a one-off tracked task that should stop when the shutdown token fires.
    pub fn spawn<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.tracker.spawn(task);
    }

    /// Cancels every task and waits for them to finish.
    pub async fn shutdown(&self) {
        self.cancel.cancel();
        self.tracker.close();
        self.tracker.wait().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ManualClock;
    use std::sync::Mutex;

    #[tokio::test]
    async fn periodic_passes_follow_the_manual_clock() {
        let clock = ManualClock::new(Timestamp(0));
        let scheduler = Scheduler::new(Arc::new(clock.clone()));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        scheduler.every(Duration::from_secs(10), move |now| {
            s.lock().expect("lock").push(now.as_secs())
        });
        tokio::task::yield_now().await;
        clock.advance(Duration::from_secs(35)).await;
        assert_eq!(*seen.lock().expect("lock"), vec![10, 20, 30]);
        scheduler.shutdown().await;
        clock.advance(Duration::from_secs(35)).await;
        assert_eq!(seen.lock().expect("lock").len(), 3);
    }
}
