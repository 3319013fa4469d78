//! Golden request bodies captured from real clients — botocore 1.31 (AWS Query, the last
//! SQS model on that protocol) and a current botocore (AWS JSON 1.0) making the same calls —
//! must decode into the same typed input, with the values the caller gave.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Uri};
use sluice_sqs::api::SqsRequest;
use sluice_wire::{detect, Operations};

fn decode(protocol: &str, action: &str) -> SqsRequest {
    let path = format!(
        "{}/tests/golden/{protocol}-{action}.body",
        env!("CARGO_MANIFEST_DIR")
    );
    let body = std::fs::read(&path).expect("golden body");
    let mut headers = HeaderMap::new();
    if protocol == "json" {
        let target = format!("AmazonSQS.{action}");
        headers.insert(
            "x-amz-target",
            HeaderValue::from_str(&target).expect("header"),
        );
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/x-amz-json-1.0"),
        );
    } else {
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/x-www-form-urlencoded; charset=utf-8"),
        );
    }
    let detected = detect(
        &Method::POST,
        &Uri::from_static("/"),
        &headers,
        Bytes::from(body),
        &Operations {
            sqs: sluice_sqs::api::ACTIONS,
            sns: &[],
            kinesis: &[],
        },
    )
    .expect("routes");
    assert_eq!(detected.operation, action);
    SqsRequest::decode(&detected.operation, detected.protocol, &detected.payload).expect("decodes")
}

/// Decodes both captures of `action` and checks they agree.
fn both(action: &str) -> SqsRequest {
    let query = decode("query", action);
    let json = decode("json", action);
    assert_eq!(format!("{query:?}"), format!("{json:?}"), "{action}");
    json
}

#[test]
fn create_queue() {
    let SqsRequest::CreateQueue(input) = both("CreateQueue") else {
        panic!("wrong operation")
    };
    assert_eq!(input.queue_name.as_deref(), Some("golden"));
    assert_eq!(
        input.attributes,
        vec![
            ("VisibilityTimeout".to_owned(), "45".to_owned()),
            ("DelaySeconds".to_owned(), "5".to_owned())
        ]
    );
    assert_eq!(input.tags, vec![("team".to_owned(), "core".to_owned())]);
}

#[test]
fn send_message_with_every_attribute_kind() {
    let SqsRequest::SendMessage(input) = both("SendMessage") else {
        panic!("wrong operation")
    };
    assert_eq!(input.message_body.as_deref(), Some("héllo & <x>"));
    assert_eq!(input.delay_seconds, Some(3));
    let names: Vec<&str> = input
        .message_attributes
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(names, vec!["Str", "Num", "Bin"]);
    let (_, bin) = &input.message_attributes[2];
    assert_eq!(bin.binary_value.as_deref(), Some("AAH/"));
    assert_eq!(bin.data_type.as_deref(), Some("Binary"));
    let (name, trace) = &input.message_system_attributes[0];
    assert_eq!(name, "AWSTraceHeader");
    assert_eq!(trace.string_value.as_deref(), Some("Root=1-abc"));
}

#[test]
fn send_message_batch() {
    let SqsRequest::SendMessageBatch(input) = both("SendMessageBatch") else {
        panic!("wrong operation")
    };
    let ids: Vec<_> = input.entries.iter().map(|e| e.id.as_deref()).collect();
    assert_eq!(ids, vec![Some("a"), Some("b")]);
    assert_eq!(input.entries[1].delay_seconds, Some(7));
    assert_eq!(input.entries[0].message_attributes[0].0, "K");
}

#[test]
fn receive_message() {
    let SqsRequest::ReceiveMessage(input) = both("ReceiveMessage") else {
        panic!("wrong operation")
    };
    assert_eq!(input.max_number_of_messages, Some(10));
    assert_eq!(input.wait_time_seconds, Some(20));
    assert_eq!(input.visibility_timeout, Some(60));
    assert_eq!(input.attribute_names, vec!["All"]);
    assert_eq!(input.message_attribute_names, vec!["Str", "Pre.*"]);
}

#[test]
fn get_queue_attributes_and_visibility_batch() {
    let SqsRequest::GetQueueAttributes(input) = both("GetQueueAttributes") else {
        panic!("wrong operation")
    };
    assert_eq!(input.attribute_names, vec!["VisibilityTimeout", "QueueArn"]);
    let SqsRequest::ChangeMessageVisibilityBatch(input) = both("ChangeMessageVisibilityBatch")
    else {
        panic!("wrong operation")
    };
    assert_eq!(input.entries[0].receipt_handle.as_deref(), Some("rh+/="));
    assert_eq!(input.entries[0].visibility_timeout, Some(0));
}
