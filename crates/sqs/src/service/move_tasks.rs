//! Message move tasks: StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask.
//! A task moves the messages of a dead-letter queue back to the queues they came from (or to
//! one destination), at most `MaxNumberOfMessagesPerSecond` per second of the shared clock,
//! as a tracked task on the scheduler — so a manual clock drives it in tests.
//! See <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html>.

use std::sync::{Arc, Mutex, MutexGuard};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sluice_core::Timestamp;

use super::redrive::key_of_arn;
use super::{in_range, required, RequestContext, SqsService};
use crate::engine::{
    Change, DeadLetter, MessageContent, MoveTaskRecord, QueueCell, SqsJournal, Taken,
};
use crate::model::input::{
    CancelMessageMoveTaskInput, ListMessageMoveTasksInput, StartMessageMoveTaskInput,
};
use crate::model::output::{
    CancelMessageMoveTaskOutput, ListMessageMoveTasksOutput, MoveTaskEntry,
    StartMessageMoveTaskOutput,
};
use crate::SqsError;

/// Finished tasks kept for ListMessageMoveTasks (AWS lists recent ones only).
const MAX_FINISHED_TASKS: usize = 100;
/// Messages moved per second when the caller sets no rate ("system optimized" in AWS).
const DEFAULT_RATE: u32 = 500;
const MAX_RATE: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Running,
    Cancelling,
    Cancelled,
    Completed,
    Failed,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::Cancelling => "CANCELLING",
            Status::Cancelled => "CANCELLED",
            Status::Completed => "COMPLETED",
            Status::Failed => "FAILED",
        }
    }
}

#[derive(Debug, Clone)]
struct MoveTask {
    handle: String,
    source_arn: String,
    destination_arn: Option<String>,
    rate: Option<u32>,
    status: Status,
    moved: u64,
    to_move: u64,
    started_at: Timestamp,
    failure_reason: Option<String>,
}

impl Status {
    fn parse(s: &str) -> Option<Status> {
        [
            Status::Running,
            Status::Cancelling,
            Status::Cancelled,
            Status::Completed,
            Status::Failed,
        ]
        .into_iter()
        .find(|status| status.as_str() == s)
    }
}

impl MoveTask {
    fn record(&self) -> MoveTaskRecord {
        MoveTaskRecord {
            handle: self.handle.clone(),
            source_arn: self.source_arn.clone(),
            destination_arn: self.destination_arn.clone(),
            rate: self.rate,
            status: self.status.as_str().to_owned(),
            moved: self.moved,
            to_move: self.to_move,
            started_at: self.started_at.0,
            failure_reason: self.failure_reason.clone(),
        }
    }
}

/// Every move task of the process, oldest first. Each change to one is recorded in the
/// journal (under the list's lock, so a task's records keep their order).
#[derive(Debug, Default)]
pub(super) struct MoveTasks {
    tasks: Mutex<Vec<MoveTask>>,
    journal: SqsJournal,
}

