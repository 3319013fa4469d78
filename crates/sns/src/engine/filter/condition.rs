//! Single match conditions: compiling one element of a policy's value array and testing it
//! against one scalar value from a message.
//!
//! Values are typed the way AWS's engine sees them: a `String` attribute or JSON string only
//! meets string conditions (exact, `prefix`, `suffix`, `equals-ignore-case`, `cidr`), a `Number`
//! attribute or JSON number only meets numeric ones (exact number, `numeric`), and `true`,
//! `false`, `null` only meet themselves. `anything-but` matches any present value that does not
//! meet its inner condition, whatever that value's type.

use super::cidr::{self, CidrRange};
use super::json::Node;
use super::messages::{self, err};
use super::numeric::{self, quantize, NumValue, NumericRange};
use super::PolicyError;

/// One scalar value taken from a message (attribute value, array element or body leaf).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Scalar<'v> {
    Str(&'v str),
    Num(f64),
    Bool(bool),
    Null,
}

/// A compiled value condition.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cond {
    ExactStr(String),
    ExactNum(NumValue),
    ExactBool(bool),
    ExactNull,
    Prefix(String),
    Suffix(String),
    /// Holds the pattern already lower-cased.
    EqualsIgnoreCase(String),
    Numeric(NumericRange),
    Cidr(CidrRange),
    AnythingBut(AnythingBut),
}

/// The inner condition of an `anything-but`.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum AnythingBut {
    Strings(Vec<String>),
    /// In 10^-5 units (see [`quantize`]).
    Numbers(Vec<i64>),
    Prefix(String),
    Suffix(String),
}

/// One element of a policy value array after compilation.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Item {
    Value(Cond),
    Exists(bool),
}

impl Cond {
    pub(super) fn matches(&self, value: Scalar<'_>) -> bool {
        match (self, value) {
            (Cond::ExactStr(p), Scalar::Str(v)) => p == v,
            (Cond::ExactNum(n), Scalar::Num(v)) => n.matches(v),
            (Cond::ExactBool(p), Scalar::Bool(v)) => *p == v,
            (Cond::ExactNull, Scalar::Null) => true,
            (Cond::Prefix(p), Scalar::Str(v)) => v.starts_with(p.as_str()),
            (Cond::Suffix(p), Scalar::Str(v)) => v.ends_with(p.as_str()),
            (Cond::EqualsIgnoreCase(p), Scalar::Str(v)) => {
                v.chars().flat_map(char::to_lowercase).eq(p.chars())
            }
            (Cond::Numeric(range), Scalar::Num(v)) => range.contains(v),
            (Cond::Cidr(net), Scalar::Str(v)) => net.contains(v),
            (Cond::AnythingBut(but), v) => but.allows(v),
            _ => false,
        }
    }
}

impl AnythingBut {
    fn allows(&self, value: Scalar<'_>) -> bool {
        match (self, value) {
            (AnythingBut::Strings(list), Scalar::Str(v)) => !list.iter().any(|s| s == v),
            (AnythingBut::Numbers(list), Scalar::Num(v)) => {
                quantize(v).is_none_or(|units| !list.contains(&units))
            }
            (AnythingBut::Prefix(p), Scalar::Str(v)) => !v.starts_with(p.as_str()),
            (AnythingBut::Suffix(p), Scalar::Str(v)) => !v.ends_with(p.as_str()),
            _ => true,
        }
    }
}

/// Compiles one element of a key's value array, in the order AWS checks it.
pub(super) fn compile_item(node: &Node) -> Result<Item, PolicyError> {
    let cond = match node {
        Node::String(s) => Cond::ExactStr(s.clone()),
        Node::Number(n) => Cond::ExactNum(NumValue::new(n.value)),
        Node::Bool(b) => Cond::ExactBool(*b),
        Node::Null => Cond::ExactNull,
        Node::Array(_) => return Err(err(messages::BAD_MATCH_VALUE)),
        Node::Object(fields) => return compile_expression(fields),
    };
    Ok(Item::Value(cond))
}

