//! Foundations every Sluice service shares: one timeline (`Clock`, `Scheduler`), the
//! per-request context (`RequestContext`), identifiers (`IdSource`, `AccountId`, `Region`,
//! `Arn`) and AWS digests. Nothing here knows HTTP or any
//! single AWS service.

mod arn;
mod attributes;
mod batch;
mod clock;
mod context;
mod digest;
mod ids;
mod journal;
mod paging;
mod runtime;
mod scheduler;
mod time;

pub use arn::{AccountId, Arn, Region};
pub use attributes::{AttributeData, MessageAttribute, QueueMessage};
pub use batch::{first_duplicate_id, valid_batch_entry_id, MAX_BATCH_ENTRIES};
pub use clock::{Clock, ManualClock, Sleep, SystemClock};
pub use context::{Principal, RequestContext};
pub use digest::{md5_hex, sha256_hex};
pub use ids::{format_uuid, IdSource};
pub use journal::{ChangeLog, Journal};
pub use paging::{page, page_start, Page};
pub use runtime::Runtime;
pub use scheduler::Scheduler;
pub use time::Timestamp;
