//! CBOR (what the Java SDKs and the KCL send): raw requests for PutRecord, PutRecords,
//! GetShardIterator/GetRecords, DescribeStream and an error, compared with the JSON answers.

use ciborium::Value;

use super::*;

async fn cbor(t: &TestServer, operation: &str, body: Value) -> (u16, Value, String) {
    let mut bytes = Vec::new();
    ciborium::ser::into_writer(&body, &mut bytes).expect("encode");
    let target = format!("Kinesis_20131202.{operation}");
    let reply = sluice_tests::raw_request(
        http::Method::POST,
        &format!("{}/", t.endpoint()),
        &[
            ("content-type", "application/x-amz-cbor-1.1"),
            ("x-amz-target", &target),
        ],
        bytes::Bytes::from(bytes),
    )
    .await;
    let content_type = reply.header("content-type").unwrap_or_default().to_owned();
    let raw = reply.raw;
    let value: Value = ciborium::de::from_reader(raw.as_slice()).unwrap_or(Value::Null);
    (reply.status, value, content_type)
}

fn text(k: &str) -> Value {
    Value::Text(k.to_owned())
}

fn get<'a>(v: &'a Value, key: &str) -> &'a Value {
    v.as_map()
        .and_then(|m| m.iter().find(|(k, _)| k.as_text() == Some(key)))
        .map(|(_, v)| v)
        .unwrap_or(&Value::Null)
}

async fn json(t: &TestServer, operation: &str, body: serde_json::Value) -> serde_json::Value {
    t.post(
        "/",
        &[
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", &format!("Kinesis_20131202.{operation}")),
        ],
        body.to_string(),
    )
    .await
    .json()
}

#[tokio::test]
async fn cbor_requests_match_the_json_answers() {
    let t = TestServer::start().await;
    active_stream(&t, "bin", 1).await;
    let (status, out, content_type) = cbor(
        &t,
        "PutRecord",
        Value::Map(vec![
            (text("StreamName"), text("bin")),
            (text("PartitionKey"), text("k")),
            (text("Data"), Value::Bytes(vec![0, 1, 2, 255])),
        ]),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/x-amz-cbor-1.1");
    assert_eq!(get(&out, "ShardId").as_text(), Some("shardId-000000000000"));
    let (_, out, _) = cbor(
        &t,
        "PutRecords",
        Value::Map(vec![
            (text("StreamName"), text("bin")),
            (
                text("Records"),
                Value::Array(vec![Value::Map(vec![
                    (text("PartitionKey"), text("k2")),
                    (text("Data"), Value::Bytes(b"second".to_vec())),
                ])]),
            ),
        ]),
    )
    .await;
    assert_eq!(get(&out, "FailedRecordCount"), &Value::Integer(0.into()));

    let (_, out, _) = cbor(
        &t,
        "GetShardIterator",
        Value::Map(vec![
            (text("StreamName"), text("bin")),
            (text("ShardId"), text("shardId-000000000000")),
            (text("ShardIteratorType"), text("TRIM_HORIZON")),
        ]),
    )
    .await;
    let iterator = get(&out, "ShardIterator")
        .as_text()
        .expect("iterator")
        .to_owned();
    let (_, out, _) = cbor(
        &t,
        "GetRecords",
        Value::Map(vec![(text("ShardIterator"), text(&iterator))]),
    )
    .await;
    let records = get(&out, "Records").as_array().expect("records").clone();
    assert_eq!(records.len(), 2);
    // Blobs are CBOR byte strings, timestamps tag 1.
    assert_eq!(get(&records[0], "Data"), &Value::Bytes(vec![0, 1, 2, 255]));
    assert!(matches!(
        get(&records[0], "ApproximateArrivalTimestamp"),
        Value::Tag(1, _)
    ));

    let from_json = json(
        &t,
        "GetRecords",
        serde_json::json!({ "ShardIterator": iterator }),
    )
    .await;
    assert_eq!(from_json["Records"][0]["Data"], "AAEC/w==");
    assert_eq!(
        from_json["Records"][1]["SequenceNumber"].as_str(),
        get(&records[1], "SequenceNumber").as_text()
    );

    let (_, described, _) = cbor(
        &t,
        "DescribeStream",
        Value::Map(vec![(text("StreamName"), text("bin"))]),
    )
    .await;
    let description = get(&described, "StreamDescription");
    let from_json = json(
        &t,
        "DescribeStream",
        serde_json::json!({ "StreamName": "bin" }),
    )
    .await;
    assert_eq!(
        get(description, "StreamARN").as_text(),
        from_json["StreamDescription"]["StreamARN"].as_str()
    );
    assert_eq!(
        get(
            &get(description, "Shards").as_array().expect("shards")[0],
            "ShardId"
        )
        .as_text(),
        from_json["StreamDescription"]["Shards"][0]["ShardId"].as_str()
    );

    let (status, err, content_type) = cbor(
        &t,
        "DescribeStream",
        Value::Map(vec![(text("StreamName"), text("missing"))]),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(content_type, "application/x-amz-cbor-1.1");
    assert_eq!(
        get(&err, "__type").as_text(),
        Some("ResourceNotFoundException")
    );
    assert_eq!(
        get(&err, "message").as_text(),
        Some("Stream missing under account 000000000000 not found.")
    );
}

/// Errors raised before a request reaches Kinesis (here: a body over the size bound) are
/// still Kinesis errors: JSON 1.1 or CBOR, bare `__type`, no SQS `x-amzn-query-error`.
#[tokio::test]
async fn errors_before_routing_take_the_kinesis_shape() {
    let t = TestServer::start().await;
    let oversized = vec![b' '; sluice::config::DEFAULT_MAX_REQUEST_BYTES + 1];
    for (content_type, sent) in [
        (
            Some("application/x-amz-json-1.1"),
            "application/x-amz-json-1.1",
        ),
        (None, "application/x-amz-json-1.1"),
        (
            Some("application/x-amz-cbor-1.1"),
            "application/x-amz-cbor-1.1",
        ),
    ] {
        let mut headers = vec![("x-amz-target", "Kinesis_20131202.PutRecords")];
        if let Some(ct) = content_type {
            headers.push(("content-type", ct));
        }
        let reply = sluice_tests::raw_request(
            http::Method::POST,
            &format!("{}/", t.endpoint()),
            &headers,
            bytes::Bytes::from(oversized.clone()),
        )
        .await;
        assert_eq!(reply.status, 413, "{content_type:?}");
        assert_eq!(reply.header("content-type"), Some(sent), "{content_type:?}");
        assert_eq!(reply.header("x-amzn-query-error"), None, "{content_type:?}");
        let kind = if sent.contains("cbor") {
            let value: Value = ciborium::de::from_reader(reply.raw.as_slice()).expect("cbor");
            get(&value, "__type").as_text().map(str::to_owned)
        } else {
            reply.json()["__type"].as_str().map(str::to_owned)
        };
        assert!(
            kind.as_deref()
                .is_some_and(|k| k.ends_with("RequestEntityTooLargeException")),
            "{kind:?}"
        );
    }
}
