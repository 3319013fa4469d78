//! AWS Query decoding. Flattened form keys (`Attribute.1.Name`, `AttributeName.2`,
//! `MessageAttribute.1.Value.StringValue`, `Attributes.entry.1.key`, `Names.member.3`) become a
//! tree, and the tree is a serde `Deserializer`, so the input structs of the JSON protocol
//! read Query requests too. The generic rules:
//! - a branch whose keys are all numbers is a list, in numeric order;
//! - a sole `member` or `entry` child is unwrapped (non-flattened lists and maps);
//! - a list of `{Name|Key|key|name, Value|value}` read as a map becomes that map;
//! - leaves are strings, parsed on demand into the number or bool a field asks for.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

/// One node of a decoded Query request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryNode {
    Leaf(String),
    Branch(BTreeMap<String, QueryNode>),
}

/// A Query request that cannot be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError(pub String);

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QueryError {}

impl de::Error for QueryError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        QueryError(msg.to_string())
    }
}

impl QueryNode {
    /// Builds the tree from decoded `(key, value)` pairs. The first occurrence of a key wins.
    pub fn from_pairs<'a, I>(pairs: I) -> Result<QueryNode, QueryError>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let mut root = BTreeMap::new();
        for (key, value) in pairs {
            if key.is_empty() {
                continue;
            }
            insert(&mut root, key, value)?;
        }
        Ok(QueryNode::Branch(root))
    }

    /// Decodes an `application/x-www-form-urlencoded` body or URL query string, strictly:
    /// a key or value that is not UTF-8 once percent-decoded is an error, not a silent
    /// replacement character in a message body.
    pub fn parse_form(bytes: &[u8], into: &mut Vec<(String, String)>) -> Result<(), QueryError> {
        for pair in bytes.split(|&b| b == b'&') {
            if pair.is_empty() {
                continue;
            }
            let (key, value) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &[][..]),
            };
            into.push((percent_decode(key)?, percent_decode(value)?));
        }
        Ok(())
    }

    /// The leaf at a top-level key, if any.
    pub fn get(&self, key: &str) -> Option<&str> {
        match self {
            QueryNode::Branch(map) => match map.get(key)? {
                QueryNode::Leaf(s) => Some(s),
                QueryNode::Branch(_) => None,
            },
            QueryNode::Leaf(_) => None,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            QueryNode::Leaf(_) => "a value",
            QueryNode::Branch(_) => "a structure",
        }
    }
}

fn percent_decode(raw: &[u8]) -> Result<String, QueryError> {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                raw.get(i + 1).and_then(|&b| hex(b)),
                raw.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                // A lone '%' stays literal, as form decoders in browsers and SDKs do.
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| QueryError("Query string is not valid UTF-8".into()))
}

fn insert(map: &mut BTreeMap<String, QueryNode>, key: &str, value: &str) -> Result<(), QueryError> {
    let (head, rest) = match key.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (key, None),
    };
    if head.is_empty() {
        return Err(QueryError(format!("Malformed parameter name {key}")));
    }
    match rest {
        None => match map.get(head) {
            Some(QueryNode::Branch(_)) => Err(QueryError(format!(
                "Parameter {head} is both a value and a structure"
            ))),
            Some(QueryNode::Leaf(_)) => Ok(()),
            None => {
                map.insert(head.to_owned(), QueryNode::Leaf(value.to_owned()));
                Ok(())
            }
        },
        Some(rest) => {
            let child = map
                .entry(head.to_owned())
                .or_insert_with(|| QueryNode::Branch(BTreeMap::new()));
            match child {
                QueryNode::Branch(inner) => insert(inner, rest, value),
                QueryNode::Leaf(_) => Err(QueryError(format!(
                    "Parameter {head} is both a value and a structure"
                ))),
            }
        }
    }
}

/// Children of a branch read as a list: a sole `member` child is unwrapped, numeric keys are
/// ordered by value; a single leaf is a one-element list.
fn list_items(node: &QueryNode) -> Result<Vec<&QueryNode>, QueryError> {
    match node {
        QueryNode::Leaf(_) => Ok(vec![node]),
        QueryNode::Branch(map) => {
            if let (1, Some(inner)) = (map.len(), map.get("member")) {
                return list_items(inner);
            }
            let mut items = Vec::with_capacity(map.len());
            for (k, v) in map {
                let index: u32 = k
                    .parse()
                    .map_err(|_| QueryError(format!("Expected a list index, found {k}")))?;
                items.push((index, v));
            }
            items.sort_by_key(|(i, _)| *i);
            Ok(items.into_iter().map(|(_, v)| v).collect())
        }
    }
}

