//! Inspection endpoints: LocalStack's `/_aws/sqs/messages` and Sluice's `/_sluice/` admin
//! API list messages without receiving them, list resources, and reset state.

use sluice_tests::TestServer;

#[tokio::test]
async fn peeking_shows_every_message_and_changes_nothing() {
    let t = TestServer::start().await;
    let url = t.queue("peeked").await;
    for (body, delay) in [("visible", 0), ("in flight", 0), ("delayed", 60)] {
        t.sqs
            .send_message()
            .queue_url(&url)
            .message_body(body)
            .delay_seconds(delay)
            .send()
            .await
            .expect("send");
    }
    let received = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .expect("receive")
        .messages
        .unwrap_or_default();
    assert_eq!(received.len(), 1);
    let in_flight_body = received[0].body().unwrap_or_default().to_owned();

    let xml = t.get(&format!("/_aws/sqs/messages?QueueUrl={url}")).await;
    assert_eq!(xml.status, 200, "{}", xml.body);
    assert_eq!(xml.body.matches("<Message>").count(), 3, "{}", xml.body);
    assert!(xml.body.contains("<ReceiveMessageResponse"));
    assert!(xml.body.contains("<Body>delayed</Body>"));

    let json = sluice_tests::raw_request(
        http::Method::GET,
        &format!(
            "{}/_aws/sqs/messages/us-east-1/000000000000/peeked",
            t.endpoint()
        ),
        &[("accept", "application/json")],
        bytes::Bytes::new(),
    )
    .await
    .json();
    let messages = json["ReceiveMessageResponse"]["ReceiveMessageResult"]["Message"]
        .as_array()
        .expect("three messages")
        .clone();
    assert_eq!(messages.len(), 3);
    let counts: Vec<(String, String)> = messages
        .iter()
        .map(|m| {
            let count = m["Attribute"]
                .as_array()
                .expect("attributes")
                .iter()
                .find(|a| a["Name"] == "ApproximateReceiveCount")
                .map(|a| a["Value"].as_str().unwrap_or_default().to_owned())
                .unwrap_or_default();
            (m["Body"].as_str().unwrap_or_default().to_owned(), count)
        })
        .collect();
    assert!(
        counts.contains(&(in_flight_body.clone(), "1".to_owned())),
        "{counts:?}"
    );
    assert!(
        counts.contains(&("delayed".to_owned(), "0".to_owned())),
        "{counts:?}"
    );

    // Peeking received nothing: one message is still visible, the in-flight one is not.
    let again = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("receive")
        .messages
        .unwrap_or_default();
    assert_eq!(again.len(), 1);
    assert_ne!(again[0].body(), Some(in_flight_body.as_str()));

    let empty_queue = t.queue("empty").await;
    let json = sluice_tests::raw_request(
        http::Method::GET,
        &format!("{}/_aws/sqs/messages?QueueUrl={empty_queue}", t.endpoint()),
        &[("accept", "application/json")],
        bytes::Bytes::new(),
    )
    .await
    .json();
    assert!(json["ReceiveMessageResponse"]["ReceiveMessageResult"].is_null());
    let missing = t
        .get("/_aws/sqs/messages?QueueUrl=http://localhost/000000000000/nope")
        .await;
    assert_eq!(missing.status, 400);
}

#[tokio::test]
async fn the_peek_endpoint_answers_receive_message_as_an_sqs_endpoint() {
    let t = TestServer::start().await;
    let url = t.queue("via-endpoint").await;
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("hi")
        .send()
        .await
        .expect("send");
    // As LocalStack's: an SDK pointed at `<endpoint>/_aws/sqs/messages` peeks with
    // ReceiveMessage (the Query form older SDKs and the CLI send).
    let reply = t
        .query(
            "/_aws/sqs/messages",
            &format!("Action=ReceiveMessage&QueueUrl={url}"),
        )
        .await;
    assert!(reply.body.contains("<Body>hi</Body>"), "{}", reply.body);
    let visible = t
        .sqs
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .expect("receive")
        .messages
        .unwrap_or_default();
    assert_eq!(visible.len(), 1, "the peek left the message visible");
}

#[tokio::test]
async fn admin_api_lists_resources_and_resets() {
    let t = TestServer::start().await;
    let url = t.queue("counted").await;
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("a")
        .send()
        .await
        .expect("send");
    t.sns
        .create_topic()
        .name("listed")
        .send()
        .await
        .expect("topic");
    let resources = t.get("/_sluice/resources").await.json();
    let queue = &resources["sqs"]["queues"][0];
    assert_eq!(queue["name"], "counted");
    assert_eq!(queue["messages"], 1);
    assert_eq!(
        resources["sns"]["topics"][0]["arn"],
        "arn:aws:sns:us-east-1:000000000000:listed"
    );
    let peeked = t
        .get(&format!("/_sluice/sqs/messages?QueueUrl={url}"))
        .await
        .json();
    assert_eq!(peeked["Messages"][0]["Body"], "a");

    let reset = t.post("/_sluice/reset", &[], "").await;
    assert_eq!(reset.status, 200);
    let resources = t.get("/_sluice/resources").await.json();
    assert_eq!(resources["sqs"]["queues"], serde_json::json!([]));
    assert_eq!(resources["sns"]["topics"], serde_json::json!([]));
    // The name is free again at once after a reset.
    t.queue("counted").await;
}

#[tokio::test]
async fn metrics_count_requests_and_messages() {
    let t = TestServer::start().await;
    let url = t.queue("metered").await;
    t.sqs
        .send_message()
        .queue_url(&url)
        .message_body("a")
        .send()
        .await
        .expect("send");
    let _ = t.sqs.get_queue_url().queue_name("missing").send().await;
    let metrics = t.get("/metrics").await;
    assert_eq!(metrics.status, 200);
    let text = metrics.body;
    assert!(
        text.contains(
            r#"sluice_requests_total{service="sqs",operation="CreateQueue",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(
            r#"sluice_requests_total{service="sqs",operation="GetQueueUrl",status="400"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(
            r#"sluice_request_duration_seconds_count{service="sqs",operation="SendMessage"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"sluice_sqs_messages{queue="metered",account="000000000000",region="us-east-1",state="visible"} 1"#), "{text}");
}
