//! Golden request bodies captured from real clients (`crates/wire/tests/golden/`: botocore
//! 1.31 over AWS Query, current botocore over AWS JSON, the JS SDK v3, and Kinesis CBOR laid
//! out as the Java SDK writes it) go through the one entry point: detection must route each
//! to the operation its client called, in the protocol it spoke, and the service's decoder
//! must accept it. The same call made by different clients must decode to the same typed
//! input, whatever protocol carried it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};
use serde::Deserialize;
use sluice_wire::{detect, ApiRequest, Operations, Protocol, Service};

const OPERATIONS: Operations = Operations {
    sqs: sluice_sqs::api::ACTIONS,
    sns: sluice_sns::api::ACTIONS,
    kinesis: sluice_kinesis::api::ACTIONS,
};

#[derive(Debug, Deserialize)]
struct Meta {
    method: String,
    path: String,
    query: String,
    headers: BTreeMap<String, String>,
    client: String,
    service: String,
    operation: String,
    protocol: String,
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../wire/tests/golden")
}

/// Every fixture: (client directory, fixture name, meta, body).
fn fixtures() -> Vec<(String, String, Meta, Vec<u8>)> {
    let mut out = Vec::new();
    for client in ["botocore-query", "botocore-json", "js-v3", "cbor"] {
        let dir = golden_dir().join(client);
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("golden directory")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        names.sort();
        for meta_path in names {
            let meta: Meta =
                serde_json::from_slice(&std::fs::read(&meta_path).expect("meta")).expect("meta");
            let body = std::fs::read(meta_path.with_extension("body")).expect("body");
            let name = meta_path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("name")
                .to_owned();
            out.push((client.to_owned(), name, meta, body));
        }
    }
    out
}

fn route(meta: &Meta, body: Vec<u8>) -> ApiRequest {
    let mut headers = HeaderMap::new();
    for (k, v) in &meta.headers {
        headers.insert(
            HeaderName::from_bytes(k.as_bytes()).expect("header name"),
            HeaderValue::from_str(v).expect("header value"),
        );
    }
    let uri: Uri = if meta.query.is_empty() {
        meta.path.parse().expect("uri")
    } else {
        format!("{}?{}", meta.path, meta.query)
            .parse()
            .expect("uri")
    };
    let method = Method::from_bytes(meta.method.as_bytes()).expect("method");
    detect(&method, &uri, &headers, Bytes::from(body), &OPERATIONS)
        .unwrap_or_else(|e| panic!("{} {}: {e:?}", meta.client, meta.operation))
}

/// The typed input a request decodes to, as text (the input types implement `Debug`).
fn decoded(api: &ApiRequest) -> Result<String, String> {
    let (op, protocol, payload) = (&api.operation, api.protocol, &api.payload);
    match api.service {
        Service::Sqs => sluice_sqs::api::SqsRequest::decode(op, protocol, payload)
            .map(|r| format!("{r:?}"))
            .map_err(|e| format!("{e:?}")),
        Service::Sns => sluice_sns::api::SnsRequest::decode(op, protocol, payload)
            .map(|r| format!("{r:?}"))
            .map_err(|e| format!("{e:?}")),
        Service::Kinesis => sluice_kinesis::api::KinesisRequest::decode(op, protocol, payload)
            .map(|r| format!("{r:?}"))
            .map_err(|e| format!("{e:?}")),
    }
}

#[test]
fn every_captured_request_routes_and_decodes() {
    let all = fixtures();
    assert!(all.len() >= 60, "fixtures missing: {}", all.len());
    for (client, name, meta, body) in all {
        let api = route(&meta, body);
        let service = match meta.service.as_str() {
            "sqs" => Service::Sqs,
            "sns" => Service::Sns,
            _ => Service::Kinesis,
        };
        let protocol = match meta.protocol.as_str() {
            "query" => Protocol::Query,
            "json1.0" => Protocol::AwsJson10,
            "json1.1" => Protocol::AwsJson11,
            _ => Protocol::Cbor,
        };
        assert_eq!(
            (api.service, api.protocol, api.operation.as_str()),
            (service, protocol, meta.operation.as_str()),
            "{client}/{name}"
        );
        if let Err(e) = decoded(&api) {
            panic!("{client}/{name} does not decode: {e}");
        }
    }
}

#[test]
fn the_same_call_decodes_alike_from_every_client() {
    let mut by_call: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (client, name, meta, body) in fixtures() {
        let api = route(&meta, body);
        let input = decoded(&api).expect("decodes");
        by_call.entry(name).or_default().push((client, input));
    }
    let mut compared = 0;
    for (name, inputs) in by_call {
        let (first_client, first) = &inputs[0];
        for (client, input) in &inputs[1..] {
            assert_eq!(input, first, "{name}: {client} vs {first_client}");
            compared += 1;
        }
    }
    assert!(
        compared >= 30,
        "too few cross-client comparisons: {compared}"
    );
}