/// Compiles a match expression object such as `{"prefix": "abc"}`.
fn compile_expression(fields: &[(String, Node)]) -> Result<Item, PolicyError> {
    let Some(((name, value), rest)) = fields.split_first() else {
        return Err(err(messages::MATCH_NAME_NOT_FOUND));
    };
    let single = |item: Item| {
        if rest.is_empty() {
            Ok(item)
        } else {
            Err(err(messages::ONLY_ONE_KEY))
        }
    };
    match name.as_str() {
        "prefix" => single(Item::Value(Cond::Prefix(string_pattern(value, name)?))),
        "suffix" => single(Item::Value(Cond::Suffix(string_pattern(value, name)?))),
        "equals-ignore-case" => {
            let pattern = string_pattern(value, name)?;
            let lower = pattern.chars().flat_map(char::to_lowercase).collect();
            single(Item::Value(Cond::EqualsIgnoreCase(lower)))
        }
        "exists" => match value {
            Node::Bool(b) => single(Item::Exists(*b)),
            _ => Err(err(messages::EXISTS_NOT_BOOLEAN)),
        },
        "cidr" => {
            // AWS really does say "prefix" here.
            let pattern = string_pattern(value, "prefix")?;
            single(Item::Value(Cond::Cidr(cidr::compile(&pattern)?)))
        }
        "numeric" => {
            let Node::Array(items) = value else {
                return Err(err(messages::NUMERIC_NOT_ARRAY));
            };
            let range = numeric::compile(items)?;
            if !rest.is_empty() {
                return Err(err(messages::NUMERIC_TOO_MANY_ELEMENTS));
            }
            Ok(Item::Value(Cond::Numeric(range)))
        }
        "anything-but" => compile_anything_but(value, rest.is_empty()).map(Item::Value),
        other => Err(messages::unrecognized_match_type(other)),
    }
}

fn string_pattern(value: &Node, operator: &str) -> Result<String, PolicyError> {
    match value {
        Node::String(s) => Ok(s.clone()),
        _ => Err(messages::pattern_must_be_string(operator)),
    }
}

fn compile_anything_but(value: &Node, alone: bool) -> Result<Cond, PolicyError> {
    let but = match value {
        Node::Object(inner) => {
            let Some(((operator, pattern), inner_rest)) = inner.split_first() else {
                return Err(err(messages::ANYTHING_BUT_NAME_NOT_FOUND));
            };
            let make: fn(String) -> AnythingBut = match operator.as_str() {
                "prefix" => AnythingBut::Prefix,
                "suffix" => AnythingBut::Suffix,
                other => return Err(messages::unsupported_anything_but(other)),
            };
            let pattern = string_pattern(pattern, operator)?;
            if !inner_rest.is_empty() || !alone {
                return Err(err(messages::ONLY_ONE_KEY));
            }
            return Ok(Cond::AnythingBut(make(pattern)));
        }
        Node::Array(items) => anything_but_list(items)?,
        Node::String(s) => AnythingBut::Strings(vec![s.clone()]),
        Node::Number(n) => AnythingBut::Numbers(vec![numeric::operand(n.value)?]),
        Node::Null | Node::Bool(_) => return Err(err(messages::ANYTHING_BUT_BAD_VALUE)),
    };
    if !alone {
        // AWS reuses its numeric wording for a second key after anything-but's value.
        return Err(err(messages::NUMERIC_TOO_MANY_ELEMENTS));
    }
    Ok(Cond::AnythingBut(but))
}

