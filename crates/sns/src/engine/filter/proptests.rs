//! Property tests: no input makes parsing or matching panic, and the core semantics hold for
//! generated values (exact match, anything-but, numeric ranges, `$or`, the JSON reader).

use std::collections::HashMap;

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::json::{self, Node};
use super::{AttributeRef, FilterPolicy, FilterScope};

const KEYS: [&str; 8] = ["a", "b", "c", "a.b", "$or", "prefix", "numeric", "exists"];

fn small_string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec!["", "a", "ab", "abc", "AbC", "10.0.0.1", "x.y", "é"])
            .prop_map(str::to_owned),
        "[a-c.\\-]{0,6}",
    ]
}

fn small_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-2000i32..2000).prop_map(|i| f64::from(i) / 100.0),
        prop::sample::select(vec![0.0, -0.0, 1e9, -1e9, 2e9, 1e-6, 5e12]),
    ]
}

/// One element of a policy value array: mostly well-formed conditions, some junk.
fn condition() -> impl Strategy<Value = Value> {
    let op = prop::sample::select(vec!["=", "<", "<=", ">", ">=", "!"]);
    prop_oneof![
        small_string().prop_map(Value::from),
        small_number().prop_map(|n| json!(n)),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
        small_string().prop_map(|s| json!({"prefix": s})),
        small_string().prop_map(|s| json!({"suffix": s})),
        small_string().prop_map(|s| json!({"equals-ignore-case": s})),
        small_string().prop_map(|s| json!({"anything-but": s})),
        prop::collection::vec(small_string(), 0..3).prop_map(|v| json!({"anything-but": v})),
        small_number().prop_map(|n| json!({"anything-but": [n]})),
        small_string().prop_map(|s| json!({"anything-but": {"prefix": s}})),
        small_string().prop_map(|s| json!({"anything-but": {"suffix": s}})),
        (op.clone(), small_number()).prop_map(|(o, n)| json!({"numeric": [o, n]})),
        (small_number(), small_number()).prop_map(|(a, b)| json!({"numeric": [">", a, "<=", b]})),
        any::<bool>().prop_map(|b| json!({"exists": b})),
        prop::sample::select(vec!["10.0.0.0/8", "::/0", "1.2.3.4", "x/y"])
            .prop_map(|c| json!({"cidr": c})),
    ]
}

fn object_of(members: Vec<(&'static str, Value)>) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

fn key() -> impl Strategy<Value = &'static str> {
    prop::sample::select(KEYS.to_vec())
}

/// Policy-shaped objects: keys with condition arrays, nested objects, `$or` arrays, some junk.
fn policy_object() -> impl Strategy<Value = Value> {
    let conditions = || prop::collection::vec(condition(), 0..4).prop_map(Value::Array);
    let flat = prop::collection::vec((key(), conditions()), 1..4).prop_map(object_of);
    flat.prop_recursive(3, 24, 4, move |inner| {
        let member = prop_oneof![
            4 => (key(), conditions()),
            1 => (key(), inner.clone()),
            1 => prop::collection::vec(inner, 2..4).prop_map(|alts| ("$or", Value::Array(alts))),
            1 => (key(), body_value()),
        ];
        prop::collection::vec(member, 0..4).prop_map(object_of)
    })
}

/// Whole policy documents: usually an object at top level, as real policies are.
fn policy_document() -> impl Strategy<Value = Value> {
    prop_oneof![8 => policy_object(), 1 => body_value()]
}

/// Arbitrary JSON documents built from the same keys, used as message bodies.
fn body_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        small_string().prop_map(Value::from),
        small_number().prop_map(|n| json!(n)),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS.to_vec()), inner), 0..4).prop_map(
                |members| {
                    Value::Object(
                        members
                            .into_iter()
                            .map(|(k, v)| (k.to_owned(), v))
                            .collect(),
                    )
                }
            ),
        ]
    })
}

fn attributes() -> impl Strategy<Value = HashMap<String, (String, String)>> {
    let data_type = prop::sample::select(vec!["String", "Number", "String.Array", "Binary"]);
    let value = prop_oneof![
        small_string(),
        small_number().prop_map(|n| n.to_string()),
        body_value().prop_map(|v| v.to_string()),
    ];
    prop::collection::hash_map(
        prop::sample::select(KEYS.to_vec()).prop_map(str::to_owned),
        (data_type.prop_map(str::to_owned), value),
        0..4,
    )
}

fn matches_map(policy: &FilterPolicy, map: &HashMap<String, (String, String)>) -> bool {
    policy.matches_attributes(&|name| {
        map.get(name)
            .map(|(data_type, value)| AttributeRef { data_type, value })
    })
}

fn to_value(node: &Node) -> Value {
    match node {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(*b),
        Node::Number(n) => serde_json::from_str(&n.text).expect("number literal"),
        Node::String(s) => Value::String(s.clone()),
        Node::Array(items) => Value::Array(items.iter().map(to_value).collect()),
        Node::Object(members) => {
            let mut map = Map::new();
            for (k, v) in members {
                map.insert(k.clone(), to_value(v));
            }
            Value::Object(map)
        }
    }
}

