//! Queues by account, region and name. Lookups clone an `Arc<QueueCell>` under a read lock;
//! each queue has its own mutex, held only for short synchronous sections, and a `Notify`
//! that long-pollers wait on.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use sluice_core::{AccountId, Arn, Region, Timestamp};
use tokio::sync::Notify;

use super::attributes::QueueAttributes;
use super::journal::{Change, QueueRecord, SqsJournal};
use super::queue::Queue;
use crate::SqsError;

/// Where a queue lives.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QueueKey {
    pub account: AccountId,
    pub region: Region,
    pub name: String,
}

impl QueueKey {
    pub fn arn(&self) -> String {
        Arn::format(
            "sqs",
            self.region.as_str(),
            self.account.as_str(),
            &self.name,
        )
    }

    /// The queue an `arn:aws:sqs:<region>:<account>:<name>` names.
    pub fn from_arn(arn: &Arn) -> Option<QueueKey> {
        (arn.service == "sqs").then_some(())?;
        Some(QueueKey {
            account: AccountId::parse(&arn.account)?,
            region: Region::parse(&arn.region)?,
            name: arn.resource.clone(),
        })
    }
}

/// One queue and the signal its waiters park on.
#[derive(Debug)]
pub struct QueueCell {
    pub key: QueueKey,
    queue: Mutex<Queue>,
    /// Signalled when messages may have become receivable, or the queue was deleted.
    pub changed: Notify,
    deleted: AtomicBool,
    /// Fixed at creation, so the send path can pick its rules without locking.
    fifo: bool,
}

impl QueueCell {
    pub fn lock(&self) -> MutexGuard<'_, Queue> {
        // Queue methods keep their invariants at every return, so a panic elsewhere while
        // the lock was held leaves a usable queue behind.
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn is_fifo(&self) -> bool {
        self.fifo
    }

    /// Records the queue's configuration after a change to its attributes or tags.
    pub fn record_config(&self, queue: &Queue) {
        queue
            .journal
            .record(|| Change::QueueSaved(Arc::new(self.record(queue))));
    }

    /// The queue's configuration as stored.
    pub fn record(&self, queue: &Queue) -> QueueRecord {
        QueueRecord {
            uid: queue.uid,
            key: self.key.clone(),
            attributes: queue.attributes.clone(),
            tags: queue.tags.clone(),
            created_at: queue.created_at,
            last_modified_at: queue.last_modified_at,
        }
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted.load(Ordering::Acquire)
    }

    /// Locks the queue unless it has been deleted. Deletion is marked under this lock, so an
    /// operation that resolved the queue just before a DeleteQueue cannot acknowledge a
    /// message into the removed queue.
    pub fn lock_live(&self) -> Result<MutexGuard<'_, Queue>, SqsError> {
        let queue = self.lock();
        if self.is_deleted() {
            return Err(SqsError::QueueDoesNotExist);
        }
        Ok(queue)
    }
}

/// How long AWS refuses to create a queue with the name of one just deleted.
const RECREATE_COOLDOWN_MS: u64 = 60_000;

/// Every queue of the process.
#[derive(Debug, Default)]
pub struct Registry {
    queues: RwLock<HashMap<QueueKey, Arc<QueueCell>>>,
    next_uid: AtomicU64,
    /// When each recently deleted queue was deleted, while the cooldown applies.
    deleted_at: Mutex<HashMap<QueueKey, Timestamp>>,
    /// Whether CreateQueue refuses a name deleted less than 60 s ago, as AWS does.
    enforce_recreate_cooldown: bool,
    /// Where queue changes are recorded; every queue gets a copy.
    journal: SqsJournal,
}

impl Registry {
    /// A registry that enforces AWS's 60-second wait before re-creating a deleted queue.
    pub fn new() -> Registry {
        Registry::with_recreate_cooldown(true)
    }

    /// `false` lets a deleted queue's name be reused at once (test suites that recreate
    /// queues between cases often want this).
    pub fn with_recreate_cooldown(enforce: bool) -> Registry {
        Registry {
            enforce_recreate_cooldown: enforce,
            ..Registry::default()
        }
    }

