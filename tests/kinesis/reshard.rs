//! Resharding: a split closes its parent (read to the end, it names its children), a merge
//! joins adjacent shards, UpdateShardCount scales uniformly.

use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::ScalingType;

use super::*;

#[tokio::test]
async fn split_then_merge_keeps_every_record_readable() {
    let t = TestServer::start().await;
    active_stream(&t, "split", 1).await;
    t.kinesis
        .put_record()
        .stream_name("split")
        .partition_key("k")
        .data(Blob::new("before"))
        .send()
        .await
        .expect("put");
    let middle = (u128::MAX / 2 + 1).to_string();
    t.kinesis
        .split_shard()
        .stream_name("split")
        .shard_to_split("shardId-000000000000")
        .new_starting_hash_key(&middle)
        .send()
        .await
        .expect("split");
    t.advance(1).await;
    let shards = t
        .kinesis
        .list_shards()
        .stream_name("split")
        .send()
        .await
        .expect("list");
    assert_eq!(shards.shards().len(), 3);
    let parent = &shards.shards()[0];
    assert!(parent
        .sequence_number_range
        .as_ref()
        .and_then(|r| r.ending_sequence_number.as_ref())
        .is_some());
    assert_eq!(
        shards.shards()[1].parent_shard_id(),
        Some("shardId-000000000000")
    );

    let iterator = trim_horizon(&t, "split", "shardId-000000000000").await;
    let out = t
        .kinesis
        .get_records()
        .shard_iterator(iterator)
        .send()
        .await
        .expect("get");
    assert_eq!(out.records.len(), 1);
    let mut next = out.next_shard_iterator;
    let mut children = out.child_shards.unwrap_or_default();
    while children.is_empty() {
        let it = next.expect("open until the children are named");
        let out = t
            .kinesis
            .get_records()
            .shard_iterator(it)
            .send()
            .await
            .expect("get");
        next = out.next_shard_iterator;
        children = out.child_shards.unwrap_or_default();
    }
    assert!(
        next.is_none(),
        "a closed shard read to its end has no next iterator"
    );
    assert_eq!(children.len(), 2);

    let (code, _) = error(
        t.kinesis
            .split_shard()
            .stream_name("split")
            .shard_to_split("shardId-000000000000")
            .new_starting_hash_key(&middle)
            .send()
            .await,
    );
    assert!(
        code == "ResourceInUseException" || code == "InvalidArgumentException",
        "{code}"
    );
    t.kinesis
        .merge_shards()
        .stream_name("split")
        .shard_to_merge("shardId-000000000001")
        .adjacent_shard_to_merge("shardId-000000000002")
        .send()
        .await
        .expect("merge");
    t.advance(1).await;
    let d = t
        .kinesis
        .describe_stream_summary()
        .stream_name("split")
        .send()
        .await
        .expect("summary");
    assert_eq!(
        d.stream_description_summary
            .expect("summary")
            .open_shard_count,
        1
    );
}

#[tokio::test]
async fn update_shard_count_scales_uniformly() {
    let t = TestServer::start().await;
    active_stream(&t, "scale", 2).await;
    let out = t
        .kinesis
        .update_shard_count()
        .stream_name("scale")
        .target_shard_count(4)
        .scaling_type(ScalingType::UniformScaling)
        .send()
        .await
        .expect("scale");
    assert_eq!(out.current_shard_count, Some(2));
    assert_eq!(out.target_shard_count, Some(4));
    t.advance(1).await;
    let d = t
        .kinesis
        .describe_stream_summary()
        .stream_name("scale")
        .send()
        .await
        .expect("summary");
    assert_eq!(
        d.stream_description_summary
            .expect("summary")
            .open_shard_count,
        4
    );
    let (code, _) = error(
        t.kinesis
            .update_shard_count()
            .stream_name("scale")
            .target_shard_count(100)
            .scaling_type(ScalingType::UniformScaling)
            .send()
            .await,
    );
    assert!(!code.is_empty());
}

/// Every shard of a stream, through ListShards' pages.
async fn all_shards(t: &TestServer, stream: &str) -> Vec<aws_sdk_kinesis::types::Shard> {
    let mut shards = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let request = match &token {
            Some(token) => t.kinesis.list_shards().next_token(token).max_results(2),
            None => t.kinesis.list_shards().stream_name(stream).max_results(2),
        };
        let page = request.send().await.expect("list shards");
        shards.extend(page.shards.unwrap_or_default());
        token = page.next_token;
        if token.is_none() {
            return shards;
        }
    }
}

