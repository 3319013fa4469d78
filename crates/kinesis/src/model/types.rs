//! Values whose wire form differs between AWS JSON 1.1 and CBOR: blobs (base64 strings in
//! JSON, byte strings in CBOR) and timestamps (epoch seconds in JSON, tag 1 in CBOR). Both
//! ask the serializer whether it is human-readable (JSON is, CBOR is not).

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use sluice_core::Timestamp;

/// Binary data: a record's payload.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blob(pub Bytes);

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&STANDARD.encode(&self.0))
        } else {
            s.serialize_bytes(&self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// JSON: base64 text, taken as bytes so that the parser skips UTF-8 validation of
        /// what base64 decoding checks anyway (a PutRecords body is mostly this text).
        struct Base64;
        impl Visitor<'_> for Base64 {
            type Value = Blob;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("base64 text")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Blob, E> {
                self.visit_bytes(v.as_bytes())
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Blob, E> {
                // SIMD decoding: a PutRecords body is mostly base64 text.
                base64_simd::STANDARD
                    .decode_to_vec(v)
                    .map(|b| Blob(Bytes::from(b)))
                    .map_err(|_| E::custom("Data is not valid base64"))
            }
        }
        /// CBOR: a byte string (or, from clients that send it so, base64 text).
        struct Raw;
        impl Visitor<'_> for Raw {
            type Value = Blob;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("base64 text or bytes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Blob, E> {
                Base64.visit_bytes(v.as_bytes())
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Blob, E> {
                Ok(Blob(Bytes::copy_from_slice(v)))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Blob, E> {
                Ok(Blob(Bytes::from(v)))
            }
        }
        if d.is_human_readable() {
            d.deserialize_bytes(Base64)
        } else {
            d.deserialize_any(Raw)
        }
    }
}

/// A point in time on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Time(pub Timestamp);

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_f64(self.0.as_millis() as f64 / 1000.0)
        } else {
            // AWS CBOR payload timestamps are tag 1 around epoch milliseconds (the Java
            // SDKs read them with `Instant.ofEpochMilli`).
            ciborium::tag::Required::<u64, 1>(self.0.as_millis()).serialize(s)
        }
    }
}

/// Epoch seconds or milliseconds: a value below 10^11 cannot be milliseconds of any date
/// after 1973, so it is taken as seconds.
fn from_number(value: f64) -> Option<Time> {
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    let millis = if value < 1e11 { value * 1000.0 } else { value };
    Some(Time(Timestamp(millis.round() as u64)))
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if !d.is_human_readable() {
            // CBOR: tag 1 around an integer (Java sends milliseconds) or a float.
            let value = ciborium::Value::deserialize(d)?;
            let inner = match value {
                ciborium::Value::Tag(_, inner) => *inner,
                other => other,
            };
            let number = match inner {
                ciborium::Value::Integer(i) => i128::from(i) as f64,
                ciborium::Value::Float(f) => f,
                _ => f64::NAN,
            };
            return from_number(number).ok_or_else(|| de::Error::custom("invalid timestamp"));
        }
        struct V;
        impl Visitor<'_> for V {
            type Value = Time;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("epoch seconds")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Time, E> {
                if v.is_finite() && v >= 0.0 {
                    Ok(Time(Timestamp((v * 1000.0).round() as u64)))
                } else {
                    Err(E::custom("timestamp out of range"))
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Time, E> {
                Ok(Time(Timestamp::from_secs(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Time, E> {
                u64::try_from(v)
                    .map(|v| Time(Timestamp::from_secs(v)))
                    .map_err(|_| E::custom("timestamp out of range"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Time, E> {
                v.parse::<f64>()
                    .map_err(|_| E::custom("timestamp is not epoch seconds"))
                    .and_then(|f| self.visit_f64(f))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Doc {
        #[serde(rename = "Data")]
        data: Blob,
        #[serde(rename = "At")]
        at: Time,
    }

    proptest::proptest! {
        /// The SIMD decoder accepts and rejects exactly what the `base64` crate's strict
        /// standard engine does, and decodes to the same bytes.
        #[test]
        fn simd_decoding_agrees_with_the_base64_crate(text in "[A-Za-z0-9+/=]{0,40}", bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
            let encoded = STANDARD.encode(&bytes);
            for input in [text.as_str(), encoded.as_str()] {
                proptest::prop_assert_eq!(
                    base64_simd::STANDARD.decode_to_vec(input).ok(),
                    STANDARD.decode(input).ok(),
                    "{:?}", input
                );
            }
        }
    }

    #[test]
    fn json_and_cbor_forms() {
        let doc = Doc {
            data: Blob(Bytes::from_static(b"\x00hi")),
            at: Time(Timestamp(1_500_000_000_250)),
        };
        let json = serde_json::to_string(&doc).expect("json");
        assert_eq!(json, r#"{"Data":"AGhp","At":1500000000.25}"#);
        assert_eq!(serde_json::from_str::<Doc>(&json).expect("back"), doc);
        let cbor = sluice_wire::cbor::to_vec(&doc);
        // Data is a CBOR byte string (major type 2) of 3 bytes: 0x43.
        assert!(
            cbor.windows(4).any(|w| w == [0x43, 0, b'h', b'i']),
            "{cbor:?}"
        );
        // The timestamp carries tag 1 (0xc1).
        assert!(cbor.contains(&0xc1));
        assert_eq!(
            sluice_wire::cbor::from_slice::<Doc>(&cbor).expect("back"),
            doc
        );
    }
}
