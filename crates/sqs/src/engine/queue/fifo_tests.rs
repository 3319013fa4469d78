//! FIFO engine tests on literal timestamps, and a property test of ordering, locking and
//! deduplication under random interleavings.

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;

use super::*;
use crate::engine::message::{md5_of_body, MessageAttributes};

const T0: Timestamp = Timestamp(1_700_000_000_000);

fn fifo_queue() -> Queue {
    let attributes = QueueAttributes {
        fifo_queue: true,
        ..QueueAttributes::default()
    };
    Queue::new(
        "q.fifo".into(),
        "arn:aws:sqs:us-east-1:000000000000:q.fifo".into(),
        1,
        attributes,
        T0,
    )
}

fn msg(id: u128, group: &str, at: Timestamp) -> MessageContent {
    MessageContent {
        id,
        body: format!("m{id}").into(),
        attributes: MessageAttributes::new(),
        md5_of_body: md5_of_body("x"),
        aws_trace_header: None,
        message_group_id: Some(group.into()),
        sequence_number: None,
        deduplication_id: None,
        sender_id: "s".into(),
        sent_at: at,
    }
}

fn ids(d: &[Delivery]) -> Vec<u128> {
    d.iter().map(|d| d.content.id).collect()
}

fn send(q: &mut Queue, id: u128, group: &str, dedup: &str, at: Timestamp) -> FifoSent {
    q.send_fifo(at, msg(id, group, at), dedup, false)
}

#[test]
fn groups_are_served_in_order_and_locked_while_in_flight() {
    let mut q = fifo_queue();
    for (id, g) in [(1, "a"), (2, "a"), (3, "b"), (4, "a"), (5, "b")] {
        send(&mut q, id, g, &id.to_string(), T0);
    }
    // The oldest group first, as many of its messages as fit, then the next group.
    let r = q.receive(T0, 2, Some(30)).expect("r").deliveries;
    assert_eq!(ids(&r), vec![1, 2]);
    // Group a is locked while 1 and 2 are in flight; b is served.
    let r2 = q.receive(T0, 10, Some(30)).expect("r").deliveries;
    assert_eq!(ids(&r2), vec![3, 5]);
    assert!(q.receive(T0, 10, None).expect("r").deliveries.is_empty());
    q.delete(T0, &r[0].receipt_handle).expect("delete 1");
    assert!(
        q.receive(T0, 10, None).expect("r").deliveries.is_empty(),
        "2 still in flight"
    );
    q.delete(T0, &r[1].receipt_handle).expect("delete 2");
    assert_eq!(
        ids(&q.receive(T0, 10, None).expect("r").deliveries),
        vec![4]
    );
    // Everything in flight returns after 30 s: group b's head (3) is older than a's (4).
    assert_eq!(
        ids(&q.receive(T0.plus_secs(30), 10, None).expect("r").deliveries),
        vec![3, 5, 4]
    );
}

#[test]
fn deduplication_lasts_five_minutes_and_answers_with_the_original() {
    let mut q = fifo_queue();
    let first = send(&mut q, 1, "a", "d", T0);
    assert!(!first.duplicate);
    let again = send(&mut q, 2, "a", "d", T0.plus_secs(299));
    assert!(again.duplicate);
    assert_eq!(
        (again.message_id, again.sequence_number),
        (1, first.sequence_number)
    );
    assert_eq!(q.counts(T0.plus_secs(299)).visible, 1);
    let later = send(&mut q, 3, "a", "d", T0.plus_secs(300));
    assert!(!later.duplicate);
    assert!(later.sequence_number > first.sequence_number);
    assert_eq!(later.sequence_number.to_string().len(), 20);
    // With DeduplicationScope=messageGroup the same id in another group is a new message.
    let mut per_group = fifo_queue();
    per_group.send_fifo(T0, msg(1, "a", T0), "d", true);
    assert!(
        !per_group
            .send_fifo(T0, msg(2, "b", T0), "d", true)
            .duplicate
    );
    assert!(
        per_group
            .send_fifo(T0, msg(3, "b", T0), "d", true)
            .duplicate
    );
}

