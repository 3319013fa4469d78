//! SNS in the SQLite file: one row per topic and per subscription (attributes and tags as
//! JSON), and the deduplication ids FIFO topics remember; read back into a fresh engine on
//! restore, where subscriptions re-derive their filter policies from their attributes.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rusqlite::{params, Connection, Transaction};
use serde_json::{json, Value};
use sluice_core::{AccountId, AttributeData, MessageAttribute, Region, Timestamp};
use sluice_sns::engine::{
    Accepted, Change, DeliveryProtocol, FifoFacts, HttpDelivery, Published, Subscription,
    SubscriptionSettings, TopicCell, TopicRecord, DEDUP_WINDOW_MS,
};
use sluice_sns::SnsService;

fn ms(t: Timestamp) -> i64 {
    i64::try_from(t.0).unwrap_or(i64::MAX)
}

/// The last FIFO sequence number per topic, written once per commit.
#[derive(Debug, Default)]
pub(super) struct Batch {
    last_sequence: HashMap<Arc<str>, u128>,
}

impl Batch {
    pub(super) fn apply(&mut self, tx: &Transaction<'_>, change: &Change) -> rusqlite::Result<()> {
        match change {
            Change::TopicSaved(topic) => {
                tx.prepare_cached(
                    "INSERT INTO sns_topic (arn, name, account, region, fifo, attributes, tags, data_protection_policy)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (arn) DO UPDATE SET attributes = excluded.attributes,
                        tags = excluded.tags, data_protection_policy = excluded.data_protection_policy",
                )?
                .execute(params![
                    &*topic.arn,
                    topic.name,
                    topic.account.as_str(),
                    topic.region.as_str(),
                    topic.fifo,
                    serde_json::to_string(&topic.attributes).unwrap_or_default(),
                    serde_json::to_string(&topic.tags).unwrap_or_default(),
                    topic.data_protection_policy,
                ])?;
            }
            Change::TopicDeleted { arn } => {
                for sql in [
                    "DELETE FROM sns_subscription WHERE topic_arn = ?1",
                    "DELETE FROM sns_dedup WHERE topic_arn = ?1",
                    "DELETE FROM sns_pending WHERE topic_arn = ?1",
                    "DELETE FROM sns_topic WHERE arn = ?1",
                ] {
                    tx.prepare_cached(sql)?.execute([&**arn])?;
                }
                self.last_sequence.remove(arn);
            }
            Change::SubscriptionSaved(sub) => {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO sns_subscription (arn, topic_arn, protocol, endpoint, owner, token, confirmed, attributes)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    &*sub.arn,
                    &*sub.topic_arn,
                    sub.protocol.as_str(),
                    sub.endpoint,
                    sub.owner.as_str(),
                    sub.token,
                    sub.confirmed,
                    serde_json::to_string(&sub.attributes).unwrap_or_default(),
                ])?;
            }
            Change::SubscriptionDeleted { arn } => {
                tx.prepare_cached("DELETE FROM sns_subscription WHERE arn = ?1")?
                    .execute([&**arn])?;
            }
            Change::Published { message, base_url } => {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO sns_pending (message_id, topic_arn, base_url, message) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![
                    message.message_id,
                    &*message.topic_arn,
                    &**base_url,
                    published_json(message).to_string(),
                ])?;
            }
            Change::FannedOut { message_id } => {
                tx.prepare_cached("DELETE FROM sns_pending WHERE message_id = ?1")?
                    .execute([message_id])?;
            }
            Change::HttpPending(delivery) => {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO sns_http_pending (id, delivery) VALUES (?1, ?2)",
                )?
                .execute(params![
                    delivery.id,
                    serde_json::to_string(&**delivery).unwrap_or_default()
                ])?;
            }
            Change::HttpDone { id } => {
                tx.prepare_cached("DELETE FROM sns_http_pending WHERE id = ?1")?
                    .execute([id])?;
            }
            Change::Deduplicated {
                topic_arn,
                deduplication_id,
                accepted,
                expires,
            } => {
                // Ids whose window is over by now are of no use any more.
                let now = expires.0.saturating_sub(DEDUP_WINDOW_MS);
                tx.prepare_cached("DELETE FROM sns_dedup WHERE topic_arn = ?1 AND expires <= ?2")?
                    .execute(params![&**topic_arn, now as i64])?;
                tx.prepare_cached(
                    "INSERT INTO sns_dedup (topic_arn, deduplication_id, message_id, sequence_number, expires)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![
                    &**topic_arn,
                    deduplication_id,
                    accepted.message_id,
                    accepted.sequence_number,
                    ms(*expires),
                ])?;
                if let Ok(number) = accepted.sequence_number.parse::<u128>() {
                    let last = self.last_sequence.entry(topic_arn.clone()).or_default();
                    *last = (*last).max(number);
                }
            }
        }
        Ok(())
    }

    pub(super) fn finish(self, tx: &Transaction<'_>) -> rusqlite::Result<()> {
        for (arn, last) in self.last_sequence {
            tx.prepare_cached("UPDATE sns_topic SET last_sequence_number = ?2 WHERE arn = ?1")?
                .execute(params![&*arn, last.to_string()])?;
        }
        Ok(())
    }
}

