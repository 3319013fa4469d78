use super::*;

const OPS: Operations = Operations {
    sqs: &["CreateQueue", "ListQueues", "SendMessage", "AddPermission"],
    sns: &["ConfirmSubscription", "AddPermission", "Publish"],
    kinesis: &["PutRecord", "ListStreams"],
};

fn req(
    method: Method,
    uri: &str,
    headers: &[(&'static str, &str)],
    body: &str,
) -> Result<ApiRequest, DetectError> {
    let mut map = HeaderMap::new();
    for (k, v) in headers {
        map.insert(*k, v.parse().expect("header"));
    }
    let uri: Uri = uri.parse().expect("uri");
    detect(&method, &uri, &map, Bytes::from(body.to_owned()), &OPS)
}

fn failure(service: Service, protocol: Protocol, kind: DetectErrorKind) -> DetectError {
    DetectError {
        service,
        protocol,
        kind,
    }
}

#[test]
fn json_target_picks_service_and_protocol() {
    let d = req(
        Method::POST,
        "/",
        &[
            ("x-amz-target", "AmazonSQS.SendMessage"),
            ("content-type", "application/x-amz-json-1.0"),
        ],
        "{}",
    )
    .expect("routes");
    assert_eq!((d.service, d.protocol), (Service::Sqs, Protocol::AwsJson10));
    assert_eq!(d.operation, "SendMessage");
    let d = req(
        Method::POST,
        "/",
        &[
            ("x-amz-target", "Kinesis_20131202.PutRecord"),
            ("content-type", "application/x-amz-cbor-1.1"),
        ],
        "",
    )
    .expect("routes");
    assert_eq!((d.service, d.protocol), (Service::Kinesis, Protocol::Cbor));
}

#[test]
fn unroutable_json_keeps_the_shape_its_client_expects() {
    assert_eq!(
        req(Method::POST, "/", &[("x-amz-target", "Nope.X")], "").expect_err("unknown"),
        failure(
            Service::Sqs,
            Protocol::AwsJson10,
            DetectErrorKind::UnknownTarget("Nope.X".into())
        )
    );
    // A Kinesis operation that does not exist is answered by Kinesis, in JSON 1.1 or CBOR.
    assert_eq!(
        req(
            Method::POST,
            "/",
            &[
                ("x-amz-target", "Kinesis_20131202.PutRecordz"),
                ("content-type", "application/x-amz-cbor-1.1"),
            ],
            ""
        )
        .expect_err("unknown"),
        failure(
            Service::Kinesis,
            Protocol::Cbor,
            DetectErrorKind::UnknownOperation("PutRecordz".into())
        )
    );
    assert_eq!(
        req(
            Method::POST,
            "/",
            &[("x-amz-target", "Kinesis_20131202.Nope")],
            ""
        )
        .expect_err("unknown")
        .protocol,
        Protocol::AwsJson11
    );
}

#[test]
fn guesses_follow_target_scope_and_path() {
    let headers = |pairs: &[(&'static str, &str)]| {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().expect("header"));
        }
        map
    };
    let root: Uri = "/".parse().expect("uri");
    assert_eq!(
        guess(
            &headers(&[("x-amz-target", "Kinesis_20131202.PutRecords")]),
            &root
        ),
        (Service::Kinesis, Protocol::AwsJson11)
    );
    let signed = "AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=x";
    assert_eq!(
        guess(&headers(&[("authorization", signed)]), &root),
        (Service::Sns, Protocol::Query)
    );
    let kinesis = "AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=x";
    assert_eq!(
        guess(&headers(&[("authorization", kinesis)]), &root),
        (Service::Kinesis, Protocol::AwsJson11)
    );
    assert_eq!(
        guess(&HeaderMap::new(), &"/000000000000/q".parse().expect("uri")),
        (Service::Sqs, Protocol::Query)
    );
}

#[test]
fn query_action_from_body_or_url() {
    let d = req(
        Method::POST,
        "/",
        &[(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )],
        "Action=CreateQueue&QueueName=jobs&Version=2012-11-05",
    )
    .expect("routes");
    assert_eq!((d.service, d.protocol), (Service::Sqs, Protocol::Query));
    assert_eq!(d.operation, "CreateQueue");
    let d = req(Method::GET, "/?Action=ListQueues", &[], "").expect("routes");
    assert_eq!(d.operation, "ListQueues");
}

#[test]
fn query_service_from_scope_then_path_then_tables() {
    let auth = "AWS4-HMAC-SHA256 Credential=AK/20240101/eu-west-1/sns/aws4_request, SignedHeaders=host, Signature=x";
    let d = req(
        Method::POST,
        "/",
        &[
            ("authorization", auth),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        "Action=AddPermission",
    )
    .expect("routes");
    assert_eq!(d.service, Service::Sns);
    assert_eq!(d.credential.expect("cred").region, "eu-west-1");
    // An action both services have goes to SQS when nothing else says.
    let d = req(Method::POST, "/", &[], "Action=AddPermission").expect("routes");
    assert_eq!(d.service, Service::Sqs);
    let d = req(
        Method::GET,
        "/?Action=ConfirmSubscription&Token=ab",
        &[],
        "",
    )
    .expect("routes");
    assert_eq!(d.service, Service::Sns);
    assert_eq!(
        req(Method::POST, "/000000000000/jobs", &[], "Action=Whatever").expect_err("unknown"),
        failure(
            Service::Sqs,
            Protocol::Query,
            DetectErrorKind::UnknownOperation("Whatever".into())
        )
    );
    assert_eq!(
        req(Method::POST, "/", &[], "Action=Whatever").expect_err("unknown"),
        failure(
            Service::Sqs,
            Protocol::Query,
            DetectErrorKind::UnknownAction("Whatever".into())
        )
    );
    assert_eq!(
        req(Method::GET, "/", &[], "").expect_err("missing").kind,
        DetectErrorKind::MissingAction
    );
    let kinesis = "AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=x";
    assert_eq!(
        req(
            Method::POST,
            "/",
            &[("authorization", kinesis)],
            "Action=ListStreams"
        )
        .expect_err("kinesis has no Query"),
        failure(
            Service::Kinesis,
            Protocol::AwsJson11,
            DetectErrorKind::QueryNotSupported
        )
    );
}

#[test]
fn malformed_forms_are_reported() {
    assert!(matches!(
        req(
            Method::POST,
            "/",
            &[],
            "Action=SendMessage&MessageBody=%C3%28"
        ),
        Err(DetectError {
            kind: DetectErrorKind::MalformedQuery(_),
            ..
        })
    ));
}
