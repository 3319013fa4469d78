//! Input shapes shared by the fuzz targets: small stand-ins for the operation inputs of the
//! service crates (declared the same way: PascalCase names, `alias` for the flattened Query
//! key, `Option`s for required members, request-ordered maps through `sluice_wire::de`),
//! so that the Query tree, JSON and CBOR decoders meet every serde entry point they meet in
//! production without the fuzz crate depending on a service crate.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use sluice_wire::de::{entry_map, string_map, string_or_number};
use sluice_wire::{Payload, Protocol};

/// A message attribute value, as SQS and SNS read it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttrValue {
    #[serde(default, deserialize_with = "string_or_number")]
    pub string_value: Option<String>,
    pub binary_value: Option<String>,
    pub data_type: Option<String>,
    #[serde(default, alias = "StringListValue")]
    pub string_list_values: Vec<String>,
}

/// A batch entry: strings, an integer, an ordered map of structures.
#[derive(Debug, Deserialize)]
pub struct Entry {
    #[serde(rename = "Id")]
    pub id: Option<String>,
    #[serde(rename = "MessageBody")]
    pub message_body: Option<String>,
    #[serde(rename = "DelaySeconds")]
    pub delay_seconds: Option<i64>,
    #[serde(
        rename = "MessageAttributes",
        alias = "MessageAttribute",
        default,
        deserialize_with = "entry_map"
    )]
    pub message_attributes: Vec<(String, AttrValue)>,
}

/// A batch request: a list of structures under a flattened member name.
#[derive(Debug, Deserialize)]
pub struct Batch {
    #[serde(rename = "QueueUrl")]
    pub queue_url: Option<String>,
    #[serde(
        rename = "Entries",
        alias = "SendMessageBatchRequestEntry",
        alias = "PublishBatchRequestEntries",
        default
    )]
    pub entries: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
pub enum Kind {
    Standard,
    Fifo,
}

/// Every other scalar and container kind: a required string, numbers of several widths,
/// bool, enum, string list, hash and btree maps, a string-map helper, and nesting.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Mixed {
    pub name: String,
    pub count: Option<i64>,
    pub limit: Option<u32>,
    pub small: Option<i8>,
    pub ratio: Option<f64>,
    pub flag: Option<bool>,
    pub kind: Option<Kind>,
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default)]
    pub tags: HashMap<String, String>,
    #[serde(default)]
    pub counts: BTreeMap<String, i64>,
    #[serde(default, alias = "Attribute", deserialize_with = "string_map")]
    pub attributes: Vec<(String, String)>,
    pub nested: Option<Box<Mixed>>,
    pub pair: Option<(String, u16)>,
}

/// Decodes `payload` into every shape (and a few generic ones); errors are expected, panics
/// are not. Returns how many shapes decoded, to keep the work observable.
pub fn decode_all(protocol: Protocol, payload: &Payload) -> usize {
    use sluice_wire::de::decode_input;
    let mut ok = 0;
    ok += decode_input::<Batch>(protocol, payload).is_ok() as usize;
    ok += decode_input::<Entry>(protocol, payload).is_ok() as usize;
    ok += decode_input::<Mixed>(protocol, payload).is_ok() as usize;
    ok += decode_input::<AttrValue>(protocol, payload).is_ok() as usize;
    ok += decode_input::<serde_json::Value>(protocol, payload).is_ok() as usize;
    ok += decode_input::<HashMap<String, Vec<String>>>(protocol, payload).is_ok() as usize;
    ok += decode_input::<de::IgnoredAny>(protocol, payload).is_ok() as usize;
    ok
}

/// Binary data read from a CBOR byte string (or an array of bytes), written back as a byte
/// string: what `serde_bytes::ByteBuf` does, in a few lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ByteBuf(pub Vec<u8>);

impl Serialize for ByteBuf {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for ByteBuf {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ByteBuf;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ByteBuf, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(ByteBuf(out))
            }
        }
        d.deserialize_byte_buf(V)
    }
}

/// A Kinesis-like record (CBOR is Kinesis's encoding).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    #[serde(rename = "Data")]
    pub data: ByteBuf,
    #[serde(rename = "PartitionKey")]
    pub partition_key: String,
    #[serde(rename = "ExplicitHashKey", skip_serializing_if = "Option::is_none", default)]
    pub explicit_hash_key: Option<String>,
}

/// A Kinesis-like request: optional strings and integers, a blob, a list of structures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PutRecords {
    #[serde(rename = "StreamName", skip_serializing_if = "Option::is_none", default)]
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN", skip_serializing_if = "Option::is_none", default)]
    pub stream_arn: Option<String>,
    #[serde(rename = "Limit", skip_serializing_if = "Option::is_none", default)]
    pub limit: Option<u32>,
    #[serde(rename = "StartingSequenceNumber", skip_serializing_if = "Option::is_none", default)]
    pub sequence: Option<i64>,
    #[serde(rename = "Data", skip_serializing_if = "Option::is_none", default)]
    pub data: Option<ByteBuf>,
    #[serde(rename = "Records", default)]
    pub records: Vec<Record>,
    #[serde(rename = "Tags", default)]
    pub tags: BTreeMap<String, String>,
}
