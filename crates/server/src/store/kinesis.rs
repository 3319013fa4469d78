//! Kinesis in the SQLite file: one row per stream holding its configuration as JSON, and one
//! row per shard per PutRecord(s) call holding that call's records packed into a blob (a
//! row per record would cost PutRecords of 500 records 500 inserts). Trimming deletes the
//! rows wholly before the cut; restore skips what retention has passed since.
//!
//! Blob layout, repeated per record: counter (8 bytes, big-endian), partition key length (4)
//! and bytes, data length (4) and bytes.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{params, Connection, Transaction};
use sluice_core::Timestamp;
use sluice_kinesis::engine::{
    AccountRecord, AppendedRecord, Change, EncryptionType, StreamKey, StreamRecord,
};
use sluice_kinesis::KinesisService;

fn pack(records: &[&AppendedRecord]) -> Vec<u8> {
    let size: usize = records
        .iter()
        .map(|r| 16 + r.partition_key.len() + r.data.len())
        .sum();
    let mut out = Vec::with_capacity(size);
    for r in records {
        out.extend_from_slice(&r.counter.to_be_bytes());
        out.extend_from_slice(&(r.partition_key.len() as u32).to_be_bytes());
        out.extend_from_slice(r.partition_key.as_bytes());
        out.extend_from_slice(&(r.data.len() as u32).to_be_bytes());
        out.extend_from_slice(&r.data);
    }
    out
}

/// One unpacked record: `(counter, partition key, data)`.
type Unpacked<'a> = (u64, &'a str, &'a [u8]);

/// The records of one blob.
fn unpack(mut blob: &[u8]) -> Result<Vec<Unpacked<'_>>, String> {
    fn take<'a>(blob: &mut &'a [u8], n: usize) -> Result<&'a [u8], String> {
        if blob.len() < n {
            return Err("a record blob is truncated".into());
        }
        let (head, rest) = blob.split_at(n);
        *blob = rest;
        Ok(head)
    }
    fn len(blob: &mut &[u8]) -> Result<usize, String> {
        let bytes: [u8; 4] = take(blob, 4)?.try_into().map_err(|_| "bad length")?;
        Ok(u32::from_be_bytes(bytes) as usize)
    }
    let mut out = Vec::new();
    while !blob.is_empty() {
        let counter: [u8; 8] = take(&mut blob, 8)?.try_into().map_err(|_| "bad counter")?;
        let key_len = len(&mut blob)?;
        let key = std::str::from_utf8(take(&mut blob, key_len)?)
            .map_err(|_| "a partition key is not UTF-8")?;
        let data_len = len(&mut blob)?;
        let data = take(&mut blob, data_len)?;
        out.push((u64::from_be_bytes(counter), key, data));
    }
    Ok(out)
}

fn counter(c: u64) -> i64 {
    i64::try_from(c).unwrap_or(i64::MAX)
}

pub(super) fn apply(tx: &Transaction<'_>, change: &Change) -> rusqlite::Result<()> {
    let save = |record: &StreamRecord| -> rusqlite::Result<()> {
        let arn = record.arn().unwrap_or_default();
        let config = serde_json::to_string(record).unwrap_or_default();
        tx.prepare_cached("INSERT OR REPLACE INTO kinesis_stream (arn, config) VALUES (?1, ?2)")?
            .execute(params![arn, config])?;
        Ok(())
    };
    match change {
        Change::StreamCreated(record) => {
            tx.prepare_cached("DELETE FROM kinesis_records WHERE stream = ?1")?
                .execute([record.arn().unwrap_or_default()])?;
            save(record)?;
        }
        Change::StreamSaved(record) => save(record)?,
        Change::StreamDeleted { arn } => {
            tx.prepare_cached("DELETE FROM kinesis_records WHERE stream = ?1")?
                .execute([&**arn])?;
            tx.prepare_cached("DELETE FROM kinesis_stream WHERE arn = ?1")?
                .execute([&**arn])?;
        }
        Change::RecordsAppended(appended) => {
            let mut by_shard: BTreeMap<u32, Vec<&AppendedRecord>> = BTreeMap::new();
            for record in &appended.records {
                by_shard.entry(record.shard).or_default().push(record);
            }
            let mut insert = tx.prepare_cached(
                "INSERT OR REPLACE INTO kinesis_records (stream, shard, first_counter, last_counter, arrival, encryption, payload)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for (shard, records) in by_shard {
                let (Some(first), Some(last)) = (records.first(), records.last()) else {
                    continue;
                };
                insert.execute(params![
                    &*appended.arn,
                    shard,
                    counter(first.counter),
                    counter(last.counter),
                    i64::try_from(appended.arrival.0).unwrap_or(i64::MAX),
                    appended.encryption.as_str(),
                    pack(&records),
                ])?;
            }
        }
        Change::AccountSaved(record) => {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO kinesis_account (account, region, settings) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![
                record.account,
                record.region,
                serde_json::to_string(&**record).unwrap_or_default()
            ])?;
        }
        Change::AccountsCleared => {
            tx.prepare_cached("DELETE FROM kinesis_account")?
                .execute([])?;
        }
        Change::Trimmed { arn, shard, below } => {
            tx.prepare_cached(
                "DELETE FROM kinesis_records WHERE stream = ?1 AND shard = ?2 AND last_counter < ?3",
            )?
            .execute(params![&**arn, shard, counter(*below)])?;
        }
    }
    Ok(())
}