fn anything_but_list(items: &[Node]) -> Result<AnythingBut, PolicyError> {
    let mut strings = Vec::new();
    let mut numbers = Vec::new();
    for item in items {
        match item {
            Node::String(s) => strings.push(s.clone()),
            Node::Number(n) => numbers.push(numeric::operand(n.value)?),
            _ => return Err(err(messages::ANYTHING_BUT_BAD_ELEMENT)),
        }
    }
    match (strings.is_empty(), numbers.is_empty()) {
        (false, true) => Ok(AnythingBut::Strings(strings)),
        (true, false) => Ok(AnythingBut::Numbers(numbers)),
        _ => Err(err(messages::ANYTHING_BUT_MIXED)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::json;
    use super::*;

    fn item(text: &str) -> Result<Item, String> {
        compile_item(&json::parse(text).expect("test JSON")).map_err(|e| e.0)
    }

    fn cond(text: &str) -> Cond {
        match item(text) {
            Ok(Item::Value(c)) => c,
            other => panic!("{text} compiled to {other:?}"),
        }
    }

    #[test]
    fn scalar_typing() {
        let table: &[(&str, Scalar<'_>, bool)] = &[
            (r#""100""#, Scalar::Str("100"), true),
            (r#""100""#, Scalar::Num(100.0), false),
            ("100", Scalar::Num(1e2), true),
            ("100", Scalar::Str("100"), false),
            ("true", Scalar::Bool(true), true),
            ("true", Scalar::Str("true"), false),
            ("null", Scalar::Null, true),
            ("null", Scalar::Str(""), false),
            (r#"{"prefix": "bas"}"#, Scalar::Str("basketball"), true),
            (r#"{"prefix": "bas"}"#, Scalar::Str("rugby"), false),
            (r#"{"suffix": "ball"}"#, Scalar::Str("baseball"), true),
            (r#"{"suffix": "1"}"#, Scalar::Num(1.0), false),
            (r#"{"equals-ignore-case": "ÉTÉ"}"#, Scalar::Str("été"), true),
            (
                r#"{"equals-ignore-case": "abc"}"#,
                Scalar::Str("abcd"),
                false,
            ),
            (r#"{"numeric": [">", 1]}"#, Scalar::Num(2.0), true),
            (r#"{"numeric": [">", 1]}"#, Scalar::Str("2"), false),
            (r#"{"cidr": "10.0.0.0/8"}"#, Scalar::Str("10.9.9.9"), true),
            (r#"{"anything-but": ["a", "b"]}"#, Scalar::Str("c"), true),
            (r#"{"anything-but": ["a", "b"]}"#, Scalar::Str("a"), false),
            (r#"{"anything-but": "a"}"#, Scalar::Num(1.0), true),
            (r#"{"anything-but": [100, 500]}"#, Scalar::Num(100.0), false),
            (r#"{"anything-but": [100, 500]}"#, Scalar::Num(100.1), true),
            (r#"{"anything-but": 100}"#, Scalar::Num(5e12), true),
            (
                r#"{"anything-but": {"prefix": "order-"}}"#,
                Scalar::Str("order-1"),
                false,
            ),
            (
                r#"{"anything-but": {"prefix": "order-"}}"#,
                Scalar::Str("data"),
                true,
            ),
            (
                r#"{"anything-but": {"suffix": ".png"}}"#,
                Scalar::Str("a.png"),
                false,
            ),
            (
                r#"{"anything-but": {"suffix": ".png"}}"#,
                Scalar::Null,
                true,
            ),
        ];
        for &(text, value, expected) in table {
            assert_eq!(cond(text).matches(value), expected, "{text} vs {value:?}");
        }
    }

    #[test]
    fn exists_items() {
        assert_eq!(item(r#"{"exists": true}"#), Ok(Item::Exists(true)));
        assert_eq!(item(r#"{"exists": false}"#), Ok(Item::Exists(false)));
    }

    #[test]
    fn rejects_like_aws() {
        let cases = [
            (r#"["value"]"#, messages::BAD_MATCH_VALUE.to_owned()),
            (
                r#"{"wrong-operator": true}"#,
                "Unrecognized match type wrong-operator".to_owned(),
            ),
            (
                r#"{"suffix": "value", "prefix": "value2"}"#,
                messages::ONLY_ONE_KEY.to_owned(),
            ),
            (
                r#"{"suffix": 100}"#,
                "suffix match pattern must be a string".to_owned(),
            ),
            (
                r#"{"suffix": null}"#,
                "suffix match pattern must be a string".to_owned(),
            ),
            (
                r#"{"suffix": []}"#,
                "suffix match pattern must be a string".to_owned(),
            ),
            (
                r#"{"exists": null}"#,
                messages::EXISTS_NOT_BOOLEAN.to_owned(),
            ),
            (
                r#"{"exists": "no"}"#,
                messages::EXISTS_NOT_BOOLEAN.to_owned(),
            ),
            (
                r#"{"anything-but": {"wrong-operator": null}}"#,
                "Unsupported anything-but pattern: wrong-operator".to_owned(),
            ),
            (
                r#"{"anything-but": {"exists": false}}"#,
                "Unsupported anything-but pattern: exists".to_owned(),
            ),
            (
                r#"{"anything-but": {"prefix": false}}"#,
                "prefix match pattern must be a string".to_owned(),
            ),
            ("{}", messages::MATCH_NAME_NOT_FOUND.to_owned()),
            (r#"{"numeric": 5}"#, messages::NUMERIC_NOT_ARRAY.to_owned()),
            (
                r#"{"numeric": ["<", 5], "x": 1}"#,
                messages::NUMERIC_TOO_MANY_ELEMENTS.to_owned(),
            ),
            (
                r#"{"cidr": 5}"#,
                "prefix match pattern must be a string".to_owned(),
            ),
            (
                r#"{"equals-ignore-case": 5}"#,
                "equals-ignore-case match pattern must be a string".to_owned(),
            ),
            (
                r#"{"anything-but": true}"#,
                messages::ANYTHING_BUT_BAD_VALUE.to_owned(),
            ),
            (
                r#"{"anything-but": {}}"#,
                messages::ANYTHING_BUT_NAME_NOT_FOUND.to_owned(),
            ),
            (
                r#"{"anything-but": [null]}"#,
                messages::ANYTHING_BUT_BAD_ELEMENT.to_owned(),
            ),
            (
                r#"{"anything-but": ["a", 1]}"#,
                messages::ANYTHING_BUT_MIXED.to_owned(),
            ),
            (
                r#"{"anything-but": []}"#,
                messages::ANYTHING_BUT_MIXED.to_owned(),
            ),
            (
                r#"{"anything-but": [2e9]}"#,
                messages::NUMBER_OUT_OF_RANGE.to_owned(),
            ),
            (
                r#"{"anything-but": "a", "prefix": "b"}"#,
                messages::NUMERIC_TOO_MANY_ELEMENTS.to_owned(),
            ),
            (
                r#"{"anything-but": {"prefix": "a", "x": 1}}"#,
                messages::ONLY_ONE_KEY.to_owned(),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(item(text), Err(expected), "{text}");
        }
    }
}
