//! The typed input and output of every SQS operation, with their AWS member names: what the
//! API layer decodes requests into and encodes results from, and what the service takes and
//! returns. No codec logic and no error table live here: those are the API layer's.

pub mod input;
pub mod output;
