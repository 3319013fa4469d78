//! Serde helpers for inputs that must read Query and JSON the same way: maps kept in request
//! order (AWS reports the first offending attribute), and scalars that JSON clients may send as
//! numbers or booleans where the model says string (AWS coerces them).

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

/// A string, or a JSON number or boolean taken as its text.
#[derive(Debug)]
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// `Option<String>` that also accepts numbers and booleans.
pub fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Text>::deserialize(d)?.map(|t| t.0))
}

/// A string-to-string map, in request order.
pub fn string_map<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
    let pairs: Vec<(String, Text)> = entry_map(d)?;
    Ok(pairs.into_iter().map(|(k, v)| (k, v.0)).collect())
}

/// A map with typed values, in request order.
pub fn entry_map<'de, D, V>(d: D) -> Result<Vec<(String, V)>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Ordered<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> Visitor<'de> for Ordered<V> {
        type Value = Vec<(String, V)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
            while let Some((k, v)) = map.next_entry::<String, V>()? {
                out.push((k, v));
            }
            Ok(out)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_map(Ordered(std::marker::PhantomData))
}

/// Why a routed request's parameters do not fit an operation's input; answered with the
/// framework's errors, never with a service's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// A Query form of the wrong shape (`MalformedQueryString`).
    Query(String),
    /// A JSON or CBOR document of the wrong shape (`SerializationException`), in AWS's words
    /// where they are known.
    Document(String),
    /// An operation the service does not have (detection normally catches it first).
    UnknownOperation(String),
}

/// An operation's input from a Query tree, a JSON document or a CBOR document (an empty
/// body is an empty structure).
pub fn decode_input<T: serde::de::DeserializeOwned>(
    protocol: crate::Protocol,
    payload: &crate::Payload,
) -> Result<T, DecodeError> {
    match payload {
        crate::Payload::Query(tree) => {
            T::deserialize(tree).map_err(|e| DecodeError::Query(e.to_string()))
        }
        crate::Payload::Document(body) if protocol == crate::Protocol::Cbor => {
            let body: &[u8] = if body.is_empty() { &[0xa0] } else { body };
            crate::cbor::from_slice(body).map_err(DecodeError::Document)
        }
        crate::Payload::Document(body) => {
            let body: &[u8] = if body.is_empty() { b"{}" } else { body };
            serde_json::from_slice(body).map_err(|e| DecodeError::Document(json_error(&e)))
        }
    }
}

/// AWS's wording for JSON of the wrong shape, where it is known; serde's otherwise.
fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.starts_with("invalid type: map") {
        "Start of structure or map found where not expected.".to_owned()
    } else if text.starts_with("invalid type: sequence") {
        "Start of list found where not expected".to_owned()
    } else {
        text
    }
}
