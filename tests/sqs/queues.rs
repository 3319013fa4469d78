//! Queue lifecycle and attributes through aws-sdk-sqs.

use aws_sdk_sqs::types::QueueAttributeName as A;
use sluice_tests::TestServer;

use crate::code;

#[tokio::test]
async fn create_get_list_delete() {
    let t = TestServer::start().await;
    let url = t.queue("jobs").await;
    assert_eq!(url, format!("{}/000000000000/jobs", t.endpoint()));
    let got = t
        .sqs
        .get_queue_url()
        .queue_name("jobs")
        .send()
        .await
        .expect("get url");
    assert_eq!(got.queue_url(), Some(url.as_str()));

    for name in ["jobs-2", "other"] {
        t.queue(name).await;
    }
    let all = t.sqs.list_queues().send().await.expect("list");
    assert_eq!(all.queue_urls().len(), 3);
    assert_eq!(all.next_token(), None);
    let jobs = t
        .sqs
        .list_queues()
        .queue_name_prefix("jobs")
        .send()
        .await
        .expect("list");
    assert_eq!(jobs.queue_urls().len(), 2);

    t.sqs
        .delete_queue()
        .queue_url(&url)
        .send()
        .await
        .expect("delete");
    let (c, m) = code(t.sqs.get_queue_url().queue_name("jobs").send().await);
    assert_eq!(c, "AWS.SimpleQueueService.NonExistentQueue");
    assert_eq!(m, "The specified queue does not exist.");
    let (c, _) = code(t.sqs.delete_queue().queue_url(&url).send().await);
    assert_eq!(c, "AWS.SimpleQueueService.NonExistentQueue");
}

#[tokio::test]
async fn list_queues_paginates_only_with_max_results() {
    let t = TestServer::start().await;
    for i in 0..5 {
        t.queue(&format!("q{i}")).await;
    }
    let mut token = None;
    let mut seen = Vec::new();
    loop {
        let page = t
            .sqs
            .list_queues()
            .max_results(2)
            .set_next_token(token)
            .send()
            .await
            .expect("page");
        assert!(page.queue_urls().len() <= 2);
        seen.extend(page.queue_urls().iter().cloned());
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 5);
    seen.dedup();
    assert_eq!(seen.len(), 5);
    let (c, _) = code(t.sqs.list_queues().max_results(1001).send().await);
    assert_eq!(c, "InvalidParameterValue");
}

#[tokio::test]
async fn create_is_idempotent_and_detects_conflicts() {
    let t = TestServer::start().await;
    let first = t
        .sqs
        .create_queue()
        .queue_name("q")
        .attributes(A::VisibilityTimeout, "60")
        .send()
        .await
        .expect("create");
    let again = t
        .sqs
        .create_queue()
        .queue_name("q")
        .attributes(A::VisibilityTimeout, "60")
        .send()
        .await
        .expect("same attributes");
    assert_eq!(first.queue_url(), again.queue_url());
    t.sqs
        .create_queue()
        .queue_name("q")
        .send()
        .await
        .expect("no attributes");
    let (c, m) = code(
        t.sqs
            .create_queue()
            .queue_name("q")
            .attributes(A::VisibilityTimeout, "61")
            .send()
            .await,
    );
    assert_eq!(c, "QueueAlreadyExists");
    assert_eq!(
        m,
        "A queue already exists with the same name and a different value for attribute VisibilityTimeout"
    );
}

#[tokio::test]
async fn idempotency_compares_unreported_settings_too() {
    let t = TestServer::start().await;
    let create = |v: &'static str| {
        t.sqs
            .create_queue()
            .queue_name("kms")
            .attributes(A::KmsDataKeyReusePeriodSeconds, v)
            .send()
    };
    create("600").await.expect("create");
    create("600").await.expect("same");
    let (c, _) = code(create("900").await);
    assert_eq!(c, "QueueAlreadyExists");
}

#[tokio::test]
async fn queue_name_rules() {
    let t = TestServer::start().await;
    for bad in ["has space", "dot.ted", "", &"x".repeat(81)] {
        let (c, m) = code(t.sqs.create_queue().queue_name(bad).send().await);
        assert_eq!(c, "InvalidParameterValue", "{bad:?}");
        assert_eq!(
            m,
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
        );
    }
    t.queue(&"x".repeat(80)).await;
}

