//! Durable Kinesis state through the SDK: a stream's shards (with the lineage resharding
//! left), records with their sequence numbers and arrival times, settings, tags and
//! consumers come back after a restart on the same data dir; sequence numbers continue past
//! the last one handed out; retention that ran out while the server was down is applied.

use std::path::Path;

use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::{PutRecordsRequestEntry, ShardIteratorType};
use aws_sdk_kinesis::Client;
use sluice::{RunningServer, Server};
use sluice_tests::{kinesis_client, TempDir};

const START: u64 = 1_800_000_000_000;
const HOUR: u64 = 3_600_000;

async fn start(dir: &Path, at_millis: u64) -> (RunningServer, Client) {
    let server = Server::builder()
        .port(0)
        .manual_clock_at(at_millis)
        .housekeeping(false)
        .kinesis_status_delay(std::time::Duration::ZERO)
        .data_dir(dir)
        .spawn()
        .await
        .expect("server starts on the data dir");
    let client = kinesis_client(&server.endpoint_url(), "us-east-1");
    (server, client)
}

/// `(sequence number, partition key, data, arrival ms)` of every record in `shard`.
async fn records(k: &Client, shard: &str) -> Vec<(String, String, Vec<u8>, i64)> {
    let mut iterator = k
        .get_shard_iterator()
        .stream_name("events")
        .shard_id(shard)
        .shard_iterator_type(ShardIteratorType::TrimHorizon)
        .send()
        .await
        .expect("iterator")
        .shard_iterator;
    let mut out = Vec::new();
    while let Some(it) = iterator {
        let got = k
            .get_records()
            .shard_iterator(it)
            .send()
            .await
            .expect("records");
        if got.records().is_empty() {
            break;
        }
        out.extend(got.records().iter().map(|r| {
            (
                r.sequence_number().to_owned(),
                r.partition_key().unwrap_or_default().to_owned(),
                r.data().as_ref().to_vec(),
                r.approximate_arrival_timestamp()
                    .map_or(0, |t| t.to_millis().unwrap_or(0)),
            )
        }));
        iterator = got.next_shard_iterator;
    }
    out
}

async fn shard_ids(k: &Client) -> Vec<(String, Option<String>, bool)> {
    let out = k
        .list_shards()
        .stream_name("events")
        .send()
        .await
        .expect("list shards");
    out.shards()
        .iter()
        .map(|s| {
            (
                s.shard_id().to_owned(),
                s.parent_shard_id().map(str::to_owned),
                s.sequence_number_range()
                    .and_then(|r| r.ending_sequence_number())
                    .is_some(),
            )
        })
        .collect()
}

