//! Typed outputs. JSON comes from serde (member names as in the AWS model); the Query XML,
//! whose lists are `<member>` items and maps `<entry><key/><value/></entry>`, is written by
//! `WriteXml`.

use serde::Serialize;
pub use sluice_wire::WriteXml;
use sluice_wire::XmlWriter;

/// Output of operations the model gives no output shape.
#[derive(Debug, Default, Serialize)]
pub struct Empty {}

impl WriteXml for Empty {
    fn write_xml(&self, _: &mut XmlWriter) {}
    fn has_result(&self) -> bool {
        false
    }
}

/// Output of operations whose output shape has no members: an empty result element.
#[derive(Debug, Default, Serialize)]
pub struct EmptyResult {}

impl WriteXml for EmptyResult {
    fn write_xml(&self, _: &mut XmlWriter) {}
}

fn write_map(w: &mut XmlWriter, name: &str, map: &[(String, String)]) {
    w.open(name);
    for (k, v) in map {
        w.open("entry")
            .elem("key", k)
            .elem("value", v)
            .close("entry");
    }
    w.close(name);
}

/// A map serialized as a JSON object in its order.
#[derive(Debug, Default)]
pub struct Map(pub Vec<(String, String)>);

impl Serialize for Map {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

macro_rules! single_string_output {
    ($($name:ident { $field:ident: $xml:literal })*) => {$(
        #[derive(Debug, Serialize)]
        pub struct $name {
            #[serde(rename = $xml)]
            pub $field: String,
        }
        impl WriteXml for $name {
            fn write_xml(&self, w: &mut XmlWriter) {
                w.elem($xml, &self.$field);
            }
        }
    )*};
}

single_string_output! {
    TopicArnOutput { topic_arn: "TopicArn" }
    SubscriptionArnOutput { subscription_arn: "SubscriptionArn" }
    PlatformApplicationArnOutput { platform_application_arn: "PlatformApplicationArn" }
    EndpointArnOutput { endpoint_arn: "EndpointArn" }
    DataProtectionPolicyOutput { data_protection_policy: "DataProtectionPolicy" }
}

#[derive(Debug, Serialize)]
pub struct AttributesOutput {
    #[serde(rename = "Attributes")]
    pub attributes: Map,
}

impl WriteXml for AttributesOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        write_map(w, "Attributes", &self.attributes.0);
    }
}