/// A published message as JSON (attributes in AWS's shape, binary values in base64).
fn published_json(m: &Published) -> Value {
    let attributes: Vec<Value> = m
        .attributes
        .iter()
        .map(|a| match &a.value {
            AttributeData::Text(text) => {
                json!({"Name": a.name, "DataType": a.data_type, "StringValue": text})
            }
            AttributeData::Binary(bytes) => {
                json!({"Name": a.name, "DataType": a.data_type, "BinaryValue": STANDARD.encode(bytes)})
            }
        })
        .collect();
    json!({
        "MessageId": m.message_id,
        "TopicArn": &*m.topic_arn,
        "Subject": m.subject,
        "Message": m.message,
        "PerProtocol": m.per_protocol,
        "Attributes": attributes,
        "Timestamp": m.timestamp.0,
        "Fifo": m.fifo.as_ref().map(|f| json!({
            "GroupId": f.group_id,
            "DeduplicationId": f.dedup_id,
            "SequenceNumber": f.sequence_number,
        })),
        "GroupId": m.group_id,
    })
}

fn published_from_json(v: &Value) -> Result<Published, String> {
    let text = |v: &Value, key: &str| -> Result<String, String> {
        v.get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("a pending message without {key}"))
    };
    let optional = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    let mut attributes = Vec::new();
    for a in v
        .get("Attributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let value = match (optional(a, "StringValue"), optional(a, "BinaryValue")) {
            (Some(s), _) => AttributeData::Text(s),
            (None, Some(b)) => {
                AttributeData::Binary(STANDARD.decode(b).map_err(|e| e.to_string())?)
            }
            (None, None) => return Err("a pending message's attribute without a value".into()),
        };
        attributes.push(MessageAttribute {
            name: text(a, "Name")?,
            data_type: text(a, "DataType")?,
            value,
        });
    }
    let per_protocol: Vec<(String, String)> =
        serde_json::from_value(v.get("PerProtocol").cloned().unwrap_or(Value::Null))
            .unwrap_or_default();
    let fifo = match v.get("Fifo").filter(|f| !f.is_null()) {
        Some(f) => Some(FifoFacts {
            group_id: text(f, "GroupId")?,
            dedup_id: text(f, "DeduplicationId")?,
            sequence_number: text(f, "SequenceNumber")?,
        }),
        None => None,
    };
    Ok(Published {
        message_id: text(v, "MessageId")?,
        topic_arn: Arc::from(text(v, "TopicArn")?),
        subject: optional(v, "Subject"),
        message: text(v, "Message")?,
        per_protocol,
        attributes,
        timestamp: Timestamp(v.get("Timestamp").and_then(Value::as_u64).unwrap_or(0)),
        fifo,
        group_id: optional(v, "GroupId"),
    })
}

/// HTTP deliveries that had not finished, to make again.
pub(crate) fn http_pending(conn: &Connection) -> Result<Vec<HttpDelivery>, String> {
    let sql = |e: rusqlite::Error| e.to_string();
    let mut statement = conn
        .prepare("SELECT delivery FROM sns_http_pending ORDER BY rowid")
        .map_err(sql)?;
    let mut rows = statement.query([]).map_err(sql)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(sql)? {
        let text: String = row.get(0).map_err(sql)?;
        out.push(serde_json::from_str(&text).map_err(|e| format!("an HTTP delivery: {e}"))?);
    }
    Ok(out)
}

/// Messages whose fan-out had not finished, to fan out again: `(message, base URL)`.
pub(crate) fn pending(conn: &Connection) -> Result<Vec<(Published, Arc<str>)>, String> {
    let sql = |e: rusqlite::Error| e.to_string();
    let mut statement = conn
        .prepare("SELECT message, base_url FROM sns_pending ORDER BY rowid")
        .map_err(sql)?;
    let mut rows = statement.query([]).map_err(sql)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(sql)? {
        let text: String = row.get(0).map_err(sql)?;
        let base_url: String = row.get(1).map_err(sql)?;
        let value: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        out.push((published_from_json(&value)?, Arc::from(base_url)));
    }
    Ok(out)
}

/// How much was restored.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Restored {
    pub(crate) topics: usize,
    pub(crate) subscriptions: usize,
}

