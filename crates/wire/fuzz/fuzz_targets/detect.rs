//! Request routing: `sluice_wire::detect` (and `guess`) on a request built from arbitrary
//! parts: a method from a small set; a path (arbitrary bytes, or an SQS queue path) and a
//! query (arbitrary bytes, or `Action=<operation>&<arbitrary bytes>`), in origin or absolute
//! form, whenever `http::Uri` accepts them; an optional `Content-Type` (the ones Sluice
//! knows, or arbitrary), `X-Amz-Target` (a known prefix or arbitrary) and `Authorization`
//! (a SigV4 credential scope or arbitrary); a body (arbitrary, or a form with an `Action`).
//! The structured variants are there because libFuzzer alone, in ten minutes, never built
//! a routable Query request. Asserts, besides
//! "no panic", what detection documents:
//! - a routed request names an operation of its service's table;
//! - an `X-Amz-Target` request is JSON or CBOR with a document payload, as `guess` says;
//!   any other routed request is Query, to a service that speaks Query, with its tree's
//!   `Action` as the operation;
//! - an error shaped as Query belongs to a service that speaks Query.
//!
//! Routed payloads are then decoded into the serde shapes of `sluice_wire_fuzz`.
#![no_main]

use arbitrary::Arbitrary;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Uri};
use libfuzzer_sys::fuzz_target;
use sluice_wire::{detect, guess, queue_path, Operations, Payload, Protocol};
use sluice_wire_fuzz::decode_all;

const OPERATIONS: Operations = Operations {
    sqs: &[
        "CreateQueue",
        "GetQueueUrl",
        "SendMessage",
        "SendMessageBatch",
        "ReceiveMessage",
        "TagQueue",
        "AddPermission",
    ],
    sns: &[
        "CreateTopic",
        "Publish",
        "PublishBatch",
        "Subscribe",
        "ConfirmSubscription",
        "TagResource",
        "AddPermission",
    ],
    kinesis: &[
        "CreateStream",
        "PutRecord",
        "PutRecords",
        "GetRecords",
        "SubscribeToShard",
        "TagResource",
    ],
};

const PREFIXES: &[&str] = &[
    "AmazonSQS",
    "AmazonSimpleNotificationService",
    "Kinesis_20131202",
];
const SERVICES: &[&str] = &["sqs", "sns", "kinesis", "s3"];
const CONTENT_TYPES: &[&str] = &[
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=utf-8",
    "application/x-amz-json-1.0",
    "application/x-amz-json-1.1",
    "application/x-amz-cbor-1.1",
    "application/json",
    "text/plain",
];

#[derive(Debug, Arbitrary)]
enum Verb {
    Get,
    Post,
    Put,
    Delete,
    Head,
    Options,
}

#[derive(Debug, Arbitrary)]
enum Text {
    Known(u8),
    Raw(Vec<u8>),
}

#[derive(Debug, Arbitrary)]
enum Target {
    Known { prefix: u8, operation: String },
    Raw(Vec<u8>),
}

#[derive(Debug, Arbitrary)]
enum Auth {
    Scope {
        key: String,
        region: String,
        service: u8,
        extra: String,
    },
    Raw(Vec<u8>),
}

#[derive(Debug, Arbitrary)]
enum Path {
    Raw(Vec<u8>),
    Queue { account: u64, name: String },
}

#[derive(Debug, Arbitrary)]
enum Form {
    Raw(Vec<u8>),
    Action {
        known: u8,
        custom: Option<String>,
        rest: Vec<u8>,
    },
}

impl Form {
    fn bytes(&self) -> Vec<u8> {
        match self {
            Form::Raw(raw) => raw.clone(),
            Form::Action { known, custom, rest } => {
                let action = match custom {
                    Some(custom) => custom.as_str(),
                    None => {
                        let all: Vec<&str> = [OPERATIONS.sqs, OPERATIONS.sns, OPERATIONS.kinesis]
                            .concat();
                        all[*known as usize % all.len()]
                    }
                };
                let mut out = format!("Action={action}&").into_bytes();
                out.extend_from_slice(rest);
                out
            }
        }
    }
}

