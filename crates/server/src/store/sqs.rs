//! SQS in the SQLite file: change records applied as rows (one row per queue, message and
//! remembered deduplication id), and those rows read back into a fresh engine on restore.
//! Message attributes are stored as AWS's JSON shape, queue attributes and tags as JSON
//! objects, so the file reads well in any SQLite tool.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rusqlite::{params, Connection, Row, Transaction};
use serde_json::{Map, Value};
use sluice_core::{AccountId, AttributeData, Region, Timestamp};
use sluice_sqs::engine::{
    md5_of_body, AttributeValue, Change, DedupEntry, MessageAttributes, MessageContent,
    MessageState, MoveTaskRecord, QueueAttributes, QueueKey, QueueRecord, StoredMessage,
};
use sluice_sqs::SqsService;

/// What one commit does beyond its rows: the last FIFO sequence number per queue, written
/// once per commit rather than once per send.
#[derive(Debug, Default)]
pub(super) struct Batch {
    last_sequence: HashMap<u64, u128>,
    /// The highest message seq stored per queue in this commit.
    last_seq: HashMap<u64, u64>,
}

const STATE_DELAYED: i64 = 0;
const STATE_VISIBLE: i64 = 1;
const STATE_IN_FLIGHT: i64 = 2;

fn ms(t: Timestamp) -> i64 {
    i64::try_from(t.0).unwrap_or(i64::MAX)
}

fn ms_opt(t: Option<Timestamp>) -> Option<i64> {
    t.map(ms)
}

/// `(state, until, received_at)` columns.
fn state_columns(state: MessageState) -> (i64, Option<i64>, Option<i64>) {
    match state {
        MessageState::Delayed { until } => (STATE_DELAYED, Some(ms(until)), None),
        MessageState::Visible => (STATE_VISIBLE, None, None),
        MessageState::InFlight { received_at, until } => {
            (STATE_IN_FLIGHT, Some(ms(until)), Some(ms(received_at)))
        }
    }
}

fn attributes_json(attributes: &MessageAttributes) -> Option<String> {
    if attributes.is_empty() {
        return None;
    }
    let map: Map<String, Value> = attributes
        .iter()
        .map(|(name, value)| {
            let mut entry = Map::new();
            entry.insert("DataType".into(), Value::String(value.data_type.clone()));
            match &value.value {
                AttributeData::Text(text) => {
                    entry.insert("StringValue".into(), Value::String(text.clone()))
                }
                AttributeData::Binary(bytes) => {
                    entry.insert("BinaryValue".into(), Value::String(STANDARD.encode(bytes)))
                }
            };
            (name.clone(), Value::Object(entry))
        })
        .collect();
    Some(Value::Object(map).to_string())
}

fn attributes_from_json(text: &str) -> Result<MessageAttributes, String> {
    let Value::Object(map) = serde_json::from_str(text).map_err(|e| e.to_string())? else {
        return Err("message attributes are not a JSON object".into());
    };
    let mut attributes = MessageAttributes::new();
    for (name, entry) in map {
        let field = |key: &str| entry.get(key).and_then(Value::as_str);
        let data_type = field("DataType").ok_or("attribute without DataType")?;
        let value = match (field("StringValue"), field("BinaryValue")) {
            (Some(text), _) => AttributeData::Text(text.to_owned()),
            (None, Some(b64)) => {
                AttributeData::Binary(STANDARD.decode(b64).map_err(|e| e.to_string())?)
            }
            (None, None) => return Err(format!("attribute {name} has no value")),
        };
        attributes.insert(
            name,
            AttributeValue {
                data_type: data_type.to_owned(),
                value,
            },
        );
    }
    Ok(attributes)
}

