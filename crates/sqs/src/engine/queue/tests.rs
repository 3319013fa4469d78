//! Queue state machine tests on literal timestamps.

use super::*;
use crate::engine::message::{md5_of_body, MessageAttributes};

const T0: Timestamp = Timestamp(1_700_000_000_000);

fn queue() -> Queue {
    Queue::new(
        "q".into(),
        "arn:aws:sqs:us-east-1:000000000000:q".into(),
        1,
        QueueAttributes::default(),
        T0,
    )
}

fn content(id: u128, body: &str, at: Timestamp) -> MessageContent {
    MessageContent {
        id,
        body: body.into(),
        attributes: MessageAttributes::new(),
        md5_of_body: md5_of_body(body),
        aws_trace_header: None,
        message_group_id: None,
        sequence_number: None,
        deduplication_id: None,
        sender_id: "AKID".into(),
        sent_at: at,
    }
}

/// Deliveries of a receive (no redrive policy in these tests).
fn rx(
    q: &mut Queue,
    now: Timestamp,
    max: usize,
    visibility: Option<u32>,
) -> Result<Vec<Delivery>, SqsError> {
    q.receive(now, max, visibility).map(|r| r.deliveries)
}

fn bodies(d: &[Delivery]) -> Vec<&str> {
    d.iter().map(|d| &*d.content.body).collect()
}

#[test]
fn send_receive_delete_in_order() {
    let mut q = queue();
    for (i, b) in ["a", "b", "c"].iter().enumerate() {
        q.send(T0, content(i as u128, b, T0), 0);
    }
    let got = rx(&mut q, T0, 2, None).expect("receive");
    assert_eq!(bodies(&got), vec!["a", "b"]);
    assert_eq!(
        q.counts(T0),
        Counts {
            visible: 1,
            in_flight: 2,
            delayed: 0
        }
    );
    q.delete(T0, &got[0].receipt_handle).expect("delete");
    // Deleting twice succeeds, as in AWS.
    q.delete(T0, &got[0].receipt_handle).expect("idempotent");
    assert_eq!(q.counts(T0).in_flight, 1);
}

#[test]
fn visibility_timeout_returns_message_with_higher_receive_count() {
    let mut q = queue();
    q.send(T0, content(1, "m", T0), 0);
    let first = rx(&mut q, T0, 10, Some(10)).expect("receive");
    assert_eq!(first[0].receive_count, 1);
    assert!(rx(&mut q, T0.plus_millis(9_999), 10, None)
        .expect("r")
        .is_empty());
    let again = rx(&mut q, T0.plus_secs(10), 10, None).expect("r");
    assert_eq!(bodies(&again), vec!["m"]);
    assert_eq!(again[0].receive_count, 2);
    assert_eq!(again[0].first_received_at, T0);
    assert_ne!(again[0].receipt_handle, first[0].receipt_handle);
}

#[test]
fn delays_hold_messages_back_and_are_counted() {
    let mut q = queue();
    q.send(T0, content(1, "later", T0), 5);
    q.send(T0, content(2, "now", T0), 0);
    assert_eq!(q.counts(T0).delayed, 1);
    assert_eq!(q.next_wake(), Some(T0.plus_secs(5)));
    assert_eq!(bodies(&rx(&mut q, T0, 10, None).expect("r")), vec!["now"]);
    assert!(rx(&mut q, T0.plus_millis(4_999), 10, None)
        .expect("r")
        .is_empty());
    assert_eq!(
        bodies(&rx(&mut q, T0.plus_secs(5), 10, None).expect("r")),
        vec!["later"]
    );
}

#[test]
fn change_visibility_rules() {
    let mut q = queue();
    q.send(T0, content(1, "m", T0), 0);
    let d = rx(&mut q, T0, 1, Some(30)).expect("r").remove(0);
    // Extend at T0+20: hidden until T0+120, counted from the change.
    let t = T0.plus_secs(20);
    assert!(!q
        .change_visibility(t, &d.receipt_handle, 100)
        .expect("extend"));
    assert!(rx(&mut q, T0.plus_secs(119), 1, None)
        .expect("r")
        .is_empty());
    // Total beyond 12 hours from the receive is rejected.
    let err = q
        .change_visibility(T0.plus_secs(100), &d.receipt_handle, 43_200)
        .expect_err("beyond");
    assert!(err.to_string().contains("43200"), "{err}");
    // Zero makes it visible at once.
    assert!(q
        .change_visibility(T0.plus_secs(100), &d.receipt_handle, 0)
        .expect("zero"));
    // A visible message is left alone and the call succeeds (AWS never answers
    // MessageNotInflight in practice).
    assert!(!q
        .change_visibility(T0.plus_secs(100), &d.receipt_handle, 500)
        .expect("no-op"));
    let d2 = rx(&mut q, T0.plus_secs(100), 1, None).expect("r").remove(0);
    // The first consumer's handle no longer moves the message the second one holds.
    assert!(matches!(
        q.change_visibility(T0.plus_secs(100), &d.receipt_handle, 0),
        Err(SqsError::InvalidParameterValue { .. })
    ));
    assert!(rx(&mut q, T0.plus_secs(100), 1, None)
        .expect("r")
        .is_empty());
    q.change_visibility(T0.plus_secs(100), &d2.receipt_handle, 5)
        .expect("current handle");
    q.delete(T0.plus_secs(100), &d2.receipt_handle)
        .expect("delete");
    let gone = q
        .change_visibility(T0.plus_secs(100), &d2.receipt_handle, 5)
        .expect_err("gone");
    assert!(
        gone.to_string().ends_with(
            "Reason: Message does not exist or is not available for visibility timeout change."
        ),
        "{gone}"
    );
}

