//! Pure AWS wire codecs, shared by every Sluice service: the one entry point (`detect` turns
//! HTTP into an `ApiRequest`; every operation answers an `ApiResponse`), AWS Query decoding
//! into serde inputs, XML, JSON and CBOR writing, event-stream frames, error rendering per
//! protocol, SigV4 credential scopes, and the `operations!` list each service declares.
//! No tokio, no axum, no service semantics.

pub mod cbor;
pub mod de;
mod detect;
mod error;
pub mod eventstream;
pub mod generic;
mod operations;
mod query;
mod query_de;
mod request;
mod response;
mod sigv4;
mod xml;

pub use detect::{detect, guess, queue_path, DetectError, DetectErrorKind, Operations};
pub use error::{render_error, ErrorDescriptor, Fault, ServiceWire};
pub use query::{QueryError, QueryNode};
pub use request::{ApiRequest, Payload, Protocol, Service};
pub use response::{ApiResponse, EventStream, ResponseBody};
pub use sigv4::Credential;
pub use xml::{query_response, render_document, render_output, WriteXml, XmlWriter};