    /// Where this registry's changes are recorded.
    pub fn journal(&self) -> &SqsJournal {
        &self.journal
    }

    /// Records every change to this registry's queues in `journal`.
    pub fn with_journal(mut self, journal: SqsJournal) -> Registry {
        self.journal = journal;
        self
    }

    fn deleted_at(&self) -> MutexGuard<'_, HashMap<QueueKey, Timestamp>> {
        self.deleted_at.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<QueueKey, Arc<QueueCell>>> {
        self.queues.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<QueueKey, Arc<QueueCell>>> {
        self.queues.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, key: &QueueKey) -> Option<Arc<QueueCell>> {
        self.read().get(key).cloned()
    }

    /// Creates a queue, or returns the existing one when every attribute given matches it
    /// (AWS's idempotent CreateQueue). `attributes` are the already-validated settings and
    /// `given` the attribute names the caller named, which are the ones compared.
    pub fn create(
        &self,
        key: QueueKey,
        attributes: QueueAttributes,
        given: &[&str],
        tags: impl IntoIterator<Item = (String, String)>,
        now: Timestamp,
    ) -> Result<Arc<QueueCell>, SqsError> {
        let mut queues = self.write();
        if self.enforce_recreate_cooldown && !queues.contains_key(&key) {
            let mut deleted = self.deleted_at();
            deleted.retain(|_, at| now < at.plus_millis(RECREATE_COOLDOWN_MS));
            if deleted.contains_key(&key) {
                return Err(SqsError::QueueDeletedRecently);
            }
        }
        if let Some(existing) = queues.get(&key) {
            let queue = existing.lock();
            if let Some(differs) = given
                .iter()
                .find(|name| queue.attributes.setting(name) != attributes.setting(name))
            {
                return Err(SqsError::QueueAlreadyExists((*differs).to_owned()));
            }
            drop(queue);
            return Ok(existing.clone());
        }
        let uid = self.next_uid.fetch_add(1, Ordering::Relaxed) + 1;
        let fifo = attributes.fifo_queue;
        let mut queue = Queue::new(key.name.clone(), key.arn(), uid, attributes, now);
        queue.tags.extend(tags);
        queue.journal = self.journal.clone();
        let cell = Arc::new(QueueCell {
            key: key.clone(),
            queue: Mutex::new(queue),
            changed: Notify::new(),
            deleted: AtomicBool::new(false),
            fifo,
        });
        cell.record_config(&cell.lock());
        queues.insert(key, cell.clone());
        Ok(cell)
    }

    /// Puts a stored queue back (on restart), empty; its messages follow through
    /// `Queue::restore_message`. Its `uid` is kept, so receipt handles issued before the
    /// restart stay valid.
    pub fn restore(&self, record: QueueRecord) -> Arc<QueueCell> {
        let QueueRecord {
            uid,
            key,
            attributes,
            tags,
            created_at,
            last_modified_at,
        } = record;
        self.next_uid.fetch_max(uid, Ordering::Relaxed);
        let fifo = attributes.fifo_queue;
        let mut queue = Queue::new(key.name.clone(), key.arn(), uid, attributes, created_at);
        queue.tags = tags;
        queue.last_modified_at = last_modified_at;
        queue.journal = self.journal.clone();
        let cell = Arc::new(QueueCell {
            key: key.clone(),
            queue: Mutex::new(queue),
            changed: Notify::new(),
            deleted: AtomicBool::new(false),
            fifo,
        });
        self.write().insert(key, cell.clone());
        cell
    }

    /// Removes a queue and wakes its waiters so they notice.
    pub fn delete(&self, key: &QueueKey, now: Timestamp) -> Option<Arc<QueueCell>> {
        let cell = self.write().remove(key)?;
        if self.enforce_recreate_cooldown {
            self.deleted_at().insert(key.clone(), now);
        }
        let queue = cell.lock();
        cell.deleted.store(true, Ordering::Release);
        let uid = queue.uid;
        queue.journal.record(|| Change::QueueDeleted { uid });
        drop(queue);
        cell.changed.notify_waiters();
        Some(cell)
    }

    /// Names of the queues of one account and region starting with `prefix`, sorted.
    pub fn names(&self, account: &AccountId, region: &Region, prefix: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .read()
            .keys()
            .filter(|k| &k.account == account && &k.region == region && k.name.starts_with(prefix))
            .map(|k| k.name.clone())
            .collect();
        names.sort_unstable();
        names
    }

    /// Every queue, for housekeeping passes.
    pub fn all(&self) -> Vec<Arc<QueueCell>> {
        self.read().values().cloned().collect()
    }

    /// Deletes every queue at once, with no re-creation cooldown (the admin reset).
    pub fn clear(&self) {
        let cells: Vec<Arc<QueueCell>> = self.write().drain().map(|(_, cell)| cell).collect();
        self.deleted_at().clear();
        for cell in cells {
            let queue = cell.lock();
            cell.deleted.store(true, Ordering::Release);
            let uid = queue.uid;
            queue.journal.record(|| Change::QueueDeleted { uid });
            drop(queue);
            cell.changed.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> QueueKey {
        QueueKey {
            account: AccountId::parse("000000000000").expect("account"),
            region: Region::parse("us-east-1").expect("region"),
            name: name.into(),
        }
    }

    #[test]
    fn create_is_idempotent_only_for_matching_attributes() {
        let reg = Registry::new();
        let attrs = QueueAttributes {
            visibility_timeout: 60,
            ..QueueAttributes::default()
        };
        let a = reg
            .create(
                key("q"),
                attrs.clone(),
                &["VisibilityTimeout"],
                [],
                Timestamp(1),
            )
            .expect("create");
        let b = reg
            .create(key("q"), attrs, &["VisibilityTimeout"], [], Timestamp(2))
            .expect("same");
        assert!(Arc::ptr_eq(&a, &b));
        // No attributes named: the existing queue is returned.
        reg.create(key("q"), QueueAttributes::default(), &[], [], Timestamp(3))
            .expect("no attributes");
        let err = reg
            .create(
                key("q"),
                QueueAttributes::default(),
                &["VisibilityTimeout"],
                [],
                Timestamp(4),
            )
            .expect_err("differs");
        assert_eq!(
            err,
            SqsError::QueueAlreadyExists("VisibilityTimeout".into())
        );
        assert_eq!(a.lock().arn, "arn:aws:sqs:us-east-1:000000000000:q");
    }

    #[test]
    fn a_deleted_name_is_reusable_only_after_sixty_seconds() {
        let reg = Registry::new();
        let create =
            |at: u64| reg.create(key("q"), QueueAttributes::default(), &[], [], Timestamp(at));
        create(0).expect("create");
        reg.delete(&key("q"), Timestamp(1_000)).expect("delete");
        assert_eq!(
            create(60_999).map(|_| ()),
            Err(SqsError::QueueDeletedRecently)
        );
        create(61_000).expect("after the cooldown");

        let relaxed = Registry::with_recreate_cooldown(false);
        relaxed
            .create(key("q"), QueueAttributes::default(), &[], [], Timestamp(0))
            .expect("create");
        relaxed.delete(&key("q"), Timestamp(0)).expect("delete");
        relaxed
            .create(key("q"), QueueAttributes::default(), &[], [], Timestamp(1))
            .expect("at once");
    }

    #[test]
    fn names_filter_by_account_region_and_prefix() {
        let reg = Registry::new();
        for n in ["b-q", "a-q", "other"] {
            reg.create(key(n), QueueAttributes::default(), &[], [], Timestamp(1))
                .expect("create");
        }
        let mut elsewhere = key("a-x");
        elsewhere.region = Region::parse("eu-west-1").expect("region");
        reg.create(elsewhere, QueueAttributes::default(), &[], [], Timestamp(1))
            .expect("create");
        let k = key("");
        assert_eq!(reg.names(&k.account, &k.region, "a"), vec!["a-q"]);
        assert_eq!(
            reg.names(&k.account, &k.region, ""),
            vec!["a-q", "b-q", "other"]
        );
        let cell = reg.delete(&key("a-q"), Timestamp(1)).expect("deleted");
        assert!(cell.is_deleted());
        assert!(matches!(cell.lock_live(), Err(SqsError::QueueDoesNotExist)));
        assert!(reg.get(&key("a-q")).is_none());
    }
}
