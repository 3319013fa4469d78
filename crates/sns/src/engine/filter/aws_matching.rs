//! Table-driven matching tests: message/policy pairs from the SNS developer guide and from
//! behaviour recorded against real AWS, run through the public API.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::{AttributeRef, FilterPolicy, FilterScope};

const ATTRS: FilterScope = FilterScope::MessageAttributes;
const BODY: FilterScope = FilterScope::MessageBody;

fn policy(text: &str, scope: FilterScope) -> FilterPolicy {
    FilterPolicy::parse(text, scope).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// `attrs` entries are `name=Type:value`.
fn attr_match(policy: &FilterPolicy, attrs: &[&str]) -> bool {
    let map: HashMap<&str, (&str, &str)> = attrs
        .iter()
        .map(|entry| {
            let (name, rest) = entry.split_once('=').expect("name=Type:value");
            let (data_type, value) = rest.split_once(':').expect("Type:value");
            (name, (data_type, value))
        })
        .collect();
    policy.matches_attributes(&|name| {
        map.get(name)
            .map(|&(data_type, value)| AttributeRef { data_type, value })
    })
}

#[test]
fn attribute_matching_examples() {
    let cases: &[(&str, &[&str], bool)] = &[
        (
            r#"{"attr1":[{"numeric":[">",0,"<=",100]}]}"#,
            &["attr1=Number:99"],
            true,
        ),
        (
            r#"{"attr1":[{"numeric":[">",0,"<=",100]}]}"#,
            &["attr1=Number:111"],
            false,
        ),
        (
            r#"{"attr1":[null,{"anything-but":"whatever"}]}"#,
            &[],
            false,
        ),
        (
            r#"{"store":[{"exists":true}]}"#,
            &["store=Number:99", "def=Number:99"],
            true,
        ),
        (
            r#"{"store":[{"exists":true}]}"#,
            &["attr1=Number:111"],
            false,
        ),
        (r#"{"store":[{"exists":false}]}"#, &["def=Number:99"], true),
        (
            r#"{"store":[{"exists":false}]}"#,
            &["store=Number:99"],
            false,
        ),
        (r#"{"store":[{"exists":true}]}"#, &["store=Binary:"], false),
        (r#"{"store":[{"exists":false}]}"#, &["store=Binary:"], true),
        (r#"{"store":["value1"]}"#, &["store=String:value1"], true),
        (
            r#"{"store":["value1"]}"#,
            &[r#"store=String.Array:["value1","value2"]"#],
            true,
        ),
        (
            r#"{"store":["value1"]}"#,
            &[r#"store=String.Array:["value2","value3"]"#],
            false,
        ),
        (
            r#"{"store":["value1"]}"#,
            &["store=String.Array:not json"],
            false,
        ),
        (
            r#"{"c":[{"anything-but":["rugby","tennis"]}]}"#,
            &["c=String:baseball"],
            true,
        ),
        (
            r#"{"c":[{"anything-but":["rugby","tennis"]}]}"#,
            &["c=String:rugby"],
            false,
        ),
        (
            r#"{"c":[{"anything-but":["rugby","tennis"]}]}"#,
            &[r#"c=String.Array:["rugby","baseball"]"#],
            true,
        ),
        (
            r#"{"c":[{"anything-but":["rugby","tennis"]}]}"#,
            &[r#"c=String.Array:["rugby","tennis"]"#],
            false,
        ),
        (
            r#"{"price":[{"anything-but":[100,500]}]}"#,
            &["price=Number:100.1"],
            true,
        ),
        (
            r#"{"price":[{"anything-but":[100,500]}]}"#,
            &["price=Number:100"],
            false,
        ),
        (
            r#"{"price":[{"anything-but":[100,500]}]}"#,
            &["price=String.Array:[100, 50]"],
            true,
        ),
        (
            r#"{"price_usd":[{"numeric":["=",301.5]}]}"#,
            &["price_usd=Number:3.015e2"],
            true,
        ),
        (
            r#"{"event":[{"anything-but":{"prefix":"order-"}}]}"#,
            &["event=String:order_number"],
            true,
        ),
        (
            r#"{"event":[{"anything-but":{"prefix":"order-"}}]}"#,
            &["event=String:order-cancelled"],
            false,
        ),
        (
            r#"{"source_ip":[{"cidr":"10.0.0.0/24"}]}"#,
            &["source_ip=String:10.0.0.255"],
            true,
        ),
        (
            r#"{"source_ip":[{"cidr":"10.0.0.0/24"}]}"#,
            &["source_ip=String:10.1.1.0"],
            false,
        ),
        (
            r#"{"c":[{"prefix":"bas"}]}"#,
            &["c=String:basketball"],
            true,
        ),
        (r#"{"c":[{"suffix":"ball"}]}"#, &["c=String:rugby"], false),
        (
            r#"{"c":[{"equals-ignore-case":"tennis"}]}"#,
            &["c=String:TeNnIs"],
            true,
        ),
        (
            r#"{"c":["rugby"],"p":[{"numeric":[">",100]}]}"#,
            &["c=String:rugby", "p=Number:101"],
            true,
        ),
        (
            r#"{"c":["rugby"],"p":[{"numeric":[">",100]}]}"#,
            &["c=String:rugby", "p=Number:100"],
            false,
        ),
        (
            r#"{"c":["rugby"],"p":[{"numeric":[">",100]}]}"#,
            &["c=String:rugby"],
            false,
        ),
        (r#"{"f":[true]}"#, &["f=String.Array:[true, false]"], true),
        (r#"{"f":[true]}"#, &["f=String:true"], false),
        (r#"{"n":["5"]}"#, &["n=Number:5"], false),
        (
            r#"{"a":["x"],"$or":[{"b":["1"]},{"c":["2"]}]}"#,
            &["a=String:x", "c=String:2"],
            true,
        ),
        (
            r#"{"a":["x"],"$or":[{"b":["1"]},{"c":["2"]}]}"#,
            &["a=String:x", "c=String:3"],
            false,
        ),
        (r#"{"dotted.name":["v"]}"#, &["dotted.name=String:v"], true),
    ];
    for &(text, attrs, expected) in cases {
        let p = policy(text, ATTRS);
        assert_eq!(attr_match(&p, attrs), expected, "{text} on {attrs:?}");
    }
}

#[test]
fn body_matching_examples() {
    let nested = r#"{"object":{"key":[{"prefix":"auto-"},"hardcodedvalue"],"nested_key":[{"exists":false}]},"test":[{"exists":false}]}"#;
    let dotted = r#"{"object.nested.test":["string.value"]}"#;
    let s3 = r#"{"Records":{"s3":{"object":{"key":[{"prefix":"auto-"}]}},"eventName":[{"prefix":"ObjectCreated:"}]}}"#;
    let or = r#"{"$or":[{"metricName":["CPUUtilization","ReadLatency"]},{"namespace":["AWS/EC2","AWS/ES"]}],"detail":{"scope":["Service"],"$or":[{"source":["aws.cloudwatch"]},{"type":["CloudWatch Alarm State Change"]}]}}"#;
    let cases: Vec<(&str, Value, bool)> = vec![
        (nested, json!({"object": {"key": "auto-test"}}), true),
        (nested, json!({"object": {"key": "hardcodedvalue"}}), true),
        (nested, json!({"object": {"key": "test-auto"}}), false),
        (
            nested,
            json!({"object": {"key": "auto-test"}, "test": "just-exists"}),
            false,
        ),
        (
            nested,
            json!({"object": {"key": "auto-test", "nested_key": "just-exists"}}),
            false,
        ),
        (nested, json!({"object": {"test": "auto-test"}}), false),
        (nested, json!({"test": "auto-test"}), false),
        (
            dotted,
            json!({"object": {"nested": {"test": "string.value"}}}),
            true,
        ),
        (dotted, json!({"object.nested.test": "string.value"}), true),
        (
            dotted,
            json!({"object.nested": {"test": "string.value"}}),
            true,
        ),
        (
            dotted,
            json!({"object": {"nested.test": "string.value"}}),
            true,
        ),
        (
            dotted,
            json!({"object": {"nested": {"test": "string.notvalue"}}}),
            false,
        ),
        (
            r#"{"headers":{"route-to":["queue1"]}}"#,
            json!({"headers": {"route-to": ["queue1", "queue2"]}}),
            true,
        ),
        (
            r#"{"headers":{"route-to":["queue1"]}}"#,
            json!({"headers": {"route-to": ["queue3"]}}),
            false,
        ),
        (
            s3,
            json!({"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": [[{"key": "auto-insurance-2314.xml"}]]}}, {"eventName": "ObjectRemoved:Delete", "s3": {"object": {"key": "home-insurance-2314.xml"}}}]}),
            true,
        ),
        (
            s3,
            json!({"Records": [{"eventName": "ObjectRemoved:Delete", "s3": {"object": {"key": "auto-insurance-2314.xml"}}}]}),
            false,
        ),
        (
            s3,
            json!({"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": "home-insurance-2314.xml"}}}]}),
            false,
        ),
        (
            or,
            json!({"metricName": "CPUUtilization", "detail": {"scope": "aws.cloudwatch", "type": "CloudWatch Alarm State Change"}}),
            false,
        ),
        (
            or,
            json!({"metricName": "CPUUtilization", "detail": {"scope": "Service", "type": "CPUUtilization"}}),
            false,
        ),
        (
            or,
            json!({"metricName": "CPUUtilization", "detail": {"type": "CloudWatch Alarm State Change"}}),
            false,
        ),
        (
            or,
            json!({"metricName": "CPUUtilization", "detail": {"scope": "Service"}}),
            false,
        ),
        (
            or,
            json!({"metricName": "CPUUtilization", "scope": "Service"}),
            false,
        ),
        (
            or,
            json!({"metricName": "CPUUtilization", "detail": {"scope": "Service", "source": "aws.cloudwatch"}}),
            true,
        ),
        (
            or,
            json!({"namespace": "AWS/ES", "detail": {"scope": "Service", "source": "aws.cloudwatch"}}),
            true,
        ),
        (
            or,
            json!({"metricName": "AWS/EC2", "detail": {"scope": "Service", "type": "CloudWatch Alarm State Change"}}),
            false,
        ),
        (
            r#"{"c":[{"anything-but":["rugby","tennis"]}]}"#,
            json!({"c": ["rugby", "baseball"]}),
            true,
        ),
        (
            r#"{"c":[{"anything-but":["rugby","tennis"]}]}"#,
            json!({}),
            false,
        ),
        (
            r#"{"price":[{"anything-but":[100,500]}]}"#,
            json!({"price": [100, 50]}),
            true,
        ),
        (
            r#"{"price":[{"anything-but":[100,500]}]}"#,
            json!({"price": 100}),
            false,
        ),
        (
            r#"{"store":[{"exists":true}]}"#,
            json!({"store": "fans"}),
            true,
        ),
        (
            r#"{"store":[{"exists":true}]}"#,
            json!({"store": null}),
            true,
        ),
        (
            r#"{"store":[{"exists":true}]}"#,
            json!({"store": {"inner": 1}}),
            false,
        ),
        (
            r#"{"store":[{"exists":true}]}"#,
            json!({"store": []}),
            false,
        ),
        (
            r#"{"store":[{"exists":false}]}"#,
            json!({"customer_interests": ["a"]}),
            true,
        ),
        (r#"{"v":[null]}"#, json!({"v": null}), true),
        (r#"{"v":[null]}"#, json!({}), false),
        (r#"{"v":[false]}"#, json!({"v": false}), true),
        (r#"{"v":[300]}"#, json!({"v": 3e2}), true),
        (r#"{"v":["300"]}"#, json!({"v": 300}), false),
    ];
    for (text, body, expected) in cases {
        let p = policy(text, BODY);
        assert_eq!(p.matches_body(Some(&body)), expected, "{text} on {body}");
    }
}

#[test]
fn bodies_that_are_not_objects_match_nothing() {
    let p = policy(r#"{"test":[{"exists":false}]}"#, BODY);
    assert!(p.matches_body(Some(&json!({}))));
    assert!(!p.matches_body(None));
    assert!(!p.matches_body(Some(&json!("Regular string message"))));
    assert!(!p.matches_body(Some(&json!([{"test": 1}]))));
}