impl Batch {
    pub(super) fn apply(&mut self, tx: &Transaction<'_>, change: &Change) -> rusqlite::Result<()> {
        match change {
            Change::QueueSaved(record) => {
                let attributes = serde_json::to_string(&record.attributes).unwrap_or_default();
                let tags = serde_json::to_string(&record.tags).unwrap_or_default();
                tx.prepare_cached(
                    "INSERT INTO sqs_queue (uid, account, region, name, attributes, tags, created_at, last_modified_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (uid) DO UPDATE SET attributes = excluded.attributes,
                        tags = excluded.tags, last_modified_at = excluded.last_modified_at",
                )?
                .execute(params![
                    record.uid as i64,
                    record.key.account.as_str(),
                    record.key.region.as_str(),
                    record.key.name,
                    attributes,
                    tags,
                    ms(record.created_at),
                    ms(record.last_modified_at),
                ])?;
            }
            Change::QueueDeleted { uid } => {
                let uid = *uid as i64;
                tx.prepare_cached("DELETE FROM sqs_message WHERE queue = ?1")?
                    .execute([uid])?;
                tx.prepare_cached("DELETE FROM sqs_dedup WHERE queue = ?1")?
                    .execute([uid])?;
                tx.prepare_cached("DELETE FROM sqs_queue WHERE uid = ?1")?
                    .execute([uid])?;
                self.last_sequence.remove(&(uid as u64));
                self.last_seq.remove(&(uid as u64));
            }
            Change::MessageStored { uid, message } => {
                let last = self.last_seq.entry(*uid).or_default();
                *last = (*last).max(message.seq);
                let content = &message.content;
                let (state, until, received_at) = state_columns(message.state);
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO sqs_message (queue, seq, message_id, body, attributes,
                        trace_header, group_id, sequence_number, deduplication_id, sender_id,
                        sent_at, enqueued_at, state, until, received_at, receive_count,
                        first_received_at, dead_letter_source_arn)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
                )?
                .execute(params![
                    *uid as i64,
                    message.seq as i64,
                    &content.id.to_be_bytes()[..],
                    &*content.body,
                    attributes_json(&content.attributes),
                    content.aws_trace_header.as_deref(),
                    content.message_group_id.as_deref(),
                    content.sequence_number.map(|n| n.to_string()),
                    content.deduplication_id.as_deref(),
                    &*content.sender_id,
                    ms(content.sent_at),
                    ms(message.enqueued_at),
                    state,
                    until,
                    received_at,
                    message.receive_count,
                    ms_opt(message.first_received_at),
                    message.dead_letter_source_arn.as_deref(),
                ])?;
            }
            Change::MessageUpdated {
                uid,
                seq,
                state,
                receive_count,
                first_received_at,
            } => {
                let (state, until, received_at) = state_columns(*state);
                tx.prepare_cached(
                    "UPDATE sqs_message SET state = ?3, until = ?4, received_at = ?5,
                        receive_count = ?6, first_received_at = ?7
                     WHERE queue = ?1 AND seq = ?2",
                )?
                .execute(params![
                    *uid as i64,
                    *seq as i64,
                    state,
                    until,
                    received_at,
                    receive_count,
                    ms_opt(*first_received_at),
                ])?;
            }
            Change::MessageDeleted { uid, seq } => {
                tx.prepare_cached("DELETE FROM sqs_message WHERE queue = ?1 AND seq = ?2")?
                    .execute(params![*uid as i64, *seq as i64])?;
            }
            Change::Purged { uid } => {
                tx.prepare_cached("DELETE FROM sqs_message WHERE queue = ?1")?
                    .execute([*uid as i64])?;
            }
            Change::Deduplicated { uid, entry } => {
                tx.prepare_cached(
                    "INSERT INTO sqs_dedup (queue, scope_group, deduplication_id, message_id, sequence_number, expires)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    *uid as i64,
                    entry.group.as_deref(),
                    &*entry.deduplication_id,
                    &entry.message_id.to_be_bytes()[..],
                    entry.sequence_number.to_string(),
                    ms(entry.expires),
                ])?;
                let last = self.last_sequence.entry(*uid).or_default();
                *last = (*last).max(entry.sequence_number);
            }
            Change::DedupExpired { uid, at } => {
                tx.prepare_cached("DELETE FROM sqs_dedup WHERE queue = ?1 AND expires <= ?2")?
                    .execute(params![*uid as i64, ms(*at)])?;
            }
            Change::MoveTaskSaved(task) => {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO sqs_move_task (handle, started_at, record) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![
                    task.handle,
                    i64::try_from(task.started_at).unwrap_or(i64::MAX),
                    serde_json::to_string(&**task).unwrap_or_default(),
                ])?;
            }
            Change::MoveTaskForgotten { handle } => {
                tx.prepare_cached("DELETE FROM sqs_move_task WHERE handle = ?1")?
                    .execute([handle])?;
            }
        }
        Ok(())
    }

    pub(super) fn finish(self, tx: &Transaction<'_>) -> rusqlite::Result<()> {
        for (uid, last) in self.last_sequence {
            tx.prepare_cached("UPDATE sqs_queue SET last_sequence_number = ?2 WHERE uid = ?1")?
                .execute(params![uid as i64, last.to_string()])?;
        }
        for (uid, last) in self.last_seq {
            tx.prepare_cached("UPDATE sqs_queue SET next_seq = max(next_seq, ?2) WHERE uid = ?1")?
                .execute(params![uid as i64, last as i64 + 1])?;
        }
        Ok(())
    }
}