#[derive(Debug, Serialize)]
pub struct TopicEntry {
    #[serde(rename = "TopicArn")]
    pub topic_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTopicsOutput {
    pub topics: Vec<TopicEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

impl WriteXml for ListTopicsOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.open("Topics");
        for t in &self.topics {
            w.open("member")
                .elem("TopicArn", &t.topic_arn)
                .close("member");
        }
        w.close("Topics");
        w.opt_elem("NextToken", self.next_token.as_deref());
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscriptionEntry {
    pub subscription_arn: String,
    pub owner: String,
    pub protocol: String,
    pub endpoint: String,
    pub topic_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSubscriptionsOutput {
    pub subscriptions: Vec<SubscriptionEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

impl WriteXml for ListSubscriptionsOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.open("Subscriptions");
        for s in &self.subscriptions {
            w.open("member")
                .elem("SubscriptionArn", &s.subscription_arn)
                .elem("Owner", &s.owner)
                .elem("Protocol", &s.protocol)
                .elem("Endpoint", &s.endpoint)
                .elem("TopicArn", &s.topic_arn)
                .close("member");
        }
        w.close("Subscriptions");
        w.opt_elem("NextToken", self.next_token.as_deref());
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagOutput {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsOutput {
    pub tags: Vec<TagOutput>,
}

impl WriteXml for ListTagsOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.open("Tags");
        for t in &self.tags {
            w.open("member")
                .elem("Key", &t.key)
                .elem("Value", &t.value)
                .close("member");
        }
        w.close("Tags");
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublishOutput {
    pub message_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<String>,
}

impl WriteXml for PublishOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.elem("MessageId", &self.message_id);
        w.opt_elem("SequenceNumber", self.sequence_number.as_deref());
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublishBatchSuccess {
    pub id: String,
    pub message_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<String>,
}

/// A failed PublishBatch entry: the service's error, coded here (by the error table).
#[derive(Debug)]
pub struct PublishBatchFailure {
    pub id: String,
    pub error: crate::SnsError,
}

impl PublishBatchFailure {
    fn sender_fault(&self) -> bool {
        self.error.descriptor().fault == sluice_wire::Fault::Sender
    }
}

impl Serialize for PublishBatchFailure {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut entry = s.serialize_struct("PublishBatchFailure", 4)?;
        entry.serialize_field("Id", &self.id)?;
        entry.serialize_field("Code", self.error.descriptor().query_code)?;
        entry.serialize_field("Message", &self.error.to_string())?;
        entry.serialize_field("SenderFault", &self.sender_fault())?;
        entry.end()
    }
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublishBatchOutput {
    pub successful: Vec<PublishBatchSuccess>,
    pub failed: Vec<PublishBatchFailure>,
}

impl WriteXml for PublishBatchOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.open("Successful");
        for s in &self.successful {
            w.open("member")
                .elem("Id", &s.id)
                .elem("MessageId", &s.message_id)
                .opt_elem("SequenceNumber", s.sequence_number.as_deref())
                .close("member");
        }
        w.close("Successful").open("Failed");
        for f in &self.failed {
            w.open("member")
                .elem("Id", &f.id)
                .elem("Code", f.error.descriptor().query_code)
                .elem("Message", &f.error.to_string())
                .elem(
                    "SenderFault",
                    if f.sender_fault() { "true" } else { "false" },
                )
                .close("member");
        }
        w.close("Failed");
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PlatformApplicationEntry {
    pub platform_application_arn: String,
    pub attributes: Map,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPlatformApplicationsOutput {
    pub platform_applications: Vec<PlatformApplicationEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

impl WriteXml for ListPlatformApplicationsOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.open("PlatformApplications");
        for a in &self.platform_applications {
            w.open("member")
                .elem("PlatformApplicationArn", &a.platform_application_arn);
            write_map(w, "Attributes", &a.attributes.0);
            w.close("member");
        }
        w.close("PlatformApplications");
        w.opt_elem("NextToken", self.next_token.as_deref());
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EndpointEntry {
    pub endpoint_arn: String,
    pub attributes: Map,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListEndpointsOutput {
    pub endpoints: Vec<EndpointEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

impl WriteXml for ListEndpointsOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.open("Endpoints");
        for e in &self.endpoints {
            w.open("member").elem("EndpointArn", &e.endpoint_arn);
            write_map(w, "Attributes", &e.attributes.0);
            w.close("member");
        }
        w.close("Endpoints");
        w.opt_elem("NextToken", self.next_token.as_deref());
    }
}

/// GetSMSAttributes' output; SNS spells this member in lower case.
#[derive(Debug, Serialize)]
pub struct SmsAttributesOutput {
    pub attributes: Map,
}

impl WriteXml for SmsAttributesOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        write_map(w, "attributes", &self.attributes.0);
    }
}

#[derive(Debug, Serialize)]
pub struct OptedOutOutput {
    #[serde(rename = "isOptedOut")]
    pub is_opted_out: bool,
}

impl WriteXml for OptedOutOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.elem(
            "isOptedOut",
            if self.is_opted_out { "true" } else { "false" },
        );
    }
}

#[derive(Debug, Serialize)]
pub struct PhoneNumbersOptedOutOutput {
    #[serde(rename = "phoneNumbers")]
    pub phone_numbers: Vec<String>,
    #[serde(rename = "nextToken", skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

impl WriteXml for PhoneNumbersOptedOutOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.open("phoneNumbers");
        for n in &self.phone_numbers {
            w.elem("member", n);
        }
        w.close("phoneNumbers");
        w.opt_elem("nextToken", self.next_token.as_deref());
    }
}

#[derive(Debug, Serialize)]
pub struct SandboxStatusOutput {
    #[serde(rename = "IsInSandbox")]
    pub is_in_sandbox: bool,
}

impl WriteXml for SandboxStatusOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.elem(
            "IsInSandbox",
            if self.is_in_sandbox { "true" } else { "false" },
        );
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SandboxNumberEntry {
    pub phone_number: String,
    pub status: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSandboxNumbersOutput {
    pub phone_numbers: Vec<SandboxNumberEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

impl WriteXml for ListSandboxNumbersOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.open("PhoneNumbers");
        for n in &self.phone_numbers {
            w.open("member")
                .elem("PhoneNumber", &n.phone_number)
                .elem("Status", &n.status)
                .close("member");
        }
        w.close("PhoneNumbers");
        w.opt_elem("NextToken", self.next_token.as_deref());
    }
}

/// ListOriginationNumbers: Sluice owns no numbers, so the list is empty.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListOriginationNumbersOutput {
    pub phone_numbers: Vec<String>,
}

impl WriteXml for ListOriginationNumbersOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.empty("PhoneNumbers");
    }
}
