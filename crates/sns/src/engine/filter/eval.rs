//! Matching a compiled policy against a message: attribute lookup or JSON-body path walking.
//!
//! Nothing here allocates except one JSON parse per `String.Array` attribute the policy
//! inspects. Body paths are resolved the way AWS flattens documents: arrays are transparent
//! (`{"a": [{"b": 1}]}` has leaf `a.b`), nested arrays are flattened, and a dotted policy key
//! also matches a body key containing the dot (`a.b` matches `{"a.b": 1}` and `{"a": {"b": 1}}`).

use serde_json::Value;

use super::compile::{Group, Leaf};
use super::condition::Scalar;
use super::AttributeRef;

/// Deepest body nesting walked; deeper values are treated as absent (serde_json's parser
/// already refuses documents nested deeper than 128, so this only guards hand-built values).
const MAX_BODY_DEPTH: usize = 256;

impl Group {
    /// True when every leaf holds and every `$or` has an alternative that holds.
    pub(super) fn eval(&self, leaf_holds: &mut dyn FnMut(&Leaf) -> bool) -> bool {
        self.leaves.iter().all(&mut *leaf_holds)
            && self
                .alternatives
                .iter()
                .all(|alts| alts.iter().any(|group| group.eval(leaf_holds)))
    }
}

impl Leaf {
    fn any_value(&self, value: Scalar<'_>) -> bool {
        self.conds.iter().any(|c| c.matches(value))
    }

    /// Evaluates the leaf over one attribute (`None` when absent).
    pub(super) fn holds_for_attribute(&self, attribute: Option<AttributeRef<'_>>) -> bool {
        let Some(value) = attribute.and_then(AttrValue::classify) else {
            return self.exists_false;
        };
        if self.exists_true {
            return true;
        }
        if self.conds.is_empty() {
            return false;
        }
        match value {
            AttrValue::Scalar(s) => self.any_value(s),
            AttrValue::Array(text) => match serde_json::from_str::<Value>(text) {
                Ok(Value::Array(items)) => items
                    .iter()
                    .any(|item| visit_leaf_values(item, 0, &mut |s| self.any_value(s))),
                _ => false,
            },
        }
    }

    /// Evaluates the leaf over a JSON body object.
    pub(super) fn holds_for_body(&self, body: &Value) -> bool {
        let mut found = false;
        let hit = visit_path(body, &self.path, 0, &mut |s| {
            found = true;
            self.exists_true || self.any_value(s)
        });
        hit || (!found && self.exists_false)
    }
}