impl MoveTasks {
    pub(super) fn new(journal: SqsJournal) -> MoveTasks {
        MoveTasks {
            tasks: Mutex::default(),
            journal,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<MoveTask>> {
        self.tasks.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn save(&self, task: &MoveTask) {
        self.journal
            .record(|| Change::MoveTaskSaved(Arc::new(task.record())));
    }

    fn update<R>(&self, handle: &str, f: impl FnOnce(&mut MoveTask) -> R) -> Option<R> {
        let mut tasks = self.lock();
        let task = tasks.iter_mut().find(|t| t.handle == handle)?;
        let before = self.journal.is_on().then(|| task.record());
        let out = f(task);
        if before.is_some_and(|before| before != task.record()) {
            self.save(task);
        }
        Some(out)
    }
}

/// A moved message is a new message in its destination: same id, body and attributes, a
/// new enqueue time (so the destination's retention starts over).
fn resend(content: &MessageContent, now: Timestamp) -> MessageContent {
    MessageContent {
        id: content.id,
        body: content.body.clone(),
        attributes: content.attributes.clone(),
        md5_of_body: content.md5_of_body,
        aws_trace_header: content.aws_trace_header.clone(),
        message_group_id: content.message_group_id.clone(),
        sequence_number: None,
        deduplication_id: None,
        sender_id: content.sender_id.clone(),
        sent_at: now,
    }
}

impl SqsService {
    fn queue_by_arn(&self, arn: &str, parameter: &str) -> Result<Arc<QueueCell>, SqsError> {
        let not_found = || {
            SqsError::ResourceNotFound(format!(
                "The resource that you specified for the {parameter} parameter doesn't exist."
            ))
        };
        let key = key_of_arn(arn).ok_or_else(|| {
            SqsError::InvalidParameterValueMessage(format!(
                "You must use this format to specify the {parameter}: arn:<partition>:<service>:<region>:<account-id>:<resource-id>"
            ))
        })?;
        let cell = self.registry.get(&key).ok_or_else(not_found)?;
        if cell.is_deleted() {
            return Err(not_found());
        }
        Ok(cell)
    }

    pub async fn start_message_move_task(
        &self,
        _ctx: &RequestContext,
        input: StartMessageMoveTaskInput,
    ) -> Result<StartMessageMoveTaskOutput, SqsError> {
        let source_arn = required(input.source_arn, "SourceArn")?;
        let source = self.queue_by_arn(&source_arn, "SourceArn")?;
        if let Some(destination) = &input.destination_arn {
            self.queue_by_arn(destination, "DestinationArn")?;
        }
        let rate = in_range(
            "MaxNumberOfMessagesPerSecond",
            input.max_number_of_messages_per_second,
            MAX_RATE,
            "Must be between 1 and 500.",
        )?;
        if rate == Some(0) {
            return Err(SqsError::invalid_param(
                "MaxNumberOfMessagesPerSecond",
                0,
                "Must be between 1 and 500.",
            ));
        }
        let is_dead_letter_queue = self.registry.all().iter().any(|c| {
            c.lock_live().is_ok_and(|q| {
                q.attributes
                    .redrive_policy
                    .as_ref()
                    .is_some_and(|p| p.dead_letter_target_arn == source_arn)
            })
        });
        if !is_dead_letter_queue {
            return Err(SqsError::InvalidParameterValueMessage(
                "Source queue must be configured as a Dead Letter Queue.".into(),
            ));
        }
        let now = self.clock.now();
        let to_move = source.lock_live()?.counts(now).visible as u64;
        let task_id = self.ids.uuid();
        let handle = STANDARD.encode(format!(
            "{{\"taskId\":\"{task_id}\",\"sourceArn\":\"{source_arn}\"}}"
        ));
        {
            let mut tasks = self.move_tasks.lock();
            if tasks
                .iter()
                .any(|t| t.source_arn == source_arn && t.status == Status::Running)
            {
                return Err(SqsError::InvalidParameterValueMessage(
                    "There is already a task running. Only one active task is allowed for a source queue arn at a given time."
                        .into(),
                ));
            }
            let finished = tasks.iter().filter(|t| t.status != Status::Running).count();
            if finished >= MAX_FINISHED_TASKS {
                if let Some(oldest) = tasks.iter().position(|t| t.status != Status::Running) {
                    let gone = tasks.remove(oldest);
                    self.move_tasks
                        .journal
                        .record(|| Change::MoveTaskForgotten {
                            handle: gone.handle,
                        });
                }
            }
            let task = MoveTask {
                handle: handle.clone(),
                source_arn,
                destination_arn: input.destination_arn,
                rate,
                status: Status::Running,
                moved: 0,
                to_move,
                started_at: now,
                failure_reason: None,
            };
            self.move_tasks.save(&task);
            tasks.push(task);
        }
        let service = self.clone();
        let task_handle = handle.clone();
        self.scheduler.spawn(async move {
            service.run_move_task(&task_handle, source).await;
        });
        Ok(StartMessageMoveTaskOutput {
            task_handle: handle,
        })
    }

    /// Puts a stored move task back (restore) and, if it was running, runs it on from where
    /// it got to.
    pub fn restore_move_task(&self, record: MoveTaskRecord) -> Result<(), String> {
        let status = Status::parse(&record.status)
            .ok_or_else(|| format!("unknown move task status {}", record.status))?;
        let task = MoveTask {
            handle: record.handle,
            source_arn: record.source_arn,
            destination_arn: record.destination_arn,
            rate: record.rate,
            status,
            moved: record.moved,
            to_move: record.to_move,
            started_at: Timestamp(record.started_at),
            failure_reason: record.failure_reason,
        };
        let resume = matches!(status, Status::Running | Status::Cancelling).then(|| {
            (
                task.handle.clone(),
                key_of_arn(&task.source_arn).and_then(|k| self.registry.get(&k)),
            )
        });
        self.move_tasks.lock().push(task);
        if let Some((handle, source)) = resume {
            match source {
                Some(source) => {
                    let service = self.clone();
                    self.scheduler.spawn(async move {
                        service.run_move_task(&handle, source).await;
                    });
                }
                None => {
                    self.move_tasks.update(&handle, |t| {
                        t.status = Status::Failed;
                        t.failure_reason = Some("The source queue no longer exists.".into());
                    });
                }
            }
        }
        Ok(())
    }

    /// Moves up to the task's rate each second of clock time until the messages present at
    /// the start have moved, the source is empty, the task is cancelled or the server stops.
    async fn run_move_task(&self, handle: &str, source: Arc<QueueCell>) {
        let shutdown = self.scheduler.shutdown_token();
        let mut tick = self.clock.now();
        loop {
            let now = self.clock.now();
            let step = self.move_tasks.update(handle, |t| {
                if t.status == Status::Cancelling {
                    t.status = Status::Cancelled;
                    return None;
                }
                let remaining = t.to_move.saturating_sub(t.moved);
                let rate = u64::from(t.rate.unwrap_or(DEFAULT_RATE));
                Some((remaining.min(rate) as usize, t.destination_arn.clone()))
            });
            let Some(Some((batch, destination))) = step else {
                return;
            };
            let taken = match source.lock_live() {
                Ok(mut queue) => queue.take_for_move(now, batch),
                Err(_) => Vec::new(),
            };
            let done = taken.len() < batch || batch == 0;
            let (moved, failure) = self.deliver_moved(&source, taken, destination.as_deref(), now);
            self.move_tasks.update(handle, |t| {
                t.moved += moved;
                // A cancel that arrived during this batch wins over finishing.
                if t.status != Status::Running {
                    return;
                }
                if let Some(reason) = failure {
                    t.status = Status::Failed;
                    t.failure_reason = Some(reason);
                } else if done || t.moved >= t.to_move {
                    t.status = Status::Completed;
                }
            });
            let finished = self
                .move_tasks
                .update(handle, |t| {
                    t.status != Status::Running && t.status != Status::Cancelling
                })
                .unwrap_or(true);
            if finished {
                return;
            }
            tick = tick.plus_secs(1);
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = self.clock.sleep_until(tick) => {}
            }
        }
    }

    /// Sends moved messages on; anything that cannot go returns to the source. Returns how
    /// many moved, and why the rest could not.
    fn deliver_moved(
        &self,
        source: &QueueCell,
        taken: Vec<Taken>,
        destination: Option<&str>,
        now: Timestamp,
    ) -> (u64, Option<String>) {
        let mut moved = 0;
        let mut failure = None;
        let mut leftovers = Vec::new();
        let mut seqs = Vec::with_capacity(taken.len());
        for (content, origin, seq) in taken {
            seqs.push(seq);
            let target_arn = destination
                .map(str::to_owned)
                .or_else(|| origin.as_deref().map(str::to_owned));
            let target = target_arn
                .as_deref()
                .and_then(key_of_arn)
                .and_then(|k| self.registry.get(&k));
            let sent = target.as_ref().is_some_and(|cell| match cell.lock_live() {
                Ok(mut queue) => {
                    let content = resend(&content, now);
                    if queue.is_fifo() {
                        // A fresh deduplication id: the original one may still be remembered
                        // by this very queue, which would swallow the returning message.
                        let dedup_id = sluice_core::format_uuid(self.ids.uuid_u128());
                        queue.send_fifo(now, content, &dedup_id, false);
                    } else {
                        queue.send(now, content, 0);
                    }
                    true
                }
                Err(_) => false,
            });
            if sent {
                moved += 1;
                if let Some(cell) = target {
                    cell.changed.notify_one();
                }
            } else {
                failure.get_or_insert_with(|| match target_arn {
                    Some(arn) => format!("The destination queue {arn} does not exist."),
                    None => "A message has no source queue to return to; specify a DestinationArn."
                        .to_owned(),
                });
                leftovers.push((content, origin));
            }
        }
        if let Ok(mut queue) = source.lock_live() {
            for (content, origin) in leftovers {
                queue.accept_dead_letter(now, DeadLetter::fresh(content), origin);
            }
        }
        // Stored where they went (or back here): now they may be gone from where they were.
        source.lock().record_removed(&seqs);
        (moved, failure)
    }

    pub async fn list_message_move_tasks(
        &self,
        _ctx: &RequestContext,
        input: ListMessageMoveTasksInput,
    ) -> Result<ListMessageMoveTasksOutput, SqsError> {
        let source_arn = required(input.source_arn, "SourceArn")?;
        self.queue_by_arn(&source_arn, "SourceArn")?;
        let max = match input.max_results {
            None => 1,
            Some(n @ 1..=10) => n as usize,
            Some(n) => {
                return Err(SqsError::invalid_param(
                    "MaxResults",
                    n,
                    "Must be between 1 and 10.",
                ))
            }
        };
        let tasks = self.move_tasks.lock();
        let results = tasks
            .iter()
            .rev()
            .filter(|t| t.source_arn == source_arn)
            .take(max)
            .map(|t| MoveTaskEntry {
                task_handle: (t.status == Status::Running).then(|| t.handle.clone()),
                status: t.status.as_str(),
                source_arn: t.source_arn.clone(),
                destination_arn: t.destination_arn.clone(),
                max_number_of_messages_per_second: t.rate,
                approximate_number_of_messages_moved: t.moved,
                approximate_number_of_messages_to_move: t.to_move,
                failure_reason: t.failure_reason.clone(),
                started_timestamp: t.started_at.as_millis(),
            })
            .collect();
        Ok(ListMessageMoveTasksOutput { results })
    }

    pub async fn cancel_message_move_task(
        &self,
        _ctx: &RequestContext,
        input: CancelMessageMoveTaskInput,
    ) -> Result<CancelMessageMoveTaskOutput, SqsError> {
        let handle = required(input.task_handle, "TaskHandle")?;
        if !well_formed_handle(&handle) {
            return Err(SqsError::InvalidParameterValueMessage(
                "Value for parameter TaskHandle is invalid.".into(),
            ));
        }
        let outcome = self.move_tasks.update(&handle, |t| {
            if t.status != Status::Running {
                return Err(SqsError::UnsupportedOperation(
                    "Only active tasks can be cancelled.".into(),
                ));
            }
            t.status = Status::Cancelling;
            Ok(t.moved)
        });
        let moved =
            outcome.ok_or_else(|| SqsError::ResourceNotFound("Task does not exist.".into()))??;
        Ok(CancelMessageMoveTaskOutput {
            approximate_number_of_messages_moved: moved,
        })
    }
}

/// Whether a task handle has the shape StartMessageMoveTask hands out (base64 of a JSON
/// object naming `taskId` and `sourceArn`); anything else is AWS's "TaskHandle is invalid",
/// not "Task does not exist".
fn well_formed_handle(handle: &str) -> bool {
    let Some(document) = STANDARD
        .decode(handle)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
    else {
        return false;
    };
    ["taskId", "sourceArn"]
        .iter()
        .all(|k| document[*k].as_str().is_some_and(|v| !v.is_empty()))
}