/// How much was restored.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Restored {
    pub(crate) queues: usize,
    pub(crate) messages: usize,
}

fn timestamp(value: Option<i64>) -> Option<Timestamp> {
    value.and_then(|v| u64::try_from(v).ok()).map(Timestamp)
}

fn u128_text(text: Option<String>) -> Result<Option<u128>, String> {
    text.map(|t| {
        t.parse()
            .map_err(|_| format!("{t:?} is not a sequence number"))
    })
    .transpose()
}

fn id_bytes(bytes: Vec<u8>) -> Result<u128, String> {
    let bytes: [u8; 16] = bytes
        .try_into()
        .map_err(|_| "a message id is not 16 bytes".to_owned())?;
    Ok(u128::from_be_bytes(bytes))
}

/// Reads every stored queue, message and deduplication id into `sqs`, whose registry must
/// be empty. `now` decides which deduplication ids are still remembered.
pub(crate) fn restore(
    conn: &Connection,
    sqs: &SqsService,
    now: Timestamp,
) -> Result<Restored, String> {
    let sql = |e: rusqlite::Error| e.to_string();
    let registry = sqs.registry();
    let mut cells = HashMap::new();
    let mut last_sequences = Vec::new();
    let mut restored = Restored::default();
    let mut queues = conn
        .prepare("SELECT uid, account, region, name, attributes, tags, created_at, last_modified_at, last_sequence_number, next_seq FROM sqs_queue ORDER BY uid")
        .map_err(sql)?;
    let mut rows = queues.query([]).map_err(sql)?;
    while let Some(row) = rows.next().map_err(sql)? {
        let uid: i64 = row.get(0).map_err(sql)?;
        let (account, region, name): (String, String, String) = (
            row.get(1).map_err(sql)?,
            row.get(2).map_err(sql)?,
            row.get(3).map_err(sql)?,
        );
        let attributes: String = row.get(4).map_err(sql)?;
        let tags: String = row.get(5).map_err(sql)?;
        let bad = |what: &str| format!("queue {name} (uid {uid}): {what}");
        let key = QueueKey {
            account: AccountId::parse(&account).ok_or_else(|| bad("bad account id"))?,
            region: Region::parse(&region).ok_or_else(|| bad("bad region"))?,
            name: name.clone(),
        };
        let attributes: QueueAttributes =
            serde_json::from_str(&attributes).map_err(|e| bad(&e.to_string()))?;
        let tags: BTreeMap<String, String> =
            serde_json::from_str(&tags).map_err(|e| bad(&e.to_string()))?;
        let record = QueueRecord {
            uid: uid as u64,
            key,
            attributes,
            tags,
            created_at: timestamp(row.get(6).map_err(sql)?).unwrap_or_default(),
            last_modified_at: timestamp(row.get(7).map_err(sql)?).unwrap_or_default(),
        };
        let cell = registry.restore(record);
        let next_seq: i64 = row.get(9).map_err(sql)?;
        cell.lock().restore_next_seq(next_seq as u64);
        if let Some(last) = u128_text(row.get(8).map_err(sql)?)? {
            last_sequences.push((cell.clone(), last));
        }
        cells.insert(uid, cell);
        restored.queues += 1;
    }
    let mut messages = conn
        .prepare("SELECT queue, seq, message_id, body, attributes, trace_header, group_id, sequence_number, deduplication_id, sender_id, sent_at, enqueued_at, state, until, received_at, receive_count, first_received_at, dead_letter_source_arn FROM sqs_message ORDER BY queue, seq")
        .map_err(sql)?;
    let mut rows = messages.query([]).map_err(sql)?;
    while let Some(row) = rows.next().map_err(sql)? {
        let uid: i64 = row.get(0).map_err(sql)?;
        let Some(cell) = cells.get(&uid) else {
            return Err(format!("a message of queue uid {uid}, which is not stored"));
        };
        let message = message(row).map_err(|e| format!("queue uid {uid}: {e}"))?;
        cell.lock().restore_message(message);
        restored.messages += 1;
    }
    for (cell, last) in last_sequences {
        cell.lock().restore_sequence(last);
    }
    let mut dedup = conn
        .prepare("SELECT queue, scope_group, deduplication_id, message_id, sequence_number, expires FROM sqs_dedup ORDER BY queue, expires")
        .map_err(sql)?;
    let mut rows = dedup.query([]).map_err(sql)?;
    while let Some(row) = rows.next().map_err(sql)? {
        let uid: i64 = row.get(0).map_err(sql)?;
        let Some(cell) = cells.get(&uid) else {
            continue;
        };
        let entry = DedupEntry {
            group: row.get::<_, Option<String>>(1).map_err(sql)?.map(Arc::from),
            deduplication_id: row.get::<_, String>(2).map_err(sql)?.into(),
            message_id: id_bytes(row.get(3).map_err(sql)?)?,
            sequence_number: u128_text(row.get(4).map_err(sql)?)?.unwrap_or_default(),
            expires: timestamp(row.get(5).map_err(sql)?).unwrap_or_default(),
        };
        cell.lock().restore_dedup(entry, now);
    }
    let mut tasks = conn
        .prepare("SELECT record FROM sqs_move_task ORDER BY started_at, rowid")
        .map_err(sql)?;
    let mut rows = tasks.query([]).map_err(sql)?;
    while let Some(row) = rows.next().map_err(sql)? {
        let text: String = row.get(0).map_err(sql)?;
        let record: MoveTaskRecord =
            serde_json::from_str(&text).map_err(|e| format!("a move task: {e}"))?;
        sqs.restore_move_task(record)?;
    }
    Ok(restored)
}

