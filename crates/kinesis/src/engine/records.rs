//! Writing records: PutRecord and PutRecords. A record goes to the open shard whose hash key
//! range holds its explicit hash key or the MD5 of its partition key, and gets the next
//! stream-wide counter as its sequence number.

use std::sync::Arc;

use super::journal::{AppendedRecord, AppendedRecords, Change};
use bytes::Bytes;
use sluice_core::Timestamp;

use super::error::{KinesisError, Violations};
use super::hashkey::{hash_key_shape_ok, parse_hash_key, partition_key_hash};
use super::names::{shard_id, StreamKey};
use super::registry::Registry;
use super::seqnum::{well_formed, SeqNum};
use super::stream::Stream;
use super::throttle::{WRITE_BYTES_PER_SEC, WRITE_RECORDS_PER_SEC};
use super::values::EncryptionType;

/// Entries one PutRecords call may carry.
pub const MAX_PUT_RECORDS: usize = 500;
/// Bytes (data + partition keys) one PutRecords call may carry.
pub const MAX_PUT_RECORDS_BYTES: u64 = 10 * 1024 * 1024;
/// Largest data blob the model allows.
pub(super) const MAX_DATA_BYTES: usize = 10 * 1024 * 1024;

/// One record to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutRecordEntry {
    pub partition_key: String,
    pub data: Bytes,
    pub explicit_hash_key: Option<String>,
}

/// Where a record went (PutRecord's output, less what the stream adds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub shard_id: String,
    pub sequence_number: String,
    pub encryption_type: EncryptionType,
}

/// One entry of PutRecords' result, in request order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryOutcome {
    Success {
        shard_id: String,
        sequence_number: String,
    },
    Failure {
        error_code: String,
        error_message: String,
    },
}

/// PutRecords' output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchOutcome {
    pub failed_record_count: u32,
    pub records: Vec<EntryOutcome>,
    pub encryption_type: EncryptionType,
}

/// The model's violations of one record's members, in the order AWS lists them
/// (partitionKey, explicitHashKey, data): PutRecord's (`index` None) or PutRecords' entry
/// `index` (0-based), whose members are `records.N.member.…`.
pub fn entry_violations(
    violations: &mut Violations,
    index: Option<usize>,
    partition_key: Option<&str>,
    data: Option<&[u8]>,
    explicit_hash_key: Option<&str>,
) {
    let member = |name: &str| match index {
        Some(i) => format!("records.{}.member.{name}", i + 1),
        None => name.to_owned(),
    };
    match partition_key {
        None => violations.null(&member("partitionKey")),
        Some(key) => {
            let chars = key.chars().count();
            if chars == 0 {
                violations.value(
                    &member("partitionKey"),
                    key,
                    "Member must have length greater than or equal to 1",
                );
            } else if chars > 256 {
                violations.value(
                    &member("partitionKey"),
                    key,
                    "Member must have length less than or equal to 256",
                );
            }
        }
    }
    if let Some(key) = explicit_hash_key.filter(|k| !hash_key_shape_ok(k)) {
        violations.value(
            &member("explicitHashKey"),
            key,
            "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
        );
    }
    match data {
        None => violations.null(&member("data")),
        Some(data) if data.len() > MAX_DATA_BYTES => violations.value(
            &member("data"),
            &format!("java.nio.HeapByteBuffer[pos=0 lim={0} cap={0}]", data.len()),
            &format!("Member must have length less than or equal to {MAX_DATA_BYTES}"),
        ),
        Some(_) => {}
    }
}

/// PutRecords' `records` member: present, 1 to 500 entries.
pub fn records_violations(violations: &mut Violations, count: Option<usize>) {
    match count {
        None => violations.null("records"),
        Some(0) => violations.value(
            "records",
            "[]",
            "Member must have length greater than or equal to 1",
        ),
        Some(n) if n > MAX_PUT_RECORDS => violations.value(
            "records",
            &format!("[{n} records]"),
            &format!("Member must have length less than or equal to {MAX_PUT_RECORDS}"),
        ),
        Some(_) => {}
    }
}

/// Checks one entry's members, then reads its explicit hash key (out of range is
/// InvalidArgument, after validation).
fn validate_entry(index: Option<usize>, e: &PutRecordEntry) -> Result<Option<u128>, KinesisError> {
    let mut violations = Violations::default();
    entry_violations(
        &mut violations,
        index,
        Some(&e.partition_key),
        Some(&e.data),
        e.explicit_hash_key.as_deref(),
    );
    violations.check()?;
    e.explicit_hash_key
        .as_deref()
        .map(|k| parse_hash_key("ExplicitHashKey", k))
        .transpose()
}

fn entry_size(e: &PutRecordEntry) -> u64 {
    (e.data.len() + e.partition_key.len()) as u64
}

