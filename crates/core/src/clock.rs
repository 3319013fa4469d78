//! The one timeline of a Sluice process. `SystemClock` follows real time (anchored to the
//! wall clock once, then driven by the monotonic clock so it never steps backwards);
//! `ManualClock` moves only when a test or an admin call advances it, firing every sleeper
//! on the way in deadline order.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::Timestamp;

/// A source of `now` and of sleeps that end at a point on the same timeline.
pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> Timestamp;
    /// A future that completes once `now() >= deadline`.
    fn sleep_until(&self, deadline: Timestamp) -> Sleep;
}

/// The future returned by [`Clock::sleep_until`].
pub struct Sleep(Pin<Box<dyn Future<Output = ()> + Send>>);

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.0.as_mut().poll(cx)
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sleep")
    }
}

/// Real time: epoch milliseconds read once at start, then advanced by the monotonic clock.
#[derive(Debug, Clone)]
pub struct SystemClock {
    epoch_at_start: Timestamp,
    start: Instant,
}

impl SystemClock {
    #[allow(clippy::disallowed_methods)] // the one place that reads real time
    pub fn new() -> SystemClock {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        SystemClock {
            epoch_at_start: Timestamp(u64::try_from(since_epoch.as_millis()).unwrap_or(0)),
            start: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        self.epoch_at_start + self.start.elapsed()
    }

    #[allow(clippy::disallowed_methods)] // the one place that sleeps on real time
    fn sleep_until(&self, deadline: Timestamp) -> Sleep {
        let offset = deadline.since(self.epoch_at_start);
        // Far-future deadlines (Timestamp::MAX) must not overflow Instant arithmetic.
        let offset = offset.min(Duration::from_secs(100 * 365 * 24 * 3600));
        let at = tokio::time::Instant::from_std(self.start + offset);
        Sleep(Box::pin(tokio::time::sleep_until(at)))
    }
}

/// A clock that stands still until [`ManualClock::advance`] moves it.
#[derive(Debug, Clone)]
pub struct ManualClock {
    inner: Arc<Mutex<ManualState>>,
    /// Signalled whenever a sleeper registers, for tests that must know a task has parked.
    parked: Arc<tokio::sync::Notify>,
}

#[derive(Debug)]
struct ManualState {
    now: Timestamp,
    next_key: u64,
    /// Pending sleeps keyed by `(deadline, registration order)`.
    sleepers: BTreeMap<(Timestamp, u64), Option<Waker>>,
}

impl ManualClock {
    pub fn new(start: Timestamp) -> ManualClock {
        ManualClock {
            inner: Arc::new(Mutex::new(ManualState {
                now: start,
                next_key: 0,
                sleepers: BTreeMap::new(),
            })),
            parked: Arc::new(tokio::sync::Notify::new()),
        }
    }

    fn state(&self) -> MutexGuard<'_, ManualState> {
        // A panic while holding this lock cannot leave the map inconsistent: recover it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves time forward by `by`, stopping at every pending deadline in `(deadline, order)`
    /// order, waking its sleepers and yielding before the next step. On a current-thread
    /// runtime the woken tasks run to their next await before time moves on; on a
    /// multi-threaded runtime they run concurrently and may observe a later `now`.
    pub async fn advance(&self, by: Duration) {
        let target = self.now() + by;
        loop {
            let woken: Vec<Waker> = {
                let mut state = self.state();
                let first_due = state
                    .sleepers
                    .keys()
                    .next()
                    .map(|(deadline, _)| *deadline)
                    .filter(|deadline| *deadline <= target);
                match first_due {
                    None => {
                        state.now = state.now.max(target);
                        break;
                    }
                    Some(deadline) => {
                        state.now = state.now.max(deadline);
                        let due: Vec<(Timestamp, u64)> = state
                            .sleepers
                            .range(..=(deadline, u64::MAX))
                            .map(|(k, _)| *k)
                            .collect();
                        due.iter()
                            .filter_map(|k| state.sleepers.remove(k).flatten())
                            .collect()
                    }
                }
            };
            for waker in woken {
                waker.wake();
            }
            settle().await;
        }
        settle().await;
    }

