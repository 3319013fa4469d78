//! CBOR documents (`sluice_wire::cbor`, and `decode_input` with `Protocol::Cbor`). Asserts,
//! besides "no panic", that whatever decodes survives `cbor::to_vec` + `cbor::from_slice`:
//! - as `serde_json::Value`: equal value;
//! - as a Kinesis-like input with a blob field: equal value;
//! - as `ciborium::Value`: after one re-encoding (which normalises bignum tags, see below),
//!   re-decoding and re-encoding gives the same bytes (compared as bytes because a NaN float
//!   is not equal to itself).
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use sluice_wire::{cbor, Payload, Protocol};
use sluice_wire_fuzz::{decode_all, PutRecords};

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
        let back: ciborium::Value = cbor::from_slice(&once).expect("re-encoded CBOR value decodes");
        let twice = cbor::to_vec(&back);
        // Not `once == twice`: ciborium reads tag 2/3 around a definite byte string of at most
        // 16 bytes as an integer, but keeps it a tag around an indefinite one, so
        // `c3 5f ff` -> Tag(3, Bytes([])) -> `c3 40` -> Integer(-1) -> `20`
        // (regressions/cbor_input/bignum-indefinite-bytes). One re-encoding normalises that;
        // from there on encoding must be stable.
        let again: ciborium::Value = cbor::from_slice(&twice).expect("re-encoded CBOR value decodes");
        assert_eq!(twice, cbor::to_vec(&again), "ciborium::Value round trip");
    }
});