/// How much was restored.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Restored {
    pub(crate) streams: usize,
    pub(crate) records: usize,
}

/// Reads every stored stream and its records into `kinesis`, whose registry must be empty,
/// then applies the time that passed (retention, status delays) as of `now`.
pub(crate) fn restore(
    conn: &Connection,
    kinesis: &KinesisService,
    now: Timestamp,
) -> Result<Restored, String> {
    let sql = |e: rusqlite::Error| e.to_string();
    let registry = kinesis.registry();
    let mut keys: HashMap<String, StreamKey> = HashMap::new();
    let mut restored = Restored::default();
    let mut streams = conn
        .prepare("SELECT arn, config FROM kinesis_stream")
        .map_err(sql)?;
    let mut rows = streams.query([]).map_err(sql)?;
    while let Some(row) = rows.next().map_err(sql)? {
        let arn: String = row.get(0).map_err(sql)?;
        let config: String = row.get(1).map_err(sql)?;
        let bad = |e: String| format!("stream {arn}: {e}");
        let record: StreamRecord = serde_json::from_str(&config).map_err(|e| bad(e.to_string()))?;
        registry.restore_stream(&record).map_err(bad)?;
        keys.insert(arn.clone(), record.key().map_err(bad)?);
        restored.streams += 1;
    }
    let mut records = conn
        .prepare("SELECT stream, shard, arrival, encryption, payload FROM kinesis_records ORDER BY stream, shard, first_counter")
        .map_err(sql)?;
    let mut rows = records.query([]).map_err(sql)?;
    while let Some(row) = rows.next().map_err(sql)? {
        let arn: String = row.get(0).map_err(sql)?;
        let Some(key) = keys.get(&arn) else {
            return Err(format!("records of stream {arn}, which is not stored"));
        };
        let shard: u32 = row.get(1).map_err(sql)?;
        let arrival: i64 = row.get(2).map_err(sql)?;
        let encryption: String = row.get(3).map_err(sql)?;
        let encryption = EncryptionType::parse(&encryption)
            .ok_or_else(|| format!("stream {arn}: unknown encryption {encryption}"))?;
        let payload = row
            .get_ref(4)
            .map_err(sql)?
            .as_blob()
            .map_err(|e| e.to_string())?;
        let unpacked = unpack(payload).map_err(|e| format!("stream {arn}: {e}"))?;
        restored.records += unpacked.len();
        registry
            .restore_records(
                key,
                shard,
                Timestamp(u64::try_from(arrival).unwrap_or(0)),
                encryption,
                unpacked,
            )
            .map_err(|e| format!("stream {arn}: {e}"))?;
    }
    let mut accounts = conn
        .prepare("SELECT settings FROM kinesis_account")
        .map_err(sql)?;
    let mut rows = accounts.query([]).map_err(sql)?;
    while let Some(row) = rows.next().map_err(sql)? {
        let text: String = row.get(0).map_err(sql)?;
        let record: AccountRecord =
            serde_json::from_str(&text).map_err(|e| format!("account settings: {e}"))?;
        registry
            .restore_account(&record)
            .map_err(|e| format!("account settings: {e}"))?;
    }
    registry.settle_restored(now);
    Ok(restored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_records_unpack_to_the_same_records() {
        let records = [
            AppendedRecord {
                shard: 0,
                counter: 7,
                partition_key: "k€y".into(),
                data: bytes::Bytes::from_static(b"\x00\x01data"),
            },
            AppendedRecord {
                shard: 0,
                counter: 9,
                partition_key: "p".into(),
                data: bytes::Bytes::new(),
            },
        ];
        let refs: Vec<&AppendedRecord> = records.iter().collect();
        let blob = pack(&refs);
        assert_eq!(
            unpack(&blob).expect("unpack"),
            vec![(7, "k€y", &b"\x00\x01data"[..]), (9, "p", &b""[..])]
        );
        assert!(unpack(&blob[..blob.len() - 1]).is_err(), "truncated");
    }
}