    /// Number of sleeps waiting for a future deadline (for tests that need to know a task
    /// has parked before they advance time).
    pub fn pending_sleepers(&self) -> usize {
        self.state().sleepers.len()
    }

    /// Waits until at least `n` sleeps are pending: the way to know a task (a long poll, a
    /// scheduled pass) has parked before time is advanced past its deadline.
    pub async fn wait_for_sleepers(&self, n: usize) {
        loop {
            let parked = self.parked.notified();
            tokio::pin!(parked);
            parked.as_mut().enable();
            if self.pending_sleepers() >= n {
                return;
            }
            parked.await;
        }
    }
}

/// Gives tasks woken by a step a chance to run before time moves again.
async fn settle() {
    for _ in 0..16 {
        tokio::task::yield_now().await;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        self.state().now
    }

    fn sleep_until(&self, deadline: Timestamp) -> Sleep {
        Sleep(Box::pin(ManualSleep {
            clock: self.clone(),
            deadline,
            key: None,
        }))
    }
}

struct ManualSleep {
    clock: ManualClock,
    deadline: Timestamp,
    key: Option<u64>,
}

impl Future for ManualSleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let mut state = this.clock.state();
        if state.now >= this.deadline {
            if let Some(key) = this.key.take() {
                state.sleepers.remove(&(this.deadline, key));
            }
            return Poll::Ready(());
        }
        let newly_parked = this.key.is_none();
        let key = *this.key.get_or_insert_with(|| {
            state.next_key += 1;
            state.next_key
        });
        state
            .sleepers
            .insert((this.deadline, key), Some(cx.waker().clone()));
        drop(state);
        if newly_parked {
            this.clock.parked.notify_waiters();
        }
        Poll::Pending
    }
}

impl Drop for ManualSleep {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            self.clock.state().sleepers.remove(&(self.deadline, key));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[tokio::test]
    async fn manual_clock_fires_sleepers_in_deadline_order() {
        let clock = ManualClock::new(Timestamp(1_000));
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for deadline in [5_000u64, 2_000, 3_000] {
            let (clock, order) = (clock.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                clock.sleep_until(Timestamp(deadline)).await;
                let seen = clock.now();
                order.lock().expect("lock").push((deadline, seen.0));
            }));
        }
        clock.wait_for_sleepers(3).await;
        assert_eq!(clock.pending_sleepers(), 3);
        clock.advance(Duration::from_millis(1_500)).await;
        assert_eq!(clock.now(), Timestamp(2_500));
        assert_eq!(*order.lock().expect("lock"), vec![(2_000, 2_000)]);
        clock.advance(Duration::from_secs(10)).await;
        for t in tasks {
            t.await.expect("task");
        }
        // Each sleeper observed the clock at its own deadline, not at the final time.
        assert_eq!(
            *order.lock().expect("lock"),
            vec![(2_000, 2_000), (3_000, 3_000), (5_000, 5_000)]
        );
        assert_eq!(clock.now(), Timestamp(12_500));
        assert_eq!(clock.pending_sleepers(), 0);
    }

    #[tokio::test]
    async fn dropped_sleeps_unregister() {
        let clock = ManualClock::new(Timestamp(0));
        let fired = Arc::new(AtomicU64::new(0));
        let f = fired.clone();
        let c = clock.clone();
        let task = tokio::spawn(async move {
            tokio::select! {
                _ = c.sleep_until(Timestamp(10_000)) => { f.fetch_add(1, Ordering::SeqCst); }
                _ = std::future::pending::<()>() => {}
            }
        });
        settle().await;
        assert_eq!(clock.pending_sleepers(), 1);
        task.abort();
        let _ = task.await;
        assert_eq!(clock.pending_sleepers(), 0);
        assert_eq!(fired.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn past_deadlines_complete_immediately() {
        let clock = ManualClock::new(Timestamp(50));
        clock.sleep_until(Timestamp(10)).await;
        let system = SystemClock::new();
        let now = system.now();
        system.sleep_until(now).await;
        assert!(system.now() >= now);
    }
}