/// Children of a branch read as a map: a sole `entry` child is unwrapped; a list of
/// key/value entries becomes a map; otherwise the children themselves.
fn map_entries(node: &QueryNode) -> Result<Vec<(&str, &QueryNode)>, QueryError> {
    let QueryNode::Branch(map) = node else {
        return Err(QueryError(format!("Expected a map, found {}", node.kind())));
    };
    if let (1, Some(inner)) = (map.len(), map.get("entry")) {
        return map_entries(inner);
    }
    let numeric = !map.is_empty() && map.keys().all(|k| k.bytes().all(|b| b.is_ascii_digit()));
    if !numeric {
        return Ok(map.iter().map(|(k, v)| (k.as_str(), v)).collect());
    }
    let mut out = Vec::with_capacity(map.len());
    for item in list_items(node)? {
        let QueryNode::Branch(fields) = item else {
            return Err(QueryError("Expected a map entry".into()));
        };
        let key = ["Name", "Key", "name", "key"]
            .iter()
            .find_map(|k| match fields.get(*k) {
                Some(QueryNode::Leaf(s)) => Some(s.as_str()),
                _ => None,
            })
            .ok_or_else(|| QueryError("Map entry without a name".into()))?;
        let value = fields
            .get("Value")
            .or_else(|| fields.get("value"))
            .ok_or_else(|| QueryError(format!("Map entry {key} without a value")))?;
        out.push((key, value));
    }
    Ok(out)
}

macro_rules! parse_leaf {
    ($($method:ident => $visit:ident: $ty:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
            let s = self.leaf()?;
            let parsed: $ty = s.trim().parse().map_err(|_| {
                QueryError(format!("Value {s} is not a valid {}", stringify!($ty)))
            })?;
            visitor.$visit(parsed)
        }
    )*};
}

impl<'de> QueryNode {
    fn leaf(&'de self) -> Result<&'de str, QueryError> {
        match self {
            QueryNode::Leaf(s) => Ok(s),
            QueryNode::Branch(_) => Err(QueryError("Expected a value, found a structure".into())),
        }
    }
}

