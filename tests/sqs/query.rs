//! The AWS Query protocol (form in, XML out), spoken raw: flattened parameters, the XML
//! shapes AWS returns, requests sent to the queue URL itself, and Query errors.

use sluice_tests::TestServer;

fn between<'a>(body: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    body.split(open)
        .skip(1)
        .filter_map(|s| s.split(close).next())
        .collect()
}

#[tokio::test]
async fn queue_lifecycle_over_query() {
    let t = TestServer::start().await;
    let r = t
        .query(
            "/",
            "Action=CreateQueue&QueueName=q1&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=45&Tag.1.Key=team&Tag.1.Value=x&Version=2012-11-05",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("text/xml"));
    assert!(r.header("x-amzn-requestid").is_some());
    let url = format!("{}/000000000000/q1", t.endpoint());
    assert!(r.body.starts_with("<?xml version=\"1.0\"?><CreateQueueResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><CreateQueueResult><QueueUrl>"), "{}", r.body);
    assert_eq!(
        between(&r.body, "<QueueUrl>", "</QueueUrl>"),
        vec![url.as_str()]
    );
    assert!(r.body.contains("<ResponseMetadata><RequestId>"));

    let r = t
        .query("/", &format!("Action=GetQueueAttributes&QueueUrl={url}&AttributeName.1=VisibilityTimeout&AttributeName.2=QueueArn"))
        .await;
    assert!(
        r.body
            .contains("<Attribute><Name>VisibilityTimeout</Name><Value>45</Value></Attribute>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("<Attribute><Name>QueueArn</Name><Value>arn:aws:sqs:us-east-1:000000000000:q1</Value></Attribute>"));

    let r = t
        .query("/", &format!("Action=ListQueueTags&QueueUrl={url}"))
        .await;
    assert!(
        r.body
            .contains("<Tag><Key>team</Key><Value>x</Value></Tag>"),
        "{}",
        r.body
    );

    let r = t.query("/", "Action=ListQueues&QueueNamePrefix=q").await;
    assert_eq!(
        between(&r.body, "<QueueUrl>", "</QueueUrl>"),
        vec![url.as_str()]
    );

    // An action without output has no Result element.
    let r = t
        .query("/", &format!("Action=DeleteQueue&QueueUrl={url}"))
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with("<?xml version=\"1.0\"?><DeleteQueueResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><ResponseMetadata><RequestId>"), "{}", r.body);
}

#[tokio::test]
async fn messages_over_query_sent_to_the_queue_url() {
    let t = TestServer::start().await;
    t.queue("q2").await;
    // No QueueUrl parameter: the request path is the queue URL.
    let r = t
        .query(
            "/000000000000/q2",
            "Action=SendMessage&MessageBody=a%26b%3Cc%3E%0D%0Ad&MessageAttribute.1.Name=Foo&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=Bar",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        between(&r.body, "<MD5OfMessageAttributes>", "<"),
        vec!["ae7155c6026991b6d54b11589678bf9c"]
    );

    let r = t
        .query(
            "/000000000000/q2",
            "Action=ReceiveMessage&AttributeName.1=All&MessageAttributeName.1=All&MaxNumberOfMessages=10",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Specials escaped; the carriage return survives as &#xD;.
    assert_eq!(
        between(&r.body, "<Body>", "</Body>"),
        vec!["a&amp;b&lt;c&gt;&#xD;\nd"]
    );
    assert!(r.body.contains("<MessageAttribute><Name>Foo</Name><Value><StringValue>Bar</StringValue><DataType>String</DataType></Value></MessageAttribute>"), "{}", r.body);
    assert!(r
        .body
        .contains("<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>"));
    let handle = between(&r.body, "<ReceiptHandle>", "</ReceiptHandle>")[0].to_owned();

    let form = format!(
        "Action=DeleteMessageBatch&DeleteMessageBatchRequestEntry.1.Id=a&DeleteMessageBatchRequestEntry.1.ReceiptHandle={}&DeleteMessageBatchRequestEntry.2.Id=b&DeleteMessageBatchRequestEntry.2.ReceiptHandle=bogus",
        encode(&handle)
    );
    let r = t.query("/000000000000/q2", &form).await;
    assert!(
        r.body
            .contains("<DeleteMessageBatchResultEntry><Id>a</Id></DeleteMessageBatchResultEntry>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("<BatchResultErrorEntry><Id>b</Id><SenderFault>true</SenderFault><Code>ReceiptHandleIsInvalid</Code>"), "{}", r.body);

    let r = t
        .query(
            "/000000000000/q2",
            "Action=SendMessageBatch&SendMessageBatchRequestEntry.1.Id=x&SendMessageBatchRequestEntry.1.MessageBody=one&SendMessageBatchRequestEntry.2.Id=y&SendMessageBatchRequestEntry.2.MessageBody=two&SendMessageBatchRequestEntry.2.DelaySeconds=5",
        )
        .await;
    assert_eq!(
        between(&r.body, "<SendMessageBatchResultEntry><Id>", "</Id>"),
        vec!["x", "y"]
    );
    t.advance(5).await;
    let r = t
        .query(
            "/000000000000/q2",
            "Action=ReceiveMessage&MaxNumberOfMessages=10",
        )
        .await;
    assert_eq!(between(&r.body, "<Body>", "</Body>"), vec!["one", "two"]);
}

/// Percent-encodes a receipt handle for a form body.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn get_requests_with_the_action_in_the_url() {
    let t = TestServer::start().await;
    t.queue("q3").await;
    let client: hyper_util::client::legacy::Client<_, http_body_util::Empty<bytes::Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http();
    let uri: http::Uri = format!("{}/?Action=GetQueueUrl&QueueName=q3", t.endpoint())
        .parse()
        .expect("uri");
    let response = client.get(uri).await.expect("get");
    assert_eq!(response.status(), 200);
    use http_body_util::BodyExt;
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body = String::from_utf8_lossy(&body);
    assert!(body.contains("<GetQueueUrlResult><QueueUrl>"), "{body}");
}

#[tokio::test]
async fn query_errors_are_error_response_xml() {
    let t = TestServer::start().await;
    let r = t.query("/", "Action=GetQueueUrl&QueueName=missing").await;
    assert_eq!(r.status, 400);
    assert!(r.body.starts_with("<?xml version=\"1.0\"?><ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist for this wsdl version.</Message><Detail/></Error><RequestId>"), "{}", r.body);

    let r = t.query("/", "Action=CreateQueue").await;
    assert!(r.body.contains("<Code>MissingParameter</Code><Message>The request must contain the parameter QueueName.</Message>"), "{}", r.body);

    let r = t.query("/", "Action=FlyToTheMoon").await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("<Code>InvalidAction</Code>"), "{}", r.body);

    let r = t.query("/000000000000/q", "Action=FlyToTheMoon").await;
    assert!(r.body.contains("<Code>InvalidAction</Code>"), "{}", r.body);

    let r = t.query("/", "QueueName=x").await;
    assert!(r.body.contains("<Code>MissingAction</Code>"), "{}", r.body);

    let r = t
        .query(
            "/",
            "Action=SendMessage&QueueUrl=/000000000000/q&MessageBody=%FF",
        )
        .await;
    assert_eq!(r.status, 404);
    assert!(
        r.body.contains("<Code>MalformedQueryString</Code>"),
        "{}",
        r.body
    );

    t.queue("q").await;
    let r = t
        .query(
            "/",
            "Action=ReceiveMessage&QueueUrl=/000000000000/q&MaxNumberOfMessages=lots",
        )
        .await;
    assert!(
        r.body.contains("<Code>MalformedQueryString</Code>"),
        "{}",
        r.body
    );

    // A QueueUrl that is no queue URL is read as a queue name: one that names no queue is
    // NonExistentQueue (400), a bare name of a queue works.
    let r = t
        .query("/", "Action=SendMessage&QueueUrl=not-a-url&MessageBody=x")
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body
            .contains("<Code>AWS.SimpleQueueService.NonExistentQueue</Code>"),
        "{}",
        r.body
    );
    let r = t
        .query("/", "Action=SendMessage&QueueUrl=q&MessageBody=x")
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn fifo_dead_letters_and_move_tasks_over_query() {
    let t = TestServer::start().await;
    let r = t
        .query(
            "/",
            "Action=CreateQueue&QueueName=q.fifo&Attribute.1.Name=FifoQueue&Attribute.1.Value=true&Attribute.2.Name=ContentBasedDeduplication&Attribute.2.Value=true",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = t
        .query(
            "/000000000000/q.fifo",
            "Action=SendMessage&MessageBody=hello&MessageGroupId=g1",
        )
        .await;
    let sequence = between(&r.body, "<SequenceNumber>", "</SequenceNumber>");
    assert_eq!(sequence.len(), 1, "{}", r.body);
    assert_eq!(sequence[0].len(), 20);
    let r = t
        .query(
            "/000000000000/q.fifo",
            "Action=SendMessageBatch&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=b1&SendMessageBatchRequestEntry.1.MessageGroupId=g2&SendMessageBatchRequestEntry.1.MessageDeduplicationId=x",
        )
        .await;
    assert!(
        r.body.contains("<SendMessageBatchResultEntry><Id>a</Id>"),
        "{}",
        r.body
    );
    assert_eq!(
        between(&r.body, "<SequenceNumber>", "</SequenceNumber>").len(),
        1
    );
    let r = t
        .query(
            "/000000000000/q.fifo",
            "Action=ReceiveMessage&MaxNumberOfMessages=10&MessageSystemAttributeName.1=All",
        )
        .await;
    assert_eq!(between(&r.body, "<Body>", "</Body>"), vec!["hello", "b1"]);
    assert!(
        r.body
            .contains("<Attribute><Name>MessageGroupId</Name><Value>g1</Value></Attribute>"),
        "{}",
        r.body
    );

    t.query("/", "Action=CreateQueue&QueueName=dlq").await;
    let r = t
        .query(
            "/",
            "Action=CreateQueue&QueueName=src&Attribute.1.Name=RedrivePolicy&Attribute.1.Value=%7B%22deadLetterTargetArn%22%3A%22arn%3Aaws%3Asqs%3Aus-east-1%3A000000000000%3Adlq%22%2C%22maxReceiveCount%22%3A%225%22%7D",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = t
        .query("/000000000000/dlq", "Action=ListDeadLetterSourceQueues")
        .await;
    assert_eq!(
        between(&r.body, "<QueueUrl>", "</QueueUrl>"),
        vec![format!("{}/000000000000/src", t.endpoint()).as_str()]
    );
    let r = t
        .query(
            "/",
            "Action=StartMessageMoveTask&SourceArn=arn%3Aaws%3Asqs%3Aus-east-1%3A000000000000%3Adlq",
        )
        .await;
    assert_eq!(
        between(&r.body, "<TaskHandle>", "</TaskHandle>").len(),
        1,
        "{}",
        r.body
    );
    let r = t
        .query(
            "/",
            "Action=ListMessageMoveTasks&SourceArn=arn%3Aaws%3Asqs%3Aus-east-1%3A000000000000%3Adlq",
        )
        .await;
    assert!(
        r.body.contains("<ListMessageMoveTasksResultEntry>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("<Status>COMPLETED</Status>"), "{}", r.body);
}

/// botocore and the JS SDK send an empty list as `Entries=`: AWS reads an empty list (and
/// answers the batch rule), never `MalformedQueryString`. Recorded in
/// `crates/wire/tests/golden/botocore-query/sqs-SendMessageBatch-empty.body`.
#[tokio::test]
async fn an_empty_list_is_an_empty_batch() {
    let t = TestServer::start().await;
    let url = t.queue("empty-batch").await;
    for action in [
        "SendMessageBatch",
        "DeleteMessageBatch",
        "ChangeMessageVisibilityBatch",
    ] {
        let form = format!("Action={action}&Version=2012-11-05&QueueUrl={url}&Entries=");
        let r = t.query("/", &form).await;
        assert_eq!(r.status, 400, "{action}: {}", r.body);
        assert_eq!(
            between(&r.body, "<Code>", "</Code>"),
            vec!["AWS.SimpleQueueService.EmptyBatchRequest"],
            "{action}: {}",
            r.body
        );
    }
}
