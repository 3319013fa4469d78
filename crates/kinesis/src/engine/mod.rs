//! The Kinesis Data Streams engine: streams per (account, region, name) with lazily computed
//! statuses, shards over the 128-bit hash key space, records with AWS-shaped sequence
//! numbers, shard iterators, resharding, enhanced fan-out consumers, stored settings and
//! optional per-shard throughput limits. Synchronous state driven by a `now: Timestamp`
//! argument; no clock, no HTTP, no JSON. `Registry` is shared as is: each stream has its own
//! lock (`StreamCell`), so calls on different streams never wait on each other.

mod account;
mod codec;
mod consumer;
mod error;
mod fan_out;
mod hashkey;
mod iterator;
mod journal;
mod listing;
mod names;
mod reading;
mod records;
mod registry;
mod reshard;
mod resources;
mod seqnum;
mod settings;
mod shard;
mod shard_log;
mod snapshot;
mod stream;
mod throttle;
mod values;

#[cfg(test)]
mod tests;

pub use account::AccountSettings;
pub use account::{Commitment, CommitmentStatus, COMMITMENT_MIN_MS, MAX_WARM_THROUGHPUT_MIBPS};
pub use consumer::{ConsumerDescription, ConsumerRef, ConsumerStatus, MAX_CONSUMERS};
pub use error::{java_date, KinesisError, Violations};
pub use hashkey::{parse_hash_key, partition_key_hash, split_evenly, HashKeyRange};
pub use iterator::{ShardIterator, StartingPosition, ITERATOR_TTL_MS};
pub use journal::{
    AccountRecord, AppendedRecord, AppendedRecords, Change, ConsumerRecord, KinesisJournal,
    ShardRecord, StreamRecord,
};
pub use listing::{ListShards, ShardFilter, ShardList, NEXT_TOKEN_TTL_MS};
pub use names::{
    consumer_arn, name_violations, parse_consumer_arn, parse_shard_id, shard_id, stream_id,
    validate_name, StreamKey,
};
pub use reading::{RecordBatch, ShardRead, MAX_GET_RECORDS_BYTES};
pub use records::{
    entry_violations, prepare_put_record, prepare_put_records, records_violations, Appended,
    BatchOutcome, EntryOutcome, Placement, PreparedRecord, PutRecordEntry, MAX_PUT_RECORDS,
    MAX_PUT_RECORDS_BYTES,
};
pub use registry::{
    Config, CreateStream, Limits, Registry, StreamCell, StreamList, StreamSummary,
    DEFAULT_MAX_RETAINED_BYTES,
};
pub use reshard::{MAX_SCALINGS_PER_DAY, MAX_SHARDS_PER_STREAM};
pub use seqnum::{well_formed as well_formed_sequence_number, SeqNum, SEQ_DIGITS};
pub use settings::MonitoringChange;
pub use shard::{ChildShard, Record, ShardInfo};
pub use stream::{
    ShardMetric, StreamDescription, StreamDescriptionSummary, StreamMode, StreamStatus,
    WarmThroughput, DEFAULT_RETENTION_HOURS,
};
pub use throttle::{
    READ_BYTES_PER_SEC, READ_CALLS_PER_SEC, WRITE_BYTES_PER_SEC, WRITE_RECORDS_PER_SEC,
};
pub use values::{
    validate_max_record_size, validate_tags, EncryptionType, MAX_RETENTION_HOURS, MAX_TAGS,
    MIN_RETENTION_HOURS,
};
