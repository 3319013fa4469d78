//! Operations on receipt handles: DeleteMessage(Batch) and ChangeMessageVisibility(Batch).

use sluice_core::Timestamp;

use super::batch::{check_batch, id_batch};
use super::{in_range, required, RequestContext, SqsService, Wakeups};
use crate::engine::{QueueCell, MAX_VISIBILITY_TIMEOUT};
use crate::model::input::{
    ChangeMessageVisibilityBatchInput, ChangeMessageVisibilityInput, DeleteMessageBatchInput,
    DeleteMessageInput, ReceiptEntry,
};
use crate::model::output::{Empty, IdBatchOutput};
use crate::SqsError;

impl SqsService {
    pub async fn delete_message(
        &self,
        ctx: &RequestContext,
        input: DeleteMessageInput,
    ) -> Result<Empty, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        let handle = required(input.receipt_handle, "ReceiptHandle")?;
        let unlocked = {
            let mut queue = cell.lock_live()?;
            let before = queue.receivable_groups();
            queue.delete(self.clock.now(), &handle)?;
            queue.receivable_groups().saturating_sub(before)
        };
        wake_for_unlocked_groups(&cell, unlocked);
        Ok(Empty {})
    }

    pub async fn delete_message_batch(
        &self,
        ctx: &RequestContext,
        input: DeleteMessageBatchInput,
    ) -> Result<IdBatchOutput, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        check_batch(
            input.entries.iter().map(|e| e.id.as_deref()),
            "DeleteMessageBatchRequestEntry",
        )?;
        let now = self.clock.now();
        let (out, unlocked) = {
            let mut queue = cell.lock_live()?;
            let before = queue.receivable_groups();
            let out = id_batch(input.entries, "DeleteMessageBatchResultEntry", |entry| {
                let handle = required(entry.receipt_handle.as_deref(), "ReceiptHandle")?;
                queue.delete(now, handle)
            });
            (out, queue.receivable_groups().saturating_sub(before))
        };
        wake_for_unlocked_groups(&cell, unlocked);
        Ok(out)
    }

    pub async fn change_message_visibility(
        &self,
        ctx: &RequestContext,
        input: ChangeMessageVisibilityInput,
    ) -> Result<Empty, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        let entry = ReceiptEntry {
            id: None,
            receipt_handle: input.receipt_handle,
            visibility_timeout: input.visibility_timeout,
        };
        let mut wakeups = Wakeups::default();
        change_visibility(&cell, self.clock.now(), &entry, &mut wakeups)?;
        wakeups.signal(&cell);
        Ok(Empty {})
    }

    pub async fn change_message_visibility_batch(
        &self,
        ctx: &RequestContext,
        input: ChangeMessageVisibilityBatchInput,
    ) -> Result<IdBatchOutput, SqsError> {
        let cell = self.resolve(ctx, input.queue_url.as_deref())?;
        check_batch(
            input.entries.iter().map(|e| e.id.as_deref()),
            "ChangeMessageVisibilityBatchRequestEntry",
        )?;
        let now = self.clock.now();
        let mut wakeups = Wakeups::default();
        let out = id_batch(
            input.entries,
            "ChangeMessageVisibilityBatchResultEntry",
            |entry| change_visibility(&cell, now, entry, &mut wakeups),
        );
        wakeups.signal(&cell);
        Ok(out)
    }
}

/// A FIFO delete that ends a group's last in-flight message makes the group's next messages
/// receivable: wake one parked receiver per group unlocked.
fn wake_for_unlocked_groups(cell: &QueueCell, unlocked: usize) {
    Wakeups {
        visible: unlocked,
        earlier_deadline: false,
    }
    .signal(cell);
}

fn change_visibility(
    cell: &QueueCell,
    now: Timestamp,
    entry: &ReceiptEntry,
    wakeups: &mut Wakeups,
) -> Result<(), SqsError> {
    let handle = required(entry.receipt_handle.as_deref(), "ReceiptHandle")?;
    let timeout = required(entry.visibility_timeout, "VisibilityTimeout")?;
    let timeout = in_range(
        "VisibilityTimeout",
        Some(timeout),
        MAX_VISIBILITY_TIMEOUT,
        "Must be between 0 and 43200.",
    )?
    .unwrap_or_default();
    let mut queue = cell.lock_live()?;
    let before = queue.next_wake();
    let visible = queue.change_visibility(now, handle, timeout)?;
    wakeups.note(visible, before, queue.next_wake(), now);
    Ok(())
}