/// InvalidArgument when a record is larger than the stream's maximum record size.
fn check_record_size(stream: &Stream, e: &PutRecordEntry) -> Result<(), KinesisError> {
    let max = u64::from(stream.max_record_size_kib) * 1024;
    let size = entry_size(e);
    if size <= max {
        return Ok(());
    }
    Err(KinesisError::InvalidArgument(format!(
        "Record size ({size} bytes, data and partition key) exceeds the maximum record size \
         of stream {} ({} KiB).",
        stream.key.name, stream.max_record_size_kib
    )))
}

/// A record checked and hashed: everything a write needs that no stream state decides, done
/// before (and outside) the engine's lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedRecord {
    entry: PutRecordEntry,
    hash: u128,
}

/// PutRecord's request-level checks, without the stream.
pub fn prepare_put_record(
    entry: PutRecordEntry,
    sequence_number_for_ordering: Option<&str>,
) -> Result<PreparedRecord, KinesisError> {
    let mut violations = Violations::default();
    if let Some(s) = sequence_number_for_ordering.filter(|s| !well_formed(s)) {
        violations.value(
            "sequenceNumberForOrdering",
            s,
            "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})",
        );
    }
    violations.check()?;
    let explicit = validate_entry(None, &entry)?;
    let hash = explicit.unwrap_or_else(|| partition_key_hash(&entry.partition_key));
    Ok(PreparedRecord { entry, hash })
}

/// PutRecords' request-level checks, without the stream: entry count, every entry's
/// members, the request's total size.
pub fn prepare_put_records(
    entries: Vec<PutRecordEntry>,
) -> Result<Vec<PreparedRecord>, KinesisError> {
    let mut violations = Violations::default();
    records_violations(&mut violations, Some(entries.len()));
    for (i, e) in entries.iter().enumerate() {
        entry_violations(
            &mut violations,
            Some(i),
            Some(&e.partition_key),
            Some(&e.data),
            e.explicit_hash_key.as_deref(),
        );
    }
    violations.check()?;
    let mut hashes = Vec::with_capacity(entries.len());
    for e in &entries {
        let explicit = e
            .explicit_hash_key
            .as_deref()
            .map(|k| parse_hash_key("ExplicitHashKey", k))
            .transpose()?;
        hashes.push(explicit.unwrap_or_else(|| partition_key_hash(&e.partition_key)));
    }
    let total: u64 = entries.iter().map(entry_size).sum();
    if total > MAX_PUT_RECORDS_BYTES {
        return Err(KinesisError::InvalidArgument(format!(
            "Records size ({total} bytes) exceeds the {MAX_PUT_RECORDS_BYTES} bytes (10 \
             MiB) limit of a PutRecords request."
        )));
    }
    Ok(entries
        .into_iter()
        .zip(hashes)
        .map(|(entry, hash)| PreparedRecord { entry, hash })
        .collect())
}

/// Where written records went, as numbers: the text (shard ids, 56-digit sequence numbers,
/// error messages) is made by `into_output`, after the lock is released.
#[derive(Debug)]
pub struct Appended {
    epoch: u64,
    encryption: EncryptionType,
    /// Per record in request order: `(shard index, counter)`, or why it was not written.
    results: Vec<Result<(u32, u64), KinesisError>>,
}

impl Appended {
    pub fn written(&self) -> usize {
        self.results.iter().filter(|r| r.is_ok()).count()
    }

    pub fn encryption(&self) -> EncryptionType {
        self.encryption
    }

    /// Per record in request order: its shard index and sequence number, or its error.
    pub fn entries(&self) -> impl Iterator<Item = Result<(u32, SeqNum), &KinesisError>> + '_ {
        self.results.iter().map(|result| match result {
            Ok((shard, counter)) => Ok((
                *shard,
                SeqNum {
                    counter: *counter,
                    shard: *shard,
                    epoch: self.epoch,
                },
            )),
            Err(err) => Err(err),
        })
    }

    fn text(&self, shard: u32, counter: u64) -> (String, String) {
        let seq = SeqNum {
            counter,
            shard,
            epoch: self.epoch,
        };
        (shard_id(shard), seq.to_text())
    }

    /// PutRecords' output.
    pub fn into_output(self) -> BatchOutcome {
        let mut failed = 0u32;
        let records = self
            .results
            .iter()
            .map(|result| match result {
                Ok((shard, counter)) => {
                    let (shard_id, sequence_number) = self.text(*shard, *counter);
                    EntryOutcome::Success {
                        shard_id,
                        sequence_number,
                    }
                }
                Err(err) => {
                    failed += 1;
                    EntryOutcome::Failure {
                        error_code: err.code().to_owned(),
                        error_message: err.message(),
                    }
                }
            })
            .collect();
        BatchOutcome {
            failed_record_count: failed,
            records,
            encryption_type: self.encryption,
        }
    }

    /// PutRecord's output: its one record, or why it was not written.
    pub fn into_single(self) -> Result<Placement, KinesisError> {
        let encryption_type = self.encryption;
        let first = self.results.first().cloned();
        match first {
            Some(Ok((shard, counter))) => {
                let (shard_id, sequence_number) = self.text(shard, counter);
                Ok(Placement {
                    shard_id,
                    sequence_number,
                    encryption_type,
                })
            }
            Some(Err(err)) => Err(err),
            None => Err(KinesisError::InvalidArgument("No record to write.".into())),
        }
    }
}