fn message(row: &Row<'_>) -> Result<StoredMessage, String> {
    let sql = |e: rusqlite::Error| e.to_string();
    let body: String = row.get(3).map_err(sql)?;
    let attributes = match row.get::<_, Option<String>>(4).map_err(sql)? {
        Some(text) => attributes_from_json(&text)?,
        None => MessageAttributes::new(),
    };
    let until = timestamp(row.get(13).map_err(sql)?).unwrap_or_default();
    let state = match row.get::<_, i64>(12).map_err(sql)? {
        STATE_DELAYED => MessageState::Delayed { until },
        STATE_VISIBLE => MessageState::Visible,
        STATE_IN_FLIGHT => MessageState::InFlight {
            received_at: timestamp(row.get(14).map_err(sql)?).unwrap_or_default(),
            until,
        },
        other => return Err(format!("unknown message state {other}")),
    };
    let content = MessageContent {
        id: id_bytes(row.get(2).map_err(sql)?)?,
        md5_of_body: md5_of_body(&body),
        body: body.into(),
        attributes,
        aws_trace_header: row
            .get::<_, Option<String>>(5)
            .map_err(sql)?
            .map(Into::into),
        message_group_id: row.get::<_, Option<String>>(6).map_err(sql)?.map(Arc::from),
        sequence_number: u128_text(row.get(7).map_err(sql)?)?,
        deduplication_id: row
            .get::<_, Option<String>>(8)
            .map_err(sql)?
            .map(Into::into),
        sender_id: Arc::from(row.get::<_, String>(9).map_err(sql)?),
        sent_at: timestamp(row.get(10).map_err(sql)?).unwrap_or_default(),
    };
    Ok(StoredMessage {
        seq: row.get::<_, i64>(1).map_err(sql)? as u64,
        content: Arc::new(content),
        enqueued_at: timestamp(row.get(11).map_err(sql)?).unwrap_or_default(),
        state,
        receive_count: row.get(15).map_err(sql)?,
        first_received_at: timestamp(row.get(16).map_err(sql)?),
        dead_letter_source_arn: row
            .get::<_, Option<String>>(17)
            .map_err(sql)?
            .map(Arc::from),
    })
}
