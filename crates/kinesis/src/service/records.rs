//! Records and shards: PutRecord(s), shard iterators and GetRecords, ListShards, and
//! resharding (SplitShard, MergeShards, UpdateShardCount).

use super::{bounded, required, stream_key, KinesisService, RequestContext};
use crate::engine::{
    entry_violations, name_violations, prepare_put_record, prepare_put_records, records_violations,
    KinesisError, ListShards, PutRecordEntry, ShardFilter, StartingPosition, Violations,
};
use crate::model::input::*;
use crate::model::output::*;

/// The members of one record, all present (checked before).
fn entry(
    data: Option<crate::model::types::Blob>,
    partition_key: Option<String>,
    explicit_hash_key: Option<String>,
) -> PutRecordEntry {
    PutRecordEntry {
        data: data.map(|d| d.0).unwrap_or_default(),
        partition_key: partition_key.unwrap_or_default(),
        explicit_hash_key,
    }
}

impl KinesisService {
    pub async fn put_record(
        &self,
        ctx: &RequestContext,
        input: PutRecordInput,
    ) -> Result<PutRecordOutput, KinesisError> {
        // Every member's violations in one answer, in AWS's order, before the stream is
        // looked up.
        let mut violations = Violations::default();
        let ordering = input.sequence_number_for_ordering.as_deref();
        if let Some(s) = ordering.filter(|s| !crate::engine::well_formed_sequence_number(s)) {
            violations.value(
                "sequenceNumberForOrdering",
                s,
                "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})",
            );
        }
        entry_violations(
            &mut violations,
            None,
            input.partition_key.as_deref(),
            input.data.as_ref().map(|d| d.0.as_ref()),
            input.explicit_hash_key.as_deref(),
        );
        if let Some(name) = &input.stream_name {
            name_violations(&mut violations, "streamName", name);
        }
        violations.check()?;
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        let record = entry(input.data, input.partition_key, input.explicit_hash_key);
        // Hashing needs no stream: done before the lock, and the answer's text after it.
        let record = prepare_put_record(record, input.sequence_number_for_ordering.as_deref())?;
        let appended = self.with(|r, now| r.append_records(&key, vec![record], now))?;
        let out = appended.into_single()?;
        Ok(PutRecordOutput {
            shard_id: out.shard_id,
            sequence_number: out.sequence_number,
            encryption_type: out.encryption_type.as_str(),
        })
    }

    pub async fn put_records(
        &self,
        ctx: &RequestContext,
        input: PutRecordsInput,
    ) -> Result<PutRecordsOutput, KinesisError> {
        let mut violations = Violations::default();
        records_violations(&mut violations, input.records.as_ref().map(Vec::len));
        for (i, e) in input.records.iter().flatten().enumerate() {
            entry_violations(
                &mut violations,
                Some(i),
                e.partition_key.as_deref(),
                e.data.as_ref().map(|d| d.0.as_ref()),
                e.explicit_hash_key.as_deref(),
            );
        }
        if let Some(name) = &input.stream_name {
            name_violations(&mut violations, "streamName", name);
        }
        violations.check()?;
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        let entries = input
            .records
            .unwrap_or_default()
            .into_iter()
            .map(|e| entry(e.data, e.partition_key, e.explicit_hash_key))
            .collect();
        let records = prepare_put_records(entries)?;
        let appended = self.with(|r, now| r.append_records(&key, records, now))?;
        Ok(appended.into())
    }

    pub async fn get_shard_iterator(
        &self,
        ctx: &RequestContext,
        input: GetShardIteratorInput,
    ) -> Result<ShardIteratorOutput, KinesisError> {
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        let shard = required(input.shard_id, "shardId")?;
        let kind = required(input.shard_iterator_type, "shardIteratorType")?;
        let position = StartingPosition::from_request(
            &kind,
            input.starting_sequence_number.as_deref(),
            input.timestamp.map(|t| t.0),
        )?;
        let iterator = self.with(|r, now| r.get_shard_iterator(&key, &shard, &position, now))?;
        Ok(ShardIteratorOutput {
            shard_iterator: iterator,
        })
    }

