//! AWS JSON documents read as operation inputs through `sluice_wire::de::decode_input`
//! (the serde shapes of `sluice_wire_fuzz`), for both JSON protocols. Asserts no panic, and
//! that JSON 1.0 and 1.1 decode a document identically.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use sluice_wire::de::decode_input;
use sluice_wire::{Payload, Protocol};
use sluice_wire_fuzz::decode_all;

fuzz_target!(|data: &[u8]| {
    let payload = Payload::Document(Bytes::copy_from_slice(data));
    decode_all(Protocol::AwsJson10, &payload);
    let v10 = decode_input::<serde_json::Value>(Protocol::AwsJson10, &payload);
    let v11 = decode_input::<serde_json::Value>(Protocol::AwsJson11, &payload);
    assert_eq!(v10, v11, "JSON 1.0 and 1.1 read documents alike");
});