#[derive(Debug, Arbitrary)]
struct Request {
    verb: Verb,
    absolute: bool,
    path: Path,
    query: Option<Form>,
    content_type: Option<Text>,
    target: Option<Target>,
    authorization: Option<Auth>,
    body: Form,
}

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list[i as usize % list.len()]
}

fn uri(req: &Request) -> Uri {
    let path = match &req.path {
        Path::Raw(raw) => raw.clone(),
        Path::Queue { account, name } => {
            format!("/{:012}/{name}", account % 1_000_000_000_000).into_bytes()
        }
    };
    let query = req.query.as_ref().map(Form::bytes);
    let build = |path: &[u8]| {
        let mut raw = Vec::with_capacity(path.len() + 64);
        if req.absolute {
            raw.extend_from_slice(b"http://localhost:4566");
        }
        raw.extend_from_slice(path);
        if let Some(query) = &query {
            raw.push(b'?');
            raw.extend_from_slice(query);
        }
        Uri::from_maybe_shared(Bytes::from(raw)).ok()
    };
    // A path `http::Uri` rejects would otherwise hide the query too.
    build(&path)
        .or_else(|| build(b"/"))
        .unwrap_or_else(|| Uri::from_static("/"))
}

fn headers(req: &Request) -> HeaderMap {
    let mut map = HeaderMap::new();
    let mut put = |name: &'static str, value: &[u8]| {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            map.insert(name, value);
        }
    };
    match &req.content_type {
        Some(Text::Known(i)) => put("content-type", pick(CONTENT_TYPES, *i).as_bytes()),
        Some(Text::Raw(raw)) => put("content-type", raw),
        None => {}
    }
    match &req.target {
        Some(Target::Known { prefix, operation }) => {
            put("x-amz-target", format!("{}.{operation}", pick(PREFIXES, *prefix)).as_bytes())
        }
        Some(Target::Raw(raw)) => put("x-amz-target", raw),
        None => {}
    }
    match &req.authorization {
        Some(Auth::Scope {
            key,
            region,
            service,
            extra,
        }) => put(
            "authorization",
            format!(
                "AWS4-HMAC-SHA256 Credential={key}/20240101/{region}/{}/aws4_request, {extra}",
                pick(SERVICES, *service)
            )
            .as_bytes(),
        ),
        Some(Auth::Raw(raw)) => put("authorization", raw),
        None => {}
    }
    map
}

fuzz_target!(|req: Request| {
    let method = match req.verb {
        Verb::Get => Method::GET,
        Verb::Post => Method::POST,
        Verb::Put => Method::PUT,
        Verb::Delete => Method::DELETE,
        Verb::Head => Method::HEAD,
        Verb::Options => Method::OPTIONS,
    };
    let uri = uri(&req);
    let headers = headers(&req);
    let _ = queue_path(uri.path());
    let guessed = guess(&headers, &uri);
    let has_target = headers
        .get("x-amz-target")
        .is_some_and(|v| v.to_str().is_ok());

    match detect(&method, &uri, &headers, Bytes::from(req.body.bytes()), &OPERATIONS) {
        Ok(routed) => {
            assert!(
                OPERATIONS.of(routed.service).contains(&routed.operation.as_str()),
                "{routed:?} names an operation its service lacks"
            );
            if has_target {
                assert_eq!((routed.service, routed.protocol), guessed);
                assert_ne!(routed.protocol, Protocol::Query);
                assert!(matches!(routed.payload, Payload::Document(_)));
            } else {
                assert_eq!(routed.protocol, Protocol::Query);
                assert!(routed.service.speaks_query(), "{routed:?}");
                match &routed.payload {
                    Payload::Query(tree) => {
                        assert_eq!(tree.get("Action"), Some(routed.operation.as_str()))
                    }
                    Payload::Document(_) => panic!("a Query request with a document payload"),
                }
            }
            if let Some(c) = &routed.credential {
                assert!(!c.access_key.is_empty() && !c.region.is_empty() && !c.service.is_empty());
            }
            decode_all(routed.protocol, &routed.payload);
        }
        Err(e) => {
            if e.protocol == Protocol::Query {
                assert!(e.service.speaks_query(), "{e:?}");
            }
        }
    }
});
