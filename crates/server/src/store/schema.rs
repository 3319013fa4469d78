//! The SQLite file's schema and its version. Versions only move forward: each migration
//! takes a file from version N to N + 1 inside one transaction, and a file written by a newer
//! Sluice (a version this build does not know) is refused rather than misread. Every released
//! version has a fixture in `tests/fixtures/` (`data-dir-vN.sql`) that the end-to-end suite
//! restores; a schema change adds a migration here and keeps those fixtures passing.

use rusqlite::{Connection, OptionalExtension};

/// The schema this build writes.
pub(crate) const VERSION: u32 = 2;

/// Version 1: SQS queues, messages and FIFO deduplication ids; SNS topics, subscriptions
/// and FIFO deduplication ids; Kinesis streams and records.
const V1: &str = "
CREATE TABLE sqs_queue (
    uid INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    attributes TEXT NOT NULL,
    tags TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_modified_at INTEGER NOT NULL,
    -- The next message seq: seqs (and so receipt handles) never repeat within a queue.
    next_seq INTEGER NOT NULL DEFAULT 0,
    last_sequence_number TEXT
);
CREATE TABLE sqs_message (
    queue INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    message_id BLOB NOT NULL,
    body TEXT NOT NULL,
    attributes TEXT,
    trace_header TEXT,
    group_id TEXT,
    sequence_number TEXT,
    deduplication_id TEXT,
    sender_id TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    enqueued_at INTEGER NOT NULL,
    state INTEGER NOT NULL,
    until INTEGER,
    received_at INTEGER,
    receive_count INTEGER NOT NULL,
    first_received_at INTEGER,
    dead_letter_source_arn TEXT,
    PRIMARY KEY (queue, seq)
);
CREATE TABLE sqs_dedup (
    queue INTEGER NOT NULL,
    scope_group TEXT,
    deduplication_id TEXT NOT NULL,
    message_id BLOB NOT NULL,
    sequence_number TEXT NOT NULL,
    expires INTEGER NOT NULL
);
CREATE INDEX sqs_dedup_by_expiry ON sqs_dedup (queue, expires);
CREATE TABLE sns_topic (
    arn TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    fifo INTEGER NOT NULL,
    attributes TEXT NOT NULL,
    tags TEXT NOT NULL,
    data_protection_policy TEXT,
    last_sequence_number TEXT
);
CREATE TABLE sns_subscription (
    arn TEXT PRIMARY KEY,
    topic_arn TEXT NOT NULL,
    protocol TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    owner TEXT NOT NULL,
    token TEXT NOT NULL,
    confirmed INTEGER NOT NULL,
    attributes TEXT NOT NULL
);
CREATE TABLE sns_dedup (
    topic_arn TEXT NOT NULL,
    deduplication_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sequence_number TEXT NOT NULL,
    expires INTEGER NOT NULL
);
CREATE INDEX sns_dedup_by_expiry ON sns_dedup (topic_arn, expires);
CREATE TABLE kinesis_stream (
    arn TEXT PRIMARY KEY,
    config TEXT NOT NULL
);
CREATE TABLE kinesis_records (
    stream TEXT NOT NULL,
    shard INTEGER NOT NULL,
    first_counter INTEGER NOT NULL,
    last_counter INTEGER NOT NULL,
    arrival INTEGER NOT NULL,
    encryption TEXT NOT NULL,
    payload BLOB NOT NULL,
    PRIMARY KEY (stream, shard, first_counter)
);
";

/// Version 2: SQS message move tasks; SNS messages whose fan-out has not finished and HTTP
/// deliveries still being made; Kinesis account settings.
const V2: &str = "
CREATE TABLE sqs_move_task (
    handle TEXT PRIMARY KEY,
    started_at INTEGER NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE sns_pending (
    message_id TEXT PRIMARY KEY,
    topic_arn TEXT NOT NULL,
    base_url TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE TABLE sns_http_pending (
    id TEXT PRIMARY KEY,
    delivery TEXT NOT NULL
);
CREATE TABLE kinesis_account (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    settings TEXT NOT NULL,
    PRIMARY KEY (account, region)
);
";

/// Migrations by the version they produce: `MIGRATIONS[0]` makes version 1.
const MIGRATIONS: &[&str] = &[V1, V2];

/// Brings the file to [`VERSION`], or says why it cannot.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), String> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    )
    .map_err(|e| e.to_string())?;
    let found = version(conn)?;
    if found > VERSION {
        return Err(format!(
            "it was written by a newer Sluice (schema version {found}; this build knows up to {VERSION}); run that version or a newer one"
        ));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let to = index as u32 + 1;
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        tx.execute_batch(sql)
            .and_then(|()| {
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [to.to_string()],
                )
            })
            .and_then(|_| tx.commit())
            .map_err(|e| format!("migration to schema version {to} failed: {e}"))?;
    }
    Ok(())
}

/// The file's schema version; 0 for a new file.
pub(crate) fn version(conn: &Connection) -> Result<u32, String> {
    let text: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |row| row.get(0),
        )
        .optional()
        .map_err(|e| e.to_string())?;
    match text {
        None => Ok(0),
        Some(text) => text
            .parse()
            .map_err(|_| format!("its schema version {text:?} is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_gets_the_current_version_and_a_newer_one_is_refused() {
        let mut conn = Connection::open_in_memory().expect("open");
        migrate(&mut conn).expect("migrate");
        assert_eq!(version(&conn), Ok(VERSION));
        migrate(&mut conn).expect("idempotent");
        conn.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'schema_version'",
            [(VERSION + 1).to_string()],
        )
        .expect("bump");
        let err = migrate(&mut conn).expect_err("newer");
        assert!(err.contains("written by a newer Sluice"), "{err}");
    }
}
