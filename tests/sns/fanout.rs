//! Publish and PublishBatch fanned out to SQS: the JSON envelope, raw delivery with
//! attributes, per-protocol bodies, limits and batch errors.

use super::*;

#[tokio::test]
async fn publish_delivers_the_sns_envelope_to_every_queue() {
    let t = TestServer::start().await;
    let arn = topic(&t, "events").await;
    let (q1, sub1) = subscribed_queue(&t, &arn, "one", &[]).await;
    let (q2, _) = subscribed_queue(&t, &arn, "two", &[]).await;
    let out = t
        .sns
        .publish()
        .topic_arn(&arn)
        .subject("Greetings")
        .message("hello \"there\"")
        .message_attributes(
            "color",
            aws_sdk_sns::types::MessageAttributeValue::builder()
                .data_type("String")
                .string_value("red")
                .build()
                .expect("attr"),
        )
        .message_attributes(
            "blob",
            aws_sdk_sns::types::MessageAttributeValue::builder()
                .data_type("Binary")
                .binary_value(aws_sdk_sns::primitives::Blob::new(vec![2, 3, 4]))
                .build()
                .expect("attr"),
        )
        .send()
        .await
        .expect("publish");
    let message_id = out.message_id.expect("message id");
    for (url, expect_sub) in [(&q1, Some(&sub1)), (&q2, None)] {
        let m = take_one(&t, url).await;
        let e = envelope(&m);
        assert_eq!(e["Type"], "Notification");
        assert_eq!(e["MessageId"], message_id.as_str());
        assert_eq!(e["TopicArn"], arn.as_str());
        assert_eq!(e["Subject"], "Greetings");
        assert_eq!(e["Message"], "hello \"there\"");
        assert_eq!(e["SignatureVersion"], "1");
        assert!(e["Timestamp"].as_str().expect("timestamp").ends_with('Z'));
        assert_eq!(e["MessageAttributes"]["color"]["Type"], "String");
        assert_eq!(e["MessageAttributes"]["color"]["Value"], "red");
        assert_eq!(e["MessageAttributes"]["blob"]["Value"], "AgME");
        let unsubscribe = e["UnsubscribeURL"].as_str().expect("url");
        assert!(unsubscribe.contains("Action=Unsubscribe&SubscriptionArn="));
        if let Some(sub) = expect_sub {
            assert!(unsubscribe.ends_with(sub.as_str()));
        }
        // The envelope goes as the body; the attributes stay inside it.
        assert!(m.message_attributes.is_none());
    }
}

