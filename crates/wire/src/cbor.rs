//! CBOR (`application/x-amz-cbor-1.1`), the encoding the AWS Java SDKs and the KCL use for
//! Kinesis: serde in and out through `ciborium`. Types whose CBOR form differs from JSON
//! (blobs as byte strings, timestamps as tag 1) ask `Serializer::is_human_readable`, which
//! is false here.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Decodes a CBOR document: exactly one data item, as a JSON body is one value (bytes
/// after it are an error, not ignored; found by the `cbor_input` fuzz target).
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let mut rest = bytes;
    let value = ciborium::de::from_reader(&mut rest).map_err(|e| e.to_string())?;
    if !rest.is_empty() {
        return Err(format!(
            "Unexpected {} byte(s) after the CBOR document.",
            rest.len()
        ));
    }
    Ok(value)
}

/// Encodes a value as CBOR.
pub fn to_vec<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    if ciborium::ser::into_writer(value, &mut out).is_err() {
        out.clear();
        // An empty map: a CBOR document every client can read.
        out.push(0xa0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Doc {
        #[serde(rename = "StreamName")]
        stream_name: String,
        #[serde(rename = "Limit")]
        limit: u32,
    }

    #[test]
    fn round_trip() {
        let doc = Doc {
            stream_name: "s".into(),
            limit: 7,
        };
        let bytes = to_vec(&doc);
        assert_eq!(from_slice::<Doc>(&bytes), Ok(doc));
        assert!(from_slice::<Doc>(b"\xff").is_err());
        let mut trailing = bytes.clone();
        trailing.push(0x00);
        assert!(from_slice::<Doc>(&trailing).is_err());
        assert_eq!(
            from_slice::<serde_json::Value>(&[0xa0]),
            Ok(serde_json::json!({}))
        );
        assert!(from_slice::<serde_json::Value>(&[0xa0, 0xff, 0x03]).is_err());
    }
}
