//! Topics: creation rules and idempotency, attributes, listing, tags, permissions, deletion.

use super::*;

#[tokio::test]
async fn create_topic_is_idempotent_and_validates_names() {
    let t = TestServer::start().await;
    let arn = topic(&t, "orders").await;
    assert_eq!(arn, "arn:aws:sns:us-east-1:000000000000:orders");
    assert_eq!(topic(&t, "orders").await, arn);
    for bad in ["", "has space", "a:b", &"x".repeat(257), "orders.fifo"] {
        let (code, message) = error(t.sns.create_topic().name(bad).send().await);
        assert_eq!(code, "InvalidParameter", "{bad}");
        assert!(
            message.starts_with("Invalid parameter: Topic Name"),
            "{bad}: {message}"
        );
    }
    let (code, _) = error(
        t.sns
            .create_topic()
            .name("plain")
            .attributes("FifoTopic", "true")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameter");
    t.sns
        .create_topic()
        .name("named")
        .attributes("DisplayName", "one")
        .send()
        .await
        .expect("create");
    let (_, message) = error(
        t.sns
            .create_topic()
            .name("named")
            .attributes("DisplayName", "two")
            .send()
            .await,
    );
    assert_eq!(
        message,
        "Invalid parameter: Attributes Reason: Topic already exists with different attributes"
    );
}

#[tokio::test]
async fn topic_attributes_have_aws_defaults_and_can_be_set() {
    let t = TestServer::start().await;
    let arn = topic(&t, "attrs").await;
    let attrs = t
        .sns
        .get_topic_attributes()
        .topic_arn(&arn)
        .send()
        .await
        .expect("get")
        .attributes
        .expect("attributes");
    assert_eq!(attrs["TopicArn"], arn);
    assert_eq!(attrs["Owner"], "000000000000");
    assert_eq!(attrs["SubscriptionsConfirmed"], "0");
    assert_eq!(attrs["DisplayName"], "");
    assert!(!attrs.contains_key("FifoTopic"));
    let policy: serde_json::Value = serde_json::from_str(&attrs["Policy"]).expect("policy json");
    assert_eq!(policy["Statement"][0]["Resource"], arn);
    let effective: serde_json::Value =
        serde_json::from_str(&attrs["EffectiveDeliveryPolicy"]).expect("json");
    assert_eq!(
        effective["http"]["defaultHealthyRetryPolicy"]["numRetries"],
        3
    );

    t.sns
        .set_topic_attributes()
        .topic_arn(&arn)
        .attribute_name("DisplayName")
        .attribute_value("Orders")
        .send()
        .await
        .expect("set");
    t.sns
        .set_topic_attributes()
        .topic_arn(&arn)
        .attribute_name("DeliveryPolicy")
        .attribute_value(r#"{"http":{"defaultHealthyRetryPolicy":{"numRetries":7}}}"#)
        .send()
        .await
        .expect("set delivery policy");
    let attrs = t
        .sns
        .get_topic_attributes()
        .topic_arn(&arn)
        .send()
        .await
        .expect("get")
        .attributes
        .expect("attributes");
    assert_eq!(attrs["DisplayName"], "Orders");
    let effective: serde_json::Value =
        serde_json::from_str(&attrs["EffectiveDeliveryPolicy"]).expect("json");
    assert_eq!(
        effective["http"]["defaultHealthyRetryPolicy"]["numRetries"],
        7
    );
    assert_eq!(
        effective["http"]["defaultHealthyRetryPolicy"]["minDelayTarget"],
        20
    );

    let (code, message) = error(
        t.sns
            .set_topic_attributes()
            .topic_arn(&arn)
            .attribute_name("FifoTopic")
            .attribute_value("true")
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("InvalidParameter", "Invalid parameter: AttributeName")
    );

    let fifo = fifo_topic(&t, "attrs.fifo", true).await;
    let attrs = t
        .sns
        .get_topic_attributes()
        .topic_arn(&fifo)
        .send()
        .await
        .expect("get")
        .attributes
        .expect("attributes");
    assert_eq!(attrs["FifoTopic"], "true");
    assert_eq!(attrs["ContentBasedDeduplication"], "true");
}

#[tokio::test]
async fn missing_and_malformed_topics_get_aws_errors() {
    let t = TestServer::start().await;
    let (code, message) = error(
        t.sns
            .get_topic_attributes()
            .topic_arn("arn:aws:sns:us-east-1:000000000000:nope")
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("NotFound", "Topic does not exist")
    );
    let (code, message) = error(t.sns.get_topic_attributes().topic_arn("nope").send().await);
    assert_eq!(code, "InvalidParameter");
    assert_eq!(
        message,
        "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1"
    );
    let (_, message) = error(
        t.sns
            .publish()
            .topic_arn("arn:aws:sns:eu-west-1:000000000000:elsewhere")
            .message("hi")
            .send()
            .await,
    );
    assert_eq!(message, "Invalid parameter: TopicArn");
    // Deleting a topic that does not exist succeeds, as in AWS.
    t.sns
        .delete_topic()
        .topic_arn("arn:aws:sns:us-east-1:000000000000:nope")
        .send()
        .await
        .expect("idempotent delete");
}

#[tokio::test]
async fn list_topics_pages_by_one_hundred() {
    let t = TestServer::start().await;
    for i in 0..105 {
        topic(&t, &format!("t{i:03}")).await;
    }
    let first = t.sns.list_topics().send().await.expect("list");
    assert_eq!(first.topics().len(), 100);
    let token = first.next_token.clone().expect("a second page");
    let second = t
        .sns
        .list_topics()
        .next_token(token)
        .send()
        .await
        .expect("list");
    assert_eq!(second.topics().len(), 5);
    assert!(second.next_token.is_none());
    let deleted = first.topics()[0].topic_arn().expect("arn").to_owned();
    t.sns
        .delete_topic()
        .topic_arn(&deleted)
        .send()
        .await
        .expect("delete");
    let all = t.sns.list_topics().send().await.expect("list");
    assert!(all.topics().iter().all(|x| x.topic_arn() != Some(&deleted)));
}

#[tokio::test]
async fn tags_permissions_and_data_protection_are_stored() {
    let t = TestServer::start().await;
    let arn = topic(&t, "tagged").await;
    let tag = |k: &str, v: &str| {
        aws_sdk_sns::types::Tag::builder()
            .key(k)
            .value(v)
            .build()
            .expect("tag")
    };
    t.sns
        .tag_resource()
        .resource_arn(&arn)
        .tags(tag("team", "a"))
        .tags(tag("env", "dev"))
        .send()
        .await
        .expect("tag");
    t.sns
        .untag_resource()
        .resource_arn(&arn)
        .tag_keys("env")
        .send()
        .await
        .expect("untag");
    let tags = t
        .sns
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .expect("list tags");
    let tags: Vec<(&str, &str)> = tags.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(tags, vec![("team", "a")]);
    let (code, _) = error(
        t.sns
            .tag_resource()
            .resource_arn(&arn)
            .tags(tag("x", "1"))
            .tags(tag("x", "2"))
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameter");
    let (code, _) = error(
        t.sns
            .list_tags_for_resource()
            .resource_arn("arn:aws:sns:us-east-1:000000000000:gone")
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFound");

    t.sns
        .add_permission()
        .topic_arn(&arn)
        .label("allow-publish")
        .aws_account_id("111122223333")
        .action_name("Publish")
        .send()
        .await
        .expect("add permission");
    let (_, message) = error(
        t.sns
            .add_permission()
            .topic_arn(&arn)
            .label("allow-publish")
            .aws_account_id("111122223333")
            .action_name("Publish")
            .send()
            .await,
    );
    assert_eq!(message, "Invalid parameter: Statement already exists");
    let policy = |attrs: std::collections::HashMap<String, String>| -> serde_json::Value {
        serde_json::from_str(&attrs["Policy"]).expect("policy")
    };
    let attrs = t
        .sns
        .get_topic_attributes()
        .topic_arn(&arn)
        .send()
        .await
        .expect("get")
        .attributes
        .expect("attrs");
    let statements = policy(attrs)["Statement"].clone();
    assert_eq!(statements[1]["Sid"], "allow-publish");
    assert_eq!(statements[1]["Action"], "SNS:Publish");
    t.sns
        .remove_permission()
        .topic_arn(&arn)
        .label("allow-publish")
        .send()
        .await
        .expect("remove");
    let attrs = t
        .sns
        .get_topic_attributes()
        .topic_arn(&arn)
        .send()
        .await
        .expect("get")
        .attributes
        .expect("attrs");
    assert_eq!(policy(attrs)["Statement"].as_array().map(Vec::len), Some(1));

    let document = r#"{"Name":"p","Version":"2021-06-01","Statement":[]}"#;
    t.sns
        .put_data_protection_policy()
        .resource_arn(&arn)
        .data_protection_policy(document)
        .send()
        .await
        .expect("put");
    let got = t
        .sns
        .get_data_protection_policy()
        .resource_arn(&arn)
        .send()
        .await
        .expect("get");
    assert_eq!(got.data_protection_policy(), Some(document));
}

/// `Tags=` (an empty list, as botocore sends `Tags=[]`) creates the topic, idempotently.
#[tokio::test]
async fn an_empty_tag_list_creates_the_topic() {
    let t = TestServer::start().await;
    let mut arns = Vec::new();
    for _ in 0..2 {
        let r = t
            .query(
                "/",
                "Action=CreateTopic&Version=2010-03-31&Name=events&Tags=",
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let arn = r
            .body
            .split("<TopicArn>")
            .nth(1)
            .and_then(|s| s.split("</TopicArn>").next())
            .expect("arn")
            .to_owned();
        arns.push(arn);
    }
    assert_eq!(arns[0], "arn:aws:sns:us-east-1:000000000000:events");
    assert_eq!(arns[0], arns[1]);
}
