//! SMS, mobile push and the outbox endpoints: what cannot be delivered from a laptop is
//! recorded and readable at the LocalStack-compatible paths.

use super::*;

#[tokio::test]
async fn sms_by_number_and_by_subscription_is_recorded() {
    let t = TestServer::start().await;
    t.sns
        .publish()
        .phone_number("+15555550100")
        .message("direct text")
        .send()
        .await
        .expect("publish sms");
    let (_, message) = error(
        t.sns
            .publish()
            .phone_number("+1a234")
            .message("x")
            .send()
            .await,
    );
    assert_eq!(
        message,
        "Invalid parameter: PhoneNumber Reason: +1a234 is not valid to publish to"
    );
    let arn = topic(&t, "texts").await;
    t.sns
        .subscribe()
        .topic_arn(&arn)
        .protocol("sms")
        .endpoint("+15555550111")
        .send()
        .await
        .expect("subscribe sms");
    t.sns
        .publish()
        .topic_arn(&arn)
        .message("via topic")
        .send()
        .await
        .expect("publish");
    flush(&t).await;
    let body = t.get("/_aws/sns/sms-messages").await.json();
    assert_eq!(
        body["sms_messages"]["+15555550100"][0]["Message"],
        "direct text"
    );
    assert_eq!(
        body["sms_messages"]["+15555550111"][0]["Message"],
        "via topic"
    );
    assert_eq!(
        body["sms_messages"]["+15555550111"][0]["TopicArn"],
        arn.as_str()
    );
    let cleared = raw_delete(&t, "/_aws/sns/sms-messages").await;
    assert_eq!(cleared, 204);
    let body = t.get("/_aws/sns/sms-messages").await.json();
    assert_eq!(body["sms_messages"], serde_json::json!({}));
}

async fn raw_delete(t: &TestServer, path: &str) -> u16 {
    sluice_tests::raw_request(
        http::Method::DELETE,
        &format!("{}{path}", t.endpoint()),
        &[],
        bytes::Bytes::new(),
    )
    .await
    .status
}

