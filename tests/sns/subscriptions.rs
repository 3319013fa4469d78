//! Subscriptions: endpoint rules per protocol, idempotent re-subscribe, listings,
//! attributes, confirmation of email subscriptions, unsubscribe.

use super::*;

#[tokio::test]
async fn subscribe_validates_protocol_and_endpoint() {
    let t = TestServer::start().await;
    let arn = topic(&t, "subs").await;
    let subscribe = |protocol: &'static str, endpoint: &'static str| {
        t.sns
            .subscribe()
            .topic_arn(&arn)
            .protocol(protocol)
            .endpoint(endpoint)
            .send()
    };
    let (_, message) = error(subscribe("pigeon", "x").await);
    assert_eq!(
        message,
        "Invalid parameter: Amazon SNS does not support this protocol string: pigeon"
    );
    let (_, message) = error(subscribe("sqs", "http://localhost:4566/000000000000/q").await);
    assert_eq!(message, "Invalid parameter: SQS endpoint ARN");
    let (_, message) = error(subscribe("sms", "not-a-number").await);
    assert_eq!(message, "Invalid SMS endpoint: not-a-number");
    let (code, _) = error(subscribe("http", "ftp://example.com").await);
    assert_eq!(code, "InvalidParameter");
    let (code, message) = error(
        t.sns
            .subscribe()
            .topic_arn("arn:aws:sns:us-east-1:000000000000:missing")
            .protocol("sqs")
            .endpoint("arn:aws:sqs:us-east-1:000000000000:q")
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("NotFound", "Topic does not exist")
    );
    // An SQS queue that does not exist (yet) may be subscribed, as in AWS.
    let sub = subscribe("sqs", "arn:aws:sqs:us-east-1:000000000000:later")
        .await
        .expect("subscribe");
    assert!(sub
        .subscription_arn()
        .expect("arn")
        .starts_with(&format!("{arn}:")));
}

#[tokio::test]
async fn resubscribing_is_idempotent_unless_attributes_differ() {
    let t = TestServer::start().await;
    let arn = topic(&t, "again").await;
    let (url, sub) = subscribed_queue(&t, &arn, "again-q", &[("RawMessageDelivery", "true")]).await;
    let endpoint = queue_arn(&t, &url).await;
    let same = t
        .sns
        .subscribe()
        .topic_arn(&arn)
        .protocol("sqs")
        .endpoint(&endpoint)
        .send()
        .await
        .expect("resubscribe");
    assert_eq!(same.subscription_arn(), Some(sub.as_str()));
    let (_, message) = error(
        t.sns
            .subscribe()
            .topic_arn(&arn)
            .protocol("sqs")
            .endpoint(&endpoint)
            .attributes("RawMessageDelivery", "false")
            .send()
            .await,
    );
    assert_eq!(message, "Invalid parameter: Attributes Reason: Subscription already exists with different attributes");
}

#[tokio::test]
async fn subscription_attributes_listings_and_unsubscribe() {
    let t = TestServer::start().await;
    let arn = topic(&t, "listed").await;
    let other = topic(&t, "listed2").await;
    let (_, sub) = subscribed_queue(&t, &arn, "l1", &[]).await;
    subscribed_queue(&t, &other, "l2", &[]).await;
    let attrs = t
        .sns
        .get_subscription_attributes()
        .subscription_arn(&sub)
        .send()
        .await
        .expect("attrs")
        .attributes
        .expect("map");
    assert_eq!(attrs["Protocol"], "sqs");
    assert_eq!(attrs["PendingConfirmation"], "false");
    assert_eq!(attrs["ConfirmationWasAuthenticated"], "true");
    assert_eq!(attrs["RawMessageDelivery"], "false");
    assert_eq!(attrs["TopicArn"], arn);
    t.sns
        .set_subscription_attributes()
        .subscription_arn(&sub)
        .attribute_name("RawMessageDelivery")
        .attribute_value("true")
        .send()
        .await
        .expect("set");
    let (_, message) = error(
        t.sns
            .set_subscription_attributes()
            .subscription_arn(&sub)
            .attribute_name("RawMessageDelivery")
            .attribute_value("yes")
            .send()
            .await,
    );
    assert_eq!(
        message,
        "Invalid parameter: RawMessageDelivery: Invalid value [yes]. Must be true or false."
    );
    let (_, message) = error(
        t.sns
            .set_subscription_attributes()
            .subscription_arn(&sub)
            .attribute_name("Color")
            .attribute_value("x")
            .send()
            .await,
    );
    assert_eq!(message, "Invalid parameter: AttributeName");

    let all = t.sns.list_subscriptions().send().await.expect("list");
    assert_eq!(all.subscriptions().len(), 2);
    let by_topic = t
        .sns
        .list_subscriptions_by_topic()
        .topic_arn(&arn)
        .send()
        .await
        .expect("list");
    assert_eq!(by_topic.subscriptions().len(), 1);
    assert_eq!(
        by_topic.subscriptions()[0].subscription_arn(),
        Some(sub.as_str())
    );
    assert_eq!(by_topic.subscriptions()[0].owner(), Some("000000000000"));

    t.sns
        .unsubscribe()
        .subscription_arn(&sub)
        .send()
        .await
        .expect("unsubscribe");
    t.sns
        .unsubscribe()
        .subscription_arn(&sub)
        .send()
        .await
        .expect("idempotent");
    let (code, message) = error(
        t.sns
            .get_subscription_attributes()
            .subscription_arn(&sub)
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("NotFound", "Subscription does not exist")
    );
    let attrs = t
        .sns
        .get_topic_attributes()
        .topic_arn(&arn)
        .send()
        .await
        .expect("get")
        .attributes
        .expect("map");
    assert_eq!(attrs["SubscriptionsDeleted"], "1");
    // Deleting a topic removes its subscriptions.
    t.sns
        .delete_topic()
        .topic_arn(&other)
        .send()
        .await
        .expect("delete");
    assert!(t
        .sns
        .list_subscriptions()
        .send()
        .await
        .expect("list")
        .subscriptions()
        .is_empty());
}

