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

use serde::de;

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
        for (count, (key, value)) in pairs.into_iter().enumerate() {
            if count >= MAX_PARAMETERS {
                return Err(QueryError(format!(
                    "A request can have at most {MAX_PARAMETERS} parameters."
                )));
            }
            if key.is_empty() {
                continue;
            }
            if key.split('.').count() > MAX_KEY_SEGMENTS {
                return Err(QueryError(format!("Malformed parameter name {key}")));
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

    pub(crate) fn kind(&self) -> &'static str {
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

/// The deepest keys AWS Query uses have seven segments
/// (`SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringListValue.1`); anything
/// deeper is rejected before it can build a tree deep enough to exhaust the stack.
pub(crate) const MAX_KEY_SEGMENTS: usize = 8;
/// More parameters than any AWS Query request needs; bounds the work one request can cause.
pub(crate) const MAX_PARAMETERS: usize = 4096;

/// Children of a branch read as a list: a sole `member` child is unwrapped, numeric keys are
/// ordered by value; a single leaf is a one-element list.
pub(crate) fn list_items(node: &QueryNode) -> Result<Vec<&QueryNode>, QueryError> {
    match node {
        // `Entries=` is how botocore and the JS SDK send an empty list; AWS reads it so.
        QueryNode::Leaf(s) if s.is_empty() => Ok(Vec::new()),
        QueryNode::Leaf(_) => Ok(vec![node]),
        QueryNode::Branch(map) => {
            if let (1, Some(inner)) = (map.len(), map.get("member")) {
                return list_items(inner);
            }
            let mut items = Vec::with_capacity(map.len());
            for (k, v) in map {
                // Digits only: `u32::from_str` would also take `+1`.
                let index: u32 = k
                    .bytes()
                    .all(|b| b.is_ascii_digit())
                    .then(|| k.parse().ok())
                    .flatten()
                    .ok_or_else(|| QueryError(format!("Expected a list index, found {k}")))?;
                items.push((index, v));
            }
            items.sort_by_key(|(i, _)| *i);
            Ok(items.into_iter().map(|(_, v)| v).collect())
        }
    }
}

/// Children of a branch read as a map: a sole `entry` child is unwrapped; a list of
/// key/value entries becomes a map; otherwise the children themselves.
pub(crate) fn map_entries(node: &QueryNode) -> Result<Vec<(&str, &QueryNode)>, QueryError> {
    if matches!(node, QueryNode::Leaf(s) if s.is_empty()) {
        return Ok(Vec::new());
    }
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
    fn list_indices_are_digits_only() {
        let t = tree("QueueName=q&AttributeName.%2B1=X");
        assert!(
            Input::deserialize(&t).is_err(),
            "a `+1` index is not an index"
        );
    }

    #[test]
    fn an_empty_value_is_an_empty_list_or_map() {
        // What botocore and the JS SDK send for `AttributeNames=[]` and `Attributes={}`.
        let t = tree("QueueName=q&AttributeName=&Attribute=&MessageAttribute=");
        let input = Input::deserialize(&t).expect("decodes");
        assert!(input.attribute_names.is_empty());
        assert!(input.attributes.is_empty());
        assert!(input.message_attributes.is_empty());
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
    fn deep_and_numerous_keys_are_rejected_without_recursion() {
        let deep = format!("{}=1", "a.".repeat(200_000));
        let mut pairs = Vec::new();
        QueryNode::parse_form(deep.as_bytes(), &mut pairs).expect("form");
        let err = QueryNode::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .expect_err("too deep");
        assert!(err.0.starts_with("Malformed parameter name"));
        let ok = "A.1.B.2.Value.StringValue=x";
        let mut pairs = Vec::new();
        QueryNode::parse_form(ok.as_bytes(), &mut pairs).expect("form");
        assert!(QueryNode::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).is_ok());
        let many: Vec<String> = (0..=MAX_PARAMETERS).map(|i| format!("k{i}")).collect();
        assert!(QueryNode::from_pairs(many.iter().map(|k| (k.as_str(), "v"))).is_err());
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
