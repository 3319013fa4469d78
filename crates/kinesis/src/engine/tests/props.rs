//! Property tests: routing covers the hash space exactly, sequence numbers increase per
//! shard, and a split never loses or repeats records.

use proptest::prelude::*;

use super::*;
use crate::engine::{SeqNum, StartingPosition};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_hash_maps_to_exactly_one_open_shard(shards in 1u32..40, splits in proptest::collection::vec(any::<u128>(), 0..6), probe in any::<u128>()) {
        let reg = with_stream(shards);
        for (i, at) in splits.iter().enumerate() {
            let list = reg.describe_stream(&key("s"), Some(10_000), None, t(1_000)).expect("d").shards;
            if let Some(open) = list.iter().filter(|s| s.ending_sequence_number.is_none()).find(|s| s.hash_key_range.contains(*at)) {
                let _ = reg.split_shard(&key("s"), &open.shard_id.clone(), &at.to_string(), t(2_000 + i as u64));
            }
        }
        let list = reg.describe_stream(&key("s"), Some(10_000), None, t(9_000)).expect("d").shards;
        let owners = list.iter().filter(|s| s.ending_sequence_number.is_none() && s.hash_key_range.contains(probe)).count();
        prop_assert_eq!(owners, 1);
    }

    #[test]
    fn sequence_numbers_strictly_increase_per_shard(keys in proptest::collection::vec("[a-z]{1,8}", 1..60)) {
        let reg = with_stream(3);
        let mut last: std::collections::BTreeMap<String, String> = Default::default();
        for (i, k) in keys.iter().enumerate() {
            let out = reg.put_record(&key("s"), entry(k, b"x"), None, t(2_000 + i as u64)).expect("put");
            let seq = SeqNum::parse(&out.sequence_number).expect("ours");
            prop_assert_eq!(crate::engine::shard_id(seq.shard), out.shard_id.clone());
            if let Some(prev) = last.get(&out.shard_id) {
                prop_assert!(&out.sequence_number > prev);
            }
            last.insert(out.shard_id, out.sequence_number);
        }
    }

    #[test]
    fn split_then_read_parent_and_children_returns_each_record_once(before in 0usize..20, after in 0usize..20, at in 1u128..) {
        let reg = with_stream(1);
        let mut want = Vec::new();
        for i in 0..before + after {
            if i == before {
                reg.split_shard(&key("s"), "shardId-000000000000", &at.to_string(), t(3_000)).expect("split");
            }
            let pk = format!("key-{i}");
            reg.put_record(&key("s"), crate::engine::PutRecordEntry { partition_key: pk.clone(), data: bytes::Bytes::from(pk.clone().into_bytes()), explicit_hash_key: None }, None, t(4_000)).expect("put");
            want.push(pk);
        }
        let mut got = Vec::new();
        for shard in reg.describe_stream(&key("s"), None, None, t(5_000)).expect("d").shards {
            let it = reg.get_shard_iterator(&key("s"), &shard.shard_id, &StartingPosition::TrimHorizon, t(5_000)).expect("it");
            let out = reg.get_records(&it, None, t(5_000)).expect("get");
            got.extend(out.records.iter().map(|r| r.partition_key.clone()));
        }
        got.sort();
        want.sort();
        prop_assert_eq!(got, want);
    }
}

/// One resharding step of a property test; indices pick among the open shards.
#[derive(Debug, Clone)]
enum Step {
    Split(usize, u128),
    Merge(usize),
    Scale(u32),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (any::<usize>(), any::<u128>()).prop_map(|(i, at)| Step::Split(i, at)),
        any::<usize>().prop_map(Step::Merge),
        (1u32..24).prop_map(Step::Scale),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_resharding_keeps_the_lineage_whole(shards in 1u32..9, steps in proptest::collection::vec(step(), 1..12)) {
        let reg = with_stream(shards);
        for (i, step) in steps.iter().enumerate() {
            let now = t(2_000 + i as u64);
            let mut open: Vec<_> = reg.describe_stream(&key("s"), Some(10_000), None, now).expect("d").shards
                .into_iter().filter(|s| s.ending_sequence_number.is_none()).collect();
            open.sort_by_key(|s| s.hash_key_range.start);
            let _ = match step {
                Step::Split(i, at) => {
                    let s = &open[i % open.len()];
                    let r = s.hash_key_range;
                    let at = r.start + at % (r.end - r.start).max(1);
                    reg.split_shard(&key("s"), &s.shard_id, &at.to_string(), now).map(|_| ())
                }
                Step::Merge(i) if open.len() > 1 => {
                    let i = i % (open.len() - 1);
                    reg.merge_shards(&key("s"), &open[i].shard_id, &open[i + 1].shard_id, now)
                }
                Step::Merge(_) => Ok(()),
                Step::Scale(n) => reg.update_shard_count(&key("s"), *n, "UNIFORM_SCALING", now).map(|_| ()),
            };
            let all = reg.describe_stream(&key("s"), Some(10_000), None, now).expect("d").shards;
            prop_assert_eq!(super::check_lineage(&all), Ok(()));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_client_strings_never_panic(text in any::<String>(), b64 in "[A-Za-z0-9+/]{0,64}={0,2}", n in any::<u32>()) {
        let reg = with_stream(2);
        for s in [&text, &b64] {
            let _ = reg.get_records(s, Some(n), t(1_000));
            let req = crate::engine::ListShards { next_token: Some(s.clone()), ..Default::default() };
            let _ = reg.list_shards(req, t(1_000));
            let _ = reg.list_streams(&account(), &region(), Some(n), None, Some(s), t(1_000));
            let _ = reg.list_stream_consumers(&key("s"), Some(n), Some(s), t(1_000));
            let _ = reg.describe_stream_consumer(crate::engine::ConsumerRef::Arn(s), t(1_000));
            let _ = reg.split_shard(&key("s"), s, s, t(1_000));
            let _ = reg.merge_shards(&key("s"), s, "shardId-000000000001", t(1_000));
            let pos = StartingPosition::AtSequenceNumber(s.clone());
            let _ = reg.get_shard_iterator(&key("s"), s, &pos, t(1_000));
            let _ = StartingPosition::from_request(s, Some(s), None);
            let _ = crate::engine::StreamKey::from_arn(s);
            let _ = crate::engine::parse_hash_key("ExplicitHashKey", s);
            let _ = SeqNum::parse(s);
        }
        let _ = reg.update_shard_count(&key("s"), n, "UNIFORM_SCALING", t(1_000));
        let _ = crate::engine::split_evenly(n % 20_000);
    }
}