impl<'de> de::Deserializer<'de> for &'de QueryNode {
    type Error = QueryError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        match self {
            QueryNode::Leaf(s) => visitor.visit_borrowed_str(s),
            QueryNode::Branch(_) => self.deserialize_map(visitor),
        }
    }

    parse_leaf! {
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
        deserialize_f32 => visit_f32: f32,
        deserialize_f64 => visit_f64: f64,
        deserialize_char => visit_char: char,
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        match self.leaf()? {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            other => Err(QueryError(format!("Value {other} is not a valid boolean"))),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        visitor.visit_borrowed_str(self.leaf()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        visitor.visit_borrowed_str(self.leaf()?)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        visitor.visit_borrowed_bytes(self.leaf()?.as_bytes())
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        visitor.visit_seq(Items(list_items(self)?.into_iter()))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        visitor.visit_map(Entries {
            entries: map_entries(self)?.into_iter(),
            value: None,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        let QueryNode::Branch(map) = self else {
            return Err(QueryError("Expected a structure, found a value".into()));
        };
        visitor.visit_map(Entries {
            entries: map
                .iter()
                .map(|(k, v)| (k.as_str(), v))
                .collect::<Vec<_>>()
                .into_iter(),
            value: None,
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        visitor.visit_enum(self.leaf()?.into_deserializer())
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        visitor.visit_unit()
    }
}

struct Items<'de>(std::vec::IntoIter<&'de QueryNode>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = QueryError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, QueryError> {
        self.0.next().map(|node| seed.deserialize(node)).transpose()
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'de> {
    entries: std::vec::IntoIter<(&'de str, &'de QueryNode)>,
    value: Option<&'de QueryNode>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = QueryError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, QueryError> {
        match self.entries.next() {
            None => Ok(None),
            Some((key, value)) => {
                self.value = Some(value);
                let key: de::value::BorrowedStrDeserializer<'de, QueryError> =
                    de::value::BorrowedStrDeserializer::new(key);
                seed.deserialize(key).map(Some)
            }
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, QueryError> {
        let value = self
            .value
            .take()
            .ok_or_else(|| QueryError("value requested before key".into()))?;
        seed.deserialize(value)
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::HashMap;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    struct AttrValue {
        data_type: String,
        string_value: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Input {
        #[serde(rename = "QueueName")]
        queue_name: String,
        #[serde(rename = "Attributes", alias = "Attribute", default)]
        attributes: HashMap<String, String>,
        #[serde(rename = "AttributeNames", alias = "AttributeName", default)]
        attribute_names: Vec<String>,
        #[serde(rename = "MessageAttributes", alias = "MessageAttribute", default)]
        message_attributes: HashMap<String, AttrValue>,
        #[serde(rename = "MaxNumberOfMessages")]
        max: Option<i32>,
        #[serde(rename = "Flag", default)]
        flag: bool,
    }

    fn tree(q: &str) -> QueryNode {
        let mut pairs = Vec::new();
        QueryNode::parse_form(q.as_bytes(), &mut pairs).expect("form");
        QueryNode::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).expect("tree")
    }

    #[test]
    fn flattened_lists_and_maps_read_as_json_shapes() {
        let t = tree(
            "Action=X&QueueName=q%20a&Attribute.2.Name=B&Attribute.2.Value=2&Attribute.1.Name=A&Attribute.1.Value=1\
             &AttributeName.10=Z&AttributeName.2=Y&AttributeName.1=X\
             &MessageAttribute.1.Name=n&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v\
             &MaxNumberOfMessages=7&Flag=true",
        );
        let input = Input::deserialize(&t).expect("decodes");
        assert_eq!(input.queue_name, "q a");
        assert_eq!(input.attributes.get("A").map(String::as_str), Some("1"));
        assert_eq!(input.attributes.get("B").map(String::as_str), Some("2"));
        assert_eq!(input.attribute_names, vec!["X", "Y", "Z"]);
        assert_eq!(
            input.message_attributes["n"],
            AttrValue {
                data_type: "String".into(),
                string_value: Some("v".into())
            }
        );
        assert_eq!(input.max, Some(7));
        assert!(input.flag);
    }

    #[test]
    fn member_and_entry_wrappers_are_unwrapped() {
        let t = tree(
            "QueueName=q&AttributeNames.member.1=All&Attributes.entry.1.key=k&Attributes.entry.1.value=v",
        );
        let input = Input::deserialize(&t).expect("decodes");
        assert_eq!(input.attribute_names, vec!["All"]);
        assert_eq!(input.attributes["k"], "v");
    }

    #[test]
    fn bad_numbers_and_shape_conflicts_are_errors_not_panics() {
        let t = tree("QueueName=q&MaxNumberOfMessages=ten");
        let err = Input::deserialize(&t).expect_err("not a number");
        assert!(err.0.contains("ten"), "{err}");
        let mut pairs = Vec::new();
        QueryNode::parse_form(b"A=1&A.1=2", &mut pairs).expect("form");
        assert!(
            QueryNode::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).is_err()
        );
        let t = tree("QueueName.1=q");
        assert!(Input::deserialize(&t).is_err());
        let t = tree("QueueName=q&AttributeName.x=1");
        assert!(Input::deserialize(&t).is_err());
    }

    #[test]
    fn invalid_utf8_is_rejected() {
        let mut pairs = Vec::new();
        assert!(QueryNode::parse_form(b"A=%FF%FE", &mut pairs).is_err());
        assert!(QueryNode::parse_form(&[b'A', b'=', 0xFF], &mut pairs).is_err());
    }

    #[test]
    fn percent_and_plus_decoding() {
        let mut pairs = Vec::new();
        QueryNode::parse_form(b"a=1+2%2B3%20%E2%82%AC&b=100%&c&=x", &mut pairs).expect("form");
        assert_eq!(
            pairs,
            vec![
                ("a".to_owned(), "1 2+3 \u{20ac}".to_owned()),
                ("b".to_owned(), "100%".to_owned()),
                ("c".to_owned(), String::new()),
                (String::new(), "x".to_owned()),
            ]
        );
    }
}
