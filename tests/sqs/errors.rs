//! Wire-level error shapes of the JSON protocol and request bounds, spoken raw.

use sluice_tests::TestServer;

#[tokio::test]
async fn json_errors_carry_type_message_and_query_error_header() {
    let t = TestServer::start().await;
    let r = t.json("GetQueueUrl", r#"{"QueueName":"missing"}"#).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.header("content-type"), Some("application/x-amz-json-1.0"));
    assert_eq!(
        r.header("x-amzn-query-error"),
        Some("AWS.SimpleQueueService.NonExistentQueue;Sender")
    );
    assert!(r.header("x-amzn-requestid").is_some());
    let body = r.json();
    assert_eq!(body["__type"], "com.amazonaws.sqs#QueueDoesNotExist");
    assert_eq!(body["message"], "The specified queue does not exist.");

    let r = t.json("CreateQueue", "{}").await;
    assert_eq!(
        r.header("x-amzn-query-error"),
        Some("MissingParameter;Sender")
    );
    assert_eq!(
        r.json()["__type"],
        "com.amazon.coral.service#MissingRequiredParameterException"
    );
}

#[tokio::test]
async fn json_success_shapes() {
    let t = TestServer::start().await;
    let r = t
        .json(
            "CreateQueue",
            r#"{"QueueName":"j","Attributes":{"DelaySeconds":5}}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/x-amz-json-1.0"));
    let url = r.json()["QueueUrl"].as_str().expect("url").to_owned();
    // Numbers in the attribute map are taken as their text, as AWS does.
    let r = t
        .json(
            "GetQueueAttributes",
            &format!(r#"{{"QueueUrl":"{url}","AttributeNames":["DelaySeconds"]}}"#),
        )
        .await;
    assert_eq!(
        r.json(),
        serde_json::json!({"Attributes": {"DelaySeconds": "5"}})
    );
    // Empty results are `{}`.
    let r = t
        .json("ReceiveMessage", &format!(r#"{{"QueueUrl":"{url}"}}"#))
        .await;
    assert_eq!(r.body, "{}");
    let r = t
        .json("DeleteQueue", &format!(r#"{{"QueueUrl":"{url}"}}"#))
        .await;
    assert_eq!(r.body, "{}");
}

#[tokio::test]
async fn malformed_and_unknown_json_requests() {
    let t = TestServer::start().await;
    let r = t.json("CreateQueue", "{not json").await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["__type"],
        "com.amazon.coral.service#SerializationException"
    );
    let r = t.json("CreateQueue", r#"{"QueueName":["a"]}"#).await;
    assert_eq!(
        r.json()["__type"],
        "com.amazon.coral.service#SerializationException"
    );
    let r = t.json("Teleport", "{}").await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["__type"],
        "com.amazon.coral.service#UnknownOperationException"
    );
    let r = t
        .post(
            "/",
            &[
                ("x-amz-target", "NoSuchService.Op"),
                ("content-type", "application/x-amz-json-1.0"),
            ],
            "{}",
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["__type"],
        "com.amazon.coral.service#UnknownOperationException"
    );
    // One framework error for both ways of naming an operation that does not exist.
    assert_eq!(r.header("x-amzn-query-error"), Some("InvalidAction;Sender"));
    let r = t.json("Teleport", "{}").await;
    assert_eq!(r.header("x-amzn-query-error"), Some("InvalidAction;Sender"));
}

#[tokio::test]
async fn deeply_nested_query_keys_are_rejected_not_fatal() {
    // Regression: this used to recurse once per segment and overflow the stack.
    let t = TestServer::start().await;
    let form = format!("Action=ListQueues&{}=1", "a.".repeat(200_000));
    let r = t.query("/", &form).await;
    assert_eq!(r.status, 404);
    assert!(
        r.body.contains("<Code>MalformedQueryString</Code>"),
        "{}",
        r.body
    );
    assert_eq!(t.json("ListQueues", "{}").await.status, 200);
}

#[tokio::test]
async fn query_bodies_have_a_smaller_bound() {
    let t = TestServer::start().await;
    let form = format!("Action=ListQueues&Pad={}", "x".repeat(5 * 1024 * 1024));
    let r = t.query("/", &form).await;
    assert_eq!(r.status, 413);
    assert!(
        r.body.contains("<Code>RequestEntityTooLarge</Code>"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn wrong_json_shapes_use_aws_wording() {
    let t = TestServer::start().await;
    let r = t
        .json(
            "CreateQueue",
            r#"{"QueueName":"q","Attributes":{"DelaySeconds":{"a":1}}}"#,
        )
        .await;
    assert_eq!(
        r.json()["message"],
        "Start of structure or map found where not expected."
    );
}

#[tokio::test]
async fn oversized_bodies_get_an_aws_shaped_413() {
    let t = TestServer::start().await;
    let huge = format!(r#"{{"QueueName":"{}"}}"#, "x".repeat(17 * 1024 * 1024));
    let r = t.json("CreateQueue", &huge).await;
    assert_eq!(r.status, 413);
    assert_eq!(
        r.header("x-amzn-query-error"),
        Some("RequestEntityTooLarge;Sender")
    );
    // The server keeps serving afterwards.
    let r = t.json("ListQueues", "{}").await;
    assert_eq!(r.status, 200);
}