fn scopes() -> impl Strategy<Value = FilterScope> {
    prop::sample::select(vec![
        FilterScope::MessageAttributes,
        FilterScope::MessageBody,
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_never_panics_on_any_text(text in "\\PC{0,64}", scope in scopes()) {
        let _ = FilterPolicy::parse(&text, scope);
    }

    #[test]
    fn parse_never_panics_on_json_ish_text(
        tokens in prop::collection::vec(prop::sample::select(vec![
            "{", "}", "[", "]", ":", ",", "\"a\"", "\"$or\"", "\"numeric\"", "\"prefix\"",
            "\"anything-but\"", "\"exists\"", "\"cidr\"", "\">\"", "\"<=\"", "1", "-2.5e3",
            "true", "null", "\"\\u00e9\"", "\"\\ud800\"", " ", "\"10.0.0.0/8\"",
        ]), 0..40),
        scope in scopes(),
    ) {
        let _ = FilterPolicy::parse(&tokens.concat(), scope);
    }

    #[test]
    fn parse_then_match_never_panics(
        policy in policy_document(),
        scope in scopes(),
        body in body_value(),
        attrs in attributes(),
    ) {
        if let Ok(p) = FilterPolicy::parse(&policy.to_string(), scope) {
            let _ = p.matches_body(Some(&body));
            let _ = p.matches_body(None);
            let _ = matches_map(&p, &attrs);
        }
    }

    #[test]
    fn json_reader_agrees_with_serde_json(value in body_value()) {
        let text = serde_json::to_string_pretty(&value).expect("serialize");
        let node = json::parse(&text).expect("serde_json output is valid JSON");
        prop_assert_eq!(to_value(&node), value);
    }

    #[test]
    fn exact_string_policy_matches_its_value(value in "\\PC{0,20}", other in "\\PC{0,20}") {
        let text = json!({"k": [value.clone()]}).to_string();
        let attrs = FilterPolicy::parse(&text, FilterScope::MessageAttributes).expect("valid");
        let get = |v: &str| HashMap::from([("k".to_owned(), ("String".to_owned(), v.to_owned()))]);
        prop_assert!(matches_map(&attrs, &get(&value)));
        prop_assert_eq!(matches_map(&attrs, &get(&other)), value == other);
        let body = FilterPolicy::parse(&text, FilterScope::MessageBody).expect("valid");
        let single = json!({"k": value});
        let listed = json!({"k": [other, value]});
        prop_assert!(body.matches_body(Some(&single)));
        prop_assert!(body.matches_body(Some(&listed)));
    }

    #[test]
    fn prefix_policy_matches_extensions(prefix in "\\PC{0,8}", rest in "\\PC{0,8}") {
        let text = json!({"k": [{"prefix": prefix.clone()}]}).to_string();
        let p = FilterPolicy::parse(&text, FilterScope::MessageBody).expect("valid");
        let extended = format!("{prefix}{rest}");
        let message = json!({"k": extended});
        prop_assert!(p.matches_body(Some(&message)));
    }

    #[test]
    fn anything_but_never_matches_its_values(s in "\\PC{0,12}", n in -100_000i32..100_000) {
        let n = f64::from(n) / 100.0;
        let strings = FilterPolicy::parse(
            &json!({"k": [{"anything-but": [s.clone()]}]}).to_string(),
            FilterScope::MessageBody,
        ).expect("valid");
        let same = json!({"k": s.clone()});
        let different = json!({"k": format!("{s}!")});
        prop_assert!(!strings.matches_body(Some(&same)));
        prop_assert!(strings.matches_body(Some(&different)));
        let numbers = FilterPolicy::parse(
            &json!({"k": [{"anything-but": n}]}).to_string(),
            FilterScope::MessageAttributes,
        ).expect("valid");
        let attrs = HashMap::from([("k".to_owned(), ("Number".to_owned(), n.to_string()))]);
        prop_assert!(!matches_map(&numbers, &attrs));
    }

    #[test]
    fn numeric_range_matches_iff_in_range(
        lo in -100_000i64..100_000,
        width in 1i64..100_000,
        x in -200_000i64..200_000,
        open_lo in any::<bool>(),
        open_hi in any::<bool>(),
    ) {
        let hi = lo + width;
        let as_f64 = |i: i64| i as f64 / 100.0;
        let range = json!([
            if open_lo { ">" } else { ">=" }, as_f64(lo),
            if open_hi { "<" } else { "<=" }, as_f64(hi),
        ]);
        let text = json!({"k": [{"numeric": range}]}).to_string();
        let p = FilterPolicy::parse(&text, FilterScope::MessageBody).expect("valid");
        let above = if open_lo { x > lo } else { x >= lo };
        let below = if open_hi { x < hi } else { x <= hi };
        let number = json!({"k": as_f64(x)});
        let string = json!({"k": as_f64(x).to_string()});
        prop_assert_eq!(p.matches_body(Some(&number)), above && below);
        prop_assert!(!p.matches_body(Some(&string)));
    }

    #[test]
    fn or_matches_iff_an_alternative_matches(
        a in prop::collection::vec(condition(), 1..3),
        b in prop::collection::vec(condition(), 1..3),
        body in body_value(),
    ) {
        let parse = |v: Value| FilterPolicy::parse(&v.to_string(), FilterScope::MessageBody);
        let (Ok(pa), Ok(pb), Ok(either)) = (
            parse(json!({"a": a.clone()})),
            parse(json!({"b": b.clone()})),
            parse(json!({"$or": [{"a": a}, {"b": b}]})),
        ) else {
            return Ok(());
        };
        let body = json!({"a": body.clone(), "b": body});
        let expected = pa.matches_body(Some(&body)) || pb.matches_body(Some(&body));
        prop_assert_eq!(either.matches_body(Some(&body)), expected);
    }
}
