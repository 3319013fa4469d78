//! The table of open connections: which are between requests, and asking the one idle the
//! longest to close when a new client is waiting for a slot.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

/// Every open connection, by id.
#[derive(Default)]
pub(crate) struct ConnectionTable {
    next_id: AtomicU64,
    /// Bumped at each request's start: a connection's `last_request` orders it by recency
    /// without reading a clock.
    requests_started: AtomicU64,
    open: Mutex<HashMap<u64, Arc<Connection>>>,
}

/// What the table knows of one connection.
pub(crate) struct Connection {
    in_flight: AtomicUsize,
    last_request: AtomicU64,
    /// Already asked to close: not asked again, so a slow close does not stall the next
    /// eviction.
    asked_to_close: AtomicBool,
    /// Woken when the table asks this connection to close (after any request in flight).
    pub(crate) evicted: Notify,
}

/// A connection's place in the table; leaving it (drop) removes the connection.
pub(crate) struct Entry {
    table: Arc<ConnectionTable>,
    id: u64,
    pub(crate) connection: Arc<Connection>,
}

/// Held while a request is being answered; its drop marks the connection idle again.
pub(crate) struct RequestGuard(Arc<Connection>);

impl ConnectionTable {
    /// Enters a newly accepted connection.
    pub(crate) fn enter(self: &Arc<Self>) -> Entry {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let connection = Arc::new(Connection {
            in_flight: AtomicUsize::new(0),
            last_request: AtomicU64::new(self.requests_started.load(Ordering::Relaxed)),
            asked_to_close: AtomicBool::new(false),
            evicted: Notify::new(),
        });
        self.lock().insert(id, connection.clone());
        Entry {
            table: self.clone(),
            id,
            connection,
        }
    }

    /// Marks a request started on `connection` until the guard drops.
    pub(crate) fn request_started(&self, connection: &Arc<Connection>) -> RequestGuard {
        connection.in_flight.fetch_add(1, Ordering::Relaxed);
        let order = self.requests_started.fetch_add(1, Ordering::Relaxed);
        connection.last_request.store(order, Ordering::Relaxed);
        RequestGuard(connection.clone())
    }

    /// Asks the connection with no request in flight whose last request is the oldest to
    /// close; false when every connection is busy. Runs only when the limit is reached and
    /// a client waits, so a scan of the table is cheap enough.
    pub(crate) fn evict_longest_idle(&self) -> bool {
        let open = self.lock();
        let idlest = open
            .values()
            .filter(|c| {
                c.in_flight.load(Ordering::Relaxed) == 0
                    && !c.asked_to_close.load(Ordering::Relaxed)
            })
            .min_by_key(|c| c.last_request.load(Ordering::Relaxed));
        match idlest {
            Some(connection) => {
                connection.asked_to_close.store(true, Ordering::Relaxed);
                connection.evicted.notify_one();
                true
            }
            None => false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Connection>>> {
        // The map stays consistent across a panic elsewhere: every change is one call.
        self.open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        self.table.lock().remove(&self.id);
    }
}

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    fn was_evicted(entry: &Entry) -> bool {
        entry.connection.evicted.notified().now_or_never().is_some()
    }

    #[test]
    fn the_connection_idle_longest_is_evicted_and_busy_ones_never() {
        let table = Arc::new(ConnectionTable::default());
        let first = table.enter();
        let second = table.enter();
        let third = table.enter();
        drop(table.request_started(&first.connection));
        let busy = table.request_started(&second.connection);
        drop(table.request_started(&third.connection));

        assert!(table.evict_longest_idle());
        // `first` answered its request before `third` started one.
        assert!(was_evicted(&first));
        assert!(!was_evicted(&third));
        assert!(table.evict_longest_idle());
        assert!(was_evicted(&third), "first is not asked twice");

        drop(first);
        drop(third);
        assert!(
            !table.evict_longest_idle(),
            "only a busy connection is left"
        );
        drop(busy);
        assert!(table.evict_longest_idle());
        drop(second);
        assert!(!table.evict_longest_idle(), "the table is empty");
    }
}
