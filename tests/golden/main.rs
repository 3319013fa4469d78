//! Golden responses: the exact bytes Sluice answers (status, content type, the query-error
//! header, body) for representative calls of every protocol — AWS Query XML, AWS JSON 1.0
//! and 1.1, CBOR — and for errors raised before and after routing. The server runs on a
//! manual clock with a fixed start and seeded ids, so every answer is the same on every run;
//! a change to any byte shows here. The end-to-end suites check the same answers decode in
//! the AWS SDKs. `SLUICE_BLESS=1 cargo test -p sluice-tests --test golden` rewrites the
//! files after an intended change (review the diff).

use std::path::PathBuf;

use bytes::Bytes;
use sluice::{Server, Settings};

const QUERY: &str = "application/x-www-form-urlencoded; charset=utf-8";
const JSON_10: &str = "application/x-amz-json-1.0";
const JSON_11: &str = "application/x-amz-json-1.1";
const CBOR: &str = "application/x-amz-cbor-1.1";
const QUEUE_URL: &str = "http://localhost:4566/000000000000/golden";

struct Golden {
    endpoint: String,
    mismatches: Vec<String>,
}

impl Golden {
    /// Sends one request and compares the answer with `responses/<name>.txt`.
    async fn check(&mut self, name: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Vec<u8> {
        let reply = sluice_tests::raw_request(
            http::Method::POST,
            &format!("{}/", self.endpoint),
            headers,
            Bytes::from(body),
        )
        .await;
        let content_type = reply.header("content-type").unwrap_or_default().to_owned();
        let mut text = format!("status: {}\ncontent-type: {content_type}\n", reply.status);
        if let Some(q) = reply.header("x-amzn-query-error") {
            text.push_str(&format!("x-amzn-query-error: {q}\n"));
        }
        text.push('\n');
        if content_type == CBOR {
            text.push_str(&hex(&reply.raw));
        } else {
            text.push_str(&reply.body);
        }
        text.push('\n');
        let path = dir().join(format!("{name}.txt"));
        if std::env::var_os("SLUICE_BLESS").is_some() {
            std::fs::write(&path, &text).expect("write golden");
        } else {
            let expected = std::fs::read_to_string(&path).unwrap_or_default();
            if expected != text {
                self.mismatches.push(format!(
                    "{name}:\n--- expected\n{expected}\n--- got\n{text}"
                ));
            }
        }
        reply.raw
    }

    async fn query(&mut self, name: &str, form: &str) -> Vec<u8> {
        self.check(name, &[("content-type", QUERY)], form.as_bytes().to_vec())
            .await
    }

    async fn json(
        &mut self,
        name: &str,
        target: &str,
        protocol: &str,
        body: serde_json::Value,
    ) -> Vec<u8> {
        self.check(
            name,
            &[("content-type", protocol), ("x-amz-target", target)],
            body.to_string().into_bytes(),
        )
        .await
    }

    async fn cbor(&mut self, name: &str, operation: &str, body: ciborium::Value) -> Vec<u8> {
        let mut bytes = Vec::new();
        ciborium::ser::into_writer(&body, &mut bytes).expect("cbor");
        let target = format!("Kinesis_20131202.{operation}");
        self.check(
            name,
            &[("content-type", CBOR), ("x-amz-target", &target)],
            bytes,
        )
        .await
    }
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden/responses")
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .chunks(32)
        .map(|line| line.iter().map(|b| format!("{b:02x}")).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

fn text(s: &str) -> ciborium::Value {
    ciborium::Value::Text(s.to_owned())
}

#[tokio::test]
async fn answers_are_byte_for_byte_as_recorded() {
    let settings = Settings {
        port: 0,
        hostname: Some("localhost:4566".into()),
        kinesis_status_delay_ms: 0,
        housekeeping: false,
        ..Settings::default()
    };
    let server = Server::builder()
        .settings(settings)
        .manual_clock_at(1_700_000_000_000)
        .seeded_ids(7)
        .spawn()
        .await
        .expect("server");
    let mut g = Golden {
        endpoint: server.endpoint_url(),
        mismatches: Vec::new(),
    };

    // SQS, Query and JSON 1.0.
    g.query(
        "sqs-CreateQueue-query",
        "Action=CreateQueue&Version=2012-11-05&QueueName=golden",
    )
    .await;
    g.json(
        "sqs-SendMessage-json",
        "AmazonSQS.SendMessage",
        JSON_10,
        serde_json::json!({
            "QueueUrl": QUEUE_URL,
            "MessageBody": "a<b>&\"c'\r\n é ✓",
            "MessageAttributes": {
                "n": {"DataType": "Number", "StringValue": "1.5"},
                "b": {"DataType": "Binary", "BinaryValue": "AAH/"},
                "s": {"DataType": "String", "StringValue": "q\"'<&>\r\n\t ✓"}
            }
        }),
    )
    .await;
    g.query(
        "sqs-ReceiveMessage-query",
        &format!("Action=ReceiveMessage&Version=2012-11-05&QueueUrl={QUEUE_URL}&AttributeName.1=All&MessageAttributeName.1=All&VisibilityTimeout=0"),
    )
    .await;
    g.json(
        "sqs-ReceiveMessage-json",
        "AmazonSQS.ReceiveMessage",
        JSON_10,
        serde_json::json!({
            "QueueUrl": QUEUE_URL,
            "AttributeNames": ["All"],
            "MessageAttributeNames": ["All"],
            "VisibilityTimeout": 0
        }),
    )
    .await;
    g.query(
        "sqs-error-query",
        "Action=GetQueueUrl&Version=2012-11-05&QueueName=missing",
    )
    .await;
    g.json(
        "sqs-error-json",
        "AmazonSQS.GetQueueUrl",
        JSON_10,
        serde_json::json!({"QueueName": "missing"}),
    )
    .await;

    // SNS, Query.
    g.query(
        "sns-CreateTopic-query",
        "Action=CreateTopic&Version=2010-03-31&Name=golden",
    )
    .await;
    g.query(
        "sns-Publish-query",
        "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3Agolden&Message=hi%20%26%20bye",
    )
    .await;
    g.query(
        "sns-error-query",
        "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3Amissing&Message=x",
    )
    .await;

    // Kinesis, JSON 1.1 and CBOR.
    g.json(
        "kinesis-CreateStream-json",
        "Kinesis_20131202.CreateStream",
        JSON_11,
        serde_json::json!({"StreamName": "golden", "ShardCount": 2}),
    )
    .await;
    g.json(
        "kinesis-PutRecords-json",
        "Kinesis_20131202.PutRecords",
        JSON_11,
        serde_json::json!({
            "StreamName": "golden",
            "Records": [
                {"Data": "aGVsbG8=", "PartitionKey": "a"},
                {"Data": "AAH/", "PartitionKey": "b", "ExplicitHashKey": "340282366920938463463374607431768211455"}
            ]
        }),
    )
    .await;
    g.cbor(
        "kinesis-PutRecords-cbor",
        "PutRecords",
        ciborium::Value::Map(vec![
            (text("StreamName"), text("golden")),
            (
                text("Records"),
                ciborium::Value::Array(vec![ciborium::Value::Map(vec![
                    (text("Data"), ciborium::Value::Bytes(vec![0, 1, 255])),
                    (text("PartitionKey"), text("c")),
                ])]),
            ),
        ]),
    )
    .await;
    let iterator = g
        .json(
            "kinesis-GetShardIterator-json",
            "Kinesis_20131202.GetShardIterator",
            JSON_11,
            serde_json::json!({
                "StreamName": "golden",
                "ShardId": "shardId-000000000000",
                "ShardIteratorType": "TRIM_HORIZON"
            }),
        )
        .await;
    let iterator: serde_json::Value = serde_json::from_slice(&iterator).expect("json");
    let iterator = iterator["ShardIterator"]
        .as_str()
        .expect("iterator")
        .to_owned();
    g.json(
        "kinesis-GetRecords-json",
        "Kinesis_20131202.GetRecords",
        JSON_11,
        serde_json::json!({"ShardIterator": iterator}),
    )
    .await;
    g.cbor(
        "kinesis-GetRecords-cbor",
        "GetRecords",
        ciborium::Value::Map(vec![(text("ShardIterator"), text(&iterator))]),
    )
    .await;
    g.json(
        "kinesis-error-json",
        "Kinesis_20131202.DescribeStreamSummary",
        JSON_11,
        serde_json::json!({"StreamName": "missing"}),
    )
    .await;
    g.cbor(
        "kinesis-error-cbor",
        "DescribeStreamSummary",
        ciborium::Value::Map(vec![(text("StreamName"), text("missing"))]),
    )
    .await;

    // Errors before routing, each in the shape of the service it was meant for.
    g.query("routing-unknown-action-query", "Action=Frobnicate")
        .await;
    g.cbor(
        "routing-unknown-operation-cbor",
        "Frobnicate",
        ciborium::Value::Map(vec![]),
    )
    .await;

    server.shutdown().await;
    assert!(
        g.mismatches.is_empty(),
        "{} golden answers differ (SLUICE_BLESS=1 rewrites them):\n{}",
        g.mismatches.len(),
        g.mismatches.join("\n")
    );
}
