//! Dead-letter queues, permissions, accounts and the re-create cooldown, through aws-sdk-sqs
//! with the manual clock.

use aws_sdk_sqs::types::{MessageSystemAttributeName as S, QueueAttributeName as A};
use sluice_tests::TestServer;

use crate::code;

async fn arn(t: &TestServer, url: &str) -> String {
    t.attribute(url, A::QueueArn).await
}

#[tokio::test]
async fn messages_move_to_the_dead_letter_queue_after_max_receives() {
    let t = TestServer::start().await;
    let dlq = t.queue("dlq").await;
    let dlq_arn = arn(&t, &dlq).await;
    let source = t
        .sqs
        .create_queue()
        .queue_name("source")
        .attributes(
            A::RedrivePolicy,
            format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"2"}}"#),
        )
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    let sent = t
        .sqs
        .send_message()
        .queue_url(&source)
        .message_body("poison")
        .send()
        .await
        .expect("send");
    let sent_at = t.now_millis();
    for _ in 0..2 {
        let r = t
            .sqs
            .receive_message()
            .queue_url(&source)
            .visibility_timeout(10)
            .send()
            .await
            .expect("receive");
        assert_eq!(r.messages().len(), 1);
        t.advance(10).await;
    }
    // The third receive would exceed maxReceiveCount: the message moves instead.
    let r = t
        .sqs
        .receive_message()
        .queue_url(&source)
        .send()
        .await
        .expect("receive");
    assert!(r.messages().is_empty());
    let r = t
        .sqs
        .receive_message()
        .queue_url(&dlq)
        .message_system_attribute_names(S::All)
        .send()
        .await
        .expect("receive dlq");
    let m = &r.messages()[0];
    assert_eq!(m.message_id(), sent.message_id());
    assert_eq!(m.body(), Some("poison"));
    let attrs = m.attributes().expect("attrs");
    assert_eq!(attrs[&S::DeadLetterQueueSourceArn], arn(&t, &source).await);
    assert_eq!(attrs[&S::SentTimestamp], sent_at.to_string());

    let policy = t
        .sqs
        .get_queue_attributes()
        .queue_url(&source)
        .attribute_names(A::RedrivePolicy)
        .send()
        .await
        .expect("attrs");
    assert_eq!(
        policy.attributes().expect("a")[&A::RedrivePolicy],
        format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":2}}"#)
    );
    let sources = t
        .sqs
        .list_dead_letter_source_queues()
        .queue_url(&dlq)
        .send()
        .await
        .expect("list sources");
    assert_eq!(sources.queue_urls(), std::slice::from_ref(&source));
}