#[tokio::test]
async fn email_subscriptions_wait_for_confirmation() {
    let t = TestServer::start().await;
    let arn = topic(&t, "mail").await;
    let out = t
        .sns
        .subscribe()
        .topic_arn(&arn)
        .protocol("email")
        .endpoint("someone@example.com")
        .send()
        .await
        .expect("subscribe");
    assert_eq!(out.subscription_arn(), Some("pending confirmation"));
    let listed = t
        .sns
        .list_subscriptions_by_topic()
        .topic_arn(&arn)
        .send()
        .await
        .expect("list");
    assert_eq!(
        listed.subscriptions()[0].subscription_arn(),
        Some("PendingConfirmation")
    );
    let with_arn = t
        .sns
        .subscribe()
        .topic_arn(&arn)
        .protocol("email")
        .endpoint("someone@example.com")
        .return_subscription_arn(true)
        .send()
        .await
        .expect("subscribe")
        .subscription_arn
        .expect("arn");
    let token = t
        .get(&format!("/_aws/sns/subscription-tokens/{with_arn}"))
        .await
        .json()["subscription_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let (_, message) = error(
        t.sns
            .confirm_subscription()
            .topic_arn(&arn)
            .token("abcdef")
            .send()
            .await,
    );
    assert_eq!(message, "Invalid parameter: Token");
    let confirmed = t
        .sns
        .confirm_subscription()
        .topic_arn(&arn)
        .token(&token)
        .send()
        .await
        .expect("confirm");
    assert_eq!(confirmed.subscription_arn(), Some(with_arn.as_str()));
    let attrs = t
        .sns
        .get_subscription_attributes()
        .subscription_arn(&with_arn)
        .send()
        .await
        .expect("attrs")
        .attributes
        .expect("map");
    assert_eq!(attrs["PendingConfirmation"], "false");
    t.sns
        .publish()
        .topic_arn(&arn)
        .subject("Hi")
        .message("mail body")
        .send()
        .await
        .expect("publish");
    flush(&t).await;
    let outbox = t.get("/_sluice/sns/outbox?kind=email").await.json();
    assert_eq!(outbox["email"][0]["Destination"], "someone@example.com");
    assert_eq!(outbox["email"][0]["Message"], "mail body");
    assert_eq!(outbox["email"][0]["Subject"], "Hi");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_identical_subscribes_make_one_subscription() {
    let t = TestServer::start().await;
    let arn = topic(&t, "racy").await;
    let mut calls = Vec::new();
    for _ in 0..8 {
        let sns = t.sns.clone();
        let arn = arn.clone();
        calls.push(tokio::spawn(async move {
            sns.subscribe()
                .topic_arn(arn)
                .protocol("sqs")
                .endpoint("arn:aws:sqs:us-east-1:000000000000:racy-q")
                .send()
                .await
                .expect("subscribe")
                .subscription_arn
                .expect("arn")
        }));
    }
    let mut arns = Vec::new();
    for call in calls {
        arns.push(call.await.expect("task"));
    }
    arns.dedup();
    assert_eq!(arns.len(), 1, "{arns:?}");
    let listed = t
        .sns
        .list_subscriptions_by_topic()
        .topic_arn(&arn)
        .send()
        .await
        .expect("list");
    assert_eq!(listed.subscriptions().len(), 1);
}
