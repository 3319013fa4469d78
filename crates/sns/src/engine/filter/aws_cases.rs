//! Table-driven tests of policy validation: rejections and acceptances recorded from real AWS
//! responses, run through the public API.

use super::{FilterPolicy, FilterScope, PolicyError};

const ATTRS: FilterScope = FilterScope::MessageAttributes;
const BODY: FilterScope = FilterScope::MessageBody;

fn rejection(policy: &str, scope: FilterScope) -> String {
    match FilterPolicy::parse(policy, scope) {
        Ok(_) => panic!("{policy} should be rejected"),
        Err(PolicyError(text)) => text,
    }
}

#[test]
fn rejections_recorded_from_aws() {
    let s151: Vec<String> = (0..151).map(|i| format!("\"v{i}\"")).collect();
    let s151 = format!("{{\"key\": [{}]}}", s151.join(","));
    let v100: Vec<String> = (0..100).map(|i| format!("\"v{i}\"")).collect();
    let v51: Vec<String> = (0..51).map(|i| format!("\"v{i}\"")).collect();
    let two = format!(
        "{{\"key1\": [{}], \"key2\": [{}]}}",
        v100.join(","),
        v51.join(",")
    );
    let cases: &[(&str, FilterScope, &str)] = &[
        (
            r#"{"key":[["value"]]}"#,
            ATTRS,
            "Match value must be String, number, true, false, or null",
        ),
        (
            r#"{"key":[{"wrong-operator":true}]}"#,
            ATTRS,
            "Unrecognized match type wrong-operator",
        ),
        (
            r#"{"key":[{"suffix":"value","prefix":"value2"}]}"#,
            ATTRS,
            "Only one key allowed in match expression",
        ),
        (
            r#"{"key":[{"suffix":100}]}"#,
            ATTRS,
            "suffix match pattern must be a string",
        ),
        (
            r#"{"key":[{"suffix":null}]}"#,
            ATTRS,
            "suffix match pattern must be a string",
        ),
        (
            r#"{"key":{"suffix":"value"}}"#,
            ATTRS,
            "\"suffix\" must be an object or an array",
        ),
        (
            r#"{"key":[{"suffix":[]}]}"#,
            ATTRS,
            "suffix match pattern must be a string",
        ),
        (
            r#"{"key":[{"suffix":["test","test2"]}]}"#,
            ATTRS,
            "suffix match pattern must be a string",
        ),
        (
            r#"{"key":{"suffix":"value","prefix":"value"}}"#,
            ATTRS,
            "\"suffix\" must be an object or an array",
        ),
        (
            r#"{"key":{"not-an-operator":"value"}}"#,
            ATTRS,
            "\"not-an-operator\" must be an object or an array",
        ),
        (
            r#"{"key":[{"numeric":[]}]}"#,
            ATTRS,
            "Invalid member in numeric match: ]",
        ),
        (
            r#"{"key":[{"numeric":["operator"]}]}"#,
            ATTRS,
            "Unrecognized numeric range operator: operator",
        ),
        (
            r#"{"key":[{"numeric":[1,"<="]}]}"#,
            ATTRS,
            "Invalid member in numeric match: 1",
        ),
        (
            r#"{"key":[{"numeric":["=","000"]}]}"#,
            ATTRS,
            "Value of equals must be numeric",
        ),
        (
            r#"{"key":[{"numeric":[">="]}]}"#,
            ATTRS,
            "Value of >= must be numeric",
        ),
        (
            r#"{"key":[{"numeric":["<",100,">",10]}]}"#,
            ATTRS,
            "Too many elements in numeric expression",
        ),
        (
            r#"{"key":[{"numeric":[">=",1,">",2]}]}"#,
            ATTRS,
            "Bad numeric range operator: >",
        ),
        (
            r#"{"key":[{"numeric":[">",3,"<",1]}]}"#,
            ATTRS,
            "Bottom must be less than top",
        ),
        (
            r#"{"key":[{"numeric":[">",20,"<="]}]}"#,
            ATTRS,
            "Value of <= must be numeric",
        ),
        (
            r#"{"key":[{"numeric":[">",20,30]}]}"#,
            ATTRS,
            "Bad value in numeric range: 30",
        ),
        (
            r#"{"key":[{"numeric":[">",20,"test"]}]}"#,
            ATTRS,
            "Bad numeric range operator: test",
        ),
        (
            r#"{"key":[{"numeric":[">","20","<","30"]}]}"#,
            ATTRS,
            "Value of > must be numeric",
        ),
        (
            r#"{"key":[{"numeric":[">",20,"<","30"]}]}"#,
            ATTRS,
            "Value of < must be numeric",
        ),
        (
            r#"{"key":[{"numeric":[">",20,"<",30,"<",50]}]}"#,
            ATTRS,
            "Too many terms in numeric range expression",
        ),
        (
            r#"{"key":[{"exists":null}]}"#,
            ATTRS,
            "exists match pattern must be either true or false.",
        ),
        (
            r#"{"key":[{"exists":"no"}]}"#,
            ATTRS,
            "exists match pattern must be either true or false.",
        ),
        (
            r#"{"key":[{"anything-but":{"wrong-operator":null}}]}"#,
            ATTRS,
            "Unsupported anything-but pattern: wrong-operator",
        ),
        (
            r#"{"key":[{"anything-but":{"exists":false}}]}"#,
            ATTRS,
            "Unsupported anything-but pattern: exists",
        ),
        (
            r#"{"key":[{"anything-but":{"prefix":false}}]}"#,
            ATTRS,
            "prefix match pattern must be a string",
        ),
        (&s151, ATTRS, "Filter policy is too complex"),
        (&two, ATTRS, "Filter policy is too complex"),
        (
            r#"{"key1":["value1"],"key2":["value2"],"key3":["value3"],"key4":["value4"],"key5":["value5"],"key6":["value6"]}"#,
            ATTRS,
            "Filter policy can not have more than 5 keys",
        ),
        (
            r#"{"object":{"key":[{"prefix":"auto-"}]}}"#,
            ATTRS,
            "Filter policy scope MessageAttributes does not support nested filter policy",
        ),
        (
            r#"{"key_a":{"key_b":{"key_c":["value_one","value_two","value_three","value_four"]}},"key_d":{"key_e":["value_one","value_two","value_three"]},"key_f":["value_one","value_two","value_three"]}"#,
            BODY,
            "Filter policy is too complex",
        ),
        (
            r#"{"key_a":["value_one"],"key_b":["value_two"],"key_c":["value_three"],"key_d":["value_four"],"key_e":["value_five"],"key_f":["value_six"]}"#,
            BODY,
            "Filter policy can not have more than 5 keys",
        ),
        (
            r#"{"key_a":"value_one"}"#,
            BODY,
            "\"key_a\" must be an object or an array",
        ),
        (
            r#"{"source":["aws.cloudwatch","aws.events","aws.test","aws.test2"],"$or":[{"metricName":["CPUUtilization","ReadLatency","t1","t2","t3","t4"]},{"metricType":["MetricType","TestType","TestType2","TestType3"],"$or":[{"metricId":[1234,4321,5678,9012]},{"spaceId":[1,2,3,4]}]}]}"#,
            ATTRS,
            "Filter policy is too complex",
        ),
        (
            r#"{"$or":[{"metricName":["CPUUtilization","ReadLatency","TestValue"]},{"namespace":["AWS/EC2","AWS/ES"]}],"detail":{"scope":["Service","Test"],"$or":[{"source":["aws.cloudwatch"]},{"type":["CloudWatch Alarm State Change","TestValue","TestValue2"]}]}}"#,
            BODY,
            "Filter policy is too complex",
        ),
    ];
    for &(text, scope, expected) in cases {
        assert_eq!(rejection(text, scope), expected, "{text}");
    }
}

#[test]
fn acceptances_recorded_from_aws() {
    let accepted: &[(&str, FilterScope)] = &[
        (r#"{"key":[{"anything-but":{"prefix":"test-"}}]}"#, ATTRS),
        (r#"{"key":[{"anything-but":["test","test2"]}]}"#, ATTRS),
        (r#"{"key":[{"anything-but":"test"}]}"#, ATTRS),
        (r#"{"attr1":[null,{"anything-but":"whatever"}]}"#, ATTRS),
        (r#"{"object.nested":["string.value"]}"#, BODY),
        (
            r#"{"source":["aws.cloudwatch","aws.events","aws.test"],"$or":[{"metricName":["CPUUtilization","ReadLatency","TestVal","TestVal2","TestVal3","TestVal4"]},{"metricType":["MetricType","TestType","TestType2","TestType3"],"$or":[{"metricId":[1234,4321,5678,9012]},{"spaceId":[1,2,3,4,5,6,7]}]}]}"#,
            ATTRS,
        ),
    ];
    for &(text, scope) in accepted {
        if let Err(e) = FilterPolicy::parse(text, scope) {
            panic!("{text} should be accepted: {e}");
        }
    }
}