#[tokio::test]
async fn raw_delivery_sends_the_body_and_attributes_as_sqs_attributes() {
    let t = TestServer::start().await;
    let arn = topic(&t, "raw").await;
    let (url, _) = subscribed_queue(&t, &arn, "raw-q", &[("RawMessageDelivery", "true")]).await;
    t.sns
        .publish()
        .topic_arn(&arn)
        .message("just the body")
        .message_attributes(
            "price",
            aws_sdk_sns::types::MessageAttributeValue::builder()
                .data_type("Number")
                .string_value("99.12")
                .build()
                .expect("attr"),
        )
        .message_attributes(
            "tags",
            aws_sdk_sns::types::MessageAttributeValue::builder()
                .data_type("String.Array")
                .string_value(r#"["a","b"]"#)
                .build()
                .expect("attr"),
        )
        .send()
        .await
        .expect("publish");
    let m = take_one(&t, &url).await;
    assert_eq!(m.body(), Some("just the body"));
    let attrs = m.message_attributes.expect("attributes");
    assert_eq!(attrs["price"].data_type(), "Number");
    assert_eq!(attrs["price"].string_value(), Some("99.12"));
    assert_eq!(attrs["tags"].data_type(), "String.Array");
    assert!(m.md5_of_message_attributes.is_some());
}

#[tokio::test]
async fn message_structure_json_picks_the_sqs_body() {
    let t = TestServer::start().await;
    let arn = topic(&t, "structured").await;
    let (url, _) = subscribed_queue(&t, &arn, "s-q", &[]).await;
    t.sns
        .publish()
        .topic_arn(&arn)
        .message_structure("json")
        .message(r#"{"default":"fallback","sqs":"for queues","email":"for mail"}"#)
        .send()
        .await
        .expect("publish");
    assert_eq!(envelope(&take_one(&t, &url).await)["Message"], "for queues");
    let (_, message) = error(
        t.sns
            .publish()
            .topic_arn(&arn)
            .message_structure("json")
            .message(r#"{"sqs":"x"}"#)
            .send()
            .await,
    );
    assert_eq!(
        message,
        "Invalid parameter: Message Structure - No default entry in JSON message body"
    );
    let (_, message) = error(
        t.sns
            .publish()
            .topic_arn(&arn)
            .message_structure("json")
            .message("not json")
            .send()
            .await,
    );
    assert_eq!(
        message,
        "Invalid parameter: Message Structure - JSON message body failed to parse"
    );
}

#[tokio::test]
async fn publish_validates_like_aws() {
    let t = TestServer::start().await;
    let arn = topic(&t, "limits").await;
    let (code, message) = error(t.sns.publish().topic_arn(&arn).message("").send().await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("InvalidParameter", "Invalid parameter: Empty message")
    );
    let (_, message) = error(
        t.sns
            .publish()
            .topic_arn(&arn)
            .message("x".repeat(262_145))
            .send()
            .await,
    );
    assert_eq!(message, "Invalid parameter: Message too long");
    t.sns
        .publish()
        .topic_arn(&arn)
        .message("x".repeat(262_144))
        .send()
        .await
        .expect("exactly 256 KiB is accepted");
    let (_, message) = error(
        t.sns
            .publish()
            .topic_arn(&arn)
            .subject("s".repeat(101))
            .message("m")
            .send()
            .await,
    );
    assert_eq!(message, "Invalid parameter: Subject");
    let (code, message) = error(
        t.sns
            .publish()
            .topic_arn(&arn)
            .message("m")
            .message_attributes(
                "n",
                aws_sdk_sns::types::MessageAttributeValue::builder()
                    .data_type("Integer")
                    .string_value("1")
                    .build()
                    .expect("attr"),
            )
            .send()
            .await,
    );
    assert_eq!(code, "ParameterValueInvalid");
    assert_eq!(message, "The message attribute 'n' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.");
    let (code, message) = error(
        t.sns
            .publish()
            .topic_arn(&arn)
            .message("m")
            .message_attributes(
                "a^b",
                aws_sdk_sns::types::MessageAttributeValue::builder()
                    .data_type("String")
                    .string_value("1")
                    .build()
                    .expect("attr"),
            )
            .send()
            .await,
    );
    assert_eq!(code, "ParameterValueInvalid");
    assert!(
        message.starts_with("Invalid non-alphanumeric character '#x5E'"),
        "{message}"
    );
    let (_, message) = error(t.sns.publish().message("m").send().await);
    assert_eq!(
        message,
        "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter"
    );
    let (_, message) = error(
        t.sns
            .publish()
            .topic_arn(&arn)
            .message("m")
            .message_deduplication_id("d")
            .send()
            .await,
    );
    assert!(
        message.starts_with("Invalid parameter: MessageDeduplicationId"),
        "{message}"
    );
}

#[tokio::test]
async fn publish_batch_delivers_each_entry_and_rejects_bad_batches() {
    let t = TestServer::start().await;
    let arn = topic(&t, "batch").await;
    let (url, _) = subscribed_queue(&t, &arn, "batch-q", &[("RawMessageDelivery", "true")]).await;
    let entry = |id: &str, body: &str| {
        aws_sdk_sns::types::PublishBatchRequestEntry::builder()
            .id(id)
            .message(body)
            .build()
            .expect("entry")
    };
    let out = t
        .sns
        .publish_batch()
        .topic_arn(&arn)
        .publish_batch_request_entries(entry("a", "first"))
        .publish_batch_request_entries(entry("b", "second"))
        .send()
        .await
        .expect("batch");
    assert_eq!(out.successful().len(), 2);
    assert!(out.failed().is_empty());
    let mut bodies = Vec::new();
    while bodies.len() < 2 {
        for m in receive(&t, &url).await {
            bodies.push(m.body().unwrap_or_default().to_owned());
        }
    }
    bodies.sort();
    assert_eq!(bodies, vec!["first", "second"]);

    let (code, _) = error(
        t.sns
            .publish_batch()
            .topic_arn(&arn)
            .publish_batch_request_entries(entry("a", "1"))
            .publish_batch_request_entries(entry("a", "2"))
            .send()
            .await,
    );
    assert_eq!(code, "BatchEntryIdsNotDistinct");
    let mut too_many = t.sns.publish_batch().topic_arn(&arn);
    for i in 0..11 {
        too_many = too_many.publish_batch_request_entries(entry(&format!("e{i}"), "x"));
    }
    assert_eq!(
        error(too_many.send().await).0,
        "TooManyEntriesInBatchRequest"
    );
    // AWS names the id and the rule (LocalStack's AWS-recorded PublishBatch snapshots).
    let (code, message) = error(
        t.sns
            .publish_batch()
            .topic_arn(&arn)
            .publish_batch_request_entries(entry("bad id!", "1"))
            .send()
            .await,
    );
    assert_eq!(code, "InvalidBatchEntryId");
    assert_eq!(
        message,
        "The Id of a batch entry in the batch request contains an impermissible character: bad id!"
    );
    let long = "i".repeat(81);
    let (code, message) = error(
        t.sns
            .publish_batch()
            .topic_arn(&arn)
            .publish_batch_request_entries(entry(&long, "1"))
            .send()
            .await,
    );
    assert_eq!(code, "InvalidBatchEntryId");
    assert_eq!(
        message,
        format!("The Id of a batch entry in the batch request is too long: {long}")
    );
    let big = "x".repeat(140_000);
    let (code, _) = error(
        t.sns
            .publish_batch()
            .topic_arn(&arn)
            .publish_batch_request_entries(entry("a", &big))
            .publish_batch_request_entries(entry("b", &big))
            .send()
            .await,
    );
    assert_eq!(code, "BatchRequestTooLong");
}

#[tokio::test]
async fn json_protocol_is_accepted_too() {
    let t = TestServer::start().await;
    let reply = t
        .post(
            "/",
            &[
                ("content-type", "application/x-amz-json-1.0"),
                (
                    "x-amz-target",
                    "AmazonSimpleNotificationService.CreateTopic",
                ),
            ],
            r#"{"Name":"via-json"}"#,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.json()["TopicArn"],
        "arn:aws:sns:us-east-1:000000000000:via-json"
    );
    let reply = t
        .post(
            "/",
            &[
                ("content-type", "application/x-amz-json-1.0"),
                (
                    "x-amz-target",
                    "AmazonSimpleNotificationService.GetTopicAttributes",
                ),
            ],
            r#"{"TopicArn":"arn:aws:sns:us-east-1:000000000000:missing"}"#,
        )
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.json()["__type"],
        "com.amazonaws.sns#NotFoundException"
    );
    assert_eq!(reply.header("x-amzn-query-error"), Some("NotFound;Sender"));
}

/// SNS's own `AWS.SNS.SMS.*` / `AWS.SNS.MOBILE.*` attributes are accepted on Publish; any
/// other `AWS.` name is a reserved prefix.
#[tokio::test]
async fn sns_own_attribute_names_are_not_reserved() {
    let t = TestServer::start().await;
    let arn = topic(&t, "sms-attrs").await;
    let value = |v: &str| {
        aws_sdk_sns::types::MessageAttributeValue::builder()
            .data_type("String")
            .string_value(v)
            .build()
            .expect("attribute")
    };
    for name in ["AWS.SNS.SMS.SMSType", "AWS.SNS.MOBILE.APNS.PUSH_TYPE"] {
        t.sns
            .publish()
            .topic_arn(&arn)
            .message("m")
            .message_attributes(name, value("Transactional"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    }
    let (code, message) = error(
        t.sns
            .publish()
            .topic_arn(&arn)
            .message("m")
            .message_attributes("AWS.Custom", value("x"))
            .send()
            .await,
    );
    assert_eq!(code, "ParameterValueInvalid");
    assert!(message.contains("reserved prefix"), "{message}");
}