/// How an attribute presents itself to the matcher; `Binary` attributes are ignored entirely.
enum AttrValue<'a> {
    Scalar(Scalar<'a>),
    /// The undecoded JSON text of a `String.Array` attribute.
    Array(&'a str),
}

impl<'a> AttrValue<'a> {
    fn classify(attribute: AttributeRef<'a>) -> Option<AttrValue<'a>> {
        let base = attribute
            .data_type
            .split('.')
            .next()
            .unwrap_or(attribute.data_type);
        if attribute.data_type == "String.Array" {
            Some(AttrValue::Array(attribute.value))
        } else if base == "Binary" {
            None
        } else if base == "Number" {
            let scalar =
                parse_number(attribute.value).map_or(Scalar::Str(attribute.value), Scalar::Num);
            Some(AttrValue::Scalar(scalar))
        } else {
            Some(AttrValue::Scalar(Scalar::Str(attribute.value)))
        }
    }
}

/// A `Number` attribute's value; AWS validates these at publish, so anything odd is left a string.
fn parse_number(text: &str) -> Option<f64> {
    let plausible = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    if !plausible {
        return None;
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Calls `visit` on each scalar leaf value at dotted `path` under `value`, stopping early when
/// `visit` returns true (and returning true).
fn visit_path<'v>(
    value: &'v Value,
    path: &str,
    depth: usize,
    visit: &mut dyn FnMut(Scalar<'v>) -> bool,
) -> bool {
    if depth > MAX_BODY_DEPTH {
        return false;
    }
    match value {
        Value::Object(map) => map.iter().any(|(key, child)| {
            if path == key {
                visit_leaf_values(child, depth + 1, visit)
            } else if let Some(rest) = path
                .strip_prefix(key.as_str())
                .and_then(|r| r.strip_prefix('.'))
            {
                visit_path(child, rest, depth + 1, visit)
            } else {
                false
            }
        }),
        Value::Array(items) => items
            .iter()
            .any(|item| visit_path(item, path, depth + 1, visit)),
        _ => false,
    }
}

/// Calls `visit` on `value` if it is a scalar, or on the scalars inside it if it is an array
/// (recursively). Objects are not leaf values.
fn visit_leaf_values<'v>(
    value: &'v Value,
    depth: usize,
    visit: &mut dyn FnMut(Scalar<'v>) -> bool,
) -> bool {
    if depth > MAX_BODY_DEPTH {
        return false;
    }
    match value {
        Value::String(s) => visit(Scalar::Str(s)),
        Value::Number(n) => n.as_f64().is_some_and(|v| visit(Scalar::Num(v))),
        Value::Bool(b) => visit(Scalar::Bool(*b)),
        Value::Null => visit(Scalar::Null),
        Value::Array(items) => items
            .iter()
            .any(|item| visit_leaf_values(item, depth + 1, visit)),
        Value::Object(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn leaves_at(body: &Value, path: &str) -> Vec<String> {
        let mut seen = Vec::new();
        visit_path(body, path, 0, &mut |s| {
            seen.push(format!("{s:?}"));
            false
        });
        seen
    }

    #[test]
    fn paths_flatten_arrays_and_dots() {
        let body = json!({
            "a": {"b": [1, [2, [3]]], "c": {"d": "x"}},
            "a.b": true,
            "r": [{"k": "v1"}, {"k": ["v2"]}, {"other": 0}, []],
            "o": {"p": {"q": null}}
        });
        assert_eq!(
            leaves_at(&body, "a.b"),
            ["Num(1.0)", "Num(2.0)", "Num(3.0)", "Bool(true)"]
        );
        assert_eq!(leaves_at(&body, "a.c.d"), ["Str(\"x\")"]);
        assert_eq!(leaves_at(&body, "r.k"), ["Str(\"v1\")", "Str(\"v2\")"]);
        assert_eq!(leaves_at(&body, "o.p.q"), ["Null"]);
        assert!(leaves_at(&body, "a").is_empty(), "objects are not leaves");
        assert!(leaves_at(&body, "a.c").is_empty());
        assert!(leaves_at(&body, "missing").is_empty());
        assert!(leaves_at(&body, "a.").is_empty());
    }

    #[test]
    fn number_attribute_parsing() {
        assert_eq!(parse_number("3e2"), Some(300.0));
        assert_eq!(parse_number("-1.5"), Some(-1.5));
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("1e999"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("12abc"), None);
    }

    #[test]
    fn attribute_classification() {
        let of = |data_type, value| AttrValue::classify(AttributeRef { data_type, value });
        assert!(matches!(
            of("String", "x"),
            Some(AttrValue::Scalar(Scalar::Str("x")))
        ));
        assert!(matches!(
            of("String.custom", "x"),
            Some(AttrValue::Scalar(Scalar::Str("x")))
        ));
        assert!(matches!(
            of("Number", "7"),
            Some(AttrValue::Scalar(Scalar::Num(_)))
        ));
        assert!(matches!(
            of("Number.float", "7"),
            Some(AttrValue::Scalar(Scalar::Num(_)))
        ));
        assert!(matches!(
            of("Number", "x"),
            Some(AttrValue::Scalar(Scalar::Str("x")))
        ));
        assert!(matches!(
            of("String.Array", "[]"),
            Some(AttrValue::Array("[]"))
        ));
        assert!(of("Binary", "").is_none());
        assert!(of("Binary.png", "").is_none());
    }

    #[test]
    fn hand_built_deep_bodies_do_not_overflow() {
        let mut value = json!("leaf");
        for _ in 0..(MAX_BODY_DEPTH * 2) {
            value = Value::Array(vec![value]);
        }
        let body = json!({ "a": value });
        assert!(leaves_at(&body, "a").is_empty());
        // serde_json's own recursive drop would overflow on far deeper values; keep it modest.
    }
}