#[test]
fn an_expired_receipt_handle_cannot_delete() {
    let mut q = fifo_queue();
    send(&mut q, 1, "a", "1", T0);
    let d = q.receive(T0, 1, Some(10)).expect("r").deliveries.remove(0);
    let err = q
        .delete(T0.plus_secs(10), &d.receipt_handle)
        .expect_err("expired");
    assert!(
        err.to_string()
            .ends_with("Reason: The receipt handle has expired."),
        "{err}"
    );
    let d2 = q
        .receive(T0.plus_secs(10), 1, None)
        .expect("r")
        .deliveries
        .remove(0);
    assert!(
        q.delete(T0.plus_secs(10), &d.receipt_handle).is_err(),
        "superseded"
    );
    q.delete(T0.plus_secs(10), &d2.receipt_handle)
        .expect("current handle");
}

#[test]
fn redrive_keeps_group_order() {
    let mut q = fifo_queue();
    q.attributes.redrive_policy = Some(crate::engine::RedrivePolicy {
        dead_letter_target_arn: "arn:aws:sqs:us-east-1:000000000000:d.fifo".into(),
        max_receive_count: 1,
    });
    send(&mut q, 1, "a", "1", T0);
    send(&mut q, 2, "a", "2", T0);
    assert_eq!(
        ids(&q.receive(T0, 10, Some(0)).expect("r").deliveries),
        vec![1, 2]
    );
    let r = q.receive(T0, 10, None).expect("r");
    assert!(r.deliveries.is_empty());
    let moved: Vec<u128> = r.dead_letters.iter().map(|d| d.content.id).collect();
    assert_eq!(moved, vec![1, 2]);
}

#[test]
fn a_receive_attempt_retried_within_five_minutes_returns_the_same_batch() {
    let mut q = fifo_queue();
    send(&mut q, 1, "a", "1", T0);
    send(&mut q, 2, "a", "2", T0);
    let first = q.receive_attempt(T0, "try-1", 10, 30, true).deliveries;
    assert_eq!(ids(&first), vec![1, 2]);
    let retry = q
        .receive_attempt(T0.plus_secs(20), "try-1", 10, 30, true)
        .deliveries;
    assert_eq!(
        retry.iter().map(|d| &d.receipt_handle).collect::<Vec<_>>(),
        first.iter().map(|d| &d.receipt_handle).collect::<Vec<_>>()
    );
    // The retry restarted the visibility timeout: still hidden at T0+49, back at T0+50.
    assert!(q
        .receive(T0.plus_secs(49), 10, None)
        .expect("r")
        .deliveries
        .is_empty());
    assert_eq!(q.counts(T0.plus_secs(50)).visible, 2);
    // Once a message of the batch has changed, the same attempt id receives afresh.
    let fresh = q
        .receive_attempt(T0.plus_secs(50), "try-1", 1, 30, true)
        .deliveries;
    assert_eq!(ids(&fresh), vec![1]);
    assert_ne!(fresh[0].receipt_handle, first[0].receipt_handle);
}

#[test]
fn an_empty_receive_attempt_is_not_replayed() {
    // Regression: an empty first pass of a long poll was cached and replayed.
    let mut q = fifo_queue();
    assert!(q
        .receive_attempt(T0, "a", 10, 30, true)
        .deliveries
        .is_empty());
    send(&mut q, 1, "g", "1", T0);
    assert_eq!(
        ids(&q.receive_attempt(T0, "a", 10, 30, true).deliveries),
        vec![1]
    );
}

#[test]
fn a_fifo_dead_letter_queue_restarts_retention_at_the_move() {
    let mut dlq = fifo_queue();
    dlq.attributes.message_retention_period = 60;
    let old = std::sync::Arc::new(msg(1, "g", T0));
    let moved_at = T0.plus_secs(120);
    dlq.accept_dead_letter(
        moved_at,
        super::DeadLetter::fresh(old),
        Some("arn:src".into()),
    );
    assert_eq!(dlq.counts(moved_at.plus_secs(59)).visible, 1);
    assert_eq!(dlq.counts(moved_at.plus_secs(60)).visible, 0);
}