#[test]
fn foreign_and_garbage_handles_are_invalid() {
    let mut q = queue();
    let mut other = Queue::new("o".into(), "arn".into(), 2, QueueAttributes::default(), T0);
    other.send(T0, content(1, "m", T0), 0);
    let h = rx(&mut other, T0, 1, None)
        .expect("r")
        .remove(0)
        .receipt_handle;
    assert_eq!(
        q.delete(T0, &h),
        Err(SqsError::ReceiptHandleIsInvalid(h.clone()))
    );
    assert!(matches!(
        q.delete(T0, "garbage"),
        Err(SqsError::ReceiptHandleIsInvalid(_))
    ));
}

#[test]
fn retention_expires_messages_in_every_state() {
    let mut q = queue();
    q.attributes.message_retention_period = 60;
    q.send(T0, content(1, "visible", T0), 0);
    q.send(T0, content(2, "inflight", T0), 0);
    q.send(T0, content(3, "delayed", T0), 120);
    rx(&mut q, T0, 1, Some(3_600)).expect("r");
    q.send(T0.plus_secs(30), content(4, "young", T0.plus_secs(30)), 0);
    let c = q.counts(T0.plus_secs(60));
    assert_eq!(
        c,
        Counts {
            visible: 1,
            in_flight: 0,
            delayed: 0
        }
    );
    assert_eq!(
        bodies(&rx(&mut q, T0.plus_secs(60), 10, None).expect("r")),
        vec!["young"]
    );
    assert_eq!(q.counts(T0.plus_secs(90)), Counts::default());
}

#[test]
fn purge_clears_and_is_rate_limited() {
    let mut q = queue();
    q.send(T0, content(1, "m", T0), 0);
    q.purge(T0).expect("purge");
    assert_eq!(q.counts(T0), Counts::default());
    assert_eq!(
        q.purge(T0.plus_secs(59)),
        Err(SqsError::PurgeQueueInProgress("q".into()))
    );
    q.purge(T0.plus_secs(60)).expect("again after 60s");
}

#[test]
fn stale_index_entries_are_bounded() {
    let mut q = queue();
    // One message stays in flight forever while many others pass through.
    q.send(T0, content(0, "stuck", T0), 0);
    rx(&mut q, T0, 1, Some(43_200)).expect("r");
    let mut now = T0;
    for i in 1..50_000u128 {
        now = now.plus_millis(1);
        q.send(now, content(i, "x", now), 0);
        let d = rx(&mut q, now, 1, None).expect("r").remove(0);
        // Extending visibility leaves stale timer entries behind.
        q.change_visibility(now, &d.receipt_handle, 100)
            .expect("cv");
        q.delete(now, &d.receipt_handle).expect("delete");
    }
    let (ready, timers, by_age) = q.index_sizes();
    assert!(ready <= 2048, "ready {ready}");
    assert!(timers <= 2 + 1024 + 1, "timers {timers}");
    assert!(by_age <= 2 + 1024 + 1, "by_age {by_age}");
}

#[test]
fn expired_messages_leave_no_index_entries_behind_without_receivers() {
    // A producer-only queue: retention expiry alone must keep the indexes bounded.
    let mut q = queue();
    q.attributes.message_retention_period = 60;
    let mut now = T0;
    for i in 0..20_000u128 {
        now = now.plus_millis(10);
        q.send(now, content(i, "x", now), 0);
    }
    let (ready, _, by_age) = q.index_sizes();
    assert!(ready <= 2 * 6_000 + 1024 + 1, "ready {ready}");
    assert!(by_age <= 2 * 6_000 + 1024 + 1, "by_age {by_age}");
    assert_eq!(q.counts(now).visible, 6_000);
}