    pub async fn get_records(
        &self,
        _ctx: &RequestContext,
        input: GetRecordsInput,
    ) -> Result<GetRecordsOutput, KinesisError> {
        // Both members' violations at once, and an iterator's length before it is decoded
        // (kinesalite's tests against Kinesis give the messages).
        let mut violations = Violations::default();
        match input.limit {
            Some(l) if l < 1 => violations.value(
                "limit",
                &l.to_string(),
                "Member must have value greater than or equal to 1",
            ),
            Some(l) if l > 10_000 => violations.value(
                "limit",
                &l.to_string(),
                "Member must have value less than or equal to 10000",
            ),
            _ => {}
        }
        match input.shard_iterator.as_deref() {
            None => violations.null("shardIterator"),
            Some("") => violations.value(
                "shardIterator",
                "",
                "Member must have length greater than or equal to 1",
            ),
            Some(text) if text.len() > 512 => violations.value(
                "shardIterator",
                text,
                "Member must have length less than or equal to 512",
            ),
            Some(_) => {}
        }
        violations.check()?;
        let iterator = input.shard_iterator.unwrap_or_default();
        let limit = bounded("limit", input.limit, 1, 10_000)?;
        self.with(|r, now| r.get_records(&iterator, limit, now))
            .map(GetRecordsOutput::from)
    }

    pub async fn list_shards(
        &self,
        ctx: &RequestContext,
        input: ListShardsInput,
    ) -> Result<ListShardsOutput, KinesisError> {
        let stream = match (&input.stream_name, &input.stream_arn) {
            (None, None) => None,
            (name, arn) => Some(stream_key(ctx, name.as_deref(), arn.as_deref())?),
        };
        if stream.is_none() && input.next_token.is_none() {
            return Err(KinesisError::InvalidArgument(
                "Either NextToken or StreamName should be provided.".into(),
            ));
        }
        let filter = match input.shard_filter {
            Some(f) => Some(ShardFilter::from_request(
                &required(f.filter_type, "shardFilter.type")?,
                f.shard_id.as_deref(),
                f.timestamp.map(|t| t.0),
            )?),
            None => None,
        };
        let request = ListShards {
            stream,
            next_token: input.next_token,
            exclusive_start_shard_id: input.exclusive_start_shard_id,
            max_results: bounded("maxResults", input.max_results, 1, 10_000)?,
            filter,
        };
        let list = self.with(|r, now| r.list_shards(request, now))?;
        Ok(ListShardsOutput {
            shards: list.shards.iter().map(Shard::from).collect(),
            next_token: list.next_token,
        })
    }

    pub async fn split_shard(
        &self,
        ctx: &RequestContext,
        input: SplitShardInput,
    ) -> Result<Empty, KinesisError> {
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        let shard = required(input.shard_to_split, "shardToSplit")?;
        let hash = required(input.new_starting_hash_key, "newStartingHashKey")?;
        self.with(|r, now| r.split_shard(&key, &shard, &hash, now))?;
        Ok(Empty {})
    }

    pub async fn merge_shards(
        &self,
        ctx: &RequestContext,
        input: MergeShardsInput,
    ) -> Result<Empty, KinesisError> {
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        let shard = required(input.shard_to_merge, "shardToMerge")?;
        let adjacent = required(input.adjacent_shard_to_merge, "adjacentShardToMerge")?;
        self.with(|r, now| r.merge_shards(&key, &shard, &adjacent, now))?;
        Ok(Empty {})
    }

    pub async fn update_shard_count(
        &self,
        ctx: &RequestContext,
        input: UpdateShardCountInput,
    ) -> Result<UpdateShardCountOutput, KinesisError> {
        let key = stream_key(
            ctx,
            input.stream_name.as_deref(),
            input.stream_arn.as_deref(),
        )?;
        let target = required(
            bounded(
                "targetShardCount",
                input.target_shard_count,
                1,
                i64::from(i32::MAX),
            )?,
            "targetShardCount",
        )?;
        let scaling = required(input.scaling_type, "scalingType")?;
        let (current, target) =
            self.with(|r, now| r.update_shard_count(&key, target, &scaling, now))?;
        Ok(UpdateShardCountOutput {
            stream_name: key.name.clone(),
            stream_arn: key.arn(),
            current_shard_count: current,
            target_shard_count: target,
        })
    }
}