/// Appends one prepared record: `(shard index, counter)`, or the shard's throttling error.
fn append(
    stream: &mut Stream,
    record: PreparedRecord,
    throttling: bool,
    room: &mut u64,
    now: Timestamp,
    journaled: Option<&mut Vec<AppendedRecord>>,
) -> Result<(u32, u64), KinesisError> {
    let PreparedRecord { entry: e, hash } = record;
    let index = stream
        .shard_for(hash)
        .ok_or_else(|| KinesisError::stream_not_found(&stream.key.name, &stream.key.account))?;
    let size = entry_size(&e);
    let limits = (WRITE_RECORDS_PER_SEC, WRITE_BYTES_PER_SEC);
    let encryption = stream.encryption;
    let counter = stream.counter.saturating_add(1);
    // Disjoint fields, so the key is only read (not cloned) on the error paths.
    let (key, shards) = (&stream.key, &mut stream.shards);
    let shard = shards
        .get_mut(&index)
        .ok_or_else(|| KinesisError::stream_not_found(&key.name, &key.account))?;
    if throttling && !shard.writes.fits(now, 1, size, limits) {
        return Err(KinesisError::rate_exceeded(
            &shard_id(index),
            &key.name,
            &key.account,
        ));
    }
    if size > *room {
        return Err(KinesisError::retained_bytes_exceeded(
            &shard_id(index),
            &key.name,
            &key.account,
        ));
    }
    *room -= size;
    if throttling {
        shard.writes.record(now, 1, size);
    }
    stream.retained_bytes += size;
    shard
        .records
        .push(counter, now, &e.partition_key, &e.data, encryption);
    stream.counter = counter;
    if let Some(journaled) = journaled {
        journaled.push(AppendedRecord {
            shard: index,
            counter,
            partition_key: e.partition_key,
            data: e.data,
        });
    }
    Ok((index, counter))
}

impl Registry {
    /// Appends prepared records to the stream, in order: the only part of a write that
    /// needs the stream. Checks that need it (the stream exists and takes writes, each
    /// record's size against the stream's maximum) fail the whole call; throttling fails
    /// single records.
    pub fn append_records(
        &self,
        key: &StreamKey,
        records: Vec<PreparedRecord>,
        now: Timestamp,
    ) -> Result<Appended, KinesisError> {
        let throttling = self.throttling();
        self.with_cell(key, now, |cell, stream| {
            stream.require_readable()?;
            for record in &records {
                check_record_size(stream, &record.entry)?;
            }
            // Callers read the clock before taking the lock; arrival times within a stream
            // must still never go back.
            let now = now.max(stream.last_write);
            stream.last_write = now;
            let mut room = self.retained_room();
            let mut journaled = stream.journal.is_on().then(Vec::new);
            let results: Vec<_> = records
                .into_iter()
                .map(|record| {
                    append(
                        stream,
                        record,
                        throttling,
                        &mut room,
                        now,
                        journaled.as_mut(),
                    )
                })
                .collect();
            if let Some(records) = journaled.filter(|r| !r.is_empty()) {
                let encryption = stream.encryption;
                let arn = Arc::from(stream.key.arn());
                stream.journal.record(|| {
                    Change::RecordsAppended(Arc::new(AppendedRecords {
                        arn,
                        arrival: now,
                        encryption,
                        records,
                    }))
                });
            }
            let appended = Appended {
                epoch: stream.epoch(),
                encryption: stream.encryption,
                results,
            };
            if appended.written() > 0 {
                cell.written.notify_waiters();
            }
            Ok(appended)
        })
    }

    /// PutRecord. `sequence_number_for_ordering` is checked for shape only: sequence numbers
    /// here always increase, which is the ordering it asks for.
    pub fn put_record(
        &self,
        key: &StreamKey,
        entry: PutRecordEntry,
        sequence_number_for_ordering: Option<&str>,
        now: Timestamp,
    ) -> Result<Placement, KinesisError> {
        let record = prepare_put_record(entry, sequence_number_for_ordering)?;
        self.append_records(key, vec![record], now)?.into_single()
    }

    /// PutRecords: request-level checks fail the whole call; throttling fails single
    /// entries with `ProvisionedThroughputExceededException`.
    pub fn put_records(
        &self,
        key: &StreamKey,
        entries: Vec<PutRecordEntry>,
        now: Timestamp,
    ) -> Result<BatchOutcome, KinesisError> {
        let records = prepare_put_records(entries)?;
        Ok(self.append_records(key, records, now)?.into_output())
    }
}
