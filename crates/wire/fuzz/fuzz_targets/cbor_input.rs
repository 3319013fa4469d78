//! CBOR documents (`sluice_wire::cbor`, and `decode_input` with `Protocol::Cbor`). Asserts,
//! besides "no panic", that whatever decodes survives `cbor::to_vec` + `cbor::from_slice`:
//! - as `serde_json::Value`: equal value;
//! - as a Kinesis-like input with a blob field: equal value;
//! - as `ciborium::Value` without bignum tags (see `has_bignum_tag`): re-decoding and
//!   re-encoding gives the same bytes (compared as bytes because a NaN float is not equal
//!   to itself).
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use sluice_wire::{cbor, Payload, Protocol};
use sluice_wire_fuzz::{decode_all, PutRecords};

/// Whether `value` holds a tag 2 or 3 (bignum). ciborium reads those as integers when they
/// wrap a definite byte string of at most 16 bytes, and as tags otherwise, so a
/// `ciborium::Value` holding one does not survive encoding: `c3 5f ff` (tag 3 around an
/// indefinite empty byte string) reads as `Tag(3, Bytes([]))`, which encodes as `c3 40`,
/// which reads as `Integer(-1)`; and `Tag(3, <16 bytes from 0x80..>)` read the same way
/// encodes to bytes ciborium rejects ("integer too large"). See `regressions/cbor_input/`.
fn has_bignum_tag(value: &ciborium::Value) -> bool {
    use ciborium::Value;
    match value {
        Value::Tag(2 | 3, _) => true,
        Value::Tag(_, inner) => has_bignum_tag(inner),
        Value::Array(items) => items.iter().any(has_bignum_tag),
        Value::Map(entries) => entries
            .iter()
            .any(|(k, v)| has_bignum_tag(k) || has_bignum_tag(v)),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    decode_all(Protocol::Cbor, &Payload::Document(Bytes::copy_from_slice(data)));

    if let Ok(value) = cbor::from_slice::<serde_json::Value>(data) {
        let bytes = cbor::to_vec(&value);
        let back: serde_json::Value = cbor::from_slice(&bytes).expect("re-encoded JSON value decodes");
        assert_eq!(back, value, "serde_json::Value round trip");
    }

    if let Ok(input) = cbor::from_slice::<PutRecords>(data) {
        let bytes = cbor::to_vec(&input);
        let back: PutRecords = cbor::from_slice(&bytes).expect("re-encoded input decodes");
        assert_eq!(back, input, "typed input round trip");
    }

    if let Ok(value) = cbor::from_slice::<ciborium::Value>(data) {
        let once = cbor::to_vec(&value);
        if once == [0xa0] {
            // `to_vec`'s fallback for a value it cannot encode; fine only for an empty map.
            assert!(matches!(&value, ciborium::Value::Map(m) if m.is_empty()), "{value:?} lost");
        }
        if !has_bignum_tag(&value) {
            let back: ciborium::Value =
                cbor::from_slice(&once).expect("re-encoded CBOR value decodes");
            assert_eq!(once, cbor::to_vec(&back), "ciborium::Value round trip");
        }
    }
});
