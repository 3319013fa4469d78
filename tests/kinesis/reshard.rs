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