#[tokio::test]
async fn streams_records_and_shard_lineage_survive_a_restart() {
    let dir = TempDir::new("kinesis");
    let (server, k) = start(&dir.0, START).await;
    k.create_stream()
        .stream_name("events")
        .shard_count(2)
        .send()
        .await
        .expect("create");
    k.add_tags_to_stream()
        .stream_name("events")
        .tags("team", "data")
        .send()
        .await
        .expect("tag");
    k.increase_stream_retention_period()
        .stream_name("events")
        .retention_period_hours(48)
        .send()
        .await
        .expect("retention");
    let entries: Vec<PutRecordsRequestEntry> = (0..20)
        .map(|i| {
            PutRecordsRequestEntry::builder()
                .partition_key(format!("key-{i}"))
                .data(Blob::new(vec![i as u8; 1 + i]))
                .build()
                .expect("entry")
        })
        .collect();
    let put = k
        .put_records()
        .stream_name("events")
        .set_records(Some(entries))
        .send()
        .await
        .expect("put records");
    assert_eq!(put.failed_record_count(), Some(0));
    // Split the first shard: it closes with an ending sequence number, two children open.
    let first = shard_ids(&k).await[0].0.clone();
    k.split_shard()
        .stream_name("events")
        .shard_to_split(&first)
        .new_starting_hash_key("85070591730234615865843651857942052864")
        .send()
        .await
        .expect("split");
    let stream_arn = "arn:aws:kinesis:us-east-1:000000000000:stream/events";
    k.register_stream_consumer()
        .stream_arn(stream_arn)
        .consumer_name("reader")
        .send()
        .await
        .expect("consumer");
    let shards_before = shard_ids(&k).await;
    let mut before = Vec::new();
    for (id, _, _) in &shards_before {
        before.push(records(&k, id).await);
    }
    assert_eq!(before.iter().map(Vec::len).sum::<usize>(), 20);
    server.shutdown().await;

    let (server, k) = start(&dir.0, START + HOUR).await;
    assert_eq!(shard_ids(&k).await, shards_before, "shards and lineage");
    for ((id, _, _), expected) in shards_before.iter().zip(&before) {
        assert_eq!(&records(&k, id).await, expected, "records of {id}");
    }
    let summary = k
        .describe_stream_summary()
        .stream_name("events")
        .send()
        .await
        .expect("summary");
    let summary = summary.stream_description_summary().expect("summary");
    assert_eq!(summary.retention_period_hours(), 48);
    assert_eq!(summary.stream_status().as_str(), "ACTIVE");
    assert_eq!(summary.consumer_count(), Some(1));
    let tags = k
        .list_tags_for_stream()
        .stream_name("events")
        .send()
        .await
        .expect("tags");
    assert_eq!(tags.tags()[0].value(), Some("data"));
    // A new record in the same shard as the last one gets a larger sequence number.
    let (last_shard, last) = shards_before
        .iter()
        .zip(&before)
        .filter_map(|((id, _, closed), recs)| (!closed).then_some((id, recs.last()?)))
        .max_by(|a, b| a.1 .0.cmp(&b.1 .0))
        .expect("an open shard with records");
    let again = k
        .put_record()
        .stream_name("events")
        .partition_key(&last.1)
        .data(Blob::new(b"after".to_vec()))
        .send()
        .await
        .expect("put");
    assert_eq!(again.shard_id(), last_shard);
    assert!(again.sequence_number() > last.0.as_str());
    server.shutdown().await;

    // Two days later, past the 48-hour retention: the records are gone, the stream stays.
    let (server, k) = start(&dir.0, START + 50 * HOUR).await;
    let mut left = 0;
    for (id, _, _) in shard_ids(&k).await {
        left += records(&k, &id).await.len();
    }
    assert_eq!(left, 0);
    k.delete_stream()
        .stream_name("events")
        .enforce_consumer_deletion(true)
        .send()
        .await
        .expect("delete");
    server.shutdown().await;

    let (server, k) = start(&dir.0, START + 51 * HOUR).await;
    let streams = k.list_streams().send().await.expect("list");
    assert!(
        streams.stream_names().is_empty(),
        "the deleted stream stays deleted"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn account_settings_survive_a_restart() {
    use aws_sdk_kinesis::types::{
        MinimumThroughputBillingCommitmentInput, MinimumThroughputBillingCommitmentInputStatus,
    };
    let dir = TempDir::new("kinesis-account");
    let (server, k) = start(&dir.0, START).await;
    k.update_account_settings()
        .minimum_throughput_billing_commitment(
            MinimumThroughputBillingCommitmentInput::builder()
                .status(MinimumThroughputBillingCommitmentInputStatus::Enabled)
                .build()
                .expect("commitment"),
        )
        .send()
        .await
        .expect("account settings");
    server.shutdown().await;

    let (server, k) = start(&dir.0, START + HOUR).await;
    let settings = k
        .describe_account_settings()
        .send()
        .await
        .expect("describe");
    let commitment = settings
        .minimum_throughput_billing_commitment()
        .expect("a commitment");
    assert_eq!(commitment.status().as_str(), "ENABLED");
    assert_eq!(
        commitment.started_at().map(|t| t.to_millis().unwrap_or(0)),
        Some(START as i64)
    );
    server.shutdown().await;
}
