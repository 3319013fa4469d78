//! `Runtime`: what every service of the process is built from — the one scheduler (and the
//! clock it runs on) and the one id source — so the composition root builds each service
//! the same way: `Service::new(&runtime, config)`.

use std::sync::Arc;

use crate::{Clock, IdSource, Scheduler};

#[derive(Debug, Clone)]
pub struct Runtime {
    pub scheduler: Scheduler,
    pub ids: Arc<IdSource>,
}

impl Runtime {
    pub fn new(scheduler: Scheduler, ids: Arc<IdSource>) -> Runtime {
        Runtime { scheduler, ids }
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        self.scheduler.clock()
    }
}
