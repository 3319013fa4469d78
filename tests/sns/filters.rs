//! Filter policies end to end: attribute and body scopes decide which queues get a message.
//! A message filtered out is shown absent by a later sentinel arriving first.

use super::*;

fn string_attr(value: &str) -> aws_sdk_sns::types::MessageAttributeValue {
    aws_sdk_sns::types::MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .expect("attr")
}

fn number_attr(value: &str) -> aws_sdk_sns::types::MessageAttributeValue {
    aws_sdk_sns::types::MessageAttributeValue::builder()
        .data_type("Number")
        .string_value(value)
        .build()
        .expect("attr")
}

#[tokio::test]
async fn attribute_policies_route_messages() {
    let t = TestServer::start().await;
    let arn = topic(&t, "shop").await;
    let policy = r#"{"store":["example_corp"],"price":[{"numeric":[">=",100]}],"event":[{"anything-but":"cancelled"}]}"#;
    let (url, _) = subscribed_queue(
        &t,
        &arn,
        "big",
        &[("FilterPolicy", policy), ("RawMessageDelivery", "true")],
    )
    .await;
    let publish =
        |body: &'static str, store: &'static str, price: &'static str, event: &'static str| {
            t.sns
                .publish()
                .topic_arn(&arn)
                .message(body)
                .message_attributes("store", string_attr(store))
                .message_attributes("price", number_attr(price))
                .message_attributes("event", string_attr(event))
                .send()
        };
    publish("cheap", "example_corp", "99", "order")
        .await
        .expect("publish");
    publish("other store", "acme", "500", "order")
        .await
        .expect("publish");
    publish("cancelled", "example_corp", "500", "cancelled")
        .await
        .expect("publish");
    publish("match", "example_corp", "1e3", "order")
        .await
        .expect("publish");
    assert_eq!(take_one(&t, &url).await.body(), Some("match"));
}

#[tokio::test]
async fn body_policies_match_nested_keys() {
    let t = TestServer::start().await;
    let arn = topic(&t, "bodies").await;
    let policy = r#"{"order":{"region":[{"prefix":"eu-"}],"total":[{"numeric":[">",10]}]}}"#;
    let (url, sub) = subscribed_queue(
        &t,
        &arn,
        "eu",
        &[
            ("FilterPolicyScope", "MessageBody"),
            ("FilterPolicy", policy),
            ("RawMessageDelivery", "true"),
        ],
    )
    .await;
    for body in [
        r#"{"order":{"region":"us-east-1","total":50}}"#,
        r#"{"order":{"region":"eu-west-1","total":5}}"#,
        "not json at all",
        r#"{"order":{"region":"eu-west-1","total":50}}"#,
    ] {
        t.sns
            .publish()
            .topic_arn(&arn)
            .message(body)
            .send()
            .await
            .expect("publish");
    }
    assert_eq!(
        take_one(&t, &url).await.body(),
        Some(r#"{"order":{"region":"eu-west-1","total":50}}"#)
    );
    let attrs = t
        .sns
        .get_subscription_attributes()
        .subscription_arn(&sub)
        .send()
        .await
        .expect("attrs")
        .attributes
        .expect("map");
    assert_eq!(attrs["FilterPolicyScope"], "MessageBody");
    assert_eq!(attrs["FilterPolicy"], policy);
}

#[tokio::test]
async fn bad_policies_get_aws_errors() {
    let t = TestServer::start().await;
    let arn = topic(&t, "strict").await;
    let url = t.queue("strict-q").await;
    let endpoint = queue_arn(&t, &url).await;
    let subscribe = |policy: &'static str| {
        t.sns
            .subscribe()
            .topic_arn(&arn)
            .protocol("sqs")
            .endpoint(&endpoint)
            .attributes("FilterPolicy", policy)
            .send()
    };
    let (code, message) = error(subscribe(r#"{"a":[{"wrong-operator":1}]}"#).await);
    assert_eq!(code, "InvalidParameter");
    assert_eq!(
        message,
        "Invalid parameter: Attributes Reason: FilterPolicy: Unrecognized match type wrong-operator"
    );
    let (_, message) =
        error(subscribe(r#"{"a":["1"],"b":["1"],"c":["1"],"d":["1"],"e":["1"],"f":["1"]}"#).await);
    assert_eq!(
        message,
        "Invalid parameter: Attributes Reason: FilterPolicy: Filter policy can not have more than 5 keys"
    );
    let (_, message) = error(subscribe(r#"{"a":{"b":["1"]}}"#).await);
    assert!(
        message.contains(
            "Filter policy scope MessageAttributes does not support nested filter policy"
        ),
        "{message}"
    );

    let sub = t
        .sns
        .subscribe()
        .topic_arn(&arn)
        .protocol("sqs")
        .endpoint(&endpoint)
        .send()
        .await
        .expect("subscribe")
        .subscription_arn
        .expect("arn");
    let (_, message) = error(
        t.sns
            .set_subscription_attributes()
            .subscription_arn(&sub)
            .attribute_name("FilterPolicy")
            .attribute_value(r#"{"price":[{"numeric":[">",10,">",5]}]}"#)
            .send()
            .await,
    );
    assert!(
        message.starts_with("Invalid parameter: FilterPolicy: "),
        "{message}"
    );
    let (code, message) = error(
        t.sns
            .set_subscription_attributes()
            .subscription_arn(&sub)
            .attribute_name("FilterPolicy")
            .attribute_value("{invalidjson}")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameter");
    assert!(
        message.starts_with("Invalid parameter: FilterPolicy: failed to parse JSON."),
        "{message}"
    );
    let (_, message) = error(
        t.sns
            .set_subscription_attributes()
            .subscription_arn(&sub)
            .attribute_name("FilterPolicyScope")
            .attribute_value("Elsewhere")
            .send()
            .await,
    );
    assert_eq!(message, "Invalid parameter: FilterPolicyScope: Invalid value [Elsewhere]. Please use either MessageBody or MessageAttributes");
}
