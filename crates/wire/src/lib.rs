//! Pure AWS wire codecs, shared by every Sluice service: which service and protocol a request
//! speaks, AWS Query decoding into serde inputs, XML and JSON writing, error rendering per
//! protocol, and SigV4 credential-scope parsing. No tokio, no axum, no service semantics.

pub mod cbor;
pub mod de;
mod detect;
mod error;
pub mod eventstream;
pub mod generic;
mod query;
mod query_de;
mod reply;
mod sigv4;
mod xml;

pub use detect::{detect, queue_path, DetectError, Detected, Payload, Protocol, Service};
pub use error::{render_error, ErrorDescriptor, Fault, ServiceWire};
pub use query::{QueryError, QueryNode};
pub use reply::Reply;
pub use sigv4::Credential;
pub use xml::{query_response, render_output, WriteXml, XmlWriter};