#[tokio::test]
async fn a_lineage_reader_sees_every_record_once_across_resharding() {
    let t = TestServer::start().await;
    active_stream(&t, "lineage", 3).await;
    let mut written = 0usize;
    let put = |from: usize| {
        let t = &t;
        async move {
            for i in from..from + 40 {
                t.kinesis
                    .put_record()
                    .stream_name("lineage")
                    .partition_key(format!("key-{}", i % 13))
                    .data(Blob::new(format!("record-{i}")))
                    .send()
                    .await
                    .expect("put");
            }
        }
    };
    // Scale up, split, scale down, merge: every kind of step, with writes between.
    put(written).await;
    written += 40;
    for target in [5, 3, 6] {
        t.kinesis
            .update_shard_count()
            .stream_name("lineage")
            .target_shard_count(target)
            .scaling_type(ScalingType::UniformScaling)
            .send()
            .await
            .expect("scale");
        t.advance(1).await;
        put(written).await;
        written += 40;
    }
    let open: Vec<_> = all_shards(&t, "lineage")
        .await
        .into_iter()
        .filter(|s| {
            s.sequence_number_range()
                .and_then(|r| r.ending_sequence_number())
                .is_none()
        })
        .collect();
    assert_eq!(open.len(), 6);
    t.kinesis
        .merge_shards()
        .stream_name("lineage")
        .shard_to_merge(open[0].shard_id())
        .adjacent_shard_to_merge(open[1].shard_id())
        .send()
        .await
        .expect("merge");
    t.advance(1).await;
    put(written).await;
    written += 40;

    // Read as the KCL does: a shard only after all of its parents were read to their end.
    let shards = all_shards(&t, "lineage").await;
    let listed: std::collections::BTreeSet<&str> = shards.iter().map(|s| s.shard_id()).collect();
    for s in &shards {
        assert!(
            s.adjacent_parent_shard_id().is_none() || s.parent_shard_id().is_some(),
            "{s:?}"
        );
    }
    let mut finished = std::collections::BTreeSet::new();
    let mut seen: Vec<String> = Vec::new();
    while finished.len() < shards.len() {
        let ready = shards
            .iter()
            .find(|s| {
                !finished.contains(s.shard_id())
                    && [s.parent_shard_id(), s.adjacent_parent_shard_id()]
                        .into_iter()
                        .flatten()
                        .all(|p| finished.contains(p) || !listed.contains(p))
            })
            .expect("some shard is always ready: the lineage has no cycle or orphan");
        let mut iterator = Some(trim_horizon(&t, "lineage", ready.shard_id()).await);
        let closed = ready
            .sequence_number_range()
            .and_then(|r| r.ending_sequence_number())
            .is_some();
        while let Some(it) = iterator {
            let out = t
                .kinesis
                .get_records()
                .shard_iterator(it)
                .send()
                .await
                .expect("get records");
            let got = out.records.len();
            seen.extend(
                out.records
                    .iter()
                    .map(|r| String::from_utf8_lossy(r.data().as_ref()).into_owned()),
            );
            if out.next_shard_iterator.is_none() {
                // The end of a closed shard names its children, as ListShards does.
                let mut named: Vec<_> = out
                    .child_shards()
                    .iter()
                    .map(|c| c.shard_id().to_owned())
                    .collect();
                let mut listed_children: Vec<_> = shards
                    .iter()
                    .filter(|c| {
                        c.parent_shard_id() == Some(ready.shard_id())
                            || c.adjacent_parent_shard_id() == Some(ready.shard_id())
                    })
                    .map(|c| c.shard_id().to_owned())
                    .collect();
                named.sort();
                listed_children.sort();
                assert_eq!(named, listed_children, "children of {}", ready.shard_id());
            }
            iterator = match (closed, got, out.next_shard_iterator) {
                (_, _, None) => None,
                (false, 0, Some(_)) => None, // an open shard read up to its tip
                (_, _, next) => next,
            };
        }
        finished.insert(ready.shard_id().to_owned());
    }
    let mut want: Vec<String> = (0..written).map(|i| format!("record-{i}")).collect();
    // Per partition key, records come in the order they were written.
    for k in 0..13 {
        let order: Vec<usize> = seen
            .iter()
            .filter_map(|r| r.strip_prefix("record-")?.parse::<usize>().ok())
            .filter(|i| i % 13 == k)
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "key-{k}: {order:?}");
    }
    seen.sort();
    want.sort();
    assert_eq!(seen, want);
}
