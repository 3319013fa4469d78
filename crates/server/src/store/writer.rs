//! Group commit. Engines append change records to one pending list (under their resource's
//! lock, so each resource's records keep their order); one writer thread takes everything
//! pending at once, applies it in one SQLite transaction and publishes how many records are
//! committed. An answer leaves only once every record submitted before it was built is
//! committed, so concurrent requests share one commit and none is acknowledged early.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use rusqlite::Connection;
use sluice_core::ChangeLog;
use tokio::sync::watch;

/// A change record of any service.
#[derive(Debug)]
pub(crate) enum Change {
    Sqs(sluice_sqs::engine::Change),
    Sns(sluice_sns::engine::Change),
    Kinesis(sluice_kinesis::engine::Change),
}

#[derive(Debug, Default)]
struct Pending {
    changes: Vec<Change>,
    /// Records submitted since the start, counting those already taken.
    submitted: u64,
    closed: bool,
}

/// How far the writer got.
#[derive(Debug, Clone, Copy, Default)]
struct Progress {
    committed: u64,
    /// A commit failed: the file no longer follows memory, so nothing more is acknowledged.
    failed: bool,
}

/// The part engines and requests share with the writer thread.
#[derive(Debug)]
pub(crate) struct Shared {
    pending: Mutex<Pending>,
    wake: Condvar,
    submitted: AtomicU64,
    progress: watch::Sender<Progress>,
}

/// Why an answer cannot be acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NotDurable;

impl Shared {
    pub(crate) fn new() -> Arc<Shared> {
        Arc::new(Shared {
            pending: Mutex::new(Pending::default()),
            wake: Condvar::new(),
            submitted: AtomicU64::new(0),
            progress: watch::Sender::new(Progress::default()),
        })
    }

    fn pending(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn submit(&self, change: Change) {
        let mut pending = self.pending();
        let idle = pending.changes.is_empty();
        pending.changes.push(change);
        pending.submitted += 1;
        self.submitted.store(pending.submitted, Ordering::Release);
        drop(pending);
        if idle {
            self.wake.notify_one();
        }
    }

    /// Waits until every record submitted so far is committed.
    pub(crate) async fn synced(&self) -> Result<(), NotDurable> {
        let target = self.submitted.load(Ordering::Acquire);
        let done = |p: &Progress| p.committed >= target || p.failed;
        let progress = *self.progress.borrow();
        let progress = if done(&progress) {
            progress
        } else {
            let mut rx = self.progress.subscribe();
            let seen = rx.wait_for(done).await.map_err(|_| NotDurable)?;
            *seen
        };
        if progress.failed {
            Err(NotDurable)
        } else {
            Ok(())
        }
    }

    /// Asks the writer to commit what is pending and stop.
    pub(crate) fn close(&self) {
        self.pending().closed = true;
        self.wake.notify_one();
    }

    /// The writer thread: commits everything pending, batch after batch, until closed.
    pub(crate) fn run_writer(&self, mut conn: Connection) {
        let mut batch = Vec::new();
        loop {
            let upto = {
                let mut pending = self.pending();
                while pending.changes.is_empty() && !pending.closed {
                    pending = self.wake.wait(pending).unwrap_or_else(|e| e.into_inner());
                }
                if pending.changes.is_empty() {
                    break;
                }
                std::mem::swap(&mut batch, &mut pending.changes);
                pending.submitted
            };
            if self.progress.borrow().failed {
                batch.clear();
                continue;
            }
            match commit(&mut conn, &batch) {
                Ok(()) => self.progress.send_modify(|p| p.committed = upto),
                Err(e) => {
                    tracing::error!(error = %e, "writing to the data dir failed; changes from now on are not acknowledged (restart Sluice to continue from the last committed state)");
                    self.progress.send_modify(|p| p.failed = true);
                }
            }
            batch.clear();
        }
        // Fold the WAL into the database so a clean stop leaves one file.
        let _ = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
    }
}

fn commit(conn: &mut Connection, batch: &[Change]) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    let mut sqs = super::sqs::Batch::default();
    let mut sns = super::sns::Batch::default();
    for change in batch {
        match change {
            Change::Sqs(change) => sqs.apply(&tx, change)?,
            Change::Sns(change) => sns.apply(&tx, change)?,
            Change::Kinesis(change) => super::kinesis::apply(&tx, change)?,
        }
    }
    sqs.finish(&tx)?;
    sns.finish(&tx)?;
    tx.commit()
}

/// The SQS engine's change log: records go to the pending list.
#[derive(Debug)]
pub(crate) struct SqsLog(pub(crate) Arc<Shared>);

impl ChangeLog<sluice_sqs::engine::Change> for SqsLog {
    fn record(&self, change: sluice_sqs::engine::Change) {
        self.0.submit(Change::Sqs(change));
    }
}

/// The Kinesis engine's change log.
#[derive(Debug)]
pub(crate) struct KinesisLog(pub(crate) Arc<Shared>);

impl ChangeLog<sluice_kinesis::engine::Change> for KinesisLog {
    fn record(&self, change: sluice_kinesis::engine::Change) {
        self.0.submit(Change::Kinesis(change));
    }
}

/// The SNS engine's change log.
#[derive(Debug)]
pub(crate) struct SnsLog(pub(crate) Arc<Shared>);

impl ChangeLog<sluice_sns::engine::Change> for SnsLog {
    fn record(&self, change: sluice_sns::engine::Change) {
        self.0.submit(Change::Sns(change));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sluice_sqs::engine::Change as SqsChange;

    #[tokio::test]
    async fn a_failed_commit_is_never_acknowledged() {
        let shared = Shared::new();
        // No schema: the first commit fails.
        let conn = Connection::open_in_memory().expect("open");
        let writer = {
            let shared = shared.clone();
            std::thread::spawn(move || shared.run_writer(conn))
        };
        assert_eq!(shared.synced().await, Ok(()), "nothing to wait for");
        shared.submit(Change::Sqs(SqsChange::Purged { uid: 1 }));
        assert_eq!(shared.synced().await, Err(NotDurable));
        shared.submit(Change::Sqs(SqsChange::Purged { uid: 1 }));
        assert_eq!(
            shared.synced().await,
            Err(NotDurable),
            "nor anything after it"
        );
        shared.close();
        writer.join().expect("writer stops");
    }

    #[tokio::test]
    async fn concurrent_changes_share_commits_and_all_are_acknowledged() {
        let shared = Shared::new();
        let mut conn = Connection::open_in_memory().expect("open");
        super::super::schema::migrate(&mut conn).expect("schema");
        let writer = {
            let shared = shared.clone();
            std::thread::spawn(move || shared.run_writer(conn))
        };
        let waiters: Vec<_> = (0..64u64)
            .map(|uid| {
                let shared = shared.clone();
                tokio::spawn(async move {
                    shared.submit(Change::Sqs(SqsChange::Purged { uid }));
                    shared.synced().await
                })
            })
            .collect();
        for waiter in waiters {
            assert_eq!(waiter.await.expect("task"), Ok(()));
        }
        assert_eq!(shared.progress.borrow().committed, 64);
        shared.close();
        writer.join().expect("writer stops");
    }
}