#[test]
fn without_its_dead_letter_queue_a_fifo_queue_delivers_in_order() {
    let mut q = fifo_queue();
    q.attributes.redrive_policy = Some(crate::engine::RedrivePolicy {
        dead_letter_target_arn: "arn:aws:sqs:us-east-1:000000000000:gone.fifo".into(),
        max_receive_count: 1,
    });
    send(&mut q, 1, "g", "1", T0);
    send(&mut q, 2, "g", "2", T0);
    assert_eq!(
        ids(&q.receive_with(T0, 1, Some(0), false).expect("r").deliveries),
        vec![1]
    );
    let r = q.receive_with(T0, 10, Some(0), false).expect("r");
    assert!(r.dead_letters.is_empty());
    assert_eq!(ids(&r.deliveries), vec![1, 2]);
}

#[derive(Debug, Clone)]
enum Op {
    Send { group: u8, dedup: u8 },
    Receive { max: usize, timeout: u32 },
    Delete { pick: usize },
    Release { pick: usize },
    Advance { secs: u64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3u8, 0..12u8).prop_map(|(group, dedup)| Op::Send { group, dedup }),
        (1..4usize, 0..4u32).prop_map(|(max, timeout)| Op::Receive { max, timeout }),
        (0..8usize).prop_map(|pick| Op::Delete { pick }),
        (0..8usize).prop_map(|pick| Op::Release { pick }),
        (0..400u64).prop_map(|secs| Op::Advance { secs }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the interleaving: a message is delivered only when every older message of
    /// its group is deleted or delivered before it in the same receive; never while another
    /// receive holds a message of its group; and a deduplicated send is never delivered.
    #[test]
    fn fifo_order_locking_and_dedup_hold(ops in proptest::collection::vec(op(), 1..80)) {
        let mut q = fifo_queue();
        let mut now = T0;
        let mut next_id = 1u128;
        let mut sent_in_group: HashMap<String, Vec<u128>> = HashMap::new();
        let mut duplicates: HashSet<u128> = HashSet::new();
        let mut deleted: HashSet<u128> = HashSet::new();
        // Outstanding handles: (id, group, handle, visible again at).
        let mut held: Vec<(u128, String, String, Timestamp)> = Vec::new();
        for op in ops {
            match op {
                Op::Send { group, dedup } => {
                    let group = format!("g{group}");
                    let id = next_id;
                    next_id += 1;
                    let sent = send(&mut q, id, &group, &format!("d{dedup}"), now);
                    if sent.duplicate {
                        duplicates.insert(id);
                    } else {
                        sent_in_group.entry(group).or_default().push(id);
                    }
                }
                Op::Receive { max, timeout } => {
                    held.retain(|(_, _, _, until)| *until > now);
                    let batch = q.receive(now, max, Some(timeout)).expect("receive").deliveries;
                    let mut earlier_in_batch: HashSet<u128> = HashSet::new();
                    for d in &batch {
                        let id = d.content.id;
                        let group = d.content.message_group_id.as_deref().unwrap_or_default().to_owned();
                        prop_assert!(!duplicates.contains(&id), "deduplicated message {id} delivered");
                        prop_assert!(!deleted.contains(&id), "deleted message {id} delivered");
                        prop_assert!(
                            !held.iter().any(|(_, g, _, _)| *g == group),
                            "group {group} delivered while locked"
                        );
                        for older in sent_in_group[&group].iter().take_while(|o| **o != id) {
                            prop_assert!(
                                deleted.contains(older) || earlier_in_batch.contains(older),
                                "{id} of {group} delivered before older {older}"
                            );
                        }
                        earlier_in_batch.insert(id);
                    }
                    for d in batch {
                        let group = d.content.message_group_id.as_deref().unwrap_or_default().to_owned();
                        held.push((d.content.id, group, d.receipt_handle, now.plus_secs(u64::from(timeout))));
                    }
                }
                Op::Delete { pick } => {
                    held.retain(|(_, _, _, until)| *until > now);
                    if !held.is_empty() {
                        let (id, _, handle, _) = held.remove(pick % held.len());
                        q.delete(now, &handle).expect("a current handle deletes");
                        deleted.insert(id);
                    }
                }
                Op::Release { pick } => {
                    held.retain(|(_, _, _, until)| *until > now);
                    if !held.is_empty() {
                        let (_, _, handle, _) = held.remove(pick % held.len());
                        q.change_visibility(now, &handle, 0).expect("release");
                    }
                }
                Op::Advance { secs } => now = now.plus_secs(secs),
            }
        }
    }
}
