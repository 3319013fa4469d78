//! `ChangeLog`: the port through which engines hand each acknowledged mutation, as a small
//! change record, to durable storage. Engines only record; the server decides where records
//! go and when an answer may leave (after the records it could have observed are committed).

use std::fmt::Debug;
use std::sync::Arc;

/// Where an engine's change records go. Called under the resource's lock, so records of one
/// resource arrive in the order the engine applied them; implementations must not block.
pub trait ChangeLog<C>: Send + Sync + Debug {
    fn record(&self, change: C);
}

/// An engine's optional change log: a no-op (one branch) when nothing is stored.
#[derive(Debug)]
pub struct Journal<C>(Option<Arc<dyn ChangeLog<C>>>);

impl<C> Clone for Journal<C> {
    fn clone(&self) -> Self {
        Journal(self.0.clone())
    }
}

impl<C> Default for Journal<C> {
    fn default() -> Self {
        Journal(None)
    }
}

impl<C> Journal<C> {
    pub fn to(log: Arc<dyn ChangeLog<C>>) -> Journal<C> {
        Journal(Some(log))
    }

    pub fn is_on(&self) -> bool {
        self.0.is_some()
    }

    /// Records the change `make` builds; `make` runs only when a log is attached, so callers
    /// pay nothing for building records in memory-only mode.
    pub fn record(&self, make: impl FnOnce() -> C) {
        if let Some(log) = &self.0 {
            log.record(make());
        }
    }
}