/// Reads every stored topic, subscription and deduplication id into `sns`, whose registry
/// must be empty.
pub(crate) fn restore(
    conn: &Connection,
    sns: &SnsService,
    now: Timestamp,
) -> Result<Restored, String> {
    let sql = |e: rusqlite::Error| e.to_string();
    let registry = sns.registry();
    let mut restored = Restored::default();
    let mut topics = HashMap::new();
    let mut rows_of = conn
        .prepare("SELECT arn, name, account, region, fifo, attributes, tags, data_protection_policy, last_sequence_number FROM sns_topic")
        .map_err(sql)?;
    let mut rows = rows_of.query([]).map_err(sql)?;
    while let Some(row) = rows.next().map_err(sql)? {
        let arn: String = row.get(0).map_err(sql)?;
        let bad = |what: &str| format!("topic {arn}: {what}");
        let account: String = row.get(2).map_err(sql)?;
        let region: String = row.get(3).map_err(sql)?;
        let attributes: String = row.get(5).map_err(sql)?;
        let tags: String = row.get(6).map_err(sql)?;
        let record = TopicRecord {
            arn: Arc::from(arn.as_str()),
            name: row.get(1).map_err(sql)?,
            account: AccountId::parse(&account).ok_or_else(|| bad("bad account id"))?,
            region: Region::parse(&region).ok_or_else(|| bad("bad region"))?,
            fifo: row.get(4).map_err(sql)?,
            attributes: serde_json::from_str::<BTreeMap<String, String>>(&attributes)
                .map_err(|e| bad(&e.to_string()))?,
            tags: serde_json::from_str(&tags).map_err(|e| bad(&e.to_string()))?,
            data_protection_policy: row.get(7).map_err(sql)?,
        };
        let cell = registry.restore_topic(TopicCell::restore(record));
        if let Some(last) = row.get::<_, Option<String>>(8).map_err(sql)? {
            let last: u128 = last.parse().map_err(|_| bad("bad sequence number"))?;
            cell.lock().restore_sequence(last);
        }
        topics.insert(arn, cell);
        restored.topics += 1;
    }
    let mut rows_of = conn
        .prepare("SELECT arn, topic_arn, protocol, endpoint, owner, token, confirmed, attributes FROM sns_subscription ORDER BY rowid")
        .map_err(sql)?;
    let mut rows = rows_of.query([]).map_err(sql)?;
    while let Some(row) = rows.next().map_err(sql)? {
        let arn: String = row.get(0).map_err(sql)?;
        let bad = |what: &str| format!("subscription {arn}: {what}");
        let topic_arn: String = row.get(1).map_err(sql)?;
        let Some(topic) = topics.get(&topic_arn) else {
            return Err(bad("its topic is not stored"));
        };
        let protocol: String = row.get(2).map_err(sql)?;
        let protocol = DeliveryProtocol::parse(&protocol).ok_or_else(|| bad("bad protocol"))?;
        let owner: String = row.get(4).map_err(sql)?;
        let attributes: String = row.get(7).map_err(sql)?;
        let attributes: BTreeMap<String, String> =
            serde_json::from_str(&attributes).map_err(|e| bad(&e.to_string()))?;
        let settings = SubscriptionSettings::restore(
            protocol,
            topic.fifo,
            row.get(6).map_err(sql)?,
            &attributes,
        )
        .map_err(|e| bad(&e))?;
        let subscription = Subscription::new(
            Arc::from(arn.as_str()),
            topic.arn.clone(),
            protocol,
            row.get(3).map_err(sql)?,
            AccountId::parse(&owner).ok_or_else(|| bad("bad owner"))?,
            row.get(5).map_err(sql)?,
            settings,
        );
        registry.restore_subscription(Arc::new(subscription));
        restored.subscriptions += 1;
    }
    let mut rows_of = conn
        .prepare("SELECT topic_arn, deduplication_id, message_id, sequence_number, expires FROM sns_dedup ORDER BY topic_arn, expires")
        .map_err(sql)?;
    let mut rows = rows_of.query([]).map_err(sql)?;
    while let Some(row) = rows.next().map_err(sql)? {
        let topic_arn: String = row.get(0).map_err(sql)?;
        let Some(topic) = topics.get(&topic_arn) else {
            continue;
        };
        let expires: i64 = row.get(4).map_err(sql)?;
        topic.lock().restore_admission(
            row.get(1).map_err(sql)?,
            Accepted {
                message_id: row.get(2).map_err(sql)?,
                sequence_number: row.get(3).map_err(sql)?,
            },
            Timestamp(u64::try_from(expires).unwrap_or(0)),
            now,
        );
    }
    Ok(restored)
}