#[test]
fn over_limit_when_too_many_in_flight() {
    let mut q = queue();
    for i in 0..(MAX_IN_FLIGHT as u128 + 1) {
        q.send(T0, content(i, "m", T0), 0);
    }
    let mut received = 0;
    while received < MAX_IN_FLIGHT {
        received += rx(&mut q, T0, 10, None).expect("r").len();
    }
    assert_eq!(
        rx(&mut q, T0, 10, None).map(|d| d.len()),
        Err(SqsError::OverLimit(MAX_IN_FLIGHT))
    );
}

#[test]
fn redrive_moves_a_message_after_max_receives_keeping_its_enqueue_time() {
    use crate::engine::RedrivePolicy;
    let mut q = queue();
    q.attributes.redrive_policy = Some(RedrivePolicy {
        dead_letter_target_arn: "arn:aws:sqs:us-east-1:000000000000:dlq".into(),
        max_receive_count: 2,
    });
    q.send(T0, content(1, "poison", T0), 0);
    let mut now = T0;
    for expected in 1..=2 {
        let r = q.receive(now, 10, Some(1)).expect("r");
        assert_eq!(r.deliveries[0].receive_count, expected);
        assert!(r.dead_letters.is_empty());
        now = now.plus_secs(1);
    }
    let r = q.receive(now, 10, None).expect("r");
    assert!(r.deliveries.is_empty());
    assert_eq!(r.dead_letters.len(), 1);
    assert_eq!(q.counts(now), Counts::default());

    let mut dlq = Queue::new(
        "dlq".into(),
        "arn".into(),
        9,
        QueueAttributes::default(),
        T0,
    );
    dlq.attributes.message_retention_period = 60;
    dlq.send(now, content(2, "young", now), 0);
    // The dead letter keeps its two receives: the next receive is its third.
    assert_eq!(r.dead_letters[0].receive_count, 2);
    dlq.accept_dead_letter(now, r.dead_letters[0].clone(), Some("arn:source".into()));
    let moved = dlq.take_for_move(now, 1);
    assert_eq!(&*moved[0].0.body, "young");
    dlq.accept_dead_letter(now, DeadLetter::fresh(moved[0].0.clone()), None);
    let d = dlq.receive(now, 10, Some(0)).expect("r").deliveries;
    assert_eq!(bodies(&d), vec!["poison", "young"]);
    assert_eq!(d[0].receive_count, 3);
    assert_eq!(d[1].receive_count, 1);
    assert_eq!(d[0].dead_letter_source_arn.as_deref(), Some("arn:source"));
    // Retention counts from the original send at T0, not from the move.
    assert_eq!(dlq.counts(T0.plus_secs(60)).visible, 1);
}

/// A change log that keeps what it is given.
#[derive(Debug, Default)]
struct Kept(std::sync::Mutex<Vec<Change>>);

impl sluice_core::ChangeLog<Change> for Kept {
    fn record(&self, change: Change) {
        self.0.lock().expect("kept").push(change);
    }
}

impl Kept {
    fn deleted(&self) -> Vec<u64> {
        self.0
            .lock()
            .expect("kept")
            .iter()
            .filter_map(|c| match c {
                Change::MessageDeleted { seq, .. } => Some(*seq),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn a_dead_letter_leaves_the_record_only_once_its_new_queue_has_it() {
    let kept = Arc::new(Kept::default());
    let mut q = queue();
    q.journal = SqsJournal::to(kept.clone());
    q.attributes.redrive_policy = Some(crate::engine::RedrivePolicy {
        dead_letter_target_arn: "arn:aws:sqs:us-east-1:000000000000:dlq".into(),
        max_receive_count: 1,
    });
    q.send(T0, content(1, "poison", T0), 0);
    assert_eq!(rx(&mut q, T0, 1, Some(0)).expect("first receive").len(), 1);
    let received = q.receive(T0, 1, Some(0)).expect("second receive");
    assert_eq!(received.dead_letters.len(), 1);
    assert_eq!(received.dead_letter_seqs, [0]);
    assert!(
        kept.deleted().is_empty(),
        "recorded as gone before the dead-letter queue took it"
    );
    q.record_removed(&received.dead_letter_seqs);
    assert_eq!(kept.deleted(), [0]);
    // Taken for a move: the same.
    q.send(T0, content(2, "moved", T0), 0);
    let taken = q.take_for_move(T0, 10);
    assert_eq!(taken.len(), 1);
    assert_eq!(kept.deleted(), [0]);
    q.record_removed(&[taken[0].2]);
    assert_eq!(kept.deleted(), [0, 1]);
}
