//! The README's config file example, loaded as written: every declared resource exists with
//! its attributes, wiring and filter policy. Also: unknown keys and bad entries are rejected
//! with the entry named.

use sluice::{ConfigFile, Server};

/// The first ```toml block of the README.
fn readme_example() -> String {
    let readme = include_str!("../../README.md");
    let start = readme.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let end = start + readme[start..].find("```").expect("closed block");
    readme[start..end].to_owned()
}

#[tokio::test]
async fn the_readme_example_boots_every_resource() {
    let file = ConfigFile::parse(&readme_example()).expect("the README example parses");
    let settings = file
        .server
        .clone()
        .unwrap_or_default()
        .overridden_by(sluice::config::RawSettings {
            port: Some(0),
            ..Default::default()
        })
        .validate()
        .expect("valid settings");
    assert!(!settings.queue_deleted_recently);
    let server = Server::builder()
        .settings(settings)
        .manual_clock()
        .housekeeping(false)
        .bootstrap(file.resources)
        .spawn()
        .await
        .expect("boots");
    let endpoint = server.endpoint_url();
    let sqs = sluice_tests::sqs_client(&endpoint, "us-east-1");
    let sns = sluice_tests::sns_client(&endpoint, "us-east-1");
    let mut urls = sqs
        .list_queues()
        .send()
        .await
        .expect("list")
        .queue_urls
        .unwrap_or_default();
    urls.sort();
    let names: Vec<&str> = urls.iter().filter_map(|u| u.rsplit('/').next()).collect();
    assert_eq!(names, vec!["jobs", "jobs-dlq", "orders.fifo"]);
    let jobs = urls.iter().find(|u| u.ends_with("/jobs")).expect("jobs");
    let attrs = sqs
        .get_queue_attributes()
        .queue_url(jobs)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
        .send()
        .await
        .expect("attributes")
        .attributes
        .expect("map");
    use aws_sdk_sqs::types::QueueAttributeName as A;
    assert_eq!(attrs[&A::VisibilityTimeout], "30");
    assert!(attrs[&A::RedrivePolicy].contains("jobs-dlq"));
    let tags = sqs
        .list_queue_tags()
        .queue_url(jobs)
        .send()
        .await
        .expect("tags");
    assert_eq!(
        tags.tags().and_then(|t| t.get("team")).map(String::as_str),
        Some("payments")
    );

    let topics = sns.list_topics().send().await.expect("topics");
    assert_eq!(topics.topics().len(), 2);
    let subs = sns
        .list_subscriptions()
        .send()
        .await
        .expect("subscriptions");
    assert_eq!(subs.subscriptions().len(), 2);
    let events_sub = subs
        .subscriptions()
        .iter()
        .find(|s| s.topic_arn() == Some("arn:aws:sns:us-east-1:000000000000:events"))
        .expect("events subscription");
    let attrs = sns
        .get_subscription_attributes()
        .subscription_arn(events_sub.subscription_arn().unwrap_or_default())
        .send()
        .await
        .expect("attributes")
        .attributes
        .expect("map");
    assert_eq!(attrs["RawMessageDelivery"], "true");
    let policy: serde_json::Value = serde_json::from_str(&attrs["FilterPolicy"]).expect("json");
    assert_eq!(policy["kind"], serde_json::json!(["order", "refund"]));
    assert_eq!(
        events_sub.endpoint(),
        Some("arn:aws:sqs:us-east-1:000000000000:jobs")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn bad_files_name_the_problem() {
    let err = ConfigFile::parse("[[sqs.queues]]\nname = \"a\"\ncolour = \"red\"\n")
        .expect_err("unknown key");
    assert!(err.contains("colour"), "{err}");
    let err = ConfigFile::parse("[server]\nprot = 1\n").expect_err("unknown key");
    assert!(err.contains("prot"), "{err}");
    let file = ConfigFile::parse(
        "[[sqs.queues]]\nname = \"ok\"\n\n[[sqs.queues]]\nname = \"bad name!\"\n",
    )
    .expect("parses");
    let err = Server::builder()
        .port(0)
        .bootstrap(file.resources)
        .spawn()
        .await
        .expect_err("the second queue is invalid");
    assert!(
        err.to_string().contains("sqs.queues[1] (bad name!)"),
        "{err}"
    );
}