#[tokio::test]
async fn platform_applications_endpoints_and_push_messages() {
    let t = TestServer::start().await;
    let app = t
        .sns
        .create_platform_application()
        .name("my-app")
        .platform("GCM")
        .attributes("PlatformCredential", "server-key")
        .send()
        .await
        .expect("create app")
        .platform_application_arn
        .expect("arn");
    assert_eq!(app, "arn:aws:sns:us-east-1:000000000000:app/GCM/my-app");
    let endpoint = t
        .sns
        .create_platform_endpoint()
        .platform_application_arn(&app)
        .token("device-token")
        .custom_user_data("user-1")
        .send()
        .await
        .expect("create endpoint")
        .endpoint_arn
        .expect("arn");
    assert!(endpoint.starts_with("arn:aws:sns:us-east-1:000000000000:endpoint/GCM/my-app/"));
    let again = t
        .sns
        .create_platform_endpoint()
        .platform_application_arn(&app)
        .token("device-token")
        .custom_user_data("user-1")
        .send()
        .await
        .expect("idempotent");
    assert_eq!(again.endpoint_arn(), Some(endpoint.as_str()));
    let (_, message) = error(
        t.sns
            .create_platform_endpoint()
            .platform_application_arn(&app)
            .token("device-token")
            .custom_user_data("someone else")
            .send()
            .await,
    );
    assert!(
        message.contains("already exists with the same Token, but different attributes"),
        "{message}"
    );

    t.sns
        .publish()
        .target_arn(&endpoint)
        .message_structure("json")
        .message(r#"{"default":"plain","GCM":"{\"notification\":{\"title\":\"hi\"}}"}"#)
        .send()
        .await
        .expect("push");
    let body = t.get("/_aws/sns/platform-endpoint-messages").await.json();
    let pushed = &body["platform_endpoint_messages"][&endpoint][0];
    assert_eq!(pushed["Message"], r#"{"notification":{"title":"hi"}}"#);
    assert_eq!(pushed["TargetArn"], endpoint.as_str());

    t.sns
        .set_endpoint_attributes()
        .endpoint_arn(&endpoint)
        .attributes("Enabled", "false")
        .send()
        .await
        .expect("disable");
    let (code, message) = error(
        t.sns
            .publish()
            .target_arn(&endpoint)
            .message("x")
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("EndpointDisabled", "Endpoint is disabled")
    );
    // Before the message is looked at: a JSON structure without `default` still gets it.
    let (code, _) = error(
        t.sns
            .publish()
            .target_arn(&endpoint)
            .message_structure("json")
            .message(r#"{"GCM":"x"}"#)
            .send()
            .await,
    );
    assert_eq!(code, "EndpointDisabled");
    let attrs = t
        .sns
        .get_endpoint_attributes()
        .endpoint_arn(&endpoint)
        .send()
        .await
        .expect("attrs")
        .attributes
        .expect("map");
    assert_eq!(attrs["Token"], "device-token");
    assert_eq!(attrs["CustomUserData"], "user-1");
    let listed = t
        .sns
        .list_endpoints_by_platform_application()
        .platform_application_arn(&app)
        .send()
        .await
        .expect("list");
    assert_eq!(listed.endpoints().len(), 1);
    let apps = t
        .sns
        .list_platform_applications()
        .send()
        .await
        .expect("list apps");
    assert_eq!(apps.platform_applications().len(), 1);
    // AWS reports applications as enabled (LocalStack's AWS-recorded platform snapshots).
    let listed_attributes = apps.platform_applications()[0]
        .attributes()
        .expect("attributes");
    assert_eq!(
        listed_attributes.get("Enabled").map(String::as_str),
        Some("true")
    );
    assert!(!listed_attributes.contains_key("PlatformCredential"));
    let got = t
        .sns
        .get_platform_application_attributes()
        .platform_application_arn(&app)
        .send()
        .await
        .expect("get app attributes");
    assert_eq!(
        got.attributes()
            .and_then(|a| a.get("Enabled"))
            .map(String::as_str),
        Some("true")
    );
    t.sns
        .delete_platform_application()
        .platform_application_arn(&app)
        .send()
        .await
        .expect("delete");
    let (code, _) = error(
        t.sns
            .get_endpoint_attributes()
            .endpoint_arn(&endpoint)
            .send()
            .await,
    );
    assert_eq!(code, "NotFound");
    let (code, _) = error(
        t.sns
            .create_platform_application()
            .name("x")
            .platform("PIGEON")
            .attributes("PlatformCredential", "k")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameter");
}

#[tokio::test]
async fn sms_attributes_opt_out_and_sandbox() {
    let t = TestServer::start().await;
    t.sns
        .set_sms_attributes()
        .attributes("DefaultSMSType", "Transactional")
        .send()
        .await
        .expect("set sms attributes");
    let attrs = t.sns.get_sms_attributes().send().await.expect("get");
    assert_eq!(
        attrs.attributes().expect("map")["DefaultSMSType"],
        "Transactional"
    );
    let out = t
        .sns
        .check_if_phone_number_is_opted_out()
        .phone_number("+15555550100")
        .send()
        .await
        .expect("check");
    assert!(!out.is_opted_out());
    let status = t
        .sns
        .get_sms_sandbox_account_status()
        .send()
        .await
        .expect("status");
    assert!(!status.is_in_sandbox());
    t.sns
        .create_sms_sandbox_phone_number()
        .phone_number("+15555550123")
        .send()
        .await
        .expect("create sandbox number");
    let texts = t
        .get("/_aws/sns/sms-messages?phoneNumber=%2B15555550123")
        .await
        .json();
    let text = texts["sms_messages"]["+15555550123"][0]["Message"]
        .as_str()
        .expect("otp text");
    let otp = text.rsplit(' ').next().expect("code").to_owned();
    let (code, _) = error(
        t.sns
            .verify_sms_sandbox_phone_number()
            .phone_number("+15555550123")
            .one_time_password("000000x")
            .send()
            .await,
    );
    assert_eq!(code, "VerificationException");
    t.sns
        .verify_sms_sandbox_phone_number()
        .phone_number("+15555550123")
        .one_time_password(otp)
        .send()
        .await
        .expect("verify");
    let listed = t
        .sns
        .list_sms_sandbox_phone_numbers()
        .send()
        .await
        .expect("list");
    assert_eq!(
        listed.phone_numbers()[0].status().map(|s| s.as_str()),
        Some("Verified")
    );
    t.sns
        .delete_sms_sandbox_phone_number()
        .phone_number("+15555550123")
        .send()
        .await
        .expect("delete");
}

#[tokio::test]
async fn lambda_and_firehose_subscriptions_record_to_the_outbox() {
    let t = TestServer::start().await;
    let arn = topic(&t, "functions").await;
    t.sns
        .subscribe()
        .topic_arn(&arn)
        .protocol("lambda")
        .endpoint("arn:aws:lambda:us-east-1:000000000000:function:handler")
        .send()
        .await
        .expect("subscribe lambda");
    let (code, _) = error(
        t.sns
            .subscribe()
            .topic_arn(&arn)
            .protocol("firehose")
            .endpoint("arn:aws:firehose:us-east-1:000000000000:deliverystream/s")
            .send()
            .await,
    );
    assert_eq!(
        code, "InvalidParameter",
        "firehose needs SubscriptionRoleArn"
    );
    t.sns
        .subscribe()
        .topic_arn(&arn)
        .protocol("firehose")
        .endpoint("arn:aws:firehose:us-east-1:000000000000:deliverystream/s")
        .attributes("SubscriptionRoleArn", "arn:aws:iam::000000000000:role/r")
        .send()
        .await
        .expect("subscribe firehose");
    t.sns
        .publish()
        .topic_arn(&arn)
        .message("event")
        .send()
        .await
        .expect("publish");
    flush(&t).await;
    let outbox = t.get("/_sluice/sns/outbox").await.json();
    assert_eq!(outbox["lambda"][0]["Message"], "event");
    assert_eq!(
        outbox["lambda"][0]["Destination"],
        "arn:aws:lambda:us-east-1:000000000000:function:handler"
    );
    let firehose: serde_json::Value =
        serde_json::from_str(outbox["firehose"][0]["Message"].as_str().expect("record"))
            .expect("envelope");
    assert_eq!(firehose["Message"], "event");
}