#[tokio::test]
async fn attributes_all_and_by_name() {
    let t = TestServer::start().await;
    let url = t.queue("attrs").await;
    let all = t
        .sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(A::All)
        .send()
        .await
        .expect("all");
    let attrs = all.attributes().expect("attributes");
    let mut names: Vec<&str> = attrs.keys().map(|k| k.as_str()).collect();
    names.sort_unstable();
    // Exactly the twelve attributes AWS returns for a new standard queue.
    assert_eq!(
        names,
        vec![
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesDelayed",
            "ApproximateNumberOfMessagesNotVisible",
            "CreatedTimestamp",
            "DelaySeconds",
            "LastModifiedTimestamp",
            "MaximumMessageSize",
            "MessageRetentionPeriod",
            "QueueArn",
            "ReceiveMessageWaitTimeSeconds",
            "SqsManagedSseEnabled",
            "VisibilityTimeout",
        ]
    );
    assert_eq!(
        attrs[&A::QueueArn],
        "arn:aws:sqs:us-east-1:000000000000:attrs"
    );
    assert_eq!(attrs[&A::MaximumMessageSize], "1048576");

    let none = t
        .sqs
        .get_queue_attributes()
        .queue_url(&url)
        .send()
        .await
        .expect("none");
    assert!(none.attributes().is_none_or(|a| a.is_empty()));

    t.advance(5).await;
    t.sqs
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(A::VisibilityTimeout, "120")
        .attributes(A::Policy, r#"{"Version":"2012-10-17","Statement":[]}"#)
        .send()
        .await
        .expect("set");
    let some = t
        .sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(A::VisibilityTimeout)
        .attribute_names(A::Policy)
        .attribute_names(A::LastModifiedTimestamp)
        .attribute_names(A::CreatedTimestamp)
        .send()
        .await
        .expect("some");
    let a = some.attributes().expect("attributes");
    assert_eq!(a.len(), 4);
    assert_eq!(a[&A::VisibilityTimeout], "120");
    let created: u64 = a[&A::CreatedTimestamp].parse().expect("secs");
    let modified: u64 = a[&A::LastModifiedTimestamp].parse().expect("secs");
    assert_eq!(modified - created, 5);
}

#[tokio::test]
async fn attribute_validation() {
    let t = TestServer::start().await;
    let url = t.queue("v").await;
    let set = |name: A, value: &str| {
        t.sqs
            .set_queue_attributes()
            .queue_url(&url)
            .attributes(name, value)
            .send()
    };
    for (name, bad) in [
        (A::VisibilityTimeout, "43201"),
        (A::DelaySeconds, "901"),
        (A::MaximumMessageSize, "1023"),
        (A::MessageRetentionPeriod, "59"),
        (A::ReceiveMessageWaitTimeSeconds, "21"),
        (A::VisibilityTimeout, "1.5"),
        (A::VisibilityTimeout, " 6"),
        (A::VisibilityTimeout, "+6"),
        (A::Policy, "not json"),
    ] {
        let (c, m) = code(set(name.clone(), bad).await);
        assert_eq!(c, "InvalidAttributeValue", "{name}={bad}");
        assert_eq!(m, format!("Invalid value for the parameter {name}."));
    }
    let (c, m) = code(set(A::from("Colour"), "blue").await);
    assert_eq!(
        (c.as_str(), m.as_str()),
        ("InvalidAttributeName", "Unknown Attribute Colour.")
    );
    let (c, _) = code(set(A::QueueArn, "arn:aws:sqs:x:y:z").await);
    assert_eq!(c, "InvalidAttributeName");
    let (c, _) = code(set(A::FifoQueue, "true").await);
    assert_eq!(c, "InvalidAttributeName");
    let (c, _) = code(
        t.sqs
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(A::from("Nope"))
            .send()
            .await,
    );
    assert_eq!(c, "InvalidAttributeName");
}

#[tokio::test]
async fn tags() {
    let t = TestServer::start().await;
    let url = t
        .sqs
        .create_queue()
        .queue_name("tagged")
        .tags("team", "a")
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    t.sqs
        .tag_queue()
        .queue_url(&url)
        .tags("env", "dev")
        .send()
        .await
        .expect("tag");
    t.sqs
        .untag_queue()
        .queue_url(&url)
        .tag_keys("team")
        .send()
        .await
        .expect("untag");
    let tags = t
        .sqs
        .list_queue_tags()
        .queue_url(&url)
        .send()
        .await
        .expect("list");
    let tags = tags.tags().expect("tags");
    assert_eq!(tags.len(), 1);
    assert_eq!(tags["env"], "dev");
}

#[tokio::test]
async fn regions_are_isolated() {
    let t = TestServer::start().await;
    t.queue("shared-name").await;
    let eu = sluice_tests::sqs_client(&t.endpoint(), "eu-west-1");
    let (c, _) = code(eu.get_queue_url().queue_name("shared-name").send().await);
    assert_eq!(c, "AWS.SimpleQueueService.NonExistentQueue");
    eu.create_queue()
        .queue_name("shared-name")
        .send()
        .await
        .expect("create in eu");
    let arn = eu
        .get_queue_attributes()
        .queue_url(format!("{}/000000000000/shared-name", t.endpoint()))
        .attribute_names(A::QueueArn)
        .send()
        .await
        .expect("attrs");
    assert_eq!(
        arn.attributes().expect("a")[&A::QueueArn],
        "arn:aws:sqs:eu-west-1:000000000000:shared-name"
    );
}
