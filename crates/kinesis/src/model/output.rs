//! Typed outputs, serialized by serde for JSON 1.1 and CBOR alike (blobs and timestamps
//! through `types`). Member names and optional members as the AWS model has them.

use serde::Serialize;

use super::types::{Blob, Time};
use crate::engine::{self, SEQ_DIGITS};

/// Operations the model gives no output.
#[derive(Debug, Default, Serialize)]
pub struct Empty {}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HashKeyRange {
    pub starting_hash_key: String,
    pub ending_hash_key: String,
}

impl From<&engine::HashKeyRange> for HashKeyRange {
    fn from(r: &engine::HashKeyRange) -> Self {
        HashKeyRange {
            starting_hash_key: r.start.to_string(),
            ending_hash_key: r.end.to_string(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SequenceNumberRange {
    pub starting_sequence_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ending_sequence_number: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Shard {
    pub shard_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_shard_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adjacent_parent_shard_id: Option<String>,
    pub hash_key_range: HashKeyRange,
    pub sequence_number_range: SequenceNumberRange,
}

impl From<&engine::ShardInfo> for Shard {
    fn from(s: &engine::ShardInfo) -> Self {
        Shard {
            shard_id: s.shard_id.clone(),
            parent_shard_id: s.parent_shard_id.clone(),
            adjacent_parent_shard_id: s.adjacent_parent_shard_id.clone(),
            hash_key_range: (&s.hash_key_range).into(),
            sequence_number_range: SequenceNumberRange {
                starting_sequence_number: s.starting_sequence_number.clone(),
                ending_sequence_number: s.ending_sequence_number.clone(),
            },
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamModeDetails {
    pub stream_mode: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnhancedMetrics {
    pub shard_level_metrics: Vec<&'static str>,
}

fn metrics(list: &[engine::ShardMetric]) -> Vec<EnhancedMetrics> {
    vec![EnhancedMetrics {
        shard_level_metrics: list.iter().map(|m| m.as_str()).collect(),
    }]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamDescription {
    pub stream_name: String,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
    pub stream_status: &'static str,
    pub stream_mode_details: StreamModeDetails,
    pub shards: Vec<Shard>,
    pub has_more_shards: bool,
    pub retention_period_hours: u32,
    pub stream_creation_timestamp: Time,
    pub enhanced_monitoring: Vec<EnhancedMetrics>,
    pub encryption_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStreamOutput {
    pub stream_description: StreamDescription,
}

impl From<engine::StreamDescription> for DescribeStreamOutput {
    fn from(d: engine::StreamDescription) -> Self {
        DescribeStreamOutput {
            stream_description: StreamDescription {
                stream_name: d.stream_name,
                stream_arn: d.stream_arn,
                stream_status: d.status.as_str(),
                stream_mode_details: StreamModeDetails {
                    stream_mode: d.mode.as_str(),
                },
                shards: d.shards.iter().map(Shard::from).collect(),
                has_more_shards: d.has_more_shards,
                retention_period_hours: d.retention_period_hours,
                stream_creation_timestamp: Time(d.created),
                enhanced_monitoring: metrics(&d.shard_level_metrics),
                encryption_type: d.encryption_type.as_str(),
                key_id: d.key_id,
            },
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WarmThroughput {
    #[serde(rename = "TargetMiBps")]
    pub target_mibps: u32,
    #[serde(rename = "CurrentMiBps")]
    pub current_mibps: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamDescriptionSummary {
    pub stream_name: String,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
    pub stream_id: String,
    pub stream_status: &'static str,
    pub stream_mode_details: StreamModeDetails,
    pub retention_period_hours: u32,
    pub stream_creation_timestamp: Time,
    pub enhanced_monitoring: Vec<EnhancedMetrics>,
    pub encryption_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    pub open_shard_count: u32,
    pub consumer_count: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warm_throughput: Option<WarmThroughput>,
    #[serde(rename = "MaxRecordSizeInKiB")]
    pub max_record_size_in_kib: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStreamSummaryOutput {
    pub stream_description_summary: StreamDescriptionSummary,
}

impl From<engine::StreamDescriptionSummary> for DescribeStreamSummaryOutput {
    fn from(d: engine::StreamDescriptionSummary) -> Self {
        DescribeStreamSummaryOutput {
            stream_description_summary: StreamDescriptionSummary {
                stream_name: d.stream_name,
                stream_arn: d.stream_arn,
                stream_id: d.stream_id,
                stream_status: d.status.as_str(),
                stream_mode_details: StreamModeDetails {
                    stream_mode: d.mode.as_str(),
                },
                retention_period_hours: d.retention_period_hours,
                stream_creation_timestamp: Time(d.created),
                enhanced_monitoring: metrics(&d.shard_level_metrics),
                encryption_type: d.encryption_type.as_str(),
                key_id: d.key_id,
                open_shard_count: d.open_shard_count,
                consumer_count: d.consumer_count,
                warm_throughput: d.warm_throughput.map(|w| WarmThroughput {
                    target_mibps: w.target_mibps,
                    current_mibps: w.current_mibps,
                }),
                max_record_size_in_kib: d.max_record_size_kib,
            },
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamSummary {
    pub stream_name: String,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
    pub stream_status: &'static str,
    pub stream_mode_details: StreamModeDetails,
    pub stream_creation_timestamp: Time,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStreamsOutput {
    pub stream_names: Vec<String>,
    pub has_more_streams: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    pub stream_summaries: Vec<StreamSummary>,
}

impl From<engine::StreamList> for ListStreamsOutput {
    fn from(l: engine::StreamList) -> Self {
        ListStreamsOutput {
            stream_names: l.streams.iter().map(|s| s.stream_name.clone()).collect(),
            has_more_streams: l.has_more_streams,
            next_token: l.next_token,
            stream_summaries: l
                .streams
                .into_iter()
                .map(|s| StreamSummary {
                    stream_name: s.stream_name,
                    stream_arn: s.stream_arn,
                    stream_status: s.status.as_str(),
                    stream_mode_details: StreamModeDetails {
                        stream_mode: s.mode.as_str(),
                    },
                    stream_creation_timestamp: Time(s.created),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForStreamOutput {
    pub tags: Vec<Tag>,
    pub has_more_tags: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceOutput {
    pub tags: Vec<Tag>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MonitoringOutput {
    pub stream_name: String,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
    pub current_shard_level_metrics: Vec<&'static str>,
    pub desired_shard_level_metrics: Vec<&'static str>,
}

impl From<engine::MonitoringChange> for MonitoringOutput {
    fn from(m: engine::MonitoringChange) -> Self {
        MonitoringOutput {
            stream_name: m.stream_name,
            stream_arn: m.stream_arn,
            current_shard_level_metrics: m.current.iter().map(|x| x.as_str()).collect(),
            desired_shard_level_metrics: m.desired.iter().map(|x| x.as_str()).collect(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateShardCountOutput {
    pub stream_name: String,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
    pub current_shard_count: u32,
    pub target_shard_count: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WarmThroughputOutput {
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
    pub stream_name: String,
    pub warm_throughput: WarmThroughput,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordOutput {
    pub shard_id: String,
    pub sequence_number: String,
    pub encryption_type: &'static str,
}

/// One PutRecords entry: where the record went, or why not. Written straight into the
/// answer (shard id and 56-digit sequence number from stack buffers): a 500-record call
/// would otherwise make a thousand short-lived strings.
#[derive(Debug)]
pub enum PutRecordsResultEntry {
    Written {
        shard: u32,
        sequence: engine::SeqNum,
    },
    Failed {
        error_code: String,
        error_message: String,
    },
}

impl Serialize for PutRecordsResultEntry {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeStruct};
        let mut entry = s.serialize_struct("PutRecordsResultEntry", 2)?;
        match self {
            PutRecordsResultEntry::Written { shard, sequence } => {
                let digits = sequence.to_digits();
                let text = std::str::from_utf8(&digits).map_err(S::Error::custom)?;
                entry.serialize_field("SequenceNumber", text)?;
                let id = shard_id_bytes(*shard);
                let id = std::str::from_utf8(&id).map_err(S::Error::custom)?;
                entry.serialize_field("ShardId", id)?;
            }
            PutRecordsResultEntry::Failed {
                error_code,
                error_message,
            } => {
                entry.serialize_field("ErrorCode", error_code)?;
                entry.serialize_field("ErrorMessage", error_message)?;
            }
        }
        entry.end()
    }
}

/// PutRecords' answer. Not `Serialize` itself: the api layer writes its JSON form with
/// [`PutRecordsOutput::write_json`] and serializes [`PutRecordsOutput::document`] for CBOR.
#[derive(Debug)]
pub struct PutRecordsOutput {
    pub failed_record_count: u32,
    pub records: Vec<PutRecordsResultEntry>,
    pub encryption_type: &'static str,
}

/// PutRecords' answer as serde sees it (CBOR, and the reference `write_json` is tested
/// against).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordsDocument<'a> {
    pub failed_record_count: u32,
    pub records: &'a [PutRecordsResultEntry],
    pub encryption_type: &'static str,
}

impl PutRecordsOutput {
    pub fn document(&self) -> PutRecordsDocument<'_> {
        PutRecordsDocument {
            failed_record_count: self.failed_record_count,
            records: &self.records,
            encryption_type: self.encryption_type,
        }
    }

    /// The AWS JSON 1.1 answer, with the same members in the same order as `document`.
    /// Written entry by entry into one buffer because this is the hottest answer Kinesis
    /// gives (500 entries a call): sequence numbers and shard ids are digits and ASCII
    /// that need no escaping, so they skip serde_json's per-byte escape scan; failure
    /// codes and messages, which are free text, still go through serde_json.
    pub fn write_json(&self) -> Vec<u8> {
        const WRITTEN_ENTRY: usize =
            r#"{"SequenceNumber":"","ShardId":"shardId-000000000000"},"#.len() + SEQ_DIGITS;
        let mut out = Vec::with_capacity(96 + self.records.len() * WRITTEN_ENTRY);
        out.extend_from_slice(b"{\"FailedRecordCount\":");
        out.extend_from_slice(self.failed_record_count.to_string().as_bytes());
        out.extend_from_slice(b",\"Records\":[");
        for (i, entry) in self.records.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            match entry {
                PutRecordsResultEntry::Written { shard, sequence } => {
                    out.extend_from_slice(b"{\"SequenceNumber\":\"");
                    out.extend_from_slice(&sequence.to_digits());
                    out.extend_from_slice(b"\",\"ShardId\":\"");
                    out.extend_from_slice(&shard_id_bytes(*shard));
                    out.extend_from_slice(b"\"}");
                }
                PutRecordsResultEntry::Failed { .. } => {
                    // Free text: escaped by serde_json; writing to a Vec cannot fail.
                    let _ = serde_json::to_writer(&mut out, entry);
                }
            }
        }
        out.extend_from_slice(b"],\"EncryptionType\":");
        let _ = serde_json::to_writer(&mut out, self.encryption_type);
        out.push(b'}');
        out
    }
}

/// `shardId-` and the shard's number in 12 digits, without a `String`.
fn shard_id_bytes(shard: u32) -> [u8; 20] {
    let mut id = *b"shardId-000000000000";
    let mut n = shard;
    for slot in id[8..].iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
    id
}

impl From<engine::Appended> for PutRecordsOutput {
    fn from(appended: engine::Appended) -> Self {
        let mut failed = 0u32;
        let records = appended
            .entries()
            .map(|entry| match entry {
                Ok((shard, sequence)) => PutRecordsResultEntry::Written { shard, sequence },
                Err(err) => {
                    failed += 1;
                    PutRecordsResultEntry::Failed {
                        error_code: err.code().to_owned(),
                        error_message: err.message(),
                    }
                }
            })
            .collect();
        PutRecordsOutput {
            failed_record_count: failed,
            records,
            encryption_type: appended.encryption().as_str(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ShardIteratorOutput {
    pub shard_iterator: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Record {
    pub sequence_number: String,
    pub approximate_arrival_timestamp: Time,
    pub data: Blob,
    pub partition_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_type: Option<&'static str>,
}

impl From<engine::Record> for Record {
    fn from(r: engine::Record) -> Self {
        let encryption = r.encryption_type.as_str();
        Record {
            sequence_number: r.sequence_number,
            approximate_arrival_timestamp: Time(r.approximate_arrival),
            data: Blob(r.data),
            partition_key: r.partition_key,
            encryption_type: (encryption != "NONE").then_some(encryption),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChildShard {
    pub shard_id: String,
    pub parent_shards: Vec<String>,
    pub hash_key_range: HashKeyRange,
}

impl From<engine::ChildShard> for ChildShard {
    fn from(c: engine::ChildShard) -> Self {
        ChildShard {
            hash_key_range: (&c.hash_key_range).into(),
            shard_id: c.shard_id,
            parent_shards: c.parent_shards,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRecordsOutput {
    pub records: Vec<Record>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_shard_iterator: Option<String>,
    pub millis_behind_latest: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub child_shards: Vec<ChildShard>,
}

impl From<engine::RecordBatch> for GetRecordsOutput {
    fn from(o: engine::RecordBatch) -> Self {
        GetRecordsOutput {
            records: o.records.into_iter().map(Record::from).collect(),
            next_shard_iterator: o.next_shard_iterator,
            millis_behind_latest: o.millis_behind_latest,
            child_shards: o.child_shards.into_iter().map(ChildShard::from).collect(),
        }
    }
}

/// One `SubscribeToShardEvent` payload.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscribeToShardEvent {
    pub records: Vec<Record>,
    /// Absent once a closed shard has been read to its end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continuation_sequence_number: Option<String>,
    pub millis_behind_latest: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub child_shards: Vec<ChildShard>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListShardsOutput {
    pub shards: Vec<Shard>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Consumer {
    pub consumer_name: String,
    #[serde(rename = "ConsumerARN")]
    pub consumer_arn: String,
    pub consumer_status: &'static str,
    pub consumer_creation_timestamp: Time,
}

impl From<&engine::ConsumerDescription> for Consumer {
    fn from(c: &engine::ConsumerDescription) -> Self {
        Consumer {
            consumer_name: c.consumer_name.clone(),
            consumer_arn: c.consumer_arn.clone(),
            consumer_status: c.status.as_str(),
            consumer_creation_timestamp: Time(c.created),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegisterConsumerOutput {
    pub consumer: Consumer,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConsumerDescription {
    pub consumer_name: String,
    #[serde(rename = "ConsumerARN")]
    pub consumer_arn: String,
    pub consumer_status: &'static str,
    pub consumer_creation_timestamp: Time,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeConsumerOutput {
    pub consumer_description: ConsumerDescription,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListConsumersOutput {
    pub consumers: Vec<Consumer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeLimitsOutput {
    pub shard_limit: u32,
    pub open_shard_count: u32,
    pub on_demand_stream_count: u32,
    pub on_demand_stream_count_limit: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyOutput {
    pub policy: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Commitment {
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earliest_allowed_end_at: Option<Time>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountSettingsOutput {
    pub minimum_throughput_billing_commitment: Commitment,
}

impl From<engine::Commitment> for AccountSettingsOutput {
    fn from(c: engine::Commitment) -> Self {
        AccountSettingsOutput {
            minimum_throughput_billing_commitment: Commitment {
                status: c.status.as_str(),
                started_at: c.started_at.map(Time),
                ended_at: c.ended_at.map(Time),
                earliest_allowed_end_at: c.earliest_allowed_end_at.map(Time),
            },
        }
    }
}

#[cfg(test)]
mod put_records_tests {
    use super::*;
    use proptest::prelude::*;

    fn entry_strategy() -> impl Strategy<Value = PutRecordsResultEntry> {
        prop_oneof![
            (any::<u32>(), any::<u64>(), any::<u64>()).prop_map(|(shard, counter, epoch)| {
                PutRecordsResultEntry::Written {
                    shard,
                    sequence: engine::SeqNum {
                        counter,
                        shard,
                        epoch,
                    },
                }
            }),
            (".{0,20}", "\\PC{0,40}").prop_map(|(error_code, error_message)| {
                PutRecordsResultEntry::Failed {
                    error_code,
                    error_message,
                }
            }),
        ]
    }

    proptest! {
        /// The hand-written JSON answer says what serde would: same members, same values,
        /// escaping included.
        #[test]
        fn written_json_is_the_serde_document(
            records in proptest::collection::vec(entry_strategy(), 0..20),
            failed in any::<u32>(),
            kms in any::<bool>(),
        ) {
            let output = PutRecordsOutput {
                failed_record_count: failed,
                records,
                encryption_type: if kms { "KMS" } else { "NONE" },
            };
            let written: serde_json::Value =
                serde_json::from_slice(&output.write_json()).expect("valid JSON");
            let reference = serde_json::to_value(output.document()).expect("json");
            prop_assert_eq!(written, reference);
        }
    }

    #[test]
    fn entries_are_written_as_the_string_forms() {
        let sequence = engine::SeqNum {
            counter: 7,
            shard: 3,
            epoch: 1_700_000_000_000,
        };
        let written = serde_json::to_value(PutRecordsResultEntry::Written { shard: 3, sequence })
            .expect("json");
        assert_eq!(
            written,
            serde_json::json!({
                "SequenceNumber": sequence.to_text(),
                "ShardId": engine::shard_id(3),
            })
        );
        let failed = serde_json::to_value(PutRecordsResultEntry::Failed {
            error_code: "ProvisionedThroughputExceededException".into(),
            error_message: "Rate exceeded".into(),
        })
        .expect("json");
        assert_eq!(
            failed,
            serde_json::json!({
                "ErrorCode": "ProvisionedThroughputExceededException",
                "ErrorMessage": "Rate exceeded",
            })
        );
    }
}