#[tokio::test]
async fn redrive_policies_are_validated_against_their_target() {
    let t = TestServer::start().await;
    let source = t.queue("src").await;
    let set = |policy: String| {
        t.sqs
            .set_queue_attributes()
            .queue_url(&source)
            .attributes(A::RedrivePolicy, policy)
            .send()
    };
    let missing = "arn:aws:sqs:us-east-1:000000000000:nope";
    let (c, m) = code(
        set(format!(
            r#"{{"deadLetterTargetArn":"{missing}","maxReceiveCount":3}}"#
        ))
        .await,
    );
    assert_eq!(c, "InvalidParameterValue");
    assert!(
        m.ends_with("Reason: Dead letter target does not exist."),
        "{m}"
    );
    let (_, m) = code(set(r#"{"maxReceiveCount":3}"#.into()).await);
    assert!(
        m.ends_with("mandatory attribute: deadLetterTargetArn."),
        "{m}"
    );

    let dlq = t
        .sqs
        .create_queue()
        .queue_name("closed-dlq")
        .attributes(A::RedriveAllowPolicy, r#"{"redrivePermission":"denyAll"}"#)
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    let dlq_arn = arn(&t, &dlq).await;
    let (c, _) = code(
        set(format!(
            r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":3}}"#
        ))
        .await,
    );
    assert_eq!(c, "InvalidParameterValue");
    let source_arn = arn(&t, &source).await;
    t.sqs
        .set_queue_attributes()
        .queue_url(&dlq)
        .attributes(
            A::RedriveAllowPolicy,
            format!(r#"{{"redrivePermission":"byQueue","sourceQueueArns":["{source_arn}"]}}"#),
        )
        .send()
        .await
        .expect("allow the source");
    set(format!(
        r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":3}}"#
    ))
    .await
    .expect("now allowed");
    // An empty value removes the policy.
    set(String::new()).await.expect("remove");
    let attrs = t
        .sqs
        .get_queue_attributes()
        .queue_url(&source)
        .attribute_names(A::All)
        .send()
        .await
        .expect("attrs");
    assert!(!attrs
        .attributes()
        .expect("a")
        .contains_key(&A::RedrivePolicy));
}

#[tokio::test]
async fn permissions_are_statements_in_the_policy() {
    let t = TestServer::start().await;
    let url = t.queue("shared").await;
    t.sqs
        .add_permission()
        .queue_url(&url)
        .label("partners")
        .aws_account_ids("111122223333")
        .actions("SendMessage")
        .actions("ReceiveMessage")
        .send()
        .await
        .expect("add");
    let (c, m) = code(
        t.sqs
            .add_permission()
            .queue_url(&url)
            .label("partners")
            .aws_account_ids("111122223333")
            .actions("SendMessage")
            .send()
            .await,
    );
    assert_eq!(c, "InvalidParameterValue");
    assert_eq!(
        m,
        "Value partners for parameter Label is invalid. Reason: Already exists."
    );
    let policy = t
        .sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(A::Policy)
        .send()
        .await
        .expect("attrs");
    let doc: serde_json::Value =
        serde_json::from_str(&policy.attributes().expect("a")[&A::Policy]).expect("json");
    // AddPermission writes SQS's legacy policy version (LocalStack's AWS-recorded
    // `test_add_permission` snapshot).
    assert_eq!(doc["Version"], "2008-10-17");
    assert_eq!(
        doc["Id"],
        "arn:aws:sqs:us-east-1:000000000000:shared/SQSDefaultPolicy"
    );
    let statement = &doc["Statement"][0];
    assert_eq!(statement["Sid"], "partners");
    assert_eq!(
        statement["Principal"]["AWS"],
        "arn:aws:iam::111122223333:root"
    );
    assert_eq!(
        statement["Action"],
        serde_json::json!(["SQS:SendMessage", "SQS:ReceiveMessage"])
    );
    assert_eq!(
        statement["Resource"],
        "arn:aws:sqs:us-east-1:000000000000:shared"
    );
    t.sqs
        .remove_permission()
        .queue_url(&url)
        .label("partners")
        .send()
        .await
        .expect("remove");
    let (_, m) = code(
        t.sqs
            .remove_permission()
            .queue_url(&url)
            .label("partners")
            .send()
            .await,
    );
    assert_eq!(
        m,
        "Value partners for parameter Label is invalid. Reason: can't find label."
    );
}

#[tokio::test]
async fn a_twelve_digit_access_key_is_its_own_account() {
    let t = TestServer::start().await;
    t.queue("mine").await;
    let other = sluice_tests::sqs_client_with_key(&t.endpoint(), "us-east-1", "123456789012");
    let url = other
        .create_queue()
        .queue_name("theirs")
        .send()
        .await
        .expect("create")
        .queue_url
        .expect("url");
    assert!(url.ends_with("/123456789012/theirs"), "{url}");
    let listed = other.list_queues().send().await.expect("list");
    assert_eq!(listed.queue_urls(), &[url]);
    let mine = t.sqs.list_queues().send().await.expect("list");
    assert_eq!(mine.queue_urls().len(), 1);
    assert!(mine.queue_urls()[0].ends_with("/000000000000/mine"));
}

#[tokio::test]
async fn a_deleted_queue_name_is_reusable_after_sixty_seconds() {
    let t = TestServer::start().await;
    let url = t.queue("again").await;
    t.sqs
        .delete_queue()
        .queue_url(&url)
        .send()
        .await
        .expect("delete");
    let (c, m) = code(t.sqs.create_queue().queue_name("again").send().await);
    assert_eq!(c, "AWS.SimpleQueueService.QueueDeletedRecently");
    assert_eq!(
        m,
        "You must wait 60 seconds after deleting a queue before you can create another with the same name."
    );
    t.advance(60).await;
    t.queue("again").await;
}
