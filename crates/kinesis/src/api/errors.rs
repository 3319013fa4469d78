//! The wire form of every `KinesisError`: the JSON `__type` (Kinesis is not
//! query-compatible, so no `x-amzn-query-error`) and the HTTP status (400 for every client
//! error, as Kinesis answers).

use sluice_wire::{ErrorDescriptor, Fault};

use crate::engine::KinesisError;

const fn client(type_name: &'static str) -> ErrorDescriptor {
    ErrorDescriptor {
        type_name,
        query_code: type_name,
        fault: Fault::Sender,
        status: 400,
    }
}

/// Every Kinesis error is the client's (400) under its AWS shape name.
pub fn describe(error: &KinesisError) -> ErrorDescriptor {
    client(error.code())
}
